//! Gait events: foot strikes and foot offs, walking or running, treadmill or
//! overground, belt speed. A pure function of the trial ([`detect`]).
//!
//! Order of work:
//! 1. Foot and pelvis markers filtered ([`crate::filter`]) at the running
//!    cutoff; contact phases from the foot clearance; **mode**: running when
//!    flight phases (neither foot down) fill at least 5 % of the frames where
//!    both feet are seen.
//! 2. Kinematic events with the mode's method and filter: Zeni et al. 2008
//!    for walking, the foot-velocity method for running
//!    ([`kinematic`]).
//! 3. Force contacts ([`force`]): where a plate saw a contact, its strike and
//!    foot off (`source: force_plate`) replace the kinematic events of that
//!    foot nearby; kinematic events fill the rest (`source: kinematic`).
//! 4. **Treadmill** when the pelvis travels less than 0.25 m/s on average
//!    over the trial (OpenCap uses 0.3 m/s on the belt-speed estimate);
//!    **belt speed** from the subject data (manifest) or else the median
//!    backward velocity of the foot (heel-toe midpoint) over the middle third
//!    of each stance.
//!
//! Events stored in the file are never used here unless
//! [`EventOptions::use_file_events`] says so (then they are the events, with
//! `source: file`, and a note says it).

pub mod calibrate;
pub mod force;
pub mod kinematic;

use crate::filter::LowPass;
use crate::model::{self, Side};
use crate::trace::span;
use crate::trial::Trial;
use kinematic::{Kinematics, SIDES};

/// Walking or running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Walk,
    Run,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Run => "run",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    FootStrike,
    FootOff,
}

impl EventKind {
    /// The gait event a file's event stands for (foot strike or foot off; other
    /// labelled events have none).
    pub fn from_file(k: &model::EventKind) -> Option<EventKind> {
        match k {
            model::EventKind::FootStrike => Some(EventKind::FootStrike),
            model::EventKind::FootOff => Some(EventKind::FootOff),
            model::EventKind::Other(_) => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EventKind::FootStrike => "foot_strike",
            EventKind::FootOff => "foot_off",
        }
    }
    pub fn to_model(self) -> model::EventKind {
        match self {
            EventKind::FootStrike => model::EventKind::FootStrike,
            EventKind::FootOff => model::EventKind::FootOff,
        }
    }
}

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Kinematic,
    ForcePlate,
    File,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Kinematic => "kinematic",
            Source::ForcePlate => "force_plate",
            Source::File => "file",
        }
    }
}

/// One event on the trial's marker frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub side: Side,
    pub kind: EventKind,
    /// 0-based marker-frame index (frame number = `first_frame + index`).
    pub index: usize,
    /// Time on the file's clock, s.
    pub time_s: f64,
    pub source: Source,
}

/// Options of the events stage.
#[derive(Debug, Clone, PartialEq)]
pub struct EventOptions {
    pub walk_filter: LowPass,
    pub run_filter: LowPass,
    /// Vertical force threshold for a contact, N.
    pub force_threshold_n: f64,
    /// Use the events stored in the file instead of detecting them.
    pub use_file_events: bool,
}

impl Default for EventOptions {
    fn default() -> Self {
        EventOptions {
            walk_filter: LowPass::WALK_MARKERS,
            run_filter: LowPass::RUN_MARKERS,
            force_threshold_n: 20.0,
            use_file_events: false,
        }
    }
}

/// What the events stage found.
#[derive(Debug, Clone)]
pub struct GaitEvents {
    /// Events used downstream, sorted by frame (kinematic and force-plate, or
    /// file events when asked for).
    pub events: Vec<Event>,
    pub mode: Option<Mode>,
    pub treadmill: Option<bool>,
    pub belt_speed_m_s: Option<f64>,
    /// Share of frames with neither foot down, where both feet are seen.
    pub flight_fraction: Option<f64>,
    pub contacts: Vec<force::Contact>,
    /// The filtered kinematics (at the mode's cutoff) later stages reuse.
    pub kinematics: Option<Kinematics>,
    pub notes: Vec<String>,
}

