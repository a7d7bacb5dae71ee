//! Assertions for the rules of X-Ray segment documents.

use serde_json::Value;

use crate::daemon::Datagram;

/// 16 lowercase hex digits.
pub fn is_id(value: &Value) -> bool {
    value.as_str().is_some_and(|id| {
        id.len() == 16
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `1-` + 8 hex digits + `-` + 24 hex digits.
pub fn is_trace_id(value: &Value) -> bool {
    let Some(id) = value.as_str() else {
        return false;
    };
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 3
        && parts[0] == "1"
        && parts[1].len() == 8
        && parts[2].len() == 24
        && parts[1..]
            .iter()
            .all(|part| part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Checks a document sent on its own (a segment or an independent subsegment) and
/// everything nested in it.
pub fn assert_valid_top_level(document: &Value) {
    assert!(is_trace_id(&document["trace_id"]), "trace_id: {document}");
    if document.get("type").is_some() {
        assert_eq!(document["type"], "subsegment", "{document}");
        assert!(
            is_id(&document["parent_id"]),
            "an independent subsegment has a parent: {document}"
        );
        assert!(
            document.get("origin").is_none(),
            "subsegments have no origin"
        );
    } else if let Some(parent) = document.get("parent_id") {
        assert!(is_id(parent), "parent_id: {document}");
    }
    assert_valid_common(document);
}

/// Checks the fields every segment and subsegment shares, and its nested subsegments.
fn assert_valid_common(document: &Value) {
    let object = document.as_object().expect("a document is an object");
    let name = document["name"].as_str().expect("name is a string");
    assert!(
        (1..=200).contains(&name.chars().count()),
        "name has 1 to 200 characters: {name:?}"
    );
    assert!(
        name.chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/%&#=+\\-@".contains(c)),
        "name has only allowed characters: {name:?}"
    );
    assert!(is_id(&document["id"]), "id: {document}");
    let start = document["start_time"]
        .as_f64()
        .expect("start_time is a number");
    assert!(start > 1.5e9, "start_time is epoch seconds: {start}");
    match document.get("end_time") {
        Some(end) => {
            let end = end.as_f64().expect("end_time is a number");
            assert!(
                end >= start,
                "end_time {end} is not before start_time {start}"
            );
            assert!(object.get("in_progress").is_none());
        }
        None => assert_eq!(document["in_progress"], true, "end_time or in_progress"),
    }
    for flag in ["fault", "error", "throttle"] {
        if let Some(value) = object.get(flag) {
            assert!(value.is_boolean(), "{flag} is a boolean");
        }
    }
    if let Some(annotations) = object.get("annotations") {
        for (key, value) in annotations.as_object().expect("annotations are an object") {
            assert!(
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "annotation key {key:?}"
            );
            assert!(
                value.is_string() || value.is_number() || value.is_boolean(),
                "annotation {key} is a string, number or boolean"
            );
        }
    }
    if let Some(metadata) = object.get("metadata") {
        assert!(
            metadata
                .as_object()
                .expect("metadata is an object")
                .values()
                .all(Value::is_object)
        );
    }
    if let Some(cause) = object.get("cause") {
        for exception in cause["exceptions"]
            .as_array()
            .expect("cause.exceptions is an array")
        {
            assert!(is_id(&exception["id"]), "exception id");
            assert!(exception["message"].is_string(), "exception message");
        }
    }
    if let Some(children) = object.get("subsegments") {
        for child in children.as_array().expect("subsegments is an array") {
            for field in ["trace_id", "type", "parent_id"] {
                assert!(
                    child.get(field).is_none(),
                    "a nested subsegment has no {field}"
                );
            }
            assert_valid_common(child);
        }
    }
}

/// Checks every datagram: at most 64 KiB, a valid document.
pub fn assert_valid_datagrams(datagrams: &[Datagram]) {
    for datagram in datagrams {
        assert!(
            datagram.size <= 64 * 1024,
            "datagram of {} bytes",
            datagram.size
        );
        assert_valid_top_level(&datagram.document);
    }
}

/// The nested subsegment of `document` with this name.
pub fn child<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["subsegments"]
        .as_array()
        .and_then(|children| children.iter().find(|child| child["name"] == name))
        .unwrap_or_else(|| panic!("no subsegment {name:?} in {document}"))
}
