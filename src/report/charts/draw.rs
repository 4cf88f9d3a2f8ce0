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
///
/// The bitmap may hold only the rows `dy..dy + its height` of a chart of
/// `size` ([`render_bands`]): plotters lays the chart out at its full size
/// and every pixel, span and rectangle is moved up by `dy` and clipped to
/// the bitmap, so that a band is drawn exactly as in the whole canvas.
pub struct Canvas<'a> {
    bm: BitMapBackend<'a>,
    levels: f64,
    dy: i32,
    size: (u32, u32),
    /// Text through plotters' own path ([`with_plotters_text`]).
    plain_text: bool,
}

/// The anti-aliasing steps (`levels`, or 0 in [`with_exact_antialiasing`])
/// and the text path ([`with_plotters_text`]) set on the calling thread.
fn modes(levels: f64) -> (f64, bool) {
    (if EXACT_AA.with(|e| e.get()) { 0.0 } else { levels }, EXACT_TEXT.with(|e| e.get()))
}

impl<'a> Canvas<'a> {
    /// A canvas for the rows `dy..` of a chart of `size`, on the bitmap
    /// `buf` (`size.0` wide), with `modes` ([`modes`]).
    fn new(buf: &'a mut [u8], size: (u32, u32), dy: u32, (levels, plain_text): (f64, bool)) -> Self {
        let rows = (buf.len() / (size.0 as usize * 3).max(1)) as u32;
        Canvas { bm: BitMapBackend::with_buffer(buf, (size.0, rows)), levels, dy: dy as i32, size, plain_text }
    }

    fn at(&self, (x, y): plotters_backend::BackendCoord) -> plotters_backend::BackendCoord {
        (x, y - self.dy)
    }
}

thread_local! {
    /// Set by [`with_exact_antialiasing`]: render with plotters' own coverage.
    static EXACT_AA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with charts rendered on this thread with unquantised
/// anti-aliasing (plotters' exact coverage), to measure what [`AA_LEVELS`]
/// changes. Not for reports.
pub fn with_exact_antialiasing<T>(f: impl FnOnce() -> T) -> T {
    with_flag(&EXACT_AA, f)
}

/// Run `f` with a thread-local mode flag set (read by [`modes`] on this
/// thread when a canvas is made).
fn with_flag<T>(flag: &'static std::thread::LocalKey<std::cell::Cell<bool>>, f: impl FnOnce() -> T) -> T {
    flag.with(|e| e.set(true));
    let out = f();
    flag.with(|e| e.set(false));
    out
}

type BackendError<'a> = plotters_backend::DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Canvas<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), BackendError<'a>> {
        self.bm.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), BackendError<'a>> {
        self.bm.present()
    }

    fn draw_pixel(
        &mut self,
        point: plotters_backend::BackendCoord,
        color: plotters_backend::BackendColor,
    ) -> Result<(), BackendError<'a>> {
        let alpha = if self.levels > 0.0 { round(color.alpha * self.levels) / self.levels } else { color.alpha };
        if alpha <= 0.0 {
            return Ok(());
        }
        self.bm.draw_pixel(self.at(point), plotters_backend::BackendColor { alpha, rgb: color.rgb })
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: plotters_backend::BackendCoord,
        to: plotters_backend::BackendCoord,
        style: &S,
    ) -> Result<(), BackendError<'a>> {
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 {
            // No anti-aliasing: the style's colour and alpha as they are.
            return self.bm.draw_line(self.at(from), self.at(to), style);
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
            return self.bm.draw_rect(self.at(upper_left), self.at(bottom_right), style, true);
        }
        plotters_backend::rasterizer::draw_rect(self, upper_left, bottom_right, style, false)
    }

    fn blit_bitmap(
        &mut self,
        pos: plotters_backend::BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), BackendError<'a>> {
        self.bm.blit_bitmap(self.at(pos), size, src)
    }

    /// Text in the embedded DejaVu Sans from [`glyphs`]' cache of rasterised
    /// glyphs; other fonts as plotters draws them.
    fn draw_text<TStyle: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: plotters_backend::BackendCoord,
    ) -> Result<(), BackendError<'a>> {
        draw_text_cached(self, text, style, pos)
    }
}

