//! Doctor: each index URL and each download URL, timed phase by phase (DNS, TCP connect, TLS
//! handshake, HTTP status), so "it does not download" becomes "the proxy's certificate is not
//! trusted" or "port 443 is filtered". Through a proxy only the whole request can be timed.

use super::{Check, Status};
use crate::ctx::Ctx;
use crate::download::join_url;
use crate::index::Index;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(super) const GROUP: &str = "network";

/// The proxy variables, passwords masked: listing them needs no network, so `--offline` too.
pub fn proxies(checks: &mut Vec<Check>) {
    for variable in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        if let Ok(value) = std::env::var(variable)
            && !value.is_empty()
        {
            checks.push(Check::new(
                GROUP,
                "network.proxy",
                Status::Info,
                format!("{variable}={}", mask_password(&value)),
            ));
        }
    }
}

/// The index and download URLs, probed; returns whether some index URL answered.
pub fn check(ctx: &Ctx, checks: &mut Vec<Check>) -> bool {
    let mut index: Option<Index> = None;
    let mut index_checks = Vec::new();
    for url in &ctx.config.index_urls {
        let probed = probe(
            ctx,
            "network.index",
            "index",
            "GOPIN_INDEX_URL",
            url,
            Ask::Body,
        );
        if index.is_none() {
            index = probed.body.and_then(|b| Index::parse(&b).ok());
        }
        index_checks.push(probed.check);
    }
    let answered = index_checks.iter().any(|c| c.status == Status::Pass);
    settle(
        &mut index_checks,
        "the download index is unreachable at every GOPIN_INDEX_URL",
    );
    checks.extend(index_checks);

    // A real archive name makes the download check meaningful: a folder URL often answers 403.
    // When the index is unreachable now, any cached copy still names a real archive.
    let index = index.or_else(|| {
        crate::index::cache::all_cached(&ctx.root)
            .into_iter()
            .next()
    });
    let sample = index.as_ref().and_then(|i| {
        i.available(&ctx.platform)
            .into_iter()
            .rfind(|a| a.release.stable)
            .map(|a| a.archive.filename.clone())
    });
    let mut download_checks = Vec::new();
    for base in &ctx.config.download_urls {
        let url = sample
            .as_deref()
            .map_or_else(|| base.clone(), |name| join_url(base, name));
        // Without an archive name only the folder can be asked; any HTTP answer shows it is there.
        let ask = if sample.is_some() {
            Ask::Head
        } else {
            Ask::AnyAnswer
        };
        let probed = probe(
            ctx,
            "network.download",
            "download",
            "GOPIN_DOWNLOAD_URL",
            &url,
            ask,
        );
        download_checks.push(probed.check);
    }
    settle(
        &mut download_checks,
        "every GOPIN_DOWNLOAD_URL is unreachable",
    );
    checks.extend(download_checks);
    answered
}

/// When one URL of a list works, the others failing is only a warning: failover covers it.
fn settle(checks: &mut [Check], all_failed: &str) {
    if checks.iter().any(|c| c.status == Status::Pass) {
        for check in checks.iter_mut().filter(|c| c.status == Status::Fail) {
            check.status = Status::Warn;
        }
    } else if let Some(first) = checks.first_mut() {
        first.evidence.insert(0, all_failed.to_owned());
    }
}

/// What a probe asks of the server.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ask {
    /// GET, a success status, and keep the body.
    Body,
    /// HEAD and a success status.
    Head,
    /// HEAD; any HTTP status counts (a folder URL often answers 403 or 404).
    AnyAnswer,
}

/// What a probe found.
pub(super) struct Probed {
    pub check: Check,
    /// The body, when asked for and the answer was a success.
    pub body: Option<Vec<u8>>,
    /// The answer was "not found": 404, 410, or no such file under a `file://` URL (the
    /// answers after which a GOPROXY list passes on even after `,`).
    pub not_found: bool,
}

