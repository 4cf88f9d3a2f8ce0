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
    "hq_dyn_conventional_low",
    "hq_functional_low",
    "lsi_low",
    "hq_emg_asymmetry",
    "hamstring_timing_abnormal",
    "terminal_swing_knee_extension",
    "hamstring_stretch_asymmetry",
    "quadriceps_demand_asymmetry",
    "overstriding",
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

// ------------------------------------------------------------ assessment

use super::dynamometer::DynamometerResult;
use super::emg::EmgImbalance;
use super::kinematic::KinematicEvidence;
use super::symmetry::Symmetry;
use crate::events::Mode;

/// The evidence of one trial that findings are drawn from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    pub mode: Option<Mode>,
    pub emg: Option<&'a EmgImbalance>,
    pub dynamometer: Option<&'a DynamometerResult>,
    pub kinematic: Option<&'a KinematicEvidence>,
    pub symmetry: Option<&'a Symmetry>,
    /// Strides per side (left, right).
    pub strides: [usize; 2],
}

/// EMG H:Q symmetry index thresholds, % (our choice: simulated healthy
/// trials stay within ±10 %, `tests/imbalance_sim.rs`; surface EMG amplitude
/// differs between sides with electrode placement, so a margin beyond that).
pub const EMG_SI_MILD: f64 = 20.0;
pub const EMG_SI_MARKED: f64 = 50.0;
pub const SOURCE_EMG_SI: &str = "Robinson et al. 1987 SI of the EMG H:Q activation ratio; 20 % / 50 % are gaitline's \
     choice (healthy simulated trials within 10 %), not published cut-offs";
/// Strides per side below which EMG and kinematic findings have low confidence.
pub const MIN_CYCLES: usize = 5;
/// Strides (or angle cycles) per side below which no kinematic or
/// spatiotemporal asymmetry finding is made (our choice: one or two strides
/// a side are within stride-to-stride variability).
pub const MIN_STRIDES_FOR_FINDING: usize = 3;
pub const SOURCE_TIMING: &str = "Perry & Burnfield 2010 (Gait Analysis, 2nd ed.): hamstrings active from mid swing \
     through loading response, peak in terminal swing; Novacheck 1998 (Gait Posture 7:77-95) for running";
/// Left/right difference of terminal-swing knee flexion, deg (our choice).
pub const KNEE_TS_DIFF_MILD: f64 = 5.0;
pub const KNEE_TS_DIFF_MARKED: f64 = 10.0;
pub const SOURCE_KNEE_TS: &str = "left/right difference of the least knee flexion in terminal swing; 5 / 10 deg are \
     gaitline's choice (above the usual between-session error of sagittal knee angles, mostly below 5 deg: McGinley et \
     al. 2009, Gait Posture 29:360-369)";
/// Left/right difference of the peak hamstring length estimate, mm (our choice).
pub const HAM_DIFF_MILD: f64 = 10.0;
pub const HAM_DIFF_MARKED: f64 = 20.0;
pub const SOURCE_HAM: &str = "left/right difference of the peak hamstring musculotendon length estimate (linear \
     Hawkins & Hull 1990 form, generic moment arms); 10 / 20 mm are gaitline's choice (about 10 / 20 deg of hip \
     flexion)";
/// Loading-response knee flexion excursion difference, deg (our choice).
pub const LR_DIFF_MILD: f64 = 5.0;
pub const LR_DIFF_MARKED: f64 = 10.0;
pub const SOURCE_LR: &str = "left/right difference of loading-response knee flexion excursion (quadriceps eccentric \
     demand, Perry & Burnfield 2010); 5 / 10 deg are gaitline's choice";
/// Running: heel ahead of the pelvis at the strike, leg lengths (our choice:
/// simulated healthy runners at 3.0-3.8 m/s land 0.27-0.32 leg lengths ahead).
pub const OVERSTRIDE_MILD: f64 = 0.40;
pub const OVERSTRIDE_MARKED: f64 = 0.50;
pub const SOURCE_OVERSTRIDE: &str = "heel ahead of the pelvis centre at foot strike in running, in leg lengths; 0.40 \
     / 0.50 are gaitline's choice (no published cut-off found; simulated healthy runners land 0.27-0.32 ahead; \
     landing far ahead of the centre of mass is the usual description of overstriding)";
