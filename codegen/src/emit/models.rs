//! The models emitter: one Rust item per named type of the IR, written as text
//! ([`Code`]): documents have them by the thousand.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use super::Node;
use super::docs;
use super::rust_type;
use super::text::{Code, string};
use crate::ir::{
    AdditionalProperties, Field, FieldDefault, IntEnum, Primitive, StringEnum, Struct, TypeDef,
    TypeKind, TypeRef, TypeSpace, Union,
};
use crate::lower::names::{self, Namespace};

/// Every named type of `types`, in type-space order, followed by the private functions
/// that produce field defaults (which the types ask for as they are emitted).
pub fn emit(types: &TypeSpace) -> impl Iterator<Item = Node<'_>> {
    let defaults = Rc::new(RefCell::new(Defaults::default()));
    let asked = Rc::clone(&defaults);
    let items = types
        .defs
        .iter()
        .map(move |def| Node::Text(item(types, def, &mut asked.borrow_mut())));
    let defaults_module = std::iter::once_with(move || {
        let functions = defaults.take().code.finish();
        if functions.is_empty() {
            return Node::Text(String::new());
        }
        let mut code = Code::new();
        code.line("/// Default values of optional properties that a literal cannot express.");
        code.line("mod defaults {");
        let mut text = code.finish();
        for line in functions.lines() {
            if !line.is_empty() {
                text.push_str("    ");
            }
            text.push_str(line);
            text.push('\n');
        }
        text.push_str("}\n");
        Node::Text(text)
    });
    items.chain(defaults_module)
}

/// The functions of the `defaults` module, and the names they have taken.
#[derive(Default)]
struct Defaults {
    code: Code,
    names: Namespace,
}

/// The item of `def`; `defaults` receives the default functions its fields need.
fn item(types: &TypeSpace, def: &TypeDef, defaults: &mut Defaults) -> String {
    let mut code = Code::new();
    let mut notes = Vec::new();
    if def.deprecated {
        notes.push("**Deprecated.**".to_owned());
    }
    notes.extend(approximated(&def.approximations));
    code.doc(docs::join(def.docs.as_deref(), &notes).as_deref());
    let name = &def.name;
    match &def.kind {
        TypeKind::Alias(ty) => {
            code.line(format_args!(
                "pub type {name} = {};",
                rust_type::text(types, ty)
            ));
        }
        TypeKind::Newtype(ty) => {
            derives(&mut code, def, SERDE);
            code.line("#[serde(transparent)]");
            code.line(format_args!(
                "pub struct {name}(pub {});",
                rust_type::text(types, ty)
            ));
        }
        TypeKind::Struct(s) => strukt(&mut code, types, def, s, defaults),
        TypeKind::StringEnum(e) => string_enum(&mut code, def, e),
        TypeKind::IntEnum(e) => int_enum(&mut code, def, e),
        TypeKind::Union(u) => union(&mut code, types, def, u),
    }
    code.finish()
}

/// serde's derives.
const SERDE: &[&str] = &["::serde::Serialize", "::serde::Deserialize"];

/// `#[derive(…)]` for a type with these traits, plus `extra` derive paths.
fn derives(code: &mut Code, def: &TypeDef, extra: &[&str]) {
    let mut list = vec!["Debug", "Clone"];
    if def.traits.copy_ord {
        list.push("Copy");
    }
    list.push("PartialEq");
    if def.traits.eq {
        list.push("Eq");
    }
    if def.traits.hash {
        list.push("Hash");
    }
    if def.traits.copy_ord {
        list.extend(["PartialOrd", "Ord"]);
    }
    if def.traits.default {
        list.push("Default");
    }
    list.extend(extra);
    code.list("#[derive(", list, ")]");
}

