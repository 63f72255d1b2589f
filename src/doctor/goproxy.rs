//! Doctor: the goproxy source's network, probed like the index. Each GOPROXY proxy's
//! `golang.org/toolchain/@v/list` (DNS, connect, TLS and HTTP timed apart), judged by the walk
//! the source makes along the list (`,` passes on only after 404/410, `|` after any error);
//! then the checksum database: the way to it chosen as the go command chooses it (timed), and
//! its signed `/latest`, checked with GOSUMDB's key and set beside the tree head kept.
//!
//! Asked when the source is in use, or when the index does not answer: then the index check's
//! hint says whether `GOPIN_SOURCE=goproxy` would help.

use super::network::{self, Ask, GROUP};
use super::sources::Sources;
use super::{Check, Status};
use crate::ctx::Ctx;
use crate::gosettings::Proxy;
use crate::source::toolchain_module::{MODULE, releases_for};
use crate::sumdb::client::Client;
use crate::sumdb::database::Database;
use crate::sumdb::tree::SignedTree;
use std::time::Instant;

/// What the goproxy probes found.
pub struct Reached {
    /// The proxy the source would list toolchains from (the first its walk reaches that
    /// answers), when it lists some for this platform.
    pub proxy: Option<String>,
}

/// Probes GOPROXY's proxies and the database. `index_answered`: some index URL answered, so
/// with both sources in GOPIN_SOURCE a failure here is covered.
pub fn check(
    ctx: &Ctx,
    sources: &Sources,
    index_answered: bool,
    checks: &mut Vec<Check>,
) -> Reached {
    let mut reached = Reached { proxy: None };
    let Some(settings) = &sources.settings else {
        return reached;
    };
    // Whatever happens here, the other source in use may cover it; or the source is not in
    // use at all and this only says whether it would help.
    let covered = |check: &mut Check| {
        // A fork stops every install, whatever else answers.
        if check.summary.starts_with("SECURITY ERROR") {
            return;
        }
        if !sources.goproxy_in_use {
            if matches!(check.status, Status::Fail | Status::Warn) {
                demote(
                    check,
                    Status::Info,
                    "the goproxy source is not in GOPIN_SOURCE; asked because the index does not answer",
                );
            }
        } else if check.status == Status::Fail && sources.index_in_use && index_answered {
            demote(
                check,
                Status::Warn,
                "the index, also in GOPIN_SOURCE, answers: installs still work",
            );
        }
    };

    let mut proxy_checks = proxies(ctx, settings.goproxy.value.entries(), &mut reached);
    for check in &mut proxy_checks {
        covered(check);
    }
    checks.extend(proxy_checks);

    if let Some(config) = &sources.database {
        // One try per request, as the other probes make: doctor says what is, without the
        // retry schedule's waits.
        let config_once = crate::config::Config {
            retries: 0,
            ..ctx.config.clone()
        };
        let once = ctx.with_config(config_once);
        let client = Client::new(
            &once,
            Database::new(config, &settings.goproxy.value),
            settings.gomodcache.value.as_deref(),
        );
        let mut check = database(&once, &client);
        covered(&mut check);
        checks.push(check);
    }
    reached
}

/// How one GOPROXY entry answered `@v/list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    Listed,
    /// 404, 410, or no such file: every separator passes on.
    NotFound,
    Failed,
}

/// Where the goproxy source's walk along GOPROXY ends (as `along_proxies` walks it): at the
/// first entry that answers, or at a failure after which its separator passes nothing on.
#[derive(Debug, PartialEq, Eq)]
struct Walk {
    answered: Option<usize>,
    stopped: Option<usize>,
    /// The entries the source asks.
    asked: usize,
}

/// `answers[i]`: entry i's answer and whether `|` follows it (any error passes on).
fn walk(answers: &[(Answer, bool)]) -> Walk {
    for (i, (answer, any_error)) in answers.iter().enumerate() {
        let end = |answered, stopped| Walk {
            answered,
            stopped,
            asked: i + 1,
        };
        match answer {
            Answer::Listed => return end(Some(i), None),
            // After the last entry there is nothing to pass to, whatever the separator.
            Answer::Failed if !any_error && i + 1 < answers.len() => return end(None, Some(i)),
            _ => {}
        }
    }
    Walk {
        answered: None,
        stopped: None,
        asked: answers.len(),
    }
}

