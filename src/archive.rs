//! Unpacking go.dev toolchain archives without trusting them.
//!
//! gopin installs Go from the archives go.dev publishes: `go1.22.10.linux-amd64.tar.gz` on most
//! systems, `.zip` on Windows, each holding a single top folder `go/`. The bytes come from the
//! network, so this module treats every entry as hostile until proven otherwise: it writes only
//! plain files and folders, only below the destination, with ordinary permissions, and within
//! caps on size and entry count. The contents of `go/` land directly in the destination (a hidden
//! staging folder that the caller renames into place once extraction has succeeded), so a
//! refused or broken archive never leaves a half-installed toolchain where gopin would use it.
//!
//! The rules live in one pure function, [`entry_target`], shared by both formats; the
//! extractors add the checks that need an entry's type and mode.

use crate::dirhash::H1;
use crate::form_hash::FormHash;
use crate::tree_writer::{Content, Job, TreeWriter};
use std::cell::Cell;
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Files up to this size are read whole and handed to the writer threads; larger ones (a few
/// binaries in a Go release, the largest ~20 MB; any size in a hostile archive) go to a writer
/// in pieces of [`STREAM_PIECE`], so memory stays small whatever an entry declares.
const BUFFERED_MAX: u64 = 8 << 20;

const STREAM_PIECE: u64 = 1 << 20;

/// Buffer in front of the compressed input (a network stream or a file).
const READ_BUFFER: usize = 128 * 1024;

/// How much decompressed data the tar reader may consume between the end of one entry's
/// contents and the next entry: its header, padding, and any PAX or GNU long-name records.
/// The tar crate reads those records into memory whole, so without this cap a tiny download
/// could claim a multi-gigabyte "long name" and exhaust memory. Real records are a few hundred
/// bytes; 1 MiB is generous.
const HEADER_BUDGET: u64 = 1 << 20;

/// How much decompressed data may follow the tar end-of-archive marker. We read to the end of
/// the gzip stream so that its CRC and length trailer are verified (the only integrity check a
/// .tar.gz carries), but a stream that keeps going is a decompression bomb, not padding.
/// GNU tar pads to 10 KiB records; 1 MiB leaves plenty of room.
const TRAILER_BUDGET: u64 = 1 << 20;

/// Unix file-type bits, as stored in the upper half of a zip entry's external attributes.
pub(crate) const S_IFMT: u32 = 0o170_000;
pub(crate) const S_IFREG: u32 = 0o100_000;
pub(crate) const S_IFDIR: u32 = 0o040_000;
pub(crate) const S_IFLNK: u32 = 0o120_000;

/// Set-uid and set-gid: a toolchain never needs them, and extracting them as root would hand
/// out privileges.
const SETID_BITS: u32 = 0o6000;

/// Archive formats go.dev ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    TarGz,
    Zip,
}

impl Format {
    /// From a file name: `.tar.gz`/`.tgz` → TarGz, `.zip` → Zip, anything else None.
    ///
    /// The suffix is compared without regard to ASCII case, so a name typed on a
    /// case-insensitive file system (`GO.ZIP`) is recognised too.
    pub fn from_filename(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Format::TarGz)
        } else if name.ends_with(".zip") {
            Some(Format::Zip)
        } else {
            None
        }
    }
}

/// Caps against archive bombs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sum of the declared sizes of all entries.
    pub max_total_bytes: u64,
    /// Number of entries, folders and metadata records included.
    pub max_entries: u64,
}

impl Default for Limits {
    /// 4 GiB and 200,000 entries: a Go toolchain unpacks to a few hundred MB in about 15,000
    /// entries, so these leave an order of magnitude of growth and still stop a bomb.
    fn default() -> Limits {
        Limits {
            max_total_bytes: 4 << 30,
            max_entries: 200_000,
        }
    }
}

/// What was extracted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stats {
    /// Regular files written.
    pub files: u64,
    /// Folders created below the destination, whether the archive listed them or they were
    /// implied by a file's path; the destination itself is not counted.
    pub dirs: u64,
    /// Bytes written to files.
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An entry that is refused; `entry` is the path as written in the archive, `why` says which rule.
    #[error("refused archive entry {entry:?}: {why}")]
    Unsafe { entry: String, why: &'static str },
    #[error("the archive holds no go/ folder")]
    NoGoFolder,
    #[error("the archive unpacks to more than {limit} {what}")]
    TooLarge { limit: u64, what: &'static str },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Read/decompress failures of the archive itself (truncated, not gzip, bad zip...). The
    /// underlying io::Error is kept as the source, so a caller can tell a failure of its own
    /// reader (e.g. the network dropped) from a corrupt archive.
    #[error("cannot read the archive: {0}")]
    Read(#[source] io::Error),
}

pub(crate) fn refuse(entry: &str, why: &'static str) -> ArchiveError {
    ArchiveError::Unsafe {
        entry: entry.to_owned(),
        why,
    }
}

/// PURE: maps an archive entry name to its path relative to the destination, with the leading
/// `go/` removed. `Ok(None)` for the top folder `go/` itself (and `go`).
///
/// Refused, with the rule as the error text: empty names, NUL bytes, absolute paths (a leading
/// `/`, or a Windows drive or UNC prefix), backslashes, `..` and `.` components (a single
/// leading `./` is accepted and dropped), empty components (`go//bin`), and names not under
/// `go/`.
///
/// Two rules go beyond those, because the same archive contents ship for Windows and gopin
/// must not let a name mean something else there: colons anywhere (`go/C:/x` would make
/// `PathBuf::push` start over at a drive; `file:stream` writes an NTFS alternate stream), and
/// components ending in a dot or a space (Windows strips those, so `go/.. ` or `go/...` would
/// alias another path). Go's own tree has neither, since it must check out on Windows.
pub fn entry_target(name: &str) -> Result<Option<PathBuf>, &'static str> {
    entry_target_under(name, &["go"])
}

/// [`entry_target`] for archives whose top folder is `top` (its components): `go` for release
/// archives, `golang.org`, `toolchain@<version>` for module zips.
pub fn entry_target_under(name: &str, top: &[&str]) -> Result<Option<PathBuf>, &'static str> {
    if name.is_empty() {
        return Err("empty name");
    }
    if name.contains('\0') {
        return Err("NUL byte in name");
    }
    // Absolute forms first, so that `\\server\share` and `C:\x` are reported as what they are
    // rather than as a stray backslash or colon.
    if name.starts_with('/') {
        return Err("absolute path");
    }
    if name.starts_with('\\') {
        return Err("absolute path (Windows root or UNC prefix)");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("absolute path (Windows drive prefix)");
    }
    if name.contains('\\') {
        return Err("backslash in name");
    }
    if name.contains(':') {
        return Err("colon in name (a Windows drive or stream)");
    }

    // Archives made with `tar -C parent ./go` spell every name with a leading `./`.
    let name = name.strip_prefix("./").unwrap_or(name);
    // Folder entries end in one `/`; more than one is an empty component, refused below.
    let name = name.strip_suffix('/').unwrap_or(name);

    // Every component is checked before the `go/` prefix, so that `../evil` is reported as the
    // escape it is rather than merely as "not under go/".
    for component in name.split('/') {
        match component {
            "" => return Err("empty path component (repeated or leading slash)"),
            ".." => return Err("parent folder (..) component"),
            "." => return Err("current folder (.) component"),
            c if c.ends_with('.') || c.ends_with(' ') => {
                return Err("component ending in a dot or space (Windows would rename it)");
            }
            _ => {}
        }
    }

    let mut components = name.split('/');
    for expected in top {
        if components.next() != Some(*expected) {
            return Err(if top == ["go"] {
                "not under go/"
            } else {
                "not under the module's folder"
            });
        }
    }
    let relative: PathBuf = components.collect();
    if relative.as_os_str().is_empty() {
        Ok(None)
    } else {
        Ok(Some(relative))
    }
}

