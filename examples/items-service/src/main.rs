//! Serves the Items API with `serve::run`: through the Lambda runtime on AWS Lambda,
//! elsewhere over HTTP on `HOST:PORT` (default `127.0.0.1:8000`), with CORS for the
//! origins in `ALLOWED_ORIGINS` and localhost. `ITEMS_CHUNK_DELAY_MS` paces the
//! chunks of streamed responses (default: no pause).

use std::process::ExitCode;
use std::time::Duration;

use items_service::Store;
use items_service::api::server::router;
use oapi_gen_server_runtime::{ErrorChain, cors, serve};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("items-service: {}", ErrorChain(&*error));
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let chunk_delay =
        match std::env::var("ITEMS_CHUNK_DELAY_MS") {
            Ok(ms) => Duration::from_millis(ms.parse().map_err(|_| {
                format!("ITEMS_CHUNK_DELAY_MS={ms} is not a number of milliseconds")
            })?),
            Err(_) => Duration::ZERO,
        };
    let app = router(Store::with_chunk_delay(chunk_delay)).layer(cors::from_env());
    serve::run(app).await?;
    Ok(())
}
