//! Report charts (issue 7): pure functions from a trial's analysis to PNG
//! bytes, rendered with plotters into an RGB buffer 1072 px wide (the width
//! `report.html` shows them at; text in the embedded DejaVu Sans, no system
//! fonts, anti-aliasing in [`AA_LEVELS`] steps) and encoded with `png`
//! (deterministic bytes; a palette PNG when the chart has ≤ 256 colours). Every chart function returns `Ok(None)` when the trial lacks the
//! data; [`all`] gathers the charts a trial has, in report order.
//!
//! Conventions on every chart: left red solid, right blue dashed (colour
//! plus line style or fill, so that colour-blind readers and grey print
//! still tell the sides apart), normative data in grey, labels ≥ 14 px with
//! units, a legend, strings from `lang/<code>.toml` (section "chart labels")
//! and numbers in the language's notation.

mod angles;
mod bars;
mod draw;
mod emg;
mod hq;
mod strike;
mod timeline;

use crate::error::Error;
use crate::events::Event;
use crate::pipeline::Analysis;
use crate::report::i18n::Lang;
use crate::report::norms::Norms;
use crate::trial::Trial;

pub use angles::{LAYOUT as ANGLE_LAYOUT, foot_off_pct};
pub use bars::SI_FLAG_PCT;
pub use draw::{
    AA_LEVELS, CUTOFF, FLAG, LEFT, NORM, RIGHT, with_exact_antialiasing, with_one_canvas, with_plotters_text,
};
pub use emg::{PEAK_WINDOW as EMG_PEAK_WINDOW, WINDOW as EMG_WINDOW, normal_windows as emg_normal_windows, scale_pct};
pub use strike::THRESHOLDS_DEG as STRIKE_THRESHOLDS_DEG;
pub use timeline::Mark;

/// One rendered chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem (`reports/<trial>/<name>.png`), e.g. `"angles"`.
    pub name: &'static str,
    /// Key of the chart's title in the language files (`lang.t(title_key)`).
    pub title_key: &'static str,
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Chart sizes in px (width, height). The spatiotemporal and timeline charts
/// grow with their content: see [`spatiotemporal_size`] and [`timeline_size`].
pub const ANGLES_SIZE: (u32, u32) = (angles::WIDTH, angles::HEIGHT);
pub const FOOT_STRIKE_SIZE: (u32, u32) = (strike::WIDTH, strike::HEIGHT);
pub const EMG_SIZE: (u32, u32) = (emg::WIDTH, emg::HEIGHT);

/// Size of the H:Q chart with `panels` panels (EMG and/or dynamometer,
/// stacked).
pub fn hq_size(panels: u32) -> (u32, u32) {
    (hq::WIDTH, hq::height(panels))
}

/// Size of the spatiotemporal chart with `n` parameters (4 panels a row).
pub fn spatiotemporal_size(n: usize) -> (u32, u32) {
    (bars::WIDTH, bars::height(n))
}

/// Size of the event timeline of a trial lasting `duration_s` (one strip of
/// [`timeline::STRIP_S`] s per row, at most 6 rows).
pub fn timeline_size(duration_s: f64) -> (u32, u32) {
    (timeline::WIDTH, timeline::height(timeline::strips(duration_s)))
}

/// Joint-angle curves over the gait cycle (Plug-in Gait, 0–100 % from foot
/// strike to the next strike of the same foot) in the clinical layout: rows
/// pelvis, hip, knee, ankle, foot progression; columns sagittal, frontal,
/// transverse. Per side the mean curve and a ±1 SD band (sample SD over the
/// side's cycles, [`crate::angles::cycles::mean_sd`]), a vertical line at the
/// side's mean foot off, and the normative mean ± 1 SD in grey when `norms`
/// has the variable. `None` without angle cycles.
pub fn angles_png(a: &Analysis, lang: &Lang, norms: Option<&Norms>) -> Result<Option<Vec<u8>>, Error> {
    match &a.angle_cycles {
        Some(c) => {
            let model = match a.angles.as_ref().map_or("", |x| x.model) {
                "plug-in-gait" => "Plug-in Gait",
                m => m,
            };
            angles::png(c, model, &a.strides, lang, norms)
        }
        None => Ok(None),
    }
}

