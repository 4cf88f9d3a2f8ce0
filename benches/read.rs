//! Reading and cleaning throughput on real lab files (from `GAITLINE_DATA`;
//! skipped with a notice when unset).
//!
//! Run: `GAITLINE_DATA=../shared/data cargo bench --bench read`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gaitline::io::read_bytes;
use gaitline::model::Subject;
use gaitline::trial::{CleanOptions, build};
use std::hint::black_box;
use std::path::PathBuf;

const FILES: [(&str, &str); 5] = [
    ("rbds_run_txt", "rbds-fukuchi-running/RBDS0041runT252.txt"),
    ("vicon_csv", "vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv"),
    ("c3d_pig", "btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"),
    ("trc_hamner", "opensim-models/Hamner__subject02_running.trc"),
    ("anc_emg", "opensim-models/Rajagopal__ExpData__emg_walk_raw.anc"),
];

fn benches(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("GAITLINE_DATA") else {
        eprintln!("GAITLINE_DATA is unset: no real files to benchmark");
        return;
    };
    let mut g = c.benchmark_group("read");
    for (name, rel) in FILES {
        let path = PathBuf::from(&dir).join(rel);
        let bytes = std::fs::read(&path).expect("benchmark file");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| b.iter(|| read_bytes(&path, black_box(&bytes), None).unwrap()));
    }
    g.finish();
    delimited(c, &dir);
    let path = PathBuf::from(&dir).join(FILES[0].1);
    let bytes = std::fs::read(&path).unwrap();
    let rec = read_bytes(&path, &bytes, None).unwrap();
    let mut g = c.benchmark_group("clean");
    g.throughput(Throughput::Elements(rec.points.as_ref().map_or(0, |p| p.frames) as u64));
    g.bench_function("rbds_run_build_trial", |b| {
        b.iter(|| build("t", vec![black_box(rec.clone())], &Subject::default(), &CleanOptions::default()))
    });
    g.finish();
}

/// The delimited reader alone on RBDS0041's marker and force files and on
/// any extra files in `GAITLINE_BENCH_TXT` (`:`-separated, e.g. a simulated
/// trial's `simrun.txt`): `delimited::read` (rows in parallel chunks on the
/// global pool for bodies above `PAR_MIN_BYTES`) against one serial chunk.
fn delimited(c: &mut Criterion, dir: &std::ffi::OsStr) {
    use gaitline::io::delimited;
    let mut files: Vec<PathBuf> = ["RBDS0041runT252.txt", "RBDS0041runT252forces.txt"]
        .iter()
        .map(|f| PathBuf::from(dir).join("rbds-fukuchi-running").join(f))
        .collect();
    if let Some(extra) = std::env::var_os("GAITLINE_BENCH_TXT") {
        files.extend(std::env::split_paths(&extra));
    }
    let mut g = c.benchmark_group("delimited");
    for path in files {
        let name = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let bytes = std::fs::read(&path).expect("benchmark file");
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(format!("{name}/chunked"), |b| b.iter(|| delimited::read(&path, black_box(&bytes)).unwrap()));
        g.bench_function(format!("{name}/serial"), |b| {
            b.iter(|| delimited::read_with(&path, black_box(&bytes), usize::MAX).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = read;
    // No HTML plots: criterion's plotters backend needs system fonts.
    config = Criterion::default().without_plots();
    targets = benches
}
criterion_main!(read);
