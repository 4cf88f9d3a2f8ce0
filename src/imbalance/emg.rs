//! Evidence 1 of the hamstring/quadriceps imbalance: surface EMG.
//!
//! # Channels
//! Every analog channel whose label [`muscle_of`] recognises as a hamstring
//! (BF, ST, SM, MH, ...) or quadriceps (RF, VL, VM, ...) muscle is used,
//! whatever its [`crate::model::ChannelKind`]; its side comes from the label.
//! Channels whose label names no side are reported as `unsided` (they get
//! recording-level ratios but no gait cycles, which need a side). A
//! [`ChannelMap`] (TOML side-car) renames channels the guesser does not know
//! to labels it does, side included.
//!
//! # Processing (per channel)
//! As the literature does it (domain reference §3.7; pyCGM2 `Lib/emg.py`,
//! SENIAM): offset (mean) removal; band-pass 20–450 Hz as a 2nd-order
//! Butterworth high-pass then low-pass, each run forward-backward (zero lag;
//! the upper edge held at 0.45 × the sampling rate when 450 Hz is beyond
//! what the rate allows, the band-pass skipped on the low-pass side when even
//! that is not above the high-pass edge); full-wave rectification; linear
//! envelope by a 2nd-order zero-lag low-pass at 6 Hz (pyCGM2's default; the
//! design cutoff, run forward-backward as pyCGM2 does). Filters never bridge
//! missing (non-finite) samples ([`Butterworth::filtfilt_gaps`]).
//!
//! # Normalisation
//! With an MVC recording that has a channel for every channel used
//! ([`EmgInputs::mvc`]), each envelope is divided by its own MVC envelope peak
//! (fractions of MVC). Otherwise envelopes are divided by the **trial's
//! peak**: the largest envelope value of all hamstring and quadriceps channels
//! of the trial. One common divisor keeps amplitude ratios between muscles as they
//! were in volts, which the H:Q activation ratio needs; dividing each channel
//! by its own peak would make every muscle peak at 1 and hide a weak muscle.
//! The price: ratios of amplitudes between different muscles depend on
//! electrode placement and skin impedance (an MVC normalisation removes that),
//! so the ratio is reported as evidence with that caveat, and left/right
//! comparison of the same muscles is the stronger statement.
//!
//! # Cycles, phases, ratios
//! Each stride of a side (strike to next strike of the same foot,
//! [`Stride`]) is cut from the envelope and resampled to 101 points (0–100 %,
//! linear interpolation; pyCGM2 convention). Per side the cycles are averaged
//! per channel, then the channels of a group are averaged: `H(p)`, `Q(p)`.
//! - H:Q activation ratio = ∫H / ∫Q (trapezoid over the 101 points), over the
//!   cycle and per phase.
//! - Rudolph et al. (2000) co-contraction index ([`cci_rudolph`]) beside it.
//! - Timing: peak and active intervals of each group's mean cycle
//!   ([`timing`]) checked against normal peak windows ([`check_timing`]).
//! - Co-contraction index (Falconer & Winter 1985, Electromyogr Clin
//!   Neurophysiol 25:135–149): CCI = 2·∫min(H, Q) / ∫(H + Q) × 100 %, trapezoid
//!   over the 101 points as pyCGM2 `EMG/coactivationProcedures.py` does.
//! - Phases (Perry & Burnfield 2010, Gait Analysis, 2nd ed., normal walking
//!   percentages of the cycle with 60 % stance): loading response 0–10 %,
//!   midstance 10–30 %, terminal stance 30–50 %, pre-swing and initial/mid
//!   swing 50–87 %, terminal swing 87–100 %; fitted to the side's mean stance
//!   share from its strides' foot offs ([`phase_windows`]: stance boundaries
//!   scaled, swing boundaries at the same fraction of swing). In running the
//!   stance names are approximate (no double support).
//! - Left/right: the ratio left/right of each side's H:Q ratio and Robinson's
//!   symmetry index (R − L)/(0.5 (R + L)) × 100 % ([`symmetry_index`]).
//!
//! Without strides (an EMG file alone) only the recording-level ratio
//! (mean hamstring envelope / mean quadriceps envelope over the recording) is
//! given.

use crate::clean::muscles::{MuscleGroup, muscle_of};
use crate::filter::Butterworth;
use crate::model::Side;
use crate::spatiotemporal::{Stride, symmetry_index};
use crate::trial::Trial;
use rayon::prelude::*;

/// Band-pass edges used, Hz: high-pass edge and low-pass edge (`None`: no
/// low-pass, the rate too low for one above the high-pass edge).
pub type Band = (f64, Option<f64>);

/// Processing parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmgOptions {
    /// Band-pass edges, Hz (the upper held below Nyquist, see the module docs).
    pub band_hz: [f64; 2],
    /// Order of each band-pass filter (high-pass and low-pass), per pass.
    pub band_order: usize,
    /// Linear-envelope low-pass cutoff, Hz.
    pub envelope_hz: f64,
    /// Order of the envelope low-pass, per pass.
    pub envelope_order: usize,
}

impl Default for EmgOptions {
    fn default() -> Self {
        EmgOptions { band_hz: [20.0, 450.0], band_order: 2, envelope_hz: 6.0, envelope_order: 2 }
    }
}

/// The gait phases of the ratios: name and cycle window in %.
pub const PHASES: [(&str, f64, f64); 5] = [
    ("loading_response", 0.0, 10.0),
    ("midstance", 10.0, 30.0),
    ("terminal_stance", 30.0, 50.0),
    ("pre_swing_swing", 50.0, 87.0),
    ("terminal_swing", 87.0, 100.0),
];

/// Stance share of the cycle (%) that [`PHASES`] assume (normal walking,
/// Perry & Burnfield 2010).
pub const NORMAL_STANCE_PCT: f64 = 60.0;

