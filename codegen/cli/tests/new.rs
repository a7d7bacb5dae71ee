//! `oapi-gen new`: what it writes, where, and that a failure writes nothing. Building
//! and running a created project is `scripts/test-new`'s job.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn oapi_gen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oapi-gen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run oapi-gen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repository root.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir`, relative to it, sorted, with its contents.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().into();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    tree(dir).into_iter().map(|(name, _)| name).collect()
}

/// Runs `oapi-gen new` expecting failure: exit status 1, a message on stderr
/// containing `expected`, no panic.
fn fails(args: &[&str], cwd: &Path, expected: &str) {
    let output = oapi_gen(args, cwd);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_standalone_project_has_every_file_and_a_workspace_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let output = oapi_gen(&["new", "demo-svc"], tmp.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("Created packages/demo-svc:"), "{stdout}");
    assert!(
        stdout.contains("cd packages/demo-svc && cargo run"),
        "{stdout}"
    );
    assert!(stdout.contains("http://127.0.0.1:8000/docs"), "{stdout}");

    let dir = tmp.path().join("packages/demo-svc");
    let files = names(&dir);
    for expected in [
        "Cargo.toml",
        "openapi.yaml",
        "build.rs",
        "src/lib.rs",
        "src/main.rs",
        "src/handlers.rs",
        "tests/api.rs",
        "README.md",
        "infra/bin/service.ts",
        "infra/lib/rust-api.ts",
        "infra/package-lock.json",
    ] {
        assert!(
            files.iter().any(|f| f == expected),
            "{expected} in {files:?}"
        );
    }
    // Nothing else beside the project: the staging directory is gone.
    assert_eq!(names(tmp.path()).len(), files.len());

    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"demo-svc\""), "{manifest}");
    assert!(
        manifest
            .contains("oapi-gen-server-runtime = { version = \"0.1\", features = [\"lambda\"] }"),
        "{manifest}"
    );
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    let spec = std::fs::read_to_string(dir.join("openapi.yaml")).unwrap();
    assert!(spec.contains("title: Demo Svc"), "{spec}");
    let service = std::fs::read_to_string(dir.join("infra/bin/service.ts")).unwrap();
    assert!(service.contains("specPath: '../openapi.yaml'"), "{service}");
    assert!(service.contains("binaryName: 'demo-svc'"), "{service}");
    let package = std::fs::read_to_string(dir.join("infra/package.json")).unwrap();
    assert!(
        package.contains("\"name\": \"demo-svc-infra\""),
        "{package}"
    );

    // The document is one the generator takes without complaint.
    let output = oapi_gen(&["check", "openapi.yaml"], &dir);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("OpenAPI 3.1.0, 5 operations"), "{stdout}");
}

#[test]
fn invalid_names_are_refused_and_nothing_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, expected) in [
        ("2fast", "it must start with an ASCII letter"),
        ("my api", "' ' is not allowed"),
        ("fn", "it is a Rust keyword"),
        ("test", "Cargo reserves it"),
        ("std", "Cargo reserves it"),
    ] {
        fails(
            &["new", name],
            tmp.path(),
            &format!("invalid project name `{name}`: {expected}"),
        );
    }
    let long = "a".repeat(65);
    fails(&["new", &long], tmp.path(), "more than 64");
    assert!(names(tmp.path()).is_empty());
    assert!(!tmp.path().join("packages").exists());
}

#[test]
fn an_existing_target_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("svc/demo");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    fails(
        &["new", "demo", "--directory", "svc"],
        tmp.path(),
        "svc/demo already exists",
    );
    assert_eq!(names(tmp.path()), ["svc/demo/keep.txt"]);
}

#[test]
fn a_directory_that_cannot_be_written_is_an_error_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // Under a regular file: not even root can create it.
    std::fs::write(tmp.path().join("file"), "").unwrap();
    fails(
        &["new", "demo", "--directory", "file/packages"],
        tmp.path(),
        "cannot write file/packages",
    );
    assert_eq!(names(tmp.path()), ["file"]);
}

#[test]
fn a_bad_checkout_path_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    fails(
        &["new", "demo", "--oapi-gen-path", "."],
        tmp.path(),
        "not a checkout of oapi-gen",
    );
    assert!(names(tmp.path()).is_empty());
}

