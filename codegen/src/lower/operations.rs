//! Lowering paths and operations: parameters, request bodies, responses, streaming.

use std::collections::HashMap;

use serde_json::Value;

use super::Lowerer;
use super::names::{self, Namespace};
use crate::diagnostics::{Approximation, Location};
use crate::ir::{
    Content, MediaKind, Method, Operation, OperationTypeNames, Parameter, ParameterLocation,
    ParameterStyle, PathPart, PathQuery, PathTemplate, Primitive, RequestBody, Response,
    ResponseHeader, SecurityRequirement, StatusCode, StreamFormat, StreamMarker, Streaming,
    TypeKind, TypeRef,
};
use crate::loader::Node;

/// Names operations may not take: functions of the generated `server` module beside
/// the operations' handlers, and methods of the generated `Client` beside the
/// operations' (its constructors, and trait methods an inherent method would hide).
const RESERVED_FN_NAMES: &[&str] = &[
    "router",
    "router_with",
    "api_router",
    "build_router",
    "new",
    "builder",
    "runtime",
    "clone",
    "fmt",
    "from",
    "into",
];

/// Names parameters may not take as Rust fields: the body's field, and the fields
/// and methods of the generated client's request builders.
const RESERVED_FIELD_NAMES: &[&str] = &["body", "client", "correlation_id", "send"];

/// Names a generated server handler binds itself in the scope of its parameters
/// (its state, the request, the decoded body, the error list and a validation's
/// location), which the locals it decodes parameters into must not shadow.
const HANDLER_LOCALS: &[&str] = &["api", "request", "incoming", "errors", "at", "body"];

impl<'a> Lowerer<'a> {
    /// Lowers every operation of `paths`, in document order.
    pub(super) fn operations(
        &mut self,
        root: &Node<'a>,
        global_security: &[SecurityRequirement],
    ) -> Vec<Operation> {
        let Some(paths) = root.get("paths") else {
            return Vec::new();
        };
        if !paths.value.is_object() {
            self.error(paths.location, "`paths` must be an object");
            return Vec::new();
        }
        let mut fn_names = Namespace::with_reserved(RESERVED_FN_NAMES);
        // The first place each operation id is used at.
        let mut seen_ids: HashMap<&str, Location> = HashMap::new();
        let mut operations = Vec::new();
        for (template, item) in paths.entries().collect::<Vec<_>>() {
            if template.starts_with("x-") {
                continue;
            }
            if !template.starts_with('/') {
                self.error(item.location.clone(), "a path must start with `/`");
                continue;
            }
            let (path_key, path_query) = match template.split_once('?') {
                Some((path, query)) => {
                    self.warn(
                        Approximation::QueryInPath,
                        item.location.clone(),
                        format!(
                            "the path `{template}` holds a query string: its fixed values \
                             are sent by clients and route requests on servers, its \
                             `{{parameters}}` are query parameters"
                        ),
                    );
                    (path, path_query(query))
                }
                None => (template, Vec::new()),
            };
            let Some(path) = self.path_template(path_key, &item.location) else {
                continue;
            };
            let Some(item) = self.resolve(item) else {
                continue;
            };
            let shared = self.parameter_nodes(item.get("parameters"));
            for method in Method::ALL {
                let Some(node) = item.get(method.key()) else {
                    continue;
                };
                if !node.value.is_object() {
                    self.error(node.location, "an operation must be an object");
                    continue;
                }
                let operation_id = match node.str("operationId") {
                    Some(id) => {
                        let at = node.location.child("operationId");
                        match seen_ids.get(id) {
                            Some(first) => {
                                let message = format!(
                                    "duplicate operationId `{id}` (first used at {first}): \
                                     this operation's names get a numeric suffix"
                                );
                                self.warn(Approximation::OperationId, at, message);
                            }
                            None => {
                                seen_ids.insert(id, at);
                            }
                        }
                        id.to_owned()
                    }
                    None => derived_operation_id(method, template),
                };
                let fn_name = fn_names.claim(&names::snake(&operation_id, "operation"));
                let base = names::camel(&operation_id, "Operation", "Op");
                let type_names = OperationTypeNames {
                    input: self.type_names.claim(&format!("{base}Request")),
                    response: self.type_names.claim(&format!("{base}Response")),
                    error: self.type_names.claim(&format!("{base}Error")),
                    base,
                };
                let operation = self.operation(
                    &node,
                    method,
                    (path.clone(), path_query.clone()),
                    operation_id,
                    fn_name,
                    type_names,
                    &shared,
                    global_security,
                );
                operations.push(operation);
            }
        }
        name_dispatchers(&mut operations, &mut fn_names);
        operations
    }

