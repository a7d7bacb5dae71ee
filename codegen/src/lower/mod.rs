//! Lowering: from loaded OpenAPI documents to the [IR](crate::ir).
//!
//! Problems are collected, not returned at the first one: lowering goes on with a
//! placeholder wherever a node is unusable, so a single run reports every problem of
//! a document (the way `oapi-gen check` lists them).

mod graph;
pub(crate) mod names;
mod operations;
mod schema;
mod shape_key;

use std::collections::{HashMap, HashSet};

use crate::diagnostics::{Diagnostic, Location};
use crate::ir::{
    Api, ParameterLocation, SecurityRequirement, SecurityScheme, SecuritySchemeKind, Server,
    TypeId, TypeSpace,
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

/// Lowers a loaded document to the IR, or returns every problem found.
pub fn lower(documents: &Documents) -> Result<Api, Vec<Diagnostic>> {
    let mut lowerer = Lowerer {
        documents,
        problems: Vec::new(),
        types: TypeSpace::default(),
        type_names: Namespace::with_reserved(RESERVED_TYPE_NAMES),
        named: HashMap::new(),
        filling: HashSet::new(),
        nesting: 0,
        deferred: Vec::new(),
    };
    let api = lowerer.api();
    if lowerer.problems.is_empty() {
        Ok(api)
    } else {
        let mut problems = lowerer.problems;
        problems.sort_by(|a, b| a.location.cmp(&b.location));
        problems.dedup();
        Err(problems)
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
}

impl<'a> Lowerer<'a> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.problems.push(diagnostic);
    }

    fn invalid(&mut self, location: Location, message: impl Into<String>) {
        self.report(Diagnostic::invalid(location, message));
    }

    fn unsupported(&mut self, location: Location, message: impl Into<String>) {
        self.report(Diagnostic::unsupported(location, message));
    }

    /// Follows `$ref`s, reporting a failure and yielding `None`.
    fn resolve(&mut self, node: Node<'a>) -> Option<Node<'a>> {
        match self.documents.resolve(node) {
            Ok(node) => Some(node),
            Err(problem) => {
                self.report(problem);
                None
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
                self.invalid(root.location.clone(), "the document has no `info` object");
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

    /// Checks the `openapi` field: 3.0.x and 3.1.x are supported, Swagger 2.0 is not.
    fn check_version(&mut self, root: &Node<'a>) -> String {
        if !root.value.is_object() {
            self.invalid(
                root.location.clone(),
                "an OpenAPI document must be an object",
            );
            return String::new();
        }
        if root.get("swagger").is_some() {
            self.unsupported(
                root.location.child("swagger"),
                "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported \
                 (convert it first, e.g. with `npx swagger2openapi`)",
            );
            return String::new();
        }
        match root.str("openapi") {
            Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => v.to_owned(),
            Some(v) => {
                self.unsupported(
                    root.location.child("openapi"),
                    format!("OpenAPI version `{v}` is not supported; use 3.0.x or 3.1.x"),
                );
                v.to_owned()
            }
            None => {
                self.invalid(
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
                            self.invalid(
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
                    self.invalid(
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
            self.invalid(node.location, "`security` must be an array");
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
