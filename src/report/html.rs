//! The self-contained `report.html` per trial (issue 7).
//!
//! One file opens offline and from an e-mail attachment: CSS inline, charts as
//! `data:` PNG URIs, no script, no font and no image fetched from anywhere,
//! and a strict Content-Security-Policy ([`CSP`]). Two views share the file,
//! switched by CSS alone (`:target`, no script): the **patient view** (first,
//! the default: plain language, a traffic-light summary, what it means, the
//! exercises) and the **clinician view** (`report.html#clinician`: trial and
//! subject data, data quality, every table with left, right and symmetry
//! index, every chart, findings with evidence and sources, software and
//! parameters). Every string comes from `lang/<code>.toml` ([`Lang`]);
//! numbers use the language's notation ([`Lang::num`]).
//!
//! Every number shown that comes from `metrics.json` sits in an element
//! `data-m="<JSON Pointer (RFC 6901) into metrics.json>" data-d="<decimals>"` (and `data-s="100"` where a
//! fraction is shown as a percentage), so that a test can check it against
//! the file. Every string from a file (names, labels, notes) is escaped
//! ([`esc`]).

mod clinician;
mod enc;
mod patient;

pub use enc::{base64, base64_into, csp_script_hash, esc, sha256};

use crate::output::metrics::Metrics;
use crate::report::i18n::Lang;
use std::fmt::Write as _;

/// Content-Security-Policy of `report.html`: nothing may load except the
/// embedded `data:` images and the inline style.
pub const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// One chart to embed: its file name stem, the `lang` key of its title and the
/// PNG bytes with their pixel size.
#[derive(Debug, Clone, Copy)]
pub struct Figure<'a> {
    pub name: &'a str,
    pub title_key: &'a str,
    pub png: &'a [u8],
    pub width: u32,
    pub height: u32,
}

/// The value of one software parameter shown in the clinician view.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A number with its decimals and unit.
    Num(f64, usize, &'static str),
    Flag(bool),
    /// Free text (shown escaped, not translated).
    Text(String),
}

/// One parameter of the run; its label is `report.param_used.<key>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub key: &'static str,
    pub value: ParamValue,
}

/// Everything one report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The trial's metrics, exactly as written to `metrics.json`.
    pub metrics: &'a Metrics,
    /// Charts (empty with `--no-plots`: the report then has tables only).
    pub figures: &'a [Figure<'a>],
    pub params: &'a [Param],
    pub lang: &'a Lang,
}

/// Decimals shown for a `metrics.json` key (by its unit suffix): metres and
/// seconds 3, speed, ratios and leg lengths 2, cadence, percentages,
/// degrees, mm and N·m 1.
pub fn decimals(key: &str) -> usize {
    if key.ends_with("_m_s") || key.contains("ratio") || key.ends_with("_leg_lengths") {
        2
    } else if key.ends_with("_m") || key.ends_with("_s") {
        3
    } else {
        1
    }
}

/// A number from `metrics.json` at `path`, tagged for the tests.
pub(crate) fn num(l: &Lang, path: &str, v: f64, d: usize) -> String {
    format!(r#"<span class="n" data-m="{}" data-d="{d}">{}</span>"#, esc(path), l.num(v, d))
}

/// A fraction from `metrics.json` shown as a percentage.
pub(crate) fn pct_of_fraction(l: &Lang, path: &str, v: f64) -> String {
    format!(r#"<span class="n" data-m="{}" data-d="0" data-s="100">{}</span>"#, esc(path), l.num(v * 100.0, 0))
}

/// Render `report.html`.
pub fn render(r: &ReportInput) -> String {
    let l = r.lang;
    let m = r.metrics;
    let mut s = String::with_capacity(64 * 1024 + r.figures.iter().map(|f| f.png.len() * 4 / 3 + 256).sum::<usize>());
    let title = l.fill("report.title", &[("trial", &m.trial.id)]);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&l.code),
        esc(&title)
    );
    let _ = writeln!(
        s,
        "<header class=\"top\"><h1>{}</h1><p class=\"who\">{}</p>\
         <nav class=\"views\" aria-label=\"{}\"><a href=\"#patient\">{}</a><a href=\"#clinician\">{}</a></nav></header>",
        esc(l.t("report.heading")),
        who_line(r),
        esc(l.t("report.view.switch")),
        esc(l.t("report.view.patient")),
        esc(l.t("report.view.clinician"))
    );
    // The clinician section comes first in the document so that
    // `#clinician:target ~ #patient` can hide the patient view; without a
    // fragment the patient view shows.
    s.push_str("<main>\n");
    clinician::render(&mut s, r);
    patient::render(&mut s, r);
    s.push_str("</main>\n");
    let _ = write!(
        s,
        "<footer><p>{}</p></footer>\n</body>\n</html>\n",
        esc(&l.fill("report.footer", &[("version", m.gaitline_version)]))
    );
    s
}

