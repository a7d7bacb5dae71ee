//! Generates the models of `openapi.json` into `OUT_DIR`; Cargo re-runs this when the
//! document changes.

fn main() {
    oapi_gen::build::generate("openapi.json").expect("generate the models of openapi.json");
}
