//! Writing an archive's files on every core. Creating ~10,000 files is most of an install's
//! time (the kernel's inode allocation, not the bytes), and a `.tar.gz` can only be read in
//! order, so the reader inflates and hands each whole file to a pool of writer threads, which
//! create, write and (for the cross-check) hash it. Memory stays bounded: files wait only while
//! the bytes in flight are under [`BUDGET`]; a larger file waits until it is alone; a file too
//! large to hold goes to one writer piece by piece ([`Content::Streamed`]).
//!
//! Every path it is given has passed the archive's checks, and its parent folder exists
//! already (the reader makes folders itself, in order), so the writers only create files, with
//! `create_new`: a duplicate entry, or a name that is also a folder, fails whichever comes
//! second.

use crate::archive::{ArchiveError, file_options, refuse};
use crate::form_hash::FormHash;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

/// The most file bytes waiting for or being written by the writers.
pub const BUDGET: u64 = 8 << 20;

/// One file to write.
pub struct Job {
    /// The archive's name for it, for messages.
    pub entry: String,
    pub path: PathBuf,
    pub executable: bool,
    pub content: Content,
    /// Its name in the module form, when its hash is wanted.
    pub form_name: Option<String>,
}

/// A file's bytes: whole, or (a large file) in pieces as the reader inflates them, so that
/// its writing and hashing too leave the reading thread while its memory stays bounded.
pub enum Content {
    Whole(Vec<u8>),
    Streamed(Receiver<Vec<u8>>),
}

/// Pieces of a streamed file that may wait for its writer.
const STREAM_DEPTH: usize = 4;

impl Content {
    /// The bytes held now (a streamed file's pieces are bounded by [`STREAM_DEPTH`]).
    fn held(&self) -> u64 {
        match self {
            Content::Whole(bytes) => bytes.len() as u64,
            Content::Streamed(_) => 0,
        }
    }
}

/// What the writers share: the byte budget and the first failure.
#[derive(Default)]
struct Shared {
    in_flight: Mutex<u64>,
    freed: Condvar,
    failure: Mutex<Option<ArchiveError>>,
}

impl Shared {
    fn fail(&self, error: ArchiveError) {
        let mut failure = self.failure.lock().unwrap_or_else(PoisonError::into_inner);
        failure.get_or_insert(error);
    }

