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
/// Every label ≥ 14 px; charts are 1072 px wide, the width `report.html`
/// shows them at, so these are the sizes on screen (in print, at about
/// 700 px, two thirds of them).
pub const TICK: u32 = 15;
pub const AXIS: u32 = 16;
pub const CAPTION: u32 = 18;
pub const TITLE: u32 = 24;

pub type Area<'a> = DrawingArea<Canvas<'a>, Shift>;

/// Steps of anti-aliasing coverage: every partly covered pixel (glyph
/// edges, sloped line and marker edges) is blended with a coverage rounded
/// to a multiple of 1/`AA_LEVELS`. 16 steps (4 bits) leave every blended
/// channel within 255/32 < 8 of the exact blend (measured on the demo
/// charts: ≤ 10 where two edges meet, 1.8-3.1 % of the pixels changed;
/// `tests/report_charts.rs`), so that a chart has few enough colours to be
/// stored as a palette PNG (≤ 256 colours; see
/// [`crate::output::plot::encode_png`]) instead of 8-bit RGB.
pub const AA_LEVELS: f64 = 16.0;

/// The chart canvas: plotters' RGB bitmap with anti-aliasing coverage
/// quantised to the given steps ([`AA_LEVELS`]; 0: exact). Spans of one colour (axis-aligned
/// lines, filled rectangles, polygon rows) take the bitmap's fast paths;
/// everything else reaches the bitmap through [`Canvas::draw_pixel`].
pub struct Canvas<'a>(BitMapBackend<'a>, f64);

thread_local! {
    /// Set by [`with_exact_antialiasing`]: render with plotters' own coverage.
    static EXACT_AA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with charts rendered on this thread with unquantised
/// anti-aliasing (plotters' exact coverage), to measure what [`AA_LEVELS`]
/// changes. Not for reports.
pub fn with_exact_antialiasing<T>(f: impl FnOnce() -> T) -> T {
    EXACT_AA.with(|e| e.set(true));
    let out = f();
    EXACT_AA.with(|e| e.set(false));
    out
}

type BackendError<'a> = plotters_backend::DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Canvas<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), BackendError<'a>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), BackendError<'a>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: plotters_backend::BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), BackendError<'a>> {
        let alpha = if self.1 > 0.0 { (color.alpha * self.1).round() / self.1 } else { color.alpha };
        if alpha <= 0.0 {
            return Ok(());
        }
        self.0.draw_pixel(point, plotters_backend::BackendColor { alpha, rgb: color.rgb })
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: plotters_backend::BackendCoord,
        to: plotters_backend::BackendCoord,
        style: &S,
    ) -> Result<(), BackendError<'a>> {
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 {
            // No anti-aliasing: the style's colour and alpha as they are.
            return self.0.draw_line(from, to, style);
        }
        plotters_backend::rasterizer::draw_line(self, from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: plotters_backend::BackendCoord,
        bottom_right: plotters_backend::BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), BackendError<'a>> {
        if fill {
            return self.0.draw_rect(upper_left, bottom_right, style, true);
        }
        plotters_backend::rasterizer::draw_rect(self, upper_left, bottom_right, style, false)
    }

    fn blit_bitmap(
        &mut self,
        pos: plotters_backend::BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), BackendError<'a>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

/// A plotters error as a pipeline error.
pub fn pe(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("chart: {e}"))
}

/// Render into a white `w` × `h` RGB canvas with the embedded fonts and
/// encode it as PNG (deterministic bytes).
pub fn render(w: u32, h: u32, draw: impl FnOnce(&Area) -> Result<(), Error>) -> Result<Vec<u8>, Error> {
    render_with(w, h, AA_LEVELS, draw)
}

/// [`render`] with anti-aliasing coverage in `levels` steps (0: exact, as
/// plotters computes it). For a chart that has more than 256 colours even
/// with [`AA_LEVELS`] (and so is stored as RGB anyway).
pub fn render_with(
    w: u32,
    h: u32,
    levels: f64,
    draw: impl FnOnce(&Area) -> Result<(), Error>,
) -> Result<Vec<u8>, Error> {
    register_fonts();
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let levels = if EXACT_AA.with(|e| e.get()) { 0.0 } else { levels };
        let root = Canvas(BitMapBackend::with_buffer(&mut buf, (w, h)), levels).into_drawing_area();
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

/// Smallest font size [`fit`] shrinks a label to.
pub const MIN_PX: u32 = 14;

/// `style` at size `px`, or smaller (by 1 px, not below [`MIN_PX`]) until
/// `text` is at most `max_w` pixels wide on `area`: a long label (German
/// joint names in a narrow panel) stays whole instead of being cut.
pub fn fit(
    area: &Area,
    text: &str,
    px: u32,
    max_w: u32,
    style: impl Fn(u32) -> TextStyle<'static>,
) -> TextStyle<'static> {
    let mut px = px.max(MIN_PX);
    while px > MIN_PX && area.estimate_text_size(text, &style(px)).is_ok_and(|(w, _)| w > max_w) {
        px -= 1;
    }
    style(px)
}

/// Width in pixels of `text` in `style` (0 if the font cannot say).
pub fn text_width(area: &Area, text: &str, style: &TextStyle) -> i32 {
    area.estimate_text_size(text, style).map_or(0, |(w, _)| w as i32)
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
