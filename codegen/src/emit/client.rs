//! The client emitter: a `Client` with one method per operation returning an
//! awaitable request builder, a typed error enum per operation (and a success enum
//! where several 2xx responses are declared), decoding each status as declared.

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::{described, operation_doc, request_content, response_content, status_doc};
use super::text::{Code, string};
use super::{Node, docs, rust_type};
use crate::ir::{
    Api, Content, MediaKind, Operation, Parameter, ParameterLocation, ParameterStyle, PathPart,
    Response, StatusCode, StreamFormat,
};

/// The `client` module: a typed async client of the API.
pub fn emit(api: &Api) -> Node<'_> {
    let doc = docs::one_line(&format!(
        " A client of the `{}` API, over reqwest.",
        api.title.replace('`', "'")
    ));
    let client_doc = docs::attrs(Some(&format!(
        "A client of the `{}` API (version {}): one method per operation, each \
         returning a request that is sent when awaited. Cheap to clone.",
        api.title.replace('`', "'"),
        api.version.replace('`', "'"),
    )));
    let module = move |body: TokenStream| {
        quote! {
            #[doc = #doc]
            ///
            /// Build a [`Client`] from the service's base URL, call the method of an
            /// operation with its required inputs, set optional ones on the returned
            /// request, and `.await` it.
            pub mod client {
                // Method names come from operationIds (`into_x`, `from_y`): no self
                // convention. Decoders return the runtime's `Error`, which holds a
                // declared error inline, as callers receive it.
                #![allow(
                    clippy::too_many_arguments,
                    clippy::large_enum_variant,
                    clippy::result_large_err,
                    clippy::wrong_self_convention
                )]
                #[allow(unused_imports)]
                use super::*;

                use ::oapi_gen_client_runtime as runtime;

                #body
            }
        }
    };
    let client = Node::Items(quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            client: runtime::Client,
        }
    });
    let constructors = Node::Items(quote! {
        /// A client of the API at `base_url` (for example
        /// `http://127.0.0.1:8000`), with default settings.
        pub fn new(base_url: &str) -> Result<Self, runtime::BuildError> {
            runtime::ClientBuilder::new(base_url).build()
        }

        /// Settings (timeouts, default headers, SigV4 or bearer
        /// authorization, request hooks) of a client of the API at
        /// `base_url`.
        pub fn builder(base_url: impl Into<String>) -> runtime::ClientBuilder<Self> {
            runtime::ClientBuilder::new(base_url)
        }

        /// The runtime client: base URL and HTTP client.
        pub fn runtime(&self) -> &runtime::Client {
            &self.client
        }
    });
    let methods = Node::container(
        |body| quote!(impl Client { #body }),
        std::iter::once(constructors)
            .chain(api.operations.iter().map(|op| Node::Text(method(api, op)))),
    );
    let from = Node::Items(quote! {
        impl From<runtime::Client> for Client {
            fn from(client: runtime::Client) -> Self {
                Client { client }
            }
        }
    });
    let items = api
        .operations
        .iter()
        .map(|op| Node::Text(operation_items(api, op)));
    Node::container(module, [client, methods, from].into_iter().chain(items))
}

/// Whether the parameter is an argument of the client method (else a setter).
fn is_argument(p: &Parameter) -> bool {
    p.required || p.location == ParameterLocation::Path
}

/// Whether the request body is an argument of the client method.
fn body_is_argument(op: &Operation) -> bool {
    op.request_body.as_ref().is_some_and(|b| b.required)
}

/// The Rust type of a request body's payload.
fn body_type(api: &Api, content: &Content) -> String {
    match content.kind {
        MediaKind::Json | MediaKind::FormUrlEncoded => match &content.ty {
            Some(ty) => rust_type::text(&api.types, ty),
            None => "::oapi_gen_runtime::Json".to_owned(),
        },
        MediaKind::Multipart => "runtime::reqwest::multipart::Form".to_owned(),
        MediaKind::Text => "String".to_owned(),
        MediaKind::JsonLines | MediaKind::EventStream | MediaKind::Binary => {
            "runtime::bytes::Bytes".to_owned()
        }
    }
}

/// The Rust type of an operation's request body: its enum when the media types carry
/// different types, else the type of the media type it is sent as.
fn request_body_type(api: &Api, op: &Operation) -> Option<String> {
    match &op.request_body.as_ref()?.enum_name {
        Some(name) => Some(name.clone()),
        None => request_content(op).map(|c| body_type(api, c)),
    }
}

/// The enum of a request body's media types, when it has one, with a `From` impl for
/// each payload type only one media type carries.
fn body_enum(code: &mut Code, api: &Api, op: &Operation) {
    let Some(body) = op.request_body.as_ref() else {
        return;
    };
    let Some(name) = &body.enum_name else {
        return;
    };
    // Compared with aliases expanded: `From` impls for an alias and the type it names
    // would conflict.
    let key = |c: &Content| match (&c.kind, &c.ty) {
        (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => {
            rust_type::canonical(&api.types, ty)
        }
        _ => body_type(api, c),
    };
    let keys: Vec<String> = body.contents.iter().map(key).collect();
    code.blank();
    code.doc_line(&format!(
        "The request body of [`Client::{}`]: the media type it is sent as, and its \
         content.",
        op.fn_name
    ));
    code.line("#[derive(Debug)]");
    code.open(format_args!("pub enum {name} {{"));
    for c in &body.contents {
        code.doc_line(&format!("`{}`", c.media_type));
        code.line(format_args!("{}({}),", c.variant_name, body_type(api, c)));
    }
    code.close("}");
    for (c, key) in body.contents.iter().zip(&keys) {
        if keys.iter().filter(|k| *k == key).count() != 1 {
            continue;
        }
        let ty = body_type(api, c);
        code.blank();
        code.open(format_args!("impl From<{ty}> for {name} {{"));
        code.open(format_args!("fn from(body: {ty}) -> Self {{"));
        code.line(format_args!("{name}::{}(body)", c.variant_name));
        code.close("}");
        code.close("}");
    }
}

/// The payload type of a response, if it has a body.
fn response_type(api: &Api, response: &Response) -> Option<String> {
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

/// The `Response` method call that decodes a response's body.
fn decode(response: &Response) -> &'static str {
    match response_content(response).map(|c| c.kind) {
        None => "response.empty()",
        Some(MediaKind::Json) => "response.json()",
        Some(MediaKind::Text) => "response.text()",
        Some(_) => "response.bytes()",
    }
}

/// The responses that are successes: the 2xx ones, or `default` when no 2xx
/// response is declared (then only for 2xx statuses).
fn successes(op: &Operation) -> Vec<&Response> {
    if op.streaming.is_some() {
        return Vec::new();
    }
    let successes: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    if successes.is_empty() {
        op.responses
            .iter()
            .filter(|r| r.status == StatusCode::Default)
            .collect()
    } else {
        successes
    }
}

/// The declared error responses: everything not a success (nor the stream).
fn errors<'a>(op: &'a Operation, successes: &[&Response]) -> Vec<&'a Response> {
    op.responses
        .iter()
        .filter(|r| {
            // A `default` that serves as success for 2xx is also the error of any
            // other status.
            let success = successes.iter().any(|s| s.status == r.status);
            (!success || r.status == StatusCode::Default)
                && !(op.streaming.is_some() && r.status.is_success())
        })
        .collect()
}

