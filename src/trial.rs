//! The trial: one or more recordings merged and cleaned, in the canonical
//! frame (X progression, Y left, Z up; metres). Every analysis stage reads a
//! [`Trial`]; none reads files.

use crate::clean::axes::{self, LabAxes};
use crate::clean::gaps::{self, Gap, SplineBuffers};
use crate::clean::presets::{self, Landmark, Mapping, UserMap};
use crate::model::{
    AnalogChannel, FileEvent, ForcePlate, Marker, Recording, ReferenceScalar, ReferenceSeries, Subject,
};
use std::path::PathBuf;

/// Options of the cleaning stage.
#[derive(Debug, Clone)]
pub struct CleanOptions {
    /// Longest gap filled by the spline, seconds (default 0.1 s).
    pub max_gap_s: f64,
    pub user_map: UserMap,
}

impl Default for CleanOptions {
    fn default() -> Self {
        CleanOptions { max_gap_s: 0.1, user_map: UserMap::default() }
    }
}

/// A cleaned trial.
#[derive(Debug, Clone)]
pub struct Trial {
    pub id: String,
    pub source_files: Vec<PathBuf>,
    /// Marker rate, Hz (NaN when the trial has no markers).
    pub rate_hz: f64,
    pub first_frame: i64,
    pub time0_s: f64,
    pub frames: usize,
    /// Markers in the canonical frame, subject prefixes stripped.
    pub markers: Vec<Marker>,
    pub mapping: Mapping,
    /// `None` when the trial has no markers.
    pub lab: Option<LabAxes>,
    pub gaps: Vec<Gap>,
    /// Analog channels as read (force-plate channels still in lab axes; the
    /// force stage rotates them with `lab`).
    pub analogs: Vec<AnalogChannel>,
    pub force_plates: Vec<ForcePlate>,
    pub file_events: Vec<FileEvent>,
    pub reference: Vec<ReferenceSeries>,
    pub analysis: Vec<ReferenceScalar>,
    pub subject: Subject,
    pub dialects: Vec<String>,
    /// The static (calibration) trial, cleaned the same way; never analysed as gait.
    pub static_trial: Option<Box<Trial>>,
    /// Side-car files of the imbalance evidence found beside the trial's
    /// files (dynamometer table, EMG channel map, MVC recording), read at the
    /// input edge by [`crate::pipeline::load_trial`]; empty from [`build`].
    pub sidecars: crate::imbalance::SideCars,
    pub notes: Vec<String>,
}

impl Trial {
    pub fn duration_s(&self) -> f64 {
        if self.frames == 0 { 0.0 } else { (self.frames - 1) as f64 / self.rate_hz }
    }
    /// The marker carrying a landmark.
    pub fn landmark(&self, l: Landmark) -> Option<&Marker> {
        self.mapping.landmarks.get(&l).map(|&i| &self.markers[i])
    }
    /// Frame number on the file's clock of sample `i`.
    pub fn frame_number(&self, i: usize) -> i64 {
        self.first_frame + i as i64
    }
}

/// Merge the recordings of one trial and clean them.
///
/// Markers come from the first recording that has them (others with markers
/// are noted and ignored); analog channels, events, reference series and
/// force plates are gathered from all; subject data merge, the manifest's
/// (passed in `subject`) winning over the files'.
pub fn build(id: &str, recs: Vec<Recording>, subject: &Subject, opts: &CleanOptions) -> Trial {
    let mut notes = Vec::new();
    let mut source_files = Vec::new();
    let mut dialects = Vec::new();
    let mut points = None;
    let mut t = Trial {
        id: id.to_string(),
        source_files: Vec::new(),
        rate_hz: f64::NAN,
        first_frame: 1,
        time0_s: 0.0,
        frames: 0,
        markers: Vec::new(),
        mapping: Mapping::default(),
        lab: None,
        gaps: Vec::new(),
        analogs: Vec::new(),
        force_plates: Vec::new(),
        file_events: Vec::new(),
        reference: Vec::new(),
        analysis: Vec::new(),
        subject: subject.clone(),
        dialects: Vec::new(),
        static_trial: None,
        sidecars: Default::default(),
        notes: Vec::new(),
    };
    for r in recs {
        source_files.push(r.path.clone());
        dialects.push(r.dialect.clone());
        let fname = r.path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        notes.extend(r.notes.iter().map(|n| format!("{fname}: {n}")));
        match (r.points, &points) {
            (Some(p), None) if !p.markers.is_empty() => points = Some(p),
            (Some(p), Some(_)) if !p.markers.is_empty() => {
                notes.push(format!("{fname}: markers ignored (markers already taken from another file)"))
            }
            _ => {}
        }
        t.analogs.extend(r.analogs);
        t.force_plates.extend(r.force_plates);
        t.file_events.extend(r.events);
        t.reference.extend(r.reference);
        t.analysis.extend(r.analysis);
        t.subject.merge(&r.subject);
    }
    if let Some(p) = points {
        t.rate_hz = p.rate_hz;
        t.first_frame = p.first_frame;
        t.time0_s = p.time0_s;
        t.frames = p.frames;
        t.markers = p.markers;
        for m in &mut t.markers {
            m.name = presets::strip_subject(&m.name).to_string();
        }
        clean_markers(&mut t, opts, &mut notes);
    } else {
        notes.push("no marker data in this trial".into());
    }
    resolve_unknown_rates(&mut t, &mut notes);
    t.file_events.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    t.source_files = source_files;
    t.dialects = dialects;
    t.notes = notes;
    t
}

