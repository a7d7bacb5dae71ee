//! The docs routes of generated servers, on loopback over real HTTP: the document at
//! `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`, loading only files the
//! server itself serves; `api_router()` without them; the JSON 404 and 405 answers
//! around them; and a document that declares docs paths keeps its own operations.

use oapi_gen_server_runtime::{HandlerError, RequestContext, axum};
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use oapi_gen_tests::fixtures::server_docs_paths_server as own;
use serde_json::{Value, json};

/// The Items API with no behaviour: these tests only call the docs routes.
struct Unused;

fn unused<T>() -> Result<T, HandlerError> {
    Err("not called by these tests".into())
}

impl items::server::Api for Unused {
    async fn health(
        &self,
        _: RequestContext,
        _: items::server::HealthRequest,
    ) -> Result<items::server::HealthResponse, HandlerError> {
        unused()
    }

    async fn list_items(
        &self,
        _: RequestContext,
        _: items::server::ListItemsRequest,
    ) -> Result<items::server::ListItemsResponse, HandlerError> {
        unused()
    }

    async fn create_item(
        &self,
        _: RequestContext,
        _: items::server::CreateItemRequest,
    ) -> Result<items::server::CreateItemResponse, HandlerError> {
        unused()
    }

    async fn get_item(
        &self,
        _: RequestContext,
        _: items::server::GetItemRequest,
    ) -> Result<items::server::GetItemResponse, HandlerError> {
        unused()
    }

    async fn update_item(
        &self,
        _: RequestContext,
        _: items::server::UpdateItemRequest,
    ) -> Result<items::server::UpdateItemResponse, HandlerError> {
        unused()
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        _: items::server::DeleteItemRequest,
    ) -> Result<items::server::DeleteItemResponse, HandlerError> {
        unused()
    }

    async fn stream_item(
        &self,
        _: RequestContext,
        _: items::server::StreamItemRequest,
    ) -> Result<items::server::StreamItemResponse, HandlerError> {
        unused()
    }

    async fn item_progress(
        &self,
        _: RequestContext,
        _: items::server::ItemProgressRequest,
    ) -> Result<items::server::ItemProgressResponse, HandlerError> {
        unused()
    }

    async fn feed(
        &self,
        _: RequestContext,
        _: items::server::FeedRequest,
    ) -> Result<items::server::FeedResponse, HandlerError> {
        unused()
    }

    async fn events(
        &self,
        _: RequestContext,
        _: items::server::EventsRequest,
    ) -> Result<items::server::EventsResponse, HandlerError> {
        unused()
    }
}

/// The API of `fixtures/server/docs-paths.yaml`, answering its own `/docs` and
/// `/openapi.json`.
struct Own;

impl own::server::Api for Own {
    async fn get_docs(
        &self,
        _: RequestContext,
        _: own::server::GetDocsRequest,
    ) -> Result<own::server::GetDocsResponse, HandlerError> {
        Ok(own::server::GetDocsResponse::Ok("our own docs".to_owned()))
    }

    async fn router_2(
        &self,
        _: RequestContext,
        _: own::server::RouterRequest,
    ) -> Result<own::server::RouterResponse, HandlerError> {
        Ok(own::RouterOk { own: true }.into())
    }
}

/// Serves `app` on a loopback port; returns its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// Status, `content-type`, `cache-control` and body text of `GET url`.
async fn get(url: &str) -> (u16, String, String, String) {
    let response = reqwest::get(url).await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, cache_control) = (header("content-type"), header("cache-control"));
    let status = response.status().as_u16();
    (
        status,
        content_type,
        cache_control,
        response.text().await.unwrap(),
    )
}

/// The values of every `src="…"` and `href="…"` attribute of `html`.
fn urls(html: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    for attribute in [" src=\"", " href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            urls.push(&rest[..rest.find('"').unwrap()]);
        }
    }
    urls
}

