//! Installing a version so that nothing is ever half-visible (README: "How installs work").
//!
//! One process per version at a time (a lock); the archive is verified against the index and
//! unpacked into a hidden staging folder beside `versions/` while it downloads; the tree is
//! checked (`bin/go` executable, `VERSION` naming the version); one rename makes it visible.
//! Staging folders left by killed runs are removed under the lock, partial downloads resumed.

use crate::archive::{self, ArchiveError, Format, Limits, Stats};
use crate::ctx::Ctx;
use crate::download::{self, Consumer, Discard, Expected};
use crate::error::user;
use crate::lock::Lock;
use crate::output;
use crate::pause;
use crate::platform::Platform;
use crate::progress::{Progress, Style};
use anyhow::{Context, Result, anyhow};
use gopin_shim::{Report, Version};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// How many downloaded chunks may wait for the extractor: bounds memory (8 MiB at 256 KiB).
const PIPE_DEPTH: usize = 32;

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

    let index = ctx.index(&|index| index.find(version, &options.platform).is_some())?;
    let Some(found) = index.find(version, &options.platform) else {
        let listed = if index.lists(version) {
            " has no archive for"
        } else {
            " is not in the Go download index for"
        };
        return Err(user(
            Report::new(format!("{version}{listed} {}", options.platform)).hint(format!(
                "see the releases with `gopin list-remote {}.{}`",
                version.major(),
                version.minor()
            )),
        ));
    };
    let expected = Expected::from_index(found.archive, &index.origin)?;
    let format = archive_format(&expected.filename)?;
    let staging = staging_dir(ctx, &name);
    let cached = download::archive_path(ctx, &expected.filename);
    if cached.is_file() && download::matches(&cached, &expected) {
        output::info(format_args!(
            "using the verified archive {}",
            cached.display()
        ));
        unpack_file(format, &cached, &staging)?;
    } else {
        let _ = std::fs::remove_file(&cached);
        let progress = Progress::new(options.style, &expected.filename, expected.size);
        match format {
            Format::TarGz => {
                let mut extractor = StreamExtractor::new(staging.clone(), &expected.filename);
                download::fetch(ctx, &expected, &progress, &mut extractor)?;
                extractor.finish()?;
            }
            Format::Zip => {
                let path = download::fetch(ctx, &expected, &progress, &mut Discard)?;
                unpack_file(format, &path, &staging)?;
            }
        }
    }
    make_visible(ctx, &staging, version, options.force)?;
    installed(ctx, version)
}

/// Installs from a local archive, verified against `sha256` (from the index or the user).
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
    unpack_file(format, file, &staging)?;
    make_visible(ctx, &staging, version, force)?;
    installed(ctx, version)
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

/// True when the version's folder holds a `bin/go`.
pub fn is_installed(ctx: &Ctx, version: &Version) -> bool {
    crate::toolchain::installed_goroot(ctx, version).is_some()
}

fn archive_format(filename: &str) -> Result<Format> {
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

/// Unpacks an archive file into a fresh staging folder.
fn unpack_file(format: Format, file: &Path, staging: &Path) -> Result<Stats> {
    fresh_dir(staging)?;
    let result = match format {
        Format::TarGz => std::fs::File::open(file)
            .map_err(ArchiveError::Read)
            .and_then(|f| {
                archive::extract_tar_gz(
                    std::io::BufReader::with_capacity(1 << 20, f),
                    staging,
                    &Limits::default(),
                )
            }),
        Format::Zip => archive::extract_zip(file, staging, &Limits::default()),
    };
    result.map_err(|e| {
        let _ = std::fs::remove_dir_all(staging);
        unpack_error(e, &file.display().to_string(), staging)
    })
}

/// An extraction failure as a person should read it: a full disk is not a hostile archive.
fn unpack_error(error: ArchiveError, archive: &str, staging: &Path) -> anyhow::Error {
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

fn fresh_dir(dir: &Path) -> Result<()> {
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

/// The extractor thread and its result.
type Extraction = JoinHandle<Result<Stats, ArchiveError>>;

/// Unpacks a `.tar.gz` on a second thread while it downloads: the download thread hashes and
/// writes the partial file, the extractor inflates and writes the tree, so the two overlap.
struct StreamExtractor {
    staging: PathBuf,
    /// The archive's file name, for messages.
    archive: String,
    running: Option<(SyncSender<Vec<u8>>, Extraction)>,
    /// The extractor's outcome when it stopped before the last byte: the end of the tar came
    /// before the gzip trailer, or it refused what it read. A refusal is reported only once the
    /// checksum has matched: on bytes that fail it, the mismatch is the truth (and leads to a
    /// fresh download or the next mirror), not a hostile archive.
    ended: Option<Result<Stats, ArchiveError>>,
}

impl StreamExtractor {
    fn new(staging: PathBuf, archive: &str) -> StreamExtractor {
        StreamExtractor {
            staging,
            archive: archive.to_owned(),
            running: None,
            ended: None,
        }
    }

    /// The stream is complete and verified: wait for the extractor and return its result.
    fn finish(mut self) -> Result<Stats> {
        if let Some(ended) = self.ended.take() {
            return ended.map_err(|e| {
                let _ = std::fs::remove_dir_all(&self.staging);
                unpack_error(e, &self.archive, &self.staging)
            });
        }
        let (sender, handle) = self
            .running
            .take()
            .ok_or_else(|| anyhow!("the extractor never started"))?;
        drop(sender);
        let result = handle
            .join()
            .map_err(|_| anyhow!("the extractor thread panicked"))?;
        result.map_err(|e| {
            let _ = std::fs::remove_dir_all(&self.staging);
            unpack_error(e, &self.archive, &self.staging)
        })
    }
}

impl Consumer for StreamExtractor {
    fn begin(&mut self) -> Result<()> {
        self.abort();
        fresh_dir(&self.staging)?;
        let (sender, receiver) = sync_channel(PIPE_DEPTH);
        let staging = self.staging.clone();
        let handle = std::thread::spawn(move || {
            archive::extract_tar_gz(ChannelReader::new(receiver), &staging, &Limits::default())
        });
        self.running = Some((sender, handle));
        Ok(())
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        let Some((sender, _)) = &self.running else {
            return Ok(()); // the tar ended; the rest is the gzip trailer, which the hash covers
        };
        if sender.send(bytes.to_vec()).is_ok() {
            return Ok(());
        }
        // The extractor stopped reading: it finished, or failed on what it read.
        let (_, handle) = self.running.take().expect("checked above");
        let outcome = handle
            .join()
            .map_err(|_| anyhow!("the extractor thread panicked"))?;
        match outcome {
            // The disk, not the bytes: no download can fix that, so stop now.
            Err(error @ ArchiveError::Write { .. }) => {
                let _ = std::fs::remove_dir_all(&self.staging);
                Err(unpack_error(error, &self.archive, &self.staging))
            }
            outcome => {
                self.ended = Some(outcome);
                Ok(())
            }
        }
    }

    fn abort(&mut self) {
        if let Some((sender, handle)) = self.running.take() {
            drop(sender);
            let _ = handle.join();
        }
        self.ended = None;
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

/// Reads the chunks a channel delivers; the sender hanging up is the end of the stream.
struct ChannelReader {
    receiver: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl ChannelReader {
    fn new(receiver: Receiver<Vec<u8>>) -> ChannelReader {
        ChannelReader {
            receiver,
            chunk: Vec::new(),
            at: 0,
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.receiver.recv() {
                Ok(chunk) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}
