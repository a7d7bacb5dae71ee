//! CloudWatch metrics in Embedded Metric Format (EMF): the handler-facing
//! [`Metrics`] handle and the documents written when a request ends.

use std::sync::atomic::{AtomicBool, Ordering};
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
    set: Option<Arc<Shared>>,
}

/// What a request's handles share.
#[derive(Debug, Default)]
struct Shared {
    /// Whether anything was added (most requests add nothing, and then their end
    /// takes no lock).
    touched: AtomicBool,
    set: Mutex<MetricSet>,
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
        if let Some(shared) = &self.set {
            shared.touched.store(true, Ordering::Relaxed);
            change(&mut shared.set.lock().unwrap_or_else(PoisonError::into_inner));
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
        match &self.set {
            // `touched` is set before the lock is taken, and this runs after the
            // handler is done with the handle (or on the same thread).
            Some(shared) if shared.touched.swap(false, Ordering::Relaxed) => {
                std::mem::take(&mut *shared.set.lock().unwrap_or_else(PoisonError::into_inner))
            }
            _ => MetricSet::default(),
        }
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
        encode::unsigned(out, encode::epoch_millis(now));
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
        let document = |request: Option<[u8; 3]>, custom: &[Metric], merged: bool| {
            encode::with_line(
                |out| self.document(out, now, route, (request, merged), custom, set),
                |line| self.writer.write_line(line),
            );
        };
        // Request metrics and custom ones share a directive when they share dimensions
        // and fit in one.
        if set.dimensions.is_empty() && set.metrics.len() + REQUEST_METRICS.len() <= MAX_METRICS {
            document(Some(counts), &set.metrics, true);
            return;
        }
        let mut chunks = set.metrics.chunks(MAX_METRICS);
        document(Some(counts), chunks.next().unwrap_or_default(), false);
        for chunk in chunks {
            document(None, chunk, false);
        }
    }

    /// One document: the request metrics (when `request` has their values) and the
    /// `custom` ones, in one directive when `merged`, else each group in its own.
    fn document(
        &self,
        out: &mut Vec<u8>,
        now: SystemTime,
        route: &str,
        (request, merged): (Option<[u8; 3]>, bool),
        custom: &[Metric],
        set: &MetricSet,
    ) {
        self.head(out, now);
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
            if !merged {
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
            encode::integer(out, *value);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    /// The documents an emitter writes for one request with `fill`'s metrics.
    fn documents(outcome: Outcome, fill: impl FnOnce(&Metrics)) -> Vec<serde_json::Value> {
        let lines = Arc::new(StdMutex::new(Vec::<u8>::new()));
        let sink = lines.clone();
        let writer = Writer::new(move || Sink(sink.clone()));
        let emitter = Emitter::new("Shop", "items", writer);
        let metrics = Metrics::collecting();
        fill(&metrics);
        emitter.request("GET /items/{item_id}", outcome, &metrics.take());
        let bytes = lines.lock().unwrap().clone();
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    struct Sink(Arc<StdMutex<Vec<u8>>>);

    impl std::io::Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn custom_dimensions_get_their_own_directive() {
        let docs = documents(Outcome::Failure, |metrics| {
            metrics.add("Latency", Unit::Milliseconds, 12.5);
            metrics.add("Latency", Unit::Milliseconds, 7.0);
            metrics.add_dimension("tenant", "acme");
            metrics.add_metadata("tenant", "ignored: a dimension has the name");
            metrics.add_metadata("order", 42);
        });
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][1],
            serde_json::json!({"Namespace": "Shop", "Dimensions": [["service", "route", "tenant"]], "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}]})
        );
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            serde_json::json!([["service", "route"]])
        );
        assert_eq!(doc["Latency"], serde_json::json!([12.5, 7.0]));
        assert_eq!(doc["tenant"], "acme");
        assert_eq!(doc["order"], 42);
        assert_eq!(
            (doc["Success"].as_u64(), doc["Failure"].as_u64()),
            (Some(0), Some(1))
        );
    }

    #[test]
    fn more_than_a_hundred_metrics_take_several_documents() {
        let docs = documents(Outcome::Success, |metrics| {
            for index in 0..150 {
                metrics.add(&format!("M{index}"), Unit::Count, 1.0);
            }
        });
        assert_eq!(docs.len(), 2);
        let counts: Vec<usize> = docs
            .iter()
            .flat_map(|doc| doc["_aws"]["CloudWatchMetrics"].as_array().unwrap())
            .map(|directive| directive["Metrics"].as_array().unwrap().len())
            .collect();
        assert_eq!(counts, [3, 100, 50]);
        assert_eq!(docs[1]["route"], "GET /items/{item_id}");
        assert!(docs[1].get("RequestCount").is_none());
        assert_eq!(docs[1]["M149"], 1.0);
    }

    #[test]
    fn invalid_metrics_are_dropped_and_disabled_handles_ignore_all() {
        let docs = documents(Outcome::Success, |metrics| {
            metrics.add("", Unit::Count, 1.0);
            metrics.add("Success", Unit::Count, 1.0);
            metrics.add("Ratio", Unit::Percent, f64::NAN);
            metrics.add("Bytes", Unit::BytesPerSecond, 3.0);
        });
        let names = &docs[0]["_aws"]["CloudWatchMetrics"][0]["Metrics"];
        assert_eq!(names.as_array().unwrap().len(), 4);
        assert_eq!(
            names[3],
            serde_json::json!({"Name": "Bytes", "Unit": "Bytes/Second"})
        );
        let disabled = Metrics::disabled();
        disabled.add("Anything", Unit::Count, 1.0);
        assert!(disabled.take().metrics.is_empty());
    }
}
