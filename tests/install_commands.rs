//! The commands that change what is installed, run as a real process against a temporary
//! `GOPIN_HOME` and a local file:// mirror of fake releases: `install` (several specs, no spec,
//! `--archive`, `--force`), `uninstall`, `link`, `cache clean`, `default` installing what is
//! missing, and an install that runs out of disk space. Nothing here contacts the network.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::fake_go::{FakeRelease, index_json, platform};
use support::harness::{Run, Scenario};

impl Run {
    /// The `hint:` line of an error report.
    fn hint(&self) -> &str {
        self.stderr
            .lines()
            .find(|l| l.starts_with("hint:"))
            .unwrap_or_else(|| panic!("no hint line in:\n{}", self.stderr))
    }

    /// The `error:` line of an error report.
    fn error(&self) -> &str {
        self.stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_else(|| panic!("no error line in:\n{}", self.stderr))
    }
}

/// A temporary folder holding a mirror (`mirror/`: archives and `index.json`), a gopin home
/// (`home/`) and a working folder (`work/`) where nothing selects a version.
struct Sandbox {
    dir: tempfile::TempDir,
    releases: Vec<FakeRelease>,
    home: PathBuf,
    index_url: String,
}

impl Sandbox {
    /// A sandbox whose mirror serves small fake releases of `versions`.
    fn new(versions: &[&str]) -> Sandbox {
        Sandbox::with_releases(versions.iter().map(|v| FakeRelease::new(v, 3, 1000)))
    }

    fn with_releases(releases: impl IntoIterator<Item = FakeRelease>) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let releases: Vec<FakeRelease> = releases.into_iter().collect();
        let mirror = dir.path().join("mirror");
        std::fs::create_dir_all(&mirror).unwrap();
        for release in &releases {
            std::fs::write(mirror.join(&release.filename), &release.bytes).unwrap();
        }
        let refs: Vec<&FakeRelease> = releases.iter().collect();
        let index = mirror.join("index.json");
        std::fs::write(&index, index_json(&refs)).unwrap();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        Sandbox {
            home: dir.path().join("home"),
            index_url: format!("file://{}", index.display()),
            releases,
            dir,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn release(&self, version: &str) -> &FakeRelease {
        self.releases
            .iter()
            .find(|r| r.version == version)
            .unwrap_or_else(|| panic!("no fake release {version}"))
    }

    fn versions(&self) -> PathBuf {
        self.home.join("versions")
    }

    fn version_dir(&self, name: &str) -> PathBuf {
        self.versions().join(name)
    }

    /// Installed the way gopin means it: `versions/<name>/bin/go` is a file.
    fn installed(&self, name: &str) -> bool {
        self.version_dir(name).join("bin/go").is_file()
    }

    /// The names in `versions/` (sorted), hidden leftovers included.
    fn version_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.versions())
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Hidden folders in `versions/` (`.staging-*`, `.old-*`, `.trash-*`).
    fn leftovers(&self) -> Vec<String> {
        self.version_entries()
            .into_iter()
            .filter(|n| n.starts_with('.'))
            .collect()
    }

    /// What the installed `bin/go` of `name` prints.
    fn run_go(&self, name: &str) -> String {
        let out = Command::new(self.version_dir(name).join("bin/go"))
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    }

    /// gopin in `cwd`, installing from the sandbox's mirror.
    fn scenario(&self, cwd: &Path) -> Scenario {
        Scenario::new(&self.home, cwd)
            .env("GOPIN_INDEX_URL", &self.index_url)
            .env(
                "GOPIN_DOWNLOAD_URL",
                format!("file://{}/", self.path().join("mirror").display()),
            )
    }

    /// `gopin args` in `work/`, where nothing selects a version.
    fn run(&self, args: &[&str]) -> Run {
        self.scenario(&self.path().join("work")).run(args)
    }

    /// `gopin args` in `cwd` with extra environment variables.
    fn run_in(&self, cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
        self.scenario(cwd).envs(env.iter().copied()).run(args)
    }

