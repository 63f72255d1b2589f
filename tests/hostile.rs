//! Hostile inputs: a mirror, an index or a cloned repository must not be able to hurt the user.
//! One test (or more) per class of attack, each next to the honest case in the same setup, so a
//! refusal proves something: names that would leave the root, version files that are devices or
//! FIFOs or huge, endless and trickling indexes, control characters aimed at the terminal, hints
//! that would run more than they say, a relative or PATH-splitting GOPIN_HOME, housekeeping during
//! an install, and the smaller ones.

mod support;

use std::borrow::BorrowMut;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::fake_go::{FakeRelease, index_json};
use support::harness::Scenario;

/// A temporary world: `home/` (GOPIN_HOME), `mirror/` (archives and index), `work/`.
struct World {
    dir: tempfile::TempDir,
    index_url: String,
}

impl World {
    fn new(versions: &[&str]) -> World {
        let dir = tempfile::tempdir().unwrap();
        let mirror = dir.path().join("mirror");
        std::fs::create_dir_all(&mirror).unwrap();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        let releases: Vec<FakeRelease> = versions
            .iter()
            .map(|v| FakeRelease::new(v, 3, 1000))
            .collect();
        for release in &releases {
            std::fs::write(mirror.join(&release.filename), &release.bytes).unwrap();
        }
        let refs: Vec<&FakeRelease> = releases.iter().collect();
        std::fs::write(mirror.join("index.json"), index_json(&refs)).unwrap();
        let index_url = format!("file://{}", mirror.join("index.json").display());
        World { dir, index_url }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    fn work(&self) -> PathBuf {
        self.path().join("work")
    }

    fn mirror(&self) -> PathBuf {
        self.path().join("mirror")
    }

    /// Rewrites the index's entries through `edit`.
    fn edit_index(&self, edit: impl Fn(&mut serde_json::Value)) {
        let path = self.mirror().join("index.json");
        let mut index: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for release in index.as_array_mut().unwrap() {
            for file in release["files"].as_array_mut().unwrap() {
                edit(file);
            }
        }
        std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
    }

    /// The one harness's scenario for this world, in `dir`: scrubbed environment, Go's
    /// network variables off, the world's root, index and mirror.
    fn scenario(&self, dir: &Path) -> Scenario {
        Scenario::hermetic(self.home(), dir)
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.path())
            .env("GOPIN_INDEX_URL", &self.index_url)
            .env(
                "GOPIN_DOWNLOAD_URL",
                format!("file://{}/", self.mirror().display()),
            )
    }

    /// gopin, run in `dir`.
    fn gopin(&self, dir: &Path, args: &[&str]) -> Command {
        self.scenario(dir).gopin(args)
    }

    /// The shim, reached as `go`.
    fn go(&self, dir: &Path, args: &[&str]) -> Command {
        let shims = self.home().join("shims");
        std::fs::create_dir_all(&shims).unwrap();
        let go = shims.join("go");
        if !go.exists() {
            std::os::unix::fs::symlink(support::binaries::shim(), &go).unwrap();
        }
        let mut command = self.scenario(dir).command(go);
        command.args(args);
        command
    }

    /// Any program, in this world's environment.
    fn program(&self, dir: &Path, program: impl AsRef<std::ffi::OsStr>) -> Command {
        self.scenario(dir).command(program)
    }
}

/// Runs with a limit: a hang is a failure, never a stuck suite.
fn run(mut command: impl BorrowMut<Command>) -> Output {
    let mut child = command
        .borrow_mut()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "hung for 60 s; stderr so far:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(command: impl BorrowMut<Command>) -> Output {
    let out = run(command);
    assert!(
        out.status.success(),
        "expected success; stderr:\n{}",
        text(&out.stderr)
    );
    out
}

fn fails(command: impl BorrowMut<Command>) -> String {
    let out = run(command);
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1; stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stderr = text(&out.stderr);
    assert_no_control_bytes(&stderr);
    stderr
}

fn assert_no_control_bytes(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect();
    assert!(
        bad.is_empty(),
        "control characters {bad:?} reached the terminal:\n{text:?}"
    );
}

fn installed(world: &World, name: &str) -> bool {
    world
        .home()
        .join("versions")
        .join(name)
        .join("bin/go")
        .is_file()
}

