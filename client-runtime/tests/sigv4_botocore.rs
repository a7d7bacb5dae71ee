//! The SigV4 signer compared with botocore's `SigV4Auth` (the signer of the AWS CLI
//! and boto3) on a few hundred pseudo-random requests built by the client runtime
//! exactly as a generated client sends them: paths and queries percent-encoded in
//! every OpenAPI style, repeated and unsorted query keys, reserved and non-ASCII
//! characters, extra and repeated headers, buffered, empty and streamed (multipart)
//! bodies, with and without a session token, for API Gateway and Lambda function URL
//! hosts (service and region inferred from the host).
//!
//! botocore runs in the Python named by `OAPI_GEN_PYTHON` (scripts/test installs the
//! pinned version into its virtualenv and sets it). Without it the test fails under CI
//! and is skipped with a notice elsewhere.
#![cfg(feature = "sigv4")]

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oapi_gen_client_runtime::aws_credential_types::Credentials;
use oapi_gen_client_runtime::reqwest::multipart::Form;
use oapi_gen_client_runtime::{
    Authorize, BoxError, BoxFuture, Client, ClientBuilder, Error, Method, Request, RequestError,
    SigV4, Style,
};
use serde_json::{Value, json};

/// How many requests are compared.
const CASES: usize = 400;

/// The headers the signer adds, compared one by one.
const ADDED: [&str; 4] = [
    "authorization",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
];

/// splitmix64: the same cases on every run and every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Up to `max` pieces of text with every kind of character a value may hold.
    fn text(&mut self, max: usize) -> String {
        const PIECES: &[&str] = &[
            "a", "Z", "7", "-", "_", ".", "~", "/", "?", "#", "[", "]", "@", "!", "$", "&", "'",
            "(", ")", "*", "+", ",", ";", "=", ":", "%", "%2F", " ", "  ", "\"", "<", ">", "^",
            "`", "{", "|", "}", "\\", "é", "日本", "🦀", "ß", "value",
        ];
        (0..self.below(max + 1))
            .map(|_| *self.pick(PIECES))
            .collect()
    }

    /// Text that can be a header value: no control characters, sometimes padded
    /// with spaces or holding a tab.
    fn header_text(&mut self) -> String {
        let mut text = self.text(5);
        if self.chance(20) {
            text = format!("  {text} ");
        }
        if self.chance(10) {
            text.push_str("\tend");
        }
        text
    }

    fn alphanumeric(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len).map(|_| *self.pick(alphabet) as char).collect()
    }
}

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// One request to sign, with what botocore needs besides the request itself.
struct Case {
    base_url: String,
    service: &'static str,
    region: &'static str,
    credentials: Credentials,
    time: SystemTime,
}

/// The request as it left the authorizer: what the server would receive.
struct Captured {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    stream: bool,
}

/// Signs like `SigV4` does as an authorizer, but at a fixed time and with the
/// case's credentials, then records the request and stops it from being sent.
struct Capture {
    signer: SigV4,
    credentials: Credentials,
    time: SystemTime,
    captured: Arc<Mutex<Option<Captured>>>,
}

impl Authorize for Capture {
    fn authorize<'a>(
        &'a self,
        request: &'a mut oapi_gen_client_runtime::reqwest::Request,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            self.signer.sign(request, &self.credentials, self.time)?;
            let headers = request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8(value.as_bytes().to_vec()).unwrap();
                    (name.to_string(), value)
                })
                .collect();
            let (body, stream) = match request.body() {
                None => (None, false),
                Some(body) => match body.as_bytes() {
                    Some(bytes) => (Some(bytes.to_vec()), false),
                    None => (None, true),
                },
            };
            *self.captured.lock().unwrap() = Some(Captured {
                method: request.method().to_string(),
                url: request.url().to_string(),
                headers,
                body,
                stream,
            });
            Err("captured: the request is not sent".into())
        })
    }
}

fn case(rng: &mut Rng) -> Case {
    const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"];
    let region = *rng.pick(REGIONS);
    let id = rng.alphanumeric(10, LOWER);
    let scheme = if rng.chance(10) { "http" } else { "https" };
    let (service, base_url) = if rng.chance(50) {
        let port = *rng.pick(&["", "", "", ":443", ":8443"]);
        let stage = *rng.pick(&["", "/prod", "/v1-stage"]);
        (
            "execute-api",
            format!("{scheme}://{id}.execute-api.{region}.amazonaws.com{port}{stage}"),
        )
    } else {
        (
            "lambda",
            format!("{scheme}://{id}.lambda-url.{region}.on.aws"),
        )
    };
    let token = rng.chance(50).then(|| {
        let len = 40 + rng.below(200);
        rng.alphanumeric(len, SECRET) + "=="
    });
    let credentials = Credentials::new(
        format!("AKIA{}", rng.alphanumeric(16, UPPER)),
        rng.alphanumeric(40, SECRET),
        token,
        None,
        "test",
    );
    let seconds = 1_500_000_000 + rng.below(400_000_000) as u64;
    Case {
        base_url,
        service,
        region,
        credentials,
        time: UNIX_EPOCH + Duration::from_secs(seconds),
    }
}

