//! Foot-strike pattern per step: the foot-strike angle and its class, and the
//! strike index from the centre of pressure where a plate saw the contact.
//!
//! - **Foot-strike angle**: the angle of the heel→forefoot marker line above
//!   the horizontal at initial contact, minus the same angle in the static
//!   (standing) trial; positive = toes up (rearfoot), negative = forefoot
//!   (Altman & Davis 2012, Gait Posture 35:298-300; sign as in Forrester &
//!   Townend 2015). Without a static trial the reference is the foot's
//!   median angle over the middle third of its stances (foot flat), with a
//!   note.
//! - **Class** (Altman & Davis 2012): rearfoot > 8.0 deg, midfoot -1.6 to
//!   8.0 deg, forefoot < -1.6 deg. These are the thresholds quoted from the
//!   paper's abstract by secondary sources (and used by the simulator); the
//!   paper's full text was not available to check them here.
//! - **Strike index** (Cavanagh & Lafortune 1980, J Biomech 13:397-406): the
//!   COP at contact as % of foot length from the heel; 0-33.3 % rearfoot,
//!   33.3-66.7 % midfoot, above forefoot. Foot length here is the heel to
//!   forefoot-marker distance (static trial, else mid-stance) lengthened by
//!   [`FOREFOOT_TO_FOOT_LENGTH`] since the forefoot marker sits on the
//!   metatarsal heads, not at the toe tip. The COP is taken once the plate
//!   carries [`crate::events::force::COP_LOAD_SHARE`] of the contact's peak
//!   (earlier it is plate noise), with the foot where it is at that instant;
//!   the heel end of the footprint is the point under the heel marker in the
//!   standing foot, carried through the foot's pitch at that instant.

use crate::clean::presets::{Landmark, LandmarkKind as K};
use crate::events::kinematic::{Kinematics, SIDES};
use crate::events::{EventKind, GaitEvents};
use crate::model::Side;
use crate::trial::Trial;

/// Heel-to-metatarsal-head distance as a share of foot length (the MT heads
/// lie at about 73 % of foot length from the heel; toe-tip markers give 1).
pub const FOREFOOT_TO_FOOT_LENGTH: f64 = 0.73;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StrikeClass {
    Rearfoot,
    Midfoot,
    Forefoot,
}

impl StrikeClass {
    pub fn name(self) -> &'static str {
        match self {
            StrikeClass::Rearfoot => "rearfoot",
            StrikeClass::Midfoot => "midfoot",
            StrikeClass::Forefoot => "forefoot",
        }
    }
    /// Altman & Davis 2012 class of a foot-strike angle (degrees).
    pub fn from_angle(deg: f64) -> StrikeClass {
        if deg > 8.0 {
            StrikeClass::Rearfoot
        } else if deg >= -1.6 {
            StrikeClass::Midfoot
        } else {
            StrikeClass::Forefoot
        }
    }
    /// Cavanagh & Lafortune 1980 class of a strike index (% foot length).
    pub fn from_strike_index(pct: f64) -> StrikeClass {
        if pct < 100.0 / 3.0 {
            StrikeClass::Rearfoot
        } else if pct < 200.0 / 3.0 {
            StrikeClass::Midfoot
        } else {
            StrikeClass::Forefoot
        }
    }
}

/// One foot strike.
#[derive(Debug, Clone, PartialEq)]
pub struct Strike {
    pub side: Side,
    pub index: usize,
    pub angle_deg: f64,
    pub class: StrikeClass,
    pub strike_index_pct: Option<f64>,
}

/// Per-trial foot-strike results.
#[derive(Debug, Clone, Default)]
pub struct FootStrikes {
    pub strikes: Vec<Strike>,
    /// Whether the angles are relative to a static trial.
    pub static_reference: bool,
    pub notes: Vec<String>,
}