// 1. Nothing outside the root, ever.

#[test]
fn index_file_names_that_leave_downloads_are_refused_and_touch_nothing() {
    let world = World::new(&["go1.22.10"]);
    // The honest index installs.
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    assert!(installed(&world, "go1.22.10"));

    let victim = world.path().join("victim.tar.gz");
    std::fs::write(&victim, "the user's file").unwrap();
    for bad in [
        format!("{}", victim.display()),
        "../../victim.tar.gz".to_owned(),
        "sub/../../victim.tar.gz".to_owned(),
        "..\\victim.tar.gz".to_owned(),
        "go1.22.10\u{1b}[2J.tar.gz".to_owned(),
    ] {
        let world2 = World::new(&["go1.22.10"]);
        std::fs::write(world2.path().join("victim.tar.gz"), "the user's file").unwrap();
        world2.edit_index(|file| {
            file["filename"] = serde_json::json!(bad.replace(
                &victim.display().to_string(),
                &world2.path().join("victim.tar.gz").display().to_string()
            ));
            // A wrong sum: today's code deleted the "cached" file before downloading.
            file["sha256"] = serde_json::json!("0".repeat(64));
        });
        let stderr = fails(world2.gopin(&world2.work(), &["install", "1.22.10"]));
        assert!(stderr.contains("unusable file name"), "{bad:?}: {stderr}");
        assert!(
            stderr.contains(&world2.index_url),
            "names the index: {stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(world2.path().join("victim.tar.gz")).unwrap(),
            "the user's file",
            "{bad:?}"
        );
        assert!(!installed(&world2, "go1.22.10"));

        // mirror --to DIR refuses it too and writes nothing outside DIR.
        let to = world2.path().join("out/mirror");
        let stderr = fails(world2.gopin(
            &world2.work(),
            &["mirror", "--to", to.to_str().unwrap(), "1.22.10"],
        ));
        assert!(stderr.contains("unusable file name"), "{stderr}");
        let outside: Vec<_> = std::fs::read_dir(world2.path().join("out"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(outside, vec![std::ffi::OsString::from("mirror")]);
    }
}

#[test]
fn a_sha256_that_is_not_hex_and_a_size_of_zero_are_named() {
    let world = World::new(&["go1.22.10"]);
    world.edit_index(|file| file["sha256"] = serde_json::json!("../../../../tmp/x"));
    let stderr = fails(world.gopin(&world.work(), &["install", "1.22.10"]));
    assert!(stderr.contains("invalid SHA-256"), "{stderr}");
    assert!(
        !world.home().join("downloads").exists()
            || std::fs::read_dir(world.home().join("downloads"))
                .unwrap()
                .next()
                .is_none()
    );

    let world = World::new(&["go1.22.10"]);
    world.edit_index(|file| file["size"] = serde_json::json!(0));
    let stderr = fails(world.gopin(&world.work(), &["install", "1.22.10"]));
    assert!(stderr.contains("gives no size"), "{stderr}");
    assert!(!stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!stderr.contains("resume"), "{stderr}");
}

#[test]
fn link_names_with_newlines_or_paths_are_refused() {
    let world = World::new(&["go1.22.10"]);
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    let tree = world.home().join("versions/go1.22.10");
    let tree = tree.to_str().unwrap();
    ok(world.gopin(&world.work(), &["link", "go1.22.10-custom", tree]));
    for bad in [
        "go1.22.10-x\ny",
        "go1.22.10-a/../../b",
        "go1.22.10-\u{1b}]0;t\u{7}",
    ] {
        let stderr = fails(world.gopin(&world.work(), &["link", bad, tree]));
        assert!(stderr.contains("invalid toolchain name"), "{stderr}");
    }
    let names: Vec<String> = std::fs::read_dir(world.home().join("versions"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

// 2. Version files are small regular files.

#[test]
fn version_files_linked_to_devices_are_refused_unread() {
    let world = World::new(&["go1.22.10"]);
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    let project = world.work().join("p");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join(".go-version"), "1.22.10\n").unwrap();
    let out = ok(world.gopin(&project, &["current"]));
    assert!(text(&out.stdout).starts_with("go1.22.10 (.go-version"));

    for (name, target, kind) in [
        (".go-version", "/dev/zero", "character device"),
        // Piped here, as a hook's stdin may be: a FIFO.
        (".go-version", "/dev/stdin", "a FIFO"),
        (".tool-versions", "/dev/zero", "character device"),
        ("go.mod", "/dev/zero", "character device"),
    ] {
        let dir = world
            .work()
            .join(format!("dev-{}", name.trim_start_matches('.')));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(target, dir.join(name)).unwrap();
        // stdin is a terminal-like device in the hook; here a pipe that would feed it a command.
        let mut command = world.gopin(&dir, &["current"]);
        command.stdin(Stdio::piped());
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"rm -rf ~ # typed by the user\n");
        let started = Instant::now();
        let out = loop {
            if child.try_wait().unwrap().is_some() {
                break child.wait_with_output().unwrap();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{name} -> {target} hung"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name} -> {target}: {stderr}");
        assert!(stderr.contains("is not a regular file"), "{stderr}");
        assert!(stderr.contains(kind), "{stderr}");
        assert!(stderr.contains(name), "names the file: {stderr}");
        assert!(
            !stderr.contains("rm -rf"),
            "swallowed the user's input: {stderr}"
        );
        // The shim the same way.
        let stderr = fails(world.go(&dir, &["version"]));
        assert!(stderr.contains("is not a regular file"), "{stderr}");
    }
}

#[test]
fn a_fifo_version_file_fails_at_once_in_the_cli_the_shim_and_the_hook() {
    let world = World::new(&["go1.22.10"]);
    let dir = world.work().join("fifo");
    std::fs::create_dir_all(&dir).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join(".go-version"))
        .status()
        .unwrap();
    assert!(made.success());
    let stderr = fails(world.gopin(&dir, &["current"]));
    assert!(stderr.contains("a FIFO"), "{stderr}");
    let stderr = fails(world.go(&dir, &["version"]));
    assert!(stderr.contains("a FIFO"), "{stderr}");
    // The hook never fails, but reports and returns.
    let out = ok(world.gopin(&dir, &["hook", "--previous", "go1.22.10"]));
    assert!(
        text(&out.stderr).contains("a FIFO"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn version_files_over_their_cap_are_errors_not_truncated() {
    let world = World::new(&["go1.22.10"]);
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    let dir = world.work().join("big");
    std::fs::create_dir_all(&dir).unwrap();
    // Just under the cap: fine (the spec is on line 1, the rest a comment).
    let mut content = "1.22.10\n#".to_owned();
    content.push_str(&"x".repeat(64 * 1024 - content.len()));
    std::fs::write(dir.join(".go-version"), &content).unwrap();
    ok(world.gopin(&dir, &["current"]));
    content.push('x');
    std::fs::write(dir.join(".go-version"), &content).unwrap();
    let stderr = fails(world.gopin(&dir, &["current"]));
    assert!(stderr.contains("is too large"), "{stderr}");
    assert!(stderr.contains(".go-version"), "{stderr}");

    let dir = world.work().join("bigmod");
    std::fs::create_dir_all(&dir).unwrap();
    let mut module = "module x\n\ngo 1.22.10\n//".to_owned();
    module.push_str(&"x".repeat(16 * 1024 * 1024));
    std::fs::write(dir.join("go.mod"), &module).unwrap();
    let stderr = fails(world.gopin(&dir, &["current"]));
    assert!(stderr.contains("go.mod is too large"), "{stderr}");
}

// 3. Bounded network reads.

/// A server that answers every request with a 200 and a body that never ends: `endless`
/// sends as fast as it can, otherwise one byte every 50 ms.
fn endless_server(endless: bool) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/index.json", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let started = Instant::now();
        // Bounded in time: the server stops by itself.
        while started.elapsed() < Duration::from_secs(40) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.set_nonblocking(false);
                let _ = stream.read(&mut buf);
                let _ =
                    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[");
                let chunk = vec![b' '; 1 << 16];
                let began = Instant::now();
                while began.elapsed() < Duration::from_secs(30) {
                    let sent = if endless {
                        stream.write_all(&chunk)
                    } else {
                        std::thread::sleep(Duration::from_millis(50));
                        stream.write_all(b" ")
                    };
                    if sent.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, handle)
}

#[test]
fn an_endless_index_is_capped_and_a_trickling_one_times_out() {
    let world = World::new(&["go1.22.10"]);
    let (url, _server) = endless_server(true);
    let started = Instant::now();
    let stderr = fails(
        world
            .gopin(&world.work(), &["list-remote"])
            .env("GOPIN_INDEX_URL", &url)
            .env("GOPIN_RETRIES", "0"),
    );
    assert!(stderr.contains("larger than 64 MiB"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30));

    let (url, _server) = endless_server(false);
    let started = Instant::now();
    let stderr = fails(
        world
            .gopin(&world.work(), &["list-remote"])
            .env("GOPIN_INDEX_URL", &url)
            .env("GOPIN_INDEX_TIMEOUT", "1"),
    );
    assert!(stderr.contains("GOPIN_INDEX_TIMEOUT=1"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    // The honest index, from the same world, works.
    let out = ok(world.gopin(&world.work(), &["list-remote"]));
    assert!(text(&out.stdout).contains("go1.22.10"));
}

#[test]
fn a_file_index_that_is_a_device_is_refused() {
    let world = World::new(&["go1.22.10"]);
    let stderr = fails(
        world
            .gopin(&world.work(), &["list-remote"])
            .env("GOPIN_INDEX_URL", "file:///dev/zero"),
    );
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

// 4. No control bytes reach the terminal.

#[test]
fn control_characters_from_files_and_paths_are_escaped() {
    let world = World::new(&["go1.22.10"]);
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    let dir = world.work().join("title");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        "module x\n\ngo 1.22\ntoolchain go1.22.4-\u{1b}]0;pwned\u{7}\u{1b}[2J\n",
    )
    .unwrap();
    let stderr = fails(world.gopin(&dir, &["current"]));
    assert!(
        stderr.contains("not a toolchain name gopin accepts"),
        "{stderr}"
    );
    // The hook prints the same report, escaped, and a short key.
    let out = ok(world.gopin(&dir, &["hook", "--previous", ""]));
    assert_no_control_bytes(&text(&out.stderr));
    assert!(
        text(&out.stderr).contains("go.mod"),
        "{}",
        text(&out.stderr)
    );
    let key = text(&out.stdout);
    assert!(key.len() < 40, "{key:?}");
    // The shim too.
    fails(world.go(&dir, &["version"]));

    // A directory whose name holds an escape sequence, on stdout and stderr alike.
    let dir = world.work().join("esc\u{1b}[2Jdir");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".go-version"), "1.22.10\n").unwrap();
    let out = ok(world.gopin(&dir, &["current"]));
    assert_no_control_bytes(&text(&out.stdout));
    assert!(
        text(&out.stdout).contains("esc\\x1b[2Jdir"),
        "{}",
        text(&out.stdout)
    );
    let out = ok(world.gopin(&dir, &["hook", "--previous", ""]));
    assert_no_control_bytes(&text(&out.stderr));
    assert!(text(&out.stderr).contains("gopin: go1.22.10"));
}

#[test]
fn over_long_toolchain_names_are_refused_clearly_and_real_custom_names_work() {
    let world = World::new(&["go1.22.10"]);
    let dir = world.work().join("long");
    std::fs::create_dir_all(&dir).unwrap();
    let long = format!("go1.22.4-{}", "x".repeat(300));
    std::fs::write(
        dir.join("go.mod"),
        format!("module x\n\ngo 1.22\ntoolchain {long}\n"),
    )
    .unwrap();
    let stderr = fails(world.gopin(&dir, &["current"]));
    assert!(stderr.contains("at most 128 bytes"), "{stderr}");
    let out = ok(world.gopin(&dir, &["hook", "--previous", ""]));
    assert!(text(&out.stdout).len() < 40, "the key stays short");
    for custom in ["go1.22.4-custom", "go1.21.0-bigcorp"] {
        std::fs::write(
            dir.join("go.mod"),
            format!("module x\n\ngo 1.21\ntoolchain {custom}\n"),
        )
        .unwrap();
        let out = run(&mut world.gopin(&dir, &["current"]));
        assert!(
            text(&out.stdout).starts_with(custom),
            "{}",
            text(&out.stdout)
        );
    }
}

// 5. Hints are safe to paste.

#[test]
fn a_pasted_hint_runs_exactly_what_it_says() {
    let world = World::new(&["go1.22.10"]);
    let dir = world.work().join("x;touch${IFS}PWNED;#");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".go-version"), "1.22.x\n").unwrap();
    let stderr = fails(world.gopin(&dir, &["current"]));
    let hint = stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .expect("a hint");
    let command = hint.split('`').nth(1).expect("a command in backticks");
    assert!(command.contains("gopin pin"), "{command}");
    // Paste it into a real shell whose `gopin` only records its arguments.
    let bin = world.path().join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let fake = bin.join("gopin");
    std::fs::write(&fake, "#!/bin/sh\npwd > \"$HOME/ran\"\n").unwrap();
    std::os::unix::fs::PermissionsExt::set_mode(
        &mut std::fs::metadata(&fake).unwrap().permissions(),
        0o755,
    );
    Command::new("chmod")
        .arg("755")
        .arg(&fake)
        .status()
        .unwrap();
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .current_dir(world.work())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("HOME", world.path())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(world.path().join("ran"))
            .unwrap()
            .trim(),
        dir.display().to_string()
    );
    assert!(!world.work().join("PWNED").exists());
    assert!(!dir.join("PWNED").exists());
}

#[test]
fn a_version_with_shell_syntax_is_quoted_in_hints() {
    let world = World::new(&["go1.22.10"]);
    let dir = world.work().join("dollar");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        "module x\n\ngo 1.22\ntoolchain go1.22.4-$(touch${IFS}PWNED)\n",
    )
    .unwrap();
    let stderr = fails(world.gopin(&dir, &["which"]).env("GOPIN_AUTO_INSTALL", "0"));
    assert!(
        stderr.contains("`gopin install '1.22.4-$(touch${IFS}PWNED)'`"),
        "quoted: {stderr}"
    );
}

// 6. Root and PATH are absolute.

#[test]
fn gopin_home_relative_empty_and_with_a_colon() {
    let world = World::new(&["go1.22.10"]);
    // A relative GOPIN_HOME is made absolute, and `init` keeps that answer.
    let out = ok(world
        .gopin(&world.work(), &["init", "bash"])
        .env("GOPIN_HOME", "relhome"));
    let script = text(&out.stdout);
    let absolute = world.work().join("relhome");
    assert!(
        script.contains(&format!("export GOPIN_HOME='{}'", absolute.display())),
        "{script}"
    );
    assert!(
        script.contains(&format!("__gopin_shims='{}/shims'", absolute.display())),
        "{script}"
    );
    assert!(!script.contains("'relhome"), "{script}");
    // A colon would split PATH.
    let stderr = fails(
        world
            .gopin(&world.work(), &["init", "bash"])
            .env("GOPIN_HOME", "/tmp/a:/tmp/b"),
    );
    assert!(stderr.contains("invalid GOPIN_HOME"), "{stderr}");
    assert!(stderr.contains("split PATH"), "{stderr}");
    let stderr = fails(
        world
            .go(&world.work(), &["version"])
            .env("GOPIN_HOME", "x:y"),
    );
    assert!(stderr.contains("invalid GOPIN_HOME"), "{stderr}");
    // Empty is unset: the platform's data folder under HOME.
    let out = ok(world
        .gopin(&world.work(), &["init", "bash"])
        .env("GOPIN_HOME", ""));
    let data = world.path().join(".local/share/gopin/shims");
    assert!(text(&out.stdout).contains(&data.display().to_string()));
}

// 7. Concurrent housekeeping.

#[test]
fn cache_clean_during_an_install_does_not_break_it() {
    let world = World::new(&["go1.22.10"]);
    // Big enough to be paused halfway.
    let release = FakeRelease::new("go1.22.10", 40, 64 * 1024);
    std::fs::write(world.mirror().join(&release.filename), &release.bytes).unwrap();
    std::fs::write(world.mirror().join("index.json"), index_json(&[&release])).unwrap();
    let mut installer = world.gopin(&world.work(), &["install", "1.22.10"]);
    installer
        .env("GOPIN_TEST_PAUSE", "download")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = installer.spawn().unwrap();
    let marker = world.home().join(".paused-download");
    let started = Instant::now();
    while !marker.exists() {
        assert!(started.elapsed() < Duration::from_secs(30), "never paused");
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = ok(world.gopin(&world.work(), &["cache", "clean"]));
    assert!(text(&out.stderr).contains("kept"), "{}", text(&out.stderr));
    std::fs::remove_file(&marker).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(installed(&world, "go1.22.10"));
    // With no install running, clean removes the archive.
    ok(world.gopin(&world.work(), &["cache", "clean"]));
    assert_eq!(
        std::fs::read_dir(world.home().join("downloads"))
            .unwrap()
            .count(),
        0
    );
}

// 8. The smaller ones.

#[test]
fn a_failed_download_leaves_no_empty_partial_file() {
    let world = World::new(&["go1.22.10"]);
    std::fs::remove_file(
        world
            .mirror()
            .join(FakeRelease::new("go1.22.10", 3, 1000).filename),
    )
    .unwrap();
    fails(world.gopin(&world.work(), &["install", "1.22.10"]));
    let left: Vec<_> = std::fs::read_dir(world.home().join("downloads"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn gopin_toolchain_works_in_a_deleted_directory() {
    let world = World::new(&["go1.22.10"]);
    ok(world.gopin(&world.work(), &["install", "1.22.10"]));
    let gone = world.work().join("gone");
    std::fs::create_dir_all(&gone).unwrap();
    // Enter it, then delete it: the child starts in a directory that no longer exists.
    let go = world.home().join("shims/go");
    drop(world.go(&world.work(), &[]));
    let script = format!(
        "cd '{}' && rmdir '{}' && exec \"$@\"",
        gone.display(),
        gone.display()
    );
    let in_gone = |toolchain: Option<&str>| {
        let mut shell = world.program(&world.work(), "/bin/sh");
        shell
            .arg("-c")
            .arg(&script)
            .arg("sh")
            .arg(&go)
            .arg("version");
        if let Some(spec) = toolchain {
            shell.env("GOPIN_TOOLCHAIN", spec);
        }
        shell
    };
    let out = ok(&mut in_gone(Some("1.22.10")));
    assert!(
        text(&out.stdout).contains("go version go1.22.10"),
        "{}",
        text(&out.stdout)
    );
    // Without it, the error says the directory is gone.
    std::fs::create_dir_all(&gone).unwrap();
    let stderr = fails(&mut in_gone(None));
    assert!(
        stderr.contains("cannot read the current directory"),
        "{stderr}"
    );
}

#[test]
fn a_directory_deeper_than_path_max_is_named_as_such() {
    let world = World::new(&["go1.22.10"]);
    // Build it with relative steps (each mkdir/cd stays short).
    let segment = "d".repeat(200);
    let script = format!(
        "for i in $(seq 25); do mkdir {segment} && cd {segment} || exit 9; done; exec \"$@\""
    );
    let mut shell = world.program(&world.work(), "/bin/bash");
    shell
        .arg("-c")
        .arg(&script)
        .arg("sh")
        .arg(support::binaries::gopin())
        .arg("current")
        .env_remove("PWD");
    let stderr = fails(&mut shell);
    assert!(stderr.contains("PATH_MAX"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("permission"), "{stderr}");
    // Clean up the deep tree from the bottom (rm -rf cannot always).
    let _ = Command::new("/bin/bash")
        .arg("-c")
        .arg(format!("cd '{}' && for i in $(seq 25); do cd {segment} 2>/dev/null || break; done; while [ \"$PWD\" != '{}' ]; do cd .. && rm -rf {segment}; done", world.work().display(), world.work().display()))
        .status();
}

#[test]
fn a_redirect_to_a_file_url_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/index.json", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let started = Instant::now();
        let mut served = 0;
        while served < 5 && started.elapsed() < Duration::from_secs(20) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let mut buf = [0u8; 4096];
                    let _ = stream.read(&mut buf);
                    let _ = stream.write_all(
                        b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    served += 1;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    let world = World::new(&["go1.22.10"]);
    let stderr = fails(
        world
            .gopin(&world.work(), &["list-remote"])
            .env("GOPIN_INDEX_URL", &url),
    );
    assert!(stderr.contains("file:///etc/passwd"), "{stderr}");
    assert!(stderr.contains("only http and https"), "{stderr}");
    drop(server);
}