/// A parameter value: a scalar, an array or an object of scalars.
fn value(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!(rng.below(1000)),
        1 => json!(rng.chance(50)),
        2 => Value::Array((0..rng.below(4)).map(|_| json!(rng.text(3))).collect()),
        3 => {
            let mut object = serde_json::Map::new();
            for _ in 0..rng.below(3) + 1 {
                object.insert(rng.text(2), json!(rng.text(3)));
            }
            Value::Object(object)
        }
        _ => json!(rng.text(6)),
    }
}

/// Describes a random request on `client`, as generated code would.
fn describe(rng: &mut Rng, client: &Client) -> Request {
    const METHODS: &[Method] = &[
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
    ];
    const LITERALS: &[&str] = &[
        "/items",
        "/v1/items:batch",
        "/a-b_c.d~e",
        "/users/me@home",
        "/x=y;z",
        "/",
    ];
    let mut request = Request::new(client, rng.pick(METHODS).clone());
    for _ in 0..rng.below(4) {
        if rng.chance(50) {
            let literal = *rng.pick(LITERALS);
            request.path(literal);
        } else {
            request.path("/");
            let style = *rng.pick(&[Style::Simple, Style::Label, Style::Matrix]);
            let explode = rng.chance(50);
            request.path_param("id", style, explode, &value(rng));
        }
    }
    if rng.chance(20) {
        request.path("/");
    }
    const NAMES: &[&str] = &["b", "a", "a", "Z", "limit", "name with space", "é", "x[y]"];
    for _ in 0..rng.below(5) {
        let name = *rng.pick(NAMES);
        match rng.below(8) {
            0 => request.query(name, Style::SpaceDelimited, false, &value(rng)),
            1 => request.query(name, Style::PipeDelimited, false, &value(rng)),
            2 => request.query(name, Style::DeepObject, true, &value(rng)),
            3 => request.query_json(name, &value(rng)),
            4 => request.query_reserved(name, Style::Form, rng.chance(50), &value(rng)),
            _ => request.query(name, Style::Form, rng.chance(50), &value(rng)),
        }
    }
    const HEADERS: &[&str] = &["x-request-tag", "X-Custom-Case", "x-a", "x-b", "accept"];
    for _ in 0..rng.below(4) {
        let text = rng.header_text();
        let name = *rng.pick(HEADERS);
        request.header(name, false, &text);
    }
    if rng.chance(30) {
        request.cookie("session", false, &rng.text(4));
    }
    if rng.chance(30) {
        request.correlation_id(Some(&rng.alphanumeric(12, LOWER)));
    }
    match rng.below(7) {
        0 => request.json_body("application/json", &value(rng)),
        1 => request.text_body("text/plain; charset=utf-8", rng.text(8)),
        2 => {
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            request.bytes_body("application/octet-stream", bytes.into());
        }
        3 => request.form_body(
            "application/x-www-form-urlencoded",
            &[("a", rng.text(3)), ("b", rng.text(3))],
        ),
        4 => request.multipart_body(Form::new().text("name", rng.text(4))),
        5 => request.text_body("text/plain", String::new()),
        _ => {}
    }
    request
}

