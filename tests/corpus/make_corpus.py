#!/usr/bin/env python3
"""Write the broken-input corpus under tests/corpus/ (issue 9).

Every file is small and hand-made to break one reader in one way; the
expected error or repair of each is asserted in tests/broken_inputs.rs.
Large cases (the 10-million-column line) are generated at test time there,
not here. Run from the repository root: python3 tests/corpus/make_corpus.py
"""

import os
import struct

ROOT = os.path.dirname(os.path.abspath(__file__))


def put(rel, data):
    p = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(p, "wb") as f:
        f.write(data)


# --- TRC -------------------------------------------------------------------
TRC_KEYS = "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"


def trc(vals="100\t100\t2\t1\tmm\t100\t1\t2", names="Frame#\tTime\tLHEE\t\t\n\t\tX1\tY1\tZ1\n", rows="", nl="\n"):
    head = "PathFileType\t4\t(X/Y/Z)\tx.trc\n" + TRC_KEYS + vals + "\n" + names
    return (head + rows).replace("\n", nl)


ROW2 = "1\t0.00\t1\t2\t3\n2\t0.01\t4\t5\t6\n"
put("trc/empty.trc", b"")
put("trc/header_only.trc", trc())
put("trc/truncated_mid_number.trc", trc(rows="1\t0.00\t1\t2\t3\n2\t0.01\t4\t5\t6e"))
put("trc/bom.trc", b"\xef\xbb\xbf" + trc(rows=ROW2).encode())
put("trc/crlf_lf_mixed.trc", trc(rows="1\t0.00\t1\t2\t3\r\n2\t0.01\t4\t5\t6\n", nl="\r\n").replace("\r\n2\t0.01", "\n2\t0.01"))
put("trc/latin1_name.trc", trc(names="Frame#\tTime\tL\xc4HEE\t\t\n\t\tX1\tY1\tZ1\n", rows=ROW2).encode("latin-1"))
put(
    "trc/duplicate_markers.trc",
    trc(
        vals="100\t100\t2\t2\tmm\t100\t1\t2",
        names="Frame#\tTime\tLHEE\t\t\tLHEE\t\t\n\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n",
        rows="1\t0.00\t1\t2\t3\t7\t8\t9\n2\t0.01\t4\t5\t6\t7\t8\t9\n",
    ),
)
put("trc/no_z_column.trc", trc(names="Frame#\tTime\tLHEE\t\t\n\t\tX1\tY1\n", rows="1\t0.00\t1\t2\n2\t0.01\t4\t5\n"))
put("trc/nan_cell.trc", trc(rows="1\t0.00\t1\tNaN\t3\n2\t0.01\t4\t5\t6\n"))
put("trc/inf_cell.trc", trc(rows="1\t0.00\t1\tinf\t3\n2\t0.01\t4\t5\t6\n"))
put("trc/rate_zero.trc", trc(vals="0\t100\t2\t1\tmm\t100\t1\t2", rows=ROW2))
put("trc/rate_negative.trc", trc(vals="-100\t100\t2\t1\tmm\t100\t1\t2", rows=ROW2))
put("trc/rate_1e9.trc", trc(vals="1e9\t100\t2\t1\tmm\t100\t1\t2", rows=ROW2))
put("trc/frames_disagree.trc", trc(vals="100\t100\t5000000000\t3\tmm\t100\t1\t2", rows=ROW2))
put("trc/one_frame.trc", trc(vals="100\t100\t1\t1\tmm\t100\t1\t1", rows="1\t0.00\t1\t2\t3\n"))
put("trc/mixed_delimiters.trc", trc(rows="1\t0.00\t1\t2\t3\n2;0.01;4;5;6\n"))

# --- Vicon Nexus CSV --------------------------------------------------------
VH = "Trajectories\r\n100\r\n,,S:LHEE,,\r\nFrame,Sub Frame,X,Y,Z\r\n,,mm,mm,mm\r\n"
VR = "1,0,1,2,3\r\n2,0,4,5,6\r\n"


def vicon(rate="100", names=",,S:LHEE,,", comps="Frame,Sub Frame,X,Y,Z", units=",,mm,mm,mm", rows=VR):
    return f"Trajectories\r\n{rate}\r\n{names}\r\n{comps}\r\n{units}\r\n{rows}"


