//! Foot-strike angle of every step with the class thresholds.

use super::draw::{self, pe};
use crate::error::Error;
use crate::footstrike::{FootStrikes, StrikeClass};
use crate::model::Side;
use crate::report::i18n::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const WIDTH: u32 = 1072;
pub const HEIGHT: u32 = 560;

/// Class thresholds of the foot-strike angle, degrees (Altman & Davis 2012,
/// as [`StrikeClass::from_angle`] applies them): rearfoot above the first,
/// forefoot below the second.
pub const THRESHOLDS_DEG: [f64; 2] = [8.0, -1.6];

/// Zone shades: rearfoot, midfoot, forefoot (light, distinct in grey print).
const ZONES: [RGBColor; 3] = [RGBColor(250, 240, 222), RGBColor(255, 255, 255), RGBColor(226, 240, 232)];

pub fn png(fs: &FootStrikes, time0_s: f64, rate_hz: f64, lang: &Lang) -> Result<Option<Vec<u8>>, Error> {
    let strikes: Vec<_> = fs.strikes.iter().filter(|s| s.angle_deg.is_finite()).collect();
    if strikes.is_empty() || !rate_hz.is_finite() || rate_hz <= 0.0 {
        return Ok(None);
    }
    let time = |i: usize| time0_s + i as f64 / rate_hz;
    let (t0, t1) = strikes
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), s| (a.min(time(s.index)), b.max(time(s.index))));
    let pad_t = ((t1 - t0) * 0.04).max(0.2);
    let (alo, ahi) = strikes
        .iter()
        .fold((THRESHOLDS_DEG[1], THRESHOLDS_DEG[0]), |(a, b), s| (a.min(s.angle_deg), b.max(s.angle_deg)));
    let (lo, hi) = draw::padded(alo, ahi, 20.0);
    let png = draw::render(WIDTH, HEIGHT, |root| {
        let (head, body) = root.split_vertically(90);
        head.draw_text(lang.t("chart.strike.title"), &draw::bold(draw::TITLE), (16, 10)).map_err(pe)?;
        let note = if fs.static_reference { "chart.strike.ref_static" } else { "chart.strike.ref_stance" };
        head.draw_text(lang.t(note), &draw::font(draw::AXIS), (16, 48)).map_err(pe)?;
        let (plot, legend_area) = body.split_horizontally(WIDTH - 300);
        let mut ch = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((t0 - pad_t)..(t1 + pad_t), lo..hi)
            .map_err(pe)?;
        ch.configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .label_style(draw::font(draw::TICK))
            .axis_desc_style(draw::font(draw::AXIS))
            .x_desc(lang.t("chart.time_s"))
            .y_desc(lang.t("chart.strike.y"))
            .x_label_formatter(&|x| lang.num(*x, 1))
            .y_label_formatter(&|y| lang.num(*y, 0))
            .draw()
            .map_err(pe)?;
        let zones = [(THRESHOLDS_DEG[0], hi), (THRESHOLDS_DEG[1], THRESHOLDS_DEG[0]), (lo, THRESHOLDS_DEG[1])];
        for (z, (a, b)) in zones.iter().enumerate() {
            ch.draw_series(std::iter::once(Rectangle::new([(t0 - pad_t, *a), (t1 + pad_t, *b)], ZONES[z].filled())))
                .map_err(pe)?;
        }
        for th in THRESHOLDS_DEG {
            ch.draw_series(DashedLineSeries::new(
                vec![(t0 - pad_t, th), (t1 + pad_t, th)],
                10,
                6,
                draw::CUTOFF.stroke_width(2),
            ))
            .map_err(pe)?;
        }
        // Zone names at the right edge, threshold values at the lines.
        let right = t1 + pad_t;
        let name_style = |v: VPos| draw::bold(draw::AXIS).pos(Pos::new(HPos::Right, v));
        for (z, class) in [StrikeClass::Rearfoot, StrikeClass::Midfoot, StrikeClass::Forefoot].iter().enumerate() {
            let (a, b) = zones[z];
            let key = format!("chart.strike.class.{}", class.name());
            let label = lang.t(&key).to_string();
            ch.draw_series(std::iter::once(Text::new(label, (right, 0.5 * (a + b)), name_style(VPos::Center))))
                .map_err(pe)?;
        }
        for th in THRESHOLDS_DEG {
            let txt = format!("{} °", lang.num(th, 1));
            ch.draw_series(std::iter::once(Text::new(
                txt,
                (t0 - pad_t, th),
                draw::font(draw::TICK).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))
            .map_err(pe)?;
        }
        // Steps: left ● red, right ▲ blue; a thin line joins each side's steps.
        for (si, side) in [Side::Left, Side::Right].iter().enumerate() {
            let pts: Vec<(f64, f64)> =
                strikes.iter().filter(|s| s.side == *side).map(|s| (time(s.index), s.angle_deg)).collect();
            let col = draw::side_colour(si);
            ch.draw_series(LineSeries::new(pts.clone(), col.mix(0.5).stroke_width(1))).map_err(pe)?;
            if si == 0 {
                ch.draw_series(pts.iter().map(|p| Circle::new(*p, 8, col.filled()))).map_err(pe)?;
            } else {
                ch.draw_series(pts.iter().map(|p| TriangleMarker::new(*p, 10, col.filled()))).map_err(pe)?;
            }
        }
        legend(&legend_area, &strikes, lang)?;
        Ok(())
    })?;
    Ok(Some(png))
}

fn legend(area: &draw::Area, strikes: &[&crate::footstrike::Strike], lang: &Lang) -> Result<(), Error> {
    let (x0, mut y) = (10i32, 30i32);
    area.draw_text(lang.t("chart.legend"), &draw::bold(draw::CAPTION), (x0, y)).map_err(pe)?;
    y += 36;
    for (si, side) in [Side::Left, Side::Right].iter().enumerate() {
        let col = draw::side_colour(si);
        if si == 0 {
            area.draw(&Circle::new((x0 + 12, y + 10), 8, col.filled())).map_err(pe)?;
        } else {
            area.draw(&TriangleMarker::new((x0 + 12, y + 10), 10, col.filled())).map_err(pe)?;
        }
        let n = strikes.iter().filter(|s| s.side == *side).count();
        let name = lang.t(if si == 0 { "chart.left" } else { "chart.right" });
        area.draw_text(
            &lang.fill("chart.strike.side_n", &[("side", name), ("n", &n.to_string())]),
            &draw::font(draw::AXIS),
            (x0 + 32, y),
        )
        .map_err(pe)?;
        y += 32;
        // Count per class on this side.
        for class in [StrikeClass::Rearfoot, StrikeClass::Midfoot, StrikeClass::Forefoot] {
            let k = strikes.iter().filter(|s| s.side == *side && s.class == class).count();
            if k > 0 {
                let key = format!("chart.strike.class.{}", class.name());
                let label = lang.t(&key);
                area.draw_text(&format!("{label}: {k}"), &draw::font(draw::AXIS), (x0 + 32, y)).map_err(pe)?;
                y += 26;
            }
        }
        y += 12;
    }
    area.draw(&PathElement::new(vec![(x0, y + 10), (x0 + 24, y + 10)], draw::CUTOFF.stroke_width(2))).map_err(pe)?;
    for (k, line) in lang.t("chart.strike.thresholds").split('|').enumerate() {
        area.draw_text(line, &draw::font(draw::AXIS), (x0 + 32, y + 24 * k as i32)).map_err(pe)?;
    }
    Ok(())
}
