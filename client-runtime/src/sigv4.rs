//! AWS Signature Version 4 signing of requests, for APIs behind API Gateway
//! (`execute-api`) or Lambda function URLs (`lambda`) with IAM authorization.
//!
//! [`SigV4`] is an [`Authorize`]r: it runs on the final request just before it is
//! sent and adds `authorization`, `x-amz-date`, `x-amz-content-sha256` and, with
//! temporary credentials, `x-amz-security-token`. The signing itself is the AWS SDK's
//! own signer (`aws-sigv4`); this module chooses its settings and feeds it the
//! request as it will go on the wire.
//!
//! # What is signed, and what it was checked against
//!
//! The canonical request is the one botocore's `SigV4Auth` (the signer of the AWS CLI
//! and boto3) builds for non-S3 services; the test suite compares every header this
//! signer adds with botocore's on a few hundred generated requests, and checks it on
//! AWS's published SigV4 test vectors:
//!
//! - **path**: dot segments and empty segments (`//`) are removed, then the path *as
//!   sent* (already percent-encoded by the client) is percent-encoded once more,
//!   everything but `A-Z a-z 0-9 - . _ ~ /` (so `%2F` is signed as `%252F`: the
//!   "double encoding" API Gateway and Lambda expect);
//! - **query**: names and values are decoded, percent-encoded again (everything but
//!   `A-Z a-z 0-9 - . _ ~`, upper-case hex) and sorted by name then value, as AWS
//!   canonicalizes the query it receives. The client already sends most queries that
//!   way; the characters it leaves unencoded (the `,` of form-style arrays,
//!   `allowReserved` values) are signed encoded. botocore signs a query like this when
//!   given its parameters, which is how the tests call it (given a whole URL, it signs
//!   the query as written, which API Gateway rejects for those characters);
//! - **headers**: every header of the request but those proxies may change
//!   (`user-agent`, `x-amzn-trace-id`, `connection`, `expect`, `transfer-encoding`,
//!   …, the same list as botocore), plus `host` (from the URL, without a default
//!   port), `x-amz-date`, `x-amz-content-sha256` and `x-amz-security-token`; values
//!   are trimmed and runs of white space become one space;
//! - **payload**: the SHA-256 of the body, sent as `x-amz-content-sha256`; a body that
//!   is a stream (a multipart form) is not read and is sent as `UNSIGNED-PAYLOAD`.

use std::fmt;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{
    PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderName, HeaderValue};

use crate::client::{Authorize, BoxFuture};
use crate::error::BoxError;

