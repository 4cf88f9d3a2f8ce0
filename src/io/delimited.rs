//! Plain delimited text: one header row, then numeric rows, separated by tabs,
//! commas or runs of blanks. This is the layout of the Running Biomechanics
//! Data Set (Fukuchi, Fukuchi & Duarte 2017, PeerJ 5:e3298,
//! <https://doi.org/10.7717/peerj.3298>) and of many home-made exports.
//!
//! # Layouts recognised
//!
//! * **Markers**: a time column (`Time`, `time`, `Time (s)`, `Frame`; or
//!   `Frame` then `Time`), then marker coordinates as `<Marker>X <Marker>Y
//!   <Marker>Z` (RBDS style `R.ASISX`, upper-case axis glued to the name) or
//!   with a separator `<marker>_x`, `<marker>.X`, `<marker> x`, `<marker>:x`.
//!   A marker with two of its three axes is a [`ReadErrorKind::MissingComponent`]
//!   error at the header line. Units are not written in these files: if the
//!   typical marker excursion (median over markers of the largest absolute
//!   coordinate) exceeds 20 the values are taken as millimetres, otherwise as
//!   metres; a note says which.
//! * **Force-plate/analog columns**: any other column becomes an
//!   [`AnalogChannel`] (kind by [`ChannelKind::guess`]). Forces are N; a centre
//!   of pressure (`COPx`, ...) above 10 in magnitude is taken as mm and
//!   converted to m; moments/torques (`Tx`, `Ty`, `Mz`, ...) are taken as N.mm
//!   when the COP is in mm (or, without a COP, when they exceed 5000) and
//!   converted to N.m. Each conversion is noted.
//! * **Gait-cycle tables**: a first column `PercGcycle` (RBDS `processed.txt`,
//!   Visual3D mean cycles 0-100 %) gives [`ReferenceSeries`], one per column;
//!   `RhipAngX25` becomes name `RhipAng25`, component `X`, unit `deg`. Their
//!   `rate_hz` is NaN (samples are per cent of a cycle, not seconds).
//!
//! # Sampling rate
//!
//! From the time column: `(n - 1) / (t_last - t_first)` when the steps are
//! uniform (each within 25 % of the mean step), which is robust to time
//! stamps rounded to 3 decimals (`0.007, 0.013, 0.020` at 150 Hz, where the
//! median step would give 142.9 Hz); otherwise `1 / median step`, with a note.
//! A rate within 0.1 % of a whole number is snapped to it (noted).
//!
//! A time column that counts samples (integers from 0 or 1, step exactly 1;
//! RBDS `forces.txt` whose `Time` is 1, 2, 3, ...) gives `rate_hz = NaN` and
//! the note "time column counts samples; rate unknown". The grouping stage
//! can then take the rate from the companion marker file of the same trial:
//! `rate = marker_rate * n_samples / n_marker_frames` when both files cover
//! the same period (RBDS: 150 Hz * 9000 / 4500 = 300 Hz).
//!
//! Errors carry `line:column` (column = 1-based field): a bad cell is
//! `BadNumber` naming its marker or column; the last row with fewer fields,
//! or with a number cut off at the end of an unterminated file, is
//! `Truncated`; a row using another delimiter than the header is
//! `WrongDelimiter` (a `;`-separated file is refused as such).
//!
//! This module also holds helpers shared by the TRC, MOT and ANC readers.
// `ReadError` is large (path + position); boxing it is a change to error.rs.

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::text;
use crate::model::{AnalogChannel, ChannelKind, Format, Marker, PointData, Recording, ReferenceSeries};
use rayon::prelude::*;
use std::path::Path;

// ---------------------------------------------------------------------------
// Shared helpers (TRC, MOT, ANC, delimited)
// ---------------------------------------------------------------------------

/// Line number of the last non-blank line, and whether the file lacks a final
/// line break (so that its last line may be cut off). Only called on error
/// paths.
pub(crate) fn tail_info(bytes: &[u8]) -> (u64, bool) {
    let b = text::strip_bom(bytes);
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(0, |i| i + 1);
    let mut line = 1u64;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'\n' => line += 1,
            b'\r' if b.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    let unterminated = !matches!(b.last(), Some(b'\n' | b'\r'));
    (line, unterminated)
}

/// The error for a row with fewer fields than expected: `Truncated` when it
/// is the last row of the file, `FieldCount` otherwise.
pub(crate) fn short_row(path: &Path, bytes: &[u8], line: u64, expected: usize, found: usize) -> ReadError {
    let (last, _) = tail_info(bytes);
    let kind = if line >= last {
        ReadErrorKind::Truncated(format!("last row has {found} of {expected} fields"))
    } else {
        ReadErrorKind::FieldCount { expected, found }
    };
    ReadError::new(path, Position::line(line), kind)
}

/// Parse one numeric cell; empty → `None`. A bad cell is `BadNumber` naming
/// `field`, or `Truncated` when it is the last cell of an unterminated last
/// line (a number cut off mid-way, e.g. `1e`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn num_cell(
    cell: &str,
    path: &Path,
    bytes: &[u8],
    line: u64,
    col: usize,
    field: &str,
    last_cell: bool,
) -> Result<Option<f64>, ReadError> {
    if let Some(v) = fast_cell(cell.as_bytes()) {
        return Ok(v);
    }
    text::parse_opt_f64(cell, path, line, col as u64).map_err(|mut e| {
        if last_cell {
            let (last, unterminated) = tail_info(bytes);
            if unterminated && line >= last {
                e.kind = ReadErrorKind::Truncated(format!("number cut off: {:?}", cell.trim()));
            }
        }
        e.pos.field = Some(field.to_string());
        e
    })
}

/// Exact powers of ten representable in an `f64` (10^0 ..= 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// Parse a plain ASCII decimal `[+-]digits[.digits]` (no exponent) without
/// allocating, or `None` when it is not one or falls outside the exact case.
///
/// Clinger's fast path (W. D. Clinger, "How to read floating point numbers
/// accurately", PLDI 1990): when the decimal significand `m` is below 2^53
/// and the number of fraction digits `k` is at most 22, both `m` and `10^k`
/// are exact doubles and the single IEEE division `m / 10^k` is correctly
/// rounded, so the result is bit-identical to `str::parse::<f64>`. Anything
/// else (exponents, more than 19 digits) goes to `str::parse`.
#[inline]
pub fn parse_decimal(b: &[u8]) -> Option<f64> {
    match scan_decimal(b, 0) {
        (end, v) if end == b.len() => v,
        _ => None,
    }
}

/// Append the decimal digits at `b[*p..]` to `m` (`m = 10 m + d` per digit,
/// wrapping: only up to 19 digits are exact, which is all the callers take),
/// moving `*p` past them; returns how many there were. (Eight digits at a
/// time by SWAR was measured slower on these files: their numbers are short.)
#[inline(always)]
fn digits(b: &[u8], p: &mut usize, m: &mut u64) -> usize {
    let start = *p;
    while let Some(&c) = b.get(*p).filter(|c| c.is_ascii_digit()) {
        *m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        *p += 1;
    }
    *p - start
}

