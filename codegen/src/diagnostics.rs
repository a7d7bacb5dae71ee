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

/// Whether a problem stops generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// No sound code can be produced: the document cannot be read, or a part every
    /// generated item depends on is broken (a dangling or cyclic `$ref`, a malformed
    /// path template). Generation stops.
    Error,
    /// The generated code approximates the document: it accepts every value the
    /// document allows and drops nothing, but is less precise than the document (see
    /// [`Approximation`]). Generation goes on, unless warnings are denied.
    Warning,
}

/// What a warning approximated: one kind per construct the generator cannot represent
/// exactly, each with the fallback described in the book's "Supported OpenAPI" page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Approximation {
    /// A `discriminator` that does not fit every member: those members are tried in
    /// declared order when no tag selects another.
    Discriminator,
    /// An intersection with a union (`allOf` with a `oneOf`/`anyOf` member, or
    /// `properties` beside a `oneOf`/`anyOf`): distributed over the union, or kept as
    /// the shared properties plus a map of the rest.
    Intersection,
    /// `allOf` of schemas of different JSON types.
    MixedAllOf,
    /// An `enum` of values of several JSON types without a `type`: any JSON value,
    /// checked against the list by servers.
    MixedEnum,
    /// A tuple (`prefixItems`, or `items` as an array) whose length is not fixed: a
    /// list.
    Tuple,
    /// The `false` schema: a property that must be absent gets no field; elsewhere,
    /// any JSON value.
    FalseSchema,
    /// A keyword generated code does not enforce (`not`, `if`/`then`/`else`,
    /// `dependentSchemas`, `patternProperties`, `unevaluatedProperties`): the type
    /// accepts more values, and keeps undeclared properties when these keywords could
    /// declare some.
    Unenforced,
    /// A schema the generator cannot type (nested too deeply, a malformed or unknown
    /// `type`, a `$ref` to a remote document or `$dynamicRef`): any JSON value.
    Untyped,
    /// A malformed validation keyword, not enforced.
    Constraint,
    /// Two operations with one `operationId`: the later one is renamed.
    OperationId,
    /// A path key with a query string: its fixed values are sent and matched as query
    /// parameters.
    QueryInPath,
    /// A Swagger 2.0 construct the conversion to OpenAPI 3.0 can only approximate
    /// (a `collectionFormat` without an OpenAPI 3 style, a second body parameter, …).
    Swagger2,
}

impl Approximation {
    /// The kind's name as reports print it (`warning[discriminator]`).
    pub fn name(self) -> &'static str {
        match self {
            Approximation::Discriminator => "discriminator",
            Approximation::Intersection => "intersection",
            Approximation::MixedAllOf => "mixed-all-of",
            Approximation::MixedEnum => "mixed-enum",
            Approximation::Tuple => "tuple",
            Approximation::FalseSchema => "false-schema",
            Approximation::Unenforced => "unenforced",
            Approximation::Untyped => "untyped",
            Approximation::Constraint => "constraint",
            Approximation::OperationId => "operation-id",
            Approximation::QueryInPath => "query-in-path",
            Approximation::Swagger2 => "swagger2",
        }
    }
}

impl fmt::Display for Approximation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it stops generation.
    pub severity: Severity,
    /// For a warning, what was approximated.
    pub approximation: Option<Approximation>,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Diagnostic {
    /// A problem no sound code can be generated for.
    pub fn error(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            approximation: None,
            location,
            message: message.into(),
        }
    }

    /// A construct the generated code approximates.
    pub fn warning(
        approximation: Approximation,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            approximation: Some(approximation),
            location,
            message: message.into(),
        }
    }

    /// Whether this is a warning.
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.approximation {
            Some(kind) => write!(f, "warning[{kind}]: {}: {}", self.location, self.message),
            None => write!(f, "error: {}: {}", self.location, self.message),
        }
    }
}

/// Why generation failed.
#[derive(thiserror::Error)]
pub enum Error {
    /// The document has errors (or warnings, when they are denied); every problem
    /// found is listed, warnings included.
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
        write!(f, "{}", Summary(self.0))
    }
}

/// `2 errors and 1 warning found in the OpenAPI document`.
pub struct Summary<'a>(pub &'a [Diagnostic]);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warnings = self.0.iter().filter(|d| d.is_warning()).count();
        let errors = self.0.len() - warnings;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        match (errors, warnings) {
            (0, 0) => write!(f, "no problems found in the OpenAPI document"),
            (e, 0) => write!(f, "{e} error{} found in the OpenAPI document", plural(e)),
            (0, w) => write!(f, "{w} warning{} found in the OpenAPI document", plural(w)),
            (e, w) => write!(
                f,
                "{e} error{} and {w} warning{} found in the OpenAPI document",
                plural(e),
                plural(w)
            ),
        }
    }
}
