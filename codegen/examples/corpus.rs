//! One document of a corpus run (`scripts/corpus.py`): loads it, emits the models,
//! then the models with the server and the client in one file, as `Spec::code` does
//! for a build script that asks for both.
//!
//! ```text
//! cargo run --release -p oapi-gen --example corpus -- SPEC OUT.rs
//! ```
//!
//! Prints `stage <name>` on stdout after each stage passes (`check`, `types`, `code`),
//! so a caller knows how far a document got even when a later stage panics, and one
//! `warning <kind>` line per warning of the document after `check`. A failure prints
//! the report on stderr and exits with status 1.

use std::path::PathBuf;
use std::process::ExitCode;

use oapi_gen::Spec;
use oapi_gen::emit::Parts;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(spec), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: corpus SPEC OUT.rs");
        return ExitCode::from(2);
    };
    match run(PathBuf::from(spec), PathBuf::from(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec: PathBuf, out: PathBuf) -> Result<(), String> {
    let loaded = Spec::load(&spec).map_err(|e| e.to_string())?;
    println!("stage check");
    for warning in &loaded.warnings {
        let kind = warning.approximation.map_or("other", |kind| kind.name());
        println!("warning {kind}");
    }
    loaded.types().map_err(|e| e.to_string())?;
    println!("stage types");
    let code = loaded
        .code(Parts {
            server: true,
            client: true,
        })
        .map_err(|e| e.to_string())?;
    std::fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("stage code");
    Ok(())
}
