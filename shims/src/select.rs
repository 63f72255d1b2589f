//! Which version runs here: the rules of the README's "How selection works", in one function that the shim,
//! `gopin current`, `which`, `why`, `env`, `exec` and `install` all call, so they can never
//! disagree.
//!
//! Order: `GOPIN_TOOLCHAIN`; a plain `GOTOOLCHAIN` name; the nearest project file
//! (`.go-version`, `.tool-versions`, `go.work`, `go.mod`, a go.mod governed by an ancestor
//! go.work as in Go); the default. A `GOTOOLCHAIN=goX+auto` floor raises whatever won.

use crate::error::SelectError;
use crate::goenv::{self, GoSettings, Origin, Setting};
use crate::gomod;
use crate::gotoolchain::{self, GoToolchain};
use crate::root::Root;
use crate::small_file;
use crate::spec::{Fuzzy, Spec};
use crate::version::Version;
use crate::version_file::{self, FileError};
use std::cmp::Ordering;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Everything selection depends on, gathered once so tests can build it by hand.
#[derive(Clone, Debug)]
pub struct Inputs {
    pub cwd: PathBuf,
    pub root: Root,
    pub gopin_toolchain: Option<String>,
    pub go: GoSettings,
    /// Go ignores a go.mod directly in the system temp folder.
    pub temp_dir: PathBuf,
    /// Why `cwd` could not be read (a deleted directory, a path over PATH_MAX). Only the
    /// project-file rule needs the directory, so this is an error only when that rule runs:
    /// `GOPIN_TOOLCHAIN=1.22.10 go version` works in a deleted directory.
    pub cwd_error: Option<std::sync::Arc<io::Error>>,
}

impl Inputs {
    /// The working directory's error, if reading it failed.
    fn cwd_ok(&self) -> Result<(), SelectError> {
        match &self.cwd_error {
            None => Ok(()),
            Some(e) => Err(SelectError::NoCwd(io::Error::new(e.kind(), e.to_string()))),
        }
    }

    /// Reads the process's environment and working directory.
    pub fn from_process() -> Result<Inputs, SelectError> {
        let getenv = |key: &str| std::env::var(key).ok();
        let root = Root::from_env(&getenv)?;
        let (cwd, cwd_error) = match working_dir() {
            Ok(cwd) => (cwd, None),
            Err(SelectError::NoCwd(e)) => (PathBuf::new(), Some(std::sync::Arc::new(e))),
            Err(other) => return Err(other),
        };
        Ok(Inputs {
            cwd,
            cwd_error,
            root,
            gopin_toolchain: getenv("GOPIN_TOOLCHAIN").filter(|v| !v.is_empty()),
            go: goenv::read(&getenv),
            temp_dir: std::env::temp_dir(),
        })
    }
}

/// The working directory as Go's `os.Getwd` gives it: `$PWD` when it names the same directory,
/// so a project reached through a symlink is walked (and reported) by the path the user typed.
pub fn working_dir() -> Result<PathBuf, SelectError> {
    let physical = std::env::current_dir().map_err(SelectError::NoCwd)?;
    #[cfg(unix)]
    if let Some(pwd) = std::env::var_os("PWD").map(PathBuf::from)
        && pwd.is_absolute()
        && pwd != physical
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(&pwd), std::fs::metadata(&physical))
            && (a.dev(), a.ino()) == (b.dev(), b.ino())
        {
            return Ok(pwd);
        }
    }
    Ok(physical)
}

/// Where a selection came from; the names are the `source` values of `--json` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Env,
    GoToolchain,
    GoVersion,
    ToolVersions,
    GoWork,
    GoMod,
    Default,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Env => "env",
            Source::GoToolchain => "gotoolchain",
            Source::GoVersion => "go-version",
            Source::ToolVersions => "tool-versions",
            Source::GoWork => "go.work",
            Source::GoMod => "go.mod",
            Source::Default => "default",
        }
    }
}

/// Why a version was chosen, printed the same way everywhere: `toolchain line, /p/go.mod:5`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub source: Source,
    pub label: String,
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)?;
        if let Some(path) = &self.path {
            write!(f, ", {}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
        }
        Ok(())
    }
}

