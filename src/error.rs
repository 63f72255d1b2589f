//! Errors meant for a person: one `error:` line naming the object, detail lines, one hint with
//! a command to copy (README: "Commands"). Commands return `anyhow::Result`; `main` renders a
//! [`UserError`] or a selection error as its report and anything else as its context chain.

use gopin_shim::{Report, SelectError};
use std::fmt;

/// An error that already knows how it should read.
#[derive(Debug)]
pub struct UserError(pub Report);

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for UserError {}

/// Wraps a report as an `anyhow` error.
pub fn user(report: Report) -> anyhow::Error {
    anyhow::Error::new(UserError(report))
}

/// A place that could not be reached (every URL of a download failed): another source may
/// still answer, unlike a mismatch or a full disk.
#[derive(Debug)]
pub struct Unreachable(pub Report);

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Unreachable {}

/// Wraps a report as an error that says the place could not be reached.
pub fn unreachable(report: Report) -> anyhow::Error {
    anyhow::Error::new(Unreachable(report))
}

/// The report for any error a command returned.
pub fn report_of(error: &anyhow::Error) -> Report {
    if let Some(UserError(report)) = error.downcast_ref::<UserError>() {
        return report.clone();
    }
    if let Some(Unreachable(report)) = error.downcast_ref::<Unreachable>() {
        return report.clone();
    }
    if let Some(select) = error.downcast_ref::<SelectError>() {
        return select.report();
    }
    // Kept typed up to here, so that a caller could tell a fork (no fallback) from the rest.
    if let Some(sumdb) = error.downcast_ref::<crate::sumdb::SumdbError>() {
        return sumdb.report();
    }
    // A context chain: the outermost message first, the causes as details.
    let mut chain = error.chain();
    let message = chain.next().map(ToString::to_string).unwrap_or_default();
    let mut report = Report::new(message);
    for cause in chain {
        if let Some(UserError(inner)) = cause.downcast_ref::<UserError>() {
            report.details.push(inner.message.clone());
            report.details.extend(inner.details.iter().cloned());
            report.hint = report.hint.or_else(|| inner.hint.clone());
        } else if let Some(inner) = cause
            .downcast_ref::<SelectError>()
            .map(SelectError::report)
            .or_else(|| {
                cause
                    .downcast_ref::<crate::sumdb::SumdbError>()
                    .map(crate::sumdb::SumdbError::report)
            })
        {
            report.details.push(inner.message);
            report.details.extend(inner.details);
            report.hint = report.hint.or(inner.hint);
        } else {
            report.details.push(cause.to_string());
        }
    }
    report
}

/// An invalid environment variable.
pub fn bad_variable(var: &str, value: &str, expected: &str, hint: String) -> anyhow::Error {
    user(
        Report::new(format!("invalid {var} {value:?}"))
            .detail(expected.to_owned())
            .hint(hint),
    )
}

/// A write that failed, with what to do: on a full disk, what was kept and how to free space;
/// otherwise, which folder must be writable. The one report for both downloads and unpacking.
pub fn write_failed(
    path: &std::path::Path,
    error: &std::io::Error,
    kept: &str,
    folder: &std::path::Path,
) -> Report {
    const ENOSPC: i32 = 28;
    let report = Report::new(format!("cannot write {}", path.display())).detail(error.to_string());
    if error.raw_os_error() == Some(ENOSPC) {
        report.detail(kept).hint(format!(
            "free space under {} (`gopin cache clean` removes old downloads) and run the command again",
            folder.display()
        ))
    } else {
        report.hint(format!("check that {} is writable", folder.display()))
    }
}