/// Probes one URL, timing DNS, connect, TLS and HTTP apart; `what` starts the summary and
/// `setting` is the variable a hint tells to change.
pub(super) fn probe(
    ctx: &Ctx,
    id: &'static str,
    what: &str,
    setting: &str,
    url: &str,
    ask: Ask,
) -> Probed {
    let want_body = ask == Ask::Body;
    let done = |check: Check, body: Option<Vec<u8>>| Probed {
        check,
        body,
        not_found: false,
    };
    if let Some(path) = url.strip_prefix("file://") {
        let path = crate::http::file_url_path(url).unwrap_or_else(|_| path.into());
        let cap = crate::document::MAX_BYTES;
        return match gopin_shim::small_file::read_bytes(&path, cap) {
            Ok(Some(bytes)) => done(
                Check::new(GROUP, id, Status::Pass, format!("{what} {url}: readable")),
                Some(bytes),
            ),
            Ok(None) if path.is_dir() => done(
                Check::new(
                    GROUP,
                    id,
                    Status::Pass,
                    format!("{what} {url}: folder exists"),
                ),
                None,
            ),
            result => Probed {
                check: Check::new(
                    GROUP,
                    id,
                    Status::Fail,
                    format!("{what} {url}: cannot read it"),
                )
                .evidence(match &result {
                    Err(e) => e.to_string(),
                    _ => "it does not exist".to_owned(),
                })
                .hint(format!("check the path, or set {setting}")),
                body: None,
                not_found: matches!(result, Ok(None)),
            },
        };
    }
    let mut phases: Vec<String> = Vec::new();
    let fail = |phases: Vec<String>, why: String, hint: String| {
        let mut check = Check::new(GROUP, id, Status::Fail, format!("{what} {url}: {why}"));
        for phase in phases {
            check = check.evidence(phase);
        }
        done(check.hint(hint), None)
    };
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return fail(
            phases,
            "not a valid URL".to_owned(),
            format!("fix {setting}"),
        );
    };
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_owned();
    let port = parsed.port_or_known_default().unwrap_or(443);
    let proxied = uses_proxy(&parsed);
    if !proxied {
        let started = Instant::now();
        let addrs: Vec<_> = match (host.as_str(), port).to_socket_addrs() {
            Ok(addrs) => addrs.collect(),
            Err(e) => {
                return fail(
                    phases,
                    format!("DNS lookup of {host} failed"),
                    format!("check DNS: `getent hosts {host}` ({e})"),
                );
            }
        };
        phases.push(format!(
            "dns      {:>7}  {host} -> {}",
            ms(started.elapsed()),
            addrs
                .first()
                .map_or_else(String::new, |a| a.ip().to_string())
        ));
        let started = Instant::now();
        let tcp = match addrs
            .iter()
            .find_map(|a| TcpStream::connect_timeout(a, ctx.config.connect_timeout).ok())
        {
            Some(tcp) => tcp,
            None => {
                return fail(
                    phases,
                    format!("cannot connect to {host}:{port}"),
                    "check the network, a firewall, or set HTTPS_PROXY".to_owned(),
                );
            }
        };
        phases.push(format!(
            "connect  {:>7}  {host}:{port}",
            ms(started.elapsed())
        ));
        if parsed.scheme() == "https" {
            let started = Instant::now();
            match handshake(tcp, &host, ctx.config.read_timeout) {
                Ok(version) => {
                    phases.push(format!("tls      {:>7}  {version}", ms(started.elapsed())))
                }
                Err(why) => {
                    return fail(
                        phases,
                        format!("TLS handshake failed: {why}"),
                        crate::retry::CERTIFICATE_HINT.to_owned(),
                    );
                }
            }
        }
    } else {
        phases.push("through the proxy: DNS, connect and TLS are the proxy's".to_owned());
    }
    let started = Instant::now();
    let client = match ctx.client() {
        Ok(client) => client,
        Err(e) => {
            return fail(
                phases,
                format!("{e:#}"),
                "check SSL_CERT_FILE and the proxy variables".to_owned(),
            );
        }
    };
    let request = if want_body {
        client.get(url)
    } else {
        client.head(url)
    };
    match request.send() {
        Ok(mut response) => {
            let status = response.status();
            let mut body = Vec::new();
            if want_body && status.is_success() {
                let declared = response.content_length();
                let deadline = Instant::now() + ctx.config.index_timeout;
                let cap = crate::document::MAX_BYTES;
                body = crate::http::read_body(&mut response, declared, cap, deadline)
                    .unwrap_or_default();
            }
            phases.push(format!("http     {:>7}  {status}", ms(started.elapsed())));
            if status.is_success() || ask == Ask::AnyAnswer {
                let mut check =
                    Check::new(GROUP, id, Status::Pass, format!("{what} {url}: {status}"));
                for phase in phases {
                    check = check.evidence(phase);
                }
                done(check, want_body.then_some(body))
            } else {
                Probed {
                    not_found: matches!(status.as_u16(), 404 | 410),
                    ..fail(
                        phases,
                        format!("HTTP {status}"),
                        format!("check the URL, or set {setting} to a mirror"),
                    )
                }
            }
        }
        Err(e) => {
            let why = crate::http::describe(&e);
            let hint = if crate::http::is_certificate_error(&e) {
                crate::retry::CERTIFICATE_HINT.to_owned()
            } else {
                "check the network and the proxy variables".to_owned()
            };
            fail(phases, why, hint)
        }
    }
}

