//! Answers of `/lookup/<module>@<version>`: the record's id on a line, the record (go.sum lines,
//! each ending in a newline), a blank line, then the database's signed tree head.
//!
//! Only the record, the text before the signed note, is searched for the module's lines; a line
//! anywhere else (for instance added to the note's text, which tree heads allow) counts for
//! nothing, and a record without the line fails closed. Older Go clients searched the whole
//! answer, which let a proxy slip a hash in (fixed in x/mod v0.40.0). The hashes found are
//! released only by [`Lookup::verify`], once the record is proven to be in a signed tree.

use super::merkle::MAX_TREE_SIZE;
use super::note::Verifiers;
use super::proof::{Authenticated, check_record_text};
use super::tile::Tile;
use super::tree::{SignedTree, TreeError};
use super::{ProofError, note};
use crate::dirhash::H1;

/// The `h1:` hashes the database records for a module version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleHashes {
    /// The hash of the module zip.
    pub zip: H1,
    /// The hash of the `.mod` file, when the record lists it (it always does for
    /// golang.org/toolchain).
    pub go_mod: Option<H1>,
}

/// A parsed lookup answer whose tree head is signed, but whose record is not yet proven.
#[derive(Debug, Clone)]
pub struct Lookup {
    module: String,
    version: String,
    id: u64,
    record: String,
    tree: SignedTree,
    hashes: ModuleHashes,
}

#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error("invalid module path or version {module:?}@{version:?}")]
    InvalidRequest { module: String, version: String },
    #[error("malformed checksum database answer for {module}@{version}: {why}")]
    Malformed {
        module: String,
        version: String,
        why: &'static str,
    },
    #[error("the checksum database answer for {module}@{version}: {source}")]
    Tree {
        module: String,
        version: String,
        #[source]
        source: TreeError,
    },
    #[error(
        "the checksum database answer for {module}@{version} is record {id}, \
         beyond its tree of size {size}"
    )]
    BeyondTree {
        module: String,
        version: String,
        id: u64,
        size: u64,
    },
    #[error("the checksum database record for {module}@{version} has no line for it")]
    MissingLine { module: String, version: String },
    #[error("the checksum database record for {module}@{version} holds {count} lines for {what}")]
    Ambiguous {
        module: String,
        version: String,
        what: &'static str,
        count: usize,
    },
    #[error("the checksum database record for {module}@{version} holds a malformed line {line:?}")]
    MalformedLine {
        module: String,
        version: String,
        line: String,
    },
    #[error(
        "the checksum database answer for {module}@{version} comes from {answer}, \
         not from {latest}, the database of the tree head given"
    )]
    OtherDatabase {
        module: String,
        version: String,
        answer: String,
        latest: String,
    },
    #[error("cannot prove the checksum database record for {module}@{version}")]
    Proof {
        module: String,
        version: String,
        #[source]
        source: ProofError,
    },
}

