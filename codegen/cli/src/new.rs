//! `oapi-gen new`: a runnable, deployable service crate from templates embedded in the
//! binary (`templates/`), written whole or not at all.
//!
//! The project is written into a temporary sibling directory and renamed into place,
//! so a failure leaves nothing behind. Inside a Cargo workspace the crate is added to
//! the workspace's `members`; elsewhere it gets an empty `[workspace]` table of its
//! own, so that it never attaches to an unrelated parent.

use std::io;
use std::path::{Path, PathBuf};

use oapi_gen::output::relative_path;
use toml_edit::{Array, DocumentMut, Item, Value};

/// What `oapi-gen new` is asked to create.
#[derive(Debug, Clone)]
pub struct Options {
    /// The crate name, also the binary's and the service's.
    pub name: String,
    /// The directory the project is created in (`<directory>/<name>`).
    pub directory: PathBuf,
    /// A local checkout of oapi-gen to depend on by path instead of crates.io.
    pub oapi_gen_path: Option<PathBuf>,
}

/// Why a project could not be created. Nothing is left on disk in any case.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The name is not a name Cargo accepts for a new package.
    #[error("invalid project name `{name}`: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The project's directory is already there.
    #[error("{} already exists: choose another name or --directory", .0.display())]
    Exists(PathBuf),
    /// A file or directory could not be read or written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The enclosing workspace's manifest could not be read or understood.
    #[error("cannot add the crate to the workspace of {}: {message}", path.display())]
    Workspace {
        /// The workspace's `Cargo.toml`.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// `--oapi-gen-path` does not point at a checkout of oapi-gen.
    #[error(
        "--oapi-gen-path {}: not a checkout of oapi-gen (expected codegen/, runtime/, server-runtime/ and client-runtime/ in it)",
        .0.display()
    )]
    NotACheckout(PathBuf),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> NewError + '_ {
    move |source| NewError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How the new crate relates to a Cargo workspace around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// No workspace encloses it: it has a `[workspace]` table of its own.
    Standalone,
    /// It was added to the `members` of the workspace of this manifest.
    Added {
        /// The workspace's `Cargo.toml`.
        manifest: PathBuf,
        /// The member entry added, relative to the workspace root.
        member: String,
    },
    /// A `members` entry of this workspace already covers it (a glob or the path).
    Covered {
        /// The workspace's `Cargo.toml`.
        manifest: PathBuf,
        /// The entry that covers it.
        pattern: String,
    },
    /// The workspace excludes its path: it stands alone, with a `[workspace]` table.
    Excluded {
        /// The workspace's `Cargo.toml`.
        manifest: PathBuf,
        /// The `exclude` entry that matches it.
        pattern: String,
    },
}

/// What `oapi-gen new` created.
#[derive(Debug, Clone)]
pub struct Created {
    /// The project's directory, as the user would write it (`<directory>/<name>`).
    pub dir: PathBuf,
    /// The files written, relative to `dir`, in order.
    pub files: Vec<&'static str>,
    /// How the crate relates to an enclosing workspace.
    pub membership: Membership,
}

/// Where the oapi-gen crates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// crates.io, by this version requirement.
    Registry(&'static str),
    /// A checkout, relative to the new crate's directory.
    Checkout(String),
}

/// The version requirement of the oapi-gen crates in a new project.
const OAPI_GEN_VERSION: &str = "0.1";

/// A template: its path in the new project and its text, with `{{…}}` placeholders.
struct Template {
    path: &'static str,
    text: &'static str,
}

macro_rules! templates {
    ($($path:literal => $source:literal),* $(,)?) => {
        &[$(Template { path: $path, text: include_str!(concat!("../templates/", $source)) }),*]
    };
}