/// Builds, signs and captures one random request; `None` when the client refuses
/// the request before signing (a value its parameter's style cannot hold, or that
/// makes a `.` path segment).
async fn capture(rng: &mut Rng) -> Option<(Case, Captured)> {
    let case = case(rng);
    let captured = Arc::new(Mutex::new(None));
    let mut builder = ClientBuilder::<Client>::new(&case.base_url);
    if rng.chance(30) {
        builder = builder
            .default_header("x-tenant", "first")
            .default_header("x-tenant", "second  value");
    }
    if rng.chance(30) {
        // Not signed: proxies may change it.
        builder = builder.default_header("user-agent", "oapi-gen-test/1.0");
    }
    let client = builder
        .authorizer(Capture {
            signer: SigV4::new(case.credentials.clone()),
            credentials: case.credentials.clone(),
            time: case.time,
            captured: captured.clone(),
        })
        .build()
        .unwrap();
    let request = describe(rng, &client);
    let error = request.send::<()>().await.unwrap_err();
    let captured = captured.lock().unwrap().take();
    match captured {
        Some(captured) => Some((case, captured)),
        None => {
            // The signer must not be what failed.
            assert!(
                !matches!(error, Error::Request(RequestError::Authorize(_))),
                "signing failed: {error}"
            );
            None
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn timestamp(time: SystemTime) -> String {
    // Days to civil date (Howard Hinnant's algorithm), to avoid a date dependency.
    let seconds = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The Python that runs botocore, or `None` (with a notice) where the test may be
/// skipped.
fn python() -> Option<String> {
    if let Ok(python) = std::env::var("OAPI_GEN_PYTHON") {
        return Some(python);
    }
    let ci = std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0");
    assert!(
        !ci,
        "OAPI_GEN_PYTHON is not set: it must name a Python with the pinned botocore \
         (scripts/test installs it into target/venv-fastapi and sets it)"
    );
    eprintln!(
        "notice: sigv4 botocore comparison skipped: set OAPI_GEN_PYTHON to a Python with \
         botocore (scripts/test does) to run it"
    );
    None
}

#[tokio::test]
async fn signatures_match_botocore() {
    let Some(python) = python() else {
        return;
    };
    let mut rng = Rng(0x5167_7634);
    let mut cases = Vec::with_capacity(CASES);
    while cases.len() < CASES {
        if let Some(case) = capture(&mut rng).await {
            cases.push(case);
        }
    }
    let input: Vec<Value> = cases
        .iter()
        .map(|(case, request)| {
            let headers: Vec<_> = request
                .headers
                .iter()
                .filter(|(name, _)| !ADDED.contains(&name.as_str()))
                .collect();
            json!({
                "method": request.method,
                "url": request.url,
                "headers": headers,
                "body": request.body.as_deref().map(hex),
                "stream": request.stream,
                "access_key": case.credentials.access_key_id(),
                "secret_key": case.credentials.secret_access_key(),
                "token": case.credentials.session_token(),
                "service": case.service,
                "region": case.region,
                "timestamp": timestamp(case.time),
            })
        })
        .collect();
    let dir = env!("CARGO_TARGET_TMPDIR");
    let cases_path = format!("{dir}/sigv4-botocore-cases.json");
    let results_path = format!("{dir}/sigv4-botocore-results.json");
    std::fs::write(&cases_path, serde_json::to_vec_pretty(&input).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sigv4_botocore.py");
    let output = Command::new(&python)
        .args([script, &cases_path, &results_path])
        .output()
        .unwrap_or_else(|error| panic!("cannot run `{python}`: {error}"));
    assert!(
        output.status.success(),
        "{script} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_slice(&std::fs::read(&results_path).unwrap()).unwrap();
    let expected = results["results"].as_array().unwrap();
    assert_eq!(expected.len(), cases.len());
    let mut mismatches = Vec::new();
    for (i, ((_, request), expected)) in cases.iter().zip(expected).enumerate() {
        for name in ADDED {
            let ours = request
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str());
            if ours != expected[name].as_str() {
                mismatches.push(format!(
                    "case {i} ({} {}), {name}:\n  ours:     {ours:?}\n  botocore: {}\n  input: {}",
                    request.method, request.url, expected[name], input[i]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} headers differ from botocore {}:\n{}",
        mismatches.len(),
        CASES * ADDED.len(),
        results["botocore"],
        mismatches.join("\n")
    );
    let with_token = cases
        .iter()
        .filter(|(case, _)| case.credentials.session_token().is_some())
        .count();
    let lambda = cases
        .iter()
        .filter(|(case, _)| case.service == "lambda")
        .count();
    let streams = cases.iter().filter(|(_, request)| request.stream).count();
    let raw_query = expected
        .iter()
        .filter(|result| result["raw_url_agrees"] == false)
        .count();
    println!(
        "{CASES} requests signed as botocore {} does ({lambda} lambda, {} execute-api; \
         {with_token} with a session token; {streams} streamed bodies; {raw_query} whose \
         query botocore would sign differently from the raw URL)",
        results["botocore"],
        CASES - lambda
    );
}

#[test]
fn the_timestamp_helper_formats_utc() {
    assert_eq!(
        timestamp(UNIX_EPOCH + Duration::from_secs(1_440_938_160)),
        "20150830T123600Z"
    );
    assert_eq!(timestamp(UNIX_EPOCH), "19700101T000000Z");
    assert_eq!(
        timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
        "20000229T000000Z"
    );
}
