//! Every ```` ```rust ```` block of the book (`book/src/*.md`) is checked code.
//!
//! A block is one of:
//!
//! - **included** from a compiled file: its lines are `{{#include PATH}}` or
//!   `{{#include PATH:ANCHOR}}` lines (and `//` comments), each naming a file that a
//!   `cargo test --workspace` or `scripts/test` compiles, and an anchor that file has;
//! - a **generated excerpt**, after `<!-- generated-from: fixtures/… -->`: every part of
//!   it is in the code generated from that fixture document (the models, server and
//!   client file of `tests/build.rs`), in order;
//! - a **source excerpt**, after `<!-- excerpt-of: PATH -->`: the same, in that file
//!   of the repository;
//! - **not compiled**, after `<!-- not compiled: REASON -->`, and marked `ignore`.
//!
//! Excerpts are compared as token text: whitespace, line breaks and trailing commas
//! do not matter (`rustfmt` or `prettyplease` may lay them out otherwise), comments
//! and doc comments do. A `…` (in a comment, in code or in a string) leaves out
//! whatever is there, and so does a blank line: the parts around it must appear in
//! that order, not necessarily next to each other.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}

/// A fenced code block of a page.
#[derive(Debug)]
struct Block {
    /// `page.md:line` of the opening fence.
    at: String,
    /// The page's directory, which include paths are relative to.
    dir: PathBuf,
    /// The info string: `rust,ignore`, …
    info: String,
    /// The lines between the fences, the fence's indentation removed.
    text: String,
    /// The HTML comment on the last non-blank line before the opening fence.
    comment: Option<String>,
}

impl Block {
    fn is_rust(&self) -> bool {
        self.info.split(',').next().map(str::trim) == Some("rust")
    }
}

fn pages() -> Vec<PathBuf> {
    let dir = repo_root().join("book/src");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("book/src")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    pages
}

/// The fenced blocks of a Markdown page (backtick fences, possibly indented in lists).
fn blocks(page: &Path) -> Vec<Block> {
    let text = std::fs::read_to_string(page).expect("read the page");
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    let mut blocks = Vec::new();
    let mut last_non_blank: Option<&str> = None;
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim_start();
        let ticks = trimmed.chars().take_while(|&c| c == '`').count();
        if ticks < 3 {
            if !trimmed.is_empty() {
                last_non_blank = Some(trimmed);
            }
            continue;
        }
        let indent = line.len() - trimmed.len();
        let info = trimmed[ticks..].trim().to_owned();
        let comment = last_non_blank
            .filter(|l| l.starts_with("<!--") && l.trim_end().ends_with("-->"))
            .map(|l| {
                l.trim_end()
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->")
                    .trim()
                    .to_owned()
            });
        let mut body = String::new();
        let mut closed = false;
        for (_, line) in lines.by_ref() {
            let t = line.trim();
            if t.len() >= ticks && t.chars().all(|c| c == '`') {
                closed = true;
                break;
            }
            let cut = line
                .char_indices()
                .take_while(|&(i, c)| i < indent && c == ' ')
                .count();
            body.push_str(&line[cut..]);
            body.push('\n');
        }
        assert!(closed, "{name}:{}: unclosed code block", index + 1);
        blocks.push(Block {
            at: format!("{name}:{}", index + 1),
            dir: page.parent().unwrap().to_path_buf(),
            info,
            text: body,
            comment,
        });
        last_non_blank = None;
    }
    blocks
}

fn rust_blocks() -> Vec<Block> {
    pages()
        .iter()
        .flat_map(|page| blocks(page))
        .filter(Block::is_rust)
        .collect()
}

/// The `{{#include PATH[:ANCHOR]}}` lines of a block made only of such lines (and `//`
/// comments and blank lines); `None` for any other block.
fn includes(block: &Block) -> Option<Vec<(String, Option<String>)>> {
    let mut found = Vec::new();
    for line in block.text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let target = line.strip_prefix("{{#include ")?.strip_suffix("}}")?.trim();
        let (path, anchor) = match target.split_once(':') {
            Some((path, anchor)) => (path, Some(anchor.to_owned())),
            None => (target, None),
        };
        found.push((path.to_owned(), anchor));
    }
    (!found.is_empty()).then_some(found)
}

