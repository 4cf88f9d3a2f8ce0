//! Evidence 2 of the hamstring/quadriceps imbalance: isokinetic dynamometer
//! peak torques, typed or exported by a clinic.
//!
//! # File format (`<stem>_dynamometer.csv`)
//! A header row, then one row per test. Lines starting with `#` and blank
//! lines are ignored. Comma-, semicolon- or tab-separated (the header's
//! delimiter is used throughout; with `;` or tab a decimal comma is accepted).
//! Columns, in any order, names case-insensitive:
//!
//! | column | values |
//! |---|---|
//! | `side` | `left`/`right` (also `L`/`R`, `links`/`rechts`) |
//! | `muscle` | `hamstrings` (also `flexors`, `knee_flexors`, `H`) or `quadriceps` (`extensors`, `knee_extensors`, `Q`) |
//! | `contraction` | `concentric`/`eccentric` (also `con`/`ecc`) |
//! | `velocity_deg_s` | angular velocity, deg/s, > 0 |
//! | `peak_torque_nm` | peak torque, N m, > 0 |
//! | `torque_at_<A>deg_nm` (optional, any number) | torque at knee angle A deg (0 = full extension), N m; empty = not measured |
//!
//! ```text
//! side,muscle,contraction,velocity_deg_s,peak_torque_nm,torque_at_30deg_nm
//! left,quadriceps,concentric,60,220,150
//! left,hamstrings,concentric,60,121,95
//! ```
//!
//! A file is recognised as a dynamometer file by this header (the first
//! non-comment line names `side`, `muscle`, `contraction`, `velocity_deg_s` and
//! `peak_torque_nm`): [`is_dynamometer`]. Bad input gets a [`ReadError`] with
//! the file, line and column.
//!
//! # Ratios and cut-offs
//! - Conventional H:Q = Hcon / Qcon at the same angular velocity. Traditional
//!   normative value 0.6 (Coombs & Garbutt 2002, J Sports Sci Med 1:56–62):
//!   below 0.60 mild; below 0.47 marked (the cut-off of Croisier et al. 2008,
//!   Am J Sports Med 36:1469–1475, for Hcon:Qcon at 60 deg/s, as applied by
//!   Ardern et al. 2015, J Strength Cond Res 29:997–1002). Angle-specific
//!   conventional ratios are given where both torques at an angle are known
//!   (Ruas et al. 2019, Sports Med Open 5:11), without a cut-off.
//! - Functional H:Q = Hecc / Qcon at the same velocity (Aagaard et al. 1998,
//!   Am J Sports Med 26:231–237: about 1.0 when balanced; 0.8–1.0 commonly
//!   quoted): below 0.80 mild, no marked level. The mixed ratio Hecc 30 deg/s
//!   : Qcon 240 deg/s (Croisier 2008) has the cut-off 0.80 as well.
//! - Limb symmetry index LSI = involved / uninvolved × 100 % of the same
//!   muscle, contraction and velocity (the subject's involved side when known,
//!   else the weaker side / the stronger side): below 90 % mild (the common
//!   return-to-sport target for isokinetic strength, e.g. PMC5315711,
//!   PMC7872464); below 85 % marked (a bilateral difference of 15 % or more,
//!   Croisier 2008).
//!
//! Caveat carried into the output: Kellis, Sahinis & Baltzopoulos (2023, J
//! Sport Health Sci 12:343–358, online 2022, doi:10.1016/j.jshs.2022.01.002),
//! a systematic review of 18 prospective studies, found the H:Q ratio not to be
//! an independent risk factor for hamstring or ACL injury, whatever the ratio
//! type. The ratios are reported as descriptive strength balance.

use super::findings::{Confidence, Direction, EvidenceKind, Finding, Severity};
use crate::error::{Position, ReadError, ReadErrorKind};
use crate::model::Side;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The muscle group tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Muscle {
    Hamstrings,
    Quadriceps,
}

impl Muscle {
    pub fn name(self) -> &'static str {
        match self {
            Muscle::Hamstrings => "hamstrings",
            Muscle::Quadriceps => "quadriceps",
        }
    }
}

/// Concentric or eccentric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Contraction {
    Concentric,
    Eccentric,
}