/// The statuses a success response covers, low and high: `default` in the success
/// position covers 2xx.
fn success_range(status: StatusCode) -> (u16, u16) {
    match status {
        StatusCode::Code(code) => (code, code),
        StatusCode::Range(digit) => (u16::from(digit) * 100, u16::from(digit) * 100 + 99),
        StatusCode::Default => (200, 299),
    }
}

/// The `match` pattern of a status; `default` in the success position matches 2xx.
fn pattern(status: StatusCode, as_success: bool) -> String {
    if status == StatusCode::Default && !as_success {
        return "_".to_owned();
    }
    match success_range(status) {
        (low, high) if low == high => low.to_string(),
        (low, high) => format!("{low}..={high}"),
    }
}

/// The value of a decoder's arm: a call, laid out by [`Code::call_arm`].
struct Call {
    /// The call up to its first argument, with the opening parentheses.
    head: String,
    arguments: Vec<String>,
    /// The closing parentheses.
    tail: &'static str,
}

impl Call {
    /// A value that is not a call.
    fn value(value: impl Into<String>) -> Self {
        Call {
            head: value.into(),
            arguments: Vec::new(),
            tail: "",
        }
    }
}

/// An arm of a decoder: the status it is ordered by, its pattern, its value.
type Arm = (StatusCode, String, Call);

