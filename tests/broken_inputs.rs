//! The broken-input corpus (`tests/corpus/`, written by `make_corpus.py`):
//! every reader on empty and header-only files, truncation mid-row and
//! mid-number, mixed delimiters, a BOM, CRLF/LF mixes, non-UTF-8 names,
//! duplicate markers, a marker without its Z column, `NaN`/`inf` cells,
//! absurd rates, counts that disagree with the data, one-frame trials,
//! C3D pointer and count corruption, a looping parameter chain, and a
//! 10-million-column line generated here.
//!
//! Each file gets the exact error (file, line and column, or byte offset and
//! field) or reads with the exact repair notes. Every read runs on its own
//! thread under a time limit (no hang), inside `catch_unwind` (no panic), and
//! with a counting allocator that bounds the bytes the reading thread holds
//! at its peak by the file's size (no allocation from an untrusted count).

use gaitline::io::read_bytes;
use gaitline::model::{Format, Recording};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

// ---------------------------------------------------------------------------
// A counting allocator: live and peak bytes of the threads that opt in.
// ---------------------------------------------------------------------------

struct Counting;

thread_local! {
    static TRACK: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = TRACK.try_with(|t| {
        if t.get() {
            let live = LIVE.get() + delta;
            LIVE.set(live);
            if live > PEAK.get() {
                PEAK.set(live);
            }
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            note(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        note(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            note(new as isize - l.size() as isize);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ---------------------------------------------------------------------------
// Guarded reading.
// ---------------------------------------------------------------------------

/// What a guarded read produced.
#[derive(Debug)]
enum Got {
    /// Read: the recording's notes and a short description.
    Ok {
        notes: Vec<String>,
        what: String,
    },
    Err(String),
}

/// Peak bytes a read may hold: a fixed allowance plus a multiple of the
/// file's size (a decoded sample is at most ~24 bytes per stored byte, and
/// vectors double). A count from a header that the file cannot back would
/// ask for far more.
fn budget(len: usize) -> isize {
    (8 << 20) + 200 * len as isize
}

fn describe(r: &Recording) -> String {
    let p = r.points.as_ref();
    format!(
        "frames={} markers={:?} analogs={} reference={} rate={}",
        p.map_or(0, |p| p.frames),
        p.map(|p| p.markers.iter().map(|m| m.name.as_str()).collect::<Vec<_>>()).unwrap_or_default(),
        r.analogs.len(),
        r.reference.len(),
        p.map_or(f64::NAN, |p| p.rate_hz),
    )
}

/// Read `bytes` as `name` on a thread with a time limit, catching panics and
/// measuring the thread's peak heap.
fn guarded(name: &str, bytes: Vec<u8>, force: Option<Format>, limit: Duration) -> Got {
    let (tx, rx) = mpsc::channel();
    let path = PathBuf::from(name);
    let len = bytes.len();
    std::thread::spawn(move || {
        TRACK.set(true);
        LIVE.set(0);
        PEAK.set(0);
        let r = std::panic::catch_unwind(|| match read_bytes(&path, &bytes, force) {
            Ok(rec) => Ok((rec.notes.clone(), describe(&rec))),
            Err(e) => Err(e.to_string()),
        });
        let peak = PEAK.get();
        TRACK.set(false);
        let _ = tx.send((r.map_err(|_| ()), peak));
    });
    let (r, peak) = match rx.recv_timeout(limit) {
        Ok(x) => x,
        Err(_) => panic!("{name}: no answer within {limit:?} (hang?)"),
    };
    let r = r.unwrap_or_else(|()| panic!("{name}: the reader panicked"));
    assert!(peak <= budget(len), "{name}: reading held {peak} bytes at its peak for a {len}-byte file");
    match r {
        Ok((notes, what)) => Got::Ok { notes, what },
        Err(e) => Got::Err(e),
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn format_of(rel: &str) -> Format {
    match rel.rsplit('.').next() {
        Some("c3d") => Format::C3d,
        Some("csv") => Format::ViconCsv,
        Some("trc") => Format::Trc,
        Some("mot" | "sto") => Format::Mot,
        Some("anc") => Format::Anc,
        _ => Format::Delimited,
    }
}

/// Read a corpus file twice: with its reader forced, and sniffed (as
/// `gaitline analyze` reads it). Returns the forced read.
fn read_corpus(rel: &str) -> Got {
    let bytes = std::fs::read(corpus_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let limit = Duration::from_secs(20);
    let _ = guarded(rel, bytes.clone(), None, limit);
    guarded(rel, bytes, Some(format_of(rel)), limit)
}

/// What a corpus file must give.
enum Want {
    /// This error message, exactly.
    Err(&'static str),
    /// Read, with exactly these notes (the documented repairs) and, when not
    /// empty, this description of the result.
    Ok(&'static [&'static str], &'static str),
}
use Want::{Err as E, Ok as O};

fn check_all(cases: &[(&str, Want)]) {
    let dump = std::env::var_os("BROKEN_DUMP").is_some();
    let mut failures = Vec::new();
    for (rel, want) in cases {
        let got = read_corpus(rel);
        if dump {
            println!("{rel}\n    {got:?}");
            continue;
        }
        let ok = match (want, &got) {
            (Want::Err(m), Got::Err(e)) => e == m,
            (Want::Ok(notes, what), Got::Ok { notes: n, what: w }) => {
                n.iter().map(String::as_str).eq(notes.iter().copied()) && (what.is_empty() || w == what)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!("{rel}: got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{} corpus files differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_corpus_file_is_listed() {
    let mut listed: Vec<&str> = Vec::new();
    for cases in [TRC, VICON, MOT, ANC, DELIMITED, C3D] {
        listed.extend(cases.iter().map(|c| c.0));
    }
    let mut files = Vec::new();
    for d in std::fs::read_dir(corpus_dir()).unwrap() {
        let d = d.unwrap().path();
        if d.is_dir() {
            for f in std::fs::read_dir(&d).unwrap() {
                let f = f.unwrap().path();
                files.push(format!(
                    "{}/{}",
                    d.file_name().unwrap().to_string_lossy(),
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    files.sort();
    listed.sort();
    assert_eq!(files, listed, "every file in tests/corpus has an expectation, and every expectation a file");
}

// ---------------------------------------------------------------------------
// Expectations, per reader.
// ---------------------------------------------------------------------------

const ONE_LHEE: &str = "frames=2 markers=[\"LHEE\"] analogs=0 reference=0 rate=100";

const TRC: &[(&str, Want)] = &[
    ("trc/empty.trc", E("trc/empty.trc: file is empty")),
    ("trc/header_only.trc", E("trc/header_only.trc:6: no frames of data")),
    (
        "trc/truncated_mid_number.trc",
        E("trc/truncated_mid_number.trc:7:5: file is truncated: number cut off: \"6e\" (in LHEE)"),
    ),
    ("trc/bom.trc", O(&[], ONE_LHEE)),
    ("trc/crlf_lf_mixed.trc", O(&[], ONE_LHEE)),
    (
        "trc/latin1_name.trc",
        O(
            &["not valid UTF-8: lines with other bytes read as Latin-1 (ISO 8859-1)"],
            "frames=2 markers=[\"LÄHEE\"] analogs=0 reference=0 rate=100",
        ),
    ),
    (
        "trc/duplicate_markers.trc",
        O(
            &["the marker names row repeats names; renamed LHEE (2)"],
            "frames=2 markers=[\"LHEE\", \"LHEE (2)\"] analogs=0 reference=0 rate=100",
        ),
    ),
    ("trc/no_z_column.trc", O(&["2 marker samples had only some coordinates; treated as gaps"], ONE_LHEE)),
    ("trc/nan_cell.trc", O(&["1 marker samples had only some coordinates; treated as gaps"], ONE_LHEE)),
    ("trc/inf_cell.trc", E("trc/inf_cell.trc:6:4: expected a number, found \"inf\" (in LHEE)")),
    ("trc/rate_zero.trc", E("trc/rate_zero.trc:3:1: invalid value: DataRate must be positive, found 0 (in DataRate)")),
    (
        "trc/rate_negative.trc",
        E("trc/rate_negative.trc:3:1: invalid value: DataRate must be positive, found -100 (in DataRate)"),
    ),
    (
        "trc/rate_1e9.trc",
        E("trc/rate_1e9.trc:3:1: invalid value: DataRate 1e9 Hz is above the 1 MHz limit (in DataRate)"),
    ),
    (
        "trc/frames_disagree.trc",
        O(
            &[
                "header NumMarkers=3 but the names row lists 1 markers; using the names",
                "header NumFrames=5000000000 but the file has 2 rows; using the data",
            ],
            ONE_LHEE,
        ),
    ),
    ("trc/one_frame.trc", O(&[], "frames=1 markers=[\"LHEE\"] analogs=0 reference=0 rate=100")),
    (
        "trc/mixed_delimiters.trc",
        E("trc/mixed_delimiters.trc:7: wrong delimiter: row uses semicolons but the header uses tabs"),
    ),
];

const SECTIONS: &str = "sections: Trajectories";

const VICON: &[(&str, Want)] = &[
    ("vicon_csv/empty.csv", E("vicon_csv/empty.csv: file is empty")),
    (
        "vicon_csv/title_and_rate_only.csv",
        E("vicon_csv/title_and_rate_only.csv:1: missing header: the Frame / Field # header row in the Trajectories \
           section"),
    ),
    (
        "vicon_csv/truncated_mid_number.csv",
        E("vicon_csv/truncated_mid_number.csv:7:5: file is truncated: number cut off: \"6e\" (in S:LHEE)"),
    ),
    ("vicon_csv/bom.csv", O(&[SECTIONS], ONE_LHEE)),
    ("vicon_csv/crlf_lf_mixed.csv", O(&[SECTIONS], ONE_LHEE)),
    (
        "vicon_csv/latin1_name.csv",
        O(
            &[SECTIONS, "not valid UTF-8: lines with other bytes read as Latin-1 (ISO 8859-1)"],
            "frames=2 markers=[\"LÄHEE\"] analogs=0 reference=0 rate=100",
        ),
    ),
    // Nexus never writes a name twice in one section: two groups of X/Y/Z
    // under one name are refused rather than guessed apart.
    ("vicon_csv/duplicate_markers.csv", E("vicon_csv/duplicate_markers.csv:4:3: marker \"S:LHEE\" has 2 X columns")),
    ("vicon_csv/no_z_column.csv", E("vicon_csv/no_z_column.csv:4:3: marker \"S:LHEE\" has no Z column")),
    ("vicon_csv/nan_cell.csv", O(&[SECTIONS], ONE_LHEE)),
    ("vicon_csv/inf_cell.csv", E("vicon_csv/inf_cell.csv:6:4: expected a number, found \"-inf\" (in S:LHEE)")),
    (
        "vicon_csv/rate_zero.csv",
        E("vicon_csv/rate_zero.csv:2:1: invalid value: sampling rate 0 Hz (must be positive and at most 1 MHz) \
           (in rate)"),
    ),
    (
        "vicon_csv/rate_negative.csv",
        E("vicon_csv/rate_negative.csv:2:1: invalid value: sampling rate -100 Hz (must be positive and at most 1 \
           MHz) (in rate)"),
    ),
    (
        "vicon_csv/rate_1e9.csv",
        E("vicon_csv/rate_1e9.csv:2:1: invalid value: sampling rate 1000000000 Hz (must be positive and at most 1 \
           MHz) (in rate)"),
    ),
    (
        "vicon_csv/frame_jump_huge.csv",
        E("vicon_csv/frame_jump_huge.csv:7:1: invalid value: frame 999999999 follows frame 1: 999999997 missing \
           frames are too many to fill as gaps (in Frame)"),
    ),
    // Gaps cost cells (rows x columns), bounded by the file's size: 8998
    // frames x 1800 columns would be 130 MB from a 21 KB file.
    (
        "vicon_csv/frame_gap_wide.csv",
        E("vicon_csv/frame_gap_wide.csv:7:1: invalid value: frame 9000 follows frame 1: 8998 missing frames are too \
           many to fill as gaps (in Frame)"),
    ),
    (
        "vicon_csv/frame_backwards.csv",
        E("vicon_csv/frame_backwards.csv:7:1: invalid value: frame 4 follows frame 5 (in Frame)"),
    ),
    (
        "vicon_csv/frames_skipped.csv",
        O(
            &[SECTIONS, "line 7: frames 2..=3 are missing; filled as gaps"],
            "frames=4 markers=[\"LHEE\"] analogs=0 reference=0 rate=100",
        ),
    ),
    ("vicon_csv/one_frame.csv", O(&[SECTIONS], "frames=1 markers=[\"LHEE\"] analogs=0 reference=0 rate=100")),
    (
        "vicon_csv/mixed_delimiters.csv",
        E("vicon_csv/mixed_delimiters.csv:7: wrong delimiter: found ';' where ',' is expected"),
    ),
];

const IK: &str = "frames=0 markers=[] analogs=0 reference=2 rate=NaN";

const MOT: &[(&str, Want)] = &[
    ("mot/empty.mot", E("mot/empty.mot: file is empty")),
    ("mot/header_only.mot", E("mot/header_only.mot:8: no frames of data")),
    ("mot/no_endheader.sto", E("mot/no_endheader.sto: missing header: endheader line")),
    // `-5.` is a whole number: read, as OpenSim itself would.
    ("mot/truncated_mid_number.mot", O(&[], IK)),
    (
        "mot/truncated_mid_exponent.mot",
        E("mot/truncated_mid_exponent.mot:9:3: file is truncated: number cut off: \"-5e+\" (in knee_angle_r)"),
    ),
    ("mot/bom.mot", O(&[], IK)),
    ("mot/crlf_lf_mixed.mot", O(&[], IK)),
    ("mot/latin1_name.mot", O(&["not valid UTF-8: lines with other bytes read as Latin-1 (ISO 8859-1)"], IK)),
    ("mot/inf_cell.mot", E("mot/inf_cell.mot:9:2: expected a number, found \"Infinity\" (in pelvis_tx)")),
    ("mot/nan_cell.mot", O(&[], IK)),
    ("mot/rows_disagree.mot", O(&["header says 99999999999 rows but the file has 2; using the data"], IK)),
    (
        "mot/one_row.mot",
        O(
            &[
                "time: fewer than two valid time values; rate unknown",
                "header says 2 rows but the file has 1; using the data",
            ],
            IK,
        ),
    ),
    (
        "mot/mixed_delimiters.mot",
        E("mot/mixed_delimiters.mot:9:1: expected a number, found \"0.01 0.6 -50\" (in time)"),
    ),
    ("mot/time_not_first.mot", E("mot/time_not_first.mot:3:1: missing header: column names row starting with time")),
];

const TWO_CHANNELS: &str = "frames=0 markers=[] analogs=2 reference=0 rate=NaN";

const ANC: &[(&str, Want)] = &[
    ("anc/empty.anc", E("anc/empty.anc: file is empty")),
    ("anc/header_only.anc", E("anc/header_only.anc:9: no frames of data")),
    ("anc/no_name_row.anc", E("anc/no_name_row.anc: missing header: Name row")),
    (
        "anc/truncated_mid_number.anc",
        E("anc/truncated_mid_number.anc:10:3: file is truncated: number cut off: \"-2e\" (in SOL)"),
    ),
    ("anc/bom.anc", O(&[], TWO_CHANNELS)),
    ("anc/crlf_lf_mixed.anc", O(&[], TWO_CHANNELS)),
    ("anc/inf_cell.anc", E("anc/inf_cell.anc:10:2: expected a number, found \"inf\" (in F1X)")),
    (
        "anc/bitdepth_zero.anc",
        E(
            "anc/bitdepth_zero.anc:4:2: invalid value: BitDepth must be a whole number from 2 to 32, found 0 (in BitDepth)",
        ),
    ),
    (
        "anc/rate_negative.anc",
        E("anc/rate_negative.anc:7:2: invalid value: Rate must be positive, found -2000 (in F1X)"),
    ),
    ("anc/rate_1e9.anc", E("anc/rate_1e9.anc:7:2: invalid value: Rate 1e9 Hz is above the 1 MHz limit (in F1X)")),
    ("anc/channels_disagree.anc", O(&["header #Channels=40 but the Name row lists 2; using the names"], TWO_CHANNELS)),
    ("anc/one_row.anc", O(&["Duration x PreciseRate implies 2 rows but the file has 1; using the data"], TWO_CHANNELS)),
    (
        "anc/mixed_delimiters.anc",
        E("anc/mixed_delimiters.anc:10: wrong delimiter: row uses commas but the header uses tabs"),
    ),
];

const METRES: &str = "marker units not stated; values up to 3.000 taken as m";

const DELIMITED: &[(&str, Want)] = &[
    ("delimited/empty.txt", E("delimited/empty.txt: file is empty")),
    ("delimited/header_only.txt", E("delimited/header_only.txt:2: no frames of data")),
    (
        "delimited/truncated_mid_number.txt",
        E("delimited/truncated_mid_number.txt:3:4: file is truncated: number cut off: \"3.5e\" (in LHEE)"),
    ),
    ("delimited/bom.txt", O(&[METRES], ONE_LHEE)),
    ("delimited/crlf_lf_mixed.txt", O(&[METRES], ONE_LHEE)),
    (
        "delimited/latin1_name.txt",
        O(
            &[METRES, "not valid UTF-8: lines with other bytes read as Latin-1 (ISO 8859-1)"],
            "frames=2 markers=[\"LÄ\"] analogs=0 reference=0 rate=100",
        ),
    ),
    (
        "delimited/duplicate_markers.txt",
        O(
            &["columns LHEEX, LHEEY, LHEEZ repeat a marker's axis; read as plain channels", METRES],
            "frames=2 markers=[\"LHEE\"] analogs=3 reference=0 rate=100",
        ),
    ),
    ("delimited/no_z_column.txt", E("delimited/no_z_column.txt:1:2: marker \"LHEE\" has no Z column")),
    ("delimited/inf_cell.txt", E("delimited/inf_cell.txt:3:3: expected a number, found \"-inf\" (in LHEE)")),
    (
        "delimited/one_row.txt",
        O(
            &["Time: fewer than two valid time values; rate unknown", METRES],
            "frames=1 markers=[\"LHEE\"] analogs=0 reference=0 rate=NaN",
        ),
    ),
    (
        "delimited/time_steps_1e-9.txt",
        O(
            &["Time: steps imply 1000000000 Hz, above the 1 MHz limit; rate unknown", METRES],
            "frames=3 markers=[\"LHEE\"] analogs=0 reference=0 rate=NaN",
        ),
    ),
    (
        "delimited/mixed_delimiters.txt",
        E("delimited/mixed_delimiters.txt:3:1: expected a number, found \"0.01 1 2 3\" (in Time)"),
    ),
];

const C3D: &[(&str, Want)] = &[
    ("c3d/empty.c3d", E("c3d/empty.c3d: file is empty")),
    ("c3d/valid.c3d", O(&[], ONE_LHEE)),
    (
        "c3d/header_short.c3d",
        E("c3d/header_short.c3d: byte 0: file is truncated: header block needs 512 bytes, file has 300 (in header)"),
    ),
    (
        "c3d/param_pointer_out_of_range.c3d",
        E("c3d/param_pointer_out_of_range.c3d: byte 0: invalid value: parameter section at block 200 is outside the \
           file (1056 bytes) (in header: parameter block)"),
    ),
    (
        "c3d/param_pointer_zero.c3d",
        E("c3d/param_pointer_zero.c3d: byte 0: invalid value: parameter section at block 0 is outside the file (600 \
           bytes) (in header: parameter block)"),
    ),
    (
        "c3d/bad_processor.c3d",
        E("c3d/bad_processor.c3d: byte 515: invalid value: processor type 99 (expected 84, 85 or 86) (in parameter \
           section: processor type)"),
    ),
    (
        "c3d/param_loop.c3d",
        E("c3d/param_loop.c3d: byte 516: parameter chain loops back to an earlier record (in parameter section)"),
    ),
    (
        "c3d/points_negative.c3d",
        E("c3d/points_negative.c3d: byte 536: invalid value: 65535 points cannot fit in the file (in POINT:USED)"),
    ),
    (
        "c3d/analog_negative.c3d",
        E("c3d/analog_negative.c3d: byte 659: invalid value: 65531 analog channels cannot fit in the file (in \
           ANALOG:USED)"),
    ),
    (
        "c3d/rate_zero.c3d",
        E("c3d/rate_zero.c3d: byte 565: invalid value: point rate 0 Hz (must be positive and at most 1 MHz) (in \
           POINT:RATE)"),
    ),
    (
        "c3d/rate_negative.c3d",
        E("c3d/rate_negative.c3d: byte 565: invalid value: point rate -100 Hz (must be positive and at most 1 MHz) \
           (in POINT:RATE)"),
    ),
    (
        "c3d/rate_1e9.c3d",
        E("c3d/rate_1e9.c3d: byte 565: invalid value: point rate 1000000000 Hz (must be positive and at most 1 MHz) \
           (in POINT:RATE)"),
    ),
    (
        "c3d/data_start_out_of_range.c3d",
        E("c3d/data_start_out_of_range.c3d: byte 586: invalid value: data section at block 5000 is outside the file \
           (1056 bytes) (in POINT:DATA_START)"),
    ),
    (
        "c3d/data_start_zero.c3d",
        E("c3d/data_start_zero.c3d: byte 586: invalid value: data section at block 0 is outside the file (1056 \
           bytes) (in POINT:DATA_START)"),
    ),
    ("c3d/frames_more_than_data.c3d", O(&["file holds 2 of the 60000 frames it declares; read 2"], ONE_LHEE)),
    (
        "c3d/truncated_mid_frame.c3d",
        E("c3d/truncated_mid_frame.c3d: byte 1024: file is truncated: 2 frames declared, but no complete frame of 16 \
           bytes (in data section)"),
    ),
    (
        "c3d/truncated_in_parameters.c3d",
        E("c3d/truncated_in_parameters.c3d: byte 516: file is truncated: parameter section ends inside a record (in \
           parameter section)"),
    ),
    ("c3d/one_frame.c3d", O(&[], "frames=1 markers=[\"LHEE\"] analogs=0 reference=0 rate=100")),
    (
        "c3d/duplicate_labels.c3d",
        O(
            &["POINT:LABELS repeats names; renamed LHEE (2)"],
            "frames=2 markers=[\"LHEE\", \"LHEE (2)\"] analogs=0 reference=0 rate=100",
        ),
    ),
    // Not UTF-8: decoded as Latin-1 (old files write `µV` as one byte).
    ("c3d/latin1_label.c3d", O(&[], "frames=2 markers=[\"LÄHE\"] analogs=0 reference=0 rate=100")),
    ("c3d/first_after_last.c3d", O(&["header frame range 10..5 is invalid; using POINT:FRAMES (2)"], ONE_LHEE)),
    (
        "c3d/param_next_out_of_range.c3d",
        O(&["parameter chain points outside the file at byte 668; stopped there"], ONE_LHEE),
    ),
    (
        "c3d/param_dims_huge.c3d",
        E("c3d/param_dims_huge.c3d: byte 675: file is truncated: parameter data runs past the end of the file (in \
           HUGE)"),
    ),
];

#[test]
fn trc_corpus() {
    check_all(TRC);
}

#[test]
fn vicon_csv_corpus() {
    check_all(VICON);
}

#[test]
fn mot_corpus() {
    check_all(MOT);
}

#[test]
fn anc_corpus() {
    check_all(ANC);
}

#[test]
fn delimited_corpus() {
    check_all(DELIMITED);
}

#[test]
fn c3d_corpus() {
    check_all(C3D);
}

/// Every reader on an empty buffer, called directly (not through
/// `read_bytes`, which refuses empty files first): an error, no panic.
#[test]
fn each_reader_refuses_an_empty_buffer() {
    let p = Path::new("e");
    let errs = [
        gaitline::io::c3d::read(p, b"").map(|_| ()).unwrap_err().to_string(),
        gaitline::io::vicon_csv::read(p, b"").map(|_| ()).unwrap_err().to_string(),
        gaitline::io::trc::read(p, b"").map(|_| ()).unwrap_err().to_string(),
        gaitline::io::mot::read(p, b"").map(|_| ()).unwrap_err().to_string(),
        gaitline::io::anc::read(p, b"").map(|_| ()).unwrap_err().to_string(),
        gaitline::io::delimited::read(p, b"").map(|_| ()).unwrap_err().to_string(),
    ];
    assert_eq!(
        errs,
        [
            "e: byte 0: file is truncated: header block needs 512 bytes, file has 0 (in header)",
            "e: missing header: a section title (Trajectories, Devices, Model Outputs, ...)",
            "e:1: missing header: PathFileType line",
            "e: missing header: endheader line",
            "e: missing header: Name row",
            "e: file is empty",
        ]
    );
}

/// A data row of 10 million columns (20 MB, generated here): each text
/// reader answers within the time limit with the row's position.
#[test]
fn ten_million_column_line() {
    const N: usize = 10_000_000;
    let wide = |sep: &str| -> String {
        let mut s = String::with_capacity(2 * N);
        for _ in 0..N {
            s.push('1');
            s.push_str(sep);
        }
        s
    };
    let tabs = wide("\t");
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "wide.txt",
            format!("Time\tLHEEX\tLHEEY\tLHEEZ\n0\t1\t2\t3\n0.01\t{tabs}\n"),
            "wide.txt:3:5: expected 4 fields, found 10000002",
        ),
        (
            "wide.csv",
            format!("Trajectories\n100\n,,S:LHEE,,\nFrame,Sub Frame,X,Y,Z\n,,mm,mm,mm\n1,0,{}\n", wide(",")),
            "wide.csv:6:6: expected 5 fields, found 10000002",
        ),
        (
            "wide.mot",
            format!("Coordinates\nendheader\ntime\tknee_angle_r\n0\t{tabs}\n"),
            "wide.mot:4:3: expected 2 fields, found 10000002",
        ),
        (
            "wide.anc",
            format!("File_Type:\tAnalog R/C ASCII\nBitDepth:\t16\nName\tF1X\nRate\t2000\nRange\t5000\n0\t{tabs}\n"),
            "wide.anc:6:3: expected 2 fields, found 10000002",
        ),
    ];
    for (name, content, want) in cases {
        match guarded(name, content.into_bytes(), None, Duration::from_secs(60)) {
            Got::Err(e) => assert_eq!(e, want),
            Got::Ok { .. } => panic!("{name}: a 10-million-column row was accepted"),
        }
    }
    // TRC: cells beyond the named markers are ignored, with a note.
    let trc = format!(
        "PathFileType\t4\t(X/Y/Z)\tw.trc\n{}100\t100\t1\t1\tmm\t100\t1\t1\nFrame#\tTime\tLHEE\n\t\tX1\tY1\tZ1\n1\t0\t{tabs}\n",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
    );
    match guarded("wide.trc", trc.into_bytes(), None, Duration::from_secs(60)) {
        Got::Ok { notes, .. } => {
            assert_eq!(notes, ["rows carry 9999997 more columns than the 1 named markers; ignored"])
        }
        Got::Err(e) => panic!("wide.trc: {e}"),
    }
}

/// A header of 20,000 markers or columns over 2,000 rows of two cells: a
/// reader that stored every absent cell as a gap would hold 20,000 x 2,000
/// samples (about 1 GB) for a 200 KB file.
#[test]
fn short_rows_under_a_wide_header() {
    const N: usize = 20_000;
    let rows: String = (1..=2000).map(|i| format!("{i}\t{:.2}\n", i as f64 / 100.0)).collect();
    let trc_names: String = (0..N).map(|k| format!("M{k}\t\t\t")).collect();
    let trc_xyz: String = (1..=N).map(|k| format!("X{k}\tY{k}\tZ{k}\t")).collect();
    let trc = format!(
        "PathFileType\t4\t(X/Y/Z)\tw.trc\n{}100\t100\t2000\t{N}\tmm\t100\t1\t2000\nFrame#\tTime\t{trc_names}\n\t\t{trc_xyz}\n{rows}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n"
    );
    let cols: String = (0..N).map(|k| format!("\tM{k}X\tM{k}Y\tM{k}Z")).collect();
    let txt = format!("Frame\tTime{cols}\n{rows}");
    let mot_cols: String = (0..N).map(|k| format!("\tc{k}")).collect();
    let mot = format!("Coordinates\nendheader\ntime{mot_cols}\n{rows}");
    let cases = [
        (
            "wide.trc",
            trc,
            "wide.trc:34: rows hold 2 of the 60002 fields the header names: too many absent cells to read as gaps",
        ),
        ("wide.txt", txt, "wide.txt:2: expected 60002 fields, found 2"),
        ("wide.mot", mot, "wide.mot:4: expected 20001 fields, found 2"),
    ];
    for (name, content, want) in cases {
        // The header line is longer than sniffing looks (64 KB): force the reader.
        match guarded(name, content.into_bytes(), Some(format_of(name)), Duration::from_secs(60)) {
            Got::Err(e) => assert_eq!(e, want),
            Got::Ok { what, .. } => panic!("{name}: read as {what}"),
        }
    }
}
