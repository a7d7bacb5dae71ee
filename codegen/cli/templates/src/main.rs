//! Serves {{title}} with `serve::run`: through the Lambda runtime on AWS Lambda
//! (buffered or response streaming, by `OAPI_GEN_LAMBDA_MODE`), elsewhere over HTTP on
//! `HOST:PORT` (default `127.0.0.1:8000`, docs at `/docs`), with CORS for the origins
//! in `ALLOWED_ORIGINS` and localhost.

use std::process::ExitCode;

use oapi_gen_server_runtime::{ErrorChain, cors, serve};

use {{crate}}::api::server::router;
use {{crate}}::handlers::Service;

#[tokio::main]
async fn main() -> ExitCode {
    let app = router(Service::default()).layer(cors::from_env());
    match serve::run(app).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{{name}}: {}", ErrorChain(&error));
            ExitCode::FAILURE
        }
    }
}
