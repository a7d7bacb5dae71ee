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
    let derives = derives(def, &serde_derives());
    let deny = match s.additional {
        AdditionalProperties::Deny => quote!(#[serde(deny_unknown_fields)]),
        _ => TokenStream::new(),
    };
    let mut fields: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| field(types, def, f, defaults))
        .collect();
    if let AdditionalProperties::Keep { rust_name, ty } = &s.additional {
        let field = format_ident!("{}", rust_name);
        let ty = rust_type::tokens(types, ty);
        fields.push(quote! {
            /// Properties not declared by the schema.
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<String, #ty>,
        });
    }
    quote! {
        #doc
        #derives
        #deny
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(
    types: &TypeSpace,
    owner: &TypeDef,
    f: &Field,
    defaults: &mut Vec<TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", f.rust_name);
    let ty = rust_type::tokens(types, &f.ty);
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
    let doc = docs::attrs(docs::join(f.docs.as_deref(), &notes).as_deref());
    let mut serde = Vec::new();
    if f.rust_name != f.wire_name {
        let wire = &f.wire_name;
        serde.push(quote!(rename = #wire));
    }
    if let Some(default) = &f.default {
        if is_type_default(types, f, default) {
            serde.push(quote!(default));
        } else {
            let path = default_path(types, owner, f, default, defaults);
            serde.push(quote!(default = #path));
        }
    } else if f.ty.is_option() && (!f.required || f.read_only || f.write_only) {
        serde.push(quote!(default, skip_serializing_if = "Option::is_none"));
    }
    let serde = if serde.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#serde),*)])
    };
    quote! {
        #doc
        #serde
        pub #name: #ty,
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

/// The path (as a string for `#[serde(default = …)]`) of a function returning the
/// default of `f`: a generic runtime function for literals, else a generated one.
fn default_path(
    types: &TypeSpace,
    owner: &TypeDef,
    f: &Field,
    default: &FieldDefault,
    defaults: &mut Vec<TokenStream>,
) -> String {
    let runtime = |function: &str, value: String| {
        format!("::oapi_gen_runtime::defaults::{function}::<{value}>")
    };
    match (default, &f.ty) {
        (FieldDefault::Bool(b), _) => return runtime("bool", b.to_string()),
        (FieldDefault::Integer(n), TypeRef::Primitive(p)) => {
            let function = match p {
                Primitive::I32 => "i32",
                Primitive::U32 => "u32",
                Primitive::U64 => "u64",
                _ => "i64",
            };
            let value = if *n < 0 {
                format!("{{ {n} }}")
            } else {
                n.to_string()
            };
            return runtime(function, value);
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
    format!("defaults::{function}")
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