/// Share of frames in flight (both feet above their low threshold).
fn flight_fraction(k: &Kinematics) -> Option<f64> {
    let n = k.frames();
    let mut down = [vec![false; n], vec![false; n]];
    for (si, s) in SIDES.iter().enumerate() {
        k.foot(*s)?;
        for (a, b) in k.stance_phases(*s, kinematic::STANCE_IC, kinematic::STANCE_FO) {
            down[si][a..=b].iter_mut().for_each(|d| *d = true);
        }
    }
    let (l, r) = (k.foot(Side::Left)?, k.foot(Side::Right)?);
    let seen: Vec<usize> = (0..n).filter(|&i| l.clearance[i].is_finite() && r.clearance[i].is_finite()).collect();
    // Only between the first and last contact seen (ends of a trial may be standing or cut).
    let first = seen.iter().copied().find(|&i| down[0][i] || down[1][i])?;
    let last = seen.iter().copied().rev().find(|&i| down[0][i] || down[1][i])?;
    let inner: Vec<usize> = seen.into_iter().filter(|&i| i >= first && i <= last).collect();
    if inner.len() < 10 {
        return None;
    }
    Some(inner.iter().filter(|&&i| !down[0][i] && !down[1][i]).count() as f64 / inner.len() as f64)
}

/// The kinematics at the mode's filter, the flight fraction, the mode and the
/// kinematic events (with the notes of the filter designs); `None` without
/// foot markers. The feet are filtered at the running cutoff first (the mode
/// needs only them); the pelvis is filtered at the mode's cutoff only.
#[allow(clippy::type_complexity)]
fn kinematic_events(
    t: &Trial,
    o: &EventOptions,
) -> (Vec<String>, Option<(Kinematics, Option<f64>, Option<Mode>, Vec<Event>)>) {
    let mut notes = Vec::new();
    let Some(k0) = Kinematics::feet_only(t, o.run_filter, &mut notes) else { return (notes, None) };
    k0.prepare();
    let flight = flight_fraction(&k0);
    let mode = flight.map(|f| if f >= 0.05 { Mode::Run } else { Mode::Walk });
    let walk = match mode {
        Some(Mode::Walk) => Kinematics::new(t, o.walk_filter, &mut notes),
        _ => None,
    };
    let (kin, events) = match (mode, walk) {
        (_, Some(kin)) => {
            kin.prepare();
            let events = kin.walking();
            (kin, events)
        }
        (Some(Mode::Run), None) => {
            // The running events need no pelvis: filter it meanwhile.
            let (pelvis, events) = rayon::join(
                || Kinematics::pelvis_of(t, o.run_filter),
                || k0.foot_speed(kinematic::STANCE_IC, kinematic::STANCE_FO),
            );
            let mut kin = k0;
            kin.pelvis = pelvis;
            (kin, events)
        }
        (mode, None) => {
            let mut kin = k0;
            kin.pelvis = Kinematics::pelvis_of(t, o.run_filter);
            let events = if mode == Some(Mode::Walk) { kin.walking() } else { Vec::new() };
            (kin, events)
        }
    };
    (notes, Some((kin, flight, mode, events)))
}

