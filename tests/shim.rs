//! The shim as a real process: `$GOPIN_HOME/shims/go`, `shims/gofmt` and `shims/go1.X.Y` are
//! links to the `gopin-shim` binary (made by `gopin reshim`), run in temporary project trees
//! against fake toolchains (`#!/bin/sh` scripts that print what they were given) and, for the
//! installs the shim hands to `gopin exec`, a file:// mirror of fake releases.
//!
//! Covered: the selection order seen through `shims/go`; version links and Go's own switching
//! variable; the environment the toolchain sees; arguments, argv[0], stdin, exit status and
//! signals passing through the exec; the guard against exec'ing itself; missing versions with
//! automatic installs off and on (exact and fuzzy specs); and `system`.
//! Nothing here contacts anything but file:// URLs.
#![cfg(unix)]

mod support;

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::fake_go::{FakeRelease, index_json, platform};
use support::harness::{Run, Scenario, collect, drain, wait_limited};

/// How long any one run may take before the test kills it and fails.
const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A fake `bin/go`: prints its version, arguments and environment, or (FAKE_MODE) each argument
/// bracketed, its stdin, or waits for SIGTERM; exits with FAKE_EXIT.
fn fake_go_script(version: &str, tool: &str) -> String {
    format!(
        r#"#!/bin/sh
case "${{FAKE_MODE-}}" in
  args)
    for a in "$@"; do printf '[%s]\n' "$a"; done
    exit 0 ;;
  stdin)
    echo "stdin:"
    cat
    exit 0 ;;
  term)
    trap 'echo got-term; exit 143' TERM
    echo ready
    # Bounded, so that a toolchain left behind by a broken shim does not run forever.
    i=0
    while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
    echo no-signal
    exit 1 ;;
esac
echo "version={version}"
echo "tool={tool}"
echo "args=$*"
echo "GOROOT=$GOROOT"
echo "GOTOOLCHAIN=${{GOTOOLCHAIN-unset}}"
echo "SWITCH=${{GOTOOLCHAIN_INTERNAL_SWITCH_VERSION-unset}}"
exit ${{FAKE_EXIT:-0}}
"#
    )
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl Run {
    /// The value of a `key=value` line the fake go printed.
    fn field(&self, key: &str) -> &str {
        let prefix = format!("{key}=");
        self.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| {
                panic!(
                    "no {key}= line in stdout:\n{}\nstderr:\n{}",
                    self.stdout, self.stderr
                )
            })
    }

    /// Which fake toolchain ran.
    fn version(&self) -> &str {
        self.field("version")
    }
}

/// A temporary folder holding a gopin home (`home/`), a project folder (`proj/`), an empty
/// folder (`elsewhere/`, no project file above it) and room for a mirror.
struct Sandbox {
    dir: tempfile::TempDir,
    home: PathBuf,
    project: PathBuf,
    /// Environment every run gets on top of the base set; tests add to it.
    env: Vec<(String, OsString)>,
}

impl Sandbox {
    fn new() -> Sandbox {
        support::binaries::shim();
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let project = dir.path().join("proj");
        for d in [&home, &project, &dir.path().join("elsewhere")] {
            std::fs::create_dir_all(d).unwrap();
        }
        Sandbox {
            dir,
            home,
            project,
            env: Vec::new(),
        }
    }

