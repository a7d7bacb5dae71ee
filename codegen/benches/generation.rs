//! Benchmark of model generation on a large synthetic OpenAPI 3.1 document.
//!
//! Run with `cargo bench -p oapi-gen --bench generation` (add `-- --no-check` to skip
//! the `cargo check` measurements). It
//!
//! 1. builds a deterministic document of about 1,000 operations and 1,000 component
//!    schemas and writes it to `<target>/bench/synthetic/openapi.json`;
//! 2. times [`oapi_gen::Spec::load`] (load and lowering) and [`oapi_gen::Spec::types`]
//!    (emission) in-process, against a baseline of parsing the same file with
//!    `serde_json` into a `Value`;
//! 3. writes the types crate to `<target>/bench/synthetic/crate` and a trivial crate
//!    with the same dependencies to `<target>/bench/baseline`, and times `cargo check`
//!    of both (with the peak RSS of the compiler, where GNU `time` is available);
//! 4. prints a report.
//!
//! `<target>` is `CARGO_TARGET_DIR`, or `target` in the workspace root. A generated
//! crate that does not compile is reported with the compiler's errors, and the
//! benchmark exits with a failure status.

#[path = "generation/compile.rs"]
mod compile;
#[path = "generation/synthetic.rs"]
mod synthetic;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oapi_gen::Spec;
use oapi_gen::output::{RuntimeDependency, write_types_crate};
use serde_json::Value;

use compile::{CheckRun, Checker, Measured};

/// Timed runs of in-process generation and of the parse baseline.
const RUNS: usize = 7;
/// Timed runs of each `cargo check` measurement.
const CHECK_RUNS: usize = 3;
/// The package name of the generated crate.
const CRATE_NAME: &str = "synthetic-types";

fn main() -> ExitCode {
    let check = !std::env::args().any(|arg| arg == "--no-check");
    let paths = match Paths::discover() {
        Ok(paths) => paths,
        Err(message) => return fail(&message),
    };
    match run(&paths, check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => fail(&message),
    }
}

/// Prints `message` as the reason the benchmark stopped.
fn fail(message: &str) -> ExitCode {
    eprintln!("benchmark failed: {message}");
    ExitCode::FAILURE
}

/// The whole benchmark; `Ok(false)` when the generated crate does not compile.
fn run(paths: &Paths, check: bool) -> Result<bool, String> {
    let document = synthetic::document();
    let shape = Shape::of(&document);
    let json = serde_json::to_vec_pretty(&document).map_err(|e| e.to_string())?;
    write(&paths.spec(), &json)?;
    eprintln!("generating from {} ...", paths.show(&paths.spec()));

    let generation = Generation::measure(&paths.spec())?;
    let parse = Stats::measure(|| {
        let bytes = std::fs::read(paths.spec()).expect("the document was just written");
        black_box(serde_json::from_slice::<Value>(&bytes).expect("the document is JSON"));
    });
    let runtime = RuntimeDependency::Path(paths.workspace.join("runtime"));
    write_types_crate(
        &generation.spec,
        &paths.generated(),
        Some(CRATE_NAME),
        &runtime,
    )
    .map_err(|e| e.to_string())?;

    let checks = if check {
        Some(Checks::measure(paths)?)
    } else {
        None
    };
    let report = Report {
        paths,
        shape,
        document_bytes: json.len(),
        generation: &generation,
        parse,
        checks: checks.as_ref(),
    };
    report.print();
    Ok(checks.as_ref().is_none_or(Checks::generated_compiles))
}

