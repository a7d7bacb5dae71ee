//! The generated server of the FastAPI-exported Items API, run on loopback and called
//! over real HTTP: typed handlers, declared statuses, FastAPI-compatible validation
//! errors, JSON 404/405/415, safe 500s, and JSON Lines streams.

use items::server::*;
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use oapi_gen_tests::items_store::{Store, serve};
use serde_json::{Value, json};

use oapi_gen_server_runtime::axum;

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, body)
}

fn widget() -> Value {
    json!({"name": "Widget", "price": 9.99, "tags": ["tools"], "mascot": {"pet_type": "cat", "meows": 2}})
}

#[tokio::test]
async fn typed_handlers_answer_with_declared_statuses() {
    let base = serve().await;
    let http = reqwest::Client::new();

    let (status, body) = send(http.get(format!("{base}/health"))).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));

    let (status, created) = send(http.post(format!("{base}/items")).json(&widget())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["id"], 1);
    assert_eq!(created["status"], "draft", "the schema default");
    assert_eq!(created["mascot"], json!({"pet_type": "cat", "meows": 2}));

    let (status, fetched) = send(http.get(format!("{base}/items/1"))).await;
    assert_eq!((status, &fetched), (200, &created));

    let (status, missing) = send(http.get(format!("{base}/items/7"))).await;
    assert_eq!(
        (status, missing),
        (404, json!({"detail": "Item 7 not found"}))
    );

    let (status, page) = send(
        http.get(format!("{base}/items?tags=tools&status=draft&limit=5"))
            .header("x-request-id", "abc"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["next_token"], "abc", "the header reached the handler");

    let (status, page) = send(http.get(format!("{base}/items?tags=tools&tags=other"))).await;
    assert_eq!((status, page["items"].as_array().unwrap().len()), (200, 0));

    let (status, body) = send(http.delete(format!("{base}/items/1"))).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, _) = send(http.delete(format!("{base}/items/1"))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn invalid_requests_get_fastapi_validation_errors() {
    let base = serve().await;
    let http = reqwest::Client::new();

    let (status, body) = send(http.get(format!("{base}/items/abc"))).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["path", "item_id"]));
    assert_eq!(body["detail"][0]["type"], "int_parsing");

    let (status, body) = send(http.get(format!("{base}/items?limit=many&status=lost"))).await;
    assert_eq!(status, 422);
    let locs: Vec<&Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert_eq!(
        locs,
        [&json!(["query", "limit"]), &json!(["query", "status"])],
        "{body}"
    );

    let (status, body) = send(
        http.post(format!("{base}/items"))
            .json(&json!({"price": 1})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "name"]), "{body}");
    assert_eq!(body["detail"][0]["type"], "missing");

    let mut wrong = widget();
    wrong["price"] = json!("cheap");
    let (status, body) = send(http.post(format!("{base}/items")).json(&wrong)).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "price"]), "{body}");

    let (status, body) = send(
        http.post(format!("{base}/items"))
            .header("content-type", "application/json")
            .body("{\"name\": "),
    )
    .await;
    assert_eq!(
        (status, &body["detail"][0]["type"]),
        (422, &json!("json_invalid"))
    );

    let (status, body) = send(http.post(format!("{base}/items"))).await;
    assert_eq!((status, &body["detail"][0]["loc"]), (422, &json!(["body"])));

    // serde would fill a struct from an array; JSON Schema objects are objects.
    let (status, body) = send(
        http.put(format!("{base}/items/1"))
            .json(&json!([null, null])),
    )
    .await;
    assert_eq!(
        (status, &body["detail"][0]["type"]),
        (422, &json!("model_attributes_type"))
    );

    // Constraints inside FastAPI's `anyOf: [X, null]` spelling of optional fields.
    let (status, body) = send(
        http.put(format!("{base}/items/1"))
            .json(&json!({"name": "", "quantity": 101})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"].as_array().unwrap().len(), 2, "{body}");

    let (status, body) = send(
        http.post(format!("{base}/items"))
            .header("content-type", "text/plain")
            .body("name=Widget"),
    )
    .await;
    assert_eq!(
        (status, body),
        (415, json!({"detail": "Unsupported Media Type"}))
    );
}

#[tokio::test]
async fn unknown_routes_methods_and_handler_errors_are_json() {
    let base = serve().await;
    let http = reqwest::Client::new();

    let (status, body) = send(http.get(format!("{base}/nowhere"))).await;
    assert_eq!((status, body), (404, json!({"detail": "Not Found"})));

    let response = http.patch(format!("{base}/items")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"detail": "Method Not Allowed"})
    );

    let (status, body) = send(http.get(format!("{base}/items?next_token=explode"))).await;
    assert_eq!(
        (status, body),
        (500, json!({"detail": "Internal Server Error"}))
    );
    // The server keeps serving.
    let (status, _) = send(http.get(format!("{base}/health"))).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn streams_are_json_lines_and_failures_abort_the_body() {
    let base = serve().await;
    let http = reqwest::Client::new();

    let response = http
        .post(format!("{base}/items/1/stream?count=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/jsonl");
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[2],
        json!({"index": 2, "message": "This is chunk 2", "done": true})
    );
    assert!(text.ends_with('\n'));

    let response = http.get(format!("{base}/events")).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let text = response.text().await.unwrap();
    assert!(text.starts_with("data: {\"index\":0"), "{text}");
    assert_eq!(text.matches("\n\n").count(), 2);

    // The failure aborts the connection: before the head is flushed (the chunks are
    // ready at once) or while the body is read. Either way the client sees an error.
    let outcome = match http
        .post(format!("{base}/items/666/stream?count=5"))
        .send()
        .await
    {
        Ok(response) => response.text().await.map(|text| text.len()),
        Err(error) => Err(error),
    };
    assert!(
        outcome.is_err(),
        "a failed stream must not look complete: {outcome:?}"
    );
}

