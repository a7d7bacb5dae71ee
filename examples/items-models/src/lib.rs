//! The models of the Items API (`openapi.json`), generated at build time.

/// Every schema of the document as a serde type.
#[allow(missing_docs)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
}
