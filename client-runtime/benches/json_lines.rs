//! Decode throughput and memory of a JSON Lines stream through the client runtime,
//! against plain `serde_json` over the same bytes, measured in one run.
//!
//! - baseline: `serde_json::Deserializer::into_iter` over the whole body in memory;
//! - decoder: [`JsonLines`] over the same body cut into 64 KiB reads (what a socket
//!   gives), in memory;
//! - HTTP: a real loopback server writes the body (chunked, 64 KiB writes) and the
//!   generated-client path decodes it (`Response::json_lines`, reqwest): transport
//!   (hyper, chunked framing, socket copies) and decoding together.
//!
//! Each variant runs in a child process of its own, which reports its peak resident
//! memory (`VmHWM`): the baseline and the in-memory decoder hold the whole body, the
//! HTTP client only what it decodes (the server repeats one 64 KiB piece).
//!
//! Run: `cargo bench -p oapi-gen-client-runtime --bench json_lines` (`CHUNKS=…` to
//! change the count from 1,000,000).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use oapi_gen_client_runtime::stream::JsonLines;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One streamed chunk, as in the Items API.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Chunk {
    index: u64,
    message: String,
    done: bool,
}

const READ: usize = 64 * 1024;

fn body(count: usize) -> Bytes {
    Bytes::from(lines(0, count, count))
}

fn baseline(body: &[u8]) -> usize {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<Chunk>()
        .inspect(|chunk| assert!(chunk.is_ok(), "valid"))
        .count()
}

async fn decoder(body: &Bytes) -> usize {
    let reads: Vec<Result<Bytes, Infallible>> = (0..body.len())
        .step_by(READ)
        .map(|start| Ok(body.slice(start..(start + READ).min(body.len()))))
        .collect();
    JsonLines::<_, Chunk>::new(futures_util::stream::iter(reads))
        .map(|chunk| chunk.expect("valid"))
        .count()
        .await
}

/// The lines of chunks `from..to`.
fn lines(from: usize, to: usize, count: usize) -> String {
    let mut text = String::with_capacity((to - from) * 60);
    for index in from..to {
        text.push_str(&format!(
            "{{\"index\":{index},\"message\":\"This is chunk {index}\",\"done\":{}}}\n",
            index + 1 == count
        ));
    }
    text
}

/// Serves `count` chunks per connection as a chunked `application/jsonl` response in
/// writes of about 64 KiB.
async fn serve(count: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                socket
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\n\
                          transfer-encoding: chunked\r\nconnection: close\r\n\r\n",
                    )
                    .await
                    .unwrap();
                // The same lines in every write, made once: the server costs
                // next to nothing and holds no body.
                const PER_WRITE: usize = READ / 60;
                let full = lines(0, PER_WRITE, count);
                for from in (0..count).step_by(PER_WRITE) {
                    let last;
                    let piece = if from + PER_WRITE <= count {
                        &full
                    } else {
                        last = lines(from, count, count);
                        &last
                    };
                    let head = format!("{:x}\r\n", piece.len());
                    socket.write_all(head.as_bytes()).await.unwrap();
                    socket.write_all(piece.as_bytes()).await.unwrap();
                    socket.write_all(b"\r\n").await.unwrap();
                }
                socket.write_all(b"0\r\n\r\n").await.unwrap();
            });
        }
    });
    format!("http://{address}")
}

async fn http(client: &oapi_gen_client_runtime::Client) -> usize {
    let request = oapi_gen_client_runtime::Request::new(client, http::Method::GET);
    let response = request.send::<Infallible>().await.expect("response");
    oapi_gen_client_runtime::ChunkStream::<Chunk>::json_lines(response)
        .map(|chunk| chunk.expect("valid"))
        .count()
        .await
}

/// This process's peak resident memory in KiB (`VmHWM`), where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const VARIANTS: [&str; 3] = [
    "serde_json over the whole body (baseline)",
    "JsonLines decoder, 64 KiB reads, in memory",
    "client over loopback HTTP",
];

/// Runs one variant `rounds` times; prints the best time in ns and the peak RSS.
fn child(variant: usize, count: usize, rounds: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = (variant < 2).then(|| body(count));
    let client = (variant == 2).then(|| {
        let base_url = runtime.block_on(serve(count));
        oapi_gen_client_runtime::Client::new(&base_url).unwrap()
    });
    let mut best = Duration::MAX;
    for _ in 0..rounds {
        let started = Instant::now();
        let decoded = match (variant, &body, &client) {
            (0, Some(body), _) => baseline(body),
            (1, Some(body), _) => runtime.block_on(decoder(body)),
            (_, _, Some(client)) => runtime.block_on(http(client)),
            _ => unreachable!("inputs made above"),
        };
        best = best.min(started.elapsed());
        assert_eq!(decoded, count);
    }
    println!("{} {}", best.as_nanos(), peak_rss_kib().unwrap_or(0));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = std::env::var("CHUNKS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    if let Some(variant) = args.iter().position(|a| a == "--variant") {
        let variant = args[variant + 1].parse().expect("variant number");
        return child(variant, count, 3);
    }
    println!(
        "{count} chunks, {:.1} MB of JSON Lines; best of 3 rounds per run, 3 runs alternating",
        lines(0, count.min(1000), count).len() as f64 * count as f64 / count.min(1000) as f64 / 1e6
    );
    let exe = std::env::current_exe().unwrap();
    let mut best = [u128::MAX; 3];
    let mut rss = [0u64; 3];
    for _ in 0..3 {
        for variant in 0..3 {
            let output = std::process::Command::new(&exe)
                .args(["--variant", &variant.to_string()])
                .output()
                .expect("run a variant");
            assert!(output.status.success(), "variant {variant} failed");
            let text = String::from_utf8_lossy(&output.stdout);
            let mut fields = text.split_whitespace();
            let nanos: u128 = fields.next().and_then(|f| f.parse().ok()).expect("time");
            let kib: u64 = fields.next().and_then(|f| f.parse().ok()).expect("rss");
            best[variant] = best[variant].min(nanos);
            rss[variant] = rss[variant].max(kib);
        }
    }
    let rate = |nanos: u128| count as f64 / (nanos as f64 / 1e9) / 1e6;
    let base = rate(best[0]);
    println!(
        "{:<44} {:>10} {:>8} {:>10}",
        "", "M chunks/s", "ratio", "peak RSS"
    );
    for (variant, name) in VARIANTS.iter().enumerate() {
        let r = rate(best[variant]);
        println!(
            "{name:<44} {r:>10.2} {:>7.2}x {:>7} MiB",
            r / base,
            rss[variant] / 1024
        );
    }
}
