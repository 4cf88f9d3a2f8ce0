//! Plug-in Gait angles against Vicon's own outputs stored with the trials.
mod common;

use gaitline::angles::pig::{self, PigOptions, SIDES, VARIABLES};
use gaitline::group::TrialSpec;
use gaitline::model::{Side, Subject};
use gaitline::pipeline::load_trial;
use gaitline::trial::{CleanOptions, Trial};
use std::path::PathBuf;

fn load(files: &[&str], static_file: &str) -> Option<Trial> {
    load_with(files, static_file, Subject::default())
}

fn load_with(files: &[&str], static_file: &str, subject: Subject) -> Option<Trial> {
    let files: Vec<PathBuf> = files.iter().map(|f| common::data_file(f)).collect::<Option<_>>()?;
    let spec = TrialSpec { id: "t".into(), files, static_file: common::data_file(static_file), subject };
    Some(load_trial(&spec, None, &CleanOptions::default()).unwrap())
}

/// Vicon's output name and component for one of our variables.
fn vicon(var: &str) -> (&'static str, &'static str) {
    match var {
        "pelvis_tilt" => ("PelvisAngles", "X"),
        "pelvis_obliquity" => ("PelvisAngles", "Y"),
        "pelvis_rotation" => ("PelvisAngles", "Z"),
        "hip_flexion" => ("HipAngles", "X"),
        "hip_adduction" => ("HipAngles", "Y"),
        "hip_rotation" => ("HipAngles", "Z"),
        "knee_flexion" => ("KneeAngles", "X"),
        "knee_adduction" => ("KneeAngles", "Y"),
        "knee_rotation" => ("KneeAngles", "Z"),
        "ankle_dorsiflexion" => ("AnkleAngles", "X"),
        "ankle_inversion" => ("AnkleAngles", "Y"),
        "ankle_rotation" => ("AnkleAngles", "Z"),
        "foot_progression" => ("FootProgressAngles", "Z"),
        _ => unreachable!(),
    }
}

/// RMS and max |difference| (deg) against Vicon per side and variable, over
/// the frames where both exist.
fn compare<A: AsRef<[Vec<Vec<f64>>; 2]>>(t: &Trial, a: &A) -> Vec<(Side, &'static str, f64, f64, usize)> {
    let mut out = Vec::new();
    for side in SIDES {
        for var in VARIABLES {
            let (name, comp) = vicon(var);
            let full = format!("{}{name}", if side == Side::Left { "L" } else { "R" });
            let Some(r) = t.reference.iter().find(|r| r.name.ends_with(&full) && r.component == comp) else {
                continue;
            };
            let ours = &a.as_ref()[pig::side_index(side)][VARIABLES.iter().position(|v| *v == var).unwrap()];
            let (mut ss, mut max, mut n) = (0.0, 0.0f64, 0usize);
            for (j, &v) in r.data.iter().enumerate() {
                let time = r.time0_s + j as f64 / r.rate_hz;
                let i = ((time - t.time0_s) * t.rate_hz).round();
                if i < 0.0 || i as usize >= ours.len() || !v.is_finite() || !ours[i as usize].is_finite() {
                    continue;
                }
                // Vicon writes exact zeros where it has no value.
                if v == 0.0 {
                    continue;
                }
                let mut d = ours[i as usize] - v;
                d = (d + 180.0).rem_euclid(360.0) - 180.0;
                ss += d * d;
                max = max.max(d.abs());
                n += 1;
            }
            if n > 0 {
                out.push((side, var, (ss / n as f64).sqrt(), max, n));
            }
        }
    }
    out
}

fn report(label: &str, rows: &[(Side, &str, f64, f64, usize)]) {
    eprintln!("{label}: RMS / max |diff| deg vs Vicon (frames)");
    for (s, v, rms, max, n) in rows {
        eprintln!("  {:5} {:20} {rms:10.6} {max:10.6} ({n})", s.name(), v);
    }
}