impl Contraction {
    pub fn name(self) -> &'static str {
        match self {
            Contraction::Concentric => "concentric",
            Contraction::Eccentric => "eccentric",
        }
    }
}

/// One test row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestRow {
    pub side: Side,
    pub muscle: Muscle,
    pub contraction: Contraction,
    pub velocity_deg_s: f64,
    pub peak_torque_nm: f64,
    /// (knee angle deg, torque N m) pairs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub angle_torques_nm: Vec<(f64, f64)>,
    /// Line in the file.
    pub line: u64,
}

/// A parsed dynamometer file.
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamometer {
    pub path: PathBuf,
    pub tests: Vec<TestRow>,
}

const REQUIRED: [&str; 5] = ["side", "muscle", "contraction", "velocity_deg_s", "peak_torque_nm"];

fn header_delim(line: &str) -> char {
    if line.contains('\t') {
        '\t'
    } else if line.contains(';') && !line.contains(',') {
        ';'
    } else {
        ','
    }
}

fn clean(cell: &str) -> String {
    cell.trim().trim_matches('"').trim().to_ascii_lowercase()
}

/// Whether `bytes` start (after comments and blank lines) with the
/// dynamometer header.
pub fn is_dynamometer(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    for (_, line) in crate::io::text::Lines::new(head) {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let d = header_delim(t);
        let cols: Vec<String> = t.split(d).map(clean).collect();
        return REQUIRED.iter().all(|r| cols.iter().any(|c| c == r));
    }
    false
}

fn side_of(s: &str) -> Option<Side> {
    match s {
        "rechts" => Some(Side::Right),
        _ => Side::from_label(s),
    }
}

fn muscle_of(s: &str) -> Option<Muscle> {
    match s {
        "hamstrings" | "hamstring" | "h" | "flexors" | "knee_flexors" | "knee flexors" | "flexion"
        | "ischiocrurale" => Some(Muscle::Hamstrings),
        "quadriceps" | "quadricep" | "q" | "extensors" | "knee_extensors" | "knee extensors" | "extension" => {
            Some(Muscle::Quadriceps)
        }
        _ => None,
    }
}

fn contraction_of(s: &str) -> Option<Contraction> {
    match s {
        "concentric" | "con" | "konzentrisch" => Some(Contraction::Concentric),
        "eccentric" | "ecc" | "exzentrisch" => Some(Contraction::Eccentric),
        _ => None,
    }
}

