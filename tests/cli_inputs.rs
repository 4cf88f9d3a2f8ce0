//! The ways trials reach `gaitline analyze` and `inspect`: a manifest with
//! subject data, `--static`, side-car grouping, and `inspect --json`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gaitline"))
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gaitline-inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Simulated trials from the crate's own simulator (TRC + _grf.mot, with static).
fn simulated(dir: &Path) -> Vec<PathBuf> {
    use gaitline::simulate::{OutFormat, SimConfig, simulate, simulate_static, write_trial};
    let cfg = SimConfig::running().with_duration(3.0).with_seed(5);
    let mut f = write_trial(&simulate(&cfg), dir, "run01", OutFormat::Trc).unwrap();
    f.extend(write_trial(&simulate_static(&cfg), dir, "run01_static", OutFormat::Trc).unwrap());
    f
}

fn metrics(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn folder_groups_sidecars_and_pairs_the_static_trial() {
    let d = tmpdir("folder");
    simulated(&d);
    let out = d.join("out");
    let o = bin().args(["analyze", d.to_str().unwrap(), "--out", out.to_str().unwrap(), "-q"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let m = metrics(&out.join("run01/metrics.json"));
    let files: Vec<&str> = m["trial"]["source_files"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(files[0].ends_with("run01.trc"), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("run01_grf.mot")), "{files:?}");
    assert!(files.iter().all(|f| !f.contains("static") && !f.ends_with(".json")), "{files:?}");
    assert!(m["trial"]["static_file"].as_str().unwrap().ends_with("run01_static.trc"));
    assert!(!out.join("run01_static").exists(), "a static trial is never analysed as gait");
    let kinds: Vec<&str> =
        m["trial"]["analog_channels"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"force_plate"), "{kinds:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn manifest_names_files_and_subject_data() {
    let d = tmpdir("manifest");
    simulated(&d);
    std::fs::write(
        d.join("trials.csv"),
        "trial,files,static,mass_kg,height_m,leg_length_mm,knee_width_mm,involved_side,lang\n\
         patient 7/run,run01.trc;run01_grf.mot,run01_static.trc,71.5,1.78,880|884,101,left,de\n",
    )
    .unwrap();
    let out = d.join("out");
    let o = bin()
        .args(["analyze", "--manifest", d.join("trials.csv").to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    // The id is made safe for a path.
    let m = metrics(&out.join("patient_7_run/metrics.json"));
    assert_eq!(m["trial"]["id"], "patient_7_run");
    assert_eq!(m["subject"]["mass_kg"], 71.5);
    assert_eq!(m["subject"]["height_m"], 1.78);
    assert_eq!(m["subject"]["leg_length_mm"]["left"], 880.0);
    assert_eq!(m["subject"]["leg_length_mm"]["right"], 884.0);
    assert_eq!(m["subject"]["knee_width_mm"]["right"], 101.0);
    assert_eq!(m["subject"]["involved_side"], "left");
    assert_eq!(m["subject"]["lang"], "de");
    assert!(m["trial"]["static_file"].as_str().unwrap().ends_with("run01_static.trc"));

    // A bad manifest cell is a usage error naming the line and column.
    std::fs::write(d.join("bad.csv"), "trial,files,mass_kg\nt1,run01.trc,heavy\n").unwrap();
    let o = bin().args(["analyze", "--manifest", d.join("bad.csv").to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("bad.csv:2: column mass_kg: not a number: \"heavy\""), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn static_flag_for_a_single_trial() {
    let d = tmpdir("static");
    simulated(&d);
    let out = d.join("out");
    let (stat, dynamic) = (d.join("run01_static.trc"), d.join("run01.trc"));
    let o = bin()
        .args(["analyze", "--static", stat.to_str().unwrap(), dynamic.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let m = metrics(&out.join("run01/metrics.json"));
    assert!(m["trial"]["static_file"].as_str().unwrap().ends_with("run01_static.trc"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn inspect_json_describes_the_file() {
    let d = tmpdir("inspect");
    let files = simulated(&d);
    let o = bin().args(["inspect", "--json", files[0].to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &v[0]["trial"];
    assert_eq!(t["formats"][0], "OpenSim TRC");
    assert_eq!(t["marker_rate_hz"], 200.0);
    assert_eq!(t["frames"], 601);
    assert_eq!(t["markers"], 16);
    assert_eq!(t["lab_axes"]["vertical"], "+Z");
    assert_eq!(t["marker_set"], "plug-in-gait");
    let o = bin().args(["inspect", files[0].to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("markers     16 at 200 Hz, 601 frames"), "{text}");
    // An unreadable file: exit 1, message names it.
    std::fs::write(d.join("x.trc"), "PathFileType\t4\n").unwrap();
    let o = bin().args(["inspect", d.join("x.trc").to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("x.trc:"));
    std::fs::remove_dir_all(&d).unwrap();
}

/// A Vicon `.vsk` beside the trial fills the subject measurements (below the
/// manifest, above the files), so a TRC trial without any gets Plug-in Gait;
/// two `.vsk` without a name match are named in a note and not used;
/// `--vsk` given replaces the pairing.
#[test]
fn vsk_beside_the_trial_is_paired() {
    let dir = tmpdir("vsk-beside");
    simulated(&dir);
    let vsk = |knee: f64| {
        format!(
            "<KinematicModel><Parameters>\
             <StaticParameter NAME=\"Bodymass\" VALUE=\"72\"/><StaticParameter NAME=\"Height\" VALUE=\"1780\"/>\
             <StaticParameter NAME=\"LeftLegLength\" VALUE=\"910\"/><StaticParameter NAME=\"RightLegLength\" VALUE=\"905\"/>\
             <StaticParameter NAME=\"LeftKneeWidth\" VALUE=\"{knee}\"/><StaticParameter NAME=\"RightKneeWidth\" VALUE=\"{knee}\"/>\
             <StaticParameter NAME=\"LeftAnkleWidth\" VALUE=\"70\"/><StaticParameter NAME=\"RightAnkleWidth\" VALUE=\"70\"/>\
             </Parameters></KinematicModel>"
        )
    };
    let run = |extra: &[&str]| {
        let out = dir.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let o = bin()
            .arg("analyze")
            .arg(&dir)
            .args(["--out", out.to_str().unwrap(), "--no-plots"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        (metrics(&out.join("run01/metrics.json")), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let (m, _) = run(&[]);
    assert!(m["subject"]["knee_width_mm"].is_null(), "no subject data without a .vsk: {}", m["subject"]);
    assert_ne!(m["angles"]["model"], "plug-in-gait", "{}", m["angles"]);

    std::fs::write(dir.join("Anna.vsk"), vsk(101.0)).unwrap();
    let (m, err) = run(&[]);
    assert_eq!(m["subject"]["knee_width_mm"]["left"], 101.0);
    assert_eq!(m["subject"]["leg_length_mm"]["right"], 905.0);
    assert_eq!(m["angles"]["model"], "plug-in-gait", "{}", m["angles"]);
    assert!(
        err.contains(&format!("note: run01: subject measurements from {}", dir.join("Anna.vsk").display())),
        "{err}"
    );

    std::fs::write(dir.join("Bert.vsk"), vsk(99.0)).unwrap();
    let (m, err) = run(&[]);
    assert!(m["subject"]["knee_width_mm"].is_null());
    assert!(
        err.contains(
            "note: run01: several .vsk files beside the trial and none named after it (Anna.vsk, Bert.vsk): \
             give the subject's with --vsk"
        ),
        "{err}"
    );
    let (m, _) = run(&["--vsk", dir.join("Bert.vsk").to_str().unwrap()]);
    assert_eq!(m["subject"]["knee_width_mm"]["left"], 99.0);

    std::fs::write(dir.join("run01.vsk"), vsk(103.0)).unwrap();
    let (m, _) = run(&[]);
    assert_eq!(m["subject"]["knee_width_mm"]["left"], 103.0, "the trial's own <stem>.vsk wins");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--angle-model` picks the joint-angle model: `chain` on Hamner's running
/// trial gives the joint-constrained model's angles (hinge knee: no knee
/// ab/adduction), `pig` on a trial without subject measurements gives none
/// and says why, a bad name is a usage error (exit 2).
#[test]
fn angle_model_flag() {
    let dir = tmpdir("angle-model");
    simulated(&dir);
    let run = |inputs: &[PathBuf], extra: &[&str], out: &str| {
        let out = dir.join(out);
        let o = bin()
            .arg("analyze")
            .args(inputs)
            .args(["--out", out.to_str().unwrap(), "--no-plots"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let out = run(std::slice::from_ref(&dir), &["--angle-model", "pig"], "pig");
    let m = metrics(&out.join("run01/metrics.json"));
    assert!(m["angles"].is_null(), "{}", m["angles"]);
    assert!(m["notes"].to_string().contains("joint angles not computed (--angle-model pig)"), "{}", m["notes"]);
    let o = bin().arg("analyze").arg(&dir).args(["--angle-model", "opensim"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("--angle-model: \"opensim\" is not an angle model (pig, cast or chain)"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    if let (Some(trc), Some(grf), Some(st)) = (
        common::data_file("opensim-models/Hamner__subject02_running.trc"),
        common::data_file("opensim-models/Hamner__subject02_running_grf.mot"),
        common::data_file("opensim-models/Hamner__subject02_static.trc"),
    ) {
        let st = st.to_str().unwrap().to_string();
        let out = run(&[trc, grf], &["--static", &st, "--angle-model", "chain"], "chain");
        let m = metrics(&out.join("Hamner__subject02_running/metrics.json"));
        assert_eq!(m["angles"]["model"], gaitline::angles::chain::MODEL);
        assert_eq!(m["subject"]["angle_model"], "chain");
        let left = &m["angles"]["left"];
        let knee = left["knee_flexion"]["max_deg"]["mean"].as_f64().unwrap();
        assert!((80.0..110.0).contains(&knee), "running knee flexion peak {knee}");
        assert!(left["knee_adduction"].is_null(), "a hinge knee has no ab/adduction: {left}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
