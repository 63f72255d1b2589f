//! Doctor: where toolchains come from. `GOPIN_SOURCE`'s sources in order, and for the
//! `goproxy` source, whether or not it is in use, Go's settings as gopin reads them (GOPROXY's
//! entries, the checksum database GOSUMDB names) and the tree head kept for that database. All
//! of it is read from the environment, the go env file and gopin's root, so `--offline` shows
//! it too; the proxies and the database are probed by `goproxy.rs`.
//!
//! A setting that would make the goproxy source refuse every toolchain fails only when the
//! source is in use: GOSUMDB=off is common for private modules, and the index never reads it.

use super::{Check, Status};
use crate::config::SumdbCheck;
use crate::ctx::Ctx;
use crate::gosettings::{Checking, GoSettings, Proxy, SumdbConfig, TOOLCHAIN_ORIGIN};
use crate::source::Kind;
use crate::sumdb::client::Client;
use crate::sumdb::database::Database;
use gopin_shim::Report;

const GROUP: &str = "sources";

/// What the source checks found, for the network checks after them.
pub struct Sources {
    pub index_in_use: bool,
    pub goproxy_in_use: bool,
    /// Go's settings, when they can be read.
    pub settings: Option<GoSettings>,
    /// The database toolchains are checked against, when there is one.
    pub database: Option<SumdbConfig>,
}

pub fn check(ctx: &Ctx, checks: &mut Vec<Check>) -> Sources {
    let kinds = &ctx.config.sources;
    let goproxy_in_use = kinds.contains(&Kind::Goproxy);
    let mut sources = Sources {
        index_in_use: kinds.contains(&Kind::Index),
        goproxy_in_use,
        settings: None,
        database: None,
    };
    checks.push(order(ctx));

    let settings = match GoSettings::read() {
        Ok(settings) => settings,
        Err(e) => {
            let status = if goproxy_in_use {
                Status::Fail
            } else {
                Status::Warn
            };
            checks.push(from_report(
                "sources.goproxy",
                status,
                crate::error::report_of(&e),
            ));
            return sources;
        }
    };
    checks.push(goproxy(&settings, goproxy_in_use));
    let (check, database) = gosumdb(&settings, goproxy_in_use);
    checks.push(check);
    if let Some(config) = &database {
        checks.push(kept_head(ctx, &settings, config, goproxy_in_use));
    }
    sources.settings = Some(settings);
    sources.database = database;
    sources
}

/// `sources.order`: GOPIN_SOURCE, each source described.
fn order(ctx: &Ctx) -> Check {
    let kinds = &ctx.config.sources;
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let set = std::env::var("GOPIN_SOURCE").is_ok_and(|v| !v.is_empty());
    let summary = if set {
        format!("sources: {} (GOPIN_SOURCE)", names.join(", then "))
    } else {
        format!(
            "sources: {} (GOPIN_SOURCE is not set)",
            names.join(", then ")
        )
    };
    let mut check = Check::new(GROUP, "sources.order", Status::Info, summary);
    for (n, kind) in kinds.iter().enumerate() {
        check = check.evidence(format!("{}. {}", n + 1, kind.describe(ctx)));
    }
    if kinds.contains(&Kind::Index) {
        let mode = ctx.config.sumdb_check;
        let set = std::env::var("GOPIN_SUMDB_CHECK").is_ok_and(|v| !v.is_empty());
        check = check.evidence(match mode {
            SumdbCheck::Off => format!(
                "archives from the index are trusted on the index's SHA-256 alone \
                 (GOPIN_SUMDB_CHECK={})",
                mode.name()
            ),
            _ => format!(
                "archives from the index (go1.21.0 and later) are cross-checked against Go's \
                 checksum database (GOPIN_SUMDB_CHECK={}{})",
                mode.name(),
                if set { "" } else { ", the default" }
            ),
        });
    }
    if !kinds.contains(&Kind::Goproxy) {
        check = check.evidence(
            "goproxy (a Go module proxy, checked by Go's checksum database) is not used; \
             GOPIN_SOURCE=index,goproxy adds it",
        );
    }
    check
}

