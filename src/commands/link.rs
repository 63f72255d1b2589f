//! `gopin link NAME DIR`: register an existing Go tree (a custom build) as `versions/NAME`, so
//! `toolchain go1.22.4-custom` or `.go-version` can select it like any release.

use crate::ctx::Ctx;
use crate::error::user;
use crate::output;
use crate::system_go::is_executable;
use anyhow::{Context, Result};
use gopin_shim::text::{quote, quote_path};
use gopin_shim::{Report, Version};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The toolchain name to register (go1.22.4-custom)
    name: String,
    /// The Go tree (its GOROOT, holding bin/go)
    dir: PathBuf,
    /// Replace an existing link of that name
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let name = if args.name.starts_with("go") {
        args.name.clone()
    } else {
        format!("go{}", args.name)
    };
    let version = Version::parse_toolchain(&name).filter(|v| !v.suffix().contains([' ', '\t'])).ok_or_else(|| {
        user(Report::new(format!("invalid toolchain name {:?}", args.name)).hint("use a Go release name with an optional suffix, e.g. `gopin link go1.22.4-custom ~/src/go`"))
    })?;
    let dir = std::fs::canonicalize(&args.dir).map_err(|e| {
        user(
            Report::new(format!("cannot use {}", args.dir.display()))
                .detail(e.to_string())
                .hint("pass the folder that holds bin/go"),
        )
    })?;
    if !is_executable(
        &dir.join("bin")
            .join(format!("go{}", std::env::consts::EXE_SUFFIX)),
    ) {
        return Err(user(
            Report::new(format!("{} holds no executable bin/go", dir.display()))
                .hint("pass a Go tree (GOROOT), e.g. the folder you ran make.bash in, minus src/"),
        ));
    }
    let target = ctx.root.version_dir(&version.to_string());
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        if !(args.force && meta.file_type().is_symlink()) {
            return Err(user(
                Report::new(format!(
                    "{version} is already installed at {}",
                    target.display()
                ))
                .hint(if meta.file_type().is_symlink() {
                    format!(
                        "replace the link with `gopin link --force {} {}`",
                        quote(&name),
                        quote_path(&dir)
                    )
                } else {
                    format!(
                        "pick another name, or `gopin uninstall {}` first",
                        version.shell_arg()
                    )
                }),
            ));
        }
        std::fs::remove_file(&target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
    }
    std::fs::create_dir_all(ctx.root.versions())
        .with_context(|| format!("cannot create {}", ctx.root.versions().display()))?;
    symlink(&dir, &target)
        .with_context(|| format!("cannot link {} to {}", target.display(), dir.display()))?;
    // gopin verified nothing of a linked tree: no earlier install's record may speak for it.
    crate::verification::Verification::forget(&ctx.root, &version.to_string());
    output::info(format_args!("linked {version} -> {}", dir.display()));
    crate::shims::refresh(ctx)?;
    Ok(())
}

#[cfg(unix)]
fn symlink(dir: &std::path::Path, target: &std::path::Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(dir, target)
}

#[cfg(windows)]
fn symlink(dir: &std::path::Path, target: &std::path::Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(dir, target)
}
