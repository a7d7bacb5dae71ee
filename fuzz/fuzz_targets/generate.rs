//! Feeds arbitrary bytes through the whole pipeline: parse as JSON or YAML, load,
//! lower to the IR, emit the models with the server and the client. Invalid documents
//! must fail with a report; a panic, an abort, a hang, an internal error, or emitted
//! code that does not parse as a Rust file or holds a character rustc rejects (a
//! Unicode bidi control, which its deny-by-default `text_direction_codepoint_in_*`
//! lints refuse even in comments and string literals) is a bug.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oapi_gen::Error;
use oapi_gen::Spec;
use oapi_gen::emit::Parts;

/// The characters rustc's `text_direction_codepoint_in_literal` and
/// `text_direction_codepoint_in_comment` lints reject anywhere in a source file.
const BIDI: &[char] = &[
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}',
];

/// The file each input is written to (the loader reads documents from disk, and
/// `$ref`s to sibling files are resolved next to it).
fn input_path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("oapi-gen-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the input directory");
        dir.join("openapi.yaml")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = input_path();
    std::fs::write(path, data).expect("write the input");
    let Ok(spec) = Spec::load(path) else {
        return;
    };
    let code = match spec.code(Parts {
        server: true,
        client: true,
    }) {
        Ok(code) => code,
        Err(error @ Error::Internal(_)) => panic!("{error}"),
        Err(_) => return,
    };
    if let Some((at, c)) = code.char_indices().find(|(_, c)| BIDI.contains(c)) {
        let line = code[..at].lines().count();
        panic!("the emitted code has the bidi control U+{:04X} on line {line}", c as u32);
    }
    if let Err(error) = syn::parse_file(&code) {
        panic!("the emitted code does not parse: {error}");
    }
});
