//! Gait and running simulator: the project's ground-truth oracle and demo-data
//! generator.
//!
//! [`simulate`] turns a [`SimConfig`] into a [`SimTrial`]: Plug-in Gait
//! lower-body markers (metres, lab frame), force-plate and EMG channels, the
//! file events, and a [`Truth`] record of every quantity that was put in.
//! [`write_trial`] writes a trial as Vicon Nexus CSV, OpenSim TRC (+ `_grf.mot`),
//! tab-delimited text or C3D, with `<stem>.truth.json` beside it.
//!
//! # Model
//! Pelvis + thigh, shank and foot per side, sized from height (see [`body`]).
//! The scheme that makes the truth exact:
//! 1. A contact plan: foot strikes and foot offs on the marker frame grid
//!    (events are exact frames), stride-to-stride variability from a seeded
//!    xoshiro256** stream, foot placements relative to the hip at strike.
//! 2. Stance feet are prescribed: planted on the floor (z = 0), rotating about
//!    the heel (rearfoot/midfoot, positive strike angle) or the forefoot
//!    (forefoot strike) to foot flat, then rolling over the forefoot to toe
//!    off: walking along a rocker from the metatarsal heads to the toe tip
//!    ([`body::Body::rocker_r`]), running about the metatarsal heads. The foot's lowest point is exactly on the floor through
//!    stance and strictly above it in swing.
//! 3. Pelvis: prescribed forward path, sway, tilt/obliquity/rotation; its
//!    height is the largest that lets every stance leg reach its foot with the
//!    stance-knee target, lowered by a min-filter + box smoothing (so it never
//!    exceeds the reach), ballistic in running flight.
//!    In walking pre-swing (contralateral strike to toe off) the trailing leg
//!    does not set the height: its heel rise is solved so its knee flexes
//!    to ~38 deg at toe off, and at least to an accelerating pitch ramp
//!    ([`PRE_SWING_TOE_OFF_PITCH`]), stride after stride.
//! 4. Swing legs from the exact toe-off pose to the exact landing pose: the
//!    thigh a cubic Hermite leaving with (at least) the stance flexion rate
//!    and slightly overshooting the landing angle ([`body::SwingThigh`]); the
//!    knee rising to its set peak (walking ~60 deg at 27 % of swing, running
//!    ~100 deg at 62 %) and extending to the landing value
//!    ([`body::SwingKnee`]); the ankle back to its landing angle by mid-swing.
//!    Walking mid-swing lifts the sole to >= [`MIN_TOE_CLEARANCE`] (soft, so
//!    the path stays smooth); any swing foot is kept above the floor. The
//!    walking swing starts by continuing the toe-off motion (ankle velocity,
//!    foot pitch rate; see [`TOE_OFF_HOLD`]), so the toe accelerates forward
//!    from toe off as in adult walking.
//! 5. Both legs are solved by two-link inverse kinematics (hinge knee, axis
//!    perpendicular to the hip-ankle line and the direction of travel).
//!
//! Treadmill trials are computed on the belt and shifted by `-belt speed * t`,
//! so the pelvis stays and stance feet move backwards at belt speed.

pub mod body;
pub mod c3d;
pub mod dynamometer;
pub mod emg;
pub mod geom;
pub mod grf;
pub mod rng;
pub mod truth;
pub mod write;

use crate::model::{AnalogChannel, EventKind, FileEvent, ForcePlate, Marker, Side};
use body::*;
use geom::*;
use rng::Rng;
pub use truth::Truth;
pub use write::{OutFormat, demo_imbalanced_gait, write_dataset, write_demo, write_trial};

/// Time constant (s) over which a walking swing ankle's velocity turns from
/// its toe-off value into the joint-space swing's.
const TOE_OFF_TAU: f64 = 0.03;

/// Walking early swing: the foot keeps its toe-off pitch (after a short
/// overshoot: the toe-off pitch rate decays as `t exp(-t / TOE_OFF_PITCH_TAU)`)
/// and blends into the joint-space pitch by this swing fraction.
const TOE_OFF_HOLD: f64 = 0.6;
const TOE_OFF_PITCH_TAU: f64 = 0.02;

/// Largest knee flexion rate (deg/s) a walking swing starts with.
const KNEE_RATE_MAX: f64 = 250.0;

/// Walking toe-off pitch (degrees, heel up < 0): in pre-swing the heel rises
/// at least along `lerp(pitch at the contralateral strike, this, u^2)` (u =
/// fraction of pre-swing), so the foot rolls over its toe tip faster and
/// faster up to toe off (real feet: 55-67 deg of heel-toe pitch at toe off).
const PRE_SWING_TOE_OFF_PITCH: f64 = -54.0;

/// Mid-swing sole clearance the swing foot is lifted to (metres).
pub const MIN_TOE_CLEARANCE: f64 = 0.015;

/// Lowest height the swing sole may have, frames after toe off and before
/// the next strike: it leaves the floor at once at a set vertical speed and
/// lands at a set speed, so the foot neither skims nor slides along the
/// floor at either end of swing (the joint-space swing alone dips the
/// metatarsal heads below the floor as the knee and hip start to flex, and
/// before landing as the leg extends).
///
/// Each end is a quadratic ease from 0 (initial slope `v`, m/s) to the
/// plateau `h`, reached after `2 h / v`. Running: the toe leaves at 0.8 m/s
/// and lands at 0.6 m/s (Novacheck 1998: the foot is off the ground within a
/// few milliseconds of toe off), 20 mm plateau; walking: 0.15 and 0.3 m/s, 8 mm
/// (the walking foot leaves rotating about its toe tip, which the continued
/// roll lifts by itself; mid-swing clearance is [`MIN_TOE_CLEARANCE`]; Winter
/// 1992).
#[derive(Debug, Clone, Copy)]
struct SoleEnvelope {
    h: f64,
    v_off: f64,
    v_on: f64,
    v_rest: f64,
    rate: f64,
}

impl SoleEnvelope {
    fn new(mode: Mode, rate: f64) -> SoleEnvelope {
        let (h, v_off, v_on, v_rest) = match mode {
            Mode::Run => (0.020, 0.8, 0.6, 0.3),
            Mode::Walk => (0.008, 0.15, 0.3, 0.0),
        };
        SoleEnvelope { h, v_off, v_on, v_rest, rate }
    }
    fn ramp(&self, frames: i64, v: f64, v_rest: f64) -> f64 {
        let (t, tt) = (frames as f64 / self.rate, 2.0 * self.h / (v + v_rest));
        if t >= tt { self.h + v_rest * (t - tt) } else { v * t - (v - v_rest) * t * t / (2.0 * tt) }
    }
    /// Floor of the lowest sole point `after_off` frames after toe off and
    /// `before_on` frames before the next strike (metres).
    fn floor(&self, after_off: i64, before_on: i64) -> f64 {
        if after_off <= before_on {
            self.ramp(after_off, self.v_off, self.v_rest)
        } else {
            self.ramp(before_on, self.v_on, 0.0)
        }
    }
}

