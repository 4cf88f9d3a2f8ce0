//! The zero-lag Butterworth filter against scipy (`butter` + `sosfiltfilt`),
//! golden vectors in `tests/data/filtfilt_golden.json`.

use gaitline::filter::Butterworth;

#[test]
fn filter_matches_scipy_sosfiltfilt_to_1e_9() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/filtfilt_golden.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for c in cases {
        let order = c["order"].as_u64().unwrap() as usize;
        let fc = c["cutoff_hz"].as_f64().unwrap();
        let fs = c["rate_hz"].as_f64().unwrap();
        let f = Butterworth::lowpass(order, fc, fs).unwrap();
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
            assert!(found, "order {order}: section {s:?} not in scipy's {sos:?}");
        }
        let (x, y) = (nums("x"), nums("y"));
        let got = f.filtfilt(&x);
        let worst = got.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        eprintln!("order {order} fc {fc} fs {fs} n {}: max |diff| {worst:.2e}", x.len());
        assert!(worst <= 1e-9, "order {order} fc {fc}: max difference {worst}");
    }
}