fn strukt(code: &mut Code, types: &TypeSpace, def: &TypeDef, s: &Struct, defaults: &mut Defaults) {
    let name = &def.name;
    // A field, its documentation and `attrs`.
    let field = |code: &mut Code, f: &Field, attrs: Option<&str>| {
        field_doc(code, f);
        if let Some(attrs) = attrs {
            code.line(attrs);
        }
        code.line(format_args!(
            "pub {}: {},",
            f.rust_name,
            rust_type::text(types, &f.ty)
        ));
    };
    let AdditionalProperties::Keep { rust_name, ty } = &s.additional else {
        // (De)serialisation through the runtime's generic helpers: several times
        // cheaper to type-check than serde's derives, for the same behaviour.
        derives(code, def, &[]);
        if s.fields.is_empty() {
            code.line(format_args!("pub struct {name} {{}}"));
        } else {
            code.open(format_args!("pub struct {name} {{"));
            for f in &s.fields {
                field(code, f, None);
            }
            code.close("}");
        }
        code.blank();
        serialize(code, def, s);
        code.blank();
        deserialize(code, types, def, s, defaults);
        return;
    };
    // Additional properties are a `#[serde(flatten)]` map, which the derives handle.
    derives(code, def, SERDE);
    code.open(format_args!("pub struct {name} {{"));
    for f in &s.fields {
        let mut serde = Vec::new();
        if f.rust_name != f.wire_name {
            serde.push(format!("rename = {}", string(&f.wire_name)));
        }
        match read(types, def, f, defaults) {
            Read::Required => {}
            Read::Default => serde.push("default".to_owned()),
            Read::DefaultWith(path) => serde.push(format!("default = {}", string(&path))),
            Read::Optional => {
                serde.push("default, skip_serializing_if = \"Option::is_none\"".to_owned())
            }
        }
        let attrs = (!serde.is_empty()).then(|| format!("#[serde({})]", serde.join(", ")));
        field(code, f, attrs.as_deref());
    }
    code.line("/// Properties not declared by the schema.");
    code.line("#[serde(flatten)]");
    code.line(format_args!(
        "pub {rust_name}: ::std::collections::BTreeMap<String, {}>,",
        rust_type::text(types, ty)
    ));
    code.close("}");
}

/// The documentation lines of approximation notes.
fn approximated(notes: &[String]) -> impl Iterator<Item = String> + '_ {
    notes
        .iter()
        .map(|note| format!("**Approximated:** {note}."))
}

/// The documentation of a struct field.
fn field_doc(code: &mut Code, f: &Field) {
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: sent by the server, ignored in requests.".to_owned());
    }
    if f.write_only {
        notes.push("Write-only: sent in requests, never returned.".to_owned());
    }
    if f.deprecated {
        notes.push("**Deprecated.**".to_owned());
    }
    notes.extend(approximated(&f.approximations));
    code.doc(docs::join(f.docs.as_deref(), &notes).as_deref());
}

/// How a property is read, and written.
enum Read {
    /// Required: its absence is an error (or `None`, for an `Option` type).
    Required,
    /// When absent, the type's `Default`.
    Default,
    /// When absent, what the function at this path returns.
    DefaultWith(String),
    /// An `Option` that is `None` when absent and not written when `None`.
    Optional,
}

fn read(types: &TypeSpace, owner: &TypeDef, f: &Field, defaults: &mut Defaults) -> Read {
    if let Some(default) = &f.default {
        if is_type_default(types, f, default) {
            Read::Default
        } else {
            Read::DefaultWith(default_path(types, owner, f, default, defaults))
        }
    } else if is_optional(f) {
        Read::Optional
    } else {
        Read::Required
    }
}

/// Whether `f` is [`Read::Optional`]: an `Option` without a default that may be absent.
fn is_optional(f: &Field) -> bool {
    f.default.is_none() && f.ty.is_option() && (!f.required || f.read_only || f.write_only)
}