/// The worst max |difference| over all variables and sides.
fn worst(rows: &[(Side, &str, f64, f64, usize)]) -> f64 {
    rows.iter().map(|r| r.3).fold(0.0, f64::max)
}

/// PiG_Motion-FlatFoot-Full with its calibration trial, flat foot. The file
/// stores no marker diameter; Vicon's outputs match 16 mm markers (every angle
/// within 0.0005 deg at every frame). With Plug-in Gait's default 14 mm the
/// knee and ankle centres move 1 mm laterally and the hip 1 mm, and the
/// residuals grow to 0.24 deg (`marker_diameter_explains_the_residual`).
#[test]
fn pig_motion_flatfoot_against_vicon() {
    let Some(t) = load_with(
        &["btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"],
        "btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d",
        Subject { marker_diameter_mm: Some(16.0), ..Default::default() },
    ) else {
        return;
    };
    let opts = PigOptions { flat_foot: true, ..Default::default() };
    let a = pig::angles(&t, &opts).unwrap();
    eprintln!("{:?}", a.calibration);
    let rows = compare(&t, &a);
    report("PiG_Motion-FlatFoot-Full (16 mm markers)", &rows);
    assert_eq!(rows.len(), 26);
    assert!(worst(&rows) < 0.001, "worst {}", worst(&rows));
    assert_eq!(a.gimbal_lock_frames, [0, 0]);
    // Vicon's own static offsets (PROCESSING of the motion trial, rad).
    let c = &a.calibration;
    common::close(-c.foot_plantarflexion_rad[0], 0.11596893, 1e-5, "left StaticPlantFlex");
    common::close(-c.foot_plantarflexion_rad[1], 0.16275457, 1e-5, "right StaticPlantFlex");
    common::close(-c.foot_rotation_rad[0], 0.00446829, 1e-4, "left StaticRotOff");
    common::close(c.foot_rotation_rad[1], -0.0163829, 1e-4, "right StaticRotOff");
    common::close(c.inter_asis_mm, 199.9019928, 0.05, "InterAsisDistance");
}

/// The same trial with the default 14 mm markers: sagittal angles within
/// 0.25 deg, all within 0.3 deg; the whole residual is the marker diameter.
#[test]
fn marker_diameter_explains_the_residual() {
    let Some(t) = load(
        &["btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"],
        "btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d",
    ) else {
        return;
    };
    let a = pig::angles(&t, &PigOptions { flat_foot: true, ..Default::default() }).unwrap();
    assert!(a.calibration.notes.iter().any(|n| n.contains("14 mm")));
    let rows = compare(&t, &a);
    report("PiG_Motion-FlatFoot-Full (default 14 mm markers)", &rows);
    assert!(worst(&rows) < 0.3 && worst(&rows) > 0.05, "worst {}", worst(&rows));
    // What the pipeline computes today (no flat-foot flag yet): only the
    // ankle and foot progression move, by the heel-toe pitch of the static.
    let a = pig::angles(&t, &PigOptions::default()).unwrap();
    let rows = compare(&t, &a);
    report("PiG_Motion-FlatFoot-Full (14 mm, flat foot off)", &rows);
    let off_foot = rows.iter().filter(|r| !r.1.starts_with("ankle") && r.1 != "foot_progression");
    assert!(off_foot.map(|r| r.3).fold(0.0, f64::max) < 0.3);
}

