//! The `go` on PATH outside gopin (the `system` spec).

use gopin_shim::Root;
use std::path::{Path, PathBuf};

/// The first `go` on PATH that is not in gopin's shims folder.
pub fn find(root: &Root, tool: &str) -> Option<PathBuf> {
    let shims = root.shims();
    let name = format!("{tool}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .filter(|dir| dir.as_path() != shims.as_path() && !same_dir(dir, &shims))
        .map(|dir| dir.join(&name))
        .find(|path| is_executable(path))
}

/// The GOROOT of a `go` binary: the folder above its `bin/`, after following links.
pub fn goroot_of(go: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(go).ok()?;
    Some(real.parent()?.parent()?.to_path_buf())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

pub fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
