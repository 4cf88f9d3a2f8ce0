//! `metrics.json`, schema `gaitline.metrics/1` (see README, "Output contract").
//! Fields a stage has not computed are absent, never invented.

use crate::model::{EventKind, Side, Subject};
use crate::trial::Trial;
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA: &str = "gaitline.metrics/1";

#[derive(Debug, Serialize)]
pub struct Metrics {
    pub schema: &'static str,
    pub gaitline_version: &'static str,
    pub trial: TrialInfo,
    pub subject: Subject,
    pub events: Vec<EventOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spatiotemporal: Option<Spatiotemporal>,
    /// Robinson SIs: spatiotemporal keys at the top level (as before), angle
    /// peaks, threshold and method (`imbalance::symmetry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symmetry: Option<crate::imbalance::symmetry::Symmetry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub foot_strike: Option<BTreeMap<&'static str, FootStrikeOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub angles: Option<AnglesOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imbalance: Option<ImbalanceOut>,
    pub notes: Vec<String>,
}

/// `imbalance`: the hamstring/quadriceps evidence (issue 6); each part absent
/// when the trial cannot give it.
#[derive(Debug, Serialize)]
pub struct ImbalanceOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emg: Option<crate::imbalance::emg::EmgOut>,
    /// Isokinetic dynamometer ratios and LSIs (a `<stem>_dynamometer.csv` side-car).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamometer: Option<crate::imbalance::dynamometer::DynamometerResult>,
    /// Terminal swing, hamstring length estimate, overstriding, loading response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kinematic: Option<crate::imbalance::kinematic::KinematicEvidence>,
    /// Findings from all evidence (`[]`: none).
    pub findings: Vec<crate::imbalance::findings::Finding>,
    /// Recommendations tied to the findings (`why`: the finding codes).
    pub recommendations: Vec<crate::imbalance::findings::Recommendation>,
}

/// `{mean, sd, n}` of one angle feature over the cycles (`sd` null for n < 2).
#[derive(Debug, Serialize, Clone, Copy, PartialEq)]
pub struct AngleStat {
    pub mean: f64,
    pub sd: Option<f64>,
    pub n: usize,
}

/// `angles`: the model, cycles per side, and per side → variable → feature
/// (`max_deg`, `max_pct`, `min_deg`, `min_pct`, `rom_deg`, `mean_deg`) →
/// `{mean, sd, n}` over the 101-point cycles.
#[derive(Debug, Serialize)]
pub struct AnglesOut {
    pub model: &'static str,
    pub cycles: BTreeMap<&'static str, usize>,
    pub left: BTreeMap<&'static str, BTreeMap<&'static str, AngleStat>>,
    pub right: BTreeMap<&'static str, BTreeMap<&'static str, AngleStat>>,
    /// GPS and GVS against `--norms` (Baker 2009; [`crate::norms::gait_profile`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gait_profile: Option<crate::norms::GaitProfile>,
}

/// `{mean, sd, cv, n}` of one parameter (`cv` in %; `sd`, `cv` null for n < 2).
#[derive(Debug, Serialize, Clone, Copy, PartialEq)]
pub struct StatOut {
    pub mean: f64,
    pub sd: Option<f64>,
    pub cv: Option<f64>,
    pub n: usize,
}

impl StatOut {
    pub fn from(s: crate::spatiotemporal::Stat) -> StatOut {
        StatOut { mean: round(s.mean, 6), sd: s.sd.map(|v| round(v, 6)), cv: s.cv.map(|v| round(v, 4)), n: s.n }
    }
}

/// `spatiotemporal.{left,right,overall}`, each key → `{mean, sd, cv, n}`.
#[derive(Debug, Serialize, Default)]
pub struct Spatiotemporal {
    pub left: BTreeMap<&'static str, StatOut>,
    pub right: BTreeMap<&'static str, StatOut>,
    pub overall: BTreeMap<&'static str, StatOut>,
}

#[derive(Debug, Serialize)]
pub struct FootStrikeOut {
    pub pattern: &'static str,
    pub angle_deg: StatOut,
    pub shares: Shares,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strike_index_pct: Option<StatOut>,
}

#[derive(Debug, Serialize)]
pub struct Shares {
    pub rearfoot: f64,
    pub midfoot: f64,
    pub forefoot: f64,
}

