//! Ground reaction forces of the planned contacts, as force-plate channels.
//!
//! Shapes (per contact, stance fraction `tau`):
//! - walking vertical: `1.153 sin(pi tau) + 0.403 sin(3 pi tau)`, the classic
//!   double hump (peaks ~1.1 BW near 25 % and 75 % of stance, valley ~0.75 BW);
//! - running vertical: a half-sine active peak plus an impact transient at
//!   8 % of stance whose size depends on the strike (rearfoot 0.55, midfoot
//!   0.2, forefoot none) (Cavanagh & Lafortune 1980; Lieberman et al. 2010,
//!   Nature 463:531);
//! - every contact is scaled so its vertical impulse is body weight x half
//!   the stride time, so the vertical force averages exactly body weight over
//!   a stride;
//! - AP shear `-k sin(2 pi tau)` (braking then propulsion, zero net impulse,
//!   k = 0.2 BW walking, 0.35 BW running); ML shear 0.05 BW directed medially;
//! - COP on the footprint, from the strike point (rearfoot 12 %, midfoot 45 %,
//!   forefoot 75 % of foot length from the heel) to 80 % at toe off
//!   (forefoot: back to 60 % first).
//!
//! Channels are what a plate measures: the force the subject applies to the
//! plate (so Fz < 0 in a Z-up lab, as in Vicon and C3D), its moment about the
//! plate origin (centre of the top surface), and the COP; all in the lab
//! frame, SI units. Overground trials have two plates (0.4 m along travel x
//! 0.6 m) under two consecutive clean contacts mid-trial; treadmill trials have
//! one plate under the whole belt.

use super::body::*;
use super::geom::*;
use super::truth::{PlateContact, PlateTruth};
use super::{Mode, SimConfig, StrikePattern};
use crate::model::{AnalogChannel, ChannelKind, ForcePlate};

fn shape(mode: Mode, pattern: StrikePattern, tau: f64) -> f64 {
    use std::f64::consts::PI;
    match mode {
        Mode::Walk => 1.153 * (PI * tau).sin() + 0.403 * (3.0 * PI * tau).sin(),
        Mode::Run => {
            let imp = match pattern {
                StrikePattern::Rearfoot => 0.55,
                StrikePattern::Midfoot => 0.2,
                StrikePattern::Forefoot => 0.0,
            };
            let ti = 0.08;
            let x = tau / ti;
            (PI * tau).sin() + imp * x.powi(4) * (4.0 * (1.0 - x)).exp() * (1.0 - tau)
        }
    }
}

/// COP along the footprint, fraction of foot length from the heel.
pub fn cop_fraction(pattern: StrikePattern, tau: f64) -> f64 {
    match pattern {
        StrikePattern::Rearfoot => lerp(0.12, 0.80, tau),
        StrikePattern::Midfoot => lerp(0.45, 0.80, tau),
        StrikePattern::Forefoot => keys(&[(0.0, 0.75), (0.3, 0.60), (1.0, 0.80)], tau),
    }
}

struct Plate {
    centre: [f64; 2],
    half: [f64; 2],
}

impl Plate {
    fn contains(&self, p: V3) -> bool {
        (p[0] - self.centre[0]).abs() <= self.half[0] && (p[1] - self.centre[1]).abs() <= self.half[1]
    }
}

