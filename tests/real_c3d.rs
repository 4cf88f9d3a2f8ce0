//! The C3D reader against every real C3D file in `GAITLINE_DATA`.
//!
//! Golden values come from ezc3d 1.7.2, read independently in Python
//! (`pip install ezc3d`), with this snippet:
//!
//! ```python
//! import ezc3d, numpy as np
//! c = ezc3d.c3d(path)
//! h, p, d = c['header'], c['parameters'], c['data']
//! pts = d['points']                       # 4 x points x frames, mm, NaN = invalid
//! lab = p['POINT']['LABELS']['value']
//! h['points']['frame_rate'], pts.shape[2], h['points']['first_frame'] + 1
//! pts[:3, lab.index('LASI'), frame] / 1000             # metres
//! np.isnan(pts[0, i, :])                               # gaps
//! a = d['analogs'][0]                     # channels x samples, scaled
//! p['ANALOG']['LABELS']['value'], p['ANALOG']['UNITS']['value'], a[i, k]
//! p['FORCE_PLATFORM']['CORNERS']['value'] # 3 x 4 x plates, mm
//! p['EVENT']['CONTEXTS'|'LABELS'|'TIMES']['value'], c['header']['events']
//! p['PROCESSING']['Bodymass']['value'], ...
//! ```
//!
//! A full comparison of every marker sample, model output and analog sample
//! of all seven files against ezc3d agreed to 4e-16 (NaN pattern identical).

mod common;

use common::close;
use gaitline::io::c3d;
use gaitline::model::{ChannelKind, EventKind, Recording, Side};

const TOL_M: f64 = 1e-7;

fn load(rel: &str) -> Option<Recording> {
    let p = common::data_file(rel)?;
    let bytes = std::fs::read(&p).expect("read test file");
    Some(c3d::read(&p, &bytes).unwrap_or_else(|e| panic!("{e}")))
}

#[track_caller]
fn marker_at(r: &Recording, name: &str, frame: usize, xyz: [f64; 3]) {
    let pts = r.points.as_ref().expect("points");
    let m = pts.marker(name).unwrap_or_else(|| panic!("no marker {name}"));
    for (a, (&got, &want)) in m.xyz[frame].iter().zip(&xyz).enumerate() {
        close(got, want, TOL_M, &format!("{name}[{frame}].{a}"));
    }
}

#[track_caller]
fn gap_at(r: &Recording, name: &str, frame: usize) {
    let m = r.points.as_ref().unwrap().marker(name).unwrap();
    assert!(m.xyz[frame].iter().all(|v| v.is_nan()), "{name}[{frame}] should be a gap");
}

#[track_caller]
fn analog_at(r: &Recording, name: &str, unit: &str, i: usize, want: f64, tol: f64) {
    let a = r.analogs.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(a.unit, unit, "unit of {name}");
    close(a.data[i], want, tol, &format!("{name}[{i}]"));
}

#[track_caller]
fn reference_at(r: &Recording, name: &str, comp: &str, unit: &str, i: usize, want: f64) {
    let s = r
        .reference
        .iter()
        .find(|s| s.name == name && s.component == comp)
        .unwrap_or_else(|| panic!("no reference {name} {comp}"));
    assert_eq!(s.unit, unit);
    close(s.data[i], want, 1e-5, &format!("{name}.{comp}[{i}]"));
}

fn shape(r: &Recording) -> (f64, usize, i64, usize) {
    let p = r.points.as_ref().unwrap();
    (p.rate_hz, p.frames, p.first_frame, p.markers.len())
}

