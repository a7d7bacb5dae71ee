//! What the server and client emitters both need to know about an operation: which
//! media type of a body they use, and how operations and statuses are documented.

use crate::ir::{Content, MediaKind, Operation, Response, StatusCode};

/// The media type a request body is sent and read as: JSON if declared, else the
/// first.
pub fn request_content(op: &Operation) -> Option<&Content> {
    let body = op.request_body.as_ref()?;
    body.contents
        .iter()
        .find(|c| c.kind == MediaKind::Json)
        .or_else(|| body.contents.first())
}

/// The media type a response is written and read as: JSON if declared, else the
/// first.
pub fn response_content(response: &Response) -> Option<&Content> {
    response
        .contents
        .iter()
        .find(|c| c.kind == MediaKind::Json)
        .or_else(|| response.contents.first())
}

/// The doc of a response variant: its status and description.
pub fn status_doc(response: &Response) -> String {
    let status = match response.status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(digit) => format!("{digit}XX"),
        StatusCode::Default => "Any other status".to_owned(),
    };
    match &response.description {
        Some(d) if !d.trim().is_empty() => format!("{status}: {}", d.trim()),
        _ => status,
    }
}

/// The doc of an operation: summary, `METHOD /path`, description, deprecation.
pub fn operation_doc(op: &Operation) -> String {
    let mut doc = format!("`{} {}`", op.method.as_str(), op.path.template);
    if let Some(summary) = &op.summary {
        doc = format!("{}\n\n{doc}", summary.trim());
    }
    if let Some(description) = &op.description {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    if op.deprecated {
        doc.push_str("\n\n**Deprecated.**");
    }
    doc
}

/// `": description"` (trimmed) for an optional description, or nothing.
pub fn described(description: Option<&str>) -> String {
    description
        .map(|d| format!(": {}", d.trim()))
        .unwrap_or_default()
}
