//! The truth record written beside each simulated trial as
//! `<stem>.truth.json` (see `src/simulate/README.md` for the field list).
//!
//! Conventions: frames are 1-based (`frame 1` = first sample, `time_s =
//! (frame - 1) / rate_hz`); lengths in metres; angles in degrees; cadence in
//! steps per minute (= 120 / stride time). Stride length is the displacement
//! of the HEE marker between successive ipsilateral foot strikes along the
//! direction of travel (on a treadmill plus belt speed x stride time, as
//! OpenCap does); step length is the HEE distance along travel from the
//! contralateral strike to this strike (treadmill: plus belt speed x step
//! time); step width is the lateral distance between the two HEE markers at
//! those strikes. Joint angles are what Plug-in Gait reports from the
//! noise-free markers: Cardan Y-X-Z angles between the model's segment frames
//! (CGM order: flexion, adduction, internal rotation) with Plug-in Gait's foot
//! frame and static offsets and its signs (see [`angles`]).

use super::body::*;
use super::geom::*;
use super::{Kin, SimConfig, StrikePattern};
use crate::model::{Marker, Side};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TruthEvent {
    pub side: Side,
    /// `foot_strike` or `foot_off`.
    pub kind: String,
    pub frame: usize,
    pub time_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct StrideTruth {
    pub side: Side,
    pub start_frame: usize,
    pub foot_off_frame: usize,
    pub end_frame: usize,
    pub stride_time_s: f64,
    pub stride_length_m: f64,
    pub step_length_m: f64,
    pub step_time_s: f64,
    pub step_width_m: f64,
    pub cadence_steps_min: f64,
    pub speed_m_s: f64,
    pub stance_pct: f64,
    pub swing_pct: f64,
    pub foot_strike: StrikePattern,
    pub foot_strike_angle_deg: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SideSummary {
    pub strides: usize,
    pub stride_length_m: f64,
    pub step_length_m: f64,
    pub step_width_m: f64,
    pub cadence_steps_min: f64,
    pub stance_pct: f64,
    pub foot_strike_angle_deg: f64,
    pub peak_knee_flexion_swing_deg: f64,
}

/// Mean joint-angle curves of one side over its complete strides, 101 points
/// (0..100 % of the cycle from foot strike to the next ipsilateral strike):
/// what a correct Plug-in Gait implementation reports from the noise-free
/// markers, with the flat-foot option (the simulated static trial stands with
/// the soles flat on the floor). See [`angles`] for the definitions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JointCurves {
    pub hip_flexion: Vec<f64>,
    pub hip_adduction: Vec<f64>,
    pub hip_internal_rotation: Vec<f64>,
    pub knee_flexion: Vec<f64>,
    pub knee_adduction: Vec<f64>,
    pub knee_rotation: Vec<f64>,
    pub ankle_dorsiflexion: Vec<f64>,
    pub ankle_inversion: Vec<f64>,
    pub ankle_rotation: Vec<f64>,
    pub foot_progression: Vec<f64>,
    pub pelvis_tilt: Vec<f64>,
    pub pelvis_obliquity: Vec<f64>,
    pub pelvis_rotation: Vec<f64>,
}

/// The foot variables of [`JointCurves`] as Plug-in Gait reports them
/// *without* the flat-foot option: the static offsets then take the HEE-TOE
/// line as it stands (HEE 8 mm above TOE, `static_foot_angle_deg`) for the
/// foot's long axis.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FootCurves {
    pub ankle_dorsiflexion: Vec<f64>,
    pub ankle_inversion: Vec<f64>,
    pub ankle_rotation: Vec<f64>,
    pub foot_progression: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubjectTruth {
    pub name: String,
    pub height_m: f64,
    pub mass_kg: f64,
    pub leg_length_mm: f64,
    pub inter_asis_mm: f64,
    pub knee_width_mm: f64,
    pub ankle_width_mm: f64,
    pub marker_diameter_mm: f64,
    pub thigh_m: f64,
    pub shank_m: f64,
    pub foot_length_m: f64,
    /// HEE-TOE line angle above horizontal in standing (degrees); strike
    /// angles are relative to it.
    pub static_foot_angle_deg: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlateContact {
    pub side: Side,
    pub foot_strike_frame: usize,
    pub foot_off_frame: usize,
    /// Whole footprint on this plate, no other foot on it during the contact.
    pub clean: bool,
    /// Centre of pressure at initial contact, % foot length from the heel
    /// (Cavanagh & Lafortune 1980 strike index).
    pub strike_index_pct: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlateTruth {
    pub number: usize,
    pub corners_m: [[f64; 3]; 4],
    pub contacts: Vec<PlateContact>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MuscleTruth {
    pub channel: String,
    /// `hamstrings` or `quadriceps`.
    pub group: String,
    /// Mean envelope over the trial, volts (signal = envelope x unit-RMS
    /// band-limited noise).
    pub mean_envelope_v: f64,
    pub peak_envelope_v: f64,
    /// Burst centres, % of the ipsilateral gait cycle.
    pub burst_centres_pct: Vec<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EmgTruth {
    pub rate_hz: f64,
    pub band_hz: [f64; 2],
    pub muscles: Vec<MuscleTruth>,
    /// Hamstring:quadriceps activation ratio per side: mean hamstring
    /// envelope (BF, ST) / mean quadriceps envelope (RF, VL, VM).
    pub hq_ratio_left: f64,
    pub hq_ratio_right: f64,
}

/// Everything put into a simulated trial.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    pub generator: String,
    pub is_static: bool,
    pub config: SimConfig,
    pub subject: SubjectTruth,
    pub rate_hz: f64,
    pub frames: usize,
    pub events: Vec<TruthEvent>,
    pub strides: Vec<StrideTruth>,
    pub left: SideSummary,
    pub right: SideSummary,
    pub joint_curves_left: JointCurves,
    pub joint_curves_right: JointCurves,
    pub foot_curves_without_flat_foot_left: FootCurves,
    pub foot_curves_without_flat_foot_right: FootCurves,
    pub force_plates: Vec<PlateTruth>,
    pub emg: Option<EmgTruth>,
}

pub fn subject(cfg: &SimConfig, b: &Body) -> SubjectTruth {
    let d = sub(b.toe_f, b.hee_f);
    SubjectTruth {
        name: cfg.subject.clone(),
        height_m: cfg.height_m,
        mass_kg: cfg.mass_kg,
        leg_length_mm: b.leg_length * 1000.0,
        inter_asis_mm: b.inter_asis * 1000.0,
        knee_width_mm: b.knee_width * 1000.0,
        ankle_width_mm: b.ankle_width * 1000.0,
        marker_diameter_mm: 2.0 * b.marker_r * 1000.0,
        thigh_m: b.thigh,
        shank_m: b.shank,
        foot_length_m: b.foot_len,
        static_foot_angle_deg: d[2].atan2(d[0]).to_degrees(),
    }
}

/// Number of per-frame truth angles ([`angles`]): the 13 of [`JointCurves`]
/// in field order, then the 4 of [`FootCurves`].
pub const N_ANGLES: usize = 17;
/// Index of knee flexion in [`angles`]' output.
pub const KNEE_FLEXION: usize = 3;

/// Plug-in Gait's static foot offsets of one side, as rotations applied to
/// its uncorrected foot frame ([`pig_foot_raw`]): with the flat-foot option
/// and without.
#[derive(Debug, Clone, Copy)]
pub struct FootOffsets {
    pub flat: [M3; 2],
    pub heel_toe: [M3; 2],
}

/// Plug-in Gait's uncorrected foot frame of side `si` from the model's exact
/// points: z from the TOE marker to the ankle joint centre, x = tibia y x z
/// (the tibia's y is the model's knee flexion axis), y = z x x.
fn pig_foot_raw(b: &Body, p: &Pose, si: usize) -> M3 {
    let toe = add(p.foot_o[si], mv(&p.foot_r[si], b.toe_f));
    let z = unit(sub(p.ankle[si], toe));
    let x = unit(cross(p.knee_axis[si], z));
    from_cols(x, cross(z, x), z)
}

/// The static foot offsets from the standing pose (Plug-in Gait: the
/// anatomical foot has z = TOE -> HEE, with HEE lowered to TOE's height for a
/// flat foot, and y from the tibia; the offsets are the first two Y-X-Z
/// Cardan angles of it in the uncorrected foot, applied as Ry Rx).
pub fn foot_offsets(b: &Body, st: &Pose) -> FootOffsets {
    let off = |si: usize, flat: bool| {
        let raw = pig_foot_raw(b, st, si);
        let toe = add(st.foot_o[si], mv(&st.foot_r[si], b.toe_f));
        let mut hee = add(st.foot_o[si], mv(&st.foot_r[si], b.hee_f));
        if flat {
            hee[2] = toe[2];
        }
        let z = unit(sub(hee, toe));
        let x = unit(cross(st.knee_axis[si], z));
        let c = from_cols(x, cross(z, x), z);
        let (a, bb, _) = cardan_yxz(&mm(&tr(&raw), &c));
        mm(&ry(a), &rx(bb))
    };
    FootOffsets { flat: [off(0, true), off(1, true)], heel_toe: [off(0, false), off(1, false)] }
}

/// Joint angles of one pose and side (degrees; [`JointCurves`] field order,
/// then [`FootCurves`]): Plug-in Gait's definitions (Kadaba 1990, Davis 1991;
/// Vicon's axes and signs, as `src/angles/pig.rs` reproduces Vicon Nexus)
/// applied to the model's exact segment frames, which are the frames Plug-in
/// Gait builds from the noise-free markers (the simulator places the markers
/// so that the Davis hip centre and the chord knee and ankle centres are the
/// model's joint centres, and THI/KNE and TIB/ANK lie in the planes of the
/// knee axis).
///
/// - pelvis: Y-X-Z Cardan angles of the pelvis in the progression frame (the
///   prescribed tilt, obliquity, rotation);
/// - hip: pelvis -> thigh, knee: thigh -> shank (a hinge: ab/adduction and
///   rotation are 0);
/// - ankle: shank -> Plug-in Gait foot, whose z runs from the TOE marker to
///   the ankle centre and whose y comes from the shank's flexion axis,
///   corrected by the static offsets ([`foot_offsets`]); so its roll about the
///   long axis follows the shank, not the rigid foot;
/// - foot progression: the second Y-X-Z Cardan angle of that foot in the
///   progression frame (not the heading of the foot's long axis: a pitched
///   foot's Cardan X angle differs from its heading).
///
/// Signs per side as Plug-in Gait reports them (flexion, adduction/varus,
/// internal rotation, dorsiflexion, inversion, internal foot progression
/// positive; pelvis tilt anterior, obliquity and rotation of the side up and
/// forward).
pub fn angles(b: &Body, p: &Pose, si: usize, off: &FootOffsets) -> [f64; N_ANGLES] {
    let sg = if si == 0 { -1.0 } else { 1.0 };
    let th = p.thigh_r(si);
    let sh = p.shank_r(si);
    let d = f64::to_degrees;
    let (ha, hb, hc) = cardan_yxz(&mm(&tr(&p.pelvis_r), &th));
    let (ka, kb, kc) = cardan_yxz(&mm(&tr(&th), &sh));
    let raw = pig_foot_raw(b, p, si);
    let foot = |o: &M3| {
        let f = mm(&raw, o);
        let (aa, ab, ac) = cardan_yxz(&mm(&tr(&sh), &f));
        let (_, pb, _) = cardan_yxz(&f);
        [-d(aa) - 90.0, sg * d(ac), sg * d(ab), sg * d(pb)]
    };
    let ft = foot(&off.flat[si]);
    let fh = foot(&off.heel_toe[si]);
    [
        -d(ha),
        sg * d(hb),
        sg * d(hc),
        d(ka),
        sg * d(kb),
        sg * d(kc),
        ft[0],
        ft[1],
        ft[2],
        ft[3],
        p.pelvis_deg[0],
        p.pelvis_deg[1] * -sg,
        // Plug-in Gait's sign: the pelvis rotation of a side is positive when
        // that side's ASIS moves forward (checked against Vicon's PiG outputs
        // through `src/angles/pig.rs`).
        p.pelvis_deg[2] * sg,
        fh[0],
        fh[1],
        fh[2],
        fh[3],
    ]
}

pub fn hee(b: &Body, p: &Pose, si: usize) -> V3 {
    add(p.foot_o[si], mv(&p.foot_r[si], b.hee_f))
}

pub(crate) fn build(cfg: &SimConfig, kin: &Kin, _markers: &[Marker], _shift: f64) -> Truth {
    let n = cfg.frames() as i64;
    let rate = cfg.rate();
    let b = &kin.body;
    let mut events = Vec::new();
    for c in &kin.contacts {
        for (f, kind) in [(c.fs, "foot_strike"), (c.fo, "foot_off")] {
            if (0..n).contains(&f) {
                events.push(TruthEvent {
                    side: c.side,
                    kind: kind.into(),
                    frame: f as usize + 1,
                    time_s: f as f64 / rate,
                });
            }
        }
    }
    events.sort_by(|a, b| a.frame.cmp(&b.frame).then(a.side.cmp(&b.side)));
    let mut strides = Vec::new();
    let mut curves: [Vec<[Vec<f64>; N_ANGLES]>; 2] = [Vec::new(), Vec::new()];
    let (sb, st) = super::static_pose(cfg);
    let offsets = foot_offsets(&sb, &st);
    let mut swing_peaks: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for (si, side) in SIDES.iter().enumerate() {
        let list: Vec<_> = kin.contacts.iter().filter(|c| c.side == *side).collect();
        for w in list.windows(2) {
            let (c, nx) = (w[0], w[1]);
            if c.fs < 0 || nx.fs >= n {
                continue;
            }
            let Some(prev) = kin.contacts.iter().filter(|o| o.side != *side && o.fs < c.fs).max_by_key(|o| o.fs) else {
                continue;
            };
            let t = (nx.fs - c.fs) as f64 / rate;
            let h0 = hee(b, kin.pose(c.fs), si);
            let h1 = hee(b, kin.pose(nx.fs), si);
            let hp = hee(b, kin.pose(prev.fs), 1 - si);
            let step_t = (c.fs - prev.fs) as f64 / rate;
            // Belt-frame displacement = lab displacement + belt speed x time.
            let stride_len = h1[0] - h0[0];
            let stance = (c.fo - c.fs) as f64 / (nx.fs - c.fs) as f64 * 100.0;
            strides.push(StrideTruth {
                side: *side,
                start_frame: c.fs as usize + 1,
                foot_off_frame: c.fo as usize + 1,
                end_frame: nx.fs as usize + 1,
                stride_time_s: t,
                stride_length_m: stride_len,
                step_length_m: h0[0] - hp[0],
                step_time_s: step_t,
                step_width_m: (h0[1] - hp[1]).abs(),
                cadence_steps_min: 120.0 / t,
                speed_m_s: stride_len / t,
                stance_pct: stance,
                swing_pct: 100.0 - stance,
                foot_strike: StrikePattern::classify(c.fsa),
                foot_strike_angle_deg: c.fsa,
            });
            // Time-normalised curves.
            let per_frame: Vec<[f64; N_ANGLES]> =
                (c.fs..=nx.fs).map(|f| angles(b, kin.pose(f), si, &offsets)).collect();
            let mut cur: [Vec<f64>; N_ANGLES] = Default::default();
            for pct in 0..=100 {
                let x = pct as f64 / 100.0 * (per_frame.len() - 1) as f64;
                let k = (x.floor() as usize).min(per_frame.len() - 2);
                let s = x - k as f64;
                for (q, v) in cur.iter_mut().enumerate() {
                    v.push(lerp(per_frame[k][q], per_frame[k + 1][q], s));
                }
            }
            let sw = (c.fo - c.fs) as usize;
            swing_peaks[si].push(per_frame[sw..].iter().map(|a| a[KNEE_FLEXION]).fold(f64::MIN, f64::max));
            curves[si].push(cur);
        }
    }
    let mean = |cs: &Vec<[Vec<f64>; N_ANGLES]>, q: usize| -> Vec<f64> {
        if cs.is_empty() {
            return Vec::new();
        }
        (0..=100).map(|p| cs.iter().map(|c| c[q][p]).sum::<f64>() / cs.len() as f64).collect()
    };
    let mean_curves = |cs: &Vec<[Vec<f64>; N_ANGLES]>| -> JointCurves {
        let m = |q: usize| mean(cs, q);
        JointCurves {
            hip_flexion: m(0),
            hip_adduction: m(1),
            hip_internal_rotation: m(2),
            knee_flexion: m(3),
            knee_adduction: m(4),
            knee_rotation: m(5),
            ankle_dorsiflexion: m(6),
            ankle_inversion: m(7),
            ankle_rotation: m(8),
            foot_progression: m(9),
            pelvis_tilt: m(10),
            pelvis_obliquity: m(11),
            pelvis_rotation: m(12),
        }
    };
    let foot_curves = |cs: &Vec<[Vec<f64>; N_ANGLES]>| -> FootCurves {
        FootCurves {
            ankle_dorsiflexion: mean(cs, 13),
            ankle_inversion: mean(cs, 14),
            ankle_rotation: mean(cs, 15),
            foot_progression: mean(cs, 16),
        }
    };
    let summary = |side: Side| -> SideSummary {
        let ss: Vec<_> = strides.iter().filter(|s| s.side == side).collect();
        let k = ss.len().max(1) as f64;
        let mean = |f: &dyn Fn(&StrideTruth) -> f64| ss.iter().map(|s| f(s)).sum::<f64>() / k;
        let pk = &swing_peaks[side_idx(side)];
        SideSummary {
            strides: ss.len(),
            stride_length_m: mean(&|s| s.stride_length_m),
            step_length_m: mean(&|s| s.step_length_m),
            step_width_m: mean(&|s| s.step_width_m),
            cadence_steps_min: mean(&|s| s.cadence_steps_min),
            stance_pct: mean(&|s| s.stance_pct),
            foot_strike_angle_deg: mean(&|s| s.foot_strike_angle_deg),
            peak_knee_flexion_swing_deg: pk.iter().sum::<f64>() / pk.len().max(1) as f64,
        }
    };
    Truth {
        generator: "gaitline simulate".into(),
        is_static: false,
        config: cfg.clone(),
        subject: subject(cfg, b),
        rate_hz: rate,
        frames: n as usize,
        events,
        left: summary(Side::Left),
        right: summary(Side::Right),
        strides,
        joint_curves_left: mean_curves(&curves[0]),
        joint_curves_right: mean_curves(&curves[1]),
        foot_curves_without_flat_foot_left: foot_curves(&curves[0]),
        foot_curves_without_flat_foot_right: foot_curves(&curves[1]),
        force_plates: Vec::new(),
        emg: None,
    }
}

pub(crate) fn static_truth(cfg: &SimConfig, b: &Body) -> Truth {
    Truth {
        generator: "gaitline simulate".into(),
        is_static: true,
        config: cfg.clone(),
        subject: subject(cfg, b),
        rate_hz: cfg.rate(),
        frames: (2.0 * cfg.rate()) as usize + 1,
        events: Vec::new(),
        strides: Vec::new(),
        left: SideSummary::default(),
        right: SideSummary::default(),
        joint_curves_left: JointCurves::default(),
        joint_curves_right: JointCurves::default(),
        foot_curves_without_flat_foot_left: FootCurves::default(),
        foot_curves_without_flat_foot_right: FootCurves::default(),
        force_plates: Vec::new(),
        emg: None,
    }
}