/// Plug-in Gait lower-body markers in the order the simulator produces them.
pub const PIG_MARKERS: [&str; 16] = [
    "LASI", "LPSI", "LTHI", "LKNE", "LTIB", "LANK", "LHEE", "LTOE", "RASI", "RPSI", "RTHI", "RKNE", "RTIB", "RANK",
    "RHEE", "RTOE",
];

/// Walking or running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Walk,
    Run,
}

/// Foot-strike class (Altman & Davis 2012 foot-strike-angle thresholds: RFS >
/// 8.0 deg, MFS -1.6..8.0 deg, FFS < -1.6 deg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StrikePattern {
    Rearfoot,
    Midfoot,
    Forefoot,
}

impl StrikePattern {
    /// Class of a foot-strike angle (degrees, relative to standing).
    pub fn classify(angle_deg: f64) -> StrikePattern {
        if angle_deg > 8.0 {
            StrikePattern::Rearfoot
        } else if angle_deg >= -1.6 {
            StrikePattern::Midfoot
        } else {
            StrikePattern::Forefoot
        }
    }
    /// A typical angle for the class (walking heel strike 20 deg; running
    /// rearfoot 15 deg, midfoot 3 deg, forefoot -8 deg).
    pub fn default_angle(self, mode: Mode) -> f64 {
        match (self, mode) {
            (StrikePattern::Rearfoot, Mode::Walk) => 20.0,
            (StrikePattern::Rearfoot, Mode::Run) => 15.0,
            (StrikePattern::Midfoot, _) => 3.0,
            (StrikePattern::Forefoot, _) => -8.0,
        }
    }
}

/// Which horizontal lab axis the subject walks along. In a Y-up lab `PosY`
/// and `NegY` mean +Z and -Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Direction {
    PosX,
    NegX,
    PosY,
    NegY,
}

/// Lab frame of the written markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LabFrame {
    pub y_up: bool,
    pub direction: Direction,
}

impl LabFrame {
    /// Rotation from the gait frame (x forward, y left, z up) to the lab.
    pub fn rotation(&self) -> M3 {
        let (fwd, up): (V3, V3) = if self.y_up {
            let f = match self.direction {
                Direction::PosX => [1.0, 0.0, 0.0],
                Direction::NegX => [-1.0, 0.0, 0.0],
                Direction::PosY => [0.0, 0.0, 1.0],
                Direction::NegY => [0.0, 0.0, -1.0],
            };
            (f, [0.0, 1.0, 0.0])
        } else {
            let f = match self.direction {
                Direction::PosX => [1.0, 0.0, 0.0],
                Direction::NegX => [-1.0, 0.0, 0.0],
                Direction::PosY => [0.0, 1.0, 0.0],
                Direction::NegY => [0.0, -1.0, 0.0],
            };
            (f, [0.0, 0.0, 1.0])
        };
        let left = cross(up, fwd);
        from_cols(fwd, left, up)
    }
    pub fn up_axis(&self) -> usize {
        if self.y_up { 1 } else { 2 }
    }
}

/// Strike settings of one side.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Strike {
    pub pattern: StrikePattern,
    /// Foot-strike angle, degrees, relative to standing (positive = rearfoot).
    pub angle_deg: f64,
}

/// Asymmetries put in on purpose.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Asymmetry {
    /// This side's step (contralateral strike to this strike) is shorter.
    pub short_step: Option<(Side, f64)>,
    /// This side's knee extends less in terminal swing: it lands this many
    /// degrees more flexed than the other knee (see `knee_extension_deficit`).
    pub knee_extension_deficit: Option<(Side, f64)>,
}

/// Everything the simulator needs. Build with [`SimConfig::walking`] or
/// [`SimConfig::running`] and the `with_*` builders.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SimConfig {
    pub subject: String,
    pub mode: Mode,
    /// Belt speed on a treadmill, `None` overground.
    pub treadmill: bool,
    pub speed_m_s: f64,
    /// Steps per minute; `None` = from speed (walking 121 * sqrt(v/1.28),
    /// after gaitutils normal data; running 160 + 8 (v - 3)).
    pub cadence: Option<f64>,
    pub duration_s: f64,
    /// Marker rate; `None` = 100 Hz walking, 200 Hz running.
    pub rate_hz: Option<f64>,
    /// Force-plate and EMG rate (an integer multiple of the marker rate).
    pub analog_rate_hz: f64,
    pub height_m: f64,
    pub mass_kg: f64,
    pub seed: u64,
    /// Stride-to-stride variability scale (1 = typical healthy, 0 = none).
    pub variability: f64,
    /// Left, right.
    pub strike: [Strike; 2],
    pub asymmetry: Asymmetry,
    /// Gaussian marker noise, standard deviation in millimetres.
    pub noise_mm: f64,
    /// Number of gaps (dropped-frame runs) to punch into random markers.
    pub gaps: usize,
    pub gap_max_frames: usize,
    pub lab: LabFrame,
    pub force_plates: bool,
    pub emg: bool,
    /// EMG burst amplitude scales (left, right) of hamstrings and quadriceps.
    pub hamstring_scale: [f64; 2],
    pub quadriceps_scale: [f64; 2],
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig::walking()
    }
}

