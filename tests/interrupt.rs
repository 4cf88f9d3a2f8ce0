//! Nothing lost (issue 9): `gaitline analyze` killed with SIGKILL part way
//! through a simulated batch leaves only complete files (every metrics.json
//! parses, every PNG decodes, every CSV and HTML file is whole); what else
//! remains is a `.<name>.<pid>.tmp` temporary that the next run removes; a
//! re-run replaces the results; and the inputs, made read-only for the runs,
//! are byte for byte and time stamp for time stamp as before.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaitline"))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
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

/// A temporary file of `output::write_atomic`: `.<name>.<pid>.tmp`.
fn is_temp(p: &Path) -> bool {
    let n = p.file_name().unwrap().to_string_lossy();
    n.starts_with('.') && n.ends_with(".tmp")
}

/// Check one output file is complete; `Err` names what is wrong.
fn complete(p: &Path) -> Result<(), String> {
    let b = std::fs::read(p).map_err(|e| e.to_string())?;
    match p.extension().and_then(|e| e.to_str()) {
        Some("json") => {
            let v: serde_json::Value = serde_json::from_slice(&b).map_err(|e| format!("json: {e}"))?;
            if v["schema"] != "gaitline.metrics/1" {
                return Err("no schema".into());
            }
        }
        Some("png") => {
            let mut r = png::Decoder::new(std::io::Cursor::new(&b)).read_info().map_err(|e| format!("png: {e}"))?;
            let mut buf = vec![0; r.output_buffer_size().ok_or("png: no size")?];
            r.next_frame(&mut buf).map_err(|e| format!("png: {e}"))?;
            r.finish().map_err(|e| format!("png end: {e}"))?;
        }
        Some("csv") => {
            if !b.ends_with(b"\n") || b.is_empty() {
                return Err("csv does not end with a line break".into());
            }
        }
        Some("html") => {
            if !String::from_utf8_lossy(&b).trim_end().ends_with("</html>") {
                return Err("html does not end with </html>".into());
            }
        }
        _ => return Err("unexpected file".into()),
    }
    Ok(())
}

/// Name, size, modification time and bytes of every input file.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).unwrap();
            let b = std::fs::read(&f).unwrap();
            (f, (m.len(), m.modified().unwrap(), b))
        })
        .collect()
}

#[cfg(unix)]
fn set_read_only(dir: &Path, ro: bool) {
    use std::os::unix::fs::PermissionsExt;
    let mut paths = files_under(dir);
    paths.push(dir.to_path_buf());
    for p in paths {
        let mode = match (p.is_dir(), ro) {
            (true, true) => 0o555,
            (true, false) => 0o755,
            (false, true) => 0o444,
            (false, false) => 0o644,
        };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// Start `analyze` and SIGKILL it once `done` trials have a metrics.json.
/// Returns whether it was killed before it finished.
fn kill_after(input: &Path, out: &Path, done: usize) -> bool {
    let mut child = bin()
        .args(["analyze", &input.display().to_string(), "--out", &out.display().to_string(), "--jobs", "1", "--quiet"])
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            eprintln!("run finished before the kill ({st})");
            return false;
        }
        let n = files_under(out).iter().filter(|f| f.ends_with("metrics.json")).count();
        if n >= done || start.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(unix)]
#[test]
fn killed_batch_leaves_only_complete_files_and_a_rerun_replaces_them() {
    let root = std::env::temp_dir().join(format!("gaitline-interrupt-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let input = root.join("in");
    let out = root.join("out");
    let st = bin().args(["simulate", "--dataset", "30", "--seed", "9", "--out", &input.display().to_string()]).status();
    assert!(st.unwrap().success());
    let before = snapshot(&input);
    set_read_only(&input, true);

    // Three kills at different points of the batch.
    let (mut killed, mut temps_seen) = (0, 0);
    for done in [2, 8, 15] {
        if kill_after(&input, &out, done) {
            killed += 1;
        }
        let mut bad = Vec::new();
        for f in files_under(&out) {
            if is_temp(&f) {
                temps_seen += 1; // a write cut short: never a target name
                continue;
            }
            if let Err(e) = complete(&f) {
                bad.push(format!("{}: {e}", f.display()));
            }
        }
        assert!(bad.is_empty(), "incomplete files after a kill at {done} trials:\n{}", bad.join("\n"));
    }
    assert!(killed >= 2, "the runs finished before they could be killed ({killed} kills)");
    eprintln!("{killed} kills, {temps_seen} temporary files left by them");
    assert!(!out.join("summary.csv").exists(), "a killed run wrote no summary");

    // Spoil one finished result and leave a dead process's temporary beside
    // it: the re-run must replace the one and remove the other.
    let first = files_under(&out).into_iter().find(|f| f.ends_with("metrics.json")).unwrap();
    std::fs::write(&first, b"{\"stale\": true}").unwrap();
    let stale_tmp = first.with_file_name(".metrics.json.4999999.tmp");
    std::fs::write(&stale_tmp, b"{\"schema\": \"gaitline.metr").unwrap();

    let r = bin()
        .args(["analyze", &input.display().to_string(), "--out", &out.display().to_string(), "--jobs", "1", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(0), "{}", String::from_utf8_lossy(&r.stderr));
    let all = files_under(&out);
    let temps: Vec<&PathBuf> = all.iter().filter(|f| is_temp(f)).collect();
    assert!(temps.is_empty(), "temporary files left after a complete re-run: {temps:?}");
    for f in &all {
        complete(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
    let metrics = all.iter().filter(|f| f.ends_with("metrics.json")).count();
    assert_eq!(metrics, 30, "every trial has its metrics after the re-run");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    assert!(v.get("stale").is_none() && v["trial"]["id"].is_string(), "the spoiled result was replaced");

    // The inputs were only read.
    set_read_only(&input, false);
    assert!(snapshot(&input) == before, "an input file changed");
    std::fs::remove_dir_all(&root).unwrap();
}
