//! Support code shared by the code that `oapi-gen` generates.
//!
//! Generated models refer to this crate for everything that a generic function can do
//! once instead of being emitted for every type: base64 strings, discriminated unions,
//! default values, the (de)serialisation of structs, uploaded files. It also re-exports the crates whose types appear in
//! generated models, so a crate that includes generated code needs only `serde` and this
//! crate.

pub mod base64;
pub mod defaults;
pub mod discriminator;
pub mod object;
pub mod string_enum;
pub mod upload;

pub use self::base64::Base64;
pub use self::string_enum::StringEnum;
pub use self::upload::UploadFile;

/// An RFC 3339 timestamp (`format: date-time`), normalised to UTC.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// A calendar date (`format: date`).
pub type Date = chrono::NaiveDate;

/// Any JSON value, for schemas that do not constrain it.
pub type Json = serde_json::Value;

/// Any JSON object, for `type: object` schemas without properties.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

pub use uuid::Uuid;

pub use bytes;
pub use chrono;
pub use serde_json;
pub use serde_repr;
pub use uuid;
