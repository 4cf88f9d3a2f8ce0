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
//! difference to the templates' mean pattern (the same minimum as summing
//! over the templates, see `mean_template`); the best shift is refined to a
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

/// The mean pattern of the templates (`(side, frame)` of each plate
/// instant) over ± `w` frames: per channel, the mean of the templates' finite
/// samples at each offset (NaN where none is finite).
///
/// Matching against the mean template finds the same best shift as summing
/// the squared differences to every template, since
/// Σ_t (T_t − S)² = n (M − S)² + Σ_t (T_t − M)², whose last term does not
/// depend on the shift (exactly so where every template sample is finite),
/// at 1/n of the cost: RBDS0041's 75 plate contacts made the sum 16 ms of
/// a 25-ms analysis.
fn mean_template(sigs: &[Option<[Vec<f64>; 4]>; 2], tps: &[(Side, f64)], w: i64) -> [Vec<f64>; 4] {
    std::array::from_fn(|ch| {
        (-w..=w)
            .map(|j| {
                let (mut sum, mut n) = (0.0, 0usize);
                for (ts, c0) in tps {
                    let Some(tsig) = &sigs[super::kinematic::side_index(*ts)] else { continue };
                    let p = c0.round() as i64 + j;
                    if let Some(v) = usize::try_from(p).ok().and_then(|p| tsig[ch].get(p)).filter(|v| v.is_finite()) {
                        sum += v;
                        n += 1;
                    }
                }
                if n == 0 { f64::NAN } else { sum / n as f64 }
            })
            .collect()
    })
}

/// Mean squared difference of the template `m` (offsets −w..=w) and the
/// pattern around frame `b`.
fn cost(sig: &[Vec<f64>; 4], m: &[Vec<f64>; 4], b: i64, w: i64) -> Option<f64> {
    let n = sig[0].len() as i64;
    let (mut sum, mut count) = (0.0, 0usize);
    for j in -w..=w {
        let q = b + j;
        if q < 0 || q >= n {
            continue;
        }
        let mut d = 0.0;
        for ch in 0..4 {
            d += (m[ch][(j + w) as usize] - sig[ch][q as usize]).powi(2);
        }
        if d.is_finite() {
            sum += d;
            count += 1;
        }
    }
    // At least the half window on one side of the event must be seen.
    (count as i64 > w).then(|| sum / count as f64)
}

/// [`cost`] at the `L` shifts `b0..b0 + L` at once, when every lane's window
/// lies inside the signal (`None` otherwise: then [`cost`] per shift). Each
/// lane does the arithmetic of `cost` in its order, so the costs are the same
/// bits; the lanes are independent, which the compiler vectorises (the
/// search is most of the calibration: ± 0.1 s of shifts × ± 0.1 s of window
/// × 4 signals per strike).
fn costs_lanes<const L: usize>(
    sig: &[Vec<f64>; 4],
    m: &[Vec<f64>; 4],
    clean: bool,
    bad: &[u32],
    b0: i64,
    w: i64,
) -> Option<[Option<f64>; L]> {
    let n = sig[0].len() as i64;
    if b0 - w < 0 || b0 + L as i64 - 1 + w >= n {
        return None;
    }
    let (mut sum, mut count) = ([0.0; L], [0usize; L]);
    let (lo, hi) = ((b0 - w) as usize, (b0 + L as i64 + w) as usize);
    if clean && bad[hi] == bad[lo] {
        // Template and signals finite over all windows (the usual case): no
        // test per term; if the sums are finite, so was every term (they are
        // ≥ 0), and every lane counted all 2w + 1 offsets.
        for j in -w..=w {
            let q0 = (b0 + j) as usize;
            let mut d = [0.0; L];
            for ch in 0..4 {
                let mv = m[ch][(j + w) as usize];
                let s: &[f64; L] = sig[ch][q0..q0 + L].try_into().expect("L samples");
                for l in 0..L {
                    // `x * x` is `powi(2)`: one correctly rounded product.
                    let e = mv - s[l];
                    d[l] += e * e;
                }
            }
            for l in 0..L {
                sum[l] += d[l];
            }
        }
        if sum.iter().all(|v| v.is_finite()) {
            let count = (2 * w + 1) as usize;
            return Some(std::array::from_fn(|l| (count as i64 > w).then(|| sum[l] / count as f64)));
        }
        return None;
    }
    for j in -w..=w {
        let q0 = (b0 + j) as usize;
        let mut d = [0.0; L];
        for ch in 0..4 {
            let mv = m[ch][(j + w) as usize];
            let s = &sig[ch][q0..q0 + L];
            for l in 0..L {
                d[l] += (mv - s[l]).powi(2);
            }
        }
        for l in 0..L {
            // `sum` stays ≥ +0, so adding +0 for a non-finite `d` leaves it as it is.
            let ok = d[l].is_finite();
            sum[l] += if ok { d[l] } else { 0.0 };
            count[l] += ok as usize;
        }
    }
    Some(std::array::from_fn(|l| (count[l] as i64 > w).then(|| sum[l] / count[l] as f64)))
}

