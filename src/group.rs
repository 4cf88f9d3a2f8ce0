//! From command-line inputs to trials: scan folders, group side-car files by
//! stem (`x.trc` + `x_grf.mot` + `x.anc`; `NAMErunT25.txt` +
//! `NAMErunT25forces.txt`), recognise static (calibration) trials and pair
//! them with the motion trials they belong to, and read manifests.

use crate::error::Error;
use crate::model::{Bilateral, Side, Subject};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One trial to analyse: its files, its static trial and subject data.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialSpec {
    pub id: String,
    pub files: Vec<PathBuf>,
    pub static_file: Option<PathBuf>,
    pub subject: Subject,
}

/// Extensions gaitline looks at when scanning a folder.
pub const DATA_EXTENSIONS: [&str; 8] = ["c3d", "csv", "trc", "mot", "sto", "anc", "txt", "tsv"];

/// Stem suffixes that mark a side-car file of a trial.
const SIDECAR_SUFFIXES: [&str; 12] =
    ["_grf", "-grf", "grf", "_forces", "forces", "_markers", "markers", "_emg", "_analog", "_ik", "_force", "force"];

/// Longest trial id, in bytes (well under every file system's 255-byte limit,
/// leaving room for the `-2` of a repeated id and the files' own names).
pub const MAX_ID_LEN: usize = 100;

/// Names an id may not take: the batch's own files in `--out`
/// ([`crate::pipeline::write_summary`]) and the device names Windows
/// reserves in every folder (`CON`, `NUL`, `COM1`, ...; with any extension).
fn reserved_id(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    let base = l.split('.').next().unwrap_or("");
    let device = matches!(base, "con" | "prn" | "aux" | "nul")
        || (base.len() == 4
            && (base.starts_with("com") || base.starts_with("lpt"))
            && base.as_bytes()[3].is_ascii_digit());
    device || matches!(l.as_str(), "summary.csv" | "index.html")
}

/// Make a string safe as one path component inside `--out`: only ASCII
/// letters, digits, `-`, `_` and `.` are kept (every other character,
/// separators and non-ASCII Unicode included, becomes `_`), leading and
/// trailing dots are dropped (so no `.`, `..` or hidden name), the length is
/// capped at [`MAX_ID_LEN`] bytes, and reserved names get a `_` suffix. No
/// input can name a folder outside `--out` (OWASP path traversal).
pub fn safe_id(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .take(MAX_ID_LEN)
        .collect();
    let t = t.trim_matches('.');
    if t.is_empty() {
        "trial".into()
    } else if reserved_id(t) {
        format!("{t}_")
    } else {
        t.to_string()
    }
}

