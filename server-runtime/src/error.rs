//! FastAPI-compatible error responses: validation failures (422) listing every problem,
//! and the JSON 404, 405, 413, 415 and 500 of DESIGN.md's wire contract.

use std::borrow::Cow;
use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;

use crate::param::ParamError;

/// An error a handler returns: any error type converts with `?`. It becomes the safe
/// `500 {"detail":"Internal Server Error"}` and is logged, never sent to the client.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// An error and its sources, displayed `outer: inner: root`: the whole story of an
/// error whose parts each say only their own part (as the errors of the oapi-gen
/// runtime crates do). For logs and the last words of a `main`.
#[derive(Debug, Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

/// One element of a validation error's location: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum LocItem {
    /// `"body"`, `"query"`, a parameter or property name: borrowed when it is a name
    /// from the document (generated code pushes these on every validated request, so
    /// they must not allocate), owned when it comes from the request (a map key).
    Key(Cow<'static, str>),
    /// An array index.
    Index(usize),
}

impl LocItem {
    /// A key known at compile time, without allocating.
    pub const fn key(key: &'static str) -> Self {
        LocItem::Key(Cow::Borrowed(key))
    }
}

impl From<&str> for LocItem {
    fn from(key: &str) -> Self {
        LocItem::Key(Cow::Owned(key.to_owned()))
    }
}

impl From<String> for LocItem {
    fn from(key: String) -> Self {
        LocItem::Key(Cow::Owned(key))
    }
}

/// One validation problem, as FastAPI reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// Where: `["path", "item_id"]`, `["body", "tags", 2]`, …
    pub loc: Vec<LocItem>,
    /// What is wrong, for humans.
    pub msg: String,
    /// What is wrong, for programs (pydantic's error types: `missing`, `int_parsing`, …).
    #[serde(rename = "type")]
    pub kind: String,
}

/// Every validation problem of one request, collected before answering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    errors: Vec<ValidationError>,
}

impl ValidationErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn push(&mut self, loc: Vec<LocItem>, msg: impl Into<String>, kind: impl Into<String>) {
        self.errors.push(ValidationError {
            loc,
            msg: msg.into(),
            kind: kind.into(),
        });
    }

    /// Records a rejected parameter value, located at `[location, name]`.
    pub fn param(&mut self, location: &str, name: &str, error: ParamError) {
        self.push(vec![location.into(), name.into()], error.msg, error.kind);
    }

    /// Records a missing required parameter or body.
    pub fn missing(&mut self, loc: Vec<LocItem>) {
        self.push(loc, "Field required", "missing");
    }

    /// Whether no problem was recorded.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems recorded so far.
    pub fn errors(&self) -> &[ValidationError] {
        &self.errors
    }
}

/// Why a request was refused before reaching its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Parameters or body failed validation: 422 with every problem.
    Validation(ValidationErrors),
    /// The body's media type is not one the operation accepts: 415.
    UnsupportedMediaType,
    /// The body is larger than the configured limit: 413.
    PayloadTooLarge,
    /// The body could not be read (the connection broke): 400.
    BadRequest,
}

#[derive(Serialize)]
struct Detail<T> {
    detail: T,
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Validation(errors) => json(
                StatusCode::UNPROCESSABLE_ENTITY,
                &Detail {
                    detail: errors.errors,
                },
            ),
            Rejection::UnsupportedMediaType => {
                detail(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type")
            }
            Rejection::PayloadTooLarge => {
                detail(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large")
            }
            Rejection::BadRequest => detail(StatusCode::BAD_REQUEST, "Bad Request"),
        }
    }
}

impl From<ValidationErrors> for Rejection {
    fn from(errors: ValidationErrors) -> Self {
        Rejection::Validation(errors)
    }
}

/// `{"detail": message}` with `status`.
pub fn detail(status: StatusCode, message: &str) -> Response {
    json(status, &Detail { detail: message })
}

/// The answer to a handler error: logged with its source chain, and a 500 whose body
/// says nothing about it.
pub fn internal_error(error: &HandlerError) -> Response {
    tracing::error!(error = %ErrorChain(&**error), "handler failed");
    detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// A JSON response; a value that cannot be serialised is logged and answered with 500.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    // Most bodies fit without growing the buffer (serde_json's own starts at 128).
    let mut bytes = Vec::with_capacity(256);
    match serde_json::to_writer(&mut bytes, body) {
        Ok(()) => {
            let mut response = Response::new(axum::body::Body::from(bytes));
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(error) => {
            tracing::error!(%error, "response body does not serialise");
            let mut response = (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"detail":"Internal Server Error"}"#,
            )
                .into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
    }
}

/// The layer generated routers wrap themselves in: a panicking handler is answered
/// with the safe 500 (the panic message is logged), and the process keeps serving.
pub fn catch_panics()
-> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send>) -> Response> {
    tower_http::catch_panic::CatchPanicLayer::custom(panic_response)
}

fn panic_response(panic: Box<dyn std::any::Any + Send>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with a non-string payload".to_owned());
    tracing::error!(panic = %message, "handler panicked");
    detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// The router's fallback for unknown paths: `404 {"detail":"Not Found"}`.
pub async fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not Found")
}

/// The router's fallback for a known path with another method:
/// `405 {"detail":"Method Not Allowed"}` (axum adds the `Allow` header).
pub async fn method_not_allowed() -> Response {
    detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> (StatusCode, serde_json::Value) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn validation_errors_have_fastapi_shape() {
        let mut errors = ValidationErrors::new();
        errors.missing(vec!["body".into(), "name".into()]);
        errors.push(
            vec!["body".into(), "tags".into(), LocItem::Index(2)],
            "Input should be a valid string",
            "string_type",
        );
        let (status, json) = body(Rejection::from(errors).into_response()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            json,
            serde_json::json!({"detail": [
                {"loc": ["body", "name"], "msg": "Field required", "type": "missing"},
                {"loc": ["body", "tags", 2], "msg": "Input should be a valid string", "type": "string_type"},
            ]})
        );
    }

    #[tokio::test]
    async fn internal_errors_say_nothing_about_the_cause() {
        let error: HandlerError = "database password is hunter2".into();
        let (status, json) = body(internal_error(&error)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(json, serde_json::json!({"detail": "Internal Server Error"}));
    }
}
