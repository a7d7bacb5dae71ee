//! Lowering: from loaded OpenAPI documents to the [IR](crate::ir).
//!
//! Problems are collected, not returned at the first one: lowering goes on with a
//! placeholder wherever a node is unusable, so a single run reports every problem of
//! a document (the way `oapi-gen check` lists them). A construct that can only be
//! approximated is a warning, and lowering writes the nearest sound type for it; the
//! note of each warning also goes into the documentation of the type it is in.

mod graph;
pub(crate) mod names;
mod operations;
mod schema;
mod shape_key;

use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Approximation, Diagnostic, Location, Severity};
use crate::ir::{
    Api, ParameterLocation, SecurityRequirement, SecurityScheme, SecuritySchemeKind, Server,
    TypeId, TypeKind, TypeSpace,
};
use crate::loader::{Documents, Node};
use names::Namespace;

/// Names generated code uses unqualified, so no generated type may take them: the
/// types and traits of Rust's prelude, serde's, the client's `Client`, and the
/// server's `Api` trait and the runtime types its module imports.
const RESERVED_TYPE_NAMES: &[&str] = &[
    // The prelude (edition 2024), types and traits.
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Default",
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "FromIterator",
    "ToString",
    "Future",
    "IntoFuture",
    "Serialize",
    "Deserialize",
    "Deserializer",
    "Client",
    "Api",
    "HandlerError",
    "RequestContext",
];

/// How much of a schema a warning's note quotes, at most.
const MAX_QUOTE: usize = 600;

/// Lowers a loaded document to the IR with the warnings found, or returns every
/// problem found (errors and warnings) when there is an error.
pub fn lower(documents: &Documents) -> Result<(Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut lowerer = Lowerer {
        documents,
        problems: Vec::new(),
        types: TypeSpace::default(),
        type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        named: HashMap::new(),
        filling: HashSet::new(),
        nesting: 0,
        deferred: Vec::new(),
        notes: Vec::new(),
    };
    let api = lowerer.api();
    let mut problems = lowerer.problems;
    // A document converted from Swagger 2.0 reports its nodes as written, and what
    // the conversion approximated.
    for problem in &mut problems {
        documents.original_diagnostic(problem);
    }
    problems.extend(
        documents
            .conversion_notes()
            .iter()
            .map(|(at, note)| Diagnostic::warning(Approximation::Swagger2, at.clone(), note)),
    );
    problems.sort_by(|a, b| a.location.cmp(&b.location));
    problems.dedup();
    if problems.iter().any(|p| p.severity == Severity::Error) {
        Err(problems)
    } else {
        Ok((api, problems))
    }
}

/// The state of one lowering run.
struct Lowerer<'a> {
    documents: &'a Documents,
    problems: Vec<Diagnostic>,
    types: TypeSpace,
    type_names: Namespace,
    /// Named types already created for schema locations (`$ref` targets).
    named: HashMap<Location, TypeId>,
    /// Named types whose lowering has started (their shape may still be pending).
    filling: HashSet<TypeId>,
    /// How many named types are being lowered inside each other right now.
    nesting: usize,
    /// `$ref` targets whose lowering was deferred to bound the nesting.
    deferred: Vec<Node<'a>>,
    /// The note of every warning, where it is: added to the type it is in.
    notes: Vec<(Location, String)>,
}

