//! `report.html`, `index.html` and `summary.csv` (issue 7), end to end on the
//! demo trials in `data/`: the HTML is well-formed and self-contained, shows
//! exactly the numbers of `metrics.json`, German and English differ only in
//! text, strings from files are escaped, the index lists failures with their
//! reasons, and `--lang` rejects unknown codes.

mod common;

use gaitline::report::html::{CSP, base64};
use gaitline::report::i18n;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaitline"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gaitline-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The demo set analysed once per language (shared by the tests).
fn demo(lang: &str) -> &'static Path {
    static EN: OnceLock<PathBuf> = OnceLock::new();
    static DE: OnceLock<PathBuf> = OnceLock::new();
    let cell = if lang == "de" { &DE } else { &EN };
    cell.get_or_init(|| {
        let out = tmpdir(&format!("demo-{lang}"));
        let o = bin().args(["analyze", "--quiet", "--lang", lang, "--out"]).arg(&out).arg(data()).output().unwrap();
        assert!(o.status.success(), "analyze failed: {}", String::from_utf8_lossy(&o.stderr));
        out
    })
}

const DEMO: [&str; 3] = ["walker", "runner_forefoot", "runner_imbalance"];

// ---------------------------------------------------------------- a tiny HTML tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
}

const VOID: [&str; 6] = ["meta", "img", "br", "input", "link", "hr"];

/// Tokenize and check well-formedness: every non-void element closed in
/// order, attributes quoted, no raw `>` in text, every `&` a character
/// reference, `<style>`/`<script>` bodies free of their closing tag.
fn parse(html: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    let line = |rest: &str| html[..html.len() - rest.len()].lines().count();
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_text(rest).map_err(|e| format!("line {}: {e}", line(rest)))?;
            toks.push(Tok::Text(rest.to_string()));
            break;
        };
        if lt > 0 {
            let text = &rest[..lt];
            check_text(text).map_err(|e| format!("line {}: {e}", line(rest)))?;
            toks.push(Tok::Text(text.to_string()));
        }
        rest = &rest[lt..];
        if rest.starts_with("<!DOCTYPE html>") {
            rest = &rest["<!DOCTYPE html>".len()..];
            continue;
        }
        let gt = tag_end(rest).ok_or_else(|| format!("line {}: unterminated tag", line(rest)))?;
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_string();
            match stack.pop() {
                Some(open) if open == name => toks.push(Tok::Close(name)),
                other => return Err(format!("line {}: </{name}> closes {other:?}", line(rest))),
            }
            continue;
        }
        let (name, attrs) = parse_tag(tag).map_err(|e| format!("line {}: {e}", line(rest)))?;
        toks.push(Tok::Open(name.clone(), attrs));
        if name == "style" || name == "script" {
            let close = format!("</{name}>");
            let end = rest.find(&close).ok_or_else(|| format!("unclosed <{name}>"))?;
            toks.push(Tok::Text(rest[..end].to_string()));
            toks.push(Tok::Close(name.clone()));
            rest = &rest[end + close.len()..];
        } else if !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements at the end: {stack:?}"));
    }
    Ok(toks)
}

/// End of a tag (the `>` outside quotes).
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn parse_tag(tag: &str) -> Result<(String, Vec<(String, String)>), String> {
    let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
    let name = tag[..name_end].to_string();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("bad tag name in <{tag}>"));
    }
    let mut attrs = Vec::new();
    let mut s = tag[name_end..].trim_start();
    while !s.is_empty() {
        let eq = s.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(s.len());
        let key = s[..eq].to_string();
        s = &s[eq..];
        if let Some(r) = s.strip_prefix('=') {
            let q =
                r.chars().next().filter(|c| *c == '"' || *c == '\'').ok_or(format!("unquoted {key} in <{name}>"))?;
            let end = r[1..].find(q).ok_or(format!("unterminated {key} in <{name}>"))?;
            let v = &r[1..1 + end];
            check_text(v).map_err(|e| format!("attribute {key}: {e}"))?;
            attrs.push((key, v.to_string()));
            s = r[end + 2..].trim_start();
        } else {
            attrs.push((key, String::new()));
            s = s.trim_start();
        }
    }
    Ok((name, attrs))
}

