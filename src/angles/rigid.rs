//! Least-squares rigid fit of a marker cluster (Söderkvist & Wedin 1993,
//! J Biomech 26:1473; the SVD solution of Arun et al. 1987 with the reflection
//! fix): the rotation and translation that carry the cluster's reference
//! positions (static trial) onto its positions in one frame. The building block
//! of the calibrated anatomical systems technique (Cappozzo et al. 1995) for
//! cluster marker sets.

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

/// Fit over the marker pairs where both positions are finite. `None` with
/// fewer than three such markers or when they are (nearly) collinear.
pub fn fit(reference: &[Vector3<f64>], current: &[Vector3<f64>]) -> Option<RigidFit> {
    let pairs: Vec<(Vector3<f64>, Vector3<f64>)> = reference
        .iter()
        .zip(current)
        .filter(|(a, b)| a.iter().chain(b.iter()).all(|v| v.is_finite()))
        .map(|(a, b)| (*a, *b))
        .collect();
    let n = pairs.len();
    if n < 3 {
        return None;
    }
    let ca = pairs.iter().map(|p| p.0).sum::<Vector3<f64>>() / n as f64;
    let cb = pairs.iter().map(|p| p.1).sum::<Vector3<f64>>() / n as f64;
    let mut h = Matrix3::zeros();
    for (a, b) in &pairs {
        h += (b - cb) * (a - ca).transpose();
    }
    let svd = h.svd(true, true);
    let (u, vt) = (svd.u?, svd.v_t?);
    // Collinear or coincident markers leave the rotation undetermined.
    let mut sv = svd.singular_values;
    sv.as_mut_slice().sort_by(|a, b| b.total_cmp(a));
    if sv[1] <= 1e-9 * sv[0].max(f64::MIN_POSITIVE) {
        return None;
    }
    let d = (u * vt).determinant().signum();
    let rotation = u * Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, d)) * vt;
    let translation = cb - rotation * ca;
    let ss: f64 = pairs.iter().map(|(a, b)| (rotation * a + translation - b).norm_squared()).sum();
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
}
