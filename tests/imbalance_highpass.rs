//! The high-pass Butterworth design (used for EMG band-passing) against scipy
//! (`butter(btype="high")` + `sosfiltfilt`), golden vectors in
//! `tests/data/highpass_golden.json`.

use gaitline::filter::Butterworth;

#[test]
fn highpass_matches_scipy_sosfiltfilt_to_1e_9() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/highpass_golden.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for c in cases {
        let order = c["order"].as_u64().unwrap() as usize;
        let fc = c["cutoff_hz"].as_f64().unwrap();
        let fs = c["rate_hz"].as_f64().unwrap();
        let f = Butterworth::highpass(order, fc, fs).unwrap();
        let nums = |k: &str| c[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<_>>();
        let sos: Vec<Vec<f64>> = c["sos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect())
            .collect();
        assert_eq!(sos.len(), f.sos().len());
        for s in f.sos() {
            let found = sos.iter().any(|g| (3..6).all(|k| (g[k] - s[k]).abs() < 1e-12));
            assert!(found, "order {order}: section {s:?} not in scipy's {sos:?}");
        }
        let (x, y) = (nums("x"), nums("y"));
        let got = f.filtfilt(&x);
        let worst = got.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        eprintln!("high-pass order {order} fc {fc} fs {fs} n {}: max |diff| {worst:.2e}", x.len());
        assert!(worst <= 1e-9, "order {order} fc {fc}: max difference {worst}");
    }
}

#[test]
fn highpass_rejects_bad_designs() {
    assert!(Butterworth::highpass(0, 20.0, 1000.0).is_err());
    assert!(Butterworth::highpass(2, 500.0, 1000.0).is_err());
    assert!(Butterworth::highpass(2, 0.0, 1000.0).is_err());
}