impl SimConfig {
    /// A healthy adult walking overground at 1.3 m/s, rearfoot strike.
    pub fn walking() -> SimConfig {
        let rf = Strike { pattern: StrikePattern::Rearfoot, angle_deg: 20.0 };
        SimConfig {
            subject: "Sim".into(),
            mode: Mode::Walk,
            treadmill: false,
            speed_m_s: 1.3,
            cadence: None,
            duration_s: 10.0,
            rate_hz: None,
            analog_rate_hz: 1000.0,
            height_m: 1.75,
            mass_kg: 70.0,
            seed: 1,
            variability: 1.0,
            strike: [rf, rf],
            asymmetry: Asymmetry::default(),
            noise_mm: 0.0,
            gaps: 0,
            gap_max_frames: 10,
            lab: LabFrame { y_up: false, direction: Direction::PosX },
            force_plates: true,
            emg: true,
            hamstring_scale: [1.0, 1.0],
            quadriceps_scale: [1.0, 1.0],
        }
    }
    /// A runner on a treadmill at 3.2 m/s, rearfoot strike.
    pub fn running() -> SimConfig {
        let rf = Strike { pattern: StrikePattern::Rearfoot, angle_deg: 15.0 };
        SimConfig { mode: Mode::Run, treadmill: true, speed_m_s: 3.2, strike: [rf, rf], ..SimConfig::walking() }
    }
    pub fn with_speed(mut self, v: f64) -> Self {
        self.speed_m_s = v;
        self
    }
    pub fn with_treadmill(mut self, on: bool) -> Self {
        self.treadmill = on;
        self
    }
    pub fn with_duration(mut self, s: f64) -> Self {
        self.duration_s = s;
        self
    }
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    pub fn with_rate(mut self, hz: f64) -> Self {
        self.rate_hz = Some(hz);
        self
    }
    pub fn with_cadence(mut self, steps_min: f64) -> Self {
        self.cadence = Some(steps_min);
        self
    }
    pub fn with_subject(mut self, name: &str, height_m: f64, mass_kg: f64) -> Self {
        self.subject = name.into();
        self.height_m = height_m;
        self.mass_kg = mass_kg;
        self
    }
    /// Set the strike of one side; `angle_deg = None` takes the class default.
    pub fn with_strike(mut self, side: Side, pattern: StrikePattern, angle_deg: Option<f64>) -> Self {
        let a = angle_deg.unwrap_or(pattern.default_angle(self.mode));
        self.strike[side_idx(side)] = Strike { pattern, angle_deg: a };
        self
    }
    pub fn with_noise(mut self, mm: f64, gaps: usize) -> Self {
        self.noise_mm = mm;
        self.gaps = gaps;
        self
    }
    pub fn with_lab(mut self, y_up: bool, direction: Direction) -> Self {
        self.lab = LabFrame { y_up, direction };
        self
    }
    pub fn with_variability(mut self, v: f64) -> Self {
        self.variability = v;
        self
    }
    pub fn with_short_step(mut self, side: Side, metres: f64) -> Self {
        self.asymmetry.short_step = Some((side, metres));
        self
    }
    pub fn with_knee_extension_deficit(mut self, side: Side, deg: f64) -> Self {
        self.asymmetry.knee_extension_deficit = Some((side, deg));
        self
    }
    pub fn with_hamstring_scale(mut self, side: Side, s: f64) -> Self {
        self.hamstring_scale[side_idx(side)] = s;
        self
    }
    pub fn with_analogs(mut self, force_plates: bool, emg: bool) -> Self {
        self.force_plates = force_plates;
        self.emg = emg;
        self
    }
    pub fn rate(&self) -> f64 {
        self.rate_hz.unwrap_or(match self.mode {
            Mode::Walk => 100.0,
            Mode::Run => 200.0,
        })
    }
    pub fn cadence_steps_min(&self) -> f64 {
        self.cadence.unwrap_or(match self.mode {
            Mode::Walk => 121.0 * (self.speed_m_s / 1.28).sqrt(),
            Mode::Run => 160.0 + 8.0 * (self.speed_m_s - 3.0),
        })
    }
    /// Stance fraction of a stride (walking 0.60 at 1.28 m/s, gaitutils
    /// normals; running duty factor 0.40 at 3 m/s falling with speed).
    pub fn stance_fraction(&self) -> f64 {
        match self.mode {
            Mode::Walk => (0.60 - 0.05 * (self.speed_m_s - 1.28)).clamp(0.55, 0.68),
            Mode::Run => (0.40 - 0.04 * (self.speed_m_s - 3.0)).clamp(0.25, 0.45),
        }
    }
    pub fn frames(&self) -> usize {
        (self.duration_s * self.rate()).round() as usize + 1
    }
}

/// A simulated trial: what a reader would return, plus the truth.
#[derive(Debug, Clone)]
pub struct SimTrial {
    pub config: SimConfig,
    pub rate_hz: f64,
    pub frames: usize,
    /// Lab frame, metres; gaps are NaN.
    pub markers: Vec<Marker>,
    /// Force plate (`Force.Fx1`, `Moment.Mx1`, `COP.Px1`, ...) and EMG
    /// channels, all at `config.analog_rate_hz`, `frames * ratio` samples.
    pub analogs: Vec<AnalogChannel>,
    pub force_plates: Vec<ForcePlate>,
    pub events: Vec<FileEvent>,
    pub truth: Truth,
    /// Whether this is a static (standing) trial.
    pub is_static: bool,
}

/// The plan and poses of a simulation, before markers are written out.
pub(crate) struct Kin {
    pub body: Body,
    pub contacts: Vec<Contact>,
    /// Frame index of `poses[0]` (negative: margin before the trial).
    pub i0: i64,
    pub poses: Vec<Pose>,
}

impl Kin {
    pub fn pose(&self, frame: i64) -> &Pose {
        &self.poses[(frame - self.i0) as usize]
    }
}

/// Pelvis phase at frame `i` from the right foot strikes.
fn pelvis_phase(right_fs: &[i64], i: f64) -> f64 {
    let k = right_fs.partition_point(|&f| (f as f64) <= i);
    let k = k.clamp(1, right_fs.len() - 1);
    let (a, b) = (right_fs[k - 1] as f64, right_fs[k] as f64);
    (k - 1) as f64 + (i - a) / (b - a)
}

