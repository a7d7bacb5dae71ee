//! Turning the bytes of a YAML or JSON file into a JSON value tree.

use serde_json::Value;

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
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    } else {
        serde_saphyr::from_str_with_options(text, yaml_options())
            .map_err(|e| format!("invalid YAML: {}", one_line(&e)))
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
    fn keeps_document_order() {
        let value = parse(b"b: 1\na: 2\nc: 3\n").unwrap();
        let keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }
}
