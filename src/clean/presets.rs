//! Marker-set presets: map the names labs give their markers to anatomical
//! landmarks, so that later stages ask for "left heel" rather than `LHEE`,
//! `L.Heel`, `LCAL` or `L.Calca`.
//!
//! Names are compared after normalisation (subject prefix `Subject:` removed,
//! lower case, `.`, `_`, `-` and spaces dropped), so `R.Toe.Tip`, `R_Toe_Tip`
//! and `RTOETIP` are one name. Each preset is a table of `{S}`-patterns where
//! `{S}` stands for the side letter (`L`/`R`). The preset matching most
//! markers names the marker set; names it does not know are then looked up in
//! the other presets, and a user TOML file can add or override entries.

use crate::model::Side;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

/// Anatomical landmarks (and virtual points) the pipeline uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum LandmarkKind {
    Asis,
    Psis,
    /// Midline sacrum marker (Plug-in Gait `SACR`, Delaware `V.Sacral`, `S2`).
    Sacrum,
    IliacCrest,
    Trochanter,
    /// Plug-in Gait thigh wand.
    Thigh,
    KneeLateral,
    KneeMedial,
    /// Plug-in Gait tibia wand.
    Tibia,
    TibialTuberosity,
    FibulaHead,
    AnkleLateral,
    AnkleMedial,
    Heel,
    /// Plug-in Gait `TOE`: second metatarsal head / forefoot.
    Toe,
    ToeTip,
    Mt1,
    Mt2,
    Mt5,
    MidfootSuperior,
    HipJointCentre,
    KneeJointCentre,
    AnkleJointCentre,
}

impl LandmarkKind {
    pub const ALL: [LandmarkKind; 23] = [
        LandmarkKind::Asis,
        LandmarkKind::Psis,
        LandmarkKind::Sacrum,
        LandmarkKind::IliacCrest,
        LandmarkKind::Trochanter,
        LandmarkKind::Thigh,
        LandmarkKind::KneeLateral,
        LandmarkKind::KneeMedial,
        LandmarkKind::Tibia,
        LandmarkKind::TibialTuberosity,
        LandmarkKind::FibulaHead,
        LandmarkKind::AnkleLateral,
        LandmarkKind::AnkleMedial,
        LandmarkKind::Heel,
        LandmarkKind::Toe,
        LandmarkKind::ToeTip,
        LandmarkKind::Mt1,
        LandmarkKind::Mt2,
        LandmarkKind::Mt5,
        LandmarkKind::MidfootSuperior,
        LandmarkKind::HipJointCentre,
        LandmarkKind::KneeJointCentre,
        LandmarkKind::AnkleJointCentre,
    ];

    pub fn code(self) -> &'static str {
        use LandmarkKind::*;
        match self {
            Asis => "ASIS",
            Psis => "PSIS",
            Sacrum => "SACRUM",
            IliacCrest => "ILIAC_CREST",
            Trochanter => "TROCHANTER",
            Thigh => "THIGH",
            KneeLateral => "KNEE_LAT",
            KneeMedial => "KNEE_MED",
            Tibia => "TIBIA",
            TibialTuberosity => "TIBIAL_TUBEROSITY",
            FibulaHead => "FIBULA_HEAD",
            AnkleLateral => "ANKLE_LAT",
            AnkleMedial => "ANKLE_MED",
            Heel => "HEEL",
            Toe => "TOE",
            ToeTip => "TOE_TIP",
            Mt1 => "MT1",
            Mt2 => "MT2",
            Mt5 => "MT5",
            MidfootSuperior => "MIDFOOT_SUP",
            HipJointCentre => "HJC",
            KneeJointCentre => "KJC",
            AnkleJointCentre => "AJC",
        }
    }
    /// Whether the landmark lies on the midline (no side).
    pub fn is_midline(self) -> bool {
        self == LandmarkKind::Sacrum
    }
}

/// A landmark on one side (or the midline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Landmark {
    pub side: Option<Side>,
    pub kind: LandmarkKind,
}

