//! Feeds arbitrary bytes through the whole pipeline: parse as JSON or YAML, load,
//! lower to the IR, emit the models with the server and the client. Any outcome but a
//! panic, an abort or a hang is fine: invalid documents must fail with a report.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oapi_gen::Spec;
use oapi_gen::emit::Parts;

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
    if let Ok(spec) = Spec::load(path) {
        let _ = spec.code(Parts {
            server: true,
            client: true,
        });
    }
});
