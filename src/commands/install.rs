//! `gopin install [SPEC...]`: install versions (a fuzzy spec resolves against the index, so
//! `install 1.22` fetches the newest 1.22.x even when an older one is installed); no spec: the
//! version selected here; `--archive FILE`: a local archive, verified before it is unpacked.

use crate::ctx::Ctx;
use crate::error::user;
use crate::index::Index;
use crate::install::{self, Options, Outcome};
use crate::output;
use crate::toolchain;
use anyhow::Result;
use gopin_shim::{Choice, Report, Spec, Trace, Version};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Versions to install (1.22.10, 1.22, latest); none: the version selected here
    specs: Vec<String>,
    /// Install this local archive (go1.22.10.linux-amd64.tar.gz) instead of downloading
    #[arg(long, value_name = "FILE", conflicts_with = "specs")]
    archive: Option<PathBuf>,
    /// The archive's version, when its file name does not say it
    #[arg(long = "version", value_name = "VERSION", requires = "archive")]
    archive_version: Option<String>,
    /// The archive's SHA-256, to verify it without the index (offline)
    #[arg(long, value_name = "HEX", requires = "archive")]
    sha256: Option<String>,
    /// Reinstall even when installed
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let mut options = Options::new(ctx);
    options.force = args.force;
    if let Some(file) = &args.archive {
        return install_archive(
            ctx,
            file,
            args.archive_version.as_deref(),
            args.sha256.as_deref(),
            args.force,
        );
    }
    let versions = if args.specs.is_empty() {
        vec![selected_here(ctx)?]
    } else {
        args.specs
            .iter()
            .map(|text| resolve(ctx, text))
            .collect::<Result<Vec<_>>>()?
    };
    let mut failed = 0;
    for version in &versions {
        match install::install(ctx, version, &options) {
            Ok(Outcome::AlreadyInstalled) => {
                output::info(format_args!("{version} is already installed"))
            }
            Ok(Outcome::Installed) => {}
            Err(e) if versions.len() > 1 => {
                output::error(&crate::error::report_of(&e));
                failed += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if failed > 0 {
        return Err(user(Report::new(format!(
            "{failed} of {} installs failed",
            versions.len()
        ))));
    }
    Ok(())
}

fn resolve(ctx: &Ctx, text: &str) -> Result<Version> {
    match toolchain::parse_spec(text)? {
        Spec::Exact(version) => Ok(version),
        Spec::Fuzzy(fuzzy) => toolchain::newest_available(ctx, &fuzzy),
        Spec::System => Err(system_error()),
    }
}

fn selected_here(ctx: &Ctx) -> Result<Version> {
    let active = toolchain::active(ctx, &mut Trace::off())?;
    match active.chosen.choice {
        Choice::Version(version) => {
            output::info(format_args!(
                "{version} is selected here ({})",
                active.chosen.reason
            ));
            Ok(version)
        }
        Choice::System => Err(system_error()),
    }
}

fn system_error() -> anyhow::Error {
    user(
        Report::new("`system` is the go on PATH; gopin does not install it")
            .hint("install a release instead, e.g. `gopin install 1.22`"),
    )
}

fn install_archive(
    ctx: &Ctx,
    file: &Path,
    version: Option<&str>,
    sha256: Option<&str>,
    force: bool,
) -> Result<()> {
    let filename = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let version = match version {
        Some(text) => match toolchain::parse_spec(text)? {
            Spec::Exact(v) => v,
            _ => {
                return Err(user(
                    Report::new(format!("--version needs an exact version, not {text:?}"))
                        .hint("e.g. `--version 1.22.10`"),
                ));
            }
        },
        None => version_from_filename(filename).ok_or_else(|| {
            user(
                Report::new(format!(
                    "cannot tell the version from the file name {filename:?}"
                ))
                .hint("name it like go1.22.10.linux-amd64.tar.gz, or pass `--version 1.22.10`"),
            )
        })?,
    };
    if !file.is_file() {
        return Err(user(
            Report::new(format!("{} does not exist", file.display()))
                .hint("pass the path of a downloaded Go archive"),
        ));
    }
    let sha256 = match sha256 {
        Some(hex) if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            hex.to_ascii_lowercase()
        }
        Some(hex) => {
            return Err(user(
                Report::new(format!("invalid --sha256 {hex:?}"))
                    .hint("pass the 64 hex digits of the archive's SHA-256"),
            ));
        }
        None => sha_from_index(ctx, filename, &version)?,
    };
    match install::install_archive(ctx, file, &version, &sha256, force)? {
        Outcome::AlreadyInstalled => output::info(format_args!(
            "{version} is already installed (--force reinstalls)"
        )),
        Outcome::Installed => {}
    }
    Ok(())
}

/// The index's SHA-256 for the archive: by its file name, or else by its version for this
/// platform (a renamed file given `--version`).
fn sha_from_index(ctx: &Ctx, filename: &str, version: &Version) -> Result<String> {
    let lookup = |index: &Index| -> Option<String> {
        let by_name = index
            .releases
            .iter()
            .flat_map(|r| &r.files)
            .find(|f| f.filename == filename);
        let file = by_name.or_else(|| index.find(version, &ctx.platform).map(|a| a.archive))?;
        (!file.sha256.is_empty()).then(|| file.sha256.clone())
    };
    let index = ctx.index(&|index| lookup(index).is_some())?;
    lookup(&index).ok_or_else(|| {
        user(
            Report::new(format!(
                "the index lists no SHA-256 for {filename} ({version})"
            ))
            .hint(format!(
                "pass the checksum yourself: `gopin install --archive {} --sha256 HEX`",
                gopin_shim::text::quote(filename)
            )),
        )
    })
}

/// `go1.22.10.linux-amd64.tar.gz` -> go1.22.10.
fn version_from_filename(name: &str) -> Option<Version> {
    install::parse_archive_name(name).map(|(version, _)| version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_archive_names() {
        let rows = [
            ("go1.22.10.linux-amd64.tar.gz", Some("go1.22.10")),
            ("go1.20.linux-armv6l.tar.gz", Some("go1.20")),
            ("go1.21rc2.windows-amd64.zip", Some("go1.21rc2")),
            ("go1.22.10.src.tar.gz", None),
            ("go1.22.10.linux-amd64.pkg", None),
            ("mygo.tar.gz", None),
            ("go1.22.x.linux-amd64.tar.gz", None),
        ];
        for (name, want) in rows {
            assert_eq!(
                version_from_filename(name)
                    .map(|v| v.to_string())
                    .as_deref(),
                want,
                "{name}"
            );
        }
    }
}
