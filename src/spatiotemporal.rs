//! Spatiotemporal parameters per stride and per side, from the events.
//!
//! Definitions follow Vicon Nexus / Polygon (FAQ "How does Nexus Plug-in
//! Gait and Polygon calculate gait cycle parameters"; Vicon glossary; the
//! gaitutils reading of the FAQ, `gaitutils/utils.py`), checked against the
//! `ANALYSIS` group of `PiG_Motion-FlatFoot-Full.c3d`, which they reproduce
//! to 0.1 mm from Vicon's own events:
//! - a stride (gait cycle) runs from a foot strike to the next strike of the
//!   same foot; stride time between them; cadence = 120 / stride time in
//!   **steps/min**;
//! - distances use the **forefoot (TOE) marker** at the events (Vicon's
//!   default; the heel where a foot has no forefoot marker), unfiltered;
//! - stride length: horizontal distance between the forefoot positions at
//!   the two strikes (on a treadmill, the later position moved forward by
//!   belt speed × time, as OpenCap does);
//! - step (inside the stride): from the contralateral strike within the
//!   stride to the stride's closing strike; step time between them; step
//!   length = the vector from the contralateral forefoot at its strike to
//!   this forefoot at the closing strike, projected on the stride's
//!   direction (the line of progression); step width = its distance
//!   perpendicular to that line;
//! - speed = stride length / stride time;
//! - stance (foot off) % = (foot off − strike) / stride time; swing = 100 −
//!   stance; contact time = foot off − strike;
//! - double support % (walking): (opposite foot off − strike) + (foot off −
//!   opposite strike), over the stride; flight % (running): the time within
//!   the stride when neither foot is down.
//! - a stride is **complete** (Vicon's condition for its `ANALYSIS` values)
//!   when it holds, in order, the opposite foot off, the opposite strike and
//!   this foot's off. Vicon's `ANALYSIS` values are those of the **first
//!   complete stride** per side (measured: PiG_Motion's values are exactly
//!   its first complete left and right cycles, not the mean of its cycles);
//!   [`first_complete`] gives it, the summaries average every stride.
//! - symmetry index (Robinson et al. 1987, J Manipulative Physiol Ther
//!   10:172-176): SI = (R − L) / (0.5 (R + L)) × 100 %.
//! - variability: CV = SD / mean × 100 % (SD with n − 1).

use crate::events::{EventKind, GaitEvents, Mode};
use crate::footstrike::FootStrikes;
use crate::model::Side;
use crate::trial::Trial;

/// One stride's parameters. `None` where the needed event is missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stride {
    pub side: Option<Side>,
    pub start: usize,
    pub end: usize,
    pub foot_off: Option<usize>,
    pub start_time_s: f64,
    pub stride_time_s: f64,
    pub stride_length_m: Option<f64>,
    pub step_length_m: Option<f64>,
    pub step_time_s: Option<f64>,
    pub step_width_m: Option<f64>,
    pub cadence_steps_per_min: f64,
    pub speed_m_s: Option<f64>,
    pub stance_pct: Option<f64>,
    pub swing_pct: Option<f64>,
    pub double_support_pct: Option<f64>,
    pub flight_pct: Option<f64>,
    pub contact_time_s: Option<f64>,
    pub foot_strike_angle_deg: Option<f64>,
    pub foot_strike_class: Option<&'static str>,
    /// Opposite foot off, opposite strike and this foot's off all inside, in order.
    pub complete: bool,
}

/// The metric keys of `spatiotemporal.{left,right,overall}`, in output order.
pub const KEYS: [&str; 12] = [
    "stride_length_m",
    "step_length_m",
    "step_width_m",
    "stride_time_s",
    "step_time_s",
    "cadence_steps_per_min",
    "speed_m_s",
    "stance_pct",
    "swing_pct",
    "double_support_pct",
    "flight_pct",
    "contact_time_s",
];

