//! CloudWatch metrics in Embedded Metric Format (EMF): the handler-facing
//! [`Metrics`] handle and the documents written when a request ends.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use super::{Writer, encode};

/// The unit of a metric, as CloudWatch names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // Each variant is the CloudWatch unit of the same name.
pub enum Unit {
    Seconds,
    Microseconds,
    Milliseconds,
    Bytes,
    Kilobytes,
    Megabytes,
    Gigabytes,
    Terabytes,
    Bits,
    Kilobits,
    Megabits,
    Gigabits,
    Terabits,
    Percent,
    Count,
    BytesPerSecond,
    KilobytesPerSecond,
    MegabytesPerSecond,
    GigabytesPerSecond,
    TerabytesPerSecond,
    BitsPerSecond,
    KilobitsPerSecond,
    MegabitsPerSecond,
    GigabitsPerSecond,
    TerabitsPerSecond,
    CountPerSecond,
    None,
}

impl Unit {
    /// CloudWatch's name of the unit (`Count`, `Bytes/Second`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Seconds => "Seconds",
            Unit::Microseconds => "Microseconds",
            Unit::Milliseconds => "Milliseconds",
            Unit::Bytes => "Bytes",
            Unit::Kilobytes => "Kilobytes",
            Unit::Megabytes => "Megabytes",
            Unit::Gigabytes => "Gigabytes",
            Unit::Terabytes => "Terabytes",
            Unit::Bits => "Bits",
            Unit::Kilobits => "Kilobits",
            Unit::Megabits => "Megabits",
            Unit::Gigabits => "Gigabits",
            Unit::Terabits => "Terabits",
            Unit::Percent => "Percent",
            Unit::Count => "Count",
            Unit::BytesPerSecond => "Bytes/Second",
            Unit::KilobytesPerSecond => "Kilobytes/Second",
            Unit::MegabytesPerSecond => "Megabytes/Second",
            Unit::GigabytesPerSecond => "Gigabytes/Second",
            Unit::TerabytesPerSecond => "Terabytes/Second",
            Unit::BitsPerSecond => "Bits/Second",
            Unit::KilobitsPerSecond => "Kilobits/Second",
            Unit::MegabitsPerSecond => "Megabits/Second",
            Unit::GigabitsPerSecond => "Gigabits/Second",
            Unit::TerabitsPerSecond => "Terabits/Second",
            Unit::CountPerSecond => "Count/Second",
            Unit::None => "None",
        }
    }
}

/// The metrics every request document has, in this order.
const REQUEST_METRICS: [&str; 3] = ["RequestCount", "Success", "Failure"];

/// The dimensions of the request metrics.
const REQUEST_DIMENSIONS: [&str; 2] = ["service", "route"];

/// EMF limits: metrics per directive, dimensions per set, values per metric, and the
/// length of names and dimension values.
const MAX_METRICS: usize = 100;
const MAX_DIMENSIONS: usize = 30;
const MAX_VALUES: usize = 100;
const MAX_NAME: usize = 255;
const MAX_DIMENSION_VALUE: usize = 1024;

/// A request's custom metrics, written with the request's own when it ends (for a
/// streamed response, when its body ends). Get it with
/// [`RequestContext::metrics`](crate::RequestContext::metrics); without the
/// [request layer](super::layer), or with metrics disabled, it does nothing.
///
/// Invalid input (an empty or over-long name, a name the request metrics or
/// dimensions use, a value that is not finite, more than CloudWatch accepts) is
/// dropped with a `WARN` log line rather than failing the request.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    set: Option<Arc<Mutex<MetricSet>>>,
}

/// What handlers added to a request.
#[derive(Debug, Default)]
pub(super) struct MetricSet {
    metrics: Vec<Metric>,
    dimensions: Vec<(String, String)>,
    metadata: Vec<(String, serde_json::Value)>,
}

#[derive(Debug)]
struct Metric {
    name: String,
    unit: Unit,
    values: Vec<f64>,
}

fn is_reserved(name: &str) -> bool {
    name == "_aws" || REQUEST_METRICS.contains(&name) || REQUEST_DIMENSIONS.contains(&name)
}

fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= MAX_NAME && !is_reserved(name)
}

impl Metrics {
    /// A handle that ignores everything (what requests without the request layer,
    /// or with metrics disabled, get).
    pub const fn disabled() -> Self {
        Metrics { set: None }
    }

    /// A handle that collects (the request layer makes one per request).
    pub(super) fn collecting() -> Self {
        Metrics {
            set: Some(Arc::default()),
        }
    }

