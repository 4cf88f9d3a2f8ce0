//! Simulated isokinetic dynamometer results (the `<stem>_dynamometer.csv`
//! side-car read by `imbalance::dynamometer`), with known ratios.
//!
//! Healthy torques per kg body mass (concentric quadriceps at 60 deg/s
//! 3.0 N m/kg, at 180 deg/s 2.1, at 240 deg/s 1.8) and healthy ratios chosen
//! inside the published ranges (conventional Hcon:Qcon 0.60 at 60 deg/s
//! and 0.65 at 180 deg/s, Coombs & Garbutt 2002; functional Hecc:Qcon 0.90 at
//! 60 deg/s; Hecc 30 : Qcon 240 = 1.05, Aagaard et al. 1998); eccentric
//! quadriceps 1.2 × concentric. Hamstring and quadriceps torques are then
//! scaled per side by `strength` (1 = healthy), so every ratio of a side is
//! the healthy ratio × hamstring scale / quadriceps scale, and every LSI the
//! ratio of the two sides' scales. Torques at 30 deg of knee flexion: 0.55 ×
//! the peak (quadriceps), 0.90 × the peak (hamstrings).

use super::write::push_num;
use crate::model::Side;

/// Concentric quadriceps torque per kg at each test velocity (deg/s, N m/kg).
pub const QCON_NM_PER_KG: [(f64, f64); 3] = [(60.0, 3.0), (180.0, 2.1), (240.0, 1.8)];
/// Healthy conventional ratio Hcon:Qcon at 60 and 180 deg/s.
pub const CONVENTIONAL: [(f64, f64); 2] = [(60.0, 0.60), (180.0, 0.65)];
/// Healthy functional ratio Hecc:Qcon at 60 deg/s.
pub const FUNCTIONAL_60: f64 = 0.90;
/// Healthy mixed ratio Hecc 30 deg/s : Qcon 240 deg/s.
pub const MIXED: f64 = 1.05;
/// Eccentric / concentric quadriceps torque at 60 deg/s.
pub const QECC_OVER_QCON: f64 = 1.2;
pub const Q_AT_30: f64 = 0.55;
pub const H_AT_30: f64 = 0.90;

/// Hamstring and quadriceps strength scales per side (index 0 left, 1 right).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Strength {
    pub hamstrings: [f64; 2],
    pub quadriceps: [f64; 2],
}

/// One row: side, muscle, contraction, velocity, peak torque, torque at 30 deg.
pub type Row = (Side, &'static str, &'static str, f64, f64, f64);

/// The test rows of a subject of `mass_kg` with `s` (rounded to 0.1 N m).
pub fn rows(mass_kg: f64, s: &Strength) -> Vec<Row> {
    let q = |v: f64| QCON_NM_PER_KG.iter().find(|x| x.0 == v).map_or(0.0, |x| x.1) * mass_kg;
    let mut out = Vec::new();
    for (i, side) in [Side::Left, Side::Right].into_iter().enumerate() {
        let (hs, qs) = (s.hamstrings[i], s.quadriceps[i]);
        let r1 = |x: f64| (x * 10.0).round() / 10.0;
        for (v, _) in QCON_NM_PER_KG {
            let qc = r1(q(v) * qs);
            out.push((side, "quadriceps", "concentric", v, qc, r1(qc * Q_AT_30)));
        }
        let qe = r1(q(60.0) * QECC_OVER_QCON * qs);
        out.push((side, "quadriceps", "eccentric", 60.0, qe, r1(qe * Q_AT_30)));
        for (v, c) in CONVENTIONAL {
            let h = r1(q(v) * c * hs);
            out.push((side, "hamstrings", "concentric", v, h, r1(h * H_AT_30)));
        }
        let he60 = r1(q(60.0) * FUNCTIONAL_60 * hs);
        out.push((side, "hamstrings", "eccentric", 60.0, he60, r1(he60 * H_AT_30)));
        let he30 = r1(q(240.0) * MIXED * hs);
        out.push((side, "hamstrings", "eccentric", 30.0, he30, r1(he30 * H_AT_30)));
    }
    out
}

/// The CSV text (format of `imbalance::dynamometer`).
pub fn csv(mass_kg: f64, s: &Strength) -> String {
    let mut out = String::from(
        "# Isokinetic knee tests, simulated by gaitline (src/simulate/dynamometer.rs)\n\
         side,muscle,contraction,velocity_deg_s,peak_torque_nm,torque_at_30deg_nm\n",
    );
    for (side, m, c, v, t, t30) in rows(mass_kg, s) {
        out.push_str(&format!("{},{m},{c},", side.name()));
        push_num(&mut out, v, 1);
        out.push(',');
        push_num(&mut out, t, 1);
        out.push(',');
        push_num(&mut out, t30, 2);
        out.push('\n');
    }
    out
}
