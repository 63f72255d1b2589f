//! The `go` on PATH outside gopin (the `system` spec): the finding is the shim library's, so
//! the CLI and the shim agree; this adds what only the CLI asks, the GOROOT of that go.

use std::path::{Path, PathBuf};

pub use gopin_shim::system::{find_tool as find, is_executable};

/// The GOROOT of a `go` binary: the folder above its `bin/`, after following links.
pub fn goroot_of(go: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(go).ok()?;
    Some(real.parent()?.parent()?.to_path_buf())
}
