//! Documents into UDP datagrams for the daemon: a header line, then one document,
//! never more than [`MAX_DATAGRAM_BYTES`].

use super::segment::Document;

/// The line every datagram to the daemon starts with.
pub(crate) const HEADER: &[u8] = b"{\"format\": \"json\", \"version\": 1}\n";

/// The largest datagram sent: the most an IPv4 UDP datagram carries (65,507 bytes),
/// which is under the daemon's 64 KiB read buffer and X-Ray's 64 KiB document limit.
pub(crate) const MAX_DATAGRAM_BYTES: usize = 65_507;

/// What `"subsegments":[]` adds to a document without subsegments (with its comma).
const SUBSEGMENTS_KEY_BYTES: usize = r#","subsegments":[]"#.len();

/// The datagrams for a request's document (a segment or an independent subsegment).
///
/// A document too large for one datagram keeps as many of its children as fit and
/// sends the others as independent subsegments (`type`, `trace_id`, `parent_id`),
/// recursively; one too large even alone loses its metadata, then its annotations
/// and cause. Returns the datagrams and how many documents could not be sent at all.
pub(crate) fn datagrams(document: Document, max_bytes: usize) -> (Vec<Vec<u8>>, u64) {
    let mut out = Vec::with_capacity(1);
    let mut dropped = 0;
    fit(document, max_bytes, &mut out, &mut dropped);
    (out, dropped)
}

/// Appends the datagrams of one document and its subtree.
fn fit(mut document: Document, max_bytes: usize, out: &mut Vec<Vec<u8>>, dropped: &mut u64) {
    let whole = encode(&document);
    if whole.len() <= max_bytes {
        out.push(whole);
        return;
    }
    let children = std::mem::take(&mut document.subsegments);
    let mut alone = encode(&document);
    if alone.len() > max_bytes {
        document.metadata.clear();
        alone = encode(&document);
    }
    if alone.len() > max_bytes {
        document.annotations.clear();
        document.cause = None;
        alone = encode(&document);
    }
    let trace_id = document.trace_id.clone().unwrap_or_default();
    let mut detached = Vec::new();
    if alone.len() > max_bytes {
        // Cannot happen with X-Ray's bounded names and ids, but never send it.
        *dropped += 1;
        detached = children;
    } else {
        let mut budget = (max_bytes - alone.len()).saturating_sub(SUBSEGMENTS_KEY_BYTES);
        for child in children {
            let size = serde_json::to_vec(&child).map_or(usize::MAX, |json| json.len()) + 1;
            if size <= budget {
                budget -= size;
                document.subsegments.push(child);
            } else {
                detached.push(child);
            }
        }
        out.push(if document.subsegments.is_empty() {
            alone
        } else {
            encode(&document)
        });
    }
    for mut child in detached {
        child.make_independent(&trace_id, document.id);
        fit(child, max_bytes, out, dropped);
    }
}

/// The header and the document's JSON.
fn encode(document: &Document) -> Vec<u8> {
    // Most documents fit in this without growing.
    let mut datagram = Vec::with_capacity(2048);
    datagram.extend_from_slice(HEADER);
    serde_json::to_writer(&mut datagram, document).expect("a document serializes");
    datagram
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::Value;

    use super::*;
    use crate::xray::segment::SegmentId;

    /// A subsegment with `children` and about `padding` bytes of metadata.
    fn subsegment(name: &str, id: u64, padding: usize, children: Vec<Document>) -> Document {
        let mut document = Document::new(name, SegmentId(id), 1.0, 2.0);
        document
            .metadata
            .0
            .set(Cow::Borrowed("padding"), Value::from("p".repeat(padding)));
        document.subsegments = children;
        document
    }

    /// The documents of datagrams, checked for the header and the size limit.
    fn decode(datagrams: &[Vec<u8>], max_bytes: usize) -> Vec<Value> {
        datagrams
            .iter()
            .map(|datagram| {
                assert!(datagram.len() <= max_bytes, "{} bytes", datagram.len());
                assert!(datagram.starts_with(HEADER));
                serde_json::from_slice(&datagram[HEADER.len()..]).unwrap()
            })
            .collect()
    }

    #[test]
    fn a_small_document_is_one_datagram() {
        let mut segment = subsegment("service", 1, 10, vec![subsegment("child", 2, 10, vec![])]);
        segment.trace_id = Some("1-5759e988-bd862e3fe1be46a994272793".to_owned());
        let (datagrams, dropped) = datagrams(segment, MAX_DATAGRAM_BYTES);
        assert_eq!((datagrams.len(), dropped), (1, 0));
        let documents = decode(&datagrams, MAX_DATAGRAM_BYTES);
        assert_eq!(documents[0]["subsegments"][0]["name"], "child");
    }

    #[test]
    fn children_that_do_not_fit_become_independent_recursively() {
        let grandchildren = (10..14)
            .map(|id| subsegment("leaf", id, 300, vec![]))
            .collect();
        let children = vec![
            subsegment("small", 2, 10, vec![]),
            subsegment("big", 3, 10, grandchildren),
        ];
        let mut segment = subsegment("service", 1, 10, children);
        segment.trace_id = Some("1-5759e988-bd862e3fe1be46a994272793".to_owned());
        let max_bytes = 1000;
        let (datagrams, dropped) = datagrams(segment, max_bytes);
        assert_eq!(dropped, 0);
        let documents = decode(&datagrams, max_bytes);
        assert_eq!(
            documents[0]["subsegments"][0]["name"], "small",
            "what fits stays"
        );
        assert_eq!(documents[0]["subsegments"].as_array().unwrap().len(), 1);
        let big = &documents[1];
        assert_eq!(big["name"], "big");
        assert_eq!(big["type"], "subsegment");
        assert_eq!(big["parent_id"], "0000000000000001");
        assert_eq!(big["trace_id"], "1-5759e988-bd862e3fe1be46a994272793");
        let nested = big["subsegments"].as_array().map_or(0, Vec::len);
        let leaves: Vec<&Value> = documents[2..].iter().collect();
        assert_eq!(nested + leaves.len(), 4, "every leaf is sent once");
        for leaf in leaves {
            assert_eq!(leaf["parent_id"], "0000000000000003");
            assert_eq!(leaf["type"], "subsegment");
        }
    }

    #[test]
    fn a_document_too_large_alone_loses_its_metadata() {
        let mut segment = subsegment("service", 1, 5000, vec![]);
        segment.trace_id = Some("1-5759e988-bd862e3fe1be46a994272793".to_owned());
        let (datagrams, dropped) = datagrams(segment, 1000);
        assert_eq!((datagrams.len(), dropped), (1, 0));
        assert!(decode(&datagrams, 1000)[0].get("metadata").is_none());
    }
}
