//! Loading an OpenAPI document and every file its `$ref`s reach, and resolving those
//! `$ref`s.
//!
//! The loader knows nothing about code; it hands the lowering step a set of parsed
//! documents and a resolver that follows `$ref` chains, reporting every problem with
//! the file and JSON pointer where it is.

mod parse;
pub mod pointer;
mod swagger2;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::diagnostics::{Approximation, Diagnostic, Location};

/// How many files one document may pull in through `$ref`s.
const MAX_FILES: usize = 512;
/// How many `$ref`s a chain may follow before it is reported as too long.
const MAX_REF_HOPS: usize = 64;

/// One parsed file.
#[derive(Debug)]
pub struct Document {
    /// The path as the user gave it, or as reached from the referring file.
    pub path: Arc<Path>,
    /// The parsed content.
    pub root: Value,
    /// The JSON pointer of every `$anchor` and `$dynamicAnchor` (JSON Schema 2020-12
    /// plain-name fragments), found the first time a `$ref` names one.
    anchors: OnceLock<HashMap<String, String>>,
}

impl Document {
    /// A parsed file at `path`.
    pub fn new(path: Arc<Path>, root: Value) -> Document {
        Document {
            path,
            root,
            anchors: OnceLock::new(),
        }
    }

    /// The pointers of the anchors of this file, by name; the first of a name wins.
    fn anchors(&self) -> &HashMap<String, String> {
        self.anchors.get_or_init(|| {
            let mut anchors = HashMap::new();
            let mut stack = vec![(String::new(), &self.root, false)];
            while let Some((at, value, names)) = stack.pop() {
                match value {
                    Value::Object(map) => {
                        for key in ["$anchor", "$dynamicAnchor"] {
                            if !names && let Some(Value::String(name)) = map.get(key) {
                                anchors.entry(name.clone()).or_insert_with(|| at.clone());
                            }
                        }
                        for (key, child) in map.iter().rev() {
                            if !(child.is_object() || child.is_array()) {
                                continue;
                            }
                            if names || !is_literal(key, child) {
                                let mut pointer = at.clone();
                                pointer.push('/');
                                pointer::escape_into(key, &mut pointer);
                                let child_names = !names
                                    && child.is_object()
                                    && NAME_MAPS.contains(&key.as_str());
                                stack.push((pointer, child, child_names));
                            }
                        }
                    }
                    Value::Array(items) => {
                        for (index, child) in items.iter().enumerate().rev() {
                            if child.is_object() || child.is_array() {
                                stack.push((format!("{at}/{index}"), child, false));
                            }
                        }
                    }
                    _ => {}
                }
            }
            anchors
        })
    }
}

/// The entry document and every file reachable from it through `$ref`s.
#[derive(Debug)]
pub struct Documents {
    documents: Vec<Document>,
    by_path: HashMap<PathBuf, usize>,
    /// The index of every document under the path it was loaded by: every `$ref`
    /// resolution looks its file up, and this spares canonicalizing its path (a
    /// system call) when it is spelled as loaded, as it nearly always is.
    by_spelling: HashMap<Arc<Path>, usize>,
    /// Set when the entry is a Swagger 2.0 document: every document then holds its
    /// OpenAPI 3.0 conversion, and this says where its nodes came from.
    conversion: Option<swagger2::Conversion>,
}

/// A node of a loaded document and where it is.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// Where the node is.
    pub location: Location,
    /// The node itself.
    pub value: &'a Value,
}

impl<'a> Node<'a> {
    /// The child `key` of this object node, if present.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        let value = self.value.as_object()?.get(key)?;
        Some(Node {
            location: self.location.child(key),
            value,
        })
    }

    /// The elements of this array node (none if it is not an array).
    pub fn elements(&self) -> impl Iterator<Item = Node<'a>> + '_ {
        self.value
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, value)| Node {
                location: self.location.index(i),
                value,
            })
    }

    /// The entries of this object node (none if it is not an object), in document order.
    pub fn entries(&self) -> impl Iterator<Item = (&'a str, Node<'a>)> + '_ {
        self.value
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, value)| {
                (
                    key.as_str(),
                    Node {
                        location: self.location.child(key),
                        value,
                    },
                )
            })
    }

    /// The string child `key`, if present and a string.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key)?.as_str()
    }

    /// The boolean child `key`, if present and a boolean.
    pub fn bool(&self, key: &str) -> Option<bool> {
        self.value.get(key)?.as_bool()
    }

    /// Whether this node is an object with a `$ref`.
    pub fn is_ref(&self) -> bool {
        self.value.get("$ref").is_some()
    }
}

