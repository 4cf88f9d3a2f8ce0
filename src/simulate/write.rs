//! Writers for simulated trials: Vicon Nexus CSV, OpenSim TRC (+ `_grf.mot`,
//! `_emg.mot`), tab-delimited text (+ `_forces.txt`, `_emg.txt`), C3D (see
//! [`super::c3d`]), and the truth JSON. Every file is written to
//! `<name>.tmp` and renamed. Text numbers are fixed-point (markers 6 decimals
//! in mm, forces 4 decimals, EMG 9 decimals in volts) with trailing zeros
//! trimmed, so output is byte-for-byte deterministic and round-trips markers
//! to 1e-9 m (C3D: f32, ~1e-7 relative).

use super::{Mode, SimConfig, SimTrial, StrikePattern, simulate, simulate_static};
use crate::error::Error;
use crate::model::{ChannelKind, EventKind, Side};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Output format of [`write_trial`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    ViconCsv,
    Trc,
    Delimited,
    /// Intel float C3D with force plates, EMG, events and subject (see [`super::c3d`]).
    C3d,
}

impl OutFormat {
    pub fn parse(s: &str) -> Option<OutFormat> {
        match s.to_ascii_lowercase().as_str() {
            "vicon" | "vicon_csv" | "csv" => Some(OutFormat::ViconCsv),
            "trc" | "opensim" => Some(OutFormat::Trc),
            "delimited" | "txt" | "tsv" => Some(OutFormat::Delimited),
            "c3d" => Some(OutFormat::C3d),
            _ => None,
        }
    }
}

pub use crate::output::push_num;

fn num(v: f64, dec: u32) -> String {
    let mut s = String::new();
    push_num(&mut s, v, dec);
    s
}

/// Write `bytes` to `path` whole or not at all (the crate's one atomic writer).
pub use crate::output::write_atomic;

fn ratio(t: &SimTrial) -> usize {
    (t.config.analog_rate_hz / t.rate_hz).round().max(1.0) as usize
}

