//! Generates the models, the axum server and the client of `openapi.yaml` into
//! `OUT_DIR`; Cargo re-runs this when the document changes.

fn main() {
    oapi_gen::build::Builder::new("openapi.yaml")
        .server(true)
        .client(true)
        .generate()
        .expect("generate the server and client of openapi.yaml");
}
