//! Shared drawing pieces of the report charts: canvas, colours, font sizes.

use crate::error::Error;
use crate::output::plot::{encode_png, register_fonts};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Left side: red, as gait labs draw it (Vicon Polygon, gaitutils).
pub const LEFT: RGBColor = RGBColor(204, 32, 32);
/// Right side: blue (a colour-blind-safe partner of red; lines also differ
/// in style: left solid, right dashed).
pub const RIGHT: RGBColor = RGBColor(24, 86, 204);
/// Normative band: light warm grey (not a shade anti-aliased black text
/// produces, so that tests can count it).
pub const NORM: RGBColor = RGBColor(204, 204, 196);
/// Flagged values (asymmetry beyond a cut-off): dark orange, also bold.
pub const FLAG: RGBColor = RGBColor(196, 90, 0);
/// Text and axes.
pub const INK: RGBColor = RGBColor(30, 30, 30);
/// Threshold / cut-off lines.
pub const CUTOFF: RGBColor = RGBColor(90, 90, 90);

/// Font sizes in px: tick labels, axis titles, panel captions, chart titles.
/// Every label ≥ 14 px so that charts are readable at 100 % and in print.
pub const TICK: u32 = 15;
pub const AXIS: u32 = 16;
pub const CAPTION: u32 = 18;
pub const TITLE: u32 = 24;

pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A plotters error as a pipeline error.
pub fn pe(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("chart: {e}"))
}

/// Render into a white `w` × `h` RGB canvas with the embedded fonts and
/// encode it as PNG (deterministic bytes).
pub fn render(w: u32, h: u32, draw: impl FnOnce(&Area) -> Result<(), Error>) -> Result<Vec<u8>, Error> {
    register_fonts();
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(pe)?;
    }
    encode_png(&buf, w, h)
}

/// The colour of a side index (0 left, 1 right).
pub fn side_colour(s: usize) -> RGBColor {
    if s == 0 { LEFT } else { RIGHT }
}

pub fn font(px: u32) -> TextStyle<'static> {
    ("sans-serif", px).into_font().color(&INK)
}

pub fn bold(px: u32) -> TextStyle<'static> {
    ("sans-serif", px).into_font().style(FontStyle::Bold).color(&INK)
}

/// A range `(lo, hi)` padded by 8 % and at least `min_span` wide.
pub fn padded(lo: f64, hi: f64, min_span: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() {
        return (-min_span / 2.0, min_span / 2.0);
    }
    let (mut lo, mut hi) = (lo, hi);
    if hi - lo < min_span {
        let c = 0.5 * (lo + hi);
        lo = c - min_span / 2.0;
        hi = c + min_span / 2.0;
    }
    let pad = 0.08 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Draw a solid (left) or dashed (right) line through `pts` in a chart.
pub fn side_line<DB: DrawingBackend>(
    c: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    pts: Vec<(f64, f64)>,
    side: usize,
    width: u32,
) -> Result<(), Error> {
    let style = side_colour(side).stroke_width(width);
    if side == 0 {
        c.draw_series(LineSeries::new(pts, style)).map_err(pe)?;
    } else {
        c.draw_series(DashedLineSeries::new(pts, 9, 5, style)).map_err(pe)?;
    }
    Ok(())
}

/// A filled band between `lo` and `hi` over `x`.
pub fn band<DB: DrawingBackend>(
    c: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x: &[f64],
    lo: &[f64],
    hi: &[f64],
    style: ShapeStyle,
) -> Result<(), Error> {
    let mut pts: Vec<(f64, f64)> = x.iter().zip(hi).map(|(a, b)| (*a, *b)).collect();
    pts.extend(x.iter().zip(lo).rev().map(|(a, b)| (*a, *b)));
    if pts.iter().any(|p| !p.1.is_finite()) {
        return Ok(());
    }
    c.draw_series(std::iter::once(Polygon::new(pts, style))).map_err(pe)?;
    Ok(())
}
