//! Charts (plotters, rendered into an RGB buffer and encoded with `png`, text
//! in the embedded DejaVu Sans: no system fonts needed).

use crate::clean::presets::{Landmark, LandmarkKind};
use crate::error::Error;
use crate::events::{Event, EventKind};
use crate::model::{Marker, Side};
use crate::trial::Trial;
use plotters::prelude::*;
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

/// Encode an RGB buffer as PNG (fast compression; deterministic bytes).
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let e = |e: png::EncodingError| Error::Other(format!("PNG encoding: {e}"));
    let mut wr = enc.write_header().map_err(e)?;
    wr.write_image_data(rgb).map_err(e)?;
    wr.finish().map_err(e)?;
    Ok(out)
}

const LEFT: RGBColor = RGBColor(200, 30, 30);
const RIGHT: RGBColor = RGBColor(30, 80, 200);
const LEFT_TOE: RGBColor = RGBColor(240, 140, 40);
const RIGHT_TOE: RGBColor = RGBColor(40, 170, 200);
/// Longest stretch of a trial drawn in the marker chart, seconds: enough for
/// several strides, short enough to see each one.
const WINDOW_S: f64 = 6.0;

fn series(t: &Trial, m: &Marker, axis: usize) -> Vec<(f64, f64)> {
    let n = window_frames(t);
    m.xyz[..n.min(m.xyz.len())]
        .iter()
        .enumerate()
        .filter(|(_, p)| p[axis].is_finite())
        .map(|(i, p)| (t.time0_s + i as f64 / t.rate_hz, p[axis]))
        .collect()
}

fn window_frames(t: &Trial) -> usize {
    ((WINDOW_S * t.rate_hz).floor() as usize + 1).min(t.frames)
}

fn pe(e: impl std::fmt::Display) -> Error {
    Error::Other(format!("chart: {e}"))
}

