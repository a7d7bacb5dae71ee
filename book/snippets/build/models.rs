// The build script of book/src/build-script.md: the models of `openapi.yaml`.
// ANCHOR: all
fn main() {
    oapi_gen::build::generate("openapi.yaml").expect("generate the API code");
}
// ANCHOR_END: all
