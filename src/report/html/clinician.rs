//! The clinician view of `report.html`: trial and subject, data quality,
//! spatiotemporal, foot-strike, joint-angle and EMG tables (left, right,
//! symmetry), findings with evidence and sources, charts, software and
//! parameters.

use super::{ParamValue, ReportInput, decimals, esc, figure_html, num, pct_of_fraction, side_word};
use crate::output::metrics::{AngleStat, Metrics, StatOut};
use crate::report::i18n::Lang;
use std::fmt::Write as _;

/// |SI| above this is flagged (the common 10 % cut-off, Robinson 1987 /
/// Herzog 1989; arbitrary but widely used).
const SI_FLAG_PCT: f64 = 10.0;

pub(super) fn render(s: &mut String, r: &ReportInput) {
    let l = r.lang;
    let _ = write!(
        s,
        "<section id=\"clinician\" class=\"view\">\n<h2 class=\"view-title\">{}</h2>\n",
        esc(l.t("report.clinician.title"))
    );
    let _ = writeln!(s, "<p class=\"view-note\">{}</p>", esc(l.t("report.clinician.intro")));
    // Each chart sits after the table it illustrates; charts of unknown
    // sections are gathered under "Charts".
    let mut used = vec![false; r.figures.len()];
    let mut charts = |s: &mut String, names: &[&str]| {
        for (i, f) in r.figures.iter().enumerate() {
            if names.contains(&f.name) && !used[i] {
                used[i] = true;
                figure_html(s, l, f, &r.metrics.trial.id);
            }
        }
    };
    // In print a section's heading, notes and table stay on one page
    // (a `keep` block; a block longer than a page still breaks inside).
    let keep = |s: &mut String, f: &dyn Fn(&mut String)| {
        s.push_str("<div class=\"keep\">");
        f(s);
        s.push_str("</div>\n");
    };
    let m = r.metrics;
    keep(s, &|s| trial_and_subject(s, m, l));
    keep(s, &|s| data_quality(s, m, l));
    charts(s, &["markers", "events", "timeline"]);
    keep(s, &|s| spatiotemporal(s, m, l));
    charts(s, &["spatiotemporal"]);
    keep(s, &|s| foot_strike(s, m, l));
    charts(s, &["foot_strike"]);
    keep(s, &|s| angles(s, m, l));
    charts(s, &["angles"]);
    keep(s, &|s| emg(s, m, l));
    charts(s, &["emg"]);
    keep(s, &|s| dynamometer(s, m, l));
    charts(s, &["hq"]);
    keep(s, &|s| kinematic(s, m, l));
    findings(s, r.metrics, l);
    if used.iter().any(|u| !u) {
        let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.charts")));
        for (i, f) in r.figures.iter().enumerate() {
            if !used[i] {
                figure_html(s, l, f, &r.metrics.trial.id);
            }
        }
    }
    software(s, r);
    s.push_str("</section>\n");
}

fn kv(s: &mut String, label: &str, value_html: &str) {
    let _ = write!(s, "<dt>{}</dt><dd>{value_html}</dd>", esc(label));
}

