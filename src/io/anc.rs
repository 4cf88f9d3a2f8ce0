//! Motion Analysis Corporation analog ASCII files (`.anc`, "Analog R/C ASCII").
//!
//! ```text
//! File_Type:  Analog R/C ASCII  Generation#:  2
//! Board_Type: NI USB-6225       Polarity:     Bipolar
//! Trial_Name: ...  Trial#: 3  Duration(Sec.): 2.389500  #Channels: 28
//! BitDepth:   16                PreciseRate:  2000.000000
//! (blank lines)
//! Name   F1X   F1Y  ...  SOL   GAS ...
//! Rate   2000  2000 ...  2000  2000 ...
//! Range  5000  5000 ...  2500  2500 ...     (per-channel input range, ±mV)
//! 0.000000  0  6  ...  -197  144 ...        (time, then integer counts)
//! ```
//!
//! Conversion to volts, generation 2 (the Range row is the bipolar input range
//! in mV): `V = counts * 2 * range_mV / 1000 / 2^BitDepth`, i.e.
//! `counts / 2^(BitDepth-1) * range_mV / 1000`, as in BTK
//! (`ANxFileIOStoreHeader_p` in `btkMotionAnalysisFileIOUtils_p.cpp`,
//! Biomechanical-ToolKit/BTKCore, whose ANC reader is `btkANCFileIO.cpp`).
//! Generation 1 files hold the resolution in the Range row; BTK scales them by
//! `2^BitDepth / Range`, which is followed here with a note.
//!
//! All channels are in volts: force-plate channels (`F1X`, `M2Z`, `FP1FX`,
//! `FX1` ...) are the plate's raw amplifier outputs, not newtons (ANC carries
//! no calibration; BTK assumes a gain it cannot know). They get kind
//! `ForcePlate` so that they are not mistaken for EMG; use the companion MOT
//! for forces. Other channels are classified by [`ChannelKind::guess`]
//! (`SOL`, `GAS`, `TA`, `MH`, `BF`, `VL`, `VM`, `RF`, `GMAX`, `GMED` → EMG).
//! Each channel's rate is its `Rate` cell; `time0_s` is the first time value.
// `ReadError` is large (path + position); boxing it is a change to error.rs.

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::delimited::{fields, num_cell, short_row, wrong_delimiter};
use crate::io::text::{self, Lines};
use crate::model::{AnalogChannel, ChannelKind, Format, Recording};
use std::path::Path;

