//! `gopin doctor` end to end: each test builds one broken environment (a `go` ahead of the
//! shims, a stale GOROOT, an index on a closed port, an untrusted certificate, a corrupt cached
//! archive, leftovers of a killed install, a `.go-version` older than go.mod, a GOTOOLCHAIN that
//! makes go switch, a broken toolchain, a proxy with a password, module settings) and checks
//! that the doctor names it with the right status, evidence and hint, reading `--json`.
//!
//! Every run gets an empty environment (the harness's `Scenario::hermetic`, with its defaults
//! such as `GOENV=off`) plus what the test sets: a temporary GOPIN_HOME and HOME, an explicit PATH, and a temporary project as working
//! directory. Toolchains are fake releases installed by the real CLI from a loopback
//! [`TestServer`]; nothing but 127.0.0.1 is contacted.

mod support;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::fake_go::{FakeRelease, hex, index_json, platform};
use support::goproxy::{GoProxy, Options as GoProxyOptions, SumKey, Toolchain};
use support::harness::{Run, Scenario};
use support::http_server::TestServer;
use support::tls_server::TlsServer;
use tempfile::TempDir;

/// The version every world installs.
const VERSION: &str = "go1.22.4";

/// Every check id the doctor may print.
const KNOWN_IDS: [&str; 22] = [
    "selection.selected",
    "selection.installed",
    "selection.verified",
    "selection.older-than-module",
    "selection.advisories",
    "path.shims",
    "path.goroot",
    "path.gotoolchain",
    "sources.order",
    "sources.goproxy",
    "sources.gosumdb",
    "sources.sumdb-head",
    "network.proxy",
    "network.index",
    "network.download",
    "network.goproxy",
    "network.sumdb",
    "network.skipped",
    "disk.free",
    "disk.archive",
    "disk.leftovers",
    "modules.setting",
];

// ---------------------------------------------------------------------------------------------
// Binaries and the machine's PATH
// ---------------------------------------------------------------------------------------------

/// The system part of PATH: `/usr/bin:/bin` when no real `go` lives there, else a folder
/// holding only `df` (the doctor's free-space check runs it), so no real go can interfere.
fn system_path() -> String {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let real_go = ["/usr/bin/go", "/bin/go"]
            .iter()
            .any(|p| Path::new(p).exists());
        if !real_go {
            return "/usr/bin:/bin".to_owned();
        }
        static BIN: OnceLock<TempDir> = OnceLock::new();
        let bin = BIN.get_or_init(|| tempfile::tempdir().unwrap());
        let df = ["/usr/bin/df", "/bin/df"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("no df on this machine");
        std::os::unix::fs::symlink(df, bin.path().join("df")).unwrap();
        bin.path().display().to_string()
    })
    .clone()
}

/// Writes an executable shell script.
fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let _ = std::fs::remove_file(path);
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A `go` that only prints `go version <version> linux/amd64`.
fn write_fake_go(path: &Path, version: &str) {
    write_script(path, &format!("echo go version {version} linux/amd64"));
}

fn fake_release() -> &'static FakeRelease {
    static RELEASE: OnceLock<FakeRelease> = OnceLock::new();
    RELEASE.get_or_init(|| FakeRelease::new(VERSION, 3, 1000))
}

/// A loopback port that refuses connections: a server's port after it stopped.
fn closed_port_url() -> String {
    let server = TestServer::start();
    let url = server.url();
    server.stop();
    drop(server);
    url
}

// ---------------------------------------------------------------------------------------------
// A world: a GOPIN_HOME with go1.22.4 installed, a project, and the mirror that served it
// ---------------------------------------------------------------------------------------------

struct World {
    /// Holds `gopin/` (GOPIN_HOME), `user/` (HOME) and anything a test adds.
    dir: TempDir,
    project: PathBuf,
    mirror: TestServer,
    /// GOPROXY and GOSUMDB unset (Go's defaults) instead of the harness's `off`.
    go_module_defaults: bool,
}

impl World {
    /// go1.22.4 installed from a live mirror, shims made, and a project whose go.mod says
    /// `toolchain go1.22.4`.
    fn installed() -> World {
        let world = World::empty();
        let run = world.gopin(&["install", VERSION], &[]);
        run.assert_code(0);
        world.gopin(&["reshim"], &[]).assert_code(0);
        assert!(
            world.shims().join("go").exists(),
            "reshim made no go shim in {}",
            world.shims().display()
        );
        assert!(
            world.goroot().join("bin/go").is_file(),
            "{VERSION} is not installed"
        );
        world
    }

    /// The mirror and the project, nothing installed.
    fn empty() -> World {
        let release = fake_release();
        let mirror = TestServer::start();
        mirror.add_file("/index.json", index_json(&[release]));
        mirror.add_file(&format!("/dl/{}", release.filename), release.bytes.clone());
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::create_dir_all(dir.path().join("user")).unwrap();
        std::fs::write(
            project.join("go.mod"),
            "module example.com/p\n\ngo 1.22\n\ntoolchain go1.22.4\n",
        )
        .unwrap();
        World {
            dir,
            project,
            mirror,
            go_module_defaults: false,
        }
    }

    /// This world with GOPROXY and GOSUMDB unset, as on a user's machine, for the tests that
    /// read the doctor's module settings. Go's defaults name proxy.golang.org and
    /// sum.golang.org: the doctor only describes them while the index answers and the goproxy
    /// source is unused, so these worlds must keep a working index (never the internet).
    fn with_go_module_defaults(mut self) -> World {
        self.go_module_defaults = true;
        self
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("gopin")
    }

    fn shims(&self) -> PathBuf {
        self.root().join("shims")
    }

    fn goroot(&self) -> PathBuf {
        self.root().join("versions").join(VERSION)
    }

    fn index_url(&self) -> String {
        self.mirror.url_for("/index.json")
    }

    fn download_url(&self) -> String {
        self.mirror.url_for("/dl/")
    }

    /// A new folder inside the world.
    fn folder(&self, name: &str) -> PathBuf {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The shims first, then the system folders.
    fn default_path(&self) -> String {
        format!("{}:{}", self.shims().display(), system_path())
    }

    /// `gopin ARGS` in an empty environment plus the world's settings, then `env` (which may
    /// replace any of them, PATH included).
    fn gopin(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut scenario = Scenario::hermetic(self.root(), &self.project)
            .env("PATH", self.default_path())
            .env("HOME", self.dir.path().join("user"))
            .env("GOPIN_CONNECT_TIMEOUT", "5")
            .env("GOPIN_READ_TIMEOUT", "10")
            .env("GOPIN_INDEX_URL", self.index_url())
            .env("GOPIN_DOWNLOAD_URL", self.download_url())
            .env("GOPIN_VULNDB_URL", self.mirror.url_for("/vulndb"));
        if self.go_module_defaults {
            scenario = scenario.env_remove("GOPROXY").env_remove("GOSUMDB");
        }
        scenario.envs(env.iter().copied()).run(args)
    }

    /// `gopin doctor --json EXTRA`, parsed.
    fn doctor(&self, extra: &[&str], env: &[(&str, &str)]) -> Doctor {
        let mut args = vec!["doctor", "--json"];
        args.extend_from_slice(extra);
        Doctor::parse(self.gopin(&args, env))
    }
}

// ---------------------------------------------------------------------------------------------
// Runs and reports
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    group: String,
    id: String,
    status: String,
    summary: String,
    evidence: Vec<String>,
    hint: Option<String>,
}

impl Check {
    fn has_evidence(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.evidence.iter().any(|e| pred(e))
    }

    fn hint(&self) -> &str {
        self.hint.as_deref().unwrap_or("")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    pass: usize,
    info: usize,
    warn: usize,
    fail: usize,
    ok: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Report {
    checks: Vec<Check>,
    summary: Summary,
}

/// A `doctor --json` run and its parsed report.
struct Doctor {
    run: Run,
    report: Report,
}

impl Doctor {
    fn parse(run: Run) -> Doctor {
        let report: Report = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
            panic!(
                "doctor --json printed no valid report ({e}):\nstdout:\n{}\nstderr:\n{}",
                run.stdout, run.stderr
            )
        });
        let doctor = Doctor { run, report };
        doctor.assert_well_formed();
        doctor
    }

