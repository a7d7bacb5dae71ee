//! The implementation of {{title}}: one method per operation of `openapi.yaml`.
//!
//! This is the file to edit. The types (`Item`, `GetItemRequest`, `GetItemResponse`…)
//! are generated from the document by `build.rs`; change the document, run
//! `cargo build`, and the compiler points at what to change here.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use oapi_gen_server_runtime::observability::Unit;
use oapi_gen_server_runtime::response::ChunkStream;
use oapi_gen_server_runtime::{HandlerError, RequestContext};

use crate::api::server::*;
use crate::api::{ErrorMessage, Health, Item, ItemEvent};

/// The service: its state, shared by all requests. Items live in memory here; keep a
/// database client or an AWS SDK client in this struct instead.
#[derive(Debug, Default)]
pub struct Service {
    items: Mutex<BTreeMap<i64, Item>>,
}

impl Service {
    fn items(&self) -> MutexGuard<'_, BTreeMap<i64, Item>> {
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn not_found(item_id: i64) -> ErrorMessage {
    ErrorMessage {
        detail: format!("Item {item_id} not found"),
    }
}

impl Api for Service {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        Ok(Health {
            status: "ok".to_owned(),
        }
        .into())
    }

    async fn list_items(
        &self,
        _: RequestContext,
        request: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        // `limit` is already checked against the document (1 to 100, default 20).
        let limit = usize::try_from(request.limit)?;
        let items: Vec<Item> = self.items().values().take(limit).cloned().collect();
        Ok(items.into())
    }

    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        // The body is valid: a request breaking `ItemCreate`'s constraints got a 422.
        let create = request.body;
        let mut items = self.items();
        let id = items.keys().next_back().map_or(1, |last| last + 1);
        let item = Item {
            id,
            name: create.name,
            price: create.price,
            tags: create.tags.unwrap_or_default(),
        };
        items.insert(id, item.clone());
        tracing::info!(item_id = id, "Created item");
        Ok(item.into())
    }

    async fn get_item(
        &self,
        context: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        // A JSON log line with an `item_id` key and the request's correlation id.
        tracing::info!(item_id = request.item_id, "Fetching item");
        // An X-Ray subsegment when tracing, a span around the lookup in the logs.
        let found = tracing::info_span!("fetch-item-details")
            .in_scope(|| self.items().get(&request.item_id).cloned());
        Ok(match found {
            Some(item) => {
                // A custom CloudWatch metric (Embedded Metric Format on stdout).
                context.metrics().add("ItemViewed", Unit::Count, 1.0);
                item.into()
            }
            None => GetItemResponse::NotFound(not_found(request.item_id)),
        })
    }

    async fn stream_item_events(
        &self,
        _: RequestContext,
        request: StreamItemEventsRequest,
    ) -> Result<StreamItemEventsResponse, HandlerError> {
        let Some(item) = self.items().get(&request.item_id).cloned() else {
            return Ok(StreamItemEventsResponse::NotFound(not_found(
                request.item_id,
            )));
        };
        // Each event is written as one JSON line as soon as the stream yields it; an
        // `Err` in the stream ends the response.
        let count = request.count;
        let events: ChunkStream<ItemEvent> =
            Box::pin(futures_util::stream::iter((0..count).map(move |index| {
                Ok(ItemEvent {
                    index,
                    message: format!("Event {index} of item {} ({})", item.id, item.name),
                    done: index == count - 1,
                })
            })));
        Ok(StreamItemEventsResponse::Ok(events))
    }
}
