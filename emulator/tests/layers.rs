//! The emulator's layering, read from its sources: the model imports neither the HTTP layer nor
//! the command line nor any HTTP or CLI crate, and no module imports, through any chain of
//! `crate::` paths, one that imports it back. Run with `--nocapture` to print the module graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` but the binary, as (module path, text).
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut map = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap_or(&file).with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let name = parts.join("::");
        // Test files included with #[path] belong to the module they test.
        if name == "main" || name.ends_with("_tests") {
            continue;
        }
        // Comments may name other layers; only code counts.
        let text: String = std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .map(|line| format!("{line}\n"))
            .collect();
        map.insert(
            if name == "lib" {
                "crate".to_owned()
            } else {
                name
            },
            text,
        );
    }
    map
}

/// The modules a source text names through `crate::` paths (`use` lines, groups, inline paths),
/// each resolved to the longest known module prefix.
fn imports(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{'))
            .unwrap_or(rest.len());
        let path = &rest[..end];
        let (prefix, group) = match path.split_once('{') {
            Some((prefix, _)) => {
                let close = rest.find('}').unwrap_or(rest.len());
                let inside = rest.get(prefix.len() + 1..close).unwrap_or("");
                (prefix.trim_end_matches("::"), Some(inside))
            }
            None => (path.trim_end_matches("::"), None),
        };
        let mut candidates: Vec<String> = Vec::new();
        if group.is_none() {
            candidates.push(prefix.to_owned());
        }
        if let Some(inside) = group {
            for item in inside.split(',') {
                let item = item.split_whitespace().next().unwrap_or("");
                let item = item.trim_end_matches("::").split("::").next().unwrap_or("");
                if item.is_empty() {
                    continue;
                }
                candidates.push(if item == "self" {
                    prefix.to_owned()
                } else {
                    format!("{prefix}::{item}")
                });
            }
        }
        for candidate in candidates {
            let segments: Vec<&str> = candidate.split("::").collect();
            let module = (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|m| known.contains(m));
            if let Some(module) = module {
                out.insert(module);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .iter()
        .map(|(name, text)| {
            let mut deps = imports(text, &known);
            deps.remove(name);
            (name.clone(), deps)
        })
        .collect()
}

#[test]
fn the_model_knows_nothing_of_http_or_the_command_line() {
    for (name, text) in modules() {
        if !(name == "model" || name.starts_with("model::")) {
            continue;
        }
        for word in [
            "axum",
            "clap",
            "tokio",
            "tower",
            "hyper",
            "crate::http",
            "crate::cli",
        ] {
            assert!(
                !text.contains(word),
                "{name} mentions {word}: the model is plain Rust"
            );
        }
    }
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    for (name, deps) in &graph {
        println!(
            "{name} -> {}",
            deps.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(
        graph.len() > 30,
        "the walk found the sources: {}",
        graph.len()
    );
    // Depth-first search with colours: grey = on the current path.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(1) => {
                let start = path.iter().position(|p| p == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            Some(_) => return None,
            None => {}
        }
        state.insert(node.to_owned(), 1);
        path.push(node.to_owned());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for name in graph.keys() {
        let cycle = visit(name, &graph, &mut state, &mut Vec::new());
        assert!(
            cycle.is_none(),
            "import circle: {}",
            cycle.unwrap_or_default().join(" -> ")
        );
    }
}

#[test]
fn the_graph_reader_sees_groups_and_cycles() {
    let known: BTreeSet<String> = ["a", "a::b", "a::c", "d"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = "use crate::a::{b::X, c};\nfn f() { crate::d::g(); }";
    let got: Vec<String> = imports(text, &known).into_iter().collect();
    assert_eq!(got, ["a::b", "a::c", "d"]);
    let got: Vec<String> = imports("use crate::a::{self, Y};", &known)
        .into_iter()
        .collect();
    assert_eq!(got, ["a"]);
}
