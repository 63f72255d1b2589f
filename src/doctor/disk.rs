//! Doctor: free space under the root against a toolchain's size, cached archives that fail
//! their checksum, partial downloads and staging folders left behind.

use super::{Check, Status};
use crate::ctx::Ctx;
use crate::download::sha256_file;
use crate::progress::size;
use std::collections::HashMap;
use std::path::Path;

const GROUP: &str = "disk";

/// Room for one toolchain: its archive kept in downloads/ plus the unpacked tree.
const TOOLCHAIN_BYTES: u64 = 350_000_000;

pub fn check(ctx: &Ctx, checks: &mut Vec<Check>) {
    checks.push(free_space(ctx.root.path()));
    checks.extend(cached_archives(ctx));
    if let Some(check) = leftovers(ctx) {
        checks.push(check);
    }
}

fn free_space(root: &Path) -> Check {
    // The root may not exist yet: measure the folder that will hold it.
    let existing = root.ancestors().find(|p| p.exists()).unwrap_or(root);
    match available_bytes(existing) {
        Some(free) if free < 2 * TOOLCHAIN_BYTES => Check::new(
            GROUP,
            "disk.free",
            Status::Warn,
            format!("only {} free under {}", size(free), existing.display()),
        )
        .evidence(format!(
            "a toolchain takes about {} (archive and tree)",
            size(TOOLCHAIN_BYTES)
        ))
        .hint("free space, or run `gopin cache clean` to drop downloaded archives"),
        Some(free) => Check::new(
            GROUP,
            "disk.free",
            Status::Pass,
            format!("{} free under {}", size(free), existing.display()),
        ),
        None => Check::new(
            GROUP,
            "disk.free",
            Status::Info,
            format!("could not measure free space under {}", existing.display()),
        ),
    }
}

/// Free bytes on the filesystem holding `path`, from POSIX `df -Pk` (no unsafe statvfs call).
fn available_bytes(path: &Path) -> Option<u64> {
    let output = std::process::Command::new("df")
        .arg("-Pk")
        .arg(path)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().nth(1)?;
    let kib: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(kib * 1024)
}

/// Each archive in downloads/ against the SHA-256 the cached index lists for it.
fn cached_archives(ctx: &Ctx) -> Vec<Check> {
    let Ok(entries) = std::fs::read_dir(ctx.root.downloads()) else {
        return Vec::new();
    };
    let known = known_sums(ctx);
    let mut checks = Vec::new();
    let mut good = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".tar.gz") || name.ends_with(".zip")) {
            continue;
        }
        let Some(expected) = known.get(&name) else {
            checks.push(Check::new(
                GROUP,
                "disk.archive",
                Status::Info,
                format!("{name} is not in the cached index; not verified"),
            ));
            continue;
        };
        match sha256_file(&entry.path()) {
            Ok(sum) if &sum == expected => good += 1,
            Ok(sum) => checks.push(
                Check::new(
                    GROUP,
                    "disk.archive",
                    Status::Fail,
                    format!("cached archive {name} fails its checksum"),
                )
                .evidence(format!("expected sha256: {expected}"))
                .evidence(format!("computed sha256: {sum}"))
                .hint("remove it with `gopin cache clean`; the next install downloads it afresh"),
            ),
            Err(e) => checks.push(
                Check::new(
                    GROUP,
                    "disk.archive",
                    Status::Fail,
                    format!("cannot read {name}: {e}"),
                )
                .hint("`gopin cache clean`"),
            ),
        }
    }
    if good > 0 {
        checks.insert(
            0,
            Check::new(
                GROUP,
                "disk.archive",
                Status::Pass,
                format!("{good} cached archive(s) match their checksums"),
            ),
        );
    }
    checks
}

/// File name -> SHA-256 from every cached index.
fn known_sums(ctx: &Ctx) -> HashMap<String, String> {
    crate::index::cache::all_cached(&ctx.root)
        .iter()
        .flat_map(|index| index.releases.iter().flat_map(|r| &r.files))
        .filter(|file| !file.sha256.is_empty())
        .map(|file| (file.filename.clone(), file.sha256.to_ascii_lowercase()))
        .collect()
}

/// Partial downloads and staging folders of runs that are gone.
fn leftovers(ctx: &Ctx) -> Option<Check> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(ctx.root.downloads()) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".part") {
                let bytes = entry.metadata().map_or(0, |m| m.len());
                found.push(format!(
                    "partial download {} ({})",
                    entry.path().display(),
                    size(bytes)
                ));
            }
        }
    }
    for folder in crate::install::abandoned_folders(ctx) {
        found.push(format!(
            "folder left by a stopped install: {}",
            folder.display()
        ));
    }
    if found.is_empty() {
        return None;
    }
    let mut check = Check::new(
        GROUP,
        "disk.leftovers",
        Status::Warn,
        format!("{} leftover(s) of interrupted installs", found.len()),
    );
    for line in found {
        check = check.evidence(line);
    }
    Some(
        check.hint(
            "partial downloads resume on the next install; `gopin cache clean` removes them all",
        ),
    )
}
