//! Checks of CloudWatch Embedded Metric Format documents against the
//! specification ("Specification: Embedded metric format", Amazon CloudWatch user
//! guide), written as the rules of its JSON schema: each function refuses what the
//! specification forbids, and [`refuses_violations`] shows every rule firing.

use serde_json::{Value, json};

/// The units a `MetricDefinition` may name.
const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// A log event's largest size.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a serde_json::Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} is not an object"))
}

fn only_members(
    object: &serde_json::Map<String, Value>,
    allowed: &[&str],
    what: &str,
) -> Result<(), String> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(format!("{what} has an unknown member {key}")),
        None => Ok(()),
    }
}

fn name(value: &Value, max: usize, what: &str) -> Result<String, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("{what} is not a string"))?;
    if text.trim().is_empty() || text.chars().count() > max {
        return Err(format!("{what} {text:?} is empty or longer than {max}"));
    }
    Ok(text.to_owned())
}

/// Ok when `document` is a valid EMF document, else the first rule it breaks.
pub fn validate(document: &Value) -> Result<(), String> {
    if serde_json::to_vec(document).unwrap().len() > MAX_DOCUMENT_BYTES {
        return Err("document larger than a log event".into());
    }
    let root = object(document, "the root")?;
    let aws = object(root.get("_aws").ok_or("no _aws member")?, "_aws")?;
    only_members(
        aws,
        &["Timestamp", "CloudWatchMetrics", "LogGroupName"],
        "_aws",
    )?;
    let timestamp = aws.get("Timestamp").ok_or("no _aws.Timestamp")?;
    if timestamp.as_u64().is_none() {
        return Err("_aws.Timestamp is not a non-negative integer of milliseconds".into());
    }
    let directives = aws
        .get("CloudWatchMetrics")
        .and_then(Value::as_array)
        .ok_or("_aws.CloudWatchMetrics is not an array")?;
    if directives.is_empty() {
        return Err("_aws.CloudWatchMetrics is empty".into());
    }
    for directive in directives {
        let directive = object(directive, "a MetricDirective")?;
        only_members(
            directive,
            &["Namespace", "Dimensions", "Metrics"],
            "a MetricDirective",
        )?;
        name(
            directive.get("Namespace").ok_or("no Namespace")?,
            1024,
            "Namespace",
        )?;
        let sets = directive
            .get("Dimensions")
            .and_then(Value::as_array)
            .ok_or("Dimensions is not an array")?;
        for set in sets {
            let set = set.as_array().ok_or("a DimensionSet is not an array")?;
            if set.len() > 30 {
                return Err("a DimensionSet has more than 30 dimensions".into());
            }
            for dimension in set {
                let dimension = name(dimension, 250, "a dimension name")?;
                let value = root
                    .get(&dimension)
                    .ok_or_else(|| format!("dimension {dimension} has no root member"))?;
                let value = value
                    .as_str()
                    .ok_or_else(|| format!("dimension {dimension}'s value is not a string"))?;
                if value.is_empty() || value.chars().count() > 1024 {
                    return Err(format!(
                        "dimension {dimension}'s value is empty or too long"
                    ));
                }
            }
        }
        let metrics = directive
            .get("Metrics")
            .and_then(Value::as_array)
            .ok_or("Metrics is not an array")?;
        if metrics.len() > 100 {
            return Err("a MetricDirective has more than 100 metrics".into());
        }
        for metric in metrics {
            let metric = object(metric, "a MetricDefinition")?;
            only_members(
                metric,
                &["Name", "Unit", "StorageResolution"],
                "a MetricDefinition",
            )?;
            let metric_name = name(
                metric.get("Name").ok_or("a metric has no Name")?,
                1024,
                "a metric Name",
            )?;
            if let Some(unit) = metric.get("Unit")
                && !unit.as_str().is_some_and(|unit| UNITS.contains(&unit))
            {
                return Err(format!("metric {metric_name} has unit {unit}"));
            }
            if let Some(resolution) = metric.get("StorageResolution")
                && !(resolution == 1 || resolution == 60)
            {
                return Err(format!("metric {metric_name} has resolution {resolution}"));
            }
            match root.get(&metric_name) {
                Some(Value::Number(_)) => {}
                Some(Value::Array(values)) => {
                    if values.is_empty()
                        || values.len() > 100
                        || !values.iter().all(Value::is_number)
                    {
                        return Err(format!(
                            "metric {metric_name}'s values are not 1 to 100 numbers"
                        ));
                    }
                }
                _ => return Err(format!("metric {metric_name} has no numeric root member")),
            }
        }
    }
    Ok(())
}

