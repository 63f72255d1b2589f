//! `gopin outdated`: for every installed version, the default and the version selected here,
//! the newest patch of its minor release, the newest stable release, whether its minor release
//! is still supported, and the Go vulnerability database's advisories that affect it.
//!
//! The human output is one line a version with the command that fixes it; `--json` is the full
//! detail. When the database cannot be had, the index's patch information is still printed,
//! then the error (exit 1): knowing a newer patch exists is useful on its own.

use crate::ctx::Ctx;
use crate::error::user;
use crate::index::Index;
use crate::index::lines;
use crate::output;
use crate::toolchain;
use crate::vulndb;
use crate::vulndb::osv::Finding;
use anyhow::Result;
use gopin_shim::text as quote;
use gopin_shim::{Choice, Report, SelectError, Source, Trace, Version, installed_versions};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the full detail as JSON: [{"version","used_by","newest_patch","advisories",...}]
    #[arg(long)]
    json: bool,
    /// Exit 1 when a listed version has an advisory fixed in a newer patch of its minor release
    #[arg(long)]
    exit_code: bool,
}

/// A version worth reporting and who uses it.
struct Row {
    version: Version,
    installed: bool,
    default: bool,
    /// Why it is selected here, when it is.
    here: Option<(Source, String)>,
}

pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let rows = rows(ctx);
    if rows.is_empty() {
        output::info("no Go versions installed, set as default or selected here");
        return Ok(());
    }
    let index = ctx.index(&|index| {
        rows.iter()
            .all(|row| lines::newest_patch(index, &row.version, &ctx.platform).is_some())
    });
    let db = vulndb::fetch::load(ctx, false);
    if let Ok(db) = &db {
        db.warn_skipped();
    }
    let index_ref = index.as_ref().ok();
    let db_ref = db.as_ref().ok();
    let mut items = Vec::new();
    let mut patchable = 0;
    for row in &rows {
        let findings = db_ref.map(|db| db.findings(&row.version));
        if findings
            .as_ref()
            .is_some_and(|f| f.iter().any(|f| f.fixed_in_minor.is_some()))
        {
            patchable += 1;
        }
        if args.json {
            items.push(row_json(ctx, row, index_ref, findings.as_deref()));
        } else {
            output::data(row_line(ctx, row, index_ref, findings.as_deref()))?;
        }
    }
    if args.json {
        output::json(&Value::Array(items))?;
    }
    match (index, db) {
        (Err(index_error), db) => {
            if let Err(db_error) = db {
                output::error(&crate::error::report_of(&db_error));
            }
            Err(index_error)
        }
        (Ok(_), Err(db_error)) => Err(db_error),
        (Ok(_), Ok(_)) if args.exit_code && patchable > 0 => Err(user(
            Report::new(format!(
                "{patchable} version(s) have advisories fixed in a newer patch of their minor release"
            ))
            .hint("run `gopin upgrade` in each project (see the lines above for the others)"),
        )),
        _ => Ok(()),
    }
}

/// Installed versions, the default and the version selected here, oldest first, each once.
fn rows(ctx: &Ctx) -> Vec<Row> {
    let installed = installed_versions(&ctx.root);
    let mut rows: Vec<Row> = installed
        .iter()
        .map(|v| Row {
            version: v.clone(),
            installed: true,
            default: false,
            here: None,
        })
        .collect();
    let row_for = |rows: &mut Vec<Row>, version: &Version| -> usize {
        if let Some(at) = rows.iter().position(|r| r.version == *version) {
            return at;
        }
        rows.push(Row {
            version: version.clone(),
            installed: false,
            default: false,
            here: None,
        });
        rows.len() - 1
    };
    if let Some(default) = toolchain::default_version(ctx) {
        let at = row_for(&mut rows, &default);
        rows[at].default = true;
    }
    match toolchain::active(ctx, &mut Trace::off()) {
        Ok(active) => {
            if let Choice::Version(version) = &active.chosen.choice {
                let at = row_for(&mut rows, version);
                rows[at].here = Some((
                    active.chosen.reason.source,
                    active.chosen.reason.to_string(),
                ));
            }
        }
        Err(e) if matches!(e.downcast_ref(), Some(SelectError::NothingSelected { .. })) => {}
        Err(e) => output::warn(format_args!(
            "cannot tell which version is selected here: {}",
            crate::error::report_of(&e).message
        )),
    }
    rows.sort_by(|a, b| {
        a.version
            .go_cmp(&b.version)
            .then_with(|| a.version.cmp(&b.version))
    });
    rows
}

