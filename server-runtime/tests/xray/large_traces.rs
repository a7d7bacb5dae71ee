//! Requests whose document exceeds one datagram.

use std::collections::HashMap;

use serde_json::Value;

use crate::schema::is_id;
use crate::{SAMPLED_HEADER, TRACE_ID, record_status, record_trace, request_span, traced};

/// Every document in a datagram's tree, with the id of its parent document.
fn flatten<'a>(
    document: &'a Value,
    parent: Option<&'a str>,
    out: &mut Vec<(&'a Value, Option<&'a str>)>,
) {
    out.push((document, parent));
    if let Some(children) = document["subsegments"].as_array() {
        for child in children {
            flatten(child, document["id"].as_str(), out);
        }
    }
}

#[test]
fn large_traces_are_split_into_independent_subsegments_under_64_kib() {
    let payload = "x".repeat(3000);
    let datagrams = traced(
        |config| config,
        || {
            let span = request_span("GET", "/report", "/report", "corr-big");
            record_trace(&span, SAMPLED_HEADER);
            span.in_scope(|| {
                for batch in 0..6 {
                    tracing::info_span!("batch", batch).in_scope(|| {
                        for row in 0..20 {
                            tracing::info_span!("row", row, payload = payload.as_str())
                                .in_scope(|| {});
                        }
                    });
                }
            });
            record_status(&span, 200);
        },
    );
    // 120 rows of 3 KB: about 370 KB in all.
    assert!(datagrams.len() >= 6, "{} datagrams", datagrams.len());
    for datagram in &datagrams {
        assert!(datagram.size <= 65_507, "{} bytes", datagram.size);
        assert_eq!(datagram.document["trace_id"], TRACE_ID);
    }
    let segment = &datagrams[0].document;
    assert!(segment.get("type").is_none(), "the segment comes first");
    for datagram in &datagrams[1..] {
        assert_eq!(datagram.document["type"], "subsegment");
        assert!(is_id(&datagram.document["parent_id"]));
    }

    // Reassemble: every document once, each attached to a parent that exists.
    let mut all = Vec::new();
    for datagram in &datagrams {
        flatten(&datagram.document, None, &mut all);
    }
    let mut parents: HashMap<&str, &str> = HashMap::new();
    let mut names: HashMap<&str, &str> = HashMap::new();
    for (document, nested_in) in &all {
        let id = document["id"].as_str().unwrap();
        let parent = nested_in
            .or_else(|| document["parent_id"].as_str())
            .unwrap();
        assert!(parents.insert(id, parent).is_none(), "{id} sent twice");
        names.insert(id, document["name"].as_str().unwrap());
    }
    let segment_id = segment["id"].as_str().unwrap();
    let count = |name: &str| names.values().filter(|n| **n == name).count();
    assert_eq!(
        (count("items-service"), count("batch"), count("row")),
        (1, 6, 120)
    );
    for (id, parent) in &parents {
        match names[id] {
            "items-service" => {}
            "batch" => assert_eq!(*parent, segment_id, "a batch belongs to the request"),
            "row" => assert_eq!(names[parent], "batch", "a row belongs to a batch"),
            other => panic!("unexpected {other}"),
        }
    }
    for (document, _) in &all {
        if document["name"] == "row" {
            assert_eq!(
                document["metadata"]["default"]["payload"]
                    .as_str()
                    .unwrap()
                    .len(),
                3000
            );
        }
    }
}

#[test]
fn a_subsegment_too_large_alone_loses_its_metadata() {
    let payload = "y".repeat(70_000);
    let datagrams = traced(
        |config| config,
        || {
            let span = request_span("GET", "/huge", "/huge", "corr-huge");
            record_trace(&span, SAMPLED_HEADER);
            span.in_scope(|| {
                tracing::info_span!("huge", payload = payload.as_str()).in_scope(|| {
                    tracing::info_span!("inner").in_scope(|| {});
                });
            });
            record_status(&span, 200);
        },
    );
    assert!(datagrams.iter().all(|datagram| datagram.size <= 65_507));
    let huge = datagrams
        .iter()
        .map(|datagram| &datagram.document)
        .find(|document| document["name"] == "huge")
        .expect("the subsegment is sent on its own");
    assert_eq!(huge["type"], "subsegment");
    assert!(huge.get("metadata").is_none());
    assert_eq!(huge["subsegments"][0]["name"], "inner");
}
