//! The client emitter: a `Client` with one method per operation returning an
//! awaitable request builder, a typed error enum per operation (and a success enum
//! where several 2xx responses are declared), decoding each status as declared.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::operation::{operation_doc, request_content, response_content, status_doc};
use super::{Node, docs, rust_type};
use crate::ir::{
    Api, Content, MediaKind, Operation, Parameter, ParameterLocation, ParameterStyle, PathPart,
    Response, StatusCode, StreamFormat,
};

/// The `client` module: a typed async client of the API.
pub fn emit(api: &Api) -> Node<'_> {
    let doc = format!(
        " A client of the `{}` API, over reqwest.",
        api.title.replace('`', "'")
    );
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
            .chain(api.operations.iter().map(|op| Node::Items(method(api, op)))),
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
        .map(|op| Node::Items(operation_items(api, op)));
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
fn body_type(api: &Api, content: &Content) -> TokenStream {
    match content.kind {
        MediaKind::Json | MediaKind::FormUrlEncoded => match &content.ty {
            Some(ty) => rust_type::tokens(&api.types, ty),
            None => quote!(::oapi_gen_runtime::Json),
        },
        MediaKind::Multipart => quote!(runtime::reqwest::multipart::Form),
        MediaKind::Text => quote!(String),
        MediaKind::JsonLines | MediaKind::EventStream | MediaKind::Binary => {
            quote!(runtime::bytes::Bytes)
        }
    }
}