/// A change that breaks one rule.
type Breaker = Box<dyn Fn(&mut Value)>;

/// Every rule refuses a document that breaks it (and only it).
pub fn refuses_violations() {
    let valid = json!({
        "_aws": {
            "Timestamp": 1_714_566_896_789_u64,
            "CloudWatchMetrics": [{
                "Namespace": "Shop",
                "Dimensions": [["service", "route"]],
                "Metrics": [{"Name": "RequestCount", "Unit": "Count"}, {"Name": "Latency", "Unit": "Milliseconds", "StorageResolution": 60}]
            }]
        },
        "service": "items",
        "route": "GET /items/{item_id}",
        "RequestCount": 1,
        "Latency": [1.5, 2.0],
    });
    validate(&valid).unwrap();
    let breaks: Vec<(&str, Breaker)> = vec![
        (
            "no _aws",
            Box::new(|doc| drop(doc.as_object_mut().unwrap().remove("_aws"))),
        ),
        (
            "extra _aws member",
            Box::new(|doc| doc["_aws"]["Extra"] = json!(1)),
        ),
        (
            "no timestamp",
            Box::new(|doc| drop(doc["_aws"].as_object_mut().unwrap().remove("Timestamp"))),
        ),
        (
            "timestamp as text",
            Box::new(|doc| doc["_aws"]["Timestamp"] = json!("2024-05-01T12:34:56Z")),
        ),
        (
            "no directives",
            Box::new(|doc| doc["_aws"]["CloudWatchMetrics"] = json!([])),
        ),
        (
            "no namespace",
            Box::new(|doc| {
                drop(
                    doc["_aws"]["CloudWatchMetrics"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("Namespace"),
                )
            }),
        ),
        (
            "blank namespace",
            Box::new(|doc| doc["_aws"]["CloudWatchMetrics"][0]["Namespace"] = json!(" ")),
        ),
        (
            "extra directive member",
            Box::new(|doc| doc["_aws"]["CloudWatchMetrics"][0]["Extra"] = json!(1)),
        ),
        (
            "dimensions not nested",
            Box::new(|doc| doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!(["service"])),
        ),
        (
            "31 dimensions",
            Box::new(|doc| {
                let names: Vec<String> = (0..31).map(|i| format!("d{i}")).collect();
                for name in &names {
                    doc[name] = json!("x");
                }
                doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!([names]);
            }),
        ),
        (
            "dimension without member",
            Box::new(|doc| drop(doc.as_object_mut().unwrap().remove("route"))),
        ),
        (
            "numeric dimension value",
            Box::new(|doc| doc["service"] = json!(7)),
        ),
        (
            "101 metrics",
            Box::new(|doc| {
                let metrics: Vec<Value> = (0..101)
                    .map(|i| {
                        doc[format!("m{i}")] = json!(1);
                        json!({"Name": format!("m{i}")})
                    })
                    .collect();
                doc["_aws"]["CloudWatchMetrics"][0]["Metrics"] = json!(metrics);
            }),
        ),
        (
            "metric without name",
            Box::new(|doc| {
                doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0] = json!({"Unit": "Count"})
            }),
        ),
        (
            "unknown unit",
            Box::new(|doc| {
                doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = json!("Requests")
            }),
        ),
        (
            "bad resolution",
            Box::new(|doc| {
                doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][1]["StorageResolution"] = json!(5)
            }),
        ),
        (
            "extra metric member",
            Box::new(|doc| doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Value"] = json!(1)),
        ),
        (
            "metric without member",
            Box::new(|doc| drop(doc.as_object_mut().unwrap().remove("RequestCount"))),
        ),
        (
            "metric as text",
            Box::new(|doc| doc["RequestCount"] = json!("1")),
        ),
        (
            "101 values",
            Box::new(|doc| doc["Latency"] = json!(vec![1; 101])),
        ),
        (
            "too large",
            Box::new(|doc| doc["blob"] = json!("x".repeat(MAX_DOCUMENT_BYTES))),
        ),
    ];
    for (rule, break_it) in breaks {
        let mut doc = valid.clone();
        break_it(&mut doc);
        assert!(validate(&doc).is_err(), "{rule} was accepted");
    }
}
