//! The `tracing` layer that turns request spans into segments and the spans inside
//! them into subsegments.

use serde_json::Value;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

use super::exporter::Exporter;
use super::fields::{EventFields, RequestFields, SpanFields};
use super::segment::{
    Cause, Document, Exception, Http, HttpRequest, HttpResponse, Metadata as DocumentMetadata,
    Name, SegmentId, now,
};

/// The target of the request span.
pub const REQUEST_SPAN_TARGET: &str = "oapi_gen::request";

/// The name of the request span.
pub const REQUEST_SPAN_NAME: &str = "request";

/// The `origin` of segments written on Lambda.
const LAMBDA_ORIGIN: &str = "AWS::Lambda::Function";

/// The most exceptions recorded per segment or subsegment; later ones are ignored.
const MAX_EXCEPTIONS: usize = 16;

/// A `tracing` layer sending X-Ray segments to the daemon (see the [module](super)).
#[derive(Debug)]
pub struct XrayLayer {
    /// The name of request segments: the service's, sanitized once.
    pub(super) segment_name: Name,
    /// The name of request subsegments on Lambda: `## service`.
    pub(super) lambda_name: Name,
    pub(super) on_lambda: bool,
    pub(super) origin: Option<Name>,
    pub(super) exporter: Exporter,
}

impl XrayLayer {
    /// The layer for this service, sending with `exporter`.
    pub(super) fn new(
        service_name: &str,
        on_lambda: bool,
        origin: Option<&str>,
        exporter: Exporter,
    ) -> Self {
        XrayLayer {
            segment_name: Name::shared(service_name),
            lambda_name: Name::shared(&format!("## {service_name}")),
            on_lambda,
            origin: origin.map(Name::shared),
            exporter,
        }
    }
}

/// What the layer keeps in the extensions of a traced span.
///
/// Ids are drawn when a span closes, the first time one is needed (a request found
/// unsampled after it started never draws one). The registry keeps a span open
/// until all its children have closed, so a child
/// always closes first and hands its document to its parent's `children`, under
/// the parent's own extensions lock: no lock is shared between requests.
#[derive(Debug)]
struct Traced {
    start_time: f64,
    kind: Kind,
    exceptions: Vec<Exception>,
    children: Vec<Document>,
}

impl Traced {
    /// A span starting now.
    fn new(kind: Kind) -> Self {
        Traced {
            start_time: now(),
            kind,
            exceptions: Vec::new(),
            children: Vec::new(),
        }
    }
}

/// A request span or a span inside one.
#[derive(Debug)]
enum Kind {
    Request(RequestFields),
    Nested(SpanFields),
}

/// Whether a span is the request span of the contract.
fn is_request(metadata: &Metadata<'_>) -> bool {
    metadata.target() == REQUEST_SPAN_TARGET && metadata.name() == REQUEST_SPAN_NAME
}

