//! Emission: from the [IR](crate::ir) to formatted Rust source.
//!
//! The items a document has by the thousand (models, client request builders) are
//! written as formatted text directly ([`text`]); the others are built as token
//! streams with `quote!`, parsed with `syn` and printed with `prettyplease`. Either
//! way output is formatted and byte-for-byte deterministic.

mod client;
mod docs;
mod models;
mod operation;
mod rust_type;
mod server;
mod text;
mod validation;

use proc_macro2::{Group, Ident, TokenStream, TokenTree};

use crate::diagnostics::Error;
use crate::ir::Api;

/// The models of `api` as one Rust source file: every schema as a serde type.
///
/// The file holds items only (no inner attributes), so it can be `include!`d into a
/// module; it refers to `serde` and `oapi_gen_runtime` by absolute paths.
pub fn types(api: &Api) -> Result<String, Error> {
    code(api, Parts::default())
}

/// The models of `api` and its axum server (module `server`: the `Api` trait, the
/// per-operation input and response types, and `router()`), as one Rust source file.
///
/// Besides `serde` and `oapi_gen_runtime`, the code refers to
/// `oapi_gen_server_runtime`, which re-exports the `axum` it is built with.
pub fn server(api: &Api) -> Result<String, Error> {
    code(
        api,
        Parts {
            server: true,
            client: false,
        },
    )
}

/// The models of `api` and its client (module `client`: `Client` with one method per
/// operation, and the per-operation request builders and error enums), as one Rust
/// source file.
///
/// Besides `serde` and `oapi_gen_runtime`, the code refers to
/// `oapi_gen_client_runtime`, which re-exports the `reqwest` it is built with.
pub fn client(api: &Api) -> Result<String, Error> {
    code(
        api,
        Parts {
            server: false,
            client: true,
        },
    )
}

/// Which modules to generate beside the models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parts {
    /// The axum server (module `server`).
    pub server: bool,
    /// The client (module `client`).
    pub client: bool,
}

/// The models of `api` and the modules `parts` asks for, as one Rust source file.
///
/// The models and the modules are written on two threads at once.
pub fn code(api: &Api, parts: Parts) -> Result<String, Error> {
    let top = |tokens| tokens;
    let (models, modules) = std::thread::scope(|scope| {
        let models = scope.spawn(|| {
            let mut out = Writer::new(header(api));
            for node in models::emit(&api.types) {
                out.node(node, &top, (0, 0), 0)?;
            }
            Ok::<_, Error>(out.finish())
        });
        let mut out = Writer::new(String::new());
        let mut modules = Ok(());
        if parts.server {
            modules = out.node(server::emit(api), &top, (0, 0), 0);
        }
        if parts.client && modules.is_ok() {
            modules = out.node(client::emit(api), &top, (0, 0), 0);
        }
        let models = models
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (models, modules.map(|()| out.finish()))
    });
    let (mut code, modules) = (models?, modules?);
    if !modules.is_empty() {
        // Top-level items are separated by a blank line.
        code.reserve(modules.len() + 1);
        if !code.ends_with("\n\n") {
            code.push('\n');
        }
        code.push_str(&modules);
    }
    Ok(code)
}

/// Generated code before formatting. A file is formatted item by item rather than as
/// one `syn::File`: the token stream, syntax tree and text of the whole output of a
/// large document (hundreds of megabytes of source) would need many gigabytes at
/// once, while one item at a time needs memory in proportion to the largest item.
pub(crate) enum Node<'a> {
    /// Items, formatted together.
    Items(TokenStream),
    /// Items already formatted as text, at depth 0: indented as their container's
    /// body.
    Text(String),
    /// What an emitter found wrong with the code it built (a bug of the emitter),
    /// reported when the node is written.
    Failed(Error),
    /// A module, trait or `impl` block whose body is formatted one child at a time.
    Container {
        /// The container around the tokens of its body.
        wrap: Box<dyn Fn(TokenStream) -> TokenStream + 'a>,
        /// The body, produced as it is written.
        body: Box<dyn Iterator<Item = Node<'a>> + 'a>,
    },
}

impl<'a> Node<'a> {
    /// A container `wrap` around the items of `body`.
    pub(crate) fn container(
        wrap: impl Fn(TokenStream) -> TokenStream + 'a,
        body: impl Iterator<Item = Node<'a>> + 'a,
    ) -> Self {
        Node::Container {
            wrap: Box::new(wrap),
            body: Box::new(body),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Node::Items(tokens) => tokens.is_empty(),
            Node::Text(text) => text.is_empty(),
            Node::Failed(_) | Node::Container { .. } => false,
        }
    }
}

/// The item that stands for a container's body when its first and last lines are
/// found: valid in a module, a trait and an `impl` block.
const MARKER: &str = "const __OAPI_GEN_BODY: () = ();";

