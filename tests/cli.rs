//! End-to-end tests of the `gaitline` binary: exit codes, outputs, and that a
//! bad trial does not stop a batch.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaitline"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gaitline-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A synthetic walker as RBDS-style tab-delimited text (mm, Y up, walking
/// along -X at 1.2 m/s, 100 Hz, 2 s), with a 5-frame gap in LHEE and a
/// 40-frame gap in RTOE.
fn write_walker(path: &Path) {
    let names = ["LASI", "RASI", "LPSI", "RPSI", "LHEE", "RHEE", "LTOE", "RTOE"];
    // (forward, up, left) offsets in mm relative to the pelvis centre's ground point
    let offs = [
        (60.0, 950.0, 120.0),
        (60.0, 950.0, -120.0),
        (-120.0, 980.0, 50.0),
        (-120.0, 980.0, -50.0),
        (-60.0, 60.0, 100.0),
        (-60.0, 60.0, -100.0),
        (140.0, 40.0, 100.0),
        (140.0, 40.0, -100.0),
    ];
    let mut s = String::from("Time");
    for n in names {
        s.push_str(&format!("\t{n}X\t{n}Y\t{n}Z"));
    }
    s.push('\n');
    for f in 0..200 {
        let t = f as f64 / 100.0;
        s.push_str(&format!("{t:.3}"));
        let x = -1200.0 * t;
        for (i, (fwd, up, left)) in offs.iter().enumerate() {
            let swing = 30.0 * (2.0 * std::f64::consts::PI * t + i as f64).sin().max(0.0);
            // Walking along -X with Y up: left is +Z.
            let p = [x - fwd, up + swing, *left];
            let gap = (i == 4 && (50..55).contains(&f)) || (i == 7 && (100..140).contains(&f));
            for v in p {
                if gap {
                    s.push('\t');
                } else {
                    s.push_str(&format!("\t{v:.3}"));
                }
            }
        }
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn analyze_writes_metrics_summary_and_chart() {
    let d = tmpdir("ok");
    write_walker(&d.join("walk01.txt"));
    let out = d.join("reports");
    let o = bin().args(["analyze", d.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("walk01/metrics.json")).unwrap()).unwrap();
    assert_eq!(m["schema"], "gaitline.metrics/1");
    assert_eq!(m["trial"]["id"], "walk01");
    assert_eq!(m["trial"]["marker_rate_hz"], 100.0);
    assert_eq!(m["trial"]["frames"], 200);
    assert_eq!(m["trial"]["duration_s"], 1.99);
    assert_eq!(m["trial"]["lab_axes"]["vertical"], "+Y");
    assert_eq!(m["trial"]["lab_axes"]["progression"], "-X");
    assert_eq!(m["trial"]["marker_set"], "plug-in-gait");
    assert_eq!(m["trial"]["landmarks"]["L_HEEL"], "LHEE");
    assert_eq!(m["trial"]["gaps"]["filled"], 1);
    assert_eq!(m["trial"]["gaps"]["filled_samples"], 5);
    assert_eq!(m["trial"]["gaps"]["unfilled"], 1);
    assert_eq!(m["trial"]["gaps"]["unfilled_samples"], 40);
    assert!(m["trial"]["mode"].is_null());
    assert!(m.get("spatiotemporal").is_none(), "not computed yet, so absent");
    let png = std::fs::read(out.join("walk01/markers.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    // The first 13 columns keep their names and order; metric columns are appended (issue 7).
    let mut rdr = csv::Reader::from_reader(summary.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[..13].join(","),
        "trial,status,error,source_files,marker_rate_hz,frames,duration_s,markers,marker_set,vertical_axis,progression,analog_channels,file_events"
    );
    assert_eq!(header, gaitline::output::summary::columns());
    let rec = rdr.records().next().unwrap().unwrap();
    let first: Vec<&str> = rec.iter().take(13).collect();
    let row = first.join(",");
    assert!(row.starts_with("walk01,ok,,"), "{row}");
    assert!(row.ends_with(",100,200,1.99,8,plug-in-gait,+Y,-X,0,0"), "{row}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn one_bad_trial_does_not_stop_the_batch_and_exits_1() {
    let d = tmpdir("bad");
    write_walker(&d.join("good.txt"));
    std::fs::write(d.join("bad.txt"), "Time\tLHEEX\tLHEEY\tLHEEZ\n0.00\t1\t2\t3\n0.01\t1\tabc\t3\n").unwrap();
    let out = d.join("reports");
    let o = bin().args(["analyze", d.to_str().unwrap(), "--out", out.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    let bad = d.join("bad.txt");
    let expected = format!("FAILED  bad: {}:3:3: expected a number, found \"abc\" (in LHEE)", bad.display());
    assert!(err.contains(&expected), "stderr: {err}");
    assert!(out.join("good/metrics.json").is_file());
    assert!(!out.join("bad").exists());
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().any(|l| l.starts_with("bad,failed,")), "{summary}");
    assert!(summary.lines().any(|l| l.starts_with("good,ok,")), "{summary}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn usage_errors_exit_2() {
    let o = bin().args(["analyze", "/nonexistent/gaitline-input"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim(),
        "gaitline: /nonexistent/gaitline-input: no such file or folder"
    );
    let o = bin().args(["analyze", "--jobs", "zero"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = bin().args(["inspect", "x.c3d", "--format", "xls"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stderr).trim(), "gaitline: unknown --format \"xls\"");
}

#[test]
fn output_is_identical_for_one_and_two_threads() {
    let d = tmpdir("det");
    write_walker(&d.join("a.txt"));
    write_walker(&d.join("b.txt"));
    let run = |jobs: &str, out: &Path| {
        let o = bin()
            .args(["analyze", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", jobs, "-q"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
    };
    let (o1, o2) = (d.join("r1"), d.join("r2"));
    run("1", &o1);
    run("2", &o2);
    for f in ["summary.csv", "a/metrics.json", "b/metrics.json", "a/markers.png"] {
        assert_eq!(std::fs::read(o1.join(f)).unwrap(), std::fs::read(o2.join(f)).unwrap(), "{f}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}