/// Writes the decoder of a response by status: `arms` in the order Rust needs
/// (exact codes, then ranges, then `_`), and `fallback` for statuses none of them
/// matches (when no arm is `default`). The decoder is the last argument of the call
/// `callee(arguments…, decoder)`.
fn decoder(
    code: &mut Code,
    callee: &str,
    arguments: &[String],
    mut arms: Vec<Arm>,
    fallback: Call,
) {
    arms.sort_by_key(|(status, _, _)| match status {
        StatusCode::Code(_) => 0,
        StatusCode::Range(_) => 1,
        StatusCode::Default => 2,
    });
    if !arms
        .iter()
        .any(|(status, _, _)| *status == StatusCode::Default)
    {
        arms.push((StatusCode::Default, "_".to_owned(), fallback));
    }
    if let [(StatusCode::Default, _, value)] = arms.as_slice() {
        let mut arguments = arguments.to_vec();
        let mut closure = format!("|response| {}", value.head);
        closure.push_str(&value.arguments.join(", "));
        closure.push_str(value.tail);
        arguments.push(closure);
        code.list(&format!("{callee}("), &arguments, ")");
        return;
    }
    let first = format!(
        "{callee}({}, |response| match response.status() {{",
        arguments.join(", ")
    );
    let vertical = !code.fits(&first, &[""; 0], "");
    if vertical {
        code.open(format_args!("{callee}("));
        for argument in arguments {
            code.line(format_args!("{argument},"));
        }
        code.open("|response| match response.status() {");
    } else {
        code.open(first);
    }
    for (_, pattern, value) in &arms {
        code.call_arm(pattern, &value.head, &value.arguments, value.tail);
    }
    if vertical {
        code.close("},");
        code.close(")");
    } else {
        code.close("})");
    }
}

/// The success type of an operation's `send`.
fn success_type(api: &Api, op: &Operation) -> String {
    if let Some(streaming) = &op.streaming {
        let item = rust_type::text(&api.types, &streaming.item);
        return format!("runtime::ChunkStream<{item}>");
    }
    let successes = successes(op);
    let inner = match successes.as_slice() {
        [] => "()".to_owned(),
        [only] => response_type(api, only).unwrap_or_else(|| "()".to_owned()),
        _ => op.type_names.response.clone(),
    };
    format!("runtime::ResponseValue<{inner}>")
}

fn style(style: ParameterStyle) -> &'static str {
    match style {
        ParameterStyle::Matrix => "runtime::Style::Matrix",
        ParameterStyle::Label => "runtime::Style::Label",
        ParameterStyle::Form => "runtime::Style::Form",
        ParameterStyle::Simple => "runtime::Style::Simple",
        ParameterStyle::SpaceDelimited => "runtime::Style::SpaceDelimited",
        ParameterStyle::PipeDelimited => "runtime::Style::PipeDelimited",
        ParameterStyle::DeepObject => "runtime::Style::DeepObject",
    }
}

fn parameter_doc(p: &Parameter) -> String {
    format!(
        "`{}` ({} parameter){}",
        p.name,
        p.location.as_str(),
        described(p.description.as_deref())
    )
}

fn body_doc(op: &Operation) -> String {
    let media_types: Vec<String> = match op.request_body.as_ref() {
        Some(body) if body.enum_name.is_some() => body
            .contents
            .iter()
            .map(|c| format!("`{}`", c.media_type))
            .collect(),
        _ => request_content(op)
            .map(|c| format!("`{}`", c.media_type))
            .into_iter()
            .collect(),
    };
    format!(
        "The request body ({}){}",
        media_types.join(", "),
        described(
            op.request_body
                .as_ref()
                .and_then(|b| b.description.as_deref())
        )
    )
}

