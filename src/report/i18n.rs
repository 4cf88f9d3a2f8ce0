//! Report strings per language. Every string a report shows lives in
//! `lang/<code>.toml` (embedded at build time by `build.rs`), one file per
//! language: adding a language is adding a file. Nested TOML tables are
//! flattened to dotted keys (`[finding.overstriding] title = ".."` is
//! `"finding.overstriding.title"`); `{name}` placeholders are filled by
//! [`Lang::fill`]. A key missing in a language falls back to English, then to
//! the key itself, so that a gap shows up in the report instead of a panic.

use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/langs.rs"));

/// One report language.
#[derive(Debug, Clone)]
pub struct Lang {
    pub code: String,
    pub name: String,
    pub decimal_separator: char,
    pub thousands_separator: Option<char>,
    strings: BTreeMap<String, String>,
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The flat strings of a language file in the plain subset the files use,
/// line by line: comments, blank lines, `[dotted.table]` headers and
/// `dotted.key = "basic string"` (escapes `\" \\ \n \t \r \b \f \uXXXX
/// \UXXXXXXXX`), a comment allowed after the string. `None` for anything
/// else (another TOML form, a key or table given twice, a string that is also
/// a table, a bad escape): then the toml crate parses the file
/// ([`Lang::parse`]). A fast path only (issue 8: the parse is on the critical
/// path of a trial's report); a test checks that it gives the toml crate's
/// strings for every built-in language.
fn parse_plain(text: &str) -> Option<BTreeMap<String, String>> {
    let bare = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    let dotted = |k: &str| {
        let k = k.trim();
        if k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.') {
            return k.split('.').all(bare).then(|| k.to_string());
        }
        k.split('.').all(|p| bare(p.trim())).then(|| k.split('.').map(str::trim).collect::<Vec<_>>().join("."))
    };
    let mut out = BTreeMap::new();
    let mut tables: Vec<String> = Vec::new();
    let mut prefix = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[') {
            let (name, rest) = h.split_once(']')?;
            let rest = rest.trim();
            if name.starts_with('[') || !(rest.is_empty() || rest.starts_with('#')) {
                return None;
            }
            prefix = dotted(name)?;
            if tables.contains(&prefix) {
                return None;
            }
            tables.push(prefix.clone());
            continue;
        }
        let (k, v) = line.split_once('=')?;
        let key = dotted(k)?;
        let key = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
        let v = v.trim_start().strip_prefix('"')?;
        // Up to the first quote or backslash at once, the rest per character.
        let plain = v.find(['"', '\\']).unwrap_or(v.len());
        if v[..plain].chars().any(|c| c.is_control() && c != '\t') {
            return None;
        }
        let mut val = String::from(&v[..plain]);
        let mut chars = v[plain..].chars();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => val.push(match chars.next()? {
                    '"' => '"',
                    '\\' => '\\',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    u @ ('u' | 'U') => {
                        let n = if u == 'u' { 4 } else { 8 };
                        let hex: String = chars.by_ref().take(n).collect();
                        if hex.len() != n || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    _ => return None,
                }),
                c if c.is_control() && c != '\t' => return None,
                c => val.push(c),
            }
        }
        let rest = chars.as_str().trim();
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        if out.insert(key, val).is_some() {
            return None;
        }
    }
    // A string that is also a table (`a = ".."` and `a.b = ".."` or `[a]`):
    // a TOML error; left to the toml crate to report.
    let parent_is_string = |k: &str| k.match_indices('.').any(|(i, _)| out.contains_key(&k[..i]));
    if out.keys().any(|k| parent_is_string(k)) || tables.iter().any(|t| out.contains_key(t) || parent_is_string(t)) {
        return None;
    }
    Some(out)
}

impl Lang {
    /// Parse one language file. `code` is the file stem.
    pub fn parse(code: &str, text: &str) -> Result<Lang, String> {
        let strings = match parse_plain(text) {
            Some(s) => s,
            None => {
                let v: toml::Value = toml::from_str(text).map_err(|e| format!("lang/{code}.toml: {e}"))?;
                let mut strings = BTreeMap::new();
                flatten("", &v, &mut strings);
                strings
            }
        };
        let sep = |k: &str| strings.get(k).and_then(|s| s.chars().next());
        Ok(Lang {
            code: code.to_string(),
            name: strings.get("meta.name").cloned().unwrap_or_else(|| code.to_string()),
            decimal_separator: sep("meta.decimal_separator").unwrap_or('.'),
            thousands_separator: sep("meta.thousands_separator"),
            strings,
        })
    }

