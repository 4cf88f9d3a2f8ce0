//! Issue 6, evidence 2: isokinetic dynamometer tables. The demo file and
//! simulated tables with known strength recover every ratio; every cut-off
//! is pinned at its boundary; bad files get positioned errors; the side-car
//! joins its trial and is never read as motion data.

use gaitline::imbalance::dynamometer::{self as dy, Contraction, Muscle};
use gaitline::imbalance::findings::Severity;
use gaitline::model::Side;
use gaitline::simulate::dynamometer::{self as sd, Strength};
use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

fn parse(text: &str) -> Result<dy::Dynamometer, String> {
    dy::parse(Path::new("t_dynamometer.csv"), text.as_bytes()).map_err(|e| e.to_string())
}

/// (side, ratio) of a list, in order.
fn ratios(v: &[dy::Ratio]) -> Vec<(Side, f64, Severity)> {
    v.iter().map(|r| (r.side, r.ratio, r.severity)).collect()
}

#[test]
fn demo_file_recovers_the_simulated_ratios() {
    let p = data().join("runner_imbalance_dynamometer.csv");
    let d = dy::read(&p).unwrap();
    assert_eq!(d.tests.len(), 16);
    let r = dy::analyze(&d, None);
    // Truth: healthy ratios × hamstring strength (left 0.8, right 1.0),
    // torques rounded to 0.1 N m in the file.
    let s = gaitline::simulate::write::DEMO_STRENGTH;
    let close = |got: f64, want: f64, what: &str| {
        assert!((got / want - 1.0).abs() < 0.002, "{what}: {got} vs {want}");
    };
    for (i, side) in [Side::Left, Side::Right].into_iter().enumerate() {
        let h = s.hamstrings[i] / s.quadriceps[i];
        let conv: Vec<&dy::Ratio> = r.conventional.iter().filter(|x| x.side == side).collect();
        assert_eq!(conv.len(), 2);
        close(conv[0].ratio, sd::CONVENTIONAL[0].1 * h, "conventional 60");
        close(conv[1].ratio, sd::CONVENTIONAL[1].1 * h, "conventional 180");
        let fun: Vec<&dy::Ratio> = r.functional.iter().filter(|x| x.side == side).collect();
        assert_eq!(fun.len(), 1);
        close(fun[0].ratio, sd::FUNCTIONAL_60 * h, "functional 60");
        let mix: Vec<&dy::Ratio> = r.mixed.iter().filter(|x| x.side == side).collect();
        assert_eq!((mix[0].hamstrings_velocity_deg_s, mix[0].quadriceps_velocity_deg_s), (30.0, 240.0));
        close(mix[0].ratio, sd::MIXED * h, "mixed");
    }
    // Severities: left 0.48 / 0.52 conventional (mild: below 0.60, not below
    // 0.47), functional 0.72 (below 0.80), mixed 0.84 (fine); right fine.
    assert_eq!(
        ratios(&r.conventional),
        vec![
            (Side::Left, 0.48, Severity::Mild),
            (Side::Left, 0.5201, Severity::Mild),
            (Side::Right, 0.6, Severity::None),
            (Side::Right, 0.6498, Severity::None),
        ]
    );
    assert_eq!(ratios(&r.functional), vec![(Side::Left, 0.72, Severity::Mild), (Side::Right, 0.9, Severity::None)]);
    assert_eq!(ratios(&r.mixed), vec![(Side::Left, 0.8402, Severity::None), (Side::Right, 1.0504, Severity::None)]);
    // LSI: every hamstring test 80 % on the left (weaker/stronger), marked
    // (below 85 %); quadriceps 100 %.
    for l in &r.lsi {
        match l.muscle {
            Muscle::Hamstrings => {
                assert_eq!(l.side, Side::Left);
                assert!((l.lsi_pct - 80.0).abs() < 0.1, "{l:?}");
                assert_eq!(l.severity, Severity::Marked);
                assert_eq!(l.basis, "weaker/stronger");
            }
            Muscle::Quadriceps => {
                assert_eq!(l.lsi_pct, 100.0);
                assert_eq!(l.severity, Severity::None);
            }
        }
    }
    assert_eq!(r.lsi.len(), 8);
    // Angle-specific conventional ratios at 30 deg: 0.90 / 0.55 of the peaks.
    let a = r.angle_specific.iter().find(|a| a.side == Side::Right && a.velocity_deg_s == 60.0).unwrap();
    assert_eq!(a.angle_deg, 30.0);
    close(a.ratio, 0.6 * sd::H_AT_30 / sd::Q_AT_30, "angle-specific 30 deg");
    // Findings: left only, with their cut-offs and sources.
    let f = r.findings();
    let got: Vec<(&str, Severity, Option<Side>, f64)> =
        f.iter().map(|f| (f.code, f.severity, f.side, f.value)).collect();
    assert_eq!(
        got,
        vec![
            ("hq_dyn_conventional_low", Severity::Mild, Some(Side::Left), 0.48),
            ("hq_functional_low", Severity::Mild, Some(Side::Left), 0.72),
            ("lsi_low", Severity::Marked, Some(Side::Left), 79.98),
        ]
    );
    assert_eq!((f[0].threshold, f[0].threshold_marked), (0.60, Some(0.47)));
    assert!(f[0].source.contains("Coombs & Garbutt 2002") && f[0].source.contains("Croisier"));
    assert_eq!((f[2].threshold, f[2].threshold_marked), (90.0, Some(85.0)));
    assert!(r.caveat.contains("Kellis") && r.caveat.contains("not to be an independent"));
}

