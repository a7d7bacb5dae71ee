//! Doc comments from the spec's `title`/`description` text.
//!
//! Descriptions are Markdown written for humans, not for rustdoc: code fences without
//! a language would be compiled as doctests, indented blocks would become code blocks,
//! and stray carriage returns or tabs upset formatting. The text is made safe here.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = …]` attributes (one per line) for `text`, or nothing.
pub fn attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let lines = sanitize(text);
    if lines.is_empty() {
        return TokenStream::new();
    }
    let lines = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Docs made of an optional text and extra notes, separated by a blank line.
pub fn join(text: Option<&str>, notes: &[String]) -> Option<String> {
    let mut parts: Vec<&str> = text.into_iter().collect();
    parts.extend(notes.iter().map(String::as_str));
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

/// The lines of `text` as rustdoc-safe Markdown.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    // The content indentation of the list item being continued, if any.
    let mut list_indent: Option<usize> = None;
    for raw in text.lines() {
        let line: String = raw
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim_end()
            .to_owned();
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence = marker.len() >= 3
            && marker
                .chars()
                .all(|c| c == marker.chars().next().unwrap_or('`'));
        match &fence {
            Some(open) if is_fence && marker.starts_with(open.as_str()) => {
                fence = None;
                out.push(marker);
            }
            Some(_) => out.push(line),
            None if is_fence => {
                // Any fence opens a block rustdoc never compiles.
                fence = Some(marker.clone());
                out.push(format!("{marker}text"));
            }
            // Outside fences, leading indentation would make an (untested) code block;
            // lines continuing a list item are indented to its content instead.
            None => {
                let text = inline(trimmed);
                if trimmed.is_empty() {
                    list_indent = None;
                    out.push(text);
                } else if let Some(width) = list_marker_width(trimmed) {
                    list_indent = Some(width);
                    out.push(text);
                } else if let Some(width) = list_indent {
                    out.push(format!("{}{text}", " ".repeat(width)));
                } else {
                    out.push(text);
                }
            }
        }
    }
    if let Some(open) = fence {
        out.push(open);
    }
    // Collapse runs of blank lines and drop blank lines at both ends.
    let mut lines: Vec<String> = Vec::with_capacity(out.len());
    for line in out {
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// The width of the list marker (`- `, `* `, `+ `, `1. `, `1) `) `line` starts with.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// HTML elements rustdoc renders; any other `<word>` is text that would be read as
/// an unclosed tag.
const HTML_ELEMENTS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// One line outside code blocks: bare URLs become autolinks and `<word>` that is not
/// HTML is escaped; code spans are left alone.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(len) = bare_url_len(rest, out.chars().last()) {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
            if c == '<' && needs_escape(&rest[1..]) {
                out.push_str("\\<");
                rest = &rest[1..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of a URL starting `text` that is not already a link, if any.
fn bare_url_len(text: &str, before: Option<char>) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    if matches!(before, Some('<' | '(' | '[' | '"' | '\'' | '=')) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    (url.len() > "https://".len()).then_some(url.len())
}

/// Whether the text after a `<` would be read as an unknown HTML tag.
fn needs_escape(after: &str) -> bool {
    let after = after.strip_prefix('/').unwrap_or(after);
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return false;
    }
    if after.starts_with("http:") || after.starts_with("https:") || after.starts_with("mailto:") {
        return false;
    }
    !HTML_ELEMENTS.contains(&name.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_never_become_doctests() {
        let lines = sanitize("Call it:\r\n\r\n```\nlet x = 1;\n```\n\n    indented\n");
        assert_eq!(
            lines,
            [
                "Call it:",
                "",
                "```text",
                "let x = 1;",
                "```",
                "",
                "indented"
            ]
        );
    }

    #[test]
    fn urls_become_links_and_unknown_tags_are_escaped() {
        assert_eq!(
            inline("See https://example.com/a_b. Or <https://x.y>, [here](https://z.w)."),
            "See <https://example.com/a_b>. Or <https://x.y>, [here](https://z.w)."
        );
        assert_eq!(
            inline("A Vec<String> of <b>bold</b> `Option<T>` for <your-username>"),
            "A Vec\\<String> of <b>bold</b> `Option<T>` for \\<your-username>"
        );
        assert_eq!(inline("a < b and x<2"), "a < b and x<2");
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(
            sanitize("Modes:\n- fast: quick\n    and loose\n10. ten\ncontinued\n\nAfter."),
            [
                "Modes:",
                "- fast: quick",
                "  and loose",
                "10. ten",
                "    continued",
                "",
                "After."
            ]
        );
    }

    #[test]
    fn unclosed_fences_are_closed_and_blank_runs_collapse() {
        assert_eq!(
            sanitize("a\n\n\n\nb\n~~~~\nc"),
            ["a", "", "b", "~~~~text", "c", "~~~~"]
        );
        assert!(sanitize("  \n\n").is_empty());
    }
}
