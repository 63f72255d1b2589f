//! `gopin uninstall SPEC...`: remove installed versions (never half: the folder is renamed
//! aside first, then deleted). Refuses the default unless `--force`. `--unused` removes every
//! version that is neither the default, nor selected here, nor selected by a version file under
//! the `--keep-for` folders, after listing them.

use crate::ctx::Ctx;
use crate::error::user;
use crate::lock::Lock;
use crate::output;
use crate::toolchain;
use crate::unused;
use anyhow::{Context, Result};
use gopin_shim::text as quote;
use gopin_shim::{Report, Spec, Version, installed_versions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Versions to remove (1.22.10; a line such as 1.22 means every installed 1.22.x)
    #[arg(required_unless_present = "unused", conflicts_with = "unused")]
    specs: Vec<String>,
    /// Remove the default version too
    #[arg(long, conflicts_with = "unused")]
    force: bool,
    /// Remove every version that is neither the default nor selected here or by a version file
    /// under the --keep-for folders
    #[arg(long)]
    unused: bool,
    /// Folders whose .go-version, .tool-versions, go.mod and go.work files keep their versions
    /// (default: the current folder)
    #[arg(long, value_name = "DIR", num_args = 1.., conflicts_with = "specs")]
    keep_for: Vec<std::path::PathBuf>,
    /// List what --unused would remove, and remove nothing
    #[arg(long, conflicts_with = "specs")]
    dry_run: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    if args.unused {
        return remove_unused(&args, ctx);
    }
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

/// `--unused`: lists the versions nothing uses, then removes them (unless `--dry-run`).
fn remove_unused(args: &Args, ctx: &Ctx) -> Result<()> {
    let installed = installed_versions(&ctx.root);
    let here = gopin_shim::select::working_dir()?;
    let folders: Vec<std::path::PathBuf> = if args.keep_for.is_empty() {
        vec![here]
    } else {
        args.keep_for.iter().map(|dir| here.join(dir)).collect()
    };
    let mut uses: Vec<unused::Use> = Vec::new();
    if let Ok(Some(spec)) = gopin_shim::select::read_default(&ctx.root)
        && let Some(version) = unused::resolve(&spec, &installed)
    {
        uses.push(unused::Use {
            version,
            by: "the default".to_owned(),
        });
    }
    if let Ok(active) = toolchain::active(ctx, &mut gopin_shim::Trace::off())
        && let Some(version) = active.version()
    {
        uses.push(unused::Use {
            version: version.clone(),
            by: format!("selected here ({})", active.chosen.reason),
        });
    }
    let mut problems = Vec::new();
    for folder in &folders {
        if !folder.is_dir() {
            return Err(user(
                Report::new(format!(
                    "{} is not a folder",
                    quote::escape(&folder.display().to_string())
                ))
                .hint("give --keep-for the project folders whose versions to keep"),
            ));
        }
        unused::scan(
            folder,
            ctx.root.path(),
            &installed,
            &mut uses,
            &mut problems,
        );
    }
    for problem in &problems {
        output::warn(format_args!("skipped {}", quote::escape(problem)));
    }
    let unused: Vec<&Version> = installed
        .iter()
        .filter(|v| !uses.iter().any(|u| u.version == **v))
        .collect();
    for version in installed.iter().filter(|v| !unused.contains(v)) {
        if let Some(first) = uses.iter().find(|u| u.version == *version) {
            output::info(format_args!(
                "keeping {version}: {}",
                quote::escape(&first.by)
            ));
        }
    }
    if unused.is_empty() {
        output::info("no unused versions");
        return Ok(());
    }
    for version in &unused {
        output::data(version)?;
    }
    if args.dry_run {
        output::info(format_args!(
            "{} unused version(s); run without --dry-run to remove them",
            unused.len()
        ));
        return Ok(());
    }
    for version in unused {
        remove(ctx, version)?;
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
    crate::verification::Verification::forget(&ctx.root, &name);
    output::info(format_args!("removed {name}"));
    Ok(())
}
