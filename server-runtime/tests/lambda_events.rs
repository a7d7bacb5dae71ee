//! Recorded API Gateway and Function URL events through [`lambda::Handler`], the
//! service `lambda::run` and `lambda::run_streaming` serve: what a handler finds in its
//! [`RequestContext`] (caller, invocation, correlation id, path), and how a body that
//! fails midway ends in each mode.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::routing::get;
use http_body_util::BodyExt;
use lambda_http::lambda_runtime::Config;
use lambda_http::request::LambdaRequest;
use lambda_http::{Context, RequestExt};
use oapi_gen_server_runtime::lambda::Handler;
use oapi_gen_server_runtime::{CallerIdentity, RequestContext, axum, correlation};
use serde_json::{Value, json};

const REQUEST_ID: &str = "8476a536-e9f4-11e8-9739-2dfe598c3fcd";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:items-service";
const TRACE_HEADER: &str =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
const DEADLINE_MS: u64 = 1_700_000_030_000;

/// The context the last request's handler saw.
type Seen = Arc<Mutex<Option<RequestContext>>>;

/// A router whose every route records its [`RequestContext`] (behind the correlation
/// layer, as generated routers have it), plus `/broken`, whose body fails after a
/// first chunk.
fn router(seen: Seen) -> Router {
    async fn record(State(seen): State<Seen>, request: Request) -> &'static str {
        let (parts, _) = request.into_parts();
        *seen.lock().unwrap() = Some(RequestContext::new(parts));
        "ok"
    }
    async fn broken() -> Body {
        Body::from_stream(futures_util::stream::iter([
            Ok(bytes::Bytes::from_static(b"{\"index\":0}\n")),
            Err(std::io::Error::other("the database went away")),
            Ok(bytes::Bytes::from_static(b"{\"index\":1}\n")),
        ]))
    }
    Router::new()
        .route("/broken", get(broken))
        .fallback(record)
        .with_state(seen)
        .layer(correlation::layer())
}

/// The runtime's context of one invocation of `items-service`.
fn lambda_context() -> Context {
    let mut context = Context::default();
    context.request_id = REQUEST_ID.to_owned();
    context.deadline = DEADLINE_MS;
    context.invoked_function_arn = FUNCTION_ARN.to_owned();
    context.xray_trace_id = Some(TRACE_HEADER.to_owned());
    context.env_config = Arc::new(Config {
        function_name: "items-service".to_owned(),
        memory: 512,
        version: "$LATEST".to_owned(),
        log_stream: String::new(),
        log_group: String::new(),
    });
    context
}