impl Landmark {
    pub fn new(side: Side, kind: LandmarkKind) -> Self {
        Landmark { side: Some(side), kind }
    }
    pub fn mid(kind: LandmarkKind) -> Self {
        Landmark { side: None, kind }
    }
    /// `L_HEEL`, `R_ASIS`, `SACRUM`.
    pub fn code(&self) -> String {
        match self.side {
            Some(Side::Left) => format!("L_{}", self.kind.code()),
            Some(Side::Right) => format!("R_{}", self.kind.code()),
            None => self.kind.code().to_string(),
        }
    }
    /// Parse a code as written by [`Landmark::code`].
    pub fn parse(code: &str) -> Option<Landmark> {
        let c = code.trim().to_ascii_uppercase();
        let (side, body) = if let Some(b) = c.strip_prefix("L_") {
            (Some(Side::Left), b)
        } else if let Some(b) = c.strip_prefix("R_") {
            (Some(Side::Right), b)
        } else {
            (None, c.as_str())
        };
        let kind = LandmarkKind::ALL.into_iter().find(|k| k.code() == body)?;
        (kind.is_midline() == side.is_none()).then_some(Landmark { side, kind })
    }
}

impl Serialize for Landmark {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// A named marker-set preset: `(pattern, landmark kind)` with `{S}` = side.
pub struct Preset {
    pub name: &'static str,
    entries: &'static [(&'static str, LandmarkKind)],
}

use LandmarkKind as K;

/// The presets gaitline knows, most specific first.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "plug-in-gait",
        entries: &[
            ("{S}ASI", K::Asis),
            ("{S}PSI", K::Psis),
            ("SACR", K::Sacrum),
            ("{S}THI", K::Thigh),
            ("{S}KNE", K::KneeLateral),
            ("{S}KNM", K::KneeMedial),
            ("{S}MKNE", K::KneeMedial),
            ("{S}TIB", K::Tibia),
            ("{S}ANK", K::AnkleLateral),
            ("{S}MMA", K::AnkleMedial),
            ("{S}MED", K::AnkleMedial),
            ("{S}HEE", K::Heel),
            ("{S}TOE", K::Toe),
        ],
    },
    Preset {
        name: "opensim-delaware",
        entries: &[
            ("{S}.ASIS", K::Asis),
            ("{S}.PSIS", K::Psis),
            ("V.Sacral", K::Sacrum),
            ("{S}.Knee.Lat", K::KneeLateral),
            ("{S}.Knee.Med", K::KneeMedial),
            ("{S}.Ankle.Lat", K::AnkleLateral),
            ("{S}.Ankle.Med", K::AnkleMedial),
            ("{S}.Heel", K::Heel),
            ("{S}.Toe.Tip", K::ToeTip),
            ("{S}.Toe.Med", K::Mt1),
            ("{S}.Toe.Lat", K::Mt5),
            ("{S}.Midfoot.Sup", K::MidfootSuperior),
        ],
    },
    Preset {
        name: "rajagopal",
        entries: &[
            ("{S}ASI", K::Asis),
            ("{S}PSI", K::Psis),
            ("{S}LFC", K::KneeLateral),
            ("{S}MFC", K::KneeMedial),
            ("{S}LMAL", K::AnkleLateral),
            ("{S}MMAL", K::AnkleMedial),
            ("{S}CAL", K::Heel),
            ("{S}TOE", K::Toe),
            ("{S}MT5", K::Mt5),
            ("{S}HJC", K::HipJointCentre),
            ("{S}KJC", K::KneeJointCentre),
            ("{S}AJC", K::AnkleJointCentre),
            // Rajagopal's walking trials use the Delaware-style dotted names.
            ("{S}.ASIS", K::Asis),
            ("{S}.PSIS", K::Psis),
            ("S2", K::Sacrum),
            ("{S}.Heel", K::Heel),
            ("{S}.Knee", K::KneeLateral),
            ("{S}.MKnee", K::KneeMedial),
            ("{S}.Ankle", K::AnkleLateral),
            ("{S}.MAnkle", K::AnkleMedial),
            ("{S}.MT5", K::Mt5),
            ("{S}.Toe", K::Toe),
            ("{S}_HJC", K::HipJointCentre),
        ],
    },
    Preset {
        name: "rbds",
        entries: &[
            ("{S}.ASIS", K::Asis),
            ("{S}.PSIS", K::Psis),
            ("{S}.Iliac.Crest", K::IliacCrest),
            ("{S}.GTR", K::Trochanter),
            ("{S}.Knee", K::KneeLateral),
            ("{S}.Knee.Medial", K::KneeMedial),
            ("{S}.HF", K::FibulaHead),
            ("{S}.TT", K::TibialTuberosity),
            ("{S}.Ankle", K::AnkleLateral),
            ("{S}.Ankle.Medial", K::AnkleMedial),
            ("{S}.Heel.Bottom", K::Heel),
            ("{S}.MT1", K::Mt1),
            ("{S}.MT2", K::Toe),
            ("{S}.MT5", K::Mt5),
        ],
    },
    Preset {
        name: "helen-hayes",
        entries: &[
            ("{S}.ASIS", K::Asis),
            ("V.Sacral", K::Sacrum),
            ("{S}.Thigh", K::Thigh),
            ("{S}.Knee", K::KneeLateral),
            ("{S}.Tibia", K::Tibia),
            ("{S}.Shank", K::Tibia),
            ("{S}.Ankle", K::AnkleLateral),
            ("{S}.Heel", K::Heel),
            ("{S}.Toe", K::Toe),
        ],
    },
    Preset {
        name: "french-sprint",
        entries: &[
            ("{S}.EIAS", K::Asis),
            ("{S}EIAS", K::Asis),
            ("{S}.EIPS", K::Psis),
            ("Sacral", K::Sacrum),
            ("{S}.Crete", K::IliacCrest),
            ("{S}.GT", K::Trochanter),
            ("{S}.Knee.Lat", K::KneeLateral),
            ("{S}.Knee.Med", K::KneeMedial),
            ("{S}.TTA", K::TibialTuberosity),
            ("{S}.Fibula", K::FibulaHead),
            ("{S}.Ankle.Lat", K::AnkleLateral),
            ("{S}.Ankle.Med", K::AnkleMedial),
            ("{S}.Calca", K::Heel),
            ("{S}.Foot.Med", K::Mt1),
            ("{S}.Foot.Lat", K::Mt5),
        ],
    },
];