/// Parse a dynamometer CSV (format in the module docs). Pure.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Dynamometer, ReadError> {
    let err = |line: u64, col: Option<u64>, field: Option<&str>, kind: ReadErrorKind| {
        let mut p = match col {
            Some(c) => Position::cell(line, c),
            None => Position::line(line),
        };
        if let Some(f) = field {
            p = p.with_field(f);
        }
        ReadError::new(path, p, kind)
    };
    let mut lines = crate::io::text::Lines::new(bytes).filter(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    let Some((hline, header)) = lines.next() else { return Err(ReadError::file(path, ReadErrorKind::Empty)) };
    let delim = header_delim(&header);
    let names: Vec<String> = header.split(delim).map(clean).collect();
    let mut idx = [0usize; 5];
    for (k, r) in REQUIRED.iter().enumerate() {
        idx[k] = names
            .iter()
            .position(|c| c == r)
            .ok_or_else(|| err(hline, None, None, ReadErrorKind::MissingHeader(format!("column `{r}`"))))?;
    }
    let mut angles = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(a) = n.strip_prefix("torque_at_").and_then(|r| r.strip_suffix("deg_nm")) {
            let a: f64 = a.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                err(
                    hline,
                    Some(i as u64 + 1),
                    None,
                    ReadErrorKind::BadValue(format!("column {n:?}: expected torque_at_<angle>deg_nm")),
                )
            })?;
            angles.push((i, a));
        }
    }
    let num = |cell: &str, line: u64, col: usize| -> Result<Option<f64>, ReadError> {
        let t = cell.trim().trim_matches('"').trim();
        if t.is_empty() {
            return Ok(None);
        }
        let t = if delim != ',' { t.replace(',', ".") } else { t.to_string() };
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(err(
                line,
                Some(col as u64 + 1),
                Some(&names[col]),
                ReadErrorKind::BadNumber(cell.trim().to_string()),
            )),
        }
    };
    let mut tests = Vec::new();
    for (line, text) in lines {
        let cells: Vec<&str> = text.split(delim).collect();
        // Trailing empty cells (spreadsheet padding) are allowed.
        let used = cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1);
        if used > names.len() || cells.len() < idx.iter().max().map_or(0, |m| m + 1) {
            return Err(err(line, None, None, ReadErrorKind::FieldCount { expected: names.len(), found: cells.len() }));
        }
        let word = |k: usize| clean(cells[idx[k]]);
        let bad = |k: usize, what: &str| {
            err(
                line,
                Some(idx[k] as u64 + 1),
                Some(REQUIRED[k]),
                ReadErrorKind::BadValue(format!("{:?} is not {what}", cells[idx[k]].trim())),
            )
        };
        let side = side_of(&word(0)).ok_or_else(|| bad(0, "left or right"))?;
        let muscle = muscle_of(&word(1)).ok_or_else(|| bad(1, "hamstrings or quadriceps"))?;
        let contraction = contraction_of(&word(2)).ok_or_else(|| bad(2, "concentric or eccentric"))?;
        let positive = |k: usize| -> Result<f64, ReadError> {
            match num(cells[idx[k]], line, idx[k])? {
                Some(v) if v > 0.0 => Ok(v),
                Some(_) => Err(bad(k, "a positive number")),
                None => Err(bad(k, "a number (the cell is empty)")),
            }
        };
        let velocity_deg_s = positive(3)?;
        let peak_torque_nm = positive(4)?;
        let mut angle_torques_nm = Vec::new();
        for &(i, a) in &angles {
            if let Some(c) = cells.get(i)
                && let Some(v) = num(c, line, i)?
            {
                angle_torques_nm.push((a, v));
            }
        }
        tests.push(TestRow { side, muscle, contraction, velocity_deg_s, peak_torque_nm, angle_torques_nm, line });
    }
    if tests.is_empty() {
        return Err(ReadError::new(path, Position::line(hline), ReadErrorKind::Empty));
    }
    for (i, a) in tests.iter().enumerate() {
        if let Some(b) = tests[..i].iter().find(|b| {
            b.side == a.side
                && b.muscle == a.muscle
                && b.contraction == a.contraction
                && b.velocity_deg_s == a.velocity_deg_s
        }) {
            return Err(err(
                a.line,
                None,
                None,
                ReadErrorKind::Format(format!(
                    "a second {} {} {} test at {} deg/s (first on line {})",
                    a.side.name(),
                    a.muscle.name(),
                    a.contraction.name(),
                    a.velocity_deg_s,
                    b.line
                )),
            ));
        }
    }
    Ok(Dynamometer { path: path.to_path_buf(), tests })
}

/// Read and parse a dynamometer file (the IO edge).
pub fn read(path: &Path) -> Result<Dynamometer, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::io(path, &e))?;
    parse(path, &bytes)
}

/// Name suffixes of a dynamometer side-car (`<stem>_dynamometer.csv`).
pub const SIDECAR_SUFFIXES: [&str; 2] = ["_dynamometer", "_isokinetic"];

