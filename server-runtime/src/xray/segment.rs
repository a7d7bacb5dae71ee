//! X-Ray segment documents: the JSON the daemon forwards to `PutTraceSegments`, and
//! the rules X-Ray sets for names, annotation keys and timestamps.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

/// The longest segment or subsegment name X-Ray accepts, in characters.
const MAX_NAME_CHARS: usize = 200;

/// The longest annotation key X-Ray accepts, in characters.
const MAX_ANNOTATION_KEY_CHARS: usize = 500;

/// The longest annotation string value X-Ray accepts, in characters.
const MAX_ANNOTATION_VALUE_CHARS: usize = 1000;

/// The metadata namespace span fields are recorded under.
pub(crate) const METADATA_NAMESPACE: &str = "default";

/// A segment, subsegment or exception id: 16 hex digits in documents, a number
/// until then (so drawing one allocates nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SegmentId(pub u64);

impl SegmentId {
    /// A new random id.
    pub fn random() -> Self {
        SegmentId(uuid::Uuid::new_v4().as_u128() as u64)
    }

    /// The 16 lowercase hex digits.
    fn hex(self) -> [u8; 16] {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0; 16];
        for (index, digit) in out.iter_mut().enumerate() {
            *digit = DIGITS[(self.0 >> (60 - 4 * index) & 0xf) as usize];
        }
        out
    }
}

impl fmt::Display for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::str::from_utf8(&self.hex()).unwrap_or_default())
    }
}

impl Serialize for SegmentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(std::str::from_utf8(&self.hex()).unwrap_or_default())
    }
}

/// A name already fit for a document (see [`sanitize_name`]): borrowed from a span's
/// metadata, shared by every request (the service), or made for one document.
#[derive(Debug, Clone)]
pub(crate) enum Name {
    Static(&'static str),
    Shared(Arc<str>),
    Owned(String),
}

impl Name {
    /// The name of a span: itself when X-Ray accepts it as it is.
    pub fn of_span(name: &'static str) -> Name {
        if is_valid_name(name) {
            Name::Static(name)
        } else {
            Name::Owned(sanitize_name(name))
        }
    }

    /// `name`, sanitized once, for many documents.
    pub fn shared(name: &str) -> Name {
        Name::Shared(sanitize_name(name).into())
    }

