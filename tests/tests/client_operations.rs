//! Every operation of `fixtures/models/operations.yaml` called through the generated
//! client against the generated server on loopback. The server echoes what it
//! decoded, so each parameter style (form exploded and not, space- and
//! pipe-delimited, deepObject, JSON content, header arrays, cookies, allowReserved),
//! each path parameter type, each body media type (JSON, form, multipart, text,
//! binary, and their 415, 422 and 413 refusals) and each status kind (codes, `2XX`,
//! `4XX`, `default`, HEAD, streams of all four kinds) is checked end to end.

use futures_util::StreamExt;
use oapi_gen_client_runtime::Error;
use oapi_gen_server_runtime::axum;
use oapi_gen_server_runtime::{HandlerError, RequestContext};
use oapi_gen_tests::fixtures::models_operations_server as ops;
use ops::client::{
    Client, GetPetError, ListPetsError, PutDocumentError, PutDocumentRequestBody as SendBody,
};
use ops::server::*;
use ops::{Chunk, Colour, Document, Event, EventType, NewPet, Pet, PetFilter, Visit};
use serde_json::json;

/// Answers every operation with what it received.
struct Echo;

fn pet(id: i64, name: String) -> Pet {
    Pet {
        id,
        name,
        species: None,
        colour: None,
    }
}

fn event(id: i64) -> Event {
    Event {
        id,
        type_: EventType::Updated,
        at: "2026-11-26T12:00:00Z".parse().unwrap(),
        data: None,
    }
}

/// The words of `prompt` as a stream of answer chunks.
fn chunks(prompt: &str) -> oapi_gen_server_runtime::response::ChunkStream<Chunk> {
    let words: Vec<Chunk> = prompt
        .split(' ')
        .map(|word| Chunk {
            text: word.to_owned(),
            done: false,
        })
        .collect();
    Box::pin(futures_util::stream::iter(words.into_iter().map(Ok)))
}

impl Api for Echo {
    async fn list_pets(
        &self,
        _: RequestContext,
        r: ListPetsRequest,
    ) -> Result<ListPetsResponse, HandlerError> {
        if r.limit == 99 {
            return Ok(ListPetsResponse::ClientError {
                status: oapi_gen_server_runtime::http::StatusCode::IM_A_TEAPOT,
                body: ops::Error {
                    code: "teapot".into(),
                    message: "short and stout".into(),
                },
                x_request_id: None,
            });
        }
        let echo = json!({
            "request_id": r.x_request_id.map(|id| id.to_string()),
            "limit": r.limit,
            "tags": r.tags,
            "ids": r.ids,
            "colours": r.colours,
            "sizes": r.sizes,
            "filter": r.filter,
            "where": r.where_,
            "trace": r.x_trace_flags,
            "session": r.session,
            "sort_by": r.sort_by,
            "next": r.next,
        });
        Ok(ListPetsResponse::Ok {
            body: vec![pet(1, echo.to_string())],
            x_total_count: 42,
            x_next_page: Some("https://api.example.com/v1/pets?page=2".into()),
            x_rate_limit_remaining: Some(7),
        })
    }

    async fn create_pet(
        &self,
        _: RequestContext,
        r: CreatePetRequest,
    ) -> Result<CreatePetResponse, HandlerError> {
        Ok(CreatePetResponse::Created {
            body: Pet {
                id: 10,
                name: r.body.name,
                species: r.body.species,
                colour: r.body.colour,
            },
            location: "/pets/10".into(),
        })
    }

    async fn get_pet(
        &self,
        _: RequestContext,
        r: GetPetRequest,
    ) -> Result<GetPetResponse, HandlerError> {
        Ok(match r.pet_id {
            404 => GetPetResponse::NotFound(ops::Error {
                code: "not_found".into(),
                message: "no such pet".into(),
            }),
            id => pet(id, "Rex".into()).into(),
        })
    }

    async fn update_pet(
        &self,
        _: RequestContext,
        r: UpdatePetRequest,
    ) -> Result<UpdatePetResponse, HandlerError> {
        Ok(pet(r.pet_id, r.body.name).into())
    }

    async fn delete_pet(
        &self,
        _: RequestContext,
        _: DeletePetRequest,
    ) -> Result<DeletePetResponse, HandlerError> {
        Ok(DeletePetResponse::NoContent)
    }