/// Vicon Nexus CSV: Events, Devices (force plates in N and N.mm, COP in mm,
/// EMG in V) and Trajectories (mm), each line padded with commas to the
/// widest line, CRLF line ends, as Nexus 2 exports.
pub fn vicon_csv(t: &SimTrial) -> String {
    let subj = &t.config.subject;
    let mut lines: Vec<String> = Vec::new();
    if !t.events.is_empty() {
        lines.push("Events".into());
        lines.push("Subject,Context,Name,Time (s),Description".into());
        for e in &t.events {
            let ctx = match e.side {
                Some(Side::Left) => "Left",
                Some(Side::Right) => "Right",
                None => "General",
            };
            let name = match &e.kind {
                EventKind::FootStrike => "Foot Strike",
                EventKind::FootOff => "Foot Off",
                EventKind::Other(s) => s.as_str(),
            };
            lines.push(format!("{subj},{ctx},{name},{},", num(e.time_s, 6)));
        }
        lines.push(String::new());
    }
    let r = ratio(t);
    if !t.analogs.is_empty() {
        lines.push("Devices".into());
        lines.push(num(t.config.analog_rate_hz, 6));
        let mut groups = String::from(",");
        let mut names = String::from("Frame,Sub Frame");
        let mut units = String::from(",");
        let mut cols: Vec<(&[f64], f64, u32)> = Vec::new();
        let mut emg_started = false;
        for (pi, fp) in t.force_plates.iter().enumerate() {
            for (gi, g) in ["Force", "Moment", "CoP"].iter().enumerate() {
                groups.push_str(&format!(",Force Plate #{} - {g},,", pi + 1));
                for a in 0..3 {
                    let ch = t.analogs.iter().find(|c| c.name == fp.channels[gi * 3 + a]).unwrap();
                    names.push(',');
                    names.push_str(&format!("{}{}", ["F", "M", "C"][gi], ["x", "y", "z"][a]));
                    let (u, s) = [("N", 1.0), ("N.mm", 1000.0), ("mm", 1000.0)][gi];
                    units.push(',');
                    units.push_str(u);
                    cols.push((&ch.data, s, 4));
                }
            }
        }
        for ch in t.analogs.iter().filter(|c| c.kind == ChannelKind::Emg) {
            groups.push(',');
            if !emg_started {
                groups.push_str("EMG - Voltage");
                emg_started = true;
            }
            names.push(',');
            names.push_str(&ch.name);
            units.push_str(",V");
            cols.push((&ch.data, 1.0, 9));
        }
        lines.push(groups);
        lines.push(names);
        lines.push(units);
        let ns = t.frames * r;
        for k in 0..ns {
            let mut l = format!("{},{}", k / r + 1, k % r);
            for (d, s, dec) in &cols {
                l.push(',');
                push_num(&mut l, d[k] * s, *dec);
            }
            lines.push(l);
        }
        lines.push(String::new());
    }
    lines.push("Trajectories".into());
    lines.push(num(t.rate_hz, 6));
    let mut head = String::from(",");
    let mut xyz = String::from("Frame,Sub Frame");
    let mut units = String::from(",");
    for m in &t.markers {
        head.push_str(&format!(",{subj}:{},,", m.name));
        xyz.push_str(",X,Y,Z");
        units.push_str(",mm,mm,mm");
    }
    lines.push(head);
    lines.push(xyz);
    lines.push(units);
    for i in 0..t.frames {
        let mut l = format!("{},0", i + 1);
        for m in &t.markers {
            for c in m.xyz[i] {
                l.push(',');
                push_num(&mut l, c * 1000.0, 6);
            }
        }
        lines.push(l);
    }
    let width = lines.iter().map(|l| l.matches(',').count()).max().unwrap_or(0);
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + width + 2).sum());
    for l in &lines {
        out.push_str(l);
        for _ in l.matches(',').count()..width {
            out.push(',');
        }
        out.push_str("\r\n");
    }
    out
}

/// OpenSim TRC (marker data, mm).
pub fn trc(t: &SimTrial, file_name: &str) -> String {
    let mut o = String::new();
    let rate = num(t.rate_hz, 6);
    o.push_str(&format!("PathFileType\t4\t(X/Y/Z)\t{file_name}\n"));
    o.push_str("DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n");
    o.push_str(&format!("{rate}\t{rate}\t{}\t{}\tmm\t{rate}\t1\t{}\n", t.frames, t.markers.len(), t.frames));
    o.push_str("Frame#\tTime");
    for m in &t.markers {
        o.push_str(&format!("\t{}\t\t", m.name));
    }
    o.push_str("\n\t");
    for (k, _) in t.markers.iter().enumerate() {
        o.push_str(&format!("\tX{0}\tY{0}\tZ{0}", k + 1));
    }
    o.push_str("\n\n");
    for i in 0..t.frames {
        o.push_str(&(i + 1).to_string());
        o.push('\t');
        push_num(&mut o, i as f64 / t.rate_hz, 6);
        for m in &t.markers {
            for c in m.xyz[i] {
                o.push('\t');
                push_num(&mut o, c * 1000.0, 6);
            }
        }
        o.push('\n');
    }
    o
}

