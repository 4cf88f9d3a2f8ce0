//! `gaitline analyze --anonymize`: pseudonymous outputs for data that must
//! follow data-protection rules (GDPR Art. 4(5) pseudonymisation).
//!
//! At the input edge ([`crate::pipeline::load_trial_with`]) the trial loses
//! everything that names the person: the subject name (C3D `SUBJECTS:NAMES` /
//! `SUBJECT:NAME`, a Vicon `Subject:` prefix, a manifest `name`), the subjects
//! of the file's events, and every file name and path (`metrics.json`
//! `source_files`, `static_file`, the notes that quote a file). The trial id,
//! and so the output folder, becomes `anon-` + 12 hex digits of
//! HMAC-SHA-256(key, id) (RFC 2104, FIPS 180-4): stable for a key, so that
//! repeated runs and several trials of one study line up, and not reversible
//! without the key. File names become `anon-<hex>.<ext>` the same way.
//! gaitline reads no birth date and no free-text description from any format
//! (C3D descriptions, Vicon Workstation `Notes:` preambles and MOT titles are
//! skipped by the readers), so none can reach an output.
//!
//! Without a key (`--anonymize-key`, else `GAITLINE_ANON_KEY`) the pseudonym
//! is a plain hash of the id: anyone who can guess a file name (a patient's
//! name and a trial number) can recompute it. Use a secret key.
//!
//! With `--anonymize`, side-car files found beside a trial's files
//! (dynamometer table, EMG channel map, MVC recording) are not looked up,
//! since the stages that read them would name them in the outputs.

use crate::error::Error;
use crate::group::TrialSpec;
use crate::pipeline::Outcome;
use crate::trial::Trial;
use std::path::{Path, PathBuf};

/// SHA-256 (FIPS 180-4) of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
        0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
        0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
        0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] =
        [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, c) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16].wrapping_add(s0).wrapping_add(w[i - 7]).wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let [a, b, c, d, e, f, g, hh] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[i]).wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (o, x) in out.chunks_exact_mut(4).zip(h) {
        o.copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// HMAC-SHA-256 (RFC 2104) of `msg` under `key`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&sha256(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(msg);
    let mut outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha256(&inner));
    sha256(&outer)
}

/// `s` with each occurrence of `from` that has no letter or digit right
/// before or after it replaced by `to`.
fn replace_words(s: &str, from: &str, to: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (i, _) in s.match_indices(from) {
        if i < last {
            continue;
        }
        let end = i + from.len();
        if word(s[..i].chars().next_back()) || word(s[end..].chars().next()) {
            continue;
        }
        out.push_str(&s[last..i]);
        out.push_str(to);
        last = end;
    }
    out.push_str(&s[last..]);
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// What `--anonymize` replaces a removed subject name with in text.
pub const REMOVED: &str = "[removed]";

/// The pseudonymiser of one run: its key, and whether one was given.
#[derive(Clone)]
pub struct Anonymizer {
    key: Vec<u8>,
    /// A secret key was given (`false`: pseudonyms are guessable hashes).
    pub keyed: bool,
}

impl std::fmt::Debug for Anonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Anonymizer").field("keyed", &self.keyed).finish_non_exhaustive()
    }
}

impl Anonymizer {
    /// A pseudonymiser with `key` (none or empty: unkeyed, see the module docs).
    pub fn new(key: Option<&str>) -> Anonymizer {
        let key = key.unwrap_or("").as_bytes().to_vec();
        Anonymizer { keyed: !key.is_empty(), key }
    }

    /// The pseudonym of a trial id: `anon-` and 12 hex digits of the HMAC.
    pub fn pseudonym(&self, id: &str) -> String {
        format!("anon-{}", hex(&hmac_sha256(&self.key, id.as_bytes())[..6]))
    }

    /// The pseudonym of a file: its name's pseudonym and its extension.
    pub fn file_pseudonym(&self, p: &Path) -> PathBuf {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = self.pseudonym(&name);
        match p.extension() {
            Some(e) => PathBuf::from(format!("{stem}.{}", e.to_string_lossy())),
            None => PathBuf::from(stem),
        }
    }

