//! Fuzz the vicon_csv reader: any bytes give a recording or an error that names
//! the file; never a panic, a hang or an allocation the input cannot back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    if let Err(e) = gaitline::io::vicon_csv::read(path, data) {
        assert!(e.to_string().starts_with("fuzz.csv"), "error does not name the file: {e}");
    }
});
