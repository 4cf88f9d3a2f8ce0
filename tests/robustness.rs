//! No input makes a reader panic or hang: every real file truncated at many
//! offsets, and with bytes overwritten, either reads or gives a positioned
//! error.

mod common;

use gaitline::io::read_bytes;
use std::path::Path;

const FILES: [&str; 12] = [
    "btkdata/C3DSamples__PiG__PiG_Motion-FlatFoot-Full.c3d",
    "btkdata/C3DSamples__c3d.org__sample01__Eb015pi.c3d",
    "btkdata/C3DSamples__others__1123x01EMG.c3d",
    "vicon-nexus-csv/PiG_Motion-FlatFoot-Full.csv",
    "pycgm-cadop/ROM__Sample_Static.csv",
    "opensim-models/Gait2392_Simbody__subject01_walk1.trc",
    "opensim-models/Gait2392_Simbody__subject01_walk1_grf.mot",
    "opensim-models/Hamner__subject02_running_grf.mot",
    "opensim-models/Rajagopal__ExpData__emg_walk_raw.anc",
    "rbds-fukuchi-running/RBDS0041runT252forces.txt",
    "rbds-fukuchi-running/RBDS0041processed.txt",
    "pycgm-cadop/Test_Files__Movement_trial.csv",
];

/// A small deterministic generator (SplitMix64) for mutation offsets.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn check(path: &Path, bytes: &[u8], what: &str) {
    let r = std::panic::catch_unwind(|| read_bytes(path, bytes, None));
    match r {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            let msg = e.to_string();
            assert!(msg.starts_with(&path.display().to_string()), "{what}: error does not name the file: {msg}");
        }
        Err(_) => panic!("{what}: reader panicked"),
    }
}

#[test]
fn truncated_and_mutated_real_files_never_panic() {
    for rel in FILES {
        let Some(p) = common::data_file(rel) else { return };
        let bytes = std::fs::read(&p).unwrap();
        let n = bytes.len();
        // 60 truncation points spread over the file, plus the first 600 bytes densely.
        let mut cuts: Vec<usize> = (0..60).map(|i| i * n / 60).collect();
        cuts.extend((0..600).step_by(7));
        for cut in cuts.into_iter().filter(|&c| c < n) {
            check(&p, &bytes[..cut], &format!("{rel} cut at {cut}"));
        }
        // 150 mutations: a run of 1-8 bytes overwritten with random values,
        // half of them in the first 2 KB where headers and parameters live.
        let mut s = 0x5EED ^ n as u64;
        for k in 0..150 {
            let mut b = bytes.clone();
            let span = if k % 2 == 0 { n.min(2048) } else { n };
            let at = (splitmix(&mut s) as usize) % span;
            let len = 1 + (splitmix(&mut s) as usize) % 8;
            for byte in b.iter_mut().skip(at).take(len) {
                *byte = splitmix(&mut s) as u8;
            }
            check(&p, &b, &format!("{rel} mutated at {at}+{len}"));
        }
    }
}
