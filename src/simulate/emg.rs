//! Surface EMG of hamstrings (biceps femoris BF, semitendinosus ST) and
//! quadriceps (rectus femoris RF, vastus lateralis VL, vastus medialis VM)
//! on both sides.
//!
//! Signal = activation envelope x band-limited Gaussian noise (2nd-order
//! high-pass 20 Hz and low-pass 450 Hz or 0.4 x rate, RBJ biquads, rescaled
//! to unit RMS), so the expected rectified mean is `sqrt(2/pi)` x the
//! envelope and ratios of mean rectified EMG equal ratios of mean envelopes.
//! Envelope = baseline + Gaussian bursts at fixed % of the ipsilateral gait
//! cycle (walking after Perry & Burnfield 2010 fig. 4-x: quadriceps around
//! initial contact, RF also around toe off, hamstrings in terminal swing;
//! running after Novacheck 1998).

use super::body::*;
use super::rng::Rng;
use super::truth::{EmgTruth, MuscleTruth};
use super::{Kin, Mode, SimConfig};
use crate::model::{AnalogChannel, ChannelKind, Side};

struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    z: [f64; 2],
}

impl Biquad {
    fn new(fs: f64, fc: f64, high: bool) -> Biquad {
        let w = std::f64::consts::TAU * fc / fs;
        let (s, c) = w.sin_cos();
        let alpha = s / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let a0 = 1.0 + alpha;
        let b = if high {
            [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0]
        } else {
            [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0]
        };
        Biquad { b: b.map(|x| x / a0), a: [-2.0 * c / a0, (1.0 - alpha) / a0], z: [0.0; 2] }
    }
    fn step(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.z[0];
        self.z[0] = self.b[1] * x - self.a[0] * y + self.z[1];
        self.z[1] = self.b[2] * x - self.a[1] * y;
        y
    }
}

/// (code, hamstring?, peak amplitude V, bursts as (centre %, sd %)).
type MuscleSpec = (&'static str, bool, f64, Vec<(f64, f64)>);

fn muscles(mode: Mode) -> Vec<MuscleSpec> {
    match mode {
        Mode::Walk => vec![
            ("BF", true, 150e-6, vec![(94.0, 7.0)]),
            ("ST", true, 170e-6, vec![(92.0, 7.0)]),
            ("RF", false, 100e-6, vec![(4.0, 6.0), (58.0, 5.0)]),
            ("VL", false, 200e-6, vec![(6.0, 6.0)]),
            ("VM", false, 180e-6, vec![(6.0, 6.0)]),
        ],
        Mode::Run => vec![
            ("BF", true, 300e-6, vec![(88.0, 8.0)]),
            ("ST", true, 330e-6, vec![(86.0, 8.0)]),
            ("RF", false, 250e-6, vec![(2.0, 7.0), (68.0, 6.0)]),
            ("VL", false, 400e-6, vec![(3.0, 8.0)]),
            ("VM", false, 380e-6, vec![(3.0, 8.0)]),
        ],
    }
}

const BASELINE_V: f64 = 5e-6;

pub(crate) fn emg(cfg: &SimConfig, kin: &Kin) -> (Vec<AnalogChannel>, EmgTruth) {
    let rate = cfg.rate();
    let ar = cfg.analog_rate_hz;
    let ratio = (ar / rate).round().max(1.0) as usize;
    let ns = cfg.frames() * ratio;
    let lp = 450f64.min(0.4 * ar);
    let mut channels = Vec::new();
    let mut mt = Vec::new();
    let mut hq = [0.0; 2];
    for (si, side) in SIDES.iter().enumerate() {
        let fs: Vec<f64> = kin.contacts.iter().filter(|c| c.side == *side).map(|c| c.fs as f64 / rate).collect();
        // Gait-cycle % of each analog sample.
        let pct: Vec<f64> = (0..ns)
            .map(|k| {
                let t = k as f64 / ar;
                let j = fs.partition_point(|&x| x <= t).clamp(1, fs.len() - 1);
                ((t - fs[j - 1]) / (fs[j] - fs[j - 1]) * 100.0).clamp(0.0, 100.0)
            })
            .collect();
        let (mut hsum, mut qsum) = (0.0, 0.0);
        for (mi, (code, ham, amp, bursts)) in muscles(cfg.mode).into_iter().enumerate() {
            let scale = if ham { cfg.hamstring_scale[si] } else { cfg.quadriceps_scale[si] };
            let env: Vec<f64> = pct
                .iter()
                .map(|&p| {
                    let mut e = 0.0;
                    for &(c, sd) in &bursts {
                        let mut d = p - c;
                        d -= 100.0 * (d / 100.0).round();
                        e += (-0.5 * (d / sd) * (d / sd)).exp();
                    }
                    BASELINE_V + amp * scale * e
                })
                .collect();
            let mut rng = Rng::stream(cfg.seed, 100 + (si * 10 + mi) as u64);
            let mut hp = Biquad::new(ar, 20.0, true);
            let mut lo = Biquad::new(ar, lp, false);
            // Warm the filters up so the start has no transient.
            for _ in 0..(ar as usize / 5) {
                lo.step(hp.step(rng.normal()));
            }
            let noise: Vec<f64> = (0..ns).map(|_| lo.step(hp.step(rng.normal()))).collect();
            let rms = (noise.iter().map(|x| x * x).sum::<f64>() / ns as f64).sqrt();
            let data: Vec<f64> = noise.iter().zip(&env).map(|(x, e)| x / rms * e).collect();
            let mean_env = env.iter().sum::<f64>() / ns as f64;
            if ham {
                hsum += mean_env / 2.0;
            } else {
                qsum += mean_env / 3.0;
            }
            let name = format!("{}_{}", if *side == Side::Left { "L" } else { "R" }, code);
            mt.push(MuscleTruth {
                channel: name.clone(),
                group: if ham { "hamstrings" } else { "quadriceps" }.into(),
                mean_envelope_v: mean_env,
                peak_envelope_v: env.iter().cloned().fold(0.0, f64::max),
                burst_centres_pct: bursts.iter().map(|b| b.0).collect(),
            });
            channels.push(AnalogChannel {
                name,
                unit: "V".into(),
                rate_hz: ar,
                time0_s: 0.0,
                kind: ChannelKind::Emg,
                data,
            });
        }
        hq[si] = hsum / qsum;
    }
    let truth = EmgTruth { rate_hz: ar, band_hz: [20.0, lp], muscles: mt, hq_ratio_left: hq[0], hq_ratio_right: hq[1] };
    (channels, truth)
}
