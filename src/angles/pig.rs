//! Plug-in Gait / Conventional Gait Model 1 lower body: static calibration and
//! dynamic joint angles with Vicon's segment axes, Cardan sequence and signs.
//!
//! Method (written from the papers and the model's public description; pyCGM
//! (MIT, cadop/pyCGM) read for the method only):
//! - Pelvis (Kadaba 1990): origin mid-ASIS, y = RASI→LASI, x = sacrum (SACR or
//!   mid-PSIS) → origin made perpendicular to y, z = x × y.
//! - Hip joint centre, Davis et al. 1991 with Plug-in Gait's constants:
//!   C = 0.115·LegLength − 15.3, θ = 0.5 rad, β = 0.314 rad, ASIS-trochanter
//!   distance 0.1288·LegLength − 48.56 when not measured, inter-ASIS distance
//!   from the static trial when not measured, marker radius added.
//! - Knee and ankle joint centres with the chord function: the centre lies in
//!   the plane of (wand, proximal centre, lateral marker), at (width + marker
//!   diameter)/2 from the lateral marker, with the proximal centre → joint
//!   centre line perpendicular to joint centre → marker.
//! - Thigh: z = KJC→HJC, x normal to the plane (HJC, KJC, KNE) pointing
//!   forward, y = z × x (left). Tibia: z = AJC→KJC, x normal to (KJC, AJC,
//!   ANK), y = z × x; tibial torsion rotates it about z.
//! - Foot: uncorrected z = TOE→AJC, y from the tibia's y; the static trial gives
//!   the plantarflexion and rotation offsets between that frame and the
//!   anatomical one (TOE→HEE, with the heel lowered to the toe's height for
//!   flat feet), averaged over the static frames; dynamic foot = uncorrected
//!   foot rotated by the offsets (about y, then x).
//! - Angles: Cardan YXZ of distal in proximal (hip: pelvis→thigh, knee:
//!   thigh→tibia, ankle: tibia→foot); pelvis and foot progression: segment in
//!   the progression frame (the trial's canonical frame, X progression, Y left,
//!   Z up). Signs per side as Plug-in Gait reports `LHipAngles`, ... (flexion,
//!   adduction/varus, internal rotation, dorsiflexion, inversion, pelvis
//!   anterior tilt, side up, side forward, foot internal progression positive).
//!   The ankle's second Cardan angle is its rotation and the third its
//!   inversion (the foot's z runs along the foot), as in Vicon's `AnkleAngles`.
//!
//! Checked against Vicon Nexus outputs stored with two trials (tests/angles.rs):
//! every angle, side and frame within 0.001 deg, static offsets within 1e-5 rad.
//!
//! Not covered: the thigh rotation offset and KAD calibration (both test
//! trials have ThighRotation 0 and no KAD); the tibial torsion is applied as a
//! rotation of the tibia about its z axis by −torsion on both sides, which no
//! test trial exercises (both have TibialTorsion 0), so its sign is unverified;
//! the sole delta of the flat-foot option is ignored (0 in both trials).

// Side and frame indices address several parallel arrays at once.
#![allow(clippy::needless_range_loop)]

use super::cardan::{Axis, joint_angles, rot};
use crate::clean::presets::{Landmark, LandmarkKind as K};
use crate::model::{Bilateral, Marker, Side};
use crate::trial::Trial;
use nalgebra::{Matrix3, Rotation3, Unit, Vector3};

/// Output variables, in output order (degrees).
pub const VARIABLES: [&str; 13] = [
    "pelvis_tilt",
    "pelvis_obliquity",
    "pelvis_rotation",
    "hip_flexion",
    "hip_adduction",
    "hip_rotation",
    "knee_flexion",
    "knee_adduction",
    "knee_rotation",
    "ankle_dorsiflexion",
    "ankle_inversion",
    "ankle_rotation",
    "foot_progression",
];

/// Index in [`VARIABLES`] of the first variable that needs the foot
/// (ankle angles, foot progression).
const FOOT_VARIABLES_START: usize = 9;

/// Sides in array order: index 0 left, 1 right.
pub const SIDES: [Side; 2] = [Side::Left, Side::Right];

/// Plug-in Gait's Davis constants as stored in the model (radians).
const THETA: f64 = 0.500000178813934;
const BETA: f64 = 0.314000427722931;
const YXZ: [Axis; 3] = [Axis::Y, Axis::X, Axis::Z];