#[test]
fn simulated_weak_right_hamstrings_are_found_on_the_right_only() {
    for (hs, qs) in [([1.0, 0.7], [1.0, 1.0]), ([1.0, 0.8], [1.0, 1.05])] {
        let st = Strength { hamstrings: hs, quadriceps: qs };
        let d = parse(&sd::csv(72.0, &st)).unwrap();
        let r = dy::analyze(&d, None);
        let k = hs[1] / qs[1];
        let right = r.conventional.iter().find(|x| x.side == Side::Right && x.quadriceps_velocity_deg_s == 60.0);
        let got = right.unwrap().ratio;
        assert!((got / (0.6 * k) - 1.0).abs() < 0.05, "{got} vs {}", 0.6 * k);
        let f = r.findings();
        assert!(!f.is_empty());
        for x in &f {
            assert_eq!(x.side, Some(Side::Right), "{} {:?}", x.code, x.side);
        }
    }
    // Healthy: no finding.
    let st = Strength { hamstrings: [1.0, 1.0], quadriceps: [1.0, 1.0] };
    assert!(dy::analyze(&parse(&sd::csv(60.0, &st)).unwrap(), None).findings().is_empty());
}

fn table(hcon: [f64; 2], qcon: [f64; 2], hecc: [f64; 2]) -> String {
    let mut s = String::from("side,muscle,contraction,velocity_deg_s,peak_torque_nm\n");
    for (i, side) in ["left", "right"].iter().enumerate() {
        s.push_str(&format!("{side},quadriceps,concentric,60,{}\n", qcon[i]));
        s.push_str(&format!("{side},hamstrings,concentric,60,{}\n", hcon[i]));
        s.push_str(&format!("{side},hamstrings,eccentric,60,{}\n", hecc[i]));
    }
    s
}

