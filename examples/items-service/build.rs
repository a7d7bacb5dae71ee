//! Generates the models, the axum server and the client of `openapi.json` into
//! `OUT_DIR`; Cargo re-runs this when the document changes.

fn main() {
    oapi_gen::build::Builder::new("openapi.json")
        .server(true)
        .client(true)
        .generate()
        .expect("generate the server and client of openapi.json");
}
