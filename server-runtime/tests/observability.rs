//! The observability stack end to end: a hand-built router behind
//! `catch_panics`, `observability::layer` and `correlation::layer`, served on
//! loopback and called over HTTP, with log lines and EMF documents captured from the
//! configured writer and checked field by field (EMF against the specification).

mod emf;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use http::{Request, StatusCode};
use oapi_gen_server_runtime::error::{HandlerError, Rejection, ValidationErrors};
use oapi_gen_server_runtime::observability::{self, Config, Unit, Writer};
use oapi_gen_server_runtime::{LambdaInvocation, RequestContext, correlation, error, response};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tracing_subscriber::fmt::MakeWriter;

/// Lines written through the configured writer, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl MakeWriter<'_> for Captured {
    type Writer = Captured;

    fn make_writer(&self) -> Captured {
        self.clone()
    }
}

impl Captured {
    /// Every line so far, parsed (each must be one JSON object).
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }

    /// The log lines (not EMF) of the request with this correlation id.
    fn logs_of(&self, correlation_id: &str) -> Vec<Value> {
        self.lines()
            .into_iter()
            .filter(|line| line.get("_aws").is_none() && line["correlation_id"] == correlation_id)
            .collect()
    }

    /// The EMF documents.
    fn metrics(&self) -> Vec<Value> {
        self.lines()
            .into_iter()
            .filter(|line| line.get("_aws").is_some())
            .collect()
    }
}

// ANCHOR: handler
/// A handler that adds a metric and logs with fields of its own.
async fn get_item(Path(item_id): Path<u64>, request: Request<Body>) -> Response {
    let context = RequestContext::new(request.into_parts().0);
    context.metrics().add("ItemViewed", Unit::Count, 1.0);
    context.metrics().add_metadata("item_id", item_id);
    tracing::info!(
        item_id,
        in_stock = true,
        authorization = "Bearer s3cr3t",
        "Fetching item"
    );
    response::json(StatusCode::OK, &json!({"id": item_id}))
}
// ANCHOR_END: handler

async fn validate_item() -> Response {
    let mut errors = ValidationErrors::new();
    errors.missing(vec!["body".into(), "name".into()]);
    axum::response::IntoResponse::into_response(Rejection::from(errors))
}

