//! `gopin install` end to end against a misbehaving loopback server: resets, short bodies,
//! 5xx/429 with `Retry-After`, 404 on one mirror, servers that ignore or botch `Range`, a
//! corrupted byte, a stalled transfer, an exhausted retry budget, an index without a checksum,
//! processes killed at each step, eight installers at once, a hostile archive and an archive of
//! another Go.
//!
//! Every test checks both what gopin left on disk and what went over the wire (the server's
//! request log). Nothing here contacts anything but 127.0.0.1.

mod support;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::fake_go::{FakeRelease, hex, index_json, platform};
use support::harness::{Run, Scenario};
use support::http_server::{Fault, Request, TestServer};

const VERSION: &str = "go1.22.4";

/// ~800 KB: 40 files of 20 KB of incompressible bytes, big enough to cut in the middle.
fn release() -> &'static FakeRelease {
    static RELEASE: OnceLock<FakeRelease> = OnceLock::new();
    RELEASE.get_or_init(|| FakeRelease::new(VERSION, 40, 20_000))
}

fn half() -> usize {
    release().bytes.len() / 2
}

/// The `Range` header of a request, if any.
fn range(request: &Request) -> Option<&str> {
    request.header("range")
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

impl Run {
    /// stderr from the `error:` line on (progress lines come before it).
    fn error(&self) -> &str {
        let at = if self.stderr.starts_with("error: ") {
            Some(0)
        } else {
            self.stderr.find("\nerror: ").map(|i| i + 1)
        };
        at.map_or("", |i| &self.stderr[i..])
    }
}

/// A temporary folder holding `home/` (GOPIN_HOME) and nothing else, and a server serving
/// `/index.json` and `/dl/<archive>`.
struct Sandbox {
    dir: tempfile::TempDir,
    server: TestServer,
    filename: String,
    sha256: String,
    size: usize,
    download_urls: String,
}

impl Sandbox {
    /// The standard fake release, listed in the index and served under `/dl/`.
    fn new() -> Sandbox {
        let release = release();
        Sandbox::serving(release, &index_json(&[release]))
    }

    /// `release` served under `/dl/`, with `index` as the index.
    fn serving(release: &FakeRelease, index: &str) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        let server = TestServer::start();
        server.add_file("/index.json", index.as_bytes());
        server.add_file(&format!("/dl/{}", release.filename), release.bytes.clone());
        let download_urls = server.url_for("/dl/");
        Sandbox {
            dir,
            server,
            filename: release.filename.clone(),
            sha256: release.sha256.clone(),
            size: release.bytes.len(),
            download_urls,
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn version_dir(&self) -> PathBuf {
        self.home().join("versions").join(VERSION)
    }

    fn downloaded(&self) -> PathBuf {
        self.home().join("downloads").join(&self.filename)
    }

    fn partial(&self) -> PathBuf {
        self.home()
            .join("downloads")
            .join(format!("{}.{}.part", self.filename, &self.sha256[..16]))
    }

    fn partial_len(&self) -> Option<u64> {
        std::fs::metadata(self.partial()).ok().map(|m| m.len())
    }

    /// The archive's path on the server under `base` (`/dl/`).
    fn archive_at(&self, base: &str) -> String {
        format!("{base}{}", self.filename)
    }

    fn archive_requests(&self) -> Vec<Request> {
        self.server.requests_for(&self.archive_at("/dl/"))
    }

    fn fault(&self, fault: Fault) {
        self.server.add_fault(&self.archive_at("/dl/"), fault);
    }

    fn gopin(&self, args: &[&str]) -> Command {
        self.scenario().gopin(args)
    }

    /// gopin in the sandbox, fetching from the server.
    fn scenario(&self) -> Scenario {
        Scenario::new(self.home(), self.dir.path())
            .env("GOPIN_INDEX_URL", self.server.url_for("/index.json"))
            .env("GOPIN_DOWNLOAD_URL", &self.download_urls)
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.scenario().envs(env.iter().copied()).run(args)
    }

    fn install(&self, env: &[(&str, &str)]) -> Run {
        self.run(&["install", VERSION], env)
    }

    /// Hidden names under `versions/` (staging, swap and trash folders).
    fn hidden_in_versions(&self) -> Vec<String> {
        names_in(&self.home().join("versions"))
            .into_iter()
            .filter(|n| n.starts_with('.'))
            .collect()
    }

    fn parts(&self) -> Vec<String> {
        names_in(&self.home().join("downloads"))
            .into_iter()
            .filter(|n| n.ends_with(".part"))
            .collect()
    }

    /// The version is installed and works, its archive is kept verified, and no partial file
    /// or staging folder is left.
    fn assert_installed(&self, run: &Run) {
        assert_eq!(run.code, 0, "{run:?}");
        let go = self.version_dir().join("bin").join("go");
        let out = Command::new(&go).output().unwrap();
        let (os, arch) = platform();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("go version {VERSION} {os}/{arch}\n")
        );
        let version_file = std::fs::read_to_string(self.version_dir().join("VERSION")).unwrap();
        assert_eq!(version_file.lines().next(), Some(VERSION));
        let kept = std::fs::read(self.downloaded()).unwrap();
        assert_eq!(kept.len(), self.size);
        assert_eq!(sha256(&kept), self.sha256, "the kept archive is intact");
        assert_eq!(
            self.parts(),
            Vec::<String>::new(),
            "no partial download left"
        );
        assert_eq!(
            self.hidden_in_versions(),
            Vec::<String>::new(),
            "no staging left"
        );
        assert_eq!(names_in(&self.home().join("versions")), [VERSION]);
        assert!(
            run.stderr.contains(&format!(
                "installed {VERSION} in {}",
                self.version_dir().display()
            )),
            "{run:?}"
        );
    }

    /// Nothing of the version became visible.
    fn assert_not_installed(&self) {
        assert!(
            std::fs::symlink_metadata(self.version_dir()).is_err(),
            "{} must not exist",
            self.version_dir().display()
        );
        let versions: Vec<String> = names_in(&self.home().join("versions"))
            .into_iter()
            .filter(|n| !n.starts_with('.'))
            .collect();
        assert_eq!(versions, Vec::<String>::new());
        let list = self.run(&["list"], &[]);
        assert_eq!(list.code, 0, "{list:?}");
        assert!(!list.stdout.contains(VERSION), "{list:?}");
    }
}

/// File names in a folder, sorted; empty when it does not exist.
fn names_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The ranges asked for, in order (`None` for a request without `Range`).
fn ranges(requests: &[Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| range(r).map(str::to_owned))
        .collect()
}

fn from(offset: usize) -> Option<String> {
    Some(format!("bytes={offset}-"))
}

// ---------------------------------------------------------------------------------------------
// 1. The happy path.

#[test]
fn installs_verifies_and_then_finds_it_installed() {
    let sb = Sandbox::new();
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    let requests = sb.archive_requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(range(&requests[0]), None);
    assert!(
        run.stderr.contains(&format!("downloading {}", sb.filename)),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(&format!("verified {}", sb.filename)),
        "{run:?}"
    );

    let again = sb.install(&[]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again
            .stderr
            .contains(&format!("{VERSION} is already installed")),
        "{again:?}"
    );
    assert_eq!(sb.archive_requests().len(), 1, "no second download");
    sb.assert_installed(&run);
}

// ---------------------------------------------------------------------------------------------
// 2-3. Broken transfers resume with Range.

#[test]
fn a_reset_transfer_resumes_where_it_broke_off() {
    let sb = Sandbox::new();
    sb.fault(Fault::ResetAfter(half()));
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    let requests = sb.archive_requests();
    assert_eq!(ranges(&requests), [None, from(half())], "{run:?}");
    assert!(
        run.stderr.contains(&format!("retrying {}", sb.filename)),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(&format!("resuming {}", sb.filename)),
        "{run:?}"
    );
}

#[test]
fn a_short_body_is_retried_with_range() {
    let sb = Sandbox::new();
    let cut = sb.size / 3;
    sb.fault(Fault::ShortBody(cut));
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    assert_eq!(ranges(&sb.archive_requests()), [None, from(cut)], "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// 4. Transient statuses are retried on the same URL; a 404 moves to the next one at once.

fn status(code: u16) -> Fault {
    Fault::Status {
        code,
        retry_after: Some("0".to_owned()),
    }
}

#[test]
fn http_503_twice_is_retried_then_succeeds() {
    let sb = Sandbox::new();
    sb.fault(status(503));
    sb.fault(status(503));
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, None, None],
        "{run:?}"
    );
    assert_eq!(run.stderr.matches("retrying").count(), 2, "{run:?}");
    assert!(
        run.stderr.contains("in 0.0 s: HTTP 503"),
        "Retry-After: 0 honoured: {run:?}"
    );
}

#[test]
fn http_429_twice_is_retried_then_succeeds() {
    let sb = Sandbox::new();
    sb.fault(status(429));
    sb.fault(status(429));
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, None, None],
        "{run:?}"
    );
    assert!(run.stderr.contains("in 0.0 s: HTTP 429"), "{run:?}");
}