fn check_text(t: &str) -> Result<(), String> {
    if t.contains('>') {
        return Err(format!("raw '>' in text {:?}", &t[..t.len().min(80)]));
    }
    for (i, _) in t.match_indices('&') {
        let r = &t[i + 1..];
        let end = r.find(';').ok_or_else(|| format!("bare '&' in {t:?}"))?;
        let ent = &r[..end];
        let ok = ["amp", "lt", "gt", "quot", "#39"].contains(&ent);
        if !ok {
            return Err(format!("unknown entity &{ent}; in {:?}", &t[..t.len().min(80)]));
        }
    }
    Ok(())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

fn attr<'a>(attrs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
}

/// The page with the base64 payloads of its `data:` URIs removed (random
/// base64 text can spell "http" by chance; it is no URL).
fn without_data_uris(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(";base64,") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 8..];
        let end =
            tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn metrics(dir: &Path, trial: &str) -> Value {
    serde_json::from_str(&read(&dir.join(trial).join("metrics.json"))).unwrap()
}

/// Every `data-m` number in the HTML: (path, shown text), after checking that
/// the text is the `metrics.json` value at that path in the language's format.
fn check_numbers(html: &[Tok], m: &Value, lang: &str) -> BTreeSet<String> {
    let l = i18n::get(lang).unwrap();
    let mut paths = BTreeSet::new();
    for (i, t) in html.iter().enumerate() {
        let Tok::Open(_, attrs) = t else { continue };
        let Some(path) = attr(attrs, "data-m") else { continue };
        let d: usize = attr(attrs, "data-d").unwrap().parse().unwrap();
        let scale: f64 = attr(attrs, "data-s").map_or(1.0, |s| s.parse().unwrap());
        let Some(Tok::Text(shown)) = html.get(i + 1) else { panic!("{path}: no text") };
        let v =
            m.pointer(path).and_then(Value::as_f64).unwrap_or_else(|| panic!("{path} is not a number in metrics.json"));
        assert_eq!(unescape(shown), l.num(v * scale, d), "{path} ({lang}): shown {shown:?}, metrics.json {v}");
        paths.insert(path.to_string());
    }
    paths
}

/// Paths of `metrics.json` the clinician view must show.
fn required_paths(m: &Value) -> Vec<String> {
    let mut need = Vec::new();
    let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    for side in ["left", "right", "overall"] {
        for k in keys(&m["spatiotemporal"][side]) {
            need.push(format!("/spatiotemporal/{side}/{k}/mean"));
            if !m["spatiotemporal"][side][&k]["sd"].is_null() {
                need.push(format!("/spatiotemporal/{side}/{k}/sd"));
            }
        }
    }
    // Symmetry: every spatiotemporal SI, and the SI of each angle's range of motion.
    for k in keys(&m["symmetry"]) {
        if m["symmetry"][&k].is_number() && k != "threshold_pct" {
            need.push(format!("/symmetry/{k}"));
        }
    }
    for k in keys(&m["symmetry"]["angles"]) {
        if k.ends_with(".rom_deg") && m["symmetry"]["angles"][&k]["si_pct"].is_number() {
            need.push(format!("/symmetry/angles/{k}/si_pct"));
        }
    }
    for side in ["left", "right"] {
        if !m["foot_strike"][side].is_null() {
            need.push(format!("/foot_strike/{side}/angle_deg/mean"));
            for c in ["rearfoot", "midfoot", "forefoot"] {
                need.push(format!("/foot_strike/{side}/shares/{c}"));
            }
        }
        for var in keys(&m["angles"][side]) {
            for f in ["max_deg", "min_deg", "rom_deg"] {
                if !m["angles"][side][&var][f].is_null() {
                    need.push(format!("/angles/{side}/{var}/{f}/mean"));
                }
            }
        }
        if let Some(v) = m["imbalance"]["emg"][side].as_object() {
            for k in ["hq_ratio", "hq_ratio_recording", "cci_pct"] {
                if v.contains_key(k) {
                    need.push(format!("/imbalance/emg/{side}/{k}"));
                }
            }
        }
    }
    // Dynamometer ratios and LSIs, kinematic evidence per side.
    let dy = &m["imbalance"]["dynamometer"];
    for kind in ["conventional", "functional", "mixed"] {
        for i in 0..dy[kind].as_array().map_or(0, Vec::len) {
            need.push(format!("/imbalance/dynamometer/{kind}/{i}/ratio"));
        }
    }
    for i in 0..dy["lsi"].as_array().map_or(0, Vec::len) {
        need.push(format!("/imbalance/dynamometer/lsi/{i}/lsi_pct"));
    }
    for side in ["left", "right"] {
        for (k, v) in m["imbalance"]["kinematic"][side].as_object().into_iter().flatten() {
            if v.is_number() {
                need.push(format!("/imbalance/kinematic/{side}/{k}"));
            }
        }
    }
    if let Some(f) = m["imbalance"]["findings"].as_array() {
        for i in 0..f.len() {
            need.push(format!("/imbalance/findings/{i}/value"));
        }
    }
    need
}

