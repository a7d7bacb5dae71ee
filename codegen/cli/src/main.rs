//! The `oapi-gen` command line: checks OpenAPI documents and generates Rust crates.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use oapi_gen::diagnostics::Summary;
use oapi_gen::output::{self, CrateKind, RuntimeDependency};
use oapi_gen::{Error, Spec};

mod new;

/// Generation allocates and frees tens of millions of small token, syntax-tree and
/// string nodes; mimalloc does that in much less time than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// OpenAPI-first code generation for Rust services.
#[derive(Debug, Parser)]
#[command(name = "oapi-gen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a document and print every problem with its file and JSON pointer.
    ///
    /// Exits with status 1 when there is an error (or a warning, with
    /// `--deny-warnings`); warnings alone (constructs the generated code approximates)
    /// are printed and exit with status 0.
    Check {
        /// The OpenAPI 3.0 or 3.1 (or Swagger 2.0) document (YAML or JSON).
        spec: PathBuf,
        #[command(flatten)]
        warnings: WarningArgs,
    },
    /// Write a library crate with the models (serde types) of a document.
    Types(CrateArgs),
    /// Write a library crate with the models and the axum server of a document.
    Server(CrateArgs),
    /// Write a library crate with the models and the async client of a document.
    Client(CrateArgs),
    /// Create a service crate at DIR/NAME: an example OpenAPI document, its
    /// handlers, local and AWS Lambda serving, tests and CDK infrastructure.
    ///
    /// Inside a Cargo workspace, the crate is added to its members.
    New(NewArgs),
}

/// Options of `oapi-gen new`.
#[derive(Debug, clap::Args)]
struct NewArgs {
    /// The crate name (also the binary's and the service's): ASCII letters, digits,
    /// `-` and `_`, starting with a letter.
    name: String,
    /// The directory to create the crate in (created if missing).
    #[arg(long, value_name = "DIR", default_value = "packages")]
    directory: PathBuf,
    /// Depend on the oapi-gen crates of a local checkout at this directory instead of
    /// crates.io (for developing oapi-gen itself).
    #[arg(long, value_name = "DIR")]
    oapi_gen_path: Option<PathBuf>,
}

/// How warnings are treated.
#[derive(Debug, clap::Args)]
struct WarningArgs {
    /// Fail (exit 1, nothing written) when the document has warnings: constructs the
    /// generated code can only approximate.
    #[arg(long)]
    deny_warnings: bool,
}

impl WarningArgs {
    /// Loads the document, printing its warnings on standard error, or failing on
    /// them when they are denied.
    fn load(&self, spec: &std::path::Path) -> Result<Spec, Error> {
        let loaded = Spec::load(spec)?;
        if self.deny_warnings {
            return loaded.deny_warnings();
        }
        for warning in &loaded.warnings {
            eprintln!("{warning}");
        }
        Ok(loaded)
    }
}

/// Options shared by the subcommands that write a crate.
#[derive(Debug, clap::Args)]
struct CrateArgs {
    /// The OpenAPI 3.0 or 3.1 (or Swagger 2.0) document (YAML or JSON).
    #[arg(long)]
    spec: PathBuf,
    /// The directory of the crate to write (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The crate name; by default made from the API title.
    #[arg(long)]
    name: Option<String>,
    /// Depend on a local checkout of `oapi-gen-runtime` at this directory instead of
    /// the published crate.
    #[arg(long, value_name = "DIR")]
    runtime_path: Option<PathBuf>,
    #[command(flatten)]
    warnings: WarningArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn write_crate(kind: CrateKind, args: CrateArgs) -> Result<(), Error> {
    let loaded = args.warnings.load(&args.spec)?;
    let runtime = match args.runtime_path {
        Some(path) => RuntimeDependency::Path(path),
        None => RuntimeDependency::default(),
    };
    output::write_crate(&loaded, kind, &args.out, args.name.as_deref(), &runtime)?;
    println!(
        "wrote crate with {} types and {} operations to {}",
        loaded.api.types.defs.len(),
        loaded.api.operations.len(),
        args.out.display()
    );
    Ok(())
}

/// Creates the project and says what was created and what to run next.
fn new_project(args: NewArgs) -> Result<(), new::NewError> {
    let created = new::create(&new::Options {
        name: args.name,
        directory: args.directory,
        oapi_gen_path: args.oapi_gen_path,
    })?;
    let dir = created.dir.display();
    println!("Created {dir}:");
    for file in &created.files {
        println!("  {file}");
    }
    match &created.membership {
        new::Membership::Standalone => {
            println!("It is a crate of its own (no Cargo workspace encloses it).");
        }
        new::Membership::Added { manifest, member } => println!(
            "Added \"{member}\" to the workspace members in {}.",
            manifest.display()
        ),
        new::Membership::Covered { manifest, pattern } => println!(
            "It is a member of the workspace in {} (through \"{pattern}\").",
            manifest.display()
        ),
        new::Membership::Excluded { manifest, pattern } => println!(
            "The workspace in {} excludes it (\"{pattern}\"): it is a crate of its own.",
            manifest.display()
        ),
    }
    println!("\nNext:\n  cd {dir} && cargo run\n  open http://127.0.0.1:8000/docs");
    Ok(())
}

fn run(command: Command) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Check { spec, warnings } => {
            let loaded = warnings.load(&spec)?;
            let api = &loaded.api;
            println!(
                "{}: OpenAPI {}, {} operations, {} types, {} files: {}",
                spec.display(),
                api.openapi_version,
                api.operations.len(),
                api.types.defs.len(),
                loaded.files.len(),
                Summary(&loaded.warnings),
            );
            Ok(())
        }
        Command::Types(args) => Ok(write_crate(CrateKind::Types, args)?),
        Command::Server(args) => Ok(write_crate(CrateKind::Server, args)?),
        Command::Client(args) => Ok(write_crate(CrateKind::Client, args)?),
        Command::New(args) => Ok(new_project(args)?),
    }
}
