//! The `route` dimension of request metrics, `"GET /items/{item_id}"`, built once per
//! method and route template and shared after that.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, PoisonError, RwLock};

use http::Method;

/// The route label of requests no route matched (the 404 fallback).
pub const NOT_FOUND: &str = "NOT_FOUND";

/// The method part of labels of requests with a non-standard method, so that
/// arbitrary methods cannot create arbitrarily many labels.
const OTHER_METHOD: &str = "OTHER";

/// The labels of one template, by method (a handful at most).
type MethodLabels = Vec<(Method, Arc<str>)>;

/// Route labels by template, then method: read-mostly (a label is built the first
/// time its route is requested), so lookups take a shared lock only.
#[derive(Debug)]
pub(super) struct RouteLabels {
    labels: RwLock<HashMap<Box<str>, MethodLabels, BuildHasherDefault<Fnv>>>,
    not_found: Arc<str>,
}

impl Default for RouteLabels {
    fn default() -> Self {
        RouteLabels {
            labels: RwLock::default(),
            not_found: Arc::from(NOT_FOUND),
        }
    }
}

impl RouteLabels {
    /// The label of `method` on route `template`; [`NOT_FOUND`] without one.
    pub(super) fn label(&self, method: &Method, template: Option<&str>) -> Arc<str> {
        let Some(template) = template else {
            return self.not_found.clone();
        };
        let method = if is_standard(method) {
            method.clone()
        } else {
            Method::from_bytes(OTHER_METHOD.as_bytes()).unwrap_or_default()
        };
        let known = self
            .labels
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(template)
            .and_then(|methods| methods.iter().find(|(known, _)| *known == method))
            .map(|(_, label)| label.clone());
        if let Some(label) = known {
            return label;
        }
        let mut labels = self.labels.write().unwrap_or_else(PoisonError::into_inner);
        let methods = labels.entry(template.into()).or_default();
        if let Some((_, label)) = methods.iter().find(|(known, _)| *known == method) {
            return label.clone();
        }
        let label: Arc<str> = Arc::from(format!("{method} {template}"));
        methods.push((method, label.clone()));
        label
    }
}

/// FNV-1a: the keys are the application's own route templates (no flooding to fear)
/// and short, where SipHash costs more than the lookup.
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn is_standard(method: &Method) -> bool {
    [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
        Method::TRACE,
        Method::CONNECT,
    ]
    .contains(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_built_once_per_method_and_template() {
        let labels = RouteLabels::default();
        let first = labels.label(&Method::GET, Some("/items/{item_id}"));
        assert_eq!(&*first, "GET /items/{item_id}");
        assert!(Arc::ptr_eq(
            &first,
            &labels.label(&Method::GET, Some("/items/{item_id}"))
        ));
        assert_eq!(
            &*labels.label(&Method::POST, Some("/items/{item_id}")),
            "POST /items/{item_id}"
        );
        assert_eq!(&*labels.label(&Method::GET, None), "NOT_FOUND");
        let odd = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(&*labels.label(&odd, Some("/pot")), "OTHER /pot");
    }
}
