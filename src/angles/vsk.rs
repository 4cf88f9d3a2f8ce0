//! Subject measurements from a Vicon `.vsk` (the subject's Plug-in Gait
//! parameters, `gaitline analyze --vsk FILE`).
//!
//! Read with [`super::pig::vsk_parameters`] (`<StaticParameter>` wins over
//! `<Parameter>`); names as Vicon writes them: `Bodymass` (kg), `Height`
//! (mm), `LeftLegLength`, `LeftKneeWidth`, `LeftAnkleWidth`,
//! `LeftAsisTrocanterDistance`, `LeftTibialTorsion` (deg) and the `Right...`
//! ones, `InterAsisDistance`, `MarkerDiameter` (mm). Zero means "not measured"
//! (Plug-in Gait's convention) and is left unknown.

use super::pig::vsk_parameters;
use crate::model::{Bilateral, Subject};

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