/// Spatiotemporal SI, % (Robinson 1987; 10 % as commonly used, 20 % marked is our choice).
pub const SPATIO_SI_MILD: f64 = 10.0;
pub const SPATIO_SI_MARKED: f64 = 20.0;
/// The spatiotemporal parameters a finding may rest on.
pub const SPATIO_KEYS: [&str; 4] = ["step_length_m", "step_time_s", "stance_pct", "contact_time_s"];

fn sev(v: f64, mild: f64, marked: f64) -> Severity {
    if v > marked {
        Severity::Marked
    } else if v > mild {
        Severity::Mild
    } else {
        Severity::None
    }
}

fn confidence(cycles: usize) -> Confidence {
    if cycles >= MIN_CYCLES { Confidence::Moderate } else { Confidence::Low }
}

fn r(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// Findings from all evidence (pure). Severity `none` is never listed.
/// Order: dynamometer, EMG, kinematics, spatiotemporal.
pub fn assess(i: &Inputs) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(d) = i.dynamometer {
        out.extend(d.findings());
    }
    if let Some(e) = i.emg {
        out.extend(emg_findings(e));
    }
    if let Some(k) = i.kinematic {
        out.extend(kinematic_findings(k, i.mode));
    }
    if let Some(s) = i.symmetry.filter(|_| i.strides.iter().all(|&n| n >= MIN_STRIDES_FOR_FINDING)) {
        let worst = SPATIO_KEYS
            .iter()
            .filter_map(|k| s.spatiotemporal.get(k).map(|v| (*k, *v)))
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
        if let Some((key, si)) = worst {
            let sv = sev(si.abs(), SPATIO_SI_MILD, SPATIO_SI_MARKED);
            if sv > Severity::None {
                out.push(Finding {
                    code: "spatiotemporal_asymmetry",
                    severity: sv,
                    side: None,
                    muscle: None,
                    evidence: EvidenceKind::Kinematics,
                    confidence: Confidence::Moderate,
                    value: r(si.abs(), 1),
                    unit: "%",
                    threshold: SPATIO_SI_MILD,
                    threshold_marked: Some(SPATIO_SI_MARKED),
                    direction: Direction::Above,
                    source: super::symmetry::SOURCE,
                    detail: format!("{key}: SI {si:+.1} % (positive: right larger)"),
                });
            }
        }
    }
    out
}

fn emg_findings(e: &EmgImbalance) -> Vec<Finding> {
    let mut out = Vec::new();
    let l = e.side(Some(Side::Left));
    let rt = e.side(Some(Side::Right));
    // Only from gait-cycle ratios of both sides: a recording-level ratio (an
    // EMG file without strides) mixes every activity and is too weak for a finding.
    if let (Some(si), Some(l), Some(rt)) = (e.symmetry_index_pct, l, rt)
        && l.cycles > 0
        && rt.cycles > 0
    {
        let sv = sev(si.abs(), EMG_SI_MILD, EMG_SI_MARKED);
        if sv > Severity::None {
            // SI = (R − L)/mean of the H:Q ratios: the lower ratio is the weaker hamstring side.
            let side = if si > 0.0 { Side::Left } else { Side::Right };
            let cycles = l.cycles.min(rt.cycles);
            out.push(Finding {
                code: "hq_emg_asymmetry",
                severity: sv,
                side: Some(side),
                muscle: Some("hamstrings"),
                evidence: EvidenceKind::Emg,
                confidence: confidence(cycles),
                value: r(si.abs(), 1),
                unit: "%",
                threshold: EMG_SI_MILD,
                threshold_marked: Some(EMG_SI_MARKED),
                direction: Direction::Above,
                source: SOURCE_EMG_SI,
                detail: format!(
                    "EMG H:Q activation ratio left {} / right {} (SI {si:+.1} %, {cycles} cycles a side); {}",
                    l.hq_ratio.or(l.hq_ratio_recording).map_or("-".into(), |v| format!("{v:.2}")),
                    rt.hq_ratio.or(rt.hq_ratio_recording).map_or("-".into(), |v| format!("{v:.2}")),
                    if e.mvc { "MVC-normalised" } else { "trial-peak normalised, no MVC" },
                ),
            });
        }
    }
    for s in e.sides.iter().filter(|s| s.cycles > 0) {
        let (Some(side), Some(t)) = (s.side, s.hamstrings_timing.as_ref()) else { continue };
        let check = super::emg::check_timing(t, crate::clean::muscles::MuscleGroup::Hamstrings, s.stance_pct);
        let [[from, _], [_, to]] = check.normal_peak_windows_pct;
        if !check.peak_in_normal_window {
            out.push(Finding {
                code: "hamstring_timing_abnormal",
                severity: Severity::Mild,
                side: Some(side),
                muscle: Some("hamstrings"),
                evidence: EvidenceKind::Emg,
                confidence: Confidence::Low,
                value: t.peak_pct,
                unit: "%",
                threshold: r(from, 1),
                threshold_marked: None,
                direction: Direction::Below,
                source: SOURCE_TIMING,
                detail: format!(
                    "hamstring envelope peak at {:.0} % of the cycle, outside the normal window {:.0}-100 % and \
                     0-{:.0} % (late swing to loading response)",
                    t.peak_pct, from, to
                ),
            });
        }
    }
    out
}

