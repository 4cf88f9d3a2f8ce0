//! Force-based contacts: vertical ground reaction force per plate (or
//! instrumented treadmill), low-pass filtered, thresholded (default 20 N), and
//! the foot on the plate told from the markers.
//!
//! - Channels are grouped into plates by name (`Fx1`/`Fz1`, `Force.Fz2`,
//!   `Force Plate #1 - Fz`, `ground_force_vy` / `1_ground_force_vy` /
//!   `R_ground_force_vy`, RBDS `Fx Fy Fz COPx ...`), rotated with the trial's
//!   lab axes into the canonical frame (Z up), and signed so that load is
//!   positive (C3D and Vicon plates give the force on the plate, OpenSim the
//!   force on the body).
//! - A contact runs from the first sample above the threshold to the last
//!   one (BTK's vertical-GRF detector does the same with 10 N); both are
//!   rounded to the nearest marker frame.
//! - Which foot: the one whose lowest marker is nearer its ground level over
//!   the middle of the contact (the other foot swings then, in walking and in
//!   running). A contact in which both feet are down for long (a single-belt
//!   treadmill in walking: double support joins the contacts) is ambiguous
//!   and dropped, with a note.

use super::kinematic::Kinematics;
use crate::clean::axes::LabAxes;
use crate::filter::{Butterworth, LowPass};
use crate::model::{ChannelKind, Side};
use crate::trial::Trial;
use rayon::prelude::*;

/// One plate's vertical force (canonical frame, load positive) and centre of
/// pressure, at the plate's own rate.
#[derive(Debug, Clone)]
pub struct PlateSignal {
    pub name: String,
    pub rate_hz: f64,
    pub time0_s: f64,
    /// Vertical force, N, filtered.
    pub fz: Vec<f64>,
    /// Centre of pressure in the canonical frame, m, when the file gives it.
    pub cop: Option<Vec<[f64; 3]>>,
    /// Side named by the channel prefix (`R_ground_force_vy`), if any.
    pub side_hint: Option<Side>,
}

/// One foot contact on one plate.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub plate: usize,
    pub side: Side,
    /// Onset and release times on the file's clock, s.
    pub on_s: f64,
    pub off_s: f64,
    /// Marker-frame indices (0-based) of the strike and the foot off.
    pub strike: usize,
    pub off: usize,
    /// Whether the contact starts and ends inside the recording.
    pub complete: bool,
    /// COP in the canonical frame at initial loading: the mean over 5 ms
    /// from the first sample where the vertical force reaches
    /// [`COP_LOAD_SHARE`] of the contact's peak (see there).
    pub cop_at_strike: Option<[f64; 3]>,
    /// Marker frame (0-based) at which `cop_at_strike` was sampled: the foot
    /// must be taken at the same instant (on a treadmill the belt carries it
    /// back by several centimetres in those milliseconds).
    pub cop_frame: usize,
}

/// Share of a contact's peak vertical force at which its centre of pressure
/// is taken for the strike index (Cavanagh & Lafortune 1980 define it at
/// initial contact). The COP is the ratio of moment to force, so in the first
/// milliseconds of a contact, with a few tens of newtons on the plate, plate
/// noise moves it by decimetres: on RBDS0041's instrumented treadmill the
/// strike index at a 20-50 N onset scatters over -100..+180 %, at 10 % of the
/// peak (about 0.25 body weight, 10-15 ms after onset) it settles to a median
/// of 9-11 % with the foot angle's rearfoot class.
pub const COP_LOAD_SHARE: f64 = 0.10;

#[derive(Default)]
struct Parts {
    f: [Option<usize>; 3],
    p: [Option<usize>; 3],
}

