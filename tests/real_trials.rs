//! Real recordings through reading and cleaning: lab axes, marker sets, and
//! the agreement of the Vicon Nexus CSV export with the C3D of the same trial.

mod common;

use gaitline::group::TrialSpec;
use gaitline::io::read_file;
use gaitline::model::Subject;
use gaitline::pipeline::load_trial;
use gaitline::trial::CleanOptions;

fn trial(rel: &str) -> Option<gaitline::trial::Trial> {
    let p = common::data_file(rel)?;
    let spec = TrialSpec { id: "t".into(), files: vec![p], static_file: None, subject: Subject::default() };
    Some(load_trial(&spec, None, &CleanOptions::default()).unwrap())
}

/// Vicon files are Z-up, OpenSim and RBDS files Y-up (shared/data/README.md);
/// the walking direction differs per lab and per trial.
#[test]
fn lab_axes_and_marker_sets_of_every_marker_file() {
    let cases = [
        ("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d", "+Z", "+X", "pelvis_travel", "plug-in-gait"),
        ("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d", "+Z", "-Y", "pelvis_heading", "plug-in-gait"),
        ("btkdata/C3DSamples__c3d.org__sample09__PlugInC3D.c3d", "+Z", "+X", "pelvis_travel", "plug-in-gait"),
        ("btkdata/C3DSamples__c3d.org__sample01__Eb015pi.c3d", "+Z", "+Y", "marker_spread", "none"),
        ("btkdata/TRCSamples__SprintMotion.trc", "+Z", "+X", "pelvis_travel", "french-sprint"),
        ("btkdata/TRCSamples__SprintCalib.trc", "+Z", "-X", "pelvis_heading", "french-sprint"),
        ("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv", "+Z", "+X", "pelvis_travel", "plug-in-gait"),
        ("pycgm-cadop/Test_Files__Movement_trial.c3d", "+Z", "-X", "pelvis_travel", "plug-in-gait"),
        ("pycgm-cadop/Test_Files__Static_trial.c3d", "+Z", "+X", "pelvis_heading", "plug-in-gait"),
        ("pycgm-cadop/ROM__Sample_Static.csv", "+Z", "+Y", "pelvis_heading", "plug-in-gait"),
        ("opensim-models/Gait2392_Simbody__subject01_walk1.trc", "+Y", "+X", "pelvis_heading", "opensim-delaware"),
        ("opensim-models/Gait2392_Simbody__subject01_static.trc", "+Y", "+X", "pelvis_heading", "opensim-delaware"),
        ("opensim-models/Hamner__subject02_running.trc", "+Y", "+X", "pelvis_heading", "opensim-delaware"),
        ("opensim-models/Hamner__subject02_static.trc", "+Y", "+X", "pelvis_heading", "opensim-delaware"),
        ("opensim-models/Rajagopal__ExpData__motion_capture_run.trc", "+Y", "+X", "pelvis_heading", "rajagopal"),
        ("opensim-models/Rajagopal__ExpData__motion_capture_walk.trc", "+Y", "+X", "pelvis_travel", "rajagopal"),
        ("opensim-models/Rajagopal__ExpData__static_run.trc", "+Y", "+Z", "pelvis_heading", "rajagopal"),
        ("opensim-models/Rajagopal__ExpData__static_walk_1.trc", "+Y", "+Z", "pelvis_heading", "rajagopal"),
        ("rbds-fukuchi-running/RBDS0041runT252.txt", "+Y", "+X", "pelvis_heading", "rbds"),
        ("rbds-fukuchi-running/RBDS0041static.txt", "+Y", "+X", "pelvis_heading", "rbds"),
    ];
    for (rel, vertical, progression, method, preset) in cases {
        let Some(t) = trial(rel) else { return };
        let lab = t.lab.as_ref().unwrap_or_else(|| panic!("{rel}: no lab axes"));
        let got = (lab.vertical.label(), lab.progression.label(), lab.progression_method, t.mapping.preset.as_str());
        assert_eq!(got, (vertical.to_string(), progression.to_string(), method, preset), "{rel}");
    }
}

