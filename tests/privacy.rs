//! Privacy and path safety through the `gaitline` binary:
//! - `analyze --anonymize`: a subject called "Jane Doe" in the C3D
//!   (`SUBJECTS:NAMES`), in the Vicon CSV (`Jane Doe:LASI` prefixes, event
//!   subjects), in the manifest (`name`) and in the file names appears in no
//!   output file; trial folders are stable keyed pseudonyms.
//! - trial ids from file names and manifests never name a path outside
//!   `--out` (`..`, absolute paths, separators, odd Unicode, reserved names).

use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gaitline-privacy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn gaitline(args: &[&str], key: Option<&str>) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gaitline"));
    c.args(args).env_remove("GAITLINE_ANON_KEY");
    if let Some(k) = key {
        c.env("GAITLINE_ANON_KEY", k);
    }
    c.output().unwrap()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Text of an output file as a reader sees it: PNG pixels carry no text we
/// could grep (their names are checked), and base64 images embedded in HTML
/// (`data:...;base64,...`) are dropped, since random base64 spells short
/// words.
fn readable_text(f: &Path) -> String {
    if f.extension().is_some_and(|e| e == "png") {
        return String::new();
    }
    let s = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find(";base64,") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 8..];
        let end =
            tail.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The files (relative to `dir`) whose name or text contain any of `needles`
/// (case-sensitive: "does" is not "Doe"; the needles list every spelling the
/// inputs use).
fn leaks(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for f in files_under(dir) {
        let rel = f.strip_prefix(dir).unwrap().display().to_string();
        let body = readable_text(&f);
        for n in needles {
            if rel.contains(n) || body.contains(n) {
                found.push(format!("{rel}: {n}"));
            }
        }
    }
    found
}

/// Three trials of "Jane Doe": a C3D, a Vicon CSV, and a TRC named in a
/// manifest with her name; plus a broken file with her name (a failed trial).
fn jane_doe_inputs(dir: &Path) -> PathBuf {
    use gaitline::simulate::{OutFormat, SimConfig, simulate, write_trial};
    let cfg = SimConfig::walking().with_duration(6.0).with_subject("Jane Doe", 1.68, 61.0);
    let t = simulate(&cfg);
    write_trial(&t, &dir.join("c3d"), "JaneDoe_walk01", OutFormat::C3d).unwrap();
    write_trial(&t, &dir.join("csv"), "JaneDoe_walk02", OutFormat::ViconCsv).unwrap();
    write_trial(&t, &dir.join("trc"), "DOE_Jane_1984-03-02", OutFormat::Trc).unwrap();
    std::fs::write(dir.join("c3d/JaneDoe_broken.trc"), "PathFileType\t4\t(X/Y/Z)\tJaneDoe_broken.trc\n").unwrap();
    let m = dir.join("trc/manifest.csv");
    std::fs::write(&m, "trial,files,name\nDOE_Jane_1984-03-02,DOE_Jane_1984-03-02.trc,Jane Doe\n").unwrap();
    m
}

const NAMES: [&str; 6] = ["Jane", "Doe", "DOE", "JaneDoe", "1984-03-02", "walk01"];

