//! `GOPIN_SUMDB_CHECK`: archives from the index cross-checked against Go's checksum database.
//!
//! One loopback server holds a go.dev-shaped index with its archives and the module proxy and
//! checksum database of `tests/support/goproxy.rs`, built from the same trees (the real go
//! command accepts that database: e2e/goproxy.sh). The trees carry what the module form leaves
//! out (`api/`, `doc/`, `test/`) and renames (`go.mod`), so the module-form rule is exercised
//! whole. Every refusal sits beside an honest install in the same setup.

mod support;

use std::path::PathBuf;
use support::fake_go::{FakeRelease, index_json, platform};
use support::goproxy::{GoFile, GoProxy, Options, Toolchain};
use support::harness::{Run, Scenario};
use support::http_server::TestServer;

/// go.dev's platform for this machine, as module versions name it.
fn goos_goarch() -> (&'static str, &'static str) {
    let (os, arch) = platform();
    (os, if arch == "armv6l" { "arm" } else { arch })
}

/// A Go tree with every kind of file the module form treats specially.
fn tree(version: &str, goos: &str, goarch: &str) -> Toolchain {
    let (os, arch) = platform();
    let files = vec![
        GoFile::new(
            "VERSION",
            format!("{version}\ntime 2024-01-01T00:00:00Z\n"),
            0o644,
        ),
        GoFile::new(
            "bin/go",
            format!("#!/bin/sh\necho go version {version} {os}/{arch}\n"),
            0o755,
        ),
        GoFile::new("bin/gofmt", "#!/bin/sh\necho gofmt\n", 0o755),
        GoFile::new("go.env", "GOPROXY=https://proxy.golang.org,direct\n", 0o644),
        GoFile::new("src/go.mod", "module std\n\ngo 1.22\n", 0o644),
        GoFile::new("src/cmd/go.mod", "module cmd\n\ngo 1.22\n", 0o644),
        GoFile::new(
            "src/fmt/print.go",
            format!("package fmt // {version}\n"),
            0o644,
        ),
        GoFile::new("src/make.bash", "#!/bin/bash\n", 0o755),
        GoFile::new("api/go1.txt", "pkg fmt, func Println\n", 0o644),
        GoFile::new("doc/go_spec.html", "<p>spec</p>\n", 0o644),
        GoFile::new("test/fixedbugs/go.mod", "module test\n", 0o644),
        GoFile::new("test/run.go", "package main\n", 0o644),
        GoFile::new("pkg/tool/linux_amd64/compile", vec![7u8; 70_000], 0o755),
    ];
    Toolchain::new(version, goos, goarch, files)
}

fn here(version: &str) -> Toolchain {
    let (os, arch) = goos_goarch();
    tree(version, os, arch)
}

/// Changes one byte of a file the module form keeps.
fn tamper(files: &mut [GoFile]) {
    let file = files
        .iter_mut()
        .find(|f| f.path == "src/fmt/print.go")
        .unwrap();
    file.bytes[0] ^= 0x20;
}

/// The index, its archives and the database on one loopback server, and a temporary home.
struct World {
    dir: tempfile::TempDir,
    server: TestServer,
    proxy: GoProxy,
}

impl World {
    /// `toolchains` go into the database; `releases` (the archives the index lists) may differ.
    fn new(toolchains: &[Toolchain], releases: &[&FakeRelease]) -> World {
        let proxy = GoProxy::build(toolchains, &Options::default());
        let server = TestServer::start();
        for (path, bytes) in &proxy.files {
            server.add_file(&format!("/{path}"), bytes.clone());
        }
        server.add_file("/index.json", index_json(releases));
        for release in releases {
            server.add_file(&format!("/dl/{}", release.filename), release.bytes.clone());
        }
        let world = World {
            dir: tempfile::tempdir().unwrap(),
            server,
            proxy,
        };
        std::fs::create_dir_all(world.work()).unwrap();
        world
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// The index route, with the database reached through the server as a proxy.
    fn scenario(&self) -> Scenario {
        Scenario::new(self.home(), self.work())
            .env("GOPIN_INDEX_URL", self.server.url_for("/index.json"))
            .env("GOPIN_DOWNLOAD_URL", self.server.url_for("/dl/"))
            .env("GOPROXY", self.server.url())
            .env("GOSUMDB", self.proxy.gosumdb())
            .env("GOMODCACHE", self.dir.path().join("modcache"))
    }

    fn installed(&self, version: &str) -> bool {
        self.home()
            .join("versions")
            .join(version)
            .join("bin/go")
            .is_file()
    }

    fn lookups(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.target.contains("/lookup/"))
            .count()
    }

