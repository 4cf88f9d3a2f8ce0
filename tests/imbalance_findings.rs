//! Issue 6, findings from all evidence on freshly simulated trials with known
//! asymmetries: healthy trials yield no finding; an asymmetry put in on the
//! right side is found on the right side only, by the evidence that can see
//! it; recommendations follow their findings; every code has its texts in
//! both languages.

use gaitline::imbalance::findings::{self, Confidence, Direction, EvidenceKind, Finding, Severity};
use gaitline::model::{Side, Subject};
use gaitline::pipeline::{Analysis, analyze_trial, load_trial};
use gaitline::simulate::{OutFormat, SimConfig, simulate, simulate_static, write_trial};
use gaitline::trial::CleanOptions;
use std::path::PathBuf;

/// Simulate `cfg` as C3D (PROCESSING carries the subject measurements the
/// angles need) with its static trial, and analyse it.
fn run(cfg: &SimConfig, stem: &str) -> Analysis {
    let dir = std::env::temp_dir().join(format!("gaitline-findings-{}-{stem}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let keep = |v: Vec<PathBuf>| -> Vec<PathBuf> {
        v.into_iter().filter(|p| p.extension().is_some_and(|x| x == "c3d")).collect()
    };
    let files = keep(write_trial(&simulate(cfg), &dir, stem, OutFormat::C3d).unwrap());
    let stat = keep(write_trial(&simulate_static(cfg), &dir, &format!("{stem}_static"), OutFormat::C3d).unwrap());
    let spec = gaitline::group::TrialSpec {
        id: stem.into(),
        files,
        static_file: stat.first().cloned(),
        subject: Subject::default(),
    };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    std::fs::remove_dir_all(&dir).unwrap();
    a
}

fn show(name: &str, a: &Analysis) {
    let k = a.imbalance.kinematic.as_ref().unwrap();
    eprintln!("{name}: kinematic left {:?}", k.left);
    eprintln!("{name}: kinematic right {:?}", k.right);
    if let Some(s) = &a.imbalance.symmetry {
        eprintln!("{name}: symmetry {:?} exceeding {:?}", s.spatiotemporal, s.exceeding);
    }
    if let Some(e) = &a.emg {
        eprintln!("{name}: EMG SI {:?}", e.symmetry_index_pct);
    }
    for f in &a.findings {
        eprintln!("{name}: finding {} {:?} {:?} {} ({})", f.code, f.severity, f.side, f.value, f.detail);
    }
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

#[test]
fn healthy_simulated_trials_yield_no_finding() {
    let cases = [
        ("walk", SimConfig::walking().with_duration(12.0).with_seed(21)),
        ("walk_fast", SimConfig::walking().with_duration(12.0).with_seed(22).with_speed(1.6)),
        ("run", SimConfig::running().with_duration(8.0).with_seed(23)),
        ("run_treadmill", SimConfig::running().with_duration(8.0).with_seed(24).with_treadmill(true).with_speed(3.8)),
    ];
    for (name, cfg) in cases {
        let a = run(&cfg, name);
        show(name, &a);
        let k = a.imbalance.kinematic.as_ref().unwrap();
        assert!(k.left.cycles >= 4 && k.right.cycles >= 4, "{name}: angle cycles {} {}", k.left.cycles, k.right.cycles);
        assert!(a.findings.is_empty(), "{name}: {:?}", codes(&a.findings));
        assert!(a.recommendations.is_empty(), "{name}");
    }
}

/// Run `cfg`, print, and return the findings.
fn findings_of(name: &str, cfg: &SimConfig) -> Vec<Finding> {
    let a = run(cfg, name);
    show(name, &a);
    a.findings
}

#[test]
fn right_side_asymmetries_are_found_on_the_right_only() {
    // (name, config, the finding code expected, its evidence)
    let cases: Vec<(&str, SimConfig, &str, EvidenceKind)> = vec![
        (
            "walk_right_hamstrings_half",
            SimConfig::walking().with_duration(20.0).with_seed(31).with_hamstring_scale(Side::Right, 0.5),
            "hq_emg_asymmetry",
            EvidenceKind::Emg,
        ),
        (
            "run_right_knee_deficit",
            SimConfig::running().with_duration(8.0).with_seed(32).with_knee_extension_deficit(Side::Right, 12.0),
            "terminal_swing_knee_extension",
            EvidenceKind::Kinematics,
        ),
        (
            "walk_right_knee_deficit",
            SimConfig::walking().with_duration(12.0).with_seed(33).with_knee_extension_deficit(Side::Right, 12.0),
            "terminal_swing_knee_extension",
            EvidenceKind::Kinematics,
        ),
        (
            "run_overstride",
            SimConfig::running().with_duration(8.0).with_seed(34).with_speed(4.5).with_cadence(135.0),
            "overstriding",
            EvidenceKind::Kinematics,
        ),
    ];
    for (name, cfg, code, ev) in cases {
        let f = findings_of(name, &cfg);
        let hit: Vec<&Finding> = f.iter().filter(|x| x.code == code).collect();
        assert!(!hit.is_empty(), "{name}: no {code} in {:?}", codes(&f));
        for x in &f {
            assert!(x.severity > Severity::None);
            if code != "overstriding" {
                assert_eq!(x.side, Some(Side::Right), "{name}: {} on {:?}", x.code, x.side);
            }
        }
        assert_eq!(hit[0].evidence, ev);
    }
}

#[test]
fn a_short_right_step_is_a_spatiotemporal_asymmetry() {
    let cfg = SimConfig::walking().with_duration(12.0).with_seed(35).with_short_step(Side::Right, 0.12);
    let f = findings_of("walk_right_short_step", &cfg);
    assert_eq!(codes(&f), ["spatiotemporal_asymmetry"]);
    // The right step is shorter: SI (R − L)/mean < 0, named in the detail.
    assert!(f[0].detail.starts_with("step_length_m: SI -"), "{}", f[0].detail);
    assert!(f[0].value > findings::SPATIO_SI_MILD);
}

fn finding(code: &'static str, severity: Severity, side: Option<Side>, muscle: Option<&'static str>) -> Finding {
    Finding {
        code,
        severity,
        side,
        muscle,
        evidence: EvidenceKind::Kinematics,
        confidence: Confidence::Moderate,
        value: 1.0,
        unit: "deg",
        threshold: 0.5,
        threshold_marked: None,
        direction: Direction::Above,
        source: "test",
        detail: String::new(),
    }
}

#[test]
fn recommendations_follow_their_findings() {
    assert!(findings::recommend(&[]).is_empty());
    let f = vec![
        finding("terminal_swing_knee_extension", Severity::Mild, Some(Side::Right), Some("hamstrings")),
        finding("overstriding", Severity::Mild, Some(Side::Left), Some("hamstrings")),
    ];
    let r = findings::recommend(&f);
    let got: Vec<(&str, Vec<&str>, Vec<Side>)> = r.iter().map(|r| (r.code, r.why.clone(), r.sides.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("hamstring_stretch_standing", vec!["terminal_swing_knee_extension"], vec![Side::Right]),
            ("hamstring_stretch_towel", vec!["terminal_swing_knee_extension"], vec![Side::Right]),
            ("foam_rolling", vec!["terminal_swing_knee_extension"], vec![Side::Right]),
            ("gait_cue_shorter_stride", vec!["overstriding"], vec![Side::Left]),
            ("warm_up_load", vec!["terminal_swing_knee_extension", "overstriding"], vec![Side::Left, Side::Right]),
        ]
    );
    // A marked finding adds "see a physician"; a quadriceps LSI does not call for Nordic curls.
    let f = vec![
        finding("lsi_low", Severity::Marked, Some(Side::Left), Some("quadriceps")),
        finding("hq_dyn_conventional_low", Severity::Mild, Some(Side::Right), Some("hamstrings")),
    ];
    let r = findings::recommend(&f);
    let got: Vec<(&str, Vec<&str>)> = r.iter().map(|r| (r.code, r.why.clone())).collect();
    assert_eq!(
        got,
        vec![
            ("nordic_curl", vec!["hq_dyn_conventional_low"]),
            ("warm_up_load", vec!["lsi_low", "hq_dyn_conventional_low"]),
            ("see_physician", vec!["lsi_low"]),
        ]
    );
    assert_eq!(r[2].sides, vec![Side::Left]);
}

#[test]
fn every_code_has_its_texts_in_every_language() {
    for code in ["en", "de"] {
        let l = gaitline::report::i18n::get(code).expect("language");
        for f in findings::FINDING_CODES {
            for part in ["title", "clinician", "patient"] {
                let key = format!("finding.{f}.{part}");
                assert!(l.has(&key), "{code}: {key} missing");
                assert!(!l.t(&key).trim().is_empty(), "{code}: {key} empty");
            }
        }
        for e in findings::RECOMMENDATION_CODES {
            for part in ["title", "how", "why"] {
                let key = format!("exercise.{e}.{part}");
                assert!(l.has(&key), "{code}: {key} missing");
            }
        }
        // Cautious wording: the physician text says the report does not diagnose.
        let why = l.t("exercise.see_physician.why");
        assert!(why.contains(if code == "en" { "does not make a diagnosis" } else { "keine Diagnose" }), "{why}");
    }
}

#[test]
fn varied_healthy_dataset_trials_yield_no_finding() {
    // The benchmark dataset's varied healthy subjects (speed, mode, treadmill,
    // noise, gaps, variability up to 1.5, lab frames, all four formats), 12 s each.
    let dir = std::env::temp_dir().join(format!("gaitline-findings-ds-{}", std::process::id()));
    for i in 0..12 {
        let (cfg, fmt) = gaitline::simulate::write::dataset_config(i, 7);
        let cfg = cfg.with_duration(12.0);
        let stem = format!("d{i}");
        let files: Vec<PathBuf> = write_trial(&simulate(&cfg), &dir, &stem, fmt)
            .unwrap()
            .into_iter()
            .filter(|p| !p.to_string_lossy().ends_with(".json"))
            .collect();
        let spec =
            gaitline::group::TrialSpec { id: stem.clone(), files, static_file: None, subject: Subject::default() };
        let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
        let a = analyze_trial(&t, &Default::default());
        assert!(a.imbalance.kinematic.is_some(), "{stem}: strides");
        assert!(a.findings.is_empty(), "{stem} ({:?}): {:?}", cfg.mode, a.findings);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn too_few_strides_make_no_kinematic_finding() {
    use gaitline::imbalance::kinematic::{KinematicEvidence, KinematicSide};
    let side = |cycles: usize, knee: f64| KinematicSide {
        cycles,
        strikes: cycles,
        knee_flexion_terminal_swing_min_deg: Some(knee),
        ..Default::default()
    };
    for (n, want) in [(2, 0), (3, 1)] {
        let k = KinematicEvidence { left: side(n, 2.0), right: side(n, 14.0), method: "" };
        let f = findings::assess(&findings::Inputs { kinematic: Some(&k), strides: [n, n], ..Default::default() });
        assert_eq!(f.len(), want, "{n} strides: {:?}", codes(&f));
        if want == 1 {
            // 12 deg more flexion on the right: marked (> 10 deg), right side, low confidence (< 5 cycles).
            assert_eq!(
                (f[0].code, f[0].severity, f[0].side),
                ("terminal_swing_knee_extension", Severity::Marked, Some(Side::Right))
            );
            assert_eq!(f[0].confidence, Confidence::Low);
            assert_eq!(f[0].value, 12.0);
        }
    }
}

#[test]
fn kinematic_and_spatiotemporal_cut_offs() {
    use gaitline::events::Mode;
    use gaitline::imbalance::kinematic::{KinematicEvidence, KinematicSide};
    use gaitline::imbalance::symmetry::Symmetry;
    let side = |ham: f64, lr: f64, ahead: f64| KinematicSide {
        cycles: 6,
        strikes: 6,
        hamstring_length_peak_mm: Some(ham),
        knee_flexion_loading_excursion_deg: Some(lr),
        heel_ahead_of_pelvis_leg_lengths: Some(ahead),
        ..Default::default()
    };
    let run = |l: KinematicSide, r: KinematicSide, mode: Mode| {
        let k = KinematicEvidence { left: l, right: r, method: "" };
        findings::assess(&findings::Inputs {
            kinematic: Some(&k),
            strides: [6, 6],
            mode: Some(mode),
            ..Default::default()
        })
        .into_iter()
        .map(|f| (f.code, f.severity, f.side))
        .collect::<Vec<_>>()
    };
    // At the thresholds: nothing (a finding needs more than the threshold).
    assert!(run(side(40.0, 15.0, 0.40), side(30.0, 10.0, 0.40), Mode::Run).is_empty());
    // Hamstring stretch 10.5 mm less on the left: mild, left; loading response
    // 10.5 deg less on the right: marked, right; heel 0.51 leg lengths ahead
    // on the right while running: marked, right; the same in walking: none.
    let l = side(30.0, 20.5, 0.30);
    let r = side(40.5, 10.0, 0.51);
    assert_eq!(
        run(l.clone(), r.clone(), Mode::Run),
        vec![
            ("hamstring_stretch_asymmetry", Severity::Mild, Some(Side::Left)),
            ("quadriceps_demand_asymmetry", Severity::Marked, Some(Side::Right)),
            ("overstriding", Severity::Marked, Some(Side::Right)),
        ]
    );
    assert_eq!(run(l, r, Mode::Walk).len(), 2);
    // Spatiotemporal: the largest |SI| of step length/time, stance, contact time.
    let sym = |si: f64| {
        let mut s = Symmetry { threshold_pct: 10.0, ..Default::default() };
        s.spatiotemporal.insert("step_time_s", si);
        s.spatiotemporal.insert("step_width_m", 80.0); // not a finding parameter
        s
    };
    let st = |si: f64, n: usize| {
        let s = sym(si);
        findings::assess(&findings::Inputs { symmetry: Some(&s), strides: [n, n], ..Default::default() })
            .into_iter()
            .map(|f| (f.severity, f.value))
            .collect::<Vec<_>>()
    };
    assert_eq!(st(10.0, 6), vec![]);
    assert_eq!(st(-10.5, 6), vec![(Severity::Mild, 10.5)]);
    assert_eq!(st(20.5, 6), vec![(Severity::Marked, 20.5)]);
    assert_eq!(st(20.5, 2), vec![]);
}

#[test]
fn symmetry_object_keeps_its_keys_and_adds_angle_peaks() {
    let d = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let spec = gaitline::group::TrialSpec {
        id: "walker".into(),
        files: vec![d.join("walker.csv")],
        static_file: Some(d.join("walker_static.c3d")),
        subject: Subject::default(),
    };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    let m: serde_json::Value =
        serde_json::from_slice(&gaitline::output::metrics::from_analysis(&t, &a).to_json()).unwrap();
    let s = &m["symmetry"];
    // The spatiotemporal SIs stay flat numbers under their keys: Robinson SI of the side means.
    let mean = |side: Side| {
        let v: Vec<f64> = a.strides.iter().filter(|x| x.side == Some(side)).filter_map(|x| x.step_length_m).collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let (l, r) = (mean(Side::Left), mean(Side::Right));
    let want = ((r - l) / (0.5 * (r + l)) * 100.0 * 1000.0).round() / 1000.0;
    assert_eq!(s["step_length_m"].as_f64().unwrap(), want);
    assert_eq!(s["threshold_pct"], 10.0);
    assert!(s["method"].as_str().unwrap().starts_with("Robinson et al. 1987"));
    // Angle peaks: both sides, R − L, and an SI where the mean is at least 5 deg from zero.
    let k = &s["angles"]["knee_flexion.max_deg"];
    let (kl, kr) = (k["left"].as_f64().unwrap(), k["right"].as_f64().unwrap());
    assert!((k["difference_deg"].as_f64().unwrap() - (kr - kl)).abs() < 2e-3);
    assert!(kl > 50.0 && k["si_pct"].as_f64().unwrap().abs() < 10.0);
    assert!(s["angles"]["pelvis_obliquity.max_deg"].get("si_pct").is_none(), "mean near 0 deg: no SI");
    assert_eq!(s["exceeding"], serde_json::json!([]), "the healthy walker");
}
