//! Hostile or pathological input gives an error or code: never a panic, a stack
//! overflow or a hang.

use std::fmt::Write as _;
use std::path::PathBuf;

use oapi_gen::Spec;

/// Writes `contents` to a fresh file named `name` and returns its path.
fn document(dir: &tempfile::TempDir, name: &str, contents: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

const HEADER: &str = r#""openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}"#;

#[test]
fn a_long_chain_of_referring_schemas_is_lowered_without_deep_recursion() {
    let mut schemas = String::new();
    let n = 5_000;
    for i in 0..n {
        write!(
            schemas,
            r##""S{i}":{{"type":"object","properties":{{"next":{{"$ref":"#/components/schemas/S{}"}}}}}},"##,
            i + 1
        )
        .unwrap();
    }
    write!(schemas, r#""S{n}":{{"type":"string"}}"#).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(r#"{{{HEADER},"components":{{"schemas":{{{schemas}}}}}}}"#);
    let path = document(&dir, "chain.json", text.as_bytes());
    // The test thread's stack is small (2 MiB), which makes deep recursion fail fast.
    let spec = Spec::load(&path).expect("a long chain is valid");
    assert_eq!(spec.api.types.defs.len(), n + 1);
    let code = spec.types().unwrap();
    assert!(code.contains("pub struct S4999 {"));
}

#[test]
fn deeply_nested_documents_are_rejected_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let json = format!(
        r#"{{{HEADER},"x":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let error = Spec::load(document(&dir, "deep.json", json.as_bytes())).unwrap_err();
    assert!(error.to_string().contains("invalid JSON"), "{error}");

    let yaml = format!(
        "openapi: 3.1.0\nx: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let error = Spec::load(document(&dir, "deep.yaml", yaml.as_bytes())).unwrap_err();
    assert!(error.to_string().contains("invalid YAML"), "{error}");
}

#[test]
fn deeply_nested_inline_schemas_are_approximated_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 55;
    let schema = format!(
        "{}{{\"type\":\"string\"}}{}",
        r#"{"type":"object","properties":{"a":"#.repeat(depth),
        "}}".repeat(depth)
    );
    let json = format!(r#"{{{HEADER},"components":{{"schemas":{{"Deep":{schema}}}}}}}"#);
    let spec = Spec::load(document(&dir, "nested.json", json.as_bytes())).unwrap();
    assert_eq!(spec.warnings.len(), 1, "{:?}", spec.warnings);
    assert!(
        spec.warnings[0].to_string().contains("nested more than"),
        "{}",
        spec.warnings[0]
    );
    assert!(spec.types().unwrap().contains("pub struct Deep"));
}

#[test]
fn yaml_alias_bombs_and_invalid_utf8_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("openapi: 3.1.0\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut previous = 'a';
    for name in 'b'..='p' {
        writeln!(bomb, "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]").unwrap();
        previous = name;
    }
    let error = Spec::load(document(&dir, "bomb.yaml", bomb.as_bytes())).unwrap_err();
    assert!(error.to_string().contains("invalid YAML"), "{error}");

    let error = Spec::load(document(
        &dir,
        "latin1.yaml",
        b"openapi: 3.1.0\ninfo: caf\xe9\n",
    ))
    .unwrap_err();
    assert!(error.to_string().contains("UTF-8"), "{error}");
}

#[test]
fn ref_loops_through_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    document(&dir, "a.yaml", b"X:\n  $ref: 'b.yaml#/Y'\n");
    document(&dir, "b.yaml", b"Y:\n  $ref: 'a.yaml#/X'\n");
    let entry = document(
        &dir,
        "api.yaml",
        b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Z:\n      $ref: 'a.yaml#/X'\n",
    );
    let error = Spec::load(entry).unwrap_err();
    assert!(error.to_string().contains("cycle"), "{error}");
}

#[test]
fn thousands_of_paths_are_routed_in_shallow_method_chains() {
    // One `.route(…)` chain per router nests a level per path: rustc overflowed its
    // stack on the 7,419 paths of Microsoft Graph.
    let n: usize = 2_345;
    let mut paths = String::new();
    for i in 0..n {
        if i > 0 {
            paths.push(',');
        }
        write!(
            paths,
            r#""/p{i}":{{"get":{{"operationId":"op{i}","responses":{{"204":{{"description":"done"}}}}}}}}"#
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        r#"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{{paths}}}}}"#
    );
    let spec = Spec::load(document(&dir, "wide.json", text.as_bytes())).unwrap();
    let code = spec.server().unwrap();
    let body = &code[code.find("fn build_router").unwrap()..];
    let body = &body[..body.find("\n    }\n").unwrap()];
    // Statements of at most 100 routes, every path routed once, in order.
    let chains: Vec<&str> = body.split(';').collect();
    assert_eq!(chains.len(), n.div_ceil(100) + 1, "{body}");
    for chain in &chains {
        assert!(chain.matches(".route(").count() <= 100);
    }
    assert_eq!(body.matches(".route(").count(), n);
    let first = body.find(r#".route("/p0""#).unwrap();
    let last = body.find(&format!(r#".route("/p{}""#, n - 1)).unwrap();
    assert!(first < last);
}

/// The characters rustc's deny-by-default `text_direction_codepoint_in_literal` and
/// `text_direction_codepoint_in_comment` lints reject anywhere in a source file.
const BIDI: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}',
];

/// Checks what the fuzz target checks of every file generated from `path`: it parses
/// as a Rust file and holds no bidi control (nor a bare carriage return or NUL).
fn assert_sound_code(path: &std::path::Path) {
    let spec = Spec::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_sound_spec(&spec, path);
}

fn assert_sound_spec(spec: &Spec, path: &std::path::Path) {
    // The server and the client alone are parts of the whole.
    let parts = [
        ("models", spec.types()),
        (
            "all",
            spec.code(oapi_gen::emit::Parts {
                server: true,
                client: true,
            }),
        ),
    ];
    for (part, code) in parts {
        let code = code.unwrap_or_else(|e| panic!("{} ({part}): {e}", path.display()));
        for (number, line) in code.lines().enumerate() {
            assert!(
                !line.contains(BIDI) && !line.contains(['\r', '\0']),
                "{} ({part}) line {}: {:?}",
                path.display(),
                number + 1,
                line
            );
        }
        if let Err(error) = syn::parse_file(&code) {
            panic!(
                "{} ({part}) does not parse: {error}\n{code}",
                path.display()
            );
        }
    }
}

#[test]
fn hostile_text_makes_code_that_parses_and_has_no_bidi_controls() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/models/hostile-text.yaml");
    assert_sound_code(&fixture);
}

/// A document with `@` wherever document text reaches the generated code: info,
/// server, tag, path, operation, parameter, header, media type, security scheme,
/// schema, property, enum value, discriminator, default, example and pattern (and
/// `¤` in `$ref`s, where it is a JSON pointer token).
const TEMPLATE: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "T@", "version": "1@", "description": "D@"},
  "servers": [{"url": "https://x.example/@", "description": "S@"}],
  "tags": [{"name": "t@", "description": "t@"}],
  "security": [{"k@": []}],
  "paths": {
    "/p@/{id@}": {
      "parameters": [
        {"name": "id@", "in": "path", "required": true, "description": "p@",
         "schema": {"type": "string", "pattern": "^a@$"}}
      ],
      "get": {
        "operationId": "get@",
        "summary": "s@",
        "description": "d@",
        "tags": ["t@"],
        "parameters": [
          {"name": "q@", "in": "query",
           "schema": {"type": "string", "default": "v@", "example": "e@"}},
          {"name": "h@", "in": "header", "schema": {"type": "string"}},
          {"name": "c@", "in": "cookie", "schema": {"type": "string"}},
          {"name": "e@", "in": "query", "schema": {"$ref": "#/components/schemas/E¤"}}
        ],
        "responses": {
          "200": {
            "description": "r@",
            "headers": {"x-r@": {"description": "h@", "schema": {"type": "integer"}}},
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/M¤"}},
              "application/x@+json": {"schema": {"type": "string"}}
            }
          },
          "default": {"description": "x@", "content": {"text/plain": {"schema": {"type": "string"}}}}
        }
      },
      "post": {
        "operationId": "post@",
        "requestBody": {"required": true, "description": "b@", "content": {
          "application/json": {"schema": {"$ref": "#/components/schemas/U¤"}},
          "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/M¤"}}
        }},
        "responses": {"204": {"description": "n@"}}
      }
    }
  },
  "components": {
    "securitySchemes": {
      "k@": {"type": "apiKey", "in": "header", "name": "x-k@", "description": "k@"}
    },
    "schemas": {
      "M@": {
        "title": "M@", "description": "M@", "type": "object", "required": ["a@"],
        "properties": {
          "a@": {"type": "string", "description": "a@", "default": "a@", "pattern": "a@",
                 "examples": ["a@"]},
          "a": {"type": "string", "const": "c@"},
          "@": {"type": "integer", "description": "@"},
          "n": {"type": "array", "items": {"$ref": "#/components/schemas/E¤"}, "default": ["e@"]}
        },
        "examples": [{"a@": "x@"}]
      },
      "E@": {"type": "string", "enum": ["e", "e@", "@e", "@"], "default": "e@", "description": "E@"},
      "C@": {"type": "object", "required": ["k@"], "properties": {"k@": {"type": "string"}}},
      "D@": {"type": "object", "required": ["k@"], "properties": {"k@": {"type": "string"}, "b": {"type": "boolean"}}},
      "U@": {
        "oneOf": [{"$ref": "#/components/schemas/C¤"}, {"$ref": "#/components/schemas/D¤"}],
        "discriminator": {"propertyName": "k@", "mapping": {
          "c@": "#/components/schemas/C¤", "d@": "#/components/schemas/D¤"}}
      }
    }
  }
}"##;