/// Whether a file is a dynamometer side-car: its name ends in one of
/// [`SIDECAR_SUFFIXES`] (`.csv`/`.txt`/`.tsv`) and its header is the
/// dynamometer header. A file that cannot be read is not one.
pub fn is_sidecar(p: &Path) -> bool {
    let stem = p.file_stem().map(|s| s.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let ext = p.extension().map(|s| s.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    SIDECAR_SUFFIXES.iter().any(|s| stem.ends_with(s))
        && ["csv", "txt", "tsv"].contains(&ext.as_str())
        && std::fs::read(p).is_ok_and(|b| is_dynamometer(&b))
}

/// The dynamometer side-car of a trial: `<key>_dynamometer.csv` (or
/// `_isokinetic`, `.txt`/`.tsv`) beside one of its files, where `<key>` is
/// the file's group key ([`crate::group::group_key`]). First match in file
/// order.
pub fn sidecar_for(files: &[PathBuf]) -> Option<PathBuf> {
    for f in files {
        let dir = f.parent().unwrap_or(Path::new(""));
        let key = crate::group::group_key(f);
        for suf in SIDECAR_SUFFIXES {
            for ext in ["csv", "txt", "tsv"] {
                let p = dir.join(format!("{key}{suf}.{ext}"));
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    None
}

// ---------------------------------------------------------------- ratios

/// Conventional H:Q mild cut-off (Coombs & Garbutt 2002).
pub const CONVENTIONAL_MILD: f64 = 0.60;
/// Conventional H:Q marked cut-off (Croisier et al. 2008).
pub const CONVENTIONAL_MARKED: f64 = 0.47;
/// Functional (Hecc:Qcon) and mixed ratio cut-off (Croisier et al. 2008;
/// Aagaard et al. 1998: about 1.0 balanced).
pub const FUNCTIONAL_MILD: f64 = 0.80;
/// LSI mild cut-off, % (return-to-sport target).
pub const LSI_MILD_PCT: f64 = 90.0;
/// LSI marked cut-off, % (bilateral difference ≥ 15 %, Croisier et al. 2008).
pub const LSI_MARKED_PCT: f64 = 85.0;

pub const SOURCE_CONVENTIONAL: &str = "Coombs & Garbutt 2002 (J Sports Sci Med 1:56-62): 0.6 traditional normative value; \
     Croisier et al. 2008 (Am J Sports Med 36:1469-1475): < 0.47 at 60 deg/s";
pub const SOURCE_FUNCTIONAL: &str = "Aagaard et al. 1998 (Am J Sports Med 26:231-237): about 1.0 when balanced; \
     Croisier et al. 2008: < 0.80 (mixed ratio Hecc 30 : Qcon 240 deg/s)";
pub const SOURCE_LSI: &str = "return-to-sport isokinetic criterion LSI >= 90 % (e.g. PMC5315711, PMC7872464); \
     Croisier et al. 2008: bilateral difference >= 15 %";
pub const CAVEAT: &str = "A 2022 systematic review (Kellis, Sahinis & Baltzopoulos, J Sport Health Sci 2023;12:343-358, \
     doi:10.1016/j.jshs.2022.01.002; 18 prospective studies) found the H:Q strength ratio not to be an independent \
     risk factor for hamstring or ACL injury, with no difference between conventional and functional ratios. The \
     ratios describe strength balance; they do not predict injury on their own.";

/// One ratio of one side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ratio {
    pub side: Side,
    /// Hamstring test velocity, deg/s.
    pub hamstrings_velocity_deg_s: f64,
    /// Quadriceps test velocity, deg/s.
    pub quadriceps_velocity_deg_s: f64,
    pub hamstrings_nm: f64,
    pub quadriceps_nm: f64,
    pub ratio: f64,
    pub severity: Severity,
}

/// One angle-specific conventional ratio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AngleRatio {
    pub side: Side,
    pub velocity_deg_s: f64,
    pub angle_deg: f64,
    pub ratio: f64,
}

/// One limb symmetry index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lsi {
    pub muscle: Muscle,
    pub contraction: Contraction,
    pub velocity_deg_s: f64,
    pub left_nm: f64,
    pub right_nm: f64,
    /// The side in the numerator: the involved side if known, else the weaker.
    pub side: Side,
    /// `"involved/uninvolved"` or `"weaker/stronger"`.
    pub basis: &'static str,
    pub lsi_pct: f64,
    pub severity: Severity,
}

/// Everything computed from a dynamometer file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DynamometerResult {
    pub file: String,
    pub tests: Vec<TestRow>,
    pub conventional: Vec<Ratio>,
    pub functional: Vec<Ratio>,
    /// Hecc 30 : Qcon 240 deg/s where both were tested.
    pub mixed: Vec<Ratio>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub angle_specific: Vec<AngleRatio>,
    pub lsi: Vec<Lsi>,
    pub cutoffs: Cutoffs,
    pub caveat: &'static str,
}

/// The cut-offs used, with their sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cutoffs {
    pub conventional_mild: f64,
    pub conventional_marked: f64,
    pub conventional_source: &'static str,
    pub functional_mild: f64,
    pub functional_source: &'static str,
    pub lsi_mild_pct: f64,
    pub lsi_marked_pct: f64,
    pub lsi_source: &'static str,
}

fn severity_below(v: f64, mild: f64, marked: Option<f64>) -> Severity {
    if marked.is_some_and(|m| v < m) {
        Severity::Marked
    } else if v < mild {
        Severity::Mild
    } else {
        Severity::None
    }
}

