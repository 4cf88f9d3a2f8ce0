//! `gaitline evaluate`: detected events against reference events over a
//! dataset, and our spatiotemporal values against the file's `ANALYSIS`.
//!
//! - Reference: the events stored in the file (C3D/Vicon, `source: file`)
//!   when it has foot strikes or foot offs (detections count from the first
//!   labelled event to the last, ± the tolerance: labs label a stretch), else
//!   the force-plate contacts.
//!   Against file events the detected events are the pipeline's (kinematic
//!   and force-plate fused); against plate contacts they are the kinematic
//!   ones alone (the plates' own events would match themselves), looked at
//!   only within 0.15 s of each contact (plates do not see every step).
//! - Matching (the convention of gaitkit's evaluation, 50 ms): per side and
//!   kind, pairs are taken greedily by the smallest time difference, each
//!   event used once, within the tolerance. TP = pairs; precision = TP /
//!   detected, recall = TP / reference, F1 = their harmonic mean; timing
//!   error = detected − reference (mean, SD with n − 1, median absolute), ms.
//! - `ANALYSIS` (Vicon's values of its first complete cycle per side): our
//!   stride at the same cycle (opening within 2 frames of the file's first
//!   complete cycle; else our own first complete stride), per parameter.

use crate::events::kinematic::Kinematics;
use crate::events::{Event, EventKind, EventOptions, Mode};
use crate::model::{self, Side};
use crate::pipeline::Analysis;
use crate::spatiotemporal::{Stride, first_complete};
use crate::trial::Trial;

/// One reference or detected event: side, kind, time on the file's clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ev {
    pub side: Side,
    pub kind: EventKind,
    pub time_s: f64,
}

/// What one trial gave.
#[derive(Debug, Clone)]
pub struct TrialEval {
    pub id: String,
    /// `file` or `force_plate` (empty: no reference).
    pub reference: &'static str,
    pub refs: Vec<Ev>,
    pub detected: Vec<Ev>,
    /// (kind, detected − reference, s) of every matched pair.
    pub errors: Vec<(EventKind, f64)>,
    /// (parameter, side, ours, reference).
    pub analysis: Vec<(String, Side, f64, f64)>,
}

/// Precision, recall, F1 and timing error of one event kind.
#[derive(Debug, Clone, PartialEq)]
pub struct KindStats {
    pub kind: EventKind,
    pub n_ref: usize,
    pub n_detected: usize,
    pub matched: usize,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    pub mean_ms: Option<f64>,
    pub sd_ms: Option<f64>,
    pub median_abs_ms: Option<f64>,
}

fn to_ev(e: &Event) -> Ev {
    Ev { side: e.side, kind: e.kind, time_s: e.time_s }
}

/// Greedy one-to-one matching within `tol_s`: (reference index, detected index, error s).
pub fn match_events(refs: &[Ev], det: &[Ev], tol_s: f64) -> Vec<(usize, usize, f64)> {
    let mut pairs = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        for (j, d) in det.iter().enumerate() {
            let e = d.time_s - r.time_s;
            if d.side == r.side && d.kind == r.kind && e.abs() <= tol_s + 1e-9 {
                pairs.push((i, j, e));
            }
        }
    }
    pairs.sort_by(|a, b| a.2.abs().total_cmp(&b.2.abs()).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let (mut ru, mut du) = (vec![false; refs.len()], vec![false; det.len()]);
    let mut out = Vec::new();
    for (i, j, e) in pairs {
        if !ru[i] && !du[j] {
            ru[i] = true;
            du[j] = true;
            out.push((i, j, e));
        }
    }
    out.sort_by_key(|p| p.0);
    out
}

fn file_refs(t: &Trial) -> Vec<Ev> {
    t.file_events
        .iter()
        .filter_map(|e| {
            let kind = EventKind::from_file(&e.kind)?;
            Some(Ev { side: e.side?, kind, time_s: e.time_s })
        })
        .collect()
}

/// Evaluate one analysed trial.
pub fn evaluate_trial(t: &Trial, a: &Analysis, o: &EventOptions, tol_s: f64) -> TrialEval {
    let mut ev = TrialEval {
        id: t.id.clone(),
        reference: "",
        refs: Vec::new(),
        detected: Vec::new(),
        errors: Vec::new(),
        analysis: Vec::new(),
    };
    let file = file_refs(t);
    if !file.is_empty() {
        ev.reference = "file";
        // Labs label a stretch of the trial: only detections inside it count.
        let lo = file.iter().map(|e| e.time_s).fold(f64::INFINITY, f64::min) - tol_s;
        let hi = file.iter().map(|e| e.time_s).fold(f64::NEG_INFINITY, f64::max) + tol_s;
        ev.detected = a.events.events.iter().filter(|e| e.time_s >= lo && e.time_s <= hi).map(to_ev).collect();
        ev.refs = file;
    } else if a.events.contacts.iter().any(|c| c.complete) {
        ev.reference = "force_plate";
        let mut windows = Vec::new();
        for c in a.events.contacts.iter().filter(|c| c.complete) {
            ev.refs.push(Ev { side: c.side, kind: EventKind::FootStrike, time_s: c.on_s });
            ev.refs.push(Ev { side: c.side, kind: EventKind::FootOff, time_s: c.off_s });
            windows.push((c.side, c.on_s - 0.15, c.off_s + 0.15));
        }
        let filter = if a.events.mode == Some(Mode::Walk) { o.walk_filter } else { o.run_filter };
        if let Some(k) = Kinematics::new(t, filter, &mut Vec::new()) {
            let kin = match a.events.mode {
                Some(Mode::Walk) => k.walking(),
                _ => k.foot_speed(crate::events::kinematic::STANCE_IC, crate::events::kinematic::STANCE_FO),
            };
            ev.detected = kin
                .iter()
                .filter(|e| windows.iter().any(|w| w.0 == e.side && e.time_s >= w.1 && e.time_s <= w.2))
                .map(to_ev)
                .collect();
        }
    }
    ev.errors = match_events(&ev.refs, &ev.detected, tol_s).into_iter().map(|(i, _, e)| (ev.refs[i].kind, e)).collect();
    ev.analysis = analysis_rows(t, a);
    ev
}