/// Every file of a new project. The generic files of `infra/` are copies of the
/// example service's (`examples/items-service/infra`); a test checks they stay so.
const TEMPLATES: &[Template] = templates![
    "Cargo.toml" => "Cargo.toml.in",
    ".gitignore" => "gitignore",
    "README.md" => "README.md",
    "openapi.yaml" => "openapi.yaml",
    "build.rs" => "build.rs",
    "src/lib.rs" => "src/lib.rs",
    "src/handlers.rs" => "src/handlers.rs",
    "src/main.rs" => "src/main.rs",
    "tests/api.rs" => "tests/api.rs",
    "examples/client.rs" => "examples/client.rs",
    "infra/.gitignore" => "infra/.gitignore",
    "infra/README.md" => "infra/README.md",
    "infra/cdk.json" => "infra/cdk.json",
    "infra/package.json" => "infra/package.json",
    "infra/package-lock.json" => "infra/package-lock.json",
    "infra/tsconfig.json" => "infra/tsconfig.json",
    "infra/bin/app.ts" => "infra/bin/app.ts",
    "infra/bin/service.ts" => "infra/bin/service.ts",
    "infra/lib/openapi.ts" => "infra/lib/openapi.ts",
    "infra/lib/runtime-config.ts" => "infra/lib/runtime-config.ts",
    "infra/lib/rust-api.ts" => "infra/lib/rust-api.ts",
    "infra/lib/service-stack.ts" => "infra/lib/service-stack.ts",
    "infra/test/cdk-synth.test.ts" => "infra/test/cdk-synth.test.ts",
    "infra/test/helpers.ts" => "infra/test/helpers.ts",
];

/// Names Cargo refuses for a new package besides Rust keywords: the built-in crates
/// and the directories of its own build output.
const RESERVED: &[&str] = &[
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
    "proc-macro",
    "proc_macro",
    "std",
    "test",
];

/// Names Windows reserves for devices, which no file may have.
const WINDOWS_RESERVED: &[&str] = &[
    "aux", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "con", "lpt1",
    "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "nul", "prn",
];

/// Every keyword of Rust 2024, strict and reserved.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The longest name crates.io accepts.
const MAX_NAME_LEN: usize = 64;

/// Checks that `name` is a package name `cargo new` would accept (and crates.io too):
/// ASCII letters, digits, `-` and `_`, starting with a letter, at most 64 characters,
/// neither a Rust keyword nor a name Cargo reserves.
pub fn validate_name(name: &str) -> Result<(), NewError> {
    let invalid = |reason: String| {
        Err(NewError::InvalidName {
            name: name.to_owned(),
            reason,
        })
    };
    let Some(first) = name.chars().next() else {
        return invalid("it is empty".to_owned());
    };
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return invalid(format!(
            "{bad:?} is not allowed: use ASCII letters, digits, `-` and `_`"
        ));
    }
    if !first.is_ascii_alphabetic() {
        return invalid("it must start with an ASCII letter".to_owned());
    }
    if name.len() > MAX_NAME_LEN {
        return invalid(format!(
            "it has {} characters, more than {MAX_NAME_LEN}",
            name.len()
        ));
    }
    let ident = name.replace('-', "_");
    if KEYWORDS.contains(&name) || KEYWORDS.contains(&ident.as_str()) {
        return invalid("it is a Rust keyword".to_owned());
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return invalid("Cargo reserves it".to_owned());
    }
    if WINDOWS_RESERVED.contains(&lower.as_str()) {
        return invalid("it is a reserved file name on Windows".to_owned());
    }
    Ok(())
}

/// `demo-svc` → `["demo", "svc"]`.
fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(['-', '_']).filter(|word| !word.is_empty())
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

