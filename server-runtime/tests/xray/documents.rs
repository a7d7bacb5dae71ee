//! The documents sent for single requests, field by field.

use serde_json::json;
use tracing::Instrument;

use crate::schema::{child, is_id};
use crate::{
    PARENT_ID, SAMPLED_HEADER, TRACE_ID, block_on, record_status, record_trace, request_span,
    traced,
};

#[tracing::instrument]
async fn fetch(item_id: u32) -> String {
    let details = async {
        tokio::task::yield_now().await;
        tracing::info!("details fetched");
        "details".to_owned()
    }
    .instrument(tracing::info_span!("fetch-item-details", table = "items"))
    .await;
    let audit = tokio::spawn(
        async { tokio::task::yield_now().await }.instrument(tracing::info_span!("audit")),
    );
    audit.await.unwrap();
    details
}

/// Serves one request with status `status` inside the contract's request span.
fn serve(header: &str, status: u16) {
    let span = request_span("GET", "/items/{item_id}", "/items/7", "corr-1");
    record_trace(&span, header);
    block_on(
        async {
            fetch(7).await;
        }
        .instrument(span.clone()),
    );
    record_status(&span, status);
}

#[test]
fn a_request_is_a_segment_with_its_trace_context() {
    let datagrams = traced(|config| config, || serve(SAMPLED_HEADER, 200));
    assert_eq!(datagrams.len(), 1);
    let segment = &datagrams[0].document;
    assert_eq!(segment["name"], "items-service");
    assert!(is_id(&segment["id"]));
    assert_ne!(segment["id"], PARENT_ID);
    assert_eq!(segment["trace_id"], TRACE_ID);
    assert_eq!(segment["parent_id"], PARENT_ID);
    assert!(segment.get("type").is_none(), "a segment has no type");
    assert!(
        segment.get("origin").is_none(),
        "the origin is unknown off Lambda"
    );
    assert_eq!(
        segment["http"],
        json!({"request": {"method": "GET", "url": "/items/7"}, "response": {"status": 200}})
    );
    assert_eq!(
        segment["annotations"],
        json!({"route": "/items/{item_id}", "method": "GET", "status": 200, "correlation_id": "corr-1"})
    );
    for flag in ["fault", "error", "throttle", "cause"] {
        assert!(segment.get(flag).is_none(), "no {flag} on a 200");
    }
    let start = segment["start_time"].as_f64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(now - start < 60.0 && now >= start, "start_time is now");
}

#[test]
fn spans_inside_a_request_nest_as_subsegments() {
    let datagrams = traced(|config| config, || serve(SAMPLED_HEADER, 200));
    let segment = &datagrams[0].document;
    assert_eq!(segment["subsegments"].as_array().unwrap().len(), 1);
    let fetch = child(segment, "fetch");
    assert_eq!(fetch["metadata"], json!({"default": {"item_id": 7}}));
    assert!(fetch.get("namespace").is_none());
    let details = child(fetch, "fetch-item-details");
    assert_eq!(details["metadata"], json!({"default": {"table": "items"}}));
    assert!(details.get("fault").is_none(), "an INFO event is no fault");
    let audit = child(fetch, "audit");
    assert!(audit.get("subsegments").is_none());
    for (outer, inner) in [(segment, fetch), (fetch, details), (fetch, audit)] {
        assert!(inner["start_time"].as_f64() >= outer["start_time"].as_f64());
        assert!(inner["end_time"].as_f64() <= outer["end_time"].as_f64());
    }
    let ids = [&segment["id"], &fetch["id"], &details["id"], &audit["id"]];
    for (index, id) in ids.iter().enumerate() {
        assert!(!ids[index + 1..].contains(id), "ids are unique");
    }
}

#[test]
fn failing_spans_are_faults_with_their_cause() {
    let datagrams = traced(
        |config| config,
        || {
            let span = request_span("POST", "/items", "/items", "corr-2");
            record_trace(&span, SAMPLED_HEADER);
            span.in_scope(|| {
                let flagged = tracing::info_span!("store", error = tracing::field::Empty);
                flagged.in_scope(|| flagged.record("error", true));
                tracing::info_span!("validate", error = "name is empty").in_scope(|| {});
                tracing::info_span!("charge").in_scope(|| {
                    tracing::error!(error = "card declined", "payment failed");
                });
                tracing::info_span!("notify").in_scope(|| {
                    tracing::warn!("slow mail server");
                });
            });
            record_status(&span, 201);
        },
    );
    let segment = &datagrams[0].document;
    assert!(
        segment.get("fault").is_none(),
        "the request itself succeeded"
    );
    let store = child(segment, "store");
    assert_eq!(store["fault"], true);
    assert_eq!(store["metadata"]["default"]["error"], true);
    let validate = child(segment, "validate");
    assert_eq!(validate["fault"], true);
    assert_eq!(
        validate["cause"]["exceptions"][0]["message"],
        "name is empty"
    );
    let charge = child(segment, "charge");
    assert_eq!(charge["fault"], true);
    let exceptions = charge["cause"]["exceptions"].as_array().unwrap();
    assert_eq!(exceptions.len(), 1);
    assert_eq!(exceptions[0]["message"], "payment failed: card declined");
    let notify = child(segment, "notify");
    assert!(notify.get("fault").is_none() && notify.get("cause").is_none());
}

#[test]
fn statuses_mark_faults_errors_and_throttles() {
    for (status, fault, error, throttle) in [
        (500, true, false, false),
        (503, true, false, false),
        (404, false, true, false),
        (422, false, true, false),
        (429, false, true, true),
        (302, false, false, false),
    ] {
        let datagrams = traced(|config| config, || serve(SAMPLED_HEADER, status));
        let segment = &datagrams[0].document;
        assert_eq!(segment["http"]["response"]["status"], status);
        assert_eq!(segment["annotations"]["status"], status);
        for (flag, expected) in [("fault", fault), ("error", error), ("throttle", throttle)] {
            assert_eq!(
                segment.get(flag).is_some_and(|value| value == true),
                expected,
                "{flag} on {status}"
            );
        }
    }
}