#[test]
fn pycgm_movement_against_vicon() {
    let Some(t) = load(
        &["pycgm-cadop/Test_Files__Movement_trial.c3d", "pycgm-cadop/Test_Files__Movement_trial.csv"],
        "pycgm-cadop/Test_Files__Static_trial.c3d",
    ) else {
        return;
    };
    // Subject parameters from the trial's Vicon .vsk (inter-ASIS distance 306 mm).
    let vsk = std::fs::read_to_string(common::data_file("pycgm-cadop/Test_Files__Test.vsk").unwrap()).unwrap();
    let opts = PigOptions::from_parameters(&pig::vsk_parameters(&vsk));
    assert_eq!(opts.inter_asis_mm, Some(306.0));
    let a = pig::angles(&t, &opts).unwrap();
    eprintln!("{:?}", a.calibration);
    let rows = compare(&t, &a);
    report("pycgm Movement_trial", &rows);
    assert_eq!(rows.len(), 26);
    // Issue 5 asks 0.05 deg (joints) and 0.1 deg (pelvis, foot progression).
    assert!(worst(&rows) < 0.001, "worst {}", worst(&rows));
    // Vicon's static offsets in the file's PROCESSING group (rad).
    let c = &a.calibration;
    common::close(-c.foot_plantarflexion_rad[0], 0.25269872, 1e-6, "left StaticPlantFlex");
    common::close(-c.foot_plantarflexion_rad[1], 0.23960817, 1e-6, "right StaticPlantFlex");
    common::close(-c.foot_rotation_rad[0], -0.05601853, 1e-6, "left StaticRotOff");
    common::close(c.foot_rotation_rad[1], -0.05020268, 1e-6, "right StaticRotOff");
}

/// Our joint centres against Vicon's segment origins (`LFEO` = knee centre,
/// `LTIO` = ankle centre) stored in the C3D, 16 mm markers: within 0.01 mm.
#[test]
fn pig_motion_joint_centres_against_vicon() {
    let Some(t) = load_with(
        &["btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"],
        "btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d",
        Subject { marker_diameter_mm: Some(16.0), ..Default::default() },
    ) else {
        return;
    };
    let cal = pig::calibrate(&t, &PigOptions { flat_foot: true, ..Default::default() }).unwrap();
    for (k, names) in [(1usize, ["LFEO", "RFEO"]), (2, ["LTIO", "RTIO"])] {
        for (s, name) in names.iter().enumerate() {
            let m = t.markers.iter().find(|m| m.name == *name).unwrap();
            let (mut max, mut n) = (0.0f64, 0);
            for i in 0..t.frames {
                let c = pig::joint_centres(&t, &cal, i).unwrap()[k][s];
                let v = nalgebra::Vector3::from(m.xyz[i]);
                let d = (c - v) * 1000.0;
                if d.iter().all(|x| x.is_finite()) {
                    max = max.max(d.norm());
                    n += 1;
                }
            }
            eprintln!("{name}: max |ours - Vicon| {max:.5} mm over {n} frames");
            assert!(n == t.frames && max < 0.01, "{name}: {max} mm");
        }
    }
}

