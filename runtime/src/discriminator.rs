//! Deserialisation of `oneOf` unions that carry an OpenAPI `discriminator`.
//!
//! The variants of such a union keep the discriminating property as one of their own
//! fields (that is what the OpenAPI specification requires), so serde's internally
//! tagged enums, which strip the tag before deserialising the variant, do not fit.
//! Generated unions serialise untagged and deserialise through [`deserialize`], which
//! reads the tag and hands the whole object to the matching variant.

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