    /// Parses a path template into literal and parameter parts.
    fn path_template(&mut self, template: &str, at: &Location) -> Option<PathTemplate> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.error(at.clone(), format!("unclosed `{{` in path `{template}`"));
                return None;
            };
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let name = &rest[open + 1..close];
            if name.is_empty() || name.contains('{') {
                self.error(
                    at.clone(),
                    format!("malformed parameter in path `{template}`"),
                );
                return None;
            }
            parts.push(PathPart::Param(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            self.error(at.clone(), format!("unopened `}}` in path `{template}`"));
            return None;
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        Some(PathTemplate {
            template: template.to_owned(),
            parts,
        })
    }

    /// The resolved parameter objects of a `parameters` array.
    fn parameter_nodes(&mut self, list: Option<Node<'a>>) -> Vec<Node<'a>> {
        let Some(list) = list else {
            return Vec::new();
        };
        if !list.value.is_array() {
            self.error(list.location, "`parameters` must be an array");
            return Vec::new();
        }
        list.elements()
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|p| self.resolve(p))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        node: &Node<'a>,
        method: Method,
        (path, path_query): (PathTemplate, Vec<PathQuery>),
        operation_id: String,
        fn_name: String,
        type_names: OperationTypeNames,
        shared: &[Node<'a>],
        global_security: &[SecurityRequirement],
    ) -> Operation {
        // Operation parameters override path-item ones with the same name and location.
        let own = self.parameter_nodes(node.get("parameters"));
        let key = |p: &Node<'_>| {
            (
                p.str("name").map(str::to_owned),
                p.str("in").map(str::to_owned),
            )
        };
        let mut merged: Vec<Node<'a>> = shared
            .iter()
            .filter(|s| !own.iter().any(|o| key(o) == key(s)))
            .cloned()
            .collect();
        merged.extend(own);

        let mut field_names = Namespace::with_reserved(RESERVED_FIELD_NAMES);
        let mut local_names = Namespace::with_reserved(HANDLER_LOCALS);
        let mut parameters = Vec::new();
        for parameter in merged {
            let base = &type_names.base;
            if let Some(p) = self.parameter(&parameter, base, &mut field_names, &mut local_names) {
                if parameters
                    .iter()
                    .any(|q: &Parameter| q.name == p.name && q.location == p.location)
                {
                    self.error(
                        parameter.location,
                        format!("parameter `{}` is declared twice", p.name),
                    );
                    continue;
                }
                parameters.push(p);
            }
        }
        // A `{placeholder}` of the path key's query string declared `in: path` is a
        // query parameter: under the key whose value it is, or, for a placeholder key
        // (`{field}=1`), under its own name.
        for p in &mut parameters {
            let in_path = path
                .parts
                .iter()
                .any(|part| matches!(part, PathPart::Param(n) if *n == p.name));
            if p.location != ParameterLocation::Path || in_path {
                continue;
            }
            let placeholder = format!("{{{}}}", p.name);
            let wire = match path_query
                .iter()
                .find(|q| q.parameter.as_deref() == Some(p.name.as_str()) || q.name == placeholder)
            {
                Some(q) if q.name == placeholder => {
                    self.warn(
                        Approximation::QueryInPath,
                        p.location_in_spec.clone(),
                        format!(
                            "path parameter `{}` names a query key of the path key; it is \
                             sent as the query parameter `{}`",
                            p.name, p.name
                        ),
                    );
                    p.name.clone()
                }
                Some(q) => q.name.clone(),
                None => continue,
            };
            p.name = wire;
            p.location = ParameterLocation::Query;
            p.style = ParameterStyle::Form;
            p.explode = true;
        }
        self.check_path_parameters(node, &path, &parameters);

        let request_body = node
            .get("requestBody")
            .and_then(|body| self.request_body(body, &type_names.base));
        let responses = self.responses(node, &type_names.base);
        let streaming = self.streaming(node, &responses);
        let security = self
            .security(node.get("security"))
            .unwrap_or_else(|| global_security.to_vec());
        Operation {
            operation_id,
            fn_name,
            type_names,
            method,
            path,
            path_query,
            dispatcher: None,
            summary: node.str("summary").map(str::to_owned),
            description: node.str("description").map(str::to_owned),
            tags: node
                .get("tags")
                .map(|t| {
                    t.elements()
                        .filter_map(|t| t.value.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            deprecated: node.bool("deprecated").unwrap_or(false),
            security,
            parameters,
            request_body,
            responses,
            streaming,
            location: node.location.clone(),
        }
    }

    /// Every `{name}` of the template has a path parameter and vice versa.
    fn check_path_parameters(
        &mut self,
        node: &Node<'a>,
        path: &PathTemplate,
        parameters: &[Parameter],
    ) {
        for parameter in parameters {
            if parameter.location == ParameterLocation::Path
                && !path
                    .parts
                    .iter()
                    .any(|p| matches!(p, PathPart::Param(n) if *n == parameter.name))
            {
                self.error(
                    parameter.location_in_spec.clone(),
                    format!(
                        "path parameter `{}` is not in the path template `{}`",
                        parameter.name, path.template
                    ),
                );
            }
        }
        for part in &path.parts {
            if let PathPart::Param(name) = part {
                let declared = parameters
                    .iter()
                    .any(|p| p.location == ParameterLocation::Path && p.name == *name);
                if !declared {
                    self.error(
                        node.location.clone(),
                        format!(
                            "the path template `{}` has `{{{name}}}` but no path parameter `{name}` is declared",
                            path.template
                        ),
                    );
                }
            }
        }
    }

    /// One parameter (`None` when it is too broken to use, the problem recorded),
    /// its field named in `field_names` and its handler local in `local_names`.
    fn parameter(
        &mut self,
        node: &Node<'a>,
        base: &str,
        field_names: &mut Namespace,
        local_names: &mut Namespace,
    ) -> Option<Parameter> {
        let Some(name) = node.str("name") else {
            self.error(node.location.clone(), "a parameter needs a string `name`");
            return None;
        };
        let location = match node.str("in") {
            Some("path") => ParameterLocation::Path,
            Some("query") => ParameterLocation::Query,
            Some("header") => ParameterLocation::Header,
            Some("cookie") => ParameterLocation::Cookie,
            other => {
                self.error(
                    node.location.child("in"),
                    format!("parameter `in` must be path, query, header or cookie, not {other:?}"),
                );
                return None;
            }
        };
        let required = node.bool("required").unwrap_or(false);
        if location == ParameterLocation::Path && !required {
            self.error(
                node.get("required")
                    .map_or_else(|| node.location.clone(), |r| r.location),
                format!("path parameter `{name}` must have `required: true`"),
            );
        }
        let style = match node.str("style") {
            None => match location {
                ParameterLocation::Path | ParameterLocation::Header => ParameterStyle::Simple,
                ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
            },
            Some("matrix") => ParameterStyle::Matrix,
            Some("label") => ParameterStyle::Label,
            Some("form") => ParameterStyle::Form,
            Some("simple") => ParameterStyle::Simple,
            Some("spaceDelimited") => ParameterStyle::SpaceDelimited,
            Some("pipeDelimited") => ParameterStyle::PipeDelimited,
            Some("deepObject") => ParameterStyle::DeepObject,
            Some(other) => {
                self.error(
                    node.location.child("style"),
                    format!("unknown parameter style `{other}`"),
                );
                ParameterStyle::Simple
            }
        };
        let explode = node
            .bool("explode")
            .unwrap_or(style == ParameterStyle::Form);
        let hint = format!("{base}{}", names::name_part(name));
        let (schema, json_content) = match (node.get("schema"), node.get("content")) {
            (Some(schema), _) => (Some(schema), false),
            (None, Some(content)) => match content.entries().next() {
                Some((_, media)) => (media.get("schema"), true),
                None => (None, true),
            },
            (None, None) => {
                self.error(
                    node.location.clone(),
                    format!("parameter `{name}` has neither `schema` nor `content`"),
                );
                (None, false)
            }
        };
        let (ty, constraints, default) = match schema {
            Some(schema) => {
                let ty = self.schema_type(&schema, &hint, 0);
                match self.documents.resolve(schema.clone()) {
                    Ok(resolved) => (
                        ty,
                        self.value_constraints(&resolved),
                        resolved
                            .value
                            .get("default")
                            .filter(|d| !d.is_null())
                            .cloned(),
                    ),
                    Err(_) => (ty, Default::default(), None),
                }
            }
            None => (
                TypeRef::Primitive(Primitive::String),
                Default::default(),
                None,
            ),
        };
        let rust_name = field_names.claim(&names::snake(name, "param"));
        let local_name = local_names.claim(&rust_name);
        Some(Parameter {
            name: name.to_owned(),
            rust_name,
            local_name,
            location,
            style,
            explode,
            required,
            deprecated: node.bool("deprecated").unwrap_or(false),
            allow_reserved: node.bool("allowReserved").unwrap_or(false),
            description: node.str("description").map(str::to_owned),
            ty: match ty {
                TypeRef::Option(inner) => *inner,
                other => other,
            },
            constraints,
            default,
            json_content,
            location_in_spec: node.location.clone(),
        })
    }

    fn request_body(&mut self, node: Node<'a>, base: &str) -> Option<RequestBody> {
        let body = self.resolve(node)?;
        let contents = self.contents(&body, &format!("{base}Body"));
        let first = contents.first().map(Content::request_payload);
        let enum_name = contents
            .iter()
            .any(|c| Some(c.request_payload()) != first)
            .then(|| self.type_names.claim(&format!("{base}RequestBody")));
        Some(RequestBody {
            required: body.bool("required").unwrap_or(false),
            description: body.str("description").map(str::to_owned),
            contents,
            enum_name,
        })
    }

    /// Makes the `format: binary` properties of the structs used as `multipart/*`
    /// request bodies files ([`Primitive::File`]), once every type is lowered.
    pub(super) fn multipart_files(&mut self, operations: &[Operation]) {
        let bodies = operations
            .iter()
            .filter_map(|op| op.request_body.as_ref())
            .flat_map(|body| &body.contents)
            .filter(|content| content.kind == MediaKind::Multipart)
            .filter_map(|content| content.ty.as_ref());
        for ty in bodies {
            let mut ty = ty;
            // The struct behind aliases and boxes.
            let id = loop {
                match ty {
                    TypeRef::Named(id) => match &self.types.get(*id).kind {
                        TypeKind::Alias(target) | TypeKind::Newtype(target) => ty = target,
                        TypeKind::Struct(_) => break Some(*id),
                        _ => break None,
                    },
                    TypeRef::Boxed(inner) | TypeRef::Option(inner) => ty = inner,
                    _ => break None,
                }
            };
            if let Some(id) = id
                && let TypeKind::Struct(s) = &mut self.types.get_mut(id).kind
            {
                for field in &mut s.fields {
                    binary_to_file(&mut field.ty);
                }
            }
        }
    }

    /// The `content` map of a body or response.
    fn contents(&mut self, owner: &Node<'a>, hint: &str) -> Vec<Content> {
        let Some(content) = owner.get("content") else {
            return Vec::new();
        };
        if !content.value.is_object() {
            self.error(content.location, "`content` must be an object");
            return Vec::new();
        }
        let mut variant_names = Namespace::default();
        let mut out = Vec::new();
        for (media_type, media) in content.entries().collect::<Vec<_>>() {
            let kind = media_kind(media_type);
            let schema = match kind {
                MediaKind::JsonLines => media.get("itemSchema").or_else(|| media.get("schema")),
                MediaKind::EventStream => match media.get("itemSchema") {
                    Some(item) => Some(self.event_data_schema(item)),
                    None => media.get("schema"),
                },
                _ => media.get("schema"),
            };
            let ty = schema.map(|schema| self.schema_type(&schema, hint, 0));
            out.push(Content {
                media_type: media_type.to_owned(),
                kind,
                ty,
                variant_name: variant_names.claim(kind_label(kind)),
            });
        }
        out
    }

    /// The schema of one event's `data` for an SSE `itemSchema`: the `contentSchema` of
    /// its `data` property when given (FastAPI's form), else the item schema itself.
    fn event_data_schema(&mut self, item: Node<'a>) -> Node<'a> {
        let resolved = self.documents.resolve(item.clone()).unwrap_or(item);
        resolved
            .get("properties")
            .and_then(|p| p.get("data"))
            .and_then(|d| d.get("contentSchema"))
            .unwrap_or(resolved)
    }

    fn responses(&mut self, node: &Node<'a>, base: &str) -> Vec<Response> {
        let Some(responses) = node.get("responses") else {
            return Vec::new();
        };
        if !responses.value.is_object() {
            self.error(responses.location, "`responses` must be an object");
            return Vec::new();
        }
        let mut variant_names = Namespace::default();
        let mut out = Vec::new();
        for (key, response) in responses.entries().collect::<Vec<_>>() {
            if key.starts_with("x-") {
                continue;
            }
            let Some(status) = parse_status(key) else {
                self.error(
                    response.location,
                    format!(
                        "`{key}` is not a response status (a code, `2XX`-style range, or `default`)"
                    ),
                );
                continue;
            };
            let Some(response) = self.resolve(response) else {
                continue;
            };
            let variant_name = variant_names.claim(&status_label(status));
            let hint = if status.is_success() {
                format!("{base}{variant_name}")
            } else {
                format!("{base}{variant_name}Body")
            };
            let contents = self.contents(&response, &hint);
            let mut header_names = Namespace::default();
            let mut headers = Vec::new();
            if let Some(list) = response.get("headers") {
                for (name, header) in list.entries().collect::<Vec<_>>() {
                    if name.eq_ignore_ascii_case("content-type") {
                        continue;
                    }
                    let Some(header) = self.resolve(header) else {
                        continue;
                    };
                    let ty = match header.get("schema") {
                        Some(schema) => {
                            let hint = format!("{hint}{}", names::name_part(name));
                            self.schema_type(&schema, &hint, 0)
                        }
                        None => TypeRef::Primitive(Primitive::String),
                    };
                    headers.push(ResponseHeader {
                        name: name.to_owned(),
                        rust_name: header_names.claim(&names::snake(name, "header")),
                        required: header.bool("required").unwrap_or(false),
                        description: header.str("description").map(str::to_owned),
                        ty: match ty {
                            TypeRef::Option(inner) => *inner,
                            other => other,
                        },
                    });
                }
            }
            out.push(Response {
                status,
                variant_name,
                description: response.str("description").map(str::to_owned),
                headers,
                contents,
            });
        }
        out
    }

    /// Whether and how the operation streams (DESIGN.md, "Streaming").
    fn streaming(&mut self, node: &Node<'a>, responses: &[Response]) -> Option<Streaming> {
        for response in responses.iter().filter(|r| r.status.is_success()) {
            for content in &response.contents {
                let format = match content.kind {
                    MediaKind::JsonLines => StreamFormat::JsonLines,
                    MediaKind::EventStream => StreamFormat::EventStream,
                    _ => continue,
                };
                return Some(Streaming {
                    status: response.status,
                    format,
                    media_type: content.media_type.clone(),
                    item: content
                        .ty
                        .clone()
                        .unwrap_or(TypeRef::Primitive(Primitive::Any)),
                    marker: StreamMarker::MediaType,
                });
            }
        }
        if node.value.get("x-streaming") == Some(&Value::Bool(true)) {
            let ok = responses
                .iter()
                .find(|r| r.status == StatusCode::Code(200))
                .or_else(|| responses.iter().find(|r| r.status.is_success()));
            let Some(ok) = ok else {
                self.error(
                    node.location.child("x-streaming"),
                    "`x-streaming: true` needs a 200 response whose schema is the chunk type",
                );
                return None;
            };
            let item = ok
                .contents
                .iter()
                .find_map(|c| c.ty.clone())
                .unwrap_or(TypeRef::Primitive(Primitive::Any));
            // The reference's servers send the declared media type (usually
            // `application/json`) with one JSON value per line.
            let media_type = ok
                .contents
                .first()
                .map_or("application/jsonl", |c| c.media_type.as_str())
                .to_owned();
            return Some(Streaming {
                status: ok.status,
                format: StreamFormat::JsonLines,
                media_type,
                item,
                marker: StreamMarker::Extension,
            });
        }
        None
    }
}

/// An operation id for an operation that has none: method and path, e.g.
/// `get_pets_pet_id` for `GET /pets/{petId}`.
fn derived_operation_id(method: Method, template: &str) -> String {
    let mut id = method.key().to_owned();
    for segment in template.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_matches(|c| c == '{' || c == '}'));
    }
    if id == method.key() {
        id.push_str("_root");
    }
    id
}

/// Replaces raw bytes by files in a property type (`Option`s and arrays of them
/// included; named types are left alone).
fn binary_to_file(ty: &mut TypeRef) {
    match ty {
        TypeRef::Primitive(p @ Primitive::Binary) => *p = Primitive::File,
        TypeRef::Option(inner) | TypeRef::Array(inner) | TypeRef::Boxed(inner) => {
            binary_to_file(inner)
        }
        _ => {}
    }
}

/// How a media type's payload is carried.
pub(crate) fn media_kind(media_type: &str) -> MediaKind {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/jsonl"
        | "application/x-ndjson"
        | "application/jsonlines"
        | "application/x-jsonlines" => MediaKind::JsonLines,
        "text/event-stream" => MediaKind::EventStream,
        "application/x-www-form-urlencoded" => MediaKind::FormUrlEncoded,
        "application/json" => MediaKind::Json,
        e if e.starts_with("multipart/") => MediaKind::Multipart,
        e if e.ends_with("+json") || e.ends_with("/json") => MediaKind::Json,
        e if e.starts_with("text/") || e.ends_with("/xml") || e.ends_with("+xml") => {
            MediaKind::Text
        }
        _ => MediaKind::Binary,
    }
}

fn kind_label(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Json => "Json",
        MediaKind::JsonLines => "JsonLines",
        MediaKind::EventStream => "EventStream",
        MediaKind::FormUrlEncoded => "Form",
        MediaKind::Multipart => "Multipart",
        MediaKind::Text => "Text",
        MediaKind::Binary => "Binary",
    }
}

