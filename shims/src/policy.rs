//! What gopin does for the `go` it starts, in one place for the shim, `exec`, `env`, the cd
//! hook and `doctor`: `GOTOOLCHAIN=local` unless the user set GOTOOLCHAIN, and automatic
//! installs unless `GOPIN_AUTO_INSTALL=0` (then an error naming the command to run).

use crate::report::Report;
use crate::root::Root;
use crate::select::Reason;
use std::fmt::Display;

/// `GOPIN_AUTO_INSTALL=0` (or `false`, `no`, `off`): missing versions are errors, not
/// installs. A value that is not a switch counts as on here; the `gopin` binary the shim
/// hands over to refuses it, naming the variable.
pub fn auto_install_off() -> bool {
    std::env::var("GOPIN_AUTO_INSTALL").is_ok_and(|v| switch(&v) == Some(false))
}

/// The one reading of gopin's on/off variables (`GOPIN_OFFLINE`, `GOPIN_AUTO_INSTALL`):
/// `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`, any case; `None` for anything else.
/// An empty value is unset, so the caller's default applies.
pub fn switch(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The GOTOOLCHAIN a started `go` must get: `local` (so it never switches behind gopin's back)
/// unless the user set one, which is passed on untouched.
pub fn gotoolchain_for_child() -> Option<&'static str> {
    std::env::var_os("GOTOOLCHAIN")
        .is_none_or(|v| v.is_empty())
        .then_some("local")
}

/// True when the inherited GOROOT points into gopin's versions: set for a gopin toolchain up
/// the process tree (`go generate` running `go`), it would send the system go into gopin's
/// tree, so the system go must not get it.
pub fn inherited_goroot_is_gopins(root: &Root) -> bool {
    std::env::var_os("GOROOT")
        .is_some_and(|g| std::path::Path::new(&g).starts_with(root.versions()))
}

/// The error for a missing version (or an unmatched fuzzy spec) with automatic installs off;
/// `install` is what to pass to `gopin install`.
pub fn install_refused(
    message: impl Into<String>,
    install: impl Display,
    reason: Option<&Reason>,
) -> Report {
    let mut report = Report::new(message);
    if let Some(reason) = reason {
        report = report.detail(format!("selected by: {reason}"));
    }
    report.hint(format!(
        "run `gopin install {}` (automatic installs are off: GOPIN_AUTO_INSTALL=0)",
        crate::text::quote(&install.to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switches() {
        for on in ["1", "true", "TRUE", "yes", "On", " 1 "] {
            assert_eq!(switch(on), Some(true), "{on:?}");
        }
        for off in ["0", "false", "No", "off"] {
            assert_eq!(switch(off), Some(false), "{off:?}");
        }
        for bad in ["", "2", "maybe", "y", "enable"] {
            assert_eq!(switch(bad), None, "{bad:?}");
        }
    }
}
