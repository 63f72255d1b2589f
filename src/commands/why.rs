//! `gopin why`: every rule consulted, every file read with its lines, what won, and what the
//! `go` command itself will then do given GOTOOLCHAIN and the go.env settings.

use crate::ctx::Ctx;
use crate::output;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::goenv::{self, Origin, Setting};
use gopin_shim::gotoolchain::{self, GoToolchain};
use gopin_shim::{Choice, Trace};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, ctx: &Ctx) -> Result<()> {
    let mut trace = Trace::on();
    let outcome = toolchain::active(ctx, &mut trace);
    for line in trace.into_lines() {
        output::data(line)?;
    }
    let active = outcome?;
    let reason = &active.chosen.reason;
    output::data(format_args!("=> {} ({reason})", active.name()))?;
    if let (Some(floor), Choice::Version(v)) = (&active.selection.floor, &active.chosen.choice)
        && &floor.0 == v
        && active.selection.reason != *reason
    {
        output::data(format_args!(
            "   raised from {} ({}) by the GOTOOLCHAIN minimum",
            active.selection.spec, active.selection.reason
        ))?;
    }
    for line in go_behaviour(ctx, &active) {
        output::data(line)?;
    }
    Ok(())
}

/// What happens once the shim hands over to the selected `go`.
fn go_behaviour(ctx: &Ctx, active: &toolchain::Active) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(goroot) = &active.goroot else {
        let install = active.version().map_or_else(String::new, |v| {
            format!(": run `gopin install {}`", v.shell_arg())
        });
        lines.push(format!(
            "then: {} is not installed{install}; with GOPIN_AUTO_INSTALL=0 the shim stops here",
            active.name()
        ));
        for (n, source) in crate::source::describe_all(ctx).iter().enumerate() {
            lines.push(format!("      source {}: {source}", n + 1));
        }
        return lines;
    };
    lines.push(format!(
        "then: the shim runs {} with GOROOT={}",
        goroot.join("bin/go").display(),
        goroot.display()
    ));
    if let Some(version) = active.version() {
        let verified = crate::verification::Verification::read(&ctx.root, &version.to_string())
            .map_or_else(
                || "no record (installed by an older gopin, or linked)".to_owned(),
                |record| record.to_string(),
            );
        lines.push(format!("      verified: {verified}"));
    }
    match std::env::var("GOTOOLCHAIN").ok().filter(|v| !v.is_empty()) {
        None => {
            lines.push(
                "      and GOTOOLCHAIN=local, so go runs as is and never switches to another toolchain"
                    .to_owned(),
            );
            let settings = goenv::read(&|key| std::env::var(key).ok());
            if let Some(Setting {
                value,
                origin: Origin::File(file, line),
            }) = settings.gotoolchain
            {
                lines.push(format!(
                    "      (GOTOOLCHAIN={value} at {}:{line} is overridden by that)",
                    file.display()
                ));
            }
        }
        Some(value) => {
            let effect = match gotoolchain::parse(&value) {
                Ok(GoToolchain::NoEffect) if value == "local" => "go runs as is".to_owned(),
                Ok(GoToolchain::Exact(_)) => "go runs exactly that toolchain (gopin selected it too)".to_owned(),
                Ok(_) => "go may switch to a newer toolchain when a go.mod or go.work asks for more; it first looks for goX.Y.Z on PATH (gopin's shims folder has one per installed version), then downloads".to_owned(),
                Err(problem) => format!("go will refuse it: {problem}"),
            };
            lines.push(format!(
                "      and passes on your GOTOOLCHAIN={value}: {effect}"
            ));
        }
    }
    if let Ok(text) = std::fs::read_to_string(goroot.join("go.env"))
        && let Some(line) = text.lines().find(|l| l.starts_with("GOTOOLCHAIN="))
    {
        lines.push(format!(
            "      ({}/go.env sets {line}; the environment overrides it)",
            goroot.display()
        ));
    }
    lines
}
