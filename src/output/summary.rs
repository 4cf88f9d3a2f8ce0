//! `summary.csv`: one row per trial of a batch, failures included, one column
//! per metric and side, so that `pandas.read_csv("reports/summary.csv")` or
//! `read.csv("reports/summary.csv")` loads a dataset's results in one line.
//!
//! Columns: the 13 trial columns of [`COLUMNS`] (unchanged since the first
//! version), then [`metric_columns`] (appended; names are part of the output
//! contract and only ever appended to). An empty cell is a value the trial
//! does not have (a failed trial, no strides, no angles, no EMG).

use crate::error::Error;
use crate::output::metrics::Metrics;

/// The first columns of `summary.csv`, in order (part of the output contract).
pub const COLUMNS: [&str; 13] = [
    "trial",
    "status",
    "error",
    "source_files",
    "marker_rate_hz",
    "frames",
    "duration_s",
    "markers",
    "marker_set",
    "vertical_axis",
    "progression",
    "analog_channels",
    "file_events",
];

/// Short names of the spatiotemporal keys for the `si_<name>_pct` columns
/// (the `metrics.json` key without its unit).
const SI_NAMES: [(&str, &str); 12] = [
    ("stride_length_m", "stride_length"),
    ("step_length_m", "step_length"),
    ("step_width_m", "step_width"),
    ("stride_time_s", "stride_time"),
    ("step_time_s", "step_time"),
    ("cadence_steps_per_min", "cadence"),
    ("speed_m_s", "speed"),
    ("stance_pct", "stance"),
    ("swing_pct", "swing"),
    ("double_support_pct", "double_support"),
    ("flight_pct", "flight"),
    ("contact_time_s", "contact_time"),
];

/// Angle features in the summary (per side and variable).
const ANGLE_FEATURES: [&str; 3] = ["max_deg", "min_deg", "rom_deg"];

/// The metric columns appended after [`COLUMNS`], in order:
///
/// - `mode` (`walk`/`run`), `treadmill` (`true`/`false`), `events` (detected
///   and file events in metrics.json), `left_strides`, `right_strides`;
/// - `<key>` for every spatiotemporal key over both sides (mean), e.g.
///   `speed_m_s`, `cadence_steps_per_min`, `stride_length_m`;
/// - `left_<key>_mean`, `left_<key>_sd`, `right_<key>_mean`, `right_<key>_sd`
///   for every spatiotemporal key;
/// - `si_<name>_pct`: Robinson symmetry index per key (`si_stride_length_pct`,
///   `si_cadence_pct`, ...);
/// - `left_foot_strike` / `right_foot_strike` (`rearfoot`/`midfoot`/`forefoot`),
///   `left_foot_strike_angle_deg`, `right_foot_strike_angle_deg` (means);
/// - `left_<variable>_<max_deg|min_deg|rom_deg>` and `right_...` for the 13
///   Plug-in Gait variables (means over the cycles);
/// - `left_hq_ratio`, `right_hq_ratio` (EMG H:Q over the mean cycle),
///   `left_cci_pct`, `right_cci_pct`, `hq_ratio_left_over_right`,
///   `si_hq_ratio_pct`;
/// - `findings` (count), `findings_max_severity` (`none`/`mild`/`marked`),
///   `finding_codes` (`;`-separated);
/// - `lang`: the language of the trial's `report.html`.
pub fn metric_columns() -> Vec<String> {
    let mut c: Vec<String> =
        ["mode", "treadmill", "events", "left_strides", "right_strides"].iter().map(|s| s.to_string()).collect();
    for key in crate::spatiotemporal::KEYS {
        c.push(key.to_string());
    }
    for side in ["left", "right"] {
        for key in crate::spatiotemporal::KEYS {
            c.push(format!("{side}_{key}_mean"));
            c.push(format!("{side}_{key}_sd"));
        }
    }
    for (_, name) in SI_NAMES {
        c.push(format!("si_{name}_pct"));
    }
    for side in ["left", "right"] {
        c.push(format!("{side}_foot_strike"));
    }
    for side in ["left", "right"] {
        c.push(format!("{side}_foot_strike_angle_deg"));
    }
    for side in ["left", "right"] {
        for var in crate::angles::pig::VARIABLES {
            for f in ANGLE_FEATURES {
                c.push(format!("{side}_{var}_{f}"));
            }
        }
    }
    for x in ["left_hq_ratio", "right_hq_ratio", "left_cci_pct", "right_cci_pct", "hq_ratio_left_over_right"] {
        c.push(x.to_string());
    }
    c.push("si_hq_ratio_pct".into());
    c.extend(["findings", "findings_max_severity", "finding_codes", "lang"].iter().map(|s| s.to_string()));
    c
}

/// Every column of `summary.csv`: [`COLUMNS`] then [`metric_columns`].
pub fn columns() -> Vec<String> {
    COLUMNS.iter().map(|s| s.to_string()).chain(metric_columns()).collect()
}

/// One row of the summary.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub trial: String,
    pub status: &'static str,
    pub error: String,
    pub source_files: Vec<String>,
    pub marker_rate_hz: Option<f64>,
    pub frames: usize,
    pub duration_s: Option<f64>,
    pub markers: usize,
    pub marker_set: String,
    pub vertical_axis: String,
    pub progression: String,
    pub analog_channels: usize,
    pub file_events: usize,
    /// Cells of [`metric_columns`] in order ([`metric_cells`]); empty for a
    /// failed trial.
    pub metrics: Vec<String>,
}

