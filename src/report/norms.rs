//! Normative reference data for the charts (`gaitline analyze --norms FILE`).
//!
//! # File format
//! A CSV file with the header `variable,pct,mean,sd` (columns in that order;
//! blank lines and lines starting with `#` are ignored):
//!
//! ```text
//! # normal adult walking, Lab X 2024 (n = 40)
//! variable,pct,mean,sd
//! knee_flexion,0,5.1,3.9
//! knee_flexion,2,7.4,4.0
//! ...
//! knee_flexion,100,5.3,4.1
//! cadence_steps_per_min,,113.5,8.2
//! ```
//!
//! - `variable`: a joint-angle variable of Plug-in Gait
//!   ([`crate::angles::VARIABLES`]: `pelvis_tilt`, `hip_flexion`, ...,
//!   `foot_progression`), degrees, with Plug-in Gait's signs; or a
//!   spatiotemporal key ([`crate::spatiotemporal::KEYS`]: `stride_length_m`,
//!   `cadence_steps_per_min`, ...), in the key's unit.
//! - `pct`: % of the gait cycle (0–100) for a curve; empty for a
//!   spatiotemporal value (one row per key).
//! - `mean`, `sd`: the normative mean and one standard deviation (sd ≥ 0).
//!
//! A curve needs at least two points at distinct `pct` that cover 0 and 100;
//! it is resampled to the 101 points of a normalised cycle (0, 1, …, 100 %)
//! by linear interpolation, so any grid (every 1 %, 2 %, 5 %) works. Norms are
//! the lab's own or a published set (e.g. Schwartz et al. 2008, J Biomech
//! 41:1639–1650, speed-stratified curves); gaitline ships none, and the charts
//! name the file they came from.
//!
//! Every error names the file, line and column: `norms.csv:12:3: expected a
//! number, found "abc" (in mean)`.
//!
//! # JSON
//! The same norms as JSON, as `gaitline norms build ... --out norms.json`
//! writes them ([`crate::norms::Builder::to_json`]); a file whose first
//! non-blank byte is `{` is read as JSON, whatever its name:
//!
//! ```text
//! {"format": "gaitline-norms", "version": 1,
//!  "curves": {"knee_flexion": {"mean": [5.1, ...], "sd": [3.9, ...]}},
//!  "values": {"cadence_steps_per_min": {"mean": 113.5, "sd": 8.2}}}
//! ```
//!
//! A curve's `mean` and `sd` are arrays of equal length (≥ 2) spread evenly
//! over 0–100 % of the cycle (101 numbers: every 1 %), resampled as above.
//! Other keys (`n`, `trials`, `method`, ...) are informative. Errors name the
//! line and column of the offending key.

use crate::angles::VARIABLES;
use crate::error::{Error, Position, ReadError, ReadErrorKind};
use crate::spatiotemporal::KEYS;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One normative curve over the gait cycle (101 points, 0–100 %).
#[derive(Debug, Clone, PartialEq)]
pub struct NormCurve {
    pub mean: [f64; 101],
    pub sd: [f64; 101],
}

/// One normative scalar (a spatiotemporal parameter).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormValue {
    pub mean: f64,
    pub sd: f64,
}

/// A parsed norms file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Norms {
    /// The file the norms came from (shown on the charts).
    pub source: PathBuf,
    pub curves: BTreeMap<String, NormCurve>,
    pub values: BTreeMap<String, NormValue>,
}

impl Norms {
    /// The normative curve of a joint-angle variable.
    pub fn curve(&self, variable: &str) -> Option<&NormCurve> {
        self.curves.get(variable)
    }
    /// The normative value of a spatiotemporal key.
    pub fn value(&self, key: &str) -> Option<&NormValue> {
        self.values.get(key)
    }
}

/// Whether `p` is a norms CSV (its first line that is neither blank nor a
/// `#` comment is the header `variable,pct,mean,sd`), judged from its first
/// 4 KiB: a folder scan skips it instead of failing on it as a trial (a lab
/// keeps `gaitline norms build`'s output beside its trials).
pub fn is_norms_file(p: &Path) -> bool {
    use std::io::Read;
    let ext = p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !["csv", "txt", "tsv"].contains(&ext.as_str()) {
        return false;
    }
    let mut head = vec![0u8; 4096];
    let Ok(n) = std::fs::File::open(p).and_then(|mut f| f.read(&mut head)) else { return false };
    let text = String::from_utf8_lossy(&head[..n]);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    lines.next().is_some_and(|l| {
        let cells: Vec<String> = l.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
        cells == HEADER
    })
}

/// Read and parse a norms file.
pub fn read(path: &Path) -> Result<Norms, Error> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::io(path, &e))?;
    Ok(parse(path, &bytes)?)
}

const HEADER: [&str; 4] = ["variable", "pct", "mean", "sd"];

