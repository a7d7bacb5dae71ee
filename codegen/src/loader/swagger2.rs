//! Swagger 2.0 documents read as the OpenAPI 3.0 documents they amount to.
//!
//! When the entry document says `swagger: "2.0"`, every loaded file is rewritten, after
//! loading and before lowering, into its OpenAPI 3.0.3 equivalent, the way
//! `swagger2openapi` converts:
//!
//! - the entry's `definitions`, `parameters`, `responses` and `securityDefinitions`
//!   become `components.schemas`, `components.parameters` (body parameters:
//!   `components.requestBodies`), `components.responses` and
//!   `components.securitySchemes`; `host`, `basePath` and `schemes` become `servers`;
//! - `in: body` parameters become `requestBody`s and `in: formData` ones a form or
//!   multipart `requestBody` with one property per parameter, with the media types
//!   `consumes` lists; response `schema`s become `content` for each media type
//!   `produces` lists; the other parameters and the headers keep their value keywords
//!   in a `schema`, their `collectionFormat` as `style` and `explode`;
//! - schemas: `x-nullable` becomes `nullable`, `type: file` a binary string, and a
//!   `discriminator` property name a discriminator object;
//! - `$ref`s to what moved are rewritten (`#/definitions/Pet` →
//!   `#/components/schemas/Pet`, also from other files).
//!
//! Nodes of other files are converted in place (a schema of `common.yaml#/Pet` stays
//! there), in the role the `$ref` that reaches them gives them. Every converted document
//! keeps where its nodes came from, so that problems found in it are reported at the
//! original file and JSON pointer ([`Conversion::original`]).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::{Documents, Node, pointer};
use crate::diagnostics::Location;

/// The OpenAPI version a converted document declares.
pub const CONVERTED_VERSION: &str = "3.0.3";

/// The operation keys of a 2.0 path item.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords of a 2.0 non-body parameter, header or items object that describe its
/// value: in OpenAPI 3.0 they are the keywords of its `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The media type of bodies and responses whose operation and document say none.
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// How many media types of one `consumes` or `produces` list are used: each gets a
/// copy of the body's or response's schema, which bounds what a small document can
/// grow to.
const MAX_MEDIA_TYPES: usize = 32;

/// How many JSON nodes a shared body parameter or response may have, at most, to be
/// copied into an operation with other media types than the document's.
const MAX_COPIED_NODES: usize = 256;

/// Whether `root` is a Swagger 2.0 document (`swagger: "2.0"`, or the YAML number).
pub fn is_swagger2(root: &Value) -> bool {
    match root.get("swagger") {
        Some(Value::String(version)) => version == "2.0",
        Some(Value::Number(version)) => version.as_f64() == Some(2.0),
        _ => false,
    }
}

/// Where the nodes of the converted documents came from, and what was approximated.
#[derive(Debug, Default)]
pub struct Conversion {
    /// Per document (by index), converted pointer → where that node came from. A node
    /// without an entry of its own is where its nearest ancestor with one says, with
    /// the rest of its pointer appended (or, for a node the conversion made up, at that
    /// ancestor's origin itself).
    origins: Vec<BTreeMap<String, Origin>>,
    /// Per document, the converted pointer of each object whose `$ref` was rewritten →
    /// (the `$ref` as written, as rewritten).
    rewritten: Vec<HashMap<String, (String, String)>>,
    /// Constructs the conversion could only approximate, at their original location.
    ///
    /// To be reported as warnings once the lowering has them; nothing reports them yet.
    pub notes: Vec<(Location, String)>,
}

/// Where a converted node came from.
#[derive(Debug, Clone)]
struct Origin {
    location: Location,
    /// The node was made up by the conversion (a `content` map, a form body's schema):
    /// its descendants without an entry of their own are located at `location` itself.
    synthetic: bool,
}

impl Conversion {
    /// A message about the node at `location` of the converted document `index`, with
    /// the `$ref` of that node quoted as written rather than as rewritten.
    pub fn original_message(&self, index: usize, location: &Location, message: &str) -> String {
        let Some(object) = location.pointer.strip_suffix("/$ref") else {
            return message.to_owned();
        };
        match self.rewritten.get(index).and_then(|r| r.get(object)) {
            Some((written, rewritten)) => {
                message.replace(&format!("`{rewritten}`"), &format!("`{written}`"))
            }
            None => message.to_owned(),
        }
    }

    /// Where the node at `pointer` of the converted document `index` came from.
    pub fn original(&self, index: usize, location: &Location) -> Location {
        let Some(origins) = self.origins.get(index) else {
            return location.clone();
        };
        match lookup(origins, &location.pointer) {
            Some((prefix, origin))
                if origin.synthetic || prefix.len() == location.pointer.len() =>
            {
                origin.location.clone()
            }
            Some((prefix, origin)) => Location::new(
                origin.location.file.clone(),
                format!(
                    "{}{}",
                    origin.location.pointer,
                    &location.pointer[prefix.len()..]
                ),
            ),
            None => location.clone(),
        }
    }
}

/// The entry of `map` for the longest prefix of `pointer` (itself included) that ends
/// at a reference token boundary.
fn lookup<'m, V>(map: &'m BTreeMap<String, V>, pointer: &'m str) -> Option<(&'m str, &'m V)> {
    if map.is_empty() {
        return None;
    }
    if let Some(value) = map.get(pointer) {
        return Some((pointer, value));
    }
    let mut end = pointer.len();
    while let Some(slash) = pointer[..end].rfind('/') {
        end = slash;
        if let Some(value) = map.get(&pointer[..end]) {
            return Some((&pointer[..end], value));
        }
    }
    None
}

/// What a node reached by `$ref` is, which says how to convert it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
    PathItem,
}

/// How an operation uses one of its 2.0 parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Body,
    Form,
    Other,
}

/// One entry of a 2.0 `parameters` list: as written, and the parameter it resolves to.
#[derive(Debug, Clone)]
struct Use<'a> {
    written: Node<'a>,
    resolved: Option<Node<'a>>,
    kind: Kind,
}

impl Use<'_> {
    /// The name and location that identify the parameter (a path item's is overridden
    /// by an operation's with the same).
    fn key(&self) -> (Option<&str>, Option<&str>) {
        match &self.resolved {
            Some(p) => (p.str("name"), p.str("in")),
            None => (None, None),
        }
    }
}

/// Converts every document of `documents`, whose entry is a Swagger 2.0 document: the
/// new root of each document that changed (by index), and where their nodes came from.
pub fn convert(documents: &Documents) -> (Vec<Option<Value>>, Conversion) {
    let count = documents.documents.len();
    let mut converter = Converter {
        documents,
        out: vec![None; count],
        origins: vec![BTreeMap::new(); count],
        forward: vec![BTreeMap::new(); count],
        refs: Vec::new(),
        queue: VecDeque::new(),
        done: vec![HashSet::new(); count],
        notes: Vec::new(),
        consumes: Vec::new(),
        produces: Vec::new(),
        servers: None,
        copying: false,
    };
    let entry = documents.entry();
    let root = converter.document(&entry);
    converter.out[0] = Some(root);
    converter.drain_queue();
    let rewritten = converter.rewrite_refs();
    let Converter {
        out,
        origins,
        notes,
        ..
    } = converter;
    (
        out,
        Conversion {
            origins,
            rewritten,
            notes,
        },
    )
}

/// The state of one conversion.
struct Converter<'a> {
    documents: &'a Documents,
    /// The converted root of each document, once it has one.
    out: Vec<Option<Value>>,
    /// Per document: converted pointer → origin (see [`Conversion::origins`]).
    origins: Vec<BTreeMap<String, Origin>>,
    /// Per document: original pointer → converted pointer of the nodes that moved within
    /// their file (the first place, for a node copied to several), for `$ref`s.
    forward: Vec<BTreeMap<String, String>>,
    /// Every kept `$ref`: the document and converted pointer of the object holding it.
    refs: Vec<(usize, String)>,
    /// `$ref` targets to convert in place, in the role the `$ref` gives them.
    queue: VecDeque<(Location, Role)>,
    /// Per document, the original pointers of the nodes converted in a role.
    done: Vec<HashSet<String>>,
    notes: Vec<(Location, String)>,
    /// The document's `consumes` and `produces`.
    consumes: Vec<String>,
    produces: Vec<String>,
    /// `host` and `basePath`, for operation `schemes`.
    servers: Option<(String, String)>,
    /// Set while converting a copy of a shared node (whose `$ref`s do not lead to it).
    copying: bool,
}

/// `at` with the reference token `key` appended.
fn child(at: &str, key: &str) -> String {
    let mut pointer = String::with_capacity(at.len() + key.len() + 1);
    pointer.push_str(at);
    pointer.push('/');
    pointer::escape_into(key, &mut pointer);
    pointer
}

