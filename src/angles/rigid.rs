//! Least-squares rigid fit of a marker cluster (Söderkvist & Wedin 1993,
//! J Biomech 26:1473; the SVD solution of Arun et al. 1987 with the reflection
//! fix): the rotation and translation that carry the cluster's reference
//! positions (static trial) onto its positions in one frame. The building block
//! of the calibrated anatomical systems technique (Cappozzo et al. 1995) for
//! cluster marker sets ([`super::cast`]). The rotation comes from a polar
//! decomposition (Higham's Newton iteration, no SVD; same result, checked
//! against the SVD in the tests), with the SVD as the fallback.

use nalgebra::{Matrix3, Vector3};

/// `current ≈ rotation · reference + translation`; `rms` is the residual, in
/// the positions' unit, over the markers used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RigidFit {
    pub rotation: Matrix3<f64>,
    pub translation: Vector3<f64>,
    pub rms: f64,
    pub markers: usize,
}

/// The proper rotation maximising tr(Rᵀ H) by the SVD (Arun et al. 1987 with
/// the reflection fix); `None` when H is (nearly) rank 1 (collinear markers).
fn svd_rotation(h: &Matrix3<f64>) -> Option<Matrix3<f64>> {
    let svd = h.svd(true, true);
    let (u, vt) = (svd.u?, svd.v_t?);
    let mut sv = svd.singular_values;
    sv.as_mut_slice().sort_by(|a, b| b.total_cmp(a));
    if sv[1] <= 1e-9 * sv[0].max(f64::MIN_POSITIVE) {
        return None;
    }
    let d = (u * vt).determinant().signum();
    Some(u * Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, d)) * vt)
}

/// The same rotation without an SVD, about 10 times faster: the orthogonal
/// polar factor of K = H + cof(H)/‖H‖ by Higham's scaled Newton iteration
/// (Higham 1986, SIAM J Sci Stat Comput 7:1160). With H = U S Vᵀ, K = U S' Vᵀ
/// where S' keeps s₁, s₂ and completes a rank-2 H (three or coplanar
/// markers) with the sign det(U Vᵀ), so its polar factor is
/// U diag(1, 1, det(U Vᵀ)) Vᵀ, the SVD solution; det(K) > 0 guarantees it.
/// `None` (the caller falls back to the SVD) when K is nearly singular or
/// the iteration does not settle.
fn polar_rotation(h: &Matrix3<f64>) -> Option<Matrix3<f64>> {
    let norm = h.norm();
    if !norm.is_finite() || norm <= 0.0 {
        return None;
    }
    let (c0, c1, c2) = (h.column(0), h.column(1), h.column(2));
    let cof = Matrix3::from_columns(&[c1.cross(&c2), c2.cross(&c0), c0.cross(&c1)]);
    let mut x = (h + cof / norm) / norm;
    if x.determinant() <= 1e-6 {
        return None;
    }
    for _ in 0..30 {
        let det = x.determinant();
        let inv_t = x.try_inverse()?.transpose();
        let zeta = det.abs().powf(-1.0 / 3.0);
        let next = (x * zeta + inv_t / zeta) * 0.5;
        let step = (next - x).abs().max();
        x = next;
        // Quadratic convergence: the error left after a step δ is O(δ²).
        if step < 1e-10 {
            return Some(x);
        }
    }
    None
}

