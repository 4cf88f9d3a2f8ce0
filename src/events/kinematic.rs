//! Kinematic event detection from the foot and pelvis markers.
//!
//! - Walking: the coordinate method of Zeni, Richards & Higginson 2008 (Gait
//!   Posture 27:710-714): foot strike at the local maximum of the heel's
//!   position relative to the pelvis centre along the progression (X) axis,
//!   foot off at the local minimum of the toe's. The pelvis centre is the
//!   sacrum (PSIS midpoint or sacral marker) as in the paper, else the mean of
//!   the pelvis markers present.
//! - Running (every strike type): a foot-speed method after Ghoussayni et al.
//!   2004 (Gait Posture 20:266-272) and the gaitutils velocity method (stance
//!   while the foot moves slower than 0.2 × its peak swing speed), made valid
//!   for every strike type by taking the *slower* of the heel and forefoot
//!   markers: a forefoot striker's forefoot stops at contact while the heel
//!   still drops, so the strike is not detected late (the bias of heel-only
//!   methods, Milner & Paquette 2015, J Biomech 48:3502-3505). Speeds are
//!   relative to the ground under the stance foot (on a treadmill, the belt:
//!   the median stance velocity of the foot), so the method needs no belt
//!   speed.

use super::{Event, EventKind, Source};
use crate::clean::presets::{Landmark, LandmarkKind as K};
use crate::filter::{self, LowPass};
use crate::model::Side;
use crate::trial::Trial;
use std::sync::OnceLock;

/// Filtered foot and pelvis trajectories of a trial (canonical frame).
#[derive(Debug, Clone)]
pub struct Kinematics {
    pub rate_hz: f64,
    pub time0_s: f64,
    /// Pelvis centre, NaN where unknown.
    pub pelvis: Vec<[f64; 3]>,
    /// Left, right.
    pub feet: [Option<Foot>; 2],
    pub filter: LowPass,
    /// Per side (left, right), per frame: inside a foot-speed stance phase.
    /// Computed once, on first use ([`Kinematics::lower_foot`] asks for it per
    /// force-plate contact).
    down: OnceLock<[Vec<bool>; 2]>,
    /// Per side: [`Kinematics::ground_speeds`], computed once (the stance
    /// phases, the walking strikes and the plate calibration all ask for them).
    speeds: [OnceLock<Option<[Vec<f64>; 2]>>; 2],
    /// Per side: [`Kinematics::stance_velocity`], computed once.
    ground_v: [OnceLock<Option<f64>>; 2],
    /// Per side: the peak (95th percentile) of the faster of heel and toe
    /// ground speeds ([`Kinematics::speed_phases`]), computed once.
    peak: [OnceLock<f64>; 2],
}

/// One foot's heel and forefoot markers, filtered, and derived signals.
#[derive(Debug, Clone)]
pub struct Foot {
    pub heel: Vec<[f64; 3]>,
    pub toe: Vec<[f64; 3]>,
    /// Ground level (stance height) of the heel and toe markers, m.
    pub ground: [f64; 2],
    /// Clearance: the lower of heel and toe above their ground levels, m.
    pub clearance: Vec<f64>,
}

pub fn side_index(s: Side) -> usize {
    match s {
        Side::Left => 0,
        Side::Right => 1,
    }
}

pub const SIDES: [Side; 2] = [Side::Left, Side::Right];

/// Stance thresholds of the foot-speed method, fractions of the peak swing
/// speed (gaitutils uses 0.2 for contact on the foot-centre speed). The strike
/// threshold is tuned on the force-plate contacts of the Hamner, Rajagopal and
/// RBDS running trials, so those are not independent checks: with the
/// ground velocity taken from the on-ground frames ([`Kinematics::stance_velocity`]),
/// 0.3 gives strike errors median 0/0/1 and worst 1/1/3 frames (0.2: 1/2/1
/// and 2/2/3; 0.15: Hamner median 2). Simulated runners: worst 0-1 frames.
pub const STANCE_IC: f64 = 0.3;
pub const STANCE_FO: f64 = 0.2;
/// Peak swing speed (relative to the ground) below which a foot is taken
/// not to step at all (walking swing peaks at 3-4 m/s).
pub const MIN_SWING_SPEED_M_S: f64 = 1.0;
/// Walking foot-strike threshold of the foot-speed method, a fraction of the
/// peak swing speed (gaitutils' default 0.2). Measured against force-plate
/// onsets (sub-frame crossing): Rajagopal walk +0.2/-1.0/-1.1 frames,
/// Gait2392 -0.1/-0.7, c3d.org sample09 +1.1, simulated walkers +0.9, and
/// PiG_Motion -4.3/-2.3 (its heel slows late; the plate calibration of
/// [`super::calibrate`] takes it the rest of the way). Zeni's heel peak,
/// on the same strikes: -0.8 to -2.2, -1.1/-1.8, +0.8, -1.0, -6.2/-4.1.
pub const WALK_IC: f64 = 0.2;
/// Height band above the foot's lowest level within which the foot counts
/// as on the ground when estimating the ground (belt) velocity.
pub const GROUND_BAND_M: f64 = 0.05;