/// Streams a .tar.gz from `reader` into `dest` (an existing, empty folder): the contents of
/// `go/` land directly in `dest` (so `go/bin/go` becomes `dest/bin/go`).
///
/// Only regular files and folders are written. Refused with `Unsafe { entry, why }` naming the
/// entry: symbolic links, hard links, character/block devices, FIFOs, sparse files, any other
/// entry type except metadata (PAX and GNU long-name records, which the tar crate folds into
/// the next entry, and PAX global headers, which are skipped), set-uid or set-gid bits, every
/// path [`entry_target`] refuses, and a path an earlier entry already wrote (a duplicate).
///
/// Files get mode 0o755 when any exec bit is set in the archive, else 0o644; folders 0o755
/// (on unix; modes are ignored elsewhere). Those are the modes asked of the OS at creation, so
/// the user's umask still applies, as with `tar` itself; no extra chmod per file.
///
/// Parent folders are created as needed. Declared sizes and the entry count are checked
/// against `limits` before each entry is written. Returns [`ArchiveError::NoGoFolder`] when
/// nothing at all was under `go/`.
///
/// A refused or broken archive leaves whatever was written before the bad entry in `dest`
/// (a stream cannot be checked ahead); the caller discards the staging folder.
#[cfg(test)]
pub fn extract_tar_gz(
    reader: impl Read,
    dest: &Path,
    limits: &Limits,
) -> Result<Stats, ArchiveError> {
    extract_tar_gz_hashing(reader, dest, limits, None).map(|(stats, _)| stats)
}

/// [`extract_tar_gz`], hashing the files of `form` as they are written (the module-form `h1:`
/// of a release archive, computed in the same pass) and returning that hash.
pub fn extract_tar_gz_hashing(
    reader: impl Read,
    dest: &Path,
    limits: &Limits,
    form: Option<FormHash>,
) -> Result<(Stats, Option<H1>), ArchiveError> {
    let meter = Rc::new(Meter::default());
    let gzip = flate2::bufread::GzDecoder::new(BufReader::with_capacity(READ_BUFFER, reader));
    let mut archive = tar::Archive::new(Metered {
        inner: gzip,
        meter: Rc::clone(&meter),
    });
    let mut out = Output::new(dest, form);
    let mut count: u64 = 0;
    let mut declared: u64 = 0;
    let mut saw_go = false;

    let mut entries = archive.entries().map_err(ArchiveError::Read)?;
    // Contents of the previous entry that we did not read ourselves; the tar crate skips them
    // while looking for the next header, so they belong to that step's budget.
    let mut unread: u64 = 0;
    loop {
        meter.allow(HEADER_BUDGET.saturating_add(unread));
        let next = entries.next();
        let over_budget = meter.exhausted();
        // An entry's own contents are bounded by its declared size, checked below.
        meter.allow(u64::MAX);
        let mut entry = match next {
            None => break,
            Some(Ok(entry)) => entry,
            Some(Err(_)) if over_budget => {
                return Err(ArchiveError::TooLarge {
                    limit: HEADER_BUDGET,
                    what: "bytes of headers for one entry",
                });
            }
            Some(Err(e)) => return Err(ArchiveError::Read(e)),
        };

        count += 1;
        if count > limits.max_entries {
            return Err(too_many_entries(limits));
        }
        let size = entry.size();
        declared = declared.saturating_add(size);
        if declared > limits.max_total_bytes {
            return Err(too_many_bytes(limits));
        }
        unread = size;

        let kind = entry.header().entry_type();
        // Archive-wide PAX records (`git archive` writes one with the commit id) describe no
        // file; the tar crate hands them over as entries of their own.
        if kind.is_pax_global_extensions() {
            continue;
        }

        let name = match std::str::from_utf8(&entry.path_bytes()) {
            Ok(name) => name.to_owned(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
                return Err(refuse(&lossy, "name is not UTF-8"));
            }
        };
        let target = entry_target(&name).map_err(|why| refuse(&name, why))?;
        saw_go = true;

        let is_dir = match kind {
            tar::EntryType::Directory => true,
            // Old (V7) archives mark folders only by a trailing slash, as GNU tar reads them.
            tar::EntryType::Regular => name.ends_with('/'),
            tar::EntryType::Symlink => return Err(refuse(&name, "symbolic link")),
            tar::EntryType::Link => return Err(refuse(&name, "hard link")),
            tar::EntryType::Char => return Err(refuse(&name, "character device")),
            tar::EntryType::Block => return Err(refuse(&name, "block device")),
            tar::EntryType::Fifo => return Err(refuse(&name, "FIFO")),
            tar::EntryType::GNUSparse => return Err(refuse(&name, "sparse file")),
            // Including contiguous files ('7') and metadata records the tar crate did not
            // recognise: nothing go.dev ships.
            _ => return Err(refuse(&name, "unsupported entry type")),
        };
        let mode = entry.header().mode().map_err(ArchiveError::Read)?;
        if mode & SETID_BITS != 0 {
            return Err(refuse(&name, "set-uid or set-gid bit"));
        }

        match (is_dir, target) {
            // The top folder is `dest` itself, which exists already.
            (true, None) => {}
            (true, Some(relative)) => out.dir(&name, &relative)?,
            (false, None) => return Err(refuse(&name, "a file in place of the go/ folder")),
            (false, Some(relative)) => {
                // The tar crate limits the entry's reader to its declared size, so no check
                // for excess data is needed here, only for too little.
                out.file(&name, &relative, mode & 0o111 != 0, size, &mut entry)?;
                unread = 0;
            }
        }
    }

    // Read the rest of the gzip stream so flate2 verifies its CRC and length trailer: without
    // that, an archive cut off exactly after an entry would pass as complete.
    meter.allow(TRAILER_BUDGET);
    let mut rest = archive.into_inner();
    if let Err(e) = io::copy(&mut rest, &mut io::sink()) {
        if meter.exhausted() {
            return Err(ArchiveError::Read(io::Error::new(
                io::ErrorKind::InvalidData,
                "more than 1 MiB of data after the end of the tar archive",
            )));
        }
        return Err(ArchiveError::Read(e));
    }

    if !saw_go {
        return Err(ArchiveError::NoGoFolder);
    }
    out.finish()
}

/// Same rules as [`extract_tar_gz`] for a .zip file on disk (zip needs seeking).
///
/// An entry's type and mode come from the unix mode in the upper half of its external
/// attributes, read raw: the zip crate's own `unix_mode()` clears the set-uid and set-gid bits
/// this must see, and trusts the mode only for some creator systems, while a hostile archive
/// picks its creator system freely. Symbolic links (S_IFLNK) and other non-regular types are
/// refused; folders are names ending in `/` (or entries typed S_IFDIR). Entries with no unix
/// mode (DOS-made zips) are plain, non-executable files.
///
/// Unlike a stream, a zip has its directory at hand: every entry is checked, and the totals
/// against `limits`, before anything is written, so a refused zip leaves `dest` empty. Each
/// file's decompressed data must match its declared size, so a lying size cannot get around
/// the limits.
#[cfg(test)]
pub fn extract_zip(file: &Path, dest: &Path, limits: &Limits) -> Result<Stats, ArchiveError> {
    extract_zip_hashing(file, dest, limits, None).map(|(stats, _)| stats)
}

