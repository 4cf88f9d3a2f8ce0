//! Cardan (Tait-Bryan) decomposition of the rotation between two segment frames.
//!
//! A frame is a rotation matrix whose columns are the segment's unit x, y, z
//! axes in the laboratory. The joint rotation is `R = P^T D` (distal axes in the
//! proximal frame); a sequence `[i, j, k]` means intrinsic rotations
//! `R = R_i(a) R_j(b) R_k(c)` (first about the proximal `i` axis, last about
//! the distal `k` axis), as in Grood & Suntay 1983 and the CGM's YXZ
//! (flexion, ab/adduction, rotation; Kadaba 1990, Davis 1991).
//!
//! Own closed form (not nalgebra's `euler_angles_ordered`, which returns wrong
//! angles at +90 deg on the middle axis, see shared/docs/crates.md section 8).

use nalgebra::Matrix3;

/// A segment axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    X = 0,
    Y = 1,
    Z = 2,
}

/// Three Cardan angles (radians) and whether the middle one sat at +-90 deg,
/// where the first and last axes align and only their sum is defined (then the
/// last angle is set to 0 and the first carries the sum).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cardan {
    pub angles: [f64; 3],
    pub gimbal_lock: bool,
}

/// |cos(middle angle)| below which the decomposition is reported as locked.
pub const GIMBAL_EPS: f64 = 1e-9;

/// Decompose `r = R_i(a) R_j(b) R_k(c)` for a Tait-Bryan sequence `[i, j, k]`
/// (three different axes). NaN in, NaN out (a gap stays a gap).
///
/// # Panics
/// When two axes of `seq` are equal (a programming error, not a data error).
pub fn cardan(r: &Matrix3<f64>, seq: [Axis; 3]) -> Cardan {
    let (i, j, k) = (seq[0] as usize, seq[1] as usize, seq[2] as usize);
    assert!(i != j && j != k && i != k, "Cardan sequence needs three different axes");
    // e_i x e_j = s e_k: s = +1 for cyclic sequences (XYZ, YZX, ZXY), -1 otherwise.
    let s = if (j + 3 - i) % 3 == 1 { 1.0 } else { -1.0 };
    if r.iter().any(|v| !v.is_finite()) {
        return Cardan { angles: [f64::NAN; 3], gimbal_lock: false };
    }
    let sb = (s * r[(i, k)]).clamp(-1.0, 1.0);
    let b = sb.asin();
    let cb = (r[(j, k)].powi(2) + r[(k, k)].powi(2)).sqrt();
    if cb < GIMBAL_EPS {
        // R = R_i(a') R_j(b): column j is R_i(a') e_j = cos a' e_j + s sin a' e_k.
        let a = (s * r[(k, j)]).atan2(r[(j, j)]);
        return Cardan { angles: [a, b, 0.0], gimbal_lock: true };
    }
    let a = (-s * r[(j, k)]).atan2(r[(k, k)]);
    let c = (-s * r[(i, j)]).atan2(r[(i, i)]);
    Cardan { angles: [a, b, c], gimbal_lock: false }
}

/// Angles of the distal frame relative to the proximal frame (columns are the
/// segments' axes in the lab) for the sequence `seq`.
pub fn joint_angles(proximal: &Matrix3<f64>, distal: &Matrix3<f64>, seq: [Axis; 3]) -> Cardan {
    cardan(&(proximal.transpose() * distal), seq)
}

/// Elementary rotation about one axis (right-handed, radians).
pub fn rot(axis: Axis, angle: f64) -> Matrix3<f64> {
    let (s, c) = angle.sin_cos();
    match axis {
        Axis::X => Matrix3::new(1.0, 0.0, 0.0, 0.0, c, -s, 0.0, s, c),
        Axis::Y => Matrix3::new(c, 0.0, s, 0.0, 1.0, 0.0, -s, 0.0, c),
        Axis::Z => Matrix3::new(c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Axis::*;

    const ALL: [[Axis; 3]; 6] = [[X, Y, Z], [X, Z, Y], [Y, X, Z], [Y, Z, X], [Z, X, Y], [Z, Y, X]];

    #[test]
    fn round_trip_all_sequences() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for seq in ALL {
            for _ in 0..2000 {
                let a = [rnd() * 3.1, rnd() * 1.55, rnd() * 3.1];
                let r = rot(seq[0], a[0]) * rot(seq[1], a[1]) * rot(seq[2], a[2]);
                let c = cardan(&r, seq);
                assert!(!c.gimbal_lock);
                for n in 0..3 {
                    assert!((c.angles[n] - a[n]).abs() < 1e-9, "{seq:?} {a:?} -> {:?}", c.angles);
                }
            }
        }
    }

    #[test]
    fn gimbal_lock_is_reported_and_rebuilds_the_matrix() {
        for seq in ALL {
            for b in [std::f64::consts::FRAC_PI_2, -std::f64::consts::FRAC_PI_2] {
                let r = rot(seq[0], 0.35) * rot(seq[1], b) * rot(seq[2], 0.17);
                let c = cardan(&r, seq);
                assert!(c.gimbal_lock, "{seq:?}");
                let back = rot(seq[0], c.angles[0]) * rot(seq[1], c.angles[1]) * rot(seq[2], c.angles[2]);
                assert!((back - r).abs().max() < 1e-9, "{seq:?} b={b}");
            }
        }
    }

    #[test]
    fn nan_stays_nan() {
        let mut r = Matrix3::identity();
        r[(0, 1)] = f64::NAN;
        assert!(cardan(&r, [Y, X, Z]).angles.iter().all(|a| a.is_nan()));
    }
}
