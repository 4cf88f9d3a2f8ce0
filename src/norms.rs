//! `gaitline norms build`: a lab's own normative reference from its healthy
//! trials (issue 5, "Normative bands"), written in the norms file format that
//! `analyze --norms` reads ([`crate::report::norms`]: CSV `variable,pct,mean,sd`).
//!
//! # Method
//! Every trial and side contributes **one** mean curve per joint-angle
//! variable (the mean of its complete 101-point cycles) and one mean value
//! per spatiotemporal key. The norm is the mean and the sample standard
//! deviation (n − 1) of those per-limb means at each percent of the cycle:
//! a between-limb (between-subject when each subject gives one trial)
//! spread, as published reference sets report it (e.g. Schwartz, Rozumalski
//! & Trost 2008, J Biomech 41:1639-1650, mean ± 1 SD of subject means).
//! Pooling every cycle instead would let a trial with many strides dominate
//! and would mix within-limb stride variability into the band.
//!
//! Left and right limbs are pooled, since Plug-in Gait's signs make the two
//! sides comparable. A variable needs at least [`MIN_LIMBS`] limbs; others are
//! left out and named in a comment line of the file. The output is
//! deterministic: trials sorted by id, numbers with fixed precision, no date.

use crate::angles::VARIABLES;
use crate::angles::cycles::{AngleCycles, mean_sd};
use crate::spatiotemporal::{KEYS, Stat, Stride, summarize};
use std::fmt::Write as _;

/// Fewest limbs (trial sides) a variable needs to get a normative band.
pub const MIN_LIMBS: usize = 3;

/// Per-limb means gathered from trials, to be summarised by [`Builder::to_csv`].
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// (trial id, limbs it contributed).
    trials: Vec<(String, usize)>,
    /// Per variable (index as [`VARIABLES`]): one mean curve per limb.
    curves: Vec<Vec<[f64; 101]>>,
    /// Per spatiotemporal key (index as [`KEYS`]): one mean per limb.
    values: Vec<Vec<f64>>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder { trials: Vec::new(), curves: vec![Vec::new(); VARIABLES.len()], values: vec![Vec::new(); KEYS.len()] }
    }

    /// Add one trial: its angle cycles (if any) and its strides.
    pub fn add(&mut self, id: &str, cycles: Option<&AngleCycles>, strides: &[Stride]) {
        let mut limbs = 0;
        for (si, side) in crate::angles::pig::SIDES.iter().enumerate() {
            let mut any = false;
            if let Some(c) = cycles {
                for (v, curves) in c.cycles[si].iter().enumerate() {
                    if !curves.is_empty() {
                        self.curves[v].push(mean_sd(curves).0);
                        any = true;
                    }
                }
            }
            let mine = strides.iter().filter(|s| s.side == Some(*side));
            for (k, key) in KEYS.iter().enumerate() {
                if let Some(st) = summarize(mine.clone(), key) {
                    self.values[k].push(st.mean);
                    any = true;
                }
            }
            limbs += usize::from(any);
        }
        self.trials.push((id.to_string(), limbs));
    }

    /// Limbs contributed in all.
    pub fn limbs(&self) -> usize {
        self.trials.iter().map(|t| t.1).sum()
    }

    /// The norms file (CSV as [`crate::report::norms`] reads it), or an error
    /// when no variable has [`MIN_LIMBS`] limbs.
    pub fn to_csv(&self) -> Result<String, String> {
        let mut trials = self.trials.clone();
        trials.sort();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# gaitline {} norms build: {} trials, {} limbs; per-limb means, mean and SD (n-1) across limbs",
            env!("CARGO_PKG_VERSION"),
            trials.len(),
            self.limbs()
        );
        let _ = writeln!(s, "# trials: {}", trials.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(" "));
        let mut skipped = Vec::new();
        let mut body = String::from("variable,pct,mean,sd\n");
        let mut rows = 0;
        for (v, name) in VARIABLES.iter().enumerate() {
            let c = &self.curves[v];
            if c.len() < MIN_LIMBS {
                skipped.push(format!("{name} ({} limbs)", c.len()));
                continue;
            }
            let (m, sd) = mean_sd(c);
            for p in 0..101 {
                let _ = writeln!(body, "{name},{p},{:.4},{:.4}", m[p], sd[p]);
            }
            rows += 1;
        }
        for (k, key) in KEYS.iter().enumerate() {
            let v = &self.values[k];
            if v.len() < MIN_LIMBS {
                skipped.push(format!("{key} ({} limbs)", v.len()));
                continue;
            }
            let Some(Stat { mean, sd: Some(sd), .. }) = Stat::of(v) else { continue };
            let _ = writeln!(body, "{key},,{mean:.6},{sd:.6}");
            rows += 1;
        }
        if rows == 0 {
            return Err(format!(
                "no variable has the {MIN_LIMBS} limbs a norm needs ({} trials, {} limbs given)",
                trials.len(),
                self.limbs()
            ));
        }
        if !skipped.is_empty() {
            let _ = writeln!(s, "# left out, fewer than {MIN_LIMBS} limbs: {}", skipped.join(", "));
        }
        s.push_str(&body);
        Ok(s)
    }
}

