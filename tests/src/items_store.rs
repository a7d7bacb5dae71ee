//! An in-memory implementation of the Items API (`fixtures/fastapi-items.json`) for
//! the loopback tests of its generated server and client.
//!
//! Some inputs trigger failures on purpose: `next_token=explode` makes `list_items`
//! return an error, `count=13` makes `feed` panic, and item 666's stream fails at
//! its third chunk, 50 ms after sending the first two.

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures_util::StreamExt;
use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::{HandlerError, RequestContext};

use crate::fixtures::fastapi_items_server as items;
use items::server::*;

/// An in-memory implementation of the Items API.
#[derive(Default)]
pub struct Store {
    items: Mutex<BTreeMap<i64, items::Item>>,
}

/// A stored item made from `create`, with fixed uuid and creation time.
pub fn item(id: i64, create: items::ItemCreate) -> items::Item {
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

impl Api for Store {
    async fn health(
        &self,
        _: RequestContext,
        _: HealthRequest,
    ) -> Result<HealthResponse, HandlerError> {
        Ok(items::Health {
            status: items::HealthStatus::Ok,
        }
        .into())
    }

    async fn list_items(
        &self,
        _: RequestContext,
        request: ListItemsRequest,
    ) -> Result<ListItemsResponse, HandlerError> {
        if request.next_token.as_deref() == Some("explode") {
            return Err("the page token store is down".into());
        }
        let store = self.items.lock().unwrap();
        let limit = usize::try_from(request.limit)?;
        let tags = request.tags;
        let items = store
            .values()
            .filter(|i| {
                tags.iter()
                    .all(|t| i.tags.iter().flatten().any(|it| it == t))
            })
            .filter(|i| request.status.is_none_or(|s| i.status == s))
            .take(limit)
            .cloned()
            .collect();
        Ok(items::ItemPage {
            items,
            next_token: request.x_request_id,
        }
        .into())
    }

    async fn create_item(
        &self,
        _: RequestContext,
        request: CreateItemRequest,
    ) -> Result<CreateItemResponse, HandlerError> {
        let mut store = self.items.lock().unwrap();
        let id = store.keys().next_back().map_or(1, |last| last + 1);
        let created = item(id, request.body);
        store.insert(id, created.clone());
        Ok(created.into())
    }

    async fn get_item(
        &self,
        _: RequestContext,
        request: GetItemRequest,
    ) -> Result<GetItemResponse, HandlerError> {
        Ok(match self.items.lock().unwrap().get(&request.item_id) {
            Some(found) => found.clone().into(),
            None => GetItemResponse::NotFound(items::NotFoundError {
                detail: format!("Item {} not found", request.item_id),
            }),
        })
    }

    async fn update_item(
        &self,
        _: RequestContext,
        request: UpdateItemRequest,
    ) -> Result<UpdateItemResponse, HandlerError> {
        let mut store = self.items.lock().unwrap();
        let Some(found) = store.get_mut(&request.item_id) else {
            return Ok(UpdateItemResponse::NotFound(items::NotFoundError {
                detail: "missing".into(),
            }));
        };
        if let Some(name) = request.body.name {
            found.name = name;
        }
        Ok(found.clone().into())
    }

    async fn delete_item(
        &self,
        _: RequestContext,
        request: DeleteItemRequest,
    ) -> Result<DeleteItemResponse, HandlerError> {
        Ok(match self.items.lock().unwrap().remove(&request.item_id) {
            Some(_) => DeleteItemResponse::NoContent,
            None => DeleteItemResponse::NotFound(items::NotFoundError {
                detail: "missing".into(),
            }),
        })
    }

    async fn stream_item(
        &self,
        _: RequestContext,
        request: StreamItemRequest,
    ) -> Result<StreamItemResponse, HandlerError> {
        let count = request.count;
        let fail = request.item_id == 666;
        let chunks = futures_util::stream::iter(0..count).then(move |index| async move {
            if fail && index == 2 {
                // Late enough that the head and the first chunks are on the wire.
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                return Err::<items::Chunk, HandlerError>("the source went away".into());
            }
            Ok(items::Chunk {
                index,
                message: format!("This is chunk {index}"),
                done: index == count - 1,
            })
        });
        Ok(StreamItemResponse::Ok(Box::pin(chunks)))
    }

    async fn item_progress(
        &self,
        _: RequestContext,
        _: ItemProgressRequest,
    ) -> Result<ItemProgressResponse, HandlerError> {
        let chunks = futures_util::stream::iter(0..2).map(|index| {
            Ok(items::Chunk {
                index,
                message: "progress".into(),
                done: index == 1,
            })
        });
        Ok(ItemProgressResponse::Ok(Box::pin(chunks)))
    }

    async fn feed(
        &self,
        _: RequestContext,
        request: FeedRequest,
    ) -> Result<FeedResponse, HandlerError> {
        assert!(request.count != 13, "unlucky count");
        Ok(FeedResponse::Ok(Box::pin(futures_util::stream::empty())))
    }

    async fn events(
        &self,
        _: RequestContext,
        _: EventsRequest,
    ) -> Result<EventsResponse, HandlerError> {
        let chunks = futures_util::stream::iter(0..2).map(|index| {
            Ok(items::Chunk {
                index,
                message: "event".into(),
                done: index == 1,
            })
        });
        Ok(EventsResponse::Ok(Box::pin(chunks)))
    }
}

/// Serves a fresh store on a loopback port; returns its base URL.
pub async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Store::default());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}
