//! The shared data model: what a reader returns ([`Recording`]) and what every
//! later stage works on ([`Trial`]).
//!
//! Units are SI throughout: marker positions and centres of pressure in metres,
//! forces in newtons, moments in newton metres, EMG in volts, angles in degrees,
//! times in seconds. A missing marker sample is `NaN` in all three coordinates
//! (a *gap*), never zero.

use serde::Serialize;
use std::path::PathBuf;

/// The input formats gaitline reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    C3d,
    ViconCsv,
    Trc,
    Mot,
    Anc,
    Delimited,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::C3d => "c3d",
            Format::ViconCsv => "vicon_csv",
            Format::Trc => "trc",
            Format::Mot => "mot",
            Format::Anc => "anc",
            Format::Delimited => "delimited",
        }
    }
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "c3d" => Format::C3d,
            "vicon" | "vicon_csv" | "csv" => Format::ViconCsv,
            "trc" => Format::Trc,
            "mot" | "sto" => Format::Mot,
            "anc" => Format::Anc,
            "delimited" | "txt" | "tsv" => Format::Delimited,
            _ => return None,
        })
    }
}

/// Body side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
    /// Side from a name or label prefix/suffix such as `Left`, `L`, `R_`, `.r`.
    pub fn from_label(s: &str) -> Option<Side> {
        match s.trim().to_ascii_lowercase().as_str() {
            "left" | "l" | "links" => Some(Side::Left),
            "right" | "r" | "rechts" => Some(Side::Right),
            _ => None,
        }
    }
}

/// One marker's trajectory: a name as written in the file and one sample per
/// frame, in metres. Gaps are `[NaN; 3]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub name: String,
    pub xyz: Vec<[f64; 3]>,
}

impl Marker {
    pub fn new(name: impl Into<String>, frames: usize) -> Self {
        Marker { name: name.into(), xyz: vec![[f64::NAN; 3]; frames] }
    }
    /// Whether sample `i` is present (all three coordinates finite).
    pub fn is_present(&self, i: usize) -> bool {
        self.xyz.get(i).is_some_and(|p| p.iter().all(|v| v.is_finite()))
    }
    pub fn present_count(&self) -> usize {
        (0..self.xyz.len()).filter(|&i| self.is_present(i)).count()
    }
}

/// Marker data of one file: all markers share one rate and frame count.
#[derive(Debug, Clone, PartialEq)]
pub struct PointData {
    pub rate_hz: f64,
    /// Frame number of the first sample on the file's own clock (1 in most
    /// Vicon and C3D files; the C3D header's first frame otherwise).
    pub first_frame: i64,
    /// Time of the first sample on the file's clock, seconds. For frame-numbered
    /// formats this is `(first_frame - 1) / rate_hz`.
    pub time0_s: f64,
    pub frames: usize,
    pub markers: Vec<Marker>,
}

impl PointData {
    pub fn marker(&self, name: &str) -> Option<&Marker> {
        self.markers.iter().find(|m| m.name == name)
    }
    pub fn duration_s(&self) -> f64 {
        if self.frames == 0 { 0.0 } else { (self.frames - 1) as f64 / self.rate_hz }
    }
    /// Time of sample `i` on the file's clock.
    pub fn time(&self, i: usize) -> f64 {
        self.time0_s + i as f64 / self.rate_hz
    }
}

/// What an analog channel measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A force-plate or treadmill channel: force, moment or centre of pressure.
    ForcePlate,
    /// Surface electromyography.
    Emg,
    Other,
}

impl ChannelKind {
    /// Guess a channel's kind from its name and unit, as labs name them
    /// (`Force.Fx1`, `Fz2`, `ground_force_vy`, `COPx`, `R_RF`, `EMG3`, `MH`, ...).
    pub fn guess(name: &str, unit: &str) -> ChannelKind {
        let n = name.to_ascii_lowercase();
        let u = unit.trim().to_ascii_lowercase();
        if u == "n" || u == "nm" || u == "n.m" || u == "n.mm" || u == "nmm" {
            return ChannelKind::ForcePlate;
        }
        let fp_words = ["force", "moment", "cop", "ground_", "_px", "_py", "_pz", "torque"];
        if fp_words.iter().any(|w| n.contains(w)) {
            return ChannelKind::ForcePlate;
        }
        if is_force_plate_code(&n) {
            return ChannelKind::ForcePlate;
        }
        if n.contains("emg") || crate::clean::muscles::muscle_of(name).is_some() {
            return ChannelKind::Emg;
        }
        // A unit of volts alone does not make a channel EMG: generic analog
        // inputs (`Pin 1`, `CH7`, foot switches) are in volts too.
        ChannelKind::Other
    }
}

