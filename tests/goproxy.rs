//! `GOPIN_SOURCE=goproxy`: toolchains through a Go module proxy, checked by Go's checksum
//! database, against the loopback proxy and database of `tests/support/goproxy.rs` (which the
//! real go command accepts, see e2e/goproxy.sh). Each refusal sits beside the honest case in
//! the same setup; outcomes and the request log are both asserted.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::fake_go::{FakeRelease, index_json, platform};
use support::goproxy::{GoProxy, Options, SumKey, Toolchain, ZipFault, with_offsets};
use support::harness::{Run, Scenario};
use support::http_server::{Fault, TestServer};

/// go.dev's platform for this machine, as module versions name it.
fn goos_goarch() -> (&'static str, &'static str) {
    let (os, arch) = platform();
    (os, if arch == "armv6l" { "arm" } else { arch })
}

fn toolchain(release: &FakeRelease) -> Toolchain {
    let (os, arch) = goos_goarch();
    Toolchain::from_tar_gz(&release.version, os, arch, &release.bytes).unwrap()
}

fn module_version(version: &str) -> String {
    let (os, arch) = goos_goarch();
    format!("v0.0.1-{version}.{os}-{arch}")
}

/// A loopback proxy serving `proxy`'s files, and a temporary home.
struct World {
    dir: tempfile::TempDir,
    server: TestServer,
    proxy: GoProxy,
}

impl World {
    fn new(releases: &[&FakeRelease], options: &Options) -> World {
        let toolchains: Vec<Toolchain> = releases.iter().map(|r| toolchain(r)).collect();
        let proxy = GoProxy::build(&toolchains, options);
        let world = World {
            dir: tempfile::tempdir().unwrap(),
            server: TestServer::start(),
            proxy,
        };
        world.serve(&world.proxy.clone());
        std::fs::create_dir_all(world.work()).unwrap();
        world
    }

    /// Serves (or re-serves) a proxy tree.
    fn serve(&self, proxy: &GoProxy) {
        for (path, bytes) in &proxy.files {
            self.server.add_file(&format!("/{path}"), bytes.clone());
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn modcache(&self) -> PathBuf {
        self.dir.path().join("modcache")
    }

    fn scenario(&self) -> Scenario {
        Scenario::new(self.home(), self.work())
            .env("GOPIN_SOURCE", "goproxy")
            .env("GOPROXY", self.server.url())
            .env("GOSUMDB", self.proxy.gosumdb())
            .env("GOMODCACHE", self.modcache())
            .env("GOPIN_INDEX_URL", "http://127.0.0.1:9/unused-index.json")
    }

    fn installed(&self, version: &str) -> bool {
        self.home()
            .join("versions")
            .join(version)
            .join("bin/go")
            .is_file()
    }

    /// The `Range` header of each request for `version`'s zip, in order.
    fn zip_ranges(&self, version: &str) -> Vec<Option<String>> {
        let path = format!("/golang.org/toolchain/@v/{}.zip", module_version(version));
        self.server
            .requests_for(&path)
            .iter()
            .map(|r| r.header("range").map(str::to_owned))
            .collect()
    }

    fn zip_requests(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.target.ends_with(".zip"))
            .count()
    }
}

fn ok(run: &Run) -> &Run {
    run.assert_code(0)
}

fn fails(run: &Run) -> &Run {
    run.assert_code(1);
    assert!(
        run.stderr.starts_with("error:") || run.stderr.contains("\nerror:"),
        "{}",
        run.stderr
    );
    run
}

fn releases() -> Vec<FakeRelease> {
    ["go1.21.13", "go1.22.1", "go1.22.10", "go1.23rc1"]
        .iter()
        .map(|v| FakeRelease::new(v, 3, 1000))
        .collect()
}

#[test]
fn install_a_line_through_the_proxy_and_the_database() {
    let releases = releases();
    let refs: Vec<&FakeRelease> = releases.iter().collect();
    let world = World::new(&refs, &Options::default());
    let run = world.scenario().run(&["install", "1.22"]);
    ok(&run);
    assert!(world.installed("go1.22.10"), "{}", run.stderr);
    assert!(!world.installed("go1.22.1"));
    assert!(
        run.stderr.contains("verified golang.org/toolchain@"),
        "{}",
        run.stderr
    );
    let targets: Vec<String> = world
        .server
        .requests()
        .iter()
        .map(|r| r.target.clone())
        .collect();
    let mv = module_version("go1.22.10");
    assert!(
        targets.contains(&"/golang.org/toolchain/@v/list".to_owned()),
        "{targets:?}"
    );
    assert!(
        targets.contains(&format!(
            "/sumdb/sumdb.test/lookup/golang.org/toolchain@{mv}"
        )),
        "{targets:?}"
    );
    assert!(
        targets.contains(&format!("/golang.org/toolchain/@v/{mv}.zip")),
        "{targets:?}"
    );
    // The database was asked before the zip was fetched.
    let lookup = targets.iter().position(|t| t.contains("/lookup/")).unwrap();
    let zip = targets.iter().position(|t| t.ends_with(".zip")).unwrap();
    assert!(lookup < zip, "{targets:?}");
    // The tree head is kept.
    assert!(world.home().join("sumdb/sumdb.test/latest").is_file());
    // list-remote lists what the proxy has for this platform, stable only.
    let run = world.scenario().run(&["list-remote"]);
    ok(&run);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        ["go1.21.13", "go1.22.1", "go1.22.10"]
    );
}

