//! `gopin completions SHELL`: the completion script (the same files live in `completions/`).

use crate::cli::Cli;
use crate::ctx::Ctx;
use crate::output;
use anyhow::Result;
use clap::CommandFactory;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: Args, _ctx: &Ctx) -> Result<()> {
    output::data(script(args.shell).trim_end())?;
    Ok(())
}

/// The completion script for a shell.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "gopin", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `completions/` must match what the binary generates; `GOPIN_UPDATE_COMPLETIONS=1`
    /// rewrites the files.
    #[test]
    fn committed_completions_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
        for (shell, file) in [
            (clap_complete::Shell::Bash, "gopin.bash"),
            (clap_complete::Shell::Zsh, "_gopin"),
            (clap_complete::Shell::Fish, "gopin.fish"),
        ] {
            let path = dir.join(file);
            let generated = script(shell);
            if std::env::var_os("GOPIN_UPDATE_COMPLETIONS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                committed == generated,
                "{} is out of date: run `GOPIN_UPDATE_COMPLETIONS=1 cargo test completions`",
                path.display()
            );
        }
    }
}