/// [`PHASES`] fitted to a side's own stance share: stance boundaries scaled
/// by `stance / 60`, swing boundaries placed at the same fraction of the swing
/// (terminal swing from 27/40 of the swing on). With 60 % this is [`PHASES`].
pub fn phase_windows(stance_pct: f64) -> [(&'static str, f64, f64); 5] {
    let st = stance_pct.clamp(5.0, 95.0);
    let map = |x: f64| {
        if x <= NORMAL_STANCE_PCT {
            x * st / NORMAL_STANCE_PCT
        } else {
            st + (x - NORMAL_STANCE_PCT) / (100.0 - NORMAL_STANCE_PCT) * (100.0 - st)
        }
    };
    PHASES.map(|(n, a, b)| (n, map(a), map(b)))
}

/// One channel used, after processing.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgChannel {
    pub name: String,
    pub group: MuscleGroup,
    /// Canonical muscle code (`BF`, `ST`, `RF`, ...).
    pub muscle: &'static str,
    pub side: Option<Side>,
    pub rate_hz: f64,
    /// Band-pass edges actually used, Hz (`None` on the upper edge: no low-pass).
    pub band_hz: Band,
    /// Peak of the envelope before normalisation, in the channel's unit.
    pub peak: f64,
    /// Envelope peak of the channel's MVC recording, channel unit.
    pub mvc_peak: Option<f64>,
    /// Mean of the normalised envelope over the recording.
    pub mean_envelope: f64,
    /// Normalised envelope, one value per sample (NaN where the input was).
    pub envelope: Vec<f64>,
    /// Mean normalised 101-point cycle over the side's strides (empty without).
    pub cycle: Vec<f64>,
}

/// Ratios of one side (or of the unsided channels).
#[derive(Debug, Clone, PartialEq)]
pub struct SideEmg {
    /// `None`: channels whose labels name no side.
    pub side: Option<Side>,
    /// Indices into [`EmgImbalance::channels`].
    pub channels: Vec<usize>,
    /// Mean hamstring envelope / mean quadriceps envelope over the recording.
    pub hq_ratio_recording: Option<f64>,
    /// Strides averaged.
    pub cycles: usize,
    /// Group-mean 101-point cycles (empty without strides or a group).
    pub hamstrings_cycle: Vec<f64>,
    pub quadriceps_cycle: Vec<f64>,
    /// ∫H / ∫Q over the cycle.
    pub hq_ratio: Option<f64>,
    /// Mean stance share of the side's strides, % (from their foot offs;
    /// [`NORMAL_STANCE_PCT`] when none has one).
    pub stance_pct: f64,
    /// The phase windows used ([`phase_windows`] of `stance_pct`).
    pub phases: [(&'static str, f64, f64); 5],
    /// Per [`PHASES`] entry.
    pub hq_ratio_phases: Vec<Option<f64>>,
    /// Falconer & Winter CCI over the cycle, %.
    pub cci_pct: Option<f64>,
    pub cci_phases_pct: Vec<Option<f64>>,
    /// Rudolph et al. 2000 CCI over the cycle and per phase ([`cci_rudolph`]).
    pub cci_rudolph: Option<f64>,
    pub cci_rudolph_phases: Vec<Option<f64>>,
    /// Timing of each group's mean cycle ([`timing`]); `None` without one.
    pub hamstrings_timing: Option<Timing>,
    pub quadriceps_timing: Option<Timing>,
}

/// The EMG evidence of a trial.
#[derive(Debug, Clone, PartialEq)]
pub struct EmgImbalance {
    pub channels: Vec<EmgChannel>,
    /// Left, right, then unsided, each only when it has a channel.
    pub sides: Vec<SideEmg>,
    /// Left H:Q ratio / right H:Q ratio (cycle ratios when both sides have
    /// them, else recording ratios).
    pub left_right_ratio: Option<f64>,
    /// Robinson symmetry index of the H:Q ratio, %.
    pub symmetry_index_pct: Option<f64>,
    /// Common divisor of the envelopes (the trial's peak), channel unit
    /// (NaN when normalised to MVC).
    pub normaliser: f64,
    /// Whether every channel was normalised to its own MVC peak.
    pub mvc: bool,
    pub notes: Vec<String>,
}

/// A channel-mapping file: EMG channel names the guesser does not know →
/// a label it does (`R_BF`, `left semitendinosus`, `VL L`, ...).
///
/// Format (TOML), found beside the trial's files as `<stem>_emgmap.toml`, else
/// `emg_channels.toml` in the trial's folder:
///
/// ```toml
/// [channels]
/// "Sensor 3" = "R_BF"
/// "EMG 7" = "left semitendinosus"
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelMap {
    pub path: std::path::PathBuf,
    pub channels: std::collections::BTreeMap<String, String>,
}

/// Line and column (1-based) of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (u64, u64) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
    (line, col)
}

impl ChannelMap {
    /// Parse a mapping file; every target must be a hamstring or quadriceps
    /// label [`muscle_of`] knows (errors name the file, line and column).
    pub fn parse(path: &std::path::Path, text: &str) -> Result<ChannelMap, crate::error::ReadError> {
        use crate::error::{Position, ReadError, ReadErrorKind};
        let v: toml::Table = toml::from_str(text).map_err(|e| {
            let pos =
                e.span().map(|s| line_col(text, s.start)).map_or(Position::default(), |(l, c)| Position::cell(l, c));
            ReadError::new(path, pos, ReadErrorKind::Format(e.message().to_string()))
        })?;
        let at = |key: &str| {
            text.find(&format!("\"{key}\""))
                .or_else(|| text.find(key))
                .map(|i| line_col(text, i))
                .map_or(Position::default(), |(l, c)| Position::cell(l, c))
        };
        let Some(table) = v.get("channels") else {
            return Err(ReadError::file(path, ReadErrorKind::MissingHeader("table [channels]".into())));
        };
        let Some(table) = table.as_table() else {
            return Err(ReadError::new(
                path,
                at("channels"),
                ReadErrorKind::Format("[channels] must be a table".into()),
            ));
        };
        let mut channels = std::collections::BTreeMap::new();
        for (k, val) in table {
            let Some(label) = val.as_str() else {
                return Err(ReadError::new(
                    path,
                    at(k).with_field(k.clone()),
                    ReadErrorKind::BadValue("the muscle label must be a string".into()),
                ));
            };
            if !muscle_of(label).is_some_and(|m| m.0 != MuscleGroup::Other) {
                return Err(ReadError::new(
                    path,
                    at(k).with_field(k.clone()),
                    ReadErrorKind::BadValue(format!(
                        "{label:?} is not a hamstring or quadriceps label (e.g. R_BF, L_ST, R_RF, L_VL, \"left semitendinosus\")"
                    )),
                ));
            }
            channels.insert(k.clone(), label.to_string());
        }
        Ok(ChannelMap { path: path.to_path_buf(), channels })
    }
}

/// Extra inputs of [`analyze_with`].
#[derive(Debug, Clone, Copy, Default)]
pub struct EmgInputs<'a> {
    pub channel_map: Option<&'a ChannelMap>,
    /// Channels of an MVC recording (`<stem>_mvc.*`): each channel of the
    /// trial is normalised to the envelope peak of the MVC channel with the
    /// same name (mapped names included), processed the same way.
    pub mvc: Option<&'a [crate::model::AnalogChannel]>,
}

