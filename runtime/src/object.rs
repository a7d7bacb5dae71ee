//! (De)serialisation of generated structs, which are JSON objects.
//!
//! A generated struct implements `Deserialize` with a small `visit_map` that reads its
//! properties through [`Fields`], and `Serialize` through [`Properties`]. What a serde
//! derive would emit for every struct (the property-name visitor, duplicate and
//! missing-property checks, the handling of unknown properties) is written here once:
//! APIs with thousands of schemas type-check several times faster than with derives.
//!
//! The behaviour is the derive's: the same errors (`missing field`, `duplicate field`,
//! `unknown field`, `invalid type: …, expected struct …`), `None` for a missing
//! property of an `Option` type, and no allocation for property names. The one
//! difference is that a struct is read from an object only, never from an array
//! (JSON Schema objects are never arrays).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// What a struct does with properties it does not declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Skip them.
    Ignore,
    /// Fail with serde's `unknown field` error (`#[serde(deny_unknown_fields)]`).
    Deny,
}

/// The properties of one object being deserialised into a struct whose property names
/// are `fields` (in declaration order): a [`MapAccess`] that yields the index of each
/// declared property it meets.
pub struct Fields<'de, A: MapAccess<'de>, F> {
    map: A,
    fields: &'static [&'static str],
    find: F,
    unknown: Unknown,
    current: usize,
    error: Option<A::Error>,
}

impl<'de, A: MapAccess<'de>, F: Fn(&str) -> Option<usize> + Copy> Fields<'de, A, F> {
    /// Reads the properties of `map` for a struct with these property names; `find`
    /// is the index of a name in `fields` (a `match`, faster than a search).
    pub fn new(map: A, fields: &'static [&'static str], find: F, unknown: Unknown) -> Self {
        Fields {
            map,
            fields,
            find,
            unknown,
            current: 0,
            error: None,
        }
    }

    /// The index in `fields` of the next declared property, skipping (or rejecting)
    /// the others; `None` at the end of the object. Read its value with
    /// [`Fields::value`]. The error of the last value read, if any, is returned here.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<usize>, A::Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        loop {
            let seed = KeySeed {
                fields: self.fields,
                find: self.find,
                unknown: self.unknown,
            };
            match self.map.next_key_seed(seed)? {
                None => return Ok(None),
                Some(Key::Field(index)) => {
                    self.current = index;
                    return Ok(Some(index));
                }
                Some(Key::Other) => {
                    self.map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }

    /// Reads the value of the property [`Fields::next_key`] returned into `slot`; a second
    /// occurrence of the property is serde's `duplicate field` error. An error is kept
    /// for the next call of [`Fields::next_key`] to return (which saves generated code a
    /// branch per property).
    #[inline]
    pub fn value<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>) {
        if slot.is_some() {
            self.error = Some(de::Error::duplicate_field(self.fields[self.current]));
            return;
        }
        match self.map.next_value() {
            Ok(value) => *slot = Some(value),
            Err(error) => self.error = Some(error),
        }
    }

    /// The value read for the property `name`, or, when it was absent, what serde's
    /// derive makes of a missing property: `None` for an `Option`, else the
    /// `missing field` error.
    pub fn required<T: Deserialize<'de>>(
        &self,
        slot: Option<T>,
        name: &'static str,
    ) -> Result<T, A::Error> {
        match slot {
            Some(value) => Ok(value),
            None => T::deserialize(Missing {
                name,
                error: PhantomData,
            }),
        }
    }
}

/// A property name read by [`KeySeed`].
enum Key {
    /// A declared property, by index.
    Field(usize),
    /// Another property.
    Other,
}

/// Reads a property name without allocating it.
struct KeySeed<F> {
    fields: &'static [&'static str],
    find: F,
    unknown: Unknown,
}

impl<F: Fn(&str) -> Option<usize>> KeySeed<F> {
    #[inline]
    fn name<E: de::Error>(self, name: &str) -> Result<Key, E> {
        if let Some(index) = (self.find)(name) {
            return Ok(Key::Field(index));
        }
        match self.unknown {
            Unknown::Deny => Err(E::unknown_field(name, self.fields)),
            Unknown::Ignore => Ok(Key::Other),
        }
    }
}

impl<'de, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Key;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<F: Fn(&str) -> Option<usize>> Visitor<'_> for KeySeed<F> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<Key, E> {
        match usize::try_from(index) {
            Ok(index) if index < self.fields.len() => Ok(Key::Field(index)),
            _ if self.unknown == Unknown::Deny => Err(E::invalid_value(
                de::Unexpected::Unsigned(index),
                &format!("field index 0 <= i < {}", self.fields.len()).as_str(),
            )),
            _ => Ok(Key::Other),
        }
    }

    #[inline]
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        self.name(name)
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key, E> {
        self.name(&String::from_utf8_lossy(name))
    }
}

