//! Running a batch (issue 8): the parallel loop with a progress bar on a
//! terminal, the final summary line, `--shard K/N` (a stable subset of
//! trials for one machine of many) and `gaitline merge` (the shards'
//! `summary.csv` and trial folders joined into one report folder).
//!
//! Pure parts (shard choice, bar and summary text, merge ordering) are plain
//! functions; IO is in [`run`] (stderr), [`merge`] (files).

use crate::error::Error;
use crate::group::TrialSpec;
use crate::pipeline::{AnalyzeOptions, Outcome, analyze_one};
use rayon::prelude::*;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Shards
// ---------------------------------------------------------------------------

/// One machine's share of a dataset: shard `index` (1-based) of `count`.
///
/// A trial belongs to shard `1 + FNV-1a-64(trial id) mod count` (Fowler,
/// Noll & Vo; 64-bit offset basis 0xcbf29ce484222325, prime 0x100000001b3).
/// The hash is of the id alone, not of the trial's position, so adding or
/// removing files never moves the other trials between shards, and it is
/// the same on every machine and Rust version (unlike `std`'s randomly keyed
/// hasher).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parse `K/N` with `1 <= K <= N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard must be K/N with 1 <= K <= N (e.g. 2/8), got {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) =
            (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether the trial with this id belongs to this shard.
    pub fn contains(&self, trial_id: &str) -> bool {
        fnv1a64(trial_id.as_bytes()) % self.count as u64 == (self.index - 1) as u64
    }
}

/// FNV-1a, 64 bit.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

// ---------------------------------------------------------------------------
// Progress and summary
// ---------------------------------------------------------------------------

/// `m:ss` (or `h:mm:ss`) for a number of seconds.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The progress line: a bar of `width` cells, trials done/total, failures,
/// throughput (trials/s and frames/s) and the time left at that rate.
pub fn bar_line(done: usize, total: usize, failed: usize, frames: usize, elapsed_s: f64, width: usize) -> String {
    let frac = if total == 0 { 1.0 } else { done as f64 / total as f64 };
    let fill = ((frac * width as f64).floor() as usize).min(width);
    let bar: String = "#".repeat(fill) + &"-".repeat(width - fill);
    let rate = if elapsed_s > 0.0 { done as f64 / elapsed_s } else { 0.0 };
    let left = if rate > 0.0 { clock((total - done.min(total)) as f64 / rate) } else { "?".into() };
    format!(
        "[{bar}] {done}/{total} trials, {failed} failed, {rate:.1} trials/s, {:.0} frames/s, {left} left",
        if elapsed_s > 0.0 { frames as f64 / elapsed_s } else { 0.0 }
    )
}

/// The final summary line of `gaitline analyze`.
pub fn summary_line(trials: usize, failed: usize, frames: usize, secs: f64, out: &Path) -> String {
    format!(
        "{trials} trials, {failed} failed, {frames} frames in {secs:.2} s ({:.0} frames/s, {:.1} trials/s); reports in {}",
        frames as f64 / secs.max(1e-9),
        trials as f64 / secs.max(1e-9),
        out.display()
    )
}

/// Progress of a running batch, drawn on stderr (at most ten times a
/// second) when enabled: `gaitline analyze` enables it when stderr is a
/// terminal and `--quiet` is not given.
pub struct Progress {
    enabled: bool,
    total: usize,
    start: Instant,
    done: AtomicUsize,
    failed: AtomicUsize,
    frames: AtomicUsize,
    last_draw: Mutex<Option<Instant>>,
}

impl Progress {
    pub fn new(total: usize, enabled: bool) -> Self {
        Progress {
            enabled,
            total,
            start: Instant::now(),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            frames: AtomicUsize::new(0),
            last_draw: Mutex::new(None),
        }
    }