impl EmgImbalance {
    pub fn side(&self, s: Option<Side>) -> Option<&SideEmg> {
        self.sides.iter().find(|x| x.side == s)
    }
}

/// Offset removal, band-pass, full-wave rectification and linear envelope of
/// one channel (not normalised). Returns the envelope and the band used, or
/// why the channel cannot be processed.
pub fn envelope(x: &[f64], rate_hz: f64, o: &EmgOptions) -> Result<(Vec<f64>, Band), String> {
    // Mean of the finite samples without copying them (same summation order).
    let n_finite = x.iter().filter(|v| v.is_finite()).count();
    if n_finite < 2 {
        return Err("no samples".into());
    }
    let mean = x.iter().copied().filter(|v| v.is_finite()).sum::<f64>() / n_finite as f64;
    let centred: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let hp = Butterworth::highpass(o.band_order, o.band_hz[0], rate_hz).map_err(|e| format!("high-pass: {e}"))?;
    let mut y = hp.filtfilt_gaps(&centred);
    let upper = o.band_hz[1].min(0.45 * rate_hz);
    let upper = (upper > o.band_hz[0]).then_some(upper);
    if let Some(u) = upper {
        let lp = Butterworth::lowpass(o.band_order, u, rate_hz).map_err(|e| format!("low-pass: {e}"))?;
        y = lp.filtfilt_gaps(&y);
    }
    for v in &mut y {
        *v = v.abs();
    }
    let env = Butterworth::lowpass(o.envelope_order, o.envelope_hz, rate_hz).map_err(|e| format!("envelope: {e}"))?;
    Ok((env.filtfilt_gaps(&y), (o.band_hz[0], upper)))
}

/// One channel's envelope and band, or why it cannot be processed ([`envelope`]).
pub type Envelope = Result<(Vec<f64>, Band), String>;

/// [`envelope`] of several channels sampled at the same rate, with the same
/// results bit for bit: each filter runs over all channels at once
/// ([`Butterworth::filtfilt_gaps_many`], up to eight interleaved), so the
/// recursion's latency is shared (issue 8). A channel with fewer than two
/// finite samples gets its own `Err`, as in [`envelope`].
pub fn envelopes(xs: &[&[f64]], rate_hz: f64, o: &EmgOptions) -> Vec<Envelope> {
    let mut out: Vec<Envelope> = Vec::with_capacity(xs.len());
    let mut centred: Vec<Vec<f64>> = Vec::with_capacity(xs.len());
    let mut live = Vec::with_capacity(xs.len());
    for (i, x) in xs.iter().enumerate() {
        let n_finite = x.iter().filter(|v| v.is_finite()).count();
        if n_finite < 2 {
            out.push(Err("no samples".into()));
            continue;
        }
        let mean = x.iter().copied().filter(|v| v.is_finite()).sum::<f64>() / n_finite as f64;
        centred.push(x.iter().map(|v| v - mean).collect());
        live.push(i);
        out.push(Ok((Vec::new(), (o.band_hz[0], None))));
    }
    if live.is_empty() {
        return out;
    }
    let upper = o.band_hz[1].min(0.45 * rate_hz);
    let upper = (upper > o.band_hz[0]).then_some(upper);
    let filters = || -> Result<_, String> {
        let hp = Butterworth::highpass(o.band_order, o.band_hz[0], rate_hz).map_err(|e| format!("high-pass: {e}"))?;
        let lp = match upper {
            Some(u) => Some(Butterworth::lowpass(o.band_order, u, rate_hz).map_err(|e| format!("low-pass: {e}"))?),
            None => None,
        };
        let env =
            Butterworth::lowpass(o.envelope_order, o.envelope_hz, rate_hz).map_err(|e| format!("envelope: {e}"))?;
        Ok((hp, lp, env))
    };
    let (hp, lp, env) = match filters() {
        Ok(f) => f,
        Err(e) => {
            for &i in &live {
                out[i] = Err(e.clone());
            }
            return out;
        }
    };
    let mut a: Vec<Vec<f64>> = vec![Vec::new(); live.len()];
    let refs: Vec<&[f64]> = centred.iter().map(Vec::as_slice).collect();
    hp.filtfilt_gaps_many(&refs, &mut a);
    if let Some(lp) = &lp {
        let refs: Vec<&[f64]> = a.iter().map(Vec::as_slice).collect();
        lp.filtfilt_gaps_many(&refs, &mut centred);
        std::mem::swap(&mut a, &mut centred);
    }
    for y in &mut a {
        for v in y.iter_mut() {
            *v = v.abs();
        }
    }
    let refs: Vec<&[f64]> = a.iter().map(Vec::as_slice).collect();
    env.filtfilt_gaps_many(&refs, &mut centred);
    for (&i, e) in live.iter().zip(centred) {
        out[i] = Ok((e, (o.band_hz[0], upper)));
    }
    out
}