fn trial_and_subject(s: &mut String, m: &Metrics, l: &Lang) {
    let _ = write!(s, "<h2>{}</h2>\n<dl class=\"kv\">", esc(l.t("report.trial_subject")));
    let t = &m.trial;
    kv(s, l.t("report.trial"), &esc(&t.id));
    kv(s, l.t("report.source_files"), &t.source_files.iter().map(|f| esc(f)).collect::<Vec<_>>().join("<br>"));
    if let Some(st) = &t.static_file {
        kv(s, l.t("report.static_file"), &esc(st));
    }
    kv(s, l.t("report.formats"), &esc(&t.formats.join(", ")));
    if let Some(rate) = t.marker_rate_hz {
        kv(s, l.t("report.marker_rate"), &format!("{} Hz", num(l, "/trial/marker_rate_hz", rate, 0)));
    }
    kv(s, l.t("report.frames"), &format!("{}", t.frames));
    kv(s, l.t("report.duration"), &format!("{} s", num(l, "/trial/duration_s", t.duration_s, 2)));
    if let Some(mode) = t.mode {
        kv(s, l.t("report.mode_label"), &esc(l.t(&format!("report.mode.{mode}"))));
    }
    if let Some(tm) = t.treadmill {
        kv(s, l.t("report.treadmill"), &esc(l.t(if tm { "report.yes" } else { "report.no" })));
    }
    if let Some(b) = t.belt_speed_m_s {
        kv(s, l.t("report.belt_speed"), &format!("{} m/s", num(l, "/trial/belt_speed_m_s", b, 2)));
    }
    kv(s, l.t("report.marker_set"), &format!("{} ({} {})", esc(&t.marker_set), t.markers, esc(l.t("report.markers"))));
    if let Some(ax) = &t.lab_axes {
        kv(
            s,
            l.t("report.lab_axes"),
            &esc(&l.fill("report.lab_axes_value", &[("vertical", &ax.vertical), ("progression", &ax.progression)])),
        );
    }
    let sub = &m.subject;
    if let Some(n) = &sub.name {
        kv(s, l.t("report.subject"), &esc(n));
    }
    if let Some(v) = sub.mass_kg {
        kv(s, l.t("report.mass"), &format!("{} kg", num(l, "/subject/mass_kg", v, 1)));
    }
    if let Some(v) = sub.height_m {
        kv(s, l.t("report.height"), &format!("{} m", num(l, "/subject/height_m", v, 2)));
    }
    for (key, label, b) in [
        ("leg_length_mm", "report.leg_length", &sub.leg_length_mm),
        ("knee_width_mm", "report.knee_width", &sub.knee_width_mm),
        ("ankle_width_mm", "report.ankle_width", &sub.ankle_width_mm),
    ] {
        if b.left.is_some() || b.right.is_some() {
            let part = |side: &str, v: Option<f64>| {
                v.map(|v| format!("{} {} mm", side_word(l, side), num(l, &format!("/subject/{key}/{side}"), v, 1)))
            };
            let txt: Vec<String> = [part("left", b.left), part("right", b.right)].into_iter().flatten().collect();
            kv(s, l.t(label), &txt.join(", "));
        }
    }
    if let Some(v) = sub.marker_diameter_mm {
        kv(s, l.t("report.marker_diameter"), &format!("{} mm", num(l, "/subject/marker_diameter_mm", v, 1)));
    }
    if let Some(side) = sub.involved_side {
        kv(s, l.t("report.involved_side"), &side_word(l, side.name()));
    }
    s.push_str("</dl>\n");
}

fn data_quality(s: &mut String, m: &Metrics, l: &Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.data_quality")));
    let g = &m.trial.gaps;
    let _ = writeln!(
        s,
        "<p>{}</p>",
        esc(&l.fill(
            "report.gaps_text",
            &[
                ("filled", &g.filled.to_string()),
                ("filled_samples", &g.filled_samples.to_string()),
                ("unfilled", &g.unfilled.to_string()),
                ("unfilled_samples", &g.unfilled_samples.to_string()),
            ],
        ))
    );
    // Events: one row per source, counts per side and kind.
    let kind_of = |k: &crate::model::EventKind| match k {
        crate::model::EventKind::FootStrike => "foot_strike",
        crate::model::EventKind::FootOff => "foot_off",
        _ => "other",
    };
    let cols = [("left", "foot_strike"), ("left", "foot_off"), ("right", "foot_strike"), ("right", "foot_off")];
    let mut counts: std::collections::BTreeMap<&str, [usize; 4]> = Default::default();
    for e in &m.events {
        if let Some(c) = cols.iter().position(|&(side, kind)| side == e.side.name() && kind == kind_of(&e.kind)) {
            counts.entry(e.source).or_default()[c] += 1;
        }
    }
    if counts.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.no_events")));
    } else {
        let _ = write!(s, "<table><thead><tr><th>{}</th>", esc(l.t("report.event_source")));
        for (side, kind) in cols {
            let cls = if side == "left" { "l" } else { "r" };
            let _ = write!(
                s,
                "<th class=\"num {cls}\">{}</th>",
                esc(&l.fill(
                    "report.event_column",
                    &[("side", l.t(&format!("report.side.{side}"))), ("event", l.t(&format!("report.event.{kind}")))]
                ))
            );
        }
        s.push_str("</tr></thead><tbody>");
        for (src, n) in &counts {
            let _ = write!(s, "<tr><td>{}</td>", esc(l.t(&format!("report.source.{src}"))));
            for x in n {
                let _ = write!(s, "<td class=\"num\">{x}</td>");
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table>\n");
        let _ = write!(
            s,
            "<details><summary>{}</summary><table><thead><tr><th class=\"num\">{}</th><th class=\"num\">{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(&l.fill("report.all_events", &[("n", &m.events.len().to_string())])),
            esc(l.t("report.time_s")),
            esc(l.t("report.frame")),
            esc(l.t("report.side_label")),
            esc(l.t("report.event_kind")),
            esc(l.t("report.event_source"))
        );
        for (i, e) in m.events.iter().enumerate() {
            let kind = kind_of(&e.kind);
            let _ = write!(
                s,
                "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                num(l, &format!("/events/{i}/time_s"), e.time_s, 3),
                e.frame,
                side_word(l, e.side.name()),
                esc(l.t(&format!("report.event.{kind}"))),
                esc(l.t(&format!("report.source.{}", e.source)))
            );
        }
        s.push_str("</tbody></table></details>\n");
    }
    let _ =
        writeln!(s, "<h3>{}</h3><p class=\"note\">{}</p>", esc(l.t("report.notes")), esc(l.t("report.notes_intro")));
    if m.notes.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.no_notes")));
    } else {
        s.push_str("<ul class=\"notes\">");
        for n in &m.notes {
            let _ = write!(s, "<li>{}</li>", esc(n));
        }
        s.push_str("</ul>\n");
    }
}

