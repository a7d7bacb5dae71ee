//! The Items API (`fixtures/fastapi-items.json`) served two ways for the router
//! benchmarks: by the generated router over a [`Store`], and by [`hand_written`], the
//! axum router a good engineer would write for the same operations.
//!
//! Both do the same work on every request: extract the path, query, header and JSON
//! body with serde, enforce the document's constraints (lengths, the name pattern,
//! numeric bounds, item counts, the `limit` range), answer violations with FastAPI's
//! `422 {"detail":[{"loc","msg","type"}]}`, call the same [`Store`] method and encode
//! the same JSON. The benchmarked operations are `GET /items/{item_id}`,
//! `GET /items?limit=&tags=&status=` and `POST /items`.
//!
//! Both give every request a correlation id (the `x-correlation-id` header, else a new
//! UUID) and echo it on the response. Where the two differ, the generated router does
//! more: it reports every invalid query parameter (serde stops at the first), hands
//! the handler a request context, reads the `session_id` cookie, checks the size of
//! the correlation id it is given, and accepts a JSON body sent without a
//! `Content-Type` (axum's `Json` answers 415).

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use axum_extra::extract::Query;
use axum_extra::extract::QueryRejection;
use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::http::HeaderName;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use serde::{Deserialize, Serialize};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::fixtures::fastapi_items_server as items;
use items::server::*;
use items::{Item, ItemCreate, ItemMascot, ItemPage, NotFoundError, Status};

/// The JSON body of the benchmarked `POST /items`.
pub const CREATE_BODY: &str = r#"{"name":"Widget","price":9.99,"quantity":3,"tags":["tools"],"mascot":{"pet_type":"cat","meows":2},"attributes":{"weight_g":120}}"#;

/// The query of the benchmarked `GET /items`: ten of the store's items match.
pub const LIST_QUERY: &str = "limit=10&tags=tools&status=draft";

/// The header that carries a request's correlation id, in and out.
static CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

/// How many items [`Store::seeded`] holds.
pub const SEEDED: i64 = 20;

/// The items, in memory, shared by both routers' handlers.
#[derive(Debug, Default)]
pub struct Store {
    items: Mutex<BTreeMap<i64, Item>>,
}

impl Store {
    /// A store with [`SEEDED`] items, ids `1..=SEEDED`, all tagged `tools` and drafts.
    pub fn seeded() -> Self {
        let store = Store::default();
        for id in 1..=SEEDED {
            let create: ItemCreate = serde_json::from_str(CREATE_BODY).expect("valid body");
            store.items().insert(id, item(id, create));
        }
        store
    }

    fn items(&self) -> MutexGuard<'_, BTreeMap<i64, Item>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The item `id`, if any.
    pub fn get(&self, id: i64) -> Option<Item> {
        self.items().get(&id).cloned()
    }

    /// The first `limit` items with every one of `tags` and the given status.
    pub fn list(&self, limit: usize, tags: &[String], status: Option<Status>) -> ItemPage {
        let items = self
            .items()
            .values()
            .filter(|i| {
                tags.iter()
                    .all(|t| i.tags.iter().flatten().any(|it| it == t))
            })
            .filter(|i| status.is_none_or(|s| i.status == s))
            .take(limit)
            .cloned()
            .collect();
        ItemPage {
            items,
            next_token: None,
        }
    }

    /// Creates an item. It is stored and then forgotten, so that the store keeps its
    /// size however many requests a benchmark sends.
    pub fn create(&self, body: ItemCreate) -> Item {
        let mut items = self.items();
        let id = items.keys().next_back().map_or(1, |last| last + 1);
        let created = item(id, body);
        items.insert(id, created.clone());
        items.remove(&id);
        created
    }
}

fn item(id: i64, create: ItemCreate) -> Item {
    Item {
        id,
        uuid: oapi_gen_runtime::Uuid::from_u128(id as u128),
        created_at: epoch(),
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

fn epoch() -> oapi_gen_runtime::DateTime {
    oapi_gen_runtime::DateTime::from(std::time::UNIX_EPOCH)
}

fn not_found(item_id: i64) -> NotFoundError {
    NotFoundError {
        detail: format!("Item {item_id} not found"),
    }
}

fn not_benchmarked<T>() -> Result<T, HandlerError> {
    Err("not part of the benchmark".into())
}

impl Api for Store {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        not_benchmarked()
    }

    async fn list_items(
        &self,
        _: RequestContext,
        request: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        let limit = usize::try_from(request.limit)?;
        let tags = request.tags;
        Ok(self.list(limit, &tags, request.status).into())
    }

    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        Ok(self.create(request.body).into())
    }

    async fn get_item(
        &self,
        _: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        Ok(match self.get(request.item_id) {
            Some(found) => found.into(),
            None => GetItemResponse::NotFound(not_found(request.item_id)),
        })
    }

    async fn update_item(
        &self,
        _: RequestContext,
        _: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        not_benchmarked()
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        _: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        not_benchmarked()
    }

    async fn stream_item(
        &self,
        _: RequestContext,
        _: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        not_benchmarked()
    }

    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        not_benchmarked()
    }

    async fn feed(&self, _: RequestContext, _: FeedRequest) -> Result<FeedResponse, HandlerError> {
        not_benchmarked()
    }

    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        not_benchmarked()
    }
}

