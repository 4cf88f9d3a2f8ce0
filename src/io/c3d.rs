//! C3D reader, written from the C3D standard ("The C3D File Format User
//! Guide", Motion Lab Systems, c3d.org; chapter numbers below refer to it).
//!
//! Layout (User Guide, "The C3D file format"): a file is a sequence of
//! 512-byte blocks.
//!
//! - Block 1 is the **header**: word 1 holds the first parameter block
//!   (byte 1) and the key `0x50` (byte 2); word 2 the number of 3-D points;
//!   word 3 the analog measurements per 3-D frame (channels x samples);
//!   words 4/5 the first and last frame (1-based); words 7-8 the scale factor;
//!   word 9 the first data block; word 10 the analog samples per frame; words
//!   11-12 the frame rate; words 150-234 up to 18 header events (count, times,
//!   display flags, 4-character labels).
//! - The **parameter section** starts with a 4-byte header (key `0x50`, block
//!   count, processor type 84 Intel / 85 DEC / 86 MIPS-SGI) followed by a chain
//!   of group and parameter records. Each record: name length (negative =
//!   locked), id (negative = group, positive = parameter of group `id`), name,
//!   a signed 16-bit offset to the next record (0 = last), then for a group its
//!   description, for a parameter its type (-1 char, 1 byte, 2 int16, 4 float),
//!   dimension count, dimensions, data and description.
//! - The **data section** starts at `POINT:DATA_START` and holds one record per
//!   frame: every point as X, Y, Z and a residual/camera word, then the analog
//!   samples of that frame, interleaved channel by channel. A negative
//!   `POINT:SCALE` means all values are floats; otherwise they are int16
//!   scaled by `POINT:SCALE` (points) and by `(raw - OFFSET) * SCALE *
//!   GEN_SCALE` (analog).
//!
//! The reader never trusts a count in the file: every read goes through
//! `get()`, every count is bounded by what the file's size can hold, the
//! parameter chain is walked with a visited set, and a data section shorter
//! than declared is read as far as it goes (with a note).

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::text::bounded_count;
use crate::model::{
    AnalogChannel, Bilateral, ChannelKind, EventKind, FileEvent, ForcePlate, Format, Marker, PointData, Recording,
    ReferenceScalar, ReferenceSeries, Side, Subject,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

const BLOCK: usize = 512;

/// The processor type of the parameter section header (User Guide, "Parameter
/// section header"): it fixes the byte order and the float format of the whole
/// file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Processor {
    Intel,
    Dec,
    Mips,
}

impl Processor {
    fn from_byte(b: u8) -> Option<Processor> {
        match b {
            84 => Some(Processor::Intel),
            85 => Some(Processor::Dec),
            86 => Some(Processor::Mips),
            _ => None,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Processor::Intel => "Intel",
            Processor::Dec => "DEC",
            Processor::Mips => "MIPS",
        }
    }
    fn i16(self, b: [u8; 2]) -> i16 {
        match self {
            Processor::Mips => i16::from_be_bytes(b),
            _ => i16::from_le_bytes(b),
        }
    }
    fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Processor::Mips => u16::from_be_bytes(b),
            _ => u16::from_le_bytes(b),
        }
    }
    fn f32(self, b: [u8; 4]) -> f32 {
        match self {
            Processor::Intel => f32::from_le_bytes(b),
            Processor::Mips => f32::from_be_bytes(b),
            Processor::Dec => dec_f32(b),
        }
    }
}

/// Convert a DEC (VAX F_floating) number to IEEE single precision.
///
/// VAX F_floating is stored as two little-endian 16-bit words, the first
/// holding the sign, the 8-bit exponent (excess 128) and the high mantissa
/// bits, the second the low mantissa bits; the value is `0.1fff… x 2^(e-128)`.
/// Swapping the words gives the IEEE bit layout of a number four times too
/// large, hence the division by 4 (User Guide, "DEC floating point").
/// Exponent 0 means zero. Computed in `f64` so that the largest and smallest
/// VAX exponents do not overflow to infinity or lose bits before rounding.
pub(crate) fn dec_f32(b: [u8; 4]) -> f32 {
    let bits = u32::from_le_bytes([b[2], b[3], b[0], b[1]]);
    let exp = ((bits >> 23) & 0xff) as i32;
    if exp == 0 {
        return 0.0;
    }
    let mant = (bits & 0x7f_ffff) as f64;
    let v = (1.0 + mant / 8_388_608.0) * 2f64.powi(exp - 129);
    let v = if bits >> 31 == 1 { -v } else { v };
    v as f32
}

/// A float parameter as the decimal number a person typed: `82.7f32`
/// becomes `82.7`, not `82.69999694824219`. Used for subject data and stored
/// results only; scales, offsets and geometry are converted exactly (as
/// ezc3d does).
fn decimal_f64(v: f32) -> f64 {
    if !v.is_finite() {
        return v as f64;
    }
    format!("{v}").parse::<f64>().unwrap_or(v as f64)
}

fn arr2(s: &[u8], at: usize) -> Option<[u8; 2]> {
    let x = s.get(at..at.checked_add(2)?)?;
    Some([x[0], x[1]])
}

fn arr4(s: &[u8], at: usize) -> Option<[u8; 4]> {
    let x = s.get(at..at.checked_add(4)?)?;
    Some([x[0], x[1], x[2], x[3]])
}

/// One parameter record: its type, dimensions and raw data.
#[derive(Debug, Clone)]
struct Param<'a> {
    /// -1 char, 1 byte, 2 int16, 4 float.
    kind: i8,
    dims: Vec<usize>,
    data: &'a [u8],
    /// Byte offset of the data in the file, for error positions.
    offset: usize,
}

/// The parameter section, keyed by upper-case `(GROUP, NAME)`.
struct Params<'a> {
    proc: Processor,
    map: HashMap<(String, String), Param<'a>>,
    groups: HashSet<String>,
}