/// A proxy install and a tarball install of one version hold the same files with the same modes.
#[test]
fn a_proxy_install_equals_a_tarball_install() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    ok(&world.scenario().run(&["install", "1.22.10"]));
    // The same release from a go.dev-shaped mirror, into another home.
    let mirror = world.dir.path().join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::write(mirror.join(&release.filename), &release.bytes).unwrap();
    std::fs::write(mirror.join("index.json"), index_json(&[&release])).unwrap();
    let other = world.dir.path().join("home-index");
    ok(&Scenario::new(&other, world.work())
        .env(
            "GOPIN_INDEX_URL",
            format!("file://{}/index.json", mirror.display()),
        )
        .env(
            "GOPIN_DOWNLOAD_URL",
            format!("file://{}/", mirror.display()),
        )
        .run(&["install", "1.22.10"]));
    let a = tree(&world.home().join("versions/go1.22.10"));
    let b = tree(&other.join("versions/go1.22.10"));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

/// Every file below `dir`: relative path, bytes, and whether it is executable.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>, bool)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((
                    rel,
                    std::fs::read(&path).unwrap(),
                    meta.permissions().mode() & 0o111 != 0,
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_zip_the_database_does_not_list_is_refused_and_nothing_falls_back() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let mv = module_version("go1.22.10");
    let options = Options {
        zip_faults: vec![(mv.clone(), ZipFault::Tampered)],
        ..Options::default()
    };
    let world = World::new(&[&release], &options);
    // Even with the index as a second source, nothing is tried after a mismatch.
    let mirror = world.dir.path().join("mirror");
    std::fs::create_dir_all(&mirror).unwrap();
    std::fs::write(mirror.join(&release.filename), &release.bytes).unwrap();
    std::fs::write(mirror.join("index.json"), index_json(&[&release])).unwrap();
    let run = world
        .scenario()
        .env("GOPIN_SOURCE", "goproxy,index")
        .env(
            "GOPIN_INDEX_URL",
            format!("file://{}/index.json", mirror.display()),
        )
        .env(
            "GOPIN_DOWNLOAD_URL",
            format!("file://{}/", mirror.display()),
        )
        .run(&["install", "1.22.10"]);
    fails(&run);
    assert!(
        run.stderr.contains("does not match the checksum database"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&world.proxy.published[0].h1),
        "names the database's hash: {}",
        run.stderr
    );
    assert!(!world.installed("go1.22.10"));
    // The damaged download is gone; nothing half-installed is visible.
    let downloads: Vec<_> = std::fs::read_dir(world.home().join("downloads"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(downloads.is_empty(), "{downloads:?}");
    // The zip was unpacked as it downloaded (its directory fetched first), and the mismatch
    // was still fatal.
    assert!(
        is_tail_request(&world.zip_ranges("go1.22.10")[0]),
        "{:?}",
        world.zip_ranges("go1.22.10")
    );
    // The honest proxy, same setup: installs.
    let honest = World::new(&[&release], &Options::default());
    ok(&honest.scenario().run(&["install", "1.22.10"]));
    assert!(honest.installed("go1.22.10"));
}

#[test]
fn a_note_signed_by_another_key_is_refused() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    let impostor = world.proxy.signed_by(&SumKey::other("sumdb.test"));
    world.serve(&impostor);
    let run = world.scenario().run(&["install", "1.22.10"]);
    fails(&run);
    assert!(!world.installed("go1.22.10"));
    assert_eq!(
        world.zip_requests(),
        0,
        "no zip without the database's word"
    );
    assert!(!world.home().join("sumdb/sumdb.test/latest").exists());
    // The honest signature, same proxy: installs.
    world.serve(&world.proxy);
    ok(&world.scenario().run(&["install", "1.22.10"]));
}

