//! The generated server of `fixtures/server/big-integers.yaml` on loopback: integer
//! bounds and steps are compared as integers, exactly on both sides of 2^53 and at
//! the ends of `i64` and `u64`, with the errors FastAPI (pydantic) gives.

use big::server::*;
use oapi_gen_client_runtime::reqwest;
use oapi_gen_server_runtime::{HandlerError, RequestContext, axum};
use oapi_gen_tests::fixtures::server_big_integers_server as big;
use serde_json::{Value, json};

struct Accept;

impl Api for Accept {
    async fn create_counter(
        &self,
        _: RequestContext,
        _: CreateCounterRequest,
    ) -> Result<CreateCounterResponse, HandlerError> {
        Ok(CreateCounterResponse::NoContent)
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Accept);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// The status and the `(loc, type, msg)` of each error of a POST of the JSON text
/// `body` (raw text: numbers beyond 2^53 are sent as written) with the `query`.
async fn post(base: &str, query: &str, body: &str) -> (u16, Vec<(Value, String, String)>) {
    let response = reqwest::Client::new()
        .post(format!("{base}/counters{query}"))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    if text.is_empty() {
        return (status, Vec::new());
    }
    let body: Value = serde_json::from_str(&text).unwrap();
    let errors = body["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| {
            (
                e["loc"].clone(),
                e["type"].as_str().unwrap().to_owned(),
                e["msg"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (status, errors)
}

/// The error of one body field set to `value`, if any.
async fn field(base: &str, name: &str, value: &str) -> Option<(String, String)> {
    let (status, errors) = post(base, "", &format!("{{\"{name}\": {value}}}")).await;
    match errors.as_slice() {
        [] => {
            assert_eq!(status, 204);
            None
        }
        [(loc, kind, msg)] => {
            assert_eq!(status, 422);
            assert_eq!(*loc, json!(["body", name]));
            Some((kind.clone(), msg.clone()))
        }
        _ => panic!("{name} = {value}: {errors:?}"),
    }
}

fn error(kind: &str, msg: &str) -> Option<(String, String)> {
    Some((kind.to_owned(), msg.to_owned()))
}

#[tokio::test]
async fn bounds_beyond_2_to_the_53_are_exact() {
    let base = serve().await;
    // `maximum: 9007199254740993` (2^53 + 1, which an f64 rounds to 2^53).
    assert_eq!(field(&base, "below", "9007199254740993").await, None);
    assert_eq!(
        field(&base, "below", "9007199254740994").await,
        error(
            "less_than_equal",
            "Input should be less than or equal to 9007199254740993"
        )
    );
    // `minimum: 9007199254740993`: 2^53 is below it, though as f64s they are equal.
    assert_eq!(field(&base, "above", "9007199254740993").await, None);
    assert_eq!(
        field(&base, "above", "9007199254740992").await,
        error(
            "greater_than_equal",
            "Input should be greater than or equal to 9007199254740993"
        )
    );
    // The ends of `i64` and `u64`.
    assert_eq!(
        field(&base, "lowest", "-9223372036854775808").await,
        error(
            "greater_than",
            "Input should be greater than -9223372036854775808"
        )
    );
    assert_eq!(field(&base, "lowest", "-9223372036854775807").await, None);
    assert_eq!(
        field(&base, "whole_range", "-9223372036854775808").await,
        None
    );
    assert_eq!(
        field(&base, "whole_range", "9223372036854775807").await,
        None
    );
    assert_eq!(field(&base, "unsigned", "18446744073709551614").await, None);
    assert_eq!(
        field(&base, "unsigned", "18446744073709551615").await,
        error(
            "less_than",
            "Input should be less than 18446744073709551615"
        )
    );
    // A bound no `uint8` meets.
    assert_eq!(
        field(&base, "impossible", "255").await,
        error(
            "greater_than_equal",
            "Input should be greater than or equal to 256"
        )
    );
}

#[tokio::test]
async fn integer_steps_use_the_remainder() {
    let base = serve().await;
    // 2^53 + 1 and 2 × (2^53 + 1) are multiples of 2^53 + 1; 2^53 + 2 is not.
    assert_eq!(field(&base, "step", "9007199254740993").await, None);
    assert_eq!(field(&base, "step", "18014398509481986").await, None);
    assert_eq!(
        field(&base, "step", "9007199254740994").await,
        error(
            "multiple_of",
            "Input should be a multiple of 9007199254740993"
        )
    );
    // 2^53 + 1 = 3 × 3002399751580331, which the f64 check rejected: as an f64 it
    // is 2^53, not a multiple of 3.
    assert_eq!(field(&base, "thirds", "9007199254740993").await, None);
    assert_eq!(
        field(&base, "thirds", "9007199254740994").await,
        error("multiple_of", "Input should be a multiple of 3")
    );
}

#[tokio::test]
async fn float_bounds_and_steps_on_integers() {
    let base = serve().await;
    // `exclusiveMinimum: -0.5`, `maximum: 10.5`, `multipleOf: 2.5`: 0, 5 and 10.
    for ok in ["0", "5", "10"] {
        assert_eq!(field(&base, "fraction", ok).await, None, "{ok}");
    }
    assert_eq!(
        field(&base, "fraction", "15").await,
        error(
            "less_than_equal",
            "Input should be less than or equal to 10.5"
        )
    );
    assert_eq!(
        field(&base, "fraction", "-5").await,
        error("greater_than", "Input should be greater than -0.5")
    );
    assert_eq!(
        field(&base, "fraction", "2").await,
        error("multiple_of", "Input should be a multiple of 2.5")
    );
    // A `number` keeps the float comparison.
    assert_eq!(field(&base, "ratio", "9007199254740992.0").await, None);
    assert_eq!(
        field(&base, "ratio", "9007199254740996.0").await.unwrap().0,
        "less_than_equal"
    );
}

#[tokio::test]
async fn query_parameters_are_compared_as_integers() {
    let base = serve().await;
    let (status, errors) = post(
        &base,
        "?at_most_2_53=9007199254740992&above_2_53=9007199254740994&small=10",
        "{}",
    )
    .await;
    assert_eq!((status, errors.len()), (204, 0), "{errors:?}");
    let (status, errors) = post(
        &base,
        "?at_most_2_53=9007199254740993&above_2_53=9007199254740993&small=7",
        "{}",
    )
    .await;
    assert_eq!(status, 422);
    let kinds: Vec<(Value, &str)> = errors
        .iter()
        .map(|(loc, kind, _)| (loc.clone(), kind.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (json!(["query", "at_most_2_53"]), "less_than_equal"),
            (json!(["query", "above_2_53"]), "greater_than"),
            (json!(["query", "small"]), "multiple_of"),
        ]
    );
}
