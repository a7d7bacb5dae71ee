//! The JSON log layer: one flat JSON object per event, Powertools' keys first, then
//! the event's fields and those of its spans as top-level keys.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, Filter};
use tracing_subscriber::registry::LookupSpan;

use super::{Config, Writer, encode};
use crate::error::ErrorChain;

/// The target of the request span (see [`layer`](super::layer)).
pub const REQUEST_TARGET: &str = "oapi_gen::request";

/// The request span's fields that go on every log line of the request, in the
/// order the request layer records them (and lines show them); its other fields
/// (`http.*`, `xray_parent_id`, `xray_sampled`, `error`) are for tracing.
const REQUEST_KEYS: [&str; 6] = [
    "correlation_id",
    "xray_trace_id",
    "function_request_id",
    "function_name",
    "function_arn",
    "function_memory_size",
];

/// Keys the layer writes itself; event and span fields with these names are left out.
const OWN_KEYS: [&str; 6] = [
    "level",
    "location",
    "message",
    "timestamp",
    "service",
    "cold_start",
];

/// Field names whose values are never logged (compared ignoring case, `-` and `_`
/// alike): the key stays, its value becomes `"[REDACTED]"`.
const SENSITIVE: [&str; 11] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-amz-security-token",
    "password",
    "secret",
    "token",
    "api_key",
    "aws_secret_access_key",
    "x-api-key",
];

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[REDACTED]";

thread_local! {
    /// Set by the request layer around the creation of the process's first request
    /// span, so that span (and every line in it) says `"cold_start":true`.
    static COLD_START_NEXT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `create` (which creates a request span) telling the log layer whether that
/// request is the cold start.
pub(super) fn with_cold_start<T>(cold_start: bool, create: impl FnOnce() -> T) -> T {
    if !cold_start {
        return create();
    }
    COLD_START_NEXT.set(true);
    let created = create();
    COLD_START_NEXT.set(false);
    created
}

/// Whether `name` is one of the [`SENSITIVE`] field names.
fn is_sensitive(name: &str) -> bool {
    SENSITIVE.iter().any(|sensitive| {
        sensitive.len() == name.len()
            && sensitive.bytes().zip(name.bytes()).all(|(s, n)| {
                let n = if n == b'_' {
                    b'-'
                } else {
                    n.to_ascii_lowercase()
                };
                let s = if s == b'_' { b'-' } else { s };
                s == n
            })
    })
}

fn is_request_span(metadata: &Metadata<'_>) -> bool {
    metadata.is_span() && metadata.target() == REQUEST_TARGET && metadata.name() == "request"
}

/// The JSON log layer of [`init`](super::init): writes every enabled event as one
/// JSON line to the configured [`Writer`].
#[derive(Debug)]
pub struct JsonLogLayer {
    /// `"service":"…"`, escaped once.
    service: Box<[u8]>,
    writer: Writer,
    /// Whether a request span was seen (logs outside requests are then warm).
    served: AtomicBool,
}

impl JsonLogLayer {
    /// The layer for `config`'s service and writer (level filtering is the
    /// [`LogFilter`]'s job).
    pub fn new(config: &Config) -> Self {
        let mut service = Vec::new();
        encode::key(&mut service, "service");
        encode::string(&mut service, &config.service);
        JsonLogLayer {
            service: service.into_boxed_slice(),
            writer: config.writer.clone(),
            served: AtomicBool::new(false),
        }
    }
}

/// The per-layer filter of [`JsonLogLayer`]: events at the configured level or more
/// severe; spans at INFO or more severe (and more verbose ones when the level allows
/// them), so WARN and ERROR lines keep their request's keys.
#[derive(Debug, Clone, Copy)]
pub struct LogFilter {
    level: Level,
}

impl LogFilter {
    /// Events up to `level`.
    pub fn new(level: Level) -> Self {
        LogFilter { level }
    }

    fn allows(&self, metadata: &Metadata<'_>) -> bool {
        let level = if metadata.is_span() {
            self.level.max(Level::INFO)
        } else {
            self.level
        };
        *metadata.level() <= level
    }
}

impl<S> Filter<S> for LogFilter {
    fn enabled(&self, metadata: &Metadata<'_>, _: &Context<'_, S>) -> bool {
        self.allows(metadata)
    }

    fn callsite_enabled(
        &self,
        metadata: &'static Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if self.allows(metadata) {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(self.level.max(Level::INFO).into())
    }
}

/// The longest text a span keeps without allocating (a UUID, an X-Ray trace id, a
/// route template or a function name usually fit).
const INLINE: usize = 46;

/// Text recorded on a span: short values inline, longer ones on the heap.
#[derive(Debug)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    fn new(text: &str) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            Text::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            Text::Heap(text.into())
        }
    }

    /// The UTF-8 of the text.
    fn as_bytes(&self) -> &[u8] {
        match self {
            Text::Inline { len, bytes } => &bytes[..usize::from(*len)],
            Text::Heap(text) => text.as_bytes(),
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        if text.len() <= INLINE {
            Text::new(&text)
        } else {
            Text::Heap(text.into_boxed_str())
        }
    }
}

