//! Subject measurements from a Vicon `.vsk` (the subject's Plug-in Gait
//! parameters, `gaitline analyze --vsk FILE`, or the `.vsk` found beside the
//! trial, [`beside`]).
//!
//! Read with [`super::pig::vsk_parameters`] (`<StaticParameter>` wins over
//! `<Parameter>`); names as Vicon writes them: `Bodymass` (kg), `Height`
//! (mm), `LeftLegLength`, `LeftKneeWidth`, `LeftAnkleWidth`,
//! `LeftAsisTrocanterDistance`, `LeftTibialTorsion` (deg) and the `Right...`
//! ones, `InterAsisDistance`, `MarkerDiameter` (mm). Zero means "not measured"
//! (Plug-in Gait's convention) and is left unknown.

use super::pig::vsk_parameters;
use crate::model::{Bilateral, Subject};
use std::path::{Path, PathBuf};

/// The Vicon subject file that belongs to a trial, found beside it the way
/// Nexus lays out a session: first `<stem>.vsk` for a trial file or the
/// static trial (case-insensitive extension), else the one `.vsk` in the
/// trial's folder (Nexus keeps one `<Subject>.vsk` per subject folder).
/// `Err` names the candidates when a folder holds several and none matches by
/// stem: the caller says so and gives `--vsk`.
pub fn beside(files: &[PathBuf], static_file: Option<&Path>) -> Result<Option<PathBuf>, String> {
    let is_vsk = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("vsk"));
    let Some(dir) = files.first().and_then(|f| f.parent()) else { return Ok(None) };
    let mut found: Vec<PathBuf> = match std::fs::read_dir(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
    {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| is_vsk(p) && p.is_file()).collect(),
        Err(_) => return Ok(None),
    };
    found.sort();
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().to_lowercase());
    for f in files.iter().map(PathBuf::as_path).chain(static_file) {
        if let Some(v) = found.iter().find(|v| stem(v) == stem(f)) {
            return Ok(Some(v.clone()));
        }
    }
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(format!(
            "several .vsk files beside the trial and none named after it ({}): give the subject's with --vsk",
            found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The subject measurements of a `.vsk` text. An error when it holds none of
/// the parameters above (e.g. not a `.vsk`).
pub fn subject(text: &str) -> Result<Subject, String> {
    let p = vsk_parameters(text);
    let get = |name: &str| p.get(name).copied().filter(|v| *v != 0.0 && v.is_finite());
    let side = |stem: &str| Bilateral { left: get(&format!("Left{stem}")), right: get(&format!("Right{stem}")) };
    let s = Subject {
        mass_kg: get("Bodymass"),
        height_m: get("Height").map(|mm| mm / 1000.0),
        leg_length_mm: side("LegLength"),
        knee_width_mm: side("KneeWidth"),
        ankle_width_mm: side("AnkleWidth"),
        marker_diameter_mm: get("MarkerDiameter"),
        inter_asis_mm: get("InterAsisDistance"),
        asis_trochanter_mm: side("AsisTrocanterDistance"),
        tibial_torsion_deg: side("TibialTorsion"),
        ..Default::default()
    };
    if s == Subject::default() {
        return Err("no subject measurements (Bodymass, Height, LeftLegLength, ...) in the .vsk".into());
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vsk_beside_the_trial() {
        let dir = std::env::temp_dir().join(format!("gaitline-vsk-beside-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let trial = dir.join("Walk01.c3d");
        let stat = dir.join("Static.c3d");
        let files = [trial.clone()];
        assert_eq!(beside(&files, Some(&stat)), Ok(None));
        std::fs::write(dir.join("Anna.vsk"), "x").unwrap();
        assert_eq!(beside(&files, Some(&stat)), Ok(Some(dir.join("Anna.vsk"))), "the folder's only .vsk");
        std::fs::write(dir.join("Bert.VSK"), "x").unwrap();
        assert_eq!(
            beside(&files, Some(&stat)),
            Err("several .vsk files beside the trial and none named after it (Anna.vsk, Bert.VSK): give the subject's with --vsk".into())
        );
        std::fs::write(dir.join("static.vsk"), "x").unwrap();
        assert_eq!(beside(&files, Some(&stat)), Ok(Some(dir.join("static.vsk"))), "named after the static");
        std::fs::write(dir.join("Walk01.vsk"), "x").unwrap();
        assert_eq!(beside(&files, Some(&stat)), Ok(Some(dir.join("Walk01.vsk"))), "named after the trial first");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn measurements_and_empty_files() {
        let vsk = r#"<KinematicModel><Parameters>
            <StaticParameter NAME="Bodymass" VALUE="85" PRIOR="65"/>
            <StaticParameter NAME="Height" VALUE="1679"/>
            <StaticParameter NAME="LeftLegLength" VALUE="877"/>
            <StaticParameter NAME="RightLegLength" VALUE="866"/>
            <StaticParameter NAME="LeftTibialTorsion" PRIOR="0"/>
            <StaticParameter NAME="RightKneeWidth" VALUE="0"/>
        </Parameters></KinematicModel>"#;
        let s = subject(vsk).unwrap();
        assert_eq!(s.mass_kg, Some(85.0));
        assert_eq!(s.height_m, Some(1.679));
        assert_eq!(s.leg_length_mm, Bilateral { left: Some(877.0), right: Some(866.0) });
        assert!(s.knee_width_mm.is_empty() && s.tibial_torsion_deg.is_empty());
        assert_eq!(
            subject("<Parameter NAME=\"HipWidth\" VALUE=\"123\"/>").unwrap_err(),
            "no subject measurements (Bodymass, Height, LeftLegLength, ...) in the .vsk"
        );
    }
}
