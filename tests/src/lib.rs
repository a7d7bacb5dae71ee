//! End-to-end tests of `oapi-gen`.
//!
//! The build script generates the models of every fixture document through
//! `oapi_gen::build`; this crate compiles all of them (with `-D warnings` and clippy in
//! CI), and its integration tests compare them with the golden files and round-trip
//! the examples of the documents through them.

/// The generated models of each fixture, one module per document.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

pub mod bench;
pub mod items_store;