/// Headers left out of the signature because proxies and HTTP clients may add,
/// change or drop them on the way (botocore's list, plus `authorization`, which
/// carries the signature).
const UNSIGNED_HEADERS: [&str; 15] = [
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Signs every request with AWS Signature Version 4.
///
/// The service and region are inferred from the host of each request's URL:
/// `execute-api` for `<id>.execute-api.<region>.amazonaws.com` (also `.com.cn` and
/// private `vpce` endpoints) and `lambda` for `<id>.lambda-url.<region>.on.aws`. A
/// custom domain needs both set with [`service`](Self::service) and
/// [`region`](Self::region); without them, a request to a host that tells neither
/// fails with [`SigV4Error::Scope`] before it is sent.
///
/// ```
/// use oapi_gen_client_runtime::{Client, ClientBuilder, SigV4};
///
/// let signer = SigV4::from_keys("AKIDEXAMPLE", "secret", None);
/// let client: Client = ClientBuilder::new("https://abc123.execute-api.eu-west-1.amazonaws.com/prod")
///     .sigv4(signer)
///     .build()?;
/// # Ok::<(), oapi_gen_client_runtime::BuildError>(())
/// ```
#[derive(Clone)]
pub struct SigV4 {
    credentials: SharedCredentialsProvider,
    service: Option<String>,
    region: Option<String>,
    settings: SigningSettings,
}

impl SigV4 {
    /// Signs with credentials from `credentials`, asked for each request so that
    /// temporary credentials are refreshed: any [`ProvideCredentials`] (a provider of
    /// the AWS SDK, a [`SharedCredentialsProvider`], or fixed [`Credentials`]).
    pub fn new(credentials: impl ProvideCredentials + 'static) -> Self {
        let mut settings = SigningSettings::default();
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        settings.excluded_headers = Some(UNSIGNED_HEADERS.iter().map(|&h| h.into()).collect());
        SigV4 {
            credentials: SharedCredentialsProvider::new(credentials),
            service: None,
            region: None,
            settings,
        }
    }

    /// Signs with fixed credentials: an access key id, its secret, and the session
    /// token that comes with temporary credentials.
    pub fn from_keys(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        SigV4::new(Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
            None,
            "oapi-gen-static",
        ))
    }

    /// Signs with credentials from the standard AWS chain (environment variables,
    /// shared config and credentials files with their profiles and SSO, web identity,
    /// ECS and EC2 instance metadata), as the AWS SDK and CLI find them.
    #[cfg(feature = "aws-config")]
    pub async fn from_default_chain() -> Result<Self, SigV4Error> {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        let credentials = config
            .credentials_provider()
            .ok_or(SigV4Error::NoCredentialsProvider)?;
        Ok(SigV4::new(credentials))
    }

    /// Signs for `service` (the signing name, such as `execute-api` or `lambda`)
    /// whatever the URL.
    pub fn service(mut self, service: impl Into<String>) -> Self {
        self.service = Some(service.into());
        self
    }

    /// Signs for `region` (such as `eu-west-1`) whatever the URL.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Signs `request` with `credentials` as made at `time`: sets `authorization`,
    /// `x-amz-date`, `x-amz-content-sha256` and, with a session token,
    /// `x-amz-security-token`.
    ///
    /// As an [`Authorize`]r, `SigV4` calls this with fresh credentials and the
    /// current time. Calling it directly is for signing with a given time: tests that
    /// compare signatures, or a clock known to be off (AWS rejects a signature made
    /// more than five minutes away from its own clock).
    pub fn sign(
        &self,
        request: &mut reqwest::Request,
        credentials: &Credentials,
        time: SystemTime,
    ) -> Result<(), SigV4Error> {
        let url = request.url();
        let host_name = url.host_str().unwrap_or_default();
        let (service, region) = self.scope(host_name)?;
        // What hyper sends as `host`: the URL's host and its port unless the default.
        let host = match url.port() {
            Some(port) => format!("{host_name}:{port}"),
            None => host_name.to_owned(),
        };
        let mut headers = Vec::with_capacity(request.headers().len() + 1);
        for (name, value) in request.headers() {
            let value = std::str::from_utf8(value.as_bytes())
                .map_err(|_| SigV4Error::HeaderValue(name.to_string()))?;
            headers.push((name.as_str(), collapse_white_space(value)));
        }
        if !request.headers().contains_key(http::header::HOST) {
            headers.push(("host", host.as_str().into()));
        }
        let body = match request.body() {
            None => SignableBody::Bytes(&[]),
            Some(body) => match body.as_bytes() {
                Some(bytes) => SignableBody::Bytes(bytes),
                None => SignableBody::UnsignedPayload,
            },
        };
        let signable = SignableRequest::new(
            request.method().as_str(),
            url.as_str(),
            headers.iter().map(|(name, value)| (*name, value.as_ref())),
            body,
        )
        .map_err(|error| SigV4Error::Signing(error.into()))?;
        let identity = Identity::from(credentials.clone());
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(service)
            .time(time)
            .settings(self.settings.clone())
            .build()
            .map_err(|error| SigV4Error::Signing(error.into()))?
            .into();
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|error| SigV4Error::Signing(error.into()))?
            .into_parts();
        let (new_headers, _params) = instructions.into_parts();
        for header in new_headers {
            let name = HeaderName::from_static(header.name());
            let mut value = HeaderValue::try_from(header.value())
                .map_err(|_| SigV4Error::HeaderValue(name.to_string()))?;
            value.set_sensitive(header.sensitive());
            request.headers_mut().insert(name, value);
        }
        Ok(())
    }

    /// The signing name and region for a request to `host`: the overrides, else what
    /// the host tells.
    fn scope<'a>(&'a self, host: &'a str) -> Result<(&'a str, &'a str), SigV4Error> {
        let inferred = infer_scope(host);
        let missing = |what| SigV4Error::Scope {
            host: host.to_owned(),
            missing: what,
        };
        let service = match (&self.service, inferred) {
            (Some(service), _) => service.as_str(),
            (None, Some((service, _))) => service,
            (None, None) => return Err(missing("service")),
        };
        let region = match (&self.region, inferred) {
            (Some(region), _) => region.as_str(),
            (None, Some((_, region))) => region,
            (None, None) => return Err(missing("region")),
        };
        Ok((service, region))
    }
}

impl Authorize for SigV4 {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let credentials = self
                .credentials
                .provide_credentials()
                .await
                .map_err(SigV4Error::Credentials)?;
            self.sign(request, &credentials, SystemTime::now())?;
            Ok(())
        })
    }
}

