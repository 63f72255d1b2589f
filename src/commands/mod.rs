//! One file per command, each a `run(args, &Ctx)`.

pub mod cache;
pub mod current;
pub mod default;
pub mod exec;
pub mod install;
pub mod link;
pub mod list;
pub mod list_remote;
pub mod pin;
pub mod uninstall;
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
    }
}
