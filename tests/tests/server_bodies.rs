//! The generated server of `fixtures/models/bodies.yaml` on loopback: bodies whose
//! media types decode into different types arrive as the operation's body enum,
//! each typed variant is validated against its schema's constraints, multipart files
//! (alone, in arrays, optional) keep their names, media types and bytes, and
//! wildcard media types match.

use std::sync::{Arc, Mutex};

use bodies::server::*;
use oapi_gen_client_runtime::reqwest::{self, multipart};
use oapi_gen_server_runtime::{HandlerError, RequestContext, axum};
use oapi_gen_tests::fixtures::models_bodies_server as bodies;
use serde_json::{Value, json};

/// Records a description of every body it receives.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn last(&self) -> String {
        self.0.lock().unwrap().last().cloned().unwrap_or_default()
    }
}

impl Api for Recorder {
    async fn create_note(
        &self,
        _: RequestContext,
        r: CreateNoteRequest,
    ) -> Result<CreateNoteResponse, HandlerError> {
        let seen = match r.body {
            CreateNoteRequestBody::Json(note) => format!("json {}", note.text),
            CreateNoteRequestBody::Form(form) => {
                format!("form {} {} {:?}", form.text, form.priority, form.labels)
            }
            CreateNoteRequestBody::Multipart(files) => {
                let describe = |file: &oapi_gen_runtime::UploadFile| {
                    format!(
                        "{}:{}:{}",
                        file.file_name.as_deref().unwrap_or("-"),
                        file.content_type.as_deref().unwrap_or("-"),
                        String::from_utf8_lossy(&file.bytes)
                    )
                };
                let extra: Vec<String> = files.extra.iter().flatten().map(describe).collect();
                format!(
                    "multipart {} {} {extra:?} {:?}",
                    files.caption,
                    describe(&files.main),
                    files.thumbnail.as_ref().map(describe)
                )
            }
            CreateNoteRequestBody::Text(text) => format!("text {text}"),
        };
        self.0.lock().unwrap().push(seen);
        Ok(CreateNoteResponse::NoContent)
    }

    async fn replace_note(
        &self,
        _: RequestContext,
        r: ReplaceNoteRequest,
    ) -> Result<ReplaceNoteResponse, HandlerError> {
        let seen = match r.body {
            None => "none".to_owned(),
            Some(ReplaceNoteRequestBody::Json(note)) => format!("json {}", note.text),
            Some(ReplaceNoteRequestBody::Binary(raw)) => format!(
                "binary {} {}",
                raw.content_type.unwrap_or_default(),
                raw.bytes.len()
            ),
        };
        self.0.lock().unwrap().push(seen);
        Ok(ReplaceNoteResponse::NoContent)
    }
}

async fn serve() -> (String, Recorder) {
    let recorder = Recorder::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(recorder.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}"), recorder)
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, body)
}

#[tokio::test]
async fn each_media_type_arrives_as_its_variant() {
    let (base, recorder) = serve().await;
    let http = reqwest::Client::new();
    let post = || http.post(format!("{base}/notes"));

    let (status, _) = send(post().json(&json!({"text": "hello"}))).await;
    assert_eq!((status, recorder.last()), (204, "json hello".to_owned()));

    let form = post()
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body("text=a+b%2Cc&priority=3&labels=x&labels=y%2Cz");
    let (status, _) = send(form).await;
    assert_eq!(status, 204);
    assert_eq!(recorder.last(), r#"form a b,c 3 Some(["x", "y,z"])"#);

    let files = multipart::Form::new()
        .text("caption", "holiday")
        .part(
            "main",
            multipart::Part::bytes(&b"MAIN"[..])
                .file_name("main.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .part("extra", multipart::Part::text("one").file_name("1.txt"))
        .part("extra", multipart::Part::text("two").file_name("2.txt"));
    let (status, _) = send(post().multipart(files)).await;
    assert_eq!(status, 204);
    assert_eq!(
        recorder.last(),
        r#"multipart holiday main.png:image/png:MAIN ["1.txt:-:one", "2.txt:-:two"] None"#
    );

    let text = post()
        .header("content-type", "text/plain")
        .body("just text");
    let (status, _) = send(text).await;
    assert_eq!(
        (status, recorder.last()),
        (204, "text just text".to_owned())
    );

    // An optional body: absent, JSON, or any image (a wildcard media type).
    let put = || http.put(format!("{base}/notes"));
    let (status, _) = send(put()).await;
    assert_eq!((status, recorder.last()), (204, "none".to_owned()));
    let image = put()
        .header("content-type", "image/webp")
        .body(vec![1, 2, 3]);
    let (status, _) = send(image).await;
    assert_eq!(
        (status, recorder.last()),
        (204, "binary image/webp 3".to_owned())
    );
    let (status, body) = send(put().header("content-type", "application/xml").body("<a/>")).await;
    assert_eq!(
        (status, body),
        (415, json!({"detail": "Unsupported Media Type"}))
    );
}

#[tokio::test]
async fn every_typed_variant_is_validated_against_its_schema() {
    let (base, _) = serve().await;
    let http = reqwest::Client::new();
    let post = || http.post(format!("{base}/notes"));

    let (status, body) = send(post().json(&json!({"text": ""}))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "text"]));
    assert_eq!(body["detail"][0]["type"], "string_too_short");

    let form = |text: &'static str| {
        post()
            .header("content-type", "application/x-www-form-urlencoded")
            .body(text)
    };
    let (status, body) = send(form("text=t&priority=9")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "priority"]));
    assert_eq!(body["detail"][0]["type"], "less_than_equal");
    let (status, body) = send(form("text=t&priority=high")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["detail"][0],
        json!({
            "loc": ["body", "priority"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
            "type": "int_parsing",
        })
    );

    let long_caption = multipart::Form::new()
        .text("caption", "c".repeat(101))
        .part("main", multipart::Part::text("x").file_name("x.txt"));
    let (status, body) = send(post().multipart(long_caption)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "caption"]));
    assert_eq!(body["detail"][0]["type"], "string_too_long");

    let (status, _) = send(
        post()
            .header("content-type", "multipart/form-data; boundary=x")
            .body("not multipart"),
    )
    .await;
    assert_eq!(status, 400);
}