/// After rotation into the canonical frame the pelvis is above the feet and,
/// in overground walking, moves forward (+X).
#[test]
fn canonical_frame_puts_pelvis_up_and_walks_forward() {
    let Some(t) = trial("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv") else { return };
    let m = |n: &str| t.markers.iter().find(|m| m.name == n).unwrap();
    let (lasi, lhee) = (m("LASI"), m("LHEE"));
    let f = 100;
    assert!(lasi.xyz[f][2] - lhee.xyz[f][2] > 0.7, "ASIS about 0.8-0.9 m above the heel");
    let n = t.frames - 1;
    assert!(lasi.xyz[n][0] - lasi.xyz[0][0] > 3.0, "3.14 s of walking at ~1.15 m/s forward");
    // Left markers are at +Y of the right ones.
    assert!(m("LASI").xyz[f][1] > m("RASI").xyz[f][1]);
}

/// `PiG_Motion-FlatFoot-Full`: the Vicon Nexus CSV export and the C3D must
/// give the same markers (0.01 mm), analog values (to the CSV's 6 significant
/// digits) and events.
#[test]
fn vicon_csv_and_c3d_of_the_same_trial_agree() {
    let (Some(csv), Some(c3d)) = (
        common::data_file("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv"),
        common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"),
    ) else {
        return;
    };
    let a = read_file(&csv, None).unwrap();
    let b = read_file(&c3d, None).unwrap();
    let (pa, pb) = (a.points.as_ref().unwrap(), b.points.as_ref().unwrap());
    assert_eq!((pa.rate_hz, pa.frames, pa.first_frame), (pb.rate_hz, pb.frames, pb.first_frame));
    assert_eq!(pa.markers.len(), 35);
    let mut compared = 0;
    for ma in &pa.markers {
        let mb = pb.marker(&ma.name).unwrap_or_else(|| panic!("{} missing in the C3D", ma.name));
        for (f, (x, y)) in ma.xyz.iter().zip(&mb.xyz).enumerate() {
            for k in 0..3 {
                match (x[k].is_finite(), y[k].is_finite()) {
                    (true, true) => {
                        assert!((x[k] - y[k]).abs() <= 1e-5, "{} frame {f} axis {k}: {} vs {}", ma.name, x[k], y[k]);
                        compared += 1;
                    }
                    (false, false) => {}
                    _ => panic!("{} frame {f}: gap in one file only", ma.name),
                }
            }
        }
    }
    assert!(compared > 30_000, "{compared} coordinates compared");

    // Analog: CSV `Force Plate #1 - Fx` is C3D `Fx1`; EMG channels share names.
    let mut pairs = Vec::new();
    for plate in 1..=2 {
        for c in ["Fx", "Fy", "Fz", "Mx", "My", "Mz"] {
            pairs.push((format!("Force Plate #{plate} - {c}"), format!("{c}{plate}")));
        }
    }
    for side in ["R", "L"] {
        for m in ["RF", "ST", "TA", "GL", "PE"] {
            pairs.push((format!("{side}_{m}"), format!("{side}_{m}")));
        }
    }
    for (na, nb) in &pairs {
        let ca = a.analogs.iter().find(|c| &c.name == na).unwrap_or_else(|| panic!("CSV lacks {na}"));
        let cb = b.analogs.iter().find(|c| &c.name == nb).unwrap_or_else(|| panic!("C3D lacks {nb}"));
        assert_eq!((ca.rate_hz, ca.data.len(), &ca.unit), (cb.rate_hz, cb.data.len(), &cb.unit), "{na}");
        let scale = cb.data.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (i, (x, y)) in ca.data.iter().zip(&cb.data).enumerate() {
            // Six significant digits of each value, and of the channel's range
            // for values near zero.
            let tol = 5e-6 * y.abs().max(scale * 1e-3) + 1e-12;
            assert!((x - y).abs() <= tol, "{na} sample {i}: {x} vs {y}");
        }
    }

    // Events: the same 12, same sides, kinds and times.
    let key = |r: &gaitline::Recording| {
        let mut v: Vec<(String, String, i64)> = r
            .events
            .iter()
            .map(|e| (format!("{:?}", e.side), format!("{:?}", e.kind), (e.time_s * 1000.0).round() as i64))
            .collect();
        v.sort();
        v
    };
    assert_eq!(key(&a).len(), 12);
    assert_eq!(key(&a), key(&b));
}