/// The pixels of `text` as plotters' default `DrawingBackend::draw_text`
/// with its `ab_glyph` font data draws them (same pixels, coverages and
/// order; `tests/report_charts.rs` compares the two), with every glyph
/// rasterised once per thread, font and size ([`glyphs`]) instead of once
/// per character drawn. Text rasterisation was a fifth of the charts' time.
fn draw_text_cached<'a, TStyle: plotters_backend::BackendTextStyle>(
    canvas: &mut Canvas<'a>,
    text: &str,
    style: &TStyle,
    pos: plotters_backend::BackendCoord,
) -> Result<(), BackendError<'a>> {
    use plotters_backend::{BackendColor, FontStyle as Fs};
    // [`bold`] is plotters' `FontDesc::style(Bold)` on the regular font,
    // which keeps the regular font's data (plotters 0.3.7): the charts' bold
    // labels are drawn, and measured, in DejaVu Sans regular. So is every
    // style here; another font family goes through plotters.
    if !matches!(style.style(), Fs::Normal | Fs::Bold) || style.family().as_str() != "sans-serif" || canvas.plain_text {
        return draw_text_plain(canvas, text, style, pos);
    }
    let color = style.color();
    if color.alpha == 0.0 {
        return Ok(());
    }
    // As the default draw_text: the anchor from the layout box, then every
    // pixel rotated by the transform and clipped to the canvas.
    let (ox, oy) = anchor_offset(text, style)?;
    let trans = style.transform();
    let (w, h) = canvas.get_size();
    // As plotters' `FontDataInternal::draw` (ab_glyph): the pen advances by
    // kerning then the advance, in f32, and each glyph is placed at the
    // pen's integer part.
    let drawn = glyphs::with(style.size() as f32, |cache| {
        let mut x_shift = 0f32;
        let mut prev = None;
        for c in text.chars() {
            let (kern, g) = cache.next(prev, c);
            if let Some(k) = kern {
                x_shift += k;
            }
            prev = Some(g.id);
            let xs = x_shift as i32;
            for &(x, y, cov) in &g.pixels {
                let (x, y) = trans.transform(x + xs + ox, y + g.y_shift + oy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    let alpha = color.alpha * f64::from(cov);
                    canvas.draw_pixel((x, y), BackendColor { alpha, rgb: color.rgb })?;
                }
            }
            x_shift += g.advance;
        }
        Ok(())
    });
    drawn.unwrap_or_else(|| draw_text_plain(canvas, text, style, pos))
}

/// Where a text's pixels start relative to its position, as plotters'
/// default `draw_text` places them: the anchor applied to the layout box.
fn anchor_offset<'a, TStyle: plotters_backend::BackendTextStyle>(
    text: &str,
    style: &TStyle,
) -> Result<(i32, i32), BackendError<'a>> {
    use plotters_backend::DrawingErrorKind;
    use plotters_backend::text_anchor::{HPos, VPos};
    let ((min_x, min_y), (max_x, max_y)) =
        style.layout_box(text).map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    Ok((dx - min_x, dy - min_y))
}

/// plotters' default `DrawingBackend::draw_text` (for fonts other than the
/// embedded ones, and to check [`draw_text_cached`] against).
fn draw_text_plain<'a, TStyle: plotters_backend::BackendTextStyle>(
    canvas: &mut Canvas<'a>,
    text: &str,
    style: &TStyle,
    pos: plotters_backend::BackendCoord,
) -> Result<(), BackendError<'a>> {
    use plotters_backend::DrawingErrorKind;
    let color = style.color();
    if color.alpha == 0.0 {
        return Ok(());
    }
    let (ox, oy) = anchor_offset(text, style)?;
    let trans = style.transform();
    let (w, h) = canvas.get_size();
    let drawn = style.draw(text, (0, 0), |x, y, color| {
        let (x, y) = trans.transform(x + ox, y + oy);
        let (x, y) = (pos.0 + x, pos.1 + y);
        if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 { canvas.draw_pixel((x, y), color) } else { Ok(()) }
    });
    match drawn {
        Ok(r) => r,
        Err(e) => Err(DrawingErrorKind::FontError(Box::new(e))),
    }
}

