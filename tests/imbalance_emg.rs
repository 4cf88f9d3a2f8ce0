//! Evidence 1 of issue 6 (hamstring/quadriceps imbalance from EMG): the
//! simulated demo trials recover their truth H:Q activation ratios, and real
//! EMG recordings have their channels identified and give sane ratios.

mod common;

use gaitline::clean::muscles::MuscleGroup;
use gaitline::group::TrialSpec;
use gaitline::imbalance::emg::{self, EmgImbalance, EmgOptions};
use gaitline::model::{Side, Subject};
use gaitline::pipeline::{analyze_trial, load_trial};
use gaitline::trial::CleanOptions;
use std::path::PathBuf;

fn demo(stem: &str) -> (EmgImbalance, serde_json::Value) {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with(&format!("{stem}."))
                || n.starts_with(&format!("{stem}_"))
                    && !n.contains("static")
                    && !n.contains("truth")
                    && !n.contains("dynamometer")
        })
        .filter(|p| !p.to_string_lossy().ends_with(".json"))
        .collect();
    let spec = TrialSpec { id: stem.into(), files, static_file: None, subject: Subject::default() };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    let e = emg::analyze(&t, &a.strides, &EmgOptions::default()).expect("emg evidence");
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{stem}.truth.json"))).unwrap()).unwrap();
    (e, truth)
}

fn ratios(e: &EmgImbalance, truth: &serde_json::Value, what: &str) -> [(f64, f64, f64); 2] {
    [Side::Left, Side::Right].map(|s| {
        let got = e.side(Some(s)).unwrap();
        let want = truth["emg"][format!("hq_ratio_{}", s.name())].as_f64().unwrap();
        let cyc = got.hq_ratio.unwrap();
        let rec = got.hq_ratio_recording.unwrap();
        eprintln!(
            "{what} {}: cycle H:Q {cyc:.4}, recording {rec:.4}, truth {want:.4}, cycles {}, CCI {:?}",
            s.name(),
            got.cycles,
            got.cci_pct
        );
        (cyc, rec, want)
    })
}

#[test]
fn demo_trials_recover_the_truth_hq_ratio() {
    for stem in ["walker", "runner_imbalance"] {
        let (e, truth) = demo(stem);
        assert_eq!(e.channels.len(), 10, "{stem}: five muscles a side");
        for c in &e.channels {
            let want = if ["BF", "ST"].contains(&c.muscle) { MuscleGroup::Hamstrings } else { MuscleGroup::Quadriceps };
            assert_eq!(c.group, want, "{stem} {}", c.name);
            assert!(c.side.is_some(), "{stem} {}", c.name);
        }
        for (cyc, rec, want) in ratios(&e, &truth, stem) {
            let err_c = (cyc / want - 1.0).abs();
            let err_r = (rec / want - 1.0).abs();
            assert!(err_c < 0.05 && err_r < 0.05, "{stem}: cycle {cyc} recording {rec} truth {want}");
        }
    }
}

#[test]
fn runner_imbalance_left_ratio_is_about_half_the_right() {
    let (e, truth) = demo("runner_imbalance");
    let want = truth["emg"]["hq_ratio_left"].as_f64().unwrap() / truth["emg"]["hq_ratio_right"].as_f64().unwrap();
    let lr = e.left_right_ratio.unwrap();
    let si = e.symmetry_index_pct.unwrap();
    eprintln!("runner_imbalance: left/right H:Q {lr:.4} (truth {want:.4}), SI {si:.1} %");
    assert!((lr / want - 1.0).abs() < 0.05, "left/right {lr}, truth {want}");
    assert!((0.4..0.65).contains(&lr), "left/right {lr}");
    assert!(si > 40.0, "right higher: SI {si}");
    // The healthy walker is symmetric within the estimation noise.
    let (w, _) = demo("walker");
    let lr = w.left_right_ratio.unwrap();
    assert!((lr - 1.0).abs() < 0.1, "walker left/right {lr}");
}

#[test]
fn ratio_and_cci_formulas() {
    let h = vec![1.0; 101];
    let q = vec![2.0; 101];
    assert!((emg::hq_ratio(&h, &q, 0, 100).unwrap() - 0.5).abs() < 1e-12);
    // 2·∫min/∫sum = 2·1/3 → 66.7 %; identical signals → 100 %.
    assert!((emg::cci(&h, &q, 0, 100).unwrap() - 200.0 / 3.0).abs() < 1e-9);
    assert!((emg::cci(&h, &h, 10, 30).unwrap() - 100.0).abs() < 1e-9);
    assert_eq!(emg::hq_ratio(&h, &vec![0.0; 101], 0, 100), None);
}