impl<'a> Lowerer<'a> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    fn error(&mut self, location: Location, message: impl Into<String>) {
        self.report(Diagnostic::error(location, message));
    }

    /// Reports an approximation; its message becomes a note of the type it is in.
    fn warn(&mut self, kind: Approximation, location: Location, message: impl Into<String>) {
        let message = message.into();
        self.notes.push((location.clone(), message.clone()));
        self.report(Diagnostic::warning(kind, location, message));
    }

    /// Like [`warn`](Self::warn), for a schema typed as any JSON value: the note
    /// quotes the schema (up to [`MAX_QUOTE`] bytes), which the type no longer says.
    fn warn_untyped(&mut self, kind: Approximation, node: &Node<'a>, message: impl Into<String>) {
        let message = message.into();
        let mut quote = compact_json(node.value);
        if quote.len() > MAX_QUOTE {
            let mut end = MAX_QUOTE;
            while !quote.is_char_boundary(end) {
                end -= 1;
            }
            quote.truncate(end);
            quote.push_str(" …");
        }
        self.notes
            .push((node.location.clone(), format!("{message}: `{quote}`")));
        self.report(Diagnostic::warning(kind, node.location.clone(), message));
    }

    /// Follows `$ref`s, reporting a failure and yielding `None`.
    fn resolve(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        match self.documents.resolve(node) {
            Ok(node) => Some(node),
            Err(problem) => {
                if problem.is_warning() {
                    self.notes
                        .push((problem.location.clone(), problem.message.clone()));
                }
                self.report(problem);
                None
            }
        }
    }

    /// Adds the note of every warning to the documentation of the innermost field or
    /// type whose schema holds the warning's location.
    fn attach_notes(&mut self) {
        // Every field and type by the location of its schema (several share one when
        // an intersection is distributed over a union).
        let mut by_location: HashMap<&Location, Vec<(usize, Option<usize>)>> = HashMap::new();
        for (i, def) in self.types.defs.iter().enumerate() {
            by_location
                .entry(&def.location)
                .or_default()
                .push((i, None));
            if let TypeKind::Struct(s) = &def.kind {
                for (f, field) in s.fields.iter().enumerate() {
                    by_location
                        .entry(&field.location)
                        .or_default()
                        .push((i, Some(f)));
                }
            }
        }
        let mut attached: Vec<(usize, Option<usize>, String)> = Vec::new();
        for (location, note) in &self.notes {
            let mut at = location.clone();
            loop {
                if let Some(holders) = by_location.get(&at) {
                    for &(i, f) in holders {
                        attached.push((i, f, note.clone()));
                    }
                    break;
                }
                match at.pointer.rfind('/') {
                    Some(slash) => at.pointer.truncate(slash),
                    None => break,
                }
            }
        }
        for (i, f, note) in attached {
            let def = &mut self.types.defs[i];
            let notes = match (f, &mut def.kind) {
                (Some(f), TypeKind::Struct(s)) => &mut s.fields[f].approximations,
                _ => &mut def.approximations,
            };
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }

    fn api(&mut self) -> Api {
        let root = self.documents.entry();
        let openapi_version = self.check_version(&root);
        let info = root.get("info");
        let (title, version, description) = match info.as_ref().filter(|i| i.value.is_object()) {
            Some(info) => (
                info.str("title").unwrap_or_default().to_owned(),
                info.get("version")
                    .map(|v| match v.value {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .unwrap_or_default(),
                info.str("description").map(str::to_owned),
            ),
            None => {
                self.error(root.location.clone(), "the document has no `info` object");
                (String::new(), String::new(), None)
            }
        };
        let servers = root
            .get("servers")
            .map(|servers| {
                servers
                    .elements()
                    .filter_map(|server| {
                        Some(Server {
                            url: server.str("url")?.to_owned(),
                            description: server.str("description").map(str::to_owned),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let security_schemes = self.security_schemes(&root);
        let global_security = self.security(root.get("security")).unwrap_or_default();

        self.component_schemas(&root);
        let operations = self.operations(&root, &global_security);
        self.lower_deferred();
        self.multipart_files(&operations);
        self.attach_notes();
        graph::finish(&mut self.types);
        Api {
            title,
            version,
            description,
            openapi_version,
            servers,
            operations,
            types: std::mem::take(&mut self.types),
            security_schemes,
            document_json: compact_json(root.value),
        }
    }

    /// Checks the `openapi` field: 3.0.x and 3.1.x are supported, and Swagger 2.0, which
    /// the loader converted.
    fn check_version(&mut self, root: &Node<'a>) -> String {
        if !root.value.is_object() {
            self.error(
                root.location.clone(),
                "an OpenAPI document must be an object",
            );
            return String::new();
        }
        if let Some(version) = self.documents.swagger_version() {
            return version.to_owned();
        }
        if let Some(swagger) = root.get("swagger") {
            self.error(
                swagger.location,
                format!(
                    "Swagger version {} is not supported; only Swagger 2.0 and OpenAPI 3.0 \
                     and 3.1 are",
                    swagger.value
                ),
            );
            return String::new();
        }
        match root.str("openapi") {
            Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => v.to_owned(),
            Some(v) => {
                self.error(
                    root.location.child("openapi"),
                    format!("OpenAPI version `{v}` is not supported; use 3.0.x or 3.1.x"),
                );
                v.to_owned()
            }
            None => {
                self.error(
                    root.location.clone(),
                    "the document has no `openapi` version field",
                );
                String::new()
            }
        }
    }

    fn security_schemes(&mut self, root: &Node<'a>) -> Vec<SecurityScheme> {
        let Some(schemes) = root
            .get("components")
            .and_then(|c| c.get("securitySchemes"))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, scheme) in schemes.entries().collect::<Vec<_>>() {
            let Some(scheme) = self.resolve(scheme) else {
                continue;
            };
            let kind = match scheme.str("type") {
                Some("apiKey") => {
                    let location = match scheme.str("in") {
                        Some("header") => ParameterLocation::Header,
                        Some("query") => ParameterLocation::Query,
                        Some("cookie") => ParameterLocation::Cookie,
                        _ => {
                            self.error(
                                scheme.location.child("in"),
                                "an apiKey scheme needs `in`: header, query or cookie",
                            );
                            continue;
                        }
                    };
                    SecuritySchemeKind::ApiKey {
                        location,
                        name: scheme.str("name").unwrap_or_default().to_owned(),
                    }
                }
                Some("http") => SecuritySchemeKind::Http {
                    scheme: scheme
                        .str("scheme")
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    bearer_format: scheme.str("bearerFormat").map(str::to_owned),
                },
                Some("oauth2") => SecuritySchemeKind::OAuth2,
                Some("openIdConnect") => SecuritySchemeKind::OpenIdConnect {
                    url: scheme
                        .str("openIdConnectUrl")
                        .unwrap_or_default()
                        .to_owned(),
                },
                Some("mutualTLS") => SecuritySchemeKind::MutualTls,
                other => {
                    self.error(
                        scheme.location.child("type"),
                        format!("unknown security scheme type {other:?}"),
                    );
                    continue;
                }
            };
            let extensions = scheme
                .entries()
                .filter(|(key, _)| key.starts_with("x-"))
                .map(|(key, node)| (key.to_owned(), node.value.clone()))
                .collect();
            out.push(SecurityScheme {
                name: name.to_owned(),
                description: scheme.str("description").map(str::to_owned),
                kind,
                extensions,
            });
        }
        out
    }

    /// Lowers a `security` array; `None` when absent.
    fn security(&mut self, node: Option<Node<'a>>) -> Option<Vec<SecurityRequirement>> {
        let node = node?;
        if !node.value.is_array() {
            self.error(node.location, "`security` must be an array");
            return None;
        }
        Some(
            node.elements()
                .map(|requirement| SecurityRequirement {
                    schemes: requirement
                        .entries()
                        .map(|(name, scopes)| {
                            let scopes = scopes
                                .elements()
                                .filter_map(|s| s.value.as_str().map(str::to_owned))
                                .collect();
                            (name.to_owned(), scopes)
                        })
                        .collect(),
                })
                .collect(),
        )
    }
}

/// `value` as compact JSON text, the same as its `Display` form, written straight to a
/// byte buffer rather than through a formatter (the document can be tens of megabytes).
fn compact_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| value.to_string())
}
