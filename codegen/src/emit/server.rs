//! The server emitter: per operation an input struct and a response enum, the `Api`
//! trait with one async method per operation, the OpenAPI document as a constant, and
//! `router()`, which decodes requests with `oapi_gen_server_runtime::Incoming`, encodes
//! the typed responses and serves the docs routes (`api_router()` leaves them out).

use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::operation::{operation_doc, response_content, status_doc};
use super::validation::Validated;
use super::{Node, docs, rust_type};
use crate::ir::{
    Api, Content, MediaKind, Method, Operation, Parameter, ParameterLocation, ParameterStyle,
    Payload, RequestBody, Response, StatusCode, StreamFormat,
};

/// The `server` module: everything that serves the API with axum.
pub fn emit(api: &Api) -> Node<'_> {
    let types = api
        .operations
        .iter()
        .map(|op| Node::Items(operation_types(api, op)));
    let validated = Rc::new(Validated::new(&api.types));
    let handlers = {
        let validated = Rc::clone(&validated);
        api.operations
            .iter()
            .map(move |op| Node::Items(handler(api, &validated, op)))
    };
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
    let title = format!(
        " The `{}` API, served with axum.",
        api.title.replace('`', "'")
    );
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
        api.operations
            .iter()
            .map(|op| Node::Items(trait_method(op))),
    );
    let routers = std::iter::once_with(|| Node::Items(routers(api)));
    let document = std::iter::once_with(|| {
        let document = raw_string(&api.document_json);
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
            .chain(validations)
            .chain(document),
    )
}

