//! Generating code from a build script (`build.rs`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::emit::Parts;
use crate::{Error, Spec};

/// Generates the code for the document at `spec` into `OUT_DIR`, named after the
/// document (`openapi.yaml` → `openapi.rs`), and tells Cargo to re-run the build
/// script when the document or any file it `$ref`s changes. Returns the written path.
///
/// Include the result in a module of its own:
///
/// ```ignore
/// mod api {
///     include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
/// }
/// ```
pub fn generate(spec: impl AsRef<Path>) -> Result<PathBuf, Error> {
    Builder::new(spec).generate()
}

/// Options of build-script generation; [`generate`] uses the defaults.
#[derive(Debug, Clone)]
pub struct Builder {
    spec: PathBuf,
    file_name: Option<String>,
    out_dir: Option<PathBuf>,
    parts: Parts,
    deny_warnings: bool,
}

impl Builder {
    /// Generation from the document at `spec` (relative to the package root).
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Builder {
            spec: spec.as_ref().to_path_buf(),
            file_name: None,
            out_dir: None,
            parts: Parts::default(),
            deny_warnings: false,
        }
    }

    /// Also generate the axum server (module `server`), which needs the
    /// `oapi-gen-server-runtime` dependency.
    pub fn server(mut self, server: bool) -> Self {
        self.parts.server = server;
        self
    }

    /// Also generate the client (module `client`), which needs the
    /// `oapi-gen-client-runtime` dependency.
    pub fn client(mut self, client: bool) -> Self {
        self.parts.client = client;
        self
    }

    /// The name of the written file, instead of the document's stem with `.rs`.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The directory to write to, instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Fail on warnings (constructs the generated code can only approximate) as on
    /// errors, instead of printing them as `cargo:warning=` lines.
    pub fn deny_warnings(mut self, deny: bool) -> Self {
        self.deny_warnings = deny;
        self
    }

    /// Loads the document, generates, writes, and prints the `cargo:rerun-if-changed`
    /// lines for every file read (also when the document has problems, so fixing
    /// them re-runs the script).
    pub fn generate(self) -> Result<PathBuf, Error> {
        let out_dir = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Environment(
                        "OUT_DIR is not set: call oapi_gen::build from a build script, \
                     or set Builder::out_dir"
                            .to_owned(),
                    )
                })?,
        };
        let spec = Spec::load_watching(&self.spec, &mut |file| {
            println!("cargo:rerun-if-changed={}", file.display());
        })?;
        let spec = if self.deny_warnings {
            spec.deny_warnings()?
        } else {
            warn_once(&self.spec, &spec.warnings);
            spec
        };
        let file_name = self.file_name.unwrap_or_else(|| {
            let stem = self
                .spec
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "openapi".to_owned());
            format!("{stem}.rs")
        });
        let path = out_dir.join(file_name);
        let code = spec.code(self.parts)?;
        crate::output::write_if_changed(&path, code.as_bytes())?;
        Ok(path)
    }
}

/// How many warnings of one document a build script prints; `oapi-gen check` lists
/// them all.
const MAX_PRINTED_WARNINGS: usize = 10;

/// Prints the warnings of the document at `spec` as `cargo:warning=` lines, once per
/// document in this build script (which may generate several files from one).
fn warn_once(spec: &Path, warnings: &[crate::Diagnostic]) {
    static WARNED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    if warnings.is_empty() {
        return;
    }
    let key = std::fs::canonicalize(spec).unwrap_or_else(|_| spec.to_path_buf());
    let mut warned = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if warned.get_or_insert_with(HashSet::new).insert(key) {
        for line in warning_lines(spec, warnings) {
            println!("{line}");
        }
    }
}

/// The `cargo:warning=` lines of a document's warnings: at most
/// [`MAX_PRINTED_WARNINGS`], one line each, then how many more there are.
fn warning_lines(spec: &Path, warnings: &[crate::Diagnostic]) -> Vec<String> {
    let mut lines: Vec<String> = warnings
        .iter()
        .take(MAX_PRINTED_WARNINGS)
        // Cargo ends a warning at the newline.
        .map(|warning| {
            format!(
                "cargo:warning={}",
                warning.to_string().replace(['\r', '\n'], " ")
            )
        })
        .collect();
    if warnings.len() > MAX_PRINTED_WARNINGS {
        lines.push(format!(
            "cargo:warning=… and {} more warnings (`oapi-gen check {}` lists them all)",
            warnings.len() - MAX_PRINTED_WARNINGS,
            spec.display()
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Approximation, Diagnostic, Location};

    #[test]
    fn warnings_print_as_single_cargo_lines_at_most_ten() {
        let spec = Path::new("openapi.yaml");
        let at = |i: usize| Location::new(std::sync::Arc::from(spec), format!("/x/{i}"));
        let warnings: Vec<Diagnostic> = (0..12)
            .map(|i| Diagnostic::warning(Approximation::Tuple, at(i), "a\nb"))
            .collect();
        let lines = warning_lines(spec, &warnings);
        assert_eq!(lines.len(), 11);
        assert_eq!(
            lines[0],
            "cargo:warning=warning[tuple]: openapi.yaml#/x/0: a b"
        );
        assert_eq!(
            lines[10],
            "cargo:warning=… and 2 more warnings (`oapi-gen check openapi.yaml` lists them all)"
        );
        assert_eq!(warning_lines(spec, &warnings[..1]).len(), 1);
    }
}
