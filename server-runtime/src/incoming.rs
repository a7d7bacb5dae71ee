//! One incoming request, taken apart for a generated handler: path, query, header and
//! cookie parameters and the body, each parsed into its type, with every problem
//! collected into [`ValidationErrors`].
//!
//! Bodies are read up to the limit set with axum's
//! [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) layer (2 MiB without one);
//! a larger body is answered with 413.

use std::borrow::Cow;

use axum::RequestExt as _;
use axum::body::HttpBody as _;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request};
use bytes::Bytes;
use http::header;
use http_body_util::BodyExt as _;
use oapi_gen_runtime::UploadFile;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use crate::context::RequestContext;
use crate::error::{LocItem, Rejection, ValidationErrors};
use crate::param::{self, BodyField, FieldError, Query, Style};

/// A request being decoded by a generated handler.
pub struct Incoming {
    parts: http::request::Parts,
    body: Option<axum::body::Body>,
    /// The router's percent-decoded path parameters (shared, not copied).
    path_params: Option<RawPathParams>,
    query: Query,
}

impl Incoming {
    /// Takes a request apart; its body is read up to the limit of the
    /// [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) layer around the router
    /// (2 MiB without one).
    pub async fn new(request: Request) -> Incoming {
        let (mut parts, body) = request.into_parts();
        let path_params = RawPathParams::from_request_parts(&mut parts, &())
            .await
            .ok();
        let query = Query::parse(parts.uri.query());
        Incoming {
            parts,
            body: Some(body),
            path_params,
            query,
        }
    }

    /// The handler's [`RequestContext`], once everything has been decoded.
    pub fn into_context(self) -> RequestContext {
        RequestContext::new(self.parts)
    }

