//! Real-data checks of the text readers (TRC, MOT/STO, ANC, delimited) on every
//! such file in `GAITLINE_DATA`. Expected values were read off the raw text.

mod common;

use common::{close, data_file};
use gaitline::io;
use gaitline::model::{ChannelKind, Format, Recording};

fn rd(rel: &str) -> Option<Recording> {
    let p = data_file(rel)?;
    Some(io::read_file(&p, None).unwrap_or_else(|e| panic!("{rel}: {e}")))
}

/// (file, DataRate, rows, markers, first Frame#, first Time, first marker,
/// (marker, row, mm), (last marker, mm in the last row), notes).
type TrcCase = (
    &'static str,
    f64,
    usize,
    usize,
    i64,
    f64,
    &'static str,
    (&'static str, usize, [f64; 3]),
    (&'static str, [f64; 3]),
    &'static [&'static str],
);

const TRC: &[TrcCase] = &[
    (
        "btkdata/TRCSamples__SprintCalib.trc",
        250.0,
        337,
        65,
        1,
        0.0,
        "C7",
        ("Tete.D", 168, [-249.55118, 77.91093, 1714.7157]),
        ("StartArr", [-1120.09912, 77.42618, 55.58952]),
        &["rows carry 15 more columns than the 65 named markers; ignored"],
    ),
    (
        "btkdata/TRCSamples__SprintMotion.trc",
        250.0,
        788,
        59,
        1,
        0.0,
        "C7",
        ("R.EIAS", 394, [-225.03207, -16.02477, 725.59961]),
        ("StartArr", [-1120.33521, 77.53883, 56.20566]),
        &[],
    ),
    (
        "opensim-models/Gait2392_Simbody__subject01_static.trc",
        60.0,
        300,
        49,
        1,
        0.0,
        "R.ASIS",
        ("R.Midfoot.Sup", 150, [507.35684, 80.38849, 164.93622]),
        ("Top.Head", [573.06628, 1818.21582, 38.06445]),
        &[],
    ),
    (
        "opensim-models/Gait2392_Simbody__subject01_walk1.trc",
        60.0,
        151,
        41,
        1,
        0.0,
        "R.ASIS",
        ("L.Midfoot.Sup", 75, [942.39545, 128.5843, -14.68241]),
        ("Top.Head", [614.13971, 1776.27051, 23.29867]),
        &[],
    ),
    (
        "opensim-models/Hamner__subject02_running.trc",
        60.0,
        600,
        41,
        1,
        0.0,
        "R.ASIS",
        ("L.Midfoot.Sup", 300, [858.26807, 64.4462, -150.97789]),
        ("Top.Head", [1074.01208, 1661.71704, -203.48386]),
        &[],
    ),
    (
        "opensim-models/Hamner__subject02_static.trc",
        60.0,
        300,
        49,
        1,
        0.0,
        "R.ASIS",
        ("R.Midfoot.Sup", 150, [509.95703, 71.99654, 129.36522]),
        ("Top.Head", [611.40564, 1805.26208, 27.28801]),
        &[],
    ),
    (
        "opensim-models/Rajagopal__ExpData__motion_capture_run.trc",
        100.0,
        510,
        42,
        23,
        0.23,
        "LPSI",
        ("RUA1", 255, [825.664746, 1467.232384, -159.101133]),
        ("LASI", [933.19085, 1077.112245, -498.650081]),
        &[],
    ),
    (
        "opensim-models/Rajagopal__ExpData__motion_capture_walk.trc",
        100.0,
        238,
        41,
        1,
        0.0,
        "R.Shoulder",
        ("R.Knee", 119, [1026.634, 552.84, -96.298]),
        ("L.Toe", [2461.683, 52.199, -296.859]),
        &[],
    ),
    (
        "opensim-models/Rajagopal__ExpData__static_run.trc",
        100.0,
        397,
        64,
        1,
        0.0,
        "LASI",
        ("C7", 198, [495.75601, 1580.15466, -534.05273]),
        ("LEJC", [936.92441, 1388.9455, -503.84384]),
        &[],
    ),
    (
        "opensim-models/Rajagopal__ExpData__static_walk_1.trc",
        100.0,
        287,
        64,
        1,
        0.0,
        "R.Shoulder",
        ("R.Toe", 143, [431.155, 56.648, -78.337]),
        ("MidClavicle", [592.572, 1496.142, -170.538]),
        &[],
    ),
];

#[test]
fn every_trc_file() {
    for &(f, rate, rows, nm, ff, t0, first, (mid, row, mid_mm), (last, last_mm), notes) in TRC {
        let Some(r) = rd(f) else { return };
        assert_eq!(r.format, Format::Trc, "{f}");
        let p = r.points.as_ref().unwrap();
        assert_eq!((p.rate_hz, p.frames, p.markers.len()), (rate, rows, nm), "{f}");
        assert_eq!((p.first_frame, p.time0_s), (ff, t0), "{f}");
        assert_eq!(p.markers[0].name, first, "{f}");
        assert!(p.markers.iter().all(|m| m.xyz.len() == rows), "{f}");
        // No gaps in any of these files.
        assert!(p.markers.iter().all(|m| m.present_count() == rows), "{f}");
        let m = p.marker(mid).unwrap_or_else(|| panic!("{f}: {mid}"));
        for (a, mm) in mid_mm.iter().enumerate() {
            close(m.xyz[row][a], mm / 1000.0, 1e-12, &format!("{f} {mid}[{row}]"));
        }
        let m = p.markers.last().unwrap();
        assert_eq!(m.name, last, "{f}");
        for (a, mm) in last_mm.iter().enumerate() {
            close(m.xyz[rows - 1][a], mm / 1000.0, 1e-12, &format!("{f} {last}"));
        }
        assert_eq!(r.notes, notes.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{f}");
    }
}

/// (file, rows, data columns, time0, rate).
const MOT: &[(&str, usize, usize, f64, f64)] = &[
    ("opensim-models/Gait10dof18musc__OutputReference__IK__subject01_walk_IK.mot", 151, 10, 0.0, 60.0),
    ("opensim-models/Gait2354_Simbody__OutputReference__subject01_walk1_ik.mot", 73, 23, 0.4, 60.0),
    ("opensim-models/Gait2392_Simbody__subject01_walk1_grf.mot", 1501, 18, 0.0, 600.0),
    ("opensim-models/Hamner__outputReference__ResultsIK__subject02_running_ik.mot", 599, 37, 0.0, 60.0),
    ("opensim-models/Hamner__subject02_running_grf.mot", 601, 41, 0.0, 60.0),
    ("opensim-models/Rajagopal__ExpData__grf_run.mot", 5091, 18, 0.23, 1000.0),
    ("opensim-models/Rajagopal__ExpData__grf_walk.mot", 4778, 18, 0.0, 2000.0),
];

fn series<'a>(r: &'a Recording, name: &str) -> (&'a [f64], &'a str) {
    if let Some(a) = r.analogs.iter().find(|a| a.name == name) {
        return (&a.data, &a.unit);
    }
    let s = r.reference.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("{name}"));
    (&s.data, &s.unit)
}