#[test]
fn the_checkout_path_makes_path_dependencies() {
    let tmp = tempfile::tempdir().unwrap();
    let repository = repository();
    let output = oapi_gen(
        &[
            "new",
            "demo",
            "--oapi-gen-path",
            repository.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(tmp.path().join("packages/demo/Cargo.toml")).unwrap();
    // Relative paths that lead from the crate to the checkout's crates.
    let crate_dir = std::fs::canonicalize(tmp.path().join("packages/demo")).unwrap();
    for (crate_name, directory) in [
        ("oapi-gen-runtime", "runtime"),
        ("oapi-gen-server-runtime", "server-runtime"),
        ("oapi-gen-client-runtime", "client-runtime"),
        ("oapi-gen", "codegen"),
    ] {
        let line = manifest
            .lines()
            .find(|line| line.starts_with(&format!("{crate_name} = {{ path = \"")))
            .unwrap_or_else(|| panic!("no path dependency on {crate_name}: {manifest}"));
        let path = line.split('"').nth(1).unwrap();
        assert!(path.ends_with(&format!("/{directory}")), "{line}");
        assert!(Path::new(path).is_relative(), "{line}");
        assert!(crate_dir.join(path).join("Cargo.toml").is_file(), "{line}");
    }
}

#[test]
fn a_workspace_gets_the_new_member_and_keeps_its_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "# The services.\n[workspace]\nresolver = \"3\"\nmembers = [\"a\"] # by hand\n\n[workspace.package]\nedition = \"2024\" # kept\n";
    std::fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();
    let nested = tmp.path().join("a");
    std::fs::create_dir(&nested).unwrap();
    // Created from a subdirectory, as Cargo finds a workspace: by walking up.
    let output = oapi_gen(&["new", "demo", "--directory", "../services"], &nested);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("Added \"services/demo\" to the workspace members"),
        "{stdout}"
    );
    let edited = std::fs::read_to_string(tmp.path().join("Cargo.toml")).unwrap();
    assert_eq!(
        edited,
        manifest.replace("[\"a\"]", "[\"a\", \"services/demo\"]")
    );
    let crate_manifest =
        std::fs::read_to_string(tmp.path().join("services/demo/Cargo.toml")).unwrap();
    assert!(!crate_manifest.contains("[workspace]"), "{crate_manifest}");
}

#[test]
fn a_glob_member_or_an_exclusion_leaves_the_workspace_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = "[workspace]\nmembers = [\"packages/*\"]\nexclude = [\"scratch\"]\n";
    std::fs::write(tmp.path().join("Cargo.toml"), manifest).unwrap();

    let output = oapi_gen(&["new", "demo"], tmp.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("through \"packages/*\""),
        "{}",
        text(&output.stdout)
    );
    let crate_manifest =
        std::fs::read_to_string(tmp.path().join("packages/demo/Cargo.toml")).unwrap();
    assert!(!crate_manifest.contains("[workspace]"), "{crate_manifest}");

    let output = oapi_gen(&["new", "demo", "--directory", "scratch"], tmp.path());
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("excludes it (\"scratch\")"),
        "{}",
        text(&output.stdout)
    );
    let crate_manifest =
        std::fs::read_to_string(tmp.path().join("scratch/demo/Cargo.toml")).unwrap();
    assert!(
        crate_manifest.contains("\n[workspace]\n"),
        "{crate_manifest}"
    );

    assert_eq!(
        std::fs::read_to_string(tmp.path().join("Cargo.toml")).unwrap(),
        manifest
    );
}

#[test]
fn an_unreadable_workspace_manifest_fails_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Cargo.toml"), "[workspace\n").unwrap();
    fails(&["new", "demo"], tmp.path(), "is not valid TOML");
    assert_eq!(names(tmp.path()), ["Cargo.toml"]);
}

#[test]
fn the_same_command_writes_the_same_bytes() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    for tmp in [&first, &second] {
        let output = oapi_gen(&["new", "demo-svc", "--directory", "x"], tmp.path());
        assert!(output.status.success(), "{}", text(&output.stderr));
    }
    assert_eq!(tree(first.path()), tree(second.path()));
}

/// The generic files of a new project's `infra/` are the example service's, which
/// `scripts/test-infra` tests: copy them over when the example changes.
#[test]
fn the_infra_templates_are_the_example_services() {
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/infra");
    let example = repository().join("examples/items-service/infra");
    for (name, contents) in tree(&templates) {
        if name == "bin/service.ts" || name == "README.md" {
            continue; // written for each project
        }
        let original = std::fs::read(example.join(&name))
            .unwrap_or_else(|error| panic!("examples/items-service/infra/{name}: {error}"));
        assert!(
            contents == original,
            "codegen/cli/templates/infra/{name} differs from examples/items-service/infra/{name}: copy it over"
        );
    }
}
