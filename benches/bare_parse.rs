//! The bare parse of a dataset (issue 8): every data file under the given
//! folders read from disk and split into numbers, nothing else, on all cores
//! (rayon, as `gaitline analyze` uses them). The floor any pipeline reading
//! these bytes pays; `benches/dataset.sh` compares `gaitline analyze` with it.
//!
//! Text files (`.csv .txt .tsv .trc .mot .sto .anc`): the `csv` crate's
//! `ByteRecord` iteration (flexible rows, tab or comma by the first line) and
//! every cell parsed as f64, once with `str::parse` and once with gaitline's
//! allocation-free `io::delimited::fast_cell`. C3D files: the bytes read and
//! every 4-byte word taken as a little-endian f32. `.json` (truth files) are
//! skipped.
//!
//! Run: `cargo bench --bench bare_parse -- DIR...` (prints one line per
//! variant: files, bytes, cells, seconds, MB/s).

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

const TEXT: [&str; 7] = ["csv", "txt", "tsv", "trc", "mot", "sto", "anc"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| TEXT.contains(&e) || e == "c3d") {
            out.push(p);
        }
    }
}

/// (cells, sum of the finite values) of one file.
fn parse(path: &Path, fast: bool) -> (usize, f64) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "c3d") {
        let mut sum = 0.0f64;
        for w in bytes.chunks_exact(4) {
            let v = f32::from_le_bytes([w[0], w[1], w[2], w[3]]) as f64;
            if v.is_finite() {
                sum += v;
            }
        }
        return (bytes.len() / 4, sum);
    }
    let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let delimiter = if first.contains(&b'\t') { b'\t' } else { b',' };
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes.as_slice());
    let mut rec = csv::ByteRecord::new();
    let (mut cells, mut sum) = (0usize, 0.0f64);
    while rdr.read_byte_record(&mut rec).unwrap_or(false) {
        for f in rec.iter() {
            let v = if fast {
                gaitline::io::delimited::fast_cell(f).flatten()
            } else {
                std::str::from_utf8(f).ok().and_then(|s| s.trim().parse::<f64>().ok())
            };
            cells += 1;
            if let Some(v) = v.filter(|v| v.is_finite()) {
                sum += v;
            }
        }
    }
    (cells, sum)
}

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: cargo bench --bench bare_parse -- DIR...");
        return;
    }
    let mut list = Vec::new();
    for d in &dirs {
        files(d, &mut list);
    }
    let bytes: u64 = list.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    for (name, fast) in [("csv + str::parse", false), ("csv + fast_cell", true)] {
        let start = Instant::now();
        let (cells, sum) = list.par_iter().map(|f| parse(f, fast)).reduce(|| (0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        let secs = start.elapsed().as_secs_f64();
        println!(
            "bare parse ({name}): {} files, {bytes} bytes, {cells} cells in {secs:.3} s ({:.1} MB/s; checksum {sum:.6e})",
            list.len(),
            bytes as f64 / 1e6 / secs
        );
    }
}
