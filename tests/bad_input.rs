//! Bad input, every reader: the error names the file and the line and column
//! (or byte offset and field, or the marker), exactly. Never a panic.

mod common;

use gaitline::io::read_bytes;
use std::path::Path;

fn err(name: &str, content: &[u8]) -> String {
    read_bytes(Path::new(name), content, None).expect_err(name).to_string()
}

const TRC_HEAD: &str = "PathFileType\t4\t(X/Y/Z)\tx.trc\n\
DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n\
100\t100\t2\t1\tmm\t100\t1\t2\n";
const TRC_NAMES: &str = "Frame#\tTime\tLHEE\t\t\n\t\tX1\tY1\tZ1\n";
const VICON_HEAD: &str = "Trajectories\r\n100\r\n,,S:LHEE,,\r\nFrame,Sub Frame,X,Y,Z\r\n,,mm,mm,mm\r\n";

#[test]
fn text_in_a_number_cell() {
    let trc = format!("{TRC_HEAD}{TRC_NAMES}1\t0.00\t1\t2\t3\n2\t0.01\t1\tx\t3\n");
    assert_eq!(err("a.trc", trc.as_bytes()), "a.trc:7:4: expected a number, found \"x\" (in LHEE)");
    let csv = format!("{VICON_HEAD}1,0,1,2,3\r\n2,0,1,abc,3\r\n");
    assert_eq!(err("a.csv", csv.as_bytes()), "a.csv:7:4: expected a number, found \"abc\" (in S:LHEE)");
    let mot =
        "Coordinates\nversion=1\nnRows=2\nnColumns=2\ninDegrees=yes\nendheader\ntime\tknee_angle_r\n0\t1\n0.01\tabc\n";
    assert_eq!(err("a.mot", mot.as_bytes()), "a.mot:9:2: expected a number, found \"abc\" (in knee_angle_r)");
    let txt = "Time\tLHEEX\tLHEEY\tLHEEZ\n0\t1\t2\t3\n0.01\t1\t2\t3,5\n";
    assert_eq!(err("a.txt", txt.as_bytes()), "a.txt:3:4: expected a number, found \"3,5\" (in LHEE)");
}

#[test]
fn truncated_files() {
    let trc = format!("{TRC_HEAD}{TRC_NAMES}1\t0.00\t1\t2\t3\n2\t0.01\t1\t2");
    assert_eq!(err("t.trc", trc.as_bytes()), "t.trc:7: file is truncated: last row has 4 of 5 fields");
    let csv = format!("{VICON_HEAD}1,0,1,2,3\r\n2,0,1,2");
    assert_eq!(err("t.csv", csv.as_bytes()), "t.csv:7: file is truncated: last row has 4 of 5 fields");
    let Some(p) = common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d") else { return };
    let bytes = std::fs::read(p).unwrap();
    assert_eq!(
        err("t.c3d", &bytes[..20_000]),
        "t.c3d: byte 17408: file is truncated: 315 frames declared, but no complete frame of 4608 bytes \
         (in data section)"
    );
}

#[test]
fn wrong_delimiter() {
    let mixed = "Time\tLHEEX\tLHEEY\tLHEEZ\n0\t1\t2\t3\n0.01,1,2,3\n";
    assert_eq!(err("m.txt", mixed.as_bytes()), "m.txt:3: wrong delimiter: row uses commas but the header uses tabs");
    let semi = "Time;LHEEX;LHEEY;LHEEZ\n0;1;2;3\n";
    let e = err("s.txt", semi.as_bytes());
    assert!(e.starts_with("s.txt:1: wrong delimiter:"), "{e}");
}

#[test]
fn missing_header_rows() {
    assert_eq!(
        err("h.trc", TRC_HEAD.as_bytes()),
        "h.trc:4: missing header: marker names row (Frame#, Time, marker names)"
    );
    assert_eq!(
        err("h.csv", b"Trajectories\r\n"),
        "h.csv:1: missing header: the sampling rate line in the Trajectories section"
    );
}

#[test]
fn zero_frames() {
    assert_eq!(err("z.csv", VICON_HEAD.as_bytes()), "z.csv:1: no frames of data (in Trajectories)");
    let trc = format!("{}{TRC_NAMES}", TRC_HEAD.replace("100\t100\t2\t1", "100\t100\t0\t1"));
    assert_eq!(err("z.trc", trc.as_bytes()), "z.trc:6: no frames of data");
    assert_eq!(err("e.c3d", b""), "e.c3d: file is empty");
}

#[test]
fn marker_column_missing_its_y() {
    assert_eq!(err("y.txt", b"Time\tLHEEX\tLHEEZ\n0\t1\t2\n"), "y.txt:1:2: marker \"LHEE\" has no Y column");
    let csv = "Trajectories\r\n100\r\n,,S:LHEE,,\r\nFrame,Sub Frame,X,Z\r\n,,mm,mm\r\n1,0,1,2\r\n";
    assert_eq!(err("y.csv", csv.as_bytes()), "y.csv:4:3: marker \"S:LHEE\" has no Y column");
}
