//! The demo trials in `data/` analysed end to end recover the simulator's
//! truth (issue 3, "Uses"): cadence within 0.5 steps/min, stride length
//! within 1 cm, foot-strike class exact and angle within 2 deg, per side.

use gaitline::group::{group_files, scan};
use gaitline::pipeline::{AnalyzeOptions, analyze_one};
use gaitline::trial::CleanOptions;
use std::path::Path;

fn truth(stem: &str) -> serde_json::Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(format!("{stem}.truth.json"));
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn demo_trials_recover_their_truth() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (specs, _) = group_files(&scan(&data).unwrap(), None);
    let out = std::env::temp_dir().join(format!("gaitline-demo-truth-{}", std::process::id()));
    let opts = AnalyzeOptions {
        out: out.clone(),
        force_format: None,
        clean: CleanOptions::default(),
        plots: false,
        events: Default::default(),
        anonymize: None,
        norms: None,
        tables_only: false,
    };
    let mut failures = Vec::new();
    for spec in &specs {
        analyze_one(spec, &opts).unwrap();
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(&spec.id).join("metrics.json")).unwrap()).unwrap();
        let t = truth(&spec.id);
        for side in ["left", "right"] {
            let st = &m["spatiotemporal"][side];
            let tr = &t[side];
            let mut check = |what: &str, got: f64, want: f64, tol: f64| {
                if (got - want).abs().is_nan() || (got - want).abs() > tol {
                    failures
                        .push(format!("{} {side} {what}: got {got:.4}, truth {want:.4} (tolerance {tol})", spec.id));
                }
            };
            check(
                "cadence",
                st["cadence_steps_per_min"]["mean"].as_f64().unwrap_or(f64::NAN),
                tr["cadence_steps_min"].as_f64().unwrap(),
                0.5,
            );
            check(
                "stride length",
                st["stride_length_m"]["mean"].as_f64().unwrap_or(f64::NAN),
                tr["stride_length_m"].as_f64().unwrap(),
                0.01,
            );
            let fs = &m["foot_strike"][side];
            check(
                "strike angle",
                fs["angle_deg"]["mean"].as_f64().unwrap_or(f64::NAN),
                tr["foot_strike_angle_deg"].as_f64().unwrap(),
                2.0,
            );
            let want =
                t["strides"].as_array().unwrap().iter().find(|s| s["side"] == side).unwrap()["foot_strike"].clone();
            if fs["pattern"] != want {
                failures.push(format!("{} {side} strike class: got {}, truth {want}", spec.id, fs["pattern"]));
            }
        }
        let mode = t["config"]["mode"].as_str().unwrap();
        if m["trial"]["mode"] != mode || m["trial"]["treadmill"] != t["config"]["treadmill"] {
            failures.push(format!("{}: mode/treadmill {} {}", spec.id, m["trial"]["mode"], m["trial"]["treadmill"]));
        }
    }
    std::fs::remove_dir_all(&out).unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
