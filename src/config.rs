//! gopin's settings from the environment (README: "Configuration"), read and checked once.
//!
//! A bad value is an error naming the variable, never silently replaced by a default.

use crate::error::bad_variable;
use anyhow::Result;
use gopin_shim::policy;
use std::time::Duration;

pub const DEFAULT_INDEX_URL: &str = "https://go.dev/dl/?mode=json&include=all";
pub const DEFAULT_DOWNLOAD_URL: &str = "https://dl.google.com/go/";
pub const DEFAULT_VULNDB_URL: &str = "https://vuln.go.dev";

#[derive(Clone, Debug)]
pub struct Config {
    /// `GOPIN_INDEX_URL`: tried in order.
    pub index_urls: Vec<String>,
    /// `GOPIN_DOWNLOAD_URL`: archive file names are appended to each, tried in order.
    pub download_urls: Vec<String>,
    /// `GOPIN_OFFLINE=1`: never touch the network.
    pub offline: bool,
    /// `GOPIN_AUTO_INSTALL` (default on); the shim reads it with the same parser.
    pub auto_install: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// `GOPIN_INDEX_TIMEOUT`: the most a whole fetch of the index (or of the vulnerability
    /// database) may take, every URL and retry included.
    pub index_timeout: Duration,
    /// Retries after the first try of a transient failure.
    pub retries: u32,
    /// `GOPIN_SOURCE`: where toolchains come from, in order.
    pub sources: Vec<crate::source::Kind>,
    /// `GOPIN_VULNDB_URL`: the Go vulnerability database (v1 schema), tried in order.
    pub vulndb_urls: Vec<String>,
    /// `GOPIN_SUMDB_CHECK`: whether archives from the index are cross-checked against Go's
    /// checksum database.
    pub sumdb_check: SumdbCheck,
}

/// `GOPIN_SUMDB_CHECK` (README: "The cross-check").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumdbCheck {
    /// Check when the database answers; otherwise install on the SHA-256 with one warning.
    Auto,
    /// Fail when the check cannot be made.
    Require,
    Off,
}