    /// The schema holds whatever the environment: known ids in their groups, known statuses,
    /// a hint on every failure, counts that add up, and the exit code and stderr that match.
    fn assert_well_formed(&self) {
        let count = |s: &str| self.report.checks.iter().filter(|c| c.status == s).count();
        let s = &self.report.summary;
        assert_eq!(
            (s.pass, s.info, s.warn, s.fail),
            (count("pass"), count("info"), count("warn"), count("fail")),
            "summary counts:\n{}",
            self.run.stdout
        );
        for check in &self.report.checks {
            assert!(
                KNOWN_IDS.contains(&check.id.as_str()),
                "unknown id {}",
                check.id
            );
            assert_eq!(
                check.id.split('.').next(),
                Some(check.group.as_str()),
                "{} is in group {}",
                check.id,
                check.group
            );
            assert!(
                ["pass", "info", "warn", "fail"].contains(&check.status.as_str()),
                "{check:?}"
            );
            assert!(!check.summary.is_empty(), "{check:?}");
            if check.status == "fail" {
                assert!(
                    !check.hint().is_empty(),
                    "a failure says what to do: {check:?}"
                );
            }
        }
        let strict = self.run.args.iter().any(|a| a == "--strict");
        let ok = s.fail == 0 && (!strict || s.warn == 0);
        assert_eq!(s.ok, ok, "summary.ok:\n{}", self.run.stdout);
        if ok {
            self.run.assert_code(0);
            assert_eq!(
                self.run.stderr, "",
                "a passing doctor prints nothing on stderr"
            );
        } else {
            self.run.assert_code(1);
            let error = if s.fail > 0 {
                format!("error: gopin doctor: {} check(s) failed", s.fail)
            } else {
                format!("error: gopin doctor: {} warning(s) with --strict", s.warn)
            };
            assert!(
                self.run.stderr.lines().any(|l| l == error),
                "stderr has {error:?}:\n{}",
                self.run.stderr
            );
        }
    }

    fn all(&self, id: &str) -> Vec<&Check> {
        self.report.checks.iter().filter(|c| c.id == id).collect()
    }

    /// The one check with `id`.
    fn check(&self, id: &str) -> &Check {
        let found = self.all(id);
        assert_eq!(
            found.len(),
            1,
            "expected one {id} check:\n{}",
            self.run.stdout
        );
        found[0]
    }

    fn lacks(&self, id: &str) {
        assert!(
            self.all(id).is_empty(),
            "expected no {id} check:\n{}",
            self.run.stdout
        );
    }

    /// Asserts the status of the one `id` check and returns it.
    fn expect(&self, id: &str, status: &str) -> &Check {
        let check = self.check(id);
        assert_eq!(
            check.status, status,
            "{id}: {check:#?}\nwhole report:\n{}",
            self.run.stdout
        );
        check
    }

    fn statuses(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for c in &self.report.checks {
            map.entry(c.id.as_str())
                .or_default()
                .push(c.status.as_str());
        }
        map
    }

    fn stdout(&self) -> &str {
        &self.run.stdout
    }
}

/// `text` contains `part`, with both in the message when it does not.
#[track_caller]
fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{part:?} not in {text:?}");
}

// ---------------------------------------------------------------------------------------------
// 1. A clean environment
// ---------------------------------------------------------------------------------------------

#[test]
fn a_clean_environment_passes() {
    let world = World::installed().with_go_module_defaults();
    let doctor = world.doctor(&[], &[]);
    let s = &doctor.report.summary;
    assert!(s.ok, "{}", doctor.stdout());
    assert_eq!(s.fail, 0, "{}", doctor.stdout());
    for check in &doctor.report.checks {
        assert!(
            check.status != "warn" || check.id == "disk.free",
            "unexpected warning {check:#?}"
        );
    }
    assert_ne!(doctor.check("disk.free").status, "fail");

    let selected = doctor.expect("selection.selected", "pass");
    assert_contains(&selected.summary, VERSION);
    assert_contains(&selected.summary, "go.mod");
    let installed = doctor.expect("selection.installed", "pass");
    assert!(
        installed.has_evidence(|e| e.starts_with(&format!("go version {VERSION} "))),
        "{installed:?}"
    );
    doctor.lacks("selection.older-than-module");
    let shims = doctor.expect("path.shims", "pass");
    assert_contains(&shims.summary, &world.shims().display().to_string());
    assert!(shims.evidence.is_empty(), "no other go on PATH: {shims:?}");
    doctor.expect("path.goroot", "pass");
    doctor.lacks("path.gotoolchain");
    doctor.lacks("network.proxy");
    doctor.lacks("network.skipped");
    // The index answers and only it is in use: Go's default proxy and database are described,
    // never asked.
    let order = doctor.expect("sources.order", "info");
    assert_eq!(order.summary, "sources: index (GOPIN_SOURCE is not set)");
    let goproxy = doctor.expect("sources.goproxy", "info");
    assert_eq!(
        goproxy.summary,
        "GOPROXY=https://proxy.golang.org,direct (from Go's default)"
    );
    assert!(
        goproxy
            .has_evidence(|e| e == "direct: https://go.dev/dl/mod, golang.org/toolchain's origin"),
        "{goproxy:#?}"
    );
    let gosumdb = doctor.expect("sources.gosumdb", "info");
    assert_contains(&gosumdb.summary, "checksum database sum.golang.org");
    doctor.expect("sources.sumdb-head", "info");
    doctor.lacks("network.goproxy");
    doctor.lacks("network.sumdb");
    let index = doctor.expect("network.index", "pass");
    assert_contains(&index.summary, &world.index_url());
    for phase in ["dns ", "connect ", "http "] {
        assert!(index.has_evidence(|e| e.starts_with(phase)), "{index:?}");
    }
    assert!(
        !index.has_evidence(|e| e.starts_with("tls ")),
        "http has no TLS"
    );
    let download = doctor.expect("network.download", "pass");
    assert_contains(
        &download.summary,
        &format!("{}{}", world.download_url(), fake_release().filename),
    );
    let archive = doctor.expect("disk.archive", "pass");
    assert_contains(&archive.summary, "1 cached archive(s) match");
    doctor.lacks("disk.leftovers");
    let modules = doctor.expect("modules.setting", "info");
    assert_contains(&modules.summary, "Go's defaults");
    assert!(
        doctor
            .report
            .checks
            .iter()
            .all(|c| c.hint.is_none() || c.status != "pass"),
        "a pass carries no hint:\n{}",
        doctor.stdout()
    );

    // The same findings, for people: grouped under titles, one line each, a tally at the end.
    let human = world.gopin(&["doctor"], &[]);
    human.assert_code(0);
    let titles: Vec<&str> = human
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .collect();
    let warnings = s.warn;
    assert_eq!(
        titles,
        [
            "Selection here",
            "PATH and environment",
            "Toolchain sources",
            "Network",
            "Disk and cache",
            "Go module settings",
            &format!(
                "{} passed, {warnings} warnings, 0 failed, {} notes",
                s.pass, s.info
            ),
        ],
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with("  pass  ") && l.contains(&format!("{VERSION} is selected"))),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .lines()
            .any(|l| l.starts_with("        go version go1.22.4")),
        "evidence is indented under its check:\n{}",
        human.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Another go on PATH
// ---------------------------------------------------------------------------------------------

#[test]
fn a_go_ahead_of_the_shims_fails_and_one_after_them_is_noted() {
    let world = World::installed();
    let other = world.folder("other-bin");
    write_fake_go(&other.join("go"), "go1.19");
    let other_go = other.join("go").display().to_string();

    let ahead = format!(
        "{}:{}:{}",
        other.display(),
        world.shims().display(),
        system_path()
    );
    let doctor = world.doctor(&[], &[("PATH", &ahead)]);
    let check = doctor.expect("path.shims", "fail");
    assert_eq!(doctor.report.summary.fail, 1, "{}", doctor.stdout());
    assert!(
        check.has_evidence(|e| e == format!("{other_go}: go version go1.19 linux/amd64")),
        "the evidence names that go and its version: {check:#?}"
    );
    assert!(
        check.has_evidence(
            |e| e.contains(&world.shims().display().to_string()) && e.contains("PATH entry 2")
        ),
        "{check:#?}"
    );
    assert_contains(check.hint(), &other.display().to_string());
    assert_contains(
        check.hint(),
        &format!("export PATH={}:\"$PATH\"", world.shims().display()),
    );

    // The human report shows the failure, its evidence and hint, and the tally.
    let human = world.gopin(&["doctor", "--offline"], &[("PATH", &ahead)]);
    human.assert_code(1);
    let lines: Vec<&str> = human.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "  fail  another go comes before gopin's shims on PATH")
        .unwrap_or_else(|| panic!("no fail line:\n{}", human.stdout));
    assert_eq!(
        lines[at + 1],
        format!("        {other_go}: go version go1.19 linux/amd64")
    );
    assert!(
        lines[at + 1..]
            .iter()
            .take_while(|l| l.starts_with("        "))
            .any(|l| l.starts_with("        hint: put the shims first")),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.contains(" 1 failed, ")),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stderr
            .lines()
            .any(|l| l == "error: gopin doctor: 1 check(s) failed"),
        "{}",
        human.stderr
    );

    // After the shims it does no harm: a pass, with the other go noted.
    let after = format!(
        "{}:{}:{}",
        world.shims().display(),
        other.display(),
        system_path()
    );
    let doctor = world.doctor(&[], &[("PATH", &after)]);
    let check = doctor.expect("path.shims", "pass");
    assert!(
        check.has_evidence(
            |e| e == format!("later on PATH: {other_go}: go version go1.19 linux/amd64")
        ),
        "{check:#?}"
    );
    assert!(doctor.report.summary.ok);
}

