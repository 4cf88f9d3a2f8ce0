//! Joint-angle curves over the gait cycle in the clinical layout.

// The side index addresses several parallel arrays (stats, foot off, counts).
#![allow(clippy::needless_range_loop)]

use super::draw::{self, Area, pe};
use crate::angles::VARIABLES;
use crate::angles::cycles::{AngleCycles, mean_sd};
use crate::error::Error;
use crate::model::Side;
use crate::report::i18n::Lang;
use crate::report::norms::Norms;
use crate::spatiotemporal::Stride;
use plotters::prelude::*;

/// Mean and SD curves of one variable and side (`None`: no cycle).
type MeanSd = Option<([f64; 101], [f64; 101])>;

pub const WIDTH: u32 = 1072;
pub const HEIGHT: u32 = 1380;
const HEAD: u32 = 80;

/// The clinical layout (Vicon Polygon, gaitutils "lb_kinematics"): rows
/// pelvis, hip, knee, ankle, foot; columns sagittal, frontal, transverse.
/// Entries index [`VARIABLES`]; `None` is an empty slot.
pub const LAYOUT: [[Option<usize>; 3]; 5] = [
    [Some(0), Some(1), Some(2)],
    [Some(3), Some(4), Some(5)],
    [Some(6), Some(7), Some(8)],
    [Some(9), Some(10), Some(11)],
    [None, None, Some(12)],
];

/// Mean foot off of a side's strides, % of the cycle.
pub fn foot_off_pct(strides: &[Stride], side: Side) -> Option<f64> {
    let v: Vec<f64> = strides
        .iter()
        .filter(|s| s.side == Some(side) && s.end > s.start)
        .filter_map(|s| s.foot_off.map(|f| (f as f64 - s.start as f64) / (s.end - s.start) as f64 * 100.0))
        .filter(|p| (0.0..100.0).contains(p))
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The chart; `None` without a cycle on either side. `model` names the
/// angle model in the title.
pub fn png(
    c: &AngleCycles,
    model: &str,
    strides: &[Stride],
    lang: &Lang,
    norms: Option<&Norms>,
) -> Result<Option<Vec<u8>>, Error> {
    if c.cycles.iter().all(|s| s.iter().all(|v| v.is_empty())) {
        return Ok(None);
    }
    let stats: [Vec<MeanSd>; 2] =
        std::array::from_fn(|s| c.cycles[s].iter().map(|cy| (!cy.is_empty()).then(|| mean_sd(cy))).collect());
    let n_cycles: [usize; 2] = std::array::from_fn(|s| c.cycles[s].iter().map(|v| v.len()).max().unwrap_or(0));
    let fo = [foot_off_pct(strides, Side::Left), foot_off_pct(strides, Side::Right)];
    // Exact anti-aliasing: the translucent SD bands of both sides, the norm
    // band and the sloped lines over them blend into more than 256 colours
    // even with quantised coverage, so the chart is stored as RGB anyway.
    draw::render_with(WIDTH, HEIGHT, 0.0, |root| {
        let (head, body) = root.split_vertically(HEAD);
        head.draw_text(&lang.fill("chart.angles.title_model", &[("model", model)]), &draw::bold(draw::TITLE), (16, 10))
            .map_err(pe)?;
        let cols = head.split_evenly((1, 3));
        for (i, key) in ["chart.angles.sagittal", "chart.angles.frontal", "chart.angles.transverse"].iter().enumerate()
        {
            let style = draw::bold(draw::CAPTION).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Top,
            ));
            cols[i].draw_text(lang.t(key), &style, ((WIDTH / 6) as i32, 50)).map_err(pe)?;
        }
        let row_h = (HEIGHT - HEAD) / LAYOUT.len() as u32;
        let (grid, last) = body.split_vertically(row_h * (LAYOUT.len() as u32 - 1));
        let panels = grid.split_evenly((LAYOUT.len() - 1, 3));
        for (r, row) in LAYOUT[..LAYOUT.len() - 1].iter().enumerate() {
            for (col, slot) in row.iter().enumerate() {
                if let Some(v) = slot {
                    panel(&panels[r * 3 + col], *v, &stats, fo, lang, norms)?;
                }
            }
        }
        // Last row: the legend where the empty slots are, then the panels.
        let (legend_area, rest) = last.split_horizontally(WIDTH * 2 / 3);
        legend(&legend_area, n_cycles, fo, lang, norms)?;
        if let Some(v) = LAYOUT[LAYOUT.len() - 1][2] {
            panel(&rest, v, &stats, fo, lang, norms)?;
        }
        Ok(())
    })
    .map(Some)
}

