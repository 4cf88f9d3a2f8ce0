//! gaitline: gait and running analysis from motion-capture files.
//!
//! Data flow: [`io`] reads files into [`model::Recording`]s; [`clean`] maps
//! marker names, finds the lab axes and fills short gaps, producing a
//! [`trial::Trial`]; later stages (events, spatiotemporal parameters, angles,
//! imbalance) work on the trial; [`output`] writes reports. See ARCHITECTURE.md.

pub mod angles;
pub mod batch;
pub mod clean;
pub mod error;
pub mod evaluate;
pub mod events;
pub mod filter;
pub mod footstrike;
pub mod group;
pub mod heap;
pub mod imbalance;
pub mod io;
pub mod model;
pub mod norms;
pub mod output;
pub mod pipeline;
pub mod plausibility;
pub mod privacy;
pub mod report;
pub mod simulate;
pub mod spatiotemporal;
pub mod trace;
pub mod trial;

pub use error::{Error, ReadError, ReadErrorKind};
pub use model::{Format, Recording};