#[test]
fn a_404_moves_to_the_next_download_url_at_once() {
    let mut sb = Sandbox::new();
    sb.download_urls = format!(
        "{},{}",
        sb.server.url_for("/missing/"),
        sb.server.url_for("/dl/")
    );
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    let missing = sb.server.requests_for(&sb.archive_at("/missing/"));
    assert_eq!(missing.len(), 1, "a 404 is not retried: {run:?}");
    assert_eq!(sb.archive_requests().len(), 1, "{run:?}");
    assert!(!run.stderr.contains("retrying"), "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// 5-6. A server that does not honour the Range makes gopin start over, never splice.

#[test]
fn a_server_ignoring_range_on_resume_gives_a_clean_restart() {
    let sb = Sandbox::new();
    sb.fault(Fault::ResetAfter(half()));
    sb.fault(Fault::IgnoreRange);
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, from(half())],
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains(&format!("did not resume at byte {}; starting over", half())),
        "{run:?}"
    );
}

#[test]
fn a_wrong_content_range_on_resume_gives_a_clean_restart() {
    let sb = Sandbox::new();
    sb.fault(Fault::ResetAfter(half()));
    sb.fault(Fault::WrongContentRange);
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    let asked = ranges(&sb.archive_requests());
    assert_eq!(asked.len(), 3, "{asked:?} {run:?}");
    assert_eq!(asked[..2], [None, from(half())], "{run:?}");
    assert!(
        asked[2].is_none() || asked[2] == from(0),
        "the restart asks for the whole file: {asked:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 7. A corrupted byte is caught by the checksum.

/// The standard release re-packed with gzip level 0 (stored deflate blocks), so the tar stream
/// appears verbatim and a byte inside a file's contents can be flipped without the gzip or tar
/// layers noticing before the very end (the gzip CRC in the trailer). Only the SHA-256 can
/// catch it, and it does so after the last byte: the outcome does not depend on how fast the
/// extractor thread runs.
fn stored_release() -> &'static FakeRelease {
    static STORED: OnceLock<FakeRelease> = OnceLock::new();
    STORED.get_or_init(|| {
        use std::io::{Read, Write};
        let compressed = release();
        let mut tar_bytes = Vec::new();
        flate2::read::GzDecoder::new(&compressed.bytes[..])
            .read_to_end(&mut tar_bytes)
            .unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
        gz.write_all(&tar_bytes).unwrap();
        let bytes = gz.finish().unwrap();
        FakeRelease {
            version: compressed.version.clone(),
            filename: compressed.filename.clone(),
            sha256: sha256(&bytes),
            bytes,
        }
    })
}

/// An offset 5000 bytes into the contents of `go/src/pkg6/file20.go` (20 KB long) in
/// [`stored_release`].
fn offset_in_file_contents() -> usize {
    let name = b"go/src/pkg6/file20.go";
    let header = stored_release()
        .bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("stored deflate blocks keep tar headers verbatim");
    header + 512 + 5000
}

fn stored_sandbox() -> Sandbox {
    let release = stored_release();
    Sandbox::serving(release, &index_json(&[release]))
}

#[test]
fn a_corrupted_byte_is_a_checksum_mismatch_and_nothing_is_kept() {
    let sb = stored_sandbox();
    let at = offset_in_file_contents();
    sb.fault(Fault::CorruptByte(at));
    let run = sb.install(&[("GOPIN_RETRIES", "0")]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.error()
            .starts_with(&format!("error: cannot download {}\n", sb.filename)),
        "{run:?}"
    );
    let computed = {
        let mut bytes = stored_release().bytes.clone();
        bytes[at] = !bytes[at];
        sha256(&bytes)
    };
    assert_ne!(computed, sb.sha256);
    assert!(
        run.stderr.contains(&format!(
            "checksum mismatch: expected sha256 {}, computed sha256 {computed}",
            sb.sha256
        )),
        "{run:?}"
    );
    assert!(!run.stderr.contains("kept"), "{run:?}");
    assert_eq!(
        sb.parts(),
        Vec::<String>::new(),
        "the damaged file was deleted"
    );
    assert!(!sb.downloaded().exists());
    assert_eq!(sb.hidden_in_versions(), Vec::<String>::new());
    sb.assert_not_installed();
    assert_eq!(sb.archive_requests().len(), 1, "a mismatch is not retried");

    // Nothing damaged survives: the next run downloads afresh and succeeds.
    let again = sb.install(&[]);
    sb.assert_installed(&again);
    assert_eq!(ranges(&sb.archive_requests()), [None, None], "{again:?}");
}

#[test]
fn a_corrupted_byte_on_one_mirror_falls_back_to_the_next() {
    let mut sb = stored_sandbox();
    let bad = sb.archive_at("/bad/");
    sb.server.add_file(&bad, stored_release().bytes.clone());
    sb.server
        .add_fault(&bad, Fault::CorruptByte(offset_in_file_contents()));
    sb.download_urls = format!(
        "{},{}",
        sb.server.url_for("/bad/"),
        sb.server.url_for("/dl/")
    );
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    // The mismatch on the first mirror is not reported (only transient failures print a
    // "retrying" line), so the second "downloading" line is the visible trace of the switch.
    assert_eq!(run.stderr.matches("downloading ").count(), 2, "{run:?}");
    assert_eq!(
        sb.server.requests_for(&bad).len(),
        1,
        "not retried: {run:?}"
    );
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None],
        "a fresh start: {run:?}"
    );
}