/// Scan a decimal `[+-]digits[.digits]` from `b[p..]`: the index of the first
/// byte after it, and its value when it has a digit and fits Clinger's exact
/// case (see [`parse_decimal`]). A lone sign or point ends after itself with
/// no value.
#[inline(always)]
fn scan_decimal(b: &[u8], mut p: usize) -> (usize, Option<f64>) {
    // (`p += usize::from(neg) + usize::from(first == b'+')` removes the
    // branch on random signs and was 17 % faster on EMG but 8-10 % slower on
    // marker files; measured on this machine, the shorter code won.)
    let first = b.get(p).copied();
    let neg = first == Some(b'-');
    p += usize::from(matches!(first, Some(b'-' | b'+')));
    let mut m = 0u64;
    let int = digits(b, &mut p, &mut m);
    let mut frac = 0;
    if b.get(p) == Some(&b'.') {
        p += 1;
        frac = digits(b, &mut p, &mut m);
    }
    // 19 digits cannot overflow a u64; beyond that `m` may have wrapped.
    if int + frac == 0 || int + frac > 19 || m > 1 << 53 || frac > 22 {
        return (p, None);
    }
    // `m / 10^k` is not negative: setting the sign bit negates it exactly
    // (also for 0), without a branch on the sign.
    let v = m as f64 / POW10[frac];
    (p, Some(f64::from_bits(v.to_bits() | u64::from(neg) << 63)))
}

/// A number cell from bytes, without allocating: `Some(None)` for an empty
/// (blank) cell, `Some(Some(v))` for a number, `None` when the cell needs the
/// general path (quotes, non-ASCII, infinities, text: the positioned error).
/// Accepts exactly what [`text::parse_opt_f64`] accepts for ASCII cells
/// without quotes, with the same values.
#[inline]
pub fn fast_cell(cell: &[u8]) -> Option<Option<f64>> {
    // `char::is_whitespace` on ASCII: tab, LF, VT, FF, CR, space.
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let Some(a) = cell.iter().position(|c| !ws(c)) else { return Some(None) };
    let z = cell.iter().rposition(|c| !ws(c)).map_or(a, |z| z + 1);
    let t = &cell[a..z];
    if let Some(v) = parse_decimal(t) {
        return Some(Some(v));
    }
    if !t.is_ascii() || t.contains(&b'"') {
        return None;
    }
    match std::str::from_utf8(t).ok()?.parse::<f64>() {
        Ok(v) if v.is_finite() || v.is_nan() => Some(Some(v)),
        _ => None,
    }
}

/// Sampling rate from a column of times (see the module docs), with notes.
pub(crate) fn rate_from_times(times: &[f64], what: &str) -> (f64, Vec<String>) {
    let mut notes = Vec::new();
    let n = times.len();
    if n < 2 || times.iter().any(|t| !t.is_finite()) {
        notes.push(format!("{what}: fewer than two valid time values; rate unknown"));
        return (f64::NAN, notes);
    }
    let span = times[n - 1] - times[0];
    let mean = span / (n - 1) as f64;
    let mut dts: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let non_increasing = dts.iter().filter(|&&d| d <= 0.0).count();
    if non_increasing > 0 {
        notes.push(format!("{what}: time does not increase at {non_increasing} rows"));
    }
    // The ends and the median of the steps as a sort by `total_cmp` would
    // give them; the median only when the steps are not uniform, and by a
    // selection (O(n)), not a sort.
    let lo = dts.iter().copied().min_by(f64::total_cmp).unwrap_or(f64::NAN);
    let hi = dts.iter().copied().max_by(f64::total_cmp).unwrap_or(f64::NAN);
    let uniform = mean > 0.0 && lo >= 0.75 * mean && hi <= 1.25 * mean;
    let mid = dts.len() / 2;
    let median = if uniform { f64::NAN } else { *dts.select_nth_unstable_by(mid, f64::total_cmp).1 };
    let rate = if uniform {
        1.0 / mean
    } else if median > 0.0 {
        notes.push(format!("{what}: non-uniform sampling (steps {lo:.6} to {hi:.6} s); rate from the median step"));
        1.0 / median
    } else {
        notes.push(format!("{what}: time steps are not positive; rate unknown"));
        return (f64::NAN, notes);
    };
    if rate > text::MAX_RATE_HZ {
        notes.push(format!("{what}: steps imply {rate:.0} Hz, above the 1 MHz limit; rate unknown"));
        return (f64::NAN, notes);
    }
    let whole = rate.round();
    if whole >= 1.0 && (rate - whole).abs() <= 1e-3 * rate {
        if (rate - whole).abs() > 1e-6 * rate {
            notes.push(format!("{what}: time column gives {rate:.4} Hz; taken as {whole} Hz"));
        }
        return (whole, notes);
    }
    (rate, notes)
}

/// Whether a time column counts samples: integers starting at 0 or 1 with a
/// step of exactly 1.
pub(crate) fn counts_samples(times: &[f64]) -> bool {
    times.len() >= 2
        && (times[0] == 0.0 || times[0] == 1.0)
        && times.windows(2).all(|w| w[1] - w[0] == 1.0)
        && times.iter().all(|t| t.fract() == 0.0)
}

/// Split a row on the file's delimiter (`' '` = runs of blanks).
pub(crate) fn fields(line: &str, delim: char) -> Box<dyn Iterator<Item = &str> + '_> {
    text::split(line, delim)
}

/// The delimiter a line uses, for error messages.
fn delim_name(d: char) -> &'static str {
    match d {
        '\t' => "tabs",
        ',' => "commas",
        ';' => "semicolons",
        _ => "spaces",
    }
}

/// If a row that should be split on `delim` lacks it and uses another common
/// delimiter, the `WrongDelimiter` error for it.
pub(crate) fn wrong_delimiter(path: &Path, line_no: u64, line: &str, delim: char) -> Option<ReadError> {
    let has = |c: char| line.contains(c);
    let other = if delim == ' ' {
        ['\t', ',', ';'].into_iter().find(|&c| has(c))
    } else if has(delim) {
        None
    } else {
        ['\t', ',', ';'].into_iter().filter(|&c| c != delim).find(|&c| has(c))
    }?;
    Some(ReadError::new(
        path,
        Position::line(line_no),
        ReadErrorKind::WrongDelimiter(format!(
            "row uses {} but the header uses {}",
            delim_name(other),
            delim_name(delim)
        )),
    ))
}

// ---------------------------------------------------------------------------
// The delimited reader
// ---------------------------------------------------------------------------

/// What one column of the file holds.
#[derive(Clone, Copy)]
enum Slot {
    Time,
    Skip,
    Marker(usize, usize),
    Scalar(usize),
}

/// `R.ASISX` → (`R.ASIS`, 0); `lasi_y` / `LASI.y` / `LASI Y` → (`lasi`, 1).
fn split_axis(name: &str) -> Option<(&str, usize)> {
    let n = name.trim();
    let c = n.chars().last()?;
    let axis = match c {
        'X' | 'x' => 0,
        'Y' | 'y' => 1,
        'Z' | 'z' => 2,
        _ => return None,
    };
    let base = &n[..n.len() - 1];
    if let Some(b) = base.strip_suffix(['_', '.', ' ', ':']) {
        let b = b.trim_end();
        return (!b.is_empty()).then_some((b, axis));
    }
    // Glued axis (RBDS `R.ASISX`): upper case only, and not a force-plate name.
    if c.is_ascii_uppercase() && !base.is_empty() {
        if ChannelKind::guess(n, "") == ChannelKind::ForcePlate
            || ChannelKind::guess(base, "") == ChannelKind::ForcePlate
        {
            return None;
        }
        return Some((base, axis));
    }
    None
}