put("vicon_csv/empty.csv", b"")
put("vicon_csv/title_and_rate_only.csv", "Trajectories\r\n100\r\n")
put("vicon_csv/truncated_mid_number.csv", VH + "1,0,1,2,3\r\n2,0,4,5,6e")
put("vicon_csv/bom.csv", b"\xef\xbb\xbf" + vicon().encode())
put("vicon_csv/crlf_lf_mixed.csv", vicon().replace("\r\n2,0", "\n2,0"))
put("vicon_csv/latin1_name.csv", vicon(names=",,S:L\xc4HEE,,").encode("latin-1"))
put(
    "vicon_csv/duplicate_markers.csv",
    vicon(
        names=",,S:LHEE,,,S:LHEE,,",
        comps="Frame,Sub Frame,X,Y,Z,X,Y,Z",
        units=",,mm,mm,mm,mm,mm,mm",
        rows="1,0,1,2,3,7,8,9\r\n2,0,4,5,6,7,8,9\r\n",
    ),
)
put("vicon_csv/no_z_column.csv", vicon(comps="Frame,Sub Frame,X,Y", units=",,mm,mm", rows="1,0,1,2\r\n2,0,4,5\r\n"))
put("vicon_csv/nan_cell.csv", vicon(rows="1,0,1,NaN,3\r\n2,0,4,5,6\r\n"))
put("vicon_csv/inf_cell.csv", vicon(rows="1,0,1,-inf,3\r\n2,0,4,5,6\r\n"))
put("vicon_csv/rate_zero.csv", vicon(rate="0"))
put("vicon_csv/rate_negative.csv", vicon(rate="-100"))
put("vicon_csv/rate_1e9.csv", vicon(rate="1e9"))
put("vicon_csv/frame_jump_huge.csv", vicon(rows="1,0,1,2,3\r\n999999999,0,4,5,6\r\n"))
put("vicon_csv/frame_backwards.csv", vicon(rows="5,0,1,2,3\r\n4,0,4,5,6\r\n"))
put("vicon_csv/frames_skipped.csv", vicon(rows="1,0,1,2,3\r\n4,0,4,5,6\r\n"))
# 600 markers (1800 columns) and a jump of 8998 frames: 16 million gap cells
# (130 MB) invented from a 14 KB file unless the gap budget counts cells.
WIDE_NAMES = ",," + ",,,".join(f"S:M{k}" for k in range(600)) + ",,"
WIDE_ROW = ",".join(["1", "2", "3"] * 600)
put(
    "vicon_csv/frame_gap_wide.csv",
    vicon(
        names=WIDE_NAMES,
        comps="Frame,Sub Frame," + ",".join(["X", "Y", "Z"] * 600),
        units=",," + ",".join(["mm"] * 1800),
        rows=f"1,0,{WIDE_ROW}\r\n9000,0,{WIDE_ROW}\r\n",
    ),
)
put("vicon_csv/one_frame.csv", vicon(rows="1,0,1,2,3\r\n"))
put("vicon_csv/mixed_delimiters.csv", vicon(rows="1,0,1,2,3\r\n2;0;4;5;6\r\n"))

# --- MOT / STO --------------------------------------------------------------
MH = "Coordinates\nversion=1\nnRows=2\nnColumns=3\ninDegrees=yes\nendheader\ntime\tpelvis_tx\tknee_angle_r\n"
put("mot/empty.mot", b"")
put("mot/header_only.mot", MH)
put("mot/no_endheader.sto", "Coordinates\nversion=1\nnRows=2\n")
put("mot/truncated_mid_number.mot", MH + "0\t0.6\t-54.9\n0.01\t0.6\t-5.")
put("mot/truncated_mid_exponent.mot", MH + "0\t0.6\t-54.9\n0.01\t0.6\t-5e+")
put("mot/bom.mot", b"\xef\xbb\xbf" + (MH + "0\t0.6\t-54.9\n0.01\t0.6\t-50\n").encode())
put("mot/crlf_lf_mixed.mot", (MH + "0\t0.6\t-54.9\n0.01\t0.6\t-50\n").replace("\n", "\r\n", 3))
put("mot/latin1_name.mot", (MH.replace("knee_angle_r", "kn\xe9e_r") + "0\t0.6\t-54.9\n0.01\t0.6\t-50\n").encode("latin-1"))
put("mot/inf_cell.mot", MH + "0\t0.6\t-54.9\n0.01\tInfinity\t-50\n")
put("mot/nan_cell.mot", MH + "0\t0.6\tnan\n0.01\t0.6\t-50\n")
put("mot/rows_disagree.mot", MH.replace("nRows=2", "nRows=99999999999") + "0\t0.6\t-54.9\n0.01\t0.6\t-50\n")
put("mot/one_row.mot", MH + "0\t0.6\t-54.9\n")
put("mot/mixed_delimiters.mot", MH + "0\t0.6\t-54.9\n0.01 0.6 -50\n")
put("mot/time_not_first.mot", "Coordinates\nendheader\npelvis_tx\ttime\n0.6\t0\n")

