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
        std::fs::rename(&tmp, path)?;
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