thread_local! {
    /// Set by [`with_plotters_text`]: draw text through plotters' own path.
    static EXACT_TEXT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with chart text on this thread drawn by plotters' own text path
/// (every glyph rasterised when drawn), to check that the glyph cache
/// changes no pixel. Not for reports.
pub fn with_plotters_text<T>(f: impl FnOnce() -> T) -> T {
    with_flag(&EXACT_TEXT, f)
}

/// Rasterised glyphs of the embedded DejaVu Sans, per thread, size and
/// character, for the life of the thread: a report
/// draws a few dozen distinct characters in four sizes thousands of times.
mod glyphs {
    use ab_glyph::{Font, FontRef, GlyphId, PxScaleFont, ScaleFont};
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    /// One glyph at one size: its id, advance, and its pixels with a
    /// coverage > 0, as (x, y from the text's top, coverage) in the order
    /// ab_glyph rasterises them.
    pub struct Glyph {
        pub id: GlyphId,
        pub advance: f32,
        pub y_shift: i32,
        pub pixels: Vec<(i32, i32, f32)>,
    }

    pub struct Sized {
        font: PxScaleFont<&'static FontRef<'static>>,
        size: f32,
        glyphs: HashMap<char, Arc<Glyph>>,
        kerns: HashMap<(GlyphId, GlyphId), f32>,
    }

    /// Glyphs per (size as f32 bits, character).
    type Store = HashMap<(u32, char), Arc<Glyph>>;

    /// Glyphs rasterised by any thread, per size and character: a thread
    /// that misses its own cache looks here before rasterising (the charts
    /// of a trial run on several threads and share most characters).
    fn shared() -> &'static Mutex<Store> {
        static SHARED: OnceLock<Mutex<Store>> = OnceLock::new();
        SHARED.get_or_init(Default::default)
    }

    fn rasterise(font: &PxScaleFont<&'static FontRef<'static>>, size: f32, c: char) -> Glyph {
        let id = font.glyph_id(c);
        let mut pixels = Vec::new();
        let mut y_shift = 0;
        if let Some(q) = font.outline_glyph(font.scaled_glyph(c)) {
            y_shift = (size / 2.0 + q.px_bounds().min.y) as i32;
            q.draw(|x, y, cov| {
                if cov != 0.0 {
                    pixels.push((x as i32, y as i32, cov));
                }
            });
        }
        Glyph { id, advance: font.h_advance(id), y_shift, pixels }
    }

    impl Sized {
        /// The kerning after the glyph `prev` (if any) and the glyph of `c`.
        pub fn next(&mut self, prev: Option<GlyphId>, c: char) -> (Option<f32>, &Glyph) {
            let (font, size) = (&self.font, self.size);
            let g = self.glyphs.entry(c).or_insert_with(|| {
                // The same glyph whichever thread rasterised it; a poisoned
                // lock only loses the sharing.
                let key = (size.to_bits(), c);
                if let Some(g) = shared().lock().ok().and_then(|m| m.get(&key).cloned()) {
                    return g;
                }
                let g = Arc::new(rasterise(font, size, c));
                match shared().lock() {
                    Ok(mut m) => m.entry(key).or_insert(g).clone(),
                    Err(_) => g,
                }
            });
            let kern = prev.map(|p| *self.kerns.entry((p, g.id)).or_insert_with(|| font.kern(p, g.id)));
            (kern, g)
        }
    }

    /// The embedded DejaVu Sans (the bytes `output::plot::register_fonts`
    /// gives plotters), `None` if it does not parse (then plotters draws).
    fn font() -> Option<&'static FontRef<'static>> {
        static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
        FONT.get_or_init(|| FontRef::try_from_slice(dejavu::sans::regular()).ok()).as_ref()
    }

    thread_local! {
        static CACHE: RefCell<HashMap<u32, Sized>> = RefCell::new(HashMap::new());
    }

    /// `f` with the cache of the font at `size` px; `None` without the font.
    pub fn with<T>(size: f32, f: impl FnOnce(&mut Sized) -> T) -> Option<T> {
        let font = font()?;
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            let s = c.entry(size.to_bits()).or_insert_with(|| Sized {
                font: font.as_scaled(size),
                size,
                glyphs: HashMap::new(),
                kerns: HashMap::new(),
            });
            Some(f(s))
        })
    }
}