#[test]
fn every_mot_file_shape() {
    for &(f, rows, cols, t0, rate) in MOT {
        let Some(r) = rd(f) else { return };
        assert_eq!(r.format, Format::Mot, "{f}");
        assert_eq!(r.analogs.len() + r.reference.len(), cols, "{f}");
        for a in &r.analogs {
            assert_eq!((a.data.len(), a.time0_s, a.rate_hz), (rows, t0, rate), "{f} {}", a.name);
        }
        for s in &r.reference {
            assert_eq!((s.data.len(), s.time0_s, s.rate_hz), (rows, t0, rate), "{f} {}", s.name);
            assert_eq!(s.component, "", "{f}");
        }
        let ik = f.to_ascii_lowercase().contains("_ik.mot");
        assert_eq!(r.analogs.is_empty(), ik, "{f}: IK files land in reference, GRF in analogs");
    }
}

#[test]
fn mot_values_and_units() {
    let o = "opensim-models/";
    let Some(r) = rd(&format!("{o}Hamner__outputReference__ResultsIK__subject02_running_ik.mot")) else {
        return;
    };
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.reference[0].name, "pelvis_tilt");
    assert_eq!(r.reference.last().unwrap().name, "wrist_dev_l");
    let (d, u) = series(&r, "knee_angle_r");
    assert_eq!((d[299], u), (-89.51505294, "deg"));
    let (d, u) = series(&r, "pelvis_ty");
    assert_eq!((d[299], u), (0.93464837, "m"));

    let r = rd(&format!("{o}Gait2354_Simbody__OutputReference__subject01_walk1_ik.mot")).unwrap();
    assert_eq!(series(&r, "knee_angle_r").0[36], -10.65363268);
    let r = rd(&format!("{o}Gait10dof18musc__OutputReference__IK__subject01_walk_IK.mot")).unwrap();
    assert_eq!(series(&r, "hip_flexion_r").0[75], -29.39009946);
    assert_eq!(series(&r, "pelvis_tx").1, "m");
    assert_eq!(series(&r, "pelvis_tx").0[75], 0.58289361);

    // Old header, times rounded to 3 decimals, datarows 901 vs 601 rows.
    let r = rd(&format!("{o}Hamner__subject02_running_grf.mot")).unwrap();
    assert_eq!(r.dialect, "OpenSim MOT (name/datacolumns header)");
    assert_eq!(r.notes, vec!["header says 901 rows but the file has 601; using the data"]);
    assert_eq!(series(&r, "1_ground_force_vy").1, "N");
    assert_eq!(series(&r, "1_ground_force_vy").0[300], 1397.11344);
    assert_eq!(r.analogs.iter().filter(|a| a.kind == ChannelKind::ForcePlate).count(), 18);
    let other: Vec<_> = r.analogs.iter().filter(|a| a.kind == ChannelKind::Other).map(|a| a.name.as_str()).collect();
    assert_eq!(other.len(), 23);
    assert_eq!(other[0], "pelvis_tx");

    let r = rd(&format!("{o}Gait2392_Simbody__subject01_walk1_grf.mot")).unwrap();
    assert!(r.reference.is_empty(), "inDegrees=yes but all columns are GRF");
    assert_eq!(series(&r, "ground_force_vy").0[750], 761.9386815);
    assert_eq!(series(&r, "ground_force_pz").1, "m");
    assert_eq!(series(&r, "ground_force_pz").0[750], 0.13472873);
    assert_eq!(series(&r, "1_ground_torque_z").1, "N.m");
    assert_eq!(series(&r, "1_ground_torque_z").0[1500], 0.99444594);

    let r = rd(&format!("{o}Rajagopal__ExpData__grf_walk.mot")).unwrap();
    assert_eq!(series(&r, "ground_force_l_vy").0[2389], 649.377553);
    assert_eq!(series(&r, "ground_force_r_px").0[0], 346.097838);
    let r = rd(&format!("{o}Rajagopal__ExpData__grf_run.mot")).unwrap();
    assert_eq!(series(&r, "R_ground_force_vy").0[0], 1194.667969);
    assert_eq!(series(&r, "L_ground_force_vy").0[2545], 474.754669);
    assert!(r.analogs.iter().all(|a| a.kind == ChannelKind::ForcePlate));
}