    /// Count one finished trial and redraw if due.
    pub fn record(&self, o: &Outcome) {
        match &o.result {
            Ok(r) => {
                self.frames.fetch_add(r.frames, Ordering::Relaxed);
            }
            Err(_) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.draw(done);
    }

    /// Draw the bar for `done` trials (at most every 100 ms but always the
    /// last), when enabled.
    fn draw(&self, done: usize) {
        if !self.enabled {
            return;
        }
        let Ok(mut last) = self.last_draw.lock() else { return };
        let now = Instant::now();
        if done > 0 && done < self.total && last.is_some_and(|t| now - t < Duration::from_millis(100)) {
            return;
        }
        *last = Some(now);
        let line = bar_line(
            done,
            self.total,
            self.failed.load(Ordering::Relaxed),
            self.frames.load(Ordering::Relaxed),
            self.start.elapsed().as_secs_f64(),
            30,
        );
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }

    /// Clear the bar (before the per-trial lines and the summary).
    pub fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// Analyse `specs` in parallel like [`crate::pipeline::analyze_batch`],
/// reporting each finished trial to `progress`; outcomes in input order.
pub fn run(specs: &[TrialSpec], opts: &AnalyzeOptions, progress: &Progress) -> Vec<Outcome> {
    progress.draw(0);
    let out = specs
        .par_iter()
        .map(|s| {
            let o = Outcome { id: s.id.clone(), files: s.files.clone(), result: analyze_one(s, opts) };
            progress.record(&o);
            o
        })
        .collect();
    progress.finish();
    out
}

// ---------------------------------------------------------------------------
// Merge
// ---------------------------------------------------------------------------

/// What [`merge`] did.
#[derive(Debug, Default, PartialEq)]
pub struct Merged {
    pub trials: usize,
    pub failed: usize,
    pub files_copied: usize,
}

fn merge_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Other(format!("{}: {}", path.display(), message.into()))
}

/// One row of a shard's `summary.csv`, back as the outcome it was written
/// from, with the shard it came from and its ordering key.
struct ShardRow {
    folder: String,
    shard: PathBuf,
    outcome: Outcome,
}

/// The rows of one shard's `summary.csv` (columns as this gaitline writes
/// them: [`crate::output::summary::columns`]).
fn read_summary(path: &Path, shard: &Path) -> Result<Vec<ShardRow>, Error> {
    use crate::output::summary::{COLUMNS, Row, columns};
    let bytes = std::fs::read(path).map_err(|e| merge_err(path, e.to_string()))?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes.as_slice());
    let head = rdr.headers().map_err(|e| merge_err(path, format!("not a summary.csv: {e}")))?.clone();
    if head.iter().ne(columns().iter().map(String::as_str)) {
        return Err(merge_err(path, "its columns are not this gaitline's summary.csv columns (another version?)"));
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| merge_err(path, format!("not a summary.csv: {e}")))?;
        let line = rec.position().map_or(0, |p| p.line());
        let bad = |col: &str, v: &str| merge_err(path, format!("line {line}: {col} {v:?} is not a number"));
        let cell = |i: usize| rec.get(i).unwrap_or("");
        let count = |i: usize| cell(i).parse::<usize>().map_err(|_| bad(COLUMNS[i], cell(i)));
        let real = |i: usize| match cell(i) {
            "" => Ok(None),
            v => v.parse::<f64>().map(Some).map_err(|_| bad(COLUMNS[i], v)),
        };
        let files: Vec<String> =
            if cell(3).is_empty() { Vec::new() } else { cell(3).split(';').map(str::to_string).collect() };
        let folder =
            files.first().and_then(|f| Path::new(f).parent()).map(|p| p.display().to_string()).unwrap_or_default();
        let result = match cell(1) {
            "ok" => Ok(Row {
                trial: cell(0).to_string(),
                status: "ok",
                error: cell(2).to_string(),
                source_files: files.clone(),
                marker_rate_hz: real(4)?,
                frames: count(5)?,
                duration_s: real(6)?,
                markers: count(7)?,
                marker_set: cell(8).to_string(),
                vertical_axis: cell(9).to_string(),
                progression: cell(10).to_string(),
                analog_channels: count(11)?,
                file_events: count(12)?,
                metrics: rec.iter().skip(COLUMNS.len()).map(str::to_string).collect(),
            }),
            "failed" => Err(Error::Other(cell(2).to_string())),
            v => return Err(merge_err(path, format!("line {line}: status {v:?} is neither ok nor failed"))),
        };
        rows.push(ShardRow {
            folder,
            shard: shard.to_path_buf(),
            outcome: Outcome { id: cell(0).to_string(), files: files.iter().map(PathBuf::from).collect(), result },
        });
    }
    Ok(rows)
}

