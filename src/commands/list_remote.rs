//! `gopin list-remote [SPEC]`: releases in the download index with an archive for this
//! platform, oldest first; stable only unless `--all`.

use crate::ctx::Ctx;
use crate::error::user;
use crate::output;
use crate::platform::Platform;
use crate::source::Listed;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::{Report, Spec, installed_versions};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only versions matching this (1.22, 1, 1.22.10, latest)
    spec: Option<String>,
    /// Include betas and release candidates
    #[arg(long)]
    all: bool,
    /// Print [{"version","stable","installed","filename","size","sha256"}] as JSON
    #[arg(long)]
    json: bool,
    /// Operating system, in Go's names (linux, darwin, windows, ...)
    #[arg(long, value_name = "GOOS")]
    os: Option<String>,
    /// Architecture, in Go's names (amd64, arm64, arm, 386, ...)
    #[arg(long, value_name = "GOARCH")]
    arch: Option<String>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let spec = args
        .spec
        .as_deref()
        .map(toolchain::parse_spec)
        .transpose()?;
    if spec == Some(Spec::System) {
        return Err(user(
            Report::new("`system` is not in the download index")
                .hint("run `gopin list-remote` for the releases"),
        ));
    }
    let platform = Platform::with_overrides(
        args.os.as_deref().or(Some(&ctx.platform.os)),
        args.arch.as_deref().or(Some(&ctx.platform.arch)),
    );
    let all = crate::source::list(ctx, &platform, &|_| true)?;
    let keep = |a: &&Listed| {
        let stable_ok = args.all || a.stable;
        let spec_ok = match &spec {
            None | Some(Spec::System) => true,
            Some(Spec::Exact(v)) => v.go_cmp(&a.version).is_eq() && v.suffix().is_empty(),
            Some(Spec::Fuzzy(fuzzy)) => fuzzy.on_line(&a.version),
        };
        stable_ok && spec_ok
    };
    let listed: Vec<&Listed> = all.iter().filter(keep).collect();
    if listed.is_empty() {
        let what = args
            .spec
            .as_deref()
            .map_or_else(String::new, |s| format!(" matching {s}"));
        output::info(format_args!(
            "no releases{what} for {platform} in the index"
        ));
    }
    if args.json {
        let installed = installed_versions(&ctx.root);
        let items: Vec<_> = listed
            .iter()
            .map(|a| {
                let file = a.file.as_ref();
                json!({
                    "version": a.version.to_string(),
                    "stable": a.stable,
                    "installed": installed.contains(&a.version),
                    "filename": file.map(|f| &f.filename),
                    "size": file.map(|f| f.size),
                    "sha256": file.map(|f| &f.sha256).filter(|s| !s.is_empty()),
                })
            })
            .collect();
        output::json(&json!(items))?;
        return Ok(());
    }
    for a in &listed {
        output::data(&a.version)?;
    }
    Ok(())
}