#[test]
fn anc_emg_walk() {
    let Some(r) = rd("opensim-models/Rajagopal__ExpData__emg_walk_raw.anc") else { return };
    assert_eq!(r.format, Format::Anc);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(r.analogs.len(), 28);
    let names: Vec<_> = r.analogs.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(&names[..3], ["F1X", "F1Y", "F1Z"]);
    assert_eq!(&names[18..], ["SOL", "GAS", "TA", "MH", "BF", "VL", "VM", "RF", "GMAX", "GMED"]);
    for (i, a) in r.analogs.iter().enumerate() {
        assert_eq!((a.rate_hz, a.time0_s, a.data.len(), a.unit.as_str()), (2000.0, 0.0, 4780, "V"));
        let want = if i < 18 { ChannelKind::ForcePlate } else { ChannelKind::Emg };
        assert_eq!(a.kind, want, "{}", a.name);
    }
    // Row at t = 0.5 s: SOL -182 counts at ±2500 mV, MH 809 at ±1000 mV, 16 bit.
    close(r.analogs[18].data[1000], -182.0 / 32768.0 * 2.5, 1e-15, "SOL");
    close(r.analogs[21].data[1000], 809.0 / 32768.0 * 1.0, 1e-15, "MH");
    close(r.analogs[0].data[1000], -235.0 / 32768.0 * 5.0, 1e-15, "F1X");
}