#[test]
fn cut_offs_at_their_boundaries() {
    // Conventional: 0.60 fine, 0.59 mild, 0.47 mild, 0.46 marked.
    let r = dy::analyze(&parse(&table([60.0, 59.0], [100.0, 100.0], [100.0, 100.0])).unwrap(), None);
    assert_eq!(ratios(&r.conventional), vec![(Side::Left, 0.6, Severity::None), (Side::Right, 0.59, Severity::Mild)]);
    let r = dy::analyze(&parse(&table([47.0, 46.0], [100.0, 100.0], [100.0, 100.0])).unwrap(), None);
    assert_eq!(
        ratios(&r.conventional),
        vec![(Side::Left, 0.47, Severity::Mild), (Side::Right, 0.46, Severity::Marked)]
    );
    // Functional: 0.80 fine, 0.79 mild (no marked level).
    let r = dy::analyze(&parse(&table([60.0, 60.0], [100.0, 100.0], [80.0, 50.0])).unwrap(), None);
    assert_eq!(ratios(&r.functional), vec![(Side::Left, 0.8, Severity::None), (Side::Right, 0.5, Severity::Mild)]);
    // LSI of eccentric hamstrings 50/80: 62.5 % marked on the right; with the
    // left involved the LSI is involved/uninvolved = 160 %.
    let lsi = |r: &dy::DynamometerResult, m: Muscle, c: Contraction| {
        r.lsi.iter().find(|l| l.muscle == m && l.contraction == c).map(|l| (l.side, l.lsi_pct, l.severity)).unwrap()
    };
    assert_eq!(lsi(&r, Muscle::Hamstrings, Contraction::Eccentric), (Side::Right, 62.5, Severity::Marked));
    let r2 = dy::analyze(&parse(&table([60.0, 60.0], [100.0, 100.0], [80.0, 50.0])).unwrap(), Some(Side::Left));
    assert_eq!(lsi(&r2, Muscle::Hamstrings, Contraction::Eccentric), (Side::Left, 160.0, Severity::None));
    // 90 % fine, 89.9 % mild, 85 % mild, 84.9 % marked (hamstrings concentric).
    for (r_nm, want) in
        [(90.0, Severity::None), (89.9, Severity::Mild), (85.0, Severity::Mild), (84.9, Severity::Marked)]
    {
        let r = dy::analyze(&parse(&table([100.0, r_nm], [100.0, 100.0], [100.0, 100.0])).unwrap(), None);
        assert_eq!(lsi(&r, Muscle::Hamstrings, Contraction::Concentric).2, want, "{r_nm}");
    }
}

#[test]
fn bad_tables_get_positioned_errors() {
    let h = "side,muscle,contraction,velocity_deg_s,peak_torque_nm\n";
    let cases = [
        (
            format!("{h}left,hamstrings,concentric,60,abc\n"),
            "t_dynamometer.csv:2:5: expected a number, found \"abc\" (in peak_torque_nm)",
        ),
        (
            format!("{h}middle,hamstrings,concentric,60,100\n"),
            "t_dynamometer.csv:2:1: invalid value: \"middle\" is not left or right (in side)",
        ),
        (
            format!("{h}left,calves,concentric,60,100\n"),
            "t_dynamometer.csv:2:2: invalid value: \"calves\" is not hamstrings or quadriceps (in muscle)",
        ),
        (
            format!("{h}left,hamstrings,isometric,60,100\n"),
            "t_dynamometer.csv:2:3: invalid value: \"isometric\" is not concentric or eccentric (in contraction)",
        ),
        (
            format!("{h}left,hamstrings,concentric,-60,100\n"),
            "t_dynamometer.csv:2:4: invalid value: \"-60\" is not a positive number (in velocity_deg_s)",
        ),
        (format!("{h}left,hamstrings,concentric,60\n"), "t_dynamometer.csv:2: expected 5 fields, found 4"),
        (format!("{h}left,hamstrings,concentric,60,100,7\n"), "t_dynamometer.csv:2: expected 5 fields, found 6"),
        (
            "side,muscle,velocity_deg_s,peak_torque_nm\nleft,hamstrings,60,100\n".to_string(),
            "t_dynamometer.csv:1: missing header: column `contraction`",
        ),
        (format!("# only a comment\n{h}"), "t_dynamometer.csv:2: file is empty"),
        (
            format!("{h}left,hamstrings,concentric,60,100\n\nleft,hamstrings,concentric,60,90\n"),
            "t_dynamometer.csv:4: a second left hamstrings concentric test at 60 deg/s (first on line 2)",
        ),
        ("".to_string(), "t_dynamometer.csv: file is empty"),
    ];
    for (text, want) in cases {
        assert_eq!(parse(&text).unwrap_err(), want);
    }
    // Semicolons with decimal commas (German spreadsheets), comments, CRLF, spare columns.
    let d = parse(
        "# Messung 2026\r\nSeite;side;muscle;contraction;velocity_deg_s;peak_torque_nm;torque_at_30deg_nm\r\n\
         x;rechts;H;ecc;60;120,5;\r\nx;links;Q;con;60;200;110,25\r\n",
    )
    .unwrap();
    assert_eq!(d.tests[0].side, Side::Right);
    assert_eq!(d.tests[0].peak_torque_nm, 120.5);
    assert!(d.tests[0].angle_torques_nm.is_empty());
    assert_eq!(d.tests[1].angle_torques_nm, vec![(30.0, 110.25)]);
}

