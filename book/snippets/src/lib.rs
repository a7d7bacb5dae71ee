//! The Rust code of the book (`book/src`), compiled: each snippet lives here, in
//! `examples/` or in `tests/`, and the book includes it by its anchor
//! (`{{#include …:anchor}}`). The build script runs the build scripts the book shows.

// The generated code of the documents is only partly used here; the book explains
// that a crate allows `dead_code` (or makes the module `pub`) for that.
#![allow(dead_code)]

/// The models of `openapi.yaml`, included as book/src/build-script.md shows.
pub mod including {
    // ANCHOR: including
    mod api {
        include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
    }

    use api::Pet;
    // ANCHOR_END: including

    /// A use of the imported model.
    pub fn name(pet: &Pet) -> &str {
        &pet.name
    }
}

/// Two documents of one build script (book/src/build-script.md).
pub mod two_documents {
    // ANCHOR: two_documents
    mod pets {
        include!(concat!(env!("OUT_DIR"), "/pets_api.rs"));
    }
    mod billing {
        include!(concat!(env!("OUT_DIR"), "/billing.rs"));
    }
    // ANCHOR_END: two_documents

    /// A use of both.
    pub fn describe(pet: &pets::Pet, invoice: &billing::Invoice) -> String {
        format!("{} owes {}", pet.name, invoice.total)
    }
}

/// The models and the server of `openapi.yaml`, included as book/src/server.md shows.
pub mod with_server {
    use oapi_gen_server_runtime::{HandlerError, RequestContext, axum};

    // ANCHOR: with_server
    mod api {
        include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
    }

    use api::server::*; // Api, router, and the request and response types
    // ANCHOR_END: with_server

    /// An implementation of the document's one operation.
    #[derive(Default)]
    pub struct Pets;

    impl Api for Pets {
        async fn get_pet(
            &self,
            _: RequestContext,
            request: GetPetRequest,
        ) -> Result<GetPetResponse, HandlerError> {
            Ok(api::Pet {
                id: request.pet_id,
                name: "Rex".to_owned(),
            }
            .into())
        }
    }

    /// The router of the implementation.
    pub fn app() -> axum::Router {
        router(Pets)
    }
}

/// The models and the client of `openapi.yaml` (`build/client.rs`).
#[allow(missing_docs)]
pub mod client_api {
    include!(concat!(env!("OUT_DIR"), "/openapi_client.rs"));
}

/// The models of `openapi.yaml` (`build/models.rs`).
#[allow(missing_docs)]
pub mod models_api {
    include!(concat!(env!("OUT_DIR"), "/openapi_models.rs"));
}

/// The Items API of `fixtures/fastapi-items.json`: models, server and client.
#[allow(missing_docs)]
pub mod items {
    include!(concat!(env!("OUT_DIR"), "/items.rs"));
}

pub mod store;