#[test]
fn shims_missing_from_path_warn_and_name_the_go_found_instead() {
    let world = World::installed();
    let other = world.folder("other-bin");
    write_fake_go(&other.join("go"), "go1.19");
    let path = format!("{}:{}", other.display(), system_path());
    let doctor = world.doctor(&["--offline"], &[("PATH", &path)]);
    let check = doctor.expect("path.shims", "warn");
    assert_contains(&check.summary, "is not on PATH");
    assert!(
        check.has_evidence(|e| e.starts_with("go found instead: ") && e.contains("go1.19")),
        "{check:#?}"
    );
    assert_contains(check.hint(), "gopin init");
}

// ---------------------------------------------------------------------------------------------
// 3. GOROOT
// ---------------------------------------------------------------------------------------------

#[test]
fn a_stale_goroot_fails_and_the_selected_one_passes() {
    let world = World::installed();
    let doctor = world.doctor(&["--offline"], &[("GOROOT", "/some/other/go")]);
    let check = doctor.expect("path.goroot", "fail");
    assert_contains(&check.summary, "GOROOT=/some/other/go");
    assert!(
        check.has_evidence(|e| e == format!("selected: {}", world.goroot().display())),
        "{check:#?}"
    );
    assert_contains(check.hint(), "unset");
    assert_contains(check.hint(), "GOROOT");

    let goroot = world.goroot().display().to_string();
    let doctor = world.doctor(&["--offline"], &[("GOROOT", &goroot)]);
    let check = doctor.expect("path.goroot", "pass");
    assert_contains(&check.summary, &goroot);
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // The same folder spelled differently is the same folder.
    let spelled = format!("{goroot}/");
    world
        .doctor(&["--offline"], &[("GOROOT", &spelled)])
        .expect("path.goroot", "pass");
    let linked = world.dir.path().join("goroot-link");
    std::os::unix::fs::symlink(world.goroot(), &linked).unwrap();
    world
        .doctor(&["--offline"], &[("GOROOT", &linked.display().to_string())])
        .expect("path.goroot", "pass");
}

// ---------------------------------------------------------------------------------------------
// 4. An unreachable index
// ---------------------------------------------------------------------------------------------

#[test]
fn an_index_on_a_closed_port_fails_and_a_working_second_one_downgrades_it() {
    let world = World::installed();
    let dead = format!("{}/index.json", closed_port_url());
    let port = dead
        .trim_start_matches("http://127.0.0.1:")
        .split('/')
        .next()
        .unwrap()
        .to_owned();

    let doctor = world.doctor(&[], &[("GOPIN_INDEX_URL", &dead)]);
    let check = doctor.expect("network.index", "fail");
    assert_contains(&check.summary, &dead);
    assert_contains(
        &check.summary,
        &format!("cannot connect to 127.0.0.1:{port}"),
    );
    assert_eq!(
        check.evidence.first().map(String::as_str),
        Some("the download index is unreachable at every GOPIN_INDEX_URL"),
        "{check:#?}"
    );
    assert!(
        check.has_evidence(|e| e.starts_with("dns ") && e.contains("127.0.0.1")),
        "{check:#?}"
    );
    assert!(
        !check.has_evidence(|e| e.starts_with("connect ")),
        "the connect phase failed: {check:#?}"
    );
    assert!(!check.hint().is_empty());

    // A working second URL: failover covers the first, which is only a warning now.
    let both = format!("{dead},{}", world.index_url());
    let doctor = world.doctor(&[], &[("GOPIN_INDEX_URL", &both)]);
    let checks = doctor.all("network.index");
    assert_eq!(checks.len(), 2, "{}", doctor.stdout());
    assert_eq!(checks[0].status, "warn", "{:#?}", checks[0]);
    assert_contains(&checks[0].summary, &dead);
    assert!(
        !checks[0].has_evidence(|e| e.contains("unreachable at every")),
        "{:#?}",
        checks[0]
    );
    assert_eq!(checks[1].status, "pass", "{:#?}", checks[1]);
    assert_contains(&checks[1].summary, &world.index_url());
    doctor.expect("network.download", "pass");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // --offline: no network check at all, one note that they were skipped.
    let doctor = world.doctor(&["--offline"], &[("GOPIN_INDEX_URL", &dead)]);
    doctor.expect("network.skipped", "info");
    let network: Vec<_> = doctor
        .report
        .checks
        .iter()
        .filter(|c| c.group == "network")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(network, ["network.skipped"]);
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // GOPIN_OFFLINE=1 means the same.
    world
        .doctor(&[], &[("GOPIN_INDEX_URL", &dead), ("GOPIN_OFFLINE", "1")])
        .expect("network.skipped", "info");
}

#[test]
fn a_download_mirror_on_a_closed_port_fails_and_a_second_one_covers_it() {
    let world = World::installed();
    let dead = format!("{}/dl/", closed_port_url());
    let doctor = world.doctor(&[], &[("GOPIN_DOWNLOAD_URL", &dead)]);
    let check = doctor.expect("network.download", "fail");
    // The probe asks for a real archive name from the index, not the folder.
    assert_contains(
        &check.summary,
        &format!("{dead}{}", fake_release().filename),
    );
    assert_eq!(
        check.evidence.first().map(String::as_str),
        Some("every GOPIN_DOWNLOAD_URL is unreachable")
    );

    let both = format!("{dead},{}", world.download_url());
    let doctor = world.doctor(&[], &[("GOPIN_DOWNLOAD_URL", &both)]);
    let statuses: Vec<&str> = doctor
        .all("network.download")
        .iter()
        .map(|c| c.status.as_str())
        .collect();
    assert_eq!(statuses, ["warn", "pass"], "{}", doctor.stdout());
}

