//! Per-stage timings of the analysis of one trial (issue 8), on real trials
//! from `GAITLINE_DATA` when set and on a simulated 30-s walking trial always:
//! read (bytes already in memory), clean/build, filter (one coordinate and all
//! markers), events, spatiotemporal (foot strikes and strides), angles, the
//! marker chart (PNG) and metrics JSON. A "bare parse" of the same CSV/TSV
//! bytes (`csv` `ByteRecord` + `str::parse::<f64>`) is the baseline the
//! readers are compared with.
//!
//! Run: `GAITLINE_DATA=../shared/data cargo bench --bench stages`

use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use gaitline::events::{EventOptions, detect};
use gaitline::filter::{Butterworth, LowPass, filter_xyz};
use gaitline::io::read_bytes;
use gaitline::model::{Recording, Subject};
use gaitline::simulate::{OutFormat, SimConfig, simulate, simulate_static, write_trial};
use gaitline::trial::{CleanOptions, Trial, build};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One trial to benchmark: its files' bytes (motion files, then an optional
/// static) and the delimiter of a bare parse of the motion files, if they are
/// text.
struct Case {
    name: &'static str,
    files: Vec<(PathBuf, Vec<u8>)>,
    static_file: Option<(PathBuf, Vec<u8>)>,
    bare_delimiter: Option<u8>,
}

fn load(path: &Path) -> (PathBuf, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path.to_path_buf(), bytes)
}

/// The real trials, when `GAITLINE_DATA` is set.
fn real_cases() -> Vec<Case> {
    let Some(dir) = std::env::var_os("GAITLINE_DATA") else {
        eprintln!("GAITLINE_DATA is unset: only the simulated trial is benchmarked");
        return Vec::new();
    };
    let d = PathBuf::from(dir);
    vec![
        Case {
            name: "rbds_run",
            files: vec![
                load(&d.join("rbds-fukuchi-running/RBDS0041runT252.txt")),
                load(&d.join("rbds-fukuchi-running/RBDS0041runT252forces.txt")),
            ],
            static_file: None,
            bare_delimiter: Some(b'\t'),
        },
        Case {
            name: "pig_c3d",
            files: vec![load(&d.join("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d"))],
            static_file: Some(load(&d.join("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d"))),
            bare_delimiter: None,
        },
        Case {
            name: "vicon_csv",
            files: vec![load(&d.join("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv"))],
            static_file: None,
            bare_delimiter: Some(b','),
        },
    ]
}

/// A simulated 30-s walking trial (Vicon CSV with force plates and EMG) and
/// its static (C3D), written to a temporary folder and read back as bytes.
fn sim_case() -> Case {
    let dir = std::env::temp_dir().join(format!("gaitline-bench-stages-{}", std::process::id()));
    let cfg = SimConfig::walking().with_duration(30.0).with_seed(8).with_noise(0.5, 4);
    let files = write_trial(&simulate(&cfg), &dir, "sim_walk", OutFormat::ViconCsv).expect("simulated trial");
    let statics =
        write_trial(&simulate_static(&cfg), &dir, "sim_walk_static", OutFormat::C3d).expect("simulated static");
    let pick = |v: &[PathBuf], ext: &str| v.iter().find(|p| p.extension().is_some_and(|e| e == ext)).cloned();
    let case = Case {
        name: "sim_walk30",
        files: vec![load(&pick(&files, "csv").expect("csv written"))],
        static_file: Some(load(&pick(&statics, "c3d").expect("c3d written"))),
        bare_delimiter: Some(b','),
    };
    let _ = std::fs::remove_dir_all(&dir);
    case
}

fn read_all(c: &Case) -> (Vec<Recording>, Option<Recording>) {
    let recs = c.files.iter().map(|(p, b)| read_bytes(p, b, None).expect("readable")).collect();
    let st = c.static_file.as_ref().map(|(p, b)| read_bytes(p, b, None).expect("readable static"));
    (recs, st)
}

