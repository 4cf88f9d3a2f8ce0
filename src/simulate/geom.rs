//! Tiny 3-D vector/rotation helpers (row-major 3x3 matrices, column vectors).

pub type V3 = [f64; 3];
pub type M3 = [[f64; 3]; 3];

pub fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}
pub fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
pub fn scale(a: V3, s: f64) -> V3 {
    [a[0] * s, a[1] * s, a[2] * s]
}
pub fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
pub fn cross(a: V3, b: V3) -> V3 {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
pub fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}
pub fn unit(a: V3) -> V3 {
    scale(a, 1.0 / norm(a))
}
pub fn mv(m: &M3, v: V3) -> V3 {
    [dot(m[0], v), dot(m[1], v), dot(m[2], v)]
}
pub fn mm(a: &M3, b: &M3) -> M3 {
    let mut r = [[0.0; 3]; 3];
    for (i, row) in r.iter_mut().enumerate() {
        for (j, c) in row.iter_mut().enumerate() {
            *c = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    r
}
pub fn tr(a: &M3) -> M3 {
    [[a[0][0], a[1][0], a[2][0]], [a[0][1], a[1][1], a[2][1]], [a[0][2], a[1][2], a[2][2]]]
}
/// Matrix with the given vectors as columns (segment axes x, y, z).
pub fn from_cols(x: V3, y: V3, z: V3) -> M3 {
    [[x[0], y[0], z[0]], [x[1], y[1], z[1]], [x[2], y[2], z[2]]]
}
pub fn rx(a: f64) -> M3 {
    let (s, c) = a.sin_cos();
    [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]
}
pub fn ry(a: f64) -> M3 {
    let (s, c) = a.sin_cos();
    [[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]]
}
pub fn rz(a: f64) -> M3 {
    let (s, c) = a.sin_cos();
    [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
}
/// Intrinsic Y-X-Z Cardan rotation `Ry(a) Rx(b) Rz(c)` (the CGM/PiG order:
/// flexion, ab/adduction, rotation), radians.
pub fn yxz(a: f64, b: f64, c: f64) -> M3 {
    mm(&mm(&ry(a), &rx(b)), &rz(c))
}
/// Inverse of [`yxz`]: `(a, b, c)` in radians.
pub fn cardan_yxz(r: &M3) -> (f64, f64, f64) {
    let b = (-r[1][2]).clamp(-1.0, 1.0).asin();
    let a = r[0][2].atan2(r[2][2]);
    let c = r[1][0].atan2(r[1][1]);
    (a, b, c)
}
/// Quintic smoothstep on [0, 1] (zero velocity and acceleration at both ends).
pub fn smooth(s: f64) -> f64 {
    let s = s.clamp(0.0, 1.0);
    s * s * s * (s * (s * 6.0 - 15.0) + 10.0)
}
pub fn lerp(a: f64, b: f64, s: f64) -> f64 {
    a + (b - a) * s
}
/// Piecewise interpolation through `(x, y)` key points with a cosine blend
/// between neighbours (C1 at the knots, flat tangents).
pub fn keys(pts: &[(f64, f64)], x: f64) -> f64 {
    if x <= pts[0].0 {
        return pts[0].1;
    }
    for w in pts.windows(2) {
        let (x0, y0) = w[0];
        let (x1, y1) = w[1];
        if x <= x1 {
            let s = (x - x0) / (x1 - x0);
            return lerp(y0, y1, 0.5 - 0.5 * (std::f64::consts::PI * s).cos());
        }
    }
    pts[pts.len() - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn cardan_round_trip() {
        let (a, b, c) = (0.3, -0.2, 0.7);
        let r = yxz(a, b, c);
        let (x, y, z) = cardan_yxz(&r);
        assert!((x - a).abs() < 1e-12 && (y - b).abs() < 1e-12 && (z - c).abs() < 1e-12);
    }
}