fn real(rel: &str) -> Option<(EmgImbalance, usize)> {
    let f = common::data_file(rel)?;
    let spec = TrialSpec { id: "real".into(), files: vec![f], static_file: None, subject: Subject::default() };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    let e = emg::analyze(&t, &a.strides, &EmgOptions::default()).expect("emg evidence");
    for c in &e.channels {
        eprintln!(
            "{rel}: {} {:?} {} {:?} {} Hz band {:?} peak {:.3e} mean {:.4}",
            c.name, c.group, c.muscle, c.side, c.rate_hz, c.band_hz, c.peak, c.mean_envelope
        );
    }
    for s in &e.sides {
        eprintln!(
            "{rel}: side {:?}: recording H:Q {:?}, cycles {}, cycle H:Q {:?}, phases {:?}, CCI {:?}, phases {:?}",
            s.side, s.hq_ratio_recording, s.cycles, s.hq_ratio, s.hq_ratio_phases, s.cci_pct, s.cci_phases_pct
        );
    }
    for s in &e.sides {
        eprintln!(
            "{rel}: side {:?}: hamstrings {:?}, quadriceps {:?}",
            s.side, s.hamstrings_timing, s.quadriceps_timing
        );
    }
    eprintln!("{rel}: L/R {:?} SI {:?} notes {:?}", e.left_right_ratio, e.symmetry_index_pct, e.notes);
    Some((e, a.strides.len()))
}

#[test]
fn pig_motion_rf_and_st_both_sides() {
    let Some((e, _)) = real("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv") else { return };
    let mut ids: Vec<(String, MuscleGroup, &str, Option<Side>)> =
        e.channels.iter().map(|c| (c.name.clone(), c.group, c.muscle, c.side)).collect();
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        ids,
        vec![
            ("L_RF".into(), MuscleGroup::Quadriceps, "RF", Some(Side::Left)),
            ("L_ST".into(), MuscleGroup::Hamstrings, "ST", Some(Side::Left)),
            ("R_RF".into(), MuscleGroup::Quadriceps, "RF", Some(Side::Right)),
            ("R_ST".into(), MuscleGroup::Hamstrings, "ST", Some(Side::Right)),
        ]
    );
    for c in &e.channels {
        assert_eq!(c.rate_hz, 1000.0, "{}", c.name);
        assert_eq!(c.band_hz, (20.0, Some(450.0)), "{}", c.name);
    }
    for s in [Side::Left, Side::Right] {
        let x = e.side(Some(s)).unwrap();
        let r = x.hq_ratio_recording.unwrap();
        assert!(r.is_finite() && (0.05..20.0).contains(&r), "{s:?} recording H:Q {r}");
        assert!(x.cycles >= 1, "{s:?}: a cycle");
        let h = x.hq_ratio.unwrap();
        assert!(h.is_finite() && (0.05..20.0).contains(&h), "{s:?} cycle H:Q {h}");
        let c = x.cci_pct.unwrap();
        assert!((0.0..=100.0).contains(&c), "{s:?} CCI {c}");
        assert_eq!(x.hq_ratio_phases.len(), 5);
        // Hamstrings: peak in terminal swing (87-100 %), activity starting in
        // mid/terminal swing and running into loading response, as in normal
        // walking (Perry & Burnfield 2010). Measured: peaks 92 % (L), 90 % (R),
        // active from 82 % to 14-17 % of the next cycle.
        let h = x.hamstrings_timing.as_ref().unwrap();
        assert!((87.0..=100.0).contains(&h.peak_pct), "{s:?} hamstring peak {}", h.peak_pct);
        let last = h.active_pct.last().unwrap();
        assert!((75.0..=90.0).contains(&last[0]) && last[1] == 100.0, "{s:?} hamstrings active {:?}", h.active_pct);
        assert!(h.active_pct[0][0] == 0.0 && h.active_pct[0][1] <= 20.0, "{s:?} {:?}", h.active_pct);
        // Quadriceps (RF here): peak around initial contact / loading response.
        let q = x.quadriceps_timing.as_ref().unwrap();
        assert!(q.peak_pct <= 12.0, "{s:?} quadriceps peak {}", q.peak_pct);
    }
    assert!(e.left_right_ratio.unwrap().is_finite());
}

