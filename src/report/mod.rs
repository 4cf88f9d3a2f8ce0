//! Reports (issue 7): localised strings ([`i18n`]), PNG charts ([`charts`])
//! and the self-contained HTML report and batch index ([`html`]).

pub mod charts;
pub mod html;
pub mod i18n;
pub mod index;
