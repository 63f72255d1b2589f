//! The shim: `shims/go`, `shims/gofmt` and `shims/go1.22.10` are links to this binary. It picks
//! the toolchain (a `goX.Y.Z` link name; `GOTOOLCHAIN_INTERNAL_SWITCH_VERSION` when Go's own
//! switching execs such a link; otherwise the selection rules) and replaces itself with the real
//! tool, so arguments, stdin, signals and the exit status pass through untouched.
//!
//! Only std, a few stats and small reads, one exec. Anything slow — a fuzzy spec that needs the
//! download index, a version to install — is handed to the `gopin` binary (`gopin exec`).

#![forbid(unsafe_code)]

use gopin_shim::select::{Inputs, select};
use gopin_shim::text::quote_path;
use gopin_shim::{Choice, Report, Root, Trace, Version, installed_versions, policy, system};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let rest: Vec<OsString> = args.collect();
    match run(&argv0, rest) {
        // Only reached when exec is not available (Windows) or failed.
        Ok(code) => code,
        Err(report) => {
            eprint!("{report}");
            ExitCode::FAILURE
        }
    }
}

/// What the link was called: the tool to run, and a version when the name is `goX.Y.Z`.
fn tool_and_version(argv0: &OsStr) -> (String, Option<Version>) {
    let name = Path::new(argv0)
        .file_name()
        .and_then(OsStr::to_str)
        .unwrap_or("go");
    let name = name
        .strip_suffix(std::env::consts::EXE_SUFFIX)
        .filter(|_| !std::env::consts::EXE_SUFFIX.is_empty())
        .unwrap_or(name);
    match Version::parse_toolchain(name) {
        Some(version) if name != "go" => ("go".to_owned(), Some(version)),
        _ => (name.to_owned(), None),
    }
}

fn run(argv0: &OsStr, args: Vec<OsString>) -> Result<ExitCode, Report> {
    let (tool, linked) = tool_and_version(argv0);
    // Go's switching execs `go1.22.10` with its own argv[0] and names the version here.
    let switched = std::env::var("GOTOOLCHAIN_INTERNAL_SWITCH_VERSION")
        .ok()
        .and_then(|v| Version::parse_toolchain(&v));
    let wanted = linked.or(switched);

    let getenv = |key: &str| std::env::var(key).ok();
    let root = Root::from_env(&getenv).map_err(|e| e.report())?;
    let (choice, reason) = match wanted {
        Some(version) => (Choice::Version(version), None),
        None => {
            let inputs = Inputs::from_process().map_err(|e| e.report())?;
            let selection = select(&inputs, &mut Trace::off()).map_err(|e| e.report())?;
            match selection.resolve(|| installed_versions(&root)) {
                Ok(chosen) => (chosen.choice, Some(chosen.reason)),
                // A fuzzy spec with nothing installed: the index must decide.
                Err(fuzzy) => {
                    if policy::auto_install_off() {
                        let message = format!("no installed version matches {fuzzy}");
                        return Err(policy::install_refused(
                            message,
                            &fuzzy,
                            Some(&selection.reason),
                        ));
                    }
                    return hand_over(&tool, None, &args);
                }
            }
        }
    };
    let version = match choice {
        Choice::System => return run_system(&root, &tool, &args),
        Choice::Version(version) => version,
    };
    let goroot = root.version_dir(&version.to_string());
    let binary = goroot
        .join("bin")
        .join(format!("{tool}{}", std::env::consts::EXE_SUFFIX));
    if !binary.is_file() {
        if !goroot.join("bin").is_dir() {
            if policy::auto_install_off() {
                let message = format!("{version} is not installed");
                return Err(policy::install_refused(
                    message,
                    version.bare(),
                    reason.as_ref(),
                ));
            }
            return hand_over(&tool, Some(&version), &args);
        }
        return Err(Report::new(format!("{version} has no {tool}"))
            .detail(format!("looked for {}", binary.display()))
            .hint(format!(
                "see its tools with `ls {}`",
                quote_path(&goroot.join("bin"))
            )));
    }
    refuse_self(&binary)?;
    let mut command = Command::new(&binary);
    command.args(&args).env("GOROOT", &goroot);
    if let Some(value) = policy::gotoolchain_for_child() {
        command.env("GOTOOLCHAIN", value);
    }
    // argv[0] passes through too: the real go sees what it would have seen from PATH.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::arg0(&mut command, argv0);
    replace_with(command, &binary)
}