/// Hip joint centre regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HipCentre {
    /// Davis et al. 1991 with Plug-in Gait's constants (Plug-in Gait itself).
    #[default]
    Davis,
    /// Harrington et al. 2007 (J Biomech 40:595): pelvis width, depth and leg
    /// length, in the ISB pelvis frame (x anterior, y up, z right), mm:
    /// x = −0.24 PD − 9.9, y = −0.16 PW − 0.04 LL − 7.1, z = ±(0.28 PD + 0.16 PW + 7.9);
    /// PW = inter-ASIS distance, PD = mid-ASIS to mid-PSIS (or SACR) from the
    /// static trial; x moved back by the marker radius (markers sit in front of
    /// the ASIS). Not part of Plug-in Gait; no Vicon output to compare with.
    Harrington,
}

/// Model options and subject measurements beyond [`crate::model::Subject`].
#[derive(Debug, Clone, Default)]
pub struct PigOptions {
    pub hip_centre: HipCentre,
    /// Foot flat on the floor in the static trial (Plug-in Gait "flat foot").
    pub flat_foot: bool,
    /// Measured inter-ASIS distance, mm (else from the static trial's markers).
    pub inter_asis_mm: Option<f64>,
    /// Measured ASIS-trochanter distance, mm (else 0.1288·LegLength − 48.56).
    pub asis_troc_mm: Bilateral,
    /// Tibial torsion, degrees (default 0).
    pub tibial_torsion_deg: Bilateral,
}

impl PigOptions {
    /// Plug-in Gait subject parameters by name, as in a Vicon `.vsk`
    /// (`InterAsisDistance`, `LeftAsisTrocanterDistance`, `LeftTibialTorsion`,
    /// ...) or the C3D `PROCESSING` group (`LAsisTrocanterDistance`, ...).
    /// Zero means "not measured" (Plug-in Gait's convention), as absent.
    pub fn from_parameters(params: &std::collections::BTreeMap<String, f64>) -> PigOptions {
        let get = |names: &[&str]| names.iter().find_map(|n| params.get(*n).copied()).filter(|v| *v != 0.0);
        let side = |stem: &str| Bilateral {
            left: get(&[&format!("Left{stem}"), &format!("L{stem}")]),
            right: get(&[&format!("Right{stem}"), &format!("R{stem}")]),
        };
        PigOptions {
            inter_asis_mm: get(&["InterAsisDistance"]),
            asis_troc_mm: side("AsisTrocanterDistance"),
            tibial_torsion_deg: side("TibialTorsion"),
            ..Default::default()
        }
    }
}

impl PigOptions {
    /// Options from the subject data (manifest, C3D `PROCESSING`): measured
    /// inter-ASIS and ASIS-trochanter distances, tibial torsion and the
    /// flat-foot choice; Davis hip centres.
    pub fn from_subject(s: &crate::model::Subject) -> PigOptions {
        PigOptions {
            flat_foot: s.flat_foot.unwrap_or(false),
            inter_asis_mm: s.inter_asis_mm,
            asis_troc_mm: s.asis_trochanter_mm,
            tibial_torsion_deg: s.tibial_torsion_deg,
            ..Default::default()
        }
    }
}

/// The `<Parameter NAME=".." VALUE=".."/>` and `<StaticParameter .../>`
/// (subject measurements; these win on a name clash) entries of a Vicon
/// `.vsk` (XML) with a numeric value. Not an XML parser: attributes in either
/// order, one element per tag; anything else is skipped.
pub fn vsk_parameters(text: &str) -> std::collections::BTreeMap<String, f64> {
    let attr = |tag: &str, key: &str| -> Option<String> {
        let pat = format!("{key}=\"");
        let start = tag.find(&pat)? + pat.len();
        let end = tag[start..].find('"')? + start;
        Some(tag[start..end].to_string())
    };
    let mut out = std::collections::BTreeMap::new();
    for element in ["Parameter ", "StaticParameter "] {
        for piece in text.split('<').skip(1) {
            let Some(tag) = piece.strip_prefix(element) else { continue };
            let tag = format!(" {}", tag.split('>').next().unwrap_or(""));
            if let (Some(name), Some(value)) = (attr(&tag, " NAME"), attr(&tag, " VALUE"))
                && let Ok(v) = value.trim().parse::<f64>()
            {
                out.insert(name, v);
            }
        }
    }
    out
}

