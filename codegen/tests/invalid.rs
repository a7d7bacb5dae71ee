//! Every document under `fixtures/invalid/` fails to load with the diagnostics its
//! `.expect` file lists (see `fixtures/invalid/README.md` for the format): the right
//! severity, at the right file and JSON pointer, with a message that says what is wrong.

use std::path::{Path, PathBuf};

use oapi_gen::{Diagnostic, Severity, Spec};

fn invalid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/invalid")
}

/// One expected diagnostic.
struct Expected {
    severity: Severity,
    /// `None` for the document itself, else the other file relative to `invalid/`.
    file: Option<String>,
    pointer: String,
    message: String,
}

fn parse_expect(text: &str) -> Vec<Expected> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut parts = line.splitn(3, ' ');
            let severity = match parts.next() {
                Some("error") => Severity::Invalid,
                Some("unsupported") => Severity::Unsupported,
                other => panic!("bad severity {other:?} in {line:?}"),
            };
            let location = parts.next().expect("pointer");
            let message = parts.next().unwrap_or_default().to_lowercase();
            let (file, pointer) = match location.split_once('#') {
                Some((file, pointer)) => (Some(file.to_owned()), pointer.to_owned()),
                None => (None, location.to_owned()),
            };
            let pointer = if pointer == "\"\"" {
                String::new()
            } else {
                pointer
            };
            Expected {
                severity,
                file,
                pointer,
                message,
            }
        })
        .collect()
}

fn matches(expected: &Expected, found: &Diagnostic, document: &Path) -> bool {
    let file = match &expected.file {
        Some(file) => invalid_dir().join(file),
        None => document.to_path_buf(),
    };
    let same_file =
        std::fs::canonicalize(&file).ok() == std::fs::canonicalize(found.location.file()).ok();
    same_file
        && found.severity == expected.severity
        && found.location.pointer == expected.pointer
        && found.message.to_lowercase().contains(&expected.message)
}

#[test]
fn every_invalid_document_reports_its_located_problems() {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(invalid_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    documents.sort();
    assert!(documents.len() >= 15, "the invalid fixtures are missing");
    let mut failures = Vec::new();
    for document in &documents {
        let expect = std::fs::read_to_string(document.with_extension("expect"))
            .unwrap_or_else(|_| panic!("{} has no .expect file", document.display()));
        let found = match Spec::load(document) {
            Ok(_) => {
                failures.push(format!("{}: loaded without errors", document.display()));
                continue;
            }
            Err(error) => error.diagnostics().to_vec(),
        };
        for expected in parse_expect(&expect) {
            if !found.iter().any(|d| matches(&expected, d, document)) {
                failures.push(format!(
                    "{}: expected {:?} at {:?}#{} containing {:?}; found:\n  {}",
                    document.display(),
                    expected.severity,
                    expected.file,
                    expected.pointer,
                    expected.message,
                    found
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n  ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_problems_of_a_document_are_reported_at_once() {
    let dir = std::env::temp_dir().join(format!("oapi-gen-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("many.yaml");
    std::fs::write(
        &path,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: x\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: strnig}}}}\n  /b:\n    get:\n      operationId: x\n      responses:\n        '2x0': {description: bad}\n",
    )
    .unwrap();
    let error = Spec::load(&path).unwrap_err();
    let pointers: Vec<&str> = error
        .diagnostics()
        .iter()
        .map(|d| d.location.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1a/get/responses/200/content/application~1json/schema/type",
            "/paths/~1b/get/operationId",
            "/paths/~1b/get/responses/2x0",
        ]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn files_that_failed_to_load_are_still_reported_for_rebuilds() {
    let document = invalid_dir().join("missing-file-ref.yaml");
    let mut read = Vec::new();
    let result = Spec::load_watching(&document, &mut |path| read.push(path.to_path_buf()));
    assert!(result.is_err());
    assert_eq!(read.len(), 2, "{read:?}");
    assert!(read[1].ends_with("no-such-file.yaml"), "{read:?}");

    let document = invalid_dir().join("error-in-referenced-file.yaml");
    let mut read = Vec::new();
    assert!(Spec::load_watching(&document, &mut |path| read.push(path.to_path_buf())).is_err());
    assert!(
        read.iter().any(|p| p.ends_with("parts/broken-schema.yaml")),
        "{read:?}"
    );
}
