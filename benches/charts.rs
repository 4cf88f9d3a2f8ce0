//! Report charts (issue 8): time to render and encode each chart of the demo
//! trials (`charts/render/<trial>/<chart>`, what a report pays per chart),
//! all charts of a trial (`charts/all/<trial>`), and the PNG encoding alone
//! of each canvas under several settings (`charts/encode/<setting>/<chart>`:
//! RGB or indexed, DEFLATE level, row filter). Before the timings it prints
//! per chart the canvas size, its number of colours and the PNG bytes of
//! every setting.
//!
//! Run: `cargo bench --bench charts` (filter e.g. `-- encode`).

use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime};
use gaitline::group::{TrialSpec, group_files, scan};
use gaitline::output::plot::{Indexed, PNG_SETTINGS, PngSettings, encode_png_with};
use gaitline::pipeline::{Analysis, analyze_trial, load_trial};
use gaitline::report::charts::{self, Chart};
use gaitline::report::i18n;
use gaitline::trial::{CleanOptions, Trial};
use png::{DeflateCompression as D, Filter as F};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn demo(id: &str) -> (Trial, Analysis) {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let files = scan(&dir).expect("demo data");
    let specs: Vec<TrialSpec> = group_files(&files, None).0;
    let spec = specs.into_iter().find(|s| s.id == id).expect("demo trial");
    let t = load_trial(&spec, None, &CleanOptions::default()).expect("demo trial loads");
    let a = analyze_trial(&t, &Default::default());
    (t, a)
}

/// The RGB canvas of a chart (its PNG decoded, expanded to RGB).
fn canvas(c: &Chart) -> Vec<u8> {
    let mut dec = png::Decoder::new(std::io::Cursor::new(&c.png));
    dec.set_transformations(png::Transformations::EXPAND);
    let mut r = dec.read_info().expect("PNG");
    let mut buf = vec![0; r.output_buffer_size().expect("size")];
    let info = r.next_frame(&mut buf).expect("frame");
    buf.truncate(info.buffer_size());
    buf
}

/// The encoder settings compared: the one `output::plot::encode_png` uses, the one
/// before issue 8's chart work (`rgb_l6_adaptive` = `Compression::Balanced`),
/// then variants (`indexed_*`: palette when ≤ 256 colours, else RGB with the
/// same level and filter).
fn settings() -> Vec<(&'static str, PngSettings)> {
    let s =
        |indexed, deflate, filter| PngSettings { indexed, deflate, filter, rgb_deflate: deflate, rgb_filter: filter };
    vec![
        ("chosen", PNG_SETTINGS),
        ("rgb_l6_adaptive", s(false, D::Level(6), F::Adaptive)),
        ("rgb_l1_adaptive", s(false, D::Level(1), F::Adaptive)),
        ("rgb_fast_adaptive", s(false, D::FdeflateUltraFast, F::Adaptive)),
        ("rgb_fast_up", s(false, D::FdeflateUltraFast, F::Up)),
        ("indexed_l6_adaptive", s(true, D::Level(6), F::Adaptive)),
        ("indexed_l6_none", s(true, D::Level(6), F::NoFilter)),
        ("indexed_l4_none", s(true, D::Level(4), F::NoFilter)),
        ("indexed_l3_none", s(true, D::Level(3), F::NoFilter)),
        ("indexed_l2_none", s(true, D::Level(2), F::NoFilter)),
        ("indexed_l1_none", s(true, D::Level(1), F::NoFilter)),
        ("indexed_l1_adaptive", s(true, D::Level(1), F::Adaptive)),
        ("indexed_l9_none", s(true, D::Level(9), F::NoFilter)),
        ("indexed_fast_adaptive", s(true, D::FdeflateUltraFast, F::Adaptive)),
        ("indexed_fast_up", s(true, D::FdeflateUltraFast, F::Up)),
    ]
}

fn short(g: &mut BenchmarkGroup<'_, WallTime>) {
    g.measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(300)).sample_size(10);
}

