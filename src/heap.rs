//! Heap settings for the `gaitline` process (issue 8: page faults).
//!
//! A trial touches ~36 MB of fresh memory under glibc's default malloc
//! (simrun: ~9,000 minor page faults, ~22 % of the process's CPU in the
//! kernel), although the heap never holds more than ~17 MB at once: every
//! block of 128 KiB or more (read buffers, columns, filter scratch, chart
//! canvases) is its own `mmap`, so memory freed by one stage is returned to
//! the kernel and the next stage faults in new zeroed pages; and each rayon
//! thread has its own arena, which cannot reuse what another thread freed.
//!
//! [`tune`] (called first thing in `main`, before any thread exists) asks
//! glibc's malloc (`mallopt(3)`) to
//!
//! - serve every block below 32 MiB (`M_MMAP_THRESHOLD`, glibc's maximum)
//!   from the heap and never give freed memory back (`M_TRIM_THRESHOLD`), so
//!   later stages reuse pages earlier ones touched;
//! - use one arena for all threads (`M_ARENA_MAX` = 1), so memory freed on
//!   one thread is reused on the other, and every thread allocates from the
//!   heap advised below; only on machines with at most
//!   `ONE_ARENA_MAX_CPUS` (4) CPUs, where one lock for all threads costs
//!   little (measured on 2); with more, each thread keeps glibc's own arena
//!   (and small pages);
//! - grow the heap in one 256 MiB step (`M_TOP_PAD`; address space only,
//!   pages are backed when touched) and advise transparent huge pages on it
//!   (`madvise(MADV_HUGEPAGE)`, which glibc's own `glibc.malloc.hugetlb=1`
//!   tunable does; `/sys/kernel/mm/transparent_hugepage/enabled` set to
//!   `madvise` or `always`), so a 2 MiB page is one fault instead of 512.
//!
//! None of this changes a computed value or an output byte (it only decides
//! where blocks live). `GAITLINE_HEAP=system` in the environment skips it
//! (glibc's defaults), for measuring. Only the binary calls it; the library
//! leaves its host's allocator alone. Off glibc (musl, macOS, Windows) it does
//! nothing.
//!
//! The cost: freed memory is kept until the process exits (the CLI is short
//! lived; a batch's heap stays at its peak), and up to 4 threads share one
//! arena lock (glibc's per-thread cache still serves small blocks without it).

/// Apply the heap settings (see the module docs). Call once, before threads
/// start. Returns whether the settings were applied.
pub fn tune() -> bool {
    if std::env::var_os("GAITLINE_HEAP").is_some_and(|v| v == "system") {
        return false;
    }
    imp::tune()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    /// Heap growth step: address space reserved at once and advised for huge
    /// pages. Virtual only; a page is backed when first written.
    const TOP_PAD: usize = 256 << 20;
    /// glibc's largest mmap threshold on 64-bit targets (`HEAP_MAX_SIZE / 2`).
    const MMAP_THRESHOLD: i32 = 32 << 20;
    const HUGE_PAGE: usize = 2 << 20;
    /// One arena for all threads up to this many CPUs (see the module docs).
    const ONE_ARENA_MAX_CPUS: usize = 4;

    pub fn tune() -> bool {
        // SAFETY: mallopt, sbrk(0), malloc/free and madvise are called before
        // any other thread exists; sbrk(0) only reads the break, and madvise
        // is given whole pages of the heap's own mapping, which it may only
        // back with larger pages.
        unsafe {
            let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
            let ok = (cpus > ONE_ARENA_MAX_CPUS || libc::mallopt(libc::M_ARENA_MAX, 1) == 1)
                && libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                && libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX) == 1
                && libc::mallopt(libc::M_TOP_PAD, TOP_PAD as i32) == 1;
            if !ok {
                return false;
            }
            // Make the heap grow now, by TOP_PAD: a 1 MiB block from the top
            // of the heap, freed at once (glibc writes a chunk header at its
            // end, so the pages up to there are backed as small pages).
            let before = libc::sbrk(0) as usize;
            const PROBE: usize = 1 << 20;
            // black_box: the compiler may not drop this malloc/free pair.
            let p = std::hint::black_box(libc::malloc(PROBE));
            if p.is_null() {
                return false;
            }
            libc::free(p);
            let after = libc::sbrk(0) as usize;
            // Huge pages from the first 2 MiB boundary above everything
            // written so far (a range that holds one small page already
            // never gets a huge page on a fault).
            let start = (p as usize + PROBE + 64).next_multiple_of(HUGE_PAGE);
            let end = after / HUGE_PAGE * HUGE_PAGE;
            if before == usize::MAX || after <= before || end <= start {
                return false;
            }
            // The heap's free space begins at `p` again: fill it up to
            // `start` with a block that is never freed nor written beyond
            // its header (so never backed by memory), so that the trial's
            // first blocks (the input files) lie in huge pages instead of up
            // to 2 MiB of small ones (~500 faults). Its chunk (16-byte
            // header before `p`, 8 bytes of the next chunk's used) ends 16
            // bytes below `start`, where the next chunk's header goes, so no
            // byte at or above `start` is written before the advice.
            std::hint::black_box(libc::malloc(start - p as usize - 8));
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) == 0
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub fn tune() -> bool {
        false
    }
}