/// One `network.goproxy` check per proxy, judged by the source's walk along the list.
fn proxies(ctx: &Ctx, entries: &[Proxy], reached: &mut Reached) -> Vec<Check> {
    let platform = format!("{}-{}", ctx.platform.os, ctx.platform.goarch());
    let mut checks = Vec::new();
    let mut answers = Vec::new();
    let mut bases = Vec::new();
    for entry in entries {
        let Some(base) = entry.base_url() else {
            break;
        };
        let url = format!("{base}/{MODULE}/@v/list");
        let probed = network::probe(
            ctx,
            "network.goproxy",
            "goproxy",
            "GOPROXY",
            &url,
            Ask::Body,
        );
        let mut check = probed.check;
        if *entry == Proxy::Direct {
            check = check.evidence(format!("direct: {base}, golang.org/toolchain's origin"));
        }
        let answer = if check.status == Status::Pass {
            let text = String::from_utf8_lossy(probed.body.as_deref().unwrap_or_default());
            let here = releases_for(&text, &ctx.platform);
            match here.last() {
                Some(newest) => check.summary.push_str(&format!(
                    ", {} toolchain(s) for {platform}, newest {newest}",
                    here.len()
                )),
                None => {
                    let all = text.lines().filter(|l| !l.trim().is_empty()).count();
                    check.status = Status::Warn;
                    check
                        .summary
                        .push_str(&format!(", but it lists no toolchain for {platform}"));
                    check = check
                        .evidence(format!("{all} module version(s) listed, none for {platform}"))
                        .hint("installs through it find no version; check that it mirrors golang.org/toolchain");
                }
            }
            Answer::Listed
        } else if probed.not_found {
            Answer::NotFound
        } else {
            Answer::Failed
        };
        answers.push((answer, entry.falls_back_on_error()));
        bases.push(base.to_owned());
        checks.push(check);
    }
    let walk = walk(&answers);
    for (i, check) in checks.iter_mut().enumerate() {
        let note = if i >= walk.asked {
            if walk.answered.is_some() {
                "a spare: the source asks it only when the entries before it pass on"
            } else {
                "not asked by the source: its walk along GOPROXY stops before it"
            }
        } else if walk.stopped == Some(i) {
            "`,` after it passes on only after 404 or 410: the goproxy source stops here"
        } else if i + 1 == answers.len() {
            continue;
        } else if answers[i].0 == Answer::NotFound {
            "not found: the source passes to the next entry"
        } else if answers[i].0 == Answer::Failed {
            "`|` after it: the source passes to the next entry"
        } else {
            continue;
        };
        check.evidence.push(note.to_owned());
    }
    if let Some(at) = walk.answered {
        // The source lists from this one: a failure before it is passed over, one after it
        // is a spare that does not work.
        for check in checks.iter_mut().filter(|c| c.status == Status::Fail) {
            check.status = Status::Warn;
        }
        if checks[at].status == Status::Pass {
            reached.proxy = Some(bases[at].clone());
        }
    } else if let Some(first) = checks.first_mut() {
        first
            .evidence
            .insert(0, format!("no GOPROXY entry answers for {MODULE}"));
    }
    if let Some(at) = walk.stopped {
        let check = &mut checks[at];
        check.hint = Some(format!(
            "{}; or write `|` after it in GOPROXY so that any error passes to the next entry",
            check.hint.as_deref().unwrap_or("fix it")
        ));
    }
    checks
}

/// `network.sumdb`: the way to the database, timed, and its signed `/latest`.
fn database(ctx: &Ctx, client: &Client) -> Check {
    const ID: &str = "network.sumdb";
    let name = client.database().name().to_owned();
    let started = Instant::now();
    let endpoint = match client.endpoint() {
        Ok(endpoint) => endpoint,
        Err(e) => {
            let report = e.report();
            let mut check = Check::new(GROUP, ID, Status::Fail, report.message).evidence(format!(
                "endpoint {:>7}  no way to it",
                network::ms(started.elapsed())
            ));
            for line in report.details {
                check = check.evidence(line);
            }
            return match report.hint {
                Some(hint) => check.hint(hint),
                None => check,
            };
        }
    };
    let route = format!("endpoint {:>7}  {endpoint}", network::ms(started.elapsed()));
    let url = format!("{}/latest", endpoint.base);
    let probed = network::probe(
        ctx,
        ID,
        &format!("checksum database {name}"),
        "GOSUMDB",
        &url,
        Ask::Body,
    );
    let mut check = probed.check;
    check.evidence.insert(0, route);
    if check.status != Status::Pass {
        return check;
    }
    let body = probed.body.unwrap_or_default();
    let latest = match SignedTree::open(&body, client.database().verifiers()) {
        Ok(latest) => latest,
        Err(e) => {
            check.status = Status::Fail;
            check.summary = format!("checksum database {name}: {url} does not verify");
            return check.evidence(e.to_string()).hint(format!(
                "the tree head is not signed by the key GOSUMDB names for {name}; check GOSUMDB \
                 (`go env GOSUMDB`) and that GOPROXY's proxies serve the real {name}"
            ));
        }
    };
    check.summary = format!(
        "checksum database {name} at {}: tree size {}",
        endpoint.base,
        latest.size()
    );
    check = check.evidence(format!(
        "signed by {name}: size {}, root {}",
        latest.size(),
        latest.root()
    ));
    match client.kept_head() {
        Ok(Some(kept)) if kept.size() == latest.size() && kept.root() != latest.root() => {
            check.status = Status::Fail;
            check.summary = format!(
                "SECURITY ERROR: checksum database {name} signed two different trees of size {}",
                latest.size()
            );
            check
                .evidence(format!(
                    "kept in {}: size {}, root {}",
                    client.latest_path().display(),
                    kept.size(),
                    kept.root()
                ))
                .hint(format!(
                    "keep this output: the two signed tree heads prove that {name} showed \
                     different histories; report it to the database's operators (for \
                     sum.golang.org: https://go.dev/issue/new)"
                ))
        }
        Ok(Some(kept)) if kept.size() <= latest.size() => check.evidence(format!(
            "{} record(s) newer than the kept head (size {}); the next install proves it \
             extends that one",
            latest.size() - kept.size(),
            kept.size()
        )),
        Ok(Some(kept)) => check.evidence(format!(
            "older than the kept head (size {}): this way to the database serves a stale /latest",
            kept.size()
        )),
        // `sources.sumdb-head` says it.
        Ok(None) | Err(_) => check,
    }
}

