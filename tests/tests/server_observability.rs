//! The generated Items router with the whole observability stack, on loopback over
//! real HTTP: the JSON log lines, the EMF documents and the X-Ray segments (sent over
//! UDP to a stand-in daemon) of a success, a 404, a 422, a handler error and a panic,
//! checked field by field against the response each request got.

use std::io::Write;
use std::net::UdpSocket;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oapi_gen_server_runtime::observability::{self, Config, Writer};
use oapi_gen_server_runtime::xray::{self, DaemonAddress, XrayConfig};
use oapi_gen_tests::bench::CREATE_BODY;
use oapi_gen_tests::fixtures::fastapi_items_server::server::router_with;
use oapi_gen_tests::items_store::Store;
use serde_json::Value;

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

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let bytes = self.0.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
            .collect()
    }
}

/// One answered request: its status and correlation id.
struct Answer {
    status: u16,
    id: String,
}

async fn call(client: &reqwest::Client, request: reqwest::RequestBuilder) -> Answer {
    let response = client.execute(request.build().unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let id = response.headers()["x-correlation-id"]
        .to_str()
        .unwrap()
        .to_owned();
    response.bytes().await.unwrap();
    Answer { status, id }
}

/// The X-Ray documents the stand-in daemon received until it went quiet.
fn received(daemon: &UdpSocket) -> Vec<Value> {
    let mut documents = Vec::new();
    let mut buffer = vec![0; 65_536];
    while let Ok(length) = daemon.recv(&mut buffer) {
        let text = std::str::from_utf8(&buffer[..length]).unwrap();
        let (header, document) = text.split_once('\n').unwrap();
        assert_eq!(header, r#"{"format": "json", "version": 1}"#);
        documents.push(serde_json::from_str(document).unwrap());
    }
    documents
}

#[tokio::test]
async fn requests_are_logged_counted_and_traced() {
    let daemon = UdpSocket::bind("127.0.0.1:0").unwrap();
    daemon
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let address = DaemonAddress::parse(&daemon.local_addr().unwrap().to_string()).unwrap();
    let (xray_layer, xray) = xray::layer(XrayConfig::new("items").daemon_address(address)).unwrap();
    let captured = Captured::default();
    let writer = captured.clone();
    let config = Config {
        service: "items".into(),
        namespace: "Shop".into(),
        tracing: true,
        metrics: true,
        writer: Writer::new(move || writer.clone()),
        ..Config::default()
    };
    // The test runs on one thread, like the server it spawns: the subscriber applies
    // to both.
    let _guard = tracing::subscriber::set_default(observability::subscriber(&config, xray_layer));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router_with(Store::default(), &config);
    tokio::spawn(async move {
        oapi_gen_server_runtime::axum::serve(listener, app)
            .await
            .unwrap()
    });
    let client = reqwest::Client::new();
    let created = call(
        &client,
        client
            .post(format!("{base}/items"))
            .header("content-type", "application/json")
            .body(CREATE_BODY),
    )
    .await;
    let missing = call(
        &client,
        client
            .get(format!("{base}/items/404"))
            .header("authorization", "Bearer secret-token")
            .header(
                "x-amzn-trace-id",
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            ),
    )
    .await;
    let invalid = call(&client, client.get(format!("{base}/items?limit=0"))).await;
    let failed = call(
        &client,
        client.get(format!("{base}/items?next_token=explode")),
    )
    .await;
    let panicked = call(&client, client.get(format!("{base}/feed?count=13"))).await;
    assert_eq!(
        [
            created.status,
            missing.status,
            invalid.status,
            failed.status,
            panicked.status
        ],
        [201, 404, 422, 500, 500]
    );
    assert!(xray.flush(Duration::from_secs(2)));

    let lines = captured.lines();
    let (emf, logs): (Vec<&Value>, Vec<&Value>) =
        lines.iter().partition(|l| l.get("_aws").is_some());

    // Logs: a "Received request" line per request with its route template and the
    // response's correlation id; the handler error and the panic logged in their request.
    let cases = [
        (&created, "POST", "/items"),
        (&missing, "GET", "/items/{item_id}"),
        (&invalid, "GET", "/items"),
        (&failed, "GET", "/items"),
        (&panicked, "GET", "/feed"),
    ];
    for (index, (answer, method, route)) in cases.iter().enumerate() {
        let own: Vec<&&Value> = logs
            .iter()
            .filter(|l| l["correlation_id"] == answer.id.as_str())
            .collect();
        let received = own
            .iter()
            .find(|l| l["message"] == "Received request")
            .unwrap_or_else(|| panic!("no Received request line for {route}: {own:?}"));
        assert_eq!(received["level"], "INFO");
        assert_eq!(received["service"], "items");
        assert_eq!(received["method"], *method);
        assert_eq!(received["route"], *route);
        assert_eq!(received["cold_start"], index == 0, "{received}");
        assert!(
            received["xray_trace_id"]
                .as_str()
                .unwrap()
                .starts_with("1-")
        );
        assert!(received["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    let trace_of = |answer: &Answer| {
        logs.iter()
            .find(|l| l["correlation_id"] == answer.id.as_str())
            .unwrap()["xray_trace_id"]
            .clone()
    };
    assert_eq!(trace_of(&missing), "1-5759e988-bd862e3fe1be46a994272793");
    let error_line = logs
        .iter()
        .find(|l| l["correlation_id"] == failed.id.as_str() && l["level"] == "ERROR")
        .expect("the handler error is logged in its request");
    assert!(
        error_line["error"]
            .as_str()
            .unwrap()
            .contains("page token store is down")
    );
    let panic_line = logs
        .iter()
        .find(|l| l["correlation_id"] == panicked.id.as_str() && l["level"] == "ERROR")
        .expect("the panic is logged in its request");
    assert!(panic_line.to_string().contains("panic"), "{panic_line}");
    assert!(
        !lines.iter().any(|l| l.to_string().contains("secret-token")),
        "credentials are never logged"
    );

    // Metrics: one document per request under its route template, Failure for the
    // 500s only, and ColdStart once.
    let counted = |route: &str, key: &str| -> i64 {
        emf.iter()
            .filter(|d| d["route"] == route)
            .map(|d| d[key].as_i64().unwrap())
            .sum()
    };
    assert_eq!(counted("POST /items", "Success"), 1);
    assert_eq!(counted("GET /items/{item_id}", "Success"), 1);
    assert_eq!(counted("GET /items", "RequestCount"), 2);
    assert_eq!(counted("GET /items", "Failure"), 1);
    assert_eq!(counted("GET /feed", "Failure"), 1);
    assert_eq!(
        emf.iter().filter(|d| d.get("ColdStart").is_some()).count(),
        1
    );
    for document in &emf {
        assert_eq!(
            document["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "Shop"
        );
        assert_eq!(document["service"], "items");
    }

    // Traces: one segment per request, annotated with its route, status and
    // correlation id; faults for the 500s, error for the 4xx; the given trace context
    // kept.
    let segments = received(&daemon);
    let segment_of = |answer: &Answer| {
        segments
            .iter()
            .find(|s| s["annotations"]["correlation_id"] == answer.id.as_str())
            .unwrap_or_else(|| panic!("no segment for {}: {segments:?}", answer.id))
    };
    let missing_segment = segment_of(&missing);
    assert_eq!(missing_segment["name"], "items");
    assert_eq!(
        missing_segment["trace_id"],
        "1-5759e988-bd862e3fe1be46a994272793"
    );
    assert_eq!(missing_segment["parent_id"], "53995c3f42cd8ad8");
    assert_eq!(missing_segment["annotations"]["route"], "/items/{item_id}");
    assert_eq!(missing_segment["annotations"]["status"], 404);
    assert_eq!(missing_segment["http"]["response"]["status"], 404);
    assert_eq!(missing_segment["error"], true);
    assert_eq!(segment_of(&created)["annotations"]["status"], 201);
    assert!(segment_of(&created).get("fault").is_none());
    assert_eq!(segment_of(&invalid)["error"], true);
    assert_eq!(segment_of(&failed)["fault"], true);
    assert_eq!(segment_of(&panicked)["fault"], true);
    assert_eq!(segments.len(), 5, "{segments:?}");
}
