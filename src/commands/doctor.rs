//! `gopin doctor`: pre-flight checks; exit 1 when any check fails (with `--strict`, when any
//! warns). The report is data, so it goes to stdout; `--json` gives a stable schema.

use crate::ctx::Ctx;
use crate::doctor::{self, Status};
use crate::error::user;
use crate::output;
use anyhow::Result;
use gopin_shim::Report;
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Skip the network checks
    #[arg(long)]
    offline: bool,
    /// Print {"checks":[{"group","id","status","summary","evidence","hint"}],"summary":{...}}
    #[arg(long)]
    json: bool,
    /// Warnings fail too
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let checks = doctor::run(
        ctx,
        &doctor::Options {
            offline: args.offline || ctx.config.offline,
        },
    );
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let (failed, warned) = (count(Status::Fail), count(Status::Warn));
    if args.json {
        output::json(&json!({
            "checks": checks,
            "summary": {
                "pass": count(Status::Pass),
                "info": count(Status::Info),
                "warn": warned,
                "fail": failed,
                "ok": failed == 0 && (!args.strict || warned == 0),
            },
        }))?;
    } else {
        output::data(doctor::render(&checks).trim_end())?;
    }
    if failed > 0 || (args.strict && warned > 0) {
        let what = if failed > 0 {
            format!("{failed} check(s) failed")
        } else {
            format!("{warned} warning(s) with --strict")
        };
        return Err(user(Report::new(format!("gopin doctor: {what}")).hint(
            "fix what the hints above say, then run `gopin doctor` again",
        )));
    }
    Ok(())
}