impl SumdbCheck {
    pub fn name(self) -> &'static str {
        match self {
            SumdbCheck::Auto => "auto",
            SumdbCheck::Require => "require",
            SumdbCheck::Off => "off",
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Config> {
        Config::from_lookup(&|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    pub fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Config> {
        Ok(Config {
            index_urls: url_list(get, "GOPIN_INDEX_URL", DEFAULT_INDEX_URL)?,
            download_urls: url_list(get, "GOPIN_DOWNLOAD_URL", DEFAULT_DOWNLOAD_URL)?,
            offline: flag(get, "GOPIN_OFFLINE", false)?,
            auto_install: flag(get, "GOPIN_AUTO_INSTALL", true)?,
            connect_timeout: seconds(get, "GOPIN_CONNECT_TIMEOUT", 10)?,
            read_timeout: seconds(get, "GOPIN_READ_TIMEOUT", 30)?,
            index_timeout: seconds(get, "GOPIN_INDEX_TIMEOUT", 60)?,
            retries: number(get, "GOPIN_RETRIES", 4)?,
            sources: sources(get)?,
            vulndb_urls: url_list(get, "GOPIN_VULNDB_URL", DEFAULT_VULNDB_URL)?,
            sumdb_check: sumdb_check(get)?,
        })
    }
}

fn url_list(get: &dyn Fn(&str) -> Option<String>, var: &str, default: &str) -> Result<Vec<String>> {
    let value = get(var).unwrap_or_else(|| default.to_owned());
    let urls: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_owned)
        .collect();
    for url in &urls {
        if !(url.starts_with("https://")
            || url.starts_with("http://")
            || url.starts_with("file://"))
        {
            return Err(bad_variable(
                var,
                &value,
                &format!("{url:?} is not an https://, http:// or file:// URL"),
                format!("set {var} to a comma-separated list of URLs, or `unset {var}`"),
            ));
        }
    }
    if urls.is_empty() {
        return Err(bad_variable(
            var,
            &value,
            "it holds no URL",
            format!("`unset {var}` to use {default}"),
        ));
    }
    Ok(urls)
}

/// An on/off variable, read by the one parser the shim shares ([`policy::switch`]).
fn flag(get: &dyn Fn(&str) -> Option<String>, var: &str, default: bool) -> Result<bool> {
    match get(var) {
        None => Ok(default),
        Some(text) => policy::switch(&text).ok_or_else(|| {
            bad_variable(
                var,
                &text,
                "expected 1 or 0 (also true/false, yes/no, on/off)",
                format!("`export {var}={}`", u8::from(default)),
            )
        }),
    }
}

/// `GOPIN_SOURCE`: a comma-separated list of source names, each at most once.
fn sources(get: &dyn Fn(&str) -> Option<String>) -> Result<Vec<crate::source::Kind>> {
    let Some(value) = get("GOPIN_SOURCE") else {
        return Ok(vec![crate::source::Kind::Index]);
    };
    let mut kinds = Vec::new();
    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match crate::source::Kind::parse(name) {
            Some(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Some(_) => {}
            None => {
                return Err(bad_variable(
                    "GOPIN_SOURCE",
                    &value,
                    &format!("{name:?} is not a source (expected index or goproxy)"),
                    "`export GOPIN_SOURCE=index`, or unset it".to_owned(),
                ));
            }
        }
    }
    if kinds.is_empty() {
        return Err(bad_variable(
            "GOPIN_SOURCE",
            &value,
            "it names no source",
            "`unset GOPIN_SOURCE` to use the index".to_owned(),
        ));
    }
    Ok(kinds)
}

fn sumdb_check(get: &dyn Fn(&str) -> Option<String>) -> Result<SumdbCheck> {
    match get("GOPIN_SUMDB_CHECK").as_deref().map(str::trim) {
        None | Some("auto") => Ok(SumdbCheck::Auto),
        Some("require") => Ok(SumdbCheck::Require),
        Some("off") => Ok(SumdbCheck::Off),
        Some(other) => Err(bad_variable(
            "GOPIN_SUMDB_CHECK",
            other,
            "expected auto, require or off",
            "`export GOPIN_SUMDB_CHECK=auto`, or unset it".to_owned(),
        )),
    }
}

fn number(get: &dyn Fn(&str) -> Option<String>, var: &str, default: u32) -> Result<u32> {
    match get(var) {
        None => Ok(default),
        Some(text) => match text.parse() {
            Ok(n) => Ok(n),
            Err(_) => Err(bad_variable(
                var,
                &text,
                "expected a whole number",
                format!("`export {var}={default}`"),
            )),
        },
    }
}

fn seconds(get: &dyn Fn(&str) -> Option<String>, var: &str, default: u64) -> Result<Duration> {
    match get(var) {
        None => Ok(Duration::from_secs(default)),
        Some(text) => match text.parse::<f64>() {
            Ok(secs) if secs > 0.0 && secs.is_finite() => Ok(Duration::from_secs_f64(secs)),
            _ => Err(bad_variable(
                var,
                &text,
                "expected a number of seconds above 0",
                format!("`export {var}={default}`"),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(&move |key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn sumdb_check_values() {
        let check = |v: &str| config(&[("GOPIN_SUMDB_CHECK", v)]).map(|c| c.sumdb_check);
        assert_eq!(config(&[]).unwrap().sumdb_check, SumdbCheck::Auto);
        assert_eq!(check("auto").unwrap(), SumdbCheck::Auto);
        assert_eq!(check("require").unwrap(), SumdbCheck::Require);
        assert_eq!(check(" off ").unwrap(), SumdbCheck::Off);
        for bad in ["on", "1", "REQUIRE", "require,off"] {
            let error = format!("{:#}", check(bad).unwrap_err());
            assert!(error.contains("GOPIN_SUMDB_CHECK"), "{bad}: {error}");
        }
    }

    #[test]
    fn defaults_and_lists() {
        let c = config(&[]).unwrap();
        assert_eq!(c.index_urls, [DEFAULT_INDEX_URL]);
        assert_eq!(
            (c.offline, c.retries, c.read_timeout),
            (false, 4, Duration::from_secs(30))
        );
        let c = config(&[
            (
                "GOPIN_INDEX_URL",
                "http://127.0.0.1:1/a, file:///tmp/i.json",
            ),
            ("GOPIN_OFFLINE", "1"),
        ])
        .unwrap();
        assert_eq!(c.index_urls, ["http://127.0.0.1:1/a", "file:///tmp/i.json"]);
        assert!(c.offline);
        assert_eq!(
            config(&[("GOPIN_READ_TIMEOUT", "0.5")])
                .unwrap()
                .read_timeout,
            Duration::from_millis(500)
        );
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (var, value) in [
            ("GOPIN_INDEX_URL", "go.dev/dl"),
            ("GOPIN_INDEX_URL", " , "),
            ("GOPIN_OFFLINE", "maybe"),
            ("GOPIN_AUTO_INSTALL", "sometimes"),
            ("GOPIN_RETRIES", "-1"),
            ("GOPIN_CONNECT_TIMEOUT", "0"),
            ("GOPIN_READ_TIMEOUT", "soon"),
            ("GOPIN_INDEX_TIMEOUT", "-5"),
            ("GOPIN_SOURCE", "dl.google.com"),
            ("GOPIN_SOURCE", " , "),
            ("GOPIN_VULNDB_URL", "vuln.go.dev"),
        ] {
            let message =
                crate::error::report_of(&config(&[(var, value)]).unwrap_err()).to_string();
            assert!(message.contains(var), "{message}");
        }
    }
}