/// The outcome of the rules: a spec (possibly fuzzy) and why, plus a GOTOOLCHAIN floor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub spec: Spec,
    pub reason: Reason,
    pub floor: Option<(Version, Reason)>,
}

/// A concrete toolchain: an exact version, or the system `go`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    Version(Version),
    System,
}

/// The toolchain that runs here and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chosen {
    pub choice: Choice,
    pub reason: Reason,
}

impl Selection {
    /// Turns the selection into a toolchain using the installed versions for a fuzzy spec.
    /// `Err` hands back the fuzzy spec when nothing installed matches: the index must decide.
    pub fn resolve(&self, installed: impl FnOnce() -> Vec<Version>) -> Result<Chosen, Fuzzy> {
        match &self.spec {
            Spec::Exact(v) => Ok(self.with_version(v.clone())),
            Spec::System => Ok(Chosen {
                choice: Choice::System,
                reason: self.reason.clone(),
            }),
            Spec::Fuzzy(fuzzy) => match fuzzy.newest(&installed()) {
                Some(v) => Ok(self.with_version(v.clone())),
                None => Err(fuzzy.clone()),
            },
        }
    }

    /// The chosen toolchain once a fuzzy spec has been resolved (from the installed versions or
    /// the index), with the GOTOOLCHAIN floor applied.
    pub fn with_version(&self, version: Version) -> Chosen {
        if let Some((floor, reason)) = &self.floor
            && version.go_cmp(floor) == Ordering::Less
        {
            return Chosen {
                choice: Choice::Version(floor.clone()),
                reason: reason.clone(),
            };
        }
        Chosen {
            choice: Choice::Version(version),
            reason: self.reason.clone(),
        }
    }
}

/// A record of each rule consulted, for `gopin why`; costs nothing when off.
#[derive(Debug, Default)]
pub struct Trace {
    lines: Option<Vec<String>>,
}

impl Trace {
    pub fn off() -> Trace {
        Trace { lines: None }
    }

    pub fn on() -> Trace {
        Trace {
            lines: Some(Vec::new()),
        }
    }

    fn note(&mut self, line: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.push(line());
        }
    }

    pub fn into_lines(self) -> Vec<String> {
        self.lines.unwrap_or_default()
    }
}

/// Applies the selection rules.
pub fn select(inputs: &Inputs, trace: &mut Trace) -> Result<Selection, SelectError> {
    if let Some(value) = &inputs.gopin_toolchain {
        let spec = Spec::parse(value).ok_or_else(|| SelectError::BadSpecVar {
            var: "GOPIN_TOOLCHAIN",
            value: value.clone(),
        })?;
        trace.note(|| format!("1. GOPIN_TOOLCHAIN={value}: wins"));
        return Ok(Selection {
            spec,
            reason: env_reason(Source::Env, "GOPIN_TOOLCHAIN", value),
            floor: None,
        });
    }
    trace.note(|| "1. GOPIN_TOOLCHAIN: not set".to_owned());

    let floor = match &inputs.go.gotoolchain {
        None => {
            trace.note(|| "2. GOTOOLCHAIN: not set (environment or go env file)".to_owned());
            None
        }
        Some(setting) => match gotoolchain::parse(&setting.value) {
            Err(problem) => {
                return Err(SelectError::BadGoSetting {
                    var: "GOTOOLCHAIN",
                    value: setting.value.clone(),
                    origin: origin_text(&setting.origin),
                    problem,
                });
            }
            Ok(GoToolchain::NoEffect) => {
                trace.note(|| {
                    format!(
                        "2. {}: no effect on selection",
                        setting_text("GOTOOLCHAIN", setting)
                    )
                });
                None
            }
            Ok(GoToolchain::Exact(version)) => {
                trace.note(|| {
                    format!(
                        "2. {}: wins; project files are ignored, as Go does",
                        setting_text("GOTOOLCHAIN", setting)
                    )
                });
                return Ok(Selection {
                    spec: Spec::Exact(version),
                    reason: setting_reason("GOTOOLCHAIN", setting),
                    floor: None,
                });
            }
            Ok(GoToolchain::Floor(version)) => {
                trace.note(|| {
                    format!(
                        "2. {}: at least {version}",
                        setting_text("GOTOOLCHAIN", setting)
                    )
                });
                Some((version, setting_reason("GOTOOLCHAIN", setting)))
            }
        },
    };

    let found = match project(inputs, trace)? {
        Some(found) => Some(found),
        None => default(&inputs.root, trace)?,
    };
    match (found, floor) {
        (Some((spec, reason)), floor) => Ok(Selection {
            spec,
            reason,
            floor,
        }),
        (None, Some((version, reason))) => Ok(Selection {
            spec: Spec::Exact(version),
            reason,
            floor: None,
        }),
        (None, None) => Err(SelectError::NothingSelected {
            cwd: inputs.cwd.clone(),
        }),
    }
}