fn stat_cell(l: &Lang, path: &str, st: Option<&StatOut>, d: usize) -> String {
    match st {
        Some(st) => {
            let mut c = num(l, &format!("{path}/mean"), st.mean, d);
            if let Some(sd) = st.sd {
                c.push_str(" ± ");
                c.push_str(&num(l, &format!("{path}/sd"), sd, d));
            }
            format!("<td class=\"num\">{c}</td>")
        }
        None => "<td class=\"num\">–</td>".to_string(),
    }
}

fn si_cell(l: &Lang, path: Option<&str>, v: Option<f64>) -> String {
    match v {
        Some(v) => {
            let flag = if v.abs() > SI_FLAG_PCT { " flag" } else { "" };
            let text = match path {
                Some(p) => num(l, p, v, 1),
                None => esc(&l.num(v, 1)),
            };
            format!("<td class=\"num{flag}\">{text}</td>")
        }
        None => "<td class=\"num\">–</td>".to_string(),
    }
}

fn lr_head(s: &mut String, l: &Lang, first: &str, extra: &[&str]) {
    let _ = write!(
        s,
        "<table><thead><tr><th>{}</th><th class=\"num l\">{}</th><th class=\"num r\">{}</th>",
        esc(first),
        esc(l.t("report.left_col")),
        esc(l.t("report.right_col"))
    );
    for e in extra {
        let _ = write!(s, "<th class=\"num\">{}</th>", esc(e));
    }
    s.push_str("</tr></thead><tbody>");
}

fn spatiotemporal(s: &mut String, m: &Metrics, l: &Lang) {
    let Some(st) = &m.spatiotemporal else { return };
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.spatiotemporal")));
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(l.t("report.si_explained")));
    lr_head(s, l, l.t("report.parameter"), &[l.t("report.both_col"), l.t("report.si_col")]);
    for key in crate::spatiotemporal::KEYS {
        let (lv, rv, ov) = (st.left.get(key), st.right.get(key), st.overall.get(key));
        if lv.is_none() && rv.is_none() && ov.is_none() {
            continue;
        }
        let d = decimals(key);
        let sym = m.symmetry.as_ref().and_then(|x| x.get(key)).copied();
        let _ = write!(
            s,
            "<tr><th>{}</th>{}{}{}{}</tr>",
            esc(l.t(&format!("report.param.{key}"))),
            stat_cell(l, &format!("/spatiotemporal/left/{key}"), lv, d),
            stat_cell(l, &format!("/spatiotemporal/right/{key}"), rv, d),
            stat_cell(l, &format!("/spatiotemporal/overall/{key}"), ov, d),
            si_cell(l, Some(&format!("/symmetry/{key}")), sym)
        );
    }
    s.push_str("</tbody></table>\n");
    let n = |side: &std::collections::BTreeMap<&str, StatOut>| side.get("stride_time_s").map_or(0, |x| x.n);
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p>",
        esc(&l.fill("report.strides_used", &[("left", &n(&st.left).to_string()), ("right", &n(&st.right).to_string())]))
    );
}

