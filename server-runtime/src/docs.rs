//! The API's documentation routes, as FastAPI serves them: the OpenAPI document at
//! `/openapi.json`, Swagger UI at `/docs` and ReDoc at `/redoc`.
//!
//! Everything is served from the binary: the document is a constant of the generated
//! code, and Swagger UI (`swagger-ui-dist`) and ReDoc (`redoc`) are embedded from
//! `assets/` (vendored by `scripts/vendor-docs-assets` at pinned versions). The pages
//! load nothing from another origin: no CDN, no web fonts, no validator badge, and
//! ReDoc's sidebar logo is removed from its bundle, so they work offline. They have no inline scripts (each page starts its
//! viewer from a small script file), so a `Content-Security-Policy` with
//! `script-src 'self'` can be applied to them.
//!
//! The pages refer to their assets and to the document by relative URLs
//! (`docs/assets/…`, `openapi.json`), so they keep working when the router is nested
//! under a prefix (`/v1/docs` loads `/v1/openapi.json`) or served behind an API Gateway
//! stage. Swagger UI and ReDoc need the cargo feature `docs` (on by default); without
//! it, only `/openapi.json` is served, and the binary is about 3 MB smaller.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderValue, header};

/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/openapi.json";
/// Where Swagger UI is served.
pub const SWAGGER_UI_PATH: &str = "/docs";
/// Where ReDoc is served.
pub const REDOC_PATH: &str = "/redoc";
/// The path prefix of the pages' scripts and style sheets.
pub const ASSETS_PATH: &str = "/docs/assets";

/// The docs routes for the OpenAPI document `document_json` of the API `title`.
///
/// `api_paths` are the path templates of the API's operations (`/items/{item_id}`): a
/// docs route a request for which could match one of them is left out, with the rest
/// of its page, so the docs never shadow an operation. A document that declares
/// `/docs` keeps its own `/docs` and gets no Swagger UI; one with a path `/{name}`
/// gets neither page nor `/openapi.json`. The pages still load `openapi.json`
/// when the API declares it.
///
/// Every route answers `GET` (and `HEAD`). The document and the pages are sent with
/// `cache-control: no-cache`; the viewers' files, whose URLs carry their versions, are
/// cached for a year.
#[cfg_attr(not(feature = "docs"), allow(unused_variables))]
pub fn router<S>(document_json: &'static str, title: &str, api_paths: &[&str]) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let pages = std::iter::once(vec![File::document(document_json)]);
    #[cfg(feature = "docs")]
    let pages = pages.chain([ui::swagger_ui(title), ui::redoc(title)]);
    pages
        .filter(|files| {
            files.iter().all(|file| {
                !api_paths
                    .iter()
                    .any(|template| template_matches(template, &file.path))
            })
        })
        .flatten()
        .fold(Router::new(), |router, file| {
            let path = file.path.clone();
            router.route(&path, get(move || std::future::ready(file.response())))
        })
}