/// Gait Profile Score and Gait Variable Scores of one trial against a norms
/// file (Baker et al. 2009, Gait Posture 30:265-269), as `metrics.json`
/// `angles.gait_profile` gives them.
///
/// GVS = RMS difference over the 101 points between the side's **mean**
/// cycle and the norm's mean curve ([`crate::angles::cycles::gvs`]); per side
/// the GPS is the RMS (not pyCGM2's arithmetic mean) of that side's nine
/// [`GPS_VARIABLES`] GVS; the overall GPS is the RMS over the left's nine and
/// the right's six non-pelvis GVS, so that the pelvis counts once. A variable
/// without cycles or without a norm curve is left out and named in
/// `missing`; a side with a missing GPS variable has no GPS (a GPS over fewer
/// variables is not comparable), nor has the overall one then.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GaitProfile {
    /// The norms file's name (not its path).
    pub reference: String,
    pub gps_left_deg: Option<f64>,
    pub gps_right_deg: Option<f64>,
    pub gps_overall_deg: Option<f64>,
    /// Per side, variable → GVS in degrees.
    pub gvs_left_deg: std::collections::BTreeMap<&'static str, f64>,
    pub gvs_right_deg: std::collections::BTreeMap<&'static str, f64>,
    pub missing: Vec<String>,
}

pub use crate::angles::cycles::GPS_VARIABLES;

/// [`GaitProfile`] of a trial's angle cycles; `None` when no GPS variable has
/// both cycles and a norm.
pub fn gait_profile(c: &AngleCycles, norms: &crate::report::norms::Norms) -> Option<GaitProfile> {
    use crate::angles::cycles::{gps, gvs};
    let mut per_side: [std::collections::BTreeMap<&'static str, f64>; 2] = Default::default();
    let mut missing = Vec::new();
    for (si, side) in ["left", "right"].iter().enumerate() {
        for &var in &GPS_VARIABLES {
            let vi = VARIABLES.iter().position(|v| *v == var).expect("GPS variables are angle variables");
            let cycles = &c.cycles[si][vi];
            match norms.curve(var) {
                Some(n) if !cycles.is_empty() => {
                    per_side[si].insert(var, round4(gvs(&mean_sd(cycles).0, &n.mean)));
                }
                _ => missing.push(format!("{side} {var}")),
            }
        }
    }
    if per_side.iter().all(|m| m.is_empty()) {
        return None;
    }
    let side_gps = |m: &std::collections::BTreeMap<&'static str, f64>| {
        (m.len() == GPS_VARIABLES.len()).then(|| round4(gps(&m.values().copied().collect::<Vec<_>>())))
    };
    let overall = (per_side[0].len() == GPS_VARIABLES.len() && per_side[1].len() == GPS_VARIABLES.len()).then(|| {
        let v: Vec<f64> = per_side[0]
            .values()
            .copied()
            .chain(per_side[1].iter().filter(|(k, _)| !k.starts_with("pelvis")).map(|(_, v)| *v))
            .collect();
        round4(gps(&v))
    });
    let [l, r] = per_side;
    Some(GaitProfile {
        reference: norms.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        gps_left_deg: side_gps(&l),
        gps_right_deg: side_gps(&r),
        gps_overall_deg: overall,
        gvs_left_deg: l,
        gvs_right_deg: r,
        missing,
    })
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}