#[test]
fn a_forked_history_is_a_security_error_and_stops_everything() {
    let old = FakeRelease::new("go1.21.13", 3, 1000);
    let new = FakeRelease::new("go1.22.10", 3, 1000);
    let options = Options {
        fillers_after: 20,
        ..Options::default()
    };
    let world = World::new(&[&old, &new], &options);
    // First install: the head of the honest history is kept.
    ok(&world.scenario().run(&["install", "1.21.13"]));
    let kept = std::fs::read(world.home().join("sumdb/sumdb.test/latest")).unwrap();
    // Then the database shows another history: a larger tree whose prefix differs.
    let forked_db = world.proxy.db.forked(2);
    world.serve(&world.proxy.with_db(&forked_db));
    let run = world.scenario().run(&["install", "1.22.10"]);
    fails(&run);
    assert!(
        run.stderr.starts_with("error: SECURITY ERROR"),
        "{}",
        run.stderr
    );
    assert!(!world.installed("go1.22.10"));
    assert_eq!(
        std::fs::read(world.home().join("sumdb/sumdb.test/latest")).unwrap(),
        kept,
        "the kept head is unchanged"
    );
}

#[test]
fn gosumdb_off_is_refused_for_a_web_proxy() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    let run = world
        .scenario()
        .env("GOSUMDB", "off")
        .run(&["install", "1.22.10"]);
    fails(&run);
    assert!(run.stderr.contains("GOSUMDB"), "{}", run.stderr);
    assert!(!world.installed("go1.22.10"));
    assert_eq!(world.zip_requests(), 0);
}

#[test]
fn goproxy_lists_pass_on_as_go_does() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    let good = world.server.url();
    // A proxy that answers 404 for everything: `,` passes on.
    let empty = TestServer::start();
    let run = world
        .scenario()
        .env("GOPROXY", format!("{},{good}", empty.url()))
        .env("GOSUMDB", world.proxy.gosumdb_with_url(&good))
        .run(&["install", "1.22.10"]);
    ok(&run);
    assert!(!empty.requests().is_empty(), "the first proxy was asked");

    // A proxy that fails with 500: `,` stops there, `|` passes on.
    let broken = TestServer::start();
    for path in ["/golang.org/toolchain/@v/list"] {
        for _ in 0..10 {
            broken.add_fault(
                path,
                Fault::Status {
                    code: 500,
                    retry_after: None,
                },
            );
        }
    }
    let comma = world
        .scenario()
        .env("GOPIN_HOME", world.dir.path().join("home2"))
        .env("GOPIN_RETRIES", "0")
        .env("GOPROXY", format!("{},{good}", broken.url()))
        .run(&["list-remote"]);
    fails(&comma);
    let pipe = world
        .scenario()
        .env("GOPIN_HOME", world.dir.path().join("home3"))
        .env("GOPIN_RETRIES", "0")
        .env("GOPROXY", format!("{}|{good}", broken.url()))
        .run(&["list-remote"]);
    ok(&pipe);
    assert!(pipe.stdout.contains("go1.22.10"));
}

#[test]
fn hostile_zip_entries_are_refused_naming_them() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let mv = module_version("go1.22.10");
    let outside = tempfile::tempdir().unwrap();
    let absolute = outside.path().join("evil.txt").display().to_string();
    let faults = [
        ZipFault::OutsidePrefix,
        ZipFault::DotDot,
        ZipFault::Symlink {
            name: "bin/link".to_owned(),
            target: "/etc/passwd".to_owned(),
        },
        ZipFault::AbsoluteName(absolute.clone()),
        ZipFault::DuplicateName,
    ];
    for fault in faults {
        let options = Options {
            zip_faults: vec![(mv.clone(), fault.clone())],
            ..Options::default()
        };
        let world = World::new(&[&release], &options);
        let run = world.scenario().run(&["install", "1.22.10"]);
        fails(&run);
        assert!(run.stderr.contains("refused"), "{fault:?}: {}", run.stderr);
        assert!(!world.installed("go1.22.10"), "{fault:?}");
        assert!(!Path::new(&absolute).exists(), "{fault:?}");
        assert!(!world.dir.path().join("evil.txt").exists(), "{fault:?}");
    }
}