    /// The string for `key`, falling back to English, then to the key itself.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        if let Some(s) = self.strings.get(key) {
            return s;
        }
        if self.code != "en"
            && let Some(s) = get("en").and_then(|en| en.strings.get(key))
        {
            return s;
        }
        key
    }

    /// Whether this language itself defines `key` (no fallback).
    pub fn has(&self, key: &str) -> bool {
        self.strings.contains_key(key)
    }

    /// All keys this language defines, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(|s| s.as_str())
    }

    /// `t(key)` with `{name}` placeholders replaced by `args`.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A number with `decimals` places in this language's notation (decimal
    /// comma in German; thousands grouped from 10,000 on); `–` for NaN.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        let s = format!("{:.*}", decimals, v.abs());
        let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
        let mut grouped = String::new();
        if int.len() > 4
            && let Some(t) = self.thousands_separator
        {
            for (i, c) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push(t);
                }
                grouped.push(c);
            }
        } else {
            grouped.push_str(int);
        }
        let neg = v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
        let mut out = String::with_capacity(grouped.len() + frac.len() + 2);
        if neg {
            out.push('−');
        }
        out.push_str(&grouped);
        if !frac.is_empty() {
            out.push(self.decimal_separator);
            out.push_str(frac);
        }
        out
    }
}

/// The built-in language at `i` of `LANG_FILES`, parsed on first use: a
/// run in one language parses only that file (and English, the fallback, when
/// a key is missing), ~0.4 ms each on the critical path of a trial's report
/// (issue 8), not every language's.
fn parsed(i: usize) -> &'static Lang {
    static LANGS: OnceLock<Vec<OnceLock<Lang>>> = OnceLock::new();
    let slots = LANGS.get_or_init(|| LANG_FILES.iter().map(|_| OnceLock::new()).collect());
    slots[i].get_or_init(|| {
        let (code, text) = LANG_FILES[i];
        Lang::parse(code, text).unwrap_or_else(|e| panic!("embedded language file: {e}"))
    })
}

#[cfg(test)]
fn all() -> Vec<&'static Lang> {
    (0..LANG_FILES.len()).map(parsed).collect()
}

/// The built-in language with this code (`"en"`, `"de"`, ...).
pub fn get(code: &str) -> Option<&'static Lang> {
    LANG_FILES.iter().position(|(c, _)| c.eq_ignore_ascii_case(code)).map(parsed)
}

/// Codes of the built-in languages, sorted.
pub fn available() -> Vec<&'static str> {
    LANG_FILES.iter().map(|(c, _)| *c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line parser gives the toml crate's strings for every built-in
    /// language, and declines (so the toml crate decides) what it does not
    /// read exactly.
    #[test]
    fn plain_parser_agrees_with_toml() {
        for (code, text) in LANG_FILES {
            let v: toml::Value = toml::from_str(text).unwrap();
            let mut want = BTreeMap::new();
            flatten("", &v, &mut want);
            let got = parse_plain(text).unwrap_or_else(|| panic!("lang/{code}.toml: not read by the line parser"));
            assert_eq!(got, want, "lang/{code}.toml");
        }
        let ok = "# c\n[a]\nx = \"1 \\\"q\\\" \\u00e9\\n\" # note\n[a.b]\ny.z = \"2\"\n";
        let got = parse_plain(ok).unwrap();
        assert_eq!(got.get("a.x").map(String::as_str), Some("1 \"q\" é\n"));
        assert_eq!(got.get("a.b.y.z").map(String::as_str), Some("2"));
        for bad in [
            "a = 1",
            "a = \"x\"\na = \"y\"",
            "[t]\n[t]",
            "a = \"x\"\na.b = \"y\"",
            "a = \"x\"\n[a]",
            "a = \"x\" y",
            "a = 'x'",
            "a = \"\"\"x\"\"\"",
            "[[t]]",
            "a = \"\\q\"",
            "a = \"x",
            "a b = \"x\"",
            "a = \"\\u+123\"",
        ] {
            assert!(parse_plain(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        let en = get("en").unwrap();
        let de = get("de").unwrap();
        assert_eq!(en.num(1.2345, 2), "1.23");
        assert_eq!(de.num(1.2345, 2), "1,23");
        assert_eq!(de.num(-0.5, 1), "−0,5");
        assert_eq!(de.num(-0.04, 1), "0,0");
        assert_eq!(en.num(12345.6, 1), "12,345.6");
        assert_eq!(de.num(12345.6, 0), "12.346");
        assert_eq!(en.num(1234.0, 0), "1234");
        assert_eq!(en.num(f64::NAN, 1), "–");
    }

    #[test]
    fn every_language_has_every_english_key() {
        let en = get("en").unwrap();
        for l in all() {
            let missing: Vec<_> = en.keys().filter(|k| !l.has(k)).collect();
            assert!(missing.is_empty(), "lang/{}.toml lacks {missing:?}", l.code);
            let extra: Vec<_> = l.keys().filter(|k| !en.has(k)).collect();
            assert!(extra.is_empty(), "lang/{}.toml has keys English lacks: {extra:?}", l.code);
        }
        assert_eq!(available(), vec!["de", "en"]);
        // The code a language answers to is its file's stem.
        for l in all() {
            assert!(std::ptr::eq(get(&l.code).unwrap(), l));
            assert!(std::ptr::eq(get(&l.code.to_uppercase()).unwrap(), l));
        }
        assert!(get("xx").is_none());
    }
}
