//! CAST joint angles (cluster marker sets through a static trial): recovery of
//! known angles from synthetic clusters, the authors' Visual3D curves of
//! RBDS0041, and OpenSim inverse kinematics (Hamner running).
mod common;

use gaitline::angles::cardan::{Axis, rot};
use gaitline::angles::cast::{self, CastAngles, CastHip, CastOptions};
use gaitline::angles::chain;
use gaitline::angles::cycles::{mean_sd, normalise};
use gaitline::angles::pig::{SIDES, VARIABLES};
use gaitline::group::TrialSpec;
use gaitline::model::{Format, Marker, PointData, Recording, Subject};
use gaitline::pipeline::{Analysis, analyze_trial, load_trial};
use gaitline::trial::{self, CleanOptions, Trial};
use nalgebra::{Matrix3, Vector3};
use std::path::PathBuf;

fn load(files: &[&str], static_file: &str) -> Option<Trial> {
    let files: Vec<PathBuf> = files.iter().map(|f| common::data_file(f)).collect::<Option<_>>()?;
    let spec =
        TrialSpec { id: "t".into(), files, static_file: common::data_file(static_file), subject: Subject::default() };
    Some(load_trial(&spec, None, &CleanOptions::default()).unwrap())
}

fn var(name: &str) -> usize {
    VARIABLES.iter().position(|v| *v == name).unwrap()
}

/// Mean 101-point cycle per side and variable over the pipeline's strides.
fn mean_cycles(values: &[Vec<Vec<f64>>; 2], an: &Analysis) -> [Vec<Option<[f64; 101]>>; 2] {
    std::array::from_fn(|s| {
        (0..VARIABLES.len())
            .map(|v| {
                let cyc: Vec<[f64; 101]> = an
                    .strides
                    .iter()
                    .filter(|st| st.side == Some(SIDES[s]))
                    .filter_map(|st| normalise(&values[s][v], st.start, st.end))
                    .collect();
                (!cyc.is_empty()).then(|| mean_sd(&cyc).0)
            })
            .collect()
    })
}

/// RMS difference, mean offset (ours − theirs) and RMS after removing the
/// offset, degrees.
fn stats(ours: &[f64; 101], theirs: &[f64]) -> (f64, f64, f64) {
    let d: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a - b).collect();
    let offset = d.iter().sum::<f64>() / 101.0;
    let rms = (d.iter().map(|x| x * x).sum::<f64>() / 101.0).sqrt();
    let sd = (d.iter().map(|x| (x - offset).powi(2)).sum::<f64>() / 101.0).sqrt();
    (rms, offset, sd)
}

/// (our variable, Visual3D column, RMS limit, offset range), per side.
type V3dPin = (&'static str, &'static str, [f64; 2], [(f64, f64); 2]);
/// (our variable, OpenSim coordinate, sign, min r, max |ROM difference|), per side.
type IkPin = (&'static str, &'static str, f64, [f64; 2], [f64; 2]);