#[test]
fn the_side_car_joins_its_trial_and_is_not_motion_data() {
    let dir = data();
    let p = dir.join("runner_imbalance_dynamometer.csv");
    assert!(dy::is_sidecar(&p));
    assert!(!dy::is_sidecar(&dir.join("walker.csv")));
    let files = gaitline::group::scan(&dir).unwrap();
    let (specs, _) = gaitline::group::group_files(&files, None);
    assert!(specs.iter().all(|s| !s.files.contains(&p)), "the table is not a trial file");
    assert_eq!(specs.len(), 3);
    let spec = specs.iter().find(|s| s.id == "runner_imbalance").unwrap();
    assert_eq!(dy::sidecar_for(&spec.files), Some(p.clone()));
    let t = gaitline::pipeline::load_trial(spec, None, &Default::default()).unwrap();
    let a = gaitline::pipeline::analyze_trial(&t, &Default::default());
    let m: serde_json::Value =
        serde_json::from_slice(&gaitline::output::metrics::from_analysis(&t, &a).to_json()).unwrap();
    let d = &m["imbalance"]["dynamometer"];
    assert_eq!(d["file"], p.display().to_string());
    assert_eq!(d["cutoffs"]["conventional_mild"], 0.6);
    assert_eq!(d["cutoffs"]["lsi_mild_pct"], 90.0);
    assert!(d["caveat"].as_str().unwrap().contains("Kellis"));
    let codes: Vec<&str> =
        m["imbalance"]["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(&codes[..3], ["hq_dyn_conventional_low", "hq_functional_low", "lsi_low"]);
    let recs: Vec<&str> =
        m["imbalance"]["recommendations"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(recs.contains(&"nordic_curl") && recs.contains(&"see_physician"), "{recs:?}");
    // Other trials have none.
    let w = specs.iter().find(|s| s.id == "walker").unwrap();
    assert_eq!(dy::sidecar_for(&w.files), None);
}

#[test]
fn a_manifest_may_list_the_table_with_the_trial() {
    let dir = std::env::temp_dir().join(format!("gaitline-dyn-manifest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["runner_imbalance.txt", "runner_imbalance_dynamometer.csv"] {
        std::fs::copy(data().join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(data().join("runner_imbalance_dynamometer.csv"), dir.join("strength_dynamometer.csv")).unwrap();
    let m = dir.join("m.csv");
    std::fs::write(&m, "trial,files\nr1,runner_imbalance.txt;runner_imbalance_dynamometer.csv\n").unwrap();
    let specs = gaitline::group::read_manifest(&m).unwrap();
    assert_eq!(specs[0].files, vec![dir.join("runner_imbalance.txt")], "the table is not a motion file");
    assert_eq!(dy::sidecar_for(&specs[0].files), Some(dir.join("runner_imbalance_dynamometer.csv")));
    // A table that would not be found beside the motion file is an error naming it.
    std::fs::write(&m, "trial,files\nr1,runner_imbalance.txt;strength_dynamometer.csv\n").unwrap();
    let e = gaitline::group::read_manifest(&m).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "manifest {}:2: trial r1: {} joins a trial only as <stem>_dynamometer.csv beside its motion file (same \
             folder and stem)",
            m.display(),
            dir.join("strength_dynamometer.csv").display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
