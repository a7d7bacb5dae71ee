//! The cost of signing one request with SigV4, per request shape:
//!
//! - GET: a path with an encoded parameter, three query parameters, three headers;
//! - POST 1 KiB: the same with a 1 KiB JSON body;
//! - POST 64 KiB: with a 64 KiB body (its SHA-256 dominates);
//! - authorizer: the GET through `Authorize::authorize` (credentials asked from the
//!   provider, boxed future), as the client runs it.
//!
//! Requests are cloned in batches outside the timed part, so the figures are the
//! signing alone.
//!
//! Run: `cargo bench -p oapi-gen-client-runtime --bench sigv4` (`SIGNATURES=…` to
//! change the count per shape from 100,000).

use std::time::{Instant, SystemTime};

use futures_util::FutureExt;
use oapi_gen_client_runtime::aws_credential_types::Credentials;
use oapi_gen_client_runtime::reqwest::{Body, Method, Request, Url};
use oapi_gen_client_runtime::{Authorize, SigV4};

const BATCH: usize = 1000;

fn request(method: Method, body: Option<Vec<u8>>) -> Request {
    let url = Url::parse(
        "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items/caf%C3%A9%2Fx\
         ?limit=20&tag=a&tag=b%20c",
    )
    .unwrap();
    let mut request = Request::new(method, url);
    let headers = request.headers_mut();
    headers.insert("accept", "application/json".parse().unwrap());
    headers.insert("x-correlation-id", "3f2a9c1e-5b7d-4e8f".parse().unwrap());
    headers.insert("x-tenant", "tenant  one".parse().unwrap());
    if let Some(body) = body {
        headers.insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(Body::from(body));
    }
    request
}

/// Nanoseconds per signature of `template` over `count` signatures.
fn measure(count: usize, template: &Request, mut sign: impl FnMut(&mut Request)) -> f64 {
    let mut elapsed = 0.0;
    let mut done = 0;
    while done < count {
        let mut batch: Vec<Request> = (0..BATCH.min(count - done))
            .map(|_| template.try_clone().unwrap())
            .collect();
        let start = Instant::now();
        for request in &mut batch {
            sign(request);
        }
        elapsed += start.elapsed().as_secs_f64();
        done += batch.len();
    }
    elapsed * 1e9 / count as f64
}

fn main() {
    let count: usize = std::env::var("SIGNATURES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let credentials = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token".repeat(20)),
        None,
        "bench",
    );
    let signer = SigV4::new(credentials.clone());
    let now = SystemTime::now();
    let json = |len: usize| Some(format!("{{\"data\":\"{}\"}}", "x".repeat(len - 11)).into_bytes());
    let shapes = [
        ("GET", request(Method::GET, None)),
        ("POST 1 KiB", request(Method::POST, json(1024))),
        ("POST 64 KiB", request(Method::POST, json(64 * 1024))),
    ];
    println!("SigV4 signing, {count} signatures per shape");
    for (name, template) in &shapes {
        let ns = measure(count, template, |request| {
            signer.sign(request, &credentials, now).unwrap();
        });
        println!("{name:>12}: {ns:>8.0} ns/request");
    }
    let ns = measure(count, &shapes[0].1, |request| {
        signer
            .authorize(request)
            .now_or_never()
            .expect("fixed credentials are ready at once")
            .unwrap();
    });
    println!("{:>12}: {ns:>8.0} ns/request", "authorizer");
}
