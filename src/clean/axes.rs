//! Lab axes: find the lab's vertical axis and walking direction from the data,
//! and rotate markers (and force-plate geometry) into gaitline's canonical
//! frame: X = progression, Y = left, Z = up (right-handed).
//!
//! Vertical: the lab axis along which the pelvis markers sit furthest above
//! the foot markers (median over frames). Progression: the pelvis's anterior
//! direction (PSIS → ASIS midpoints, or sacrum → ASIS midpoint) projected on
//! the horizontal plane; where the pelvis travels more than 0.5 m overall, the
//! direction of travel decides instead (the two agree in forward walking).
//! Both are snapped to the nearest signed lab axis, so the rotation is an exact
//! signed permutation; the angle between the true heading and the chosen axis
//! is recorded.

use super::presets::{Landmark, LandmarkKind, Mapping};
use crate::model::{Marker, Side};
use serde::Serialize;

/// A signed lab axis, e.g. `+Z` or `-Y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignedAxis {
    /// 0 = X, 1 = Y, 2 = Z.
    pub axis: usize,
    pub positive: bool,
}

impl SignedAxis {
    pub fn label(&self) -> String {
        format!("{}{}", if self.positive { '+' } else { '-' }, ['X', 'Y', 'Z'][self.axis])
    }
    fn unit(&self) -> [f64; 3] {
        let mut v = [0.0; 3];
        v[self.axis] = if self.positive { 1.0 } else { -1.0 };
        v
    }
}

/// What was found about the lab frame, and how it maps to the canonical one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabAxes {
    pub vertical: SignedAxis,
    pub progression: SignedAxis,
    /// How the progression was decided: `pelvis_travel`, `pelvis_heading`,
    /// `marker_spread` or `default`.
    pub progression_method: &'static str,
    /// Angle between the measured heading and the chosen axis, degrees.
    pub heading_offset_deg: f64,
    /// Rows = canonical X, Y, Z expressed in lab coordinates.
    pub rotation: [[f64; 3]; 3],
}

impl LabAxes {
    pub fn from_axes(vertical: SignedAxis, progression: SignedAxis, method: &'static str) -> Self {
        let ex = progression.unit();
        let ez = vertical.unit();
        let ey = cross(ez, ex);
        LabAxes { vertical, progression, progression_method: method, heading_offset_deg: 0.0, rotation: [ex, ey, ez] }
    }
    /// Map a lab-frame point to the canonical frame.
    pub fn apply(&self, p: [f64; 3]) -> [f64; 3] {
        let r = &self.rotation;
        [dot(r[0], p), dot(r[1], p), dot(r[2], p)]
    }
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    Some(v[mid])
}

/// Mean of the present markers among `idx` at frame `f`.
fn mean_at(markers: &[Marker], idx: &[usize], f: usize) -> Option<[f64; 3]> {
    let mut s = [0.0; 3];
    let mut n = 0.0;
    for &i in idx {
        if markers[i].is_present(f) {
            let p = markers[i].xyz[f];
            for k in 0..3 {
                s[k] += p[k];
            }
            n += 1.0;
        }
    }
    (n > 0.0).then(|| [s[0] / n, s[1] / n, s[2] / n])
}

fn indices(map: &Mapping, kinds: &[LandmarkKind]) -> Vec<usize> {
    let mut v = Vec::new();
    for &k in kinds {
        for side in [Some(Side::Left), Some(Side::Right), None] {
            if let Some(&i) = map.landmarks.get(&Landmark { side, kind: k }) {
                v.push(i);
            }
        }
    }
    v
}