#[test]
fn rbds_running_markers() {
    let Some(r) = rd("rbds-fukuchi-running/RBDS0041runT252.txt") else { return };
    assert_eq!(r.format, Format::Delimited);
    let p = r.points.as_ref().unwrap();
    assert_eq!((p.rate_hz, p.frames, p.markers.len(), p.first_frame, p.time0_s), (150.0, 4500, 48, 1, 0.0));
    assert_eq!(
        r.notes,
        vec![
            "Time: time column gives 149.9667 Hz; taken as 150 Hz",
            "marker units not stated; values up to 2318 taken as mm and converted to m",
        ]
    );
    let m = p.marker("R.ASIS").unwrap();
    for (a, v) in [2.109102, 1.032284, 1.612375].into_iter().enumerate() {
        close(m.xyz[0][a], v, 1e-12, "R.ASIS row 0");
    }
    close(m.xyz[2250][0], 2.16721, 1e-12, "R.ASIS x");
    close(p.marker("R.MT5").unwrap().xyz[2250][1], 0.116413, 1e-12, "R.MT5 y");
    // Gaps: R.Iliac.Crest 33 frames from row 43; R.Knee never tracked; R.ASY one frame.
    let ic = p.marker("R.Iliac.Crest").unwrap();
    assert_eq!(ic.present_count(), 4500 - 33);
    assert!(ic.is_present(42) && !ic.is_present(43));
    close(ic.xyz[42][0], 2.109884, 1e-12, "R.Iliac.Crest x");
    assert_eq!(p.marker("R.Knee").unwrap().present_count(), 0);
    assert_eq!(p.marker("R.ASY").unwrap().present_count(), 4499);
    assert!(!p.marker("R.ASY").unwrap().is_present(1518));
    assert_eq!(p.markers.last().unwrap().name, "R.ASY");
}

#[test]
fn rbds_static_markers() {
    let Some(r) = rd("rbds-fukuchi-running/RBDS0041static.txt") else { return };
    let p = r.points.as_ref().unwrap();
    assert_eq!((p.rate_hz, p.frames, p.markers.len()), (150.0, 1500, 48));
    assert_eq!(r.notes[0], "Time: time column gives 149.9000 Hz; taken as 150 Hz");
    close(p.marker("R.Knee.Medial").unwrap().xyz[750][0], 0.734737, 1e-12, "R.Knee.Medial x");
    close(p.marker("R.GTR").unwrap().xyz[750][2], 1.40127, 1e-12, "R.GTR z");
    assert!(p.markers.iter().all(|m| m.present_count() == 1500));
}

#[test]
fn rbds_forces_count_samples() {
    let Some(r) = rd("rbds-fukuchi-running/RBDS0041runT252forces.txt") else { return };
    assert!(r.points.is_none());
    let names: Vec<_> = r.analogs.iter().map(|a| (a.name.as_str(), a.unit.as_str())).collect();
    assert_eq!(
        names,
        [("Fx", "N"), ("Fy", "N"), ("Fz", "N"), ("COPx", "m"), ("COPy", "m"), ("COPz", "m"), ("Ty", "N.m")]
    );
    for a in &r.analogs {
        assert!(a.rate_hz.is_nan());
        assert_eq!((a.kind, a.data.len(), a.time0_s), (ChannelKind::ForcePlate, 9000, 0.0));
    }
    assert_eq!(r.notes[0], "Time: time column counts samples; rate unknown");
    assert_eq!(r.analogs[0].data[0], -128.78);
    assert_eq!(r.analogs[1].data[4500], 504.3);
    close(r.analogs[5].data[4500], 1.35857, 1e-12, "COPz");
    close(r.analogs[6].data[4500], -0.3229, 1e-12, "Ty");
}