#[test]
fn anonymize_leaves_no_name_in_any_output() {
    let dir = tmp("anon");
    let manifest = jane_doe_inputs(&dir);
    let out = dir.join("out");
    let o = out.display().to_string();

    // Control: without --anonymize the name is in the outputs (the check can fail).
    let plain = dir.join("plain");
    let r = gaitline(&["analyze", &dir.join("csv").display().to_string(), "--out", &plain.display().to_string()], None);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!leaks(&plain, &["Jane Doe"]).is_empty(), "the control run names the subject");

    let r = gaitline(
        &[
            "analyze",
            &dir.join("c3d").display().to_string(),
            &dir.join("csv").display().to_string(),
            "--out",
            &o,
            "--anonymize",
        ],
        Some("clinic-secret"),
    );
    // The broken file fails (exit 1); the others are analysed.
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stderr));
    // The failed trial is listed under its pseudonym, its error scrubbed.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.contains(&gaitline::privacy::Anonymizer::new(Some("clinic-secret")).pseudonym("JaneDoe_broken")),
        "{summary}"
    );
    assert!(summary.contains("missing header"), "the reason stays: {summary}");
    let r2 = gaitline(
        &[
            "analyze",
            "--manifest",
            &manifest.display().to_string(),
            "--out",
            &o,
            "--anonymize",
            "--anonymize-key",
            "clinic-secret",
        ],
        None,
    );
    assert_eq!(r2.status.code(), Some(0), "{}", String::from_utf8_lossy(&r2.stderr));
    assert!(!String::from_utf8_lossy(&r2.stderr).contains("warning"), "a key was given: no warning");

    assert_eq!(leaks(&out, &NAMES), Vec::<String>::new(), "names leaked into the outputs");

    // Folders: keyed pseudonyms, the same from the CLI key and the environment.
    let anon = gaitline::privacy::Anonymizer::new(Some("clinic-secret"));
    let mut dirs: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut want =
        vec![anon.pseudonym("JaneDoe_walk01"), anon.pseudonym("JaneDoe_walk02"), anon.pseudonym("DOE_Jane_1984-03-02")];
    want.sort();
    assert_eq!(dirs, want);
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join(anon.pseudonym("JaneDoe_walk01")).join("metrics.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["trial"]["id"], anon.pseudonym("JaneDoe_walk01"));
    assert_eq!(m["trial"]["source_files"][0], format!("{}.c3d", anon.pseudonym("JaneDoe_walk01.c3d")));
    assert!(m["subject"].get("name").is_none(), "{}", m["subject"]);
    assert!(m["subject"]["mass_kg"].is_number(), "measurements stay");
    assert!(m["spatiotemporal"]["overall"]["stride_length_m"]["mean"].is_number(), "the analysis still runs");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn anonymize_without_a_key_warns_and_hashes() {
    let dir = tmp("nokey");
    jane_doe_inputs(&dir);
    let out = dir.join("out");
    let r = gaitline(
        &[
            "analyze",
            &dir.join("c3d").join("JaneDoe_walk01.c3d").display().to_string(),
            "--out",
            &out.display().to_string(),
            "--anonymize",
        ],
        None,
    );
    assert_eq!(r.status.code(), Some(0));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("warning: --anonymize without a key"), "{err}");
    let unkeyed = gaitline::privacy::Anonymizer::new(None).pseudonym("JaneDoe_walk01");
    assert!(out.join(&unkeyed).join("metrics.json").is_file());
    assert_ne!(unkeyed, gaitline::privacy::Anonymizer::new(Some("k")).pseudonym("JaneDoe_walk01"));
    assert_eq!(leaks(&out, &NAMES), Vec::<String>::new());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn trial_ids_never_leave_the_output_folder() {
    let dir = tmp("paths");
    let data = dir.join("in");
    use gaitline::simulate::{OutFormat, SimConfig, simulate, write_trial};
    let t = simulate(&SimConfig::walking().with_duration(4.0));
    write_trial(&t, &data, "w", OutFormat::Trc).unwrap();
    let hostile = [
        "../escape",
        "../../escape2",
        "..",
        ".",
        "/tmp/abs",
        "a/b\\c",
        "CON",
        "nul.txt",
        "summary.csv",
        "index.html",
        "Grüße 名前",
        "\u{202e}exe.txt",
        &"x".repeat(300),
    ];
    let mut manifest = String::from("trial,files\n");
    for h in hostile {
        manifest.push_str(&format!("\"{h}\",w.trc\n"));
    }
    std::fs::write(data.join("m.csv"), manifest).unwrap();
    // Scanned files with hostile stems too: `...trc` (stem `..`), `.hidden.trc`.
    let scan = dir.join("scan");
    std::fs::create_dir_all(&scan).unwrap();
    std::fs::copy(data.join("w.trc"), scan.join("...trc")).unwrap();
    std::fs::copy(data.join("w.trc"), scan.join(".hidden.trc")).unwrap();

    let out = dir.join("sandbox").join("out");
    std::fs::create_dir_all(&out).unwrap();
    let before: Vec<PathBuf> = files_under(&dir);
    let o = out.display().to_string();
    let r = gaitline(
        &["analyze", "--manifest", &data.join("m.csv").display().to_string(), "--out", &o, "--no-plots"],
        None,
    );
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    let r = gaitline(&["analyze", &scan.display().to_string(), "--out", &o, "--no-plots"], None);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));

    // Nothing was written outside `out`, and nothing in /tmp/abs.
    let new: Vec<PathBuf> = files_under(&dir).into_iter().filter(|f| !before.contains(f)).collect();
    let outside: Vec<&PathBuf> = new.iter().filter(|f| !f.starts_with(&out)).collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    assert!(!Path::new("/tmp/abs/metrics.json").exists());
    // Each trial folder is a direct child of `out` with a safe name.
    let mut ids: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let long = "x".repeat(100);
    let mut want = vec![
        "_escape",
        "_.._escape2",
        "trial",
        "trial-2",
        "_tmp_abs",
        "a_b_c",
        "CON_",
        "nul.txt_",
        "summary.csv_",
        "index.html_",
        "Gr__e___",
        "_exe.txt",
        long.as_str(),
        "hidden",
    ];
    // The scanned `...trc` (stem `..`) is "trial" again, in its own batch.
    want.sort();
    assert_eq!(ids, want);
    for id in &ids {
        assert!(id.len() <= 100 && !id.starts_with('.') && id.bytes().all(|b| b.is_ascii_graphic()), "{id}");
    }
    assert!(out.join("summary.csv").is_file(), "the batch summary is not shadowed by a trial folder");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Strings from files reach the HTML report escaped: a subject name holding
