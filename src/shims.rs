//! The shims folder: `shims/go`, `shims/gofmt` and one `shims/go1.22.10` per installed version,
//! all symbolic links to the one shim binary. The per-version links let Go's own toolchain
//! switching, which looks for `go1.22.10` on PATH before downloading, reuse gopin's installs.

use crate::ctx::Ctx;
use anyhow::{Context, Result};
use gopin_shim::installed_versions;
use std::path::{Path, PathBuf};

/// The tools every toolchain has, linked whatever is installed.
const TOOLS: [&str; 2] = ["go", "gofmt"];

/// The shim binary: `gopin-shim` beside this program (install.sh and cargo put them together).
pub fn shim_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let shim = exe
        .parent()?
        .join(format!("gopin-shim{}", std::env::consts::EXE_SUFFIX));
    shim.is_file().then_some(shim)
}

/// Makes the shims folder match the installed versions. Returns false when no shim binary is
/// found (gopin was installed without it), in which case nothing is changed.
pub fn refresh(ctx: &Ctx) -> Result<bool> {
    let Some(shim) = shim_binary() else {
        return Ok(false);
    };
    let dir = ctx.root.shims();
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut wanted: Vec<String> = TOOLS.iter().map(|t| (*t).to_owned()).collect();
    wanted.extend(
        installed_versions(&ctx.root)
            .iter()
            .map(ToString::to_string),
    );
    for name in &wanted {
        link(&shim, &dir.join(exe_name(name)))?;
    }
    // Links of versions no longer installed would only hand Go's switching a dead end.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let base = name
                .strip_suffix(std::env::consts::EXE_SUFFIX)
                .unwrap_or(&name)
                .to_owned();
            if !wanted.contains(&base) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(true)
}

fn exe_name(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// Points `path` at `shim`, replacing whatever link was there (atomically, via a rename).
fn link(shim: &Path, path: &Path) -> Result<()> {
    if std::fs::read_link(path).is_ok_and(|target| target == shim) {
        return Ok(());
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    symlink(shim, &tmp).with_context(|| format!("cannot create the shim {}", path.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("cannot create the shim {}", path.display()))
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

// Windows needs privileges for symbolic links; a copy of the small binary does the same job.
#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(target, link).map(|_| ())
}
