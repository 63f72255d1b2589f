//! `gopin cache clean`: remove downloaded archives, partial downloads, cached indexes and
//! folders left by killed runs. Installed versions stay.

use crate::ctx::Ctx;
use crate::lock::Lock;
use crate::output;
use crate::progress::size;
use anyhow::{Context, Result};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Remove downloads, partial files, cached indexes and leftovers of killed runs
    Clean,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let Action::Clean = args.action;
    let mut freed = 0;
    let mut count = 0;
    let busy = versions_being_installed(ctx);
    let mut skipped = 0;
    for dir in [ctx.root.downloads(), ctx.root.cache()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            // An install in progress owns its partial file and the archive it is about to
            // rename into place: leave them, or that install would fail at the rename.
            let name = entry.file_name().to_string_lossy().into_owned();
            if busy.iter().any(|v| name.starts_with(&format!("{v}."))) {
                skipped += 1;
                continue;
            }
            freed += tree_size(&entry.path());
            remove(&entry.path())?;
            count += 1;
        }
    }
    // Staging and trash folders whose installer is gone.
    for folder in crate::install::abandoned_folders(ctx) {
        freed += tree_size(&folder);
        remove(&folder)?;
        count += 1;
    }
    output::info(format_args!("removed {count} entries ({})", size(freed)));
    if skipped > 0 {
        output::info(format_args!(
            "kept {skipped} file{} of installs in progress ({})",
            if skipped == 1 { "" } else { "s" },
            busy.join(", ")
        ));
    }
    Ok(())
}

/// Versions whose install lock someone holds right now.
fn versions_being_installed(ctx: &Ctx) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(ctx.root.path().join("locks")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name.strip_suffix(".lock")?.to_owned();
            Lock::try_acquire(&ctx.root, &version)
                .is_none()
                .then_some(version)
        })
        .collect()
}

fn remove(path: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
    .with_context(|| format!("cannot remove {}", path.display()))
}

fn tree_size(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path).map_or(0, |entries| {
        entries.flatten().map(|e| tree_size(&e.path())).sum()
    })
}