impl Stride {
    /// The value of a [`KEYS`] entry.
    pub fn get(&self, key: &str) -> Option<f64> {
        match key {
            "stride_length_m" => self.stride_length_m,
            "step_length_m" => self.step_length_m,
            "step_width_m" => self.step_width_m,
            "stride_time_s" => Some(self.stride_time_s),
            "step_time_s" => self.step_time_s,
            "cadence_steps_per_min" => Some(self.cadence_steps_per_min),
            "speed_m_s" => self.speed_m_s,
            "stance_pct" => self.stance_pct,
            "swing_pct" => self.swing_pct,
            "double_support_pct" => self.double_support_pct,
            "flight_pct" => self.flight_pct,
            "contact_time_s" => self.contact_time_s,
            _ => None,
        }
        .filter(|v| v.is_finite())
    }
}

/// Mean, SD (n − 1), CV (%) and count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub mean: f64,
    pub sd: Option<f64>,
    pub cv: Option<f64>,
    pub n: usize,
}

impl Stat {
    pub fn of(v: &[f64]) -> Option<Stat> {
        let n = v.len();
        if n == 0 {
            return None;
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = (n > 1).then(|| (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
        let cv = sd.and_then(|s| (mean.abs() > 1e-12).then(|| 100.0 * s / mean.abs()));
        Some(Stat { mean, sd, cv, n })
    }
}

/// Robinson et al. 1987 symmetry index, %: (R − L) / (0.5 (R + L)) × 100.
pub fn symmetry_index(left: f64, right: f64) -> Option<f64> {
    let m = 0.5 * (left + right);
    (m.abs() > 1e-12).then(|| (right - left) / m * 100.0)
}

/// Strides of a trial.
pub fn strides(t: &Trial, ge: &GaitEvents, fs: &FootStrikes) -> Vec<Stride> {
    let Some(k) = &ge.kinematics else { return Vec::new() };
    let rate = t.rate_hz;
    let belt = if ge.treadmill == Some(true) { ge.belt_speed_m_s.unwrap_or(0.0) } else { 0.0 };
    let ev = &ge.events;
    let of = |s: Side, kind: EventKind| -> Vec<usize> {
        ev.iter().filter(|e| e.side == s && e.kind == kind).map(|e| e.index).collect()
    };
    // Forefoot marker (Vicon's default), unfiltered; the heel without one.
    let marker = |s: Side| {
        use crate::clean::presets::{Landmark, LandmarkKind as K};
        [K::Toe, K::ToeTip, K::Mt2, K::Mt1, K::Heel].into_iter().find_map(|k| t.landmark(Landmark::new(s, k)))
    };
    let marks = [marker(Side::Left), marker(Side::Right)];
    // Position at frame i, on a treadmill carried with the belt from frame `a`.
    let pos = |s: Side, i: usize, a: usize| -> Option<[f64; 2]> {
        let m = marks[crate::events::kinematic::side_index(s)]?;
        let p = m.xyz.get(i)?;
        let q = if p.iter().all(|v| v.is_finite()) {
            *p
        } else {
            let f = k.foot(s)?;
            if marker_is_heel(t, s) { f.heel[i] } else { f.toe[i] }
        };
        q.iter().all(|v| v.is_finite()).then(|| [q[0] + belt * (i as f64 - a as f64) / rate, q[1]])
    };
    let mut out = Vec::new();
    for s in [Side::Left, Side::Right] {
        let o = if s == Side::Left { Side::Right } else { Side::Left };
        let (strikes, offs) = (of(s, EventKind::FootStrike), of(s, EventKind::FootOff));
        let (ostrikes, ooffs) = (of(o, EventKind::FootStrike), of(o, EventKind::FootOff));
        for w in strikes.windows(2) {
            let (a, b) = (w[0], w[1]);
            let st = (b - a) as f64 / rate;
            // A "stride" longer than 2.5 s is a gap in the events, not a stride.
            if st > 2.5 || st <= 0.0 {
                continue;
            }
            let foff = offs.iter().copied().find(|&x| x > a && x < b);
            let o_in = ostrikes.iter().copied().find(|&x| x > a && x < b);
            let oo_first = ooffs.iter().copied().find(|&x| x > a && x < b);
            let complete = matches!((oo_first, o_in, foff), (Some(oo), Some(oi), Some(f)) if oo < oi && oi < f);
            let (p, q) = (pos(s, a, a), pos(s, b, a));
            let stride_vec = p.zip(q).map(|(p, q)| [q[0] - p[0], q[1] - p[1]]);
            let stride_len = stride_vec.map(|v| v[0].hypot(v[1]));
            let step_t = o_in.map(|oi| (b - oi) as f64 / rate);
            let (step_len, step_w) = match (stride_vec, o_in.and_then(|oi| pos(o, oi, a)), q) {
                (Some(v), Some(c), Some(q)) if v[0].hypot(v[1]) > 1e-9 => {
                    let l = v[0].hypot(v[1]);
                    let u = [v[0] / l, v[1] / l];
                    let d = [q[0] - c[0], q[1] - c[1]];
                    (Some(d[0] * u[0] + d[1] * u[1]), Some((d[0] * u[1] - d[1] * u[0]).abs()))
                }
                _ => (None, None),
            };
            let stance = foff.map(|f| (f - a) as f64 / (b - a) as f64 * 100.0);
            let contact = foff.map(|f| (f - a) as f64 / rate);
            let (mut ds, mut fl) = (None, None);
            match ge.mode {
                Some(Mode::Walk) => {
                    if let (Some(oo), Some(oi), Some(f)) = (oo_first, o_in, foff)
                        && oo < oi
                        && oi < f
                    {
                        ds = Some(((oo - a) + (f - oi)) as f64 / (b - a) as f64 * 100.0);
                    }
                }
                Some(Mode::Run) => {
                    // Frames in the stride with neither foot down.
                    if let (Some(f), Some(oi)) = (foff, o_in) {
                        let ooff = ooffs.iter().copied().find(|&x| x > oi && x <= b + (b - a));
                        if let Some(ooff) = ooff {
                            let f1 = oi.saturating_sub(f);
                            let f2 = b.saturating_sub(ooff.min(b));
                            fl = Some((f1 + f2) as f64 / (b - a) as f64 * 100.0);
                        }
                    }
                }
                None => {}
            }
            let strike = fs.strikes.iter().find(|x| x.side == s && x.index == a);
            out.push(Stride {
                side: Some(s),
                start: a,
                end: b,
                foot_off: foff,
                start_time_s: t.time0_s + a as f64 / rate,
                stride_time_s: st,
                stride_length_m: stride_len,
                step_length_m: step_len,
                step_time_s: step_t,
                step_width_m: step_w,
                cadence_steps_per_min: 120.0 / st,
                speed_m_s: stride_len.map(|l| l / st),
                stance_pct: stance,
                swing_pct: stance.map(|x| 100.0 - x),
                double_support_pct: ds,
                flight_pct: fl,
                contact_time_s: contact,
                foot_strike_angle_deg: strike.map(|x| x.angle_deg),
                foot_strike_class: strike.map(|x| x.class.name()),
                complete,
            });
        }
    }
    out.sort_by_key(|s| (s.start, s.side));
    out
}

/// Whether a side's distances fall back to the heel marker (no forefoot marker).
fn marker_is_heel(t: &Trial, s: Side) -> bool {
    use crate::clean::presets::{Landmark, LandmarkKind as K};
    [K::Toe, K::ToeTip, K::Mt2, K::Mt1].into_iter().all(|k| t.landmark(Landmark::new(s, k)).is_none())
}

/// The first complete stride of a side: the cycle Vicon's `ANALYSIS` values
/// describe.
pub fn first_complete(strides: &[Stride], side: Side) -> Option<&Stride> {
    strides.iter().filter(|s| s.side == Some(side) && s.complete).min_by_key(|s| s.start)
}

/// Summary statistics of one key over a set of strides.
pub fn summarize<'a>(strides: impl Iterator<Item = &'a Stride> + Clone, key: &str) -> Option<Stat> {
    let v: Vec<f64> = strides.filter_map(|s| s.get(key)).collect();
    Stat::of(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_and_symmetry() {
        let s = Stat::of(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.mean, 2.0);
        assert_eq!(s.sd, Some(1.0));
        assert_eq!(s.cv, Some(50.0));
        assert_eq!(Stat::of(&[2.0]).unwrap().sd, None);
        assert_eq!(symmetry_index(1.0, 1.2).map(|x| (x * 1e9).round() / 1e9), Some(18.181818182));
    }
}