/// The pipeline writes `angles.csv`, `cycles.csv` and the `angles` section.
#[test]
fn pipeline_writes_angle_outputs() {
    let (Some(motion), Some(stat)) = (
        common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"),
        common::data_file("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d"),
    ) else {
        return;
    };
    let out = std::env::temp_dir().join(format!("gaitline-angles-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let spec =
        TrialSpec { id: "pig".into(), files: vec![motion], static_file: Some(stat), subject: Subject::default() };
    let opts = gaitline::pipeline::AnalyzeOptions {
        out: out.clone(),
        force_format: None,
        clean: CleanOptions::default(),
        plots: false,
        events: Default::default(),
        anonymize: None,
        norms: None,
        tables_only: false,
    };
    gaitline::pipeline::analyze_one(&spec, &opts).unwrap();
    let dir = out.join("pig");
    let angles = std::fs::read_to_string(dir.join("angles.csv")).unwrap();
    let lines: Vec<&str> = angles.lines().collect();
    assert_eq!(lines.len(), 316);
    assert_eq!(lines[0].split(',').count(), 2 + 26);
    assert!(lines[0].starts_with("frame,time_s,left_pelvis_tilt,"));
    assert!(lines[1].starts_with("148,1.47,"), "{}", lines[1]);
    let cycles = std::fs::read_to_string(dir.join("cycles.csv")).unwrap();
    assert_eq!(cycles.lines().next(), Some("side,variable,percent,mean,sd,n"));
    assert_eq!(cycles.lines().count(), 1 + 2 * 13 * 101);
    let per = std::fs::read_to_string(dir.join("stride_cycles.csv")).unwrap();
    let header = per.lines().next().unwrap();
    assert!(header.starts_with("side,start_frame,end_frame,percent,pelvis_tilt,"), "{header}");
    assert_eq!(header.split(',').count(), 4 + 13);
    assert_eq!((per.lines().count() - 1) % 101, 0);
    // Every complete stride's row at 0 % equals the frame's angles.csv value.
    let row0: Vec<&str> = per.lines().nth(1).unwrap().split(',').collect();
    let start: i64 = row0[1].parse().unwrap();
    let frame_row: Vec<&str> = lines.iter().find(|l| l.starts_with(&format!("{start},"))).unwrap().split(',').collect();
    if !row0[4].is_empty() {
        let side_off = if row0[0] == "left" { 2 } else { 15 };
        let a: f64 = row0[4].parse().unwrap();
        let b: f64 = frame_row[side_off].parse().unwrap();
        assert!((a - b).abs() < 1e-3, "{a} vs {b}");
    }
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("metrics.json")).unwrap()).unwrap();
    let a = &m["angles"];
    assert_eq!(a["model"], "plug-in-gait");
    for side in ["left", "right"] {
        let n = a["cycles"][side].as_u64().unwrap();
        assert!(n >= 2, "{side}: {n} cycles");
        for var in VARIABLES {
            for f in ["max_deg", "max_pct", "min_deg", "min_pct", "rom_deg", "mean_deg"] {
                assert!(a[side][var][f]["mean"].is_number(), "{side} {var} {f}");
            }
        }
        // Walking: knee flexion peaks in swing at 50-70 deg, ROM > 45 deg.
        let kf = &a[side]["knee_flexion"];
        let peak = kf["max_deg"]["mean"].as_f64().unwrap();
        assert!((45.0..75.0).contains(&peak), "{side} peak knee flexion {peak}");
        assert!(kf["max_pct"]["mean"].as_f64().unwrap() > 60.0);
    }
    let _ = std::fs::remove_dir_all(&out);
}

/// A gap in one marker blanks exactly the angles that need it, on that frame.
#[test]
fn marker_gap_blanks_dependent_angles_only() {
    let Some(mut t) = load(&["pycgm-cadop/Test_Files__Movement_trial.c3d"], "pycgm-cadop/Test_Files__Static_trial.c3d")
    else {
        return;
    };
    let opts = PigOptions { inter_asis_mm: Some(306.0), ..Default::default() };
    let cal = pig::calibrate(&t, &opts).unwrap();
    let i = 100;
    let k = t.markers.iter().position(|m| m.name == "LKNE").unwrap();
    t.markers[k].xyz[i] = [f64::NAN; 3];
    let a = pig::angles_with(&t, &cal).unwrap();
    for var in VARIABLES {
        let left = a.get(Side::Left, var).unwrap();
        let right = a.get(Side::Right, var).unwrap();
        assert!(right[i].is_finite() && left[i - 1].is_finite() && left[i + 1].is_finite(), "{var}");
        let needs_knee = !var.starts_with("pelvis");
        assert_eq!(left[i].is_nan(), needs_knee, "{var}");
    }
}

/// Without the measured inter-ASIS distance (306 mm in the file's PROCESSING
/// group, which `Subject` does not carry yet) Plug-in Gait takes it from the
/// static trial's markers: the hip centres move and the angles drift.
#[test]
fn pycgm_inter_asis_from_static_markers() {
    let Some(t) = load(
        &["pycgm-cadop/Test_Files__Movement_trial.c3d", "pycgm-cadop/Test_Files__Movement_trial.csv"],
        "pycgm-cadop/Test_Files__Static_trial.c3d",
    ) else {
        return;
    };
    let a = pig::angles(&t, &PigOptions::default()).unwrap();
    eprintln!("inter-ASIS from the static trial: {:.2} mm (Vicon used 306)", a.calibration.inter_asis_mm);
    let rows = compare(&t, &a);
    report("pycgm Movement_trial, inter-ASIS from markers", &rows);
    assert!(worst(&rows) < 0.3 && worst(&rows) > 0.01, "worst {}", worst(&rows));
}

