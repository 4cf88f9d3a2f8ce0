//! Output stage: metrics.json, summary.csv and charts. Every file is written
//! whole or not at all: bytes go to a temporary file in the same folder, which
//! is then renamed over the target (rename is atomic on one file system).

pub mod metrics;
pub mod plot;
pub mod summary;

use crate::error::Error;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Append `v` rounded to `dec` decimals as the shortest decimal text,
/// trailing zeros and a bare point dropped (`1.5`, `2`, `-0.25`), without the
/// formatter and without allocating: the per-frame CSVs and the simulator's
/// files print millions of numbers. A value that rounds to zero is `0`; NaN
/// and infinities append nothing. For `|round(v·10^dec)| < 10^15` this is the
/// text `Display` gives the rounded value (a decimal of at most 15
/// significant digits is the shortest string reading back as that double);
/// beyond, the formatter is used.
pub fn push_num(out: &mut String, v: f64, dec: u32) {
    if !v.is_finite() {
        return;
    }
    let k = 10f64.powi(dec as i32);
    let n = (v * k).round();
    if n == 0.0 {
        out.push('0');
        return;
    }
    if n.abs() >= 1e15 || dec > 9 {
        use std::fmt::Write as _;
        let _ = write!(out, "{}", n / k);
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let m = n.abs() as u64;
    let p = 10u64.pow(dec);
    let (int, mut frac) = (m / p, m % p);
    push_u64(out, int);
    if frac != 0 {
        let mut places = dec as usize;
        while frac % 10 == 0 {
            frac /= 10;
            places -= 1;
        }
        out.push('.');
        let mut buf = [b'0'; 20];
        for i in (0..places).rev() {
            buf[i] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.push_str(std::str::from_utf8(&buf[..places]).unwrap_or_default());
    }
}

/// Append the decimal digits of `v` without allocating.
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

static DURABLE: AtomicBool = AtomicBool::new(false);

/// `--fsync`: make every later [`write_atomic`] durable (the file's data
/// flushed to the disk before the rename, the folder after it). Off by
/// default (issue 8: one or two fsyncs per output file cost more wall time
/// than the analysis of a tables-only trial on a real disk; benches/README.md
/// "fsync"). Process-wide, set once by the CLI before a batch.
pub fn set_durable(on: bool) {
    DURABLE.store(on, Ordering::Relaxed);
}

/// Whether [`write_atomic`] flushes to the disk ([`set_durable`]).
pub fn durable() -> bool {
    DURABLE.load(Ordering::Relaxed)
}

/// Write `bytes` to `path` atomically (temporary file + rename).
///
/// The temporary file is `.<name>.<pid>.tmp` beside the target. A run that is
/// killed mid-write leaves at most such a file (never half a target); the
/// next successful write of the same target removes the temporary files of
/// processes that no longer run ([`remove_stale_temps`]).
///
/// Guarantee: the target is always either its previous content (or absent)
/// or all of `bytes`, for any reader and after the process is killed at any
/// point (the rename is atomic). Against a crash of the operating system or
/// a power loss this holds only with [`set_durable`] (`--fsync`): then the
/// file is `fsync`ed before the rename and its folder after it, so a file
/// that was renamed is on the disk whole. Without it the kernel writes the
/// data back later (ext4: within about 5 s plus its write-back delay), and
/// files written just before such a crash may be missing or empty; re-run
/// the batch.
///
/// Replacing a file (a re-run into the same `--out`) swaps the temporary
/// file with the target (Linux `renameat2(RENAME_EXCHANGE)`) and then
/// removes the temporary, which now holds the old content, instead of
/// renaming over the target: on ext4 a rename over an existing file starts
/// the write-back of the new file's data at once (`auto_da_alloc`, the
/// file system's guess that the caller wants the data on the disk), which
/// cost ~0.3 ms per report.html-sized file and ~1.3 ms of a trial's report
/// writes (issue 8). The guarantees above are unchanged: the swap is atomic
/// for readers, a kill between the swap and the removal leaves a
/// `.<name>.<pid>.tmp` with the old content (removed as stale later), and
/// durability still comes only from `--fsync`, which renames as before.
/// Where the swap is not available (another OS, a file system without it,
/// no target yet) the plain rename is used.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let werr = |e: std::io::Error| Error::Write { path: path.to_path_buf(), message: e.to_string() };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(werr)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let durable = durable();
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if durable {
            f.sync_all()?;
        }
        drop(f);
        if durable || !exchange(&tmp, path) {
            std::fs::rename(&tmp, path)?;
        }
        if durable {
            // The rename itself is durable only once the folder is.
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        remove_stale_temps(dir, &name);
    }
    result.map_err(werr)
}

/// Swap the new file `tmp` with an existing regular file `path`
/// (`renameat2(RENAME_EXCHANGE)`) and remove `tmp`, which then holds the old
/// content. `false` (nothing changed) where `path` is not a regular file or
/// the swap fails (no target, a file system or kernel without it); the caller
/// then renames.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exchange(tmp: &Path, path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    if !std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
        return false;
    }
    let (Ok(a), Ok(b)) =
        (std::ffi::CString::new(tmp.as_os_str().as_bytes()), std::ffi::CString::new(path.as_os_str().as_bytes()))
    else {
        return false;
    };
    // SAFETY: two NUL-terminated paths that live across the call.
    let swapped =
        unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) } == 0;
    if swapped {
        // The old content; if this fails it is a stale temporary for later.
        let _ = std::fs::remove_file(tmp);
    }
    swapped
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn exchange(_tmp: &Path, _path: &Path) -> bool {
    false
}

