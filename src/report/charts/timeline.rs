//! The event timeline: every gait event over the raw heel and toe heights,
//! with its source (force plate, kinematic, file) in its own lane.

use super::draw::{self, Area, pe};
use crate::clean::presets::{Landmark, LandmarkKind};
use crate::error::Error;
use crate::events::{Event, EventKind, Source};
use crate::model::{Marker, Side};
use crate::report::i18n::Lang;
use crate::trial::Trial;
use plotters::prelude::*;

pub const WIDTH: u32 = 1072;
const HEAD: u32 = 96;
const STRIP: u32 = 320;
const LEGEND: u32 = 100;
/// Seconds per strip: short enough to tell the events of each step apart.
pub const STRIP_S: f64 = 10.0;
/// Strips drawn at most (longer trials: the first `MAX_STRIPS × STRIP_S` s).
pub const MAX_STRIPS: usize = 6;

/// Number of strips for a trial of `duration_s` seconds.
pub fn strips(duration_s: f64) -> usize {
    ((duration_s / STRIP_S).ceil() as usize).clamp(1, MAX_STRIPS)
}

/// Height of the chart with `n` strips.
pub fn height(n: usize) -> u32 {
    HEAD + STRIP * n as u32 + LEGEND
}

/// Lanes, top to bottom; an event's lane is its source.
const LANES: [Source; 3] = [Source::ForcePlate, Source::Kinematic, Source::File];

/// One event to draw: side (`None`: a file event without side), kind, time, source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub side: Option<Side>,
    pub kind: EventKind,
    pub time_s: f64,
    pub source: Source,
}

/// The events used, and the file's own events as a reference unless they
/// are the events used.
pub fn marks(t: &Trial, events: &[Event]) -> Vec<Mark> {
    let mut marks: Vec<Mark> =
        events.iter().map(|e| Mark { side: Some(e.side), kind: e.kind, time_s: e.time_s, source: e.source }).collect();
    if !events.iter().any(|e| e.source == Source::File) {
        marks.extend(t.file_events.iter().filter_map(|f| {
            let kind = EventKind::from_file(&f.kind)?;
            Some(Mark { side: f.side, kind, time_s: f.time_s, source: Source::File })
        }));
    }
    marks
}

fn colour(side: Option<Side>) -> RGBColor {
    match side {
        Some(Side::Left) => draw::LEFT,
        Some(Side::Right) => draw::RIGHT,
        None => draw::INK,
    }
}

/// The heel and toe (else toe tip, MT1, MT5) markers per side.
fn feet(t: &Trial) -> Vec<(Side, bool, &Marker)> {
    let mut out = Vec::new();
    for side in [Side::Left, Side::Right] {
        if let Some(m) = t.landmark(Landmark::new(side, LandmarkKind::Heel)) {
            out.push((side, false, m));
        }
        let toe = [LandmarkKind::Toe, LandmarkKind::ToeTip, LandmarkKind::Mt1, LandmarkKind::Mt5]
            .into_iter()
            .find_map(|k| t.landmark(Landmark::new(side, k)));
        if let Some(m) = toe {
            out.push((side, true, m));
        }
    }
    out
}

