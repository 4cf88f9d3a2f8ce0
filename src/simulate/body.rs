//! Body model and kinematics engine.
//!
//! Geometry (all from standing height `H`, Winter 2009 "Biomechanics and Motor
//! Control of Human Movement", table 4.1, after Dempster 1955):
//! thigh (hip-knee) 0.245 H, shank (knee-ankle) 0.246 H, foot length 0.152 H,
//! ankle height 0.039 H. Inter-ASIS width 0.15 H (close to the ~0.16 H pelvis
//! width of the brief; Davis needs the marker distance, which is smaller than
//! the bony pelvis breadth). Hip joint centres follow the Davis et al. 1991
//! regression exactly as Plug-in Gait applies it (pelvis frame, leg length,
//! inter-ASIS distance, 14 mm markers), so a PiG-style model recovers them.
//!
//! Kinematics (see the module docs of `simulate` for the whole scheme):
//! the stance foot is *prescribed* (planted, rolling about the heel or the
//! metatarsal-head contact point), the pelvis horizontal path and angles are
//! prescribed, the pelvis height is derived from the stance legs so that the
//! stance knee follows a target curve, the swing leg is interpolated in joint
//! space between the exact toe-off and landing poses, and both legs are solved
//! by two-link inverse kinematics (hinge knee). Joint angles reported as truth
//! are the Cardan angles of the resulting segment frames, so they are exact.

use super::geom::*;
use super::{Mode, SimConfig, StrikePattern};
use crate::model::Side;

pub const SIDES: [Side; 2] = [Side::Left, Side::Right];

/// Heel-up pitch (degrees) at which the forefoot rocker reaches the toe tip.
const ROCKER_END_DEG: f64 = 25.0;

pub fn side_idx(s: Side) -> usize {
    match s {
        Side::Left => 0,
        Side::Right => 1,
    }
}
/// +1 for left (the +y side of the gait frame), -1 for right.
pub fn side_sign(s: Side) -> f64 {
    match s {
        Side::Left => 1.0,
        Side::Right => -1.0,
    }
}

/// Anthropometry derived from height (metres).
#[derive(Debug, Clone)]
pub struct Body {
    pub height: f64,
    pub mass: f64,
    pub thigh: f64,
    pub shank: f64,
    pub foot_len: f64,
    pub ankle_h: f64,
    pub leg_length: f64,
    pub inter_asis: f64,
    pub pelvis_depth: f64,
    pub knee_width: f64,
    pub ankle_width: f64,
    pub marker_r: f64,
    /// Left hip joint centre in the pelvis frame (right: y mirrored).
    pub hjc: V3,
    /// Foot frame points (origin = posterior-inferior heel point on the sole,
    /// x along the foot, z up): ankle joint centre, HEE and TOE markers, and
    /// the x of the metatarsal-head contact point (the toe pivot).
    pub ajc_f: V3,
    pub hee_f: V3,
    pub toe_f: V3,
    pub toe_contact_x: f64,
    /// Forefoot rocker: the sole ahead of the metatarsal heads is an arc of
    /// this radius (tangent to the flat sole there) up to the toe tip, which
    /// it reaches at heel-up pitch [`Body::rocker_end`] (radians). A foot
    /// whose heel rises rolls along the arc (its contact moves forward from
    /// the metatarsal heads, as the toes' extension moves it in a real foot)
    /// and then pivots about the toe tip.
    pub rocker_r: f64,
    pub rocker_end: f64,
}