    /// A sandbox with fake toolchains of `versions` installed and the shims made.
    fn with_versions(versions: &[&str]) -> Sandbox {
        let sb = Sandbox::new();
        for v in versions {
            sb.fake(v);
        }
        sb.reshim();
        sb
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn elsewhere(&self) -> PathBuf {
        self.path().join("elsewhere")
    }

    fn shims(&self) -> PathBuf {
        self.home.join("shims")
    }

    fn shim(&self, name: &str) -> PathBuf {
        self.shims().join(name)
    }

    fn version_dir(&self, name: &str) -> PathBuf {
        self.home.join("versions").join(name)
    }

    /// Installs a fake toolchain by hand: `bin/go`, `bin/gofmt` and `VERSION`.
    fn fake(&self, version: &str) {
        let dir = self.version_dir(version);
        write_executable(&dir.join("bin/go"), &fake_go_script(version, "go"));
        write_executable(&dir.join("bin/gofmt"), &fake_go_script(version, "gofmt"));
        std::fs::write(
            dir.join("VERSION"),
            format!("{version}\ntime 2024-01-01T00:00:00Z\n"),
        )
        .unwrap();
    }

    fn set(&mut self, key: &str, value: impl Into<OsString>) -> &mut Sandbox {
        self.env.push((key.to_owned(), value.into()));
        self
    }

    /// A command in an empty environment plus the gopin home, PATH = shims, then the system
    /// folders, and the sandbox's settings.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>, cwd: &Path) -> Command {
        let path = std::env::join_paths([self.shims(), "/usr/bin".into(), "/bin".into()]).unwrap();
        Scenario::hermetic(&self.home, cwd)
            .env("HOME", self.path())
            .env("PATH", path)
            // Anything that is not a file:// mirror set by a test fails at once.
            .env("GOPIN_INDEX_URL", "http://127.0.0.1:1/no-index.json")
            .env("GOPIN_DOWNLOAD_URL", "http://127.0.0.1:1/no-downloads/")
            .envs(self.env.iter().cloned())
            .command(program)
    }

    /// `gopin ARGS` in the project folder.
    fn gopin(&self, args: &[&str]) -> Run {
        let mut cmd = self.command(support::binaries::gopin(), &self.project);
        cmd.args(args);
        Run::limited(&mut cmd, None, RUN_LIMIT)
    }

    fn reshim(&self) {
        self.gopin(&["reshim"]).assert_code(0);
        assert!(
            std::fs::read_link(self.shim("go")).is_ok(),
            "reshim made no shims/go link"
        );
    }

    /// Runs the link `shims/NAME` with `args` in `cwd`.
    fn run_in(&self, name: &str, cwd: &Path, args: &[&str]) -> Run {
        self.run_full(name, cwd, args, None)
    }

    /// Runs `shims/go` with `args` in the project folder.
    fn go(&self, args: &[&str]) -> Run {
        self.run_in("go", &self.project, args)
    }

    fn run_full(&self, name: &str, cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
        let mut cmd = self.command(self.shim(name), cwd);
        cmd.args(args);
        Run::limited(&mut cmd, stdin, RUN_LIMIT)
    }

    /// A file:// mirror serving fake releases of `versions`; points GOPIN_INDEX_URL and
    /// GOPIN_DOWNLOAD_URL at it.
    fn mirror(&mut self, versions: &[&str]) {
        let mirror = self.path().join("mirror");
        std::fs::create_dir_all(&mirror).unwrap();
        let releases: Vec<FakeRelease> = versions
            .iter()
            .map(|v| FakeRelease::new(v, 3, 1000))
            .collect();
        for release in &releases {
            std::fs::write(mirror.join(&release.filename), &release.bytes).unwrap();
        }
        let refs: Vec<&FakeRelease> = releases.iter().collect();
        std::fs::write(mirror.join("index.json"), index_json(&refs)).unwrap();
        let index = format!("file://{}/index.json", mirror.display());
        let downloads = format!("file://{}/", mirror.display());
        self.set("GOPIN_INDEX_URL", index);
        self.set("GOPIN_DOWNLOAD_URL", downloads);
    }

    /// The names in `versions/` (sorted), hidden ones included.
    fn version_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.home.join("versions"))
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
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The `go version` line a fake release from the mirror prints.
fn release_output(version: &str) -> String {
    let (os, arch) = platform();
    format!("go version {version} {os}/{arch}\n")
}

// 1. Selection order through shims/go.

