//! `summary.csv`: one row per trial of a batch, failures included.

use crate::error::Error;

/// Column names of `summary.csv`, in order (part of the output contract).
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
}

fn opt(v: Option<f64>) -> String {
    v.map(|x| format!("{x}")).unwrap_or_default()
}

/// Render the summary as CSV bytes.
pub fn to_csv(rows: &[Row]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |e: csv::Error| Error::Other(e.to_string());
    w.write_record(COLUMNS).map_err(e)?;
    for r in rows {
        w.write_record([
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
        ])
        .map_err(e)?;
    }
    w.into_inner().map_err(|e| Error::Other(e.to_string()))
}