#[derive(Debug, Serialize)]
pub struct TrialInfo {
    pub id: String,
    pub source_files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_file: Option<String>,
    pub formats: Vec<String>,
    pub marker_rate_hz: Option<f64>,
    pub frames: usize,
    pub first_frame: i64,
    pub duration_s: f64,
    /// `walk`, `run`, or null until the events stage decides.
    pub mode: Option<&'static str>,
    pub treadmill: Option<bool>,
    /// Treadmill belt speed (manifest, or estimated from the feet); null overground.
    pub belt_speed_m_s: Option<f64>,
    pub markers: usize,
    pub marker_set: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lab_axes: Option<LabAxesOut>,
    pub landmarks: BTreeMap<String, String>,
    pub unmapped_markers: Vec<String>,
    pub analog_channels: Vec<ChannelOut>,
    pub gaps: GapsOut,
}

#[derive(Debug, Serialize)]
pub struct LabAxesOut {
    pub vertical: String,
    pub progression: String,
    pub method: &'static str,
    pub heading_offset_deg: f64,
}

#[derive(Debug, Serialize)]
pub struct ChannelOut {
    pub name: String,
    pub kind: crate::model::ChannelKind,
    pub unit: String,
    pub rate_hz: Option<f64>,
    pub samples: usize,
}