#[allow(clippy::needless_range_loop)]
pub(crate) fn plan_and_pose(cfg: &SimConfig) -> Kin {
    let mut body = Body::new(cfg.height_m, cfg.mass_kg);
    if cfg.mode == Mode::Run {
        // Running keeps the rigid metatarsal-head pivot (no forefoot rocker).
        body.rocker_r = 0.0;
        body.rocker_end = 0.0;
    }
    let rate = cfg.rate();
    let n = cfg.frames() as i64;
    let stride_t = 120.0 / cfg.cadence_steps_min();
    let stride_f = stride_t * rate;
    let stance = cfg.stance_fraction();
    let run = cfg.mode == Mode::Run;
    let var = cfg.variability;
    let mut rng = Rng::stream(cfg.seed, 1);
    // 1. Event times (frames) per side.
    let margin = (2.0 * stride_f).ceil() as i64 + 20;
    let mut fs: [Vec<i64>; 2] = [Vec::new(), Vec::new()];
    let mut strides: Vec<f64> = Vec::new();
    let mut t = -(margin as f64) - stride_f * rng.uniform();
    while t < (n + margin) as f64 + stride_f {
        let tk = stride_f * (1.0 + 0.015 * var * rng.normal());
        fs[1].push(t.round() as i64);
        fs[0].push((t + tk * (0.5 + 0.005 * var * rng.normal())).round() as i64);
        strides.push(tk);
        t += tk;
    }
    let step_len = cfg.speed_m_s * stride_t / 2.0;
    // Heel origin ahead of the hip centre at strike: walking 0.36 of the step
    // (~0.23 m at 1.3 m/s) gives ~20 deg thigh and ~5 deg knee at contact.
    let ahead = if run { 0.22 } else { 0.36 } * step_len;
    let width = if run { 0.06 } else { 0.10 } * cfg.height_m / 1.75;
    let toe_out: f64 = if run { 5.0 } else { 7.0 };
    let (tau_ff_rf, tau_ho): (f64, f64) = if run { (0.15, 0.6) } else { (0.13, 0.55) };
    let fo_pitch = if run { -35.0 } else { -50.0 };
    let knee_peak = if run { 100.0 } else { 60.0 };
    let mut contacts = Vec::new();
    for (si, side) in SIDES.iter().enumerate() {
        let strike = cfg.strike[si];
        let mut extra_ahead = 0.0;
        if let Some((s, m)) = cfg.asymmetry.short_step {
            extra_ahead = if s == *side { -m / 2.0 } else { m / 2.0 };
        }
        let knee_extra = match cfg.asymmetry.knee_extension_deficit {
            Some((s, d)) if s == *side => d,
            _ => 0.0,
        };
        for (k, &f) in fs[si].iter().enumerate() {
            let tk = strides[k.min(strides.len() - 1)];
            let fo = f + (tk * stance).round() as i64;
            let ph = pelvis_phase(&fs[1], f as f64);
            let (xy, r, _) = pelvis_pose(cfg, ph, f as f64 / rate);
            let hip = add([xy[0], xy[1], 0.0], mv(&r, body.hjc(*side)));
            let fsa = strike.angle_deg + 0.3 * var * rng.normal();
            let x = hip[0] + ahead + extra_ahead + 0.01 * var * rng.normal();
            let y = side_sign(*side) * width / 2.0 + 0.008 * var * rng.normal();
            let tau_ff = if fsa >= 0.0 { tau_ff_rf } else { 0.25 };
            contacts.push(Contact {
                side: *side,
                fs: f,
                fo,
                origin: [x, y],
                yaw: side_sign(*side) * toe_out.to_radians(),
                fsa,
                pattern: strike.pattern,
                fo_pitch,
                tau_ff,
                tau_ho: tau_ho.max(tau_ff + 0.05),
                knee_ic_extra: knee_extra,
                swing_knee_peak: knee_peak + 2.0 * var * rng.normal() - knee_extra * 0.3,
                pre_swing: fo,
            });
        }
    }
    contacts.sort_by_key(|c| (c.fs, side_idx(c.side)));
    // Pre-swing (walking double support at the end of stance) starts at the
    // contralateral strike in the second half of this stance.
    let strikes: Vec<(Side, i64)> = contacts.iter().map(|c| (c.side, c.fs)).collect();
    for c in contacts.iter_mut() {
        let mid = (c.fs + c.fo) / 2;
        if let Some(&(_, f)) = strikes.iter().find(|(s, f)| *s != c.side && *f > mid && *f < c.fo) {
            c.pre_swing = f;
        }
    }
    let knee_to = (if run { 18f64 } else { 38.0 }).to_radians();
    let i0 = -margin;
    let i1 = n + margin;
    let len = (i1 - i0) as usize;
    // Index of each side's contacts for lookups.
    let per_side: [Vec<&Contact>; 2] = [
        contacts.iter().filter(|c| c.side == Side::Left).collect(),
        contacts.iter().filter(|c| c.side == Side::Right).collect(),
    ];
    let stance_of =
        |si: usize, i: i64| -> Option<&Contact> { per_side[si].iter().find(|c| c.fs <= i && i <= c.fo).copied() };
    // 2. Pelvis horizontal pose; raw height from the stance legs.
    let mut base: Vec<([f64; 2], M3, [f64; 3])> = Vec::with_capacity(len);
    let mut zraw = vec![f64::NAN; len];
    for j in 0..len {
        let i = i0 + j as i64;
        let ph = pelvis_phase(&fs[1], i as f64);
        let (xy, r, deg) = pelvis_pose(cfg, ph, i as f64 / rate);
        for si in 0..2 {
            // In pre-swing the trailing foot's heel rise follows the pelvis
            // (see below), so only the leading leg sets the height.
            if let Some(c) = stance_of(si, i).filter(|c| i < c.pre_swing) {
                let tau = (i - c.fs) as f64 / (c.fo - c.fs) as f64;
                let (fr, fo) = c.foot_pose_mtp(&body, tau);
                let a = add(fo, mv(&fr, body.ajc_f));
                let off = mv(&r, body.hjc(SIDES[si]));
                let k = stance_knee_target(cfg.mode, tau).to_radians();
                let d = body.leg_span(k);
                let dx = xy[0] + off[0] - a[0];
                let dy = xy[1] + off[1] - a[1];
                let h = (d * d - dx * dx - dy * dy).max(0.0).sqrt();
                let z = a[2] - off[2] + h;
                zraw[j] = if zraw[j].is_nan() { z } else { zraw[j].min(z) };
            }
        }
        base.push((xy, r, deg));
    }
    // Flight (running): ballistic arcs between the known heights.
    let g = 9.81;
    let mut j = 0;
    while j < len {
        if zraw[j].is_nan() {
            let a = j;
            while j < len && zraw[j].is_nan() {
                j += 1;
            }
            let b = j; // first known after the gap (or len)
            let za = if a > 0 { zraw[a - 1] } else { zraw.get(b).copied().unwrap_or(0.9) };
            let zb = if b < len { zraw[b] } else { za };
            let (ta, tb) = ((a as f64 - 1.0) / rate, b as f64 / rate);
            for (q, z) in zraw.iter_mut().enumerate().take(b).skip(a) {
                let tq = q as f64 / rate;
                let s = (tq - ta) / (tb - ta);
                *z = lerp(za, zb, s) + 0.5 * g * (tq - ta) * (tb - tq);
            }
        } else {
            j += 1;
        }
    }
    // Lower envelope smoothing: erosion (radius w) then two box filters of
    // radius w/2; the result never exceeds the raw height.
    let w = ((0.03 * rate).round() as usize).max(2);
    let ero: Vec<f64> = (0..len)
        .map(|j| zraw[j.saturating_sub(w)..(j + w + 1).min(len)].iter().cloned().fold(f64::INFINITY, f64::min))
        .collect();
    let boxf = |v: &[f64], r: usize| -> Vec<f64> {
        (0..len)
            .map(|j| {
                let (a, b) = (j.saturating_sub(r), (j + r + 1).min(len));
                // Shrink to a symmetric window at the edges.
                let h = (j - a).min(b - 1 - j);
                let s = &v[j - h..=j + h];
                s.iter().sum::<f64>() / s.len() as f64
            })
            .collect()
    };
    let mut zp = boxf(&boxf(&ero, w / 2), w / 2);
    knee_extension_deficit(cfg, &body, &contacts, &base, &zraw, i0, &mut zp);
    // 3. Poses: stance legs from the planted foot, swing legs interpolated.
    let mut poses: Vec<Pose> = (0..len)
        .map(|j| {
            let (xy, r, deg) = base[j];
            let o = [xy[0], xy[1], zp[j]];
            let hip = [add(o, mv(&r, body.hjc(Side::Left))), add(o, mv(&r, body.hjc(Side::Right)))];
            Pose {
                pelvis_o: o,
                pelvis_r: r,
                pelvis_deg: deg,
                hip,
                knee: [[0.0; 3]; 2],
                ankle: [[0.0; 3]; 2],
                knee_axis: [[0.0; 3]; 2],
                foot_r: [[[0.0; 3]; 3]; 2],
                foot_o: [[0.0; 3]; 2],
                in_stance: [false; 2],
            }
        })
        .collect();
    for (si, list) in per_side.iter().enumerate() {
        for (ci, c) in list.iter().enumerate() {
            let mut pitch_ps = f64::NAN;
            let mut pitch_start = 0.0;
            let mut knee_ps = 0.0;
            for i in c.fs.max(i0)..=c.fo.min(i1 - 1) {
                let tau = (i - c.fs) as f64 / (c.fo - c.fs) as f64;
                let (mut fr, mut fo) = c.foot_pose(&body, tau);
                if i >= c.pre_swing {
                    // Pre-swing: the heel rises so that the knee flexes from its
                    // value at the contralateral strike to the toe-off target
                    // (1 - cos ramp: the knee leaves stance flexing), so toe off
                    // is the same posture stride after stride (Perry & Burnfield
                    // 2010: ~40 deg at toe off) and the pitch absorbs the
                    // stride-to-stride variability.
                    let hip = poses[(i - i0) as usize].hip[si];
                    if pitch_ps.is_nan() {
                        pitch_ps = c.pitch(tau);
                        pitch_start = pitch_ps;
                        knee_ps = body.knee_for_span(norm(sub(add(fo, mv(&fr, body.ajc_f)), hip)));
                    }
                    let u = (i - c.pre_swing) as f64 / (c.fo - c.pre_swing) as f64;
                    let k = lerp(knee_ps, knee_to.max(knee_ps), 1.0 - (std::f64::consts::FRAC_PI_2 * u).cos());
                    let p = c.pitch_for_span(&body, hip, body.leg_span(k), pitch_ps);
                    let p = p.min(lerp(pitch_start, PRE_SWING_TOE_OFF_PITCH, u * u));
                    pitch_ps = p;
                    (fr, fo) = c.rolled(&body, p);
                }
                let p = &mut poses[(i - i0) as usize];
                p.foot_r[si] = fr;
                p.foot_o[si] = fo;
                p.ankle[si] = add(fo, mv(&fr, body.ajc_f));
                p.in_stance[si] = true;
            }
            // Swing from this contact's foot off to the next foot strike.
            let Some(nx) = list.get(ci + 1) else { continue };
            let (a, b) = (c.fo, nx.fs);
            if b <= i0 || a >= i1 - 1 {
                continue;
            }
            if a < i0 || b > i1 - 1 {
                // Partial swing at the margins: not needed inside the trial;
                // hold the foot-off pose to keep the arrays defined.
                for i in (a + 1).max(i0)..b.min(i1) {
                    let p = &mut poses[(i - i0) as usize];
                    let (fr, fo) = c.foot_pose(&body, 1.0);
                    p.foot_r[si] = fr;
                    p.foot_o[si] = add(fo, [0.0, 0.0, 0.05]);
                    p.ankle[si] = add(p.foot_o[si], mv(&fr, body.ajc_f));
                }
                continue;
            }
            let pa = &poses[(a - i0) as usize];
            let cfg_a = LegCfg::from_points(&body, pa.hip[si], pa.ankle[si]);
            // Stance-end rates (per frame) so the swing leaves toe off with the
            // thigh and knee velocities the stance leg had (C1 at toe off).
            let pa1 = &poses[((a - 1).max(i0) - i0) as usize];
            let cfg_a1 = LegCfg::from_points(&body, pa1.hip[si], pa1.ankle[si]);
            let pitch_a = poses[(a - i0) as usize].foot_r[si][2][0].asin().to_degrees();
            let (fr_b, fo_b) = nx.foot_pose(&body, 0.0);
            let ankle_b = add(fo_b, mv(&fr_b, body.ajc_f));
            let pb_hip = poses[(b - i0) as usize].hip[si];
            let cfg_b = LegCfg::from_points(&body, pb_hip, ankle_b);
            // Landing rates from the first stance frame after the strike.
            let (fr_b1, fo_b1) = nx.foot_pose(&body, 1.0 / (nx.fo - nx.fs) as f64);
            let pb1_hip = poses[((b + 1).min(i1 - 1) - i0) as usize].hip[si];
            let cfg_b1 = LegCfg::from_points(&body, pb1_hip, add(fo_b1, mv(&fr_b1, body.ajc_f)));
            let ank_a = pitch_a - (cfg_a.theta - cfg_a.knee).to_degrees();
            let ank_b = nx.fsa - (cfg_b.theta - cfg_b.knee).to_degrees();
            let nsw = (b - a) as f64;
            let tk = SwingThigh::new(
                cfg_a.theta,
                cfg_b.theta,
                (cfg_a.theta - cfg_a1.theta) * nsw,
                (cfg_b1.theta - cfg_b.theta) * nsw,
            );
            // Walking: the knee leaves toe off flexing at most ~KNEE_RATE_MAX
            // (the stance's fast final roll would otherwise fling the foot up).
            let va_knee = (cfg_a.knee - cfg_a1.knee) * nsw;
            let va_knee = if run { va_knee } else { va_knee.min(KNEE_RATE_MAX.to_radians() * nsw / rate) };
            let kk = SwingKnee::new(
                cfg_a.knee,
                va_knee,
                nx.swing_knee_peak.to_radians(),
                if run { 0.62 } else { 0.27 },
                cfg_b.knee,
                (cfg_b1.knee - cfg_b.knee) * nsw,
            );
            let envelope = SoleEnvelope::new(cfg.mode, rate);
            // The foot of a leg configuration at swing fraction `s`: ankle,
            // foot rotation and origin, lowest sole point. The ankle (foot
            // relative to shank) goes from its push-off plantarflexion to its
            // landing angle by mid-swing, so the foot follows the shank.
            let plantar_landing = !run && ank_b < 0.0;
            let pitch_js = |lc: &LegCfg, s: f64| {
                // A plantarflexed landing (forefoot, some midfoot strikes) is
                // reached in terminal swing, from a neutral ankle at mid-swing:
                // the toes do not hang down through swing.
                let ank = if plantar_landing {
                    keys(&[(0.0, ank_a), (0.5, ank_b.max(0.0)), (0.75, ank_b.max(0.0)), (1.0, ank_b)], s)
                } else {
                    lerp(ank_a, ank_b, keys(&[(0.0, 0.0), (0.5, 1.0), (1.0, 1.0)], s))
                };
                ((lc.theta - lc.knee).to_degrees() + ank).to_radians()
            };
            let foot = |hip: V3, lc: &LegCfg, s: f64| {
                let ank = lc.ankle(&body, hip);
                let pitch = pitch_js(lc, s);
                let fr = mm(&rz(lerp(c.yaw, nx.yaw, smooth(s))), &ry(-pitch));
                let fo = sub(ank, mv(&fr, body.ajc_f));
                let low = body.sole_low(&fr, fo);
                (ank, fr, fo, low)
            };
            let lc_at = |s: f64| LegCfg { theta: tk.at(s), knee: kk.at(s), dy: lerp(cfg_a.dy, cfg_b.dy, smooth(s)) };
            // Walking early swing continues the stance's last motion: the foot
            // leaves with the ankle velocity it had at toe off (the difference
            // to the joint-space swing fading as t exp(-t / tau)) and its pitch
            // rate, which dies out within a few frames (the pitch peaks 2-3
            // frames after toe off, 3-5 deg above its toe-off value); the foot
            // then keeps that pitch, blending into the joint-space pitch by
            // [`TOE_OFF_HOLD`] of swing. The toe, moving forward at ~0.5-0.7 x
            // the pelvis speed as the foot rolls over its toe tip, accelerates
            // to the ankle's speed (Zeni's foot off lands at the release, as
            // on real walkers).
            let pitch_of = |fr: &M3| fr[2][0].clamp(-1.0, 1.0).asin();
            let back = |k: i64| &poses[((a - k).max(i0) - i0) as usize];
            let (st2, st1, st0) = (back(2), back(1), back(0));
            let extrap = |x0: f64, x1: f64, x2: f64| 1.5 * (x0 - x1) - 0.5 * (x1 - x2);
            let w_pitch = extrap(pitch_of(&st0.foot_r[si]), pitch_of(&st1.foot_r[si]), pitch_of(&st2.foot_r[si]));
            let v_ank: V3 = std::array::from_fn(|k| extrap(st0.ankle[si][k], st1.ankle[si][k], st2.ankle[si][k]));
            let (js_ank, ..) = foot(poses[(a + 1 - i0) as usize].hip[si], &lc_at(1.0 / nsw), 1.0 / nsw);
            let sm = TOE_OFF_HOLD;
            let p_a = pitch_of(&st0.foot_r[si]);
            let tau_p = TOE_OFF_PITCH_TAU * rate;
            let dv_ank = sub(v_ank, sub(js_ank, st0.ankle[si]));
            let tau = if run { 0.0 } else { TOE_OFF_TAU * rate };
            for i in (a + 1)..b {
                let s = (i - a) as f64 / nsw;
                let lc = lc_at(s);
                let p = &mut poses[(i - i0) as usize];
                let (mut ank, mut fr, mut fo, mut low) = foot(p.hip[si], &lc, s);
                if tau > 0.0 {
                    let t = (i - a) as f64;
                    let e = t * (-t / tau).exp();
                    if s < sm {
                        let pitch = p_a + (pitch_of(&fr) - p_a) * smooth(s / sm) + w_pitch * t * (-t / tau_p).exp();
                        fr = mm(&rz(lerp(c.yaw, nx.yaw, smooth(s))), &ry(-pitch));
                    }
                    ank = add(ank, scale(dv_ank, e));
                    fo = sub(ank, mv(&fr, body.ajc_f));
                    low = body.sole_low(&fr, fo);
                }
                // Toe clearance: mid-swing the walking sole is lifted (softly,
                // so the path stays smooth) to at least ~15 mm, the minimum toe
                // clearance of adult walking (Winter 1992, Phys Ther 72:45:
                // 12.9 +/- 4.5 mm); the envelope is kept in any case.
                let w = keys(&[(0.0, 0.0), (0.2, 1.0), (0.6, 1.0), (1.0, 0.0)], s);
                // (The clearance is that of the heel and metatarsal heads, as
                // measured; the toe tip is kept off the floor by the envelope.)
                let low_mtp = fo[2].min(add(fo, mv(&fr, [body.toe_contact_x, 0.0, 0.0]))[2]);
                let x = MIN_TOE_CLEARANCE - low_mtp;
                let mut lift = if run { 0.0 } else { w * 0.5 * (x + (x * x + 0.004f64.powi(2)).sqrt()) };
                lift = lift.max(envelope.floor(i - a, b - i) - low);
                if lift > 0.0 {
                    ank[2] += lift;
                    fo[2] += lift;
                }
                p.ankle[si] = ank;
                p.foot_r[si] = fr;
                p.foot_o[si] = fo;
            }
            if !run {
                let sw = &mut poses[(a + 1 - i0) as usize..(b - i0) as usize];
                monotone_swing_foot(&body, sw, si, nx.heel_pivot());
            }
        }
    }
    for p in poses.iter_mut() {
        for si in 0..2 {
            let (k, n) = solve_knee(&body, p.hip[si], p.ankle[si]);
            p.knee[si] = k;
            p.knee_axis[si] = n;
        }
    }
    Kin { body, contacts, i0, poses }
}

