//! Physiologically impossible results: values no human gait produces are
//! flagged as data-quality notes (`metrics.json` `notes`, prefixed
//! `implausible:`), so that they are read as a sign of wrong events, swapped
//! or mislabelled markers or wrong units, never as a clinical finding.
//!
//! The limits are deliberately wide (well beyond the extremes of healthy and
//! pathological gait, and of elite sprinting); a value past one is wrong data,
//! not an unusual subject:
//!
//! | quantity | limit | reference point |
//! |---|---|---|
//! | stride length, walking | 0.05 to 3.0 m | fast walking ~1.8 m; race walking ~2.6 m |
//! | stride length, running | 0.05 to 6.0 m | elite sprint ~5 m |
//! | speed, walking | at most 4.0 m/s | race-walking records ~4 m/s |
//! | speed, running | at most 12.5 m/s | peak sprint speed ~12.4 m/s |
//! | cadence | 20 to 300 steps/min | sprinting ~280 steps/min |
//! | step width | at most 0.6 m | normal 0.05 to 0.2 m |
//! | stance, swing, double support, flight | 0 to 100 % of the stride | definition |
//! | knee flexion | -30 to 160 deg | passive range ~-10 to 150 deg |
//! | hip flexion | -60 to 150 deg | passive range ~-30 to 130 deg |
//! | ankle dorsiflexion | -90 to 60 deg | passive range ~-50 to 30 deg |
//! | range of motion of any angle in one cycle | at most 180 deg | |
//!
//! Gait-speed and cadence ranges after Perry & Burnfield, *Gait Analysis:
//! Normal and Pathological Function* (2nd ed., 2010), ch. 1 and 20; joint
//! passive ranges after the AAOS normal-range tables (Greene & Heckman 1994).
//! Checked per stride (a single impossible stride is named, with how many of
//! the side's strides it affects) and on the per-side angle summaries.

use crate::output::metrics::Metrics;
use crate::spatiotemporal::Stride;

/// One limit: the key, the allowed range and its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub key: &'static str,
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
}

const fn lim(key: &'static str, min: f64, max: f64, unit: &'static str) -> Limit {
    Limit { key, min, max, unit }
}

/// Spatiotemporal limits for walking (`run = false`) or running.
pub fn stride_limits(run: bool) -> [Limit; 8] {
    [
        lim("stride_length_m", 0.05, if run { 6.0 } else { 3.0 }, "m"),
        lim("speed_m_s", 0.0, if run { 12.5 } else { 4.0 }, "m/s"),
        lim("cadence_steps_per_min", 20.0, 300.0, "steps/min"),
        lim("step_width_m", 0.0, 0.6, "m"),
        lim("stance_pct", 0.0, 100.0, "%"),
        lim("swing_pct", 0.0, 100.0, "%"),
        lim("double_support_pct", 0.0, 100.0, "%"),
        lim("flight_pct", 0.0, 100.0, "%"),
    ]
}

/// Joint-angle limits (degrees) on a cycle's maximum and minimum.
pub const ANGLE_LIMITS: [Limit; 3] = [
    lim("knee_flexion", -30.0, 160.0, "deg"),
    lim("hip_flexion", -60.0, 150.0, "deg"),
    lim("ankle_dorsiflexion", -90.0, 60.0, "deg"),
];

/// Largest plausible range of motion of any angle within one cycle, degrees.
pub const MAX_ROM_DEG: f64 = 180.0;

fn fmt(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    format!("{r}")
}

/// Notes on the strides whose values no gait produces: one per side and key,
/// naming how many strides and the worst value.
pub fn stride_notes(strides: &[Stride], run: bool) -> Vec<String> {
    let mode = if run { "running" } else { "walking" };
    let mut notes = Vec::new();
    for side in [crate::model::Side::Left, crate::model::Side::Right] {
        let mine: Vec<&Stride> = strides.iter().filter(|s| s.side == Some(side)).collect();
        for l in stride_limits(run) {
            let bad: Vec<f64> =
                mine.iter().filter_map(|s| s.get(l.key)).filter(|v| !(l.min..=l.max).contains(v)).collect();
            let Some(worst) = bad.iter().copied().max_by(|a, b| {
                let d = |v: f64| if v > l.max { v - l.max } else { l.min - v };
                d(*a).total_cmp(&d(*b))
            }) else {
                continue;
            };
            notes.push(format!(
                "implausible: {} of {} {} strides have {} outside {}..{} {} ({mode}; worst {}); \
                 not a finding: check the events, marker labels and units",
                bad.len(),
                mine.len(),
                side.name(),
                l.key,
                fmt(l.min),
                fmt(l.max),
                l.unit,
                fmt(worst)
            ));
        }
    }
    notes
}

