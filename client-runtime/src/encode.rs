//! Parameter values written in their OpenAPI `style`: path segments, query pairs,
//! header values and cookies, percent-encoded so a value can never change the
//! structure of the URL around it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::error::RequestError;

/// How a parameter value is serialised (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `simple`: `a,b` (path, header).
    Simple,
    /// `label`: `.a.b` (path).
    Label,
    /// `matrix`: `;name=a,b` (path).
    Matrix,
    /// `form`: `name=a&name=b` or `name=a,b` (query, cookie).
    Form,
    /// `spaceDelimited`: `name=a%20b` (query arrays).
    SpaceDelimited,
    /// `pipeDelimited`: `name=a|b` (query arrays).
    PipeDelimited,
    /// `deepObject`: `name[key]=value` (query objects).
    DeepObject,
}

/// Everything but RFC 3986's unreserved characters is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `label` path values: the unreserved `.` is encoded too, so that an item holding a
/// dot is not cut where the style's exploded separator (`.`) cuts items.
const LABEL: &AsciiSet = &COMPONENT.add(b'.');

/// `allowReserved`: RFC 3986's reserved characters are kept, except those that
/// would end or split the query pair.
const RESERVED_ALLOWED: &AsciiSet = &COMPONENT
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

fn encode(text: &str, set: &'static AsciiSet, out: &mut String) {
    out.extend(utf8_percent_encode(text, set));
}

/// The text of a scalar, or `None` for `null` (an absent optional value).
fn scalar(name: &str, value: &Value) -> Result<Option<String>, RequestError> {
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Object(_) => {
            return Err(unsupported(name, "a nested array or object"));
        }
    })
}

fn unsupported(name: &str, what: &str) -> RequestError {
    RequestError::Parameter {
        name: name.to_owned(),
        message: format!("{what} cannot be written in this parameter's style"),
    }
}

/// The scalars of an array, absent items skipped.
fn items(name: &str, items: &[Value]) -> Result<Vec<String>, RequestError> {
    items
        .iter()
        .filter_map(|v| scalar(name, v).transpose())
        .collect()
}

/// The `(key, scalar)` pairs of an object, absent members skipped.
fn members(
    name: &str,
    object: &serde_json::Map<String, Value>,
) -> Result<Vec<(String, String)>, RequestError> {
    object
        .iter()
        .filter_map(|(k, v)| {
            scalar(name, v)
                .transpose()
                .map(|v| v.map(|v| (k.clone(), v)))
        })
        .collect()
}

/// Appends a path parameter in `style` to `out`. A required path value cannot be
/// `null`.
pub(crate) fn path(
    name: &str,
    style: Style,
    explode: bool,
    value: &Value,
    out: &mut String,
) -> Result<(), RequestError> {
    let (prefix, separator, exploded_separator) = match style {
        Style::Simple => ("", ",", ","),
        Style::Label => (".", ",", "."),
        Style::Matrix => (";", ",", ";"),
        _ => return Err(unsupported(name, "a path value")),
    };
    let set = if style == Style::Label {
        LABEL
    } else {
        COMPONENT
    };
    let named = |out: &mut String| {
        if style == Style::Matrix {
            encode(name, COMPONENT, out);
            out.push('=');
        }
    };
    match value {
        Value::Null => {
            return Err(RequestError::Parameter {
                name: name.to_owned(),
                message: "a path parameter needs a value".to_owned(),
            });
        }
        Value::Array(list) => {
            let list = items(name, list)?;
            let separator = if explode {
                exploded_separator
            } else {
                separator
            };
            out.push_str(prefix);
            for (i, item) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(separator);
                }
                if i == 0 || (explode && style == Style::Matrix) {
                    named(out);
                }
                encode(item, set, out);
            }
        }
        Value::Object(object) => {
            let pairs = members(name, object)?;
            out.push_str(prefix);
            if !explode {
                named(out);
            }
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(if explode { exploded_separator } else { "," });
                }
                encode(k, set, out);
                out.push_str(if explode { "=" } else { "," });
                encode(v, set, out);
            }
        }
        scalar_value => {
            out.push_str(prefix);
            named(out);
            if let Some(text) = scalar(name, scalar_value)? {
                encode(&text, set, out);
            }
        }
    }
    Ok(())
}