/// Rise of the toe marker above its stance low that marks foot off, m.
pub const TOE_LIFT_M: f64 = 0.015;

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut s: Vec<i64> = v.iter().copied().filter(|x| x.is_finite()).map(total_key).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    // The i-th of the sorted values, by selection (O(n)) instead of a sort.
    let i = ((s.len() - 1) as f64 * p / 100.0).round() as usize;
    from_key(*s.select_nth_unstable(i).1)
}

/// `f64::total_cmp`'s order as integers (the sign bit kept, the other bits
/// flipped for negative numbers: what `total_cmp` compares), so that sorting
/// and selection compare integers; the map is its own inverse.
fn total_key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// The number whose [`total_key`] is `k`.
fn from_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

/// Per frame the mean of the tracks' points, NaN where any track's point is
/// not finite (or there are no tracks).
fn mean_of(tracks: &[&[[f64; 3]]], n: usize) -> Vec<[f64; 3]> {
    let k = tracks.len() as f64;
    (0..n)
        .map(|i| {
            if tracks.is_empty() || !tracks.iter().all(|t| t[i].iter().all(|v| v.is_finite())) {
                return [f64::NAN; 3];
            }
            [0, 1, 2].map(|a| tracks.iter().map(|t| t[i][a]).sum::<f64>() / k)
        })
        .collect()
}

/// How a signal is made from its raw marker tracks: one track as it is, or
/// the per-frame mean of several ([`mean_of`]).
enum Recipe<'a> {
    One(&'a [[f64; 3]]),
    Mean(Vec<&'a [[f64; 3]]>),
}

impl<'a> Recipe<'a> {
    fn tracks(&self) -> Vec<&'a [[f64; 3]]> {
        match self {
            Recipe::One(t) => vec![*t],
            Recipe::Mean(v) => v.clone(),
        }
    }

    /// The signal from the (filtered) `tracks`, in the order of [`Recipe::tracks`].
    fn make(&self, mut tracks: Vec<Vec<[f64; 3]>>, n: usize) -> Vec<[f64; 3]> {
        match self {
            Recipe::One(_) => tracks.pop().unwrap_or_default(),
            Recipe::Mean(_) => mean_of(&tracks.iter().map(Vec::as_slice).collect::<Vec<_>>(), n),
        }
    }
}

/// The tracks of the pelvis centre: both PSIS averaged, else the sacral
/// marker, else the mean of the ASIS and PSIS present; `None` when none is.
fn pelvis_recipe(t: &Trial) -> Option<Recipe<'_>> {
    let raw = |l: Landmark| t.landmark(l).map(|m| m.xyz.as_slice());
    let psis = SIDES.map(|s| raw(Landmark::new(s, K::Psis)));
    if let [Some(a), Some(b)] = psis {
        return Some(Recipe::Mean(vec![a, b]));
    }
    if let Some(s) = raw(Landmark::mid(K::Sacrum)) {
        return Some(Recipe::One(s));
    }
    let asis = SIDES.map(|s| raw(Landmark::new(s, K::Asis)));
    let all: Vec<&[[f64; 3]]> = asis.iter().chain(psis.iter()).flatten().copied().collect();
    (!all.is_empty()).then_some(Recipe::Mean(all))
}

/// The heel track and the forefoot recipe of one foot: the toe marker, else
/// the toe tip, else the mean of the first and fifth metatarsal heads, else
/// the second, else the fifth.
fn foot_recipe(t: &Trial, s: Side) -> Option<(&[[f64; 3]], Recipe<'_>)> {
    let raw = |k: K| t.landmark(Landmark::new(s, k)).map(|m| m.xyz.as_slice());
    let heel = raw(K::Heel)?;
    let toe = raw(K::Toe)
        .or_else(|| raw(K::ToeTip))
        .map(Recipe::One)
        .or_else(|| Some(Recipe::Mean(vec![raw(K::Mt1)?, raw(K::Mt5)?])))
        .or_else(|| raw(K::Mt2).or_else(|| raw(K::Mt5)).map(Recipe::One))?;
    Some((heel, toe))
}