/// The C3D `ANALYSIS` group (Vicon's own spatiotemporal results) is kept as a
/// reference for the events stage: values from shared/data/README.md.
#[test]
fn c3d_analysis_group_is_kept_as_reference() {
    let Some(p) = common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d") else { return };
    let r = read_file(&p, None).unwrap();
    let get = |name: &str, side: gaitline::model::Side| {
        r.analysis.iter().find(|a| a.name == name && a.side == Some(side)).map(|a| (a.value, a.unit.as_str())).unwrap()
    };
    use gaitline::model::Side::{Left, Right};
    assert_eq!(r.analysis.len(), 22);
    let (v, u) = get("Cadence", Left);
    common::close(v, 116.50, 0.005, "cadence");
    assert_eq!(u, "steps/min");
    common::close(get("Stride Length", Left).0, 1.1935, 5e-5, "stride length L");
    common::close(get("Stride Length", Right).0, 1.1573, 5e-5, "stride length R");
    common::close(get("Step Length", Left).0, 0.5701, 5e-5, "step length L");
    common::close(get("Step Length", Right).0, 0.5919, 5e-5, "step length R");
    common::close(get("Walking Speed", Left).0, 1.1588, 5e-5, "speed L");
    common::close(get("Walking Speed", Right).0, 1.1236, 5e-5, "speed R");
    common::close(get("Foot Off", Left).0, 61.17, 0.005, "foot off L");
    common::close(get("Foot Off", Right).0, 58.25, 0.005, "foot off R");
    common::close(get("Single Support", Left).0, 0.42, 1e-6, "single support L");
    common::close(get("Double Support", Right).0, 0.20, 1e-6, "double support R");
    // Parameters are entered values: 82.7 kg, not 82.69999694824219.
    let p = common::data_file("btkdata/C3DSamples__c3d.org__sample01__Eb015pi.c3d").unwrap();
    let r = read_file(&p, None).unwrap();
    assert_eq!(r.subject.mass_kg, Some(82.7));
    assert_eq!(r.analogs.iter().find(|c| c.name == "MX1").map(|c| c.unit.as_str()), Some("N.m"));
}

/// RBDS force files count samples in their `Time` column: the trial takes
/// their rate from the marker file of the same trial (9000 samples over 4500
/// frames at 150 Hz = 300 Hz, as the data set's paper states).
#[test]
fn rbds_force_rate_comes_from_the_marker_file() {
    let (Some(m), Some(f)) = (
        common::data_file("rbds-fukuchi-running/RBDS0041runT252.txt"),
        common::data_file("rbds-fukuchi-running/RBDS0041runT252forces.txt"),
    ) else {
        return;
    };
    let spec = TrialSpec { id: "r".into(), files: vec![m, f], static_file: None, subject: Subject::default() };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    assert_eq!(t.rate_hz, 150.0);
    assert_eq!(t.analogs.len(), 7);
    for c in &t.analogs {
        assert_eq!((c.rate_hz, c.data.len()), (300.0, 9000), "{}", c.name);
    }
    let fy = t.analogs.iter().find(|c| c.name == "Fy").unwrap();
    assert_eq!(fy.unit, "N");
    assert_eq!(fy.data[0], 1718.29, "first row of the file: 1\t-128.78\t1718.29\t...");
    assert!(t.notes.iter().any(|n| n.contains("set to 300 Hz (2x the marker rate")), "{:?}", t.notes);
}
