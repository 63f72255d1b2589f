//! `gopin uninstall SPEC...`: remove installed versions (never half: the folder is renamed
//! aside first, then deleted). Refuses the default unless `--force`.

use crate::ctx::Ctx;
use crate::error::user;
use crate::lock::Lock;
use crate::output;
use crate::toolchain;
use anyhow::{Context, Result};
use gopin_shim::{Report, Spec, Version, installed_versions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Versions to remove (1.22.10; a line such as 1.22 means every installed 1.22.x)
    #[arg(required = true)]
    specs: Vec<String>,
    /// Remove the default version too
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let installed = installed_versions(&ctx.root);
    let default = toolchain::default_version(ctx);
    let mut targets: Vec<Version> = Vec::new();
    for text in &args.specs {
        let matching: Vec<Version> = match toolchain::parse_spec(text)? {
            Spec::Exact(v) => installed.iter().filter(|i| **i == v).cloned().collect(),
            Spec::Fuzzy(fuzzy) => installed
                .iter()
                .filter(|i| fuzzy.on_line(i))
                .cloned()
                .collect(),
            Spec::System => {
                return Err(user(
                    Report::new("`system` is not managed by gopin")
                        .hint("uninstall it with the tool that installed it"),
                ));
            }
        };
        if matching.is_empty() {
            return Err(user(
                Report::new(format!("no installed version matches {text}"))
                    .hint("see the installed versions with `gopin list`"),
            ));
        }
        targets.extend(matching);
    }
    for version in &targets {
        if default.as_ref() == Some(version) && !args.force {
            return Err(user(
                Report::new(format!("{version} is the default version"))
                    .hint(format!("set another default first (`gopin default 1.22`), or run `gopin uninstall --force {}`", version.shell_arg())),
            ));
        }
    }
    for version in targets {
        remove(ctx, &version)?;
    }
    crate::shims::refresh(ctx)?;
    Ok(())
}

fn remove(ctx: &Ctx, version: &Version) -> Result<()> {
    let name = version.to_string();
    let _lock = Lock::acquire(&ctx.root, &name, || {
        output::info(format_args!("waiting for another gopin using {name}"))
    })?;
    let dir = ctx.root.version_dir(&name);
    let trash = ctx
        .root
        .versions()
        .join(format!(".trash-{name}-{}", std::process::id()));
    std::fs::rename(&dir, &trash).with_context(|| format!("cannot remove {}", dir.display()))?;
    // A linked custom build is a symbolic link: removing it leaves the linked tree alone.
    let removed = if std::fs::symlink_metadata(&trash).is_ok_and(|m| m.file_type().is_symlink()) {
        std::fs::remove_file(&trash)
    } else {
        std::fs::remove_dir_all(&trash)
    };
    removed.with_context(|| format!("cannot delete {}", trash.display()))?;
    output::info(format_args!("removed {name}"));
    Ok(())
}
