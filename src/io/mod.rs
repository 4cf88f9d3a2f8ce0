//! Reading layer: one module per input format, each turning a file's bytes into
//! a [`Recording`]. The format is sniffed from the content, never from the
//! extension alone; a caller may force one.
//!
//! Readers are pure functions of `(path, bytes)`: the path is used only in
//! error messages and the recording's `path`. They never panic on bad input and
//! never allocate more than the file's size justifies.

pub mod anc;
pub mod c3d;
pub mod delimited;
pub mod mot;
pub mod text;
pub mod trc;
pub mod vicon_csv;

use crate::error::{ReadError, ReadErrorKind};
use crate::model::{Format, Recording};
use std::path::Path;

/// Guess the format of a file from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if looks_like_c3d(bytes) {
        return Some(Format::C3d);
    }
    // Slice the BOM-less body by its own length (slicing it by the file's
    // length panicked on any file with a BOM shorter than 64 KB).
    let body = text::strip_bom(bytes);
    let head = &body[..body.len().min(64 * 1024)];
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
    let first = lines.next()?.trim();
    if first.starts_with("PathFileType") {
        return Some(Format::Trc);
    }
    if first.starts_with("File_Type:") || first.starts_with("File_Type") && first.contains("Analog") {
        return Some(Format::Anc);
    }
    let first_word = first.trim_end_matches([',', '\t', ' ']).trim();
    let vicon_sections = [
        "Events",
        "Devices",
        "Trajectories",
        "Model Outputs",
        "Joints",
        "Segments",
        "TRAJECTORIES",
        "ANALOG",
        "EVENTS",
    ];
    if vicon_sections.contains(&first_word) {
        return Some(Format::ViconCsv);
    }
    // Older Vicon Workstation export: a free-text preamble (Title, Date, ...)
    // followed by a TRAJECTORIES / ANALOG section.
    if head.lines().take(40).any(|l| matches!(l.trim().trim_end_matches([',', '\r']).trim(), "TRAJECTORIES" | "ANALOG"))
    {
        return Some(Format::ViconCsv);
    }
    if head.lines().take(60).any(|l| l.trim().eq_ignore_ascii_case("endheader")) {
        return Some(Format::Mot);
    }
    // Plain delimited text: a header row, then rows that are mostly numbers.
    let delimited_header =
        first.contains('\t') || first.contains(',') || first.contains(';') || first.split_whitespace().count() > 1;
    let numeric_row = lines.take(5).filter(|l| !l.trim().is_empty()).any(|l| {
        let cells: Vec<&str> = l.split(['\t', ',', ' ', ';']).filter(|c| !c.trim().is_empty()).collect();
        cells.len() >= 2 && cells.iter().filter(|c| c.trim().parse::<f64>().is_ok()).count() * 2 > cells.len()
    });
    if delimited_header && numeric_row {
        return Some(Format::Delimited);
    }
    None
}

/// C3D: byte 1 is 0x50, byte 0 points at the parameter block (1-based, >= 2
/// in practice), and the parameter block's own header repeats 0x50 at byte 3.
fn looks_like_c3d(bytes: &[u8]) -> bool {
    if bytes.len() < 512 || bytes[1] != 0x50 || bytes[0] == 0 {
        return false;
    }
    let start = (bytes[0] as usize - 1) * 512;
    bytes.get(start + 3).is_some_and(|&b| (83..=86).contains(&b))
}

/// Read a file, sniffing its format unless `force` names one.
pub fn read_file(path: &Path, force: Option<Format>) -> Result<Recording, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::io(path, &e))?;
    read_bytes(path, &bytes, force)
}

/// Read a file's bytes (already loaded), sniffing its format unless forced.
pub fn read_bytes(path: &Path, bytes: &[u8], force: Option<Format>) -> Result<Recording, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::file(path, ReadErrorKind::Empty));
    }
    let format = match force.or_else(|| sniff(bytes)) {
        Some(f) => f,
        None => return Err(ReadError::file(path, ReadErrorKind::UnknownFormat)),
    };
    let mut rec = match format {
        Format::C3d => return c3d::read(path, bytes),
        Format::ViconCsv => vicon_csv::read(path, bytes),
        Format::Trc => trc::read(path, bytes),
        Format::Mot => mot::read(path, bytes),
        Format::Anc => anc::read(path, bytes),
        Format::Delimited => delimited::read(path, bytes),
    }?;
    if std::str::from_utf8(text::strip_bom(bytes)).is_err() {
        rec.notes.push("not valid UTF-8: lines with other bytes read as Latin-1 (ISO 8859-1)".into());
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_text_formats() {
        assert_eq!(sniff(b"PathFileType\t4\t(X/Y/Z)\tx.trc\n"), Some(Format::Trc));
        assert_eq!(sniff(b"Events,,,\r\nSubject,Context\r\n"), Some(Format::ViconCsv));
        assert_eq!(sniff(b"Trajectories\n100\n"), Some(Format::ViconCsv));
        assert_eq!(sniff(b"Coordinates\nversion=1\nendheader\ntime\tx\n"), Some(Format::Mot));
        assert_eq!(sniff(b"Time\tR.ASISX\tR.ASISY\n0\t1\t2\n"), Some(Format::Delimited));
        assert_eq!(sniff(b"File_Type:\tAnalog R/C ASCII\n"), Some(Format::Anc));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b"BTKData: test files\nSee the licence.\n"), None);
    }

    #[test]
    fn empty_file_is_an_error_not_a_panic() {
        let e = read_bytes(Path::new("e.trc"), b"", None).unwrap_err();
        assert_eq!(e.to_string(), "e.trc: file is empty");
    }
}