/// RBDS gait-cycle column `RhipAngX25` → (`RhipAng25`, `X`).
fn cycle_name(name: &str) -> (String, String) {
    let n = name.trim();
    let digits = n.len() - n.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let stem = &n[..n.len() - digits];
    if let Some(c @ ('X' | 'Y' | 'Z')) = stem.chars().last()
        && stem.len() > 1
    {
        let base = &stem[..stem.len() - 1];
        return (format!("{base}{}", &n[n.len() - digits..]), c.to_string());
    }
    (n.to_string(), String::new())
}

#[derive(PartialEq)]
enum TimeKind {
    Seconds,
    Frames,
    Cycle,
}

fn time_kind(name: &str) -> Option<TimeKind> {
    let n = name.trim().trim_matches('"').to_ascii_lowercase();
    match n.as_str() {
        "time" | "t" | "time (s)" | "time(s)" | "time_s" | "times" | "seconds" => Some(TimeKind::Seconds),
        "frame" | "frame#" | "frames" | "sample" | "samples" | "frame number" => Some(TimeKind::Frames),
        "percgcycle" | "gait cycle" | "% gait cycle" | "cycle" | "percent" => Some(TimeKind::Cycle),
        _ => None,
    }
}

/// The next line of `b` from `*pos` (`\n`, `\r\n` and a lone `\r` end a
/// line, as in [`text::Lines`]), moving `*pos` past its line break.
fn next_line<'a>(b: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let rest = b.get(*pos..).filter(|r| !r.is_empty())?;
    let end = rest.iter().position(|&c| c == b'\n' || c == b'\r');
    let (line, skip) = match end {
        Some(i) => (&rest[..i], if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 }),
        None => (rest, rest.len()),
    };
    *pos += skip;
    Some(line)
}

/// Parse the row starting at `*pos` without allocating, handing each cell
/// of the header's `ncols` columns to `put(column, value)` (`None` for a
/// blank cell); on success `*pos` is at the row's line break (or the end).
/// `false` when the row needs [`slow_row`]: a cell [`fast_cell`] does not
/// take, fewer fields than the header, a non-blank cell beyond it, or a blank
/// time cell (column `tcol`). Cells already handed over are then overwritten
/// by the slow path.
#[inline(always)]
fn fast_row(
    b: &[u8],
    pos: &mut usize,
    delim: u8,
    ncols: usize,
    tcol: usize,
    mut put: impl FnMut(usize, Option<f64>),
) -> bool {
    let mut p = *pos;
    let mut j = 0;
    let ends = |c: u8| c == delim || c == b'\n' || c == b'\r';
    loop {
        // One pass over a plain decimal cell (the common case).
        let s = p;
        let (e, fast) = scan_decimal(b, p);
        p = e;
        let at_end = p == b.len() || ends(b[p]);
        let v = if at_end && p == s {
            None
        } else if let (true, Some(v)) = (at_end, fast) {
            Some(v)
        } else {
            // Anything else (blanks, exponents, NaN, quotes): find the cell's
            // end and take the general byte path.
            while p < b.len() && !ends(b[p]) {
                p += 1;
            }
            match fast_cell(&b[s..p]) {
                Some(v) => v,
                None => return false,
            }
        };
        if j < ncols {
            if v.is_none() && j == tcol {
                return false;
            }
            put(j, v);
        } else if v.is_some() {
            return false;
        }
        j += 1;
        if p < b.len() && b[p] == delim {
            p += 1;
        } else {
            break;
        }
    }
    if j < ncols {
        return false;
    }
    *pos = p;
    true
}

/// What [`slow_row`] needs to know about the file.
struct RowCtx<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    delim: char,
    names: &'a [&'a str],
    slots: &'a [Slot],
    markers: &'a [(&'a str, [usize; 3])],
    /// The time column.
    tcol: usize,
}

impl RowCtx<'_> {
    /// The name an error about column `j` gives: its marker, else its header.
    fn col_name(&self, j: usize) -> &str {
        match self.slots[j] {
            Slot::Marker(k, _) => self.markers[k].0,
            _ => self.names[j],
        }
    }
}

/// Parse one row through the general cell parser: the values into `vals`,
/// or the row's positioned error (bad number, wrong delimiter, field count,
/// truncated last row, empty time).
fn slow_row(c: &RowCtx, no: u64, line: &str, vals: &mut [Option<f64>]) -> Result<(), ReadError> {
    let (path, delim, ncols) = (c.path, c.delim, vals.len());
    let mut n = 0;
    for (j, cell) in fields(line, delim).enumerate() {
        n = j + 1;
        if j >= ncols {
            if cell.trim().is_empty() {
                continue;
            }
            if let Some(e) = wrong_delimiter(path, no, line, delim) {
                return Err(e);
            }
            let found = fields(line, delim).count();
            return Err(ReadError::new(
                path,
                Position::cell(no, j as u64 + 1),
                ReadErrorKind::FieldCount { expected: ncols, found },
            ));
        }
        let last_cell = j + 1 == ncols;
        let v = match num_cell(cell, path, c.bytes, no, j + 1, c.col_name(j), last_cell) {
            Ok(v) => v,
            Err(e) => return Err(wrong_delimiter(path, no, line, delim).unwrap_or(e)),
        };
        if matches!(c.slots[j], Slot::Time) && v.is_none() {
            return Err(ReadError::new(
                path,
                Position::cell(no, j as u64 + 1).with_field(c.names[j]),
                ReadErrorKind::BadNumber(String::new()),
            ));
        }
        vals[j] = v;
    }
    if n < ncols {
        if let Some(e) = wrong_delimiter(path, no, line, delim) {
            return Err(e);
        }
        return Err(short_row(path, c.bytes, no, ncols, n));
    }
    Ok(())
}

/// One chunk's rows of the output columns: the chunk's row `r` goes to index
/// `r` of every slice (each as long as the chunk can hold rows).
struct Cols<'a> {
    times: &'a mut [f64],
    xyz: Vec<&'a mut [[f64; 3]]>,
    scalars: Vec<&'a mut [f64]>,
}

/// What parsing a chunk found besides the values.
struct Parsed {
    /// Rows stored (lines minus blank lines).
    rows: usize,
    /// The first non-blank value of the skipped frame column (`Frame` before
    /// `Time`), if any.
    first_counter: Option<f64>,
    /// Per marker, the largest absolute coordinate of its complete points
    /// (0 when none), for the units.
    max_abs: Vec<f64>,
}

