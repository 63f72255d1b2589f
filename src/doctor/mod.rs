//! `gopin doctor`: pre-flight checks of PATH, environment, selection, toolchain sources,
//! network, disk and Go module settings. Environments that look fine cost users hours (another
//! `go` ahead on PATH, a stale GOROOT, a GOTOOLCHAIN that makes `go` switch behind gopin, a proxy
//! that breaks TLS, a full disk, a module proxy that does not answer); each check reports pass,
//! warn, fail or info, its evidence, and a hint.

mod advisories;
mod disk;
mod environment;
mod goproxy;
mod modules;
mod network;
mod selection;
mod sources;

use crate::ctx::Ctx;
use serde::Serialize;

/// A check's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Info,
    Warn,
    Fail,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Info => "info",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// `selection`, `path`, `sources`, `network`, `disk` or `modules`.
    pub group: &'static str,
    /// A stable identifier, e.g. `path.shims-first`.
    pub id: &'static str,
    pub status: Status,
    /// One line saying what was found.
    pub summary: String,
    /// The facts behind it.
    pub evidence: Vec<String>,
    /// What to do, with a command, when it is not a pass.
    pub hint: Option<String>,
}

impl Check {
    pub fn new(
        group: &'static str,
        id: &'static str,
        status: Status,
        summary: impl Into<String>,
    ) -> Check {
        Check {
            group,
            id,
            status,
            summary: summary.into(),
            evidence: Vec::new(),
            hint: None,
        }
    }

    pub fn evidence(mut self, line: impl Into<String>) -> Check {
        self.evidence.push(line.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Check {
        self.hint = Some(hint.into());
        self
    }
}

/// What `doctor` was asked to do.
pub struct Options {
    pub offline: bool,
}

/// Runs every check, in the order they are printed.
pub fn run(ctx: &Ctx, options: &Options) -> Vec<Check> {
    let mut checks = Vec::new();
    let selected = selection::check(ctx, &mut checks);
    advisories::check(ctx, selected.as_ref(), options.offline, &mut checks);
    environment::check(ctx, selected.as_ref(), &mut checks);
    let sources = sources::check(ctx, &mut checks);
    network::proxies(&mut checks);
    if options.offline {
        checks.push(Check::new(
            "network",
            "network.skipped",
            Status::Info,
            "network checks skipped (--offline)",
        ));
    } else {
        let index_answered = network::check(ctx, &mut checks);
        // The goproxy source's network is asked when it is in use, or when the index fails
        // (to say whether it would help), never just because it is configured.
        if sources.goproxy_in_use || !index_answered {
            let reached = goproxy::check(ctx, &sources, index_answered, &mut checks);
            goproxy::settle_index(&mut checks, &sources, index_answered, &reached);
        }
    }
    disk::check(ctx, &mut checks);
    modules::check(&mut checks);
    checks
}

/// The human report: groups, one line per check, evidence and hint indented.
pub fn render(checks: &[Check]) -> String {
    let mut out = String::new();
    let mut group = "";
    for check in checks {
        if check.group != group {
            group = check.group;
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(group_title(group));
            out.push('\n');
        }
        out.push_str(&format!(
            "  {:<4}  {}\n",
            check.status.word(),
            check.summary
        ));
        for line in &check.evidence {
            out.push_str(&format!("        {line}\n"));
        }
        if let Some(hint) = &check.hint {
            out.push_str(&format!("        hint: {hint}\n"));
        }
    }
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    out.push_str(&format!(
        "\n{} passed, {} warnings, {} failed, {} notes\n",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Info)
    ));
    out
}

fn group_title(group: &str) -> &'static str {
    match group {
        "selection" => "Selection here",
        "path" => "PATH and environment",
        "sources" => "Toolchain sources",
        "network" => "Network",
        "disk" => "Disk and cache",
        "modules" => "Go module settings",
        _ => "Other",
    }
}

/// Runs `go version` (or `go env NAME`) of a binary with a time limit and GOTOOLCHAIN=local, so a
/// foreign go neither hangs the doctor nor switches toolchains while being asked its version.
pub fn go_output(
    go: &std::path::Path,
    args: &[&str],
    goroot: Option<&std::path::Path>,
) -> Option<String> {
    use std::process::{Command, Stdio};
    let mut command = Command::new(go);
    command
        .args(args)
        .env("GOTOOLCHAIN", "local")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match goroot {
        Some(goroot) => command.env("GOROOT", goroot),
        None => command.env_remove("GOROOT"),
    };
    let mut child = command.spawn().ok()?;
    // Read while it runs: a go that prints more than a pipe holds must not stall until the timeout.
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let text = reader.join().ok()?;
    Some(text.trim().to_owned())
}
