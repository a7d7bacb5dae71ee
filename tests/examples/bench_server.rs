//! Serves the Items API on loopback for a load benchmark (`scripts/bench-server`).
//!
//! `bench_server [GENERATED_PORT HAND_WRITTEN_PORT]` serves the generated router
//! (observability as generated routers run it by default: no subscriber, metrics
//! off) and the hand-written axum router of `oapi_gen_tests::bench`, each over a
//! seeded store, in one process; it prints `generated http://ADDR` and
//! `hand-written http://ADDR` once both listen.
//!
//! `bench_server --observed LOG_FILE [PORT]` serves the generated router with
//! observability fully on, as on Lambda: the global subscriber with the JSON log
//! layer at INFO writing to LOG_FILE (`/dev/null`, say: never a terminal), EMF
//! metrics, and X-Ray tracing of every request (a new sampled trace each) sent to a
//! UDP port this process binds and never reads. It prints `observed http://ADDR`.
//!
//! Both serve until killed; ports are chosen by the system unless given.

use std::net::UdpSocket;
use std::sync::Arc;

use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::observability::{self, Config, Writer};
use oapi_gen_server_runtime::xray::{self, DaemonAddress, XrayConfig};
use oapi_gen_tests::bench::{Store, hand_written};
use oapi_gen_tests::fixtures::fastapi_items_server::server::{router, router_with};
use tokio::net::TcpListener;

fn port(text: &str) -> std::io::Result<u16> {
    text.parse()
        .map_err(|_| std::io::Error::other(format!("{text} is not a port")))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--observed") {
        let log_file = args.get(1).ok_or_else(|| {
            std::io::Error::other("usage: bench_server --observed LOG_FILE [PORT]")
        })?;
        let port = args.get(2).map_or(Ok(0), |text| port(text))?;
        return observed(log_file, port).await;
    }
    let ports: Vec<u16> = args
        .iter()
        .map(|text| port(text))
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

/// The generated router with logs, metrics and X-Ray on.
async fn observed(log_file: &str, port: u16) -> std::io::Result<()> {
    let logs = Arc::new(std::fs::OpenOptions::new().append(true).open(log_file)?);
    let config = Config {
        service: "items".to_owned(),
        namespace: "Bench".to_owned(),
        tracing: true,
        metrics: true,
        writer: Writer::new(logs),
        // Logs at INFO.
        ..Config::default()
    };
    // The "daemon": a bound port nobody reads (the kernel discards what overflows).
    let daemon = UdpSocket::bind("127.0.0.1:0")?;
    let address =
        DaemonAddress::parse(&daemon.local_addr()?.to_string()).map_err(std::io::Error::other)?;
    let (layer, _handle) = xray::layer(XrayConfig::new("items").daemon_address(address))
        .map_err(std::io::Error::other)?;
    observability::init_with(&config, layer).map_err(std::io::Error::other)?;
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("observed http://{}", listener.local_addr()?);
    axum::serve(listener, router_with(Store::seeded(), &config)).await
}