    /// Writes a file (creating folders) and returns its path.
    fn write(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// A Go tree outside gopin (a custom build): `bin/go` prints `go version <says> ...`.
    fn custom_tree(&self, relative: &str, says: &str) -> PathBuf {
        let (os, arch) = platform();
        let go = self.write(
            &format!("{relative}/bin/go"),
            format!("#!/bin/sh\necho go version {says} {os}/{arch}\n").as_bytes(),
        );
        make_executable(&go);
        self.path().join(relative)
    }
}

fn make_executable(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = path;
}

fn go_version_line(version: &str) -> String {
    let (os, arch) = platform();
    format!("go version {version} {os}/{arch}\n")
}

#[test]
fn install_several_specs_resolving_lines_to_the_newest_release() {
    let sb = Sandbox::new(&["go1.21.12", "go1.21.13", "go1.22.4"]);

    let run = sb.run(&["install", "1.21", "1.22.4"]);
    run.assert_code(0);
    assert_eq!(run.stdout, "", "install prints no data");
    assert!(sb.installed("go1.21.13"), "{}", run.stderr);
    assert!(sb.installed("go1.22.4"), "{}", run.stderr);
    assert!(
        !sb.version_dir("go1.21.12").exists(),
        "only the newest 1.21.x"
    );
    for v in ["go1.21.13", "go1.22.4"] {
        assert!(
            run.stderr
                .contains(&format!("installed {v} in {}", sb.version_dir(v).display())),
            "each install is reported:\n{}",
            run.stderr
        );
        assert_eq!(sb.run_go(v), go_version_line(v), "the tree is {v}'s");
    }
    assert_eq!(sb.version_entries(), ["go1.21.13", "go1.22.4"]);

    let again = sb.run(&["install", "1.21"]);
    again.assert_code(0);
    assert!(
        again.stderr.contains("go1.21.13 is already installed"),
        "{}",
        again.stderr
    );
    assert!(!again.stderr.contains("installed go1.21.13 in"));
    assert_eq!(sb.version_entries(), ["go1.21.13", "go1.22.4"]);
}

#[test]
fn a_line_spec_fetches_the_newest_even_when_an_older_one_is_installed() {
    let sb = Sandbox::new(&["go1.21.12", "go1.21.13"]);
    sb.run(&["install", "go1.21.12"]).assert_code(0);
    assert_eq!(sb.version_entries(), ["go1.21.12"]);

    let run = sb.run(&["install", "1.21"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("installed go1.21.13 in"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("already installed"), "{}", run.stderr);
    assert_eq!(sb.version_entries(), ["go1.21.12", "go1.21.13"]);
    assert_eq!(sb.run_go("go1.21.13"), go_version_line("go1.21.13"));
}

#[test]
fn install_without_a_spec_installs_the_toolchain_selected_by_go_mod() {
    // go1.22.5 is newer on the `go 1.22` line: the toolchain line must win.
    let sb = Sandbox::new(&["go1.22.4", "go1.22.5"]);
    sb.write(
        "project/go.mod",
        b"module example.com/p\n\ngo 1.22\n\ntoolchain go1.22.4\n",
    );
    let sub = sb.path().join("project/internal");
    std::fs::create_dir_all(&sub).unwrap();

    let run = sb.run_in(&sub, &[], &["install"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("go1.22.4 is selected here"),
        "names the selection:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("go.mod"),
        "names go.mod:\n{}",
        run.stderr
    );
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));

    // Nothing selected at all is an error, and nothing is installed.
    let none = sb.run(&["install"]);
    none.assert_code(1);
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
}

#[test]
fn install_archive_with_the_index_checksum() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    let file = sb.write(&format!("user/{}", release.filename), &release.bytes);

    let run = sb.run(&["install", "--archive", file.to_str().unwrap()]);
    run.assert_code(0);
    assert!(sb.installed("go1.22.4"), "{}", run.stderr);
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    assert_eq!(
        std::fs::read(&file).unwrap(),
        release.bytes,
        "the user's file stays"
    );
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());

    // Installed already: nothing to do unless --force.
    let again = sb.run(&["install", "--archive", file.to_str().unwrap()]);
    again.assert_code(0);
    assert!(
        again
            .stderr
            .contains("already installed (--force reinstalls)"),
        "{}",
        again.stderr
    );
}