/// Trapezoid integral of `f` over the 101-point window `[a %, b %]`
/// (inclusive indices, unit spacing).
fn trapz(f: &[f64], a: usize, b: usize) -> f64 {
    (a..b).map(|i| 0.5 * (f[i] + f[i + 1])).sum()
}

/// H:Q ratio ∫H/∫Q over `[a, b]` %.
pub fn hq_ratio(h: &[f64], q: &[f64], a: usize, b: usize) -> Option<f64> {
    let (ih, iq) = (trapz(h, a, b), trapz(q, a, b));
    (iq.abs() > 1e-12 && ih.is_finite() && iq.is_finite()).then(|| ih / iq)
}

/// Falconer & Winter (1985) co-contraction index over `[a, b]` %, in %.
pub fn cci(h: &[f64], q: &[f64], a: usize, b: usize) -> Option<f64> {
    let mins: Vec<f64> = h.iter().zip(q).map(|(x, y)| x.min(*y)).collect();
    let sums: Vec<f64> = h.iter().zip(q).map(|(x, y)| x + y).collect();
    let (num, den) = (trapz(&mins, a, b), trapz(&sums, a, b));
    (den.abs() > 1e-12 && num.is_finite() && den.is_finite()).then(|| 200.0 * num / den)
}

/// Rudolph et al. (2000, Knee Surg Sports Traumatol Arthrosc 8:262–269)
/// co-contraction index over `[a, b]` %: the mean over the window's points
/// of (lower / higher) × (lower + higher) of the two envelopes (Rudolph sums
/// over time; the mean keeps windows of different lengths comparable, as in
/// Li et al. 2020, Front Bioeng Biotechnol 8:588908). In units of the
/// normalised envelopes (trial peak = 1, or %MVC / 100).
pub fn cci_rudolph(h: &[f64], q: &[f64], a: usize, b: usize) -> Option<f64> {
    if b < a || b >= h.len().min(q.len()) {
        return None;
    }
    let mut sum = 0.0;
    for i in a..=b {
        let (lo, hi) = if h[i] <= q[i] { (h[i], q[i]) } else { (q[i], h[i]) };
        if hi > 1e-12 {
            sum += lo / hi * (lo + hi);
        }
    }
    let v = sum / (b - a + 1) as f64;
    v.is_finite().then_some(v)
}

/// Normal windows of a muscle group's envelope peak in the gait cycle, %,
/// for a side's stance share (Perry & Burnfield 2010, walking; Novacheck
/// 1998, running: hamstrings peak from mid swing into loading response,
/// quadriceps from terminal swing to the first half of stance):
/// hamstrings `[stance + ½ swing, 100]` and `[0, ¼ stance]`; quadriceps
/// `[terminal swing start, 100]` and `[0, ½ stance]`.
pub fn normal_peak_windows(group: MuscleGroup, stance_pct: f64) -> [[f64; 2]; 2] {
    let st = stance_pct.clamp(5.0, 95.0);
    let r = |v: f64| (v * 100.0).round() / 100.0;
    match group {
        MuscleGroup::Hamstrings => [[r(st + 0.5 * (100.0 - st)), 100.0], [0.0, r(0.25 * st)]],
        _ => [[r(st + 27.0 / 40.0 * (100.0 - st)), 100.0], [0.0, r(0.5 * st)]],
    }
}

/// A group's timing against its normal peak windows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimingCheck {
    pub normal_peak_windows_pct: [[f64; 2]; 2],
    pub peak_in_normal_window: bool,
    /// Onset and offset of the burst holding the peak, % (the burst may wrap:
    /// onset 82, offset 17 = from 82 % to 17 % of the next cycle).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main_burst_pct: Option<[f64; 2]>,
    /// Share of the active cycle points inside the normal windows, %.
    pub active_in_normal_window_pct: f64,
    pub source: &'static str,
}

/// The active interval holding the peak, merged across 100 % → 0 %.
fn main_burst(t: &Timing) -> Option<[f64; 2]> {
    let i = t.active_pct.iter().position(|w| t.peak_pct >= w[0] && t.peak_pct <= w[1])?;
    let w = t.active_pct[i];
    let first = t.active_pct.first().filter(|f| f[0] == 0.0);
    let last = t.active_pct.last().filter(|l| l[1] == 100.0);
    Some(match (first, last) {
        (Some(f), Some(l)) if w == *l && f != l => [w[0], f[1]],
        (Some(f), Some(l)) if w == *f && f != l => [l[0], w[1]],
        _ => w,
    })
}

pub const TIMING_SOURCE: &str = "Perry & Burnfield 2010 (walking), Novacheck 1998 (running): hamstrings peak from \
     mid swing into loading response, quadriceps from terminal swing into the first half of stance";

/// Check a timing against the normal windows.
pub fn check_timing(t: &Timing, group: MuscleGroup, stance_pct: f64) -> TimingCheck {
    let w = normal_peak_windows(group, stance_pct);
    let inside = |p: f64| w.iter().any(|x| p >= x[0] && p <= x[1]);
    let (mut n, mut k) = (0usize, 0usize);
    for a in &t.active_pct {
        let mut p = a[0];
        while p <= a[1] {
            n += 1;
            k += inside(p) as usize;
            p += 1.0;
        }
    }
    TimingCheck {
        normal_peak_windows_pct: w,
        peak_in_normal_window: inside(t.peak_pct),
        main_burst_pct: main_burst(t),
        active_in_normal_window_pct: if n > 0 { (k as f64 / n as f64 * 1000.0).round() / 10.0 } else { 0.0 },
        source: TIMING_SOURCE,
    }
}