/// "Trial x · subject name · date-free": the header line.
fn who_line(r: &ReportInput) -> String {
    let l = r.lang;
    let m = r.metrics;
    let mut parts = vec![format!("{} <b>{}</b>", esc(l.t("report.trial")), esc(&m.trial.id))];
    if let Some(n) = &m.subject.name {
        parts.push(format!("{} <b>{}</b>", esc(l.t("report.subject")), esc(n)));
    }
    if let Some(mode) = m.trial.mode {
        parts.push(esc(l.t(&format!("report.mode.{mode}"))));
    }
    parts.join(" · ")
}

/// The localised word for a side (`report.side.left`).
pub(crate) fn side_word(l: &Lang, side: &str) -> String {
    esc(l.t(&format!("report.side.{side}")))
}

/// The `<img>` of one figure, as a data URI.
pub(crate) fn figure_html(s: &mut String, l: &Lang, f: &Figure, trial: &str) {
    let title = esc(&l.fill(f.title_key, &[("trial", trial)]));
    s.push_str("<figure class=\"chart\"><img src=\"data:image/png;base64,");
    base64_into(s, f.png);
    let _ = writeln!(
        s,
        "\" width=\"{}\" height=\"{}\" alt=\"{title}\"><figcaption>{title}</figcaption></figure>",
        f.width, f.height
    );
}

const STYLE: &str = r#"
:root{--ink:#1b1f24;--muted:#59636e;--line:#d0d7de;--bg:#f6f8fa;--left:#c62828;--right:#1565c0;
--green:#1a7f37;--amber:#9a6700;--red:#c62828;--grey:#6e7781}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1120px;padding:0 24px 24px;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--ink);background:#fff}
h1{font-size:1.6rem;margin:.6em 0 .2em}
h2{font-size:1.3rem;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
h3{font-size:1.08rem;margin:1.2em 0 .4em}
p{margin:.4em 0 .8em}
.who{color:var(--muted);margin:0 0 .6em}
.top{border-bottom:1px solid var(--line);padding-bottom:.6em}
.views a{display:inline-block;margin-right:.5em;padding:.35em 1em;border:1px solid var(--line);border-radius:6px;color:var(--ink);text-decoration:none;background:var(--bg);font-weight:600}
.views a:hover{background:#eaeef2}
#clinician{display:none}
#clinician:target{display:block}
#clinician:target~#patient{display:none}
.view-note{color:var(--muted);font-size:.9rem}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.92rem;break-inside:avoid}
th,td{border:1px solid var(--line);padding:.28em .55em;text-align:left;vertical-align:top}
thead th{background:var(--bg);font-weight:600}
tbody tr:nth-child(even) td{background:#fbfcfd}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th.l{color:var(--left)}th.r{color:var(--right)}
td.flag{background:#fff4e5!important;font-weight:600}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1.2em;margin:.4em 0 1em}
.kv dt{color:var(--muted)}.kv dd{margin:0}
.lights{display:grid;grid-template-columns:repeat(2,1fr);gap:12px;margin:.6em 0 1.2em}
@media (max-width:700px){.lights{grid-template-columns:1fr}}
.light{border:1px solid var(--line);border-left:10px solid var(--grey);border-radius:8px;padding:.6em .9em;break-inside:avoid}
.light h3{margin:0 0 .2em}
.light .state{font-weight:700}
.light.green{border-left-color:var(--green)}.light.green .state{color:var(--green)}
.light.amber{border-left-color:#d4a72c}.light.amber .state{color:var(--amber)}
.light.red{border-left-color:var(--red)}.light.red .state{color:var(--red)}
.light.grey .state{color:var(--grey)}
.card{border:1px solid var(--line);border-radius:8px;padding:.6em 1em;margin:.6em 0;break-inside:avoid}
.card h3{margin-top:.2em}
.card.mild{border-left:6px solid #d4a72c}.card.marked{border-left:6px solid var(--red)}
.sev-marked{color:var(--red);font-weight:700}.sev-mild{color:var(--amber);font-weight:700}
figure.chart{margin:1em 0;break-inside:avoid}
figure.chart img{max-width:100%;height:auto;border:1px solid var(--line)}
figcaption{color:var(--muted);font-size:.9rem}
.note{color:var(--muted);font-size:.92rem}
.glossary dt{font-weight:700}.glossary dd{margin:0 0 .5em 0}
ul.notes li{margin:.15em 0}
details summary{cursor:pointer;color:var(--muted)}
footer{margin-top:2em;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media print{
@page{size:A4;margin:14mm 12mm}
body{max-width:none;padding:0;font-size:11pt}
.views,.view-note{display:none}
h2,h3{break-after:avoid}
table,figure,.card,.light,.kv,tr,.keep{break-inside:avoid}
details{display:none}
figure.chart img{max-width:100%;border:none}
a{color:inherit;text-decoration:none}
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_the_unit() {
        assert_eq!(decimals("stride_length_m"), 3);
        assert_eq!(decimals("speed_m_s"), 2);
        assert_eq!(decimals("stride_time_s"), 3);
        assert_eq!(decimals("cadence_steps_per_min"), 1);
        assert_eq!(decimals("stance_pct"), 1);
        assert_eq!(decimals("hq_ratio"), 2);
        assert_eq!(decimals("max_deg"), 1);
    }
}