    async fn get_visit(
        &self,
        _: RequestContext,
        r: GetVisitRequest,
    ) -> Result<GetVisitResponse, HandlerError> {
        Ok(Visit {
            pet_id: r.pet_id,
            date: r.visit_date,
            notes: Some(r.owner_id.to_string()),
        }
        .into())
    }

    async fn search_pets(
        &self,
        _: RequestContext,
        r: SearchPetsRequest,
    ) -> Result<SearchPetsResponse, HandlerError> {
        Ok(SearchPetsResponse::Ok {
            body: vec![pet(2, r.q)],
            x_total_count: 1,
            x_next_page: None,
            x_rate_limit_remaining: None,
        })
    }

    async fn get_document(
        &self,
        _: RequestContext,
        r: GetDocumentRequest,
    ) -> Result<GetDocumentResponse, HandlerError> {
        Ok(match r.doc_id.as_str() {
            "cached" => GetDocumentResponse::NotModified,
            id => GetDocumentResponse::Ok {
                body: Document {
                    title: id.to_owned(),
                    body: "text".into(),
                },
                e_tag: Some("\"v1\"".into()),
                last_modified: None,
            },
        })
    }

    async fn put_document(
        &self,
        _: RequestContext,
        r: PutDocumentRequest,
    ) -> Result<PutDocumentResponse, HandlerError> {
        // A JSON document is stored (204) under its title, else accepted (202); any
        // other media type is echoed as decoded, in a 409.
        let echo = match r.body {
            PutDocumentRequestBody::Json(document) if document.title == r.doc_id => {
                return Ok(PutDocumentResponse::NoContent);
            }
            PutDocumentRequestBody::Json(_) => {
                return Ok(PutDocumentResponse::Success {
                    status: oapi_gen_server_runtime::http::StatusCode::ACCEPTED,
                });
            }
            PutDocumentRequestBody::Form(document) => {
                format!("form {} {}", document.title, document.body)
            }
            PutDocumentRequestBody::Multipart(upload) => format!(
                "multipart {} {:?} {:?} {:?} {:?}",
                upload.title,
                upload.file.file_name,
                upload.file.content_type,
                String::from_utf8_lossy(&upload.file.bytes),
                upload.tags,
            ),
            PutDocumentRequestBody::Text(text) => format!("text {text}"),
            PutDocumentRequestBody::Binary(raw) => {
                format!("binary {:?} {:?}", raw.content_type, &raw.bytes[..])
            }
        };
        Ok(PutDocumentResponse::ClientError {
            status: oapi_gen_server_runtime::http::StatusCode::CONFLICT,
            body: ops::Error {
                code: "echo".into(),
                message: echo,
            },
            x_request_id: None,
        })
    }

    async fn get_status(
        &self,
        _: RequestContext,
        _: GetStatusRequest,
    ) -> Result<GetStatusResponse, HandlerError> {
        Ok(GetStatusResponse::Success {
            status: oapi_gen_server_runtime::http::StatusCode::NON_AUTHORITATIVE_INFORMATION,
            body: ops::Status {
                healthy: true,
                version: Some("2.1.0".into()),
            },
        })
    }

    async fn head_status(
        &self,
        _: RequestContext,
        _: HeadStatusRequest,
    ) -> Result<HeadStatusResponse, HandlerError> {
        Ok(HeadStatusResponse::Ok {
            x_version: "2.1.0".into(),
        })
    }

    async fn stream_events(
        &self,
        _: RequestContext,
        r: StreamEventsRequest,
    ) -> Result<StreamEventsResponse, HandlerError> {
        let first = r.since.map_or(0, |since| since.timestamp());
        let events = (first..first + 3).map(|id| Ok(event(id)));
        Ok(StreamEventsResponse::Ok(Box::pin(
            futures_util::stream::iter(events),
        )))
    }

    async fn chat(&self, _: RequestContext, r: ChatRequest2) -> Result<ChatResponse, HandlerError> {
        Ok(ChatResponse::Ok(chunks(&r.body.prompt)))
    }

    async fn legacy_stream(
        &self,
        _: RequestContext,
        r: LegacyStreamRequest,
    ) -> Result<LegacyStreamResponse, HandlerError> {
        Ok(LegacyStreamResponse::Ok(chunks(&r.body.prompt)))
    }