#[test]
fn install_archive_checks_the_file_against_the_index_checksum() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    // Right name, other bytes (another release's archive): the index's sum must catch it.
    let other = FakeRelease::new("go1.22.4", 4, 1000);
    assert_ne!(other.sha256, release.sha256);
    let file = sb.write(&format!("user/{}", release.filename), &other.bytes);

    let run = sb.run(&["install", "--archive", file.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.error().contains("checksum mismatch"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&release.sha256) && run.stderr.contains(&other.sha256),
        "names the index's and the computed sum:\n{}",
        run.stderr
    );
    assert!(!sb.version_dir("go1.22.4").exists());
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
    assert_eq!(std::fs::read(&file).unwrap(), other.bytes, "not deleted");
}

#[test]
fn install_archive_offline_with_a_given_checksum() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    let file = sb.write(&format!("user/{}", release.filename), &release.bytes);
    let work = sb.path().join("work");
    // No index anywhere: any attempt to read one fails.
    let missing = format!("file://{}/no-index.json", sb.path().display());
    let env = [
        ("GOPIN_OFFLINE", "1"),
        ("GOPIN_INDEX_URL", missing.as_str()),
    ];

    // Without --sha256 the index is needed, and offline there is none.
    let run = sb.run_in(
        &work,
        &env,
        &["install", "--archive", file.to_str().unwrap()],
    );
    run.assert_code(1);
    assert!(run.stderr.contains("GOPIN_OFFLINE"), "{}", run.stderr);
    assert!(!sb.version_dir("go1.22.4").exists());

    let run = sb.run_in(
        &work,
        &env,
        &[
            "install",
            "--archive",
            file.to_str().unwrap(),
            "--sha256",
            &release.sha256.to_uppercase(),
        ],
    );
    run.assert_code(0);
    assert!(sb.installed("go1.22.4"), "{}", run.stderr);
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    assert!(file.is_file(), "the user's file stays");
}

#[test]
fn install_archive_with_a_wrong_checksum_installs_nothing_and_keeps_the_file() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    let file = sb.write(&format!("user/{}", release.filename), &release.bytes);
    let wrong = "ab".repeat(32);

    let run = sb.run(&[
        "install",
        "--archive",
        file.to_str().unwrap(),
        "--sha256",
        &wrong,
    ]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    assert!(
        run.error().contains("checksum mismatch") && run.error().contains(&release.filename),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("expected sha256: {wrong}")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("computed sha256: {}", release.sha256)),
        "{}",
        run.stderr
    );
    assert!(run.hint().contains("--sha256"), "{}", run.stderr);
    assert!(!sb.version_dir("go1.22.4").exists());
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        release.bytes,
        "the user's file is not deleted"
    );
}

#[test]
fn install_archive_version_from_the_name_or_from_the_version_flag() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    let renamed = sb.write("user/mygo.tar.gz", &release.bytes);
    let path = renamed.to_str().unwrap();

    // No version in the name, none given.
    let run = sb.run(&["install", "--archive", path]);
    run.assert_code(1);
    assert!(
        run.error()
            .contains("cannot tell the version from the file name \"mygo.tar.gz\""),
        "{}",
        run.stderr
    );
    assert!(run.hint().contains("--version"), "{}", run.stderr);
    assert!(!sb.versions().join("go1.22.4").exists());

    // --version alone: the file's name is not in the index, so the sum is the index's for
    // that version on this platform.
    let run = sb.run(&["install", "--archive", path, "--version", "1.22.4"]);
    run.assert_code(0);
    assert!(
        sb.versions().join("go1.22.4/bin/go").is_file(),
        "{}",
        run.stderr
    );
    sb.run(&["uninstall", "1.22.4"]).assert_code(0);
    assert!(!sb.versions().join("go1.22.4").exists());

    // --version needs an exact version.
    let run = sb.run(&["install", "--archive", path, "--version", "1.22"]);
    run.assert_code(1);
    assert!(run.error().contains("--version"), "{}", run.stderr);

    let run = sb.run(&[
        "install",
        "--archive",
        path,
        "--version",
        "1.22.4",
        "--sha256",
        &release.sha256,
    ]);
    run.assert_code(0);
    assert!(sb.installed("go1.22.4"), "{}", run.stderr);
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    assert!(renamed.is_file(), "the user's file stays");
}