/// Formatted code, written node by node and line by line, with a blank line between
/// consecutive items (at any nesting level) that `prettyplease` printed without one,
/// for readability.
struct Writer {
    out: String,
    /// What the line break after the last line written depends on.
    last: Option<Line>,
}

impl Writer {
    /// A writer whose output starts with `header`, which is written as it is.
    fn new(header: String) -> Self {
        Writer {
            out: header,
            last: None,
        }
    }

    fn finish(self) -> String {
        self.out
    }

    /// Writes `node`: formatted inside `outer` (the containers it is in), without the
    /// first `strip.0` and last `strip.1` lines, which are theirs; text is indented by
    /// `indent` spaces, the indentation of the containers' body.
    fn node(
        &mut self,
        node: Node,
        outer: &dyn Fn(TokenStream) -> TokenStream,
        strip: (usize, usize),
        indent: usize,
    ) -> Result<(), Error> {
        match node {
            Node::Text(text) => {
                for line in text.lines() {
                    self.line_at(indent, line);
                }
            }
            Node::Failed(error) => return Err(error),
            Node::Items(tokens) => {
                if !tokens.is_empty() {
                    self.lines(&format(outer(tokens))?, strip);
                }
            }
            Node::Container { wrap, body } => {
                let inner = |tokens| outer(wrap(tokens));
                let mut body = body.filter(|node| !node.is_empty()).peekable();
                if body.peek().is_none() {
                    self.lines(&format(inner(TokenStream::new()))?, strip);
                    return Ok(());
                }
                let marker: TokenStream = MARKER.parse().expect("the marker is an item");
                let file = parse(inner(marker))?;
                let text = prettyplease::unparse(&file);
                let lines: Vec<&str> = text.lines().collect();
                let at = marker_line(&lines)?;
                let end = lines.len().saturating_sub(strip.1);
                for line in lines.get(strip.0..at).unwrap_or_default() {
                    self.line(line);
                }
                let skeleton = Skeleton::new(file)?;
                let outer = |tokens| skeleton.wrap(tokens);
                let indent = lines[at].len() - lines[at].trim_start().len();
                for child in body {
                    self.node(child, &outer, skeleton.strip, indent)?;
                }
                for line in lines.get(at + 1..end).unwrap_or_default() {
                    self.line(line);
                }
            }
        }
        Ok(())
    }

    /// Writes the lines of `text` but the first `strip.0` and last `strip.1`.
    fn lines(&mut self, text: &str, strip: (usize, usize)) {
        let count = text.lines().count();
        let end = count.saturating_sub(strip.1);
        for line in text.lines().take(end).skip(strip.0) {
            self.line(line);
        }
    }

    fn line(&mut self, line: &str) {
        self.line_at(0, line);
    }

    /// Writes `line` indented by `indent` more spaces (none if it is empty).
    fn line_at(&mut self, indent: usize, line: &str) {
        let next = Line::new(line, indent);
        if let Some(last) = &self.last
            && last.blank_before(&next)
        {
            self.out.push('\n');
        }
        if !next.is_empty {
            self.out.extend(std::iter::repeat_n(' ', indent));
        }
        self.out.push_str(line);
        self.out.push('\n');
        self.last = Some(next);
    }
}

/// The first lines of every generated file.
fn header(api: &Api) -> String {
    format!(
        "// Generated by oapi-gen {} from \"{}\" version {}. Do not edit.\n\n",
        env!("CARGO_PKG_VERSION"),
        api.title.escape_debug(),
        api.version.escape_debug(),
    )
}

/// Formats a token stream as a Rust file; invalid tokens are a bug of an emitter.
fn format(tokens: TokenStream) -> Result<String, Error> {
    parse(tokens).map(|file| prettyplease::unparse(&file))
}

/// Parses a token stream as a Rust file; invalid tokens are a bug of an emitter.
fn parse(tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2::<syn::File>(tokens)
        .map_err(|error| Error::Internal(format!("the generated code does not parse: {error}")))
}

/// The index of the line of [`MARKER`] in formatted code.
fn marker_line(lines: &[&str]) -> Result<usize, Error> {
    lines
        .iter()
        .position(|line| line.trim() == MARKER)
        .ok_or_else(|| Error::Internal("a container lost the marker of its body".to_owned()))
}

/// The containers around a body reduced to what the formatting of its items depends
/// on: their kinds (module, trait or `impl` block) and nesting, without attributes or
/// other items. Items are formatted inside it rather than inside the whole
/// containers, which would be built, parsed and printed again for every item.
struct Skeleton {
    /// The tokens of the containers around [`MARKER`].
    tokens: TokenStream,
    /// How many lines of the formatted skeleton come before and after the body.
    strip: (usize, usize),
}

