//! Interop with a live FastAPI service: `fixtures/fastapi/app.py` (written like the
//! reference generator's services, pinned FastAPI) served by uvicorn on loopback, and
//! called route by route through the client generated from the document it exports
//! (`fixtures/fastapi-items.json`): typed results, FastAPI's own 422s, the error
//! middleware's 500, JSON Lines, the older delimiter-less `x-streaming` form, and SSE.
//!
//! The Python interpreter with the pinned requirements is `OAPI_GEN_PYTHON`
//! (`scripts/test` sets it). Without it the test fails under CI and is skipped, with a
//! notice, elsewhere.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use items::client::{Client, CreateItemError, GetItemError, ListItemsError};
use oapi_gen_client_runtime::Error;
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use serde_json::json;

/// A uvicorn process serving the FastAPI app, killed on drop.
struct Uvicorn {
    child: Child,
    base_url: String,
}

impl Drop for Uvicorn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts uvicorn on a free loopback port and waits until it is listening.
fn uvicorn() -> Option<Uvicorn> {
    let Some(python) = std::env::var_os("OAPI_GEN_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "OAPI_GEN_PYTHON must name a Python with fixtures/fastapi/requirements.txt"
        );
        eprintln!(
            "skipped: set OAPI_GEN_PYTHON (scripts/test does) to run the FastAPI interop test"
        );
        return None;
    };
    let app_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/fastapi");
    let mut child = Command::new(python)
        .args([
            "-m",
            "uvicorn",
            "app:app",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ])
        .arg("--app-dir")
        .arg(app_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start uvicorn");
    let stderr = child.stderr.take().expect("piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("Uvicorn running on ").nth(1) {
                let url = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send(url);
            }
        }
    });
    let started = Instant::now();
    let base_url = receiver
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("uvicorn did not start in {:?}", started.elapsed()));
    Some(Uvicorn { child, base_url })
}

fn widget(name: &str) -> items::ItemCreate {
    serde_json::from_value(json!({
        "name": name,
        "price": 9.99,
        "tags": ["tools"],
        "mascot": {"pet_type": "dog", "barks": 1.5}
    }))
    .unwrap()
}

#[tokio::test]
async fn the_generated_client_calls_every_route_of_a_live_fastapi_service() {
    let Some(server) = uvicorn() else { return };
    let client = Client::new(&server.base_url).unwrap();

    // GET /health
    let health = client.health().await.unwrap();
    assert_eq!(health.status, items::HealthStatus::Ok);

    // POST /items: 201 with the typed item; pydantic fills the defaults.
    let created = client.create_item(widget("Widget")).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.quantity, 0);
    assert_eq!(created.status, items::Status::Draft);
    assert!(matches!(created.mascot, items::ItemMascot::Dog(_)));
    let id = created.id;

    // POST /items with a body pydantic rejects: FastAPI's own 422, typed.
    let error = client.create_item(widget("no/slash")).await.unwrap_err();
    let Error::Api(response) = error else {
        panic!("expected FastAPI's 422, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 422);
    let CreateItemError::UnprocessableEntity(validation) = response.into_inner() else {
        panic!("expected the validation variant");
    };
    let detail = &validation.detail.unwrap()[0];
    assert_eq!(detail.type_, "string_pattern_mismatch");
    assert_eq!(
        serde_json::to_value(&detail.loc).unwrap(),
        json!(["body", "name"])
    );

    // GET /items/{item_id} with a cookie; and a 404 typed as NotFoundError.
    let fetched = client.get_item(id).session_id("s-1").await.unwrap();
    assert_eq!(fetched.name, "Widget");
    assert_eq!(fetched.description.as_deref(), Some("s-1"), "cookie sent");
    let error = client.get_item(999).await.unwrap_err();
    assert!(
        matches!(
            error.into_api().map(|r| r.into_inner()),
            Some(GetItemError::NotFound(items::NotFoundError { ref detail })) if detail == "Item 999 not found"
        ),
        "typed 404"
    );

    // GET /items with query array, enum, integer and a header.
    client.create_item(widget("Other")).await.unwrap();
    let page = client
        .list_items()
        .limit(1)
        .tags(vec!["tools".to_owned()])
        .status(items::Status::Draft)
        .x_request_id("req-1")
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_token.as_deref(), Some("req-1"));
    let error = client.list_items().limit(0).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));

    // A handler that raises: the error middleware's 500, declared and typed.
    let error = client.list_items().next_token("explode").await.unwrap_err();
    match error
        .into_api()
        .map(|r| (r.status().as_u16(), r.into_inner()))
    {
        Some((500, ListItemsError::InternalServerError(body))) => {
            assert_eq!(body.detail, "Internal Server Error");
        }
        other => panic!("expected the declared 500, got {other:?}"),
    }

    // PUT and DELETE.
    let update: items::ItemUpdate = serde_json::from_value(json!({"quantity": 7})).unwrap();
    assert_eq!(client.update_item(id, update).await.unwrap().quantity, 7);
    assert_eq!(client.delete_item(id).await.unwrap().status().as_u16(), 204);
    assert!(client.delete_item(id).await.is_err());

    // POST /items/{item_id}/stream: JSON Lines (`application/jsonl`, `itemSchema`).
    let chunks: Vec<items::Chunk> = client
        .stream_item(id)
        .count(50)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(chunks.len(), 50);
    assert!(chunks.iter().enumerate().all(|(i, c)| c.index == i as i64));
    assert!(chunks[49].done);

    // GET /items/{item_id}/progress: `x-streaming`, values with no delimiter.
    let progress: Vec<items::Chunk> = client
        .item_progress(id)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(progress.len(), 5);
    assert_eq!(progress[4].message, "This is chunk 4");

    // GET /feed: FastAPI's JSON Lines from an async generator.
    let feed: Vec<_> = client.feed().count(4).await.unwrap().collect().await;
    assert_eq!(feed.len(), 4);
    assert!(feed.iter().all(Result::is_ok));

    // GET /events: server-sent events.
    let events: Vec<items::Chunk> = client
        .events()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(events.len(), 3);
    assert!(events[2].done);
}