    async fn subscribe(
        &self,
        _: RequestContext,
        r: SubscribeRequest,
    ) -> Result<SubscribeResponse, HandlerError> {
        let first: i64 = r.last_event_id.map_or(0, |id| id.parse().unwrap_or(0));
        let events = (first + 1..first + 3).map(|id| Ok(event(id)));
        Ok(SubscribeResponse::Ok(Box::pin(futures_util::stream::iter(
            events,
        ))))
    }
}

async fn client() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = router(Echo);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Client::new(&format!("http://{address}")).unwrap()
}

#[tokio::test]
async fn every_parameter_style_round_trips() {
    let client = client().await;
    let request_id: oapi_gen_runtime::Uuid =
        "6f1c3c52-3e8e-4d0c-9a55-1d1f6a0e7a11".parse().unwrap();
    let filter = PetFilter {
        species: Some("cat & dog".into()),
        min_age: Some(2),
    };
    let pets = client
        .list_pets()
        .x_request_id(request_id)
        .limit(5)
        .tags(vec!["a b".to_owned(), "c,d".to_owned()])
        .ids(vec![1, 2, 3])
        .colours(vec![Colour::Red, Colour::Blue])
        .sizes(vec!["s".to_owned(), "m".to_owned()])
        .filter(filter.clone())
        .where_(filter.clone())
        .x_trace_flags(vec!["x".to_owned(), "y".to_owned()])
        .session("s=1;2")
        .next("https://example.com/a?b=c&d")
        .await
        .unwrap();
    assert_eq!(pets.headers()["x-total-count"], "42");
    let echo: serde_json::Value = serde_json::from_str(&pets[0].name).unwrap();
    assert_eq!(
        echo,
        json!({
            "request_id": request_id.to_string(),
            "limit": 5,
            "tags": ["a b", "c,d"],
            "ids": [1, 2, 3],
            "colours": ["red", "blue"],
            "sizes": ["s", "m"],
            "filter": {"species": "cat & dog", "minAge": 2},
            "where": {"species": "cat & dog", "minAge": 2},
            "trace": ["x", "y"],
            "session": "s=1;2",
            "sort_by": null,
            "next": "https://example.com/a?b=c&d",
        })
    );

    // Absent optional parameters: the server applies the schema default.
    let pets = client.list_pets().await.unwrap();
    let echo: serde_json::Value = serde_json::from_str(&pets[0].name).unwrap();
    assert_eq!(echo["limit"], 20);
    assert_eq!(echo["sizes"], json!(["m"]));
    assert_eq!(echo["tags"], serde_json::Value::Null);
}

