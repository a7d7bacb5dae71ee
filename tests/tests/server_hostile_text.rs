//! The generated server and client of `fixtures/models/hostile-text.yaml` on loopback:
//! names, values and the embedded document full of bidi controls, quotes and
//! comment delimiters work at run time too, not only compile. The router builds with
//! a bidi control in a path parameter's name, the document served is the fixture's,
//! and the wire names and enum values are exact.

use hostile::server::*;
use hostile::{HostileEnum, HostileModel};
use oapi_gen_client_runtime::reqwest;
use oapi_gen_server_runtime::{HandlerError, RequestContext, axum};
use oapi_gen_tests::fixtures::models_hostile_text_server as hostile;
use serde_json::{Value, json};

/// Echoes the path parameter and the query into the model.
struct Echo;

impl Api for Echo {
    async fn get_item(
        &self,
        _: RequestContext,
        r: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        Ok(GetItemResponse::Ok {
            body: HostileModel {
                na_me: r.item_id,
                name: r.q,
                field: None,
                field_2: None,
                field_3: None,
                field_4: None,
                field_5: None,
                field_6: None,
                field_7: None,
                zero_width: None,
                field_8: Some("\"##".to_owned()),
                kind: Some(HostileEnum::Left3),
                tagged: None,
                map: None,
            },
            // Its name has a bidi control, which no HTTP header name can hold: left out.
            x_rate_limit: Some(5),
        })
    }

    async fn post_item(
        &self,
        _: RequestContext,
        r: PostItemRequest,
    ) -> Result<PostItemResponse, HandlerError> {
        Ok(PostItemResponse::Created(match r.body {
            PostItemRequestBody::Json(model) => model.kind.unwrap_or_default(),
            PostItemRequestBody::Text(_) => HostileEnum::Value2,
        }))
    }
}

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Echo);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

#[tokio::test]
async fn the_document_served_is_the_fixture() {
    let base = serve().await;
    let served: Value = reqwest::get(format!("{base}/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let spec = oapi_gen::Spec::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/models/hostile-text.yaml"
    ))
    .unwrap();
    let document: Value = serde_json::from_str(&spec.api.document_json).unwrap();
    assert_eq!(served, document);
    assert_eq!(
        served["info"]["title"],
        "Hostile \u{202e}txet\u{202c} */ #[x] \"q\" \\ \r\n// \0 \u{2028} \u{2069}"
    );
}

#[tokio::test]
async fn names_and_values_are_exact_on_the_wire() {
    let base = serve().await;
    let http = reqwest::Client::new();
    // The path parameter must match `^[a-z\u{202e}]+"#$`.
    let response = http
        .get(format!("{base}/items/a%E2%80%AE%22%23"))
        .query(&[("q\u{202e}\"#[*/", "v")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("x-rate-limit").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"na\u{202e}me": "a\u{202e}\"#", "name": "v", "\"#": "\"##", "kind": "\u{202e}left"})
    );
    // The default of the query parameter, when it is absent.
    let body: Value = http
        .get(format!("{base}/items/b%22%23"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["name"], "def\u{202e}ault\"#\\\r\n\0");
    // The pattern is checked.
    let response = http.get(format!("{base}/items/b")).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["loc"], json!(["path", "item\u{202e}id"]));
    // Enum values that differ only by a bidi control are different values.
    for (sent, answered) in [("left", "left"), ("left\u{202e}", "left\u{202e}")] {
        let response = http
            .post(format!("{base}/items/a%22%23"))
            .json(&json!({"na\u{202e}me": "x", "kind": sent}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.json::<Value>().await.unwrap(), answered);
    }
}

#[tokio::test]
async fn the_client_sends_and_decodes_the_same_names() {
    let base = serve().await;
    let client = hostile::client::Client::new(&base).unwrap();
    let item = client
        .get_item("z\"#")
        .q("\u{2066}q\u{2069}")
        .await
        .unwrap()
        .into_inner();
    assert_eq!(item.na_me, "z\"#");
    assert_eq!(item.name, "\u{2066}q\u{2069}");
    assert_eq!(item.kind, Some(HostileEnum::Left3));
}