/// One recorded field value.
#[derive(Debug)]
enum Value {
    Text(Text),
    Signed(i64),
    Unsigned(u64),
    Float(f64),
    Bool(bool),
}

impl Value {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::Text(text) => encode::string_bytes(out, text.as_bytes()),
            Value::Signed(value) => encode::integer(out, *value),
            Value::Unsigned(value) => encode::integer(out, *value),
            Value::Float(value) => encode::float(out, *value),
            Value::Bool(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        }
    }
}

/// A span's fields, kept in its extensions.
#[derive(Debug, Default)]
struct SpanFields {
    /// Any other span's fields, in recording order.
    fields: Vec<(&'static str, Value)>,
    /// For the request span: its [`REQUEST_KEYS`] (and nothing else).
    request: Option<RequestKeys>,
}

/// What the request span puts on every line.
#[derive(Debug, Default)]
struct RequestKeys {
    cold_start: bool,
    /// By [`REQUEST_KEYS`] index.
    values: [Option<Value>; REQUEST_KEYS.len()],
}

impl SpanFields {
    /// Whether the field goes on log lines (the request span keeps a few only).
    fn wants(&self, field: &Field) -> bool {
        self.request.is_none() || REQUEST_KEYS.contains(&field.name())
    }

    fn set(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if let Some(request) = &mut self.request {
            // None of the request keys is sensitive.
            if let Some(index) = REQUEST_KEYS.iter().position(|key| *key == name) {
                request.values[index] = Some(value);
            }
            return;
        }
        let value = if is_sensitive(name) {
            Value::Text(Text::new(REDACTED))
        } else {
            value
        };
        match self.fields.iter_mut().find(|(known, _)| *known == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name, value)),
        }
    }
}