fn foot_angle(heel: [f64; 3], toe: [f64; 3]) -> f64 {
    let dx = ((toe[0] - heel[0]).powi(2) + (toe[1] - heel[1]).powi(2)).sqrt();
    (toe[2] - heel[2]).atan2(dx).to_degrees()
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// Static foot angle and heel-forefoot length of one side, from the static trial.
fn static_foot(st: &Trial, s: Side) -> Option<(f64, f64)> {
    let heel = st.landmark(Landmark::new(s, K::Heel))?;
    let toe = [K::Toe, K::ToeTip, K::Mt2]
        .iter()
        .find_map(|&k| st.landmark(Landmark::new(s, k)))
        .map(|m| m.xyz.clone())
        .or_else(|| {
            let a = st.landmark(Landmark::new(s, K::Mt1))?;
            let b = st.landmark(Landmark::new(s, K::Mt5))?;
            Some(a.xyz.iter().zip(&b.xyz).map(|(p, q)| [0, 1, 2].map(|i| 0.5 * (p[i] + q[i]))).collect())
        })?;
    let ang = median(heel.xyz.iter().zip(&toe).map(|(h, t)| foot_angle(*h, *t)).collect())?;
    let len = median(
        heel.xyz.iter().zip(&toe).map(|(h, t)| ((t[0] - h[0]).powi(2) + (t[1] - h[1]).powi(2)).sqrt()).collect(),
    )?;
    Some((ang, len))
}

/// Foot strikes of a trial from its events.
pub fn analyze(t: &Trial, ge: &GaitEvents) -> FootStrikes {
    let mut out = FootStrikes::default();
    let Some(k) = &ge.kinematics else { return out };
    let uses_toe_tip =
        |s: Side| t.landmark(Landmark::new(s, K::Toe)).is_none() && t.landmark(Landmark::new(s, K::ToeTip)).is_some();
    let mut used_static = [false; 2];
    for (si, s) in SIDES.iter().copied().enumerate() {
        let Some(f) = k.foot(s) else { continue };
        let stat = t.static_trial.as_deref().and_then(|st| static_foot(st, s));
        let (ref_angle, len) = match stat {
            Some((a, l)) => {
                used_static[si] = true;
                (a, l)
            }
            None => {
                let (a, l) = stance_reference(k, ge, s);
                let (Some(a), Some(l)) = (a, l) else { continue };
                (a, l)
            }
        };
        let foot_len = if uses_toe_tip(s) { len } else { len / FOREFOOT_TO_FOOT_LENGTH };
        let heel_h = heel_height(k, ge, s);
        for e in ge.events.iter().filter(|e| e.side == s && e.kind == EventKind::FootStrike) {
            let (h, to) = (f.heel[e.index], f.toe[e.index]);
            let a = foot_angle(h, to) - ref_angle;
            if !a.is_finite() {
                continue;
            }
            // Strike index where a plate saw this strike.
            let si_pct = ge
                .contacts
                .iter()
                .find(|c| c.side == s && c.strike.abs_diff(e.index) <= 1)
                .and_then(|c| Some((c.cop_at_strike?, c.cop_frame)))
                .and_then(|(cop, k)| {
                    // The foot where it was when the COP was taken.
                    let (h, to) = (f.heel[k], f.toe[k]);
                    let u = [to[0] - h[0], to[1] - h[1]];
                    let n = (u[0] * u[0] + u[1] * u[1]).sqrt();
                    if n.is_nan() || n <= 0.0 {
                        return None;
                    }
                    // The heel marker sits on the back of the heel, `heel_h`
                    // above the sole: the footprint's heel end is the point
                    // below it in the standing foot, carried by the foot's
                    // pitch (toe up moves it forward by heel_h·sin(pitch)).
                    let pitch = (foot_angle(h, to) - ref_angle).to_radians();
                    let back = heel_h.map_or(0.0, |hh| hh * pitch.sin());
                    let d = ((cop[0] - h[0]) * u[0] + (cop[1] - h[1]) * u[1]) / n - back;
                    Some(100.0 * d / foot_len)
                });
            out.strikes.push(Strike {
                side: s,
                index: e.index,
                angle_deg: a,
                class: StrikeClass::from_angle(a),
                // A COP off the footprint is not a strike index (a plate
                // whose COP is not in the markers' frame, or a noisy onset).
                strike_index_pct: si_pct.filter(|v| v.is_finite() && (-10.0..=110.0).contains(v)),
            });
        }
    }
    let off_foot = ge.contacts.iter().filter(|c| c.cop_at_strike.is_some()).count() > 0
        && out.strikes.iter().all(|x| x.strike_index_pct.is_none());
    if off_foot {
        out.notes.push(
            "strike index not given: the plate's centre of pressure at initial loading lies off the footprint (is the COP in the markers' frame?)".into(),
        );
    }
    out.static_reference = used_static.iter().all(|&u| u) || (used_static.iter().any(|&u| u));
    if !out.strikes.is_empty() && !used_static.iter().any(|&u| u) {
        out.notes.push(
            "foot-strike angles are relative to the foot's mid-stance (foot-flat) angle: no static trial given".into(),
        );
    }
    out
}

/// Median foot angle and heel-forefoot length over the middle third of each stance.
/// Height of the heel marker above the floor (z = 0) with the foot flat:
/// its median over the middle thirds of the stances; `None` when that is
/// not a plausible marker height (0-12 cm), e.g. a lab whose floor is not at
/// z = 0.
fn heel_height(k: &Kinematics, ge: &GaitEvents, s: Side) -> Option<f64> {
    let f = k.foot(s)?;
    let mine: Vec<_> = ge.events.iter().filter(|e| e.side == s).collect();
    let mut z = Vec::new();
    for w in mine.windows(2) {
        if w[0].kind == EventKind::FootStrike && w[1].kind == EventKind::FootOff {
            let (a, b) = (w[0].index, w[1].index);
            z.extend((a + (b - a) / 3..=a + 2 * (b - a) / 3).map(|i| f.heel[i][2]));
        }
    }
    median(z).filter(|h| (0.0..=0.12).contains(h))
}

fn stance_reference(k: &Kinematics, ge: &GaitEvents, s: Side) -> (Option<f64>, Option<f64>) {
    let Some(f) = k.foot(s) else { return (None, None) };
    let mine: Vec<_> = ge.events.iter().filter(|e| e.side == s).collect();
    let (mut ang, mut len) = (Vec::new(), Vec::new());
    for w in mine.windows(2) {
        if w[0].kind == EventKind::FootStrike && w[1].kind == EventKind::FootOff {
            let (a, b) = (w[0].index, w[1].index);
            for i in a + (b - a) / 3..=a + 2 * (b - a) / 3 {
                ang.push(foot_angle(f.heel[i], f.toe[i]));
                len.push(((f.toe[i][0] - f.heel[i][0]).powi(2) + (f.toe[i][1] - f.heel[i][1]).powi(2)).sqrt());
            }
        }
    }
    (median(ang), median(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn altman_davis_and_cavanagh_lafortune_classes() {
        assert_eq!(StrikeClass::from_angle(8.1), StrikeClass::Rearfoot);
        assert_eq!(StrikeClass::from_angle(8.0), StrikeClass::Midfoot);
        assert_eq!(StrikeClass::from_angle(-1.6), StrikeClass::Midfoot);
        assert_eq!(StrikeClass::from_angle(-1.7), StrikeClass::Forefoot);
        assert_eq!(StrikeClass::from_strike_index(20.0), StrikeClass::Rearfoot);
        assert_eq!(StrikeClass::from_strike_index(50.0), StrikeClass::Midfoot);
        assert_eq!(StrikeClass::from_strike_index(80.0), StrikeClass::Forefoot);
    }
}
