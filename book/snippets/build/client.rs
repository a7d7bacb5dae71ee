// ANCHOR: all
// build.rs
fn main() {
    oapi_gen::build::Builder::new("openapi.yaml")
        .client(true)
        .generate()
        .expect("generate the client");
}
// ANCHOR_END: all