/// Split a channel name into (plate key, 'f' or 'p', axis), if it is a force or COP component.
fn component(name: &str) -> Option<(String, char, usize)> {
    let n = name.trim().to_ascii_lowercase();
    let axis = |c: char| match c {
        'x' => Some(0),
        'y' => Some(1),
        'z' => Some(2),
        _ => None,
    };
    if let Some(i) = n.find("ground_force_") {
        let mut rest = &n[i + "ground_force_".len()..];
        let mut key = n[..i].to_string();
        // Rajagopal 2016: `ground_force_r_vx`, `ground_force_l_px` (side after the name).
        for side in ["r_", "l_"] {
            if let Some(r) = rest.strip_prefix(side) {
                key = format!("{key}{side}");
                rest = r;
            }
        }
        let mut ch = rest.chars();
        let kind = ch.next()?;
        let a = axis(ch.next()?)?;
        let kind = match kind {
            'v' => 'f',
            'p' => 'p',
            _ => return None,
        };
        return ch.next().is_none().then_some((key, kind, a));
    }
    if let Some((dev, comp)) = n.rsplit_once(" - ") {
        let mut ch = comp.trim().chars();
        let kind = match ch.next()? {
            'f' => 'f',
            'c' => 'p',
            _ => return None,
        };
        let a = axis(ch.next()?)?;
        return ch.next().is_none().then(|| (dev.trim().to_string(), kind, a));
    }
    let s = n.strip_prefix("force.").or_else(|| n.strip_prefix("cop.")).unwrap_or(&n);
    let (kind, rest) = if let Some(r) = s.strip_prefix("cop") {
        ('p', r)
    } else if let Some(r) = s.strip_prefix('p').filter(|_| n.starts_with("cop.")) {
        ('p', r)
    } else if let Some(r) = s.strip_prefix('f') {
        ('f', r)
    } else {
        return None;
    };
    let mut ch = rest.chars();
    let c0 = ch.next()?;
    if let Some(a) = axis(c0) {
        let key: String = ch.collect();
        return key.chars().all(|c| c.is_ascii_digit()).then_some((key, kind, a));
    }
    // F1X form
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let tail = &rest[digits.len()..];
    let mut t = tail.chars();
    let a = axis(t.next()?)?;
    (t.next().is_none() && !digits.is_empty()).then_some((digits, kind, a))
}

/// The plates of a trial with their vertical force in the canonical frame.
pub fn plates(t: &Trial, notes: &mut Vec<String>) -> Vec<PlateSignal> {
    let Some(lab) = &t.lab else { return Vec::new() };
    let mut groups: Vec<(String, Parts)> = Vec::new();
    for (i, ch) in t.analogs.iter().enumerate() {
        if ch.kind != ChannelKind::ForcePlate {
            continue;
        }
        let Some((key, kind, a)) = component(&ch.name) else { continue };
        let g = match groups.iter().position(|(k, _)| *k == key) {
            Some(g) => g,
            None => {
                groups.push((key, Parts::default()));
                groups.len() - 1
            }
        };
        let parts = &mut groups[g].1;
        let slot = if kind == 'f' { &mut parts.f[a] } else { &mut parts.p[a] };
        slot.get_or_insert(i);
    }
    // One rayon task per plate (issue 8: idle cores of a small batch; the
    // global pool, so `--jobs` bounds it); plates kept in channel order.
    let signals: Vec<(bool, PlateSignal, Option<Butterworth>)> = groups
        .par_iter()
        .map(|(key, parts)| plate(t, lab, key, parts))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let mut out: Vec<PlateSignal> = Vec::new();
    let mut filters: Vec<(Butterworth, Vec<usize>)> = Vec::new();
    for (unnamed, mut s, f) in signals {
        if unnamed {
            s.name = format!("plate {}", out.len() + 1);
        }
        if let Some(f) = f {
            match filters.iter_mut().find(|(g, _)| *g == f) {
                Some((_, v)) => v.push(out.len()),
                None => filters.push((f, vec![out.len()])),
            }
        }
        out.push(s);
    }
    // The plates of one design filtered together (up to eight interleaved,
    // `Butterworth::filtfilt_many`: each bit for bit `filtfilt` of its own).
    for (f, members) in &filters {
        let raw: Vec<Vec<f64>> = members.iter().map(|&i| std::mem::take(&mut out[i].fz)).collect();
        let refs: Vec<&[f64]> = raw.iter().map(Vec::as_slice).collect();
        let mut filtered = vec![Vec::new(); members.len()];
        f.filtfilt_many(&refs, &mut filtered);
        for (&i, fz) in members.iter().zip(filtered) {
            out[i].fz = fz;
        }
    }
    if !out.is_empty() {
        notes.push(format!(
            "{} force plate(s): vertical force low-pass filtered (order 2 zero-lag, {} Hz or rate/5) before thresholding",
            out.len(),
            LowPass::FORCE.cutoff_hz
        ));
    }
    out
}

