//! Doctor: known vulnerabilities of the selected version (`selection.advisories`). A warning
//! when a newer patch of the same minor release fixes some, naming the count and
//! `gopin upgrade`; a note when only a newer minor release does; a note, not a failure, when the
//! database cannot be read (the build itself does not need it).

use super::{Check, Status};
use crate::ctx::Ctx;
use crate::toolchain::Active;
use crate::vulndb;
use gopin_shim::Choice;
use gopin_shim::text as quote;

const ID: &str = "selection.advisories";

pub fn check(ctx: &Ctx, selected: Option<&Active>, offline: bool, checks: &mut Vec<Check>) {
    let Some(Choice::Version(version)) = selected.map(|a| &a.chosen.choice) else {
        return;
    };
    let db = match vulndb::fetch::load(ctx, offline) {
        Ok(db) => db,
        Err(e) => {
            let report = crate::error::report_of(&e);
            let mut check = Check::new(
                "selection",
                ID,
                Status::Info,
                format!(
                    "known vulnerabilities of {version} not checked: {}",
                    report.message
                ),
            );
            for line in report.details {
                check = check.evidence(line);
            }
            if let Some(hint) = report.hint {
                check = check.hint(hint);
            }
            checks.push(check);
            return;
        }
    };
    let findings = db.findings(version);
    let patchable: Vec<_> = findings
        .iter()
        .filter(|f| f.fixed_in_minor.is_some())
        .collect();
    let mut check = if let Some(newest_fix) = patchable
        .iter()
        .filter_map(|f| f.fixed_in_minor.as_ref())
        .max()
    {
        Check::new(
            "selection",
            ID,
            Status::Warn,
            format!(
                "{version} has {} known {} fixed in a newer patch (all by {})",
                patchable.len(),
                if patchable.len() == 1 {
                    "vulnerability"
                } else {
                    "vulnerabilities"
                },
                newest_fix.to_go()
            ),
        )
        .hint("`gopin upgrade` (rewrites the pin here to the newest patch)")
    } else if !findings.is_empty() {
        Check::new(
            "selection",
            ID,
            Status::Info,
            format!(
                "{version} has {} known {} fixed only in newer minor releases",
                findings.len(),
                if findings.len() == 1 {
                    "vulnerability"
                } else {
                    "vulnerabilities"
                }
            ),
        )
        .hint("`gopin upgrade --latest` (rewrites the pin here to the newest release)")
    } else {
        Check::new(
            "selection",
            ID,
            Status::Pass,
            format!("no known vulnerabilities in {version}"),
        )
    };
    for finding in &findings {
        let a = finding.advisory;
        let fix = finding.fixed_in_minor.as_ref().map_or_else(
            || "fixed in a newer minor release".to_owned(),
            |f| format!("fixed in {}", f.to_go()),
        );
        let alias = a
            .aliases
            .first()
            .map_or_else(String::new, |alias| format!(" ({})", quote::escape(alias)));
        check = check.evidence(format!(
            "{}{alias}: {}; {fix}",
            quote::escape(&a.id),
            quote::escape(&a.summary)
        ));
    }
    for (id, why) in &db.skipped {
        check = check.evidence(format!(
            "skipped the advisory {}: {}",
            quote::escape(id),
            quote::escape(why)
        ));
    }
    checks.push(check);
}
