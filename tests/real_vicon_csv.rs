//! The Vicon CSV reader on real files (needs `GAITLINE_DATA`). Every expected
//! value below was read off the raw text of the file.

mod common;

use common::close;
use gaitline::model::{ChannelKind, EventKind, Recording, ReferenceSeries, Side};

const TOL: f64 = 1e-9;

fn read(rel: &str) -> Option<Recording> {
    let path = common::data_file(rel)?;
    let bytes = std::fs::read(&path).unwrap();
    Some(gaitline::io::vicon_csv::read(&path, &bytes).unwrap())
}

fn reference<'a>(r: &'a Recording, name: &str, component: &str) -> &'a ReferenceSeries {
    r.reference
        .iter()
        .find(|s| s.name == name && s.component == component)
        .unwrap_or_else(|| panic!("no reference series {name} {component}"))
}

#[track_caller]
fn point(r: &Recording, marker: &str, i: usize, expected_mm: [f64; 3]) {
    let p = r.points.as_ref().unwrap();
    let m = p.marker(marker).unwrap_or_else(|| panic!("no marker {marker}"));
    for (a, (got, mm)) in m.xyz[i].iter().zip(expected_mm).enumerate() {
        close(*got, mm / 1000.0, TOL, &format!("{marker}[{i}][{a}]"));
    }
}

