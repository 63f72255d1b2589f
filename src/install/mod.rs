//! Installing a version so that nothing is ever half-visible (README: "How installs work").
//!
//! One process per version at a time (a lock); the archive is verified against the index and
//! unpacked into a hidden staging folder beside `versions/` while it downloads; the tree is
//! checked (`bin/go` executable, `VERSION` naming the version); one rename makes it visible.
//! Staging folders left by killed runs are removed under the lock, partial downloads resumed.

mod stream;

pub use stream::StreamExtractor;

use crate::archive::{self, ArchiveError, Format, Limits};
use crate::ctx::Ctx;
use crate::dirhash::H1;
use crate::download;
use crate::error::user;
use crate::form_hash::FormHash;
use crate::lock::Lock;
use crate::output;
use crate::pause;
use crate::platform::Platform;
use crate::progress::Style;
use crate::source::Failure;
use crate::source::cross_check::CrossCheck;
use anyhow::{Context, Result};
use gopin_shim::{Report, Version};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Options {
    /// Reinstall even when installed.
    pub force: bool,
    pub platform: Platform,
    pub style: Style,
}

impl Options {
    pub fn new(ctx: &Ctx) -> Options {
        Options {
            force: false,
            platform: ctx.platform.clone(),
            style: Style::from_env(ctx.quiet),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    AlreadyInstalled,
    Installed,
}

/// Installs a release from the index.
pub fn install(ctx: &Ctx, version: &Version, options: &Options) -> Result<Outcome> {
    let name = version.to_string();
    if !options.force && is_installed(ctx, version) {
        return Ok(Outcome::AlreadyInstalled);
    }
    let _lock = Lock::acquire(&ctx.root, &name, || {
        output::info(format_args!(
            "waiting for another gopin that is installing {name}"
        ))
    })?;
    // Whoever held the lock may have installed it meanwhile.
    if !options.force && is_installed(ctx, version) {
        return Ok(Outcome::AlreadyInstalled);
    }
    remove_leftovers(ctx, &name);

    let staging = staging_dir(ctx, &name);
    let verification = crate::source::fetch(ctx, version, options, &staging)?;
    make_visible(ctx, &staging, version, options.force)?;
    verification.keep(&ctx.root, &name);
    installed(ctx, version)
}

/// Installs from a local archive, verified against `sha256` (from the index or the user) and
/// cross-checked against Go's checksum database as a download from the index would be.
pub fn install_archive(
    ctx: &Ctx,
    file: &Path,
    version: &Version,
    sha256: &str,
    force: bool,
) -> Result<Outcome> {
    let name = version.to_string();
    let _lock = Lock::acquire(&ctx.root, &name, || {
        output::info(format_args!(
            "waiting for another gopin that is installing {name}"
        ))
    })?;
    if !force && is_installed(ctx, version) {
        return Ok(Outcome::AlreadyInstalled);
    }
    remove_leftovers(ctx, &name);
    let platform = file
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(parse_archive_name)
        .map_or_else(|| ctx.platform.clone(), |(_, platform)| platform);
    let check = CrossCheck::begin(ctx, version, &platform).map_err(Failure::into_error)?;
    let computed =
        download::sha256_file(file).with_context(|| format!("cannot read {}", file.display()))?;
    if computed != sha256.to_ascii_lowercase() {
        return Err(user(
            Report::new(format!("checksum mismatch for {}", file.display()))
                .detail(format!("expected sha256: {sha256}"))
                .detail(format!("computed sha256: {computed}"))
                .hint("get the archive again, or check the checksum you passed with --sha256"),
        ));
    }
    let format = archive_format(&file.to_string_lossy())?;
    let staging = staging_dir(ctx, &name);
    let unpacked = unpack_file(format, file, &staging, check.form())?;
    let verification = match check.finish(ctx, unpacked.form_h1, None) {
        Ok(verification) => verification,
        Err(failure) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(failure.into_error());
        }
    };
    make_visible(ctx, &staging, version, force)?;
    verification.keep(&ctx.root, &name);
    installed(ctx, version)
}

/// PURE: the release and platform a release archive's name gives
/// (`go1.22.10.linux-amd64.tar.gz`): an official version (no custom suffix) and a platform of
/// plain letters and digits; `None` for any other name.
pub fn parse_archive_name(name: &str) -> Option<(Version, Platform)> {
    let stem = name
        .strip_suffix(".tar.gz")
        .or_else(|| name.strip_suffix(".zip"))?;
    let (version, platform) = stem.rsplit_once('.')?;
    let (os, arch) = platform.split_once('-')?;
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !(plain(os) && plain(arch)) {
        return None;
    }
    let version = Version::parse_toolchain(version).filter(|v| v.suffix().is_empty())?;
    Some((version, Platform::new(os, arch)))
}

/// Announces a new install and gives it its `goX.Y.Z` shim.
fn installed(ctx: &Ctx, version: &Version) -> Result<Outcome> {
    output::info(format_args!(
        "installed {version} in {}",
        ctx.root.version_dir(&version.to_string()).display()
    ));
    crate::shims::refresh(ctx)?;
    Ok(Outcome::Installed)
}

/// Makes the selected version present (the one owner of that decision, for `exec`, `env`,
/// `use`, the cd hook and the shim's hand-over): installed already, or installed now unless
/// automatic installs are off (then an error naming the command to run). Returns its GOROOT.
pub fn ensure(
    ctx: &Ctx,
    version: &Version,
    reason: Option<&gopin_shim::Reason>,
) -> Result<PathBuf> {
    if let Some(goroot) = crate::toolchain::installed_goroot(ctx, version) {
        return Ok(goroot);
    }
    if !ctx.config.auto_install {
        let message = format!("{version} is not installed");
        return Err(user(gopin_shim::policy::install_refused(
            message,
            version.bare(),
            reason,
        )));
    }
    install(ctx, version, &Options::new(ctx))?;
    Ok(ctx.root.version_dir(&version.to_string()))
}

/// True when the version's folder holds a `bin/go`.
pub fn is_installed(ctx: &Ctx, version: &Version) -> bool {
    crate::toolchain::installed_goroot(ctx, version).is_some()
}

pub(crate) fn archive_format(filename: &str) -> Result<Format> {
    Format::from_filename(filename).ok_or_else(|| {
        user(
            Report::new(format!("{filename} is not a .tar.gz or .zip archive"))
                .hint("Go archives end in .tar.gz (or .zip on Windows)"),
        )
    })
}

/// The staging folder: hidden, beside the versions, named after the version and this process.
fn staging_dir(ctx: &Ctx, name: &str) -> PathBuf {
    ctx.root
        .versions()
        .join(format!(".staging-{name}-{}", std::process::id()))
}

/// Removes staging and swap folders of `name` left by killed runs (the caller holds the lock).
fn remove_leftovers(ctx: &Ctx, name: &str) {
    let Ok(entries) = std::fs::read_dir(ctx.root.versions()) else {
        return;
    };
    for entry in entries.flatten() {
        if leftover_version(&entry.file_name().to_string_lossy()) == Some(name) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The version a folder beside the versions is set aside for: `.staging-`, `.old-` or
/// `.trash-`, then the version, `-` and the process id.
pub fn leftover_version(file_name: &str) -> Option<&str> {
    let rest = [".staging-", ".old-", ".trash-"]
        .iter()
        .find_map(|p| file_name.strip_prefix(p))?;
    rest.rsplit_once('-').map(|(version, _pid)| version)
}

/// Staging and swap folders whose process is gone (its version's lock is free).
pub fn abandoned_folders(ctx: &Ctx) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(ctx.root.versions()) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            leftover_version(&name)
                .is_some_and(|version| Lock::try_acquire(&ctx.root, version).is_some())
        })
        .map(|entry| entry.path())
        .collect()
}

