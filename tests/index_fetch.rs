//! Getting the Go download index, end to end: `gopin list-remote` run as a real process
//! against a `file://` copy and against the loopback [`TestServer`], with the server's
//! request log as the witness of what went over the wire.
//!
//! It proves: what the listing prints (plain and `--json`); that a fresh cache costs no
//! request and a stale one a conditional request answered 304 (or 200 with new content);
//! that transient failures (refused connections, 503, short bodies, stalls) are retried and
//! permanent ones (404) move on to the next URL at once; that `GOPIN_OFFLINE=1` never asks the
//! network; that a stale cache beats no index, with a warning; that a malformed index, a
//! closed stdout and bad variables are each handled the way a person at a terminal expects.
//! Nothing here contacts anything but 127.0.0.1 and `file://`.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::harness::{Run, Scenario};
use support::http_server::{Fault, LAST_MODIFIED, TestServer, etag_of};

const INDEX_2020: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/go-dl-index-2020.json"
);

/// What `list-remote 1.13 --os linux --arch amd64` prints for the 2020 index.
const GO_1_13: [&str; 9] = [
    "go1.13", "go1.13.1", "go1.13.2", "go1.13.3", "go1.13.4", "go1.13.5", "go1.13.6", "go1.13.7",
    "go1.13.8",
];

/// Where the test server serves the index.
const DL: &str = "/dl.json";

/// Older than `FRESH_SECS` (an hour), and shown as "2 h" in the stale-cache warning.
const TWO_HOURS: u64 = 2 * 3600 + 100;

fn index_2020() -> Vec<u8> {
    std::fs::read(INDEX_2020).unwrap()
}

fn go_1_13_lines() -> String {
    GO_1_13.iter().map(|v| format!("{v}\n")).collect()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A small index: each version stable, with a linux-amd64 archive.
fn small_index(versions: &[&str]) -> String {
    let releases: Vec<Value> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::json!({
                "version": v,
                "stable": true,
                "files": [{
                    "filename": format!("{v}.linux-amd64.tar.gz"),
                    "os": "linux",
                    "arch": "amd64",
                    "version": v,
                    "sha256": format!("{i:064x}"),
                    "size": 1000 + i,
                    "kind": "archive",
                }],
            })
        })
        .collect();
    serde_json::to_string(&releases).unwrap()
}

/// A temporary `GOPIN_HOME`.
struct Home {
    dir: tempfile::TempDir,
}

impl Run {
    /// Panics with the whole output unless the run succeeded.
    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics with the whole output unless the run failed with exit code 1 and no data.
    fn failed(self) -> Run {
        assert_eq!(
            self.code, 1,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        assert_eq!(self.stdout, "", "a failure prints no data");
        self
    }

    /// The `retrying ...` lines on stderr.
    fn retries(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("retrying the index from "))
            .collect()
    }
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// `gopin list-remote ARGS --os linux --arch amd64` with this root and index URL list, in
    /// an environment cleaned of anything that could change the outcome. A plain std
    /// `Command`, so the broken-pipe test can spawn it with piped output too.
    fn list_remote(&self, index_url: &str, args: &[&str]) -> Command {
        let mut cmd = Scenario::new(self.dir.path(), self.dir.path())
            .env("GOPIN_INDEX_URL", index_url)
            .env("GOPIN_CONNECT_TIMEOUT", "5")
            .env("GOPIN_READ_TIMEOUT", "10")
            .gopin(&["list-remote"]);
        cmd.args(args).args(["--os", "linux", "--arch", "amd64"]);
        cmd
    }

    fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The `.meta.json` files in the cache, sorted.
    fn meta_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.cache_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".meta.json"))
            .collect();
        files.sort();
        files
    }

    /// The one cache entry's metadata file.
    fn meta_path(&self) -> PathBuf {
        let files = self.meta_files();
        assert_eq!(files.len(), 1, "one cached index expected: {files:?}");
        files.into_iter().next().unwrap()
    }

    fn meta(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.meta_path()).unwrap()).unwrap()
    }

    /// The one cache entry's body.
    fn cached_body(&self) -> Vec<u8> {
        let meta = self.meta_path().to_string_lossy().into_owned();
        let body = meta.strip_suffix(".meta.json").unwrap().to_owned() + ".json";
        std::fs::read(body).unwrap()
    }

    /// Makes the cached copy look `secs` older.
    fn age_cache(&self, secs: u64) {
        let mut meta = self.meta();
        let fetched_at = meta["fetched_at"].as_u64().unwrap();
        meta["fetched_at"] = (fetched_at - secs).into();
        std::fs::write(self.meta_path(), serde_json::to_vec(&meta).unwrap()).unwrap();
    }
}

/// The URL of a server that has been stopped: connecting to it is refused.
fn refused_url() -> String {
    let dead = TestServer::start();
    dead.stop();
    dead.url_for(DL)
}

/// A server with the 2020 index at [`DL`].
fn serving_2020() -> TestServer {
    let server = TestServer::start();
    server.add_file(DL, index_2020());
    server
}

#[test]
fn file_index_lists_releases_plain_and_as_json() {
    let home = Home::new();
    let url = format!("file://{INDEX_2020}");

    let line = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(line.stdout, go_1_13_lines());
    assert_eq!(line.stderr, "");

    let all = Run::of(&mut home.list_remote(&url, &[])).ok();
    let lines: Vec<&str> = all.stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"go1.2.2"), "oldest first");
    assert_eq!(lines.last(), Some(&"go1.14"), "newest last");
    assert!(!lines.contains(&"go1"), "bootstrap tarballs are not listed");
    let at = lines.iter().position(|l| *l == "go1.13").unwrap();
    assert_eq!(lines[at..at + GO_1_13.len()], GO_1_13);

    let json = Run::of(&mut home.list_remote(&url, &["1.13", "--json"])).ok();
    let items: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(items.len(), GO_1_13.len());
    for (item, version) in items.iter().zip(GO_1_13) {
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "version",
                "stable",
                "installed",
                "filename",
                "size",
                "sha256"
            ]
        );
        assert_eq!(item["version"], version);
        assert_eq!(item["stable"], true);
        assert_eq!(item["installed"], false);
        assert_eq!(item["filename"], format!("{version}.linux-amd64.tar.gz"));
        assert!(item["size"].as_u64().unwrap() > 100_000_000, "{item}");
        let sha = item["sha256"].as_str().unwrap();
        assert!(
            sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{item}"
        );
    }
    assert_eq!(
        items[8]["sha256"],
        "0567734d558aef19112f2b2873caa0c600f1b4a5827930eb5a7f35235219e9d8"
    );

    let exact = Run::of(&mut home.list_remote(&url, &["1.13.8"])).ok();
    assert_eq!(exact.stdout, "go1.13.8\n");
}