/// `x.round()` (half away from zero) without the library call for the
/// coverages [`Canvas::draw_pixel`] rounds (0 ≤ x < 2^52: the truncation is
/// exact, and so is `x − t`, so the comparison with 0.5 decides as `round`
/// does); other values through `f64::round`.
fn round(x: f64) -> f64 {
    if (0.0..4.5e15).contains(&x) {
        let t = x as u64 as f64;
        if x - t >= 0.5 { t + 1.0 } else { t.copysign(x) }
    } else {
        x.round()
    }
}

/// A plotters error as a pipeline error.
pub fn pe(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("chart: {e}"))
}

/// Render into a white `w` × `h` RGB canvas with the embedded fonts and
/// encode it as PNG (deterministic bytes). The canvas starts white: a chart
/// need not fill it (a second pass over a few MB).
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
        let root = Canvas::new(&mut buf, (w, h), 0, modes(levels)).into_drawing_area();
        draw(&root)?;
        root.present().map_err(pe)?;
    }
    encode_png(&buf, w, h)
}

thread_local! {
    /// Set by [`with_one_canvas`]: [`render_bands`] draws the bands one
    /// after the other on one canvas.
    static ONE_CANVAS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with [`render_bands`] drawing every band on one whole canvas on
/// this thread, to check that the bands give the same pixels. Not for
/// reports.
pub fn with_one_canvas<T>(f: impl FnOnce() -> T) -> T {
    ONE_CANVAS.with(|e| e.set(true));
    let out = f();
    ONE_CANVAS.with(|e| e.set(false));
    out
}

/// [`render`] for a chart made of parts that each stay inside their own
/// horizontal band (`bands`: heights from the top, `w` × their sum px):
/// `draw(k, root)` draws band `k`'s part on `root`, the whole chart's area,
/// and the bands are drawn in parallel (rayon) on their own rows of the
/// bitmap (each [`Canvas`] clips to its rows). The pixels are those of
/// drawing every part on one canvas as long as no part draws outside its
/// band (`tests/report_charts.rs` compares the two); the bytes do not depend
/// on the thread count. The first error in band order is returned.
pub fn render_bands(
    w: u32,
    bands: &[u32],
    draw: impl Fn(usize, &Area) -> Result<(), Error> + Sync,
) -> Result<Vec<u8>, Error> {
    use rayon::prelude::*;
    let h: u32 = bands.iter().sum();
    if ONE_CANVAS.with(|e| e.get()) {
        return render(w, h, |root| (0..bands.len()).try_for_each(|k| draw(k, root)));
    }
    register_fonts();
    // Zeroed pages from the system (no pass over them here); each band
    // whitens its own rows, so the first touch of the pages is parallel too.
    let mut buf = vec![0u8; (w * h * 3) as usize];
    let modes = modes(AA_LEVELS);
    let mut parts = Vec::with_capacity(bands.len());
    let (mut rest, mut y0) = (&mut buf[..], 0);
    for &bh in bands {
        let (part, r) = rest.split_at_mut((w * bh * 3) as usize);
        parts.push((y0, part));
        (rest, y0) = (r, y0 + bh);
    }
    let done: Vec<Result<(), Error>> = parts
        .into_par_iter()
        .enumerate()
        .map(|(k, (y0, part))| {
            part.fill(255);
            let root = Canvas::new(part, (w, h), y0, modes).into_drawing_area();
            draw(k, &root)?;
            root.present().map_err(pe)
        })
        .collect();
    done.into_iter().collect::<Result<(), Error>>()?;
    let rows: Vec<usize> = bands.iter().map(|&r| r as usize).collect();
    crate::output::plot::encode_png_bands(&buf, w, h, &rows)
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

#[cfg(test)]
mod tests {
    use super::round;

    #[test]
    fn round_is_f64_round() {
        let mut xs =
            vec![0.0, 0.5, 1.5, 2.5, 0.49999999999999994, 15.999999999999998, 16.0, 4.4e15, 4.6e15, -0.5, -2.5];
        xs.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, 1e-300]);
        // Coverages × 16 as the canvas rounds them, and their neighbours.
        for k in 0..=16 * 64 {
            let x = k as f64 / 64.0;
            xs.extend([x, f64::from_bits(x.to_bits() + 1), f64::from_bits(x.to_bits().saturating_sub(1))]);
        }
        let mut s = 7u64;
        for _ in 0..100_000 {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            xs.push((s >> 11) as f64 / (1u64 << 53) as f64 * 16.0);
        }
        for x in xs {
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x:e}");
        }
    }
}
