//! Running `cargo check` on standalone crates and measuring it.
//!
//! The crates live under the workspace's target directory but are not members of the
//! workspace, so each gets an empty `[workspace]` table when Cargo asks for one. They
//! build into a target directory of their own, so that the dependencies compiled for
//! the baseline crate are reused by the generated one.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Instant, SystemTime};

/// What Cargo says about a crate inside a workspace that does not list it.
const NOT_A_MEMBER: &str = "believes it's in a workspace when it's not";

/// The GNU `time` program, used to read the peak resident set size of a command
/// (with its descendants: the kernel reports the largest reaped process of the tree).
const TIME: &str = "/usr/bin/time";

/// One `cargo check`.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The peak resident set size of Cargo and the compilers it ran, in KiB.
    pub peak_rss_kib: Option<u64>,
    /// The number of warnings the checked crate produced.
    pub warnings: usize,
    /// Cargo's output when there are warnings.
    pub warnings_text: String,
    /// Why the check failed (Cargo's diagnostics), if it did.
    pub failure: Option<String>,
}

/// The best of several runs of one measurement, or why it could not be made.
#[derive(Debug, Clone)]
pub enum Measured {
    /// Every run succeeded: the fastest time and the largest peak RSS.
    Ok {
        /// The fastest run, in seconds.
        seconds: f64,
        /// The largest peak RSS of the runs, in KiB, when it can be measured.
        peak_rss_kib: Option<u64>,
        /// Warnings of the last run.
        warnings: usize,
        /// Cargo's output of the last run, when it has warnings.
        warnings_text: String,
    },
    /// A run failed; the text is Cargo's output.
    Failed(String),
}

impl Measured {
    /// Summarises `runs`, failing as soon as one of them failed.
    pub fn from_runs(runs: &[CheckRun]) -> Measured {
        if let Some(failure) = runs.iter().find_map(|run| run.failure.clone()) {
            return Measured::Failed(failure);
        }
        Measured::Ok {
            seconds: runs.iter().map(|r| r.seconds).fold(f64::INFINITY, f64::min),
            peak_rss_kib: runs.iter().filter_map(|r| r.peak_rss_kib).max(),
            warnings: runs.last().map_or(0, |r| r.warnings),
            warnings_text: runs
                .last()
                .map_or_else(String::new, |r| r.warnings_text.clone()),
        }
    }

    /// The fastest time, when the measurement succeeded.
    pub fn seconds(&self) -> Option<f64> {
        match self {
            Measured::Ok { seconds, .. } => Some(*seconds),
            Measured::Failed(_) => None,
        }
    }
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measured::Ok {
                seconds,
                peak_rss_kib,
                warnings,
                ..
            } => {
                write!(f, "{seconds:.2} s")?;
                match peak_rss_kib {
                    Some(kib) => write!(f, ", peak RSS {:.0} MB", *kib as f64 / 1024.0)?,
                    None => write!(f, ", peak RSS n/a")?,
                }
                match warnings {
                    0 => {}
                    1 => write!(f, ", 1 warning")?,
                    n => write!(f, ", {n} warnings")?,
                }
                Ok(())
            }
            Measured::Failed(_) => write!(f, "FAILED (see below)"),
        }
    }
}

/// Runs Cargo on standalone crates with a shared target directory.
pub struct Checker {
    cargo: OsString,
    target_dir: PathBuf,
    /// Set when GNU `time` works here; the file it writes its report to.
    time_report: Option<PathBuf>,
}

impl Checker {
    /// A checker building into `target_dir`, with the `cargo` running this benchmark.
    pub fn new(target_dir: PathBuf) -> Checker {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let report = target_dir.join("time-report.txt");
        let time_report = time_works(&report).then_some(report);
        Checker {
            cargo,
            target_dir,
            time_report,
        }
    }

    /// Whether peak RSS can be measured.
    pub fn measures_rss(&self) -> bool {
        self.time_report.is_some()
    }

    /// `cargo <args> --manifest-path <manifest>`, building into the shared target
    /// directory; under GNU `time` when `timed` and it is available.
    fn cargo(&self, args: &[&str], manifest: &Path, timed: bool) -> Command {
        let mut command = match (&self.time_report, timed) {
            (Some(report), true) => {
                let mut time = Command::new(TIME);
                time.args(["-f", "%M", "-o"]).arg(report).arg(&self.cargo);
                time
            }
            _ => Command::new(&self.cargo),
        };
        command
            .args(args)
            .arg("--manifest-path")
            .arg(manifest)
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("CARGO_TERM_COLOR", "never");
        command
    }

