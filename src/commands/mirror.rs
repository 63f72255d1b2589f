//! `gopin mirror --to DIR SPEC...`: copy verified archives (from the downloads cache when
//! present) into DIR and write `DIR/index.json` in go.dev's schema listing exactly what is
//! there. Any static server, object store or artifact repository can then serve DIR; clients
//! set `GOPIN_INDEX_URL=<url>/index.json GOPIN_DOWNLOAD_URL=<url>/`. Re-running adds versions
//! without downloading again. With `--goproxy`, DIR becomes a Go module proxy instead
//! (`crate::mirror`); both kinds can share one DIR.

use crate::ctx::Ctx;
use crate::download::{self, Expected};
use crate::error::user;
use crate::index::cache::write_atomic;
use crate::index::{Index, Release};
use crate::output;
use crate::platform::Platform;
use anyhow::{Context, Result};
use gopin_shim::{Report, Version};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The mirror folder (created if missing)
    #[arg(long, value_name = "DIR")]
    to: PathBuf,
    /// Versions to mirror (1.22.10, 1.22, latest)
    #[arg(required = true)]
    specs: Vec<String>,
    /// Operating system of the archives, in Go's names (default: this machine's)
    #[arg(long, value_name = "GOOS")]
    os: Option<String>,
    /// Architecture of the archives, in Go's names (default: this machine's)
    #[arg(long, value_name = "GOARCH")]
    arch: Option<String>,
    /// Write a Go module proxy (golang.org/toolchain) with the checksum database's answers
    /// inside, for GOPROXY, instead of archives and an index.json
    #[arg(long)]
    goproxy: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let platform = Platform::with_overrides(args.os.as_deref(), args.arch.as_deref());
    if args.goproxy {
        return crate::mirror::run(ctx, &args.to, &args.specs, &platform);
    }
    std::fs::create_dir_all(&args.to)
        .with_context(|| format!("cannot create {}", args.to.display()))?;
    let index = ctx.index(&|_| true)?;
    let mut mirrored: Vec<Release> = Vec::new();
    for text in &args.specs {
        let version = resolve(&index, text, &platform)?;
        let found = index.find(&version, &platform).ok_or_else(|| {
            user(
                Report::new(format!(
                    "{version} has no archive for {platform} in the index"
                ))
                .hint(format!(
                    "see the releases with `gopin list-remote --os {} --arch {}`",
                    platform.os, platform.arch
                )),
            )
        })?;
        let file = found.archive;
        let expected = Expected::from_index(file, &index.origin)?;
        copy_verified(ctx, &expected, &args.to)?;
        let mut release = found.release.clone();
        release.files = vec![file.clone()];
        mirrored.push(release);
    }
    let listed = write_index(&args.to, mirrored)?;
    output::info(format_args!(
        "{} lists {listed} archive{}; serve the folder and set GOPIN_INDEX_URL=<url>/index.json GOPIN_DOWNLOAD_URL=<url>/",
        args.to.join("index.json").display(),
        if listed == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// A spec resolved against the index for the mirror's platform (fuzzy: the newest stable).
fn resolve(index: &Index, text: &str, platform: &Platform) -> Result<Version> {
    crate::mirror::resolve_spec(text, platform, "--to DIR 1.22", |fuzzy| {
        Ok(index.newest(fuzzy, platform).map(|a| a.version))
    })
}

/// Puts a verified copy of the archive into `dir`: already there and intact, copied from the
/// downloads cache, or downloaded (into the cache) first.
fn copy_verified(ctx: &Ctx, expected: &Expected, dir: &Path) -> Result<()> {
    let target = dir.join(&expected.filename);
    if download::matches(&target, expected) {
        output::info(format_args!(
            "{} is already in the mirror",
            expected.filename
        ));
        return Ok(());
    }
    let source = download::kept_or_fetched(ctx, expected)?;
    let tmp = dir.join(format!(".{}.{}.tmp", expected.filename, std::process::id()));
    std::fs::copy(&source, &tmp)
        .with_context(|| format!("cannot copy {} to {}", source.display(), tmp.display()))?;
    if !download::matches(&tmp, expected) {
        let _ = std::fs::remove_file(&tmp);
        return Err(user(
            Report::new(format!(
                "the copy of {} in {} does not match its SHA-256",
                expected.filename,
                dir.display()
            ))
            .hint("check the disk holding the mirror and run the command again"),
        ));
    }
    std::fs::rename(&tmp, &target)
        .with_context(|| format!("cannot rename {} to {}", tmp.display(), target.display()))?;
    output::info(format_args!("mirrored {}", expected.filename));
    Ok(())
}

/// Merges the new releases into `dir/index.json`, keeping only files present in `dir`, newest
/// release first as go.dev lists them. Returns how many files it lists.
fn write_index(dir: &Path, new: Vec<Release>) -> Result<usize> {
    let path = dir.join("index.json");
    // Read back like any index: a regular file, at most the index cap.
    let existing = gopin_shim::small_file::read_bytes(&path, crate::document::MAX_BYTES);
    let mut releases: Vec<Release> = match existing {
        Ok(Some(bytes)) => {
            Index::parse(&bytes)
                .map_err(|e| {
                    user(
                        Report::new(format!("{} is not a Go download index", path.display()))
                            .detail(e.to_string())
                            .hint("move it away, or mirror into an empty folder"),
                    )
                })?
                .releases
        }
        Ok(None) => Vec::new(),
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
    };
    for release in new {
        match releases.iter_mut().find(|r| r.version == release.version) {
            Some(existing) => {
                for file in release.files {
                    existing.files.retain(|f| f.filename != file.filename);
                    existing.files.push(file);
                }
            }
            None => releases.push(release),
        }
    }
    for release in &mut releases {
        // An index.json already in DIR is read back: its names must be plain too.
        release.files.retain(|f| {
            crate::file_name::problem(&f.filename).is_none() && dir.join(&f.filename).is_file()
        });
        release.files.sort_by(|a, b| a.filename.cmp(&b.filename));
    }
    releases.retain(|r| !r.files.is_empty());
    releases.sort_by(|a, b| {
        let parse = |r: &Release| Version::parse_toolchain(&r.version);
        parse(b).cmp(&parse(a))
    });
    let count = releases.iter().map(|r| r.files.len()).sum();
    let json = serde_json::to_vec_pretty(&releases).context("cannot encode the index")?;
    write_atomic(&path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(count)
}