#[test]
fn unsampled_and_untraced_requests_send_nothing() {
    let unsampled = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
    assert!(traced(|config| config, || serve(unsampled, 200)).is_empty());
    let untraced = traced(
        |config| config,
        || {
            let span = request_span("GET", "/items", "/items", "corr-3");
            span.in_scope(|| tracing::info_span!("work").in_scope(|| {}));
            record_status(&span, 200);
        },
    );
    assert!(untraced.is_empty(), "no trace id, no segment");
    let outside = traced(
        |config| config,
        || tracing::info_span!("not-a-request").in_scope(|| {}),
    );
    assert!(outside.is_empty(), "spans outside requests are not traced");
}

#[test]
fn undecided_sampling_is_traced() {
    let undecided = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?";
    let datagrams = traced(|config| config, || serve(undecided, 200));
    assert_eq!(datagrams.len(), 1);
    assert!(datagrams[0].document.get("parent_id").is_none());
}

#[test]
fn on_lambda_a_request_is_a_subsegment_of_the_invocation() {
    let lambda_header =
        "Root=1-65f0c0de-0123456789abcdef01234567;Parent=1a2b3c4d5e6f7a8b;Sampled=1";
    let by_field = traced(
        |config| config,
        || {
            let span = request_span("GET", "/items/{item_id}", "/items/7", "req-1");
            record_trace(&span, lambda_header);
            span.record("function_request_id", "req-1");
            span.record("function_name", "items");
            span.in_scope(|| tracing::info_span!("fetch-item-details").in_scope(|| {}));
            record_status(&span, 502);
        },
    );
    let by_config = traced(
        |config| config.on_lambda(true),
        || {
            let span = request_span("GET", "/items/{item_id}", "/items/7", "req-1");
            record_trace(&span, lambda_header);
            span.in_scope(|| tracing::info_span!("fetch-item-details").in_scope(|| {}));
            record_status(&span, 502);
        },
    );
    for datagrams in [by_field, by_config] {
        assert_eq!(datagrams.len(), 1);
        let subsegment = &datagrams[0].document;
        assert_eq!(subsegment["type"], "subsegment");
        assert_eq!(subsegment["name"], "## items-service");
        assert_eq!(
            subsegment["trace_id"],
            "1-65f0c0de-0123456789abcdef01234567"
        );
        assert_eq!(subsegment["parent_id"], "1a2b3c4d5e6f7a8b");
        assert!(subsegment.get("origin").is_none() && subsegment.get("http").is_none());
        assert_eq!(subsegment["fault"], true);
        assert_eq!(subsegment["annotations"]["correlation_id"], "req-1");
        child(subsegment, "fetch-item-details");
    }
}

#[test]
fn on_lambda_without_a_parent_the_request_is_a_lambda_segment() {
    let datagrams = traced(
        |config| config.on_lambda(true),
        || serve("Root=1-65f0c0de-0123456789abcdef01234567;Sampled=1", 200),
    );
    let segment = &datagrams[0].document;
    assert!(segment.get("type").is_none());
    assert_eq!(segment["origin"], "AWS::Lambda::Function");
}

#[test]
fn the_configured_origin_is_set_off_lambda() {
    let datagrams = traced(
        |config| config.origin("AWS::ECS::Container"),
        || serve(SAMPLED_HEADER, 200),
    );
    assert_eq!(datagrams[0].document["origin"], "AWS::ECS::Container");
}

#[test]
fn names_and_annotation_keys_are_sanitized() {
    const LONG: &str = "a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name-a-very-long-operation-name";
    let datagrams = traced(
        |config| config,
        || {
            let span = request_span("GET", "/items/{item_id}", "/items/7", "corr-4");
            record_trace(&span, SAMPLED_HEADER);
            span.in_scope(|| {
                tracing::info_span!("query <items> {by id}; \"fast\"").in_scope(|| {});
                tracing::info_span!(LONG).in_scope(|| {});
                tracing::info_span!(
                    "annotated",
                    "annotation.item-id" = 7,
                    annotation.kind = "book"
                )
                .in_scope(|| {});
            });
            record_status(&span, 200);
        },
    );
    let segment = &datagrams[0].document;
    child(segment, "query _items_ _by id__ _fast_");
    let long: String = LONG.chars().take(200).collect();
    child(segment, &long);
    let annotated = child(segment, "annotated");
    assert_eq!(
        annotated["annotations"],
        json!({"item_id": 7, "kind": "book"})
    );
    assert!(
        annotated.get("metadata").is_none(),
        "annotations are not metadata"
    );
}

#[test]
fn spans_outliving_the_handler_keep_the_request_open() {
    let datagrams = traced(
        |config| config,
        || {
            let span = request_span("POST", "/jobs", "/jobs", "corr-5");
            record_trace(&span, SAMPLED_HEADER);
            let (job, step) = span.in_scope(|| {
                let job = tracing::info_span!("background-job");
                let step = job.in_scope(|| tracing::info_span!("step"));
                (job, step)
            });
            record_status(&span, 202);
            drop(span);
            drop(job);
            std::thread::sleep(std::time::Duration::from_millis(5));
            drop(step);
        },
    );
    assert_eq!(datagrams.len(), 1, "sent once the last span inside closed");
    let segment = &datagrams[0].document;
    let job = child(segment, "background-job");
    let step = child(job, "step");
    assert!(segment["end_time"].as_f64() >= step["end_time"].as_f64());
}
