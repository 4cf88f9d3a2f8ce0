//! Joint and segment angles (pure functions of a [`crate::trial::Trial`]).
//!
//! - [`mod@cardan`]: the one generic routine "proximal frame, distal frame, Cardan
//!   sequence" used by every model, with gimbal lock reported.
//! - [`pig`]: Plug-in Gait / Conventional Gait Model 1 lower body (static
//!   calibration and dynamic angles, Vicon's axes, sequences and signs).
//! - [`rigid`]: least-squares rigid fit of a marker cluster (for cluster marker sets).
//! - [`cycles`]: angles cut at foot strikes and normalised to 101 points.

pub mod cardan;
pub mod cycles;
pub mod pig;
pub mod rigid;

pub use cardan::{Axis, Cardan, cardan, joint_angles};
pub use pig::{HipCentre, PigAngles, PigCalibration, PigOptions, VARIABLES};