/// How go.work files are found, from GOWORK.
enum WorkMode {
    Search,
    Off,
    File(PathBuf),
}

fn work_mode(go: &GoSettings) -> Result<WorkMode, SelectError> {
    let Some(setting) = &go.gowork else {
        return Ok(WorkMode::Search);
    };
    match setting.value.as_str() {
        "auto" => Ok(WorkMode::Search),
        "off" => Ok(WorkMode::Off),
        path if Path::new(path).is_absolute() => Ok(WorkMode::File(PathBuf::from(path))),
        _ => Err(SelectError::BadGoSetting {
            var: "GOWORK",
            value: setting.value.clone(),
            origin: origin_text(&setting.origin),
            problem: "not an absolute path (Go accepts off, auto or an absolute path)".to_owned(),
        }),
    }
}

type Found = Option<(Spec, Reason)>;

/// Rule 3: walk up to the nearest directory holding a project file.
fn project(inputs: &Inputs, trace: &mut Trace) -> Result<Found, SelectError> {
    let mode = work_mode(&inputs.go)?;
    inputs.cwd_ok()?;
    trace.note(|| format!("3. project files, walking up from {}", inputs.cwd.display()));
    let mut dir = inputs.cwd.as_path();
    // Go's go.work search never climbs into a GOROOT from below.
    let mut work_visible = true;
    loop {
        let path = dir.join(".go-version");
        if let Some(text) = read_optional(&path)? {
            return go_version_file(&path, &text, trace).map(Some);
        }
        let path = dir.join(".tool-versions");
        if let Some(text) = read_optional(&path)? {
            match tool_versions_file(&path, &text, trace)? {
                Some(found) => return Ok(Some(found)),
                None => trace.note(|| format!("   {}: no golang line, skipped", path.display())),
            }
        }
        let work = dir.join("go.work");
        if matches!(mode, WorkMode::Search) && work_visible && is_file(&work) {
            return mod_file(&work, Source::GoWork, trace);
        }
        let module = dir.join("go.mod");
        if is_file(&module) {
            let governing = match &mode {
                WorkMode::Off => None,
                WorkMode::File(file) => is_file(file).then(|| file.clone()),
                WorkMode::Search => find_work_above(dir, &inputs.root, work_visible),
            };
            return match governing {
                Some(work) => {
                    trace.note(|| {
                        format!(
                            "   {}: governed by the workspace {}",
                            module.display(),
                            work.display()
                        )
                    });
                    mod_file(&work, Source::GoWork, trace)
                }
                // Go finds no module at all when go.mod sits directly in the system temp
                // folder (and does not look further up): no project requirement.
                None if dir == inputs.temp_dir => {
                    trace.note(|| {
                        format!(
                            "   {}: ignored, as Go ignores a go.mod in the system temp folder; no project requirement",
                            module.display()
                        )
                    });
                    Ok(None)
                }
                None => mod_file(&module, Source::GoMod, trace),
            };
        }
        let Some(parent) = dir.parent() else { break };
        if inputs.root.is_version_dir(parent) {
            work_visible = false;
        }
        dir = parent;
    }
    // With no project file at all, an absolute GOWORK still names the workspace, as in Go.
    if let WorkMode::File(file) = &mode
        && is_file(file)
    {
        return mod_file(file, Source::GoWork, trace);
    }
    trace.note(|| "   no project file found".to_owned());
    Ok(None)
}