/// The benchmarked operations written by hand with axum's extractors (`Path`, `Json`,
/// and axum-extra's `Query` for the repeated `tags`), the constraints checked in
/// plain code, FastAPI's error bodies, JSON 404 and 405, panics answered with a 500
/// and tower-http's request ids as the `x-correlation-id` of every request and
/// response — what the generated router does for the same operations.
pub fn hand_written(store: Arc<Store>) -> Router {
    Router::new()
        .route("/items", axum::routing::get(list_items).post(create_item))
        .route("/items/{item_id}", axum::routing::get(get_item))
        .fallback(|| async { detail(StatusCode::NOT_FOUND, "Not Found") })
        .method_not_allowed_fallback(|| async {
            detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
            },
        ))
        .layer(PropagateRequestIdLayer::new(CORRELATION_ID.clone()))
        .layer(SetRequestIdLayer::new(
            CORRELATION_ID.clone(),
            MakeRequestUuid,
        ))
        .with_state(store)
}

/// `{"detail": message}`.
fn detail(status: StatusCode, message: &'static str) -> Response {
    #[derive(Serialize)]
    struct Detail {
        detail: &'static str,
    }
    (status, Json(Detail { detail: message })).into_response()
}

/// One element of a problem's location.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Loc {
    Key(String),
    Index(usize),
}

/// One validation problem, as FastAPI reports it.
#[derive(Debug, Serialize)]
struct Problem {
    loc: Vec<Loc>,
    msg: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl Problem {
    fn new(loc: &[&str], msg: impl Into<String>, kind: &'static str) -> Self {
        Problem {
            loc: loc.iter().map(|key| Loc::Key((*key).to_owned())).collect(),
            msg: msg.into(),
            kind,
        }
    }
}

/// Why a request is answered without reaching the store.
#[derive(Debug)]
enum ApiError {
    Invalid(Vec<Problem>),
    NotFound(i64),
    UnsupportedMediaType,
    PayloadTooLarge,
    BadRequest,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Problems {
            detail: Vec<Problem>,
        }
        match self {
            ApiError::Invalid(detail) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(Problems { detail })).into_response()
            }
            ApiError::NotFound(item_id) => {
                (StatusCode::NOT_FOUND, Json(not_found(item_id))).into_response()
            }
            ApiError::UnsupportedMediaType => {
                detail(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type")
            }
            ApiError::PayloadTooLarge => detail(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large"),
            ApiError::BadRequest => detail(StatusCode::BAD_REQUEST, "Bad Request"),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::Invalid(vec![Problem::new(
            &["path", "item_id"],
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        )])
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        // `Failed to deserialize query string: limit: invalid digit found in string`
        let text = rejection.body_text();
        let reason = text
            .split_once(": ")
            .map_or(text.as_str(), |(_, rest)| rest);
        let (field, msg) = reason.split_once(": ").unwrap_or(("", reason));
        let (msg, kind) = match field {
            "limit" => (
                "Input should be a valid integer, unable to parse string as an integer",
                "int_parsing",
            ),
            "status" => ("Input should be 'draft', 'active' or 'archived'", "enum"),
            _ => (msg, "value_error"),
        };
        ApiError::Invalid(vec![Problem::new(&["query", field], msg, kind)])
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
            JsonRejection::JsonDataError(error) => ApiError::Invalid(vec![body_problem(&error)]),
            JsonRejection::JsonSyntaxError(error) => ApiError::Invalid(vec![body_problem(&error)]),
            rejection if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            _ => ApiError::BadRequest,
        }
    }
}

/// The body's problem located like FastAPI: axum's `Json` keeps serde's path.
fn body_problem(error: &(dyn std::error::Error + 'static)) -> Problem {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(error) = error.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>() {
            let mut loc = vec![Loc::Key("body".to_owned())];
            for segment in error.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => loc.push(Loc::Index(*index)),
                    serde_path_to_error::Segment::Map { key }
                    | serde_path_to_error::Segment::Enum { variant: key } => {
                        loc.push(Loc::Key(key.clone()))
                    }
                    serde_path_to_error::Segment::Unknown => {}
                }
            }
            let inner = error.inner();
            if inner.is_syntax() || inner.is_eof() {
                return Problem {
                    loc,
                    msg: format!("JSON decode error: {inner}"),
                    kind: "json_invalid",
                };
            }
            let message = inner.to_string();
            let message = message.split(" at line ").next().unwrap_or_default();
            if let Some(field) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                loc.push(Loc::Key(field.to_owned()));
                return Problem {
                    loc,
                    msg: "Field required".to_owned(),
                    kind: "missing",
                };
            }
            let kind = if message.starts_with("invalid type") {
                "type_error"
            } else {
                "value_error"
            };
            return Problem {
                loc,
                msg: message.to_owned(),
                kind,
            };
        }
        cause = error.source();
    }
    Problem::new(&["body"], error.to_string(), "value_error")
}

