//! Fuzz the delimited reader: any bytes give a recording or an error that names
//! the file; never a panic, a hang, or more memory than the input can back.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::path::Path;

#[global_allocator]
static ALLOC: common::Counting = common::Counting;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.txt");
    if let Err(e) = common::bounded(data, || gaitline::io::delimited::read(path, data)) {
        assert!(e.to_string().starts_with("fuzz.txt"), "error does not name the file: {e}");
    }
});
