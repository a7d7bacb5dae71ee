//! Where log lines and metric documents go: stdout by default, any
//! [`MakeWriter`] otherwise (a buffer in tests, `std::io::sink` in benchmarks).

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

/// The destination of log lines and EMF documents; each line is written with one
/// `write_all` on a fresh writer from the [`MakeWriter`] (so stdout is locked once
/// per line and lines never interleave). Cheap to clone.
#[derive(Clone)]
pub struct Writer(Arc<dyn WriteLine>);

trait WriteLine: Send + Sync {
    fn write_line(&self, line: &[u8]);
}

struct Lines<M>(M);

impl<M> WriteLine for Lines<M>
where
    M: for<'a> MakeWriter<'a> + Send + Sync,
{
    fn write_line(&self, line: &[u8]) {
        // Nowhere to report a failing log destination; the line is lost.
        let _ = self.0.make_writer().write_all(line);
    }
}

impl Writer {
    /// Lines to whatever `make_writer` makes.
    pub fn new<M>(make_writer: M) -> Self
    where
        M: for<'a> MakeWriter<'a> + Send + Sync + 'static,
    {
        Writer(Arc::new(Lines(make_writer)))
    }

    /// Lines to the process's standard output (where Lambda and CloudWatch read them).
    pub fn stdout() -> Self {
        Writer::new(std::io::stdout)
    }

    /// Writes one complete line (newline included).
    pub(super) fn write_line(&self, line: &[u8]) {
        self.0.write_line(line);
    }
}

impl Default for Writer {
    /// [`Writer::stdout`].
    fn default() -> Self {
        Writer::stdout()
    }
}

impl fmt::Debug for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}
