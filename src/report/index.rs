//! `reports/index.html`: every trial of a batch with its key numbers (speed,
//! cadence, stride length, foot-strike class per side, findings and their
//! highest severity), a link to each `report.html`, and the failed trials
//! with their reasons.
//!
//! Self-contained like `report.html`. Sorting: one small inline script
//! ([`SORT_SCRIPT`]), allowed by its SHA-256 hash in the Content-Security-
//! Policy (CSP Level 2 hash source), so nothing else can run. Without scripts
//! (a mail client that blocks them) the table stays in batch order, which is
//! the order of `summary.csv`.

use crate::output::summary::Row;
use crate::report::html::{csp_script_hash, esc};
use crate::report::i18n::Lang;
use std::fmt::Write as _;

/// Sorts a `table.sortable` by the clicked column: numerically by the cells'
/// `data-v` when both are numbers, else as text; a second click reverses.
pub const SORT_SCRIPT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th,i){\
th.addEventListener('click',function(){var tb=th.closest('table').tBodies[0];var rows=Array.from(tb.rows);\
var asc=th.getAttribute('aria-sort')!=='ascending';\
th.parentNode.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});\
th.setAttribute('aria-sort',asc?'ascending':'descending');\
rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v'),y=b.cells[i].getAttribute('data-v');\
var p=parseFloat(x),q=parseFloat(y);var c=(isNaN(p)||isNaN(q))?x.localeCompare(y):p-q;return asc?c:-c;});\
rows.forEach(function(r){tb.appendChild(r);});});});";

/// The Content-Security-Policy of `index.html`: only `data:` images, the
/// inline style, and exactly [`SORT_SCRIPT`].
pub fn csp() -> String {
    format!("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {}", csp_script_hash(SORT_SCRIPT))
}

/// A cell whose sort key is `v` and whose text is `text` (HTML).
fn cell(v: &str, text: &str, class: &str) -> String {
    format!("<td class=\"{class}\" data-v=\"{}\">{text}</td>", esc(v))
}

fn num_cell(l: &Lang, r: &Row, col: &str, d: usize) -> String {
    match r.metric(col).and_then(|s| s.parse::<f64>().ok()) {
        Some(v) => cell(&format!("{v}"), &esc(&l.num(v, d)), "num"),
        None => cell("", "–", "num"),
    }
}

/// Render `index.html` for a batch's summary rows (failures included);
/// `has_report(trial)` says whether `<trial>/report.html` exists (none with
/// `--only metrics`), and only then is the trial linked.
pub fn render(rows: &[Row], l: &Lang, has_report: &dyn Fn(&str) -> bool) -> String {
    let mut s = String::with_capacity(4096 + rows.len() * 600);
    let title = l.t("report.index.title");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&l.code),
        csp(),
        esc(title),
        esc(title)
    );
    let ok = rows.iter().filter(|r| r.status == "ok").count();
    let _ = writeln!(
        s,
        "<p>{}</p>\n<p class=\"note\">{}</p>",
        esc(&l.fill(
            "report.index.counts",
            &[("n", &rows.len().to_string()), ("ok", &ok.to_string()), ("failed", &(rows.len() - ok).to_string())]
        )),
        esc(l.t("report.index.sort_hint"))
    );
    let heads = [
        ("report.index.col.trial", ""),
        ("report.index.col.mode", ""),
        ("report.index.col.speed", "num"),
        ("report.index.col.cadence", "num"),
        ("report.index.col.stride_length", "num"),
        ("report.index.col.si_step_length", "num"),
        ("report.index.col.strike_left", ""),
        ("report.index.col.strike_right", ""),
        ("report.index.col.findings", "num"),
        ("report.index.col.severity", ""),
        ("report.index.col.which", ""),
    ];
    s.push_str("<div class=\"wide\"><table class=\"sortable\" id=\"trials\"><thead><tr>");
    for (k, class) in heads {
        let _ = write!(
            s,
            "<th class=\"{class}\" tabindex=\"0\" title=\"{}\">{}</th>",
            esc(l.t("report.index.sort")),
            esc(l.t(k))
        );
    }
    s.push_str("</tr></thead><tbody>\n");
    for r in rows.iter().filter(|r| r.status == "ok") {
        let link = if has_report(&r.trial) {
            format!("<a href=\"{}/report.html\">{}</a>", esc(&url_path(&r.trial)), esc(&r.trial))
        } else {
            esc(&r.trial)
        };
        let word = |col: &str, prefix: &str| match r.metric(col) {
            Some(v) => cell(v, &esc(l.t(&format!("{prefix}{v}"))), ""),
            None => cell("", "–", ""),
        };
        let sev = r.metric("findings_max_severity").unwrap_or("none");
        let sev_rank = match sev {
            "marked" => "2",
            "mild" => "1",
            _ => "0",
        };
        let which: Vec<String> = r
            .metric("finding_codes")
            .unwrap_or("")
            .split(';')
            .filter(|c| !c.is_empty())
            .map(|c| esc(l.t(&format!("finding.{c}.title"))))
            .collect();
        let _ = writeln!(
            s,
            "<tr>{}{}{}{}{}{}{}{}{}{}{}</tr>",
            cell(&r.trial, &link, ""),
            word("mode", "report.mode."),
            num_cell(l, r, "speed_m_s", 2),
            num_cell(l, r, "cadence_steps_per_min", 1),
            num_cell(l, r, "stride_length_m", 3),
            num_cell(l, r, "si_step_length_pct", 1),
            word("left_foot_strike", "report.strike."),
            word("right_foot_strike", "report.strike."),
            num_cell(l, r, "findings", 0),
            cell(
                sev_rank,
                &format!("<span class=\"sev-{sev}\">{}</span>", esc(l.t(&format!("report.severity.{sev}")))),
                ""
            ),
            cell(r.metric("finding_codes").unwrap_or(""), &which.join("<br>"), "which")
        );
    }
    s.push_str("</tbody></table></div>\n");
    let failed: Vec<&Row> = rows.iter().filter(|r| r.status != "ok").collect();
    let _ = writeln!(s, "<h2>{}</h2>", esc(l.t("report.index.failed")));
    if failed.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", esc(l.t("report.index.none_failed")));
    } else {
        let _ = writeln!(
            s,
            "<table id=\"failed\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(l.t("report.index.col.trial")),
            esc(l.t("report.source_files")),
            esc(l.t("report.index.reason"))
        );
        for r in failed {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"err\">{}</td></tr>",
                esc(&r.trial),
                r.source_files.iter().map(|f| esc(f)).collect::<Vec<_>>().join("<br>"),
                esc(&r.error)
            );
        }
        s.push_str("</tbody></table>\n");
    }
    let _ = write!(
        s,
        "<p class=\"note\">{}</p>\n<script>{SORT_SCRIPT}</script>\n</body>\n</html>\n",
        esc(l.t("report.index.summary_csv"))
    );
    s
}

