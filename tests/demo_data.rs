//! The committed demo set in `data/` is exactly what `gaitline simulate --demo
//! data` writes today (regenerate it with that command after changing the
//! simulator).

use std::path::Path;

#[test]
fn data_folder_matches_the_simulator_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("gaitline-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = gaitline::simulate::write_demo(&dir).unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut committed: Vec<String> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n != "README.md")
        .collect();
    committed.sort();
    let mut written: Vec<String> =
        files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(committed, written, "data/ holds other files than the demo set: run `gaitline simulate --demo data`");
    for f in &files {
        let name = f.file_name().unwrap();
        assert!(
            std::fs::read(f).unwrap() == std::fs::read(data.join(name)).unwrap(),
            "data/{} differs from the simulator's output: run `gaitline simulate --demo data`",
            name.to_string_lossy()
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