/// `impl Serialize`: the properties in order, `None` optional ones skipped.
fn serialize(code: &mut Code, def: &TypeDef, s: &Struct) {
    let name = &def.name;
    code.open(format_args!("impl ::serde::Serialize for {name} {{"));
    code.open_list(
        "fn serialize<__S: ::serde::Serializer>(",
        ["&self", "serializer: __S"],
        ") -> Result<__S::Ok, __S::Error> {",
    );
    let always = s.fields.iter().filter(|f| !is_optional(f)).count();
    let present: Vec<String> = s
        .fields
        .iter()
        .filter(|f| is_optional(f))
        .map(|f| format!("self.{}.is_some()", f.rust_name))
        .collect();
    let len = if present.is_empty() {
        always.to_string()
    } else {
        let head = match always {
            0 => "let len = ::oapi_gen_runtime::object::count(&[".to_owned(),
            _ => format!("let len = {always} + ::oapi_gen_runtime::object::count(&["),
        };
        code.list(&head, &present, "]);");
        "len".to_owned()
    };
    let binding = if s.fields.is_empty() {
        "properties"
    } else {
        "mut properties"
    };
    code.list(
        &format!("let {binding} = ::oapi_gen_runtime::object::Properties::new("),
        ["serializer", &string(name), &len],
        ")?;",
    );
    for f in &s.fields {
        let method = if is_optional(f) { "optional" } else { "field" };
        code.list(
            &format!("properties.{method}("),
            [string(&f.wire_name), format!("&self.{}", f.rust_name)],
            ");",
        );
    }
    code.line("properties.end()");
    code.close("}");
    code.close("}");
}

