//! OpenSim motion and storage files (`.mot`, `.sto`).
//!
//! Two header dialects end with a line `endheader` (OpenSim user guide,
//! "Motion (.mot) Files" and "Storage (.sto) Files",
//! <https://opensimconfluence.atlassian.net/wiki/spaces/OpenSim/pages/53089741/Motion+.mot+Files>):
//!
//! ```text
//! Coordinates                      name subject02_running.mot
//! version=1                        datacolumns 42
//! nRows=151                        datarows 901
//! nColumns=11                      range 0.000000 15.000000
//! inDegrees=yes                    endheader
//! endheader
//! ```
//!
//! then a row of column names starting with `time`, then numeric rows (tabs,
//! or blanks when the names row has no tab). Header lines may be padded with
//! tabs. Counts in the header (`nRows`, `datarows`, ...) are only compared
//! with the data (a note when they differ).
//!
//! Columns are classified by name:
//! * ground reaction forces, centres of pressure and torques
//!   (`ground_force_vx`, `1_ground_force_px`, `R_ground_torque_x`,
//!   `ground_force_r_vx`, ...) → [`AnalogChannel`] of kind `ForcePlate`, unit
//!   `N` (`..._v*`), `m` (`..._p*`, COP) or `N.m` (torque/moment). MOT values
//!   are SI already: nothing is scaled.
//! * in an inverse-kinematics file (title `Coordinates`, or `inDegrees=yes`)
//!   every other column is a [`ReferenceSeries`]: unit `m` for translations
//!   (`pelvis_tx`), `deg` otherwise (radians, `inDegrees=no`, are converted).
//! * columns named like EMG channels (`L_BF`, `MH`, `R_RF`, `EMG1`; see
//!   [`ChannelKind::guess`]) → [`AnalogChannel`] of kind `Emg` in volts.
//! * anything else → [`AnalogChannel`] of kind `Other` with no unit.
//!
//! The rate comes from the time column as in the delimited reader:
//! `(n - 1) / (t_last - t_first)` when the steps are uniform (OpenSim often
//! writes times rounded to 3 decimals: 0, 0.017, 0.033 at 60 Hz, where
//! `1 / median step` would give 58.8 Hz), `1 / median step` otherwise (with a
//! note); a rate within 0.1 % of a whole number is snapped to it.
//! `time0_s` is the first time value.

use crate::error::{Position, ReadError, ReadErrorKind};
use crate::io::delimited::{fields, num_cell, rate_from_times, short_row, wrong_delimiter};
use crate::io::text::{self, Lines};
use crate::model::{AnalogChannel, ChannelKind, Format, Recording, ReferenceSeries};
use std::path::Path;

/// Unit of a ground-reaction column, or `None` when the name is not one.
fn force_unit(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    if n.contains("torque") || n.contains("moment") {
        return Some("N.m");
    }
    if n.contains("cop") {
        return Some("m");
    }
    if n.contains("force") || n.contains("grf") {
        let last = n.rsplit(['_', '.']).next().unwrap_or("");
        return Some(if last.starts_with('p') { "m" } else { "N" });
    }
    None
}

fn is_translation(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with("_tx") || n.ends_with("_ty") || n.ends_with("_tz")
}