/// `router()` and the functions around it.
fn routers(api: &Api) -> TokenStream {
    let paths = paths(api);
    let routes = routes(&paths);
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
            axum::Router::new()
                #routes
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

/// `.route(path, get(h).post(h2))` for every path.
fn routes(paths: &[(&str, Vec<&Operation>)]) -> TokenStream {
    let routes = paths.iter().map(|(path, ops)| {
        let methods = ops.iter().enumerate().map(|(i, op)| {
            let method = method_fn(op.method);
            let handler = format_ident!("{}", op.fn_name);
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
fn parameter_type(api: &Api, p: &Parameter) -> TokenStream {
    let ty = rust_type::tokens(&api.types, &p.ty);
    if p.required || parameter_default(api, p).is_some() {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

/// An expression of the parameter's type for its schema `default`, when the default
/// can be written as a literal of that type.
fn parameter_default(api: &Api, p: &Parameter) -> Option<TokenStream> {
    if p.required {
        return None;
    }
    literal(api, &p.ty, p.default.as_ref()?)
}

/// An expression of type `ty` for the JSON `value`, when it can be written as a
/// literal: booleans, numbers, strings, string enum variants, and arrays or sets of
/// those (`["a","b"]` → `vec!["a".to_owned(), "b".to_owned()]`).
fn literal(api: &Api, ty: &crate::ir::TypeRef, value: &serde_json::Value) -> Option<TokenStream> {
    use crate::ir::{Primitive as P, TypeKind, TypeRef as T};
    use serde_json::Value as V;
    Some(match (ty, value) {
        (T::Primitive(P::Bool), V::Bool(b)) => quote!(#b),
        (T::Primitive(P::I64), V::Number(n)) => {
            let n = n.as_i64()?;
            quote!(#n)
        }
        (T::Primitive(P::I32), V::Number(n)) => {
            let n = i32::try_from(n.as_i64()?).ok()?;
            quote!(#n)
        }
        (T::Primitive(P::U32), V::Number(n)) => {
            let n = u32::try_from(n.as_u64()?).ok()?;
            quote!(#n)
        }
        (T::Primitive(P::U64), V::Number(n)) => {
            let n = n.as_u64()?;
            quote!(#n)
        }
        (T::Primitive(P::F64), V::Number(n)) => {
            let n = n.as_f64()?;
            quote!(#n)
        }
        (T::Primitive(P::String), V::String(text)) => quote!(#text.to_owned()),
        (T::Named(id), V::String(text)) => match &api.types.get(*id).kind {
            TypeKind::StringEnum(e) => {
                let variant = e.variants.iter().find(|v| v.value == *text)?;
                let ty = format_ident!("{}", api.types.get(*id).name);
                let variant = format_ident!("{}", variant.rust_name);
                quote!(#ty::#variant)
            }
            _ => return None,
        },
        (T::Array(item) | T::Set(item), V::Array(values)) => {
            let values = values
                .iter()
                .map(|value| literal(api, item, value))
                .collect::<Option<Vec<_>>>()?;
            match ty {
                T::Set(_) => quote!(::std::collections::BTreeSet::from([#(#values),*])),
                _ => quote!(vec![#(#values),*]),
            }
        }
        _ => return None,
    })
}

/// The Rust type a request body's media type is decoded into.
fn payload_type(api: &Api, content: &Content) -> TokenStream {
    match content.request_payload() {
        Payload::Typed(ty) => rust_type::tokens(&api.types, &ty),
        Payload::AnyJson => quote!(::oapi_gen_runtime::Json),
        Payload::Text => quote!(String),
        Payload::Raw => quote!(runtime::incoming::RawBody),
    }
}

/// The Rust type of a request body: its enum when the media types carry different
/// types, else the type they all carry.
fn body_type(api: &Api, body: &RequestBody) -> Option<TokenStream> {
    match &body.enum_name {
        Some(name) => {
            let name = format_ident!("{name}");
            Some(quote!(#name))
        }
        None => body.contents.first().map(|c| payload_type(api, c)),
    }
}

/// The enum of a request body's media types, when it has one.
fn body_enum(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.request_body.as_ref()?;
    let name = format_ident!("{}", body.enum_name.as_ref()?);
    let doc = format!(
        " The request body of [`Api::{}`], by the media type it was sent as.",
        op.fn_name
    );
    let variants = body.contents.iter().map(|c| {
        let variant = format_ident!("{}", c.variant_name);
        let ty = payload_type(api, c);
        let doc = format!(" `{}`", c.media_type);
        quote! {
            #[doc = #doc]
            #variant(#ty),
        }
    });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #name {
            #(#variants)*
        }
    })
}

/// The call that reads a body of one media type (a `Result<Option<Option<T>>, _>`).
fn read_body(api: &Api, content: &Content, required: bool) -> TokenStream {
    let ty = payload_type(api, content);
    match (content.request_payload(), content.kind) {
        (Payload::Typed(_) | Payload::AnyJson, MediaKind::Json) => {
            let object = content
                .ty
                .as_ref()
                .is_some_and(|ty| is_struct(&api.types, ty));
            quote!(incoming.json_body::<#ty>(#required, #object, &mut errors).await)
        }
        (Payload::Typed(_), MediaKind::FormUrlEncoded) => {
            quote!(incoming.form_body::<#ty>(#required, &mut errors).await)
        }
        (Payload::Typed(_), _) => {
            quote!(incoming.multipart_body::<#ty>(#required, &mut errors).await)
        }
        (Payload::Text, _) => quote!(incoming.text_body(#required, &mut errors).await),
        _ => quote!(incoming.raw_body(#required, &mut errors).await),
    }
}

/// The payload type of a response variant, if it has a body.
fn response_body_type(api: &Api, op: &Operation, response: &Response) -> Option<TokenStream> {
    if let Some(streaming) = &op.streaming
        && streaming.status == response.status
    {
        let item = rust_type::tokens(&api.types, &streaming.item);
        return Some(quote!(runtime::response::ChunkStream<#item>));
    }
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

/// Whether the variant carries its status (ranges and `default`).
fn carries_status(response: &Response) -> bool {
    !matches!(response.status, StatusCode::Code(_))
}

/// The input struct and the response enum of one operation.
fn operation_types(api: &Api, op: &Operation) -> TokenStream {
    let input = format_ident!("{}", op.type_names.input);
    let response = format_ident!("{}", op.type_names.response);
    let input_doc = format!(" The input of [`Api::{}`].", op.fn_name);
    let fields = op.parameters.iter().map(|p| {
        let name = format_ident!("{}", p.rust_name);
        let ty = parameter_type(api, p);
        let default = match (parameter_default(api, p), &p.default) {
            (Some(_), Some(value)) => format!(", `{value}` when absent"),
            _ => String::new(),
        };
        let doc = docs::attrs(Some(&format!(
            "`{}` ({} parameter{default}){}",
            p.name,
            p.location.as_str(),
            p.description
                .as_deref()
                .map(|d| format!(": {}", d.trim()))
                .unwrap_or_default()
        )));
        quote! {
            #doc
            pub #name: #ty,
        }
    });
    let body = op.request_body.as_ref().and_then(|body| {
        let ty = body_type(api, body)?;
        let ty = if body.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        let media_types: Vec<String> = body
            .contents
            .iter()
            .map(|c| format!("`{}`", c.media_type))
            .collect();
        let doc = docs::attrs(Some(&format!(
            "The request body ({}){}",
            media_types.join(", "),
            body.description
                .as_deref()
                .map(|d| format!(": {}", d.trim()))
                .unwrap_or_default()
        )));
        Some(quote! {
            #doc
            pub body: #ty,
        })
    });
    let body_enum = body_enum(api, op);

    let variants = op.responses.iter().map(|r| {
        let ident = format_ident!("{}", r.variant_name);
        let doc = docs::attrs(Some(&status_doc(r)));
        let body = response_body_type(api, op, r);
        if !carries_status(r) && r.headers.is_empty() {
            return match body {
                Some(body) => quote!(#doc #ident(#body),),
                None => quote!(#doc #ident,),
            };
        }
        let status = carries_status(r).then(|| {
            quote! {
                /// The status sent.
                status: runtime::http::StatusCode,
            }
        });
        let body = body.map(|body| {
            quote! {
                /// The body.
                body: #body,
            }
        });
        let headers = r.headers.iter().map(|h| {
            let name = format_ident!("{}", h.rust_name);
            let ty = rust_type::tokens(&api.types, &h.ty);
            let ty = if h.required { ty } else { quote!(Option<#ty>) };
            let doc = docs::attrs(Some(&format!(
                "Header `{}`{}",
                h.name,
                h.description
                    .as_deref()
                    .map(|d| format!(": {}", d.trim()))
                    .unwrap_or_default()
            )));
            quote!(#doc #name: #ty,)
        });
        quote! {
            #doc
            #ident {
                #status
                #body
                #(#headers)*
            },
        }
    });
    let arms = op.responses.iter().map(|r| response_arm(api, op, r));
    let from = from_impl(api, op);
    let response_doc = format!(" The responses of [`Api::{}`].", op.fn_name);
    quote! {
        #[doc = #input_doc]
        #[derive(Debug, Clone)]
        pub struct #input {
            #(#fields)*
            #body
        }

        #body_enum

        #[doc = #response_doc]
        pub enum #response {
            #(#variants)*
        }

        impl axum::response::IntoResponse for #response {
            fn into_response(self) -> axum::response::Response {
                match self {
                    #(#arms)*
                }
            }
        }

        #from
    }
}

/// The `match` arm that writes one response variant.
fn response_arm(api: &Api, op: &Operation, r: &Response) -> TokenStream {
    let response = format_ident!("{}", op.type_names.response);
    let ident = format_ident!("{}", r.variant_name);
    let status = match r.status {
        StatusCode::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(runtime::response::status(#code))
        }
        _ => quote!(status),
    };
    let has_body = response_body_type(api, op, r).is_some();
    let write = if !has_body {
        quote!(runtime::response::empty(#status))
    } else if let Some(streaming) = op.streaming.as_ref().filter(|s| s.status == r.status) {
        match streaming.format {
            StreamFormat::JsonLines => {
                let media_type = &streaming.media_type;
                quote!(runtime::response::json_lines(#status, #media_type, body))
            }
            StreamFormat::EventStream => {
                quote!(runtime::response::event_stream(#status, body))
            }
        }
    } else {
        match response_content(r).map(|c| c.kind) {
            Some(MediaKind::Json) => quote!(runtime::response::json(#status, &body)),
            Some(MediaKind::Text) => quote!(runtime::response::text(#status, body)),
            _ => quote!(runtime::response::binary(#status, body)),
        }
    };
    if !carries_status(r) && r.headers.is_empty() {
        return if has_body {
            quote!(#response::#ident(body) => #write,)
        } else {
            quote!(#response::#ident => #write,)
        };
    }
    let status_binding = carries_status(r).then(|| quote!(status,));
    let body_binding = has_body.then(|| quote!(body,));
    let header_names: Vec<_> = r
        .headers
        .iter()
        .map(|h| format_ident!("{}", h.rust_name))
        .collect();
    let sets = r.headers.iter().map(|h| {
        let name = format_ident!("{}", h.rust_name);
        let wire = h.name.to_ascii_lowercase();
        if h.required {
            quote!(runtime::response::set_header(&mut response, #wire, &#name);)
        } else {
            quote! {
                if let Some(value) = &#name {
                    runtime::response::set_header(&mut response, #wire, value);
                }
            }
        }
    });
    quote! {
        #response::#ident { #status_binding #body_binding #(#header_names,)* } => {
            #[allow(unused_mut)]
            let mut response = #write;
            #(#sets)*
            response
        }
    }
}

/// `impl From<Body> for Response` for the first success variant that is a plain
/// tuple variant, so handlers can write `Ok(item.into())`.
fn from_impl(api: &Api, op: &Operation) -> TokenStream {
    let response = format_ident!("{}", op.type_names.response);
    let candidate = op
        .responses
        .iter()
        .find(|r| r.status.is_success() && !carries_status(r) && r.headers.is_empty());
    let Some(r) = candidate else {
        return TokenStream::new();
    };
    let Some(body) = response_body_type(api, op, r) else {
        return TokenStream::new();
    };
    // Only when no other variant carries the same type, so `into()` is unambiguous.
    let same = op
        .responses
        .iter()
        .filter(|other| {
            response_body_type(api, op, other).map(|t| t.to_string()) == Some(body.to_string())
        })
        .count();
    if same > 1 {
        return TokenStream::new();
    }
    let ident = format_ident!("{}", r.variant_name);
    quote! {
        impl From<#body> for #response {
            fn from(body: #body) -> Self {
                #response::#ident(body)
            }
        }
    }
}

/// The trait method of one operation.
fn trait_method(op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.fn_name);
    let input = format_ident!("{}", op.type_names.input);
    let response = format_ident!("{}", op.type_names.response);
    let doc = docs::attrs(Some(&operation_doc(op)));
    quote! {
        #doc
        fn #name(
            &self,
            context: RequestContext,
            request: #input,
        ) -> impl ::std::future::Future<Output = Result<#response, HandlerError>> + Send;
    }
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

fn style_tokens(style: ParameterStyle) -> TokenStream {
    let variant = format_ident!(
        "{}",
        match style {
            ParameterStyle::Simple => "Simple",
            ParameterStyle::Label => "Label",
            ParameterStyle::Matrix => "Matrix",
            ParameterStyle::Form => "Form",
            ParameterStyle::SpaceDelimited => "SpaceDelimited",
            ParameterStyle::PipeDelimited => "PipeDelimited",
            ParameterStyle::DeepObject => "DeepObject",
        }
    );
    quote!(runtime::param::Style::#variant)
}

/// The axum handler of one operation: decode, validate, call, encode.
fn handler(api: &Api, validated: &Validated, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.fn_name);
    let input = format_ident!("{}", op.type_names.input);
    let mut decode = Vec::new();
    let mut patterns = Vec::new();
    let mut values = Vec::new();
    let mut fields = Vec::new();
    let mut checks = Vec::new();
    for p in &op.parameters {
        let field = format_ident!("{}", p.rust_name);
        let wire = &p.name;
        let ty = rust_type::tokens(&api.types, &p.ty);
        let required = p.required;
        let call = match p.location {
            ParameterLocation::Path
                if matches!(p.style, ParameterStyle::Label | ParameterStyle::Matrix) =>
            {
                let style = style_tokens(p.style);
                let explode = p.explode;
                quote!(incoming.path_styled::<#ty>(#wire, #style, #explode, &mut errors))
            }
            ParameterLocation::Path => quote!(incoming.path::<#ty>(#wire, &mut errors)),
            ParameterLocation::Query if p.json_content => {
                quote!(incoming.query_json::<#ty>(#wire, #required, &mut errors))
            }
            ParameterLocation::Query => {
                let style = style_tokens(p.style);
                let explode = p.explode;
                quote!(incoming.query::<#ty>(#wire, #style, #explode, #required, &mut errors))
            }
            ParameterLocation::Header => {
                quote!(incoming.header::<#ty>(#wire, #required, &mut errors))
            }
            ParameterLocation::Cookie => {
                quote!(incoming.cookie::<#ty>(#wire, #required, &mut errors))
            }
        };
        decode.push(quote!(let #field = #call;));
        patterns.push(if p.location == ParameterLocation::Path || !required {
            quote!(Some(#field))
        } else {
            quote!(Some(Some(#field)))
        });
        values.push(quote!(#field));
        fields.push(match parameter_default(api, p) {
            Some(_)
                if p.default
                    .as_ref()
                    .is_some_and(|d| d.as_array().is_some_and(Vec::is_empty)) =>
            {
                quote!(#field: #field.unwrap_or_default())
            }
            Some(default)
                if matches!(
                    p.ty,
                    crate::ir::TypeRef::Primitive(crate::ir::Primitive::String)
                        | crate::ir::TypeRef::Array(_)
                        | crate::ir::TypeRef::Set(_)
                ) =>
            {
                quote!(#field: #field.unwrap_or_else(|| #default))
            }
            Some(default) => quote!(#field: #field.unwrap_or(#default)),
            None => quote!(#field),
        });
        let value_ty = if required {
            p.ty.clone()
        } else {
            p.ty.clone().optional()
        };
        let check = validated.checks(&api.types, &value_ty, &p.constraints, quote!(&#field));
        if !check.is_empty() {
            let location = p.location.as_str();
            checks.push(quote! {
                let at: &mut Vec<runtime::error::LocItem> = &mut vec![runtime::error::LocItem::key(#location), runtime::error::LocItem::key(#wire)];
                let errors = &mut errors;
                #check
            });
        }
    }
    if let Some(body) = op.request_body.as_ref().filter(|b| !b.contents.is_empty()) {
        let (read, check) = decode_body(api, validated, body);
        decode.push(read);
        let required = body.required;
        patterns.push(if required {
            quote!(Some(Some(body)))
        } else {
            quote!(Some(body))
        });
        values.push(quote!(body));
        fields.push(quote!(body));
        checks.extend(check);
    }
    let checks = (!checks.is_empty()).then(|| {
        quote! {
            #({ #checks })*
            if !errors.is_empty() {
                return runtime::Rejection::from(errors).into_response();
            }
        }
    });
    let validate = if patterns.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            let (#(#patterns,)*) = (#(#values,)*) else {
                return runtime::Rejection::from(errors).into_response();
            };
            #checks
        }
    };
    let errors =
        (!patterns.is_empty()).then(|| quote!(let mut errors = runtime::ValidationErrors::new();));
    let mutability = op
        .request_body
        .as_ref()
        .filter(|b| !b.contents.is_empty())
        .map(|_| quote!(mut));
    quote! {
        async fn #name<A: Api>(
            axum::extract::State(api): axum::extract::State<::std::sync::Arc<A>>,
            request: axum::extract::Request,
        ) -> axum::response::Response {
            let #mutability incoming = runtime::Incoming::new(request).await;
            #errors
            #(#decode)*
            #validate
            let request = #input { #(#fields),* };
            match api.#name(incoming.into_context(), request).await {
                Ok(response) => response.into_response(),
                Err(error) => runtime::error::internal_error(&error),
            }
        }
    }
}

/// The statement that reads a request body, dispatching on its `Content-Type`, and
/// the validation of the decoded value (if its type has constraints).
fn decode_body(
    api: &Api,
    validated: &Validated,
    body: &RequestBody,
) -> (TokenStream, Option<TokenStream>) {
    let required = body.required;
    let media_types = body.contents.iter().map(|c| &c.media_type);
    let enum_name = body.enum_name.as_ref().map(|name| format_ident!("{name}"));
    let arms = body.contents.iter().enumerate().map(|(i, c)| {
        let read = read_body(api, c, required);
        let read = match &enum_name {
            Some(name) => {
                let variant = format_ident!("{}", c.variant_name);
                quote!(runtime::incoming::variant(#read, #name::#variant))
            }
            None => read,
        };
        let i = Literal::usize_unsuffixed(i);
        quote!(Some(#i) => #read,)
    });
    let read = quote! {
        let body = match incoming.media_type(&[#(#media_types),*]) {
            #(#arms)*
            _ => Err(runtime::Rejection::UnsupportedMediaType),
        };
        let body = match body {
            Ok(body) => body,
            Err(rejection) => return rejection.into_response(),
        };
    };
    let typed = |c: &Content| match c.request_payload() {
        Payload::Typed(ty) => Some(ty),
        _ => None,
    };
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
    let check = check.map(|check| {
        quote! {
            let at: &mut Vec<runtime::error::LocItem> = &mut vec![runtime::error::LocItem::key("body")];
            let errors = &mut errors;
            #check
        }
    });
    (read, check)
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
        let tokens = style_tokens(ParameterStyle::DeepObject).to_string();
        assert!(tokens.ends_with("DeepObject"), "{tokens}");
    }
}