impl<'a> Params<'a> {
    fn get(&self, group: &str, name: &str) -> Option<&Param<'a>> {
        self.map.get(&(group.to_ascii_uppercase(), name.to_ascii_uppercase()))
    }
    fn has_group(&self, group: &str) -> bool {
        self.groups.contains(&group.to_ascii_uppercase())
    }
    fn offset(&self, group: &str, name: &str) -> Option<usize> {
        self.get(group, name).map(|p| p.offset)
    }

    /// Numeric values as `f64` (int16 signed, byte unsigned, float per processor).
    fn floats(&self, group: &str, name: &str) -> Option<Vec<f64>> {
        let p = self.get(group, name)?;
        Some(match p.kind {
            1 => p.data.iter().map(|&b| b as f64).collect(),
            2 => p.data.chunks_exact(2).map(|c| self.proc.i16([c[0], c[1]]) as f64).collect(),
            4 => p.data.chunks_exact(4).map(|c| self.proc.f32([c[0], c[1], c[2], c[3]]) as f64).collect(),
            _ => return None,
        })
    }

    /// Integer values with int16 read as *unsigned* (counts, block numbers
    /// and frame numbers above 32767 are written as unsigned words).
    fn uints(&self, group: &str, name: &str) -> Option<Vec<u64>> {
        let p = self.get(group, name)?;
        Some(match p.kind {
            1 => p.data.iter().map(|&b| b as u64).collect(),
            2 => p.data.chunks_exact(2).map(|c| self.proc.u16([c[0], c[1]]) as u64).collect(),
            4 => p
                .data
                .chunks_exact(4)
                .map(|c| {
                    let v = self.proc.f32([c[0], c[1], c[2], c[3]]);
                    if v.is_finite() && v >= 0.0 { v.round() as u64 } else { 0 }
                })
                .collect(),
            _ => return None,
        })
    }

    fn uint(&self, group: &str, name: &str) -> Option<u64> {
        self.uints(group, name)?.first().copied()
    }

    fn float(&self, group: &str, name: &str) -> Option<f64> {
        self.floats(group, name)?.first().copied()
    }

    /// Strings of a char parameter: the first dimension is the string length,
    /// the others count the strings. Trailing blanks and NULs are dropped.
    fn strings(&self, group: &str, name: &str) -> Option<Vec<String>> {
        let p = self.get(group, name)?;
        if p.kind != -1 {
            return None;
        }
        let len = p.dims.first().copied().unwrap_or(p.data.len()).max(1);
        Some(p.data.chunks(len).map(decode_text).collect())
    }

    /// A string array continued in `NAME2`, `NAME3`, ... (User Guide: labels
    /// beyond 255 entries).
    fn strings_multi(&self, group: &str, name: &str) -> Vec<String> {
        let mut out = self.strings(group, name).unwrap_or_default();
        for k in 2.. {
            match self.strings(group, &format!("{name}{k}")) {
                Some(more) => out.extend(more),
                None => break,
            }
        }
        out
    }

    /// A numeric array continued in `NAME2`, `NAME3`, ...
    fn floats_multi(&self, group: &str, name: &str) -> Vec<f64> {
        let mut out = self.floats(group, name).unwrap_or_default();
        for k in 2.. {
            match self.floats(group, &format!("{name}{k}")) {
                Some(more) => out.extend(more),
                None => break,
            }
        }
        out
    }

    fn string(&self, group: &str, name: &str) -> Option<String> {
        self.strings(group, name)?.into_iter().next()
    }
}

/// Text of a char parameter: UTF-8 when valid, otherwise Latin-1 (old files
/// write `µV` as the single byte 0xB5).
fn decode_text(b: &[u8]) -> String {
    let s = match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    };
    s.trim_matches(|c: char| c == '\0' || c.is_whitespace()).to_string()
}

/// Everything the reader needs to build errors.
struct Ctx<'p> {
    path: &'p Path,
}

impl Ctx<'_> {
    fn err(&self, byte: usize, field: &str, kind: ReadErrorKind) -> ReadError {
        let mut pos = Position::byte(byte as u64);
        if !field.is_empty() {
            pos = pos.with_field(field);
        }
        ReadError::new(self.path, pos, kind)
    }
}

/// Walk the parameter chain starting at `start` (the byte after the 4-byte
/// parameter section header).
fn parse_params<'a>(
    ctx: &Ctx,
    bytes: &'a [u8],
    section: usize,
    proc: Processor,
    notes: &mut Vec<String>,
) -> Result<Params<'a>, ReadError> {
    let mut pos = section + 4;
    let mut visited = HashSet::new();
    let mut group_names: HashMap<u8, String> = HashMap::new();
    let mut raw: Vec<(u8, String, Param<'a>)> = Vec::new();
    loop {
        if !visited.insert(pos) {
            return Err(ctx.err(
                pos,
                "parameter section",
                ReadErrorKind::Format("parameter chain loops back to an earlier record".into()),
            ));
        }
        let (Some(&len_b), Some(&id_b)) = (bytes.get(pos), bytes.get(pos + 1)) else {
            return Err(ctx.err(
                pos,
                "parameter section",
                ReadErrorKind::Truncated("parameter section ends inside a record".into()),
            ));
        };
        let name_len = (len_b as i8).unsigned_abs() as usize;
        let id = id_b as i8;
        if name_len == 0 || id == 0 {
            break;
        }
        let trunc = |at: usize| {
            ctx.err(at, "parameter section", ReadErrorKind::Truncated("parameter section ends inside a record".into()))
        };
        let name_at = pos + 2;
        let name = bytes.get(name_at..name_at + name_len).ok_or_else(|| trunc(pos))?;
        let name = decode_text(name).to_ascii_uppercase();
        let next_at = name_at + name_len;
        let next = proc.i16(arr2(bytes, next_at).ok_or_else(|| trunc(next_at))?);
        if id < 0 {
            group_names.insert(id.unsigned_abs(), name);
        } else {
            let head = next_at + 2;
            let (Some(&kind_b), Some(&nd)) = (bytes.get(head), bytes.get(head + 1)) else {
                return Err(trunc(head));
            };
            let kind = kind_b as i8;
            let nd = nd as usize;
            let dims: Vec<usize> =
                bytes.get(head + 2..head + 2 + nd).ok_or_else(|| trunc(head))?.iter().map(|&d| d as usize).collect();
            let data_at = head + 2 + nd;
            let size = kind.unsigned_abs() as usize;
            if ![1, 2, 4].contains(&size) {
                notes.push(format!("parameter {name} at byte {pos} has unknown type {kind}; skipped"));
            } else {
                // Each dimension is at most 255, so the product of up to 255
                // of them is checked against the file rather than trusted.
                let count = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
                let len = count.and_then(|c| c.checked_mul(size));
                let data = len.and_then(|l| bytes.get(data_at..data_at.checked_add(l)?)).ok_or_else(|| {
                    ctx.err(
                        data_at,
                        &name,
                        ReadErrorKind::Truncated("parameter data runs past the end of the file".into()),
                    )
                })?;
                raw.push((id.unsigned_abs(), name, Param { kind, dims, data, offset: data_at }));
            }
        }
        if next == 0 {
            break;
        }
        let np = next_at as i64 + next as i64;
        if np < 0 || np as usize >= bytes.len() {
            notes.push(format!("parameter chain points outside the file at byte {next_at}; stopped there"));
            break;
        }
        pos = np as usize;
    }
    let mut map = HashMap::new();
    for (gid, name, p) in raw {
        match group_names.get(&gid) {
            Some(g) => {
                map.insert((g.clone(), name), p);
            }
            None => notes.push(format!("parameter {name} belongs to no group (id {gid})")),
        }
    }
    Ok(Params { proc, map, groups: group_names.into_values().collect() })
}

/// The fixed fields of the header block that the reader uses.
struct Header {
    points: u16,
    analog_per_frame: u16,
    first_frame: u16,
    last_frame: u16,
    scale: f32,
    data_start: u16,
    rate: f32,
}

fn parse_header(bytes: &[u8], proc: Processor) -> Header {
    let w = |i: usize| arr2(bytes, (i - 1) * 2).map(|b| proc.u16(b)).unwrap_or(0);
    let f = |i: usize| arr4(bytes, (i - 1) * 2).map(|b| proc.f32(b)).unwrap_or(0.0);
    Header {
        points: w(2),
        analog_per_frame: w(3),
        first_frame: w(4),
        last_frame: w(5),
        scale: f(7),
        data_start: w(9),
        rate: f(11),
    }
}