#[test]
fn a_dead_index_does_not_fail_a_working_download_mirror() {
    let world = World::installed();
    let dead = format!("{}/index.json", closed_port_url());
    let doctor = world.doctor(&[], &[("GOPIN_INDEX_URL", &dead)]);
    doctor.expect("network.index", "fail");
    let download = doctor.check("network.download");
    assert_ne!(
        download.status, "fail",
        "the mirror serves the archive (the cached index names it): {download:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. TLS with a certificate nobody trusts
// ---------------------------------------------------------------------------------------------

#[test]
fn a_self_signed_certificate_fails_the_handshake_until_ssl_cert_file_trusts_it() {
    let world = World::installed();
    let backend = TestServer::start();
    backend.add_file("/index.json", index_json(&[fake_release()]));
    let tls = TlsServer::start(backend.port());
    let url = format!("{}/index.json", tls.url());

    let doctor = world.doctor(&[], &[("GOPIN_INDEX_URL", &url)]);
    let check = doctor.expect("network.index", "fail");
    assert_contains(&check.summary, &url);
    assert_contains(&check.summary, "TLS handshake failed");
    assert!(check.has_evidence(|e| e.starts_with("dns ")), "{check:#?}");
    assert!(
        check.has_evidence(|e| e.starts_with("connect ") && e.contains("127.0.0.1:")),
        "{check:#?}"
    );
    assert!(!check.has_evidence(|e| e.starts_with("tls ")), "{check:#?}");
    assert_contains(check.hint(), "SSL_CERT_FILE");
    assert!(
        backend.requests().is_empty(),
        "no request got past the handshake"
    );

    let ca = tls.write_ca_pem(&world.folder("ca"));
    let doctor = world.doctor(
        &[],
        &[
            ("GOPIN_INDEX_URL", &url),
            ("SSL_CERT_FILE", &ca.display().to_string()),
        ],
    );
    let check = doctor.expect("network.index", "pass");
    for phase in ["dns ", "connect ", "tls ", "http "] {
        assert!(
            check.has_evidence(|e| e.starts_with(phase)),
            "{phase}: {check:#?}"
        );
    }
    assert!(
        check.has_evidence(|e| e.starts_with("tls ") && e.contains("TLS")),
        "the tls line names the protocol: {check:#?}"
    );
    doctor.expect("network.download", "pass");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

// ---------------------------------------------------------------------------------------------
// 6. A corrupt cached archive
// ---------------------------------------------------------------------------------------------

#[test]
fn a_corrupt_cached_archive_fails_its_checksum() {
    let world = World::installed();
    let release = fake_release();
    let archive = world.root().join("downloads").join(&release.filename);
    let mut bytes = std::fs::read(&archive)
        .unwrap_or_else(|e| panic!("install keeps the archive in {}: {e}", archive.display()));
    assert_eq!(hex(&Sha256::digest(&bytes)), release.sha256);
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&archive, &bytes).unwrap();
    let computed = hex(&Sha256::digest(&bytes));

    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("disk.archive", "fail");
    assert_contains(&check.summary, &release.filename);
    assert_eq!(
        check.evidence,
        [
            format!("expected sha256: {}", release.sha256),
            format!("computed sha256: {computed}"),
        ]
    );
    assert_contains(check.hint(), "gopin cache clean");
    assert_eq!(doctor.report.summary.fail, 1, "{}", doctor.stdout());

    // The hint works: after `gopin cache clean` nothing is left to verify.
    world.gopin(&["cache", "clean"], &[]).assert_code(0);
    let doctor = world.doctor(&["--offline"], &[]);
    doctor.lacks("disk.archive");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

#[test]
fn an_archive_the_cached_index_does_not_list_is_noted_not_verified() {
    let world = World::installed();
    std::fs::write(
        world.root().join("downloads").join("go1.9.9.stray.tar.gz"),
        b"whatever",
    )
    .unwrap();
    let doctor = world.doctor(&["--offline"], &[]);
    let statuses: Vec<(&str, &str)> = doctor
        .all("disk.archive")
        .iter()
        .map(|c| (c.status.as_str(), c.summary.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("pass", "1 cached archive(s) match their checksums"),
            (
                "info",
                "go1.9.9.stray.tar.gz is not in the cached index; not verified"
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Leftovers of interrupted installs
// ---------------------------------------------------------------------------------------------

#[test]
fn leftovers_warn_and_fail_only_with_strict() {
    let world = World::installed();
    let staging = world
        .root()
        .join("versions")
        .join(format!(".staging-{VERSION}-99999"));
    std::fs::create_dir_all(staging.join("go/bin")).unwrap();
    let part = world.root().join("downloads").join("x.tar.gz.abcd.part");
    std::fs::write(&part, vec![7u8; 2048]).unwrap();

    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("disk.leftovers", "warn");
    assert_contains(&check.summary, "2 leftover(s)");
    assert_eq!(check.evidence.len(), 2, "{check:#?}");
    assert!(
        check.has_evidence(
            |e| e.starts_with("partial download ") && e.contains(&part.display().to_string())
        ),
        "{check:#?}"
    );
    assert!(
        check.has_evidence(|e| e.starts_with("folder left by a stopped install: ")
            && e.ends_with(&staging.display().to_string())),
        "{check:#?}"
    );
    assert_contains(check.hint(), "gopin cache clean");
    assert!(doctor.report.summary.ok);

    let strict = world.doctor(&["--offline", "--strict"], &[]);
    strict.expect("disk.leftovers", "warn");
    assert!(!strict.report.summary.ok);
    assert!(
        strict.run.stderr.contains("warning(s) with --strict"),
        "{}",
        strict.run.stderr
    );

    // The same without --json.
    world
        .gopin(&["doctor", "--offline", "--strict"], &[])
        .assert_code(1);
    world.gopin(&["doctor", "--offline"], &[]).assert_code(0);

    // `gopin cache clean` removes both, and the warning goes.
    world.gopin(&["cache", "clean"], &[]).assert_code(0);
    assert!(!staging.exists() && !part.exists());
    world.doctor(&["--offline"], &[]).lacks("disk.leftovers");
}

#[test]
fn a_staging_folder_of_a_running_install_is_not_a_leftover() {
    let world = World::installed();
    let staging = world
        .root()
        .join("versions")
        .join(format!(".staging-{VERSION}-99999"));
    std::fs::create_dir_all(&staging).unwrap();
    // Hold the installer's lock for go1.22.4, as a running `gopin install` does.
    let locks = world.root().join("locks");
    std::fs::create_dir_all(&locks).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(locks.join(format!("{VERSION}.lock")))
        .unwrap();
    lock.try_lock().unwrap();

    let doctor = world.doctor(&["--offline"], &[]);
    doctor.lacks("disk.leftovers");

    drop(lock);
    let doctor = world.doctor(&["--offline"], &[]);
    doctor.expect("disk.leftovers", "warn");
}

// ---------------------------------------------------------------------------------------------
// 8. A .go-version older than the module
// ---------------------------------------------------------------------------------------------

#[test]
fn a_go_version_older_than_the_go_line_fails() {
    let world = World::installed();
    std::fs::write(
        world.project.join("go.mod"),
        "module example.com/p\n\ngo 1.23.1\n",
    )
    .unwrap();
    std::fs::write(world.project.join(".go-version"), "1.22.4\n").unwrap();

    let doctor = world.doctor(&["--offline"], &[]);
    let selected = doctor.expect("selection.selected", "pass");
    assert_contains(&selected.summary, ".go-version");
    doctor.expect("selection.installed", "pass");
    let check = doctor.expect("selection.older-than-module", "fail");
    let gomod = world.project.join("go.mod").display().to_string();
    assert_contains(&check.summary, "go 1.23.1");
    assert_contains(&check.summary, &gomod);
    assert!(
        check.has_evidence(|e| e == format!("{gomod}:3: go 1.23.1")),
        "{check:#?}"
    );
    assert!(
        check.has_evidence(|e| e.starts_with("selected by: ") && e.contains(".go-version")),
        "{check:#?}"
    );
    assert_contains(check.hint(), "`gopin pin 1.23.1`");
    assert_eq!(doctor.report.summary.fail, 1, "{}", doctor.stdout());

    // A language version asks for its first release.
    std::fs::write(
        world.project.join("go.mod"),
        "module example.com/p\n\ngo 1.23\n",
    )
    .unwrap();
    let check = world
        .doctor(&["--offline"], &[])
        .expect("selection.older-than-module", "fail")
        .hint()
        .to_owned();
    assert_contains(&check, "`gopin pin 1.23.0`");

    // New enough: no check.
    std::fs::write(
        world.project.join("go.mod"),
        "module example.com/p\n\ngo 1.22.0\n",
    )
    .unwrap();
    let doctor = world.doctor(&["--offline"], &[]);
    doctor.lacks("selection.older-than-module");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

#[test]
fn a_go_work_go_line_governs_over_the_go_mod() {
    let world = World::installed();
    std::fs::write(
        world.project.join("go.mod"),
        "module example.com/p\n\ngo 1.21.0\n",
    )
    .unwrap();
    std::fs::write(world.project.join("go.work"), "go 1.24.0\n\nuse .\n").unwrap();
    std::fs::write(world.project.join(".go-version"), "1.22.4\n").unwrap();
    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("selection.older-than-module", "fail");
    assert_contains(
        &check.summary,
        &world.project.join("go.work").display().to_string(),
    );
    assert_contains(check.hint(), "`gopin pin 1.24.0`");

    // GOWORK=off: the go.mod governs, and 1.22.4 is new enough for it.
    world
        .doctor(&["--offline"], &[("GOWORK", "off")])
        .lacks("selection.older-than-module");
}

// ---------------------------------------------------------------------------------------------
// 9. GOTOOLCHAIN
// ---------------------------------------------------------------------------------------------

#[test]
fn gotoolchain_auto_in_the_environment_warns() {
    let world = World::installed();
    let doctor = world.doctor(&["--offline"], &[("GOTOOLCHAIN", "auto")]);
    let check = doctor.expect("path.gotoolchain", "warn");
    assert_eq!(check.summary, "GOTOOLCHAIN=auto is set in the environment");
    assert!(
        check.has_evidence(|e| e.contains("go may switch")),
        "{check:#?}"
    );
    assert_contains(check.hint(), "unset GOTOOLCHAIN");
    assert!(doctor.report.summary.ok, "a warning is not a failure");
    assert_eq!(
        world
            .gopin(
                &["doctor", "--offline", "--strict"],
                &[("GOTOOLCHAIN", "auto")]
            )
            .code,
        1
    );
}

#[test]
fn gotoolchain_in_the_go_env_file_warns_naming_the_file_and_line() {
    let world = World::installed().with_go_module_defaults();
    let file = world.folder("goenv").join("env");
    std::fs::write(&file, "GOPROXY=off\nGOTOOLCHAIN=go1.23.0+auto\n").unwrap();
    let goenv = file.display().to_string();
    let doctor = world.doctor(&["--offline"], &[("GOENV", &goenv)]);
    let check = doctor.expect("path.gotoolchain", "warn");
    assert_contains(&check.summary, "GOTOOLCHAIN=go1.23.0+auto");
    assert_contains(&check.summary, &format!("{goenv}:2"));
    assert!(
        check.has_evidence(|e| e.contains("go may switch")),
        "{check:#?}"
    );
    assert_contains(check.hint(), "go env -u GOTOOLCHAIN");
    // The file's other settings are module settings.
    let modules = doctor.expect("modules.setting", "info");
    assert_eq!(modules.summary, format!("GOPROXY=off ({goenv})"));

    // The environment wins over the file: local means go never switches, so no check.
    let doctor = world.doctor(
        &["--offline"],
        &[("GOENV", &goenv), ("GOTOOLCHAIN", "local")],
    );
    doctor.lacks("path.gotoolchain");
}

#[test]
fn gotoolchain_local_is_not_reported_and_an_exact_or_invalid_one_is() {
    let world = World::installed();
    let doctor = world.doctor(&["--offline"], &[("GOTOOLCHAIN", "local")]);
    doctor.lacks("path.gotoolchain");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    let doctor = world.doctor(&["--offline"], &[("GOTOOLCHAIN", VERSION)]);
    let check = doctor.expect("path.gotoolchain", "warn");
    assert!(
        check.has_evidence(|e| e.contains(&format!("go runs {VERSION} whatever go.mod says"))),
        "{check:#?}"
    );

    let doctor = world.doctor(&["--offline"], &[("GOTOOLCHAIN", "go1.22.4+always")]);
    let check = doctor.expect("path.gotoolchain", "fail");
    assert_contains(&check.summary, "is invalid");
    assert_contains(check.hint(), "unset GOTOOLCHAIN");
}

// ---------------------------------------------------------------------------------------------
// 10. A broken or missing toolchain
// ---------------------------------------------------------------------------------------------

#[test]
fn a_toolchain_whose_go_reports_another_version_is_broken() {
    let world = World::installed();
    let go = world.goroot().join("bin/go");
    write_fake_go(&go, "go1.21.0");
    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("selection.installed", "fail");
    assert_eq!(check.summary, format!("{VERSION} is installed but broken"));
    assert!(
        check.has_evidence(|e| e.contains(&go.display().to_string()) && e.contains("go1.21.0")),
        "{check:#?}"
    );
    assert!(
        check.has_evidence(|e| e == format!("GOROOT {}", world.goroot().display())),
        "{check:#?}"
    );
    assert_contains(check.hint(), "`gopin install --force 1.22.4`");

    // A go that does not run at all.
    write_script(&go, "exit 3");
    let check = world.doctor(&["--offline"], &[]);
    let check = check.expect("selection.installed", "fail");
    assert!(
        check.has_evidence(|e| e.contains("did not run") || e.contains("\"\"")),
        "{check:#?}"
    );

    // The hint repairs it.
    world
        .gopin(&["install", "--force", "1.22.4"], &[])
        .assert_code(0);
    world
        .doctor(&["--offline"], &[])
        .expect("selection.installed", "pass");
}

#[test]
fn a_toolchain_whose_version_file_names_another_version_is_broken() {
    let world = World::installed();
    std::fs::write(world.goroot().join("VERSION"), "go1.21.0\ntime x\n").unwrap();
    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("selection.installed", "fail");
    assert!(
        check.has_evidence(|e| e == "VERSION says \"go1.21.0\", expected go1.22.4"),
        "{check:#?}"
    );
}

#[test]
fn a_go_reporting_a_longer_version_with_the_same_prefix_is_broken() {
    let world = World::installed();
    write_fake_go(&world.goroot().join("bin/go"), "go1.22.45");
    world
        .doctor(&["--offline"], &[])
        .expect("selection.installed", "fail");
}

#[test]
fn a_missing_version_fails_with_auto_install_off_and_warns_otherwise() {
    let world = World::installed();
    std::fs::write(world.project.join(".go-version"), "1.22.5\n").unwrap();

    let doctor = world.doctor(&["--offline"], &[("GOPIN_AUTO_INSTALL", "0")]);
    let check = doctor.expect("selection.installed", "fail");
    assert_contains(&check.summary, "go1.22.5 is not installed");
    assert_contains(&check.summary, "GOPIN_AUTO_INSTALL=0");
    assert_contains(check.hint(), "`gopin install 1.22.5`");

    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("selection.installed", "warn");
    assert_contains(&check.summary, "not installed yet");
    assert_contains(check.hint(), "`gopin install 1.22.5`");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // Not installed, so a GOROOT cannot be the selected toolchain.
    let doctor = world.doctor(&["--offline"], &[("GOROOT", "/some/other/go")]);
    let check = doctor.expect("path.goroot", "fail");
    assert!(
        check.has_evidence(|e| e == "nothing installed is selected here"),
        "{check:#?}"
    );
}

#[test]
fn nothing_selected_warns_and_no_shims_warn() {
    let world = World::empty();
    std::fs::remove_file(world.project.join("go.mod")).unwrap();
    let doctor = world.doctor(&["--offline"], &[]);
    let check = doctor.expect("selection.selected", "warn");
    assert_contains(check.hint(), "gopin default");
    doctor.lacks("selection.installed");
    let shims = doctor.expect("path.shims", "warn");
    assert_contains(shims.hint(), "gopin reshim");
    doctor.lacks("disk.archive");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

// ---------------------------------------------------------------------------------------------
// 11. Proxies, with their passwords masked
// ---------------------------------------------------------------------------------------------

const PROXY_WITH_PASSWORD: &str = "http://ana:s3cret@127.0.0.1:9";

#[test]
fn proxy_variables_are_shown_with_offline() {
    let world = World::installed();
    let doctor = world.doctor(&["--offline"], &[("HTTPS_PROXY", PROXY_WITH_PASSWORD)]);
    let check = doctor.expect("network.proxy", "info");
    assert_contains(&check.summary, "ana:***@");
    assert!(!doctor.stdout().contains("s3cret"), "{}", doctor.stdout());
}

#[test]
fn proxy_passwords_are_masked() {
    let world = World::installed();
    // HTTPS_PROXY does not apply to the http mirror, so the network checks still pass.
    let doctor = world.doctor(&[], &[("HTTPS_PROXY", PROXY_WITH_PASSWORD)]);
    let check = doctor.expect("network.proxy", "info");
    assert_eq!(check.summary, "HTTPS_PROXY=http://ana:***@127.0.0.1:9");
    assert!(!doctor.stdout().contains("s3cret"), "{}", doctor.stdout());
    doctor.expect("network.index", "pass");

    let human = world.gopin(&["doctor"], &[("HTTPS_PROXY", PROXY_WITH_PASSWORD)]);
    human.assert_code(0);
    assert_contains(
        &human.stdout,
        "  info  HTTPS_PROXY=http://ana:***@127.0.0.1:9",
    );
    assert!(!human.stdout.contains("s3cret") && !human.stderr.contains("s3cret"));
}

#[test]
fn a_request_through_a_dead_proxy_fails_without_showing_its_password() {
    let world = World::installed();
    let dead = closed_port_url();
    let proxy = dead.replace("http://", "http://ana:s3cret@");
    let doctor = world.doctor(&[], &[("HTTP_PROXY", &proxy)]);
    let shown = doctor.expect("network.proxy", "info");
    assert_contains(&shown.summary, "ana:***@");
    let check = doctor.expect("network.index", "fail");
    assert!(
        check.has_evidence(|e| e.starts_with("through the proxy")),
        "the phases are the proxy's: {check:#?}"
    );
    assert!(
        !doctor.stdout().contains("s3cret") && !doctor.run.stderr.contains("s3cret"),
        "{}\n{}",
        doctor.stdout(),
        doctor.run.stderr
    );

    // NO_PROXY exempts the mirror: timed phase by phase, and it passes.
    let doctor = world.doctor(&[], &[("HTTP_PROXY", &proxy), ("NO_PROXY", "127.0.0.1")]);
    let check = doctor.expect("network.index", "pass");
    assert!(
        check.has_evidence(|e| e.starts_with("connect ")),
        "{check:#?}"
    );
}

#[test]
fn a_lowercase_all_proxy_is_shown() {
    let world = World::installed();
    let dead = closed_port_url();
    let doctor = world.doctor(&[], &[("all_proxy", &dead)]);
    let index = doctor.expect("network.index", "fail");
    assert!(
        index.has_evidence(|e| e.starts_with("through the proxy")),
        "{index:#?}"
    );
    let shown = doctor.expect("network.proxy", "info");
    assert_eq!(shown.summary, format!("all_proxy={dead}"));
}

#[test]
fn no_proxy_ip_ranges_are_honoured_like_reqwest_does() {
    let world = World::installed();
    let proxy = closed_port_url();
    let doctor = world.doctor(&[], &[("HTTP_PROXY", &proxy), ("NO_PROXY", "127.0.0.0/8")]);
    let check = doctor.expect("network.index", "pass");
    assert!(
        check.has_evidence(|e| e.starts_with("connect ")),
        "reqwest went direct, so the phases are timed: {check:#?}"
    );
    assert!(
        !check.has_evidence(|e| e.starts_with("through the proxy")),
        "{check:#?}"
    );
}

#[test]
fn a_proxy_without_a_scheme_has_its_password_masked_too() {
    let world = World::installed();
    let doctor = world.doctor(&[], &[("HTTPS_PROXY", "ana:s3cret@127.0.0.1:9")]);
    let check = doctor.expect("network.proxy", "info");
    assert_contains(&check.summary, "ana:***@");
    assert!(!doctor.stdout().contains("s3cret"), "{}", doctor.stdout());
}

// ---------------------------------------------------------------------------------------------
// 12. Go module settings
// ---------------------------------------------------------------------------------------------

#[test]
fn goproxy_and_gosumdb_off_are_noted() {
    let world = World::installed().with_go_module_defaults();
    let doctor = world.doctor(&["--offline"], &[("GOPROXY", "off"), ("GOSUMDB", "off")]);
    let checks = doctor.all("modules.setting");
    let summaries: Vec<&str> = checks.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(
        summaries,
        ["GOPROXY=off (environment)", "GOSUMDB=off (environment)"],
        "{}",
        doctor.stdout()
    );
    for check in &checks {
        assert_eq!(check.status, "info");
        assert!(
            check.has_evidence(|e| e.contains("`off`")),
            "the meaning of off: {check:#?}"
        );
        assert!(
            check.has_evidence(|e| e.contains("will fail or go unverified")),
            "{check:#?}"
        );
    }
    assert!(doctor.report.summary.ok, "notes never fail");

    let doctor = world.doctor(
        &["--offline"],
        &[("GOPRIVATE", "example.com/*"), ("GOFLAGS", "-mod=mod")],
    );
    let summaries: Vec<String> = doctor
        .all("modules.setting")
        .iter()
        .map(|c| c.summary.clone())
        .collect();
    assert_eq!(
        summaries,
        [
            "GOPRIVATE=example.com/* (environment)",
            "GOFLAGS=-mod=mod (environment)"
        ]
    );
}

#[test]
fn a_later_line_of_the_go_env_file_wins_for_module_settings() {
    let world = World::installed().with_go_module_defaults();
    let file = world.folder("goenv").join("env");
    std::fs::write(&file, "GOPROXY=https://proxy.example\nGOPROXY=off\n").unwrap();
    let goenv = file.display().to_string();
    let doctor = world.doctor(&["--offline"], &[("GOENV", &goenv)]);
    let check = doctor.expect("modules.setting", "info");
    assert_eq!(check.summary, format!("GOPROXY=off ({goenv})"));
}

#[test]
fn statuses_of_a_broken_environment_at_a_glance() {
    // Several problems at once are each reported, and counted.
    let world = World::installed();
    let other = world.folder("other-bin");
    write_fake_go(&other.join("go"), "go1.19");
    let path = format!(
        "{}:{}:{}",
        other.display(),
        world.shims().display(),
        system_path()
    );
    let doctor = world.doctor(
        &["--offline"],
        &[
            ("PATH", &path),
            ("GOROOT", "/some/other/go"),
            ("GOTOOLCHAIN", "auto"),
        ],
    );
    let statuses = doctor.statuses();
    assert_eq!(statuses["path.shims"], ["fail"]);
    assert_eq!(statuses["path.goroot"], ["fail"]);
    assert_eq!(statuses["path.gotoolchain"], ["warn"]);
    assert_eq!(doctor.report.summary.fail, 2, "{}", doctor.stdout());
}

#[test]
fn an_exact_gotoolchain_older_than_the_go_line_fails() {
    let world = World::installed();
    std::fs::write(
        world.project.join("go.mod"),
        "module example.com/p\n\ngo 1.23.1\n",
    )
    .unwrap();
    let doctor = world.doctor(&["--offline"], &[("GOTOOLCHAIN", VERSION)]);
    doctor.expect("selection.installed", "pass");
    let check = doctor.expect("selection.older-than-module", "fail");
    assert_contains(check.hint(), "1.23.1");
}

// ---------------------------------------------------------------------------------------------
// 13. The goproxy source: GOPROXY's proxies, the checksum database, the tree head kept
// ---------------------------------------------------------------------------------------------

/// A loopback module proxy serving go1.22.4 as golang.org/toolchain, and its checksum database
/// (`sumdb.test`, served through the proxy), from the fixture the real go command accepts.
struct ModuleProxy {
    server: TestServer,
    proxy: GoProxy,
}

impl ModuleProxy {
    fn start() -> ModuleProxy {
        let (os, arch) = platform();
        let arch = if arch == "armv6l" { "arm" } else { arch };
        let toolchain = Toolchain::from_tar_gz(VERSION, os, arch, &fake_release().bytes).unwrap();
        let proxy = GoProxy::build(&[toolchain], &GoProxyOptions::default());
        let server = TestServer::start();
        let module_proxy = ModuleProxy { server, proxy };
        module_proxy.serve(&module_proxy.proxy);
        module_proxy
    }

    fn serve(&self, proxy: &GoProxy) {
        for (path, bytes) in &proxy.files {
            self.server.add_file(&format!("/{path}"), bytes.clone());
        }
    }

    fn url(&self) -> String {
        self.server.url()
    }

    fn list_url(&self) -> String {
        format!("{}/golang.org/toolchain/@v/list", self.url())
    }

    fn gosumdb(&self) -> String {
        self.proxy.gosumdb()
    }

    /// The database's tree head: size and base64 root, as the doctor prints them.
    fn head(&self) -> (u64, String) {
        let text = self.proxy.db.tree_text();
        let root = text.lines().nth(2).unwrap().to_owned();
        (self.proxy.db.size(), root)
    }

    fn targets(&self) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }
}

/// GOPIN_SOURCE=goproxy with these GOPROXY and GOSUMDB.
fn through(goproxy: &str, gosumdb: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GOPIN_SOURCE", "goproxy".to_owned()),
        ("GOPROXY", goproxy.to_owned()),
        ("GOSUMDB", gosumdb.to_owned()),
    ]
}

fn env_refs<'a>(env: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn a_working_proxy_and_database_pass_timed_and_another_key_fails() {
    let world = World::installed();
    let proxy = ModuleProxy::start();
    let env = through(&proxy.url(), &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    let order = doctor.expect("sources.order", "info");
    assert_eq!(order.summary, "sources: goproxy (GOPIN_SOURCE)");
    let goproxy = doctor.expect("sources.goproxy", "info");
    assert_eq!(
        goproxy.summary,
        format!("GOPROXY={} (from the environment)", proxy.url())
    );
    assert!(
        goproxy.has_evidence(|e| e == format!("proxy {}", proxy.url())),
        "{goproxy:#?}"
    );
    let gosumdb = doctor.expect("sources.gosumdb", "info");
    assert_contains(&gosumdb.summary, "checksum database sumdb.test");
    assert!(
        gosumdb.has_evidence(|e| e == format!("key {}", proxy.gosumdb())),
        "{gosumdb:#?}"
    );
    let kept = doctor.expect("sources.sumdb-head", "info");
    assert_eq!(kept.summary, "no tree head of sumdb.test kept yet");

    // The proxy, timed phase by phase like the index.
    let list = doctor.expect("network.goproxy", "pass");
    assert_contains(&list.summary, &proxy.list_url());
    assert_contains(&list.summary, "1 toolchain(s) for ");
    assert_contains(&list.summary, &format!("newest {VERSION}"));
    for phase in ["dns ", "connect ", "http "] {
        assert!(list.has_evidence(|e| e.starts_with(phase)), "{list:#?}");
    }
    // The database: the way to it (through the proxy), timed, then its signed /latest.
    let (size, root) = proxy.head();
    let database = doctor.expect("network.sumdb", "pass");
    assert_eq!(
        database.summary,
        format!(
            "checksum database sumdb.test at {}/sumdb/sumdb.test: tree size {size}",
            proxy.url()
        )
    );
    assert!(
        database.has_evidence(|e| e.starts_with("endpoint ")
            && e.contains(" ms  ")
            && e.contains(&format!("(through the proxy {})", proxy.url()))),
        "{database:#?}"
    );
    for phase in ["connect ", "http "] {
        assert!(
            database.has_evidence(|e| e.starts_with(phase)),
            "{database:#?}"
        );
    }
    assert!(
        database.has_evidence(|e| e == format!("signed by sumdb.test: size {size}, root {root}")),
        "{database:#?}"
    );
    let targets = proxy.targets();
    for asked in [
        "/golang.org/toolchain/@v/list",
        "/sumdb/sumdb.test/supported",
        "/sumdb/sumdb.test/latest",
    ] {
        assert!(targets.iter().any(|t| t == asked), "{asked}: {targets:?}");
    }
    assert!(
        !targets
            .iter()
            .any(|t| t.ends_with(".zip") || t.contains("/lookup/")),
        "the doctor downloads nothing: {targets:?}"
    );

    // The human report shows them under their own title.
    let human = world.gopin(&["doctor"], &env_refs(&env));
    human.assert_code(0);
    assert_contains(
        &human.stdout,
        "Toolchain sources\n  info  sources: goproxy (GOPIN_SOURCE)",
    );

    // The same answers signed by another key: refused, naming GOSUMDB.
    let other = SumKey::other("sumdb.test").verifier_key();
    let env = through(&proxy.url(), &other);
    let doctor = world.doctor(&[], &env_refs(&env));
    let database = doctor.expect("network.sumdb", "fail");
    assert_contains(
        &database.summary,
        "/sumdb/sumdb.test/latest does not verify",
    );
    assert_contains(database.hint(), "GOSUMDB");
    doctor.expect("network.goproxy", "pass");
    assert_eq!(doctor.report.summary.fail, 1, "{}", doctor.stdout());
}

#[test]
fn a_dead_proxy_fails_and_only_a_bar_passes_over_it() {
    let world = World::installed();
    let proxy = ModuleProxy::start();
    let dead = closed_port_url();

    // Alone: neither the list nor the database can be had.
    let env = through(&dead, &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    let list = doctor.expect("network.goproxy", "fail");
    assert_contains(
        &list.summary,
        &format!("{dead}/golang.org/toolchain/@v/list"),
    );
    assert_contains(&list.summary, "cannot connect to 127.0.0.1:");
    assert_eq!(
        list.evidence.first().map(String::as_str),
        Some("no GOPROXY entry answers for golang.org/toolchain"),
        "{list:#?}"
    );
    assert!(list.has_evidence(|e| e.starts_with("dns ")), "{list:#?}");
    assert!(!list.hint().is_empty());
    let database = doctor.expect("network.sumdb", "fail");
    assert_eq!(
        database.summary,
        "cannot reach the checksum database sumdb.test"
    );
    assert!(
        database.has_evidence(|e| e.starts_with(&format!("{dead}/sumdb/sumdb.test/supported"))),
        "{database:#?}"
    );
    assert!(
        proxy.targets().is_empty(),
        "nothing went past the dead proxy: {:?}",
        proxy.targets()
    );

    // `|`: any error passes on, so the live proxy covers it, for the list and the database.
    let bar = format!("{dead}|{}", proxy.url());
    let env = through(&bar, &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    let statuses: Vec<&str> = doctor
        .all("network.goproxy")
        .iter()
        .map(|c| c.status.as_str())
        .collect();
    assert_eq!(statuses, ["warn", "pass"], "{}", doctor.stdout());
    assert!(
        doctor.all("network.goproxy")[0]
            .has_evidence(|e| e == "`|` after it: the source passes to the next entry"),
        "{}",
        doctor.stdout()
    );
    doctor.expect("network.sumdb", "pass");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // A dead spare after the live proxy: a warning, since the source rarely needs it.
    let spare = format!("{}|{dead}", proxy.url());
    let env = through(&spare, &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    let checks = doctor.all("network.goproxy");
    assert_eq!(
        checks.iter().map(|c| c.status.as_str()).collect::<Vec<_>>(),
        ["pass", "warn"],
        "{}",
        doctor.stdout()
    );
    assert!(
        checks[1].has_evidence(|e| e.starts_with("a spare: ")),
        "{:#?}",
        checks[1]
    );

    // `,`: only 404/410 passes on, so the source stops at the dead proxy, as Go does.
    let comma = format!("{dead},{}", proxy.url());
    let env = through(&comma, &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    let checks = doctor.all("network.goproxy");
    assert_eq!(checks.len(), 2, "{}", doctor.stdout());
    assert_eq!(checks[0].status, "fail", "{:#?}", checks[0]);
    assert!(
        checks[0].has_evidence(|e| e.contains("the goproxy source stops here")),
        "{:#?}",
        checks[0]
    );
    assert_contains(checks[0].hint(), "write `|` after it in GOPROXY");
    assert_eq!(checks[1].status, "pass", "{:#?}", checks[1]);
    assert!(
        checks[1].has_evidence(
            |e| e.starts_with("not asked by the source: its walk along GOPROXY stops")
        ),
        "{:#?}",
        checks[1]
    );
    doctor.expect("network.sumdb", "fail");
    assert!(!doctor.report.summary.ok);

    // A proxy without the module (404) passes on even after `,`.
    let empty = TestServer::start();
    let not_found = format!("{},{}", empty.url(), proxy.url());
    let env = through(&not_found, &proxy.gosumdb());
    let doctor = world.doctor(&[], &env_refs(&env));
    let checks = doctor.all("network.goproxy");
    assert_eq!(
        checks.iter().map(|c| c.status.as_str()).collect::<Vec<_>>(),
        ["warn", "pass"],
        "{}",
        doctor.stdout()
    );
    assert_contains(&checks[0].summary, "HTTP 404");
    doctor.expect("network.sumdb", "pass");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

#[test]
fn gosumdb_off_with_a_web_goproxy_fails_naming_it_only_when_the_source_is_used() {
    let world = World::installed();
    let proxy = ModuleProxy::start();
    let env = through(&proxy.url(), "off");
    let doctor = world.doctor(&[], &env_refs(&env));
    let check = doctor.expect("sources.gosumdb", "fail");
    assert_eq!(
        check.summary,
        "GOSUMDB=off (from the environment) cannot be used for Go toolchains"
    );
    assert_contains(check.hint(), "unset GOSUMDB");
    doctor.lacks("sources.sumdb-head");
    doctor.lacks("network.sumdb");
    // The proxy itself answers; the toolchains it serves would be refused.
    doctor.expect("network.goproxy", "pass");
    assert_eq!(doctor.report.summary.fail, 1, "{}", doctor.stdout());

    // The honest setting beside it.
    let env = through(&proxy.url(), &proxy.gosumdb());
    world
        .doctor(&[], &env_refs(&env))
        .expect("sources.gosumdb", "info");

    // The index alone: GOSUMDB=off is noted, not failed, and nothing is asked of the proxy.
    let goproxy = proxy.url();
    let doctor = world.doctor(&[], &[("GOPROXY", &goproxy), ("GOSUMDB", "off")]);
    let check = doctor.expect("sources.gosumdb", "info");
    assert!(
        check.has_evidence(|e| e.contains("not in GOPIN_SOURCE")),
        "{check:#?}"
    );
    assert!(check.hint.is_none(), "{check:#?}");
    doctor.lacks("network.goproxy");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // One file:// GOPROXY: Go's ordinary rules let GOSUMDB=off install unchecked; a warning.
    let tree = world.folder("goproxy-tree");
    proxy.proxy.write_to(&tree).unwrap();
    let file_url = format!("file://{}", tree.display());
    let env = through(&file_url, "off");
    let doctor = world.doctor(&[], &env_refs(&env));
    let check = doctor.expect("sources.gosumdb", "warn");
    assert_contains(&check.summary, "installed unchecked");
    assert_contains(&check.summary, "GOSUMDB=off");
    let list = doctor.expect("network.goproxy", "pass");
    assert_contains(&list.summary, "readable, 1 toolchain(s) for ");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());
}

#[test]
fn offline_shows_the_settings_and_asks_nothing() {
    let world = World::installed();
    let proxy = ModuleProxy::start();
    let env = through(&proxy.url(), &proxy.gosumdb());
    for (extra, offline_env) in [(vec!["--offline"], None), (vec![], Some("1"))] {
        let mut env = env_refs(&env);
        if let Some(value) = offline_env {
            env.push(("GOPIN_OFFLINE", value));
        }
        let doctor = world.doctor(&extra, &env);
        assert!(doctor.report.summary.ok, "{}", doctor.stdout());
        doctor.expect("sources.order", "info");
        doctor.expect("sources.goproxy", "info");
        doctor.expect("sources.gosumdb", "info");
        doctor.expect("sources.sumdb-head", "info");
        let network: Vec<&str> = doctor
            .report
            .checks
            .iter()
            .filter(|c| c.group == "network")
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(network, ["network.skipped"]);
    }
    assert_eq!(
        proxy.targets(),
        Vec::<String>::new(),
        "offline asks nothing"
    );

    // The same settings online do ask: the proxy server sees it.
    world.doctor(&[], &env_refs(&env));
    assert!(!proxy.targets().is_empty());
}

#[test]
fn the_tree_head_kept_after_an_install_through_the_proxy_is_shown_and_a_fork_fails() {
    let world = World::empty();
    let proxy = ModuleProxy::start();
    let env = through(&proxy.url(), &proxy.gosumdb());
    let modcache = world.folder("modcache").display().to_string();
    let mut env = env_refs(&env);
    env.push(("GOMODCACHE", &modcache));

    // Before any install: none kept.
    let doctor = world.doctor(&["--offline"], &env);
    let kept = doctor.expect("sources.sumdb-head", "info");
    assert_eq!(kept.summary, "no tree head of sumdb.test kept yet");
    let latest = world.root().join("sumdb/sumdb.test/latest");
    assert!(
        kept.has_evidence(|e| e.contains(&latest.display().to_string())),
        "{kept:#?}"
    );

    let run = world.gopin(&["install", VERSION], &env);
    run.assert_code(0);
    assert!(latest.is_file(), "{}", run.stderr);

    // Offline: the kept head, its size and root.
    let (size, root) = proxy.head();
    let doctor = world.doctor(&["--offline"], &env);
    let kept = doctor.expect("sources.sumdb-head", "info");
    assert_eq!(
        kept.summary,
        format!("kept tree head of sumdb.test: size {size}")
    );
    assert_eq!(
        kept.evidence,
        [format!("root {root}"), latest.display().to_string()]
    );

    // Online: the database's /latest beside it.
    let doctor = world.doctor(&[], &env);
    let database = doctor.expect("network.sumdb", "pass");
    assert!(
        database.has_evidence(|e| e.starts_with("0 record(s) newer than the kept head")),
        "{database:#?}"
    );

    // A database that now signs another tree of the same size: a fork, and a security error.
    proxy.serve(&proxy.proxy.with_db(&proxy.proxy.db.forked(0)));
    let doctor = world.doctor(&[], &env);
    let database = doctor.expect("network.sumdb", "fail");
    assert!(
        database.summary.starts_with(
            "SECURITY ERROR: checksum database sumdb.test signed two different trees of size"
        ),
        "{database:#?}"
    );
    assert!(
        database
            .has_evidence(|e| e.starts_with("kept in ") && e.ends_with(&format!("root {root}"))),
        "{database:#?}"
    );
    assert_contains(database.hint(), "report it");
    // The kept head is untouched.
    let doctor = world.doctor(&["--offline"], &env);
    let kept = doctor.expect("sources.sumdb-head", "info");
    assert_eq!(kept.evidence[0], format!("root {root}"));
}

#[test]
fn an_unreachable_index_hints_at_the_proxy_that_answers() {
    let world = World::installed();
    let proxy = ModuleProxy::start();
    let dead_index = format!("{}/index.json", closed_port_url());
    let goproxy = proxy.url();
    let gosumdb = proxy.gosumdb();
    let base = [
        ("GOPIN_INDEX_URL", dead_index.as_str()),
        ("GOPROXY", goproxy.as_str()),
        ("GOSUMDB", gosumdb.as_str()),
    ];

    // The index alone in GOPIN_SOURCE, and down; the proxy answers: the hint says so.
    let doctor = world.doctor(&[], &base);
    let index = doctor.expect("network.index", "fail");
    assert_contains(
        index.hint(),
        &format!(
            "since the module proxy {goproxy} answers, `export GOPIN_SOURCE=goproxy` to install through it"
        ),
    );
    assert!(!index.hint().contains("once GOSUMDB"), "{index:#?}");
    doctor.expect("network.goproxy", "pass");
    doctor.expect("network.sumdb", "pass");

    // The proxy down too: no such hint, and its failures are notes (the source is unused).
    let dead_proxy = closed_port_url();
    let mut env = base.to_vec();
    env[1] = ("GOPROXY", dead_proxy.as_str());
    let doctor = world.doctor(&[], &env);
    let index = doctor.expect("network.index", "fail");
    assert!(!index.hint().contains("GOPIN_SOURCE"), "{index:#?}");
    let list = doctor.expect("network.goproxy", "info");
    assert!(
        list.has_evidence(|e| e.contains("not in GOPIN_SOURCE")),
        "{list:#?}"
    );

    // GOSUMDB=off: the proxy answers, but toolchains from it would be refused until it is set.
    let mut env = base.to_vec();
    env[2] = ("GOSUMDB", "off");
    let doctor = world.doctor(&[], &env);
    let index = doctor.expect("network.index", "fail");
    assert_contains(index.hint(), "`export GOPIN_SOURCE=goproxy`");
    assert_contains(index.hint(), "once GOSUMDB names a checksum database");

    // Both sources in use: the proxy covers the index, which is only a warning.
    let mut env = base.to_vec();
    env.push(("GOPIN_SOURCE", "index,goproxy"));
    let doctor = world.doctor(&[], &env);
    let index = doctor.expect("network.index", "warn");
    assert!(
        index.has_evidence(|e| e.contains("the goproxy source, also in GOPIN_SOURCE, answers")),
        "{index:#?}"
    );
    doctor.expect("network.goproxy", "pass");
    assert!(doctor.report.summary.ok, "{}", doctor.stdout());

    // The index up: the proxy is not asked at all.
    let before = proxy.targets().len();
    let doctor = world.doctor(&[], &[("GOPROXY", &goproxy), ("GOSUMDB", &gosumdb)]);
    doctor.expect("network.index", "pass");
    doctor.lacks("network.goproxy");
    doctor.lacks("network.sumdb");
    assert_eq!(proxy.targets().len(), before, "{:?}", proxy.targets());
}

#[test]
fn a_proxy_listing_no_toolchain_for_this_platform_warns_and_is_not_hinted_at() {
    let world = World::installed();
    let elsewhere = TestServer::start();
    elsewhere.add_file(
        "/golang.org/toolchain/@v/list",
        "v0.0.1-go1.22.4.plan9-mips\n",
    );
    let dead_index = format!("{}/index.json", closed_port_url());
    let goproxy = elsewhere.url();
    let doctor = world.doctor(
        &[],
        &[
            ("GOPIN_INDEX_URL", &dead_index),
            ("GOPROXY", &goproxy),
            ("GOSUMDB", "off"),
        ],
    );
    // Unused, so a note; in use, a warning.
    let list = doctor.expect("network.goproxy", "info");
    assert_contains(&list.summary, "but it lists no toolchain for ");
    assert!(
        list.has_evidence(|e| e.starts_with("1 module version(s) listed, none for ")),
        "{list:#?}"
    );
    let index = doctor.expect("network.index", "fail");
    assert!(!index.hint().contains("GOPIN_SOURCE"), "{index:#?}");

    let doctor = world.doctor(
        &[],
        &[
            ("GOPIN_SOURCE", "goproxy"),
            ("GOPROXY", &goproxy),
            ("GOSUMDB", "off"),
        ],
    );
    let list = doctor.expect("network.goproxy", "warn");
    assert_contains(list.hint(), "golang.org/toolchain");
}