/// Knee extension deficit ([`Asymmetry::knee_extension_deficit`]): the
/// pelvis height `zp` (indexed from frame `i0`) is lowered around each strike
/// of the deficit side by exactly what makes that knee land `knee_ic_extra`
/// degrees more flexed than the other knee lands (its mean over the plan; the
/// foot lands where planned). The swing leg interpolates to this landing pose,
/// so terminal swing ends more flexed too (and the swing peak is 0.3 x the
/// deficit lower). The drop ramps in over the flight before the strike
/// (running; walking: over the height smoothing's 30-ms window) and
/// fades out by 40 % of the stance (`1 - smooth(tau / 0.4)`), as the extra
/// flexion of a knee that cannot extend fully is absorbed in loading; in
/// stance the height never exceeds `zraw`, what the stance leg can reach.
///
/// Applied after the height smoothing: a dip in the raw height before it was
/// mostly hidden by the erosion (in running the pelvis rises through the
/// strike, so the minimum over the window sits in the flight before it), and
/// 8 deg put in gave +4 deg at contact. Against the other knee, because a
/// short step or another strike pattern on the same side alone move the
/// landing knee by several degrees through that smoothing (the demo's left
/// knee landed 3 deg *more* extended than the right with its 8-deg deficit).
fn knee_extension_deficit(
    cfg: &SimConfig,
    body: &Body,
    contacts: &[Contact],
    base: &[([f64; 2], M3, [f64; 3])],
    zraw: &[f64],
    i0: i64,
    zp: &mut [f64],
) {
    let len = zp.len() as i64;
    // The height smoothing's erosion radius (see `plan_and_pose`).
    let ramp = ((0.03 * cfg.rate()).round() as i64).max(2);
    // Hip minus ankle at a strike, and the knee flexion it gives (radians).
    let landing = |c: &Contact, zp: &[f64]| -> Option<(V3, f64)> {
        let jb = c.fs - i0;
        if jb < 0 || jb >= len {
            return None;
        }
        let (xy, r, _) = base[jb as usize];
        let (fr, fo) = c.foot_pose(body, 0.0);
        let ankle = add(fo, mv(&fr, body.ajc_f));
        let hip = add([xy[0], xy[1], zp[jb as usize]], mv(&r, body.hjc(c.side)));
        let d = sub(hip, ankle);
        Some((d, body.knee_for_span(norm(d))))
    };
    // The reference: the other side's mean landing knee, so the deficit shows
    // against the healthy side whatever else differs between the sides (a
    // short step or another strike pattern alone move the landing knee by
    // several degrees through the height smoothing).
    let mean_landing = |side: Side| {
        let k: Vec<f64> =
            contacts.iter().filter(|c| c.side == side).filter_map(|c| landing(c, zp)).map(|l| l.1).collect();
        (!k.is_empty()).then(|| k.iter().sum::<f64>() / k.len() as f64)
    };
    let reference = [mean_landing(Side::Right), mean_landing(Side::Left)];
    for c in contacts.iter().filter(|c| c.knee_ic_extra != 0.0) {
        let Some((d, own)) = landing(c, zp) else { continue };
        let k0 = reference[side_idx(c.side)].unwrap_or(own);
        let span = body.leg_span(k0 + c.knee_ic_extra.to_radians());
        let h2 = span * span - d[0] * d[0] - d[1] * d[1];
        if h2 <= 0.0 {
            continue;
        }
        let drop = d[2] - h2.sqrt();
        // Ramp in: running over the flight since the other foot's toe off.
        let flight =
            contacts.iter().filter(|o| o.side != c.side && o.fo <= c.fs).map(|o| c.fs - o.fo).min().unwrap_or(0);
        let ramp = if cfg.mode == Mode::Run { flight.max(ramp) } else { ramp }.max(1);
        for i in (c.fs - ramp)..=c.fo {
            let j = i - i0;
            if j < 0 || j >= len {
                continue;
            }
            let wgt = if i < c.fs {
                smooth((i - (c.fs - ramp)) as f64 / ramp as f64)
            } else {
                1.0 - smooth((i - c.fs) as f64 / (c.fo - c.fs) as f64 / 0.4)
            };
            zp[j as usize] -= drop * wgt;
            if i >= c.fs {
                // Never above the height the stance leg can reach.
                zp[j as usize] = zp[j as usize].min(zraw[j as usize]);
            }
        }
    }
}