impl fmt::Debug for SigV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4")
            .field("service", &self.service)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Why a request could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SigV4Error {
    /// The service or region is neither set nor inferable from the host.
    #[error(
        "cannot infer the SigV4 {missing} from the host `{host}` (only \
         `*.execute-api.<region>.amazonaws.com` and `*.lambda-url.<region>.on.aws` are \
         recognised): set it with `SigV4::{missing}`"
    )]
    Scope {
        /// The host of the request.
        host: String,
        /// `service` or `region`.
        missing: &'static str,
    },
    /// The credentials provider failed.
    #[error("no AWS credentials to sign the request with")]
    Credentials(#[source] CredentialsError),
    /// A header value is not UTF-8 text, so it cannot be part of a signature.
    #[error("the value of header `{0}` cannot be signed: it is not UTF-8 text")]
    HeaderValue(String),
    /// The signer rejected the request or the settings.
    #[error("SigV4 signing failed")]
    Signing(#[source] BoxError),
    /// The standard AWS chain gave no credentials provider.
    #[cfg(feature = "aws-config")]
    #[error("the default AWS credentials chain has no credentials provider")]
    NoCredentialsProvider,
}

/// The signing name and region of an AWS endpoint host, if it is one of an API
/// Gateway API or a Lambda function URL.
fn infer_scope(host: &str) -> Option<(&'static str, &str)> {
    let (service, rest) = if let Some(rest) = host.strip_suffix(".on.aws") {
        ("lambda", rest)
    } else {
        let rest = [".vpce.amazonaws.com", ".amazonaws.com", ".amazonaws.com.cn"]
            .iter()
            .find_map(|suffix| host.strip_suffix(suffix))?;
        ("execute-api", rest)
    };
    let label = if service == "lambda" {
        ".lambda-url"
    } else {
        ".execute-api"
    };
    let (prefix, region) = rest.rsplit_once('.')?;
    let id = prefix.strip_suffix(label)?;
    let valid_region = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (valid_region && !id.is_empty()).then_some((service, region))
}

/// `value` trimmed, with every run of white space made one space, as botocore
/// canonicalizes header values (the signer itself only collapses spaces).
fn collapse_white_space(value: &str) -> std::borrow::Cow<'_, str> {
    if value.chars().any(|c| c.is_whitespace() && c != ' ') {
        value
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .into()
    } else {
        value.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_inferred_from_aws_hosts() {
        assert_eq!(
            infer_scope("abc123.execute-api.eu-west-1.amazonaws.com"),
            Some(("execute-api", "eu-west-1"))
        );
        assert_eq!(
            infer_scope("abc123.execute-api.cn-north-1.amazonaws.com.cn"),
            Some(("execute-api", "cn-north-1"))
        );
        assert_eq!(
            infer_scope("abc-vpce-1.execute-api.us-east-1.vpce.amazonaws.com"),
            Some(("execute-api", "us-east-1"))
        );
        assert_eq!(
            infer_scope("xyz.lambda-url.ap-southeast-2.on.aws"),
            Some(("lambda", "ap-southeast-2"))
        );
        assert_eq!(infer_scope("api.example.com"), None);
        assert_eq!(infer_scope("execute-api.eu-west-1.amazonaws.com"), None);
        assert_eq!(infer_scope("s3.eu-west-1.amazonaws.com"), None);
        assert_eq!(infer_scope("x.lambda-url.on.aws"), None);
        assert_eq!(infer_scope("127.0.0.1"), None);
    }

    #[test]
    fn overrides_win_and_missing_parts_are_named() {
        let signer = SigV4::from_keys("AKID", "secret", None);
        let lambda = "xyz.lambda-url.eu-west-1.on.aws";
        assert_eq!(signer.scope(lambda).unwrap(), ("lambda", "eu-west-1"));
        let custom = signer.clone().region("us-east-2");
        assert_eq!(custom.scope(lambda).unwrap(), ("lambda", "us-east-2"));
        let error = custom.scope("api.example.com").unwrap_err().to_string();
        assert!(error.contains("SigV4 service"), "{error}");
        assert!(error.contains("`api.example.com`"), "{error}");
        let both = custom.service("execute-api");
        assert_eq!(
            both.scope("api.example.com").unwrap(),
            ("execute-api", "us-east-2")
        );
        let error = SigV4::from_keys("AKID", "secret", None)
            .service("execute-api")
            .scope("api.example.com")
            .unwrap_err()
            .to_string();
        assert!(error.contains("SigV4::region"), "{error}");
    }

    #[test]
    fn white_space_runs_become_one_space() {
        assert_eq!(collapse_white_space("a  b"), "a  b");
        assert_eq!(collapse_white_space(" a\t\tb \t"), "a b");
    }
}