# --- ANC --------------------------------------------------------------------


def anc(bits="16", rate="2000", rng="5000", channels="2", rows="0.000000\t0\t-197\n0.000500\t-4\t-252\n"):
    return (
        "File_Type:\tAnalog R/C ASCII\tGeneration#:\t2\n"
        "Board_Type:\tNI USB-6225\tPolarity:\tBipolar\n"
        f"Trial_Name:\tT\tTrial#:\t3\tDuration(Sec.):\t0.000500\t#Channels:\t{channels}\n"
        f"BitDepth:\t{bits}\tPreciseRate:\t2000.000000\n\n"
        f"Name\tF1X\tSOL\nRate\t{rate}\t2000\nRange\t{rng}\t2500\n" + rows
    )


put("anc/empty.anc", b"")
put("anc/header_only.anc", anc(rows=""))
put("anc/no_name_row.anc", "File_Type:\tAnalog R/C ASCII\tGeneration#:\t2\nBitDepth:\t16\n")
put("anc/truncated_mid_number.anc", anc(rows="0.000000\t0\t-197\n0.000500\t-4\t-2e"))
put("anc/bom.anc", b"\xef\xbb\xbf" + anc().encode())
put("anc/crlf_lf_mixed.anc", anc().replace("\n", "\r\n", 4))
put("anc/inf_cell.anc", anc(rows="0.000000\t0\t-197\n0.000500\tinf\t-252\n"))
put("anc/bitdepth_zero.anc", anc(bits="0"))
put("anc/rate_negative.anc", anc(rate="-2000"))
put("anc/rate_1e9.anc", anc(rate="1e9"))
put("anc/channels_disagree.anc", anc(channels="40"))
put("anc/one_row.anc", anc(rows="0.000000\t0\t-197\n"))
put("anc/mixed_delimiters.anc", anc(rows="0.000000\t0\t-197\n0.000500,-4,-252\n"))

# --- Delimited text ---------------------------------------------------------
DH = "Time\tLHEEX\tLHEEY\tLHEEZ\n"
put("delimited/empty.txt", b"")
put("delimited/header_only.txt", DH)
put("delimited/truncated_mid_number.txt", DH + "0\t1\t2\t3\n0.01\t1\t2\t3.5e")
put("delimited/bom.txt", b"\xef\xbb\xbf" + (DH + "0\t1\t2\t3\n0.01\t1\t2\t3\n").encode())
put("delimited/crlf_lf_mixed.txt", (DH + "0\t1\t2\t3\r\n0.01\t1\t2\t3\n").replace("\n", "\r\n", 1))
put("delimited/latin1_name.txt", ("Time\tL\xc4X\tL\xc4Y\tL\xc4Z\n0\t1\t2\t3\n0.01\t1\t2\t3\n").encode("latin-1"))
put("delimited/duplicate_markers.txt", "Time\tLHEEX\tLHEEY\tLHEEZ\tLHEEX\tLHEEY\tLHEEZ\n0\t1\t2\t3\t4\t5\t6\n0.01\t1\t2\t3\t4\t5\t6\n")
put("delimited/no_z_column.txt", "Time\tLHEEX\tLHEEY\n0\t1\t2\n0.01\t1\t2\n")
put("delimited/inf_cell.txt", DH + "0\t1\t2\t3\n0.01\t1\t-inf\t3\n")
put("delimited/one_row.txt", DH + "0\t1\t2\t3\n")
put("delimited/time_steps_1e-9.txt", DH + "0\t1\t2\t3\n0.000000001\t1\t2\t3\n0.000000002\t1\t2\t3\n")
put("delimited/mixed_delimiters.txt", DH + "0\t1\t2\t3\n0.01 1 2 3\n")

# --- C3D --------------------------------------------------------------------


