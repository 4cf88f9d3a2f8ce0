//! Evidence 3 of the hamstring/quadriceps imbalance: kinematics (every trial
//! with strides; joint angles where the trial has the Plug-in Gait markers).
//!
//! Markers do not measure muscle force; they show what loads the hamstrings
//! and the quadriceps (domain reference §3.8: H:Q itself needs torques).
//! Per side, averaged over the side's strides (cycles from
//! [`crate::angles::cycles`], stance share from each stride's foot off):
//!
//! - **Terminal swing** (from 27/40 of the swing on, Perry & Burnfield 2010's
//!   87–100 % of a 60 %-stance cycle, fitted to the stride's own stance share
//!   as [`super::emg::phase_windows`] does): the least knee flexion (how far
//!   the knee extends, stretching the hamstrings over the knee) and the
//!   largest hip flexion of the second half of swing (stretch over the hip).
//! - **Hamstring musculotendon length estimate**: the change from upright
//!   standing (hip and knee at 0 deg), linear in the joint angles as in the
//!   regression form of Hawkins & Hull (1990, J Biomech 23:487–494):
//!   ΔL = r_hip · hip flexion − r_knee · knee flexion (radians), with constant
//!   moment arms [`R_HIP_M`] and [`R_KNEE_M`] scaled by leg length / 0.9 m.
//!   The moment arms are generic adult values (hip about twice the knee's, as
//!   Visser et al. 1990, Eur J Appl Physiol 61:453–460, found the hip angle to
//!   change biceps femoris length much more than the knee angle), **not** the
//!   published coefficients: the absolute value is an estimate, the left/right
//!   difference (same model on both sides) is the statement.
//! - **Overstriding**: the heel's distance ahead of the pelvis centre (mean of
//!   the ASIS and PSIS/sacrum markers) along the progression axis at each foot
//!   strike, divided by leg length (subject leg length, else the longest
//!   ASIS–lateral-ankle distance of the trial).
//! - **Quadriceps demand**: the knee flexion excursion of loading response
//!   (from the strike to the stance peak in the first half of stance): the
//!   quadriceps control this flexion eccentrically (Perry & Burnfield 2010);
//!   less excursion on one side suggests that side avoids quadriceps load.
//! - **Left/right**: Robinson's symmetry index and absolute differences.
//!
//! Thresholds used by the findings are in [`super::findings`]; where no
//! published cut-off exists they are labelled as our choice there.

use crate::angles::cycles::AngleCycles;
use crate::clean::presets::{Landmark, LandmarkKind};
use crate::model::Side;
use crate::spatiotemporal::Stride;
use crate::trial::Trial;
use serde::Serialize;

/// Hamstring hip-extension moment arm of the estimate, m (generic adult).
pub const R_HIP_M: f64 = 0.06;
/// Hamstring knee-flexion moment arm of the estimate, m (generic adult).
pub const R_KNEE_M: f64 = 0.03;
/// Leg length the moment arms are given for, m.
pub const REF_LEG_M: f64 = 0.9;

const HIP: usize = 3;
const KNEE: usize = 6;

/// The kinematic evidence of one side (means over its strides).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct KinematicSide {
    /// Strides with angle curves used for the angle values.
    pub cycles: usize,
    /// Strides with a heel-ahead value.
    pub strikes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee_flexion_terminal_swing_min_deg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee_flexion_at_strike_deg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hip_flexion_late_swing_max_deg: Option<f64>,
    /// Peak hamstring length change from standing over the swing, mm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamstring_length_peak_mm: Option<f64>,
    /// Cycle % of that peak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamstring_length_peak_pct: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee_flexion_loading_peak_deg: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub knee_flexion_loading_excursion_deg: Option<f64>,
    /// Heel ahead of the pelvis centre at the strike, m.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heel_ahead_of_pelvis_m: Option<f64>,
    /// The same, in leg lengths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heel_ahead_of_pelvis_leg_lengths: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leg_length_m: Option<f64>,
    /// `subject` or `markers` (longest ASIS–ankle distance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leg_length_source: Option<&'static str>,
}

