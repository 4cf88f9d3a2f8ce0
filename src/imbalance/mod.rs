//! Hamstring/quadriceps imbalance evidence (issue 6). Pure functions of the
//! trial and its strides.
//!
//! - [`emg`]: Evidence 1, surface EMG of hamstrings and quadriceps.

pub mod emg;
