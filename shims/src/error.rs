//! Why selection failed, with enough to name the object and suggest a command.
//!
//! Plain enum, no backtrace capture: the shim and the cd hook build these on their hot paths.

use crate::report::Report;
use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum SelectError {
    /// A spec that is not one, from a variable (`GOPIN_TOOLCHAIN`).
    BadSpecVar { var: &'static str, value: String },
    /// A file whose line is not what it must be.
    Malformed {
        path: PathBuf,
        line: usize,
        text: String,
        problem: String,
        hint: String,
    },
    /// A `.go-version` or default file with no spec line.
    EmptyFile { path: PathBuf },
    /// A Go setting (GOTOOLCHAIN, GOWORK) Go itself would refuse.
    BadGoSetting {
        var: &'static str,
        value: String,
        origin: String,
        problem: String,
    },
    /// A file that exists but cannot be read.
    Io { path: PathBuf, error: io::Error },
    /// Neither the environment nor a file nor the default chose a version.
    NothingSelected { cwd: PathBuf },
    /// No root folder could be found (no GOPIN_HOME and no HOME).
    NoRoot,
    /// The current directory is gone or unreadable.
    NoCwd(io::Error),
}

impl SelectError {
    pub fn report(&self) -> Report {
        match self {
            SelectError::BadSpecVar { var, value } => Report::new(format!("invalid version {value:?} in {var}"))
                .detail("expected an exact version (1.22.10, 1.23rc1), a line (1.22, 1), latest or system")
                .hint(format!("set it to a version, e.g. `export {var}=1.22.10`, or unset it")),
            SelectError::Malformed {
                path,
                line,
                text,
                problem,
                hint,
            } => Report::new(format!("invalid line in {}:{line}: {text:?}", path.display()))
                .detail(problem.clone())
                .hint(hint.clone()),
            SelectError::EmptyFile { path } => Report::new(format!("{} holds no version", path.display()))
                .detail("expected one line with a version such as 1.22.10")
                .hint(format!("write one with `gopin pin 1.22` or delete {}", path.display())),
            SelectError::BadGoSetting {
                var,
                value,
                origin,
                problem,
            } => Report::new(format!("invalid {var} {value:?} ({origin})"))
                .detail(problem.clone())
                .hint(match *var {
                    "GOWORK" => "set GOWORK to off or to an absolute path of a go.work file, or unset it".to_owned(),
                    _ => "set GOTOOLCHAIN to a toolchain such as go1.22.10, to local, or unset it \
                          (`go env -u GOTOOLCHAIN` for the go env file)"
                        .to_owned(),
                }),
            SelectError::Io { path, error } => Report::new(format!("cannot read {}", path.display()))
                .detail(error.to_string())
                .hint(format!("check the file's permissions: `ls -l {}`", path.display())),
            SelectError::NothingSelected { cwd } => Report::new("no Go version is selected here")
                .detail(format!("no GOPIN_TOOLCHAIN, no project file above {}, no default", cwd.display()))
                .hint("run `gopin default 1.22` (for every directory) or `gopin pin 1.22` (for this one)"),
            SelectError::NoRoot => Report::new("cannot find gopin's data folder")
                .detail("neither GOPIN_HOME nor HOME is set")
                .hint("set GOPIN_HOME, e.g. `export GOPIN_HOME=$PWD/.gopin`"),
            SelectError::NoCwd(error) => Report::new("cannot read the current directory")
                .detail(error.to_string())
                .hint("cd into an existing directory and run the command again"),
        }
    }
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report().message)
    }
}

impl std::error::Error for SelectError {}
