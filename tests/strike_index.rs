//! Strike index (Cavanagh & Lafortune 1980) from the plates' centre of
//! pressure, as a second opinion on the foot-strike class (issue 4): the
//! simulated demo trials recover the COP put in, and on RBDS0041's
//! instrumented treadmill the strike index and the foot-strike angle agree.

mod common;

use gaitline::footstrike::StrikeClass;
use gaitline::group::{group_files, scan};
use gaitline::model::Side;
use gaitline::pipeline::{analyze_trial, load_trial};
use std::path::Path;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn trial(dir: &Path, id_part: &str) -> gaitline::trial::Trial {
    let (specs, _) = group_files(&scan(dir).unwrap(), None);
    let spec = specs.iter().find(|s| s.id.contains(id_part)).unwrap_or_else(|| panic!("no trial {id_part}"));
    load_trial(spec, None, &Default::default()).unwrap()
}

/// The simulator's COP at contact (truth `force_plates[].contacts[].strike_index_pct`)
/// comes back within 6 percentage points (1.6 cm of a 27-cm foot) per side,
/// and the class is exact. Measured: walker 16.8/17.0 % vs 12 %, forefoot
/// runner 71.3 % vs 75 %, imbalance runner 43.2 % (midfoot) vs 45 % and 13.5 %
/// vs 12 %. Our COP is taken at 10 % of the peak force, a few ms into the
/// contact, further along the COP path than the truth at 0 ms (the forefoot's
/// COP moves back, the rearfoot's forward), and the simulated heel rolls on a
/// rocker at strike, so the heel marker is not yet where the flat foot puts it.
#[test]
fn simulated_strike_index_matches_truth() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for stem in ["walker", "runner_forefoot", "runner_imbalance"] {
        let t = trial(&data, stem);
        let a = analyze_trial(&t, &Default::default());
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data.join(format!("{stem}.truth.json"))).unwrap()).unwrap();
        for (side, name) in [(Side::Left, "left"), (Side::Right, "right")] {
            let want: Vec<f64> = truth["force_plates"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["contacts"].as_array().unwrap().iter())
                .filter(|c| c["side"] == name && c["clean"] == true)
                .map(|c| c["strike_index_pct"].as_f64().unwrap())
                .collect();
            let got: Vec<f64> =
                a.foot_strikes.strikes.iter().filter(|s| s.side == side).filter_map(|s| s.strike_index_pct).collect();
            assert!(!want.is_empty() && !got.is_empty(), "{stem} {name}: truth {want:?}, ours {got:?}");
            let (g, w) = (median(got), median(want));
            eprintln!("{stem} {name}: strike index {g:.1} % vs truth {w:.1} %");
            common::close(g, w, 6.0, &format!("{stem} {name} strike index (%)"));
            assert_eq!(StrikeClass::from_strike_index(g), StrikeClass::from_strike_index(w), "{stem} {name}");
        }
    }
}

/// RBDS0041 at 2.5 m/s: one plate under both feet, a raw and noisy COP. The
/// per-side median strike index is a rearfoot one (measured 2-9 %), as the
/// foot-strike angle (17-19 deg) says, and every step's angle class is
/// rearfoot.
#[test]
fn rbds_strike_index_agrees_with_foot_angle() {
    let Some(f) = common::data_file("rbds-fukuchi-running/RBDS0041runT252.txt") else { return };
    let t = trial(f.parent().unwrap(), "RBDS0041runT252");
    let a = analyze_trial(&t, &Default::default());
    for side in [Side::Left, Side::Right] {
        let mine: Vec<_> = a.foot_strikes.strikes.iter().filter(|s| s.side == side).collect();
        let si: Vec<f64> = mine.iter().filter_map(|s| s.strike_index_pct).collect();
        assert!(si.len() * 10 >= mine.len() * 8, "{side:?}: strike index for {} of {} steps", si.len(), mine.len());
        let m = median(si.clone());
        let rear = si.iter().filter(|&&v| StrikeClass::from_strike_index(v) == StrikeClass::Rearfoot).count();
        eprintln!("RBDS {side:?}: median strike index {m:.1} %, {rear}/{} steps rearfoot", si.len());
        assert!((0.0..15.0).contains(&m), "{side:?}: median strike index {m}");
        assert!(rear * 10 >= si.len() * 9, "{side:?}: only {rear}/{} rearfoot by strike index", si.len());
        assert!(mine.iter().all(|s| s.class == StrikeClass::Rearfoot));
    }
}