/// `pipeline::load_trial` without the disk: build the trial and its static.
fn build_trial(recs: Vec<Recording>, st: Option<Recording>) -> Trial {
    let clean = CleanOptions::default();
    let mut t = build("bench", recs, &Subject::default(), &clean);
    if let Some(r) = st {
        let s = build("bench-static", vec![r], &Subject::default(), &clean);
        let sub = s.subject.clone();
        t.subject.merge(&sub);
        t.static_trial = Some(Box::new(s));
    }
    t
}

/// Split CSV/TSV bytes into f64 cells and nothing else (empty or
/// non-numeric cells are counted as NaN): the floor any reader of these bytes
/// pays.
fn bare_parse(bytes: &[u8], delimiter: u8) -> (usize, f64) {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let (mut cells, mut sum) = (0usize, 0.0f64);
    while rdr.read_byte_record(&mut rec).expect("csv") {
        for f in rec.iter() {
            let v = std::str::from_utf8(f).ok().and_then(|s| s.trim().parse::<f64>().ok()).unwrap_or(f64::NAN);
            cells += 1;
            if v.is_finite() {
                sum += v;
            }
        }
    }
    (cells, sum)
}

/// The same split with our allocation-free cell parser
/// (`gaitline::io::delimited::fast_cell`: Clinger's exact fast path, else
/// `str::parse`) instead of `str::parse` on every cell: the floor with the
/// fastest float parsing we have.
fn bare_parse_fast(bytes: &[u8], delimiter: u8) -> (usize, f64) {
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let (mut cells, mut sum) = (0usize, 0.0f64);
    while rdr.read_byte_record(&mut rec).expect("csv") {
        for f in rec.iter() {
            let v = gaitline::io::delimited::fast_cell(f).flatten().unwrap_or(f64::NAN);
            cells += 1;
            if v.is_finite() {
                sum += v;
            }
        }
    }
    (cells, sum)
}

fn short(g: &mut BenchmarkGroup<'_, WallTime>) {
    g.measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500)).sample_size(20);
}

