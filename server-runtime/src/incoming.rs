//! One incoming request, taken apart for a generated handler: path, query, header and
//! cookie parameters and the body, each parsed into its type, with every problem
//! collected into [`ValidationErrors`].

use axum::extract::{FromRequestParts, RawPathParams, Request};
use bytes::Bytes;
use http::header;
use serde::de::DeserializeOwned;

use crate::context::RequestContext;
use crate::error::{LocItem, Rejection, ValidationErrors};
use crate::param::{self, Query, Style};

/// The largest body read by default: 2 MiB, as axum's own default.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// A request being decoded by a generated handler.
pub struct Incoming {
    parts: http::request::Parts,
    body: Option<axum::body::Body>,
    /// The router's percent-decoded path parameters (shared, not copied).
    path_params: Option<RawPathParams>,
    query: Query,
    body_limit: usize,
}

impl Incoming {
    /// Takes a request apart; `body_limit` bounds how much of the body is read.
    pub async fn new(request: Request, body_limit: usize) -> Incoming {
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
            body_limit,
        }
    }

    /// The handler's [`RequestContext`], once everything has been decoded.
    pub fn into_context(self) -> RequestContext {
        RequestContext::new(self.parts)
    }

    /// A path parameter (always required).
    pub fn path<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        let found = self
            .path_params
            .iter()
            .flat_map(RawPathParams::iter)
            .find(|(n, _)| *n == name);
        let Some((_, raw)) = found else {
            errors.missing(vec!["path".into(), name.into()]);
            return None;
        };
        match param::path(raw) {
            Ok(value) => Some(value),
            Err(error) => {
                errors.param("path", name, error);
                None
            }
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

    /// The body as JSON: `Ok(Some(None))` when an optional body is absent, `Ok(None)`
    /// when it is rejected (the problem is recorded). A media type other than JSON is
    /// a 415, a body over the limit a 413.
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
        if !self.content_type_is_json() {
            return Err(Rejection::UnsupportedMediaType);
        }
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if object && first.is_some_and(|b| *b != b'{') && first != Some(&b'n') {
            errors.push(
                vec!["body".into()],
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
                    vec!["body".into()],
                    "Input should be valid UTF-8 text",
                    "string_unicode",
                );
                Ok(None)
            }
        }
    }

    /// The body as it came, with its media type, for media types this runtime does not
    /// decode (binary, and for now forms and multipart).
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

    /// The whole body, at most the limit.
    async fn bytes(&mut self) -> Result<Bytes, Rejection> {
        let Some(body) = self.body.take() else {
            return Ok(Bytes::new());
        };
        axum::body::to_bytes(body, self.body_limit)
            .await
            .map_err(|error| {
                let too_large = std::error::Error::source(&error)
                    .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
                if too_large {
                    Rejection::PayloadTooLarge
                } else {
                    Rejection::BadRequest
                }
            })
    }

    /// Whether the request declares JSON (or declares nothing, as FastAPI accepts).
    fn content_type_is_json(&self) -> bool {
        let Some(value) = self.parts.headers.get(header::CONTENT_TYPE) else {
            return true;
        };
        let Ok(value) = value.to_str() else {
            return false;
        };
        let essence = value.split(';').next().unwrap_or_default().trim();
        let suffix = essence
            .len()
            .checked_sub(5)
            .and_then(|at| essence.get(at..));
        essence.eq_ignore_ascii_case("application/json")
            || suffix.is_some_and(|suffix| suffix.eq_ignore_ascii_case("+json"))
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

/// An empty body: missing if required (recorded), else absent.
fn absent<T>(required: bool, errors: &mut ValidationErrors) -> Option<Option<T>> {
    if required {
        errors.missing(vec!["body".into()]);
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
    let mut loc: Vec<LocItem> = vec!["body".into()];
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => loc.push(LocItem::Index(*index)),
            serde_path_to_error::Segment::Map { key } => loc.push(LocItem::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => {
                loc.push(LocItem::Key(variant.clone()))
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
        loc.push(LocItem::Key(field.to_owned()));
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