impl Visit for SpanFields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field, Value::Float(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field, Value::Signed(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field, Value::Unsigned(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field, Value::Bool(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if self.wants(field) {
            self.set(field, Value::Text(Text::new(value)));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.wants(field) {
            self.set(field, Value::Text(ErrorChain(value).to_string().into()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.wants(field) {
            self.set(field, Value::Text(format!("{value:?}").into()));
        }
    }
}

/// Writes an event's fields (or only its message) straight into the line.
struct EventFields<'a> {
    out: &'a mut Vec<u8>,
    /// Keys already on the line.
    written: &'a mut Vec<&'static str>,
    /// Write only the `message` (first pass) or everything else (second pass).
    message: bool,
}

impl EventFields<'_> {
    /// Starts `"name":` when the field belongs to this pass and is not on the line
    /// yet; false when it is to be skipped.
    fn start(&mut self, field: &Field) -> bool {
        let name = field.name();
        if (name == "message") != self.message {
            return false;
        }
        if !self.message && (OWN_KEYS.contains(&name) || self.written.contains(&name)) {
            return false;
        }
        self.out.push(b',');
        encode::key(self.out, name);
        self.written.push(name);
        if is_sensitive(name) {
            encode::string(self.out, REDACTED);
            return false;
        }
        true
    }
}

impl Visit for EventFields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if self.start(field) {
            encode::float(self.out, value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.start(field) {
            encode::integer(self.out, value);
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if self.start(field) {
            encode::integer(self.out, value);
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.start(field) {
            self.out
                .extend_from_slice(if value { b"true" } else { b"false" });
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if self.start(field) {
            encode::string(self.out, value);
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.start(field) {
            encode::display(self.out, format_args!("{}", ErrorChain(value)));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if self.start(field) {
            encode::display(self.out, format_args!("{value:?}"));
        }
    }
}

fn level_name(level: &Level) -> &'static [u8] {
    match *level {
        Level::ERROR => b"ERROR",
        Level::WARN => b"WARN",
        Level::INFO => b"INFO",
        Level::DEBUG => b"DEBUG",
        Level::TRACE => b"TRACE",
    }
}

impl<S> Layer<S> for JsonLogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = SpanFields::default();
        if is_request_span(attrs.metadata()) {
            fields.request = Some(RequestKeys {
                cold_start: COLD_START_NEXT.get(),
                ..RequestKeys::default()
            });
            if !self.served.load(Ordering::Relaxed) {
                self.served.store(true, Ordering::Relaxed);
            }
        }
        attrs.record(&mut fields);
        span.extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        if let Some(fields) = span.extensions_mut().get_mut::<SpanFields>() {
            values.record(fields);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        WRITTEN.with(|written| match written.try_borrow_mut() {
            Ok(mut written) => self.line(event, &ctx, &mut written),
            Err(_) => self.line(event, &ctx, &mut Vec::new()),
        });
    }
}

thread_local! {
    /// The keys already on the line being built (kept between lines).
    static WRITTEN: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

impl JsonLogLayer {
    /// Builds and writes the line of `event`.
    fn line<S>(&self, event: &Event<'_>, ctx: &Context<'_, S>, written: &mut Vec<&'static str>)
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        written.clear();
        let metadata = event.metadata();
        let build = |out: &mut Vec<u8>| {
            out.extend_from_slice(b"{\"level\":\"");
            out.extend_from_slice(level_name(metadata.level()));
            out.extend_from_slice(b"\",\"location\":");
            let place = metadata.file().or(metadata.module_path()).unwrap_or("");
            encode::location(out, place, metadata.line().unwrap_or(0));
            event.record(&mut EventFields {
                out,
                written,
                message: true,
            });
            if written.is_empty() {
                out.extend_from_slice(b",\"message\":\"\"");
            }
            out.extend_from_slice(b",\"timestamp\":");
            encode::timestamp(out, SystemTime::now());
            out.push(b',');
            out.extend_from_slice(&self.service);
            out.extend_from_slice(b",\"cold_start\":");
            // The request span's keys come first, then the event's fields, then the
            // other spans' fields from the innermost out; the first of a name wins.
            let mut in_request = false;
            // Whether the second walk over the spans has something to find: a span
            // with fields inside the request span, or spans outside it.
            let mut others = false;
            for span in ctx.event_scope(event).into_iter().flatten() {
                let extensions = span.extensions();
                let Some(fields) = extensions.get::<SpanFields>() else {
                    continue;
                };
                let Some(request) = &fields.request else {
                    others |= !fields.fields.is_empty();
                    continue;
                };
                in_request = true;
                others |= span.parent().is_some();
                out.extend_from_slice(if request.cold_start {
                    b"true"
                } else {
                    b"false"
                });
                for (name, value) in REQUEST_KEYS.iter().zip(&request.values) {
                    if let Some(value) = value {
                        out.push(b',');
                        encode::key(out, name);
                        value.write(out);
                        written.push(name);
                    }
                }
                break;
            }
            if !in_request {
                let cold_start = !self.served.load(Ordering::Relaxed);
                out.extend_from_slice(if cold_start { b"true" } else { b"false" });
            }
            event.record(&mut EventFields {
                out,
                written,
                message: false,
            });
            let scope = others.then(|| ctx.event_scope(event)).flatten();
            for span in scope.into_iter().flatten() {
                let extensions = span.extensions();
                let Some(fields) = extensions.get::<SpanFields>() else {
                    continue;
                };
                if fields.request.is_some() {
                    continue;
                }
                for (name, value) in &fields.fields {
                    if OWN_KEYS.contains(name) || written.contains(name) {
                        continue;
                    }
                    out.push(b',');
                    encode::key(out, name);
                    value.write(out);
                    written.push(name);
                }
            }
            out.push(b'}');
        };
        encode::with_line(build, |line| self.writer.write_line(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_are_sensitive_in_any_spelling() {
        for name in [
            "authorization",
            "Authorization",
            "X-Api-Key",
            "x_api_key",
            "TOKEN",
            "api-key",
        ] {
            assert!(is_sensitive(name), "{name}");
        }
        for name in ["author", "tokens", "item_id", "secretary"] {
            assert!(!is_sensitive(name), "{name}");
        }
    }
}