/// Normalise a marker name for matching: drop a `Subject:` prefix, lower-case,
/// remove `.`, `_`, `-` and spaces.
pub fn normalise(name: &str) -> String {
    let base = strip_subject(name);
    base.chars().filter(|c| !matches!(c, '.' | '_' | '-' | ' ')).flat_map(|c| c.to_lowercase()).collect()
}

/// Remove a Vicon-style `Subject:` prefix.
pub fn strip_subject(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, m)| m).trim()
}

/// The result of mapping a trial's marker names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// Name of the preset that matched most markers (`none` if nothing matched).
    pub preset: String,
    /// Landmark → index of the marker carrying it.
    pub landmarks: BTreeMap<Landmark, usize>,
    /// Names of markers no preset knows.
    pub unmapped: Vec<String>,
}

/// User overrides: marker name (normalised on use) → landmark.
#[derive(Debug, Clone, Default)]
pub struct UserMap {
    pub entries: Vec<(String, Landmark)>,
}

impl UserMap {
    /// Parse a TOML table `[markers]` of `"MarkerName" = "L_HEEL"` entries.
    pub fn from_toml(text: &str) -> Result<UserMap, String> {
        let v: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let Some(t) = v.get("markers").and_then(|m| m.as_table()) else {
            return Err("missing [markers] table".into());
        };
        let mut entries = Vec::new();
        for (k, val) in t {
            let code = val.as_str().ok_or_else(|| format!("markers.{k}: expected a string"))?;
            let lm = Landmark::parse(code).ok_or_else(|| format!("markers.{k}: unknown landmark {code:?}"))?;
            entries.push((normalise(k), lm));
        }
        Ok(UserMap { entries })
    }
}

fn expand(pattern: &str, side: Side) -> String {
    let letter = if side == Side::Left { "l" } else { "r" };
    normalise(&pattern.replace("{S}", letter))
}

/// Each preset's entries, expanded for both sides and normalised: built once
/// per process, so a name costs one hash lookup per preset. Within a preset
/// the first entry naming a key wins.
fn tables() -> &'static [HashMap<String, Landmark>] {
    static TABLES: OnceLock<Vec<HashMap<String, Landmark>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        PRESETS
            .iter()
            .map(|p| {
                let mut m = HashMap::new();
                for (pat, kind) in p.entries {
                    if pat.contains("{S}") {
                        for side in [Side::Left, Side::Right] {
                            m.entry(expand(pat, side)).or_insert(Landmark::new(side, *kind));
                        }
                    } else {
                        m.entry(normalise(pat)).or_insert(Landmark::mid(*kind));
                    }
                }
                m
            })
            .collect()
    })
}

