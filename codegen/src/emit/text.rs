//! Rust source written directly as formatted text.
//!
//! The items a document has by the thousand (models with their serde impls, the
//! client's request builders, the server's per-operation types and handlers) are
//! written line by line here rather than built with `quote!`,
//! parsed with `syn` and printed with `prettyplease`: for the largest documents that
//! round trip was most of the generation time. The layout follows rustfmt's: four
//! spaces per level, lists on one line when they fit in [`WIDTH`] columns, else one
//! element per line with a trailing comma.

use std::fmt::{self, Write};

use proc_macro2::TokenStream;

use super::docs;
use crate::diagnostics::Error;

/// The widest line a list is kept on.
pub const WIDTH: usize = 100;

/// Formatted Rust source, written line by line at an indentation depth.
#[derive(Debug, Default)]
pub struct Code {
    out: String,
    depth: usize,
    /// How many levels in the text will be, beyond its own indentation: what the
    /// width of its lines is counted from.
    base: usize,
}

impl Code {
    /// Empty source at depth 0, for the top level of a file.
    pub fn new() -> Self {
        Code::default()
    }

    /// Empty source at depth 0, for the body of `levels` nested containers (which
    /// indent it when they write it).
    pub fn within(levels: usize) -> Self {
        Code {
            base: levels,
            ..Code::default()
        }
    }

    /// The source written.
    pub fn finish(self) -> String {
        self.out
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Writes `text` as a line at the current depth.
    pub fn line(&mut self, text: impl fmt::Display) {
        self.indent();
        // Writing to a `String` cannot fail.
        let _ = write!(self.out, "{text}");
        self.out.push('\n');
    }

    /// Writes an empty line.
    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// Writes `text` (which opens a block) and goes one level deeper.
    pub fn open(&mut self, text: impl fmt::Display) {
        self.line(text);
        self.depth += 1;
    }

    /// Goes one level up and writes `text` (which closes a block).
    pub fn close(&mut self, text: impl fmt::Display) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
    }

    /// Goes one level deeper (after a line that opens a block).
    pub fn indent_in(&mut self) {
        self.depth += 1;
    }