#[test]
fn rajagopal_walk_anc_hamstrings_and_quadriceps() {
    let Some((e, strides)) = real("opensim-models/Rajagopal__ExpData__emg_walk_raw.anc") else { return };
    let mut ids: Vec<(String, MuscleGroup, &str, Option<Side>)> =
        e.channels.iter().map(|c| (c.name.clone(), c.group, c.muscle, c.side)).collect();
    ids.sort_by(|a, b| a.0.cmp(&b.0));
    // SOL, GAS, TA, GMAX, GMED are recognised as other muscles and left out.
    assert_eq!(
        ids,
        vec![
            ("BF".into(), MuscleGroup::Hamstrings, "BF", None),
            ("MH".into(), MuscleGroup::Hamstrings, "MH", None),
            ("RF".into(), MuscleGroup::Quadriceps, "RF", None),
            ("VL".into(), MuscleGroup::Quadriceps, "VL", None),
            ("VM".into(), MuscleGroup::Quadriceps, "VM", None),
        ]
    );
    assert_eq!(strides, 0, "an EMG file alone has no strides");
    for c in &e.channels {
        assert_eq!(c.rate_hz, 2000.0);
        assert_eq!(c.band_hz, (20.0, Some(450.0)));
        assert!(c.peak > 0.0 && c.mean_envelope > 0.0 && c.mean_envelope < 1.0, "{}", c.name);
    }
    assert_eq!(e.sides.len(), 1);
    let u = e.side(None).unwrap();
    let r = u.hq_ratio_recording.unwrap();
    assert!(r.is_finite() && (0.05..20.0).contains(&r), "recording H:Q {r}");
    assert_eq!(u.cycles, 0);
    assert_eq!(u.hq_ratio, None);
    assert_eq!(e.left_right_ratio, None);
}

fn demo_metrics(files: &[&str]) -> serde_json::Value {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let spec = TrialSpec {
        id: "demo".into(),
        files: files.iter().map(|f| dir.join(f)).collect(),
        static_file: None,
        subject: Subject::default(),
    };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    let m = gaitline::output::metrics::from_analysis(&t, &a);
    serde_json::from_slice(&m.to_json()).unwrap()
}

#[test]
fn metrics_json_imbalance_emg_section() {
    let m = demo_metrics(&["runner_imbalance.txt", "runner_imbalance_emg.txt", "runner_imbalance_forces.txt"]);
    let e = &m["imbalance"]["emg"];
    assert_eq!(e["method"]["band_pass_hz"], serde_json::json!([20.0, 450.0]));
    for side in ["left", "right"] {
        let s = &e[side];
        let groups: Vec<&str> =
            s["channels"].as_array().unwrap().iter().map(|c| c["group"].as_str().unwrap()).collect();
        assert_eq!(groups, ["hamstrings", "hamstrings", "quadriceps", "quadriceps", "quadriceps"], "{side}");
        assert!(s["hq_ratio"].as_f64().unwrap() > 0.0);
        assert_eq!(s["hq_ratio_phases"].as_object().unwrap().len(), 5);
        assert_eq!(s["cci_phases_pct"].as_object().unwrap().len(), 5);
        assert!((0.0..=100.0).contains(&s["cci_pct"].as_f64().unwrap()));
        assert!(s["evidence"].as_str().unwrap().contains("not to a maximal voluntary contraction"));
    }
    assert!(e.get("unsided").is_none());
    let lr = e["hq_ratio_left_over_right"].as_f64().unwrap();
    assert!((0.4..0.65).contains(&lr), "{lr}");
    // A trial without EMG has no `imbalance.emg` (absent, never invented);
    // its kinematic evidence is there.
    let m = demo_metrics(&["runner_forefoot.trc", "runner_forefoot_grf.mot"]);
    assert!(m["imbalance"].get("emg").is_none());
    assert!(m["imbalance"]["kinematic"]["left"]["strikes"].as_u64().unwrap() > 3);
}