#[test]
fn install_archive_refuses_an_invalid_checksum_and_bad_usage() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let release = sb.release("go1.22.4");
    let file = sb.write(&format!("user/{}", release.filename), &release.bytes);
    let path = file.to_str().unwrap();

    let run = sb.run(&["install", "--archive", path, "--sha256", "xyz"]);
    run.assert_code(1);
    assert!(
        run.error().contains("invalid --sha256 \"xyz\""),
        "{}",
        run.stderr
    );
    assert!(!sb.versions().join("go1.22.4").exists());

    // 63 hex digits are not a SHA-256 either.
    let short = &release.sha256[1..];
    let run = sb.run(&["install", "--archive", path, "--sha256", short]);
    run.assert_code(1);
    assert!(run.error().contains("invalid --sha256"), "{}", run.stderr);

    // A missing file is named.
    let gone = sb.path().join("user/go1.22.5.linux-amd64.tar.gz");
    let run = sb.run(&["install", "--archive", gone.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.error().contains("does not exist"), "{}", run.stderr);

    // Usage errors: --version and --sha256 need --archive; --archive excludes specs.
    sb.run(&["install", "--version", "1.22.4"]).assert_code(2);
    sb.run(&["install", "--sha256", &release.sha256])
        .assert_code(2);
    sb.run(&["install", "1.22.4", "--archive", path])
        .assert_code(2);
    assert!(!sb.versions().join("go1.22.4").exists());
}