/// The tracks filtered with `bw` (up to eight coordinates at a time,
/// [`filter::filter_xyz_many`]), or copied when there is no filter.
fn filtered(tracks: &[&[[f64; 3]]], bw: Option<&filter::Butterworth>) -> Vec<Vec<[f64; 3]>> {
    match bw {
        Some(b) => filter::filter_xyz_many(tracks, b),
        None => tracks.iter().map(|t| t.to_vec()).collect(),
    }
}

/// One foot from its recipe: heel and forefoot filtered, ground levels and
/// clearance.
fn make_foot(recipe: Option<(&[[f64; 3]], Recipe<'_>)>, bw: Option<&filter::Butterworth>, n: usize) -> Option<Foot> {
    let (heel, toe) = recipe?;
    let mut tracks = toe.tracks();
    tracks.insert(0, heel);
    let mut f = filtered(&tracks, bw);
    let heel = f.remove(0);
    let toe = toe.make(f, n);
    let zh: Vec<f64> = heel.iter().map(|p| p[2]).collect();
    let zt: Vec<f64> = toe.iter().map(|p| p[2]).collect();
    let ground = [percentile(&zh, 5.0), percentile(&zt, 5.0)];
    let clearance = (0..n).map(|i| (zh[i] - ground[0]).min(zt[i] - ground[1])).collect();
    Some(Foot { heel, toe, ground, clearance })
}

/// The pelvis centre from its recipe, filtered; NaN without pelvis markers.
fn make_pelvis(recipe: Option<Recipe<'_>>, bw: Option<&filter::Butterworth>, n: usize) -> Vec<[f64; 3]> {
    match recipe {
        Some(r) => r.make(filtered(&r.tracks(), bw), n),
        None => vec![[f64::NAN; 3]; n],
    }
}

impl Kinematics {
    /// Filter the foot and pelvis markers of `t` with `filter`. `None` when
    /// the trial has no foot markers on either side. The two feet and the
    /// pelvis are filtered as rayon tasks (each the same whatever the thread).
    pub fn new(t: &Trial, filter: LowPass, notes: &mut Vec<String>) -> Option<Kinematics> {
        let bw = Self::design(t, filter, notes)?;
        let n = t.frames;
        let (left, (right, pelvis)) = rayon::join(
            || make_foot(foot_recipe(t, Side::Left), bw.as_ref(), n),
            || {
                rayon::join(
                    || make_foot(foot_recipe(t, Side::Right), bw.as_ref(), n),
                    || make_pelvis(pelvis_recipe(t), bw.as_ref(), n),
                )
            },
        );
        Self::assemble(t, filter, [left, right], pelvis)
    }

    /// [`Kinematics::new`] without the pelvis (NaN in its place, of the length
    /// it will have): all that the stance phases, the flight fraction and the
    /// running mode need. [`Kinematics::pelvis_of`] fills it in.
    pub fn feet_only(t: &Trial, filter: LowPass, notes: &mut Vec<String>) -> Option<Kinematics> {
        let bw = Self::design(t, filter, notes)?;
        let n = t.frames;
        let (left, right) = rayon::join(
            || make_foot(foot_recipe(t, Side::Left), bw.as_ref(), n),
            || make_foot(foot_recipe(t, Side::Right), bw.as_ref(), n),
        );
        let len = match pelvis_recipe(t) {
            Some(Recipe::One(s)) => s.len(),
            _ => n,
        };
        Self::assemble(t, filter, [left, right], vec![[f64::NAN; 3]; len])
    }

    /// The pelvis centre of `t` filtered with `filter` (unfiltered when the
    /// filter cannot be designed), as [`Kinematics::new`] makes it: in the
    /// `pelvis` of [`Kinematics::feet_only`] it makes that equal to `new`.
    pub fn pelvis_of(t: &Trial, filter: LowPass) -> Vec<[f64; 3]> {
        let bw = filter.design(t.rate_hz).ok();
        make_pelvis(pelvis_recipe(t), bw.as_ref(), t.frames)
    }

    /// The filter at the trial's rate (`Some(None)`: unfilterable, noted);
    /// `None` when the trial is too short or has no rate.
    fn design(t: &Trial, filter: LowPass, notes: &mut Vec<String>) -> Option<Option<filter::Butterworth>> {
        if t.frames < 10 || !t.rate_hz.is_finite() {
            return None;
        }
        Some(match filter.design(t.rate_hz) {
            Ok(b) => Some(b),
            Err(e) => {
                notes.push(format!("markers not filtered: {e}"));
                None
            }
        })
    }

    fn assemble(t: &Trial, filter: LowPass, feet: [Option<Foot>; 2], pelvis: Vec<[f64; 3]>) -> Option<Kinematics> {
        if feet.iter().all(|f| f.is_none()) {
            return None;
        }
        Some(Kinematics {
            rate_hz: t.rate_hz,
            time0_s: t.time0_s,
            pelvis,
            feet,
            filter,
            down: Default::default(),
            speeds: Default::default(),
            ground_v: Default::default(),
            peak: Default::default(),
        })
    }

    pub fn foot(&self, s: Side) -> Option<&Foot> {
        self.feet[side_index(s)].as_ref()
    }

    pub fn frames(&self) -> usize {
        self.pelvis.len()
    }

    /// The foot on the ground over frames `a..=b` (the middle half is
    /// looked at): `Err(true)` when both feet are down for a third of it,
    /// `Err(false)` when a foot is missing.
    pub fn lower_foot(&self, a: usize, b: usize) -> Result<Side, bool> {
        let (Some(l), Some(r)) = (self.foot(Side::Left), self.foot(Side::Right)) else {
            return match (self.foot(Side::Left), self.foot(Side::Right)) {
                (Some(_), None) => Ok(Side::Left),
                (None, Some(_)) => Ok(Side::Right),
                _ => Err(false),
            };
        };
        let len = b.saturating_sub(a);
        let (lo, hi) = (a + len / 4, (a + 3 * len / 4).max(a + len / 4));
        let [dl, dr] = self.down.get_or_init(|| {
            SIDES.map(|s| {
                let mut d = vec![false; self.frames()];
                for (p, q) in self.stance_phases(s, STANCE_IC, STANCE_FO) {
                    d[p..=q].iter_mut().for_each(|x| *x = true);
                }
                d
            })
        });
        let (mut nl, mut nr, mut both) = (0, 0, 0);
        for i in lo..=hi.min(self.frames() - 1) {
            let (cl, cr) = (l.clearance[i], r.clearance[i]);
            match (dl[i], dr[i]) {
                (true, true) => both += 1,
                (true, false) => nl += 1,
                (false, true) => nr += 1,
                // Neither slow: the lower foot carries the load.
                (false, false) if cl.is_finite() && cr.is_finite() => {
                    if cl < cr {
                        nl += 1
                    } else {
                        nr += 1
                    }
                }
                _ => {}
            }
        }
        let total = nl + nr + both;
        if total == 0 {
            return Err(false);
        }
        if both * 3 > total {
            return Err(true);
        }
        Ok(if nl >= nr { Side::Left } else { Side::Right })
    }

    fn event(&self, side: Side, kind: EventKind, i: usize) -> Event {
        Event { side, kind, index: i, time_s: self.time0_s + i as f64 / self.rate_hz, source: Source::Kinematic }
    }

    /// Zeni et al. 2008 events (walking).
    pub fn zeni(&self) -> Vec<Event> {
        let mut out = self.zeni_events(true);
        out.sort_by_key(|e| e.index);
        out
    }

    /// Zeni's foot offs, and its strikes when `strikes` (per side: strikes,
    /// then foot offs; unsorted).
    fn zeni_events(&self, strikes: bool) -> Vec<Event> {
        let mut out = Vec::new();
        let min_dist = (0.35 * self.rate_hz).round() as usize;
        for s in SIDES {
            let Some(f) = self.foot(s) else { continue };
            let rel = |tr: &Vec<[f64; 3]>, neg: bool| -> Vec<f64> {
                tr.iter().zip(&self.pelvis).map(|(p, q)| if neg { -(p[0] - q[0]) } else { p[0] - q[0] }).collect()
            };
            if strikes {
                for i in peaks(&rel(&f.heel, false), min_dist, 0.3) {
                    out.push(self.event(s, EventKind::FootStrike, i));
                }
            }
            for i in peaks(&rel(&f.toe, true), min_dist, 0.3) {
                out.push(self.event(s, EventKind::FootOff, i));
            }
        }
        out
    }

    /// Walking events: foot strikes from the foot-speed method at
    /// [`WALK_IC`] (the sub-frame instant the slower of heel and forefoot
    /// falls below the threshold, rounded to the nearest frame), foot offs
    /// from Zeni et al. 2008 (toe position relative to the pelvis, minimum).
    ///
    /// Zeni's strike (heel position relative to the pelvis, maximum) comes
    /// 1-6 frames before the plates' onsets on the real walking trials and
    /// needs a peak, so a strike a few frames from either end of a
    /// recording is lost; the speed method sees a strike wherever the foot's
    /// approach (speed above the threshold) is in the recording.
    ///
    /// Zeni's foot off against the plates' releases (sub-frame): Gait2392
    /// +0.7/+0.5/+1.0, Rajagopal walk -1.3/+0.1/-0.7, PiG_Motion -0.5/+1.3,
    /// sample09 -0.7/+2.7 frames (median 0.7, mean +0.3). It is the instant
    /// the TOE marker moves forward as fast as the pelvis, which in these
    /// walkers it does at the release (0.70-1.0 x the pelvis speed there);
    /// a foot whose toe leaves the floor slowly gets it late (sample09's
    /// left, 0.52 x: +2.7; the simulator's walkers before their toe-off fix, 0-0.8 x: 0-8 frames).
    /// The toe marker's lowest point is no alternative: at the release on
    /// Gait2392 and Rajagopal, but 5-7 frames early on PiG_Motion and
    /// sample09, whose TOE marker on the metatarsal heads rises as the toes
    /// extend in pre-swing.
    pub fn walking(&self) -> Vec<Event> {
        // Zeni's foot offs (its strikes are not used; the order is set by the
        // sort by (frame, side, kind) below, equal keys being equal events).
        let mut out = self.zeni_events(false);
        let n = self.frames();
        for s in SIDES {
            let Some(speed) = self.contact_speed(s) else { continue };
            let peak = percentile(&speed, 95.0);
            for (a, _) in self.speed_phases(s, WALK_IC, STANCE_FO) {
                if a == 0 || a >= n {
                    continue;
                }
                let i = crossing_below(&speed, a, WALK_IC * peak).round() as usize;
                out.push(self.event(s, EventKind::FootStrike, i.min(n - 1)));
            }
        }
        out.sort_by_key(|e| (e.index, e.side, e.kind));
        out
    }

    /// Speed of the contact point: the slower of heel and forefoot, relative
    /// to the ground under the stance foot.
    pub fn contact_speed(&self, s: Side) -> Option<Vec<f64>> {
        let [sh, st] = self.speeds(s)?;
        Some(sh.iter().zip(st).map(|(a, b)| a.min(*b)).collect())
    }

    /// Velocity of the ground under the stance foot along X (0 overground,
    /// minus the belt speed on a treadmill). The stance foot moves at one
    /// steady velocity, so it is the densest value of the foot midpoint's
    /// forward velocity (the midpoint of the shortest interval holding a
    /// quarter of the samples, the "shorth"), taken over the frames where the
    /// foot is on the ground: the lower of heel and toe within
    /// [`GROUND_BAND_M`] of its lowest level (robust 2nd percentile). Height
    /// picks the frames because a swing phase can hold a steady velocity too.
    pub fn stance_velocity(&self, s: Side) -> Option<f64> {
        *self.ground_v[side_index(s)].get_or_init(|| self.compute_stance_velocity(s))
    }

    fn compute_stance_velocity(&self, s: Side) -> Option<f64> {
        let f = self.foot(s)?;
        let mid: Vec<f64> = f.heel.iter().zip(&f.toe).map(|(h, t)| 0.5 * (h[0] + t[0])).collect();
        let v = filter::derivative(&mid, self.rate_hz);
        let low: Vec<f64> = f.heel.iter().zip(&f.toe).map(|(h, t)| h[2].min(t[2])).collect();
        let floor = percentile(&low, 2.0);
        if !floor.is_finite() {
            return None;
        }
        let mut on: Vec<f64> =
            (0..v.len()).filter(|&i| low[i] <= floor + GROUND_BAND_M && v[i].is_finite()).map(|i| v[i]).collect();
        if on.len() < 8 {
            return None;
        }
        // Unstable is the same order: values equal under `total_cmp` are the
        // same bits (sorted as `total_key`s, the same order).
        let mut keys: Vec<i64> = on.iter().map(|&v| total_key(v)).collect();
        keys.sort_unstable();
        on.iter_mut().zip(&keys).for_each(|(v, &k)| *v = from_key(k));
        let k = on.len() / 4;
        let i = (0..on.len() - k).min_by(|&a, &b| (on[a + k] - on[a]).total_cmp(&(on[b + k] - on[b])))?;
        Some(0.5 * (on[i] + on[i + k]))
    }

    /// Speeds of the heel and toe markers relative to the ground under the
    /// stance foot (treadmill: relative to the belt).
    pub fn ground_speeds(&self, s: Side) -> Option<[Vec<f64>; 2]> {
        self.speeds(s).cloned()
    }

    /// [`Kinematics::ground_speeds`], computed once per side.
    fn speeds(&self, s: Side) -> Option<&[Vec<f64>; 2]> {
        self.speeds[side_index(s)].get_or_init(|| self.compute_ground_speeds(s)).as_ref()
    }

    /// Compute the stance velocity and the ground speeds of both feet, one
    /// side per rayon task (each value the same whatever the thread).
    pub fn prepare(&self) {
        rayon::join(|| self.speeds(Side::Left), || self.speeds(Side::Right));
    }

    fn compute_ground_speeds(&self, s: Side) -> Option<[Vec<f64>; 2]> {
        let f = self.foot(s)?;
        let vg = self.stance_velocity(s)?;
        let speed = |tr: &Vec<[f64; 3]>| -> Vec<f64> {
            let d: Vec<Vec<f64>> = (0..3)
                .map(|a| filter::derivative(&tr.iter().map(|p| p[a]).collect::<Vec<_>>(), self.rate_hz))
                .collect();
            (0..tr.len()).map(|i| ((d[0][i] - vg).powi(2) + d[1][i].powi(2) + d[2][i].powi(2)).sqrt()).collect()
        };
        Some([speed(&f.heel), speed(&f.toe)])
    }

    /// Stance phases from foot speed (after Ghoussayni et al. 2004 and the
    /// gaitutils velocity method, on the ground-relative speed): stance runs
    /// while the slower of heel and toe moves at less than `ic` × the peak
    /// swing speed; it starts at the first such frame (the contact point,
    /// heel or forefoot, has stopped) and ends at the last frame the toe
    /// moves slower than `fo` × the peak speed.
    pub fn speed_phases(&self, s: Side, ic: f64, fo: f64) -> Vec<(usize, usize)> {
        let Some([sh, st]) = self.speeds(s) else { return Vec::new() };
        let n = sh.len();
        let peak = *self.peak[side_index(s)].get_or_init(|| {
            let smax: Vec<f64> = (0..n).map(|i| sh[i].max(st[i])).collect();
            percentile(&smax, 95.0)
        });
        // A foot whose fastest swing is under MIN_SWING_SPEED does not step.
        if peak.is_nan() || peak < MIN_SWING_SPEED_M_S {
            return Vec::new();
        }
        let slow = |i: usize| sh[i].min(st[i]) < ic * peak;
        let min_len = (0.05 * self.rate_hz).ceil() as usize;
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            if !slow(i) {
                i += 1;
                continue;
            }
            let a = i;
            while i < n && (slow(i) || st[i] < fo * peak) {
                i += 1;
            }
            if i - a >= min_len {
                out.push((a, i - 1));
            }
        }
        out
    }

    /// Stance phases: speed phases ended at the toe lift.
    pub fn stance_phases(&self, s: Side, ic: f64, fo: f64) -> Vec<(usize, usize)> {
        let n = self.frames();
        self.speed_phases(s, ic, fo)
            .into_iter()
            .map(|(a, b)| if b + 1 < n { (a, self.toe_lift(s, a, b)) } else { (a, b) })
            .collect()
    }

    /// Foot off within the speed stance `a..=b`: the last frame before the
    /// toe marker rises more than [`TOE_LIFT_M`] above its lowest point in
    /// that stance. (Early in swing the foot keeps moving with the ground, so
    /// its speed alone marks foot off late.)
    pub fn toe_lift(&self, s: Side, a: usize, b: usize) -> usize {
        let Some(f) = self.foot(s) else { return b };
        let z = |i: usize| f.toe[i][2];
        let (mut imin, mut zmin) = (a, f64::INFINITY);
        for i in a..=b.min(f.toe.len().saturating_sub(1)) {
            if z(i) < zmin {
                zmin = z(i);
                imin = i;
            }
        }
        (imin..=b).find(|&i| z(i) > zmin + TOE_LIFT_M).map(|i| i.saturating_sub(1).max(a)).unwrap_or(b)
    }

    /// Foot-speed events (see [`Kinematics::speed_phases`]); phases touching
    /// the trial's ends give only their inner event.
    pub fn foot_speed(&self, ic: f64, fo: f64) -> Vec<Event> {
        let mut out = Vec::new();
        let n = self.frames();
        for s in SIDES {
            for (a, b) in self.stance_phases(s, ic, fo) {
                if a > 0 {
                    out.push(self.event(s, EventKind::FootStrike, a));
                }
                if b + 1 < n {
                    out.push(self.event(s, EventKind::FootOff, b));
                }
            }
        }
        out.sort_by_key(|e| e.index);
        out
    }
}

