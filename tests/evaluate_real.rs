//! `gaitline evaluate` end to end on real recordings (GAITLINE_DATA).

mod common;
use std::process::Command;

#[test]
fn evaluate_reports_events_and_analysis() {
    let files = [
        "btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d",
        "btkdata/C3DSamples__c3d.org__sample09__PlugInC3D.c3d",
        "opensim-models/Gait2392_Simbody__subject01_walk1.trc",
        "opensim-models/Gait2392_Simbody__subject01_walk1_grf.mot",
    ];
    let Some(paths) = files.iter().map(|f| common::data_file(f)).collect::<Option<Vec<_>>>() else { return };
    let out = std::env::temp_dir().join(format!("gl-evaluate-{}.csv", std::process::id()));
    let o = Command::new(env!("CARGO_BIN_EXE_gaitline"))
        .arg("evaluate")
        .args(&paths)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&o.stdout);
    eprintln!("{table}{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success());
    let csv = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let row = |trial: &str, name: &str, side: &str| {
        rows.iter()
            .find(|r| r[0].contains(trial) && r[2] == name && r[3] == side)
            .unwrap_or_else(|| panic!("{trial} {name}"))
    };
    // PiG_Motion: every Vicon event found within 50 ms, each kind.
    for kind in ["foot_strike", "foot_off"] {
        let r = row("PiG_Motion", kind, "");
        assert_eq!(r[4], "file");
        assert_eq!(r[8], "1.0000", "{kind} recall: {r:?}");
        assert_eq!(r[9], "1.0000", "{kind} precision: {r:?}");
        assert!(r[13].parse::<f64>().unwrap() <= 10.0, "{kind} median |error| {r:?}");
    }
    // Gait2392 has no file events: the plates are the reference.
    assert_eq!(row("Gait2392", "foot_strike", "")[4], "force_plate");
    // ANALYSIS rows: stride length within 1.5 cm per side.
    for side in ["left", "right"] {
        let r = row("PiG_Motion", "Stride Length", side);
        assert!(r[16].parse::<f64>().unwrap().abs() <= 0.015, "{r:?}");
    }
    assert!(table.contains("ANALYSIS"));
}