/// Our stride at the cycle Vicon's `ANALYSIS` describes (see the module doc).
pub fn analysis_cycle<'a>(t: &Trial, a: &'a Analysis, side: Side) -> Option<&'a Stride> {
    let fe = |s: Side, k: model::EventKind| -> Vec<i64> {
        t.file_events
            .iter()
            .filter(|e| e.side == Some(s) && e.kind == k)
            .map(|e| ((e.time_s - t.time0_s) * t.rate_hz).round() as i64)
            .collect()
    };
    let o = if side == Side::Left { Side::Right } else { Side::Left };
    let (fs, fo, ofs, ofo) = (
        fe(side, model::EventKind::FootStrike),
        fe(side, model::EventKind::FootOff),
        fe(o, model::EventKind::FootStrike),
        fe(o, model::EventKind::FootOff),
    );
    let start = fs.windows(2).find(|w| {
        let inside = |v: &Vec<i64>| v.iter().copied().find(|&x| x > w[0] && x < w[1]);
        matches!((inside(&ofo), inside(&ofs), inside(&fo)), (Some(a), Some(b), Some(c)) if a < b && b < c)
    });
    match start {
        Some(w) => a.strides.iter().find(|s| s.side == Some(side) && (s.start as i64 - w[0]).abs() <= 2),
        None => first_complete(&a.strides, side),
    }
}

/// `ANALYSIS` parameters we compute: (Vicon name, our value of a stride).
type Getter = fn(&Stride) -> Option<f64>;
const ANALYSIS_KEYS: [(&str, Getter); 7] = [
    ("Cadence", |s| Some(s.cadence_steps_per_min)),
    ("Stride Time", |s| Some(s.stride_time_s)),
    ("Step Time", |s| s.step_time_s),
    ("Stride Length", |s| s.stride_length_m),
    ("Step Length", |s| s.step_length_m),
    ("Walking Speed", |s| s.speed_m_s),
    ("Foot Off", |s| s.stance_pct),
];

fn analysis_rows(t: &Trial, a: &Analysis) -> Vec<(String, Side, f64, f64)> {
    let mut out = Vec::new();
    for side in [Side::Left, Side::Right] {
        let Some(st) = analysis_cycle(t, a, side) else { continue };
        for (name, get) in ANALYSIS_KEYS {
            let r = t.analysis.iter().find(|r| r.name == name && r.side == Some(side));
            if let (Some(r), Some(v)) = (r, get(st)) {
                out.push((name.to_string(), side, v, r.value));
            }
        }
    }
    out
}