/// A trial id as a relative URL path segment (ids are already safe for a
/// path; anything outside `[A-Za-z0-9._-]` is percent-encoded).
fn url_path(id: &str) -> String {
    let mut out = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

const STYLE: &str = r#"
body{margin:0 auto;max-width:1200px;padding:0 24px 24px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:#1b1f24}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3em .55em;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;cursor:pointer;user-select:none;vertical-align:bottom}
.wide{overflow-x:auto}
thead th[aria-sort=ascending]::after{content:" ▲"}thead th[aria-sort=descending]::after{content:" ▼"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even) td{background:#fbfcfd}
.sev-marked{color:#c62828;font-weight:700}.sev-mild{color:#9a6700;font-weight:700}.sev-none{color:#1a7f37}
td.err{color:#8c1d18;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.86rem}
.note{color:#59636e;font-size:.9rem}
td.which{font-size:.85rem;max-width:22em}
@media print{@page{size:A4 landscape;margin:12mm}body{max-width:none;padding:0}tr{break-inside:avoid}}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_allows_exactly_the_sort_script() {
        let html = render(&[], crate::report::i18n::get("en").unwrap(), &|_| true);
        let hash = csp_script_hash(SORT_SCRIPT);
        assert!(html.contains(&format!("script-src {hash}\"")));
        // The script in the page is byte for byte the hashed one.
        assert!(html.contains(&format!("<script>{SORT_SCRIPT}</script>")));
        assert_eq!(html.matches("<script").count(), 1);
    }

    #[test]
    fn url_paths_are_encoded() {
        assert_eq!(url_path("walker_01"), "walker_01");
        assert_eq!(url_path("a b/c"), "a%20b%2Fc");
    }
}
