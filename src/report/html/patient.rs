//! The patient view of `report.html`: plain language, short sentences, a
//! traffic-light summary (stride, foot strike, joint alignment, muscle
//! balance), what the findings mean, and the recommended exercises.
//!
//! Lights: grey = not measured in this trial; green = measured, no finding;
//! amber = a mild finding; red = a marked finding (the findings' own
//! severities, `imbalance::findings`). Foot strike has no finding of its own:
//! it is amber when the two feet land differently (rearfoot, midfoot and
//! forefoot landings are all normal; a side difference is worth a look).

use super::clinician::fill_finding;
use super::{ReportInput, esc, num};
use crate::imbalance::findings::{Finding, Severity};
use crate::output::metrics::Metrics;
use crate::report::i18n::Lang;
use std::fmt::Write as _;

/// The four areas of the traffic-light summary.
pub const AREAS: [&str; 4] = ["stride", "foot", "joints", "muscles"];

/// The area a finding code belongs to (None: listed, but in no light).
pub fn area_of(code: &str) -> Option<&'static str> {
    match code {
        "spatiotemporal_asymmetry" | "overstriding" => Some("stride"),
        "terminal_swing_knee_extension" | "hamstring_stretch_asymmetry" | "quadriceps_demand_asymmetry" => {
            Some("joints")
        }
        c if c.contains("strike") => Some("foot"),
        c if c.starts_with("hq_")
            || c.starts_with("hamstring_")
            || c.starts_with("cocontraction")
            || c.starts_with("lsi") =>
        {
            Some("muscles")
        }
        _ => None,
    }
}

/// Light of one area: `grey`, `green`, `amber` or `red`.
pub fn light(m: &Metrics, area: &str) -> &'static str {
    let findings: &[Finding] = m.imbalance.as_ref().map_or(&[], |i| &i.findings);
    let mine: Vec<&Finding> =
        findings.iter().filter(|f| area_of(f.code) == Some(area) && f.severity > Severity::None).collect();
    let measured = match area {
        "stride" => m.spatiotemporal.is_some(),
        "foot" => m.foot_strike.is_some(),
        "joints" => m.angles.is_some(),
        _ => m.imbalance.as_ref().is_some_and(|i| i.emg.is_some()),
    };
    if mine.iter().any(|f| f.severity == Severity::Marked) {
        "red"
    } else if !mine.is_empty() {
        "amber"
    } else if !measured {
        "grey"
    } else if area == "foot" && foot_sides_differ(m) {
        "amber"
    } else {
        "green"
    }
}

fn foot_sides_differ(m: &Metrics) -> bool {
    match m.foot_strike.as_ref().map(|f| (f.get("left"), f.get("right"))) {
        Some((Some(a), Some(b))) => a.pattern != b.pattern,
        _ => false,
    }
}

pub(super) fn render(s: &mut String, r: &ReportInput) {
    let l = r.lang;
    let m = r.metrics;
    let _ = write!(
        s,
        "<section id=\"patient\" class=\"view\">\n<h2 class=\"view-title\">{}</h2>\n",
        esc(l.t("report.patient.title"))
    );
    let _ = writeln!(s, "<p>{}</p>", esc(l.t(&format!("report.patient.intro.{}", m.trial.mode.unwrap_or("walk")))));
    let _ = writeln!(s, "<h3>{}</h3>\n<div class=\"lights\">", esc(l.t("report.patient.summary")));
    for area in AREAS {
        let state = light(m, area);
        let _ = writeln!(
            s,
            "<div class=\"light {state}\" data-light=\"{area}\"><h3>{}</h3><p class=\"state\">{}</p><p>{}</p></div>",
            esc(l.t(&format!("report.patient.area.{area}"))),
            esc(l.t(&format!("report.patient.state.{state}"))),
            area_text(l, m, area, state)
        );
    }
    s.push_str("</div>\n");
    meaning(s, l, m);
    exercises(s, l, m);
    let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(l.t("report.patient.disclaimer")));
    glossary(s, l);
    s.push_str("</section>\n");
}