fn panel(
    area: &Area,
    v: usize,
    stats: &[Vec<MeanSd>; 2],
    fo: [Option<f64>; 2],
    lang: &Lang,
    norms: Option<&Norms>,
) -> Result<(), Error> {
    let var = VARIABLES[v];
    let norm = norms.and_then(|n| n.curve(var));
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut widen = |m: &[f64; 101], sd: &[f64; 101]| {
        for p in 0..101 {
            let s = if sd[p].is_finite() { sd[p] } else { 0.0 };
            lo = lo.min(m[p] - s);
            hi = hi.max(m[p] + s);
        }
    };
    for st in stats.iter() {
        if let Some(Some((m, sd))) = st.get(v) {
            widen(m, sd);
        }
    }
    if let Some(n) = norm {
        widen(&n.mean, &n.sd);
    }
    let (lo, hi) = draw::padded(lo, hi, 10.0);
    let key = format!("chart.angles.var.{var}");
    let caption = lang.t(&key);
    let cap_style = draw::fit(area, caption, draw::CAPTION, area.dim_in_pixel().0.saturating_sub(12), draw::bold);
    let mut ch = ChartBuilder::on(area)
        .caption(caption, cap_style)
        .margin(6)
        .margin_right(14)
        .x_label_area_size(44)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..100.0, lo..hi)
        .map_err(pe)?;
    let xs: Vec<f64> = (0..101).map(|p| p as f64).collect();
    ch.configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(232, 232, 232))
        .x_labels(6)
        .y_labels(6)
        .label_style(draw::font(draw::TICK))
        .axis_desc_style(draw::font(draw::AXIS))
        .x_desc(lang.t("chart.angles.x"))
        .y_desc(lang.t("chart.angles.y"))
        .x_label_formatter(&|x| lang.num(*x, 0))
        .y_label_formatter(&|y| lang.num(*y, 0))
        .draw()
        .map_err(pe)?;
    if let Some(n) = norm {
        let l: Vec<f64> = (0..101).map(|p| n.mean[p] - n.sd[p]).collect();
        let h: Vec<f64> = (0..101).map(|p| n.mean[p] + n.sd[p]).collect();
        draw::band(&mut ch, &xs, &l, &h, draw::NORM.filled())?;
    }
    if lo < 0.0 && hi > 0.0 {
        ch.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (100.0, 0.0)], draw::CUTOFF.stroke_width(1))))
            .map_err(pe)?;
    }
    for s in 0..2 {
        if let Some(Some((m, sd))) = stats[s].get(v)
            && sd.iter().all(|x| x.is_finite())
        {
            let l: Vec<f64> = (0..101).map(|p| m[p] - sd[p]).collect();
            let h: Vec<f64> = (0..101).map(|p| m[p] + sd[p]).collect();
            draw::band(&mut ch, &xs, &l, &h, draw::side_colour(s).mix(0.18).filled())?;
        }
    }
    for s in 0..2 {
        if let Some(f) = fo[s]
            && stats[s].get(v).is_some_and(|x| x.is_some())
        {
            draw::side_line(&mut ch, vec![(f, lo), (f, hi)], s, 2)?;
        }
    }
    let mut any = false;
    for s in 0..2 {
        if let Some(Some((m, _))) = stats[s].get(v) {
            draw::side_line(&mut ch, xs.iter().zip(m).map(|(a, b)| (*a, *b)).collect(), s, 3)?;
            any = true;
        }
    }
    if !any {
        let style = draw::font(draw::AXIS).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
        ch.draw_series(std::iter::once(Text::new(lang.t("chart.no_data").to_string(), (50.0, 0.5 * (lo + hi)), style)))
            .map_err(pe)?;
    }
    Ok(())
}

fn legend(area: &Area, n: [usize; 2], fo: [Option<f64>; 2], lang: &Lang, norms: Option<&Norms>) -> Result<(), Error> {
    let (x0, mut y) = (40i32, 40i32);
    let f = draw::font(draw::AXIS);
    area.draw_text(lang.t("chart.legend"), &draw::bold(draw::CAPTION), (x0, y - 28)).map_err(pe)?;
    for s in 0..2 {
        let col = draw::side_colour(s);
        let style = col.stroke_width(3);
        if s == 0 {
            area.draw(&PathElement::new(vec![(x0, y + 9), (x0 + 50, y + 9)], style)).map_err(pe)?;
        } else {
            for k in 0..4 {
                let a = x0 + k * 14;
                area.draw(&PathElement::new(vec![(a, y + 9), (a + 9, y + 9)], style)).map_err(pe)?;
            }
        }
        let side = lang.t(if s == 0 { "chart.left" } else { "chart.right" });
        let text = lang.fill("chart.angles.side_mean", &[("side", side), ("n", &n[s].to_string())]);
        area.draw_text(&text, &f, (x0 + 64, y)).map_err(pe)?;
        y += 30;
    }
    for s in 0..2 {
        area.draw(&Rectangle::new([(x0, y + 2), (x0 + 50, y + 18)], draw::side_colour(s).mix(0.18).filled()))
            .map_err(pe)?;
        let side = lang.t(if s == 0 { "chart.left" } else { "chart.right" });
        area.draw_text(&lang.fill("chart.sd_band", &[("side", side)]), &f, (x0 + 64, y)).map_err(pe)?;
        y += 30;
    }
    if let Some(nm) = norms {
        area.draw(&Rectangle::new([(x0, y + 2), (x0 + 50, y + 18)], draw::NORM.filled())).map_err(pe)?;
        let name = nm.source.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        area.draw_text(&lang.fill("chart.norm_band", &[("file", &name)]), &f, (x0 + 64, y)).map_err(pe)?;
        y += 30;
    }
    let pct = |v: Option<f64>| v.map(|p| format!("{} %", lang.num(p, 1))).unwrap_or_else(|| "–".into());
    let text = lang.fill("chart.angles.foot_off", &[("left", &pct(fo[0])), ("right", &pct(fo[1]))]);
    area.draw(&PathElement::new(vec![(x0 + 16, y - 2), (x0 + 16, y + 22)], draw::LEFT.stroke_width(2))).map_err(pe)?;
    for k in 0..3 {
        let a = y - 2 + k * 9;
        area.draw(&PathElement::new(vec![(x0 + 34, a), (x0 + 34, a + 5)], draw::RIGHT.stroke_width(2))).map_err(pe)?;
    }
    area.draw_text(&text, &f, (x0 + 64, y)).map_err(pe)?;
    Ok(())
}
