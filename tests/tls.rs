//! gopin over https, end to end: `gopin list-remote` run as a real process against the
//! loopback [`TlsServer`] proxy in front of a plain [`TestServer`].
//!
//! It proves: that a certificate from an unknown CA fails at once (no retries, nothing reaches
//! the server) with an error naming the URL and the certificate problem and a hint naming
//! `SSL_CERT_FILE`; that `SSL_CERT_FILE` pointing at the CA makes it trusted; that a redirect
//! from https to http is refused before the http server is asked; and that a redirect from
//! https to https is followed. Nothing here contacts anything but 127.0.0.1.

mod support;

use std::path::Path;
use std::process::Command;
use support::harness::{Run, Scenario};
use support::http_server::{Fault, TestServer};
use support::tls_server::TlsServer;

const INDEX_2020: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/go-dl-index-2020.json"
);

/// What `list-remote 1.13 --os linux --arch amd64` prints for the 2020 index.
const GO_1_13: &str =
    "go1.13\ngo1.13.1\ngo1.13.2\ngo1.13.3\ngo1.13.4\ngo1.13.5\ngo1.13.6\ngo1.13.7\ngo1.13.8\n";

/// Where the test servers serve the index.
const DL: &str = "/dl.json";

impl Run {
    /// The `retrying ...` lines on stderr.
    fn retries(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("retrying"))
            .collect()
    }
}

/// `gopin list-remote 1.13 --os linux --arch amd64` in a fresh `GOPIN_HOME`, trusting `ca`
/// through `SSL_CERT_FILE` when given (the harness removes every other trust store and proxy).
fn list_remote(home: &Path, url: &str, ca: Option<&Path>) -> Run {
    scenario(home, ca).env("GOPIN_INDEX_URL", url).run(&[
        "list-remote",
        "1.13",
        "--os",
        "linux",
        "--arch",
        "amd64",
    ])
}

/// A fresh `GOPIN_HOME` as root and working directory, short timeouts, and `ca` trusted
/// through `SSL_CERT_FILE` when given.
fn scenario(home: &Path, ca: Option<&Path>) -> Scenario {
    let scenario = Scenario::new(home, home)
        .env("GOPIN_CONNECT_TIMEOUT", "5")
        .env("GOPIN_READ_TIMEOUT", "10");
    match ca {
        Some(ca) => scenario.env("SSL_CERT_FILE", ca),
        None => scenario,
    }
}

/// A plain server with the 2020 index at [`DL`], and the TLS proxy in front of it.
fn serving_2020_over_tls() -> (TestServer, TlsServer) {
    let backend = TestServer::start();
    backend.add_file(DL, std::fs::read(INDEX_2020).unwrap());
    let tls = TlsServer::start(backend.port());
    (backend, tls)
}

#[test]
fn untrusted_certificate_fails_with_a_hint_naming_ssl_cert_file() {
    let (backend, tls) = serving_2020_over_tls();
    let home = tempfile::tempdir().unwrap();
    let url = format!("{}{DL}", tls.url());

    let run = list_remote(home.path(), &url, None);
    run.assert_code(1);
    assert_eq!(run.stdout, "", "a failure prints no data");
    let error_and_details: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("hint:"))
        .collect();
    assert!(
        error_and_details
            .iter()
            .any(|l| l.contains(&url) && l.to_lowercase().contains("certificate")),
        "the error names the URL and the certificate problem:\n{}",
        run.stderr
    );
    assert_eq!(
        run.retries(),
        Vec::<&str>::new(),
        "a certificate error is not retried:\n{}",
        run.stderr
    );
    assert!(
        backend.requests().is_empty(),
        "the handshake failed, so no request got through"
    );
    let hint = run.stderr.lines().last().unwrap_or_default();
    assert!(
        hint.starts_with("hint:") && hint.contains("SSL_CERT_FILE"),
        "the final hint names SSL_CERT_FILE:\n{}",
        run.stderr
    );
}