/// Short force-plate channel codes as labs write them: `Fx`, `Fz2`, `MX1`,
/// `F1X`, `M2Z`, `FP1Fx`, `COPx`, `Tz`, `Ty1` (case-insensitive).
fn is_force_plate_code(lower: &str) -> bool {
    let s = lower.trim().trim_start_matches(|c: char| !c.is_ascii_alphabetic());
    let s = s.strip_prefix("fp").map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit() || c == '_')).unwrap_or(s);
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let xyz = |c: char| matches!(c, 'x' | 'y' | 'z');
    if let Some(rest) = s.strip_prefix("cop") {
        return rest.chars().next().is_some_and(xyz) && digits(&rest[1..]);
    }
    let mut ch = s.chars();
    match (ch.next(), ch.next()) {
        // Fx, Mz2, Ty
        (Some('f' | 'm' | 't'), Some(a)) if xyz(a) => digits(&s[2..]),
        // F1X, M2Z
        (Some('f' | 'm'), Some(d)) if d.is_ascii_digit() => {
            let body = &s[1..];
            let n = body.chars().take_while(|c| c.is_ascii_digit()).count();
            let rest = &body[n..];
            rest.len() == 1 && rest.chars().all(xyz)
        }
        _ => false,
    }
}

/// A scalar value another tool computed and stored in the file (C3D
/// `ANALYSIS` group: Vicon's cadence, stride length, walking speed ...), kept
/// as a reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceScalar {
    pub name: String,
    pub side: Option<Side>,
    pub value: f64,
    pub unit: String,
}

/// One analog channel at its own rate.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalogChannel {
    pub name: String,
    /// Unit after conversion to SI where the reader knows how (`N`, `N.m`, `m`,
    /// `V`); otherwise the file's unit as written (possibly empty).
    pub unit: String,
    pub rate_hz: f64,
    /// Time of the first sample on the file's clock, seconds.
    pub time0_s: f64,
    pub kind: ChannelKind,
    pub data: Vec<f64>,
}

/// The kind of a gait event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    FootStrike,
    FootOff,
    /// Any other labelled event (`General`, `Event`, ...), with its label.
    Other(String),
}

impl EventKind {
    /// Vicon and C3D labels: `Foot Strike`, `Foot Off`, `Heel Strike`, `Toe Off`.
    pub fn from_label(label: &str) -> EventKind {
        let l = label.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        match l.as_str() {
            "foot strike" | "heel strike" | "initial contact" | "fs" | "hs" | "ic" => EventKind::FootStrike,
            "foot off" | "toe off" | "fo" | "to" => EventKind::FootOff,
            _ => EventKind::Other(label.trim().to_string()),
        }
    }
}

/// An event stored in the file itself (Vicon Events section, C3D EVENT group).
#[derive(Debug, Clone, PartialEq)]
pub struct FileEvent {
    pub side: Option<Side>,
    pub kind: EventKind,
    /// Time on the file's clock, seconds.
    pub time_s: f64,
    /// Subject name the event belongs to, if the file says.
    pub subject: Option<String>,
}

/// A quantity another tool computed and stored in the file (Vicon Model
/// Outputs, C3D angle points, OpenSim IK coordinates), kept for comparison and
/// never mixed with gaitline's own results.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceSeries {
    /// e.g. `LKneeAngles` or `knee_angle_r`.
    pub name: String,
    /// `X`, `Y`, `Z` for three-component outputs; empty for scalars.
    pub component: String,
    pub unit: String,
    pub rate_hz: f64,
    pub time0_s: f64,
    pub data: Vec<f64>,
}

/// Geometry and channels of one force plate (C3D `FORCE_PLATFORM`).
#[derive(Debug, Clone, PartialEq)]
pub struct ForcePlate {
    /// Plate type 1-4 as in the C3D standard; 0 when the file gives global
    /// forces directly (MOT, Vicon CSV devices).
    pub plate_type: u16,
    /// Corners in the lab frame, metres.
    pub corners: [[f64; 3]; 4],
    /// Origin offset (type 2: from the plate centre to the sensor origin), metres.
    pub origin: [f64; 3],
    /// Names of the analog channels that carry this plate's signals, in the
    /// order the plate type defines (type 2: Fx Fy Fz Mx My Mz).
    pub channels: Vec<String>,
    /// Calibration matrix (type 4), row-major.
    pub cal_matrix: Vec<f64>,
}

/// Per-side measurement: one value for both sides, or left and right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Bilateral {
    pub left: Option<f64>,
    pub right: Option<f64>,
}

impl Bilateral {
    pub fn both(v: f64) -> Self {
        Bilateral { left: Some(v), right: Some(v) }
    }
    pub fn is_empty(&self) -> bool {
        self.left.is_none() && self.right.is_none()
    }
    /// Fill whichever side is unknown from `other`.
    pub fn or(self, other: Bilateral) -> Bilateral {
        Bilateral { left: self.left.or(other.left), right: self.right.or(other.right) }
    }
}

