//! The generated client of the FastAPI-exported Items API calling its generated server
//! over real HTTP on loopback: typed successes, typed declared errors, undeclared
//! statuses, correlation ids, parameters of every location, and typed streams.

use futures_util::StreamExt;
use items::client::{Client, CreateItemError, GetItemError, ListItemsError};
use oapi_gen_client_runtime::{Error, StreamError};
use oapi_gen_tests::fixtures::fastapi_items_server as items;
use oapi_gen_tests::items_store::serve;
use serde_json::json;

fn widget(name: &str) -> items::ItemCreate {
    serde_json::from_value(json!({
        "name": name,
        "price": 9.99,
        "tags": ["tools"],
        "mascot": {"pet_type": "cat", "meows": 2}
    }))
    .unwrap()
}

async fn client() -> Client {
    Client::new(&serve().await).unwrap()
}

#[tokio::test]
async fn typed_calls_round_trip_through_the_generated_server() {
    let client = client().await;
    let health = client.health().await.unwrap();
    assert_eq!(health.status, items::HealthStatus::Ok);

    let created = client.create_item(widget("Widget")).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.name, "Widget");
    assert_eq!(created.status, items::Status::Draft, "the schema default");

    let fetched = client.get_item(created.id).await.unwrap().into_inner();
    assert_eq!(fetched, created.clone().into_inner());

    let update: items::ItemUpdate = serde_json::from_value(json!({"name": "Gadget"})).unwrap();
    let updated = client.update_item(created.id, update).await.unwrap();
    assert_eq!(updated.name, "Gadget");

    let deleted = client.delete_item(created.id).await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(*deleted, ());
}

#[tokio::test]
async fn optional_query_and_header_parameters_are_sent_in_their_styles() {
    let client = client().await;
    client.create_item(widget("Hammer")).await.unwrap();
    let mut plain = widget("Plain");
    plain.tags = Some(vec!["other".into()]);
    client.create_item(plain).await.unwrap();

    let page = client
        .list_items()
        .limit(5)
        .tags(vec!["tools".to_owned()])
        .status(items::Status::Draft)
        .x_request_id("request-7")
        .await
        .unwrap();
    let names: Vec<&str> = page.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["Hammer"]);
    // The store echoes the `x-request-id` header as the page token.
    assert_eq!(page.next_token.as_deref(), Some("request-7"));

    let all = client.list_items().await.unwrap();
    assert_eq!(
        all.items.len(),
        2,
        "absent optional parameters are not sent"
    );
}

#[tokio::test]
async fn declared_errors_are_typed_and_keep_status_and_correlation_id() {
    let client = client().await;
    let error = client
        .get_item(404)
        .correlation_id("corr-404")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.correlation_id(), Some("corr-404"));
    let Error::Api(response) = error else {
        panic!("expected a declared error, got {error:?}");
    };
    assert_eq!(
        response.into_inner(),
        GetItemError::NotFound(items::NotFoundError {
            detail: "Item 404 not found".into()
        })
    );

    // A model the client can hold but the document's constraints reject.
    let error = client.create_item(widget("")).await.unwrap_err();
    let Error::Api(response) = error else {
        panic!("expected a declared 422, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 422);
    let CreateItemError::UnprocessableEntity(validation) = response.into_inner() else {
        panic!("expected the validation error variant");
    };
    let detail = validation.detail.unwrap();
    assert_eq!(detail[0].type_, "string_too_short");
    assert_eq!(
        serde_json::to_value(&detail[0].loc).unwrap(),
        json!(["body", "name"])
    );
}

#[tokio::test]
async fn handler_failures_are_the_declared_500_with_the_safe_body() {
    let client = client().await;
    let error = client
        .list_items()
        .next_token("explode")
        .correlation_id("corr-500")
        .await
        .unwrap_err();
    assert_eq!(error.correlation_id(), Some("corr-500"));
    match error {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 500);
            assert!(matches!(
                response.into_inner(),
                ListItemsError::InternalServerError(_)
            ));
        }
        other => panic!("expected the declared 500, got {other:?}"),
    }
}