fn used_by(ctx: &Ctx, row: &Row) -> Vec<Value> {
    let mut uses = Vec::new();
    if row.default {
        let reason = format!("default, {}", ctx.root.default_file().display());
        uses.push(json!({"kind": "default", "reason": reason}));
    }
    if let Some((_, reason)) = &row.here {
        uses.push(json!({"kind": "here", "reason": reason}));
    }
    uses
}

fn row_json(
    ctx: &Ctx,
    row: &Row,
    index: Option<&Index>,
    findings: Option<&[Finding<'_>]>,
) -> Value {
    let name = |v: Option<Version>| v.map(|v| v.to_string());
    let advisories = findings.map(|findings| {
        findings
            .iter()
            .map(|f| {
                let a = f.advisory;
                json!({
                    "id": a.id,
                    "aliases": a.aliases,
                    "summary": a.summary,
                    "goos": if a.goos.is_empty() { None } else { Some(&a.goos) },
                    "fixed_in_minor": f.fixed_in_minor.as_ref().map(|v| v.to_go()),
                    "fixed": a.fixed().iter().map(|v| v.to_go()).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>()
    });
    json!({
        "version": row.version.to_string(),
        "installed": row.installed,
        "used_by": used_by(ctx, row),
        "newest_patch": name(index.and_then(|i| lines::newest_patch(i, &row.version, &ctx.platform))),
        "newest_stable": name(index.and_then(|i| lines::newest_stable(i, &ctx.platform))),
        "supported": index.map(|i| lines::supported(i, &row.version, &ctx.platform)),
        "advisories": advisories,
    })
}

/// `go1.22.10 (here: toolchain line, /p/go.mod:5): go1.22.12 is out; 66 advisories, 3 fixed in
/// a newer patch; run `gopin upgrade``
fn row_line(
    ctx: &Ctx,
    row: &Row,
    index: Option<&Index>,
    findings: Option<&[Finding<'_>]>,
) -> String {
    let mut uses = Vec::new();
    if let Some((_, reason)) = &row.here {
        uses.push(format!("here: {}", quote::escape(reason)));
    }
    if row.default {
        uses.push("default".to_owned());
    }
    uses.push(if row.installed {
        "installed".to_owned()
    } else {
        "not installed".to_owned()
    });
    let mut facts = Vec::new();
    let newest_patch = index.and_then(|i| lines::newest_patch(i, &row.version, &ctx.platform));
    let newer_patch = newest_patch
        .as_ref()
        .filter(|p| p.go_cmp(&row.version).is_gt());
    let supported = index.map(|i| lines::supported(i, &row.version, &ctx.platform));
    let line =
        lines::line_of(&row.version).map_or_else(|| row.version.to_string(), |l| l.to_string());
    match (index, newer_patch) {
        (None, _) => facts.push("newest patch unknown".to_owned()),
        (Some(_), Some(patch)) => facts.push(format!("{patch} is out")),
        (Some(_), None) => facts.push("newest patch".to_owned()),
    }
    if supported == Some(false) {
        let newest = index.and_then(|i| lines::newest_stable(i, &ctx.platform));
        facts.push(match newest {
            Some(newest) => format!("{line} is no longer supported (newest {newest})"),
            None => format!("{line} is not supported"),
        });
    }
    let patchable = findings.map_or(0, |f| {
        f.iter().filter(|f| f.fixed_in_minor.is_some()).count()
    });
    match findings {
        None => facts.push("advisories unknown".to_owned()),
        Some([]) => facts.push("no advisories".to_owned()),
        Some(all) => facts.push(format!(
            "{} {}, {}",
            all.len(),
            if all.len() == 1 {
                "advisory"
            } else {
                "advisories"
            },
            match patchable {
                0 => format!("none fixed in {line}"),
                n => format!("{n} fixed in a newer patch"),
            }
        )),
    }
    let unfixed_here = findings.is_some_and(|f| f.len() > patchable);
    let fix = if newer_patch.is_some() || patchable > 0 {
        Some(fix_command(row, &line, false))
    } else if supported == Some(false) || unfixed_here {
        Some(fix_command(row, &line, true))
    } else {
        None
    };
    let mut text = format!(
        "{} ({}): {}",
        row.version,
        uses.join("; "),
        facts.join("; ")
    );
    if let Some(fix) = fix {
        text.push_str(&format!("; run `{fix}`"));
    }
    text
}

/// The command that moves this row's users to the newest patch (or the newest release).
fn fix_command(row: &Row, line: &str, latest: bool) -> String {
    let target = if latest { "latest" } else { line };
    match &row.here {
        Some((Source::Env | Source::GoToolchain, _)) => format!("gopin install {target}"),
        Some(_) if latest => "gopin upgrade --latest".to_owned(),
        Some(_) => "gopin upgrade".to_owned(),
        None if row.default => format!("gopin default {target}"),
        None => format!("gopin install {target}"),
    }
}