/// Text that has broken, or could break, generated code.
const HOSTILE: &[&str] = &[
    "\u{202a}",
    "\u{202b}",
    "\u{202c}",
    "\u{202d}",
    "\u{202e}",
    "\u{2066}",
    "\u{2067}",
    "\u{2068}",
    "\u{2069}",
    "\u{200e}",
    "\u{200f}",
    "\u{61c}",
    "\u{200b}",
    "\u{200d}",
    "\u{2060}",
    "\u{feff}",
    "\u{2028}",
    "\u{2029}",
    "\u{85}",
    "\r",
    "\n",
    "\r\n",
    "\0",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{9b}",
    "\t",
    "*/",
    "/*",
    "//",
    "///",
    "//!",
    "#[",
    "#![",
    "\"",
    "\"#",
    "\"##",
    "\"###",
    "r#\"",
    "\\",
    "\\u{202e}",
    "'",
    "`",
    "```",
    "<script>",
    "]",
    ")",
    "\n#[doc = \"x\"]\nfn f() {}\n",
    "\u{10ffff}",
    "\u{e0001}",
    "\u{1f468}\u{200d}\u{1f469}",
];

#[test]
fn hostile_text_in_every_position_makes_sound_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut rejected = Vec::new();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        // Inside JSON strings: quoted without the quotes.
        let json = serde_json::to_string(hostile).unwrap();
        let json = &json[1..json.len() - 1];
        // `$ref`s hold it as a JSON pointer token.
        let token = json.replace('~', "~0").replace('/', "~1");
        let text = TEMPLATE.replace('@', json).replace('¤', &token);
        let path = document(&dir, &format!("h{i}.json"), text.as_bytes());
        match Spec::load(&path) {
            Ok(spec) => assert_sound_spec(&spec, std::path::Path::new(&format!("{hostile:?}"))),
            Err(oapi_gen::Error::Spec(diagnostics)) => rejected.push(format!(
                "{hostile:?}: {}",
                diagnostics
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            Err(error) => panic!("{hostile:?}: {error}"),
        }
    }
    // Only text that breaks the path template, or a pattern that is not a regular
    // expression, may be rejected (with a report).
    assert!(rejected.len() <= 3, "{}", rejected.join("\n"));
}

#[test]
fn swagger_2_media_type_lists_do_not_multiply_the_document() {
    // Each media type of `produces` gets a copy of every response schema: a small
    // document listing thousands would grow a thousandfold. Only the first 32 are used.
    let media: Vec<String> = (0..5_000)
        .map(|i| format!(r#""application/x-{i}+json""#))
        .collect();
    let properties: Vec<String> = (0..20)
        .map(|i| format!(r#""p{i}":{{"type":"string"}}"#))
        .collect();
    let schema = format!(
        r#"{{"type":"object","properties":{{{}}}}}"#,
        properties.join(",")
    );
    let paths: Vec<String> = (0..40)
        .map(|i| {
            format!(
                r#""/p{i}":{{"get":{{"operationId":"op{i}","responses":{{"200":{{"description":"ok","schema":{schema}}}}}}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"swagger":"2.0","info":{{"title":"t","version":"1"}},"produces":[{}],"paths":{{{}}}}}"#,
        media.join(","),
        paths.join(",")
    );
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec::load(document(&dir, "many-media.json", text.as_bytes())).unwrap();
    assert_eq!(spec.api.operations.len(), 40);
    assert_eq!(spec.api.operations[0].responses[0].contents.len(), 32);
}
