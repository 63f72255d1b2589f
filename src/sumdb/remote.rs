//! Small bodies from a checksum database, a proxy in front of one, or a `file://` tree:
//! capped, with a deadline, retried with backoff on transient failures, and with "not found"
//! (404, 410, a missing file) told apart from other failures, because the way to the database
//! and the meaning of a lookup both depend on it.

use crate::http;
use crate::output;
use crate::retry::{self, Failure};
use std::time::{Duration, Instant};

/// Why a body could not be had.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not found ({why})")]
    NotFound { url: String, why: String },
    #[error("{url}: {why}")]
    Failed {
        url: String,
        why: String,
        /// The server's certificate was refused (the hint names SSL_CERT_FILE).
        certificate: bool,
    },
}

impl FetchError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, FetchError::NotFound { .. })
    }

    pub fn url(&self) -> &str {
        match self {
            FetchError::NotFound { url, .. } | FetchError::Failed { url, .. } => url,
        }
    }
}

/// How requests are made: the shared HTTP client, the retry budget, and how long one body
/// may take.
#[derive(Clone)]
pub struct Fetcher {
    pub client: reqwest::blocking::Client,
    pub retries: u32,
    pub deadline: Duration,
}

impl Fetcher {
    /// The body at `url` (http, https or file), at most `cap` bytes.
    pub fn get(&self, url: &str, cap: u64) -> Result<Vec<u8>, FetchError> {
        if url.starts_with("file://") {
            return read_file_url(url, cap);
        }
        let mut not_found: Option<String> = None;
        let result = retry::run(
            self.retries,
            || {
                let response = self.client.get(url).send().map_err(|e| {
                    let mut failure = http::transport_failure(&e);
                    if e.is_builder() {
                        failure.why = format!("not a URL gopin can fetch ({})", failure.why);
                    }
                    failure
                })?;
                let status = response.status().as_u16();
                if status == 404 || status == 410 {
                    not_found = Some(format!("HTTP {}", response.status()));
                    return Err(Failure::permanent("not found"));
                }
                if !response.status().is_success() {
                    return Err(http::status_failure(&response));
                }
                let declared = response.content_length();
                http::read_body(response, declared, cap, Instant::now() + self.deadline)
            },
            |wait, failure| {
                output::info(format_args!(
                    "retrying {url} in {:.1} s: {}",
                    wait.as_secs_f64(),
                    failure.why
                ))
            },
        );
        result.map_err(|gave_up| match not_found.take() {
            Some(why) => FetchError::NotFound {
                url: url.to_owned(),
                why,
            },
            None => FetchError::Failed {
                url: url.to_owned(),
                why: gave_up.to_string(),
                certificate: gave_up.failure.certificate,
            },
        })
    }
}

/// A `file://` URL read as Go's `web.Get` reads one: a missing file is "not found".
fn read_file_url(url: &str, cap: u64) -> Result<Vec<u8>, FetchError> {
    let failed = |why: String| FetchError::Failed {
        url: url.to_owned(),
        why,
        certificate: false,
    };
    let path = http::file_url_path(url).map_err(failed)?;
    match gopin_shim::small_file::read_bytes(&path, cap) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(FetchError::NotFound {
            url: url.to_owned(),
            why: format!("no file {}", path.display()),
        }),
        Err(e) => Err(failed(format!("cannot read {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_tell_missing_from_broken() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("supported"), "").unwrap();
        std::fs::write(dir.path().join("big"), vec![b'x'; 100]).unwrap();
        let base = reqwest::Url::from_directory_path(dir.path()).unwrap();
        let url = |name: &str| base.join(name).unwrap().to_string();
        assert_eq!(read_file_url(&url("supported"), 10), Ok(Vec::new()));
        assert!(
            read_file_url(&url("absent"), 10)
                .unwrap_err()
                .is_not_found()
        );
        // A folder is not a body either.
        std::fs::create_dir(dir.path().join("tile")).unwrap();
        assert!(read_file_url(&url("tile"), 10).unwrap_err().is_not_found());
        let big = read_file_url(&url("big"), 10).unwrap_err();
        assert!(!big.is_not_found());
        assert!(big.to_string().contains("larger than"), "{big}");
    }
}
