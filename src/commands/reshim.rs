//! `gopin reshim`: recreate the shims folder (`go`, `gofmt`, one `goX.Y.Z` per installed
//! version). Installs and uninstalls do this themselves; install.sh and repairs call it.

use crate::ctx::Ctx;
use crate::error::user;
use crate::output;
use anyhow::Result;
use gopin_shim::Report;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, ctx: &Ctx) -> Result<()> {
    if !crate::shims::refresh(ctx)? {
        return Err(user(
            Report::new("gopin-shim is not installed beside gopin")
                .hint("reinstall gopin with install.sh, which installs both binaries"),
        ));
    }
    output::info(format_args!(
        "shims are current in {}",
        ctx.root.shims().display()
    ));
    Ok(())
}
