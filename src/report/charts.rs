//! Report charts (issue 7): pure functions from a trial's analysis to PNG
//! bytes, rendered with plotters into an RGB buffer (text in the embedded
//! DejaVu Sans, no system fonts) and encoded with `png` (deterministic
//! bytes). Every chart function returns `Ok(None)` when the trial lacks the
//! data; [`all`] gathers the charts a trial has, in report order.
//!
//! Conventions on every chart: left red solid, right blue dashed (colour
//! plus line style, so that colour-blind readers and grey print still tell
//! the sides apart), normative data in grey, labels ≥ 14 px with units, a
//! legend, strings from `lang/<code>.toml` (section "chart labels") and
//! numbers in the language's notation.

mod angles;
mod draw;

use crate::error::Error;
use crate::pipeline::Analysis;
use crate::report::i18n::Lang;
use crate::report::norms::Norms;
use crate::trial::Trial;

pub use angles::{LAYOUT as ANGLE_LAYOUT, foot_off_pct};
pub use draw::{LEFT, NORM, RIGHT};

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

/// Size (width, height) in px of the joint-angle chart.
pub const ANGLES_SIZE: (u32, u32) = (angles::WIDTH, angles::HEIGHT);

/// Joint-angle curves over the gait cycle (Plug-in Gait, 0–100 % from foot
/// strike to the next strike of the same foot) in the clinical layout: rows
/// pelvis, hip, knee, ankle, foot progression; columns sagittal, frontal,
/// transverse. Per side the mean curve and a ±1 SD band (sample SD over the
/// side's cycles, [`crate::angles::cycles::mean_sd`]), a vertical line at the
/// side's mean foot off, and the normative mean ± 1 SD in grey when `norms`
/// has the variable. `None` without angle cycles.
pub fn angles_png(a: &Analysis, lang: &Lang, norms: Option<&Norms>) -> Result<Option<Vec<u8>>, Error> {
    match &a.angle_cycles {
        Some(c) => angles::png(c, &a.strides, lang, norms),
        None => Ok(None),
    }
}

/// Every chart the trial has data for, in report order.
pub fn all(t: &Trial, a: &Analysis, lang: &Lang, norms: Option<&Norms>) -> Result<Vec<Chart>, Error> {
    let _ = t;
    let mut out = Vec::new();
    if let Some(png) = angles_png(a, lang, norms)? {
        out.push(Chart {
            name: "angles",
            title_key: "chart.angles.title",
            png,
            width: ANGLES_SIZE.0,
            height: ANGLES_SIZE.1,
        });
    }
    Ok(out)
}
