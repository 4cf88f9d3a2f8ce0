//! Shared helpers for integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a file in the real-data folder named by `GAITLINE_DATA`.
///
/// - `GAITLINE_DATA` unset: prints a notice and returns `None` (the test then
///   passes without real data).
/// - set, but the file is missing: panics, so the test fails rather than
///   silently skipping.
pub fn data_file(rel: &str) -> Option<PathBuf> {
    match std::env::var_os("GAITLINE_DATA") {
        None => {
            eprintln!("GAITLINE_DATA is unset: skipping the real-data check on {rel}");
            None
        }
        Some(dir) => {
            let p = PathBuf::from(dir).join(rel);
            assert!(p.is_file(), "GAITLINE_DATA is set but {} is missing", p.display());
            Some(p)
        }
    }
}

/// Assert `a` and `b` agree within `tol`, with a message naming `what`.
#[track_caller]
pub fn close(a: f64, b: f64, tol: f64, what: &str) {
    assert!((a - b).abs() <= tol, "{what}: got {a}, expected {b} (tolerance {tol})");
}