fn kinematic_findings(k: &KinematicEvidence, mode: Option<Mode>) -> Vec<Finding> {
    let mut out = Vec::new();
    let cycles = k.left.cycles.min(k.right.cycles);
    let enough = cycles >= MIN_STRIDES_FOR_FINDING;
    let mut diff = |code: &'static str,
                    get: fn(&super::kinematic::KinematicSide) -> Option<f64>,
                    lower_is_affected: bool,
                    mild: f64,
                    marked: f64,
                    unit: &'static str,
                    source: &'static str,
                    muscle: &'static str,
                    what: &str| {
        let (true, Some(l), Some(rt)) = (enough, get(&k.left), get(&k.right)) else { return };
        let d = rt - l;
        let sv = sev(d.abs(), mild, marked);
        if sv == Severity::None {
            return;
        }
        let right_lower = d < 0.0;
        let side = if right_lower == lower_is_affected { Side::Right } else { Side::Left };
        out.push(Finding {
            code,
            severity: sv,
            side: Some(side),
            muscle: Some(muscle),
            evidence: EvidenceKind::Kinematics,
            confidence: confidence(cycles),
            value: r(d.abs(), 1),
            unit,
            threshold: mild,
            threshold_marked: Some(marked),
            direction: Direction::Above,
            source,
            detail: format!("{what}: left {l:.1}, right {rt:.1} {unit} ({cycles} cycles a side)"),
        });
    };
    // More knee flexion left in terminal swing = the knee extends less on that side.
    diff(
        "terminal_swing_knee_extension",
        |s| s.knee_flexion_terminal_swing_min_deg,
        false,
        KNEE_TS_DIFF_MILD,
        KNEE_TS_DIFF_MARKED,
        "deg",
        SOURCE_KNEE_TS,
        "hamstrings",
        "least knee flexion in terminal swing",
    );
    diff(
        "hamstring_stretch_asymmetry",
        |s| s.hamstring_length_peak_mm,
        true,
        HAM_DIFF_MILD,
        HAM_DIFF_MARKED,
        "mm",
        SOURCE_HAM,
        "hamstrings",
        "peak hamstring length change from standing (estimate)",
    );
    diff(
        "quadriceps_demand_asymmetry",
        |s| s.knee_flexion_loading_excursion_deg,
        true,
        LR_DIFF_MILD,
        LR_DIFF_MARKED,
        "deg",
        SOURCE_LR,
        "quadriceps",
        "loading-response knee flexion excursion",
    );
    if mode == Some(Mode::Run) {
        for (side, s) in [(Side::Left, &k.left), (Side::Right, &k.right)] {
            let Some(v) = s.heel_ahead_of_pelvis_leg_lengths.filter(|_| s.strikes >= MIN_STRIDES_FOR_FINDING) else {
                continue;
            };
            let sv = sev(v, OVERSTRIDE_MILD, OVERSTRIDE_MARKED);
            if sv > Severity::None {
                out.push(Finding {
                    code: "overstriding",
                    severity: sv,
                    side: Some(side),
                    muscle: Some("hamstrings"),
                    evidence: EvidenceKind::Kinematics,
                    confidence: confidence(s.strikes),
                    value: r(v, 2),
                    unit: "leg lengths",
                    threshold: OVERSTRIDE_MILD,
                    threshold_marked: Some(OVERSTRIDE_MARKED),
                    direction: Direction::Above,
                    source: SOURCE_OVERSTRIDE,
                    detail: format!(
                        "{} heel {:.3} m ahead of the pelvis centre at foot strike ({} strikes; leg length {:.3} m)",
                        side.name(),
                        s.heel_ahead_of_pelvis_m.unwrap_or(f64::NAN),
                        s.strikes,
                        s.leg_length_m.unwrap_or(f64::NAN)
                    ),
                });
            }
        }
    }
    out
}