/// The file whose `go` line the go command itself enforces here: the go.work it uses (GOWORK
/// honoured, the search stopping at a GOROOT), else the nearest go.mod (none directly in the
/// system temp folder). `doctor` asks this, so it agrees with selection on every corner.
pub fn go_command_file(inputs: &Inputs) -> Result<Option<PathBuf>, SelectError> {
    let mode = work_mode(&inputs.go)?;
    inputs.cwd_ok()?;
    let cwd = inputs.cwd.as_path();
    match &mode {
        WorkMode::Off => {}
        WorkMode::File(file) => {
            if is_file(file) {
                return Ok(Some(file.clone()));
            }
        }
        WorkMode::Search => {
            let here = cwd.join("go.work");
            if is_file(&here) {
                return Ok(Some(here));
            }
            if let Some(work) = find_work_above(cwd, &inputs.root, true) {
                return Ok(Some(work));
            }
        }
    }
    for dir in cwd.ancestors() {
        let module = dir.join("go.mod");
        if is_file(&module) {
            return Ok((dir != inputs.temp_dir).then_some(module));
        }
    }
    Ok(None)
}

/// The go.work in an ancestor of a go.mod's directory that governs it, as Go finds it.
fn find_work_above(module_dir: &Path, root: &Root, mut visible: bool) -> Option<PathBuf> {
    let mut dir = module_dir;
    while let Some(parent) = dir.parent() {
        if root.is_version_dir(parent) {
            visible = false;
        }
        dir = parent;
        let work = dir.join("go.work");
        if visible && is_file(&work) {
            return Some(work);
        }
    }
    None
}

fn go_version_file(
    path: &Path,
    text: &str,
    trace: &mut Trace,
) -> Result<(Spec, Reason), SelectError> {
    match version_file::parse_go_version(text) {
        Ok(found) => Ok(winner(found, Source::GoVersion, ".go-version", path, trace)),
        Err(error) => Err(spec_file_error(path, error)),
    }
}

fn tool_versions_file(path: &Path, text: &str, trace: &mut Trace) -> Result<Found, SelectError> {
    match version_file::parse_tool_versions(text) {
        Ok(Some(found)) => Ok(Some(winner(
            found,
            Source::ToolVersions,
            "golang line",
            path,
            trace,
        ))),
        Ok(None) => Ok(None),
        Err(error) => Err(spec_file_error(path, error)),
    }
}

/// A spec file that decided: its spec and the reason, noted in the trace.
fn winner(
    found: version_file::Found,
    source: Source,
    label: &str,
    path: &Path,
    trace: &mut Trace,
) -> (Spec, Reason) {
    trace.note(|| {
        format!(
            "   {}:{}: {} (wins)",
            path.display(),
            found.line,
            found.spec
        )
    });
    let reason = file_reason(source, label, path, found.line);
    (found.spec, reason)
}

fn spec_file_error(path: &Path, error: FileError) -> SelectError {
    match error {
        FileError::Empty => SelectError::EmptyFile {
            path: path.to_owned(),
        },
        FileError::BadSpec { line, text } => SelectError::Malformed {
            path: path.to_owned(),
            line,
            text,
            problem: "not a version: expected e.g. 1.22.10, 1.22, 1.23rc1, latest or system"
                .to_owned(),
            hint: format!(
                "fix that line, or rewrite the file with `cd {} && gopin pin 1.22`",
                parent_text(path)
            ),
        },
    }
}

/// Reads a go.mod or go.work and returns the toolchain Go would switch to, if any.
fn mod_file(path: &Path, source: Source, trace: &mut Trace) -> Result<Found, SelectError> {
    let text = small_file::read(path, small_file::MOD_FILE_CAP)
        .map_err(|e| SelectError::from_read(path, e))?
        // Vanished between the walk's look and the read: as good as empty.
        .unwrap_or_default();
    let malformed = |e: gomod::LineError| {
        let hint = if e.problem.contains("language version") {
            format!(
                "write `{}.0` (a release) on line {} of {}",
                e.text,
                e.number,
                path.display()
            )
        } else {
            format!(
                "fix line {} of {} (Go would refuse it too)",
                e.number,
                path.display()
            )
        };
        SelectError::Malformed {
            path: path.to_owned(),
            line: e.number,
            text: e.text,
            problem: e.problem,
            hint,
        }
    };
    let lines = gomod::scan(&text).map_err(malformed)?;
    trace.note(|| {
        let show = |line: &Option<gomod::Line>| match line {
            Some(l) => format!("line {}: {:?}", l.number, l.value),
            None => "none".to_owned(),
        };
        format!(
            "   {}: go {}; toolchain {}",
            path.display(),
            show(&lines.go),
            show(&lines.toolchain)
        )
    });
    match gomod::required_toolchain(&lines).map_err(malformed)? {
        Some((version, decider, line)) => {
            trace.note(|| format!("   {} wins: {version}", decider.label()));
            Ok(Some((
                Spec::Exact(version),
                file_reason(source, decider.label(), path, line),
            )))
        }
        None => {
            trace.note(|| "   no toolchain requirement (no go line, or toolchain default): on to the default".to_owned());
            Ok(None)
        }
    }
}