#[test]
fn http_index_is_cached_for_an_hour_then_revalidated_with_304() {
    let home = Home::new();
    let server = serving_2020();
    let url = server.url_for(DL);
    let body = index_2020();

    let before = now_secs();
    let first = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(first.stdout, go_1_13_lines());
    assert_eq!(first.stderr, "");
    let requests = server.requests_for(DL);
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[0].header("if-modified-since"), None);
    let meta = home.meta();
    assert_eq!(meta["url"], url.as_str());
    assert_eq!(meta["etag"], etag_of(&body).as_str());
    assert_eq!(meta["last_modified"], LAST_MODIFIED);
    let fetched_at = meta["fetched_at"].as_u64().unwrap();
    assert!((before..=now_secs()).contains(&fetched_at), "{meta}");
    assert_eq!(home.cached_body(), body);

    let second = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(second.stdout, go_1_13_lines());
    assert_eq!(server.requests().len(), 1, "a fresh cache needs no request");

    home.age_cache(TWO_HOURS);
    let before = now_secs();
    let third = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(third.stdout, go_1_13_lines());
    assert_eq!(third.stderr, "");
    let requests = server.requests_for(DL);
    assert_eq!(requests.len(), 2, "a stale cache is revalidated once");
    assert_eq!(
        requests[1].header("if-none-match"),
        Some(etag_of(&body).as_str())
    );
    assert_eq!(requests[1].header("if-modified-since"), Some(LAST_MODIFIED));
    let meta = home.meta();
    let refreshed = meta["fetched_at"].as_u64().unwrap();
    assert!(refreshed >= before, "304 refreshes fetched_at: {meta}");
    assert_eq!(meta["etag"], etag_of(&body).as_str());
    assert_eq!(home.cached_body(), body);

    // Confirmed current again: the next run asks nothing.
    Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn changed_index_is_fetched_when_the_cache_is_stale() {
    let home = Home::new();
    let server = serving_2020();
    let url = server.url_for(DL);
    Run::of(&mut home.list_remote(&url, &["1.13"])).ok();

    let new = small_index(&["go1.22.0", "go1.22.1"]);
    server.add_file(DL, new.clone());
    // Within the hour the old copy is still trusted.
    let cached = Run::of(&mut home.list_remote(&url, &["1.22"])).ok();
    assert_eq!(cached.stdout, "");
    assert_eq!(server.requests().len(), 1);

    home.age_cache(TWO_HOURS);
    let fetched = Run::of(&mut home.list_remote(&url, &[])).ok();
    assert_eq!(fetched.stdout, "go1.22.0\ngo1.22.1\n");
    assert_eq!(fetched.stderr, "");
    let requests = server.requests_for(DL);
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].header("if-none-match"),
        Some(etag_of(&index_2020()).as_str()),
        "the request was conditional on the old copy"
    );
    assert_eq!(home.meta()["etag"], etag_of(new.as_bytes()).as_str());
    assert_eq!(home.cached_body(), new.as_bytes());

    // The new copy is what is cached now.
    let again = Run::of(&mut home.list_remote(&url, &["1.22"])).ok();
    assert_eq!(again.stdout, "go1.22.0\ngo1.22.1\n");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn unreachable_index_is_retried_then_reported() {
    let home = Home::new();
    let url = refused_url();
    let failed = Run::of(home.list_remote(&url, &["1.13"]).env("GOPIN_RETRIES", "2")).failed();
    let stderr = &failed.stderr;
    // The retry messages come first, then the report: error, one detail per URL, hint.
    let report: Vec<&str> = stderr
        .lines()
        .skip_while(|l| l.starts_with("retrying "))
        .collect();
    assert_eq!(report.len(), 3, "{stderr}");
    assert_eq!(report[0], "error: cannot get the Go download index");
    let detail = report[1];
    assert!(detail.starts_with(&format!("  {url}: ")), "{stderr}");
    assert!(
        detail.to_ascii_lowercase().contains("connection refused"),
        "{stderr}"
    );
    assert!(detail.contains("(3 tries over "), "{stderr}");
    assert!(report[2].starts_with("hint: "), "{stderr}");
    assert_eq!(failed.retries().len(), 2, "{stderr}");
    assert!(
        failed
            .retries()
            .iter()
            .all(|l| l.starts_with(&format!("retrying the index from {url} in "))),
        "{stderr}"
    );
    assert!(home.meta_files().is_empty(), "nothing to cache");
}

#[test]
fn failover_to_the_next_url() {
    let home = Home::new();
    let dead = refused_url();
    let server = serving_2020();
    let live = server.url_for(DL);
    let urls = format!("{dead},{live}");
    let listed = Run::of(home.list_remote(&urls, &["1.13"]).env("GOPIN_RETRIES", "1")).ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(server.requests_for(DL).len(), 1);
    assert_eq!(listed.retries().len(), 1, "{}", listed.stderr);
    assert!(listed.retries()[0].contains(&dead), "{}", listed.stderr);
    assert!(!listed.stderr.contains("warning:"), "{}", listed.stderr);
    // The first URL gave no index: only the second one is cached.
    assert_eq!(home.meta()["url"], live.as_str());
}

