//! The models emitter: one Rust item per named type of the IR.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use std::cell::RefCell;
use std::rc::Rc;

use super::{Node, docs, rust_type};
use crate::ir::{
    AdditionalProperties, Field, FieldDefault, IntEnum, Primitive, StringEnum, Struct, TypeDef,
    TypeKind, TypeRef, TypeSpace, Union,
};

/// Every named type of `types`, in type-space order, followed by the private functions
/// that produce field defaults (which the types ask for as they are emitted).
pub fn emit(types: &TypeSpace) -> impl Iterator<Item = Node<'_>> {
    let defaults = Rc::new(RefCell::new(Vec::new()));
    let asked = Rc::clone(&defaults);
    let items = types
        .defs
        .iter()
        .map(move |def| Node::Items(item(types, def, &mut asked.borrow_mut())));
    let defaults_module = std::iter::once_with(move || {
        let defaults = defaults.take();
        if defaults.is_empty() {
            return Node::Items(TokenStream::new());
        }
        Node::Items(quote! {
            /// Default values of optional properties that a literal cannot express.
            mod defaults {
                #(#defaults)*
            }
        })
    });
    items.chain(defaults_module)
}

fn item(types: &TypeSpace, def: &TypeDef, defaults: &mut Vec<TokenStream>) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let mut notes = Vec::new();
    if def.deprecated {
        notes.push("**Deprecated.**".to_owned());
    }
    let doc = docs::attrs(docs::join(def.docs.as_deref(), &notes).as_deref());
    match &def.kind {
        TypeKind::Alias(ty) => {
            let ty = rust_type::tokens(types, ty);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeKind::Newtype(ty) => {
            let derives = derives(def, &serde_derives());
            let ty = rust_type::tokens(types, ty);
            quote! {
                #doc
                #derives
                #[serde(transparent)]
                pub struct #name(pub #ty);
            }
        }
        TypeKind::Struct(s) => strukt(types, def, s, doc, defaults),
        TypeKind::StringEnum(e) => string_enum(def, e, doc),
        TypeKind::IntEnum(e) => int_enum(def, e, doc),
        TypeKind::Union(u) => union(types, def, u, doc),
    }
}