fn rom(c: &[f64]) -> f64 {
    c.iter().cloned().fold(f64::MIN, f64::max) - c.iter().cloned().fold(f64::MAX, f64::min)
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (a.iter().sum::<f64>() / a.len() as f64, b.iter().sum::<f64>() / b.len() as f64);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

// ---------------------------------------------------------------------------
// Synthetic clusters with known joint angles.

/// Known angles (degrees) of frame `i`: pelvis tilt, obliquity, rotation (of
/// the right side), then per side hip (flexion, adduction, rotation), knee,
/// ankle (dorsiflexion, inversion, rotation).
fn truth(i: usize, moving: bool) -> ([f64; 3], [[f64; 9]; 2]) {
    if !moving {
        return ([8.0, 0.0, 0.0], [[0.0; 9]; 2]);
    }
    let w = i as f64 * 0.06;
    let pelvis = [10.0 + 3.0 * w.sin(), 4.0 * w.cos(), 6.0 * (w + 0.3).sin()];
    let side = |ph: f64| {
        let (s, c) = ((w + ph).sin(), (w + ph).cos());
        [15.0 + 30.0 * s, 5.0 * c, 8.0 * s, 35.0 + 30.0 * c, 4.0 * s, -6.0 * c, 5.0 + 15.0 * s, 6.0 * c, 7.0 * s]
    };
    (pelvis, [side(std::f64::consts::PI), side(0.0)])
}

/// Markers of one frame: RBDS names, metres, canonical lab (X forward, Y
/// left, Z up); the truth's frames built with the model's own conventions.
fn synthetic_frame(i: usize, moving: bool, opts: &CastOptions) -> Vec<(String, Vector3<f64>)> {
    let (p, sides) = truth(i, moving);
    let r = |deg: f64| deg.to_radians();
    let origin = Vector3::new(if moving { 0.012 * i as f64 } else { 0.0 }, 0.0, 0.95);
    let pel = rot(Axis::Y, r(p[0])) * rot(Axis::X, r(-p[1])) * rot(Axis::Z, r(p[2]));
    let mut out = Vec::new();
    let mut put = |name: String, v: Vector3<f64>| out.push((name, v));
    let at = |o: Vector3<f64>, m: &Matrix3<f64>, x: f64, y: f64, z: f64| o + m * Vector3::new(x, y, z);
    for (s, side) in ["L", "R"].iter().enumerate() {
        let sg = if s == 0 { -1.0 } else { 1.0 };
        put(format!("{side}.ASIS"), at(origin, &pel, 0.0, -sg * 0.125, 0.0));
        put(format!("{side}.PSIS"), at(origin, &pel, -0.15, -sg * 0.045, 0.0));
    }
    // Hip centres by the model's regression (PW 250 mm, PD 150 mm).
    let hip = cast::hip_local(opts.hip_centre, 250.0, 150.0, opts.leg_length_mm.unwrap(), 7.0);
    for (s, side) in ["L", "R"].iter().enumerate() {
        let sg = if s == 0 { -1.0 } else { 1.0 };
        let a = sides[s];
        let hjc = origin + pel * hip[s] / 1000.0;
        let th = pel * rot(Axis::Y, r(-a[0])) * rot(Axis::X, r(sg * a[1])) * rot(Axis::Z, r(sg * a[2]));
        let kjc = at(hjc, &th, 0.0, 0.0, -0.42);
        let sh = th * rot(Axis::Y, r(a[3])) * rot(Axis::X, r(sg * a[4])) * rot(Axis::Z, r(sg * a[5]));
        let ajc = at(kjc, &sh, 0.0, 0.0, -0.40);
        let ft = sh * rot(Axis::Y, r(-a[6])) * rot(Axis::X, r(sg * a[7])) * rot(Axis::Z, r(sg * a[8]));
        put(format!("{side}.Knee"), at(kjc, &th, 0.0, -sg * 0.05, 0.0));
        put(format!("{side}.Knee.Medial"), at(kjc, &th, 0.0, sg * 0.05, 0.0));
        put(format!("{side}.Ankle"), at(ajc, &sh, 0.0, -sg * 0.035, 0.0));
        put(format!("{side}.Ankle.Medial"), at(ajc, &sh, 0.0, sg * 0.035, 0.0));
        put(format!("{side}.Heel.Bottom"), at(ajc, &ft, -0.05, 0.0, -0.06));
        put(format!("{side}.MT1"), at(ajc, &ft, 0.15, sg * 0.035, -0.06));
        put(format!("{side}.MT5"), at(ajc, &ft, 0.15, -sg * 0.035, -0.06));
        put(format!("{side}.Heel.Top"), at(ajc, &ft, -0.07, 0.01, 0.0));
        put(format!("{side}.Heel.Lateral"), at(ajc, &ft, -0.04, -sg * 0.045, -0.03));
        for (k, (x, y, z)) in
            [(0.06, -0.07, 0.25), (0.07, -0.06, 0.12), (0.02, -0.09, 0.2), (0.03, -0.08, 0.1)].iter().enumerate()
        {
            put(format!("{side}.Thigh.{k}"), at(kjc, &th, *x, -sg * y, *z));
            put(format!("{side}.Shank.{k}"), at(ajc, &sh, *x, -sg * y, *z));
        }
    }
    out
}

fn synthetic_trial(id: &str, frames: usize, moving: bool, opts: &CastOptions) -> Trial {
    synthetic_trial_with(id, frames, moving, opts, |_, _| false)
}

/// As [`synthetic_trial`], with the samples where `drop(name, frame)` holds
/// missing.
fn synthetic_trial_with(
    id: &str,
    frames: usize,
    moving: bool,
    opts: &CastOptions,
    drop: impl Fn(&str, usize) -> bool,
) -> Trial {
    let names: Vec<String> = synthetic_frame(0, moving, opts).into_iter().map(|(n, _)| n).collect();
    let mut markers: Vec<Marker> = names.iter().map(|n| Marker::new(n.clone(), frames)).collect();
    for i in 0..frames {
        for (k, (n, p)) in synthetic_frame(i, moving, opts).into_iter().enumerate() {
            if !drop(&n, i) {
                markers[k].xyz[i] = [p.x, p.y, p.z];
            }
        }
    }
    let mut rec = Recording::new(format!("{id}.trc"), Format::Trc, "synthetic");
    rec.points = Some(PointData { rate_hz: 100.0, first_frame: 1, time0_s: 0.0, frames, markers });
    trial::build(id, vec![rec], &Subject::default(), &CleanOptions::default())
}

/// A cluster with fewer than three markers present is a gap in the angles
/// that need it, not zeros and not a failure: two of the four right thigh
/// markers missing for 0.3 s (beyond the 0.1-s gap filling) leave the right
/// hip and knee empty there; one missing marker costs nothing.
#[test]
fn cluster_gaps_are_gaps() {
    let opts = CastOptions { leg_length_mm: Some(900.0), ..Default::default() };
    let mut t = synthetic_trial_with("walk", 150, true, &opts, |n, i| {
        (n == "R.Thigh.0" || n == "R.Thigh.1") && (50..80).contains(&i) || n == "L.Shank.2" && (90..130).contains(&i)
    });
    t.static_trial = Some(Box::new(synthetic_trial("static", 20, false, &opts)));
    let a = cast::angles(&t, &opts).unwrap();
    for i in 0..150 {
        let gap = (50..80).contains(&i);
        for v in ["hip_flexion", "hip_adduction", "hip_rotation", "knee_flexion", "knee_adduction", "knee_rotation"] {
            assert_eq!(a.values[1][var(v)][i].is_nan(), gap, "right {v} frame {i}");
        }
        for v in VARIABLES.iter().filter(|v| !v.starts_with("hip") && !v.starts_with("knee")) {
            assert!(a.values[1][var(v)][i].is_finite(), "right {v} frame {i}");
        }
        assert!(a.values[0].iter().all(|v| v[i].is_finite()), "left frame {i}");
    }
}

/// Clusters generated from known pelvis, hip, knee and ankle angles (all
/// three axes, both sides) give those angles back at every frame, with every
/// sign as documented (Plug-in Gait's), for both hip regressions.
#[test]
fn synthetic_clusters_recover_the_angles() {
    for hip in [CastHip::Harrington, CastHip::Bell] {
        let opts = CastOptions { hip_centre: hip, leg_length_mm: Some(900.0), ..Default::default() };
        let mut t = synthetic_trial("walk", 150, true, &opts);
        t.static_trial = Some(Box::new(synthetic_trial("static", 20, false, &opts)));
        let a = cast::angles(&t, &opts).unwrap();
        let c = &a.calibration;
        assert!((c.inter_asis_mm - 250.0).abs() < 1e-9 && (c.pelvis_depth_mm - 150.0).abs() < 1e-9);
        assert_eq!(c.thigh[1].markers.len(), 4);
        assert_eq!(c.foot[0].as_ref().unwrap().markers, ["L.Heel.Bottom", "L.Heel.Top", "L.Heel.Lateral"]);
        assert!(a.fit_rms_mm.iter().all(|e| *e < 1e-9), "{:?}", a.fit_rms_mm);
        let mut worst = 0.0f64;
        for i in 0..t.frames {
            let (p, sides) = truth(i, true);
            for s in 0..2 {
                let sg = if s == 0 { -1.0 } else { 1.0 };
                let a_s = sides[s];
                // Foot progression: the foot's long (x) axis out of the lab's
                // progression-vertical plane.
                let r = |d: f64| d.to_radians();
                let pel = rot(Axis::Y, r(p[0])) * rot(Axis::X, r(-p[1])) * rot(Axis::Z, r(p[2]));
                let ft = pel
                    * rot(Axis::Y, r(-a_s[0]))
                    * rot(Axis::X, r(sg * a_s[1]))
                    * rot(Axis::Z, r(sg * a_s[2]))
                    * rot(Axis::Y, r(a_s[3]))
                    * rot(Axis::X, r(sg * a_s[4]))
                    * rot(Axis::Z, r(sg * a_s[5]))
                    * rot(Axis::Y, r(-a_s[6]))
                    * rot(Axis::X, r(sg * a_s[7]))
                    * rot(Axis::Z, r(sg * a_s[8]));
                let prog = sg * ft[(1, 0)].asin().to_degrees();
                let want = [
                    p[0],
                    sg * p[1],
                    sg * p[2],
                    a_s[0],
                    a_s[1],
                    a_s[2],
                    a_s[3],
                    a_s[4],
                    a_s[5],
                    a_s[6],
                    a_s[7],
                    a_s[8],
                    prog,
                ];
                for (v, w) in want.iter().enumerate() {
                    let got = a.values[s][v][i];
                    assert!(
                        (got - w).abs() < 1e-6,
                        "{hip:?} frame {i} {} {}: {got} vs {w}",
                        SIDES[s].name(),
                        VARIABLES[v]
                    );
                    worst = worst.max((got - w).abs());
                }
            }
        }
        eprintln!("{hip:?}: worst error {worst:.2e} deg");
    }
}

/// The joint-constrained model (`angles::chain`) on the synthetic clusters:
/// with ball knee and ankle joints every angle of both sides comes back
/// (1e-6 deg; the joints of the synthetic legs coincide, so this checks the
/// chain's static geometry and signs against CAST's). Then a soft-tissue
/// artefact: the right thigh cluster rotated about its centroid by
/// 8 sin(phase) deg about the lab's medio-lateral axis. CAST's right hip
/// flexion follows the artefact (7.96 deg worst, knee 7.88); the chain, held
/// by the hip centre on the pelvis and the knee centre on the (clean) shank,
/// keeps two thirds of it out (2.53, knee 2.85 deg).
#[test]
fn chain_recovers_synthetic_angles_and_resists_a_thigh_artefact() {
    let opts = CastOptions { leg_length_mm: Some(900.0), ..Default::default() };
    let mut t = synthetic_trial("walk", 150, true, &opts);
    t.static_trial = Some(Box::new(synthetic_trial("static", 20, false, &opts)));
    let cal = cast::calibrate(&t, &opts).unwrap();
    let ball = chain::ChainOptions { knee: chain::Joint::Ball, ankle: chain::Joint::Ball, ..Default::default() };
    let exact = cast::angles_with(&t, &cal).unwrap();
    let ch = chain::angles_with(&t, &cal, &ball).unwrap();
    assert!(ch.fit_rms_mm.iter().all(|e| *e < 1e-6), "{:?}", ch.fit_rms_mm);
    for (s, side) in SIDES.iter().enumerate() {
        for (v, name) in VARIABLES.iter().enumerate() {
            for i in 0..t.frames {
                let (a, b) = (ch.values[s][v][i], exact.values[s][v][i]);
                assert!((a - b).abs() < 1e-6, "{} {name} frame {i}: {a} vs {b}", side.name());
            }
        }
    }
    let bad = chain::ChainOptions { weights: vec![("R.Thigh.0".into(), -1.0)], ..Default::default() };
    assert_eq!(
        chain::angles_with(&t, &cal, &bad).unwrap_err(),
        "marker weight of R.Thigh.0 must be finite and >= 0, found -1"
    );
    // The hinge knee and ankle leave their other two angles unmeasured.
    let hinge = chain::angles_with(&t, &cal, &chain::ChainOptions::default()).unwrap();
    assert!(hinge.values[1][var("knee_adduction")].iter().all(|x| x.is_nan()));
    assert!(hinge.values[1][var("knee_flexion")].iter().all(|x| x.is_finite()));
    // Thigh artefact.
    let thigh: Vec<usize> = (0..t.markers.len()).filter(|&k| t.markers[k].name.starts_with("R.Thigh")).collect();
    assert_eq!(thigh.len(), 4);
    for i in 0..t.frames {
        let c: Vector3<f64> = thigh.iter().map(|&k| Vector3::from(t.markers[k].xyz[i])).sum::<Vector3<f64>>() / 4.0;
        let r = rot(Axis::Y, (8.0 * (i as f64 * 0.06).sin()).to_radians());
        for &k in &thigh {
            let p = c + r * (Vector3::from(t.markers[k].xyz[i]) - c);
            t.markers[k].xyz[i] = [p.x, p.y, p.z];
        }
    }
    let worst = |a: &CastAngles, v: &str| -> f64 {
        (0..t.frames).map(|i| (a.values[1][var(v)][i] - exact.values[1][var(v)][i]).abs()).fold(0.0, f64::max)
    };
    let cast_sta = cast::angles_with(&t, &cal).unwrap();
    let chain_sta = chain::angles_with(&t, &cal, &ball).unwrap();
    let (c, h) = (worst(&cast_sta, "hip_flexion"), worst(&chain_sta, "hip_flexion"));
    let (ck, hk) = (worst(&cast_sta, "knee_flexion"), worst(&chain_sta, "knee_flexion"));
    eprintln!(
        "thigh artefact 8 deg: worst right hip flexion error CAST {c:.2}, chain {h:.2}; knee CAST {ck:.2}, chain {hk:.2}"
    );
    assert!(c > 7.9 && h < 0.5 * c, "CAST {c} chain {h}");
    assert!(hk < 0.5 * ck, "knee: CAST {ck} chain {hk}");
    // The price: the pelvis, linked to the thigh, takes a little of the
    // artefact (CAST's pelvis none): measured 1.08 deg.
    let p = worst(&chain_sta, "pelvis_tilt");
    eprintln!("chain pelvis tilt error {p:.2} deg");
    assert!(p < 1.5 && worst(&cast_sta, "pelvis_tilt") < 1e-9);
}

/// A motion trial without a static trial, or a static trial without the
/// landmarks, gives a clear reason.
#[test]
fn missing_static_or_landmarks_are_named() {
    let opts = CastOptions { leg_length_mm: Some(900.0), ..Default::default() };
    let mut t = synthetic_trial("walk", 10, true, &opts);
    assert_eq!(cast::angles(&t, &opts).unwrap_err(), "CAST needs a static trial");
    let mut st = synthetic_trial("static", 5, false, &opts);
    st.markers.retain(|m| m.name != "R.Knee.Medial" && m.name != "L.Ankle");
    st = trial::build(
        "static",
        vec![{
            let mut r = Recording::new("static.trc", Format::Trc, "synthetic");
            r.points = Some(PointData { rate_hz: 100.0, first_frame: 1, time0_s: 0.0, frames: 5, markers: st.markers });
            r
        }],
        &Subject::default(),
        &CleanOptions::default(),
    );
    t.static_trial = Some(Box::new(st));
    assert_eq!(cast::angles(&t, &opts).unwrap_err(), "static trial: CAST landmarks missing: R_KNEE_MED, L_ANKLE_LAT");
}

// ---------------------------------------------------------------------------
// RBDS0041 against the authors' Visual3D mean cycles.

/// Column of an RBDS text file (processed or forces); an empty cell (the
/// processed file's GRF outside stance) is NaN.
fn column(text: &str, name: &str) -> Vec<f64> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').map(str::trim).collect();
    let c = head.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| match l.split('\t').nth(c).unwrap().trim() {
            "" => f64::NAN,
            v => v.parse().unwrap(),
        })
        .collect()
}