/// The kinematic evidence of a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct KinematicEvidence {
    pub left: KinematicSide,
    pub right: KinematicSide,
    /// Method notes (moment arms, normalisation).
    pub method: &'static str,
}

pub const METHOD: &str = "Terminal swing from 27/40 of swing (Perry & Burnfield 2010, fitted to each stride's stance \
     share); hamstring length change = r_hip*hip flexion - r_knee*knee flexion (linear form of Hawkins & Hull 1990), \
     generic moment arms 0.06 m (hip) and 0.03 m (knee) scaled by leg length / 0.9 m: an estimate for left/right \
     comparison, not the subject's anatomy; heel ahead of the pelvis centre (ASIS and PSIS/sacrum markers) along the \
     progression axis at foot strike, per leg length; loading-response knee flexion excursion = stance peak in the \
     first half of stance minus the value at the strike.";

impl KinematicEvidence {
    pub fn side(&self, s: Side) -> &KinematicSide {
        match s {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }
}

fn mean(v: &[f64]) -> Option<f64> {
    let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn marker_at(t: &Trial, l: Landmark, i: usize) -> Option<[f64; 3]> {
    t.landmark(l).and_then(|m| m.xyz.get(i).copied()).filter(|p| p.iter().all(|v| v.is_finite()))
}

/// Pelvis centre at frame `i`: mean of the ASIS pair and of the PSIS pair (or
/// the sacrum), each half-weighted.
fn pelvis_centre(t: &Trial, i: usize) -> Option<[f64; 3]> {
    let asis = [Side::Left, Side::Right].map(|s| marker_at(t, Landmark::new(s, LandmarkKind::Asis), i));
    let front = match asis {
        [Some(a), Some(b)] => [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), 0.5 * (a[2] + b[2])],
        _ => return None,
    };
    let psis = [Side::Left, Side::Right].map(|s| marker_at(t, Landmark::new(s, LandmarkKind::Psis), i));
    let back = match psis {
        [Some(a), Some(b)] => [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1]), 0.5 * (a[2] + b[2])],
        _ => marker_at(t, Landmark::mid(LandmarkKind::Sacrum), i)?,
    };
    Some([0.5 * (front[0] + back[0]), 0.5 * (front[1] + back[1]), 0.5 * (front[2] + back[2])])
}

/// Leg length of a side, m: the subject's, else the longest ASIS–lateral
/// ankle distance over the trial (the leg at its straightest).
fn leg_length(t: &Trial, s: Side) -> Option<(f64, &'static str)> {
    let given = match s {
        Side::Left => t.subject.leg_length_mm.left,
        Side::Right => t.subject.leg_length_mm.right,
    };
    if let Some(mm) = given.filter(|v| *v > 100.0) {
        return Some((mm / 1000.0, "subject"));
    }
    let a = t.landmark(Landmark::new(s, LandmarkKind::Asis))?;
    let k = t.landmark(Landmark::new(s, LandmarkKind::AnkleLateral))?;
    let d = a
        .xyz
        .iter()
        .zip(&k.xyz)
        .map(|(p, q)| ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt())
        .filter(|d| d.is_finite())
        .fold(f64::NAN, f64::max);
    (d.is_finite() && d > 0.3).then_some((d, "markers"))
}

/// Terminal swing start, % of the cycle, for a stance share in %.
pub fn terminal_swing_start(stance_pct: f64) -> f64 {
    stance_pct + 27.0 / 40.0 * (100.0 - stance_pct)
}

/// Hamstring length change from standing, mm, for hip and knee flexion in
/// degrees and a leg length in m.
pub fn hamstring_length_change_mm(hip_deg: f64, knee_deg: f64, leg_m: f64) -> f64 {
    let k = leg_m / REF_LEG_M;
    1000.0 * k * (R_HIP_M * hip_deg.to_radians() - R_KNEE_M * knee_deg.to_radians())
}

