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
        child.make_independent(&trace_id, &document.id);
        fit(child, max_bytes, out, dropped);
    }
}

/// The header and the document's JSON.
fn encode(document: &Document) -> Vec<u8> {
    let mut datagram = HEADER.to_vec();
    serde_json::to_writer(&mut datagram, document).expect("a document serializes");
    datagram
}