/// An unpacked archive: the `h1:` of its module form, when one was asked for.
pub(crate) struct Unpacked {
    pub form_h1: Option<H1>,
}

/// Unpacks an archive file into a fresh staging folder; with `form` (a module version),
/// computes the `h1:` of the archive's module form in the same pass.
pub(crate) fn unpack_file(
    format: Format,
    file: &Path,
    staging: &Path,
    form: Option<&str>,
) -> Result<Unpacked> {
    fresh_dir(staging)?;
    let form = form.map(FormHash::new);
    let result = match format {
        Format::TarGz => std::fs::File::open(file)
            .map_err(ArchiveError::Read)
            .and_then(|f| {
                archive::extract_tar_gz_hashing(
                    std::io::BufReader::with_capacity(1 << 20, f),
                    staging,
                    &Limits::default(),
                    form,
                )
            }),
        Format::Zip => archive::extract_zip_hashing(file, staging, &Limits::default(), form),
    };
    result
        .map(|(_stats, form_h1)| Unpacked { form_h1 })
        .map_err(|e| {
            let _ = std::fs::remove_dir_all(staging);
            unpack_error(e, &file.display().to_string(), staging)
        })
}

/// An extraction failure as a person should read it: a full disk is not a hostile archive.
pub(crate) fn unpack_error(error: ArchiveError, archive: &str, staging: &Path) -> anyhow::Error {
    let versions = staging.parent().unwrap_or(staging);
    let report = match &error {
        ArchiveError::Write { path, source } => crate::error::write_failed(
            path,
            source,
            "nothing was installed; a downloaded archive is kept",
            versions,
        ),
        ArchiveError::Read(_) => Report::new(format!("cannot unpack {archive}"))
            .detail(error.to_string())
            .hint("the archive is damaged: run `gopin cache clean` and install again"),
        ArchiveError::Unsafe { .. } | ArchiveError::TooLarge { .. } | ArchiveError::NoGoFolder => {
            Report::new(format!("refused to unpack {archive}"))
                .detail(error.to_string())
                .hint("this is not a plain Go distribution: check that GOPIN_DOWNLOAD_URL serves go.dev's files")
        }
    };
    user(report)
}

