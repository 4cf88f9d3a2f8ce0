//! Left/right symmetry of every spatiotemporal parameter and angle peak.
//!
//! Symmetry index (Robinson et al. 1987, J Manipulative Physiol Ther
//! 10:172–176; [`crate::spatiotemporal::symmetry_index`]):
//! SI = (R − L) / (0.5 (R + L)) × 100 %, of the side means. Threshold
//! [`THRESHOLD_PCT`] = 10 %: the cut-off widely used (Herzog et al. 1989 for
//! ground reaction forces), arbitrary by its own authors' account (domain
//! reference §3.9); values beyond it are listed in `exceeding`, not findings.
//!
//! Angles: the SI of a peak is only defined when the two sides' peaks share a
//! sign and their mean is at least [`ANGLE_MIN_MEAN_DEG`] away from zero (an
//! SI of angles near 0 deg is meaningless: a 2 deg difference around 1 deg
//! would read 200 %); the difference R − L in degrees is always given.

use crate::angles::cycles::{AngleCycles, CycleFeatures};
use crate::angles::pig::VARIABLES;
use crate::model::Side;
use crate::spatiotemporal::{KEYS, Stride, summarize, symmetry_index};
use serde::Serialize;
use std::collections::BTreeMap;

/// SI threshold, %.
pub const THRESHOLD_PCT: f64 = 10.0;
/// Smallest |mean| of an angle feature for its SI, deg.
pub const ANGLE_MIN_MEAN_DEG: f64 = 5.0;
pub const SOURCE: &str = "Robinson et al. 1987 (J Manipulative Physiol Ther 10:172-176): SI = (R - L)/(0.5 (R + L)) \
     x 100 %; 10 % threshold as commonly used (Herzog et al. 1989), arbitrary";

/// Angle features compared.
pub const ANGLE_FEATURES: [&str; 3] = ["max_deg", "min_deg", "rom_deg"];

/// One angle feature of both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AngleSymmetry {
    pub left: f64,
    pub right: f64,
    pub difference_deg: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub si_pct: Option<f64>,
}

/// The `symmetry` object of `metrics.json`. The spatiotemporal SIs stay at
/// the top level under their parameter names (as before); the rest is added.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Symmetry {
    #[serde(flatten)]
    pub spatiotemporal: BTreeMap<&'static str, f64>,
    /// `<variable>.<feature>` → both sides, difference and SI.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub angles: BTreeMap<String, AngleSymmetry>,
    pub threshold_pct: f64,
    pub method: &'static str,
    /// Keys (spatiotemporal names and `angles` keys) with |SI| above the threshold.
    pub exceeding: Vec<String>,
}

impl Symmetry {
    /// The SI of a spatiotemporal parameter (the pre-existing flat keys).
    pub fn get(&self, key: &str) -> Option<&f64> {
        self.spatiotemporal.get(key)
    }
}

fn r(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// Symmetry of a trial's strides and angle cycles (pure). `None` when neither
/// side pair has a value.
pub fn analyze(strides: &[Stride], cycles: Option<&AngleCycles>) -> Option<Symmetry> {
    let mut s = Symmetry { threshold_pct: THRESHOLD_PCT, method: SOURCE, ..Default::default() };
    for key in KEYS {
        let l = summarize(strides.iter().filter(|s| s.side == Some(Side::Left)), key);
        let rr = summarize(strides.iter().filter(|s| s.side == Some(Side::Right)), key);
        if let (Some(l), Some(rr)) = (l, rr)
            && let Some(si) = symmetry_index(l.mean, rr.mean)
        {
            s.spatiotemporal.insert(key, r(si, 3));
            if si.abs() > THRESHOLD_PCT {
                s.exceeding.push(key.to_string());
            }
        }
    }
    if let Some(c) = cycles {
        for (v, var) in VARIABLES.iter().enumerate() {
            let feats = |si: usize| -> Vec<CycleFeatures> { c.cycles[si][v].iter().map(CycleFeatures::of).collect() };
            let (fl, fr) = (feats(0), feats(1));
            if fl.is_empty() || fr.is_empty() {
                continue;
            }
            for f in ANGLE_FEATURES {
                let m = |x: &[CycleFeatures]| x.iter().map(|c| c.get(f)).sum::<f64>() / x.len() as f64;
                let (l, rr) = (m(&fl), m(&fr));
                let mean = 0.5 * (l + rr);
                let si = (l * rr > 0.0 && mean.abs() >= ANGLE_MIN_MEAN_DEG)
                    .then(|| symmetry_index(l, rr))
                    .flatten()
                    .map(|x| r(x, 2));
                let key = format!("{var}.{f}");
                if si.is_some_and(|x| x.abs() > THRESHOLD_PCT) {
                    s.exceeding.push(key.clone());
                }
                s.angles.insert(
                    key,
                    AngleSymmetry { left: r(l, 3), right: r(rr, 3), difference_deg: r(rr - l, 3), si_pct: si },
                );
            }
        }
    }
    (!s.spatiotemporal.is_empty() || !s.angles.is_empty()).then_some(s)
}