/// a script, quotes and `</style>` (Vicon CSV `Subject:` prefix and event
/// subjects) never appears raw in `report.html` or `index.html`.
#[test]
fn file_strings_are_escaped_in_html() {
    use gaitline::simulate::{OutFormat, SimConfig, simulate, write_trial};
    let dir = tmp("html");
    let evil = "<script>alert(1)</script>\"'</style><img src=x onerror=alert(2)>";
    let t = simulate(&SimConfig::walking().with_duration(6.0).with_subject(evil, 1.7, 65.0));
    write_trial(&t, &dir.join("in"), "evil", OutFormat::ViconCsv).unwrap();
    let csv = std::fs::read_to_string(dir.join("in/evil.csv")).unwrap();
    assert!(csv.contains(evil), "the name is in the input");
    let out = dir.join("out");
    let r = gaitline(&["analyze", &dir.join("in").display().to_string(), "--out", &out.display().to_string()], None);
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("evil/metrics.json")).unwrap()).unwrap();
    assert_eq!(m["subject"]["name"], evil, "metrics.json keeps the name as data");
    for f in [out.join("evil/report.html"), out.join("index.html")] {
        let html = readable_text(&f);
        for raw in ["<script>alert", "onerror=alert(2)>", "<img src=x"] {
            assert!(!html.contains(raw), "{}: {raw} appears unescaped", f.display());
        }
        let styles_closed = html.matches("</style>").count();
        let styles_opened = html.matches("<style").count();
        assert_eq!(styles_closed, styles_opened, "{}: a stray </style>", f.display());
    }
    let report = readable_text(&out.join("evil/report.html"));
    assert!(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the report shows the name, escaped");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Side-cars are found by the real file names before those are replaced:
/// the demo `runner_imbalance` keeps its dynamometer evidence under
/// `--anonymize`, and neither its name nor its side-car's appears anywhere.
#[test]
fn anonymize_keeps_side_car_evidence() {
    let out = tmp("sidecars");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let o = gaitline(
        &["analyze", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "--anonymize", "--only", "metrics"],
        Some("clinic-key"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let with_dyn: Vec<serde_json::Value> = files_under(&out)
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "metrics.json"))
        .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
        .filter(|m: &serde_json::Value| m["imbalance"]["dynamometer"].is_object())
        .collect();
    assert_eq!(with_dyn.len(), 1, "one demo trial has a dynamometer table");
    let file = with_dyn[0]["imbalance"]["dynamometer"]["file"].as_str().unwrap();
    assert!(file.starts_with("anon-"), "dynamometer file named {file}");
    assert!(leaks(&out, &["runner_imbalance", "Imbalanced"]).is_empty(), "{:?}", leaks(&out, &["runner_imbalance"]));
}
