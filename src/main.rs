//! gopin: parse the command line, run the command, turn errors into reports and exit codes
//! (0 success, 1 failure, 2 usage; clap exits 2 on its own).

mod archive;
mod cli;
mod commands;
mod config;
mod ctx;
mod dirhash;
mod doctor;
mod document;
mod download;
mod error;
mod file_name;
mod form_hash;
mod gosettings;
mod http;
mod index;
mod install;
mod lock;
mod mirror;
mod module_zip;
mod output;
mod pause;
mod pin_edit;
mod platform;
mod progress;
mod retry;
mod shell;
mod shims;
mod source;
mod sumdb;
mod system_go;
mod toolchain;
mod tree_writer;
mod unused;
mod verification;
mod vulndb;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    output::set_quiet(cli.quiet);
    let result = ctx::Ctx::from_env(cli.quiet).and_then(|ctx| commands::run(cli.command, &ctx));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // `gopin ls-remote | head`: the reader left; that is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&error::report_of(&e));
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
