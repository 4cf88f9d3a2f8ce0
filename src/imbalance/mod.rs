//! Hamstring/quadriceps imbalance evidence (issue 6). Pure functions of the
//! trial and its strides.
//!
//! - [`emg`]: Evidence 1, surface EMG of hamstrings and quadriceps.
//! - [`dynamometer`]: Evidence 2, isokinetic dynamometer torques (H:Q, LSI).
//! - [`kinematic`]: Evidence 3, kinematics (terminal swing, hamstring length estimate,
//!   overstriding, loading response).
//! - [`symmetry`]: Robinson symmetry indices of every spatiotemporal parameter and angle peak.
//! - [`findings`]: findings and recommendations drawn from the evidence.

pub mod dynamometer;
pub mod emg;
pub mod findings;
pub mod kinematic;
pub mod symmetry;

use crate::error::ReadError;
use crate::spatiotemporal::Stride;
use crate::trial::Trial;

/// Everything the imbalance stage adds to a trial's analysis.
#[derive(Debug, Clone, Default)]
pub struct Imbalance {
    pub kinematic: Option<kinematic::KinematicEvidence>,
    pub dynamometer: Option<dynamometer::DynamometerResult>,
    pub symmetry: Option<symmetry::Symmetry>,
    pub findings: Vec<findings::Finding>,
    pub recommendations: Vec<findings::Recommendation>,
    pub notes: Vec<String>,
}

/// Draw the evidence together (pure): kinematics and symmetry from the
/// strides and angle cycles, the dynamometer file if one was read (a read
/// error becomes a note naming file, line and column), the EMG evidence
/// computed before; then findings and recommendations.
pub fn assess(
    t: &Trial,
    strides: &[Stride],
    cycles: Option<&crate::angles::cycles::AngleCycles>,
    mode: Option<crate::events::Mode>,
    emg: Option<&emg::EmgImbalance>,
    dyn_file: Option<Result<dynamometer::Dynamometer, ReadError>>,
) -> Imbalance {
    let mut notes = Vec::new();
    let dynamometer = match dyn_file {
        Some(Ok(d)) => Some(dynamometer::analyze(&d, t.subject.involved_side)),
        Some(Err(e)) => {
            notes.push(format!("dynamometer file not used: {e}"));
            None
        }
        None => None,
    };
    let kinematic = (!strides.is_empty()).then(|| kinematic::analyze(t, strides, cycles));
    let symmetry = symmetry::analyze(strides, cycles);
    let found = findings::assess(&findings::Inputs {
        mode,
        emg,
        dynamometer: dynamometer.as_ref(),
        kinematic: kinematic.as_ref(),
        symmetry: symmetry.as_ref(),
    });
    let recommendations = findings::recommend(&found);
    Imbalance { kinematic, dynamometer, symmetry, findings: found, recommendations, notes }
}