/// The query of `GET /items`.
#[derive(Debug, Deserialize)]
struct ListParams {
    #[serde(default = "ten")]
    limit: i64,
    #[serde(default)]
    tags: Vec<String>,
    status: Option<Status>,
}

fn ten() -> i64 {
    10
}

async fn get_item(
    State(store): State<Arc<Store>>,
    item_id: Result<Path<i64>, PathRejection>,
) -> Result<Json<Item>, ApiError> {
    let Path(item_id) = item_id?;
    store
        .get(item_id)
        .map(Json)
        .ok_or(ApiError::NotFound(item_id))
}

async fn list_items(
    State(store): State<Arc<Store>>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ItemPage>, ApiError> {
    let Query(params) = params?;
    let mut problems = Vec::new();
    if headers
        .get("x-request-id")
        .is_some_and(|value| value.to_str().is_err())
    {
        problems.push(Problem::new(
            &["header", "x-request-id"],
            "Input should be a valid string, the header value is not valid UTF-8",
            "string_unicode",
        ));
    }
    if params.limit < 1 {
        problems.push(Problem::new(
            &["query", "limit"],
            "Input should be greater than or equal to 1",
            "greater_than_equal",
        ));
    }
    if params.limit > 100 {
        problems.push(Problem::new(
            &["query", "limit"],
            "Input should be less than or equal to 100",
            "less_than_equal",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    let limit = usize::try_from(params.limit).unwrap_or(0);
    Ok(Json(store.list(limit, &params.tags, params.status)))
}

async fn create_item(
    State(store): State<Arc<Store>>,
    body: Result<Json<ItemCreate>, JsonRejection>,
) -> Result<(StatusCode, Json<Item>), ApiError> {
    let Json(body) = body?;
    let problems = check_item_create(&body);
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    Ok((StatusCode::CREATED, Json(store.create(body))))
}

/// The constraints of `ItemCreate` in the document.
fn check_item_create(item: &ItemCreate) -> Vec<Problem> {
    static NAME: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new("^[A-Za-z0-9 _-]+$").expect("valid pattern"));
    let mut problems = Vec::new();
    let name = item.name.chars().count();
    if name < 1 {
        problems.push(Problem::new(
            &["body", "name"],
            "String should have at least 1 character",
            "string_too_short",
        ));
    }
    if name > 100 {
        problems.push(Problem::new(
            &["body", "name"],
            "String should have at most 100 characters",
            "string_too_long",
        ));
    }
    if !NAME.is_match(&item.name) {
        problems.push(Problem::new(
            &["body", "name"],
            "String should match pattern '^[A-Za-z0-9 _-]+$'",
            "string_pattern_mismatch",
        ));
    }
    if item.price <= 0.0 {
        problems.push(Problem::new(
            &["body", "price"],
            "Input should be greater than 0",
            "greater_than",
        ));
    }
    if item.price > 1_000_000.0 {
        problems.push(Problem::new(
            &["body", "price"],
            "Input should be less than or equal to 1000000",
            "less_than_equal",
        ));
    }
    if item.quantity < 0 {
        problems.push(Problem::new(
            &["body", "quantity"],
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ));
    }
    if item.quantity > 100 {
        problems.push(Problem::new(
            &["body", "quantity"],
            "Input should be less than or equal to 100",
            "less_than_equal",
        ));
    }
    if let Some(tags) = item.tags.as_ref().filter(|tags| tags.len() > 10) {
        problems.push(Problem::new(
            &["body", "tags"],
            format!(
                "List should have at most 10 items after validation, not {}",
                tags.len()
            ),
            "too_long",
        ));
    }
    if let Some(dimensions) = &item.dimensions {
        for (name, value) in [("width", dimensions.width), ("height", dimensions.height)] {
            if value <= 0.0 {
                problems.push(Problem::new(
                    &["body", "dimensions", name],
                    "Input should be greater than 0",
                    "greater_than",
                ));
            }
        }
    }
    if matches!(&item.mascot, ItemMascot::Cat(cat) if cat.meows < 0) {
        problems.push(Problem::new(
            &["body", "mascot", "meows"],
            "Input should be greater than or equal to 0",
            "greater_than_equal",
        ));
    }
    problems
}