#[test]
#[allow(clippy::approx_constant)] // 3.14 s is an event time, not pi
fn pig_motion() {
    let Some(r) = load("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (Intel, float)");
    // 193 points: 113 markers, 80 model outputs (angles, forces, moments, powers).
    assert_eq!(shape(&r), (100.0, 315, 148, 113));
    assert_eq!(r.reference.len(), 80 * 3);
    close(r.points.as_ref().unwrap().time0_s, 1.47, 1e-12, "time0");
    marker_at(&r, "RFHD", 0, [-1.7986875, 0.22803834533691406, 1.436975341796875]);
    marker_at(&r, "LASI", 0, [-1.9239793701171874, 0.3727458190917969, 0.900998046875]);
    marker_at(&r, "LASI", 157, [-0.08221965026855468, 0.35422171020507814, 0.8984779663085938]);
    marker_at(&r, "RHEE", 157, [-0.5223047485351563, 0.25314739990234375, 0.10201750946044921]);
    marker_at(&r, "LTOE", 157, [0.17823948669433592, 0.3954559326171875, 0.06613176727294921]);
    // HEDO is missing for the first 30 frames (residual -1).
    gap_at(&r, "HEDO", 29);
    marker_at(&r, "HEDO", 30, [-1.56066882324, 0.20883110046, 1.43017285156]);
    assert_eq!(r.points.as_ref().unwrap().marker("HEDO").unwrap().present_count(), 315 - 30);
    // Model outputs are reference series in the file's units, never markers.
    for name in ["LKneeAngles", "RHipAngles", "LAnkleMoment", "RKneePower", "LGroundReactionForce"] {
        assert!(r.points.as_ref().unwrap().marker(name).is_none(), "{name} is not a marker");
    }
    reference_at(&r, "LKneeAngles", "X", "deg", 10, 20.2500057220459);
    reference_at(&r, "LKneeAngles", "Z", "deg", 10, 2.9897451400756836);
    assert!(r.reference.iter().any(|s| s.name == "LAnkleMoment" && s.unit == "Nmm"));
    assert!(r.reference.iter().any(|s| s.name == "RKneePower" && s.unit == "W"));
    // Analog: 38 channels at 1000 Hz; moments converted from N.mm to N.m, EMG in V.
    assert_eq!(r.analogs.len(), 38);
    assert!(r.analogs.iter().all(|a| a.rate_hz == 1000.0 && a.data.len() == 3150));
    close(r.analogs[0].time0_s, 1.47, 1e-12, "analog time0");
    analog_at(&r, "Fz1", "N", 1541, -482.5273742675781, 1e-4);
    analog_at(&r, "Mx1", "N.m", 1541, 29.570931640625, 1e-6);
    analog_at(&r, "R_RF", "V", 1541, -9.534984428682947e-07, 1e-12);
    analog_at(&r, "L_PE", "V", 100, 2.423823571007233e-05, 1e-12);
    let kind = |n: &str| r.analogs.iter().find(|a| a.name == n).unwrap().kind;
    assert_eq!(kind("Fx1"), ChannelKind::ForcePlate);
    assert_eq!(kind("Mz2"), ChannelKind::ForcePlate);
    assert_eq!(kind("R_RF"), ChannelKind::Emg);
    // Force plates: 2 type-2 plates, corners in metres.
    assert_eq!(r.force_plates.len(), 2);
    let fp = &r.force_plates[0];
    assert_eq!(fp.plate_type, 2);
    assert_eq!(fp.channels, ["Fx1", "Fy1", "Fz1", "Mx1", "My1", "Mz1"]);
    let c0 = [-0.49991998291015627, 0.49791998291015627, 0.0];
    for (got, want) in fp.corners[0].iter().zip(c0) {
        close(*got, want, 1e-9, "plate 1 corner 1");
    }
    close(fp.corners[2][1], 8.00018310546875e-5, 1e-9, "plate 1 corner 3 y");
    close(fp.origin[2], 0.01633889961, 1e-9, "plate 1 origin z");
    assert_eq!(r.force_plates[1].channels[5], "Mz2");
    close(r.force_plates[1].corners[1][0], 0.49791998291015627, 1e-9, "plate 2 corner 2 x");
    // Events: 12 from the EVENT group, sorted by time.
    assert_eq!(r.events.len(), 12);
    let times = |side: Side, kind: EventKind| -> Vec<f64> {
        r.events.iter().filter(|e| e.side == Some(side) && e.kind == kind).map(|e| e.time_s).collect()
    };
    let expect = [
        (Side::Right, EventKind::FootStrike, vec![1.53, 2.54, 3.57, 4.59]),
        (Side::Left, EventKind::FootStrike, vec![2.02, 3.05, 4.05]),
        (Side::Right, EventKind::FootOff, vec![2.12, 3.14, 4.17]),
        (Side::Left, EventKind::FootOff, vec![2.65, 3.66]),
    ];
    for (side, kind, want) in expect {
        let got = times(side, kind.clone());
        assert_eq!(got.len(), want.len(), "{side:?} {kind:?}");
        for (g, w) in got.iter().zip(&want) {
            close(*g, *w, 1e-6, &format!("{side:?} {kind:?}"));
        }
    }
    assert!(r.events.iter().all(|e| e.subject.as_deref() == Some("BELT_C")));
    // Subject from SUBJECTS and PROCESSING.
    let s = &r.subject;
    assert_eq!(s.name.as_deref(), Some("BELT_C"));
    assert_eq!(s.mass_kg, Some(47.5));
    close(s.height_m.unwrap(), 1.505, 1e-12, "height");
    assert_eq!((s.leg_length_mm.left, s.leg_length_mm.right), (Some(800.0), Some(800.0)));
    assert_eq!((s.knee_width_mm.left, s.knee_width_mm.right), (Some(105.0), Some(105.0)));
    assert_eq!((s.ankle_width_mm.left, s.ankle_width_mm.right), (Some(55.0), Some(55.0)));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn pig_calibration() {
    let Some(r) = load("btkdata/C3DSamples__PiG__PiG_Calibration-FlatFoot-Full.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (Intel, float)");
    assert_eq!(shape(&r), (100.0, 94, 30, 111));
    assert_eq!(r.reference.len(), 26 * 3);
    marker_at(&r, "LFHD", 0, [-0.01736548614501953, 0.11624053192138672, 1.4588465576171874]);
    marker_at(&r, "LASI", 47, [0.016543155670166017, 0.16371652221679686, 0.9093173828125]);
    marker_at(&r, "RHEE", 0, [-0.1932477569580078, 0.371862060546875, 0.027800836563110352]);
    assert!(r.points.as_ref().unwrap().markers.iter().all(|m| m.present_count() == 94));
    reference_at(&r, "LKneeAngles", "X", "deg", 10, 2.33791446685791);
    assert_eq!(r.analogs.len(), 38);
    analog_at(&r, "Fx1", "N", 100, -23.564199447631836, 1e-4);
    analog_at(&r, "Fz1", "N", 100, -217.9540252685547, 1e-4);
    assert_eq!(r.force_plates.len(), 2);
    assert!(r.events.is_empty());
    assert_eq!(r.subject.mass_kg, Some(47.5));
}

#[test]
fn c3d_org_sample01_eb015pi() {
    let Some(r) = load("btkdata/C3DSamples__c3d.org__sample01__Eb015pi.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (Intel, integer)");
    assert_eq!(shape(&r), (50.0, 450, 1, 26));
    marker_at(&r, "RFT1", 0, [0.24858334074169397, 0.22683334009349346, 0.03741666778177023]);
    marker_at(&r, "RFT2", 225, [0.1915833390429616, 0.8123333575427533, 0.08841666930168868]);
    // LFT1 is missing in frames 0-24 and 445-449.
    gap_at(&r, "LFT1", 24);
    gap_at(&r, "LFT1", 445);
    marker_at(&r, "LFT1", 25, [-0.09225, 0.00741667, 0.04316667]);
    marker_at(&r, "LFT1", 30, [-0.09316667, 0.00608333, 0.04466667]);
    assert_eq!(r.points.as_ref().unwrap().marker("LFT1").unwrap().present_count(), 450 - 30);
    // ANALOG:USED is 16 though LABELS lists 32; the 1990s unit `nt` (newton) is read as N.
    assert_eq!(r.analogs.len(), 16);
    assert!(r.analogs.iter().all(|a| a.rate_hz == 200.0 && a.data.len() == 1800));
    analog_at(&r, "FX1", "N", 100, -26.660000443458557, 1e-9);
    analog_at(&r, "FZ1", "N", 1234, -838.4880198836327, 1e-6);
    analog_at(&r, "CH16", "d.u.", 100, -21.5, 1e-9);
    assert_eq!(r.analogs[0].kind, ChannelKind::ForcePlate);
    assert_eq!(r.force_plates.len(), 2);
    assert_eq!(r.force_plates[1].channels[0], "FX2");
    close(r.force_plates[0].corners[0][0], 0.5200451049804687, 1e-9, "corner");
    // No EVENT group: the three header events (RIC, RHS, RTO).
    let ev: Vec<_> = r.events.iter().map(|e| (e.side, e.kind.clone())).collect();
    assert_eq!(
        ev,
        [
            (Some(Side::Right), EventKind::FootStrike),
            (Some(Side::Right), EventKind::FootStrike),
            (Some(Side::Right), EventKind::FootOff)
        ]
    );
    close(r.events[0].time_s, 2.72, 1e-6, "RIC");
    close(r.events[2].time_s, 7.32, 1e-6, "RTO");
    // Older SUBJECT group.
    assert_eq!(r.subject.name.as_deref(), Some("elizabeth baumgartner"));
    close(r.subject.mass_kg.unwrap(), 82.7, 1e-5, "mass");
    close(r.subject.height_m.unwrap(), 1.63, 1e-6, "height");
}

#[test]
fn c3d_org_sample09_dec_plugin_gait() {
    let Some(r) = load("btkdata/C3DSamples__c3d.org__sample09__PlugInC3D.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (DEC, integer)");
    // 86 points: 54 markers and 32 Plug-in Gait outputs.
    assert_eq!(shape(&r), (60.0, 281, 1, 54));
    assert_eq!(r.reference.len(), 32 * 3);
    marker_at(&r, "RKNE", 0, [-1.0608223521709441, 0.1091170221939683, 0.5682976886630058]);
    marker_at(&r, "RTOE", 140, [1.419487781189382, 0.23940023381263018, 0.08021889142692089]);
    marker_at(&r, "LASI", 140, [1.0200363615900279, 0.4042838829383254, 0.9983869258314371]);
    gap_at(&r, "LASI", 0);
    gap_at(&r, "RKNE", 254);
    assert_eq!(r.points.as_ref().unwrap().marker("RKNE").unwrap().present_count(), 281 - 27);
    reference_at(&r, "LKneeAngles", "X", "deg", 140, 17.97676362);
    reference_at(&r, "LKneeAngles", "Y", "deg", 140, 6.86209794);
    assert!(r.reference.iter().any(|s| s.name == "LKneeAngles" && s.data[10].is_nan()));
    assert_eq!(r.analogs.len(), 36);
    assert!(r.analogs.iter().all(|a| a.rate_hz == 1200.0 && a.data.len() == 5620));
    analog_at(&r, "FZ1", "N", 1587, -758.4394990205765, 1e-6);
    analog_at(&r, "FZ1", "N", 100, -1.4769999980926514, 1e-9);
    analog_at(&r, "EMG1", "V", 1000, -15.0, 1e-9);
    analog_at(&r, "EMG16", "V", 100, -2.0, 1e-9);
    // `N-M` is a moment unit without scaling.
    assert_eq!(r.analogs[15].unit, "N.m");
    assert_eq!(r.force_plates.len(), 2);
    assert_eq!(r.force_plates[0].plate_type, 2);
    close(r.force_plates[1].corners[0][0], 1.054, 1e-9, "plate 2 corner 1 x");
    close(r.force_plates[0].corners[2][1], 0.508, 1e-9, "plate 1 corner 3 y");
    // Eight events. The data README lists four with shifted labels; the
    // EVENT group (and ezc3d) pair them as below.
    let ev: Vec<_> = r.events.iter().map(|e| (e.side, e.kind.clone(), e.time_s)).collect();
    let want = [
        (Side::Right, EventKind::FootStrike, 1.11666667),
        (Side::Left, EventKind::FootOff, 1.29999995),
        (Side::Left, EventKind::FootStrike, 1.79999995),
        (Side::Right, EventKind::FootOff, 1.91666663),
        (Side::Right, EventKind::FootStrike, 2.3166666),
        (Side::Left, EventKind::FootOff, 2.4666667),
        (Side::Left, EventKind::FootStrike, 3.01666665),
        (Side::Right, EventKind::FootOff, 3.0999999),
    ];
    assert_eq!(ev.len(), want.len());
    for ((s, k, t), (ws, wk, wt)) in ev.iter().zip(want) {
        assert_eq!((*s, k.clone()), (Some(ws), wk));
        close(*t, wt, 1e-6, "event time");
    }
    assert_eq!(r.subject.name.as_deref(), Some("42798"));
    assert_eq!(r.subject.marker_diameter_mm, Some(25.0));
}

#[test]
fn others_emg_only() {
    let Some(r) = load("btkdata/C3DSamples__others__1123x01EMG.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (Intel, float)");
    // No 3-D points at all: no PointData.
    assert!(r.points.is_none());
    assert!(r.reference.is_empty());
    assert_eq!(r.analogs.len(), 8);
    assert!(r.analogs.iter().all(|a| a.rate_hz == 1000.0 && a.data.len() == 4564));
    assert!(r.analogs.iter().all(|a| a.kind == ChannelKind::Emg && a.time0_s == 0.0));
    assert_eq!(r.analogs[0].name, "Right Rectus Femoris");
    assert_eq!(r.analogs[7].name, "Left Gastrocnemius Lateralis");
    // mV converted to V.
    analog_at(&r, "Right Rectus Femoris", "V", 869, 0.2001953125e-3, 1e-12);
    analog_at(&r, "Left Gastrocnemius Lateralis", "V", 2000, -0.0146484375e-3, 1e-12);
    assert!(r.force_plates.is_empty());
    assert!(r.events.is_empty());
}

#[test]
fn pycgm_movement_trial() {
    let Some(r) = load("pycgm-cadop/Test_Files__Movement_trial.c3d") else {
        return;
    };
    assert_eq!(r.dialect, "C3D (Intel, float)");
    assert_eq!(shape(&r), (120.0, 323, 695, 159));
    close(r.points.as_ref().unwrap().time0_s, 694.0 / 120.0, 1e-12, "time0");
    marker_at(&r, "LBHD", 0, [1.0793359375, 0.20061128234863282, 2.34663330078125]);
    marker_at(&r, "LASI", 161, [0.4141157836914062, 0.07094400787353515, 1.2374896240234374]);
    marker_at(&r, "RHEE", 161, [0.393926025390625, 0.3083045959472656, 0.3549871215820313]);
    gap_at(&r, "*127", 0);
    // Modelled markers (CentreOfMass) are positions and stay markers.
    assert!(r.points.as_ref().unwrap().marker("CentreOfMass").is_some());
    reference_at(&r, "LKneeAngles", "X", "deg", 10, 28.361194610595703);
    assert_eq!(r.analogs.len(), 69);
    analog_at(&r, "Force.Fx1", "N", 100, -6.6142072677612305, 1e-5);
    analog_at(&r, "Force.Fz1", "N", 100, -16.229923248291016, 1e-5);
    // Repeated labels get a suffix so that names stay unique.
    analog_at(&r, "Electric Potential.Fz (4)", "V", 100, -0.011278621852397919, 1e-9);
    assert!(r.notes.iter().any(|n| n.contains("repeats names")));
    assert_eq!(r.force_plates.len(), 4);
    assert!(r.force_plates.iter().all(|p| p.plate_type == 2 && p.channels.len() == 6));
    assert_eq!(r.force_plates[3].channels[0], "Force.Fx4");
    close(r.force_plates[0].corners[0][0], 0.299999755859375, 1e-9, "corner");
    close(r.force_plates[0].origin[2], 0.041, 1e-9, "origin");
    assert!(r.events.is_empty());
    let s = &r.subject;
    assert_eq!((s.mass_kg, s.height_m), (Some(85.0), Some(1.679)));
    assert_eq!((s.leg_length_mm.left, s.leg_length_mm.right), (Some(877.0), Some(866.0)));
    assert_eq!((s.knee_width_mm.left, s.knee_width_mm.right), (Some(144.0), Some(139.0)));
    assert_eq!((s.ankle_width_mm.left, s.ankle_width_mm.right), (Some(85.0), Some(89.0)));
}

#[test]
fn pycgm_static_trial() {
    let Some(r) = load("pycgm-cadop/Test_Files__Static_trial.c3d") else {
        return;
    };
    assert_eq!(shape(&r), (120.0, 498, 1, 153));
    marker_at(&r, "LFHD", 0, [-0.5800468139648437, 0.3203043212890625, 1.4359871826171875]);
    marker_at(&r, "LTOE", 249, [-0.55322216796875, 0.3760838928222656, -0.15777336120605467]);
    gap_at(&r, "*152", 0);
    assert_eq!(r.points.as_ref().unwrap().marker("*152").unwrap().present_count(), 498 - 493);
    reference_at(&r, "LKneeAngles", "Y", "deg", 10, -5.0783843994140625);
    assert_eq!(r.analogs.len(), 69);
    assert!(r.analogs.iter().all(|a| a.rate_hz == 1080.0 && a.data.len() == 4482));
    analog_at(&r, "Electric Potential.Fz (4)", "V", 100, -0.006090633571147919, 1e-9);
    assert_eq!(r.force_plates.len(), 4);
}

/// Truncating or corrupting a real file never panics: it reads what is there
/// (with a note) or returns an error.
#[test]
fn damaged_real_file_never_panics() {
    let Some(p) = common::data_file("btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d") else {
        return;
    };
    let bytes = std::fs::read(&p).unwrap();
    let len = bytes.len();
    for cut in (0..len).step_by(len / 97).chain([511, 512, 515, 1000, 17_920, 17_921]) {
        match c3d::read(&p, &bytes[..cut]) {
            Ok(r) => assert!(!r.notes.is_empty() || r.points.as_ref().unwrap().frames == 315),
            Err(e) => assert!(e.to_string().contains("byte"), "{e}"),
        }
    }
    // Truncated mid-data: the complete frames are read and a note says so.
    let r = c3d::read(&p, &bytes[..len / 2]).unwrap();
    let frames = r.points.as_ref().unwrap().frames;
    assert!(frames > 100 && frames < 315, "{frames}");
    assert!(r.notes.iter().any(|n| n.contains("of the 315 frames")), "{:?}", r.notes);
    // Corrupt bytes of the parameter section (a simple LCG, fixed seed).
    let mut seed = 12345u64;
    for _ in 0..300 {
        let mut b = bytes[..40 * 512].to_vec();
        for _ in 0..8 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let at = 512 + (seed >> 33) as usize % (33 * 512);
            b[at] = (seed >> 20) as u8;
        }
        let _ = c3d::read(&p, &b);
    }
}