#[test]
fn transient_status_is_retried_until_it_succeeds() {
    let home = Home::new();
    let server = serving_2020();
    let url = server.url_for(DL);
    for _ in 0..2 {
        server.add_fault(
            DL,
            Fault::Status {
                code: 503,
                retry_after: Some("0".into()),
            },
        );
    }
    let listed = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(server.requests_for(DL).len(), 3);
    // Retry-After: 0 is honoured (the backoff alone would wait at least 0.25 s).
    let expected = format!("retrying the index from {url} in 0.0 s: HTTP 503 Service Unavailable");
    assert_eq!(
        listed.retries(),
        [expected.as_str(); 2],
        "{}",
        listed.stderr
    );
}

#[test]
fn not_found_is_permanent_and_moves_to_the_next_url() {
    let home = Home::new();
    let server = serving_2020();
    let missing = server.url_for("/missing.json");
    let urls = format!("{missing},{}", server.url_for(DL));
    let listed = Run::of(home.list_remote(&urls, &["1.13"]).env("GOPIN_RETRIES", "4")).ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/missing.json", DL]);
    assert!(listed.retries().is_empty(), "{}", listed.stderr);

    // Alone, the 404 is the error, after a single try.
    let failed = Run::of(
        home.list_remote(&missing, &["1.13"])
            .env("GOPIN_RETRIES", "4"),
    )
    .failed();
    assert!(
        failed
            .stderr
            .contains(&format!("\n  {missing}: HTTP 404 Not Found\n")),
        "{}",
        failed.stderr
    );
    assert!(!failed.stderr.contains("tries"), "{}", failed.stderr);
    assert_eq!(server.requests_for("/missing.json").len(), 2);
}

