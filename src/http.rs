//! The one HTTP client: timeouts from the configuration, a user agent, proxies from the
//! environment (reqwest reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY), TLS trusting both the
//! system store (which honours SSL_CERT_FILE) and bundled Mozilla roots, and redirects that
//! never step down from https to http.

use crate::config::Config;
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