/// OpenSim version-1 MOT of the force plates: `ground_force_v*` is the force
/// on the body (N), `ground_force_p*` the COP (m), `ground_torque_*` the free
/// moment (0). Plate k > 1 gets the prefix `k-1_`, as OpenSim's examples.
pub fn grf_mot(t: &SimTrial, file_name: &str) -> Option<String> {
    if t.force_plates.is_empty() {
        return None;
    }
    let ns = t.frames * ratio(t);
    let get = |n: &str| &t.analogs.iter().find(|c| c.name == n).unwrap().data;
    let mut heads = vec!["time".to_string()];
    let mut cols: Vec<(Vec<f64>, u32)> = Vec::new();
    for (pi, fp) in t.force_plates.iter().enumerate() {
        let pre = if pi == 0 { String::new() } else { format!("{pi}_") };
        for a in 0..3 {
            heads.push(format!("{pre}ground_force_v{}", ["x", "y", "z"][a]));
            cols.push((get(&fp.channels[a]).iter().map(|v| -v).collect(), 4));
        }
        for a in 0..3 {
            heads.push(format!("{pre}ground_force_p{}", ["x", "y", "z"][a]));
            cols.push((get(&fp.channels[6 + a]).clone(), 6));
        }
    }
    for (pi, _) in t.force_plates.iter().enumerate() {
        let pre = if pi == 0 { String::new() } else { format!("{pi}_") };
        for a in ["x", "y", "z"] {
            heads.push(format!("{pre}ground_torque_{a}"));
            cols.push((vec![0.0; ns], 4));
        }
    }
    Some(mot(file_name, &heads, &cols, ns, t.config.analog_rate_hz))
}

fn mot(file_name: &str, heads: &[String], cols: &[(Vec<f64>, u32)], ns: usize, rate: f64) -> String {
    let mut o = format!(
        "{file_name}\nversion=1\nnRows={ns}\nnColumns={}\ninDegrees=yes\nendheader\n{}\n",
        heads.len(),
        heads.join("\t")
    );
    for k in 0..ns {
        push_num(&mut o, k as f64 / rate, 6);
        for (c, dec) in cols {
            o.push('\t');
            push_num(&mut o, c[k], *dec);
        }
        o.push('\n');
    }
    o
}

fn emg_cols(t: &SimTrial) -> (Vec<String>, Vec<(Vec<f64>, u32)>) {
    let e: Vec<_> = t.analogs.iter().filter(|c| c.kind == ChannelKind::Emg).collect();
    (e.iter().map(|c| c.name.clone()).collect(), e.iter().map(|c| (c.data.clone(), 9)).collect())
}

/// Tab-delimited marker table: `Time` then `<Marker>X <Marker>Y <Marker>Z` in mm.
pub fn delimited(t: &SimTrial) -> String {
    let mut o = String::from("Time");
    for m in &t.markers {
        for a in ["X", "Y", "Z"] {
            o.push('\t');
            o.push_str(&m.name);
            o.push_str(a);
        }
    }
    o.push('\n');
    for i in 0..t.frames {
        push_num(&mut o, i as f64 / t.rate_hz, 6);
        for m in &t.markers {
            for c in m.xyz[i] {
                o.push('\t');
                push_num(&mut o, c * 1000.0, 6);
            }
        }
        o.push('\n');
    }
    o
}

fn delimited_table(heads: &[String], cols: &[(Vec<f64>, u32)], ns: usize, rate: f64) -> String {
    let mut o = format!("Time\t{}\n", heads.join("\t"));
    for k in 0..ns {
        push_num(&mut o, k as f64 / rate, 6);
        for (c, dec) in cols {
            o.push('\t');
            push_num(&mut o, c[k], *dec);
        }
        o.push('\n');
    }
    o
}