/// Parses a response key: `200`, `2XX`/`2xx`, `default`.
fn parse_status(key: &str) -> Option<StatusCode> {
    if key == "default" {
        return Some(StatusCode::Default);
    }
    let bytes = key.as_bytes();
    if bytes.len() != 3 || !(b'1'..=b'5').contains(&bytes[0]) {
        return None;
    }
    if bytes[1..].eq_ignore_ascii_case(b"xx") {
        return Some(StatusCode::Range(bytes[0] - b'0'));
    }
    key.parse().ok().map(StatusCode::Code)
}

/// The UpperCamel name of a status: its reason phrase, or a range or default name.
fn status_label(status: StatusCode) -> String {
    match status {
        StatusCode::Default => "Default".to_owned(),
        StatusCode::Range(digit) => match digit {
            1 => "Informational",
            2 => "Success",
            3 => "Redirection",
            4 => "ClientError",
            _ => "ServerError",
        }
        .to_owned(),
        StatusCode::Code(code) => match reason_phrase(code) {
            Some(phrase) => names::name_part(phrase),
            None => format!("Status{code}"),
        },
    }
}

fn reason_phrase(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi Status",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "Uri Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "Http Version Not Supported",
        507 => "Insufficient Storage",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// The items of the query string of a path key (`method=x&q={q}`), decoded.
fn path_query(query: &str) -> Vec<PathQuery> {
    query
        .split('&')
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (name, value) = item.split_once('=').unwrap_or((item, ""));
            let parameter = placeholder(value).map(str::to_owned);
            PathQuery {
                name: match placeholder(name) {
                    // A key that is a placeholder (`{field}=1`) is named by the
                    // parameter's value; it selects nothing by its name.
                    Some(parameter) => format!("{{{parameter}}}"),
                    None => decode(name),
                },
                value: match parameter {
                    Some(_) => None,
                    None => Some(decode(value)),
                },
                parameter,
            }
        })
        .collect()
}

