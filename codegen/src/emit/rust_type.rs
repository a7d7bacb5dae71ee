//! Rust type expressions for IR [`TypeRef`]s.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Primitive, TypeRef, TypeSpace};

/// The Rust type of `ty`, naming generated types unqualified.
pub fn tokens(types: &TypeSpace, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = format_ident!("{}", types.get(*id).name);
            quote!(#name)
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(inner) => {
            let inner = tokens(types, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Set(inner) => {
            let inner = tokens(types, inner);
            quote!(::std::collections::BTreeSet<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = tokens(types, inner);
            quote!(::std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|t| tokens(types, t));
            quote!((#(#items,)*))
        }
        TypeRef::Option(inner) => {
            let inner = tokens(types, inner);
            quote!(Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = tokens(types, inner);
            quote!(Box<#inner>)
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
