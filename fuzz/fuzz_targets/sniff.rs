//! Fuzz format sniffing and dispatch (`io::read_bytes` without a forced
//! format): the path every file takes in `gaitline analyze`.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

#[global_allocator]
static ALLOC: common::Counting = common::Counting;

fuzz_target!(|data: &[u8]| {
    let _ = gaitline::io::sniff(data);
    let path = Path::new("fuzz.dat");
    if let Err(e) = common::bounded(data, || gaitline::io::read_bytes(path, data, None)) {
        assert!(e.to_string().starts_with("fuzz.dat"), "error does not name the file: {e}");
    }
});