    /// A path parameter (always required), style `simple`.
    pub fn path<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        self.path_with(name, errors, param::path)
    }

    /// A path parameter in the `label` or `matrix` style (or `simple` with an explicit
    /// `explode`), as [`param::path_styled`] reads it.
    pub fn path_styled<T: DeserializeOwned>(
        &self,
        name: &str,
        style: param::Style,
        explode: bool,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        self.path_with(name, errors, |raw| {
            param::path_styled(raw, style, explode, name)
        })
    }

    /// The path parameter `name` read by `read`, its absence or rejection recorded.
    fn path_with<T>(
        &self,
        name: &str,
        errors: &mut ValidationErrors,
        read: impl FnOnce(&str) -> Result<T, param::ParamError>,
    ) -> Option<T> {
        let found = self
            .path_params
            .iter()
            .flat_map(RawPathParams::iter)
            .find(|(n, _)| *n == name);
        let Some((_, value)) = found else {
            errors.missing(vec!["path".into(), name.into()]);
            return None;
        };
        match read(&self.encoded_path_param(name, value)) {
            Ok(value) => Some(value),
            Err(error) => {
                errors.param("path", name, error);
                None
            }
        }
    }

    /// The path parameter `name` as sent (still percent-encoded), for the readers to
    /// split before decoding; `decoded` is the router's decoded value of it. Where the
    /// route cannot be lined up with the request's path, `decoded` with only `%`
    /// encoded again: a delimiter that was sent encoded is then a delimiter.
    fn encoded_path_param<'a>(&'a self, name: &str, decoded: &'a str) -> Cow<'a, str> {
        if !self.parts.uri.path().contains('%') {
            // Nothing was encoded: the decoded value is the value as sent.
            return Cow::Borrowed(decoded);
        }
        let encoded = self
            .parts
            .extensions
            .get::<MatchedPath>()
            .and_then(|route| encoded_capture(route.as_str(), self.parts.uri.path(), name))
            .filter(|encoded| {
                percent_decode_str(encoded)
                    .decode_utf8()
                    .is_ok_and(|text| text == decoded)
            });
        match encoded {
            Some(encoded) => Cow::Borrowed(encoded),
            None if decoded.contains('%') => Cow::Owned(decoded.replace('%', "%25")),
            None => Cow::Borrowed(decoded),
        }
    }

    /// A query parameter: `Some(None)` when an optional one is absent, `None` when it
    /// is rejected (the problem is recorded).
    pub fn query<T: DeserializeOwned>(
        &self,
        name: &str,
        style: Style,
        explode: bool,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Option<T>> {
        present(
            self.query.get(name, style, explode),
            "query",
            name,
            required,
            errors,
        )
    }

    /// A query parameter given as JSON text (`content: application/json`), like
    /// [`Incoming::query`].
    pub fn query_json<T: DeserializeOwned>(
        &self,
        name: &str,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Option<T>> {
        present(self.query.get_json(name), "query", name, required, errors)
    }

    /// A header parameter, like [`Incoming::query`].
    pub fn header<T: DeserializeOwned>(
        &self,
        name: &str,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Option<T>> {
        present(
            param::header(&self.parts.headers, name),
            "header",
            name,
            required,
            errors,
        )
    }

    /// A cookie parameter, like [`Incoming::query`].
    pub fn cookie<T: DeserializeOwned>(
        &self,
        name: &str,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Option<Option<T>> {
        present(
            param::cookie(&self.parts.headers, name),
            "cookie",
            name,
            required,
            errors,
        )
    }

    /// Which of the body's declared media types (as the document writes them:
    /// parameters and `type/*` or `*/*` wildcards allowed) the request's
    /// `Content-Type` is, by index; an exact match wins over a wildcard. A request
    /// without `Content-Type` is taken as the JSON one if declared (as FastAPI does),
    /// else the first. `None` (a 415) when it matches none.
    pub fn media_type(&self, declared: &[&str]) -> Option<usize> {
        let Some(value) = self.parts.headers.get(header::CONTENT_TYPE) else {
            return declared
                .iter()
                .position(|media_type| essence(media_type) == "application/json")
                .or((!declared.is_empty()).then_some(0));
        };
        let sent = essence(value.to_str().ok()?);
        let (kind, _) = sent.split_once('/')?;
        declared
            .iter()
            .position(|media_type| essence(media_type) == sent)
            .or_else(|| {
                declared.iter().position(|media_type| {
                    let media_type = essence(media_type);
                    media_type == "*/*"
                        || media_type
                            .strip_suffix("/*")
                            .is_some_and(|declared| declared == kind)
                })
            })
    }

    /// The body as JSON: `Ok(Some(None))` when an optional body is absent, `Ok(None)`
    /// when it is rejected (the problem is recorded). A body over the limit is a 413.
    ///
    /// With `object`, the body must be a JSON object (serde would also fill a struct
    /// from an array, positionally, which JSON Schema does not allow).
    pub async fn json_body<T: DeserializeOwned>(
        &mut self,
        required: bool,
        object: bool,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Option<T>>, Rejection> {
        let bytes = self.bytes().await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if object && first.is_some_and(|b| *b != b'{') && first != Some(&b'n') {
            errors.push(
                vec![LocItem::key("body")],
                "Input should be a valid dictionary or object to extract fields from",
                "model_attributes_type",
            );
            return Ok(None);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(value) => Ok(Some(Some(value))),
            Err(error) => {
                body_error(&error, errors);
                Ok(None)
            }
        }
    }

    /// The body as text (`text/*`), like [`Incoming::json_body`]; invalid UTF-8 is a
    /// validation error.
    pub async fn text_body(
        &mut self,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Option<String>>, Rejection> {
        let bytes = self.bytes().await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Ok(Some(Some(text))),
            Err(_) => {
                errors.push(
                    vec![LocItem::key("body")],
                    "Input should be valid UTF-8 text",
                    "string_unicode",
                );
                Ok(None)
            }
        }
    }

    /// An `application/x-www-form-urlencoded` body, like [`Incoming::json_body`]:
    /// fields are read as an exploded `form` query (arrays from repeated names), and a
    /// rejected field is located at `["body", name]`.
    pub async fn form_body<T: DeserializeOwned>(
        &mut self,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Option<T>>, Rejection> {
        let bytes = self.bytes().await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        let fields: Vec<(String, BodyField)> = param::form_pairs(&String::from_utf8_lossy(&bytes))
            .map(|(name, value)| (name, BodyField::Text(value)))
            .collect();
        Ok(fields_into(&fields, errors).map(Some))
    }

    /// A `multipart/form-data` body, like [`Incoming::form_body`]: parts with a file
    /// name (or whose content is not UTF-8) are files, which
    /// [`UploadFile`] properties take whole. A body that is not valid multipart is a
    /// 400.
    pub async fn multipart_body<T: DeserializeOwned>(
        &mut self,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Option<T>>, Rejection> {
        let body = self.take_body().unwrap_or_default();
        if body.is_end_stream() {
            return Ok(absent(required, errors));
        }
        let boundary = self
            .parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| multer::parse_boundary(value).ok())
            .ok_or(Rejection::BadRequest)?;
        let mut multipart = multer::Multipart::new(body.into_data_stream(), boundary);
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(read_error)? {
            let Some(name) = field.name().map(str::to_owned) else {
                continue;
            };
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(ToString::to_string);
            let bytes = field.bytes().await.map_err(read_error)?;
            let value = match std::str::from_utf8(&bytes) {
                Ok(text) if file_name.is_none() => BodyField::Text(text.to_owned()),
                _ => BodyField::File(UploadFile {
                    file_name,
                    content_type,
                    bytes,
                }),
            };
            fields.push((name, value));
        }
        Ok(fields_into(&fields, errors).map(Some))
    }

    /// The body as it came, with its media type (binary media types).
    pub async fn raw_body(
        &mut self,
        required: bool,
        errors: &mut ValidationErrors,
    ) -> Result<Option<Option<RawBody>>, Rejection> {
        let bytes = self.bytes().await?;
        if bytes.is_empty() {
            return Ok(absent(required, errors));
        }
        let content_type = self
            .parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Some(Some(RawBody {
            content_type,
            bytes,
        })))
    }

    /// The body, limited as the `DefaultBodyLimit` layer says (only for operations
    /// that read one, so others pay nothing for the limit).
    fn take_body(&mut self) -> Option<axum::body::Body> {
        let mut request = Request::new(self.body.take()?);
        std::mem::swap(request.extensions_mut(), &mut self.parts.extensions);
        let (mut parts, body) = request.with_limited_body().into_parts();
        std::mem::swap(&mut parts.extensions, &mut self.parts.extensions);
        Some(body)
    }

    /// The whole body, at most the limit.
    async fn bytes(&mut self) -> Result<Bytes, Rejection> {
        let Some(body) = self.take_body() else {
            return Ok(Bytes::new());
        };
        body.collect()
            .await
            .map(|collected| collected.to_bytes())
            .map_err(read_error)
    }
}

/// A media type without its parameters, lowercase.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The answer to a body that could not be read: 413 over the limit, else 400 (a
/// broken connection, malformed multipart).
fn read_error(error: impl std::error::Error + 'static) -> Rejection {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return Rejection::PayloadTooLarge;
        }
        source = error.source();
    }
    Rejection::BadRequest
}

/// The fields of a form or multipart body deserialised, or the problem recorded.
fn fields_into<T: DeserializeOwned>(
    fields: &[(String, BodyField)],
    errors: &mut ValidationErrors,
) -> Option<T> {
    match param::body_fields(fields) {
        Ok(value) => Some(value),
        Err(FieldError { path, error }) => {
            let mut loc: Vec<LocItem> = vec![LocItem::key("body")];
            loc.extend(path);
            errors.push(loc, error.msg, error.kind);
            None
        }
    }
}

/// A body passed to the handler undecoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawBody {
    /// The request's `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The bytes of the body.
    pub bytes: Bytes,
}

/// A body decoded by one of [`Incoming`]'s readers as one variant of an operation's
/// body enum (`variant` is the variant's constructor).
pub fn variant<T, B>(
    body: Result<Option<Option<T>>, Rejection>,
    variant: impl FnOnce(T) -> B,
) -> Result<Option<Option<B>>, Rejection> {
    body.map(|body| body.map(|body| body.map(variant)))
}

/// An empty body: missing if required (recorded), else absent.
fn absent<T>(required: bool, errors: &mut ValidationErrors) -> Option<Option<T>> {
    if required {
        errors.missing(vec![LocItem::key("body")]);
        None
    } else {
        Some(None)
    }
}

/// Records a rejected or missing parameter.
fn present<T>(
    result: Result<Option<T>, param::ParamError>,
    location: &str,
    name: &str,
    required: bool,
    errors: &mut ValidationErrors,
) -> Option<Option<T>> {
    match result {
        Ok(None) if required => {
            errors.missing(vec![location.into(), name.into()]);
            None
        }
        Ok(value) => Some(value),
        Err(error) => {
            errors.param(location, name, error);
            None
        }
    }
}

/// Records why a JSON body did not deserialise, located like FastAPI does.
fn body_error(
    error: &serde_path_to_error::Error<serde_json::Error>,
    errors: &mut ValidationErrors,
) {
    let mut loc: Vec<LocItem> = vec![LocItem::key("body")];
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => loc.push(LocItem::Index(*index)),
            serde_path_to_error::Segment::Map { key } => loc.push(LocItem::from(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => {
                loc.push(LocItem::from(variant.clone()))
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() {
        errors.push(loc, format!("JSON decode error: {inner}"), "json_invalid");
        return;
    }
    let message = inner.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        loc.push(LocItem::from(field));
        errors.missing(loc);
        return;
    }
    let kind = if message.starts_with("invalid type") {
        "type_error"
    } else if message.starts_with("unknown field") {
        "extra_forbidden"
    } else if message.starts_with("unknown variant") || message.starts_with("unknown ") {
        "enum"
    } else {
        "value_error"
    };
    errors.push(loc, message, kind);
}

/// The text of the capture `{name}` of the route `template` in the request's `path`, as
/// sent (still percent-encoded); `None` where they do not line up. Segments are lined up
/// from the end: a router nested under a prefix sees the path without it, but its
/// matched route has it.
fn encoded_capture<'p>(template: &str, path: &'p str, name: &str) -> Option<&'p str> {
    if template.contains("{*") {
        return None;
    }
    let mut segments = path.rsplit('/');
    for pattern in template.rsplit('/') {
        let segment = segments.next()?;
        let Some((prefix, rest)) = pattern.split_once('{') else {
            if pattern != segment {
                return None;
            }
            continue;
        };
        let (capture, suffix) = rest.split_once('}')?;
        if capture == name {
            return segment.strip_prefix(prefix)?.strip_suffix(suffix);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::encoded_capture;

    #[test]
    fn captures_are_found_as_sent_lined_up_from_the_end() {
        let route = "/v1/items/{id}/files/{name}.json";
        assert_eq!(
            encoded_capture(route, "/v1/items/a%2Cb/files/x%2Ey.json", "id"),
            Some("a%2Cb")
        );
        assert_eq!(
            encoded_capture(route, "/v1/items/a/files/x%2Ey.json", "name"),
            Some("x%2Ey")
        );
        // Nested under `/v1`, the router sees the path without its prefix.
        assert_eq!(
            encoded_capture(route, "/items/a%2Cb/files/f.json", "id"),
            Some("a%2Cb")
        );
        assert_eq!(encoded_capture(route, "/items/a", "id"), None);
        assert_eq!(
            encoded_capture(route, "/v1/items/a/files/f.xml", "name"),
            None
        );
        assert_eq!(
            encoded_capture("/files/{*rest}", "/files/a/b", "rest"),
            None
        );
    }
}
