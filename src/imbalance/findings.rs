//! Findings and recommendations of the hamstring/quadriceps imbalance stage
//! (issue 6): what the evidence of a trial says, how strongly, and which
//! exercises or advice follow from it.
//!
//! A [`Finding`] is one statement about one side (or both): a code (the key of
//! its texts in `lang/<code>.toml`, `finding.<code>.{title,clinician,patient}`),
//! its severity, the kind of evidence it rests on, how far that evidence can
//! be trusted, and the number behind it with the threshold crossed and the
//! source of that threshold. A [`Recommendation`] is one exercise or piece of
//! advice (`exercise.<code>.{title,how,why}`) with the finding codes that led
//! to it (its "why").
//!
//! Wording rule for every text behind these codes: the report informs, it
//! does not diagnose; marked evidence leads to "see a physician".

use crate::model::Side;
use serde::Serialize;

/// How far a value lies beyond its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Within the normal range (kept only where a report lists checks passed).
    None,
    /// Beyond the first threshold.
    Mild,
    /// Beyond the second (marked) threshold.
    Marked,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Mild => "mild",
            Severity::Marked => "marked",
        }
    }
}

/// The kind of evidence a finding rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// Surface EMG envelopes (activation, not force).
    Emg,
    /// Isokinetic dynamometer torques (force; the reference method for H:Q).
    Dynamometer,
    /// Marker kinematics (what loads the muscles, not their strength).
    Kinematics,
}

impl EvidenceKind {
    pub fn name(self) -> &'static str {
        match self {
            EvidenceKind::Emg => "emg",
            EvidenceKind::Dynamometer => "dynamometer",
            EvidenceKind::Kinematics => "kinematics",
        }
    }
}

/// How far the evidence behind a finding can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Moderate,
    High,
}

/// Which way a value crosses its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A finding when the value is below the threshold (e.g. H:Q < 0.6).
    Below,
    /// A finding when the value is above the threshold (e.g. |SI| > 10 %).
    Above,
}

/// One finding. Serialised as an element of `imbalance.findings`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable code, the key of the finding's texts (`finding.<code>.*`).
    pub code: &'static str,
    pub severity: Severity,
    /// The side the finding concerns; `None` for both or a left/right difference
    /// without a weaker side.
    pub side: Option<Side>,
    /// The muscle group concerned (`"hamstrings"`, `"quadriceps"`), where the
    /// finding is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub muscle: Option<&'static str>,
    pub evidence: EvidenceKind,
    pub confidence: Confidence,
    /// The value behind the finding (the `{value}` of the texts).
    pub value: f64,
    /// Its unit: `"ratio"`, `"%"`, `"deg"`, `"m"`, `"leg lengths"`, ...
    pub unit: &'static str,
    /// The threshold for a mild finding.
    pub threshold: f64,
    /// The threshold for a marked finding, if the source gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_marked: Option<f64>,
    pub direction: Direction,
    /// Where the threshold comes from (citation).
    pub source: &'static str,
    /// One line for the clinician: what was compared with what.
    pub detail: String,
}

/// One recommendation. Serialised as an element of `imbalance.recommendations`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// Stable code, the key of its texts (`exercise.<code>.*`).
    pub code: &'static str,
    /// The finding codes that led to it (its "why"), in the order of
    /// `imbalance.findings`.
    pub why: Vec<&'static str>,
    /// The sides the findings concern (empty: both or not side-specific).
    pub sides: Vec<Side>,
}

/// Every finding code the stage can emit (each has `finding.<code>.title`,
/// `.clinician`, `.patient` in every language file).
pub const FINDING_CODES: &[&str] = &[
    "hq_emg_low",
    "hq_emg_asymmetry",
    "cocontraction_high",
    "hamstring_timing_abnormal",
    "hq_dyn_conventional_low",
    "hq_functional_low",
    "lsi_low",
    "hamstring_stretch_asymmetry",
    "terminal_swing_knee_extension",
    "overstriding",
    "quadriceps_demand_asymmetry",
    "spatiotemporal_asymmetry",
];

/// Every recommendation code (each has `exercise.<code>.title`, `.how`,
/// `.why` in every language file).
pub const RECOMMENDATION_CODES: &[&str] = &[
    "nordic_curl",
    "hamstring_stretch_standing",
    "hamstring_stretch_towel",
    "foam_rolling",
    "warm_up_load",
    "gait_cue_shorter_stride",
    "see_physician",
];