/// The workspace members, from the root `Cargo.toml`.
fn workspace_members() -> Vec<String> {
    let manifest = std::fs::read_to_string(repo_root().join("Cargo.toml")).unwrap();
    let members = manifest
        .split_once("members = [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .expect("workspace.members")
        .0;
    members
        .lines()
        .map(|l| l.trim().trim_end_matches(','))
        .filter(|l| l.starts_with('"'))
        .map(|l| l.trim_matches('"').to_owned())
        .collect()
}

/// Whether a file (relative to the repository) is compiled by the test suite.
fn compiled(relative: &str) -> bool {
    // Targets of workspace members: `cargo test --workspace` builds their library,
    // binaries, tests, examples and benches (and `cargo clippy --all-targets` lints them).
    let member_target = workspace_members().iter().any(|member| {
        ["src/", "tests/", "examples/", "benches/", "build.rs"]
            .iter()
            .any(|target| relative.starts_with(&format!("{member}/{target}")))
    });
    // The build scripts shown in the book, which book/snippets/build.rs runs.
    let snippet_build = relative.starts_with("book/snippets/build/")
        && std::fs::read_to_string(repo_root().join("book/snippets/build.rs"))
            .unwrap()
            .contains(relative.trim_start_matches("book/snippets/"));
    // The source of `oapi-gen new` projects: scripts/test-new creates one, builds it and
    // runs its tests (and codegen/cli/tests/new.rs checks it is written).
    let new_template = relative.starts_with("codegen/cli/templates/src/");
    member_target || snippet_build || new_template
}

/// A path of the repository, from a path relative to a page's directory.
fn normalize(dir: &Path, path: &str) -> String {
    let root = repo_root();
    let mut parts: Vec<String> = dir
        .strip_prefix(&root)
        .unwrap()
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    for part in path.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            part => parts.push(part.to_owned()),
        }
    }
    parts.join("/")
}

