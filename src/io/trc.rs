//! OpenSim / Motion Analysis track row column files (`.trc`).
//!
//! Layout (OpenSim user guide, "Marker (.trc) Files",
//! <https://opensimconfluence.atlassian.net/wiki/spaces/OpenSim/pages/53089972/Marker+.trc+Files>;
//! BTK `btkTRCFileIO.cpp`):
//!
//! ```text
//! PathFileType  4  (X/Y/Z)  name.trc
//! DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame  OrigNumFrames
//! 60.00     60.00       151        41          mm     60.00         1                   151
//! Frame#  Time  R.ASIS        L.ASIS  ...
//!               X1  Y1  Z1    X2  Y2  Z2 ...
//! 1       0.000 617.2 1055.3 170.8  ...
//! ```
//!
//! Cells are tab-separated; the header values line may be padded with spaces
//! and extra tabs (Rajagopal `motion_capture_walk.trc`), so its values are
//! matched to the keys by order, ignoring empty cells. A data row without any
//! tab is split on blanks. Missing samples are empty cells or absent trailing
//! cells: a marker sample with any coordinate missing is a gap (`[NaN; 3]`).
//!
//! * `rate_hz` = `DataRate` (must be positive and at most 1 MHz,
//!   [`text::MAX_RATE_HZ`]: otherwise `BadValue`);
//!   `first_frame` = first row's `Frame#`; `time0_s` = first row's `Time`.
//! * `Units` `mm`, `cm` or `m` → metres (absent: mm assumed, noted).
//! * `NumFrames`/`NumMarkers` that disagree with the data are only noted; the
//!   data wins. Header counts are never used to allocate.
//! * A marker named in the header but with no data column in any row is
//!   dropped with a note (not an error: OpenSim writers sometimes list markers
//!   they did not export). Columns beyond the named markers are ignored with
//!   a note (BTK `SprintCalib.trc` carries 5 unnamed markers).
//! * A marker name listed twice is renamed `NAME (2)` (noted).
//! * Rows x markers may not exceed the file's size in bytes (absent cells
//!   are gaps, but a few short rows under a header of thousands of markers
//!   are an error, not gigabytes of gaps).
//! * The last row of a file without a final line break that stops early, or
//!   whose last number is cut (`1e`), is `Truncated`.
// `ReadError` is large (path + position); boxing it is a change to error.rs.

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::delimited::{fields, num_cell, tail_info, wrong_delimiter};
use crate::io::text::{self, Lines};
use crate::model::{Format, Marker, PointData, Recording};
use std::path::Path;

fn header_err(path: &Path, line: u64, what: &str) -> ReadError {
    ReadError::new(path, Position::line(line), ReadErrorKind::MissingHeader(what.into()))
}