/// An offset in the name of the tar header of `go/src/pkg0/file0.go` (about 20 KB into
/// [`stored_release`]): flipped, the header's checksum no longer matches, so the tar reader
/// fails there.
fn offset_in_an_early_tar_header() -> usize {
    let name = b"go/src/pkg0/file0.go";
    let header = stored_release()
        .bytes
        .windows(name.len())
        .position(|w| w == name)
        .unwrap();
    header + 3
}

/// Leaves the partial download a damaged transfer leaves today: the first 400 KB of
/// [`stored_release`] with a byte flipped in an early tar header. (A flipped byte the
/// extractor notices before the download ends, e.g. `Fault::CorruptByte` at the middle of a
/// real compressed archive, where it breaks the deflate stream, ends the run with "cannot
/// unpack ...: corrupt deflate stream" and keeps such a partial. Seeding it makes the test
/// independent of how far the download thread runs ahead of the extractor thread.)
///
/// The resumed request stalls 300 ms before its first byte, so the extractor has long
/// failed on the replayed bytes when the network bytes arrive.
fn seed_damaged_partial(sb: &Sandbox, stalled_path: &str) {
    let mut bytes = stored_release().bytes[..400_000].to_vec();
    let at = offset_in_an_early_tar_header();
    bytes[at] = !bytes[at];
    std::fs::create_dir_all(sb.home().join("downloads")).unwrap();
    std::fs::write(sb.partial(), bytes).unwrap();
    sb.server.add_fault(
        stalled_path,
        Fault::Stall {
            after: 0,
            duration: Duration::from_millis(300),
        },
    );
}

