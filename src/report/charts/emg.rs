//! EMG envelopes per gait cycle (hamstrings and quadriceps per side) with
//! the normal activation windows shaded.

use super::draw::{self, pe};
use crate::angles::cycles::mean_sd;
use crate::clean::muscles::MuscleGroup;
use crate::error::Error;
use crate::imbalance::emg::{EmgImbalance, NORMAL_STANCE_PCT, SideEmg};
use crate::model::Side;
use crate::report::i18n::Lang;
use crate::spatiotemporal::Stride;
use crate::trial::Trial;
use plotters::prelude::*;

pub const WIDTH: u32 = 1072;
pub const HEIGHT: u32 = 866;
const HEAD: u32 = 176;

/// Shade of the normal activation windows.
pub const WINDOW: RGBColor = RGBColor(222, 236, 214);
/// The normal peak windows the EMG findings check
/// ([`crate::imbalance::emg::normal_peak_windows`]): a bar along the top.
pub const PEAK_WINDOW: RGBColor = RGBColor(86, 140, 70);

/// Normal activation windows in walking, % of a cycle with 60 % stance
/// (Perry & Burnfield 2010, Gait Analysis, 2nd ed., chapters "Hip" and
/// "Knee"; read off their timing diagrams, so approximate): hamstrings
/// (BF, ST, SM, MH) from terminal swing through loading response; vasti
/// (VL, VM, VI) from late terminal swing to early midstance; rectus femoris
/// in pre-swing and initial swing. A window `[a, b]` with `a > b` wraps
/// through 0 %. They are scaled to the side's own stance share as
/// [`crate::imbalance::emg::phase_windows`] scales the phases.
pub fn normal_windows(muscle: &str) -> &'static [(f64, f64)] {
    match muscle {
        "BF" | "ST" | "SM" | "MH" | "HAM" => &[(85.0, 10.0)],
        "VL" | "VM" | "VI" | "QUAD" => &[(95.0, 20.0)],
        "RF" => &[(55.0, 65.0)],
        _ => &[],
    }
}

/// A % of a 60 %-stance cycle moved to a cycle with `stance` % stance.
pub fn scale_pct(x: f64, stance: f64) -> f64 {
    let st = stance.clamp(5.0, 95.0);
    if x <= NORMAL_STANCE_PCT {
        x * st / NORMAL_STANCE_PCT
    } else {
        st + (x - NORMAL_STANCE_PCT) / (100.0 - NORMAL_STANCE_PCT) * (100.0 - st)
    }
}

/// One stride of an envelope resampled to 101 points, as the EMG stage cuts
/// it ([`crate::imbalance::emg::cycle_of`]); `None` when it leaves the
/// channel or crosses a gap.
fn cut(env: &[f64], rate: f64, ch_t0: f64, t0: f64, t1: f64) -> Option<[f64; 101]> {
    crate::imbalance::emg::cycle_of(env, rate, ch_t0, t0, t1)?.try_into().ok()
}

/// Per stride of the side, the group's mean envelope (mean over the group's
/// channels, as [`crate::imbalance::emg`] averages them): the cycles whose
/// mean and SD the chart draws.
pub fn group_cycles(t: &Trial, strides: &[Stride], e: &EmgImbalance, s: &SideEmg, g: MuscleGroup) -> Vec<[f64; 101]> {
    let Some(side) = s.side else { return Vec::new() };
    let chans: Vec<_> = s.channels.iter().map(|&i| &e.channels[i]).filter(|c| c.group == g).collect();
    if chans.is_empty() {
        return Vec::new();
    }
    strides
        .iter()
        .filter(|st| st.side == Some(side) && st.end > st.start)
        .filter_map(|st| {
            let t0 = t.time0_s + st.start as f64 / t.rate_hz;
            let t1 = t.time0_s + st.end as f64 / t.rate_hz;
            let mut sum = [0.0; 101];
            for c in &chans {
                let ch_t0 = t.analogs.iter().find(|a| a.name == c.name).map_or(t.time0_s, |a| a.time0_s);
                let cy = cut(&c.envelope, c.rate_hz, ch_t0, t0, t1)?;
                for p in 0..101 {
                    sum[p] += cy[p] / chans.len() as f64;
                }
            }
            Some(sum)
        })
        .collect()
}

