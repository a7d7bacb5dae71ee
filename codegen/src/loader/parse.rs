//! Turning the bytes of a YAML or JSON file into a JSON value tree.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `bytes` as JSON when they look like JSON, else as YAML 1.2.
///
/// JSON is parsed with `serde_json` (fast, and it bounds nesting depth); everything
/// else with `serde-saphyr`, which never panics and bounds alias expansion and nesting,
/// so hostile input costs an error, not a crash or unbounded memory.
pub fn parse(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not valid UTF-8 (first bad byte at offset {})",
            e.valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        serde_json::from_str::<Exact>(text)
            .map(|exact| exact.0)
            .map_err(|e| format!("invalid JSON: {e}"))
    } else {
        serde_saphyr::from_str_with_options(text, yaml_options())
            .map_err(|e| format!("invalid YAML: {}", one_line(&e)))
    }
}

/// A JSON value deserialized as `serde_json::Value` deserializes itself, except that
/// every object and array is allocated at its final size: their elements are gathered
/// first. A grown map keeps up to half its room unused and is rehashed on the way,
/// which on the largest documents costs a third of the memory and much of the time.
struct Exact(Value);

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExactVisitor).map(Exact)
    }
}

/// Builds the value of [`Exact`], exactly as `serde_json`'s own visitor would.
struct ExactVisitor;

impl<'de> Visitor<'de> for ExactVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Exact(item)) = seq.next_element()? {
            items.push(item);
        }
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, Exact(value))) = map.next_entry::<String, Exact>()? {
            entries.push((key, value));
        }
        // A repeated key keeps its first position and takes its last value, as in
        // `serde_json`'s own map.
        let mut object = Map::with_capacity(entries.len());
        for (key, value) in entries {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// YAML 1.2 (`no` and `on` are strings, as OpenAPI documents mean them), with
/// budgets large enough for the largest public API descriptions and small enough to
/// stop hostile input.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 256,
            max_nodes: 50_000_000,
            max_total_scalar_bytes: 512 * 1024 * 1024,
        },
    }
}

fn one_line(error: &impl std::fmt::Display) -> String {
    error
        .to_string()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_json_and_yaml_alike() {
        let yaml =
            "openapi: 3.1.0\nresponses:\n  200:\n    description: ok\n  '404': {description: no}\n";
        let value = parse(yaml.as_bytes()).unwrap();
        assert_eq!(
            value,
            json!({"openapi": "3.1.0", "responses": {"200": {"description": "ok"}, "404": {"description": "no"}}})
        );
        let json_text = serde_json::to_string(&value).unwrap();
        assert_eq!(parse(json_text.as_bytes()).unwrap(), value);
    }

    #[test]
    fn reports_syntax_errors_and_bad_utf8() {
        assert!(parse(b"{\"a\": ").unwrap_err().starts_with("invalid JSON"));
        assert!(
            parse(b"a: [1, 2\nb: }")
                .unwrap_err()
                .starts_with("invalid YAML")
        );
        assert!(parse(b"a: \xff\xfe").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn parses_json_as_serde_json_does() {
        let text = r#"{"b": [1, -2, 3.5, -0.0, null, true], "a": {"x": "y"}, "b": {}, "c": []}"#;
        let expected: Value = serde_json::from_str(text).unwrap();
        let value = parse(text.as_bytes()).unwrap();
        assert_eq!(value, expected);
        assert_eq!(value.to_string(), expected.to_string());
    }

    #[test]
    fn keeps_document_order() {
        let value = parse(b"b: 1\na: 2\nc: 3\n").unwrap();
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }
}
