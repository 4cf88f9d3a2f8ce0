#!/usr/bin/env python3
"""A typical Python gait pipeline: the baseline of issue 8's target "each trial
at least 50x faster end to end than a typical Python script doing the same
steps". It is written the way a lab script usually is (pandas, scipy, numpy,
matplotlib; vectorised, no per-sample Python loops), not to be slow:

  1. read the trial's delimited text files with pandas (markers, and the
     force-plate and EMG side-cars when present);
  2. low-pass the marker coordinates (Butterworth order 2, 6 Hz walking /
     12 Hz running, zero lag: scipy butter + filtfilt); force plates 50 Hz;
  3. gait events: foot strikes and foot offs by Zeni et al. 2008 (heel and toe
     relative to the pelvis along the progression axis, scipy find_peaks);
     force-plate contacts where vertical GRF > 20 N;
  4. spatiotemporal parameters per side: stride time, cadence, stride length,
     speed, stance %, with mean and SD;
  5. a few sagittal angles (hip, knee, ankle from marker vectors), cut into
     cycles and resampled to 101 points;
  6. EMG envelopes when present (20-450 Hz band-pass, rectify, 6 Hz low-pass)
     and a hamstring/quadriceps ratio per side;
  7. write metrics.json, strides.csv, cycles.csv and PNG charts (markers,
     angles, EMG) with matplotlib.

Usage: python3 benches/python/pipeline.py OUTDIR MARKERS.txt [MORE.txt ...]
Each argument after OUTDIR is one trial's marker file; side-cars named
<stem>forces.txt / <stem>_forces.txt and <stem>_emg.txt beside it are read
too. Prints one JSON line per trial with the seconds spent (imports excluded)
and, at the end, the import time. Not part of the build or CI (needs
`pip install pandas scipy matplotlib`); see benches/README.md.
"""

import json
import os
import sys
import time

T0 = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.signal import butter, filtfilt, find_peaks  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

IMPORT_S = time.perf_counter() - T0

# Landmark -> marker names in the two sets used here (Plug-in Gait, RBDS; in
# RBDS running trials the anatomical knee, ankle and MT2 markers are empty,
# so the cluster markers stand in).
NAMES = {
    "LHEE": ["LHEE", "L.Heel.Bottom"], "RHEE": ["RHEE", "R.Heel.Bottom"],
    "LTOE": ["LTOE", "L.MT2", "L.MT1"], "RTOE": ["RTOE", "R.MT2", "R.MT1"],
    "LPSI": ["LPSI", "L.PSIS"], "RPSI": ["RPSI", "R.PSIS"],
    "LASI": ["LASI", "L.ASIS"], "RASI": ["RASI", "R.ASIS"],
    "LKNE": ["LKNE", "L.Knee", "L.Thigh.Bottom.Lateral"], "RKNE": ["RKNE", "R.Knee", "R.Thigh.Bottom.Lateral"],
    "LANK": ["LANK", "L.Ankle", "L.Shank.Bottom.Lateral"], "RANK": ["RANK", "R.Ankle", "R.Shank.Bottom.Lateral"],
}


def marker(df, lm):
    for n in NAMES[lm]:
        if n + "X" in df.columns:
            xyz = df[[n + "X", n + "Y", n + "Z"]].to_numpy(dtype=float)
            if np.isfinite(xyz).any():
                return xyz
    return None


def lowpass(x, cutoff, fs, order=2):
    b, a = butter(order, cutoff / (fs / 2))
    x = pd.DataFrame(x).interpolate(limit_direction="both").to_numpy()
    return filtfilt(b, a, x, axis=0)


def sidecar(path, names):
    stem = path[:-4]
    for s in names:
        p = stem + s
        if os.path.exists(p):
            return p
    return None


def angle(u, v):
    """Angle between row vectors, degrees."""
    c = np.einsum("ij,ij->i", u, v) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return np.degrees(np.arccos(np.clip(c, -1, 1)))


def cycles(sig, strikes):
    out = []
    for a, b in zip(strikes[:-1], strikes[1:]):
        seg = sig[a : b + 1]
        out.append(np.interp(np.linspace(0, len(seg) - 1, 101), np.arange(len(seg)), seg))
    return np.array(out)


