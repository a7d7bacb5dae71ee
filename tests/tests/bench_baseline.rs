//! The hand-written baseline of the router benchmarks (`oapi_gen_tests::bench`) does
//! the work of the generated router: for the benchmarked operations, valid and
//! invalid requests get the same status and, but for the noted differences, the same
//! body from both, and a correlation id.

use std::sync::Arc;

use oapi_gen_server_runtime::axum::Router;
use oapi_gen_server_runtime::axum::body::{Body, to_bytes};
use oapi_gen_server_runtime::http::Request;
use oapi_gen_tests::bench::{CREATE_BODY, LIST_QUERY, SEEDED, Store, hand_written};
use oapi_gen_tests::fixtures::fastapi_items_server::server::router;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Builds one request of a case (once per router).
type MakeRequest = fn() -> Request<Body>;

async fn answer(router: &Router, request: Request<Body>) -> (u16, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    assert!(
        response.headers().contains_key("x-correlation-id"),
        "every answer has a correlation id"
    );
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, body)
}

fn get(target: &str) -> Request<Body> {
    Request::get(target).body(Body::empty()).unwrap()
}

fn post(body: impl Into<String>) -> Request<Body> {
    Request::post("/items")
        .header("content-type", "application/json")
        .body(Body::from(body.into()))
        .unwrap()
}

fn with(change: impl FnOnce(&mut Value)) -> String {
    let mut body: Value = serde_json::from_str(CREATE_BODY).unwrap();
    change(&mut body);
    body.to_string()
}

/// The `loc` and `type` of each problem of a 422 body.
fn problems(body: &Value) -> Vec<(Value, Value)> {
    body["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("not a validation error: {body}"))
        .iter()
        .map(|problem| (problem["loc"].clone(), problem["type"].clone()))
        .collect()
}

#[tokio::test]
async fn both_routers_answer_alike() {
    let generated = router(Store::seeded());
    let baseline = hand_written(Arc::new(Store::seeded()));
    let requests: Vec<(&str, MakeRequest)> = vec![
        ("one item", || get("/items/1")),
        ("an unknown item", || get("/items/999")),
        ("an id that is not an integer", || get("/items/abc")),
        ("the benchmarked page", || {
            get(&format!("/items?{LIST_QUERY}"))
        }),
        ("the default page", || get("/items")),
        ("a limit below its minimum", || get("/items?limit=0")),
        ("a limit above its maximum", || get("/items?limit=101")),
        ("a limit that is not an integer", || get("/items?limit=x")),
        ("an unknown status", || get("/items?status=lost")),
        ("the benchmarked creation", || post(CREATE_BODY)),
        ("a body without a name", || post(r#"{"price": 1}"#)),
        ("a price that is text", || {
            post(with(|b| b["price"] = json!("cheap")))
        }),
        ("every constraint broken", || {
            post(with(|b| {
                b["name"] = json!("no/slashes");
                b["price"] = json!(0);
                b["quantity"] = json!(101);
                b["tags"] = json!(vec!["t"; 11]);
                b["dimensions"] = json!({"width": -1, "height": 0});
                b["mascot"] = json!({"pet_type": "cat", "meows": -1});
            }))
        }),
        ("an empty name", || post(with(|b| b["name"] = json!("")))),
        ("JSON cut short", || post(r#"{"name": "#)),
        ("another media type", || {
            Request::post("/items")
                .header("content-type", "text/plain")
                .body(Body::from(CREATE_BODY))
                .unwrap()
        }),
        ("an unknown path", || get("/nowhere")),
        ("another method", || {
            Request::delete("/items").body(Body::empty()).unwrap()
        }),
    ];
    for (case, request) in requests {
        let (status, body) = answer(&generated, request()).await;
        let (expected_status, expected) = answer(&baseline, request()).await;
        assert_eq!(status, expected_status, "{case}: {body} vs {expected}");
        if status == 422 {
            // Messages of serde's errors differ between serde_json and the query
            // deserialiser; where and what kind of problem do not.
            assert_eq!(problems(&body), problems(&expected), "{case}");
        } else {
            assert_eq!(body, expected, "{case}");
        }
    }
    // Creation leaves both stores as they were.
    let (_, page) = answer(&generated, get("/items?limit=100")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), SEEDED as usize);
}