/// Walking swing foot (the frames strictly between toe off and strike):
/// lifted vertically where needed so that the metatarsal heads and the TOE
/// marker keep rising through the first 20 % of swing (the heel through 10 %)
/// and, landing on the heel, the HEE marker does not rise again between its
/// peak and the strike. The joint-space swing leaves small dips there (a few
/// mm) as the knee and hip change pace; the lifts fill them (and fade out
/// over the next 10 % of swing at the start).
fn monotone_swing_foot(body: &Body, sw: &mut [Pose], si: usize, heel_landing: bool) {
    let n = sw.len();
    if n < 4 {
        return;
    }
    let nsw = (n + 1) as f64;
    let z_of = |p: &Pose, v: V3| add(p.foot_o[si], mv(&p.foot_r[si], v))[2];
    let mut lift = vec![0.0; n];
    // Start: running maxima of the metatarsal heads (20 %) and heel (10 %).
    let (end_m, end_h) = (((0.2 * nsw).ceil() as usize).min(n), ((0.1 * nsw).ceil() as usize).min(n));
    let (mut top_m, mut top_t, mut top_h) = (f64::MIN, f64::MIN, f64::MIN);
    for k in 0..end_m {
        let zm = z_of(&sw[k], [body.toe_contact_x, 0.0, 0.0]);
        let zt = z_of(&sw[k], body.toe_f);
        let zh = z_of(&sw[k], [0.0; 3]);
        let mut l = (top_m - zm).max(top_t - zt).max(0.0);
        if k < end_h {
            l = l.max(top_h - zh);
        }
        if l > 0.0 {
            l += 1e-9; // strictly above the running maximum after rounding
        }
        lift[k] = l;
        top_m = top_m.max(zm + l);
        top_t = top_t.max(zt + l);
        top_h = top_h.max(zh + l);
    }
    // Fade the last lift out over the next 10 % of swing.
    let last = lift[end_m - 1];
    let fade = ((0.1 * nsw).ceil() as usize).max(1);
    for (j, l) in lift.iter_mut().enumerate().skip(end_m).take(fade) {
        *l = last * (1.0 - smooth((j + 1 - end_m) as f64 / fade as f64));
    }
    // End (heel landings): the HEE marker non-increasing from its peak to
    // the strike. (A forefoot landing tips the heel up into the strike.)
    if !heel_landing {
        for (p, l) in sw.iter_mut().zip(&lift) {
            p.ankle[si][2] += l;
            p.foot_o[si][2] += l;
        }
        return;
    }
    let hee = |k: usize, l: &[f64]| z_of(&sw[k], body.hee_f) + l[k];
    let ipk = (0..n).fold(0, |b, k| if hee(k, &lift) > hee(b, &lift) { k } else { b });
    let mut floor = f64::MIN;
    for k in (ipk..n).rev() {
        let z = hee(k, &lift);
        floor = floor.max(z);
        if floor > z {
            lift[k] += floor - z + 1e-9;
        }
    }
    for (p, l) in sw.iter_mut().zip(&lift) {
        p.ankle[si][2] += l;
        p.foot_o[si][2] += l;
    }
}

