//! Physiologically impossible results are flagged in `metrics.json` notes
//! (issue 9): a walking trial whose positions are five times too large (a
//! units mix-up) gives strides of ~6.5 m and steps ~0.7 m wide (beyond the
//! limits whether it is then taken as walking or running), which are noted, and
//! the demo trials, which are plausible, get no such note.

use gaitline::model::{Format, PointData, Recording};
use gaitline::simulate::{SimConfig, simulate};

fn notes_of(scale: f64) -> Vec<String> {
    let s = simulate(&SimConfig::walking().with_duration(8.0).with_seed(3));
    let mut rec = Recording::new("walk.trc", Format::Trc, "simulated");
    let mut markers = s.markers;
    for m in &mut markers {
        for p in &mut m.xyz {
            for v in p.iter_mut() {
                *v *= scale;
            }
        }
    }
    rec.points = Some(PointData { rate_hz: s.rate_hz, first_frame: 1, time0_s: 0.0, frames: s.frames, markers });
    let t = gaitline::trial::build("walk", vec![rec], &Default::default(), &Default::default());
    let a = gaitline::pipeline::analyze_trial(&t, &Default::default());
    let m = gaitline::output::metrics::from_analysis(&t, &a);
    m.notes.into_iter().filter(|n| n.starts_with("implausible:")).collect()
}

#[test]
fn five_times_too_large_positions_are_flagged() {
    assert_eq!(notes_of(1.0), Vec::<String>::new(), "the simulated walk is plausible");
    let n = notes_of(5.0);
    for side in ["left", "right"] {
        let stride = n
            .iter()
            .find(|x| x.contains(&format!("{side} strides have stride_length_m outside 0.05..")))
            .unwrap_or_else(|| panic!("no stride-length note for the {side} side: {n:?}"));
        assert!(stride.contains("not a finding"), "{stride}");
        assert!(n.iter().any(|x| x.contains(&format!("{side} strides have step_width_m outside 0..0.6 m"))), "{n:?}");
    }
}

#[test]
fn demo_trials_are_plausible() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let (specs, _) = gaitline::group::group_files(&gaitline::group::scan(&data).unwrap(), None);
    assert!(specs.len() >= 3);
    for spec in &specs {
        let t = gaitline::pipeline::load_trial(spec, None, &Default::default()).unwrap();
        let a = gaitline::pipeline::analyze_trial(&t, &Default::default());
        let m = gaitline::output::metrics::from_analysis(&t, &a);
        let bad: Vec<&String> = m.notes.iter().filter(|n| n.starts_with("implausible:")).collect();
        assert!(bad.is_empty(), "{}: {bad:?}", spec.id);
    }
}
