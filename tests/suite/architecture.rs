//! The layers hold: the window and the command line reach data only through the service
//! layer, and the console program is built without window code.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The lines of `source` before its test module, without comments: what ships.
fn shipped_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source
        .lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(index, line)| (index + 1, line))
}

/// The places under `dir` whose shipped code names the store.
fn store_uses(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        let source = std::fs::read_to_string(&file).unwrap();
        for (number, line) in shipped_lines(&source) {
            if line.contains("store::") {
                found.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_window_names_no_store_function_or_type_outside_its_tests() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let found = store_uses(&ui);
    assert!(found.is_empty(), "the window must go through crate::service:\n{}", found.join("\n"));
}

#[test]
fn the_command_line_names_no_store_function_or_type_outside_its_tests() {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/closedesk-cli/src");
    let found = store_uses(&cli);
    assert!(found.is_empty(), "the command line must go through closedesk_engine::service:\n{}", found.join("\n"));
}

#[test]
fn the_scan_finds_a_store_import_where_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("screen.rs"), "use crate::store::accounts;\n#[cfg(test)]\nmod tests {}\n").unwrap();
    std::fs::write(dir.path().join("other.rs"), "// store:: in a comment\n#[cfg(test)]\nuse crate::store::x;\n")
        .unwrap();
    assert_eq!(store_uses(dir.path()).len(), 1);
}
