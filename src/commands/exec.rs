//! `gopin exec [SPEC] -- CMD...`: run CMD with a toolchain first on PATH and the shim's
//! environment (GOROOT; GOTOOLCHAIN=local unless set). Without SPEC, the version selected here.
//! A missing version is installed first unless GOPIN_AUTO_INSTALL=0. The shim hands over to
//! this command when it needs the index or an install.

use crate::ctx::Ctx;
use crate::error::user;
use crate::install;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::{Choice, Report, Spec, Trace, Version, policy};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version to use (1.22.10, 1.22, latest); default: the one selected here
    spec: Option<String>,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<OsString>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let (version, reason) = match &args.spec {
        Some(text) => (resolve(ctx, text)?, None),
        None => {
            let active = toolchain::active(ctx, &mut Trace::off())?;
            match active.chosen.choice {
                Choice::Version(v) => (v, Some(active.chosen.reason)),
                Choice::System => return run_command(&args.command, None, &ctx.root),
            }
        }
    };
    let goroot = install::ensure(ctx, &version, reason.as_ref())?;
    run_command(&args.command, Some(goroot), &ctx.root)
}

/// A spec typed here: fuzzy specs prefer the newest installed match, as selection does.
fn resolve(ctx: &Ctx, text: &str) -> Result<Version> {
    match toolchain::parse_spec(text)? {
        Spec::Exact(v) => Ok(v),
        Spec::Fuzzy(fuzzy) => match fuzzy.newest(&gopin_shim::installed_versions(&ctx.root)) {
            Some(v) => Ok(v.clone()),
            None => toolchain::newest_available(ctx, &fuzzy),
        },
        Spec::System => Err(user(
            Report::new("`gopin exec system` would run the system go as is")
                .hint("run the command directly"),
        )),
    }
}

/// Runs the command with the toolchain's bin/ first on PATH; on Unix this process becomes it.
fn run_command(
    command: &[OsString],
    goroot: Option<PathBuf>,
    root: &gopin_shim::Root,
) -> Result<()> {
    let (program, rest) = command.split_first().expect("clap requires a command");
    let mut child = std::process::Command::new(program);
    child.args(rest);
    if goroot.is_none() && policy::inherited_goroot_is_gopins(root) {
        child.env_remove("GOROOT");
    }
    if let Some(goroot) = &goroot {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let joined = std::env::join_paths(
            std::iter::once(goroot.join("bin")).chain(std::env::split_paths(&path)),
        )?;
        child.env("PATH", joined).env("GOROOT", goroot);
    }
    if let Some(value) = policy::gotoolchain_for_child() {
        child.env("GOTOOLCHAIN", value);
    }
    let name = program.to_string_lossy().into_owned();
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = child.exec();
        Err(user(
            Report::new(format!("cannot run {name}"))
                .detail(error.to_string())
                .hint("check the command name and PATH"),
        ))
    }
    #[cfg(not(unix))]
    {
        let status = child.status().map_err(|e| {
            user(
                Report::new(format!("cannot run {name}"))
                    .detail(e.to_string())
                    .hint("check the command name and PATH"),
            )
        })?;
        std::process::exit(status.code().unwrap_or(1));
    }
}
