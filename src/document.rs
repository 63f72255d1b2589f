//! Fetching a small document whole (the download index, the vulnerability database's files):
//! a GET carrying the cached copy's validators, so an unchanged document costs a `304`;
//! transient failures retried with backoff; `file://` read directly; and two limits shared by
//! every request of one fetch, so a hostile or broken server can neither fill the memory nor
//! hold gopin forever: at most 64 MiB of bodies in all, and a deadline for the whole fetch
//! (`GOPIN_INDEX_TIMEOUT`, retries and waits included).

use crate::config::Config;
use crate::http;
use crate::index::cache::{Meta, now_secs};
use crate::output;
use crate::retry::{self, Failure, GaveUp};
use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The most one fetch reads, all bodies together.
pub const MAX_BYTES: u64 = 64 << 20;

/// The size and time left to one fetch; shared by all its requests (and threads).
pub struct Limits {
    started: Instant,
    timeout: Duration,
    left: AtomicU64,
}

impl Limits {
    pub fn new(config: &Config) -> Limits {
        Limits::with(config.index_timeout, MAX_BYTES)
    }

    pub fn with(timeout: Duration, max_bytes: u64) -> Limits {
        Limits {
            started: Instant::now(),
            timeout,
            left: AtomicU64::new(max_bytes),
        }
    }

    /// A permanent failure once the deadline has passed.
    pub fn check_time(&self) -> Result<(), Failure> {
        if self.started.elapsed() >= self.timeout {
            return Err(Failure::permanent(format!(
                "gave up after {:.0} s (GOPIN_INDEX_TIMEOUT)",
                self.timeout.as_secs_f64()
            )));
        }
        Ok(())
    }

    /// Takes `n` bytes from the budget; a permanent failure when it runs out.
    fn take(&self, n: u64) -> Result<(), Failure> {
        let taken = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            });
        match taken {
            Ok(_) => Ok(()),
            Err(_) => Err(Failure::permanent(format!(
                "more than {} MiB of data: refused",
                MAX_BYTES >> 20
            ))),
        }
    }
}

/// What a GET gave.
pub enum Fetched {
    /// `304`: the cached copy is current.
    NotModified,
    Modified {
        body: Vec<u8>,
        meta: Meta,
    },
}

/// One GET with the cached copy's validators, then the body read within the limits.
pub fn get(
    client: &Client,
    url: &str,
    cached: Option<&Meta>,
    limits: &Limits,
) -> Result<Fetched, Failure> {
    limits.check_time()?;
    let mut request = client.get(url);
    if let Some(meta) = cached {
        if let Some(etag) = &meta.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &meta.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
    }
    let response = request.send().map_err(|e| http::transport_failure(&e))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(http::status_failure(&response));
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let meta = Meta {
        url: url.to_owned(),
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
        fetched_at: now_secs(),
    };
    // Read through `Read`, where the blocking client applies the read timeout to each read;
    // `bytes()` would bound the whole transfer by it and fail a slow but healthy link.
    let mut response = response;
    let mut body = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = response.read(&mut chunk).map_err(|e| {
            let mut failure = http::read_failure(&e);
            failure.why = format!("reading the body: {}", failure.why);
            failure
        })?;
        if n == 0 {
            break;
        }
        limits.take(n as u64)?;
        limits.check_time()?;
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Fetched::Modified { body, meta })
}

/// [`get`], retrying transient failures on the same URL with backoff until the retry budget
/// or the deadline runs out; `what` names the document in the retry messages.
pub fn get_with_retries(
    client: &Client,
    retries: u32,
    what: &str,
    url: &str,
    cached: Option<&Meta>,
    limits: &Limits,
) -> Result<Fetched, GaveUp> {
    retry::run(
        retries,
        || get(client, url, cached, limits),
        |wait, failure| {
            output::info(format_args!(
                "retrying {what} from {url} in {:.1} s: {}",
                wait.as_secs_f64(),
                failure.why
            ))
        },
    )
}

/// The local path of a `file://` URL.
pub fn file_path(url: &str) -> Result<PathBuf, String> {
    http::file_url_path(url)
}

/// Reads a local file within the size limit: a regular file only (`file:///dev/zero` or a FIFO
/// is refused unread), through the one reader of small files.
pub fn read_file(path: &std::path::Path, limits: &Limits) -> Result<Vec<u8>, String> {
    let left = limits.left.load(Ordering::Relaxed);
    let body = match gopin_shim::small_file::read_bytes(path, left) {
        Ok(Some(body)) => body,
        Ok(None) => return Err(format!("cannot read {}: it does not exist", path.display())),
        Err(gopin_shim::small_file::ReadError::TooLarge(_)) => {
            return Err(format!(
                "{}: more than {} MiB of data: refused",
                path.display(),
                MAX_BYTES >> 20
            ));
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    limits
        .take(body.len() as u64)
        .map_err(|f| format!("{}: {}", path.display(), f.why))?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_run_out() {
        let limits = Limits::with(Duration::from_secs(60), 10);
        assert!(limits.take(6).is_ok());
        assert!(limits.take(5).is_err(), "11 bytes of 10");
        assert!(limits.take(4).is_ok());
        assert!(limits.check_time().is_ok());
        let expired = Limits::with(Duration::ZERO, 10);
        let failure = expired.check_time().unwrap_err();
        assert!(!failure.transient && failure.why.contains("GOPIN_INDEX_TIMEOUT"));
    }

    #[test]
    fn local_files_are_capped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(
            read_file(&path, &Limits::with(Duration::from_secs(9), 10)).unwrap(),
            b"0123456789"
        );
        let err = read_file(&path, &Limits::with(Duration::from_secs(9), 9)).unwrap_err();
        assert!(err.contains("MiB of data: refused"), "{err}");
        assert!(file_path("file://relative").is_err());
    }
}
