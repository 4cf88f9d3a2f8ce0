//! The batch features of `gaitline analyze` (issue 8) end to end: `--shard
//! K/N` and `gaitline merge` reproduce a single-machine run, shards are
//! stable when trials are added, `--only metrics` writes tables only, the
//! summary line, no progress bar when stderr is not a terminal, and usage
//! errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaitline"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gaitline-cli-batch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    let o = bin().args(args).output().unwrap();
    assert!(o.status.code().is_some(), "killed: {args:?}");
    o
}

fn ok(args: &[&str]) -> String {
    let o = run(args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    err
}

fn simulate(n: usize, dir: &Path) {
    ok(&["simulate", "--dataset", &n.to_string(), "--out", dir.to_str().unwrap(), "--seed", "5"]);
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

/// Trial ids of a summary.csv, in order.
fn trials(summary: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(summary).unwrap();
    text.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
}

#[test]
fn shards_and_merge_reproduce_one_run() {
    let d = tmpdir("merge");
    let data = d.join("data");
    simulate(7, &data);
    // One trial that fails (a bad number), so that failed rows merge too.
    std::fs::write(data.join("broken.txt"), "Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\tx\t3\n").unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let single = d.join("single");
    let analyze = |out: &Path, extra: &[&str]| {
        let mut args = vec!["analyze", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "--only", "metrics"];
        args.extend(["--quiet"].iter().chain(extra));
        run(&args)
    };
    let o = analyze(&single, &["--jobs", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let all = trials(&single.join("summary.csv"));
    assert_eq!(all.len(), 8);
    let summary = std::fs::read_to_string(single.join("summary.csv")).unwrap();
    assert!(summary.contains("broken,failed,"), "{summary}");

    // The same bytes whatever the thread count.
    let one = d.join("one_thread");
    analyze(&one, &["--jobs", "1"]);
    assert!(tree(&one) == tree(&single), "--jobs 1 and --jobs 2 wrote different files");

    // Three shards: disjoint, together every trial.
    let mut seen = Vec::new();
    let mut dirs = Vec::new();
    for k in 1..=3 {
        let out = d.join(format!("shard{k}"));
        let o = analyze(&out, &["--shard", &format!("{k}/3")]);
        let ids = trials(&out.join("summary.csv"));
        assert_eq!(o.status.code(), Some(if ids.iter().any(|t| t == "broken") { 1 } else { 0 }));
        seen.extend(ids);
        dirs.push(s(&out));
    }
    seen.sort();
    let mut expect = all.clone();
    expect.sort();
    assert_eq!(seen, expect);

    // Merged: summary.csv and index.html byte for byte, and every trial file, as the single run.
    let merged = d.join("merged");
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(dirs.iter().map(String::as_str));
    let m = s(&merged);
    args.extend(["--out", &m]);
    let err = ok(&args);
    assert!(err.starts_with("8 trials (1 failed) from 3 shards, "), "{err}");
    let (a, b) = (tree(&single), tree(&merged));
    let trial_files = |t: &BTreeMap<PathBuf, Vec<u8>>| -> Vec<PathBuf> {
        t.keys().filter(|p| p.components().count() > 1).cloned().collect()
    };
    assert_eq!(a[Path::new("summary.csv")], b[Path::new("summary.csv")]);
    assert!(a[Path::new("index.html")] == b[Path::new("index.html")], "index.html differs");
    assert_eq!(trial_files(&a), trial_files(&b));
    assert!(trial_files(&a).len() >= 7 * 2);
    for f in trial_files(&a) {
        assert!(a[&f] == b[&f], "{} differs", f.display());
    }

    // The same shard twice is an overlap, named.
    let o = run(&["merge", &dirs[0], &dirs[0], "--out", &s(&d.join("bad"))]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    if !trials(&d.join("shard1/summary.csv")).is_empty() {
        assert!(err.contains("is also in") && err.contains("shard1"), "{err}");
    }
    // A folder without a summary.csv.
    let o = run(&["merge", &s(&data), "--out", &s(&d.join("bad"))]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.starts_with(&format!("gaitline: {}: ", data.join("summary.csv").display())), "{err}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn shards_are_stable_when_trials_are_added() {
    // Datasets of 6 and 9 trials with one seed share their first 6 trials;
    // a shard keeps the same of those 6 whatever else the folder holds.
    let d = tmpdir("stable");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let mut picked = Vec::new();
    for n in [6, 9] {
        let data = d.join(format!("data{n}"));
        simulate(n, &data);
        let mut per_shard = Vec::new();
        for k in 1..=2 {
            let out = d.join(format!("out{n}_{k}"));
            ok(&[
                "analyze",
                &s(&data),
                "--out",
                &s(&out),
                "--only",
                "metrics",
                "--quiet",
                "--shard",
                &format!("{k}/2"),
            ]);
            let ids: Vec<String> =
                trials(&out.join("summary.csv")).into_iter().filter(|t| t.as_str() < "trial_0006").collect();
            per_shard.push(ids);
        }
        picked.push(per_shard);
    }
    assert_eq!(picked[0], picked[1]);
    assert_eq!(picked[0][0].len() + picked[0][1].len(), 6);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn only_metrics_writes_tables_only_and_summary_line() {
    let d = tmpdir("only");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (full, tables) = (d.join("full"), d.join("tables"));
    ok(&["analyze", &s(&data), "--out", &s(&full), "--quiet"]);
    let err = ok(&["analyze", &s(&data), "--out", &s(&tables), "--only", "metrics"]);
    // stderr is a pipe here: no progress bar (no carriage returns), one line
    // per trial, then the summary line.
    assert!(!err.contains('\r'), "{err:?}");
    let lines: Vec<&str> = err.lines().collect();
    let n = trials(&tables.join("summary.csv")).len();
    assert_eq!(lines.iter().filter(|l| l.starts_with("ok      ")).count(), n, "{err}");
    let last = lines.last().unwrap();
    assert!(last.starts_with(&format!("{n} trials, 0 failed, ")), "{last}");
    assert!(last.contains(" frames/s, ") && last.ends_with(&format!("reports in {}", tables.display())), "{last}");

    let (a, b) = (tree(&full), tree(&tables));
    let ext = |p: &PathBuf, e: &str| p.extension().is_some_and(|x| x == e);
    assert!(a.keys().any(|p| ext(p, "png")), "the full run draws charts");
    for p in b.keys() {
        assert!(!ext(p, "png"), "{} written with --only metrics", p.display());
        if p.components().count() > 1 {
            assert!(!ext(p, "html"), "{} written with --only metrics", p.display());
        }
    }
    // The tables are the same bytes as in a full run.
    let mut tables_seen = 0;
    for (p, bytes) in &b {
        if ext(p, "json") || ext(p, "csv") {
            assert!(a.get(p) == Some(bytes), "{} differs", p.display());
            tables_seen += 1;
        }
    }
    assert!(tables_seen > 3 * n, "summary.csv and three tables per trial: {tables_seen}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn bad_batch_flags_are_usage_errors() {
    let o = run(&["analyze", "data", "--shard", "4/3"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr).trim_end(),
        "gaitline: --shard must be K/N with 1 <= K <= N (e.g. 2/8), got \"4/3\""
    );
    let o = run(&["analyze", "data", "--only", "charts"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("invalid value 'charts' for '--only <WHAT>'") && err.contains("[possible values: metrics]"));
    let o = run(&["merge", "--out", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

/// One trial whose stages run in parallel (events, angles and EMG envelopes
/// as branches; tables written while the charts render; issue 8) writes the
/// same bytes on one thread and on two, and `GAITLINE_TRACE=1` only adds
/// span lines to stderr: the demo runner has markers, a static trial, force
/// plates, EMG and a dynamometer table, so every branch has work.
#[test]
fn one_trial_is_the_same_on_one_and_two_threads_and_traced() {
    let d = tmpdir("trace");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let files: Vec<String> = ["runner_imbalance.txt", "runner_imbalance_forces.txt", "runner_imbalance_emg.txt"]
        .iter()
        .map(|f| s(&data.join(f)))
        .collect();
    let run_with = |out: &Path, jobs: &str, trace: bool| {
        let mut c = bin();
        c.arg("analyze").args(&files).args(["--out", &s(out), "--jobs", jobs, "--quiet"]);
        c.env_remove("GAITLINE_TRACE");
        if trace {
            c.env("GAITLINE_TRACE", "1");
        }
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let (one, two) = (d.join("one"), d.join("two"));
    let quiet = run_with(&one, "1", false);
    let traced = run_with(&two, "2", true);
    let (a, b) = (tree(&one), tree(&two));
    assert!(a.keys().any(|p| p.extension().is_some_and(|e| e == "png")), "charts drawn");
    assert!(a == b, "one and two threads (traced) wrote different files");
    assert!(!quiet.contains("trace "), "no trace without GAITLINE_TRACE: {quiet}");
    // Each span: "trace <start> <end> <dur> ms <thread> <name>", end >= start.
    let spans: Vec<(f64, f64, String)> = traced
        .lines()
        .filter_map(|l| l.strip_prefix("trace "))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (t0, t1): (f64, f64) = (f[0].parse().unwrap(), f[1].parse().unwrap());
            assert!(t1 >= t0 && f[3] == "ms", "{l}");
            (t0, t1, f[5..].join(" "))
        })
        .collect();
    for want in
        ["load runner_imbalance", "events", "angles", "emg:envelopes", "emg:cycles", "chart angles", "write:report"]
    {
        assert!(spans.iter().any(|s| s.2 == want), "no span {want:?} in {traced}");
    }
    // The stages nest in the order of the data flow.
    let at = |name: &str| spans.iter().find(|s| s.2 == name).unwrap();
    assert!(at("events").1 <= at("emg:cycles").0 && at("emg:envelopes").1 <= at("emg:cycles").0);
    assert!(at("load runner_imbalance").1 <= at("events").0 && at("emg:cycles").1 <= at("write:report").0);
    let _ = std::fs::remove_dir_all(&d);
}
