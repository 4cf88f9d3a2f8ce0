//! Angles cut into gait cycles (foot strike to next foot strike of the same
//! side) and normalised to 0-100 % in 101 points by linear interpolation.

/// Resample `v[start..=end]` to 101 points (0, 1, ..., 100 % of the cycle).
/// A cycle with any missing sample inside is `None` (gaps are not bridged).
pub fn normalise(v: &[f64], start: usize, end: usize) -> Option<[f64; 101]> {
    if end <= start || end >= v.len() {
        return None;
    }
    let seg = &v[start..=end];
    if seg.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let span = (end - start) as f64;
    Some(std::array::from_fn(|p| {
        let x = p as f64 / 100.0 * span;
        let i = (x.floor() as usize).min(seg.len() - 2);
        let f = x - i as f64;
        seg[i] * (1.0 - f) + seg[i + 1] * f
    }))
}

/// Mean and sample SD per point over cycles (SD NaN for one cycle).
pub fn mean_sd(cycles: &[[f64; 101]]) -> ([f64; 101], [f64; 101]) {
    let n = cycles.len() as f64;
    let mean: [f64; 101] = std::array::from_fn(|p| cycles.iter().map(|c| c[p]).sum::<f64>() / n);
    let sd = std::array::from_fn(|p| {
        if cycles.len() < 2 {
            f64::NAN
        } else {
            (cycles.iter().map(|c| (c[p] - mean[p]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        }
    });
    (mean, sd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_linear_and_gaps() {
        let v: Vec<f64> = (0..51).map(|i| i as f64 * 2.0).collect();
        let c = normalise(&v, 0, 50).unwrap();
        assert_eq!(c[0], 0.0);
        assert_eq!(c[100], 100.0);
        assert!((c[37] - 37.0).abs() < 1e-12);
        let mut g = v.clone();
        g[10] = f64::NAN;
        assert!(normalise(&g, 0, 50).is_none());
        assert!(normalise(&v, 20, 20).is_none());
    }
}
