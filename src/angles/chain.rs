//! Joint-constrained pose estimation of the CAST segments ("global
//! optimisation", Lu & O'Connor 1999, J Biomech 32:129; the approach of
//! OpenSim's inverse kinematics, Delp et al. 2007, IEEE Trans Biomed Eng
//! 54:1940, with the Gait2392 joints of Delp et al. 1990): instead of fitting
//! every cluster on its own ([`super::cast`]), one weighted least-squares fit
//! per frame of all tracking markers to a linked chain pelvis → thigh →
//! shank → foot per side.
//!
//! Model (all from the CAST static calibration, [`CastCalibration`]):
//! - segments: the CAST anatomical frames and their tracking markers; their
//!   static poses are the rigid fits of the calibrated markers to the static
//!   trial (exact by construction);
//! - pelvis: six degrees of freedom;
//! - hip: a ball joint at the CAST hip centre (Harrington or Bell regression
//!   in the pelvis frame), i.e. the thigh's hip centre stays on the pelvis's;
//! - knee: a hinge about the thigh's medio-lateral (epicondylar) axis through
//!   the knee centre (mid-epicondyles), or a ball joint ([`Joint::Ball`]); the
//!   shank's knee centre stays on the thigh's;
//! - ankle: a hinge about the shank's medio-lateral (malleolar) axis through
//!   the ankle centre (mid-malleoli), or a ball joint; the foot only where the
//!   CAST calibration has one.
//!
//! Per frame the weighted sum of squared marker distances (weights per marker
//! name, as an OpenSim IK setup's `IKMarkerTask` weights; 1 otherwise) is
//! minimised by Levenberg-Marquardt (Marquardt 1963) over rotation
//! increments (rotation vectors applied on the right) and the pelvis
//! translation, started from the frame's CAST cluster fits. Angles: the same
//! sequences, signs and names as [`super::cast`]; a hinge's other two angles
//! are not measured by the model (NaN: knee adduction and rotation with the
//! hinge knee, ankle inversion and rotation with the hinge ankle).
//!
//! Why it exists: on Hamner's running trial OpenSim's IK (this model class)
//! gives 6-9 deg more hip and 4-6 deg more knee range of motion than CAST
//! (tests/angles_cast.rs `hamner_running_against_opensim_ik`): the thigh
//! cluster alone swings the thigh's long axis 5.7-7.5 deg less than OpenSim's
//! femur, and the joint constraints (the foot and shank markers pulling the
//! chain) account for most of it: this model is within 3.1 (hip) and 1.6 deg
//! (knee) of OpenSim's range of motion on the same cycles; on Gait2392's walk
//! its sagittal curves correlate better with OpenSim's than CAST's (ankle r
//! 0.955/0.971 against 0.827/0.949). The price (tests: synthetic thigh
//! artefact): a cluster's soft-tissue artefact spreads into the linked
//! segments (8 deg on the thigh cluster: 1.1 deg of pelvis tilt error, none
//! with CAST), and the marker residuals are larger (Hamner: 8-14 mm against
//! CAST's 1-6 mm per segment, uniform weights).
//!
//! Cost: 65-120 µs a frame on the shared 2-core machine (finite-difference
//! Jacobian; 60-100 times CAST's cluster fits; the Hamner test prints it):
//! RBDS0041's 4,500 frames in 0.3 s.

// Side indices address parallel arrays.
#![allow(clippy::needless_range_loop)]

use super::cardan::{Axis, joint_angles, rot};
use super::cast::{CastAngles, CastCalibration, Tracked, YXZ, push_side};
use super::pig::VARIABLES;
use super::rigid;
use crate::model::Marker;
use crate::trial::Trial;
use nalgebra::{DMatrix, DVector, Matrix3, Rotation3, Vector3};

/// The model's name in `metrics.json` `angles.model`.
pub const MODEL: &str = "joint-constrained chain (Lu & O'Connor 1999), ISB JCS";

/// A joint of the chain below the hip (the hip is always a ball joint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Joint {
    /// One rotation about the proximal segment's medio-lateral (y) axis.
    #[default]
    Hinge,
    /// Three rotations about the joint centre.
    Ball,
}

