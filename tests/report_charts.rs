//! The report charts (issue 7): every chart of the demo trials exists,
//! decodes, has its size and shows what it should (pixels of the side
//! colours, grey for a norm band); trials without the data give no chart.
//!
//! Set `GAITLINE_CHARTS_OUT=DIR` to also write the PNGs there for viewing.

mod common;

use gaitline::group::{TrialSpec, group_files, scan};
use gaitline::pipeline::{Analysis, analyze_trial, load_trial};
use gaitline::report::charts::{self, Chart};
use gaitline::report::i18n;
use gaitline::report::norms::{self, Norms};
use gaitline::trial::{CleanOptions, Trial};
use std::path::{Path, PathBuf};

fn demo_specs() -> Vec<TrialSpec> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let files = scan(&dir).unwrap();
    group_files(&files, None).0
}

fn load(spec: &TrialSpec) -> (Trial, Analysis) {
    let t = load_trial(spec, None, &CleanOptions::default()).unwrap();
    let a = analyze_trial(&t, &Default::default());
    (t, a)
}

fn demo(id: &str) -> (Trial, Analysis) {
    let spec = demo_specs().into_iter().find(|s| s.id == id).unwrap_or_else(|| panic!("demo trial {id}"));
    load(&spec)
}

/// Decoded RGB pixels of a chart, checked against its declared size.
fn decode(c: &Chart) -> Vec<[u8; 3]> {
    let dec = png::Decoder::new(std::io::Cursor::new(&c.png));
    let mut r = dec.read_info().unwrap_or_else(|e| panic!("{}: not a PNG: {e}", c.name));
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (c.width, c.height), "{}: size", c.name);
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", c.name);
    buf[..info.buffer_size()].chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect()
}

fn count(px: &[[u8; 3]], col: plotters::style::RGBColor) -> usize {
    px.iter().filter(|p| **p == [col.0, col.1, col.2]).count()
}

fn save(trial: &str, lang: &str, charts: &[Chart]) {
    if let Some(dir) = std::env::var_os("GAITLINE_CHARTS_OUT") {
        let d = Path::new(&dir).join(trial).join(lang);
        std::fs::create_dir_all(&d).unwrap();
        for c in charts {
            std::fs::write(d.join(format!("{}.png", c.name)), &c.png).unwrap();
        }
    }
}

fn get<'a>(charts: &'a [Chart], name: &str) -> Option<&'a Chart> {
    charts.iter().find(|c| c.name == name)
}

/// A norms file made from a curve: mean = the left mean, sd 3°, every 2 %.
fn norms_file(a: &Analysis, var: &str) -> Norms {
    let vi = gaitline::angles::VARIABLES.iter().position(|v| *v == var).unwrap();
    let cyc = &a.angle_cycles.as_ref().unwrap().cycles[0][vi];
    let (m, _) = gaitline::angles::cycles::mean_sd(cyc);
    let mut s = String::from("# test norms\nvariable,pct,mean,sd\n");
    for p in (0..=100).step_by(2) {
        s.push_str(&format!("{var},{p},{},3\n", m[p] + 5.0));
    }
    norms::parse(Path::new("test_norms.csv"), s.as_bytes()).unwrap()
}

#[test]
fn angle_chart_of_the_demo_walker() {
    let (t, a) = demo("walker");
    let en = i18n::get("en").unwrap();
    let charts = charts::all(&t, &a, en, None).unwrap();
    save("walker", "en", &charts);
    let c = get(&charts, "angles").expect("angle chart");
    assert_eq!((c.width, c.height), charts::ANGLES_SIZE);
    let px = decode(c);
    let (l, r) = (count(&px, charts::LEFT), count(&px, charts::RIGHT));
    // 13 panels with a mean line per side (3 px wide, about 400 px long).
    assert!(l > 13 * 600 && r > 13 * 300, "left {l}, right {r} pixels");
    assert_eq!(count(&px, charts::NORM), 0, "no norm band without norms");

    let n = norms_file(&a, "knee_flexion");
    let with = charts::all(&t, &a, en, Some(&n)).unwrap();
    save("walker-norms", "en", &with);
    let px = decode(get(&with, "angles").unwrap());
    // A 6° band over a panel about 400 px wide and 6/ (≈ 80°) of ~200 px high.
    let grey = count(&px, charts::NORM);
    assert!(grey > 3000, "norm band: {grey} grey pixels");
}