def c3d(
    pblock=2,
    proc=84,
    used=1,
    rate=100.0,
    data_start=3,
    frames=2,
    first=1,
    last=None,
    labels=(b"LHEE",),
    analog_used=0,
    loop=False,
    subject=b"",
    data=True,
    extra_params=b"",
):
    """A small Intel float C3D (header, one parameter block, data from block 3)."""
    last = frames if last is None else last
    p = bytearray([1, 0x50, 1, proc])

    def group(gid, name):
        p.extend([len(name), (-gid) & 0xFF])
        p.extend(name)
        p.extend(struct.pack("<h", 3))
        p.append(0)

    def param(gid, name, kind, dims, data):
        p.extend([len(name), gid])
        p.extend(name)
        p.extend(struct.pack("<h", 2 + 2 + len(dims) + len(data) + 1))
        p.extend([kind & 0xFF, len(dims)])
        p.extend(dims)
        p.extend(data)
        p.append(0)

    group(1, b"POINT")
    param(1, b"USED", 2, [], struct.pack("<H", used & 0xFFFF))
    param(1, b"SCALE", 4, [], struct.pack("<f", -1.0))
    param(1, b"RATE", 4, [], struct.pack("<f", rate))
    param(1, b"DATA_START", 2, [], struct.pack("<H", data_start & 0xFFFF))
    param(1, b"FRAMES", 2, [], struct.pack("<H", frames & 0xFFFF))
    if labels:
        n = max(len(x) for x in labels)
        param(1, b"LABELS", -1, [n, len(labels)], b"".join(x.ljust(n) for x in labels))
    param(1, b"UNITS", -1, [2], b"mm")
    group(2, b"ANALOG")
    param(2, b"USED", 2, [], struct.pack("<H", analog_used & 0xFFFF))
    if subject:
        group(3, b"SUBJECTS")
        param(3, b"NAMES", -1, [len(subject), 1], subject)
    p.extend(extra_params)
    if loop:
        # The last record points back at the first one.
        p.extend([4, 1])
        p.extend(b"LOOP")
        here = len(p)
        p.extend(struct.pack("<h", 4 - here))
        p.extend([2, 0, 0, 0, 0])
    else:
        p.extend([0, 0])
    p = bytes(p).ljust(512, b"\0")
    h = bytearray(512)
    h[0] = pblock & 0xFF
    h[1] = 0x50
    struct.pack_into("<HHHHH", h, 2, used & 0xFFFF, 0, first & 0xFFFF, last & 0xFFFF, 0)
    struct.pack_into("<f", h, 12, -1.0)
    struct.pack_into("<HH", h, 16, data_start & 0xFFFF, 0)
    struct.pack_into("<f", h, 20, rate)
    body = b""
    if data:
        for f in range(frames):
            for k in range(max(used, 0) if used < 1000 else 0):
                body += struct.pack("<ffff", 100.0 + f, 200.0 + k, 300.0, 0.0 if f % 2 == 0 else -1.0)
    return bytes(h) + p + body


put("c3d/empty.c3d", b"")
put("c3d/valid.c3d", c3d())
put("c3d/header_short.c3d", c3d()[:300])
put("c3d/param_pointer_out_of_range.c3d", c3d(pblock=200))
put("c3d/param_pointer_zero.c3d", c3d(pblock=0)[:600])
put("c3d/bad_processor.c3d", c3d(proc=99))
put("c3d/param_loop.c3d", c3d(loop=True))
put("c3d/points_negative.c3d", c3d(used=-1))
put("c3d/analog_negative.c3d", c3d(analog_used=-5))
put("c3d/rate_zero.c3d", c3d(rate=0.0))
put("c3d/rate_negative.c3d", c3d(rate=-100.0))
put("c3d/rate_1e9.c3d", c3d(rate=1e9))
put("c3d/data_start_out_of_range.c3d", c3d(data_start=5000))
put("c3d/data_start_zero.c3d", c3d(data_start=0))
put("c3d/frames_more_than_data.c3d", c3d(frames=2, last=60000))
put("c3d/truncated_mid_frame.c3d", c3d(frames=2)[: 1024 + 10])
put("c3d/truncated_in_parameters.c3d", c3d()[:520])
put("c3d/one_frame.c3d", c3d(frames=1))
put("c3d/duplicate_labels.c3d", c3d(used=2, labels=(b"LHEE", b"LHEE")))
put("c3d/latin1_label.c3d", c3d(labels=(b"L\xc4HE",)))
put("c3d/first_after_last.c3d", c3d(first=10, last=5))
# A parameter whose dimensions claim 255 x 255 x 255 floats (66 MB) in a 1.5 KB file.
put("c3d/param_dims_huge.c3d", c3d(extra_params=bytes([4, 1]) + b"HUGE" + struct.pack("<h", 9) + bytes([4, 3, 255, 255, 255])))
# A record whose offset to the next record points 30,000 bytes past the end.
put(
    "c3d/param_next_out_of_range.c3d",
    c3d(extra_params=bytes([4, 1]) + b"NEXT" + struct.pack("<h", 30000) + bytes([2, 0, 0, 0, 0])),
)
print("corpus written to", ROOT)