/// Writes `contents` to `path`, creating its directory.
fn write(path: &Path, contents: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where the benchmark reads and writes.
struct Paths {
    /// The workspace root (the directory of the `Cargo.toml` with `[workspace]`).
    workspace: PathBuf,
    /// `<target>/bench`.
    bench: PathBuf,
}

impl Paths {
    /// Finds the workspace from `CARGO_MANIFEST_DIR` and the target directory from
    /// `CARGO_TARGET_DIR` (relative values are taken from the workspace root).
    fn discover() -> Result<Paths, String> {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let manifest_dir = std::fs::canonicalize(&manifest_dir)
            .map_err(|e| format!("{}: {e}", manifest_dir.display()))?;
        let workspace = manifest_dir
            .ancestors()
            .find(|dir| {
                std::fs::read_to_string(dir.join("Cargo.toml"))
                    .is_ok_and(|toml| toml.lines().any(|line| line.trim() == "[workspace]"))
            })
            .ok_or("no workspace root above CARGO_MANIFEST_DIR")?
            .to_path_buf();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => workspace.join(dir),
            None => workspace.join("target"),
        };
        Ok(Paths {
            workspace,
            bench: target.join("bench"),
        })
    }

    /// The synthetic document.
    fn spec(&self) -> PathBuf {
        self.bench.join("synthetic").join("openapi.json")
    }

    /// The generated types crate.
    fn generated(&self) -> PathBuf {
        self.bench.join("synthetic").join("crate")
    }

    /// The baseline crate.
    fn baseline(&self) -> PathBuf {
        self.bench.join("baseline")
    }

    /// The target directory of the `cargo check` runs.
    fn check_target(&self) -> PathBuf {
        self.bench.join("check-target")
    }

    /// `path` relative to the workspace when it is inside it, for display.
    fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.workspace)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// Counts of what the document declares.
struct Shape {
    paths: usize,
    operations: usize,
    schemas: usize,
}

impl Shape {
    fn of(document: &Value) -> Shape {
        let methods = [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ];
        let paths = document["paths"].as_object().map_or(0, |p| p.len());
        let operations = document["paths"].as_object().map_or(0, |paths| {
            paths
                .values()
                .flat_map(|item| methods.iter().filter(|m| item.get(**m).is_some()))
                .count()
        });
        let schemas = document["components"]["schemas"]
            .as_object()
            .map_or(0, |s| s.len());
        Shape {
            paths,
            operations,
            schemas,
        }
    }
}

/// The minimum and median of timed runs.
#[derive(Debug, Clone, Copy)]
struct Stats {
    min: Duration,
    median: Duration,
}

impl Stats {
    /// Times [`RUNS`] runs of `f`.
    fn measure(mut f: impl FnMut()) -> Stats {
        let samples: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect();
        Stats::of(samples)
    }

    fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        Stats {
            min: samples[0],
            median: samples[samples.len() / 2],
        }
    }

    /// `min / median` in milliseconds.
    fn show(self) -> String {
        format!(
            "{:.1} / {:.1} ms",
            self.min.as_secs_f64() * 1e3,
            self.median.as_secs_f64() * 1e3
        )
    }
}

/// In-process generation, timed, and its result.
struct Generation {
    /// `Spec::load`: reading, parsing, resolving and lowering.
    load: Stats,
    /// `Spec::types`: emitting and formatting.
    emit: Stats,
    /// Both.
    total: Stats,
    /// The loaded document of the last run.
    spec: Spec,
    /// The source of the last run.
    source: String,
}

impl Generation {
    fn measure(path: &Path) -> Result<Generation, String> {
        let (mut load, mut emit, mut total) = (Vec::new(), Vec::new(), Vec::new());
        let mut last = None;
        for _ in 0..RUNS {
            let start = Instant::now();
            let spec = Spec::load(path).map_err(|e| format!("loading failed:\n{e}"))?;
            let loaded = Instant::now();
            let source = spec.types().map_err(|e| format!("emission failed:\n{e}"))?;
            let done = Instant::now();
            load.push(loaded - start);
            emit.push(done - loaded);
            total.push(done - start);
            last = Some((spec, source));
        }
        let (spec, source) = last.expect("RUNS > 0");
        Ok(Generation {
            load: Stats::of(load),
            emit: Stats::of(emit),
            total: Stats::of(total),
            spec,
            source,
        })
    }