/// A deserializer with nothing to read: `None` for an `Option`, `missing field`
/// for anything else (what serde's derive does for an absent property).
struct Missing<E> {
    name: &'static str,
    error: PhantomData<E>,
}

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::missing_field(self.name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The properties of a struct being serialised.
///
/// The properties are written one after the other without a `Result` each: the first
/// error is kept, the properties after it are not written, and [`Properties::end`]
/// returns it (which saves generated code a branch per property).
pub struct Properties<S: Serializer> {
    state: S::SerializeStruct,
    error: Option<S::Error>,
}

impl<S: Serializer> Properties<S> {
    /// Starts serialising the struct `name`, of which `len` properties will be written
    /// (the `Option` properties that are `None` are skipped, and not counted: see
    /// [`count`]).
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        Ok(Properties {
            state: serializer.serialize_struct(name, len)?,
            error: None,
        })
    }

    /// Writes the property `name`.
    pub fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        if self.error.is_none() {
            self.error = self.state.serialize_field(name, value).err();
        }
    }

    /// Writes the property `name` unless it is `None`
    /// (`#[serde(skip_serializing_if = "Option::is_none")]`).
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if self.error.is_none() {
            self.error = match value {
                Some(_) => self.state.serialize_field(name, value),
                None => self.state.skip_field(name),
            }
            .err();
        }
    }

    /// Ends the struct, or returns the first error of its properties.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.state.end(),
        }
    }
}

/// The number of `Some` among optional properties (`true` for `Some`), to count
/// the properties for [`Properties::new`].
pub fn count(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator emits for a struct, next to the derive it replaces.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Derived {
        id: i64,
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default)]
        count: u32,
    }

    #[derive(Debug, PartialEq)]
    struct Emitted {
        id: i64,
        kind: Option<String>,
        note: Option<String>,
        count: u32,
    }

    impl Serialize for Emitted {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut properties =
                Properties::new(serializer, "Emitted", 3 + count(&[self.note.is_some()]))?;
            properties.field("id", &self.id);
            properties.field("type", &self.kind);
            properties.optional("note", &self.note);
            properties.field("count", &self.count);
            properties.end()
        }
    }

    impl<'de> Deserialize<'de> for Emitted {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            const FIELDS: &[&str] = &["id", "type", "note", "count"];
            fn find(name: &str) -> Option<usize> {
                FIELDS.iter().position(|field| *field == name)
            }
            struct EmittedVisitor;
            impl<'de> Visitor<'de> for EmittedVisitor {
                type Value = Emitted;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("struct Emitted")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Emitted, A::Error> {
                    let mut map = Fields::new(map, FIELDS, find, Unknown::Deny);
                    let (mut id, mut kind, mut note, mut count) = (None, None, None, None);
                    while let Some(index) = map.next_key()? {
                        match index {
                            0 => map.value(&mut id),
                            1 => map.value(&mut kind),
                            2 => map.value(&mut note),
                            3 => map.value(&mut count),
                            _ => {}
                        }
                    }
                    Ok(Emitted {
                        id: map.required(id, "id")?,
                        kind: map.required(kind, "type")?,
                        note: note.unwrap_or_default(),
                        count: count.unwrap_or_default(),
                    })
                }
            }
            deserializer.deserialize_struct("Emitted", FIELDS, EmittedVisitor)
        }
    }

    /// The derive's outcome of `json`, and the emitted code's, with the type names
    /// made alike.
    fn both(json: &str) -> (String, String) {
        let derived = match serde_json::from_str::<Derived>(json) {
            Ok(value) => serde_json::to_string(&value).unwrap(),
            Err(error) => error.to_string(),
        };
        let emitted = match serde_json::from_str::<Emitted>(json) {
            Ok(value) => serde_json::to_string(&value).unwrap(),
            Err(error) => error.to_string(),
        };
        (derived.replace("Derived", "Emitted"), emitted)
    }

    #[test]
    fn behaves_like_the_derive() {
        for json in [
            r#"{"id": 1, "type": "a", "note": "n", "count": 2}"#,
            r#"{"count": 2, "type": null, "id": -1}"#,
            r#"{"id": 1}"#,
            r#"{"type": "a"}"#,
            r#"{"id": 1, "id": 2}"#,
            r#"{"id": 1, "other": 2}"#,
            r#"{"id": "1"}"#,
            r#"{"id": 1, "count": -1}"#,
            r#""text""#,
            "null",
            r#"{"id": 1"#,
        ] {
            let (derived, emitted) = both(json);
            assert_eq!(derived, emitted, "{json}");
        }
    }

    #[test]
    fn reads_objects_only() {
        let error = serde_json::from_str::<Emitted>("[1, null]").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("invalid type: sequence, expected struct Emitted"),
            "{error}"
        );
    }

    #[test]
    fn skips_unknown_properties_unless_denied() {
        fn find(name: &str) -> Option<usize> {
            (name == "id").then_some(0)
        }
        #[derive(Debug, PartialEq)]
        struct Open {
            id: i64,
        }
        impl<'de> Deserialize<'de> for Open {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct OpenVisitor;
                impl<'de> Visitor<'de> for OpenVisitor {
                    type Value = Open;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("struct Open")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Open, A::Error> {
                        let mut map = Fields::new(map, &["id"], find, Unknown::Ignore);
                        let mut id = None;
                        while map.next_key()?.is_some() {
                            map.value(&mut id);
                        }
                        Ok(Open {
                            id: map.required(id, "id")?,
                        })
                    }
                }
                deserializer.deserialize_struct("Open", &["id"], OpenVisitor)
            }
        }
        let open: Open =
            serde_json::from_str(r#"{"x": {"deep": [1, {"id": 3}]}, "id": 2, "y": null}"#).unwrap();
        assert_eq!(open, Open { id: 2 });
    }

    #[test]
    fn locates_errors_at_the_property() {
        let json = r#"{"id": 1, "count": "many"}"#;
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let error = serde_path_to_error::deserialize::<_, Emitted>(&mut deserializer).unwrap_err();
        assert_eq!(error.path().to_string(), "count");
    }
}