#[tokio::test]
async fn undeclared_statuses_and_undecodable_bodies_are_distinct_errors() {
    // A server that answers every request with a 418 and a body that is not JSON.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = oapi_gen_server_runtime::axum::Router::new().fallback(|| async {
        (
            oapi_gen_server_runtime::http::StatusCode::IM_A_TEAPOT,
            "short and stout",
        )
    });
    tokio::spawn(async move {
        oapi_gen_server_runtime::axum::serve(listener, app)
            .await
            .unwrap()
    });
    let client = Client::new(&format!("http://{address}")).unwrap();
    match client.health().await.unwrap_err() {
        Error::UnexpectedStatus(response) => {
            assert_eq!(response.status.as_u16(), 418);
            assert_eq!(&response.body[..], b"short and stout");
        }
        other => panic!("expected an unexpected status, got {other:?}"),
    }

    // A server whose 200 body is not the declared type.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = oapi_gen_server_runtime::axum::Router::new()
        .fallback(|| async { r#"{"status": "sleeping"}"# });
    tokio::spawn(async move {
        oapi_gen_server_runtime::axum::serve(listener, app)
            .await
            .unwrap()
    });
    let client = Client::new(&format!("http://{address}")).unwrap();
    let error = client.health().await.unwrap_err();
    let message = error.to_string();
    let chain = causes(&error);
    assert!(
        chain[1].contains("expected"),
        "serde's message is the cause: {chain:?}"
    );
    match error {
        Error::Decode(decode) => {
            assert_eq!(decode.status.as_u16(), 200);
            assert_eq!(decode.excerpt, r#"{"status": "sleeping"}"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(message.contains("sleeping"), "{message}");

    // Nothing listens: a transport error.
    let client = Client::new("http://127.0.0.1:9").unwrap();
    let error = client.health().await.unwrap_err();
    let chain = causes(&error);
    assert!(matches!(error, Error::Transport(_)));
    assert!(
        chain.len() >= 2,
        "the transport's causes are kept: {chain:?}"
    );
}

/// The messages of `error` and of each of its sources, checked to say each thing
/// once: no message repeats the message of its source.
fn causes(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut chain = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        let outer = chain.last().unwrap();
        assert!(
            !outer.contains(&message),
            "`{outer}` repeats its source `{message}`"
        );
        chain.push(message);
        source = cause.source();
    }
    chain
}

#[tokio::test]
async fn json_lines_streams_are_typed_chunks() {
    let client = client().await;
    let stream = client
        .stream_item(1)
        .count(5)
        .correlation_id("corr-stream")
        .await
        .unwrap();
    assert_eq!(stream.correlation_id(), Some("corr-stream"));
    let chunks: Vec<items::Chunk> = stream.map(Result::unwrap).collect().await;
    assert_eq!(chunks.len(), 5);
    assert_eq!(chunks[4].message, "This is chunk 4");
    assert!(chunks[4].done);
}

#[tokio::test]
async fn a_stream_that_fails_midway_ends_with_an_error_item() {
    let client = client().await;
    let items: Vec<_> = client
        .stream_item(666)
        .count(5)
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 3, "two chunks, then the error: {items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    assert!(
        matches!(items[2], Err(StreamError::Transport(_))),
        "{:?}",
        items[2]
    );
}

#[tokio::test]
async fn extension_and_event_streams_are_typed_chunks() {
    let client = client().await;
    let progress: Vec<_> = client
        .item_progress(1)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(progress.len(), 2);
    assert!(progress[1].done);

    let events: Vec<_> = client
        .events()
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].message, "event");
}

#[tokio::test]
async fn a_stream_whose_handler_panics_is_an_error_before_any_chunk() {
    let client = client().await;
    let error = client.feed().count(13).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
}
