//! `gopin hook --previous KEY`: the shell's cd hook. Prints the current selection's key on
//! stdout (the shell keeps it for next time) and, on stderr, one line when it differs from
//! KEY: `gopin: go1.22.10 (toolchain line, /p/go.mod:5)`. Installs a missing version when
//! automatic installs are on. Never fails: a hook that breaks the prompt helps nobody.

use crate::ctx::Ctx;
use crate::install;
use crate::output;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::{SelectError, Trace};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What the hook printed last time
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    previous: String,
    /// Only print the key (for the shell's start)
    #[arg(long)]
    silent: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let (key, announce): (String, Option<Box<dyn FnOnce()>>) = match toolchain::active(
        ctx,
        &mut Trace::off(),
    ) {
        Ok(active) => {
            let key = active.name();
            let line = format!("gopin: {} ({})", key, active.chosen.reason);
            let reason = active.chosen.reason.clone();
            let missing = active
                .goroot
                .is_none()
                .then(|| active.version().cloned())
                .flatten();
            let announce = move || {
                output::info(line);
                let Some(version) = missing else { return };
                // At a prompt one line says it all (the full report is for commands).
                if !ctx.config.auto_install {
                    output::info(format_args!(
                        "gopin: {version} is not installed; run `gopin install {}` (automatic installs are off: GOPIN_AUTO_INSTALL=0)",
                        version.shell_arg()
                    ));
                } else if let Err(e) = install::ensure(ctx, &version, Some(&reason)) {
                    output::error(&crate::error::report_of(&e));
                }
            };
            (key, Some(Box::new(announce)))
        }
        Err(e) if matches!(e.downcast_ref(), Some(SelectError::NothingSelected { .. })) => {
            (String::new(), None)
        }
        Err(e) => {
            let report = crate::error::report_of(&e);
            // The shell hands the key back as an argument next time: keep it short whatever
            // the message holds (a long line from a hostile go.mod would overflow argv).
            let key = format!("!{:016x}", fingerprint(&report.message));
            (key, Some(Box::new(move || output::error(&report))))
        }
    };
    if key != args.previous
        && !args.silent
        && let Some(announce) = announce
    {
        announce();
    }
    output::data(key)?;
    Ok(())
}

/// A stable fingerprint of an error message (same message, same key, from one run to the next).
fn fingerprint(message: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    message.hash(&mut hasher);
    hasher.finish()
}