impl Body {
    pub fn new(height: f64, mass: f64) -> Body {
        let h = height;
        let thigh = 0.245 * h;
        let shank = 0.246 * h;
        let ankle_h = 0.039 * h;
        let foot_len = 0.152 * h;
        let marker_r = 0.007;
        let inter_asis = 0.15 * h;
        // PiG leg length: ASIS to medial malleolus, approximated by the
        // vertical ASIS height above the ankle centre in standing.
        let leg_length = thigh + shank + 0.05 * h;
        // Davis et al. 1991 as coded in pyCGM2 davisRegression (mm).
        let ll = leg_length * 1000.0;
        let c = 0.115 * ll - 15.3;
        let theta: f64 = 0.5;
        let beta: f64 = 0.314;
        let r = marker_r * 1000.0;
        let asis_troc = 0.1288 * ll - 48.56;
        let x = c * theta.cos() * beta.sin() - (asis_troc + r) * beta.cos();
        let y = -(c * theta.sin() - inter_asis * 1000.0 / 2.0);
        let z = -c * theta.cos() * beta.cos() - (asis_troc + r) * beta.sin();
        Body {
            height,
            mass,
            thigh,
            shank,
            foot_len,
            ankle_h,
            leg_length,
            inter_asis,
            pelvis_depth: 0.09 * h,
            knee_width: 0.057 * h,
            ankle_width: 0.040 * h,
            marker_r,
            hjc: [x / 1000.0, y / 1000.0, z / 1000.0],
            ajc_f: [0.20 * foot_len, 0.0, ankle_h],
            hee_f: [-marker_r, 0.0, 0.040],
            toe_f: [0.72 * foot_len, 0.0, 0.025 + marker_r],
            toe_contact_x: 0.72 * foot_len,
            rocker_r: 0.26 * foot_len / ROCKER_END_DEG.to_radians().sin(),
            rocker_end: ROCKER_END_DEG.to_radians(),
        }
    }
    /// Sole contact point (foot frame) of the forefoot at heel-up pitch
    /// `phi` (radians): the metatarsal heads for `phi <= 0`, the rocker
    /// point for `0 < phi <= rocker_end`, the toe tip beyond. This is the
    /// forefoot's lowest point at that pitch.
    pub fn forefoot_point(&self, phi: f64) -> V3 {
        let p = phi.clamp(0.0, self.rocker_end);
        [self.toe_contact_x + self.rocker_r * p.sin(), 0.0, self.rocker_r * (1.0 - p.cos())]
    }
    /// The toe tip (foot frame).
    pub fn toe_tip(&self) -> V3 {
        self.forefoot_point(self.rocker_end)
    }
    /// Height of the foot's lowest sole point (heel or forefoot rocker) for
    /// a foot rotation without roll (`fr = rz(yaw) ry(-pitch)`) and origin.
    pub fn sole_low(&self, fr: &M3, fo: V3) -> f64 {
        let phi = -fr[2][0].clamp(-1.0, 1.0).asin();
        fo[2].min(add(fo, mv(fr, self.forefoot_point(phi)))[2])
    }
    pub fn hjc(&self, s: Side) -> V3 {
        [self.hjc[0], side_sign(s) * self.hjc[1], self.hjc[2]]
    }
    /// Hip-ankle distance for knee flexion `k` (radians).
    pub fn leg_span(&self, k: f64) -> f64 {
        (self.thigh * self.thigh + self.shank * self.shank + 2.0 * self.thigh * self.shank * k.cos()).sqrt()
    }
    /// Knee flexion (radians) for a hip-ankle distance.
    pub fn knee_for_span(&self, d: f64) -> f64 {
        let (a, b) = (self.thigh, self.shank);
        let c = ((d * d - a * a - b * b) / (2.0 * a * b)).clamp(-1.0, 1.0);
        c.acos()
    }
}

/// One foot contact (stance phase) of the plan. Frames are 0-based sample
/// indices on the marker clock (frame 0 = time 0) and may lie outside the
/// trial.
#[derive(Debug, Clone)]
pub struct Contact {
    pub side: Side,
    pub fs: i64,
    pub fo: i64,
    /// Flat-foot heel origin on the floor (belt frame), x and y.
    pub origin: [f64; 2],
    pub yaw: f64,
    /// Foot-strike angle, degrees (positive = toe up = rearfoot).
    pub fsa: f64,
    pub pattern: StrikePattern,
    /// Foot angle at toe off, degrees (negative: heel up).
    pub fo_pitch: f64,
    /// Fraction of stance at foot flat and at heel off.
    pub tau_ff: f64,
    pub tau_ho: f64,
    /// Extra knee flexion at initial contact (asymmetry), degrees.
    pub knee_ic_extra: f64,
    /// Peak knee flexion in the swing that *ends* at this contact, degrees.
    pub swing_knee_peak: f64,
    /// First frame of pre-swing (contralateral strike; `fo` when there is no
    /// double support): from here the foot pitch is solved from the hip.
    pub pre_swing: i64,
}