/// The kinematic evidence of a trial (pure).
pub fn analyze(t: &Trial, strides: &[Stride], cycles: Option<&AngleCycles>) -> KinematicEvidence {
    let mut out = KinematicEvidence { method: METHOD, ..Default::default() };
    for (si, side) in [Side::Left, Side::Right].into_iter().enumerate() {
        let mine: Vec<&Stride> = strides.iter().filter(|s| s.side == Some(side) && s.end > s.start).collect();
        let stance_of = |s: &Stride| {
            s.foot_off
                .filter(|&f| f > s.start && f < s.end)
                .map(|f| (f - s.start) as f64 / (s.end - s.start) as f64 * 100.0)
        };
        let mean_stance = mean(&mine.iter().filter_map(|s| stance_of(s)).collect::<Vec<_>>()).unwrap_or(60.0);
        let leg = leg_length(t, side);
        let ks = if si == 0 { &mut out.left } else { &mut out.right };
        if let Some((l, src)) = leg {
            ks.leg_length_m = Some((l * 1e4).round() / 1e4);
            ks.leg_length_source = Some(src);
        }
        // Angles.
        let (mut ts, mut ic, mut hip, mut ham, mut ham_pct, mut lr, mut lre) =
            (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
        if let Some(c) = cycles {
            for sc in &c.strides[si] {
                let (Some(Some(k)), Some(Some(h))) = (sc.curves.get(KNEE), sc.curves.get(HIP)) else { continue };
                let st = mine.iter().find(|s| s.start == sc.start).and_then(|s| stance_of(s)).unwrap_or(mean_stance);
                let tsa = terminal_swing_start(st).round() as usize;
                ts.push(k[tsa.min(100)..=100].iter().copied().fold(f64::INFINITY, f64::min));
                ic.push(k[0]);
                let late = (st + 0.5 * (100.0 - st)).round() as usize;
                hip.push(h[late.min(100)..=100].iter().copied().fold(f64::NEG_INFINITY, f64::max));
                let lm = leg.map_or(REF_LEG_M, |l| l.0);
                let sw = (st.round() as usize).min(100);
                let (pk, at) = (sw..=100)
                    .map(|p| (hamstring_length_change_mm(h[p], k[p], lm), p))
                    .fold((f64::NEG_INFINITY, 0), |a, b| if b.0 > a.0 { b } else { a });
                ham.push(pk);
                ham_pct.push(at as f64);
                let half = ((0.5 * st).round() as usize).clamp(1, 100);
                let peak = k[..=half].iter().copied().fold(f64::NEG_INFINITY, f64::max);
                lr.push(peak);
                lre.push(peak - k[0]);
            }
        }
        ks.cycles = ts.len();
        let r = |v: Option<f64>, d: i32| v.map(|x| (x * 10f64.powi(d)).round() / 10f64.powi(d));
        ks.knee_flexion_terminal_swing_min_deg = r(mean(&ts), 2);
        ks.knee_flexion_at_strike_deg = r(mean(&ic), 2);
        ks.hip_flexion_late_swing_max_deg = r(mean(&hip), 2);
        ks.hamstring_length_peak_mm = r(mean(&ham), 1);
        ks.hamstring_length_peak_pct = r(mean(&ham_pct), 1);
        ks.knee_flexion_loading_peak_deg = r(mean(&lr), 2);
        ks.knee_flexion_loading_excursion_deg = r(mean(&lre), 2);
        // Heel ahead of the pelvis at the strikes.
        let heel = Landmark::new(side, LandmarkKind::Heel);
        let ahead: Vec<f64> =
            mine.iter().filter_map(|s| Some(marker_at(t, heel, s.start)?[0] - pelvis_centre(t, s.start)?[0])).collect();
        ks.strikes = ahead.len();
        ks.heel_ahead_of_pelvis_m = r(mean(&ahead), 4);
        if let (Some(a), Some((l, _))) = (mean(&ahead), leg) {
            ks.heel_ahead_of_pelvis_leg_lengths = r(Some(a / l), 4);
        }
    }
    out
}