pub(crate) fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// Checks the unpacked tree, then renames it into place (swapping out an old one on --force).
fn make_visible(ctx: &Ctx, staging: &Path, version: &Version, replace: bool) -> Result<()> {
    pause::point(&ctx.root, "extract");
    if let Err(e) = check_tree(staging, version) {
        let _ = std::fs::remove_dir_all(staging);
        return Err(e);
    }
    pause::point(&ctx.root, "rename");
    let name = version.to_string();
    let target = ctx.root.version_dir(&name);
    let old = ctx
        .root
        .versions()
        .join(format!(".old-{name}-{}", std::process::id()));
    let replacing = replace && std::fs::symlink_metadata(&target).is_ok();
    if replacing {
        std::fs::rename(&target, &old)
            .with_context(|| format!("cannot move {} aside", target.display()))?;
    }
    if let Err(e) = std::fs::rename(staging, &target) {
        if replacing {
            let _ = std::fs::rename(&old, &target);
        }
        let _ = std::fs::remove_dir_all(staging);
        return Err(e).with_context(|| {
            format!(
                "cannot rename {} to {}",
                staging.display(),
                target.display()
            )
        });
    }
    if replacing {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// A complete Go tree: an executable `bin/go` and a `VERSION` whose first line is the version.
fn check_tree(dir: &Path, version: &Version) -> Result<()> {
    let go = dir
        .join("bin")
        .join(format!("go{}", std::env::consts::EXE_SUFFIX));
    if !crate::system_go::is_executable(&go) {
        return Err(user(
            Report::new(format!(
                "the archive for {version} holds no executable go/bin/go"
            ))
            .hint("the archive is not a Go distribution; check GOPIN_DOWNLOAD_URL"),
        ));
    }
    let text = std::fs::read_to_string(dir.join("VERSION")).unwrap_or_default();
    let first = text.lines().next().unwrap_or("").trim();
    if first != version.to_string() {
        return Err(user(
            Report::new(format!("the archive for {version} is a different Go"))
                .detail(format!("its VERSION file says {first:?}"))
                .hint(
                    "check GOPIN_DOWNLOAD_URL and GOPIN_INDEX_URL point at the same release files",
                ),
        ));
    }
    Ok(())
}