#[test]
fn a_toolchain_the_go_command_downloaded_is_installed_without_a_zip_request() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    let mv = module_version("go1.22.10");
    let cached = world
        .modcache()
        .join("cache/download/golang.org/toolchain/@v")
        .join(format!("{mv}.zip"));
    std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
    std::fs::write(&cached, world.proxy.zip("go1.22.10")).unwrap();
    let before = std::fs::read(&cached).unwrap();
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"));
    assert_eq!(world.zip_requests(), 0, "{:?}", world.server.requests());
    assert!(
        run.stderr.contains("using the go command's download"),
        "{}",
        run.stderr
    );
    // Whatever the source: with the default (index), whose index is unreachable here, the go
    // command's download still installs, checked by the database.
    let run = world
        .scenario()
        .env_remove("GOPIN_SOURCE")
        .env("GOPIN_HOME", world.dir.path().join("home-index"))
        .run(&["install", "1.22.10"]);
    ok(&run);
    assert!(
        world
            .dir
            .path()
            .join("home-index/versions/go1.22.10/bin/go")
            .is_file()
    );
    assert_eq!(world.zip_requests(), 0);
    // Checked the same way: a changed cached zip is refused, and GOMODCACHE is left as it was.
    let other = FakeRelease::new("go1.22.10", 4, 1000);
    let changed = GoProxy::build(&[toolchain(&other)], &Options::default());
    std::fs::write(&cached, changed.zip("go1.22.10")).unwrap();
    let run = world
        .scenario()
        .env("GOPIN_HOME", world.dir.path().join("home2"))
        .run(&["install", "1.22.10"]);
    fails(&run);
    assert!(
        run.stderr.contains("does not match the checksum database"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(&cached).unwrap(),
        changed.zip("go1.22.10"),
        "GOMODCACHE untouched"
    );
    assert_ne!(before, changed.zip("go1.22.10"));
}