#[test]
fn rbds_processed_gait_cycle() {
    let Some(r) = rd("rbds-fukuchi-running/RBDS0041processed.txt") else { return };
    assert!(r.points.is_none() && r.analogs.is_empty());
    assert_eq!(r.reference.len(), 144);
    for s in &r.reference {
        assert_eq!(s.data.len(), 101);
        assert!(s.rate_hz.is_nan());
    }
    let knee = r.reference.iter().find(|s| s.name == "RkneeAng25" && s.component == "X").unwrap();
    assert_eq!((knee.unit.as_str(), knee.data[50]), ("deg", 4.881104));
    let grf = r.reference.iter().find(|s| s.name == "Rgrf25" && s.component == "Y").unwrap();
    assert_eq!(grf.data[10], 21.522456);
    assert!(grf.data[37].is_nan(), "empty cells are NaN");
    let pow = r.reference.iter().find(|s| s.name == "LanklePow45").unwrap();
    assert_eq!((pow.component.as_str(), pow.data[100]), ("", 0.427047));
}

/// Every text-format file in the data folder is covered above.
#[test]
fn all_text_files_are_covered() {
    let Some(dir) = std::env::var_os("GAITLINE_DATA") else { return };
    let mut seen = Vec::new();
    for sub in ["btkdata", "opensim-models", "rbds-fukuchi-running", "pycgm-cadop", "vicon-nexus-csv"] {
        let Ok(rd) = std::fs::read_dir(std::path::Path::new(&dir).join(sub)) else { continue };
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().to_string();
            let l = n.to_ascii_lowercase();
            if l.ends_with(".trc")
                || l.ends_with(".mot")
                || l.ends_with(".sto")
                || l.ends_with(".anc")
                || l.starts_with("rbds") && l.ends_with(".txt")
            {
                seen.push(format!("{sub}/{n}"));
            }
        }
    }
    let covered: Vec<&str> = TRC
        .iter()
        .map(|c| c.0)
        .chain(MOT.iter().map(|c| c.0))
        .chain([
            "opensim-models/Rajagopal__ExpData__emg_walk_raw.anc",
            "rbds-fukuchi-running/RBDS0041runT252.txt",
            "rbds-fukuchi-running/RBDS0041static.txt",
            "rbds-fukuchi-running/RBDS0041runT252forces.txt",
            "rbds-fukuchi-running/RBDS0041processed.txt",
        ])
        .collect();
    for s in &seen {
        assert!(covered.contains(&s.as_str()), "{s} is not covered by a real-data test");
    }
    assert_eq!(seen.len(), covered.len());
}

/// Cutting any real file anywhere gives an error or a recording, never a panic.
#[test]
fn prefixes_of_real_files_never_panic() {
    let files = TRC.iter().map(|c| c.0).chain(MOT.iter().map(|c| c.0)).chain([
        "opensim-models/Rajagopal__ExpData__emg_walk_raw.anc",
        "rbds-fukuchi-running/RBDS0041runT252forces.txt",
        "rbds-fukuchi-running/RBDS0041processed.txt",
    ]);
    for f in files {
        let Some(p) = data_file(f) else { return };
        let bytes = std::fs::read(&p).unwrap();
        let head = &bytes[..bytes.len().min(20_000)];
        for cut in (0..head.len()).step_by(97).chain([head.len() - 1]) {
            let _ = io::read_bytes(&p, &head[..cut], None);
        }
    }
}
