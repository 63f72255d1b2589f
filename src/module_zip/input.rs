//! The zip as the unpacking threads read it: by position (`pread`), so clones share one open
//! file and one parsed central directory while each keeps its own place. Either a complete
//! file, or a partial download still growing beneath a [`Watermark`], whose last bytes (the
//! central directory, fetched first) are held in memory.

use super::tail::{self, Directory, END_SEARCH, TailError};
use super::watermark::Watermark;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// A download in progress: bytes below `tail_start` come from the partial file once the mark
/// passes them; the rest from `tail`.
pub struct Growing {
    pub mark: Arc<Watermark>,
    pub tail: Vec<u8>,
    pub tail_start: u64,
}

#[derive(Clone)]
pub struct ZipInput {
    file: Arc<File>,
    len: u64,
    growing: Option<Arc<Growing>>,
    position: u64,
}

/// The most of a complete zip's tail read to find its zip64 end record; one farther from the
/// end than this is refused (Go's writer puts it right before the end records).
const ZIP64_REACH: u64 = 1 << 20;

impl ZipInput {
    pub fn complete(path: &Path) -> io::Result<ZipInput> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(ZipInput {
            file: Arc::new(file),
            len,
            growing: None,
            position: 0,
        })
    }

    /// A zip of `len` bytes arriving in `file`, with `growing.tail` as its last bytes.
    pub fn growing(file: Arc<File>, len: u64, growing: Arc<Growing>) -> ZipInput {
        ZipInput {
            file,
            len,
            growing: Some(growing),
            position: 0,
        }
    }

    /// Where the central directory lies and how many entries it declares.
    pub fn directory(&self) -> io::Result<Directory> {
        let invalid = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_owned());
        let found = match &self.growing {
            Some(growing) => tail::locate(&growing.tail, growing.tail_start, self.len),
            None => {
                let start = self.len.saturating_sub(END_SEARCH);
                match tail::locate(&self.read_range(start)?, start, self.len) {
                    Err(TailError::NeedFrom(from)) if self.len - from <= ZIP64_REACH => {
                        tail::locate(&self.read_range(from)?, from, self.len)
                    }
                    other => other,
                }
            }
        };
        found.map_err(|e| match e {
            TailError::Invalid(why) => invalid(why),
            TailError::NeedFrom(_) => invalid("the zip64 end record is too far from the end"),
        })
    }

    /// Bytes `[start, len)` of a complete zip.
    fn read_range(&self, start: u64) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0u8; (self.len - start) as usize];
        let mut reader = self.clone();
        reader.position = start;
        io::Read::read_exact(&mut reader, &mut bytes)?;
        Ok(bytes)
    }
}

impl io::Read for ZipInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let mut limit = self.len;
        if let Some(growing) = &self.growing {
            if self.position >= growing.tail_start {
                let from = (self.position - growing.tail_start) as usize;
                let n = buf.len().min(growing.tail.len() - from);
                buf[..n].copy_from_slice(&growing.tail[from..from + n]);
                self.position += n as u64;
                return Ok(n);
            }
            match growing.mark.wait_past(self.position)? {
                Some(written) => limit = growing.tail_start.min(written),
                None => return Ok(0),
            }
        }
        let want = (buf.len() as u64).min(limit - self.position) as usize;
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, &mut buf[..want], self.position)?;
        #[cfg(windows)]
        let n =
            std::os::windows::fs::FileExt::seek_read(&*self.file, &mut buf[..want], self.position)?;
        self.position += n as u64;
        Ok(n)
    }
}

impl io::Seek for ZipInput {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let (base, delta) = match to {
            io::SeekFrom::Start(n) => {
                self.position = n;
                return Ok(n);
            }
            io::SeekFrom::End(d) => (self.len, d),
            io::SeekFrom::Current(d) => (self.position, d),
        };
        let target = base.checked_add_signed(delta).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the zip",
            )
        })?;
        self.position = target;
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, SeekFrom};

    #[test]
    fn growing_reads_wait_for_the_mark_and_take_the_tail_from_memory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("z.part");
        let whole: Vec<u8> = (0..100u8).collect();
        std::fs::write(&path, &whole[..30]).unwrap();
        let mark = Arc::new(Watermark::default());
        mark.raise(30);
        let growing = Arc::new(Growing {
            mark: mark.clone(),
            tail: whole[80..].to_vec(),
            tail_start: 80,
        });
        let file = Arc::new(File::open(&path).unwrap());
        let mut input = ZipInput::growing(file, 100, growing);
        let mut buf = [0u8; 50];
        // Only what lies below the mark is read.
        assert_eq!(input.read(&mut buf).unwrap(), 30);
        assert_eq!(&buf[..30], &whole[..30]);
        // The tail comes from memory, whatever the mark says.
        input.seek(SeekFrom::End(-10)).unwrap();
        assert_eq!(input.read(&mut buf).unwrap(), 10);
        assert_eq!(&buf[..10], &whole[90..]);
        // A read past the mark waits for the download.
        let reader = {
            let mut input = input.clone();
            std::thread::spawn(move || {
                input.seek(SeekFrom::Start(30)).unwrap();
                let mut rest = vec![0u8; 50];
                input.read_exact(&mut rest).map(|()| rest)
            })
        };
        std::fs::write(&path, &whole[..80]).unwrap();
        mark.raise(80);
        assert_eq!(reader.join().unwrap().unwrap(), &whole[30..80]);
        // Once the download ends, a hole between the file and the tail reads as the end.
        std::fs::write(&path, &whole[..60]).unwrap();
        let mark = Arc::new(Watermark::default());
        mark.raise(60);
        mark.end();
        let growing = Arc::new(Growing {
            mark,
            tail: whole[80..].to_vec(),
            tail_start: 80,
        });
        let mut input = ZipInput::growing(Arc::new(File::open(&path).unwrap()), 100, growing);
        input.seek(SeekFrom::Start(60)).unwrap();
        assert_eq!(input.read(&mut buf).unwrap(), 0);
    }
}
