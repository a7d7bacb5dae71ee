//! JSON pointers (RFC 6901) and the URI fragments that carry them in `$ref`s.

use std::borrow::Cow;

use serde_json::Value;

/// Appends `key` to `out`, escaped as one JSON pointer reference token.
pub fn escape_into(key: &str, out: &mut String) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
}

/// The unescaped reference tokens of `pointer`, or `None` if it is not a pointer.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|token| unescape(token).into_owned())
            .collect(),
    )
}

/// Decodes `%XX` escapes of a URI fragment; `None` if they do not form UTF-8.
pub fn percent_decode(fragment: &str) -> Option<String> {
    if !fragment.contains('%') {
        return Some(fragment.to_owned());
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The node at `pointer` in `root`.
pub fn get<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut node = root;
    for token in pointer.strip_prefix('/')?.split('/') {
        let token = unescape(token);
        node = match node {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// One reference token unescaped, borrowed when it has no escapes (nearly always).
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_unescapes_tokens() {
        let mut out = String::new();
        escape_into("/pets/{id}~x", &mut out);
        assert_eq!(out, "~1pets~1{id}~0x");
        assert_eq!(tokens("/a~1b/c~0d").unwrap(), ["a/b", "c~d"]);
        assert_eq!(tokens("").unwrap(), Vec::<String>::new());
        assert!(tokens("no-slash").is_none());
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/a%7Bb%7D").unwrap(), "/a{b}");
        assert_eq!(percent_decode("/plain").unwrap(), "/plain");
        assert!(percent_decode("/bad%zz").is_none());
        assert!(percent_decode("/cut%7").is_none());
    }

    #[test]
    fn walks_objects_and_arrays() {
        let doc = serde_json::json!({"a": [{"b/c": 1}]});
        assert_eq!(get(&doc, "/a/0/b~1c"), Some(&serde_json::json!(1)));
        assert_eq!(get(&doc, "/a/1"), None);
        assert_eq!(get(&doc, "/a/x"), None);
    }
}