/// The result of the static calibration (all lengths mm, angles rad).
#[derive(Debug, Clone, PartialEq)]
pub struct PigCalibration {
    pub hip_centre: HipCentre,
    /// Mid-ASIS to sacrum (SACR or mid-PSIS), mean over the static trial, mm.
    pub pelvis_depth_mm: f64,
    pub leg_length_mm: [f64; 2],
    pub mean_leg_length_mm: f64,
    pub inter_asis_mm: f64,
    pub asis_troc_mm: [f64; 2],
    pub knee_width_mm: [f64; 2],
    pub ankle_width_mm: [f64; 2],
    pub marker_radius_mm: f64,
    pub tibial_torsion_rad: [f64; 2],
    /// Foot offsets from the static trial: rotation about the foot's y
    /// (plantarflexion) then about its x (rotation), per side.
    pub foot_plantarflexion_rad: [f64; 2],
    pub foot_rotation_rad: [f64; 2],
    /// Static frames the foot offsets were averaged over, per side (0: no
    /// offsets, so no ankle angles or foot progression on that side).
    pub static_frames: [usize; 2],
    pub notes: Vec<String>,
}

/// Angles per frame (degrees, NaN where a marker is missing), per side
/// (index as [`SIDES`]) and variable (index as [`VARIABLES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PigAngles {
    pub values: [Vec<Vec<f64>>; 2],
    /// Frames where a joint's Cardan decomposition was in gimbal lock, per side.
    pub gimbal_lock_frames: [usize; 2],
    pub calibration: PigCalibration,
}

impl PigAngles {
    pub fn get(&self, side: Side, var: &str) -> Option<&[f64]> {
        let v = VARIABLES.iter().position(|n| *n == var)?;
        Some(&self.values[side_index(side)][v])
    }
}

pub fn side_index(s: Side) -> usize {
    match s {
        Side::Left => 0,
        Side::Right => 1,
    }
}