/// A partial whose bytes are damaged is unverified data like any other: the SHA-256 must
/// decide, the partial must be deleted and the install must get a clean copy. Today the
/// extractor's error on the replayed bytes is fatal (`Stop::Fatal` from `consumer.feed`), so
/// the run stops with "cannot unpack ...: archive header checksum mismatch", keeps the
/// partial, appends more to it, and every later run fails the same way until the user runs
/// `gopin cache clean`.
#[test]
fn a_damaged_partial_is_discarded_not_replayed_forever() {
    let sb = stored_sandbox();
    seed_damaged_partial(&sb, &sb.archive_at("/dl/"));
    let first = sb.install(&[("GOPIN_RETRIES", "0")]);
    assert!(!first.stderr.contains("cannot unpack"), "{first:?}");
    if first.code == 0 {
        // A fix may also start over on the same URL at once.
        sb.assert_installed(&first);
    } else {
        assert!(
            first
                .stderr
                .contains(&format!("expected sha256 {}, computed sha256 ", sb.sha256)),
            "{first:?}"
        );
        assert_eq!(sb.parts(), Vec::<String>::new(), "{first:?}");
        let second = sb.install(&[]);
        sb.assert_installed(&second);
    }
    let asked = ranges(&sb.archive_requests());
    assert_eq!(asked[0], from(400_000), "{asked:?}");
    assert_eq!(
        asked.last(),
        Some(&None),
        "the good copy is a fresh download"
    );
}