#[test]
fn force_reinstalls_and_leaves_no_old_folder() {
    let sb = Sandbox::new(&["go1.22.4"]);
    sb.run(&["install", "1.22.4"]).assert_code(0);
    let gofmt = sb.version_dir("go1.22.4").join("bin/gofmt");
    assert!(gofmt.is_file());
    std::fs::remove_file(&gofmt).unwrap();

    // Without --force an installed version (bin/go present) is left alone.
    let run = sb.run(&["install", "1.22.4"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("go1.22.4 is already installed"),
        "{}",
        run.stderr
    );
    assert!(!gofmt.exists());

    let run = sb.run(&["install", "--force", "1.22.4"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("installed go1.22.4 in"),
        "{}",
        run.stderr
    );
    assert!(gofmt.is_file(), "--force brought gofmt back");
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    assert_eq!(
        sb.version_entries(),
        ["go1.22.4"],
        "no .old-* or .staging-* left"
    );

    // --force with --archive too.
    std::fs::remove_file(&gofmt).unwrap();
    let release = sb.release("go1.22.4");
    let file = sb.write(&format!("user/{}", release.filename), &release.bytes);
    let run = sb.run(&["install", "--force", "--archive", file.to_str().unwrap()]);
    run.assert_code(0);
    assert!(gofmt.is_file(), "{}", run.stderr);
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
}

#[test]
fn uninstall_removes_versions_and_protects_the_default() {
    let sb = Sandbox::new(&["go1.21.12", "go1.21.13", "go1.22.4"]);
    sb.run(&["install", "1.21.12", "1.21.13", "1.22.4"])
        .assert_code(0);
    sb.run(&["default", "1.22.4"]).assert_code(0);
    assert_eq!(sb.version_entries(), ["go1.21.12", "go1.21.13", "go1.22.4"]);

    let run = sb.run(&["uninstall", "1.99"]);
    run.assert_code(1);
    assert!(
        run.error().contains("no installed version matches 1.99"),
        "{}",
        run.stderr
    );
    assert!(run.hint().contains("gopin list"), "{}", run.stderr);

    // The default is refused, and nothing else of the same command is removed either.
    let run = sb.run(&["uninstall", "1.21.12", "1.22.4"]);
    run.assert_code(1);
    assert!(
        run.error().contains("go1.22.4 is the default version"),
        "{}",
        run.stderr
    );
    assert!(run.hint().contains("--force"), "{}", run.stderr);
    assert_eq!(sb.version_entries(), ["go1.21.12", "go1.21.13", "go1.22.4"]);

    // A line removes every installed version on it.
    let run = sb.run(&["uninstall", "1.21"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("removed go1.21.12") && run.stderr.contains("removed go1.21.13"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.version_entries(), ["go1.22.4"]);

    let run = sb.run(&["uninstall", "--force", "1.22.4"]);
    run.assert_code(0);
    assert!(run.stderr.contains("removed go1.22.4"), "{}", run.stderr);
    assert!(
        sb.version_entries().is_empty(),
        "{:?}",
        sb.version_entries()
    );

    // Gone: a second uninstall finds nothing.
    sb.run(&["uninstall", "1.22.4"]).assert_code(1);
    // No spec is a usage error.
    sb.run(&["uninstall"]).assert_code(2);
}

#[cfg(unix)]
#[test]
fn uninstall_of_a_linked_version_removes_only_the_link() {
    let sb = Sandbox::new(&[]);
    let tree = sb.custom_tree("custom/go", "go1.22.4-custom");
    sb.run(&["link", "go1.22.4-custom", tree.to_str().unwrap()])
        .assert_code(0);
    let link = sb.version_dir("go1.22.4-custom");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());

    let run = sb.run(&["uninstall", "go1.22.4-custom"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("removed go1.22.4-custom"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(&link).is_err(),
        "the link is gone"
    );
    assert!(
        sb.version_entries().is_empty(),
        "{:?}",
        sb.version_entries()
    );
    assert!(
        tree.join("bin/go").is_file(),
        "the linked tree itself stays"
    );
}

#[cfg(unix)]
#[test]
fn link_registers_a_custom_tree_that_selection_and_which_use() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let tree = sb.custom_tree("custom/go", "go1.22.4-custom");

    let run = sb.run(&["link", "go1.22.4-custom", tree.to_str().unwrap()]);
    run.assert_code(0);
    let tree_real = std::fs::canonicalize(&tree).unwrap();
    assert!(
        run.stderr.contains(&format!(
            "linked go1.22.4-custom -> {}",
            tree_real.display()
        )),
        "{}",
        run.stderr
    );
    let link = sb.version_dir("go1.22.4-custom");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), tree_real);

    let list = sb.run(&["list"]);
    list.assert_code(0);
    assert!(
        list.stdout.lines().any(|l| l.trim() == "go1.22.4-custom"),
        "{}",
        list.stdout
    );

    sb.write("project/.go-version", b"go1.22.4-custom\n");
    let project = sb.path().join("project");
    let which = sb.run_in(&project, &[], &["which"]);
    which.assert_code(0);
    let printed = PathBuf::from(which.stdout.trim_end());
    assert_eq!(printed, link.join("bin/go"), "the path through the link");
    assert_eq!(
        std::fs::canonicalize(&printed).unwrap(),
        tree_real.join("bin/go"),
        "which resolves to the linked tree"
    );
    let out = Command::new(&printed).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        go_version_line("go1.22.4-custom")
    );
    let list = sb.run_in(&project, &[], &["list"]);
    assert!(
        list.stdout
            .lines()
            .any(|l| l.starts_with("* go1.22.4-custom")),
        "marked current in the project:\n{}",
        list.stdout
    );
}

#[cfg(unix)]
#[test]
fn link_refuses_trees_without_go_and_existing_names_unless_forced() {
    let sb = Sandbox::new(&["go1.22.4"]);
    let tree = sb.custom_tree("custom/go", "go1.22.4-custom");
    let other = sb.custom_tree("custom/other", "go1.22.4-custom");

    // A folder without bin/go.
    let empty = sb.path().join("custom/empty");
    std::fs::create_dir_all(empty.join("bin")).unwrap();
    let run = sb.run(&["link", "go1.22.4-custom", empty.to_str().unwrap()]);
    run.assert_code(1);
    assert!(
        run.error().contains("holds no executable bin/go"),
        "{}",
        run.stderr
    );
    assert!(std::fs::symlink_metadata(sb.version_dir("go1.22.4-custom")).is_err());

    // A bin/go that is not executable is no Go either.
    let plain = sb.write("custom/plain/bin/go", b"not a program\n");
    let run = sb.run(&[
        "link",
        "go1.22.4-custom",
        plain.parent().unwrap().parent().unwrap().to_str().unwrap(),
    ]);
    run.assert_code(1);
    assert!(std::fs::symlink_metadata(sb.version_dir("go1.22.4-custom")).is_err());

    // A folder that does not exist.
    let run = sb.run(&["link", "go1.22.4-custom", "/nonexistent/gopin-test-tree"]);
    run.assert_code(1);
    assert!(run.error().contains("cannot use"), "{}", run.stderr);

    // An existing link of that name: refused, then replaced with --force.
    let link = sb.version_dir("go1.22.4-custom");
    sb.run(&["link", "go1.22.4-custom", tree.to_str().unwrap()])
        .assert_code(0);
    let run = sb.run(&["link", "go1.22.4-custom", other.to_str().unwrap()]);
    run.assert_code(1);
    assert!(run.error().contains("already installed"), "{}", run.stderr);
    assert!(run.hint().contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::fs::canonicalize(&tree).unwrap()
    );
    let run = sb.run(&[
        "link",
        "--force",
        "go1.22.4-custom",
        other.to_str().unwrap(),
    ]);
    run.assert_code(0);
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        std::fs::canonicalize(&other).unwrap()
    );

    // A real install is never replaced by a link, --force or not.
    sb.run(&["install", "1.22.4"]).assert_code(0);
    for args in [
        &["link", "go1.22.4", tree.to_str().unwrap()][..],
        &["link", "--force", "go1.22.4", tree.to_str().unwrap()][..],
    ] {
        let run = sb.run(args);
        run.assert_code(1);
        assert!(run.error().contains("already installed"), "{}", run.stderr);
        assert!(run.hint().contains("uninstall"), "{}", run.stderr);
        let dir = sb.version_dir("go1.22.4");
        assert!(!std::fs::symlink_metadata(&dir).unwrap().is_symlink());
        assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    }
    assert!(tree.join("bin/go").is_file());
}

