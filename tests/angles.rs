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

/// The simulated walker (`data/`): the simulator's mean joint curves come back
/// from its markers through Plug-in Gait. `flat_foot` toggles the static foot.
fn walker_rms(flat_foot: bool) -> Vec<(Side, &'static str, f64, f64)> {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("walker.truth.json")).unwrap()).unwrap();
    let spec = TrialSpec {
        id: "walker".into(),
        files: vec![data.join("walker.csv")],
        static_file: Some(data.join("walker_static.c3d")),
        subject: Subject::default(),
    };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let an = gaitline::pipeline::analyze_trial(&t, &Default::default());
    let a = pig::angles(&t, &PigOptions { flat_foot, ..Default::default() }).unwrap();
    let c = gaitline::angles::cycles::cut(&a, &an.strides);
    let mut out = Vec::new();
    for (s, side) in SIDES.iter().enumerate() {
        let tc = &truth[format!("joint_curves_{}", side.name())];
        for (v, var) in VARIABLES.iter().enumerate() {
            let key = if *var == "hip_rotation" { "hip_internal_rotation" } else { var };
            let Some(curve) = tc[key].as_array() else { continue };
            let (mean, _) = gaitline::angles::cycles::mean_sd(&c.cycles[s][v]);
            let d: Vec<f64> = curve.iter().zip(mean).map(|(x, m)| m - x.as_f64().unwrap()).collect();
            let rms = (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64).sqrt();
            let offset = d.iter().sum::<f64>() / d.len() as f64;
            out.push((*side, *var, rms, offset));
        }
    }
    out
}

/// Hip, knee and pelvis angles come back within 0.5 deg RMS of the truth
/// (pelvis rotation within 0.07 deg since the simulator's truth takes
/// Plug-in Gait's sign). Not asserted: `foot_progression` is Plug-in Gait's
/// Cardan angle of the whole foot, which leaves the truth's constant heading
/// in swing when the foot pitches (1.3 deg RMS over 0-60 %).
#[test]
fn simulated_walker_curves_come_back() {
    for flat in [false, true] {
        let rows = walker_rms(flat);
        eprintln!("simulated walker, flat foot {flat}: RMS and mean offset (ours - truth) of the mean cycle, deg");
        for (s, v, rms, off) in &rows {
            eprintln!("  {:5} {v:20} {rms:7.3} {off:7.3}", s.name());
        }
        for (s, v, rms, _) in &rows {
            if matches!(
                *v,
                "hip_flexion"
                    | "hip_adduction"
                    | "hip_rotation"
                    | "knee_flexion"
                    | "pelvis_tilt"
                    | "pelvis_obliquity"
                    | "pelvis_rotation"
            ) {
                assert!(*rms < 0.5, "{s:?} {v}: {rms}");
            }
            // The simulator's static foot stands flat: with the flat-foot option
            // the ankle comes back too (without it, the 2.2 deg static heel-toe
            // pitch is an offset, as Plug-in Gait defines it).
            if flat && *v == "ankle_dorsiflexion" {
                assert!(*rms < 0.7, "{s:?} {v}: {rms}");
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