#[test]
fn timing_peak_and_active_windows() {
    // A burst at 90-100 % and 0-5 % (wrapping), flat elsewhere.
    let mut c: Vec<f64> = (0..101).map(|i| if !(6..90).contains(&i) { 1.0 } else { 0.0 }).collect();
    c[95] = 2.0;
    let t = emg::timing(&c).unwrap();
    // Threshold 0.5 (25 % of the range 0..2): the 90-100 % and 0-5 % samples are above.
    assert_eq!(t.active_pct, vec![[0.0, 5.0], [90.0, 100.0]]);
    assert_eq!(t.peak_pct, 95.0);
    assert_eq!(emg::timing(&[0.5; 101]), None);
    assert_eq!(emg::timing(&[1.0; 3]), None);
}

#[test]
fn demo_hamstrings_peak_in_terminal_swing() {
    for stem in ["walker", "runner_imbalance"] {
        let (e, _) = demo(stem);
        for side in [Side::Left, Side::Right] {
            let s = e.side(Some(side)).unwrap();
            let h = s.hamstrings_timing.as_ref().unwrap();
            let q = s.quadriceps_timing.as_ref().unwrap();
            eprintln!("{stem} {side:?}: hamstrings {h:?}, quadriceps {q:?}");
            // Simulated bursts: hamstrings at 92-94 % (walk), 86-88 % (run).
            assert!((82.0..=98.0).contains(&h.peak_pct), "{stem} {side:?} hamstring peak {}", h.peak_pct);
            // Quadriceps (VL, VM) around initial contact.
            assert!(q.peak_pct <= 12.0 || q.peak_pct >= 95.0, "{stem} {side:?} quadriceps peak {}", q.peak_pct);
        }
    }
}

#[test]
fn btk_1123x01emg_rf_and_bf_both_sides() {
    let Some((e, strides)) = real("btkdata/C3DSamples__others__1123x01EMG.c3d") else { return };
    let mut ids: Vec<(MuscleGroup, &str, Option<Side>)> =
        e.channels.iter().map(|c| (c.group, c.muscle, c.side)).collect();
    ids.sort_by_key(|x| format!("{x:?}"));
    let mut want = vec![
        (MuscleGroup::Hamstrings, "BF", Some(Side::Left)),
        (MuscleGroup::Hamstrings, "BF", Some(Side::Right)),
        (MuscleGroup::Quadriceps, "RF", Some(Side::Left)),
        (MuscleGroup::Quadriceps, "RF", Some(Side::Right)),
    ];
    want.sort_by_key(|x| format!("{x:?}"));
    assert_eq!(ids, want, "TA and gastrocnemius left out");
    eprintln!("1123x01EMG: {strides} strides");
    for s in [Side::Left, Side::Right] {
        let r = e.side(Some(s)).unwrap().hq_ratio_recording.unwrap();
        assert!(r.is_finite() && (0.05..20.0).contains(&r), "{s:?} recording H:Q {r}");
    }
}

#[test]
fn phase_windows_fit_the_stance_share() {
    assert_eq!(emg::phase_windows(60.0), emg::PHASES);
    let w = emg::phase_windows(36.0);
    // Stance boundaries × 36/60; terminal swing from 27/40 of the swing.
    assert_eq!(w[0], ("loading_response", 0.0, 6.0));
    assert!((w[2].2 - 30.0).abs() < 1e-12);
    assert!((w[3].2 - (36.0 + 27.0 / 40.0 * 64.0)).abs() < 1e-12);
    assert_eq!(w[4].2, 100.0);
}

