//! `gopin current`: the version selected here and why, e.g.
//! `go1.22.10 (toolchain line, /p/go.mod:5)`.

use crate::ctx::Ctx;
use crate::output;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::Trace;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print {"version","source","path","line","installed","goroot"} as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let active = toolchain::active(ctx, &mut Trace::off())?;
    let reason = &active.chosen.reason;
    if args.json {
        output::json(&json!({
            "version": active.name(),
            "source": reason.source.as_str(),
            "path": reason.path,
            "line": reason.line,
            "installed": active.goroot.is_some(),
            "goroot": active.goroot,
        }))?;
    } else {
        output::data(format_args!("{} ({reason})", active.name()))?;
    }
    if active.goroot.is_none() {
        match active.version() {
            Some(v) => output::info(format_args!(
                "note: {v} is not installed; run `gopin install {}`",
                v.shell_arg()
            )),
            None => output::info("note: no go found on PATH outside gopin for `system`"),
        }
    }
    Ok(())
}