    fn archive_requests(&self) -> usize {
        self.server
            .requests()
            .iter()
            .filter(|r| r.target.starts_with("/dl/"))
            .count()
    }

    fn published_h1(&self, version: &str) -> String {
        self.proxy
            .published
            .iter()
            .find(|p| p.version == version)
            .unwrap()
            .h1
            .clone()
    }
}

fn ok(run: &Run) -> &Run {
    run.assert_code(0)
}

fn fails(run: &Run) -> &Run {
    run.assert_code(1);
    assert!(run.stderr.contains("error:"), "{}", run.stderr);
    run
}

fn warnings(run: &Run) -> usize {
    run.stderr.matches("warning:").count()
}

#[test]
fn the_real_archive_passes_and_the_database_was_asked() {
    let tc = here("go1.22.10");
    let release = FakeRelease::of_toolchain(&tc, |_| {});
    let world = World::new(&[tc], &[&release]);
    let run = world.scenario().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"));
    assert_eq!(warnings(&run), 0, "{}", run.stderr);
    let h1 = world.published_h1("go1.22.10");
    assert!(
        run.stderr.contains("cross-checked go1.22.10") && run.stderr.contains(&h1),
        "{}",
        run.stderr
    );
    assert_eq!(world.lookups(), 1);
    // The whole tree is there, the module form's omissions included: nothing but the hash
    // uses the module form.
    let root = world.home().join("versions/go1.22.10");
    for file in ["api/go1.txt", "test/fixedbugs/go.mod", "src/go.mod"] {
        assert!(root.join(file).is_file(), "{file}");
    }
    assert!(!root.join("src/_go.mod").exists());
    // why and doctor say what it was checked against.
    let why = world
        .scenario()
        .env("GOPIN_TOOLCHAIN", "1.22.10")
        .run(&["why"]);
    ok(&why);
    assert!(
        why.stdout
            .contains("verified: checked against the checksum database sumdb.test")
            && why.stdout.contains(&h1),
        "{}",
        why.stdout
    );
    let doctor = world
        .scenario()
        .env("GOPIN_TOOLCHAIN", "1.22.10")
        .run(&["doctor", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let check = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "selection.verified")
        .unwrap_or_else(|| panic!("{}", doctor.stdout));
    assert_eq!(check["status"], "pass", "{check}");
    assert!(
        check["summary"].as_str().unwrap().contains("tree head of"),
        "{check}"
    );
    // Reinstalling from the kept archive checks again, from the cached lookup.
    let again = world.scenario().run(&["install", "--force", "1.22.10"]);
    ok(&again);
    assert!(
        again.stderr.contains("using the verified archive"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("cross-checked"), "{}", again.stderr);
}

#[test]
fn a_changed_tarball_with_a_matching_sha256_is_refused_naming_both_hashes() {
    let honest = here("go1.22.10");
    let victim = here("go1.22.9");
    let good = FakeRelease::of_toolchain(&honest, |_| {});
    // The index's SHA-256 is the changed archive's own: only the database can tell.
    let changed = FakeRelease::of_toolchain(&victim, tamper);
    let world = World::new(&[honest, victim], &[&good, &changed]);

    let run = world.scenario().run(&["install", "1.22.9"]);
    fails(&run);
    assert!(!world.installed("go1.22.9"));
    let listed = world.published_h1("go1.22.9");
    assert!(run.stderr.contains(&listed), "{}", run.stderr);
    assert!(
        run.stderr.contains("not the toolchain Go published")
            && run
                .stderr
                .contains("the archive's module form hashes to  h1:"),
        "{}",
        run.stderr
    );
    // The changed archive is not kept for a later install, and nothing is half-visible.
    let downloads = world.home().join("downloads").join(&changed.filename);
    assert!(!downloads.exists());
    let leftovers: Vec<_> = std::fs::read_dir(world.home().join("versions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The honest release in the same setup installs.
    ok(&world.scenario().run(&["install", "1.22.10"]));
    assert!(world.installed("go1.22.10"));
    // With the check off, the changed one installs on its SHA-256: the switch is real.
    let off = world
        .scenario()
        .env("GOPIN_SUMDB_CHECK", "off")
        .run(&["install", "1.22.9"]);
    ok(&off);
    assert!(world.installed("go1.22.9"));
}

#[test]
fn a_change_inside_what_the_module_form_leaves_out_is_not_seen() {
    // The database vouches for the module form only: api/, doc/, misc/ and test/ are outside
    // it (README: what the cross-check guarantees). A change there passes; one byte elsewhere
    // does not (the test above).
    let tc = here("go1.22.10");
    let release = FakeRelease::of_toolchain(&tc, |files| {
        files
            .iter_mut()
            .find(|f| f.path == "test/run.go")
            .unwrap()
            .bytes[0] ^= 1;
    });
    let world = World::new(&[tc], &[&release]);
    ok(&world.scenario().run(&["install", "1.22.10"]));
}

#[test]
fn an_unreachable_database_warns_once_with_auto_and_fails_with_require() {
    let tc = here("go1.22.10");
    let release = FakeRelease::of_toolchain(&tc, |_| {});
    let world = World::new(&[tc], &[&release]);
    let dead = TestServer::start();
    let dead_url = dead.url();
    dead.stop();
    let unreachable = || {
        world
            .scenario()
            .env("GOSUMDB", world.proxy.gosumdb_with_url(&dead_url))
            .env("GOPIN_RETRIES", "3")
    };

    let strict = unreachable()
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.22.10"]);
    fails(&strict);
    assert!(
        strict.stderr.contains("GOPIN_SUMDB_CHECK"),
        "{}",
        strict.stderr
    );
    assert!(!world.installed("go1.22.10"));

    let run = unreachable().run(&["install", "1.22.10"]);
    ok(&run);
    assert!(world.installed("go1.22.10"));
    assert_eq!(warnings(&run), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("on its SHA-256 alone") && run.stderr.contains("sumdb.test"),
        "{}",
        run.stderr
    );
    let why = world
        .scenario()
        .env("GOPIN_TOOLCHAIN", "1.22.10")
        .run(&["why"]);
    assert!(
        why.stdout.contains("verified: SHA-256 only"),
        "{}",
        why.stdout
    );

    // The database reachable again: the same setup checks.
    let checked = world.scenario().run(&["install", "--force", "1.22.10"]);
    ok(&checked);
    assert!(
        checked.stderr.contains("cross-checked"),
        "{}",
        checked.stderr
    );
    assert_eq!(warnings(&checked), 0, "{}", checked.stderr);
}

#[test]
fn gosumdb_off_warns_with_auto_and_is_refused_with_require_before_any_download() {
    let tc = here("go1.22.10");
    let release = FakeRelease::of_toolchain(&tc, |_| {});
    let world = World::new(&[tc], &[&release]);
    let strict = world
        .scenario()
        .env("GOSUMDB", "off")
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.22.10"]);
    fails(&strict);
    assert!(
        strict.stderr.contains("GOPIN_SUMDB_CHECK") && strict.stderr.contains("GOSUMDB"),
        "{}",
        strict.stderr
    );
    assert_eq!(world.archive_requests(), 0, "refused before downloading");

    let run = world
        .scenario()
        .env("GOSUMDB", "off")
        .run(&["install", "1.22.10"]);
    ok(&run);
    assert_eq!(warnings(&run), 1, "{}", run.stderr);
    assert!(run.stderr.contains("GOSUMDB"), "{}", run.stderr);
    assert_eq!(world.lookups(), 0);
}

#[test]
fn a_release_before_go1_21_0_installs_on_its_sha256_and_require_refuses_it() {
    // go1.20 was not built by cmd/distpack: its archive and its module differ by design.
    let old = here("go1.20.14");
    let release = FakeRelease::of_toolchain(&old, |_| {});
    let new = here("go1.22.10");
    let current = FakeRelease::of_toolchain(&new, |_| {});
    let world = World::new(&[old, new], &[&release, &current]);

    let strict = world
        .scenario()
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.20.14"]);
    fails(&strict);
    assert!(
        strict.stderr.contains("before go1.21.0") && strict.stderr.contains("GOPIN_SUMDB_CHECK"),
        "{}",
        strict.stderr
    );
    assert_eq!(world.archive_requests(), 0);
    // require still installs what it can check.
    ok(&world
        .scenario()
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.22.10"]));

    let run = world.scenario().run(&["install", "1.20.14"]);
    ok(&run);
    assert_eq!(warnings(&run), 0, "{}", run.stderr);
    let doctor = world
        .scenario()
        .env("GOPIN_TOOLCHAIN", "1.20.14")
        .run(&["doctor"]);
    assert!(
        doctor
            .stdout
            .contains("go1.20.14 was verified by its SHA-256 alone"),
        "{}",
        doctor.stdout
    );
}

#[test]
fn install_archive_gets_the_same_check_and_keeps_the_users_file() {
    let honest = here("go1.22.10");
    let victim = here("go1.22.9");
    let good = FakeRelease::of_toolchain(&honest, |_| {});
    let changed = FakeRelease::of_toolchain(&victim, tamper);
    let world = World::new(&[honest, victim], &[]);
    let file = |release: &FakeRelease| {
        let path = world.work().join(&release.filename);
        std::fs::write(&path, &release.bytes).unwrap();
        path
    };
    let bad = file(&changed);
    let run = world.scenario().run(&[
        "install",
        "--archive",
        bad.to_str().unwrap(),
        "--sha256",
        &changed.sha256,
    ]);
    fails(&run);
    assert!(
        run.stderr.contains(&world.published_h1("go1.22.9")),
        "{}",
        run.stderr
    );
    assert!(bad.is_file(), "the user's own file is not deleted");
    assert!(!world.installed("go1.22.9"));

    let fine = file(&good);
    let run = world.scenario().run(&[
        "install",
        "--archive",
        fine.to_str().unwrap(),
        "--sha256",
        &good.sha256,
    ]);
    ok(&run);
    assert!(run.stderr.contains("cross-checked"), "{}", run.stderr);
    assert!(world.installed("go1.22.10"));
}

#[test]
fn a_windows_zip_is_checked_by_the_same_rule() {
    // A Windows release is a .zip; its module form is made the same way. The platform comes
    // from the file name, so the database is asked for the windows module.
    let honest = tree("go1.22.10", "windows", "amd64");
    let victim = tree("go1.22.9", "windows", "amd64");
    let good = FakeRelease::of_toolchain(&honest, |_| {});
    let changed = FakeRelease::of_toolchain(&victim, tamper);
    assert!(good.filename.ends_with(".windows-amd64.zip"));
    let world = World::new(&[honest, victim], &[]);
    let install = |release: &FakeRelease| {
        let path = world.work().join(&release.filename);
        std::fs::write(&path, &release.bytes).unwrap();
        world.scenario().run(&[
            "install",
            "--archive",
            path.to_str().unwrap(),
            "--sha256",
            &release.sha256,
        ])
    };
    let run = install(&changed);
    fails(&run);
    assert!(
        run.stderr.contains(&world.published_h1("go1.22.9")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("windows-amd64"), "{}", run.stderr);

    let run = install(&good);
    ok(&run);
    assert!(
        run.stderr.contains("cross-checked")
            && run.stderr.contains(&world.published_h1("go1.22.10")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_gopin_sumdb_check_is_an_error_naming_it() {
    let tc = here("go1.22.10");
    let release = FakeRelease::of_toolchain(&tc, |_| {});
    let world = World::new(&[tc], &[&release]);
    let run = world
        .scenario()
        .env("GOPIN_SUMDB_CHECK", "yes")
        .run(&["install", "1.22.10"]);
    fails(&run);
    assert!(run.stderr.contains("GOPIN_SUMDB_CHECK"), "{}", run.stderr);
    assert!(!world.installed("go1.22.10"));
    ok(&world
        .scenario()
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.22.10"]));
}