/// `running`: the walking activation windows are not drawn (they do not
/// hold for running); the normal peak windows are.
pub fn png(
    t: &Trial,
    strides: &[Stride],
    e: &EmgImbalance,
    running: bool,
    lang: &Lang,
) -> Result<Option<Vec<u8>>, Error> {
    let groups = [MuscleGroup::Hamstrings, MuscleGroup::Quadriceps];
    let sides = [Side::Left, Side::Right];
    // [group][side] cycles.
    let cycles: Vec<Vec<Vec<[f64; 101]>>> = groups
        .iter()
        .map(|&g| {
            sides
                .iter()
                .map(|&sd| e.side(Some(sd)).map(|s| group_cycles(t, strides, e, s, g)).unwrap_or_default())
                .collect()
        })
        .collect();
    if cycles.iter().flatten().all(|c| c.is_empty()) {
        return Ok(None);
    }
    let ymax = cycles
        .iter()
        .flatten()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (m, sd) = mean_sd(c);
            (0..101).map(|p| m[p] + if sd[p].is_finite() { sd[p] } else { 0.0 }).fold(0.0, f64::max)
        })
        .fold(0.0, f64::max);
    let ymax = (ymax * 1.1).max(0.05);
    let png = draw::render(WIDTH, HEIGHT, |root| {
        let (head, body) = root.split_vertically(HEAD);
        head.draw_text(lang.t("chart.emg.title"), &draw::bold(draw::TITLE), (16, 10)).map_err(pe)?;
        head.draw_text(lang.t("chart.emg.subtitle"), &draw::font(draw::AXIS), (16, 48)).map_err(pe)?;
        let panels = body.split_evenly((2, 2));
        for (gi, g) in groups.iter().enumerate() {
            for (si, side) in sides.iter().enumerate() {
                let area = &panels[gi * 2 + si];
                let Some(s) = e.side(Some(*side)) else { continue };
                let c = &cycles[gi][si];
                let muscles: Vec<&str> = s
                    .channels
                    .iter()
                    .map(|&i| &e.channels[i])
                    .filter(|ch| ch.group == *g)
                    .map(|ch| ch.muscle)
                    .collect();
                let gname = lang.t(if gi == 0 { "chart.emg.hamstrings" } else { "chart.emg.quadriceps" });
                let sname = lang.t(if si == 0 { "chart.left" } else { "chart.right" });
                let caption = lang.fill(
                    "chart.emg.panel",
                    &[("group", gname), ("side", sname), ("muscles", &muscles.join(", ")), ("n", &c.len().to_string())],
                );
                let mut ch = ChartBuilder::on(area)
                    .caption(&caption, draw::fit(area, &caption, draw::CAPTION, area.dim_in_pixel().0 - 16, draw::bold))
                    .margin(12)
                    .margin_right(20)
                    .x_label_area_size(46)
                    .y_label_area_size(70)
                    .build_cartesian_2d(0.0..100.0, 0.0..ymax)
                    .map_err(pe)?;
                let mut spans = Vec::new();
                for m in &muscles {
                    for &(a, b) in normal_windows(m) {
                        let (a, b) = (scale_pct(a, s.stance_pct), scale_pct(b, s.stance_pct));
                        if a <= b {
                            spans.push((a, b));
                        } else {
                            spans.push((a, 100.0));
                            spans.push((0.0, b));
                        }
                    }
                }
                ch.configure_mesh()
                    .light_line_style(WHITE)
                    .bold_line_style(RGBColor(228, 228, 228))
                    .x_labels(11)
                    .y_labels(6)
                    .label_style(draw::font(draw::TICK))
                    .axis_desc_style(draw::font(draw::AXIS))
                    .x_desc(lang.t("chart.angles.x"))
                    .y_desc(lang.t("chart.emg.y"))
                    .x_label_formatter(&|x| lang.num(*x, 0))
                    .y_label_formatter(&|y| lang.num(*y, 2))
                    .draw()
                    .map_err(pe)?;
                for (a, b) in spans.iter().filter(|_| !running) {
                    ch.draw_series(std::iter::once(Rectangle::new([(*a, 0.0), (*b, ymax)], WINDOW.filled())))
                        .map_err(pe)?;
                }
                for w in crate::imbalance::emg::normal_peak_windows(*g, s.stance_pct) {
                    let (a, b) = (w[0], w[1]);
                    ch.draw_series(std::iter::once(Rectangle::new(
                        [(a, 0.96 * ymax), (b, ymax)],
                        PEAK_WINDOW.filled(),
                    )))
                    .map_err(pe)?;
                }
                // Foot off: the side's mean stance share.
                draw::side_line(&mut ch, vec![(s.stance_pct, 0.0), (s.stance_pct, ymax)], si, 2)?;
                if c.is_empty() {
                    continue;
                }
                let (m, sd) = mean_sd(c);
                let xs: Vec<f64> = (0..101).map(|p| p as f64).collect();
                if sd.iter().all(|x| x.is_finite()) {
                    let lo: Vec<f64> = (0..101).map(|p| (m[p] - sd[p]).max(0.0)).collect();
                    let hi: Vec<f64> = (0..101).map(|p| m[p] + sd[p]).collect();
                    draw::band(&mut ch, &xs, &lo, &hi, draw::side_colour(si).mix(0.2).filled())?;
                }
                draw::side_line(&mut ch, xs.iter().zip(&m).map(|(a, b)| (*a, *b)).collect(), si, 3)?;
            }
        }
        // Legend: header lines 3 to 5 (the normal windows only in walking).
        let y = 80;
        if !running {
            head.draw(&Rectangle::new([(16, y), (56, y + 20)], WINDOW.filled())).map_err(pe)?;
            head.draw_text(lang.t("chart.emg.normal"), &draw::font(draw::AXIS), (66, y + 1)).map_err(pe)?;
        }
        let y = if running { 80 } else { 110 };
        head.draw(&PathElement::new(vec![(16, y + 10), (34, y + 10)], draw::LEFT.stroke_width(3))).map_err(pe)?;
        for k in 0..2 {
            let a = 40 + k * 12;
            head.draw(&PathElement::new(vec![(a, y + 10), (a + 7, y + 10)], draw::RIGHT.stroke_width(3)))
                .map_err(pe)?;
        }
        head.draw_text(lang.t("chart.emg.mean_sd"), &draw::font(draw::AXIS), (66, y + 1)).map_err(pe)?;
        let y = y + 30;
        head.draw(&Rectangle::new([(16, y + 4), (56, y + 14)], PEAK_WINDOW.filled())).map_err(pe)?;
        head.draw_text(lang.t("chart.emg.peak_window"), &draw::font(draw::AXIS), (66, y + 1)).map_err(pe)?;
        Ok(())
    })?;
    Ok(Some(png))
}