impl Skeleton {
    /// The skeleton of `file`, the containers around [`MARKER`].
    fn new(mut file: syn::File) -> Result<Self, Error> {
        file.attrs.clear();
        if !reduce(&mut file.items) {
            return Err(Error::Internal(
                "a container lost the marker of its body".to_owned(),
            ));
        }
        let text = prettyplease::unparse(&file);
        let lines: Vec<&str> = text.lines().collect();
        let at = marker_line(&lines)?;
        Ok(Skeleton {
            tokens: quote::ToTokens::into_token_stream(file),
            strip: (at, lines.len() - at - 1),
        })
    }

    /// The tokens of the skeleton with `body` in place of the marker.
    fn wrap(&self, body: TokenStream) -> TokenStream {
        fill(self.tokens.clone(), &mut Some(body))
    }
}

/// `tokens` with `body` (taken) in place of the marker item, which is alone in its
/// group.
fn fill(tokens: TokenStream, body: &mut Option<TokenStream>) -> TokenStream {
    let holds_marker = tokens
        .clone()
        .into_iter()
        .any(|tree| matches!(tree, TokenTree::Ident(ident) if is_marker(&ident)));
    if holds_marker && let Some(body) = body.take() {
        return body;
    }
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) if body.is_some() => {
                let mut filled = Group::new(group.delimiter(), fill(group.stream(), body));
                filled.set_span(group.span());
                TokenTree::Group(filled)
            }
            tree => tree,
        })
        .collect()
}

/// Whether `ident` names the item [`MARKER`] stands for.
fn is_marker(ident: &Ident) -> bool {
    ident == "__OAPI_GEN_BODY"
}

/// Keeps of `items` only the one that holds the marker, reduced likewise, without its
/// attributes; whether the marker is there.
fn reduce(items: &mut Vec<syn::Item>) -> bool {
    use syn::{ImplItem, Item, TraitItem};
    let found = items.iter_mut().position(|item| match item {
        Item::Const(item) => is_marker(&item.ident),
        Item::Mod(module) => {
            module.attrs.clear();
            module
                .content
                .as_mut()
                .is_some_and(|(_, items)| reduce(items))
        }
        Item::Impl(block) => {
            block.attrs.clear();
            keep_marker(
                &mut block.items,
                |item| matches!(item, ImplItem::Const(item) if is_marker(&item.ident)),
            )
        }
        Item::Trait(block) => {
            block.attrs.clear();
            keep_marker(
                &mut block.items,
                |item| matches!(item, TraitItem::Const(item) if is_marker(&item.ident)),
            )
        }
        _ => false,
    });
    match found {
        Some(at) => {
            let item = items.swap_remove(at);
            items.clear();
            items.push(item);
            true
        }
        None => false,
    }
}

/// Keeps of `items` only the marker; whether it is there.
fn keep_marker<T>(items: &mut Vec<T>, is_marker: impl Fn(&T) -> bool) -> bool {
    items.retain(is_marker);
    items.len() == 1
}

/// What the blank line after a line depends on.
struct Line {
    indent: usize,
    /// Whether the line ends an item.
    item_ends: bool,
    is_use: bool,
    /// Whether the line starts an item (`use` lines aside).
    item_starts: bool,
    is_empty: bool,
}

impl Line {
    /// The line `line`, written `extra` spaces further in (unless it is empty).
    fn new(line: &str, extra: usize) -> Self {
        const ITEM_STARTS: &[&str] = &[
            "///", "#[", "pub ", "impl", "fn ", "async fn", "struct ", "enum ", "mod ", "type ",
            "const ", "trait ",
        ];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len() + if line.is_empty() { 0 } else { extra };
        let is_use = trimmed.starts_with("use ");
        Line {
            indent,
            item_ends: trimmed == "}"
                || trimmed.ends_with(" {}")
                || (trimmed.ends_with(';') && (indent == 0 || is_use)),
            is_use,
            item_starts: ITEM_STARTS.iter().any(|s| trimmed.starts_with(s)),
            is_empty: line.is_empty(),
        }
    }