    fn failed(&self) -> bool {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    fn release(&self, bytes: u64) {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *in_flight -= bytes;
        self.freed.notify_all();
    }
}

/// A pool of writer threads for one destination.
pub struct TreeWriter {
    jobs: Option<SyncSender<Job>>,
    shared: Arc<Shared>,
    /// The module-form hash, shared with the writers.
    form: Option<Arc<FormHash>>,
    threads: Vec<JoinHandle<()>>,
}

impl TreeWriter {
    /// With `form`, every file of the module form is hashed as it is written.
    pub fn new(form: Option<FormHash>) -> TreeWriter {
        let writers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
        let (jobs, queue) = sync_channel::<Job>(writers * 4);
        let queue = Arc::new(Mutex::new(queue));
        let shared = Arc::new(Shared::default());
        let form = form.map(Arc::new);
        let threads = (0..writers)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let shared = Arc::clone(&shared);
                let form = form.clone();
                std::thread::spawn(move || work(&queue, &shared, form.as_deref()))
            })
            .collect();
        TreeWriter {
            jobs: Some(jobs),
            shared,
            form,
            threads,
        }
    }

    /// The module-form hash being gathered, for files written outside the pool.
    pub fn form(&self) -> Option<&FormHash> {
        self.form.as_deref()
    }

    /// Hands a file to the writers, waiting while the budget is spent. An earlier writer's
    /// failure is returned here, so the reader stops at the next file.
    pub fn write(&self, job: Job) -> Result<(), ArchiveError> {
        let size = job.content.held();
        {
            let mut in_flight = self
                .shared
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            while *in_flight > 0 && *in_flight + size > BUDGET && !self.shared.failed() {
                in_flight = self
                    .shared
                    .freed
                    .wait(in_flight)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            *in_flight += size;
        }
        if let Some(error) = self.take_failure() {
            return Err(error);
        }
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
        if !matches!(sent, Some(Ok(()))) {
            return Err(self.take_failure().unwrap_or_else(|| {
                ArchiveError::Read(io::Error::other("the file writers stopped"))
            }));
        }
        Ok(())
    }

    /// Hands a large file to the writers to be written as its pieces arrive: send them in
    /// order on the returned sender, then drop it. A failed send means the writers stopped:
    /// [`TreeWriter::failure`] says why.
    pub fn stream(
        &self,
        entry: &str,
        path: PathBuf,
        executable: bool,
        form_name: Option<String>,
    ) -> Result<SyncSender<Vec<u8>>, ArchiveError> {
        let (pieces, received) = sync_channel(STREAM_DEPTH);
        self.write(Job {
            entry: entry.to_owned(),
            path,
            executable,
            content: Content::Streamed(received),
            form_name,
        })?;
        Ok(pieces)
    }

    /// Why the writers stopped (after a failed send to a stream).
    pub fn failure(&self) -> ArchiveError {
        self.take_failure()
            .unwrap_or_else(|| ArchiveError::Read(io::Error::other("the file writers stopped")))
    }

    fn take_failure(&self) -> Option<ArchiveError> {
        self.shared
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Waits for every file to be written; returns the first failure, or the module form's
    /// hash when one was gathered.
    pub fn finish(mut self) -> Result<Option<crate::dirhash::H1>, ArchiveError> {
        self.stop();
        if let Some(error) = self.take_failure() {
            return Err(error);
        }
        let Some(form) = self.form.take() else {
            return Ok(None);
        };
        // The writers are gone, and their references with them.
        let form = Arc::try_unwrap(form)
            .map_err(|_| ArchiveError::Read(io::Error::other("a file writer is still running")))?;
        form.finish()
            .map(Some)
            .map_err(|e| ArchiveError::Read(io::Error::other(e.to_string())))
    }

    fn stop(&mut self) {
        drop(self.jobs.take());
        for thread in self.threads.drain(..) {
            // A writer only panics on a bug; its files are then missing and the tree check or
            // the hash says so.
            let _ = thread.join();
        }
    }
}

impl Drop for TreeWriter {
    /// A reader that stops early still waits for the writers, so nothing writes into a
    /// staging folder after its owner removed it.
    fn drop(&mut self) {
        self.stop();
    }
}

fn work(queue: &Mutex<Receiver<Job>>, shared: &Shared, form: Option<&FormHash>) {
    loop {
        let job = match queue.lock().unwrap_or_else(PoisonError::into_inner).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        let size = job.content.held();
        if !shared.failed()
            && let Err(error) = write_one(job, form)
        {
            shared.fail(error);
        }
        shared.release(size);
    }
}

fn write_one(job: Job, form: Option<&FormHash>) -> Result<(), ArchiveError> {
    let Job {
        entry,
        path,
        executable,
        content,
        form_name,
    } = job;
    let mut file = match file_options(executable).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(refuse(&entry, "duplicate entry: its path is already taken"));
        }
        Err(source) => return Err(ArchiveError::Write { path, source }),
    };
    let mut sha = form_name.as_ref().and(form).map(|_| Sha256::new());
    let mut put = |bytes: &[u8]| {
        if let Some(sha) = sha.as_mut() {
            sha.update(bytes);
        }
        file.write_all(bytes)
    };
    let written = match content {
        Content::Whole(bytes) => put(&bytes),
        // Until the reader hangs up; dropping the pieces on a failure stops it at its next send.
        Content::Streamed(pieces) => pieces.iter().try_for_each(|piece| put(&piece)),
    };
    written.map_err(|source| ArchiveError::Write { path, source })?;
    if let (Some(form), Some(name), Some(sha)) = (form, form_name, sha) {
        form.add(name, sha.finalize().into())
            .map_err(|e| ArchiveError::Read(io::Error::other(e.to_string())))?;
    }
    Ok(())
}
