//! The `oapi-gen` binary: exit codes, reports and written crates.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn oapi_gen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oapi-gen"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("run oapi-gen")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_a_valid_document() {
    let output = oapi_gen(&["check", "fixtures/fastapi-items.json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("OpenAPI 3.1.0, 10 operations"), "{stdout}");
}

#[test]
fn check_reports_located_problems_and_exits_1() {
    let output = oapi_gen(&["check", "fixtures/invalid/ref-cycle.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("fixtures/invalid/ref-cycle.yaml#/components/schemas/A/$ref"),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors found"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_prints_warnings_and_exits_0_unless_they_are_denied() {
    let document = "fixtures/warnings/discriminator.yaml";
    let output = oapi_gen(&["check", document]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "warning[discriminator]: {document}#/components/schemas/Content/oneOf/0: "
        )),
        "{stderr}"
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("2 warnings found"), "{stdout}");

    let output = oapi_gen(&["check", "--deny-warnings", document]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("warning[discriminator]"), "{stderr}");
    assert!(
        stderr.ends_with("2 warnings found in the OpenAPI document\n"),
        "{stderr}"
    );
}

#[test]
fn denied_warnings_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let out_arg = out.to_str().unwrap();
    let spec = "fixtures/warnings/schemas.yaml";
    let output = oapi_gen(&[
        "client",
        "--spec",
        spec,
        "--out",
        out_arg,
        "--deny-warnings",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!out.exists());
    let output = oapi_gen(&["client", "--spec", spec, "--out", out_arg]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("warning[tuple]"));
    assert!(out.join("src/lib.rs").exists());
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let output = oapi_gen(&["check", "fixtures/no-such-document.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("cannot read fixtures/no-such-document.yaml"),
        "{stderr}"
    );
}

#[test]
fn types_writes_a_crate_and_nothing_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("items");
    let out_arg = out.to_str().unwrap();
    let output = oapi_gen(&[
        "types",
        "--spec",
        "fixtures/fastapi-items.json",
        "--out",
        out_arg,
        "--name",
        "items-models",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"items-models\""), "{manifest}");
    assert!(
        manifest.contains("oapi-gen-runtime = \"0.1.0\""),
        "{manifest}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub struct ItemCreate {"), "{lib}");

    let bad = dir.path().join("bad");
    let output = oapi_gen(&[
        "types",
        "--spec",
        "fixtures/invalid/unknown-type.yaml",
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!bad.exists(), "a failed generation must not write anything");
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["types", "--help"],
        &["server", "--help"],
    ] {
        let output = oapi_gen(args);
        assert!(output.status.success(), "{args:?}");
        assert!(text(&output.stdout).contains("Usage: oapi-gen"), "{args:?}");
    }
}

#[test]
fn server_writes_a_crate_with_the_server_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("items-server");
    let output = oapi_gen(&[
        "server",
        "--spec",
        "fixtures/fastapi-items.json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"items-api-server\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("oapi-gen-server-runtime = \"0.1.0\""),
        "{manifest}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub trait Api: Send + Sync + 'static {"),
        "{lib}"
    );
    assert!(
        lib.contains("pub fn router<A: Api>(api: A) -> axum::Router {"),
        "{lib}"
    );
}