/// Force-plate channel names as BTK recognises them: optional `FP<n>`, then
/// `F` or `M`, an optional plate index, the axis, an optional index.
fn is_plate_channel(name: &str) -> bool {
    let n = name.trim().to_ascii_uppercase();
    let mut s = n.as_str();
    if let Some(rest) = s.strip_prefix("FP") {
        s = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let mut c = s.chars();
    if !matches!(c.next(), Some('F' | 'M')) {
        return false;
    }
    let rest = c.as_str().trim_start_matches(|c: char| c.is_ascii_digit());
    let mut r = rest.chars();
    matches!(r.next(), Some('X' | 'Y' | 'Z')) && r.all(|c| c.is_ascii_digit())
}

fn missing(path: &Path, line: u64, what: &str) -> ReadError {
    ReadError::new(path, Position::line(line), ReadErrorKind::MissingHeader(what.into()))
}

/// Read one ANC file from its bytes (see the module docs).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let mut lines = Lines::new(bytes);
    // Header: `Key:\tvalue` pairs up to the `Name` row.
    let mut header: Vec<(String, String, u64, u64)> = Vec::new();
    let mut name_row = None;
    for (no, line) in lines.by_ref() {
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        if no == 1 && !cells.first().is_some_and(|c| c.starts_with("File_Type")) {
            return Err(missing(path, 1, "File_Type: line"));
        }
        if cells.first().is_some_and(|c| *c == "Name") {
            name_row = Some((no, line));
            break;
        }
        let mut i = 0;
        while i < cells.len() {
            if let Some(k) = cells[i].strip_suffix(':') {
                let v = cells.get(i + 1).copied().unwrap_or("");
                header.push((k.to_string(), v.to_string(), no, i as u64 + 2));
                i += 2;
            } else {
                i += 1;
            }
        }
    }
    let Some((name_no, name_line)) = name_row else {
        return Err(ReadError::file(path, ReadErrorKind::MissingHeader("Name row".into())));
    };
    let get = |k: &str| header.iter().find(|h| h.0.eq_ignore_ascii_case(k));
    let header_num = |k: &str| -> Result<Option<f64>, ReadError> {
        match get(k) {
            None => Ok(None),
            Some((_, v, line, col)) => text::parse_f64(v, path, *line, *col).map(Some).map_err(|mut e| {
                e.pos.field = Some(k.to_string());
                e
            }),
        }
    };
    let bits = header_num("BitDepth")?.ok_or_else(|| missing(path, name_no, "BitDepth"))?;
    if !(bits.fract() == 0.0 && (2.0..=32.0).contains(&bits)) {
        let (_, v, line, col) = get("BitDepth").cloned().unwrap_or_default();
        return Err(ReadError::new(
            path,
            Position::cell(line, col).with_field("BitDepth"),
            ReadErrorKind::BadValue(format!("BitDepth must be a whole number from 2 to 32, found {v}")),
        ));
    }
    let precise = header_num("PreciseRate")?;
    let generation = header_num("Generation#")?.unwrap_or(2.0);
    let duration = header_num("Duration(Sec.)")?;
    let claimed_channels = header_num("#Channels")?;

    let names: Vec<String> =
        name_line.split('\t').skip(1).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    let n = names.len();
    let mut row_of = |key: &str, after: u64| -> Result<(u64, Vec<f64>), ReadError> {
        let what = format!("{key} row after the Name row");
        let (no, line) = lines.next().ok_or_else(|| missing(path, after + 1, &what))?;
        let mut cells = line.split('\t').map(str::trim);
        if cells.next() != Some(key) {
            return Err(missing(path, no, &what));
        }
        let vals: Vec<&str> = cells.collect();
        let mut out = Vec::with_capacity(n);
        for (j, name) in names.iter().enumerate() {
            let cell = vals.get(j).copied().unwrap_or("");
            let v = text::parse_f64(cell, path, no, j as u64 + 2).map_err(|mut e| {
                e.pos.field = Some(name.clone());
                e
            })?;
            if v.is_nan() || v <= 0.0 {
                return Err(ReadError::new(
                    path,
                    Position::cell(no, j as u64 + 2).with_field(name.clone()),
                    ReadErrorKind::BadValue(format!("{key} must be positive, found {cell}")),
                ));
            }
            if key == "Rate" && v > text::MAX_RATE_HZ {
                return Err(ReadError::new(
                    path,
                    Position::cell(no, j as u64 + 2).with_field(name.clone()),
                    ReadErrorKind::BadValue(format!("Rate {cell} Hz is above the 1 MHz limit")),
                ));
            }
            out.push(v);
        }
        Ok((no, out))
    };
    let (rate_no, rates) = row_of("Rate", name_no)?;
    let (range_no, ranges) = row_of("Range", rate_no)?;

    let scales: Vec<f64> = ranges
        .iter()
        .map(|r| if generation == 1.0 { 2f64.powf(bits) / r } else { r / 1000.0 / 2f64.powf(bits - 1.0) })
        .collect();

    // Data rows: time, then one count per channel.
    let ncols = n + 1;
    let cap = duration
        .zip(precise)
        .map(|(d, r)| d * r + 1.0)
        .filter(|v| v.is_finite() && *v >= 0.0)
        .and_then(|v| text::bounded_count(v as u64, bytes.len(), 2 * ncols))
        .unwrap_or(0);
    let mut times: Vec<f64> = Vec::with_capacity(cap);
    let mut data: Vec<Vec<f64>> = (0..n).map(|_| Vec::with_capacity(cap)).collect();
    let mut empty = 0usize;
    for (no, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let mut got = 0;
        for (j, cell) in fields(&line, '\t').enumerate() {
            if j >= ncols {
                if cell.trim().is_empty() {
                    continue;
                }
                return Err(ReadError::new(
                    path,
                    Position::cell(no, j as u64 + 1),
                    ReadErrorKind::FieldCount { expected: ncols, found: fields(&line, '\t').count() },
                ));
            }
            got = j + 1;
            let field = if j == 0 { "time" } else { names[j - 1].as_str() };
            let v = num_cell(cell, path, bytes, no, j + 1, field, j + 1 == ncols)
                .map_err(|e| wrong_delimiter(path, no, &line, '\t').unwrap_or(e))?;
            if j == 0 {
                times.push(v.ok_or_else(|| {
                    ReadError::new(
                        path,
                        Position::cell(no, 1).with_field("time"),
                        ReadErrorKind::BadNumber(String::new()),
                    )
                })?);
            } else {
                if v.is_none() {
                    empty += 1;
                }
                data[j - 1].push(v.map_or(f64::NAN, |c| c * scales[j - 1]));
            }
        }
        if got < ncols {
            if let Some(e) = wrong_delimiter(path, no, &line, '\t') {
                return Err(e);
            }
            return Err(short_row(path, bytes, no, ncols, got));
        }
    }
    if times.is_empty() {
        return Err(ReadError::new(path, Position::line(range_no + 1), ReadErrorKind::NoFrames));
    }

    let mut rec = Recording::new(path, Format::Anc, "Motion Analysis ANC");
    if generation == 1.0 {
        rec.notes.push("ANC generation 1: counts scaled by 2^BitDepth / Range as BTK does".into());
    }
    if let Some(c) = claimed_channels
        && c != n as f64
    {
        rec.notes.push(format!("header #Channels={c} but the Name row lists {n}; using the names"));
    }
    if let (Some(d), Some(r)) = (duration, precise) {
        let expect = (d * r).round() + 1.0;
        if expect != times.len() as f64 {
            rec.notes.push(format!(
                "Duration x PreciseRate implies {expect} rows but the file has {}; using the data",
                times.len()
            ));
        }
    }
    if empty > 0 {
        rec.notes.push(format!("{empty} empty cells read as NaN"));
    }
    if let Some(p) = precise
        && let Some(r) = rates.iter().find(|r| (**r - p).abs() > 0.1)
    {
        rec.notes.push(format!("a channel Rate ({r}) differs from PreciseRate ({p})"));
    }
    if times.len() > 1 {
        let row_rate = (times.len() - 1) as f64 / (times[times.len() - 1] - times[0]);
        let r0 = precise.unwrap_or(rates.first().copied().unwrap_or(f64::NAN));
        if (row_rate / r0 - 1.0).abs().is_nan() || (row_rate / r0 - 1.0).abs() > 0.01 {
            rec.notes.push(format!("time column implies {row_rate:.3} Hz, header {r0} Hz"));
        }
    }
    let t0 = times[0];
    for ((name, d), rate) in names.into_iter().zip(data).zip(rates) {
        let kind = if is_plate_channel(&name) { ChannelKind::ForcePlate } else { ChannelKind::guess(&name, "") };
        rec.analogs.push(AnalogChannel { name, unit: "V".into(), rate_hz: rate, time0_s: t0, kind, data: d });
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "File_Type:\tAnalog R/C ASCII\tGeneration#:\t2\n\
        Board_Type:\tNI USB-6225\tPolarity:\tBipolar\n\
        Trial_Name:\tT\tTrial#:\t3\tDuration(Sec.):\t0.001000\t#Channels:\t3\n\
        BitDepth:\t16\tPreciseRate:\t2000.000000\n\n\n\n\n\
        Name\tF1X\tSOL\tMH\t\nRate\t2000\t2000\t2000\t\nRange\t5000\t2500\t1000\t\n";

    fn rd(s: &str) -> Result<Recording, ReadError> {
        read(Path::new("t.anc"), s.as_bytes())
    }
    fn err(s: &str) -> String {
        rd(s).unwrap_err().to_string()
    }

    #[test]
    fn counts_to_volts() {
        let r = rd(&format!("{HEAD}0.000000\t0\t-197\t463\t\n0.000500\t-4\t-252\t456\t\n0.001000\t-1\t-310\t435\t\n"))
            .unwrap();
        assert_eq!(r.analogs.len(), 3);
        let kinds: Vec<_> = r.analogs.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec![ChannelKind::ForcePlate, ChannelKind::Emg, ChannelKind::Emg]);
        // -197 counts at ±2500 mV, 16 bit: -197 / 32768 * 2.5 V.
        assert!((r.analogs[1].data[0] - (-197.0 / 32768.0 * 2.5)).abs() < 1e-15);
        assert!((r.analogs[2].data[0] - (463.0 / 32768.0 * 1.0)).abs() < 1e-15);
        assert_eq!(r.analogs[0].rate_hz, 2000.0);
        assert_eq!(r.analogs[0].unit, "V");
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn plate_names() {
        for n in ["F1X", "M3Z", "FX", "FP1FZ", "FZ2", "f2y"] {
            assert!(is_plate_channel(n), "{n}");
        }
        for n in ["GMAX", "FX1A", "MH", "TA", "F"] {
            assert!(!is_plate_channel(n), "{n}");
        }
    }

    #[test]
    fn errors_are_positioned() {
        assert_eq!(
            err(&format!("{HEAD}0.000000\t0\tx\t463\t\n0.0005\t0\t1\t2\n")),
            "t.anc:12:3: expected a number, found \"x\" (in SOL)"
        );
        assert_eq!(
            err(&format!("{HEAD}0.000000\t0\t1\t463\t\n0.0005\t0\n")),
            "t.anc:13: file is truncated: last row has 2 of 4 fields"
        );
        assert_eq!(
            err(&format!("{HEAD}0.000000\t0\t1\t463\t\n0.0005\t0\t1\t4e")),
            "t.anc:13:4: file is truncated: number cut off: \"4e\" (in MH)"
        );
        assert_eq!(
            err(&format!("{HEAD}0.000000,0,1,463\n")),
            "t.anc:12: wrong delimiter: row uses commas but the header uses tabs"
        );
        assert_eq!(err(HEAD), "t.anc:12: no frames of data");
        assert_eq!(
            err(&HEAD.replace("Range\t5000", "Range\t0")),
            "t.anc:11:2: invalid value: Range must be positive, found 0 (in F1X)"
        );
        assert_eq!(
            err(&HEAD.replace("Rate\t2000\t2000", "Rate\t2000\tfast")),
            "t.anc:10:3: expected a number, found \"fast\" (in SOL)"
        );
        assert_eq!(err(&HEAD.replace("Range\t", "Ranges\t")), "t.anc:11: missing header: Range row after the Name row");
        assert_eq!(
            err(&HEAD.replace("BitDepth:\t16", "BitDepth:\t99")),
            "t.anc:4:2: invalid value: BitDepth must be a whole number from 2 to 32, found 99 (in BitDepth)"
        );
        assert_eq!(err("Name\tA\n"), "t.anc:1: missing header: File_Type: line");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "File_Type:",
            "File_Type:\tx\nName\n",
            "File_Type:\nBitDepth:\t16\nName\tA\nRate\t1\nRange\t1\n\t\n",
            "File_Type:\nBitDepth:\t16\nName\tA\nRate\nRange\n",
        ] {
            let _ = rd(s);
        }
    }
}