/// Largest value of a curve and its index.
fn peak(c: &[f64]) -> (f64, usize) {
    c.iter().enumerate().fold((f64::MIN, 0), |b, (i, &x)| if x > b.0 { (x, i) } else { b })
}

/// Smallest value of a curve over `range` and its index.
fn trough(c: &[f64], range: std::ops::Range<usize>) -> (f64, usize) {
    let start = range.start;
    c[range].iter().enumerate().fold((f64::MAX, 0), |b, (i, &x)| if x < b.0 { (x, i + start) } else { b })
}

/// RBDS0041 running at 2.5 m/s through the pipeline (the trial has no
/// Plug-in Gait markers, so the pipeline falls back to CAST): our mean cycles
/// (force-plate strides of the 30-s trial) against Visual3D's
/// (`RBDS0041processed.txt`; its columns are Z = flexion, X = ab/adduction,
/// Y = rotation, not X = flexion as the data README says; signs as ours).
/// Their Z-X-Y order about ISB axes (Z medio-lateral, X anterior, Y up) is
/// our Y-X-Z: of the six Cardan orders of our knee rotation, Y-X-Z fits all
/// three columns best (flexion RMS 9.2/12.5, the others 8.9-16.6/12.5-19.3
/// with ab/adduction 3.9-36/11.7-39). Pinned per side and variable: RMS
/// difference and mean offset, and for the sagittal angles the difference of
/// the cycle maxima (deg). Issue 5's knee target (3 deg RMS) is not reached:
/// `rbds0041_visual3d_reference_is_other_strides` shows why.
#[test]
fn rbds0041_against_visual3d() {
    let Some(t) = load(
        &["rbds-fukuchi-running/RBDS0041runT252.txt", "rbds-fukuchi-running/RBDS0041runT252forces.txt"],
        "rbds-fukuchi-running/RBDS0041static.txt",
    ) else {
        return;
    };
    let text =
        std::fs::read_to_string(common::data_file("rbds-fukuchi-running/RBDS0041processed.txt").unwrap()).unwrap();
    let an = analyze_trial(&t, &Default::default());
    let a = an.angles.as_ref().expect("CAST angles in the pipeline");
    assert_eq!(a.model, cast::MODEL);
    assert!(
        an.angle_notes.iter().any(|n| n.contains("CAST (Cappozzo 1995)") && n.contains("Plug-in Gait not applicable"))
    );
    let m = gaitline::output::metrics::from_analysis(&t, &an);
    let json = m.to_json();
    assert!(String::from_utf8_lossy(&json).contains("\"model\": \"CAST (Cappozzo 1995), ISB JCS\""));
    let cyc = an.angle_cycles.as_ref().unwrap();
    assert!(cyc.cycles[0][var("knee_flexion")].len() >= 35 && cyc.cycles[1][var("knee_flexion")].len() >= 35);
    let means = mean_cycles(&a.values, &an);
    // (variable, Visual3D column, RMS limit, offset range) per side (left;
    // right): limits 0.5 deg above the measured values in the comments.
    let pins: [V3dPin; 9] = [
        // RMS 3.57; 4.48, offset -1.49; -2.78
        ("hip_flexion", "hipAngZ25", [4.1, 5.0], [(-2.0, -1.0), (-3.3, -2.3)]),
        // RMS 9.15; 12.45, offset -8.56; -8.22 (swing peak 90 against 102/107;
        // right: RMS 9.4 without the offset)
        ("knee_flexion", "kneeAngZ25", [9.7, 13.0], [(-9.1, -8.1), (-8.7, -7.7)]),
        // RMS 8.26; 8.86, offset +5.56; +5.87 (late swing)
        ("ankle_dorsiflexion", "ankleAngZ25", [8.8, 9.4], [(5.1, 6.1), (5.4, 6.4)]),
        // RMS 3.92; 4.15, offset -1.03; +3.37
        ("hip_adduction", "hipAngX25", [4.5, 4.7], [(-1.5, -0.5), (2.9, 3.9)]),
        // RMS 4.48; 4.06, offset -1.53; -1.87
        ("hip_rotation", "hipAngY25", [5.0, 4.6], [(-2.0, -1.0), (-2.4, -1.4)]),
        // RMS 3.55; 11.72, offset -0.79; -11.29
        ("knee_adduction", "kneeAngX25", [4.1, 12.3], [(-1.3, -0.3), (-11.8, -10.8)]),
        // RMS 7.34; 7.34, offset -6.74; -4.86
        ("knee_rotation", "kneeAngY25", [7.9, 7.9], [(-7.3, -6.2), (-5.4, -4.4)]),
        // RMS 3.59; 7.55, offset +2.22; +7.10
        ("ankle_inversion", "ankleAngX25", [4.1, 8.1], [(1.7, 2.8), (6.6, 7.6)]),
        // RMS 3.11; 7.36, offset -0.57; +5.31
        ("ankle_rotation", "ankleAngY25", [3.7, 7.9], [(-1.1, 0.0), (4.8, 5.8)]),
    ];
    // Foot progression (no Visual3D curve): external in stance, -10.2 and
    // -11.2 deg over 5-30 %; ROM 12.4 and 4.6 deg (no spin in swing).
    for m in &means {
        let fp = m[var("foot_progression")].unwrap();
        let stance = fp[5..30].iter().sum::<f64>() / 25.0;
        assert!((-12.0..-8.5).contains(&stance) && rom(&fp) < 14.0, "{stance} {}", rom(&fp));
    }
    for (v, col, rms_max, off) in pins {
        for (s, side) in ["L", "R"].iter().enumerate() {
            let ours = means[s][var(v)].unwrap();
            let theirs = column(&text, &format!("{side}{col}"));
            let (rms, offset, sd) = stats(&ours, &theirs);
            eprintln!("{side} {v:20} RMS {rms:5.2} offset {offset:+6.2} RMS without offset {sd:5.2} deg");
            assert!(rms <= rms_max[s], "{side} {v}: RMS {rms:.2} > {}", rms_max[s]);
            assert!(offset >= off[s].0 && offset <= off[s].1, "{side} {v}: offset {offset:.2} not in {:?}", off[s]);
        }
    }
    // Sagittal table: cycle maximum and minimum (deg, at %), ours against
    // Visual3D's; pinned: the difference of the maxima, measured (left;
    // right) hip -2.1; -3.6, knee -12.3; -18.0 (swing peak 90.2/89.6
    // against 102.5/107.6), ankle -1.0; +2.9, each within 1 deg.
    let peak_pins: [(&str, &str, [f64; 2]); 3] = [
        ("hip_flexion", "hipAngZ25", [-2.1, -3.6]),
        ("knee_flexion", "kneeAngZ25", [-12.3, -18.0]),
        ("ankle_dorsiflexion", "ankleAngZ25", [-1.0, 2.9]),
    ];
    eprintln!(
        "side variable            RMS  offset | max ours (%)  Visual3D (%)   diff | min ours (%)  Visual3D (%)   diff"
    );
    for (v, col, want) in peak_pins {
        for (s, side) in ["L", "R"].iter().enumerate() {
            let ours = means[s][var(v)].unwrap();
            let theirs = column(&text, &format!("{side}{col}"));
            let (rms, offset, _) = stats(&ours, &theirs);
            let ((om, oi), (tm, ti)) = (peak(&ours), peak(&theirs));
            let ((on, oj), (tn, tj)) = (trough(&ours, 0..101), trough(&theirs, 0..101));
            eprintln!(
                "{side}    {v:18} {rms:5.2} {offset:+6.2} | {om:6.1} ({oi:3}) {tm:6.1} ({ti:3}) {:+6.1} | {on:6.1} ({oj:3}) {tn:6.1} ({tj:3}) {:+6.1}",
                om - tm,
                on - tn
            );
            assert!(
                (om - tm - want[s]).abs() <= 1.0,
                "{side} {v}: maximum difference {:.2}, pinned {}",
                om - tm,
                want[s]
            );
        }
    }
}