/// Parse the whole lines `b` (a chunk of the body; the last chunk may end
/// without a line break) into `out`. `no` is the line number before the
/// chunk's first line. Every line is one row, except blank lines; the first
/// bad row is the error, positioned as in a serial read of the file.
fn parse_rows(c: &RowCtx, b: &[u8], mut no: u64, out: &mut Cols) -> Result<Parsed, ReadError> {
    let ncols = c.slots.len();
    let mut vals: Vec<Option<f64>> = vec![None; ncols];
    let (mut r, mut pos) = (0usize, 0usize);
    let mut first_counter: Option<f64> = None;
    let mut max_abs = vec![0.0f64; out.xyz.len()];
    while pos < b.len() {
        no += 1;
        let start = pos;
        let mut skip: Option<f64> = None;
        // One cell into its column; `r` is below each slice's length, as
        // every row is a line and the slices hold the chunk's lines.
        let mut put = |j: usize, v: Option<f64>| match c.slots[j] {
            Slot::Time => out.times[r] = v.unwrap_or(f64::NAN),
            Slot::Skip => skip = v,
            Slot::Marker(k, a) => out.xyz[k][r][a] = v.unwrap_or(f64::NAN),
            Slot::Scalar(s) => out.scalars[s][r] = v.unwrap_or(f64::NAN),
        };
        let fast = c.delim != ' ' && fast_row(b, &mut pos, c.delim as u8, ncols, c.tcol, &mut put);
        if !fast {
            pos = start;
            let Some(line) = next_line(b, &mut pos) else { break };
            let line = String::from_utf8_lossy(line);
            if line.trim().is_empty() {
                continue;
            }
            slow_row(c, no, &line, &mut vals)?;
            for (j, v) in vals.iter().enumerate() {
                put(j, *v);
            }
        } else if pos < b.len() {
            // Consume the line break (`\n`, `\r\n` or a lone `\r`).
            pos += if b[pos] == b'\r' && b.get(pos + 1) == Some(&b'\n') { 2 } else { 1 };
        }
        if first_counter.is_none() {
            first_counter = skip;
        }
        // A point lacking a coordinate is a gap; NaN is never the largest.
        for (m, mx) in out.xyz.iter_mut().zip(max_abs.iter_mut()) {
            let p = &mut m[r];
            if p.iter().all(|v| v.is_finite()) {
                *mx = p.iter().fold(*mx, |a, v| if v.abs() > a { v.abs() } else { a });
            } else {
                *p = [f64::NAN; 3];
            }
        }
        r += 1;
    }
    Ok(Parsed { rows: r, first_counter, max_abs })
}

/// Occurrences of `x` in `b`, counted in 64 `u8` lanes (emptied before they
/// can overflow) so that it vectorises (0.04 ms for 3.9 MB, against 0.9 ms
/// for `filter().count()`).
fn count_byte(b: &[u8], x: u8) -> usize {
    let mut total = 0;
    for block in b.chunks(64 * 255) {
        let mut lanes = [0u8; 64];
        let mut it = block.chunks_exact(64);
        for c in &mut it {
            if let Ok(c) = <&[u8; 64]>::try_from(c) {
                for i in 0..64 {
                    lanes[i] = lanes[i].wrapping_add(u8::from(c[i] == x));
                }
            }
        }
        total += lanes.iter().map(|&l| l as usize).sum::<usize>() + it.remainder().iter().filter(|&&y| y == x).count();
    }
    total
}

/// The lines of `b` as [`next_line`] splits them: one per `\n`, per `\r`
/// not followed by `\n`, and an unterminated last line.
fn count_lines(b: &[u8]) -> usize {
    let lf = count_byte(b, b'\n');
    let lone_cr =
        if b.contains(&b'\r') { count_byte(b, b'\r') - b.windows(2).filter(|w| w == b"\r\n").count() } else { 0 };
    lf + lone_cr + usize::from(!matches!(b.last(), None | Some(b'\n' | b'\r')))
}

/// Split `body` into pieces of about `chunk_bytes`, each ending just after a
/// `\n` (or at the end of `body`), as byte ranges in order.
fn split_body(body: &[u8], chunk_bytes: usize) -> Vec<(usize, usize)> {
    let n = body.len().div_ceil(chunk_bytes.max(1)).max(1);
    let mut out = Vec::with_capacity(n.min(4096));
    let mut start = 0;
    for k in 1..n {
        let target = ((body.len() as u128 * k as u128) / n as u128) as usize;
        if target < start {
            continue;
        }
        let Some(i) = body[target..].iter().position(|&c| c == b'\n') else { break };
        out.push((start, target + i + 1));
        start = target + i + 1;
    }
    if start < body.len() || out.is_empty() {
        out.push((start, body.len()));
    }
    out
}

/// Split each column into consecutive slices of the given lengths.
fn split_lens<'a, T>(mut v: &'a mut [T], lens: &[usize]) -> Vec<&'a mut [T]> {
    lens.iter()
        .map(|&n| {
            let (a, rest) = std::mem::take(&mut v).split_at_mut(n);
            v = rest;
            a
        })
        .collect()
}

/// Bodies above this many bytes are parsed in chunks of about this size on
/// rayon's pool (see [`read_with`]).
pub const PAR_CHUNK_BYTES: usize = 256 * 1024;

/// Read one plain delimited text file from its bytes (see the module docs).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    read_with(path, bytes, PAR_CHUNK_BYTES)
}