/// The `Client` method of one operation.
fn method(api: &Api, op: &Operation) -> String {
    let request = &op.type_names.input;
    let mut params = vec!["&self".to_owned()];
    let mut argument_docs = Vec::new();
    let mut fields = Vec::new();
    for p in &op.parameters {
        let field = &p.rust_name;
        if is_argument(p) {
            let ty = rust_type::text(&api.types, &p.ty);
            params.push(format!("{field}: impl Into<{ty}>"));
            argument_docs.push(format!("- `{field}`: {}", parameter_doc(p)));
            fields.push(format!("{field}: {field}.into(),"));
        } else {
            fields.push(format!("{field}: None,"));
        }
    }
    if let Some(ty) = request_body_type(api, op) {
        if body_is_argument(op) {
            params.push(format!("body: impl Into<{ty}>"));
            argument_docs.push(format!("- `body`: {}", body_doc(op)));
            fields.push("body: body.into(),".to_owned());
        } else {
            fields.push("body: None,".to_owned());
        }
    }
    let mut notes = Vec::new();
    if !argument_docs.is_empty() {
        notes.push(format!("Arguments:\n{}", argument_docs.join("\n")));
    }
    let mut code = Code::within(2);
    code.doc(docs::join(Some(&operation_doc(op)), &notes).as_deref());
    if op.deprecated {
        code.line("#[deprecated]");
    }
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    code.signature(&format!("pub fn {}(", op.fn_name), &params, Some(request));
    code.open(format_args!("{request} {{"));
    code.line("client: self.client.clone(),");
    code.line("correlation_id: None,");
    for field in &fields {
        code.line(field);
    }
    code.close("}");
    code.close("}");
    code.finish()
}

/// The request builder, its `IntoFuture`, and the error and success enums of one
/// operation.
fn operation_items(api: &Api, op: &Operation) -> String {
    let request = &op.type_names.input;
    let error = &op.type_names.error;
    let output = format!("Result<{}, runtime::Error<{error}>>", success_type(api, op));
    let mut code = Code::within(1);
    code.doc_line(&format!(
        "The request of [`Client::{}`]: set optional inputs with its methods, then \
         `.await` it (or call [`send`]({request}::send)).",
        op.fn_name
    ));
    code.line("#[derive(Debug)]");
    code.line("#[must_use = \"a request is sent only when awaited\"]");
    code.open(format_args!("pub struct {request} {{"));
    code.line("client: runtime::Client,");
    code.line("correlation_id: Option<String>,");
    // Setters: documentation, name, type.
    let mut setters = Vec::new();
    for p in &op.parameters {
        let ty = rust_type::text(&api.types, &p.ty);
        if is_argument(p) {
            code.line(format_args!("{}: {ty},", p.rust_name));
        } else {
            code.line(format_args!("{}: Option<{ty}>,", p.rust_name));
            setters.push((parameter_doc(p), p.rust_name.as_str(), ty));
        }
    }
    if let Some(ty) = request_body_type(api, op) {
        if body_is_argument(op) {
            code.line(format_args!("body: {ty},"));
        } else {
            code.line(format_args!("body: Option<{ty}>,"));
            setters.push((body_doc(op), "body", ty));
        }
    }
    code.close("}");
    code.blank();
    code.open(format_args!("impl {request} {{"));
    for (doc, field, ty) in setters {
        code.doc(Some(&doc));
        code.signature(
            &format!("pub fn {field}("),
            &["mut self", &format!("value: impl Into<{ty}>")],
            Some("Self"),
        );
        code.line(format_args!("self.{field} = Some(value.into());"));
        code.line("self");
        code.close("}");
        code.blank();
    }
    code.line("/// Sends `x-correlation-id: id` with the request (the server logs it");
    code.line("/// and echoes it).");
    code.open("pub fn correlation_id(mut self, id: impl Into<String>) -> Self {");
    code.line("self.correlation_id = Some(id.into());");
    code.line("self");
    code.close("}");
    code.blank();
    code.line("/// Builds the request; it is sent when the returned future is polled,");
    code.line("/// which decodes the response by its status.");
    code.signature(
        "pub fn send(",
        &["self"],
        Some(&format!("runtime::BoxFuture<'static, {output}>")),
    );
    send_body(&mut code, api, op);
    code.close("}");
    code.close("}");
    code.blank();
    code.open(format_args!(
        "impl ::std::future::IntoFuture for {request} {{"
    ));
    code.typed("type Output = ", &output, ";");
    code.line("type IntoFuture = runtime::BoxFuture<'static, Self::Output>;");
    code.blank();
    code.open("fn into_future(self) -> Self::IntoFuture {");
    code.line("self.send()");
    code.close("}");
    code.close("}");
    body_enum(&mut code, api, op);
    error_enum(&mut code, api, op);
    success_enum(&mut code, api, op);
    code.finish()
}