fn bench(c: &mut Criterion) {
    let en = i18n::get("en").expect("English strings");
    // A quick table on a loaded machine: `GAITLINE_BENCH_CHARTS=a.txt,b.txt`
    // (the files of one trial, e.g. the simulator's run or an RBDS trial)
    // renders each chart `GAITLINE_BENCH_REPS` times (20) on this thread and
    // `charts::all` (on the pool) as often, prints the minimum and median,
    // then stops (`GAITLINE_BENCH_ONLY=markers`: that chart alone; `all`:
    // `charts::all` alone).
    if let Ok(files) = std::env::var("GAITLINE_BENCH_CHARTS") {
        render_table(&files, en);
        return;
    }
    let trials = [("walker", demo("walker")), ("runner_imbalance", demo("runner_imbalance"))];
    let current = PNG_SETTINGS;
    eprintln!("current settings: {current:?}");

    // Sizes first (printed once, not timed).
    let walker_charts = charts::all(&trials[0].1.0, &trials[0].1.1, en, None).expect("charts");
    let canvases: Vec<(&str, u32, u32, Vec<u8>)> =
        walker_charts.iter().map(|ch| (ch.name, ch.width, ch.height, canvas(ch))).collect();
    for (name, w, h, rgb) in &canvases {
        let colours =
            Indexed::of(rgb, *w as usize).map_or_else(|| "> 256".to_string(), |ix| ix.palette.len().to_string());
        eprint!("walker/{name} {w}x{h}, {colours} colours; bytes:");
        for (sname, s) in settings() {
            let png = encode_png_with(rgb, *w, *h, s).expect("encode");
            eprint!(" {sname} {}", png.len());
        }
        eprintln!();
    }

    // A quick table on a loaded machine: `GAITLINE_BENCH_ENCODE=all` (or one
    // setting's name) encodes every canvas `GAITLINE_BENCH_REPS` times (20)
    // with each setting and prints the fastest time and the bytes, then
    // stops (`none`: the set-up only, e.g. under callgrind).
    if let Ok(want) = std::env::var("GAITLINE_BENCH_ENCODE") {
        let reps: u32 = std::env::var("GAITLINE_BENCH_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
        for (sname, s) in settings().into_iter().filter(|(n, _)| want == "all" || *n == want) {
            let mut total = (0.0, 0);
            for (name, w, h, rgb) in &canvases {
                let mut best = f64::INFINITY;
                let mut bytes = 0;
                for _ in 0..reps {
                    let t = std::time::Instant::now();
                    bytes = black_box(encode_png_with(rgb, *w, *h, s).expect("encode")).len();
                    best = best.min(t.elapsed().as_secs_f64() * 1e3);
                }
                eprintln!("{sname}/{name}: {best:.2} ms {bytes} B");
                total = (total.0 + best, total.1 + bytes);
            }
            eprintln!("{sname}/TOTAL: {:.2} ms {} B", total.0, total.1);
        }
        return;
    }

    let mut g = c.benchmark_group("charts/render");
    short(&mut g);
    for (id, (t, a)) in &trials {
        let charts_now = charts::all(t, a, en, None).expect("charts");
        for ch in &charts_now {
            g.bench_function(format!("{id}/{}", ch.name), |b| {
                b.iter(|| {
                    let out = match ch.name {
                        "angles" => charts::angles_png(a, en, None).expect("chart"),
                        "spatiotemporal" => charts::spatiotemporal_png(a, en, None).expect("chart").map(|x| x.0),
                        "foot_strike" => charts::foot_strike_png(t, a, en).expect("chart"),
                        "emg" => charts::emg_png(t, a, en).expect("chart"),
                        "hq" => charts::hq_png(a, en).expect("chart").map(|x| x.0),
                        _ => charts::timeline_png(t, a, en).expect("chart").map(|x| x.0),
                    };
                    black_box(out)
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("charts/all");
    short(&mut g);
    for (id, (t, a)) in &trials {
        g.bench_function(*id, |b| b.iter(|| black_box(charts::all(t, a, en, None).expect("charts"))));
    }
    g.finish();

    let mut g = c.benchmark_group("charts/encode");
    short(&mut g);
    for (name, w, _, rgb) in &canvases {
        g.bench_function(format!("palette_only/{name}"), |b| b.iter(|| black_box(Indexed::of(rgb, *w as usize))));
    }
    for (sname, s) in settings() {
        for (name, w, h, rgb) in &canvases {
            g.bench_function(format!("{sname}/{name}"), |b| {
                b.iter(|| black_box(encode_png_with(rgb, *w, *h, s).expect("encode")))
            });
        }
    }
    g.finish();
}

/// Minimum and median of `reps` timings of `f`, ms.
fn min_median(reps: u32, mut f: impl FnMut()) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[0], ms[ms.len() / 2])
}

/// See `GAITLINE_BENCH_CHARTS` in [`bench`].
fn render_table(files: &str, en: &i18n::Lang) {
    let files: Vec<PathBuf> = files.split(',').map(PathBuf::from).collect();
    let spec = group_files(&files, None).0.into_iter().next().expect("one trial in GAITLINE_BENCH_CHARTS");
    let t = load_trial(&spec, None, &CleanOptions::default()).expect("trial loads");
    let a = analyze_trial(&t, &Default::default());
    let reps: u32 = std::env::var("GAITLINE_BENCH_REPS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let all = charts::all(&t, &a, en, None).expect("charts");
    let only = std::env::var("GAITLINE_BENCH_ONLY").ok();
    let mut sum = 0.0;
    for ch in all.iter().filter(|c| only.as_deref().is_none_or(|o| o == c.name)) {
        let render = |name: &str| match name {
            "angles" => charts::angles_png(&a, en, None).expect("chart"),
            "spatiotemporal" => charts::spatiotemporal_png(&a, en, None).expect("chart").map(|x| x.0),
            "foot_strike" => charts::foot_strike_png(&t, &a, en).expect("chart"),
            "emg" => charts::emg_png(&t, &a, en).expect("chart"),
            "hq" => charts::hq_png(&a, en).expect("chart").map(|x| x.0),
            _ => charts::timeline_png(&t, &a, en).expect("chart").map(|x| x.0),
        };
        let (min, med) = min_median(reps, || {
            black_box(render(ch.name));
        });
        // The same on a new thread each time: nothing cached (glyphs are
        // cached per thread), as in a process that renders one trial.
        let (cold, _) = min_median(reps, || {
            std::thread::scope(|s| {
                s.spawn(|| black_box(render(ch.name)));
            })
        });
        sum += min;
        eprintln!(
            "{}/{}: min {min:.2} ms, median {med:.2} ms, new thread min {cold:.2} ms, {} B",
            spec.id,
            ch.name,
            ch.png.len()
        );
    }
    if only.as_deref().is_some_and(|o| o != "all") {
        return;
    }
    let (min, med) = min_median(reps, || {
        black_box(charts::all(&t, &a, en, None).expect("charts"));
    });
    eprintln!(
        "{}/all ({} threads): min {min:.2} ms, median {med:.2} ms (sum of the charts' minima {sum:.2} ms)",
        spec.id,
        rayon::current_num_threads()
    );
    // As in a process that analyses one trial: a new pool (no glyphs
    // cached), its threads started before the clock.
    let mut ms: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let pool = rayon::ThreadPoolBuilder::new().build().expect("pool");
            pool.broadcast(|_| ());
            let start = std::time::Instant::now();
            pool.install(|| black_box(charts::all(&t, &a, en, None).expect("charts")));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    eprintln!(
        "{}/all (new pool of {} threads each time): min {:.2} ms, median {:.2} ms",
        spec.id,
        rayon::current_num_threads(),
        ms[0],
        ms[ms.len() / 2]
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
