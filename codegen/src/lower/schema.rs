//! Lowering schemas to types.
//!
//! A schema becomes either a type expression over existing types ([`TypeRef`]) or a
//! new type shape ([`TypeKind`]) that needs a name: the name of the component it is,
//! or one made from where it is used (`Pet` + property `owner` → `PetOwner`).

use std::collections::HashSet;

use serde_json::Value;

use super::Lowerer;
use super::names::{self, Namespace};
use crate::diagnostics::{Approximation, Location};
use crate::ir::{
    AdditionalProperties, Bound, Constraints, Field, FieldDefault, IntEnum, Primitive, StringEnum,
    StringVariant, Struct, Traits, TypeDef, TypeId, TypeKind, TypeRef, Union, UnionVariant,
};
use crate::loader::Node;

/// How deeply inline schemas may nest before the document is rejected.
const MAX_DEPTH: usize = 48;

/// How many named types may be lowered inside each other (`A` refers to `B` refers
/// to …) before further ones are deferred, which bounds the stack for any chain.
const MAX_NESTED_TYPES: usize = 64;

/// The keywords that give a schema a shape (as opposed to only constraining it).
const SHAPE_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "additionalProperties",
    "items",
    "prefixItems",
    "enum",
    "const",
    "allOf",
    "oneOf",
    "anyOf",
];

/// Keywords that only exclude values, which generated code does not check: the type
/// of a schema with one of them accepts more than the schema does.
const UNENFORCED_KEYWORDS: &[&str] = &[
    "not",
    "if",
    "dependentSchemas",
    "dependentRequired",
    "contains",
    "propertyNames",
    "unevaluatedItems",
];

/// How many members distributing an intersection over its unions may make.
const MAX_DISTRIBUTED: usize = 16;

/// The members of an `allOf`, flattened through nested `allOf`s.
#[derive(Default)]
struct Intersection<'a> {
    /// The declared properties, in first-declared order.
    properties: Vec<(&'a str, Node<'a>)>,
    /// The required property names.
    required: Vec<String>,
    /// Whether a member says `type: object`.
    object_typed: bool,
    /// The members of another JSON type than object.
    non_object: Vec<Node<'a>>,
    /// The members that are unions (`oneOf`/`anyOf`), resolved.
    unions: Vec<Node<'a>>,
}

/// The variants of a union being built, with their names and the tags taken.
#[derive(Default)]
struct Variants {
    list: Vec<UnionVariant>,
    names: Namespace,
    claimed: HashSet<String>,
}

impl Variants {
    /// Adds a variant of type `ty`, named after `label`, selected by `tags` (`None`
    /// when the discriminator does not fit it). A discriminator value selects the
    /// first variant it maps to: a later variant the same value maps to (a member
    /// listed twice, a mapping naming one schema under two references) does not take
    /// it too.
    fn push(&mut self, label: &str, ty: TypeRef, tags: Option<Vec<String>>) {
        let fallback = tags.is_none();
        let mut tags = tags.unwrap_or_default();
        tags.retain(|tag| self.claimed.insert(tag.clone()));
        self.list.push(UnionVariant {
            rust_name: self.names.claim(label),
            ty,
            tags,
            fallback,
        });
    }
}

/// What an object does with the properties it does not declare.
enum Extra {
    /// Accepts and drops them.
    Ignore,
    /// Rejects them.
    Deny,
    /// Keeps them in a map with values of this type.
    Keep(TypeRef),
}

/// What a schema lowers to, before it is named or wrapped.
enum Shape {
    /// An expression over existing types.
    Ref(TypeRef),
    /// A new type that needs a name.
    Kind(TypeKind),
}

/// A lowered schema with the facts its users need.
struct Lowered {
    shape: Shape,
    nullable: bool,
}

impl Lowered {
    fn of(ty: TypeRef) -> Lowered {
        Lowered {
            shape: Shape::Ref(ty),
            nullable: false,
        }
    }

    fn any() -> Lowered {
        Lowered::of(TypeRef::Primitive(Primitive::Any))
    }

    fn nullable(mut self, nullable: bool) -> Lowered {
        self.nullable |= nullable;
        self
    }
}

impl<'a> Lowerer<'a> {
    /// Creates every schema of `components.schemas` under its own name, in document
    /// order, so that these names win over names made for inline schemas.
    pub(super) fn component_schemas(&mut self, root: &Node<'a>) {
        let Some(schemas) = root.get("components").and_then(|c| c.get("schemas")) else {
            return;
        };
        if !schemas.value.is_object() {
            self.error(schemas.location, "`components.schemas` must be an object");
            return;
        }
        let entries: Vec<_> = schemas.entries().collect();
        for (name, node) in &entries {
            self.placeholder(node.location.clone(), names::type_name(name));
        }
        for (_, node) in entries {
            self.named_type(node);
        }
    }

    /// Creates an empty named type for a schema location and remembers it.
    fn placeholder(&mut self, location: Location, base: String) -> TypeId {
        let name = self.type_names.claim(&base);
        let id = TypeId(self.types.defs.len());
        self.types.defs.push(TypeDef {
            name,
            docs: None,
            kind: TypeKind::Alias(TypeRef::Primitive(Primitive::Any)),
            traits: Traits::default(),
            examples: Vec::new(),
            deprecated: false,
            nullable: false,
            inline: false,
            location: location.clone(),
            constraints: Constraints::default(),
            approximations: Vec::new(),
        });
        self.named.insert(location, id);
        id
    }

    /// The named type of the schema at `node` (a `$ref` target or a component),
    /// lowering it the first time.
    fn named_type(&mut self, node: Node<'a>) -> TypeId {
        let id = match self.named.get(&node.location) {
            Some(&id) if self.filled(id) => return id,
            Some(&id) => id,
            None => self.placeholder(node.location.clone(), name_for_location(&node.location)),
        };
        self.mark_filling(id);
        let name = self.types.get(id).name.clone();
        let lowered = self.shape(&node, &name, 0);
        let kind = match lowered.shape {
            Shape::Kind(kind) => kind,
            Shape::Ref(ty) => TypeKind::Alias(ty),
        };
        let constraints = self.constraints(&node);
        let def = self.types.get_mut(id);
        def.kind = kind;
        def.nullable = lowered.nullable;
        def.docs = docs(&node);
        def.examples = examples(&node);
        def.deprecated = node.bool("deprecated").unwrap_or(false);
        def.constraints = constraints;
        id
    }

    fn filled(&self, id: TypeId) -> bool {
        self.filling.contains(&id)
    }

    fn mark_filling(&mut self, id: TypeId) {
        self.filling.insert(id);
    }