fn bench_case(c: &mut Criterion, case: &Case) {
    let bytes: usize = case.files.iter().chain(&case.static_file).map(|(_, b)| b.len()).sum();
    let (recs, st) = read_all(case);
    let t = build_trial(recs.clone(), st.clone());
    let frames = t.frames as u64;
    let eo = EventOptions::default();
    let a = gaitline::pipeline::analyze_trial(&t, &eo);
    eprintln!(
        "{}: {} frames, {} markers, {} analog channels, {} force-plate contacts, {} events, {} strides, angles {}; {} bytes",
        case.name,
        t.frames,
        t.markers.len(),
        t.analogs.len(),
        a.events.contacts.len(),
        a.events.events.len(),
        a.strides.len(),
        if a.angles.is_some() { "yes" } else { "no" },
        bytes
    );

    let mut g = c.benchmark_group(format!("stages/{}", case.name));
    short(&mut g);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("read", |b| b.iter(|| read_all(black_box(case))));
    if let Some(d) = case.bare_delimiter {
        // The motion files only (no static), as a bare parse and as our readers.
        let text: usize = case.files.iter().map(|(_, b)| b.len()).sum();
        g.throughput(Throughput::Bytes(text as u64));
        g.bench_function("bare_parse", |b| {
            b.iter(|| case.files.iter().map(|(_, f)| bare_parse(black_box(f), d).0).sum::<usize>())
        });
        g.bench_function("bare_parse_fast_floats", |b| {
            b.iter(|| case.files.iter().map(|(_, f)| bare_parse_fast(black_box(f), d).0).sum::<usize>())
        });
        g.bench_function("read_motion_files", |b| {
            b.iter(|| case.files.iter().map(|(p, f)| read_bytes(p, black_box(f), None).unwrap()).collect::<Vec<_>>())
        });
    }
    g.throughput(Throughput::Elements(frames));
    g.bench_function("build", |b| b.iter(|| build_trial(black_box(recs.clone()), st.clone())));
    let bw = LowPass::WALK_MARKERS.design(t.rate_hz).expect("filter");
    if let Some(m) = t.markers.iter().find(|m| m.xyz.iter().any(|p| p[0].is_finite())) {
        let col: Vec<f64> = m.xyz.iter().map(|p| p[0]).collect();
        g.bench_function("filter_one_coordinate", |b| b.iter(|| bw.filtfilt_gaps(black_box(&col))));
    }
    g.bench_function("filter_all_markers", |b| b.iter(|| filter_all(black_box(&t), &bw)));
    g.bench_function("filter_all_markers_many", |b| b.iter(|| filter_all_many(black_box(&t), &bw)));
    g.bench_function("events", |b| b.iter(|| detect(black_box(&t), &eo)));
    g.bench_function("spatiotemporal", |b| {
        b.iter(|| {
            let fs = gaitline::footstrike::analyze(black_box(&t), &a.events);
            gaitline::spatiotemporal::strides(&t, &a.events, &fs)
        })
    });
    let po = gaitline::angles::PigOptions::from_subject(&t.subject);
    if a.angles.is_some() {
        g.bench_function("angles", |b| b.iter(|| gaitline::angles::pig::angles(black_box(&t), &po)));
    }
    g.bench_function("analyze_trial", |b| b.iter(|| gaitline::pipeline::analyze_trial(black_box(&t), &eo)));
    g.bench_function("chart_png", |b| {
        b.iter(|| gaitline::output::plot::markers_png(black_box(&t), &a.events.events).unwrap())
    });
    g.bench_function("metrics_json", |b| {
        b.iter(|| gaitline::output::metrics::from_analysis(black_box(&t), &a).to_json())
    });
    if a.emg.is_some() {
        // Hamstring/quadriceps EMG evidence: band-pass, envelope, cycles, ratios.
        g.bench_function("emg", |b| {
            b.iter(|| gaitline::imbalance::emg_evidence(black_box(&t), &a.strides, &t.sidecars))
        });
    }
    // The report of one trial: report.html alone (no charts), and with every
    // chart rendered and encoded (what `analyze` writes besides the tables).
    let m = gaitline::output::metrics::from_analysis(&t, &a);
    let opts = |plots: bool| gaitline::pipeline::AnalyzeOptions {
        out: std::path::PathBuf::new(),
        force_format: None,
        clean: Default::default(),
        plots,
        events: eo.clone(),
        anonymize: None,
        norms: None,
        tables_only: false,
    };
    let (html_only, with_charts) = (opts(false), opts(true));
    g.bench_function("report_html", |b| {
        b.iter(|| gaitline::pipeline::report_files(black_box(&t), &a, &m, &html_only).unwrap())
    });
    g.bench_function("report_charts_and_html", |b| {
        b.iter(|| gaitline::pipeline::report_files(black_box(&t), &a, &m, &with_charts).unwrap())
    });
    g.bench_function("end_to_end_no_plots", |b| {
        b.iter(|| {
            let (r, s) = read_all(black_box(case));
            let t = build_trial(r, s);
            let a = gaitline::pipeline::analyze_trial(&t, &eo);
            gaitline::output::metrics::from_analysis(&t, &a).to_json()
        })
    });
    g.finish();
}

fn filter_all(t: &Trial, bw: &Butterworth) -> usize {
    t.markers.iter().map(|m| filter_xyz(&m.xyz, bw).len()).sum()
}

/// [`filter_all`] in one `filter_xyz_many` (eight coordinates interleaved).
fn filter_all_many(t: &Trial, bw: &Butterworth) -> usize {
    let tracks: Vec<&[[f64; 3]]> = t.markers.iter().map(|m| m.xyz.as_slice()).collect();
    gaitline::filter::filter_xyz_many(&tracks, bw).iter().map(Vec::len).sum()
}

