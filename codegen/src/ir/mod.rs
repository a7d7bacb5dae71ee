//! The intermediate representation: a parser-independent model of an API.
//!
//! Lowering builds it from an OpenAPI document; emitters read nothing else. Every name
//! in it is already a unique, valid Rust identifier (`*_name` fields, and
//! [`TypeDef::name`]); the original spelling is kept beside it for the wire.

mod types;

pub use types::*;

use serde_json::Value;

use crate::diagnostics::Location;

/// A whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`, verbatim (not necessarily semver).
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The `openapi` version string of the document.
    pub openapi_version: String,
    /// `servers`, in document order.
    pub servers: Vec<Server>,
    /// Every operation, in document order (paths, then methods in the order of
    /// [`Method::ALL`]).
    pub operations: Vec<Operation>,
    /// Every named type the API needs, models and inline schemas alike.
    pub types: TypeSpace,
    /// `components.securitySchemes`, in document order.
    pub security_schemes: Vec<SecurityScheme>,
    /// The entry document as loaded, as compact JSON (keys in document order), which
    /// generated servers serve at `/openapi.json`.
    ///
    /// Only the entry file: `$ref`s into other files are kept as written, not bundled,
    /// so a viewer of a multi-file document fails to resolve them.
    pub document_json: String,
}

/// One entry of `servers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Server {
    /// The URL template.
    pub url: String,
    /// Its description.
    pub description: Option<String>,
}

/// An HTTP method an operation is declared under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl Method {
    /// Every method, in the order the OpenAPI specification lists path item fields.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The lowercase key of this method in a path item.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The uppercase HTTP method name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One operation: a method on a path.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The `operationId`, or the one derived from method and path when it is missing.
    pub operation_id: String,
    /// The snake_case Rust name of the operation's method (client and server trait).
    pub fn_name: String,
    /// Names of the per-operation types emitters generate; unique among all types.
    pub type_names: OperationTypeNames,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: PathTemplate,
    /// The query string the path key holds (`/rest?method=x`), in order: not valid
    /// OpenAPI, but used to tell operations of one path apart. The client sends its
    /// fixed values; the server routes by them.
    pub path_query: Vec<PathQuery>,
    /// For the first of several operations with one path and method (told apart by
    /// their [`path_query`](Operation::path_query)): the name of the server function
    /// that routes a request to one of them.
    pub dispatcher: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// The security requirements in force (the operation's own, else the document's).
    /// Empty means no authentication; a requirement with no schemes means anonymous
    /// access is one of the alternatives.
    pub security: Vec<SecurityRequirement>,
    /// Path-item and operation parameters merged, in declaration order.
    pub parameters: Vec<Parameter>,
    /// The request body.
    pub request_body: Option<RequestBody>,
    /// Responses in document order.
    pub responses: Vec<Response>,
    /// Set when the operation streams its successful response.
    pub streaming: Option<Streaming>,
    /// Where the operation is declared.
    pub location: Location,
}

/// The names of types generated per operation, reserved in the shared type namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationTypeNames {
    /// The operation's name in UpperCamelCase, the base of the names below.
    pub base: String,
    /// The struct of all inputs (parameters and body).
    pub input: String,
    /// The enum of all declared responses.
    pub response: String,
    /// The enum of declared error responses (client side).
    pub error: String,
}

/// One `name=value` of the query string of a path key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathQuery {
    /// The parameter name, decoded.
    pub name: String,
    /// The fixed value, decoded; `None` for a `{parameter}` placeholder (the value is
    /// a query parameter's).
    pub value: Option<String>,
    /// The name inside the `{parameter}` placeholder of the value, if it is one.
    pub parameter: Option<String>,
}

/// A path template such as `/pets/{petId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The template as written.
    pub template: String,
    /// The template split into literal text and parameters.
    pub parts: Vec<PathPart>,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, slashes included.
    Literal(String),
    /// A `{name}` placeholder, by parameter wire name.
    Param(String),
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParameterLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

impl ParameterLocation {
    /// The `in` value of the OpenAPI document.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

/// How a parameter value is serialised (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterStyle {
    /// `matrix` (path).
    Matrix,
    /// `label` (path).
    Label,
    /// `form` (query, cookie).
    Form,
    /// `simple` (path, header).
    Simple,
    /// `spaceDelimited` (query arrays).
    SpaceDelimited,
    /// `pipeDelimited` (query arrays).
    PipeDelimited,
    /// `deepObject` (query objects).
    DeepObject,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The Rust field / argument name, unique within the operation's inputs.
    pub rust_name: String,
    /// The name of the local a generated server handler decodes it into:
    /// `rust_name`, unless that is a name the handler itself binds.
    pub local_name: String,
    /// Where it travels.
    pub location: ParameterLocation,
    /// The serialisation style (defaulted per location when not given).
    pub style: ParameterStyle,
    /// `explode` (defaulted per style when not given).
    pub explode: bool,
    /// Whether the parameter must be present.
    pub required: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `allowReserved`.
    pub allow_reserved: bool,
    /// `description`.
    pub description: Option<String>,
    /// The value type, without the `Option` of an optional parameter.
    pub ty: TypeRef,
    /// Constraints to validate the value against.
    pub constraints: Constraints,
    /// The schema's `default`, which an absent optional parameter takes.
    pub default: Option<Value>,
    /// Set when the value is JSON text (`content: {application/json: …}`) rather
    /// than a styled value.
    pub json_content: bool,
    /// Where it is declared.
    pub location_in_spec: Location,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Whether a body must be sent.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// One entry per declared media type, in document order.
    pub contents: Vec<Content>,
    /// The name of the per-operation enum with one variant per media type (named by
    /// [`Content::variant_name`]), set when the media types carry payloads of
    /// different types; when they all carry the same type the body is that type.
    pub enum_name: Option<String>,
}