/// `sources.goproxy`: GOPROXY's entries as the goproxy source walks them.
fn goproxy(settings: &GoSettings, in_use: bool) -> Check {
    let entries = settings.goproxy.value.entries();
    let usable = entries
        .iter()
        .take_while(|e| e.base_url().is_some())
        .count();
    let mut check = if usable == 0 {
        let check = Check::new(
            GROUP,
            "sources.goproxy",
            if in_use { Status::Fail } else { Status::Info },
            format!("{} allows no module proxy", settings.goproxy.describe()),
        );
        if in_use {
            check.hint(
                "set GOPROXY to a module proxy (`go env -w GOPROXY=https://proxy.golang.org,direct`), \
                 or `export GOPIN_SOURCE=index`",
            )
        } else {
            check
        }
    } else {
        Check::new(
            GROUP,
            "sources.goproxy",
            Status::Info,
            settings.goproxy.describe(),
        )
    };
    for (n, entry) in entries.iter().enumerate() {
        let more = n + 1 < entries.len();
        check = check.evidence(match entry {
            Proxy::Url { url, .. } if !more => format!("proxy {url}"),
            Proxy::Url { url, .. } if entry.falls_back_on_error() => {
                format!("proxy {url} (`|`: any error passes to the next)")
            }
            Proxy::Url { url, .. } => {
                format!("proxy {url} (`,`: only 404 or 410 passes to the next)")
            }
            Proxy::Direct => format!("direct: {TOOLCHAIN_ORIGIN}, golang.org/toolchain's origin"),
            Proxy::Off => "off: nothing is asked past this point".to_owned(),
        });
    }
    let gomodcache = &settings.gomodcache;
    check.evidence(match &gomodcache.value {
        Some(dir) => format!(
            "GOMODCACHE {} (from {}): toolchains the go command downloaded there are reused, \
             never written",
            dir.display(),
            gomodcache.source
        ),
        None => "no GOMODCACHE: no download of the go command to reuse".to_owned(),
    })
}

/// `sources.gosumdb`: the database toolchains are checked against, or why there is none.
fn gosumdb(settings: &GoSettings, in_use: bool) -> (Check, Option<SumdbConfig>) {
    const ID: &str = "sources.gosumdb";
    match settings.toolchain_checking() {
        Ok(Checking::Database(config)) => {
            let way = match &config.url {
                Some(url) => format!("reached at {url}, the URL in GOSUMDB (no proxy)"),
                None => format!(
                    "reached through the first GOPROXY proxy whose /sumdb/{}/supported answers, \
                     else at {}",
                    config.name,
                    config.direct_url()
                ),
            };
            let check = Check::new(
                GROUP,
                ID,
                Status::Info,
                format!(
                    "checksum database {} ({})",
                    config.name,
                    settings.gosumdb.describe()
                ),
            )
            .evidence(format!("key {}", config.key.encode()))
            .evidence(way);
            (check, Some(config))
        }
        Ok(Checking::Unchecked { why }) => {
            let check = Check::new(
                GROUP,
                ID,
                if in_use { Status::Warn } else { Status::Info },
                format!("toolchains from GOPROXY are installed unchecked: {why}"),
            )
            .evidence("no checksum database vouches for them, as Go allows for one file:// GOPROXY")
            .hint(
                "unset GOSUMDB and GONOSUMDB (or `go env -u` them) so that Go's checksum \
                 database checks each toolchain",
            );
            (check, None)
        }
        Err(e) => {
            let mut report = crate::error::report_of(&e);
            if !in_use {
                // Nothing to fix while the source is unused: GOSUMDB=off may be on purpose.
                report.details.push(
                    "the goproxy source is not in GOPIN_SOURCE, so nothing is refused now"
                        .to_owned(),
                );
                report.hint = None;
            }
            let status = if in_use { Status::Fail } else { Status::Info };
            (from_report(ID, status, report), None)
        }
    }
}

/// `sources.sumdb-head`: the tree head kept for the database, the state every newer head
/// must extend.
fn kept_head(ctx: &Ctx, settings: &GoSettings, config: &SumdbConfig, in_use: bool) -> Check {
    const ID: &str = "sources.sumdb-head";
    let client = Client::new(
        ctx,
        Database::new(config, &settings.goproxy.value),
        settings.gomodcache.value.as_deref(),
    );
    let path = client.latest_path().display().to_string();
    match client.kept_head() {
        Ok(Some(head)) => Check::new(
            GROUP,
            ID,
            Status::Info,
            format!("kept tree head of {}: size {}", config.name, head.size()),
        )
        .evidence(format!("root {}", head.root()))
        .evidence(path),
        Ok(None) => Check::new(
            GROUP,
            ID,
            Status::Info,
            format!("no tree head of {} kept yet", config.name),
        )
        .evidence(format!(
            "the first toolchain verified through it keeps one in {path}"
        )),
        Err(e) => {
            let status = if in_use { Status::Fail } else { Status::Warn };
            from_report(ID, status, e.report())
        }
    }
}

/// A check saying what an error report says.
fn from_report(id: &'static str, status: Status, report: Report) -> Check {
    let mut check = Check::new(GROUP, id, status, report.message);
    for line in report.details {
        check = check.evidence(line);
    }
    match report.hint {
        Some(hint) => check.hint(hint),
        None => check,
    }
}
