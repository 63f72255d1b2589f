//! `gopin upgrade [--latest] [--dry-run]`: rewrite the pin that selects the version here to the
//! newest patch of its minor release (`--latest`: the newest stable release), changing nothing
//! else in the file, and print old → new. Installing is left to the next use (or
//! `gopin install`).
//!
//! The file is written beside itself and renamed into place, and only if it still holds what
//! was read: an edit made meanwhile (an editor saving, `go get`) is never lost.

use crate::ctx::Ctx;
use crate::error::user;
use crate::index::lines;
use crate::output;
use crate::pin_edit::{self, Edited};
use crate::toolchain;
use anyhow::Result;
use gopin_shim::select::select;
use gopin_shim::text as quote;
use gopin_shim::{Report, Source, Spec, Trace};
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Move to the newest stable release, not just the newest patch of the same minor release
    #[arg(long)]
    latest: bool,
    /// Print what would change, and write nothing
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let inputs = toolchain::inputs(ctx)?;
    let selection = select(&inputs, &mut Trace::off())?;
    let reason = selection.reason.clone();
    refuse_variables(reason.source, &reason.to_string())?;
    let version = match &selection.spec {
        Spec::Exact(version) => version.clone(),
        Spec::Fuzzy(fuzzy) => {
            output::info(format_args!(
                "note: {} asks for {fuzzy}, not an exact version: it already follows the newest {fuzzy} installed; nothing to rewrite",
                quote::escape(&reason.to_string())
            ));
            output::info(format_args!(
                "hint: run `gopin install {fuzzy}` to fetch the newest, or `gopin pin {fuzzy}` to pin it exactly"
            ));
            return Ok(());
        }
        Spec::System => {
            output::info(format_args!(
                "note: {} selects the system go, which gopin does not manage; nothing to rewrite",
                quote::escape(&reason.to_string())
            ));
            return Ok(());
        }
    };
    // A GOTOOLCHAIN floor above the pin decides, not the pin.
    let chosen = selection.with_version(version.clone());
    refuse_variables(chosen.reason.source, &chosen.reason.to_string())?;
    if !version.suffix().is_empty() {
        output::info(format_args!(
            "note: {version} is a custom build; gopin leaves it alone ({})",
            quote::escape(&reason.to_string())
        ));
        return Ok(());
    }
    let line = lines::line_of(&version);
    let index = ctx.index(&|index| {
        if args.latest {
            lines::newest_stable(index, &ctx.platform).is_some()
        } else {
            lines::newest_patch(index, &version, &ctx.platform).is_some()
        }
    })?;
    let target = if args.latest {
        lines::newest_stable(&index, &ctx.platform)
    } else {
        lines::newest_patch(&index, &version, &ctx.platform)
    };
    let Some(target) = target else {
        let what = line.map_or_else(|| version.to_string(), |l| l.to_string());
        return Err(user(
            Report::new(format!(
                "the index has no stable release of {what} for {}",
                ctx.platform
            ))
            .detail(format!(
                "selected here: {version} ({})",
                quote::escape(&reason.to_string())
            ))
            .hint("move to the newest stable release with `gopin upgrade --latest`"),
        ));
    };
    if target.go_cmp(&version).is_le() {
        output::info(format_args!(
            "{version} is already the newest {} ({})",
            if args.latest {
                "stable release".to_owned()
            } else {
                format!(
                    "patch of {}",
                    line.map_or_else(|| version.to_string(), |l| l.to_string())
                )
            },
            quote::escape(&reason.to_string())
        ));
        return Ok(());
    }
    let Some(path) = reason.path.clone() else {
        return Err(user(Report::new(format!(
            "cannot tell which file selects {version}"
        ))));
    };
    let text = read(&path)?;
    let edited = match reason.source {
        Source::GoVersion | Source::Default => {
            pin_edit::go_version(&text, reason.line.unwrap_or(1), &target)
        }
        Source::ToolVersions => pin_edit::tool_versions(&text, reason.line.unwrap_or(1), &target),
        Source::GoMod | Source::GoWork => pin_edit::mod_toolchain(&text, &target),
        Source::Env | Source::GoToolchain => unreachable!("refused above"),
    }
    .map_err(|why| {
        user(
            Report::new(format!(
                "cannot rewrite {}",
                quote::escape(&path.display().to_string())
            ))
            .detail(why)
            .hint(format!("edit it by hand to {target}")),
        )
    })?;
    let at = format!(
        "{}:{}",
        quote::escape(&path.display().to_string()),
        edited.line
    );
    let what = describe(reason.source, &edited);
    if args.dry_run {
        output::data(format_args!(
            "{version} → {target} ({what}, {at}; dry run: nothing written)"
        ))?;
        return Ok(());
    }
    crate::pause::point(&ctx.root, "upgrade-write");
    write(&path, text.as_bytes(), edited.text.as_bytes())?;
    output::data(format_args!("{version} → {target} ({what}, {at})"))?;
    if toolchain::installed_goroot(ctx, &target).is_none() {
        output::info(format_args!(
            "{target} installs on first use, or now with `gopin install`"
        ));
    }
    Ok(())
}