/// One plate's vertical force (not yet filtered), COP and the filter its
/// force needs (`None`: none can be designed, the force stays raw) from its
/// channels; `None` when the channels do not make a usable plate. The flag
/// says the plate has no name of its own (its key is empty): [`plates`]
/// numbers it.
fn plate(t: &Trial, lab: &LabAxes, key: &str, parts: &Parts) -> Option<(bool, PlateSignal, Option<Butterworth>)> {
    let [Some(fx), Some(fy), Some(fz)] = parts.f else { return None };
    let chans = [&t.analogs[fx], &t.analogs[fy], &t.analogs[fz]];
    let rate = chans[0].rate_hz;
    let n = chans.iter().map(|c| c.data.len()).min().unwrap_or(0);
    if !(rate.is_finite() && rate > 0.0) || n < 4 || chans.iter().any(|c| c.rate_hz != rate) {
        return None;
    }
    let r = lab.rotation[2];
    let mut v: Vec<f64> = (0..n)
        .map(|k| r[0] * chans[0].data[k] + r[1] * chans[1].data[k] + r[2] * chans[2].data[k])
        .map(|x| if x.is_finite() { x } else { 0.0 })
        .collect();
    let (lo, hi) = v.iter().fold((0.0f64, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
    if -lo > hi {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    let spec = LowPass { cutoff_hz: LowPass::FORCE.cutoff_hz.min(rate / 5.0), ..LowPass::FORCE };
    let filter = spec.design(rate).ok();
    let fz = v;
    let cop = match parts.p {
        [Some(px), Some(py), Some(pz)] => {
            let p = [&t.analogs[px], &t.analogs[py], &t.analogs[pz]];
            (p.iter().all(|c| c.data.len() >= n && c.rate_hz == rate))
                .then(|| (0..n).map(|k| lab.apply([p[0].data[k], p[1].data[k], p[2].data[k]])).collect())
        }
        _ => None,
    };
    let side_hint = if key.starts_with("r_") || key.ends_with("_r_") || key == "r" {
        Some(Side::Right)
    } else if key.starts_with("l_") || key.ends_with("_l_") || key == "l" {
        Some(Side::Left)
    } else {
        None
    };
    let name = key.trim_matches('_').to_string();
    Some((key.is_empty(), PlateSignal { name, rate_hz: rate, time0_s: chans[2].time0_s, fz, cop, side_hint }, filter))
}

/// Contacts on every plate: vertical force above `threshold_n`.
pub fn contacts(
    t: &Trial,
    plates: &[PlateSignal],
    kin: Option<&Kinematics>,
    threshold_n: f64,
    notes: &mut Vec<String>,
) -> Vec<Contact> {
    let mut out = Vec::new();
    let mut ambiguous = 0;
    let mut unknown = 0;
    for (pi, p) in plates.iter().enumerate() {
        let n = p.fz.len();
        let mut k = 0;
        while k < n {
            if p.fz[k] <= threshold_n {
                k += 1;
                continue;
            }
            let on = k;
            while k < n && p.fz[k] > threshold_n {
                k += 1;
            }
            let off = k - 1;
            let complete = on > 0 && k < n;
            let on_s = p.time0_s + on as f64 / p.rate_hz;
            let off_s = p.time0_s + off as f64 / p.rate_hz;
            // Too short to be a foot contact (noise spikes): under 40 ms.
            if off_s - on_s < 0.04 {
                continue;
            }
            let fi = |s: f64| (s - t.time0_s) * t.rate_hz;
            let strike = fi(on_s).round().max(0.0) as usize;
            let foff = fi(off_s).round();
            if foff < 0.0 || strike >= t.frames {
                continue;
            }
            let foff = (foff as usize).min(t.frames.saturating_sub(1));
            if foff < strike {
                continue;
            }
            let side = match (p.side_hint, kin) {
                (Some(s), _) => Some(s),
                (None, Some(kin)) => match kin.lower_foot(strike, foff) {
                    Ok(s) => Some(s),
                    Err(true) => {
                        ambiguous += 1;
                        None
                    }
                    Err(false) => None,
                },
                (None, None) => None,
            };
            let Some(side) = side else {
                unknown += 1;
                continue;
            };
            let peak = p.fz[on..=off].iter().copied().fold(0.0f64, f64::max);
            let load = threshold_n.max(COP_LOAD_SHARE * peak);
            let j0 = (on..=off).find(|&j| p.fz[j] >= load).unwrap_or(on);
            let cop_at_strike = p.cop.as_ref().and_then(|c| {
                let m = ((0.005 * p.rate_hz).round() as usize).max(1);
                let pts: Vec<[f64; 3]> = (j0..(j0 + m).min(off + 1)).map(|j| c[j]).collect();
                let mean = |a: usize| pts.iter().map(|q| q[a]).sum::<f64>() / pts.len() as f64;
                let v = [mean(0), mean(1), mean(2)];
                v.iter().all(|x| x.is_finite()).then_some(v)
            });
            let cop_frame = (fi(p.time0_s + j0 as f64 / p.rate_hz).round().max(0.0) as usize).min(foff);
            out.push(Contact { plate: pi, side, on_s, off_s, strike, off: foff, complete, cop_at_strike, cop_frame });
        }
    }
    if ambiguous > 0 {
        notes.push(format!(
            "{ambiguous} force contacts carry both feet (double support on one plate or belt): not used for events"
        ));
    }
    if unknown > 0 {
        notes.push(format!("{unknown} force contacts could not be given a foot (foot markers missing)"));
    }
    out.sort_by(|a, b| a.on_s.total_cmp(&b.on_s));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_split_into_plate_and_component() {
        let c = |s: &str| component(s);
        assert_eq!(c("Fz1"), Some(("1".into(), 'f', 2)));
        assert_eq!(c("F2Y"), Some(("2".into(), 'f', 1)));
        assert_eq!(c("Force.Fz2"), Some(("2".into(), 'f', 2)));
        assert_eq!(c("COP.Px1"), Some(("1".into(), 'p', 0)));
        assert_eq!(c("Force Plate #1 - Fz"), Some(("force plate #1".into(), 'f', 2)));
        assert_eq!(c("ground_force_vy"), Some(("".into(), 'f', 1)));
        assert_eq!(c("1_ground_force_px"), Some(("1_".into(), 'p', 0)));
        assert_eq!(c("R_ground_force_vz"), Some(("r_".into(), 'f', 2)));
        assert_eq!(c("ground_force_r_vy"), Some(("r_".into(), 'f', 1)));
        assert_eq!(c("ground_force_l_pz"), Some(("l_".into(), 'p', 2)));
        assert_eq!(c("Fy"), Some(("".into(), 'f', 1)));
        assert_eq!(c("COPz"), Some(("".into(), 'p', 2)));
        assert_eq!(c("Mx1"), None);
        assert_eq!(c("ground_torque_x"), None);
    }
}