/// Header events (words 150-234): used only when there is no EVENT group.
fn header_events(bytes: &[u8], proc: Processor) -> Vec<FileEvent> {
    let count = arr2(bytes, 300).map(|b| proc.u16(b)).unwrap_or(0).min(18) as usize;
    (0..count)
        .filter_map(|i| {
            let t = proc.f32(arr4(bytes, 304 + 4 * i)?) as f64;
            let label = decode_text(bytes.get(396 + 4 * i..400 + 4 * i)?);
            if !t.is_finite() {
                return None;
            }
            // Labels such as `RFS` or `LHS`: a side letter and an event code.
            let side = label.get(..1).and_then(Side::from_label);
            let rest = label.get(1..).map(EventKind::from_label);
            let (side, kind) = match (side, rest) {
                (Some(s), Some(k @ (EventKind::FootStrike | EventKind::FootOff))) => (Some(s), k),
                _ => (None, EventKind::from_label(&label)),
            };
            Some(FileEvent { side, kind, time_s: t, subject: None })
        })
        .collect()
}

/// Groups of `POINT` that list non-marker outputs, with the parameter that
/// names their unit and its default.
const OUTPUT_GROUPS: [(&str, &str, &str); 6] = [
    ("ANGLES", "ANGLE_UNITS", "deg"),
    ("FORCES", "FORCE_UNITS", "N"),
    ("MOMENTS", "MOMENT_UNITS", "Nmm"),
    ("POWERS", "POWER_UNITS", "W"),
    ("SCALARS", "SCALAR_UNITS", ""),
    ("REACTIONS", "REACTION_UNITS", ""),
];

/// Unit parameter of a model output recognised by its label alone.
fn output_by_suffix(label: &str) -> Option<usize> {
    let l = label.to_ascii_lowercase();
    let ends = |s: &[&str]| s.iter().any(|x| l.ends_with(x));
    if ends(&["angle", "angles"]) {
        Some(0)
    } else if ends(&["force", "forces", "grf"]) {
        Some(1)
    } else if ends(&["moment", "moments"]) {
        Some(2)
    } else if ends(&["power", "powers"]) {
        Some(3)
    } else {
        None
    }
}

/// Give repeated labels a ` (2)`, ` (3)`, ... suffix so that names (used by
/// [`ForcePlate::channels`] and by later stages) identify one series each.
fn make_unique(names: &mut [String], what: &str, notes: &mut Vec<String>) {
    crate::io::text::unique_names(names, what, notes);
}

/// Factor to metres for a point unit.
fn length_factor(unit: &str) -> Option<f64> {
    match unit.trim().to_ascii_lowercase().as_str() {
        "mm" | "" => Some(0.001),
        "cm" => Some(0.01),
        "m" => Some(1.0),
        _ => None,
    }
}

/// SI conversion of an analog unit: the factor and the new unit.
fn analog_si(unit: &str) -> (f64, String) {
    let u = unit.trim();
    match u.to_ascii_lowercase().as_str() {
        // `nt`, `ntmm`: newtons and newton-millimetres in 1990s files (c3d.org sample01).
        "nmm" | "n.mm" | "n-mm" | "n*mm" | "nmm." | "ntmm" => (0.001, "N.m".into()),
        "nm" | "n.m" | "n-m" | "n*m" => (1.0, "N.m".into()),
        "mm" => (0.001, "m".into()),
        "mv" => (0.001, "V".into()),
        "uv" | "µv" | "μv" => (1e-6, "V".into()),
        "n" | "nt" => (1.0, "N".into()),
        "v" => (1.0, "V".into()),
        _ => (1.0, u.to_string()),
    }
}

/// Read one C3D file from its bytes.
///
/// Marker positions are converted to metres; model outputs listed in
/// `POINT:ANGLES`, `FORCES`, `MOMENTS`, `POWERS`, `SCALARS`, `REACTIONS` (or
/// named like them) go to [`Recording::reference`] in the file's units; analog
/// channels are scaled per the User Guide and converted to SI where the unit
/// is known. Events come from the `EVENT` group (sorted by time), or from the
/// header when that group is absent.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let ctx = Ctx { path };
    let (proc, section) = locate_parameters(&ctx, bytes)?;
    let header = parse_header(bytes, proc);
    let mut notes = Vec::new();
    let params = parse_params(&ctx, bytes, section, proc, &mut notes)?;
    let layout = Layout::new(&ctx, &params, &header, bytes.len(), &mut notes)?;
    let points = PointLabels::new(&params, layout.n_points, &mut notes);
    let analog = AnalogScaling::new(&params, layout.n_chan, &mut notes);
    let (pts, chans) = decode_data(bytes, &layout, &points.factors, &analog, proc);

    let mut rec = Recording::new(path, Format::C3d, layout.dialect(proc));
    assemble_points(&mut rec, &layout, points, pts, &params);
    // Force plates first: their channels are always force-plate channels.
    rec.force_plates = force_plates(&params, &analog.labels, layout.to_m, &mut notes);
    rec.analogs = analog_channels(&rec.force_plates, analog, chans, &layout);
    rec.events = if params.has_group("EVENT") { events(&params, bytes.len()) } else { header_events(bytes, proc) };
    rec.subject = subject(&params);
    rec.analysis = analysis(&params);
    rec.notes = notes;
    Ok(rec)
}

/// The header's pointer to the parameter section, and the processor type
/// stored there (which fixes byte order and float format).
fn locate_parameters(ctx: &Ctx, bytes: &[u8]) -> Result<(Processor, usize), ReadError> {
    let len = bytes.len();
    if len < BLOCK {
        return Err(ctx.err(
            0,
            "header",
            ReadErrorKind::Truncated(format!("header block needs 512 bytes, file has {len}")),
        ));
    }
    let pblock = bytes[0] as usize;
    let section = pblock.saturating_sub(1) * BLOCK;
    if pblock == 0 || section + 4 > len {
        return Err(ctx.err(
            0,
            "header: parameter block",
            ReadErrorKind::BadValue(format!("parameter section at block {pblock} is outside the file ({len} bytes)")),
        ));
    }
    let proc_b = bytes[section + 3];
    let proc = Processor::from_byte(proc_b).ok_or_else(|| {
        ctx.err(
            section + 3,
            "parameter section: processor type",
            ReadErrorKind::BadValue(format!("processor type {proc_b} (expected 84, 85 or 86)")),
        )
    })?;
    Ok((proc, section))
}

/// Where the data are and how they are stored: storage type, rates, counts
/// (each bounded by the file's size), frame size and the frame range.
struct Layout {
    /// `POINT:SCALE`: negative for float storage, else the int16 point scale.
    scale: f64,
    is_float: bool,
    /// Bytes per stored value (2 or 4).
    vsize: usize,
    rate: f64,
    n_points: usize,
    n_chan: usize,
    /// Analog samples per channel per point frame.
    spf: usize,
    analog_rate: f64,
    frame_bytes: usize,
    data_start: usize,
    first_frame: i64,
    frames: usize,
    time0: f64,
    /// Point unit to metres.
    to_m: f64,
}

