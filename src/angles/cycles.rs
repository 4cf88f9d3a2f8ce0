//! Angles cut into gait cycles (foot strike to next foot strike of the same
//! side) and normalised to 0-100 % in 101 points by linear interpolation.

/// Resample `v[start..=end]` to 101 points (0, 1, ..., 100 % of the cycle).
/// A cycle with any missing sample inside is `None` (gaps are not bridged).
pub fn normalise(v: &[f64], start: usize, end: usize) -> Option<[f64; 101]> {
    if end <= start || end >= v.len() {
        return None;
    }
    let seg = &v[start..=end];
    if seg.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let span = (end - start) as f64;
    Some(std::array::from_fn(|p| {
        let x = p as f64 / 100.0 * span;
        let i = (x.floor() as usize).min(seg.len() - 2);
        let f = x - i as f64;
        seg[i] * (1.0 - f) + seg[i + 1] * f
    }))
}

/// Mean and sample SD per point over cycles (SD NaN for one cycle).
pub fn mean_sd(cycles: &[[f64; 101]]) -> ([f64; 101], [f64; 101]) {
    let n = cycles.len() as f64;
    let mean: [f64; 101] = std::array::from_fn(|p| cycles.iter().map(|c| c[p]).sum::<f64>() / n);
    let sd = std::array::from_fn(|p| {
        if cycles.len() < 2 {
            f64::NAN
        } else {
            (cycles.iter().map(|c| (c[p] - mean[p]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        }
    });
    (mean, sd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_linear_and_gaps() {
        let v: Vec<f64> = (0..51).map(|i| i as f64 * 2.0).collect();
        let c = normalise(&v, 0, 50).unwrap();
        assert_eq!(c[0], 0.0);
        assert_eq!(c[100], 100.0);
        assert!((c[37] - 37.0).abs() < 1e-12);
        let mut g = v.clone();
        g[10] = f64::NAN;
        assert!(normalise(&g, 0, 50).is_none());
        assert!(normalise(&v, 20, 20).is_none());
    }
}

use super::pig::{SIDES, VARIABLES};
use crate::spatiotemporal::Stride;

/// Angles cut into cycles.
#[derive(Debug, Clone, PartialEq)]
pub struct AngleCycles {
    /// Per side (index as [`SIDES`]) and variable (index as [`VARIABLES`]):
    /// the 101-point curves of the strides with every sample present.
    pub cycles: [Vec<Vec<[f64; 101]>>; 2],
    /// Per side, every stride in time order with its curves (index as
    /// [`VARIABLES`]; `None` where the stride has a gap in that variable).
    pub strides: [Vec<StrideCurves>; 2],
}

/// The curves of one stride; `start` and `end` are sample indices of its
/// opening and closing foot strikes.
#[derive(Debug, Clone, PartialEq)]
pub struct StrideCurves {
    pub start: usize,
    pub end: usize,
    pub curves: Vec<Option<[f64; 101]>>,
}

/// Cut every stride (foot strike to the next strike of the same side). `a`
/// is any model's per-frame angles ([`super::pig::PigAngles`],
/// [`super::JointAngles`], [`super::cast::CastAngles`]).
pub fn cut<A: AsRef<[Vec<Vec<f64>>; 2]> + ?Sized>(a: &A, strides: &[Stride]) -> AngleCycles {
    let values = a.as_ref();
    let per_stride: [Vec<StrideCurves>; 2] = std::array::from_fn(|s| {
        let mut v: Vec<StrideCurves> = strides
            .iter()
            .filter(|st| st.side == Some(SIDES[s]))
            .map(|st| StrideCurves {
                start: st.start,
                end: st.end,
                curves: (0..VARIABLES.len()).map(|v| normalise(&values[s][v], st.start, st.end)).collect(),
            })
            .collect();
        v.sort_by_key(|c| c.start);
        v
    });
    let cycles = std::array::from_fn(|s| {
        (0..VARIABLES.len()).map(|v| per_stride[s].iter().filter_map(|c| c.curves[v]).collect()).collect()
    });
    AngleCycles { cycles, strides: per_stride }
}

/// Per-cycle features of one variable: peak (max, min), their timing in % of
/// the cycle, range of motion and mean over the cycle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CycleFeatures {
    pub max_deg: f64,
    pub max_pct: f64,
    pub min_deg: f64,
    pub min_pct: f64,
    pub rom_deg: f64,
    pub mean_deg: f64,
}

/// The names of [`CycleFeatures`]' fields, in output order.
pub const FEATURES: [&str; 6] = ["max_deg", "max_pct", "min_deg", "min_pct", "rom_deg", "mean_deg"];

impl CycleFeatures {
    pub fn of(c: &[f64; 101]) -> CycleFeatures {
        let (mut imax, mut imin) = (0, 0);
        for p in 1..101 {
            if c[p] > c[imax] {
                imax = p;
            }
            if c[p] < c[imin] {
                imin = p;
            }
        }
        CycleFeatures {
            max_deg: c[imax],
            max_pct: imax as f64,
            min_deg: c[imin],
            min_pct: imin as f64,
            rom_deg: c[imax] - c[imin],
            mean_deg: c.iter().sum::<f64>() / 101.0,
        }
    }
    pub fn get(&self, name: &str) -> f64 {
        match name {
            "max_deg" => self.max_deg,
            "max_pct" => self.max_pct,
            "min_deg" => self.min_deg,
            "min_pct" => self.min_pct,
            "rom_deg" => self.rom_deg,
            _ => self.mean_deg,
        }
    }
}

#[cfg(test)]
mod feature_tests {
    use super::*;

    #[test]
    fn features_of_a_sine() {
        let c: [f64; 101] = std::array::from_fn(|p| 10.0 * (p as f64 / 100.0 * std::f64::consts::TAU).sin());
        let f = CycleFeatures::of(&c);
        assert_eq!(f.max_pct, 25.0);
        assert_eq!(f.min_pct, 75.0);
        assert!((f.rom_deg - 20.0).abs() < 1e-9);
        assert!(f.mean_deg.abs() < 1e-9);
    }
}

/// The nine kinematic variables of the Gait Profile Score (Baker et al. 2009,
/// Gait Posture 30:265): pelvis (taken from the left side only, so that it
/// counts once), hip flexion, adduction and rotation, knee flexion, ankle
/// dorsiflexion and foot progression.
pub const GPS_VARIABLES: [&str; 9] = [
    "pelvis_tilt",
    "pelvis_obliquity",
    "pelvis_rotation",
    "hip_flexion",
    "hip_adduction",
    "hip_rotation",
    "knee_flexion",
    "ankle_dorsiflexion",
    "foot_progression",
];

/// Gait Variable Score (Baker 2009): the RMS difference over the 101 points
/// of the normalised cycle between a curve and the normative mean curve.
pub fn gvs(curve: &[f64; 101], norm_mean: &[f64; 101]) -> f64 {
    (curve.iter().zip(norm_mean).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / 101.0).sqrt()
}

/// Gait Profile Score (Baker 2009): the RMS of the GVS values (not their
/// arithmetic mean, which pyCGM2 computes).
pub fn gps(gvs_values: &[f64]) -> f64 {
    if gvs_values.is_empty() {
        return f64::NAN;
    }
    (gvs_values.iter().map(|g| g * g).sum::<f64>() / gvs_values.len() as f64).sqrt()
}

#[cfg(test)]
mod score_tests {
    use super::*;

    #[test]
    fn gvs_and_gps() {
        let norm = [0.0; 101];
        let c = [3.0; 101];
        assert!((gvs(&c, &norm) - 3.0).abs() < 1e-12);
        // RMS, not mean: GVS 3 and 4 give 3.536, not 3.5.
        assert!((gps(&[3.0, 4.0]) - 12.5f64.sqrt()).abs() < 1e-12);
        assert!(gps(&[]).is_nan());
        assert!(GPS_VARIABLES.iter().all(|v| VARIABLES.contains(v)));
    }
}
