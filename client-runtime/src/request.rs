//! Building and sending one request: generated clients describe the path, parameters
//! and body; this module encodes them and applies the client's settings.

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;
use serde_json::Value;

use crate::client::Client;
use crate::encode::{self, Style};
use crate::error::{Error, RequestError};
use crate::response::CORRELATION_ID;

/// One request being described. Problems (a value that does not serialise, an
/// invalid header value) are kept and reported by [`Request::send`], so generated
/// code describes the whole request without checking each step.
#[derive(Debug)]
pub struct Request {
    client: Client,
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    cookies: String,
    body: Option<Body>,
    error: Option<RequestError>,
}

#[derive(Debug)]
enum Body {
    Bytes(HeaderValue, Bytes),
    Multipart(reqwest::multipart::Form),
}

fn value_of<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, RequestError> {
    serde_json::to_value(value).map_err(|error| RequestError::Parameter {
        name: name.to_owned(),
        message: error.to_string(),
    })
}

fn header_name(name: &str) -> Result<HeaderName, RequestError> {
    HeaderName::try_from(name).map_err(|_| RequestError::Parameter {
        name: name.to_owned(),
        message: "not a valid header name".to_owned(),
    })
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, RequestError> {
    HeaderValue::try_from(value).map_err(|_| RequestError::Parameter {
        name: name.to_owned(),
        message: "the value cannot be sent in a header (control characters)".to_owned(),
    })
}

fn media_type(media_type: &str) -> HeaderValue {
    HeaderValue::try_from(media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

impl Request {
    /// A `method` request with `client`'s settings; the path starts empty.
    pub fn new(client: &Client, method: Method) -> Self {
        Request {
            client: client.clone(),
            method,
            path: String::new(),
            query: String::new(),
            headers: HeaderMap::new(),
            cookies: String::new(),
            body: None,
            error: None,
        }
    }

    fn keep(&mut self, result: Result<(), RequestError>) {
        if let Err(error) = result {
            self.error.get_or_insert(error);
        }
    }

    /// Appends literal text of the path template.
    pub fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded.
    pub fn path_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &T,
    ) {
        let result = value_of(name, value)
            .and_then(|value| encode::path(name, style, explode, &value, &mut self.path));
        self.keep(result);
    }

    /// Adds a query parameter (nothing when the value is `None`).
    pub fn query<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &T,
    ) {
        let result = value_of(name, value)
            .and_then(|value| encode::query(name, style, explode, false, &value, &mut self.query));
        self.keep(result);
    }

    /// Adds a query parameter whose value may keep RFC 3986 reserved characters
    /// (`allowReserved: true`).
    pub fn query_reserved<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        style: Style,
        explode: bool,
        value: &T,
    ) {
        let result = value_of(name, value)
            .and_then(|value| encode::query(name, style, explode, true, &value, &mut self.query));
        self.keep(result);
    }

    /// Adds a query parameter whose value is JSON text (`content: application/json`).
    pub fn query_json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let result = value_of(name, value).and_then(|value| {
            if value.is_null() {
                return Ok(());
            }
            let text = Value::String(value.to_string());
            encode::query(name, Style::Form, true, false, &text, &mut self.query)
        });
        self.keep(result);
    }

    /// Adds a header parameter (`simple` style; nothing when the value is `None`).
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, explode: bool, value: &T) {
        let result = value_of(name, value).and_then(|value| {
            if let Some(text) = encode::header(name, explode, &value)? {
                self.headers
                    .append(header_name(name)?, header_value(name, &text)?);
            }
            Ok(())
        });
        self.keep(result);
    }

    /// Adds a cookie parameter (`form` style; nothing when the value is `None`).
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, explode: bool, value: &T) {
        let result = value_of(name, value)
            .and_then(|value| encode::cookie(name, explode, &value, &mut self.cookies));
        self.keep(result);
    }

    /// Sends `x-correlation-id` when given.
    pub fn correlation_id(&mut self, id: Option<&str>) {
        if let Some(id) = id {
            let result = header_value(CORRELATION_ID, id)
                .map(|value| self.headers.insert(CORRELATION_ID, value))
                .map(|_| ());
            self.keep(result);
        }
    }

    /// A JSON body, sent as `media_type`.
    pub fn json_body<T: Serialize + ?Sized>(&mut self, media_type_: &str, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(Body::Bytes(media_type(media_type_), bytes.into())),
            Err(error) => self.keep(Err(RequestError::Body {
                media_type: media_type_.to_owned(),
                message: error.to_string(),
            })),
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, media_type_: &str, body: &T) {
        match serde_urlencoded::to_string(body) {
            Ok(text) => self.body = Some(Body::Bytes(media_type(media_type_), text.into())),
            Err(error) => self.keep(Err(RequestError::Body {
                media_type: media_type_.to_owned(),
                message: error.to_string(),
            })),
        }
    }

    /// A text body.
    pub fn text_body(&mut self, media_type_: &str, body: String) {
        self.body = Some(Body::Bytes(media_type(media_type_), body.into()));
    }

    /// A body of raw bytes.
    pub fn bytes_body(&mut self, media_type_: &str, body: Bytes) {
        self.body = Some(Body::Bytes(media_type(media_type_), body));
    }

    /// A `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: reqwest::multipart::Form) {
        self.body = Some(Body::Multipart(form));
    }

    /// Builds the request, runs the client's hooks and authorizer, and sends it; the
    /// response's body is not read yet.
    pub async fn send<E>(self) -> Result<reqwest::Response, Error<E>> {
        self.execute().await.map_err(Error::widen)
    }

    /// What [`Request::send`] does, not generic, so that it is compiled once.
    pub(crate) async fn execute(self) -> Result<reqwest::Response, Error<Infallible>> {
        if let Some(error) = self.error {
            return Err(Error::Request(error));
        }
        let inner = self.client.inner();
        if encode::has_dot_segment(&self.path) {
            return Err(Error::Request(RequestError::Url {
                url: self.path,
                message: "a `.` or `..` path segment would be resolved away".to_owned(),
            }));
        }
        let mut url =
            String::with_capacity(inner.base_url.len() + self.path.len() + self.query.len() + 1);
        url.push_str(&inner.base_url);
        url.push_str(&self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        let parsed = reqwest::Url::parse(&url).map_err(|error| RequestError::Url {
            url: url.clone(),
            message: error.to_string(),
        })?;
        let mut builder = inner.http.request(self.method, parsed);
        let mut headers = inner.default_headers.clone();
        for (name, value) in self.headers {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        if !self.cookies.is_empty() {
            let cookies = header_value("cookie", &self.cookies)?;
            headers.insert(http::header::COOKIE, cookies);
        }
        match self.body {
            Some(Body::Bytes(content_type, bytes)) => {
                headers.insert(http::header::CONTENT_TYPE, content_type);
                builder = builder.body(bytes);
            }
            Some(Body::Multipart(form)) => builder = builder.multipart(form),
            None => {}
        }
        let mut request = builder.headers(headers).build()?;
        for hook in &inner.hooks {
            hook(&mut request).map_err(RequestError::Authorize)?;
        }
        if let Some(authorizer) = &inner.authorizer {
            authorizer
                .authorize(&mut request)
                .await
                .map_err(RequestError::Authorize)?;
        }
        Ok(inner.http.execute(request).await?)
    }
}