/// The calibrated frame of a strike at frame `centre`: the best fit of the
/// mean template `m` within ± `r` frames, refined by a parabola, plus the
/// templates' mean sub-frame offset, rounded; `None` when no shift fits (or
/// the best is on the edge of the search, or before frame 0).
#[allow(clippy::too_many_arguments)]
fn shift(
    sig: &[Vec<f64>; 4],
    bad: &[u32],
    m: &[Vec<f64>; 4],
    clean: bool,
    tps: &[(Side, f64)],
    centre: usize,
    w: i64,
    r: i64,
) -> Option<usize> {
    const L: i64 = 8;
    let centre = centre as i64;
    let mut costs: Vec<(i64, f64)> = Vec::with_capacity(2 * r as usize + 1);
    let mut b0 = centre - r;
    while b0 <= centre + r {
        let lanes = costs_lanes::<{ L as usize }>(sig, m, clean, bad, b0, w);
        for (l, b) in (b0..(b0 + L).min(centre + r + 1)).enumerate() {
            let c = match &lanes {
                Some(v) => v[l],
                None => cost(sig, m, b, w),
            };
            costs.extend(c.map(|c| (b, c)));
        }
        b0 += L;
    }
    let &(best, cbest) = costs.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    // A minimum on the edge of the search is no match.
    if best == centre - r || best == centre + r {
        return None;
    }
    let at = |b: i64| costs.iter().find(|x| x.0 == b).map(|x| x.1);
    let frac = match (at(best - 1), at(best + 1)) {
        (Some(l), Some(h)) if l + h - 2.0 * cbest > 0.0 => 0.5 * (l - h) / (l + h - 2.0 * cbest),
        _ => 0.0,
    };
    // The templates' sub-frame offset of the plate instant from their frame.
    let off = tps.iter().map(|(_, c0)| c0 - c0.round()).sum::<f64>() / tps.len() as f64;
    let t = (best as f64 + frac + off).round();
    (t >= 0.0).then_some(t as usize)
}

/// Move the kinematic foot strikes of `events` to the pattern of the plate
/// contacts' strikes. Returns the number of contacts used.
pub fn calibrate(k: &Kinematics, time0_s: f64, events: &mut [Event], contacts: &[Contact]) -> usize {
    let rate = k.rate_hz;
    let w = (WINDOW_S * rate).round().max(2.0) as i64;
    let r = (SEARCH_S * rate).round().max(2.0) as i64;
    let usable: Vec<&Contact> = contacts.iter().filter(|c| c.complete).collect();
    if usable.is_empty() {
        return 0;
    }
    let (left, right) = rayon::join(|| signals(k, Side::Left), || signals(k, Side::Right));
    let sigs = [left, right];
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
    // One mean template per side (the templates depend only on the side).
    let per_side = SIDES.map(|s| {
        let tps = templates(s, EventKind::FootStrike);
        let m = (!tps.is_empty()).then(|| mean_template(&sigs, &tps, w));
        (tps, m)
    });
    // Each strike moves on its own side's signals and template: one rayon
    // task per side, the new frames applied afterwards (the same whatever
    // the thread).
    let moved = |si: usize| -> Vec<(usize, usize)> {
        let Some(sig) = &sigs[si] else { return Vec::new() };
        let (tps, Some(m)) = &per_side[si] else { return Vec::new() };
        // Frames before each frame with a non-finite signal sample, and
        // whether the template is finite: the costs' fast path.
        let mut bad = Vec::with_capacity(sig[0].len() + 1);
        bad.push(0u32);
        for i in 0..sig[0].len() {
            let b = bad[i] + u32::from(!sig.iter().all(|c| c[i].is_finite()));
            bad.push(b);
        }
        let clean = m.iter().all(|c| c.iter().all(|v| v.is_finite()));
        events
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.source == Source::Kinematic
                    && e.kind == EventKind::FootStrike
                    && super::kinematic::side_index(e.side) == si
            })
            .filter_map(|(ei, e)| Some((ei, shift(sig, &bad, m, clean, tps, e.index, w, r)?)))
            .filter(|&(_, t)| t < k.frames())
            .collect()
    };
    let (ml, mr) = rayon::join(|| moved(0), || moved(1));
    for (ei, t) in ml.into_iter().chain(mr) {
        events[ei].index = t;
        events[ei].time_s = time0_s + t as f64 / rate;
    }
    usable.len()
}
