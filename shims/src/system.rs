//! The `system` spec: the first tool on PATH that is not gopin's (not in the shims folder, not
//! the shim itself under another name, however reached). Shared by the shim and the CLI.

use crate::root::Root;
use std::path::{Path, PathBuf};

/// The first `tool` on PATH outside gopin. The PATH walk is `which`'s; the filter is gopin's:
/// the shims folder is skipped, and so is any file that is a shim or this program itself
/// under another name (however reached: a symlinked alias of shims/).
pub fn find_tool(root: &Root, tool: &str) -> Option<PathBuf> {
    let shims = root.shims();
    let name = format!("{tool}{}", std::env::consts::EXE_SUFFIX);
    let ours: Vec<FileId> = [Some(shims.join(&name)), std::env::current_exe().ok()]
        .into_iter()
        .flatten()
        .filter_map(|p| identity(&p))
        .collect();
    let path = std::env::var_os("PATH")?;
    let dirs =
        std::env::join_paths(std::env::split_paths(&path).filter(|dir| dir != &shims)).ok()?;
    let cwd = std::env::current_dir().unwrap_or_default();
    which::which_in_all(tool, Some(dirs), cwd)
        .ok()?
        .find(|path| identity(path).is_some_and(|id| !ours.contains(&id)))
}

/// An executable regular file (links followed).
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

/// Which file a path leads to, links followed.
#[cfg(unix)]
pub type FileId = (u64, u64);
#[cfg(not(unix))]
pub type FileId = PathBuf;

#[cfg(unix)]
pub fn identity(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn identity(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok()
}
