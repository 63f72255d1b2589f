//! `gopin mirror --goproxy`: a static module proxy with the checksum database's answers inside,
//! made from the loopback proxy and database of `tests/support/goproxy.rs` (the `goproxy`
//! source) or from an index and its tarballs checked against that database (the `index`
//! source), then installed from with the origin stopped: as `GOPROXY=file://DIR` and as DIR
//! served over loopback HTTP, the database reached through the proxy (`GOSUMDB=<name>+<key>`).
//! Each refusal sits beside the honest case in the same setup.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use support::fake_go::{FakeRelease, hex, index_json, platform};
use support::goproxy::{GoProxy, Options, Toolchain, h1_of_entries, module_entries};
use support::harness::{Run, Scenario};
use support::http_server::TestServer;

const NAME: &str = "sumdb.test";

/// go.dev's platform for this machine, as module versions name it.
fn goos_goarch() -> (&'static str, &'static str) {
    let (os, arch) = platform();
    (os, if arch == "armv6l" { "arm" } else { arch })
}

fn module_version(version: &str) -> String {
    let (os, arch) = goos_goarch();
    format!("v0.0.1-{version}.{os}-{arch}")
}

/// A release archive whose tree has what the module form leaves out or renames: `go.mod`
/// files, and the top-level `api/`, `doc/`, `misc/` and `test/` folders. `change` appends a
/// line to `src/fmt/print.go` (an archive that is not the release the database lists).
fn release(version: &str, change: bool) -> FakeRelease {
    let (os, arch) = platform();
    let mut print = b"package fmt\n".to_vec();
    if change {
        print.extend_from_slice(b"// changed\n");
    }
    let files: Vec<(String, Vec<u8>, u32)> = vec![
        (
            "go/VERSION".into(),
            format!("{version}\ntime 2024-12-03T17:56:37Z\n").into_bytes(),
            0o644,
        ),
        (
            "go/bin/go".into(),
            format!("#!/bin/sh\necho go version {version} {os}/{arch}\n").into_bytes(),
            0o755,
        ),
        (
            "go/bin/gofmt".into(),
            b"#!/bin/sh\necho gofmt\n".to_vec(),
            0o755,
        ),
        ("go/src/go.mod".into(), b"module std\n".to_vec(), 0o644),
        ("go/src/cmd/go.mod".into(), b"module cmd\n".to_vec(), 0o644),
        ("go/src/fmt/print.go".into(), print, 0o644),
        ("go/src/make.bash".into(), b"#!/bin/bash\n".to_vec(), 0o755),
        ("go/api/go1.txt".into(), b"pkg fmt\n".to_vec(), 0o644),
        ("go/doc/go_spec.html".into(), b"<html>\n".to_vec(), 0o644),
        ("go/misc/wasm/wasm_exec.js".into(), b"js\n".to_vec(), 0o644),
        (
            "go/test/fixedbugs/go.mod".into(),
            b"module x\n".to_vec(),
            0o644,
        ),
        ("go/pkg/tool/x/compile".into(), vec![7u8; 3000], 0o755),
    ];
    let mut tar = tar::Builder::new(Vec::new());
    for (path, data, mode) in &files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(*mode);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, data.as_slice()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar.into_inner().unwrap()).unwrap();
    let bytes = gz.finish().unwrap();
    use sha2::Digest;
    FakeRelease {
        version: version.to_owned(),
        filename: format!("{version}.{os}-{arch}.tar.gz"),
        sha256: hex(&sha2::Sha256::digest(&bytes)),
        bytes,
    }
}

fn toolchain(release: &FakeRelease) -> Toolchain {
    let (os, arch) = goos_goarch();
    Toolchain::from_tar_gz(&release.version, os, arch, &release.bytes).unwrap()
}

/// The origin: one loopback server with the fixture proxy and database at its root, and
/// `index.json` plus the tarballs, as go.dev and proxy.golang.org would serve them.
struct Origin {
    dir: tempfile::TempDir,
    server: TestServer,
    proxy: GoProxy,
}