impl Layout {
    fn new(
        ctx: &Ctx,
        params: &Params,
        header: &Header,
        len: usize,
        notes: &mut Vec<String>,
    ) -> Result<Self, ReadError> {
        let scale = params.float("POINT", "SCALE").unwrap_or(header.scale as f64);
        let is_float = scale < 0.0;
        let vsize = if is_float { 4 } else { 2 };
        let rate_off = params.offset("POINT", "RATE").unwrap_or(20);
        let rate = params.float("POINT", "RATE").unwrap_or(header.rate as f64);
        if !(rate.is_finite() && rate > 0.0 && rate <= crate::io::text::MAX_RATE_HZ) {
            return Err(ctx.err(
                rate_off,
                "POINT:RATE",
                ReadErrorKind::BadValue(format!("point rate {rate} Hz (must be positive and at most 1 MHz)")),
            ));
        }
        let n_points_claim = params.uint("POINT", "USED").unwrap_or(header.points as u64);
        let n_points = bounded_count(n_points_claim, len, 4 * vsize).ok_or_else(|| {
            ctx.err(
                params.offset("POINT", "USED").unwrap_or(2),
                "POINT:USED",
                ReadErrorKind::BadValue(format!("{n_points_claim} points cannot fit in the file")),
            )
        })?;
        let n_chan_claim = params.uint("ANALOG", "USED").unwrap_or(0);
        let n_chan = bounded_count(n_chan_claim, len, vsize).ok_or_else(|| {
            ctx.err(
                params.offset("ANALOG", "USED").unwrap_or(4),
                "ANALOG:USED",
                ReadErrorKind::BadValue(format!("{n_chan_claim} analog channels cannot fit in the file")),
            )
        })?;
        let analog_rate_param = params.float("ANALOG", "RATE").filter(|r| r.is_finite() && *r > 0.0);
        let spf = samples_per_frame(header, n_chan, analog_rate_param, rate, notes);
        let analog_rate = analog_rate_param.unwrap_or(rate * spf as f64);
        let frame_bytes = n_points
            .checked_mul(4 * vsize)
            .and_then(|p| n_chan.checked_mul(spf)?.checked_mul(vsize)?.checked_add(p))
            .ok_or_else(|| ctx.err(2, "header", ReadErrorKind::BadValue("frame size overflows".into())))?;
        let data_start = data_start(ctx, params, header, len, notes)?;
        let (first_frame, declared) = frame_range(params, header, notes);
        let available = (len - data_start).checked_div(frame_bytes).unwrap_or(0);
        let frames = if frame_bytes == 0 {
            0
        } else if (available as u64) < declared {
            if available == 0 {
                return Err(ctx.err(
                    data_start,
                    "data section",
                    ReadErrorKind::Truncated(format!(
                        "{declared} frames declared, but no complete frame of {frame_bytes} bytes"
                    )),
                ));
            }
            notes.push(format!("file holds {available} of the {declared} frames it declares; read {available}"));
            available
        } else {
            declared as usize
        };
        let point_unit = params.string("POINT", "UNITS").unwrap_or_default();
        let to_m = length_factor(&point_unit).unwrap_or_else(|| {
            notes.push(format!("unknown POINT:UNITS {point_unit:?}; positions assumed in mm"));
            0.001
        });
        Ok(Layout {
            scale,
            is_float,
            vsize,
            rate,
            n_points,
            n_chan,
            spf,
            analog_rate,
            frame_bytes,
            data_start,
            first_frame,
            frames,
            time0: (first_frame - 1) as f64 / rate,
            to_m,
        })
    }

    fn dialect(&self, proc: Processor) -> String {
        format!("C3D ({}, {})", proc.name(), if self.is_float { "float" } else { "integer" })
    }
}

/// Samples per channel per frame: the header's total divided by the channel
/// count fixes the layout; the rates are the fallback.
fn samples_per_frame(
    header: &Header,
    n_chan: usize,
    analog_rate: Option<f64>,
    rate: f64,
    notes: &mut Vec<String>,
) -> usize {
    let per_frame = header.analog_per_frame as usize;
    if n_chan == 0 {
        0
    } else if per_frame >= n_chan && per_frame.is_multiple_of(n_chan) {
        per_frame / n_chan
    } else {
        let r = analog_rate.map(|a| (a / rate).round()).unwrap_or(1.0);
        let s = if r.is_finite() && r >= 1.0 { r as usize } else { 1 };
        notes.push(format!(
            "header analog count {per_frame} does not match {n_chan} channels; using {s} samples per frame"
        ));
        s
    }
}

/// Byte offset of the data section (`POINT:DATA_START`, else the header).
fn data_start(
    ctx: &Ctx,
    params: &Params,
    header: &Header,
    len: usize,
    notes: &mut Vec<String>,
) -> Result<usize, ReadError> {
    let ds_block = params.uint("POINT", "DATA_START").unwrap_or(header.data_start as u64);
    if header.data_start as u64 != ds_block && header.data_start != 0 {
        notes.push(format!(
            "POINT:DATA_START ({ds_block}) differs from the header ({}); using the parameter",
            header.data_start
        ));
    }
    let start = (ds_block as usize).saturating_sub(1).saturating_mul(BLOCK);
    if ds_block == 0 || start > len {
        return Err(ctx.err(
            params.offset("POINT", "DATA_START").unwrap_or(16),
            "POINT:DATA_START",
            ReadErrorKind::BadValue(format!("data section at block {ds_block} is outside the file ({len} bytes)")),
        ));
    }
    Ok(start)
}

/// First frame and declared frame count: `TRIAL:ACTUAL_START/END_FIELD` (two
/// words each, low then high, for files beyond 65535 frames), else the header,
/// else `POINT:FRAMES`.
fn frame_range(params: &Params, header: &Header, notes: &mut Vec<String>) -> (i64, u64) {
    let field = |name: &str| {
        params.uints("TRIAL", name).and_then(|v| match v.as_slice() {
            [lo, hi, ..] => Some(lo + (hi << 16)),
            [lo] => Some(*lo),
            [] => None,
        })
    };
    match (field("ACTUAL_START_FIELD"), field("ACTUAL_END_FIELD")) {
        (Some(s), Some(e)) if e >= s && s > 0 => (s as i64, e - s + 1),
        _ if header.last_frame >= header.first_frame.max(1) => {
            let f = header.first_frame.max(1);
            (f as i64, (header.last_frame - f) as u64 + 1)
        }
        _ => {
            let f = params.uint("POINT", "FRAMES").unwrap_or(0);
            notes.push(format!(
                "header frame range {}..{} is invalid; using POINT:FRAMES ({f})",
                header.first_frame, header.last_frame
            ));
            (header.first_frame.max(1) as i64, f)
        }
    }
}

/// Point labels, and per point whether it is a marker (`None`) or a model
/// output of kind `k` in [`OUTPUT_GROUPS`], with the factor its values are
/// multiplied by (metres for markers, 1 for outputs).
struct PointLabels {
    labels: Vec<String>,
    kinds: Vec<Option<usize>>,
    factors: Vec<f64>,
}