/// Whether a file name is a temporary file of [`write_atomic`] for `name`,
/// and the id of the process that wrote it.
pub fn temp_owner(file_name: &str, name: &str) -> Option<u32> {
    let mid = file_name.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?.strip_suffix(".tmp")?;
    mid.parse().ok()
}

/// Remove `.<name>.<pid>.tmp` files in `dir` left by processes that are gone
/// (killed mid-write). A process counts as gone when `/proc` is mounted and
/// has no entry for it; elsewhere nothing is removed.
pub fn remove_stale_temps(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let me = std::process::id();
    for e in entries.flatten() {
        let f = e.file_name();
        let Some(pid) = temp_owner(&f.to_string_lossy(), name) else { continue };
        if pid != me && !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("gaitline-atomic-{}", std::process::id()));
        let p = dir.join("sub").join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Replacing swaps the new file in (a new inode at the target, the old
    /// content gone with the temporary); a folder in the target's place is
    /// not swapped with a file but reported, as a rename reports it.
    #[test]
    fn replacing_swaps_in_a_new_file_and_a_folder_target_fails() {
        use std::os::unix::fs::MetadataExt;
        let dir = std::env::temp_dir().join(format!("gaitline-swap-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let p = dir.join("r.html");
        write_atomic(&p, &vec![b'a'; 300_000]).unwrap();
        let old = std::fs::metadata(&p).unwrap().ino();
        let mut held = std::fs::File::open(&p).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        assert_ne!(std::fs::metadata(&p).unwrap().ino(), old, "a new file, not the old one rewritten");
        let mut before = Vec::new();
        std::io::Read::read_to_end(&mut held, &mut before).unwrap();
        assert_eq!(before.len(), 300_000, "a reader of the old file keeps reading all of it");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.html")]);
        let sub = dir.join("sub.json");
        std::fs::create_dir_all(sub.join("inner")).unwrap();
        assert!(matches!(write_atomic(&sub, b"{}"), Err(Error::Write { .. })));
        assert!(sub.join("inner").is_dir(), "the folder is left as it was");
        let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, vec![std::ffi::OsString::from("r.html"), std::ffi::OsString::from("sub.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn durable_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("gaitline-durable-{}", std::process::id()));
        let p = dir.join("a.json");
        set_durable(true);
        let r = write_atomic(&p, b"one").and_then(|_| write_atomic(&p, b"two"));
        set_durable(false);
        r.unwrap();
        assert!(!durable());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.json")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_temporaries_of_dead_processes_are_removed() {
        let dir = std::env::temp_dir().join(format!("gaitline-stale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Process ids above the kernel's pid_max (at most 2^22) never run.
        let dead = dir.join(".a.json.4999999.tmp");
        let other = dir.join(".b.json.4999999.tmp");
        std::fs::write(&dead, b"{\"half").unwrap();
        std::fs::write(&other, b"x").unwrap();
        assert_eq!(temp_owner(".a.json.4999999.tmp", "a.json"), Some(4999999));
        assert_eq!(temp_owner(".a.json.x.tmp", "a.json"), None);
        assert_eq!(temp_owner("a.json", "a.json"), None);
        write_atomic(&dir.join("a.json"), b"{}").unwrap();
        assert!(!dead.exists() || !Path::new("/proc/self").exists(), "the dead writer's temporary is removed");
        assert!(other.exists(), "another target's temporary is left to its own next write");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
