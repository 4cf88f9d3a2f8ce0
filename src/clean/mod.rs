//! Cleaning stage: marker-set presets, lab axes, gaps. Turns recordings into a
//! [`crate::trial::Trial`] in the canonical frame.

pub mod muscles;
