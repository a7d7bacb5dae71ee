//! The server emitter: per operation an input struct and a response enum, the `Api`
//! trait with one async method per operation, the OpenAPI document as a constant, and
//! `router()`, which decodes requests with `oapi_gen_server_runtime::Incoming`, encodes
//! the typed responses and serves the docs routes (`api_router()` leaves them out).

use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::operation::{described, operation_doc, response_content, status_doc};
use super::text::{Code, string};
use super::validation::Validated;
use super::{Node, docs, rust_type};
use crate::diagnostics::Error;
use crate::ir::{
    Api, Content, MediaKind, Method, Operation, Parameter, ParameterLocation, ParameterStyle,
    Payload, RequestBody, Response, StatusCode, StreamFormat,
};

/// The `server` module: everything that serves the API with axum.
pub fn emit(api: &Api) -> Node<'_> {
    let types = api
        .operations
        .iter()
        .map(|op| Node::Text(operation_types(api, op)));
    let validated = Rc::new(Validated::new(&api.types));
    let handlers = {
        let validated = Rc::clone(&validated);
        api.operations
            .iter()
            .map(move |op| match handler(api, &validated, op) {
                Ok(text) => Node::Text(text),
                Err(error) => Node::Failed(error),
            })
    };
    let dispatchers = api
        .operations
        .iter()
        .filter_map(|op| Some(Node::Text(dispatcher(api, op, op.dispatcher.as_deref()?))));
    let validations = (0..api.types.defs.len())
        .filter_map(move |index| validated.impl_at(&api.types, index))
        .map(Node::Items);
    // What handlers and trait methods use; a document without operations has none.
    let handler_imports = (!api.operations.is_empty()).then(|| {
        quote! {
            use runtime::axum::response::IntoResponse as _;
            use runtime::{HandlerError, RequestContext};
        }
    });
    let title = docs::one_line(&format!(
        " The `{}` API, served with axum.",
        api.title.replace('`', "'")
    ));
    let module = move |body: TokenStream| {
        quote! {
            #[doc = #title]
            ///
            /// Implement [`Api`] (one async method per operation) and serve [`router`].
            pub mod server {
                // Method names come from operationIds (`into_x`, `from_y`): no self convention.
                #![allow(
                    clippy::too_many_arguments,
                    clippy::large_enum_variant,
                    clippy::wrong_self_convention
                )]
                #[allow(unused_imports)]
                use super::*;

                use ::oapi_gen_server_runtime as runtime;
                use runtime::axum;
                #handler_imports

                #body
            }
        }
    };
    let api_trait = Node::container(
        |body| {
            quote! {
                /// The API: one method per operation. Return the typed response, or any
                /// error (with `?`), which is logged and answered with a safe 500.
                pub trait Api: Send + Sync + 'static {
                    #body
                }
            }
        },
        api.operations.iter().map(|op| Node::Text(trait_method(op))),
    );
    let routers = std::iter::once_with(|| Node::Items(routers(api)));
    let document = std::iter::once_with(|| {
        let document = raw_string(&visible_json(&api.document_json));
        Node::Items(quote! {
            /// The OpenAPI document of the API (compact JSON), which [`router`] serves
            /// at `/openapi.json` unless an operation has that path.
            pub const OPENAPI_JSON: &str = #document;
        })
    });
    Node::container(
        module,
        types
            .chain(std::iter::once(api_trait))
            .chain(routers)
            .chain(handlers)
            .chain(dispatchers)
            .chain(validations)
            .chain(document),
    )
}

