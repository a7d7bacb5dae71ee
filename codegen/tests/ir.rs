//! The IR of the operations fixtures: what the server and client emitters will read.

use std::path::Path;

use oapi_gen::Spec;
use oapi_gen::ir::{
    Api, MediaKind, Method, Operation, ParameterLocation, ParameterStyle, PathPart, Primitive,
    StatusCode, StreamFormat, StreamMarker, TypeRef,
};

fn load(fixture: &str) -> Api {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(fixture);
    Spec::load(&path)
        .unwrap_or_else(|e| panic!("{fixture}: {e}"))
        .api
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

fn type_name(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => api.types.get(*id).name.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn fastapi_streams_are_marked_with_their_chunk_types() {
    let api = load("fastapi-items.json");
    assert_eq!(api.openapi_version, "3.1.0");
    let stream = operation(&api, "stream_item").streaming.as_ref().unwrap();
    assert_eq!(stream.format, StreamFormat::JsonLines);
    assert_eq!(stream.marker, StreamMarker::MediaType);
    assert_eq!(stream.media_type, "application/jsonl");
    assert_eq!(
        type_name(&api, &stream.item),
        "Chunk",
        "itemSchema wins over schema"
    );

    let events = operation(&api, "events").streaming.as_ref().unwrap();
    assert_eq!(events.format, StreamFormat::EventStream);
    assert_eq!(
        type_name(&api, &events.item),
        "Chunk",
        "the contentSchema of the SSE data property"
    );
    assert!(operation(&api, "get_item").streaming.is_none());
}

#[test]
fn parameters_keep_location_style_and_explode() {
    let api = load("models/operations.yaml");
    let list = operation(&api, "listPets");
    assert_eq!(list.fn_name, "list_pets");
    assert_eq!(list.method, Method::Get);
    assert_eq!(list.tags, ["pets"]);
    let find = |name: &str| {
        list.parameters
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
    };
    // The path-item parameter is merged in, by reference.
    assert_eq!(find("X-Request-Id").location, ParameterLocation::Header);
    let limit = find("limit");
    assert_eq!(limit.ty, TypeRef::Primitive(Primitive::I32));
    assert_eq!(
        limit.constraints.maximum.unwrap().value,
        oapi_gen::ir::Number::Integer(100)
    );
    assert!(find("tags").explode);
    assert!(!find("ids").explode);
    assert_eq!(find("colours").style, ParameterStyle::SpaceDelimited);
    assert_eq!(find("sizes").style, ParameterStyle::PipeDelimited);
    assert_eq!(find("filter").style, ParameterStyle::DeepObject);
    assert!(find("where").json_content);
    assert_eq!(find("X-Trace-Flags").style, ParameterStyle::Simple);
    assert_eq!(find("X-Trace-Flags").rust_name, "x_trace_flags");
    assert_eq!(find("session").location, ParameterLocation::Cookie);
    assert!(find("sortBy").deprecated);
    assert!(find("next").allow_reserved);
}

#[test]
fn responses_cover_codes_ranges_default_and_headers() {
    let api = load("models/operations.yaml");
    let list = operation(&api, "listPets");
    let statuses: Vec<(StatusCode, &str)> = list
        .responses
        .iter()
        .map(|r| (r.status, r.variant_name.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (StatusCode::Code(200), "Ok"),
            (StatusCode::Range(4), "ClientError"),
            (StatusCode::Default, "Default"),
        ]
    );
    let ok = &list.responses[0];
    let headers: Vec<(&str, &str, bool)> = ok
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.rust_name.as_str(), h.required))
        .collect();
    assert_eq!(
        headers,
        [
            ("X-Total-Count", "x_total_count", true),
            ("X-Next-Page", "x_next_page", false),
            ("X-Rate-Limit-Remaining", "x_rate_limit_remaining", false),
        ]
    );
    assert_eq!(ok.contents[0].kind, MediaKind::Json);
}

