//! `gopin init SHELL`: the shell integration script (shims first on PATH, the `gopin`
//! function, the cd hook). Also brings the shims folder up to date.

use crate::ctx::Ctx;
use crate::output;
use crate::shell::{self, Shell};
use anyhow::{Context, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh or fish (sh: PATH and the function, no cd hook)
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    if !crate::shims::refresh(ctx)? {
        output::warn(
            "gopin-shim is not installed beside gopin, so `go` will not switch versions; reinstall with install.sh",
        );
    }
    let exe = std::env::current_exe().context("cannot find gopin's own path")?;
    let script = shell::init_script(
        args.shell,
        &exe.to_string_lossy(),
        &ctx.root.shims().to_string_lossy(),
    );
    // A relative GOPIN_HOME was made absolute against this directory; the shell must keep that
    // answer, or every later shim and hook call would find another root in another directory.
    let home = std::env::var_os("GOPIN_HOME").unwrap_or_default();
    if !home.is_empty() && std::path::Path::new(&home).is_relative() {
        output::data(
            args.shell
                .export("GOPIN_HOME", &ctx.root.path().to_string_lossy()),
        )?;
    }
    output::data(script.trim_end())?;
    Ok(())
}