#[test]
fn rudolph_cci_and_normal_timing_windows() {
    let h = vec![1.0; 101];
    let q = vec![2.0; 101];
    // (lower/higher)·(lower+higher) = 0.5·3 = 1.5 at every point; identical signals: 1·2 = 2.
    assert!((emg::cci_rudolph(&h, &q, 0, 100).unwrap() - 1.5).abs() < 1e-12);
    assert!((emg::cci_rudolph(&h, &h, 10, 30).unwrap() - 2.0).abs() < 1e-12);
    assert_eq!(emg::cci_rudolph(&vec![0.0; 101], &vec![0.0; 101], 0, 100), Some(0.0));
    assert_eq!(emg::cci_rudolph(&h, &q, 50, 101), None);
    // Normal peak windows with 60 % stance: hamstrings 80-100 % and 0-15 %,
    // quadriceps (terminal swing) 87-100 % and 0-30 %.
    assert_eq!(emg::normal_peak_windows(MuscleGroup::Hamstrings, 60.0), [[80.0, 100.0], [0.0, 15.0]]);
    assert_eq!(emg::normal_peak_windows(MuscleGroup::Quadriceps, 60.0), [[87.0, 100.0], [0.0, 30.0]]);
    let t = emg::Timing { peak_pct: 50.0, active_pct: vec![] };
    assert!(!emg::check_timing(&t, MuscleGroup::Hamstrings, 60.0).peak_in_normal_window);
    let t = emg::Timing { peak_pct: 92.0, active_pct: vec![] };
    assert!(emg::check_timing(&t, MuscleGroup::Hamstrings, 60.0).peak_in_normal_window);
    // PiG_Motion's left semitendinosus: active 0-17 % and 82-100 %, peak 92 %:
    // one burst from 82 % to 17 % of the next cycle; 35 of its 37 active
    // points inside the normal windows (80-100 %, 0-15 %).
    let t = emg::Timing { peak_pct: 92.0, active_pct: vec![[0.0, 17.0], [82.0, 100.0]] };
    let c = emg::check_timing(&t, MuscleGroup::Hamstrings, 60.0);
    assert_eq!(c.main_burst_pct, Some([82.0, 17.0]));
    assert_eq!(c.active_in_normal_window_pct, 94.6);
    let t = emg::Timing { peak_pct: 5.0, active_pct: vec![[0.0, 17.0], [40.0, 50.0], [82.0, 100.0]] };
    assert_eq!(emg::check_timing(&t, MuscleGroup::Hamstrings, 60.0).main_burst_pct, Some([82.0, 17.0]));
    let t = emg::Timing { peak_pct: 45.0, active_pct: vec![[40.0, 50.0]] };
    let c = emg::check_timing(&t, MuscleGroup::Hamstrings, 60.0);
    assert_eq!((c.main_burst_pct, c.active_in_normal_window_pct), (Some([40.0, 50.0]), 0.0));
}