#[tokio::test]
async fn schema_constraints_are_enforced_and_every_violation_listed() {
    let base = serve().await;
    let http = reqwest::Client::new();

    let mut bad = widget();
    bad["name"] = json!("no/slashes");
    bad["price"] = json!(0);
    bad["quantity"] = json!(101);
    bad["tags"] = json!(vec!["t"; 11]);
    bad["dimensions"] = json!({"width": -1, "height": 2});
    let (status, body) = send(http.post(format!("{base}/items")).json(&bad)).await;
    assert_eq!(status, 422, "{body}");
    let found: Vec<(Value, Value)> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["loc"].clone(), e["type"].clone()))
        .collect();
    assert_eq!(
        found,
        [
            (json!(["body", "name"]), json!("string_pattern_mismatch")),
            (json!(["body", "price"]), json!("greater_than")),
            (json!(["body", "quantity"]), json!("less_than_equal")),
            (json!(["body", "tags"]), json!("too_long")),
            (
                json!(["body", "dimensions", "width"]),
                json!("greater_than")
            ),
        ],
        "{body}"
    );

    let (status, body) = send(http.get(format!("{base}/items?limit=0"))).await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"][0]["loc"], json!(["query", "limit"]));
    assert_eq!(
        body["detail"][0]["msg"],
        "Input should be greater than or equal to 1"
    );

    let (status, _) = send(http.get(format!("{base}/items?limit=100"))).await;
    assert_eq!(status, 200, "the bound itself is allowed");
}

#[tokio::test]
async fn cors_allows_configured_origins_and_localhost() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Store::default()).layer(oapi_gen_server_runtime::cors::layer(
        "https://app.example.com, https://admin.example.com/",
    ));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let base = format!("http://{address}");
    let http = reqwest::Client::new();

    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, format!("{base}/items"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-amz-date")
            .send()
    };
    let allowed = preflight("https://admin.example.com").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(
        headers.contains("x-amz-date") && headers.contains("content-type"),
        "{headers}"
    );

    let local = preflight("http://localhost:5173").await.unwrap();
    assert_eq!(
        local.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );

    let denied = preflight("https://evil.example.net").await.unwrap();
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let response = http
        .get(format!("{base}/health"))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
}

#[tokio::test]
async fn absent_parameters_take_their_schema_defaults() {
    let base = serve().await;
    let http = reqwest::Client::new();
    // `count` defaults to 10 in the document.
    let response = http
        .post(format!("{base}/items/1/stream"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap().lines().count(), 10);
    // `limit` defaults to 10: eleven items are listed as ten.
    for _ in 0..11 {
        let (status, _) = send(http.post(format!("{base}/items")).json(&widget())).await;
        assert_eq!(status, 201);
    }
    let (_, page) = send(http.get(format!("{base}/items"))).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
}