/// A trial's markers repeated end to end up to `frames` frames (the static
/// kept): a long trial with real marker noise for the angle benches.
fn tiled(t: &Trial, frames: usize) -> Trial {
    let mut long = t.clone();
    for m in &mut long.markers {
        m.xyz = (0..frames).map(|i| m.xyz[i % t.frames]).collect();
    }
    long.frames = frames;
    long
}

/// Issue 5: joint angles of one trial, one thread, calibration (static
/// trial) done beforehand. `angles/pig_10k`: Plug-in Gait on a simulated
/// 10,000-frame walking trial (100 s at 100 Hz, with its static);
/// `angles/cast_10k`: CAST on RBDS0041 (cluster markers, 4,500 frames at
/// 150 Hz) tiled to 10,000 frames; `angles/cast_rbds0041`: CAST on RBDS0041
/// itself. Throughput in frames (both sides).
fn angles_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("angles");
    short(&mut g);
    let dir = std::env::temp_dir().join(format!("gaitline-bench-angles-{}", std::process::id()));
    let cfg = SimConfig::walking().with_duration(99.99).with_seed(5).with_noise(0.5, 0).with_analogs(false, false);
    let files = write_trial(&simulate(&cfg), &dir, "walk", OutFormat::Trc).expect("simulated trial");
    let statics = write_trial(&simulate_static(&cfg), &dir, "walk_static", OutFormat::C3d).expect("simulated static");
    let read = |v: &[PathBuf], ext: &str| -> Recording {
        let p = v.iter().find(|p| p.extension().is_some_and(|e| e == ext)).expect("file written");
        gaitline::io::read_file(p, None).expect("readable")
    };
    let pig = build_trial(vec![read(&files, "trc")], Some(read(&statics, "c3d")));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(pig.frames, 10_000);
    let po = gaitline::angles::PigOptions::from_subject(&pig.subject);
    let cal = gaitline::angles::pig::calibrate(&pig, &po).expect("Plug-in Gait calibration");
    g.throughput(Throughput::Elements(pig.frames as u64));
    g.bench_function("pig_10k", |b| b.iter(|| gaitline::angles::pig::angles_with(black_box(&pig), &cal).unwrap()));
    if let Some(d) = std::env::var_os("GAITLINE_DATA").map(PathBuf::from) {
        let rbds = Case {
            name: "rbds0041",
            files: vec![load(&d.join("rbds-fukuchi-running/RBDS0041runT252.txt"))],
            static_file: Some(load(&d.join("rbds-fukuchi-running/RBDS0041static.txt"))),
            bare_delimiter: None,
        };
        let (recs, st) = read_all(&rbds);
        let t = build_trial(recs, st);
        let co = gaitline::angles::cast::CastOptions::from_subject(&t.subject);
        let cal = gaitline::angles::cast::calibrate(&t, &co).expect("CAST calibration");
        let long = tiled(&t, 10_000);
        g.throughput(Throughput::Elements(long.frames as u64));
        g.bench_function("cast_10k", |b| {
            b.iter(|| gaitline::angles::cast::angles_with(black_box(&long), &cal).unwrap())
        });
        g.throughput(Throughput::Elements(t.frames as u64));
        g.bench_function("cast_rbds0041", |b| {
            b.iter(|| gaitline::angles::cast::angles_with(black_box(&t), &cal).unwrap())
        });
    } else {
        eprintln!("GAITLINE_DATA is unset: angles/cast_10k and angles/cast_rbds0041 need RBDS0041");
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    for case in real_cases().iter().chain(std::iter::once(&sim_case())) {
        bench_case(c, case);
    }
}

criterion_group! {
    name = stages;
    // No HTML plots: criterion's plotters backend needs system fonts.
    config = Criterion::default().without_plots();
    targets = benches, angles_benches
}
criterion_main!(stages);
