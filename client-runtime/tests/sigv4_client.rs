//! `ClientBuilder::sigv4` end to end: what reaches a loopback server, and the
//! error a request gets when its service and region are unknown.
#![cfg(feature = "sigv4")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oapi_gen_client_runtime::{Client, ClientBuilder, Error, Method, Request, RequestError, SigV4};
use sha2::{Digest, Sha256};

/// The headers (lower-cased names) and the body of a request the server received.
type Received = (Vec<(String, String)>, Vec<u8>);

/// Accepts one request, answers `204`, and returns what it received.
fn serve_once(listener: TcpListener) -> std::thread::JoinHandle<Received> {
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            head.push(line.to_owned());
        }
        let headers: Vec<(String, String)> = head[1..]
            .iter()
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap();
                (name.to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .map_or(0, |(_, value)| value.parse().unwrap());
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        reader
            .into_inner()
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .unwrap();
        (headers, body)
    })
}

#[tokio::test]
async fn signed_headers_reach_the_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = serve_once(listener);
    let signer = SigV4::from_keys("AKIDEXAMPLE", "secret", Some("token".to_owned()))
        .service("execute-api")
        .region("eu-west-1");
    let client: Client = ClientBuilder::new(format!("http://127.0.0.1:{port}/prod"))
        .sigv4(signer)
        .build()
        .unwrap();
    let mut request = Request::new(&client, Method::POST);
    request.path("/items");
    request.json_body("application/json", &serde_json::json!({"name": "café"}));
    let response = request.send::<()>().await.unwrap();
    assert_eq!(response.status(), 204);
    let (headers, body) = server.join().unwrap();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no `{name}` header in {headers:?}"))
    };
    assert_eq!(header("host"), format!("127.0.0.1:{port}"));
    assert_eq!(header("x-amz-security-token"), "token");
    let body_hash: String = Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(header("x-amz-content-sha256"), body_hash);
    let date = header("x-amz-date");
    let authorization = header("authorization");
    let expected_prefix = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{}/eu-west-1/execute-api/aws4_request, \
         SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, \
         Signature=",
        &date[..8]
    );
    assert!(
        authorization.starts_with(&expected_prefix),
        "{authorization}"
    );
    // Signed now: the date is today's (UTC), as AWS requires within five minutes.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signed = date[9..11].parse::<u64>().unwrap() * 3600
        + date[11..13].parse::<u64>().unwrap() * 60
        + date[13..15].parse::<u64>().unwrap();
    let skew = (now % 86_400).abs_diff(signed);
    assert!(!(300..=86_400 - 300).contains(&skew), "x-amz-date {date}");
}

#[tokio::test]
async fn unknown_hosts_need_a_service_and_region() {
    let client: Client = ClientBuilder::new("https://api.example.com")
        .sigv4(SigV4::from_keys("AKIDEXAMPLE", "secret", None))
        .build()
        .unwrap();
    let mut request = Request::new(&client, Method::GET);
    request.path("/items");
    let error = request.send::<()>().await.unwrap_err();
    assert!(
        matches!(error, Error::Request(RequestError::Authorize(_))),
        "{error:?}"
    );
    // The error says what failed; its source says why.
    let chain: Vec<String> =
        std::iter::successors(Some(&error as &dyn std::error::Error), |e| e.source())
            .map(ToString::to_string)
            .collect();
    assert_eq!(chain[0], "authorizing the request failed", "{chain:?}");
    assert!(
        chain[1].starts_with("cannot infer the SigV4 service from the host `api.example.com`"),
        "{chain:?}"
    );
}