    /// Goes one level up (before a line that closes a block).
    pub fn indent_out(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Writes `head { a, b }tail` (a struct literal or pattern) on one line if it
    /// fits, `head {}tail` without items; else the items one per line.
    pub fn braced(&mut self, head: &str, items: &[String], tail: &str) {
        if items.is_empty() {
            self.line(format_args!("{head} {{}}{tail}"));
        } else if self.fits(&format!("{head} {{ "), items, &format!(" }}{tail}")) {
            self.line(format_args!("{head} {{ {} }}{tail}", items.join(", ")));
        } else {
            self.open(format_args!("{head} {{"));
            for item in items {
                self.line(format_args!("{item},"));
            }
            self.close(format_args!("}}{tail}"));
        }
    }

    /// Writes the statements `tokens` (built with `quote!`), formatted by
    /// `prettyplease`: for the few statements that are not written as text.
    pub fn statements(&mut self, tokens: TokenStream) -> Result<(), Error> {
        // Nested in as many blocks as the statements are deep, so that prettyplease
        // breaks their lines at the same width.
        let levels = (self.base + self.depth).max(1);
        let mut nested = tokens;
        for _ in 1..levels {
            nested = quote::quote!({ #nested });
        }
        let file: syn::File = syn::parse2(quote::quote!(fn f() { #nested })).map_err(|error| {
            Error::Internal(format!("the generated code does not parse: {error}"))
        })?;
        let text = prettyplease::unparse(&file);
        let lines: Vec<&str> = text.lines().collect();
        // The lines inside the function and the blocks, `levels` levels in.
        let indent = "    ".repeat(levels);
        let inner = lines.get(levels..lines.len().saturating_sub(levels));
        for line in inner.unwrap_or_default() {
            let line = line.strip_prefix(indent.as_str()).unwrap_or(line);
            if line.is_empty() {
                self.blank();
            } else {
                self.line(line);
            }
        }
        Ok(())
    }

    /// Writes `text` as `///` doc comments, made safe for rustdoc.
    pub fn doc(&mut self, text: Option<&str>) {
        let Some(text) = text else {
            return;
        };
        for line in docs::sanitize(text) {
            self.doc_line(&line);
        }
    }

    /// Writes one `///` line of `text`, which is already safe Markdown for rustdoc
    /// but may hold document text (an enum value, a media type): line breaks become
    /// spaces, and control and invisible characters are dropped or escaped as in
    /// [`doc`](Code::doc).
    pub fn doc_line(&mut self, text: &str) {
        let text = docs::one_line(text);
        let text = text.trim_end();
        if text.is_empty() {
            self.line("///");
        } else {
            self.line(format_args!("/// {text}"));
        }
    }

    /// Writes `head`, the `items` separated by `, ` and `tail` on one line if it fits
    /// in [`WIDTH`] columns; else `head` alone, the items one per line one level
    /// deeper, each followed by a comma, and `tail` on the last line.
    pub fn list<I>(&mut self, head: &str, items: I, tail: &str)
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let items: Vec<I::Item> = items.into_iter().collect();
        if self.fits(head, &items, tail) {
            self.indent();
            self.out.push_str(head);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.out.push_str(item.as_ref());
            }
            self.out.push_str(tail);
            self.out.push('\n');
            return;
        }
        self.open(head);
        for item in &items {
            self.line(format_args!("{},", item.as_ref()));
        }
        self.close(tail);
    }

    /// Like [`list`](Code::list), for a `tail` that opens a block: then goes one
    /// level deeper.
    pub fn open_list<I>(&mut self, head: &str, items: I, tail: &str)
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.list(head, items, tail);
        self.depth += 1;
    }

    /// Writes `head`, the type `ty` and `tail` on one line if it fits; else breaks
    /// `ty` at its generic arguments, one per line (themselves broken likewise).
    pub fn typed(&mut self, head: &str, ty: &str, tail: &str) {
        if self.fits(head, &[ty], tail) {
            self.line(format_args!("{head}{ty}{tail}"));
            return;
        }
        match generic_arguments(ty) {
            Some((outer, arguments)) => {
                self.open(format_args!("{head}{outer}<"));
                for argument in arguments {
                    self.typed("", argument, ",");
                }
                self.close(format_args!(">{tail}"));
            }
            None => self.line(format_args!("{head}{ty}{tail}")),
        }
    }

    /// Writes the signature `head(params) -> ret {` (without `-> ret` if `ret` is
    /// `None`), broken as rustfmt does when it is too wide, and goes one level
    /// deeper.
    pub fn signature(&mut self, head: &str, params: &[&str], ret: Option<&str>) {
        let tail = match ret {
            Some(ret) => format!(") -> {ret} {{"),
            None => ") {".to_owned(),
        };
        if self.fits(head, params, &tail) {
            self.open_list(head, params, &tail);
            return;
        }
        self.open(head);
        for param in params {
            self.line(format_args!("{param},"));
        }
        self.depth = self.depth.saturating_sub(1);
        match ret {
            Some(ret) => self.typed(") -> ", ret, " {"),
            None => self.line(") {"),
        }
        self.depth += 1;
    }

    /// Writes the match arm `pattern => value,`, or with `value` in a block on lines
    /// of its own if that is too wide.
    pub fn arm(&mut self, pattern: &str, value: &str) {
        // `pattern`, ` => `, `value` and `,`.
        if (self.base + self.depth) * 4 + pattern.len() + value.len() + 5 <= WIDTH {
            self.line(format_args!("{pattern} => {value},"));
        } else {
            self.open(format_args!("{pattern} => {{"));
            self.line(value);
            self.close("}");
        }
    }

    /// Writes the match arm `pattern => head arguments tail,` (a call), on one line if
    /// it fits, else the call in a block on a line of its own if that fits, else the
    /// arguments one per line.
    pub fn call_arm(&mut self, pattern: &str, head: &str, arguments: &[String], tail: &str) {
        if arguments.is_empty() {
            return self.arm(pattern, head);
        }
        let arm = format!("{pattern} => {head}");
        let arm_tail = format!("{tail},");
        if self.fits(&arm, arguments, &arm_tail) {
            return self.list(&arm, arguments, &arm_tail);
        }
        self.depth += 1;
        let block = self.fits(head, arguments, tail);
        self.depth -= 1;
        if block {
            self.open(format_args!("{pattern} => {{"));
            self.list(head, arguments, tail);
            self.close("}");
        } else {
            self.list(&arm, arguments, &arm_tail);
        }
    }

    /// Whether `head`, `items` and `tail` fit on one line at the current depth.
    pub fn fits(&self, head: &str, items: &[impl AsRef<str>], tail: &str) -> bool {
        let items: usize = items.iter().map(|item| item.as_ref().len() + 2).sum();
        (self.base + self.depth) * 4 + head.len() + items.saturating_sub(2) + tail.len() <= WIDTH
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
    }
}

/// The path and generic arguments of the type `ty`, if it has any: `A<B, C<D>>` is
/// `A` and `[B, C<D>]`.
fn generic_arguments(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.get(open + 1..)?.strip_suffix('>')?;
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                arguments.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    arguments.push(inner[start..].trim());
    Some((&ty[..open], arguments))
}

/// `value` as a Rust string literal.
///
/// `{:?}` escapes every character that `char::escape_debug` does not see as
/// printable: the control characters, and the format and separator characters,
/// which include the Unicode bidi controls rustc's deny-by-default
/// `text_direction_codepoint_in_literal` lint rejects, the zero-width characters and
/// U+2028/U+2029. So does `proc_macro2::Literal::string`, which `quote!` uses for a
/// `&str`. The test below holds both to it.
pub fn string(value: &str) -> String {
    format!("{value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_stay_on_one_line_when_they_fit() {
        let mut code = Code::new();
        code.open("impl A {");
        code.list("fn f(", ["a: u8", "b: u8"], ") {}");
        code.list(
            "fn long_function_name(",
            [
                "first_argument: Option<String>",
                "second_argument: Option<String>",
                "third: u8",
            ],
            ") -> u8 {",
        );
        code.close("}");
        assert_eq!(
            code.finish(),
            "impl A {\n    fn f(a: u8, b: u8) {}\n    fn long_function_name(\n        \
             first_argument: Option<String>,\n        second_argument: Option<String>,\n        \
             third: u8,\n    ) -> u8 {\n}\n"
        );
    }

    #[test]
    fn a_line_of_exactly_the_width_fits() {
        let code = Code::new();
        let item = "x".repeat(WIDTH - 4);
        assert!(code.fits("f(", &[item.as_str()], ");"));
        assert!(!code.fits("f(", &[format!("{item}y")], ");"));
    }

    #[test]
    fn docs_are_sanitized_and_trimmed() {
        let mut code = Code::new();
        code.open("mod m {");
        code.doc(Some("First.  \r\n\r\n```\nlet x = 1;\n```"));
        code.close("}");
        assert_eq!(
            code.finish(),
            "mod m {\n    /// First.\n    ///\n    /// ```text\n    /// let x = 1;\n    /// ```\n}\n"
        );
    }

    #[test]
    fn wide_types_break_at_their_generic_arguments() {
        let mut code = Code::new();
        code.depth = 1;
        let long = "ItemQueryResultModelDocumentTagAssociationModelDocumentTagAssociation";
        code.signature(
            "pub fn send(",
            &["self"],
            Some(&format!(
                "runtime::BoxFuture<'static, Result<runtime::ResponseValue<{long}>, runtime::Error<(u8, u8)>>>"
            )),
        );
        code.line("todo!()");
        code.close("}");
        assert_eq!(
            code.finish(),
            format!(
                "    pub fn send(\n        self,\n    ) -> runtime::BoxFuture<\n        'static,\n        \
                 Result<\n            runtime::ResponseValue<\n                {long},\n            >,\n            \
                 runtime::Error<(u8, u8)>,\n        >,\n    > {{\n        \
                 todo!()\n    }}\n"
            )
        );
        let mut code = Code::new();
        code.signature("fn f(", &["a: u8"], None);
        code.close("}");
        assert_eq!(code.finish(), "fn f(a: u8) {\n}\n");
    }

    #[test]
    fn struct_literals_break_when_too_wide() {
        let mut code = Code::within(1);
        code.braced(
            "let request = Input",
            &["a".to_owned(), "b".to_owned()],
            ";",
        );
        code.braced("let request = Empty", &[], ";");
        let long: Vec<String> = (0..8).map(|i| format!("field_number_{i}")).collect();
        code.braced("let request = Input", &long, ";");
        let text = code.finish();
        assert!(text.starts_with("let request = Input { a, b };\nlet request = Empty {};\n"));
        assert!(
            text.contains("let request = Input {\n    field_number_0,\n"),
            "{text}"
        );
        assert!(text.ends_with("    field_number_7,\n};\n"), "{text}");
    }

    #[test]
    fn match_arms_go_in_a_block_then_break_their_call() {
        let mut code = Code::within(3);
        let arguments = [
            "runtime::response::status(200)".to_owned(),
            "&body".to_owned(),
        ];
        code.call_arm("A::Ok(body)", "runtime::response::json(", &arguments, ")");
        code.call_arm(
            "SomeRatherLongResponseName::InternalServerError(body)",
            "runtime::response::json(",
            &arguments,
            ")",
        );
        let long = ["x".repeat(70), "y".repeat(20)];
        code.call_arm("A::Ok(body)", "f(", &long, ")");
        assert_eq!(
            code.finish(),
            format!(
                "A::Ok(body) => runtime::response::json(runtime::response::status(200), &body),\n\
                 SomeRatherLongResponseName::InternalServerError(body) => {{\n    \
                 runtime::response::json(runtime::response::status(200), &body)\n}}\n\
                 A::Ok(body) => f(\n    {},\n    {},\n),\n",
                long[0], long[1]
            )
        );
    }

    #[test]
    fn statements_are_formatted_at_their_depth() {
        let mut code = Code::within(1);
        code.open("fn f() {");
        code.open("{");
        let wide = quote::quote! {
            let at: &mut Vec<runtime::error::LocItem> = &mut vec![runtime::error::LocItem::key("query"), runtime::error::LocItem::key("limit")];
        };
        code.statements(wide).unwrap();
        code.close("}");
        code.close("}");
        let text = code.finish();
        assert!(
            text.contains("        let at: &mut Vec<runtime::error::LocItem> = &mut vec![\n"),
            "{text}"
        );
        // Counted with the one level of the container the text goes in.
        assert!(text.lines().all(|line| line.len() + 4 <= WIDTH), "{text}");
        assert!(code_error().is_err());
    }

    /// Statements that do not parse are an error, not a panic.
    fn code_error() -> Result<(), Error> {
        Code::new().statements(quote::quote!(let = ;))
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
    }

    #[test]
    fn invisible_and_control_characters_are_escaped_in_string_literals() {
        let hostile = [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}',
            '\u{61c}', '\u{2060}', '\u{feff}', '\u{2028}', '\u{2029}', '\u{85}', '\u{7f}', '\0',
            '\r', '\u{1b}',
        ];
        for c in hostile {
            let value = format!("a{c}b\"#");
            for literal in [
                string(&value),
                proc_macro2::Literal::string(&value).to_string(),
            ] {
                assert!(literal.is_ascii(), "U+{:04X}: {literal}", u32::from(c));
                let parsed: syn::LitStr = syn::parse_str(&literal).unwrap();
                assert_eq!(parsed.value(), value);
            }
        }
    }
}
