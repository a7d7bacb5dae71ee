//! {{title}}: the code generated from `openapi.yaml` and its implementation in
//! [`handlers`].

/// The models, the server (`api::server`) and the client (`api::client`), generated
/// from `openapi.yaml` by `build.rs`.
#[allow(missing_docs)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
}

pub mod handlers;