/// A recorded event of `tests/events/`.
fn event(name: &str) -> Value {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The request `lambda_http` makes of an event and the runtime's context.
fn request(event: Value) -> lambda_http::Request {
    let event: LambdaRequest = serde_json::from_value(event).unwrap();
    lambda_http::Request::from(event).with_lambda_context(lambda_context())
}

/// Serves one event (buffered) and returns the response and the handler's context.
async fn serve(event: Value) -> (http::Response<Body>, RequestContext) {
    let seen = Seen::default();
    let response = Handler::new(router(seen.clone()))
        .buffered(request(event))
        .await;
    let context = seen.lock().unwrap().take().expect("the handler ran");
    (response, context)
}

fn iam(context: &RequestContext) -> &oapi_gen_server_runtime::IamCaller {
    match context.identity() {
        Some(CallerIdentity::Iam(caller)) => caller,
        other => panic!("expected an IAM caller, got {other:?}"),
    }
}

fn jwt(context: &RequestContext) -> &oapi_gen_server_runtime::JwtCaller {
    match context.identity() {
        Some(CallerIdentity::Jwt(caller)) => caller,
        other => panic!("expected a JWT caller, got {other:?}"),
    }
}

#[tokio::test]
async fn http_api_iam_auth_gives_an_iam_caller() {
    let (response, context) = serve(event("http-api-iam.json")).await;
    assert_eq!(response.status(), 200);
    let caller = iam(&context);
    assert_eq!(
        caller.user_arn.as_deref(),
        Some("arn:aws:iam::1234567890:user/Admin")
    );
    assert_eq!(caller.account_id.as_deref(), Some("1234567890"));
    assert_eq!(
        caller.caller_id.as_deref(),
        Some("AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials")
    );
    assert_eq!(caller.access_key.as_deref(), Some("ARIA2ZJZYVUEREEIHAKY"));
    assert_eq!(caller.principal_org_id.as_deref(), Some("AwsOrgId"));
    assert_eq!(context.path(), "/my/path");
}

#[tokio::test]
async fn http_api_jwt_authorizer_gives_cognito_claims_and_scopes() {
    let (_, context) = serve(event("http-api-jwt-cognito.json")).await;
    let caller = jwt(&context);
    assert_eq!(
        caller.claim("sub"),
        Some("7d8ca528-4931-4254-9273-ea5ee853f271")
    );
    assert_eq!(caller.claim("cognito:username"), Some("alice"));
    assert_eq!(caller.claim("email"), Some("alice@example.com"));
    assert_eq!(caller.scopes, ["items/read", "items/write"]);
    let names: Vec<&str> = caller.claims.keys().map(String::as_str).collect();
    assert!(names.is_sorted(), "claims in a stable order: {names:?}");
}

#[tokio::test]
async fn http_api_lambda_authorizer_gives_its_context() {
    let (_, context) = serve(event("http-api-lambda-authorizer.json")).await;
    let Some(CallerIdentity::Authorizer(fields)) = context.identity() else {
        panic!(
            "expected a Lambda authorizer's context, got {:?}",
            context.identity()
        );
    };
    assert_eq!(Value::Object(fields.clone()), json!({"key": "value"}));
}

#[tokio::test]
async fn rest_api_cognito_authorizer_gives_claims_and_the_path_without_stage() {
    let (_, context) = serve(event("rest-api-cognito.json")).await;
    let caller = jwt(&context);
    assert_eq!(caller.claim("cognito:username"), Some("alice"));
    assert_eq!(caller.claim("cognito:groups"), Some("admin"));
    assert!(caller.scopes.is_empty());
    // The event's stage (`test`) is not part of the path the router matches.
    assert_eq!(context.path(), "/hello");
}

#[tokio::test]
async fn rest_api_without_authorizer_has_no_caller() {
    let mut event = event("rest-api-cognito.json");
    event["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("authorizer");
    let (_, context) = serve(event).await;
    // Its `identity` block has only empty strings.
    assert_eq!(context.identity(), None);
}

#[tokio::test]
async fn function_url_iam_auth_gives_an_iam_caller() {
    let (_, context) = serve(event("function-url-iam.json")).await;
    let caller = iam(&context);
    assert_eq!(
        caller.user_arn.as_deref(),
        Some("arn:aws:iam::111122223333:user/example-user")
    );
    assert_eq!(caller.account_id.as_deref(), Some("111122223333"));
    assert_eq!(caller.caller_id.as_deref(), Some("AIDACKCEVSQ6C2EXAMPLE"));
    assert_eq!(caller.access_key.as_deref(), Some("AKIAIOSFODNN7EXAMPLE"));
    assert_eq!(caller.principal_org_id, None);
    assert_eq!(context.path(), "/my/path");
}

#[tokio::test]
async fn the_invocation_comes_from_the_runtime_context_and_the_first_is_cold() {
    let seen = Seen::default();
    let handler = Handler::new(router(seen.clone()));
    let mut cold_starts = Vec::new();
    for _ in 0..2 {
        handler.buffered(request(event("http-api-iam.json"))).await;
        let context = seen.lock().unwrap().take().unwrap();
        let lambda = context.lambda().expect("a Lambda invocation");
        assert_eq!(lambda.request_id, REQUEST_ID);
        assert_eq!(lambda.function_name, "items-service");
        assert_eq!(lambda.function_version, "$LATEST");
        assert_eq!(lambda.function_arn, FUNCTION_ARN);
        assert_eq!(lambda.memory_size_mb, 512);
        assert_eq!(lambda.xray_trace_header.as_deref(), Some(TRACE_HEADER));
        assert_eq!(lambda.deadline_ms, DEADLINE_MS);
        cold_starts.push(lambda.cold_start);
    }
    assert_eq!(cold_starts, [true, false]);
}

#[tokio::test]
async fn the_correlation_id_is_the_lambda_request_id_unless_the_header_gives_one() {
    let (response, context) = serve(event("function-url-iam.json")).await;
    assert_eq!(context.correlation_id, REQUEST_ID);
    assert_eq!(response.headers()[correlation::HEADER], REQUEST_ID);

    let mut event = event("function-url-iam.json");
    event["headers"]["x-correlation-id"] = json!("from-the-client");
    let (response, context) = serve(event).await;
    assert_eq!(context.correlation_id, "from-the-client");
    assert_eq!(response.headers()[correlation::HEADER], "from-the-client");
}

/// The `/broken` route, requested through a Function URL.
fn broken_request() -> lambda_http::Request {
    let mut event = event("function-url-iam.json");
    event["rawPath"] = json!("/broken");
    event["requestContext"]["http"]["path"] = json!("/broken");
    request(event)
}

#[tokio::test]
async fn buffered_a_body_that_fails_is_an_internal_server_error() {
    let handler = Handler::new(router(Seen::default()));
    let response = handler.buffered(broken_request()).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.headers()[correlation::HEADER], REQUEST_ID);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, r#"{"detail":"Internal Server Error"}"#);
}

#[tokio::test]
async fn streamed_a_body_that_fails_ends_with_an_error_after_its_chunks() {
    let handler = Handler::new(router(Seen::default()));
    let response = handler.streaming(broken_request()).await;
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "{\"index\":0}\n");
    let error = body.frame().await.unwrap().unwrap_err();
    assert_eq!(error.to_string(), "the response stream failed");
    assert!(body.frame().await.is_none(), "nothing after the error");
}