#[test]
fn precedence_through_the_go_shim() {
    let mut sb = Sandbox::with_versions(&["go1.21.13", "go1.22.4", "go1.23.2"]);
    let p = sb.project.clone();
    write(
        &p.join("go.mod"),
        "module example.com/m\n\ngo 1.21\n\ntoolchain go1.21.13\n",
    );
    assert_eq!(sb.go(&["version"]).assert_code(0).version(), "go1.21.13");

    // From a folder below, the walk up finds the same go.mod.
    let deep = p.join("cmd/tool");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(
        sb.run_in("go", &deep, &[]).assert_code(0).version(),
        "go1.21.13"
    );

    // A .go-version beside the go.mod wins.
    write(&p.join(".go-version"), "1.22.4\n");
    assert_eq!(sb.go(&[]).assert_code(0).version(), "go1.22.4");

    // A plain GOTOOLCHAIN beats the files, and the toolchain sees it unchanged.
    sb.set("GOTOOLCHAIN", "go1.23.2");
    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.23.2");
    assert_eq!(run.field("GOTOOLCHAIN"), "go1.23.2");

    // GOPIN_TOOLCHAIN beats both the files and GOTOOLCHAIN.
    sb.set("GOPIN_TOOLCHAIN", "1.21.13");
    assert_eq!(sb.go(&[]).assert_code(0).version(), "go1.21.13");
    sb.env.retain(|(k, _)| k != "GOTOOLCHAIN");
    assert_eq!(sb.go(&[]).assert_code(0).version(), "go1.21.13");
}

#[test]
fn nearest_project_file_wins_and_default_applies_elsewhere() {
    let sb = Sandbox::with_versions(&["go1.21.13", "go1.22.4"]);
    let p = &sb.project;
    write(
        &p.join("go.mod"),
        "module example.com/m\n\ngo 1.22.0\n\ntoolchain go1.22.4\n",
    );
    // A .go-version in a sub-folder is nearer than the parent's go.mod.
    write(&p.join("sub/.go-version"), "1.21.13\n");
    assert_eq!(
        sb.run_in("go", &p.join("sub"), &[])
            .assert_code(0)
            .version(),
        "go1.21.13"
    );
    assert_eq!(sb.go(&[]).assert_code(0).version(), "go1.22.4");

    // No project file: the default.
    sb.gopin(&["default", "1.21.13"]).assert_code(0);
    assert_eq!(
        sb.run_in("go", &sb.elsewhere(), &[])
            .assert_code(0)
            .version(),
        "go1.21.13"
    );
}