/// Sub-frame index where `x` falls below `th` between frames `a - 1` and
/// `a` (linear interpolation); `a` when that is not a crossing.
pub fn crossing_below(x: &[f64], a: usize, th: f64) -> f64 {
    if a == 0 || a >= x.len() {
        return a as f64;
    }
    let (p, q) = (x[a - 1], x[a]);
    if p.is_finite() && q.is_finite() && p >= th && q < th && p > q {
        (a - 1) as f64 + (p - th) / (p - q)
    } else {
        a as f64
    }
}

/// Local maxima of `x` at least `min_dist` apart whose prominence (as in
/// scipy's `find_peaks`) is at least `rel` × the signal's 5-95 % range. A
/// maximum next to a gap or at an end is not a peak.
pub fn peaks(x: &[f64], min_dist: usize, rel: f64) -> Vec<usize> {
    let n = x.len();
    let range = percentile(x, 95.0) - percentile(x, 5.0);
    if range.is_nan() || range <= 0.0 || n < 3 {
        return Vec::new();
    }
    let mut cand = Vec::new();
    let mut i = 1;
    while i + 1 < n {
        if x[i].is_finite() && x[i - 1].is_finite() && x[i] > x[i - 1] {
            // plateau: find its end
            let mut j = i;
            while j + 1 < n && x[j + 1] == x[i] {
                j += 1;
            }
            if j + 1 < n && x[j + 1].is_finite() && x[j + 1] < x[i] {
                cand.push((i + j) / 2);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    let prom = |p: usize| {
        let mut lmin = x[p];
        let mut k = p;
        while k > 0 {
            k -= 1;
            if !x[k].is_finite() || x[k] > x[p] {
                break;
            }
            lmin = lmin.min(x[k]);
        }
        let mut rmin = x[p];
        let mut k = p;
        while k + 1 < n {
            k += 1;
            if !x[k].is_finite() || x[k] > x[p] {
                break;
            }
            rmin = rmin.min(x[k]);
        }
        x[p] - lmin.max(rmin)
    };
    let mut good: Vec<usize> = cand.into_iter().filter(|&p| prom(p) >= rel * range).collect();
    // Enforce the distance, keeping higher peaks first.
    let mut order = good.clone();
    order.sort_by(|&a, &b| x[b].total_cmp(&x[a]));
    let mut keep = vec![true; n];
    let mut kept = Vec::new();
    for p in order {
        if !keep[p] {
            continue;
        }
        kept.push(p);
        keep[p.saturating_sub(min_dist.saturating_sub(1))..(p + min_dist).min(n)].fill(false);
    }
    good.retain(|p| kept.contains(p));
    good
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_keys_order_like_total_cmp_and_invert() {
        let v = [-f64::INFINITY, -3.5, -1e-300, -0.0, 0.0, 1e-300, 2.0, 7.25, f64::INFINITY, f64::MAX, f64::MIN];
        for a in v {
            assert_eq!(from_key(total_key(a)).to_bits(), a.to_bits());
            for b in v {
                assert_eq!(total_key(a).cmp(&total_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
        // percentile: the nearest-rank value among the finite samples.
        let x = [5.0, f64::NAN, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(percentile(&x, 0.0), 1.0);
        assert_eq!(percentile(&x, 50.0), 3.0);
        assert_eq!(percentile(&x, 95.0), 5.0);
        assert!(percentile(&[f64::NAN], 50.0).is_nan());
    }
}