// ---------------------------------------------------------------- tests

#[test]
fn reports_are_well_formed_self_contained_and_show_the_metrics() {
    for lang in ["en", "de"] {
        let dir = demo(lang);
        for trial in DEMO {
            let html = read(&dir.join(trial).join("report.html"));
            let toks = parse(&html).unwrap_or_else(|e| panic!("{trial} ({lang}) is not well-formed: {e}"));
            // Self-contained: the only "http" is the attribute name http-equiv, every
            // src is a data: URI, every href a fragment, and the CSP is the strict one.
            assert_eq!(
                without_data_uris(&html).to_ascii_lowercase().matches("http").count(),
                1,
                "{trial} ({lang}): \"http\" outside http-equiv"
            );
            assert!(html.contains(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">")));
            assert!(!html.contains("<script"), "{trial}: report.html needs no script");
            let mut imgs = 0;
            for t in &toks {
                if let Tok::Open(name, attrs) = t {
                    if let Some(src) = attr(attrs, "src") {
                        assert!(src.starts_with("data:image/png;base64,"), "{trial}: external src {src:.40}");
                        imgs += 1;
                    }
                    if let Some(href) = attr(attrs, "href") {
                        assert!(href.starts_with('#'), "{trial}: external href {href}");
                    }
                    assert!(!attrs.iter().any(|(k, _)| k.starts_with("on")), "{trial}: event handler on <{name}>");
                }
            }
            // Every chart PNG written beside the report is embedded byte for byte, at its size.
            let pngs: Vec<PathBuf> = std::fs::read_dir(dir.join(trial))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "png"))
                .collect();
            assert_eq!(imgs, pngs.len(), "{trial} ({lang}): images in the HTML vs PNG files");
            for p in &pngs {
                let bytes = std::fs::read(p).unwrap();
                let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
                let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
                let tag = format!("<img src=\"data:image/png;base64,{}\" width=\"{w}\" height=\"{h}\"", base64(&bytes));
                assert!(html.contains(&tag), "{}: not embedded at {w}x{h}", p.display());
            }
            // Numbers: every tagged number equals metrics.json; every required one is shown.
            let m = metrics(dir, trial);
            let shown = check_numbers(&toks, &m, lang);
            let need = required_paths(&m);
            assert!(need.len() > 20, "{trial}: only {} required numbers", need.len());
            let missing: Vec<&String> = need.iter().filter(|p| !shown.contains(*p)).collect();
            assert!(missing.is_empty(), "{trial} ({lang}): metrics.json values not in the report: {missing:?}");
        }
    }
}