impl Row {
    /// The cell of a metric column by name (`None`: unknown column or empty).
    pub fn metric(&self, column: &str) -> Option<&str> {
        static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let i = NAMES.get_or_init(metric_columns).iter().position(|c| c == column)?;
        self.metrics.get(i).map(String::as_str).filter(|s| !s.is_empty())
    }
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// The [`metric_columns`] cells of one trial, from its `metrics.json`
/// contents (numbers as written there, full precision).
pub fn metric_cells(m: &Metrics) -> Vec<String> {
    let mut c = Vec::with_capacity(160);
    let st = m.spatiotemporal.as_ref();
    c.push(m.trial.mode.unwrap_or_default().to_string());
    c.push(m.trial.treadmill.map(|b| b.to_string()).unwrap_or_default());
    c.push(m.events.len().to_string());
    for side in ["left", "right"] {
        let n = st.and_then(|s| if side == "left" { &s.left } else { &s.right }.get("stride_time_s")).map(|x| x.n);
        c.push(n.map(|n| n.to_string()).unwrap_or_default());
    }
    for key in crate::spatiotemporal::KEYS {
        c.push(opt(st.and_then(|s| s.overall.get(key)).map(|x| x.mean)));
    }
    for side in ["left", "right"] {
        for key in crate::spatiotemporal::KEYS {
            let x = st.and_then(|s| if side == "left" { &s.left } else { &s.right }.get(key));
            c.push(opt(x.map(|x| x.mean)));
            c.push(opt(x.and_then(|x| x.sd)));
        }
    }
    for (key, _) in SI_NAMES {
        c.push(opt(m.symmetry.as_ref().and_then(|s| s.get(key)).copied()));
    }
    let fs = |side: &str| m.foot_strike.as_ref().and_then(|f| f.get(side));
    for side in ["left", "right"] {
        c.push(fs(side).map(|x| x.pattern.to_string()).unwrap_or_default());
    }
    for side in ["left", "right"] {
        c.push(opt(fs(side).map(|x| x.angle_deg.mean)));
    }
    for side in ["left", "right"] {
        for var in crate::angles::pig::VARIABLES {
            for f in ANGLE_FEATURES {
                let v = m.angles.as_ref().and_then(|a| if side == "left" { &a.left } else { &a.right }.get(var));
                c.push(opt(v.and_then(|v| v.get(f)).map(|x| x.mean)));
            }
        }
    }
    let emg = m.imbalance.as_ref().and_then(|i| i.emg.as_ref());
    let side = |s: &str| emg.and_then(|e| if s == "left" { e.left.as_ref() } else { e.right.as_ref() });
    c.push(opt(side("left").and_then(|x| x.hq_ratio)));
    c.push(opt(side("right").and_then(|x| x.hq_ratio)));
    c.push(opt(side("left").and_then(|x| x.cci_pct)));
    c.push(opt(side("right").and_then(|x| x.cci_pct)));
    c.push(opt(emg.and_then(|e| e.hq_ratio_left_over_right)));
    c.push(opt(emg.and_then(|e| e.hq_symmetry_index_pct)));
    let findings = m.imbalance.as_ref().map_or(&[][..], |i| &i.findings[..]);
    let shown: Vec<_> = findings.iter().filter(|f| f.severity > crate::imbalance::findings::Severity::None).collect();
    c.push(shown.len().to_string());
    c.push(shown.iter().map(|f| f.severity).max().map_or("none", |s| s.name()).to_string());
    c.push(shown.iter().map(|f| f.code).collect::<Vec<_>>().join(";"));
    c.push(m.subject.lang.clone().unwrap_or_else(|| "en".into()));
    c
}

/// Render the summary as CSV bytes.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| Error::Other(e.to_string());
    let n_metrics = metric_columns().len();
    w.write_record(columns()).map_err(e)?;
    for r in rows {
        let mut rec = vec![
            r.trial.clone(),
            r.status.to_string(),
            r.error.clone(),
            r.source_files.join(";"),
            opt(r.marker_rate_hz),
            r.frames.to_string(),
            opt(r.duration_s),
            r.markers.to_string(),
            r.marker_set.clone(),
            r.vertical_axis.clone(),
            r.progression.clone(),
            r.analog_channels.to_string(),
            r.file_events.to_string(),
        ];
        rec.extend(r.metrics.iter().cloned());
        rec.resize(COLUMNS.len() + n_metrics, String::new());
        w.write_record(&rec).map_err(e)?;
    }
    w.into_inner().map_err(|e| Error::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_unique_and_start_with_the_original_thirteen() {
        let all = columns();
        assert_eq!(&all[..13], &COLUMNS.map(String::from)[..]);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len(), "duplicate column names");
        for name in ["speed_m_s", "cadence_steps_per_min", "left_stride_length_m_mean", "si_stride_length_pct"] {
            assert!(all.iter().any(|c| c == name), "{name} missing");
        }
        assert!(all.iter().all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')));
    }

    #[test]
    fn a_failed_row_has_every_column() {
        let row = Row { trial: "t".into(), status: "failed", error: "bad, \"quoted\"".into(), ..Default::default() };
        let csv = String::from_utf8(to_csv(&[row]).unwrap()).unwrap();
        let mut rdr = csv::Reader::from_reader(csv.as_bytes());
        let rec = rdr.records().next().unwrap().unwrap();
        assert_eq!(rec.len(), columns().len());
        assert_eq!(&rec[2], "bad, \"quoted\"");
    }
}