#[test]
fn every_rust_block_of_the_book_is_checked() {
    let blocks = rust_blocks();
    assert!(blocks.len() > 20, "found only {} blocks", blocks.len());
    let mut problems = Vec::new();
    for block in &blocks {
        let comment = block.comment.as_deref().unwrap_or_default();
        if let Some(includes) = includes(block) {
            for (path, anchor) in includes {
                let relative = normalize(&block.dir, &path);
                let Ok(text) = std::fs::read_to_string(repo_root().join(&relative)) else {
                    problems.push(format!("{}: included {relative} does not exist", block.at));
                    continue;
                };
                if !compiled(&relative) {
                    problems.push(format!(
                        "{}: included {relative} is not compiled by the tests",
                        block.at
                    ));
                }
                if let Some(anchor) = anchor {
                    let has = |marker: &str| {
                        text.lines().any(|l| {
                            l.split_once(marker)
                                .is_some_and(|(_, name)| name.trim() == anchor)
                        })
                    };
                    let starts = text
                        .lines()
                        .filter(|l| {
                            l.split_once("ANCHOR: ")
                                .is_some_and(|(_, name)| name.trim() == anchor)
                        })
                        .count();
                    if starts > 1 {
                        problems.push(format!(
                            "{}: {relative} has {starts} anchors `{anchor}` (mdBook takes the first)",
                            block.at
                        ));
                    }
                    if !has("ANCHOR: ") || !has("ANCHOR_END: ") {
                        problems.push(format!(
                            "{}: {relative} has no ANCHOR/ANCHOR_END `{anchor}`",
                            block.at
                        ));
                    }
                }
            }
        } else if comment.starts_with("generated-from:") || comment.starts_with("excerpt-of:") {
            // Checked by `generated_and_source_excerpts_are_in_their_sources`.
        } else if let Some(reason) = comment.strip_prefix("not compiled:") {
            if reason.trim().is_empty() || !block.info.contains("ignore") {
                problems.push(format!(
                    "{}: a block that is not compiled needs `ignore` and a reason",
                    block.at
                ));
            }
        } else {
            problems.push(format!(
                "{}: neither an include of a compiled file, nor a checked excerpt \
                 (<!-- generated-from: … --> or <!-- excerpt-of: … -->), nor \
                 <!-- not compiled: reason -->",
                block.at
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The generated file of each fixture document (`tests/build.rs`): the one with the
/// models, the server and the client.
fn generated(fixture: &str) -> Option<String> {
    let list = include_str!(concat!(env!("OUT_DIR"), "/fixtures.list"));
    let module = list.lines().find_map(|line| {
        let fields: Vec<&str> = line.split('\t').collect();
        let [module, path, "true"] = fields[..] else {
            return None;
        };
        (format!("fixtures/{path}") == fixture).then_some(module)
    })?;
    let path = Path::new(env!("OUT_DIR")).join(format!("{module}.rs"));
    Some(std::fs::read_to_string(path).expect("generated by the build script"))
}

#[test]
fn generated_and_source_excerpts_are_in_their_sources() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for block in rust_blocks() {
        let comment = block.comment.as_deref().unwrap_or_default();
        let source = if let Some(fixture) = comment.strip_prefix("generated-from:") {
            let fixture = fixture.trim();
            match generated(fixture) {
                Some(code) => code,
                None => {
                    problems.push(format!("{}: no fixture document {fixture}", block.at));
                    continue;
                }
            }
        } else if let Some(path) = comment.strip_prefix("excerpt-of:") {
            let path = path.trim();
            match std::fs::read_to_string(repo_root().join(path)) {
                Ok(code) => code,
                Err(_) => {
                    problems.push(format!("{}: no file {path}", block.at));
                    continue;
                }
            }
        } else {
            continue;
        };
        checked += 1;
        if let Err(problem) = find_excerpt(&block.text, &source) {
            problems.push(format!("{} ({comment}): {problem}", block.at));
        }
    }
    assert!(checked > 10, "found only {checked} excerpts");
    assert!(problems.is_empty(), "\n{}", problems.join("\n\n"));
}

/// Finds the parts of an excerpt in the source, in order.
fn find_excerpt(excerpt: &str, source: &str) -> Result<(), String> {
    let source = format!(" {} ", join(&tokens(source, false)));
    let parts: Vec<Part> = parts(&tokens(excerpt, true));
    if parts.is_empty() {
        return Err("the excerpt has no code".to_owned());
    }
    let mut from = 0;
    for part in parts {
        let needle = format!(
            "{}{}{}",
            if part.open_start { "" } else { " " },
            part.text,
            if part.open_end { "" } else { " " }
        );
        match source[from..].find(&needle) {
            Some(at) => from += at + needle.len() - 1,
            None => {
                let hint = if source.contains(&needle) {
                    " (it is there, but before the previous part)"
                } else {
                    ""
                };
                return Err(format!("not found{hint}:\n    {}", part.text));
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Text(String),
    /// A literal cut by `…`: the text before it.
    Head(String),
    /// A literal cut by `…`: the text after it.
    Tail(String),
    /// Left out: a `…` or a blank line of an excerpt.
    Gap,
}

struct Part {
    text: String,
    open_start: bool,
    open_end: bool,
}

fn join(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::Text(s) | Token::Head(s) | Token::Tail(s) => s.as_str(),
            Token::Gap => "…",
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn parts(tokens: &[Token]) -> Vec<Part> {
    tokens
        .split(|t| *t == Token::Gap)
        .filter(|part| !part.is_empty())
        .map(|part| Part {
            text: join(part),
            open_start: matches!(part.first(), Some(Token::Tail(_))),
            open_end: matches!(part.last(), Some(Token::Head(_))),
        })
        .collect()
}

/// Token text of Rust code: identifiers, literals, punctuation (one character each)
/// and comments; with `excerpt`, `…` and blank lines are gaps.
fn tokens(code: &str, excerpt: bool) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            if excerpt && chars[start..i].iter().filter(|&&c| c == '\n').count() >= 2 {
                out.push(Token::Gap);
            }
        } else if chars[i..].starts_with(&['/', '/']) {
            let start = i;
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            let comment = text(start, i);
            if excerpt && comment.contains('…') {
                out.push(Token::Gap);
            } else {
                let prefix = ["///", "//!", "//"]
                    .into_iter()
                    .find(|p| comment.starts_with(p))
                    .unwrap();
                let rest = comment[prefix.len()..].trim();
                out.push(Token::Text(
                    format!("{prefix} {rest}").trim_end().to_owned(),
                ));
            }
        } else if chars[i..].starts_with(&['/', '*']) {
            let start = i;
            while i < chars.len() && !chars[..i].ends_with(&['*', '/']) {
                i += 1;
            }
            let comment = text(start, i);
            if excerpt && comment.contains('…') {
                out.push(Token::Gap);
            } else {
                let words: Vec<&str> = comment.split_whitespace().collect();
                out.push(Token::Text(words.join(" ")));
            }
        } else if c == '"' || ((c == 'r' || c == 'b') && starts_literal(&chars[i..])) {
            let start = i;
            i = literal_end(&chars, i);
            literal(&text(start, i), excerpt, &mut out);
        } else if c == '\'' {
            // A character literal, or a lifetime.
            let start = i;
            if chars.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
            }
            out.push(Token::Text(text(start, i)));
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            out.push(Token::Text(text(start, i)));
        } else if c == '…' {
            i += 1;
            if excerpt {
                out.push(Token::Gap);
            } else {
                out.push(Token::Text(c.to_string()));
            }
        } else {
            i += 1;
            out.push(Token::Text(c.to_string()));
        }
    }
    // Trailing commas are layout (before `>` too: generic arguments).
    let mut kept: Vec<Token> = Vec::with_capacity(out.len());
    for (index, token) in out.iter().enumerate() {
        let next = out.get(index + 1);
        let closes =
            matches!(next, Some(Token::Text(t)) if [")", "]", "}", ">"].contains(&t.as_str()));
        if !(closes && *token == Token::Text(",".to_owned())) {
            kept.push(token.clone());
        }
    }
    kept
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `r"`, `r#"`, `b"`, `br"`, `br#"`, … starts here.
fn starts_literal(chars: &[char]) -> bool {
    let mut i = 0;
    if chars.first() == Some(&'b') {
        i += 1;
    }
    if chars.get(i) == Some(&'r') {
        i += 1;
        while chars.get(i) == Some(&'#') {
            i += 1;
        }
    }
    i > 0 && chars.get(i) == Some(&'"')
}

/// The end of the string literal starting at `start`.
fn literal_end(chars: &[char], start: usize) -> usize {
    let mut i = start;
    if chars[i] == 'b' {
        i += 1;
    }
    if chars[i] == 'r' {
        i += 1;
        let mut hashes = 0;
        while chars[i] == '#' {
            hashes += 1;
            i += 1;
        }
        i += 1; // the opening quote
        loop {
            if i >= chars.len() {
                return i;
            }
            if chars[i] == '"' && chars[i + 1..].iter().take(hashes).all(|&c| c == '#') {
                return (i + 1 + hashes).min(chars.len());
            }
            i += 1;
        }
    }
    i += 1; // the opening quote
    while i < chars.len() && chars[i] != '"' {
        if chars[i] == '\\' {
            i += 1;
        }
        i += 1;
    }
    (i + 1).min(chars.len())
}

/// A string literal; in an excerpt, a `…` inside leaves out its middle.
fn literal(text: &str, excerpt: bool, out: &mut Vec<Token>) {
    match text.split_once('…') {
        Some((head, tail)) if excerpt => {
            out.push(Token::Head(head.to_owned()));
            out.push(Token::Gap);
            out.push(Token::Tail(tail.to_owned()));
        }
        _ => out.push(Token::Text(text.to_owned())),
    }
}

#[test]
fn the_excerpt_checker_ignores_layout_and_honours_gaps() {
    let source = "#[derive(\n    Debug,\n    Clone,\n)]\npub struct A {\n    /// The x.\n    pub x: i64,\n    pub y: String,\n}\n\npub const J: &str = r#\"{\"a\":1,\"b\":2}\"#;\n";
    let ok = [
        "#[derive(Debug, Clone)]\npub struct A {\n    /// The x.\n    pub x: i64,\n    pub y: String\n}",
        "pub struct A {\n    /// The x.\n    pub x: i64,\n    // …\n}",
        "    pub y: String,\n}\n\npub const J: &str = r#\"{\"a\":1,…}\"#;",
    ];
    for excerpt in ok {
        assert_eq!(find_excerpt(excerpt, source), Ok(()), "{excerpt}");
    }
    let wrong = [
        // A doc comment that is not there.
        "pub struct A {\n    /// The y.\n    pub x: i64,",
        // Another type.
        "pub struct A {\n    pub x: i32,",
        // Out of order.
        "pub const J: &str = r#\"{…}\"#;\n\npub struct A {",
        // A part of an identifier only.
        "struct AB",
        "",
    ];
    for excerpt in wrong {
        assert!(find_excerpt(excerpt, source).is_err(), "{excerpt}");
    }
}
