//! Path parameters in the `simple`, `label` and `matrix` styles
//! (`fixtures/server/path-styles.yaml`): the generated server reads each style from
//! the wire forms OpenAPI defines, sent raw and sent by the generated client, and
//! refuses a value of the wrong type with a located 422.

use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::server_path_styles_server as styles;
use serde_json::{Value, json};
use styles::Point;
use styles::client::Client;
use styles::server::*;

/// Answers with the parameters it decoded.
struct Echo;

fn echo(value: Value) -> oapi_gen_runtime::JsonObject {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("echoes are objects"),
    }
}

impl Api for Echo {
    async fn simple(
        &self,
        _: RequestContext,
        r: SimpleRequest,
    ) -> Result<SimpleResponse, HandlerError> {
        Ok(SimpleResponse::Ok(echo(
            json!({"ids": r.ids, "point": [r.point.x, r.point.y], "filter": r.filter}),
        )))
    }

    async fn label(
        &self,
        _: RequestContext,
        r: LabelRequest,
    ) -> Result<LabelResponse, HandlerError> {
        Ok(LabelResponse::Ok(echo(
            json!({"id": r.id, "tags": r.tags, "point": [r.point.x, r.point.y]}),
        )))
    }

    async fn matrix(
        &self,
        _: RequestContext,
        r: MatrixRequest,
    ) -> Result<MatrixResponse, HandlerError> {
        Ok(MatrixResponse::Ok(echo(
            json!({"id": r.id, "tags": r.tags, "point": [r.point.x, r.point.y]}),
        )))
    }
}

async fn serve() -> String {
    serve_app(router(Echo)).await
}

async fn serve_app(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

async fn get(base: &str, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn each_style_is_read_from_its_wire_form() {
    let base = serve().await;
    let cases = [
        (
            "/simple/1,2,3/x=1,y=2",
            json!({"ids": [1, 2, 3], "point": [1, 2], "filter": null}),
        ),
        (
            "/simple/1/x=1,y=2?filter=a%2Cb,c+d,e%2Bf",
            json!({"ids": [1], "point": [1, 2], "filter": ["a,b", "c d", "e+f"]}),
        ),
        (
            "/label/.5/.a.b/.x,1,y,2",
            json!({"id": 5, "tags": ["a", "b"], "point": [1, 2]}),
        ),
        (
            "/label/.5/.a/.x,1,y,2",
            json!({"id": 5, "tags": ["a"], "point": [1, 2]}),
        ),
        (
            "/matrix/;id=5/;tags=a;tags=b/;x=1;y=2",
            json!({"id": 5, "tags": ["a", "b"], "point": [1, 2]}),
        ),
        (
            "/matrix/;id=7/;tags=a%20b/;x=-1;y=0",
            json!({"id": 7, "tags": ["a b"], "point": [-1, 0]}),
        ),
        // Delimiters sent encoded stay inside their item: segments are split before
        // they are decoded.
        (
            "/label/.5/.a%2Eb.c%2Cd/.x,1,y,2",
            json!({"id": 5, "tags": ["a.b", "c,d"], "point": [1, 2]}),
        ),
        (
            "/matrix/;id=5/;tags=a%3Bb;tags=c%2Cd%25/;x=1;y=2",
            json!({"id": 5, "tags": ["a;b", "c,d%"], "point": [1, 2]}),
        ),
    ];
    for (path, expected) in cases {
        let (status, body) = get(&base, path).await;
        assert_eq!((status, body), (200, expected), "{path}");
    }
}

#[tokio::test]
async fn ill_typed_styled_values_are_located_422s() {
    let base = serve().await;
    let (status, body) = get(&base, "/label/.five/.a/.x,1,y,2").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"], json!(["path", "id"]));
    let (status, body) = get(&base, "/matrix/;id=5/;tags=a/;x=1;y=high").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"][0], "path");
    assert_eq!(body["detail"][0]["loc"][1], "point");
}

#[tokio::test]
async fn the_generated_client_and_server_agree_on_every_style() {
    let client = Client::new(&serve().await).unwrap();
    let point = Point { x: 3, y: -4 };
    let simple = client.simple(vec![7, 8], point.clone()).await.unwrap();
    assert_eq!(
        Value::Object((*simple).clone()),
        json!({"ids": [7, 8], "point": [3, -4], "filter": null})
    );
    let filter = vec!["a,b".to_owned(), "c d".to_owned(), "e+f%".to_owned()];
    let simple = client
        .simple(vec![1], point.clone())
        .filter(filter.clone())
        .await
        .unwrap();
    assert_eq!(
        Value::Object((*simple).clone()),
        json!({"ids": [1], "point": [3, -4], "filter": filter})
    );
    // Items holding any style's delimiter (`,`, `.`, `;`, `=`) or `%` arrive whole.
    let tags: Vec<String> = ["a b", "c-d", "é,f", "g.h", "i;j", "k=l", "m%2Cn"]
        .map(String::from)
        .to_vec();
    let label = client.label(9, tags.clone(), point.clone()).await.unwrap();
    assert_eq!(
        Value::Object((*label).clone()),
        json!({"id": 9, "tags": tags, "point": [3, -4]})
    );
    let matrix = client.matrix(10, tags.clone(), point).await.unwrap();
    assert_eq!(
        Value::Object((*matrix).clone()),
        json!({"id": 10, "tags": tags, "point": [3, -4]})
    );
}

#[tokio::test]
async fn a_router_nested_under_a_prefix_reads_encoded_items_too() {
    let base = serve_app(axum::Router::new().nest("/v1", router(Echo))).await;
    let client = Client::new(&format!("{base}/v1")).unwrap();
    let tags = vec!["a.b".to_owned(), "c,d".to_owned()];
    let label = client
        .label(1, tags.clone(), Point { x: 0, y: 0 })
        .await
        .unwrap();
    assert_eq!(
        Value::Object((*label).clone()),
        json!({"id": 1, "tags": tags, "point": [0, 0]})
    );
}