/// A module path or version as it appears in a go.sum line: non-empty, no space or control
/// character (anything else could blur where one field ends).
fn is_field(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Parses the answer to `/lookup/<module>@<version>` and checks its tree head's signature. The
/// record must hold exactly one line `<module> <version> h1:<hash>`, and at most one
/// `<module> <version>/go.mod h1:<hash>`.
pub fn parse(
    answer: &[u8],
    module: &str,
    version: &str,
    verifiers: &Verifiers,
) -> Result<Lookup, LookupError> {
    if !is_field(module) || !is_field(version) {
        return Err(LookupError::InvalidRequest {
            module: module.to_owned(),
            version: version.to_owned(),
        });
    }
    let malformed = |why| LookupError::Malformed {
        module: module.to_owned(),
        version: version.to_owned(),
        why,
    };
    if answer.len() > note::MAX_NOTE_SIZE {
        return Err(malformed("larger than 1 MB"));
    }
    // The id line.
    let newline = answer
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(|| malformed("no record id line"))?;
    let (id, rest) = (&answer[..newline], &answer[newline + 1..]);
    let id = std::str::from_utf8(id)
        .ok()
        .and_then(parse_id)
        .ok_or_else(|| malformed("the record id is not a decimal number"))?;
    // The record: up to and including the newline before the first blank line.
    let blank = rest
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or_else(|| malformed("no blank line after the record"))?;
    let (record, note) = (&rest[..blank + 1], &rest[blank + 2..]);
    let record = std::str::from_utf8(record)
        .ok()
        .filter(|r| !r.starts_with('\n') && !r.chars().any(|c| c < ' ' && c != '\n'))
        .ok_or_else(|| malformed("the record is not plain text lines"))?;

    let tree = SignedTree::open(note, verifiers).map_err(|source| LookupError::Tree {
        module: module.to_owned(),
        version: version.to_owned(),
        source,
    })?;
    if id >= tree.size() {
        return Err(LookupError::BeyondTree {
            module: module.to_owned(),
            version: version.to_owned(),
            id,
            size: tree.size(),
        });
    }
    let hashes = module_hashes(record, module, version)?;
    Ok(Lookup {
        module: module.to_owned(),
        version: version.to_owned(),
        id,
        record: record.to_owned(),
        tree,
        hashes,
    })
}

/// A canonical decimal record id within Go's int64.
fn parse_id(text: &str) -> Option<u64> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok().filter(|&n| n <= MAX_TREE_SIZE)
}

/// The module's lines in the record text, and nothing else.
fn module_hashes(record: &str, module: &str, version: &str) -> Result<ModuleHashes, LookupError> {
    let zip_prefix = format!("{module} {version} ");
    let mod_prefix = format!("{module} {version}/go.mod ");
    let mut zip = Vec::new();
    let mut go_mod = Vec::new();
    for line in record.lines() {
        let (found, hash) = if let Some(hash) = line.strip_prefix(&zip_prefix) {
            (&mut zip, hash)
        } else if let Some(hash) = line.strip_prefix(&mod_prefix) {
            (&mut go_mod, hash)
        } else {
            // Lines of other modules or versions: not ours to judge.
            continue;
        };
        let hash = H1::parse(hash).map_err(|_| LookupError::MalformedLine {
            module: module.to_owned(),
            version: version.to_owned(),
            line: line.to_owned(),
        })?;
        found.push(hash);
    }
    let ambiguous = |what, count| LookupError::Ambiguous {
        module: module.to_owned(),
        version: version.to_owned(),
        what,
        count,
    };
    let zip = match zip.as_slice() {
        [] => {
            return Err(LookupError::MissingLine {
                module: module.to_owned(),
                version: version.to_owned(),
            });
        }
        [hash] => *hash,
        more => return Err(ambiguous("the module zip", more.len())),
    };
    let go_mod = match go_mod.as_slice() {
        [] => None,
        [hash] => Some(*hash),
        more => return Err(ambiguous("the go.mod file", more.len())),
    };
    Ok(ModuleHashes { zip, go_mod })
}

