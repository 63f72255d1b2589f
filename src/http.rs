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
    Failure {
        why: format!("HTTP {status}"),
        transient: retry::is_transient_status(status.as_u16()),
        retry_after,
        certificate: false,
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
