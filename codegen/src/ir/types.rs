//! The type graph: named types and references to them.

use serde_json::Value;

use crate::diagnostics::Location;

/// Every named type of an API, indexed by [`TypeId`].
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    /// The definitions; `TypeId(i)` is `defs[i]`. Order is the order of first
    /// declaration: component schemas first, then inline schemas as reached.
    pub defs: Vec<TypeDef>,
}

impl TypeSpace {
    /// The definition of `id`.
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }

    /// Mutable access to the definition of `id`.
    pub fn get_mut(&mut self, id: TypeId) -> &mut TypeDef {
        &mut self.defs[id.0]
    }

    /// The named type called `name`, if any.
    pub fn by_name(&self, name: &str) -> Option<&TypeDef> {
        self.defs.iter().find(|def| def.name == name)
    }
}

/// The index of a named type in its [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A Rust type expression over named types and primitives.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A generated named type.
    Named(TypeId),
    /// A built-in or runtime type.
    Primitive(Primitive),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeSet<T>` (`uniqueItems` over an ordered item type).
    Set(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties` without properties).
    Map(Box<TypeRef>),
    /// A tuple (`prefixItems` with no further items).
    Tuple(Vec<TypeRef>),
    /// `Option<T>`: optional or nullable.
    Option(Box<TypeRef>),
    /// `Box<T>`: breaks a by-value cycle of recursive types.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// `Option<self>`, unless `self` is already optional.
    pub fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// `self` without an outer `Option`.
    pub fn required(&self) -> &TypeRef {
        match self {
            TypeRef::Option(inner) => inner,
            other => other,
        }
    }

    /// Whether `self` is an `Option`.
    pub fn is_option(&self) -> bool {
        matches!(self, TypeRef::Option(_))
    }

    /// Whether the type is `serde_json::Value` (a completely untyped value).
    pub fn is_any(&self) -> bool {
        matches!(self, TypeRef::Primitive(Primitive::Any))
    }
}