/// Speed: the dynamic angles of a trial, per 10,000 frames and side (release
/// builds only; the issue asks well under 10 ms).
#[test]
fn speed_per_10k_frames() {
    let Some(t) = load(&["pycgm-cadop/Test_Files__Movement_trial.c3d"], "pycgm-cadop/Test_Files__Static_trial.c3d")
    else {
        return;
    };
    let cal = pig::calibrate(&t, &PigOptions::default()).unwrap();
    let reps = 40;
    let start = std::time::Instant::now();
    for _ in 0..reps {
        std::hint::black_box(pig::angles_with(&t, &cal).unwrap());
    }
    let per_10k_side = start.elapsed().as_secs_f64() / (reps * t.frames) as f64 * 10_000.0 / 2.0;
    eprintln!("{:.3} ms per 10,000 frames and side", per_10k_side * 1e3);
    if !cfg!(debug_assertions) {
        // A regression guard with room for a loaded shared machine (measured 3.6 ms).
        assert!(per_10k_side < 0.025, "{per_10k_side} s");
    }
}

/// RMS and mean offset (ours - truth, deg) of the mean cycle of every
/// variable and side of a simulated trial against its `truth.json`
/// (`joint_curves_*`: Plug-in Gait with the flat-foot option;
/// `foot_curves_without_flat_foot_*` for the foot variables without it).
/// Cycles are cut at our detected events, or at the file's (the truth's)
/// events with `file_events`.
fn sim_rms(
    t: &Trial,
    truth: &serde_json::Value,
    flat_foot: bool,
    file_events: bool,
) -> Vec<(Side, &'static str, f64, f64)> {
    let ev = gaitline::events::EventOptions { use_file_events: file_events, ..Default::default() };
    let an = gaitline::pipeline::analyze_trial(t, &ev);
    let a = pig::angles(t, &PigOptions { flat_foot, ..Default::default() }).unwrap();
    let c = gaitline::angles::cycles::cut(&a, &an.strides);
    let mut out = Vec::new();
    for (s, side) in SIDES.iter().enumerate() {
        assert!(c.cycles[s][0].len() >= 4, "{} cycles on the {} side", c.cycles[s][0].len(), side.name());
        let ours: Vec<u64> = c.strides[s].iter().map(|x| x.start as u64 + 1).collect();
        let want: Vec<u64> = truth["strides"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["side"] == side.name())
            .map(|x| x["start_frame"].as_u64().unwrap())
            .collect();
        if ours != want {
            eprintln!("{} strides start at frames {ours:?}, the truth's at {want:?}", side.name());
        }
        for (v, var) in VARIABLES.iter().enumerate() {
            let key = if *var == "hip_rotation" { "hip_internal_rotation" } else { var };
            let foot = var.starts_with("ankle") || *var == "foot_progression";
            let set = if foot && !flat_foot { "foot_curves_without_flat_foot" } else { "joint_curves" };
            let curve =
                truth[format!("{set}_{}", side.name())][key].as_array().unwrap_or_else(|| panic!("truth {set} {key}"));
            assert_eq!(curve.len(), 101);
            let (mean, _) = gaitline::angles::cycles::mean_sd(&c.cycles[s][v]);
            let d: Vec<f64> = curve.iter().zip(mean).map(|(x, m)| m - x.as_f64().unwrap()).collect();
            let rms = (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64).sqrt();
            let offset = d.iter().sum::<f64>() / d.len() as f64;
            out.push((*side, *var, rms, offset));
        }
    }
    out
}