/// Why knee flexion cannot come within issue 5's 3 deg RMS of Visual3D's
/// curve on this file, with numbers: the reference mean cycle does not
/// describe these strides. Hypotheses measured before (deg, knee flexion RMS
/// left/right): the Cardan order (best is ours, 9.2/12.5); segment
/// definitions (hip centre Bell 11.2/14.1, thigh axis to the trochanter
/// 7.5/10.6, Cappozzo's 1995 tibia from fibula head, malleoli and tibial
/// tuberosity 6.9/12.1, shank frontal plane from the epicondyles, from the
/// knee centre and malleoli or fitted to all four 9.2/12.5; none moves the
/// swing peak by more than 3 deg: a frame definition adds a near-constant
/// offset, it cannot stretch the range of motion); markers low-passed at
/// 10 Hz (Visual3D's 4th-order Butterworth, zero lag) 9.1/12.4; strides from
/// the study's 20 N force threshold 9.2/12.7 (our strikes are within
/// 1.5 frames of them); the joint-constrained fit ([`chain`], hinge or
/// ball knee) 10.4/12.6 and 10.9/13.3, its swing peak 88-89 deg. Our own
/// chain is sound: cluster fits 0.5-0.8 mm, hip-centre-to-knee-centre
/// distance constant within 6.5 mm SD, left and right static geometry alike
/// (knee width 129.0/129.9 mm, ankle width 89.0/89.2 mm, static knee flexion
/// -0.0/-3.0, varus +1.3/-1.5). What does
/// not match is model-free:
/// - the vertical ground reaction force, N/kg (ours: the force file's Fy over
///   our strides, divided by the trial's mean Fy / g): the peaks agree
///   (22.6/23.0 against 23.7/24.6 N/kg, at 17 % against 16/15 %), but
///   Visual3D's curve falls below 1 N/kg 4-5 % of the cycle earlier
///   (34.1 % against 39.2/38.3 %): their strides have a shorter contact;
/// - the knee: in every one of our 38 + 38 strides the swing peak stays at
///   87-93 deg, below Visual3D's mean 102.5/107.6; and the knee's minimum
///   at push-off (toe-off) comes at 37 % in theirs, 39/41 % in ours.
///
/// The gap in force timing, with no model between force plate and curve, and
/// the same gap in the knee's push-off minimum say the processed file comes
/// from other strides (another 2.5 m/s trial? this file is `runT252`) or
/// another time base. Timing is not all of it: our mean cycles warped so
/// that toe-off (1 N/kg) falls at theirs bring hip flexion to 3.3/3.6 and
/// ankle to 6.3/8.0 deg RMS, but knee flexion only to 9.7/10.3 (offset
/// -7.2/-7.4): the rest is a near-constant offset and the swing peak, which
/// no definition tried on these markers moves by more than 3 deg.
#[test]
fn rbds0041_visual3d_reference_is_other_strides() {
    let Some(t) = load(
        &["rbds-fukuchi-running/RBDS0041runT252.txt", "rbds-fukuchi-running/RBDS0041runT252forces.txt"],
        "rbds-fukuchi-running/RBDS0041static.txt",
    ) else {
        return;
    };
    let text =
        std::fs::read_to_string(common::data_file("rbds-fukuchi-running/RBDS0041processed.txt").unwrap()).unwrap();
    let forces =
        std::fs::read_to_string(common::data_file("rbds-fukuchi-running/RBDS0041runT252forces.txt").unwrap()).unwrap();
    let an = analyze_trial(&t, &Default::default());
    let a = an.angles.as_ref().expect("CAST angles in the pipeline");
    // Vertical force (Y up in the RBDS lab), 300 Hz: sample 2i is frame i.
    let fy = column(&forces, "Fy");
    assert_eq!(fy.len(), 2 * t.frames);
    let mass = fy.iter().sum::<f64>() / fy.len() as f64 / 9.81;
    let grf: Vec<f64> = (0..t.frames).map(|i| fy[2 * i] / mass).collect();
    // Where a mean GRF curve first falls below 1 N/kg after its peak (%).
    let unload = |c: &[f64]| -> f64 {
        let (_, p) = peak(&c[..60]);
        let k = (p..c.len()).find(|&k| c[k].is_nan() || c[k] < 1.0).unwrap();
        let (a, b) = (c[k - 1], if c[k].is_finite() { c[k] } else { 0.0 });
        (k - 1) as f64 + (a - 1.0) / (a - b)
    };
    eprintln!("mass from the mean vertical force: {mass:.1} kg");
    for (s, side) in ["L", "R"].iter().enumerate() {
        let strides: Vec<_> = an.strides.iter().filter(|st| st.side == Some(SIDES[s])).collect();
        let ours = mean_sd(&strides.iter().filter_map(|st| normalise(&grf, st.start, st.end)).collect::<Vec<_>>()).0;
        let theirs = column(&text, &format!("{side}grfY25"));
        let (uo, ut) = (unload(&ours), unload(&theirs));
        // The plate carries both feet: the other foot's contact fills 50-90 %.
        let ((po, pi), (pt, pj)) = (peak(&ours[..60]), peak(&theirs[..60]));
        eprintln!(
            "{side} GRF: peak {po:.1} N/kg at {pi} % vs {pt:.1} at {pj} %; below 1 N/kg at {uo:.1} % vs {ut:.1} %"
        );
        // Knee: per-stride swing peaks and the push-off minimum.
        let knee: Vec<[f64; 101]> =
            strides.iter().filter_map(|st| normalise(&a.values[s][var("knee_flexion")], st.start, st.end)).collect();
        let peaks: Vec<f64> = knee.iter().map(|c| peak(c).0).collect();
        let (lo, hi) = peaks.iter().fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
        let v3d = column(&text, &format!("{side}kneeAngZ25"));
        let (tp, _) = peak(&v3d);
        let (_, omin) = trough(&mean_sd(&knee).0, 20..60);
        let (_, tmin) = trough(&v3d, 20..60);
        eprintln!(
            "{side} knee: swing peak of our {} strides {lo:.1}-{hi:.1} deg, Visual3D mean {tp:.1}; push-off minimum at {omin} % vs {tmin} %",
            knee.len()
        );
        // Measured (left; right): GRF peak 22.6; 23.0 against 23.7; 24.6 N/kg
        // at 17; 17 % against 16; 15 % (pinned within 8 % and 3 % of the
        // cycle), below 1 N/kg at 39.2; 38.3 % against 34.1; 34.1 % (gap
        // >= 3.5 %), swing peaks at
        // most 93.0; 93.0 against 102.5; 107.6 (gap >= 8.5 deg), knee
        // minimum at 39; 41 % against 37; 37 % (>= 2 % later).
        assert!(knee.len() >= 35);
        assert!(
            (po / pt - 1.0).abs() < 0.08 && pi.abs_diff(pj) <= 3,
            "{side}: GRF peak {po:.1} at {pi} vs {pt:.1} at {pj}"
        );
        assert!(uo - ut >= 3.5, "{side}: unloading {uo:.1} vs {ut:.1} %");
        assert!(tp - hi >= 8.5, "{side}: our highest swing peak {hi:.1}, Visual3D mean {tp:.1}");
        assert!(omin >= tmin + 2, "{side}: push-off minimum {omin} vs {tmin} %");
    }
}

