//! What the layer reads from span and event fields.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;
use tracing::field::{Field, Visit};

use super::segment::Pairs;

/// The prefix of span fields recorded as annotations rather than metadata:
/// `#[instrument(fields(annotation.item_id = %id))]` annotates `item_id`.
const ANNOTATION_PREFIX: &str = "annotation.";

/// The fields of the request span, as the request layer records them.
#[derive(Debug, Default)]
pub(crate) struct RequestFields {
    /// `http.method`.
    pub method: Option<String>,
    /// `http.route`: the route template, empty when no route matched.
    pub route: Option<String>,
    /// `http.path`.
    pub path: Option<String>,
    /// `http.status_code`.
    pub status: Option<u16>,
    /// `correlation_id`.
    pub correlation_id: Option<String>,
    /// `xray_trace_id`.
    pub trace_id: Option<String>,
    /// `xray_parent_id`: the upstream segment, or on Lambda the invocation's facade.
    pub parent_id: Option<String>,
    /// `xray_sampled`.
    pub sampled: Option<bool>,
    /// `function_request_id`: set only on Lambda.
    pub function_request_id: Option<String>,
    /// `error`: true on 5xx.
    pub error: bool,
}

impl RequestFields {
    /// Records one textual value.
    fn record_text(&mut self, field: &Field, text: String) {
        let slot = match field.name() {
            "http.method" => &mut self.method,
            "http.route" => &mut self.route,
            "http.path" => &mut self.path,
            "correlation_id" => &mut self.correlation_id,
            "xray_trace_id" => &mut self.trace_id,
            "xray_parent_id" => &mut self.parent_id,
            "function_request_id" => &mut self.function_request_id,
            "http.status_code" => {
                self.status = text.parse().ok();
                return;
            }
            "xray_sampled" => {
                self.sampled = text.parse().ok();
                return;
            }
            "error" => {
                self.error = text == "true";
                return;
            }
            _ => return,
        };
        *slot = Some(text);
    }

    /// Records one integer value.
    fn record_integer(&mut self, field: &Field, value: i128) {
        if field.name() == "http.status_code" {
            self.status = u16::try_from(value).ok();
        }
    }
}

impl Visit for RequestFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_text(field, value.to_owned());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record_integer(field, value.into());
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_integer(field, value.into());
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        match field.name() {
            "xray_sampled" => self.sampled = Some(value),
            "error" => self.error = value,
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_text(field, format!("{value:?}"));
    }
}

/// The fields of a span nested in a request: metadata, annotations, and whether
/// it failed.
#[derive(Debug, Default)]
pub(crate) struct SpanFields {
    /// Every field but annotations, by name.
    pub metadata: Pairs,
    /// Fields named `annotation.<key>`, by key (not yet sanitized).
    pub annotations: Vec<(&'static str, Value)>,
    /// An `error` field that is not `false`.
    pub failed: bool,
    /// The text of a non-boolean `error` field.
    pub error_message: Option<String>,
}

impl SpanFields {
    /// Records one value.
    fn record_value(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if let Some(key) = name.strip_prefix(ANNOTATION_PREFIX) {
            match self.annotations.iter_mut().find(|(known, _)| *known == key) {
                Some(slot) => slot.1 = value,
                None => self.annotations.push((key, value)),
            }
            return;
        }
        if name == "error" {
            self.failed = value != Value::Bool(false);
            self.error_message = value.as_str().map(str::to_owned);
        }
        self.metadata.set(Cow::Borrowed(name), value);
    }
}

impl Visit for SpanFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_value(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.record_value(field, Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_value(field, Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // Non-finite numbers are not JSON; they become `null`.
        self.record_value(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.record_value(field, Value::from(value));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record_value(field, Value::from(format!("{value:?}")));
    }
}

/// The message and `error` field of an ERROR event.
#[derive(Debug, Default)]
pub(crate) struct EventFields {
    message: Option<String>,
    error: Option<String>,
}

impl EventFields {
    /// The exception message: `message: error`, or whichever of the two there is.
    pub fn into_message(self) -> String {
        match (self.message, self.error) {
            (Some(message), Some(error)) => format!("{message}: {error}"),
            (Some(text), None) | (None, Some(text)) => text,
            (None, None) => "error".to_owned(),
        }
    }
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = Some(format!("{value:?}")),
            "error" => self.error = Some(format!("{value:?}")),
            _ => {}
        }
    }
}