impl Contact {
    /// Pivot about the heel (true) or about the metatarsal heads (false)
    /// before foot flat.
    pub fn heel_pivot(&self) -> bool {
        self.fsa >= 0.0
    }
    /// Foot pitch (degrees) at stance fraction `tau`.
    pub fn pitch(&self, tau: f64) -> f64 {
        if tau < self.tau_ff {
            lerp(self.fsa, 0.0, smooth(tau / self.tau_ff))
        } else if tau <= self.tau_ho {
            0.0
        } else {
            let s = (tau - self.tau_ho) / (1.0 - self.tau_ho);
            self.fo_pitch * s * s
        }
    }
    /// Foot rolled on its forefoot to `pitch_deg` (heel up < 0): along the
    /// rocker from the metatarsal heads (no slip: the floor contact advances
    /// by the arc length), then about the toe tip.
    pub fn rolled(&self, body: &Body, pitch_deg: f64) -> (M3, V3) {
        self.rolled_rad(body, pitch_deg.to_radians())
    }
    fn rolled_rad(&self, body: &Body, pitch: f64) -> (M3, V3) {
        let r = mm(&rz(self.yaw), &ry(-pitch));
        let phi = -pitch;
        let c = body.forefoot_point(phi);
        let x = body.toe_contact_x + body.rocker_r * phi.clamp(0.0, body.rocker_end);
        let cw = add([self.origin[0], self.origin[1], 0.0], mv(&rz(self.yaw), [x, 0.0, 0.0]));
        (r, sub(cw, mv(&r, c)))
    }
    /// The pitch (degrees, at most `from`, at least -85) at which the
    /// rolled foot's ankle centre is `span` from `hip` (bisection; the
    /// hip-ankle distance shrinks as the heel rises).
    pub fn pitch_for_span(&self, body: &Body, hip: V3, span: f64, from: f64) -> f64 {
        let d = |p: f64| {
            let (r, o) = self.rolled(body, p);
            norm(sub(add(o, mv(&r, body.ajc_f)), hip))
        };
        let (mut hi, mut lo) = (from, -75.0);
        if d(hi) <= span {
            return hi;
        }
        if d(lo) >= span {
            return lo;
        }
        for _ in 0..50 {
            let m = 0.5 * (hi + lo);
            if d(m) > span { hi = m } else { lo = m }
        }
        0.5 * (hi + lo)
    }
    /// [`Contact::foot_pose`] with the heel rise pivoting about the
    /// metatarsal heads (no rocker): the pelvis height is taken from it, so
    /// the few millimetres the rocker lifts the ankle in late stance go into
    /// the stance knee rather than into a pelvis rise.
    pub fn foot_pose_mtp(&self, body: &Body, tau: f64) -> (M3, V3) {
        let flat = Body { rocker_r: 0.0, rocker_end: 0.0, ..body.clone() };
        self.foot_pose(&flat, tau)
    }
    /// Foot rotation and origin at stance fraction `tau` (belt frame).
    pub fn foot_pose(&self, body: &Body, tau: f64) -> (M3, V3) {
        let p = self.pitch(tau).to_radians();
        let r = mm(&rz(self.yaw), &ry(-p));
        let o_flat = [self.origin[0], self.origin[1], 0.0];
        let heel_pivot = if tau < self.tau_ff { self.heel_pivot() } else { tau <= self.tau_ho };
        if heel_pivot || p == 0.0 { (r, o_flat) } else { self.rolled_rad(body, p) }
    }
}

/// Stance-knee target (degrees) at stance fraction `tau`: literature key
/// points (Perry & Burnfield 2010, Gait Analysis, ch. 6; Novacheck 1998,
/// Gait Posture 7:77-95 for running). Late-stance values act only as a
/// reach limit; the knee there comes out of the heel-rise geometry.
pub fn stance_knee_target(mode: Mode, tau: f64) -> f64 {
    match mode {
        Mode::Walk => keys(&[(0.0, 4.0), (0.25, 17.0), (0.55, 5.0), (0.8, 2.0), (1.0, 2.0)], tau),
        Mode::Run => keys(&[(0.0, 20.0), (0.45, 43.0), (0.9, 20.0), (1.0, 18.0)], tau),
    }
}

/// Pelvis pose without height: horizontal position and rotation (belt
/// frame), given the pelvis phase `ph` (0 at right foot strike, 1 per
/// stride) and time.
pub fn pelvis_pose(cfg: &SimConfig, ph: f64, t: f64) -> ([f64; 2], M3, [f64; 3]) {
    use std::f64::consts::TAU;
    let run = cfg.mode == Mode::Run;
    // Amplitudes (degrees / metres): Perry & Burnfield 2010; Novacheck 1998.
    let (tilt0, a_tilt, a_obl, a_rot, a_sway, a_x) =
        if run { (12.0, 2.5, 6.0, 7.0, 0.015, 0.01) } else { (10.0, 1.5, 4.0, 5.0, 0.022, 0.015) };
    let tilt = tilt0 + a_tilt * (2.0 * TAU * ph).cos();
    let obl = -a_obl * (TAU * (ph + 0.1)).sin();
    let rot = a_rot * (TAU * ph).cos();
    let x = cfg.speed_m_s * t + a_x * (2.0 * TAU * ph).sin();
    let y = -a_sway * (TAU * ph).sin();
    let r = yxz(tilt.to_radians(), obl.to_radians(), rot.to_radians());
    ([x, y], r, [tilt, obl, rot])
}

