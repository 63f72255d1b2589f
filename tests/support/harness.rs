//! The one way every suite starts gopin, the shim, or a shell that runs them, in the manner of
//! rustup's `clitools.rs`: a [`Scenario`] (a `GOPIN_HOME`, a working directory and the test's
//! variables) builds a `std::process::Command` whose whole environment is computed here, from
//! one list of scrubbed variables ([`scrubbed::VARIABLES`]) and one set of defaults
//! ([`DEFAULTS`]), so no suite can forget a proxy or a trust store, and no test can reach
//! proxy.golang.org or sum.golang.org by accident.
//!
//! The child's environment, in order: the parent's (the test process's, minus every scrubbed
//! variable; nothing at all for a [`Scenario::hermetic`] one), then [`DEFAULTS`], then
//! `GOPIN_HOME` and `PWD`, then the test's own settings and removals, which win.

use super::{binaries, scrubbed};
use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Set in every child unless the test sets or removes them itself.
pub const DEFAULTS: &[(&str, &str)] = &[
    // Go's network: the module-proxy and checksum-database sources to come read these, and
    // so would a real go that a test runs.
    ("GOPROXY", "off"),
    ("GOSUMDB", "off"),
    // Not the `go env -w` file of whoever runs the tests.
    ("GOENV", "off"),
    ("GOPIN_TEST_NO_RETRY_DELAY", "1"),
    ("GOPIN_PROGRESS", "never"),
];

/// How one process is started: where, with which root and which variables.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Start from the parent's environment (minus the scrubbed variables), or from nothing.
    inherit: bool,
    cwd: PathBuf,
    /// The test's settings in order; `None` removes the variable, a default included.
    vars: Vec<(OsString, Option<OsString>)>,
}

impl Scenario {
    /// The test process's environment minus every scrubbed variable, plus the defaults,
    /// `GOPIN_HOME=gopin_home`, and `cwd` as working directory (and `PWD`).
    pub fn new(gopin_home: impl AsRef<Path>, cwd: impl AsRef<Path>) -> Scenario {
        Scenario {
            inherit: true,
            cwd: cwd.as_ref().to_owned(),
            vars: Vec::new(),
        }
        .env("GOPIN_HOME", gopin_home.as_ref())
    }

    /// Like [`Scenario::new`] but nothing is inherited: PATH, HOME and the rest exist only as
    /// the test sets them.
    pub fn hermetic(gopin_home: impl AsRef<Path>, cwd: impl AsRef<Path>) -> Scenario {
        Scenario {
            inherit: false,
            ..Scenario::new(gopin_home, cwd)
        }
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Scenario {
        self.vars
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn envs<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Scenario {
        vars.into_iter().fold(self, |s, (k, v)| s.env(k, v))
    }

    /// Unsets `key` in the child, even a default.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Scenario {
        self.vars.push((key.as_ref().to_owned(), None));
        self
    }

    /// The child's whole environment when the parent's is `parent`.
    pub fn environment(
        &self,
        parent: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> BTreeMap<OsString, OsString> {
        let mut env: BTreeMap<OsString, OsString> = if self.inherit {
            parent
                .into_iter()
                .filter(|(key, _)| !scrubbed::VARIABLES.iter().any(|s| key == *s))
                .collect()
        } else {
            BTreeMap::new()
        };
        for (key, value) in DEFAULTS {
            env.insert(key.into(), value.into());
        }
        env.insert("PWD".into(), self.cwd.clone().into());
        for (key, value) in &self.vars {
            match value {
                Some(value) => env.insert(key.clone(), value.clone()),
                None => env.remove(key),
            };
        }
        env
    }

    /// `program` (looked up on the child's PATH when it is a bare name) in this scenario, with
    /// stdin closed.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        self.command_with_parent(program, std::env::vars_os())
    }

    /// [`Scenario::command`] as if the test process's environment were `parent`.
    pub fn command_with_parent(
        &self,
        program: impl AsRef<OsStr>,
        parent: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .envs(self.environment(parent))
            .current_dir(&self.cwd)
            .stdin(Stdio::null());
        cmd
    }

    /// `gopin ARGS`.
    pub fn gopin(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(binaries::gopin());
        cmd.args(args);
        cmd
    }

    /// Runs `gopin ARGS` to the end, whatever its exit code.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(&mut self.gopin(args))
    }
}

/// The outcome of one process: exit code (-1 when a signal ended it) and its output, which
/// must be UTF-8.
pub struct Run {
    /// The program's file name, then its arguments.
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `cmd` to the end, capturing stdout and stderr.
    pub fn of(cmd: &mut Command) -> Run {
        let args = describe(cmd);
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {args:?}: {e}"));
        Run::from_output(&args, out)
    }

    /// Runs `cmd`, feeding it `stdin` when given, killing it and failing after `limit`. A
    /// process left behind holding its output open (a shim that spawned the toolchain instead
    /// of becoming it) fails the test instead of hanging it.
    pub fn limited(cmd: &mut Command, stdin: Option<&[u8]>, limit: Duration) -> Run {
        let args = describe(cmd);
        let what = format!("{args:?}");
        if stdin.is_some() {
            cmd.stdin(Stdio::piped());
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        if let Some(bytes) = stdin {
            let mut pipe = child.stdin.take().unwrap();
            let bytes = bytes.to_vec();
            // A writer thread, so a child that does not read cannot block the test.
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let Some(status) = wait_limited(&mut child, limit) else {
            let text = |pipe| String::from_utf8_lossy(&collect(pipe, &what)).into_owned();
            panic!(
                "{what} still running after {limit:?}: killed\n--- stdout\n{}--- stderr\n{}",
                text(&stdout),
                text(&stderr)
            );
        };
        let out = Output {
            status,
            stdout: collect(&stdout, &what),
            stderr: collect(&stderr, &what),
        };
        Run::from_output(&args, out)
    }

    /// The outcome of `args` (program name first) that ended with `out`.
    pub fn from_output(args: &[impl AsRef<str>], out: Output) -> Run {
        let args: Vec<String> = args.iter().map(|a| a.as_ref().to_owned()).collect();
        let text = |bytes: Vec<u8>, name: &str| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| panic!("{args:?} printed invalid UTF-8 on {name}: {e}"))
        };
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: text(out.stdout, "stdout"),
            stderr: text(out.stderr, "stderr"),
            args,
        }
    }

    /// Panics with the whole output unless the exit code is `code`.
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "{self:?}");
        self
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?}: exit {}\n--- stdout\n{}--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        )
    }
}

/// The program's file name, then its arguments.
fn describe(cmd: &Command) -> Vec<String> {
    let program = Path::new(cmd.get_program());
    std::iter::once(program.file_name().unwrap_or(program.as_os_str()))
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// Waits for `child`; after `limit`, kills it and returns `None`.
pub fn wait_limited(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Reads a pipe to its end on a thread; the bytes arrive on the channel.
pub fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// The bytes of a drained pipe; fails when something still holds it open 10 s on.
pub fn collect(pipe: &mpsc::Receiver<Vec<u8>>, what: &str) -> Vec<u8> {
    pipe.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| {
            panic!("{what} exited but its output stays open: a process was left behind")
        })
}