#[tokio::test]
async fn openapi_json_is_the_fixture_document() {
    let base = serve(items::server::router(Unused)).await;
    let (status, content_type, cache_control, body) = get(&format!("{base}/openapi.json")).await;
    assert_eq!(
        (status, content_type.as_str(), cache_control.as_str()),
        (200, "application/json", "no-cache")
    );
    let fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/fastapi-items.json")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), fixture);
    assert_eq!(body, items::server::OPENAPI_JSON);
}

#[tokio::test]
async fn pages_load_only_files_the_server_serves() {
    let base = serve(items::server::router(Unused)).await;
    for (page, title, viewer) in [
        ("/docs", "ItemsApi - Swagger UI", "swagger-ui"),
        ("/redoc", "ItemsApi - ReDoc", "redoc"),
    ] {
        let (status, content_type, cache_control, html) = get(&format!("{base}{page}")).await;
        assert_eq!(
            (status, content_type.as_str(), cache_control.as_str()),
            (200, "text/html; charset=utf-8", "no-cache"),
            "{page}"
        );
        assert!(html.contains(&format!("<title>{title}</title>")), "{html}");
        assert!(
            html.contains(&format!(
                "<div id=\"{viewer}\" data-openapi-url=\"openapi.json\"></div>"
            )),
            "{html}"
        );
        assert!(
            !html.contains("http:") && !html.contains("https:") && !html.contains("//"),
            "{page} names another origin:\n{html}"
        );
        let urls = urls(&html);
        assert!(urls.len() >= 3, "{page}: {urls:?}");
        for url in urls.into_iter().filter(|url| *url != "data:,") {
            // Relative to a page at the root.
            let (status, content_type, cache_control, body) = get(&format!("{base}/{url}")).await;
            assert_eq!(status, 200, "{url}");
            assert!(!body.is_empty(), "{url}");
            let expected = match url.rsplit_once('.').map(|(_, ext)| ext) {
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                _ => panic!("{page} loads an unexpected file {url}"),
            };
            assert_eq!(content_type, expected, "{url}");
            // Swagger UI's and ReDoc's own files carry their version in their URL.
            let versioned = url.contains("/swagger-ui-") || url.contains("/redoc-");
            let versioned = versioned && !url.ends_with("-init.js");
            let cache = if versioned {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            assert_eq!(cache_control, cache, "{url}");
        }
    }
}

#[tokio::test]
async fn fallbacks_stay_json_around_the_docs_routes() {
    let base = serve(items::server::router(Unused)).await;
    let http = reqwest::Client::new();
    for (request, status, detail) in [
        (http.post(format!("{base}/docs")), 405, "Method Not Allowed"),
        (
            http.delete(format!("{base}/openapi.json")),
            405,
            "Method Not Allowed",
        ),
        (http.get(format!("{base}/docs/")), 404, "Not Found"),
        (
            http.get(format!("{base}/docs/assets/nothing.js")),
            404,
            "Not Found",
        ),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, json!({ "detail": detail }));
    }
}

#[tokio::test]
async fn api_router_has_no_docs_routes() {
    let base = serve(items::server::api_router(Unused)).await;
    for path in ["/openapi.json", "/docs", "/redoc"] {
        let (status, _, _, body) = get(&format!("{base}{path}")).await;
        assert_eq!((status, body.as_str()), (404, r#"{"detail":"Not Found"}"#));
    }
}

#[tokio::test]
async fn declared_docs_paths_stay_the_apis_own() {
    let base = serve(own::server::router(Own)).await;
    let (status, _, _, body) = get(&format!("{base}/docs")).await;
    assert_eq!((status, body.as_str()), (200, "our own docs"));
    let (status, _, _, body) = get(&format!("{base}/openapi.json")).await;
    assert_eq!((status, body.as_str()), (200, r#"{"own":true}"#));

    // ReDoc is still served, with its title escaped, and loads the API's document.
    let (status, _, _, html) = get(&format!("{base}/redoc")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<title>Docs &lt;paths&gt; &amp; &quot;co&quot; - ReDoc</title>"),
        "{html}"
    );
    for url in urls(&html).into_iter().filter(|url| *url != "data:,") {
        assert_eq!(get(&format!("{base}/{url}")).await.0, 200, "{url}");
    }
}
