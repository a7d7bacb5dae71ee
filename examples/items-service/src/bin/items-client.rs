//! Calls the Items API through its generated client: creates an item, reads it back,
//! lists with filters, streams chunks, and shows a typed error.
//!
//! Usage: `items-client [--sigv4] [--region REGION] [--service NAME] [BASE_URL]`
//! (default URL `http://127.0.0.1:8000`).
//!
//! With `--sigv4`, every request is signed with AWS Signature Version 4, as an API
//! deployed with IAM authorization requires, with the credentials of the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; e.g.
//! `eval "$(aws configure export-credentials --format env)"`). The service and region
//! come from the URL's host (`execute-api` for API Gateway, `lambda` for a function
//! URL), or from `--service` and `--region`.

use futures_util::StreamExt;
use items_service::api::client::{Client, GetItemError};
use items_service::api::{ItemCreate, ItemMascot, Status};
use oapi_gen_client_runtime::{Error, SigV4};

/// What the command line asks for.
struct Args {
    base_url: String,
    sigv4: bool,
    region: Option<String>,
    service: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut args = Args {
        base_url: "http://127.0.0.1:8000".to_owned(),
        sigv4: false,
        region: None,
        service: None,
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = |name: &str| words.next().ok_or(format!("{name} needs a value"));
        match word.as_str() {
            "--sigv4" => args.sigv4 = true,
            "--region" => args.region = Some(value("--region")?),
            "--service" => args.service = Some(value("--service")?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            url => args.base_url = url.to_owned(),
        }
    }
    Ok(args)
}

// ANCHOR: sigv4
/// A client of `base_url`; with `sigv4`, one that signs every request with the
/// credentials of the environment.
fn client(args: &Args) -> Result<Client, Box<dyn std::error::Error + Send + Sync>> {
    if !args.sigv4 {
        return Ok(Client::new(&args.base_url)?);
    }
    let env = |name: &str| std::env::var(name).map_err(|_| format!("--sigv4 needs {name}"));
    let mut signer = SigV4::from_keys(
        env("AWS_ACCESS_KEY_ID")?,
        env("AWS_SECRET_ACCESS_KEY")?,
        std::env::var("AWS_SESSION_TOKEN")
            .ok()
            .filter(|token| !token.is_empty()),
    );
    if let Some(region) = &args.region {
        signer = signer.region(region);
    }
    if let Some(service) = &args.service {
        signer = signer.service(service);
    }
    Ok(Client::builder(&args.base_url).sigv4(signer).build()?)
}
// ANCHOR_END: sigv4

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // The error, then each of its causes (each says only its own part).
            eprintln!("items-client: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args = args()?;

    // ANCHOR: create
    let client = client(&args)?;
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
