//! Serves the Items API twice on loopback for a load benchmark (`scripts/bench-server`):
//! the generated router and the hand-written axum router of
//! `oapi_gen_tests::bench`, each over a seeded store, in one process.
//!
//! Prints `generated http://ADDR` and `hand-written http://ADDR` once both listen, then
//! serves until killed. Ports are chosen by the system unless given:
//! `bench_server [GENERATED_PORT HAND_WRITTEN_PORT]`.

use std::sync::Arc;

use oapi_gen_server_runtime::axum;
use oapi_gen_tests::bench::{Store, hand_written};
use oapi_gen_tests::fixtures::fastapi_items_server::server::router;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let ports: Vec<u16> = std::env::args()
        .skip(1)
        .map(|port| {
            port.parse()
                .map_err(|_| std::io::Error::other(format!("{port} is not a port")))
        })
        .collect::<Result<_, _>>()?;
    let (generated_port, hand_written_port) = match ports[..] {
        [] => (0, 0),
        [generated, hand_written] => (generated, hand_written),
        _ => {
            return Err(std::io::Error::other(
                "usage: bench_server [GENERATED_PORT HAND_WRITTEN_PORT]",
            ));
        }
    };
    let generated = TcpListener::bind(("127.0.0.1", generated_port)).await?;
    let baseline = TcpListener::bind(("127.0.0.1", hand_written_port)).await?;
    println!("generated http://{}", generated.local_addr()?);
    println!("hand-written http://{}", baseline.local_addr()?);
    let generated = axum::serve(generated, router(Store::seeded()));
    let baseline = axum::serve(baseline, hand_written(Arc::new(Store::seeded())));
    tokio::try_join!(async { generated.await }, async { baseline.await })?;
    Ok(())
}