fn clean_markers(t: &mut Trial, opts: &CleanOptions, notes: &mut Vec<String>) {
    t.mapping = presets::map_markers(t.markers.iter().map(|m| m.name.as_str()), &opts.user_map);
    // A marker with no sample at all is labelled but absent: it carries no landmark.
    let empty: Vec<usize> = (0..t.markers.len()).filter(|&i| t.markers[i].present_count() == 0).collect();
    if !empty.is_empty() {
        t.mapping.landmarks.retain(|_, i| !empty.contains(i));
        let names: Vec<&str> = empty.iter().map(|&i| t.markers[i].name.as_str()).collect();
        notes.push(format!("{} markers have no data at all: {}", names.len(), names.join(", ")));
    }
    let lab = axes::detect(&t.markers, &t.mapping);
    if lab.progression_method == "default" {
        notes.push(format!(
            "lab axes not detectable from pelvis and foot markers; assumed vertical {} and progression {}",
            lab.vertical.label(),
            lab.progression.label()
        ));
    } else if lab.progression_method == "marker_spread" {
        notes.push(format!(
            "no pelvis or foot landmarks: lab axes taken from the marker cloud (vertical {}, progression {})",
            lab.vertical.label(),
            lab.progression.label()
        ));
    } else if lab.heading_offset_deg > 15.0 {
        notes.push(format!(
            "walking direction is {:.0} deg off the lab's {} axis",
            lab.heading_offset_deg,
            lab.progression.label()
        ));
    }
    axes::to_canonical(&mut t.markers, &lab);
    t.lab = Some(lab);
    let max = (opts.max_gap_s * t.rate_hz).round().max(0.0) as usize;
    let mut buf = SplineBuffers::default();
    for m in t.markers.iter_mut().filter(|m| m.present_count() > 0) {
        t.gaps.extend(gaps::fill_gaps(m, max, &mut buf));
    }
    let filled = t.gaps.iter().filter(|g| g.filled).count();
    let left = t.gaps.len() - filled;
    if filled > 0 {
        let frames: usize = t.gaps.iter().filter(|g| g.filled).map(|g| g.frames).sum();
        notes.push(format!("{filled} gaps ({frames} samples) of up to {:.2} s filled by cubic spline", opts.max_gap_s));
    }
    if left > 0 {
        notes.push(format!("{left} gaps left unfilled (longer than {:.2} s or at the trial's ends)", opts.max_gap_s));
    }
}

/// Analog files that count samples instead of giving times (RBDS force files)
/// have a NaN rate: derive it from the marker data's duration when the ratio
/// of sample counts is a whole number.
fn resolve_unknown_rates(t: &mut Trial, notes: &mut Vec<String>) {
    // Channels whose rate was set, grouped by the multiple of the marker rate.
    let mut set: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    let mut unknown: Vec<String> = Vec::new();
    for ch in t.analogs.iter_mut().filter(|c| !c.rate_hz.is_finite()) {
        let ratio = if t.frames >= 2 && t.rate_hz.is_finite() { ch.data.len() as f64 / t.frames as f64 } else { 0.0 };
        let r = ratio.round();
        if r >= 1.0 && (ratio - r).abs() <= 0.01 * r {
            ch.rate_hz = r * t.rate_hz;
            ch.time0_s = t.time0_s;
            set.entry(r as u64).or_default().push(ch.name.clone());
        } else {
            unknown.push(ch.name.clone());
        }
    }
    for (factor, names) in set {
        notes.push(format!(
            "sampling rate of {} set to {} Hz ({factor}x the marker rate, from the sample counts)",
            names.join(", "),
            factor as f64 * t.rate_hz
        ));
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "sampling rate of {} unknown (sample count not a whole multiple of the marker frames)",
            unknown.join(", ")
        ));
    }
}