#[test]
fn ssl_cert_file_makes_the_ca_trusted() {
    let (backend, tls) = serving_2020_over_tls();
    let home = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let ca = tls.write_ca_pem(certs.path());
    assert_eq!(std::fs::read_to_string(&ca).unwrap(), tls.ca_pem());

    let run = list_remote(home.path(), &format!("{}{DL}", tls.url()), Some(&ca));
    run.assert_code(0);
    assert_eq!(run.stdout, GO_1_13);
    assert_eq!(run.stderr, "");
    assert_eq!(backend.requests_for(DL).len(), 1);
}

#[test]
fn https_to_http_redirect_is_refused() {
    let plain = TestServer::start();
    plain.add_file(DL, std::fs::read(INDEX_2020).unwrap());
    let backend = TestServer::start();
    let target = plain.url_for(DL);
    backend.add_fault(
        DL,
        Fault::Redirect {
            code: 302,
            location: target.clone(),
        },
    );
    let tls = TlsServer::start(backend.port());
    let home = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let ca = tls.write_ca_pem(certs.path());

    let run = list_remote(home.path(), &format!("{}{DL}", tls.url()), Some(&ca));
    run.assert_code(1);
    assert_eq!(run.stdout, "", "a failure prints no data");
    assert!(
        run.stderr
            .contains(&format!("refused a redirect from https to {target}")),
        "the error says the redirect to http was refused:\n{}",
        run.stderr
    );
    assert_eq!(
        run.retries(),
        Vec::<&str>::new(),
        "a refused redirect is not retried:\n{}",
        run.stderr
    );
    assert_eq!(backend.requests_for(DL).len(), 1);
    assert!(
        plain.requests().is_empty(),
        "the http server was never asked: {:?}",
        plain.requests()
    );
}

#[test]
fn https_to_https_redirect_is_followed() {
    const MOVED: &str = "/moved/dl.json";
    let backend = TestServer::start();
    backend.add_file(MOVED, std::fs::read(INDEX_2020).unwrap());
    let tls = TlsServer::start(backend.port());
    backend.add_fault(
        DL,
        Fault::Redirect {
            code: 302,
            location: format!("{}{MOVED}", tls.url()),
        },
    );
    let home = tempfile::tempdir().unwrap();
    let certs = tempfile::tempdir().unwrap();
    let ca = tls.write_ca_pem(certs.path());

    let run = list_remote(home.path(), &format!("{}{DL}", tls.url()), Some(&ca));
    run.assert_code(0);
    assert_eq!(run.stdout, GO_1_13);
    assert_eq!(backend.requests_for(DL).len(), 1);
    assert_eq!(backend.requests_for(MOVED).len(), 1);
}

/// `gopin install` downloading its archive over https, with the index served over plain http
/// (so only the archive's transfer meets the certificate).
mod install_over_https {
    use super::support::fake_go::{FakeRelease, index_json};
    use super::*;

    const ARCHIVES: &str = "/dl/";

    /// A plain server with the index at [`DL`] and go1.22.4's archive under [`ARCHIVES`], and
    /// the TLS proxy in front of it.
    fn serving_a_release() -> (TestServer, TlsServer, FakeRelease) {
        let release = FakeRelease::new("go1.22.4", 3, 1000);
        let backend = TestServer::start();
        backend.add_file(DL, index_json(&[&release]));
        backend.add_file(
            &format!("{ARCHIVES}{}", release.filename),
            release.bytes.clone(),
        );
        let tls = TlsServer::start(backend.port());
        (backend, tls, release)
    }

    /// `gopin install 1.22.4` in a fresh `GOPIN_HOME`, with a clean environment as in
    /// [`list_remote`].
    fn install(home: &Path, index_url: &str, download_url: &str, ca: Option<&Path>) -> Run {
        scenario(home, ca)
            .env("GOPIN_INDEX_URL", index_url)
            .env("GOPIN_DOWNLOAD_URL", download_url)
            .run(&["install", "1.22.4"])
    }

