//! `gopin env [--shell SHELL]`: the exports (GOROOT, PATH) for the toolchain selected here, for
//! `eval "$(gopin env)"` in CI and Dockerfiles, plus `GOTOOLCHAIN=local` unless you set
//! GOTOOLCHAIN: without it the real go reads `auto` from its own go.env and may switch away
//! from gopin's choice, as the shim prevents. Nothing but those lines goes to stdout; a
//! missing version is installed first (messages on stderr) unless GOPIN_AUTO_INSTALL=0.

use crate::ctx::Ctx;
use crate::error::user;
use crate::install;
use crate::output;
use crate::shell::Shell;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::{Choice, Report, Trace, policy};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to print for (default: from $SHELL, else sh)
    #[arg(long, value_enum)]
    shell: Option<Shell>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let shell = args.shell.unwrap_or_else(Shell::from_env);
    let active = toolchain::active(ctx, &mut Trace::off())?;
    let goroot = match (&active.chosen.choice, &active.goroot) {
        (_, Some(goroot)) => goroot.clone(),
        (Choice::Version(version), None) => {
            install::ensure(ctx, version, Some(&active.chosen.reason))?
        }
        (Choice::System, None) => {
            return Err(user(
                Report::new("no go on PATH outside gopin for `system`")
                    .detail(format!("selected by: {}", active.chosen.reason))
                    .hint("install Go system-wide, or pick a version with `gopin pin 1.22`"),
            ));
        }
    };
    let goroot_text = goroot.to_string_lossy();
    output::data(shell.export("GOROOT", &goroot_text))?;
    output::data(shell.prepend_path(&goroot.join("bin").to_string_lossy()))?;
    if let Some(value) = policy::gotoolchain_for_child() {
        output::data(shell.export("GOTOOLCHAIN", value))?;
    }
    Ok(())
}
