//! `format: byte` strings: bytes carried as standard base64 text.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Bytes that travel as a base64 string (OpenAPI `type: string, format: byte`, or
/// `contentEncoding: base64`).
///
/// Serialises with the standard alphabet and padding; deserialisation also accepts
/// unpadded input and the URL-safe alphabet, which real services emit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// Decodes base64 text in any of the accepted alphabets.
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        let trimmed = text.trim_end_matches('=');
        STANDARD_NO_PAD
            .decode(trimmed)
            .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
            .or_else(|_| URL_SAFE.decode(text))
            .map(Base64)
    }

    /// The standard, padded base64 text of these bytes.
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl From<Base64> for Vec<u8> {
    fn from(value: Base64) -> Self {
        value.0
    }
}

impl AsRef<[u8]> for Base64 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;
        impl Visitor<'_> for Base64Visitor {
            type Value = Base64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Base64, E> {
                Base64::decode(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Base64Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let value = Base64(b"hello, world".to_vec());
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, "\"aGVsbG8sIHdvcmxk\"");
        assert_eq!(serde_json::from_str::<Base64>(&json).unwrap(), value);
    }

    #[test]
    fn accepts_unpadded_and_url_safe_input() {
        assert_eq!(Base64::decode("aGk").unwrap().0, b"hi");
        assert_eq!(Base64::decode("_-8").unwrap().0, vec![0xff, 0xef]);
        assert!(serde_json::from_str::<Base64>("\"not base64!\"").is_err());
    }
}