fn stem(p: &Path) -> String {
    p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The group key of a file: its stem without a side-car suffix.
pub fn group_key(p: &Path) -> String {
    let s = stem(p);
    let lower = s.to_ascii_lowercase();
    for suf in SIDECAR_SUFFIXES {
        if lower.len() > suf.len() && lower.ends_with(suf) {
            return s[..s.len() - suf.len()].trim_end_matches(['_', '-', '.']).to_string();
        }
    }
    s
}

/// Whether a file name says it is a static (calibration) trial.
pub fn is_static_name(p: &Path) -> bool {
    let s = stem(p).to_ascii_lowercase();
    s.contains("static") || s.contains("calib")
}

/// Whether a file name says it holds another tool's results for a trial
/// (OpenSim IK outputs, Visual3D processed tables): such a file joins the
/// motion trial it belongs to as a reference, not a trial of its own.
pub fn is_reference_name(p: &Path) -> bool {
    let s = stem(p).to_ascii_lowercase();
    s.contains("processed") || s.ends_with("_ik") || s.contains("outputreference") || s.contains("resultsik")
}

/// Whether `dir` holds gaitline's own output (a trial's `metrics.json`, or a
/// batch's `summary.csv`): such folders are never scanned as inputs, so that a
/// report folder inside an input folder is not read back as trials.
pub fn is_report_dir(dir: &Path) -> bool {
    if dir.join("metrics.json").is_file() {
        return true;
    }
    let summary = dir.join("summary.csv");
    summary.is_file()
        && std::fs::read(&summary)
            .is_ok_and(|b| b.starts_with(super::output::summary::COLUMNS[..3].join(",").as_bytes()))
}

/// Files in `dir` (recursively) with a data extension, sorted; gaitline's
/// report folders are skipped ([`is_report_dir`]).
pub fn scan(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if is_report_dir(&d) {
            continue;
        }
        for e in std::fs::read_dir(&d)? {
            let p = e?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DATA_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count()
}

/// Group files into trials. Static files are attached to the motion trial in
/// the same folder whose name shares most with theirs (common prefix plus
/// suffix, at least 4 characters); a static file without a partner is
/// returned in the second list. With `static_file`, that file is the static
/// trial of every group.
pub fn group_files(files: &[PathBuf], static_file: Option<&Path>) -> (Vec<TrialSpec>, Vec<PathBuf>) {
    let mut groups: BTreeMap<(PathBuf, String), Vec<PathBuf>> = BTreeMap::new();
    let mut statics = Vec::new();
    let mut references = Vec::new();
    for f in files {
        if static_file.is_some_and(|s| s == f) {
            continue;
        }
        if static_file.is_none() && is_static_name(f) {
            statics.push(f.clone());
            continue;
        }
        if is_reference_name(f) {
            references.push(f.clone());
            continue;
        }
        // An isokinetic dynamometer table (`<stem>_dynamometer.csv`, known by
        // its header) is not motion data: the imbalance stage finds it beside
        // its trial's files (`imbalance::dynamometer::sidecar_for`).
        // Likewise an MVC recording (`<stem>_mvc.*`): EMG normalisation only.
        if crate::imbalance::dynamometer::is_sidecar(f) || crate::imbalance::is_mvc_name(f) {
            continue;
        }
        // A norms file (`gaitline norms build` output) is reference data, not a trial.
        if crate::report::norms::is_norms_file(f) {
            continue;
        }
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        groups.entry((dir, group_key(f))).or_default().push(f.clone());
    }
    let mut specs: Vec<TrialSpec> = groups
        .into_iter()
        .map(|((_, key), files)| TrialSpec {
            id: safe_id(&key),
            files,
            static_file: static_file.map(Path::to_path_buf),
            subject: Subject::default(),
        })
        .collect();
    let mut orphans = Vec::new();
    for s in statics {
        let sname = stem(&s).to_ascii_lowercase().replace("static", "").replace("calibration", "").replace("calib", "");
        match best_partner(&specs, &s, &sname) {
            Some(i) if specs[i].static_file.is_none() => specs[i].static_file = Some(s),
            _ => orphans.push(s),
        }
    }
    for r in references {
        let key = group_key(&r).to_ascii_lowercase();
        match best_partner(&specs, &r, &key) {
            Some(i) => specs[i].files.push(r),
            None => specs.push(TrialSpec {
                id: safe_id(&group_key(&r)),
                files: vec![r],
                static_file: static_file.map(Path::to_path_buf),
                subject: Subject::default(),
            }),
        }
    }
    dedupe_ids(&mut specs);
    (specs, orphans)
}

/// The trial in `file`'s folder whose id shares most with `name` (common
/// prefix plus suffix, at least 4 characters).
fn best_partner(specs: &[TrialSpec], file: &Path, name: &str) -> Option<usize> {
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut best: Option<(usize, usize)> = None;
    for (i, spec) in specs.iter().enumerate() {
        let d = spec.files[0].parent().map(Path::to_path_buf).unwrap_or_default();
        if d != dir {
            continue;
        }
        let id = spec.id.to_ascii_lowercase();
        let score = common_prefix(name, &id) + common_suffix(name, &id);
        if score >= 4 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

fn dedupe_ids(specs: &mut [TrialSpec]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for s in specs.iter_mut() {
        let n = seen.entry(s.id.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            s.id = format!("{}-{}", s.id, n);
        }
    }
}

fn bilateral(cell: &str) -> Result<Bilateral, String> {
    let parse = |s: &str| s.trim().parse::<f64>().map_err(|_| format!("not a number: {s:?}"));
    if cell.trim().is_empty() {
        return Ok(Bilateral::default());
    }
    match cell.split_once('|') {
        Some((l, r)) => Ok(Bilateral { left: Some(parse(l)?), right: Some(parse(r)?) }),
        None => Ok(Bilateral::both(parse(cell)?)),
    }
}

/// Read a manifest CSV (see README, "Manifest"). Paths are relative to the
/// manifest's folder.
pub fn read_manifest(path: &Path) -> Result<Vec<TrialSpec>, Error> {
    let err = |line: u64, message: String| Error::Manifest { path: path.to_path_buf(), line, message };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| err(0, e.to_string()))?;
    let headers = rdr.headers().map_err(|e| err(1, e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(c_trial), Some(c_files)) = (col("trial"), col("files")) else {
        return Err(err(1, "the header needs the columns `trial` and `files`".into()));
    };
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut specs = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| err(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |name: &str| col(name).and_then(|i| rec.get(i)).unwrap_or("").trim();
        let num = |name: &str| -> Result<Option<f64>, Error> {
            let v = get(name);
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<f64>().map(Some).map_err(|_| err(line, format!("column {name}: not a number: {v:?}")))
        };
        let bi = |name: &str| bilateral(get(name)).map_err(|m| err(line, format!("column {name}: {m}")));
        let id = rec.get(c_trial).unwrap_or("").trim();
        if id.is_empty() {
            return Err(err(line, "empty `trial`".into()));
        }
        let files: Vec<PathBuf> = rec
            .get(c_files)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| base.join(s))
            .collect();
        // Imbalance side-cars listed with the trial's files are found beside
        // the motion files by their stem (`imbalance::SideCars`), not read as
        // motion data; one that would not be found is an error here.
        let (side, mut files): (Vec<PathBuf>, Vec<PathBuf>) = files
            .into_iter()
            .partition(|f| crate::imbalance::dynamometer::is_sidecar(f) || crate::imbalance::is_mvc_name(f));
        for f in side {
            let dynamometer = crate::imbalance::dynamometer::is_sidecar(f.as_path());
            let found = if dynamometer {
                crate::imbalance::dynamometer::sidecar_for(&files).as_ref() == Some(&f)
            } else {
                files.iter().any(|m| {
                    m.parent() == f.parent()
                        && f.file_stem()
                            .is_some_and(|s| s.to_string_lossy().eq_ignore_ascii_case(&format!("{}_mvc", group_key(m))))
                })
            };
            if !found {
                let want = if dynamometer { "<stem>_dynamometer.csv" } else { "<stem>_mvc.<ext>" };
                return Err(err(
                    line,
                    format!(
                        "trial {id}: {} joins a trial only as {want} beside its motion file (same folder and stem)",
                        f.display()
                    ),
                ));
            }
        }
        files.dedup();
        if files.is_empty() {
            return Err(err(line, format!("trial {id}: no files")));
        }
        let involved = get("involved_side");
        // Every field is named today; the update keeps new `Subject` fields compiling.
        #[allow(clippy::needless_update)]
        let subject = Subject {
            mass_kg: num("mass_kg")?,
            height_m: num("height_m")?,
            leg_length_mm: bi("leg_length_mm")?,
            knee_width_mm: bi("knee_width_mm")?,
            ankle_width_mm: bi("ankle_width_mm")?,
            belt_speed_m_s: num("belt_speed_m_s")?,
            involved_side: if involved.is_empty() {
                None
            } else {
                Some(
                    Side::from_label(involved)
                        .ok_or_else(|| err(line, format!("column involved_side: {involved:?} is not left or right")))?,
                )
            },
            lang: Some(get("lang").to_string()).filter(|s| !s.is_empty()),
            name: Some(get("name").to_string()).filter(|s| !s.is_empty()),
            marker_diameter_mm: num("marker_diameter_mm")?,
            inter_asis_mm: num("inter_asis_mm")?,
            asis_trochanter_mm: bi("asis_trochanter_mm")?,
            tibial_torsion_deg: bi("tibial_torsion_deg")?,
            flat_foot: match get("flat_foot").to_ascii_lowercase().as_str() {
                "" => None,
                "yes" | "true" | "1" => Some(true),
                "no" | "false" | "0" => Some(false),
                v => return Err(err(line, format!("column flat_foot: {v:?} is not yes or no"))),
            },
            angle_model: match get("angle_model") {
                "" => None,
                v => Some(
                    crate::model::AngleModel::parse(v).map_err(|e| err(line, format!("column angle_model: {e}")))?,
                ),
            },
            ..Subject::default()
        };
        let st = get("static");
        specs.push(TrialSpec { id: safe_id(id), files, static_file: (!st.is_empty()).then(|| base.join(st)), subject });
    }
    dedupe_ids(&mut specs);
    Ok(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn groups_sidecars_and_pairs_statics() {
        let files = vec![
            p("d/Hamner__subject02_running.trc"),
            p("d/Hamner__subject02_running_grf.mot"),
            p("d/Hamner__subject02_static.trc"),
            p("d/RBDS0041runT252.txt"),
            p("d/RBDS0041runT252forces.txt"),
            p("d/RBDS0041static.txt"),
            p("d/RBDS0041processed.txt"),
            p("d/Hamner__outputReference__ResultsIK__subject02_running_ik.mot"),
            p("d/x y.c3d"),
            p("e/x y.c3d"),
        ];
        let (specs, orphans) = group_files(&files, None);
        let ids: Vec<_> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["Hamner__subject02_running", "RBDS0041runT252", "x_y", "x_y-2"]);
        assert_eq!(specs[0].files.len(), 3, "{:?}", specs[0].files);
        assert_eq!(specs[0].files[2], p("d/Hamner__outputReference__ResultsIK__subject02_running_ik.mot"));
        assert_eq!(specs[0].static_file, Some(p("d/Hamner__subject02_static.trc")));
        assert_eq!(
            specs[1].files,
            vec![p("d/RBDS0041runT252.txt"), p("d/RBDS0041runT252forces.txt"), p("d/RBDS0041processed.txt")]
        );
        assert_eq!(specs[1].static_file, Some(p("d/RBDS0041static.txt")));
        assert!(orphans.is_empty());
    }

    #[test]
    fn scanning_skips_report_folders() {
        let dir = std::env::temp_dir().join(format!("gaitline-scan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("reports/walk")).unwrap();
        std::fs::write(dir.join("walk.trc"), "x").unwrap();
        std::fs::write(dir.join("reports/summary.csv"), "trial,status,error,source_files\n").unwrap();
        std::fs::write(dir.join("reports/walk/metrics.json"), "{}").unwrap();
        std::fs::write(dir.join("reports/walk/strides.csv"), "side,stride\n").unwrap();
        assert_eq!(scan(&dir).unwrap(), vec![dir.join("walk.trc")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn manifest_reads_subject_data_and_reports_bad_cells() {
        let dir = std::env::temp_dir().join(format!("gaitline-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let m = dir.join("m.csv");
        std::fs::write(
            &m,
            "trial,files,static,mass_kg,knee_width_mm,involved_side\nt1,a.trc; a_grf.mot,s.trc,70.5,100|102,left\n",
        )
        .unwrap();
        let specs = read_manifest(&m).unwrap();
        assert_eq!(specs[0].files, vec![dir.join("a.trc"), dir.join("a_grf.mot")]);
        assert_eq!(specs[0].static_file, Some(dir.join("s.trc")));
        assert_eq!(specs[0].subject.mass_kg, Some(70.5));
        assert_eq!(specs[0].subject.knee_width_mm, Bilateral { left: Some(100.0), right: Some(102.0) });
        assert_eq!(specs[0].subject.involved_side, Some(Side::Left));
        std::fs::write(&m, "trial,files,mass_kg\nt1,a.trc,heavy\n").unwrap();
        let e = read_manifest(&m).unwrap_err().to_string();
        assert_eq!(e, format!("manifest {}:2: column mass_kg: not a number: \"heavy\"", m.display()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
