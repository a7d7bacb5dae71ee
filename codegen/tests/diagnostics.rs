//! Every document under `fixtures/invalid/` fails to load with the diagnostics its
//! `.expect` file lists, and every document under `fixtures/warnings/` loads with
//! exactly the warnings its `.expect` file lists (see `fixtures/invalid/README.md` for
//! the format): the right severity and kind, at the right file and JSON pointer, with a
//! message that says what is wrong.

use std::path::{Path, PathBuf};

use oapi_gen::{Diagnostic, Severity, Spec};

fn fixtures_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(name)
}

fn invalid_dir() -> PathBuf {
    fixtures_dir("invalid")
}

/// One expected diagnostic.
struct Expected {
    severity: Severity,
    /// For a warning, the name of its kind, if the line gives it.
    kind: Option<String>,
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
            let (severity, kind) = match parts.next() {
                Some("error") => (Severity::Error, None),
                Some("warning") => (Severity::Warning, None),
                Some(warning) if warning.starts_with("warning[") && warning.ends_with(']') => (
                    Severity::Warning,
                    Some(warning["warning[".len()..warning.len() - 1].to_owned()),
                ),
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
                kind,
                file,
                pointer,
                message,
            }
        })
        .collect()
}

fn matches(expected: &Expected, found: &Diagnostic, document: &Path) -> bool {
    let file = match &expected.file {
        Some(file) => document.parent().unwrap().join(file),
        None => document.to_path_buf(),
    };
    let same_kind = match &expected.kind {
        Some(kind) => found.approximation.map(|a| a.name()) == Some(kind.as_str()),
        None => true,
    };
    let same_file =
        std::fs::canonicalize(&file).ok() == std::fs::canonicalize(found.location.file()).ok();
    same_file
        && same_kind
        && found.severity == expected.severity
        && found.location.pointer == expected.pointer
        && found.message.to_lowercase().contains(&expected.message)
}

/// The documents of a fixture directory, each with its `.expect` file parsed.
fn documents_of(dir: &Path) -> Vec<(PathBuf, Vec<Expected>)> {
    let mut documents: Vec<PathBuf> = std::fs::read_dir(dir)
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
    documents
        .into_iter()
        .map(|document| {
            let expect = std::fs::read_to_string(document.with_extension("expect"))
                .unwrap_or_else(|_| panic!("{} has no .expect file", document.display()));
            (document, parse_expect(&expect))
        })
        .collect()
}

/// The expected diagnostics not among `found`, described.
fn missing(document: &Path, expected: &[Expected], found: &[Diagnostic]) -> Vec<String> {
    expected
        .iter()
        .filter(|expected| !found.iter().any(|d| matches(expected, d, document)))
        .map(|expected| {
            format!(
                "{}: expected {:?}[{:?}] at {:?}#{} containing {:?}; found:\n  {}",
                document.display(),
                expected.severity,
                expected.kind,
                expected.file,
                expected.pointer,
                expected.message,
                found
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n  ")
            )
        })
        .collect()
}

#[test]
fn every_invalid_document_reports_its_located_problems() {
    let documents = documents_of(&invalid_dir());
    assert!(documents.len() >= 15, "the invalid fixtures are missing");
    let mut failures = Vec::new();
    for (document, expected) in &documents {
        let found = match Spec::load(document) {
            Ok(_) => {
                failures.push(format!("{}: loaded without errors", document.display()));
                continue;
            }
            Err(error) => error.diagnostics().to_vec(),
        };
        failures.extend(missing(document, expected, &found));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_approximated_document_loads_with_exactly_its_located_warnings() {
    let documents = documents_of(&fixtures_dir("warnings"));
    assert!(documents.len() >= 6, "the warning fixtures are missing");
    let mut failures = Vec::new();
    for (document, expected) in &documents {
        let spec = match Spec::load(document) {
            Ok(spec) => spec,
            Err(error) => {
                failures.push(format!("{}: {error}", document.display()));
                continue;
            }
        };
        failures.extend(missing(document, expected, &spec.warnings));
        for warning in &spec.warnings {
            if !expected.iter().any(|e| matches(e, warning, document)) {
                failures.push(format!("{}: unexpected {warning}", document.display()));
            }
        }
        if spec.warnings.is_empty() {
            failures.push(format!("{}: no warnings", document.display()));
        }
        let denied = spec.clone().deny_warnings().map(|_| ()).unwrap_err();
        if denied.diagnostics() != spec.warnings.as_slice() {
            failures.push(format!(
                "{}: denied warnings are not reported as they were found",
                document.display()
            ));
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
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: x\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/nowhere'}}}}\n  /b:\n    get:\n      operationId: x\n      responses:\n        '2x0': {description: bad}\n",
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
            "/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
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