/// The `format` value of a JSON norms file.
pub const JSON_FORMAT: &str = "gaitline-norms";

/// Parse the bytes of a norms file, CSV or JSON (pure; `path` only names it
/// in errors).
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Norms, ReadError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return parse_json(path, bytes);
    }
    let err = |line: u64, col: u64, field: &str, kind: ReadErrorKind| {
        let pos = if col > 0 { Position::cell(line, col) } else { Position::line(line) };
        let pos = if field.is_empty() { pos } else { pos.with_field(field) };
        ReadError::new(path, pos, kind)
    };
    let mut header_seen = false;
    let mut points: BTreeMap<String, Vec<(f64, f64, f64, u64)>> = BTreeMap::new();
    let mut values = BTreeMap::new();
    for (ln, line) in crate::io::text::Lines::new(bytes) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = trimmed.split(',').map(|c| c.trim().trim_matches('"').trim()).collect();
        if !header_seen {
            let lower: Vec<String> = cells.iter().map(|c| c.to_ascii_lowercase()).collect();
            if lower != HEADER {
                return Err(err(
                    ln,
                    0,
                    "",
                    ReadErrorKind::MissingHeader(format!("expected \"variable,pct,mean,sd\", found {trimmed:?}")),
                ));
            }
            header_seen = true;
            continue;
        }
        if cells.len() != 4 {
            return Err(err(ln, 0, "", ReadErrorKind::FieldCount { expected: 4, found: cells.len() }));
        }
        let var = cells[0];
        let is_curve = VARIABLES.contains(&var);
        if !is_curve && !KEYS.contains(&var) {
            return Err(err(
                ln,
                1,
                "variable",
                ReadErrorKind::BadValue(format!(
                    "unknown variable {var:?} (a joint angle such as knee_flexion or a spatiotemporal key such as cadence_steps_per_min)"
                )),
            ));
        }
        let num = |col: usize, name: &str| -> Result<f64, ReadError> {
            match cells[col].parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(err(ln, col as u64 + 1, name, ReadErrorKind::BadNumber(cells[col].to_string()))),
            }
        };
        let mean = num(2, "mean")?;
        let sd = num(3, "sd")?;
        if sd < 0.0 {
            return Err(err(ln, 4, "sd", ReadErrorKind::BadValue(format!("sd must be ≥ 0, found {sd}"))));
        }
        if is_curve {
            if cells[1].is_empty() {
                return Err(err(ln, 2, "pct", ReadErrorKind::BadValue(format!("{var} is a curve: pct is required"))));
            }
            let pct = num(1, "pct")?;
            if !(0.0..=100.0).contains(&pct) {
                return Err(err(ln, 2, "pct", ReadErrorKind::BadValue(format!("pct must be 0 to 100, found {pct}"))));
            }
            let pts = points.entry(var.to_string()).or_default();
            if pts.iter().any(|p| p.0 == pct) {
                return Err(err(ln, 2, "pct", ReadErrorKind::BadValue(format!("{var} at {pct} % given twice"))));
            }
            pts.push((pct, mean, sd, ln));
        } else {
            if !cells[1].is_empty() {
                return Err(err(
                    ln,
                    2,
                    "pct",
                    ReadErrorKind::BadValue(format!("{var} is a single value: leave pct empty")),
                ));
            }
            if values.insert(var.to_string(), NormValue { mean, sd }).is_some() {
                return Err(err(ln, 1, "variable", ReadErrorKind::BadValue(format!("{var} given twice"))));
            }
        }
    }
    if !header_seen {
        return Err(ReadError::file(path, ReadErrorKind::Empty));
    }
    let mut curves = BTreeMap::new();
    for (var, mut pts) in points {
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let last_line = pts.iter().map(|p| p.3).max().unwrap_or(0);
        if pts.len() < 2 || pts[0].0 != 0.0 || pts[pts.len() - 1].0 != 100.0 {
            return Err(err(
                last_line,
                0,
                &var,
                ReadErrorKind::BadValue(format!("the curve {var} must have points at 0 and at 100 %")),
            ));
        }
        let at = |p: f64, k: usize| {
            let j = pts.partition_point(|q| q.0 <= p).clamp(1, pts.len() - 1);
            let (a, b) = (&pts[j - 1], &pts[j]);
            let f = (p - a.0) / (b.0 - a.0);
            let (va, vb) = if k == 0 { (a.1, b.1) } else { (a.2, b.2) };
            va + f * (vb - va)
        };
        curves.insert(
            var,
            NormCurve { mean: std::array::from_fn(|p| at(p as f64, 0)), sd: std::array::from_fn(|p| at(p as f64, 1)) },
        );
    }
    Ok(Norms { source: path.to_path_buf(), curves, values })
}