#[derive(Debug, thiserror::Error)]
#[error("loading item failed")]
struct LoadError(#[source] std::io::Error);

async fn failing() -> Response {
    let error: HandlerError = Box::new(LoadError(std::io::Error::other("database unreachable")));
    error::internal_error(&error)
}

async fn panicking() -> Response {
    panic!("the item store is corrupt")
}

/// Streams whatever the test sends, until it drops its sender.
fn streaming(
    receiver: Arc<Mutex<Option<mpsc::Receiver<u32>>>>,
) -> impl Fn() -> std::future::Ready<Response> + Clone {
    move || {
        let receiver = receiver
            .lock()
            .unwrap()
            .take()
            .expect("one stream per test");
        let chunks: response::ChunkStream<Value> = Box::pin(futures_util::stream::unfold(
            receiver,
            |mut receiver| async move {
                let n = receiver.recv().await?;
                Some((Ok(json!({ "n": n })), receiver))
            },
        ));
        std::future::ready(response::json_lines(
            StatusCode::OK,
            "application/jsonl",
            chunks,
        ))
    }
}

/// A stream that fails after its first chunk.
async fn broken_stream() -> Response {
    let chunks: response::ChunkStream<Value> = Box::pin(futures_util::stream::iter([
        Ok(json!({"n": 1})),
        Err("the feed was lost".into()),
    ]));
    response::json_lines(StatusCode::OK, "application/jsonl", chunks)
}

struct Server {
    base: String,
    captured: Captured,
    client: reqwest::Client,
    _subscriber: tracing::subscriber::DefaultGuard,
}

/// Serves the test router on loopback; its log lines and metrics go to the returned
/// buffer through a subscriber for this thread only (the tests run on
/// current-thread runtimes, so the server's tasks use it too).
async fn serve(
    configure: impl FnOnce(Config) -> Config,
    stream: Option<mpsc::Receiver<u32>>,
) -> Server {
    let captured = Captured::default();
    let config = configure(Config {
        service: "items".to_owned(),
        namespace: "Shop".to_owned(),
        writer: Writer::new(captured.clone()),
        ..Config::default()
    });
    let subscriber = observability::subscriber(&config, tracing_subscriber::layer::Identity::new());
    let guard = tracing::subscriber::set_default(subscriber);
    let receiver = Arc::new(Mutex::new(stream));
    // ANCHOR: stack
    let app = Router::new()
        .route("/items/{item_id}", get(get_item))
        .route("/items/{item_id}/validate", post(validate_item))
        .route("/failing", get(failing))
        .route("/panicking", get(panicking))
        .route("/stream", get(streaming(receiver)))
        .route("/broken-stream", get(broken_stream))
        .layer(error::catch_panics())
        .layer(observability::layer(&config))
        .layer(correlation::layer());
    // ANCHOR_END: stack
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Server {
        base,
        captured,
        client: reqwest::Client::new(),
        _subscriber: guard,
    }
}

impl Server {
    /// Calls `path`, returning the status, the response's correlation id and body.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        id: Option<&str>,
    ) -> (u16, String, String) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(id) = id {
            request = request.header("x-correlation-id", id);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let id = response.headers()["x-correlation-id"]
            .to_str()
            .unwrap()
            .to_owned();
        (status, id, response.text().await.unwrap())
    }

    /// Waits (briefly) until `count` EMF documents of `route` were written.
    async fn metrics_of(&self, route: &str, count: usize) -> Vec<Value> {
        for _ in 0..100 {
            let found: Vec<_> = self
                .captured
                .metrics()
                .into_iter()
                .filter(|doc| doc["route"] == route)
                .collect();
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no metrics for {route}: {:#?}", self.captured.lines());
    }
}

fn assert_log_basics(line: &Value, level: &str, message: &str, cold_start: bool) {
    assert_eq!(line["level"], level, "{line}");
    assert_eq!(line["message"], message, "{line}");
    assert_eq!(line["service"], "items", "{line}");
    assert_eq!(line["cold_start"], cold_start, "{line}");
    let location = line["location"].as_str().unwrap();
    let (file, number) = location.rsplit_once(':').unwrap();
    assert!(file.ends_with(".rs"), "{location}");
    assert!(number.parse::<u32>().unwrap() > 0, "{location}");
    let timestamp = line["timestamp"].as_str().unwrap();
    assert_eq!(
        timestamp.len(),
        "2024-05-01T12:34:56.789Z".len(),
        "{timestamp}"
    );
    assert!(
        timestamp.ends_with('Z') && timestamp.as_bytes()[19] == b'.',
        "{timestamp}"
    );
}

fn assert_request_metrics(doc: &Value, route: &str, success: u64, failure: u64) {
    emf::validate(doc).unwrap_or_else(|problem| panic!("{problem}: {doc}"));
    assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Shop");
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        json!([["service", "route"]])
    );
    assert_eq!(doc["service"], "items");
    assert_eq!(doc["route"], route);
    assert_eq!(doc["RequestCount"], 1);
    assert_eq!(doc["Success"], success);
    assert_eq!(doc["Failure"], failure);
}

#[tokio::test]
async fn requests_log_and_count_with_their_route_and_correlation_id() {
    let server = serve(|config| config, None).await;

    // Outside any request, before the first: the cold start.
    tracing::info!("starting");
    let startup = &server.captured.lines()[0];
    assert_log_basics(startup, "INFO", "starting", true);
    assert!(startup.get("correlation_id").is_none(), "{startup}");

    // A success, first request of the process.
    let (status, id, body) = server
        .call(reqwest::Method::GET, "/items/7", Some("req-ok"))
        .await;
    assert_eq!(
        (status, id.as_str(), body.as_str()),
        (200, "req-ok", r#"{"id":7}"#)
    );
    let logs = server.captured.logs_of("req-ok");
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert_log_basics(&logs[0], "INFO", "Received request", true);
    assert_eq!(logs[0]["method"], "GET");
    assert_eq!(logs[0]["path"], "/items/7");
    assert_eq!(logs[0]["route"], "/items/{item_id}");
    assert!(
        logs[0].get("xray_trace_id").is_none(),
        "no tracing, no trace header"
    );
    assert_log_basics(&logs[1], "INFO", "Fetching item", true);
    assert_eq!(logs[1]["item_id"], 7);
    assert_eq!(logs[1]["in_stock"], true);
    assert_eq!(logs[1]["authorization"], "[REDACTED]");
    let docs = server.metrics_of("GET /items/{item_id}", 1).await;
    assert_request_metrics(&docs[0], "GET /items/{item_id}", 1, 0);
    let metrics = &docs[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"];
    assert_eq!(metrics[3], json!({"Name": "ItemViewed", "Unit": "Count"}));
    assert_eq!(docs[0]["ItemViewed"], 1.0);
    assert_eq!(docs[0]["item_id"], 7, "metadata");
    let cold: Vec<_> = server
        .captured
        .metrics()
        .into_iter()
        .filter(|doc| doc.get("ColdStart").is_some())
        .collect();
    assert_eq!(cold.len(), 1);
    emf::validate(&cold[0]).unwrap();
    assert_eq!(cold[0]["ColdStart"], 1);
    assert_eq!(cold[0]["service"], "items");
    assert_eq!(
        cold[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        json!([["service"]])
    );
    assert!(cold[0].get("route").is_none());

    // A validation failure (4xx): a success as far as the service is concerned.
    let (status, id, _) = server
        .call(reqwest::Method::POST, "/items/7/validate", None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(id.len(), 36, "a generated id: {id}");
    let logs = server.captured.logs_of(&id);
    assert_eq!(logs.len(), 1, "{logs:#?}");
    assert_log_basics(&logs[0], "INFO", "Received request", false);
    assert_eq!(logs[0]["route"], "/items/{item_id}/validate");
    let docs = server.metrics_of("POST /items/{item_id}/validate", 1).await;
    assert_request_metrics(&docs[0], "POST /items/{item_id}/validate", 1, 0);

    // A handler error: its chain is logged in the request, the response says nothing.
    let (status, id, body) = server
        .call(reqwest::Method::GET, "/failing", Some("req-error"))
        .await;
    assert_eq!((status, id.as_str()), (500, "req-error"));
    assert_eq!(body, r#"{"detail":"Internal Server Error"}"#);
    let logs = server.captured.logs_of("req-error");
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert_log_basics(&logs[1], "ERROR", "handler failed", false);
    assert_eq!(
        logs[1]["error"],
        "loading item failed: database unreachable"
    );
    let docs = server.metrics_of("GET /failing", 1).await;
    assert_request_metrics(&docs[0], "GET /failing", 0, 1);

    // A panic: logged in the request, answered with the safe 500, counted as failure.
    let (status, id, body) = server
        .call(reqwest::Method::GET, "/panicking", Some("req-panic"))
        .await;
    assert_eq!((status, id.as_str()), (500, "req-panic"));
    assert_eq!(body, r#"{"detail":"Internal Server Error"}"#);
    let logs = server.captured.logs_of("req-panic");
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert_log_basics(&logs[1], "ERROR", "handler panicked", false);
    assert_eq!(logs[1]["panic"], "the item store is corrupt");
    let docs = server.metrics_of("GET /panicking", 1).await;
    assert_request_metrics(&docs[0], "GET /panicking", 0, 1);

    // The process keeps serving; no route: the fixed label.
    let (status, _, _) = server.call(reqwest::Method::GET, "/items/8", None).await;
    assert_eq!(status, 200);
    let (status, _, _) = server.call(reqwest::Method::GET, "/nowhere/42", None).await;
    assert_eq!(status, 404);
    let docs = server.metrics_of("NOT_FOUND", 1).await;
    assert_request_metrics(&docs[0], "NOT_FOUND", 1, 0);

    // Once per process, and every document is valid EMF.
    let all = server.captured.metrics();
    assert_eq!(
        all.iter()
            .filter(|doc| doc.get("ColdStart").is_some())
            .count(),
        1
    );
    for doc in &all {
        emf::validate(doc).unwrap_or_else(|problem| panic!("{problem}: {doc}"));
    }
    // After the first request, lines outside requests are warm.
    tracing::warn!(queue = "items", "background work");
    let last = server.captured.lines().pop().unwrap();
    assert_log_basics(&last, "WARN", "background work", false);
    assert_eq!(last["queue"], "items");
}

#[tokio::test]
async fn streamed_responses_count_when_their_body_ends() {
    let (sender, receiver) = mpsc::channel(4);
    let server = serve(|config| config, Some(receiver)).await;
    let mut response = server
        .client
        .get(format!("{}/stream", server.base))
        .header("x-correlation-id", "req-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sender.send(1).await.unwrap();
    let chunk = response.chunk().await.unwrap().unwrap();
    assert_eq!(&chunk[..], b"{\"n\":1}\n");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let route = |doc: &Value| doc["route"] == "GET /stream";
    assert!(
        !server.captured.metrics().iter().any(route),
        "metrics before the body ended"
    );
    assert_eq!(server.captured.logs_of("req-stream").len(), 1);

    sender.send(2).await.unwrap();
    drop(sender);
    let rest = response.bytes().await.unwrap();
    assert_eq!(&rest[..], b"{\"n\":2}\n");
    let docs = server.metrics_of("GET /stream", 1).await;
    assert_request_metrics(&docs[0], "GET /stream", 1, 0);

    // A stream that fails: logged inside its request, counted as a failure.
    let sent = server
        .client
        .get(format!("{}/broken-stream", server.base))
        .header("x-correlation-id", "req-broken")
        .send()
        .await;
    // The head may or may not have gone out before the stream failed.
    match sent {
        Ok(response) => assert!(response.bytes().await.is_err(), "the response is aborted"),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    let docs = server.metrics_of("GET /broken-stream", 1).await;
    assert_request_metrics(&docs[0], "GET /broken-stream", 0, 1);
    let logs = server.captured.logs_of("req-broken");
    assert_eq!(logs.len(), 2, "{logs:#?}");
    assert_log_basics(
        &logs[1],
        "ERROR",
        "stream failed; aborting the response",
        false,
    );
    assert_eq!(logs[1]["error"], "the feed was lost");
}

#[tokio::test]
async fn lambda_and_xray_context_go_on_every_line() {
    let server = serve(
        |config| Config {
            tracing: true,
            ..config
        },
        None,
    )
    .await;
    let response = server
        .client
        .get(format!("{}/items/1", server.base))
        .header(
            "x-amzn-trace-id",
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        )
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-correlation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let logs = server.captured.logs_of(&id);
    assert_eq!(logs.len(), 2);
    for line in &logs {
        assert_eq!(line["xray_trace_id"], "1-5759e988-bd862e3fe1be46a994272793");
        assert!(
            line.get("xray_parent_id").is_none(),
            "span-only field: {line}"
        );
    }
    // Without a trace header, tracing starts a new trace.
    let (_, id, _) = server.call(reqwest::Method::GET, "/items/2", None).await;
    let logs = server.captured.logs_of(&id);
    let trace_id = logs[0]["xray_trace_id"].as_str().unwrap();
    assert!(
        trace_id.starts_with("1-") && trace_id.len() == 35,
        "{trace_id}"
    );
}

#[tokio::test]
async fn lambda_invocations_name_the_function_on_every_line() {
    let captured = Captured::default();
    let config = Config {
        service: "items".to_owned(),
        writer: Writer::new(captured.clone()),
        ..Config::default()
    };
    let _guard = tracing::subscriber::set_default(observability::subscriber(
        &config,
        tracing_subscriber::layer::Identity::new(),
    ));
    let mut app = Router::new()
        .route("/items/{item_id}", get(get_item))
        .layer(error::catch_panics())
        .layer(observability::layer(&config))
        .layer(correlation::layer());
    let mut invocation = LambdaInvocation::new("lambda-req-1", "items-fn");
    invocation.function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:items-fn".to_owned();
    invocation.memory_size_mb = 512;
    invocation.xray_trace_header =
        Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0".to_owned());
    let mut request = Request::get("/items/3").body(Body::empty()).unwrap();
    request.extensions_mut().insert(invocation);
    let response = tower_service::Service::call(&mut app, request)
        .await
        .unwrap();
    assert_eq!(response.headers()["x-correlation-id"], "lambda-req-1");
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let logs = captured.logs_of("lambda-req-1");
    assert_eq!(logs.len(), 2);
    for line in &logs {
        assert_eq!(line["function_request_id"], "lambda-req-1");
        assert_eq!(line["function_name"], "items-fn");
        assert_eq!(
            line["function_arn"],
            "arn:aws:lambda:eu-west-1:123456789012:function:items-fn"
        );
        assert_eq!(line["function_memory_size"], 512);
        assert_eq!(line["xray_trace_id"], "1-5759e988-bd862e3fe1be46a994272793");
    }
    // The keys, in the order lines have always given them: Powertools' own, the
    // request's, then the event's fields.
    let keys: Vec<&str> = logs[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "level",
            "location",
            "message",
            "timestamp",
            "service",
            "cold_start",
            "correlation_id",
            "xray_trace_id",
            "function_request_id",
            "function_name",
            "function_arn",
            "function_memory_size",
            "method",
            "path",
            "route",
        ]
    );
}

#[tokio::test]
async fn filtered_levels_and_disabled_metrics_write_nothing() {
    let server = serve(
        |config| Config {
            log_level: tracing::Level::WARN,
            metrics: false,
            ..config
        },
        None,
    )
    .await;
    let (status, id, _) = server.call(reqwest::Method::GET, "/items/7", None).await;
    assert_eq!(status, 200);
    let (_, failing_id, _) = server.call(reqwest::Method::GET, "/failing", None).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(server.captured.logs_of(&id).is_empty());
    assert!(server.captured.metrics().is_empty());
    // Errors still carry their request's keys when INFO is off.
    let logs = server.captured.logs_of(&failing_id);
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["message"], "handler failed");
}

#[test]
fn the_emf_checks_refuse_each_violation() {
    emf::refuses_violations();
}