/// The Rust payload type a body's media type is decoded into, as far as telling
/// whether several media types carry the same type.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// A typed value: JSON, form and multipart with a schema.
    Typed(TypeRef),
    /// Any JSON value: JSON without a schema.
    AnyJson,
    /// Text: `text/*` and XML.
    Text,
    /// Bytes with their media type: binary, and forms and multipart without a schema.
    Raw,
}

impl Content {
    /// What a request body of this media type is decoded into.
    pub fn request_payload(&self) -> Payload {
        match (self.kind, &self.ty) {
            (MediaKind::Json | MediaKind::FormUrlEncoded | MediaKind::Multipart, Some(ty)) => {
                Payload::Typed(ty.clone())
            }
            (MediaKind::Json, None) => Payload::AnyJson,
            (MediaKind::Text, _) => Payload::Text,
            _ => Payload::Raw,
        }
    }
}

/// What a media type's payload is, as far as (de)serialisation is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// `application/json` and `*/*+json`.
    Json,
    /// JSON Lines: `application/jsonl`, `application/x-ndjson`.
    JsonLines,
    /// Server-sent events: `text/event-stream`.
    EventStream,
    /// `application/x-www-form-urlencoded`.
    FormUrlEncoded,
    /// `multipart/*`.
    Multipart,
    /// `text/*` other than event streams, and XML: carried as a string.
    Text,
    /// Anything else: carried as bytes.
    Binary,
}

/// One media type of a body.
#[derive(Debug, Clone)]
pub struct Content {
    /// The media type as declared (may contain wildcards and parameters).
    pub media_type: String,
    /// How it is (de)serialised.
    pub kind: MediaKind,
    /// The payload type (for streams, the type of one item). `None` when no schema is
    /// given, in which case JSON payloads are untyped and others are raw.
    pub ty: Option<TypeRef>,
    /// An UpperCamel name for this media type, unique within its body or response.
    pub variant_name: String,
}

/// A response status key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusCode {
    /// An exact status code.
    Code(u16),
    /// A range such as `2XX`, by its first digit.
    Range(u8),
    /// `default`: any status not declared otherwise.
    Default,
}

impl StatusCode {
    /// Whether this status denotes success (2xx).
    pub fn is_success(self) -> bool {
        match self {
            StatusCode::Code(code) => (200..300).contains(&code),
            StatusCode::Range(digit) => digit == 2,
            StatusCode::Default => false,
        }
    }
}

/// One declared response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Its status key.
    pub status: StatusCode,
    /// An UpperCamel name (`Ok`, `NotFound`, `Status2xx`, `Default`), unique within the
    /// operation.
    pub variant_name: String,
    /// `description`.
    pub description: Option<String>,
    /// Declared headers, in document order.
    pub headers: Vec<ResponseHeader>,
    /// One entry per media type, in document order.
    pub contents: Vec<Content>,
}

/// A declared response header.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// The header name on the wire.
    pub name: String,
    /// A snake_case name unique within the response.
    pub rust_name: String,
    /// Whether the header is always present.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// The value type.
    pub ty: TypeRef,
}

/// How an operation streams its successful response.
#[derive(Debug, Clone)]
pub struct Streaming {
    /// The status of the streamed response.
    pub status: StatusCode,
    /// The wire format of the stream.
    pub format: StreamFormat,
    /// The media type the stream is served with.
    pub media_type: String,
    /// The type of one chunk.
    pub item: TypeRef,
    /// What marked the operation as streaming.
    pub marker: StreamMarker,
}

/// The framing of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// One JSON value per line.
    JsonLines,
    /// Server-sent events whose `data` is one JSON value each.
    EventStream,
}

/// What made an operation streaming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamMarker {
    /// A streaming media type on a 2xx response.
    MediaType,
    /// The `x-streaming: true` extension (the chunk is the 200 response's schema).
    Extension,
}

/// One alternative of a security requirement: all its schemes apply together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// `(scheme name, scopes)` pairs.
    pub schemes: Vec<(String, Vec<String>)>,
}

/// A declared security scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// Its key in `components.securitySchemes`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// What kind of scheme it is.
    pub kind: SecuritySchemeKind,
    /// Vendor extensions (`x-…`) of the scheme, such as API Gateway's
    /// `x-amazon-apigateway-authtype`.
    pub extensions: Vec<(String, Value)>,
}

/// The kinds of security scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecuritySchemeKind {
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key travels.
        location: ParameterLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// HTTP authentication (`bearer`, `basic`, …).
    Http {
        /// The scheme, lowercase.
        scheme: String,
        /// `bearerFormat`.
        bearer_format: Option<String>,
    },
    /// OAuth 2.
    OAuth2,
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// `openIdConnectUrl`.
        url: String,
    },
    /// Mutual TLS.
    MutualTls,
}