/// Line and column (1-based) of the first occurrence of `"key"` in `bytes`
/// (the key an error is about), or of the file's start.
fn key_position(bytes: &[u8], key: &str) -> Position {
    let needle = format!("\"{key}\"");
    let at = bytes.windows(needle.len()).position(|w| w == needle.as_bytes()).unwrap_or(0);
    let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count() as u64;
    let col = 1 + (at - bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1)) as u64;
    Position::cell(line, col).with_field(key)
}

/// The JSON form of a norms file (see the module docs).
fn parse_json(path: &Path, bytes: &[u8]) -> Result<Norms, ReadError> {
    use serde_json::Value;
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        ReadError::new(
            path,
            Position::cell(e.line() as u64, e.column() as u64),
            ReadErrorKind::Format(format!("JSON: {e}")),
        )
    })?;
    let bad = |key: &str, msg: String| ReadError::new(path, key_position(bytes, key), ReadErrorKind::BadValue(msg));
    let Some(obj) = doc.as_object() else {
        return Err(ReadError::file(path, ReadErrorKind::Format("a JSON norms file is an object".into())));
    };
    if let Some(f) = obj.get("format")
        && f.as_str() != Some(JSON_FORMAT)
    {
        return Err(bad("format", format!("expected \"{JSON_FORMAT}\", found {f}")));
    }
    let number = |key: &str, what: &str, v: Option<&Value>| -> Result<f64, ReadError> {
        match v.and_then(Value::as_f64) {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(bad(key, format!("{key}: {what} must be a number"))),
        }
    };
    let mut curves = BTreeMap::new();
    if let Some(c) = obj.get("curves") {
        let Some(c) = c.as_object() else { return Err(bad("curves", "curves must be an object".into())) };
        for (var, body) in c {
            if !VARIABLES.contains(&var.as_str()) {
                return Err(bad(var, format!("unknown joint-angle variable {var:?} (e.g. knee_flexion)")));
            }
            let arr = |k: &str| -> Result<Vec<f64>, ReadError> {
                let Some(a) = body.get(k).and_then(Value::as_array) else {
                    return Err(bad(var, format!("{var}: {k} must be an array of numbers")));
                };
                a.iter().map(|x| number(var, k, Some(x))).collect()
            };
            let (mean, sd) = (arr("mean")?, arr("sd")?);
            if mean.len() < 2 || mean.len() != sd.len() {
                return Err(bad(
                    var,
                    format!(
                        "{var}: mean and sd need the same length, at least 2 (found {} and {})",
                        mean.len(),
                        sd.len()
                    ),
                ));
            }
            if let Some(x) = sd.iter().find(|x| **x < 0.0) {
                return Err(bad(var, format!("{var}: sd must be ≥ 0, found {x}")));
            }
            let n = mean.len() - 1;
            let at = |v: &[f64], p: usize| {
                let x = p as f64 * n as f64 / 100.0;
                let j = (x.floor() as usize).min(n - 1);
                v[j] + (x - j as f64) * (v[j + 1] - v[j])
            };
            curves.insert(
                var.clone(),
                NormCurve { mean: std::array::from_fn(|p| at(&mean, p)), sd: std::array::from_fn(|p| at(&sd, p)) },
            );
        }
    }
    let mut values = BTreeMap::new();
    if let Some(v) = obj.get("values") {
        let Some(v) = v.as_object() else { return Err(bad("values", "values must be an object".into())) };
        for (key, body) in v {
            if !KEYS.contains(&key.as_str()) {
                return Err(bad(key, format!("unknown spatiotemporal key {key:?} (e.g. cadence_steps_per_min)")));
            }
            let mean = number(key, "mean", body.get("mean"))?;
            let sd = number(key, "sd", body.get("sd"))?;
            if sd < 0.0 {
                return Err(bad(key, format!("{key}: sd must be ≥ 0, found {sd}")));
            }
            values.insert(key.clone(), NormValue { mean, sd });
        }
    }
    if curves.is_empty() && values.is_empty() {
        return Err(ReadError::file(path, ReadErrorKind::Empty));
    }
    Ok(Norms { source: path.to_path_buf(), curves, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Norms, String> {
        parse(Path::new("norms.csv"), text.as_bytes()).map_err(|e| e.to_string())
    }

    fn pj(text: &str) -> Result<Norms, String> {
        parse(Path::new("norms.json"), text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn json_norms_read_like_csv() {
        // Three points over 0-100 % resample exactly as the CSV rows at 0, 50, 100.
        let j = pj("{\"format\": \"gaitline-norms\", \"version\": 1,\n \"curves\": {\"knee_flexion\": \
                    {\"n\": 8, \"mean\": [0, 50, 10], \"sd\": [2, 4, 2]}},\n \
                    \"values\": {\"cadence_steps_per_min\": {\"mean\": 113.5, \"sd\": 8.2}}}")
        .unwrap();
        let c = p("variable,pct,mean,sd\nknee_flexion,0,0,2\nknee_flexion,50,50,4\n\
                   knee_flexion,100,10,2\ncadence_steps_per_min,,113.5,8.2\n")
        .unwrap();
        let (a, b) = (j.curve("knee_flexion").unwrap(), c.curve("knee_flexion").unwrap());
        for p in 0..101 {
            assert!((a.mean[p] - b.mean[p]).abs() < 1e-12 && (a.sd[p] - b.sd[p]).abs() < 1e-12, "{p} %");
        }
        assert_eq!(j.values, c.values);
        assert_eq!(j.curve("knee_flexion").unwrap().mean[25], 25.0);
        assert_eq!(j.curve("knee_flexion").unwrap().mean[75], 30.0);
    }

    #[test]
    fn json_errors_name_line_and_column() {
        assert_eq!(
            pj("{\"curves\": {\n  \"knee_flex\": {\"mean\": [1, 2], \"sd\": [0, 0]}}}").unwrap_err(),
            "norms.json:2:3: invalid value: unknown joint-angle variable \"knee_flex\" (e.g. knee_flexion) (in knee_flex)"
        );
        assert_eq!(
            pj("{\"curves\": {\"knee_flexion\": {\"mean\": [1, 2, 3], \"sd\": [0, 0]}}}").unwrap_err(),
            "norms.json:1:13: invalid value: knee_flexion: mean and sd need the same length, at least 2 (found 3 and 2) (in knee_flexion)"
        );
        assert_eq!(
            pj("{\"values\": {\"cadence_steps_per_min\": {\"mean\": \"x\", \"sd\": 1}}}").unwrap_err(),
            "norms.json:1:13: invalid value: cadence_steps_per_min: mean must be a number (in cadence_steps_per_min)"
        );
        assert!(pj("{\"curves\": [1,").unwrap_err().starts_with("norms.json:1:"), "syntax error positioned");
        assert_eq!(pj("{}").unwrap_err(), "norms.json: file is empty");
    }

    #[test]
    fn curves_are_resampled_and_values_kept() {
        let n = p("# test\nvariable,pct,mean,sd\nknee_flexion,0,0,2\nknee_flexion,50,50,4\n\
                   knee_flexion,100,10,2\ncadence_steps_per_min,,113.5,8.2\n")
        .unwrap();
        let c = n.curve("knee_flexion").unwrap();
        assert_eq!(c.mean[0], 0.0);
        assert_eq!(c.mean[25], 25.0);
        assert_eq!(c.mean[50], 50.0);
        assert_eq!(c.mean[75], 30.0);
        assert_eq!(c.mean[100], 10.0);
        assert_eq!(c.sd[25], 3.0);
        assert_eq!(n.value("cadence_steps_per_min"), Some(&NormValue { mean: 113.5, sd: 8.2 }));
        assert!(n.curve("hip_flexion").is_none());
    }

    #[test]
    fn errors_name_line_and_column() {
        let h = "variable,pct,mean,sd\n";
        assert_eq!(
            p(&format!("{h}knee_flexion,0,abc,1\n")).unwrap_err(),
            "norms.csv:2:3: expected a number, found \"abc\" (in mean)"
        );
        assert_eq!(
            p(&format!("{h}knee_flexion,0,1,-1\n")).unwrap_err(),
            "norms.csv:2:4: invalid value: sd must be ≥ 0, found -1 (in sd)"
        );
        assert!(
            p(&format!("{h}knee_bend,0,1,1\n"))
                .unwrap_err()
                .starts_with("norms.csv:2:1: invalid value: unknown variable \"knee_bend\"")
        );
        assert_eq!(
            p(&format!("{h}knee_flexion,0,1,1\nknee_flexion,50,1,1\n")).unwrap_err(),
            "norms.csv:3: invalid value: the curve knee_flexion must have points at 0 and at 100 % (in knee_flexion)"
        );
        assert_eq!(p(&format!("{h}knee_flexion,0,1\n")).unwrap_err(), "norms.csv:2: expected 4 fields, found 3");
        assert_eq!(
            p("var,pct\n").unwrap_err(),
            "norms.csv:1: missing header: expected \"variable,pct,mean,sd\", found \"var,pct\""
        );
        assert_eq!(
            p(&format!("{h}knee_flexion,120,1,1\n")).unwrap_err(),
            "norms.csv:2:2: invalid value: pct must be 0 to 100, found 120 (in pct)"
        );
        assert_eq!(
            p(&format!("{h}speed_m_s,3,1,1\n")).unwrap_err(),
            "norms.csv:2:2: invalid value: speed_m_s is a single value: leave pct empty (in pct)"
        );
        assert_eq!(p("# only a comment\n").unwrap_err(), "norms.csv: file is empty");
    }
}
