//! One history: every tree head a client sees must agree with the one it kept
//! (`root/sumdb/<name>/latest`). The smaller of the two must be a prefix of the larger, which is
//! checked by recomputing the smaller's root from the larger's tiles (the database serves no
//! proofs). Two signed heads that disagree prove the database shows different histories to
//! different users: a [`ForkError`], whose message starts `SECURITY ERROR` and names both heads,
//! and which must stop every install from that database.

use super::hash::Hash;
use super::merkle::ProofError;
use super::proof::{Authenticated, prefix_root, prefix_root_with_proof};
use super::tile::Tile;
use super::tree::{SignedTree, Tree};
use std::fmt;

/// How a newly seen head relates to the kept one, once they agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeline {
    /// The same head.
    Same,
    /// The new head extends the kept one: keep the new head from now on.
    Newer,
    /// The new head is a prefix of the kept one (a stale cache or a lagging mirror): keep the
    /// kept head.
    Older,
}

/// Proof that a checksum database signed two histories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkError {
    /// The database's name (`sum.golang.org`).
    pub database: String,
    pub kept: Tree,
    pub seen: Tree,
    /// Both signed notes as received: the evidence.
    pub kept_note: String,
    pub seen_note: String,
    /// The root the larger tree's tiles give for the smaller tree's size.
    pub computed: Hash,
    /// The RFC 6962 consistency proof, in the larger tree, for that root (empty when the two
    /// heads have the same size: two roots for one size need no further proof).
    pub proof: Vec<Hash>,
}

impl std::error::Error for ForkError {}

impl fmt::Display for ForkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SECURITY ERROR: checksum database {} shows two different histories: \
             the kept tree head ({}) and the new tree head ({}) do not agree",
            self.database, self.kept, self.seen
        )
    }
}

impl ForkError {
    /// The evidence as lines a person can publish: both signed notes, the root the larger tree
    /// gives for the smaller size, and the consistency proof of that root.
    pub fn evidence(&self) -> Vec<String> {
        let indent = |note: &str| note.trim_end().replace('\n', "\n    ");
        let smaller = self.kept.size.min(self.seen.size);
        let mut lines = vec![
            format!("kept tree head:\n    {}", indent(&self.kept_note)),
            format!("new tree head:\n    {}", indent(&self.seen_note)),
            format!(
                "the larger tree gives root {} for size {smaller}",
                self.computed
            ),
        ];
        if !self.proof.is_empty() {
            let proof: Vec<String> = self.proof.iter().map(Hash::to_string).collect();
            lines.push(format!("consistency proof:\n    {}", proof.join("\n    ")));
        }
        lines
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    #[error(transparent)]
    Fork(Box<ForkError>),
    /// Tiles could not be read or did not authenticate: not evidence of a fork (the proxy or
    /// a cache may be at fault), but nothing can be believed either.
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error("tree heads of two databases, {kept} and {seen}, cannot be compared")]
    OtherDatabase { kept: String, seen: String },
}