/// The same with two mirrors: a checksum mismatch moves to the next URL at once, which
/// downloads the whole file afresh.
#[test]
fn a_damaged_partial_falls_back_to_the_next_mirror() {
    let mut sb = stored_sandbox();
    let bad = sb.archive_at("/bad/");
    sb.server.add_file(&bad, stored_release().bytes.clone());
    seed_damaged_partial(&sb, &bad);
    sb.download_urls = format!(
        "{},{}",
        sb.server.url_for("/bad/"),
        sb.server.url_for("/dl/")
    );
    let run = sb.install(&[]);
    sb.assert_installed(&run);
    assert_eq!(
        ranges(&sb.server.requests_for(&bad)),
        [from(400_000)],
        "{run:?}"
    );
    assert_eq!(ranges(&sb.archive_requests()), [None], "{run:?}");
}

// ---------------------------------------------------------------------------------------------
// 8. A stalled transfer ends after GOPIN_READ_TIMEOUT and resumes.

#[test]
fn a_stalled_transfer_times_out_and_resumes() {
    let sb = Sandbox::new();
    sb.fault(Fault::Stall {
        after: half(),
        duration: Duration::from_secs(3),
    });
    let started = Instant::now();
    let run = sb.install(&[("GOPIN_READ_TIMEOUT", "0.5")]);
    let took = started.elapsed();
    sb.assert_installed(&run);
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, from(half())],
        "{run:?}"
    );
    assert!(run.stderr.contains("timed out"), "{run:?}");
    assert!(
        took < Duration::from_secs(3),
        "did not wait out the stall: {took:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. An exhausted retry budget.

#[test]
fn retries_exhausted_reports_the_tries_and_keeps_nothing_when_nothing_came() {
    let sb = Sandbox::new();
    for _ in 0..3 {
        sb.fault(status(503));
    }
    let run = sb.install(&[("GOPIN_RETRIES", "2")]);
    assert_eq!(run.code, 1, "{run:?}");
    let url = sb.server.url_for(&sb.archive_at("/dl/"));
    assert!(
        run.error().starts_with(&format!(
            "error: cannot download {}\n  {url}: HTTP 503",
            sb.filename
        )),
        "{run:?}"
    );
    assert!(run.stderr.contains("(3 tries over "), "{run:?}");
    assert!(!run.stderr.contains("kept"), "{run:?}");
    assert!(
        run.stderr
            .contains("\nhint: run the command again to resume"),
        "{run:?}"
    );
    assert_eq!(sb.archive_requests().len(), 3, "1 try + 2 retries");
    sb.assert_not_installed();
    assert_eq!(sb.hidden_in_versions(), Vec::<String>::new());
}

#[test]
fn retries_exhausted_keeps_the_partial_and_the_next_run_resumes_it() {
    let sb = Sandbox::new();
    sb.fault(Fault::ResetAfter(half()));
    sb.fault(status(503));
    sb.fault(status(503));
    let run = sb.install(&[("GOPIN_RETRIES", "2")]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("(3 tries over "), "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "kept {} of {} bytes in {} for next time",
            half(),
            sb.size,
            sb.partial().display()
        )),
        "{run:?}"
    );
    assert_eq!(sb.partial_len(), Some(half() as u64));
    sb.assert_not_installed();

    let again = sb.install(&[]);
    sb.assert_installed(&again);
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, from(half()), from(half()), from(half())],
        "{again:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 10. An index entry without a checksum.