impl Lookup {
    pub fn module(&self) -> &str {
        &self.module
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// The record's id (its index in the log).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The record's text: the bytes whose hash is the record's leaf.
    pub fn record(&self) -> &str {
        &self.record
    }

    /// The signed tree head the answer came with; reconcile it with the kept one
    /// ([`super::fork::reconcile`]) before verifying.
    pub fn tree(&self) -> &SignedTree {
        &self.tree
    }

    /// Proves the record is record [`Lookup::id`] of `latest` (the newest head after
    /// reconciling, or the lookup's own when none is kept), then releases its hashes.
    pub fn verify(
        &self,
        latest: &SignedTree,
        read: impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>>,
    ) -> Result<Authenticated<ModuleHashes>, LookupError> {
        if latest.database() != self.tree.database() {
            return Err(LookupError::OtherDatabase {
                module: self.module.clone(),
                version: self.version.clone(),
                answer: self.tree.database().to_owned(),
                latest: latest.database().to_owned(),
            });
        }
        let proven =
            check_record_text(latest, self.id, self.record.as_bytes(), read).map_err(|source| {
                LookupError::Proof {
                    module: self.module.clone(),
                    version: self.version.clone(),
                    source,
                }
            })?;
        Ok(Authenticated {
            value: self.hashes,
            tiles: proven.tiles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{
        REAL_HEADS, REAL_LOOKUP_ID, REAL_LOOKUP_RECORD, REAL_LOOKUP_VERSION, SUM_GOLANG_ORG,
        TestLog, other_signer, real_head_note, real_lookup_answer, test_signer, test_verifiers,
    };
    use super::super::note::{Verifier, sign};
    use super::*;

    const TOOLCHAIN: &str = "golang.org/toolchain";
    const VERSION: &str = "v0.0.1-go1.22.10.linux-amd64";
    const ZIP: &str = "h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=";
    const MOD: &str = "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=";

    fn toolchain_record(version: &str) -> String {
        format!("{TOOLCHAIN} {version} {ZIP}\n{TOOLCHAIN} {version}/go.mod {MOD}\n")
    }

    /// A test log whose record 700 is `record`, and its head at 1000.
    fn log_with(record: &str) -> TestLog {
        let mut log = TestLog::with_records(700);
        log.append(record.as_bytes().to_vec());
        for i in 701..1000 {
            log.append(super::super::fixtures::record_text(i).into_bytes());
        }
        log
    }

    fn answer(id: u64, record: &str, note: &[u8]) -> Vec<u8> {
        [format!("{id}\n{record}\n").as_bytes(), note].concat()
    }

    fn serve(log: &TestLog) -> impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + '_ {
        |tiles: &[Tile]| tiles.iter().map(|t| log.tile(t)).collect()
    }

    #[test]
    fn real_lookup_parses() {
        let known = Verifiers::from(Verifier::parse(SUM_GOLANG_ORG).unwrap());
        let lookup = parse(
            real_lookup_answer().as_bytes(),
            TOOLCHAIN,
            REAL_LOOKUP_VERSION,
            &known,
        )
        .unwrap();
        assert_eq!(lookup.id(), REAL_LOOKUP_ID);
        assert_eq!(lookup.record(), REAL_LOOKUP_RECORD);
        assert_eq!(lookup.tree().size(), REAL_HEADS[0].0);
        assert_eq!(lookup.tree().root().to_string(), REAL_HEADS[0].1);
        assert_eq!(lookup.hashes.zip.to_string(), ZIP);
        assert_eq!(lookup.hashes.go_mod.unwrap().to_string(), MOD);
        // Asked for another platform, the same answer has no line for it.
        assert!(matches!(
            parse(
                real_lookup_answer().as_bytes(),
                TOOLCHAIN,
                "v0.0.1-go1.21.9.linux-arm64",
                &known
            ),
            Err(LookupError::MissingLine { .. })
        ));
    }

    #[test]
    fn honest_lookup_verifies_and_releases_hashes() {
        let record = toolchain_record(VERSION);
        let log = log_with(&record);
        let note = log.signed_by(1000, &test_signer());
        let lookup = parse(
            &answer(700, &record, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        )
        .unwrap();
        let verified = lookup.verify(lookup.tree(), serve(&log)).unwrap();
        assert_eq!(verified.value.zip.to_string(), ZIP);
        assert_eq!(verified.value.go_mod.unwrap().to_string(), MOD);
        assert!(!verified.tiles.is_empty());
        // A newer head of the same log works as well.
        let mut longer = log_with(&record);
        longer.append(b"later\n".to_vec());
        let newer = longer.head(1001);
        assert!(lookup.verify(&newer, serve(&longer)).is_ok());
        // The head of another database (same tree, another name and key) is refused.
        let other = super::super::note::Signer::from_seed("other.example", &[9; 32]).unwrap();
        let theirs = SignedTree::open(
            &log.signed_by(1000, &other),
            &Verifiers::from(other.verifier()),
        )
        .unwrap();
        assert!(matches!(
            lookup.verify(&theirs, serve(&log)),
            Err(LookupError::OtherDatabase { .. })
        ));
    }

    #[test]
    fn a_record_not_in_the_tree_is_refused() {
        // The record in the answer differs from the log's record 700 (another hash): the
        // signature checks, the tiles authenticate, and the leaf does not match.
        let logged = toolchain_record(VERSION);
        let log = log_with(&logged);
        let note = log.signed_by(1000, &test_signer());
        let forged = logged.replace("rRL9", "AAAA");
        let lookup = parse(
            &answer(700, &forged, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        )
        .unwrap();
        let err = lookup.verify(lookup.tree(), serve(&log)).unwrap_err();
        assert!(matches!(
            err,
            LookupError::Proof {
                source: ProofError::RecordMismatch {
                    id: 700,
                    size: 1000
                },
                ..
            }
        ));
        // The right record at the wrong id.
        let lookup = parse(
            &answer(699, &logged, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        )
        .unwrap();
        assert!(lookup.verify(lookup.tree(), serve(&log)).is_err());
    }

    #[test]
    fn a_line_only_in_the_note_fails_closed() {
        // The record is another module's; the toolchain line rides in the signed note's text,
        // after the tree lines (which tree heads allow). Signed by the real test key even.
        let other = "example.com/other v1.0.0 h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=\n";
        let log = log_with(other);
        let text = format!("{}{TOOLCHAIN} {VERSION} {ZIP}\n", log.tree(1000).format());
        let note = sign(&text, &[&test_signer()]).unwrap();
        let got = parse(
            &answer(700, other, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        );
        assert!(
            matches!(got, Err(LookupError::MissingLine { .. })),
            "{got:?}"
        );
        // In the same setup, the line in the record is found.
        let record = format!("{other}{TOOLCHAIN} {VERSION} {ZIP}\n");
        let got = parse(
            &answer(700, &record, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        );
        assert_eq!(got.unwrap().hashes.zip.to_string(), ZIP);
    }

    #[test]
    fn missing_and_other_version_lines_fail_closed() {
        let log = TestLog::with_records(1000);
        let note = log.signed_by(1000, &test_signer());
        for record in [
            // Only the go.mod line.
            format!("{TOOLCHAIN} {VERSION}/go.mod {MOD}\n"),
            // Another version, and one that extends the asked one.
            toolchain_record("v0.0.1-go1.22.9.linux-amd64"),
            toolchain_record(&format!("{VERSION}0")),
            // Another module with our version.
            format!("golang.org/toolchain2 {VERSION} {ZIP}\n"),
        ] {
            let got = parse(
                &answer(5, &record, &note),
                TOOLCHAIN,
                VERSION,
                &test_verifiers(),
            );
            assert!(
                matches!(got, Err(LookupError::MissingLine { .. })),
                "{record:?}: {got:?}"
            );
        }
    }

    #[test]
    fn odd_lines_for_the_module_fail() {
        let log = TestLog::with_records(10);
        let note = log.signed_by(10, &test_signer());
        let malformed = [
            format!("{TOOLCHAIN} {VERSION} {ZIP} extra\n"),
            format!("{TOOLCHAIN} {VERSION} h2:{}\n", &ZIP[3..]),
            format!("{TOOLCHAIN} {VERSION}  {ZIP}\n"),
            format!("{TOOLCHAIN} {VERSION} h1:AAAA\n"),
        ];
        for record in malformed {
            let got = parse(
                &answer(5, &record, &note),
                TOOLCHAIN,
                VERSION,
                &test_verifiers(),
            );
            assert!(
                matches!(got, Err(LookupError::MalformedLine { .. })),
                "{record:?}: {got:?}"
            );
        }
        let twice = format!("{}{TOOLCHAIN} {VERSION} {MOD}\n", toolchain_record(VERSION));
        let got = parse(
            &answer(5, &twice, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        );
        assert!(
            matches!(got, Err(LookupError::Ambiguous { count: 2, .. })),
            "{got:?}"
        );
    }

    #[test]
    fn a_note_signed_by_another_key_is_refused() {
        let record = toolchain_record(VERSION);
        let log = log_with(&record);
        let note = log.signed_by(1000, &other_signer());
        let got = parse(
            &answer(700, &record, &note),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        );
        assert!(matches!(
            got,
            Err(LookupError::Tree {
                source: TreeError::Note(note::NoteError::Unverified { .. }),
                ..
            })
        ));
        // The same note signed with the known key is accepted.
        let note = log.signed_by(1000, &test_signer());
        assert!(
            parse(
                &answer(700, &record, &note),
                TOOLCHAIN,
                VERSION,
                &test_verifiers()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_bad_signature_by_the_known_key_is_refused() {
        let record = toolchain_record(VERSION);
        let log = log_with(&record);
        // The head of 1000 records, with the signature of the head of 999.
        let good = String::from_utf8(log.signed_by(1000, &test_signer())).unwrap();
        let other = String::from_utf8(log.signed_by(999, &test_signer())).unwrap();
        let signature = other.rsplit_once("\n\n").unwrap().1;
        let forged = format!("{}\n\n{signature}", good.rsplit_once("\n\n").unwrap().0);
        let got = parse(
            &answer(700, &record, forged.as_bytes()),
            TOOLCHAIN,
            VERSION,
            &test_verifiers(),
        );
        assert!(matches!(
            got,
            Err(LookupError::Tree {
                source: TreeError::Note(note::NoteError::InvalidSignature { .. }),
                ..
            })
        ));
    }

    #[test]
    fn malformed_answers_fail() {
        let note = real_head_note(REAL_HEADS[0].0);
        let known = Verifiers::from(Verifier::parse(SUM_GOLANG_ORG).unwrap());
        let record = toolchain_record(VERSION);
        let rows: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"123".to_vec(),
            format!("x123\n{record}\n{note}").into(),
            format!("0x7b\n{record}\n{note}").into(),
            format!("+123\n{record}\n{note}").into(),
            format!("0123\n{record}\n{note}").into(),
            format!("\n{record}\n{note}").into(),
            format!("123\n{record}{note}").into(),
            format!("123\n\n{note}").into(),
            format!("123\n{record}").into(),
            format!("123\n\u{1}{record}\n{note}").into(),
            [
                b"123\n\xff".as_slice(),
                format!("{record}\n{note}").as_bytes(),
            ]
            .concat(),
            format!("9223372036854775808\n{record}\n{note}").into(),
        ];
        for bytes in rows {
            let got = parse(&bytes, TOOLCHAIN, VERSION, &known);
            assert!(got.is_err(), "{:?}", String::from_utf8_lossy(&bytes));
        }
        // A record id at or past the signed tree's size.
        let got = parse(
            format!("{}\n{record}\n{note}", REAL_HEADS[0].0).as_bytes(),
            TOOLCHAIN,
            VERSION,
            &known,
        );
        assert!(
            matches!(got, Err(LookupError::BeyondTree { .. })),
            "{got:?}"
        );
        for (module, version) in [
            ("", VERSION),
            (TOOLCHAIN, ""),
            ("a b", VERSION),
            (TOOLCHAIN, "v1\n"),
        ] {
            assert!(matches!(
                parse(real_lookup_answer().as_bytes(), module, version, &known),
                Err(LookupError::InvalidRequest { .. })
            ));
        }
    }

    mod properties {
        use super::super::super::fixtures::strategies::{config, mutated};
        use super::*;
        use proptest::prelude::*;

        fn known() -> Verifiers {
            Verifiers::from(Verifier::parse(SUM_GOLANG_ORG).unwrap())
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
                let _ = parse(&bytes, TOOLCHAIN, REAL_LOOKUP_VERSION, &known());
            }

            // Edits anywhere in the real answer: an error, or an answer whose signed head is
            // still the real one (the record is not signed; its proof comes later).
            #[test]
            fn parse_of_mutated_answers_never_panics(bytes in mutated(real_lookup_answer().into())) {
                if let Ok(lookup) = parse(&bytes, TOOLCHAIN, REAL_LOOKUP_VERSION, &known()) {
                    prop_assert_eq!(lookup.tree().size(), REAL_HEADS[0].0);
                }
            }

            #[test]
            fn any_module_and_version_never_panic(module in "\\PC{0,30}", version in "\\PC{0,30}") {
                let _ = parse(real_lookup_answer().as_bytes(), &module, &version, &known());
            }
        }
    }
}