/// Map a belt-frame point at frame `i` to the lab frame.
pub(crate) fn to_lab(cfg: &SimConfig, rot: &M3, shift_x: f64, i: i64, v: V3) -> V3 {
    let t = i as f64 / cfg.rate();
    let x = if cfg.treadmill { v[0] - cfg.speed_m_s * t } else { v[0] - shift_x };
    mv(rot, [x, v[1], v[2]])
}

/// Simulate a trial.
pub fn simulate(cfg: &SimConfig) -> SimTrial {
    let kin = plan_and_pose(cfg);
    let n = cfg.frames();
    let rot = cfg.lab.rotation();
    let shift_x = if cfg.treadmill { 0.0 } else { cfg.speed_m_s * cfg.duration_s / 2.0 };
    let mut markers: Vec<Marker> = PIG_MARKERS.iter().map(|m| Marker::new(*m, n)).collect();
    for i in 0..n {
        let p = kin.pose(i as i64);
        for (m, v) in markers.iter_mut().zip(p.markers(&kin.body)) {
            m.xyz[i] = to_lab(cfg, &rot, shift_x, i as i64, v);
        }
    }
    let truth = truth::build(cfg, &kin, &markers, shift_x);
    // Noise and gaps after the truth was taken.
    if cfg.noise_mm > 0.0 {
        let mut r = Rng::stream(cfg.seed, 2);
        for m in markers.iter_mut() {
            for p in m.xyz.iter_mut() {
                for c in p.iter_mut() {
                    *c += cfg.noise_mm / 1000.0 * r.normal();
                }
            }
        }
    }
    if cfg.gaps > 0 && n > 2 {
        let mut r = Rng::stream(cfg.seed, 3);
        for _ in 0..cfg.gaps {
            let m = r.below(markers.len() as u64) as usize;
            let len = 1 + r.below(cfg.gap_max_frames.max(1) as u64) as usize;
            let start = 1 + r.below((n - 2) as u64) as usize;
            for p in markers[m].xyz.iter_mut().skip(start).take(len.min(n - 1 - start)) {
                *p = [f64::NAN; 3];
            }
        }
    }
    let mut analogs = Vec::new();
    let mut plates = Vec::new();
    let mut truth = truth;
    if cfg.force_plates {
        let (ch, fp, pt) = grf::forces(cfg, &kin, &rot, shift_x);
        analogs.extend(ch);
        plates = fp;
        truth.force_plates = pt;
    }
    if cfg.emg {
        let (ch, et) = emg::emg(cfg, &kin);
        analogs.extend(ch);
        truth.emg = Some(et);
    }
    let events = truth
        .events
        .iter()
        .map(|e| FileEvent {
            side: Some(e.side),
            kind: if e.kind == "foot_strike" { EventKind::FootStrike } else { EventKind::FootOff },
            time_s: e.time_s,
            subject: Some(cfg.subject.clone()),
        })
        .collect();
    SimTrial {
        config: cfg.clone(),
        rate_hz: cfg.rate(),
        frames: n,
        markers,
        analogs,
        force_plates: plates,
        events,
        truth,
        is_static: false,
    }
}

