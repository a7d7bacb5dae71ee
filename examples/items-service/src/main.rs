//! Serves the Items API on `127.0.0.1:$PORT` (default 8000), with CORS for the
//! origins in `ALLOWED_ORIGINS` and localhost.

use items_service::Store;
use items_service::api::server::router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|_| std::io::Error::other(format!("PORT={port} is not a port")))?,
        Err(_) => 8000,
    };
    let app = router(Store::default()).layer(oapi_gen_server_runtime::cors::from_env());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("Items API listening on http://{}", listener.local_addr()?);
    oapi_gen_server_runtime::axum::serve(listener, app).await
}