/// Write a trial and its truth (`<stem>.truth.json`) into `dir`; returns
/// the paths written.
pub fn write_trial(t: &SimTrial, dir: &Path, stem: &str, format: OutFormat) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Write { path: dir.to_path_buf(), message: e.to_string() })?;
    let mut out = Vec::new();
    if format == OutFormat::C3d {
        let p = dir.join(format!("{stem}.c3d"));
        write_atomic(&p, &super::c3d::c3d(t))?;
        out.push(p);
    }
    let mut put = |name: String, text: String| -> Result<(), Error> {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes())?;
        out.push(p);
        Ok(())
    };
    let ns = t.frames * ratio(t);
    let ar = t.config.analog_rate_hz;
    match format {
        OutFormat::C3d => {}
        OutFormat::ViconCsv => put(format!("{stem}.csv"), vicon_csv(t))?,
        OutFormat::Trc => {
            put(format!("{stem}.trc"), trc(t, &format!("{stem}.trc")))?;
            if let Some(m) = grf_mot(t, &format!("{stem}_grf.mot")) {
                put(format!("{stem}_grf.mot"), m)?;
            }
            let (h, c) = emg_cols(t);
            if !h.is_empty() {
                let mut heads = vec!["time".to_string()];
                heads.extend(h);
                put(format!("{stem}_emg.mot"), mot(&format!("{stem}_emg.mot"), &heads, &c, ns, ar))?;
            }
        }
        OutFormat::Delimited => {
            put(format!("{stem}.txt"), delimited(t))?;
            if !t.force_plates.is_empty() {
                let mut heads = Vec::new();
                let mut cols = Vec::new();
                for fp in &t.force_plates {
                    for ch in &fp.channels {
                        let c = t.analogs.iter().find(|c| &c.name == ch).unwrap();
                        heads.push(c.name.clone());
                        cols.push((c.data.clone(), 6));
                    }
                }
                put(format!("{stem}_forces.txt"), delimited_table(&heads, &cols, ns, ar))?;
            }
            let (h, c) = emg_cols(t);
            if !h.is_empty() {
                put(format!("{stem}_emg.txt"), delimited_table(&h, &c, ns, ar))?;
            }
        }
    }
    let json = serde_json::to_string_pretty(&t.truth).map_err(|e| Error::Other(e.to_string()))?;
    put(format!("{stem}.truth.json"), json + "\n")?;
    Ok(out)
}

/// Dynamometer strength scales of the demo `runner_imbalance` (left
/// hamstrings at 80 %: conventional H:Q 0.48 at 60 deg/s, functional 0.72,
/// hamstring LSI 80 %; right healthy).
pub const DEMO_STRENGTH: super::dynamometer::Strength =
    super::dynamometer::Strength { hamstrings: [0.8, 1.0], quadriceps: [1.0, 1.0] };

/// The gait of the demo's `runner_imbalance` (3.0 m/s, left step 8 cm
/// short, left knee 8° extension deficit, left midfoot strike) without its
/// weak left hamstrings and its noise: [`write_demo`] adds both, and tests
/// put the same gait through the pipeline with their own noise.
pub fn demo_imbalanced_gait() -> SimConfig {
    SimConfig::running()
        .with_subject("Imbalanced", 1.70, 65.0)
        .with_speed(3.0)
        .with_duration(6.0)
        .with_seed(303)
        .with_short_step(Side::Left, 0.08)
        .with_knee_extension_deficit(Side::Left, 8.0)
        .with_strike(Side::Left, StrikePattern::Midfoot, None)
}

/// The demo set: a healthy walker overground (Vicon CSV, force plates, EMG;
/// its static as C3D),
/// a forefoot runner on a treadmill (TRC + MOT), a runner with a left/right
/// imbalance and weak left hamstrings (delimited text), each with a static
/// trial. Byte-for-byte deterministic.
pub fn write_demo(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let walker = SimConfig::walking()
        .with_subject("Walker", 1.75, 72.0)
        .with_speed(1.3)
        .with_duration(8.0)
        .with_seed(101)
        .with_noise(0.5, 3);
    let runner = SimConfig::running()
        .with_subject("Runner", 1.80, 70.0)
        .with_speed(3.5)
        .with_duration(6.0)
        .with_seed(202)
        .with_strike(Side::Left, StrikePattern::Forefoot, None)
        .with_strike(Side::Right, StrikePattern::Forefoot, None)
        .with_lab(true, super::Direction::PosX)
        .with_analogs(true, false)
        .with_noise(0.5, 0);
    let imbalanced = demo_imbalanced_gait().with_hamstring_scale(Side::Left, 0.5).with_noise(0.5, 2);
    let mut out = Vec::new();
    for (cfg, stem, fmt) in [
        (walker, "walker", OutFormat::ViconCsv),
        (runner, "runner_forefoot", OutFormat::Trc),
        (imbalanced, "runner_imbalance", OutFormat::Delimited),
    ] {
        out.extend(write_trial(&simulate(&cfg), dir, stem, fmt)?);
        // The walker's and the imbalanced runner's statics are C3Ds, as a
        // Nexus session exports them: their PROCESSING group carries the
        // subject measurements Plug-in Gait needs, which plain text cannot.
        let sfmt = if fmt == OutFormat::ViconCsv || stem == "runner_imbalance" { OutFormat::C3d } else { fmt };
        out.extend(write_trial(&simulate_static(&cfg), dir, &format!("{stem}_static"), sfmt)?);
        if stem == "runner_imbalance" {
            let p = dir.join(format!("{stem}_dynamometer.csv"));
            write_atomic(&p, super::dynamometer::csv(cfg.mass_kg, &DEMO_STRENGTH).as_bytes())?;
            out.push(p);
        }
    }
    Ok(out)
}