/// The call that writes a `body` of one media type into the request.
fn write_body(content: &Content) -> (String, Vec<String>) {
    let media_type = string(&content.media_type);
    let (method, arguments) = match content.kind {
        MediaKind::Json => ("json_body", vec![media_type, "&body".to_owned()]),
        MediaKind::FormUrlEncoded => ("form_body", vec![media_type, "&body".to_owned()]),
        MediaKind::Multipart => ("multipart_body", vec!["body".to_owned()]),
        MediaKind::Text => ("text_body", vec![media_type, "body".to_owned()]),
        MediaKind::JsonLines | MediaKind::EventStream | MediaKind::Binary => {
            ("bytes_body", vec![media_type, "body".to_owned()])
        }
    };
    (format!("request.{method}("), arguments)
}

/// The body of `send`: describe the request, send it, decode by status.
fn send_body(code: &mut Code, api: &Api, op: &Operation) {
    code.line(format_args!(
        "let mut request = runtime::Request::new(&self.client, runtime::Method::{});",
        op.method.as_str()
    ));
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => code.line(format_args!("request.path({});", string(text))),
            PathPart::Param(wire) => {
                let Some(p) = op
                    .parameters
                    .iter()
                    .find(|p| p.location == ParameterLocation::Path && &p.name == wire)
                else {
                    continue;
                };
                code.list(
                    "request.path_param(",
                    [
                        string(wire),
                        style(p.style).to_owned(),
                        p.explode.to_string(),
                        format!("&self.{}", p.rust_name),
                    ],
                    ");",
                );
            }
        }
    }
    // The fixed values of the query string the path key holds.
    for item in op.path_query.iter().filter(|q| !q.name.starts_with('{')) {
        if let Some(value) = &item.value {
            code.line(format_args!(
                "request.query({}, runtime::Style::Form, true, {});",
                string(&item.name),
                string(value)
            ));
        }
    }
    for p in &op.parameters {
        let wire = string(&p.name);
        let field = format!("&self.{}", p.rust_name);
        let (method, arguments) = match p.location {
            ParameterLocation::Path => continue,
            ParameterLocation::Query if p.json_content => ("query_json", vec![wire, field]),
            ParameterLocation::Query => {
                let method = if p.allow_reserved {
                    "query_reserved"
                } else {
                    "query"
                };
                let style = style(p.style).to_owned();
                (method, vec![wire, style, p.explode.to_string(), field])
            }
            ParameterLocation::Header => ("header", vec![wire, p.explode.to_string(), field]),
            ParameterLocation::Cookie => ("cookie", vec![wire, p.explode.to_string(), field]),
        };
        code.list(&format!("request.{method}("), arguments, ");");
    }
    write_request_body(code, op);
    code.line("request.correlation_id(self.correlation_id.as_deref());");
    decode_response(code, api, op);
}

/// The statements that write the request body, if the operation has one.
fn write_request_body(code: &mut Code, op: &Operation) {
    let Some(body) = &op.request_body else {
        return;
    };
    if body.enum_name.is_none() && request_content(op).is_none() {
        return;
    }
    if body_is_argument(op) {
        code.line("let body = self.body;");
    } else {
        code.open("if let Some(body) = self.body {");
    }
    match &body.enum_name {
        Some(name) => {
            code.open("match body {");
            for c in &body.contents {
                let (head, arguments) = write_body(c);
                code.call_arm(
                    &format!("{name}::{}(body)", c.variant_name),
                    &head,
                    &arguments,
                    ")",
                );
            }
            code.close("}");
        }
        None => {
            if let Some(content) = request_content(op) {
                let (head, arguments) = write_body(content);
                code.list(&head, arguments, ");");
            }
        }
    }
    if !body_is_argument(op) {
        code.close("}");
    }
}