#[test]
fn nothing_selected_is_an_error() {
    let sb = Sandbox::with_versions(&["go1.22.4"]);
    let cwd = sb.elsewhere();
    let run = sb.run_in("go", &cwd, &["version"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "", "the toolchain must not run");
    assert_eq!(
        run.stderr,
        format!(
            "error: no Go version is selected here\n  no GOPIN_TOOLCHAIN, no project file above {}, no default\nhint: run `gopin default 1.22` (for every directory) or `gopin pin 1.22` (for this one)\n",
            cwd.display()
        )
    );
}

// 2. Version links and Go's own switching.

#[test]
fn version_link_ignores_the_project_selection() {
    let sb = Sandbox::with_versions(&["go1.21.13", "go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    assert!(
        sb.shim("go1.21.13").exists(),
        "reshim made no go1.21.13 link"
    );
    assert_eq!(sb.go(&[]).assert_code(0).version(), "go1.22.4");
    let run = sb.run_in("go1.21.13", &sb.project, &["env", "GOROOT"]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.21.13");
    assert_eq!(run.field("tool"), "go");
    assert_eq!(run.field("args"), "env GOROOT");
    assert_eq!(
        run.field("GOROOT"),
        sb.version_dir("go1.21.13").to_str().unwrap()
    );
}

#[test]
fn internal_switch_version_picks_the_toolchain_and_is_passed_on() {
    let mut sb = Sandbox::with_versions(&["go1.21.13", "go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    sb.set("GOTOOLCHAIN_INTERNAL_SWITCH_VERSION", "go1.21.13");
    let run = sb.go(&["build", "./..."]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.21.13");
    assert_eq!(run.field("SWITCH"), "go1.21.13");
    assert_eq!(run.field("args"), "build ./...");
}

// 3. The environment the toolchain sees.

#[test]
fn goroot_and_gotoolchain_seen_by_the_toolchain() {
    let mut sb = Sandbox::with_versions(&["go1.21.13", "go1.22.4", "go1.23.2"]);
    write(&sb.project.join(".go-version"), "1.21.13\n");

    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.21.13");
    assert_eq!(
        run.field("GOROOT"),
        sb.version_dir("go1.21.13").to_str().unwrap()
    );
    assert_eq!(run.field("GOTOOLCHAIN"), "local");
    assert_eq!(run.field("SWITCH"), "unset");

    // gofmt runs the same toolchain's gofmt.
    let run = sb.run_in("gofmt", &sb.project, &["-l", "."]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.21.13");
    assert_eq!(run.field("tool"), "gofmt");
    assert_eq!(run.field("GOTOOLCHAIN"), "local");

    // A user's GOROOT is replaced by the selected toolchain's.
    sb.set("GOROOT", "/somewhere/else");
    let run = sb.go(&[]);
    assert_eq!(
        run.assert_code(0).field("GOROOT"),
        sb.version_dir("go1.21.13").to_str().unwrap()
    );

    // An empty GOTOOLCHAIN counts as unset.
    sb.set("GOTOOLCHAIN", "");
    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.21.13");
    assert_eq!(run.field("GOTOOLCHAIN"), "local");

    // A floor raises an older selection and reaches the toolchain unchanged.
    sb.set("GOTOOLCHAIN", "go1.22.4+auto");
    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.22.4");
    assert_eq!(run.field("GOTOOLCHAIN"), "go1.22.4+auto");
    assert_eq!(
        run.field("GOROOT"),
        sb.version_dir("go1.22.4").to_str().unwrap()
    );

    // ... and leaves a newer one alone.
    write(&sb.project.join(".go-version"), "1.23.2\n");
    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.23.2");
    assert_eq!(run.field("GOTOOLCHAIN"), "go1.22.4+auto");
}

// 4. Arguments, argv[0], stdin and the exit status pass through.

#[test]
fn arguments_pass_through_exactly() {
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    sb.set("FAKE_MODE", "args");
    let args = [
        "run",
        "a b",
        "",
        "it's",
        "\"double\"",
        "$HOME",
        "*",
        "--flag=x y",
        "line1\nline2",
        "  ",
        "--",
        "-x",
    ];
    let run = sb.go(&args);
    run.assert_code(0);
    let expected: String = args.iter().map(|a| format!("[{a}]\n")).collect();
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr, "");

    // No arguments at all stays no arguments.
    assert_eq!(sb.go(&[]).assert_code(0).stdout, "");
}

#[test]
fn argv0_passes_through() {
    // A toolchain whose bin/go is /bin/sh: `sh -s` reads the script from stdin and `$0` is then
    // the shell's own argv[0], which is what the shim passed on.
    let sb = Sandbox::with_versions(&["go1.22.4"]);
    let dir = sb.version_dir("go1.20.14");
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    std::os::unix::fs::symlink("/bin/sh", dir.join("bin/go")).unwrap();
    sb.reshim();
    let script = b"echo \"argv0=$0\"; echo \"args=$*\"; echo \"GOROOT=$GOROOT\"\n";

    let link = sb.shim("go1.20.14");
    let run = sb.run_full("go1.20.14", &sb.project, &["-s", "x", "y z"], Some(script));
    run.assert_code(0);
    assert_eq!(run.field("argv0"), link.to_str().unwrap());
    assert_eq!(run.field("args"), "x y z");
    assert_eq!(run.field("GOROOT"), dir.to_str().unwrap());

    // Found on PATH as plain `go`, argv[0] is `go`.
    let mut cmd = sb.command("go", &sb.project);
    cmd.env("GOPIN_TOOLCHAIN", "1.20.14").arg("-s");
    let run = Run::limited(&mut cmd, Some(script), RUN_LIMIT);
    run.assert_code(0);
    assert_eq!(run.field("argv0"), "go");
}

#[test]
fn stdin_passes_through() {
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    sb.set("FAKE_MODE", "stdin");
    let input = b"first line\nsecond \"line\"\n\nno newline at the end";
    let run = sb.run_full("go", &sb.project, &[], Some(input));
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        format!("stdin:\n{}", String::from_utf8_lossy(input))
    );
}

#[test]
fn exit_status_passes_through() {
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    for code in [0, 3, 42] {
        sb.env.retain(|(k, _)| k != "FAKE_EXIT");
        sb.set("FAKE_EXIT", code.to_string());
        let run = sb.go(&["test"]);
        run.assert_code(code);
        assert_eq!(run.version(), "go1.22.4", "the fake ran for exit {code}");
        let run = sb.run_in("go1.22.4", &sb.project, &[]);
        run.assert_code(code);
    }
}

// 5. Signals reach the toolchain.

#[test]
fn sigterm_reaches_the_toolchain() {
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    sb.set("FAKE_MODE", "term");
    let mut cmd = sb.command(sb.shim("go"), &sb.project);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let pid = child.id();

    // Lines of stdout, read on a thread so that waiting for "ready" can time out.
    let stdout = child.stdout.take().unwrap();
    let stderr = drain(child.stderr.take().unwrap());
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|l| l == "ready") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the fake go never printed ready; stdout so far: {seen:?}");
            }
        }
    }

    let kill = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(kill.success(), "kill -TERM {pid} failed");
    let status = wait_limited(&mut child, Duration::from_secs(10))
        .expect("the signalled shim still running after 10 s: killed");
    // The rest of stdout, up to its end (or a deadline, should something still hold it open).
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Ok(line) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.push(line);
    }
    let stderr = String::from_utf8_lossy(&collect(&stderr, "the signalled shim")).into_owned();
    assert!(
        seen.iter().any(|l| l == "got-term"),
        "the toolchain did not see SIGTERM; stdout: {seen:?}, stderr: {stderr}"
    );
    assert_eq!(
        status.code(),
        Some(143),
        "status {status:?}; stdout: {seen:?}, stderr: {stderr}"
    );
}

