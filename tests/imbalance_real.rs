//! Issue 6 on real recordings (`GAITLINE_DATA`): EMG timing against normal
//! activation windows, kinematic evidence and findings of lab trials.

mod common;

use gaitline::clean::muscles::MuscleGroup;
use gaitline::group::TrialSpec;
use gaitline::model::{Side, Subject};
use gaitline::pipeline::{Analysis, analyze_trial, load_trial};
use gaitline::trial::CleanOptions;
use std::path::PathBuf;

fn analyse(files: Vec<PathBuf>, static_file: Option<PathBuf>) -> Analysis {
    let spec = TrialSpec { id: "real".into(), files, static_file, subject: Subject::default() };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    analyze_trial(&t, &Default::default())
}

fn show(name: &str, a: &Analysis) {
    if let Some(k) = &a.imbalance.kinematic {
        eprintln!("{name}: kinematic left {:?}", k.left);
        eprintln!("{name}: kinematic right {:?}", k.right);
    }
    if let Some(e) = &a.emg {
        for s in &e.sides {
            eprintln!(
                "{name}: EMG {:?} cycles {} stance {:.1} H:Q {:?} CCI {:?} Rudolph {:?} ham {:?} quad {:?}",
                s.side,
                s.cycles,
                s.stance_pct,
                s.hq_ratio,
                s.cci_pct,
                s.cci_rudolph,
                s.hamstrings_timing,
                s.quadriceps_timing
            );
        }
    }
    for f in &a.findings {
        eprintln!("{name}: finding {} {:?} {:?} {} ({})", f.code, f.severity, f.side, f.value, f.detail);
    }
    for n in &a.imbalance.notes {
        eprintln!("{name}: note {n}");
    }
}

/// Symlinks of `files` in a fresh temporary folder, plus `extra` files
/// written there (the shared data stay untouched and are not copied).
fn linked(tag: &str, files: &[PathBuf], extra: &[(&str, &str)]) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("gaitline-real-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut out = Vec::new();
    for f in files {
        let p = dir.join(f.file_name().unwrap());
        std::os::unix::fs::symlink(f.canonicalize().unwrap(), &p).unwrap();
        out.push(p);
    }
    for (name, text) in extra {
        std::fs::write(dir.join(name), text).unwrap();
    }
    (dir, out)
}

#[test]
fn rajagopal_walk_emg_with_a_channel_map() {
    let (Some(trc), Some(grf), Some(anc)) = (
        common::data_file("opensim-models/Rajagopal__ExpData__motion_capture_walk.trc"),
        common::data_file("opensim-models/Rajagopal__ExpData__grf_walk.mot"),
        common::data_file("opensim-models/Rajagopal__ExpData__emg_walk_raw.anc"),
    ) else {
        return;
    };
    // The ANC labels name no side; a channel map gives them one. Mapped to
    // the right leg, the hamstrings (MH, BF) peak at 3 % of the right cycle
    // (active 90-100 % and 0-12 %: terminal swing into loading response) and
    // the quadriceps at 12 % (loading response), as normal walking has it;
    // mapped to the left leg the hamstring peak falls at 52 % and the timing
    // check flags it. So the EMG is of the right leg (one full stride each).
    let mut got = Vec::new();
    for side in ["R", "L"] {
        let map = format!(
            "[channels]\nMH = \"{side}_MH\"\nBF = \"{side}_BF\"\nVL = \"{side}_VL\"\nVM = \"{side}_VM\"\nRF = \"{side}_RF\"\n"
        );
        let (dir, files) = linked(side, &[trc.clone(), grf.clone(), anc.clone()], &[("emg_channels.toml", &map)]);
        let a = analyse(files, None);
        show(&format!("rajagopal {side}"), &a);
        std::fs::remove_dir_all(&dir).unwrap();
        let e = a.emg.expect("mapped EMG");
        assert_eq!(e.channels.len(), 5);
        let s = Side::from_label(side).unwrap();
        let x = e.side(Some(s)).unwrap();
        assert_eq!(x.cycles, 1);
        let h = x.hamstrings_timing.clone().unwrap();
        let q = x.quadriceps_timing.clone().unwrap();
        let ok =
            gaitline::imbalance::emg::check_timing(&h, MuscleGroup::Hamstrings, x.stance_pct).peak_in_normal_window;
        let flagged = a.findings.iter().any(|f| f.code == "hamstring_timing_abnormal" && f.side == Some(s));
        got.push((side, h.peak_pct, q.peak_pct, ok, flagged));
    }
    assert_eq!(got, vec![("R", 3.0, 12.0, true, false), ("L", 52.0, 64.0, false, true)]);
}