/// The call that sends the request and decodes its response by status.
fn decode_response(code: &mut Code, api: &Api, op: &Operation) {
    let error = &op.type_names.error;
    let mut arms = Vec::new();
    let successes = successes(op);
    for r in &successes {
        let read = decode(r);
        let value = if successes.len() == 1 {
            Call::value(read)
        } else {
            let enum_name = &op.type_names.response;
            let variant = &r.variant_name;
            let wrap = if response_type(api, r).is_some() {
                format!("{enum_name}::{variant}")
            } else {
                format!("|()| {enum_name}::{variant}")
            };
            Call {
                head: "runtime::declared_success(".to_owned(),
                arguments: vec![read.to_owned(), wrap],
                tail: ")",
            }
        };
        // A `default` success matches 2xx only; it is also an error below.
        let order = match r.status {
            StatusCode::Default => StatusCode::Range(2),
            status => status,
        };
        arms.push((order, pattern(r.status, true), value));
    }
    // In a stream's decoder, which sees only the other statuses, arms are errors.
    let (error_head, error_tail) = match op.streaming {
        Some(_) => ("runtime::declared_error(", ")"),
        None => ("Err(runtime::declared_error(", "))"),
    };
    for r in errors(op, &successes) {
        let variant = &r.variant_name;
        let wrap = if response_type(api, r).is_some() {
            format!("{error}::{variant}")
        } else {
            format!("|()| {error}::{variant}")
        };
        let value = Call {
            head: error_head.to_owned(),
            arguments: vec![decode(r).to_owned(), wrap],
            tail: error_tail,
        };
        arms.push((r.status, pattern(r.status, false), value));
    }
    let fallback = match op.streaming {
        Some(_) => Call::value("response.unexpected()"),
        None => Call::value("Err(response.unexpected())"),
    };
    let (callee, arguments) = match &op.streaming {
        Some(streaming) => {
            let open = match streaming.format {
                StreamFormat::JsonLines => "runtime::ChunkStream::json_lines",
                StreamFormat::EventStream => "runtime::ChunkStream::event_stream",
            };
            let (low, high) = success_range(streaming.status);
            let arguments = [
                "request".to_owned(),
                format!("{low}..={high}"),
                open.to_owned(),
            ];
            ("runtime::call_stream", arguments.to_vec())
        }
        None => ("runtime::call", vec!["request".to_owned()]),
    };
    decoder(code, callee, &arguments, arms, fallback);
}

/// Writes the variants of a response enum: documented by status, holding the
/// payload if there is one.
fn response_variants(code: &mut Code, api: &Api, responses: &[&Response]) {
    for r in responses {
        code.doc(Some(&status_doc(r)));
        match response_type(api, r) {
            Some(ty) => code.line(format_args!("{}({ty}),", r.variant_name)),
            None => code.line(format_args!("{},", r.variant_name)),
        }
    }
}

/// The enum of an operation's declared error responses.
fn error_enum(code: &mut Code, api: &Api, op: &Operation) {
    let successes = successes(op);
    let errors = errors(op, &successes);
    code.blank();
    code.doc_line(&format!(
        "The declared error responses of [`Client::{}`], decoded; the status and \
         headers are in the [`runtime::ResponseValue`] around it.",
        op.fn_name
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    if errors.is_empty() {
        code.line(format_args!("pub enum {} {{}}", op.type_names.error));
        return;
    }
    code.open(format_args!("pub enum {} {{", op.type_names.error));
    response_variants(code, api, &errors);
    code.close("}");
}

/// The enum of an operation's success responses, when it declares several.
fn success_enum(code: &mut Code, api: &Api, op: &Operation) {
    let successes = successes(op);
    if successes.len() < 2 {
        return;
    }
    code.blank();
    code.doc_line(&format!(
        "The declared success responses of [`Client::{}`].",
        op.fn_name
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    code.open(format_args!("pub enum {} {{", op.type_names.response));
    response_variants(code, api, &successes);
    code.close("}");
}