// 6. The shim never execs itself.

#[test]
fn a_toolchain_that_is_the_shim_is_refused() {
    let sb = Sandbox::with_versions(&["go1.21.13"]);
    let bin = sb.version_dir("go1.22.4").join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(support::binaries::shim(), bin.join("go")).unwrap();
    // The same loop through a link to a link: bin/go -> shims/go -> gopin-shim.
    let bin2 = sb.version_dir("go1.23.2").join("bin");
    std::fs::create_dir_all(&bin2).unwrap();
    std::os::unix::fs::symlink(sb.shim("go"), bin2.join("go")).unwrap();
    sb.reshim();

    for version in ["go1.22.4", "go1.23.2"] {
        let mut cmd = sb.command(sb.shim("go"), &sb.project);
        cmd.env("GOPIN_TOOLCHAIN", &version[2..]).arg("version");
        let start = Instant::now();
        let run = Run::limited(&mut cmd, None, Duration::from_secs(5));
        let elapsed = start.elapsed();
        run.assert_code(1);
        assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
        let go = sb.version_dir(version).join("bin/go");
        assert!(
            run.stderr
                .starts_with(&format!("error: {} is gopin's shim itself\n", go.display())),
            "stderr:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("\nhint: "), "stderr:\n{}", run.stderr);
        assert_eq!(run.stdout, "");

        // The version link too.
        let run = Run::limited(
            &mut {
                let mut cmd = sb.command(sb.shim(version), &sb.project);
                cmd.arg("version");
                cmd
            },
            None,
            Duration::from_secs(5),
        );
        run.assert_code(1);
        assert!(
            run.stderr.contains("shim itself"),
            "stderr:\n{}",
            run.stderr
        );
    }
}

// 7. Missing versions.

#[test]
fn missing_version_with_auto_install_off() {
    let mut sb = Sandbox::with_versions(&[]);
    // The mirror could serve it: only the setting stops the install.
    sb.mirror(&["go1.22.4", "go1.21.13"]);
    sb.set("GOPIN_AUTO_INSTALL", "0");
    write(&sb.project.join(".go-version"), "# pinned\n1.22.4\n");

    let run = sb.go(&["version"]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: go1.22.4 is not installed\n  selected by: .go-version, {}:2\nhint: run `gopin install 1.22.4` (automatic installs are off: GOPIN_AUTO_INSTALL=0)\n",
            sb.project.join(".go-version").display()
        )
    );

    // A version link has no selection reason to give.
    let mut cmd = sb.command(sb.shims().join("go"), &sb.project);
    cmd.env("GOTOOLCHAIN_INTERNAL_SWITCH_VERSION", "go1.21.13");
    let run = Run::limited(&mut cmd, None, RUN_LIMIT);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        "error: go1.21.13 is not installed\nhint: run `gopin install 1.21.13` (automatic installs are off: GOPIN_AUTO_INSTALL=0)\n"
    );

    assert_eq!(
        sb.version_entries(),
        Vec::<String>::new(),
        "nothing installed"
    );
    assert!(
        !sb.home.join("downloads").exists() || {
            std::fs::read_dir(sb.home.join("downloads"))
                .unwrap()
                .next()
                .is_none()
        }
    );
    assert!(!sb.shim("go1.22.4").exists());
}