fn foot_strike(s: &mut String, m: &Metrics, l: &Lang) {
    let Some(fs) = &m.foot_strike else { return };
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.foot_strike")));
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(l.t("report.foot_strike_explained")));
    lr_head(s, l, "", &[]);
    let row = |s: &mut String, label: &str, f: &dyn Fn(&str, &crate::output::metrics::FootStrikeOut) -> String| {
        let _ = write!(s, "<tr><th>{}</th>", esc(label));
        for side in ["left", "right"] {
            match fs.get(side) {
                Some(x) => {
                    let _ = write!(s, "<td class=\"num\">{}</td>", f(side, x));
                }
                None => s.push_str("<td class=\"num\">–</td>"),
            }
        }
        s.push_str("</tr>");
    };
    row(s, l.t("report.strike_pattern"), &|_, x| esc(l.t(&format!("report.strike.{}", x.pattern))));
    row(s, l.t("report.strike_angle"), &|side, x| {
        let p = format!("/foot_strike/{side}/angle_deg");
        let mut c = num(l, &format!("{p}/mean"), x.angle_deg.mean, 1);
        if let Some(sd) = x.angle_deg.sd {
            c.push_str(" ± ");
            c.push_str(&num(l, &format!("{p}/sd"), sd, 1));
        }
        c
    });
    row(s, l.t("report.strikes_n"), &|_, x| x.angle_deg.n.to_string());
    for class in ["rearfoot", "midfoot", "forefoot"] {
        let label = l.fill("report.share_of", &[("class", l.t(&format!("report.strike.{class}")))]);
        row(s, &label, &|side, x| {
            let v = match class {
                "rearfoot" => x.shares.rearfoot,
                "midfoot" => x.shares.midfoot,
                _ => x.shares.forefoot,
            };
            format!("{} %", pct_of_fraction(l, &format!("/foot_strike/{side}/shares/{class}"), v))
        });
    }
    if fs.values().any(|x| x.strike_index_pct.is_some()) {
        row(s, l.t("report.strike_index"), &|side, x| match &x.strike_index_pct {
            Some(si) => format!("{} %", num(l, &format!("/foot_strike/{side}/strike_index_pct/mean"), si.mean, 1)),
            None => "–".into(),
        });
    }
    s.push_str("</tbody></table>\n");
}

fn angles(s: &mut String, m: &Metrics, l: &Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.angles")));
    let Some(a) = &m.angles else {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.angles_missing")));
        return;
    };
    let cyc = |side: &str| a.cycles.get(side).copied().unwrap_or(0).to_string();
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p>",
        esc(&l.fill("report.angles_explained", &[("left", &cyc("left")), ("right", &cyc("right"))]))
    );
    let _ = write!(
        s,
        "<table><thead><tr><th rowspan=\"2\">{}</th><th colspan=\"2\" class=\"num\">{}</th>\
         <th colspan=\"2\" class=\"num\">{}</th><th colspan=\"3\" class=\"num\">{}</th></tr>\
         <tr><th class=\"num l\">{L}</th><th class=\"num r\">{R}</th><th class=\"num l\">{L}</th><th class=\"num r\">{R}</th>\
         <th class=\"num l\">{L}</th><th class=\"num r\">{R}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        esc(l.t("report.variable")),
        esc(l.t("report.max_deg")),
        esc(l.t("report.min_deg")),
        esc(l.t("report.rom_deg")),
        esc(l.t("report.si_col")),
        L = esc(l.t("report.left_short")),
        R = esc(l.t("report.right_short")),
    );
    for var in crate::angles::pig::VARIABLES {
        let (lv, rv) = (a.left.get(var), a.right.get(var));
        if lv.is_none() && rv.is_none() {
            continue;
        }
        let cell = |side: &str, f: Option<&std::collections::BTreeMap<&str, AngleStat>>, feat: &str| match f
            .and_then(|f| f.get(feat))
        {
            Some(st) => {
                format!("<td class=\"num\">{}</td>", num(l, &format!("/angles/{side}/{var}/{feat}/mean"), st.mean, 1))
            }
            None => "<td class=\"num\">–</td>".into(),
        };
        let rom_si = m
            .symmetry
            .as_ref()
            .and_then(|x| x.angles.get(&format!("{var}.rom_deg")))
            .and_then(|x| x.si_pct)
            .map(|v| (format!("/symmetry/angles/{var}.rom_deg/si_pct"), v));
        let _ = write!(
            s,
            "<tr><th>{}</th>{}{}{}{}{}{}{}</tr>",
            esc(l.t(&format!("report.var.{var}"))),
            cell("left", lv, "max_deg"),
            cell("right", rv, "max_deg"),
            cell("left", lv, "min_deg"),
            cell("right", rv, "min_deg"),
            cell("left", lv, "rom_deg"),
            cell("right", rv, "rom_deg"),
            si_cell(l, rom_si.as_ref().map(|x| x.0.as_str()), rom_si.as_ref().map(|x| x.1))
        );
    }
    s.push_str("</tbody></table>\n");
}