/// Options of the joint-constrained model.
#[derive(Debug, Clone, Default)]
pub struct ChainOptions {
    pub knee: Joint,
    pub ankle: Joint,
    /// Marker weights by the motion trial's marker name (others 1).
    pub weights: Vec<(String, f64)>,
}

/// Static geometry of one side's chain.
#[derive(Debug, Clone, Copy)]
struct Leg {
    /// Thigh frame in the pelvis frame, shank in thigh, foot in shank (static).
    c_pt: Matrix3<f64>,
    c_ts: Matrix3<f64>,
    c_sf: Option<Matrix3<f64>>,
    /// Hip centre in the pelvis frame, in the thigh frame; knee centre (the
    /// thigh's origin) in the shank frame; ankle centre (the shank's origin)
    /// in the foot frame; mm.
    hip_p: Vector3<f64>,
    hip_t: Vector3<f64>,
    knee_s: Vector3<f64>,
    ankle_f: Vector3<f64>,
}

/// Unknowns of one frame: the pelvis pose and the joint rotations.
#[derive(Debug, Clone, Copy)]
struct Pose {
    pelvis: Matrix3<f64>,
    origin: Vector3<f64>,
    hip: [Matrix3<f64>; 2],
    knee: [Matrix3<f64>; 2],
    ankle: [Matrix3<f64>; 2],
}

/// Segment poses (rotation, origin): pelvis, then thigh, shank, foot of the
/// left and right sides (index as [`CastAngles::fit_rms_mm`]).
type Segments = [(Matrix3<f64>, Vector3<f64>); 7];

fn segments(legs: &[Leg; 2], p: &Pose) -> Segments {
    let mut out = [(p.pelvis, p.origin); 7];
    for s in 0..2 {
        let g = &legs[s];
        let hjc = p.origin + p.pelvis * g.hip_p;
        let rt = p.pelvis * g.c_pt * p.hip[s];
        let kjc = hjc - rt * g.hip_t;
        let rs = rt * p.knee[s] * g.c_ts;
        let ajc = kjc - rs * g.knee_s;
        out[1 + 3 * s] = (rt, kjc);
        out[2 + 3 * s] = (rs, ajc);
        if let Some(c_sf) = g.c_sf {
            let rf = rs * p.ankle[s] * c_sf;
            out[3 + 3 * s] = (rf, ajc - rf * g.ankle_f);
        }
    }
    out
}

fn exp(v: Vector3<f64>) -> Matrix3<f64> {
    Rotation3::from_scaled_axis(v).into_inner()
}

/// Which unknowns are solved in a frame: the sides with thigh and shank (and
/// their feet where the foot is tracked).
#[derive(Debug, Clone, Copy)]
struct Active {
    side: [bool; 2],
    foot: [bool; 2],
}

fn dof(j: Joint) -> usize {
    match j {
        Joint::Hinge => 1,
        Joint::Ball => 3,
    }
}

fn joint_step(m: &Matrix3<f64>, j: Joint, d: &[f64]) -> Matrix3<f64> {
    match j {
        Joint::Hinge => m * rot(Axis::Y, d[0]),
        Joint::Ball => m * exp(Vector3::new(d[0], d[1], d[2])),
    }
}

impl Active {
    fn len(&self, o: &ChainOptions) -> usize {
        6 + (0..2)
            .map(|s| if self.side[s] { 3 + dof(o.knee) + if self.foot[s] { dof(o.ankle) } else { 0 } } else { 0 })
            .sum::<usize>()
    }
    /// The pose moved by the increment `d` (length [`Active::len`]).
    fn step(&self, o: &ChainOptions, p: &Pose, d: &[f64]) -> Pose {
        let mut q = *p;
        q.pelvis = p.pelvis * exp(Vector3::new(d[0], d[1], d[2]));
        q.origin = p.origin + Vector3::new(d[3], d[4], d[5]);
        let mut k = 6;
        for s in 0..2 {
            if !self.side[s] {
                continue;
            }
            q.hip[s] = p.hip[s] * exp(Vector3::new(d[k], d[k + 1], d[k + 2]));
            k += 3;
            q.knee[s] = joint_step(&p.knee[s], o.knee, &d[k..]);
            k += dof(o.knee);
            if self.foot[s] {
                q.ankle[s] = joint_step(&p.ankle[s], o.ankle, &d[k..]);
                k += dof(o.ankle);
            }
        }
        q
    }
}