    /// Identifying strings of a trial and what replaces each, longest first
    /// (so that a full path is replaced before the file name inside it).
    fn secrets(&self, spec: &TrialSpec, names: &[String]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let files = spec.files.iter().chain(spec.static_file.as_ref());
        for f in files {
            let anon = self.file_pseudonym(f).display().to_string();
            out.push((f.display().to_string(), anon.clone()));
            if let Some(n) = f.file_name() {
                out.push((n.to_string_lossy().into_owned(), anon.clone()));
            }
            if let Some(s) = f.file_stem() {
                out.push((s.to_string_lossy().into_owned(), self.pseudonym(&s.to_string_lossy())));
            }
            if let Some(d) = f.parent().filter(|d| !d.as_os_str().is_empty()) {
                out.push((d.display().to_string(), "[folder]".into()));
            }
        }
        out.push((spec.id.clone(), self.pseudonym(&spec.id)));
        if let Some(f) = spec.files.first() {
            out.push((crate::group::group_key(f), self.pseudonym(&spec.id)));
        }
        for n in names {
            out.push((n.clone(), REMOVED.into()));
        }
        // Very short strings (`S`, `01`) would garble unrelated text.
        out.retain(|(s, _)| s.chars().count() >= 3);
        out.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    /// Replace every identifying string in `s` where it stands on its own
    /// (not inside a longer word: a file stem `walk` leaves "walking" alone).
    fn scrub_text(secrets: &[(String, String)], s: &str) -> String {
        let mut s = s.to_string();
        for (from, to) in secrets {
            if s.contains(from.as_str()) {
                s = replace_words(&s, from, to);
            }
        }
        s
    }

    /// Remove from a trial (and its static trial) the subject name, event
    /// subjects, file names and paths; the id becomes the pseudonym.
    pub fn scrub_trial(&self, t: &mut Trial, spec: &TrialSpec) {
        let mut names: Vec<String> = Vec::new();
        let mut collect = |t: &Trial| {
            names.extend(t.subject.name.iter().cloned());
            names.extend(t.file_events.iter().filter_map(|e| e.subject.clone()));
        };
        collect(t);
        if let Some(st) = &t.static_trial {
            collect(st);
        }
        let secrets = self.secrets(spec, &names);
        let pid = self.pseudonym(&spec.id);
        Self::scrub_one(&secrets, t, pid.clone(), self);
        if let Some(st) = t.static_trial.as_mut() {
            Self::scrub_one(&secrets, st, format!("{pid}-static"), self);
        }
        t.notes.push("anonymized: subject name, event subjects and file names removed; id is a pseudonym".into());
    }

    fn scrub_one(secrets: &[(String, String)], t: &mut Trial, id: String, a: &Anonymizer) {
        let sc = |s: &mut String| *s = Self::scrub_text(secrets, s);
        t.id = id;
        t.subject.name = None;
        t.source_files = t.source_files.iter().map(|f| a.file_pseudonym(f)).collect();
        for e in &mut t.file_events {
            e.subject = None;
        }
        t.notes.iter_mut().for_each(sc);
        t.dialects.iter_mut().for_each(sc);
        t.markers.iter_mut().for_each(|m| sc(&mut m.name));
        t.mapping.unmapped.iter_mut().for_each(sc);
        t.analogs.iter_mut().for_each(|c| sc(&mut c.name));
        t.reference.iter_mut().for_each(|r| sc(&mut r.name));
        t.analysis.iter_mut().for_each(|r| sc(&mut r.name));
        for p in &mut t.force_plates {
            p.channels.iter_mut().for_each(sc);
        }
        // Side-car files were found by the real names; only their paths
        // (in read errors and the MVC recording) can carry a name.
        let scrub_err = |e: &mut crate::error::ReadError| e.path = a.file_pseudonym(&e.path);
        let s = &mut t.sidecars;
        match s.dynamometer.as_mut() {
            Some(Ok(d)) => d.path = a.file_pseudonym(&d.path),
            Some(Err(e)) => scrub_err(e),
            None => {}
        }
        match s.channel_map.as_mut() {
            Some(Ok(m)) => m.path = a.file_pseudonym(&m.path),
            Some(Err(e)) => scrub_err(e),
            None => {}
        }
        match s.mvc.as_mut() {
            Some(Ok((p, _))) => *p = a.file_pseudonym(p),
            Some(Err(e)) => scrub_err(e),
            None => {}
        }
    }

    /// An error of one trial with the trial's identifying strings replaced.
    pub fn scrub_error(&self, e: &Error, spec: &TrialSpec) -> Error {
        Error::Other(Self::scrub_text(&self.secrets(spec, &[]), &e.to_string()))
    }

    /// A batch outcome as `--anonymize` reports it: pseudonymous id and
    /// files, errors scrubbed (rows of analysed trials are built from the
    /// scrubbed trial already).
    pub fn scrub_outcome(&self, o: &mut Outcome, spec: &TrialSpec) {
        o.id = self.pseudonym(&spec.id);
        o.files = o.files.iter().map(|f| self.file_pseudonym(f)).collect();
        if let Err(e) = &o.result {
            o.result = Err(self.scrub_error(e, spec));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_fips_180_vectors() {
        assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(hex(&sha256(b"")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(
            hex(&sha256(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn hmac_matches_rfc_4231_vectors() {
        // Test case 1 and 2, and case 6 (a key longer than the block).
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn names_are_replaced_as_whole_words_only() {
        assert_eq!(replace_words("walk.c3d: walking, walk", "walk", "X"), "X.c3d: walking, X");
        assert_eq!(replace_words("Jane Doe:LASI does", "Doe", "[removed]"), "Jane [removed]:LASI does");
        assert_eq!(replace_words("JaneDoe_walk01.c3d", "JaneDoe_walk01", "anon"), "anon.c3d");
        assert_eq!(replace_words("aaa", "aa", "b"), "aaa");
    }

    #[test]
    fn pseudonyms_are_stable_keyed_and_safe_as_paths() {
        let a = Anonymizer::new(Some("clinic secret"));
        let p = a.pseudonym("JaneDoe_walk01");
        assert_eq!(p, a.pseudonym("JaneDoe_walk01"));
        assert_ne!(p, Anonymizer::new(Some("other key")).pseudonym("JaneDoe_walk01"));
        assert_ne!(p, a.pseudonym("JaneDoe_walk02"));
        assert_eq!(p.len(), "anon-".len() + 12);
        assert_eq!(crate::group::safe_id(&p), p);
        assert!(a.keyed && !Anonymizer::new(None).keyed && !Anonymizer::new(Some("")).keyed);
        assert_eq!(
            a.file_pseudonym(Path::new("/data/Jane Doe/JaneDoe_walk01.c3d")).display().to_string(),
            format!("{}.c3d", a.pseudonym("JaneDoe_walk01.c3d"))
        );
        assert!(!format!("{a:?}").contains("clinic"), "the key is never printed");
    }
}
