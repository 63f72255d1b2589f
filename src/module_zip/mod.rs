//! Unpacking a toolchain module zip (`golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64.zip`)
//! into a staging folder, and computing its `h1:` on the way (README: "Toolchains through a Go
//! module proxy").
//!
//! - Every entry must sit under `golang.org/toolchain@<version>/` and pass the release
//!   archive's path rules; links, devices and duplicates (also those differing only in case,
//!   which collide on macOS and Windows) are refused, naming the entry.
//! - The zip's file modes are ignored: nothing authenticates them (the `h1:` covers names and
//!   bytes only). Exec bits are set the way Go's release packaging sets them, so a proxy install
//!   and a tarball install of one version hold the same files with the same modes.
//! - Each `_go.mod` is also copied to `go.mod`, as the go command does (both are kept).
//! - Entries are independent, so they are unpacked on every core; each thread hashes what it
//!   writes, and the digests are combined into the `h1:` at the end.
//! - Entries may not overlap one another or the central directory: an honest zip never does,
//!   and it lets a zip still downloading be unpacked entry by entry (`overlap`).

mod input;
pub mod overlap;
pub mod tail;
mod watermark;

pub use input::ZipInput;

use crate::archive::{
    ArchiveError, Limits, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, Stats, dir_builder,
    entry_target_under, read_full, refuse, too_many_bytes, too_many_entries, zip_error,
};
use crate::dirhash::{H1, Hash1};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// What an unpacked module zip was.
#[derive(Debug)]
pub struct Unpacked {
    /// The `h1:` of the zip's contents, as Go's dirhash computes it over the zip.
    pub h1: H1,
    pub stats: Stats,
}

/// Each written file's zip name and SHA-256.
type Digests = Vec<(String, [u8; 32])>;

/// One entry to write, decided before anything is written.
struct Planned {
    index: usize,
    name: String,
    relative: PathBuf,
    executable: bool,
    size: u64,
    /// Where its local header starts: files are unpacked in this order, which follows a
    /// download.
    header_start: u64,
    /// Where the next entry (or the central directory) starts: its data must end by then.
    bound: u64,
}

/// True for files Go's release packaging marks executable: everything under `bin/` and
/// `pkg/tool/`, scripts (`.bash`, `.sh`, `.pl`, `.rc`) and the `go_GOOS_GOARCH_exec` wrappers.
pub fn is_executable(relative: &str) -> bool {
    let base = relative.rsplit('/').next().unwrap_or(relative);
    relative.starts_with("bin/")
        || relative.starts_with("pkg/tool/")
        || [".bash", ".sh", ".pl", ".rc"]
            .iter()
            .any(|ext| base.ends_with(ext))
        || (base.starts_with("go_") && base.ends_with("_exec") && base.matches('_').count() >= 3)
}

/// Unpacks `zip` (the module `golang.org/toolchain` at `module_version`) into `dest`, an
/// existing empty folder: `<prefix>/bin/go` becomes `dest/bin/go`.
pub fn extract(
    zip: &Path,
    module_version: &str,
    dest: &Path,
    limits: &Limits,
) -> Result<Unpacked, ArchiveError> {
    let input = ZipInput::complete(zip).map_err(ArchiveError::Read)?;
    extract_input(input, module_version, dest, limits)
}

