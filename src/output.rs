//! The one place that prints. Data goes to stdout (so `eval "$(gopin env)"` and pipes see
//! nothing else); messages, warnings and errors go to stderr.
//!
//! Versions, paths and index fields in what is printed may come from a stranger's repository
//! or a mirror, so every line passes through the escaping of `gopin_shim::text`: no control
//! character reaches the terminal raw (JSON escapes them itself).
#![allow(clippy::print_stdout)]

use gopin_shim::Report;
use gopin_shim::text::escape_keeping_lines;
use std::fmt::Display;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// `--quiet`: drop informational messages (warnings and errors still print).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// One line of data on stdout. A closed pipe comes back as an error `main` exits quietly on.
pub fn data(line: impl Display) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", escape_keeping_lines(&line.to_string()))
}

/// A JSON document on stdout, pretty-printed.
pub fn json(value: &serde_json::Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    // `From` keeps the kind of an underlying write error, so a closed pipe stays BrokenPipe.
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// A message for the person at the terminal.
pub fn info(message: impl Display) {
    if !QUIET.load(Ordering::Relaxed) {
        let _ = writeln!(
            io::stderr().lock(),
            "{}",
            escape_keeping_lines(&message.to_string())
        );
    }
}

/// Something the person should know even with `--quiet`.
pub fn warn(message: impl Display) {
    let _ = writeln!(
        io::stderr().lock(),
        "warning: {}",
        escape_keeping_lines(&message.to_string())
    );
}

/// An error report.
pub fn error(report: &Report) {
    let _ = write!(io::stderr().lock(), "{report}");
}
