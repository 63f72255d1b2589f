//! One file per command, each a `run(args, &Ctx)`.

pub mod cache;
pub mod completions;
pub mod current;
pub mod default;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod hook;
pub mod init;
pub mod install;
pub mod link;
pub mod list;
pub mod list_remote;
pub mod mirror;
pub mod outdated;
pub mod pin;
pub mod reshim;
pub mod uninstall;
pub mod upgrade;
pub mod use_version;
pub mod which;
pub mod why;

use crate::cli::Command;
use crate::ctx::Ctx;
use anyhow::Result;

pub fn run(command: Command, ctx: &Ctx) -> Result<()> {
    match command {
        Command::Current(args) => current::run(args, ctx),
        Command::Why(args) => why::run(args, ctx),
        Command::Which(args) => which::run(args, ctx),
        Command::Default(args) => default::run(args, ctx),
        Command::Pin(args) => pin::run(args, ctx),
        Command::List(args) => list::run(args, ctx),
        Command::ListRemote(args) => list_remote::run(args, ctx),
        Command::Install(args) => install::run(args, ctx),
        Command::Uninstall(args) => uninstall::run(args, ctx),
        Command::Link(args) => link::run(args, ctx),
        Command::Cache(args) => cache::run(args, ctx),
        Command::Exec(args) => exec::run(args, ctx),
        Command::Env(args) => env::run(args, ctx),
        Command::Use(args) => use_version::run(args, ctx),
        Command::Init(args) => init::run(args, ctx),
        Command::Hook(args) => hook::run(args, ctx),
        Command::Reshim(args) => reshim::run(args, ctx),
        Command::Completions(args) => completions::run(args, ctx),
        Command::Mirror(args) => mirror::run(args, ctx),
        Command::Doctor(args) => doctor::run(args, ctx),
        Command::Outdated(args) => outdated::run(args, ctx),
        Command::Upgrade(args) => upgrade::run(args, ctx),
    }
}