    #[test]
    fn untrusted_certificate_fails_the_download_with_a_hint_naming_ssl_cert_file() {
        let (backend, tls, release) = serving_a_release();
        let home = tempfile::tempdir().unwrap();
        let archive_path = format!("{ARCHIVES}{}", release.filename);
        let archive_url = format!("{}{archive_path}", tls.url());

        let run = install(
            home.path(),
            &backend.url_for(DL),
            &format!("{}{ARCHIVES}", tls.url()),
            None,
        );
        run.assert_code(1);
        assert_eq!(run.stdout, "");
        assert_eq!(
            backend.requests_for(DL).len(),
            1,
            "the index came over plain http"
        );
        let error_and_details: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| !l.starts_with("hint:"))
            .collect();
        assert!(
            error_and_details
                .iter()
                .any(|l| l.contains(&archive_url) && l.to_lowercase().contains("certificate")),
            "the error names the archive's URL and the certificate problem:\n{}",
            run.stderr
        );
        assert_eq!(
            run.retries(),
            Vec::<&str>::new(),
            "a certificate error is not retried:\n{}",
            run.stderr
        );
        let hint = run.stderr.lines().last().unwrap_or_default();
        assert!(
            hint.starts_with("hint:") && hint.contains("SSL_CERT_FILE"),
            "the final hint names SSL_CERT_FILE:\n{}",
            run.stderr
        );
        assert!(
            backend.requests_for(&archive_path).is_empty(),
            "the handshake failed, so no archive request got through"
        );
        assert!(!home.path().join("versions/go1.22.4").exists());
    }

    #[test]
    fn ssl_cert_file_lets_the_download_through() {
        let (backend, tls, release) = serving_a_release();
        let home = tempfile::tempdir().unwrap();
        let certs = tempfile::tempdir().unwrap();
        let ca = tls.write_ca_pem(certs.path());

        let run = install(
            home.path(),
            &backend.url_for(DL),
            &format!("{}{ARCHIVES}", tls.url()),
            Some(&ca),
        );
        run.assert_code(0);
        assert_eq!(run.retries(), Vec::<&str>::new(), "{}", run.stderr);
        let archive_path = format!("{ARCHIVES}{}", release.filename);
        assert_eq!(backend.requests_for(&archive_path).len(), 1);
        let go = home.path().join("versions/go1.22.4/bin/go");
        let out = Command::new(&go).output().unwrap();
        assert!(
            String::from_utf8(out.stdout)
                .unwrap()
                .starts_with("go version go1.22.4 "),
            "the downloaded release is installed"
        );
        assert_eq!(
            std::fs::read(home.path().join("downloads").join(&release.filename)).unwrap(),
            release.bytes
        );
    }

    #[test]
    fn an_archive_redirect_from_https_to_http_is_refused() {
        let (backend, tls, release) = serving_a_release();
        let archive_path = format!("{ARCHIVES}{}", release.filename);
        let plain = TestServer::start();
        plain.add_file(&archive_path, release.bytes.clone());
        let target = plain.url_for(&archive_path);
        backend.add_fault(
            &archive_path,
            Fault::Redirect {
                code: 302,
                location: target.clone(),
            },
        );
        let home = tempfile::tempdir().unwrap();
        let certs = tempfile::tempdir().unwrap();
        let ca = tls.write_ca_pem(certs.path());

        let run = install(
            home.path(),
            &backend.url_for(DL),
            &format!("{}{ARCHIVES}", tls.url()),
            Some(&ca),
        );
        run.assert_code(1);
        assert_eq!(run.stdout, "");
        assert!(
            run.stderr
                .contains(&format!("refused a redirect from https to {target}")),
            "the error says the redirect to http was refused:\n{}",
            run.stderr
        );
        assert_eq!(
            run.retries(),
            Vec::<&str>::new(),
            "a refused redirect is not retried:\n{}",
            run.stderr
        );
        assert_eq!(backend.requests_for(&archive_path).len(), 1);
        assert!(
            plain.requests().is_empty(),
            "the http server was never asked: {:?}",
            plain.requests()
        );
        assert!(!home.path().join("versions/go1.22.4").exists());
    }
}
