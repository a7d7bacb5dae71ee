//! The key under which two type definitions count as duplicates: a compact binary
//! encoding of their shape, equal for two definitions exactly when their `Debug`
//! texts (with references read through the merges made so far) would be equal.
//!
//! That is stricter than derived equality: object members compare in document order,
//! `-0.0` differs from `0.0`, and every `NaN` equals every other. Each value is
//! written with a tag or a length before it, so that the encoding is unambiguous.
//! Structs are taken apart field by field without `..`, so that a field added to the
//! IR cannot be left out of the key unnoticed.

use serde_json::Value;

use crate::ir::{
    AdditionalProperties, Bound, Constraints, Field, FieldDefault, IntEnum, Number, StringEnum,
    StringVariant, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant,
};

/// The key of `def`: its kind, whether it is nullable and its constraints, with every
/// reference to type `i` written as a reference to `canonical[i]`.
pub(super) fn shape_key(def: &TypeDef, canonical: &[usize]) -> Vec<u8> {
    let mut key = Key {
        out: Vec::with_capacity(64),
        canonical,
    };
    key.kind(&def.kind);
    key.bool(def.nullable);
    key.constraints(&def.constraints);
    key.out
}

/// An encoding in progress.
struct Key<'c> {
    out: Vec<u8>,
    canonical: &'c [usize],
}