#[test]
#[allow(clippy::approx_constant)] // a foot off at 3.14 s is data, not pi
fn pig_motion_flatfoot_full() {
    let Some(r) = read("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv") else {
        return;
    };
    assert_eq!(r.dialect, "Vicon Nexus CSV");
    assert_eq!(r.notes[0], "sections: Events, Devices, Trajectories, Model Outputs");
    assert_eq!(r.subject.name.as_deref(), Some("BELT_C"));

    // Trajectories: frames 148..=462 at 100 Hz, 35 markers.
    let p = r.points.as_ref().unwrap();
    assert_eq!((p.rate_hz, p.first_frame, p.frames, p.markers.len()), (100.0, 148, 315, 35));
    close(p.time0_s, 1.47, TOL, "time0");
    assert_eq!(p.markers[0].name, "RFHD");
    point(&r, "RFHD", 0, [-1798.69, 228.038, 1436.98]);
    point(&r, "RASI", 152, [-183.753, 154.19, 906.631]);
    point(&r, "RHEE", 152, [-533.618, 256.837, 77.672]);
    point(&r, "RTOE", 314, [1977.83, 102.675, 38.621]);
    // LFHD is missing for frames 148..=177.
    let lfhd = p.marker("LFHD").unwrap();
    assert!((0..30).all(|i| !lfhd.is_present(i)));
    assert!(lfhd.xyz[0].iter().all(|v| v.is_nan()));
    assert_eq!(lfhd.present_count(), 285);
    point(&r, "LFHD", 314, [1795.66, 251.319, 1416.6]);

    // Devices: 1000 Hz from frame 148 sub-frame 0.
    let names: Vec<&str> = r.analogs.iter().map(|a| a.name.as_str()).collect();
    let mut expected: Vec<String> = Vec::new();
    for plate in 1..=2 {
        for c in ["Fx", "Fy", "Fz", "Mx", "My", "Mz"] {
            expected.push(format!("Force Plate #{plate} - {c}"));
        }
    }
    for m in ["R_RF", "R_ST", "R_TA", "R_GL", "R_PE", "L_RF", "L_ST", "L_TA", "L_GL", "L_PE"] {
        expected.push(m.to_string());
    }
    assert_eq!(names, expected);
    for a in &r.analogs {
        assert_eq!((a.rate_hz, a.data.len()), (1000.0, 3150), "{}", a.name);
        close(a.time0_s, 1.47, TOL, &a.name);
    }
    let ch = |n: &str| r.analogs.iter().find(|a| a.name == n).unwrap();
    let fz1 = ch("Force Plate #1 - Fz");
    assert_eq!((fz1.unit.as_str(), fz1.kind), ("N", ChannelKind::ForcePlate));
    close(fz1.data[1520], -454.192, TOL, "Fz1 at frame 300"); // row 300,0
    close(fz1.data[1525], -467.073, TOL, "Fz1 at frame 300.5");
    let mx1 = ch("Force Plate #1 - Mx");
    assert_eq!(mx1.unit, "N.m");
    close(mx1.data[1520], 28.7839, TOL, "Mx1 at frame 300 (28783.9 N.mm)");
    close(ch("Force Plate #1 - My").data[1525], 55.3129, TOL, "My1 at frame 300.5");
    let ta = ch("R_TA");
    assert_eq!((ta.unit.as_str(), ta.kind), ("V", ChannelKind::Emg));
    close(ta.data[2], 0.000146438, TOL, "R_TA at 148,2");
    close(ta.data[1525], -2.25147e-05, TOL, "R_TA at 300,5");
    close(ch("L_PE").data[1525], -2.17689e-05, TOL, "L_PE at 300,5");
    assert_eq!(r.force_plates.len(), 2);
    assert_eq!(r.force_plates[1].channels[2], "Force Plate #2 - Fz");

    // Events.
    let times = |side: Side, kind: EventKind| -> Vec<f64> {
        r.events.iter().filter(|e| e.side == Some(side) && e.kind == kind).map(|e| e.time_s).collect()
    };
    assert_eq!(r.events.len(), 12);
    assert!(r.events.iter().all(|e| e.subject.as_deref() == Some("BELT_C")));
    assert_eq!(times(Side::Right, EventKind::FootStrike), [1.53, 2.54, 3.57, 4.59]);
    assert_eq!(times(Side::Left, EventKind::FootStrike), [2.02, 3.05, 4.05]);
    assert_eq!(times(Side::Right, EventKind::FootOff), [2.12, 3.14, 4.17]);
    assert_eq!(times(Side::Left, EventKind::FootOff), [2.65, 3.66]);

    // Model Outputs: 80 outputs x 3 components at 100 Hz.
    assert_eq!(r.reference.len(), 240);
    let knee = reference(&r, "LKneeAngles", "X");
    assert_eq!((knee.unit.as_str(), knee.rate_hz, knee.data.len()), ("deg", 100.0, 315));
    close(knee.time0_s, 1.47, TOL, "LKneeAngles time0");
    close(knee.data[0], 7.34709, TOL, "LKneeAngles X at 148");
    close(knee.data[152], -1.16569, TOL, "LKneeAngles X at 300");
    close(reference(&r, "LKneeAngles", "Z").data[152], 2.70734, TOL, "LKneeAngles Z at 300");
    assert_eq!(reference(&r, "RWristMoment", "Z").unit, "N.m/kg");
}

#[test]
fn pycgm_movement_trial_model_outputs() {
    let Some(r) = read("pycgm-cadop/Test_Files__Movement_trial.csv") else {
        return;
    };
    assert_eq!(r.dialect, "Vicon Nexus CSV");
    assert_eq!(r.notes[0], "sections: Model Outputs");
    assert_eq!(r.subject.name.as_deref(), Some("Test"));
    assert!(r.points.is_none() && r.analogs.is_empty() && r.events.is_empty());
    // 101 outputs, 417 columns (segments such as HED have RX..SZ), frames 695..=1017.
    assert_eq!(r.reference.len(), 417);
    let hip = reference(&r, "LHipAngles", "X");
    assert_eq!((hip.unit.as_str(), hip.rate_hz, hip.data.len()), ("deg", 120.0, 323));
    close(hip.time0_s, 694.0 / 120.0, TOL, "time0");
    close(hip.data[105], 30.528, TOL, "LHipAngles X at 800");
    close(reference(&r, "LHipAngles", "Z").data[105], 34.9946, TOL, "LHipAngles Z at 800");
    let km = reference(&r, "LKneeMoment", "X");
    assert_eq!(km.unit, "N.m/kg");
    assert!(km.data[0].is_nan(), "LKneeMoment is empty at frame 695");
    close(km.data[105], 0.036489, TOL, "LKneeMoment X at 800 (36.489 N.mm/kg)");
    let com = reference(&r, "CentreOfMass", "X");
    assert_eq!(com.unit, "m");
    close(com.data[105], 0.666959, TOL, "CentreOfMass X at 800");
    let hed = reference(&r, "HED", "SX");
    close(hed.data[105], 0.155128, TOL, "HED SX at 800");
    assert_eq!(reference(&r, "HED", "RX").unit, "deg");
}