/// Built-in and runtime types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i8` (`format: int8`).
    I8,
    /// `i16` (`format: int16`).
    I16,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64`, or no format).
    I64,
    /// `u8` (`format: uint8`).
    U8,
    /// `u16` (`format: uint16`).
    U16,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`format: double`, or no format).
    F64,
    /// An RFC 3339 timestamp (`format: date-time`).
    DateTime,
    /// A calendar date (`format: date`).
    Date,
    /// A UUID (`format: uuid`).
    Uuid,
    /// Bytes as base64 text (`format: byte`, `contentEncoding: base64`).
    Base64,
    /// Raw bytes (`format: binary`); a string inside JSON payloads.
    Binary,
    /// A file: the `format: binary` properties of schemas used as `multipart/*`
    /// request bodies (`UploadFile`: name, media type and bytes of the part).
    File,
    /// Any JSON value (`{}` or an untyped schema).
    Any,
    /// Any JSON object (`type: object` with no properties).
    AnyObject,
}

impl Primitive {
    /// Whether the Rust type implements `Eq`.
    pub fn is_eq(self) -> bool {
        !matches!(self, Primitive::F32 | Primitive::F64)
    }

    /// Whether the Rust type implements `Hash`.
    pub fn is_hash(self) -> bool {
        self.is_eq() && !matches!(self, Primitive::Any | Primitive::AnyObject)
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The UpperCamel Rust name, unique in the type space.
    pub name: String,
    /// Documentation from `title` and `description`.
    pub docs: Option<String>,
    /// What the type is.
    pub kind: TypeKind,
    /// Which optional traits it can derive (computed over the whole graph).
    pub traits: Traits,
    /// `example` / `examples` values given for the schema.
    pub examples: Vec<Value>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Whether the schema also admits `null`: references to the type are `Option`s.
    pub nullable: bool,
    /// Whether the schema is inline (named from its context) rather than a component
    /// or another `$ref` target. An inline type identical to an earlier type becomes
    /// an alias of it.
    pub inline: bool,
    /// The schema it comes from.
    pub location: Location,
    /// Constraints of the schema itself (for aliases of constrained primitives).
    pub constraints: Constraints,
    /// What the type approximates, one note per warning located in its schema (and
    /// not in a schema of its own type inside it).
    pub approximations: Vec<String>,
}

/// Traits beyond `Debug`, `Clone`, `PartialEq`, `Serialize`, `Deserialize` that a type
/// may derive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Traits {
    /// `Eq` (no floating point inside).
    pub eq: bool,
    /// `Hash` (implies `eq`; no maps of untyped JSON or floats inside).
    pub hash: bool,
    /// `Default` (every field optional, or a declared default variant).
    pub default: bool,
    /// `Copy`, `PartialOrd` and `Ord` (field-less enums).
    pub copy_ord: bool,
}

/// The shapes of named types.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// An enum of strings.
    StringEnum(StringEnum),
    /// An enum of integers.
    IntEnum(IntEnum),
    /// `oneOf` / `anyOf` / multi-type: one of several types.
    Union(Union),
    /// A name for another type expression.
    Alias(TypeRef),
    /// A transparent wrapper around another type expression; used instead of an alias
    /// when the alias would be recursive.
    Newtype(TypeRef),
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Struct {
    /// Fields in property order.
    pub fields: Vec<Field>,
    /// What to do with properties not listed.
    pub additional: AdditionalProperties,
}

/// Treatment of undeclared properties of an object.
#[derive(Debug, Clone)]
pub enum AdditionalProperties {
    /// Accepted and dropped.
    Ignore,
    /// Rejected (`additionalProperties: false`).
    Deny,
    /// Kept in a map field of this name and value type.
    Keep {
        /// The Rust name of the map field.
        rust_name: String,
        /// The type of the values.
        ty: TypeRef,
    },
}

/// One property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// The snake_case Rust name, unique in the struct.
    pub rust_name: String,
    /// The property name on the wire.
    pub wire_name: String,
    /// The Rust type; `Option` when the property may be absent or null.
    pub ty: TypeRef,
    /// Whether the property is listed in `required`.
    pub required: bool,
    /// What an absent property deserialises to, if not `None`.
    pub default: Option<FieldDefault>,
    /// Documentation from `description` (or `title`).
    pub docs: Option<String>,
    /// `readOnly`.
    pub read_only: bool,
    /// `writeOnly`.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// Constraints to validate the value against.
    pub constraints: Constraints,
    /// What the field's type approximates, one note per warning located in its
    /// schema (and not in a named type of its own).
    pub approximations: Vec<String>,
    /// The property's schema.
    pub location: Location,
}

/// The default of an optional property, when it can be expressed in the field type.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldDefault {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Integer(i64),
    /// A string literal.
    String(String),
    /// A variant of the field's string or integer enum type, by Rust name.
    Variant(String),
}

/// An enum of strings.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// The variants in `enum` order.
    pub variants: Vec<StringVariant>,
    /// The index of the schema's `default`, if it names a variant.
    pub default: Option<usize>,
}

/// One string enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringVariant {
    /// The UpperCamel variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub value: String,
}

/// An enum of integers.
#[derive(Debug, Clone)]
pub struct IntEnum {
    /// `(variant name, value)` in `enum` order.
    pub variants: Vec<(String, i64)>,
    /// The index of the schema's `default`, if it names a variant.
    pub default: Option<usize>,
}

/// One of several types.
#[derive(Debug, Clone)]
pub struct Union {
    /// The alternatives, in declaration order.
    pub variants: Vec<UnionVariant>,
    /// The discriminator property, when the union declares one.
    pub discriminator: Option<String>,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The UpperCamel variant name.
    pub rust_name: String,
    /// The type carried.
    pub ty: TypeRef,
    /// The discriminator values selecting this variant (empty without discriminator).
    pub tags: Vec<String>,
    /// Whether the discriminator does not fit this variant (it cannot carry the
    /// property, or no value can be told for it): it is tried, in declared order,
    /// for a value that no tag selects.
    pub fallback: bool,
}

/// Validation keywords of a schema, for servers to enforce.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Constraints {
    /// `minimum` / `exclusiveMinimum`.
    pub minimum: Option<Bound>,
    /// `maximum` / `exclusiveMaximum`.
    pub maximum: Option<Bound>,
    /// `multipleOf`.
    pub multiple_of: Option<Number>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern` (ECMA-262 regular expression, as written).
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// Allowed values, when the type does not already restrict them (non-string
    /// enums, non-string `const`).
    pub allowed: Vec<Value>,
    /// Constraints on each array item.
    pub items: Option<Box<Constraints>>,
}

impl Constraints {
    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A numeric bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: Number,
    /// Whether the limit itself is excluded.
    pub exclusive: bool,
}

/// A number of a validation keyword, as exact as the document wrote it: an integer
/// stays an integer, so that the bounds of `int64` and `uint64` values beyond 2^53
/// (which an `f64` cannot all hold) are compared exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer: every integer JSON reads exactly (the range of `i64` and `u64`).
    Integer(i128),
    /// Any other number: one with a fraction or an exponent, or an integer too large
    /// for `u64` (which JSON parsers read as a float).
    Float(f64),
}

impl Number {
    /// The JSON number `n`, exactly.
    pub fn from_json(n: &serde_json::Number) -> Option<Number> {
        if let Some(i) = n.as_i64() {
            Some(Number::Integer(i.into()))
        } else if let Some(u) = n.as_u64() {
            Some(Number::Integer(u.into()))
        } else {
            n.as_f64().filter(|f| f.is_finite()).map(Number::Float)
        }
    }

    /// The number as an `f64` (the nearest one, for an integer beyond 2^53).
    pub fn as_f64(self) -> f64 {
        match self {
            // Rounds to the nearest `f64`, as intended.
            #[allow(clippy::cast_precision_loss)]
            Number::Integer(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

impl std::fmt::Display for Number {
    /// The number as validation messages show it: integers in full, floats without a
    /// fraction as integers below 10^15 (`10.0` is `10`), else as Rust prints them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Number::Integer(i) => write!(f, "{i}"),
            #[allow(clippy::cast_possible_truncation)]
            Number::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => write!(f, "{}", x as i64),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}
