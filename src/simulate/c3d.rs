//! C3D writer for simulated trials: Intel byte order, IEEE float (REAL) data.
//!
//! Layout after the C3D User Guide (c3d.org, "The C3D File Format User
//! Guide", Motion Lab Systems 2008), which `crate::io::c3d` reads:
//! - block 1, the header: word 1 = parameter block number (2) and key 0x50;
//!   words 2-5 points, analog samples per frame (all channels), first and
//!   last frame; word 6 max interpolation gap; words 7-8 `POINT:SCALE`
//!   (negative = float data); word 9 data start block; word 10 analog samples
//!   per frame per channel; words 11-12 frame rate; word 150 = 12345 (4-char
//!   event labels) and no header events (the `EVENT` group holds them);
//! - the parameter section from block 2: a 4-byte header (`1, 0x50`, block
//!   count, processor 84 = Intel) then group records (negative id) and
//!   parameter records (type -1 char, 2 int16, 4 float; dimensions; data;
//!   description), each with the offset to the next record, the last 0;
//! - data from `POINT:DATA_START`: per frame, X Y Z and residual (float) of
//!   every point, in mm, residual -1 for a gap; then the analog samples,
//!   sample by sample, all channels each (scale 1, offset 0, so the stored
//!   floats are the values in the channel units).
//!
//! Groups written: `POINT` (USED, FRAMES, SCALE, RATE, DATA_START, LABELS,
//! DESCRIPTIONS, UNITS "mm"), `ANALOG` (USED, LABELS, DESCRIPTIONS, SCALE,
//! OFFSET, GEN_SCALE, UNITS, RATE), `FORCE_PLATFORM` (USED, TYPE 2, ZERO,
//! CORNERS and ORIGIN in mm, CHANNEL: Fx Fy Fz Mx My Mz, 1-based),
//! `EVENT` (USED, CONTEXTS, LABELS, DESCRIPTIONS, SUBJECTS, ICON_IDS,
//! GENERIC_FLAGS, TIMES as minutes/seconds pairs), `SUBJECTS` (USED, NAMES,
//! LABEL_PREFIXES, IS_STATIC), `PROCESSING` (Vicon's Plug-in Gait subject
//! parameters: Bodymass kg, Height mm, LegLength, KneeWidth, AnkleWidth
//! (each also L/R), InterAsisDistance, MarkerDiameter mm) and `TRIAL`
//! (ACTUAL_START_FIELD, ACTUAL_END_FIELD as low/high words, CAMERA_RATE).
//!
//! Force plates: the simulator's channels are the force on the plate and its
//! moment about the plate's top-centre in the *lab* frame, so `ORIGIN` is 0
//! and the corners are the lab corners; COP channels are not written (C3D
//! readers derive COP from force and moment). Forces in N, moments in N.mm
//! (as Vicon writes them), EMG in V. Char arrays hold at most 255 entries
//! (one dimension byte), so at most 255 events are written.

use super::SimTrial;
use crate::model::{ChannelKind, EventKind, Side};

const BLOCK: usize = 512;

/// Parameter section under construction (Intel byte order).
struct Params {
    buf: Vec<u8>,
    /// Position of the last record's next-offset word, to zero it at the end.
    last_next: usize,
}

