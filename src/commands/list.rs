//! `gopin list`: the installed versions, marking the default and the one selected here.
//! It never touches the network: a fuzzy selection is matched against what is installed.

use crate::ctx::Ctx;
use crate::output;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::select::select;
use gopin_shim::{Choice, Chosen, Trace, installed_versions};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print [{"version","default","current","reason","goroot"}] as JSON
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let versions = installed_versions(&ctx.root);
    let default = toolchain::default_version(ctx);
    let current = current_installed(ctx);
    let rows: Vec<_> = versions
        .iter()
        .map(|v| {
            let is_default = default.as_ref() == Some(v);
            let current = current
                .as_ref()
                .filter(|c| c.choice == Choice::Version(v.clone()));
            (v, is_default, current)
        })
        .collect();
    if args.json {
        let items: Vec<_> = rows
            .iter()
            .map(|(v, is_default, current)| {
                json!({
                    "version": v.to_string(),
                    "default": is_default,
                    "current": current.is_some(),
                    "reason": current.map(|c| c.reason.to_string()),
                    "goroot": ctx.root.version_dir(&v.to_string()),
                })
            })
            .collect();
        output::json(&json!(items))?;
        return Ok(());
    }
    if rows.is_empty() {
        output::info("no Go versions installed; install one with `gopin install 1.22`");
    }
    for (v, is_default, current) in rows {
        let mut tags = Vec::new();
        if is_default {
            tags.push("default".to_owned());
        }
        if let Some(current) = current {
            tags.push(format!("current: {}", current.reason));
        }
        let marker = if current.is_some() { "*" } else { " " };
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" ({})", tags.join("; "))
        };
        output::data(format_args!("{marker} {v}{tags}"))?;
    }
    Ok(())
}

/// The installed toolchain selected here, if any. A broken project file is reported as a
/// warning: the listing itself is still useful.
fn current_installed(ctx: &Ctx) -> Option<Chosen> {
    let selected =
        toolchain::inputs(ctx).and_then(|inputs| Ok(select(&inputs, &mut Trace::off())?));
    match selected {
        Ok(selection) => selection.resolve(|| installed_versions(&ctx.root)).ok(),
        // Nothing selected is a normal state for a listing, not a problem.
        Err(e)
            if matches!(
                e.downcast_ref(),
                Some(gopin_shim::SelectError::NothingSelected { .. })
            ) =>
        {
            None
        }
        Err(e) => {
            output::warn(format_args!(
                "cannot tell which version is selected here: {}",
                crate::error::report_of(&e).message
            ));
            None
        }
    }
}