    pub fn as_str(&self) -> &str {
        match self {
            Name::Static(name) => name,
            Name::Shared(name) => name,
            Name::Owned(name) => name,
        }
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Key-value pairs in insertion order, serialized as a JSON object (setting a key
/// again replaces its value in place, as a map would).
#[derive(Debug, Clone, Default)]
pub(crate) struct Pairs(pub Vec<(Cow<'static, str>, Value)>);

impl Pairs {
    pub fn set(&mut self, key: Cow<'static, str>, value: Value) {
        match self.0.iter_mut().find(|(known, _)| *known == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl Serialize for Pairs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A document's `metadata`: span fields under the [`METADATA_NAMESPACE`].
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata(pub Pairs);

impl Metadata {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl Serialize for Metadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(METADATA_NAMESPACE, &self.0)?;
        map.end()
    }
}

/// A segment or subsegment document.
///
/// A nested subsegment (inside its parent's `subsegments`) leaves `trace_id`,
/// `parent_id` and `type` out; an independent one (sent on its own) has all three.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Document {
    /// The segment's service name, or the subsegment's operation.
    pub name: Name,
    /// 16 hex digits.
    pub id: SegmentId,
    /// Set on segments and independent subsegments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// The calling segment or subsegment, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// `"subsegment"` on independent subsegments; absent otherwise.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Epoch seconds, microsecond precision.
    pub start_time: f64,
    /// Epoch seconds, microsecond precision.
    pub end_time: f64,
    /// The kind of resource running the service (segments only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Name>,
    /// The request served and the response given (segments only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<Http>,
    /// A server error (5xx, or an error inside).
    #[serde(skip_serializing_if = "is_false")]
    pub fault: bool,
    /// A client error (4xx).
    #[serde(skip_serializing_if = "is_false")]
    pub error: bool,
    /// Throttled (429).
    #[serde(skip_serializing_if = "is_false")]
    pub throttle: bool,
    /// The errors that made this a fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// Indexed key-value pairs (string, number or boolean values).
    #[serde(skip_serializing_if = "Pairs::is_empty")]
    pub annotations: Pairs,
    /// Unindexed data by namespace.
    #[serde(skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
    /// Nested subsegments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subsegments: Vec<Document>,
}

impl Document {
    /// A document with only the required fields (the name sanitized).
    #[cfg(test)]
    pub fn new(name: &str, id: SegmentId, start_time: f64, end_time: f64) -> Self {
        Document::named(Name::Owned(sanitize_name(name)), id, start_time, end_time)
    }

    /// [`Document::new`] with a name already sanitized.
    pub fn named(name: Name, id: SegmentId, start_time: f64, end_time: f64) -> Self {
        Document {
            name,
            id,
            trace_id: None,
            parent_id: None,
            kind: None,
            start_time,
            end_time,
            origin: None,
            http: None,
            fault: false,
            error: false,
            throttle: false,
            cause: None,
            annotations: Pairs::default(),
            metadata: Metadata::default(),
            subsegments: Vec::new(),
        }
    }

    /// Turns a nested subsegment into one sent on its own.
    pub fn make_independent(&mut self, trace_id: &str, parent_id: SegmentId) {
        self.kind = Some("subsegment");
        self.trace_id = Some(trace_id.to_owned());
        self.parent_id = Some(parent_id.to_string());
    }

    /// Sets `fault`, `error` and `throttle` from an HTTP status.
    pub fn set_status_flags(&mut self, status: u16) {
        match status {
            500..=599 => self.fault = true,
            429 => {
                self.error = true;
                self.throttle = true;
            }
            400..=499 => self.error = true,
            _ => {}
        }
    }

    /// Adds an annotation, its key sanitized and a string value shortened to X-Ray's limits.
    /// (Keys are field names or the layer's own: borrowed when valid as they are.)
    pub fn annotate(&mut self, key: &'static str, value: Value) {
        let key = if is_valid_annotation_key(key) {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(sanitize_annotation_key(key))
        };
        self.annotations.set(key, shorten_annotation(value));
    }
}

/// A string value shortened to X-Ray's annotation limit.
fn shorten_annotation(value: Value) -> Value {
    match value {
        // Never more characters than bytes: most values need no counting.
        Value::String(text)
            if text.len() > MAX_ANNOTATION_VALUE_CHARS
                && text.chars().count() > MAX_ANNOTATION_VALUE_CHARS =>
        {
            Value::String(text.chars().take(MAX_ANNOTATION_VALUE_CHARS).collect())
        }
        other => other,
    }
}

/// `false`, for `skip_serializing_if`.
fn is_false(value: &bool) -> bool {
    !*value
}

/// A segment's `http` object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Http {
    /// The request.
    pub request: HttpRequest,
    /// The response, when a status was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<HttpResponse>,
}

/// A segment's `http.request`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HttpRequest {
    /// The request method.
    pub method: String,
    /// The request path (the server does not know the full URL the client used).
    pub url: String,
}

/// A segment's `http.response`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HttpResponse {
    /// The response status.
    pub status: u16,
}

/// A document's `cause`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cause {
    /// The errors, most recent last.
    pub exceptions: Vec<Exception>,
}

/// One entry of `cause.exceptions`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Exception {
    /// 16 hex digits, unique in the trace.
    pub id: SegmentId,
    /// What went wrong.
    pub message: String,
}

/// Now, as X-Ray timestamps it.
pub(crate) fn now() -> f64 {
    epoch_seconds(SystemTime::now())
}

/// Epoch seconds with a microsecond fraction (so it prints as `1718000000.123456`).
pub(crate) fn epoch_seconds(time: SystemTime) -> f64 {
    let micros = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros());
    // Below 2^53 until the year 2255, so the division is correctly rounded.
    micros as f64 / 1_000_000.0
}

/// A segment or subsegment name X-Ray accepts: at most 200 characters, each a
/// Unicode letter or digit, whitespace, or one of `_ . : / % & # = + \ - @`; every
/// other character becomes `_`, and an empty name becomes `_`.
pub(crate) fn sanitize_name(name: &str) -> String {
    let sanitized: String = name
        .chars()
        .take(MAX_NAME_CHARS)
        .map(|c| if allowed_in_name(c) { c } else { '_' })
        .collect();
    if sanitized.is_empty() {
        "_".to_owned()
    } else {
        sanitized
    }
}

/// Whether X-Ray accepts `c` in a name.
fn allowed_in_name(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/%&#=+\\-@".contains(c)
}

/// Whether [`sanitize_name`] would leave `name` as it is.
fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= MAX_NAME_CHARS && name.chars().all(allowed_in_name)
}