#[test]
fn paths_and_streaming_markers_of_every_kind() {
    let api = load("models/operations.yaml");
    let visit = operation(&api, "getVisit");
    let params: Vec<&str> = visit
        .path
        .parts
        .iter()
        .filter_map(|p| match p {
            PathPart::Param(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
        .collect();
    assert_eq!(params, ["ownerId", "petId", "visitDate"]);

    let kinds: Vec<(&str, StreamFormat, StreamMarker, String)> =
        ["streamEvents", "chat", "legacyStream", "subscribe"]
            .iter()
            .map(|id| {
                let op = operation(&api, id);
                let s = op
                    .streaming
                    .as_ref()
                    .unwrap_or_else(|| panic!("{id} streams"));
                (*id, s.format, s.marker, type_name(&api, &s.item))
            })
            .collect();
    assert_eq!(
        kinds,
        [
            (
                "streamEvents",
                StreamFormat::JsonLines,
                StreamMarker::MediaType,
                "Event".to_owned()
            ),
            (
                "chat",
                StreamFormat::JsonLines,
                StreamMarker::MediaType,
                "Chunk".to_owned()
            ),
            (
                "legacyStream",
                StreamFormat::JsonLines,
                StreamMarker::Extension,
                "Chunk".to_owned()
            ),
            (
                "subscribe",
                StreamFormat::EventStream,
                StreamMarker::MediaType,
                "Event".to_owned()
            ),
        ]
    );
    assert!(operation(&api, "listPets").streaming.is_none());
}

#[test]
fn security_is_inherited_or_overridden() {
    let api = load("models/operations.yaml");
    let chat = operation(&api, "chat");
    assert_eq!(chat.security.len(), 1);
    assert_eq!(chat.security[0].schemes[0].0, "sigv4");
    let names: Vec<&str> = api
        .security_schemes
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(names.contains(&"sigv4"), "{names:?}");
}

#[test]
fn several_media_types_per_body_each_get_a_variant() {
    let api = load("models/operations.yaml");
    let with_many = api
        .operations
        .iter()
        .filter_map(|o| o.request_body.as_ref())
        .find(|b| b.contents.len() >= 4)
        .expect("a body with several media types");
    let kinds: Vec<MediaKind> = with_many.contents.iter().map(|c| c.kind).collect();
    for kind in [
        MediaKind::Json,
        MediaKind::FormUrlEncoded,
        MediaKind::Multipart,
        MediaKind::Text,
        MediaKind::Binary,
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let names: Vec<&str> = with_many
        .contents
        .iter()
        .map(|c| c.variant_name.as_str())
        .collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

#[test]
fn bodies_of_different_types_get_an_enum_and_multipart_binaries_are_files() {
    use oapi_gen::ir::TypeKind;
    let api = load("models/operations.yaml");
    let body = |id: &str| operation(&api, id).request_body.as_ref().unwrap();
    // JSON and a form of one schema: one type, no enum.
    assert_eq!(body("createPet").contents.len(), 2);
    assert_eq!(body("createPet").enum_name, None);
    assert_eq!(body("updatePet").enum_name, None);
    let put = body("putDocument");
    assert_eq!(put.enum_name.as_deref(), Some("PutDocumentRequestBody"));
    let multipart = put
        .contents
        .iter()
        .find(|c| c.kind == MediaKind::Multipart)
        .unwrap();
    let TypeRef::Named(id) = multipart.ty.as_ref().unwrap() else {
        panic!("the multipart schema is a struct");
    };
    let TypeKind::Struct(upload) = &api.types.get(*id).kind else {
        panic!("the multipart schema is a struct");
    };
    let file = upload
        .fields
        .iter()
        .find(|f| f.wire_name == "file")
        .unwrap();
    assert_eq!(file.ty, TypeRef::Primitive(Primitive::File));
    // The same format elsewhere stays raw bytes.
    let octets = put
        .contents
        .iter()
        .find(|c| c.kind == MediaKind::Binary)
        .unwrap();
    assert_eq!(octets.ty, Some(TypeRef::Primitive(Primitive::Binary)));
}

#[test]
fn swagger_2_documents_are_read_as_their_openapi_3_conversion() {
    use oapi_gen::ir::{SecuritySchemeKind, TypeKind};
    let api = load("swagger2/petstore.yaml");
    assert_eq!(api.openapi_version, "2.0");
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://petstore.example.com/v2",
            "http://petstore.example.com/v2"
        ]
    );

    // Query arrays: csv (the default) is not exploded, multi is; ssv and pipes are
    // delimited; a header array is simple.
    let find = operation(&api, "findPets");
    let param = |name: &str| find.parameters.iter().find(|p| p.name == name).unwrap();
    assert_eq!(
        (param("tags").style, param("tags").explode),
        (ParameterStyle::Form, false)
    );
    assert_eq!(
        (param("status").style, param("status").explode),
        (ParameterStyle::Form, true)
    );
    assert_eq!(param("ids").style, ParameterStyle::PipeDelimited);
    assert_eq!(param("words").style, ParameterStyle::SpaceDelimited);
    assert_eq!(param("X-Trace").style, ParameterStyle::Simple);
    assert_eq!(param("limit").ty, TypeRef::Primitive(Primitive::I32));
    assert_eq!(param("limit").default, Some(serde_json::json!(20)));
    let ok = &find.responses[0];
    let headers: Vec<&str> = ok.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(headers, ["X-Rate-Limit", "X-Next"]);
    assert_eq!(ok.headers[0].ty, TypeRef::Primitive(Primitive::I32));

    // A body parameter is the request body, for each media type `consumes` lists.
    let add = operation(&api, "addPet").request_body.as_ref().unwrap();
    assert!(add.required);
    let media: Vec<&str> = add.contents.iter().map(|c| c.media_type.as_str()).collect();
    assert_eq!(media, ["application/json", "application/xml"]);
    assert_eq!(type_name(&api, add.contents[0].ty.as_ref().unwrap()), "Pet");
    // A shared one too; the path item's parameter is merged in.
    let replace = operation(&api, "replacePet");
    assert!(replace.request_body.as_ref().unwrap().required);
    assert_eq!(replace.parameters[0].name, "petId");

    // Form parameters make a form body, or a multipart one with a file.
    let form = operation(&api, "updatePetWithForm")
        .request_body
        .as_ref()
        .unwrap();
    assert_eq!(form.contents[0].kind, MediaKind::FormUrlEncoded);
    let upload = operation(&api, "uploadPhoto")
        .request_body
        .as_ref()
        .unwrap();
    assert_eq!(upload.contents[0].kind, MediaKind::Multipart);
    let TypeRef::Named(id) = upload.contents[0].ty.as_ref().unwrap() else {
        panic!("the multipart schema is a struct");
    };
    let TypeKind::Struct(fields) = &api.types.get(*id).kind else {
        panic!("the multipart schema is a struct");
    };
    let file = fields
        .fields
        .iter()
        .find(|f| f.wire_name == "file")
        .unwrap();
    assert_eq!(file.ty, TypeRef::Primitive(Primitive::File));
    let photo = &operation(&api, "getPhoto").responses[0].contents[0];
    assert_eq!(photo.media_type, "image/png");
    assert_eq!(photo.ty, Some(TypeRef::Primitive(Primitive::Binary)));

    let kinds: Vec<(&str, &SecuritySchemeKind)> = api
        .security_schemes
        .iter()
        .map(|s| (s.name.as_str(), &s.kind))
        .collect();
    assert_eq!(
        kinds[0],
        (
            "basic",
            &SecuritySchemeKind::Http {
                scheme: "basic".into(),
                bearer_format: None
            }
        )
    );
    assert_eq!(kinds[2], ("petstore_auth", &SecuritySchemeKind::OAuth2));
}
