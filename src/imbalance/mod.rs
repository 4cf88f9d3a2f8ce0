//! Hamstring/quadriceps imbalance evidence (issue 6). Pure functions of the
//! trial and its strides.
//!
//! - [`emg`]: Evidence 1, surface EMG of hamstrings and quadriceps.
//! - [`dynamometer`]: Evidence 2, isokinetic dynamometer torques (H:Q, LSI).
//! - [`findings`]: findings and recommendations drawn from the evidence.

pub mod dynamometer;
pub mod emg;
pub mod findings;
