//! Kinematic events calibrated on the trial's own force-plate contacts.
//!
//! Where a plate saw a foot's strike, the foot markers' pattern
//! around that instant is a template of what this subject's contact looks
//! like in this trial. Every kinematic event of the same kind elsewhere in
//! the trial is moved to where the same pattern fits best, within
//! [`SEARCH_S`] of the uncalibrated event. This is the idea of Vicon Nexus'
//! "autocorrelate events" (events from force plates carried to the other
//! cycles by the correlation of marker trajectories) and of gaitutils'
//! thresholds "learnt from force-plate contacts"; it removes a subject's
//! bias of a fixed-threshold kinematic method (on `PiG_Motion-FlatFoot-Full`
//! the foot-speed strike comes 2-5 frames before the plates' onsets, the
//! calibrated one within one frame of Vicon's events).
//!
//! Foot offs are left as detected: calibrated the same way they moved away
//! from Vicon's events on PiG_Motion (3 frames) and sample09, while Zeni's
//! toe minimum already lands within 1-2 frames of the plates.
//!
//! Pattern: heel and forefoot heights above their ground levels and their
//! forward displacements per frame relative to the ground under the stance
//! foot (the belt on a treadmill), over ± [`WINDOW_S`]; cost = mean squared
//! difference summed over the templates; the best shift is refined to a
//! fraction of a frame with a parabola through the three lowest costs and
//! then rounded. Templates of the same foot are used; a foot that no plate
//! saw uses the other foot's. Calibrated events keep `source: kinematic`; a
//! note says how many plate contacts calibrated them.

use super::force::Contact;
use super::kinematic::{Kinematics, SIDES};
use super::{Event, EventKind, Source};
use crate::filter;
use crate::model::Side;

/// Half width of the matched pattern, s.
pub const WINDOW_S: f64 = 0.1;
/// How far a calibrated event may move from the uncalibrated one, s.
pub const SEARCH_S: f64 = 0.1;

/// Per-frame pattern signals of one foot: heel z, toe z (above ground),
/// heel and toe forward displacement per frame relative to the stance ground.
fn signals(k: &Kinematics, s: Side) -> Option<[Vec<f64>; 4]> {
    let f = k.foot(s)?;
    let vg = k.stance_velocity(s).unwrap_or(0.0);
    let dx = |tr: &Vec<[f64; 3]>| -> Vec<f64> {
        let x: Vec<f64> = tr.iter().map(|p| p[0]).collect();
        filter::derivative(&x, k.rate_hz).into_iter().map(|v| (v - vg) / k.rate_hz).collect()
    };
    Some([
        f.heel.iter().map(|p| p[2] - f.ground[0]).collect(),
        f.toe.iter().map(|p| p[2] - f.ground[1]).collect(),
        dx(&f.heel),
        dx(&f.toe),
    ])
}

/// Mean squared difference of the pattern at `a` (template) and `b`.
fn cost(sig: &[Vec<f64>; 4], tsig: &[Vec<f64>; 4], a: i64, b: i64, w: i64) -> Option<f64> {
    let n = sig[0].len() as i64;
    let (mut sum, mut count) = (0.0, 0usize);
    for j in -w..=w {
        let (p, q) = (a + j, b + j);
        if p < 0 || q < 0 || p >= n || q >= n {
            continue;
        }
        let mut d = 0.0;
        for ch in 0..4 {
            d += (tsig[ch][p as usize] - sig[ch][q as usize]).powi(2);
        }
        if d.is_finite() {
            sum += d;
            count += 1;
        }
    }
    // At least the half window on one side of the event must be seen.
    (count as i64 > w).then(|| sum / count as f64)
}

/// Move the kinematic foot strikes of `events` to the pattern of the plate
/// contacts' strikes. Returns the number of contacts used.
pub fn calibrate(k: &Kinematics, time0_s: f64, events: &mut [Event], contacts: &[Contact]) -> usize {
    let rate = k.rate_hz;
    let w = (WINDOW_S * rate).round().max(2.0) as i64;
    let r = (SEARCH_S * rate).round().max(2.0) as i64;
    let sigs = SIDES.map(|s| signals(k, s));
    let usable: Vec<&Contact> = contacts.iter().filter(|c| c.complete).collect();
    if usable.is_empty() {
        return 0;
    }
    let templates = |s: Side, kind: EventKind| -> Vec<(Side, f64)> {
        let of = |side: Side| -> Vec<(Side, f64)> {
            usable
                .iter()
                .filter(|c| c.side == side)
                .map(|c| {
                    let t = if kind == EventKind::FootStrike { c.on_s } else { c.off_s };
                    (side, (t - time0_s) * rate)
                })
                .collect()
        };
        let own = of(s);
        if own.is_empty() { of(if s == Side::Left { Side::Right } else { Side::Left }) } else { own }
    };
    for e in events.iter_mut().filter(|e| e.source == Source::Kinematic && e.kind == EventKind::FootStrike) {
        let si = super::kinematic::side_index(e.side);
        let Some(sig) = &sigs[si] else { continue };
        let tps = templates(e.side, e.kind);
        if tps.is_empty() {
            continue;
        }
        let total = |b: i64| -> Option<f64> {
            let mut sum = 0.0;
            for (ts, c0) in &tps {
                let tsig = sigs[super::kinematic::side_index(*ts)].as_ref()?;
                sum += cost(sig, tsig, c0.round() as i64, b, w)?;
            }
            Some(sum)
        };
        let centre = e.index as i64;
        let costs: Vec<(i64, f64)> = (centre - r..=centre + r).filter_map(|b| total(b).map(|c| (b, c))).collect();
        let Some(&(best, cbest)) = costs.iter().min_by(|a, b| a.1.total_cmp(&b.1)) else { continue };
        // A minimum on the edge of the search is no match.
        if best == centre - r || best == centre + r {
            continue;
        }
        let at = |b: i64| costs.iter().find(|x| x.0 == b).map(|x| x.1);
        let frac = match (at(best - 1), at(best + 1)) {
            (Some(l), Some(h)) if l + h - 2.0 * cbest > 0.0 => 0.5 * (l - h) / (l + h - 2.0 * cbest),
            _ => 0.0,
        };
        // The templates' sub-frame offset of the plate instant from their frame.
        let off = tps.iter().map(|(_, c0)| c0 - c0.round()).sum::<f64>() / tps.len() as f64;
        let t = (best as f64 + frac + off).round();
        if t >= 0.0 && (t as usize) < k.frames() {
            e.index = t as usize;
            e.time_s = time0_s + e.index as f64 / rate;
        }
    }
    usable.len()
}
