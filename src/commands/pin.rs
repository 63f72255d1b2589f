//! `gopin pin SPEC` / `gopin pin --unset`: write (or remove) `.go-version` here, always with an
//! exact version and no `go` prefix, so every machine runs the same toolchain.

use crate::ctx::Ctx;
use crate::index::cache::write_atomic;
use crate::output;
use crate::toolchain;
use anyhow::{Context, Result};
use gopin_shim::select::working_dir;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version to pin (1.22.10, 1.22, latest, system)
    #[arg(required_unless_present = "unset")]
    spec: Option<String>,
    /// Remove .go-version from this directory
    #[arg(long, conflicts_with = "spec")]
    unset: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let path = working_dir()?.join(".go-version");
    let Some(text) = args.spec else {
        match std::fs::remove_file(&path) {
            Ok(()) => output::info(format_args!("removed {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                output::info(format_args!("no {} to remove", path.display()))
            }
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
        return Ok(());
    };
    let spec = toolchain::parse_spec(&text)?;
    let line = match toolchain::resolve_spec(ctx, &spec)? {
        Some(version) => toolchain::exact_text(&version),
        None => "system".to_owned(),
    };
    write_atomic(&path, format!("{line}\n").as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    output::info(format_args!("pinned {line} in {}", path.display()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopin_shim::{Spec, Version};

    #[test]
    fn exact_text_reads_back_the_same() {
        for (name, want) in [
            ("go1.22.10", "1.22.10"),
            ("go1.20", "1.20.0"),
            ("go1.9", "1.9.0"),
            ("go1.21rc2", "1.21rc2"),
            ("go1.22.4-custom", "1.22.4-custom"),
            ("go1.20-custom", "1.20-custom"),
        ] {
            let version = Version::parse_toolchain(name).unwrap();
            assert_eq!(toolchain::exact_text(&version), want);
            let back = Spec::parse(want).unwrap();
            assert_eq!(
                back.exact().map(|v| v.to_string()),
                Some(name.to_owned()),
                "{want} reads back as {name}"
            );
        }
    }
}
