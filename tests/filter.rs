//! The zero-lag Butterworth filters against scipy (`butter` + `sosfiltfilt`),
//! golden vectors in `tests/data/filtfilt_golden.json` (low-pass) and
//! `tests/data/highpass_golden.json` (high-pass, used for EMG band-passing).

use gaitline::filter::{Butterworth, FilterError};

/// Every case of a golden file: the same second-order sections as scipy and
/// the same filtered signal to 1e-9.
fn check_golden(file: &str, cases_expected: usize, design: fn(usize, f64, f64) -> Result<Butterworth, FilterError>) {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), cases_expected);
    for c in cases {
        let order = c["order"].as_u64().unwrap() as usize;
        let fc = c["cutoff_hz"].as_f64().unwrap();
        let fs = c["rate_hz"].as_f64().unwrap();
        let f = design(order, fc, fs).unwrap();
        let nums = |k: &str| c[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<_>>();
        // Coefficients: compare as a set of sections (scipy may order them differently).
        let sos: Vec<Vec<f64>> = c["sos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect())
            .collect();
        assert_eq!(sos.len(), f.sos().len());
        for s in f.sos() {
            let found = sos.iter().any(|g| (3..6).all(|k| (g[k] - s[k]).abs() < 1e-12));
            assert!(found, "{file} order {order}: section {s:?} not in scipy's {sos:?}");
        }
        let (x, y) = (nums("x"), nums("y"));
        let got = f.filtfilt(&x);
        let worst = got.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        eprintln!("{file} order {order} fc {fc} fs {fs} n {}: max |diff| {worst:.2e}", x.len());
        assert!(worst <= 1e-9, "{file} order {order} fc {fc}: max difference {worst}");
    }
}

#[test]
fn filter_matches_scipy_sosfiltfilt_to_1e_9() {
    check_golden("filtfilt_golden.json", 6, Butterworth::lowpass);
}

#[test]
fn highpass_matches_scipy_sosfiltfilt_to_1e_9() {
    check_golden("highpass_golden.json", 5, Butterworth::highpass);
}

#[test]
fn highpass_rejects_bad_designs() {
    assert!(Butterworth::highpass(0, 20.0, 1000.0).is_err());
    assert!(Butterworth::highpass(2, 500.0, 1000.0).is_err());
    assert!(Butterworth::highpass(2, 0.0, 1000.0).is_err());
}
