//! The one HTTP client: timeouts from the configuration, a user agent, proxies from the
//! environment (reqwest reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY), TLS trusting both the
//! system store (which honours SSL_CERT_FILE) and bundled Mozilla roots, and redirects that
//! never step down from https to http.

use crate::config::Config;
use crate::retry::{self, Failure};
use anyhow::{Context, Result};
use reqwest::blocking::Client;
use reqwest::redirect::{Attempt, Policy};

pub fn client(config: &Config) -> Result<Client> {
    Client::builder()
        .user_agent(concat!("gopin/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(config.connect_timeout)
        // In the blocking client this bounds the wait for the headers and for each read of the
        // body, so it is the read timeout: a stalled transfer ends, a long healthy one does not.
        .timeout(config.read_timeout)
        .redirect(Policy::custom(no_downgrade))
        .build()
        .context("cannot set up the HTTP client")
}

fn no_downgrade(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    if !matches!(attempt.url().scheme(), "http" | "https") {
        let to = attempt.url().to_string();
        return attempt.error(format!(
            "refused a redirect to {to}: only http and https redirects are followed"
        ));
    }
    let from_https = attempt.previous().iter().any(|url| url.scheme() == "https");
    if from_https && attempt.url().scheme() != "https" {
        let to = attempt.url().to_string();
        return attempt.error(format!("refused a redirect from https to {to}"));
    }
    if attempt.previous().len() >= 10 {
        return attempt.error("too many redirects");
    }
    attempt.follow()
}

/// A short, human account of a transport error: the innermost causes, without the URL that
/// the caller already names.
pub fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    match parts.last() {
        Some(innermost) => innermost.clone(),
        None => error.to_string(),
    }
}

/// True when the failure is about the server's certificate: retrying cannot fix that.
pub fn is_certificate_error(error: &reqwest::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(cause) = source {
        let text = cause.to_string().to_ascii_lowercase();
        if text.contains("certificate")
            || text.contains("unknownissuer")
            || text.contains("invalid peer")
        {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Connection trouble, timeouts and cut-off bodies may pass; a bad certificate, a refused
/// redirect or a malformed URL will not.
pub fn transport_failure(error: &reqwest::Error) -> Failure {
    let certificate = is_certificate_error(error);
    let hopeless = certificate || error.is_redirect() || error.is_builder();
    Failure {
        why: describe(error),
        transient: !hopeless,
        retry_after: None,
        certificate,
        status: None,
    }
}

/// A non-success status: 408, 429 and 5xx are worth retrying (after `Retry-After` if given).
pub fn status_failure(response: &reqwest::blocking::Response) -> Failure {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(retry::parse_retry_after);
    // A redirect that came back unfollowed (reqwest follows only http and https).
    let why = match response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(to) if status.is_redirection() => {
            format!(
                "HTTP {status}: a redirect to {to} that gopin does not follow (only http and https)"
            )
        }
        _ => format!("HTTP {status}"),
    };
    Failure {
        why,
        transient: retry::is_transient_status(status.as_u16()),
        retry_after,
        certificate: false,
        status: Some(status.as_u16()),
    }
}

/// A failure while reading a body through `Read`: the reqwest error inside tells what it was.
pub fn read_failure(error: &std::io::Error) -> Failure {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
    {
        Some(inner) => transport_failure(inner),
        None => Failure::transient(error.to_string()),
    }
}

/// The local path a `file://` URL names (the one reader of such URLs, for the index and the
/// archives alike).
pub fn file_url_path(url: &str) -> Result<std::path::PathBuf, String> {
    reqwest::Url::parse(url)
        .ok()
        .filter(|u| u.scheme() == "file")
        .and_then(|u| u.to_file_path().ok())
        .ok_or_else(|| format!("{url} is not a valid file:// URL (expected file:///absolute/path)"))
}

/// A whole body, at most `cap` bytes, read before `deadline`. An endless or trickling server
/// ends in an error instead of growing memory or holding the caller forever: the client's read
/// timeout bounds each wait, the deadline the whole transfer.
pub fn read_body(
    mut body: impl std::io::Read,
    declared: Option<u64>,
    cap: u64,
    deadline: std::time::Instant,
) -> Result<Vec<u8>, Failure> {
    let too_large = || Failure::permanent(format!("the body is larger than {} MiB", cap >> 20));
    if declared.is_some_and(|n| n > cap) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if std::time::Instant::now() >= deadline {
            return Err(Failure::permanent(format!(
                "the transfer did not finish in time ({} bytes read)",
                bytes.len()
            )));
        }
        let n = match body.read(&mut buf) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let mut failure = read_failure(&e);
                failure.why = format!("reading the body: {}", failure.why);
                return Err(failure);
            }
        };
        if (bytes.len() + n) as u64 > cap {
            return Err(too_large());
        }
        bytes.extend_from_slice(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// An endless body: never ends, never errs.
    struct Endless;
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            buf.fill(b'x');
            Ok(buf.len())
        }
    }

    /// One byte per read, slowly.
    struct Trickle;
    impl std::io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            std::thread::sleep(Duration::from_millis(20));
            buf[0] = b'x';
            Ok(1)
        }
    }

    #[test]
    fn bodies_are_bounded() {
        let far = Instant::now() + Duration::from_secs(3600);
        let small = read_body(&b"[]"[..], Some(2), 1 << 20, far).unwrap();
        assert_eq!(small, b"[]");
        let endless = read_body(Endless, None, 1 << 20, far).unwrap_err();
        assert!(endless.why.contains("larger than 1 MiB"), "{}", endless.why);
        assert!(!endless.transient);
        let declared = read_body(&b""[..], Some(2 << 20), 1 << 20, far).unwrap_err();
        assert!(declared.why.contains("larger than"), "{}", declared.why);
        let soon = Instant::now() + Duration::from_millis(200);
        let trickle = read_body(Trickle, None, 1 << 20, soon).unwrap_err();
        assert!(
            trickle.why.contains("did not finish in time"),
            "{}",
            trickle.why
        );
    }

    #[test]
    fn file_urls() {
        assert_eq!(
            file_url_path("file:///srv/go/index.json").unwrap(),
            std::path::Path::new("/srv/go/index.json")
        );
        assert!(file_url_path("file://relative/x").is_err() || cfg!(windows));
        assert!(file_url_path("https://go.dev/x").is_err());
    }
}
