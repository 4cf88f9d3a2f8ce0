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
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_few_limbs_is_an_error() {
    let b = Builder::new();
    assert_eq!(b.to_csv().unwrap_err(), "no variable has the 3 limbs a norm needs (0 trials, 0 limbs given)");
}
