//! What a handler knows about its request besides its typed input.

use http::{Extensions, HeaderMap, Method, Uri};

use crate::correlation::CorrelationId;
use crate::observability::Metrics;

/// The handle of requests without metrics.
static DISABLED_METRICS: Metrics = Metrics::disabled();

/// The header that carries a request's correlation id, in and out.
pub const CORRELATION_ID_HEADER: &str = crate::correlation::HEADER;

/// The request context passed to every handler.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The correlation id: the `x-correlation-id` header, else the Lambda request id,
    /// else a new UUID (the same one the response carries when the router has the
    /// [correlation layer](crate::correlation::layer)). It derefs to `&str`.
    pub correlation_id: CorrelationId,
    /// The request method.
    pub method: Method,
    /// The URI as requested (its [`path`](RequestContext::path) is not the route
    /// template).
    pub uri: Uri,
    /// All request headers.
    pub headers: HeaderMap,
    /// Request extensions set by middleware (authentication results, Lambda context, …).
    pub extensions: Extensions,
}

impl RequestContext {
    /// The context of a request with these parts (taken, not copied).
    pub fn new(parts: http::request::Parts) -> Self {
        let correlation_id = match parts.extensions.get::<CorrelationId>() {
            Some(id) => id.clone(),
            None => CorrelationId::from_request(&parts.headers, &parts.extensions),
        };
        RequestContext {
            correlation_id,
            uri: parts.uri,
            method: parts.method,
            headers: parts.headers,
            extensions: parts.extensions,
        }
    }

    /// The path as requested (`/items/7`, not the route template).
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// Who called, when API Gateway or a Function URL authenticated the caller
    /// (IAM, Cognito or another JWT issuer, a Lambda authorizer); `None` elsewhere.
    pub fn identity(&self) -> Option<&CallerIdentity> {
        self.extensions.get()
    }

    /// The Lambda invocation serving this request; `None` when not running on Lambda.
    pub fn lambda(&self) -> Option<&LambdaInvocation> {
        self.extensions.get()
    }

    /// This request's CloudWatch metrics: what is added is written with the request's
    /// own metrics when it ends. Without the [request
    /// layer](crate::observability::layer) (or with metrics disabled) the handle
    /// ignores everything.
    pub fn metrics(&self) -> &Metrics {
        self.extensions.get().unwrap_or(&DISABLED_METRICS)
    }
}

/// The caller of a request as established by API Gateway or a Lambda Function URL
/// before the request reached the function (a request extension).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CallerIdentity {
    /// A caller that signed the request with AWS credentials (SigV4, `AWS_IAM` auth).
    Iam(IamCaller),
    /// A caller with a token a JWT or Cognito user pool authorizer accepted.
    Jwt(JwtCaller),
    /// The context a Lambda authorizer returned.
    Authorizer(serde_json::Map<String, serde_json::Value>),
}

/// An IAM caller, from the request context's `authorizer.iam` (HTTP API, Function
/// URL) or `identity` (REST API).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IamCaller {
    /// The caller's ARN (`arn:aws:iam::123456789012:user/alice`, or an assumed role's
    /// session ARN).
    pub user_arn: Option<String>,
    /// The caller's account.
    pub account_id: Option<String>,
    /// The caller's principal id (`AIDA…`, or `AROA…:session`).
    pub caller_id: Option<String>,
    /// The access key the request was signed with.
    pub access_key: Option<String>,
    /// The caller's AWS Organizations id, when it has one.
    pub principal_org_id: Option<String>,
}

/// A caller authenticated by a JWT (Cognito user pool or other issuer).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct JwtCaller {
    /// The token's claims (`sub`, `email`, `cognito:groups`, …) as API Gateway passed
    /// them on.
    pub claims: serde_json::Map<String, serde_json::Value>,
    /// The token's scopes, when the authorizer reported them.
    pub scopes: Vec<String>,
}

impl JwtCaller {
    /// A claim as text (`sub`, `email`, `cognito:username`, …), when it is a string.
    pub fn claim(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(serde_json::Value::as_str)
    }
}

/// The Lambda invocation serving a request (a request extension the Lambda entry
/// point sets; its keys appear on every log line of the request).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LambdaInvocation {
    /// The invocation's request id (`function_request_id` in logs; the correlation id
    /// when the request has no `x-correlation-id`).
    pub request_id: String,
    /// The function's name.
    pub function_name: String,
    /// The function's version (`$LATEST` or a number).
    pub function_version: String,
    /// The ARN the function was invoked with.
    pub function_arn: String,
    /// The function's memory in MB.
    pub memory_size_mb: u32,
    /// The invocation's X-Ray trace header (`Root=…;Parent=…;Sampled=…`), when tracing.
    pub xray_trace_header: Option<String>,
    /// When the invocation times out, in milliseconds since the Unix epoch.
    pub deadline_ms: u64,
    /// Whether this is the first invocation of a new execution environment (a cold
    /// start; `false` for environments initialised by provisioned concurrency).
    pub cold_start: bool,
}

impl LambdaInvocation {
    /// An invocation with this request id and function; the other fields can be set
    /// one by one.
    pub fn new(request_id: impl Into<String>, function_name: impl Into<String>) -> Self {
        LambdaInvocation {
            request_id: request_id.into(),
            function_name: function_name.into(),
            ..LambdaInvocation::default()
        }
    }
}