/// `router()` and the functions around it.
fn routers(api: &Api) -> TokenStream {
    let paths = paths(api);
    // One method chain nests one level per route: in statements of at most
    // `ROUTES_PER_STATEMENT` routes, a document with thousands of paths does not
    // overflow rustc's stack.
    let (statements, router) = if paths.len() <= ROUTES_PER_STATEMENT {
        let routes = routes(&paths);
        (TokenStream::new(), quote!(axum::Router::new() #routes))
    } else {
        let mut chunks = paths.chunks(ROUTES_PER_STATEMENT).map(routes);
        let first = chunks.next();
        let statements = quote! {
            let router = axum::Router::new() #first;
            #(let router = router #chunks;)*
        };
        (statements, quote!(router))
    };
    let templates = paths.iter().map(|(path, _)| path);
    let api_title = &api.title;
    quote! {
        /// The axum router of every operation of the API and of its docs, as
        /// FastAPI serves them: the document at `/openapi.json`, Swagger UI at
        /// `/docs` and ReDoc at `/redoc`, from files embedded in the binary. A docs
        /// route that could take a request meant for an operation is left out.
        /// Unknown paths and methods get JSON 404 and 405 answers, and a
        /// panicking handler a 500; every response carries the request's
        /// `x-correlation-id`. Every request is observed as the environment
        /// configures it (`runtime::observability::Config::from_env`): a span with
        /// its correlation id and route, a `Received request` log line, and its
        /// CloudWatch metrics. It can be merged with other routers and wrapped in
        /// layers.
        pub fn router<A: Api>(api: A) -> axum::Router {
            router_with(api, &runtime::observability::Config::from_env())
        }

        /// [`router`] with observability settings given in code.
        pub fn router_with<A: Api>(
            api: A,
            config: &runtime::observability::Config,
        ) -> axum::Router {
            build_router(
                api,
                runtime::docs::router(OPENAPI_JSON, #api_title, &[#(#templates),*]),
                config,
            )
        }

        /// [`router`] without the docs routes: only the operations of the API.
        pub fn api_router<A: Api>(api: A) -> axum::Router {
            build_router(
                api,
                axum::Router::new(),
                &runtime::observability::Config::from_env(),
            )
        }

        /// The operations' routes and `docs`, with the JSON 404 and 405 answers,
        /// the panic layer inside the observability layer, and the correlation
        /// id layer outermost (every response carries `x-correlation-id`).
        fn build_router<A: Api>(
            api: A,
            docs: axum::Router<::std::sync::Arc<A>>,
            config: &runtime::observability::Config,
        ) -> axum::Router {
            #statements
            #router
                .merge(docs)
                .fallback(runtime::error::not_found)
                .method_not_allowed_fallback(runtime::error::method_not_allowed)
                .layer(runtime::error::catch_panics())
                .layer(runtime::observability::layer(config))
                .layer(runtime::correlation::layer())
                .with_state(::std::sync::Arc::new(api))
        }
    }
}

/// The most routes added in one method chain of `build_router`.
const ROUTES_PER_STATEMENT: usize = 100;

/// Every path template with its operations, in document order (of the first
/// operation of each path).
fn paths(api: &Api) -> Vec<(&str, Vec<&Operation>)> {
    group_by_path(&api.operations, |op| &op.path.template)
}

/// `items` grouped by `path`, the groups in the order of their first item: in one
/// pass with an index of the groups (not a scan of the groups per item, which is
/// quadratic in the paths of a document with tens of thousands of operations).
fn group_by_path<'a, T>(
    items: &'a [T],
    path: impl Fn(&'a T) -> &'a str,
) -> Vec<(&'a str, Vec<&'a T>)> {
    let mut groups: Vec<(&str, Vec<&T>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for item in items {
        let key = path(item);
        match index.get(key) {
            Some(&i) => groups[i].1.push(item),
            None => {
                index.insert(key, groups.len());
                groups.push((key, vec![item]));
            }
        }
    }
    groups
}

/// `.route(path, get(h).post(h2))` for every path; operations that share a path and
/// method are routed by their dispatcher.
fn routes(paths: &[(&str, Vec<&Operation>)]) -> TokenStream {
    let routes = paths.iter().map(|(path, ops)| {
        let routed = ops
            .iter()
            .enumerate()
            .filter(|(i, op)| !ops[..*i].iter().any(|earlier| earlier.method == op.method))
            .map(|(_, op)| op);
        let methods = routed.enumerate().map(|(i, op)| {
            let method = method_fn(op.method);
            let handler = format_ident!("{}", op.dispatcher.as_deref().unwrap_or(&op.fn_name));
            if i == 0 {
                quote!(axum::routing::#method(#handler::<A>))
            } else {
                quote!(.#method(#handler::<A>))
            }
        });
        quote!(.route(#path, #(#methods)*))
    });
    quote!(#(#routes)*)
}

/// The JSON text `json` with its invisible characters (the bidi controls, which
/// rustc rejects even in a raw string literal, the other characters
/// [`docs::is_invisible`] escapes in docs) and its control and line separator
/// characters written as JSON escapes (`\u202e`): the same JSON value. They can only
/// be in strings: JSON has no other place for them, and serde_json writes no other.
fn visible_json(json: &str) -> std::borrow::Cow<'_, str> {
    let hidden =
        |c: char| c.is_control() || docs::is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}');
    if !json.contains(hidden) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if hidden(c) {
            let mut units = [0; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = std::fmt::Write::write_fmt(&mut out, format_args!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// `text` as a raw string literal (`r#"…"#`) with as few `#`s as its content allows
/// (an escaped literal for text a raw string cannot hold: a bare carriage return).
fn raw_string(text: &str) -> Literal {
    let hashes = text
        .split('"')
        .skip(1)
        .map(|after_quote| after_quote.len() - after_quote.trim_start_matches('#').len())
        .max()
        .map_or(0, |longest| longest + 1);
    let hashes = "#".repeat(hashes);
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

fn method_fn(method: Method) -> proc_macro2::Ident {
    format_ident!("{}", method.key())
}

/// The Rust type of a request field for a parameter: `Option` when it may be absent
/// and has no default.
fn parameter_type(api: &Api, p: &Parameter) -> String {
    let ty = rust_type::text(&api.types, &p.ty);
    if p.required || parameter_default(api, p).is_some() {
        ty
    } else {
        format!("Option<{ty}>")
    }
}

/// An expression of the parameter's type for its schema `default`, when the default
/// can be written as a literal of that type.
fn parameter_default(api: &Api, p: &Parameter) -> Option<String> {
    if p.required {
        return None;
    }
    literal(api, &p.ty, p.default.as_ref()?)
}

/// An expression of type `ty` for the JSON `value`, when it can be written as a
/// literal: booleans, numbers, strings, string enum variants, and arrays or sets of
/// those (`["a","b"]` → `vec!["a".to_owned(), "b".to_owned()]`).
fn literal(api: &Api, ty: &crate::ir::TypeRef, value: &serde_json::Value) -> Option<String> {
    use crate::ir::{Primitive as P, TypeKind, TypeRef as T};
    use serde_json::Value as V;
    Some(match (ty, value) {
        (T::Primitive(P::Bool), V::Bool(b)) => b.to_string(),
        (T::Primitive(P::I64), V::Number(n)) => n.as_i64()?.to_string(),
        (T::Primitive(P::I32), V::Number(n)) => i32::try_from(n.as_i64()?).ok()?.to_string(),
        (T::Primitive(P::U32), V::Number(n)) => u32::try_from(n.as_u64()?).ok()?.to_string(),
        (T::Primitive(P::U64), V::Number(n)) => n.as_u64()?.to_string(),
        (T::Primitive(P::F64), V::Number(n)) => {
            let n = n.as_f64()?;
            if !n.is_finite() {
                return None;
            }
            // `{:?}` keeps a fractional part (`1.0`), so the literal is an `f64`.
            format!("{n:?}")
        }
        (T::Primitive(P::String), V::String(text)) => format!("{}.to_owned()", string(text)),
        (T::Named(id), V::String(text)) => match &api.types.get(*id).kind {
            TypeKind::StringEnum(e) => {
                let variant = e.variants.iter().find(|v| v.value == *text)?;
                format!("{}::{}", api.types.get(*id).name, variant.rust_name)
            }
            _ => return None,
        },
        (T::Array(item) | T::Set(item), V::Array(values)) => {
            let values = values
                .iter()
                .map(|value| literal(api, item, value))
                .collect::<Option<Vec<_>>>()?
                .join(", ");
            match ty {
                T::Set(_) => format!("::std::collections::BTreeSet::from([{values}])"),
                _ => format!("vec![{values}]"),
            }
        }
        _ => return None,
    })
}

/// The Rust type a request body's media type is decoded into.
fn payload_type(api: &Api, content: &Content) -> String {
    match content.request_payload() {
        Payload::Typed(ty) => rust_type::text(&api.types, &ty),
        Payload::AnyJson => "::oapi_gen_runtime::Json".to_owned(),
        Payload::Text => "String".to_owned(),
        Payload::Raw => "runtime::incoming::RawBody".to_owned(),
    }
}

/// The Rust type of a request body: its enum when the media types carry different
/// types, else the type they all carry.
fn body_type(api: &Api, body: &RequestBody) -> Option<String> {
    match &body.enum_name {
        Some(name) => Some(name.clone()),
        None => body.contents.first().map(|c| payload_type(api, c)),
    }
}

/// Writes the enum of a request body's media types, when it has one.
fn body_enum(code: &mut Code, api: &Api, op: &Operation) {
    let Some(body) = op.request_body.as_ref() else {
        return;
    };
    let Some(name) = &body.enum_name else {
        return;
    };
    code.blank();
    code.doc_line(&format!(
        "The request body of [`Api::{}`], by the media type it was sent as.",
        op.fn_name
    ));
    code.line("#[derive(Debug, Clone)]");
    code.open(format_args!("pub enum {name} {{"));
    for c in &body.contents {
        code.doc_line(&format!("`{}`", c.media_type));
        code.line(format_args!(
            "{}({}),",
            c.variant_name,
            payload_type(api, c)
        ));
    }
    code.close("}");
}

/// The call that reads a body of one media type (a `Result<Option<Option<T>>, _>`).
fn read_body(api: &Api, content: &Content, required: bool) -> String {
    let ty = payload_type(api, content);
    match (content.request_payload(), content.kind) {
        (Payload::Typed(_) | Payload::AnyJson, MediaKind::Json) => {
            let object = content
                .ty
                .as_ref()
                .is_some_and(|ty| is_struct(&api.types, ty));
            format!("incoming.json_body::<{ty}>({required}, {object}, &mut errors).await")
        }
        (Payload::Typed(_), MediaKind::FormUrlEncoded) => {
            format!("incoming.form_body::<{ty}>({required}, &mut errors).await")
        }
        (Payload::Typed(_), _) => {
            format!("incoming.multipart_body::<{ty}>({required}, &mut errors).await")
        }
        (Payload::Text, _) => format!("incoming.text_body({required}, &mut errors).await"),
        _ => format!("incoming.raw_body({required}, &mut errors).await"),
    }
}

/// The payload type of a response variant, if it has a body.
fn response_body_type(api: &Api, op: &Operation, response: &Response) -> Option<String> {
    if let Some(streaming) = &op.streaming
        && streaming.status == response.status
    {
        let item = rust_type::text(&api.types, &streaming.item);
        return Some(format!("runtime::response::ChunkStream<{item}>"));
    }
    let content = response_content(response)?;
    Some(match content.kind {
        MediaKind::Json => match &content.ty {
            Some(ty) => rust_type::text(&api.types, ty),
            None => "::oapi_gen_runtime::Json".to_owned(),
        },
        MediaKind::Text => "String".to_owned(),
        _ => "runtime::bytes::Bytes".to_owned(),
    })
}

/// Whether the variant carries its status (ranges and `default`).
fn carries_status(response: &Response) -> bool {
    !matches!(response.status, StatusCode::Code(_))
}

/// The input struct and the response enum of one operation.
fn operation_types(api: &Api, op: &Operation) -> String {
    let input = &op.type_names.input;
    let response = &op.type_names.response;
    let mut code = Code::within(1);
    code.doc_line(&format!("The input of [`Api::{}`].", op.fn_name));
    code.line("#[derive(Debug, Clone)]");
    let body = op
        .request_body
        .as_ref()
        .and_then(|body| Some((body, body_type(api, body)?)));
    if op.parameters.is_empty() && body.is_none() {
        code.line(format_args!("pub struct {input} {{}}"));
    } else {
        code.open(format_args!("pub struct {input} {{"));
        for p in &op.parameters {
            let default = match (parameter_default(api, p), &p.default) {
                (Some(_), Some(value)) => format!(", `{value}` when absent"),
                _ => String::new(),
            };
            code.doc(Some(&format!(
                "`{}` ({} parameter{default}){}",
                p.name,
                p.location.as_str(),
                described(p.description.as_deref())
            )));
            code.line(format_args!(
                "pub {}: {},",
                p.rust_name,
                parameter_type(api, p)
            ));
        }
        if let Some((body, ty)) = body {
            let media_types: Vec<String> = body
                .contents
                .iter()
                .map(|c| format!("`{}`", c.media_type))
                .collect();
            code.doc(Some(&format!(
                "The request body ({}){}",
                media_types.join(", "),
                described(body.description.as_deref())
            )));
            if body.required {
                code.line(format_args!("pub body: {ty},"));
            } else {
                code.line(format_args!("pub body: Option<{ty}>,"));
            }
        }
        code.close("}");
    }
    body_enum(&mut code, api, op);
    code.blank();
    code.doc_line(&format!("The responses of [`Api::{}`].", op.fn_name));
    if op.responses.is_empty() {
        code.line(format_args!("pub enum {response} {{}}"));
    } else {
        code.open(format_args!("pub enum {response} {{"));
        for r in &op.responses {
            response_variant(&mut code, api, op, r);
        }
        code.close("}");
    }
    code.blank();
    code.open(format_args!(
        "impl axum::response::IntoResponse for {response} {{"
    ));
    code.open("fn into_response(self) -> axum::response::Response {");
    if op.responses.is_empty() {
        code.line("match self {}");
    } else {
        code.open("match self {");
        for r in &op.responses {
            response_arm(&mut code, api, op, r);
        }
        code.close("}");
    }
    code.close("}");
    code.close("}");
    from_impl(&mut code, api, op);
    code.finish()
}

/// Writes the variant of one response: a tuple variant of its body, or a struct
/// variant with its status, body and headers.
fn response_variant(code: &mut Code, api: &Api, op: &Operation, r: &Response) {
    let variant = &r.variant_name;
    code.doc(Some(&status_doc(r)));
    let body = response_body_type(api, op, r);
    if !carries_status(r) && r.headers.is_empty() {
        match body {
            Some(body) => code.line(format_args!("{variant}({body}),")),
            None => code.line(format_args!("{variant},")),
        }
        return;
    }
    code.open(format_args!("{variant} {{"));
    if carries_status(r) {
        code.line("/// The status sent.");
        code.line("status: runtime::http::StatusCode,");
    }
    if let Some(body) = body {
        code.line("/// The body.");
        code.line(format_args!("body: {body},"));
    }
    for h in &r.headers {
        let ty = rust_type::text(&api.types, &h.ty);
        code.doc(Some(&format!(
            "Header `{}`{}",
            h.name,
            described(h.description.as_deref())
        )));
        if h.required {
            code.line(format_args!("{}: {ty},", h.rust_name));
        } else {
            code.line(format_args!("{}: Option<{ty}>,", h.rust_name));
        }
    }
    code.close("},");
}

/// Writes the `match` arm that writes one response variant.
fn response_arm(code: &mut Code, api: &Api, op: &Operation, r: &Response) {
    let response = &op.type_names.response;
    let variant = &r.variant_name;
    let status = match r.status {
        StatusCode::Code(code) => format!("runtime::response::status({code})"),
        _ => "status".to_owned(),
    };
    let has_body = response_body_type(api, op, r).is_some();
    let (function, mut arguments) = if !has_body {
        ("empty", vec![status])
    } else if let Some(streaming) = op.streaming.as_ref().filter(|s| s.status == r.status) {
        match streaming.format {
            StreamFormat::JsonLines => (
                "json_lines",
                vec![status, string(&streaming.media_type), "body".to_owned()],
            ),
            StreamFormat::EventStream => ("event_stream", vec![status, "body".to_owned()]),
        }
    } else {
        match response_content(r).map(|c| c.kind) {
            Some(MediaKind::Json) => ("json", vec![status, "&body".to_owned()]),
            Some(MediaKind::Text) => ("text", vec![status, "body".to_owned()]),
            _ => ("binary", vec![status, "body".to_owned()]),
        }
    };
    let head = format!("runtime::response::{function}(");
    if !carries_status(r) && r.headers.is_empty() {
        let pattern = if has_body {
            format!("{response}::{variant}(body)")
        } else {
            format!("{response}::{variant}")
        };
        code.call_arm(&pattern, &head, &arguments, ")");
        return;
    }
    let mut bindings = Vec::new();
    if carries_status(r) {
        bindings.push("status".to_owned());
    }
    if has_body {
        bindings.push("body".to_owned());
    }
    bindings.extend(r.headers.iter().map(|h| h.rust_name.clone()));
    code.braced(&format!("{response}::{variant}"), &bindings, " => {");
    code.indent_in();
    code.line("#[allow(unused_mut)]");
    code.list(
        &format!("let mut response = {head}"),
        arguments.drain(..),
        ");",
    );
    for h in &r.headers {
        let name = &h.rust_name;
        let wire = string(&h.name.to_ascii_lowercase());
        let set = "runtime::response::set_header(";
        if h.required {
            code.list(set, ["&mut response", &wire, &format!("&{name}")], ");");
        } else {
            code.open(format_args!("if let Some(value) = &{name} {{"));
            code.list(set, ["&mut response", &wire, "value"], ");");
            code.close("}");
        }
    }
    code.line("response");
    code.close("}");
}

/// Writes `impl From<Body> for Response` for the first success variant that is a
/// plain tuple variant, so handlers can write `Ok(item.into())`.
fn from_impl(code: &mut Code, api: &Api, op: &Operation) {
    let response = &op.type_names.response;
    let candidate = op
        .responses
        .iter()
        .find(|r| r.status.is_success() && !carries_status(r) && r.headers.is_empty());
    let Some(r) = candidate else {
        return;
    };
    let Some(body) = response_body_type(api, op, r) else {
        return;
    };
    // Only when no other variant carries the same type, so `into()` is unambiguous.
    let same = op
        .responses
        .iter()
        .filter(|other| response_body_type(api, op, other).as_ref() == Some(&body))
        .count();
    if same > 1 {
        return;
    }
    code.blank();
    code.open(format_args!("impl From<{body}> for {response} {{"));
    code.open(format_args!("fn from(body: {body}) -> Self {{"));
    code.line(format_args!("{response}::{}(body)", r.variant_name));
    code.close("}");
    code.close("}");
}

/// The trait method of one operation.
fn trait_method(op: &Operation) -> String {
    let mut code = Code::within(2);
    code.doc(Some(&operation_doc(op)));
    code.open(format_args!("fn {}(", op.fn_name));
    code.line("&self,");
    code.line("context: RequestContext,");
    code.line(format_args!("request: {},", op.type_names.input));
    code.indent_out();
    code.typed(
        ") -> impl ::std::future::Future<Output = ",
        &format!("Result<{}, HandlerError>", op.type_names.response),
        "> + Send;",
    );
    code.finish()
}

/// Whether values of `ty` are JSON objects with declared properties (structs).
fn is_struct(types: &crate::ir::TypeSpace, ty: &crate::ir::TypeRef) -> bool {
    match ty {
        crate::ir::TypeRef::Named(id) => match &types.get(*id).kind {
            crate::ir::TypeKind::Struct(_) => true,
            crate::ir::TypeKind::Alias(target) | crate::ir::TypeKind::Newtype(target) => {
                is_struct(types, target)
            }
            _ => false,
        },
        crate::ir::TypeRef::Boxed(inner) => is_struct(types, inner),
        _ => false,
    }
}

fn style(style: ParameterStyle) -> &'static str {
    match style {
        ParameterStyle::Simple => "runtime::param::Style::Simple",
        ParameterStyle::Label => "runtime::param::Style::Label",
        ParameterStyle::Matrix => "runtime::param::Style::Matrix",
        ParameterStyle::Form => "runtime::param::Style::Form",
        ParameterStyle::SpaceDelimited => "runtime::param::Style::SpaceDelimited",
        ParameterStyle::PipeDelimited => "runtime::param::Style::PipeDelimited",
        ParameterStyle::DeepObject => "runtime::param::Style::DeepObject",
    }
}

/// The function that routes a request for the path and method of `first` to one of
/// the operations sharing them, by the fixed values of their path keys' queries.
fn dispatcher(api: &Api, first: &Operation, name: &str) -> String {
    let members: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|op| op.method == first.method && op.path.template == first.path.template)
        .collect();
    let mut code = Code::within(1);
    code.doc(Some(&format!(
        "Routes `{} {}` to the operation its query selects (the query strings of the \
         document's path keys).",
        first.method.as_str(),
        first.path.template
    )));
    code.open(format_args!("async fn {name}<A: Api>("));
    code.line("state: axum::extract::State<::std::sync::Arc<A>>,");
    code.line("request: axum::extract::Request,");
    code.close(") -> axum::response::Response {");
    code.indent_in();
    code.open("const OPERATIONS: &[runtime::route::QueryKeys<'static>] = &[");
    for op in &members {
        // A placeholder key (`{field}=1`) has no name to select by.
        let keys = op
            .path_query
            .iter()
            .filter(|q| !q.name.starts_with('{'))
            .map(|q| {
                let value = match &q.value {
                    Some(value) => format!("Some({})", string(value)),
                    None => "None".to_owned(),
                };
                format!("({}, {value})", string(&q.name))
            });
        code.list("&[", keys, "],");
    }
    code.close("];");
    code.open("match runtime::route::select(request.uri().query(), OPERATIONS) {");
    for (i, op) in members.iter().enumerate() {
        code.line(format_args!(
            "Some({i}) => {}::<A>(state, request).await,",
            op.fn_name
        ));
    }
    code.line("_ => runtime::error::not_found().await,");
    code.close("}");
    code.indent_out();
    code.line("}");
    code.finish()
}

/// The axum handler of one operation: decode, validate, call, encode.
fn handler(api: &Api, validated: &Validated, op: &Operation) -> Result<String, Error> {
    let name = &op.fn_name;
    let mut code = Code::within(1);
    code.open(format_args!("async fn {name}<A: Api>("));
    code.line("axum::extract::State(api): axum::extract::State<::std::sync::Arc<A>>,");
    code.line("request: axum::extract::Request,");
    code.close(") -> axum::response::Response {");
    code.indent_in();
    let has_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| !b.contents.is_empty());
    let binding = if has_body { "mut incoming" } else { "incoming" };
    code.line(format_args!(
        "let {binding} = runtime::Incoming::new(request).await;"
    ));
    let mut patterns = Vec::new();
    let mut values = Vec::new();
    let mut fields = Vec::new();
    let mut checks = Vec::new();
    if !op.parameters.is_empty() || has_body {
        code.line("let mut errors = runtime::ValidationErrors::new();");
    }
    for p in &op.parameters {
        let field = &p.rust_name;
        let local = &p.local_name;
        let wire = string(&p.name);
        let ty = rust_type::text(&api.types, &p.ty);
        let required = p.required;
        let (call, arguments) = match p.location {
            ParameterLocation::Path
                if matches!(p.style, ParameterStyle::Label | ParameterStyle::Matrix) =>
            {
                let arguments = vec![
                    wire.clone(),
                    style(p.style).to_owned(),
                    p.explode.to_string(),
                ];
                (format!("path_styled::<{ty}>"), arguments)
            }
            ParameterLocation::Path => (format!("path::<{ty}>"), vec![wire.clone()]),
            ParameterLocation::Query if p.json_content => (
                format!("query_json::<{ty}>"),
                vec![wire.clone(), required.to_string()],
            ),
            ParameterLocation::Query => (
                format!("query::<{ty}>"),
                vec![
                    wire.clone(),
                    style(p.style).to_owned(),
                    p.explode.to_string(),
                    required.to_string(),
                ],
            ),
            ParameterLocation::Header => (
                format!("header::<{ty}>"),
                vec![wire.clone(), required.to_string()],
            ),
            ParameterLocation::Cookie => (
                format!("cookie::<{ty}>"),
                vec![wire.clone(), required.to_string()],
            ),
        };
        let mut arguments = arguments;
        arguments.push("&mut errors".to_owned());
        code.list(&format!("let {local} = incoming.{call}("), &arguments, ");");
        patterns.push(if p.location == ParameterLocation::Path || !required {
            format!("Some({local})")
        } else {
            format!("Some(Some({local}))")
        });
        values.push(local.clone());
        fields.push(match parameter_default(api, p) {
            Some(_)
                if p.default
                    .as_ref()
                    .is_some_and(|d| d.as_array().is_some_and(Vec::is_empty)) =>
            {
                format!("{field}: {local}.unwrap_or_default()")
            }
            Some(default)
                if matches!(
                    p.ty,
                    crate::ir::TypeRef::Primitive(crate::ir::Primitive::String)
                        | crate::ir::TypeRef::Array(_)
                        | crate::ir::TypeRef::Set(_)
                ) =>
            {
                format!("{field}: {local}.unwrap_or_else(|| {default})")
            }
            Some(default) => format!("{field}: {local}.unwrap_or({default})"),
            None if field == local => field.clone(),
            None => format!("{field}: {local}"),
        });
        let value_ty = if required {
            p.ty.clone()
        } else {
            p.ty.clone().optional()
        };
        let ident = format_ident!("{}", p.local_name);
        let check = validated.checks(&api.types, &value_ty, &p.constraints, quote!(&#ident));
        if !check.is_empty() {
            let location = p.location.as_str();
            let wire = &p.name;
            checks.push(quote! {
                let at: &mut Vec<runtime::error::LocItem> = &mut vec![runtime::error::LocItem::key(#location), runtime::error::LocItem::key(#wire)];
                let errors = &mut errors;
                #check
            });
        }
    }
    if let Some(body) = op.request_body.as_ref().filter(|b| !b.contents.is_empty()) {
        let check = decode_body(&mut code, api, validated, body);
        patterns.push(if body.required {
            "Some(Some(body))".to_owned()
        } else {
            "Some(body)".to_owned()
        });
        values.push("body".to_owned());
        fields.push("body".to_owned());
        checks.extend(check);
    }
    if !patterns.is_empty() {
        let (tuple, values_tuple) = if patterns.len() == 1 {
            (format!("({},)", patterns[0]), format!("({},)", values[0]))
        } else {
            (
                format!("({})", patterns.join(", ")),
                format!("({})", values.join(", ")),
            )
        };
        let line = format!("let {tuple} = {values_tuple} else {{");
        if code.fits(&line, &[""; 0], "") {
            code.open(line);
        } else {
            // One-element tuples keep their trailing comma either way.
            code.open("let (");
            for pattern in &patterns {
                code.line(format_args!("{pattern},"));
            }
            code.close(") = (");
            code.indent_in();
            for value in &values {
                code.line(format_args!("{value},"));
            }
            code.close(") else {");
            code.indent_in();
        }
        code.line("return runtime::Rejection::from(errors).into_response();");
        code.close("};");
        if !checks.is_empty() {
            for check in checks {
                code.open("{");
                code.statements(check)?;
                code.close("}");
            }
            code.open("if !errors.is_empty() {");
            code.line("return runtime::Rejection::from(errors).into_response();");
            code.close("}");
        }
    }
    code.braced(
        &format!("let request = {}", op.type_names.input),
        &fields,
        ";",
    );
    code.open(format_args!(
        "match api.{name}(incoming.into_context(), request).await {{"
    ));
    code.line("Ok(response) => response.into_response(),");
    code.line("Err(error) => runtime::error::internal_error(&error),");
    code.close("}");
    code.close("}");
    Ok(code.finish())
}

/// Writes the statements that read a request body, dispatching on its
/// `Content-Type`; returns the validation of the decoded value (if its type has
/// constraints).
fn decode_body(
    code: &mut Code,
    api: &Api,
    validated: &Validated,
    body: &RequestBody,
) -> Option<TokenStream> {
    let required = body.required;
    let media_types: Vec<String> = body
        .contents
        .iter()
        .map(|c| string(&c.media_type))
        .collect();
    code.list(
        "let body = match incoming.media_type(&[",
        &media_types,
        "]) {",
    );
    code.indent_in();
    for (i, c) in body.contents.iter().enumerate() {
        let read = read_body(api, c, required);
        match &body.enum_name {
            Some(name) => code.call_arm(
                &format!("Some({i})"),
                "runtime::incoming::variant(",
                &[read, format!("{name}::{}", c.variant_name)],
                ")",
            ),
            None => code.arm(&format!("Some({i})"), &read),
        }
    }
    code.line("_ => Err(runtime::Rejection::UnsupportedMediaType),");
    code.close("};");
    code.open("let body = match body {");
    code.line("Ok(body) => body,");
    code.line("Err(rejection) => return rejection.into_response(),");
    code.close("};");
    let typed = |c: &Content| match c.request_payload() {
        Payload::Typed(ty) => Some(ty),
        _ => None,
    };
    let enum_name = body.enum_name.as_ref().map(|name| format_ident!("{name}"));
    let check = match &enum_name {
        None => {
            let ty = body.contents.first().and_then(typed);
            ty.map(|ty| {
                let ty = if required { ty } else { ty.optional() };
                validated.checks(&api.types, &ty, &Default::default(), quote!(&body))
            })
            .filter(|check| !check.is_empty())
        }
        Some(name) => {
            let arms: Vec<(TokenStream, TokenStream)> = body
                .contents
                .iter()
                .filter_map(|c| {
                    let check =
                        validated.checks(&api.types, &typed(c)?, &Default::default(), quote!(body));
                    let variant = format_ident!("{}", c.variant_name);
                    let pattern = if required {
                        quote!(#name::#variant(body))
                    } else {
                        quote!(Some(#name::#variant(body)))
                    };
                    (!check.is_empty()).then_some((pattern, check))
                })
                .collect();
            let exhaustive = required && arms.len() == body.contents.len();
            match arms.as_slice() {
                [] => None,
                [(pattern, check)] if !exhaustive => Some(quote! {
                    if let #pattern = &body {
                        #check
                    }
                }),
                arms => {
                    let arms = arms
                        .iter()
                        .map(|(pattern, check)| quote!(#pattern => { #check }));
                    let rest = (!exhaustive).then(|| quote!(_ => {}));
                    Some(quote! {
                        match &body {
                            #(#arms)*
                            #rest
                        }
                    })
                }
            }
        }
    };
    check.map(|check| {
        quote! {
            let at: &mut Vec<runtime::error::LocItem> = &mut vec![runtime::error::LocItem::key("body")];
            let errors = &mut errors;
            #check
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_docs_name_the_status() {
        let response = Response {
            status: StatusCode::Range(4),
            variant_name: "ClientError".to_owned(),
            description: Some(" Bad input ".to_owned()),
            headers: Vec::new(),
            contents: Vec::new(),
        };
        assert_eq!(status_doc(&response), "4XX: Bad input");
        assert!(carries_status(&response));
    }

    #[test]
    fn invisible_characters_of_the_document_are_json_escapes() {
        let json =
            serde_json::json!({"a\u{202e}": "b\u{2066}\u{7f}\u{2028}\r", "c": "d"}).to_string();
        let visible = visible_json(&json);
        assert_eq!(visible, r#"{"a\u202e":"b\u2066\u007f\u2028\r","c":"d"}"#);
        let value: serde_json::Value = serde_json::from_str(&visible).unwrap();
        assert_eq!(
            value,
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
        assert!(matches!(visible_json("{}"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn raw_strings_need_no_more_hashes_than_their_content() {
        assert_eq!(raw_string("plain").to_string(), r#"r"plain""#);
        assert_eq!(raw_string(r#"{"a":1}"#).to_string(), r##"r#"{"a":1}"#"##);
        assert_eq!(
            raw_string(r###"{"$ref":"#/a","b":"##"}"###).to_string(),
            r####"r###"{"$ref":"#/a","b":"##"}"###"####
        );
    }

    #[test]
    fn operations_group_by_path_in_order_of_first_appearance() {
        let items = ["/b", "/a", "/b", "/c", "/a", "/b"];
        let groups = group_by_path(&items, |item| item);
        let groups: Vec<(&str, Vec<&&str>)> = groups;
        assert_eq!(
            groups,
            vec![
                ("/b", vec![&"/b", &"/b", &"/b"]),
                ("/a", vec![&"/a", &"/a"]),
                ("/c", vec![&"/c"]),
            ]
        );
        let positions = group_by_path(&[0usize, 1, 2, 3, 4, 5], |i| items[*i]);
        let positions: Vec<Vec<usize>> = positions
            .into_iter()
            .map(|(_, group)| group.into_iter().copied().collect())
            .collect();
        assert_eq!(positions, vec![vec![0, 2, 5], vec![1, 4], vec![3]]);
    }

    #[test]
    fn every_style_has_a_runtime_name() {
        assert!(style(ParameterStyle::DeepObject).ends_with("DeepObject"));
    }
}
