//! The in-memory Items store of book/src/server.md ("Implementing the API").

use crate::items as api;

// ANCHOR: store
use std::collections::BTreeMap;
use std::sync::Mutex;

use api::server::*;
use oapi_gen_server_runtime::{HandlerError, RequestContext};

/// The items, in memory.
#[derive(Default)]
pub struct Store {
    items: Mutex<BTreeMap<i64, api::Item>>,
}

impl Api for Store {
    async fn list_items(
        &self,
        _: RequestContext,
        request: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        let limit = usize::try_from(request.limit)?;
        let store = self.items.lock().unwrap();
        let items = store
            .values()
            .filter(|i| request.status.is_none_or(|s| i.status == s))
            .take(limit)
            .cloned()
            .collect();
        Ok(api::ItemPage {
            items,
            next_token: None,
        }
        .into()) // 200
    }

    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        let mut store = self.items.lock().unwrap();
        let id = store.keys().next_back().map_or(1, |last| last + 1);
        let created = item(id, request.body); // an Item from the ItemCreate
        store.insert(id, created.clone());
        Ok(created.into()) // 201
    }

    async fn get_item(
        &self,
        _: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        Ok(match self.items.lock().unwrap().get(&request.item_id) {
            Some(found) => found.clone().into(), // 200
            None => GetItemResponse::NotFound(api::NotFoundError {
                detail: format!("Item {} not found", request.item_id),
            }),
        })
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        request: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        Ok(match self.items.lock().unwrap().remove(&request.item_id) {
            Some(_) => DeleteItemResponse::NoContent, // 204
            None => DeleteItemResponse::NotFound(api::NotFoundError {
                detail: "missing".into(),
            }),
        })
    }
    // ANCHOR_END: store

    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        Ok(api::Health {
            status: api::HealthStatus::Ok,
        }
        .into())
    }

    async fn update_item(
        &self,
        _: RequestContext,
        request: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        let mut store = self.items.lock().unwrap();
        let Some(item) = store.get_mut(&request.item_id) else {
            return Ok(UpdateItemResponse::NotFound(api::NotFoundError {
                detail: "missing".into(),
            }));
        };
        if let Some(name) = request.body.name {
            item.name = name;
        }
        Ok(item.clone().into())
    }

    // ANCHOR: stream_item
    async fn stream_item(
        &self,
        _: RequestContext,
        request: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        let count = request.count;
        let chunks = futures_util::stream::iter(0..count).map(move |index| {
            Ok(api::Chunk {
                index,
                message: format!("This is chunk {index}"),
                done: index == count - 1,
            })
        });
        Ok(StreamItemResponse::Ok(Box::pin(chunks)))
    }
    // ANCHOR_END: stream_item

    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        Ok(ItemProgressResponse::Ok(Box::pin(
            futures_util::stream::empty(),
        )))
    }

    async fn feed(&self, _: RequestContext, _: FeedRequest) -> Result<FeedResponse, HandlerError> {
        Ok(FeedResponse::Ok(Box::pin(futures_util::stream::empty())))
    }

    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        Ok(EventsResponse::Ok(Box::pin(futures_util::stream::empty())))
    }
    // ANCHOR: impl_end
}
// ANCHOR_END: impl_end

// ANCHOR: stream_use
use futures_util::StreamExt;
// ANCHOR_END: stream_use

/// An item made of what a client sent.
fn item(id: i64, create: api::ItemCreate) -> api::Item {
    api::Item {
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