/// Fit over the marker pairs where both positions are finite. `None` with
/// fewer than three such markers or when they are (nearly) collinear.
pub fn fit(reference: &[Vector3<f64>], current: &[Vector3<f64>]) -> Option<RigidFit> {
    // No allocation: the pairs are walked three times (called per segment and frame).
    let pairs = || reference.iter().zip(current).filter(|(a, b)| a.iter().chain(b.iter()).all(|v| v.is_finite()));
    let (mut ca, mut cb, mut n) = (Vector3::zeros(), Vector3::zeros(), 0usize);
    for (a, b) in pairs() {
        ca += a;
        cb += b;
        n += 1;
    }
    if n < 3 {
        return None;
    }
    let (ca, cb) = (ca / n as f64, cb / n as f64);
    let mut h = Matrix3::zeros();
    for (a, b) in pairs() {
        h += (b - cb) * (a - ca).transpose();
    }
    let rotation = polar_rotation(&h).or_else(|| svd_rotation(&h))?;
    let translation = cb - rotation * ca;
    let ss: f64 = pairs().map(|(a, b)| (rotation * a + translation - b).norm_squared()).sum();
    Some(RigidFit { rotation, translation, rms: (ss / n as f64).sqrt(), markers: n })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::angles::cardan::{Axis, rot};

    fn cluster() -> Vec<Vector3<f64>> {
        vec![
            Vector3::new(0.10, 0.02, 0.50),
            Vector3::new(0.14, -0.03, 0.45),
            Vector3::new(0.09, -0.05, 0.40),
            Vector3::new(0.12, 0.04, 0.38),
        ]
    }

    #[test]
    fn recovers_a_known_motion() {
        let r = rot(Axis::Z, 0.7) * rot(Axis::X, -0.3) * rot(Axis::Y, 0.2);
        let t = Vector3::new(1.0, -2.0, 0.3);
        let moved: Vec<_> = cluster().iter().map(|p| r * p + t).collect();
        let f = fit(&cluster(), &moved).unwrap();
        assert!((f.rotation - r).abs().max() < 1e-12);
        assert!((f.translation - t).norm() < 1e-12);
        assert!(f.rms < 1e-12 && f.markers == 4);
        assert!((f.rotation.determinant() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn gaps_and_degenerate_clusters() {
        let mut moved = cluster();
        moved[1] = Vector3::repeat(f64::NAN);
        let f = fit(&cluster(), &moved).unwrap();
        assert_eq!(f.markers, 3);
        assert!((f.rotation - Matrix3::identity()).abs().max() < 1e-12);
        moved[2] = Vector3::repeat(f64::NAN);
        assert!(fit(&cluster(), &moved).is_none());
        let line: Vec<_> = (0..4).map(|i| Vector3::new(i as f64, 0.0, 0.0)).collect();
        assert!(fit(&line, &line).is_none());
    }

    #[test]
    fn noisy_markers_give_a_residual() {
        let mut moved = cluster();
        moved[0].x += 0.002;
        let f = fit(&cluster(), &moved).unwrap();
        assert!(f.rms > 1e-4 && f.rms < 2e-3, "{}", f.rms);
    }

    #[test]
    fn polar_path_matches_the_svd() {
        let mut seed = 11u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for n in [3usize, 4, 6] {
            for _ in 0..500 {
                let reference: Vec<Vector3<f64>> = (0..n).map(|_| Vector3::new(rnd(), rnd(), rnd()) * 0.1).collect();
                let r = rot(Axis::Z, rnd() * 3.0) * rot(Axis::X, rnd() * 1.5) * rot(Axis::Y, rnd() * 3.0);
                // Noise up to 30 % of the cluster size: far from rigid.
                let current: Vec<Vector3<f64>> =
                    reference.iter().map(|p| r * p + Vector3::new(rnd(), rnd(), rnd()) * 0.03).collect();
                let ca = reference.iter().sum::<Vector3<f64>>() / n as f64;
                let cb = current.iter().sum::<Vector3<f64>>() / n as f64;
                let mut h = Matrix3::zeros();
                for (a, b) in reference.iter().zip(&current) {
                    h += (b - cb) * (a - ca).transpose();
                }
                let (Some(p), Some(s)) = (polar_rotation(&h), svd_rotation(&h)) else { continue };
                assert!((p - s).abs().max() < 1e-9, "n {n}: {p} vs {s}");
                assert!((p.determinant() - 1.0).abs() < 1e-12);
            }
        }
        // Coplanar markers (rank-2 H) through the fast path.
        let flat: Vec<Vector3<f64>> = (0..4).map(|i| Vector3::new(i as f64, (i * i) as f64 * 0.3, 0.0)).collect();
        let moved: Vec<Vector3<f64>> = flat.iter().map(|p| rot(Axis::Y, 0.4) * p).collect();
        let f = fit(&flat, &moved).unwrap();
        assert!((f.rotation - rot(Axis::Y, 0.4)).abs().max() < 1e-12);
        // H = diag(3, 2, -1): the best proper rotation is the identity
        // (tr = 3 + 2 - 1), not a half turn; both paths find it.
        let h = Matrix3::from_diagonal(&Vector3::new(3.0, 2.0, -1.0));
        assert!((polar_rotation(&h).unwrap() - Matrix3::identity()).abs().max() < 1e-12);
        assert!((svd_rotation(&h).unwrap() - Matrix3::identity()).abs().max() < 1e-12);
    }
}