/// [`extract_zip`], hashing the files of `form` as they are written.
pub fn extract_zip_hashing(
    file: &Path,
    dest: &Path,
    limits: &Limits,
    form: Option<FormHash>,
) -> Result<(Stats, Option<H1>), ArchiveError> {
    struct Planned {
        index: usize,
        name: String,
        target: Option<PathBuf>,
        is_dir: bool,
        executable: bool,
        size: u64,
    }

    let input = File::open(file).map_err(ArchiveError::Read)?;
    let mut zip =
        zip::ZipArchive::new(BufReader::with_capacity(READ_BUFFER, input)).map_err(zip_error)?;
    if zip.len() as u64 > limits.max_entries {
        return Err(too_many_entries(limits));
    }

    let mut plan = Vec::with_capacity(zip.len());
    let mut declared: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip.by_index_data(index).map_err(zip_error)?;
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(entry.name_raw()).into_owned();
                return Err(refuse(&lossy, "name is not valid text"));
            }
        };
        let target = entry_target(&name).map_err(|why| refuse(&name, why))?;

        let mode = entry.external_attributes() >> 16;
        let is_dir = match mode & S_IFMT {
            S_IFDIR => true,
            // 0: the creator recorded permissions (or nothing) but no type.
            0 | S_IFREG => name.ends_with('/'),
            S_IFLNK => return Err(refuse(&name, "symbolic link")),
            _ => return Err(refuse(&name, "device, FIFO or socket")),
        };
        if mode & SETID_BITS != 0 {
            return Err(refuse(&name, "set-uid or set-gid bit"));
        }
        if !is_dir && target.is_none() {
            return Err(refuse(&name, "a file in place of the go/ folder"));
        }
        let size = if is_dir { 0 } else { entry.size() };
        declared = declared.saturating_add(size);
        if declared > limits.max_total_bytes {
            return Err(too_many_bytes(limits));
        }
        plan.push(Planned {
            index,
            name,
            target,
            is_dir,
            executable: mode & 0o111 != 0,
            size,
        });
    }
    if plan.is_empty() {
        return Err(ArchiveError::NoGoFolder);
    }

    let mut out = Output::new(dest, form);
    for item in plan {
        let Some(relative) = item.target else {
            continue; // the go/ folder itself: `dest`
        };
        if item.is_dir {
            out.dir(&item.name, &relative)?;
            continue;
        }
        let mut data = zip.by_index(item.index).map_err(zip_error)?;
        out.file(&item.name, &relative, item.executable, item.size, &mut data)?;
        expect_end(&mut data, &item.name)?;
    }
    out.finish()
}

/// Reads on to the end of a zip entry: that makes the zip crate verify the CRC, and shows
/// whether the entry holds more than it declared.
pub(crate) fn expect_end(data: &mut impl Read, entry: &str) -> Result<(), ArchiveError> {
    let mut probe = [0u8; 1];
    match read_full(data, &mut probe) {
        Ok(0) => Ok(()),
        Ok(_) => Err(ArchiveError::Read(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{entry:?} holds more data than its declared size"),
        ))),
        Err(e) => Err(ArchiveError::Read(e)),
    }
}

pub(crate) fn too_many_entries(limits: &Limits) -> ArchiveError {
    ArchiveError::TooLarge {
        limit: limits.max_entries,
        what: "entries",
    }
}

pub(crate) fn too_many_bytes(limits: &Limits) -> ArchiveError {
    ArchiveError::TooLarge {
        limit: limits.max_total_bytes,
        what: "bytes",
    }
}

/// Keeps the zip crate's io::Error as is (a read failure of the file), wraps the rest.
pub(crate) fn zip_error(error: zip::result::ZipError) -> ArchiveError {
    match error {
        zip::result::ZipError::Io(e) => ArchiveError::Read(e),
        other => ArchiveError::Read(io::Error::from(other)),
    }
}

/// Writes files and folders below `dest`. Every path it is given has passed [`entry_target`]
/// and it only ever creates plain folders and files, so no path below `dest` can be a link;
/// creating files with `create_new` keeps it that way even for a duplicate entry.
struct Output<'a> {
    dest: &'a Path,
    /// Creates and writes the files on every core (and hashes the module form's).
    writer: TreeWriter,
    /// Folders (relative to `dest`) known to exist: each is created once, with no stat call
    /// per file to find out.
    made: HashSet<PathBuf>,
    stats: Stats,
}

impl<'a> Output<'a> {
    fn new(dest: &'a Path, form: Option<FormHash>) -> Output<'a> {
        Output {
            dest,
            writer: TreeWriter::new(form),
            made: HashSet::new(),
            stats: Stats::default(),
        }
    }

    /// Creates `relative` and any missing parents.
    fn dir(&mut self, entry: &str, relative: &Path) -> Result<(), ArchiveError> {
        if self.made.contains(relative) {
            return Ok(());
        }
        // Ancestors from the outermost down, skipping the empty path (`dest` itself).
        let missing: Vec<PathBuf> = relative
            .ancestors()
            .filter(|a| !a.as_os_str().is_empty())
            .take_while(|a| !self.made.contains(*a))
            .map(Path::to_path_buf)
            .collect();
        for folder in missing.into_iter().rev() {
            let path = self.dest.join(&folder);
            match dir_builder().create(&path) {
                Ok(()) => self.stats.dirs += 1,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    // Only an earlier entry of this archive can have put it there.
                    let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
                    if !is_dir {
                        return Err(refuse(entry, "its path is already taken by a file"));
                    }
                }
                Err(source) => return Err(ArchiveError::Write { path, source }),
            }
            self.made.insert(folder);
        }
        Ok(())
    }

    /// Writes one file of `size` bytes read from `data`.
    fn file(
        &mut self,
        entry: &str,
        relative: &Path,
        executable: bool,
        size: u64,
        data: &mut impl Read,
    ) -> Result<(), ArchiveError> {
        if let Some(parent) = relative.parent()
            && !parent.as_os_str().is_empty()
        {
            self.dir(entry, parent)?;
        }
        let path = self.dest.join(relative);
        let form_name = self
            .writer
            .form()
            .and_then(|form| form.name_of(&slash_separated(relative)));
        if size <= BUFFERED_MAX {
            // The common case: the whole file goes to a writer thread.
            let mut bytes = Vec::with_capacity(size as usize);
            let n = data
                .take(size)
                .read_to_end(&mut bytes)
                .map_err(ArchiveError::Read)?;
            if (n as u64) < size {
                return Err(ends_inside(entry));
            }
            self.writer.write(Job {
                entry: entry.to_owned(),
                path,
                executable,
                content: Content::Whole(bytes),
                form_name,
            })?;
        } else {
            self.write_streamed(entry, path, executable, size, data, form_name)?;
        }
        self.stats.files += 1;
        self.stats.bytes += size;
        Ok(())
    }

    /// Hands a file too large to hold in memory to a writer piece by piece, so its writing
    /// and hashing happen off this thread too. No Go release has one over 24 MiB; a hostile
    /// archive may have any size.
    fn write_streamed(
        &mut self,
        entry: &str,
        path: PathBuf,
        executable: bool,
        size: u64,
        data: &mut impl Read,
        form_name: Option<String>,
    ) -> Result<(), ArchiveError> {
        let pieces = self.writer.stream(entry, path, executable, form_name)?;
        let mut left = size;
        while left > 0 {
            let mut piece = vec![0; left.min(STREAM_PIECE) as usize];
            let n = read_full(data, &mut piece).map_err(ArchiveError::Read)?;
            if n < piece.len() {
                return Err(ends_inside(entry));
            }
            if pieces.send(piece).is_err() {
                return Err(self.writer.failure());
            }
            left -= n as u64;
        }
        Ok(())
    }

