//! GOMODCACHE reuse: a toolchain the go command already downloaded
//! (`GOMODCACHE/cache/download/golang.org/toolchain/@v/<module version>.zip`) is installed from
//! that zip, whatever `GOPIN_SOURCE` says, checked against the checksum database exactly as a
//! proxy's zip is. gopin reads GOMODCACHE and never writes there.

use super::Failure;
use super::goproxy::{unpack_checked, verified_hash};
use super::toolchain_module::{MODULE, module_version};
use crate::ctx::Ctx;
use crate::gosettings::GoSettings;
use crate::install::Options;
use crate::output;
use crate::verification::Verification;
use gopin_shim::Version;
use std::path::{Path, PathBuf};

/// The go command's own download of this toolchain, if it has one (read, never written).
pub fn zip_of(settings: &GoSettings, module_version: &str) -> Option<PathBuf> {
    let cache = settings.gomodcache.value.as_ref()?;
    let zip = cache
        .join("cache/download")
        .join(MODULE)
        .join("@v")
        .join(format!("{module_version}.zip"));
    std::fs::metadata(&zip)
        .is_ok_and(|m| m.is_file())
        .then_some(zip)
}

/// Installs `version` from the go command's download when there is one and the database vouches
/// for it. `None`: nothing usable there (no zip, Go's settings unreadable, the database not
/// reachable, no database check possible), so the sources decide; `Some(Err)`: the zip is there and fails its check.
pub fn try_install(
    ctx: &Ctx,
    version: &Version,
    options: &Options,
    staging: &Path,
) -> Option<Result<Verification, Failure>> {
    let settings = GoSettings::read().ok()?;
    let module_version = module_version(version, &options.platform);
    let zip = zip_of(&settings, &module_version)?;
    // Only a database check makes the go command's zip worth trusting here; without one
    // (GOSUMDB=off, say, for private modules) the sources decide as usual.
    if !matches!(
        settings.toolchain_checking(),
        Ok(crate::gosettings::Checking::Database(_))
    ) {
        return None;
    }
    let wanted = match verified_hash(ctx, &settings, &module_version) {
        Ok(wanted) => wanted,
        Err(Failure::Unavailable(_)) => return None,
        Err(fatal) => return Some(Err(fatal)),
    };
    output::info(format_args!(
        "using the go command's download {} ({MODULE}@{module_version})",
        zip.display()
    ));
    Some(unpack_checked(&zip, &module_version, staging, wanted, true))
}