    /// Top-level `pub struct`, `pub enum` and `pub type` items of the source.
    fn items(&self) -> usize {
        self.source
            .lines()
            .filter(|line| {
                ["pub struct ", "pub enum ", "pub type "]
                    .iter()
                    .any(|item| line.starts_with(item))
            })
            .count()
    }
}

/// The `cargo check` measurements.
struct Checks {
    /// The baseline crate after touching its `lib.rs`.
    baseline: Measured,
    /// The generated crate built for the first time (dependencies already built).
    cold: Measured,
    /// The generated crate after touching its `lib.rs`.
    touched: Measured,
    /// Whether peak RSS was measured.
    rss: bool,
}

impl Checks {
    fn measure(paths: &Paths) -> Result<Checks, String> {
        let checker = Checker::new(paths.check_target());
        let baseline = paths.baseline();
        let generated = paths.generated();
        compile::write_baseline_crate(&baseline, &paths.workspace.join("runtime"))
            .map_err(|e| format!("writing the baseline crate: {e}"))?;
        for dir in [&baseline, &generated] {
            compile::seed_lock_file(&paths.workspace, dir).map_err(|e| e.to_string())?;
            checker.make_standalone(&dir.join("Cargo.toml"))?;
        }
        let baseline_manifest = baseline.join("Cargo.toml");
        let generated_manifest = generated.join("Cargo.toml");

        eprintln!("warming the dependencies (cargo check of the baseline crate) ...");
        let warm = checker.check(&baseline_manifest);
        if let Some(failure) = warm.failure {
            return Err(format!("the baseline crate does not build:\n{failure}"));
        }
        eprintln!("cargo check: baseline, touched ...");
        let baseline = repeat(|| {
            touch_or_fail(&baseline.join("src/lib.rs"))
                .unwrap_or_else(|| checker.check(&baseline_manifest))
        });
        eprintln!("cargo check: generated crate, cold ...");
        let cold = repeat(|| match checker.clean(&generated_manifest, CRATE_NAME) {
            Ok(()) => checker.check(&generated_manifest),
            Err(e) => CheckRun::failed(format!("cargo clean failed:\n{e}")),
        });
        eprintln!("cargo check: generated crate, touched ...");
        let touched = match cold {
            Measured::Failed(_) => Measured::Failed("not measured: the cold build failed".into()),
            Measured::Ok { .. } => repeat(|| {
                touch_or_fail(&generated.join("src/lib.rs"))
                    .unwrap_or_else(|| checker.check(&generated_manifest))
            }),
        };
        Ok(Checks {
            baseline,
            cold,
            touched,
            rss: checker.measures_rss(),
        })
    }

    fn generated_compiles(&self) -> bool {
        matches!(self.cold, Measured::Ok { .. })
    }
}

/// Runs `f` [`CHECK_RUNS`] times, stopping at the first failure.
fn repeat(mut f: impl FnMut() -> CheckRun) -> Measured {
    let mut runs = Vec::new();
    for _ in 0..CHECK_RUNS {
        let run = f();
        let failed = run.failure.is_some();
        runs.push(run);
        if failed {
            break;
        }
    }
    Measured::from_runs(&runs)
}

/// Touches `path`; a failed run when that fails.
fn touch_or_fail(path: &Path) -> Option<CheckRun> {
    compile::touch(path)
        .err()
        .map(|e| CheckRun::failed(format!("cannot touch {}: {e}", path.display())))
}

/// Everything the report shows.
struct Report<'a> {
    paths: &'a Paths,
    shape: Shape,
    document_bytes: usize,
    generation: &'a Generation,
    parse: Stats,
    checks: Option<&'a Checks>,
}