/// The right knee's ab/adduction offset to Visual3D (-11.3 deg, left -0.8)
/// is not a defect of the right static calibration: the two sides'
/// calibrations are alike (knee width 129.0/129.9 mm, ankle width
/// 89.0/89.2 mm; CAST angles in the static trial: knee flexion -0.0/-3.0,
/// varus +1.3/-1.5 deg), and every cluster fits the motion trial within
/// 1 mm, so no marker is swapped between the static and the motion trial.
/// The offsets to Visual3D along the right leg chain (hip adduction +3.4,
/// knee varus -11.3, ankle inversion +7.1 deg; left -1.0, -0.8, +2.2) fit
/// Visual3D's right thigh and shank lying about 3 and 7-8 deg otherwise in
/// the frontal plane than ours, which these markers do not show (see
/// `rbds0041_visual3d_reference_is_other_strides`).
#[test]
fn rbds0041_static_calibration_left_right_alike() {
    let Some(t) = load(
        &["rbds-fukuchi-running/RBDS0041runT252.txt", "rbds-fukuchi-running/RBDS0041runT252forces.txt"],
        "rbds-fukuchi-running/RBDS0041static.txt",
    ) else {
        return;
    };
    let st = t.static_trial.as_deref().unwrap();
    let width = |a: &str, b: &str| -> f64 {
        let mean = |n: &str| -> Vector3<f64> {
            let m = st.markers.iter().find(|m| m.name == n).unwrap();
            let ok: Vec<&[f64; 3]> = m.xyz.iter().filter(|p| p.iter().all(|v| v.is_finite())).collect();
            ok.iter().map(|p| Vector3::new(p[0], p[1], p[2])).sum::<Vector3<f64>>() * (1000.0 / ok.len() as f64)
        };
        (mean(a) - mean(b)).norm()
    };
    let cal = cast::calibrate(&t, &CastOptions::default()).unwrap();
    // The calibrated model run on the static trial itself: its posture.
    let posture = cast::angles_with(st, &cal).unwrap();
    let motion = cast::angles_with(&t, &cal).unwrap();
    let mean = |s: usize, v: &str| posture.values[s][var(v)].iter().sum::<f64>() / st.frames as f64;
    let mut flex = [0.0; 2];
    let mut varus = [0.0; 2];
    for (s, side) in ["L", "R"].iter().enumerate() {
        let knee = width(&format!("{side}.Knee"), &format!("{side}.Knee.Medial"));
        let ankle = width(&format!("{side}.Ankle"), &format!("{side}.Ankle.Medial"));
        (flex[s], varus[s]) = (mean(s, "knee_flexion"), mean(s, "knee_adduction"));
        eprintln!(
            "{side}: knee width {knee:.1} mm, ankle width {ankle:.1} mm; static knee flexion {:+.2}, varus {:+.2} deg",
            flex[s], varus[s]
        );
        // Measured: knee 129.0/129.9, ankle 89.0/89.2 mm.
        assert!((128.0..131.0).contains(&knee) && (88.0..90.5).contains(&ankle), "{side}: {knee} {ankle}");
    }
    // Measured: flexion -0.04/-2.95, varus +1.32/-1.48 deg.
    assert!((flex[0] - flex[1]).abs() < 4.0 && (varus[0] - varus[1]).abs() < 4.0, "{flex:?} {varus:?}");
    // Thigh and shank clusters of both sides (fit_rms_mm 1, 2, 4, 5), measured
    // 0.22-0.72 mm.
    for k in [1, 2, 4, 5] {
        assert!(motion.fit_rms_mm[k] < 1.0, "cluster {k}: {:?}", motion.fit_rms_mm);
    }
}

/// Harrington's hip centre follows Visual3D's hip flexion better than Bell's
/// (Visual3D's CODA pelvis constants): mean offsets -1.5/-2.8 against
/// -3.7/-5.1 deg. Pinned so a change of the default regression is seen.
#[test]
fn rbds0041_hip_centre_choice() {
    let Some(t) = load(
        &["rbds-fukuchi-running/RBDS0041runT252.txt", "rbds-fukuchi-running/RBDS0041runT252forces.txt"],
        "rbds-fukuchi-running/RBDS0041static.txt",
    ) else {
        return;
    };
    let text =
        std::fs::read_to_string(common::data_file("rbds-fukuchi-running/RBDS0041processed.txt").unwrap()).unwrap();
    let an = analyze_trial(&t, &Default::default());
    let offset = |hip: CastHip, s: usize| {
        let a: CastAngles = cast::angles(&t, &CastOptions { hip_centre: hip, ..Default::default() }).unwrap();
        let ours = mean_cycles(&a.values, &an)[s][var("hip_flexion")].unwrap();
        stats(&ours, &column(&text, &format!("{}hipAngZ25", ["L", "R"][s]))).1
    };
    for (s, side) in SIDES.iter().enumerate() {
        let (h, b) = (offset(CastHip::Harrington, s), offset(CastHip::Bell, s));
        eprintln!("{} hip flexion offset: Harrington {h:+.2}, Bell {b:+.2} deg", side.name());
        assert!(h.abs() + 1.0 < b.abs(), "Harrington {h} vs Bell {b}");
    }
}

// ---------------------------------------------------------------------------
// OpenSim inverse kinematics (different model definitions: compare shape and
// range of motion).

