//! Muscle names as labs write them on EMG channels.

use crate::model::Side;

/// The muscle groups gaitline cares about for H:Q analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MuscleGroup {
    Hamstrings,
    Quadriceps,
    Other,
}

/// Recognise a muscle from an EMG channel label (`R_RF`, `L ST`, `MH`,
/// `Biceps femoris caput longum`, `VL`, ...). Returns the group, the side if
/// the label says, and a short canonical code.
pub fn muscle_of(label: &str) -> Option<(MuscleGroup, Option<Side>, &'static str)> {
    let l = label.trim().to_ascii_lowercase();
    let mut side = None;
    let mut body = l.as_str();
    for (p, s) in [
        ("left ", Side::Left),
        ("right ", Side::Right),
        ("l_", Side::Left),
        ("r_", Side::Right),
        ("l ", Side::Left),
        ("r ", Side::Right),
        ("l.", Side::Left),
        ("r.", Side::Right),
    ] {
        if let Some(rest) = body.strip_prefix(p) {
            side = Some(s);
            body = rest;
            break;
        }
    }
    for (p, s) in [
        (" left", Side::Left),
        (" right", Side::Right),
        ("_l", Side::Left),
        ("_r", Side::Right),
        (" l", Side::Left),
        (" r", Side::Right),
    ] {
        if side.is_none()
            && let Some(rest) = body.strip_suffix(p)
        {
            side = Some(s);
            body = rest;
        }
    }
    let body = body.trim();
    let table: &[(&str, MuscleGroup, &str)] = &[
        ("biceps femoris", MuscleGroup::Hamstrings, "BF"),
        ("semitendinosus", MuscleGroup::Hamstrings, "ST"),
        ("semimembranosus", MuscleGroup::Hamstrings, "SM"),
        ("ischio", MuscleGroup::Hamstrings, "HAM"),
        ("hamstring", MuscleGroup::Hamstrings, "HAM"),
        ("rectus femoris", MuscleGroup::Quadriceps, "RF"),
        ("vastus lateralis", MuscleGroup::Quadriceps, "VL"),
        ("vastus medialis", MuscleGroup::Quadriceps, "VM"),
        ("quadriceps", MuscleGroup::Quadriceps, "QUAD"),
        ("tibialis anterior", MuscleGroup::Other, "TA"),
        ("gastrocnemius", MuscleGroup::Other, "GAS"),
        ("soleus", MuscleGroup::Other, "SOL"),
        ("peroneus", MuscleGroup::Other, "PE"),
        ("gluteus maximus", MuscleGroup::Other, "GMAX"),
        ("gluteus medius", MuscleGroup::Other, "GMED"),
    ];
    for (name, g, code) in table {
        if body.contains(name) {
            return Some((*g, side, code));
        }
    }
    let codes: &[(&str, MuscleGroup, &str)] = &[
        ("bf", MuscleGroup::Hamstrings, "BF"),
        ("st", MuscleGroup::Hamstrings, "ST"),
        ("sm", MuscleGroup::Hamstrings, "SM"),
        ("mh", MuscleGroup::Hamstrings, "MH"),
        ("lh", MuscleGroup::Hamstrings, "BF"),
        ("ham", MuscleGroup::Hamstrings, "HAM"),
        ("rf", MuscleGroup::Quadriceps, "RF"),
        ("vl", MuscleGroup::Quadriceps, "VL"),
        ("vm", MuscleGroup::Quadriceps, "VM"),
        ("ta", MuscleGroup::Other, "TA"),
        ("gas", MuscleGroup::Other, "GAS"),
        ("gl", MuscleGroup::Other, "GAS"),
        ("gm", MuscleGroup::Other, "GAS"),
        ("sol", MuscleGroup::Other, "SOL"),
        ("pe", MuscleGroup::Other, "PE"),
        ("gmax", MuscleGroup::Other, "GMAX"),
        ("gmed", MuscleGroup::Other, "GMED"),
    ];
    codes.iter().find(|(c, _, _)| body == *c).map(|(_, g, code)| (*g, side, *code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_lab_labels() {
        assert_eq!(muscle_of("R_RF"), Some((MuscleGroup::Quadriceps, Some(Side::Right), "RF")));
        assert_eq!(muscle_of("L_ST"), Some((MuscleGroup::Hamstrings, Some(Side::Left), "ST")));
        assert_eq!(muscle_of("MH"), Some((MuscleGroup::Hamstrings, None, "MH")));
        assert_eq!(muscle_of("L Biceps femoris caput longum"), Some((MuscleGroup::Hamstrings, Some(Side::Left), "BF")));
        assert_eq!(muscle_of("Force.Fx1"), None);
    }
}