/// When the index does not answer: whether the goproxy source covers it (both in use), or
/// would (a hint toward `GOPIN_SOURCE=goproxy`). When the index is not in use at all, its
/// failures are only warnings.
pub fn settle_index(
    checks: &mut [Check],
    sources: &Sources,
    index_answered: bool,
    reached: &Reached,
) {
    let refused = sources
        .settings
        .as_ref()
        .is_some_and(|s| s.toolchain_checking().is_err());
    for check in checks.iter_mut().filter(|c| {
        matches!(c.id, "network.index" | "network.download") && c.status == Status::Fail
    }) {
        if !sources.index_in_use {
            demote(
                check,
                Status::Warn,
                "GOPIN_SOURCE does not name the index: only `gopin outdated` and `gopin mirror` read it",
            );
            continue;
        }
        let Some(proxy) = reached.proxy.as_deref() else {
            continue;
        };
        if sources.goproxy_in_use {
            demote(
                check,
                Status::Warn,
                &format!(
                    "the goproxy source, also in GOPIN_SOURCE, answers at {proxy}: installs still work"
                ),
            );
            if check.id == "network.index" && !index_answered {
                check.hint = Some(format!(
                    "{}; or `export GOPIN_SOURCE=goproxy` to stop asking the index first",
                    check.hint.as_deref().unwrap_or("check the network")
                ));
            }
        } else if check.id == "network.index" && !index_answered {
            let then = if refused {
                " once GOSUMDB names a checksum database (see the GOSUMDB check above)"
            } else {
                ""
            };
            check.hint = Some(format!(
                "{}; or, since the module proxy {proxy} answers, `export GOPIN_SOURCE=goproxy` \
                 to install through it{then}",
                check.hint.as_deref().unwrap_or("check the network")
            ));
        }
    }
}

fn demote(check: &mut Check, to: Status, why: &str) {
    check.status = to;
    check.evidence.push(why.to_owned());
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::{Failed, Listed, NotFound};

    #[test]
    fn the_walk_along_goproxy_ends_as_the_source_ends_it() {
        let at = |answered, stopped, asked| Walk {
            answered,
            stopped,
            asked,
        };
        // (answers, `|` after each, where the walk ends)
        let rows: Vec<(Vec<Answer>, Vec<bool>, Walk)> = vec![
            (vec![Listed], vec![false], at(Some(0), None, 1)),
            (
                vec![Listed, Failed],
                vec![false, false],
                at(Some(0), None, 1),
            ),
            // `,`: a failure stops the walk; 404/410 passes on.
            (
                vec![Failed, Listed],
                vec![false, false],
                at(None, Some(0), 1),
            ),
            (
                vec![NotFound, Listed],
                vec![false, false],
                at(Some(1), None, 2),
            ),
            // `|`: any error passes on.
            (
                vec![Failed, Listed],
                vec![true, false],
                at(Some(1), None, 2),
            ),
            (
                vec![Failed, Failed, Listed],
                vec![true, false, false],
                at(None, Some(1), 2),
            ),
            // The list runs out.
            (vec![NotFound, Failed], vec![false, true], at(None, None, 2)),
            (vec![Failed], vec![false], at(None, None, 1)),
            (
                vec![NotFound, Failed],
                vec![false, false],
                at(None, None, 2),
            ),
            (vec![], vec![], at(None, None, 0)),
        ];
        for (answers, bars, want) in rows {
            let input: Vec<(Answer, bool)> = answers.iter().copied().zip(bars).collect();
            assert_eq!(walk(&input), want, "{input:?}");
        }
    }
}