/// `#[derive(…)]` for a type with these traits, plus `extra` derive paths.
fn derives(def: &TypeDef, extra: &[TokenStream]) -> TokenStream {
    let mut list = vec![quote!(Debug), quote!(Clone)];
    if def.traits.copy_ord {
        list.push(quote!(Copy));
    }
    list.push(quote!(PartialEq));
    if def.traits.eq {
        list.push(quote!(Eq));
    }
    if def.traits.hash {
        list.push(quote!(Hash));
    }
    if def.traits.copy_ord {
        list.push(quote!(PartialOrd));
        list.push(quote!(Ord));
    }
    if def.traits.default {
        list.push(quote!(Default));
    }
    list.extend(extra.iter().cloned());
    quote!(#[derive(#(#list),*)])
}

fn serde_derives() -> [TokenStream; 2] {
    [quote!(::serde::Serialize), quote!(::serde::Deserialize)]
}

fn strukt(
    types: &TypeSpace,
    def: &TypeDef,
    s: &Struct,
    doc: TokenStream,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    // A field, its documentation and `attrs`.
    let field = |f: &Field, attrs: TokenStream| {
        let doc = field_doc(f);
        let ident = format_ident!("{}", f.rust_name);
        let ty = rust_type::tokens(types, &f.ty);
        quote! {
            #doc
            #attrs
            pub #ident: #ty,
        }
    };
    let AdditionalProperties::Keep { rust_name, ty } = &s.additional else {
        // (De)serialisation through the runtime's generic helpers: several times
        // cheaper to type-check than serde's derives, for the same behaviour.
        let fields = s.fields.iter().map(|f| field(f, TokenStream::new()));
        let derives = derives(def, &[]);
        let serialize = serialize(def, s);
        let deserialize = deserialize(types, def, s, defaults);
        return quote! {
            #doc
            #derives
            pub struct #name {
                #(#fields)*
            }

            #serialize

            #deserialize
        };
    };
    // Additional properties are a `#[serde(flatten)]` map, which the derives handle.
    let derives = derives(def, &serde_derives());
    let fields = s.fields.iter().map(|f| {
        let mut serde = Vec::new();
        if f.rust_name != f.wire_name {
            let wire = &f.wire_name;
            serde.push(quote!(rename = #wire));
        }
        match read(types, def, f, defaults) {
            Read::Required => {}
            Read::Default => serde.push(quote!(default)),
            Read::DefaultWith(path) => {
                let path = path.to_string().replace(' ', "");
                serde.push(quote!(default = #path));
            }
            Read::Optional => serde.push(quote!(default, skip_serializing_if = "Option::is_none")),
        }
        let serde = if serde.is_empty() {
            TokenStream::new()
        } else {
            quote!(#[serde(#(#serde),*)])
        };
        field(f, serde)
    });
    let map = format_ident!("{}", rust_name);
    let ty = rust_type::tokens(types, ty);
    quote! {
        #doc
        #derives
        pub struct #name {
            #(#fields)*
            /// Properties not declared by the schema.
            #[serde(flatten)]
            pub #map: ::std::collections::BTreeMap<String, #ty>,
        }
    }
}

/// The documentation of a struct field.
fn field_doc(f: &Field) -> TokenStream {
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
    docs::attrs(docs::join(f.docs.as_deref(), &notes).as_deref())
}

/// How a property is read, and written.
enum Read {
    /// Required: its absence is an error (or `None`, for an `Option` type).
    Required,
    /// When absent, the type's `Default`.
    Default,
    /// When absent, what this function returns.
    DefaultWith(TokenStream),
    /// An `Option` that is `None` when absent and not written when `None`.
    Optional,
}

fn read(types: &TypeSpace, owner: &TypeDef, f: &Field, defaults: &mut Vec<TokenStream>) -> Read {
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
fn serialize(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let always = s.fields.iter().filter(|f| !is_optional(f)).count();
    let present: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| is_optional(f))
        .map(|f| {
            let ident = format_ident!("{}", f.rust_name);
            quote!(self.#ident.is_some())
        })
        .collect();
    let count = quote!(::oapi_gen_runtime::object::count(&[#(#present),*]));
    let len = match (always, present.is_empty()) {
        (_, true) => {
            let always = Literal::usize_unsuffixed(always);
            quote!(#always)
        }
        (0, false) => count,
        _ => {
            let always = Literal::usize_unsuffixed(always);
            quote!(#always + #count)
        }
    };
    let writes = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        if is_optional(f) {
            quote!(properties.optional(#wire, &self.#ident);)
        } else {
            quote!(properties.field(#wire, &self.#ident);)
        }
    });
    let binding = if s.fields.is_empty() {
        quote!(properties)
    } else {
        quote!(mut properties)
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                let #binding = ::oapi_gen_runtime::object::Properties::new(serializer, #type_name, #len)?;
                #(#writes)*
                properties.end()
            }
        }
    }
}

/// `impl Deserialize`: a visitor of the object's properties, which the runtime reads.
fn deserialize(
    types: &TypeSpace,
    def: &TypeDef,
    s: &Struct,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let expecting = format!("struct {}", def.name);
    // Each property is read into a local of the field's name: the other locals take
    // names no field has.
    let local = |name: &str| {
        let mut name = name.to_owned();
        while s.fields.iter().any(|f| f.rust_name == name) {
            name.push('_');
        }
        format_ident!("{}", name)
    };
    let map = local("map");
    let index = local("index");
    let visitor = if def.name == "Visitor" {
        format_ident!("ObjectVisitor")
    } else {
        format_ident!("Visitor")
    };
    let wires = s.fields.iter().map(|f| &f.wire_name);
    let find = s.fields.iter().enumerate().map(|(i, f)| {
        let wire = &f.wire_name;
        let i = Literal::usize_unsuffixed(i);
        quote!(#wire => #i,)
    });
    let find = if s.fields.is_empty() {
        quote!(
            fn find(_: &str) -> Option<usize> {
                None
            }
        )
    } else {
        quote! {
            fn find(name: &str) -> Option<usize> {
                Some(match name {
                    #(#find)*
                    _ => return None,
                })
            }
        }
    };
    let unknown = match s.additional {
        AdditionalProperties::Deny => quote!(Deny),
        _ => quote!(Ignore),
    };
    let slots = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        quote!(let mut #ident = None;)
    });
    let arms = s.fields.iter().enumerate().map(|(i, f)| {
        let ident = format_ident!("{}", f.rust_name);
        let i = Literal::usize_unsuffixed(i);
        quote!(#i => #map.value(&mut #ident),)
    });
    let values = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        let value = match read(types, def, f, defaults) {
            Read::Required => quote!(#map.required(#ident, #wire)?),
            Read::Default | Read::Optional => quote!(#ident.unwrap_or_default()),
            Read::DefaultWith(path) => quote!(#ident.unwrap_or_else(#path)),
        };
        quote!(#ident: #value,)
    });
    let read = match s.fields.as_slice() {
        [] => quote!(while #map.next_key()?.is_some() {}),
        [only] => {
            let ident = format_ident!("{}", only.rust_name);
            quote! {
                while #map.next_key()?.is_some() {
                    #map.value(&mut #ident);
                }
            }
        }
        _ => quote! {
            while let Some(#index) = #map.next_key()? {
                match #index {
                    #(#arms)*
                    _ => {}
                }
            }
        },
    };
    // Generic parameters are named as no model type can be: the impls name the type.
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                const FIELDS: &[&str] = &[#(#wires),*];
                #find
                struct #visitor;
                impl<'de> ::serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, map: __A) -> Result<#name, __A::Error> {
                        let mut #map = ::oapi_gen_runtime::object::Fields::new(
                            map,
                            FIELDS,
                            find,
                            ::oapi_gen_runtime::object::Unknown::#unknown,
                        );
                        #(#slots)*
                        #read
                        Ok(#name {
                            #(#values)*
                        })
                    }
                }
                deserializer.deserialize_struct(#type_name, FIELDS, #visitor)
            }
        }
    }
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
/// for literals, else a generated one.
fn default_path(
    types: &TypeSpace,
    owner: &TypeDef,
    f: &Field,
    default: &FieldDefault,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    match (default, &f.ty) {
        (FieldDefault::Bool(b), _) => return quote!(::oapi_gen_runtime::defaults::bool::<#b>),
        (FieldDefault::Integer(n), TypeRef::Primitive(p)) => {
            let function = format_ident!(
                "{}",
                match p {
                    Primitive::I32 => "i32",
                    Primitive::U32 => "u32",
                    Primitive::U64 => "u64",
                    _ => "i64",
                }
            );
            let value = Literal::i64_unsuffixed(*n);
            let value = if *n < 0 {
                quote!({ #value })
            } else {
                quote!(#value)
            };
            return quote!(::oapi_gen_runtime::defaults::#function::<#value>);
        }
        _ => {}
    }
    let function = format_ident!(
        "{}_{}",
        crate::lower::names::snake(&owner.name, "type"),
        f.rust_name.trim_end_matches('_')
    );
    let ty = rust_type::tokens(types, &f.ty);
    let value = match default {
        FieldDefault::String(s) => quote!(#s.to_owned()),
        FieldDefault::Variant(variant) => {
            let variant = format_ident!("{}", variant);
            quote!(super::#ty::#variant)
        }
        FieldDefault::Bool(b) => quote!(#b),
        FieldDefault::Integer(n) => {
            let n = Literal::i64_unsuffixed(*n);
            quote!(#n)
        }
    };
    let ret = match default {
        FieldDefault::Variant(_) => quote!(super::#ty),
        _ => ty,
    };
    defaults.push(quote! {
        pub(super) fn #function() -> #ret {
            #value
        }
    });
    quote!(defaults::#function)
}

fn string_enum(def: &TypeDef, e: &StringEnum, doc: TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let type_name = &def.name;
    let derives = derives(def, &[]);
    let variants = e.variants.iter().enumerate().map(|(i, v)| {
        let ident = format_ident!("{}", v.rust_name);
        let default = (e.default == Some(i)).then(|| quote!(#[default]));
        let doc = format!(" `{}`", v.value.replace('`', "'"));
        quote! {
            #[doc = #doc]
            #default
            #ident,
        }
    });
    let table = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let wire = &v.value;
        quote!((Self::#ident, #wire))
    });
    // (De)serialisation goes through the wire-value table and the runtime's generic
    // functions: far less code to compile than a serde derive per enum.
    quote! {
        #doc
        #derives
        pub enum #name {
            #(#variants)*
        }

        impl ::oapi_gen_runtime::StringEnum for #name {
            const NAME: &'static str = #type_name;
            const VARIANTS: &'static [(Self, &'static str)] = &[#(#table),*];
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                ::oapi_gen_runtime::string_enum::serialize(self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::oapi_gen_runtime::string_enum::deserialize(deserializer)
            }
        }
    }
}

fn int_enum(def: &TypeDef, e: &IntEnum, doc: TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let derives = derives(
        def,
        &[
            quote!(::oapi_gen_runtime::serde_repr::Serialize_repr),
            quote!(::oapi_gen_runtime::serde_repr::Deserialize_repr),
        ],
    );
    let variants = e.variants.iter().enumerate().map(|(i, (variant, value))| {
        let ident = format_ident!("{}", variant);
        let value = Literal::i64_unsuffixed(*value);
        let default = (e.default == Some(i)).then(|| quote!(#[default]));
        quote! {
            #default
            #ident = #value,
        }
    });
    quote! {
        #doc
        #derives
        #[repr(i64)]
        pub enum #name {
            #(#variants)*
        }
    }
}

fn union(types: &TypeSpace, def: &TypeDef, u: &Union, doc: TokenStream) -> TokenStream {
    let name = format_ident!("{}", def.name);
    let variants = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let ty = rust_type::tokens(types, &v.ty);
        let doc = match (&u.discriminator, v.tags.as_slice()) {
            (Some(property), [first, rest @ ..]) => {
                let mut doc = format!(" `{property}` is `{first}`");
                for tag in rest {
                    doc.push_str(&format!(" or `{tag}`"));
                }
                doc.push('.');
                doc
            }
            _ => format!(
                " A value of type `{}`.",
                quote!(#ty).to_string().replace(' ', "")
            ),
        };
        quote! {
            #[doc = #doc]
            #ident(#ty),
        }
    });
    // With a discriminator, the variants keep the tag property themselves (as OpenAPI
    // requires), so the union serialises untagged and deserialises by dispatching on
    // the tag.
    let derives = match u.discriminator {
        None => derives(def, &serde_derives()),
        Some(_) => derives(def, &[quote!(::serde::Serialize)]),
    };
    let item = quote! {
        #doc
        #derives
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }
    };
    let Some(property) = &u.discriminator else {
        return item;
    };
    let expected: Vec<&str> = u
        .variants
        .iter()
        .flat_map(|v| v.tags.iter().map(String::as_str))
        .collect();
    let arms = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let tags = &v.tags;
        quote! {
            #(#tags)|* => Some(::oapi_gen_runtime::discriminator::variant(value).map(Self::#ident)),
        }
    });
    quote! {
        #item

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                ::oapi_gen_runtime::discriminator::deserialize(
                    deserializer,
                    #property,
                    &[#(#expected),*],
                    |tag, value| match tag {
                        #(#arms)*
                        _ => None,
                    },
                )
            }
        }
    }
}