/// The files of a project named `name`, in [`TEMPLATES`] order, as `(path, text)`.
fn render(name: &str, source: &Source, standalone: bool) -> Vec<(&'static str, String)> {
    let title = words(name).map(capitalized).collect::<Vec<_>>().join(" ");
    let pascal: String = words(name).map(capitalized).collect();
    let dependency = |crate_name: &str, directory: &str, features: &str| {
        let features = if features.is_empty() {
            String::new()
        } else {
            format!(", features = [\"{features}\"]")
        };
        match source {
            Source::Registry(version) if features.is_empty() => {
                format!("{crate_name} = \"{version}\"\n")
            }
            Source::Registry(version) => {
                format!("{crate_name} = {{ version = \"{version}\"{features} }}\n")
            }
            Source::Checkout(root) => {
                let path = if root.is_empty() {
                    directory.to_owned()
                } else {
                    format!("{root}/{directory}")
                };
                format!("{crate_name} = {{ path = \"{path}\"{features} }}\n")
            }
        }
    };
    let dependencies = [
        dependency("oapi-gen-runtime", "runtime", ""),
        "# `lambda`: `serve::run` serves through the Lambda runtime on AWS Lambda.\n".to_owned(),
        dependency("oapi-gen-server-runtime", "server-runtime", "lambda"),
        "# The generated client, used by `tests/` and `examples/`.\n".to_owned(),
        dependency("oapi-gen-client-runtime", "client-runtime", ""),
    ]
    .concat();
    let workspace = if standalone {
        "\n# A workspace of its own: this crate does not join one around it.\n[workspace]\n"
    } else {
        ""
    };
    let npm_package = format!("{name}-infra");
    let npm_description = format!("AWS CDK app deploying {title}");
    TEMPLATES
        .iter()
        .map(|template| {
            let text = match template.path {
                "infra/package.json" | "infra/package-lock.json" => template
                    .text
                    .replace("items-service-infra", &npm_package)
                    .replace("AWS CDK app deploying the Items service", &npm_description),
                _ => template
                    .text
                    .replace("{{dependencies}}", &dependencies)
                    .replace(
                        "{{build-dependencies}}",
                        &dependency("oapi-gen", "codegen", ""),
                    )
                    .replace("{{workspace}}", workspace)
                    .replace("{{name}}", name)
                    .replace("{{crate}}", &name.replace('-', "_"))
                    .replace("{{title}}", &title)
                    .replace("{{pascal}}", &pascal),
            };
            (template.path, text)
        })
        .collect()
}

/// The directories of `dir` that do not exist yet, outermost first.
fn missing_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|ancestor| !ancestor.as_os_str().is_empty() && !ancestor.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    missing
}

/// Creates the project described by `options`, or nothing at all.
pub fn create(options: &Options) -> Result<Created, NewError> {
    validate_name(&options.name)?;
    let target = options.directory.join(&options.name);
    if target.symlink_metadata().is_ok() {
        return Err(NewError::Exists(target));
    }
    let checkout = match &options.oapi_gen_path {
        Some(path) => Some(checkout(path)?),
        None => None,
    };
    let created_dirs = missing_dirs(&options.directory);
    let result = std::fs::create_dir_all(&options.directory)
        .map_err(io_error(&options.directory))
        .and_then(|()| write_project(options, &target, checkout.as_deref()));
    if result.is_err() {
        // Only the directories this run created, and only while empty.
        for dir in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
    result
}

/// The canonical path of the oapi-gen checkout at `path`.
fn checkout(path: &Path) -> Result<PathBuf, NewError> {
    let crates = ["codegen", "runtime", "server-runtime", "client-runtime"];
    if !crates
        .iter()
        .all(|dir| path.join(dir).join("Cargo.toml").is_file())
    {
        return Err(NewError::NotACheckout(path.to_path_buf()));
    }
    std::fs::canonicalize(path).map_err(io_error(path))
}

fn write_project(
    options: &Options,
    target: &Path,
    checkout: Option<&Path>,
) -> Result<Created, NewError> {
    let parent = std::fs::canonicalize(&options.directory).map_err(io_error(&options.directory))?;
    let workspace = Workspace::find(&parent)?;
    let (membership, new_manifest) = match &workspace {
        Some(workspace) => workspace.join(&parent.join(&options.name))?,
        None => (Membership::Standalone, None),
    };
    let standalone = matches!(
        membership,
        Membership::Standalone | Membership::Excluded { .. }
    );
    let source = match checkout {
        Some(checkout) => Source::Checkout(
            relative_path(checkout, &parent.join(&options.name))
                .to_string_lossy()
                .replace('\\', "/"),
        ),
        None => Source::Registry(OAPI_GEN_VERSION),
    };
    let files = render(&options.name, &source, standalone);

    // Everything goes into a hidden sibling first; dropping it on error removes it.
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{}.oapi-gen-new-", options.name))
        .tempdir_in(&parent)
        .map_err(io_error(&options.directory))?;
    for (path, text) in &files {
        let file = staging.path().join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(io_error(&target.join(path)))?;
        }
        std::fs::write(&file, text).map_err(io_error(&target.join(path)))?;
    }
    if target.symlink_metadata().is_ok() {
        return Err(NewError::Exists(target.to_path_buf()));
    }
    std::fs::rename(staging.path(), parent.join(&options.name)).map_err(io_error(target))?;
    // Moved away: nothing is left for the guard to remove.
    let _ = staging.keep();

    if let (Some(workspace), Some(manifest)) = (&workspace, new_manifest)
        && let Err(error) = workspace.write(&manifest)
    {
        let _ = std::fs::remove_dir_all(parent.join(&options.name));
        return Err(error);
    }
    Ok(Created {
        dir: target.to_path_buf(),
        files: files.iter().map(|(path, _)| *path).collect(),
        membership,
    })
}