fn print_rms(label: &str, rows: &[(Side, &str, f64, f64)]) {
    eprintln!("{label}: RMS and mean offset (ours - truth) of the mean cycle, deg");
    for (s, v, rms, off) in rows {
        eprintln!("  {:5} {v:20} {rms:8.4} {off:8.4}", s.name());
    }
}

/// A simulated trial and its static written as C3D (PROCESSING carries the
/// subject measurements), loaded back; and its truth.
fn simulated(cfg: &gaitline::simulate::SimConfig, stem: &str) -> (Trial, serde_json::Value) {
    use gaitline::simulate::{OutFormat, simulate, simulate_static, write_trial};
    let dir = std::env::temp_dir().join(format!("gaitline-angles-sim-{}-{stem}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let c3d = |v: Vec<PathBuf>| v.into_iter().filter(|p| p.extension().is_some_and(|x| x == "c3d")).collect::<Vec<_>>();
    let sim = simulate(cfg);
    let files = c3d(write_trial(&sim, &dir, stem, OutFormat::C3d).unwrap());
    let stat = c3d(write_trial(&simulate_static(cfg), &dir, &format!("{stem}_static"), OutFormat::C3d).unwrap());
    let spec = TrialSpec { id: stem.into(), files, static_file: stat.first().cloned(), subject: Subject::default() };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    (t, serde_json::to_value(&sim.truth).unwrap())
}

/// Issue 5, "simulated trials: the curves put in come back within 0.5 deg
/// RMS", for all 13 Plug-in Gait variables, both sides, walking and running,
/// heel and forefoot strikes, with and without the flat-foot option. The truth
/// is what Plug-in Gait reports from the noise-free markers (its foot frame
/// and static offsets, `src/simulate/README.md`), so without marker noise the
/// pipeline (C3D round trip, our event detection, cycles, Plug-in Gait) gives
/// it back exactly when the cycles are cut at the truth's events: measured at
/// most 0.0001 deg RMS (float32 C3D markers). At our own events every
/// variable is within 0.5 deg but the knee flexion (see below).
#[test]
fn simulated_curves_come_back_exactly_without_noise() {
    use gaitline::simulate::{SimConfig, StrikePattern};
    let ff = |c: SimConfig| {
        c.with_strike(Side::Left, StrikePattern::Forefoot, None).with_strike(Side::Right, StrikePattern::Forefoot, None)
    };
    let cases = [
        ("walk", SimConfig::walking().with_duration(10.0).with_seed(21)),
        ("walk_treadmill_forefoot", ff(SimConfig::walking().with_duration(10.0).with_seed(22).with_treadmill(true))),
        ("run", SimConfig::running().with_duration(6.0).with_seed(23).with_treadmill(false)),
        ("run_treadmill_forefoot", ff(SimConfig::running().with_duration(6.0).with_seed(202).with_speed(3.5))),
        (
            "run_knee_deficit",
            SimConfig::running().with_duration(6.0).with_seed(303).with_knee_extension_deficit(Side::Left, 8.0),
        ),
    ];
    for (name, cfg) in cases {
        let (t, truth) = simulated(&cfg, name);
        for flat in [false, true] {
            let rows = sim_rms(&t, &truth, flat, true);
            print_rms(&format!("{name}, no noise, flat foot {flat}, the truth's events"), &rows);
            assert_eq!(rows.len(), 26);
            for (s, v, rms, _) in &rows {
                assert!(*rms < 0.005, "{name} flat {flat}: {s:?} {v}: {rms}");
            }
            let rows = sim_rms(&t, &truth, flat, false);
            let worst = rows.iter().fold((0.0, ""), |w, r| if r.2 > w.0 { (r.2, r.1) } else { w });
            eprintln!("{name}, no noise, flat foot {flat}, our events: worst {:.4} deg RMS ({})", worst.0, worst.1);
            for (s, v, rms, _) in &rows {
                // Our strikes are a frame off the truth's on some strides
                // (walk: 2 of 9 left strikes 1 frame late, 0.65 deg RMS in
                // the mean knee curve; run: 1 of 7 right strikes 1 frame
                // early, 0.23 deg): the knee flexes and extends fastest at the
                // strike, so it alone may exceed 0.5 deg.
                let limit = if *v == "knee_flexion" { 0.7 } else { 0.5 };
                assert!(*rms < limit, "{name} flat {flat}, our events: {s:?} {v}: {rms}");
            }
        }
    }
}

/// The demo walker (`data/`, 0.5 mm marker noise, 3 gaps) and a runner with
/// the same noise: every variable within 0.5 deg RMS of the truth, with and
/// without the flat-foot option. What is left is noise (c): cut at the
/// truth's events instead of ours the walker's knee flexion comes back within
/// 0.1 deg (left 0.47 deg at our events: our strikes scatter by a frame from
/// stride to stride in the noise), and the knee and ankle rotations (0.3 deg)
/// are the chord-function knee and ankle centres moving with the 0.5 mm
/// noise of KNE/ANK/THI/TIB.
#[test]
fn simulated_walker_and_runner_curves_come_back() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("walker.truth.json")).unwrap()).unwrap();
    let spec = TrialSpec {
        id: "walker".into(),
        files: vec![data.join("walker.csv")],
        static_file: Some(data.join("walker_static.c3d")),
        subject: Subject::default(),
    };
    let walker = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let runner_cfg = gaitline::simulate::SimConfig::running()
        .with_subject("Runner", 1.80, 70.0)
        .with_speed(3.5)
        .with_duration(6.0)
        .with_seed(202)
        .with_noise(0.5, 0);
    let (runner, runner_truth) = simulated(&runner_cfg, "runner_noise");
    for (name, t, truth) in [("demo walker", &walker, &truth), ("runner 0.5 mm noise", &runner, &runner_truth)] {
        for flat in [false, true] {
            let rows = sim_rms(t, truth, flat, false);
            print_rms(&format!("{name}, flat foot {flat}, our events"), &rows);
            for (s, v, rms, _) in &rows {
                assert!(*rms < 0.5, "{name} flat {flat}: {s:?} {v}: {rms}");
            }
            let rows = sim_rms(t, truth, flat, true);
            print_rms(&format!("{name}, flat foot {flat}, the truth's events"), &rows);
            for (s, v, rms, _) in &rows {
                assert!(*rms < 0.35, "{name} flat {flat}, truth events: {s:?} {v}: {rms}");
            }
        }
    }
}

