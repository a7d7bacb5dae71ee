//! Rust type expressions for IR [`TypeRef`]s.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Primitive, TypeKind, TypeRef, TypeSpace};

/// The Rust type of `ty`, naming generated types unqualified.
pub fn tokens(types: &TypeSpace, ty: &TypeRef) -> TokenStream {
    render(types, ty, false)
}

/// The Rust type of `ty` with every type alias replaced by the type it names: two
/// expressions print the same exactly when the compiler sees one type (for example
/// `Body3`, an alias of `Body`, and `Body`), so trait impls on them would collide.
pub fn canonical(types: &TypeSpace, ty: &TypeRef) -> TokenStream {
    render(types, ty, true)
}

fn render(types: &TypeSpace, ty: &TypeRef, expand_aliases: bool) -> TokenStream {
    let inner = |inner: &TypeRef| render(types, inner, expand_aliases);
    match ty {
        TypeRef::Named(id) => {
            let mut def = types.get(*id);
            if expand_aliases {
                // Aliases never form a cycle (recursive ones are newtypes); the bound
                // only keeps a malformed type space from looping.
                for _ in 0..types.defs.len() {
                    match &def.kind {
                        TypeKind::Alias(TypeRef::Named(next)) => def = types.get(*next),
                        TypeKind::Alias(other) => return inner(other),
                        _ => break,
                    }
                }
            }
            let name = format_ident!("{}", def.name);
            quote!(#name)
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(item) => {
            let item = inner(item);
            quote!(Vec<#item>)
        }
        TypeRef::Set(item) => {
            let item = inner(item);
            quote!(::std::collections::BTreeSet<#item>)
        }
        TypeRef::Map(value) => {
            let value = inner(value);
            quote!(::std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(inner);
            quote!((#(#items,)*))
        }
        TypeRef::Option(value) => {
            let value = inner(value);
            quote!(Option<#value>)
        }
        TypeRef::Boxed(value) => {
            let value = inner(value);
            quote!(Box<#value>)
        }
    }
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        // Raw bytes inside a JSON document can only be text; bodies that are raw bytes
        // are handled by the client and server emitters.
        Primitive::String | Primitive::Binary => quote!(String),
        Primitive::Bool => quote!(bool),
        Primitive::I8 => quote!(i8),
        Primitive::I16 => quote!(i16),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::U8 => quote!(u8),
        Primitive::U16 => quote!(u16),
        Primitive::U32 => quote!(u32),
        Primitive::U64 => quote!(u64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::DateTime => quote!(::oapi_gen_runtime::DateTime),
        Primitive::Date => quote!(::oapi_gen_runtime::Date),
        Primitive::Uuid => quote!(::oapi_gen_runtime::Uuid),
        Primitive::Base64 => quote!(::oapi_gen_runtime::Base64),
        Primitive::File => quote!(::oapi_gen_runtime::UploadFile),
        Primitive::Any => quote!(::oapi_gen_runtime::Json),
        Primitive::AnyObject => quote!(::oapi_gen_runtime::JsonObject),
    }
}
