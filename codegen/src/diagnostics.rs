//! Problems found in an OpenAPI document, each located by file and JSON pointer.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where a problem is: a file and a JSON pointer (RFC 6901) into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file, as the user named it or as a `$ref` reached it.
    pub file: Arc<Path>,
    /// The JSON pointer of the node, `""` for the whole document.
    pub pointer: String,
}

impl Location {
    /// A location in `file` at `pointer`.
    pub fn new(file: Arc<Path>, pointer: impl Into<String>) -> Self {
        Location {
            file,
            pointer: pointer.into(),
        }
    }

    /// The location of the child `key` of this node.
    pub fn child(&self, key: &str) -> Location {
        let mut pointer = String::with_capacity(self.pointer.len() + key.len() + 1);
        pointer.push_str(&self.pointer);
        pointer.push('/');
        crate::loader::pointer::escape_into(key, &mut pointer);
        Location {
            file: self.file.clone(),
            pointer,
        }
    }

    /// The location of the element `index` of this array node.
    pub fn index(&self, index: usize) -> Location {
        self.child(&index.to_string())
    }

    /// The file of this location.
    pub fn file(&self) -> &Path {
        &self.file
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file.display(), self.pointer)
    }
}

/// Whether a problem is a mistake in the document or a limit of this generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The document is not valid OpenAPI (or not parseable at all).
    Invalid,
    /// The document is valid, but uses a construct this generator cannot represent.
    Unsupported,
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is.
    pub severity: Severity,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A problem with the document itself.
    pub fn invalid(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Invalid,
            location,
            message: message.into(),
        }
    }

    /// A valid construct the generator does not support.
    pub fn unsupported(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Unsupported,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Invalid => "error",
            Severity::Unsupported => "unsupported",
        };
        write!(f, "{label}: {}: {}", self.location, self.message)
    }
}

/// Why generation failed.
#[derive(thiserror::Error)]
pub enum Error {
    /// The document has problems; every one found is listed.
    #[error("{}", Report(.0))]
    Spec(Vec<Diagnostic>),
    /// Writing generated files failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file or directory being written.
        path: PathBuf,
        /// The underlying failure.
        source: std::io::Error,
    },
    /// A build-script call was made outside a build script.
    #[error("{0}")]
    Environment(String),
    /// A bug of the generator, reported instead of a panic.
    #[error("internal error of oapi-gen (please report it): {0}")]
    Internal(String),
}

impl Error {
    /// The located problems, if the failure is about the document.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Spec(diagnostics) => diagnostics,
            _ => &[],
        }
    }
}

/// `Debug` prints the same readable report as `Display`, so that `build.rs` code can
/// use `?` or `expect` and still show every located problem.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

struct Report<'a>(&'a [Diagnostic]);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.0.len();
        write!(
            f,
            "{count} problem{} found in the OpenAPI document",
            if count == 1 { "" } else { "s" }
        )
    }
}