/// Leg configuration in the swing parameterisation: thigh angle from the
/// vertical (forward positive, radians), knee flexion (radians), ankle
/// lateral offset from the hip (metres).
#[derive(Debug, Clone, Copy)]
pub struct LegCfg {
    pub theta: f64,
    pub knee: f64,
    pub dy: f64,
}

impl LegCfg {
    pub fn from_points(body: &Body, hip: V3, ankle: V3) -> LegCfg {
        let d = sub(ankle, hip);
        let span = norm(d);
        let knee = body.knee_for_span(span);
        let zr = -(span * span - d[0] * d[0]).max(0.0).sqrt();
        let phi = d[0].atan2(-zr);
        let (a, b) = (body.thigh, body.shank);
        let alpha = ((a * a + span * span - b * b) / (2.0 * a * span)).clamp(-1.0, 1.0).acos();
        LegCfg { theta: phi + alpha, knee, dy: d[1] }
    }
    pub fn ankle(&self, body: &Body, hip: V3) -> V3 {
        let (a, b) = (body.thigh, body.shank);
        let xr = a * self.theta.sin() + b * (self.theta - self.knee).sin();
        let zr = -a * self.theta.cos() - b * (self.theta - self.knee).cos();
        let d2 = xr * xr + zr * zr;
        let z = -(d2 - xr * xr - self.dy * self.dy).max(0.0).sqrt();
        add(hip, [xr, self.dy, z])
    }
}

/// Solve the hinge knee for a hip and ankle: returns the knee centre and the
/// knee flexion axis (unit, pointing left).
pub fn solve_knee(body: &Body, hip: V3, ankle: V3) -> (V3, V3) {
    let d = sub(ankle, hip);
    let span = norm(d).min(body.thigh + body.shank - 1e-12);
    let u = unit(d);
    let n = unit(cross([1.0, 0.0, 0.0], d));
    let w = cross(u, n);
    let (a, b) = (body.thigh, body.shank);
    let ca = ((a * a + span * span - b * b) / (2.0 * a * span)).clamp(-1.0, 1.0);
    let sa = (1.0 - ca * ca).sqrt();
    (add(hip, add(scale(u, a * ca), scale(w, a * sa))), n)
}

/// Per-frame pose of the whole model (belt frame).
#[derive(Debug, Clone)]
pub struct Pose {
    pub pelvis_o: V3,
    pub pelvis_r: M3,
    pub pelvis_deg: [f64; 3],
    pub hip: [V3; 2],
    pub knee: [V3; 2],
    pub ankle: [V3; 2],
    pub knee_axis: [V3; 2],
    pub foot_r: [M3; 2],
    pub foot_o: [V3; 2],
    pub in_stance: [bool; 2],
}

impl Pose {
    pub fn thigh_r(&self, i: usize) -> M3 {
        let z = unit(sub(self.hip[i], self.knee[i]));
        let y = self.knee_axis[i];
        from_cols(cross(y, z), y, z)
    }
    pub fn shank_r(&self, i: usize) -> M3 {
        let z = unit(sub(self.knee[i], self.ankle[i]));
        let y = self.knee_axis[i];
        from_cols(cross(y, z), y, z)
    }
    /// Height of the foot's lowest sole point (heel or forefoot rocker).
    pub fn foot_low(&self, body: &Body, i: usize) -> f64 {
        body.sole_low(&self.foot_r[i], self.foot_o[i])
    }
    /// Marker positions (belt frame), Plug-in Gait lower body, in the order
    /// of [`super::PIG_MARKERS`].
    pub fn markers(&self, body: &Body) -> Vec<V3> {
        let mut out = Vec::with_capacity(16);
        let p = |v: V3| add(self.pelvis_o, mv(&self.pelvis_r, v));
        let half = body.inter_asis / 2.0;
        let psis_half = 0.045 * body.height / 1.75;
        for (i, s) in SIDES.iter().enumerate() {
            let sg = side_sign(*s);
            let lat = scale(self.knee_axis[i], sg);
            let thigh_z = unit(sub(self.hip[i], self.knee[i]));
            let shank_z = unit(sub(self.knee[i], self.ankle[i]));
            let f = |v: V3| add(self.foot_o[i], mv(&self.foot_r[i], v));
            out.push(p([0.0, sg * half, 0.0])); // ASI
            out.push(p([-body.pelvis_depth, sg * psis_half, 0.0])); // PSI
            out.push(add(self.knee[i], add(scale(thigh_z, 0.45 * body.thigh), scale(lat, 0.07 + body.marker_r)))); // THI
            out.push(add(self.knee[i], scale(lat, body.knee_width / 2.0 + body.marker_r))); // KNE
            out.push(add(self.ankle[i], add(scale(shank_z, 0.4 * body.shank), scale(lat, 0.06 + body.marker_r)))); // TIB
            out.push(add(self.ankle[i], scale(lat, body.ankle_width / 2.0 + body.marker_r))); // ANK
            out.push(f(body.hee_f)); // HEE
            out.push(f(body.toe_f)); // TOE
        }
        out
    }
}

