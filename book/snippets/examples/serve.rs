//! The serving code of book/src/server.md: `main`, CORS, composing routers, the body
//! limit and reading the request context.

// The book shows `get_item` of an `impl Api`; here it is an inherent method of a
// type of its own, which nothing calls.
#![allow(dead_code)]

use book_snippets::items as api;
use book_snippets::store::Store;
use oapi_gen_server_runtime::{HandlerError, RequestContext};

use api::server::*;

// ANCHOR: main
use oapi_gen_server_runtime::axum;

#[tokio::main]
async fn main() {
    let app = router(Store::default());
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
// ANCHOR_END: main

fn cors() -> axum::Router {
    // ANCHOR: cors
    let app = router(Store::default()).layer(oapi_gen_server_runtime::cors::from_env());
    // ANCHOR_END: cors
    app
}

fn compose() -> (axum::Router, axum::Router) {
    // ANCHOR: compose
    use oapi_gen_server_runtime::axum::{Router, routing::get};

    let app = Router::new()
        .route("/version", get(|| async { env!("CARGO_PKG_VERSION") }))
        .merge(router(Store::default()))
        .layer(oapi_gen_server_runtime::cors::from_env());

    // or under a prefix:
    let prefixed = Router::new().nest("/v1", router(Store::default()));
    // ANCHOR_END: compose
    (app, prefixed)
}

fn body_limit() -> axum::Router {
    // ANCHOR: body_limit
    use oapi_gen_server_runtime::axum::extract::DefaultBodyLimit;

    let app = router(Store::default()).layer(DefaultBodyLimit::max(20 * 1024 * 1024)); // 20 MiB
    // ANCHOR_END: body_limit
    app
}

/// What an authentication layer found, as a request extension.
#[derive(Debug, Clone)]
struct CurrentUser {
    name: String,
}

struct Authenticated;

impl Authenticated {
    // ANCHOR: context
    async fn get_item(
        &self,
        context: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        let user = context.extensions.get::<CurrentUser>(); // set by your auth layer
        tracing::info!(?user, item_id = request.item_id, "Fetching item");
        // …
        Ok(GetItemResponse::NotFound(api::NotFoundError {
            detail: format!("Item {} not found", request.item_id),
        }))
    }
    // ANCHOR_END: context
}
