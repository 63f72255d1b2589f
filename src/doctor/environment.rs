//! Doctor: PATH and environment. The shims must come before every other `go` on PATH; a
//! GOROOT in the environment must not point at another toolchain; a GOTOOLCHAIN set in the
//! environment or by `go env -w` may make `go` switch behind gopin's back.

use super::{Check, Status, go_output};
use crate::ctx::Ctx;
use crate::system_go::is_executable;
use crate::toolchain::Active;
use gopin_shim::goenv::{self, Origin};
use gopin_shim::gotoolchain::{self, GoToolchain};
use gopin_shim::text::quote_path;
use std::path::{Path, PathBuf};

const GROUP: &str = "path";

pub fn check(ctx: &Ctx, selected: Option<&Active>, checks: &mut Vec<Check>) {
    checks.push(shims_on_path(ctx));
    checks.push(goroot(selected));
    if let Some(check) = gotoolchain_setting() {
        checks.push(check);
    }
}

/// The shims folder exists and its `go` comes first on PATH.
fn shims_on_path(ctx: &Ctx) -> Check {
    let shims = ctx.root.shims();
    let go_name = format!("go{}", std::env::consts::EXE_SUFFIX);
    if !shims.join(&go_name).exists() {
        return Check::new(
            GROUP,
            "path.shims",
            Status::Warn,
            format!("no shims in {}", shims.display()),
        )
        .hint("create them with `gopin reshim`");
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let is_shims = |dir: &Path| dir == shims || same_dir(dir, &shims);
    let position = dirs.iter().position(|d| is_shims(d));
    let others: Vec<(usize, PathBuf)> = dirs
        .iter()
        .enumerate()
        .filter(|(_, d)| !is_shims(d))
        .map(|(i, d)| (i, d.join(&go_name)))
        .filter(|(_, go)| is_executable(go))
        .collect();
    let describe = |go: &Path| {
        let version =
            go_output(go, &["version"], None).unwrap_or_else(|| "does not run".to_owned());
        format!("{}: {version}", go.display())
    };
    let Some(position) = position else {
        let mut check = Check::new(GROUP, "path.shims", Status::Warn, format!("{} is not on PATH", shims.display()))
            .hint("add `eval \"$(gopin init bash)\"` (or zsh, fish) to your shell's rc file, or use `eval \"$(gopin env)\"` in CI");
        for (_, go) in &others {
            check = check.evidence(format!("go found instead: {}", describe(go)));
        }
        return check;
    };
    let ahead: Vec<&PathBuf> = others
        .iter()
        .filter(|(i, _)| *i < position)
        .map(|(_, go)| go)
        .collect();
    if !ahead.is_empty() {
        let mut check = Check::new(
            GROUP,
            "path.shims",
            Status::Fail,
            "another go comes before gopin's shims on PATH",
        );
        for go in &ahead {
            check = check.evidence(describe(go));
        }
        return check.evidence(format!("shims: {} (PATH entry {})", shims.display(), position + 1)).hint(format!(
            "put the shims first: `export PATH={}:\"$PATH\"` (gopin init does this), or remove {} from PATH",
            quote_path(&shims),
            ahead[0].parent().map_or_else(String::new, |p| p.display().to_string())
        ));
    }
    let mut check = Check::new(
        GROUP,
        "path.shims",
        Status::Pass,
        format!("gopin's shims come first on PATH ({})", shims.display()),
    );
    for (_, go) in &others {
        check = check.evidence(format!("later on PATH: {}", describe(go)));
    }
    check
}

/// A GOROOT in the environment that is not the selected toolchain sends `go` elsewhere.
fn goroot(selected: Option<&Active>) -> Check {
    let Some(value) = std::env::var_os("GOROOT").filter(|v| !v.is_empty()) else {
        return Check::new(
            GROUP,
            "path.goroot",
            Status::Pass,
            "GOROOT is not set (the shim sets it for go)",
        );
    };
    let value = PathBuf::from(value);
    let wanted = selected.and_then(|a| a.goroot.clone());
    match wanted {
        Some(goroot) if same_dir(&goroot, &value) => {
            Check::new(GROUP, "path.goroot", Status::Pass, format!("GOROOT is the selected toolchain ({})", value.display()))
        }
        _ => Check::new(GROUP, "path.goroot", Status::Fail, format!("GOROOT={} is not the selected toolchain", value.display()))
            .evidence(match &wanted {
                Some(goroot) => format!("selected: {}", goroot.display()),
                None => "nothing installed is selected here".to_owned(),
            })
            .hint("unset it (`unset GOROOT`, and remove it from your rc file): the shim sets GOROOT for each go command"),
    }
}

/// GOTOOLCHAIN from the environment or the go env file that lets `go` switch toolchains.
fn gotoolchain_setting() -> Option<Check> {
    let settings = goenv::read(&|key| std::env::var(key).ok());
    let setting = settings.gotoolchain?;
    let (where_, from_env) = match &setting.origin {
        Origin::Environment => ("the environment".to_owned(), true),
        Origin::File(file, line) => (format!("{}:{line}", file.display()), false),
    };
    let value = &setting.value;
    let effect = match gotoolchain::parse(value) {
        Err(problem) => {
            return Some(
                Check::new(
                    GROUP,
                    "path.gotoolchain",
                    Status::Fail,
                    format!("GOTOOLCHAIN={value} ({where_}) is invalid"),
                )
                .evidence(problem)
                .hint(if from_env {
                    "`unset GOTOOLCHAIN`"
                } else {
                    "`go env -u GOTOOLCHAIN`"
                }),
            );
        }
        Ok(GoToolchain::NoEffect) if value == "local" => return None,
        Ok(GoToolchain::Exact(v)) => {
            format!("go runs {v} whatever go.mod says (gopin selects it too)")
        }
        Ok(_) => "go may switch to another toolchain when a go.mod or go.work asks for a newer one"
            .to_owned(),
    };
    let note = if from_env {
        "the shim passes a GOTOOLCHAIN you set on to go".to_owned()
    } else {
        "the shim overrides it with GOTOOLCHAIN=local, but go run any other way reads it".to_owned()
    };
    Some(
        Check::new(
            GROUP,
            "path.gotoolchain",
            Status::Warn,
            format!("GOTOOLCHAIN={value} is set in {where_}"),
        )
        .evidence(effect)
        .evidence(note)
        .hint(if from_env {
            "`unset GOTOOLCHAIN` to let gopin decide"
        } else {
            "`go env -u GOTOOLCHAIN` to let gopin decide"
        }),
    )
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
