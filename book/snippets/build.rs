//! Runs the build scripts that the book shows (`build/*.rs`, each the `build.rs` of a
//! crate of its own) on this package's documents, one after the other, and keeps what
//! each writes; then generates the Items API of `fixtures/fastapi-items.json`, which
//! the book's handlers implement and its client calls use.

use std::path::PathBuf;

/// `build/models.rs`: the models of `openapi.yaml` (book/src/build-script.md).
mod models {
    include!("build/models.rs");
    pub fn run() {
        main();
    }
}

/// `build/two_documents.rs`: two documents (book/src/build-script.md).
mod two_documents {
    include!("build/two_documents.rs");
    pub fn run() {
        main();
    }
}

/// `build/client.rs`: the models and the client (book/src/client.md).
mod client {
    include!("build/client.rs");
    pub fn run() {
        main();
    }
}

/// `build/server.rs`: the models and the server (book/src/server.md).
mod server {
    include!("build/server.rs");
    pub fn run() {
        main();
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    // Three of the scripts write `openapi.rs`: keep each result under a name of its own,
    // the server's last, as `openapi.rs`.
    let keep = |name: &str| {
        std::fs::rename(out_dir.join("openapi.rs"), out_dir.join(name)).expect("keep openapi.rs");
    };
    models::run();
    keep("openapi_models.rs");
    client::run();
    keep("openapi_client.rs");
    server::run();
    two_documents::run();

    oapi_gen::build::Builder::new("../../fixtures/fastapi-items.json")
        .file_name("items.rs")
        .server(true)
        .client(true)
        .generate()
        .expect("generate the Items API");
}