/// `impl Deserialize`: a visitor of the object's properties, which the runtime reads.
fn deserialize(
    code: &mut Code,
    types: &TypeSpace,
    def: &TypeDef,
    s: &Struct,
    defaults: &mut Defaults,
) {
    let name = &def.name;
    // Each property is read into a local of the field's name: the other locals take
    // names no field has.
    let local = |name: &str| {
        let mut name = name.to_owned();
        while s.fields.iter().any(|f| f.rust_name == name) {
            name.push('_');
        }
        name
    };
    let map = local("map");
    let index = local("index");
    // A field of only underscores and digits (`_0`) is a valid name, but clippy
    // asks a local for a descriptive one.
    let locals: Vec<String> = s
        .fields
        .iter()
        .map(|f| match f.rust_name.trim_start_matches('_') {
            rest if rest.bytes().all(|b| b.is_ascii_digit()) => {
                local(&format!("field{}", f.rust_name))
            }
            _ => f.rust_name.clone(),
        })
        .collect();
    let visitor = if def.name == "Visitor" {
        "ObjectVisitor"
    } else {
        "Visitor"
    };
    // Generic parameters are named as no model type can be: the impls name the type.
    code.open(format_args!(
        "impl<'de> ::serde::Deserialize<'de> for {name} {{"
    ));
    code.open_list(
        "fn deserialize<__D: ::serde::Deserializer<'de>>(",
        ["deserializer: __D"],
        ") -> Result<Self, __D::Error> {",
    );
    code.list(
        "const FIELDS: &[&str] = &[",
        s.fields.iter().map(|f| string(&f.wire_name)),
        "];",
    );
    if s.fields.is_empty() {
        code.open("fn find(_: &str) -> Option<usize> {");
        code.line("None");
        code.close("}");
    } else {
        code.open("fn find(name: &str) -> Option<usize> {");
        code.open("Some(match name {");
        for (i, f) in s.fields.iter().enumerate() {
            code.line(format_args!("{} => {i},", string(&f.wire_name)));
        }
        code.line("_ => return None,");
        code.close("})");
        code.close("}");
    }
    code.blank();
    code.line(format_args!("struct {visitor};"));
    code.blank();
    code.open(format_args!(
        "impl<'de> ::serde::de::Visitor<'de> for {visitor} {{"
    ));
    code.line(format_args!("type Value = {name};"));
    code.blank();
    code.open("fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
    code.line(format_args!(
        "f.write_str({})",
        string(&format!("struct {name}"))
    ));
    code.close("}");
    code.blank();
    code.open_list(
        "fn visit_map<__A: ::serde::de::MapAccess<'de>>(",
        ["self", "map: __A"],
        &format!(") -> Result<{name}, __A::Error> {{"),
    );
    let unknown = match s.additional {
        AdditionalProperties::Deny => "Deny",
        _ => "Ignore",
    };
    code.list(
        &format!("let mut {map} = ::oapi_gen_runtime::object::Fields::new("),
        [
            "map",
            "FIELDS",
            "find",
            &format!("::oapi_gen_runtime::object::Unknown::{unknown}"),
        ],
        ");",
    );
    for local in &locals {
        code.line(format_args!("let mut {local} = None;"));
    }
    match s.fields.as_slice() {
        [] => code.line(format_args!("while {map}.next_key()?.is_some() {{}}")),
        [_] => {
            code.open(format_args!("while {map}.next_key()?.is_some() {{"));
            code.line(format_args!("{map}.value(&mut {});", locals[0]));
            code.close("}");
        }
        _ => {
            code.open(format_args!(
                "while let Some({index}) = {map}.next_key()? {{"
            ));
            code.open(format_args!("match {index} {{"));
            for (i, local) in locals.iter().enumerate() {
                code.line(format_args!("{i} => {map}.value(&mut {local}),"));
            }
            code.line("_ => {}");
            code.close("}");
            code.close("}");
        }
    }
    if s.fields.is_empty() {
        code.line(format_args!("Ok({name} {{}})"));
    } else {
        code.open(format_args!("Ok({name} {{"));
        for (f, local) in s.fields.iter().zip(&locals) {
            let ident = &f.rust_name;
            match read(types, def, f, defaults) {
                Read::Required => code.list(
                    &format!("{ident}: {map}.required("),
                    [local.clone(), string(&f.wire_name)],
                    ")?,",
                ),
                Read::Default | Read::Optional => {
                    let line = format!("{ident}: {local}.unwrap_or_default(),");
                    if code.fits(&line, &[""; 0], "") {
                        code.line(line);
                    } else {
                        code.open(format_args!("{ident}: {local}"));
                        code.line(".unwrap_or_default(),");
                        code.indent_out();
                    }
                }
                Read::DefaultWith(path) => {
                    code.list(&format!("{ident}: {local}.unwrap_or_else("), [path], "),")
                }
            }
        }
        code.close("})");
    }
    code.close("}");
    code.close("}");
    code.blank();
    code.list(
        "deserializer.deserialize_struct(",
        [string(name).as_str(), "FIELDS", visitor],
        ")",
    );
    code.close("}");
    code.close("}");
}

/// Whether `Default::default()` of the field type is the field's default.
fn is_type_default(types: &TypeSpace, f: &Field, default: &FieldDefault) -> bool {
    let (variant, id) = match (default, &f.ty) {
        (FieldDefault::Bool(b), _) => return !b,
        (FieldDefault::Integer(n), _) => return *n == 0,
        (FieldDefault::String(s), _) => return s.is_empty(),
        (FieldDefault::Variant(variant), TypeRef::Named(id)) => (variant, id),
        (FieldDefault::Variant(_), _) => return false,
    };
    match &types.get(*id).kind {
        TypeKind::StringEnum(e) => e
            .default
            .is_some_and(|i| e.variants[i].rust_name == *variant),
        TypeKind::IntEnum(e) => e.default.is_some_and(|i| e.variants[i].0 == *variant),
        _ => false,
    }
}

/// The path of a function returning the default of `f`: a generic runtime function
/// for literals, else a generated one, which is written to `defaults`.
fn default_path(
    types: &TypeSpace,
    owner: &TypeDef,
    f: &Field,
    default: &FieldDefault,
    defaults: &mut Defaults,
) -> String {
    match (default, &f.ty) {
        (FieldDefault::Bool(b), _) => return format!("::oapi_gen_runtime::defaults::bool::<{b}>"),
        (FieldDefault::Integer(n), TypeRef::Primitive(p)) => {
            let function = match p {
                Primitive::I32 => "i32",
                Primitive::U32 => "u32",
                Primitive::U64 => "u64",
                _ => "i64",
            };
            // A negative const argument is an expression, which needs braces.
            return if *n < 0 {
                format!("::oapi_gen_runtime::defaults::{function}::<{{ {n} }}>")
            } else {
                format!("::oapi_gen_runtime::defaults::{function}::<{n}>")
            };
        }
        _ => {}
    }
    // Words joined once (a field `_0` of `Pie0` is `pie0_0`, not `pie0__0`), and
    // numbered when two owner and field pairs read the same (`A.b_c`, `AB.c`).
    let name = names::snake(&format!("{} {}", owner.name, f.rust_name), "default");
    let function = defaults.names.claim(&name);
    let ty = rust_type::text(types, &f.ty);
    let (ret, value) = match default {
        FieldDefault::String(s) => (ty, format!("{}.to_owned()", string(s))),
        FieldDefault::Variant(variant) => {
            (format!("super::{ty}"), format!("super::{ty}::{variant}"))
        }
        FieldDefault::Bool(b) => (ty, b.to_string()),
        FieldDefault::Integer(n) => (ty, n.to_string()),
    };
    let code = &mut defaults.code;
    if !code.is_empty() {
        code.blank();
    }
    code.open(format_args!("pub(super) fn {function}() -> {ret} {{"));
    code.line(value);
    code.close("}");
    format!("defaults::{function}")
}

fn string_enum(code: &mut Code, def: &TypeDef, e: &StringEnum) {
    let name = &def.name;
    derives(code, def, &[]);
    code.open(format_args!("pub enum {name} {{"));
    for (i, v) in e.variants.iter().enumerate() {
        code.doc_line(&format!("`{}`", v.value.replace('`', "'")));
        if e.default == Some(i) {
            code.line("#[default]");
        }
        code.line(format_args!("{},", v.rust_name));
    }
    code.close("}");
    code.blank();
    // (De)serialisation goes through the wire-value table and the runtime's generic
    // functions: far less code to compile than a serde derive per enum.
    code.open(format_args!(
        "impl ::oapi_gen_runtime::StringEnum for {name} {{"
    ));
    code.line(format_args!("const NAME: &'static str = {};", string(name)));
    code.list(
        "const VARIANTS: &'static [(Self, &'static str)] = &[",
        e.variants
            .iter()
            .map(|v| format!("(Self::{}, {})", v.rust_name, string(&v.value))),
        "];",
    );
    code.close("}");
    code.blank();
    code.open(format_args!("impl ::serde::Serialize for {name} {{"));
    code.open_list(
        "fn serialize<S: ::serde::Serializer>(",
        ["&self", "serializer: S"],
        ") -> Result<S::Ok, S::Error> {",
    );
    code.line("::oapi_gen_runtime::string_enum::serialize(self, serializer)");
    code.close("}");
    code.close("}");
    code.blank();
    open_deserialize(code, name);
    code.line("::oapi_gen_runtime::string_enum::deserialize(deserializer)");
    code.close("}");
    code.close("}");
}

/// Opens `impl Deserialize for name` and its `deserialize` function, which the
/// caller writes the body of and closes.
fn open_deserialize(code: &mut Code, name: &str) {
    code.open(format_args!(
        "impl<'de> ::serde::Deserialize<'de> for {name} {{"
    ));
    code.open_list(
        "fn deserialize<D: ::serde::Deserializer<'de>>(",
        ["deserializer: D"],
        ") -> Result<Self, D::Error> {",
    );
}

/// The closure that maps a tag to the variant it selects, built from the value by
/// the runtime's `discriminator::{decode}`.
fn tag_match(code: &mut Code, u: &Union, decode: &str) {
    code.open("|tag, value| match tag {");
    for v in u.variants.iter().filter(|v| !v.tags.is_empty()) {
        let tags: Vec<String> = v.tags.iter().map(|tag| string(tag)).collect();
        code.arm(
            &tags.join(" | "),
            &format!(
                "Some(::oapi_gen_runtime::discriminator::{decode}(value).map(Self::{}))",
                v.rust_name
            ),
        );
    }
    code.line("_ => None,");
    code.close("},");
}

/// The body of `deserialize` for a union whose discriminator selects only some
/// members: the others are tried in declared order when no tag selects one.
fn partly_tagged(code: &mut Code, u: &Union, property: &str) {
    code.open("::oapi_gen_runtime::discriminator::deserialize_or_untagged(");
    code.line("deserializer,");
    code.line(format_args!("{},", string(property)));
    tag_match(code, u, "tagged");
    let mut untagged = u.variants.iter().filter(|v| v.fallback);
    if let Some(first) = untagged.next() {
        code.open("|value| {");
        code.line("::oapi_gen_runtime::discriminator::untagged(value)");
        code.line(format_args!("    .map(Self::{})", first.rust_name));
        for v in untagged {
            code.line(format_args!(
                "    .or_else(|| ::oapi_gen_runtime::discriminator::untagged(value).map(Self::{}))",
                v.rust_name
            ));
        }
        code.close("},");
    }
    code.close(")");
}

fn int_enum(code: &mut Code, def: &TypeDef, e: &IntEnum) {
    derives(
        code,
        def,
        &[
            "::oapi_gen_runtime::serde_repr::Serialize_repr",
            "::oapi_gen_runtime::serde_repr::Deserialize_repr",
        ],
    );
    code.line("#[repr(i64)]");
    code.open(format_args!("pub enum {} {{", def.name));
    for (i, (variant, value)) in e.variants.iter().enumerate() {
        if e.default == Some(i) {
            code.line("#[default]");
        }
        code.line(format_args!("{variant} = {value},"));
    }
    code.close("}");
}

fn union(code: &mut Code, types: &TypeSpace, def: &TypeDef, u: &Union) {
    let name = &def.name;
    // With a discriminator, the variants keep the tag property themselves (as OpenAPI
    // requires), so the union serialises untagged and deserialises by dispatching on
    // the tag.
    match u.discriminator {
        None => derives(code, def, SERDE),
        Some(_) => derives(code, def, &["::serde::Serialize"]),
    }
    code.line("#[serde(untagged)]");
    code.line("#[allow(clippy::large_enum_variant)]");
    code.open(format_args!("pub enum {name} {{"));
    for v in &u.variants {
        let ty = rust_type::text(types, &v.ty);
        match (&u.discriminator, v.tags.as_slice()) {
            (Some(property), [first, rest @ ..]) => {
                let mut doc = format!("`{property}` is `{first}`");
                for tag in rest {
                    let _ = write!(doc, " or `{tag}`");
                }
                doc.push('.');
                code.doc_line(&doc);
            }
            (Some(property), _) if v.fallback => code.doc_line(&format!(
                "A value of type `{ty}`, tried when no `{property}` value selects a variant."
            )),
            _ => code.doc_line(&format!("A value of type `{ty}`.")),
        }
        code.line(format_args!("{}({ty}),", v.rust_name));
    }
    code.close("}");
    let Some(property) = &u.discriminator else {
        return;
    };
    code.blank();
    open_deserialize(code, name);
    if u.variants.iter().any(|v| v.fallback) {
        partly_tagged(code, u, property);
        code.close("}");
        code.close("}");
        return;
    }
    code.open("::oapi_gen_runtime::discriminator::deserialize(");
    code.line("deserializer,");
    code.line(format_args!("{},", string(property)));
    let expected = u
        .variants
        .iter()
        .flat_map(|v| v.tags.iter().map(|tag| string(tag)));
    code.list("&[", expected, "],");
    tag_match(code, u, "variant");
    code.close(")");
    code.close("}");
    code.close("}");
}