#[test]
fn offline_uses_only_the_cache() {
    let home = Home::new();
    let server = serving_2020();
    let url = server.url_for(DL);

    let empty = Run::of(home.list_remote(&url, &["1.13"]).env("GOPIN_OFFLINE", "1")).failed();
    assert!(
        empty
            .stderr
            .starts_with("error: cannot get the Go download index\n"),
        "{}",
        empty.stderr
    );
    assert!(
        empty.stderr.contains(&format!(
            "  {url}: no cached copy, and GOPIN_OFFLINE=1 forbids fetching it\n"
        )),
        "{}",
        empty.stderr
    );
    assert!(empty.stderr.contains("\nhint: "), "{}", empty.stderr);
    assert!(server.requests().is_empty(), "offline never asks");

    Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(server.requests().len(), 1);

    // Even a stale copy is used as is, without revalidation.
    home.age_cache(TWO_HOURS);
    let stale = Run::of(home.list_remote(&url, &["1.13"]).env("GOPIN_OFFLINE", "1")).ok();
    assert_eq!(stale.stdout, go_1_13_lines());
    assert_eq!(stale.stderr, "");
    assert_eq!(server.requests().len(), 1);

    server.stop();
    let stopped = Run::of(home.list_remote(&url, &["1.13"]).env("GOPIN_OFFLINE", "1")).ok();
    assert_eq!(stopped.stdout, go_1_13_lines());
    assert_eq!(stopped.stderr, "");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn stale_cache_is_used_with_a_warning_when_the_server_is_gone() {
    let home = Home::new();
    let server = serving_2020();
    let url = server.url_for(DL);
    Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    home.age_cache(TWO_HOURS);
    server.stop();

    let listed = Run::of(home.list_remote(&url, &["1.13"]).env("GOPIN_RETRIES", "0")).ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    let warning = listed
        .stderr
        .lines()
        .find(|l| l.starts_with("warning: "))
        .unwrap_or_else(|| panic!("no warning:\n{}", listed.stderr));
    assert!(
        warning.starts_with(&format!(
            "warning: using the index cached 2 h ago from {url}; fetching failed ({url}: "
        )),
        "{warning}"
    );
    assert!(
        warning.to_ascii_lowercase().contains("connection refused"),
        "{warning}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn html_instead_of_an_index_is_an_error() {
    let home = Home::new();
    let server = TestServer::start();
    server.add_file(DL, "<!doctype html><html><body>Sign in</body></html>\n");
    let url = server.url_for(DL);
    let failed = Run::of(&mut home.list_remote(&url, &["1.13"])).failed();
    assert!(
        failed
            .stderr
            .contains(&format!("\n  {url}: not a Go download index (")),
        "{}",
        failed.stderr
    );
    assert_eq!(server.requests().len(), 1, "a bad body is not retried");
    assert!(home.meta_files().is_empty(), "a bad body is not cached");
}

#[test]
fn truncated_body_is_retried() {
    let home = Home::new();
    let server = serving_2020();
    server.add_fault(DL, Fault::ShortBody(100));
    let url = server.url_for(DL);
    let listed = Run::of(&mut home.list_remote(&url, &["1.13"])).ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(server.requests_for(DL).len(), 2);
    let retries = listed.retries();
    assert_eq!(retries.len(), 1, "{}", listed.stderr);
    assert!(
        retries[0].contains(": reading the body: "),
        "{}",
        listed.stderr
    );
    assert_eq!(home.cached_body(), index_2020(), "the whole body is cached");
}

#[test]
fn stalled_transfer_times_out_and_is_retried() {
    let home = Home::new();
    let server = serving_2020();
    server.add_fault(
        DL,
        Fault::Stall {
            after: 10,
            duration: Duration::from_secs(3),
        },
    );
    let url = server.url_for(DL);
    let listed = Run::of(
        home.list_remote(&url, &["1.13"])
            .env("GOPIN_READ_TIMEOUT", "0.5"),
    )
    .ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(server.requests_for(DL).len(), 2);
    let retries = listed.retries();
    assert_eq!(retries.len(), 1, "{}", listed.stderr);
    assert!(retries[0].ends_with("timed out"), "{}", listed.stderr);
}

/// Runs `list-remote ARGS` over an index far bigger than a pipe buffers, reads the first line
/// of its output and closes the pipe, like `gopin list-remote | head -1`: gopin is still
/// writing when the reader leaves, and must end quietly with success.
fn assert_quiet_when_the_reader_leaves(args: &[&str], first_line: &str) {
    let home = Home::new();
    let versions: Vec<String> = (0..200)
        .flat_map(|minor| (0..100).map(move |patch| format!("go1.{minor}.{patch}")))
        .collect();
    let index = home.dir.path().join("big-index.json");
    let refs: Vec<&str> = versions.iter().map(String::as_str).collect();
    std::fs::write(&index, small_index(&refs)).unwrap();

    let mut cmd = home.list_remote(&format!("file://{}", index.display()), args);
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(first, first_line);
    drop(stdout);

    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}\nstderr:\n{stderr}",
        out.status
    );
    assert_eq!(stderr, "");
}

#[test]
fn closed_stdout_is_not_an_error() {
    assert_quiet_when_the_reader_leaves(&[], "go1.0.0\n");
}

#[test]
fn closed_stdout_during_json_is_not_an_error() {
    assert_quiet_when_the_reader_leaves(&["--json"], "[\n");
}