/// A temporary folder holding copies of demo files (renamed by `rename`).
fn tmp_copy(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let src = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let dir = std::env::temp_dir().join(format!("gaitline-emg-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (from, to) in files {
        std::fs::copy(src.join(from), dir.join(to)).unwrap();
    }
    dir
}

fn analyse_dir(dir: &std::path::Path, files: &[&str]) -> (gaitline::pipeline::Analysis, serde_json::Value) {
    let spec = TrialSpec {
        id: "t".into(),
        files: files.iter().map(|f| dir.join(f)).collect(),
        static_file: None,
        subject: Subject::default(),
    };
    let t = load_trial(&spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    let m = serde_json::from_slice(&gaitline::output::metrics::from_analysis(&t, &a).to_json()).unwrap();
    (a, m)
}

#[test]
fn a_channel_map_names_unknown_channels() {
    let names = ["runner_imbalance.txt", "runner_imbalance_forces.txt"];
    let dir = tmp_copy("map", &[(names[0], names[0]), (names[1], names[1])]);
    // The EMG file with channel names the guesser does not know.
    let emg_text =
        std::fs::read_to_string(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/runner_imbalance_emg.txt")))
            .unwrap();
    let (head, body) = emg_text.split_once('\n').unwrap();
    let old: Vec<&str> = head.split('\t').skip(1).collect();
    let new_head: Vec<String> =
        std::iter::once("Time".to_string()).chain((1..=old.len()).map(|i| format!("Sensor {i}"))).collect();
    std::fs::write(dir.join("runner_imbalance_emg.txt"), format!("{}\n{body}", new_head.join("\t"))).unwrap();
    let files = ["runner_imbalance.txt", "runner_imbalance_forces.txt", "runner_imbalance_emg.txt"];
    let (a, _) = analyse_dir(&dir, &files);
    assert!(a.emg.is_none(), "unknown names: no EMG evidence");
    let mut map = String::from("# sensors of this session\n[channels]\n");
    for (i, o) in old.iter().enumerate() {
        map.push_str(&format!("\"Sensor {}\" = \"{o}\"\n", i + 1));
    }
    std::fs::write(dir.join("runner_imbalance_emgmap.toml"), &map).unwrap();
    let (a, _) = analyse_dir(&dir, &files);
    let mapped = a.emg.expect("mapped EMG");
    let (want, _) = demo("runner_imbalance");
    assert_eq!(mapped.channels.len(), 10);
    for s in [Side::Left, Side::Right] {
        assert_eq!(mapped.side(Some(s)).unwrap().hq_ratio, want.side(Some(s)).unwrap().hq_ratio, "{s:?}");
    }
    // A label the guesser does not know is an error naming file, line and column.
    std::fs::write(
        dir.join("runner_imbalance_emgmap.toml"),
        "[channels]\n\"Sensor 1\" = \"R_BF\"\n\"Sensor 2\" = \"calf\"\n",
    )
    .unwrap();
    let (a, m) = analyse_dir(&dir, &files);
    assert!(a.emg.is_none());
    let want = format!(
        "emg channel map not used: {}:3:1: invalid value: \"calf\" is not a hamstring or quadriceps label (e.g. R_BF, \
         L_ST, R_RF, L_VL, \"left semitendinosus\") (in Sensor 2)",
        dir.join("runner_imbalance_emgmap.toml").display()
    );
    assert!(m["notes"].as_array().unwrap().iter().any(|n| n == &serde_json::json!(want)), "{}", m["notes"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_mvc_recording_normalises_each_channel() {
    // The walker's own recording as its MVC: every channel then peaks at
    // exactly 1 (its own maximum), and the method says MVC.
    let dir = tmp_copy("mvc", &[("walker.csv", "walker.csv"), ("walker.csv", "walker_mvc.csv")]);
    let (a, m) = analyse_dir(&dir, &["walker.csv"]);
    let e = a.emg.unwrap();
    assert!(e.mvc);
    for c in &e.channels {
        let max = c.envelope.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
        assert!((max - 1.0).abs() < 1e-12, "{}: {max}", c.name);
        assert_eq!(c.mvc_peak, Some(c.peak));
    }
    assert!(m["imbalance"]["emg"]["method"]["normalisation"].as_str().unwrap().starts_with("MVC"));
    assert!(
        m["imbalance"]["emg"]["left"]["evidence"].as_str().unwrap().contains("maximal voluntary contraction (MVC)")
    );
    // The MVC file is not a trial of its own.
    let (specs, _) = gaitline::group::group_files(&gaitline::group::scan(&dir).unwrap(), None);
    assert_eq!(specs.len(), 1);
    assert_eq!(specs[0].files, vec![dir.join("walker.csv")]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The grouped envelopes (eight channels interleaved through one filter
/// pass, issue 8) are bit for bit the per-channel envelopes, for every group
/// size 1..=9, with gaps (NaN runs at the start, inside and at the end), a
/// channel too short for the filter and an empty one; and a rate too low for
/// the band gives every channel the per-channel error.
#[test]
fn grouped_envelopes_equal_single_channel_envelopes_bit_for_bit() {
    let o = EmgOptions::default();
    let mut seed = 0x9e3779b97f4a7c15u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let mut chans: Vec<Vec<f64>> =
        (0..9).map(|c| (0..3000 + 17 * c).map(|i| 1e-4 * rnd() + 2e-5 * ((i as f64) * 0.01).sin()).collect()).collect();
    for v in &mut chans[1][..40] {
        *v = f64::NAN;
    }
    for v in &mut chans[2][1000..1100] {
        *v = f64::NAN;
    }
    let n = chans[3].len();
    for v in &mut chans[3][n - 5..] {
        *v = f64::NAN;
    }
    chans[4].truncate(1);
    chans[5].clear();
    for k in 1..=chans.len() {
        let xs: Vec<&[f64]> = chans[..k].iter().map(Vec::as_slice).collect();
        let many = emg::envelopes(&xs, 1000.0, &o);
        assert_eq!(many.len(), k);
        for (x, got) in xs.iter().zip(&many) {
            let want = emg::envelope(x, 1000.0, &o);
            match (&want, got) {
                (Ok((w, wb)), Ok((g, gb))) => {
                    assert_eq!(wb, gb);
                    assert_eq!(w.len(), g.len());
                    assert!(w.iter().zip(g).all(|(a, b)| a.to_bits() == b.to_bits()), "group of {k} differs");
                }
                (Err(w), Err(g)) => assert_eq!(w, g),
                _ => panic!("group of {k}: {want:?} vs {got:?}"),
            }
        }
    }
    let xs: Vec<&[f64]> = chans[..3].iter().map(Vec::as_slice).collect();
    for (x, got) in xs.iter().zip(emg::envelopes(&xs, 30.0, &o)) {
        assert_eq!(emg::envelope(x, 30.0, &o).unwrap_err(), got.unwrap_err());
    }
}
