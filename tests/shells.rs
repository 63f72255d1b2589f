//! `gopin init bash|zsh|fish` for real, in real shells: the integration puts the shims first on
//! PATH (once), defines the `gopin` function (so `gopin use` changes the running shell) and
//! installs a cd hook that announces, on stderr, each change of the selected version, exports
//! nothing, and installs a missing version when automatic installs are on. Also `gopin env
//! --shell X` evaluated without the integration, and the scripts' syntax (shellcheck, `zsh -n`,
//! `fish --no-execute`).
//!
//! Not run by a plain `cargo test` (`test = false` in Cargo.toml): it needs bash, zsh, fish and
//! shellcheck, and fails, naming what to install, when one is missing. Run it with `cargo test
//! --test shells`.
//!
//! Every shell starts with an empty environment (the harness's `Scenario::hermetic`, with its
//! defaults: `GOENV=off`, `GOPIN_PROGRESS=never`, ...) plus: PATH = target/debug (gopin,
//! gopin-shim) and a folder holding only `env` (so no machine `go` can answer), a temporary
//! HOME, ZDOTDIR and XDG_CONFIG_HOME, SHELL, GOPIN_HOME and a `file://` mirror of fake releases (`tests/support/fake_go.rs`). It runs a script file (`bash
//! --norc --noprofile`, `zsh -f`, `fish --no-config`) that prints `@@ NAME` on stdout and on
//! stderr between steps, so each step's output is checked on its own.
//!
//! A non-interactive bash never runs PROMPT_COMMAND, so bash scripts call `__gopin_prompt`
//! after each `cd`, as the prompt would; one test runs an interactive bash reading the script
//! from stdin, with no such calls, to prove PROMPT_COMMAND drives the hook. zsh runs chpwd hooks
//! and fish its `--on-variable PWD` handlers on `cd` in scripts too.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use support::fake_go::{FakeRelease, index_json};
use support::harness::{Run, Scenario};
use tempfile::TempDir;

/// The version project `a` selects with its go.mod toolchain line.
const NEW: &str = "go1.22.4";
/// The version project `b` selects with its `.go-version`.
const OLD: &str = "go1.21.13";

/// How long one shell (or one gopin run) may take before the test kills it and fails.
const RUN_LIMIT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// A program on the test's PATH (or a usual system folder); fails, naming what to install,
/// when it is missing: this suite never skips silently.
fn program(name: &str) -> PathBuf {
    find_program(name).unwrap_or_else(|| {
        panic!(
            "{name} is not installed, and this suite needs it: install {name} \
             (e.g. `apt-get install {name}` or `brew install {name}`) and run \
             `cargo test --test shells` again"
        )
    })
}