/// Subject data from the file (C3D `PROCESSING`/`SUBJECTS`, a `.vsk`) or the
/// manifest. Lengths in millimetres as labs write them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Subject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mass_kg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height_m: Option<f64>,
    #[serde(skip_serializing_if = "Bilateral::is_empty")]
    pub leg_length_mm: Bilateral,
    #[serde(skip_serializing_if = "Bilateral::is_empty")]
    pub knee_width_mm: Bilateral,
    #[serde(skip_serializing_if = "Bilateral::is_empty")]
    pub ankle_width_mm: Bilateral,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker_diameter_mm: Option<f64>,
    /// Plug-in Gait: measured inter-ASIS distance, mm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inter_asis_mm: Option<f64>,
    /// Plug-in Gait: measured ASIS-trochanter distance, mm.
    #[serde(skip_serializing_if = "Bilateral::is_empty")]
    pub asis_trochanter_mm: Bilateral,
    /// Plug-in Gait: tibial torsion, degrees.
    #[serde(skip_serializing_if = "Bilateral::is_empty")]
    pub tibial_torsion_deg: Bilateral,
    /// Plug-in Gait "flat foot": the feet were flat on the floor in the static trial.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flat_foot: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub belt_speed_m_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub involved_side: Option<Side>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The joint-angle model asked for (`--angle-model`, manifest
    /// `angle_model`); unset: Plug-in Gait when it applies, else CAST.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub angle_model: Option<AngleModel>,
}

/// A joint-angle model to use instead of the automatic choice
/// ([`crate::angles::compute`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AngleModel {
    /// Plug-in Gait / CGM1 ([`crate::angles::pig`]) only.
    #[serde(rename = "plug-in-gait")]
    PlugInGait,
    /// Cluster tracking through the static trial ([`crate::angles::cast`]).
    #[serde(rename = "cast")]
    Cast,
    /// The CAST segments linked by a ball hip and hinge knee and ankle, fitted
    /// together per frame ([`crate::angles::chain`], as OpenSim's IK).
    #[serde(rename = "chain")]
    Chain,
}

impl AngleModel {
    /// Parse a CLI or manifest value: `pig`/`plug-in-gait`, `cast`, `chain`.
    pub fn parse(s: &str) -> Result<AngleModel, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pig" | "plug-in-gait" | "plugingait" | "cgm1" => Ok(AngleModel::PlugInGait),
            "cast" => Ok(AngleModel::Cast),
            "chain" => Ok(AngleModel::Chain),
            v => Err(format!("{v:?} is not an angle model (pig, cast or chain)")),
        }
    }
}

impl Subject {
    /// Fill every unknown field from `other` (values already set win).
    pub fn merge(&mut self, other: &Subject) {
        macro_rules! fill {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = other.$f.clone(); } )* };
        }
        fill!(
            name,
            mass_kg,
            height_m,
            marker_diameter_mm,
            belt_speed_m_s,
            involved_side,
            lang,
            inter_asis_mm,
            flat_foot,
            angle_model
        );
        self.leg_length_mm = self.leg_length_mm.or(other.leg_length_mm);
        self.asis_trochanter_mm = self.asis_trochanter_mm.or(other.asis_trochanter_mm);
        self.tibial_torsion_deg = self.tibial_torsion_deg.or(other.tibial_torsion_deg);
        self.knee_width_mm = self.knee_width_mm.or(other.knee_width_mm);
        self.ankle_width_mm = self.ankle_width_mm.or(other.ankle_width_mm);
    }
}

/// Everything one input file holds, in SI units but still in the lab's own
/// axes and with the file's own marker names. Readers produce this; they do no
/// cleaning (no gap filling, no axis change, no filtering).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    pub path: PathBuf,
    pub format: Format,
    /// Human-readable dialect, e.g. `Vicon Nexus CSV`, `C3D (Intel, float)`.
    pub dialect: String,
    pub points: Option<PointData>,
    pub analogs: Vec<AnalogChannel>,
    pub events: Vec<FileEvent>,
    pub reference: Vec<ReferenceSeries>,
    /// Scalar results another tool stored in the file (C3D `ANALYSIS`).
    pub analysis: Vec<ReferenceScalar>,
    pub force_plates: Vec<ForcePlate>,
    pub subject: Subject,
    /// Repairs and observations made while reading (e.g. a frame count that
    /// disagreed with the data).
    pub notes: Vec<String>,
}

impl Recording {
    pub fn new(path: impl Into<PathBuf>, format: Format, dialect: impl Into<String>) -> Self {
        Recording {
            path: path.into(),
            format,
            dialect: dialect.into(),
            points: None,
            analogs: Vec::new(),
            events: Vec::new(),
            reference: Vec::new(),
            analysis: Vec::new(),
            force_plates: Vec::new(),
            subject: Subject::default(),
            notes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_kinds_from_lab_names() {
        for n in ["Fx", "Fz2", "MX1", "F1X", "M2Z", "FP1Fx", "COPx", "Tz", "Ty1", "Force.Fx1", "ground_force_vy"] {
            assert_eq!(ChannelKind::guess(n, ""), ChannelKind::ForcePlate, "{n}");
        }
        for n in ["R_RF", "L ST", "MH", "EMG3", "Biceps femoris"] {
            assert_eq!(ChannelKind::guess(n, "V"), ChannelKind::Emg, "{n}");
        }
        for n in ["Pin 1", "CH7", "Footswitch", "F1", "Mass"] {
            assert_eq!(ChannelKind::guess(n, "V"), ChannelKind::Other, "{n}");
        }
    }
}