fn r4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn find(d: &Dynamometer, s: Side, m: Muscle, c: Contraction, v: f64) -> Option<&TestRow> {
    d.tests.iter().find(|t| t.side == s && t.muscle == m && t.contraction == c && t.velocity_deg_s == v)
}

/// Ratios, LSIs and their severities (pure). `involved`: the subject's
/// involved side, if known.
pub fn analyze(d: &Dynamometer, involved: Option<Side>) -> DynamometerResult {
    use Contraction::*;
    use Muscle::*;
    let mut conventional = Vec::new();
    let mut functional = Vec::new();
    let mut mixed = Vec::new();
    let mut angle_specific = Vec::new();
    let ratio = |s: Side, h: &TestRow, q: &TestRow, sev: Severity| Ratio {
        side: s,
        hamstrings_velocity_deg_s: h.velocity_deg_s,
        quadriceps_velocity_deg_s: q.velocity_deg_s,
        hamstrings_nm: h.peak_torque_nm,
        quadriceps_nm: q.peak_torque_nm,
        ratio: r4(h.peak_torque_nm / q.peak_torque_nm),
        severity: sev,
    };
    for s in [Side::Left, Side::Right] {
        for q in d.tests.iter().filter(|t| t.side == s && t.muscle == Quadriceps && t.contraction == Concentric) {
            let v = q.velocity_deg_s;
            if let Some(h) = find(d, s, Hamstrings, Concentric, v) {
                let x = h.peak_torque_nm / q.peak_torque_nm;
                conventional.push(ratio(s, h, q, severity_below(x, CONVENTIONAL_MILD, Some(CONVENTIONAL_MARKED))));
                for &(a, hq) in &h.angle_torques_nm {
                    if let Some(&(_, qq)) = q.angle_torques_nm.iter().find(|p| p.0 == a)
                        && qq > 0.0
                    {
                        angle_specific.push(AngleRatio {
                            side: s,
                            velocity_deg_s: v,
                            angle_deg: a,
                            ratio: r4(hq / qq),
                        });
                    }
                }
            }
            if let Some(h) = find(d, s, Hamstrings, Eccentric, v) {
                let x = h.peak_torque_nm / q.peak_torque_nm;
                functional.push(ratio(s, h, q, severity_below(x, FUNCTIONAL_MILD, None)));
            }
        }
        if let (Some(h), Some(q)) = (find(d, s, Hamstrings, Eccentric, 30.0), find(d, s, Quadriceps, Concentric, 240.0))
        {
            let x = h.peak_torque_nm / q.peak_torque_nm;
            mixed.push(ratio(s, h, q, severity_below(x, FUNCTIONAL_MILD, None)));
        }
    }
    let mut lsi = Vec::new();
    for l in d.tests.iter().filter(|t| t.side == Side::Left) {
        let Some(r) = find(d, Side::Right, l.muscle, l.contraction, l.velocity_deg_s) else { continue };
        let (side, basis, num, den) = match involved {
            Some(Side::Left) => (Side::Left, "involved/uninvolved", l.peak_torque_nm, r.peak_torque_nm),
            Some(Side::Right) => (Side::Right, "involved/uninvolved", r.peak_torque_nm, l.peak_torque_nm),
            None if l.peak_torque_nm <= r.peak_torque_nm => {
                (Side::Left, "weaker/stronger", l.peak_torque_nm, r.peak_torque_nm)
            }
            None => (Side::Right, "weaker/stronger", r.peak_torque_nm, l.peak_torque_nm),
        };
        let pct = num / den * 100.0;
        lsi.push(Lsi {
            muscle: l.muscle,
            contraction: l.contraction,
            velocity_deg_s: l.velocity_deg_s,
            left_nm: l.peak_torque_nm,
            right_nm: r.peak_torque_nm,
            side,
            basis,
            lsi_pct: (pct * 100.0).round() / 100.0,
            severity: severity_below(pct, LSI_MILD_PCT, Some(LSI_MARKED_PCT)),
        });
    }
    DynamometerResult {
        file: d.path.display().to_string(),
        tests: d.tests.clone(),
        conventional,
        functional,
        mixed,
        angle_specific,
        lsi,
        cutoffs: Cutoffs {
            conventional_mild: CONVENTIONAL_MILD,
            conventional_marked: CONVENTIONAL_MARKED,
            conventional_source: SOURCE_CONVENTIONAL,
            functional_mild: FUNCTIONAL_MILD,
            functional_source: SOURCE_FUNCTIONAL,
            lsi_mild_pct: LSI_MILD_PCT,
            lsi_marked_pct: LSI_MARKED_PCT,
            lsi_source: SOURCE_LSI,
        },
        caveat: CAVEAT,
    }
}