/// Recommendations tied to findings (pure). Each lists the finding codes
/// that led to it (`why`) and their sides.
///
/// - `nordic_curl` (eccentric hamstring strengthening; van der Horst et al.
///   2015, Am J Sports Med 43:1316–1323; van Dyk et al. 2019, Br J Sports Med
///   53:1362–1370): hamstring strength or activation findings.
/// - `hamstring_stretch_standing`, `hamstring_stretch_towel`, `foam_rolling`:
///   hamstring stretch findings (less knee extension or hamstring length in
///   swing on one side).
/// - `gait_cue_shorter_stride` (shorter stride, higher cadence; Heiderscheit
///   et al. 2011, Med Sci Sports Exerc 43:296–302): overstriding.
/// - `warm_up_load`: every trial with a hamstring or quadriceps finding.
/// - `see_physician`: any marked finding.
pub fn recommend(findings: &[Finding]) -> Vec<Recommendation> {
    let pick = |codes: &[&str], marked_only: bool| -> (Vec<&'static str>, Vec<Side>) {
        let mut why = Vec::new();
        let mut sides = Vec::new();
        for f in findings {
            let hit = if marked_only { f.severity == Severity::Marked } else { codes.contains(&f.code) };
            if hit && f.severity > Severity::None {
                if !why.contains(&f.code) {
                    why.push(f.code);
                }
                if let Some(s) = f.side
                    && !sides.contains(&s)
                {
                    sides.push(s);
                }
            }
        }
        sides.sort();
        (why, sides)
    };
    let strength = ["hq_dyn_conventional_low", "hq_functional_low", "hq_emg_asymmetry"];
    let stretch = ["hamstring_stretch_asymmetry", "terminal_swing_knee_extension"];
    let mut out = Vec::new();
    let mut add = |code: &'static str, (why, sides): (Vec<&'static str>, Vec<Side>)| {
        if !why.is_empty() {
            out.push(Recommendation { code, why, sides });
        }
    };
    // Hamstring LSI findings count as strength findings; quadriceps LSI only for warm-up/load.
    let ham_lsi: Vec<&Finding> =
        findings.iter().filter(|f| f.code == "lsi_low" && f.muscle == Some("hamstrings")).collect();
    let (mut why, mut sides) = pick(&strength, false);
    if let Some(f) = ham_lsi.first() {
        why.push(f.code);
        if let Some(s) = f.side
            && !sides.contains(&s)
        {
            sides.push(s);
            sides.sort();
        }
    }
    add("nordic_curl", (why, sides));
    add("hamstring_stretch_standing", pick(&stretch, false));
    add("hamstring_stretch_towel", pick(&stretch, false));
    add("foam_rolling", pick(&stretch, false));
    add("gait_cue_shorter_stride", pick(&["overstriding"], false));
    let all: Vec<&str> = findings.iter().map(|f| f.code).collect();
    add("warm_up_load", pick(&all, false));
    add("see_physician", pick(&[], true));
    out
}
