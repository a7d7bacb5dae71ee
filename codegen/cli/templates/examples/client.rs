//! Calls a running {{title}} through the generated client: creates an item, reads it
//! back and streams its events.
//!
//! Usage: `cargo run --example client [BASE_URL]` (default `http://127.0.0.1:8000`).
//! To call the deployed API behind IAM authorization, sign the requests with SigV4:
//! see `oapi_gen_client_runtime::SigV4`.

use futures_util::StreamExt;

use {{crate}}::api::ItemCreate;
use {{crate}}::api::client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8000".to_owned());
    let client = Client::new(&base_url)?;
    let item = client
        .create_item(ItemCreate {
            name: "Lamp".to_owned(),
            price: 40.0,
            tags: None,
        })
        .await?;
    println!("created item {}: {}", item.id, item.name);
    let item = client.get_item(item.id).await?;
    println!("read back {:?}", item.name);
    let mut events = client.stream_item_events(item.id).count(3).await?;
    while let Some(event) = events.next().await {
        println!("event: {}", event?.message);
    }
    Ok(())
}
