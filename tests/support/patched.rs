//! A world for `outdated`, `upgrade` and `uninstall --unused`: a temporary root with fake
//! installs, project folders, a go.dev-shaped index of many releases (no archives needed) and
//! the real vulnerability database records of `tests/fixtures/vulndb`, served from the loopback
//! server or as `file://`.

use super::fake_go::platform;
use super::http_server::TestServer;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const VULNDB: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vulndb");

/// Every stable release of 1.20 to 1.26 as the index lists them (up to go1.26.6), plus
/// go1.27rc3.
pub fn release_names() -> Vec<String> {
    let mut names = vec!["go1.27rc3".to_owned()];
    for (minor, last) in [
        (26, 6),
        (25, 13),
        (24, 13),
        (23, 12),
        (22, 12),
        (21, 13),
        (20, 14),
    ] {
        for patch in (0..=last).rev() {
            names.push(if minor < 21 && patch == 0 {
                format!("go1.{minor}")
            } else {
                format!("go1.{minor}.{patch}")
            });
        }
    }
    names
}

/// A go.dev-shaped index listing each name with an archive for this platform.
pub fn index_json(names: &[String]) -> String {
    let (os, arch) = platform();
    let releases: Vec<serde_json::Value> = names
        .iter()
        .map(|name| {
            let filename = format!("{name}.{os}-{arch}.tar.gz");
            serde_json::json!({
                "version": name,
                "stable": !name.contains("rc") && !name.contains("beta"),
                "files": [{"filename": filename, "os": os, "arch": arch, "version": name,
                           "sha256": "00".repeat(32), "size": 1000, "kind": "archive"}],
            })
        })
        .collect();
    serde_json::to_string(&releases).unwrap()
}

/// Every file of the fixture database, as (path under the database root, bytes).
pub fn vulndb_files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for sub in ["index", "ID"] {
        for entry in std::fs::read_dir(Path::new(VULNDB).join(sub)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            files.push((
                format!("{sub}/{name}"),
                std::fs::read(entry.path()).unwrap(),
            ));
        }
    }
    files.sort();
    files
}

/// Serves the database under `/vulndb/`, with `change` applied to the files first.
pub fn serve_vulndb(server: &TestServer, change: impl Fn(&mut Vec<(String, Vec<u8>)>)) {
    let mut files = vulndb_files();
    change(&mut files);
    for (path, bytes) in files {
        server.add_file(&format!("/vulndb/{path}"), bytes);
    }
}

/// The result of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub server: TestServer,
    pub vulndb_url: String,
}

impl World {
    /// The index and the real database on a loopback server.
    pub fn new() -> World {
        World::with_vulndb(|_| {})
    }

    /// The same, with the database's files changed first.
    pub fn with_vulndb(change: impl Fn(&mut Vec<(String, Vec<u8>)>)) -> World {
        let server = TestServer::start();
        server.add_file("/index.json", index_json(&release_names()));
        serve_vulndb(&server, change);
        let vulndb_url = server.url_for("/vulndb");
        World {
            dir: tempfile::tempdir().unwrap(),
            server,
            vulndb_url,
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn root(&self) -> PathBuf {
        self.path().join("root")
    }

    /// Writes a file under the world (creating folders) and returns its path.
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative)).unwrap()
    }

    /// A fake installed toolchain (its go prints its version).
    pub fn install_fake(&self, name: &str) {
        let goroot = self.root().join("versions").join(name);
        std::fs::create_dir_all(goroot.join("bin")).unwrap();
        let go = goroot.join("bin/go");
        std::fs::write(
            &go,
            format!("#!/bin/sh\necho go version {name} linux/amd64\n"),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(goroot.join("VERSION"), format!("{name}\n")).unwrap();
    }

    pub fn set_default(&self, name: &str) {
        std::fs::create_dir_all(self.root()).unwrap();
        std::fs::write(self.root().join("default"), format!("{name}\n")).unwrap();
    }

    /// `gopin ARGS` in `cwd` (relative to the world), with a scrubbed environment.
    pub fn command(&self, cwd: &str, args: &[&str]) -> Command {
        let dir = self.path().join(cwd);
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(super::binaries::gopin());
        for var in super::scrubbed::VARIABLES {
            cmd.env_remove(var);
        }
        cmd.current_dir(&dir)
            .env("PWD", &dir)
            .env("HOME", self.path().join("home"))
            .env("GOPIN_HOME", self.root())
            .env("GOENV", "off")
            .env("GOPROXY", "off")
            .env("GOSUMDB", "off")
            .env("GOPIN_PROGRESS", "never")
            .env("GOPIN_TEST_NO_RETRY_DELAY", "1")
            .env("GOPIN_RETRIES", "1")
            .env("GOPIN_INDEX_URL", self.server.url_for("/index.json"))
            .env("GOPIN_DOWNLOAD_URL", self.server.url_for("/dl/"))
            .env("GOPIN_VULNDB_URL", &self.vulndb_url)
            .stdin(Stdio::null())
            .args(args);
        cmd
    }

    /// Runs, with the world's path shown as `[T]`.
    pub fn run(&self, cwd: &str, args: &[&str]) -> Run {
        self.run_with(cwd, args, &[])
    }

    pub fn run_with(&self, cwd: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(cwd, args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let clean = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .replace(self.path().to_str().unwrap(), "[T]")
                .replace(&self.server.url(), "[URL]")
        };
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: clean(&out.stdout),
            stderr: clean(&out.stderr),
        }
    }

    /// The requests made to the database so far.
    pub fn vulndb_requests(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .map(|r| r.target)
            .filter(|t| t.starts_with("/vulndb/"))
            .collect()
    }
}
