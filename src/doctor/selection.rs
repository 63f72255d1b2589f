//! Doctor: what is selected here and why, whether it is installed and intact, and a
//! `.go-version` that asks for an older Go than the module's `go` line (Go refuses to build).

use super::{Check, Status, go_output};
use crate::ctx::Ctx;
use crate::toolchain::{self, Active};
use crate::verification::Verification;
use gopin_shim::gomod;
use gopin_shim::small_file;
use gopin_shim::{Choice, SelectError, Source, Trace, Version};
use std::path::Path;

const GROUP: &str = "selection";

/// Checks the selection and returns it for the environment checks.
pub fn check(ctx: &Ctx, checks: &mut Vec<Check>) -> Option<Active> {
    let active = match toolchain::active(ctx, &mut Trace::off()) {
        Ok(active) => active,
        Err(e) if matches!(e.downcast_ref(), Some(SelectError::NothingSelected { .. })) => {
            checks.push(
                Check::new(
                    GROUP,
                    "selection.selected",
                    Status::Warn,
                    "no Go version is selected here",
                )
                .hint("`gopin default 1.22` (everywhere) or `gopin pin 1.22` (this project)"),
            );
            return None;
        }
        Err(e) => {
            let report = crate::error::report_of(&e);
            let mut check = Check::new(GROUP, "selection.selected", Status::Fail, report.message);
            for line in report.details {
                check = check.evidence(line);
            }
            if let Some(hint) = report.hint {
                check = check.hint(hint);
            }
            checks.push(check);
            return None;
        }
    };
    checks.push(Check::new(
        GROUP,
        "selection.selected",
        Status::Pass,
        format!("{} is selected ({})", active.name(), active.chosen.reason),
    ));
    if let Choice::Version(version) = &active.chosen.choice {
        checks.push(installed(version, active.goroot.as_deref()));
        if active.goroot.is_some() {
            checks.push(verified(ctx, version));
        }
        if let Some(check) = older_than_module(&active, version) {
            checks.push(check);
        }
    }
    Some(active)
}

/// Installed, `VERSION` naming it, and `bin/go version` saying it.
fn installed(version: &Version, goroot: Option<&Path>) -> Check {
    let Some(goroot) = goroot else {
        let auto_off = gopin_shim::policy::auto_install_off();
        let status = if auto_off { Status::Fail } else { Status::Warn };
        let summary = if auto_off {
            format!(
                "{version} is not installed and automatic installs are off (GOPIN_AUTO_INSTALL=0)"
            )
        } else {
            format!("{version} is not installed yet; the first go command will install it")
        };
        return Check::new(GROUP, "selection.installed", status, summary)
            .hint(format!("`gopin install {}`", version.shell_arg()));
    };
    let core = version.without_suffix().to_string();
    let first_line = std::fs::read_to_string(goroot.join("VERSION"))
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    let go = goroot
        .join("bin")
        .join(format!("go{}", std::env::consts::EXE_SUFFIX));
    let says = go_output(&go, &["version"], Some(goroot));
    // `go version go1.22.4 linux/amd64`: the third word names it; a custom build may add a
    // suffix after a non-digit (`go1.22.4-custom`), but go1.22.45 is another Go.
    let runs = says.as_deref().is_some_and(|s| {
        s.split_whitespace().nth(2).is_some_and(|v| {
            v.strip_prefix(core.as_str())
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
        })
    });
    let broken = |why: String| {
        Check::new(
            GROUP,
            "selection.installed",
            Status::Fail,
            format!("{version} is installed but broken"),
        )
        .evidence(why)
        .evidence(format!("GOROOT {}", goroot.display()))
        .hint(format!(
            "reinstall it: `gopin install --force {}`",
            version.shell_arg()
        ))
    };
    // A linked custom build may name itself differently in VERSION; its go must still run.
    if version.suffix().is_empty() && first_line != core {
        return broken(format!("VERSION says {first_line:?}, expected {core}"));
    }
    if !runs {
        return broken(format!(
            "`{} version` said {:?}",
            go.display(),
            says.unwrap_or_else(|| "nothing (it did not run)".to_owned())
        ));
    }
    Check::new(
        GROUP,
        "selection.installed",
        Status::Pass,
        format!("{version} is installed and runs"),
    )
    .evidence(says.unwrap_or_default())
}

/// What the installed version was verified against when gopin installed it.
fn verified(ctx: &Ctx, version: &Version) -> Check {
    let id = "selection.verified";
    match Verification::read(&ctx.root, &version.to_string()) {
        Some(record @ Verification::Database { .. }) => {
            Check::new(GROUP, id, Status::Pass, format!("{version} was {record}"))
        }
        Some(Verification::Sha256 { why }) => Check::new(
            GROUP,
            id,
            Status::Info,
            format!("{version} was verified by its SHA-256 alone, not by Go's checksum database"),
        )
        .evidence(why)
        .hint(format!(
            "for a release since go1.21.0, `gopin install --force {}` with the checksum database \
             reachable checks it",
            version.shell_arg()
        )),
        Some(Verification::Unchecked { why }) => Check::new(
            GROUP,
            id,
            Status::Warn,
            format!("{version} was installed without any check"),
        )
        .evidence(why)
        .hint(format!(
            "reinstall it with the checksum database on: `gopin install --force {}`",
            version.shell_arg()
        )),
        None => Check::new(
            GROUP,
            id,
            Status::Info,
            format!("gopin kept no record of what {version} was verified against"),
        )
        .evidence("installed by an older gopin, or registered with `gopin link`")
        .hint(format!(
            "`gopin install --force {}` installs it again, checked",
            version.shell_arg()
        )),
    }
}

/// A `.go-version` or `.tool-versions` choosing an older Go than the governing go.mod/go.work
/// `go` line: Go will refuse to build with it.
fn older_than_module(active: &Active, version: &Version) -> Option<Check> {
    let source = active.chosen.reason.source;
    if !matches!(
        source,
        Source::GoVersion
            | Source::ToolVersions
            | Source::Default
            | Source::Env
            | Source::GoToolchain
    ) {
        return None;
    }
    // Which file's go line the go command enforces here: the selection library's answer.
    let inputs = gopin_shim::select::Inputs::from_process().ok()?;
    let file = gopin_shim::select::go_command_file(&inputs).ok()??;
    let text = small_file::read(&file, small_file::MOD_FILE_CAP).ok()??;
    let line = gomod::scan(&text).ok()?.go?;
    let wanted = Version::parse(&line.value)?;
    if version.go_cmp(&wanted) != std::cmp::Ordering::Less {
        return None;
    }
    Some(
        Check::new(
            GROUP,
            "selection.older-than-module",
            Status::Fail,
            format!(
                "{version} is older than the go {} that {} requires: go will refuse to build",
                line.value,
                file.display()
            ),
        )
        .evidence(format!("selected by: {}", active.chosen.reason))
        .evidence(format!(
            "{}:{}: go {}",
            file.display(),
            line.number,
            line.value
        ))
        .hint(format!(
            "pin a new enough Go: `gopin pin {}`",
            wanted.first_release().shell_arg()
        )),
    )
}
