//! `gopin default [SPEC]`: show or set the global default (stored as one exact version).

use crate::ctx::Ctx;
use crate::error::user;
use crate::index::cache::write_atomic;
use crate::install::{self, Options, Outcome};
use crate::output;
use crate::toolchain;
use anyhow::{Context, Result};
use gopin_shim::{Report, Spec};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version to make the default (1.22.10, 1.22, latest, system); none shows it
    spec: Option<String>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let path = ctx.root.default_file();
    let Some(text) = args.spec else {
        let Some(spec) = gopin_shim::select::read_default(&ctx.root)? else {
            return Err(user(
                Report::new("no default version is set").hint("set one with `gopin default 1.22`"),
            ));
        };
        output::data(spec)?;
        return Ok(());
    };
    let spec = toolchain::parse_spec(&text)?;
    let stored = match toolchain::resolve_spec(ctx, &spec)? {
        Some(version) => {
            // Install first: a default that cannot run helps nobody.
            if install::install(ctx, &version, &Options::new(ctx))? == Outcome::AlreadyInstalled {
                output::info(format_args!("{version} is installed"));
            }
            Spec::Exact(version)
        }
        None => Spec::System,
    };
    write_atomic(&path, format!("{stored}\n").as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    output::info(format_args!("default set to {stored}"));
    Ok(())
}
