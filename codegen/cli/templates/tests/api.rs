//! The service on a loopback port, called through the generated client: what a
//! caller of the deployed API sees.

use futures_util::StreamExt;
use oapi_gen_client_runtime::Error;

use {{crate}}::api::ItemCreate;
use {{crate}}::api::client::{Client, CreateItemError, GetItemError};
use {{crate}}::api::server::router;
use {{crate}}::handlers::Service;

/// Serves a fresh service on a free loopback port; returns a client for it.
async fn serve() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = listener.local_addr().expect("the bound address");
    let app = router(Service::default());
    tokio::spawn(async move {
        oapi_gen_server_runtime::axum::serve(listener, app)
            .await
            .expect("serve");
    });
    Client::new(&format!("http://{address}")).expect("a client")
}

fn lamp() -> ItemCreate {
    ItemCreate {
        name: "Lamp".to_owned(),
        price: 40.0,
        tags: Some(vec!["home".to_owned()]),
    }
}

#[tokio::test]
async fn created_items_can_be_read_back_and_listed() {
    let client = serve().await;
    assert_eq!(client.health().await.unwrap().status, "ok");
    let created = client.create_item(lamp()).await.unwrap();
    assert_eq!(created.id, 1);
    let item = client.get_item(created.id).await.unwrap();
    assert_eq!(item.name, "Lamp");
    assert_eq!(item.tags, ["home"]);
    let items = client.list_items().limit(10).await.unwrap();
    assert_eq!(items.len(), 1);
}

#[tokio::test]
async fn a_missing_item_is_a_typed_404() {
    let client = serve().await;
    match client.get_item(42).await {
        Err(Error::Api(response)) => match response.into_inner() {
            GetItemError::NotFound(error) => assert_eq!(error.detail, "Item 42 not found"),
            other => panic!("expected a 404, got {other:?}"),
        },
        other => panic!("expected a 404, got {other:?}"),
    }
}

#[tokio::test]
async fn an_invalid_body_is_a_422_naming_the_field() {
    let client = serve().await;
    let empty_name = ItemCreate {
        name: String::new(),
        ..lamp()
    };
    match client.create_item(empty_name).await {
        Err(Error::Api(response)) => {
            // The document declares one error of `createItem`: its 422.
            let CreateItemError::UnprocessableEntity(error) = response.into_inner();
            let detail = error.detail.unwrap_or_default();
            assert_eq!(detail.len(), 1, "{detail:?}");
            assert_eq!(detail[0].loc.len(), 2, "{detail:?}");
        }
        other => panic!("expected a 422, got {other:?}"),
    }
}

#[tokio::test]
async fn the_event_stream_yields_each_event() {
    let client = serve().await;
    let created = client.create_item(lamp()).await.unwrap();
    let mut events = client
        .stream_item_events(created.id)
        .count(3)
        .await
        .unwrap();
    let mut indexes = Vec::new();
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        assert_eq!(event.done, event.index == 2);
        indexes.push(event.index);
    }
    assert_eq!(indexes, [0, 1, 2]);
}