/// The cleaned-marker chart: heights of heel and toe markers (left red, right
/// blue) with the detected events along the bottom (foot strike ▲, foot off
/// ●, in the side's colour), and the forward position of the pelvis and heels
/// over time, so that a reader sees the gait pattern, every event against the
/// raw heights, gaps and the lab-axis result at a glance. Returns PNG bytes,
/// or `None` when the trial has no markers.
pub fn markers_png(t: &Trial, events: &[Event]) -> Result<Option<Vec<u8>>, Error> {
    if t.markers.is_empty() || !t.rate_hz.is_finite() {
        return Ok(None);
    }
    register_fonts();
    let (w, h) = (1200u32, 800u32);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(pe)?;
        let (top, bottom) = root.split_vertically(h / 2);
        let mut picked: Vec<(String, RGBColor, bool, &Marker)> = Vec::new();
        for (side, col) in [(Side::Left, LEFT), (Side::Right, RIGHT)] {
            let toe_col = if side == Side::Left { LEFT_TOE } else { RIGHT_TOE };
            if let Some(m) = t.landmark(Landmark::new(side, LandmarkKind::Heel)) {
                picked.push((m.name.clone(), col, false, m));
            }
            let toe = [LandmarkKind::Toe, LandmarkKind::ToeTip, LandmarkKind::Mt1, LandmarkKind::Mt5]
                .into_iter()
                .find_map(|k| t.landmark(Landmark::new(side, k)));
            if let Some(m) = toe {
                picked.push((m.name.clone(), toe_col, true, m));
            }
        }
        if picked.is_empty() {
            for (i, m) in t.markers.iter().take(4).enumerate() {
                let col = Palette99::pick(i).to_rgba();
                picked.push((m.name.clone(), RGBColor(col.0, col.1, col.2), false, m));
            }
        }
        let t0 = t.time0_s;
        let shown = window_frames(t);
        let t1 = t0 + ((shown.max(2) - 1) as f64 / t.rate_hz);
        let span = if shown < t.frames {
            format!(" (first {WINDOW_S:.0} s of {:.1} s)", t.duration_s())
        } else {
            String::new()
        };
        let range = |axis: usize, ms: &[&Marker]| {
            let mut lo = f64::INFINITY;
            let mut hi = f64::NEG_INFINITY;
            for m in ms {
                for p in &m.xyz[..shown.min(m.xyz.len())] {
                    if p[axis].is_finite() {
                        lo = lo.min(p[axis]);
                        hi = hi.max(p[axis]);
                    }
                }
            }
            if !lo.is_finite() {
                (0.0, 1.0)
            } else {
                let pad = ((hi - lo) * 0.05).max(0.01);
                (lo - pad, hi + pad)
            }
        };
        let feet: Vec<&Marker> = picked.iter().map(|p| p.3).collect();
        let (zlo, zhi) = range(2, &feet);
        let mut c = ChartBuilder::on(&top)
            .caption(format!("{}: heel and toe marker heights{span}", t.id), ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(t0..t1, zlo..zhi)
            .map_err(pe)?;
        c.configure_mesh()
            .light_line_style(WHITE)
            .x_desc("time (s)")
            .y_desc("height above lab floor (m)")
            .draw()
            .map_err(pe)?;
        for (name, col, dashed, m) in &picked {
            let s = series(t, m, 2);
            let style = if *dashed { col.stroke_width(1) } else { col.stroke_width(2) };
            c.draw_series(LineSeries::new(s, style))
                .map_err(pe)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        // Events: a tick from the floor of the panel, ▲ for strikes, ● for offs.
        let tick = 0.12 * (zhi - zlo);
        let shown_events = events.iter().filter(|e| e.index < shown);
        for e in shown_events {
            let col = if e.side == Side::Left { LEFT } else { RIGHT };
            let x = t0 + e.index as f64 / t.rate_hz;
            c.draw_series(std::iter::once(PathElement::new(vec![(x, zlo), (x, zlo + tick)], col.stroke_width(1))))
                .map_err(pe)?;
            match e.kind {
                EventKind::FootStrike => {
                    c.draw_series(std::iter::once(TriangleMarker::new((x, zlo + tick), 6, col.filled()))).map_err(pe)?
                }
                EventKind::FootOff => {
                    c.draw_series(std::iter::once(Circle::new((x, zlo + tick), 4, col.filled()))).map_err(pe)?
                }
            };
        }
        if !events.is_empty() {
            c.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
                .map_err(pe)?
                .label("foot strike ▲ / foot off ●")
                .legend(|(x, y)| TriangleMarker::new((x + 10, y), 5, BLACK.filled()));
        }
        c.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw().map_err(pe)?;

        let mut fwd: Vec<(String, RGBColor, &Marker)> = Vec::new();
        for (kind, name) in [(LandmarkKind::Asis, "ASIS"), (LandmarkKind::Heel, "heel")] {
            for (side, col) in [(Side::Left, LEFT), (Side::Right, RIGHT)] {
                if let Some(m) = t.landmark(Landmark::new(side, kind)) {
                    let l = if side == Side::Left { "left" } else { "right" };
                    fwd.push((format!("{l} {name} ({})", m.name), col, m));
                }
            }
        }
        if fwd.is_empty() {
            fwd = picked.iter().map(|p| (p.0.clone(), p.1, p.3)).collect();
        }
        let ms: Vec<&Marker> = fwd.iter().map(|f| f.2).collect();
        let (xlo, xhi) = range(0, &ms);
        let mut c = ChartBuilder::on(&bottom)
            .caption("forward position along the direction of progression", ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(t0..t1, xlo..xhi)
            .map_err(pe)?;
        c.configure_mesh().light_line_style(WHITE).x_desc("time (s)").y_desc("forward (m)").draw().map_err(pe)?;
        for (i, (name, col, m)) in fwd.iter().enumerate() {
            let style = if i < 2 { col.stroke_width(3) } else { col.mix(0.6).stroke_width(1) };
            c.draw_series(LineSeries::new(series(t, m, 0), style))
                .map_err(pe)?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        }
        c.configure_series_labels().background_style(WHITE.mix(0.85)).border_style(BLACK).draw().map_err(pe)?;
        root.present().map_err(pe)?;
    }
    encode_png(&buf, w, h).map(Some)
}