/// Rule 4: the global default.
fn default(root: &Root, trace: &mut Trace) -> Result<Found, SelectError> {
    let path = root.default_file();
    let Some(spec) = read_default(root)? else {
        trace.note(|| format!("4. default: none ({} does not exist)", path.display()));
        return Ok(None);
    };
    trace.note(|| format!("4. default: {spec} ({})", path.display()));
    Ok(Some((
        spec,
        Reason {
            source: Source::Default,
            label: "default".to_owned(),
            path: Some(path),
            line: None,
        },
    )))
}

/// The global default (`root/default`): `None` when none is set. The one reader of that file,
/// for selection, `gopin default`, listings and guards.
pub fn read_default(root: &Root) -> Result<Option<Spec>, SelectError> {
    let path = root.default_file();
    let Some(text) = read_optional(&path)? else {
        return Ok(None);
    };
    match version_file::parse_go_version(&text) {
        Ok(found) => Ok(Some(found.spec)),
        Err(FileError::Empty) => Err(SelectError::EmptyFile { path }),
        Err(FileError::BadSpec { line, text }) => Err(SelectError::Malformed {
            path,
            line,
            text,
            problem: "not a version: expected e.g. 1.22.10 or system".to_owned(),
            hint: "set the default again with `gopin default 1.22`".to_owned(),
        }),
    }
}

/// A spec file's text, `None` when it does not exist (or is a directory).
fn read_optional(path: &Path) -> Result<Option<String>, SelectError> {
    small_file::read(path, small_file::SPEC_FILE_CAP).map_err(|e| SelectError::from_read(path, e))
}

/// A go.mod or go.work is there (a FIFO or device counts, and is refused when read).
fn is_file(path: &Path) -> bool {
    small_file::exists(path)
}

/// The file's folder, quoted for a hint's `cd`.
fn parent_text(path: &Path) -> String {
    path.parent()
        .map_or_else(String::new, crate::text::quote_path)
}

fn file_reason(source: Source, label: &str, path: &Path, line: usize) -> Reason {
    Reason {
        source,
        label: label.to_owned(),
        path: Some(path.to_owned()),
        line: Some(line),
    }
}

fn env_reason(source: Source, var: &str, value: &str) -> Reason {
    Reason {
        source,
        label: format!("{var}={value} (environment)"),
        path: None,
        line: None,
    }
}

fn setting_reason(var: &str, setting: &Setting) -> Reason {
    match &setting.origin {
        Origin::Environment => env_reason(Source::GoToolchain, var, &setting.value),
        Origin::File(path, line) => Reason {
            source: Source::GoToolchain,
            label: format!("{var}={}", setting.value),
            path: Some(path.clone()),
            line: Some(*line),
        },
    }
}

fn setting_text(var: &str, setting: &Setting) -> String {
    format!("{var}={} ({})", setting.value, origin_text(&setting.origin))
}

fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Environment => "environment".to_owned(),
        Origin::File(path, line) => format!("{}:{line}", path.display()),
    }
}

/// The versions installed under the root, oldest first. Hidden staging folders are skipped.
pub fn installed_versions(root: &Root) -> Vec<Version> {
    let Ok(entries) = std::fs::read_dir(root.versions()) else {
        return Vec::new();
    };
    let mut versions: Vec<Version> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| !name.starts_with('.'))
        .filter_map(|name| Version::parse_toolchain(&name))
        .collect();
    versions.sort();
    versions
}
