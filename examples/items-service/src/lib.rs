//! The Items API (`openapi.json`, exported by FastAPI) served by its generated axum
//! server, with an in-memory store; `src/bin/items-client.rs` calls it through the
//! generated client.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use oapi_gen_server_runtime::error::LocItem;
use oapi_gen_server_runtime::observability::Unit;
use oapi_gen_server_runtime::validate::Validate;
use oapi_gen_server_runtime::{HandlerError, RequestContext, ValidationErrors};

/// The generated models, server and client.
#[allow(missing_docs)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/openapi.rs"));
}

use api::server::*;
use api::{Chunk, Health, HealthStatus, Item, ItemCreate, ItemPage, NotFoundError};

/// The items, in memory.
#[derive(Debug, Default)]
pub struct Store {
    items: Mutex<BTreeMap<i64, Item>>,
    chunk_delay: Duration,
}

impl Store {
    /// An empty store whose streams pause this long before each chunk but the first,
    /// so that chunks can be watched arriving one by one.
    pub fn with_chunk_delay(chunk_delay: Duration) -> Self {
        Store {
            chunk_delay,
            ..Store::default()
        }
    }

    /// `count` chunks, the last one marked done.
    // ANCHOR: chunks
    fn chunks(&self, count: i64) -> oapi_gen_server_runtime::response::ChunkStream<Chunk> {
        let delay = self.chunk_delay;
        Box::pin(
            futures_util::stream::iter(0..count.max(0)).then(move |index| async move {
                if index > 0 && !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                Ok(Chunk {
                    index,
                    message: format!("This is chunk {index}"),
                    done: index == count - 1,
                })
            }),
        )
    }
    // ANCHOR_END: chunks

    fn items(&self) -> std::sync::MutexGuard<'_, BTreeMap<i64, Item>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn not_found(item_id: i64) -> NotFoundError {
    NotFoundError {
        detail: format!("Item {item_id} not found"),
    }
}

/// The API's own 422 body for violations found by the handler.
fn validation_error(errors: &ValidationErrors) -> api::HttpValidationError {
    let detail = errors
        .errors()
        .iter()
        .map(|error| api::ValidationError {
            loc: error
                .loc
                .iter()
                .map(|item| match item {
                    LocItem::Key(key) => api::ValidationErrorLocItem::String(key.to_string()),
                    LocItem::Index(index) => api::ValidationErrorLocItem::Integer(
                        i64::try_from(*index).unwrap_or(i64::MAX),
                    ),
                })
                .collect(),
            msg: error.msg.clone(),
            type_: error.kind.clone(),
            input: None,
            ctx: None,
        })
        .collect();
    api::HttpValidationError {
        detail: Some(detail),
    }
}

fn new_item(id: i64, create: ItemCreate) -> Item {
    Item {
        id,
        uuid: oapi_gen_runtime::Uuid::new_v4(),
        created_at: oapi_gen_runtime::DateTime::from(std::time::SystemTime::now()),
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

impl Api for Store {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        Ok(Health {
            status: HealthStatus::Ok,
        }
        .into())
    }

    async fn list_items(
        &self,
        _: RequestContext,
        request: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        let limit = usize::try_from(request.limit)?;
        let tags = request.tags;
        let items = self
            .items()
            .values()
            .filter(|item| {
                tags.iter()
                    .all(|tag| item.tags.iter().flatten().any(|t| t == tag))
            })
            .filter(|item| request.status.is_none_or(|status| item.status == status))
            .take(limit)
            .cloned()
            .collect();
        Ok(ItemPage {
            items,
            next_token: None,
        }
        .into())
    }

    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        let mut items = self.items();
        let id = items.keys().next_back().map_or(1, |last| last + 1);
        let item = new_item(id, request.body);
        items.insert(id, item.clone());
        Ok(item.into())
    }

    // ANCHOR: get_item
    async fn get_item(
        &self,
        context: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        // A log line with an `item_id` key (and the request's correlation id).
        tracing::info!(item_id = request.item_id, "Fetching item");
        // An X-Ray subsegment when tracing, a span around the lookup in the logs.
        let found = tracing::info_span!("fetch-item-details")
            .in_scope(|| self.items().get(&request.item_id).cloned());
        Ok(match found {
            Some(item) => {
                // A custom CloudWatch metric, written with the request's own.
                context.metrics().add("ItemViewed", Unit::Count, 1.0);
                item.into()
            }
            None => GetItemResponse::NotFound(not_found(request.item_id)),
        })
    }
    // ANCHOR_END: get_item

    async fn update_item(
        &self,
        _: RequestContext,
        request: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        let mut items = self.items();
        let Some(item) = items.get_mut(&request.item_id) else {
            return Ok(UpdateItemResponse::NotFound(not_found(request.item_id)));
        };
        let update = request.body;
        let mut updated = item.clone();
        if let Some(name) = update.name {
            updated.name = name;
        }
        if update.description.is_some() {
            updated.description = update.description;
        }
        if let Some(price) = update.price {
            updated.price = price;
        }
        if let Some(quantity) = update.quantity {
            updated.quantity = quantity;
        }
        if let Some(status) = update.status {
            updated.status = status;
        }
        if update.tags.is_some() {
            updated.tags = update.tags;
        }
        // An update may carry values an item may not hold (`ItemUpdate` constrains less
        // than `Item`): check the result against `Item`'s schema, and refuse it the way
        // the API declares.
        let mut errors = ValidationErrors::new();
        updated.validate(&mut vec!["body".into()], &mut errors);
        if !errors.is_empty() {
            return Ok(UpdateItemResponse::UnprocessableEntity(validation_error(
                &errors,
            )));
        }
        *item = updated;
        item.updated_at = Some(oapi_gen_runtime::DateTime::from(
            std::time::SystemTime::now(),
        ));
        Ok(item.clone().into())
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        request: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        Ok(match self.items().remove(&request.item_id) {
            Some(_) => DeleteItemResponse::NoContent,
            None => DeleteItemResponse::NotFound(not_found(request.item_id)),
        })
    }

    async fn stream_item(
        &self,
        _: RequestContext,
        request: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        Ok(StreamItemResponse::Ok(self.chunks(request.count)))
    }

    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        Ok(ItemProgressResponse::Ok(self.chunks(5)))
    }

    // ANCHOR: feed
    async fn feed(
        &self,
        _: RequestContext,
        request: FeedRequest,
    ) -> Result<FeedResponse, HandlerError> {
        Ok(FeedResponse::Ok(self.chunks(request.count.min(1000))))
    }
    // ANCHOR_END: feed

    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        Ok(EventsResponse::Ok(self.chunks(3)))
    }
}