/// Statistics per event kind over trials.
pub fn summarize(trials: &[TrialEval], tol_s: f64) -> Vec<KindStats> {
    [EventKind::FootStrike, EventKind::FootOff]
        .into_iter()
        .map(|kind| {
            let n_ref = trials.iter().map(|t| t.refs.iter().filter(|e| e.kind == kind).count()).sum::<usize>();
            let n_detected = trials.iter().map(|t| t.detected.iter().filter(|e| e.kind == kind).count()).sum();
            let errs: Vec<f64> =
                trials.iter().flat_map(|t| t.errors.iter().filter(|e| e.0 == kind).map(|e| e.1 * 1000.0)).collect();
            let _ = tol_s;
            let matched = errs.len();
            let precision = (n_detected > 0).then(|| matched as f64 / n_detected as f64);
            let recall = (n_ref > 0).then(|| matched as f64 / n_ref as f64);
            let f1 = match (precision, recall) {
                (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            };
            let n = errs.len() as f64;
            let mean = (matched > 0).then(|| errs.iter().sum::<f64>() / n);
            let sd = mean
                .filter(|_| matched > 1)
                .map(|m| (errs.iter().map(|e| (e - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt());
            let median_abs = (matched > 0).then(|| {
                let mut a: Vec<f64> = errs.iter().map(|e| e.abs()).collect();
                a.sort_by(f64::total_cmp);
                let k = a.len();
                if k % 2 == 1 { a[k / 2] } else { 0.5 * (a[k / 2 - 1] + a[k / 2]) }
            });
            KindStats {
                kind,
                n_ref,
                n_detected,
                matched,
                precision,
                recall,
                f1,
                mean_ms: mean,
                sd_ms: sd,
                median_abs_ms: median_abs,
            }
        })
        .collect()
}

/// CSV columns of `gaitline evaluate --out`.
pub const COLUMNS: &str = "trial,section,name,side,reference,n_ref,n_detected,matched,precision,recall,f1,mean_error_ms,sd_error_ms,median_abs_error_ms,ours,reference_value,difference";

fn f(v: Option<f64>, d: usize) -> String {
    v.filter(|x| x.is_finite()).map(|x| format!("{x:.d$}")).unwrap_or_default()
}

fn stats_row(trial: &str, reference: &str, s: &KindStats) -> String {
    format!(
        "{trial},events,{},,{reference},{},{},{},{},{},{},{},{},{},,,",
        s.kind.name(),
        s.n_ref,
        s.n_detected,
        s.matched,
        f(s.precision, 4),
        f(s.recall, 4),
        f(s.f1, 4),
        f(s.mean_ms, 2),
        f(s.sd_ms, 2),
        f(s.median_abs_ms, 2)
    )
}

/// The CSV: per trial and kind, then `all` per kind, then the `ANALYSIS` rows.
pub fn to_csv(trials: &[TrialEval], tol_s: f64) -> String {
    let mut out = format!("{COLUMNS}\n");
    for t in trials {
        for s in summarize(std::slice::from_ref(t), tol_s) {
            out.push_str(&stats_row(&t.id, t.reference, &s));
            out.push('\n');
        }
    }
    for s in summarize(trials, tol_s) {
        out.push_str(&stats_row("all", "", &s));
        out.push('\n');
    }
    for t in trials {
        for (name, side, ours, theirs) in &t.analysis {
            out.push_str(&format!(
                "{},analysis,{name},{},file,,,,,,,,,,{},{},{}\n",
                t.id,
                side.name(),
                f(Some(*ours), 6),
                f(Some(*theirs), 6),
                f(Some(ours - theirs), 6)
            ));
        }
    }
    out
}

/// A plain-text table for the terminal.
pub fn to_table(trials: &[TrialEval], tol_s: f64) -> String {
    let mut out = format!(
        "{:<32} {:<11} {:<11} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>8} {:>7} {:>8}\n",
        "trial", "reference", "kind", "ref", "det", "tp", "prec", "recall", "F1", "mean ms", "SD ms", "med|e|ms"
    );
    let pct = |v: Option<f64>| v.map(|x| format!("{x:.3}")).unwrap_or_else(|| "-".into());
    let ms = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "-".into());
    let line = |out: &mut String, id: &str, r: &str, s: &KindStats| {
        out.push_str(&format!(
            "{:<32} {:<11} {:<11} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>8} {:>7} {:>8}\n",
            id,
            r,
            s.kind.name(),
            s.n_ref,
            s.n_detected,
            s.matched,
            pct(s.precision),
            pct(s.recall),
            pct(s.f1),
            ms(s.mean_ms),
            ms(s.sd_ms),
            ms(s.median_abs_ms)
        ));
    };
    for t in trials {
        for s in summarize(std::slice::from_ref(t), tol_s) {
            line(&mut out, &t.id, if t.reference.is_empty() { "none" } else { t.reference }, &s);
        }
    }
    for s in summarize(trials, tol_s) {
        line(&mut out, "all", "", &s);
    }
    let rows: Vec<&TrialEval> = trials.iter().filter(|t| !t.analysis.is_empty()).collect();
    if !rows.is_empty() {
        out.push_str(&format!(
            "\n{:<32} {:<14} {:<6} {:>10} {:>10} {:>10}\n",
            "trial", "ANALYSIS", "side", "ours", "file", "diff"
        ));
        for t in rows {
            for (name, side, ours, theirs) in &t.analysis {
                out.push_str(&format!(
                    "{:<32} {:<14} {:<6} {:>10.4} {:>10.4} {:>10.4}\n",
                    t.id,
                    name,
                    side.name(),
                    ours,
                    theirs,
                    ours - theirs
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_one_to_one_within_tolerance() {
        let e = |t| Ev { side: Side::Left, kind: EventKind::FootStrike, time_s: t };
        let refs = [e(1.0), e(2.0)];
        let det = [e(1.01), e(1.02), e(2.2)];
        let m = match_events(&refs, &det, 0.05);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].0, m[0].1), (0, 0));
        let t = TrialEval {
            id: "x".into(),
            reference: "file",
            refs: refs.to_vec(),
            detected: det.to_vec(),
            errors: m.iter().map(|p| (EventKind::FootStrike, p.2)).collect(),
            analysis: vec![],
        };
        let s = &summarize(&[t], 0.05)[0];
        assert_eq!((s.n_ref, s.n_detected, s.matched), (2, 3, 1));
        assert!((s.precision.unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.recall.unwrap() - 0.5).abs() < 1e-12);
        assert!((s.f1.unwrap() - 0.4).abs() < 1e-12);
    }
}