impl Documents {
    /// Reads `entry` and every file its `$ref`s reach, transitively.
    ///
    /// A failure to read or parse the entry document is fatal; problems with other
    /// files are reported at the `$ref` that names them, all of them.
    pub fn load(entry: &Path) -> Result<Documents, Vec<Diagnostic>> {
        Documents::load_watching(entry, &mut |_| {})
    }

    /// Like [`Documents::load`], calling `on_read` with every file it tries to read,
    /// whether or not that succeeds (a build script re-runs when any of them changes).
    pub fn load_watching(
        entry: &Path,
        on_read: &mut dyn FnMut(&Path),
    ) -> Result<Documents, Vec<Diagnostic>> {
        let mut documents = Documents {
            documents: Vec::new(),
            by_path: HashMap::new(),
            by_spelling: HashMap::new(),
            conversion: None,
        };
        let entry_path: Arc<Path> = Arc::from(entry);
        on_read(entry);
        let root = read(entry).map_err(|message| {
            vec![Diagnostic::error(
                Location::new(entry_path.clone(), ""),
                message,
            )]
        })?;
        documents.insert(entry_path, root);

        let mut problems = Vec::new();
        let mut next = 0;
        while next < documents.documents.len() {
            for (location, reference) in external_refs(&documents.documents[next]) {
                let Some(file) = reference.split('#').next() else {
                    continue;
                };
                let path = relative_to(&location.file, file);
                if documents.find(&path).is_some() {
                    continue;
                }
                if documents.documents.len() >= MAX_FILES {
                    problems.push(Diagnostic::error(
                        location,
                        format!("more than {MAX_FILES} files are reachable through $refs"),
                    ));
                    return Err(problems);
                }
                on_read(&path);
                match read(&path) {
                    Ok(root) => documents.insert(Arc::from(path.as_path()), root),
                    Err(message) => problems.push(Diagnostic::error(
                        location,
                        format!("$ref `{reference}`: {message}"),
                    )),
                }
            }
            next += 1;
        }
        if problems.is_empty() {
            documents.convert_swagger2();
            Ok(documents)
        } else {
            Err(problems)
        }
    }

    /// Replaces every document by its OpenAPI 3.0 conversion when the entry is a
    /// Swagger 2.0 document.
    fn convert_swagger2(&mut self) {
        if !swagger2::is_swagger2(&self.documents[0].root) {
            return;
        }
        let (roots, conversion) = swagger2::convert(self);
        for (document, root) in self.documents.iter_mut().zip(roots) {
            if let Some(root) = root {
                document.root = root;
            }
        }
        self.conversion = Some(conversion);
    }

