//! Generates the models, and the models with the axum server and the client, of every fixture
//! document with `oapi_gen::build`, the way a user's build script does, plus the serde
//! round-trip tests of their examples.
//!
//! Fixture documents are the `.yaml` and `.json` files under `fixtures/`, except those
//! under `invalid/` (bad input, tested for their errors), `fastapi/` (the app that
//! exports a fixture) and any `common/` directory (files reached only by `$ref`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let fixtures = Path::new("../fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut documents = Vec::new();
    collect(fixtures, &mut documents);
    documents.sort();

    let mut list = String::new();
    let mut modules = String::new();
    let mut roundtrips = String::new();
    for path in &documents {
        let relative = path.strip_prefix(fixtures).expect("under fixtures");
        let module = module_name(relative);
        for (file, server) in [(module.clone(), false), (format!("{module}_server"), true)] {
            oapi_gen::build::Builder::new(path)
                .out_dir(&out_dir)
                .file_name(format!("{file}.rs"))
                .server(server)
                .client(server)
                .generate()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            writeln!(list, "{file}\t{}\t{server}", relative.display()).unwrap();
            writeln!(
                modules,
                "#[allow(missing_docs)]\npub mod {file} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{file}.rs\"));\n}}"
            )
            .unwrap();
        }
        let spec = oapi_gen::Spec::load(path).expect("loaded once already");
        let mut checks = String::new();
        // The examples of the real-world documents are not all valid (see
        // fixtures/SOURCES.md); only the documents written for these tests are checked.
        let defs = if relative.starts_with("realistic") {
            &[][..]
        } else {
            &spec.api.types.defs[..]
        };
        for def in defs {
            let ty = format!("oapi_gen_tests::fixtures::{module}::{}", def.name);
            let ty = if def.nullable {
                format!("Option<{ty}>")
            } else {
                ty
            };
            for example in &def.examples {
                let json = serde_json::to_string(example).expect("JSON");
                // The approximated types of `warnings/` must also keep every example
                // as it was: nothing dropped, nothing retyped.
                let check = if relative.starts_with("warnings") {
                    "check_lossless"
                } else {
                    "check"
                };
                writeln!(
                    checks,
                    "    {check}::<{ty}>({name:?}, {json:?}, &mut failures);",
                    name = def.name
                )
                .unwrap();
            }
        }
        if !checks.is_empty() {
            writeln!(
                roundtrips,
                "#[test]\nfn {module}() {{\n    let mut failures = Vec::new();\n{checks}    assert!(failures.is_empty(), \"{{}}\", failures.join(\"\\n\"));\n}}\n"
            )
            .unwrap();
        }
    }
    write(&out_dir.join("fixtures.list"), &list);
    write(&out_dir.join("fixtures.rs"), &modules);
    write(&out_dir.join("roundtrip.rs"), &roundtrips);
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            if !matches!(name, "invalid" | "fastapi" | "common") {
                collect(&path, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".json") {
            out.push(path);
        }
    }
}

/// A module name for a fixture path: `models/objects-3.0.yaml` → `models_objects_3_0`.
fn module_name(relative: &Path) -> String {
    let text = relative
        .with_extension("")
        .to_string_lossy()
        .to_ascii_lowercase();
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn write(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(contents) {
        std::fs::write(path, contents).expect("write");
    }
}
