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
    let (neg, mut i) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut m: u64 = 0;
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        m = m.wrapping_mul(10).wrapping_add(u64::from(b[i] - b'0'));
        i += 1;
    }
    let int_digits = i - start;
    let mut frac = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f0 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            m = m.wrapping_mul(10).wrapping_add(u64::from(b[i] - b'0'));
            i += 1;
        }
        frac = i - f0;
    }
    // 19 digits cannot overflow a u64; beyond that `m` may have wrapped.
    if i != b.len() || int_digits + frac == 0 || int_digits + frac > 19 || m > 1 << 53 || frac > 22 {
        return None;
    }
    let v = m as f64 / POW10[frac];
    Some(if neg { -v } else { v })
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
    dts.sort_by(f64::total_cmp);
    let median = dts[dts.len() / 2];
    let (lo, hi) = (dts[0], dts[dts.len() - 1]);
    let uniform = mean > 0.0 && lo >= 0.75 * mean && hi <= 1.25 * mean;
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

/// Parse the row starting at `*pos` into `vals` (one per header column)
/// without allocating; on success `*pos` is at the row's line break (or the
/// end). `false` when the row needs [`slow_row`]: a cell [`fast_cell`] does
/// not take, fewer fields than the header, or a non-blank cell beyond it.
fn fast_row(b: &[u8], pos: &mut usize, delim: u8, vals: &mut [Option<f64>]) -> bool {
    let mut p = *pos;
    let mut j = 0;
    let ends = |c: u8| c == delim || c == b'\n' || c == b'\r';
    loop {
        // One pass over a plain decimal cell (the common case): the same
        // arithmetic as `parse_decimal`, reading the bytes in place.
        let s = p;
        let neg = p < b.len() && b[p] == b'-';
        p += usize::from(neg || (p < b.len() && b[p] == b'+'));
        let (mut m, d0) = (0u64, p);
        while p < b.len() && b[p].is_ascii_digit() {
            m = m.wrapping_mul(10).wrapping_add(u64::from(b[p] - b'0'));
            p += 1;
        }
        let (mut frac, dot) = (0, p < b.len() && b[p] == b'.');
        if dot {
            p += 1;
            let f0 = p;
            while p < b.len() && b[p].is_ascii_digit() {
                m = m.wrapping_mul(10).wrapping_add(u64::from(b[p] - b'0'));
                p += 1;
            }
            frac = p - f0;
        }
        let digits = p - d0 - usize::from(dot);
        let at_end = p == b.len() || ends(b[p]);
        let v = if at_end && p == s {
            None
        } else if at_end && digits > 0 && digits <= 19 && m <= 1 << 53 && frac <= 22 {
            let v = m as f64 / POW10[frac];
            Some(if neg { -v } else { v })
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
        match vals.get_mut(j) {
            Some(slot) => *slot = v,
            None if v.is_some() => return false,
            None => {}
        }
        j += 1;
        if p < b.len() && b[p] == delim {
            p += 1;
        } else {
            break;
        }
    }
    if j < vals.len() {
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

/// Read one plain delimited text file from its bytes (see the module docs).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
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
    // [`fast_cell`] (no per-row or per-cell allocation) into `vals`, then
    // committed to column vectors. A row the fast path cannot take (blank,
    // quoted or bad cells, wrong field count, space-delimited files) goes
    // through `slow_row`, which gives the positioned error.
    // Line breaks bound the rows (counted in u8 lanes so that it vectorises).
    let rows_cap =
        b.chunks(128).map(|c| c.iter().map(|&x| u8::from(x == b'\n')).sum::<u8>() as usize).sum::<usize>() + 1;
    // Every stored cell takes at least 2 bytes of the file (value and
    // delimiter): rows x columns never allocates more than the file backs,
    // however many short lines sit under a wide header.
    let cap = text::bounded_count(rows_cap as u64, bytes.len(), 1)
        .unwrap_or(0)
        .min(1 << 24)
        .min(bytes.len() / (2 * ncols.max(1)) + 1);
    let mut times: Vec<f64> = Vec::with_capacity(cap);
    let mut first_counter: Option<f64> = None;
    let mut xyz: Vec<Vec<[f64; 3]>> = markers.iter().map(|_| Vec::with_capacity(cap)).collect();
    let mut scalars: Vec<Vec<f64>> = scalar_names.iter().map(|_| Vec::with_capacity(cap)).collect();
    let mut row = vec![[f64::NAN; 3]; markers.len()];
    let mut vals: Vec<Option<f64>> = vec![None; ncols];
    let ctx = RowCtx { path, bytes, delim, names, slots: &slots, markers: &markers };
    let mut no = hline;
    while pos < b.len() {
        no += 1;
        let start = pos;
        let fast = delim != ' ' && fast_row(b, &mut pos, delim as u8, &mut vals) && vals[tcol].is_some();
        if !fast {
            pos = start;
            let Some(line) = next_line(b, &mut pos) else { break };
            let line = String::from_utf8_lossy(line);
            if line.trim().is_empty() {
                continue;
            }
            slow_row(&ctx, no, &line, &mut vals)?;
        } else if pos < b.len() {
            // Consume the line break (`\n`, `\r\n` or a lone `\r`).
            pos += if b[pos] == b'\r' && b.get(pos + 1) == Some(&b'\n') { 2 } else { 1 };
        }
        let mut t = f64::NAN;
        for (slot, v) in slots.iter().zip(&vals) {
            match *slot {
                Slot::Time => t = v.unwrap_or(f64::NAN),
                Slot::Skip => {
                    if first_counter.is_none() {
                        first_counter = *v;
                    }
                }
                Slot::Marker(k, a) => row[k][a] = v.unwrap_or(f64::NAN),
                Slot::Scalar(s) => scalars[s].push(v.unwrap_or(f64::NAN)),
            }
        }
        times.push(t);
        for (k, p) in row.iter().enumerate() {
            xyz[k].push(if p.iter().all(|v| v.is_finite()) { *p } else { [f64::NAN; 3] });
        }
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
        let mut maxes: Vec<f64> = xyz
            .iter()
            .filter_map(|m| {
                let mx = m.iter().flatten().filter(|v| v.is_finite()).fold(0.0f64, |a, v| a.max(v.abs()));
                (mx > 0.0).then_some(mx)
            })
            .collect();
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
        let out = markers
            .iter()
            .zip(xyz)
            .map(|((name, _), mut v)| {
                if per_metre != 1.0 {
                    for p in v.iter_mut() {
                        for c in p.iter_mut() {
                            *c /= per_metre;
                        }
                    }
                }
                Marker { name: name.to_string(), xyz: v }
            })
            .collect();
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

    fn rd(s: &str) -> Result<Recording, ReadError> {
        read(Path::new("t.txt"), s.as_bytes())
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
            let int_len = (next() % 9) as usize;
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
            // The cell parser agrees with the general one whichever path it takes.
            let cell = fast_cell(s.as_bytes()).map(|v| v.map(f64::to_bits));
            let general = text::parse_opt_f64(&s, Path::new("t"), 1, 1).ok().map(|v| v.map(f64::to_bits));
            assert!(cell.is_none() || cell == general, "{s:?}: {cell:?} vs {general:?}");
        }
        assert!(checked > 150_000, "fast path taken {checked} times");
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