/// The Cargo workspace enclosing a directory, as Cargo finds it: the nearest ancestor
/// whose `Cargo.toml` has a `[workspace]` table.
struct Workspace {
    manifest: PathBuf,
    root: PathBuf,
    document: DocumentMut,
}

impl Workspace {
    fn find(dir: &Path) -> Result<Option<Workspace>, NewError> {
        for root in dir.ancestors() {
            let manifest = root.join("Cargo.toml");
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                continue;
            };
            let document: DocumentMut = text.parse().map_err(|error| NewError::Workspace {
                path: manifest.clone(),
                message: format!("it is not valid TOML: {error}"),
            })?;
            if document.contains_key("workspace") {
                return Ok(Some(Workspace {
                    manifest,
                    root: root.to_path_buf(),
                    document,
                }));
            }
        }
        Ok(None)
    }

    fn error(&self, message: &str) -> NewError {
        NewError::Workspace {
            path: self.manifest.clone(),
            message: message.to_owned(),
        }
    }

    /// How a crate at `crate_dir` joins: the membership, and the new manifest text
    /// when `members` changes.
    fn join(&self, crate_dir: &Path) -> Result<(Membership, Option<String>), NewError> {
        let member = crate_dir
            .strip_prefix(&self.root)
            .map_err(|_| self.error("the new crate is outside the workspace root"))?
            .to_string_lossy()
            .replace('\\', "/");
        let manifest = self.manifest.clone();
        let table = self.document["workspace"]
            .as_table_like()
            .ok_or_else(|| self.error("`workspace` is not a table"))?;
        let entries = |key: &str| -> Result<Vec<String>, NewError> {
            match table.get(key) {
                None => Ok(Vec::new()),
                Some(item) => item
                    .as_array()
                    .ok_or_else(|| self.error(&format!("`workspace.{key}` is not an array")))?
                    .iter()
                    .map(|value| {
                        value.as_str().map(normalize).ok_or_else(|| {
                            self.error(&format!("`workspace.{key}` holds a non-string"))
                        })
                    })
                    .collect(),
            }
        };
        if let Some(pattern) = entries("exclude")?
            .into_iter()
            .find(|excluded| Path::new(&member).starts_with(excluded))
        {
            return Ok((Membership::Excluded { manifest, pattern }, None));
        }
        if let Some(pattern) = entries("members")?
            .into_iter()
            .find(|pattern| glob_matches(pattern, &member))
        {
            return Ok((Membership::Covered { manifest, pattern }, None));
        }
        let mut document = self.document.clone();
        let workspace = document["workspace"]
            .as_table_like_mut()
            .ok_or_else(|| self.error("`workspace` is not a table"))?;
        if workspace.get("members").is_none() {
            workspace.insert("members", Item::Value(Value::Array(Array::new())));
        }
        let members = workspace
            .get_mut("members")
            .and_then(Item::as_array_mut)
            .ok_or_else(|| self.error("`workspace.members` is not an array"))?;
        push_like_last(members, &member);
        Ok((
            Membership::Added {
                manifest,
                member: member.clone(),
            },
            Some(document.to_string()),
        ))
    }

    /// Replaces the manifest with `text` in one rename.
    fn write(&self, text: &str) -> Result<(), NewError> {
        let dir = self.manifest.parent().unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(io_error(&self.manifest))?;
        io::Write::write_all(&mut file, text.as_bytes()).map_err(io_error(&self.manifest))?;
        file.persist(&self.manifest)
            .map_err(|error| io_error(&self.manifest)(error.error))?;
        Ok(())
    }
}

