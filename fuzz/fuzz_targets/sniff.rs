//! Fuzz format sniffing and dispatch (`io::read_bytes` without a forced
//! format): the path every file takes in `gaitline analyze`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = gaitline::io::sniff(data);
    let path = Path::new("fuzz.dat");
    if let Err(e) = gaitline::io::read_bytes(path, data, None) {
        assert!(e.to_string().starts_with("fuzz.dat"), "error does not name the file: {e}");
    }
});
