// ANCHOR: all
// build.rs
fn main() {
    oapi_gen::build::Builder::new("openapi.yaml")
        .server(true)
        .generate()
        .expect("generate the API code");
}
// ANCHOR_END: all