#[test]
fn an_index_entry_without_sha256_is_refused_before_any_download() {
    let release = release();
    let mut index: serde_json::Value = serde_json::from_str(&index_json(&[release])).unwrap();
    index[0]["files"][0]["sha256"] = serde_json::json!("");
    let sb = Sandbox::serving(release, &index.to_string());
    let run = sb.install(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.error().starts_with(&format!(
            "error: the index gives no SHA-256 for {}",
            sb.filename
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("only archives it can verify"),
        "{run:?}"
    );
    assert_eq!(sb.archive_requests().len(), 0, "nothing downloaded");
    assert_eq!(sb.server.requests_for("/index.json").len(), 1);
    sb.assert_not_installed();
}

// ---------------------------------------------------------------------------------------------
// 11. Killed at each step: nothing half-visible, and the next run completes.

/// Waits until `marker` exists; panics if the child exits or 10 s pass.
fn wait_for(child: &mut Child, marker: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !marker.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("gopin exited ({status}) before pausing");
        }
        assert!(
            Instant::now() < deadline,
            "{} did not appear",
            marker.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts an install that pauses at `step`, kills it there, checks nothing is visible, then
/// installs again. Returns the sandbox and the partial size at the kill.
fn killed_at(step: &str) -> (Sandbox, Option<u64>) {
    let sb = Sandbox::new();
    let mut child = sb
        .gopin(&["install", VERSION])
        .env("GOPIN_TEST_PAUSE", step)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&mut child, &sb.home().join(format!(".paused-{step}")));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    sb.assert_not_installed();
    let partial = sb.partial_len();

    let run = sb.install(&[]);
    sb.assert_installed(&run);
    (sb, partial)
}

#[test]
fn killed_while_downloading_resumes_the_partial() {
    let (sb, partial) = killed_at("download");
    let kept = partial.expect("the partial download survives the kill");
    assert!(
        kept > 0 && kept >= half() as u64 && kept < sb.size as u64,
        "{kept}"
    );
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None, from(kept as usize)],
        "the second run resumes"
    );
}

#[test]
fn killed_after_extracting_reuses_the_verified_archive() {
    let (sb, partial) = killed_at("extract");
    assert_eq!(
        partial, None,
        "the archive was verified and renamed before the pause"
    );
    assert_eq!(sb.archive_requests().len(), 1, "no second download");
}

#[test]
fn killed_before_the_rename_reuses_the_verified_archive() {
    let (sb, partial) = killed_at("rename");
    assert_eq!(partial, None);
    assert_eq!(sb.archive_requests().len(), 1, "no second download");
}

// ---------------------------------------------------------------------------------------------
// 12. Eight installers at once: one downloads, the others wait and find it installed.

#[test]
fn eight_concurrent_installs_download_once() {
    let sb = Sandbox::new();
    sb.fault(Fault::Stall {
        after: half(),
        duration: Duration::from_secs(1),
    });
    let children: Vec<Child> = (0..8)
        .map(|_| {
            sb.gopin(&["install", VERSION])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| {
            Run::from_output(
                &["gopin", "install", VERSION],
                c.wait_with_output().unwrap(),
            )
        })
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
    }
    let installed: Vec<&Run> = runs
        .iter()
        .filter(|r| r.stderr.contains(&format!("installed {VERSION} in")))
        .collect();
    assert_eq!(installed.len(), 1, "{runs:?}");
    sb.assert_installed(installed[0]);
    let already = runs
        .iter()
        .filter(|r| {
            r.stderr
                .contains(&format!("{VERSION} is already installed"))
        })
        .count();
    assert_eq!(already, 7, "{runs:?}");
    assert!(
        runs.iter().any(|r| r.stderr.contains(&format!(
            "waiting for another gopin that is installing {VERSION}"
        ))),
        "the processes overlapped: {runs:?}"
    );
    assert_eq!(
        ranges(&sb.archive_requests()),
        [None],
        "exactly one download"
    );
}

// ---------------------------------------------------------------------------------------------
// 13-14. Archives that verify but must not be installed.