/// Copy a folder's files (recursively) into `to`, each written whole
/// ([`crate::output::write_atomic`]). Returns the number of files.
fn copy_tree(from: &Path, to: &Path) -> Result<usize, Error> {
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| merge_err(from, e.to_string()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let Some(name) = p.file_name() else { continue };
        if p.is_dir() {
            n += copy_tree(&p, &to.join(name))?;
        } else {
            let bytes = std::fs::read(&p).map_err(|e| merge_err(&p, e.to_string()))?;
            crate::output::write_atomic(&to.join(name), &bytes)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Join the report folders of `gaitline analyze --shard K/N` runs into
/// `out`: each trial's folder copied, and `summary.csv` and `index.html`
/// written from all shards' rows by [`crate::pipeline::write_summary`], the
/// code a single run uses, with the rows in the order one run over the same
/// folders gives them (by the first source file's folder, then trial id).
/// A trial found in two shards is an error (overlapping shards or a
/// repeated folder), as are shards written by another gaitline version.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Merged, Error> {
    if dirs.is_empty() {
        return Err(merge_err(out, "no shard folders given"));
    }
    let mut rows: Vec<ShardRow> = Vec::new();
    for d in dirs {
        rows.extend(read_summary(&d.join("summary.csv"), d)?);
    }
    rows.sort_by(|a, b| (&a.folder, &a.outcome.id).cmp(&(&b.folder, &b.outcome.id)));
    for w in rows.windows(2) {
        if w[0].outcome.id == w[1].outcome.id && w[0].folder == w[1].folder {
            return Err(merge_err(
                &w[1].shard.join("summary.csv"),
                format!("trial {:?} is also in {}", w[1].outcome.id, w[0].shard.join("summary.csv").display()),
            ));
        }
    }
    let failed = rows.iter().filter(|r| r.outcome.result.is_err()).count();
    let mut merged = Merged { trials: rows.len(), failed, files_copied: 0 };
    for r in &rows {
        let id = &r.outcome.id;
        let from = r.shard.join(id);
        if !id.is_empty() && from.is_dir() && from != out.join(id) {
            merged.files_copied += copy_tree(&from, &out.join(id))?;
        }
    }
    let outcomes: Vec<Outcome> = rows.into_iter().map(|r| r.outcome).collect();
    crate::pipeline::write_summary(out, &outcomes)?;
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition_stably() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "3", "1/2/3", ""] {
            assert_eq!(
                Shard::parse(bad).unwrap_err(),
                format!("--shard must be K/N with 1 <= K <= N (e.g. 2/8), got {bad:?}")
            );
        }
        // FNV-1a reference values (Fowler-Noll-Vo test suite).
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        // Every id in exactly one shard; shares near 1/N.
        let ids: Vec<String> = (0..3000).map(|i| format!("trial_{i:04}")).collect();
        let shards: Vec<Shard> = (1..=4).map(|k| Shard { index: k, count: 4 }).collect();
        let mut counts = [0usize; 4];
        for id in &ids {
            let owners: Vec<usize> = (0..4).filter(|&k| shards[k].contains(id)).collect();
            assert_eq!(owners.len(), 1, "{id}");
            counts[owners[0]] += 1;
        }
        for c in counts {
            assert!((650..=850).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn progress_and_summary_text() {
        assert_eq!(
            bar_line(25, 100, 1, 112_500, 10.0, 20),
            "[#####---------------] 25/100 trials, 1 failed, 2.5 trials/s, 11250 frames/s, 0:30 left"
        );
        assert_eq!(bar_line(0, 3, 0, 0, 0.0, 4), "[----] 0/3 trials, 0 failed, 0.0 trials/s, 0 frames/s, ? left");
        assert_eq!(
            bar_line(3, 3, 0, 900, 2.0, 4),
            "[####] 3/3 trials, 0 failed, 1.5 trials/s, 450 frames/s, 0:00 left"
        );
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(
            summary_line(1000, 2, 4_480_000, 14.0, Path::new("reports")),
            "1000 trials, 2 failed, 4480000 frames in 14.00 s (320000 frames/s, 71.4 trials/s); reports in reports"
        );
    }
}
