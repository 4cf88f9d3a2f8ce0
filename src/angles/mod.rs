//! Joint and segment angles (pure functions of a [`crate::trial::Trial`]).
//!
//! - [`mod@cardan`]: the one generic routine "proximal frame, distal frame, Cardan
//!   sequence" used by every model, with gimbal lock reported.
//! - [`pig`]: Plug-in Gait / Conventional Gait Model 1 lower body (static
//!   calibration and dynamic angles, Vicon's axes, sequences and signs).
//! - [`cast`]: cluster marker sets through a static trial (calibrated anatomical
//!   systems technique, ISB joint coordinate systems).
//! - [`chain`]: the CAST segments linked by joints and fitted together per
//!   frame (joint-constrained, as OpenSim's inverse kinematics; an option).
//! - [`rigid`]: least-squares rigid fit of a marker cluster (used by [`cast`]).
//! - [`cycles`]: angles cut at foot strikes and normalised to 101 points.
//! - [`vsk`]: subject measurements from a Vicon `.vsk` (`--vsk`).

pub mod cardan;
pub mod cast;
pub mod chain;
pub mod cycles;
pub mod pig;
pub mod rigid;
pub mod vsk;

pub use cardan::{Axis, Cardan, cardan, joint_angles};
pub use pig::{HipCentre, PigAngles, PigCalibration, PigOptions, VARIABLES};

/// Joint angles per frame from whichever model produced them: what the
/// pipeline keeps (`Analysis::angles`) and the outputs read.
#[derive(Debug, Clone, PartialEq)]
pub struct JointAngles {
    /// The model, as written to `metrics.json` `angles.model`:
    /// `"plug-in-gait"`, [`cast::MODEL`] or [`chain::MODEL`].
    pub model: &'static str,
    /// Degrees per side (index as [`pig::SIDES`]) and variable (index as
    /// [`VARIABLES`]) and frame; NaN where not computable.
    pub values: [Vec<Vec<f64>>; 2],
    /// Frames where a joint's Cardan decomposition was in gimbal lock, per side.
    pub gimbal_lock_frames: [usize; 2],
    /// The model's calibration notes.
    pub notes: Vec<String>,
}

impl JointAngles {
    /// The values of one side and variable.
    pub fn get(&self, side: crate::model::Side, var: &str) -> Option<&[f64]> {
        let v = VARIABLES.iter().position(|n| *n == var)?;
        Some(&self.values[pig::side_index(side)][v])
    }
}

impl From<PigAngles> for JointAngles {
    fn from(a: PigAngles) -> Self {
        JointAngles {
            model: "plug-in-gait",
            values: a.values,
            gimbal_lock_frames: a.gimbal_lock_frames,
            notes: a.calibration.notes,
        }
    }
}

impl From<cast::CastAngles> for JointAngles {
    fn from(a: cast::CastAngles) -> Self {
        JointAngles {
            model: cast::MODEL,
            values: a.values,
            gimbal_lock_frames: a.gimbal_lock_frames,
            notes: a.calibration.notes,
        }
    }
}

/// Per-frame angle values (side, variable, frame) of any model's result.
impl AsRef<[Vec<Vec<f64>>; 2]> for JointAngles {
    fn as_ref(&self) -> &[Vec<Vec<f64>>; 2] {
        &self.values
    }
}

impl AsRef<[Vec<Vec<f64>>; 2]> for PigAngles {
    fn as_ref(&self) -> &[Vec<Vec<f64>>; 2] {
        &self.values
    }
}

impl AsRef<[Vec<Vec<f64>>; 2]> for cast::CastAngles {
    fn as_ref(&self) -> &[Vec<Vec<f64>>; 2] {
        &self.values
    }
}

/// The joint angles of a trial and the notes about them: Plug-in Gait when
/// the trial has its markers and the subject measurements; otherwise, when a
/// static trial has the anatomical landmarks and the motion trial rigid
/// clusters, the CAST model ([`cast`]); else none, with the reasons. The
/// subject's `angle_model` ([`crate::model::AngleModel`], `--angle-model`)
/// asks for one model instead: Plug-in Gait only, CAST only, or the
/// joint-constrained chain ([`chain`], hinge knee and ankle, equal marker
/// weights).
pub fn compute(t: &crate::trial::Trial) -> (Option<JointAngles>, Vec<String>) {
    use crate::model::AngleModel;
    let mut notes = Vec::new();
    let lock_note = |notes: &mut Vec<String>, locks: [usize; 2]| {
        for (s, n) in locks.iter().enumerate().filter(|(_, n)| **n > 0) {
            notes.push(format!(
                "angles: {n} joint-frames of the {} side in gimbal lock (first angle carries the sum)",
                pig::SIDES[s].name()
            ));
        }
    };
    let wanted = t.subject.angle_model;
    let pig_err = if matches!(wanted, None | Some(AngleModel::PlugInGait)) {
        match pig::angles(t, &PigOptions::from_subject(&t.subject)) {
            Ok(a) => {
                notes.extend(a.calibration.notes.iter().map(|n| format!("angles: {n}")));
                lock_note(&mut notes, a.gimbal_lock_frames);
                return (Some(a.into()), notes);
            }
            Err(e) if wanted.is_some() => {
                notes.push(format!("joint angles not computed (--angle-model pig): {e}"));
                return (None, notes);
            }
            Err(e) => e,
        }
    } else {
        "not asked for (--angle-model)".to_string()
    };
    if wanted == Some(AngleModel::Chain) {
        let r = cast::calibrate(t, &cast::CastOptions::from_subject(&t.subject))
            .and_then(|cal| chain::angles_with(t, &cal, &chain::ChainOptions::default()));
        return match r {
            Ok(a) => {
                notes.push(format!("angles: {} (asked for with --angle-model chain)", chain::MODEL));
                notes.extend(a.calibration.notes.iter().map(|n| format!("angles: {n}")));
                lock_note(&mut notes, a.gimbal_lock_frames);
                let mut j: JointAngles = a.into();
                j.model = chain::MODEL;
                (Some(j), notes)
            }
            Err(e) => {
                notes.push(format!("joint angles not computed (--angle-model chain): {e}"));
                (None, notes)
            }
        };
    }
    if t.static_trial.is_none() {
        notes.push(format!("joint angles not computed: {pig_err}"));
        return (None, notes);
    }
    match cast::angles(t, &cast::CastOptions::from_subject(&t.subject)) {
        Ok(a) => {
            notes.push(format!(
                "angles: {} (Plug-in Gait not applicable: {pig_err}); hip centre {:?}, tracking clusters from the static trial",
                cast::MODEL,
                a.calibration.hip_centre
            ));
            notes.extend(a.calibration.notes.iter().map(|n| format!("angles: {n}")));
            lock_note(&mut notes, a.gimbal_lock_frames);
            (Some(a.into()), notes)
        }
        Err(e) => {
            notes.push(format!("joint angles not computed: {pig_err}; CAST: {e}"));
            (None, notes)
        }
    }
}
