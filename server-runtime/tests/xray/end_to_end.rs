//! A real axum server on loopback, a request-span middleware written to the
//! contract, and reqwest calling it.

use axum::Router;
use axum::extract::{MatchedPath, Path, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use oapi_gen_server_runtime::trace_context::{self, TraceContext};
use oapi_gen_server_runtime::xray::{self, XrayConfig};
use serde_json::json;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

use crate::daemon::Daemon;
use crate::schema::{assert_valid_datagrams, child};
use crate::{PARENT_ID, SAMPLED_HEADER, TRACE_ID, record_status, request_span};

/// The request layer, reduced to what the contract says about the span.
async fn request_span_middleware(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_default();
    let span = request_span(
        request.method().as_str(),
        &route,
        request.uri().path(),
        "corr-e2e",
    );
    let context = request
        .headers()
        .get(trace_context::HEADER)
        .and_then(|value| value.to_str().ok())
        .and_then(TraceContext::parse)
        .unwrap_or_else(|| TraceContext::new_root(true));
    span.record("xray_trace_id", context.trace_id.as_str());
    if let Some(parent) = &context.parent_id {
        span.record("xray_parent_id", parent.as_str());
    }
    span.record("xray_sampled", context.sampled.unwrap_or(true));
    let response = next.run(request).instrument(span.clone()).await;
    record_status(&span, response.status().as_u16());
    response
}

#[tracing::instrument]
async fn load_item(item_id: String) -> String {
    async { format!("item {item_id}") }
        .instrument(tracing::info_span!("fetch-item-details"))
        .await
}

async fn get_item(Path(item_id): Path<String>) -> String {
    load_item(item_id).await
}

#[tokio::test]
async fn a_served_request_reaches_the_daemon_as_a_segment() {
    let daemon = Daemon::start();
    let (layer, handle) =
        xray::layer(XrayConfig::new("items-service").daemon_address(daemon.address())).unwrap();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));

    let app = Router::new()
        .route("/items/{item_id}", get(get_item))
        .route_layer(middleware::from_fn(request_span_middleware));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let body = reqwest::Client::new()
        .get(format!("http://{address}/items/42"))
        .header(trace_context::HEADER, SAMPLED_HEADER)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "item 42");

    let datagrams = tokio::task::spawn_blocking(move || daemon.receive(&handle))
        .await
        .unwrap();
    assert_valid_datagrams(&datagrams);
    assert_eq!(datagrams.len(), 1);
    let segment = &datagrams[0].document;
    assert_eq!(segment["name"], "items-service");
    assert_eq!(segment["trace_id"], TRACE_ID);
    assert_eq!(segment["parent_id"], PARENT_ID);
    assert_eq!(
        segment["http"],
        json!({"request": {"method": "GET", "url": "/items/42"}, "response": {"status": 200}})
    );
    assert_eq!(segment["annotations"]["route"], "/items/{item_id}");
    let load = child(segment, "load_item");
    assert_eq!(load["metadata"]["default"]["item_id"], "42");
    child(load, "fetch-item-details");
}
