//! X-Ray trace context: the `X-Amzn-Trace-Id` header (and Lambda's
//! `_X_AMZN_TRACE_ID`), parsed and generated.
//!
//! The header reads `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`;
//! keys may come in any order and unknown keys (`Lineage=…`, `Self=…`) are ignored.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// The request header that carries X-Ray trace context.
pub const HEADER: &str = "x-amzn-trace-id";

/// The environment variable the Lambda runtime sets to the invocation's trace header.
pub const LAMBDA_ENV: &str = "_X_AMZN_TRACE_ID";

/// A request's X-Ray trace context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// The trace id, `1-{8 hex digits of epoch seconds}-{24 hex digits}`.
    pub trace_id: String,
    /// The id of the segment or subsegment that called us (16 hex digits), if any.
    pub parent_id: Option<String>,
    /// The upstream sampling decision: `Some(true)` for `Sampled=1`, `Some(false)` for
    /// `Sampled=0`, `None` when not decided (`Sampled=?` or absent).
    pub sampled: Option<bool>,
}

impl TraceContext {
    /// The context in a trace header, or `None` when it has no well-formed `Root`.
    pub fn parse(header: &str) -> Option<TraceContext> {
        let mut trace_id = None;
        let mut parent_id = None;
        let mut sampled = None;
        for part in header.split(';') {
            let Some((key, value)) = part.trim().split_once('=') else {
                continue;
            };
            match key.trim() {
                "Root" if is_trace_id(value) => trace_id = Some(value.to_owned()),
                "Parent" if is_segment_id(value) => parent_id = Some(value.to_owned()),
                "Sampled" => {
                    sampled = match value {
                        "1" => Some(true),
                        "0" => Some(false),
                        _ => None,
                    }
                }
                _ => {}
            }
        }
        Some(TraceContext {
            trace_id: trace_id?,
            parent_id,
            sampled,
        })
    }

    /// A new trace, started here, with this sampling decision.
    pub fn new_root(sampled: bool) -> TraceContext {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let random = uuid::Uuid::new_v4().as_u128();
        TraceContext {
            trace_id: trace_id(seconds as u32, random >> 32),
            parent_id: None,
            sampled: Some(sampled),
        }
    }

    /// The header value to send downstream from within segment `segment_id`.
    pub fn header_for(&self, segment_id: &str) -> String {
        let sampled = match self.sampled {
            Some(true) => "1",
            Some(false) => "0",
            None => "?",
        };
        format!(
            "Root={};Parent={segment_id};Sampled={sampled}",
            self.trace_id
        )
    }
}

impl fmt::Display for TraceContext {
    /// The context as a header value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Root={}", self.trace_id)?;
        if let Some(parent) = &self.parent_id {
            write!(f, ";Parent={parent}")?;
        }
        match self.sampled {
            Some(true) => write!(f, ";Sampled=1"),
            Some(false) => write!(f, ";Sampled=0"),
            None => Ok(()),
        }
    }
}

/// `1-{8 hex digits of seconds}-{24 hex digits of random}`, without `fmt` (a new
/// trace starts with every untraced request when tracing).
fn trace_id(seconds: u32, random: u128) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut id = Vec::with_capacity(35);
    id.extend_from_slice(b"1-");
    id.extend(
        (0..8)
            .rev()
            .map(|at| DIGITS[(seconds >> (4 * at) & 0xf) as usize]),
    );
    id.push(b'-');
    id.extend(
        (0..24)
            .rev()
            .map(|at| DIGITS[(random >> (4 * at) & 0xf) as usize]),
    );
    String::from_utf8(id).unwrap_or_default()
}

/// A new segment or subsegment id: 16 random hex digits.
pub fn new_segment_id() -> String {
    format!("{:016x}", uuid::Uuid::new_v4().as_u128() as u64)
}

/// `1-` + 8 hex digits + `-` + 24 hex digits.
fn is_trace_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 35
        && value.starts_with("1-")
        && bytes[10] == b'-'
        && value[2..10].bytes().all(|byte| byte.is_ascii_hexdigit())
        && value[11..].bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// 16 hex digits.
fn is_segment_id(value: &str) -> bool {
    value.len() == 16 && value.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_in_any_order() {
        let context = TraceContext::parse(
            "Sampled=1;Root=1-5759e988-bd862e3fe1be46a994272793; Parent=53995c3f42cd8ad8;Lineage=a87bd80c:1",
        )
        .unwrap();
        assert_eq!(context.trace_id, "1-5759e988-bd862e3fe1be46a994272793");
        assert_eq!(context.parent_id.as_deref(), Some("53995c3f42cd8ad8"));
        assert_eq!(context.sampled, Some(true));
        assert_eq!(
            context.to_string(),
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        );
        let undecided = TraceContext::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?");
        assert_eq!(undecided.unwrap().sampled, None);
    }

    #[test]
    fn malformed_roots_are_refused() {
        assert_eq!(TraceContext::parse(""), None);
        assert_eq!(TraceContext::parse("Parent=53995c3f42cd8ad8"), None);
        assert_eq!(
            TraceContext::parse("Root=2-5759e988-bd862e3fe1be46a994272793"),
            None
        );
        assert_eq!(
            TraceContext::parse("Root=1-5759e988-bd862e3fe1be46a99427279"),
            None
        );
        let bad_parent =
            TraceContext::parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=xyz").unwrap();
        assert_eq!(bad_parent.parent_id, None);
    }

    #[test]
    fn trace_ids_are_hex_as_fmt_writes_them() {
        let random = 0x0123_4567_89ab_cdef_fedc_ba98u128;
        assert_eq!(
            trace_id(0x5759_e988, random),
            format!("1-{:08x}-{:024x}", 0x5759_e988u32, random)
        );
        assert_eq!(trace_id(7, 1), format!("1-{:08x}-{:024x}", 7, 1));
    }

    #[test]
    fn new_roots_are_well_formed_and_distinct() {
        let first = TraceContext::new_root(true);
        let second = TraceContext::new_root(true);
        assert!(is_trace_id(&first.trace_id), "{}", first.trace_id);
        assert_ne!(first.trace_id, second.trace_id);
        let id = new_segment_id();
        assert!(is_segment_id(&id), "{id}");
        let header = first.header_for(&id);
        let parsed = TraceContext::parse(&header).unwrap();
        assert_eq!(parsed.trace_id, first.trace_id);
        assert_eq!(parsed.parent_id, Some(id));
    }
}