/// The parameter name of a `{name}` placeholder.
fn placeholder(text: &str) -> Option<&str> {
    text.strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .filter(|v| !v.is_empty() && !v.contains(['{', '}']))
}

/// Form decoding (`+` is a space, then percent-decoding), as servers decode queries;
/// a malformed escape stays as written.
fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    crate::loader::pointer::percent_decode(&spaced).unwrap_or(spaced)
}

/// Names the server function that routes requests among the operations that share a
/// path and method (path keys told apart by their query string), on the first of them.
fn name_dispatchers(operations: &mut [Operation], fn_names: &mut Namespace) {
    let mut groups: Vec<((String, Method), Vec<usize>)> = Vec::new();
    let mut index: HashMap<(String, Method), usize> = HashMap::new();
    for (i, op) in operations.iter().enumerate() {
        let key = (op.path.template.clone(), op.method);
        match index.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
        }
    }
    for (_, members) in groups {
        if let [first, _, ..] = members.as_slice() {
            let name = fn_names.claim(&format!("{}_by_query", operations[*first].fn_name));
            operations[*first].dispatcher = Some(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_keys() {
        assert_eq!(parse_status("200"), Some(StatusCode::Code(200)));
        assert_eq!(parse_status("4XX"), Some(StatusCode::Range(4)));
        assert_eq!(parse_status("2xx"), Some(StatusCode::Range(2)));
        assert_eq!(parse_status("default"), Some(StatusCode::Default));
        assert_eq!(parse_status("20x"), None);
        assert_eq!(parse_status("600"), None);
        assert_eq!(parse_status("ok"), None);
    }

    #[test]
    fn derives_operation_ids_from_method_and_path() {
        assert_eq!(
            derived_operation_id(Method::Get, "/pets/{petId}"),
            "get_pets_petId"
        );
        assert_eq!(derived_operation_id(Method::Post, "/"), "post_root");
    }

    #[test]
    fn classifies_media_types() {
        assert_eq!(
            media_kind("application/json; charset=utf-8"),
            MediaKind::Json
        );
        assert_eq!(media_kind("application/problem+json"), MediaKind::Json);
        assert_eq!(media_kind("application/x-ndjson"), MediaKind::JsonLines);
        assert_eq!(media_kind("text/event-stream"), MediaKind::EventStream);
        assert_eq!(media_kind("multipart/form-data"), MediaKind::Multipart);
        assert_eq!(media_kind("text/plain"), MediaKind::Text);
        assert_eq!(media_kind("application/octet-stream"), MediaKind::Binary);
        assert_eq!(status_label(StatusCode::Code(404)), "NotFound");
        assert_eq!(status_label(StatusCode::Code(299)), "Status299");
    }

    #[test]
    fn path_key_queries_are_split_into_fixed_values_and_placeholders() {
        let items = super::path_query("method=flickr.photos.search&q={q}&flag&a%20b=c+d&{field}=1");
        let pairs: Vec<(&str, Option<&str>)> = items
            .iter()
            .map(|q| (q.name.as_str(), q.value.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("method", Some("flickr.photos.search")),
                ("q", None),
                ("flag", Some("")),
                ("a b", Some("c d")),
                ("{field}", Some("1")),
            ]
        );
    }
}