/// The standing pose of [`simulate_static`] (belt frame, noise-free): feet
/// flat, 7 deg toe out, ankles under the hips, knees at 2 deg, pelvis at its
/// mean tilt. The truth's Plug-in Gait foot offsets come from it.
pub(crate) fn static_pose(cfg: &SimConfig) -> (Body, Pose) {
    let body = Body::new(cfg.height_m, cfg.mass_kg);
    let tilt = if cfg.mode == Mode::Run { 12.0f64 } else { 10.0 };
    let r = yxz(tilt.to_radians(), 0.0, 0.0);
    let mut pose = Pose {
        pelvis_o: [0.0; 3],
        pelvis_r: r,
        pelvis_deg: [tilt, 0.0, 0.0],
        hip: [[0.0; 3]; 2],
        knee: [[0.0; 3]; 2],
        ankle: [[0.0; 3]; 2],
        knee_axis: [[0.0; 3]; 2],
        foot_r: [[[0.0; 3]; 3]; 2],
        foot_o: [[0.0; 3]; 2],
        in_stance: [true; 2],
    };
    // Ankle under the hip: place the foot, then the pelvis height.
    let mut z = f64::INFINITY;
    for (si, s) in SIDES.iter().enumerate() {
        let off = mv(&r, body.hjc(*s));
        let yaw = side_sign(*s) * 7f64.to_radians();
        let fr = rz(yaw);
        let a_local = mv(&fr, body.ajc_f);
        let fo = [off[0] - a_local[0], off[1] - a_local[1], 0.0];
        pose.foot_r[si] = fr;
        pose.foot_o[si] = fo;
        pose.ankle[si] = add(fo, a_local);
        z = z.min(pose.ankle[si][2] - off[2] + body.leg_span(2f64.to_radians()));
    }
    pose.pelvis_o = [0.0, 0.0, z];
    for (si, s) in SIDES.iter().enumerate() {
        pose.hip[si] = add(pose.pelvis_o, mv(&r, body.hjc(*s)));
        let (k, ax) = solve_knee(&body, pose.hip[si], pose.ankle[si]);
        pose.knee[si] = k;
        pose.knee_axis[si] = ax;
    }
    (body, pose)
}

/// A static standing trial of the same subject (feet flat under the hips,
/// knees at 2 deg, pelvis at its mean tilt), same noise settings, 2 s.
pub fn simulate_static(cfg: &SimConfig) -> SimTrial {
    let (body, pose) = static_pose(cfg);
    let rate = cfg.rate();
    let n = (2.0 * rate) as usize + 1;
    let rot = cfg.lab.rotation();
    let mut rng = Rng::stream(cfg.seed, 4);
    let pts = pose.markers(&body);
    let markers = PIG_MARKERS
        .iter()
        .zip(pts)
        .map(|(name, v)| {
            let base = mv(&rot, v);
            let xyz = (0..n)
                .map(|_| {
                    let mut p = base;
                    if cfg.noise_mm > 0.0 {
                        for c in p.iter_mut() {
                            *c += cfg.noise_mm / 1000.0 * rng.normal();
                        }
                    }
                    p
                })
                .collect();
            Marker { name: name.to_string(), xyz }
        })
        .collect();
    let truth = truth::static_truth(cfg, &body);
    SimTrial {
        config: cfg.clone(),
        rate_hz: rate,
        frames: n,
        markers,
        analogs: Vec::new(),
        force_plates: Vec::new(),
        events: Vec::new(),
        truth,
        is_static: true,
    }
}

/// Height above the floor of each foot's lowest sole point (heel or
/// metatarsal heads), per side (left, right) and frame, in metres: zero
/// exactly in stance, positive in swing. For tests of the model itself.
pub fn foot_lowest_points(cfg: &SimConfig) -> [Vec<f64>; 2] {
    let kin = plan_and_pose(cfg);
    let n = cfg.frames() as i64;
    let low = |si| (0..n).map(|i| kin.pose(i).foot_low(&kin.body, si)).collect();
    [low(0), low(1)]
}

/// The sole contact points of each foot (the posterior heel point, the
/// metatarsal heads and the toe tip), per side (left, right) and frame, in
/// the *belt* frame (gait axes: x forward, y left, z up; metres): a point that
/// touches the floor must not move horizontally in this frame (between the
/// metatarsal heads and the toe tip the foot rolls on its rocker). For tests
/// of the model itself.
pub fn sole_points(cfg: &SimConfig) -> [Vec<[[f64; 3]; 3]>; 2] {
    let kin = plan_and_pose(cfg);
    let n = cfg.frames() as i64;
    let pts = |si: usize| {
        (0..n)
            .map(|i| {
                let p = kin.pose(i);
                let f = |v: V3| add(p.foot_o[si], mv(&p.foot_r[si], v));
                [p.foot_o[si], f([kin.body.toe_contact_x, 0.0, 0.0]), f(kin.body.toe_tip())]
            })
            .collect()
    };
    [pts(0), pts(1)]
}
