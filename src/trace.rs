//! Stage timings for profiling one run: with `GAITLINE_TRACE=1` in the
//! environment every [`span`] prints one line to stderr when it ends,
//!
//! ```text
//! trace   12.345   19.876    7.531 ms  t1 load:read simrun_emg.txt
//! ```
//!
//! (start and end in ms since the process started, duration, the rayon
//! thread, the span's name). Sorting the lines by start shows the critical
//! path of a trial across threads (issue 8). Off by default: then a span
//! costs one relaxed atomic load, and nothing is written, so outputs never
//! depend on it.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

/// 0 = not yet looked up, 1 = off, 2 = on.
static STATE: AtomicU8 = AtomicU8::new(0);
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Whether tracing is on (`GAITLINE_TRACE` set to anything but `0` or empty).
pub fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        1 => false,
        2 => true,
        _ => {
            let on = std::env::var_os("GAITLINE_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
            if on {
                EPOCH.get_or_init(Instant::now);
            }
            STATE.store(if on { 2 } else { 1 }, Ordering::Relaxed);
            on
        }
    }
}

/// Start the clock (call first thing in `main`, so the times count from
/// process start).
pub fn start() {
    if enabled() {
        EPOCH.get_or_init(Instant::now);
    }
}

/// Run `f`, and with tracing on print how long it took under `name`.
pub fn span<T>(name: impl FnOnce() -> String, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let epoch = *EPOCH.get_or_init(Instant::now);
    let t0 = epoch.elapsed();
    let r = f();
    let t1 = epoch.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let thread = rayon::current_thread_index().map_or_else(|| "main".to_string(), |i| format!("t{i}"));
    eprintln!("trace {:8.3} {:8.3} {:8.3} ms  {thread:<4} {}", ms(t0), ms(t1), ms(t1 - t0), name());
    r
}
