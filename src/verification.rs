//! What an installed version was verified against, kept as `root/verified/<version>` so that
//! `why` and `doctor` can say it later (README: "The cross-check"). The record is written once
//! the version is visible and removed with it; a version installed before gopin kept records,
//! or registered with `gopin link`, has none.

use crate::dirhash::H1;
use gopin_shim::Root;
use std::fmt;
use std::path::PathBuf;

/// The most a record may hold (it is a few lines).
const RECORD_CAP: u64 = 4096;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verification {
    /// Go's checksum database listed this `h1:` for the toolchain's module form, proven in the
    /// tree of `tree` records (the head kept after the check).
    Database { database: String, tree: u64, h1: H1 },
    /// A SHA-256 alone (the index's, or one given with `--sha256`), and why no more.
    Sha256 { why: String },
    /// Nothing checked it (Go's own exception: a single `file://` GOPROXY with GOSUMDB=off).
    Unchecked { why: String },
}

impl Verification {
    fn path(root: &Root, version: &str) -> PathBuf {
        root.path().join("verified").join(version)
    }

    /// Keeps the record for `version` (a checked version name); a failure only costs the
    /// record, so it is reported and the install stands.
    pub fn keep(&self, root: &Root, version: &str) {
        let path = Verification::path(root, version);
        if let Err(e) = crate::index::cache::write_atomic(&path, self.to_text().as_bytes()) {
            crate::output::warn(format_args!(
                "cannot keep the verification record {}: {e}",
                path.display()
            ));
        }
    }

    /// The record for `version`, if one was kept and reads back.
    pub fn read(root: &Root, version: &str) -> Option<Verification> {
        let path = Verification::path(root, version);
        let text = gopin_shim::small_file::read(&path, RECORD_CAP).ok()??;
        Verification::parse(&text)
    }

    /// Removes the record with its version.
    pub fn forget(root: &Root, version: &str) {
        let _ = std::fs::remove_file(Verification::path(root, version));
    }

    fn to_text(&self) -> String {
        match self {
            Verification::Database { database, tree, h1 } => {
                format!("database {database}\ntree {tree}\nh1 {h1}\n")
            }
            Verification::Sha256 { why } => format!("sha256 {}\n", one_line(why)),
            Verification::Unchecked { why } => format!("unchecked {}\n", one_line(why)),
        }
    }

    /// PURE: reads a record back; `None` for anything else.
    fn parse(text: &str) -> Option<Verification> {
        let mut lines = text.lines();
        let (kind, rest) = lines.next()?.split_once(' ')?;
        match kind {
            "database" => {
                let tree = lines.next()?.strip_prefix("tree ")?.parse().ok()?;
                let h1 = H1::parse(lines.next()?.strip_prefix("h1 ")?).ok()?;
                Some(Verification::Database {
                    database: rest.to_owned(),
                    tree,
                    h1,
                })
            }
            "sha256" => Some(Verification::Sha256 {
                why: rest.to_owned(),
            }),
            "unchecked" => Some(Verification::Unchecked {
                why: rest.to_owned(),
            }),
            _ => None,
        }
    }
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verification::Database { database, tree, h1 } => write!(
                f,
                "checked against the checksum database {database} (tree head of {tree} records): {h1}"
            ),
            Verification::Sha256 { why } => write!(f, "SHA-256 only: {why}"),
            Verification::Unchecked { why } => write!(f, "not checked: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back() {
        let h1 = H1::parse("h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path());
        let records = [
            Verification::Database {
                database: "sum.golang.org".to_owned(),
                tree: 28905453,
                h1,
            },
            Verification::Sha256 {
                why: "go1.20.14 was released before go1.21.0".to_owned(),
            },
            Verification::Unchecked {
                why: "GOSUMDB=off with the single file:// GOPROXY".to_owned(),
            },
        ];
        for record in &records {
            record.keep(&root, "go1.22.10");
            assert_eq!(
                Verification::read(&root, "go1.22.10").as_ref(),
                Some(record)
            );
        }
        Verification::forget(&root, "go1.22.10");
        assert_eq!(Verification::read(&root, "go1.22.10"), None);
        // A newline in a reason cannot forge another line.
        let forged = Verification::Sha256 {
            why: "x\ntree 1\nh1 h1:AAAA".to_owned(),
        };
        forged.keep(&root, "go1.21.0");
        assert!(matches!(
            Verification::read(&root, "go1.21.0"),
            Some(Verification::Sha256 { why }) if !why.contains('\n')
        ));
        for bad in [
            "",
            "database x\n",
            "database x\ntree n\nh1 h1:x\n",
            "other y\n",
        ] {
            assert_eq!(Verification::parse(bad), None, "{bad:?}");
        }
    }
}
