//! Shared by the fuzz targets: a counting allocator, so that a read holding
//! more memory than its input can justify fails like a crash. libFuzzer's own
//! `-malloc_limit_mb` sees single allocations only; a reader that spreads an
//! untrusted count over many vectors (one per marker) needs the peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn note(delta: isize) {
    let live = LIVE.fetch_add(delta, Relaxed) + delta;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        note(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            note(new as isize - l.size() as isize);
        }
        q
    }
}

/// Run `read` on `data` and fail if the heap it held at its peak exceeds
/// 8 MB + 200 bytes per input byte (the bound `tests/broken_inputs.rs` uses).
pub fn bounded<T>(data: &[u8], read: impl FnOnce() -> T) -> T {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = read();
    let held = PEAK.load(Relaxed) - base;
    let limit = (8 << 20) + 200 * data.len() as isize;
    assert!(held <= limit, "read held {held} bytes for a {}-byte input (limit {limit})", data.len());
    out
}
