//! Why selection failed, with enough to name the object and suggest a command.
//!
//! Plain enum, no backtrace capture: the shim and the cd hook build these on their hot paths.

use crate::report::Report;
use crate::text::quote_path;
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
    /// A version file that is a FIFO, device, socket or terminal: refused unread.
    NotRegular { path: PathBuf, kind: &'static str },
    /// A version file over its size cap (bytes).
    TooLarge { path: PathBuf, cap: u64 },
    /// GOPIN_HOME cannot be used as the root.
    BadHome {
        value: String,
        problem: &'static str,
    },
    /// Neither the environment nor a file nor the default chose a version.
    NothingSelected { cwd: PathBuf },
    /// No root folder could be found (no GOPIN_HOME and no HOME).
    NoRoot,
    /// The current directory is gone or unreadable.
    NoCwd(io::Error),
}

impl SelectError {
    /// The error for a version file [`crate::small_file::read`] refused.
    pub fn from_read(path: &std::path::Path, error: crate::small_file::ReadError) -> SelectError {
        use crate::small_file::ReadError;
        let path = path.to_owned();
        match error {
            ReadError::NotRegular(kind) => SelectError::NotRegular { path, kind },
            ReadError::TooLarge(cap) => SelectError::TooLarge { path, cap },
            ReadError::Io(error) => SelectError::Io { path, error },
        }
    }

    pub fn report(&self) -> Report {
        match self {
            SelectError::BadSpecVar { var, value } => Report::new(format!("invalid version {:?} in {var}", crate::text::shorten(value, 200)))
                .detail("expected an exact version (1.22.10, 1.23rc1), a line (1.22, 1), latest or system")
                .hint(format!("set it to a version, e.g. `export {var}=1.22.10`, or unset it")),
            SelectError::Malformed {
                path,
                line,
                text,
                problem,
                hint,
            } => Report::new(format!(
                "invalid line in {}:{line}: {:?}",
                path.display(),
                crate::text::shorten(text, 200)
            ))
                .detail(problem.clone())
                .hint(hint.clone()),
            SelectError::EmptyFile { path } => Report::new(format!("{} holds no version", path.display()))
                .detail("expected one line with a version such as 1.22.10")
                .hint(format!("write one with `gopin pin 1.22` or delete it: `rm {}`", quote_path(path))),
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
            SelectError::Io { path, error } if path_too_long(error) => Report::new(format!("cannot read {}", path.display()))
                .detail(format!("its path is longer than the system allows (PATH_MAX): {error}"))
                .hint("cd to a shorter path (a symbolic link to the project works) and run the command again"),
            SelectError::Io { path, error } => Report::new(format!("cannot read {}", path.display()))
                .detail(error.to_string())
                .hint(format!("check the file's permissions: `ls -l {}`", quote_path(path))),
            SelectError::NotRegular { path, kind } => Report::new(format!("{} is not a regular file", path.display()))
                .detail(format!("it is {kind}; version files must be regular files, so it was not read"))
                .hint(format!("replace it with a file holding a version, or remove it: `rm {}`", quote_path(path))),
            SelectError::TooLarge { path, cap } => Report::new(format!("{} is too large", path.display()))
                .detail(format!("a version file may hold at most {} KiB; it was not read", cap / 1024))
                .hint(format!("check what the file holds: `head -c 200 {}`", quote_path(path))),
            SelectError::BadHome { value, problem } => Report::new(format!("invalid GOPIN_HOME {value:?}"))
                .detail((*problem).to_owned())
                .hint("set GOPIN_HOME to an absolute folder without `:`, e.g. `export GOPIN_HOME=\"$HOME/.gopin\"`, or unset it"),
            SelectError::NothingSelected { cwd } => Report::new("no Go version is selected here")
                .detail(format!("no GOPIN_TOOLCHAIN, no project file above {}, no default", cwd.display()))
                .hint("run `gopin default 1.22` (for every directory) or `gopin pin 1.22` (for this one)"),
            SelectError::NoRoot => Report::new("cannot find gopin's data folder")
                .detail("neither GOPIN_HOME nor HOME is set")
                .hint("set GOPIN_HOME, e.g. `export GOPIN_HOME=$PWD/.gopin`"),
            SelectError::NoCwd(error) if path_too_long(error) => Report::new("cannot read the current directory")
                .detail(format!("its path is longer than the system allows (PATH_MAX, 4096 bytes): {error}"))
                .hint("cd to a shorter path (a symbolic link to the project works) and run the command again"),
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

/// ENAMETOOLONG, or a working directory whose `$PWD` is past PATH_MAX (glibc's getcwd then
/// falls back to walking `..` and can fail with a misleading "permission denied").
fn path_too_long(error: &io::Error) -> bool {
    const ENAMETOOLONG: i32 = if cfg!(target_os = "linux") { 36 } else { 63 };
    const PATH_MAX: usize = 4096;
    error.raw_os_error() == Some(ENAMETOOLONG)
        || std::env::var_os("PWD").is_some_and(|pwd| pwd.len() >= PATH_MAX)
}
