//! Hamstring : quadriceps ratios against their cut-offs: EMG activation
//! ratios per gait phase, and dynamometer strength ratios when the trial has
//! a dynamometer file.

use super::draw::{self, Area, pe};
use crate::error::Error;
use crate::imbalance::dynamometer::{DynamometerResult, Ratio};
use crate::imbalance::emg::{EmgImbalance, PHASES};
use crate::imbalance::findings::{EMG_SI_MARKED, EMG_SI_MILD};
use crate::model::Side;
use crate::report::i18n::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const WIDTH: u32 = 1072;
const HEAD: u32 = 90;
/// Height of one panel (EMG or dynamometer; stacked, full width).
const PANEL: u32 = 400;
/// Height of a panel's note lines under its plot.
const NOTE_LINE: u32 = 24;

/// Height of the chart with `panels` panels (1 or 2).
pub fn height(panels: u32) -> u32 {
    HEAD + PANEL * panels
}

type Ctx<'a, 'b> = ChartContext<
    'a,
    draw::Canvas<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// One group of bars: its label and the (left, right) values.
struct Group {
    /// `"emg"`, or the dynamometer ratio kind (`"conventional"`, ...).
    kind: &'static str,
    label: String,
    values: [Option<f64>; 2],
}

pub fn png(
    emg: Option<&EmgImbalance>,
    dynamo: Option<&DynamometerResult>,
    lang: &Lang,
) -> Result<Option<(Vec<u8>, u32)>, Error> {
    let finite = |mut g: Vec<Group>| {
        for x in &mut g {
            x.values = x.values.map(|v| v.filter(|v| v.is_finite()));
        }
        g
    };
    let emg_groups = finite(emg.map(|e| emg_groups(e, lang)).unwrap_or_default());
    let dyn_groups = finite(dynamo.map(|d| dyn_groups(d, lang)).unwrap_or_default());
    let has = |g: &[Group]| g.iter().any(|g| g.values.iter().any(|v| v.is_some()));
    let (he, hd) = (has(&emg_groups), has(&dyn_groups));
    if !he && !hd {
        return Ok(None);
    }
    let h = height(u32::from(he) + u32::from(hd));
    let png = draw::render(WIDTH, h, |root| {
        let (head, body) = root.split_vertically(HEAD);
        head.draw_text(lang.t("chart.hq.title"), &draw::bold(draw::TITLE), (16, 10)).map_err(pe)?;
        legend(&head, hd, lang)?;
        let (ea, da) = match (he, hd) {
            (true, true) => {
                let (a, b) = body.split_vertically(PANEL);
                (Some(a), Some(b))
            }
            (true, false) => (Some(body), None),
            _ => (None, Some(body)),
        };
        if let (Some(area), Some(e)) = (ea, emg) {
            emg_panel(&area, &emg_groups, e, lang)?;
        }
        if let (Some(area), Some(d)) = (da, dynamo) {
            dyn_panel(&area, &dyn_groups, d, lang)?;
        }
        Ok(())
    })?;
    Ok(Some((png, h)))
}

fn legend(head: &Area, cutoffs: bool, lang: &Lang) -> Result<(), Error> {
    let (mut x, y) = (16, 54);
    for s in 0..2 {
        swatch(head, x, y, s)?;
        let name = lang.t(if s == 0 { "chart.left" } else { "chart.right" });
        head.draw_text(name, &draw::font(draw::AXIS), (x + 34, y)).map_err(pe)?;
        x += 140;
    }
    if cutoffs {
        head.draw(&PathElement::new(vec![(x, y + 9), (x + 40, y + 9)], draw::CUTOFF.stroke_width(2))).map_err(pe)?;
        head.draw_text(lang.t("chart.hq.cutoff_legend"), &draw::font(draw::AXIS), (x + 50, y)).map_err(pe)?;
    }
    Ok(())
}

/// Left: solid fill; right: light fill with a solid outline.
fn swatch(a: &Area, x: i32, y: i32, s: usize) -> Result<(), Error> {
    let col = draw::side_colour(s);
    if s == 0 {
        a.draw(&Rectangle::new([(x, y), (x + 24, y + 18)], col.filled())).map_err(pe)?;
    } else {
        a.draw(&Rectangle::new([(x, y), (x + 24, y + 18)], col.mix(0.45).filled())).map_err(pe)?;
        a.draw(&Rectangle::new([(x, y), (x + 24, y + 18)], col.stroke_width(3))).map_err(pe)?;
    }
    Ok(())
}

