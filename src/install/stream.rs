//! Unpacking a `.tar.gz` on a second thread while it downloads: the download thread hashes and
//! writes the partial file, the extractor inflates and writes the tree, so the two overlap.

use super::{Unpacked, fresh_dir, unpack_error};
use crate::archive::{self, ArchiveError, Limits};
use crate::download::Consumer;
use crate::form_hash::FormHash;
use anyhow::{Result, anyhow};
use std::io::Read;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

/// How many downloaded chunks may wait for the extractor: bounds memory (8 MiB at 256 KiB).
const PIPE_DEPTH: usize = 32;

/// The extractor thread and its result.
type Extraction = JoinHandle<Result<Unpacked, ArchiveError>>;

/// Unpacks a `.tar.gz` on a second thread while it downloads: the download thread hashes and
/// writes the partial file, the extractor inflates and writes the tree, so the two overlap.
pub struct StreamExtractor {
    staging: PathBuf,
    /// The archive's file name, for messages.
    archive: String,
    /// The module version whose form's `h1:` is computed in the same pass, if any.
    form: Option<String>,
    running: Option<(SyncSender<Vec<u8>>, Extraction)>,
    /// The extractor's outcome when it stopped before the last byte: the end of the tar came
    /// before the gzip trailer, or it refused what it read. A refusal is reported only once the
    /// checksum has matched: on bytes that fail it, the mismatch is the truth (and leads to a
    /// fresh download or the next mirror), not a hostile archive.
    ended: Option<Result<Unpacked, ArchiveError>>,
}

impl StreamExtractor {
    /// With `form` (a module version), the archive's module-form `h1:` is computed as it
    /// unpacks (README: "The cross-check").
    pub fn new(staging: PathBuf, archive: &str, form: Option<&str>) -> StreamExtractor {
        StreamExtractor {
            staging,
            archive: archive.to_owned(),
            form: form.map(str::to_owned),
            running: None,
            ended: None,
        }
    }

    /// The stream is complete and verified: wait for the extractor and return its result.
    pub(crate) fn finish(mut self) -> Result<Unpacked> {
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
        let form = self.form.as_deref().map(FormHash::new);
        let handle = std::thread::spawn(move || {
            let (_stats, form_h1) = archive::extract_tar_gz_hashing(
                ChannelReader::new(receiver),
                &staging,
                &Limits::default(),
                form,
            )?;
            Ok(Unpacked { form_h1 })
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