/// A TLS handshake with the same trust as downloads (bundled roots plus the system store,
/// which honours SSL_CERT_FILE); returns the protocol version.
fn handshake(mut tcp: TcpStream, host: &str, timeout: Duration) -> Result<String, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name =
        rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    let mut connection =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    while connection.is_handshaking() {
        connection
            .complete_io(&mut tcp)
            .map_err(|e| e.to_string())?;
    }
    Ok(connection
        .protocol_version()
        .map_or_else(|| "TLS".to_owned(), |v| format!("{v:?}")))
}

/// True when reqwest would send this URL through a proxy from the environment.
fn uses_proxy(url: &reqwest::Url) -> bool {
    let get = |name: &str| {
        std::env::var(name)
            .ok()
            .or_else(|| std::env::var(name.to_ascii_lowercase()).ok())
            .filter(|v| !v.is_empty())
    };
    let proxy = match url.scheme() {
        "https" => get("HTTPS_PROXY"),
        _ => get("HTTP_PROXY"),
    }
    .or_else(|| get("ALL_PROXY"));
    if proxy.is_none() {
        return false;
    }
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let excluded = get("NO_PROXY").is_some_and(|list| {
        list.split(',')
            .map(str::trim)
            .any(|entry| no_proxy_matches(entry, host))
    });
    !excluded
}

/// One NO_PROXY entry against a host: `*`, a domain (with or without a leading dot, matching
/// subdomains), an IP address, or an IP range in CIDR form, as reqwest reads them.
fn no_proxy_matches(entry: &str, host: &str) -> bool {
    if entry.is_empty() {
        return false;
    }
    if entry == "*" {
        return true;
    }
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        let (network, bits) = match entry.split_once('/') {
            Some((network, bits)) => (network, bits.parse::<u32>().ok()),
            None => (entry, None),
        };
        let Ok(network) = network.trim_matches(['[', ']']).parse::<std::net::IpAddr>() else {
            return false;
        };
        return match (ip, network) {
            (std::net::IpAddr::V4(a), std::net::IpAddr::V4(b)) => {
                prefix_equal(&a.octets(), &b.octets(), bits.unwrap_or(32))
            }
            (std::net::IpAddr::V6(a), std::net::IpAddr::V6(b)) => {
                prefix_equal(&a.octets(), &b.octets(), bits.unwrap_or(128))
            }
            _ => false,
        };
    }
    let domain = entry.trim_start_matches('.');
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The first `bits` bits of two addresses agree.
fn prefix_equal(a: &[u8], b: &[u8], bits: u32) -> bool {
    let bits = (bits as usize).min(a.len() * 8);
    let (whole, rest) = (bits / 8, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

/// `http://user:secret@proxy:3128` -> `http://user:***@proxy:3128`; also without a scheme
/// (`user:secret@proxy:3128`), which clients accept too.
pub fn mask_password(value: &str) -> String {
    let (scheme, rest) = match value.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), value),
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return value.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}{user}:***@{host}"),
        None => value.to_owned(),
    }
}

pub(super) fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_proxy_entries() {
        let rows = [
            ("*", "go.dev", true),
            ("go.dev", "go.dev", true),
            (".go.dev", "dl.go.dev", true),
            ("go.dev", "notgo.dev", false),
            ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.0/8", "127.0.0.1", true),
            ("10.0.0.0/8", "127.0.0.1", false),
            ("192.168.1.0/24", "192.168.1.77", true),
            ("::1", "::1", true),
            ("::/0", "::1", true),
            ("localhost", "127.0.0.1", false),
            ("", "go.dev", false),
        ];
        for (entry, host, want) in rows {
            assert_eq!(no_proxy_matches(entry, host), want, "{entry} vs {host}");
        }
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("http://ana:s3cret@proxy:3128"),
            "http://ana:***@proxy:3128"
        );
        assert_eq!(
            mask_password("http://ana@proxy:3128"),
            "http://ana@proxy:3128"
        );
        assert_eq!(mask_password("http://proxy:3128"), "http://proxy:3128");
        assert_eq!(mask_password("http://a:b:c@p@q:1"), "http://a:***@q:1");
        assert_eq!(mask_password("localhost,.corp"), "localhost,.corp");
        assert_eq!(
            mask_password("ana:s3cret@127.0.0.1:9"),
            "ana:***@127.0.0.1:9"
        );
    }
}