/// The Rust type of an operation's request body: its enum when the media types carry
/// different types, else the type of the media type it is sent as.
fn request_body_type(api: &Api, op: &Operation) -> Option<TokenStream> {
    match &op.request_body.as_ref()?.enum_name {
        Some(name) => {
            let name = format_ident!("{name}");
            Some(quote!(#name))
        }
        None => request_content(op).map(|c| body_type(api, c)),
    }
}

/// The enum of a request body's media types, when it has one, with a `From` impl for
/// each payload type only one media type carries.
fn body_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.request_body.as_ref()?;
    let name = format_ident!("{}", body.enum_name.as_ref()?);
    let doc = format!(
        " The request body of [`Client::{}`]: the media type it is sent as, and its \
         content.",
        op.fn_name
    );
    // Compared with aliases expanded: `From` impls for an alias and the type it names
    // would conflict.
    let key = |c: &Content| match (&c.kind, &c.ty) {
        (MediaKind::Json | MediaKind::FormUrlEncoded, Some(ty)) => {
            rust_type::canonical(&api.types, ty).to_string()
        }
        _ => body_type(api, c).to_string(),
    };
    let types: Vec<String> = body.contents.iter().map(key).collect();
    let variants = body.contents.iter().map(|c| {
        let variant = format_ident!("{}", c.variant_name);
        let ty = body_type(api, c);
        let doc = format!(" `{}`", c.media_type);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    let from = body.contents.iter().filter_map(|c| {
        let ty = body_type(api, c);
        let unique = types.iter().filter(|t| **t == key(c)).count() == 1;
        let variant = format_ident!("{}", c.variant_name);
        unique.then(|| {
            quote! {
                impl From<#ty> for #name {
                    fn from(body: #ty) -> Self {
                        #name::#variant(body)
                    }
                }
            }
        })
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #name {
            #(#variants)*
        }

        #(#from)*
    })
}

/// The payload type of a response, if it has a body.
fn response_type(api: &Api, response: &Response) -> Option<TokenStream> {
    let content = response_content(response)?;
    Some(match content.kind {
        MediaKind::Json => match &content.ty {
            Some(ty) => rust_type::tokens(&api.types, ty),
            None => quote!(::oapi_gen_runtime::Json),
        },
        MediaKind::Text => quote!(String),
        _ => quote!(runtime::bytes::Bytes),
    })
}

/// The `Response` method that decodes a response's body.
fn decode(response: &Response) -> TokenStream {
    match response_content(response).map(|c| c.kind) {
        None => quote!(response.empty()),
        Some(MediaKind::Json) => quote!(response.json()),
        Some(MediaKind::Text) => quote!(response.text()),
        Some(_) => quote!(response.bytes()),
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
fn pattern(status: StatusCode, as_success: bool) -> TokenStream {
    if status == StatusCode::Default && !as_success {
        return quote!(_);
    }
    match success_range(status) {
        (low, high) if low == high => {
            let code = Literal::u16_unsuffixed(low);
            quote!(#code)
        }
        (low, high) => {
            let (low, high) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
            quote!(#low..=#high)
        }
    }
}

/// The decoder of a response by status: `arms` (status, pattern, value) in the order
/// Rust needs (exact codes, then ranges, then `_`), and `fallback` for statuses none
/// of them matches (when no arm is `default`).
fn decoder(
    mut arms: Vec<(StatusCode, TokenStream, TokenStream)>,
    fallback: TokenStream,
) -> TokenStream {
    arms.sort_by_key(|(status, _, _)| match status {
        StatusCode::Code(_) => 0,
        StatusCode::Range(_) => 1,
        StatusCode::Default => 2,
    });
    if !arms
        .iter()
        .any(|(status, _, _)| *status == StatusCode::Default)
    {
        arms.push((StatusCode::Default, quote!(_), fallback));
    }
    match arms.as_slice() {
        [(StatusCode::Default, _, value)] => quote!(|response| #value),
        _ => {
            let arms = arms
                .iter()
                .map(|(_, pattern, value)| quote!(#pattern => #value,));
            quote! {
                |response| match response.status() {
                    #(#arms)*
                }
            }
        }
    }
}

/// The success type of an operation's `send`.
fn success_type(api: &Api, op: &Operation) -> TokenStream {
    if let Some(streaming) = &op.streaming {
        let item = rust_type::tokens(&api.types, &streaming.item);
        return quote!(runtime::ChunkStream<#item>);
    }
    let successes = successes(op);
    let inner = match successes.as_slice() {
        [] => quote!(()),
        [only] => response_type(api, only).unwrap_or_else(|| quote!(())),
        _ => {
            let name = format_ident!("{}", op.type_names.response);
            quote!(#name)
        }
    };
    quote!(runtime::ResponseValue<#inner>)
}

fn style_tokens(style: ParameterStyle) -> TokenStream {
    match style {
        ParameterStyle::Matrix => quote!(runtime::Style::Matrix),
        ParameterStyle::Label => quote!(runtime::Style::Label),
        ParameterStyle::Form => quote!(runtime::Style::Form),
        ParameterStyle::Simple => quote!(runtime::Style::Simple),
        ParameterStyle::SpaceDelimited => quote!(runtime::Style::SpaceDelimited),
        ParameterStyle::PipeDelimited => quote!(runtime::Style::PipeDelimited),
        ParameterStyle::DeepObject => quote!(runtime::Style::DeepObject),
    }
}

fn parameter_doc(p: &Parameter) -> String {
    format!(
        "`{}` ({} parameter){}",
        p.name,
        p.location.as_str(),
        p.description
            .as_deref()
            .map(|d| format!(": {}", d.trim()))
            .unwrap_or_default()
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
        op.request_body
            .as_ref()
            .and_then(|b| b.description.as_deref())
            .map(|d| format!(": {}", d.trim()))
            .unwrap_or_default()
    )
}

/// The `Client` method of one operation.
fn method(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.fn_name);
    let request = format_ident!("{}", op.type_names.input);
    let mut arguments = Vec::new();
    let mut argument_docs = Vec::new();
    let mut fields = Vec::new();
    for p in &op.parameters {
        let field = format_ident!("{}", p.rust_name);
        if is_argument(p) {
            let ty = rust_type::tokens(&api.types, &p.ty);
            arguments.push(quote!(#field: impl Into<#ty>));
            argument_docs.push(format!("- `{}`: {}", p.rust_name, parameter_doc(p)));
            fields.push(quote!(#field: #field.into()));
        } else {
            fields.push(quote!(#field: None));
        }
    }
    if let Some(ty) = request_body_type(api, op) {
        if body_is_argument(op) {
            arguments.push(quote!(body: impl Into<#ty>));
            argument_docs.push(format!("- `body`: {}", body_doc(op)));
            fields.push(quote!(body: body.into()));
        } else {
            fields.push(quote!(body: None));
        }
    }
    let mut notes = Vec::new();
    if !argument_docs.is_empty() {
        notes.push(format!("Arguments:\n{}", argument_docs.join("\n")));
    }
    let doc = docs::attrs(docs::join(Some(&operation_doc(op)), &notes).as_deref());
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#arguments),*) -> #request {
            #request {
                client: self.client.clone(),
                correlation_id: None,
                #(#fields,)*
            }
        }
    }
}

/// The request builder, its `IntoFuture`, and the error and success enums of one
/// operation.
fn operation_items(api: &Api, op: &Operation) -> TokenStream {
    let request = format_ident!("{}", op.type_names.input);
    let error = format_ident!("{}", op.type_names.error);
    let fn_name = &op.fn_name;
    let success = success_type(api, op);

    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &op.parameters {
        let field = format_ident!("{}", p.rust_name);
        let ty = rust_type::tokens(&api.types, &p.ty);
        let doc = docs::attrs(Some(&parameter_doc(p)));
        if is_argument(p) {
            fields.push(quote!(#field: #ty,));
        } else {
            fields.push(quote!(#field: Option<#ty>,));
            setters.push(quote! {
                #doc
                pub fn #field(mut self, value: impl Into<#ty>) -> Self {
                    self.#field = Some(value.into());
                    self
                }
            });
        }
    }
    if let Some(ty) = request_body_type(api, op) {
        if body_is_argument(op) {
            fields.push(quote!(body: #ty,));
        } else {
            let doc = docs::attrs(Some(&body_doc(op)));
            fields.push(quote!(body: Option<#ty>,));
            setters.push(quote! {
                #doc
                pub fn body(mut self, value: impl Into<#ty>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
        }
    }
    let send = send_body(api, op);
    let request_doc = format!(
        " The request of [`Client::{fn_name}`]: set optional inputs with its methods, \
         then `.await` it (or call [`send`]({}::send)).",
        op.type_names.input
    );
    let error_enum = error_enum(api, op);
    let success_enum = success_enum(api, op);
    let body_enum = body_enum(api, op);
    quote! {
        #[doc = #request_doc]
        #[derive(Debug)]
        #[must_use = "a request is sent only when awaited"]
        pub struct #request {
            client: runtime::Client,
            correlation_id: Option<String>,
            #(#fields)*
        }

        impl #request {
            #(#setters)*

            /// Sends `x-correlation-id: id` with the request (the server logs it
            /// and echoes it).
            pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
                self.correlation_id = Some(id.into());
                self
            }

            /// Builds the request; it is sent when the returned future is polled,
            /// which decodes the response by its status.
            pub fn send(self) -> runtime::BoxFuture<'static, Result<#success, runtime::Error<#error>>> {
                #send
            }
        }

        impl ::std::future::IntoFuture for #request {
            type Output = Result<#success, runtime::Error<#error>>;
            type IntoFuture = runtime::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #body_enum
        #error_enum
        #success_enum
    }
}

/// The statement that writes a `body` of one media type into the request.
fn write_body(content: &Content) -> TokenStream {
    let media_type = &content.media_type;
    match content.kind {
        MediaKind::Json => quote!(request.json_body(#media_type, &body)),
        MediaKind::FormUrlEncoded => quote!(request.form_body(#media_type, &body)),
        MediaKind::Multipart => quote!(request.multipart_body(body)),
        MediaKind::Text => quote!(request.text_body(#media_type, body)),
        MediaKind::JsonLines | MediaKind::EventStream | MediaKind::Binary => {
            quote!(request.bytes_body(#media_type, body))
        }
    }
}

/// The body of `send`: describe the request, send it, decode by status.
fn send_body(api: &Api, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method.as_str());
    let mut steps = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(text) => steps.push(quote!(request.path(#text);)),
            PathPart::Param(wire) => {
                let Some(p) = op
                    .parameters
                    .iter()
                    .find(|p| p.location == ParameterLocation::Path && &p.name == wire)
                else {
                    continue;
                };
                let field = format_ident!("{}", p.rust_name);
                let style = style_tokens(p.style);
                let explode = p.explode;
                steps.push(quote!(request.path_param(#wire, #style, #explode, &self.#field);));
            }
        }
    }
    for p in &op.parameters {
        let field = format_ident!("{}", p.rust_name);
        let wire = &p.name;
        let style = style_tokens(p.style);
        let explode = p.explode;
        steps.push(match p.location {
            ParameterLocation::Path => continue,
            ParameterLocation::Query if p.json_content => {
                quote!(request.query_json(#wire, &self.#field);)
            }
            ParameterLocation::Query if p.allow_reserved => {
                quote!(request.query_reserved(#wire, #style, #explode, &self.#field);)
            }
            ParameterLocation::Query => {
                quote!(request.query(#wire, #style, #explode, &self.#field);)
            }
            ParameterLocation::Header => quote!(request.header(#wire, #explode, &self.#field);),
            ParameterLocation::Cookie => quote!(request.cookie(#wire, #explode, &self.#field);),
        });
    }
    let write = match op
        .request_body
        .as_ref()
        .and_then(|b| Some((b, b.enum_name.as_ref()?)))
    {
        Some((body, name)) => {
            let name = format_ident!("{name}");
            let arms = body.contents.iter().map(|c| {
                let variant = format_ident!("{}", c.variant_name);
                let write = write_body(c);
                quote!(#name::#variant(body) => #write,)
            });
            Some(quote!(match body { #(#arms)* }))
        }
        None => request_content(op).map(write_body),
    };
    if let Some(write) = write {
        steps.push(if body_is_argument(op) {
            quote! {
                let body = self.body;
                #write;
            }
        } else {
            quote! {
                if let Some(body) = self.body {
                    #write;
                }
            }
        });
    }

    let error = format_ident!("{}", op.type_names.error);
    let mut arms = Vec::new();
    let successes = successes(op);
    for r in &successes {
        let pattern = pattern(r.status, true);
        let read = decode(r);
        let value = if successes.len() == 1 {
            read
        } else {
            let enum_name = format_ident!("{}", op.type_names.response);
            let variant = format_ident!("{}", r.variant_name);
            let wrap = if response_type(api, r).is_some() {
                quote!(#enum_name::#variant)
            } else {
                quote!(|()| #enum_name::#variant)
            };
            quote!(runtime::declared_success(#read, #wrap))
        };
        // A `default` success matches 2xx only; it is also an error below.
        let order = match r.status {
            StatusCode::Default => StatusCode::Range(2),
            status => status,
        };
        arms.push((order, pattern, value));
    }
    // In a stream's decoder, which sees only the other statuses, arms are errors.
    let wrap_error = |error: TokenStream| match op.streaming {
        Some(_) => error,
        None => quote!(Err(#error)),
    };
    for r in errors(op, &successes) {
        let pattern = pattern(r.status, false);
        let read = decode(r);
        let variant = format_ident!("{}", r.variant_name);
        let wrap = if response_type(api, r).is_some() {
            quote!(#error::#variant)
        } else {
            quote!(|()| #error::#variant)
        };
        let value = wrap_error(quote!(runtime::declared_error(#read, #wrap)));
        arms.push((r.status, pattern, value));
    }
    let decoder = decoder(arms, wrap_error(quote!(response.unexpected())));
    let call = match &op.streaming {
        Some(streaming) => {
            let open = match streaming.format {
                StreamFormat::JsonLines => quote!(runtime::ChunkStream::json_lines),
                StreamFormat::EventStream => quote!(runtime::ChunkStream::event_stream),
            };
            let (low, high) = success_range(streaming.status);
            let (low, high) = (Literal::u16_unsuffixed(low), Literal::u16_unsuffixed(high));
            quote!(runtime::call_stream(request, #low..=#high, #open, #decoder))
        }
        None => quote!(runtime::call(request, #decoder)),
    };
    quote! {
        let mut request = runtime::Request::new(&self.client, runtime::Method::#method);
        #(#steps)*
        request.correlation_id(self.correlation_id.as_deref());
        #call
    }
}

/// The enum of an operation's declared error responses.
fn error_enum(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.type_names.error);
    let successes = successes(op);
    let variants = errors(op, &successes).into_iter().map(|r| {
        let variant = format_ident!("{}", r.variant_name);
        let doc = docs::attrs(Some(&status_doc(r)));
        match response_type(api, r) {
            Some(ty) => quote!(#doc #variant(#ty),),
            None => quote!(#doc #variant,),
        }
    });
    let doc = format!(
        " The declared error responses of [`Client::{}`], decoded; the status and \
         headers are in the [`runtime::ResponseValue`] around it.",
        op.fn_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The enum of an operation's success responses, when it declares several.
fn success_enum(api: &Api, op: &Operation) -> TokenStream {
    let successes = successes(op);
    if successes.len() < 2 {
        return TokenStream::new();
    }
    let name = format_ident!("{}", op.type_names.response);
    let variants = successes.iter().map(|r| {
        let variant = format_ident!("{}", r.variant_name);
        let doc = docs::attrs(Some(&status_doc(r)));
        match response_type(api, r) {
            Some(ty) => quote!(#doc #variant(#ty),),
            None => quote!(#doc #variant,),
        }
    });
    let doc = format!(
        " The declared success responses of [`Client::{}`].",
        op.fn_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}
