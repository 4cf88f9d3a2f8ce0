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

    /// The summary the norms files are written from: every variable with at
    /// least [`MIN_LIMBS`] limbs, the others named in `left_out`; an error
    /// when no variable has enough limbs.
    fn summary(&self) -> Result<Summary, String> {
        let mut trials = self.trials.clone();
        trials.sort();
        let mut s = Summary { trials, limbs: self.limbs(), ..Default::default() };
        for (v, name) in VARIABLES.iter().enumerate() {
            let c = &self.curves[v];
            if c.len() < MIN_LIMBS {
                s.left_out.push(format!("{name} ({} limbs)", c.len()));
                continue;
            }
            let (m, sd) = mean_sd(c);
            s.curves.push((name, c.len(), m, sd));
        }
        for (k, key) in KEYS.iter().enumerate() {
            let v = &self.values[k];
            if v.len() < MIN_LIMBS {
                s.left_out.push(format!("{key} ({} limbs)", v.len()));
                continue;
            }
            let Some(Stat { mean, sd: Some(sd), .. }) = Stat::of(v) else { continue };
            s.values.push((key, v.len(), mean, sd));
        }
        if s.curves.is_empty() && s.values.is_empty() {
            return Err(format!(
                "no variable has the {MIN_LIMBS} limbs a norm needs ({} trials, {} limbs given)",
                s.trials.len(),
                s.limbs
            ));
        }
        Ok(s)
    }

    /// The norms file (CSV as [`crate::report::norms`] reads it), or an error
    /// when no variable has [`MIN_LIMBS`] limbs.
    pub fn to_csv(&self) -> Result<String, String> {
        let sm = self.summary()?;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# gaitline {} norms build: {} trials, {} limbs; per-limb means, mean and SD (n-1) across limbs",
            env!("CARGO_PKG_VERSION"),
            sm.trials.len(),
            sm.limbs
        );
        let _ = writeln!(s, "# trials: {}", sm.trials.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(" "));
        if !sm.left_out.is_empty() {
            let _ = writeln!(s, "# left out, fewer than {MIN_LIMBS} limbs: {}", sm.left_out.join(", "));
        }
        s.push_str("variable,pct,mean,sd\n");
        for (name, _, m, sd) in &sm.curves {
            for p in 0..101 {
                let _ = writeln!(s, "{name},{p},{:.4},{:.4}", m[p], sd[p]);
            }
        }
        for (key, _, mean, sd) in &sm.values {
            let _ = writeln!(s, "{key},,{mean:.6},{sd:.6}");
        }
        Ok(s)
    }

    /// The same norms as JSON (`gaitline norms build ... --out norms.json`),
    /// which `analyze --norms` reads as well ([`crate::report::norms`]):
    ///
    /// ```text
    /// {"format": "gaitline-norms", "version": 1, "generator": "gaitline 0.1.0 norms build",
    ///  "method": "...", "trials": ["walker01", ...], "n_trials": 4, "n_limbs": 8,
    ///  "curves": {"knee_flexion": {"n": 8, "mean": [101 numbers], "sd": [101 numbers]}, ...},
    ///  "values": {"cadence_steps_per_min": {"n": 8, "mean": 113.5, "sd": 8.2}, ...},
    ///  "left_out": ["foot_progression (2 limbs)"]}
    /// ```
    ///
    /// Curves are the 101 points 0, 1, ..., 100 % of the cycle, in degrees,
    /// rounded as in the CSV (4 decimals; values 6); keys in a fixed order,
    /// so the bytes are deterministic.
    pub fn to_json(&self) -> Result<String, String> {
        use serde_json::{Map, Value, json};
        let sm = self.summary()?;
        let r = |x: f64, d: i32| {
            let f = 10f64.powi(d);
            (x * f).round() / f
        };
        let mut curves = Map::new();
        for (name, n, m, sd) in &sm.curves {
            let mean: Vec<f64> = m.iter().map(|x| r(*x, 4)).collect();
            let sd: Vec<f64> = sd.iter().map(|x| r(*x, 4)).collect();
            curves.insert(name.to_string(), json!({"n": n, "mean": mean, "sd": sd}));
        }
        let mut values = Map::new();
        for (key, n, mean, sd) in &sm.values {
            values.insert(key.to_string(), json!({"n": n, "mean": r(*mean, 6), "sd": r(*sd, 6)}));
        }
        let doc = json!({
            "format": crate::report::norms::JSON_FORMAT,
            "version": 1,
            "generator": format!("gaitline {} norms build", env!("CARGO_PKG_VERSION")),
            "method": "per-limb means (one mean cycle per trial side); mean and SD (n-1) across limbs, left and right pooled",
            "trials": sm.trials.iter().map(|t| Value::from(t.0.as_str())).collect::<Vec<_>>(),
            "n_trials": sm.trials.len(),
            "n_limbs": sm.limbs,
            "curves": curves,
            "values": values,
            "left_out": sm.left_out,
        });
        let mut s = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        s.push('\n');
        Ok(s)
    }

    /// [`Builder::to_json`] when `path` ends in `.json`, else [`Builder::to_csv`].
    pub fn to_file_text(&self, path: &std::path::Path) -> Result<String, String> {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) { self.to_json() } else { self.to_csv() }
    }
}

/// What [`Builder`] writes: (name, limbs, mean, sd) per variable kept.
#[derive(Debug, Default)]
struct Summary {
    trials: Vec<(String, usize)>,
    limbs: usize,
    curves: Vec<(&'static str, usize, [f64; 101], [f64; 101])>,
    values: Vec<(&'static str, usize, f64, f64)>,
    left_out: Vec<String>,
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
