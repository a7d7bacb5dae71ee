//! [`UploadFile`]: a file of a `multipart/form-data` body.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A file sent in a `multipart/form-data` body: the type of the `format: binary`
/// properties of schemas used as multipart bodies.
///
/// Generated servers fill it from the part (its file name and media type as the client
/// declared them, and its content); generated clients send it as a file part.
/// Inside a JSON document, where a `format: binary` property can only be text, it is
/// its content as a string (a content that is not UTF-8 is written lossily).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UploadFile {
    /// The `filename` of the part's `Content-Disposition`, if any.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Bytes,
}

impl UploadFile {
    /// The name under which deserialisers that carry files (the server runtime's
    /// multipart decoding) recognise this type; any other deserialiser sees a newtype
    /// struct around a string, bytes or a `{file_name, content_type, bytes}` map.
    #[doc(hidden)]
    pub const SERDE_NAME: &'static str = "$oapi_gen_runtime::UploadFile";

    /// A file with this content, and no name or media type.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        UploadFile {
            file_name: None,
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// The file with its name set.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// The file with its media type set.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl Serialize for UploadFile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl<'de> Deserialize<'de> for UploadFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(Self::SERDE_NAME, UploadFileVisitor)
    }
}

struct UploadFileVisitor;

impl<'de> Visitor<'de> for UploadFileVisitor {
    type Value = UploadFile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a file")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<UploadFile, D::Error> {
        inner.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<UploadFile, E> {
        Ok(UploadFile::new(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<UploadFile, E> {
        Ok(UploadFile::new(text))
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<UploadFile, E> {
        Ok(UploadFile::new(bytes.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<UploadFile, E> {
        Ok(UploadFile::new(bytes))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UploadFile, A::Error> {
        let mut file = UploadFile::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "file_name" => file.file_name = map.next_value()?,
                "content_type" => file.content_type = map.next_value()?,
                "bytes" => file.bytes = Bytes::from(map.next_value::<ByteBuf>()?.0),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(file)
    }
}

/// Bytes from a byte buffer, a byte slice or a string.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ByteBufVisitor;
        impl Visitor<'_> for ByteBufVisitor {
            type Value = ByteBuf;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<ByteBuf, E> {
                Ok(ByteBuf(text.as_bytes().to_vec()))
            }

            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(bytes.to_vec()))
            }

            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(bytes))
            }
        }
        deserializer.deserialize_byte_buf(ByteBufVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_carries_the_content_as_text() {
        let file: UploadFile = serde_json::from_str(r#""hello""#).unwrap();
        assert_eq!(file, UploadFile::new("hello"));
        assert_eq!(serde_json::to_string(&file).unwrap(), r#""hello""#);
        let file: UploadFile =
            serde_json::from_str(r#"{"file_name":"a.txt","bytes":"hi"}"#).unwrap();
        assert_eq!(file, UploadFile::new("hi").with_file_name("a.txt"));
    }
}