    /// The type of the schema at `node`; inline shapes are named after `hint`.
    pub(super) fn schema_type(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> TypeRef {
        let lowered = self.shape(node, hint, depth);
        let ty = match lowered.shape {
            Shape::Ref(ty) => ty,
            Shape::Kind(kind) => TypeRef::Named(self.inline_type(node, hint, kind)),
        };
        if lowered.nullable { ty.optional() } else { ty }
    }

    /// Names a new inline type.
    fn inline_type(&mut self, node: &Node<'a>, hint: &str, kind: TypeKind) -> TypeId {
        let name = self
            .type_names
            .claim(&names::escape_keyword(hint.to_owned()));
        let id = TypeId(self.types.defs.len());
        let constraints = self.constraints(node);
        self.types.defs.push(TypeDef {
            name,
            docs: docs(node),
            kind,
            traits: Traits::default(),
            examples: examples(node),
            deprecated: node.bool("deprecated").unwrap_or(false),
            nullable: false,
            inline: true,
            location: node.location.clone(),
            constraints,
            approximations: Vec::new(),
        });
        self.filling.insert(id);
        id
    }

    /// Lowers one schema node.
    fn shape(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> Lowered {
        if depth > MAX_DEPTH {
            self.warn_untyped(
                Approximation::Untyped,
                node,
                format!(
                    "a schema nested more than {MAX_DEPTH} levels deep is any JSON value \
                     (name the inner schemas in `components.schemas`)"
                ),
            );
            return Lowered::any();
        }
        let object = match node.value {
            Value::Object(object) => object,
            Value::Bool(true) => return Lowered::any(),
            Value::Bool(false) => {
                self.warn(
                    Approximation::FalseSchema,
                    node.location.clone(),
                    "the `false` schema admits no value; it is typed as any JSON value",
                );
                return Lowered::any();
            }
            _ => {
                self.error(
                    node.location.clone(),
                    "a schema must be an object or a boolean",
                );
                return Lowered::any();
            }
        };
        let nullable = own_nullable(node);
        self.unenforced(node);
        if object.contains_key("$ref") {
            return self.reference(node).nullable(nullable);
        }
        if let Some(Value::String(reference)) = object.get("$dynamicRef") {
            return self.dynamic_reference(node, reference).nullable(nullable);
        }
        if object.contains_key("allOf") {
            return self.all_of(node, hint, depth).nullable(nullable);
        }
        for keyword in ["oneOf", "anyOf"] {
            if object.contains_key(keyword) {
                return self.union(node, keyword, hint, depth).nullable(nullable);
            }
        }
        if let Some(values) = node.get("enum") {
            return self.enumeration(node, &values).nullable(nullable);
        }
        if let Some(value) = node.get("const") {
            return self.constant(node, value.value).nullable(nullable);
        }
        let types = self.declared_types(node);
        match types.as_slice() {
            [] => self.typed(node, infer_type(node), hint, depth),
            [single] => self.typed(node, single, hint, depth),
            several => {
                let mut variant_names = Namespace::default();
                let variants = several
                    .iter()
                    .map(|t| {
                        let ty = match self.typed(node, t, hint, depth) {
                            Lowered {
                                shape: Shape::Ref(ty),
                                ..
                            } => ty,
                            Lowered {
                                shape: Shape::Kind(kind),
                                ..
                            } => {
                                let hint = format!("{hint}{}", names::name_part(t));
                                TypeRef::Named(self.inline_type(node, &hint, kind))
                            }
                        };
                        UnionVariant {
                            rust_name: variant_names.claim(&self.variant_label(&ty)),
                            ty,
                            tags: Vec::new(),
                            fallback: false,
                        }
                    })
                    .collect();
                Lowered {
                    shape: Shape::Kind(TypeKind::Union(Union {
                        variants,
                        discriminator: None,
                    })),
                    nullable: false,
                }
            }
        }
        .nullable(nullable)
    }

    /// A `$ref` schema: the named type of its target.
    fn reference(&mut self, node: &Node<'a>) -> Lowered {
        let Some(target) = self.resolve(node.clone()) else {
            return Lowered::any();
        };
        let nullable = admits_null(&target);
        let id = if self.nesting < MAX_NESTED_TYPES {
            self.nesting += 1;
            let id = self.named_type(target);
            self.nesting -= 1;
            id
        } else {
            self.deferred_type(target)
        };
        Lowered::of(TypeRef::Named(id)).nullable(nullable)
    }

    /// A `$dynamicRef`: the named type of the schema it names, resolved statically
    /// (the `$dynamicAnchor` or `$anchor` of that name in the document it points
    /// into), with a warning, since the dynamic scope may name another.
    fn dynamic_reference(&mut self, node: &Node<'a>, reference: &str) -> Lowered {
        self.warn(
            Approximation::Unenforced,
            node.location.child("$dynamicRef"),
            format!(
                "`$dynamicRef` `{reference}` is resolved statically, to the schema its \
                 anchor names in this document"
            ),
        );
        let target = match self.documents.target(&node.location, reference) {
            Ok(target) => self.resolve(target),
            Err(problem) => {
                self.report(problem);
                None
            }
        };
        let Some(target) = target else {
            return Lowered::any();
        };
        let nullable = admits_null(&target);
        let id = self.deferred_type(target);
        Lowered::of(TypeRef::Named(id)).nullable(nullable)
    }

    /// The named type of a `$ref` target, to be lowered later (from
    /// [`Lowerer::lower_deferred`]) rather than inside the current one.
    fn deferred_type(&mut self, target: Node<'a>) -> TypeId {
        if let Some(&id) = self.named.get(&target.location) {
            if !self.filled(id) {
                self.deferred.push(target);
            }
            return id;
        }
        let id = self.placeholder(target.location.clone(), name_for_location(&target.location));
        self.deferred.push(target);
        id
    }

    /// Lowers the types deferred because references were nested too deeply.
    pub(super) fn lower_deferred(&mut self) {
        while let Some(node) = self.deferred.pop() {
            self.named_type(node);
        }
    }

    /// The non-null types a `type` keyword lists (`nullable` is read separately).
    fn declared_types(&mut self, node: &Node<'a>) -> Vec<&'a str> {
        let Some(ty) = node.get("type") else {
            return Vec::new();
        };
        let listed: Vec<&'a str> = match ty.value {
            Value::String(t) => vec![t.as_str()],
            Value::Array(items) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(Value::as_str).collect()
            }
            _ => {
                self.warn(
                    Approximation::Untyped,
                    ty.location,
                    "`type` must be a string or an array of strings; it is ignored",
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for t in listed {
            match t {
                "null" => {}
                "string" | "integer" | "number" | "boolean" | "array" | "object" => {
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
                other => self.warn(
                    Approximation::Untyped,
                    ty.location.clone(),
                    format!("unknown type `{other}` is ignored"),
                ),
            }
        }
        if out.is_empty() && listed_only_null(ty.value) {
            return vec!["null"];
        }
        out
    }

    /// A schema of one JSON type.
    fn typed(&mut self, node: &Node<'a>, ty: &str, hint: &str, depth: usize) -> Lowered {
        let format = node.str("format").unwrap_or_default();
        let primitive = |p| Lowered::of(TypeRef::Primitive(p));
        match ty {
            "string" => primitive(match format {
                "date-time" => Primitive::DateTime,
                "date" => Primitive::Date,
                "uuid" => Primitive::Uuid,
                "byte" => Primitive::Base64,
                "binary" => Primitive::Binary,
                _ if node.str("contentEncoding") == Some("base64") => Primitive::Base64,
                _ => Primitive::String,
            }),
            "integer" => primitive(integer_primitive(format)),
            "number" => primitive(match format {
                "float" => Primitive::F32,
                "int32" => Primitive::I32,
                "int64" => Primitive::I64,
                _ => Primitive::F64,
            }),
            "boolean" => primitive(Primitive::Bool),
            "array" => self.array(node, hint, depth),
            "object" => self.object(node, hint, depth),
            // `serde_json::Value` holds `null` too.
            _ => Lowered::any(),
        }
    }

    fn array(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> Lowered {
        // A tuple: 2020-12 `prefixItems` with `items` for the rest, or the older
        // `items` as an array with `additionalItems` for the rest.
        let items = node.get("items");
        match (node.get("prefixItems"), &items) {
            (Some(prefix), rest) => return self.tuple(node, &prefix, rest.clone(), hint, depth),
            (None, Some(items)) if items.value.is_array() => {
                let rest = node.get("additionalItems");
                return self.tuple(node, items, rest, hint, depth);
            }
            _ => {}
        }
        let item = match items {
            Some(items) => self.schema_type(&items, &format!("{hint}Item"), depth + 1),
            None => TypeRef::Primitive(Primitive::Any),
        };
        let unique = node.bool("uniqueItems").unwrap_or(false);
        if unique && self.is_ordered(&item) {
            Lowered::of(TypeRef::Set(Box::new(item)))
        } else {
            Lowered::of(TypeRef::Array(Box::new(item)))
        }
    }

    /// A tuple: a Rust tuple when its length is fixed (no further items, and
    /// `minItems` at least its length); else a list of the one type all its items
    /// have, or of any JSON values, with a warning (a shorter or longer array is
    /// valid, and a Rust tuple would reject it).
    fn tuple(
        &mut self,
        node: &Node<'a>,
        prefix: &Node<'a>,
        rest: Option<Node<'a>>,
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let elements: Vec<Node<'a>> = prefix.elements().collect();
        let types: Vec<TypeRef> = elements
            .iter()
            .enumerate()
            .map(|(i, element)| self.schema_type(element, &format!("{hint}{}", i + 1), depth + 1))
            .collect();
        let closed = matches!(
            rest,
            Some(Node {
                value: Value::Bool(false),
                ..
            })
        );
        let min_items = node
            .value
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if closed && !types.is_empty() && min_items >= types.len() as u64 {
            return Lowered::of(TypeRef::Tuple(types));
        }
        let rest = match rest {
            Some(Node {
                value: Value::Bool(false),
                ..
            }) => None,
            Some(rest) if rest.value.is_object() => {
                Some(self.schema_type(&rest, &format!("{hint}Item"), depth + 1))
            }
            _ => Some(TypeRef::Primitive(Primitive::Any)),
        };
        let mut all = types.iter().chain(rest.as_ref());
        let item = match all.next() {
            Some(first) if all.all(|t| t == first) => first.clone(),
            _ => TypeRef::Primitive(Primitive::Any),
        };
        let what = if item.is_any() {
            "any JSON values"
        } else {
            "its items' type"
        };
        self.warn(
            Approximation::Tuple,
            prefix.location.clone(),
            format!(
                "a tuple whose length is not fixed (no `items: false` with `minItems` of \
                 its length) is a list of {what}"
            ),
        );
        Lowered::of(TypeRef::Array(Box::new(item)))
    }

    /// Whether a set of `ty` can be a `BTreeSet` (the type is `Ord`).
    fn is_ordered(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Primitive(p) => matches!(
                p,
                Primitive::String
                    | Primitive::Bool
                    | Primitive::I8
                    | Primitive::I16
                    | Primitive::I32
                    | Primitive::I64
                    | Primitive::U8
                    | Primitive::U16
                    | Primitive::U32
                    | Primitive::U64
                    | Primitive::DateTime
                    | Primitive::Date
                    | Primitive::Uuid
            ),
            TypeRef::Named(id) => {
                self.filled(*id)
                    && matches!(
                        self.types.get(*id).kind,
                        TypeKind::StringEnum(_) | TypeKind::IntEnum(_)
                    )
            }
            _ => false,
        }
    }

    fn object(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> Lowered {
        let properties: Vec<(&'a str, Node<'a>)> = node
            .get("properties")
            .map(|p| p.entries().collect())
            .unwrap_or_default();
        let required = required_names(node);
        self.object_from(node, properties, &required, hint, depth)
    }

    /// An object shape from already-collected properties (also used by `allOf`).
    fn object_from(
        &mut self,
        node: &Node<'a>,
        properties: Vec<(&'a str, Node<'a>)>,
        required: &[String],
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let extra = self.extra_properties(node, hint, depth);
        self.object_with(properties, required, extra, hint, depth)
    }

    /// An object shape of `properties` that treats other properties as `extra` says.
    fn object_with(
        &mut self,
        properties: Vec<(&'a str, Node<'a>)>,
        required: &[String],
        extra: Extra,
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let mut field_names = Namespace::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (name, property) in properties {
            if property.value == &Value::Bool(false) {
                self.warn(
                    Approximation::FalseSchema,
                    property.location.clone(),
                    format!(
                        "property `{name}` has the `false` schema (it must be absent): it \
                         has no field"
                    ),
                );
                continue;
            }
            let rust_name = field_names.claim(&names::snake(name, "field"));
            let field_hint = format!("{hint}{}", names::name_part(name));
            fields.push(self.field(name, rust_name, &property, required, &field_hint, depth));
        }
        if fields.is_empty() {
            return match extra {
                Extra::Deny => Lowered {
                    shape: Shape::Kind(TypeKind::Struct(Struct {
                        fields,
                        additional: AdditionalProperties::Deny,
                    })),
                    nullable: false,
                },
                Extra::Keep(value) if !value.is_any() => Lowered::of(TypeRef::Map(Box::new(value))),
                _ => Lowered::of(TypeRef::Primitive(Primitive::AnyObject)),
            };
        }
        let additional = match extra {
            Extra::Ignore => AdditionalProperties::Ignore,
            Extra::Deny => AdditionalProperties::Deny,
            Extra::Keep(ty) => AdditionalProperties::Keep {
                rust_name: field_names.claim("additional_properties"),
                ty,
            },
        };
        Lowered {
            shape: Shape::Kind(TypeKind::Struct(Struct { fields, additional })),
            nullable: false,
        }
    }

    /// What an object schema does with the properties it does not declare: from
    /// `additionalProperties`, widened so that nothing valid is dropped when
    /// `patternProperties` or conditional subschemas (`if`/`then`/`else`,
    /// `dependentSchemas`) may allow more, and closed by `unevaluatedProperties: false`
    /// when nothing else can evaluate a property.
    fn extra_properties(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> Extra {
        let mut extra = match node.get("additionalProperties") {
            Some(Node {
                value: Value::Bool(false),
                ..
            }) => Extra::Deny,
            Some(schema) if schema.value.is_object() => {
                Extra::Keep(self.schema_type(&schema, &format!("{hint}Value"), depth + 1))
            }
            _ => Extra::Ignore,
        };
        let mut open = false;
        if let Some(patterns) = node
            .get("patternProperties")
            .filter(|p| p.value.is_object())
        {
            self.warn(
                Approximation::Unenforced,
                patterns.location.clone(),
                "`patternProperties` are kept in a map whose keys are not checked against \
                 their patterns",
            );
            let types: Vec<TypeRef> = patterns
                .entries()
                .collect::<Vec<_>>()
                .into_iter()
                .map(|(_, schema)| self.schema_type(&schema, &format!("{hint}Value"), depth + 1))
                .collect();
            let common = |ty: &TypeRef| types.iter().all(|t| t == ty);
            extra = match extra {
                Extra::Deny if types.first().is_some_and(common) => Extra::Keep(types[0].clone()),
                Extra::Keep(ty) if common(&ty) => Extra::Keep(ty),
                _ => Extra::Keep(TypeRef::Primitive(Primitive::Any)),
            };
            open = true;
        }
        let conditional = ["if", "then", "else", "dependentSchemas"]
            .iter()
            .any(|k| node.value.get(*k).is_some_and(declares_properties));
        if conditional {
            open = true;
            if matches!(extra, Extra::Ignore) {
                extra = Extra::Keep(TypeRef::Primitive(Primitive::Any));
            }
        }
        if let (Extra::Ignore, false) = (&extra, open) {
            match node.get("unevaluatedProperties") {
                Some(Node {
                    value: Value::Bool(false),
                    ..
                }) => extra = Extra::Deny,
                Some(schema) if schema.value.is_object() => {
                    extra =
                        Extra::Keep(self.schema_type(&schema, &format!("{hint}Value"), depth + 1));
                }
                _ => {}
            }
        }
        extra
    }

    /// Warns about the keywords of `node` that generated code does not enforce.
    fn unenforced(&mut self, node: &Node<'a>) {
        for keyword in UNENFORCED_KEYWORDS {
            if let Some(at) = node.get(keyword) {
                self.warn(
                    Approximation::Unenforced,
                    at.location,
                    format!("`{keyword}` is not enforced: values it excludes are accepted"),
                );
            }
        }
    }

    fn field(
        &mut self,
        wire_name: &str,
        rust_name: String,
        property: &Node<'a>,
        required: &[String],
        hint: &str,
        depth: usize,
    ) -> Field {
        let ty = self.schema_type(property, hint, depth + 1);
        let is_required = required.iter().any(|r| r == wire_name);
        let read_only = property.bool("readOnly").unwrap_or(false);
        let write_only = property.bool("writeOnly").unwrap_or(false);
        let optional = !is_required || read_only || write_only;
        let mut default = None;
        let ty = if optional && !ty.is_option() {
            match property.value.get("default") {
                Some(value) => match self.field_default(&ty, value) {
                    Some(d) => {
                        default = Some(d);
                        ty
                    }
                    None => ty.optional(),
                },
                None => ty.optional(),
            }
        } else {
            ty
        };
        Field {
            rust_name,
            wire_name: wire_name.to_owned(),
            ty,
            required: is_required,
            default,
            docs: docs(property),
            read_only,
            write_only,
            deprecated: property.bool("deprecated").unwrap_or(false),
            constraints: self.value_constraints(property),
            approximations: Vec::new(),
            location: property.location.clone(),
        }
    }

    /// The default of an optional property, when the field type can carry it.
    fn field_default(&self, ty: &TypeRef, value: &Value) -> Option<FieldDefault> {
        match (ty, value) {
            (TypeRef::Primitive(Primitive::Bool), Value::Bool(b)) => Some(FieldDefault::Bool(*b)),
            (TypeRef::Primitive(p), Value::Number(n)) => {
                let n = n.as_i64()?;
                let fits = match p {
                    Primitive::I64 => true,
                    Primitive::I32 => i32::try_from(n).is_ok(),
                    Primitive::U32 => u32::try_from(n).is_ok(),
                    Primitive::U64 => n >= 0,
                    _ => false,
                };
                fits.then_some(FieldDefault::Integer(n))
            }
            (TypeRef::Primitive(Primitive::String), Value::String(s)) => {
                Some(FieldDefault::String(s.clone()))
            }
            (TypeRef::Named(id), value) if self.filled(*id) => match &self.types.get(*id).kind {
                TypeKind::StringEnum(e) => e
                    .variants
                    .iter()
                    .find(|v| Some(v.value.as_str()) == value.as_str())
                    .map(|v| FieldDefault::Variant(v.rust_name.clone())),
                TypeKind::IntEnum(e) => e
                    .variants
                    .iter()
                    .find(|(_, v)| Some(*v) == value.as_i64())
                    .map(|(name, _)| FieldDefault::Variant(name.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// `allOf`: one member is an alias of it; several objects merge into one struct;
    /// an intersection with unions is distributed over them.
    fn all_of(&mut self, node: &Node<'a>, hint: &str, depth: usize) -> Lowered {
        let members: Vec<Node<'a>> = match node.get("allOf") {
            Some(members) if members.value.is_array() => members.elements().collect(),
            Some(members) => {
                self.error(members.location, "`allOf` must be an array");
                return Lowered::any();
            }
            None => Vec::new(),
        };
        let own_shape = SHAPE_KEYWORDS
            .iter()
            .any(|k| *k != "allOf" && node.value.get(*k).is_some());
        let shaped: Vec<&Node<'a>> = members.iter().filter(|m| has_shape(m)).collect();
        // A member (or the schema itself) that only lists `required` changes the
        // type: the properties must be merged rather than aliased.
        let adds_required = node.get("required").is_some()
            || members
                .iter()
                .any(|m| !has_shape(m) && m.get("required").is_some());
        if !own_shape && !adds_required && shaped.len() == 1 {
            let member = shaped[0].clone();
            return self.shape(&member, hint, depth + 1);
        }
        if members.is_empty() {
            return self.typed(node, infer_type(node), hint, depth);
        }

        let Some(mut parts) = self.flatten(members) else {
            return Lowered::any();
        };
        merge_properties(node, &mut parts.properties);
        add_required(&mut parts.required, required_names(node));
        match node.str("type") {
            Some("object") => parts.object_typed = true,
            Some(_) => parts.non_object.push(node.clone()),
            None => {}
        }
        if node.get("oneOf").is_some() || node.get("anyOf").is_some() {
            parts.unions.push(node.clone());
        }
        if !parts.non_object.is_empty() {
            return self.non_object_intersection(node, parts, hint, depth);
        }
        if !parts.unions.is_empty() {
            return self.distribute(node, parts, hint, depth);
        }
        self.object_from(node, parts.properties, &parts.required, hint, depth)
    }

    /// The members of an intersection, flattened through nested `allOf`s; `None`
    /// (reported) when one cannot be resolved or they nest too deeply.
    fn flatten(&mut self, members: Vec<Node<'a>>) -> Option<Intersection<'a>> {
        let mut parts = Intersection::default();
        let mut pending: Vec<(Node<'a>, usize)> =
            members.into_iter().rev().map(|m| (m, 0)).collect();
        while let Some((member, level)) = pending.pop() {
            if level > MAX_DEPTH {
                self.warn_untyped(
                    Approximation::Untyped,
                    &member,
                    "an `allOf` nested too deeply is any JSON value",
                );
                return None;
            }
            let member = self.resolve(member)?;
            if member.get("oneOf").is_some() || member.get("anyOf").is_some() {
                parts.unions.push(member.clone());
            }
            if let Some(nested) = member.get("allOf") {
                for m in nested.elements().collect::<Vec<_>>().into_iter().rev() {
                    pending.push((m, level + 1));
                }
            }
            match member.str("type") {
                Some("object") => parts.object_typed = true,
                Some(_) => parts.non_object.push(member.clone()),
                None => {}
            }
            merge_properties(&member, &mut parts.properties);
            add_required(&mut parts.required, required_names(&member));
        }
        Some(parts)
    }

    /// An intersection with members of a JSON type other than object: the values are
    /// of that type when all of them agree and nothing requires an object (properties
    /// constrain objects only); else no value is valid, and the type is any value.
    fn non_object_intersection(
        &mut self,
        node: &Node<'a>,
        parts: Intersection<'a>,
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let mut types: HashSet<&str> = parts
            .non_object
            .iter()
            .filter_map(|m| m.str("type"))
            .collect();
        // Every integer is a number: the intersection of the two is the integers.
        if types.contains("integer") {
            types.remove("number");
        }
        let only = match types.iter().collect::<Vec<_>>().as_slice() {
            [only] => Some(**only),
            _ => None,
        };
        if let Some(only) = only
            && !parts.object_typed
            && parts.unions.is_empty()
        {
            // The last member of that type is the most specific one in practice
            // (`allOf: [Base, {format: …}]`).
            let member = parts
                .non_object
                .iter()
                .rev()
                .find(|m| m.str("type") == Some(only))
                .cloned()
                .unwrap_or_else(|| node.clone());
            return self.shape(&member, hint, depth + 1);
        }
        self.warn_untyped(
            Approximation::MixedAllOf,
            node,
            "an `allOf` of schemas of different JSON types (no value has them all) is any \
             JSON value",
        );
        Lowered::any()
    }

    /// An intersection with unions, `A ∧ (B ∨ C)`, as the union `(A ∧ B) ∨ (A ∧ C)`
    /// when that makes at most [`MAX_DISTRIBUTED`] members; else the intersection's
    /// own properties with a map that keeps the others (see
    /// [`Lowerer::intersection_fallback`]).
    fn distribute(
        &mut self,
        node: &Node<'a>,
        parts: Intersection<'a>,
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let mut lists: Vec<Vec<Node<'a>>> = Vec::new();
        let mut nullable = !parts.object_typed;
        for holder in &parts.unions {
            let Some(list) = holder.get("oneOf").or_else(|| holder.get("anyOf")) else {
                continue;
            };
            if !list.value.is_array() {
                self.error(list.location, "`oneOf` and `anyOf` must be arrays");
                return Lowered::any();
            }
            let members: Vec<Node<'a>> = list.elements().collect();
            nullable &= members.iter().any(is_null_schema);
            lists.push(members.into_iter().filter(|m| !is_null_schema(m)).collect());
        }
        let combinations = lists
            .iter()
            .try_fold(1usize, |n, list| n.checked_mul(list.len()))
            .unwrap_or(usize::MAX);
        if combinations == 0 {
            return self
                .object_from(node, parts.properties, &parts.required, hint, depth)
                .nullable(nullable);
        }
        if combinations > MAX_DISTRIBUTED {
            let reason = format!(
                "an intersection with unions that distributes into {combinations} members \
                 (more than {MAX_DISTRIBUTED})"
            );
            return self.intersection_fallback(node, parts, &lists, &reason, hint, depth);
        }
        let (discriminator, mapping) = match parts.unions.as_slice() {
            [holder] => discriminator_of(holder),
            _ => (None, Vec::new()),
        };
        let base_declares = discriminator
            .as_ref()
            .is_some_and(|p| parts.properties.iter().any(|(name, _)| name == p));
        let mut variants = Variants::default();
        for combination in cartesian(&lists) {
            let alternatives: Vec<Node<'a>> = combination
                .iter()
                .enumerate()
                .map(|(list, &i)| lists[list][i].clone())
                .collect();
            let label: String = combination
                .iter()
                .enumerate()
                .map(|(list, &i)| member_label(&lists[list][i], i))
                .collect();
            let variant_hint = format!("{hint}{label}");
            let Some(own) = self.flatten(alternatives.clone()) else {
                return Lowered::any();
            };
            if !own.unions.is_empty() {
                let reason = "an intersection with unions whose members are unions again";
                return self.intersection_fallback(node, parts, &lists, reason, hint, depth);
            }
            let ty = if let Some(other) = own.non_object.last() {
                if parts.object_typed || own.object_typed {
                    // An object that is also of another type: no value is both.
                    continue;
                }
                self.schema_type(other, &variant_hint, depth + 1)
            } else {
                let mut properties = parts.properties.clone();
                for (name, property) in own.properties {
                    merge_property(name, property, &mut properties);
                }
                let mut required = parts.required.clone();
                add_required(&mut required, own.required);
                // The members' own `additionalProperties` applies (a single union's
                // member, resolved); with several unions, the intersection's.
                let extra_node = match alternatives.as_slice() {
                    [only] => self.resolve(only.clone()).unwrap_or_else(|| node.clone()),
                    _ => node.clone(),
                };
                let lowered =
                    self.object_from(&extra_node, properties, &required, &variant_hint, depth);
                match lowered.shape {
                    Shape::Ref(ty) => ty,
                    Shape::Kind(kind) => {
                        TypeRef::Named(self.inline_type(&extra_node, &variant_hint, kind))
                    }
                }
            };
            let tags = match (&discriminator, alternatives.as_slice()) {
                (Some(property), [member]) => self.tags(member, property, &mapping, base_declares),
                _ => Some(Vec::new()),
            };
            variants.push(&self.variant_label(&ty), ty, tags);
        }
        let mut variants = variants.list;
        match variants.len() {
            0 => {
                self.warn_untyped(
                    Approximation::MixedAllOf,
                    node,
                    "an intersection whose every combination mixes an object with another \
                     JSON type (no value is valid) is any JSON value",
                );
                Lowered::any()
            }
            1 => Lowered::of(variants.remove(0).ty).nullable(nullable),
            _ => {
                let discriminator = discriminator.filter(|_| variants.iter().any(|v| !v.fallback));
                Lowered {
                    shape: Shape::Kind(TypeKind::Union(Union {
                        variants,
                        discriminator,
                    })),
                    nullable,
                }
            }
        }
    }

    /// The sound type of an intersection with unions that is not distributed: when
    /// every member of the unions is an object, the intersection's own properties,
    /// typed, with every other property kept in a map; else any JSON value.
    fn intersection_fallback(
        &mut self,
        node: &Node<'a>,
        parts: Intersection<'a>,
        lists: &[Vec<Node<'a>>],
        reason: &str,
        hint: &str,
        depth: usize,
    ) -> Lowered {
        let all_objects = lists.iter().flatten().all(|member| {
            self.documents
                .resolve(member.clone())
                .is_ok_and(|m| is_object_schema(m.value))
        });
        if parts.properties.is_empty() || !all_objects {
            self.warn_untyped(
                Approximation::Intersection,
                node,
                format!("{reason} is any JSON value"),
            );
            return Lowered::any();
        }
        self.warn(
            Approximation::Intersection,
            node.location.clone(),
            format!(
                "{reason} is typed by its shared properties; the members' other properties \
                 are kept in a map"
            ),
        );
        let extra = Extra::Keep(TypeRef::Primitive(Primitive::Any));
        self.object_with(parts.properties, &parts.required, extra, hint, depth)
    }

    /// `oneOf` / `anyOf`: optionality when one member is `null`, else a union.
    fn union(&mut self, node: &Node<'a>, keyword: &str, hint: &str, depth: usize) -> Lowered {
        let Some(list) = node.get(keyword) else {
            return Lowered::any();
        };
        if !list.value.is_array() {
            self.error(list.location, format!("`{keyword}` must be an array"));
            return Lowered::any();
        }
        let members: Vec<Node<'a>> = list.elements().collect();
        // `oneOf: [{required: [a]}, {type: object, maxProperties: 0}]` only constrains
        // the object.
        let own_type = self.declared_types(node).first().copied();
        let own_type = own_type.unwrap_or_else(|| infer_type(node));
        let own_properties: Vec<&str> = node
            .get("properties")
            .map(|p| p.entries().map(|(name, _)| name).collect())
            .unwrap_or_default();
        if members
            .iter()
            .all(|m| only_constrains(m, own_type, &own_properties))
        {
            return self.typed(node, own_type, hint, depth);
        }
        if let Some(properties) = node.get("properties") {
            // Properties that every alternative declares anyway (typically the
            // discriminator, restated on the base) add nothing to the union.
            let names: Vec<&str> = properties.entries().map(|(name, _)| name).collect();
            let restated = names.iter().all(|name| {
                members
                    .iter()
                    .all(|m| match self.documents.resolve(m.clone()) {
                        Ok(m) => self.declares_property(&m, name, 0),
                        Err(_) => false,
                    })
            });
            if !restated {
                // The object's own properties and the union intersect.
                let mut parts = Intersection::default();
                merge_properties(node, &mut parts.properties);
                parts.required = required_names(node);
                parts.object_typed = node.str("type") == Some("object");
                parts.unions.push(node.clone());
                return self.distribute(node, parts, hint, depth);
            }
        }
        let nullable = members.iter().any(is_null_schema);
        let members: Vec<Node<'a>> = members.into_iter().filter(|m| !is_null_schema(m)).collect();
        match members.as_slice() {
            [] => return Lowered::any().nullable(true),
            [only] => return self.shape(only, hint, depth + 1).nullable(nullable),
            _ => {}
        }
        let (discriminator, mapping) = discriminator_of(node);
        let mut variants = Variants::default();
        for (i, member) in members.iter().enumerate() {
            let member_hint = match member.str("title") {
                Some(title) => format!("{hint}{}", names::name_part(title)),
                None => format!("{hint}Variant{}", i + 1),
            };
            let ty = self.schema_type(member, &member_hint, depth + 1);
            let tags = match &discriminator {
                Some(property) => self.tags(member, property, &mapping, false),
                None => Some(Vec::new()),
            };
            variants.push(&self.variant_label(&ty), ty, tags);
        }
        let variants = variants.list;
        // A discriminator no member fits selects nothing: the union is untagged.
        let discriminator = discriminator.filter(|_| variants.iter().any(|v| !v.fallback));
        Lowered {
            shape: Shape::Kind(TypeKind::Union(Union {
                variants,
                discriminator,
            })),
            nullable,
        }
    }

    /// The discriminator values that select `member`; `None` (with a warning) when
    /// the member cannot carry the property, or no value can be told for it: it is
    /// then tried in declared order when no tag selects another member. `declared`
    /// says that the property is declared beside the union (so every member has it).
    fn tags(
        &mut self,
        member: &Node<'a>,
        property: &str,
        mapping: &[(String, Node<'a>)],
        declared: bool,
    ) -> Option<Vec<String>> {
        let target = self.resolve(member.clone())?;
        if !declared && !self.declares_property(&target, property, 0) {
            self.warn(
                Approximation::Discriminator,
                member.location.clone(),
                format!(
                    "this member does not declare the discriminator property `{property}`: \
                     it is tried in declared order when no `{property}` value selects another"
                ),
            );
            return None;
        }
        let mut tags: Vec<String> = Vec::new();
        for (tag, reference) in mapping {
            let Some(reference) = reference.value.as_str() else {
                continue;
            };
            let reference = if reference.contains('#') || reference.contains('/') {
                reference.to_owned()
            } else {
                format!("#/components/schemas/{reference}")
            };
            if let Ok(mapped) = self.documents.target(&member.location, &reference) {
                let mapped = self.documents.resolve(mapped).map(|n| n.location);
                if mapped.as_ref() == Ok(&target.location) {
                    tags.push(tag.clone());
                }
            }
        }
        if tags.is_empty() {
            if member.is_ref() {
                if let Some(name) = target.location.pointer.rsplit('/').next() {
                    tags.push(name.replace("~1", "/").replace("~0", "~"));
                }
            } else if let Some(value) = tag_of_inline(&target, property) {
                tags.push(value);
            } else {
                self.warn(
                    Approximation::Discriminator,
                    member.location.clone(),
                    format!(
                        "no `{property}` value can be told for this inline member: it is \
                         tried in declared order when no `{property}` value selects another"
                    ),
                );
                return None;
            }
        }
        Some(tags)
    }

    /// Whether a schema (through `allOf`) declares `property`.
    fn declares_property(&mut self, node: &Node<'a>, property: &str, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        if node
            .get("properties")
            .and_then(|p| p.get(property))
            .is_some()
        {
            return true;
        }
        let members: Vec<_> = node
            .get("allOf")
            .map(|a| a.elements().collect())
            .unwrap_or_default();
        members
            .into_iter()
            .any(|m| match self.documents.resolve(m) {
                Ok(m) => self.declares_property(&m, property, depth + 1),
                Err(_) => false,
            })
    }

    /// A readable variant name for a union member of type `ty`.
    fn variant_label(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.types.get(*id).name.clone(),
            TypeRef::Primitive(p) => match p {
                Primitive::String | Primitive::Binary => "String",
                Primitive::Bool => "Boolean",
                Primitive::F32 | Primitive::F64 => "Number",
                Primitive::DateTime => "DateTime",
                Primitive::Date => "Date",
                Primitive::Uuid => "Uuid",
                Primitive::Base64 => "Bytes",
                Primitive::File => "File",
                Primitive::Any => "Value",
                Primitive::AnyObject => "Object",
                _ => "Integer",
            }
            .to_owned(),
            TypeRef::Array(item) | TypeRef::Set(item) => {
                format!("{}List", self.variant_label(item))
            }
            TypeRef::Map(value) => format!("{}Map", self.variant_label(value)),
            TypeRef::Tuple(_) => "Tuple".to_owned(),
            TypeRef::Option(inner) | TypeRef::Boxed(inner) => self.variant_label(inner),
        }
    }

    fn enumeration(&mut self, node: &Node<'a>, values: &Node<'a>) -> Lowered {
        let Some(items) = values.value.as_array() else {
            self.error(values.location.clone(), "`enum` must be an array");
            return Lowered::any();
        };
        let nullable = items.iter().any(Value::is_null);
        let items: Vec<&Value> = items.iter().filter(|v| !v.is_null()).collect();
        if items.is_empty() {
            return Lowered::any().nullable(true);
        }
        let declared = self.declared_types(node);
        let declared = declared.first().copied();
        let all_strings = items.iter().all(|v| v.is_string());
        let all_integers = items.iter().all(|v| v.is_i64());
        let default = node.value.get("default");
        if declared == Some("string") || (declared.is_none() && all_strings) {
            let strings: Vec<String> = items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            return self.string_enum(strings, default).nullable(nullable);
        }
        if matches!(declared, Some("integer") | None) && all_integers {
            let mut names = Namespace::default();
            let mut variants = Vec::new();
            for value in items.iter().filter_map(|v| v.as_i64()) {
                if variants.iter().any(|(_, v)| *v == value) {
                    continue;
                }
                let name = if value < 0 {
                    format!("Minus{}", value.unsigned_abs())
                } else {
                    format!("V{value}")
                };
                variants.push((names.claim(&name), value));
            }
            let default = default
                .and_then(Value::as_i64)
                .and_then(|d| variants.iter().position(|(_, v)| *v == d));
            return Lowered {
                shape: Shape::Kind(TypeKind::IntEnum(IntEnum { variants, default })),
                nullable,
            };
        }
        // Other values are checked by the server against the type's `allowed` list.
        let inferred = if items.iter().all(|v| v.is_number()) {
            Some("number")
        } else if items.iter().all(|v| v.is_boolean()) {
            Some("boolean")
        } else {
            None
        };
        match declared.or(inferred) {
            Some(t) => self.typed(node, t, "", 0).nullable(nullable),
            None => {
                self.warn_untyped(
                    Approximation::MixedEnum,
                    values,
                    "an `enum` of values of several JSON types without a `type` is any JSON \
                     value (the listed values are not enforced)",
                );
                Lowered::any().nullable(nullable)
            }
        }
    }

    fn string_enum(&mut self, values: Vec<String>, default: Option<&Value>) -> Lowered {
        let mut names = Namespace::default();
        let mut variants: Vec<StringVariant> = Vec::with_capacity(values.len());
        for value in values {
            if variants.iter().any(|v| v.value == value) {
                continue;
            }
            variants.push(StringVariant {
                rust_name: names.claim(&names::variant_name(&value)),
                value,
            });
        }
        let default = default
            .and_then(Value::as_str)
            .and_then(|d| variants.iter().position(|v| v.value == d));
        Lowered {
            shape: Shape::Kind(TypeKind::StringEnum(StringEnum { variants, default })),
            nullable: false,
        }
    }

    fn constant(&mut self, node: &Node<'a>, value: &Value) -> Lowered {
        match value {
            Value::String(s) => self.string_enum(vec![s.clone()], Some(value)),
            Value::Null => Lowered::any().nullable(true),
            Value::Bool(_) => Lowered::of(TypeRef::Primitive(Primitive::Bool)),
            Value::Number(n) if n.is_i64() => Lowered::of(TypeRef::Primitive(integer_primitive(
                node.str("format").unwrap_or_default(),
            ))),
            Value::Number(_) => Lowered::of(TypeRef::Primitive(Primitive::F64)),
            _ => Lowered::any(),
        }
    }

    /// The validation keywords that apply to a value of the schema at `node`: its own,
    /// or, for the nullable spelling `anyOf`/`oneOf: [X, {type: null}]` (FastAPI's
    /// `Optional[...]`), those of `X`.
    pub(super) fn value_constraints(&mut self, node: &Node<'a>) -> Constraints {
        let own = self.constraints(node);
        if !own.is_empty() {
            return own;
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(list) = node.get(keyword) else {
                continue;
            };
            let members: Vec<Node<'a>> = list.elements().filter(|m| !is_null_schema(m)).collect();
            if let [only] = members.as_slice()
                && !only.is_ref()
            {
                return self.constraints(only);
            }
        }
        own
    }

    /// The validation keywords of a schema node.
    pub(super) fn constraints(&mut self, node: &Node<'a>) -> Constraints {
        let mut c = Constraints::default();
        let Some(object) = node.value.as_object() else {
            return c;
        };
        // Exact: integers stay integers (see `ir::Number`).
        let number = |this: &mut Self, key: &str| -> Option<crate::ir::Number> {
            let value = object.get(key)?;
            match value.as_number().and_then(crate::ir::Number::from_json) {
                Some(n) => Some(n),
                None if value.is_boolean() && key.starts_with("exclusive") => None,
                None => {
                    this.warn(
                        Approximation::Constraint,
                        node.location.child(key),
                        format!("`{key}` must be a number; it is not enforced"),
                    );
                    None
                }
            }
        };
        let count = |this: &mut Self, key: &str| -> Option<u64> {
            let value = object.get(key)?;
            match value.as_u64().or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            }) {
                Some(n) => Some(n),
                None => {
                    this.warn(
                        Approximation::Constraint,
                        node.location.child(key),
                        format!("`{key}` must be a non-negative integer; it is not enforced"),
                    );
                    None
                }
            }
        };
        c.minimum = number(self, "minimum").map(|value| Bound {
            value,
            exclusive: object.get("exclusiveMinimum") == Some(&Value::Bool(true)),
        });
        if let Some(value) = number(self, "exclusiveMinimum") {
            c.minimum = Some(Bound {
                value,
                exclusive: true,
            });
        }
        c.maximum = number(self, "maximum").map(|value| Bound {
            value,
            exclusive: object.get("exclusiveMaximum") == Some(&Value::Bool(true)),
        });
        if let Some(value) = number(self, "exclusiveMaximum") {
            c.maximum = Some(Bound {
                value,
                exclusive: true,
            });
        }
        c.multiple_of = number(self, "multipleOf");
        c.min_length = count(self, "minLength");
        c.max_length = count(self, "maxLength");
        c.min_items = count(self, "minItems");
        c.max_items = count(self, "maxItems");
        c.min_properties = count(self, "minProperties");
        c.max_properties = count(self, "maxProperties");
        c.unique_items = node.bool("uniqueItems").unwrap_or(false);
        c.pattern = node.str("pattern").map(str::to_owned);
        let string_typed = node.str("type") == Some("string");
        if let Some(Value::Array(values)) = object.get("enum")
            && !string_typed
            && !values.iter().all(|v| v.is_string() || v.is_null())
            && !values.iter().all(|v| v.is_i64() || v.is_null())
        {
            c.allowed = values.iter().filter(|v| !v.is_null()).cloned().collect();
        }
        if let Some(value) = object.get("const")
            && !value.is_string()
            && !value.is_null()
        {
            c.allowed = vec![value.clone()];
        }
        if let Some(items) = node
            .get("items")
            .filter(|i| i.value.is_object() && !i.is_ref())
        {
            let inner = self.constraints(&items);
            if !inner.is_empty() {
                c.items = Some(Box::new(inner));
            }
        }
        c
    }
}

/// Whether the node itself says it admits `null` (3.0 `nullable`, 3.1 type arrays,
/// `const: null`).
fn own_nullable(node: &Node<'_>) -> bool {
    let Some(object) = node.value.as_object() else {
        return false;
    };
    object.get("nullable") == Some(&Value::Bool(true))
        || match object.get("type") {
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            _ => false,
        }
}

/// Whether a schema admits `null` besides its other values, as far as can be seen
/// without lowering it (references to it are then optional).
fn admits_null(node: &Node<'_>) -> bool {
    let value = node.value;
    own_nullable(node)
        || ["oneOf", "anyOf"].iter().any(|k| {
            value
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|members| {
                    members.iter().any(|m| {
                        is_null_schema(&Node {
                            location: node.location.clone(),
                            value: m,
                        })
                    })
                })
        })
        || value
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().any(Value::is_null))
        || value.get("const").is_some_and(Value::is_null)
}

/// Whether the schema admits only `null`.
fn is_null_schema(node: &Node<'_>) -> bool {
    let value = node.value;
    value
        .get("type")
        .is_some_and(|t| t == "null" || listed_only_null(t))
        || value.get("enum").is_some_and(|e| {
            e.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_null))
        })
        || value.get("const").is_some_and(Value::is_null)
}

fn listed_only_null(ty: &Value) -> bool {
    match ty {
        Value::String(t) => t == "null",
        Value::Array(types) => !types.is_empty() && types.iter().all(|t| t == "null"),
        _ => false,
    }
}

/// Whether a schema gives a shape (a type, a reference, properties, …) rather than
/// only constraints or annotations.
fn has_shape(node: &Node<'_>) -> bool {
    SHAPE_KEYWORDS.iter().any(|k| node.value.get(*k).is_some())
}

/// Whether a `oneOf`/`anyOf` member only constrains its parent (of JSON type
/// `parent_type`, declaring `parent_properties`): it has no shape keyword of its own,
/// besides a `type` equal to the parent's, `properties` that narrow the parent's own,
/// and `additionalProperties: true`.
fn only_constrains(member: &Node<'_>, parent_type: &str, parent_properties: &[&str]) -> bool {
    SHAPE_KEYWORDS
        .iter()
        .all(|k| match (member.value.get(*k), *k) {
            (None, _) => true,
            (Some(ty), "type") => ty.as_str() == Some(parent_type),
            (Some(Value::Object(properties)), "properties") => properties
                .keys()
                .all(|name| parent_properties.contains(&name.as_str())),
            (Some(Value::Bool(true)), "additionalProperties") => true,
            _ => false,
        })
}

/// Whether conditional subschemas (a schema, or a map of them for
/// `dependentSchemas`) declare properties of their own.
fn declares_properties(value: &Value) -> bool {
    let declares = |schema: &Value| {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
    };
    declares(value)
        || value
            .as_object()
            .is_some_and(|map| map.values().any(declares))
}

/// The JSON type of a schema with no `type`, from its other keywords.
fn infer_type(node: &Node<'_>) -> &'static str {
    let has = |k: &str| node.value.get(k).is_some();
    if has("properties") || has("additionalProperties") || has("required") {
        "object"
    } else if has("items") || has("prefixItems") {
        "array"
    } else {
        "any"
    }
}

fn integer_primitive(format: &str) -> Primitive {
    match format {
        "int8" => Primitive::I8,
        "int16" => Primitive::I16,
        "int32" => Primitive::I32,
        "uint8" => Primitive::U8,
        "uint16" => Primitive::U16,
        "uint32" => Primitive::U32,
        "uint64" => Primitive::U64,
        _ => Primitive::I64,
    }
}

fn required_names(node: &Node<'_>) -> Vec<String> {
    node.value
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Adds the properties of `member` to `properties` (see [`merge_property`]).
fn merge_properties<'a>(member: &Node<'a>, properties: &mut Vec<(&'a str, Node<'a>)>) {
    let Some(own) = member.get("properties") else {
        return;
    };
    for (name, node) in own.entries() {
        merge_property(name, node, properties);
    }
}

/// Adds one property to `properties`. A property defined again keeps its first
/// position; the later definition wins unless it only annotates.
fn merge_property<'a>(name: &'a str, node: Node<'a>, properties: &mut Vec<(&'a str, Node<'a>)>) {
    match properties.iter_mut().find(|(n, _)| *n == name) {
        Some(existing) => {
            if has_shape(&node) {
                existing.1 = node;
            }
        }
        None => properties.push((name, node)),
    }
}

/// Adds the `names` not yet listed to `required`.
fn add_required(required: &mut Vec<String>, names: Vec<String>) {
    for name in names {
        if !required.contains(&name) {
            required.push(name);
        }
    }
}

/// The discriminator property and mapping of a union schema.
fn discriminator_of<'a>(node: &Node<'a>) -> (Option<String>, Vec<(String, Node<'a>)>) {
    let Some(discriminator) = node.get("discriminator") else {
        return (None, Vec::new());
    };
    let property = discriminator.str("propertyName").map(str::to_owned);
    let mapping = discriminator
        .get("mapping")
        .map(|m| {
            m.entries()
                .map(|(tag, target)| (tag.to_owned(), target))
                .collect()
        })
        .unwrap_or_default();
    (property, mapping)
}

/// Every combination of one index into each list, the first list varying slowest.
fn cartesian<T>(lists: &[Vec<T>]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    for list in lists {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..list.len()).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect();
    }
    out
}

/// A name part for the union member `member` (the `index`th): its title, the name of
/// the schema it refers to, or `Variant{n}`.
fn member_label(member: &Node<'_>, index: usize) -> String {
    if let Some(title) = member.str("title") {
        return names::name_part(title);
    }
    if let Some(reference) = member.str("$ref")
        && let Some(name) = reference.rsplit('/').next().filter(|n| !n.is_empty())
    {
        return names::name_part(&name.replace("~1", "/").replace("~0", "~"));
    }
    format!("Variant{}", index + 1)
}

/// Whether a schema only admits objects (or is at least meant as one: properties and
/// no other type).
fn is_object_schema(value: &Value) -> bool {
    match value.get("type") {
        Some(Value::String(t)) => t == "object",
        Some(_) => false,
        None => value.get("properties").is_some() || value.get("allOf").is_some(),
    }
}

/// The discriminator value an inline variant fixes with `const` or a one-value `enum`.
fn tag_of_inline(node: &Node<'_>, property: &str) -> Option<String> {
    let schema = node.value.get("properties")?.get(property)?;
    if let Some(Value::String(value)) = schema.get("const") {
        return Some(value.clone());
    }
    match schema.get("enum")?.as_array()?.as_slice() {
        [Value::String(value)] => Some(value.clone()),
        _ => None,
    }
}

/// Documentation from `title` and `description`.
pub(super) fn docs(node: &Node<'_>) -> Option<String> {
    let title = node.str("title").map(str::trim).filter(|s| !s.is_empty());
    let description = node
        .str("description")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (title, description) {
        (Some(t), Some(d)) if d.starts_with(t) => Some(d.to_owned()),
        (Some(t), Some(d)) => Some(format!("{t}\n\n{d}")),
        (Some(t), None) => Some(t.to_owned()),
        (None, Some(d)) => Some(d.to_owned()),
        (None, None) => None,
    }
}

/// `example` and `examples` (when an array) of a schema.
fn examples(node: &Node<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(example) = node.value.get("example") {
        out.push(example.clone());
    }
    if let Some(Value::Array(examples)) = node.value.get("examples") {
        out.extend(examples.iter().cloned());
    }
    out
}

/// A type name for a schema reached by `$ref` outside `components.schemas`: its last
/// meaningful pointer token, or the file name for a whole-file reference.
fn name_for_location(location: &Location) -> String {
    let tokens = crate::loader::pointer::tokens(&location.pointer).unwrap_or_default();
    let meaningful = tokens.iter().rev().find(|t| {
        !matches!(t.as_str(), "schema" | "items" | "additionalProperties")
            && t.parse::<usize>().is_err()
    });
    match meaningful {
        Some(token) => names::type_name(token),
        None => names::type_name(
            &location
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
    }
}
