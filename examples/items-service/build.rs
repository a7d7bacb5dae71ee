//! Generates the models and the axum server of `openapi.json` into `OUT_DIR`; Cargo
//! re-runs this when the document changes.

fn main() {
    oapi_gen::build::Builder::new("openapi.json")
        .server(true)
        .generate()
        .expect("generate the server of openapi.json");
}