fn emg(s: &mut String, m: &Metrics, l: &Lang) {
    let Some(e) = m.imbalance.as_ref().and_then(|i| i.emg.as_ref()) else { return };
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.emg")));
    let mt = &e.method;
    let _ = writeln!(
        s,
        "<p class=\"note\">{}</p>",
        esc(&l.fill(
            "report.emg_method",
            &[
                ("low", &l.num(mt.band_pass_hz[0], 0)),
                ("high", &l.num(mt.band_pass_hz[1], 0)),
                ("envelope", &l.num(mt.envelope_low_pass_hz, 0)),
            ]
        ))
    );
    let sides: Vec<(&str, &crate::imbalance::emg::SideOut)> =
        [("left", e.left.as_ref()), ("right", e.right.as_ref()), ("unsided", e.unsided.as_ref())]
            .into_iter()
            .filter_map(|(n, x)| x.map(|x| (n, x)))
            .collect();
    // Channels.
    let _ = write!(
        s,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        esc(l.t("report.side_label")),
        esc(l.t("report.channel")),
        esc(l.t("report.muscle")),
        esc(l.t("report.group_col")),
        esc(l.t("report.rate"))
    );
    for (name, so) in &sides {
        for (i, c) in so.channels.iter().enumerate() {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{} Hz</td></tr>",
                side_word(l, name),
                esc(&c.name),
                esc(&c.muscle.replace('_', " ")),
                esc(l.t(&format!("report.group.{}", c.group))),
                num(l, &format!("/imbalance/emg/{name}/channels/{i}/rate_hz"), c.rate_hz, 0)
            );
        }
    }
    s.push_str("</tbody></table>\n");
    // Ratios: left/right columns plus unsided when present.
    let cols: Vec<&(&str, &crate::imbalance::emg::SideOut)> = sides.iter().collect();
    let _ = write!(s, "<table><thead><tr><th>{}</th>", esc(l.t("report.measure")));
    for (name, _) in &cols {
        let cls = match *name {
            "left" => " l",
            "right" => " r",
            _ => "",
        };
        let head = match *name {
            "left" => esc(l.t("report.left_col")),
            "right" => esc(l.t("report.right_col")),
            other => side_word(l, other),
        };
        let _ = write!(s, "<th class=\"num{cls}\">{head}</th>");
    }
    s.push_str("</tr></thead><tbody>");
    let row = |s: &mut String, label: String, f: &dyn Fn(&str, &crate::imbalance::emg::SideOut) -> Option<String>| {
        if cols.iter().all(|(n, so)| f(n, so).is_none()) {
            return;
        }
        let _ = write!(s, "<tr><th>{}</th>", esc(&label));
        for (n, so) in &cols {
            let _ = write!(s, "<td class=\"num\">{}</td>", f(n, so).unwrap_or_else(|| "–".into()));
        }
        s.push_str("</tr>");
    };
    row(s, l.t("report.cycles").into(), &|_, so| Some(so.cycles.to_string()));
    row(s, l.t("report.hq_cycle").into(), &|n, so| {
        so.hq_ratio.map(|v| num(l, &format!("/imbalance/emg/{n}/hq_ratio"), v, 2))
    });
    row(s, l.t("report.hq_recording").into(), &|n, so| {
        so.hq_ratio_recording.map(|v| num(l, &format!("/imbalance/emg/{n}/hq_ratio_recording"), v, 2))
    });
    row(s, l.t("report.cci").into(), &|n, so| {
        so.cci_pct.map(|v| format!("{} %", num(l, &format!("/imbalance/emg/{n}/cci_pct"), v, 1)))
    });
    for phase in mt.phases_pct.keys() {
        let ph = l.t(&format!("report.phase.{phase}")).to_string();
        row(s, l.fill("report.hq_phase", &[("phase", &ph)]), &|n, so| {
            so.hq_ratio_phases.get(phase).map(|v| num(l, &format!("/imbalance/emg/{n}/hq_ratio_phases/{phase}"), *v, 2))
        });
    }
    for phase in mt.phases_pct.keys() {
        let ph = l.t(&format!("report.phase.{phase}")).to_string();
        row(s, l.fill("report.cci_phase", &[("phase", &ph)]), &|n, so| {
            so.cci_phases_pct
                .get(phase)
                .map(|v| format!("{} %", num(l, &format!("/imbalance/emg/{n}/cci_phases_pct/{phase}"), *v, 1)))
        });
    }
    row(s, l.t("report.ham_peak").into(), &|n, so| {
        so.hamstrings_timing
            .as_ref()
            .map(|t| format!("{} %", num(l, &format!("/imbalance/emg/{n}/hamstrings_timing/peak_pct"), t.peak_pct, 0)))
    });
    row(s, l.t("report.quad_peak").into(), &|n, so| {
        so.quadriceps_timing
            .as_ref()
            .map(|t| format!("{} %", num(l, &format!("/imbalance/emg/{n}/quadriceps_timing/peak_pct"), t.peak_pct, 0)))
    });
    s.push_str("</tbody></table>\n");
    if let Some(v) = e.hq_ratio_left_over_right {
        let _ =
            write!(s, "<p>{}: {}", esc(l.t("report.hq_lr")), num(l, "/imbalance/emg/hq_ratio_left_over_right", v, 2));
        if let Some(si) = e.hq_symmetry_index_pct {
            let _ = write!(
                s,
                "; {}: {} %",
                esc(l.t("report.si_col")),
                num(l, "/imbalance/emg/hq_symmetry_index_pct", si, 1)
            );
        }
        s.push_str("</p>\n");
    }
    // The evidence note once per distinct text, with the sides it is for.
    let mut notes: Vec<(String, Vec<String>)> = Vec::new();
    for (name, so) in &sides {
        if so.evidence.is_empty() {
            continue;
        }
        match notes.iter_mut().find(|(t, _)| *t == so.evidence) {
            Some((_, names)) => names.push(side_word(l, name)),
            None => notes.push((so.evidence.clone(), vec![side_word(l, name)])),
        }
    }
    for (text, names) in notes {
        let _ = writeln!(s, "<p class=\"note\">{}: {}</p>", names.join(", "), esc(&text));
    }
}

