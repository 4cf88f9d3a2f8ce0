//! `gaitline norms build` (issue 5, "Normative bands"): norms built from
//! simulated healthy walkers recover the curves the simulator put in, and the
//! file reads back through the parser `analyze --norms` uses.

use gaitline::group::{group_files, scan};
use gaitline::norms::Builder;
use gaitline::pipeline::{analyze_trial, load_trial};
use gaitline::simulate::write::{OutFormat, write_trial};
use gaitline::simulate::{SimConfig, simulate, simulate_static};

#[test]
fn norms_from_simulated_walkers_recover_the_truth() {
    let dir = std::env::temp_dir().join(format!("gaitline-norms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Four healthy walkers of different size and speed.
    let mut truth_knee = Vec::new();
    let mut truth_cadence = Vec::new();
    for (i, (h, v)) in [(1.65, 1.2), (1.72, 1.3), (1.80, 1.35), (1.88, 1.45)].iter().enumerate() {
        let cfg = SimConfig::walking()
            .with_subject(&format!("W{i}"), *h, 25.0 * h * h)
            .with_speed(*v)
            .with_seed(10 + i as u64)
            .with_duration(8.0);
        let sim = simulate(&cfg);
        for s in [&sim.truth.joint_curves_left, &sim.truth.joint_curves_right] {
            truth_knee.push(s.knee_flexion.clone());
        }
        truth_cadence.push(sim.truth.left.cadence_steps_min);
        truth_cadence.push(sim.truth.right.cadence_steps_min);
        // Stems long enough for the static pairing (4 shared characters).
        let stem = format!("normwalker{i}");
        write_trial(&sim, &dir, &stem, OutFormat::ViconCsv).unwrap();
        write_trial(&simulate_static(&cfg), &dir, &format!("{stem}_static"), OutFormat::C3d).unwrap();
    }
    let (specs, _) = group_files(&scan(&dir).unwrap(), None);
    let mut b = Builder::new();
    for spec in specs.iter().filter(|s| !s.id.ends_with("_static")) {
        let t = load_trial(spec, None, &Default::default()).unwrap();
        let a = analyze_trial(&t, &Default::default());
        assert!(a.angle_cycles.is_some(), "{}: no angles ({:?})", spec.id, a.angle_notes);
        b.add(&spec.id, a.angle_cycles.as_ref(), &a.strides);
    }
    assert_eq!(b.limbs(), 8);
    let csv = b.to_csv().unwrap();
    let path = dir.join("norms.csv");
    let norms = gaitline::report::norms::parse(&path, csv.as_bytes()).unwrap();

    // Knee flexion: the norm's mean is the mean of the limbs' truth curves
    // within 1.5 deg RMS, and its SD band is not degenerate.
    let knee = norms.curve("knee_flexion").expect("knee_flexion norm");
    let want: Vec<f64> =
        (0..101).map(|p| truth_knee.iter().map(|c| c[p]).sum::<f64>() / truth_knee.len() as f64).collect();
    let rms = ((0..101).map(|p| (knee.mean[p] - want[p]).powi(2)).sum::<f64>() / 101.0).sqrt();
    eprintln!(
        "knee flexion norm vs truth: RMS {rms:.2} deg; peak {:.1} deg",
        knee.mean.iter().fold(0.0f64, |a, &b| a.max(b))
    );
    assert!(rms < 1.5, "knee flexion norm RMS {rms} deg from the truth");
    assert!(knee.sd.iter().all(|s| s.is_finite() && *s >= 0.0));
    // Cadence: mean of the limbs' truth within 1 step/min.
    let cad = norms.value("cadence_steps_per_min").expect("cadence norm");
    let want = truth_cadence.iter().sum::<f64>() / truth_cadence.len() as f64;
    assert!((cad.mean - want).abs() < 1.0, "cadence norm {} vs {want}", cad.mean);
    assert!(cad.sd > 0.5, "four speeds give a cadence spread, got SD {}", cad.sd);

    // `--out norms.json` (the name) writes the JSON form, which reads
    // back to the CSV's norms within its rounding (1e-4 deg, 1e-6 values).
    // (outside `dir`, which the command scans for trials: the CSV above is there)
    let out_json = std::env::temp_dir().join(format!("gaitline-norms-{}.json", std::process::id()));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .args(["norms", "build", dir.to_str().unwrap(), "--out", out_json.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = std::fs::read_to_string(&out_json).unwrap();
    assert_eq!(json, b.to_json().unwrap());
    let nj = gaitline::report::norms::read(&out_json).unwrap();
    assert_eq!(nj.curves.keys().collect::<Vec<_>>(), norms.curves.keys().collect::<Vec<_>>());
    assert_eq!(nj.values.keys().collect::<Vec<_>>(), norms.values.keys().collect::<Vec<_>>());
    for (k, c) in &norms.curves {
        let j = &nj.curves[k];
        for p in 0..101 {
            assert!((c.mean[p] - j.mean[p]).abs() < 1e-9 && (c.sd[p] - j.sd[p]).abs() < 1e-9, "{k} {p} %");
        }
    }
    for (k, v) in &norms.values {
        assert!((v.mean - nj.values[k].mean).abs() < 1e-9 && (v.sd - nj.values[k].sd).abs() < 1e-9, "{k}");
    }
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["format"], "gaitline-norms");
    assert_eq!(doc["n_limbs"], 8);
    assert_eq!(doc["curves"]["knee_flexion"]["mean"].as_array().unwrap().len(), 101);
    let _ = std::fs::remove_file(&out_json);
    // The CLI writes the same file; a folder without trials is exit 2.
    let out = dir.join("cli_norms.csv");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .args(["norms", "build", dir.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv);
    assert!(String::from_utf8_lossy(&o.stderr).contains("norms from 4 trials (8 limbs, 0 failed)"));
    // Built again with that norms file now in the folder: it is skipped, not
    // read as a (failing) trial, and the result is the same.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .args(["norms", "build", dir.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("norms from 4 trials (8 limbs, 0 failed)"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), csv);
    assert!(gaitline::report::norms::is_norms_file(&out));
    let trial_csv = dir.join("normwalker0.csv");
    assert!(trial_csv.is_file() && !gaitline::report::norms::is_norms_file(&trial_csv), "a Vicon CSV is a trial");

    // GPS/GVS against these norms (Baker 2009): a fifth healthy walker stays
    // near the band, one with a 12-deg right knee extension deficit does not,
    // on the right knee.
    let test_dir = dir.join("patients");
    for (stem, cfg) in [
        ("healthywalker", SimConfig::walking().with_subject("H", 1.76, 72.0).with_seed(99).with_duration(8.0)),
        (
            "deficitwalker",
            SimConfig::walking()
                .with_subject("D", 1.76, 72.0)
                .with_seed(99)
                .with_duration(8.0)
                .with_knee_extension_deficit(gaitline::model::Side::Right, 12.0),
        ),
    ] {
        write_trial(&simulate(&cfg), &test_dir, stem, OutFormat::ViconCsv).unwrap();
        write_trial(&simulate_static(&cfg), &test_dir, &format!("{stem}_static"), OutFormat::C3d).unwrap();
    }
    let reports = dir.join("reports");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .args(["analyze", test_dir.to_str().unwrap(), "--out", reports.to_str().unwrap(), "--only", "metrics"])
        .args(["--norms", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let gp = |id: &str| -> serde_json::Value {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(reports.join(id).join("metrics.json")).unwrap()).unwrap();
        m["angles"]["gait_profile"].clone()
    };
    let (h, d) = (gp("healthywalker"), gp("deficitwalker"));
    eprintln!("healthy {h}\ndeficit {d}");
    assert_eq!(h["reference"], "cli_norms.csv");
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    assert!(f(&h["gps_overall_deg"]) < 2.0, "healthy GPS {}", h["gps_overall_deg"]);
    assert!(
        f(&d["gvs_right_deg"]["knee_flexion"]) > 3.0,
        "deficit right knee GVS {}",
        d["gvs_right_deg"]["knee_flexion"]
    );
    assert!(f(&d["gvs_left_deg"]["knee_flexion"]) < 2.0);
    assert!(f(&d["gvs_right_deg"]["knee_flexion"]) > 2.0 * f(&d["gvs_left_deg"]["knee_flexion"]));
    assert!(f(&d["gps_right_deg"]) > f(&h["gps_right_deg"]) + 1.0);
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .args(["norms", "build", empty.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no motion trials found in the inputs"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_few_limbs_is_an_error() {
    let b = Builder::new();
    assert_eq!(b.to_csv().unwrap_err(), "no variable has the 3 limbs a norm needs (0 trials, 0 limbs given)");
}