    /// Waits for the writers: the stats, and the module form's hash when one was asked for.
    fn finish(self) -> Result<(Stats, Option<H1>), ArchiveError> {
        let h1 = self.writer.finish()?;
        Ok((self.stats, h1))
    }
}

/// A checked relative path as archive names spell it (`src/go.mod`, also on Windows).
fn slash_separated(relative: &Path) -> String {
    let parts: Vec<_> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

fn ends_inside(entry: &str) -> ArchiveError {
    ArchiveError::Read(io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the archive ends inside {entry:?}"),
    ))
}

#[cfg(unix)]
pub(crate) fn file_options(executable: bool) -> OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = OpenOptions::new();
    options
        .write(true)
        .create_new(true)
        .mode(if executable { 0o755 } else { 0o644 });
    options
}

#[cfg(not(unix))]
pub(crate) fn file_options(_executable: bool) -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    options
}

#[cfg(unix)]
pub(crate) fn dir_builder() -> fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut builder = fs::DirBuilder::new();
    builder.mode(0o755);
    builder
}

#[cfg(not(unix))]
pub(crate) fn dir_builder() -> fs::DirBuilder {
    fs::DirBuilder::new()
}

/// Reads until `buf` is full or the input ends; returns the count (0 only at the end).
/// Decompressors often return less than asked, and filling the buffer keeps writes large.
pub(crate) fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A read allowance shared between [`extract_tar_gz`] and the reader under the tar crate, so
/// the extractor can bound what the crate consumes on its own between entries.
#[derive(Default)]
struct Meter {
    left: Cell<u64>,
    exhausted: Cell<bool>,
}

impl Meter {
    fn allow(&self, bytes: u64) {
        self.left.set(bytes);
        self.exhausted.set(false);
    }

    fn exhausted(&self) -> bool {
        self.exhausted.get()
    }
}