impl DynamometerResult {
    /// Findings: per side the lowest conventional and the lowest functional
    /// (or mixed) ratio when below its cut-off, and per muscle group the
    /// lowest LSI when below 90 %. Confidence high: torque is what H:Q is
    /// defined on (with the caveat of [`CAVEAT`]).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for s in [Side::Left, Side::Right] {
            let lowest = |v: &[Ratio]| -> Option<Ratio> {
                v.iter().filter(|r| r.side == s).min_by(|a, b| a.ratio.total_cmp(&b.ratio)).cloned()
            };
            if let Some(r) = lowest(&self.conventional).filter(|r| r.severity > Severity::None) {
                out.push(Finding {
                    code: "hq_dyn_conventional_low",
                    severity: r.severity,
                    side: Some(s),
                    muscle: Some("hamstrings"),
                    evidence: EvidenceKind::Dynamometer,
                    confidence: Confidence::High,
                    value: r.ratio,
                    unit: "ratio",
                    threshold: CONVENTIONAL_MILD,
                    threshold_marked: Some(CONVENTIONAL_MARKED),
                    direction: Direction::Below,
                    source: SOURCE_CONVENTIONAL,
                    detail: format!(
                        "{} Hcon:Qcon at {} deg/s = {:.2} ({:.0} / {:.0} N m)",
                        s.name(),
                        r.quadriceps_velocity_deg_s,
                        r.ratio,
                        r.hamstrings_nm,
                        r.quadriceps_nm
                    ),
                });
            }
            let mut fun: Vec<Ratio> = self.functional.iter().chain(&self.mixed).cloned().collect();
            fun.retain(|r| r.side == s);
            if let Some(r) = lowest(&fun).filter(|r| r.severity > Severity::None) {
                out.push(Finding {
                    code: "hq_functional_low",
                    severity: r.severity,
                    side: Some(s),
                    muscle: Some("hamstrings"),
                    evidence: EvidenceKind::Dynamometer,
                    confidence: Confidence::High,
                    value: r.ratio,
                    unit: "ratio",
                    threshold: FUNCTIONAL_MILD,
                    threshold_marked: None,
                    direction: Direction::Below,
                    source: SOURCE_FUNCTIONAL,
                    detail: format!(
                        "{} Hecc {} deg/s : Qcon {} deg/s = {:.2} ({:.0} / {:.0} N m)",
                        s.name(),
                        r.hamstrings_velocity_deg_s,
                        r.quadriceps_velocity_deg_s,
                        r.ratio,
                        r.hamstrings_nm,
                        r.quadriceps_nm
                    ),
                });
            }
        }
        for m in [Muscle::Hamstrings, Muscle::Quadriceps] {
            if let Some(l) = self
                .lsi
                .iter()
                .filter(|l| l.muscle == m && l.severity > Severity::None)
                .min_by(|a, b| a.lsi_pct.total_cmp(&b.lsi_pct))
            {
                out.push(Finding {
                    code: "lsi_low",
                    severity: l.severity,
                    side: Some(l.side),
                    muscle: Some(m.name()),
                    evidence: EvidenceKind::Dynamometer,
                    confidence: Confidence::High,
                    value: l.lsi_pct,
                    unit: "%",
                    threshold: LSI_MILD_PCT,
                    threshold_marked: Some(LSI_MARKED_PCT),
                    direction: Direction::Below,
                    source: SOURCE_LSI,
                    detail: format!(
                        "{} {} {} deg/s: LSI ({}) {:.1} % (left {:.0}, right {:.0} N m)",
                        m.name(),
                        l.contraction.name(),
                        l.velocity_deg_s,
                        l.basis,
                        l.lsi_pct,
                        l.left_nm,
                        l.right_nm
                    ),
                });
            }
        }
        out
    }
}
