//! The command line: one subcommand per file under `commands/`.

use crate::commands;
use clap::{Parser, Subcommand};

/// Install Go toolchains and run the right one in every directory.
///
/// gopin picks the Go version for a directory from GOPIN_TOOLCHAIN, GOTOOLCHAIN, the nearest
/// .go-version, .tool-versions, go.work or go.mod, and the default, the same way everywhere.
#[derive(Debug, Parser)]
#[command(
    name = "gopin",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print no informational messages (data, warnings and errors still print)
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Install Go versions (none given: the one selected here)
    // `--version` names the version of an `--archive` here, as the product spec asks.
    #[command(disable_version_flag = true)]
    Install(commands::install::Args),
    /// Remove installed versions (--unused: every version nothing uses)
    Uninstall(commands::uninstall::Args),
    /// Show the Go version selected here and why
    Current(commands::current::Args),
    /// Explain the whole decision: each rule, each file read, what won, what go will do
    Why(commands::why::Args),
    /// Print the path of the go binary (or another tool) that runs here
    Which(commands::which::Args),
    /// Show or set the global default version
    Default(commands::default::Args),
    /// Write the exact version to .go-version in this directory, or remove it
    Pin(commands::pin::Args),
    /// List installed versions, marking the default and the one selected here
    #[command(visible_alias = "ls")]
    List(commands::list::Args),
    /// List the versions in the download index that have an archive for this platform
    #[command(name = "list-remote", visible_alias = "ls-remote")]
    ListRemote(commands::list_remote::Args),
    /// Run a command with a Go version first on PATH (default: the one selected here)
    Exec(commands::exec::Args),
    /// Print the exports (GOROOT, PATH) for the version selected here, for eval in CI
    Env(commands::env::Args),
    /// Use a version in this shell only (needs `gopin init`)
    Use(commands::use_version::Args),
    /// Print the shell integration: shims on PATH, the gopin function, the cd hook
    Init(commands::init::Args),
    /// The cd hook's question: did the selection change? (called by the shell integration)
    #[command(hide = true)]
    Hook(commands::hook::Args),
    /// Recreate the shims (go, gofmt, one goX.Y.Z per installed version)
    Reshim(commands::reshim::Args),
    /// Print a completion script
    Completions(commands::completions::Args),
    /// Register an existing Go tree (a custom build) as a version
    Link(commands::link::Args),
    /// Copy verified archives and an index.json (or, with --goproxy, a Go module proxy) into a
    /// folder: a static mirror to serve
    Mirror(commands::mirror::Args),
    /// Check PATH, environment, selection, network, disk and Go settings before a build does
    Doctor(commands::doctor::Args),
    /// Manage downloads and cached indexes
    Cache(commands::cache::Args),
    /// Newer patches and known vulnerabilities of the versions installed and in use
    Outdated(commands::outdated::Args),
    /// Rewrite the pin here to the newest patch (--latest: the newest release)
    Upgrade(commands::upgrade::Args),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