/// [`extract`] from a zip on disk or still arriving.
pub fn extract_input(
    input: ZipInput,
    module_version: &str,
    dest: &Path,
    limits: &Limits,
) -> Result<Unpacked, ArchiveError> {
    let top_dir = format!("toolchain@{module_version}");
    let top = ["golang.org", top_dir.as_str()];
    let plan = plan(input, &top, limits)?;
    // Folders first, single-threaded, so the writers never race to create one.
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for item in &plan.files {
        for ancestor in item.relative.ancestors().skip(1) {
            if !ancestor.as_os_str().is_empty() {
                folders.insert(ancestor.to_owned());
            }
        }
    }
    folders.extend(plan.dirs.iter().cloned());
    for folder in &folders {
        let path = dest.join(folder);
        match dir_builder().create(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(ArchiveError::Write { path, source }),
        }
    }

    // One writer per core: more showed no clear gain here, where creating the files (kernel
    // work on the file system) dominates (bench/goproxy.sh, BENCHMARKS.md).
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let files = &plan.files;
    let archive = &plan.archive;
    // Each thread takes the next file in the zip's order, so all of them follow a download
    // closely and none waits on a share that happens to hold the big files.
    let queue = Queue {
        next: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
    };
    let queue = &queue;
    let results: Vec<Result<Digests, ArchiveError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| scope.spawn(move || write_files(archive.clone(), dest, files, queue)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ArchiveError::Read(io::Error::other(
                        "an unpacking thread panicked",
                    )))
                })
            })
            .collect()
    });
    let mut hash = Hash1::new();
    let mut stats = Stats {
        dirs: folders.len() as u64,
        ..Stats::default()
    };
    for result in results {
        for (name, digest) in result? {
            hash.add(name, digest)
                .map_err(|e| refuse_owned(&e.to_string()))?;
        }
    }
    // Directory entries count in Go's hash of a zip like any other (their content is empty).
    for name in &plan.dir_names {
        hash.add(name.clone(), Sha256::digest(b"").into())
            .map_err(|e| refuse_owned(&e.to_string()))?;
    }
    for item in files {
        stats.files += 1;
        stats.bytes += item.size;
    }
    let h1 = hash.finish().map_err(|e| refuse_owned(&e.to_string()))?;
    Ok(Unpacked { h1, stats })
}

/// The `h1:` of `zip` (the module `golang.org/toolchain` at `module_version`) without
/// unpacking it, after the same checks [`extract`] makes: what a mirror computes before it
/// publishes a proxy's zip.
pub fn hash(zip: &Path, module_version: &str, limits: &Limits) -> Result<H1, ArchiveError> {
    let top_dir = format!("toolchain@{module_version}");
    let input = ZipInput::complete(zip).map_err(ArchiveError::Read)?;
    let plan = plan(input, &["golang.org", top_dir.as_str()], limits)?;
    let mut archive = plan.archive.clone();
    let mut inflater = Inflater::new();
    let mut hash = Hash1::new();
    for item in &plan.files {
        let mut raw = archive.by_index_raw(item.index).map_err(zip_error)?;
        let method = raw.compression();
        let mut hasher = Sha256::new();
        let read = inflater.copy(&mut raw, method, &item.name, |bytes| {
            hasher.update(bytes);
            Ok(())
        })?;
        if read != item.size {
            return Err(refuse_owned(&format!(
                "{:?} holds {read} bytes, not the {} its header declares",
                item.name, item.size
            )));
        }
        hash.add(item.name.clone(), hasher.finalize().into())
            .map_err(|e| refuse_owned(&e.to_string()))?;
    }
    for name in &plan.dir_names {
        hash.add(name.clone(), Sha256::digest(b"").into())
            .map_err(|e| refuse_owned(&e.to_string()))?;
    }
    hash.finish().map_err(|e| refuse_owned(&e.to_string()))
}

fn refuse_owned(why: &str) -> ArchiveError {
    ArchiveError::Read(io::Error::new(io::ErrorKind::InvalidData, why.to_owned()))
}

struct Plan {
    /// The parsed central directory, shared (not parsed again) by every unpacking thread.
    archive: zip::ZipArchive<ZipInput>,
    /// In the order of their data in the zip.
    files: Vec<Planned>,
    dirs: Vec<PathBuf>,
    dir_names: Vec<String>,
}