/// The chart; `None` when the trial has neither heel/toe markers nor events.
pub fn png(t: &Trial, events: &[Event], lang: &Lang) -> Result<Option<(Vec<u8>, u32)>, Error> {
    let feet = feet(t);
    let marks = marks(t, events);
    if (feet.is_empty() || !t.rate_hz.is_finite() || t.frames < 2) && marks.is_empty() {
        return Ok(None);
    }
    let (t0, t_end) = if t.rate_hz.is_finite() && t.frames >= 2 {
        (t.time0_s, t.time0_s + (t.frames - 1) as f64 / t.rate_hz)
    } else {
        let lo = marks.iter().map(|m| m.time_s).fold(f64::INFINITY, f64::min);
        let hi = marks.iter().map(|m| m.time_s).fold(f64::NEG_INFINITY, f64::max);
        (lo - 0.5, hi + 0.5)
    };
    let n = strips(t_end - t0);
    let shown_end = (t0 + n as f64 * STRIP_S).min(t_end);
    let h = height(n);
    let (zlo, zhi) = height_range(t, &feet, shown_end);
    // Head, strips and legend in bands of their own, drawn in parallel (the
    // strips are most of the chart's time); each part stays in its band.
    let mut bands = vec![HEAD];
    bands.extend(std::iter::repeat_n(STRIP, n));
    bands.push(LEGEND);
    debug_assert_eq!(bands.iter().sum::<u32>(), h);
    let png = draw::render_bands(WIDTH, &bands, |k, root| {
        // The canvas starts white ([`draw::render_bands`]).
        let (head, rest) = root.split_vertically(HEAD);
        let (body, foot) = rest.split_vertically(STRIP * n as u32);
        if k > 0 {
            if k <= n {
                let i = k - 1;
                let area = &body.split_evenly((n, 1))[i];
                let a = t0 + i as f64 * STRIP_S;
                let b = if n == 1 { t_end } else { a + STRIP_S };
                return strip(area, t, &feet, &marks, (a, b), (zlo, zhi), lang);
            }
            return legend(&foot, &feet, marks.iter().any(|m| m.side.is_none()), lang);
        }
        // The title names the trial: a long id shrinks the font (not below 14 px).
        let title = lang.fill("chart.timeline.title", &[("trial", &t.id)]);
        head.draw_text(&title, &draw::fit(&head, &title, draw::TITLE, WIDTH - 32, draw::bold), (16, 10)).map_err(pe)?;
        let counts: Vec<String> = LANES
            .iter()
            .map(|s| {
                let k = marks.iter().filter(|m| m.source == *s).count();
                format!("{} {k}", lang.t(&format!("chart.timeline.source.{}", s.name())))
            })
            .collect();
        let mut sub = lang.fill("chart.timeline.subtitle", &[("counts", &counts.join(", "))]);
        if shown_end < t_end - 1e-9 {
            sub.push_str(&lang.fill(
                "chart.timeline.cut",
                &[("shown", &lang.num(shown_end - t0, 0)), ("total", &lang.num(t_end - t0, 1))],
            ));
        }
        head.draw_text(&sub, &draw::font(draw::AXIS), (16, 50)).map_err(pe)?;
        Ok(())
    })?;
    Ok(Some((png, h)))
}

fn height_range(t: &Trial, feet: &[(Side, bool, &Marker)], end_s: f64) -> (f64, f64) {
    let last = if t.rate_hz.is_finite() { ((end_s - t.time0_s) * t.rate_hz).ceil() as usize + 1 } else { 0 };
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (_, _, m) in feet {
        for p in m.xyz.iter().take(last) {
            if p[2].is_finite() {
                lo = lo.min(p[2]);
                hi = hi.max(p[2]);
            }
        }
    }
    if !lo.is_finite() {
        return (0.0, 0.3);
    }
    let pad = ((hi - lo) * 0.05).max(0.005);
    (lo - pad, hi + pad)
}