/// Detect the gait events of a trial.
pub fn detect(t: &Trial, o: &EventOptions) -> GaitEvents {
    let mut notes = Vec::new();
    let mut ge = GaitEvents {
        events: Vec::new(),
        mode: None,
        treadmill: None,
        belt_speed_m_s: None,
        flight_fraction: None,
        contacts: Vec::new(),
        kinematics: None,
        notes: Vec::new(),
    };
    // The kinematic chain and the force plates do not meet before the
    // contacts are given a foot: two rayon tasks, their notes joined in the
    // order of a serial run.
    let ((kin_notes, found), (plates, plate_notes)) = rayon::join(
        || span(|| "events:kinematics".into(), || kinematic_events(t, o)),
        || {
            span(
                || "events:plates".into(),
                || {
                    let mut n = Vec::new();
                    let p = force::plates(t, &mut n);
                    (p, n)
                },
            )
        },
    );
    notes.extend(kin_notes);
    let Some((kin, flight, mode, mut events)) = found else {
        if !t.markers.is_empty() {
            notes.push("no foot markers (heel and toe) mapped: no gait events detected".into());
        }
        ge.notes = notes;
        return ge;
    };
    ge.flight_fraction = flight;
    ge.mode = mode;
    notes.extend(plate_notes);
    // Force plates.
    let contacts =
        span(|| "events:contacts".into(), || force::contacts(t, &plates, Some(&kin), o.force_threshold_n, &mut notes));
    if !contacts.is_empty() {
        let used = span(|| "events:calibrate".into(), || calibrate::calibrate(&kin, t.time0_s, &mut events, &contacts));
        if used > 0 && events.iter().any(|e| e.source == Source::Kinematic) {
            notes.push(format!(
                "kinematic foot strikes calibrated on {used} force-plate contact(s): moved to where the foot markers' pattern at the plates' strikes fits best"
            ));
        }
        let tol = match mode {
            Some(Mode::Run) => (0.08 * t.rate_hz).round() as usize,
            _ => (0.15 * t.rate_hz).round() as usize,
        };
        let mut forced = Vec::new();
        for c in &contacts {
            let on_inside = c.on_s > t.time0_s && c.strike > 0;
            let off_inside = c.complete || c.off + 1 < t.frames;
            let mk = |kind, index: usize| Event {
                side: c.side,
                kind,
                index,
                time_s: t.time0_s + index as f64 / t.rate_hz,
                source: Source::ForcePlate,
            };
            if on_inside && c.complete {
                forced.push(mk(EventKind::FootStrike, c.strike));
            }
            if off_inside && c.complete {
                forced.push(mk(EventKind::FootOff, c.off));
            }
        }
        events.retain(|e| {
            !forced.iter().any(|f| f.side == e.side && f.kind == e.kind && f.index.abs_diff(e.index) <= tol)
        });
        events.extend(forced);
        events.sort_by_key(|e| (e.index, e.side, e.kind));
    }
    ge.contacts = contacts;
    // Treadmill from the pelvis travel.
    let px: Vec<(usize, f64)> =
        kin.pelvis.iter().enumerate().filter(|(_, p)| p[0].is_finite()).map(|(i, p)| (i, p[0])).collect();
    if let (Some(a), Some(b)) = (px.first(), px.last())
        && b.0 > a.0
    {
        let v = (b.1 - a.1).abs() / ((b.0 - a.0) as f64 / t.rate_hz);
        ge.treadmill = Some(v < 0.25 && (b.0 - a.0) as f64 / t.rate_hz >= 1.0);
    }
    if ge.treadmill == Some(true) {
        ge.belt_speed_m_s = match t.subject.belt_speed_m_s {
            Some(v) => Some(v),
            None => {
                let v = belt_speed(&kin, &events);
                if v.is_some() {
                    notes.push("belt speed estimated from the foot's velocity in mid-stance".into());
                }
                v
            }
        };
    }
    if o.use_file_events {
        let file: Vec<Event> = t
            .file_events
            .iter()
            .filter_map(|e| {
                let kind = EventKind::from_file(&e.kind)?;
                let i = ((e.time_s - t.time0_s) * t.rate_hz).round();
                (i >= 0.0 && (i as usize) < t.frames).then(|| Event {
                    side: e.side.unwrap_or(Side::Left),
                    kind,
                    index: i as usize,
                    time_s: e.time_s,
                    source: Source::File,
                })
            })
            .collect();
        notes.push(format!("events: the file's own {} events used in place of detection (option)", file.len()));
        events = file;
    }
    ge.events = events;
    ge.kinematics = Some(kin);
    ge.notes = notes;
    ge
}

/// Median backward velocity of the foot midpoint over the middle third of
/// each stance (strike to the next foot off of that foot).
fn belt_speed(k: &Kinematics, events: &[Event]) -> Option<f64> {
    let mut v = Vec::new();
    for s in SIDES {
        let Some(f) = k.foot(s) else { continue };
        let mid: Vec<f64> = f.heel.iter().zip(&f.toe).map(|(h, t)| 0.5 * (h[0] + t[0])).collect();
        let vx = crate::filter::derivative(&mid, k.rate_hz);
        let mine: Vec<&Event> = events.iter().filter(|e| e.side == s).collect();
        for w in mine.windows(2) {
            if w[0].kind == EventKind::FootStrike && w[1].kind == EventKind::FootOff {
                let (a, b) = (w[0].index, w[1].index);
                let len = b - a;
                v.extend((a + len / 3..=a + 2 * len / 3).map(|i| -vx[i]).filter(|x| x.is_finite()));
            }
        }
    }
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let m = *v.select_nth_unstable_by(mid, f64::total_cmp).1;
    (m > 0.3).then_some(m)
}
