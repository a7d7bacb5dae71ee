//! Feeding a recorded Lambda event to the router, as book/src/lambda.md shows it.

use book_snippets::items::server::router;
use book_snippets::store::Store;
use lambda_http::RequestExt;
use oapi_gen_server_runtime::lambda;

/// An HTTP API (payload 2.0) event for `GET /my/path`, with an IAM caller.
const EVENT_JSON: &str = include_str!("../../../server-runtime/tests/events/http-api-iam.json");

#[tokio::test]
async fn a_recorded_event_is_served() -> Result<(), Box<dyn std::error::Error>> {
    let router = router(Store::default());
    let context = lambda_http::Context::default();
    // ANCHOR: events
    let event: lambda_http::request::LambdaRequest = serde_json::from_str(EVENT_JSON)?;
    let request = lambda_http::Request::from(event).with_lambda_context(context);
    let response = lambda::Handler::new(router).buffered(request).await;
    // ANCHOR_END: events
    // `/my/path` is not a path of the Items API.
    assert_eq!(response.status(), 404);
    Ok(())
}