    fn with(&self, change: impl FnOnce(&mut MetricSet)) {
        if let Some(set) = &self.set {
            change(&mut set.lock().unwrap_or_else(PoisonError::into_inner));
        }
    }

    /// Adds `value` to metric `name` (a second value of the same name makes it a
    /// list of values, as EMF allows, up to 100; the first unit given is kept).
    pub fn add(&self, name: &str, unit: Unit, value: f64) {
        if self.set.is_none() {
            return;
        }
        if !valid_name(name) || !value.is_finite() {
            tracing::warn!(metric = name, value, "invalid metric dropped");
            return;
        }
        self.with(
            |set| match set.metrics.iter_mut().find(|m| m.name == name) {
                Some(metric) if metric.values.len() < MAX_VALUES => metric.values.push(value),
                Some(_) => tracing::warn!(metric = name, "more than 100 values; value dropped"),
                None => set.metrics.push(Metric {
                    name: name.to_owned(),
                    unit,
                    values: vec![value],
                }),
            },
        );
    }

    /// Adds dimension `name` = `value` to this request's custom metrics (the
    /// request metrics keep `service` and `route` only, so their cardinality stays
    /// bounded). Setting a dimension again replaces its value.
    pub fn add_dimension(&self, name: &str, value: &str) {
        if self.set.is_none() {
            return;
        }
        if !valid_name(name) || value.trim().is_empty() || value.len() > MAX_DIMENSION_VALUE {
            tracing::warn!(dimension = name, "invalid dimension dropped");
            return;
        }
        self.with(|set| {
            if let Some(slot) = set.dimensions.iter_mut().find(|(known, _)| known == name) {
                slot.1 = value.to_owned();
            } else if set.dimensions.len() + REQUEST_DIMENSIONS.len() < MAX_DIMENSIONS {
                set.dimensions.push((name.to_owned(), value.to_owned()));
            } else {
                tracing::warn!(
                    dimension = name,
                    "more than 30 dimensions; dimension dropped"
                );
            }
        });
    }

    /// Adds `key` = `value` to the request's metric documents as metadata: searchable
    /// in CloudWatch Logs, not a metric or dimension. Keys that a metric or
    /// dimension uses are left out of the document.
    pub fn add_metadata(&self, key: &str, value: impl Into<serde_json::Value>) {
        if self.set.is_none() {
            return;
        }
        if !valid_name(key) {
            tracing::warn!(metadata = key, "invalid metadata key dropped");
            return;
        }
        let value = value.into();
        self.with(
            |set| match set.metadata.iter_mut().find(|(known, _)| known == key) {
                Some(slot) => slot.1 = value,
                None => set.metadata.push((key.to_owned(), value)),
            },
        );
    }

    /// Takes what handlers added, leaving the handle empty.
    pub(super) fn take(&self) -> MetricSet {
        let mut taken = MetricSet::default();
        self.with(|set| taken = std::mem::take(set));
        taken
    }
}

/// How a request ended, for `Success` and `Failure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A response below 500 whose body (if any) ended well.
    Success,
    /// A 5xx (handler errors and panics included), an error from the service, or a
    /// streamed body that failed.
    Failure,
    /// The client went away before the response was ready: neither.
    Cancelled,
}

/// The namespace, service and writer of a request layer's metric documents.
#[derive(Debug)]
pub(super) struct Emitter {
    /// `"Namespace":"…"`, escaped once.
    namespace: Box<[u8]>,
    /// `"service":"…"`, escaped once.
    service: Box<[u8]>,
    writer: Writer,
}

impl Emitter {
    /// Documents for `namespace` and `service`, written to `writer`.
    pub(super) fn new(namespace: &str, service: &str, writer: Writer) -> Self {
        let mut ns = Vec::new();
        encode::key(&mut ns, "Namespace");
        encode::string(&mut ns, namespace);
        let mut sv = Vec::new();
        encode::key(&mut sv, "service");
        encode::string(&mut sv, service);
        Emitter {
            namespace: ns.into_boxed_slice(),
            service: sv.into_boxed_slice(),
            writer,
        }
    }