impl<S> tracing_subscriber::Layer<S> for XrayLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let traced = if is_request(attrs.metadata()) {
            let mut fields = RequestFields::default();
            attrs.record(&mut fields);
            if fields.sampled == Some(false) {
                return;
            }
            Traced::new(Kind::Request(fields))
        } else {
            // Spans outside sampled requests cost this lookup only.
            let traced_parent = span
                .parent()
                .is_some_and(|parent| parent.extensions().get::<Traced>().is_some());
            if !traced_parent {
                return;
            }
            let mut fields = SpanFields::default();
            attrs.record(&mut fields);
            Traced::new(Kind::Nested(fields))
        };
        span.extensions_mut().insert(traced);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        let Some(traced) = extensions.get_mut::<Traced>() else {
            return;
        };
        match &mut traced.kind {
            Kind::Request(fields) => {
                values.record(fields);
                if fields.sampled == Some(false) {
                    // Not sampled after all: forget the request (its open spans'
                    // documents will find no parent and be dropped).
                    extensions.remove::<Traced>();
                }
            }
            Kind::Nested(fields) => values.record(fields),
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let Some(span) = ctx.event_span(event) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        let Some(traced) = extensions.get_mut::<Traced>() else {
            return;
        };
        if traced.exceptions.len() < MAX_EXCEPTIONS {
            let mut fields = EventFields::default();
            event.record(&mut fields);
            traced.exceptions.push(Exception {
                id: SegmentId::random(),
                message: fields.into_message(),
            });
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let Some(traced) = span.extensions_mut().remove::<Traced>() else {
            return;
        };
        let end_time = now();
        match traced.kind {
            Kind::Nested(fields) => {
                let mut document = Document::named(
                    Name::of_span(span.name()),
                    SegmentId::random(),
                    traced.start_time,
                    end_time,
                );
                document.subsegments = traced.children;
                apply_span_fields(&mut document, fields, traced.exceptions);
                if let Some(parent) = span.parent()
                    && let Some(parent) = parent.extensions_mut().get_mut::<Traced>()
                {
                    parent.children.push(document);
                }
            }
            Kind::Request(fields) => {
                if fields.trace_id.is_none() {
                    return;
                }
                let mut document = self.request_document(
                    fields,
                    SegmentId::random(),
                    traced.start_time,
                    end_time,
                    traced.exceptions,
                );
                document.subsegments = traced.children;
                self.exporter.export(document);
            }
        }
    }
}

impl XrayLayer {
    /// The document of a request: a segment, or on Lambda a subsegment of the
    /// invocation's segment (which Lambda writes).
    fn request_document(
        &self,
        fields: RequestFields,
        id: SegmentId,
        start_time: f64,
        end_time: f64,
        exceptions: Vec<Exception>,
    ) -> Document {
        let on_lambda = self.on_lambda || fields.function_request_id.is_some();
        let mut document = match (on_lambda, &fields.parent_id) {
            (true, Some(_)) => {
                let mut document =
                    Document::named(self.lambda_name.clone(), id, start_time, end_time);
                document.kind = Some("subsegment");
                document
            }
            _ => {
                let mut document =
                    Document::named(self.segment_name.clone(), id, start_time, end_time);
                document.origin = if on_lambda {
                    Some(Name::Static(LAMBDA_ORIGIN))
                } else {
                    self.origin.clone()
                };
                document.http = Some(Http {
                    request: HttpRequest {
                        method: fields.method.clone().unwrap_or_default(),
                        url: fields.path.clone().unwrap_or_default(),
                    },
                    response: fields.status.map(|status| HttpResponse { status }),
                });
                document
            }
        };
        document.trace_id = fields.trace_id;
        document.parent_id = fields.parent_id;
        if let Some(route) = fields.route.filter(|route| !route.is_empty()) {
            document.annotate("route", Value::String(route));
        }
        if let Some(method) = fields.method {
            document.annotate("method", Value::String(method));
        }
        if let Some(status) = fields.status {
            document.annotate("status", Value::from(status));
            document.set_status_flags(status);
        }
        if let Some(correlation_id) = fields.correlation_id {
            document.annotate("correlation_id", Value::String(correlation_id));
        }
        document.fault |= fields.error;
        if !exceptions.is_empty() {
            document.cause = Some(Cause { exceptions });
        }
        document
    }
}

/// Puts a nested span's fields and errors on its subsegment.
fn apply_span_fields(document: &mut Document, fields: SpanFields, mut exceptions: Vec<Exception>) {
    for (key, value) in fields.annotations {
        document.annotate(key, value);
    }
    document.metadata = DocumentMetadata(fields.metadata);
    if let Some(message) = fields.error_message {
        exceptions.insert(
            0,
            Exception {
                id: SegmentId::random(),
                message,
            },
        );
    }
    document.fault = fields.failed || !exceptions.is_empty();
    if !exceptions.is_empty() {
        document.cause = Some(Cause { exceptions });
    }
}