/// The structure of a page without its text: element names and attributes,
/// leaving out the attributes that carry words (alt, title, aria-label, lang)
/// and the image data (the charts' own labels are translated).
fn skeleton(toks: &[Tok]) -> Vec<String> {
    toks.iter()
        .filter_map(|t| match t {
            Tok::Open(n, a) => Some(format!(
                "<{n} {}>",
                a.iter()
                    .filter(|(k, _)| !["alt", "title", "aria-label", "lang"].contains(&k.as_str()))
                    .map(|(k, v)| if k == "src" { format!("{k}=<{}>", v.len() > 100) } else { format!("{k}={v}") })
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            Tok::Close(n) => Some(format!("</{n}>")),
            Tok::Text(_) => None,
        })
        .collect()
}

#[test]
fn german_and_english_reports_differ_only_in_text() {
    let (en, de) = (demo("en"), demo("de"));
    for trial in DEMO {
        let e = parse(&read(&en.join(trial).join("report.html"))).unwrap();
        let d = parse(&read(&de.join(trial).join("report.html"))).unwrap();
        let (se, sd) = (skeleton(&e), skeleton(&d));
        assert_eq!(se.len(), sd.len(), "{trial}: different number of tags");
        for (a, b) in se.iter().zip(&sd) {
            assert_eq!(a, b, "{trial}: structure differs");
        }
        // The same numbers (as values): compare the parsed metrics behind each tag.
        let me = metrics(en, trial);
        let md = metrics(de, trial);
        assert_eq!(check_numbers(&e, &me, "en"), check_numbers(&d, &md, "de"));
        // The texts do differ, and German uses the decimal comma.
        let text = |t: &[Tok]| {
            t.iter().filter_map(|x| if let Tok::Text(s) = x { Some(s.clone()) } else { None }).collect::<String>()
        };
        assert_ne!(text(&e), text(&d));
        let html_de = read(&de.join(trial).join("report.html"));
        assert!(html_de.contains("<html lang=\"de\">") && html_de.contains("Ihre Ergebnisse"));
        let m = &me["spatiotemporal"]["overall"]["cadence_steps_per_min"]["mean"];
        let want = i18n::get("de").unwrap().num(m.as_f64().unwrap(), 1);
        assert!(want.contains(','), "{want}");
        assert!(html_de.contains(&format!(">{want}<")), "{trial}: German cadence {want} not shown");
    }
    // index.html follows the batch language too.
    assert!(read(&de.join("index.html")).contains("<html lang=\"de\">"));
    assert!(read(&en.join("index.html")).contains("<html lang=\"en\">"));
}

#[test]
fn strings_from_files_are_escaped() {
    let dir = tmpdir("escape");
    // A file name and a subject name full of markup and quotes.
    let evil_file = "we<i>rd&\"n'ame\".csv";
    std::fs::copy(data().join("walker.csv"), dir.join(evil_file)).unwrap();
    let name = "</style><script>alert(\"x\")</script>'O'Brien & <b>Co</b>";
    let mut w = csv::Writer::from_path(dir.join("manifest.csv")).unwrap();
    w.write_record(["trial", "files", "name", "lang"]).unwrap();
    w.write_record(["evil", evil_file, name, "en"]).unwrap();
    w.flush().unwrap();
    drop(w);
    let out = dir.join("out");
    let o = bin()
        .args(["analyze", "--quiet", "--manifest"])
        .arg(dir.join("manifest.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&out.join("evil").join("report.html"));
    let toks = parse(&html).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    assert!(!html.contains("<script"), "a script got through");
    assert_eq!(html.matches("</style>").count(), 1);
    assert_eq!(html.matches("<b>Co").count(), 0);
    let escaped =
        "&lt;/style&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;";
    assert!(html.contains(escaped), "subject name not shown escaped");
    assert!(html.contains("we&lt;i&gt;rd&amp;&quot;n&#39;ame&quot;.csv"), "file name not shown escaped");
    // The text nodes read back as the original strings.
    let texts: Vec<String> =
        toks.iter().filter_map(|t| if let Tok::Text(s) = t { Some(unescape(s)) } else { None }).collect();
    assert!(texts.iter().any(|t| t == name));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn index_lists_every_trial_and_failures_with_their_reasons() {
    let dir = tmpdir("index");
    std::fs::copy(data().join("walker.csv"), dir.join("walker.csv")).unwrap();
    std::fs::write(dir.join("broken.trc"), "PathFileType\t4\t(X/Y/Z)\tbroken.trc\nnot a trc <header>\n").unwrap();
    let out = dir.join("out");
    let o = bin()
        .args(["analyze", "--quiet", "--out"])
        .arg(&out)
        .arg(dir.join("walker.csv"))
        .arg(dir.join("broken.trc"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let html = read(&out.join("index.html"));
    let toks = parse(&html).unwrap_or_else(|e| panic!("index.html not well-formed: {e}"));
    // The CSP allows exactly the one inline script, by its hash.
    let script = gaitline::report::index::SORT_SCRIPT;
    assert!(html.contains(&format!("<script>{script}</script>")));
    assert!(html.contains(&gaitline::report::html::csp_script_hash(script)));
    assert_eq!(html.to_ascii_lowercase().matches("http").count(), 1);
    assert!(html.contains("<a href=\"walker/report.html\">walker</a>"));
    // The failure and its reason, as summary.csv gives it.
    let mut rdr = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, gaitline::output::summary::columns());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let failed = rows.iter().find(|r| &r[0] == "broken").expect("broken trial in summary.csv");
    assert_eq!(&failed[1], "failed");
    let reason = &failed[2];
    assert!(reason.contains("broken.trc"), "reason names the file: {reason}");
    let esc = gaitline::report::html::esc(reason);
    assert!(html.contains(&format!("<td class=\"err\">{esc}</td>")), "index lacks the reason {esc}");
    assert!(
        !toks.iter().any(|t| matches!(t, Tok::Open(n, a) if n == "a" && attr(a, "href") == Some("broken/report.html")))
    );
    // summary.csv: the metric columns equal metrics.json.
    let ok = rows.iter().find(|r| &r[0] == "walker").unwrap();
    let m = metrics(&out, "walker");
    let col = |name: &str| &ok[header.iter().position(|h| h == name).unwrap()];
    let num = |s: &str| s.parse::<f64>().unwrap();
    assert_eq!(num(col("speed_m_s")), m["spatiotemporal"]["overall"]["speed_m_s"]["mean"].as_f64().unwrap());
    assert_eq!(
        num(col("left_stride_length_m_mean")),
        m["spatiotemporal"]["left"]["stride_length_m"]["mean"].as_f64().unwrap()
    );
    assert_eq!(num(col("si_stride_length_pct")), m["symmetry"]["stride_length_m"].as_f64().unwrap());
    assert_eq!(col("right_foot_strike"), m["foot_strike"]["right"]["pattern"].as_str().unwrap());
    assert_eq!(col("lang"), "en");
    // A failed row has every column, the metric ones empty.
    assert_eq!(failed.len(), header.len());
    assert_eq!(col("status"), "ok");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_language_is_a_usage_error_listing_the_codes() {
    let o = bin()
        .args(["analyze", "--lang", "fr", "--out"])
        .arg(tmpdir("lang"))
        .arg(data().join("walker.csv"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--lang \"fr\" is not a report language; available: de, en"), "{err}");
}

#[test]
fn no_plots_gives_tables_only() {
    let out = tmpdir("noplots");
    let o = bin()
        .args(["analyze", "--quiet", "--no-plots", "--out"])
        .arg(&out)
        .arg(data().join("walker.csv"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let html = read(&out.join("walker").join("report.html"));
    parse(&html).unwrap();
    assert!(!html.contains("<img"));
    assert!(html.contains("data-m=\"/spatiotemporal/left/stride_length_m/mean\""));
    let pngs = std::fs::read_dir(out.join("walker"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "png"))
        .count();
    assert_eq!(pngs, 0);
    std::fs::remove_dir_all(&out).unwrap();
}

/// Report generation for one trial (every chart and the HTML), timed in
/// process on each demo trial; the target is < 1 s in release mode.
#[test]
fn one_report_is_generated_in_under_a_second() {
    use gaitline::pipeline::{AnalyzeOptions, analyze_trial, load_trial, report_files};
    let (specs, _) = gaitline::group::group_files(&gaitline::group::scan(&data()).unwrap(), None);
    let opts = AnalyzeOptions {
        out: tmpdir("timing"),
        force_format: None,
        clean: Default::default(),
        plots: true,
        events: Default::default(),
        anonymize: None,
        norms: None,
        tables_only: false,
    };
    for trial in DEMO {
        let spec = specs.iter().find(|s| s.id == trial).unwrap();
        let t = load_trial(spec, None, &opts.clean).unwrap();
        let a = analyze_trial(&t, &opts.events);
        let m = gaitline::output::metrics::from_analysis(&t, &a);
        let mut best = f64::INFINITY;
        let mut files = Vec::new();
        for _ in 0..3 {
            let start = std::time::Instant::now();
            files = report_files(&t, &a, &m, &opts).unwrap();
            best = best.min(start.elapsed().as_secs_f64());
        }
        let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
        let html = files.iter().find(|(n, _)| n == "report.html").map_or(0, |(_, b)| b.len());
        eprintln!(
            "report for {trial}: {} files, {:.0} KB (report.html {:.0} KB), best of 3: {:.0} ms",
            files.len(),
            bytes as f64 / 1e3,
            html as f64 / 1e3,
            best * 1e3
        );
        assert!(html > 0, "{trial}: no report.html");
        if !cfg!(debug_assertions) {
            assert!(best < 1.0, "{trial}: report generation took {best:.2} s");
        }
    }
    std::fs::remove_dir_all(&opts.out).unwrap();
}

/// Real lab recordings (`GAITLINE_DATA`): a Plug-in Gait C3D, an EMG C3D and
/// an RBDS running trial give well-formed reports whose numbers are those of
/// their `metrics.json`, in German.
#[test]
fn real_trials_give_well_formed_reports_with_their_numbers() {
    let files: Vec<PathBuf> = [
        "btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d",
        "btkdata/C3DSamples__others__1123x01EMG.c3d",
        "rbds-fukuchi-running/RBDS0041runT252.txt",
        "rbds-fukuchi-running/RBDS0041runT252forces.txt",
    ]
    .iter()
    .filter_map(|f| common::data_file(f))
    .collect();
    if files.is_empty() {
        return;
    }
    let out = tmpdir("real");
    let o = bin().args(["analyze", "--quiet", "--lang", "de", "--out"]).arg(&out).args(&files).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut checked = 0;
    for trial in ["C3DSamples__PiG__PiG_Motion-FlatFoot-Full", "C3DSamples__others__1123x01EMG", "RBDS0041runT252"] {
        let html = read(&out.join(trial).join("report.html"));
        let toks = parse(&html).unwrap_or_else(|e| panic!("{trial}: not well-formed: {e}"));
        let m = metrics(&out, trial);
        let shown = check_numbers(&toks, &m, "de");
        let missing: Vec<String> = required_paths(&m).into_iter().filter(|p| !shown.contains(p)).collect();
        assert!(missing.is_empty(), "{trial}: not in the report: {missing:?}");
        checked += shown.len();
    }
    assert!(checked > 150, "only {checked} numbers checked");
    parse(&read(&out.join("index.html"))).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

/// The patient view's traffic lights tell the demo trials' simulated truth:
/// the healthy walker is green everywhere; the imbalanced runner (left step
/// shorter, left midfoot vs right rearfoot landing, left hamstring EMG at half
/// amplitude) is amber for steps and feet and red for the thigh muscles; the
/// forefoot runner (no EMG, both feet forefoot) is grey for the muscles.
#[test]
fn traffic_lights_follow_the_simulated_truth() {
    let dir = demo("en");
    let lights = |trial: &str| -> Vec<(String, String)> {
        let toks = parse(&read(&dir.join(trial).join("report.html"))).unwrap();
        toks.iter()
            .filter_map(|t| match t {
                Tok::Open(n, a) if n == "div" => {
                    let area = attr(a, "data-light")?;
                    let class = attr(a, "class")?.strip_prefix("light ")?;
                    Some((area.to_string(), class.to_string()))
                }
                _ => None,
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>();
    assert_eq!(
        lights("walker"),
        pairs(&[("stride", "green"), ("foot", "green"), ("joints", "green"), ("muscles", "green")])
    );
    let imb = lights("runner_imbalance");
    assert_eq!(imb[0], ("stride".into(), "amber".into()));
    assert_eq!(imb[1], ("foot".into(), "amber".into()));
    assert_eq!(imb[3], ("muscles".into(), "red".into()));
    let fore = lights("runner_forefoot");
    assert_eq!(fore[1], ("foot".into(), "green".into()));
    assert_eq!(fore[3], ("muscles".into(), "grey".into()));
    // The index counts the imbalanced runner's findings, with the highest severity.
    let index = read(&dir.join("index.html"));
    let row = index.lines().find(|l| l.contains("runner_imbalance/report.html")).unwrap();
    let m = metrics(dir, "runner_imbalance");
    let n = m["imbalance"]["findings"].as_array().unwrap().len();
    assert!(n >= 3, "{n} findings");
    assert!(row.contains(&format!("data-v=\"{n}\">{n}</td>")) && row.contains("sev-marked"), "{row}");
}

/// `--only metrics` writes no report.html, so the index links none.
#[test]
fn index_links_only_reports_that_exist() {
    let out = tmpdir("only");
    let o = bin()
        .args(["analyze", "--quiet", "--only", "metrics", "--out"])
        .arg(&out)
        .arg(data().join("walker.csv"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.join("walker").join("report.html").exists());
    let html = read(&out.join("index.html"));
    parse(&html).unwrap();
    assert!(!html.contains("report.html\""), "dead link in {html}");
    assert!(html.contains(">walker</td>"));
    std::fs::remove_dir_all(&out).unwrap();
}