    /// Makes the crate at `manifest` buildable on its own: when Cargo takes it for a
    /// stray member of the enclosing workspace, appends an empty `[workspace]` table.
    pub fn make_standalone(&self, manifest: &Path) -> Result<(), String> {
        for attempt in 0..2 {
            let output = self
                .cargo(
                    &["metadata", "--no-deps", "--format-version", "1"],
                    manifest,
                    false,
                )
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if output.status.success() {
                return Ok(());
            }
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            if attempt > 0 || !stderr.contains(NOT_A_MEMBER) {
                return Err(stderr);
            }
            let mut text = fs::read_to_string(manifest).map_err(|e| e.to_string())?;
            text.push_str("\n[workspace]\n");
            fs::write(manifest, text).map_err(|e| e.to_string())?;
        }
        unreachable!("the loop returns on its second attempt")
    }

    /// `cargo check` of the crate at `manifest`, timed.
    pub fn check(&self, manifest: &Path) -> CheckRun {
        if let Some(report) = &self.time_report {
            let _ = fs::remove_file(report);
        }
        let mut command = self.cargo(&["check"], manifest, true);
        let start = Instant::now();
        let output = command.output();
        let seconds = start.elapsed().as_secs_f64();
        let output = match output {
            Ok(output) => output,
            Err(e) => return CheckRun::failed(format!("cannot run cargo: {e}")),
        };
        self.run_of(&output, seconds)
    }

    fn run_of(&self, output: &Output, seconds: f64) -> CheckRun {
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let peak_rss_kib = self.time_report.as_deref().and_then(read_peak_rss);
        let warnings = count_warnings(&stderr);
        let success = output.status.success();
        CheckRun {
            seconds,
            peak_rss_kib,
            warnings,
            warnings_text: if success && warnings > 0 {
                stderr.clone()
            } else {
                String::new()
            },
            failure: (!success).then_some(stderr),
        }
    }

    /// Removes the build artefacts of `package` only (its dependencies stay built).
    pub fn clean(&self, manifest: &Path, package: &str) -> Result<(), String> {
        let output = self
            .cargo(&["clean", "-p", package], manifest, false)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl CheckRun {
    /// A run that failed before or instead of checking.
    pub fn failed(message: String) -> CheckRun {
        CheckRun {
            seconds: 0.0,
            peak_rss_kib: None,
            warnings: 0,
            warnings_text: String::new(),
            failure: Some(message),
        }
    }
}

/// Whether GNU `time -f %M -o FILE` works on this machine.
fn time_works(report: &Path) -> bool {
    if let Some(parent) = report.parent() {
        let _ = fs::create_dir_all(parent);
    }
    Command::new(TIME)
        .args(["-f", "%M", "-o"])
        .arg(report)
        .arg("true")
        .output()
        .is_ok_and(|output| output.status.success())
        && read_peak_rss(report).is_some()
}

/// The last line of a GNU `time -f %M` report (it prefixes a line when the command
/// fails).
fn read_peak_rss(report: &Path) -> Option<u64> {
    let text = fs::read_to_string(report).ok()?;
    text.lines().last()?.trim().parse().ok()
}

/// Warnings in Cargo's human-readable output, without its `generated N warnings`
/// summary lines.
fn count_warnings(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.starts_with("warning:") && !line.contains(" generated "))
        .count()
}

/// Sets the modification time of `path` to now, so Cargo rebuilds what depends on it.
pub fn touch(path: &Path) -> std::io::Result<()> {
    fs::File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

/// `target` relative to the directory `base` (both absolute), for path dependencies
/// that do not depend on where the repository is checked out.
pub fn relative_path(target: &Path, base: &Path) -> PathBuf {
    let target: Vec<Component> = target.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = target.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    out.extend(&target[common..]);
    out
}

/// Writes a trivial library crate with the same dependencies as a generated types
/// crate: `oapi-gen-runtime` at `runtime` (by relative path) and `serde` with derive.
pub fn write_baseline_crate(dir: &Path, runtime: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    let runtime = relative_path(runtime, &fs::canonicalize(dir)?);
    let manifest = format!(
        "[package]\n\
         name = \"baseline\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         oapi-gen-runtime = {{ path = {:?} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n",
        runtime.to_string_lossy().replace('\\', "/")
    );
    let lib = "//! A trivial crate: the cost of `cargo check` without generated code.\n\
               \n\
               use serde::{Deserialize, Serialize};\n\
               \n\
               /// A trivial model.\n\
               #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n\
               pub struct Trivial {\n    \
                   /// A name.\n    \
                   pub name: String,\n\
               }\n";
    write_unless_same(&dir.join("Cargo.toml"), &manifest)?;
    write_unless_same(&dir.join("src").join("lib.rs"), lib)
}

/// Copies the workspace's lock file next to `manifest` when it has none, so that the
/// standalone crate resolves to the versions the workspace uses, without the network.
pub fn seed_lock_file(workspace: &Path, crate_dir: &Path) -> std::io::Result<()> {
    let lock = crate_dir.join("Cargo.lock");
    if lock.exists() {
        return Ok(());
    }
    fs::copy(workspace.join("Cargo.lock"), lock).map(|_| ())
}

/// Writes `contents` unless the file already holds them (keeping its timestamp).
fn write_unless_same(path: &Path, contents: &str) -> std::io::Result<()> {
    if fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return Ok(());
    }
    fs::write(path, contents)
}
