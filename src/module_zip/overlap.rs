//! Unpacking a module zip while it downloads. A zip's central directory sits at its end, so it
//! is fetched first (one or two `Range` requests), parsed and checked; then, as the body streams
//! into the partial file, the unpacking threads read each entry as soon as its bytes lie below
//! the download's [`Watermark`].
//!
//! The result is speculative until the download is complete: it counts only when the bytes
//! unpacked are, provably, the bytes of the finished zip: no pass started over on a truncated
//! partial file, the finished file is the one that was read, and its length and last bytes equal
//! the tail fetched first. Otherwise the caller unpacks the finished zip again, as if there had
//! been no overlap. A server that ignores `Range` never gets this far (the caller unpacks after
//! the download). Either way the `h1:` comparison is what authenticates the tree.

use super::input::{Growing, ZipInput};
use super::tail::{self, TailError};
use super::watermark::Watermark;
use super::{Unpacked, extract_input};
use crate::archive::{ArchiveError, Limits};
use crate::download::{Consumer, Piece, Span};
use anyhow::Result;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The first request asks for this many of the zip's last bytes: the end records and, for
/// every toolchain so far (go1.22's directory is 1.3 MB), the whole central directory.
pub const FIRST_TAIL: u64 = 2 << 20;

/// The largest central directory held in memory; a zip with a larger one is unpacked after
/// its download (Limits' 100,000 entries take about 15 MB).
pub const MAX_TAIL: u64 = 24 << 20;

/// The zip's last bytes, from the start of its central directory, and its length.
#[derive(Debug)]
pub struct Tail {
    pub bytes: Vec<u8>,
    pub start: u64,
    pub len: u64,
}

/// Fetches the zip's tail through `fetch` (a Range request): the last [`FIRST_TAIL`] bytes,
/// then the rest of the central directory if it starts before them. Any failure is a reason to
/// unpack after the download instead, so it is returned as text for a debug line at most.
pub fn fetch_tail(
    fetch: &mut dyn FnMut(Span, u64) -> Result<Piece, String>,
) -> Result<Tail, String> {
    let last = fetch(Span::Last(FIRST_TAIL), FIRST_TAIL)?;
    let (mut bytes, mut start, len) = (last.bytes, last.start, last.total);
    let directory = match tail::locate(&bytes, start, len) {
        Ok(directory) => directory,
        Err(TailError::NeedFrom(from)) => {
            // A zip64 end record far from the end: fetch from it, then look again.
            prepend(fetch, &mut bytes, &mut start, from, len)?;
            tail::locate(&bytes, start, len).map_err(|e| format!("{e:?}"))?
        }
        Err(e) => return Err(format!("{e:?}")),
    };
    if directory.start < start {
        prepend(fetch, &mut bytes, &mut start, directory.start, len)?;
    }
    Ok(Tail { bytes, start, len })
}

/// Fetches `[from, start)` and puts it before `bytes`.
fn prepend(
    fetch: &mut dyn FnMut(Span, u64) -> Result<Piece, String>,
    bytes: &mut Vec<u8>,
    start: &mut u64,
    from: u64,
    len: u64,
) -> Result<(), String> {
    if len - from > MAX_TAIL {
        return Err(format!("a central directory of {} bytes", len - from));
    }
    let piece = fetch(Span::Between(from, *start), MAX_TAIL)?;
    if piece.start != from || piece.total != len {
        return Err("the zip changed between two requests".to_owned());
    }
    let mut joined = piece.bytes;
    joined.extend_from_slice(bytes);
    *bytes = joined;
    *start = from;
    Ok(())
}

/// Unpacking that follows a download: the download's [`Consumer`].
pub struct Overlap {
    part: Arc<File>,
    growing: Arc<Growing>,
    len: u64,
    /// Bytes fed since the pass began.
    fed: u64,
    began: bool,
    /// The partial file was cut back below what may already have been read.
    spoiled: bool,
    worker: Option<JoinHandle<Result<Unpacked, ArchiveError>>>,
}

