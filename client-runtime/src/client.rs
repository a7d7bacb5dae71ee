//! The shared part of every generated client: base URL, HTTP client, default headers,
//! request authorization and hooks.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::BoxError;

/// A boxed, sendable future, the return type of the pluggable parts.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Authorizes each request just before it is sent: adds a bearer token, signs it
/// with SigV4, … It runs after the request hooks, so it sees the final request.
pub trait Authorize: Send + Sync + 'static {
    /// Adds the authorization to `request`.
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// Supplies bearer tokens (for example a Cognito id token, refreshed when needed).
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>>;
}

impl TokenProvider for String {
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        Box::pin(async move { Ok(self.clone()) })
    }
}

/// Sends `Authorization: Bearer <token>` with a token from a [`TokenProvider`].
pub struct BearerToken<P>(pub P);

impl<P: TokenProvider> Authorize for BearerToken<P> {
    fn authorize<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let token = self.0.token().await?;
            let mut value = HeaderValue::try_from(format!("Bearer {token}"))?;
            value.set_sensitive(true);
            request
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
            Ok(())
        })
    }
}

/// A function that may modify every request before it is authorized and sent.
pub type Hook = Arc<dyn Fn(&mut reqwest::Request) -> Result<(), BoxError> + Send + Sync>;

/// What a generated client holds: cheap to clone (one reference count).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    pub(crate) default_headers: HeaderMap,
    pub(crate) authorizer: Option<Arc<dyn Authorize>>,
    pub(crate) hooks: Vec<Hook>,
}

impl Client {
    /// A client of the service at `base_url` with default settings.
    pub fn new(base_url: &str) -> Result<Client, BuildError> {
        ClientBuilder::<Client>::new(base_url).build()
    }

    /// The base URL requests are made against (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The underlying HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("authorized", &self.inner.authorizer.is_some())
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL without query or
    /// fragment.
    #[error("invalid base URL `{url}`: {message}")]
    BaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        message: String,
    },
    /// A default header has an invalid name or value.
    #[error("invalid default header `{0}`")]
    Header(String),
    /// The HTTP client could not be built (TLS backend initialisation).
    #[error("the HTTP client could not be built")]
    Http(#[from] reqwest::Error),
}

/// Settings of a client; `C` is the (generated) client type it builds.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C = Client> {
    base_url: String,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    default_headers: HeaderMap,
    authorizer: Option<Arc<dyn Authorize>>,
    hooks: Vec<Hook>,
    error: Option<BuildError>,
    client: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Settings for the service at `base_url` (for example
    /// `https://abc.execute-api.eu-west-1.amazonaws.com/prod`).
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientBuilder {
            base_url: base_url.into(),
            http: None,
            timeout: None,
            connect_timeout: None,
            default_headers: HeaderMap::new(),
            authorizer: None,
            hooks: Vec::new(),
            error: None,
            client: PhantomData,
        }
    }

    /// Uses this HTTP client (its own timeouts and headers apply) instead of a new
    /// one; [`timeout`](Self::timeout) and [`connect_timeout`](Self::connect_timeout)
    /// are then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A total timeout per request (streams included).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A timeout for establishing connections.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.default_headers.append(name, value);
            }
            _ => {
                self.error
                    .get_or_insert(BuildError::Header(name.to_owned()));
            }
        }
        self
    }

    /// Authorizes every request with `authorizer` (SigV4, a custom scheme). Replaces
    /// any previous authorizer or bearer token.
    pub fn authorizer(mut self, authorizer: impl Authorize) -> Self {
        self.authorizer = Some(Arc::new(authorizer));
        self
    }

    /// Signs every request with AWS SigV4 (API Gateway or Lambda function URL with
    /// IAM authorization). Replaces any previous authorizer or bearer token.
    #[cfg(feature = "sigv4")]
    pub fn sigv4(self, signer: crate::sigv4::SigV4) -> Self {
        self.authorizer(signer)
    }

    /// Sends `Authorization: Bearer <token>` with every request.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.authorizer(BearerToken(token.into()))
    }

    /// Sends `Authorization: Bearer <token>` with a token fetched from `provider`
    /// for each request (so it can be refreshed).
    pub fn bearer_token_provider(self, provider: impl TokenProvider) -> Self {
        self.authorizer(BearerToken(provider))
    }

    /// Calls `hook` on every request before it is authorized and sent; hooks run in
    /// the order they were added.
    pub fn hook(
        mut self,
        hook: impl Fn(&mut reqwest::Request) -> Result<(), BoxError> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let base_url = normalize_base_url(&self.base_url)?;
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.timeout {
                    builder = builder.timeout(timeout);
                }
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build()?
            }
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                base_url,
                http,
                default_headers: self.default_headers,
                authorizer: self.authorizer,
                hooks: self.hooks,
            }),
        }))
    }
}

/// Checks a base URL and drops its trailing `/`, so that paths (which start with
/// `/`) are appended to it, keeping any path prefix such as an API Gateway stage.
fn normalize_base_url(url: &str) -> Result<String, BuildError> {
    let error = |message: &str| BuildError::BaseUrl {
        url: url.to_owned(),
        message: message.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| error(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(error("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(error("a base URL has no query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_keep_their_path_prefix() {
        assert_eq!(
            normalize_base_url("https://x.execute-api.eu-west-1.amazonaws.com/prod/").unwrap(),
            "https://x.execute-api.eu-west-1.amazonaws.com/prod"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8000").unwrap(),
            "http://127.0.0.1:8000"
        );
        assert!(normalize_base_url("ftp://x").is_err());
        assert!(normalize_base_url("/relative").is_err());
        assert!(normalize_base_url("http://x/?a=1").is_err());
    }
}
