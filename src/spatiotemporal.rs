//! Spatiotemporal parameters per stride and per side, from the events.
//!
//! Definitions (Vicon Nexus / Polygon FAQ "How does Nexus Plug-in Gait and
//! Polygon calculate gait cycle parameters"; pyCGM2 `Processing/cycle.py`):
//! - a stride runs from a foot strike to the next strike of the same foot;
//!   stride time between them; cadence = 120 / stride time in **steps/min**;
//! - stride length: heel-marker displacement along the progression (X)
//!   between the two strikes; step length: from the contralateral heel at the
//!   contralateral strike before this stride to this heel at this stride's
//!   strike; step time likewise; on a treadmill both add belt speed × time
//!   (OpenCap);
//! - step width: lateral (Y) distance between the two heels at those strikes;
//! - speed = stride length / stride time;
//! - stance (foot off) % = (foot off − strike) / stride time; swing = 100 −
//!   stance; contact time = foot off − strike;
//! - double support % (walking): (opposite foot off − strike) + (opposite
//!   strike − this foot's off), over the stride; flight % (running): the
//!   time within the stride when neither foot is down.
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
    let heel = |s: Side, i: usize| k.foot(s).map(|f| f.heel[i]).filter(|p| p.iter().all(|v| v.is_finite()));
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
            let prev_o = ostrikes.iter().copied().filter(|&x| x < a && (a - x) as f64 / rate < st).max();
            let o_in = ostrikes.iter().copied().find(|&x| x > a && x < b);
            let oo_first = ooffs.iter().copied().find(|&x| x > a && x < b);
            let stride_len = match (heel(s, a), heel(s, b)) {
                (Some(p), Some(q)) => Some(q[0] - p[0] + belt * st),
                _ => None,
            };
            let (step_len, step_t, step_w) = match prev_o {
                Some(po) => {
                    let t_step = (a - po) as f64 / rate;
                    match (heel(o, po), heel(s, a)) {
                        (Some(p), Some(q)) => {
                            (Some(q[0] - p[0] + belt * t_step), Some(t_step), Some((q[1] - p[1]).abs()))
                        }
                        _ => (None, Some(t_step), None),
                    }
                }
                None => (None, None, None),
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
            });
        }
    }
    out.sort_by_key(|s| (s.start, s.side));
    out
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