/// The configuration of dataset trial `i` (varied subject, speed, mode,
/// ground, strike, lab frame), 30 s long.
pub fn dataset_config(i: usize, seed: u64) -> (SimConfig, OutFormat) {
    let mut r = super::rng::Rng::stream(seed, 1000 + i as u64);
    let run = r.uniform() < 0.5;
    let mut cfg = if run { SimConfig::running() } else { SimConfig::walking() };
    let h = r.range(1.55, 1.95);
    let bmi = r.range(19.0, 28.0);
    cfg = cfg
        .with_subject(&format!("S{i:04}"), h, bmi * h * h)
        .with_seed(seed.wrapping_mul(1_000_003).wrapping_add(i as u64))
        .with_duration(30.0)
        .with_treadmill(r.uniform() < 0.5)
        .with_noise(r.range(0.0, 1.0), r.below(4) as usize)
        .with_variability(r.range(0.5, 1.5));
    cfg = cfg.with_speed(if run { r.range(2.5, 4.5) } else { r.range(0.9, 1.6) });
    if run {
        for s in [Side::Left, Side::Right] {
            let p = [StrikePattern::Rearfoot, StrikePattern::Midfoot, StrikePattern::Forefoot][r.below(3) as usize];
            cfg = cfg.with_strike(s, p, None);
        }
    }
    let dir = [super::Direction::PosX, super::Direction::NegX, super::Direction::PosY, super::Direction::NegY]
        [r.below(4) as usize];
    cfg = cfg.with_lab(r.uniform() < 0.3, dir);
    // Analog data only on every tenth trial to keep the dataset small.
    let analog = i.is_multiple_of(10);
    let walk = cfg.mode == Mode::Walk;
    cfg = cfg.with_analogs(analog, analog && walk);
    let fmt = [OutFormat::ViconCsv, OutFormat::Trc, OutFormat::Delimited, OutFormat::C3d][i % 4];
    (cfg, fmt)
}

/// Write `n` varied 30 s trials (`trial_0000`...) into `dir`, in parallel.
pub fn write_dataset(n: usize, dir: &Path, seed: u64) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Write { path: dir.to_path_buf(), message: e.to_string() })?;
    let parts: Result<Vec<Vec<PathBuf>>, Error> = (0..n)
        .into_par_iter()
        .map(|i| {
            let (cfg, fmt) = dataset_config(i, seed);
            write_trial(&simulate(&cfg), dir, &format!("trial_{i:04}"), fmt)
        })
        .collect();
    Ok(parts?.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn numbers_are_fixed_and_trimmed() {
        assert_eq!(num(1.5, 6), "1.5");
        assert_eq!(num(-0.0000004, 6), "0");
        assert_eq!(num(-12.000001, 6), "-12.000001");
        assert_eq!(num(0.05, 6), "0.05");
        assert_eq!(num(1000.0, 6), "1000");
        assert_eq!(num(f64::NAN, 6), "");
    }
}
