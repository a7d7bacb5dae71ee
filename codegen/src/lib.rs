//! `oapi-gen`: OpenAPI 3.0/3.1 (and Swagger 2.0) to Rust code generation.
//!
//! The pipeline has three stages, each in its own module:
//!
//! 1. [`loader`] reads the document (YAML or JSON) and every file its `$ref`s reach;
//! 2. lowering builds the [`ir`], a parser-independent model of the API in which every
//!    name is already a unique Rust identifier;
//! 3. [`emit`] turns the IR into formatted Rust source.
//!
//! Most users need one call. From a build script:
//!
//! ```no_run
//! // build.rs
//! oapi_gen::build::generate("openapi.yaml").expect("generate the API code");
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/openapi.rs"));` inside a
//! module. Every problem of the document is reported with its file and JSON pointer.

pub mod build;
pub mod diagnostics;
pub mod emit;
pub mod ir;
pub mod loader;
mod lower;
pub mod output;

use std::path::{Path, PathBuf};

pub use diagnostics::{Approximation, Diagnostic, Error, Location, Severity};

/// A loaded and lowered OpenAPI document.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The API model.
    pub api: ir::Api,
    /// Every file read: the document first, then the files its `$ref`s reached.
    pub files: Vec<PathBuf>,
    /// What the generated code approximates, each located (sorted by location).
    pub warnings: Vec<Diagnostic>,
}

impl Spec {
    /// Loads the document at `path` and lowers it to the IR. Fails, reporting every
    /// problem, when the document has an error; succeeds with its [`warnings`]
    /// otherwise (see [`Spec::deny_warnings`]).
    ///
    /// [`warnings`]: Spec::warnings
    pub fn load(path: impl AsRef<Path>) -> Result<Spec, Error> {
        Spec::load_watching(path, &mut |_| {})
    }

    /// Like [`Spec::load`], calling `on_read` with every file it tries to read, also
    /// when loading fails.
    pub fn load_watching(
        path: impl AsRef<Path>,
        on_read: &mut dyn FnMut(&Path),
    ) -> Result<Spec, Error> {
        let documents =
            loader::Documents::load_watching(path.as_ref(), on_read).map_err(Error::Spec)?;
        let (api, warnings) = lower::lower(&documents).map_err(Error::Spec)?;
        Ok(Spec {
            api,
            files: documents.paths().map(Path::to_path_buf).collect(),
            warnings,
        })
    }

    /// This spec, or, when it has warnings, an error listing them (for users who
    /// want a document the generator represents exactly).
    pub fn deny_warnings(self) -> Result<Spec, Error> {
        if self.warnings.is_empty() {
            Ok(self)
        } else {
            Err(Error::Spec(self.warnings))
        }
    }

    /// The models of the API as one Rust source file (see [`emit::types`]).
    pub fn types(&self) -> Result<String, Error> {
        emit::types(&self.api)
    }

    /// The models and the axum server of the API as one Rust source file (see
    /// [`emit::server`]).
    pub fn server(&self) -> Result<String, Error> {
        emit::server(&self.api)
    }

    /// The models and the client of the API as one Rust source file (see
    /// [`emit::client`]).
    pub fn client(&self) -> Result<String, Error> {
        emit::client(&self.api)
    }

    /// The models and the modules `parts` asks for, as one Rust source file (see
    /// [`emit::code`]).
    pub fn code(&self, parts: emit::Parts) -> Result<String, Error> {
        emit::code(&self.api, parts)
    }
}