impl PointLabels {
    fn new(params: &Params, n_points: usize, notes: &mut Vec<String>) -> Self {
        let mut labels = params.strings_multi("POINT", "LABELS");
        if labels.len() < n_points {
            notes.push(format!(
                "POINT:LABELS names {} of {n_points} points; the rest are called Point<n>",
                labels.len()
            ));
        }
        fill_labels(&mut labels, n_points, "Point");
        make_unique(&mut labels, "POINT:LABELS", notes);
        let mut output_of: HashMap<String, usize> = HashMap::new();
        for (k, (g, _, _)) in OUTPUT_GROUPS.iter().enumerate() {
            for name in params.strings_multi("POINT", g) {
                output_of.entry(name).or_insert(k);
            }
        }
        let kinds: Vec<Option<usize>> =
            labels.iter().map(|l| output_of.get(l).copied().or_else(|| output_by_suffix(l))).collect();
        let to_m = length_factor(&params.string("POINT", "UNITS").unwrap_or_default()).unwrap_or(0.001);
        let factors = kinds.iter().map(|k| if k.is_some() { 1.0 } else { to_m }).collect();
        PointLabels { labels, kinds, factors }
    }
}

/// Pad or cut `labels` to `n`, naming unnamed entries `<prefix><index>`.
fn fill_labels(labels: &mut Vec<String>, n: usize, prefix: &str) {
    labels.resize(n.max(labels.len()), String::new());
    labels.truncate(n);
    for (i, l) in labels.iter_mut().enumerate() {
        if l.is_empty() {
            *l = format!("{prefix}{}", i + 1);
        }
    }
}

/// Analog labels and the per-channel linear map from stored value to SI:
/// `(raw - OFFSET) * SCALE * GEN_SCALE * unit factor` (User Guide, "ANALOG
/// group").
struct AnalogScaling {
    labels: Vec<String>,
    si_units: Vec<String>,
    mul: Vec<f64>,
    off: Vec<f64>,
    unsigned: bool,
}