enum Val<'a> {
    Ints(&'a [i16]),
    /// Unsigned 16-bit words (counts and frame numbers above 32767).
    Words(&'a [u16]),
    Floats(&'a [f32]),
    Strs(&'a [String]),
}

impl Params {
    fn new() -> Params {
        Params { buf: Vec::new(), last_next: 0 }
    }
    fn group(&mut self, id: i8, name: &str, desc: &str) {
        self.buf.push(name.len() as u8);
        self.buf.push((-id) as u8);
        self.buf.extend(name.as_bytes());
        let next = 2 + 1 + desc.len();
        self.last_next = self.buf.len();
        self.buf.extend((next as i16).to_le_bytes());
        self.buf.push(desc.len() as u8);
        self.buf.extend(desc.as_bytes());
    }
    /// A parameter; single numbers are written as scalars (no dimensions).
    fn param(&mut self, id: i8, name: &str, v: Val, desc: &str) {
        let (kind, dims, data): (i8, Vec<u8>, Vec<u8>) = match v {
            Val::Ints(x) => (2, dims1(x.len()), x.iter().flat_map(|a| a.to_le_bytes()).collect()),
            Val::Words(x) => (2, dims1(x.len()), x.iter().flat_map(|a| a.to_le_bytes()).collect()),
            Val::Floats(x) => (4, dims1(x.len()), x.iter().flat_map(|a| a.to_le_bytes()).collect()),
            Val::Strs(x) => {
                let w = x.iter().map(|s| s.len()).max().unwrap_or(0).max(1);
                let mut d = Vec::with_capacity(w * x.len());
                for s in x {
                    d.extend(s.as_bytes());
                    d.extend(std::iter::repeat_n(b' ', w - s.len()));
                }
                (-1, vec![w as u8, x.len() as u8], d)
            }
        };
        self.buf.push(name.len() as u8);
        self.buf.push(id as u8);
        self.buf.extend(name.as_bytes());
        let next = 2 + 2 + dims.len() + data.len() + 1 + desc.len();
        self.last_next = self.buf.len();
        self.buf.extend((next as i16).to_le_bytes());
        self.buf.push(kind as u8);
        self.buf.push(dims.len() as u8);
        self.buf.extend(&dims);
        self.buf.extend(&data);
        self.buf.push(desc.len() as u8);
        self.buf.extend(desc.as_bytes());
    }
    fn floats(&mut self, id: i8, name: &str, v: &[f64], desc: &str) {
        let f: Vec<f32> = v.iter().map(|&x| x as f32).collect();
        self.param(id, name, Val::Floats(&f), desc);
    }
    fn strs(&mut self, id: i8, name: &str, v: &[String], desc: &str) {
        self.param(id, name, Val::Strs(v), desc);
    }
    fn str1(&mut self, id: i8, name: &str, v: &str, desc: &str) {
        self.param(id, name, Val::Strs(&[v.to_string()]), desc);
    }
    fn int(&mut self, id: i8, name: &str, v: i16, desc: &str) {
        self.param(id, name, Val::Ints(&[v]), desc);
    }
}

fn dims1(n: usize) -> Vec<u8> {
    if n == 1 { Vec::new() } else { vec![n as u8] }
}

/// Strings cut to what a C3D label holds (ASCII, 255 bytes).
fn label(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii() && !c.is_ascii_control()).take(255).collect()
}

/// Encode a simulated trial as a C3D file (Intel, float).
pub fn c3d(t: &SimTrial) -> Vec<u8> {
    let n = t.frames;
    let ratio = (t.config.analog_rate_hz / t.rate_hz).round().max(1.0) as usize;
    // Analog channels: force plates (Fx Fy Fz Mx My Mz each), then EMG.
    let find = |name: &str| t.analogs.iter().find(|c| c.name == name);
    let mut chans: Vec<(String, &'static str, f64, &[f64])> = Vec::new();
    let mut plate_channels: Vec<Vec<u16>> = Vec::new();
    for fp in &t.force_plates {
        let mut nums = Vec::new();
        for ch in fp.channels.iter().take(6) {
            let Some(c) = find(ch) else { continue };
            let (unit, f) = if c.unit == "N.m" { ("Nmm", 1000.0) } else { ("N", 1.0) };
            chans.push((c.name.clone(), unit, f, &c.data));
            nums.push(chans.len() as u16);
        }
        plate_channels.push(nums);
    }
    for c in t.analogs.iter().filter(|c| c.kind == ChannelKind::Emg) {
        chans.push((c.name.clone(), "V", 1.0, &c.data));
    }
    let nch = chans.len();
    let spf = if nch > 0 { ratio } else { 0 };

    let mut p = Params::new();
    // POINT
    p.group(1, "POINT", "3-D point parameters");
    p.int(1, "USED", t.markers.len() as i16, "Number of points");
    if n <= u16::MAX as usize {
        p.param(1, "FRAMES", Val::Words(&[n as u16]), "Number of frames");
    } else {
        p.param(1, "FRAMES", Val::Floats(&[n as f32]), "Number of frames");
    }
    p.floats(1, "SCALE", &[-1.0], "3-D scale factor (negative: float data)");
    p.floats(1, "RATE", &[t.rate_hz], "3-D frame rate (Hz)");
    let data_start_at = p.buf.len();
    p.int(1, "DATA_START", 0, "Data start block"); // patched below
    let names: Vec<String> = t.markers.iter().map(|m| label(&m.name)).collect();
    p.strs(1, "LABELS", &names, "Point labels");
    let descs: Vec<String> = t.markers.iter().map(|_| "marker".to_string()).collect();
    p.strs(1, "DESCRIPTIONS", &descs, "Point descriptions");
    p.str1(1, "UNITS", "mm", "Point units");
    // ANALOG
    p.group(2, "ANALOG", "Analog data parameters");
    p.int(2, "USED", nch as i16, "Number of analog channels");
    let a_names: Vec<String> = chans.iter().map(|c| label(&c.0)).collect();
    p.strs(2, "LABELS", &a_names, "Channel labels");
    let a_desc: Vec<String> =
        chans.iter().map(|c| if c.2 == 1000.0 || c.1 == "N" { "force plate" } else { "EMG" }.to_string()).collect();
    p.strs(2, "DESCRIPTIONS", &a_desc, "Channel descriptions");
    p.floats(2, "SCALE", &vec![1.0; nch], "Channel scale factors");
    p.param(2, "OFFSET", Val::Ints(&vec![0; nch]), "Channel offsets");
    p.floats(2, "GEN_SCALE", &[1.0], "General scale factor");
    let units: Vec<String> = chans.iter().map(|c| c.1.to_string()).collect();
    p.strs(2, "UNITS", &units, "Channel units");
    p.floats(2, "RATE", &[if nch > 0 { t.config.analog_rate_hz } else { t.rate_hz }], "Analog rate (Hz)");
    // FORCE_PLATFORM
    let np = t.force_plates.len();
    p.group(3, "FORCE_PLATFORM", "Force platforms");
    p.int(3, "USED", np as i16, "Number of force plates");
    p.param(3, "TYPE", Val::Ints(&vec![2; np]), "Plate types");
    p.param(3, "ZERO", Val::Ints(&[1, 0]), "Baseline frames");
    let corners: Vec<f32> =
        t.force_plates.iter().flat_map(|fp| fp.corners.iter().flatten().map(|v| (v * 1000.0) as f32)).collect();
    let origins: Vec<f32> =
        t.force_plates.iter().flat_map(|fp| fp.origin.iter().map(|v| (v * 1000.0) as f32)).collect();
    let chan: Vec<i16> = plate_channels.iter().flatten().map(|&c| c as i16).collect();
    p.param_nd(3, "CORNERS", &[3, 4, np as u8], &corners, "Plate corners (lab, mm)");
    p.param_nd(3, "ORIGIN", &[3, np as u8], &origins, "Sensor origin from plate centre (mm)");
    p.param_nd_i16(3, "CHANNEL", &[6, np as u8], &chan, "Analog channels Fx Fy Fz Mx My Mz");
    // EVENT
    let ev: Vec<_> = t.events.iter().take(255).collect();
    p.group(4, "EVENT", "Events");
    p.int(4, "USED", ev.len() as i16, "Number of events");
    let ctx: Vec<String> = ev
        .iter()
        .map(|e| match e.side {
            Some(Side::Left) => "Left",
            Some(Side::Right) => "Right",
            None => "General",
        })
        .map(String::from)
        .collect();
    p.strs(4, "CONTEXTS", &ctx, "Event contexts");
    let lab: Vec<String> = ev
        .iter()
        .map(|e| match &e.kind {
            EventKind::FootStrike => "Foot Strike".to_string(),
            EventKind::FootOff => "Foot Off".to_string(),
            EventKind::Other(s) => label(s),
        })
        .collect();
    p.strs(4, "LABELS", &lab, "Event labels");
    let edesc: Vec<String> = ev
        .iter()
        .map(|e| match e.kind {
            EventKind::FootStrike => "The instant the heel strikes the ground",
            EventKind::FootOff => "The instant the toe leaves the ground",
            EventKind::Other(_) => "",
        })
        .map(String::from)
        .collect();
    p.strs(4, "DESCRIPTIONS", &edesc, "Event descriptions");
    let subj = label(&t.config.subject);
    p.strs(4, "SUBJECTS", &vec![subj.clone(); ev.len()], "Event subjects");
    let icons: Vec<i16> = ev.iter().map(|e| if e.kind == EventKind::FootStrike { 1 } else { 2 }).collect();
    p.param(4, "ICON_IDS", Val::Ints(&icons), "Event icons");
    p.param(4, "GENERIC_FLAGS", Val::Ints(&vec![0; ev.len()]), "Generic event flags");
    let times: Vec<f32> = ev
        .iter()
        .flat_map(|e| {
            let m = (e.time_s / 60.0).floor();
            [m as f32, (e.time_s - 60.0 * m) as f32]
        })
        .collect();
    p.param_nd(4, "TIMES", &[2, ev.len() as u8], &times, "Event times (minutes, seconds)");
    // SUBJECTS
    p.group(5, "SUBJECTS", "Subjects");
    p.int(5, "USED", 1, "Number of subjects");
    p.strs(5, "NAMES", std::slice::from_ref(&subj), "Subject names");
    p.strs(5, "LABEL_PREFIXES", &[String::new()], "Label prefixes");
    p.int(5, "IS_STATIC", t.is_static as i16, "Static trial");
    // PROCESSING (Vicon Plug-in Gait subject measurements)
    let s = &t.truth.subject;
    p.group(6, "PROCESSING", "Subject measurements");
    p.floats(6, "Bodymass", &[s.mass_kg], "kg");
    p.floats(6, "Height", &[s.height_m * 1000.0], "mm");
    for (base, v) in [("LegLength", s.leg_length_mm), ("KneeWidth", s.knee_width_mm), ("AnkleWidth", s.ankle_width_mm)]
    {
        p.floats(6, base, &[v], "mm");
        p.floats(6, &format!("L{base}"), &[v], "mm");
        p.floats(6, &format!("R{base}"), &[v], "mm");
    }
    p.floats(6, "InterAsisDistance", &[s.inter_asis_mm], "mm");
    p.floats(6, "MarkerDiameter", &[s.marker_diameter_mm], "mm");
    // TRIAL
    p.group(7, "TRIAL", "Trial");
    let end = n.max(1) as u32;
    p.param(7, "ACTUAL_START_FIELD", Val::Words(&[1, 0]), "First frame (low, high word)");
    p.param(7, "ACTUAL_END_FIELD", Val::Words(&[end as u16, (end >> 16) as u16]), "Last frame (low, high word)");
    p.floats(7, "CAMERA_RATE", &[t.rate_hz], "Hz");
    // Terminate the chain and pad to whole blocks.
    let ln = p.last_next;
    p.buf[ln..ln + 2].copy_from_slice(&0i16.to_le_bytes());
    let param_blocks = (4 + p.buf.len()).div_ceil(BLOCK);
    let data_start = 2 + param_blocks;
    // Patch DATA_START: its data follows name, offset word, type, dims count.
    let ds = data_start_at + 2 + "DATA_START".len() + 2 + 2;
    p.buf[ds..ds + 2].copy_from_slice(&(data_start as u16).to_le_bytes());

    let frame_bytes = 16 * t.markers.len() + 4 * nch * spf;
    let mut out = vec![0u8; BLOCK * (1 + param_blocks)];
    out.reserve(frame_bytes * n);
    // Header.
    let w = |out: &mut Vec<u8>, word: usize, v: u16| out[(word - 1) * 2..word * 2].copy_from_slice(&v.to_le_bytes());
    out[0] = 2;
    out[1] = 0x50;
    w(&mut out, 2, t.markers.len() as u16);
    w(&mut out, 3, (nch * spf) as u16);
    w(&mut out, 4, 1);
    w(&mut out, 5, n.min(u16::MAX as usize) as u16);
    w(&mut out, 6, 10);
    out[12..16].copy_from_slice(&(-1.0f32).to_le_bytes());
    w(&mut out, 9, data_start as u16);
    w(&mut out, 10, spf as u16);
    out[20..24].copy_from_slice(&(t.rate_hz as f32).to_le_bytes());
    w(&mut out, 150, 12345);
    // Parameter section.
    let ps = BLOCK;
    out[ps..ps + 4].copy_from_slice(&[1, 0x50, param_blocks as u8, 84]);
    out[ps + 4..ps + 4 + p.buf.len()].copy_from_slice(&p.buf);
    // Data.
    let put = |out: &mut Vec<u8>, v: f32| out.extend_from_slice(&v.to_le_bytes());
    for i in 0..n {
        for m in &t.markers {
            let q = m.xyz[i];
            if q.iter().all(|c| c.is_finite()) {
                for c in q {
                    put(&mut out, (c * 1000.0) as f32);
                }
                put(&mut out, 0.0);
            } else {
                for _ in 0..3 {
                    put(&mut out, 0.0);
                }
                put(&mut out, -1.0);
            }
        }
        for k in 0..spf {
            for (_, _, f, d) in &chans {
                put(&mut out, (d.get(i * spf + k).copied().unwrap_or(0.0) * f) as f32);
            }
        }
    }
    out
}

impl Params {
    /// A float array with explicit dimensions.
    fn param_nd(&mut self, id: i8, name: &str, dims: &[u8], v: &[f32], desc: &str) {
        self.raw(id, name, 4, dims, &v.iter().flat_map(|a| a.to_le_bytes()).collect::<Vec<_>>(), desc);
    }
    /// An int16 array with explicit dimensions.
    fn param_nd_i16(&mut self, id: i8, name: &str, dims: &[u8], v: &[i16], desc: &str) {
        self.raw(id, name, 2, dims, &v.iter().flat_map(|a| a.to_le_bytes()).collect::<Vec<_>>(), desc);
    }
    fn raw(&mut self, id: i8, name: &str, kind: i8, dims: &[u8], data: &[u8], desc: &str) {
        self.buf.push(name.len() as u8);
        self.buf.push(id as u8);
        self.buf.extend(name.as_bytes());
        let next = 2 + 2 + dims.len() + data.len() + 1 + desc.len();
        self.last_next = self.buf.len();
        self.buf.extend((next as i16).to_le_bytes());
        self.buf.push(kind as u8);
        self.buf.push(dims.len() as u8);
        self.buf.extend(dims);
        self.buf.extend(data);
        self.buf.push(desc.len() as u8);
        self.buf.extend(desc.as_bytes());
    }
}
