//! `metrics.json`, schema `gaitline.metrics/1` (see README, "Output contract").
//! Fields a stage has not computed are absent, never invented.

use crate::model::{EventKind, Side, Subject};
use crate::trial::Trial;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "gaitline.metrics/1";

#[derive(Debug, Serialize)]
pub struct Metrics {
    pub schema: &'static str,
    pub gaitline_version: &'static str,
    pub trial: TrialInfo,
    pub subject: Subject,
    pub events: Vec<EventOut>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TrialInfo {
    pub id: String,
    pub source_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_file: Option<String>,
    pub formats: Vec<String>,
    pub marker_rate_hz: Option<f64>,
    pub frames: usize,
    pub first_frame: i64,
    pub duration_s: f64,
    /// `walk`, `run`, or null until the events stage decides.
    pub mode: Option<&'static str>,
    pub treadmill: Option<bool>,
    pub markers: usize,
    pub marker_set: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lab_axes: Option<LabAxesOut>,
    pub landmarks: BTreeMap<String, String>,
    pub unmapped_markers: Vec<String>,
    pub analog_channels: Vec<ChannelOut>,
    pub gaps: GapsOut,
}

#[derive(Debug, Serialize)]
pub struct LabAxesOut {
    pub vertical: String,
    pub progression: String,
    pub method: &'static str,
    pub heading_offset_deg: f64,
}

#[derive(Debug, Serialize)]
pub struct ChannelOut {
    pub name: String,
    pub kind: crate::model::ChannelKind,
    pub unit: String,
    pub rate_hz: Option<f64>,
    pub samples: usize,
}

#[derive(Debug, Serialize)]
pub struct GapsOut {
    pub filled: usize,
    pub filled_samples: usize,
    pub unfilled: usize,
    pub unfilled_samples: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct EventOut {
    pub side: Side,
    pub kind: EventKind,
    pub time_s: f64,
    pub frame: i64,
    pub source: &'static str,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Round to `d` decimals so that the JSON is stable and readable.
fn round(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// Build the metrics of a cleaned trial (the thin foundation stage: trial
/// description, file events and notes).
pub fn from_trial(t: &Trial) -> Metrics {
    let name = |p: &std::path::Path| p.display().to_string();
    let rate = finite(t.rate_hz);
    let mut notes = t.notes.clone();
    let mut events = Vec::new();
    let mut others = 0;
    for e in &t.file_events {
        match (&e.kind, e.side) {
            (EventKind::FootStrike | EventKind::FootOff, Some(side)) => {
                let frame = match rate {
                    Some(r) => t.first_frame + ((e.time_s - t.time0_s) * r).round() as i64,
                    None => 0,
                };
                events.push(EventOut { side, kind: e.kind.clone(), time_s: round(e.time_s, 6), frame, source: "file" });
            }
            _ => others += 1,
        }
    }
    if others > 0 {
        notes.push(format!("{others} other events in the file (not foot strike or foot off) not listed"));
    }
    let g = |filled: bool| t.gaps.iter().filter(move |x| x.filled == filled);
    Metrics {
        schema: SCHEMA,
        gaitline_version: env!("CARGO_PKG_VERSION"),
        trial: TrialInfo {
            id: t.id.clone(),
            source_files: t.source_files.iter().map(|p| name(p)).collect(),
            static_file: t.static_trial.as_ref().and_then(|s| s.source_files.first()).map(|p| name(p)),
            formats: t.dialects.clone(),
            marker_rate_hz: rate,
            frames: t.frames,
            first_frame: t.first_frame,
            duration_s: round(t.duration_s(), 6),
            mode: None,
            treadmill: None,
            markers: t.markers.len(),
            marker_set: t.mapping.preset.clone(),
            lab_axes: t.lab.as_ref().map(|l| LabAxesOut {
                vertical: l.vertical.label(),
                progression: l.progression.label(),
                method: l.progression_method,
                heading_offset_deg: round(l.heading_offset_deg, 2),
            }),
            landmarks: t.mapping.landmarks.iter().map(|(l, &i)| (l.code(), t.markers[i].name.clone())).collect(),
            unmapped_markers: t.mapping.unmapped.clone(),
            analog_channels: t
                .analogs
                .iter()
                .map(|c| ChannelOut {
                    name: c.name.clone(),
                    kind: c.kind,
                    unit: c.unit.clone(),
                    rate_hz: finite(c.rate_hz),
                    samples: c.data.len(),
                })
                .collect(),
            gaps: GapsOut {
                filled: g(true).count(),
                filled_samples: g(true).map(|x| x.frames).sum(),
                unfilled: g(false).count(),
                unfilled_samples: g(false).map(|x| x.frames).sum(),
            },
        },
        subject: t.subject.clone(),
        events,
        notes,
    }
}

impl Metrics {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}
