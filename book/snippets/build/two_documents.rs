// ANCHOR: all
// build.rs: two documents, each in a file of its own.
fn main() {
    oapi_gen::build::Builder::new("specs/pets.yaml")
        .file_name("pets_api.rs")
        .generate()
        .expect("generate the pets API");
    oapi_gen::build::generate("specs/billing.json").expect("generate the billing API");
}
// ANCHOR_END: all