/// Reads the central directory and decides every entry before a byte is written. Reads
/// nothing but the directory, so it can run while the rest of the zip downloads.
fn plan(input: ZipInput, top: &[&str], limits: &Limits) -> Result<Plan, ArchiveError> {
    let directory = input.directory().map_err(ArchiveError::Read)?;
    if directory.entries > limits.max_entries {
        return Err(too_many_entries(limits));
    }
    let archive = zip::ZipArchive::new(input).map_err(zip_error)?;
    // The zip crate keeps one entry per name, so two entries of one name would silently become
    // one: compare with the count the archive's own directory declares.
    if directory.entries != archive.len() as u64 {
        return Err(refuse_owned(&format!(
            "refused archive: it declares {} entries but holds {} distinct names (duplicate entries)",
            directory.entries,
            archive.len()
        )));
    }
    let mut plan = Plan {
        archive: archive.clone(),
        files: Vec::with_capacity(archive.len()),
        dirs: Vec::new(),
        dir_names: Vec::new(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut declared: u64 = 0;
    // Every entry's local header and data, as (start, least end, name).
    let mut extents: Vec<(u64, u64, usize)> = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index_data(index).map_err(zip_error)?;
        let name = match entry.name() {
            Ok(name) => name.into_owned(),
            Err(_) => {
                let lossy = String::from_utf8_lossy(entry.name_raw()).into_owned();
                return Err(refuse(&lossy, "name is not valid text"));
            }
        };
        let least_end = entry
            .header_start()
            .checked_add(LOCAL_HEADER + entry.compressed_size())
            .filter(|&end| end <= directory.start)
            .ok_or_else(|| {
                refuse(
                    &name,
                    "its data lies past the start of the central directory",
                )
            })?;
        extents.push((entry.header_start(), least_end, index));
        let target = entry_target_under(&name, top).map_err(|why| refuse(&name, why))?;
        let mode = entry.unix_mode().unwrap_or(0);
        let is_dir = match mode & S_IFMT {
            S_IFDIR => true,
            0 | S_IFREG => name.ends_with('/'),
            S_IFLNK => return Err(refuse(&name, "symbolic link")),
            _ => return Err(refuse(&name, "device, FIFO or socket")),
        };
        // Case-insensitive file systems would merge these; Go's module zips refuse them too.
        if !seen.insert(name.trim_end_matches('/').to_lowercase()) {
            return Err(refuse(&name, "duplicate entry (names equal up to case)"));
        }
        let Some(relative) = target else {
            if is_dir {
                plan.dir_names.push(name);
                continue;
            }
            return Err(refuse(&name, "a file in place of the module's folder"));
        };
        if is_dir {
            plan.dirs.push(relative);
            plan.dir_names.push(name);
            continue;
        }
        let size = entry.size();
        declared = declared.saturating_add(size);
        if declared > limits.max_total_bytes {
            return Err(too_many_bytes(limits));
        }
        let rel_text = relative.to_string_lossy().replace('\\', "/");
        if rel_text.rsplit('/').next() == Some("go.mod") {
            // The module form never holds go.mod (it is renamed _go.mod); one here would
            // collide with the copy made from _go.mod.
            return Err(refuse(&name, "go.mod in a module zip (expected _go.mod)"));
        }
        plan.files.push(Planned {
            index,
            executable: is_executable(&rel_text),
            name,
            relative,
            size,
            header_start: entry.header_start(),
            bound: directory.start,
        });
    }
    if plan.files.is_empty() {
        return Err(ArchiveError::NoGoFolder);
    }
    // Entries in the zip's order may not overlap: each ends before the next begins.
    extents.sort_unstable();
    let mut bounds = std::collections::HashMap::with_capacity(extents.len());
    for pair in extents.windows(2) {
        let ((_, least_end, _), (next_start, _, next)) = (pair[0], pair[1]);
        if least_end > next_start {
            let name =
                String::from_utf8_lossy(archive.by_index_data(next).map_err(zip_error)?.name_raw())
                    .into_owned();
            return Err(refuse(&name, "overlaps the entry before it in the zip"));
        }
        bounds.insert(pair[0].2, next_start);
    }
    for item in &mut plan.files {
        if let Some(&bound) = bounds.get(&item.index) {
            item.bound = bound;
        }
    }
    plan.files.sort_unstable_by_key(|item| item.header_start);
    Ok(plan)
}

/// The fixed part of a local file header; its name and extra field follow.
const LOCAL_HEADER: u64 = 30;

/// The files still to write, shared by the writer threads.
struct Queue {
    next: AtomicUsize,
    /// A thread failed: the others stop too.
    failed: AtomicBool,
}

/// Writes files from the queue until it is empty; returns each file's zip name and SHA-256.
fn write_files(
    archive: zip::ZipArchive<ZipInput>,
    dest: &Path,
    files: &[Planned],
    queue: &Queue,
) -> Result<Digests, ArchiveError> {
    let result = write_queued(archive, dest, files, queue);
    if result.is_err() {
        queue.failed.store(true, Ordering::Relaxed);
    }
    result
}

fn write_queued(
    mut archive: zip::ZipArchive<ZipInput>,
    dest: &Path,
    files: &[Planned],
    queue: &Queue,
) -> Result<Digests, ArchiveError> {
    let mut inflater = Inflater::new();
    let mut digests = Vec::new();
    while !queue.failed.load(Ordering::Relaxed) {
        let Some(item) = files.get(queue.next.fetch_add(1, Ordering::Relaxed)) else {
            break;
        };
        let mut raw = archive.by_index_raw(item.index).map_err(zip_error)?;
        // The local header's own name and extra field decide where the data starts.
        if raw
            .data_start()
            .and_then(|start| start.checked_add(raw.compressed_size()))
            .is_none_or(|end| end > item.bound)
        {
            return Err(refuse(&item.name, "overlaps the entry after it in the zip"));
        }
        let method = raw.compression();
        let path = dest.join(&item.relative);
        let mut file = open_new(&path, item.executable).map_err(|source| {
            if source.kind() == io::ErrorKind::AlreadyExists {
                refuse(&item.name, "duplicate entry: its path is already taken")
            } else {
                ArchiveError::Write {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        let mut hasher = Sha256::new();
        let written = inflater.copy(&mut raw, method, &item.name, |bytes| {
            hasher.update(bytes);
            file.write_all(bytes).map_err(|source| ArchiveError::Write {
                path: path.clone(),
                source,
            })
        })?;
        if written != item.size {
            return Err(ArchiveError::Read(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{:?} holds {written} bytes, not the {} its header declares",
                    item.name, item.size
                ),
            )));
        }
        drop(file);
        if path.file_name().is_some_and(|n| n == "_go.mod") {
            let copy = path.with_file_name("go.mod");
            std::fs::copy(&path, &copy)
                .map_err(|source| ArchiveError::Write { path: copy, source })?;
        }
        digests.push((item.name.clone(), hasher.finalize().into()));
    }
    Ok(digests)
}

/// One inflater and its buffers per thread, reset for each entry. Letting the zip crate make a
/// new decompressor per entry left the allocator with a fragmented heap (a ~70 MB toolchain
/// held 40 MB resident); reusing one keeps unpacking near the tarball path's few MB. The
/// contents are checked by the `h1:` (SHA-256 per file) and the declared size, not the CRC.
struct Inflater {
    state: flate2::Decompress,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl Inflater {
    fn new() -> Inflater {
        Inflater {
            state: flate2::Decompress::new(false),
            input: vec![0u8; 64 * 1024],
            output: vec![0u8; 64 * 1024],
        }
    }

    /// Streams one entry's contents (stored or deflated) to `sink`; returns how many bytes.
    fn copy(
        &mut self,
        raw: &mut impl io::Read,
        method: zip::CompressionMethod,
        name: &str,
        mut sink: impl FnMut(&[u8]) -> Result<(), ArchiveError>,
    ) -> Result<u64, ArchiveError> {
        let truncated = || {
            ArchiveError::Read(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the zip ends inside {name:?}"),
            ))
        };
        let mut total = 0u64;
        match method {
            zip::CompressionMethod::Stored => loop {
                let n = read_full(raw, &mut self.input).map_err(ArchiveError::Read)?;
                if n == 0 {
                    return Ok(total);
                }
                sink(&self.input[..n])?;
                total += n as u64;
            },
            zip::CompressionMethod::Deflated => {
                self.state.reset(false);
                let (mut start, mut end, mut eof) = (0usize, 0usize, false);
                loop {
                    if start == end && !eof {
                        end = read_full(raw, &mut self.input).map_err(ArchiveError::Read)?;
                        start = 0;
                        eof = end == 0;
                    }
                    let (before_in, before_out) = (self.state.total_in(), self.state.total_out());
                    let flush = if eof {
                        flate2::FlushDecompress::Finish
                    } else {
                        flate2::FlushDecompress::None
                    };
                    let status = self
                        .state
                        .decompress(&self.input[start..end], &mut self.output, flush)
                        .map_err(|e| {
                            ArchiveError::Read(io::Error::new(
                                io::ErrorKind::InvalidData,
                                format!("{name:?}: {e}"),
                            ))
                        })?;
                    let used = (self.state.total_in() - before_in) as usize;
                    let made = (self.state.total_out() - before_out) as usize;
                    start += used;
                    if made > 0 {
                        sink(&self.output[..made])?;
                        total += made as u64;
                    }
                    if status == flate2::Status::StreamEnd {
                        return Ok(total);
                    }
                    if eof && used == 0 && made == 0 {
                        return Err(truncated());
                    }
                }
            }
            _ => Err(refuse(name, "compressed with a method other than deflate")),
        }
    }
}

fn open_new(path: &Path, executable: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str = "v0.0.1-go1.22.10.linux-amd64";

    fn prefix() -> String {
        format!("golang.org/toolchain@{V}/")
    }

    /// A zip of `(name, bytes, unix mode)` entries.
    fn make_zip(dir: &Path, entries: &[(&str, &[u8], u32)]) -> PathBuf {
        let path = dir.join("m.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        for (name, bytes, mode) in entries {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .unix_permissions(*mode);
            if *mode & S_IFMT == S_IFLNK {
                zip.add_symlink(*name, std::str::from_utf8(bytes).unwrap(), options)
                    .unwrap();
            } else if name.ends_with('/') {
                zip.add_directory(*name, options).unwrap();
            } else {
                zip.start_file(*name, options).unwrap();
                zip.write_all(bytes).unwrap();
            }
        }
        zip.finish().unwrap();
        path
    }

    fn honest(p: &str) -> Vec<(String, Vec<u8>, u32)> {
        vec![
            (format!("{p}VERSION"), b"go1.22.10\n".to_vec(), 0o644),
            (format!("{p}bin/go"), b"#!/bin/sh\n".to_vec(), 0o644),
            (
                format!("{p}pkg/tool/linux_amd64/compile"),
                b"ELF".to_vec(),
                0o600,
            ),
            (format!("{p}src/make.bash"), b"echo\n".to_vec(), 0o644),
            (format!("{p}src/go.go"), b"package x\n".to_vec(), 0o777),
            (
                format!("{p}src/cmd/_go.mod"),
                b"module cmd\n".to_vec(),
                0o644,
            ),
            (
                format!("{p}lib/wasm/go_js_wasm_exec"),
                b"#!\n".to_vec(),
                0o644,
            ),
        ]
    }

    #[test]
    fn exec_bits_follow_go_packaging_not_the_zip() {
        let rows = [
            ("bin/go", true),
            ("bin/gofmt", true),
            ("pkg/tool/linux_amd64/compile", true),
            ("src/make.bash", true),
            ("src/run.rc", true),
            ("src/cmd/go/testdata/x.sh", true),
            ("src/regexp/syntax/make_perl_groups.pl", true),
            ("lib/wasm/go_js_wasm_exec", true),
            ("misc/wasm/go_wasip1_wasm_exec", true),
            ("src/go_exec.go", false),
            ("src/fmt/print.go", false),
            ("VERSION", false),
            ("pkg/include/asm.h", false),
        ];
        for (path, want) in rows {
            assert_eq!(is_executable(path), want, "{path}");
        }
    }

    #[test]
    fn unpacks_hashes_and_copies_go_mod() {
        let dir = tempfile::tempdir().unwrap();
        let entries = honest(&prefix());
        let refs: Vec<(&str, &[u8], u32)> = entries
            .iter()
            .map(|(n, b, m)| (n.as_str(), b.as_slice(), *m))
            .collect();
        let zip = make_zip(dir.path(), &refs);
        let dest = dir.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        let unpacked = extract(&zip, V, &dest, &Limits::default()).unwrap();
        // The h1 is dirhash over the zip's names and contents, whatever order the threads took.
        let want =
            crate::dirhash::hash1(entries.iter().map(|(n, b, _)| (n.clone(), b.clone()))).unwrap();
        assert_eq!(unpacked.h1, want);
        // Hashing alone gives the same, with nothing written.
        assert_eq!(hash(&zip, V, &Limits::default()).unwrap(), want);
        assert_eq!(unpacked.stats.files, entries.len() as u64);
        assert_eq!(
            std::fs::read(dest.join("src/cmd/go.mod")).unwrap(),
            b"module cmd\n"
        );
        assert_eq!(
            std::fs::read(dest.join("src/cmd/_go.mod")).unwrap(),
            b"module cmd\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &str| {
                std::fs::metadata(dest.join(p))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o111
            };
            assert_ne!(mode("bin/go"), 0);
            assert_ne!(mode("pkg/tool/linux_amd64/compile"), 0);
            assert_ne!(mode("src/make.bash"), 0);
            assert_ne!(mode("lib/wasm/go_js_wasm_exec"), 0);
            assert_eq!(mode("src/go.go"), 0, "the zip's 0777 is ignored");
            assert_eq!(mode("VERSION"), 0);
        }
    }

    #[test]
    fn hostile_entries_are_refused() {
        let p = prefix();
        type Entries = Vec<(String, Vec<u8>, u32)>;
        let cases: Vec<(Entries, &str)> = vec![
            (
                vec![(
                    "golang.org/toolchain@v0.0.1-go1.21.0.linux-amd64/bin/go".to_owned(),
                    b"x".to_vec(),
                    0o644,
                )],
                "not under the module's folder",
            ),
            (
                vec![("evil/bin/go".to_owned(), b"x".to_vec(), 0o644)],
                "not under the module's folder",
            ),
            (
                vec![(format!("{p}../../etc/x"), b"x".to_vec(), 0o644)],
                "parent folder",
            ),
            (
                vec![("/etc/passwd".to_owned(), b"x".to_vec(), 0o644)],
                "absolute path",
            ),
            (
                vec![(
                    format!("{p}bin/go"),
                    b"/etc/passwd".to_vec(),
                    S_IFLNK | 0o777,
                )],
                "symbolic link",
            ),
            (
                vec![
                    (format!("{p}bin/go"), b"a".to_vec(), 0o644),
                    (format!("{p}BIN/go"), b"b".to_vec(), 0o644),
                ],
                "duplicate",
            ),
            (
                vec![(format!("{p}src/go.mod"), b"module x".to_vec(), 0o644)],
                "go.mod in a module zip",
            ),
        ];
        for (entries, why) in cases {
            let dir = tempfile::tempdir().unwrap();
            let refs: Vec<(&str, &[u8], u32)> = entries
                .iter()
                .map(|(n, b, m)| (n.as_str(), b.as_slice(), *m))
                .collect();
            let zip = make_zip(dir.path(), &refs);
            let dest = dir.path().join("out");
            std::fs::create_dir(&dest).unwrap();
            let error = extract(&zip, V, &dest, &Limits::default()).unwrap_err();
            assert!(error.to_string().contains(why), "{why}: {error}");
            assert!(!dir.path().join("etc").exists());
            let error = hash(&zip, V, &Limits::default()).unwrap_err();
            assert!(error.to_string().contains(why), "hash: {why}: {error}");
        }
    }

    #[test]
    fn exact_duplicates_are_refused() {
        // The zip writer refuses exact duplicates itself, so write the same name twice by hand
        // through a raw copy: two archives' entries concatenated.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dup.zip");
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        let name = format!("{}bin/go", prefix());
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(b"one").unwrap();
        // A second, differently cased spelling is the realistic collision.
        zip.start_file(name.replace("bin/go", "bin/GO").as_str(), options)
            .unwrap();
        zip.write_all(b"two").unwrap();
        zip.finish().unwrap();
        let dest = dir.path().join("out");
        std::fs::create_dir(&dest).unwrap();
        let error = extract(&path, V, &dest, &Limits::default()).unwrap_err();
        assert!(error.to_string().contains("duplicate"), "{error}");
    }
}