#[test]
fn missing_version_is_installed_then_run() {
    let mut sb = Sandbox::with_versions(&[]);
    sb.mirror(&["go1.21.13", "go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    assert!(!sb.shim("go1.22.4").exists());

    let run = sb.go(&["version"]);
    run.assert_code(0);
    assert_eq!(run.stdout, release_output("go1.22.4"));
    assert!(
        run.stderr.contains("installed go1.22.4"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(sb.version_dir("go1.22.4").join("bin/go").is_file());
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
    let link = std::fs::read_link(sb.shim("go1.22.4")).expect("shims/go1.22.4 is a link");
    assert_eq!(link, support::binaries::shim());

    // The second time it is simply run.
    let run = sb.go(&["version"]);
    run.assert_code(0);
    assert_eq!(run.stdout, release_output("go1.22.4"));
    assert_eq!(run.stderr, "");
}

#[test]
fn missing_version_named_by_a_link_is_installed_then_run() {
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    sb.mirror(&["go1.21.13", "go1.22.4"]);
    write(&sb.project.join(".go-version"), "1.22.4\n");
    // As Go's switching would: exec `go1.21.13` found on PATH with the variable set.
    let mut cmd = sb.command(sb.shim("go"), &sb.project);
    cmd.env("GOTOOLCHAIN_INTERNAL_SWITCH_VERSION", "go1.21.13")
        .arg("version");
    let run = Run::limited(&mut cmd, None, RUN_LIMIT);
    run.assert_code(0);
    assert_eq!(run.stdout, release_output("go1.21.13"));
    assert!(sb.shim("go1.21.13").exists());
}

// 8. A fuzzy spec with nothing installed: gopin resolves it with the index.

#[test]
fn fuzzy_spec_with_nothing_installed_installs_the_newest_match() {
    let mut sb = Sandbox::with_versions(&[]);
    sb.mirror(&["go1.21.13", "go1.22.3", "go1.22.4", "go1.23.2"]);
    write(&sb.project.join(".go-version"), "1.22\n");

    let run = sb.go(&["version"]);
    run.assert_code(0);
    assert_eq!(run.stdout, release_output("go1.22.4"));
    assert!(
        run.stderr.contains("installed go1.22.4"),
        "stderr:\n{}",
        run.stderr
    );
    assert_eq!(sb.version_entries(), ["go1.22.4"]);
    assert!(sb.shim("go1.22.4").exists());
}

#[test]
fn fuzzy_spec_prefers_an_installed_match_without_the_index() {
    // go1.22.3 is installed; the (unreachable) index is never consulted.
    let sb = Sandbox::with_versions(&["go1.21.13", "go1.22.3"]);
    write(&sb.project.join(".go-version"), "1.22\n");
    let run = sb.go(&[]);
    run.assert_code(0);
    assert_eq!(run.version(), "go1.22.3");
    assert_eq!(run.stderr, "");
}

// 9. system.

#[test]
fn system_runs_the_go_outside_the_shims() {
    let sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "system\n");
    let other = sb.path().join("usr-local-go/bin");
    write_executable(
        &other.join("go"),
        "#!/bin/sh\necho \"system go: $*\"\necho \"GOTOOLCHAIN=${GOTOOLCHAIN-unset}\"\n",
    );
    // The shims again under another name come before it: that `go` is the shim, skipped.
    let alias = sb.path().join("alias-bin");
    std::os::unix::fs::symlink(sb.shims(), &alias).unwrap();
    let path = std::env::join_paths([
        sb.shims(),
        alias,
        other.clone(),
        "/usr/bin".into(),
        "/bin".into(),
    ])
    .unwrap();
    let mut cmd = sb.command(sb.shim("go"), &sb.project);
    cmd.env("PATH", path).args(["version", "a b"]);
    let run = Run::limited(&mut cmd, None, Duration::from_secs(10));
    run.assert_code(0);
    assert_eq!(run.stdout, "system go: version a b\nGOTOOLCHAIN=local\n");

    // Also when found on PATH as `go` itself.
    let path = std::env::join_paths([sb.shims(), other]).unwrap();
    let mut cmd = sb.command("go", &sb.project);
    cmd.env("PATH", path).arg("env");
    let run = Run::limited(&mut cmd, None, RUN_LIMIT);
    run.assert_code(0);
    assert_eq!(run.stdout, "system go: env\nGOTOOLCHAIN=local\n");
}

#[test]
fn system_with_no_other_go_is_an_error() {
    let sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "system\n");
    // PATH holds the shims, a folder without go and the shims again under another name.
    let empty = sb.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let alias = sb.path().join("alias-bin");
    std::os::unix::fs::symlink(sb.shims(), &alias).unwrap();
    let path = std::env::join_paths([sb.shims(), empty, alias]).unwrap();
    let mut cmd = sb.command(sb.shim("go"), &sb.project);
    cmd.env("PATH", path).arg("version");
    let run = Run::limited(&mut cmd, None, Duration::from_secs(10));
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("error: no go on PATH outside gopin for `system`\n"),
        "stderr:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("\nhint: "), "stderr:\n{}", run.stderr);
}

#[test]
fn system_go_does_not_inherit_a_gopin_goroot() {
    // A `go generate` step under a gopin toolchain (GOROOT set by the shim) runs `go` in a
    // project that says `system`: the system go must not be pointed at gopin's tree.
    let mut sb = Sandbox::with_versions(&["go1.22.4"]);
    write(&sb.project.join(".go-version"), "system\n");
    let other = sb.path().join("usr-local-go/bin");
    write_executable(
        &other.join("go"),
        "#!/bin/sh\necho \"GOROOT=${GOROOT-unset}\"\n",
    );
    let gopin_goroot = sb.version_dir("go1.22.4");
    sb.set("GOROOT", gopin_goroot.as_os_str());
    sb.set("GOTOOLCHAIN", "local");
    let path = std::env::join_paths([sb.shims(), other]).unwrap();
    let mut cmd = sb.command(sb.shim("go"), &sb.project);
    cmd.env("PATH", path).arg("build");
    let run = Run::limited(&mut cmd, None, RUN_LIMIT);
    run.assert_code(0);
    assert_ne!(run.field("GOROOT"), gopin_goroot.to_str().unwrap());
}

#[test]
fn fuzzy_spec_with_nothing_installed_and_auto_install_off_needs_no_index() {
    let mut sb = Sandbox::with_versions(&[]);
    // No mirror at all: the shim must answer without the index.
    sb.set("GOPIN_AUTO_INSTALL", "0");
    write(&sb.project.join(".go-version"), "1.22\n");
    let run = sb.go(&["version"]);
    run.assert_code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: no installed version matches 1.22\n  selected by: .go-version, {}:1\nhint: run `gopin install 1.22` (automatic installs are off: GOPIN_AUTO_INSTALL=0)\n",
            sb.project.join(".go-version").display()
        )
    );
    assert_eq!(sb.version_entries(), Vec::<String>::new());
}