fn strip(
    area: &Area,
    t: &Trial,
    feet: &[(Side, bool, &Marker)],
    marks: &[Mark],
    (a, b): (f64, f64),
    (zlo, zhi): (f64, f64),
    lang: &Lang,
) -> Result<(), Error> {
    let (top, lanes) = area.split_vertically(STRIP - 150);
    let mut ch = ChartBuilder::on(&top)
        .margin(10)
        .margin_right(24)
        .x_label_area_size(8)
        .y_label_area_size(140)
        .build_cartesian_2d(a..b, zlo..zhi)
        .map_err(pe)?;
    ch.configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .x_label_formatter(&|_| String::new())
        .y_labels(5)
        .label_style(draw::font(draw::TICK))
        .axis_desc_style(draw::font(draw::AXIS))
        .y_desc(lang.t("chart.timeline.y"))
        .y_label_formatter(&|y| lang.num(*y, 2))
        .draw()
        .map_err(pe)?;
    if feet.is_empty() {
        let style = draw::font(draw::AXIS).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ));
        ch.draw_series(std::iter::once(Text::new(
            lang.t("chart.timeline.no_feet").to_string(),
            (0.5 * (a + b), 0.5 * (zlo + zhi)),
            style,
        )))
        .map_err(pe)?;
    }
    let visible: Vec<&Mark> = marks.iter().filter(|m| m.time_s >= a && m.time_s <= b).collect();
    // Thin guide lines from each event up through the heights.
    for m in &visible {
        ch.draw_series(std::iter::once(PathElement::new(
            vec![(m.time_s, zlo), (m.time_s, zhi)],
            colour(m.side).mix(0.25).stroke_width(1),
        )))
        .map_err(pe)?;
    }
    if t.rate_hz.is_finite() {
        let i0 = ((a - t.time0_s) * t.rate_hz).floor().max(0.0) as usize;
        let i1 = (((b - t.time0_s) * t.rate_hz).ceil() as usize + 1).min(t.frames);
        for (side, toe, m) in feet {
            let pts: Vec<(f64, f64)> = (i0..i1.min(m.xyz.len()))
                .filter(|&i| m.xyz[i][2].is_finite())
                .map(|i| (t.time0_s + i as f64 / t.rate_hz, m.xyz[i][2]))
                .collect();
            let si = if *side == Side::Left { 0 } else { 1 };
            let width = if *toe { 1 } else { 3 };
            draw::side_line(&mut ch, pts, si, width)?;
        }
    }
    // Lanes: one row per source, strike ▲ and off ●.
    let mut lc = ChartBuilder::on(&lanes)
        .margin(10)
        .margin_top(0)
        .margin_right(24)
        .x_label_area_size(44)
        .y_label_area_size(140)
        .build_cartesian_2d(a..b, -0.5..(LANES.len() as f64 - 0.5))
        .map_err(pe)?;
    lc.configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(230, 230, 230))
        .y_labels(LANES.len())
        .label_style(draw::font(draw::TICK))
        .axis_desc_style(draw::font(draw::AXIS))
        .x_desc(lang.t("chart.time_s"))
        .x_label_formatter(&|x| lang.num(*x, 1))
        .y_label_formatter(&|y| {
            let k = y.round();
            if (y - k).abs() > 0.01 || k < 0.0 {
                return String::new();
            }
            let lane = LANES.len() - 1 - k as usize;
            LANES
                .get(lane)
                .map(|s| lang.t(&format!("chart.timeline.source.{}", s.name())).to_string())
                .unwrap_or_default()
        })
        .draw()
        .map_err(pe)?;
    for m in &visible {
        let lane = LANES.iter().position(|s| *s == m.source).unwrap_or(0);
        let y = (LANES.len() - 1 - lane) as f64;
        let col = colour(m.side);
        match m.kind {
            EventKind::FootStrike => {
                lc.draw_series(std::iter::once(TriangleMarker::new((m.time_s, y), 9, col.filled()))).map_err(pe)?
            }
            EventKind::FootOff => {
                lc.draw_series(std::iter::once(Circle::new((m.time_s, y), 7, col.filled()))).map_err(pe)?
            }
        };
    }
    Ok(())
}

fn legend(area: &Area, feet: &[(Side, bool, &Marker)], unsided: bool, lang: &Lang) -> Result<(), Error> {
    let f = draw::font(draw::AXIS);
    let (mut x, mut y) = (16, 14);
    // The next item of `w` px (symbol and text) on this line, else on the next.
    let mut place = |w: i32| {
        if x > 16 && x + w > WIDTH as i32 - 16 {
            x = 16;
            y += 28;
        }
        let at = (x, y);
        x += w + 24;
        at
    };
    for (side, toe, m) in feet {
        let si = if *side == Side::Left { 0 } else { 1 };
        let col = draw::side_colour(si);
        let w = if *toe { 1 } else { 3 };
        let key = match (toe, si) {
            (false, 0) => "chart.timeline.heel_left",
            (false, _) => "chart.timeline.heel_right",
            (true, 0) => "chart.timeline.toe_left",
            (true, _) => "chart.timeline.toe_right",
        };
        let text = format!("{} ({})", lang.t(key), m.name);
        let (x, y) = place(46 + draw::text_width(area, &text, &f));
        if si == 0 {
            area.draw(&PathElement::new(vec![(x, y + 9), (x + 36, y + 9)], col.stroke_width(w))).map_err(pe)?;
        } else {
            for k in 0..3 {
                let a = x + k * 14;
                area.draw(&PathElement::new(vec![(a, y + 9), (a + 9, y + 9)], col.stroke_width(w))).map_err(pe)?;
            }
        }
        area.draw_text(&text, &f, (x + 46, y)).map_err(pe)?;
    }
    let strike = lang.t("chart.timeline.strike");
    let (x, y) = place(26 + draw::text_width(area, strike, &f));
    area.draw(&TriangleMarker::new((x + 10, y + 10), 9, draw::INK.filled())).map_err(pe)?;
    area.draw_text(strike, &f, (x + 26, y)).map_err(pe)?;
    let off = lang.t("chart.timeline.off");
    let (x, y) = place(26 + draw::text_width(area, off, &f));
    area.draw(&Circle::new((x + 10, y + 10), 7, draw::INK.filled())).map_err(pe)?;
    area.draw_text(off, &f, (x + 26, y)).map_err(pe)?;
    if unsided {
        area.draw_text(lang.t("chart.timeline.unsided"), &f, (16, y + 28)).map_err(pe)?;
    }
    Ok(())
}