/// Appends the query pairs of a parameter to `query` (pairs separated by `&`).
pub(crate) fn query(
    name: &str,
    style: Style,
    explode: bool,
    allow_reserved: bool,
    value: &Value,
    query: &mut String,
) -> Result<(), RequestError> {
    let set = if allow_reserved {
        RESERVED_ALLOWED
    } else {
        COMPONENT
    };
    let pair = |key: &str, value: &str, query: &mut String| {
        if !query.is_empty() {
            query.push('&');
        }
        encode(key, COMPONENT, query);
        query.push('=');
        encode(value, set, query);
    };
    match value {
        Value::Null => {}
        Value::Array(list) => {
            let list = items(name, list)?;
            let delimiter = match style {
                Style::Form if explode => None,
                Style::Form => Some(","),
                Style::SpaceDelimited => Some(" "),
                Style::PipeDelimited => Some("|"),
                _ => return Err(unsupported(name, "an array")),
            };
            match delimiter {
                None => list.iter().for_each(|item| pair(name, item, query)),
                Some(_) if list.is_empty() => {}
                Some(delimiter) => {
                    if !query.is_empty() {
                        query.push('&');
                    }
                    encode(name, COMPONENT, query);
                    query.push('=');
                    for (i, item) in list.iter().enumerate() {
                        if i > 0 && delimiter == "," {
                            query.push(',');
                        } else if i > 0 {
                            encode(delimiter, COMPONENT, query);
                        }
                        encode(item, set, query);
                    }
                }
            }
        }
        Value::Object(object) => {
            let pairs = members(name, object)?;
            match style {
                Style::Form if explode => pairs.iter().for_each(|(k, v)| pair(k, v, query)),
                Style::Form => {
                    if !query.is_empty() {
                        query.push('&');
                    }
                    encode(name, COMPONENT, query);
                    query.push('=');
                    for (i, (k, v)) in pairs.iter().enumerate() {
                        if i > 0 {
                            query.push(',');
                        }
                        encode(k, set, query);
                        query.push(',');
                        encode(v, set, query);
                    }
                }
                Style::DeepObject => pairs
                    .iter()
                    .for_each(|(k, v)| pair(&format!("{name}[{k}]"), v, query)),
                _ => return Err(unsupported(name, "an object")),
            }
        }
        scalar_value => {
            if let Some(text) = scalar(name, scalar_value)? {
                pair(name, &text, query);
            }
        }
    }
    Ok(())
}