/// Whether [`sanitize_annotation_key`] would leave `key` as it is.
fn is_valid_annotation_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_ANNOTATION_KEY_CHARS
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// An annotation key X-Ray indexes: ASCII letters, digits and `_` only (others become
/// `_`), at most 500 characters, never empty.
pub(crate) fn sanitize_annotation_key(key: &str) -> String {
    let sanitized: String = key
        .chars()
        .take(MAX_ANNOTATION_KEY_CHARS)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if sanitized.is_empty() {
        "_".to_owned()
    } else {
        sanitized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_allowed_characters_only() {
        assert_eq!(sanitize_name("GET /items/{id}"), "GET /items/_id_");
        assert_eq!(sanitize_name("fetch-item-details"), "fetch-item-details");
        assert_eq!(sanitize_name("café #1 = a+b@c\\d%"), "café #1 = a+b@c\\d%");
        assert_eq!(sanitize_name("a<b>\"c'"), "a_b__c_");
        assert_eq!(sanitize_name(""), "_");
        assert_eq!(sanitize_name(&"x".repeat(300)).chars().count(), 200);
    }

    #[test]
    fn span_names_are_borrowed_when_valid_and_ids_are_hex() {
        assert!(matches!(
            Name::of_span("fetch-item"),
            Name::Static("fetch-item")
        ));
        assert_eq!(Name::of_span("a<b>").as_str(), "a_b_");
        assert_eq!(Name::of_span("").as_str(), "_");
        assert_eq!(
            SegmentId(0x53995c3f42cd8ad8).to_string(),
            "53995c3f42cd8ad8"
        );
        assert_eq!(SegmentId(7).to_string(), "0000000000000007");
        assert_eq!(
            serde_json::to_string(&SegmentId(u64::MAX)).unwrap(),
            "\"ffffffffffffffff\""
        );
    }

    #[test]
    fn annotation_keys_are_alphanumeric_or_underscore() {
        assert_eq!(sanitize_annotation_key("correlation_id"), "correlation_id");
        assert_eq!(sanitize_annotation_key("http.route"), "http_route");
        assert_eq!(sanitize_annotation_key("é-x"), "__x");
        assert_eq!(sanitize_annotation_key(""), "_");
    }

    #[test]
    fn timestamps_print_with_microseconds() {
        let time = UNIX_EPOCH + std::time::Duration::from_micros(1_718_000_000_123_456);
        assert_eq!(
            serde_json::to_string(&epoch_seconds(time)).unwrap(),
            "1718000000.123456"
        );
    }

    #[test]
    fn statuses_set_the_right_flag() {
        let flags = |status| {
            let mut document = Document::new("n", SegmentId(0), 0.0, 0.0);
            document.set_status_flags(status);
            (document.fault, document.error, document.throttle)
        };
        assert_eq!(flags(200), (false, false, false));
        assert_eq!(flags(404), (false, true, false));
        assert_eq!(flags(429), (false, true, true));
        assert_eq!(flags(503), (true, false, false));
    }
}