/// Per spatiotemporal key with data: (key, left stats, right stats, SI %),
/// the numbers [`spatiotemporal_png`] draws.
pub fn spatiotemporal_rows(a: &Analysis) -> Vec<bars::Row> {
    bars::rows(&a.strides)
}

/// Spatiotemporal parameters, left against right: one panel per parameter
/// with data ([`crate::spatiotemporal::KEYS`] order), bars of the mean with
/// ±1 SD whiskers over the side's strides, the normative mean ± 1 SD in grey
/// where `norms` has the key, and the Robinson et al. (1987) symmetry index
/// SI = (R − L) / (0.5 (R + L)) × 100 % ([`crate::spatiotemporal::symmetry_index`]),
/// flagged beyond ±[`SI_FLAG_PCT`] %. Returns the PNG and its height.
pub fn spatiotemporal_png(a: &Analysis, lang: &Lang, norms: Option<&Norms>) -> Result<Option<(Vec<u8>, u32)>, Error> {
    bars::png(&a.strides, lang, norms)
}

/// Foot-strike angle of every step over time (left ●, right ▲) against the
/// Altman & Davis (2012) class thresholds (rearfoot > 8.0°, forefoot
/// < −1.6°), zones shaded and named. `None` without foot strikes.
pub fn foot_strike_png(t: &Trial, a: &Analysis, lang: &Lang) -> Result<Option<Vec<u8>>, Error> {
    strike::png(&a.foot_strikes, t.time0_s, t.rate_hz, lang)
}

/// EMG linear envelopes per gait cycle: hamstrings and quadriceps per side,
/// group mean ± 1 SD over the side's strides (envelopes as
/// [`crate::imbalance::emg`] computes them, normalised to the trial's peak),
/// the normal activation windows of walking ([`emg_normal_windows`], Perry &
/// Burnfield 2010; not in running) shaded, the normal peak windows the
/// findings check ([`crate::imbalance::emg::normal_peak_windows`]) as a bar
/// along the top, and the side's foot off marked. `None` without EMG cycles.
pub fn emg_png(t: &Trial, a: &Analysis, lang: &Lang) -> Result<Option<Vec<u8>>, Error> {
    match &a.emg {
        Some(e) => emg::png(t, &a.strides, e, a.events.mode == Some(crate::events::Mode::Run), lang),
        None => Ok(None),
    }
}

/// The per-stride group-mean envelopes the EMG chart averages (mean ± SD)
/// for one side and muscle group; empty without EMG or strides.
pub fn emg_group_cycles(
    t: &Trial,
    a: &Analysis,
    side: crate::model::Side,
    group: crate::clean::muscles::MuscleGroup,
) -> Vec<[f64; 101]> {
    let Some(e) = &a.emg else { return Vec::new() };
    e.side(Some(side)).map(|s| emg::group_cycles(t, &a.strides, e, s, group)).unwrap_or_default()
}

/// H:Q ratios against their cut-offs: the EMG activation ratio ∫H/∫Q per
/// gait phase and over the cycle, left and right, with the symmetry index
/// and its cut-offs ([`crate::imbalance::findings::EMG_SI_MILD`]); and, when
/// the trial has a dynamometer file, the conventional, functional and mixed
/// strength ratios with their cut-offs
/// ([`crate::imbalance::dynamometer::Cutoffs`]), in a second panel under
/// the first. `None` without either; else the PNG and its height.
pub fn hq_png(a: &Analysis, lang: &Lang) -> Result<Option<(Vec<u8>, u32)>, Error> {
    hq::png(a.emg.as_ref(), a.imbalance.dynamometer.as_ref(), lang)
}