/// Detect the lab axes. Falls back, with `method = "default"`, to Z up and +X
/// when the data say nothing (no pelvis or foot landmarks).
pub fn detect(markers: &[Marker], map: &Mapping) -> LabAxes {
    let frames = markers.first().map_or(0, |m| m.xyz.len());
    let pelvis = indices(map, &[LandmarkKind::Asis, LandmarkKind::Psis, LandmarkKind::Sacrum]);
    let feet = indices(
        map,
        &[LandmarkKind::Heel, LandmarkKind::Toe, LandmarkKind::ToeTip, LandmarkKind::Mt5, LandmarkKind::Mt1],
    );
    let step = (frames / 400).max(1);
    let sampled: Vec<usize> = (0..frames).step_by(step).collect();

    // Vertical axis.
    let mut vertical = SignedAxis { axis: 2, positive: true };
    let mut vertical_found = false;
    if !pelvis.is_empty() && !feet.is_empty() {
        let mut best = 0.0;
        for axis in 0..3 {
            let d = median(
                sampled
                    .iter()
                    .filter_map(|&f| Some(mean_at(markers, &pelvis, f)?[axis] - mean_at(markers, &feet, f)?[axis]))
                    .collect(),
            );
            if let Some(d) = d
                && d.abs() > best
            {
                best = d.abs();
                vertical = SignedAxis { axis, positive: d > 0.0 };
                vertical_found = true;
            }
        }
    }
    if !vertical_found {
        return from_marker_cloud(markers, &sampled);
    }
    let horizontal: Vec<usize> = (0..3).filter(|&a| a != vertical.axis).collect();

    // Direction of travel of the pelvis centre.
    let centre: Vec<[f64; 3]> = sampled.iter().filter_map(|&f| mean_at(markers, &pelvis, f)).collect();
    let travel = match (centre.first(), centre.last()) {
        (Some(a), Some(b)) => [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        _ => [0.0; 3],
    };
    // Pelvis heading: ASIS midpoint minus PSIS/sacrum midpoint.
    let front = indices(map, &[LandmarkKind::Asis]);
    let back = indices(map, &[LandmarkKind::Psis, LandmarkKind::Sacrum]);
    let mut heading = [0.0; 3];
    if !front.is_empty() && !back.is_empty() {
        for (axis, h) in heading.iter_mut().enumerate() {
            *h = median(
                sampled
                    .iter()
                    .filter_map(|&f| Some(mean_at(markers, &front, f)?[axis] - mean_at(markers, &back, f)?[axis]))
                    .collect(),
            )
            .unwrap_or(0.0);
        }
    }
    let horiz_len = |v: [f64; 3]| horizontal.iter().map(|&a| v[a] * v[a]).sum::<f64>().sqrt();
    let (dir, method) = if horiz_len(travel) > 0.5 {
        (travel, "pelvis_travel")
    } else if horiz_len(heading) > 0.02 {
        (heading, "pelvis_heading")
    } else {
        ([1.0, 0.0, 0.0], "default")
    };
    let (axis, other) = if dir[horizontal[0]].abs() >= dir[horizontal[1]].abs() {
        (horizontal[0], horizontal[1])
    } else {
        (horizontal[1], horizontal[0])
    };
    let progression = SignedAxis { axis, positive: dir[axis] >= 0.0 };
    let mut out = LabAxes::from_axes(vertical, progression, method);
    out.heading_offset_deg = dir[other].abs().atan2(dir[axis].abs()).to_degrees();
    out
}

/// Fallback without pelvis and foot landmarks (cluster marker sets with
/// unknown names): the vertical is the axis along which the marker cloud is
/// tallest in most frames (a person is taller than wide or than a stride is
/// long), pointing to where most of the cloud lies (lab floors are at zero,
/// markers above it); the progression is the horizontal axis along which the
/// cloud's centre travels most, if it travels more than 0.5 m.
fn from_marker_cloud(markers: &[Marker], sampled: &[usize]) -> LabAxes {
    let all: Vec<usize> = (0..markers.len()).collect();
    let mut extent = [Vec::new(), Vec::new(), Vec::new()];
    for &f in sampled {
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for m in markers.iter().filter(|m| m.is_present(f)) {
            for k in 0..3 {
                lo[k] = lo[k].min(m.xyz[f][k]);
                hi[k] = hi[k].max(m.xyz[f][k]);
            }
        }
        for k in 0..3 {
            if hi[k] >= lo[k] {
                extent[k].push(hi[k] - lo[k]);
            }
        }
    }
    let med: Vec<f64> = extent.into_iter().map(|e| median(e).unwrap_or(0.0)).collect();
    if med.iter().all(|&e| e == 0.0) {
        return LabAxes::from_axes(
            SignedAxis { axis: 2, positive: true },
            SignedAxis { axis: 0, positive: true },
            "default",
        );
    }
    let v = (0..3).max_by(|&a, &b| med[a].total_cmp(&med[b])).unwrap_or(2);
    let centre: Vec<[f64; 3]> = sampled.iter().filter_map(|&f| mean_at(markers, &all, f)).collect();
    let level = median(centre.iter().map(|c| c[v]).collect()).unwrap_or(1.0);
    let vertical = SignedAxis { axis: v, positive: level >= 0.0 };
    let travel = match (centre.first(), centre.last()) {
        (Some(a), Some(b)) => [b[0] - a[0], b[1] - a[1], b[2] - a[2]],
        _ => [0.0; 3],
    };
    let h: Vec<usize> = (0..3).filter(|&a| a != v).collect();
    let a = if travel[h[0]].abs() >= travel[h[1]].abs() { h[0] } else { h[1] };
    if travel[a].abs() > 0.5 {
        LabAxes::from_axes(vertical, SignedAxis { axis: a, positive: travel[a] > 0.0 }, "marker_spread")
    } else {
        LabAxes::from_axes(vertical, SignedAxis { axis: h[0], positive: true }, "default")
    }
}

/// Rotate every marker sample into the canonical frame (gaps stay gaps).
pub fn to_canonical(markers: &mut [Marker], axes: &LabAxes) {
    for m in markers {
        for p in &mut m.xyz {
            *p = axes.apply(*p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::presets::{UserMap, map_markers};

    /// A pelvis walking along -Y in a Y-up... no: a Z-up lab, walking along -Y.
    fn walker(vertical: usize, prog: usize, sign: f64) -> (Vec<Marker>, Mapping) {
        let names = ["LASI", "RASI", "LPSI", "RPSI", "LHEE", "RHEE"];
        let frames = 100;
        let mut ms: Vec<Marker> = names.iter().map(|n| Marker::new(*n, frames)).collect();
        let side_axis = 3 - vertical - prog;
        for f in 0..frames {
            let x = sign * f as f64 * 0.012; // 1.2 m/s at 100 Hz
            let place = |fwd: f64, up: f64, lat: f64| {
                let mut p = [0.0; 3];
                p[prog] = x + sign * fwd;
                p[vertical] = up;
                p[side_axis] = lat;
                p
            };
            ms[0].xyz[f] = place(0.05, 0.95, 0.12);
            ms[1].xyz[f] = place(0.05, 0.95, -0.12);
            ms[2].xyz[f] = place(-0.12, 0.98, 0.05);
            ms[3].xyz[f] = place(-0.12, 0.98, -0.05);
            ms[4].xyz[f] = place(-0.05, 0.05, 0.1);
            ms[5].xyz[f] = place(-0.05, 0.05, -0.1);
        }
        let map = map_markers(names, &UserMap::default());
        (ms, map)
    }

    #[test]
    fn finds_y_up_and_minus_x() {
        let (ms, map) = walker(1, 0, -1.0);
        let a = detect(&ms, &map);
        assert_eq!(a.vertical.label(), "+Y");
        assert_eq!(a.progression.label(), "-X");
        assert_eq!(a.progression_method, "pelvis_travel");
        let p = a.apply([-1.0, 2.0, 0.5]);
        assert_eq!(p, [1.0, 0.5, 2.0]); // facing -X with Y up, left is +Z
    }

    #[test]
    fn treadmill_uses_heading() {
        let (mut ms, map) = walker(2, 1, 1.0);
        // Remove travel: treadmill.
        for m in &mut ms {
            let p0 = m.xyz[0][1];
            for p in &mut m.xyz {
                p[1] = p0;
            }
        }
        let a = detect(&ms, &map);
        assert_eq!(a.vertical.label(), "+Z");
        assert_eq!(a.progression.label(), "+Y");
        assert_eq!(a.progression_method, "pelvis_heading");
    }
}
