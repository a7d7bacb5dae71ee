//! Enums of strings (`type: string` + `enum`): the wire values live in one table per
//! type, and (de)serialisation is one generic function instead of a derive per type,
//! which is much cheaper to compile for APIs with hundreds of enums.

use std::fmt;

use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};

/// A field-less enum whose variants travel as fixed strings.
pub trait StringEnum: Copy + PartialEq + Sized + 'static {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// Every variant with its wire value, in the document's order.
    const VARIANTS: &'static [(Self, &'static str)];

    /// The wire value of this variant.
    fn as_str(&self) -> &'static str {
        Self::VARIANTS
            .iter()
            .find(|(variant, _)| variant == self)
            .map_or("", |(_, value)| value)
    }

    /// The variant whose wire value is `value`.
    fn from_wire(value: &str) -> Option<Self> {
        Self::VARIANTS
            .iter()
            .find(|(_, wire)| *wire == value)
            .map(|(variant, _)| *variant)
    }
}

/// Serialises a string enum as its wire value.
pub fn serialize<T: StringEnum, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.as_str())
}

/// Deserialises a string enum from its wire value; other strings are an error that
/// lists the expected values.
pub fn deserialize<'de, T: StringEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(EnumVisitor::<T>(std::marker::PhantomData))
}

struct EnumVisitor<T>(std::marker::PhantomData<T>);

impl<T: StringEnum> Visitor<'_> for EnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} string", T::NAME)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        T::from_wire(value).ok_or_else(|| {
            let expected: Vec<&str> = T::VARIANTS.iter().map(|(_, wire)| *wire).collect();
            E::custom(format_args!(
                "unknown {} value `{value}`, expected one of: {}",
                T::NAME,
                expected.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Status {
        InProgress,
        Done,
    }

    impl StringEnum for Status {
        const NAME: &'static str = "Status";
        const VARIANTS: &'static [(Self, &'static str)] =
            &[(Status::InProgress, "in-progress"), (Status::Done, "done")];
    }

    impl Serialize for Status {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Status {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[test]
    fn round_trips_wire_values() {
        assert_eq!(
            serde_json::to_string(&Status::InProgress).unwrap(),
            "\"in-progress\""
        );
        let parsed: Vec<Status> = serde_json::from_str(r#"["done", "in-progress"]"#).unwrap();
        assert_eq!(parsed, [Status::Done, Status::InProgress]);
        assert_eq!(Status::Done.as_str(), "done");
        assert_eq!(Status::from_wire("nope"), None);
    }

    #[test]
    fn unknown_values_list_the_expected_ones() {
        let error = serde_json::from_str::<Status>("\"paused\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("unknown Status value `paused`, expected one of: in-progress, done"),
            "{error}"
        );
        assert!(serde_json::from_str::<Status>("3").is_err());
    }
}