/// A program on the test's PATH or in a usual system folder.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let fallback = ["/usr/local/bin", "/opt/homebrew/bin", "/usr/bin", "/bin"].map(PathBuf::from);
    std::env::split_paths(&path)
        .chain(fallback)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn releases() -> &'static [FakeRelease; 2] {
    static RELEASES: OnceLock<[FakeRelease; 2]> = OnceLock::new();
    RELEASES.get_or_init(|| {
        [
            FakeRelease::new(NEW, 3, 1000),
            FakeRelease::new(OLD, 3, 1000),
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// Shells
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sh {
    Bash,
    Zsh,
    Fish,
}

impl Sh {
    fn name(self) -> &'static str {
        match self {
            Sh::Bash => "bash",
            Sh::Zsh => "zsh",
            Sh::Fish => "fish",
        }
    }

    fn path(self) -> PathBuf {
        program(self.name())
    }

    /// A shell other than this one, for `SHELL` (the login shell) while this one runs.
    fn other(self) -> Sh {
        match self {
            Sh::Bash | Sh::Zsh => Sh::Fish,
            Sh::Fish => Sh::Bash,
        }
    }

    /// The arguments that run `script` without any rc file.
    fn args(self, script: &Path) -> Vec<OsString> {
        let flags: &[&str] = match self {
            Sh::Bash => &["--norc", "--noprofile"],
            Sh::Zsh => &["-f"],
            Sh::Fish => &["--no-config"],
        };
        flags
            .iter()
            .map(OsString::from)
            .chain([script.as_os_str().to_owned()])
            .collect()
    }

    /// The line an rc file would hold.
    fn init_line(self) -> &'static str {
        match self {
            Sh::Bash => r#"eval "$(gopin init bash)""#,
            Sh::Zsh => r#"eval "$(gopin init zsh)""#,
            Sh::Fish => "gopin init fish | source",
        }
    }

    /// The last command's exit status.
    fn status(self) -> &'static str {
        match self {
            Sh::Fish => "$status",
            _ => "$?",
        }
    }

    /// Prints `NAME=yes` when the variable is set (even empty), `NAME=no` otherwise.
    fn print_is_set(self, var: &str) -> String {
        match self {
            Sh::Fish => format!("if set -q {var}; echo {var}=yes; else; echo {var}=no; end"),
            _ => {
                format!(r#"if [ -n "${{{var}+x}}" ]; then echo {var}=yes; else echo {var}=no; fi"#)
            }
        }
    }

    /// Prints `LABEL=<output of command>`.
    fn print_output(self, label: &str, command: &str) -> String {
        match self {
            Sh::Fish => format!(r#"echo "{label}="({command})"#),
            _ => format!(r#"echo "{label}=$({command})""#),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------------

/// A shell script whose steps are separated by `@@ NAME` markers on stdout and stderr.
struct Script {
    sh: Sh,
    text: String,
    /// Whether `cd` is followed by `__gopin_prompt` (a non-interactive bash with the hook).
    manual_prompt: bool,
    /// An interactive bash runs PROMPT_COMMAND by itself.
    interactive: bool,
    marks: BTreeSet<String>,
}

impl Script {
    fn new(sh: Sh) -> Script {
        let text = match sh {
            Sh::Fish => "function mark; echo \"@@ $argv[1]\"; echo \"@@ $argv[1]\" >&2; end\n",
            _ => "mark() { echo \"@@ $1\"; echo \"@@ $1\" >&2; }\n",
        };
        Script {
            sh,
            text: text.to_owned(),
            manual_prompt: false,
            interactive: false,
            marks: BTreeSet::new(),
        }
    }

    /// A script for an interactive bash: no manual `__gopin_prompt` calls.
    fn interactive_bash() -> Script {
        Script {
            interactive: true,
            ..Script::new(Sh::Bash)
        }
    }

    /// Sources the integration as an rc file would.
    fn init(&mut self) -> &mut Script {
        self.manual_prompt = self.sh == Sh::Bash && !self.interactive;
        self.line(self.sh.init_line())
    }

    fn line(&mut self, line: &str) -> &mut Script {
        self.text.push_str(line);
        self.text.push('\n');
        self
    }

    fn mark(&mut self, name: &str) -> &mut Script {
        assert!(self.marks.insert(name.to_owned()), "marker {name} twice");
        self.line(&format!("mark {name}"))
    }

    /// `cd DIR`, then what bash's prompt would run.
    fn cd(&mut self, dir: &str) -> &mut Script {
        self.line(&format!("cd {dir}"));
        if self.manual_prompt {
            self.line("__gopin_prompt");
        }
        self
    }

    fn go_version(&mut self) -> &mut Script {
        self.line("go version")
    }

    fn status(&mut self) -> &mut Script {
        let line = format!("echo \"rc={}\"", self.sh.status());
        self.line(&line)
    }

    /// The whole script, ending with the `end` marker every run must reach.
    fn text(&self) -> String {
        format!("{}mark end\n", self.text)
    }
}

// ---------------------------------------------------------------------------------------------
// Worlds
// ---------------------------------------------------------------------------------------------

/// A temporary GOPIN_HOME, HOME, mirror and projects:
/// `a/go.mod` (toolchain go1.22.4 on line 5), `a/sub/` (empty), `b/.go-version` (1.21.13).
struct World {
    _tmp: TempDir,
    root: PathBuf,
    gopin_home: PathBuf,
    home: PathBuf,
    mirror: PathBuf,
    bin: PathBuf,
    scripts: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

impl World {
    /// A world where `installed` versions are installed by the real CLI.
    fn new(installed: &[&str]) -> World {
        let tmp = tempfile::tempdir().unwrap();
        // Canonical, so the paths the hook prints are the paths the tests expect.
        let root = tmp.path().canonicalize().unwrap();
        let world = World {
            gopin_home: root.join("gopin-home"),
            home: root.join("home"),
            mirror: root.join("mirror"),
            bin: root.join("bin"),
            scripts: root.join("scripts"),
            a: root.join("a"),
            b: root.join("b"),
            root,
            _tmp: tmp,
        };
        for dir in [
            &world.home,
            &world.mirror,
            &world.bin,
            &world.scripts,
            &world.a.join("sub"),
            &world.b,
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::create_dir_all(world.home.join("config")).unwrap();
        std::os::unix::fs::symlink(program("env"), world.bin.join("env")).unwrap();
        std::fs::write(
            world.a.join("go.mod"),
            format!("module a\n\ngo 1.22\n\ntoolchain {NEW}\n"),
        )
        .unwrap();
        std::fs::write(world.b.join(".go-version"), "1.21.13\n").unwrap();
        let [new, old] = releases();
        for release in [new, old] {
            std::fs::write(world.mirror.join(&release.filename), &release.bytes).unwrap();
        }
        std::fs::write(world.mirror.join("index.json"), index_json(&[new, old])).unwrap();
        if !installed.is_empty() {
            let mut args = vec!["install"];
            args.extend_from_slice(installed);
            let out = world.gopin(&args, &world.root);
            assert!(out.code == 0, "gopin {args:?} failed:\n{}", out.stderr);
        }
        world
    }

    /// `GOPIN_HOME/versions/VERSION`.
    fn version_dir(&self, version: &str) -> PathBuf {
        self.gopin_home.join("versions").join(version)
    }

    fn shims(&self) -> PathBuf {
        self.gopin_home.join("shims")
    }

    /// Every process of the world, in `cwd`: nothing inherited, the target folder and `bin/`
    /// as PATH, the world's HOME, ZDOTDIR, XDG_CONFIG_HOME and mirror, and `login_shell` as
    /// SHELL.
    fn scenario(&self, login_shell: &Path, cwd: &Path) -> Scenario {
        let gopin = support::binaries::gopin();
        let target = gopin.parent().unwrap().to_owned();
        let path = std::env::join_paths([target, self.bin.clone()]).unwrap();
        let mirror = self.mirror.display();
        Scenario::hermetic(&self.gopin_home, cwd)
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("ZDOTDIR", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("SHELL", login_shell)
            .env("GOPIN_INDEX_URL", format!("file://{mirror}/index.json"))
            .env("GOPIN_DOWNLOAD_URL", format!("file://{mirror}/"))
    }

    /// Runs `gopin ARGS` in `cwd`, with the world's environment and SHELL=bash.
    fn gopin(&self, args: &[&str], cwd: &Path) -> Run {
        let cmd = self.scenario(&Sh::Bash.path(), cwd).gopin(args);
        run_limited(cmd)
    }

    fn shell(&self, sh: Sh) -> ShellRun<'_> {
        ShellRun {
            world: self,
            sh,
            cwd: self.root.clone(),
            login_shell: sh.path(),
            env: Vec::new(),
        }
    }

    /// Every file and folder under the projects (not GOPIN_HOME, HOME or the scripts), with
    /// its contents, to prove a command wrote nothing there.
    fn project_files(&self) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        fn walk(dir: &Path, skip: &[&Path], out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if skip.contains(&path.as_path()) {
                    continue;
                }
                if path.is_dir() {
                    out.insert(path.clone(), None);
                    walk(&path, skip, out);
                } else {
                    out.insert(path.clone(), Some(std::fs::read(&path).unwrap()));
                }
            }
        }
        let mut out = BTreeMap::new();
        let skip = [
            self.gopin_home.as_path(),
            self.home.as_path(),
            self.scripts.as_path(),
            self.mirror.as_path(),
        ];
        walk(&self.root, &skip, &mut out);
        out
    }
}

/// One shell to start: where, with which login shell and extra environment.
struct ShellRun<'w> {
    world: &'w World,
    sh: Sh,
    cwd: PathBuf,
    login_shell: PathBuf,
    env: Vec<(&'static str, OsString)>,
}

impl ShellRun<'_> {
    fn cwd(mut self, dir: &Path) -> Self {
        self.cwd = dir.to_owned();
        self
    }

    /// `SHELL` names this program instead of the shell that runs.
    fn login_shell(mut self, shell: &Path) -> Self {
        self.login_shell = shell.to_owned();
        self
    }

    fn env(mut self, key: &'static str, value: &str) -> Self {
        self.env.push((key, value.into()));
        self
    }

    fn command(&self, program: &Path) -> Command {
        self.world
            .scenario(&self.login_shell, &self.cwd)
            .envs(self.env.iter().cloned())
            .command(program)
    }

    /// Runs the script from a file.
    fn run(self, script: &Script) -> Transcript {
        assert_eq!(script.sh, self.sh, "a script for another shell");
        assert!(!script.interactive, "use run_interactive");
        let text = script.text();
        let n = std::fs::read_dir(&self.world.scripts).unwrap().count();
        let file = self
            .world
            .scripts
            .join(format!("script{n}.{}", self.sh.name()));
        std::fs::write(&file, &text).unwrap();
        let mut cmd = self.command(&self.sh.path());
        cmd.args(self.sh.args(&file)).stdin(Stdio::null());
        Transcript::new(self.sh, text, run_limited(cmd))
    }

    /// Runs an interactive bash reading the script from stdin (under `setsid -w` when there is
    /// one, so it cannot take the terminal), with no line editing and empty prompts.
    fn run_interactive(self, script: &Script) -> Transcript {
        assert!(script.interactive && self.sh == Sh::Bash);
        let text = script.text();
        let file = self.world.scripts.join("interactive.bash");
        std::fs::write(&file, &text).unwrap();
        let bash = Sh::Bash.path();
        let bash_args = ["--norc", "--noprofile", "--noediting", "-i"];
        let setsid = find_program("setsid");
        let mut cmd = match &setsid {
            Some(setsid) => {
                let mut cmd = self.command(setsid);
                cmd.arg("-w").arg(&bash);
                cmd
            }
            None => self.command(&bash),
        };
        cmd.args(bash_args)
            .env("PS1", "")
            .env("PS2", "")
            .env("HISTFILE", self.world.home.join("bash_history"))
            .stdin(std::fs::File::open(&file).unwrap());
        Transcript::new(Sh::Bash, text, run_limited(cmd))
    }
}

/// Runs `cmd` with its output captured, killing it after [`RUN_LIMIT`].
fn run_limited(mut cmd: Command) -> Run {
    Run::limited(&mut cmd, None, RUN_LIMIT)
}

// ---------------------------------------------------------------------------------------------
// Transcripts
// ---------------------------------------------------------------------------------------------

/// A finished shell's output, split at the `@@ NAME` markers. The part before the first
/// marker (the shell's start and the init) is section "start".
struct Transcript {
    sh: Sh,
    script: String,
    run: Run,
    out: BTreeMap<String, Vec<String>>,
    err: BTreeMap<String, Vec<String>>,
}

impl Transcript {
    fn new(sh: Sh, script: String, run: Run) -> Transcript {
        let out = sections(&run.stdout);
        let err = sections(&run.stderr);
        let t = Transcript {
            sh,
            script,
            run,
            out,
            err,
        };
        assert!(
            t.run.code == 0 && t.out.contains_key("end") && t.err.contains_key("end"),
            "{} did not run to its end (exit {})\n{}",
            t.sh.name(),
            t.run.code,
            t.context()
        );
        t
    }

    fn context(&self) -> String {
        format!(
            "--- {} script\n{}--- stdout\n{}--- stderr\n{}---",
            self.sh.name(),
            self.script,
            self.run.stdout,
            self.run.stderr
        )
    }

    fn section<'t>(
        &'t self,
        streams: &'t BTreeMap<String, Vec<String>>,
        mark: &str,
    ) -> &'t [String] {
        streams
            .get(mark)
            .unwrap_or_else(|| panic!("no marker {mark} in the output\n{}", self.context()))
    }

    /// The stdout lines of the step after `mark`.
    fn out(&self, mark: &str) -> &[String] {
        self.section(&self.out, mark)
    }

    /// The stderr lines of the step after `mark`.
    fn err(&self, mark: &str) -> &[String] {
        self.section(&self.err, mark)
    }

    fn assert_out(&self, mark: &str, expected: &[&str]) {
        assert_eq!(
            self.out(mark),
            expected,
            "{}: stdout after @@ {mark}\n{}",
            self.sh.name(),
            self.context()
        );
    }

    fn assert_err(&self, mark: &str, expected: &[&str]) {
        assert_eq!(
            self.err(mark),
            expected,
            "{}: stderr after @@ {mark}\n{}",
            self.sh.name(),
            self.context()
        );
    }
}

fn sections(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut map = BTreeMap::new();
    let mut name = "start".to_owned();
    map.insert(name.clone(), Vec::new());
    for line in text.lines() {
        if let Some(mark) = line.strip_prefix("@@ ") {
            name = mark.to_owned();
            map.insert(name.clone(), Vec::new());
        } else {
            map.get_mut(&name).unwrap().push(line.to_owned());
        }
    }
    map
}

/// `go version` of a fake release on this machine.
fn go_version(version: &str) -> String {
    let (os, arch) = support::fake_go::platform();
    format!("go version {version} {os}/{arch}")
}

/// The hook's line for project `a`.
fn announce_a(world: &World) -> String {
    format!(
        "gopin: {NEW} (toolchain line, {}:5)",
        world.a.join("go.mod").display()
    )
}

/// The hook's line for project `b`.
fn announce_b(world: &World) -> String {
    format!(
        "gopin: {OLD} (.go-version, {}:1)",
        world.b.join(".go-version").display()
    )
}

/// The hook's line for `gopin use 1.21.13`.
fn announce_use() -> String {
    format!("gopin: {OLD} (GOPIN_TOOLCHAIN=1.21.13 (environment))")
}

// ---------------------------------------------------------------------------------------------
// 1. The cd hook
// ---------------------------------------------------------------------------------------------

/// Entering a project announces its version once; moving inside it, or back, says nothing.
fn cd_hook_announces_changes(sh: Sh) {
    let world = World::new(&[NEW, OLD]);
    let mut s = Script::new(sh);
    s.init();
    s.mark("a").cd("a").go_version();
    s.mark("sub").cd("sub").go_version().cd("..").go_version();
    s.mark("b").cd("../b").go_version();
    let t = world.shell(sh).run(&s);

    t.assert_err("start", &[]);
    t.assert_out("start", &[]);
    t.assert_err("a", &[&announce_a(&world)]);
    t.assert_out("a", &[&go_version(NEW)]);
    t.assert_err("sub", &[]);
    t.assert_out("sub", &[&go_version(NEW), &go_version(NEW)]);
    t.assert_err("b", &[&announce_b(&world)]);
    t.assert_out("b", &[&go_version(OLD)]);
}

mod cd_hook {
    use super::*;

    #[test]
    fn bash() {
        cd_hook_announces_changes(Sh::Bash);
    }

    #[test]
    fn zsh() {
        cd_hook_announces_changes(Sh::Zsh);
    }

    #[test]
    fn fish() {
        cd_hook_announces_changes(Sh::Fish);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. `gopin use`
// ---------------------------------------------------------------------------------------------

/// `gopin use 1.21.13` switches this shell only; `--unset` goes back to the files; a fresh
/// shell is untouched and no file is written. `login_shell` is what SHELL names.
fn use_switches_this_shell(sh: Sh, login_shell: Sh) {
    let world = World::new(&[NEW, OLD]);
    let before = world.project_files();

    let mut s = Script::new(sh);
    s.init();
    s.mark("a").cd("a").go_version();
    s.mark("use")
        .line("gopin use 1.21.13")
        .status()
        .go_version();
    s.line(r#"echo "tc=$GOPIN_TOOLCHAIN""#);
    s.mark("unset")
        .line("gopin use --unset")
        .status()
        .go_version();
    s.line(&sh.print_is_set("GOPIN_TOOLCHAIN"));
    let t = world.shell(sh).login_shell(&login_shell.path()).run(&s);

    t.assert_err("start", &[]);
    t.assert_err("a", &[&announce_a(&world)]);
    t.assert_out("a", &[&go_version(NEW)]);
    t.assert_err("use", &[&announce_use()]);
    t.assert_out("use", &["rc=0", &go_version(OLD), "tc=1.21.13"]);
    t.assert_err("unset", &[&announce_a(&world)]);
    t.assert_out("unset", &["rc=0", &go_version(NEW), "GOPIN_TOOLCHAIN=no"]);

    // A fresh shell in `a` never saw that `gopin use`.
    let mut s = Script::new(sh);
    s.init();
    s.mark("fresh").go_version();
    s.line(&sh.print_is_set("GOPIN_TOOLCHAIN"));
    let t = world
        .shell(sh)
        .login_shell(&login_shell.path())
        .cwd(&world.a)
        .run(&s);
    t.assert_err("start", &[]);
    t.assert_err("fresh", &[]);
    t.assert_out("fresh", &[&go_version(NEW), "GOPIN_TOOLCHAIN=no"]);

    assert_eq!(
        world.project_files(),
        before,
        "{}: `gopin use` wrote or changed a file in the projects",
        sh.name()
    );
}

mod use_version {
    use super::*;

    #[test]
    fn bash() {
        use_switches_this_shell(Sh::Bash, Sh::Bash);
    }

    #[test]
    fn zsh() {
        use_switches_this_shell(Sh::Zsh, Sh::Zsh);
    }

    #[test]
    fn fish() {
        use_switches_this_shell(Sh::Fish, Sh::Fish);
    }

    /// Regression: `gopin use` once printed $SHELL's syntax, not the running shell's.
    #[test]
    fn bash_with_another_login_shell() {
        use_switches_this_shell(Sh::Bash, Sh::Bash.other());
    }

    #[test]
    fn zsh_with_another_login_shell() {
        use_switches_this_shell(Sh::Zsh, Sh::Zsh.other());
    }

    #[test]
    fn fish_with_another_login_shell() {
        use_switches_this_shell(Sh::Fish, Sh::Fish.other());
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Sourcing the integration twice
// ---------------------------------------------------------------------------------------------

/// Twice sourced: the shims are first on PATH and there once, the hook is registered once,
/// and entering a project still announces once.
fn sourced_twice_changes_nothing(sh: Sh) {
    let world = World::new(&[NEW, OLD]);
    let mut s = Script::new(sh);
    if sh == Sh::Bash {
        s.line("PROMPT_COMMAND='history -a'");
    }
    s.init();
    s.init();
    s.mark("path");
    match sh {
        Sh::Fish => s.line("for p in $PATH; echo \"path=$p\"; end"),
        _ => s.line(r#"echo "path=$PATH""#),
    };
    s.mark("hook");
    match sh {
        Sh::Bash => s.line(r#"echo "pc=$PROMPT_COMMAND""#),
        Sh::Zsh => s.line(r#"for f in $chpwd_functions; do echo "chpwd=$f"; done"#),
        Sh::Fish => s
            .line("functions -q __gopin_on_pwd; and echo defined=yes")
            .line("functions --handlers-type variable"),
    };
    s.mark("a");
    match sh {
        // What the prompt runs, all of it: the hook once, then the user's own command.
        Sh::Bash => s.line("cd a").line(r#"eval "$PROMPT_COMMAND""#),
        _ => s.cd("a"),
    };
    s.go_version();
    let t = world.shell(sh).run(&s);

    t.assert_err("start", &[]);
    let shims = world.shims().display().to_string();
    let path: Vec<String> = match sh {
        Sh::Fish => t
            .out("path")
            .iter()
            .map(|l| l.replacen("path=", "", 1))
            .collect(),
        _ => {
            let line = t.out("path").concat();
            line.trim_start_matches("path=")
                .split(':')
                .map(str::to_owned)
                .collect()
        }
    };
    assert_eq!(
        path.first(),
        Some(&shims),
        "{}: shims not first on PATH {path:?}\n{}",
        sh.name(),
        t.context()
    );
    assert_eq!(
        path.iter().filter(|p| **p == shims).count(),
        1,
        "{}: shims on PATH more than once: {path:?}\n{}",
        sh.name(),
        t.context()
    );
    match sh {
        Sh::Bash => t.assert_out("hook", &["pc=__gopin_prompt;history -a"]),
        Sh::Zsh => t.assert_out("hook", &["chpwd=__gopin_hook"]),
        Sh::Fish => {
            let handlers: Vec<&String> = t
                .out("hook")
                .iter()
                .filter(|l| l.contains("__gopin_on_pwd"))
                .collect();
            assert_eq!(
                handlers,
                ["PWD __gopin_on_pwd"],
                "fish: the PWD handler is not registered exactly once\n{}",
                t.context()
            );
            assert_eq!(
                t.out("hook").first().map(String::as_str),
                Some("defined=yes"),
                "{}",
                t.context()
            );
        }
    }
    t.assert_err("a", &[&announce_a(&world)]);
    t.assert_out("a", &[&go_version(NEW)]);
}

mod sourced_twice {
    use super::*;

    #[test]
    fn bash() {
        sourced_twice_changes_nothing(Sh::Bash);
    }

    #[test]
    fn zsh() {
        sourced_twice_changes_nothing(Sh::Zsh);
    }

    #[test]
    fn fish() {
        sourced_twice_changes_nothing(Sh::Fish);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. The hook exports nothing
// ---------------------------------------------------------------------------------------------

fn parse_env(lines: &[String]) -> BTreeMap<String, String> {
    lines
        .iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (l.clone(), String::new()),
        })
        .collect()
}

/// Four `cd`s with announcements leave the environment as it was but for PWD, OLDPWD and `_`.
fn hook_exports_nothing(sh: Sh) {
    let world = World::new(&[NEW, OLD]);
    let mut s = Script::new(sh);
    s.init();
    s.mark("env0").line("env");
    s.mark("a").cd("a");
    s.mark("sub").cd("sub").cd("..");
    s.mark("b").cd("../b");
    s.mark("env1").line("env");
    let t = world.shell(sh).run(&s);

    t.assert_err("a", &[&announce_a(&world)]);
    t.assert_err("sub", &[]);
    t.assert_err("b", &[&announce_b(&world)]);
    let before = parse_env(t.out("env0"));
    let after = parse_env(t.out("env1"));
    assert!(
        before.contains_key("GOPIN_HOME"),
        "{}: `env` printed no environment\n{}",
        sh.name(),
        t.context()
    );
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let changed: Vec<&String> = keys
        .into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .filter(|k| !["PWD", "OLDPWD", "_"].contains(&k.as_str()))
        .collect();
    assert!(
        changed.is_empty(),
        "{}: the hook changed the environment: {changed:?}\n{}",
        sh.name(),
        t.context()
    );
}

mod exports_nothing {
    use super::*;

    #[test]
    fn bash() {
        hook_exports_nothing(Sh::Bash);
    }

    #[test]
    fn zsh() {
        hook_exports_nothing(Sh::Zsh);
    }

    #[test]
    fn fish() {
        hook_exports_nothing(Sh::Fish);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Automatic installs from the hook
// ---------------------------------------------------------------------------------------------

/// Entering a project whose version is missing installs it, after the announcement.
fn hook_installs_missing(sh: Sh) {
    let world = World::new(&[]);
    let mut s = Script::new(sh);
    s.init();
    s.mark("a").cd("a");
    s.mark("go").go_version();
    let t = world.shell(sh).run(&s);

    t.assert_err("start", &[]);
    let err = t.err("a");
    assert_eq!(
        err.first(),
        Some(&announce_a(&world)),
        "{}: no announcement first\n{}",
        sh.name(),
        t.context()
    );
    assert!(
        err.iter()
            .any(|l| l.starts_with(&format!("installed {NEW}"))),
        "{}: the hook did not say it installed {NEW}\n{}",
        sh.name(),
        t.context()
    );
    assert!(
        world.version_dir(NEW).join("bin/go").is_file(),
        "{}: {NEW} not installed\n{}",
        sh.name(),
        t.context()
    );
    t.assert_err("go", &[]);
    t.assert_out("go", &[&go_version(NEW)]);
}

/// With GOPIN_AUTO_INSTALL=0 the hook names the install command and installs nothing; the
/// shim refuses to run.
fn hook_respects_auto_install_off(sh: Sh) {
    let world = World::new(&[]);
    let mut s = Script::new(sh);
    s.init();
    s.mark("a").cd("a");
    s.mark("go").go_version().status();
    let t = world.shell(sh).env("GOPIN_AUTO_INSTALL", "0").run(&s);

    t.assert_err("start", &[]);
    let note = format!(
        "gopin: {NEW} is not installed; run `gopin install 1.22.4` (automatic installs are off: GOPIN_AUTO_INSTALL=0)"
    );
    t.assert_err("a", &[&announce_a(&world), &note]);
    assert!(
        !world.version_dir(NEW).exists(),
        "{}: {NEW} was installed with GOPIN_AUTO_INSTALL=0\n{}",
        sh.name(),
        t.context()
    );
    let out = t.out("go");
    assert!(
        out.len() == 1 && out[0] != "rc=0" && out[0].starts_with("rc="),
        "{}: the shim ran with {NEW} missing\n{}",
        sh.name(),
        t.context()
    );
    let err = t.err("go").join("\n");
    assert!(
        err.contains(&format!("{NEW} is not installed")) && err.contains("gopin install 1.22.4"),
        "{}: the shim did not say what is missing\n{}",
        sh.name(),
        t.context()
    );
}

mod auto_install {
    use super::*;

    #[test]
    fn bash() {
        hook_installs_missing(Sh::Bash);
    }

    #[test]
    fn zsh() {
        hook_installs_missing(Sh::Zsh);
    }

    #[test]
    fn fish() {
        hook_installs_missing(Sh::Fish);
    }

    #[test]
    fn bash_off() {
        hook_respects_auto_install_off(Sh::Bash);
    }

    #[test]
    fn zsh_off() {
        hook_respects_auto_install_off(Sh::Zsh);
    }

    #[test]
    fn fish_off() {
        hook_respects_auto_install_off(Sh::Fish);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. `gopin env --shell X`
// ---------------------------------------------------------------------------------------------

/// `gopin env` prints the three exports, and evaluating them alone gives the project's go.
fn env_exports_work(sh: Sh) {
    let world = World::new(&[NEW, OLD]);
    let goroot = world.version_dir(NEW);
    let out = world.gopin(&["env", "--shell", sh.name()], &world.a);
    assert!(out.code == 0, "gopin env failed:\n{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (set, path, toolchain) = match sh {
        Sh::Fish => (
            "set -gx GOROOT ",
            "set -gx PATH ",
            "set -gx GOTOOLCHAIN 'local'",
        ),
        _ => (
            "export GOROOT=",
            "export PATH=",
            "export GOTOOLCHAIN='local'",
        ),
    };
    assert!(
        lines.len() == 3
            && lines[0].starts_with(set)
            && lines[1].starts_with(path)
            && lines[2] == toolchain,
        "{}: gopin env printed more or other than the three exports:\n{}",
        sh.name(),
        out.stdout
    );

    let mut s = Script::new(sh);
    match sh {
        Sh::Fish => s.line("gopin env --shell fish | source"),
        _ => s.line(&format!(r#"eval "$(gopin env --shell {})""#, sh.name())),
    };
    s.mark("go").go_version();
    s.line(r#"echo "goroot=$GOROOT""#);
    s.line(&sh.print_output("which", "command -v go"));
    let t = world.shell(sh).cwd(&world.a).run(&s);
    t.assert_err("start", &[]);
    t.assert_err("go", &[]);
    t.assert_out(
        "go",
        &[
            &go_version(NEW),
            &format!("goroot={}", goroot.display()),
            &format!("which={}", goroot.join("bin/go").display()),
        ],
    );
}

mod env {
    use super::*;

    #[test]
    fn bash() {
        env_exports_work(Sh::Bash);
    }

    #[test]
    fn zsh() {
        env_exports_work(Sh::Zsh);
    }

    #[test]
    fn fish() {
        env_exports_work(Sh::Fish);
    }
}

// ---------------------------------------------------------------------------------------------
// 7. The scripts' syntax
// ---------------------------------------------------------------------------------------------

/// `gopin init SHELL`'s output.
fn init_script(world: &World, shell: &str) -> String {
    let out = world.gopin(&["init", shell], &world.root);
    assert!(out.code == 0, "gopin init {shell} failed:\n{}", out.stderr);
    out.stdout
}

/// Runs `program args` on `script` (a file), expecting success and no output.
fn check_script(world: &World, program_name: &str, args: &[&str], script: &str, name: &str) {
    let file = world.scripts.join(name);
    std::fs::write(&file, script).unwrap();
    let mut cmd = world
        .scenario(&Sh::Bash.path(), &world.root)
        .command(program(program_name));
    cmd.args(args).arg(&file);
    let out = run_limited(cmd);
    assert!(
        out.code == 0 && out.stdout.trim().is_empty() && out.stderr.trim().is_empty(),
        "{program_name} {args:?} rejects `gopin init`'s script (exit {}):\n{}{}\n--- script\n{script}",
        out.code,
        out.stdout,
        out.stderr
    );
}

mod syntax {
    use super::*;

    #[test]
    fn bash_passes_shellcheck() {
        let world = World::new(&[]);
        let script = init_script(&world, "bash");
        check_script(&world, "shellcheck", &["-s", "bash"], &script, "init.bash");
    }

    #[test]
    fn sh_passes_shellcheck() {
        let world = World::new(&[]);
        let script = init_script(&world, "sh");
        check_script(&world, "shellcheck", &["-s", "sh"], &script, "init.sh");
    }

    #[test]
    fn zsh_parses() {
        let world = World::new(&[]);
        let script = init_script(&world, "zsh");
        check_script(&world, "zsh", &["-n"], &script, "init.zsh");
    }

    #[test]
    fn fish_parses() {
        let world = World::new(&[]);
        let script = init_script(&world, "fish");
        check_script(&world, "fish", &["--no-execute"], &script, "init.fish");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. An interactive bash
// ---------------------------------------------------------------------------------------------

/// The lines the hook printed (an interactive bash also says, on stderr, that it has no job
/// control and `exit` at the end).
fn gopin_lines(lines: &[String]) -> Vec<&str> {
    lines
        .iter()
        .map(String::as_str)
        .filter(|l| l.contains("gopin"))
        .collect()
}

/// With no manual `__gopin_prompt` calls, PROMPT_COMMAND runs the hook before each prompt.
#[test]
fn interactive_bash_runs_the_hook_from_prompt_command() {
    let world = World::new(&[NEW, OLD]);
    let mut s = Script::interactive_bash();
    s.init();
    s.line(r#"echo "pc=$PROMPT_COMMAND""#);
    s.mark("a").cd("a").go_version();
    s.mark("sub").cd("sub").cd("..");
    s.mark("b").cd("../b").go_version();
    assert!(!s.text().contains("__gopin_prompt"));
    let t = world.shell(Sh::Bash).run_interactive(&s);

    assert_eq!(
        gopin_lines(t.err("start")),
        Vec::<&str>::new(),
        "{}",
        t.context()
    );
    t.assert_out("start", &["pc=__gopin_prompt"]);
    for (mark, expected, version) in [
        ("a", Some(announce_a(&world)), Some(NEW)),
        ("sub", None, None),
        ("b", Some(announce_b(&world)), Some(OLD)),
    ] {
        assert_eq!(
            gopin_lines(t.err(mark)),
            expected.as_slice(),
            "interactive bash: stderr after @@ {mark}\n{}",
            t.context()
        );
        let expected_out: Vec<String> = version.map(go_version).into_iter().collect();
        assert_eq!(
            t.out(mark),
            expected_out.as_slice(),
            "interactive bash: stdout after @@ {mark}\n{}",
            t.context()
        );
    }
}