#[test]
fn cache_clean_removes_downloads_and_leftovers_but_not_versions() {
    let sb = Sandbox::new(&["go1.22.4"]);
    sb.run(&["install", "1.22.4"]).assert_code(0);
    let release = sb.release("go1.22.4");
    let downloads = sb.home.join("downloads");
    let archive = downloads.join(&release.filename);
    assert_eq!(
        std::fs::read(&archive).unwrap(),
        release.bytes,
        "the verified archive is kept in downloads/"
    );

    let part = downloads.join("go1.9.9.linux-amd64.tar.gz.0123456789abcdef.part");
    std::fs::write(&part, vec![7u8; 1000]).unwrap();
    let staging = sb.versions().join(".staging-go1.9.9-12345");
    std::fs::create_dir_all(staging.join("bin")).unwrap();
    std::fs::write(staging.join("bin/go"), b"half").unwrap();
    let trash = sb.versions().join(".trash-go1.8.8-12345");
    std::fs::create_dir_all(&trash).unwrap();
    // A leftover whose installer still runs (its lock is held) is not touched.
    let busy = sb.versions().join(".staging-go1.7.7-4242");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::create_dir_all(sb.home.join("locks")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(sb.home.join("locks/go1.7.7.lock"))
        .unwrap();
    lock.try_lock().unwrap();

    let count = |dir: &Path| std::fs::read_dir(dir).map_or(0, |d| d.count());
    let expected = count(&downloads) + count(&sb.home.join("cache")) + 2;
    assert!(expected >= 4, "archive, part, staging, trash");

    let run = sb.run(&["cache", "clean"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(&format!("removed {expected} entries")),
        "reports what was removed ({expected} entries):\n{}",
        run.stderr
    );
    assert!(!archive.exists() && !part.exists());
    assert_eq!(count(&downloads), 0);
    assert_eq!(count(&sb.home.join("cache")), 0);
    assert!(!staging.exists() && !trash.exists());
    assert!(busy.is_dir(), "a leftover whose lock is held stays");
    assert_eq!(sb.version_entries(), [".staging-go1.7.7-4242", "go1.22.4"]);
    assert!(sb.installed("go1.22.4"));
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));

    drop(lock);
    let run = sb.run(&["cache", "clean"]);
    run.assert_code(0);
    assert!(run.stderr.contains("removed 1 entries"), "{}", run.stderr);
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
}

#[test]
fn default_installs_a_missing_version() {
    let sb = Sandbox::new(&["go1.22.3", "go1.22.4"]);
    let run = sb.run(&["default", "1.22"]);
    run.assert_code(0);
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
    assert_eq!(sb.run_go("go1.22.4"), go_version_line("go1.22.4"));
    assert_eq!(
        std::fs::read_to_string(sb.home.join("default")).unwrap(),
        "go1.22.4\n"
    );
}

/// Unmounts when dropped, even when an assertion failed.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let status = Command::new("umount").arg(&self.0).status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("note: could not unmount {}", self.0.display());
        }
    }
}

