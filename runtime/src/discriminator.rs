//! Deserialisation of `oneOf` unions that carry an OpenAPI `discriminator`.
//!
//! The variants of such a union keep the discriminating property as one of their own
//! fields (that is what the OpenAPI specification requires), so serde's internally
//! tagged enums, which strip the tag before deserialising the variant, do not fit.
//! Generated unions serialise untagged and deserialise through [`deserialize`], which
//! reads the tag and hands the whole object to the matching variant.
//!
//! When the discriminator does not fit every member (a member that is an array, or
//! one that does not declare the property), generated unions use
//! [`deserialize_or_untagged`]: the tag selects the members it fits, and the others
//! are tried in declared order for any value no tag selects.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::Value;

/// Deserialises a discriminated union.
///
/// `property` is the discriminator's property name, and `variant` maps a tag value to
/// the variant built from the whole object, or `None` for an unknown tag.
pub fn deserialize<'de, D, T>(
    deserializer: D,
    property: &str,
    expected: &[&str],
    variant: impl FnOnce(&str, Value) -> Option<Result<T, serde_json::Error>>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let tag = match &value {
        Value::Object(map) => match map.get(property) {
            Some(Value::String(tag)) => tag.clone(),
            Some(_) => {
                return Err(D::Error::custom(format_args!(
                    "discriminator property `{property}` must be a string"
                )));
            }
            None => {
                return Err(D::Error::custom(format_args!("missing field `{property}`")));
            }
        },
        _ => {
            return Err(D::Error::custom(format_args!(
                "expected an object with discriminator property `{property}`"
            )));
        }
    };
    match variant(&tag, value) {
        Some(result) => result.map_err(D::Error::custom),
        None => Err(D::Error::custom(format_args!(
            "unknown `{property}` value `{tag}`, expected one of: {}",
            expected.join(", ")
        ))),
    }
}

/// Deserialises a union whose discriminator selects only some members: `variant`
/// maps a tag to one of those; a value that is not an object, has no string tag, or
/// has a tag `variant` does not know is given to `untagged`, which tries the other
/// members in declared order (see [`untagged`]).
pub fn deserialize_or_untagged<'de, D, T>(
    deserializer: D,
    property: &str,
    variant: impl FnOnce(&str, &Value) -> Option<Result<T, serde_json::Error>>,
    untagged: impl FnOnce(&Value) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    let tag = match &value {
        Value::Object(map) => map.get(property).and_then(Value::as_str),
        _ => None,
    };
    if let Some(result) = tag.and_then(|tag| variant(tag, &value)) {
        return result.map_err(D::Error::custom);
    }
    untagged(&value).ok_or_else(|| {
        D::Error::custom(format_args!(
            "no member of the union matches (none is selected by its `{property}` value, \
             and none of the others accepts the value)"
        ))
    })
}

/// Deserialises one member of a union from a value no tag selected, if it can.
pub fn untagged<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Deserialises one member of a union from the buffered value its tag selected.
pub fn tagged<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// Deserialises one variant from the already-buffered object.
pub fn variant<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Cat {
        kind: String,
        lives: u8,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Dog {
        kind: String,
        barks: bool,
    }

    #[derive(Debug, PartialEq)]
    enum Pet {
        Cat(Cat),
        Dog(Dog),
    }

    impl<'de> Deserialize<'de> for Pet {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d, "kind", &["cat", "dog"], |tag, value| match tag {
                "cat" => Some(variant(value).map(Pet::Cat)),
                "dog" => Some(variant(value).map(Pet::Dog)),
                _ => None,
            })
        }
    }

    #[test]
    fn dispatches_on_the_tag_and_keeps_it_in_the_variant() {
        let pet: Pet = serde_json::from_str(r#"{"kind":"dog","barks":true}"#).unwrap();
        assert_eq!(
            pet,
            Pet::Dog(Dog {
                kind: "dog".into(),
                barks: true
            })
        );
    }

    /// GitHub's contents union: a directory is an array, which cannot carry the
    /// `type` tag that selects the other members.
    #[derive(Debug, PartialEq)]
    enum Content {
        Directory(Vec<Cat>),
        Cat(Cat),
    }

    impl<'de> Deserialize<'de> for Content {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_or_untagged(
                d,
                "kind",
                |tag, value| match tag {
                    "cat" => Some(tagged(value).map(Content::Cat)),
                    _ => None,
                },
                |value| untagged(value).map(Content::Directory),
            )
        }
    }

    #[test]
    fn members_the_tag_does_not_fit_are_tried_when_no_tag_selects() {
        let cat = r#"{"kind":"cat","lives":9}"#;
        let content: Content = serde_json::from_str(cat).unwrap();
        assert!(matches!(content, Content::Cat(Cat { lives: 9, .. })));
        let content: Content = serde_json::from_str(&format!("[{cat}]")).unwrap();
        assert!(matches!(&content, Content::Directory(cats) if cats.len() == 1));
        // A tag that selects a member which then fails is that member's error.
        let err = serde_json::from_str::<Content>(r#"{"kind":"cat"}"#).unwrap_err();
        assert!(err.to_string().contains("lives"), "{err}");
        let err = serde_json::from_str::<Content>(r#"{"kind":"cow"}"#).unwrap_err();
        assert!(err.to_string().contains("no member"), "{err}");
    }

    #[test]
    fn rejects_unknown_missing_and_non_string_tags() {
        let err = serde_json::from_str::<Pet>(r#"{"kind":"cow"}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown `kind` value `cow`"),
            "{err}"
        );
        let err = serde_json::from_str::<Pet>(r#"{"lives":9}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `kind`"), "{err}");
        let err = serde_json::from_str::<Pet>(r#"{"kind":1}"#).unwrap_err();
        assert!(err.to_string().contains("must be a string"), "{err}");
        assert!(serde_json::from_str::<Pet>("[]").is_err());
    }
}
