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
fn deeply_nested_inline_schemas_are_reported_as_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 55;
    let schema = format!(
        "{}{{\"type\":\"string\"}}{}",
        r#"{"type":"object","properties":{"a":"#.repeat(depth),
        "}}".repeat(depth)
    );
    let json = format!(r#"{{{HEADER},"components":{{"schemas":{{"Deep":{schema}}}}}}}"#);
    let error = Spec::load(document(&dir, "nested.json", json.as_bytes())).unwrap_err();
    assert!(error.to_string().contains("nested more than"), "{error}");
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
    let parts = [
        ("models", spec.types()),
        ("server", spec.server()),
        ("client", spec.client()),
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
