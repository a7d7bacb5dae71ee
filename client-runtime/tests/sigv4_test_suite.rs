//! The SigV4 signer on AWS's published signing test suite (the vectors under
//! `tests/sigv4-test-suite/`, see its README for where they come from and which
//! are left out).
//!
//! Each vector gives a raw HTTP request and the canonical request AWS expects for it.
//! The signer also signs `x-amz-content-sha256`, which most vectors leave out, so the
//! expected signature is computed from the vector's canonical request with that header
//! added, and compared with the `Authorization` the signer sets.
#![cfg(feature = "sigv4")]

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oapi_gen_client_runtime::SigV4;
use oapi_gen_client_runtime::aws_credential_types::Credentials;
use oapi_gen_client_runtime::http::{HeaderName, HeaderValue};
use oapi_gen_client_runtime::reqwest::{Method, Request, Url};
use sha2::{Digest, Sha256};

const REGION: &str = "us-east-1";
const SERVICE: &str = "service";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `YYYYMMDDTHHMMSSZ` as a time (the vectors' dates are all after 2000).
fn parse_amz_date(text: &str) -> SystemTime {
    let number = |range: std::ops::Range<usize>| text[range].parse::<i64>().unwrap();
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    // Days from civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + number(9..11) * 3600 + number(11..13) * 60 + number(13..15);
    UNIX_EPOCH + Duration::from_secs(seconds as u64)
}

/// The request of `request.txt` as reqwest holds it: the URL from the `Host` header
/// and the request target, the headers in order, the body.
fn parse_request(text: &str) -> Request {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.rsplit_once(' ').unwrap().0;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.to_owned(), value.to_owned()));
    }
    let host = &headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))
        .unwrap()
        .1;
    let url = Url::parse(&format!("https://{host}{target}")).unwrap();
    let mut request = Request::new(Method::from_bytes(method.as_bytes()).unwrap(), url);
    for (name, value) in &headers {
        request.headers_mut().append(
            HeaderName::try_from(name.as_str()).unwrap(),
            HeaderValue::try_from(value.as_str()).unwrap(),
        );
    }
    if !body.is_empty() {
        *request.body_mut() = Some(body.to_owned().into());
    }
    request
}

/// The vector's canonical request with `x-amz-content-sha256` among its headers (if
/// it is not already), and its `x-amz-date`.
fn expected_canonical_request(text: &str) -> (String, String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let blank = lines.iter().rposition(|line| line.is_empty()).unwrap();
    let (method, path, query) = (lines[0], lines[1], lines[2]);
    let mut headers: Vec<String> = lines[3..blank].iter().map(|l| l.to_string()).collect();
    let payload_hash = lines[blank + 2];
    if !headers
        .iter()
        .any(|h| h.starts_with("x-amz-content-sha256:"))
    {
        headers.push(format!("x-amz-content-sha256:{payload_hash}"));
        headers.sort();
    }
    let amz_date = headers
        .iter()
        .find_map(|h| h.strip_prefix("x-amz-date:"))
        .unwrap()
        .to_owned();
    let signed_headers = headers
        .iter()
        .map(|h| h.split_once(':').unwrap().0)
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{method}\n{path}\n{query}\n{}\n\n{signed_headers}\n{payload_hash}",
        headers.join("\n")
    );
    (canonical, signed_headers, amz_date)
}

fn session_token(dir: &Path) -> Option<String> {
    let context = std::fs::read_to_string(dir.join("context.json")).ok()?;
    let context: serde_json::Value = serde_json::from_str(&context).unwrap();
    let omitted = context["omit_session_token"].as_bool().unwrap_or(false);
    assert!(!omitted, "{}: the token is always signed", dir.display());
    context["credentials"]["token"].as_str().map(str::to_owned)
}

#[test]
fn signatures_match_the_aws_test_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sigv4-test-suite");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 25, "vectors missing from {}", root.display());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy();
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
        let mut request = parse_request(&read("request.txt"));
        let (canonical, signed_headers, amz_date) =
            expected_canonical_request(&read("header-canonical-request.txt"));
        let time = parse_amz_date(&amz_date);
        let credentials = Credentials::new("AKIDEXAMPLE", SECRET, session_token(dir), None, "test");
        SigV4::new(credentials.clone())
            .service(SERVICE)
            .region(REGION)
            .sign(&mut request, &credentials, time)
            .unwrap();

        let scope = format!("{}/{REGION}/{SERVICE}/aws4_request", &amz_date[..8]);
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            sha256_hex(canonical.as_bytes())
        );
        let key = aws_sigv4::sign::v4::generate_signing_key(SECRET, time, REGION, SERVICE);
        let signature = aws_sigv4::sign::v4::calculate_signature(key, string_to_sign.as_bytes());
        let expected = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, \
             SignedHeaders={signed_headers}, Signature={signature}"
        );
        let ours = request.headers()["authorization"].to_str().unwrap();
        if ours != expected {
            failures.push(format!(
                "{name}:\n  ours:     {ours}\n  expected: {expected}\n  canonical request:\n{canonical}"
            ));
        }
        assert_eq!(request.headers()["x-amz-date"], amz_date.as_str(), "{name}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn amz_dates_parse() {
    assert_eq!(
        parse_amz_date("20150830T123600Z"),
        UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    );
    assert_eq!(
        parse_amz_date("20000229T000000Z"),
        UNIX_EPOCH + Duration::from_secs(951_782_400)
    );
}