/// Notes on the angle summaries (`metrics.angles`) beyond the joint limits.
pub fn angle_notes(m: &Metrics) -> Vec<String> {
    let Some(a) = &m.angles else { return Vec::new() };
    let mut notes = Vec::new();
    for (side, vars) in [("left", &a.left), ("right", &a.right)] {
        for l in ANGLE_LIMITS {
            let Some(f) = vars.get(l.key) else { continue };
            let (hi, lo) = (f.get("max_deg").map(|s| s.mean), f.get("min_deg").map(|s| s.mean));
            if let Some(hi) = hi.filter(|v| *v > l.max) {
                notes.push(format!(
                    "implausible: {side} {} peaks at {} deg on average, beyond {} deg; not a finding: check the \
                     markers and the subject measurements",
                    l.key,
                    fmt(hi),
                    fmt(l.max)
                ));
            }
            if let Some(lo) = lo.filter(|v| *v < l.min) {
                notes.push(format!(
                    "implausible: {side} {} reaches {} deg on average, beyond {} deg; not a finding: check the \
                     markers and the subject measurements",
                    l.key,
                    fmt(lo),
                    fmt(l.min)
                ));
            }
        }
        for (var, f) in vars.iter() {
            if let Some(rom) = f.get("rom_deg").map(|s| s.mean).filter(|v| *v > MAX_ROM_DEG) {
                notes.push(format!(
                    "implausible: {side} {var} moves through {} deg in a cycle on average, beyond {} deg; \
                     not a finding: check for angle wrap-around or swapped markers",
                    fmt(rom),
                    fmt(MAX_ROM_DEG)
                ));
            }
        }
    }
    notes
}

/// All plausibility notes of a trial's metrics and strides.
pub fn notes(m: &Metrics, strides: &[Stride]) -> Vec<String> {
    let run = m.trial.mode == Some("run");
    let mut out = stride_notes(strides, run);
    out.extend(angle_notes(m));
    out
}

/// Whether one spatiotemporal value is within the limits (for stages that
/// must not turn an impossible value into a finding).
pub fn plausible(key: &str, value: f64, run: bool) -> bool {
    stride_limits(run).iter().find(|l| l.key == key).is_none_or(|l| (l.min..=l.max).contains(&value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Side;

    fn stride(side: Side, len: f64, time: f64) -> Stride {
        Stride {
            side: Some(side),
            start: 0,
            end: 100,
            foot_off: None,
            start_time_s: 0.0,
            stride_time_s: time,
            stride_length_m: Some(len),
            step_length_m: None,
            step_time_s: None,
            step_width_m: None,
            cadence_steps_per_min: 120.0 / time,
            speed_m_s: Some(len / time),
            stance_pct: Some(60.0),
            swing_pct: Some(40.0),
            double_support_pct: None,
            flight_pct: None,
            contact_time_s: None,
            foot_strike_angle_deg: None,
            foot_strike_class: None,
            complete: true,
        }
    }

    #[test]
    fn normal_walking_gives_no_note() {
        let s = [stride(Side::Left, 1.3, 1.1), stride(Side::Right, 1.32, 1.08)];
        assert!(stride_notes(&s, false).is_empty());
    }

    #[test]
    fn a_five_metre_walking_stride_is_flagged() {
        let s = [stride(Side::Left, 1.3, 1.1), stride(Side::Left, 5.0, 1.1), stride(Side::Right, 1.3, 1.1)];
        assert_eq!(
            stride_notes(&s, false),
            vec![
                "implausible: 1 of 2 left strides have stride_length_m outside 0.05..3 m (walking; worst 5); \
                 not a finding: check the events, marker labels and units",
                "implausible: 1 of 2 left strides have speed_m_s outside 0..4 m/s (walking; worst 4.545); \
                 not a finding: check the events, marker labels and units"
            ]
        );
        // The same stride is possible when running (4.5 m/s, 5 m).
        assert!(stride_notes(&s, true).is_empty());
    }

    #[test]
    fn cadence_of_500_is_flagged() {
        // 120 / 0.24 s = 500 steps/min.
        let n = stride_notes(&[stride(Side::Right, 1.0, 0.24)], true);
        assert_eq!(
            n,
            vec![
                "implausible: 1 of 1 right strides have cadence_steps_per_min outside 20..300 steps/min \
                 (running; worst 500); not a finding: check the events, marker labels and units"
            ]
        );
        assert!(!plausible("cadence_steps_per_min", 500.0, true));
        assert!(plausible("cadence_steps_per_min", 180.0, true));
        assert!(plausible("unknown_key", 1e9, false));
    }
}