#[derive(Debug, Serialize)]
pub struct GapsOut {
    pub filled: usize,
    pub filled_samples: usize,
    pub unfilled: usize,
    pub unfilled_samples: usize,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct EventOut {
    pub side: Side,
    pub kind: EventKind,
    pub time_s: f64,
    pub frame: i64,
    pub source: &'static str,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Round to `d` decimals so that the JSON is stable and readable.
fn round(v: f64, d: i32) -> f64 {
    let k = 10f64.powi(d);
    (v * k).round() / k
}

/// Append `round(v, d)` exactly as `Display` prints it ([`super::push_num`],
/// which writes `0` where `Display` writes `-0` for a negative zero; other
/// values `Display` itself).
fn push_round(s: &mut String, v: f64, d: i32) {
    let n = (v * 10f64.powi(d)).round();
    if !n.is_finite() || !(0..=9).contains(&d) {
        use std::fmt::Write as _;
        let _ = write!(s, "{}", round(v, d));
    } else if n == 0.0 && n.is_sign_negative() {
        s.push_str("-0");
    } else {
        super::push_num(s, v, d as u32);
    }
}

/// Build the metrics of a cleaned trial (the thin foundation stage: trial
/// description, file events and notes).
pub fn from_trial(t: &Trial) -> Metrics {
    let name = |p: &std::path::Path| p.display().to_string();
    let rate = finite(t.rate_hz);
    let mut notes = t.notes.clone();
    let mut events = Vec::new();
    let mut others = 0;
    for e in &t.file_events {
        match (&e.kind, e.side) {
            (EventKind::FootStrike | EventKind::FootOff, Some(side)) => {
                let frame = match rate {
                    Some(r) => t.first_frame + ((e.time_s - t.time0_s) * r).round() as i64,
                    None => 0,
                };
                events.push(EventOut { side, kind: e.kind.clone(), time_s: round(e.time_s, 6), frame, source: "file" });
            }
            _ => others += 1,
        }
    }
    if others > 0 {
        notes.push(format!("{others} other events in the file (not foot strike or foot off) not listed"));
    }
    let g = |filled: bool| t.gaps.iter().filter(move |x| x.filled == filled);
    Metrics {
        schema: SCHEMA,
        gaitline_version: env!("CARGO_PKG_VERSION"),
        trial: TrialInfo {
            id: t.id.clone(),
            source_files: t.source_files.iter().map(|p| name(p)).collect(),
            static_file: t.static_trial.as_ref().and_then(|s| s.source_files.first()).map(|p| name(p)),
            formats: t.dialects.clone(),
            marker_rate_hz: rate,
            frames: t.frames,
            first_frame: t.first_frame,
            duration_s: round(t.duration_s(), 6),
            mode: None,
            treadmill: None,
            belt_speed_m_s: None,
            markers: t.markers.len(),
            marker_set: t.mapping.preset.clone(),
            lab_axes: t.lab.as_ref().map(|l| LabAxesOut {
                vertical: l.vertical.label(),
                progression: l.progression.label(),
                method: l.progression_method,
                heading_offset_deg: round(l.heading_offset_deg, 2),
            }),
            landmarks: t.mapping.landmarks.iter().map(|(l, &i)| (l.code(), t.markers[i].name.clone())).collect(),
            unmapped_markers: t.mapping.unmapped.clone(),
            analog_channels: t
                .analogs
                .iter()
                .map(|c| ChannelOut {
                    name: c.name.clone(),
                    kind: c.kind,
                    unit: c.unit.clone(),
                    rate_hz: finite(c.rate_hz),
                    samples: c.data.len(),
                })
                .collect(),
            gaps: GapsOut {
                filled: g(true).count(),
                filled_samples: g(true).map(|x| x.frames).sum(),
                unfilled: g(false).count(),
                unfilled_samples: g(false).map(|x| x.frames).sum(),
            },
        },
        subject: t.subject.clone(),
        events,
        spatiotemporal: None,
        symmetry: None,
        foot_strike: None,
        angles: None,
        imbalance: None,
        notes,
    }
}

/// Metrics of a trial with its events, strides and foot strikes.
pub fn from_analysis(t: &Trial, a: &crate::pipeline::Analysis) -> Metrics {
    use crate::spatiotemporal::{KEYS, summarize};
    let mut m = from_trial(t);
    let ge = &a.events;
    m.trial.mode = ge.mode.map(|x| x.name());
    m.trial.treadmill = ge.treadmill;
    m.trial.belt_speed_m_s = ge.belt_speed_m_s.map(|v| round(v, 4));
    m.notes.extend(ge.notes.iter().cloned());
    m.notes.extend(a.foot_strikes.notes.iter().cloned());
    if !a.events.events.iter().all(|e| e.source == crate::events::Source::File) {
        for e in &ge.events {
            m.events.push(EventOut {
                side: e.side,
                kind: e.kind.to_model(),
                time_s: round(e.time_s, 6),
                frame: t.frame_number(e.index),
                source: e.source.name(),
            });
        }
    }
    m.events.sort_by(|a, b| a.time_s.total_cmp(&b.time_s).then(a.source.cmp(b.source)).then(a.side.cmp(&b.side)));
    if !a.strides.is_empty() {
        let mut st = Spatiotemporal::default();
        for key in KEYS {
            let l = summarize(a.strides.iter().filter(|s| s.side == Some(Side::Left)), key);
            let r = summarize(a.strides.iter().filter(|s| s.side == Some(Side::Right)), key);
            let o = summarize(a.strides.iter(), key);
            if let Some(v) = l {
                st.left.insert(key, StatOut::from(v));
            }
            if let Some(v) = r {
                st.right.insert(key, StatOut::from(v));
            }
            if let Some(v) = o {
                st.overall.insert(key, StatOut::from(v));
            }
        }
        m.spatiotemporal = Some(st);
        m.symmetry = a.imbalance.symmetry.clone();
    }
    let mut fso = BTreeMap::new();
    for side in [Side::Left, Side::Right] {
        let mine: Vec<_> = a.foot_strikes.strikes.iter().filter(|s| s.side == side).collect();
        let angles: Vec<f64> = mine.iter().map(|s| s.angle_deg).collect();
        let Some(angle) = crate::spatiotemporal::Stat::of(&angles) else { continue };
        let share = |c: crate::footstrike::StrikeClass| {
            round(mine.iter().filter(|s| s.class == c).count() as f64 / mine.len() as f64, 4)
        };
        use crate::footstrike::StrikeClass as C;
        let shares = Shares { rearfoot: share(C::Rearfoot), midfoot: share(C::Midfoot), forefoot: share(C::Forefoot) };
        let pattern = [C::Rearfoot, C::Midfoot, C::Forefoot]
            .into_iter()
            .max_by(|a, b| share(*a).total_cmp(&share(*b)).then(b.cmp(a)))
            .map(|c| c.name())
            .unwrap_or("rearfoot");
        let si: Vec<f64> = mine.iter().filter_map(|s| s.strike_index_pct).collect();
        fso.insert(
            side.name(),
            FootStrikeOut {
                pattern,
                angle_deg: StatOut::from(angle),
                shares,
                strike_index_pct: crate::spatiotemporal::Stat::of(&si).map(StatOut::from),
            },
        );
    }
    m.foot_strike = (!fso.is_empty()).then_some(fso);
    m.notes.extend(a.angle_notes.iter().cloned());
    let model = a.angles.as_ref().map_or("plug-in-gait", |x| x.model);
    m.angles = a.angle_cycles.as_ref().and_then(|c| angles_out(c, model));
    if let Some(e) = &a.emg {
        m.notes.extend(e.notes.iter().cloned());
    }
    m.notes.extend(a.imbalance.notes.iter().cloned());
    let im = &a.imbalance;
    if a.emg.is_some() || im.kinematic.is_some() || im.dynamometer.is_some() || !a.findings.is_empty() {
        m.imbalance = Some(ImbalanceOut {
            emg: a.emg.as_ref().map(|e| e.output(&crate::imbalance::emg::EmgOptions::default())),
            dynamometer: im.dynamometer.clone(),
            kinematic: im.kinematic.clone(),
            findings: a.findings.clone(),
            recommendations: a.recommendations.clone(),
        });
    }
    // Physiologically impossible values: data-quality notes, never findings.
    m.notes.extend(crate::plausibility::notes(&m, &a.strides));
    m
}

/// The `angles` section from the cycles (absent when no side has a cycle).
fn angles_out(c: &crate::angles::cycles::AngleCycles, model: &'static str) -> Option<AnglesOut> {
    use crate::angles::cycles::{CycleFeatures, FEATURES};
    use crate::angles::pig::{SIDES, VARIABLES};
    let mut out =
        AnglesOut { model, cycles: BTreeMap::new(), left: BTreeMap::new(), right: BTreeMap::new(), gait_profile: None };
    for (s, side) in SIDES.iter().enumerate() {
        let per_var = &c.cycles[s];
        let n = per_var.iter().map(|v| v.len()).max().unwrap_or(0);
        if n == 0 {
            continue;
        }
        out.cycles.insert(side.name(), n);
        let dst = if *side == Side::Left { &mut out.left } else { &mut out.right };
        for (v, var) in VARIABLES.iter().enumerate() {
            let feats: Vec<CycleFeatures> = per_var[v].iter().map(CycleFeatures::of).collect();
            let mut fm = BTreeMap::new();
            for f in FEATURES {
                let vals: Vec<f64> = feats.iter().map(|x| x.get(f)).collect();
                if let Some(st) = crate::spatiotemporal::Stat::of(&vals) {
                    fm.insert(f, AngleStat { mean: round(st.mean, 4), sd: st.sd.map(|x| round(x, 4)), n: st.n });
                }
            }
            if !fm.is_empty() {
                dst.insert(*var, fm);
            }
        }
    }
    (!out.cycles.is_empty()).then_some(out)
}

/// `angles.csv`: `frame,time_s`, then `left_<variable>` and `right_<variable>`
/// per frame on the trial's own frame numbers and clock (deg; empty = gap).
pub fn angles_csv(t: &Trial, a: &crate::angles::JointAngles) -> Vec<u8> {
    use crate::angles::pig::{SIDES, VARIABLES};
    let mut s = String::from("frame,time_s");
    for side in SIDES {
        for v in VARIABLES {
            s.push_str(&format!(",{}_{v}", side.name()));
        }
    }
    s.push('\n');
    s.reserve(t.frames * (16 + 8 * 2 * VARIABLES.len()));
    for i in 0..t.frames {
        let f = t.frame_number(i);
        if f < 0 {
            s.push('-');
        }
        super::push_u64(&mut s, f.unsigned_abs());
        s.push(',');
        push_round(&mut s, t.time0_s + i as f64 / t.rate_hz, 6);
        for side in &a.values {
            for var in side {
                s.push(',');
                let x = var[i];
                if x.is_finite() {
                    push_round(&mut s, x, 4);
                }
            }
        }
        s.push('\n');
    }
    s.into_bytes()
}

/// `stride_cycles.csv`: `side,start_frame,end_frame,percent`, then the 13
/// variables: every stride's 101-point curves (empty where the stride has a gap).
pub fn stride_cycles_csv(t: &Trial, c: &crate::angles::cycles::AngleCycles) -> Vec<u8> {
    use crate::angles::pig::{SIDES, VARIABLES};
    let mut s = String::from("side,start_frame,end_frame,percent");
    for v in VARIABLES {
        s.push(',');
        s.push_str(v);
    }
    s.push('\n');
    for (si, side) in SIDES.iter().enumerate() {
        for st in &c.strides[si] {
            for p in 0..101 {
                s.push_str(&format!("{},{},{},{p}", side.name(), t.frame_number(st.start), t.frame_number(st.end)));
                for curve in &st.curves {
                    s.push(',');
                    if let Some(k) = curve {
                        push_round(&mut s, k[p], 4);
                    }
                }
                s.push('\n');
            }
        }
    }
    s.into_bytes()
}

/// `cycles.csv`: `side,variable,percent,mean,sd,n`, the mean and SD curves of
/// every variable over a side's 101-point cycles (SD empty for one cycle).
pub fn cycles_csv(c: &crate::angles::cycles::AngleCycles) -> Vec<u8> {
    use crate::angles::pig::{SIDES, VARIABLES};
    let mut s = String::from("side,variable,percent,mean,sd,n\n");
    for (si, side) in SIDES.iter().enumerate() {
        for (v, var) in VARIABLES.iter().enumerate() {
            let cyc = &c.cycles[si][v];
            if cyc.is_empty() {
                continue;
            }
            let (mean, sd) = crate::angles::cycles::mean_sd(cyc);
            for p in 0..101 {
                let sd = if sd[p].is_finite() { format!("{}", round(sd[p], 4)) } else { String::new() };
                s.push_str(&format!("{},{var},{p},{},{sd},{}\n", side.name(), round(mean[p], 4), cyc.len()));
            }
        }
    }
    s.into_bytes()
}

/// `events.csv`: `side,kind,frame,time_s,source`, every event listed in metrics.json.
pub fn events_csv(m: &Metrics) -> Vec<u8> {
    let mut s = String::from("side,kind,frame,time_s,source\n");
    for e in &m.events {
        let kind = match e.kind {
            EventKind::FootStrike => "foot_strike",
            EventKind::FootOff => "foot_off",
            EventKind::Other(_) => continue,
        };
        s.push_str(&format!("{},{},{},{},{}\n", e.side.name(), kind, e.frame, e.time_s, e.source));
    }
    s.into_bytes()
}

/// `strides.csv` columns.
pub const STRIDE_COLUMNS: [&str; 20] = [
    "side",
    "start_frame",
    "foot_off_frame",
    "end_frame",
    "start_time_s",
    "stride_time_s",
    "stride_length_m",
    "step_length_m",
    "step_time_s",
    "step_width_m",
    "cadence_steps_per_min",
    "speed_m_s",
    "stance_pct",
    "swing_pct",
    "double_support_pct",
    "flight_pct",
    "contact_time_s",
    "foot_strike_angle_deg",
    "foot_strike_class",
    "source",
];

/// `strides.csv`: one row per stride (empty cell = not computable).
pub fn strides_csv(t: &Trial, a: &crate::pipeline::Analysis) -> Vec<u8> {
    let mut s = STRIDE_COLUMNS.join(",");
    s.push('\n');
    let num =
        |v: Option<f64>, d: i32| v.filter(|x| x.is_finite()).map(|x| format!("{}", round(x, d))).unwrap_or_default();
    for st in &a.strides {
        let src = a
            .events
            .events
            .iter()
            .find(|e| Some(e.side) == st.side && e.index == st.start && e.kind == crate::events::EventKind::FootStrike)
            .map(|e| e.source.name())
            .unwrap_or("");
        let row = [
            st.side.map(|x| x.name()).unwrap_or("").to_string(),
            t.frame_number(st.start).to_string(),
            st.foot_off.map(|f| t.frame_number(f).to_string()).unwrap_or_default(),
            t.frame_number(st.end).to_string(),
            num(Some(st.start_time_s), 6),
            num(Some(st.stride_time_s), 6),
            num(st.stride_length_m, 6),
            num(st.step_length_m, 6),
            num(st.step_time_s, 6),
            num(st.step_width_m, 6),
            num(Some(st.cadence_steps_per_min), 4),
            num(st.speed_m_s, 6),
            num(st.stance_pct, 4),
            num(st.swing_pct, 4),
            num(st.double_support_pct, 4),
            num(st.flight_pct, 4),
            num(st.contact_time_s, 6),
            num(st.foot_strike_angle_deg, 3),
            st.foot_strike_class.unwrap_or("").to_string(),
            src.to_string(),
        ];
        s.push_str(&row.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

impl Metrics {
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod push_round_tests {
    use super::*;

    /// `push_round` prints exactly what `format!("{}", round(v, d))` prints.
    #[test]
    fn same_text_as_display() {
        let mut x = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut cases =
            vec![0.0, -0.0, -0.00004, 0.00005, 1.0, -1.0, 12.5, 1e-9, 123456.78901, 99999.99995, 1e14, 1e20];
        for _ in 0..200_000 {
            let r = next();
            let mag = 10f64.powi((r % 12) as i32 - 4);
            let v = ((next() >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 2.0 * mag;
            cases.push(v);
        }
        for v in cases {
            for d in [0, 1, 2, 4, 6] {
                let mut s = String::new();
                push_round(&mut s, v, d);
                assert_eq!(s, format!("{}", round(v, d)), "v = {v:e}, d = {d}");
            }
        }
    }
}