#[test]
fn pycgm_rom_workstation_dialect() {
    let Some(r) = read("pycgm-cadop/ROM__Sample_Static.csv") else {
        return;
    };
    assert_eq!(r.dialect, "Vicon Workstation CSV");
    assert_eq!(r.notes[0], "sections: Trajectories");
    assert_eq!(r.subject.name, None);
    let p = r.points.as_ref().unwrap();
    // 141 names: 115 markers (incl. unlabelled *111..*114) and 26 PiG angles.
    assert_eq!((p.rate_hz, p.first_frame, p.frames, p.markers.len()), (100.0, 1, 275, 115));
    assert_eq!(p.time0_s, 0.0);
    assert_eq!(p.markers[0].name, "LFHD");
    point(&r, "LASI", 99, [137.7672729, 362.1318665, 1029.947144]);
    point(&r, "RTOE", 99, [433.3006287, 354.9647217, 44.29108047]);
    point(&r, "*111", 99, [692.651001, 422.9115601, 1239.655151]);
    assert!(p.markers.iter().all(|m| m.present_count() == 275));
    assert_eq!(r.reference.len(), 78);
    let hip = reference(&r, "LHipAngles", "X");
    assert_eq!((hip.unit.as_str(), hip.data.len()), ("deg", 275));
    close(hip.data[99], -3.042691231, TOL, "LHipAngles X at frame 100");
    close(reference(&r, "LHipAngles", "Z").data[99], -1.760402322, TOL, "LHipAngles Z");
}

#[test]
fn reads_through_the_sniffer() {
    let Some(path) = common::data_file("pycgm-cadop/ROM__Sample_Static.csv") else {
        return;
    };
    let r = gaitline::io::read_file(&path, None).unwrap();
    assert_eq!(r.format, gaitline::model::Format::ViconCsv);
}

#[test]
fn cut_and_damaged_copies_fail_with_positions() {
    let Some(path) = common::data_file("vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    // Cut anywhere: never a panic.
    for k in 1..60 {
        let _ = gaitline::io::vicon_csv::read(&path, &bytes[..bytes.len() * k / 60]);
    }
    // Cut in the middle of Trajectories row 3300 (frame 271): truncated there.
    let start: usize = bytes.split_inclusive(|&b| b == b'\n').take(3299).map(|l| l.len()).sum();
    let e = gaitline::io::vicon_csv::read(&path, &bytes[..start + 300]).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(":3300: file is truncated: last row has"), "{msg}");
    // Text in a number cell: frame 271, LASI Y (column 58).
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut lines: Vec<&str> = text.split('\n').collect();
    let row: Vec<&str> = lines[3299].split(',').collect();
    assert_eq!(row[0], "271");
    let mut bad = row.clone();
    bad[57] = "1.5.2";
    let bad = bad.join(",");
    lines[3299] = &bad;
    let e = gaitline::io::vicon_csv::read(&path, lines.join("\n").as_bytes()).unwrap_err();
    assert!(e.to_string().ends_with(":3300:58: expected a number, found \"1.5.2\" (in BELT_C:LASI)"), "{e}");
    // Semicolons throughout.
    let semi = text.replace(',', ";");
    let e = gaitline::io::vicon_csv::read(&path, semi.as_bytes()).unwrap_err();
    assert!(e.to_string().ends_with(":1: wrong delimiter: found ';' where ',' is expected"));
}