impl Key<'_> {
    fn tag(&mut self, tag: u8) {
        self.out.push(tag);
    }

    fn bool(&mut self, value: bool) {
        self.out.push(u8::from(value));
    }

    fn u64(&mut self, value: u64) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    fn usize(&mut self, value: usize) {
        self.u64(value as u64);
    }

    fn i64(&mut self, value: i64) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    /// A float as its bits, every `NaN` alike (they all print as `NaN`).
    fn f64(&mut self, value: f64) {
        let bits = if value.is_nan() {
            f64::NAN.to_bits()
        } else {
            value.to_bits()
        };
        self.u64(bits);
    }

    fn str(&mut self, value: &str) {
        self.usize(value.len());
        self.out.extend_from_slice(value.as_bytes());
    }

    fn option<T>(&mut self, value: Option<T>, mut some: impl FnMut(&mut Self, T)) {
        match value {
            None => self.tag(0),
            Some(value) => {
                self.tag(1);
                some(self, value);
            }
        }
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        self.usize(items.len());
        for element in items {
            item(self, element);
        }
    }

    fn kind(&mut self, kind: &TypeKind) {
        match kind {
            TypeKind::Struct(Struct { fields, additional }) => {
                self.tag(0);
                self.list(fields, Self::field);
                match additional {
                    AdditionalProperties::Ignore => self.tag(0),
                    AdditionalProperties::Deny => self.tag(1),
                    AdditionalProperties::Keep { rust_name, ty } => {
                        self.tag(2);
                        self.str(rust_name);
                        self.type_ref(ty);
                    }
                }
            }
            TypeKind::StringEnum(StringEnum { variants, default }) => {
                self.tag(1);
                self.list(variants, |key, StringVariant { rust_name, value }| {
                    key.str(rust_name);
                    key.str(value);
                });
                self.option(*default, Self::usize);
            }
            TypeKind::IntEnum(IntEnum { variants, default }) => {
                self.tag(2);
                self.list(variants, |key, (name, value)| {
                    key.str(name);
                    key.i64(*value);
                });
                self.option(*default, Self::usize);
            }
            TypeKind::Union(Union {
                variants,
                discriminator,
            }) => {
                self.tag(3);
                self.list(
                    variants,
                    |key,
                     UnionVariant {
                         rust_name,
                         ty,
                         tags,
                         fallback,
                     }| {
                        key.str(rust_name);
                        key.type_ref(ty);
                        key.list(tags, |key, tag| key.str(tag));
                        key.tag(u8::from(*fallback));
                    },
                );
                self.option(discriminator.as_deref(), Self::str);
            }
            TypeKind::Alias(ty) => {
                self.tag(4);
                self.type_ref(ty);
            }
            TypeKind::Newtype(ty) => {
                self.tag(5);
                self.type_ref(ty);
            }
        }
    }

    fn field(&mut self, field: &Field) {
        let Field {
            rust_name,
            wire_name,
            ty,
            required,
            default,
            docs,
            read_only,
            write_only,
            deprecated,
            constraints,
            approximations,
            location: _,
        } = field;
        self.str(rust_name);
        self.str(wire_name);
        self.type_ref(ty);
        self.bool(*required);
        self.option(default.as_ref(), |key, default| match default {
            FieldDefault::Bool(value) => {
                key.tag(0);
                key.bool(*value);
            }
            FieldDefault::Integer(value) => {
                key.tag(1);
                key.i64(*value);
            }
            FieldDefault::String(value) => {
                key.tag(2);
                key.str(value);
            }
            FieldDefault::Variant(name) => {
                key.tag(3);
                key.str(name);
            }
        });
        self.option(docs.as_deref(), Self::str);
        self.bool(*read_only);
        self.bool(*write_only);
        self.bool(*deprecated);
        self.constraints(constraints);
        self.list(approximations, |key, note| key.str(note));
    }

    fn type_ref(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Named(id) => {
                self.tag(0);
                self.usize(self.canonical[id.0]);
            }
            TypeRef::Primitive(primitive) => {
                self.tag(1);
                self.tag(*primitive as u8);
            }
            TypeRef::Array(inner) => {
                self.tag(2);
                self.type_ref(inner);
            }
            TypeRef::Set(inner) => {
                self.tag(3);
                self.type_ref(inner);
            }
            TypeRef::Map(inner) => {
                self.tag(4);
                self.type_ref(inner);
            }
            TypeRef::Tuple(items) => {
                self.tag(5);
                self.list(items, Self::type_ref);
            }
            TypeRef::Option(inner) => {
                self.tag(6);
                self.type_ref(inner);
            }
            TypeRef::Boxed(inner) => {
                self.tag(7);
                self.type_ref(inner);
            }
        }
    }

    fn constraints(&mut self, constraints: &Constraints) {
        let Constraints {
            minimum,
            maximum,
            multiple_of,
            min_length,
            max_length,
            pattern,
            min_items,
            max_items,
            unique_items,
            min_properties,
            max_properties,
            allowed,
            items,
        } = constraints;
        self.option(minimum.as_ref(), Self::bound);
        self.option(maximum.as_ref(), Self::bound);
        self.option(*multiple_of, Self::number);
        self.option(*min_length, Self::u64);
        self.option(*max_length, Self::u64);
        self.option(pattern.as_deref(), Self::str);
        self.option(*min_items, Self::u64);
        self.option(*max_items, Self::u64);
        self.bool(*unique_items);
        self.option(*min_properties, Self::u64);
        self.option(*max_properties, Self::u64);
        self.list(allowed, Self::value);
        self.option(items.as_deref(), Self::constraints);
    }

    fn bound(&mut self, bound: &Bound) {
        let Bound { value, exclusive } = bound;
        self.number(*value);
        self.bool(*exclusive);
    }

    fn number(&mut self, number: Number) {
        match number {
            Number::Integer(i) => {
                self.tag(0);
                self.str(&i.to_string());
            }
            Number::Float(f) => {
                self.tag(1);
                self.f64(f);
            }
        }
    }

    /// A JSON value; object members in order, numbers as they print (`1` and `1.0`
    /// differ).
    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.tag(0),
            Value::Bool(b) => {
                self.tag(1);
                self.bool(*b);
            }
            Value::Number(n) => {
                self.tag(2);
                self.str(&n.to_string());
            }
            Value::String(s) => {
                self.tag(3);
                self.str(s);
            }
            Value::Array(items) => {
                self.tag(4);
                self.list(items, Self::value);
            }
            Value::Object(map) => {
                self.tag(5);
                self.usize(map.len());
                for (name, member) in map {
                    self.str(name);
                    self.value(member);
                }
            }
        }
    }
}