fn emg_groups(e: &EmgImbalance, lang: &Lang) -> Vec<Group> {
    let side = |s: Side| e.side(Some(s));
    let mut out: Vec<Group> = PHASES
        .iter()
        .enumerate()
        .map(|(i, (name, _, _))| Group {
            kind: "emg",
            label: lang.t(&format!("chart.hq.phase.{name}")).to_string(),
            values: [Side::Left, Side::Right]
                .map(|s| side(s).and_then(|x| x.hq_ratio_phases.get(i).copied().flatten())),
        })
        .collect();
    out.push(Group {
        kind: "emg",
        label: lang.t("chart.hq.cycle").to_string(),
        values: [Side::Left, Side::Right].map(|s| side(s).and_then(|x| x.hq_ratio)),
    });
    if out.iter().all(|g| g.values.iter().all(|v| v.is_none())) {
        // EMG without strides: the recording-level ratio (mean envelopes).
        return vec![Group {
            kind: "emg",
            label: lang.t("chart.hq.recording").to_string(),
            values: [Side::Left, Side::Right].map(|s| side(s).and_then(|x| x.hq_ratio_recording)),
        }];
    }
    out
}

/// Dynamometer ratio kinds in drawing order: (key, cut-offs (mild, marked)).
fn dyn_groups(d: &DynamometerResult, lang: &Lang) -> Vec<Group> {
    let mut out = Vec::new();
    for (key, list) in [("conventional", &d.conventional), ("functional", &d.functional), ("mixed", &d.mixed)] {
        let mut speeds: Vec<(f64, f64)> =
            list.iter().map(|r| (r.hamstrings_velocity_deg_s, r.quadriceps_velocity_deg_s)).collect();
        speeds.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        speeds.dedup();
        for (vh, vq) in speeds {
            let pick = |s: Side| {
                list.iter()
                    .find(|r: &&Ratio| {
                        r.side == s && r.hamstrings_velocity_deg_s == vh && r.quadriceps_velocity_deg_s == vq
                    })
                    .map(|r| r.ratio)
            };
            let speed = if vh == vq {
                format!("{} °/s", lang.num(vh, 0))
            } else {
                format!("{}:{} °/s", lang.num(vh, 0), lang.num(vq, 0))
            };
            out.push(Group {
                kind: key,
                label: format!("{}|{speed}", lang.t(&format!("chart.hq.{key}"))),
                values: [pick(Side::Left), pick(Side::Right)],
            });
        }
    }
    out
}

fn bars_chart<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    groups: &[Group],
    ymax: f64,
    lang: &Lang,
) -> Result<Ctx<'a, 'b>, Error> {
    let n = groups.len() as f64;
    let mut ch = ChartBuilder::on(area)
        .caption(caption, draw::bold(draw::CAPTION))
        .margin(10)
        .margin_right(24)
        .x_label_area_size(56)
        .y_label_area_size(70)
        .build_cartesian_2d((0.5 * n - 0.5 * n.max(3.0))..(0.5 * n + 0.5 * n.max(3.0)), 0.0..ymax)
        .map_err(pe)?;
    ch.configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(228, 228, 228))
        .y_labels(8)
        .label_style(draw::font(draw::TICK))
        .axis_desc_style(draw::font(draw::AXIS))
        .y_desc(lang.t("chart.hq.y"))
        .y_label_formatter(&|y| lang.num(*y, 1))
        .draw()
        .map_err(pe)?;
    // Category labels under the groups (two lines where the label has a '|').
    let (ax, ay) = area.get_base_pixel();
    for (i, g) in groups.iter().enumerate() {
        let (bx, by) = ch.backend_coord(&(i as f64 + 0.5, 0.0));
        for (k, line) in g.label.split('|').enumerate() {
            let style = draw::font(draw::TICK).pos(Pos::new(HPos::Center, VPos::Top));
            area.draw_text(line, &style, (bx - ax, by - ay + 8 + 19 * k as i32)).map_err(pe)?;
        }
    }
    for (i, g) in groups.iter().enumerate() {
        for (s, v) in g.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let x0 = i as f64 + 0.12 + 0.38 * s as f64;
            let x1 = x0 + 0.36;
            let col = draw::side_colour(s);
            if s == 0 {
                ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, *v)], col.filled()))).map_err(pe)?;
            } else {
                ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, *v)], col.mix(0.45).filled())))
                    .map_err(pe)?;
                ch.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, *v)], col.stroke_width(3))))
                    .map_err(pe)?;
            }
            ch.draw_series(std::iter::once(Text::new(
                lang.num(*v, 2),
                (0.5 * (x0 + x1), *v + 0.01 * ymax),
                draw::font(draw::TICK).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))
            .map_err(pe)?;
        }
    }
    Ok(ch)
}

