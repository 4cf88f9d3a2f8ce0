//! The delimited reader's parallel chunks on the real RBDS files (Fukuchi,
//! Fukuchi & Duarte 2017): chunked reads equal the serial read bit for bit,
//! and a bad value late in the file is reported where the serial read reports
//! it. Skipped (with a notice) when `GAITLINE_DATA` is unset.

mod common;

use gaitline::io::delimited::{PAR_CHUNK_BYTES, read_with};
use gaitline::model::Recording;
use std::path::Path;

/// Every number of a recording as bits, and the rest as text.
fn fingerprint(r: &Recording) -> (String, Vec<u64>) {
    let mut bits = Vec::new();
    if let Some(p) = &r.points {
        bits.extend(p.markers.iter().flat_map(|m| m.xyz.iter().flatten().map(|v| v.to_bits())));
    }
    bits.extend(r.analogs.iter().flat_map(|a| a.data.iter().map(|v| v.to_bits())));
    bits.extend(r.reference.iter().flat_map(|a| a.data.iter().map(|v| v.to_bits())));
    (format!("{r:?}"), bits)
}

const FILES: [&str; 4] = [
    "rbds-fukuchi-running/RBDS0041runT252.txt",
    "rbds-fukuchi-running/RBDS0041runT252forces.txt",
    "rbds-fukuchi-running/RBDS0041static.txt",
    "rbds-fukuchi-running/RBDS0041processed.txt",
];

#[test]
fn chunked_reads_equal_the_serial_read() {
    for rel in FILES {
        let Some(path) = common::data_file(rel) else { return };
        let bytes = std::fs::read(&path).unwrap();
        let serial = read_with(&path, &bytes, usize::MAX).unwrap();
        for chunk in [PAR_CHUNK_BYTES, 64 * 1024, 4096] {
            let chunked = read_with(&path, &bytes, chunk).unwrap();
            assert_eq!(fingerprint(&chunked), fingerprint(&serial), "{rel}, chunks of {chunk} bytes");
        }
    }
    // What the file is known to hold (README of the data set): 4,500 frames at 150 Hz.
    let Some(path) = common::data_file(FILES[0]) else { return };
    let r = gaitline::io::delimited::read(&path, &std::fs::read(&path).unwrap()).unwrap();
    let p = r.points.unwrap();
    assert_eq!((p.frames, p.rate_hz), (4500, 150.0));
}

#[test]
fn a_late_bad_value_is_positioned_as_in_a_serial_read() {
    let Some(path) = common::data_file(FILES[0]) else { return };
    let mut bytes = std::fs::read(&path).unwrap();
    // Spoil the 4th cell of line 4,000 (of 4,501) and, later, another cell.
    let line_start = |bytes: &[u8], line: usize| {
        bytes.iter().enumerate().filter(|&(_, &c)| c == b'\n').nth(line - 2).map(|(i, _)| i + 1).unwrap()
    };
    for (line, cell) in [(4000, 3), (4400, 10)] {
        let s = line_start(&bytes, line);
        let at = s + bytes[s..].iter().enumerate().filter(|&(_, &c)| c == b'\t').nth(cell - 2).unwrap().0 + 1;
        bytes[at] = b'x';
    }
    let serial = read_with(Path::new("r.txt"), &bytes, usize::MAX).unwrap_err();
    assert_eq!((serial.pos.line, serial.pos.column), (Some(4000), Some(3)), "{serial}");
    for chunk in [PAR_CHUNK_BYTES, 4096] {
        let chunked = read_with(Path::new("r.txt"), &bytes, chunk).unwrap_err();
        assert_eq!(chunked, serial, "chunks of {chunk} bytes");
    }
}