/// `{value}`, `{threshold}`, `{side}` … of a finding's texts.
pub(super) fn finding_args(l: &Lang, f: &crate::imbalance::findings::Finding) -> Vec<(&'static str, String)> {
    let d = match f.unit {
        "ratio" => 2,
        "m" => 3,
        _ => 1,
    };
    let unit = match f.unit {
        "ratio" => String::new(),
        "%" => " %".into(),
        "deg" => "°".into(),
        u => {
            let key = format!("report.unit.{}", u.replace(' ', "_"));
            let t = l.t(&key);
            format!(" {}", if t == key { u } else { t })
        }
    };
    vec![
        ("value", format!("{}{unit}", l.num(f.value, d))),
        ("threshold", format!("{}{unit}", l.num(f.threshold, d))),
        ("threshold_marked", f.threshold_marked.map(|t| format!("{}{unit}", l.num(t, d))).unwrap_or_default()),
        ("side", f.side.map(|s| l.t(&format!("report.side.{}", s.name())).to_string()).unwrap_or_default()),
    ]
}

pub(super) fn fill_finding(l: &Lang, key: &str, f: &crate::imbalance::findings::Finding) -> String {
    let args = finding_args(l, f);
    let a: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    l.fill(key, &a)
}

fn findings(s: &mut String, m: &Metrics, l: &Lang) {
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.findings")));
    let (fs, recs) = match &m.imbalance {
        Some(i) => (&i.findings[..], &i.recommendations[..]),
        None => (&[][..], &[][..]),
    };
    if fs.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.no_findings")));
    }
    for (i, f) in fs.iter().enumerate() {
        let d = match f.unit {
            "ratio" => 2,
            "m" => 3,
            _ => 1,
        };
        let sev = f.severity.name();
        let _ = write!(
            s,
            "<div class=\"card {sev}\"><h3>{}{}</h3><p><span class=\"sev-{sev}\">{}</span> · {} · {}</p><p>{}</p>",
            esc(&fill_finding(l, &format!("finding.{}.title", f.code), f)),
            f.side.map(|x| format!(" ({})", side_word(l, x.name()))).unwrap_or_default(),
            esc(l.t(&format!("report.severity.{sev}"))),
            esc(&l.fill("report.evidence_kind", &[("kind", l.t(&format!("report.evidence.{}", f.evidence.name())))])),
            esc(&l.fill(
                "report.confidence_label",
                &[("level", l.t(&format!("report.confidence.{}", confidence_name(f.confidence))))]
            )),
            esc(&fill_finding(l, &format!("finding.{}.clinician", f.code), f)),
        );
        let thr = match f.threshold_marked {
            Some(t) => format!(
                "{} / {}",
                num(l, &format!("/imbalance/findings/{i}/threshold"), f.threshold, d),
                num(l, &format!("/imbalance/findings/{i}/threshold_marked"), t, d)
            ),
            None => num(l, &format!("/imbalance/findings/{i}/threshold"), f.threshold, d),
        };
        let _ = writeln!(
            s,
            "<dl class=\"kv\"><dt>{}</dt><dd>{} {}</dd><dt>{}</dt><dd>{} {thr}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl></div>",
            esc(l.t("report.value")),
            num(l, &format!("/imbalance/findings/{i}/value"), f.value, d),
            esc(f.unit),
            esc(l.t("report.threshold")),
            esc(l.t(if f.direction == crate::imbalance::findings::Direction::Below {
                "report.below"
            } else {
                "report.above"
            })),
            esc(l.t("report.detail")),
            esc(&f.detail),
            esc(l.t("report.source_label")),
            esc(f.source),
        );
    }
    if !recs.is_empty() {
        let _ = writeln!(s, "<h3>{}</h3><ul>", esc(l.t("report.recommendations")));
        for r in recs {
            let why: Vec<String> = r.why.iter().map(|c| esc(l.t(&format!("finding.{c}.title")))).collect();
            let _ = writeln!(
                s,
                "<li><b>{}</b> — {} {}</li>",
                esc(l.t(&format!("exercise.{}.title", r.code))),
                esc(l.t("report.because")),
                why.join("; ")
            );
        }
        s.push_str("</ul>\n");
    }
}

