//! Chart plumbing shared by the report charts ([`crate::report::charts`]):
//! the embedded DejaVu Sans registered with plotters (no system fonts
//! needed) and the RGB buffer → PNG encoder.

use crate::error::Error;
use crate::events::Event;
use crate::trial::Trial;
use std::sync::Once;

static FONTS: Once = Once::new();

/// Register the embedded fonts with plotters (once per process).
pub fn register_fonts() {
    FONTS.call_once(|| {
        use plotters::style::{FontStyle, register_font};
        let _ = register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
        let _ = register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Encode an RGB buffer as PNG (deterministic bytes). `Balanced` compression:
/// half the bytes of `Fast` for the report charts (anti-aliased text and
/// shaded bands), about 10 ms more per chart.
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Balanced);
    let e = |e: png::EncodingError| Error::Other(format!("PNG encoding: {e}"));
    let mut wr = enc.write_header().map_err(e)?;
    wr.write_image_data(rgb).map_err(e)?;
    wr.finish().map_err(e)?;
    Ok(out)
}

/// The event timeline in English (see [`crate::report::charts::timeline_png`]):
/// every event in a lane per source (force plate, kinematic, file) over the
/// raw heel and toe heights. Kept for callers without a report language.
pub fn markers_png(t: &Trial, events: &[Event]) -> Result<Option<Vec<u8>>, Error> {
    let en = crate::report::i18n::get("en").ok_or_else(|| Error::Other("no English strings".into()))?;
    Ok(crate::report::charts::timeline_events_png(t, events, en)?.map(|(png, _)| png))
}
