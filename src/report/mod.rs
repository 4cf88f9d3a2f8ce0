//! Reports (issue 7): localised strings ([`i18n`]), PNG charts ([`charts`]),
//! the self-contained HTML report ([`html`]) and batch index ([`index`]); normative
//! data for the charts ([`norms`]).

pub mod charts;
pub mod html;
pub mod i18n;
pub mod index;
pub mod norms;