/// Kill -9 while the zip downloads, then while it unpacks: nothing becomes visible, and the
/// next run resumes the download with Range and finishes.
#[test]
fn sigkill_during_the_download_and_the_unpacking() {
    let release = FakeRelease::new("go1.22.10", 40, 64 * 1024);
    let world = World::new(&[&release], &Options::default());
    let mv = module_version("go1.22.10");
    let zip_path = format!("/golang.org/toolchain/@v/{mv}.zip");
    for step in ["download", "extract"] {
        let mut child = world
            .scenario()
            .env("GOPIN_TEST_PAUSE", step)
            .gopin(&["install", "1.22.10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let marker = world.home().join(format!(".paused-{step}"));
        let started = Instant::now();
        while !marker.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "never reached {step}"
            );
            assert!(child.try_wait().unwrap().is_none(), "exited before {step}");
            std::thread::sleep(Duration::from_millis(10));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let _ = std::fs::remove_file(&marker);
        assert!(
            !world.installed("go1.22.10"),
            "visible after a kill at {step}"
        );
    }
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"));
    let ranges: Vec<Option<String>> = world
        .server
        .requests_for(&zip_path)
        .iter()
        .map(|r| r.header("range").map(str::to_owned))
        .collect();
    assert!(
        ranges.iter().any(|r| r
            .as_deref()
            .is_some_and(|r| r.starts_with("bytes=") && r != "bytes=0-")),
        "a later request resumed: {ranges:?}"
    );
    // Each run unpacked as it downloaded: it fetched the zip's directory first.
    assert!(
        ranges.iter().filter(|r| is_tail_request(r)).count() >= 3,
        "{ranges:?}"
    );
    // No staging folder is left behind.
    let hidden: Vec<_> = std::fs::read_dir(world.home().join("versions"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name())
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// The request for a zip's last bytes (its central directory) that starts unpacking early.
fn is_tail_request(range: &Option<String>) -> bool {
    range.as_deref().is_some_and(|r| r.starts_with("bytes=-"))
}

/// A proxy that ignores `Range` (200 with the whole zip, also for the directory asked for
/// first) still installs: the zip is unpacked after its download, as it was before the
/// overlap. The same setup with `Range` unpacks on the way.
#[test]
fn a_proxy_that_ignores_range_still_installs() {
    let release = FakeRelease::new("go1.22.10", 20, 16 * 1024);
    let world = World::new(&[&release], &Options::default());
    let mv = module_version("go1.22.10");
    for _ in 0..5 {
        world.server.add_fault(
            &format!("/golang.org/toolchain/@v/{mv}.zip"),
            Fault::IgnoreRange,
        );
    }
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"), "{}", run.stderr);
    let ranges = world.zip_ranges("go1.22.10");
    assert!(is_tail_request(&ranges[0]), "{ranges:?}");
    assert_eq!(
        ranges.len(),
        2,
        "the directory, then the whole zip: {ranges:?}"
    );
    let unpacked_after = tree(&world.home().join("versions/go1.22.10"));
    // With Range, same files.
    let run = world
        .scenario()
        .env("GOPIN_HOME", world.dir.path().join("home2"))
        .run(&["install", "1.22.10"]);
    ok(&run);
    assert_eq!(
        tree(&world.dir.path().join("home2/versions/go1.22.10")),
        unpacked_after
    );
}

/// The directory fetched first differs from the zip that then downloads (here one byte of it
/// is corrupted in transit): what was unpacked on the way is thrown away and the finished zip
/// unpacked again, so the install succeeds and matches the database.
#[test]
fn a_directory_that_differs_from_the_finished_zip_is_unpacked_again() {
    let release = FakeRelease::new("go1.22.10", 20, 16 * 1024);
    let world = World::new(&[&release], &Options::default());
    let zip = world.proxy.zip("go1.22.10");
    let mv = module_version("go1.22.10");
    // A byte of the last directory entry's name, in the answer to the first request only.
    world.server.add_fault(
        &format!("/golang.org/toolchain/@v/{mv}.zip"),
        Fault::CorruptByte(zip.len() - 22 - 3),
    );
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"), "{}", run.stderr);
    assert!(is_tail_request(&world.zip_ranges("go1.22.10")[0]));
}

/// A transfer that breaks off resumes with `Range`, and unpacking goes on from where it was:
/// the bytes already read are still the zip's.
#[test]
fn a_broken_transfer_resumes_under_the_unpacking() {
    let release = FakeRelease::new("go1.22.10", 20, 16 * 1024);
    let world = World::new(&[&release], &Options::default());
    let path = format!(
        "/golang.org/toolchain/@v/{}.zip",
        module_version("go1.22.10")
    );
    // The first request (the directory) is served as is; the body breaks off.
    world.server.add_fault(
        &path,
        Fault::Stall {
            after: 0,
            duration: Duration::ZERO,
        },
    );
    world.server.add_fault(&path, Fault::ResetAfter(100_000));
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"), "{}", run.stderr);
    let ranges = world.zip_ranges("go1.22.10");
    assert!(
        ranges.iter().skip(2).any(|r| r
            .as_deref()
            .is_some_and(|r| r.starts_with("bytes=") && !r.starts_with("bytes=-"))),
        "resumed: {ranges:?}"
    );
}

/// A central directory that lies about where its entries are (two entries at one place, an
/// entry past the directory) is refused, whether unpacking follows the download or comes
/// after it; the honest zip in the same setup installs.
#[test]
fn a_central_directory_that_lies_is_refused() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let world = World::new(&[&release], &Options::default());
    let honest = world.proxy.zip("go1.22.10");
    let len = honest.len() as u32;
    let path = format!(
        "/golang.org/toolchain/@v/{}.zip",
        module_version("go1.22.10")
    );
    type Lie = fn(&mut [u32], u32);
    let lies: [(&str, Lie, &str); 3] = [
        (
            "two entries at one place",
            |o, _| o[2] = o[1],
            "overlaps the entry before it",
        ),
        (
            "an entry past the directory",
            |o, len| o[1] = len + 4096,
            "past the start of the central directory",
        ),
        (
            "an entry inside the directory",
            |o, len| o[1] = len - 40,
            "past the start of the central directory",
        ),
    ];
    for (n, (what, lie, why)) in lies.into_iter().enumerate() {
        world
            .server
            .add_file(&path, with_offsets(honest, |o| lie(o, len)));
        for ignore_range in [false, true] {
            if ignore_range {
                for _ in 0..3 {
                    world.server.add_fault(&path, Fault::IgnoreRange);
                }
            }
            let home = world.dir.path().join(format!("home-{n}-{ignore_range}"));
            let run = world
                .scenario()
                .env("GOPIN_HOME", &home)
                .run(&["install", "1.22.10"]);
            fails(&run);
            assert!(
                run.stderr.contains("refused") && run.stderr.contains(why),
                "{what} (ignoring Range: {ignore_range}): {}",
                run.stderr
            );
            assert!(!home.join("versions/go1.22.10").exists(), "{what}");
        }
    }
    world.server.add_file(&path, honest);
    ok(&world.scenario().run(&["install", "1.22.10"]));
    assert!(world.installed("go1.22.10"));
}