impl Report<'_> {
    fn print(&self) {
        let g = self.generation;
        let api = &g.spec.api;
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!();
        println!("oapi-gen generation benchmark: synthetic OpenAPI 3.1 document");
        println!("{}", "-".repeat(72));
        row("document", self.paths.show(&self.paths.spec()));
        row(
            "CPUs available",
            std::thread::available_parallelism().map_or("?".into(), |n| n.to_string()),
        );
        row(
            "document size",
            format!("{:.1} MB", self.document_bytes as f64 / 1e6),
        );
        row(
            "paths / operations / component schemas",
            format!(
                "{} / {} / {}",
                self.shape.paths, self.shape.operations, self.shape.schemas
            ),
        );
        row("operations in the IR", api.operations.len().to_string());
        row("named types in the IR", api.types.defs.len().to_string());
        row("generated items (struct/enum/type)", g.items().to_string());
        row(
            "generated code",
            format!(
                "{} lines, {:.2} MB",
                g.source.lines().count(),
                g.source.len() as f64 / 1e6
            ),
        );
        println!("{}", "-".repeat(72));
        row(&format!("times over {RUNS} runs"), "min / median".into());
        row("load + lower (Spec::load)", g.load.show());
        row("emit (Spec::types)", g.emit.show());
        row("generation total", g.total.show());
        row("baseline: read + serde_json::Value", self.parse.show());
        row(
            "ratio generation / parse",
            format!(
                "{:.1}x (min), {:.1}x (median)",
                ratio(g.total.min, self.parse.min),
                ratio(g.total.median, self.parse.median)
            ),
        );
        if let Some(checks) = self.checks {
            self.print_checks(checks);
        }
        println!("{}", "-".repeat(72));
    }

    fn print_checks(&self, checks: &Checks) {
        println!("{}", "-".repeat(72));
        row(
            &format!("cargo check, min of {CHECK_RUNS}"),
            if checks.rss {
                "time, peak RSS (cargo + rustc)".into()
            } else {
                "time (GNU time not found: no RSS)".into()
            },
        );
        row(
            "baseline crate, lib.rs touched",
            checks.baseline.to_string(),
        );
        row(
            "generated crate, cold (deps built)",
            checks.cold.to_string(),
        );
        row(
            "generated crate, lib.rs touched",
            checks.touched.to_string(),
        );
        if let (Some(base), Some(cold)) = (checks.baseline.seconds(), checks.cold.seconds()) {
            row(
                "ratio generated cold / baseline",
                format!("{:.1}x", cold / base),
            );
        }
        if let (Some(base), Some(touched)) = (checks.baseline.seconds(), checks.touched.seconds()) {
            row(
                "ratio generated touched / baseline",
                format!("{:.1}x", touched / base),
            );
        }
        self.print_diagnostics(checks);
    }

    /// The compiler's errors or warnings about the generated crate, if any.
    fn print_diagnostics(&self, checks: &Checks) {
        let crate_dir = self.paths.show(&self.paths.generated());
        match &checks.cold {
            Measured::Failed(output) => {
                println!("{}", "=".repeat(72));
                println!("THE GENERATED CRATE DOES NOT COMPILE ({crate_dir}):");
                print_excerpt(output, 80);
            }
            Measured::Ok {
                warnings,
                warnings_text,
                ..
            } if *warnings > 0 => {
                println!("{}", "=".repeat(72));
                println!("the generated crate compiles with warnings ({crate_dir}):");
                print_excerpt(warnings_text, 40);
            }
            Measured::Ok { .. } => {}
        }
    }
}

/// One line of the report table.
fn row(label: &str, value: String) {
    println!("{label:<40} {value}");
}

/// The first `lines` lines of Cargo's output, without its progress lines.
fn print_excerpt(output: &str, lines: usize) {
    let relevant: Vec<&str> = output
        .lines()
        .filter(|line| {
            let line = line.trim_start();
            !(line.starts_with("Checking ")
                || line.starts_with("Compiling ")
                || line.starts_with("Finished ")
                || line.starts_with("Locking ")
                || line.starts_with("Adding "))
        })
        .collect();
    for line in relevant.iter().take(lines) {
        println!("  {line}");
    }
    if relevant.len() > lines {
        println!("  ... ({} more lines)", relevant.len() - lines);
    }
}