/// The `go` on PATH outside gopin's shims, for the `system` spec.
fn run_system(root: &Root, tool: &str, args: &[OsString]) -> Result<ExitCode, Report> {
    let Some(binary) = system::find_tool(root, tool) else {
        return Err(
            Report::new(format!("no {tool} on PATH outside gopin for `system`"))
                .hint("install Go system-wide, or pick a version with `gopin pin 1.22`"),
        );
    };
    let mut command = Command::new(&binary);
    command.args(args);
    if policy::inherited_goroot_is_gopins(root) {
        command.env_remove("GOROOT");
    }
    if let Some(value) = policy::gotoolchain_for_child() {
        command.env("GOTOOLCHAIN", value);
    }
    replace_with(command, &binary)
}

/// Lets `gopin exec` resolve (index) and install, then run the tool.
fn hand_over(tool: &str, version: Option<&Version>, args: &[OsString]) -> Result<ExitCode, Report> {
    let gopin = find_gopin().ok_or_else(|| {
        Report::new("cannot find the gopin binary to install the selected Go version")
            .detail("looked beside the shim and on PATH")
            .hint("reinstall gopin, or run `gopin install` yourself")
    })?;
    let mut command = Command::new(&gopin);
    command.arg("exec");
    if let Some(version) = version {
        command.arg(version.to_string());
    }
    command.arg("--").arg(tool).args(args);
    replace_with(command, &gopin)
}

fn find_gopin() -> Option<PathBuf> {
    let name = format!("gopin{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&name)));
    if let Some(path) = beside.filter(|p| p.is_file()) {
        return Some(path);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&name))
        .find(|p| p.is_file())
}

/// A toolchain whose `bin/go` leads back to this shim would exec itself forever.
fn refuse_self(binary: &Path) -> Result<(), Report> {
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| system::identity(&p));
    if me.is_some() && system::identity(binary) == me {
        return Err(
            Report::new(format!("{} is gopin's shim itself", binary.display()))
                .detail("running it would start the shim again, forever")
                .hint("reinstall that version with `gopin install --force VERSION`"),
        );
    }
    Ok(())
}

/// Replaces this process with `command` (Unix); elsewhere runs it and passes its exit status on.
#[cfg(unix)]
fn replace_with(mut command: Command, binary: &Path) -> Result<ExitCode, Report> {
    use std::os::unix::process::CommandExt;
    let error = command.exec();
    Err(Report::new(format!("cannot run {}", binary.display()))
        .detail(error.to_string())
        .hint(format!("check the file: `ls -l {}`", quote_path(binary))))
}

#[cfg(not(unix))]
fn replace_with(mut command: Command, binary: &Path) -> Result<ExitCode, Report> {
    match command.status() {
        Ok(status) => Ok(ExitCode::from(
            status.code().unwrap_or(1).clamp(0, 255) as u8
        )),
        Err(error) => Err(Report::new(format!("cannot run {}", binary.display()))
            .detail(error.to_string())
            .hint("check the file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_names() {
        let rows = [
            ("/r/shims/go", ("go", None)),
            ("gofmt", ("gofmt", None)),
            ("/r/shims/go1.22.10", ("go", Some("go1.22.10"))),
            ("go1.21rc2", ("go", Some("go1.21rc2"))),
            ("go1", ("go", Some("go1"))),
            ("vet", ("vet", None)),
        ];
        for (argv0, (tool, version)) in rows {
            let (t, v) = tool_and_version(OsStr::new(argv0));
            assert_eq!(
                (t.as_str(), v.map(|v| v.to_string())),
                (tool, version.map(str::to_owned)),
                "{argv0}"
            );
        }
    }
}