/// The value of a header parameter (`simple` style), `None` when absent.
pub(crate) fn header(
    name: &str,
    explode: bool,
    value: &Value,
) -> Result<Option<String>, RequestError> {
    Ok(match value {
        Value::Null => None,
        Value::Array(list) => Some(items(name, list)?.join(",")),
        Value::Object(object) => Some(
            members(name, object)?
                .iter()
                .map(|(k, v)| {
                    if explode {
                        format!("{k}={v}")
                    } else {
                        format!("{k},{v}")
                    }
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        scalar_value => scalar(name, scalar_value)?,
    })
}

/// Appends a cookie parameter (`form` style) to a `Cookie` header value.
pub(crate) fn cookie(
    name: &str,
    explode: bool,
    value: &Value,
    cookies: &mut String,
) -> Result<(), RequestError> {
    let add = |value: &str, cookies: &mut String| {
        if !cookies.is_empty() {
            cookies.push_str("; ");
        }
        encode(name, COMPONENT, cookies);
        cookies.push('=');
        encode(value, COMPONENT, cookies);
    };
    match value {
        Value::Null => {}
        Value::Array(list) if explode => {
            items(name, list)?.iter().for_each(|v| add(v, cookies));
        }
        Value::Array(list) => add(&items(name, list)?.join(","), cookies),
        Value::Object(_) => return Err(unsupported(name, "an object")),
        scalar_value => {
            if let Some(text) = scalar(name, scalar_value)? {
                add(&text, cookies);
            }
        }
    }
    Ok(())
}

/// Whether `path` has a `.` or `..` segment (also percent-encoded), which URL
/// parsing would resolve away, changing the path.
pub(crate) fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let lower = segment.to_ascii_lowercase();
        matches!(
            lower.as_str(),
            "." | ".." | "%2e" | ".%2e" | "%2e." | "%2e%2e"
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path_of(style: Style, explode: bool, value: Value) -> String {
        let mut out = String::new();
        path("id", style, explode, &value, &mut out).unwrap();
        out
    }

    fn query_of(style: Style, explode: bool, value: Value) -> String {
        let mut out = String::new();
        query("id", style, explode, false, &value, &mut out).unwrap();
        out
    }

    #[test]
    fn path_styles_follow_the_specification_examples() {
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(path_of(Style::Simple, false, json!(5)), "5");
        assert_eq!(
            path_of(Style::Simple, false, array.clone()),
            "blue,black,brown"
        );
        assert_eq!(
            path_of(Style::Simple, false, object.clone()),
            "R,100,G,200,B,150"
        );
        assert_eq!(
            path_of(Style::Simple, true, object.clone()),
            "R=100,G=200,B=150"
        );
        assert_eq!(path_of(Style::Label, false, json!(5)), ".5");
        assert_eq!(
            path_of(Style::Label, false, array.clone()),
            ".blue,black,brown"
        );
        assert_eq!(
            path_of(Style::Label, true, array.clone()),
            ".blue.black.brown"
        );
        assert_eq!(
            path_of(Style::Label, true, object.clone()),
            ".R=100.G=200.B=150"
        );
        assert_eq!(path_of(Style::Matrix, false, json!(5)), ";id=5");
        assert_eq!(
            path_of(Style::Matrix, false, array.clone()),
            ";id=blue,black,brown"
        );
        assert_eq!(
            path_of(Style::Matrix, true, array),
            ";id=blue;id=black;id=brown"
        );
        assert_eq!(
            path_of(Style::Matrix, false, object.clone()),
            ";id=R,100,G,200,B,150"
        );
        assert_eq!(path_of(Style::Matrix, true, object), ";R=100;G=200;B=150");
    }

    #[test]
    fn path_values_cannot_change_the_path() {
        assert_eq!(path_of(Style::Simple, false, json!("../a b")), "..%2Fa%20b");
        assert_eq!(
            path_of(Style::Simple, false, json!("a?b#c%")),
            "a%3Fb%23c%25"
        );
        assert_eq!(path_of(Style::Simple, false, json!("é")), "%C3%A9");
        assert!(has_dot_segment("/items/.."));
        assert!(has_dot_segment("/items/%2E%2e/x"));
        assert!(!has_dot_segment("/items/..%2Fa"));
    }

    #[test]
    fn items_holding_their_delimiter_are_encoded() {
        let items = json!(["a,b", "c.d", "e;f"]);
        assert_eq!(
            path_of(Style::Simple, false, items.clone()),
            "a%2Cb,c.d,e%3Bf"
        );
        // `.` is unreserved, but separates exploded `label` items: encoded there.
        assert_eq!(
            path_of(Style::Label, true, items.clone()),
            ".a%2Cb.c%2Ed.e%3Bf"
        );
        assert_eq!(
            path_of(Style::Matrix, true, items.clone()),
            ";id=a%2Cb;id=c.d;id=e%3Bf"
        );
        assert_eq!(query_of(Style::Form, false, items), "id=a%2Cb,c.d,e%3Bf");
    }

    #[test]
    fn query_styles_follow_the_specification_examples() {
        let array = json!(["blue", "black", "brown"]);
        let object = json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(query_of(Style::Form, true, json!("a b&c")), "id=a%20b%26c");
        assert_eq!(
            query_of(Style::Form, true, array.clone()),
            "id=blue&id=black&id=brown"
        );
        assert_eq!(
            query_of(Style::Form, false, array.clone()),
            "id=blue,black,brown"
        );
        assert_eq!(
            query_of(Style::SpaceDelimited, false, array.clone()),
            "id=blue%20black%20brown"
        );
        assert_eq!(
            query_of(Style::PipeDelimited, false, array),
            "id=blue%7Cblack%7Cbrown"
        );
        assert_eq!(
            query_of(Style::Form, true, object.clone()),
            "R=100&G=200&B=150"
        );
        assert_eq!(
            query_of(Style::Form, false, object.clone()),
            "id=R,100,G,200,B,150"
        );
        assert_eq!(
            query_of(Style::DeepObject, true, object),
            "id%5BR%5D=100&id%5BG%5D=200&id%5BB%5D=150"
        );
        assert_eq!(query_of(Style::Form, true, Value::Null), "");
    }

    #[test]
    fn headers_and_cookies() {
        assert_eq!(
            header("x", false, &json!([1, 2])).unwrap().as_deref(),
            Some("1,2")
        );
        assert_eq!(header("x", false, &Value::Null).unwrap(), None);
        let mut cookies = String::new();
        cookie("a", false, &json!("x y"), &mut cookies).unwrap();
        cookie("b", true, &json!([1, 2]), &mut cookies).unwrap();
        assert_eq!(cookies, "a=x%20y; b=1; b=2");
    }

    #[test]
    fn nested_values_are_errors_not_guesses() {
        let mut out = String::new();
        let error = query("id", Style::Form, true, false, &json!([[1]]), &mut out).unwrap_err();
        assert!(error.to_string().contains("nested"));
    }
}
