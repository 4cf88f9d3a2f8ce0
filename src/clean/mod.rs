//! Cleaning stage: marker-set presets, lab axes, gaps. Turns recordings into a
//! [`crate::trial::Trial`] in the canonical frame.

pub mod axes;
pub mod gaps;
pub mod muscles;
pub mod presets;