impl Origin {
    fn new(toolchains: &[Toolchain], options: &Options) -> Origin {
        let origin = Origin {
            dir: tempfile::tempdir().unwrap(),
            server: TestServer::start(),
            proxy: GoProxy::build(toolchains, options),
        };
        origin.serve(&origin.proxy.clone());
        std::fs::create_dir_all(origin.work()).unwrap();
        origin
    }

    fn serve(&self, proxy: &GoProxy) {
        for (path, bytes) in &proxy.files {
            self.server.add_file(&format!("/{path}"), bytes.clone());
        }
    }

    /// Serves an index listing `releases` and their tarballs.
    fn serve_index(&self, releases: &[&FakeRelease]) {
        self.server.add_file("/index.json", index_json(releases));
        for r in releases {
            self.server
                .add_file(&format!("/{}", r.filename), r.bytes.clone());
        }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn mirror(&self) -> PathBuf {
        self.dir.path().join("mirror")
    }

    fn home(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// gopin with this origin as GOPROXY, index and download URL.
    fn scenario(&self, home: &str, source: &str) -> Scenario {
        Scenario::new(self.home(home), self.work())
            .env("GOPIN_SOURCE", source)
            .env("GOPROXY", self.server.url())
            .env("GOSUMDB", self.proxy.gosumdb())
            .env("GOMODCACHE", self.dir.path().join("no-modcache"))
            .env("GOPIN_INDEX_URL", self.server.url_for("/index.json"))
            .env("GOPIN_DOWNLOAD_URL", self.server.url_for("/"))
    }

    fn mirror_goproxy(&self, home: &str, source: &str, specs: &[&str]) -> Run {
        let mirror = self.mirror();
        let mut args = vec!["mirror", "--goproxy", "--to", mirror.to_str().unwrap()];
        args.extend_from_slice(specs);
        self.scenario(home, source).run(&args)
    }

    /// gopin installing from the mirror folder alone: GOPIN_SOURCE=goproxy, `proxy` as
    /// GOPROXY (file:// or a server of the folder), the database through it.
    fn install_from(&self, proxy: &str, home: &str, spec: &str) -> Run {
        Scenario::new(self.home(home), self.work())
            .env("GOPIN_SOURCE", "goproxy")
            .env("GOPROXY", proxy)
            .env("GOSUMDB", self.proxy.gosumdb())
            .env("GOMODCACHE", self.dir.path().join("no-modcache"))
            .env("GOPIN_INDEX_URL", "http://127.0.0.1:9/unused-index.json")
            .run(&["install", spec])
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

fn installed(home: &Path, version: &str) -> bool {
    home.join("versions").join(version).join("bin/go").is_file()
}

/// Every file under `dir`, by its path relative to `dir`.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// A loopback server of the folder's files, as any static server would serve them.
fn serve_folder(dir: &Path) -> TestServer {
    let server = TestServer::start();
    for (path, bytes) in files_under(dir) {
        server.add_file(&format!("/{path}"), bytes);
    }
    server
}

/// The folder's database answers: `supported`, one head in `latest` and at the end of every
/// lookup answer.
fn check_answers(mirror: &Path, module_versions: &[String]) -> Vec<u8> {
    let db = mirror.join("sumdb").join(NAME);
    assert_eq!(std::fs::read(db.join("supported")).unwrap(), b"");
    let latest = std::fs::read(db.join("latest")).unwrap();
    for mv in module_versions {
        let answer = std::fs::read(db.join(format!("lookup/golang.org/toolchain@{mv}"))).unwrap();
        assert!(answer.ends_with(&latest), "{mv}: not at the final head");
        let text = String::from_utf8(answer).unwrap();
        assert!(
            text.contains(&format!("\ngolang.org/toolchain {mv} h1:")),
            "{text}"
        );
    }
    latest
}

#[test]
fn from_the_goproxy_source_then_installed_from_the_folder_alone() {
    let releases: Vec<FakeRelease> = ["go1.20.14", "go1.22.10", "go1.23.4"]
        .iter()
        .map(|v| FakeRelease::new(v, 3, 1000))
        .collect();
    let toolchains: Vec<Toolchain> = releases.iter().map(toolchain).collect();
    let options = Options {
        fillers_before: 300,
        fillers_after: 40,
        ..Options::default()
    };
    let origin = Origin::new(&toolchains, &options);
    // A fuzzy spec, and a release before go1.21 (the proxy has its zip; nothing is built).
    let run = origin.mirror_goproxy("home-mirror", "goproxy", &["1.22", "1.20.14"]);
    ok(&run);
    assert!(
        run.stderr.contains("mirrored golang.org/toolchain@"),
        "{}",
        run.stderr
    );
    let mvs = [module_version("go1.20.14"), module_version("go1.22.10")];
    let mirror = origin.mirror();
    let v = mirror.join("golang.org/toolchain/@v");
    assert_eq!(
        std::fs::read_to_string(v.join("list")).unwrap(),
        format!("{}\n{}\n", mvs[0], mvs[1])
    );
    for mv in &mvs {
        assert_eq!(
            std::fs::read(v.join(format!("{mv}.zip"))).unwrap(),
            origin.proxy.zip(mv),
            "the proxy's zip, byte for byte"
        );
        assert_eq!(
            std::fs::read(v.join(format!("{mv}.mod"))).unwrap(),
            b"module golang.org/toolchain\n"
        );
        assert_eq!(
            std::fs::read_to_string(v.join(format!("{mv}.info"))).unwrap(),
            format!("{{\"Version\":\"{mv}\",\"Time\":\"2024-01-01T00:00:00Z\"}}\n")
        );
    }
    let latest = check_answers(&mirror, &mvs);
    // The folder's head is the one the mirror's own gopin kept.
    assert_eq!(
        std::fs::read(
            origin
                .home("home-mirror")
                .join(format!("sumdb/{NAME}/latest"))
        )
        .unwrap(),
        latest
    );
    // The partial tiles of exactly the head's width (343 records: 0/001.p/87, 1/000.p/1).
    let tiles = mirror.join(format!("sumdb/{NAME}/tile/8"));
    assert!(tiles.join("0/001.p/87").is_file());
    assert!(tiles.join("1/000.p/1").is_file());
    assert!(
        !tiles.join("data").exists(),
        "no data tiles: a lookup reads none"
    );
    // The origin is gone: the folder alone serves.
    origin.server.stop();
    let file_url = format!("file://{}", mirror.display());
    let run = origin.install_from(&file_url, "home-file", "1.22.10");
    ok(&run);
    assert!(
        installed(&origin.home("home-file"), "go1.22.10"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("as the checksum database lists"),
        "{}",
        run.stderr
    );
    let folder = serve_folder(&mirror);
    for spec in ["1.22", "1.20.14"] {
        let run = origin.install_from(&folder.url(), "home-http", spec);
        ok(&run);
    }
    assert!(installed(&origin.home("home-http"), "go1.22.10"));
    assert!(installed(&origin.home("home-http"), "go1.20.14"));
    let asked: Vec<String> = folder.requests().iter().map(|r| r.target.clone()).collect();
    assert!(
        asked.contains(&format!("/sumdb/{NAME}/supported")),
        "the database through the proxy: {asked:?}"
    );
    // A version the folder does not have is not found (the list says which it has).
    let run = origin.install_from(&folder.url(), "home-http", "1.23.4");
    fails(&run);
    assert!(!installed(&origin.home("home-http"), "go1.23.4"));
}

#[test]
fn another_platform_brings_the_linux_amd64_info_along() {
    let release = FakeRelease::new("go1.22.10", 3, 1000);
    let darwin = Toolchain::from_tar_gz("go1.22.10", "darwin", "arm64", &release.bytes).unwrap();
    let origin = Origin::new(&[darwin], &Options::default());
    let run = origin.mirror_goproxy(
        "home-mirror",
        "goproxy",
        &["--os", "darwin", "--arch", "arm64", "1.22.10"],
    );
    ok(&run);
    let v = origin.mirror().join("golang.org/toolchain/@v");
    let mv = "v0.0.1-go1.22.10.darwin-arm64";
    assert_eq!(
        std::fs::read_to_string(v.join("list")).unwrap(),
        format!("{mv}\n")
    );
    assert!(v.join(format!("{mv}.zip")).is_file());
    // `go get toolchain@go1.22.10` asks for linux-amd64's .info on every platform.
    let linux = "v0.0.1-go1.22.10.linux-amd64";
    assert_eq!(
        std::fs::read_to_string(v.join(format!("{linux}.info"))).unwrap(),
        format!("{{\"Version\":\"{linux}\",\"Time\":\"2024-01-01T00:00:00Z\"}}\n")
    );
    assert!(v.join(format!("{linux}.mod")).is_file());
    assert!(!v.join(format!("{linux}.zip")).exists());
    check_answers(&origin.mirror(), &[mv.to_owned()]);
}

#[test]
fn from_the_index_source_the_module_form_is_built_and_installs() {
    let honest = release("go1.22.10", false);
    let origin = Origin::new(
        &[toolchain(&honest)],
        &Options {
            fillers_before: 260,
            ..Options::default()
        },
    );
    origin.serve_index(&[&honest]);
    let mirror = origin.mirror();
    // The go.dev-shaped mirror and the module proxy share one folder.
    let to = mirror.to_str().unwrap();
    ok(&origin
        .scenario("home-mirror", "index")
        .run(&["mirror", "--to", to, "1.22.10"]));
    let run = origin.mirror_goproxy("home-mirror", "index", &["1.22.10"]);
    ok(&run);
    assert!(
        run.stderr.contains("using the verified archive"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("built golang.org/toolchain@"),
        "{}",
        run.stderr
    );
    let mv = module_version("go1.22.10");
    assert!(mirror.join("index.json").is_file());
    assert!(mirror.join(&honest.filename).is_file());
    let zip = mirror.join(format!("golang.org/toolchain/@v/{mv}.zip"));
    // Not the fixture's bytes, but the same module: the database's h1.
    let entries = module_entries(&toolchain(&honest));
    assert_eq!(h1_of_entries(&entries), origin.proxy.published[0].h1);
    let names = zip_names(&zip);
    let mut want: Vec<String> = entries.iter().map(|e| e.name.clone()).collect();
    want.sort();
    let mut got = names.clone();
    got.sort();
    assert_eq!(got, want);
    assert!(names.iter().any(|n| n.ends_with("/src/_go.mod")));
    assert!(
        !names
            .iter()
            .any(|n| n.contains("/api/") || n.contains("/test/"))
    );
    check_answers(&mirror, std::slice::from_ref(&mv));
    assert!(
        std::fs::read_to_string(mirror.join(format!("golang.org/toolchain/@v/{mv}.info")))
            .unwrap()
            .contains("\"Time\":\"2024-12-03T17:56:37Z\"")
    );

    origin.server.stop();
    let folder = serve_folder(&mirror);
    let run = origin.install_from(&folder.url(), "home-http", "1.22.10");
    ok(&run);
    let home = origin.home("home-http");
    assert!(installed(&home, "go1.22.10"), "{}", run.stderr);
    let goroot = home.join("versions/go1.22.10");
    assert_eq!(
        std::fs::read(goroot.join("src/go.mod")).unwrap(),
        b"module std\n"
    );
    assert!(!goroot.join("api").exists());

    // The go.dev-shaped half of the same folder, through the index source, cross-checked
    // against the database answers beside it: no other network, GOPIN_SUMDB_CHECK=require.
    let run = Scenario::new(origin.home("home-index"), origin.work())
        .env("GOPIN_INDEX_URL", folder.url_for("/index.json"))
        .env("GOPIN_DOWNLOAD_URL", folder.url_for("/"))
        .env("GOPROXY", folder.url())
        .env("GOSUMDB", origin.proxy.gosumdb())
        .env("GOMODCACHE", origin.dir.path().join("no-modcache"))
        .env("GOPIN_SUMDB_CHECK", "require")
        .run(&["install", "1.22.10"]);
    ok(&run);
    assert!(
        run.stderr.contains("cross-checked go1.22.10"),
        "{}",
        run.stderr
    );
    assert!(installed(&origin.home("home-index"), "go1.22.10"));
    assert!(
        origin
            .home("home-index")
            .join("versions/go1.22.10/api")
            .exists()
    );
}

fn zip_names(zip: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
        .collect()
}

#[test]
fn a_changed_tarball_is_refused_naming_both_hashes() {
    let honest = release("go1.22.10", false);
    let changed = release("go1.22.10", true);
    // The database lists the honest release; the index lists the changed one with its own
    // SHA-256 (a mirror that substituted a toolchain and fixed up the sum).
    let origin = Origin::new(&[toolchain(&honest)], &Options::default());
    origin.serve_index(&[&changed]);
    let run = origin.mirror_goproxy("home-mirror", "index", &["1.22.10"]);
    fails(&run);
    let listed = &origin.proxy.published[0].h1;
    let computed = h1_of_entries(&module_entries(&toolchain(&changed)));
    assert_ne!(listed, &computed);
    assert!(
        run.stderr.contains("does not match the checksum database"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(listed.as_str()), "{}", run.stderr);
    assert!(run.stderr.contains(computed.as_str()), "{}", run.stderr);
    let mirror = origin.mirror();
    let leftovers: Vec<String> = files_under(&mirror)
        .into_keys()
        .filter(|p| p.ends_with(".zip") || p.contains("lookup"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The changed archive is not kept in the downloads cache.
    assert!(
        !origin
            .home("home-mirror")
            .join("downloads")
            .join(&changed.filename)
            .exists()
    );
    // The honest archive, same setup: mirrored (a fresh home: the old one cached the index).
    origin.serve_index(&[&honest]);
    ok(&origin.mirror_goproxy("home-mirror-2", "index", &["1.22.10"]));
    assert!(
        mirror
            .join(format!(
                "golang.org/toolchain/@v/{}.zip",
                module_version("go1.22.10")
            ))
            .is_file()
    );
}

#[test]
fn a_rerun_adds_a_version_and_moves_every_answer_to_the_new_head() {
    let releases: Vec<FakeRelease> = ["go1.22.10", "go1.23.4"]
        .iter()
        .map(|v| FakeRelease::new(v, 3, 1000))
        .collect();
    let toolchains: Vec<Toolchain> = releases.iter().map(toolchain).collect();
    let options = Options {
        fillers_before: 300,
        fillers_after: 250,
        ..Options::default()
    };
    let origin = Origin::new(&toolchains, &options);
    let full = origin.proxy.db.clone();
    // At first the database holds go1.22.10 but not yet go1.23.4.
    let first = origin.proxy.published[0].record_id + 1;
    assert_eq!(origin.proxy.published[1].record_id, first);
    origin.serve(&origin.proxy.with_db(&full.truncated(first)));
    ok(&origin.mirror_goproxy("home-mirror", "goproxy", &["1.22.10"]));
    let mirror = origin.mirror();
    let mvs = [module_version("go1.22.10"), module_version("go1.23.4")];
    let head1 = check_answers(&mirror, &mvs[..1]);
    assert!(String::from_utf8_lossy(&head1).contains(&format!("\n{first}\n")));
    // A client installs from the folder and keeps that head.
    let folder = serve_folder(&mirror);
    ok(&origin.install_from(&folder.url(), "home-client", "1.22.10"));
    folder.stop();

    // The database grew; the re-run adds go1.23.4.
    origin.serve(&origin.proxy);
    let run = origin.mirror_goproxy("home-mirror", "goproxy", &["1.23.4"]);
    ok(&run);
    let head2 = check_answers(&mirror, &mvs);
    assert_ne!(head1, head2);
    assert!(String::from_utf8_lossy(&head2).contains(&format!("\n{}\n", full.size())));
    assert_eq!(
        std::fs::read_to_string(mirror.join("golang.org/toolchain/@v/list")).unwrap(),
        format!("{}\n{}\n", mvs[0], mvs[1])
    );
    origin.server.stop();
    let folder = serve_folder(&mirror);
    // The first version still installs from the folder at the new head, for a new client...
    ok(&origin.install_from(&folder.url(), "home-new", "1.22.10"));
    assert!(installed(&origin.home("home-new"), "go1.22.10"));
    // ...and the client that kept the old head checks that the new one extends it.
    let run = origin.install_from(&folder.url(), "home-client", "1.23.4");
    ok(&run);
    assert!(
        installed(&origin.home("home-client"), "go1.23.4"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read(
            origin
                .home("home-client")
                .join(format!("sumdb/{NAME}/latest"))
        )
        .unwrap(),
        head2
    );
    let misses: Vec<String> = folder
        .requests()
        .iter()
        .filter(|r| r.target.contains("/tile/"))
        .map(|r| r.target.clone())
        .filter(|t| !mirror.join(t.trim_start_matches('/')).is_file())
        .collect();
    assert!(
        misses.is_empty(),
        "tiles asked for that the folder lacks: {misses:?}"
    );
}

#[test]
fn a_release_before_go1_21_from_the_index_is_refused() {
    let origin = Origin::new(&[], &Options::default());
    let old = FakeRelease::new("go1.20.14", 1, 100);
    origin.serve_index(&[&old]);
    let run = origin.mirror_goproxy("home-mirror", "index", &["1.20.14"]);
    fails(&run);
    assert!(
        run.stderr
            .contains("go1.20.14 cannot be mirrored as a module"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("go1.21.0"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("GOPIN_SOURCE=goproxy gopin mirror --goproxy"),
        "{}",
        run.stderr
    );
    // Nothing was asked: not the database, not the archive.
    assert!(
        origin.server.requests().is_empty(),
        "{:?}",
        origin.server.requests()
    );
}

#[test]
fn a_database_whose_new_head_does_not_extend_the_folders_is_a_security_error() {
    let releases: Vec<FakeRelease> = ["go1.22.10", "go1.23.4"]
        .iter()
        .map(|v| FakeRelease::new(v, 3, 1000))
        .collect();
    let toolchains: Vec<Toolchain> = releases.iter().map(toolchain).collect();
    let options = Options {
        fillers_before: 300,
        fillers_after: 20,
        ..Options::default()
    };
    let origin = Origin::new(&toolchains, &options);
    let full = origin.proxy.db.clone();
    let first = origin.proxy.published[0].record_id + 1;
    origin.serve(&origin.proxy.with_db(&full.truncated(first)));
    ok(&origin.mirror_goproxy("home-1", "goproxy", &["1.22.10"]));
    let mirror = origin.mirror();
    let head1 = std::fs::read(mirror.join(format!("sumdb/{NAME}/latest"))).unwrap();
    // The database now shows a history whose filler record 7 differs: a fork of the folder's.
    // A fresh gopin (no kept head of its own) sees nothing wrong; the folder's head does.
    origin.serve(&origin.proxy.with_db(&full.forked(7)));
    let run = origin.mirror_goproxy("home-2", "goproxy", &["1.23.4"]);
    fails(&run);
    assert!(run.stderr.contains("SECURITY ERROR"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(mirror.join(format!("sumdb/{NAME}/latest"))).unwrap(),
        head1
    );
    assert_eq!(
        std::fs::read_to_string(mirror.join("golang.org/toolchain/@v/list")).unwrap(),
        format!("{}\n", module_version("go1.22.10"))
    );
    // The honest database, same folder: the version is added.
    origin.serve(&origin.proxy);
    ok(&origin.mirror_goproxy("home-3", "goproxy", &["1.23.4"]));
}