/// When a muscle group is active in its mean 101-point cycle.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Timing {
    /// Cycle % of the envelope's maximum.
    pub peak_pct: f64,
    /// Intervals `[on %, off %]` where the envelope exceeds
    /// [`ACTIVE_THRESHOLD`] of its range above its minimum. An interval
    /// touching 100 % continues at 0 % of the next cycle (the cycle wraps).
    pub active_pct: Vec<[f64; 2]>,
}

/// On/off threshold of [`timing`]: 25 % of the envelope's range above its
/// minimum (a common linear-envelope convention; thresholds of 20–25 % of the
/// peak or baseline + 3 SD are used in the literature — a choice, not a norm).
pub const ACTIVE_THRESHOLD: f64 = 0.25;

/// Peak and active intervals of a 101-point cycle (`None` for an empty or
/// flat cycle).
pub fn timing(c: &[f64]) -> Option<Timing> {
    if c.len() != 101 {
        return None;
    }
    let (lo, hi) = c.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    if hi - lo <= 1e-12 || !hi.is_finite() || !lo.is_finite() {
        return None;
    }
    let peak = (0..101).max_by(|&a, &b| c[a].total_cmp(&c[b])).unwrap_or(0);
    let th = lo + ACTIVE_THRESHOLD * (hi - lo);
    let mut active = Vec::new();
    let mut on: Option<usize> = None;
    for (i, v) in c.iter().enumerate() {
        match (on, *v > th) {
            (None, true) => on = Some(i),
            (Some(a), false) => {
                active.push([a as f64, (i - 1) as f64]);
                on = None;
            }
            _ => {}
        }
    }
    if let Some(a) = on {
        active.push([a as f64, 100.0]);
    }
    Some(Timing { peak_pct: peak as f64, active_pct: active })
}

/// One stride of an envelope resampled to 101 points; `None` when the stride
/// leaves the channel or crosses a missing sample.
pub fn cycle_of(env: &[f64], rate_hz: f64, time0_s: f64, t0: f64, t1: f64) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(101);
    for k in 0..=100 {
        let t = t0 + (t1 - t0) * k as f64 / 100.0;
        let x = (t - time0_s) * rate_hz;
        if x.is_nan() || x < 0.0 {
            return None;
        }
        let i = x.floor() as usize;
        let f = x - i as f64;
        let a = *env.get(i)?;
        let v = if f > 1e-9 { a + f * (env.get(i + 1)? - a) } else { a };
        if !v.is_finite() {
            return None;
        }
        out.push(v);
    }
    Some(out)
}

fn mean_of(rows: &[&Vec<f64>]) -> Vec<f64> {
    if rows.is_empty() {
        return Vec::new();
    }
    (0..101).map(|k| rows.iter().map(|r| r[k]).sum::<f64>() / rows.len() as f64).collect()
}

