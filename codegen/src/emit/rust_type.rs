//! Rust type expressions for IR [`TypeRef`]s.

use crate::ir::{Primitive, TypeKind, TypeRef, TypeSpace};

/// The Rust type of `ty`, naming generated types unqualified.
pub fn text(types: &TypeSpace, ty: &TypeRef) -> String {
    let mut out = String::new();
    render(types, ty, false, &mut out);
    out
}

/// The Rust type of `ty` with every type alias replaced by the type it names: two
/// expressions print the same exactly when the compiler sees one type (for example
/// `Body3`, an alias of `Body`, and `Body`), so trait impls on them would collide.
pub fn canonical(types: &TypeSpace, ty: &TypeRef) -> String {
    let mut out = String::new();
    render(types, ty, true, &mut out);
    out
}

fn render(types: &TypeSpace, ty: &TypeRef, expand_aliases: bool, out: &mut String) {
    let wrap = |open: &str, inner: &TypeRef, out: &mut String| {
        out.push_str(open);
        render(types, inner, expand_aliases, out);
        out.push('>');
    };
    match ty {
        TypeRef::Named(id) => {
            let mut def = types.get(*id);
            if expand_aliases {
                // Aliases never form a cycle (recursive ones are newtypes); the bound
                // only keeps a malformed type space from looping.
                for _ in 0..types.defs.len() {
                    match &def.kind {
                        TypeKind::Alias(TypeRef::Named(next)) => def = types.get(*next),
                        TypeKind::Alias(other) => return render(types, other, true, out),
                        _ => break,
                    }
                }
            }
            out.push_str(&def.name);
        }
        TypeRef::Primitive(p) => out.push_str(primitive(*p)),
        TypeRef::Array(item) => wrap("Vec<", item, out),
        TypeRef::Set(item) => wrap("::std::collections::BTreeSet<", item, out),
        TypeRef::Map(value) => wrap("::std::collections::BTreeMap<String, ", value, out),
        TypeRef::Tuple(items) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(types, item, expand_aliases, out);
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        TypeRef::Option(value) => wrap("Option<", value, out),
        TypeRef::Boxed(value) => wrap("Box<", value, out),
    }
}

fn primitive(p: Primitive) -> &'static str {
    match p {
        // Raw bytes inside a JSON document can only be text; bodies that are raw bytes
        // are handled by the client and server emitters.
        Primitive::String | Primitive::Binary => "String",
        Primitive::Bool => "bool",
        Primitive::I8 => "i8",
        Primitive::I16 => "i16",
        Primitive::I32 => "i32",
        Primitive::I64 => "i64",
        Primitive::U8 => "u8",
        Primitive::U16 => "u16",
        Primitive::U32 => "u32",
        Primitive::U64 => "u64",
        Primitive::F32 => "f32",
        Primitive::F64 => "f64",
        Primitive::DateTime => "::oapi_gen_runtime::DateTime",
        Primitive::Date => "::oapi_gen_runtime::Date",
        Primitive::Uuid => "::oapi_gen_runtime::Uuid",
        Primitive::Base64 => "::oapi_gen_runtime::Base64",
        Primitive::File => "::oapi_gen_runtime::UploadFile",
        Primitive::Any => "::oapi_gen_runtime::Json",
        Primitive::AnyObject => "::oapi_gen_runtime::JsonObject",
    }
}