/// A tar entry with a hand-written header, so names the tar crate refuses can be built.
fn raw_entry(
    builder: &mut tar::Builder<Vec<u8>>,
    name: &str,
    kind: tar::EntryType,
    mode: u32,
    data: &[u8],
    link: &str,
) {
    let mut header = tar::Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(data.len() as u64);
    header.set_cksum();
    builder.append(&header, data).unwrap();
}

/// A release of VERSION whose archive holds a good tree plus `hostile` (name, kind, link).
fn hostile_release(name: &str, kind: tar::EntryType, link: &str) -> FakeRelease {
    use std::io::Write;
    let (os, arch) = platform();
    let mut builder = tar::Builder::new(Vec::new());
    let dir = tar::EntryType::Directory;
    let file = tar::EntryType::Regular;
    raw_entry(&mut builder, "go/", dir, 0o755, b"", "");
    raw_entry(
        &mut builder,
        "go/VERSION",
        file,
        0o644,
        format!("{VERSION}\n").as_bytes(),
        "",
    );
    raw_entry(&mut builder, "go/bin/", dir, 0o755, b"", "");
    let script = format!("#!/bin/sh\necho go version {VERSION} {os}/{arch}\n");
    raw_entry(
        &mut builder,
        "go/bin/go",
        file,
        0o755,
        script.as_bytes(),
        "",
    );
    raw_entry(
        &mut builder,
        name,
        kind,
        0o644,
        if kind == file { b"pwned\n" } else { b"" },
        link,
    );
    raw_entry(
        &mut builder,
        "go/src/after.go",
        file,
        0o644,
        b"package after\n",
        "",
    );
    let tar_bytes = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar_bytes).unwrap();
    let bytes = gz.finish().unwrap();
    FakeRelease {
        version: VERSION.to_owned(),
        filename: format!("{VERSION}.{os}-{arch}.tar.gz"),
        sha256: sha256(&bytes),
        bytes,
    }
}

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            out.push(path.strip_prefix(base).unwrap().to_owned());
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_hostile_archive_with_a_matching_checksum_is_refused() {
    let cases = [
        // From versions/.staging-*/ three `..` reach the sandbox folder, outside GOPIN_HOME.
        (
            "go/../../../evil",
            tar::EntryType::Regular,
            "",
            "parent folder (..) component",
        ),
        (
            "go/bin/evil",
            tar::EntryType::Symlink,
            "../../../../evil",
            "symbolic link",
        ),
    ];
    for (name, kind, link, why) in cases {
        let release = hostile_release(name, kind, link);
        let sb = Sandbox::serving(&release, &index_json(&[&release]));
        let run = sb.install(&[]);
        assert_eq!(run.code, 1, "{name}: {run:?}");
        assert!(
            run.stderr
                .contains(&format!("refused archive entry {name:?}: {why}")),
            "{name}: {run:?}"
        );
        assert_eq!(
            names_in(sb.dir.path()),
            ["home"],
            "{name}: nothing outside GOPIN_HOME"
        );
        let written: Vec<PathBuf> = tree(&sb.home())
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("evil"))
            })
            .collect();
        assert_eq!(written, Vec::<PathBuf>::new(), "{name}");
        sb.assert_not_installed();
        assert_eq!(sb.hidden_in_versions(), Vec::<String>::new(), "{name}");
        assert_eq!(sb.archive_requests().len(), 1, "{name}");
    }
}

#[test]
fn an_archive_of_another_go_is_refused() {
    let (os, arch) = platform();
    let mut other = FakeRelease::new("go1.21.0", 3, 1000);
    // The index and the file name say go1.22.4; the archive inside is go1.21.0.
    other.version = VERSION.to_owned();
    other.filename = format!("{VERSION}.{os}-{arch}.tar.gz");
    let sb = Sandbox::serving(&other, &index_json(&[&other]));
    let run = sb.install(&[]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.error().starts_with(&format!(
            "error: the archive for {VERSION} is a different Go\n  its VERSION file says \"go1.21.0\""
        )),
        "{run:?}"
    );
    sb.assert_not_installed();
    assert_eq!(sb.hidden_in_versions(), Vec::<String>::new());
    assert_eq!(sb.archive_requests().len(), 1);
}