/// Harrington 2007 hip centres (option): mirror-symmetric in the pelvis, within
/// 3 cm of Davis's, and the hip angles stay close to Vicon's (Davis) ones.
#[test]
fn harrington_hip_centre_option() {
    let Some(t) = load_with(
        &["btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"],
        "btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d",
        Subject { marker_diameter_mm: Some(16.0), ..Default::default() },
    ) else {
        return;
    };
    let base = PigOptions { flat_foot: true, ..Default::default() };
    let davis = pig::calibrate(&t, &base).unwrap();
    let harr = pig::calibrate(&t, &PigOptions { hip_centre: pig::HipCentre::Harrington, ..base }).unwrap();
    eprintln!("pelvis depth {:.1} mm, width {:.1} mm", harr.pelvis_depth_mm, harr.inter_asis_mm);
    assert!((80.0..200.0).contains(&harr.pelvis_depth_mm));
    let i = 100;
    let d = pig::joint_centres(&t, &davis, i).unwrap()[0];
    let h = pig::joint_centres(&t, &harr, i).unwrap()[0];
    for s in 0..2 {
        let dist = (d[s] - h[s]).norm() * 1000.0;
        eprintln!("{}: Harrington - Davis {dist:.1} mm", SIDES[s].name());
        assert!(dist < 30.0, "{dist} mm");
    }
    // Mirror symmetry: both centres equally far from the mid-ASIS point.
    let la = t.markers.iter().find(|m| m.name == "LASI").unwrap().xyz[i];
    let ra = t.markers.iter().find(|m| m.name == "RASI").unwrap().xyz[i];
    let mid = (nalgebra::Vector3::from(la) + nalgebra::Vector3::from(ra)) / 2.0;
    assert!(((h[0] - mid).norm() - (h[1] - mid).norm()).abs() < 1e-9);
    let a = pig::angles_with(&t, &harr).unwrap();
    let rows = compare(&t, &a);
    report("PiG_Motion, Harrington hip centres vs Vicon (Davis)", &rows);
    let hip = rows.iter().filter(|r| r.1.starts_with("hip")).map(|r| r.2).fold(0.0, f64::max);
    assert!(hip < 5.0, "hip RMS {hip}");
}