/// Marker weights of an OpenSim IK setup (`IKMarkerTask` name, weight; a
/// task with `apply` false weighs 0).
fn ik_weights(xml: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for task in xml.split("<IKMarkerTask name=\"").skip(1) {
        let name = task.split('"').next().unwrap().to_string();
        let field =
            |tag: &str| task.split(&format!("<{tag}>")).nth(1).and_then(|r| r.split('<').next()).unwrap().trim();
        let w: f64 = field("weight").parse().unwrap();
        out.push((name, if field("apply") == "true" { w } else { 0.0 }));
    }
    out
}

/// Range of motion of the mean cycle and mean of the per-cycle ranges, with
/// the mean cycle.
fn roms(cycles: &[[f64; 101]]) -> (f64, f64, [f64; 101]) {
    let mean = mean_sd(cycles).0;
    (rom(&mean), cycles.iter().map(|c| rom(c)).sum::<f64>() / cycles.len() as f64, mean)
}

/// Hamner subject02 running against OpenSim's IK result
/// (`Hamner__Setup_IK.xml`: the whole trial, 0-9.983 s; the IK file's frame
/// j is our frame j, checked by the knee angle's best lag of 0 frames), both
/// cut at the same strides (ours, force plate: 14 left, 13 right inside the
/// IK file). Ranges of motion, deg (ours / OpenSim, mean cycle; the test
/// compares the ranges of the mean cycles, the mean of the per-cycle ranges
/// gives differences within 0.8 deg of these):
///
/// | variable | CAST L | CAST R | joint-constrained L | R | OpenSim L | R |
/// |---|---|---|---|---|---|---|
/// | pelvis tilt | 4.9 | 4.9 | 6.1 | 6.2 | 7.8 | 7.7 |
/// | thigh to vertical (hip − tilt) | 62.9 | 66.5 | 68.3 | 69.5 | 70.2 | 72.3 |
/// | hip flexion | 62.2 | 66.3 | 68.0 | 69.9 | 71.0 | 72.4 |
/// | knee flexion | 83.1 | 86.5 | 87.0 | 91.3 | 87.2 | 92.8 |
/// | ankle dorsiflexion | 53.5 | 48.3 | 58.2 | 50.9 | 52.9 | 47.0 |
///
/// CAST's hip gap (8.8/6.1 deg) is mostly in the thigh (its long axis swings
/// 7.5/5.7 deg less than OpenSim's femur, exact sagittal projections; 7.3/5.8
/// as hip − tilt here), 1.3/0.4 deg in the pelvis. A hip
/// centre moved to Bell's, the thigh's long axis drawn from the pelvis's hip
/// centre to the shank's knee centre, or the thigh cluster alone cannot close
/// it (4.4-7.0 deg left); the joint constraints do: the chain model
/// ([`gaitline::angles::chain`], OpenSim's marker weights from the setup
/// file) is within 5 deg on hip and knee. Without the foot markers the chain
/// is not (hip 6.1/5.7 deg short): the foot pulls the leg as in OpenSim. Its
/// hinge ankle (about the malleolar axis; OpenSim's is oblique) overshoots
/// OpenSim's ankle range by 5.3/3.9 deg, where CAST is within 0.6/1.3.
/// OpenSim's knee angle and pelvis tilt are negative in flexion and anterior
/// tilt.
#[test]
fn hamner_running_against_opensim_ik() {
    let Some(t) = load(
        &["opensim-models/Hamner__subject02_running.trc", "opensim-models/Hamner__subject02_running_grf.mot"],
        "opensim-models/Hamner__subject02_static.trc",
    ) else {
        return;
    };
    let ik = gaitline::io::read_file(
        &common::data_file("opensim-models/Hamner__outputReference__ResultsIK__subject02_running_ik.mot").unwrap(),
        None,
    )
    .unwrap()
    .reference;
    let setup = std::fs::read_to_string(common::data_file("opensim-models/Hamner__Setup_IK.xml").unwrap()).unwrap();
    let weights = ik_weights(&setup);
    assert_eq!(weights.len(), 38);
    assert!(weights.contains(&("R.ASIS".to_string(), 50.0)) && weights.contains(&("L.Bicep".to_string(), 0.0)));
    let an = analyze_trial(&t, &Default::default());
    let a = an.angles.as_ref().expect("CAST angles in the pipeline");
    assert_eq!(a.model, cast::MODEL);
    let cal = cast::calibrate(&t, &CastOptions::default()).unwrap();
    let opts = chain::ChainOptions { weights, ..Default::default() };
    let t0 = std::time::Instant::now();
    let ch = chain::angles_with(&t, &cal, &opts).unwrap();
    let us = t0.elapsed().as_secs_f64() * 1e6 / t.frames as f64;
    eprintln!(
        "joint-constrained fit: {us:.0} µs a frame, residual per segment, mm: {:?}",
        ch.fit_rms_mm.map(|e| (e * 10.0).round() / 10.0)
    );
    // Foot progression ROM 6.8 and 11.7 deg: no spin when the foot points
    // down in swing.
    for m in &mean_cycles(&a.values, &an) {
        assert!(rom(&m[var("foot_progression")].unwrap()) < 13.0);
    }
    let ik_series = |name: &str| -> Vec<f64> { ik.iter().find(|r| r.name == name).unwrap().data.clone() };
    let r0 = &ik[0];
    assert!(r0.time0_s.abs() < 1e-9 && (r0.rate_hz - t.rate_hz).abs() < 1e-6 && t.time0_s.abs() < 1e-9);
    // The IK file has 599 frames: strides that end after it are left out of
    // both, so both means are over the same strides.
    let both = |ours: &[f64], theirs: &[f64], s: usize| -> (Vec<[f64; 101]>, Vec<[f64; 101]>) {
        let mut o = Vec::new();
        let mut th = Vec::new();
        for st in an.strides.iter().filter(|st| st.side == Some(SIDES[s])) {
            if let (Some(x), Some(y)) = (normalise(ours, st.start, st.end), normalise(theirs, st.start, st.end)) {
                o.push(x);
                th.push(y);
            }
        }
        (o, th)
    };
    // The pipeline's `--angle-model chain` (manifest `angle_model`): the same
    // model with equal marker weights, as a lab without an IK setup runs it.
    let mut t_eq = t.clone();
    t_eq.subject.angle_model = Some(gaitline::model::AngleModel::Chain);
    let (eq, _) = gaitline::angles::compute(&t_eq);
    let eq = eq.expect("chain angles through angles::compute");
    assert_eq!(eq.model, chain::MODEL);
    // (variable, OpenSim coordinate(s) summed with their signs, max |ROM
    // difference| per side for CAST, for the joint-constrained model with
    // Hamner's IK weights and with equal weights, min r). Hip and knee meet
    // the issue's 5 deg with the chain either way (equal weights: hip -3.0/-3.5,
    // knee +0.1/-2.1); the chain's ankle overshoots (+6.9/+4.4 equal weights;
    // a ball ankle gives +7.1/+3.7), CAST's ankle is within 1.3: no one model
    // meets all three.
    type Pin = (&'static str, &'static [(&'static str, f64)], [f64; 2], [f64; 2], [f64; 2], f64);
    let pins: [Pin; 5] = [
        ("pelvis_tilt", &[("pelvis_tilt", -1.0)], [3.3, 3.2], [2.0, 1.9], [1.5, 1.3], 0.95),
        ("thigh", &[("pelvis_tilt", 1.0), ("hip_flexion", 1.0)], [8.0, 6.2], [2.4, 3.2], [2.7, 4.2], 0.99),
        ("hip_flexion", &[("hip_flexion", 1.0)], [9.3, 6.6], [5.0, 5.0], [5.0, 5.0], 0.99),
        ("knee_flexion", &[("knee_angle", -1.0)], [4.6, 6.8], [5.0, 5.0], [5.0, 5.0], 0.99),
        ("ankle_dorsiflexion", &[("ankle_angle", 1.0)], [1.1, 1.8], [5.8, 4.4], [7.2, 4.7], 0.99),
    ];
    for (v, coords, cast_tol, chain_tol, eq_tol, min_r) in pins {
        for (s, sd) in ["l", "r"].iter().enumerate() {
            let n = t.frames.min(ik[0].data.len());
            let theirs: Vec<f64> = (0..n)
                .map(|i| {
                    coords
                        .iter()
                        .map(|(c, sign)| {
                            let name = if *c == "pelvis_tilt" { c.to_string() } else { format!("{c}_{sd}") };
                            sign * ik_series(&name)[i]
                        })
                        .sum()
                })
                .collect();
            let series = |vals: &[Vec<Vec<f64>>; 2]| -> Vec<f64> {
                (0..n)
                    .map(|i| match v {
                        "thigh" => vals[s][var("hip_flexion")][i] - vals[s][var("pelvis_tilt")][i],
                        _ => vals[s][var(v)][i],
                    })
                    .collect()
            };
            for (model, vals, tol) in
                [("CAST", &a.values, cast_tol[s]), ("chain", &ch.values, chain_tol[s]), ("ch=w", &eq.values, eq_tol[s])]
            {
                let (co, ct) = both(&series(vals), &theirs, s);
                assert!(co.len() >= 12, "{sd} {v}: {} cycles", co.len());
                let ((ro, ro_each, mo), (rt, rt_each, mt)) = (roms(&co), roms(&ct));
                let corr = correlation(&mo, &mt);
                eprintln!(
                    "{sd} {v:18} {model:5} {} cycles: ROM of the mean ours {ro:5.1} OpenSim {rt:5.1} ({:+5.1}); \
                     mean ROM ours {ro_each:5.1} OpenSim {rt_each:5.1} ({:+5.1}); r {corr:.3}",
                    co.len(),
                    ro - rt,
                    ro_each - rt_each
                );
                assert!(corr >= min_r, "{sd} {v} {model}: r {corr:.3}");
                assert!((ro - rt).abs() <= tol, "{sd} {v} {model}: ROM {ro:.1} vs {rt:.1}");
            }
        }
    }
}

/// The other OpenSim sets with static trials run through CAST with plausible
/// sagittal ranges (no IK reference inside their strides: Gait2392's walk has
/// one stride per side, Rajagopal's files no IK result).
#[test]
fn opensim_sets_through_cast() {
    let sets: [(&[&str], &str, usize); 3] = [
        (
            &[
                "opensim-models/Gait2392_Simbody__subject01_walk1.trc",
                "opensim-models/Gait2392_Simbody__subject01_walk1_grf.mot",
            ],
            "opensim-models/Gait2392_Simbody__subject01_static.trc",
            1,
        ),
        (
            &[
                "opensim-models/Rajagopal__ExpData__motion_capture_run.trc",
                "opensim-models/Rajagopal__ExpData__grf_run.mot",
            ],
            "opensim-models/Rajagopal__ExpData__static_run.trc",
            6,
        ),
        (
            &[
                "opensim-models/Rajagopal__ExpData__motion_capture_walk.trc",
                "opensim-models/Rajagopal__ExpData__grf_walk.mot",
            ],
            "opensim-models/Rajagopal__ExpData__static_walk_1.trc",
            1,
        ),
    ];
    for (files, stat, strides) in sets {
        let Some(t) = load(files, stat) else { return };
        let an = analyze_trial(&t, &Default::default());
        let a = an.angles.as_ref().unwrap_or_else(|| panic!("{}: {:?}", files[0], an.angle_notes));
        assert_eq!(a.model, cast::MODEL);
        let means = mean_cycles(&a.values, &an);
        for s in 0..2 {
            assert!(an.strides.iter().filter(|st| st.side == Some(SIDES[s])).count() >= strides);
            let [h, k, an_] =
                ["hip_flexion", "knee_flexion", "ankle_dorsiflexion"].map(|v| rom(&means[s][var(v)].unwrap()));
            eprintln!("{} {}: ROM hip {h:.1} knee {k:.1} ankle {an_:.1}", files[0], SIDES[s].name());
            assert!((35.0..75.0).contains(&h) && (60.0..110.0).contains(&k) && (20.0..60.0).contains(&an_));
        }
    }
}

// ---------------------------------------------------------------------------
// `--vsk`: subject measurements from a Vicon `.vsk`.

/// `gaitline analyze --vsk Test.vsk` puts the .vsk's measurements into every
/// trial's subject (they win over the files'); a file without any is a usage
/// error (exit 2) naming the file.
#[test]
fn vsk_option_sets_the_subject() {
    let bin = env!("CARGO_BIN_EXE_gaitline");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dir = std::env::temp_dir().join(format!("gaitline-vsk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.vsk");
    std::fs::write(&bad, "<KinematicModel><Parameter NAME=\"HipWidth\" VALUE=\"1\"/></KinematicModel>").unwrap();
    let out = std::process::Command::new(bin)
        .args(["analyze", data.join("walker.csv").to_str().unwrap(), "--vsk", bad.to_str().unwrap(), "-q"])
        .args(["--out", dir.join("out").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: no subject measurements (Bodymass, Height, LeftLegLength, ...) in the .vsk",
            bad.display()
        )),
        "{err}"
    );
    let Some(vsk) = common::data_file("pycgm-cadop/Test_Files__Test.vsk") else {
        std::fs::remove_dir_all(&dir).unwrap();
        return;
    };
    let out = std::process::Command::new(bin)
        .args(["analyze", data.join("walker.csv").to_str().unwrap(), "--no-plots", "-q"])
        .args(["--static", data.join("walker_static.c3d").to_str().unwrap()])
        .args(["--vsk", vsk.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/walker/metrics.json")).unwrap()).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let s = &m["subject"];
    assert_eq!(s["mass_kg"], 85.0);
    assert_eq!(s["height_m"], 1.679);
    assert_eq!(s["leg_length_mm"]["left"], 877.0);
    assert_eq!(s["leg_length_mm"]["right"], 866.0);
    assert_eq!(s["knee_width_mm"]["left"], 144.0);
    assert_eq!(s["ankle_width_mm"]["right"], 89.0);
    assert_eq!(s["inter_asis_mm"], 306.0);
    assert_eq!(m["angles"]["model"], "plug-in-gait");
}

/// Time this thread has spent on a CPU, ns (Linux: `/proc/thread-self/schedstat`),
/// so that other processes on a loaded machine do not count; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Speed (issue 5): CAST angles of a 10,000-frame trial (seven cluster fits
/// a frame, both sides), best of 5 runs, timed on this thread's CPU time
/// where the system reports it (else wall clock). Measured in release on the
/// shared 2-core machine (load 5): 7.8 ms on the CPU for both sides, 3.9 ms
/// per side; the polar-factor fits before took 23.6 ms (11.8 per side) and
/// fail this bound of 10 ms per side, which leaves room for a slower machine.
#[test]
fn cast_speed_10k_frames() {
    let opts = CastOptions { leg_length_mm: Some(900.0), ..Default::default() };
    let mut t = synthetic_trial("walk", 10_000, true, &opts);
    t.static_trial = Some(Box::new(synthetic_trial("static", 20, false, &opts)));
    let cal = cast::calibrate(&t, &opts).unwrap();
    let (mut best_cpu, mut best_wall) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let (c0, t0) = (thread_cpu_ns(), std::time::Instant::now());
        let a = cast::angles_with(&t, &cal).unwrap();
        let wall = t0.elapsed().as_secs_f64() * 1e3;
        let cpu = match (c0, thread_cpu_ns()) {
            (Some(a), Some(b)) => (b - a) as f64 * 1e-6,
            _ => wall,
        };
        assert_eq!(a.values[1][var("knee_flexion")].len(), 10_000);
        assert!(a.values.iter().flatten().all(|v| v.iter().all(|x| x.is_finite())));
        (best_cpu, best_wall) = (best_cpu.min(cpu), best_wall.min(wall));
    }
    eprintln!(
        "CAST, 10,000 frames, both sides: {best_cpu:.1} ms on the CPU, {best_wall:.1} ms wall clock (best of 5); {:.1} ms per side",
        best_cpu / 2.0
    );
    if !cfg!(debug_assertions) {
        assert!(best_cpu / 2.0 < 10.0, "{best_cpu} ms for both sides");
    }
}

/// Gait2392 subject01 walking through CAST against the Gait2354 IK result
/// frame by frame over its 0.4-1.6 s (one stride per side does not fit
/// inside): correlation and range of motion of the sagittal angles.
#[test]
fn gait2392_walk_against_opensim_ik_per_frame() {
    let Some(t) = load(
        &[
            "opensim-models/Gait2392_Simbody__subject01_walk1.trc",
            "opensim-models/Gait2392_Simbody__subject01_walk1_grf.mot",
        ],
        "opensim-models/Gait2392_Simbody__subject01_static.trc",
    ) else {
        return;
    };
    let ik = gaitline::io::read_file(
        &common::data_file("opensim-models/Gait2354_Simbody__OutputReference__subject01_walk1_ik.mot").unwrap(),
        None,
    )
    .unwrap()
    .reference;
    let a = cast::angles(&t, &CastOptions::default()).unwrap();
    let setup =
        std::fs::read_to_string(common::data_file("opensim-models/Gait2392_Simbody__subject01_Setup_IK.xml").unwrap())
            .unwrap();
    let cal = cast::calibrate(&t, &CastOptions::default()).unwrap();
    let opts = chain::ChainOptions { weights: ik_weights(&setup), ..Default::default() };
    let ch = chain::angles_with(&t, &cal, &opts).unwrap();
    // (ours, OpenSim, sign, min r, max |ROM difference|, per side), CAST then
    // the joint-constrained model (OpenSim's marker weights from the setup).
    // CAST measured r 0.992/0.993, 0.996/0.995, 0.827/0.949; ROM differences
    // 1.8/4.0, 2.9/3.3, 0.7/4.7 deg. Chain: r 0.995/0.997, 0.999/0.999,
    // 0.955/0.971; ROM differences 2.3/2.6, 5.0/1.8, 4.1/2.5 deg (ours
    // smaller for hip and knee, larger for the ankle): closer in shape
    // everywhere, not in range on every side.
    let pins: [[IkPin; 3]; 2] = [
        [
            ("hip_flexion", "hip_flexion", 1.0, [0.985, 0.985], [2.3, 4.5]),
            ("knee_flexion", "knee_angle", -1.0, [0.99, 0.99], [3.4, 3.8]),
            ("ankle_dorsiflexion", "ankle_angle", 1.0, [0.8, 0.93], [1.2, 5.2]),
        ],
        [
            ("hip_flexion", "hip_flexion", 1.0, [0.99, 0.99], [2.8, 3.1]),
            ("knee_flexion", "knee_angle", -1.0, [0.995, 0.995], [5.5, 2.3]),
            ("ankle_dorsiflexion", "ankle_angle", 1.0, [0.95, 0.965], [4.6, 3.0]),
        ],
    ];
    for (model, values, pins) in [("CAST", &a.values, pins[0]), ("chain", &ch.values, pins[1])] {
        for (v, ikname, sign, min_r, rom_tol) in pins {
            for (s, sd) in ["l", "r"].iter().enumerate() {
                let r = ik.iter().find(|r| r.name == format!("{ikname}_{sd}")).unwrap();
                let (mut ours, mut theirs) = (Vec::new(), Vec::new());
                for (j, x) in r.data.iter().enumerate() {
                    let i = ((r.time0_s + j as f64 / r.rate_hz - t.time0_s) * t.rate_hz).round();
                    let o = values[s][var(v)].get(i as usize).copied().unwrap_or(f64::NAN);
                    if i >= 0.0 && o.is_finite() && x.is_finite() {
                        ours.push(o);
                        theirs.push(sign * x);
                    }
                }
                let (ro, rt, corr) = (rom(&ours), rom(&theirs), correlation(&ours, &theirs));
                eprintln!(
                    "{sd} {v:20} {model:5} {} frames: ROM ours {ro:5.1} OpenSim {rt:5.1} ({:+.1}), r {corr:.3}",
                    ours.len(),
                    ro - rt
                );
                assert!(ours.len() >= 70, "{sd} {v}: {} frames", ours.len());
                assert!(corr >= min_r[s], "{sd} {v} {model}: r {corr:.3}");
                assert!((ro - rt).abs() <= rom_tol[s], "{sd} {v} {model}: ROM {ro:.1} vs {rt:.1}");
            }
        }
    }
}

/// With the flat-foot option (`--flat-foot`, manifest `flat_foot`: the foot's
/// long axis levelled in the static trial) the ankle dorsiflexion offset to
/// Visual3D drops from +5.6/+5.9 to +1.9/+1.9 deg (RMS 6.4/6.9): Visual3D's
/// foot is close to level in standing, our heel (sole) → metatarsal (shoe
/// top) line is tilted up by about 4 deg. The shape difference (RMS without
/// offset 6.1/6.6, late swing) stays.
#[test]
fn rbds0041_flat_foot_option() {
    let Some(t) = load(
        &["rbds-fukuchi-running/RBDS0041runT252.txt", "rbds-fukuchi-running/RBDS0041runT252forces.txt"],
        "rbds-fukuchi-running/RBDS0041static.txt",
    ) else {
        return;
    };
    let text =
        std::fs::read_to_string(common::data_file("rbds-fukuchi-running/RBDS0041processed.txt").unwrap()).unwrap();
    let an = analyze_trial(&t, &Default::default());
    let a = cast::angles(&t, &CastOptions { flat_foot: true, ..Default::default() }).unwrap();
    let m = mean_cycles(&a.values, &an);
    for (s, side) in ["L", "R"].iter().enumerate() {
        let (rms, offset, _) =
            stats(&m[s][var("ankle_dorsiflexion")].unwrap(), &column(&text, &format!("{side}ankleAngZ25")));
        eprintln!("{side} flat foot: ankle dorsiflexion RMS {rms:.2} offset {offset:+.2} deg");
        assert!((1.4..2.4).contains(&offset) && rms < [6.9, 7.4][s], "{side}: {rms} {offset}");
    }
}

/// Our Harrington hip centres against the virtual hip-centre markers of
/// Rajagopal's static trials (`RHJC`/`LHJC`, `R_HJC`/`L_HJC`, placed by the
/// authors, method not stated): 18.6/31.2 mm (left/right, running static)
/// and 22.7/27.9 mm (walking static), within the 10-30 mm usually quoted for
/// regressions; pinned 3 mm above.
#[test]
fn rajagopal_hip_centres_against_their_markers() {
    use gaitline::clean::presets::{Landmark, LandmarkKind as K};
    use gaitline::model::Side;
    let sets: [(&[&str], &str, [f64; 2]); 2] = [
        (
            &["opensim-models/Rajagopal__ExpData__motion_capture_run.trc"],
            "opensim-models/Rajagopal__ExpData__static_run.trc",
            [21.6, 34.2],
        ),
        (
            &["opensim-models/Rajagopal__ExpData__motion_capture_walk.trc"],
            "opensim-models/Rajagopal__ExpData__static_walk_1.trc",
            [25.7, 30.9],
        ),
    ];
    for (files, stat, tol) in sets {
        let Some(t) = load(files, stat) else { return };
        let st = t.static_trial.as_deref().unwrap();
        let mean = |side: Option<Side>, kind: K| -> Vector3<f64> {
            let m = st.landmark(Landmark { side, kind }).unwrap_or_else(|| panic!("{stat}: {kind:?}"));
            let ok: Vec<&[f64; 3]> = m.xyz.iter().filter(|p| p.iter().all(|v| v.is_finite())).collect();
            ok.iter().map(|p| Vector3::new(p[0], p[1], p[2])).sum::<Vector3<f64>>() * (1000.0 / ok.len() as f64)
        };
        let (l, r) = (Some(Side::Left), Some(Side::Right));
        let back = (mean(l, K::Psis) + mean(r, K::Psis)) / 2.0;
        let (origin, pelvis) = cast::pelvis_frame(mean(l, K::Asis), mean(r, K::Asis), back);
        let cal = cast::calibrate(&t, &CastOptions::default()).unwrap();
        for (s, side) in [l, r].iter().enumerate() {
            let ours = origin + pelvis * cal.hip_local[s];
            let theirs = mean(*side, K::HipJointCentre);
            let d = pelvis.transpose() * (ours - theirs);
            eprintln!(
                "{stat} {:?}: ours - theirs {:.1} mm (anterior {:.1}, left {:.1}, up {:.1})",
                side,
                d.norm(),
                d.x,
                d.y,
                d.z
            );
            assert!(d.norm() < tol[s]);
        }
    }
}
