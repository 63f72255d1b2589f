//! The `h1:` of a release archive's module form, computed while the archive unpacks (README:
//! "The cross-check").
//!
//! The extractor hands over each file's bytes in the buffers it has just written to disk; a
//! second thread hashes them, so the SHA-256 of ~250 MB runs on the core that is not
//! inflating. Buffers travel back for reuse: nothing is copied, and at most [`IN_FLIGHT`] of
//! them wait, so memory stays bounded whatever the archive holds.

use crate::dirhash::{DirhashError, H1, Hash1};
use crate::source::toolchain_module::module_form_name;
use sha2::{Digest, Sha256};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

/// Buffers that may wait for the hashing thread (at 256 KiB each, 4 MiB).
const IN_FLIGHT: usize = 16;

enum Piece {
    /// A file of the module form starts: its zip name.
    Begin(String),
    /// The next bytes of that file: the first `len` of the buffer.
    Data(Vec<u8>, usize),
    End,
}

/// Hashes the files of a release archive that belong to its module form, as they unpack.
pub struct FormHasher {
    module_version: String,
    pieces: SyncSender<Piece>,
    returned: Receiver<Vec<u8>>,
    hashing: bool,
    thread: JoinHandle<Result<H1, DirhashError>>,
}

impl FormHasher {
    /// For the module `golang.org/toolchain@<module_version>`.
    pub fn new(module_version: &str) -> FormHasher {
        let (pieces, received) = sync_channel(IN_FLIGHT);
        let (give_back, returned) = channel();
        let thread = std::thread::spawn(move || hash_pieces(&received, &give_back));
        FormHasher {
            module_version: module_version.to_owned(),
            pieces,
            returned,
            hashing: false,
            thread,
        }
    }

    /// A file starts; `relative` is its name below the archive's `go/` folder, `/`-separated.
    /// Returns whether its bytes are wanted (files the module form leaves out are not).
    pub fn begin(&mut self, relative: &str) -> bool {
        self.hashing = match module_form_name(&self.module_version, relative) {
            Some(name) => self.pieces.send(Piece::Begin(name)).is_ok(),
            None => false,
        };
        self.hashing
    }

    /// The next `len` bytes of the current file, in `buffer` (just written to disk). Returns a
    /// buffer of the same size for the next read: one handed back, or a new one.
    pub fn data(&mut self, buffer: Vec<u8>, len: usize) -> Vec<u8> {
        let size = buffer.len();
        if !self.hashing || self.pieces.send(Piece::Data(buffer, len)).is_err() {
            return vec![0; size];
        }
        match self.returned.try_recv() {
            Ok(back) if back.len() == size => back,
            _ => vec![0; size],
        }
    }

    /// The current file is complete.
    pub fn end(&mut self) {
        if self.hashing {
            let _ = self.pieces.send(Piece::End);
            self.hashing = false;
        }
    }

    /// The `h1:` over every file begun and ended.
    pub fn finish(self) -> Result<H1, DirhashError> {
        drop(self.pieces);
        // The thread only hashes; a panic there is a bug, so it goes on here.
        self.thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

fn hash_pieces(pieces: &Receiver<Piece>, give_back: &Sender<Vec<u8>>) -> Result<H1, DirhashError> {
    let mut hash = Hash1::new();
    let mut current: Option<(String, Sha256)> = None;
    while let Ok(piece) = pieces.recv() {
        match piece {
            Piece::Begin(name) => current = Some((name, Sha256::new())),
            Piece::Data(buffer, len) => {
                if let Some((_, sha)) = current.as_mut() {
                    sha.update(&buffer[..len]);
                }
                let _ = give_back.send(buffer);
            }
            Piece::End => {
                if let Some((name, sha)) = current.take() {
                    hash.add(name, sha.finalize().into())?;
                }
            }
        }
    }
    hash.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dirhash::hash1;

    /// Feeds files as the extractor does, in chunks of `chunk` bytes.
    fn feed(files: &[(&str, &[u8])], chunk: usize) -> H1 {
        let mut hasher = FormHasher::new("v0.0.1-go1.22.10.linux-amd64");
        let mut buffer = vec![0u8; chunk];
        for (relative, content) in files {
            if hasher.begin(relative) {
                for piece in content.chunks(chunk) {
                    buffer[..piece.len()].copy_from_slice(piece);
                    buffer = hasher.data(buffer, piece.len());
                    assert_eq!(buffer.len(), chunk);
                }
                hasher.end();
            }
        }
        hasher.finish().unwrap()
    }

    #[test]
    fn hashes_the_module_form() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let files: &[(&str, &[u8])] = &[
            ("VERSION", b"go1.22.10\n"),
            ("bin/go", &big),
            ("src/go.mod", b"module std\n"),
            ("api/go1.txt", b"pkg x\n"),
            ("test/run.go", b"package main\n"),
            ("empty", b""),
        ];
        let p = "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/";
        let want = hash1([
            (format!("{p}VERSION"), b"go1.22.10\n".as_slice()),
            (format!("{p}bin/go"), big.as_slice()),
            (format!("{p}src/_go.mod"), b"module std\n".as_slice()),
            (format!("{p}empty"), b"".as_slice()),
        ])
        .unwrap();
        for chunk in [1, 7, 4096, 1 << 18] {
            assert_eq!(feed(files, chunk), want, "chunks of {chunk}");
        }
        // Another name or another byte is another hash.
        let changed: &[(&str, &[u8])] = &[("VERSION", b"go1.22.11\n")];
        assert_ne!(feed(changed, 64), want);
    }
}
