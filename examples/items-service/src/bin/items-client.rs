//! Calls the Items API through its generated client: creates an item, reads it back,
//! lists with filters, streams chunks, and shows a typed error.
//!
//! Usage: `items-client [BASE_URL]` (default `http://127.0.0.1:8000`).

use futures_util::StreamExt;
use items_service::api::client::{Client, GetItemError};
use items_service::api::{ItemCreate, ItemMascot, Status};
use oapi_gen_client_runtime::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8000".to_owned());

    // ANCHOR: create
    let client = Client::new(&base_url)?;
    let created = client
        .create_item(ItemCreate {
            name: "Lamp".to_owned(),
            description: None,
            price: 40.0,
            quantity: 2,
            status: Status::Active,
            tags: Some(vec!["home".to_owned()]),
            dimensions: None,
            mascot: serde_json::from_str::<ItemMascot>(r#"{"pet_type":"cat","meows":1}"#)?,
            attributes: None,
        })
        .correlation_id("demo-create")
        .await?;
    println!(
        "created item {} ({}), correlation id {:?}",
        created.id,
        created.status(),
        created.correlation_id()
    );
    // ANCHOR_END: create

    // ANCHOR: optional
    let item = client.get_item(created.id).await?;
    let page = client
        .list_items()
        .limit(10)
        .tags(vec!["home".to_owned()])
        .status(Status::Active)
        .await?;
    println!(
        "read back {:?}; {} item(s) tagged home",
        item.name,
        page.items.len()
    );
    // ANCHOR_END: optional

    // ANCHOR: errors
    match client.get_item(999_999).await {
        Err(Error::Api(response)) => match response.into_inner() {
            GetItemError::NotFound(not_found) => println!("typed 404: {}", not_found.detail),
            other => println!("another declared error: {other:?}"),
        },
        Err(other) => return Err(other.into()),
        Ok(item) => println!("unexpectedly found {:?}", item.name),
    }
    // ANCHOR_END: errors

    // ANCHOR: stream
    let mut chunks = client.stream_item(created.id).count(3).await?;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        println!("chunk {}: {}", chunk.index, chunk.message);
    }
    // ANCHOR_END: stream
    Ok(())
}
