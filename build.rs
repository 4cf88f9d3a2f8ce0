//! Embeds every `lang/*.toml` string file in the binary, so that a new report
//! language is a file dropped into `lang/`, not a code change.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("lang");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> =
        fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut src = String::from("/// (language code from the file name, file contents), sorted by code.\n");
    src.push_str("pub static LANG_FILES: &[(&str, &str)] = &[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let code = p.file_stem().unwrap().to_string_lossy();
        src.push_str(&format!("    ({code:?}, include_str!({:?})),\n", p.display().to_string()));
    }
    src.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("langs.rs"), src).unwrap();
}
