//! Tree heads: the signed statement "the database's log holds N records and their Merkle root
//! is H", in the text form Go's databases sign:
//!
//! ```text
//! go.sum database tree
//! <N in decimal>
//! <base64 root hash>
//! ```
//!
//! Lines after the third are ignored, as Go does, so that a database may add some later.
//! A [`SignedTree`] can only be made by verifying a note's signature: every proof in this
//! module's siblings takes one, so nothing is ever checked against an unsigned root.

use super::hash::Hash;
use super::merkle::MAX_TREE_SIZE;
use super::note::{self, NoteError, Verifiers};
use std::fmt;

const HEADER: &str = "go.sum database tree\n";

/// A tree head: size and root hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tree {
    /// The number of records.
    pub size: u64,
    pub root: Hash,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("malformed checksum database tree head: {0}")]
    Malformed(&'static str),
    #[error("checksum database tree head: {0}")]
    Note(#[from] NoteError),
}

impl Tree {
    /// Parses the text of a tree head (the note's text, without signatures).
    pub fn parse(text: &[u8]) -> Result<Tree, TreeError> {
        if text.len() > note::MAX_NOTE_SIZE {
            return Err(TreeError::Malformed("larger than 1 MB"));
        }
        let rest = text
            .strip_prefix(HEADER.as_bytes())
            .ok_or(TreeError::Malformed(
                "it does not start with \"go.sum database tree\"",
            ))?;
        let mut lines = rest.splitn(3, |&b| b == b'\n');
        let (Some(size), Some(root), Some(_)) = (lines.next(), lines.next(), lines.next()) else {
            return Err(TreeError::Malformed("fewer than three lines"));
        };
        let size = std::str::from_utf8(size)
            .ok()
            .and_then(parse_size)
            .ok_or(TreeError::Malformed("the size is not a decimal number"))?;
        let root =
            std::str::from_utf8(root)
                .ok()
                .and_then(Hash::parse)
                .ok_or(TreeError::Malformed(
                    "the root is not the base64 of 32 bytes",
                ))?;
        Ok(Tree { size, root })
    }

    /// The text a database signs for this head.
    pub fn format(&self) -> String {
        format!("{HEADER}{}\n{}\n", self.size, self.root)
    }
}

/// A canonical decimal tree size: digits only, no leading zero, at most Go's int64.
fn parse_size(text: &str) -> Option<u64> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok().filter(|&n| n <= MAX_TREE_SIZE)
}

// "size 28905453, root f3f8...=": how every message names a tree head.
impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "size {}, root {}", self.size, self.root)
    }
}

impl fmt::Debug for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A tree head whose signature by a trusted key verified. Only [`SignedTree::open`] makes one.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedTree {
    tree: Tree,
    note: Vec<u8>,
    database: String,
}

impl SignedTree {
    /// Verifies a signed tree head (a `/latest` answer, the end of a `/lookup` answer, or a
    /// kept `latest` file) against the trusted keys, then parses it.
    pub fn open(note: &[u8], verifiers: &Verifiers) -> Result<SignedTree, TreeError> {
        let opened = note::open(note, verifiers)?;
        let tree = Tree::parse(opened.text.as_bytes())?;
        let database = opened
            .verified
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default();
        Ok(SignedTree {
            tree,
            note: note.to_vec(),
            database,
        })
    }

    pub fn tree(&self) -> Tree {
        self.tree
    }

    pub fn size(&self) -> u64 {
        self.tree.size
    }

    pub fn root(&self) -> Hash {
        self.tree.root
    }

    /// The signed note as received: what to keep as `latest`, and evidence in a fork report.
    pub fn note(&self) -> &[u8] {
        &self.note
    }

    /// The name of the key that signed it (`sum.golang.org`).
    pub fn database(&self) -> &str {
        &self.database
    }
}

impl fmt::Debug for SignedTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tree head ({})", self.database, self.tree)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{REAL_HEADS, SUM_GOLANG_ORG, real_head_note};
    use super::super::hash::record_hash;
    use super::super::note::Verifier;
    use super::*;

    const GOLDEN: &str =
        "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

    // golang.org/x/mod sumdb/tlog/note_test.go TestFormatTree and TestParseTree.
    #[test]
    fn format_and_parse_match_go() {
        let tree = Tree {
            size: 123_456_789_012,
            root: record_hash(b"hello world"),
        };
        assert_eq!(tree.format(), GOLDEN);
        assert_eq!(Tree::parse(GOLDEN.as_bytes()), Ok(tree));
        for extra in [
            "JOE".to_owned(),
            "JOE\n".to_owned(),
            "JOE\n".repeat(1000),
            "\n\n".to_owned(),
        ] {
            assert_eq!(
                Tree::parse(format!("{GOLDEN}{extra}").as_bytes()),
                Ok(tree),
                "{extra:?}"
            );
        }
    }

    #[test]
    fn malformed_heads_fail() {
        let rows = [
            format!("not-{GOLDEN}"),
            "go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n"
                .into(),
            "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=".into(),
            "go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n+123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n 12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\n9223372036854775808\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"
                .into(),
            "go.sum database tree\n12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0= \n".into(),
            "go.sum database tree v2\n12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            "go.sum database tree\r\n12\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
            String::new(),
        ];
        for text in rows {
            assert!(
                matches!(Tree::parse(text.as_bytes()), Err(TreeError::Malformed(_))),
                "{text:?}"
            );
        }
        let size = "go.sum database tree\n9223372036854775807\n\
                    TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
        assert_eq!(Tree::parse(size.as_bytes()).unwrap().size, i64::MAX as u64);
    }

    #[test]
    fn real_heads_open_with_the_real_key() {
        let known = Verifiers::from(Verifier::parse(SUM_GOLANG_ORG).unwrap());
        for (size, root, _) in REAL_HEADS {
            let note = real_head_note(size);
            let head = SignedTree::open(note.as_bytes(), &known).unwrap();
            assert_eq!(head.size(), size);
            assert_eq!(head.root().to_string(), root);
            assert_eq!(head.database(), "sum.golang.org");
            assert_eq!(head.note(), note.as_bytes());
            assert_eq!(head.tree().to_string(), format!("size {size}, root {root}"));
        }
    }

    #[test]
    fn a_head_signed_by_another_key_does_not_open() {
        let peter = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        let known = Verifiers::from(Verifier::parse(peter).unwrap());
        let (size, _, _) = REAL_HEADS[0];
        assert!(matches!(
            SignedTree::open(real_head_note(size).as_bytes(), &known),
            Err(TreeError::Note(NoteError::Unverified { .. }))
        ));
    }

    mod properties {
        use super::super::super::fixtures::strategies::{config, mutated};
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
                let _ = Tree::parse(&bytes);
            }

            #[test]
            fn parse_of_mutated_heads_never_panics(bytes in mutated(GOLDEN.into())) {
                let _ = Tree::parse(&bytes);
            }

            #[test]
            fn format_round_trips(size in 0..=MAX_TREE_SIZE, root in any::<[u8; 32]>()) {
                let tree = Tree { size, root: Hash(root) };
                prop_assert_eq!(Tree::parse(tree.format().as_bytes()), Ok(tree));
            }
        }
    }
}
