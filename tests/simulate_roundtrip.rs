//! Every simulated side file reads back through the readers and the trial
//! grouping with the values and rates that were written: force-plate
//! channels (N, N·m, m), EMG (V), at the analog rate, in all four formats.

use gaitline::group::{group_files, scan};
use gaitline::model::ChannelKind;
use gaitline::pipeline::load_trial;
use gaitline::simulate::{OutFormat, SimConfig, simulate, write_trial};
use gaitline::trial::CleanOptions;

/// The read channel whose samples agree with `want` (same count, each
/// within `tol`), if any.
fn find<'a>(
    read: &'a [gaitline::model::AnalogChannel],
    want: &[f64],
    tol: f64,
) -> Option<&'a gaitline::model::AnalogChannel> {
    read.iter().find(|c| {
        c.data.len() == want.len()
            && c.data.iter().zip(want).all(|(a, b)| (a - b).abs() <= tol || (a.is_nan() && b.is_nan()))
    })
}

#[test]
fn side_files_round_trip_in_every_format() {
    let cfg = SimConfig::walking().with_duration(3.0).with_seed(11).with_analogs(true, true);
    let sim = simulate(&cfg);
    let emg = sim.analogs.iter().filter(|c| c.kind == ChannelKind::Emg).count();
    let forces = sim.analogs.iter().filter(|c| c.name.starts_with("Force.")).count();
    assert!(emg >= 10 && forces >= 3, "the walker carries EMG ({emg}) and plate forces ({forces})");
    for fmt in [OutFormat::ViconCsv, OutFormat::Trc, OutFormat::Delimited, OutFormat::C3d] {
        let dir = std::env::temp_dir().join(format!("gaitline-rt-{fmt:?}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_trial(&sim, &dir, "rt", fmt).unwrap();
        let (specs, _) = group_files(&scan(&dir).unwrap(), None);
        assert_eq!(specs.len(), 1, "{fmt:?}: one trial from {:?}", specs.iter().map(|s| &s.files).collect::<Vec<_>>());
        let t = load_trial(&specs[0], None, &CleanOptions::default()).unwrap();
        let mut matched = Vec::new();
        let mut missing = Vec::new();
        for c in &sim.analogs {
            let peak = c.data.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            // Text formats keep 6 significant decimals of the written unit;
            // C3D stores 32-bit floats.
            let tol = 2e-6 * peak + 1e-6;
            // OpenSim MOT files carry the ground reaction on the body: the
            // negative of the force on the plate.
            let flipped: Vec<f64> = c.data.iter().map(|v| -v).collect();
            let on_body = fmt == OutFormat::Trc && c.name.starts_with("Force.");
            match find(&t.analogs, if on_body { &flipped } else { &c.data }, tol) {
                Some(r) => {
                    assert_eq!(r.rate_hz, c.rate_hz, "{fmt:?} {} read as {}: rate", c.name, r.name);
                    assert_eq!(r.kind, c.kind, "{fmt:?} {} read as {}: kind", c.name, r.name);
                    matched.push(c.name.as_str());
                }
                None => missing.push(c.name.as_str()),
            }
        }
        // Forces and EMG in every format. The centre of pressure is not a
        // C3D channel (readers derive it from force and moment); a MOT file
        // gives the free torque about the COP instead of the plate moments.
        for m in &missing {
            let allowed =
                (fmt == OutFormat::C3d && m.starts_with("COP.")) || (fmt == OutFormat::Trc && m.starts_with("Moment."));
            assert!(allowed, "{fmt:?}: {m} not read back (matched {matched:?})");
        }
        assert!(matched.len() >= forces + emg, "{fmt:?}: matched {matched:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