/// [`read`], with the rows (the body below the header) split at line breaks
/// into chunks of about `chunk_bytes` that are parsed in parallel on rayon's
/// pool, each straight into its rows of the output columns (sized from the
/// chunks' line counts). The header, and all that depends on it (delimiter,
/// columns, time column, markers), is resolved first; the result is the same
/// `Recording`, bit for bit, whatever the chunking, and an error is the first
/// one in file order, with the line and column a serial parse gives (each
/// chunk knows the line number it starts at). `usize::MAX` parses serially.
pub fn read_with(path: &Path, bytes: &[u8], chunk_bytes: usize) -> Result<Recording, ReadError> {
    // The header: the first non-blank line. `pos` is the byte offset after it
    // (in the BOM-stripped buffer `b`), `hline` its 1-based line number.
    let b = text::strip_bom(bytes);
    let (mut pos, mut hline) = (0usize, 0u64);
    let header = loop {
        let Some(line) = next_line(b, &mut pos) else {
            return Err(ReadError::file(path, ReadErrorKind::Empty));
        };
        hline += 1;
        let line = text::decode_line(line);
        if !line.trim().is_empty() {
            break line;
        }
    };
    let delim = if header.contains('\t') {
        '\t'
    } else if header.contains(',') {
        ','
    } else if header.contains(';') {
        return Err(ReadError::new(
            path,
            Position::line(hline),
            ReadErrorKind::WrongDelimiter(
                "the header is separated by semicolons; expected tabs, commas or spaces".into(),
            ),
        ));
    } else {
        ' '
    };
    let names: Vec<&str> = fields(&header, delim).map(|s| s.trim().trim_matches('"')).collect();
    // Drop trailing empty header cells (padding).
    let ncols = names.iter().rposition(|s| !s.is_empty()).map_or(0, |i| i + 1);
    let names = &names[..ncols];

    // Time column(s).
    let (tcol, tkind, skip0) = match (names.first().and_then(|n| time_kind(n)), names.get(1)) {
        (Some(TimeKind::Frames), Some(n2)) if time_kind(n2) == Some(TimeKind::Seconds) => (1, TimeKind::Seconds, true),
        (Some(k), _) => (0, k, false),
        (None, _) => {
            return Err(ReadError::new(
                path,
                Position::cell(hline, 1),
                ReadErrorKind::MissingHeader(format!(
                    "a time column (Time, Frame or PercGcycle) first, found {:?}",
                    names.first().copied().unwrap_or("")
                )),
            ));
        }
    };
    let cycle = tkind == TimeKind::Cycle;

    // Classify columns.
    let mut slots = vec![Slot::Skip; ncols];
    slots[tcol] = Slot::Time;
    let mut marker_names: Vec<&str> = Vec::new();
    let mut marker_axes: Vec<[Option<usize>; 3]> = Vec::new();
    let mut scalar_names: Vec<&str> = Vec::new();
    let mut repeated: Vec<&str> = Vec::new();
    for (j, name) in names.iter().enumerate() {
        if j == tcol || (skip0 && j == 0) {
            continue;
        }
        let axis = if cycle { None } else { split_axis(name) };
        if let Some((base, a)) = axis {
            let k = match marker_names.iter().position(|m| *m == base) {
                Some(k) => k,
                None => {
                    marker_names.push(base);
                    marker_axes.push([None; 3]);
                    marker_names.len() - 1
                }
            };
            if marker_axes[k][a].is_none() {
                marker_axes[k][a] = Some(j);
                continue;
            }
            repeated.push(name);
        }
        slots[j] = Slot::Scalar(scalar_names.len());
        scalar_names.push(name);
    }
    // Keep triplets; two axes is an error; one axis is a plain column.
    let mut markers: Vec<(&str, [usize; 3])> = Vec::new();
    for (name, axes) in marker_names.iter().zip(&marker_axes) {
        let present = axes.iter().filter(|a| a.is_some()).count();
        match present {
            3 => {
                let cols = [axes[0].unwrap_or(0), axes[1].unwrap_or(0), axes[2].unwrap_or(0)];
                for (a, &c) in cols.iter().enumerate() {
                    slots[c] = Slot::Marker(markers.len(), a);
                }
                markers.push((name, cols));
            }
            2 => {
                let missing = axes.iter().position(|a| a.is_none()).unwrap_or(2);
                let first = axes.iter().flatten().next().copied().unwrap_or(0);
                return Err(ReadError::new(
                    path,
                    Position::cell(hline, first as u64 + 1),
                    ReadErrorKind::MissingComponent { marker: name.to_string(), axis: ['X', 'Y', 'Z'][missing] },
                ));
            }
            _ => {
                for c in axes.iter().flatten() {
                    slots[*c] = Slot::Scalar(scalar_names.len());
                    scalar_names.push(names[*c]);
                }
            }
        }
    }

    // Rows, straight from the bytes: each cell is parsed in place by
    // [`fast_row`] (no per-row or per-cell allocation) into its column. A row
    // the fast path cannot take (blank, quoted or bad cells, wrong field
    // count, space-delimited files) goes through `slow_row`, which gives the
    // positioned error.
    let body = &b[pos..];
    let ranges = split_body(body, chunk_bytes);
    let par = ranges.len() > 1;
    let lines: Vec<usize> = if par {
        ranges.par_iter().map(|&(s, e)| count_lines(&body[s..e])).collect()
    } else {
        ranges.iter().map(|&(s, e)| count_lines(&body[s..e])).collect()
    };
    // A stored row takes at least `ncols` bytes (its delimiters and a time
    // value): rows x columns never allocates more than the file backs,
    // however many blank lines sit under a wide header.
    let caps: Vec<usize> = ranges.iter().zip(&lines).map(|(&(s, e), &n)| n.min((e - s) / ncols.max(1) + 1)).collect();
    let cap: usize = caps.iter().sum();
    let mut times = vec![0.0f64; cap];
    let mut xyz: Vec<Vec<[f64; 3]>> = markers.iter().map(|_| vec![[0.0; 3]; cap]).collect();
    let mut scalars: Vec<Vec<f64>> = scalar_names.iter().map(|_| vec![0.0; cap]).collect();
    let mut outs: Vec<Cols> = split_lens(&mut times, &caps)
        .into_iter()
        .map(|t| Cols { times: t, xyz: Vec::with_capacity(xyz.len()), scalars: Vec::with_capacity(scalars.len()) })
        .collect();
    for m in xyz.iter_mut() {
        for (o, part) in outs.iter_mut().zip(split_lens(m, &caps)) {
            o.xyz.push(part);
        }
    }
    for v in scalars.iter_mut() {
        for (o, part) in outs.iter_mut().zip(split_lens(v, &caps)) {
            o.scalars.push(part);
        }
    }
    let ctx = RowCtx { path, bytes, delim, names, slots: &slots, markers: &markers, tcol };
    // The line number before each chunk's first line.
    let firsts: Vec<u64> = lines
        .iter()
        .scan(hline, |no, &n| {
            let first = *no;
            *no += n as u64;
            Some(first)
        })
        .collect();
    let work =
        |((&(s, e), first), out): ((&(usize, usize), &u64), &mut Cols)| parse_rows(&ctx, &body[s..e], *first, out);
    let parsed: Vec<Result<Parsed, ReadError>> = if par {
        ranges.par_iter().zip(&firsts).zip(outs.par_iter_mut()).map(work).collect()
    } else {
        ranges.iter().zip(&firsts).zip(outs.iter_mut()).map(work).collect()
    };
    drop(outs);
    let mut rows = Vec::with_capacity(parsed.len());
    let mut first_counter: Option<f64> = None;
    let mut max_abs = vec![0.0f64; markers.len()];
    for p in parsed {
        let p = p?;
        first_counter = first_counter.or(p.first_counter);
        rows.push(p.rows);
        for (a, b) in max_abs.iter_mut().zip(&p.max_abs) {
            *a = a.max(*b);
        }
    }
    // Blank lines leave a chunk's last slots unused: close the gaps.
    let frames: usize = rows.iter().sum();
    if frames < cap {
        fn compact<T: Copy>(v: &mut Vec<T>, rows: &[usize], caps: &[usize], frames: usize) {
            let (mut src, mut dst) = (0, 0);
            for (&n, &c) in rows.iter().zip(caps) {
                v.copy_within(src..src + n, dst);
                src += c;
                dst += n;
            }
            v.truncate(frames);
        }
        compact(&mut times, &rows, &caps, frames);
        xyz.iter_mut().for_each(|m| compact(m, &rows, &caps, frames));
        scalars.iter_mut().for_each(|v| compact(v, &rows, &caps, frames));
    }
    if times.is_empty() {
        return Err(ReadError::new(path, Position::line(hline + 1), ReadErrorKind::NoFrames));
    }

    let mut rec = Recording::new(path, Format::Delimited, "delimited text");
    if !repeated.is_empty() {
        rec.notes.push(format!("columns {} repeat a marker's axis; read as plain channels", repeated.join(", ")));
    }
    let frames = times.len();
    let (rate, time0) = if cycle {
        rec.dialect = "delimited text (gait-cycle table)".into();
        rec.notes.push(format!(
            "{}: samples are per cent of the gait cycle ({} rows), not time; rate_hz is NaN",
            names[tcol], frames
        ));
        (f64::NAN, times[0])
    } else if tkind == TimeKind::Frames || counts_samples(&times) {
        rec.notes.push(format!("{}: time column counts samples; rate unknown", names[tcol]));
        first_counter = Some(times[0]);
        (f64::NAN, 0.0)
    } else {
        let (r, notes) = rate_from_times(&times, names[tcol]);
        rec.notes.extend(notes);
        (r, times[0])
    };

    // Markers: units from magnitude.
    if !markers.is_empty() {
        let mut maxes: Vec<f64> = max_abs.into_iter().filter(|&mx| mx > 0.0).collect();
        maxes.sort_by(f64::total_cmp);
        let typical = maxes.get(maxes.len() / 2).copied().unwrap_or(0.0);
        let per_metre = if typical > 20.0 {
            rec.notes
                .push(format!("marker units not stated; values up to {typical:.0} taken as mm and converted to m"));
            1000.0
        } else {
            rec.notes.push(format!("marker units not stated; values up to {typical:.3} taken as m"));
            1.0
        };
        let first_frame = match first_counter {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => f as i64,
            _ if rate.is_finite() => (time0 * rate).round() as i64 + 1,
            _ => 1,
        };
        if per_metre != 1.0 {
            let to_m = |v: &mut Vec<[f64; 3]>| v.iter_mut().flatten().for_each(|c| *c /= per_metre);
            if par {
                xyz.par_iter_mut().for_each(to_m);
            } else {
                xyz.iter_mut().for_each(to_m);
            }
        }
        let out = markers.iter().zip(xyz).map(|((name, _), v)| Marker { name: name.to_string(), xyz: v }).collect();
        rec.points = Some(PointData { rate_hz: rate, first_frame, time0_s: time0, frames, markers: out });
    }

    // Scalars.
    if cycle {
        for (name, data) in scalar_names.iter().zip(scalars) {
            let (n, comp) = cycle_name(name);
            let unit = if name.to_ascii_lowercase().contains("ang") { "deg" } else { "" };
            rec.reference.push(ReferenceSeries {
                name: n,
                component: comp,
                unit: unit.into(),
                rate_hz: f64::NAN,
                time0_s: time0,
                data,
            });
        }
        if scalar_names.iter().any(|n| !n.to_ascii_lowercase().contains("ang")) {
            rec.notes.push("units of moment, power and force columns are not stated; left empty".into());
        }
    } else {
        let lower: Vec<String> = scalar_names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let max_abs = |d: &[f64]| d.iter().filter(|v| v.is_finite()).fold(0.0f64, |a, v| a.max(v.abs()));
        let is_cop = |n: &str| n.starts_with("cop") || n.contains("_cop") || n.contains(".cop");
        let is_moment = |n: &str| {
            let s = n.trim_start_matches(|c: char| !c.is_ascii_alphabetic());
            (s.len() == 2 || s.len() == 3)
                && (s.starts_with('t') || s.starts_with('m'))
                && matches!(s.as_bytes()[1], b'x' | b'y' | b'z')
                || n.contains("moment")
                || n.contains("torque")
        };
        let cop_max =
            lower.iter().zip(&scalars).filter(|(n, _)| is_cop(n)).map(|(_, d)| max_abs(d)).fold(f64::NAN, f64::max);
        let cop_mm = cop_max > 10.0;
        if cop_mm {
            rec.notes.push(format!("centre of pressure up to {cop_max:.0}: taken as mm and converted to m"));
        }
        let mut moment_mm_noted = false;
        for ((name, l), mut data) in scalar_names.iter().zip(&lower).zip(scalars) {
            let kind = ChannelKind::guess(name, "");
            let mut unit = String::new();
            if kind == ChannelKind::ForcePlate {
                if is_cop(l) {
                    unit = "m".into();
                    if cop_mm {
                        data.iter_mut().for_each(|v| *v /= 1000.0);
                    }
                } else if is_moment(l) {
                    unit = "N.m".into();
                    let mm = if cop_max.is_nan() { max_abs(&data) > 5000.0 } else { cop_mm };
                    if mm {
                        data.iter_mut().for_each(|v| *v /= 1000.0);
                        if !moment_mm_noted {
                            rec.notes.push(
                                "moments taken as N.mm (as the COP is in mm or values are large) and converted to N.m"
                                    .into(),
                            );
                            moment_mm_noted = true;
                        }
                    }
                } else {
                    unit = "N".into();
                }
            }
            rec.analogs.push(AnalogChannel { name: name.to_string(), unit, rate_hz: rate, time0_s: time0, kind, data });
        }
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recording's every number as bits, and the rest as text.
    fn fingerprint(r: &Recording) -> (String, Vec<u64>) {
        let mut bits = Vec::new();
        if let Some(p) = &r.points {
            bits.extend(p.markers.iter().flat_map(|m| m.xyz.iter().flatten().map(|v| v.to_bits())));
            bits.extend([p.rate_hz.to_bits(), p.time0_s.to_bits()]);
        }
        bits.extend(r.analogs.iter().flat_map(|a| a.data.iter().map(|v| v.to_bits())));
        bits.extend(r.reference.iter().flat_map(|a| a.data.iter().map(|v| v.to_bits())));
        (format!("{r:?}"), bits)
    }

    /// Read `s` serially and in chunks of several sizes (down to one line a
    /// chunk): the same recording bit for bit, or the same error (kind, line,
    /// column, field). Returns the serial result.
    fn rd(s: &str) -> Result<Recording, ReadError> {
        let path = Path::new("t.txt");
        let serial = read_with(path, s.as_bytes(), usize::MAX);
        for chunk in [1, 7, 32, 100, PAR_CHUNK_BYTES] {
            match (&serial, read_with(path, s.as_bytes(), chunk)) {
                (Ok(a), Ok(b)) => assert_eq!(fingerprint(a), fingerprint(&b), "chunks of {chunk} bytes"),
                (Err(a), Err(b)) => assert_eq!(*a, b, "chunks of {chunk} bytes"),
                (a, b) => panic!("chunks of {chunk} bytes: serial {a:?}, chunked {b:?}"),
            }
        }
        serial
    }
    fn err(s: &str) -> String {
        rd(s).unwrap_err().to_string()
    }

    #[test]
    fn rbds_markers_mm_to_m_and_gaps() {
        let r = rd("Time\tR.ASISX\tR.ASISY\tR.ASISZ\tL.KneeX\tL.KneeY\tL.KneeZ\n\
                    0.0\t2109.1\t1032.3\t1612.4\t\t\t\n\
                    0.007\t2107.5\t1030.6\t1613.7\t\t\t\n\
                    0.013\t2106.3\t1029.4\t1614.3\t1\t2\t3\n\
                    0.020\t2106.3\t1029.4\t1614.3\t1\t2\t3\n")
        .unwrap();
        let p = r.points.unwrap();
        assert_eq!(p.frames, 4);
        assert_eq!(p.rate_hz, 150.0);
        assert_eq!(p.markers[0].name, "R.ASIS");
        assert!((p.markers[0].xyz[0][0] - 2.1091).abs() < 1e-12);
        assert!(!p.markers[1].is_present(0));
        assert!(p.markers[1].is_present(2));
        assert!(r.notes.iter().any(|n| n.contains("taken as mm")));
    }

    #[test]
    fn separator_styles() {
        let r = rd("time,lasi_x,lasi_y,lasi_z,RASI.X,RASI.Y,RASI.Z\n0,0.1,0.2,0.3,1,1,1\n0.01,0.1,0.2,0.3,1,1,1\n")
            .unwrap();
        let p = r.points.unwrap();
        assert_eq!(p.markers.len(), 2);
        assert_eq!(p.markers[1].name, "RASI");
        assert_eq!(p.rate_hz, 100.0);
        assert_eq!(p.markers[0].xyz[0], [0.1, 0.2, 0.3]);
    }

    #[test]
    fn force_file_counts_samples() {
        let r = rd("Time\tFx\tFy\tFz\tCOPx\tCOPy\tCOPz\tTy\n1\t-128.78\t1718.29\t-74.77\t2117.64\t0.0\t1552.29\t13298.91\n2\t1\t2\t3\t2104.63\t0\t1552\t19883.12\n").unwrap();
        assert!(r.points.is_none());
        assert_eq!(r.analogs.len(), 7);
        assert!(r.analogs[0].rate_hz.is_nan());
        assert_eq!(r.analogs[0].kind, ChannelKind::ForcePlate);
        assert_eq!(r.analogs[3].unit, "m");
        assert!((r.analogs[3].data[0] - 2.11764).abs() < 1e-12);
        assert_eq!(r.analogs[6].unit, "N.m");
        assert!((r.analogs[6].data[0] - 13.29891).abs() < 1e-12);
        assert!(r.notes.iter().any(|n| n.contains("time column counts samples; rate unknown")));
    }

    #[test]
    fn gait_cycle_table() {
        let r = rd("PercGcycle\tRhipAngX25\tRhipPow25\n0\t2.5\t1\n1\t2.9\t\n").unwrap();
        assert_eq!(r.reference.len(), 2);
        assert_eq!(r.reference[0].name, "RhipAng25");
        assert_eq!(r.reference[0].component, "X");
        assert_eq!(r.reference[0].unit, "deg");
        assert!(r.reference[1].data[1].is_nan());
    }

    #[test]
    fn errors_are_positioned() {
        assert_eq!(
            err("Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\tx\t3\n0.02\t1\t2\t3\n"),
            "t.txt:3:3: expected a number, found \"x\" (in A)"
        );
        assert_eq!(err("Time\tAX\tAY\n0\t1\t2\n"), "t.txt:1:2: marker \"A\" has no Z column");
        assert_eq!(
            err("Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\t2\n"),
            "t.txt:3: file is truncated: last row has 3 of 4 fields"
        );
        assert_eq!(
            err("Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\t2\t1e"),
            "t.txt:3:4: file is truncated: number cut off: \"1e\" (in A)"
        );
        // `12.` is still a number.
        assert!(rd("Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\t2\t12.").is_ok());
        assert_eq!(
            err("Time\tAX\tAY\tAZ\n0\t1\t2\t3\n0.01\t1\n0.02\t1\t2\t3\n"),
            "t.txt:3: expected 4 fields, found 2"
        );
        assert_eq!(
            err("Time;AX;AY;AZ\n0;1,5;2;3\n"),
            "t.txt:1: wrong delimiter: the header is separated by semicolons; expected tabs, commas or spaces"
        );
        assert_eq!(
            err("Time\tAX\tAY\tAZ\n0,1,2,3\n"),
            "t.txt:2: wrong delimiter: row uses commas but the header uses tabs"
        );
        assert_eq!(err("Time\tAX\tAY\tAZ\n\n"), "t.txt:2: no frames of data");
        assert_eq!(
            err("Foo\tAX\n1\t2\n"),
            "t.txt:1:1: missing header: a time column (Time, Frame or PercGcycle) first, found \"Foo\""
        );
    }

    #[test]
    fn rate_helpers() {
        let t: Vec<f64> = (0..4500).map(|i| (i as f64 * 30.0 / 4499.0 * 1000.0).round() / 1000.0).collect();
        let (r, notes) = rate_from_times(&t, "Time");
        assert_eq!(r, 150.0);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(counts_samples(&[1.0, 2.0, 3.0]));
        assert!(!counts_samples(&[0.0, 0.5, 1.0]));
        let (r, notes) = rate_from_times(&[0.0, 0.01, 0.02, 0.05, 0.06], "t");
        assert_eq!(r, 100.0);
        assert!(notes[0].contains("non-uniform"));
    }

    #[test]
    fn fast_decimals_are_bit_identical_to_std() {
        // A deterministic LCG over digit strings of every shape the fast path takes.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 33
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let int_len = (next() % 13) as usize;
            let frac_len = (next() % 14) as usize;
            let mut s = String::new();
            match next() % 4 {
                0 => s.push('-'),
                1 => s.push('+'),
                _ => {}
            }
            for _ in 0..int_len {
                s.push((b'0' + (next() % 10) as u8) as char);
            }
            if frac_len > 0 || next() % 3 == 0 {
                s.push('.');
            }
            for _ in 0..frac_len {
                s.push((b'0' + (next() % 10) as u8) as char);
            }
            let std = s.parse::<f64>().ok();
            let fast = parse_decimal(s.as_bytes());
            if let Some(v) = fast {
                assert_eq!(Some(v.to_bits()), std.map(f64::to_bits), "{s:?}");
                checked += 1;
            }
            // In a row (eight bytes at a time wherever eight remain), after
            // another cell: the same end and value.
            let row = format!("9.25,{s}\t123456789012.5\n");
            let (end, v) = scan_decimal(row.as_bytes(), 5);
            assert_eq!((end, v.map(f64::to_bits)), (5 + s.len(), fast.map(f64::to_bits)), "{s:?}");
            // The cell parser agrees with the general one whichever path it takes.
            let cell = fast_cell(s.as_bytes()).map(|v| v.map(f64::to_bits));
            let general = text::parse_opt_f64(&s, Path::new("t"), 1, 1).ok().map(|v| v.map(f64::to_bits));
            assert!(cell.is_none() || cell == general, "{s:?}: {cell:?} vs {general:?}");
        }
        assert!(checked > 140_000, "fast path taken {checked} times");
        for (s, v) in [("0.007", 0.007), ("-0.0", -0.0), ("12.", 12.0), (".5", 0.5), ("2109.1", 2109.1)] {
            assert_eq!(parse_decimal(s.as_bytes()).map(f64::to_bits), Some(f64::to_bits(v)), "{s}");
        }
        for s in ["", "-", ".", "+.", "1e5", "1.2.3", "12345678901234567890", "9007199254740993", " 1"] {
            assert_eq!(parse_decimal(s.as_bytes()), None, "{s:?}");
        }
        // Cells: blanks are gaps, NaN is a gap value, the rest needs the general path.
        assert_eq!(fast_cell(b" \t "), Some(None));
        assert_eq!(fast_cell(b" 1.5 "), Some(Some(1.5)));
        assert_eq!(fast_cell(b"1e3"), Some(Some(1000.0)));
        assert!(fast_cell(b"NaN").is_some_and(|v| v.is_some_and(f64::is_nan)));
        for s in ["\"1.5\"", "inf", "abc", "1,5", "\u{a0}1"] {
            assert_eq!(fast_cell(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn fast_rows_match_the_general_path() {
        // Blank lines, CRLF and a lone CR, quoted and exponent cells, NaN, an
        // empty trailing cell: every row takes one path or the other, and the
        // result is the same as reading the cells one by one.
        let r = rd("\r\nTime,AX,AY,AZ,Fz\r\n0,1,2,3,10\r\n\r\n0.01,\"1.5\",2e0,3,NaN\r0.02, 1 ,2,3,\n0.03,,,,7,\n")
            .unwrap();
        let p = r.points.as_ref().unwrap();
        assert_eq!(p.frames, 4);
        assert_eq!(p.markers[0].xyz[0], [1.0, 2.0, 3.0]);
        assert_eq!(p.markers[0].xyz[1], [1.5, 2.0, 3.0]);
        assert_eq!(p.markers[0].xyz[2], [1.0, 2.0, 3.0]);
        assert!(p.markers[0].xyz[3][0].is_nan());
        let fz = &r.analogs[0].data;
        assert_eq!((fz[0], fz[3]), (10.0, 7.0));
        assert!(fz[1].is_nan() && fz[2].is_nan());
        // Line numbers count blank lines and every kind of line break.
        assert_eq!(
            err("Time\tAX\tAY\tAZ\r\n\r\n0\t1\t2\t3\r0.01\t1\tx\t3\n"),
            "t.txt:4:3: expected a number, found \"x\" (in A)"
        );
        assert_eq!(err("Time\tAX\tAY\tAZ\n\t\t\t\n"), "t.txt:2: no frames of data");
        assert_eq!(err("Time\tAX\tAY\tAZ\n\t1\t2\t3\n"), "t.txt:2:1: expected a number, found \"\" (in Time)");
        assert_eq!(err("Time\tAX\tAY\tAZ\n0\t1\t2\t3\t4\n"), "t.txt:2:5: expected 4 fields, found 5");
        // Space-delimited files take the general path throughout.
        let r = rd("Time AX AY AZ\n0  1 2 3\n0.01 1 2 3\n").unwrap();
        assert_eq!(r.points.unwrap().markers[0].xyz[1], [1.0, 2.0, 3.0]);
    }

    /// A 400-row file of every row shape (CRLF, lone CR, blank lines,
    /// quoted, exponent and NaN cells, gaps, a frame column before the time),
    /// optionally with `bad` cells `(row, column, text)`.
    fn big(bad: &[(usize, usize, &str)]) -> String {
        let mut s = String::from("Frame,Time,AX,AY,AZ,BX,BY,BZ,Fz,COPx\r\n");
        for i in 0..400usize {
            let mut cells: Vec<String> = vec![
                format!("{}", i + 3),
                format!("{:.3}", i as f64 / 100.0),
                format!("{:.4}", 1000.0 + (i as f64 * 0.37).sin() * 250.0),
                format!("{}", -(i as f64) * 1.25),
                format!("{:.6}", 900.0 + i as f64 / 7.0),
                if i % 17 == 3 { String::new() } else { format!("{}", i % 11) },
                if i % 29 == 5 { "NaN".into() } else { format!("{:.2}", i as f64 / 3.0) },
                if i % 31 == 7 { format!("\"{}.5\"", i) } else { format!("{}e-1", i) },
                format!("{:.1}", (i as f64 * 0.1).cos() * 700.0),
                if i % 13 == 0 { String::new() } else { format!("{}", 200 + i) },
            ];
            for &(row, col, text) in bad {
                if row == i {
                    cells[col] = text.into();
                }
            }
            s.push_str(&cells.join(","));
            s.push_str(match i % 37 {
                0 => "\r",
                1 => "\n\n",
                2 => "\r\n\r\n",
                _ => "\r\n",
            });
        }
        s
    }

    #[test]
    fn chunks_equal_the_serial_parse() {
        let s = big(&[]);
        let body = &s.as_bytes()[s.find('\n').unwrap() + 1..];
        assert!(split_body(body, 7).len() > 300, "one chunk a line or so");
        let r = rd(&s).unwrap();
        let p = r.points.as_ref().unwrap();
        assert_eq!(p.frames, 400);
        assert_eq!(p.first_frame, 3);
        assert_eq!(r.analogs.len(), 2);
        assert!(!p.markers[1].is_present(3) && p.markers[1].is_present(4));
        // Lines are counted as `next_line` splits them.
        assert_eq!(count_lines(b"a\r\nb\rc\n\nd"), 5);
        assert_eq!(count_lines(b"a\r"), 1);
        assert_eq!(count_lines(b""), 0);
        // A body above `PAR_CHUNK_BYTES` is chunked by `read`, with the same result.
        let rows = &s[s.find('\n').unwrap() + 1..];
        let long = format!("{}{}", &s[..s.find('\n').unwrap() + 1], rows.repeat(40));
        assert!(split_body(long.as_bytes(), PAR_CHUNK_BYTES).len() > 1);
        let a = read(Path::new("t.txt"), long.as_bytes()).unwrap();
        let b = read_with(Path::new("t.txt"), long.as_bytes(), usize::MAX).unwrap();
        assert_eq!(a.points.as_ref().map(|p| p.frames), Some(16_000));
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn chunked_errors_are_the_serial_ones() {
        // A bad value in a late chunk: the line counts every CRLF, lone CR
        // and blank line before it.
        let e = rd(&big(&[(350, 6, "1.2.3")])).unwrap_err();
        let line = e.pos.line.unwrap();
        assert_eq!((e.pos.column, e.pos.field.as_deref()), (Some(7), Some("B")));
        let s = big(&[]);
        let before = text::Lines::new(s.as_bytes()).take_while(|(_, l)| !l.starts_with("353,3.500,")).count() as u64;
        assert_eq!(line, before + 1, "{e}");
        assert_eq!(line, 372, "header, 350 rows and 20 blank lines before it");
        // The first error in file order wins over a later one.
        let e = rd(&big(&[(350, 6, "x"), (20, 9, "y")])).unwrap_err();
        assert_eq!((e.pos.column, e.pos.field.as_deref()), (Some(10), Some("COPx")));
        // Field counts, an empty time and a cut-off last row.
        let e = rd(&big(&[(250, 9, "1,2")])).unwrap_err();
        assert!(matches!(e.kind, ReadErrorKind::FieldCount { expected: 10, found: 11 }), "{e}");
        let e = rd(&big(&[(300, 1, "")])).unwrap_err();
        assert_eq!((e.pos.column, e.pos.field.as_deref()), (Some(2), Some("Time")));
        let mut s = big(&[]);
        s.push_str("500,5.00,1,2");
        assert!(rd(&s).unwrap_err().to_string().contains("last row has 4 of 10 fields"));
        s.push_str(",3,4,5,6,7,1e");
        assert!(rd(&s).unwrap_err().to_string().contains("number cut off: \"1e\""));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            "\n\n",
            "Time",
            "Time\n",
            "Time\tX\n1",
            "\u{feff}Time,AX,AY,AZ\r\n0,1,2,3\r\n",
            "Time\tAX\tAY\tAZ\n0\t\t\t\n",
        ] {
            let _ = rd(s);
        }
    }
}
