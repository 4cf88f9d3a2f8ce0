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
use crate::model::Side;
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

/// The side-car files of a trial's imbalance evidence, read (the IO edge of
/// this stage; everything else is pure).
#[derive(Debug, Clone, Default)]
pub struct SideCars {
    /// `<stem>_dynamometer.csv` ([`dynamometer`]).
    pub dynamometer: Option<Result<dynamometer::Dynamometer, ReadError>>,
    /// `<stem>_emgmap.toml`, else `emg_channels.toml` in the folder ([`emg::ChannelMap`]).
    pub channel_map: Option<Result<emg::ChannelMap, ReadError>>,
    /// `<stem>_mvc.<ext>`, any format gaitline reads: its analog channels.
    pub mvc: Option<Result<(std::path::PathBuf, Vec<crate::model::AnalogChannel>), ReadError>>,
}

/// Name suffix of an MVC recording (`<stem>_mvc.c3d`, ...).
pub const MVC_SUFFIX: &str = "_mvc";

/// Whether a file is an MVC recording by its name (`..._mvc.<ext>`): not a trial of its own.
pub fn is_mvc_name(p: &std::path::Path) -> bool {
    p.file_stem().is_some_and(|s| s.to_string_lossy().to_ascii_lowercase().ends_with(MVC_SUFFIX))
}

impl SideCars {
    /// Look for the side-cars beside `files` (by each file's group key) and read them.
    pub fn read(files: &[std::path::PathBuf]) -> SideCars {
        let dynamometer = dynamometer::sidecar_for(files).map(|p| dynamometer::read(&p));
        let mut channel_map = None;
        let mut mvc = None;
        for f in files {
            let dir = f.parent().unwrap_or(std::path::Path::new(""));
            let key = crate::group::group_key(f);
            if channel_map.is_none() {
                for p in [dir.join(format!("{key}_emgmap.toml")), dir.join("emg_channels.toml")] {
                    if p.is_file() {
                        channel_map = Some(
                            std::fs::read_to_string(&p)
                                .map_err(|e| ReadError::io(&p, &e))
                                .and_then(|text| emg::ChannelMap::parse(&p, &text)),
                        );
                        break;
                    }
                }
            }
            if mvc.is_none() {
                for ext in crate::group::DATA_EXTENSIONS {
                    let p = dir.join(format!("{key}{MVC_SUFFIX}.{ext}"));
                    if p.is_file() && !files.contains(&p) {
                        mvc = Some(crate::io::read_file(&p, None).map(|r| (p.clone(), r.analogs)));
                        break;
                    }
                }
            }
        }
        SideCars { dynamometer, channel_map, mvc }
    }
}

/// The EMG evidence with the side-cars' channel map and MVC recording
/// (pure); read errors of the side-cars are left to [`assess`]'s notes.
pub fn emg_evidence(t: &Trial, strides: &[Stride], sc: &SideCars) -> Option<emg::EmgImbalance> {
    emg_prepare(t, sc).map(|p| emg::finish(t, strides, p))
}

/// The strides-free part of [`emg_evidence`] ([`emg::prepare`]): the
/// envelopes, with the side-cars' channel map and MVC recording.
pub fn emg_prepare(t: &Trial, sc: &SideCars) -> Option<emg::EmgPrepared> {
    let inputs = emg::EmgInputs {
        channel_map: sc.channel_map.as_ref().and_then(|r| r.as_ref().ok()),
        mvc: sc.mvc.as_ref().and_then(|r| r.as_ref().ok()).map(|(_, a)| a.as_slice()),
    };
    emg::prepare(t, &emg::EmgOptions::default(), &inputs)
}

/// Draw the evidence together (pure): kinematics and symmetry from the
/// strides and angle cycles, the dynamometer file if one was read (a read
/// error of any side-car becomes a note naming file, line and column), the
/// EMG evidence computed before; then findings and recommendations.
pub fn assess(
    t: &Trial,
    strides: &[Stride],
    cycles: Option<&crate::angles::cycles::AngleCycles>,
    mode: Option<crate::events::Mode>,
    emg: Option<&emg::EmgImbalance>,
    sc: &SideCars,
) -> Imbalance {
    let mut notes = Vec::new();
    if let Some(Err(e)) = &sc.channel_map {
        notes.push(format!("emg channel map not used: {e}"));
    }
    if let Some(Err(e)) = &sc.mvc {
        notes.push(format!("MVC recording not used: {e}"));
    }
    if let (Some(Ok((p, _))), Some(e)) = (&sc.mvc, emg) {
        notes.push(format!(
            "emg: MVC recording {}{}",
            p.display(),
            if e.mvc { " used: envelopes in fractions of MVC" } else { " found but not used (see the note above)" }
        ));
    }
    let dynamometer = match &sc.dynamometer {
        Some(Ok(d)) => Some(dynamometer::analyze(d, t.subject.involved_side)),
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
        strides: [Side::Left, Side::Right].map(|x| strides.iter().filter(|s| s.side == Some(x)).count()),
    });
    let recommendations = findings::recommend(&found);
    Imbalance { kinematic, dynamometer, symmetry, findings: found, recommendations, notes }
}