/// A calibrated segment bound to the motion trial's markers, with weights.
struct Bound<'a> {
    markers: Vec<&'a Marker>,
    local: &'a [Vector3<f64>],
    sqrt_w: Vec<f64>,
}

impl<'a> Bound<'a> {
    fn new(t: &'a Trial, tr: &'a Tracked, o: &ChainOptions) -> Result<Self, String> {
        let markers = tr
            .markers
            .iter()
            .map(|n| t.markers.iter().find(|m| &m.name == n).ok_or_else(|| format!("marker {n} not in the trial")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut sqrt_w = Vec::with_capacity(markers.len());
        for n in &tr.markers {
            let w = o.weights.iter().find(|(m, _)| m == n).map_or(1.0, |(_, w)| *w);
            if !(w.is_finite() && w >= 0.0) {
                return Err(format!("marker weight of {n} must be finite and >= 0, found {w}"));
            }
            sqrt_w.push(w.sqrt());
        }
        Ok(Bound { markers, local: &tr.local, sqrt_w })
    }
    fn at(&self, k: usize, i: usize) -> Vector3<f64> {
        let p = self.markers[k].xyz.get(i).copied().unwrap_or([f64::NAN; 3]);
        Vector3::new(p[0], p[1], p[2]) * 1000.0
    }
    /// The CAST fit of this segment in frame `i`.
    fn fit(&self, i: usize) -> Option<rigid::RigidFit> {
        let cur: Vec<Vector3<f64>> = (0..self.markers.len()).map(|k| self.at(k, i)).collect();
        rigid::fit(self.local, &cur)
    }
}

/// Mean position of a named marker in the static trial, mm.
fn static_mean(st: &Trial, name: &str) -> Option<Vector3<f64>> {
    super::cast::mean_mm(st.markers.iter().find(|m| m.name == name)?)
}

/// Static pose (anatomical frame, origin) of a calibrated segment.
fn static_pose(st: &Trial, tr: &Tracked, what: &str) -> Result<(Matrix3<f64>, Vector3<f64>), String> {
    let cur: Vec<Vector3<f64>> =
        tr.markers.iter().map(|n| static_mean(st, n).unwrap_or_else(|| Vector3::repeat(f64::NAN))).collect();
    rigid::fit(&tr.local, &cur)
        .map(|f| (f.rotation, f.translation))
        .ok_or_else(|| format!("{what}: its calibrated markers are not in the static trial"))
}

fn legs(st: &Trial, cal: &CastCalibration) -> Result<[Leg; 2], String> {
    let (rp, op) = static_pose(st, &cal.pelvis, "pelvis")?;
    let mut out = Vec::with_capacity(2);
    for s in 0..2 {
        let side = super::pig::SIDES[s].name();
        let (rt, kjc) = static_pose(st, &cal.thigh[s], &format!("{side} thigh"))?;
        let (rs, ajc) = static_pose(st, &cal.shank[s], &format!("{side} shank"))?;
        let hjc = op + rp * cal.hip_local[s];
        let (c_sf, ankle_f) = match &cal.foot[s] {
            Some(f) => {
                let (rf, of) = static_pose(st, f, &format!("{side} foot"))?;
                (Some(rs.transpose() * rf), rf.transpose() * (ajc - of))
            }
            None => (None, Vector3::zeros()),
        };
        out.push(Leg {
            c_pt: rp.transpose() * rt,
            c_ts: rt.transpose() * rs,
            c_sf,
            hip_p: cal.hip_local[s],
            hip_t: rt.transpose() * (hjc - kjc),
            knee_s: rs.transpose() * (kjc - ajc),
            ankle_f,
        });
    }
    Ok([out[0], out[1]])
}

/// The joint rotation `m` (proximal → distal, static relation removed) as the
/// model's joint: a hinge keeps the rotation about y.
fn as_joint(m: Matrix3<f64>, j: Joint) -> Matrix3<f64> {
    match j {
        Joint::Hinge => rot(Axis::Y, m[(0, 2)].atan2(m[(0, 0)])),
        Joint::Ball => m,
    }
}

/// Weighted residuals of every present marker of the active segments.
fn residuals(bounds: &[Option<&Bound>; 7], xs: &[Vec<Vector3<f64>>; 7], seg: &Segments, out: &mut Vec<f64>) {
    out.clear();
    for (k, b) in bounds.iter().enumerate() {
        let Some(b) = b else { continue };
        let (r, o) = seg[k];
        for (j, x) in xs[k].iter().enumerate() {
            if x.iter().all(|v| v.is_finite()) {
                let e = (r * b.local[j] + o - x) * b.sqrt_w[j];
                out.extend([e.x, e.y, e.z]);
            }
        }
    }
}

/// Levenberg-Marquardt on the pose increments; returns the solved pose.
fn solve(
    o: &ChainOptions,
    legs: &[Leg; 2],
    act: &Active,
    bounds: &[Option<&Bound>; 7],
    xs: &[Vec<Vector3<f64>>; 7],
    start: Pose,
) -> Pose {
    let n = act.len(o);
    let mut pose = start;
    let (mut r0, mut r1) = (Vec::new(), Vec::new());
    residuals(bounds, xs, &segments(legs, &pose), &mut r0);
    let m = r0.len();
    if m < n {
        return pose;
    }
    let mut cost: f64 = r0.iter().map(|v| v * v).sum();
    let mut lambda = 1e-3;
    let mut jac = DMatrix::<f64>::zeros(m, n);
    let mut d = vec![0.0; n];
    const H: f64 = 1e-7;
    for _ in 0..100 {
        for c in 0..n {
            d.iter_mut().for_each(|v| *v = 0.0);
            d[c] = H;
            residuals(bounds, xs, &segments(legs, &act.step(o, &pose, &d)), &mut r1);
            for row in 0..m {
                jac[(row, c)] = (r1[row] - r0[row]) / H;
            }
        }
        let jt = jac.transpose();
        let a = &jt * &jac;
        let g = &jt * DVector::from_column_slice(&r0);
        let mut improved = false;
        while lambda < 1e12 {
            let mut damped = a.clone();
            for c in 0..n {
                damped[(c, c)] += lambda * a[(c, c)].max(1e-12);
            }
            let Some(chol) = damped.cholesky() else {
                lambda *= 10.0;
                continue;
            };
            let delta = -chol.solve(&g);
            let trial = act.step(o, &pose, delta.as_slice());
            residuals(bounds, xs, &segments(legs, &trial), &mut r1);
            let c: f64 = r1.iter().map(|v| v * v).sum();
            if c < cost {
                let small = delta.amax() < 1e-10 || cost - c <= 1e-14 * cost;
                pose = trial;
                cost = c;
                std::mem::swap(&mut r0, &mut r1);
                lambda = (lambda / 10.0).max(1e-12);
                improved = !small;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    pose
}

/// Joint-constrained angles of every frame of `t` with a CAST calibration.
pub fn angles_with(t: &Trial, cal: &CastCalibration, o: &ChainOptions) -> Result<CastAngles, String> {
    let st: &Trial = t.static_trial.as_deref().ok_or("the joint-constrained model needs the static trial")?;
    let legs = legs(st, cal)?;
    let pelvis = Bound::new(t, &cal.pelvis, o)?;
    let thigh = [Bound::new(t, &cal.thigh[0], o)?, Bound::new(t, &cal.thigh[1], o)?];
    let shank = [Bound::new(t, &cal.shank[0], o)?, Bound::new(t, &cal.shank[1], o)?];
    let mut foot: [Option<Bound>; 2] = [None, None];
    for s in 0..2 {
        if let Some(f) = &cal.foot[s] {
            foot[s] = Some(Bound::new(t, f, o)?);
        }
    }
    let n = t.frames;
    let mut values: [Vec<Vec<f64>>; 2] = std::array::from_fn(|_| vec![vec![f64::NAN; n]; VARIABLES.len()]);
    let mut locks = [0usize; 2];
    let mut rms = [(0.0f64, 0usize); 7];
    let lab = Matrix3::identity();
    let mut row = Vec::with_capacity(VARIABLES.len());
    let id = Matrix3::identity();
    for i in 0..n {
        let Some(pf) = pelvis.fit(i) else { continue };
        let mut start =
            Pose { pelvis: pf.rotation, origin: pf.translation, hip: [id; 2], knee: [id; 2], ankle: [id; 2] };
        let mut act = Active { side: [false; 2], foot: [false; 2] };
        for s in 0..2 {
            let g = &legs[s];
            let (Some(tf), Some(sf)) = (thigh[s].fit(i), shank[s].fit(i)) else { continue };
            act.side[s] = true;
            start.hip[s] = g.c_pt.transpose() * pf.rotation.transpose() * tf.rotation;
            start.knee[s] = as_joint(tf.rotation.transpose() * sf.rotation * g.c_ts.transpose(), o.knee);
            if let (Some(c_sf), Some(ff)) = (g.c_sf, foot[s].as_ref().and_then(|f| f.fit(i))) {
                act.foot[s] = true;
                start.ankle[s] = as_joint(sf.rotation.transpose() * ff.rotation * c_sf.transpose(), o.ankle);
            }
        }
        let bounds: [Option<&Bound>; 7] = [
            Some(&pelvis),
            act.side[0].then_some(&thigh[0]),
            act.side[0].then_some(&shank[0]),
            if act.foot[0] { foot[0].as_ref() } else { None },
            act.side[1].then_some(&thigh[1]),
            act.side[1].then_some(&shank[1]),
            if act.foot[1] { foot[1].as_ref() } else { None },
        ];
        let xs: [Vec<Vector3<f64>>; 7] = std::array::from_fn(|k| {
            bounds[k].map_or(Vec::new(), |b| (0..b.markers.len()).map(|j| b.at(j, i)).collect())
        });
        let pose = solve(o, &legs, &act, &bounds, &xs, start);
        let seg = segments(&legs, &pose);
        for k in 0..7 {
            let Some(b) = bounds[k] else { continue };
            let (r, org) = seg[k];
            let (mut sum, mut cnt) = (0.0, 0usize);
            for (j, x) in xs[k].iter().enumerate() {
                if x.iter().all(|v| v.is_finite()) {
                    sum += (r * b.local[j] + org - x).norm_squared();
                    cnt += 1;
                }
            }
            if cnt > 0 {
                rms[k].0 += (sum / cnt as f64).sqrt();
                rms[k].1 += 1;
            }
        }
        let pel = seg[0].0;
        let pa = joint_angles(&lab, &pel, YXZ);
        for s in 0..2 {
            if !act.side[s] {
                continue;
            }
            let (th, sh) = (seg[1 + 3 * s].0, seg[2 + 3 * s].0);
            let ft = act.foot[s].then(|| seg[3 + 3 * s].0);
            row.clear();
            locks[s] += push_side(&mut row, &pa, &pel, &th, &sh, ft.as_ref(), s);
            // A hinge measures one angle: its other two are not the model's
            // (knee_adduction and knee_rotation; ankle_inversion and
            // ankle_rotation, indices as VARIABLES).
            let mut hinged = Vec::new();
            if o.knee == Joint::Hinge {
                hinged.extend([7, 8]);
            }
            if o.ankle == Joint::Hinge {
                hinged.extend([10, 11]);
            }
            let len = row.len();
            for v in hinged.into_iter().filter(|v| *v < len) {
                row[v] = f64::NAN;
            }
            for (v, a) in row.iter().enumerate() {
                values[s][v][i] = a.to_degrees();
            }
        }
    }
    let fit_rms_mm = std::array::from_fn(|k| if rms[k].1 > 0 { rms[k].0 / rms[k].1 as f64 } else { f64::NAN });
    let mut calibration = cal.clone();
    calibration
        .notes
        .push(format!("joint-constrained fit (Lu & O'Connor 1999): ball hip, {:?} knee, {:?} ankle", o.knee, o.ankle));
    Ok(CastAngles { values, gimbal_lock_frames: locks, fit_rms_mm, calibration })
}