fn ymax_of(groups: &[Group], floor: f64) -> f64 {
    let m = groups.iter().flat_map(|g| g.values.iter().flatten()).fold(floor, |a, b| a.max(*b));
    m * 1.18
}

fn emg_panel(panel: &Area, groups: &[Group], e: &EmgImbalance, lang: &Lang) -> Result<(), Error> {
    let ymax = ymax_of(groups, 1.0);
    let (area, note_area) = panel.split_vertically(PANEL - NOTE_LINE - 8);
    let mut ch = bars_chart(&area, lang.t("chart.hq.emg_caption"), groups, ymax, lang)?;
    let n = groups.len() as f64;
    // Equal activation: a reference, not a cut-off.
    ch.draw_series(DashedLineSeries::new(vec![(0.0, 1.0), (n, 1.0)], 4, 4, draw::CUTOFF.stroke_width(1)))
        .map_err(pe)?;
    let si = e.symmetry_index_pct;
    let text = match si {
        Some(v) => lang.fill(
            "chart.hq.emg_si",
            &[
                ("si", &format!("{}{}", if v > 0.0 { "+" } else { "" }, lang.num(v, 1))),
                ("mild", &lang.num(EMG_SI_MILD, 0)),
                ("marked", &lang.num(EMG_SI_MARKED, 0)),
            ],
        ),
        None => lang.t("chart.hq.emg_no_si").to_string(),
    };
    let flagged = si.is_some_and(|v| v.abs() >= EMG_SI_MILD);
    let style = if flagged { draw::bold(draw::AXIS).color(&draw::FLAG) } else { draw::font(draw::AXIS) };
    note_area.draw_text(&text, &style, (84, 0)).map_err(pe)?;
    Ok(())
}

fn dyn_panel(panel: &Area, groups: &[Group], d: &DynamometerResult, lang: &Lang) -> Result<(), Error> {
    let ymax = ymax_of(groups, 1.05);
    let (area, note_area) = panel.split_vertically(PANEL - 2 * NOTE_LINE - 8);
    let mut ch = bars_chart(&area, lang.t("chart.hq.dyn_caption"), groups, ymax, lang)?;
    // Cut-off lines over the groups of their kind.
    let c = &d.cutoffs;
    for (i, g) in groups.iter().enumerate() {
        let lines: Vec<(f64, bool)> = if g.kind == "conventional" {
            vec![(c.conventional_mild, false), (c.conventional_marked, true)]
        } else {
            vec![(c.functional_mild, false), (1.0, true)]
        };
        for (y, dashed) in lines {
            let pts = vec![(i as f64 + 0.04, y), (i as f64 + 0.96, y)];
            if dashed {
                ch.draw_series(DashedLineSeries::new(pts, 8, 5, draw::CUTOFF.stroke_width(2))).map_err(pe)?;
            } else {
                ch.draw_series(LineSeries::new(pts, draw::CUTOFF.stroke_width(2))).map_err(pe)?;
            }
        }
    }
    let note = lang.fill(
        "chart.hq.dyn_note",
        &[
            ("conv_mild", &lang.num(c.conventional_mild, 2)),
            ("conv_marked", &lang.num(c.conventional_marked, 2)),
            ("func_mild", &lang.num(c.functional_mild, 2)),
        ],
    );
    for (k, line) in note.split('|').enumerate() {
        note_area.draw_text(line, &draw::font(draw::AXIS), (84, NOTE_LINE as i32 * k as i32)).map_err(pe)?;
    }
    Ok(())
}
