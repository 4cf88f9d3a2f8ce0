//! Gaps: find runs of missing marker samples and fill the short interior ones
//! with a cubic spline.
//!
//! Method: for a gap of at most `max_frames` samples with present samples on
//! both sides, a natural cubic spline is fitted per coordinate through up to
//! [`CONTEXT`] present samples on each side and evaluated at the missing
//! frames (the usual local spline fill of Vicon Nexus and Visual3D; Woltring
//! 1986 discusses spline interpolation of marker data). Gaps at the start or
//! end of a trial, and longer gaps, are left as gaps and recorded.

use crate::model::Marker;
use serde::Serialize;

/// Present samples used on each side of a gap.
pub const CONTEXT: usize = 10;

/// One run of missing samples of one marker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub marker: String,
    /// 0-based index of the first missing sample.
    pub start: usize,
    pub frames: usize,
    pub filled: bool,
}

/// Runs of missing samples in `m`: `(start, len)`.
pub fn find_gaps(m: &Marker) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = m.xyz.len();
    while i < n {
        if m.is_present(i) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && !m.is_present(i) {
            i += 1;
        }
        out.push((s, i - s));
    }
    out
}

/// Fill the interior gaps of at most `max_frames` samples; return all gaps.
/// `xs`/`ys`/`scratch` are caller-owned buffers reused across markers.
pub fn fill_gaps(m: &mut Marker, max_frames: usize, buf: &mut SplineBuffers) -> Vec<Gap> {
    let n = m.xyz.len();
    let mut gaps = Vec::new();
    for (start, len) in find_gaps(m) {
        let interior = start > 0 && start + len < n;
        let filled = interior && len <= max_frames && fill_one(m, start, len, buf);
        gaps.push(Gap { marker: m.name.clone(), start, frames: len, filled });
    }
    gaps
}

/// Reusable buffers for spline fitting.
#[derive(Debug, Default)]
pub struct SplineBuffers {
    xs: Vec<f64>,
    ys: Vec<f64>,
    m: Vec<f64>,
    c: Vec<f64>,
    d: Vec<f64>,
    idx: Vec<usize>,
}

fn fill_one(m: &mut Marker, start: usize, len: usize, b: &mut SplineBuffers) -> bool {
    let end = start + len; // first present sample after the gap
    b.idx.clear();
    let mut i = start;
    while i > 0 && b.idx.len() < CONTEXT {
        i -= 1;
        if m.is_present(i) {
            b.idx.push(i);
        } else {
            break;
        }
    }
    b.idx.reverse();
    let before = b.idx.len();
    let mut j = end;
    while j < m.xyz.len() && b.idx.len() < before + CONTEXT && m.is_present(j) {
        b.idx.push(j);
        j += 1;
    }
    if before == 0 || b.idx.len() == before || b.idx.len() < 2 {
        return false;
    }
    for k in 0..3 {
        b.xs.clear();
        b.ys.clear();
        for &f in &b.idx {
            b.xs.push(f as f64);
            b.ys.push(m.xyz[f][k]);
        }
        natural_spline(&b.xs, &b.ys, &mut b.m, &mut b.c, &mut b.d);
        for f in start..end {
            m.xyz[f][k] = eval_spline(&b.xs, &b.ys, &b.m, f as f64);
        }
    }
    true
}

/// Second derivatives `m` of the natural cubic spline through `(xs, ys)`
/// (tridiagonal solve, Thomas algorithm); `c`, `d` are scratch.
fn natural_spline(xs: &[f64], ys: &[f64], m: &mut Vec<f64>, c: &mut Vec<f64>, d: &mut Vec<f64>) {
    let n = xs.len();
    m.clear();
    m.resize(n, 0.0);
    if n < 3 {
        return;
    }
    c.clear();
    c.resize(n, 0.0);
    d.clear();
    d.resize(n, 0.0);
    // Interior equations i = 1..n-2:
    // h0 m[i-1] + 2(h0+h1) m[i] + h1 m[i+1] = 6((y[i+1]-y[i])/h1 - (y[i]-y[i-1])/h0)
    for i in 1..n - 1 {
        let h0 = xs[i] - xs[i - 1];
        let h1 = xs[i + 1] - xs[i];
        let rhs = 6.0 * ((ys[i + 1] - ys[i]) / h1 - (ys[i] - ys[i - 1]) / h0);
        let diag = 2.0 * (h0 + h1);
        let lower = if i > 1 { h0 } else { 0.0 };
        let denom = diag - lower * c[i - 1];
        c[i] = h1 / denom;
        d[i] = (rhs - lower * d[i - 1]) / denom;
    }
    for i in (1..n - 1).rev() {
        let next = if i + 1 < n - 1 { m[i + 1] } else { 0.0 };
        m[i] = d[i] - c[i] * next;
    }
}

fn eval_spline(xs: &[f64], ys: &[f64], m: &[f64], x: f64) -> f64 {
    let n = xs.len();
    let mut i = match xs.iter().position(|&v| v > x) {
        Some(0) => 0,
        Some(p) => p - 1,
        None => n - 2,
    };
    i = i.min(n - 2);
    let h = xs[i + 1] - xs[i];
    let a = (xs[i + 1] - x) / h;
    let bb = (x - xs[i]) / h;
    a * ys[i] + bb * ys[i + 1] + ((a * a * a - a) * m[i] + (bb * bb * bb - bb) * m[i + 1]) * h * h / 6.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spline_fill_recovers_a_cubic_closely_and_leaves_long_and_edge_gaps() {
        let n = 60;
        let mut m = Marker::new("LHEE", n);
        for i in 0..n {
            let t = i as f64 / 100.0;
            m.xyz[i] = [(8.0 * t).sin(), t * t, 0.5];
        }
        let truth = m.clone();
        for i in 20..26 {
            m.xyz[i] = [f64::NAN; 3];
        }
        for i in 0..3 {
            m.xyz[i] = [f64::NAN; 3];
        }
        for i in 35..50 {
            m.xyz[i] = [f64::NAN; 3];
        }
        let gaps = fill_gaps(&mut m, 10, &mut SplineBuffers::default());
        assert_eq!(
            gaps.iter().map(|g| (g.start, g.frames, g.filled)).collect::<Vec<_>>(),
            vec![(0, 3, false), (20, 6, true), (35, 15, false)]
        );
        for i in 20..26 {
            for k in 0..3 {
                let e = (m.xyz[i][k] - truth.xyz[i][k]).abs();
                // Cubic interpolation error bound f'''' h^4 / 384 = 0.08^4 * 7^4 / 384 = 2.6e-4.
                assert!(e < 4e-4, "frame {i} axis {k}: error {e}");
            }
        }
        assert!(!m.is_present(40));
    }
}