    /// The `swagger` version of the entry document when it was converted from Swagger
    /// 2.0 to OpenAPI 3.0 (`"2.0"`).
    pub fn swagger_version(&self) -> Option<&'static str> {
        self.conversion.as_ref().map(|_| "2.0")
    }

    /// Where a node of the loaded documents is in the files as written: itself, unless
    /// it is a node of a document converted from Swagger 2.0.
    pub fn original(&self, location: &Location) -> Location {
        match (&self.conversion, self.index_of(&location.file)) {
            (Some(conversion), Some(index)) => conversion.original(index, location),
            _ => location.clone(),
        }
    }

    /// `diagnostic`, about a node of the loaded documents, made about that node as
    /// written: at its [original](Documents::original) location, quoting its `$ref` as
    /// written.
    pub fn original_diagnostic(&self, diagnostic: &mut Diagnostic) {
        if let (Some(conversion), Some(index)) =
            (&self.conversion, self.index_of(&diagnostic.location.file))
        {
            diagnostic.message =
                conversion.original_message(index, &diagnostic.location, &diagnostic.message);
            diagnostic.location = conversion.original(index, &diagnostic.location);
        }
    }

    /// What the conversion from Swagger 2.0 could only approximate, at the original
    /// locations (none for an OpenAPI 3 document).
    pub fn conversion_notes(&self) -> &[(Location, String)] {
        self.conversion
            .as_ref()
            .map_or(&[][..], |conversion| &conversion.notes)
    }

    /// The index of the document at `file`.
    fn index_of(&self, file: &Path) -> Option<usize> {
        self.documents
            .iter()
            .position(|document| std::ptr::eq(&*document.path, file))
            .or_else(|| {
                self.by_spelling
                    .get(file)
                    .or_else(|| self.by_path.get(&identity(file)))
                    .copied()
            })
    }

    /// The entry document.
    pub fn entry(&self) -> Node<'_> {
        let document = &self.documents[0];
        Node {
            location: Location::new(document.path.clone(), ""),
            value: &document.root,
        }
    }

    /// Every loaded file, the entry first.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.documents.iter().map(|d| &*d.path)
    }

    /// Follows `$ref`s from `node` until a node that is not a reference.
    pub fn resolve<'a>(&'a self, node: Node<'a>) -> Result<Node<'a>, Diagnostic> {
        let mut node = node;
        // The references followed so far; chains are short, so a list will do.
        let mut seen: Vec<Location> = Vec::new();
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = node.value.get("$ref") else {
                return Ok(node);
            };
            let Some(reference) = reference.as_str() else {
                return Err(Diagnostic::error(
                    node.location.child("$ref"),
                    "$ref must be a string",
                ));
            };
            if seen.contains(&node.location) {
                return Err(Diagnostic::error(
                    node.location.child("$ref"),
                    format!("$ref `{reference}` is part of a cycle of references"),
                ));
            }
            let next = self.target(&node.location, reference)?;
            seen.push(node.location);
            node = next;
        }
        Err(Diagnostic::error(
            node.location,
            format!("a chain of more than {MAX_REF_HOPS} $refs"),
        ))
    }

    /// The node a `$ref` string found at `from` points to (one hop).
    pub fn target<'a>(&'a self, from: &Location, reference: &str) -> Result<Node<'a>, Diagnostic> {
        let at = || from.child("$ref");
        if reference.contains("://") || reference.starts_with("//") {
            return Err(Diagnostic::warning(
                Approximation::Untyped,
                at(),
                format!(
                    "$ref `{reference}` points to a remote document, which is not fetched: \
                     what it names is any JSON value"
                ),
            ));
        }
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let document = if file.is_empty() {
            self.holding(&from.file)
        } else {
            self.find(&relative_to(&from.file, file))
        }
        .ok_or_else(|| Diagnostic::error(at(), format!("$ref `{reference}`: file not loaded")))?;
        let pointer = pointer::percent_decode(fragment).ok_or_else(|| {
            Diagnostic::error(
                at(),
                format!("$ref `{reference}` has a malformed percent-escape"),
            )
        })?;
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return match document.anchors().get(pointer.as_str()) {
                Some(anchored) => Ok(Node {
                    location: Location::new(document.path.clone(), anchored.clone()),
                    value: pointer::get(&document.root, anchored).unwrap_or(&document.root),
                }),
                None => Err(Diagnostic::error(
                    at(),
                    format!(
                        "$ref `{reference}` names no `$anchor` or `$dynamicAnchor` of {}",
                        document.path.display()
                    ),
                )),
            };
        }
        let value = pointer::get(&document.root, &pointer).ok_or_else(|| {
            Diagnostic::error(
                at(),
                format!("$ref `{reference}` points to nothing: no node at `{pointer}`"),
            )
        })?;
        Ok(Node {
            location: Location::new(document.path.clone(), pointer),
            value,
        })
    }

    fn insert(&mut self, path: Arc<Path>, root: Value) {
        let key = identity(&path);
        self.by_path.insert(key, self.documents.len());
        self.by_spelling.insert(path.clone(), self.documents.len());
        self.documents.push(Document::new(path, root));
    }

    /// The document a location's file names: found by identity of the path when the
    /// location was made from a loaded document (as nearly all are), which spares
    /// hashing the path for every local `$ref`.
    fn holding(&self, file: &Arc<Path>) -> Option<&Document> {
        self.documents
            .iter()
            .find(|document| Arc::ptr_eq(&document.path, file))
            .or_else(|| self.find(file))
    }

    fn find(&self, path: &Path) -> Option<&Document> {
        self.by_spelling
            .get(path)
            .or_else(|| self.by_path.get(&identity(path)))
            .map(|&index| &self.documents[index])
    }
}

