//! The layers hold: the window and the command line reach data only through the service
//! layer, the window's modules import each other without a circle, and the console program is
//! built without window code.

use std::collections::{BTreeMap, BTreeSet};
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

/// The modules of the tree under `dir`, named by their path in it (`agent_desk::logic`; a
/// folder's `mod.rs` is the folder), each with its file. The root's own `mod.rs` is left out.
fn modules(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    for file in rust_files(dir) {
        let relative = file.strip_prefix(dir).unwrap().with_extension("");
        let mut parts: Vec<String> =
            relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|last| last == "mod") {
            parts.pop();
        }
        if !parts.is_empty() {
            found.insert(parts.join("::"), file);
        }
    }
    found
}

/// Every path that starts at `start` in `text` (`crate::ui::`, `super::`, `self::`), with its
/// `{…}` groups expanded: `super::{a, b::{c, d}}` gives `super::a`, `super::b::c`, `super::b::d`.
fn paths_from(text: &str, start: usize) -> Vec<String> {
    let mut depth = 0usize;
    let mut end = start;
    for (offset, ch) in text[start..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ch if ch.is_alphanumeric() || matches!(ch, '_' | ':' | '*') => {}
            ',' | ' ' | '\n' | '\t' if depth > 0 => {}
            _ => break,
        }
        end = start + offset + ch.len_utf8();
    }
    expand(&text[start..end])
}

/// `a::{b, c::{d}}` as `a::b` and `a::c::d`.
fn expand(path: &str) -> Vec<String> {
    let path: String = path.chars().filter(|ch| !ch.is_whitespace()).collect();
    let Some(open) = path.find('{') else {
        return vec![path.trim_end_matches(':').to_owned()];
    };
    let (head, body) = (&path[..open], &path[open + 1..path.rfind('}').unwrap_or(path.len())]);
    let mut items = Vec::new();
    let (mut depth, mut item) = (0, String::new());
    for ch in body.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(ch);
    }
    items.push(item);
    items
        .into_iter()
        .filter(|item| !item.is_empty())
        .flat_map(|item| {
            if item == "self" { vec![head.trim_end_matches(':').to_owned()] } else { expand(&format!("{head}{item}")) }
        })
        .collect()
}

/// The module of `known` that `path`, named in module `from`, leads to: the longest one its
/// segments spell. Paths outside the tree (`crate::core::…`, `egui::…`) lead nowhere.
fn resolve(known: &BTreeMap<String, PathBuf>, from: &str, path: &str) -> Option<String> {
    let mut segments: Vec<&str> = path.split("::").filter(|segment| !segment.is_empty()).collect();
    let mut base: Vec<&str> = if from.is_empty() { Vec::new() } else { from.split("::").collect() };
    match segments.first() {
        Some(&"crate") if segments.get(1) == Some(&"ui") => {
            base.clear();
            segments.drain(..2);
        }
        Some(&"super") => {
            while segments.first() == Some(&"super") {
                base.pop();
                segments.remove(0);
            }
        }
        Some(&"self") => {
            segments.remove(0);
        }
        _ => return None,
    }
    (0..=segments.len())
        .rev()
        .map(|take| [&base[..], &segments[..take]].concat().join("::"))
        .find(|name| known.contains_key(name))
}

/// Which modules of the tree under `dir` each module's shipped code names, through
/// `crate::ui::…`, `super::…` or `self::…` paths. A parent naming its own children by their
/// bare names (`mod rows; pub use rows::TableState;`) is the tree itself, not an import.
fn ui_imports(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let known = modules(dir);
    let mut graph = BTreeMap::new();
    for (name, file) in &known {
        let source = std::fs::read_to_string(file).unwrap();
        let shipped = shipped_lines(&source).map(|(_, line)| line).collect::<Vec<_>>().join("\n");
        let mut named = BTreeSet::new();
        for prefix in ["crate::ui::", "super::", "self::"] {
            for (start, _) in shipped.match_indices(prefix) {
                let before = shipped[..start].chars().next_back();
                if before.is_some_and(|ch| ch.is_alphanumeric() || ch == '_' || ch == ':') {
                    continue;
                }
                for path in paths_from(&shipped, start) {
                    if let Some(target) = resolve(&known, name, &path).filter(|target| target != name) {
                        named.insert(target);
                    }
                }
            }
        }
        graph.insert(name.clone(), named);
    }
    graph
}

/// The circles of `graph`: each set of two or more modules that reach one another.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<&String> = graph[from].iter().collect();
        while let Some(next) = pending.pop() {
            if seen.insert(next.clone()) {
                pending.extend(graph.get(next).into_iter().flatten());
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|name| (name, reach(name))).collect();
    let mut found: Vec<BTreeSet<String>> = Vec::new();
    for (name, from_here) in &reached {
        if !from_here.contains(*name) || found.iter().any(|circle| circle.contains(*name)) {
            continue;
        }
        let circle = from_here.iter().filter(|other| reached[other].contains(*name)).cloned().collect();
        found.push(circle);
    }
    found
}

#[test]
fn the_windows_modules_import_each_other_without_a_circle() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let graph = ui_imports(&ui);
    assert!(graph.len() > 50 && graph.contains_key("agent_desk::logic"), "the scan sees the modules: {graph:?}");
    assert!(graph["app"].contains("agent_desk::logic"), "the scan sees imports: {:?}", graph["app"]);
    let found = circles(&graph);
    assert!(found.is_empty(), "modules of ui/ that import each other in a circle: {found:?}");
    // Nor in a circle of folders: a capability (customer, agent_desk, operations, …) does not
    // import one that imports it back.
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, named) in &graph {
        let top = |name: &str| name.split("::").next().unwrap_or_default().to_owned();
        let entry = folders.entry(top(name)).or_default();
        entry.extend(named.iter().map(|target| top(target)).filter(|target| *target != top(name)));
    }
    for targets in folders.clone().into_values() {
        for target in targets {
            folders.entry(target).or_default();
        }
    }
    let found = circles(&folders);
    assert!(found.is_empty(), "folders of ui/ that import each other in a circle: {found:?}");
}

#[test]
fn the_import_scan_finds_a_circle_where_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("feature")).unwrap();
    std::fs::write(dir.path().join("feature/mod.rs"), "pub mod view;\npub mod logic;\n").unwrap();
    std::fs::write(dir.path().join("feature/view.rs"), "use super::logic::Command;\n").unwrap();
    // Through a group, and over two levels.
    std::fs::write(
        dir.path().join("feature/logic.rs"),
        "use crate::ui::{theme, feature::{view::View}};\n#[cfg(test)]\nuse crate::ui::app;\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("theme.rs"), "// crate::ui::app in a comment\npub fn x() {}\n").unwrap();
    std::fs::write(dir.path().join("app.rs"), "use crate::ui::feature::view;\n").unwrap();

    let graph = ui_imports(dir.path());
    assert_eq!(graph["feature::logic"], BTreeSet::from(["theme".to_owned(), "feature::view".to_owned()]));
    assert!(graph["theme"].is_empty(), "comments and tests do not count: {graph:?}");
    let found = circles(&graph);
    assert_eq!(found, [BTreeSet::from(["feature::logic".to_owned(), "feature::view".to_owned()])]);

    std::fs::write(dir.path().join("feature/logic.rs"), "use crate::ui::theme;\n").unwrap();
    assert!(circles(&ui_imports(dir.path())).is_empty());
}