/// The Plug-in Gait markers of a trial.
struct Markers<'a> {
    asis: [&'a Marker; 2],
    psis: Option<[&'a Marker; 2]>,
    sacrum: Option<&'a Marker>,
    thi: [&'a Marker; 2],
    kne: [&'a Marker; 2],
    tib: [&'a Marker; 2],
    ank: [&'a Marker; 2],
    hee: [Option<&'a Marker>; 2],
    toe: [&'a Marker; 2],
}

impl<'a> Markers<'a> {
    fn find(t: &'a Trial) -> Result<Self, String> {
        let mut missing = Vec::new();
        let mut get = |l: Landmark| {
            let m = t.landmark(l);
            if m.is_none() {
                missing.push(l.code());
            }
            m
        };
        let pair = |k: K, get: &mut dyn FnMut(Landmark) -> Option<&'a Marker>| {
            (get(Landmark::new(Side::Left, k)), get(Landmark::new(Side::Right, k)))
        };
        let asis = pair(K::Asis, &mut get);
        let thi = pair(K::Thigh, &mut get);
        let kne = pair(K::KneeLateral, &mut get);
        let tib = pair(K::Tibia, &mut get);
        let ank = pair(K::AnkleLateral, &mut get);
        let toe = pair(K::Toe, &mut get);
        let sacrum = t.landmark(Landmark::mid(K::Sacrum));
        let psis =
            match (t.landmark(Landmark::new(Side::Left, K::Psis)), t.landmark(Landmark::new(Side::Right, K::Psis))) {
                (Some(l), Some(r)) => Some([l, r]),
                _ => None,
            };
        if sacrum.is_none() && psis.is_none() {
            missing.push("SACRUM or L_PSIS+R_PSIS".into());
        }
        let hee = [t.landmark(Landmark::new(Side::Left, K::Heel)), t.landmark(Landmark::new(Side::Right, K::Heel))];
        let both = |p: (Option<&'a Marker>, Option<&'a Marker>)| p.0.zip(p.1).map(|(l, r)| [l, r]);
        match (both(asis), both(thi), both(kne), both(tib), both(ank), both(toe)) {
            (Some(asis), Some(thi), Some(kne), Some(tib), Some(ank), Some(toe)) if missing.is_empty() => {
                Ok(Markers { asis, psis, sacrum, thi, kne, tib, ank, hee, toe })
            }
            // 12 paired landmarks and the sacrum: all missing = another marker set.
            _ if missing.len() == 13 => Err("no Plug-in Gait lower-body markers".into()),
            _ => Err(format!("Plug-in Gait markers missing: {}", missing.join(", "))),
        }
    }
}

/// Marker position in mm (the trial is in metres).
fn mm(m: &Marker, i: usize) -> Vector3<f64> {
    let p = m.xyz.get(i).copied().unwrap_or([f64::NAN; 3]);
    Vector3::new(p[0], p[1], p[2]) * 1000.0
}

fn unit(v: Vector3<f64>) -> Vector3<f64> {
    v / v.norm()
}

fn frame(x: Vector3<f64>, y: Vector3<f64>, z: Vector3<f64>) -> Matrix3<f64> {
    Matrix3::from_columns(&[x, y, z])
}

/// Chord function: the joint centre in the plane of `wand`, `proximal` and
/// `marker`, at `delta` from `marker`, with proximal → centre perpendicular to
/// centre → marker (Thales circle on proximal–marker).
pub fn chord(wand: Vector3<f64>, proximal: Vector3<f64>, marker: Vector3<f64>, delta: f64) -> Vector3<f64> {
    let v1 = wand - marker;
    let v2 = proximal - marker;
    let n = Unit::new_normalize(v1.cross(&v2));
    let mid = (proximal + marker) / 2.0;
    let half = v2.norm() / 2.0;
    let theta = (delta / v2.norm()).acos();
    // The centre is at angle 2θ from the proximal point on the circle about mid.
    let r = Rotation3::from_axis_angle(&n, 2.0 * theta) * v2;
    mid + r * (half / r.norm())
}

/// Segment frames and joint centres of one frame.
struct Segments {
    pelvis: Matrix3<f64>,
    thigh: [Matrix3<f64>; 2],
    tibia: [Matrix3<f64>; 2],
    /// Foot before the static offsets: z = TOE→AJC, y from the tibia.
    foot_raw: [Matrix3<f64>; 2],
    hjc: [Vector3<f64>; 2],
    kjc: [Vector3<f64>; 2],
    ajc: [Vector3<f64>; 2],
}

/// Side sign: +1 right, −1 left (lateral markers point to −y on the right).
const SGN: [f64; 2] = [-1.0, 1.0];

/// The sacrum point: SACR when present, else mid-PSIS.
fn sacrum_at(mk: &Markers, i: usize) -> Vector3<f64> {
    match (mk.sacrum, mk.psis) {
        (Some(s), _) if s.is_present(i) => mm(s, i),
        (_, Some([l, r])) => (mm(l, i) + mm(r, i)) / 2.0,
        (Some(s), None) => mm(s, i),
        (None, None) => Vector3::repeat(f64::NAN),
    }
}

fn pelvis_frame(mk: &Markers, i: usize) -> (Vector3<f64>, Matrix3<f64>) {
    let (la, ra) = (mm(mk.asis[0], i), mm(mk.asis[1], i));
    let sacrum = sacrum_at(mk, i);
    let origin = (la + ra) / 2.0;
    let y = unit(la - ra);
    let b = origin - sacrum;
    let x = unit(b - y * b.dot(&y));
    let z = x.cross(&y);
    (origin, frame(x, y, z))
}

/// Hip joint centres (left, right) in the lab, mm (Davis 1991 with PiG's
/// constants, or Harrington 2007).
fn hip_centres(origin: Vector3<f64>, p: &Matrix3<f64>, cal: &PigCalibration) -> [Vector3<f64>; 2] {
    if cal.hip_centre == HipCentre::Harrington {
        let (pw, pd, ll) = (cal.inter_asis_mm, cal.pelvis_depth_mm, cal.mean_leg_length_mm);
        return std::array::from_fn(|s| {
            let x = -0.24 * pd - 9.9 - cal.marker_radius_mm;
            let up = -0.16 * pw - 0.04 * ll - 7.1;
            let lateral = 0.28 * pd + 0.16 * pw + 7.9;
            // ISB z is to the right; the CGM pelvis y is to the left.
            origin + p * Vector3::new(x, -SGN[s] * lateral, up)
        });
    }
    let c = cal.mean_leg_length_mm * 0.115 - 15.3;
    let aa = cal.inter_asis_mm / 2.0;
    let r = cal.marker_radius_mm;
    std::array::from_fn(|s| {
        let at = cal.asis_troc_mm[s];
        let x = (-at - r) * BETA.cos() + c * THETA.cos() * BETA.sin();
        // Left hip is at +y (left), right at −y.
        let y = -SGN[s] * (aa - c * THETA.sin());
        let z = (-at - r) * BETA.sin() - c * THETA.cos() * BETA.cos();
        origin + p * Vector3::new(x, y, z)
    })
}

fn segments(mk: &Markers, i: usize, cal: &PigCalibration) -> Segments {
    let (origin, pelvis) = pelvis_frame(mk, i);
    let hjc = hip_centres(origin, &pelvis, cal);
    let r = cal.marker_radius_mm;
    let mut thigh = [Matrix3::zeros(); 2];
    let mut tibia = [Matrix3::zeros(); 2];
    let mut foot_raw = [Matrix3::zeros(); 2];
    let mut ajc = [Vector3::zeros(); 2];
    let mut kjcs = [Vector3::zeros(); 2];
    for s in 0..2 {
        let kne = mm(mk.kne[s], i);
        let kjc = chord(mm(mk.thi[s], i), hjc[s], kne, cal.knee_width_mm[s] / 2.0 + r);
        let z = unit(hjc[s] - kjc);
        let x = unit(SGN[s] * z.cross(&(kne - kjc)));
        thigh[s] = frame(x, z.cross(&x), z);
        kjcs[s] = kjc;

        let ank = mm(mk.ank[s], i);
        let a = chord(mm(mk.tib[s], i), kjc, ank, cal.ankle_width_mm[s] / 2.0 + r);
        let z = unit(kjc - a);
        let x = unit(SGN[s] * z.cross(&(ank - a)));
        let tib = frame(x, z.cross(&x), z);
        tibia[s] = tib * rot(Axis::Z, -cal.tibial_torsion_rad[s]);
        ajc[s] = a;

        let yflex = tibia[s].column(1).into_owned();
        let z = unit(a - mm(mk.toe[s], i));
        let x = unit(yflex.cross(&z));
        foot_raw[s] = frame(x, z.cross(&x), z);
    }
    Segments { pelvis, thigh, tibia, foot_raw, hjc, kjc: kjcs, ajc }
}

/// The anatomical foot of the static trial: z = TOE→HEE (heel lowered to the
/// toe's height for a flat foot), y from the tibia.
fn static_foot(mk: &Markers, i: usize, s: usize, seg: &Segments, flat: bool) -> Option<Matrix3<f64>> {
    let toe = mm(mk.toe[s], i);
    let mut hee = mm(mk.hee[s]?, i);
    if flat {
        hee.z = toe.z;
    }
    let yflex = seg.tibia[s].column(1).into_owned();
    let z = unit(hee - toe);
    let x = unit(yflex.cross(&z));
    Some(frame(x, z.cross(&x), z))
}

fn finite(m: &Matrix3<f64>) -> bool {
    m.iter().all(|v| v.is_finite())
}

/// Static calibration from the static trial (or, without one, from the
/// motion trial's markers with zero foot offsets, noted).
pub fn calibrate(t: &Trial, opts: &PigOptions) -> Result<PigCalibration, String> {
    let mut notes = Vec::new();
    let sub = &t.subject;
    let st: &Trial = match &t.static_trial {
        Some(s) => s,
        None => {
            notes.push(
                "no static trial: inter-ASIS distance from the motion trial; ankle angles and foot progression not computed (no foot offsets)"
                    .into(),
            );
            t
        }
    };
    let pair = |b: Bilateral, what: &str| -> Result<[f64; 2], String> {
        match (b.left, b.right) {
            (Some(l), Some(r)) => Ok([l, r]),
            (Some(v), None) | (None, Some(v)) => Ok([v, v]),
            (None, None) => Err(format!("Plug-in Gait needs the subject's {what}")),
        }
    };
    // The motion trial's markers first: without them the model does not apply.
    Markers::find(t)?;
    let leg = pair(sub.leg_length_mm, "leg length")?;
    let knee = pair(sub.knee_width_mm, "knee width")?;
    let ankle = pair(sub.ankle_width_mm, "ankle width")?;
    let diameter = sub.marker_diameter_mm.unwrap_or_else(|| {
        notes.push("marker diameter not given: Plug-in Gait default 14 mm".into());
        14.0
    });
    let mk = Markers::find(st).map_err(|e| format!("static trial: {e}"))?;
    let inter_asis = match opts.inter_asis_mm {
        Some(v) => v,
        None => {
            let (mut sum, mut n) = (0.0, 0usize);
            for i in 0..st.frames {
                let d = (mm(mk.asis[0], i) - mm(mk.asis[1], i)).norm();
                if d.is_finite() {
                    sum += d;
                    n += 1;
                }
            }
            if n == 0 {
                return Err("inter-ASIS distance: no frame with both ASIS markers".into());
            }
            notes.push(format!("inter-ASIS distance {:.1} mm from the static trial", sum / n as f64));
            sum / n as f64
        }
    };
    let (mut depth, mut nd) = (0.0, 0usize);
    for i in 0..st.frames {
        let (origin, p) = pelvis_frame(&mk, i);
        // Sacrum → mid-ASIS along the pelvis x axis.
        let sacrum_x = (origin - sacrum_at(&mk, i)).dot(&p.column(0));
        if sacrum_x.is_finite() {
            depth += sacrum_x;
            nd += 1;
        }
    }
    let pelvis_depth = if nd > 0 { depth / nd as f64 } else { f64::NAN };
    if opts.hip_centre == HipCentre::Harrington && !pelvis_depth.is_finite() {
        return Err("Harrington hip centre: no static frame with the pelvis markers".into());
    }
    let at = [opts.asis_troc_mm.left, opts.asis_troc_mm.right];
    let mut cal = PigCalibration {
        hip_centre: opts.hip_centre,
        pelvis_depth_mm: pelvis_depth,
        leg_length_mm: leg,
        mean_leg_length_mm: (leg[0] + leg[1]) / 2.0,
        inter_asis_mm: inter_asis,
        asis_troc_mm: std::array::from_fn(|s| at[s].unwrap_or(0.1288 * leg[s] - 48.56)),
        knee_width_mm: knee,
        ankle_width_mm: ankle,
        marker_radius_mm: diameter / 2.0,
        tibial_torsion_rad: [
            opts.tibial_torsion_deg.left.unwrap_or(0.0).to_radians(),
            opts.tibial_torsion_deg.right.unwrap_or(0.0).to_radians(),
        ],
        foot_plantarflexion_rad: [0.0; 2],
        foot_rotation_rad: [0.0; 2],
        static_frames: [0; 2],
        notes,
    };
    if t.static_trial.is_none() {
        return Ok(cal);
    }
    let mut acc = [[0.0f64; 2]; 2];
    for i in 0..st.frames {
        let seg = segments(&mk, i, &cal);
        for s in 0..2 {
            let Some(c) = static_foot(&mk, i, s, &seg, opts.flat_foot) else { continue };
            if !finite(&c) || !finite(&seg.foot_raw[s]) {
                continue;
            }
            let a = joint_angles(&seg.foot_raw[s], &c, YXZ);
            acc[s][0] += a.angles[0];
            acc[s][1] += a.angles[1];
            cal.static_frames[s] += 1;
        }
    }
    for s in 0..2 {
        let n = cal.static_frames[s];
        if n == 0 {
            cal.notes
                .push(format!("{} foot offsets: no static frame with TOE, HEE and the shank; ankle angles and foot progression not computed", SIDES[s].name()));
        } else {
            cal.foot_plantarflexion_rad[s] = acc[s][0] / n as f64;
            cal.foot_rotation_rad[s] = acc[s][1] / n as f64;
        }
    }
    Ok(cal)
}

/// Dynamic Plug-in Gait angles of every frame of `t` with a calibration.
pub fn angles_with(t: &Trial, cal: &PigCalibration) -> Result<PigAngles, String> {
    let mk = Markers::find(t)?;
    let n = t.frames;
    let mut values: [Vec<Vec<f64>>; 2] = std::array::from_fn(|_| vec![vec![f64::NAN; n]; VARIABLES.len()]);
    let mut locks = [0usize; 2];
    let offsets: [Matrix3<f64>; 2] =
        std::array::from_fn(|s| rot(Axis::Y, cal.foot_plantarflexion_rad[s]) * rot(Axis::X, cal.foot_rotation_rad[s]));
    let lab = Matrix3::identity();
    for i in 0..n {
        let seg = segments(&mk, i, cal);
        let pel = joint_angles(&lab, &seg.pelvis, YXZ);
        for s in 0..2 {
            let sg = SGN[s];
            let foot = seg.foot_raw[s] * offsets[s];
            let hip = joint_angles(&seg.pelvis, &seg.thigh[s], YXZ);
            let knee = joint_angles(&seg.thigh[s], &seg.tibia[s], YXZ);
            let ankle = joint_angles(&seg.tibia[s], &foot, YXZ);
            let prog = joint_angles(&lab, &foot, YXZ);
            locks[s] += [pel, hip, knee, ankle, prog].iter().filter(|c| c.gimbal_lock).count();
            let [pa, pb, pc] = pel.angles;
            let [ha, hb, hc] = hip.angles;
            let [ka, kb, kc] = knee.angles;
            let [aa, ab, ac] = ankle.angles;
            let row = [
                pa,
                -sg * pb,
                sg * pc,
                -ha,
                sg * hb,
                sg * hc,
                ka,
                sg * kb,
                sg * kc,
                -aa - std::f64::consts::FRAC_PI_2,
                sg * ac,
                sg * ab,
                sg * prog.angles[1],
            ];
            // Without the static foot offsets the foot frame is not the
            // anatomical one: ankle angles and foot progression stay empty.
            let upto = if cal.static_frames[s] > 0 { row.len() } else { FOOT_VARIABLES_START };
            for (v, a) in row.iter().enumerate().take(upto) {
                values[s][v][i] = a.to_degrees();
            }
        }
    }
    Ok(PigAngles { values, gimbal_lock_frames: locks, calibration: cal.clone() })
}

/// Hip, knee and ankle joint centres of frame `i` (left, right), in metres in
/// the trial's canonical frame; NaN where a marker is missing.
pub fn joint_centres(t: &Trial, cal: &PigCalibration, i: usize) -> Result<[[Vector3<f64>; 2]; 3], String> {
    let mk = Markers::find(t)?;
    let seg = segments(&mk, i, cal);
    let m = |v: [Vector3<f64>; 2]| v.map(|p| p / 1000.0);
    Ok([m(seg.hjc), m(seg.kjc), m(seg.ajc)])
}

/// Calibrate on the static trial and compute the dynamic angles.
pub fn angles(t: &Trial, opts: &PigOptions) -> Result<PigAngles, String> {
    let cal = calibrate(t, opts)?;
    angles_with(t, &cal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vsk_parameters_and_options() {
        let vsk = r#"<KinematicModel><Parameters>
            <StaticParameter NAME="InterAsisDistance" VALUE="306" PRIOR="0"/>
            <Parameter NAME="InterAsisDistance" VALUE="1"/>
            <Parameter VALUE="64.5" NAME="LeftAsisTrocanterDistance"/>
            <Parameter NAME="RightAsisTrocanterDistance" VALUE="0"/>
            <Parameter NAME="LeftTibialTorsion" VALUE="-5"/>
            <Parameter NAME="Junk" VALUE="abc"/>
        </Parameters></KinematicModel>"#;
        let p = vsk_parameters(vsk);
        assert_eq!(p.len(), 4);
        assert_eq!(p["LeftAsisTrocanterDistance"], 64.5);
        let o = PigOptions::from_parameters(&p);
        assert_eq!(o.inter_asis_mm, Some(306.0));
        assert_eq!(o.asis_troc_mm.left, Some(64.5));
        assert_eq!(o.asis_troc_mm.right, None);
        assert_eq!(o.tibial_torsion_deg.left, Some(-5.0));
        let mut c3d = std::collections::BTreeMap::new();
        c3d.insert("RAsisTrocanterDistance".to_string(), 62.9);
        assert_eq!(PigOptions::from_parameters(&c3d).asis_troc_mm.right, Some(62.9));
    }

    #[test]
    fn foot_variables_come_last() {
        assert_eq!(VARIABLES[FOOT_VARIABLES_START], "ankle_dorsiflexion");
        assert!(VARIABLES[FOOT_VARIABLES_START..].iter().all(|v| v.starts_with("ankle") || *v == "foot_progression"));
    }

    #[test]
    fn chord_puts_the_centre_at_delta_with_a_right_angle() {
        let hjc = Vector3::new(0.0, 0.0, 400.0);
        let kne = Vector3::new(0.0, -60.0, 0.0);
        let thi = Vector3::new(10.0, -70.0, 200.0);
        let k = chord(thi, hjc, kne, 59.5);
        assert!(((k - kne).norm() - 59.5).abs() < 1e-9);
        assert!((hjc - k).dot(&(kne - k)).abs() < 1e-6);
        // In the plane of the three points.
        let n = (thi - kne).cross(&(hjc - kne));
        assert!((k - kne).dot(&n).abs() < 1e-6);
    }
}