/// Reads and parses one file.
fn read(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse::parse(&bytes)
}

/// The path a `$ref` file part names, relative to the file that holds the `$ref`.
fn relative_to(from: &Path, file: &str) -> PathBuf {
    let joined = from.parent().unwrap_or(Path::new("")).join(file);
    normalize(&joined)
}

/// Removes `.` and resolvable `..` components, lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A key under which two spellings of one file compare equal.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// Keys whose children are names (of properties, schemas, paths, media types, …)
/// rather than keywords: a child called `example` or `default` there is a name.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "mediaTypes",
    "content",
    "encoding",
    "paths",
    "webhooks",
    "variables",
];

/// Whether the value of keyword `key` is literal data, never a reference: example
/// values, defaults, constants, enumerations and extensions may hold objects with a
/// `$ref` member that is just data (GitHub's documents have such examples).
fn is_literal(key: &str, value: &Value) -> bool {
    match key {
        "example" | "default" | "const" | "enum" | "value" => true,
        // A schema's `examples` is an array of values; elsewhere `examples` is a map
        // of Example Objects, which may be references.
        "examples" => value.is_array(),
        _ => key.starts_with("x-"),
    }
}

/// Every `$ref` of `document` that names another file, with where it is. Literal data
/// (see [`is_literal`]) is not searched.
fn external_refs(document: &Document) -> Vec<(Location, String)> {
    let mut found = Vec::new();
    // Each node with whether its keys are names rather than keywords.
    let mut stack = vec![(
        Location::new(document.path.clone(), ""),
        &document.root,
        false,
    )];
    while let Some((location, value, names)) = stack.pop() {
        match value {
            Value::Object(map) => {
                if !names
                    && let Some(Value::String(reference)) = map.get("$ref")
                    && !reference.starts_with('#')
                    && !reference.contains("://")
                {
                    found.push((location.child("$ref"), reference.clone()));
                }
                for (key, child) in map.iter().rev() {
                    if !(child.is_object() || child.is_array()) {
                        continue;
                    }
                    if names {
                        stack.push((location.child(key), child, false));
                    } else if !is_literal(key, child) {
                        let child_names = child.is_object() && NAME_MAPS.contains(&key.as_str());
                        stack.push((location.child(key), child, child_names));
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate().rev() {
                    if child.is_object() || child.is_array() {
                        stack.push((location.index(index), child, false));
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs_of(yaml: &str) -> Vec<String> {
        let document = Document::new(
            Arc::from(Path::new("api.yaml")),
            parse::parse(yaml.as_bytes()).unwrap(),
        );
        external_refs(&document)
            .into_iter()
            .map(|(location, reference)| format!("{}={reference}", location.pointer))
            .collect()
    }

    #[test]
    fn references_inside_literal_data_are_not_followed() {
        let found = refs_of(
            "components:\n  examples:\n    stats:\n      value: [{db: {$ref: a.yaml}}]\n    \
             other: {$ref: 'examples.yaml#/x'}\n  schemas:\n    S:\n      default: {$ref: b.yaml}\n      \
             example: {$ref: c.yaml}\n      examples: [{$ref: d.yaml}]\n      enum: [{$ref: e.yaml}]\n      \
             x-extra: {$ref: f.yaml}\n      properties:\n        example: {$ref: g.yaml}\n        \
             default: {$ref: h.yaml}\n",
        );
        assert_eq!(
            found,
            [
                "/components/examples/other/$ref=examples.yaml#/x",
                "/components/schemas/S/properties/example/$ref=g.yaml",
                "/components/schemas/S/properties/default/$ref=h.yaml",
            ]
        );
    }

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            Path::new("a/c.yaml")
        );
        assert_eq!(normalize(Path::new("../x/../y")), Path::new("../y"));
        assert_eq!(
            relative_to(
                Path::new("specs/api.yaml"),
                "./common.yaml#/x".split('#').next().unwrap()
            ),
            Path::new("specs/common.yaml")
        );
    }
}