/// Read one MOT/STO file from its bytes (see the module docs).
pub fn read(path: &Path, bytes: &[u8]) -> Result<Recording, ReadError> {
    let mut lines = Lines::new(bytes);
    let mut title = String::new();
    let mut in_degrees: Option<bool> = None;
    let mut claimed_rows: Option<u64> = None;
    let mut claimed_cols: Option<u64> = None;
    let mut old_style = false;
    let mut end = None;
    for (no, line) in lines.by_ref() {
        let l = line.trim();
        if l.eq_ignore_ascii_case("endheader") {
            end = Some(no);
            break;
        }
        let first = no == 1;
        if let Some((k, v)) = l.split_once('=') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "nrows" => claimed_rows = v.parse().ok(),
                "ncolumns" => claimed_cols = v.parse().ok(),
                "indegrees" => in_degrees = Some(v.eq_ignore_ascii_case("yes")),
                _ => {}
            }
            continue;
        }
        let mut words = l.split_whitespace();
        match words.next().map(str::to_ascii_lowercase).as_deref() {
            Some("name") if first => {
                old_style = true;
                title = words.collect::<Vec<_>>().join(" ");
            }
            Some("datarows") => claimed_rows = words.next().and_then(|w| w.parse().ok()),
            Some("datacolumns") => claimed_cols = words.next().and_then(|w| w.parse().ok()),
            _ if first => title = l.to_string(),
            _ => {}
        }
    }
    let Some(end) = end else {
        return Err(ReadError::file(path, ReadErrorKind::MissingHeader("endheader line".into())));
    };
    let mut lines = lines.filter(|(_, l)| !l.trim().is_empty());
    let names_what = "column names row starting with time";
    let Some((hline, header)) = lines.next() else {
        return Err(ReadError::new(path, Position::line(end + 1), ReadErrorKind::MissingHeader(names_what.into())));
    };
    let delim = if header.contains('\t') { '\t' } else { ' ' };
    let mut names: Vec<&str> = fields(&header, delim).map(str::trim).collect();
    while names.last().is_some_and(|n| n.is_empty()) {
        names.pop();
    }
    if !names.first().is_some_and(|n| n.eq_ignore_ascii_case("time")) {
        return Err(ReadError::new(path, Position::cell(hline, 1), ReadErrorKind::MissingHeader(names_what.into())));
    }
    let ncols = names.len();
    let cap = claimed_rows.and_then(|n| text::bounded_count(n, bytes.len(), 2 * ncols)).unwrap_or(0);
    let mut times: Vec<f64> = Vec::with_capacity(cap);
    let mut cols: Vec<Vec<f64>> = (1..ncols).map(|_| Vec::with_capacity(cap)).collect();
    let mut empty_cells = 0usize;
    for (no, line) in lines {
        let mut n = 0;
        for (j, cell) in fields(&line, delim).enumerate() {
            if j >= ncols {
                if cell.trim().is_empty() {
                    continue;
                }
                if let Some(e) = wrong_delimiter(path, no, &line, delim) {
                    return Err(e);
                }
                return Err(ReadError::new(
                    path,
                    Position::cell(no, j as u64 + 1),
                    ReadErrorKind::FieldCount { expected: ncols, found: fields(&line, delim).count() },
                ));
            }
            n = j + 1;
            let v = num_cell(cell, path, bytes, no, j + 1, names[j], j + 1 == ncols)
                .map_err(|e| wrong_delimiter(path, no, &line, delim).unwrap_or(e))?;
            if j == 0 {
                times.push(v.ok_or_else(|| {
                    ReadError::new(
                        path,
                        Position::cell(no, 1).with_field(names[0]),
                        ReadErrorKind::BadNumber(String::new()),
                    )
                })?);
            } else {
                if v.is_none() {
                    empty_cells += 1;
                }
                cols[j - 1].push(v.unwrap_or(f64::NAN));
            }
        }
        if n < ncols {
            if let Some(e) = wrong_delimiter(path, no, &line, delim) {
                return Err(e);
            }
            return Err(short_row(path, bytes, no, ncols, n));
        }
    }
    if times.is_empty() {
        return Err(ReadError::new(path, Position::line(hline + 1), ReadErrorKind::NoFrames));
    }

    let ik = title.eq_ignore_ascii_case("coordinates") || in_degrees == Some(true);
    let dialect = if old_style { "OpenSim MOT (name/datacolumns header)" } else { "OpenSim MOT/STO" };
    let mut rec = Recording::new(path, Format::Mot, dialect);
    let (rate, notes) = rate_from_times(&times, "time");
    rec.notes.extend(notes);
    if let Some(n) = claimed_rows
        && n as usize != times.len()
    {
        rec.notes.push(format!("header says {n} rows but the file has {}; using the data", times.len()));
    }
    if let Some(n) = claimed_cols
        && n as usize != ncols
    {
        rec.notes.push(format!("header says {n} columns but the names row has {ncols}; using the names row"));
    }
    if empty_cells > 0 {
        rec.notes.push(format!("{empty_cells} empty cells read as NaN"));
    }
    let t0 = times[0];
    let radians = ik && in_degrees == Some(false);
    if radians {
        rec.notes.push("inDegrees=no: rotational coordinates converted from radians to degrees".into());
    }
    for (name, mut data) in names[1..].iter().zip(cols) {
        if let Some(unit) = force_unit(name) {
            rec.analogs.push(AnalogChannel {
                name: name.to_string(),
                unit: unit.into(),
                rate_hz: rate,
                time0_s: t0,
                kind: ChannelKind::ForcePlate,
                data,
            });
        } else if ChannelKind::guess(name, "") == ChannelKind::Emg {
            // EMG columns (`L_BF`, `MH`, `R_RF`): an analog signal whatever
            // the header's inDegrees says (OpenSim writes it on every file).
            rec.analogs.push(AnalogChannel {
                name: name.to_string(),
                unit: "V".into(),
                rate_hz: rate,
                time0_s: t0,
                kind: ChannelKind::Emg,
                data,
            });
        } else if ik {
            let unit = if is_translation(name) {
                "m"
            } else {
                if radians {
                    data.iter_mut().for_each(|v| *v = v.to_degrees());
                }
                "deg"
            };
            rec.reference.push(ReferenceSeries {
                name: name.to_string(),
                component: String::new(),
                unit: unit.into(),
                rate_hz: rate,
                time0_s: t0,
                data,
            });
        } else {
            rec.analogs.push(AnalogChannel {
                name: name.to_string(),
                unit: String::new(),
                rate_hz: rate,
                time0_s: t0,
                kind: ChannelKind::Other,
                data,
            });
        }
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rd(s: &str) -> Result<Recording, ReadError> {
        read(Path::new("t.mot"), s.as_bytes())
    }
    fn err(s: &str) -> String {
        rd(s).unwrap_err().to_string()
    }
    const IK: &str =
        "Coordinates\nversion=1\nnRows=3\nnColumns=3\ninDegrees=yes\nendheader\ntime\tpelvis_tx\tknee_angle_r\n";

    #[test]
    fn ik_file_goes_to_reference() {
        let r = rd(&format!("{IK}0.40000000\t0.6\t-54.9\n0.41666667\t0.6\t-50\n0.43333333\t0.6\t-44.6\n")).unwrap();
        assert!(r.analogs.is_empty());
        assert_eq!(r.reference.len(), 2);
        assert_eq!((r.reference[0].unit.as_str(), r.reference[1].unit.as_str()), ("m", "deg"));
        assert_eq!(r.reference[1].rate_hz, 60.0);
        assert_eq!(r.reference[1].time0_s, 0.4);
        assert_eq!(r.reference[1].data[2], -44.6);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn radians_are_converted() {
        let s = "Coordinates\ninDegrees=no\nendheader\ntime\thip_flexion_r\n0\t3.141592653589793\n0.01\t0\n";
        let r = rd(s).unwrap();
        assert!((r.reference[0].data[0] - 180.0).abs() < 1e-9);
    }

    #[test]
    fn old_header_grf_with_rounded_times() {
        let s = "name grf.mot\t\t\ndatacolumns 4\t\t\ndatarows 9\t\t\nrange 0 1\t\t\nendheader\t\t\n\
                 \x20     time\t  1_ground_force_vy\t ground_force_px\tR_ground_torque_y\tpelvis_tx\n\
                 0\t700\t0.3\t1.5\t0\n0.017\t710\t0.31\t1.4\t0\n0.033\t720\t0.32\t1.3\t0\n0.05\t730\t0.33\t1.2\t0\n";
        let r = rd(s).unwrap();
        assert_eq!(r.dialect, "OpenSim MOT (name/datacolumns header)");
        let units: Vec<_> = r.analogs.iter().map(|a| (a.name.as_str(), a.unit.as_str(), a.kind)).collect();
        assert_eq!(
            units,
            vec![
                ("1_ground_force_vy", "N", ChannelKind::ForcePlate),
                ("ground_force_px", "m", ChannelKind::ForcePlate),
                ("R_ground_torque_y", "N.m", ChannelKind::ForcePlate),
                ("pelvis_tx", "", ChannelKind::Other)
            ]
        );
        assert_eq!(r.analogs[0].rate_hz, 60.0);
        assert!(r.notes.iter().any(|n| n.contains("header says 9 rows but the file has 4")));
    }

    #[test]
    fn errors_are_positioned() {
        assert_eq!(
            err(&format!("{IK}0\t0.6\t-54.9\n0.01\t0.6\tabc\n")),
            "t.mot:9:3: expected a number, found \"abc\" (in knee_angle_r)"
        );
        assert_eq!(
            err(&format!("{IK}0\t0.6\t-54.9\n0.01\t0.6\n")),
            "t.mot:9: file is truncated: last row has 2 of 3 fields"
        );
        assert_eq!(
            err(&format!("{IK}0\t0.6\t-54.9\n0.01\t0.6\t-5e")),
            "t.mot:9:3: file is truncated: number cut off: \"-5e\" (in knee_angle_r)"
        );
        assert_eq!(
            err(&format!("{IK}0\t0.6\t-54.9\n0.01,0.6,1\n")),
            "t.mot:9: wrong delimiter: row uses commas but the header uses tabs"
        );
        assert_eq!(err(&format!("{IK}\n")), "t.mot:8: no frames of data");
        assert_eq!(err("Coordinates\nversion=1\ntime\tx\n0\t1\n"), "t.mot: missing header: endheader line");
        assert_eq!(
            err("Coordinates\nendheader\nframe\tx\n0\t1\n"),
            "t.mot:3:1: missing header: column names row starting with time"
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "endheader",
            "endheader\ntime",
            "nRows=1e12\nendheader\ntime\tx\n0\t1\n",
            "endheader\ntime\n0\n",
            "endheader\ntime\tx\n\t\n",
        ] {
            let _ = rd(s);
        }
    }
}