/// The event timeline: every gait event used (and the file's own events as
/// a reference) in one lane per source (force plate, kinematic, file), foot
/// strike ▲ and foot off ●, over the raw heel and toe marker heights, the
/// whole trial in strips of 10 s. Returns the PNG and its height.
pub fn timeline_png(t: &Trial, a: &Analysis, lang: &Lang) -> Result<Option<(Vec<u8>, u32)>, Error> {
    timeline::png(t, &a.events.events, lang)
}

/// [`timeline_png`] for a list of events.
pub fn timeline_events_png(t: &Trial, events: &[Event], lang: &Lang) -> Result<Option<(Vec<u8>, u32)>, Error> {
    timeline::png(t, events, lang)
}

/// The events the timeline draws, in its lanes: the events used, and the
/// file's own events (source `File`) unless the events used are those.
pub fn timeline_marks(t: &Trial, events: &[Event]) -> Vec<timeline::Mark> {
    timeline::marks(t, events)
}

/// Every chart the trial has data for, in report order: `angles`,
/// `spatiotemporal`, `foot_strike`, `emg`, `hq`, `markers` (the event
/// timeline; the name of the chart it replaces). The charts are rendered in
/// parallel (rayon; inside a batch's parallel trials too) and collected in
/// that fixed order, so the bytes do not depend on the thread count; the
/// first error in report order is returned.
///
/// They are started longest first ([`RENDER_ORDER`], measured; Graham's
/// LPT rule, 1969): a thread that is free takes the next one, so that the
/// longest chart does not start last on a busy thread.
pub fn all(t: &Trial, a: &Analysis, lang: &Lang, norms: Option<&Norms>) -> Result<Vec<Chart>, Error> {
    type Job<'a> = &'a (dyn Fn() -> Result<Option<Chart>, Error> + Sync);
    let chart = |name, title_key, png: Option<Vec<u8>>, (width, height): (u32, u32)| {
        png.map(|png| Chart { name, title_key, png, width, height })
    };
    let jobs: [Job; 6] = [
        &|| Ok(chart("angles", "chart.angles.title", angles_png(a, lang, norms)?, ANGLES_SIZE)),
        &|| {
            Ok(spatiotemporal_png(a, lang, norms)?.and_then(|(png, h)| {
                chart("spatiotemporal", "chart.spatiotemporal.title", Some(png), (bars::WIDTH, h))
            }))
        },
        &|| Ok(chart("foot_strike", "chart.strike.title", foot_strike_png(t, a, lang)?, FOOT_STRIKE_SIZE)),
        &|| Ok(chart("emg", "chart.emg.title", emg_png(t, a, lang)?, EMG_SIZE)),
        &|| Ok(hq_png(a, lang)?.and_then(|(png, h)| chart("hq", "chart.hq.title", Some(png), (hq::WIDTH, h)))),
        &|| {
            Ok(timeline_png(t, a, lang)?
                .and_then(|(png, h)| chart("markers", "chart.timeline.title", Some(png), (timeline::WIDTH, h))))
        },
    ];
    const NAMES: [&str; 6] = ["angles", "spatiotemporal", "foot_strike", "emg", "hq", "markers"];
    let done: [std::sync::OnceLock<Result<Option<Chart>, Error>>; 6] = Default::default();
    rayon::scope_fifo(|s| {
        for i in RENDER_ORDER {
            let (job, slot) = (jobs[i], &done[i]);
            s.spawn_fifo(move |_| {
                let _ = slot.set(crate::trace::span(|| format!("chart {}", NAMES[i]), job));
            });
        }
    });
    done.into_iter().filter_map(|d| d.into_inner().and_then(Result::transpose)).collect()
}

/// The charts of [`all`] (indices in report order) longest first, as
/// measured on the simulated 30-s run and RBDS0041 (`cargo bench --bench
/// charts`, `GAITLINE_BENCH_CHARTS`): angles (RGB, ~15 ms when present),
/// the event timeline, EMG, spatiotemporal, foot strike, H:Q.
const RENDER_ORDER: [usize; 6] = [0, 5, 3, 1, 2, 4];
