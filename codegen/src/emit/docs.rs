//! Doc comments from the spec's `title`/`description` text.
//!
//! Descriptions are Markdown written for humans, not for rustdoc: code fences without
//! a language would be compiled as doctests, indented blocks would become code blocks,
//! and stray carriage returns or tabs upset formatting. The text is made safe here.
//!
//! It is made lexically safe too: a doc comment ends at a line break, rustc rejects a
//! bare carriage return in one, and its deny-by-default
//! `text_direction_codepoint_in_comment` lint rejects the Unicode bidi controls. Line
//! breaks of any kind (CR, LF, NEL, U+2028, U+2029) start a new doc line, other
//! control characters are dropped (they have no visible form), and the invisible
//! characters that can make text read other than it is (the bidi controls and marks,
//! zero-width spaces and joiners' lookalikes, the byte order mark) are written as
//! visible escapes, `\u{202e}`. Escaping rather than dropping them is what keeps
//! the docs truthful: `left` and `left` followed by U+202E are two enum values, and
//! their docs must not read the same ("Trojan Source", CVE-2021-42574).

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

/// Whether `c` is invisible, or changes how the text around it is displayed, and so
/// is written as an escape in doc comments: the bidi embeddings, overrides and
/// isolates (which rustc rejects), the bidi marks, zero-width spaces, the word
/// joiner and invisible operators, the deprecated format characters, the byte order
/// mark and the interlinear annotation marks. The zero-width non-joiner and joiner
/// (U+200C, U+200D) are kept: they shape Persian, Indic and emoji text, and change no
/// reading order.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// Whether `c` ends a line of text.
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Appends `c` to `out` as doc comment text: invisible characters as an escape,
/// other control characters (tabs too: callers expand them) dropped.
fn push_doc_char(out: &mut String, c: char) {
    if is_invisible(c) {
        use std::fmt::Write as _;
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else if !c.is_control() {
        out.push(c);
    }
}

/// `text` as the text of one doc comment line, when it is known to be safe Markdown
/// but not known to be one line of visible characters (it quotes a name or a value
/// of the document: an enum value, a media type): line breaks, control and invisible
/// characters are written as escapes (`\r\n`, `\0`, `\u{2028}`), so that the docs
/// of two values tell them apart.
pub(crate) fn one_line(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || is_line_break(c) || is_invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The lines of `text` as rustdoc-safe Markdown.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\t', "    ");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    // The content indentation of the list item being continued, if any.
    let mut list_indent: Option<usize> = None;
    for raw in text.split(is_line_break) {
        let mut line = String::with_capacity(raw.len());
        for c in raw.chars() {
            push_doc_char(&mut line, c);
        }
        line.truncate(line.trim_end().len());
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
    fn line_breaks_split_controls_go_and_invisible_characters_show() {
        assert_eq!(
            sanitize("a\u{2028}b\u{2029}c\u{85}d\re\0f\u{7}g\u{1b}[31mh"),
            ["a", "b", "c", "d", "efg[31mh"]
        );
        let bidi = "\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}";
        assert_eq!(
            sanitize(&format!("x{bidi}\u{200b}\u{200e}\u{feff}y \u{200d}")),
            [concat!(
                r"x\u{202a}\u{202b}\u{202c}\u{202d}\u{202e}\u{2066}\u{2067}\u{2068}\u{2069}",
                r"\u{200b}\u{200e}\u{feff}y ",
                // Kept: the zero-width joiner shapes emoji and Indic text.
                "\u{200d}"
            )]
        );
        assert_eq!(
            one_line("a\r\n\0\tb\u{2028}\u{202e}\u{7f}`c`"),
            r"a\r\n\0\tb\u{2028}\u{202e}\u{7f}`c`"
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