fn finite_mean(x: &[f64]) -> Option<f64> {
    let (s, n) = x.iter().filter(|v| v.is_finite()).fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// The EMG evidence of a trial: `None` when it has no hamstring or
/// quadriceps channel. Names from [`muscle_of`] only; trial-peak
/// normalisation.
pub fn analyze(t: &Trial, strides: &[Stride], o: &EmgOptions) -> Option<EmgImbalance> {
    analyze_with(t, strides, o, &EmgInputs::default())
}

/// [`analyze`] with a channel map and an MVC recording. With an MVC channel
/// for **every** channel used, each envelope is divided by its own MVC peak
/// (fraction of MVC; Konrad 2005, The ABC of EMG; SENIAM); otherwise by the
/// trial's peak, with a note naming the channels without MVC.
pub fn analyze_with(t: &Trial, strides: &[Stride], o: &EmgOptions, inp: &EmgInputs) -> Option<EmgImbalance> {
    prepare(t, o, inp).map(|p| finish(t, strides, p))
}

/// The part of the EMG evidence that needs no gait events: each hamstring
/// and quadriceps channel's envelope, normalised (trial peak or MVC), with
/// its notes. [`finish`] cuts it into strides. Split from [`analyze_with`]
/// so that a trial's envelopes are filtered while its events are detected
/// (issue 8); `prepare` then `finish` is exactly `analyze_with`.
pub fn prepare(t: &Trial, o: &EmgOptions, inp: &EmgInputs) -> Option<EmgPrepared> {
    let mut notes = Vec::new();
    let mut raw = Vec::new();
    let label_of = |name: &str| -> String {
        inp.channel_map
            .and_then(|m| m.channels.get(name).or_else(|| m.channels.get(name.trim())))
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let used: Vec<_> = t
        .analogs
        .iter()
        .filter_map(|ch| {
            let (group, side, muscle) = muscle_of(&label_of(&ch.name))?;
            (group != MuscleGroup::Other).then_some((ch, group, side, muscle))
        })
        .collect();
    let peak_of = |e: &[f64]| e.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
    // One rayon task per channel (issue 8: idle cores of a small batch; the
    // global pool, so `--jobs` bounds it): envelope and its peak (taken once);
    // results kept in channel order.
    // Channels of one rate are filtered together, four at a time
    // ([`envelopes`]; four lanes cost 1.7 ns per sample and channel against
    // 1.45 for eight, and smaller groups keep both threads busy while the
    // events branch runs); the groups are rayon tasks (issue 8: the idle cores of
    // a small batch; the global pool, so `--jobs` bounds it). Results are
    // bit for bit [`envelope`]'s, kept in channel order.
    let mut groups: Vec<(f64, Vec<usize>)> = Vec::new();
    for (k, (ch, ..)) in used.iter().enumerate() {
        match groups.iter_mut().find(|g| g.0.to_bits() == ch.rate_hz.to_bits() && g.1.len() < 4) {
            Some(g) => g.1.push(k),
            None => groups.push((ch.rate_hz, vec![k])),
        }
    }
    let done: Vec<Vec<(usize, Envelope)>> = groups
        .par_iter()
        .map(|(rate, ks)| {
            let xs: Vec<&[f64]> = ks.iter().map(|&k| used[k].0.data.as_slice()).collect();
            ks.iter().copied().zip(envelopes(&xs, *rate, o)).collect()
        })
        .collect();
    let mut envelopes: Vec<Option<Result<_, String>>> = (0..used.len()).map(|_| None).collect();
    for (k, r) in done.into_iter().flatten() {
        envelopes[k] = Some(r.map(|(env, band)| (peak_of(&env), env, band)));
    }
    let envelopes = envelopes.into_iter().map(|r| r.unwrap_or_else(|| Err("not filtered".into())));
    for ((ch, group, side, muscle), r) in used.into_iter().zip(envelopes) {
        match r {
            Ok((peak, env, band)) => raw.push((ch, group, side, muscle, env, band, peak)),
            Err(e) => notes.push(format!("emg: channel {} not used: {e}", ch.name)),
        }
    }
    if raw.is_empty() {
        return None;
    }
    let mut normaliser = raw.iter().map(|r| r.6).fold(0.0, f64::max);
    if normaliser <= 0.0 {
        notes.push("emg: every hamstring and quadriceps channel is flat".into());
        return None;
    }
    // MVC peaks by channel name (or by the mapped label).
    let mvc_peaks: Vec<Option<f64>> = raw
        .par_iter()
        .map(|r| {
            let m = inp.mvc?;
            let want = label_of(&r.0.name);
            let c = m.iter().find(|c| c.name == r.0.name).or_else(|| m.iter().find(|c| label_of(&c.name) == want))?;
            let (env, _) = envelope(&c.data, c.rate_hz, o).ok()?;
            Some(peak_of(&env)).filter(|p| *p > 0.0)
        })
        .collect();
    let mvc = inp.mvc.is_some() && mvc_peaks.iter().all(Option::is_some);
    if inp.mvc.is_some() && !mvc {
        let missing: Vec<&str> =
            raw.iter().zip(&mvc_peaks).filter(|(_, p)| p.is_none()).map(|(r, _)| r.0.name.as_str()).collect();
        notes.push(format!(
            "emg: MVC recording not used: no MVC channel (or a flat one) for {}; normalised to the trial's peak",
            missing.join(", ")
        ));
    }
    if mvc {
        normaliser = f64::NAN;
    }
    let channels: Vec<EmgChannel> = raw
        .into_par_iter()
        .zip(mvc_peaks)
        .map(|((ch, group, side, muscle, env, band, peak), mvc_peak)| {
            let div = if mvc { mvc_peak.unwrap_or(f64::NAN) } else { normaliser };
            let envelope: Vec<f64> = env.iter().map(|v| v / div).collect();
            EmgChannel {
                name: ch.name.clone(),
                group,
                muscle,
                side,
                rate_hz: ch.rate_hz,
                band_hz: band,
                peak,
                mvc_peak: mvc_peak.filter(|_| mvc),
                mean_envelope: finite_mean(&envelope).unwrap_or(f64::NAN),
                envelope,
                cycle: Vec::new(),
            }
        })
        .collect();
    Some(EmgPrepared { channels, normaliser, mvc, notes })
}

/// Normalised envelopes of a trial before they are cut into strides
/// ([`prepare`]).
#[derive(Debug, Clone)]
pub struct EmgPrepared {
    channels: Vec<EmgChannel>,
    normaliser: f64,
    mvc: bool,
    notes: Vec<String>,
}

/// Cut the prepared envelopes into the trial's strides and draw the side
/// evidence: cycles, H:Q ratios, co-contraction, timing ([`analyze_with`]).
pub fn finish(t: &Trial, strides: &[Stride], p: EmgPrepared) -> EmgImbalance {
    let EmgPrepared { mut channels, normaliser, mvc, mut notes } = p;
    let mut sides = Vec::new();
    for side in [Some(Side::Left), Some(Side::Right), None] {
        let idx: Vec<usize> = (0..channels.len()).filter(|&i| channels[i].side == side).collect();
        if idx.is_empty() {
            continue;
        }
        let group_mean = |g: MuscleGroup, chs: &[EmgChannel]| {
            let v: Vec<f64> = idx.iter().filter(|&&i| chs[i].group == g).map(|&i| chs[i].mean_envelope).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let hq_ratio_recording =
            match (group_mean(MuscleGroup::Hamstrings, &channels), group_mean(MuscleGroup::Quadriceps, &channels)) {
                (Some(h), Some(q)) if q > 0.0 => Some(h / q),
                _ => None,
            };
        let mut cycles = 0;
        let mut stance_pct = NORMAL_STANCE_PCT;
        if let Some(s) = side {
            let fo: Vec<f64> = strides
                .iter()
                .filter(|x| x.side == Some(s) && x.end > x.start)
                .filter_map(|x| x.foot_off.map(|f| (f as f64 - x.start as f64) / (x.end - x.start) as f64 * 100.0))
                .filter(|p| (0.0..100.0).contains(p))
                .collect();
            if !fo.is_empty() {
                stance_pct = fo.iter().sum::<f64>() / fo.len() as f64;
            }
            let mine: Vec<&Stride> = strides.iter().filter(|x| x.side == Some(s) && x.end > x.start).collect();
            for &i in &idx {
                let c = &channels[i];
                let cut: Vec<Vec<f64>> = mine
                    .iter()
                    .filter_map(|st| {
                        let t0 = t.time0_s + st.start as f64 / t.rate_hz;
                        let t1 = t.time0_s + st.end as f64 / t.rate_hz;
                        let time0 = t.analogs.iter().find(|a| a.name == c.name).map(|a| a.time0_s).unwrap_or(t.time0_s);
                        cycle_of(&c.envelope, c.rate_hz, time0, t0, t1)
                    })
                    .collect();
                cycles = cycles.max(cut.len());
                let refs: Vec<&Vec<f64>> = cut.iter().collect();
                channels[i].cycle = mean_of(&refs);
            }
            if cycles == 0 && !mine.is_empty() {
                notes.push(format!("emg: no {} stride lies inside the EMG recording", s.name()));
            }
        }
        let group_cycle = |g: MuscleGroup| {
            let rows: Vec<&Vec<f64>> = idx
                .iter()
                .filter(|&&i| channels[i].group == g && channels[i].cycle.len() == 101)
                .map(|&i| &channels[i].cycle)
                .collect();
            mean_of(&rows)
        };
        let (h, q) = (group_cycle(MuscleGroup::Hamstrings), group_cycle(MuscleGroup::Quadriceps));
        let both = h.len() == 101 && q.len() == 101;
        let phases = phase_windows(stance_pct);
        let win = |a: f64, b: f64| {
            let a = (a.round() as usize).min(99);
            (a, (b.round() as usize).clamp(a + 1, 100))
        };
        let (rud, rudp) = if both {
            (
                cci_rudolph(&h, &q, 0, 100),
                phases
                    .iter()
                    .map(|p| {
                        let (a, b) = win(p.1, p.2);
                        cci_rudolph(&h, &q, a, b)
                    })
                    .collect(),
            )
        } else {
            (None, Vec::new())
        };
        let (hq, hqp, cc, ccp) = if both {
            (
                hq_ratio(&h, &q, 0, 100),
                phases
                    .iter()
                    .map(|p| {
                        let (a, b) = win(p.1, p.2);
                        hq_ratio(&h, &q, a, b)
                    })
                    .collect(),
                cci(&h, &q, 0, 100),
                phases
                    .iter()
                    .map(|p| {
                        let (a, b) = win(p.1, p.2);
                        cci(&h, &q, a, b)
                    })
                    .collect(),
            )
        } else {
            (None, Vec::new(), None, Vec::new())
        };
        let (hamstrings_timing, quadriceps_timing) = (timing(&h), timing(&q));
        sides.push(SideEmg {
            stance_pct,
            phases,
            hamstrings_timing,
            quadriceps_timing,
            side,
            channels: idx,
            hq_ratio_recording,
            cycles,
            hamstrings_cycle: h,
            quadriceps_cycle: q,
            hq_ratio: hq,
            hq_ratio_phases: hqp,
            cci_pct: cc,
            cci_phases_pct: ccp,
            cci_rudolph: rud,
            cci_rudolph_phases: rudp,
        });
    }
    let ratio_of = |s: Side| sides.iter().find(|x| x.side == Some(s)).map(|x| (x.hq_ratio, x.hq_ratio_recording));
    let (left_right_ratio, symmetry_index_pct) = match (ratio_of(Side::Left), ratio_of(Side::Right)) {
        (Some(l), Some(r)) => {
            let pair = match (l.0, r.0) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => l.1.zip(r.1),
            };
            pair.map(|(a, b)| ((b > 0.0).then(|| a / b), symmetry_index(a, b))).unwrap_or((None, None))
        }
        _ => (None, None),
    };
    EmgImbalance { channels, sides, left_right_ratio, symmetry_index_pct, normaliser, mvc, notes }
}

/// `imbalance.emg` of `metrics.json` (README, "Output contract").
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct EmgOut {
    /// Processing and definitions used.
    pub method: MethodOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left: Option<SideOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<SideOut>,
    /// Channels whose labels name no side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsided: Option<SideOut>,
    /// Left H:Q / right H:Q (cycle ratios when both sides have cycles, else
    /// recording ratios).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hq_ratio_left_over_right: Option<f64>,
    /// Robinson SI of the H:Q ratio, (R − L)/(0.5 (R + L)) × 100 %.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hq_symmetry_index_pct: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct MethodOut {
    pub band_pass_hz: [f64; 2],
    pub envelope_low_pass_hz: f64,
    pub filter: &'static str,
    pub normalisation: &'static str,
    pub cci: &'static str,
    pub cci_rudolph: &'static str,
    /// Phase name → [start %, end %] of a normal walking cycle with 60 %
    /// stance (Perry & Burnfield 2010); each side fits them to its own stance
    /// share (`phases_pct` of the side).
    pub phases_pct: std::collections::BTreeMap<&'static str, [f64; 2]>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct ChannelOut {
    pub name: String,
    /// `hamstrings` or `quadriceps`.
    pub group: &'static str,
    pub muscle: &'static str,
    pub rate_hz: f64,
    /// High-pass and low-pass edges used (the second null: no low-pass).
    pub band_hz: (f64, Option<f64>),
    /// Envelope peak before normalisation, in the channel's unit.
    pub peak: f64,
    /// Mean normalised envelope over the recording.
    pub mean_envelope: f64,
    /// Envelope peak of the MVC recording's channel (MVC normalisation only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mvc_peak: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct SideOut {
    pub channels: Vec<ChannelOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hq_ratio_recording: Option<f64>,
    pub cycles: usize,
    /// Stance share the phase windows were fitted to, % (absent without cycles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stance_pct: Option<f64>,
    /// Phase name → [start %, end %] used for this side (absent without cycles).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub phases_pct: std::collections::BTreeMap<&'static str, [f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hq_ratio: Option<f64>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub hq_ratio_phases: std::collections::BTreeMap<&'static str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cci_pct: Option<f64>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub cci_phases_pct: std::collections::BTreeMap<&'static str, f64>,
    /// Rudolph et al. 2000 CCI (normalised-envelope units), cycle and phases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cci_rudolph: Option<f64>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub cci_rudolph_phases: std::collections::BTreeMap<&'static str, f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamstrings_timing: Option<Timing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quadriceps_timing: Option<Timing>,
    /// The timings against their normal peak windows ([`check_timing`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamstrings_timing_check: Option<TimingCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quadriceps_timing_check: Option<TimingCheck>,
    /// What the numbers rest on and how far they can be trusted.
    pub evidence: String,
}

fn r2(v: f64) -> f64 {
    (v * 1e2).round() / 1e2
}

fn r4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn group_name(g: MuscleGroup) -> &'static str {
    match g {
        MuscleGroup::Hamstrings => "hamstrings",
        MuscleGroup::Quadriceps => "quadriceps",
        MuscleGroup::Other => "other",
    }
}

impl EmgImbalance {
    /// The `imbalance.emg` section (values rounded to 4 decimals; peaks to 4
    /// significant digits).
    pub fn output(&self, o: &EmgOptions) -> EmgOut {
        let side_out = |s: &SideEmg| {
            let chs: Vec<&EmgChannel> = s.channels.iter().map(|&i| &self.channels[i]).collect();
            let n = |g| chs.iter().filter(|c| c.group == g).count();
            let (nh, nq) = (n(MuscleGroup::Hamstrings), n(MuscleGroup::Quadriceps));
            let phases = |v: &[Option<f64>], r: fn(f64) -> f64| {
                PHASES.iter().zip(v).filter_map(|(p, x)| x.map(|x| (p.0, r(x)))).collect()
            };
            let mut ev = if self.mvc {
                format!(
                    "EMG: {nh} hamstring and {nq} quadriceps channel(s), {} gait cycle(s). Envelopes are normalised \
                     to each channel's maximal voluntary contraction (MVC) recording, so the H:Q ratio compares \
                     fractions of each muscle's maximal activation; it still depends on how maximal the MVC \
                     efforts were. An EMG activation ratio is not the H:Q torque ratio of a dynamometer.",
                    s.cycles
                )
            } else {
                format!(
                    "EMG: {nh} hamstring and {nq} quadriceps channel(s), {} gait cycle(s). Envelopes are normalised \
                     to the trial's peak, not to a maximal voluntary contraction, so the H:Q ratio between different \
                     muscles also reflects electrode placement and skin impedance; compare it between sides and \
                     trials rather than with a fixed value. An EMG activation ratio is not the H:Q torque ratio of \
                     a dynamometer.",
                    s.cycles
                )
            };
            if nh == 0 || nq == 0 {
                ev.push_str(" No ratio: a muscle group has no channel.");
            } else if s.side.is_none() {
                ev.push_str(" The channel labels name no side, so no gait cycles: recording-level ratio only.");
            } else if s.cycles == 0 {
                ev.push_str(" No stride of this side inside the recording: recording-level ratio only.");
            }
            SideOut {
                channels: chs
                    .iter()
                    .map(|c| ChannelOut {
                        name: c.name.clone(),
                        group: group_name(c.group),
                        muscle: c.muscle,
                        rate_hz: c.rate_hz,
                        band_hz: c.band_hz,
                        peak: format!("{:.3e}", c.peak).parse().unwrap_or(c.peak),
                        mean_envelope: r4(c.mean_envelope),
                        mvc_peak: c.mvc_peak.map(|p| format!("{p:.3e}").parse().unwrap_or(p)),
                    })
                    .collect(),
                hq_ratio_recording: s.hq_ratio_recording.map(r4),
                cycles: s.cycles,
                stance_pct: (s.cycles > 0).then(|| r2(s.stance_pct)),
                phases_pct: if s.cycles > 0 {
                    s.phases.iter().map(|p| (p.0, [r2(p.1), r2(p.2)])).collect()
                } else {
                    Default::default()
                },
                hq_ratio: s.hq_ratio.map(r4),
                hq_ratio_phases: phases(&s.hq_ratio_phases, r4),
                cci_pct: s.cci_pct.map(r2),
                cci_phases_pct: phases(&s.cci_phases_pct, r2),
                cci_rudolph: s.cci_rudolph.map(r4),
                cci_rudolph_phases: phases(&s.cci_rudolph_phases, r4),
                hamstrings_timing: s.hamstrings_timing.clone(),
                quadriceps_timing: s.quadriceps_timing.clone(),
                hamstrings_timing_check: s
                    .hamstrings_timing
                    .as_ref()
                    .filter(|_| s.cycles > 0)
                    .map(|t| check_timing(t, MuscleGroup::Hamstrings, s.stance_pct)),
                quadriceps_timing_check: s
                    .quadriceps_timing
                    .as_ref()
                    .filter(|_| s.cycles > 0)
                    .map(|t| check_timing(t, MuscleGroup::Quadriceps, s.stance_pct)),
                evidence: ev,
            }
        };
        let get = |s: Option<Side>| self.side(s).map(side_out);
        EmgOut {
            method: MethodOut {
                band_pass_hz: o.band_hz,
                envelope_low_pass_hz: o.envelope_hz,
                filter: "Butterworth, order 2 per pass, forward-backward (zero lag)",
                normalisation: if self.mvc {
                    "MVC (each channel divided by the envelope peak of its channel in the MVC recording)"
                } else {
                    "trial peak (largest envelope of the hamstring and quadriceps channels)"
                },
                cci: "Falconer & Winter 1985: 2·∫min(H,Q)/∫(H+Q) × 100 %",
                cci_rudolph: "Rudolph et al. 2000: mean over the window of (lower/higher)·(lower+higher)",
                phases_pct: PHASES.iter().map(|p| (p.0, [p.1, p.2])).collect(),
            },
            left: get(Some(Side::Left)),
            right: get(Some(Side::Right)),
            unsided: get(None),
            hq_ratio_left_over_right: self.left_right_ratio.map(r4),
            hq_symmetry_index_pct: self.symmetry_index_pct.map(r2),
        }
    }
}
