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
fn sanitize(text: &str) -> Vec<String> {
    let text = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
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
            // Outside fences, leading indentation would make an (untested) code block.
            None => out.push(trimmed.to_owned()),
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
    fn unclosed_fences_are_closed_and_blank_runs_collapse() {
        assert_eq!(
            sanitize("a\n\n\n\nb\n~~~~\nc"),
            ["a", "", "b", "~~~~text", "c", "~~~~"]
        );
        assert!(sanitize("  \n\n").is_empty());
    }
}