fn describe(source: Source, edited: &Edited) -> &'static str {
    match source {
        Source::GoMod | Source::GoWork if edited.old.is_empty() => "toolchain line added",
        Source::GoMod | Source::GoWork => "toolchain line",
        Source::ToolVersions => "golang line",
        Source::Default => "default",
        _ => ".go-version",
    }
}

/// A version chosen by a variable is not gopin's to rewrite.
fn refuse_variables(source: Source, reason: &str) -> Result<()> {
    let var = match source {
        Source::Env => "GOPIN_TOOLCHAIN",
        Source::GoToolchain => "GOTOOLCHAIN",
        _ => return Ok(()),
    };
    Err(user(
        Report::new(format!(
            "the version here is chosen by {var}, not by a file"
        ))
        .detail(format!("selected by: {}", quote::escape(reason)))
        .hint(format!(
            "change or unset {var} (`unset {var}`), then run `gopin upgrade` again"
        )),
    ))
}

fn read(path: &Path) -> Result<String> {
    // The pin was read by selection already; read it again the same bounded way.
    let bytes = read_pin(path)?;
    String::from_utf8(bytes).map_err(|_| {
        user(
            Report::new(format!(
                "{} is not UTF-8 text",
                quote::escape(&path.display().to_string())
            ))
            .hint("edit the version by hand"),
        )
    })
}

/// Writes `new` over `path` if it still holds `old`: through a temporary file beside the real
/// file (links followed), with the same permissions, renamed into place.
fn write(path: &Path, old: &[u8], new: &[u8]) -> Result<()> {
    let shown = quote::escape(&path.display().to_string()).into_owned();
    let real = std::fs::canonicalize(path)
        .map_err(|e| user(Report::new(format!("cannot resolve {shown}: {e}"))))?;
    let meta = std::fs::metadata(&real)
        .map_err(|e| user(Report::new(format!("cannot read {shown}: {e}"))))?;
    if meta.permissions().readonly() {
        return Err(user(
            Report::new(format!("{shown} is read-only; nothing was written")).hint(format!(
                "make it writable (`chmod u+w {}`) and run `gopin upgrade` again",
                quote::quote(&path.display().to_string())
            )),
        ));
    }
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real
        .file_name()
        .map_or_else(|| "pin".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.gopin-{}.tmp", std::process::id()));
    let cannot_write = |e: std::io::Error| {
        user(
            Report::new(format!("cannot write {shown}: {e}")).detail(format!(
                "the new copy goes to {} first",
                quote::escape(&tmp.display().to_string())
            )),
        )
    };
    let result = (|| -> Result<()> {
        {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(cannot_write)?;
            file.write_all(new).map_err(cannot_write)?;
            file.set_permissions(meta.permissions())
                .map_err(cannot_write)?;
            file.sync_all().map_err(cannot_write)?;
        }
        let now = read_pin(&real)?;
        if now != old {
            return Err(user(
                Report::new(format!(
                    "{shown} changed while gopin was upgrading it; nothing was written"
                ))
                .hint("run `gopin upgrade` again"),
            ));
        }
        std::fs::rename(&tmp, &real).map_err(cannot_write)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A pin file's bytes through the one reader of version files (regular, capped, non-blocking).
fn read_pin(path: &Path) -> Result<Vec<u8>> {
    let shown = quote::escape(&path.display().to_string()).into_owned();
    match gopin_shim::small_file::read_bytes(path, gopin_shim::small_file::MOD_FILE_CAP) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(user(Report::new(format!(
            "cannot read {shown}: it is gone"
        )))),
        Err(e) => Err(user(Report::new(format!("cannot read {shown}: {e}")))),
    }
}