/// The landmark preset number `preset` gives a normalised name.
fn preset_lookup(preset: usize, norm: &str) -> Option<Landmark> {
    tables()[preset].get(norm).copied()
}

/// Map marker names to landmarks: user entries first, then the best preset,
/// then any other preset. The first marker claiming a landmark keeps it.
pub fn map_markers<'a>(names: impl IntoIterator<Item = &'a str>, user: &UserMap) -> Mapping {
    let names: Vec<&str> = names.into_iter().collect();
    let norms: Vec<String> = names.iter().map(|n| normalise(n)).collect();
    // The preset matching most names; the earliest on a tie.
    let counts: Vec<usize> =
        (0..PRESETS.len()).map(|p| norms.iter().filter(|n| preset_lookup(p, n).is_some()).count()).collect();
    let best = (0..PRESETS.len()).filter(|&p| counts[p] > 0).max_by_key(|&p| (counts[p], usize::MAX - p));
    let mut m = Mapping { preset: best.map_or("none", |p| PRESETS[p].name).to_string(), ..Default::default() };
    for (i, n) in norms.iter().enumerate() {
        let user_hit = user.entries.iter().find(|(k, _)| k == n).map(|(_, l)| *l);
        let lm = user_hit
            .or_else(|| best.and_then(|p| preset_lookup(p, n)))
            .or_else(|| (0..PRESETS.len()).find_map(|p| preset_lookup(p, n)));
        match lm {
            Some(l) => {
                m.landmarks.entry(l).or_insert(i);
            }
            None => m.unmapped.push(strip_subject(names[i]).to_string()),
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lm(side: Side, k: LandmarkKind) -> Landmark {
        Landmark::new(side, k)
    }

    #[test]
    fn plug_in_gait_with_subject_prefix() {
        let names = ["BELT_C:LASI", "BELT_C:RASI", "BELT_C:LHEE", "BELT_C:RTOE", "BELT_C:SACR"];
        let m = map_markers(names, &UserMap::default());
        assert_eq!(m.preset, "plug-in-gait");
        assert_eq!(m.landmarks[&lm(Side::Left, K::Heel)], 2);
        assert_eq!(m.landmarks[&lm(Side::Right, K::Toe)], 3);
        assert_eq!(m.landmarks[&Landmark::mid(K::Sacrum)], 4);
        assert!(m.unmapped.is_empty());
    }

    #[test]
    fn delaware_rbds_and_french_names() {
        let m = map_markers(["R.ASIS", "L.Heel", "R.Toe.Tip", "V.Sacral"], &UserMap::default());
        assert_eq!(m.preset, "opensim-delaware");
        assert_eq!(m.landmarks[&lm(Side::Right, K::ToeTip)], 2);
        let m = map_markers(["R.ASIS", "R.Heel.Bottom", "R.MT2", "L.Knee.Medial"], &UserMap::default());
        assert_eq!(m.preset, "rbds");
        assert_eq!(m.landmarks[&lm(Side::Right, K::Heel)], 1);
        assert_eq!(m.landmarks[&lm(Side::Left, K::KneeMedial)], 3);
        let m = map_markers(["R.EIAS", "LEIAS", "R.Calca"], &UserMap::default());
        assert_eq!(m.preset, "french-sprint");
        assert_eq!(m.landmarks[&lm(Side::Left, K::Asis)], 1);
    }

    #[test]
    fn user_toml_overrides() {
        let u = UserMap::from_toml("[markers]\n\"HeelMarkerR\" = \"R_HEEL\"\n\"LHEE\" = \"L_TOE\"\n").unwrap();
        let m = map_markers(["HeelMarkerR", "LHEE"], &u);
        assert_eq!(m.landmarks[&lm(Side::Right, K::Heel)], 0);
        assert_eq!(m.landmarks[&lm(Side::Left, K::Toe)], 1);
        assert!(UserMap::from_toml("[markers]\nX = \"L_SPLEEN\"").unwrap_err().contains("L_SPLEEN"));
    }

    #[test]
    fn landmark_codes_round_trip() {
        for k in LandmarkKind::ALL {
            let l = if k.is_midline() { Landmark::mid(k) } else { Landmark::new(Side::Left, k) };
            assert_eq!(Landmark::parse(&l.code()), Some(l));
        }
    }
}