fn confidence_name(c: crate::imbalance::findings::Confidence) -> &'static str {
    use crate::imbalance::findings::Confidence as C;
    match c {
        C::Low => "low",
        C::Moderate => "moderate",
        C::High => "high",
    }
}

fn software(s: &mut String, r: &ReportInput) {
    let l = r.lang;
    let _ = write!(s, "<h2>{}</h2>\n<dl class=\"kv\">", esc(l.t("report.software")));
    kv(s, l.t("report.version"), &format!("gaitline {}", esc(r.metrics.gaitline_version)));
    kv(s, l.t("report.schema"), &esc(r.metrics.schema));
    for p in r.params {
        let v = match &p.value {
            ParamValue::Num(v, d, unit) => format!("{} {}", esc(&l.num(*v, *d)), esc(unit)),
            ParamValue::Flag(b) => esc(l.t(if *b { "report.yes" } else { "report.no" })),
            ParamValue::Text(t) => esc(t),
        };
        kv(s, l.t(&format!("report.param_used.{}", p.key)), v.trim());
    }
    s.push_str("</dl>\n");
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(l.t("report.methods")));
}

/// A number of a `serde_json` view of `metrics.json` at `path` (tagged).
fn jnum(l: &Lang, path: &str, v: &serde_json::Value, d: usize) -> String {
    v.as_f64().map_or_else(|| "–".to_string(), |x| num(l, path, x, d))
}

/// `l.t(key)`, or `fallback` when the language files lack the key.
fn t_or<'a>(l: &'a Lang, key: &'a str, fallback: &'a str) -> &'a str {
    let t = l.t(key);
    if t == key { fallback } else { t }
}