/// The media types of a `consumes` or `produces` value (a string is taken as one),
/// without repeats, and whether some were left out past [`MAX_MEDIA_TYPES`].
fn media_types(node: Option<Node<'_>>) -> Option<(Vec<String>, bool)> {
    let node = node?;
    let mut types: Vec<String> = match node.value {
        Value::String(one) => vec![one.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    let mut seen = HashSet::new();
    types.retain(|t| seen.insert(t.clone()));
    let cut = types.len() > MAX_MEDIA_TYPES;
    types.truncate(MAX_MEDIA_TYPES);
    Some((types, cut))
}

/// Whether `value` has at most `budget` JSON nodes.
fn small(value: &Value, budget: usize) -> bool {
    let mut left = budget;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        if left == 0 {
            return false;
        }
        left -= 1;
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    true
}

/// `media` or, when it is absent or empty, `fallback`, or the default media type.
fn effective(media: Option<Vec<String>>, fallback: &[String]) -> Vec<String> {
    match media {
        Some(media) if !media.is_empty() => media,
        _ if !fallback.is_empty() => fallback.to_vec(),
        _ => vec![DEFAULT_MEDIA_TYPE.to_owned()],
    }
}

/// A URI fragment holding `pointer`, percent-encoding what a fragment may not hold
/// (and `%`, which the loader decodes).
fn encode_fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for c in pointer.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?".contains(c) {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

impl<'a> Converter<'a> {
    fn file(&self, doc: usize) -> Arc<Path> {
        self.documents.documents[doc].path.clone()
    }

    /// Records that the converted node at `at` of `doc` came from `from`. `primary`: it
    /// is the place `$ref`s to `from` now lead to. Parents are recorded before their
    /// children, so an entry that its ancestors already imply is left out.
    fn origin(&mut self, doc: usize, at: &str, from: &Location, synthetic: bool, primary: bool) {
        if synthetic || self.implied_origin(doc, at).as_ref() != Some(from) {
            self.origins[doc].insert(
                at.to_owned(),
                Origin {
                    location: from.clone(),
                    synthetic,
                },
            );
        }
        if primary
            && !self.copying
            && self.documents.index_of(&from.file) == Some(doc)
            && self.forward_pointer(doc, &from.pointer) != at
        {
            self.forward[doc]
                .entry(from.pointer.clone())
                .or_insert_with(|| at.to_owned());
        }
    }

    /// Where the entries recorded so far place the converted node `at`, unless a
    /// made-up ancestor hides it.
    fn implied_origin(&self, doc: usize, at: &str) -> Option<Location> {
        match lookup(&self.origins[doc], at) {
            Some((prefix, origin)) if prefix.len() == at.len() => Some(origin.location.clone()),
            Some((_, origin)) if origin.synthetic => None,
            Some((prefix, origin)) => Some(Location::new(
                origin.location.file.clone(),
                format!("{}{}", origin.location.pointer, &at[prefix.len()..]),
            )),
            None => Some(Location::new(self.file(doc), at)),
        }
    }

    /// Where the node at the original `pointer` of `doc` is in the converted document.
    fn forward_pointer(&self, doc: usize, pointer: &str) -> String {
        match lookup(&self.forward[doc], pointer) {
            Some((prefix, to)) => format!("{to}{}", &pointer[prefix.len()..]),
            None => pointer.to_owned(),
        }
    }

    /// [`media_types`], noting a list cut short.
    fn media_types(&mut self, node: Option<Node<'_>>) -> Option<Vec<String>> {
        let at = node.as_ref().map(|n| n.location.clone());
        let (types, cut) = media_types(node)?;
        if cut && let Some(at) = at {
            self.note(
                at,
                format!(
                    "more than {MAX_MEDIA_TYPES} media types: only the first {MAX_MEDIA_TYPES} are used"
                ),
            );
        }
        Some(types)
    }

    fn note(&mut self, location: Location, message: impl Into<String>) {
        self.notes.push((location, message.into()));
    }

    /// Marks the node at `location` as converted in a role.
    fn mark_done(&mut self, location: &Location) {
        if let Some(doc) = self.documents.index_of(&location.file) {
            self.done[doc].insert(location.pointer.clone());
        }
    }

    /// Whether the node at `pointer` of `doc`, or one of its ancestors, was converted.
    fn is_done(&self, doc: usize, pointer: &str) -> bool {
        let done = |p: &str| self.done[doc].contains(p);
        if done(pointer) {
            return true;
        }
        let mut end = pointer.len();
        while let Some(slash) = pointer[..end].rfind('/') {
            end = slash;
            if done(&pointer[..end]) {
                return true;
            }
        }
        false
    }

    /// Keeps the `$ref` of the object at `at` (from the node at `from`), to be rewritten
    /// to where its target moved, and has its target converted in `role`.
    fn reference(&mut self, doc: usize, at: &str, from: &Location, reference: &str, role: Role) {
        self.refs.push((doc, at.to_owned()));
        if let Ok(target) = self.documents.target(from, reference)
            && let Some(target_doc) = self.documents.index_of(&target.location.file)
            && !self.is_done(target_doc, &target.location.pointer)
        {
            self.queue.push_back((target.location, role));
        }
    }

    /// A `$ref` object kept as it is, its target converted in `role`.
    fn kept_ref(&mut self, doc: usize, at: &str, node: &Node<'_>, role: Role) -> Value {
        if let Some(reference) = node.str("$ref") {
            self.reference(doc, at, &node.location, reference, role);
        }
        node.value.clone()
    }

    /// The converted entry document.
    fn document(&mut self, root: &Node<'a>) -> Value {
        let doc = 0;
        self.consumes = self.media_types(root.get("consumes")).unwrap_or_default();
        self.produces = self.media_types(root.get("produces")).unwrap_or_default();
        if let Some(host) = root.str("host") {
            let base = root.str("basePath").unwrap_or_default();
            self.servers = Some((host.to_owned(), base.to_owned()));
        }
        let mut out = Map::new();
        for (key, node) in root.entries() {
            match key {
                "swagger" => {
                    self.origin(doc, "/openapi", &node.location, false, false);
                    out.insert("openapi".into(), CONVERTED_VERSION.into());
                }
                "host" | "basePath" | "schemes" => {
                    if !out.contains_key("servers")
                        && let Some(servers) = self.servers(root)
                    {
                        self.origin(doc, "/servers", &node.location, true, false);
                        out.insert("servers".into(), servers);
                    }
                }
                "consumes" | "produces" => {}
                "paths" => {
                    let paths = self.paths(doc, "/paths", &node);
                    out.insert("paths".into(), paths);
                }
                "definitions" | "parameters" | "responses" | "securityDefinitions" => {
                    if !out.contains_key("components") {
                        self.origin(doc, "/components", &node.location, true, false);
                        let components = self.components(root);
                        out.insert("components".into(), components);
                    }
                }
                _ => {
                    out.insert(key.to_owned(), node.value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// `servers` from `host`, `basePath` and `schemes`.
    fn servers(&mut self, root: &Node<'a>) -> Option<Value> {
        let base = root.str("basePath").unwrap_or_default();
        let urls: Vec<String> = match root.str("host") {
            Some(host) => {
                let schemes = media_types(root.get("schemes"))
                    .map(|(schemes, _)| schemes)
                    .unwrap_or_default();
                if schemes.is_empty() {
                    let at = root
                        .get("host")
                        .map_or(root.location.clone(), |h| h.location);
                    self.note(
                        at,
                        "the document has no `schemes`: its server is taken to be served over https",
                    );
                    vec![format!("https://{host}{base}")]
                } else {
                    schemes
                        .iter()
                        .map(|scheme| format!("{scheme}://{host}{base}"))
                        .collect()
                }
            }
            None if !base.is_empty() => vec![base.to_owned()],
            None => return None,
        };
        Some(Value::Array(
            urls.into_iter()
                .map(|url| {
                    let mut server = Map::new();
                    server.insert("url".into(), url.into());
                    Value::Object(server)
                })
                .collect(),
        ))
    }

    /// `components` from the entry's `definitions`, `parameters`, `responses` and
    /// `securityDefinitions`.
    fn components(&mut self, root: &Node<'a>) -> Value {
        let doc = 0;
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions") {
            self.origin(
                doc,
                "/components/schemas",
                &definitions.location,
                false,
                true,
            );
            let mut schemas = Map::new();
            for (name, node) in definitions.entries() {
                let at = child("/components/schemas", name);
                self.mark_done(&node.location);
                schemas.insert(name.to_owned(), self.schema(doc, &at, &node, false));
            }
            components.insert(
                "schemas".into(),
                if definitions.value.is_object() {
                    Value::Object(schemas)
                } else {
                    definitions.value.clone()
                },
            );
        }
        if let Some(parameters) = root.get("parameters") {
            self.origin(
                doc,
                "/components/parameters",
                &parameters.location,
                false,
                true,
            );
            self.origin(
                doc,
                "/components/requestBodies",
                &parameters.location,
                false,
                false,
            );
            let mut plain = Map::new();
            let mut bodies = Map::new();
            for (name, node) in parameters.entries() {
                self.mark_done(&node.location);
                let use_ = self.classify(node.clone());
                match use_.kind {
                    Kind::Body => {
                        let at = child("/components/requestBodies", name);
                        self.origin(doc, &at, &node.location, false, true);
                        let body = if node.is_ref() {
                            self.kept_ref(doc, &at, &node, Role::RequestBody)
                        } else {
                            let consumes = effective(None, &self.consumes);
                            self.request_body(doc, &at, &node, &consumes)
                        };
                        bodies.insert(name.to_owned(), body);
                    }
                    // Form parameters are made properties of each body that uses them.
                    Kind::Form => {}
                    Kind::Other => {
                        let at = child("/components/parameters", name);
                        plain.insert(name.to_owned(), self.parameter(doc, &at, &node));
                    }
                }
            }
            if !plain.is_empty() || bodies.is_empty() {
                components.insert("parameters".into(), Value::Object(plain));
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(responses) = root.get("responses") {
            self.origin(
                doc,
                "/components/responses",
                &responses.location,
                false,
                true,
            );
            let mut out = Map::new();
            for (name, node) in responses.entries() {
                self.mark_done(&node.location);
                let at = child("/components/responses", name);
                let produces = effective(None, &self.produces);
                out.insert(name.to_owned(), self.response(doc, &at, &node, &produces));
            }
            components.insert("responses".into(), Value::Object(out));
        }
        if let Some(schemes) = root.get("securityDefinitions") {
            self.origin(
                doc,
                "/components/securitySchemes",
                &schemes.location,
                false,
                true,
            );
            self.mark_done(&schemes.location);
            let mut out = Map::new();
            for (name, node) in schemes.entries() {
                let at = child("/components/securitySchemes", name);
                out.insert(name.to_owned(), self.security_scheme(doc, &at, &node));
            }
            components.insert("securitySchemes".into(), Value::Object(out));
        }
        Value::Object(components)
    }

    /// A security scheme: `basic` becomes `http` with the `basic` scheme, an `oauth2`
    /// flow a `flows` entry.
    fn security_scheme(&mut self, doc: usize, at: &str, node: &Node<'a>) -> Value {
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        match node.str("type") {
            Some("basic") => {
                let mut out = Map::new();
                for (key, value) in object {
                    if key == "type" {
                        self.origin(
                            doc,
                            &child(at, "scheme"),
                            &node.location.child(key),
                            false,
                            false,
                        );
                        out.insert("type".into(), "http".into());
                        out.insert("scheme".into(), "basic".into());
                    } else {
                        out.insert(key.clone(), value.clone());
                    }
                }
                Value::Object(out)
            }
            Some("oauth2") => {
                let flow_name = match node.str("flow") {
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    Some(other) => other,
                    None => "implicit",
                };
                let mut flow = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(value) = object.get(key) {
                        flow.insert(key.into(), value.clone());
                    }
                }
                flow.insert(
                    "scopes".into(),
                    object
                        .get("scopes")
                        .cloned()
                        .unwrap_or_else(|| Value::Object(Map::new())),
                );
                let mut out = Map::new();
                for (key, value) in object {
                    match key.as_str() {
                        "authorizationUrl" | "tokenUrl" | "scopes" => {}
                        "flow" => {
                            let flows_at = child(at, "flows");
                            self.origin(doc, &flows_at, &node.location, true, false);
                            let mut flows = Map::new();
                            flows.insert(flow_name.to_owned(), Value::Object(flow.clone()));
                            out.insert("flows".into(), Value::Object(flows));
                        }
                        _ => {
                            out.insert(key.clone(), value.clone());
                        }
                    }
                }
                Value::Object(out)
            }
            _ => node.value.clone(),
        }
    }

    /// `paths`: every path item converted.
    fn paths(&mut self, doc: usize, at: &str, node: &Node<'a>) -> Value {
        if !node.value.is_object() {
            return node.value.clone();
        }
        let mut out = Map::new();
        for (template, item) in node.entries() {
            if template.starts_with("x-") {
                out.insert(template.to_owned(), item.value.clone());
                continue;
            }
            self.mark_done(&item.location);
            let item_at = child(at, template);
            out.insert(template.to_owned(), self.path_item(doc, &item_at, &item));
        }
        Value::Object(out)
    }

    fn path_item(&mut self, doc: usize, at: &str, node: &Node<'a>) -> Value {
        if node.is_ref() {
            return self.kept_ref(doc, at, node, Role::PathItem);
        }
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let shared = self.uses(node.get("parameters"));
        let mut out = Map::new();
        for (key, value) in object {
            let key_at = child(at, key);
            match key.as_str() {
                "parameters" if value.is_array() => {
                    let kept = self.plain_parameters(doc, &key_at, &shared);
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(kept));
                    }
                }
                method if METHODS.contains(&method) && value.is_object() => {
                    let operation = node.get(key).expect("the key exists");
                    let converted = self.operation(doc, &key_at, &operation, &shared);
                    out.insert(key.clone(), converted);
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// The entries of a `parameters` list, resolved and classified.
    fn uses(&self, list: Option<Node<'a>>) -> Vec<Use<'a>> {
        list.map(|list| list.elements().map(|p| self.classify(p)).collect())
            .unwrap_or_default()
    }

    fn classify(&self, written: Node<'a>) -> Use<'a> {
        let resolved = self.documents.resolve(written.clone()).ok();
        let kind = match resolved.as_ref().and_then(|p| p.str("in")) {
            Some("body") => Kind::Body,
            Some("formData") => Kind::Form,
            _ => Kind::Other,
        };
        Use {
            written,
            resolved,
            kind,
        }
    }

    /// The parameters of `uses` that stay parameters, converted into the list at `at`.
    fn plain_parameters(&mut self, doc: usize, at: &str, uses: &[Use<'a>]) -> Vec<Value> {
        let mut kept = Vec::new();
        for use_ in uses.iter().filter(|u| u.kind == Kind::Other) {
            let item_at = child(at, &kept.len().to_string());
            self.origin(doc, &item_at, &use_.written.location, false, true);
            kept.push(self.parameter(doc, &item_at, &use_.written));
        }
        kept
    }

    fn operation(&mut self, doc: usize, at: &str, node: &Node<'a>, shared: &[Use<'a>]) -> Value {
        let object = node.value.as_object().expect("an operation object");
        let own = self.uses(node.get("parameters"));
        let consumes_node = node.get("consumes");
        let own_consumes = self.media_types(consumes_node.clone());
        let consumes = effective(own_consumes.clone(), &self.consumes);
        let own_produces = self.media_types(node.get("produces"));
        let produces = effective(own_produces, &self.produces);

        // The body and form parameters of the path item apply unless overridden.
        let inherited = shared
            .iter()
            .filter(|s| s.kind != Kind::Other)
            .filter(|s| !own.iter().any(|o| o.key() == s.key()));
        let special: Vec<Use<'a>> = inherited
            .chain(own.iter().filter(|o| o.kind != Kind::Other))
            .cloned()
            .collect();
        let body_at = child(at, "requestBody");
        let mut request_body =
            self.operation_body(doc, &body_at, &special, &consumes, own_consumes.is_some());

        let mut out = Map::new();
        for (key, value) in object {
            let key_at = child(at, key);
            match key.as_str() {
                "parameters" => {
                    let kept = self.plain_parameters(doc, &key_at, &own);
                    if !kept.is_empty() {
                        out.insert(key.clone(), Value::Array(kept));
                    }
                    if let Some(body) = request_body.take() {
                        out.insert("requestBody".into(), body);
                    }
                }
                "consumes" | "produces" => {}
                "responses" => {
                    if let Some(body) = request_body.take() {
                        out.insert("requestBody".into(), body);
                    }
                    let responses = node.get(key).expect("the key exists");
                    let converted = self.responses(
                        doc,
                        &key_at,
                        &responses,
                        &produces,
                        node.get("produces").is_some(),
                    );
                    out.insert(key.clone(), converted);
                }
                "schemes" => {
                    if let Some(servers) = self.operation_servers(value) {
                        self.origin(
                            doc,
                            &child(at, "servers"),
                            &node.location.child(key),
                            true,
                            false,
                        );
                        out.insert("servers".into(), servers);
                    }
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if let Some(body) = request_body.take() {
            out.insert("requestBody".into(), body);
        }
        Value::Object(out)
    }

    /// An operation's `servers` from its `schemes` (when the document has a `host`).
    fn operation_servers(&self, schemes: &Value) -> Option<Value> {
        let (host, base) = self.servers.as_ref()?;
        let schemes = schemes.as_array()?;
        let servers: Vec<Value> = schemes
            .iter()
            .filter_map(Value::as_str)
            .map(|scheme| {
                let mut server = Map::new();
                server.insert("url".into(), format!("{scheme}://{host}{base}").into());
                Value::Object(server)
            })
            .collect();
        (!servers.is_empty()).then_some(Value::Array(servers))
    }

    /// The `requestBody` of an operation whose body and form parameters are `special`.
    fn operation_body(
        &mut self,
        doc: usize,
        at: &str,
        special: &[Use<'a>],
        consumes: &[String],
        own_consumes: bool,
    ) -> Option<Value> {
        let bodies: Vec<&Use<'a>> = special.iter().filter(|u| u.kind == Kind::Body).collect();
        let forms: Vec<&Use<'a>> = special.iter().filter(|u| u.kind == Kind::Form).collect();
        if let Some(extra) = bodies.get(1) {
            self.note(
                extra.written.location.clone(),
                "a second `in: body` parameter: only the first is the request body",
            );
        }
        if let Some(body) = bodies.first() {
            if let Some(form) = forms.first() {
                self.note(
                    form.written.location.clone(),
                    "`in: formData` parameters beside an `in: body` one: they are left out",
                );
            }
            let resolved = body.resolved.clone().expect("classified as a body");
            // A shared body keeps its `$ref` unless the operation's media types differ
            // from the document's, which the shared one has.
            let shared_media = !own_consumes || consumes == effective(None, &self.consumes);
            if body.written.is_ref() && !shared_media && !small(resolved.value, MAX_COPIED_NODES) {
                self.note(
                    body.written.location.clone(),
                    "a large shared body parameter keeps the document's `consumes`, not the operation's",
                );
            }
            if body.written.is_ref() && (shared_media || !small(resolved.value, MAX_COPIED_NODES)) {
                self.origin(doc, at, &body.written.location, false, false);
                return Some(self.kept_ref(doc, at, &body.written, Role::RequestBody));
            }
            self.origin(doc, at, &resolved.location, false, false);
            let copying = std::mem::replace(&mut self.copying, body.written.is_ref());
            let converted = self.request_body(doc, at, &resolved, consumes);
            self.copying = copying;
            return Some(converted);
        }
        if forms.is_empty() {
            return None;
        }
        Some(self.form_body(doc, at, &forms, consumes))
    }

    /// A `requestBody` from an `in: body` parameter.
    fn request_body(
        &mut self,
        doc: usize,
        at: &str,
        node: &Node<'_>,
        consumes: &[String],
    ) -> Value {
        if node.is_ref() {
            return self.kept_ref(doc, at, node, Role::RequestBody);
        }
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let mut out = Map::new();
        if let Some(description) = object.get("description") {
            out.insert("description".into(), description.clone());
        }
        let content_at = child(at, "content");
        let schema = node.get("schema");
        let schema_location = schema
            .as_ref()
            .map_or(node.location.clone(), |s| s.location.clone());
        self.origin(doc, &content_at, &schema_location, true, false);
        let mut content = Map::new();
        for (i, media_type) in consumes.iter().enumerate() {
            let media_at = child(&content_at, media_type);
            let mut media = Map::new();
            if let Some(schema) = &schema {
                let schema_at = child(&media_at, "schema");
                self.origin(doc, &schema_at, &schema.location, false, i == 0);
                media.insert("schema".into(), self.schema(doc, &schema_at, schema, false));
            }
            content.insert(media_type.clone(), Value::Object(media));
        }
        out.insert("content".into(), Value::Object(content));
        if let Some(required) = object.get("required") {
            out.insert("required".into(), required.clone());
        }
        for (key, value) in object {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// A form or multipart `requestBody` with one property per `in: formData` parameter.
    fn form_body(
        &mut self,
        doc: usize,
        at: &str,
        forms: &[&Use<'a>],
        consumes: &[String],
    ) -> Value {
        let params: Vec<Node<'a>> = forms.iter().filter_map(|f| f.resolved.clone()).collect();
        let multipart = params.iter().any(|p| p.str("type") == Some("file"))
            || consumes
                .iter()
                .any(|m| m.starts_with("multipart/form-data"));
        let media_type = if multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let first = &forms[0].written.location;
        self.origin(doc, at, first, true, false);
        let media_at = child(&child(at, "content"), media_type);
        let schema_at = child(&media_at, "schema");
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let mut any_required = false;
        for (use_, param) in forms.iter().zip(&params) {
            let Some(name) = param.str("name") else {
                self.note(
                    use_.written.location.clone(),
                    "an `in: formData` parameter without a `name`: left out",
                );
                continue;
            };
            let property_at = child(&child(&schema_at, "properties"), name);
            self.origin(doc, &property_at, &param.location, false, false);
            let mut value = Map::new();
            if let Some(description) = param.value.get("description") {
                value.insert("description".into(), description.clone());
            }
            for (key, v) in param.value.as_object().into_iter().flatten() {
                if VALUE_KEYWORDS.contains(&key.as_str())
                    || (key.starts_with("x-") && key != "x-example")
                {
                    value.insert(key.clone(), v.clone());
                }
            }
            if let Some(example) = param.value.get("x-example") {
                value.insert("example".into(), example.clone());
            }
            let value = Value::Object(value);
            let property = Node {
                location: param.location.clone(),
                value: &value,
            };
            properties.insert(
                name.to_owned(),
                self.schema(doc, &property_at, &property, true),
            );
            if param.bool("required") == Some(true) {
                any_required = true;
                let required_at =
                    child(&child(&schema_at, "required"), &required.len().to_string());
                self.origin(
                    doc,
                    &required_at,
                    &param.location.child("required"),
                    false,
                    false,
                );
                required.push(Value::String(name.to_owned()));
            }
            if param.value.get("allowEmptyValue").is_some() {
                self.note(
                    param.location.child("allowEmptyValue"),
                    "`allowEmptyValue` of a form parameter has no OpenAPI 3.0 equivalent: left out",
                );
            }
            if param.str("type") == Some("array") {
                let format = param.str("collectionFormat").unwrap_or("csv");
                let at_format = param
                    .get("collectionFormat")
                    .map_or_else(|| param.location.clone(), |c| c.location);
                let style = match (multipart, format) {
                    (_, "multi") => None,
                    (true, _) => {
                        self.note(
                            at_format,
                            format!(
                                "`collectionFormat: {format}` in a multipart body: each element is sent as a part of its own"
                            ),
                        );
                        None
                    }
                    (false, "csv") => Some(("form", false)),
                    (false, "ssv") => Some(("spaceDelimited", false)),
                    (false, "pipes") => Some(("pipeDelimited", false)),
                    (false, other) => {
                        self.note(
                            at_format,
                            format!("`collectionFormat: {other}` has no OpenAPI 3.0 equivalent: read as `csv`"),
                        );
                        Some(("form", false))
                    }
                };
                if let Some((style, explode)) = style {
                    let mut entry = Map::new();
                    entry.insert("style".into(), style.into());
                    entry.insert("explode".into(), explode.into());
                    let encoding_at = child(&child(&media_at, "encoding"), name);
                    self.origin(
                        doc,
                        &encoding_at,
                        &param.location.child("collectionFormat"),
                        true,
                        false,
                    );
                    encoding.insert(name.to_owned(), Value::Object(entry));
                }
            }
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        let mut media = Map::new();
        media.insert("schema".into(), Value::Object(schema));
        if !encoding.is_empty() {
            media.insert("encoding".into(), Value::Object(encoding));
        }
        let mut content = Map::new();
        content.insert(media_type.to_owned(), Value::Object(media));
        let mut body = Map::new();
        body.insert("content".into(), Value::Object(content));
        if any_required {
            body.insert("required".into(), true.into());
        }
        Value::Object(body)
    }

    /// A non-body parameter: its value keywords in a `schema`, its `collectionFormat`
    /// as `style` and `explode`.
    fn parameter(&mut self, doc: usize, at: &str, node: &Node<'_>) -> Value {
        if node.is_ref() {
            return self.kept_ref(doc, at, node, Role::Parameter);
        }
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let location = node.str("in").unwrap_or_default().to_owned();
        let mut value = Map::new();
        for (key, v) in object {
            if VALUE_KEYWORDS.contains(&key.as_str()) {
                value.insert(key.clone(), v.clone());
            }
        }
        let is_array = node.str("type") == Some("array");
        let mut out = Map::new();
        let mut schema_placed = value.is_empty();
        let mut style_placed = !is_array;
        let schema_at = child(at, "schema");
        for (key, v) in object {
            match key.as_str() {
                k if VALUE_KEYWORDS.contains(&k) => {
                    if !schema_placed {
                        schema_placed = true;
                        self.origin(doc, &schema_at, &node.location, false, false);
                        let value = Value::Object(value.clone());
                        let schema = Node {
                            location: node.location.clone(),
                            value: &value,
                        };
                        out.insert("schema".into(), self.schema(doc, &schema_at, &schema, true));
                    }
                }
                "collectionFormat" => {
                    if !style_placed {
                        style_placed = true;
                        self.collection_format(
                            doc,
                            at,
                            &location,
                            Some(&node.location.child(key)),
                            v.as_str(),
                            &mut out,
                        );
                    }
                }
                "schema" => {
                    if value.is_empty() {
                        let schema = node.get(key).expect("the key exists");
                        out.insert(key.clone(), self.schema(doc, &schema_at, &schema, false));
                    } else {
                        self.note(
                            node.location.child(key),
                            "a non-body parameter with both `type` and `schema`: `schema` is left out",
                        );
                    }
                }
                "x-example" => {
                    self.origin(
                        doc,
                        &child(at, "example"),
                        &node.location.child(key),
                        false,
                        false,
                    );
                    out.insert("example".into(), v.clone());
                }
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        if !style_placed {
            self.collection_format(doc, at, &location, None, None, &mut out);
        }
        Value::Object(out)
    }

    /// The `style` and `explode` of an array parameter `in` a location, from its
    /// `collectionFormat` (`csv` when absent).
    fn collection_format(
        &mut self,
        doc: usize,
        at: &str,
        location: &str,
        format_at: Option<&Location>,
        format: Option<&str>,
        out: &mut Map<String, Value>,
    ) {
        let format = format.unwrap_or("csv");
        let query = location == "query";
        let style = match format {
            "csv" if query => Some(("form", false)),
            "multi" if query => Some(("form", true)),
            "ssv" if query => Some(("spaceDelimited", false)),
            "pipes" if query => Some(("pipeDelimited", false)),
            // The default of paths and headers: comma-separated.
            "csv" => None,
            other => {
                let at_note = format_at
                    .cloned()
                    .unwrap_or_else(|| Location::new(self.file(doc), at));
                let place = if query { "" } else { " outside the query" };
                self.note(
                    at_note,
                    format!(
                        "`collectionFormat: {other}` has no OpenAPI 3.0 equivalent{place}: read as `csv`"
                    ),
                );
                if other == "tsv" {
                    out.insert("x-collectionFormat".into(), "tsv".into());
                }
                query.then_some(("form", false))
            }
        };
        if let Some((style, explode)) = style {
            if let Some(format_at) = format_at {
                self.origin(doc, &child(at, "style"), format_at, false, false);
                self.origin(doc, &child(at, "explode"), format_at, false, false);
            }
            out.insert("style".into(), style.into());
            out.insert("explode".into(), explode.into());
        }
    }

    /// An operation's `responses`.
    fn responses(
        &mut self,
        doc: usize,
        at: &str,
        node: &Node<'a>,
        produces: &[String],
        own_produces: bool,
    ) -> Value {
        if !node.value.is_object() {
            return node.value.clone();
        }
        let mut out = Map::new();
        for (code, response) in node.entries() {
            let response_at = child(at, code);
            if code.starts_with("x-") {
                out.insert(code.to_owned(), response.value.clone());
                continue;
            }
            let converted = if response.is_ref() {
                // A shared response keeps its `$ref` unless it has a payload and the
                // operation's media types differ from the document's.
                match self.documents.resolve(response.clone()) {
                    Ok(target)
                        if own_produces
                            && produces != effective(None, &self.produces)
                            && (target.value.get("schema").is_some()
                                || target.value.get("examples").is_some()) =>
                    {
                        if !small(target.value, MAX_COPIED_NODES) {
                            self.note(
                                response.location.clone(),
                                "a large shared response keeps the document's `produces`, not the operation's",
                            );
                            out.insert(
                                code.to_owned(),
                                self.kept_ref(doc, &response_at, &response, Role::Response),
                            );
                            continue;
                        }
                        self.origin(doc, &response_at, &target.location, false, false);
                        let copying = std::mem::replace(&mut self.copying, true);
                        let converted = self.response(doc, &response_at, &target, produces);
                        self.copying = copying;
                        converted
                    }
                    _ => self.kept_ref(doc, &response_at, &response, Role::Response),
                }
            } else {
                self.response(doc, &response_at, &response, produces)
            };
            out.insert(code.to_owned(), converted);
        }
        Value::Object(out)
    }

    /// A response: its `schema` (and `examples`) as `content` for each of `produces`,
    /// its headers converted.
    fn response(&mut self, doc: usize, at: &str, node: &Node<'_>, produces: &[String]) -> Value {
        if node.is_ref() {
            return self.kept_ref(doc, at, node, Role::Response);
        }
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let examples = node.get("examples").filter(|e| e.value.is_object());
        let schema = node.get("schema");
        let mut out = Map::new();
        for (key, value) in object {
            let key_at = child(at, key);
            match key.as_str() {
                "schema" | "examples" => {
                    if out.contains_key("content") {
                        continue;
                    }
                    let content = self.response_content(
                        doc,
                        at,
                        node,
                        schema.as_ref(),
                        examples.as_ref(),
                        produces,
                    );
                    if let Some(content) = content {
                        out.insert("content".into(), content);
                    }
                }
                "headers" if value.is_object() => {
                    let headers = node.get(key).expect("the key exists");
                    let mut converted = Map::new();
                    for (name, header) in headers.entries() {
                        let header_at = child(&key_at, name);
                        converted.insert(name.to_owned(), self.header(doc, &header_at, &header));
                    }
                    out.insert(key.clone(), Value::Object(converted));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn response_content(
        &mut self,
        doc: usize,
        at: &str,
        node: &Node<'_>,
        schema: Option<&Node<'_>>,
        examples: Option<&Node<'_>>,
        produces: &[String],
    ) -> Option<Value> {
        let content_at = child(at, "content");
        let anchor = schema
            .or(examples)
            .map_or(node.location.clone(), |n| n.location.clone());
        let mut media_types: Vec<String> = Vec::new();
        if schema.is_some() {
            media_types.extend(produces.iter().cloned());
        }
        for (media_type, _) in examples.iter().flat_map(|e| e.entries()) {
            if !media_types.iter().any(|m| m == media_type) {
                media_types.push(media_type.to_owned());
            }
        }
        if media_types.is_empty() {
            return None;
        }
        self.origin(doc, &content_at, &anchor, true, false);
        let mut content = Map::new();
        for (i, media_type) in media_types.iter().enumerate() {
            let media_at = child(&content_at, media_type);
            self.origin(doc, &media_at, &anchor, true, false);
            let mut media = Map::new();
            if let Some(schema) = schema {
                let schema_at = child(&media_at, "schema");
                self.origin(doc, &schema_at, &schema.location, false, i == 0);
                media.insert("schema".into(), self.schema(doc, &schema_at, schema, false));
            }
            if let Some(example) = examples.and_then(|e| e.get(media_type)) {
                let example_at = child(&media_at, "example");
                self.origin(doc, &example_at, &example.location, false, false);
                media.insert("example".into(), example.value.clone());
            }
            content.insert(media_type.clone(), Value::Object(media));
        }
        Some(Value::Object(content))
    }

    /// A response header: its value keywords in a `schema`.
    fn header(&mut self, doc: usize, at: &str, node: &Node<'_>) -> Value {
        if node.is_ref() {
            return self.kept_ref(doc, at, node, Role::Header);
        }
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let mut value = Map::new();
        for (key, v) in object {
            if VALUE_KEYWORDS.contains(&key.as_str()) {
                value.insert(key.clone(), v.clone());
            }
        }
        let mut out = Map::new();
        let mut schema_placed = value.is_empty();
        for (key, v) in object {
            match key.as_str() {
                k if VALUE_KEYWORDS.contains(&k) => {
                    if !schema_placed {
                        schema_placed = true;
                        let schema_at = child(at, "schema");
                        self.origin(doc, &schema_at, &node.location, false, false);
                        let value = Value::Object(value.clone());
                        let schema = Node {
                            location: node.location.clone(),
                            value: &value,
                        };
                        out.insert("schema".into(), self.schema(doc, &schema_at, &schema, true));
                    }
                }
                "collectionFormat" => match v.as_str() {
                    Some("csv") | None => {}
                    Some(other) => {
                        self.note(
                            node.location.child(key),
                            format!("`collectionFormat: {other}` of a header has no OpenAPI 3.0 equivalent: read as `csv`"),
                        );
                        if other == "tsv" {
                            out.insert("x-collectionFormat".into(), "tsv".into());
                        }
                    }
                },
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// A schema: `x-nullable` as `nullable`, `type: file` as a binary string, a
    /// `discriminator` property name as a discriminator object, through every
    /// subschema. `items_object`: the value keywords of a parameter, header or items
    /// object, whose nested `collectionFormat`s have no equivalent.
    fn schema(&mut self, doc: usize, at: &str, node: &Node<'_>, items_object: bool) -> Value {
        let Some(object) = node.value.as_object() else {
            return node.value.clone();
        };
        let is_file = object.get("type").and_then(Value::as_str) == Some("file");
        let mut out = Map::new();
        for (key, value) in object {
            let key_at = || child(at, key);
            match key.as_str() {
                "$ref" => {
                    if let Some(reference) = value.as_str() {
                        self.reference(doc, at, &node.location, reference, Role::Schema);
                    }
                    out.insert(key.clone(), value.clone());
                }
                "x-nullable" if value.is_boolean() && !object.contains_key("nullable") => {
                    self.origin(
                        doc,
                        &child(at, "nullable"),
                        &node.location.child(key),
                        false,
                        false,
                    );
                    out.insert("nullable".into(), value.clone());
                }
                "type" if is_file => {
                    self.origin(
                        doc,
                        &child(at, "format"),
                        &node.location.child(key),
                        false,
                        false,
                    );
                    out.insert("type".into(), "string".into());
                    out.insert("format".into(), "binary".into());
                }
                "format" if is_file => {}
                "discriminator" if value.is_string() => {
                    self.origin(doc, &key_at(), &node.location.child(key), true, false);
                    let mut discriminator = Map::new();
                    discriminator.insert("propertyName".into(), value.clone());
                    out.insert(key.clone(), Value::Object(discriminator));
                }
                "properties" if value.is_object() => {
                    let properties = node.get(key).expect("the key exists");
                    let properties_at = key_at();
                    let mut converted = Map::new();
                    for (name, property) in properties.entries() {
                        let property_at = child(&properties_at, name);
                        converted.insert(
                            name.to_owned(),
                            self.schema(doc, &property_at, &property, false),
                        );
                    }
                    out.insert(key.clone(), Value::Object(converted));
                }
                "items" | "allOf" | "oneOf" | "anyOf" if value.is_array() => {
                    // Tuple items (of array items) and the members of a composition.
                    let nested = key == "items" && items_object;
                    let members = node.get(key).expect("the key exists");
                    let members_at = key_at();
                    let converted = members
                        .elements()
                        .enumerate()
                        .map(|(i, member)| {
                            self.schema(doc, &child(&members_at, &i.to_string()), &member, nested)
                        })
                        .collect();
                    out.insert(key.clone(), Value::Array(converted));
                }
                "items" | "additionalProperties" | "not" if value.is_object() => {
                    let sub = node.get(key).expect("the key exists");
                    out.insert(key.clone(), self.schema(doc, &key_at(), &sub, items_object));
                }
                "collectionFormat" if items_object => {
                    self.note(
                        node.location.child(key),
                        "a `collectionFormat` of nested array items has no OpenAPI 3.0 equivalent: left out",
                    );
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// Converts the `$ref` targets met so far in the role their `$ref`s give them,
    /// where they are, and those their own `$ref`s reach.
    fn drain_queue(&mut self) {
        let documents = self.documents;
        while let Some((target, role)) = self.queue.pop_front() {
            let Some(doc) = documents.index_of(&target.file) else {
                continue;
            };
            if self.is_done(doc, &target.pointer) || (doc == 0 && target.pointer.is_empty()) {
                continue;
            }
            self.done[doc].insert(target.pointer.clone());
            let raw = &documents.documents[doc].root;
            let Some(value) = pointer::get(raw, &target.pointer) else {
                continue;
            };
            let node = Node {
                location: target.clone(),
                value,
            };
            let at = self.forward_pointer(doc, &target.pointer);
            self.origin(doc, &at, &target, false, true);
            let converted = match role {
                Role::Schema => self.schema(doc, &at, &node, false),
                Role::Parameter => self.parameter(doc, &at, &node),
                Role::RequestBody => {
                    let consumes = effective(None, &self.consumes);
                    self.request_body(doc, &at, &node, &consumes)
                }
                Role::Response => {
                    let produces = effective(None, &self.produces);
                    self.response(doc, &at, &node, &produces)
                }
                Role::Header => self.header(doc, &at, &node),
                Role::PathItem => self.path_item(doc, &at, &node),
            };
            let root = self.out[doc].get_or_insert_with(|| raw.clone());
            if let Some(slot) = root.pointer_mut(&at) {
                *slot = converted;
            }
        }
    }

    /// Points every kept `$ref` to where its target is in the converted documents, and
    /// returns what was rewritten (see [`Conversion::rewritten`]).
    fn rewrite_refs(&mut self) -> Vec<HashMap<String, (String, String)>> {
        let mut updates = Vec::new();
        for (doc, at) in std::mem::take(&mut self.refs) {
            let Some(reference) = self.out[doc]
                .as_ref()
                .and_then(|root| root.pointer(&at))
                .and_then(|object| object.get("$ref"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let Some((file, fragment)) = reference.split_once('#') else {
                continue;
            };
            let target = if file.is_empty() {
                Some(doc)
            } else {
                let path = super::relative_to(&self.documents.documents[doc].path, file);
                self.documents.index_of(&path)
            };
            let Some(target) = target else {
                continue;
            };
            let Some(pointer) = pointer::percent_decode(fragment).filter(|p| p.starts_with('/'))
            else {
                continue;
            };
            let moved = self.forward_pointer(target, &pointer);
            if moved == pointer {
                continue;
            }
            let target_root = self.out[target]
                .as_ref()
                .unwrap_or(&self.documents.documents[target].root);
            // A `$ref` to nothing is left as written, to be reported as written.
            if pointer::get(target_root, &moved).is_none() {
                continue;
            }
            let written = reference.to_owned();
            updates.push((
                doc,
                at,
                written,
                format!("{file}#{}", encode_fragment(&moved)),
            ));
        }
        let mut rewritten = vec![HashMap::new(); self.out.len()];
        for (doc, at, written, reference) in updates {
            if let Some(Value::Object(object)) = self.out[doc]
                .as_mut()
                .and_then(|root| root.pointer_mut(&at))
            {
                object.insert("$ref".into(), reference.clone().into());
                rewritten[doc].insert(at, (written, reference));
            }
        }
        rewritten
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Loaded documents made of `files` (path, content), the first the entry, converted.
    fn load(files: &[(&str, Value)]) -> Documents {
        let mut documents = Documents {
            documents: Vec::new(),
            by_path: Default::default(),
            by_spelling: Default::default(),
            conversion: None,
        };
        for (path, root) in files {
            documents.insert(Arc::from(Path::new(path)), root.clone());
        }
        documents.convert_swagger2();
        documents
    }

    fn convert_one(root: Value) -> (Value, Documents) {
        let documents = load(&[("api.yaml", root)]);
        (documents.documents[0].root.clone(), documents)
    }

    fn swagger(extra: Value) -> Value {
        let mut root = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}});
        for (key, value) in extra.as_object().unwrap() {
            root[key] = value.clone();
        }
        root
    }

    fn original(documents: &Documents, pointer: &str) -> String {
        let location = Location::new(documents.documents[0].path.clone(), pointer);
        let original = documents.original(&location);
        format!("{}#{}", original.file.display(), original.pointer)
    }

    #[test]
    fn detects_swagger_2_only() {
        assert!(is_swagger2(&json!({"swagger": "2.0"})));
        assert!(is_swagger2(&json!({"swagger": 2.0})));
        assert!(!is_swagger2(&json!({"swagger": "1.2"})));
        assert!(!is_swagger2(&json!({"openapi": "3.0.3"})));
        let documents = load(&[("api.yaml", json!({"openapi": "3.0.3"}))]);
        assert!(documents.conversion.is_none());
    }

    #[test]
    fn version_and_definitions_become_components() {
        let (root, documents) = convert_one(swagger(json!({
            "definitions": {"Pet": {"type": "object", "properties": {"owner": {"$ref": "#/definitions/Owner"}}},
                            "Owner": {"type": "string"}}
        })));
        assert_eq!(root["openapi"], "3.0.3");
        assert!(root.get("swagger").is_none());
        assert_eq!(
            root["components"]["schemas"]["Pet"]["properties"]["owner"]["$ref"],
            "#/components/schemas/Owner"
        );
        assert_eq!(
            original(&documents, "/components/schemas/Pet/properties/owner/$ref"),
            "api.yaml#/definitions/Pet/properties/owner/$ref"
        );
        assert_eq!(original(&documents, "/openapi"), "api.yaml#/swagger");
        assert_eq!(original(&documents, "/info/title"), "api.yaml#/info/title");
    }

    #[test]
    fn dangling_refs_stay_as_written() {
        let (root, documents) = convert_one(swagger(json!({
            "definitions": {"Pet": {"properties": {"x": {"$ref": "#/definitions/Missing"}}}}
        })));
        assert_eq!(
            root["components"]["schemas"]["Pet"]["properties"]["x"]["$ref"],
            "#/definitions/Missing"
        );
        assert_eq!(
            original(&documents, "/components/schemas/Pet/properties/x/$ref"),
            "api.yaml#/definitions/Pet/properties/x/$ref"
        );
    }

    #[test]
    fn servers_from_host_base_path_and_schemes() {
        let (root, documents) = convert_one(swagger(json!({
            "host": "api.example.com", "basePath": "/v1", "schemes": ["https", "http"]
        })));
        assert_eq!(
            root["servers"],
            json!([{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}])
        );
        assert!(documents.conversion.as_ref().unwrap().notes.is_empty());

        let (root, documents) = convert_one(swagger(json!({"host": "api.example.com"})));
        assert_eq!(root["servers"], json!([{"url": "https://api.example.com"}]));
        let notes = &documents.conversion.as_ref().unwrap().notes;
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0.pointer, "/host");

        let (root, _) = convert_one(swagger(json!({"basePath": "/api"})));
        assert_eq!(root["servers"], json!([{"url": "/api"}]));
        let (root, _) = convert_one(swagger(json!({})));
        assert!(root.get("servers").is_none());
    }

    #[test]
    fn security_definitions_become_security_schemes() {
        let (root, documents) = convert_one(swagger(json!({
            "securityDefinitions": {
                "basic": {"type": "basic", "description": "d"},
                "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
                "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": {"r": "read"}},
                "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {}},
                "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "x-ext": 1},
                "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}
            }
        })));
        let schemes = &root["components"]["securitySchemes"];
        assert_eq!(
            schemes["basic"],
            json!({"type": "http", "scheme": "basic", "description": "d"})
        );
        assert_eq!(
            schemes["key"],
            json!({"type": "apiKey", "name": "X-Key", "in": "header"})
        );
        assert_eq!(
            schemes["implicit"],
            json!({"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}}})
        );
        assert_eq!(
            schemes["password"]["flows"],
            json!({"password": {"tokenUrl": "https://t", "scopes": {}}})
        );
        assert_eq!(
            schemes["app"],
            json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {}}}, "x-ext": 1})
        );
        assert_eq!(
            schemes["code"]["flows"],
            json!({"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}})
        );
        assert_eq!(
            original(
                &documents,
                "/components/securitySchemes/implicit/flows/implicit/scopes"
            ),
            "api.yaml#/securityDefinitions/implicit"
        );
        assert_eq!(
            original(&documents, "/components/securitySchemes/key/in"),
            "api.yaml#/securityDefinitions/key/in"
        );
    }

    #[test]
    fn body_parameters_become_request_bodies() {
        let (root, documents) = convert_one(swagger(json!({
            "consumes": ["application/json", "application/xml"],
            "paths": {"/pets": {"post": {
                "parameters": [
                    {"name": "limit", "in": "query", "type": "integer"},
                    {"name": "pet", "in": "body", "description": "the pet", "required": true, "x-extra": true,
                     "schema": {"$ref": "#/definitions/Pet"}},
                    {"name": "X-Id", "in": "header", "type": "string"}
                ],
                "responses": {"204": {"description": "ok"}}
            }}},
            "definitions": {"Pet": {"type": "object"}}
        })));
        let operation = &root["paths"]["/pets"]["post"];
        assert_eq!(
            operation["requestBody"],
            json!({
                "description": "the pet",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}},
                    "application/xml": {"schema": {"$ref": "#/components/schemas/Pet"}}
                },
                "required": true,
                "x-extra": true
            })
        );
        assert_eq!(operation["parameters"].as_array().unwrap().len(), 2);
        assert_eq!(operation["parameters"][1]["name"], "X-Id");
        let op = "/paths/~1pets/post";
        assert_eq!(
            original(&documents, &format!("{op}/parameters/1/schema/type")),
            format!("api.yaml#{op}/parameters/2/type")
        );
        assert_eq!(
            original(
                &documents,
                &format!("{op}/requestBody/content/application~1xml/schema/$ref")
            ),
            format!("api.yaml#{op}/parameters/1/schema/$ref")
        );
        assert_eq!(
            original(
                &documents,
                &format!("{op}/requestBody/content/application~1xml")
            ),
            format!("api.yaml#{op}/parameters/1/schema")
        );
        assert_eq!(
            original(&documents, &format!("{op}/requestBody/required")),
            format!("api.yaml#{op}/parameters/1/required")
        );
    }

    #[test]
    fn shared_body_parameters_become_component_request_bodies() {
        let (root, documents) = convert_one(swagger(json!({
            "paths": {"/pets": {
                "parameters": [{"$ref": "#/parameters/PetBody"}, {"$ref": "#/parameters/Limit"}],
                "post": {"responses": {"204": {"description": "ok"}}},
                "put": {"consumes": ["application/xml"], "responses": {"204": {"description": "ok"}}}
            }},
            "parameters": {
                "PetBody": {"name": "pet", "in": "body", "schema": {"type": "string"}},
                "Limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 10}
            }
        })));
        assert_eq!(
            root["components"]["requestBodies"]["PetBody"],
            json!({"content": {"application/json": {"schema": {"type": "string"}}}})
        );
        assert_eq!(
            root["components"]["parameters"]["Limit"],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 10}})
        );
        let item = &root["paths"]["/pets"];
        assert_eq!(
            item["parameters"],
            json!([{"$ref": "#/components/parameters/Limit"}])
        );
        assert_eq!(
            item["post"]["requestBody"],
            json!({"$ref": "#/components/requestBodies/PetBody"})
        );
        // Other media types than the shared body's: a copy.
        assert_eq!(
            item["put"]["requestBody"],
            json!({"content": {"application/xml": {"schema": {"type": "string"}}}})
        );
        assert_eq!(
            original(
                &documents,
                "/components/requestBodies/PetBody/content/application~1json/schema/type"
            ),
            "api.yaml#/parameters/PetBody/schema/type"
        );
        assert_eq!(
            original(&documents, "/paths/~1pets/post/requestBody/$ref"),
            "api.yaml#/paths/~1pets/parameters/0/$ref"
        );
        assert_eq!(
            original(&documents, "/paths/~1pets/parameters/0/$ref"),
            "api.yaml#/paths/~1pets/parameters/1/$ref"
        );
        assert_eq!(
            original(&documents, "/components/parameters/Limit/schema/maximum"),
            "api.yaml#/parameters/Limit/maximum"
        );
    }

    #[test]
    fn form_parameters_become_a_form_body() {
        let (root, documents) = convert_one(swagger(json!({
            "paths": {"/pets/{id}": {"post": {
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "type": "string"},
                    {"name": "name", "in": "formData", "required": true, "type": "string", "description": "n"},
                    {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}}
                ],
                "responses": {"204": {"description": "ok"}}
            }}}
        })));
        let operation = &root["paths"]["/pets/{id}"]["post"];
        assert_eq!(
            operation["requestBody"],
            json!({
                "content": {"application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "name": {"description": "n", "type": "string"},
                            "tags": {"type": "array", "items": {"type": "string"}}
                        },
                        "required": ["name"]
                    },
                    "encoding": {"tags": {"style": "form", "explode": false}}
                }},
                "required": true
            })
        );
        assert_eq!(operation["parameters"].as_array().unwrap().len(), 1);
        let op = "/paths/~1pets~1{id}/post";
        let schema = format!("{op}/requestBody/content/application~1x-www-form-urlencoded/schema");
        assert_eq!(
            original(&documents, &format!("{schema}/properties/tags/items/type")),
            format!("api.yaml#{op}/parameters/2/items/type")
        );
        assert_eq!(
            original(&documents, &format!("{schema}/required/0")),
            format!("api.yaml#{op}/parameters/1/required")
        );
        assert_eq!(
            original(&documents, &format!("{schema}/type")),
            format!("api.yaml#{op}/parameters/1")
        );
    }

    #[test]
    fn a_file_parameter_makes_a_multipart_body() {
        let (root, _) = convert_one(swagger(json!({
            "paths": {"/upload": {
                "parameters": [{"name": "note", "in": "formData", "type": "string"}],
                "post": {
                    "parameters": [{"name": "file", "in": "formData", "type": "file", "required": true}],
                    "responses": {"204": {"description": "ok"}}
                }
            }}
        })));
        let item = &root["paths"]["/upload"];
        assert!(item.get("parameters").is_none());
        assert_eq!(
            item["post"]["requestBody"]["content"]["multipart/form-data"]["schema"],
            json!({
                "type": "object",
                "properties": {
                    "note": {"type": "string"},
                    "file": {"type": "string", "format": "binary"}
                },
                "required": ["file"]
            })
        );
    }

    #[test]
    fn collection_formats_become_styles() {
        let (root, documents) = convert_one(swagger(json!({
            "paths": {"/a/{ids}": {"get": {
                "parameters": [
                    {"name": "ids", "in": "path", "required": true, "type": "array", "items": {"type": "integer"}},
                    {"name": "csv", "in": "query", "type": "array", "items": {"type": "string"}},
                    {"name": "multi", "in": "query", "type": "array", "collectionFormat": "multi", "items": {"type": "string"}},
                    {"name": "ssv", "in": "query", "type": "array", "collectionFormat": "ssv", "items": {"type": "string"}},
                    {"name": "pipes", "in": "query", "type": "array", "collectionFormat": "pipes", "items": {"type": "string"}},
                    {"name": "tsv", "in": "query", "type": "array", "collectionFormat": "tsv", "items": {"type": "string"}},
                    {"name": "X-H", "in": "header", "type": "array", "collectionFormat": "pipes", "items": {"type": "string"}},
                    {"name": "nested", "in": "query", "type": "array",
                     "items": {"type": "array", "collectionFormat": "pipes", "items": {"type": "string"}}}
                ],
                "responses": {"204": {"description": "ok"}}
            }}}
        })));
        let params = root["paths"]["/a/{ids}"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .clone();
        let style = |i: usize| {
            (
                params[i].get("style").cloned(),
                params[i].get("explode").cloned(),
            )
        };
        assert_eq!(style(0), (None, None));
        assert_eq!(style(1), (Some(json!("form")), Some(json!(false))));
        assert_eq!(style(2), (Some(json!("form")), Some(json!(true))));
        assert_eq!(
            style(3),
            (Some(json!("spaceDelimited")), Some(json!(false)))
        );
        assert_eq!(style(4), (Some(json!("pipeDelimited")), Some(json!(false))));
        assert_eq!(style(5), (Some(json!("form")), Some(json!(false))));
        assert_eq!(params[5]["x-collectionFormat"], "tsv");
        assert_eq!(style(6), (None, None));
        assert_eq!(
            params[0],
            json!({"name": "ids", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "integer"}}})
        );
        assert!(
            params[7]["schema"]["items"]
                .get("collectionFormat")
                .is_none()
        );
        let notes: Vec<&str> = documents
            .conversion
            .as_ref()
            .unwrap()
            .notes
            .iter()
            .map(|(l, _)| l.pointer.as_str())
            .collect();
        assert_eq!(
            notes,
            [
                "/paths/~1a~1{ids}/get/parameters/5/collectionFormat",
                "/paths/~1a~1{ids}/get/parameters/6/collectionFormat",
                "/paths/~1a~1{ids}/get/parameters/7/items/collectionFormat",
            ]
        );
        assert_eq!(
            original(&documents, "/paths/~1a~1{ids}/get/parameters/3/style"),
            "api.yaml#/paths/~1a~1{ids}/get/parameters/3/collectionFormat"
        );
    }

    #[test]
    fn responses_get_content_per_produced_media_type() {
        let (root, documents) = convert_one(swagger(json!({
            "produces": ["application/json"],
            "paths": {"/pets": {"get": {
                "produces": ["application/json", "application/xml"],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                        "headers": {"X-Rate": {"type": "integer", "format": "int32", "description": "r"}},
                        "examples": {"application/json": [{"id": 1}], "text/plain": "one"}
                    },
                    "404": {"$ref": "#/responses/NotFound"},
                    "default": {"description": "error"}
                }
            }}},
            "responses": {"NotFound": {"description": "nf", "schema": {"type": "string"}}},
            "definitions": {"Pet": {"type": "object"}}
        })));
        let responses = &root["paths"]["/pets"]["get"]["responses"];
        let pets = json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}});
        assert_eq!(
            responses["200"],
            json!({
                "description": "ok",
                "content": {
                    "application/json": {"schema": pets, "example": [{"id": 1}]},
                    "application/xml": {"schema": pets},
                    "text/plain": {"schema": pets, "example": "one"}
                },
                "headers": {"X-Rate": {"schema": {"type": "integer", "format": "int32"}, "description": "r"}}
            })
        );
        // The shared response is for the document's media types: a copy here.
        assert_eq!(
            responses["404"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}, "application/xml": {"schema": {"type": "string"}}})
        );
        assert_eq!(responses["default"], json!({"description": "error"}));
        assert_eq!(
            root["components"]["responses"]["NotFound"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}})
        );
        let r = "/paths/~1pets/get/responses/200";
        assert_eq!(
            original(
                &documents,
                &format!("{r}/content/application~1xml/schema/items/$ref")
            ),
            format!("api.yaml#{r}/schema/items/$ref")
        );
        assert_eq!(
            original(&documents, &format!("{r}/content/text~1plain/example")),
            format!("api.yaml#{r}/examples/text~1plain")
        );
        assert_eq!(
            original(&documents, &format!("{r}/headers/X-Rate/schema/format")),
            format!("api.yaml#{r}/headers/X-Rate/format")
        );
        assert_eq!(
            original(
                &documents,
                "/paths/~1pets/get/responses/404/content/application~1xml/schema/type"
            ),
            "api.yaml#/responses/NotFound/schema/type"
        );
    }

    #[test]
    fn schema_keywords_of_2_0() {
        let (root, documents) = convert_one(swagger(json!({
            "definitions": {
                "Pet": {
                    "type": "object",
                    "discriminator": "petType",
                    "required": ["petType"],
                    "properties": {
                        "petType": {"type": "string"},
                        "photo": {"type": "file"},
                        "owner": {"$ref": "#/definitions/Owner", "x-nullable": true},
                        "tags": {"type": "array", "items": {"type": "string", "x-nullable": true}},
                        "extra": {"additionalProperties": {"type": "file"}}
                    }
                },
                "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}, {"properties": {"x": {"x-nullable": true}}}]},
                "Owner": {"type": "string", "x-nullable": false}
            }
        })));
        let schemas = &root["components"]["schemas"];
        assert_eq!(
            schemas["Pet"]["discriminator"],
            json!({"propertyName": "petType"})
        );
        let properties = &schemas["Pet"]["properties"];
        assert_eq!(
            properties["photo"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            properties["owner"],
            json!({"$ref": "#/components/schemas/Owner", "nullable": true})
        );
        assert_eq!(
            properties["tags"]["items"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            properties["extra"]["additionalProperties"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            schemas["Cat"]["allOf"][0],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert_eq!(
            schemas["Cat"]["allOf"][1]["properties"]["x"],
            json!({"nullable": true})
        );
        assert_eq!(
            schemas["Owner"],
            json!({"type": "string", "nullable": false})
        );
        assert_eq!(
            original(
                &documents,
                "/components/schemas/Pet/discriminator/propertyName"
            ),
            "api.yaml#/definitions/Pet/discriminator"
        );
        assert_eq!(
            original(
                &documents,
                "/components/schemas/Pet/properties/owner/nullable"
            ),
            "api.yaml#/definitions/Pet/properties/owner/x-nullable"
        );
    }

    #[test]
    fn other_files_are_converted_where_their_refs_lead() {
        let documents = load(&[
            (
                "specs/api.yaml",
                swagger(json!({
                    "paths": {"/pets": {"post": {
                        "parameters": [
                            {"$ref": "common.yaml#/parameters/Body"},
                            {"$ref": "common.yaml#/parameters/Limit"}
                        ],
                        "responses": {
                            "200": {"description": "ok", "schema": {"$ref": "common.yaml#/definitions/Pet"}},
                            "404": {"$ref": "common.yaml#/responses/NotFound"}
                        }
                    }}},
                    "definitions": {"Local": {"$ref": "pet.yaml"}}
                })),
            ),
            (
                "specs/common.yaml",
                json!({
                    "definitions": {
                        "Pet": {"properties": {"tag": {"$ref": "#/definitions/Tag"}, "main": {"$ref": "api.yaml#/definitions/Local"}}},
                        "Tag": {"type": "string", "x-nullable": true}
                    },
                    "parameters": {
                        "Body": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Pet"}},
                        "Limit": {"name": "limit", "in": "query", "type": "integer"}
                    },
                    "responses": {"NotFound": {"description": "nf", "schema": {"type": "file"}}}
                }),
            ),
            ("specs/pet.yaml", json!({"type": "file"})),
        ]);
        let api = &documents.documents[0].root;
        let operation = &api["paths"]["/pets"]["post"];
        assert_eq!(
            operation["requestBody"],
            json!({"$ref": "common.yaml#/parameters/Body"})
        );
        assert_eq!(
            operation["parameters"],
            json!([{"$ref": "common.yaml#/parameters/Limit"}])
        );
        assert_eq!(
            operation["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "common.yaml#/definitions/Pet"})
        );
        let common = &documents.documents[1].root;
        assert_eq!(
            common["parameters"]["Body"],
            json!({"content": {"application/json": {"schema": {"$ref": "#/definitions/Pet"}}}})
        );
        assert_eq!(
            common["parameters"]["Limit"],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
        );
        assert_eq!(
            common["definitions"]["Tag"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            common["definitions"]["Pet"]["properties"]["main"]["$ref"],
            "api.yaml#/components/schemas/Local"
        );
        assert_eq!(
            common["responses"]["NotFound"]["content"],
            json!({"application/json": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(
            documents.documents[2].root,
            json!({"type": "string", "format": "binary"})
        );
        let at = Location::new(
            documents.documents[1].path.clone(),
            "/parameters/Body/content/application~1json/schema/$ref",
        );
        assert_eq!(
            documents.original(&at).pointer,
            "/parameters/Body/schema/$ref"
        );
        let at = Location::new(
            documents.documents[1].path.clone(),
            "/parameters/Limit/schema/type",
        );
        assert_eq!(documents.original(&at).pointer, "/parameters/Limit/type");
    }

    #[test]
    fn parameter_extras_of_2_0() {
        let (root, _) = convert_one(swagger(json!({
            "paths": {"/a": {"get": {
                "parameters": [
                    {"name": "q", "in": "query", "type": "string", "enum": ["a", "b"], "default": "a",
                     "x-example": "b", "allowEmptyValue": true, "x-nullable": true}
                ],
                "responses": {"204": {"description": "ok"}}
            }}}
        })));
        assert_eq!(
            root["paths"]["/a"]["get"]["parameters"][0],
            json!({
                "name": "q", "in": "query",
                "schema": {"type": "string", "enum": ["a", "b"], "default": "a", "nullable": true},
                "example": "b", "allowEmptyValue": true
            })
        );
    }

    #[test]
    fn path_items_of_other_files_are_converted_there() {
        let documents = load(&[
            (
                "api.yaml",
                swagger(json!({
                    "consumes": ["application/json"],
                    "paths": {"/pets": {"$ref": "paths/pets.yaml"}},
                    "parameters": {"Note": {"name": "note", "in": "formData", "type": "string"}},
                    "definitions": {"Pet": {"type": "object"}}
                })),
            ),
            (
                "paths/pets.yaml",
                json!({
                    "post": {
                        "parameters": [{"name": "pet", "in": "body", "schema": {"$ref": "../api.yaml#/definitions/Pet"}}],
                        "responses": {"200": {"description": "ok", "schema": {"$ref": "../api.yaml#/definitions/Pet"}}}
                    },
                    "put": {
                        "consumes": ["multipart/form-data"],
                        "parameters": [{"$ref": "../api.yaml#/parameters/Note"}],
                        "responses": {"204": {"description": "ok"}}
                    }
                }),
            ),
        ]);
        let api = &documents.documents[0].root;
        assert_eq!(api["paths"]["/pets"], json!({"$ref": "paths/pets.yaml"}));
        // The form parameter is a property of each body that uses it, not a parameter.
        assert!(
            api["components"].get("parameters").is_none()
                || api["components"]["parameters"] == json!({})
        );
        let item = &documents.documents[1].root;
        let pet = json!({"$ref": "../api.yaml#/components/schemas/Pet"});
        assert_eq!(
            item["post"]["requestBody"],
            json!({"content": {"application/json": {"schema": pet}}})
        );
        assert_eq!(
            item["post"]["responses"]["200"]["content"]["application/json"]["schema"],
            pet
        );
        assert_eq!(
            item["put"]["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"],
            json!({"note": {"type": "string"}})
        );
        assert!(item["put"].get("parameters").is_none());
        // The property of the shared form parameter is located at that parameter.
        let at = Location::new(
            documents.documents[1].path.clone(),
            "/put/requestBody/content/multipart~1form-data/schema/properties/note/type",
        );
        let original = documents.original(&at);
        assert_eq!(original.file(), Path::new("api.yaml"));
        assert_eq!(original.pointer, "/parameters/Note/type");
    }

    #[test]
    fn operation_schemes_become_servers() {
        let (root, _) = convert_one(swagger(json!({
            "host": "h.example", "basePath": "/b", "schemes": ["https"],
            "paths": {"/a": {"get": {"schemes": ["http"], "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}}}
        })));
        let operation = &root["paths"]["/a"]["get"];
        assert_eq!(operation["servers"], json!([{"url": "http://h.example/b"}]));
        assert!(operation.get("schemes").is_none());
        // No `produces` anywhere: JSON.
        assert_eq!(
            operation["responses"]["200"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}})
        );
    }

    #[test]
    fn openapi_3_documents_are_located_as_they_are() {
        let documents = load(&[("api.yaml", json!({"openapi": "3.0.3", "paths": {}}))]);
        let at = Location::new(documents.documents[0].path.clone(), "/paths/x");
        assert_eq!(documents.original(&at), at);
        assert!(documents.swagger_version().is_none());
        assert!(documents.conversion_notes().is_empty());
    }

    #[test]
    fn large_shared_nodes_are_not_copied() {
        let properties: Map<String, Value> = (0..300)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        let big = json!({"type": "object", "properties": properties});
        let (root, documents) = convert_one(swagger(json!({
            "paths": {"/a": {"put": {
                "consumes": ["application/xml"],
                "produces": ["application/xml"],
                "parameters": [{"$ref": "#/parameters/Big"}],
                "responses": {"200": {"$ref": "#/responses/Big"}}
            }}},
            "parameters": {"Big": {"name": "b", "in": "body", "schema": big}},
            "responses": {"Big": {"description": "big", "schema": big}}
        })));
        let operation = &root["paths"]["/a"]["put"];
        assert_eq!(
            operation["requestBody"],
            json!({"$ref": "#/components/requestBodies/Big"})
        );
        assert_eq!(
            operation["responses"]["200"],
            json!({"$ref": "#/components/responses/Big"})
        );
        let notes = &documents.conversion.as_ref().unwrap().notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn long_media_type_lists_are_cut() {
        let media: Vec<String> = (0..40).map(|i| format!("application/x-{i}+json")).collect();
        let (root, documents) = convert_one(swagger(json!({
            "produces": media,
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}}}
        })));
        let content = root["paths"]["/a"]["get"]["responses"]["200"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(content.len(), MAX_MEDIA_TYPES);
        let notes = &documents.conversion.as_ref().unwrap().notes;
        assert_eq!(notes[0].0.pointer, "/produces");
    }

    #[test]
    fn messages_quote_refs_as_written() {
        let (_, documents) = convert_one(swagger(json!({
            "definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"type": "string"}}
        })));
        let mut diagnostic = crate::Diagnostic::error(
            Location::new(
                documents.documents[0].path.clone(),
                "/components/schemas/A/$ref",
            ),
            "$ref `#/components/schemas/B` is part of a cycle of references",
        );
        documents.original_diagnostic(&mut diagnostic);
        assert_eq!(diagnostic.location.pointer, "/definitions/A/$ref");
        assert_eq!(
            diagnostic.message,
            "$ref `#/definitions/B` is part of a cycle of references"
        );
    }

    #[test]
    fn encodes_fragments() {
        assert_eq!(
            encode_fragment("/components/schemas/A B"),
            "/components/schemas/A%20B"
        );
        assert_eq!(encode_fragment("/a~1{b}%"), "/a~1%7Bb%7D%25");
        assert_eq!(encode_fragment("/é"), "/%C3%A9");
    }
}