#[tokio::test]
async fn status_ranges_and_defaults_decode_as_declared() {
    let client = client().await;
    // `4XX` carries its status in the response value.
    let error = client.list_pets().limit(99).await.unwrap_err();
    match error {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 418);
            assert!(matches!(
                response.into_inner(),
                ListPetsError::ClientError(ops::Error { ref code, .. }) if code == "teapot"
            ));
        }
        other => panic!("expected the declared 4XX, got {other:?}"),
    }
    // A server-side validation failure (limit over its maximum) is a 422, in the
    // `4XX` range, but its body is FastAPI's, not the declared `Error`: a decode error
    // that keeps the body.
    match client.list_pets().limit(1000).await.unwrap_err() {
        Error::Decode(decode) => {
            assert_eq!(decode.status.as_u16(), 422);
            assert!(
                decode.excerpt.contains("less_than_equal"),
                "{}",
                decode.excerpt
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    // `2XX` success with a status of the server's choosing.
    let status = client.get_status().await.unwrap();
    assert_eq!(status.status().as_u16(), 203);
    assert!(status.healthy);
    // HEAD: headers only.
    let head = client.head_status().await.unwrap();
    assert_eq!(head.headers()["x-version"], "2.1.0");
    // 204 and a `2XX` with no body.
    let body = Document {
        title: "readme".into(),
        body: "hello".into(),
    };
    let stored = client
        .put_document("readme", SendBody::Json(body.clone()))
        .await
        .unwrap();
    assert_eq!(stored.status().as_u16(), 204);
    let accepted = client
        .put_document("other", SendBody::Json(body))
        .await
        .unwrap();
    assert_eq!(accepted.status().as_u16(), 202);
}

/// What the echo server decoded from a `putDocument` body in a media type other
/// than JSON.
async fn put_echo(client: &Client, body: SendBody) -> String {
    match client.put_document("doc", body).await.unwrap_err() {
        Error::Api(response) => {
            assert_eq!(response.status().as_u16(), 409);
            let PutDocumentError::ClientError(ops::Error { message, .. }) = response.into_inner();
            message
        }
        other => panic!("expected the echo, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_of_every_declared_media_type_is_decoded_into_its_type() {
    use oapi_gen_client_runtime::reqwest::multipart::{Form, Part};
    let client = client().await;
    let document = Document {
        title: "a & b".into(),
        body: "x=1+2".into(),
    };
    assert_eq!(
        put_echo(&client, SendBody::Form(document)).await,
        "form a & b x=1+2"
    );
    let form = Form::new()
        .text("title", "notes")
        .part(
            "file",
            Part::bytes(&b"line 1\nline 2"[..])
                .file_name("notes.txt")
                .mime_str("text/plain")
                .unwrap(),
        )
        .text("tags", "a")
        .text("tags", "b,c");
    assert_eq!(
        put_echo(&client, form.into()).await,
        r#"multipart notes Some("notes.txt") Some("text/plain") "line 1\nline 2" Some(["a", "b,c"])"#
    );
    assert_eq!(
        put_echo(&client, "plain words".to_owned().into()).await,
        "text plain words"
    );
    let bytes = oapi_gen_server_runtime::bytes::Bytes::from_static(&[0, 159, 146, 150]);
    assert_eq!(
        put_echo(&client, bytes.into()).await,
        r#"binary Some("application/octet-stream") [0, 159, 146, 150]"#
    );
}

#[tokio::test]
async fn path_parameters_of_every_type_and_bodies_round_trip() {
    let client = client().await;
    let created = client
        .create_pet(NewPet {
            name: "Tom".into(),
            species: Some("cat".into()),
            colour: Some(Colour::Green),
        })
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.headers()["location"], "/pets/10");
    assert_eq!(created.colour, Some(Colour::Green));

    assert_eq!(client.get_pet(7).await.unwrap().id, 7);
    let error = client.get_pet(404).await.unwrap_err();
    assert!(matches!(
        error.into_api().map(|r| r.into_inner()),
        Some(GetPetError::NotFound(_))
    ));
    let updated = client
        .update_pet(
            3,
            NewPet {
                name: "Jerry".into(),
                species: None,
                colour: None,
            },
        )
        .await
        .unwrap();
    assert_eq!((updated.id, updated.name.as_str()), (3, "Jerry"));
    assert_eq!(client.delete_pet(3).await.unwrap().status().as_u16(), 204);

    let owner: oapi_gen_runtime::Uuid = "0b7e0a52-0000-4000-8000-000000000001".parse().unwrap();
    let date: oapi_gen_runtime::Date = "2026-11-26".parse().unwrap();
    let visit = client.get_visit(owner, 5, date).await.unwrap();
    assert_eq!(visit.pet_id, 5);
    assert_eq!(visit.date, date);
    assert_eq!(visit.notes.as_deref(), Some(owner.to_string().as_str()));

    let found = client.search_pets("name:rex & age>2").await.unwrap();
    assert_eq!(found[0].name, "name:rex & age>2");

    let document = client.get_document("doc_1").await.unwrap();
    assert_eq!(document.title, "doc_1");
    assert_eq!(document.headers()["etag"], "\"v1\"");
    let not_modified = client.get_document("cached").await.unwrap_err();
    assert_eq!(not_modified.status().map(|s| s.as_u16()), Some(304));
}

#[tokio::test]
async fn path_values_cannot_change_the_path() {
    let client = client().await;
    // `../a b` stays one path segment: the route is found and the value, decoded,
    // fails the parameter's pattern (a changed path would be a 404 or another route).
    match client.get_document("../a b").await.unwrap_err() {
        Error::UnexpectedStatus(response) => {
            assert_eq!(response.status.as_u16(), 422);
            let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
            assert_eq!(body["detail"][0]["loc"], json!(["path", "docId"]));
            assert_eq!(body["detail"][0]["type"], "string_pattern_mismatch");
        }
        other => panic!("expected the undeclared 422, got {other:?}"),
    }
    // A whole segment of `..` cannot be sent at all.
    assert!(matches!(
        client.get_document("..").await.unwrap_err(),
        Error::Request(_)
    ));
}

#[tokio::test]
async fn streams_of_every_kind_are_typed() {
    let client = client().await;
    let since: oapi_gen_runtime::DateTime = "1970-01-01T00:01:40Z".parse().unwrap();
    let events: Vec<Event> = client
        .stream_events()
        .since(since)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        events.iter().map(|e| e.id).collect::<Vec<_>>(),
        [100, 101, 102]
    );

    let request = ops::ChatRequest {
        prompt: "hello streaming world".into(),
        max_tokens: 16,
    };
    let answer: Vec<String> = client
        .chat(request.clone())
        .await
        .unwrap()
        .map(|chunk| chunk.unwrap().text)
        .collect()
        .await;
    assert_eq!(answer, ["hello", "streaming", "world"]);
    let legacy: Vec<String> = client
        .legacy_stream(request)
        .await
        .unwrap()
        .map(|chunk| chunk.unwrap().text)
        .collect()
        .await;
    assert_eq!(legacy, ["hello", "streaming", "world"]);

    let events: Vec<i64> = client
        .subscribe()
        .last_event_id("41")
        .await
        .unwrap()
        .map(|event| event.unwrap().id)
        .collect()
        .await;
    assert_eq!(events, [42, 43]);
}

/// Serves `app` on loopback; its base URL.
async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// The status and JSON body of a response.
async fn answer(response: oapi_gen_client_runtime::reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn bodies_are_refused_with_fastapi_errors() {
    use oapi_gen_client_runtime::reqwest::{self, multipart};
    let base = serve(router(Echo).layer(axum::extract::DefaultBodyLimit::max(256))).await;
    let http = reqwest::Client::new();
    let put = || http.put(format!("{base}/documents/doc"));

    // A media type the operation does not declare.
    let response = put()
        .header("content-type", "image/png")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(response).await,
        (415, json!({"detail": "Unsupported Media Type"}))
    );

    // Form fields are validated and located like query parameters.
    let form = |body: &'static str| {
        http.post(format!("{base}/pets"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let (status, json) = answer(form("name=Tom&colour=purple").send().await.unwrap()).await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(json["detail"][0]["loc"], json!(["body", "colour"]));
    assert_eq!(json["detail"][0]["type"], "enum");
    let (status, json) = answer(form("species=cat").send().await.unwrap()).await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(
        json["detail"],
        json!([{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}])
    );
    let (status, json) = answer(form("name=Tom&colour=blue").send().await.unwrap()).await;
    assert_eq!(
        (status, &json["name"], &json["colour"]),
        (201, &json!("Tom"), &json!("blue"))
    );

    // A multipart body without its required file.
    let without_file = multipart::Form::new().text("title", "notes");
    let (status, json) = answer(put().multipart(without_file).send().await.unwrap()).await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(
        json["detail"],
        json!([{"loc": ["body", "file"], "msg": "Field required", "type": "missing"}])
    );

    // Bodies over the configured limit, whole or streamed as multipart.
    let large = "x".repeat(300);
    let json_body = json!({"title": "doc", "body": large}).to_string();
    let response = put()
        .header("content-type", "application/json")
        .body(json_body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer(response).await,
        (413, json!({"detail": "Payload Too Large"}))
    );
    let large_file = multipart::Form::new()
        .text("title", "notes")
        .part("file", multipart::Part::text(large).file_name("big.txt"));
    let (status, _) = answer(put().multipart(large_file).send().await.unwrap()).await;
    assert_eq!(status, 413);
}

#[tokio::test]
async fn the_body_limit_is_axums_default_unless_a_layer_changes_it() {
    use axum::extract::DefaultBodyLimit;
    let http = oapi_gen_client_runtime::reqwest::Client::new();
    let put_text = |base: &str, len: usize| {
        http.put(format!("{base}/documents/doc"))
            .header("content-type", "text/plain")
            .body("x".repeat(len))
            .send()
    };
    let default = serve(router(Echo)).await;
    let (status, _) = answer(put_text(&default, 2 * 1024 * 1024).await.unwrap()).await;
    assert_eq!(status, 409, "2 MiB is within the default limit");
    let (status, _) = answer(put_text(&default, 2 * 1024 * 1024 + 1).await.unwrap()).await;
    assert_eq!(status, 413);
    let unlimited = serve(router(Echo).layer(DefaultBodyLimit::disable())).await;
    let (status, _) = answer(put_text(&unlimited, 3 * 1024 * 1024).await.unwrap()).await;
    assert_eq!(status, 409);
}