impl AnalogScaling {
    fn new(params: &Params, n_chan: usize, notes: &mut Vec<String>) -> Self {
        let mut labels = params.strings_multi("ANALOG", "LABELS");
        fill_labels(&mut labels, n_chan, "Analog");
        make_unique(&mut labels, "ANALOG:LABELS", notes);
        let units = params.strings_multi("ANALOG", "UNITS");
        let scale = params.floats_multi("ANALOG", "SCALE");
        let unsigned = params.string("ANALOG", "FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("UNSIGNED"));
        let offset: Vec<f64> = if unsigned {
            let mut v = params.uints("ANALOG", "OFFSET").unwrap_or_default();
            for k in 2.. {
                match params.uints("ANALOG", &format!("OFFSET{k}")) {
                    Some(m) => v.extend(m),
                    None => break,
                }
            }
            v.into_iter().map(|x| x as f64).collect()
        } else {
            params.floats_multi("ANALOG", "OFFSET")
        };
        let gen_scale = params.float("ANALOG", "GEN_SCALE").unwrap_or(1.0);
        let mut s = AnalogScaling {
            labels,
            si_units: Vec::with_capacity(n_chan),
            mul: Vec::with_capacity(n_chan),
            off: Vec::with_capacity(n_chan),
            unsigned,
        };
        for c in 0..n_chan {
            let (f, u) = analog_si(units.get(c).map(String::as_str).unwrap_or(""));
            s.si_units.push(u);
            s.mul.push(scale.get(c).copied().unwrap_or(1.0) * gen_scale * f);
            s.off.push(offset.get(c).copied().unwrap_or(0.0));
        }
        s
    }
}

/// Decode the data section into per-point samples (scaled by `factors`;
/// residual < 0 gives a gap) and per-channel analog samples in SI units.
fn decode_data(
    bytes: &[u8],
    l: &Layout,
    factors: &[f64],
    a: &AnalogScaling,
    proc: Processor,
) -> (Vec<Vec<[f64; 3]>>, Vec<Vec<f64>>) {
    let mut pts: Vec<Vec<[f64; 3]>> = (0..l.n_points).map(|_| Vec::with_capacity(l.frames)).collect();
    let mut chans: Vec<Vec<f64>> = (0..l.n_chan).map(|_| Vec::with_capacity(l.frames * l.spf)).collect();
    if l.frame_bytes == 0 {
        return (pts, chans);
    }
    let data = bytes.get(l.data_start..).unwrap_or(&[]);
    let point_bytes = l.n_points * 4 * l.vsize;
    for frame in data.chunks_exact(l.frame_bytes).take(l.frames) {
        let (pframe, aframe) = frame.split_at(point_bytes);
        for ((rec, buf), &k) in pframe.chunks_exact(4 * l.vsize).zip(&mut pts).zip(factors) {
            buf.push(decode_point(rec, l, k, proc));
        }
        if l.n_chan > 0 {
            for sample in aframe.chunks_exact(l.n_chan * l.vsize) {
                for (c, (val, ch)) in sample.chunks_exact(l.vsize).zip(&mut chans).enumerate() {
                    let raw = if l.is_float {
                        arr4(val, 0).map(|b| proc.f32(b) as f64)
                    } else if a.unsigned {
                        arr2(val, 0).map(|b| proc.u16(b) as f64)
                    } else {
                        arr2(val, 0).map(|b| proc.i16(b) as f64)
                    }
                    .unwrap_or(f64::NAN);
                    ch.push((raw - a.off[c]) * a.mul[c]);
                }
            }
        }
    }
    (pts, chans)
}

/// One stored point (X, Y, Z, residual word), scaled by `k`. A residual
/// below 0 marks an invalid sample (User Guide, "3D point residuals"); NaN
/// counts as invalid too.
fn decode_point(rec: &[u8], l: &Layout, k: f64, proc: Processor) -> [f64; 3] {
    if l.is_float {
        let v = |i: usize| arr4(rec, 4 * i).map(|b| proc.f32(b) as f64).unwrap_or(f64::NAN);
        if v(3) >= 0.0 { [v(0) * k, v(1) * k, v(2) * k] } else { [f64::NAN; 3] }
    } else {
        let v = |i: usize| arr2(rec, 2 * i).map(|b| proc.i16(b)).unwrap_or(-1);
        if v(3) >= 0 {
            let s = l.scale * k;
            [v(0) as f64 * s, v(1) as f64 * s, v(2) as f64 * s]
        } else {
            [f64::NAN; 3]
        }
    }
}

/// Markers into `rec.points`, model outputs into `rec.reference` (X/Y/Z).
fn assemble_points(rec: &mut Recording, l: &Layout, points: PointLabels, pts: Vec<Vec<[f64; 3]>>, params: &Params) {
    let unit_of = |k: usize| {
        let (_, p, d) = OUTPUT_GROUPS[k];
        params.string("POINT", p).unwrap_or_else(|| d.to_string())
    };
    let mut markers = Vec::new();
    for ((label, kind), xyz) in points.labels.into_iter().zip(&points.kinds).zip(pts) {
        match kind {
            None => markers.push(Marker { name: label, xyz }),
            Some(k) => {
                let unit = unit_of(*k);
                for (c, comp) in ["X", "Y", "Z"].iter().enumerate() {
                    rec.reference.push(ReferenceSeries {
                        name: label.clone(),
                        component: comp.to_string(),
                        unit: unit.clone(),
                        rate_hz: l.rate,
                        time0_s: l.time0,
                        data: xyz.iter().map(|p| p[c]).collect(),
                    });
                }
            }
        }
    }
    if l.n_points > 0 {
        rec.points = Some(PointData {
            rate_hz: l.rate,
            first_frame: l.first_frame,
            time0_s: l.time0,
            frames: l.frames,
            markers,
        });
    }
}

/// Analog channels with their kinds: channels a force plate uses are always
/// force-plate channels; the others are guessed from name and unit.
fn analog_channels(plates: &[ForcePlate], a: AnalogScaling, chans: Vec<Vec<f64>>, l: &Layout) -> Vec<AnalogChannel> {
    let plate_channels: HashSet<&str> = plates.iter().flat_map(|p| p.channels.iter().map(String::as_str)).collect();
    a.labels
        .iter()
        .zip(a.si_units)
        .zip(chans)
        .map(|((name, unit), data)| {
            let kind = if plate_channels.contains(name.as_str()) {
                ChannelKind::ForcePlate
            } else {
                ChannelKind::guess(name, &unit)
            };
            AnalogChannel { name: name.clone(), unit, rate_hz: l.analog_rate, time0_s: l.time0, kind, data }
        })
        .collect()
}

/// `FORCE_PLATFORM` group: geometry in point units (converted to metres) and
/// 1-based analog channel numbers (User Guide, "FORCE_PLATFORM group").
fn force_plates(params: &Params, a_labels: &[String], to_m: f64, notes: &mut Vec<String>) -> Vec<ForcePlate> {
    let g = "FORCE_PLATFORM";
    let used = params.uint(g, "USED").unwrap_or(0) as usize;
    let types = params.uints(g, "TYPE").unwrap_or_default();
    let corners = params.floats(g, "CORNERS").unwrap_or_default();
    let origin = params.floats(g, "ORIGIN").unwrap_or_default();
    let channel = params.uints(g, "CHANNEL").unwrap_or_default();
    let per_plate = params.get(g, "CHANNEL").and_then(|p| p.dims.first().copied()).unwrap_or(6);
    let cal = params.floats(g, "CAL_MATRIX").unwrap_or_default();
    let cal_size = params.get(g, "CAL_MATRIX").map(|p| p.dims.iter().take(2).product::<usize>()).unwrap_or(0);
    // A plate needs at least its type; never more plates than types listed.
    let used = used.min(types.len());
    (0..used)
        .map(|i| {
            let mut c = [[0.0; 3]; 4];
            for (k, row) in c.iter_mut().enumerate() {
                for (a, v) in row.iter_mut().enumerate() {
                    *v = corners.get(i * 12 + k * 3 + a).copied().unwrap_or(f64::NAN) * to_m;
                }
            }
            let o = [0, 1, 2].map(|a| origin.get(i * 3 + a).copied().unwrap_or(0.0) * to_m);
            let channels = (0..per_plate)
                .filter_map(|j| {
                    let n = *channel.get(i * per_plate + j)? as usize;
                    let name = n.checked_sub(1).and_then(|k| a_labels.get(k));
                    if name.is_none() {
                        notes.push(format!("force plate {} names analog channel {n}, which does not exist", i + 1));
                    }
                    name.cloned()
                })
                .collect();
            let plate_type = types.get(i).copied().unwrap_or(0).min(u16::MAX as u64) as u16;
            let cal_matrix = match cal_size {
                0 => Vec::new(),
                n => cal.get(i * n..(i + 1) * n).map(<[f64]>::to_vec).unwrap_or_default(),
            };
            ForcePlate { plate_type, corners: c, origin: o, channels, cal_matrix }
        })
        .collect()
}

/// `EVENT` group: contexts (side), labels, times as (minutes, seconds) pairs
/// and subjects (User Guide, "EVENT group").
fn events(params: &Params, len: usize) -> Vec<FileEvent> {
    let g = "EVENT";
    let contexts = params.strings(g, "CONTEXTS").unwrap_or_default();
    let labels = params.strings(g, "LABELS").unwrap_or_default();
    let subjects = params.strings(g, "SUBJECTS").unwrap_or_default();
    let times = params.floats(g, "TIMES").unwrap_or_default();
    let pairs = times.len() / 2;
    let used = params.uint(g, "USED").and_then(|u| bounded_count(u, len, 8)).unwrap_or(pairs).min(pairs);
    let mut out: Vec<FileEvent> = (0..used)
        .filter_map(|i| {
            let t = 60.0 * times[2 * i] + times[2 * i + 1];
            if !t.is_finite() {
                return None;
            }
            let label = labels.get(i).map(String::as_str).unwrap_or("");
            Some(FileEvent {
                side: contexts.get(i).and_then(|c| Side::from_label(c)),
                kind: EventKind::from_label(label),
                time_s: t,
                subject: subjects.get(i).filter(|s| !s.is_empty()).cloned(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
    out
}

/// `ANALYSIS` group (Vicon Nexus/Polygon): `NAMES`, `CONTEXTS` (side),
/// `UNITS` and `VALUES` of the spatiotemporal parameters Vicon computed
/// (cadence, walking speed, stride length, foot off, ...), kept as reference.
fn analysis(params: &Params) -> Vec<ReferenceScalar> {
    let g = "ANALYSIS";
    let names = params.strings(g, "NAMES").unwrap_or_default();
    let contexts = params.strings(g, "CONTEXTS").unwrap_or_default();
    let units = params.strings(g, "UNITS").unwrap_or_default();
    let values = params.floats(g, "VALUES").unwrap_or_default();
    let used = params.uint(g, "USED").map_or(values.len(), |u| (u as usize).min(values.len()));
    (0..used.min(names.len()))
        .filter(|&i| values[i].is_finite())
        .map(|i| ReferenceScalar {
            name: names[i].clone(),
            side: contexts.get(i).and_then(|c| Side::from_label(c)),
            value: decimal_f64(values[i] as f32),
            unit: units.get(i).cloned().unwrap_or_default(),
        })
        .collect()
}

/// `SUBJECTS:NAMES`, the Vicon `PROCESSING` group and the older `SUBJECT`
/// group: body mass, height and the Plug-in Gait anthropometry.
fn subject(params: &Params) -> Subject {
    let num =
        |g: &str, n: &str| params.float(g, n).filter(|v| v.is_finite() && *v > 0.0).map(|v| decimal_f64(v as f32));
    let p = |n: &str| num("PROCESSING", n);
    let bilateral = |base: &str| {
        Bilateral { left: p(&format!("L{base}")), right: p(&format!("R{base}")) }
            .or(p(base).map(Bilateral::both).unwrap_or_default())
    };
    let height = p("Height").or_else(|| num("SUBJECT", "HEIGHT"));
    Subject {
        name: params.string("SUBJECTS", "NAMES").or_else(|| params.string("SUBJECT", "NAME")).filter(|s| !s.is_empty()),
        mass_kg: p("Bodymass").or_else(|| num("SUBJECT", "WEIGHT")),
        // PROCESSING:Height is in mm; some writers give metres.
        height_m: height.map(|h| if h > 3.0 { h / 1000.0 } else { h }),
        leg_length_mm: bilateral("LegLength"),
        knee_width_mm: bilateral("KneeWidth"),
        ankle_width_mm: bilateral("AnkleWidth"),
        marker_diameter_mm: p("MarkerDiameter").or_else(|| num("SEG", "MARKER_DIAMETER")),
        // Zero means "not measured" in Plug-in Gait's PROCESSING group.
        inter_asis_mm: p("InterAsisDistance"),
        asis_trochanter_mm: bilateral("AsisTrocanterDistance"),
        tibial_torsion_deg: Bilateral {
            left: params.float("PROCESSING", "LTibialTorsion").filter(|v| *v != 0.0).map(|v| decimal_f64(v as f32)),
            right: params.float("PROCESSING", "RTibialTorsion").filter(|v| *v != 0.0).map(|v| decimal_f64(v as f32)),
        },
        ..Subject::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encode a float the way processor `proc` stores it.
    fn enc_f32(proc: u8, v: f32) -> [u8; 4] {
        match proc {
            86 => v.to_be_bytes(),
            85 => {
                // IEEE -> VAX F: four times the value, words swapped.
                let bits = (v * 4.0).to_bits();
                let [a, b, c, d] = bits.to_le_bytes();
                [c, d, a, b]
            }
            _ => v.to_le_bytes(),
        }
    }

    fn enc_i16(proc: u8, v: i16) -> [u8; 2] {
        if proc == 86 { v.to_be_bytes() } else { v.to_le_bytes() }
    }

    /// A small C3D file: header block, one parameter block, data from block 3.
    struct Builder {
        proc: u8,
        params: Vec<u8>,
    }

    impl Builder {
        fn new(proc: u8) -> Self {
            Builder { proc, params: vec![1, 0x50, 1, proc] }
        }
        fn group(&mut self, id: i8, name: &str) -> &mut Self {
            self.params.push(name.len() as u8);
            self.params.push((-id) as u8);
            self.params.extend(name.as_bytes());
            self.params.extend(enc_i16(self.proc, 3));
            self.params.push(0);
            self
        }
        fn param(&mut self, id: i8, name: &str, kind: i8, dims: &[u8], data: &[u8]) -> &mut Self {
            self.params.push(name.len() as u8);
            self.params.push(id as u8);
            self.params.extend(name.as_bytes());
            let next = 2 + 2 + dims.len() + data.len() + 1;
            self.params.extend(enc_i16(self.proc, next as i16));
            self.params.push(kind as u8);
            self.params.push(dims.len() as u8);
            self.params.extend(dims);
            self.params.extend(data);
            self.params.push(0);
            self
        }
        fn floats(&mut self, id: i8, name: &str, v: &[f32]) -> &mut Self {
            let data: Vec<u8> = v.iter().flat_map(|&x| enc_f32(self.proc, x)).collect();
            let dims: &[u8] = if v.len() == 1 { &[] } else { &[v.len() as u8] };
            self.param(id, name, 4, dims, &data)
        }
        fn ints(&mut self, id: i8, name: &str, v: &[i16]) -> &mut Self {
            let data: Vec<u8> = v.iter().flat_map(|&x| enc_i16(self.proc, x)).collect();
            let dims: &[u8] = if v.len() == 1 { &[] } else { &[v.len() as u8] };
            self.param(id, name, 2, dims, &data)
        }
        fn strs(&mut self, id: i8, name: &str, v: &[&str]) -> &mut Self {
            let w = v.iter().map(|s| s.len()).max().unwrap_or(1);
            let mut data = Vec::new();
            for s in v {
                data.extend(format!("{s:w$}").as_bytes());
            }
            self.param(id, name, -1, &[w as u8, v.len() as u8], &data)
        }
        /// The whole file: header (2 points, 1 channel x 2 samples, frames
        /// 1..=3 unless the caller changes it), parameters, `data`.
        fn file(&self, frames: u16, data: &[u8]) -> Vec<u8> {
            let p = self.proc;
            let mut f = vec![0u8; 1024];
            f[0] = 2;
            f[1] = 0x50;
            f[2..4].copy_from_slice(&enc_i16(p, 2));
            f[4..6].copy_from_slice(&enc_i16(p, 2));
            f[6..8].copy_from_slice(&enc_i16(p, 1));
            f[8..10].copy_from_slice(&enc_i16(p, frames as i16));
            f[16..18].copy_from_slice(&enc_i16(p, 3));
            f[512..512 + self.params.len()].copy_from_slice(&self.params);
            f.extend(data);
            f
        }
    }

    /// Parameters of the standard test file; `scale` < 0 means float data.
    fn standard(proc: u8, scale: f32, rate: f32) -> Builder {
        let mut b = Builder::new(proc);
        b.group(1, "POINT")
            .ints(1, "USED", &[2])
            .floats(1, "SCALE", &[scale])
            .floats(1, "RATE", &[rate])
            .ints(1, "DATA_START", &[3])
            .strs(1, "LABELS", &["LASI", "LKneeAngles"])
            .strs(1, "UNITS", &["mm"])
            .strs(1, "ANGLES", &["LKneeAngles"])
            .group(2, "ANALOG")
            .ints(2, "USED", &[1])
            .floats(2, "RATE", &[rate * 2.0])
            .strs(2, "LABELS", &["EMG1"])
            .strs(2, "UNITS", &["mV"])
            .floats(2, "SCALE", &[0.5])
            .ints(2, "OFFSET", &[10])
            .floats(2, "GEN_SCALE", &[2.0])
            .group(3, "EVENT")
            .strs(3, "CONTEXTS", &["Left", "Right"])
            .strs(3, "LABELS", &["Foot Off", "Foot Strike"])
            .floats(3, "TIMES", &[0.0, 0.02, 0.0, 0.01])
            .ints(3, "USED", &[2]);
        b
    }

    /// Three frames: LASI gap in frame 2, angles, analog raw 12, 14, ...
    fn standard_data(proc: u8, float: bool, frames: usize) -> Vec<u8> {
        let mut d = Vec::new();
        for f in 0..frames {
            let gap = f == 1;
            let vals: [f32; 8] =
                [1000.0 + f as f32, 2000.0, -30.0, if gap { -1.0 } else { 0.0 }, 10.0 * f as f32, 5.0, -5.0, 0.0];
            let analog = [12.0 + 2.0 * f as f32, 13.0];
            for v in vals.iter().chain(&analog) {
                if float {
                    d.extend(enc_f32(proc, *v));
                } else {
                    // Integer data: stored as value / scale (scale 0.5).
                    let raw = if v < &0.0 && (*v == -1.0) { -1 } else { (*v * 2.0) as i16 };
                    let raw = if analog.contains(v) { *v as i16 } else { raw };
                    d.extend(enc_i16(proc, raw));
                }
            }
        }
        d
    }

    fn read_t(bytes: &[u8]) -> Result<Recording, ReadError> {
        read(Path::new("t.c3d"), bytes)
    }

    #[test]
    fn dec_float_conversion() {
        assert_eq!(dec_f32([0x80, 0x40, 0, 0]), 1.0);
        assert_eq!(dec_f32([0x20, 0xC1, 0, 0]), -2.5);
        assert_eq!(dec_f32([0xCC, 0x3E, 0xCD, 0xCC]), 0.1f32);
        assert_eq!(dec_f32([0, 0, 0, 0]), 0.0);
        // The largest VAX exponent is still finite in IEEE.
        assert!(dec_f32([0xFF, 0x7F, 0xFF, 0xFF]).is_finite());
        for v in [0.5f32, 60.0, -0.0966, 1200.0, 12345.678] {
            assert_eq!(dec_f32(enc_f32(85, v)), v);
        }
    }

    fn check_standard(r: &Recording, dialect: &str) {
        assert_eq!(r.dialect, dialect);
        let p = r.points.as_ref().unwrap();
        assert_eq!((p.rate_hz, p.frames, p.first_frame, p.markers.len()), (100.0, 3, 1, 1));
        let m = &p.markers[0];
        assert_eq!(m.name, "LASI");
        assert_eq!(m.xyz[0], [1.0, 2.0, -0.03]);
        assert!(m.xyz[1].iter().all(|v| v.is_nan()));
        assert_eq!(m.xyz[2], [1.002, 2.0, -0.03]);
        // The angle is a reference series in degrees, not a marker.
        assert_eq!(r.reference.len(), 3);
        let x = &r.reference[0];
        assert_eq!((x.name.as_str(), x.component.as_str(), x.unit.as_str()), ("LKneeAngles", "X", "deg"));
        assert_eq!(x.data, [0.0, 10.0, 20.0]);
        // Analog: (raw - 10) * 0.5 * 2 mV, in V; two samples per frame.
        let a = &r.analogs[0];
        assert_eq!((a.name.as_str(), a.unit.as_str(), a.rate_hz), ("EMG1", "V", 200.0));
        assert_eq!(a.kind, ChannelKind::Emg);
        let want = [0.002, 0.003, 0.004, 0.003, 0.006, 0.003];
        for (g, w) in a.data.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{:?}", a.data);
        }
        assert_eq!(a.data.len(), 6);
        // Events sorted by time.
        let ev: Vec<_> = r.events.iter().map(|e| (e.side, e.kind.clone(), e.time_s)).collect();
        assert_eq!(ev.len(), 2);
        assert_eq!((ev[0].0, ev[0].1.clone()), (Some(Side::Right), EventKind::FootStrike));
        assert!((ev[0].2 - 0.01).abs() < 1e-7);
        assert_eq!((ev[1].0, ev[1].1.clone()), (Some(Side::Left), EventKind::FootOff));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn reads_intel_float() {
        let b = standard(84, -1.0, 100.0);
        let r = read_t(&b.file(3, &standard_data(84, true, 3))).unwrap();
        check_standard(&r, "C3D (Intel, float)");
    }

    #[test]
    fn reads_mips_float() {
        let b = standard(86, -1.0, 100.0);
        let r = read_t(&b.file(3, &standard_data(86, true, 3))).unwrap();
        check_standard(&r, "C3D (MIPS, float)");
    }

    #[test]
    fn reads_dec_integer() {
        let b = standard(85, 0.5, 100.0);
        let r = read_t(&b.file(3, &standard_data(85, false, 3))).unwrap();
        check_standard(&r, "C3D (DEC, integer)");
    }

    #[test]
    fn reads_dec_float() {
        let b = standard(85, -1.0, 100.0);
        let r = read_t(&b.file(3, &standard_data(85, true, 3))).unwrap();
        check_standard(&r, "C3D (DEC, float)");
    }

    #[test]
    fn short_data_reads_complete_frames_with_a_note() {
        let b = standard(84, -1.0, 100.0);
        let mut f = b.file(3, &standard_data(84, true, 3));
        f.truncate(f.len() - 10);
        let r = read_t(&f).unwrap();
        assert_eq!(r.points.as_ref().unwrap().frames, 2);
        assert_eq!(r.analogs[0].data.len(), 4);
        assert_eq!(r.notes, ["file holds 2 of the 3 frames it declares; read 2"]);
    }

    #[test]
    fn truncated_data_is_an_error_with_offset() {
        let b = standard(84, -1.0, 100.0);
        let f = b.file(10, &standard_data(84, true, 1)[..20]);
        let e = read_t(&f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 1024: file is truncated: 10 frames declared, \
             but no complete frame of 40 bytes (in data section)"
        );
    }

    #[test]
    fn truncated_parameters_and_header_are_errors() {
        let b = standard(84, -1.0, 100.0);
        let f = b.file(3, &[]);
        let e = read_t(&f[..530]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 526: file is truncated: parameter section ends inside a record \
             (in parameter section)"
        );
        let e = read_t(&f[..100]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 0: file is truncated: header block needs 512 bytes, file has 100 \
             (in header)"
        );
        // Every prefix and every single-byte corruption: no panic.
        let full = b.file(3, &standard_data(84, true, 3));
        for cut in 0..full.len() {
            let _ = read_t(&full[..cut]);
        }
        for at in 0..full.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut g = full.clone();
                g[at] = v;
                let _ = read_t(&g);
            }
        }
    }

    #[test]
    fn parameter_pointer_out_of_range() {
        let b = standard(84, -1.0, 100.0);
        let mut f = b.file(3, &standard_data(84, true, 3));
        f[0] = 9;
        let e = read_t(&f).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 0: invalid value: parameter section at block 9 is outside the file \
             (1144 bytes) (in header: parameter block)"
        );
    }

    #[test]
    fn looping_parameter_chain() {
        let mut b = Builder::new(84);
        b.group(1, "POINT").floats(1, "RATE", &[100.0]);
        // Point the RATE record's next offset back at the first record
        // (byte 516). Its offset word sits after its 4-character name.
        let word = 4 + (2 + 5 + 3) + 2 + 4;
        let back = -((512 + word) as i16 - 516);
        b.params[word..word + 2].copy_from_slice(&back.to_le_bytes());
        let e = read_t(&b.file(3, &[])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 516: parameter chain loops back to an earlier record \
             (in parameter section)"
        );
    }

    #[test]
    fn zero_point_rate() {
        let b = standard(84, -1.0, 0.0);
        let e = read_t(&b.file(3, &standard_data(84, true, 3))).unwrap_err();
        let rate_at = b.params.windows(4).position(|w| w == b"RATE").unwrap() + 512 + 4 + 2 + 2;
        assert_eq!(
            e.to_string(),
            format!(
                "t.c3d: byte {rate_at}: invalid value: point rate 0 Hz (must be positive and at most 1 MHz) \
                 (in POINT:RATE)"
            )
        );
        assert_eq!(rate_at, 565);
    }

    #[test]
    fn huge_counts_are_refused_not_allocated() {
        let mut b = standard(84, -1.0, 100.0);
        b.params.truncate(4);
        b.group(1, "POINT").ints(1, "USED", &[-1]).floats(1, "RATE", &[100.0]);
        let e = read_t(&b.file(3, &[])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.c3d: byte 536: invalid value: 65535 points cannot fit in the file (in POINT:USED)"
        );
    }
}
