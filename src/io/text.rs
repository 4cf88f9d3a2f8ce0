//! Shared helpers for the text readers: line splitting that tolerates a BOM,
//! CRLF/LF mixes and padding, and number parsing whose errors carry the file,
//! line and column.

use crate::error::{Position, ReadError, ReadErrorKind};
use std::path::Path;

/// Drop a UTF-8 byte-order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

/// Lines of a byte buffer with 1-based line numbers; `\n`, `\r\n` and a lone
/// `\r` all end a line. A line that is not valid UTF-8 is decoded as Latin-1
/// (ISO 8859-1: every byte one character, as older Windows exports write
/// `Ä` or `µ`), so labels keep their letters; numbers with such bytes fail to
/// parse with a position. [`crate::io::read_bytes`] notes the decoding.
pub struct Lines<'a> {
    rest: &'a [u8],
    line: u64,
}

impl<'a> Lines<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Lines { rest: strip_bom(bytes), line: 0 }
    }
    /// Line number of the line returned last.
    pub fn line_no(&self) -> u64 {
        self.line
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (u64, std::borrow::Cow<'a, str>);
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self.rest.iter().position(|&b| b == b'\n' || b == b'\r');
        let (line, rest) = match end {
            Some(i) => {
                let skip = if self.rest[i] == b'\r' && self.rest.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
                (&self.rest[..i], &self.rest[i + skip..])
            }
            None => (self.rest, &self.rest[self.rest.len()..]),
        };
        self.rest = rest;
        self.line += 1;
        Some((self.line, decode_line(line)))
    }
}

/// A line as text: borrowed when it is UTF-8, else decoded as Latin-1.
pub fn decode_line(line: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(line) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(line.iter().map(|&b| b as char).collect()),
    }
}

/// Make repeated names unique with a ` (2)`, ` (3)`, ... suffix, with a note
/// listing the renamed ones, so that every name identifies one series.
pub fn unique_names(names: &mut [String], what: &str, notes: &mut Vec<String>) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut renamed = Vec::new();
    for n in names.iter_mut() {
        let c = seen.entry(n.clone()).or_insert(0);
        *c += 1;
        if *c > 1 {
            let new = format!("{n} ({c})");
            renamed.push(new.clone());
            *n = new;
        }
    }
    if !renamed.is_empty() {
        notes.push(format!("{what} repeats names; renamed {}", renamed.join(", ")));
    }
}

/// Parse a number cell. Surrounding spaces and quotes are ignored; `NaN` (any
/// case) is accepted as a gap marker; infinities and text are errors.
pub fn parse_f64(cell: &str, path: &Path, line: u64, column: u64) -> Result<f64, ReadError> {
    let t = cell.trim().trim_matches('"').trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_nan() => Ok(f64::NAN),
        _ => Err(ReadError::new(path, Position::cell(line, column), ReadErrorKind::BadNumber(cell.trim().to_string()))),
    }
}

/// Parse a cell that may be empty (a gap): `Ok(None)` for an empty cell.
pub fn parse_opt_f64(cell: &str, path: &Path, line: u64, column: u64) -> Result<Option<f64>, ReadError> {
    if cell.trim().trim_matches('"').trim().is_empty() {
        Ok(None)
    } else {
        parse_f64(cell, path, line, column).map(Some)
    }
}

/// Split on `delim`, or on runs of blanks when `delim` is `' '`.
pub fn split<'a>(line: &'a str, delim: char) -> Box<dyn Iterator<Item = &'a str> + 'a> {
    if delim == ' ' { Box::new(line.split_whitespace()) } else { Box::new(line.split(delim)) }
}

/// Highest sampling rate a reader accepts, Hz. Motion-capture cameras run at
/// up to a few kHz and analog boards at up to ~100 kHz; a rate above 1 MHz is
/// a corrupt header (it would make a trial of microseconds).
pub const MAX_RATE_HZ: f64 = 1e6;

/// Length-limited guard against untrusted counts: the number of elements a
/// header claims may not exceed what the file's size could hold.
pub fn bounded_count(claimed: u64, file_len: usize, min_bytes_each: usize) -> Option<usize> {
    let cap = (file_len / min_bytes_each.max(1)) as u64 + 1;
    (claimed <= cap).then_some(claimed as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_handle_bom_crlf_and_lone_cr() {
        let b = b"\xEF\xBB\xBFa,b\r\nc\rd\n\ne";
        let v: Vec<_> = Lines::new(b).map(|(n, l)| (n, l.into_owned())).collect();
        assert_eq!(v, vec![(1, "a,b".into()), (2, "c".into()), (3, "d".into()), (4, "".into()), (5, "e".into())]);
    }

    #[test]
    fn number_errors_name_the_cell() {
        let e = parse_f64("12,x", Path::new("f.csv"), 7, 3).unwrap_err();
        assert_eq!(e.to_string(), "f.csv:7:3: expected a number, found \"12,x\"");
        assert!(parse_f64("NaN", Path::new("f"), 1, 1).unwrap().is_nan());
        assert!(parse_f64("inf", Path::new("f"), 1, 1).is_err());
        assert_eq!(parse_opt_f64(" ", Path::new("f"), 1, 1).unwrap(), None);
    }
}
