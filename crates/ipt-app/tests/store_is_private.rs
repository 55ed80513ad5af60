//! The store is private to ipt-app: the doors (ipt-web, the `ipt` binary) reach storage only
//! through `App`'s use cases. The compiler enforces the field's privacy (the `compile_fail`
//! example on `App::seeding` proves it is so); this test keeps the one door past the use
//! cases, `App::seeding`, to the demo and the benchmarks, and the web crate off the `Store`
//! port altogether.

use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates/")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `(file, line number, line)` of each line of the files under `dirs` that contains `needle`.
fn occurrences(dirs: &[&str], needle: &str) -> Vec<(String, usize, String)> {
    let root = crates_dir();
    let mut found = vec![];
    for dir in dirs {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).expect("readable source");
            let name = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/");
            for (i, line) in text.lines().enumerate() {
                if line.contains(needle) {
                    found.push((name.clone(), i + 1, line.trim().to_string()));
                }
            }
        }
    }
    found
}

#[test]
fn the_seeding_door_is_used_by_the_demo_and_the_benchmarks_only() {
    let allowed = |file: &str| {
        file == "ipt/src/demo.rs"
            || file == "ipt/src/bench.rs"
            || file.starts_with("ipt/src/bench/")
    };
    let outside: Vec<_> = occurrences(&["ipt/src", "ipt/tests", "ipt-web"], "seeding(")
        .into_iter()
        .filter(|(file, _, _)| !allowed(file))
        .collect();
    assert!(
        outside.is_empty(),
        "App::seeding is for synthetic demo and benchmark data only; use a use case: {outside:#?}"
    );
    // The door is still there for them (a renamed door would leave this test checking nothing).
    assert!(!occurrences(&["ipt/src"], "seeding(").is_empty());
}

#[test]
fn the_web_crate_never_names_the_store() {
    let names_store = |line: &str| {
        line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "Store")
    };
    let found: Vec<_> = occurrences(&["ipt-web/src"], "Store")
        .into_iter()
        .filter(|(_, _, line)| names_store(line))
        .chain(occurrences(&["ipt-web/src"], "seeding("))
        .collect();
    assert!(
        found.is_empty(),
        "ipt-web reaches storage only through App's use cases: {found:#?}"
    );
}

#[test]
fn no_door_reads_an_apps_store_field() {
    // Belt and braces beside the compiler: `app.store` (or `.app` then `.store` on the next
    // line, as rustfmt breaks it) in the web crate or the binary.
    for dir in ["ipt-web/src", "ipt/src"] {
        let root = crates_dir().join(dir);
        for file in rust_files(&root) {
            let text = std::fs::read_to_string(&file).expect("readable source");
            let squashed: String = text.split_whitespace().collect();
            assert!(
                !squashed.contains("app.store.") && !squashed.contains(".app.store"),
                "{} reads App's store; call a use case instead",
                file.display()
            );
        }
    }
}