/// One or two plain sentences about an area (HTML).
fn area_text(l: &Lang, m: &Metrics, area: &str, state: &str) -> String {
    if state == "grey" {
        return esc(l.t(&format!("report.patient.not_measured.{area}")));
    }
    let mut out = String::new();
    match area {
        "stride" => {
            if let Some(st) = &m.spatiotemporal {
                let o = &st.overall;
                if let (Some(v), Some(c)) = (o.get("speed_m_s"), o.get("cadence_steps_per_min")) {
                    out.push_str(&fill_html(
                        l,
                        "report.patient.pace",
                        &[
                            ("speed", num(l, "/spatiotemporal/overall/speed_m_s/mean", v.mean, 2)),
                            ("kmh", esc(&l.num(v.mean * 3.6, 1))),
                            ("cadence", num(l, "/spatiotemporal/overall/cadence_steps_per_min/mean", c.mean, 0)),
                        ],
                    ));
                }
                if let Some(sl) = o.get("stride_length_m") {
                    out.push(' ');
                    out.push_str(&fill_html(
                        l,
                        "report.patient.stride_length",
                        &[("length", num(l, "/spatiotemporal/overall/stride_length_m/mean", sl.mean, 2))],
                    ));
                }
                if let Some(si) = m.symmetry.as_ref().and_then(|x| x.get("step_length_m")) {
                    out.push(' ');
                    out.push_str(&esc(&l.fill("report.patient.step_difference", &[("pct", &l.num(si.abs(), 0))])));
                }
            }
        }
        "foot" => {
            if let Some(fs) = &m.foot_strike {
                let how = |p: &str| l.t(&format!("report.patient.strike.{p}")).to_string();
                match (fs.get("left"), fs.get("right")) {
                    // Both feet alike: one sentence instead of two identical ones.
                    (Some(a), Some(b)) if a.pattern == b.pattern => {
                        out.push_str(&esc(&l.fill("report.patient.foot_both", &[("how", &how(a.pattern))])));
                    }
                    _ => {
                        for side in ["left", "right"] {
                            if let Some(x) = fs.get(side) {
                                out.push_str(&esc(
                                    &l.fill(&format!("report.patient.foot_lands.{side}"), &[("how", &how(x.pattern))])
                                ));
                                out.push(' ');
                            }
                        }
                        if foot_sides_differ(m) {
                            out.push_str(&esc(l.t("report.patient.foot_differs")));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if out.is_empty() || state != "green" {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&esc(l.t(&format!("report.patient.state_text.{area}.{state}"))));
    }
    out
}

/// `l.fill` with already-escaped HTML values (numbers in tagged spans).
fn fill_html(l: &Lang, key: &str, args: &[(&str, String)]) -> String {
    let mut s = esc(l.t(key));
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn meaning(s: &mut String, l: &Lang, m: &Metrics) {
    let _ = writeln!(s, "<h3>{}</h3>", esc(l.t("report.patient.meaning")));
    let findings: Vec<&Finding> = m
        .imbalance
        .as_ref()
        .map_or(Vec::new(), |i| i.findings.iter().filter(|f| f.severity > Severity::None).collect());
    if findings.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.patient.nothing_found")));
        return;
    }
    for f in findings {
        let _ = writeln!(
            s,
            "<div class=\"card {}\"><h3>{}</h3><p>{}</p></div>",
            f.severity.name(),
            esc(&fill_finding(l, &format!("finding.{}.title", f.code), f)),
            esc(&fill_finding(l, &format!("finding.{}.patient", f.code), f))
        );
    }
}

fn exercises(s: &mut String, l: &Lang, m: &Metrics) {
    let _ = writeln!(s, "<h3>{}</h3>", esc(l.t("report.patient.exercises")));
    let recs = m.imbalance.as_ref().map_or(&[][..], |i| &i.recommendations[..]);
    if recs.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.patient.no_exercises")));
        return;
    }
    for r in recs {
        let _ = writeln!(
            s,
            "<div class=\"card\"><h3>{}</h3><p><b>{}</b> {}</p><p><b>{}</b> {}</p></div>",
            esc(l.t(&format!("exercise.{}.title", r.code))),
            esc(l.t("report.patient.how")),
            esc(l.t(&format!("exercise.{}.how", r.code))),
            esc(l.t("report.patient.why")),
            esc(l.t(&format!("exercise.{}.why", r.code)))
        );
    }
}

const GLOSSARY: [&str; 8] = ["stride", "step", "cadence", "symmetry", "foot_strike", "hamstrings", "quadriceps", "emg"];

fn glossary(s: &mut String, l: &Lang) {
    let _ = write!(s, "<h3>{}</h3><dl class=\"glossary\">", esc(l.t("report.patient.glossary")));
    for w in GLOSSARY {
        let _ = write!(
            s,
            "<dt>{}</dt><dd>{}</dd>",
            esc(l.t(&format!("report.glossary.{w}.term"))),
            esc(l.t(&format!("report.glossary.{w}.text")))
        );
    }
    s.push_str("</dl>\n");
}
