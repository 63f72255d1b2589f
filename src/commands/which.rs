//! `gopin which [TOOL]`: the absolute path of the real binary that would run here.

use crate::ctx::Ctx;
use crate::error::user;
use crate::toolchain;
use crate::{output, system_go};
use anyhow::Result;
use gopin_shim::text::quote_path;
use gopin_shim::{Choice, Report, Trace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A tool in the toolchain's bin/ folder
    #[arg(default_value = "go")]
    tool: String,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    if args.tool.is_empty() || args.tool.contains(['/', '\\']) || args.tool.starts_with('.') {
        return Err(user(
            Report::new(format!("invalid tool name {:?}", args.tool))
                .hint("name a file in the toolchain's bin/, e.g. `gopin which gofmt`"),
        ));
    }
    let active = toolchain::active(ctx, &mut Trace::off())?;
    let reason = &active.chosen.reason;
    let path = match (&active.chosen.choice, &active.goroot) {
        (Choice::System, _) => system_go::find(&ctx.root, &args.tool).ok_or_else(|| {
            user(
                Report::new(format!("no {} on PATH outside gopin", args.tool))
                    .detail(format!("selected by: {reason}"))
                    .hint("install Go system-wide, or pick a version with `gopin pin 1.22`"),
            )
        })?,
        (Choice::Version(v), None) => {
            return Err(user(
                Report::new(format!("{v} is not installed"))
                    .detail(format!("selected by: {reason}"))
                    .hint(format!("run `gopin install {}`", v.shell_arg())),
            ));
        }
        (Choice::Version(v), Some(goroot)) => {
            let path =
                goroot
                    .join("bin")
                    .join(format!("{}{}", args.tool, std::env::consts::EXE_SUFFIX));
            if !system_go::is_executable(&path) {
                return Err(user(
                    Report::new(format!(
                        "{v} has no {} in {}",
                        args.tool,
                        goroot.join("bin").display()
                    ))
                    .detail(format!("selected by: {reason}"))
                    .hint(format!(
                        "see its tools with `ls {}`",
                        quote_path(&goroot.join("bin"))
                    )),
                ));
            }
            path
        }
    };
    output::data(path.display())?;
    Ok(())
}
