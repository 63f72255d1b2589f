//! `gopin cache clean`: remove downloaded archives, partial downloads, cached indexes and
//! folders left by killed runs. Installed versions stay.

use crate::ctx::Ctx;
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
    for dir in [ctx.root.downloads(), ctx.root.cache()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
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
    Ok(())
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