/// Mounts a 2 MB tmpfs on a new folder `dir`. Needs `mount -t tmpfs` (root, or CAP_SYS_ADMIN,
/// on Linux); where that is not allowed (CI containers, macOS, non-root users) it prints a note
/// and returns None, and the calling test checks nothing.
fn small_disk(dir: &Path) -> Option<Mounted> {
    std::fs::create_dir_all(dir).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(dir)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("note: cannot mount a tmpfs here; this full-disk test is skipped");
        return None;
    }
    Some(Mounted(dir.to_path_buf()))
}

/// A sandbox serving one 3 MB release (60 files of 50 KB of noise), which cannot fit in 2 MB.
fn big_release_sandbox() -> Sandbox {
    let sb = Sandbox::with_releases([FakeRelease::new("go1.22.4", 60, 50_000)]);
    assert!(sb.release("go1.22.4").bytes.len() > 2_500_000);
    sb
}

/// The whole `GOPIN_HOME` on a 2 MB disk: whichever write fails first (the partial download
/// or the unpacked tree), the error names that file and the OS error, and nothing is
/// installed. Skipped (with a note) where a tmpfs cannot be mounted.
#[test]
fn install_on_a_full_disk_names_the_file_and_installs_nothing() {
    let mut sb = big_release_sandbox();
    let disk = sb.path().join("disk");
    // Declared after the sandbox, so it unmounts before the temporary folder is removed.
    let Some(_unmount) = small_disk(&disk) else {
        return;
    };
    sb.home = disk.join("home");

    let run = sb.run(&["install", "1.22.4"]);
    run.assert_code(1);
    let home = sb.home.display().to_string();
    let wrote = run
        .stderr
        .lines()
        .find(|l| l.contains("cannot write") && l.contains(&home));
    assert!(
        wrote.is_some(),
        "the error names the file it could not write:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "says no space is left:\n{}",
        run.stderr
    );
    assert!(!sb.version_dir("go1.22.4").exists(), "nothing installed");
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
}

/// Only `downloads/` on the small disk (a symbolic link into it): the partial file's write
/// fails, the error names it, keeps it for next time and hints at freeing space.
#[cfg(unix)]
#[test]
fn a_full_disk_under_downloads_is_reported_with_a_hint() {
    let sb = big_release_sandbox();
    let disk = sb.path().join("disk");
    let Some(_unmount) = small_disk(&disk) else {
        return;
    };
    std::fs::create_dir_all(&sb.home).unwrap();
    std::os::unix::fs::symlink(&disk, sb.home.join("downloads")).unwrap();

    let run = sb.run(&["install", "1.22.4"]);
    run.assert_code(1);
    let release = sb.release("go1.22.4");
    let part = sb.home.join("downloads").join(format!(
        "{}.{}.part",
        release.filename,
        &release.sha256[..16]
    ));
    assert!(
        run.error()
            .contains(&format!("cannot write {}", part.display())),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the partial download is kept"),
        "{}",
        run.stderr
    );
    assert!(part.is_file(), "the partial file is kept");
    assert!(run.hint().contains("free space"), "{}", run.stderr);
    assert!(run.hint().contains("gopin cache clean"), "{}", run.stderr);
    assert!(!sb.version_dir("go1.22.4").exists(), "nothing installed");
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
}

/// Only `versions/` on the small disk (a symbolic link into it): unpacking fails. A full disk
/// is no refusal of the archive: the report should say the disk is full and how to free space.
#[cfg(unix)]
#[test]
fn a_full_disk_under_versions_is_reported_as_a_disk_problem() {
    let sb = big_release_sandbox();
    let disk = sb.path().join("disk");
    let Some(_unmount) = small_disk(&disk) else {
        return;
    };
    std::fs::create_dir_all(&sb.home).unwrap();
    std::os::unix::fs::symlink(&disk, sb.versions()).unwrap();

    let run = sb.run(&["install", "1.22.4"]);
    run.assert_code(1);
    let staging = sb.versions().join(".staging-go1.22.4-");
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("cannot write") && l.contains(&staging.display().to_string())),
        "names the file it could not write:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("No space left on device"),
        "{}",
        run.stderr
    );
    assert!(!sb.version_dir("go1.22.4").exists(), "nothing installed");
    assert!(sb.leftovers().is_empty(), "{:?}", sb.leftovers());
    assert!(
        !run.error().contains("refused"),
        "the archive was not refused, the disk is full:\n{}",
        run.stderr
    );
    assert!(run.hint().contains("free space"), "{}", run.stderr);
}