/// Whether a request for `path` could be routed to an operation with the path
/// `template`: same number of segments, each equal or templated (a segment with a
/// `{name}` in it matches any segment).
fn template_matches(template: &str, path: &str) -> bool {
    let (template, path): (Vec<&str>, Vec<&str>) =
        (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len()
        && template
            .iter()
            .zip(&path)
            .all(|(t, p)| t == p || t.contains('{'))
}

/// One response of the docs routes, the same for every request.
#[derive(Clone)]
struct File {
    path: String,
    content_type: &'static str,
    cache_control: &'static str,
    body: Bytes,
}

/// Revalidated on every use: the document, the pages and their start-up scripts.
const NO_CACHE: &str = "no-cache";

impl File {
    fn document(json: &'static str) -> File {
        File {
            path: OPENAPI_PATH.to_owned(),
            content_type: "application/json",
            cache_control: NO_CACHE,
            body: Bytes::from_static(json.as_bytes()),
        }
    }

    fn response(&self) -> Response {
        let mut response = self.body.clone().into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        response
    }
}

/// Swagger UI and ReDoc: their pages and embedded files.
#[cfg(feature = "docs")]
mod ui {
    use super::{ASSETS_PATH, File, NO_CACHE, OPENAPI_PATH, REDOC_PATH, SWAGGER_UI_PATH};
    use bytes::Bytes;

    /// The vendored files: immutable under their versioned URLs.
    const IMMUTABLE: &str = "public, max-age=31536000, immutable";
    const HTML: &str = "text/html; charset=utf-8";
    const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
    const CSS: &str = "text/css; charset=utf-8";

    /// The `/docs` page and what it loads.
    pub(super) fn swagger_ui(title: &str) -> Vec<File> {
        let version = include_str!("../assets/swagger-ui/VERSION").trim();
        let dir = format!("{ASSETS_PATH}/swagger-ui-{version}");
        let css = asset(
            format!("{dir}/swagger-ui.css"),
            CSS,
            IMMUTABLE,
            include_bytes!("../assets/swagger-ui/swagger-ui.css"),
        );
        let bundle = asset(
            format!("{dir}/swagger-ui-bundle.js"),
            JAVASCRIPT,
            IMMUTABLE,
            include_bytes!("../assets/swagger-ui/swagger-ui-bundle.js"),
        );
        let init = asset(
            format!("{ASSETS_PATH}/swagger-ui-init.js"),
            JAVASCRIPT,
            NO_CACHE,
            include_bytes!("../assets/swagger-ui-init.js"),
        );
        let page = format!(
            "<!DOCTYPE html>\n\
             <html lang=\"en\">\n\
             <head>\n\
             <meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title} - Swagger UI</title>\n\
             <link rel=\"icon\" href=\"data:,\">\n\
             <link rel=\"stylesheet\" href=\"{css}\">\n\
             </head>\n\
             <body>\n\
             <div id=\"swagger-ui\" data-openapi-url=\"{document}\"></div>\n\
             <script src=\"{bundle}\"></script>\n\
             <script src=\"{init}\"></script>\n\
             </body>\n\
             </html>\n",
            title = escape_html(title),
            css = relative(&css.path),
            document = relative(OPENAPI_PATH),
            bundle = relative(&bundle.path),
            init = relative(&init.path),
        );
        vec![html(SWAGGER_UI_PATH, page), css, bundle, init]
    }

    /// The `/redoc` page and what it loads.
    pub(super) fn redoc(title: &str) -> Vec<File> {
        let version = include_str!("../assets/redoc/VERSION").trim();
        let bundle = asset(
            format!("{ASSETS_PATH}/redoc-{version}/redoc.standalone.js"),
            JAVASCRIPT,
            IMMUTABLE,
            include_bytes!("../assets/redoc/redoc.standalone.js"),
        );
        let init = asset(
            format!("{ASSETS_PATH}/redoc-init.js"),
            JAVASCRIPT,
            NO_CACHE,
            include_bytes!("../assets/redoc-init.js"),
        );
        let page = format!(
            "<!DOCTYPE html>\n\
             <html lang=\"en\">\n\
             <head>\n\
             <meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title} - ReDoc</title>\n\
             <link rel=\"icon\" href=\"data:,\">\n\
             <style>body {{ margin: 0; padding: 0; }}</style>\n\
             </head>\n\
             <body>\n\
             <div id=\"redoc\" data-openapi-url=\"{document}\"></div>\n\
             <script src=\"{bundle}\"></script>\n\
             <script src=\"{init}\"></script>\n\
             </body>\n\
             </html>\n",
            title = escape_html(title),
            document = relative(OPENAPI_PATH),
            bundle = relative(&bundle.path),
            init = relative(&init.path),
        );
        vec![html(REDOC_PATH, page), bundle, init]
    }

    fn asset(
        path: String,
        content_type: &'static str,
        cache_control: &'static str,
        body: &'static [u8],
    ) -> File {
        File {
            path,
            content_type,
            cache_control,
            body: Bytes::from_static(body),
        }
    }

    fn html(path: &str, page: String) -> File {
        File {
            path: path.to_owned(),
            content_type: HTML,
            cache_control: NO_CACHE,
            body: Bytes::from(page),
        }
    }

    /// The URL of `path` relative to a page at the root (`/docs`, `/redoc`).
    fn relative(path: &str) -> &str {
        path.trim_start_matches('/')
    }

    /// `text` as HTML text or attribute value.
    pub(super) fn escape_html(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_the_paths_they_would_route() {
        assert!(template_matches("/docs", "/docs"));
        assert!(template_matches("/{page}", "/docs"));
        assert!(template_matches("/docs/{file}.{ext}", "/docs/x.js"));
        assert!(!template_matches("/docs/{id}", "/docs"));
        assert!(!template_matches("/items/{id}", "/docs/assets"));
        assert!(!template_matches("/docs/", "/docs"));
    }

    #[cfg(feature = "docs")]
    #[test]
    fn titles_are_escaped() {
        assert_eq!(
            ui::escape_html(r#"<Tom & "Jerry's">"#),
            "&lt;Tom &amp; &quot;Jerry&#39;s&quot;&gt;"
        );
    }
}