/// The decompressed stream, failing once the [`Meter`]'s allowance is used up.
struct Metered<R> {
    inner: R,
    meter: Rc<Meter>,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let left = self.meter.left.get();
        if left == 0 {
            // An input that ends exactly at the allowance is fine; one that goes on is not.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.meter.exhausted.set(true);
            return Err(io::Error::other("read allowance exhausted"));
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.meter.left.set(left - n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::collections::BTreeMap;
    use std::io::Write;
    use tar::{EntryType, Header};
    use tempfile::TempDir;
    use zip::write::SimpleFileOptions;

    // ---- entry_target -------------------------------------------------------------------

    /// Accepted names with the expected relative path (None: the top folder itself), then
    /// refused names with a fragment of the expected `why`.
    #[test]
    fn entry_target_table() {
        let good: &[(&str, Option<&str>)] = &[
            ("go", None),
            ("go/", None),
            ("./go/", None),
            ("./go", None),
            ("go/VERSION", Some("VERSION")),
            ("go/bin/", Some("bin")),
            ("go/bin/go", Some("bin/go")),
            ("./go/bin/gofmt", Some("bin/gofmt")),
            ("go/src/x/y.go", Some("src/x/y.go")),
            ("go/.gitattributes", Some(".gitattributes")),
            ("go/src/..x/y", Some("src/..x/y")),
            ("go/a b/c", Some("a b/c")),
            ("go/pkg/tool/linux_amd64/", Some("pkg/tool/linux_amd64")),
        ];
        for (name, want) in good {
            let got = entry_target(name);
            assert_eq!(got, Ok(want.map(PathBuf::from)), "{name:?}");
        }

        let bad: &[(&str, &str)] = &[
            ("", "empty name"),
            ("go/bin/\0go", "NUL"),
            ("/etc/passwd", "absolute"),
            ("/go/bin/go", "absolute"),
            ("//server/share", "absolute"),
            ("\\\\server\\share\\x", "UNC"),
            ("\\go\\x", "absolute"),
            ("C:\\Windows\\x", "drive"),
            ("C:/Windows/x", "drive"),
            ("c:go/x", "drive"),
            ("go\\bin\\go", "backslash"),
            ("go/bin\\..\\..\\evil", "backslash"),
            ("go/C:/x", "colon"),
            ("go/bin/go:stream", "colon"),
            ("..", ".."),
            ("../evil", ".."),
            ("go/..", ".."),
            ("go/../../evil", ".."),
            ("go/bin/../../x", ".."),
            ("go/bin/..", ".."),
            (".", "(.)"),
            ("go/./bin", "(.)"),
            ("././go/x", "(.)"),
            ("go//bin", "empty path component"),
            ("go/bin//", "empty path component"),
            ("./", "empty path component"),
            ("go/x/...", "dot or space"),
            ("go/bin. /x", "dot or space"),
            ("go/.. ", "dot or space"),
            ("go/bin/go.", "dot or space"),
            ("other/x", "not under go/"),
            ("gopher/x", "not under go/"),
            ("Go/bin/go", "not under go/"),
            ("evil", "not under go/"),
            ("x/go/bin", "not under go/"),
        ];
        for (name, fragment) in bad {
            match entry_target(name) {
                Err(why) => assert!(
                    why.contains(fragment),
                    "{name:?}: {why:?} lacks {fragment:?}"
                ),
                Ok(path) => panic!("{name:?} accepted as {path:?}"),
            }
        }
        assert!(good.len() + bad.len() >= 25);
    }

    #[test]
    fn format_from_filename() {
        assert_eq!(
            Format::from_filename("go1.22.10.linux-amd64.tar.gz"),
            Some(Format::TarGz)
        );
        assert_eq!(Format::from_filename("go.tgz"), Some(Format::TarGz));
        assert_eq!(
            Format::from_filename("go1.22.10.windows-amd64.zip"),
            Some(Format::Zip)
        );
        assert_eq!(Format::from_filename("GO.ZIP"), Some(Format::Zip));
        assert_eq!(Format::from_filename("go1.22.10.darwin-arm64.pkg"), None);
        assert_eq!(Format::from_filename("go.tar"), None);
        assert_eq!(Format::from_filename("go.gz"), None);
        assert_eq!(Format::from_filename("zip"), None);
    }

    #[test]
    fn default_limits() {
        let limits = Limits::default();
        assert_eq!(limits.max_total_bytes, 4 * 1024 * 1024 * 1024);
        assert_eq!(limits.max_entries, 200_000);
    }

    // ---- helpers ------------------------------------------------------------------------

    /// A tempdir with the destination nested three levels down, so that escapes of one, two
    /// or three `..` would land in the tempdir, where [`Sandbox::assert_untouched`] sees them.
    struct Sandbox {
        root: TempDir,
        dest: PathBuf,
        before: BTreeMap<PathBuf, Vec<u8>>,
    }

    impl Sandbox {
        fn new() -> Sandbox {
            let root = tempfile::tempdir().unwrap();
            let dest = root.path().join("a/b/.staging");
            fs::create_dir_all(&dest).unwrap();
            fs::write(root.path().join("keep.txt"), b"keep").unwrap();
            fs::write(root.path().join("a/keep.txt"), b"keep").unwrap();
            let before = snapshot(root.path(), &dest);
            Sandbox { root, dest, before }
        }

        fn assert_untouched(&self) {
            assert_eq!(
                snapshot(self.root.path(), &self.dest),
                self.before,
                "something was written outside dest"
            );
        }

        fn dest_is_empty(&self) -> bool {
            fs::read_dir(&self.dest).unwrap().next().is_none()
        }

        fn tar(&self, archive: &[u8]) -> Result<Stats, ArchiveError> {
            extract_tar_gz(archive, &self.dest, &Limits::default())
        }

        fn zip(&self, archive: &[u8]) -> Result<Stats, ArchiveError> {
            let path = self.root.path().join("archive.zip");
            fs::write(&path, archive).unwrap();
            let result = extract_zip(&path, &self.dest, &Limits::default());
            fs::remove_file(&path).unwrap();
            result
        }
    }

    /// Every path under `root` except those under `skip`, with file contents (empty for
    /// folders, the target for links).
    fn snapshot(root: &Path, skip: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut seen = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(folder) = stack.pop() {
            for item in fs::read_dir(&folder).unwrap() {
                let path = item.unwrap().path();
                if path == skip {
                    continue;
                }
                let meta = fs::symlink_metadata(&path).unwrap();
                let content = if meta.is_dir() {
                    stack.push(path.clone());
                    Vec::new()
                } else if meta.is_file() {
                    fs::read(&path).unwrap()
                } else {
                    fs::read_link(&path)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes()
                };
                seen.insert(path, content);
            }
        }
        seen
    }

    fn assert_refused(
        result: Result<Stats, ArchiveError>,
        want_entry: &str,
        want_why: &str,
    ) -> ArchiveError {
        match result {
            Err(ArchiveError::Unsafe { ref entry, why }) => {
                assert_eq!(entry, want_entry);
                assert!(why.contains(want_why), "{why:?} lacks {want_why:?}");
                result.unwrap_err()
            }
            other => panic!("expected Unsafe for {want_entry:?}, got {other:?}"),
        }
    }

    /// One tar entry with its header written by hand, so names the tar crate's own setters
    /// refuse (`..`, absolute) can be built.
    struct Raw<'a> {
        name: &'a [u8],
        kind: EntryType,
        mode: u32,
        data: &'a [u8],
        link: &'a [u8],
    }

    fn raw<'a>(name: &'a str, kind: EntryType, mode: u32, data: &'a [u8]) -> Raw<'a> {
        Raw {
            name: name.as_bytes(),
            kind,
            mode,
            data,
            link: b"",
        }
    }

    fn tar_bytes(entries: &[Raw]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for entry in entries {
            let mut header = Header::new_gnu();
            header.as_old_mut().name[..entry.name.len()].copy_from_slice(entry.name);
            header.as_old_mut().linkname[..entry.link.len()].copy_from_slice(entry.link);
            header.set_entry_type(entry.kind);
            header.set_mode(entry.mode);
            header.set_size(entry.data.len() as u64);
            if entry.kind == EntryType::GNUSparse {
                // A valid, empty sparse map, so the tar crate gets as far as handing it over.
                header.as_gnu_mut().unwrap().set_real_size(0);
            }
            header.set_cksum();
            builder.append(&header, entry.data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn tar_gz(entries: &[Raw]) -> Vec<u8> {
        gzip(&tar_bytes(entries))
    }

    /// `go/`, `go/VERSION`, `go/bin/go` (0o755), `go/src/x/y.go` with no entries for
    /// `go/src` or `go/src/x`.
    fn good_tar_gz() -> Vec<u8> {
        tar_gz(&[
            raw("go/", EntryType::Directory, 0o755, b""),
            raw("go/VERSION", EntryType::Regular, 0o644, b"go1.22.10\n"),
            raw("go/bin/", EntryType::Directory, 0o755, b""),
            raw("go/bin/go", EntryType::Regular, 0o755, b"\x7fELF binary"),
            raw("go/src/x/y.go", EntryType::Regular, 0o644, b"package x\n"),
        ])
    }

    /// The mode the OS gives a file asked for with `mode`, under the current umask.
    #[cfg(unix)]
    fn expected_mode(dir: &Path, mode: u32) -> u32 {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let probe = dir.join(format!("probe-{mode:o}"));
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&probe)
            .unwrap();
        let got = fs::metadata(&probe).unwrap().permissions().mode() & 0o7777;
        fs::remove_file(&probe).unwrap();
        got
    }

    fn assert_good_tree(sandbox: &Sandbox, stats: &Stats) {
        let dest = &sandbox.dest;
        assert_eq!(fs::read(dest.join("VERSION")).unwrap(), b"go1.22.10\n");
        assert_eq!(fs::read(dest.join("bin/go")).unwrap(), b"\x7fELF binary");
        assert_eq!(fs::read(dest.join("src/x/y.go")).unwrap(), b"package x\n");
        assert!(!dest.join("go").exists(), "go/ must be stripped");
        assert_eq!(
            *stats,
            Stats {
                files: 3,
                dirs: 3, // bin, src, src/x
                bytes: 10 + 11 + 10,
            }
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                fs::symlink_metadata(dest.join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o7777
            };
            let probe_dir = sandbox.root.path();
            assert_eq!(mode("bin/go"), expected_mode(probe_dir, 0o755));
            assert_eq!(mode("VERSION"), expected_mode(probe_dir, 0o644));
            assert_eq!(mode("src/x/y.go"), expected_mode(probe_dir, 0o644));
            assert_eq!(mode("src/x"), expected_mode(probe_dir, 0o755));
            assert_eq!(mode("bin"), expected_mode(probe_dir, 0o755));
        }
        sandbox.assert_untouched();
    }

    // ---- tar: good archives ---------------------------------------------------------------

    #[test]
    fn tar_good_archive() {
        let sandbox = Sandbox::new();
        let stats = sandbox.tar(&good_tar_gz()).unwrap();
        assert_good_tree(&sandbox, &stats);
    }

    #[test]
    fn tar_exec_bit_for_anyone_makes_0755_and_odd_modes_become_0644() {
        let sandbox = Sandbox::new();
        sandbox
            .tar(&tar_gz(&[
                raw("go/a", EntryType::Regular, 0o701, b"a"),
                raw("go/b", EntryType::Regular, 0o666, b"b"),
                raw("go/c", EntryType::Regular, 0o1644, b"c"), // sticky: dropped
            ]))
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                fs::metadata(sandbox.dest.join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o7777
            };
            let root = sandbox.root.path();
            assert_eq!(mode("a"), expected_mode(root, 0o755));
            assert_eq!(mode("b"), expected_mode(root, 0o644));
            assert_eq!(mode("c"), expected_mode(root, 0o644));
        }
    }

    /// Names longer than 100 bytes use GNU long-name records; a PAX global header (as `git
    /// archive` writes) is skipped; a leading `./` is accepted.
    #[test]
    fn tar_long_names_and_metadata_records() {
        let long = format!("go/src/{}/file.go", "d".repeat(150));
        let mut builder = tar::Builder::new(Vec::new());
        let mut global = Header::new_ustar();
        let record = b"52 comment=f0e1d2c3b4a5968778695a4b3c2d1e0f00112233\n";
        global.as_old_mut().name[..20].copy_from_slice(b"pax_global_header\0\0\0");
        global.set_entry_type(EntryType::XGlobalHeader);
        global.set_size(record.len() as u64);
        global.set_cksum();
        builder.append(&global, &record[..]).unwrap();
        let mut header = Header::new_gnu();
        header.set_entry_type(EntryType::Regular);
        header.set_mode(0o644);
        header.set_size(4);
        builder
            .append_data(&mut header, &long, &b"long"[..])
            .unwrap();
        let mut dotted = Header::new_gnu();
        dotted.set_entry_type(EntryType::Regular);
        dotted.set_mode(0o644);
        dotted.set_size(3);
        dotted.as_old_mut().name[..12].copy_from_slice(b"./go/dotted\0");
        dotted.set_cksum();
        builder.append(&dotted, &b"dot"[..]).unwrap();
        let archive = gzip(&builder.into_inner().unwrap());

        let sandbox = Sandbox::new();
        let stats = sandbox.tar(&archive).unwrap();
        let relative = long.strip_prefix("go/").unwrap();
        assert_eq!(fs::read(sandbox.dest.join(relative)).unwrap(), b"long");
        assert_eq!(fs::read(sandbox.dest.join("dotted")).unwrap(), b"dot");
        assert_eq!(stats.files, 2);
        sandbox.assert_untouched();
    }

    /// A large file crosses many stream pieces and gzip blocks intact.
    #[test]
    fn tar_large_file_round_trips() {
        let data: Vec<u8> = (0..BUFFERED_MAX as usize + 3 * STREAM_PIECE as usize + 12345)
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        let data: &'static [u8] = data.leak();
        let sandbox = Sandbox::new();
        let stats = sandbox
            .tar(&tar_gz(&[raw("go/big", EntryType::Regular, 0o644, data)]))
            .unwrap();
        assert_eq!(fs::read(sandbox.dest.join("big")).unwrap(), data);
        assert_eq!(stats.bytes, data.len() as u64);
    }

    // ---- tar: attacks ---------------------------------------------------------------------

    /// A streamed file whose writer fails (here: its path is taken) stops the reader at its
    /// next piece with the writer's reason, however far the stream had got.
    #[test]
    fn tar_refuses_a_duplicate_streamed_file() {
        let big: &'static [u8] =
            vec![7u8; BUFFERED_MAX as usize + 5 * STREAM_PIECE as usize].leak();
        let sandbox = Sandbox::new();
        let archive = tar_gz(&[
            raw("go/bin/go", EntryType::Regular, 0o755, b"small"),
            raw("go/bin/go", EntryType::Regular, 0o755, big),
        ]);
        assert_refused(sandbox.tar(&archive), "go/bin/go", "duplicate");
        sandbox.assert_untouched();
    }

    /// Extracts a .tar.gz holding a harmless `go/` entry, then `hostile`, and checks the refusal.
    fn tar_attack(hostile: Raw, want_why: &str) {
        let entry = String::from_utf8(hostile.name.to_vec()).unwrap();
        let archive = tar_gz(&[raw("go/", EntryType::Directory, 0o755, b""), hostile]);
        let sandbox = Sandbox::new();
        assert_refused(sandbox.tar(&archive), &entry, want_why);
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_refuses_parent_escape() {
        tar_attack(raw("../evil", EntryType::Regular, 0o644, b"x"), "..");
    }

    #[test]
    fn tar_refuses_escape_through_go() {
        tar_attack(raw("go/../../evil", EntryType::Regular, 0o644, b"x"), "..");
    }

    #[test]
    fn tar_refuses_absolute_path() {
        tar_attack(
            raw("/etc/passwd", EntryType::Regular, 0o644, b"x"),
            "absolute",
        );
    }

    #[test]
    fn tar_refuses_nested_parent_escape() {
        tar_attack(raw("go/bin/../../x", EntryType::Regular, 0o644, b"x"), "..");
    }

    #[test]
    fn tar_refuses_symlink() {
        let mut link = raw("go/bin/link", EntryType::Symlink, 0o777, b"");
        link.link = b"/etc/passwd";
        tar_attack(link, "symbolic link");
    }

    #[test]
    fn tar_refuses_hard_link() {
        let mut link = raw("go/bin/hard", EntryType::Link, 0o644, b"");
        link.link = b"go/VERSION";
        tar_attack(link, "hard link");
    }

    #[test]
    fn tar_refuses_char_device() {
        tar_attack(
            raw("go/dev/null", EntryType::Char, 0o666, b""),
            "character device",
        );
    }

    #[test]
    fn tar_refuses_block_device() {
        tar_attack(
            raw("go/dev/sda", EntryType::Block, 0o660, b""),
            "block device",
        );
    }

    #[test]
    fn tar_refuses_fifo() {
        tar_attack(raw("go/pipe", EntryType::Fifo, 0o644, b""), "FIFO");
    }

    #[test]
    fn tar_refuses_other_entry_types() {
        tar_attack(raw("go/sparse", EntryType::GNUSparse, 0o644, b""), "sparse");
        tar_attack(
            raw("go/odd", EntryType::new(b'Z'), 0o644, b""),
            "unsupported",
        );
    }

    #[test]
    fn tar_refuses_setuid_file() {
        tar_attack(
            raw("go/bin/go", EntryType::Regular, 0o4755, b"x"),
            "set-uid",
        );
    }

    #[test]
    fn tar_refuses_setgid_file() {
        tar_attack(
            raw("go/bin/go", EntryType::Regular, 0o2755, b"x"),
            "set-gid",
        );
    }

    #[test]
    fn tar_refuses_setgid_folder() {
        tar_attack(raw("go/bin/", EntryType::Directory, 0o2755, b""), "set-gid");
    }

    #[test]
    fn tar_refuses_entry_outside_go() {
        tar_attack(
            raw("evil/x", EntryType::Regular, 0o644, b"x"),
            "not under go/",
        );
    }

    #[test]
    fn tar_refuses_backslash_name() {
        tar_attack(
            raw("go\\..\\..\\evil", EntryType::Regular, 0o644, b"x"),
            "backslash",
        );
    }

    #[test]
    fn tar_refuses_file_in_place_of_go_folder() {
        let sandbox = Sandbox::new();
        let archive = tar_gz(&[raw("go", EntryType::Regular, 0o644, b"x")]);
        assert_refused(sandbox.tar(&archive), "go", "in place of the go/ folder");
        sandbox.assert_untouched();
    }

    /// Files too large to hold in memory are streamed on the reading thread, the rest go to
    /// the writers; both count in the module form's hash, and both land whole.
    #[test]
    fn tar_hashes_the_module_form_of_small_and_streamed_files() {
        let big: Vec<u8> = (0..(BUFFERED_MAX as usize + 4096))
            .map(|i| (i % 253) as u8)
            .collect();
        let many: Vec<(String, Vec<u8>)> = (0..300)
            .map(|i| {
                (
                    format!("go/src/p{}/f{i}.go", i % 9),
                    format!("package p // {i}\n").into_bytes(),
                )
            })
            .collect();
        let mut entries = vec![
            raw("go/VERSION", EntryType::Regular, 0o644, b"go1.22.10\n"),
            raw("go/bin/go", EntryType::Regular, 0o755, &big),
            raw("go/src/go.mod", EntryType::Regular, 0o644, b"module std\n"),
            raw("go/test/x.go", EntryType::Regular, 0o644, b"package x\n"),
        ];
        entries.extend(
            many.iter()
                .map(|(n, b)| raw(n, EntryType::Regular, 0o644, b)),
        );
        let archive = tar_gz(&entries);
        let sandbox = Sandbox::new();
        let mv = "v0.0.1-go1.22.10.linux-amd64";
        let (stats, h1) = extract_tar_gz_hashing(
            &archive[..],
            &sandbox.dest,
            &Limits::default(),
            Some(FormHash::new(mv)),
        )
        .unwrap();
        assert_eq!(stats.files, 304);
        assert_eq!(fs::read(sandbox.dest.join("bin/go")).unwrap(), big);
        assert_eq!(
            fs::read(sandbox.dest.join("test/x.go")).unwrap(),
            b"package x\n"
        );
        let p = format!("golang.org/toolchain@{mv}/");
        let mut want: Vec<(String, Vec<u8>)> = vec![
            (format!("{p}VERSION"), b"go1.22.10\n".to_vec()),
            (format!("{p}bin/go"), big.clone()),
            (format!("{p}src/_go.mod"), b"module std\n".to_vec()),
        ];
        want.extend(
            many.iter()
                .map(|(n, b)| (format!("{p}{}", &n[3..]), b.clone())),
        );
        assert_eq!(h1, Some(crate::dirhash::hash1(want).unwrap()));
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_refuses_duplicate_file() {
        let sandbox = Sandbox::new();
        let archive = tar_gz(&[
            raw("go/VERSION", EntryType::Regular, 0o644, b"one"),
            raw("go/VERSION", EntryType::Regular, 0o644, b"two"),
        ]);
        assert_refused(sandbox.tar(&archive), "go/VERSION", "duplicate");
        // Two writer threads may take the two entries: one of them is written whole, never a mix.
        let kept = fs::read(sandbox.dest.join("VERSION")).unwrap();
        assert!(kept == b"one" || kept == b"two", "{kept:?}");
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_refuses_folder_over_file() {
        let sandbox = Sandbox::new();
        let archive = tar_gz(&[
            raw("go/bin", EntryType::Regular, 0o644, b"file"),
            raw("go/bin/go", EntryType::Regular, 0o755, b"x"),
        ]);
        // The file is written by a writer thread while the reader makes the folder: whichever
        // comes second is refused, so either entry may be the one named.
        match sandbox.tar(&archive) {
            Err(ArchiveError::Unsafe { entry, why }) => {
                assert!(entry == "go/bin/go" || entry == "go/bin", "{entry}");
                assert!(why.contains("already taken"), "{why}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_refuses_too_large_total() {
        let archive = tar_gz(&[
            raw("go/", EntryType::Directory, 0o755, b""),
            raw("go/a", EntryType::Regular, 0o644, b"0123456789"),
            raw("go/b", EntryType::Regular, 0o644, b"0123456789"),
        ]);
        let sandbox = Sandbox::new();
        let limits = Limits {
            max_total_bytes: 15,
            max_entries: 100,
        };
        match extract_tar_gz(&archive[..], &sandbox.dest, &limits) {
            Err(ArchiveError::TooLarge { limit: 15, what }) => assert_eq!(what, "bytes"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        // Checked before writing: the second file was never created.
        assert!(sandbox.dest.join("a").exists());
        assert!(!sandbox.dest.join("b").exists());
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_refuses_too_many_entries() {
        let archive = tar_gz(&[
            raw("go/", EntryType::Directory, 0o755, b""),
            raw("go/a", EntryType::Regular, 0o644, b"a"),
            raw("go/b", EntryType::Regular, 0o644, b"b"),
            raw("go/c", EntryType::Regular, 0o644, b"c"),
        ]);
        let sandbox = Sandbox::new();
        let limits = Limits {
            max_total_bytes: 1 << 20,
            max_entries: 3,
        };
        match extract_tar_gz(&archive[..], &sandbox.dest, &limits) {
            Err(ArchiveError::TooLarge { limit: 3, what }) => assert_eq!(what, "entries"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(!sandbox.dest.join("c").exists());
        sandbox.assert_untouched();
    }

    /// A GNU long-name record the tar crate would read into memory whole: 8 MiB of zeros
    /// compress to a few KiB, and a real bomb would claim gigabytes.
    #[test]
    fn tar_refuses_huge_long_name_record() {
        let name: &'static [u8] = vec![b'a'; 8 << 20].leak();
        let archive = tar_gz(&[
            raw("././@LongLink", EntryType::GNULongName, 0o644, name),
            raw("go/x", EntryType::Regular, 0o644, b"x"),
        ]);
        let sandbox = Sandbox::new();
        match sandbox.tar(&archive) {
            Err(ArchiveError::TooLarge { limit, .. }) => assert_eq!(limit, HEADER_BUDGET),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(sandbox.dest_is_empty());
    }

    #[test]
    fn tar_refuses_endless_data_after_the_archive() {
        let mut tar = tar_bytes(&[raw("go/x", EntryType::Regular, 0o644, b"x")]);
        tar.extend(std::iter::repeat_n(0u8, 4 << 20));
        let sandbox = Sandbox::new();
        match sandbox.tar(&gzip(&tar)) {
            Err(ArchiveError::Read(e)) => assert_eq!(e.kind(), io::ErrorKind::InvalidData),
            other => panic!("expected Read, got {other:?}"),
        }
    }

    #[test]
    fn tar_accepts_record_padding_after_the_archive() {
        // GNU tar pads to 10 KiB records.
        let mut tar = tar_bytes(&[raw("go/x", EntryType::Regular, 0o644, b"x")]);
        tar.resize(tar.len().next_multiple_of(10240) + 10240, 0);
        let sandbox = Sandbox::new();
        assert_eq!(sandbox.tar(&gzip(&tar)).unwrap().files, 1);
    }

    // ---- tar: broken input --------------------------------------------------------------

    #[test]
    fn tar_truncated_is_a_read_error() {
        let archive = good_tar_gz();
        let sandbox = Sandbox::new();
        for cut in [archive.len() / 2, archive.len() - 4, 5] {
            let dest = sandbox.dest.join(format!("cut{cut}"));
            fs::create_dir(&dest).unwrap();
            match extract_tar_gz(&archive[..cut], &dest, &Limits::default()) {
                Err(ArchiveError::Read(_)) => {}
                other => panic!("cut at {cut}: expected Read, got {other:?}"),
            }
        }
        sandbox.assert_untouched();
    }

    /// Cut exactly after the tar data but before gzip's trailer: every entry is there, only
    /// the CRC check at the end can tell.
    #[test]
    fn tar_missing_gzip_trailer_is_a_read_error() {
        let archive = good_tar_gz();
        let sandbox = Sandbox::new();
        let cut = &archive[..archive.len() - 8];
        assert!(matches!(sandbox.tar(cut), Err(ArchiveError::Read(_))));
    }

    #[test]
    fn tar_not_gzip_is_a_read_error() {
        let sandbox = Sandbox::new();
        let plain_tar = tar_bytes(&[raw("go/x", EntryType::Regular, 0o644, b"x")]);
        for input in [&b"PK\x03\x04 this is not gzip"[..], &plain_tar[..]] {
            match sandbox.tar(input) {
                Err(ArchiveError::Read(_)) => {}
                other => panic!("expected Read, got {other:?}"),
            }
        }
        assert!(sandbox.dest_is_empty());
    }

    #[test]
    fn tar_corrupt_header_is_a_read_error() {
        let mut tar = tar_bytes(&[raw("go/x", EntryType::Regular, 0o644, b"x")]);
        tar[10] ^= 0xff; // inside the name: the header checksum no longer matches
        let sandbox = Sandbox::new();
        assert!(matches!(
            sandbox.tar(&gzip(&tar)),
            Err(ArchiveError::Read(_))
        ));
    }

    /// The caller's own read error (the network dropping) comes back as the source, intact.
    #[test]
    fn tar_keeps_the_source_read_error() {
        struct Dropping<'a> {
            data: &'a [u8],
        }
        impl Read for Dropping<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.data.is_empty() {
                    return Err(io::Error::new(io::ErrorKind::ConnectionReset, "dropped"));
                }
                let n = self.data.len().min(buf.len());
                buf[..n].copy_from_slice(&self.data[..n]);
                self.data = &self.data[n..];
                Ok(n)
            }
        }
        let archive = good_tar_gz();
        let sandbox = Sandbox::new();
        let reader = Dropping {
            data: &archive[..archive.len() / 2],
        };
        match extract_tar_gz(reader, &sandbox.dest, &Limits::default()) {
            Err(error @ ArchiveError::Read(_)) => {
                let source = std::error::Error::source(&error)
                    .and_then(|s| s.downcast_ref::<io::Error>())
                    .expect("an io::Error source");
                assert_eq!(source.kind(), io::ErrorKind::ConnectionReset);
            }
            other => panic!("expected Read, got {other:?}"),
        }
    }

    #[test]
    fn tar_only_outside_go_is_refused() {
        let sandbox = Sandbox::new();
        let archive = tar_gz(&[
            raw("other/", EntryType::Directory, 0o755, b""),
            raw("other/x", EntryType::Regular, 0o644, b"x"),
        ]);
        assert_refused(sandbox.tar(&archive), "other/", "not under go/");
        assert!(sandbox.dest_is_empty());
        sandbox.assert_untouched();
    }

    #[test]
    fn tar_empty_is_no_go_folder() {
        let sandbox = Sandbox::new();
        assert!(matches!(
            sandbox.tar(&tar_gz(&[])),
            Err(ArchiveError::NoGoFolder)
        ));
        assert!(matches!(
            sandbox.tar(&gzip(b"")),
            Err(ArchiveError::NoGoFolder)
        ));
    }

    // ---- zip ----------------------------------------------------------------------------

    fn zip_with(build: impl FnOnce(&mut zip::ZipWriter<io::Cursor<Vec<u8>>>)) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        build(&mut writer);
        writer.finish().unwrap().into_inner()
    }

    fn zip_file(
        writer: &mut zip::ZipWriter<io::Cursor<Vec<u8>>>,
        name: &str,
        options: SimpleFileOptions,
        data: &[u8],
    ) {
        writer.start_file(name, options).unwrap();
        writer.write_all(data).unwrap();
    }

    fn unix(mode: u32) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .system(zip::System::Unix)
            .unix_permissions(mode)
    }

    /// `unix_permissions` keeps only the low nine bits; set-uid needs the raw attributes.
    fn unix_raw(mode: u32) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .system(zip::System::Unix)
            .external_attributes(mode << 16)
    }

    fn good_zip() -> Vec<u8> {
        zip_with(|w| {
            w.add_directory("go/", unix(0o755)).unwrap();
            zip_file(w, "go/VERSION", unix(0o644), b"go1.22.10\n");
            w.add_directory("go/bin/", unix(0o755)).unwrap();
            zip_file(w, "go/bin/go", unix(0o755), b"\x7fELF binary");
            zip_file(w, "go/src/x/y.go", unix(0o644), b"package x\n");
        })
    }

    fn zip_attack(
        hostile: impl FnOnce(&mut zip::ZipWriter<io::Cursor<Vec<u8>>>),
        entry: &str,
        why: &str,
    ) {
        let archive = zip_with(|w| {
            w.add_directory("go/", unix(0o755)).unwrap();
            zip_file(w, "go/VERSION", unix(0o644), b"go1.22.10\n");
            hostile(w);
        });
        let sandbox = Sandbox::new();
        assert_refused(sandbox.zip(&archive), entry, why);
        // Every entry is checked before anything is written.
        assert!(sandbox.dest_is_empty());
        sandbox.assert_untouched();
    }

    #[test]
    fn zip_good_archive() {
        let sandbox = Sandbox::new();
        let stats = sandbox.zip(&good_zip()).unwrap();
        assert_good_tree(&sandbox, &stats);
    }

    #[test]
    fn zip_without_unix_modes_extracts_plain_files() {
        let archive = zip_with(|w| {
            let dos = SimpleFileOptions::default().system(zip::System::Dos);
            zip_file(w, "go/bin/go.exe", dos, b"MZ");
        });
        let sandbox = Sandbox::new();
        let stats = sandbox.zip(&archive).unwrap();
        assert_eq!(fs::read(sandbox.dest.join("bin/go.exe")).unwrap(), b"MZ");
        assert_eq!((stats.files, stats.dirs), (1, 1));
    }

    #[test]
    fn zip_refuses_parent_escape() {
        zip_attack(
            |w| zip_file(w, "../evil", unix(0o644), b"x"),
            "../evil",
            "..",
        );
    }

    #[test]
    fn zip_refuses_symlink() {
        zip_attack(
            |w| {
                w.add_symlink("go/bin/link", "/etc/passwd", unix(0o777))
                    .unwrap()
            },
            "go/bin/link",
            "symbolic link",
        );
    }

    #[test]
    fn zip_refuses_absolute_name() {
        zip_attack(
            |w| zip_file(w, "/etc/passwd", unix(0o644), b"x"),
            "/etc/passwd",
            "absolute",
        );
    }

    #[test]
    fn zip_refuses_setuid_file() {
        zip_attack(
            |w| zip_file(w, "go/bin/go", unix_raw(S_IFREG | 0o4755), b"x"),
            "go/bin/go",
            "set-uid",
        );
    }

    #[test]
    fn zip_refuses_device() {
        zip_attack(
            |w| zip_file(w, "go/dev/null", unix_raw(0o020_666), b""),
            "go/dev/null",
            "device",
        );
    }

    #[test]
    fn zip_refuses_outside_go_and_backslash() {
        zip_attack(
            |w| zip_file(w, "evil/x", unix(0o644), b"x"),
            "evil/x",
            "not under go/",
        );
        zip_attack(
            |w| zip_file(w, "go\\..\\evil", unix(0o644), b"x"),
            "go\\..\\evil",
            "backslash",
        );
    }

    #[test]
    fn zip_refuses_too_large_and_too_many() {
        let sandbox = Sandbox::new();
        let path = sandbox.root.path().join("go.zip");
        fs::write(&path, good_zip()).unwrap();
        let small = Limits {
            max_total_bytes: 20,
            max_entries: 100,
        };
        match extract_zip(&path, &sandbox.dest, &small) {
            Err(ArchiveError::TooLarge { limit: 20, what }) => assert_eq!(what, "bytes"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        let few = Limits {
            max_total_bytes: 1 << 20,
            max_entries: 4,
        };
        match extract_zip(&path, &sandbox.dest, &few) {
            Err(ArchiveError::TooLarge { limit: 4, what }) => assert_eq!(what, "entries"),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(sandbox.dest_is_empty());
    }

    #[test]
    fn zip_broken_inputs_are_read_errors() {
        let sandbox = Sandbox::new();
        match sandbox.zip(b"this is not a zip file at all") {
            Err(ArchiveError::Read(_)) => {}
            other => panic!("expected Read, got {other:?}"),
        }
        let missing = extract_zip(
            &sandbox.root.path().join("missing.zip"),
            &sandbox.dest,
            &Limits::default(),
        );
        match missing {
            Err(ArchiveError::Read(e)) => assert_eq!(e.kind(), io::ErrorKind::NotFound),
            other => panic!("expected Read, got {other:?}"),
        }
        // Corrupt the stored contents of one file: the CRC check catches it.
        let mut archive = zip_with(|w| {
            let stored = unix(0o644).compression_method(zip::CompressionMethod::Stored);
            zip_file(w, "go/VERSION", stored, b"go1.22.10\n");
        });
        let at = archive.windows(4).position(|w| w == b"go1.").unwrap();
        archive[at] = b'G';
        match sandbox.zip(&archive) {
            Err(ArchiveError::Read(_)) => {}
            other => panic!("expected Read, got {other:?}"),
        }
    }

    #[test]
    fn zip_empty_is_no_go_folder() {
        let sandbox = Sandbox::new();
        assert!(matches!(
            sandbox.zip(&zip_with(|_| {})),
            Err(ArchiveError::NoGoFolder)
        ));
    }
}