impl Overlap {
    /// Starts unpacking the zip whose `tail` was fetched, as it arrives in the partial file
    /// `part`, into `staging` (an existing empty folder).
    pub fn start(
        part: &Path,
        tail: Tail,
        module_version: &str,
        staging: &Path,
    ) -> std::io::Result<Overlap> {
        // The download opens the same file (never truncating it on open), so this handle sees
        // every byte it writes.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(part)?;
        let part = Arc::new(file);
        let growing = Arc::new(Growing {
            mark: Arc::new(Watermark::default()),
            tail: tail.bytes,
            tail_start: tail.start,
        });
        let input = ZipInput::growing(part.clone(), tail.len, growing.clone());
        let (module_version, staging): (String, PathBuf) = (module_version.into(), staging.into());
        let worker = std::thread::spawn(move || {
            extract_input(input, &module_version, &staging, &Limits::default())
        });
        Ok(Overlap {
            part,
            growing,
            len: tail.len,
            fed: 0,
            began: false,
            spoiled: false,
            worker: Some(worker),
        })
    }

    /// The download is complete in `zip`: the unpacking's result when it read exactly that
    /// file's bytes, `None` when the zip must be unpacked again from the file.
    pub fn finish(mut self, zip: &Path) -> Option<Result<Unpacked, ArchiveError>> {
        self.growing.mark.end();
        let result = self.worker.take()?.join().ok()?;
        (!self.spoiled && self.read_the_same(zip).unwrap_or(false)).then_some(result)
    }

    /// `zip` is the file that was read, as long as promised, and ends in the tail fetched first.
    fn read_the_same(&self, zip: &Path) -> std::io::Result<bool> {
        let finished = std::fs::metadata(zip)?;
        let read = self.part.metadata()?;
        if finished.len() != self.len || read.len() != self.len || !same_file(&finished, &read) {
            return Ok(false);
        }
        let mut end = vec![0u8; self.growing.tail.len()];
        read_exact_at(&self.part, &mut end, self.growing.tail_start)?;
        Ok(end == self.growing.tail)
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Without inode numbers, length and content (checked next) must do.
#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n =
                std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], at + done as u64)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

impl Drop for Overlap {
    /// The download failed (or the caller gave up): stop the threads before the staging
    /// folder is removed under them.
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            self.growing.mark.abandon();
            let _ = worker.join();
        }
    }
}

impl Consumer for Overlap {
    fn begin(&mut self) -> Result<()> {
        // A pass after the first replays the partial file from byte 0. The bytes below the mark
        // are unchanged unless the file was cut back (the download truncates only to 0, and
        // only before a pass begins); if it was, what was read is void.
        if self.began && !self.spoiled {
            let kept = self.part.metadata().map_or(0, |m| m.len());
            if kept < self.growing.mark.level().written {
                self.spoiled = true;
                self.growing.mark.abandon();
            }
        }
        self.began = true;
        self.fed = 0;
        Ok(())
    }

    fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        self.fed += bytes.len() as u64;
        self.growing.mark.raise(self.fed);
        Ok(())
    }

    fn abort(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fetcher over an in-memory file that records the spans asked for.
    fn serve<'a>(
        file: &'a [u8],
        asked: &'a mut Vec<Span>,
    ) -> impl FnMut(Span, u64) -> Result<Piece, String> + 'a {
        move |span, cap| {
            asked.push(span);
            let (start, end) = span.within(file.len() as u64).ok_or("416")?;
            if end - start > cap {
                return Err("too big".into());
            }
            Ok(Piece {
                bytes: file[start as usize..end as usize].to_vec(),
                start,
                total: file.len() as u64,
            })
        }
    }

    fn zip_of(files: usize, size: usize) -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut bytes);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..files {
            let name = format!("golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/f{i:05}");
            writer.start_file(name, options).unwrap();
            std::io::Write::write_all(&mut writer, &vec![b'x'; size]).unwrap();
        }
        writer.finish().unwrap();
        bytes.into_inner()
    }

    #[test]
    fn a_small_zip_is_one_request() {
        let file = zip_of(3, 10);
        let mut asked = Vec::new();
        let tail = fetch_tail(&mut serve(&file, &mut asked)).unwrap();
        assert_eq!(asked, [Span::Last(FIRST_TAIL)]);
        assert_eq!((tail.start, tail.len), (0, file.len() as u64));
    }

    #[test]
    fn a_directory_larger_than_the_first_request_takes_a_second() {
        // 30,000 entries make a directory of about 3 MB after 4 MB of data.
        let file = zip_of(30_000, 100);
        let mut asked = Vec::new();
        let tail = fetch_tail(&mut serve(&file, &mut asked)).unwrap();
        let len = file.len() as u64;
        let cd_start = zip::ZipArchive::new(std::io::Cursor::new(&file))
            .unwrap()
            .central_directory_start();
        assert!(
            len - cd_start > FIRST_TAIL,
            "the test needs a larger directory"
        );
        assert_eq!(
            asked,
            [
                Span::Last(FIRST_TAIL),
                Span::Between(cd_start, len - FIRST_TAIL)
            ]
        );
        assert_eq!(tail.start, cd_start);
        assert_eq!(tail.bytes, &file[cd_start as usize..]);
    }

    #[test]
    fn no_end_record_is_no_tail() {
        let file = vec![7u8; 5000];
        let mut asked = Vec::new();
        assert!(fetch_tail(&mut serve(&file, &mut asked)).is_err());
    }

    /// Plays a download of `zip` into `part` the way `download::attempt` does: passes that
    /// each begin, replay what the file holds, append, and may be cut off; `cut` empties the
    /// file before the pass that follows it (a server that ignored Range on resume).
    fn play(zip: &[u8], passes: &[(usize, bool)]) -> Option<Result<Unpacked, ArchiveError>> {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("m.zip.part");
        let staging = dir.path().join("staging");
        std::fs::create_dir(&staging).unwrap();
        let mut fetch = |span: Span, cap: u64| {
            let (start, end) = span.within(zip.len() as u64).unwrap();
            assert!(end - start <= cap);
            Ok(Piece {
                bytes: zip[start as usize..end as usize].to_vec(),
                start,
                total: zip.len() as u64,
            })
        };
        let tail = fetch_tail(&mut fetch).unwrap();
        let mut overlap = Overlap::start(&part, tail, V, &staging).unwrap();
        for &(until, cut) in passes {
            overlap.begin().unwrap();
            let have = std::fs::read(&part).unwrap();
            overlap.feed(&have).unwrap();
            let mut file = OpenOptions::new().append(true).open(&part).unwrap();
            std::io::Write::write_all(&mut file, &zip[have.len()..until]).unwrap();
            overlap.feed(&zip[have.len()..until]).unwrap();
            if until < zip.len() {
                overlap.abort();
            }
            if cut {
                file.set_len(0).unwrap();
            }
        }
        let done = dir.path().join("m.zip");
        std::fs::rename(&part, &done).unwrap();
        overlap.finish(&done)
    }

    const V: &str = "v0.0.1-go1.22.10.linux-amd64";

    fn module_zip() -> Vec<u8> {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut bytes);
        let options = zip::write::SimpleFileOptions::default();
        for (name, size) in [("bin/go", 300_000), ("VERSION", 10), ("src/a.go", 50_000)] {
            writer
                .start_file(format!("golang.org/toolchain@{V}/{name}"), options)
                .unwrap();
            let content: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            std::io::Write::write_all(&mut writer, &content).unwrap();
        }
        writer.finish().unwrap();
        bytes.into_inner()
    }

    #[test]
    fn passes_that_keep_the_file_keep_what_was_unpacked() {
        let zip = module_zip();
        let len = zip.len();
        let whole = play(&zip, &[(len, false)]).expect("one pass").unwrap();
        assert_eq!(whole.stats.files, 3);
        // Broken off twice, resumed each time where the file ended.
        let resumed = play(&zip, &[(len / 3, false), (len / 2, false), (len, false)])
            .expect("resumed passes read the same bytes")
            .unwrap();
        assert_eq!(resumed.h1, whole.h1);
    }

    #[test]
    fn a_pass_over_a_cut_file_voids_what_was_unpacked() {
        let zip = module_zip();
        let len = zip.len();
        assert!(play(&zip, &[(len / 2, true), (len, false)]).is_none());
    }
}