    /// Writes `ColdStart` = 1 with dimension `service` only, as its own document.
    pub(super) fn cold_start(&self) {
        encode::with_line(
            |out| {
                self.head(out, SystemTime::now());
                out.extend_from_slice(br#""Dimensions":[["service"]],"Metrics":[{"Name":"ColdStart","Unit":"Count"}]}]},"#);
                out.extend_from_slice(&self.service);
                out.extend_from_slice(br#","ColdStart":1}"#);
            },
            |line| self.writer.write_line(line),
        );
    }

    /// `{"_aws":{"Timestamp":…,"CloudWatchMetrics":[{"Namespace":"…",`
    fn head(&self, out: &mut Vec<u8>, now: SystemTime) {
        out.extend_from_slice(br#"{"_aws":{"Timestamp":"#);
        encode::integer(out, encode::epoch_millis(now));
        out.extend_from_slice(br#","CloudWatchMetrics":[{"#);
        out.extend_from_slice(&self.namespace);
        out.push(b',');
    }

    /// Writes the request's documents: `RequestCount`, `Success` and `Failure` with
    /// dimensions `service` and `route`, and the custom metrics of `set` (with its
    /// dimensions added), in as many documents as EMF's 100-metric limit needs.
    pub(super) fn request(&self, route: &str, outcome: Outcome, set: &MetricSet) {
        let now = SystemTime::now();
        let counts = [
            1,
            u8::from(outcome == Outcome::Success),
            u8::from(outcome == Outcome::Failure),
        ];
        let document = |request: Option<[u8; 3]>, custom: &[Metric]| {
            encode::with_line(
                |out| self.document(out, now, route, request, custom, set),
                |line| self.writer.write_line(line),
            );
        };
        // Request metrics and custom ones share a directive when they share dimensions
        // and fit in one.
        if set.dimensions.is_empty() && set.metrics.len() + REQUEST_METRICS.len() <= MAX_METRICS {
            document(Some(counts), &set.metrics);
            return;
        }
        let mut chunks = set.metrics.chunks(MAX_METRICS);
        document(Some(counts), chunks.next().unwrap_or_default());
        for chunk in chunks {
            document(None, chunk);
        }
    }

    /// One document: the request metrics (when `request` has their values) and the
    /// `custom` ones, each group in its own directive unless the custom metrics
    /// have no dimensions of their own.
    fn document(
        &self,
        out: &mut Vec<u8>,
        now: SystemTime,
        route: &str,
        request: Option<[u8; 3]>,
        custom: &[Metric],
        set: &MetricSet,
    ) {
        self.head(out, now);
        let own_directive = !set.dimensions.is_empty();
        if request.is_some() {
            out.extend_from_slice(br#""Dimensions":[["service","route"]],"Metrics":["#);
            for (index, name) in REQUEST_METRICS.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(br#"{"Name":""#);
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(br#"","Unit":"Count"}"#);
            }
        }
        if !custom.is_empty() {
            if request.is_none() || own_directive {
                if request.is_some() {
                    out.extend_from_slice(b"]},{");
                    out.extend_from_slice(&self.namespace);
                    out.push(b',');
                }
                out.extend_from_slice(br#""Dimensions":[["service","route""#);
                for (name, _) in &set.dimensions {
                    out.push(b',');
                    encode::string(out, name);
                }
                out.extend_from_slice(br#"]],"Metrics":["#);
            } else {
                out.push(b',');
            }
            for (index, metric) in custom.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(br#"{"Name":"#);
                encode::string(out, &metric.name);
                out.extend_from_slice(br#","Unit":""#);
                out.extend_from_slice(metric.unit.as_str().as_bytes());
                out.extend_from_slice(br#""}"#);
            }
        }
        out.extend_from_slice(b"]}]},");
        out.extend_from_slice(&self.service);
        out.extend_from_slice(br#","route":"#);
        encode::string(out, route);
        for (name, value) in &set.dimensions {
            out.push(b',');
            encode::key(out, name);
            encode::string(out, value);
        }
        for (name, value) in REQUEST_METRICS.iter().zip(request.iter().flatten()) {
            out.push(b',');
            encode::key(out, name);
            encode::integer(out, value);
        }
        for metric in custom {
            out.push(b',');
            encode::key(out, &metric.name);
            match metric.values.as_slice() {
                [value] => encode::float(out, *value),
                values => {
                    out.push(b'[');
                    for (index, value) in values.iter().enumerate() {
                        if index > 0 {
                            out.push(b',');
                        }
                        encode::float(out, *value);
                    }
                    out.push(b']');
                }
            }
        }
        for (key, value) in &set.metadata {
            let taken = set.metrics.iter().any(|metric| &metric.name == key)
                || set.dimensions.iter().any(|(name, _)| name == key);
            if !taken {
                out.push(b',');
                encode::key(out, key);
                let _ = serde_json::to_writer(&mut *out, value);
            }
        }
        out.push(b'}');
    }
}