/// Without a static trial: pelvis, hip and knee angles, but no ankle angles or
/// foot progression (the foot offsets come from the static), with a note.
#[test]
fn no_static_trial_no_foot_angles() {
    let Some(mut t) = load(
        &["pycgm-cadop/Test_Files__Movement_trial.c3d", "pycgm-cadop/Test_Files__Movement_trial.csv"],
        "pycgm-cadop/Test_Files__Static_trial.c3d",
    ) else {
        return;
    };
    t.static_trial = None;
    let a = pig::angles(&t, &PigOptions { inter_asis_mm: Some(306.0), ..Default::default() }).unwrap();
    assert!(a.calibration.notes.iter().any(|n| n.contains("no static trial")));
    for side in SIDES {
        for var in VARIABLES {
            let v = a.get(side, var).unwrap();
            let foot = var.starts_with("ankle") || var == "foot_progression";
            assert_eq!(v.iter().all(|x| x.is_nan()), foot, "{var}");
        }
    }
    let rows = compare(&t, &a);
    assert_eq!(rows.len(), 2 * 9);
    assert!(worst(&rows) < 0.001);
}

/// Trials of another marker set say so, not that a measurement is missing.
#[test]
fn other_marker_sets_are_named_as_such() {
    let Some(t) = load(
        &["btkdata/C3DSamples__others__1123x01EMG.c3d"],
        "btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d",
    ) else {
        return;
    };
    let e = pig::angles(&t, &PigOptions::default()).unwrap_err();
    assert_eq!(e, "no Plug-in Gait lower-body markers");
}

/// The subject data that Plug-in Gait needs reach the model through the
/// manifest (`flat_foot`, `marker_diameter_mm`): the pipeline then gives
/// Vicon's angles for PiG_Motion within 0.001 deg, as the direct call does.
#[test]
fn manifest_options_reach_the_pipeline() {
    let (Some(dynamic), Some(stat)) = (
        common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"),
        common::data_file("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d"),
    ) else {
        return;
    };
    // The manifest lives elsewhere: give it absolute paths (GAITLINE_DATA may be relative).
    let (dynamic, stat) = (dynamic.canonicalize().unwrap(), stat.canonicalize().unwrap());
    let dir = std::env::temp_dir().join(format!("gaitline-pig-manifest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let m = dir.join("m.csv");
    std::fs::write(
        &m,
        format!(
            "trial,files,static,flat_foot,marker_diameter_mm\npig,{},{},yes,16\n",
            dynamic.display(),
            stat.display()
        ),
    )
    .unwrap();
    let specs = gaitline::group::read_manifest(&m).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(specs[0].subject.flat_foot, Some(true));
    let t = load_trial(&specs[0], None, &CleanOptions::default()).unwrap();
    let analysis = gaitline::pipeline::analyze_trial(&t, &Default::default());
    let a = analysis.angles.as_ref().expect("angles computed");
    let rows = compare(&t, a);
    assert_eq!(rows.len(), 26);
    assert!(worst(&rows) < 0.001, "worst {}", worst(&rows));
}
