//! Request throughput of the generated router against a hand-written axum router doing
//! the same work, measured in the same run, in process (no sockets): what our decoding,
//! validation and encoding cost over axum's own extractors.
//!
//! Run with `cargo bench -p oapi-gen-tests --bench router`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use items::server::*;
use oapi_gen_server_runtime::axum::body::Body;
use oapi_gen_server_runtime::axum::extract::{Path, State};
use oapi_gen_server_runtime::axum::{self, Json, Router};
use oapi_gen_server_runtime::http::{Request, StatusCode};
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use tower::ServiceExt;

/// Requests per measured round.
const REQUESTS: usize = 20_000;
/// Rounds per router; the best is reported.
const ROUNDS: usize = 5;

#[derive(Default)]
struct Store {
    items: Mutex<BTreeMap<i64, items::Item>>,
}

impl Store {
    fn with_item() -> Self {
        let store = Store::default();
        store.items.lock().unwrap().insert(1, item(1, create()));
        store
    }

    fn insert(&self, body: items::ItemCreate) -> items::Item {
        let mut store = self.items.lock().unwrap();
        let id = store.keys().next_back().map_or(1, |last| last + 1);
        let created = item(id, body);
        store.insert(id, created.clone());
        store.remove(&id);
        created
    }
}

fn create() -> items::ItemCreate {
    serde_json::from_str(BODY).unwrap()
}

const BODY: &str = r#"{"name":"Widget","price":9.99,"quantity":3,"tags":["tools"],"mascot":{"pet_type":"cat","meows":2},"attributes":{"weight_g":120}}"#;

fn item(id: i64, create: items::ItemCreate) -> items::Item {
    items::Item {
        id,
        uuid: "6f1c3c52-3e8e-4d0c-9a55-1d1f6a0e7a11".parse().unwrap(),
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        updated_at: None,
        name: create.name,
        description: create.description,
        price: create.price,
        quantity: create.quantity,
        status: create.status,
        tags: create.tags,
        dimensions: create.dimensions,
        mascot: create.mascot,
        attributes: create.attributes,
    }
}

fn unused<T>() -> Result<T, HandlerError> {
    Err("not benchmarked".into())
}

impl Api for Store {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        unused()
    }
    async fn list_items(
        &self,
        _: RequestContext,
        _: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        unused()
    }
    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        Ok(self.insert(request.body).into())
    }
    async fn get_item(
        &self,
        _: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        Ok(match self.items.lock().unwrap().get(&request.item_id) {
            Some(found) => found.clone().into(),
            None => GetItemResponse::NotFound(items::NotFoundError {
                detail: "missing".into(),
            }),
        })
    }
    async fn update_item(
        &self,
        _: RequestContext,
        _: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        unused()
    }
    async fn delete_item(
        &self,
        _: RequestContext,
        _: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        unused()
    }
    async fn stream_item(
        &self,
        _: RequestContext,
        _: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        unused()
    }
    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        unused()
    }
    async fn feed(&self, _: RequestContext, _: FeedRequest) -> Result<FeedResponse, HandlerError> {
        unused()
    }
    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        unused()
    }
}

/// The same two operations written by hand with axum's extractors (no validation of
/// the schema's constraints: the baseline is the least a hand-written service does).
fn hand_written(store: Arc<Store>) -> Router {
    async fn get_item(
        State(store): State<Arc<Store>>,
        Path(item_id): Path<i64>,
    ) -> Result<Json<items::Item>, (StatusCode, Json<items::NotFoundError>)> {
        match store.items.lock().unwrap().get(&item_id) {
            Some(found) => Ok(Json(found.clone())),
            None => Err((
                StatusCode::NOT_FOUND,
                Json(items::NotFoundError {
                    detail: "missing".into(),
                }),
            )),
        }
    }
    async fn create_item(
        State(store): State<Arc<Store>>,
        Json(body): Json<items::ItemCreate>,
    ) -> (StatusCode, Json<items::Item>) {
        (StatusCode::CREATED, Json(store.insert(body)))
    }
    Router::new()
        .route("/items/{item_id}", axum::routing::get(get_item))
        .route("/items", axum::routing::post(create_item))
        .with_state(store)
}

fn get_request() -> Request<Body> {
    Request::get("/items/1").body(Body::empty()).unwrap()
}

fn post_request() -> Request<Body> {
    Request::post("/items")
        .header("content-type", "application/json")
        .body(Body::from(BODY))
        .unwrap()
}

/// The best time of [`ROUNDS`] rounds of [`REQUESTS`] requests, each answered fully.
async fn measure(
    router: &Router,
    request: fn() -> Request<Body>,
    expected: StatusCode,
) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..REQUESTS {
            let response = router.clone().oneshot(request()).await.unwrap();
            assert_eq!(response.status(), expected);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            black_box(body);
        }
        best = best.min(start.elapsed());
    }
    best
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let generated = router(Store::with_item());
    let baseline = hand_written(Arc::new(Store::with_item()));
    println!("router benchmark: {REQUESTS} requests per round, best of {ROUNDS}, in process");
    println!(
        "{:<28} {:>14} {:>14} {:>8}",
        "operation", "hand-written", "generated", "ratio"
    );
    for (name, request, status) in [
        (
            "GET /items/{item_id}",
            get_request as fn() -> Request<Body>,
            StatusCode::OK,
        ),
        ("POST /items (JSON body)", post_request, StatusCode::CREATED),
    ] {
        let base = measure(&baseline, request, status).await;
        let ours = measure(&generated, request, status).await;
        let per = |d: Duration| d.as_secs_f64() * 1e6 / REQUESTS as f64;
        println!(
            "{name:<28} {:>11.2} us {:>11.2} us {:>7.2}x",
            per(base),
            per(ours),
            base.as_secs_f64() / ours.as_secs_f64()
        );
    }
    println!(
        "ratio = hand-written time / generated time: the generated router's throughput relative to hand-written axum"
    );
}