def analyse(path, outdir):
    t0 = time.perf_counter()
    df = pd.read_csv(path, sep="\t")
    fpath = sidecar(path, ["forces.txt", "_forces.txt"])
    epath = sidecar(path, ["_emg.txt"])
    forces = pd.read_csv(fpath, sep="\t") if fpath else None
    emg = pd.read_csv(epath, sep="\t") if epath else None
    t_read = time.perf_counter() - t0

    t = df.iloc[:, 0].to_numpy(dtype=float)
    fs = round((len(t) - 1) / (t[-1] - t[0]))
    m = {k: marker(df, k) for k in NAMES}
    # Units and axes as a lab script finds them: mm if large; vertical = the
    # axis on which the pelvis sits highest; progression = the horizontal
    # axis along which the heels move most relative to the pelvis.
    scale = 1000.0 if np.nanmax(np.abs(m["LPSI"])) > 20 else 1.0
    pel_raw = (m["LPSI"] + m["RPSI"]) / 2 / scale
    vert = int(np.nanargmax(np.nanmean(np.abs(pel_raw), axis=0) * [0, 1, 1]))  # Y or Z up
    run = "run" in os.path.basename(path).lower() or "RBDS" in path
    cutoff = 12.0 if run else 6.0
    f = {k: lowpass(v / scale, cutoff, fs) for k, v in m.items() if v is not None}
    pel = (f["LPSI"] + f["RPSI"]) / 2
    horiz = [a for a in range(3) if a != vert]
    rel = {k: f[k] - pel for k in ("LHEE", "RHEE", "LTOE", "RTOE")}
    prog = max(horiz, key=lambda a: np.ptp(rel["LHEE"][:, a]))
    sign = np.sign(np.nanmean(np.diff(pel[:, prog]))) or 1.0
    if np.ptp(pel[:, prog]) < 0.25 * len(t) / fs:  # treadmill: face the toes
        sign = np.sign(np.nanmean(f["LTOE"][:, prog] - f["LHEE"][:, prog])) or 1.0

    # Zeni 2008: strikes at heel maxima, offs at toe minima relative to the pelvis.
    dist = int(0.35 * fs) if run else int(0.5 * fs)
    ev = {}
    for s in "LR":
        h = sign * rel[s + "HEE"][:, prog]
        to = sign * rel[s + "TOE"][:, prog]
        ev[s + "FS"] = find_peaks(h, distance=dist, prominence=0.05)[0]
        ev[s + "FO"] = find_peaks(-to, distance=dist, prominence=0.05)[0]
    contacts = []
    if forces is not None:
        ff = forces.to_numpy(dtype=float)
        frate = fs * len(ff) / len(t)
        fz_cols = [c for c in forces.columns if c.replace("Force.", "").startswith("Fz") or c == "Fy"]
        for c in fz_cols:
            fz = lowpass(np.abs(forces[c].to_numpy(dtype=float))[:, None], 50.0, frate)[:, 0]
            on = np.flatnonzero(np.diff((fz > 20).astype(int)) == 1)
            contacts.append(len(on))

    # Spatiotemporal, per side.
    st = {}
    rows = []
    belt = 0.0 if np.ptp(pel[:, prog]) > 0.25 * len(t) / fs else 1.0
    for s in "LR":
        fs_i = ev[s + "FS"]
        if len(fs_i) < 2:
            continue
        stride_t = np.diff(fs_i) / fs
        pos = f[s + "HEE"][fs_i][:, horiz]
        stride_l = np.linalg.norm(np.diff(pos, axis=0), axis=1)
        fo = ev[s + "FO"]
        stance = []
        for a, b in zip(fs_i[:-1], fs_i[1:]):
            o = fo[(fo > a) & (fo < b)]
            stance.append(100.0 * (o[0] - a) / (b - a) if len(o) else np.nan)
        st[s] = {
            "stride_time_s": [float(np.mean(stride_t)), float(np.std(stride_t, ddof=1))],
            "cadence_steps_per_min": float(120.0 / np.mean(stride_t)),
            "stride_length_m": [float(np.mean(stride_l)), float(np.std(stride_l, ddof=1))],
            "speed_m_s": float(np.mean(stride_l / stride_t)) if not belt else None,
            "stance_pct": float(np.nanmean(stance)),
        }
        for i in range(len(stride_t)):
            rows.append((s, int(fs_i[i]), stride_t[i], stride_l[i], stance[i]))

    # Sagittal angles (3-point approximations) and their cycles.
    ang = {}
    cyc = {}
    for s in "LR":
        hip = (f[s + "ASI"] + f[s + "PSI"]) / 2
        thigh = f[s + "KNE"] - hip
        shank = f[s + "ANK"] - f[s + "KNE"]
        foot = f[s + "TOE"] - f[s + "HEE"]
        trunk = np.zeros_like(hip)
        trunk[:, vert] = -1.0
        ang[s + "hip"] = angle(trunk, thigh)
        ang[s + "knee"] = angle(thigh, shank)
        ang[s + "ankle"] = angle(shank, foot) - 90.0
        for k in ("hip", "knee", "ankle"):
            c = cycles(ang[s + k], ev[s + "FS"])
            if len(c):
                cyc[s + k] = (c.mean(axis=0), c.std(axis=0, ddof=1) if len(c) > 1 else np.zeros(101))

    # EMG envelopes and H:Q per side.
    hq = {}
    if emg is not None:
        erate = fs * len(emg) / len(t)
        b, a = butter(2, [20 / (erate / 2), min(450, 0.45 * erate) / (erate / 2)], btype="band")
        bl, al = butter(2, 6 / (erate / 2))
        env = {}
        for c in emg.columns[1:]:
            x = emg[c].to_numpy(dtype=float)
            env[c] = filtfilt(bl, al, np.abs(filtfilt(b, a, x - x.mean())))
        for s in "LR":
            ham = [env[c] for c in env if c.startswith(s + "_") and c[2:] in ("BF", "ST")]
            quad = [env[c] for c in env if c.startswith(s + "_") and c[2:] in ("RF", "VL", "VM")]
            if ham and quad:
                hq[s] = float(np.mean(ham) / np.mean(quad))

    # Outputs.
    stem = os.path.splitext(os.path.basename(path))[0]
    d = os.path.join(outdir, stem)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "metrics.json"), "w") as fh:
        json.dump({"trial": stem, "rate_hz": fs, "events": {k: v.tolist() for k, v in ev.items()},
                   "contacts": contacts, "spatiotemporal": st, "hq_ratio": hq}, fh, indent=1)
    pd.DataFrame(rows, columns=["side", "start_frame", "stride_time_s", "stride_length_m", "stance_pct"]).to_csv(
        os.path.join(d, "strides.csv"), index=False)
    pd.DataFrame({k: v[0] for k, v in cyc.items()}).to_csv(os.path.join(d, "cycles.csv"), index_label="percent")
    pd.DataFrame({k: v for k, v in ang.items()}).assign(time_s=t).to_csv(os.path.join(d, "angles.csv"), index=False)
    t_compute = time.perf_counter() - t0 - t_read

    t1 = time.perf_counter()
    fig, ax = plt.subplots(2, 1, figsize=(10, 6))
    for s in "LR":
        ax[0].plot(t, f[s + "HEE"][:, vert], label=s + " heel")
        ax[0].plot(t, f[s + "TOE"][:, vert], label=s + " toe")
        ax[1].plot(t, f[s + "HEE"][:, prog], label=s + " heel")
        for e in ev[s + "FS"]:
            ax[0].axvline(t[e], lw=0.5, color="k")
    ax[0].legend()
    fig.savefig(os.path.join(d, "markers.png"), dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(1, 3, figsize=(12, 4))
    for i, k in enumerate(("hip", "knee", "ankle")):
        for s in "LR":
            if s + k in cyc:
                mean, sd = cyc[s + k]
                ax[i].plot(np.arange(101), mean, label=s)
                ax[i].fill_between(np.arange(101), mean - sd, mean + sd, alpha=0.3)
        ax[i].set_title(k)
    fig.savefig(os.path.join(d, "angles.png"), dpi=100)
    plt.close(fig)
    if emg is not None:
        fig, ax = plt.subplots(figsize=(10, 4))
        for c in list(env)[:4]:
            ax.plot(np.arange(len(env[c])) / erate, env[c], lw=0.5, label=c)
        ax.legend()
        fig.savefig(os.path.join(d, "emg.png"), dpi=100)
        plt.close(fig)
    t_plots = time.perf_counter() - t1
    return {"trial": stem, "frames": len(t), "read_s": t_read, "compute_s": t_compute, "plots_s": t_plots,
            "total_s": time.perf_counter() - t0, "strides": len(rows)}


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    for p in sys.argv[2:]:
        print(json.dumps(analyse(p, out)))
    print(json.dumps({"import_s": IMPORT_S}))


if __name__ == "__main__":
    main()
