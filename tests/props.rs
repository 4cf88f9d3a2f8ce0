//! Property tests (proptest): the zero-lag filter, the Cardan decomposition
//! and the spatiotemporal formulas hold their defining properties on random
//! inputs, not only on the hand-picked cases of the unit tests.

use gaitline::angles::cardan::{Axis, cardan, joint_angles, rot};
use gaitline::filter::Butterworth;
use gaitline::spatiotemporal::symmetry_index;
use nalgebra::Matrix3;
use proptest::prelude::*;

/// A zero-lag Butterworth low-pass as the pipeline uses it.
fn filter() -> impl Strategy<Value = Butterworth> {
    (1usize..=4, 50.0f64..1000.0, 0.01f64..0.3)
        .prop_map(|(half, rate, frac)| Butterworth::zero_lag(2 * half, frac * rate, rate).expect("valid design"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// filtfilt of a constant is that constant (unit DC gain, odd padding).
    #[test]
    fn filtfilt_keeps_a_constant(f in filter(), c in -1e4f64..1e4, n in 2usize..400) {
        let y = f.filtfilt(&vec![c; n]);
        prop_assert_eq!(y.len(), n);
        for v in y {
            prop_assert!((v - c).abs() <= 1e-9 * (1.0 + c.abs()), "{} vs {}", v, c);
        }
    }

    /// filtfilt is linear: f(a x + b y) = a f(x) + b f(y).
    #[test]
    fn filtfilt_is_linear(
        f in filter(),
        xy in prop::collection::vec((-100.0f64..100.0, -100.0f64..100.0), 2..300),
        a in -5.0f64..5.0,
        b in -5.0f64..5.0,
    ) {
        let x: Vec<f64> = xy.iter().map(|p| p.0).collect();
        let y: Vec<f64> = xy.iter().map(|p| p.1).collect();
        let mix: Vec<f64> = x.iter().zip(&y).map(|(x, y)| a * x + b * y).collect();
        let (fx, fy, fm) = (f.filtfilt(&x), f.filtfilt(&y), f.filtfilt(&mix));
        for i in 0..x.len() {
            let want = a * fx[i] + b * fy[i];
            prop_assert!((fm[i] - want).abs() <= 1e-8 * (1.0 + want.abs()), "sample {}: {} vs {}", i, fm[i], want);
        }
    }

    /// Zero lag: a pulse symmetric about the centre comes out symmetric, its
    /// peak still at the centre. (The pulse is at least 10 widths from the
    /// ends and the cutoff at least 5 % of the rate, so that the filter's
    /// start-up transients, which filtfilt does not mirror, have died out.)
    #[test]
    fn filtfilt_has_no_lag(
        half_order in 1usize..=4,
        rate in 50.0f64..1000.0,
        frac in 0.05f64..0.3,
        half in 150usize..300,
        width in 2.0f64..15.0,
        amp in 0.1f64..100.0,
    ) {
        let f = Butterworth::zero_lag(2 * half_order, frac * rate, rate).expect("valid design");
        let n = 2 * half + 1;
        let x: Vec<f64> = (0..n).map(|i| {
            let d = (i as f64 - half as f64) / width;
            amp * (-0.5 * d * d).exp()
        }).collect();
        let y = f.filtfilt(&x);
        for i in 0..half {
            prop_assert!((y[i] - y[n - 1 - i]).abs() <= 1e-6 * amp, "asymmetry at {}: {} vs {}", i, y[i], y[n - 1 - i]);
        }
        let peak = (0..n).max_by(|&a, &b| y[a].total_cmp(&y[b])).unwrap();
        prop_assert_eq!(peak, half);
    }
}

const SEQUENCES: [[Axis; 3]; 6] = [
    [Axis::X, Axis::Y, Axis::Z],
    [Axis::X, Axis::Z, Axis::Y],
    [Axis::Y, Axis::X, Axis::Z],
    [Axis::Y, Axis::Z, Axis::X],
    [Axis::Z, Axis::X, Axis::Y],
    [Axis::Z, Axis::Y, Axis::X],
];

fn compose(seq: [Axis; 3], a: [f64; 3]) -> Matrix3<f64> {
    rot(seq[0], a[0]) * rot(seq[1], a[1]) * rot(seq[2], a[2])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Compose R = R_i(a) R_j(b) R_k(c) from random angles (middle angle at
    /// least 0.01 rad from +-90 deg) and recover them.
    #[test]
    fn cardan_recovers_composed_angles(
        s in 0usize..6,
        a in -3.1f64..3.1,
        b in -1.56f64..1.56,
        c in -3.1f64..3.1,
    ) {
        let seq = SEQUENCES[s];
        let got = cardan(&compose(seq, [a, b, c]), seq);
        prop_assert!(!got.gimbal_lock);
        for (g, w) in got.angles.iter().zip([a, b, c]) {
            prop_assert!((g - w).abs() < 1e-9, "{:?}: got {:?}, want {:?}", seq, got.angles, [a, b, c]);
        }
    }

    /// Joint angles depend only on the relative rotation: the same distal
    /// rotation seen from any proximal frame gives the same angles.
    #[test]
    fn joint_angles_ignore_the_proximal_pose(
        s in 0usize..6,
        p in prop::array::uniform3(-3.1f64..3.1),
        a in -3.1f64..3.1,
        b in -1.5f64..1.5,
        c in -3.1f64..3.1,
    ) {
        let seq = SEQUENCES[s];
        let prox = compose([Axis::Z, Axis::Y, Axis::X], p);
        let got = joint_angles(&prox, &(prox * compose(seq, [a, b, c])), seq);
        for (g, w) in got.angles.iter().zip([a, b, c]) {
            prop_assert!((g - w).abs() < 1e-8, "{:?}: got {:?}, want {:?}", seq, got.angles, [a, b, c]);
        }
    }

    /// At +-90 deg on the middle axis the decomposition reports gimbal lock
    /// and the first angle carries the sum (or difference) of the outer two,
    /// so that the composed rotation is reproduced.
    #[test]
    fn cardan_gimbal_lock_reproduces_the_rotation(
        s in 0usize..6,
        a in -1.5f64..1.5,
        up in any::<bool>(),
        c in -1.5f64..1.5,
    ) {
        let seq = SEQUENCES[s];
        let b = if up { std::f64::consts::FRAC_PI_2 } else { -std::f64::consts::FRAC_PI_2 };
        let r = compose(seq, [a, b, c]);
        let got = cardan(&r, seq);
        prop_assert!(got.gimbal_lock);
        prop_assert!((compose(seq, got.angles) - r).abs().max() < 1e-9);
    }

    /// Robinson's symmetry index: antisymmetric in (L, R), zero for L = R,
    /// and unchanged when both sides are scaled (a unit change).
    #[test]
    fn symmetry_index_properties(l in 0.01f64..1e3, r in 0.01f64..1e3, k in 1e-3f64..1e3) {
        let si = symmetry_index(l, r).unwrap();
        prop_assert!((si + symmetry_index(r, l).unwrap()).abs() < 1e-9);
        prop_assert!(symmetry_index(l, l).unwrap().abs() < 1e-12);
        prop_assert!((symmetry_index(k * l, k * r).unwrap() - si).abs() < 1e-9 * (1.0 + si.abs()));
        prop_assert!(si.abs() < 200.0, "SI of two positive values is within +-200 %");
    }
}

/// One simulated walking trial (markers only), read as a recording.
fn walking_recording() -> &'static gaitline::model::Recording {
    use std::sync::OnceLock;
    static REC: OnceLock<gaitline::model::Recording> = OnceLock::new();
    REC.get_or_init(|| {
        use gaitline::simulate::{SimConfig, simulate};
        let s = simulate(&SimConfig::walking().with_duration(6.0).with_seed(7));
        let mut rec = gaitline::model::Recording::new("walk.trc", gaitline::model::Format::Trc, "simulated");
        rec.points = Some(gaitline::model::PointData {
            rate_hz: s.rate_hz,
            first_frame: 1,
            time0_s: 0.0,
            frames: s.frames,
            markers: s.markers,
        });
        rec
    })
}

fn stride_lengths(offset: [f64; 3]) -> Vec<f64> {
    let mut rec = walking_recording().clone();
    for m in &mut rec.points.as_mut().unwrap().markers {
        for p in &mut m.xyz {
            for a in 0..3 {
                p[a] += offset[a];
            }
        }
    }
    let t = gaitline::trial::build("walk", vec![rec], &Default::default(), &Default::default());
    let a = gaitline::pipeline::analyze_trial(&t, &Default::default());
    a.strides.iter().filter_map(|s| s.stride_length_m).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Moving the whole lab (origin anywhere within 50 m) changes no stride
    /// length: positions enter only as differences.
    #[test]
    fn stride_length_is_invariant_under_lab_translation(offset in prop::array::uniform3(-50.0f64..50.0)) {
        let base = stride_lengths([0.0; 3]);
        prop_assert!(base.len() >= 4, "the simulated trial has strides: {:?}", base);
        let moved = stride_lengths(offset);
        prop_assert_eq!(base.len(), moved.len());
        for (b, m) in base.iter().zip(&moved) {
            prop_assert!((b - m).abs() < 1e-9, "{} vs {}", b, m);
        }
    }
}
