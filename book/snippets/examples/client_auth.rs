//! The client authorization code of book/src/client-auth.md, against the generated
//! client of the Items API.

use book_snippets::items::client::Client;
use oapi_gen_client_runtime::{Authorize, BoxError, BoxFuture, SigV4, TokenProvider, reqwest};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let id_token = std::env::var("ID_TOKEN").unwrap_or_default();
    let url = "https://api.example.com";
    let signer = SigV4::from_keys("AKIDEXAMPLE", "secret", None);
    let clients = [
        bearer(id_token)?,
        provider(url)?,
        hook(url, signer)?,
        Client::builder(url)
            .authorizer(ApiKey("key".into()))
            .build()?,
    ];
    println!("{} clients", clients.len());
    Ok(())
}

fn bearer(id_token: String) -> Result<Client, BoxError> {
    // ANCHOR: bearer
    let client = Client::builder("https://api.example.com")
        .bearer_token(id_token) // Authorization: Bearer <id_token>
        .build()?;
    // ANCHOR_END: bearer
    Ok(client)
}

// ANCHOR: provider_type
struct Cognito {
    // … the current token, and what refreshes it
}

impl TokenProvider for Cognito {
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move { self.current_or_refreshed().await })
    }
}
// ANCHOR_END: provider_type

impl Cognito {
    /// The current id token, refreshed when it is about to expire.
    async fn current_or_refreshed(&self) -> Result<String, BoxError> {
        Ok("token".to_owned())
    }
}

fn provider(url: &str) -> Result<Client, BoxError> {
    // ANCHOR: provider
    let client = Client::builder(url)
        .bearer_token_provider(Cognito {})
        .build()?;
    // ANCHOR_END: provider
    Ok(client)
}

fn hook(url: &str, signer: SigV4) -> Result<Client, BoxError> {
    // ANCHOR: hook
    let client = Client::builder(url)
        .hook(|request| {
            request.headers_mut().insert("x-tenant", "acme".parse()?);
            Ok(())
        })
        .sigv4(signer)
        .build()?;
    // ANCHOR_END: hook
    Ok(client)
}

// ANCHOR: authorize
struct ApiKey(String);

impl Authorize for ApiKey {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            request.headers_mut().insert("x-api-key", self.0.parse()?);
            Ok(())
        })
    }
}
// ANCHOR_END: authorize