/// Appends `member` to `array`, laid out like its last element (on its own line in a
/// multi-line array).
fn push_like_last(array: &mut Array, member: &str) {
    let prefix = array
        .iter()
        .last()
        .and_then(|last| last.decor().prefix())
        .and_then(|prefix| prefix.as_str())
        .map(|prefix| match prefix.rfind('\n') {
            Some(newline) => format!("\n{}", &prefix[newline + 1..]),
            None => prefix.to_owned(),
        });
    let mut value = Value::from(member);
    match prefix {
        Some(prefix) if !prefix.is_empty() => value.decor_mut().set_prefix(prefix),
        _ if !array.is_empty() => value.decor_mut().set_prefix(" "),
        _ => {}
    }
    array.push_formatted(value);
}

/// A workspace entry without `./` in front or `/` behind.
fn normalize(entry: &str) -> String {
    entry
        .trim_start_matches("./")
        .trim_end_matches('/')
        .to_owned()
}

/// Whether the `members` pattern `pattern` names the path `path` (both relative to
/// the workspace root, `/`-separated): `*` and `?` match within one component.
fn glob_matches(pattern: &str, path: &str) -> bool {
    let patterns: Vec<&str> = pattern.split('/').collect();
    let components: Vec<&str> = path.split('/').collect();
    patterns.len() == components.len()
        && patterns
            .iter()
            .zip(&components)
            .all(|(pattern, component)| component_matches(pattern.as_bytes(), component.as_bytes()))
}

fn component_matches(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| component_matches(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && component_matches(rest, &text[1..]),
        Some((byte, rest)) => text.first() == Some(byte) && component_matches(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_cargo() {
        for good in ["demo", "demo-svc", "my_api2", "a", "Items"] {
            validate_name(good).unwrap();
        }
        validate_name(&"a".repeat(64)).unwrap();
        for bad in [
            "",
            "2fast",
            "-x",
            "_x",
            "my api",
            "ünï",
            "a.b",
            "fn",
            "self",
            "type",
            "async",
            "test",
            "std",
            "core",
            "alloc",
            "proc_macro",
            "proc-macro",
            "build",
            "deps",
            "con",
            "NUL",
        ] {
            assert!(
                matches!(validate_name(bad), Err(NewError::InvalidName { .. })),
                "{bad:?} was accepted"
            );
        }
        assert!(validate_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn member_globs_match_one_component_per_star() {
        assert!(glob_matches("packages/*", "packages/demo"));
        assert!(glob_matches("packages/d?mo", "packages/demo"));
        assert!(glob_matches("packages/demo", "packages/demo"));
        assert!(glob_matches("*/*-svc", "packages/demo-svc"));
        assert!(!glob_matches("packages/*", "packages/a/demo"));
        assert!(!glob_matches("crates/*", "packages/demo"));
        assert!(!glob_matches("packages/x*", "packages/demo"));
    }

    #[test]
    fn members_are_appended_like_the_last_one() {
        let mut document: DocumentMut = "[workspace]\nmembers = [\n    \"a\",\n    \"b\",\n]\n"
            .parse()
            .unwrap();
        push_like_last(
            document["workspace"]["members"].as_array_mut().unwrap(),
            "c/d",
        );
        assert_eq!(
            document.to_string(),
            "[workspace]\nmembers = [\n    \"a\",\n    \"b\",\n    \"c/d\",\n]\n"
        );
        let mut document: DocumentMut = "[workspace]\nmembers = [\"a\"]\n".parse().unwrap();
        push_like_last(
            document["workspace"]["members"].as_array_mut().unwrap(),
            "b",
        );
        assert_eq!(
            document.to_string(),
            "[workspace]\nmembers = [\"a\", \"b\"]\n"
        );
    }

    #[test]
    fn names_become_titles_and_stack_names() {
        let files = render("demo-svc", &Source::Registry("0.1"), true);
        let text = |path: &str| &files.iter().find(|(p, _)| *p == path).unwrap().1;
        assert!(text("openapi.yaml").contains("  title: Demo Svc\n"));
        assert!(text("infra/bin/service.ts").contains("name: 'DemoSvc',"));
        assert!(text("src/main.rs").contains("use demo_svc::handlers::Service;"));
        for (path, text) in &files {
            assert!(!text.contains("{{"), "a placeholder is left in {path}");
        }
    }
}