/// `imbalance.dynamometer`: H:Q ratios (conventional, functional, mixed) and
/// limb symmetry indices from the isokinetic table, with the stage's caveat.
fn dynamometer(s: &mut String, m: &Metrics, l: &Lang) {
    let Some(d) = m.imbalance.as_ref().and_then(|i| i.dynamometer.as_ref()) else { return };
    let v = serde_json::to_value(d).unwrap_or_default();
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.dyn.title")));
    if let Some(f) = v["file"].as_str() {
        let _ = writeln!(s, "<p class=\"note\">{}: {}</p>", esc(l.t("report.source_files")), esc(f));
    }
    let sev = |x: &serde_json::Value| {
        let name = x["severity"].as_str().unwrap_or("none");
        format!("<span class=\"sev-{name}\">{}</span>", esc(l.t(&format!("report.severity.{name}"))))
    };
    let _ = write!(
        s,
        "<table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.t("report.dyn.ratio_type")),
        esc(l.t("report.side_label")),
        esc(l.t("report.dyn.velocities")),
        esc(l.t("report.dyn.hamstrings_nm")),
        esc(l.t("report.dyn.quadriceps_nm")),
        esc(l.t("report.dyn.ratio")),
        esc(l.t("report.dyn.assessment"))
    );
    for kind in ["conventional", "functional", "mixed"] {
        for (i, x) in v[kind].as_array().into_iter().flatten().enumerate() {
            let p = format!("/imbalance/dynamometer/{kind}/{i}");
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{} / {} °/s</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(l.t(&format!("report.dyn.kind.{kind}"))),
                side_word(l, x["side"].as_str().unwrap_or("")),
                jnum(l, &format!("{p}/hamstrings_velocity_deg_s"), &x["hamstrings_velocity_deg_s"], 0),
                jnum(l, &format!("{p}/quadriceps_velocity_deg_s"), &x["quadriceps_velocity_deg_s"], 0),
                jnum(l, &format!("{p}/hamstrings_nm"), &x["hamstrings_nm"], 1),
                jnum(l, &format!("{p}/quadriceps_nm"), &x["quadriceps_nm"], 1),
                jnum(l, &format!("{p}/ratio"), &x["ratio"], 2),
                sev(x)
            );
        }
    }
    s.push_str("</tbody></table>\n");
    if let Some(lsi) = v["lsi"].as_array().filter(|a| !a.is_empty()) {
        let _ = write!(
            s,
            "<table><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num l\">{}</th>\
             <th class=\"num r\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
            esc(l.t("report.muscle")),
            esc(l.t("report.dyn.contraction")),
            esc(l.t("report.dyn.velocity")),
            esc(l.t("report.dyn.left_nm")),
            esc(l.t("report.dyn.right_nm")),
            esc(l.t("report.dyn.lsi")),
            esc(l.t("report.dyn.assessment"))
        );
        for (i, x) in lsi.iter().enumerate() {
            let p = format!("/imbalance/dynamometer/lsi/{i}");
            let muscle = x["muscle"].as_str().unwrap_or("");
            let contraction = x["contraction"].as_str().unwrap_or("");
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{} °/s</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{} %</td><td>{}</td></tr>",
                esc(l.t(&format!("report.group.{muscle}"))),
                esc(l.t(&format!("report.dyn.contraction_kind.{contraction}"))),
                jnum(l, &format!("{p}/velocity_deg_s"), &x["velocity_deg_s"], 0),
                jnum(l, &format!("{p}/left_nm"), &x["left_nm"], 1),
                jnum(l, &format!("{p}/right_nm"), &x["right_nm"], 1),
                jnum(l, &format!("{p}/lsi_pct"), &x["lsi_pct"], 1),
                sev(x)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    if let Some(c) = v["caveat"].as_str() {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(c));
    }
}

/// `imbalance.kinematic`: per side the kinematic evidence (terminal swing,
/// hamstring length estimate, heel ahead of the pelvis, loading response).
fn kinematic(s: &mut String, m: &Metrics, l: &Lang) {
    let Some(k) = m.imbalance.as_ref().and_then(|i| i.kinematic.as_ref()) else { return };
    let v = serde_json::to_value(k).unwrap_or_default();
    let mut keys: Vec<String> = Vec::new();
    for side in ["left", "right"] {
        for (key, x) in v[side].as_object().into_iter().flatten() {
            if x.is_number() && !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    if keys.is_empty() {
        return;
    }
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.kin.title")));
    lr_head(s, l, l.t("report.measure"), &[]);
    for key in &keys {
        let label_key = format!("report.kin.{key}");
        let d = if key.ends_with("_mm") || key.ends_with("_deg") || key.ends_with("_pct") {
            1
        } else if matches!(key.as_str(), "cycles" | "strikes") {
            0
        } else {
            decimals(key)
        };
        let _ = write!(s, "<tr><th>{}</th>", esc(t_or(l, &label_key, key)));
        for side in ["left", "right"] {
            let _ = write!(
                s,
                "<td class=\"num\">{}</td>",
                jnum(l, &format!("/imbalance/kinematic/{side}/{key}"), &v[side][key.as_str()], d)
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
    if let Some(mt) = v["method"].as_str() {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(mt));
    }
}