    /// Whether a blank line goes between this line and `next`: between consecutive
    /// items at one level (`use` declarations stay together).
    fn blank_before(&self, next: &Line) -> bool {
        let next_item = next.item_starts && !(self.is_use && next.is_use);
        self.item_ends
            && next.indent == self.indent
            && (self.indent == 0 && !next.is_empty || next_item)
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// The items of a module with inner attributes, a trait and an `impl` block,
    /// with lines long enough to wrap.
    fn module(body: Vec<Node<'static>>) -> Node<'static> {
        Node::container(
            |body| {
                quote! {
                    /// A module.
                    pub mod server {
                        #![allow(clippy::too_many_arguments)]
                        use super::*;
                        use ::std::collections::BTreeMap as Map;
                        #body
                    }
                }
            },
            body.into_iter(),
        )
    }

    fn items() -> Vec<TokenStream> {
        vec![
            quote! {
                /// A struct.
                pub struct Input { pub a_rather_long_field_name: Option<Map<String, Vec<Option<String>>>>, pub b: i64 }
                impl Input { pub fn new() -> Self { todo!() } }
            },
            quote! {
                fn long(first_argument: Option<String>, second_argument: Option<String>, third: u8) -> Result<(), String> { Ok(()) }
            },
            quote! { const X: u8 = 1; },
        ]
    }

    fn methods() -> Vec<TokenStream> {
        vec![
            quote! {
                /// One method.
                fn one(&self, context: RequestContext, request: OneInput) -> impl ::std::future::Future<Output = Result<OneResponse, HandlerError>> + Send;
            },
            quote! { fn two(&self); },
        ]
    }

    fn functions() -> Vec<TokenStream> {
        vec![
            quote! {
                /// One function.
                pub fn one(&self, context: RequestContext, request: OneInput) -> Result<OneResponse, HandlerError> { self.call(context, request).map(OneResponse::from) }
            },
            quote! { fn two(&self) {} },
        ]
    }

    /// The whole file formatted at once, as emission did before it went item by item.
    fn at_once(tokens: TokenStream) -> String {
        let mut out = Writer::new(String::new());
        for line in format(tokens).unwrap().lines() {
            out.line(line);
        }
        out.finish()
    }

    fn item_by_item(node: Node) -> String {
        let mut out = Writer::new(String::new());
        out.node(node, &|tokens| tokens, (0, 0), 0).unwrap();
        out.finish()
    }

    #[test]
    fn items_format_one_by_one_as_in_one_file() {
        let items_ = items();
        let methods_ = methods();
        let functions_ = functions();
        let whole = quote! {
            /// A module.
            pub mod server {
                #![allow(clippy::too_many_arguments)]
                use super::*;
                use ::std::collections::BTreeMap as Map;
                #(#items_)*
                pub trait Api: Send + Sync + 'static {
                    #(#methods_)*
                }
                pub trait Empty {}
                impl Input {
                    #(#functions_)*
                }
            }
            pub struct Last;
        };
        let api = Node::container(
            |body| quote!(pub trait Api: Send + Sync + 'static { #body }),
            methods().into_iter().map(Node::Items),
        );
        let empty = Node::container(
            |body| quote!(pub trait Empty { #body }),
            [Node::Items(TokenStream::new())].into_iter(),
        );
        let block = Node::container(
            |body| quote!(impl Input { #body }),
            functions().into_iter().map(Node::Items),
        );
        let mut body: Vec<Node> = items().into_iter().map(Node::Items).collect();
        body.extend([api, empty, block]);
        let top = Node::container(
            |body| body,
            [
                module(body),
                Node::Items(quote!(
                    pub struct Last;
                )),
            ]
            .into_iter(),
        );
        let expected = at_once(whole);
        assert!(expected.contains("pub trait Empty {}\n"), "{expected}");
        assert!(expected.contains("\n    pub trait Api"), "{expected}");
        assert_eq!(item_by_item(top), expected);
    }

    #[test]
    fn nested_containers_with_groups_before_their_body_format_alike() {
        let wrap = |body| {
            quote! {
                /// Outer.
                pub(crate) mod outer {
                    #![allow(dead_code)]
                    use std::fmt::Debug;
                    pub(super) mod inner {
                        use super::*;
                        impl<T: Fn(u8) -> [u8; 2]> Holder<T> where T: Clone {
                            #body
                        }
                    }
                }
            }
        };
        let functions_ = functions();
        let expected = at_once(wrap(quote!(#(#functions_)*)));
        let node = Node::container(wrap, functions().into_iter().map(Node::Items));
        assert_eq!(item_by_item(node), expected);
    }

    #[test]
    fn an_empty_container_is_one_line() {
        let node = module(Vec::new());
        assert_eq!(
            item_by_item(node),
            at_once(quote! {
                /// A module.
                pub mod server {
                    #![allow(clippy::too_many_arguments)]
                    use super::*;
                    use ::std::collections::BTreeMap as Map;
                }
            })
        );
    }

    #[test]
    fn blank_lines_separate_items_but_not_uses() {
        let mut out = Writer::new(String::new());
        for line in [
            "use a;",
            "mod m {",
            "    use b;",
            "    use c;",
            "    fn f() {}",
            "    fn g() {}",
            "}",
            "fn h() {}",
        ] {
            out.line(line);
        }
        assert_eq!(
            out.finish(),
            "use a;\n\nmod m {\n    use b;\n    use c;\n\n    fn f() {}\n\n    fn g() {}\n}\n\nfn h() {}\n"
        );
    }
}