/// Serves `body` on a fresh loopback port in `chunks` pieces with `gap` between them, to every
/// connection; returns the URL and a count of connections. A transfer that is slow but never
/// silent for long, which [`TestServer`]'s single `Stall` cannot produce.
fn trickle_server(body: Vec<u8>, chunks: usize, gap: Duration) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{DL}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    let body: Arc<[u8]> = body.into();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            count.fetch_add(1, Ordering::SeqCst);
            let body = Arc::clone(&body);
            std::thread::spawn(move || -> std::io::Result<()> {
                let mut reader = BufReader::new(stream.try_clone()?);
                let mut line = String::new();
                while reader.read_line(&mut line)? > 2 {
                    line.clear();
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(head.as_bytes())?;
                for piece in body.chunks(body.len().div_ceil(chunks)) {
                    stream.write_all(piece)?;
                    stream.flush()?;
                    std::thread::sleep(gap);
                }
                Ok(())
            });
        }
    });
    (url, connections)
}

#[test]
fn slow_but_steady_transfer_is_not_a_timeout() {
    let home = Home::new();
    // Twelve pieces 0.15 s apart: about 1.8 s in all, never silent for the 0.5 s allowed.
    let (url, connections) = trickle_server(index_2020(), 12, Duration::from_millis(150));
    let listed = Run::of(
        home.list_remote(&url, &["1.13"])
            .env("GOPIN_READ_TIMEOUT", "0.5")
            .env("GOPIN_RETRIES", "0"),
    );
    let listed = listed.ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[test]
fn bad_variables_are_named() {
    let home = Home::new();
    let url = format!("file://{INDEX_2020}");
    for (var, value) in [
        ("GOPIN_INDEX_URL", "go.dev/dl"),
        ("GOPIN_RETRIES", "x"),
        ("GOPIN_READ_TIMEOUT", "0"),
        ("GOPIN_OFFLINE", "maybe"),
    ] {
        let failed = Run::of(home.list_remote(&url, &["1.13"]).env(var, value)).failed();
        assert!(
            failed
                .stderr
                .starts_with(&format!("error: invalid {var} {value:?}\n")),
            "{var}={value}:\n{}",
            failed.stderr
        );
        assert!(
            failed.stderr.lines().any(|l| l.starts_with("hint: ")),
            "{var}={value}:\n{}",
            failed.stderr
        );
    }
}

/// The request for an index on a host nobody resolves goes to the proxy named by HTTP_PROXY
/// (a loopback server that answers for it), and NO_PROXY sends a loopback URL around a dead
/// proxy straight to its server.
#[test]
fn proxy_variables_are_honoured() {
    let home = Home::new();
    let proxy = TestServer::start();
    let far = "http://gopin-proxy-test.invalid/dl.json";
    proxy.add_file(far, index_2020());
    let listed = Run::of(
        home.list_remote(far, &["1.13"])
            .env("HTTP_PROXY", proxy.url())
            .env("GOPIN_RETRIES", "0"),
    )
    .ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, far, "the proxy got the absolute URL");

    let server = serving_2020();
    let dead_proxy = refused_url();
    let direct = server.url_for(DL);
    let home = Home::new();
    let listed = Run::of(
        home.list_remote(&direct, &["1.13"])
            .env("HTTP_PROXY", &dead_proxy)
            .env("NO_PROXY", "127.0.0.1")
            .env("GOPIN_RETRIES", "0"),
    )
    .ok();
    assert_eq!(listed.stdout, go_1_13_lines());
    assert_eq!(server.requests_for(DL).len(), 1);
}

/// A slim container has no CA package: with an empty system store gopin still builds its
/// client (bundled Mozilla roots) and fetches.
#[test]
fn an_empty_system_trust_store_is_not_an_error() {
    let home = Home::new();
    let empty = tempfile::tempdir().unwrap();
    let empty_file = empty.path().join("none.pem");
    std::fs::write(&empty_file, "").unwrap();
    let server = serving_2020();
    let listed = Run::of(
        home.list_remote(&server.url_for(DL), &["1.13"])
            .env("SSL_CERT_FILE", &empty_file)
            .env("SSL_CERT_DIR", empty.path()),
    )
    .ok();
    assert_eq!(listed.stdout, go_1_13_lines());
}
