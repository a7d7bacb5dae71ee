//! What X-Ray tracing costs a request: the contract's request span with two nested
//! spans, under a registry without the X-Ray layer, then with it (sampled, sending
//! to a UDP socket on loopback), then with it for unsampled requests.
//!
//! `cargo bench -p oapi-gen-server-runtime --bench xray`
//!
//! Requests run in batches of 500; only the request path is timed, and the exporter
//! is flushed between batches (untimed) so that no document is dropped. Figures are
//! the median batch's time per request, which shrugs off other processes stealing
//! the CPU. The flush time is reported apart: it is what remained of the sending
//! thread's work per request when the batch ended.

use std::hint::black_box;
use std::net::UdpSocket;
use std::time::{Duration, Instant};

use oapi_gen_server_runtime::xray::{self, DaemonAddress, XrayConfig, XrayHandle};
use tracing_subscriber::layer::SubscriberExt;

const BATCH: usize = 500;
const BATCHES: usize = 40;

/// One request: the contract's span, its trace context and status, and two spans
/// inside (one nested in the other).
fn request(index: usize, sampled: bool) {
    let span = oapi_gen_server_runtime::observability::request_span(
        "GET",
        "/items/{item_id}",
        "/items/7",
        "4b1c6a57-5b1f-4c4e-9a39-1f0c2f3e5d6a",
    );
    span.record("xray_trace_id", "1-5759e988-bd862e3fe1be46a994272793");
    span.record("xray_parent_id", "53995c3f42cd8ad8");
    span.record("xray_sampled", sampled);
    span.in_scope(|| {
        tracing::info_span!("fetch", item_id = index).in_scope(|| {
            tracing::info_span!("fetch-item-details", table = "items").in_scope(|| {
                black_box(index);
            });
        });
    });
    span.record("http.status_code", 200u16);
}

/// Median per-request time of the request path, and of the flushes between batches.
fn run(sampled: bool, handle: Option<&XrayHandle>) -> (Duration, Duration) {
    let mut timed = Vec::with_capacity(BATCHES);
    let mut flushing = Vec::with_capacity(BATCHES);
    for batch in 0..BATCHES {
        let start = Instant::now();
        for index in 0..BATCH {
            request(batch * BATCH + index, sampled);
        }
        timed.push(start.elapsed() / BATCH as u32);
        if let Some(handle) = handle {
            let start = Instant::now();
            assert!(handle.flush(Duration::from_secs(10)));
            flushing.push(start.elapsed() / BATCH as u32);
        }
    }
    (median(timed), median(flushing))
}

/// The middle value (zero for none).
fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn main() {
    // A bound port nobody reads: the kernel discards what overflows its buffer, and
    // no reader thread competes with the measured one for the CPU.
    let sink = UdpSocket::bind("127.0.0.1:0").expect("a sink socket");
    let address = DaemonAddress::parse(&sink.local_addr().unwrap().to_string()).unwrap();

    let plain = tracing_subscriber::registry();
    let baseline = tracing::subscriber::with_default(plain, || {
        run(true, None);
        run(true, None).0
    });

    let (layer, handle) =
        xray::layer(XrayConfig::new("bench").daemon_address(address)).expect("the layer");
    let traced = tracing_subscriber::registry().with(layer);
    let (sampled, unsampled) = tracing::subscriber::with_default(traced, || {
        run(true, Some(&handle));
        let sampled = run(true, Some(&handle));
        let unsampled = run(false, Some(&handle)).0;
        (sampled, unsampled)
    });
    assert_eq!(handle.dropped(), 0, "no document dropped");

    let ratio = |cost: Duration| cost.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "requests: {} per run, 1 request span + 2 nested spans each",
        BATCH * BATCHES
    );
    println!("registry only:          {baseline:>10?} per request");
    println!(
        "with X-Ray, sampled:    {:>10?} per request ({:.2}x)",
        sampled.0,
        ratio(sampled.0)
    );
    println!(
        "with X-Ray, unsampled:  {unsampled:>10?} per request ({:.2}x)",
        ratio(unsampled)
    );
    println!(
        "flush between batches:  {:>10?} per request (exporter catching up, off the request path)",
        sampled.1
    );
}
