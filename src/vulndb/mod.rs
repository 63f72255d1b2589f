//! The Go vulnerability database (<https://vuln.go.dev>, the v1 schema govulncheck reads):
//! the advisories about the Go toolchain itself, so `gopin outdated`, `upgrade` and `doctor`
//! can say which installed or selected versions are known to be broken and which patch fixes
//! them.
//!
//! Only the modules `stdlib` and `toolchain` are read: `index/modules.json` names the records
//! that concern them, and only those `ID/<id>.json` records are fetched. A record that cannot be
//! read as OSV is named, skipped and warned about on every use (one broken record must not hide
//! the other advisories); withdrawn records are skipped silently.

pub mod fetch;
pub mod osv;
pub mod semver;

use crate::output;
use gopin_shim::text as quote;
use osv::{Advisory, Finding, Parsed};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The toolchain advisories, as fetched (or cached) from one database URL.
#[derive(Debug, Default)]
pub struct Database {
    pub advisories: Vec<Advisory>,
    /// Records that could not be used: id and why.
    pub skipped: Vec<(String, String)>,
}

impl Database {
    /// The advisories that affect a Go version, each with its fix in the same minor release.
    pub fn findings(&self, version: &gopin_shim::Version) -> Vec<Finding<'_>> {
        osv::findings(&self.advisories, version)
    }

    /// One warning per record that was skipped.
    pub fn warn_skipped(&self) {
        for (id, why) in &self.skipped {
            output::warn(format_args!(
                "skipped the advisory {}: {}",
                quote::escape(id),
                quote::escape(why)
            ));
        }
    }

    fn from_snapshot(snapshot: &Snapshot) -> Database {
        let mut db = Database {
            advisories: Vec::new(),
            skipped: snapshot.skipped.clone(),
        };
        for (id, text) in &snapshot.records {
            match osv::parse(text.as_bytes(), id) {
                Ok(Parsed::Advisory(advisory)) => db.advisories.push(advisory),
                Ok(Parsed::Ignored) => {}
                Err(why) => db.skipped.push((id.clone(), why)),
            }
        }
        db.skipped.sort();
        db
    }
}

/// What is kept of one database: `db.json`'s `modified`, the index entries of the toolchain
/// modules, and their records' text (each one is fetched again only when its `modified`
/// changes). One file, written whole, so a killed run never leaves a mix of two versions.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
struct Snapshot {
    modified: String,
    /// id → the record's `modified` in `index/modules.json`.
    entries: BTreeMap<String, String>,
    /// id → the record as served.
    records: BTreeMap<String, String>,
    /// Entries that could not even be fetched as records (an id that is not a plain name).
    skipped: Vec<(String, String)>,
}

/// `index/db.json`.
#[derive(Deserialize)]
struct DbInfo {
    modified: String,
}

/// One module of `index/modules.json`.
#[derive(Deserialize)]
struct Module {
    path: String,
    #[serde(default)]
    vulns: Vec<ModuleVuln>,
}

#[derive(Deserialize)]
struct ModuleVuln {
    id: String,
    #[serde(default)]
    modified: String,
}

/// An advisory id that may become part of a URL or path: `GO-2024-2887`.
fn plain_id(id: &str) -> bool {
    let mut parts = id.split('-');
    let ok = parts.next() == Some("GO")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| (1..=12).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
    ok && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_only() {
        for ok in ["GO-2024-2887", "GO-2022-0191", "GO-2026-12345"] {
            assert!(plain_id(ok), "{ok}");
        }
        for bad in [
            "",
            "GO-2024",
            "GO-2024-",
            "GO-24-2887",
            "GO-2024-2887-1",
            "../GO-2024-2887",
            "GO-2024-2887/../../x",
            "go-2024-2887",
            "GHSA-xxxx-yyyy-zzzz",
            "GO-2024-28x7",
        ] {
            assert!(!plain_id(bad), "{bad}");
        }
    }
}