/// Cubic Hermite on [0, 1] from `(y0, d0)` to `(y1, d1)` (values and
/// slopes per unit of the parameter).
pub fn hermite(y0: f64, d0: f64, y1: f64, d1: f64, u: f64) -> f64 {
    let (u2, u3) = (u * u, u * u * u);
    (2.0 * u3 - 3.0 * u2 + 1.0) * y0 + (u3 - 2.0 * u2 + u) * d0 + (3.0 * u2 - 2.0 * u3) * y1 + (u3 - u2) * d1
}

/// Swing thigh angle: a cubic Hermite from the toe-off angle and rate to the
/// landing angle and rate (`s` = swing fraction, rates per unit `s`). With the
/// thigh still flexing fast at toe off and already extending at landing (the
/// pelvis moves over the planted foot), it leads early in swing and
/// overshoots the landing angle by a few degrees in terminal swing, as the
/// hip does (Winter 2009, appendix A; Perry & Burnfield 2010, ch. 4: hip
/// flexion ~0 deg at toe off, ~20 deg at peak knee flexion, peak ~30 deg
/// at ~85 % of the cycle, slightly less at initial contact). The slopes are
/// clamped so the curve stays monotone up to a bounded overshoot.
#[derive(Debug, Clone, Copy)]
pub struct SwingThigh {
    a: f64,
    b: f64,
    m0: f64,
    m1: f64,
}

impl SwingThigh {
    pub fn new(a: f64, b: f64, va: f64, vb: f64) -> SwingThigh {
        let d = b - a;
        let (m0, m1) = if d.abs() < 1e-9 { (0.0, 0.0) } else { ((va / d).clamp(2.2, 2.8), (vb / d).clamp(-0.6, 0.3)) };
        SwingThigh { a, b, m0, m1 }
    }
    pub fn at(&self, s: f64) -> f64 {
        let d = self.b - self.a;
        hermite(self.a, self.m0 * d, self.b, self.m1 * d, s)
    }
}

/// Swing knee flexion: rises from the toe-off value (leaving with the
/// stance rate) to the set peak at swing fraction `s_peak`, then extends to
/// the landing value, arriving with the landing rate (the knee starts to flex
/// for loading). Walking: ~40 deg at toe off, peak ~60 deg at ~27 % of swing
/// (~71 % of the cycle), nearly straight from ~85 % of swing (Perry &
/// Burnfield 2010, ch. 6; Winter 2009). Running: peak ~90-110 deg near mid
/// swing (Novacheck 1998). Radians.
#[derive(Debug, Clone, Copy)]
pub struct SwingKnee {
    ka: f64,
    da: f64,
    kp: f64,
    sp: f64,
    kb: f64,
    db: f64,
}

impl SwingKnee {
    pub fn new(ka: f64, va: f64, kp: f64, sp: f64, kb: f64, vb: f64) -> SwingKnee {
        let kp = kp.max(ka).max(kb);
        let da = (va * sp).clamp(1.5 * (kp - ka), 2.5 * (kp - ka));
        // A positive landing rate makes the knee dip just before contact
        // (by <= 0.15 * db): keep that above zero flexion.
        let db = (vb * (1.0 - sp)).clamp(0.0, (2.0 * kb).max(0.0).min(0.5 * (kp - kb)));
        SwingKnee { ka, da, kp, sp, kb, db }
    }
    pub fn at(&self, s: f64) -> f64 {
        if s <= self.sp {
            hermite(self.ka, self.da, self.kp, 0.0, s / self.sp)
        } else {
            hermite(self.kp, 0.0, self.kb, self.db, (s - self.sp) / (1.0 - self.sp))
        }
    }
}