#[test]
fn pig_motion_kinematics_and_emg_timing() {
    let (Some(f), Some(st)) = (
        common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"),
        common::data_file("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d"),
    ) else {
        return;
    };
    let a = analyse(vec![f], Some(st));
    show("pig", &a);
    let e = a.emg.as_ref().unwrap();
    let k = a.imbalance.kinematic.as_ref().unwrap();
    // (side, ST peak %, RF peak %, Rudolph CCI, knee least flexion in
    // terminal swing, hip flexion max in late swing, heel ahead of pelvis in
    // leg lengths) as measured (2 left, 3 right cycles).
    let want =
        [(Side::Left, 92.0, 3.0, 0.3051, -2.39, 18.75, 0.2116), (Side::Right, 90.0, 4.0, 0.3154, -2.21, 18.87, 0.2181)];
    for (side, hp, qp, rud, knee, hip, ahead) in want {
        let x = e.side(Some(side)).unwrap();
        let h = x.hamstrings_timing.as_ref().unwrap();
        let q = x.quadriceps_timing.as_ref().unwrap();
        assert_eq!((h.peak_pct, q.peak_pct), (hp, qp), "{side:?}");
        // Semitendinosus in terminal swing, rectus femoris around initial contact: normal windows.
        assert!(gaitline::imbalance::emg::check_timing(h, MuscleGroup::Hamstrings, x.stance_pct).peak_in_normal_window);
        assert!(gaitline::imbalance::emg::check_timing(q, MuscleGroup::Quadriceps, x.stance_pct).peak_in_normal_window);
        common::close(x.cci_rudolph.unwrap(), rud, 1e-4, "Rudolph CCI");
        let ks = k.side(side);
        common::close(ks.knee_flexion_terminal_swing_min_deg.unwrap(), knee, 0.01, "terminal swing knee");
        common::close(ks.hip_flexion_late_swing_max_deg.unwrap(), hip, 0.01, "late swing hip");
        common::close(ks.heel_ahead_of_pelvis_leg_lengths.unwrap(), ahead, 1e-4, "heel ahead");
        assert_eq!(ks.leg_length_source, Some("subject"));
    }
    // A normal walker: nothing beyond the thresholds.
    assert!(a.findings.is_empty(), "{:?}", a.findings.iter().map(|f| f.code).collect::<Vec<_>>());
}

#[test]
fn btk_1123x01emg_has_no_finding_without_gait_cycles() {
    let Some(f) = common::data_file("btkdata/C3DSamples__others__1123x01EMG.c3d") else { return };
    let a = analyse(vec![f], None);
    show("1123", &a);
    // EMG only, no markers or events: recording-level ratios, no cycles, so
    // no timing and no EMG finding (the recording-level left/right ratio,
    // SI -128 %, mixes every activity of the recording).
    let e = a.emg.as_ref().unwrap();
    assert!(e.sides.iter().all(|s| s.cycles == 0 && s.hamstrings_timing.is_none()));
    common::close(e.symmetry_index_pct.unwrap(), -128.0, 0.5, "recording-level SI");
    assert!(a.findings.is_empty());
}
