//! Spatiotemporal parameters, left against right, with the symmetry index.

use super::draw::{self, Area, pe};
use crate::error::Error;
use crate::model::Side;
use crate::report::i18n::Lang;
use crate::report::norms::Norms;
use crate::spatiotemporal::{KEYS, Stat, Stride, summarize, symmetry_index};
use plotters::prelude::*;

pub const WIDTH: u32 = 1072;
const HEAD: u32 = 112;
const ROW: u32 = 280;
const COLS: usize = 4;

/// Edges of a normative band drawn over the bars.
const NORM_EDGE: RGBColor = RGBColor(110, 110, 100);

/// Robinson symmetry index beyond which a parameter is flagged, % (the
/// widely used 10 % cut-off; arbitrary, domain reference §3.9).
pub const SI_FLAG_PCT: f64 = 10.0;

/// Height of the chart with `n` parameters.
pub fn height(n: usize) -> u32 {
    HEAD + ROW * n.div_ceil(COLS) as u32
}

/// Decimals to show a key's value with.
fn decimals(key: &str) -> usize {
    match key {
        "cadence_steps_per_min" | "stance_pct" | "swing_pct" | "double_support_pct" | "flight_pct" => 1,
        _ => 2,
    }
}

/// Per key with data on at least one side: (key, left, right, SI %).
pub type Row = (&'static str, Option<Stat>, Option<Stat>, Option<f64>);

pub fn rows(strides: &[Stride]) -> Vec<Row> {
    KEYS.iter()
        .filter_map(|&k| {
            let l = summarize(strides.iter().filter(|s| s.side == Some(Side::Left)), k);
            let r = summarize(strides.iter().filter(|s| s.side == Some(Side::Right)), k);
            if l.is_none() && r.is_none() {
                return None;
            }
            let si = l.zip(r).and_then(|(l, r)| symmetry_index(l.mean, r.mean));
            Some((k, l, r, si))
        })
        .collect()
}

pub fn png(strides: &[Stride], lang: &Lang, norms: Option<&Norms>) -> Result<Option<(Vec<u8>, u32)>, Error> {
    let rows = rows(strides);
    if rows.is_empty() {
        return Ok(None);
    }
    let h = height(rows.len());
    let png = draw::render(WIDTH, h, |root| {
        let (head, body) = root.split_vertically(HEAD);
        head.draw_text(lang.t("chart.spatiotemporal.title"), &draw::bold(draw::TITLE), (16, 10)).map_err(pe)?;
        head.draw_text(
            &lang.fill("chart.spatiotemporal.subtitle", &[("cutoff", &lang.num(SI_FLAG_PCT, 0))]),
            &draw::font(draw::AXIS),
            (16, 48),
        )
        .map_err(pe)?;
        if let Some(n) = norms.filter(|n| rows.iter().any(|r| n.value(r.0).is_some())) {
            let name = n.source.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            head.draw(&Rectangle::new([(16, 78), (56, 96)], draw::NORM.filled())).map_err(pe)?;
            head.draw_text(&lang.fill("chart.norm_band", &[("file", &name)]), &draw::font(draw::AXIS), (66, 78))
                .map_err(pe)?;
        }
        let panels = body.split_evenly((rows.len().div_ceil(COLS), COLS));
        for (row, area) in rows.iter().zip(panels.iter()) {
            panel(area, row, lang, norms)?;
        }
        Ok(())
    })?;
    Ok(Some((png, h)))
}

fn panel(area: &Area, row: &Row, lang: &Lang, norms: Option<&Norms>) -> Result<(), Error> {
    let (key, l, r, si) = *row;
    let norm = norms.and_then(|n| n.value(key));
    let top = |s: &Option<Stat>| s.map(|s| s.mean + s.sd.unwrap_or(0.0)).unwrap_or(0.0);
    let mut hi = top(&l).max(top(&r));
    if let Some(n) = norm {
        hi = hi.max(n.mean + n.sd);
    }
    let lo_data = [l, r].iter().flatten().map(|s| s.mean - s.sd.unwrap_or(0.0)).fold(0.0, f64::min);
    let hi = if hi > 0.0 { hi * 1.22 } else { 1.0 };
    let lo = if lo_data < 0.0 { lo_data * 1.22 } else { 0.0 };
    let dec = decimals(key);
    let caption_key = format!("chart.spatiotemporal.key.{key}");
    let caption = lang.t(&caption_key);
    let cap_style = draw::fit(area, caption, draw::CAPTION, area.dim_in_pixel().0.saturating_sub(16), draw::bold);
    let mut ch = ChartBuilder::on(area)
        .caption(caption, cap_style)
        .margin(12)
        .margin_right(24)
        .x_label_area_size(66)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..2.0, lo..hi)
        .map_err(pe)?;
    ch.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(232, 232, 232))
        .x_labels(3)
        .y_labels(5)
        .label_style(draw::font(draw::TICK))
        .axis_desc_style(draw::font(draw::AXIS))
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|y| lang.num(*y, dec.saturating_sub(1).max(if hi < 2.0 { 2 } else { 0 })))
        .y_desc(lang.t(&format!("chart.spatiotemporal.unit.{key}")))
        .draw()
        .map_err(pe)?;
    if let Some(n) = norm {
        ch.draw_series(std::iter::once(Rectangle::new(
            [(0.0, n.mean - n.sd), (2.0, n.mean + n.sd)],
            draw::NORM.filled(),
        )))
        .map_err(pe)?;
    }
    for (i, s) in [l, r].iter().enumerate() {
        let Some(s) = s else { continue };
        let (x0, x1) = (i as f64 + 0.2, i as f64 + 0.8);
        let col = draw::side_colour(i);
        if i == 0 {
            ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, s.mean)], col.filled()))).map_err(pe)?;
        } else {
            // Right: lighter fill with a solid outline (second cue besides colour).
            ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, s.mean)], col.mix(0.45).filled())))
                .map_err(pe)?;
            ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, s.mean)], col.stroke_width(3))))
                .map_err(pe)?;
        }
        if let Some(sd) = s.sd {
            let xm = i as f64 + 0.5;
            let w = 0.1;
            let style = draw::INK.stroke_width(2);
            for seg in [
                vec![(xm, s.mean - sd), (xm, s.mean + sd)],
                vec![(xm - w, s.mean - sd), (xm + w, s.mean - sd)],
                vec![(xm - w, s.mean + sd), (xm + w, s.mean + sd)],
            ] {
                ch.draw_series(std::iter::once(PathElement::new(seg, style))).map_err(pe)?;
            }
        }
        let label_y = s.mean + s.sd.unwrap_or(0.0) + 0.03 * (hi - lo);
        ch.draw_series(std::iter::once(Text::new(
            lang.num(s.mean, dec),
            (i as f64 + 0.5, label_y),
            draw::bold(draw::AXIS).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Bottom,
            )),
        )))
        .map_err(pe)?;
    }
    // The norm's edges again over the bars, dashed, so that the range shows
    // where a bar covers the band.
    if let Some(n) = norm {
        for y in [n.mean - n.sd, n.mean + n.sd] {
            ch.draw_series(DashedLineSeries::new(vec![(0.0, y), (2.0, y)], 6, 4, NORM_EDGE.stroke_width(2)))
                .map_err(pe)?;
        }
    }
    let si_text = match si {
        Some(v) => {
            let sign = if (v * 10.0).round() > 0.0 { "+" } else { "" };
            lang.fill("chart.spatiotemporal.si", &[("si", &format!("{sign}{}", lang.num(v, 1)))])
        }
        None => lang.fill("chart.spatiotemporal.si", &[("si", "–")]),
    };
    let flagged = si.is_some_and(|v| v.abs() > SI_FLAG_PCT);
    let style = if flagged { draw::bold(draw::AXIS).color(&draw::FLAG) } else { draw::font(draw::AXIS) };
    let text = if flagged { format!("{si_text} ▲") } else { si_text };
    // Side names under the bars (plotters puts no tick at 0.5 and 1.5).
    let (ax, ay) = area.get_base_pixel();
    for (i, key) in ["chart.left", "chart.right"].iter().enumerate() {
        let (bx, by) = ch.backend_coord(&(i as f64 + 0.5, lo));
        let style = draw::font(draw::AXIS).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
        area.draw_text(lang.t(key), &style, (bx - ax, by - ay + 6)).map_err(pe)?;
    }
    let (w, h) = area.dim_in_pixel();
    let style = style.pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Center,
        plotters::style::text_anchor::VPos::Bottom,
    ));
    area.draw_text(&text, &style, ((w as i32 + 70) / 2, h as i32 - 8)).map_err(pe)?;
    Ok(())
}