/// Channels, plate descriptions and plate truth.
pub(crate) fn forces(
    cfg: &SimConfig,
    kin: &super::Kin,
    rot: &M3,
    shift_x: f64,
) -> (Vec<AnalogChannel>, Vec<ForcePlate>, Vec<PlateTruth>) {
    let rate = cfg.rate();
    let ar = cfg.analog_rate_hz;
    let ratio = (ar / rate).round().max(1.0) as usize;
    let n = cfg.frames();
    let ns = n * ratio;
    let b = &kin.body;
    let bw = cfg.mass_kg * 9.81;
    let fl = b.foot_len;
    let t_end = (n - 1) as f64 / rate;
    // Plates in the belt frame (overground: fixed in the lab).
    let plates: Vec<Plate> = if cfg.treadmill {
        vec![Plate { centre: [0.0, 0.0], half: [1.0, 0.45] }]
    } else {
        let mid = (n as i64) / 2;
        let k = kin.contacts.iter().position(|c| c.fs >= mid - (0.6 * rate) as i64 && c.fs > 0).unwrap_or(0);
        kin.contacts[k..]
            .iter()
            .take(2)
            .map(|c| {
                let centre = add([c.origin[0], c.origin[1], 0.0], mv(&rz(c.yaw), [fl / 2.0, 0.0, 0.0]));
                Plate { centre: [centre[0], 0.0], half: [0.2, 0.3] }
            })
            .collect()
    };
    let np = plates.len();
    // Accumulate per plate: force on the body (gait frame) and force-weighted COP.
    let mut f = vec![vec![[0.0f64; 3]; ns]; np];
    let mut cop = vec![vec![[0.0f64; 3]; ns]; np];
    let mut truth: Vec<PlateTruth> = Vec::new();
    let mut plate_contacts: Vec<Vec<(usize, PlateContact)>> = vec![Vec::new(); np];
    let per_side = |s| kin.contacts.iter().filter(move |c: &&Contact| c.side == s);
    for c in &kin.contacts {
        let t0 = c.fs as f64 / rate;
        let t1 = c.fo as f64 / rate;
        if t1 < 0.0 || t0 > t_end {
            continue;
        }
        let next_same = per_side(c.side).find(|o| o.fs > c.fs).map(|o| o.fs);
        let stride_t = next_same.map(|x| (x - c.fs) as f64 / rate).unwrap_or((t1 - t0) / cfg.stance_fraction());
        let tc = t1 - t0;
        let m = 2000;
        let integral: f64 =
            (0..m).map(|q| shape(cfg.mode, c.pattern, (q as f64 + 0.5) / m as f64)).sum::<f64>() / m as f64;
        let amp = bw * stride_t / 2.0 / (tc * integral);
        let (kap, kml) = if cfg.mode == Mode::Run { (0.35, 0.05) } else { (0.2, 0.05) };
        let yaw = rz(c.yaw);
        let foot_pt = |x: f64| add([c.origin[0], c.origin[1], 0.0], mv(&yaw, [x * fl, 0.0, 0.0]));
        // Which plate holds this contact (COP at mid-stance), and is it clean?
        let heel = foot_pt(0.0);
        let toe = foot_pt(1.0);
        let mut on_plate = None;
        for (pi, p) in plates.iter().enumerate() {
            let belt_shift = |t: f64| if cfg.treadmill { cfg.speed_m_s * t } else { 0.0 };
            let inside = |pt: V3, t: f64| p.contains([pt[0] - belt_shift(t), pt[1], 0.0]);
            if inside(heel, t0) && inside(toe, t0) && inside(heel, t1) && inside(toe, t1) {
                on_plate = Some((pi, true));
            } else if inside(heel, t0) || inside(toe, t1) {
                on_plate = Some((pi, false));
            }
        }
        let k0 = ((t0 * ar).ceil().max(0.0)) as usize;
        let k1 = ((t1 * ar).floor() as usize).min(ns - 1);
        for k in k0..=k1 {
            let t = k as f64 / ar;
            let tau = ((t - t0) / tc).clamp(0.0, 1.0);
            let fz = amp * shape(cfg.mode, c.pattern, tau);
            let fx = -kap * bw * (2.0 * std::f64::consts::PI * tau).sin();
            let fy = -side_sign(c.side) * kml * bw * (std::f64::consts::PI * tau).sin();
            let p = foot_pt(cop_fraction(c.pattern, tau));
            let p = [p[0] - if cfg.treadmill { cfg.speed_m_s * t } else { 0.0 }, p[1], 0.0];
            let Some(pi) = plates.iter().position(|pl| pl.contains(p)) else { continue };
            for a in 0..3 {
                f[pi][k][a] += [fx, fy, fz][a];
                cop[pi][k][a] += p[a] * fz;
            }
        }
        if let Some((pi, clean)) = on_plate {
            let fs_frame = c.fs.max(0) as usize + 1;
            plate_contacts[pi].push((
                0,
                PlateContact {
                    side: c.side,
                    foot_strike_frame: fs_frame,
                    foot_off_frame: c.fo as usize + 1,
                    clean: clean && c.fs >= 0 && (c.fo as usize) < n,
                    strike_index_pct: cop_fraction(c.pattern, 0.0) * 100.0,
                },
            ));
        }
    }
    let mut channels = Vec::new();
    let mut fps = Vec::new();
    let lab = |v: V3| mv(rot, v);
    for (pi, p) in plates.iter().enumerate() {
        let num = pi + 1;
        // Plates are fixed in the lab: express in lab coordinates.
        let origin_belt = [p.centre[0], p.centre[1], 0.0];
        let o = lab([origin_belt[0] - shift_x, origin_belt[1], 0.0]);
        let corners_belt =
            [[p.half[0], p.half[1]], [-p.half[0], p.half[1]], [-p.half[0], -p.half[1]], [p.half[0], -p.half[1]]];
        let corners: [[f64; 3]; 4] = corners_belt.map(|c| lab([p.centre[0] + c[0] - shift_x, p.centre[1] + c[1], 0.0]));
        let mut data: Vec<Vec<f64>> = (0..9).map(|_| Vec::with_capacity(ns)).collect();
        for k in 0..ns {
            let g = f[pi][k];
            let (force, cp) = if g[2] > 0.0 {
                let c = [cop[pi][k][0] / g[2], cop[pi][k][1] / g[2], 0.0];
                (lab(scale(g, -1.0)), lab([c[0] - shift_x, c[1], 0.0]))
            } else {
                ([0.0; 3], [0.0; 3])
            };
            let m = if g[2] > 0.0 { cross(sub(cp, o), force) } else { [0.0; 3] };
            for a in 0..3 {
                data[a].push(force[a]);
                data[3 + a].push(m[a]);
                data[6 + a].push(cp[a]);
            }
        }
        let names =
            ["Force.Fx", "Force.Fy", "Force.Fz", "Moment.Mx", "Moment.My", "Moment.Mz", "COP.Px", "COP.Py", "COP.Pz"];
        let units = ["N", "N", "N", "N.m", "N.m", "N.m", "m", "m", "m"];
        let mut chan_names = Vec::new();
        for (q, d) in data.into_iter().enumerate() {
            let name = format!("{}{}", names[q], num);
            chan_names.push(name.clone());
            channels.push(AnalogChannel {
                name,
                unit: units[q].into(),
                rate_hz: ar,
                time0_s: 0.0,
                kind: ChannelKind::ForcePlate,
                data: d,
            });
        }
        fps.push(ForcePlate { plate_type: 0, corners, origin: o, channels: chan_names, cal_matrix: Vec::new() });
        let mut pcs: Vec<PlateContact> = plate_contacts[pi].drain(..).map(|x| x.1).collect();
        let many = pcs.len() > 1 && !cfg.treadmill;
        if many {
            for pc in pcs.iter_mut() {
                pc.clean = false;
            }
        }
        truth.push(PlateTruth { number: num, corners_m: corners, contacts: pcs });
    }
    (channels, fps, truth)
}