/// Checks that `seen` and `kept` are on one history and says which to keep. Reads tiles of the
/// larger tree through `read`; the tiles returned are authenticated against it.
pub fn reconcile(
    kept: &SignedTree,
    seen: &SignedTree,
    mut read: impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>>,
) -> Result<Authenticated<Timeline>, TimelineError> {
    if kept.database() != seen.database() {
        return Err(TimelineError::OtherDatabase {
            kept: kept.database().to_owned(),
            seen: seen.database().to_owned(),
        });
    }
    let fork = |computed: Hash, proof: Vec<Hash>| {
        TimelineError::Fork(Box::new(ForkError {
            database: kept.database().to_owned(),
            kept: kept.tree(),
            seen: seen.tree(),
            kept_note: String::from_utf8_lossy(kept.note()).into_owned(),
            seen_note: String::from_utf8_lossy(seen.note()).into_owned(),
            computed,
            proof,
        }))
    };
    if seen.size() == kept.size() {
        // Two signed roots for one size: equal, or a fork without looking at any tile.
        return if seen.root() == kept.root() {
            Ok(Authenticated {
                value: Timeline::Same,
                tiles: Vec::new(),
            })
        } else {
            Err(fork(seen.root(), Vec::new()))
        };
    }
    let (larger, smaller, timeline) = if seen.size() > kept.size() {
        (seen, kept, Timeline::Newer)
    } else {
        (kept, seen, Timeline::Older)
    };
    let computed = prefix_root(larger, smaller.size(), &mut read)?;
    if computed.value == smaller.root() {
        return Ok(Authenticated {
            value: timeline,
            tiles: computed.tiles,
        });
    }
    // A fork: rebuild the consistency proof from the same tiles as evidence (if even that
    // fails, the fork stands without it).
    let proof = prefix_root_with_proof(larger, smaller.size(), &mut read)
        .map(|evidence| evidence.value.1)
        .unwrap_or_default();
    Err(fork(computed.value, proof))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{TestLog, big_log, test_signer, test_verifiers};
    use super::super::merkle::check_tree;
    use super::*;

    fn serve(log: &TestLog) -> impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + '_ {
        |tiles: &[Tile]| tiles.iter().map(|t| log.tile(t)).collect()
    }

    #[test]
    fn newer_older_and_same_heads_agree() {
        let log = big_log();
        for (kept, seen) in [
            (1, 2),
            (255, 256),
            (256, 257),
            (1000, 65_536),
            (65_535, 65_537),
            (65_536, 70_000),
            (3, 70_000),
        ] {
            let (k, s) = (log.head(kept), log.head(seen));
            let got = reconcile(&k, &s, serve(log)).unwrap();
            assert_eq!(got.value, Timeline::Newer, "{kept} -> {seen}");
            assert!(!got.tiles.is_empty());
            let got = reconcile(&s, &k, serve(log)).unwrap();
            assert_eq!(got.value, Timeline::Older, "{seen} -> {kept}");
        }
        let head = log.head(1234);
        let got = reconcile(&head, &head.clone(), serve(log)).unwrap();
        assert_eq!(got.value, Timeline::Same);
        assert!(got.tiles.is_empty());
    }

    /// Two logs that share their first `common` records and then differ.
    fn forked(common: u64, total: u64) -> (TestLog, TestLog) {
        let honest = TestLog::with_records(total);
        let mut fork = TestLog::default();
        for (i, record) in honest.records.iter().enumerate() {
            if (i as u64) < common {
                fork.append(record.clone());
            } else {
                fork.append(format!("example.com/evil{i} v1.0.0 h1:x\n").into_bytes());
            }
        }
        (honest, fork)
    }

    #[test]
    fn a_kept_head_that_is_not_a_prefix_is_a_fork() {
        // The kept head is the honest log at 500; the new head comes from a log that agrees on
        // the first 300 records only.
        let (honest, fork) = forked(300, 1000);
        let kept = honest.head(500);
        let seen = fork.head(1000);
        let err = match reconcile(&kept, &seen, serve(&fork)) {
            Err(TimelineError::Fork(err)) => err,
            other => panic!("expected a fork, got {other:?}"),
        };
        let message = err.to_string();
        assert!(message.starts_with("SECURITY ERROR"), "{message}");
        assert_eq!(
            message,
            format!(
                "SECURITY ERROR: checksum database sum.test.example shows two different \
                 histories: the kept tree head (size 500, root {}) and the new tree head \
                 (size 1000, root {}) do not agree",
                kept.root(),
                seen.root()
            )
        );
        assert_eq!(err.computed, fork.tree(500).root);
        assert_ne!(err.computed, kept.root());
        // The evidence proves the fork by itself: the proof checks for the computed root.
        check_tree(&err.proof, 1000, &seen.root(), 500, &err.computed).unwrap();
        let evidence = err.evidence().join("\n");
        assert!(evidence.contains(&format!("    {}", seen.root())));
        assert!(evidence.contains("— sum.test.example "));

        // The same setup, honest: the new head extends the kept one.
        let honest_new = honest.head(1000);
        let got = reconcile(&kept, &honest_new, serve(&honest)).unwrap();
        assert_eq!(got.value, Timeline::Newer);
    }

    #[test]
    fn an_older_head_off_the_kept_history_is_a_fork() {
        let (honest, fork) = forked(100, 1000);
        let kept = honest.head(1000);
        let seen = fork.head(400);
        let err = reconcile(&kept, &seen, serve(&honest)).unwrap_err();
        assert!(err.to_string().starts_with("SECURITY ERROR"), "{err}");
        assert!(err.to_string().contains("size 400"));
        assert!(err.to_string().contains("size 1000"));
    }

    #[test]
    fn two_roots_for_one_size_are_a_fork_without_tiles() {
        let (honest, fork) = forked(10, 20);
        let no_tiles = |_: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> { anyhow::bail!("unused") };
        let err = reconcile(&honest.head(20), &fork.head(20), no_tiles).unwrap_err();
        let TimelineError::Fork(err) = err else {
            panic!("expected a fork, got {err:?}");
        };
        assert!(err.proof.is_empty());
        assert!(err.evidence().len() == 3);
    }

    #[test]
    fn corrupt_tiles_are_not_a_fork_but_not_believed_either() {
        let log = TestLog::with_records(1000);
        let corrupt = |tiles: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> {
            tiles
                .iter()
                .map(|t| {
                    let mut bytes = log.tile(t)?;
                    bytes[0] ^= 1;
                    Ok(bytes)
                })
                .collect()
        };
        let got = reconcile(&log.head(300), &log.head(1000), corrupt);
        assert!(matches!(
            got,
            Err(TimelineError::Proof(ProofError::InconsistentTile { .. }))
        ));
    }

    #[test]
    fn heads_of_another_database_are_not_compared() {
        let log = TestLog::with_records(10);
        let other = super::super::note::Signer::from_seed("other.example", &[9; 32]).unwrap();
        let verifiers =
            super::super::note::Verifiers::new([test_signer().verifier(), other.verifier()]);
        let theirs = SignedTree::open(&log.signed_by(10, &other), &verifiers).unwrap();
        let ours = SignedTree::open(&log.signed_by(5, &test_signer()), &test_verifiers()).unwrap();
        assert!(matches!(
            reconcile(&ours, &theirs, serve(&log)),
            Err(TimelineError::OtherDatabase { .. })
        ));
    }
}