/// Read one TRC file from its bytes (see the module docs).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let mut lines = Lines::new(bytes);
    let mut next = |what: &str, no: u64| lines.next().ok_or_else(|| header_err(path, no, what));
    let (_, l1) = next("PathFileType line", 1)?;
    if !l1.trim_start().starts_with("PathFileType") {
        return Err(header_err(path, 1, "PathFileType line"));
    }
    let (_, keys_line) = next("header keys line (DataRate, CameraRate, NumFrames, ...)", 2)?;
    if !keys_line.contains("DataRate") {
        return Err(header_err(path, 2, "header keys line (DataRate, CameraRate, NumFrames, ...)"));
    }
    let (_, vals_line) = next("header values line", 3)?;
    let keys: Vec<&str> = keys_line.split(['\t', ' ']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let vals: Vec<&str> = vals_line.split(['\t', ' ']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let value = |key: &str| -> Option<(u64, &str)> {
        let i = keys.iter().position(|k| k.eq_ignore_ascii_case(key))?;
        vals.get(i).map(|v| (i as u64 + 1, *v))
    };
    let mut notes = Vec::new();

    let (rate_col, rate_s) = value("DataRate").ok_or_else(|| header_err(path, 3, "DataRate value"))?;
    let rate = text::parse_f64(rate_s, path, 3, rate_col).map_err(|mut e| {
        e.pos.field = Some("DataRate".into());
        e
    })?;
    if rate.is_nan() || rate <= 0.0 {
        return Err(ReadError::new(
            path,
            Position::cell(3, rate_col).with_field("DataRate"),
            ReadErrorKind::BadValue(format!("DataRate must be positive, found {rate_s}")),
        ));
    }
    if rate > text::MAX_RATE_HZ {
        return Err(ReadError::new(
            path,
            Position::cell(3, rate_col).with_field("DataRate"),
            ReadErrorKind::BadValue(format!("DataRate {rate_s} Hz is above the 1 MHz limit")),
        ));
    }
    // File units per metre; dividing keeps `1032.284 mm` → `1.032284` exact.
    let per_metre = match value("Units") {
        None => {
            notes.push("no Units in the header; millimetres assumed".to_string());
            1000.0
        }
        Some((c, u)) => match u.to_ascii_lowercase().as_str() {
            "mm" => 1000.0,
            "cm" => 100.0,
            "m" => 1.0,
            _ => {
                return Err(ReadError::new(
                    path,
                    Position::cell(3, c).with_field("Units"),
                    ReadErrorKind::BadValue(format!("Units {u:?} (expected mm, cm or m)")),
                ));
            }
        },
    };
    let count = |key: &str| -> Option<u64> {
        let v: f64 = value(key)?.1.parse().ok()?;
        (v >= 0.0 && v.fract() == 0.0 && v < 1e15).then_some(v as u64)
    };
    let num_frames = count("NumFrames");
    let num_markers = count("NumMarkers");

    // Names row and coordinate row.
    let names_what = "marker names row (Frame#, Time, marker names)";
    let (_, names_line) = next(names_what, 4)?;
    if !names_line.trim_start().to_ascii_lowercase().starts_with("frame") {
        return Err(header_err(path, 4, names_what));
    }
    let delim = if names_line.contains('\t') { '\t' } else { ' ' };
    let mut names: Vec<String> =
        fields(&names_line, delim).skip(2).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect();
    text::unique_names(&mut names, "the marker names row", &mut notes);
    let xyz_what = "coordinate row (X1 Y1 Z1 ...)";
    let (_, xyz_line) = next(xyz_what, 5)?;
    let first_label = xyz_line.split(['\t', ' ']).map(str::trim).find(|s| !s.is_empty());
    if !first_label.is_some_and(|s| s.starts_with(['X', 'x'])) {
        return Err(header_err(path, 5, xyz_what));
    }
    let nm = names.len();
    if let Some(n) = num_markers
        && n as usize != nm
    {
        notes.push(format!("header NumMarkers={n} but the names row lists {nm} markers; using the names"));
    }

    // Data rows.
    let cap = num_frames.and_then(|n| text::bounded_count(n, bytes.len(), 8 + 6 * nm)).unwrap_or(0);
    let mut xyz: Vec<Vec<[f64; 3]>> = (0..nm).map(|_| Vec::with_capacity(cap)).collect();
    let mut row = vec![[f64::NAN; 3]; nm];
    let mut present = vec![0u8; nm];
    let want = 2 + 3 * nm;
    let (mut frames, mut first_frame, mut t0, mut t_last) = (0usize, 0i64, f64::NAN, f64::NAN);
    let (mut max_width, mut extra, mut partial) = (0usize, 0usize, 0usize);
    for (no, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let d = if delim == '\t' && !line.contains('\t') {
            if let Some(e) = wrong_delimiter(path, no, &line, '\t') {
                return Err(e);
            }
            ' '
        } else {
            delim
        };
        row.iter_mut().for_each(|p| *p = [f64::NAN; 3]);
        present.iter_mut().for_each(|p| *p = 0);
        let (mut frame, mut time) = (None, None);
        let mut width = 0;
        for (j, cell) in fields(&line, d).enumerate() {
            width = j + 1;
            if j >= want {
                if !cell.trim().is_empty() {
                    extra = extra.max(j + 1 - want);
                }
                continue;
            }
            let field = match j {
                0 => "Frame#",
                1 => "Time",
                _ => &names[(j - 2) / 3],
            };
            let v = num_cell(cell, path, bytes, no, j + 1, field, false).map_err(|e| {
                if fields(&line, d).count() == j + 1 {
                    num_cell(cell, path, bytes, no, j + 1, field, true).err().unwrap_or(e)
                } else {
                    e
                }
            })?;
            match j {
                0 => frame = v,
                1 => time = v,
                _ => {
                    let (k, a) = ((j - 2) / 3, (j - 2) % 3);
                    if let Some(v) = v {
                        row[k][a] = v / per_metre;
                        present[k] += 1;
                    }
                }
            }
        }
        max_width = max_width.max(width);
        if width < want {
            let (last, unterminated) = tail_info(bytes);
            if width < 2 || (unterminated && no >= last) {
                return Err(ReadError::new(
                    path,
                    Position::line(no),
                    if no >= last {
                        ReadErrorKind::Truncated(format!("last row has {width} of {want} fields"))
                    } else {
                        ReadErrorKind::FieldCount { expected: want, found: width }
                    },
                ));
            }
        }
        let need = |v: Option<f64>, col: u64, name: &str| {
            v.filter(|x| x.is_finite()).ok_or_else(|| {
                ReadError::new(path, Position::cell(no, col).with_field(name), ReadErrorKind::BadNumber(String::new()))
            })
        };
        let frame = need(frame, 1, "Frame#")?;
        let time = need(time, 2, "Time")?;
        if frames == 0 {
            first_frame = frame.round() as i64;
            t0 = time;
        }
        t_last = time;
        frames += 1;
        // Absent trailing cells are gaps, but never more samples than the
        // file has bytes: short rows under a header of thousands of markers
        // would otherwise cost memory the file cannot back.
        if frames.saturating_mul(nm) > bytes.len() {
            return Err(ReadError::new(
                path,
                Position::line(no),
                ReadErrorKind::Format(format!(
                    "rows hold {width} of the {want} fields the header names: too many absent cells to read as gaps"
                )),
            ));
        }
        for k in 0..nm {
            let p = row[k];
            if present[k] == 3 && p.iter().all(|v| v.is_finite()) {
                xyz[k].push(p);
            } else {
                if present[k] > 0 {
                    partial += 1;
                }
                xyz[k].push([f64::NAN; 3]);
            }
        }
    }
    if frames == 0 {
        return Err(ReadError::new(path, Position::line(6), ReadErrorKind::NoFrames));
    }

    if let Some(n) = num_frames
        && n as usize != frames
    {
        notes.push(format!("header NumFrames={n} but the file has {frames} rows; using the data"));
    }
    if extra > 0 {
        notes.push(format!("rows carry {extra} more columns than the {nm} named markers; ignored"));
    }
    if partial > 0 {
        notes.push(format!("{partial} marker samples had only some coordinates; treated as gaps"));
    }
    if frames > 1 {
        let file_rate = (frames - 1) as f64 / (t_last - t0);
        if (file_rate / rate - 1.0).abs().is_nan() || (file_rate / rate - 1.0).abs() > 0.01 {
            notes.push(format!("Time column implies {file_rate:.3} Hz but DataRate is {rate}; DataRate used"));
        }
    }
    let mut markers = Vec::with_capacity(nm);
    for (k, (name, v)) in names.into_iter().zip(xyz).enumerate() {
        if max_width <= 2 + 3 * k {
            notes.push(format!("marker {name:?} is listed in the header but has no data columns; dropped"));
            continue;
        }
        markers.push(Marker { name, xyz: v });
    }
    let mut rec = Recording::new(path, Format::Trc, "OpenSim TRC");
    rec.points = Some(PointData { rate_hz: rate, first_frame, time0_s: t0, frames, markers });
    rec.notes = notes;
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "PathFileType\t4\t(X/Y/Z)\tt.trc\n\
        DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n";
    const NAMES: &str = "Frame#\tTime\tA\t\t\tB\t\t\n\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n\n";

    fn rd(s: &str) -> Result<Recording, ReadError> {
        read(Path::new("t.trc"), s.as_bytes())
    }
    fn err(s: &str) -> String {
        rd(s).unwrap_err().to_string()
    }
    fn file(vals: &str, rows: &str) -> String {
        format!("{HEAD}{vals}\n{NAMES}{rows}")
    }
    const V: &str = "100\t100\t3\t2\tmm\t100\t1\t3";

    #[test]
    fn reads_and_converts() {
        let r = rd(&file(V, "5\t0.04\t1\t2\t3\t4\t5\t6\n6\t0.05\t\t\t\t4\t5\t6\n7\t0.06\t1\t2\t3\n")).unwrap();
        let p = r.points.unwrap();
        assert_eq!((p.rate_hz, p.first_frame, p.frames), (100.0, 5, 3));
        assert_eq!(p.time0_s, 0.04);
        assert_eq!(p.markers[0].xyz[0], [0.001, 0.002, 0.003]);
        assert!(!p.markers[0].is_present(1));
        assert!(!p.markers[1].is_present(2), "absent trailing cells are gaps");
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn padded_header_and_counts_disagreeing() {
        let r = rd(&file(
            "  100.0\t\t  100.0\t\t    9\t\t     2\t\t m\t  100.0\t      1\t    9",
            "1\t0\t1\t2\t3\t4\t5\t6\n",
        ))
        .unwrap();
        let p = r.points.unwrap();
        assert_eq!(p.markers[1].xyz[0], [4.0, 5.0, 6.0]);
        assert_eq!(r.notes, vec!["header NumFrames=9 but the file has 1 rows; using the data"]);
    }

    #[test]
    fn unused_marker_is_dropped_with_a_note() {
        let s =
            format!("{HEAD}{V}\nFrame#\tTime\tA\t\t\tB\t\t\tC\n\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n1\t0\t1\t2\t3\t4\t5\t6\n");
        let r = rd(&s).unwrap();
        assert_eq!(r.points.unwrap().markers.len(), 2);
        assert!(r.notes.iter().any(|n| n.contains("\"C\" is listed in the header but has no data columns")));
    }

    #[test]
    fn errors_are_positioned() {
        assert_eq!(
            err(&file(V, "1\t0\t1\t2\t3\t4\t5\t6\n2\t0.01\t1\tx\t3\t4\t5\t6\n")),
            "t.trc:8:4: expected a number, found \"x\" (in A)"
        );
        assert_eq!(
            err(&file(V, "1\t0\t1\t2\t3\t4\t5\t6\n2\t0.01\t1\t2\t3\t4")),
            "t.trc:8: file is truncated: last row has 6 of 8 fields"
        );
        assert_eq!(
            err(&file(V, "1\t0\t1\t2\t3\t4\t5\t6\n2\t0.01\t1\t2\t3\t4\t5\t1e")),
            "t.trc:8:8: file is truncated: number cut off: \"1e\" (in B)"
        );
        assert!(rd(&file(V, "1\t0\t1\t2\t3\t4\t5\t6\n2\t0.01\t1\t2\t3\t4\t5\t12.")).is_ok());
        assert_eq!(
            err(&file(V, "1\t0\t1\t2\t3\t4\t5\t6\n2,0.01,1,2,3,4,5,6\n")),
            "t.trc:8: wrong delimiter: row uses commas but the header uses tabs"
        );
        assert_eq!(
            err(&format!("{HEAD}{V}\n\t\tX1\tY1\tZ1\n1\t0\t1\t2\t3\n")),
            "t.trc:4: missing header: marker names row (Frame#, Time, marker names)"
        );
        assert_eq!(
            err(&format!("{HEAD}{V}\nFrame#\tTime\tA\n1\t0\t1\t2\t3\n")),
            "t.trc:5: missing header: coordinate row (X1 Y1 Z1 ...)"
        );
        assert_eq!(err(&file(V, "")), "t.trc:6: no frames of data");
        assert_eq!(
            err(&file("0\t0\t3\t2\tmm\t0\t1\t3", "1\t0\t1\t2\t3\t4\t5\t6\n")),
            "t.trc:3:1: invalid value: DataRate must be positive, found 0 (in DataRate)"
        );
        assert_eq!(
            err(&file("-60\t0\t3\t2\tmm\t0\t1\t3", "1\t0\t1\t2\t3\t4\t5\t6\n")),
            "t.trc:3:1: invalid value: DataRate must be positive, found -60 (in DataRate)"
        );
        assert_eq!(
            err(&file("100\t100\t3\t2\tinch\t100\t1\t3", "1\t0\t1\t2\t3\t4\t5\t6\n")),
            "t.trc:3:5: invalid value: Units \"inch\" (expected mm, cm or m) (in Units)"
        );
        assert_eq!(err("hello\n"), "t.trc:1: missing header: PathFileType line");
    }

    #[test]
    fn huge_header_counts_do_not_allocate() {
        let r = rd(&file("100\t100\t1000000000\t2\tmm\t100\t1\t1e9", "1\t0\t1\t2\t3\t4\t5\t6\n")).unwrap();
        assert_eq!(r.points.unwrap().frames, 1);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "PathFileType",
            "PathFileType\nDataRate\n",
            "PathFileType\nDataRate\n60\nFrame#\n",
            &file(V, "1\n"),
            &file(V, "\t\t\n"),
            &file(V, "1\t0\t\t\t\t\t\t\t\t\t\t\t7\n"),
        ] {
            let _ = rd(s);
        }
    }
}
