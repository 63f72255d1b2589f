//! `gopin use SPEC` / `gopin use --unset`: this shell only. Prints the command that sets (or
//! unsets) `GOPIN_TOOLCHAIN` to the exact version; the `gopin` shell function from `gopin
//! init` evaluates it. Without the integration it says how to evaluate it by hand.

use crate::ctx::Ctx;
use crate::install;
use crate::output;
use crate::shell::Shell;
use crate::toolchain;
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The version for this shell (1.22.10, 1.22, latest, system)
    #[arg(required_unless_present = "unset")]
    spec: Option<String>,
    /// Go back to the files and the default
    #[arg(long, conflicts_with = "spec")]
    unset: bool,
    /// The shell to print for (default: from $SHELL)
    #[arg(long, value_enum)]
    shell: Option<Shell>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    // The integration says which syntax the running shell needs; $SHELL is only the login shell.
    let integration = std::env::var("GOPIN_SHELL_INTEGRATION").ok();
    let from_integration = match integration.as_deref() {
        Some("fish") => Some(Shell::Fish),
        Some(_) => Some(Shell::Sh),
        None => None,
    };
    let shell = args
        .shell
        .or(from_integration)
        .unwrap_or_else(Shell::from_env);
    let line = match &args.spec {
        None => shell.unset("GOPIN_TOOLCHAIN"),
        Some(text) => {
            let spec = toolchain::parse_spec(text)?;
            let value = match toolchain::resolve_spec(ctx, &spec)? {
                Some(version) => {
                    install::ensure(ctx, &version, None)?;
                    toolchain::exact_text(&version)
                }
                None => "system".to_owned(),
            };
            shell.export("GOPIN_TOOLCHAIN", &value)
        }
    };
    output::data(&line)?;
    if integration.is_none() {
        let rc = match shell {
            Shell::Fish => {
                "add `gopin init fish | source` to ~/.config/fish/config.fish".to_owned()
            }
            other => format!(
                "add `eval \"$(gopin init {})\"` to your shell's rc file",
                other.name()
            ),
        };
        output::info(format_args!(
            "note: gopin's shell integration is not set up, so this shell did not change; run `eval \"$(gopin use ...)\"`, or {rc}"
        ));
    }
    Ok(())
}
