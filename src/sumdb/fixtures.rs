//! Test data: real answers of sum.golang.org, and a checksum database in memory (records,
//! stored hashes, tiles, heads signed by a test key) to prove things against.

use super::hash::{Hash, record_hash};
use super::merkle::{stored_hashes_for_record, tree_hash};
use super::note::{Signer, Verifiers, sign};
use super::tile::{Tile, tile_bytes};
use super::tree::{SignedTree, Tree};

/// sum.golang.org's real verifier key.
pub const SUM_GOLANG_ORG: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

/// Two real tree heads of sum.golang.org (size, root, signature), from public posts; both
/// verify with the real key (spec/go-facts.md).
pub const REAL_HEADS: [(u64, &str, &str); 2] = [
    (
        28_905_453,
        "f3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=",
        "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=",
    ),
    (
        28_891_140,
        "++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=",
        "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
    ),
];

/// The signed note of one of [`REAL_HEADS`].
pub fn real_head_note(size: u64) -> String {
    let (size, root, signature) = REAL_HEADS
        .iter()
        .find(|head| head.0 == size)
        .expect("a real head of that size");
    format!("go.sum database tree\n{size}\n{root}\n\n— sum.golang.org {signature}\n")
}

/// The real lookup of golang.org/toolchain@v0.0.1-go1.21.9.linux-amd64 (record 24929362),
/// which came with the first of [`REAL_HEADS`].
pub const REAL_LOOKUP_ID: u64 = 24_929_362;
pub const REAL_LOOKUP_VERSION: &str = "v0.0.1-go1.21.9.linux-amd64";
pub const REAL_LOOKUP_RECORD: &str = "golang.org/toolchain v0.0.1-go1.21.9.linux-amd64 \
h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=\n\
golang.org/toolchain v0.0.1-go1.21.9.linux-amd64/go.mod \
h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=\n";

pub fn real_lookup_answer() -> String {
    format!(
        "{REAL_LOOKUP_ID}\n{REAL_LOOKUP_RECORD}\n{}",
        real_head_note(REAL_HEADS[0].0)
    )
}

/// The test database's name and key (fixed seeds, so failures reproduce).
pub const TEST_DB: &str = "sum.test.example";

pub fn test_signer() -> Signer {
    Signer::from_seed(TEST_DB, &[7; 32]).unwrap()
}

/// Another key under the same name: what a forger without the real key would sign with.
pub fn other_signer() -> Signer {
    Signer::from_seed(TEST_DB, &[8; 32]).unwrap()
}

pub fn test_verifiers() -> Verifiers {
    Verifiers::from(test_signer().verifier())
}

/// A checksum database's log in memory.
#[derive(Default)]
pub struct TestLog {
    /// Every stored hash, in stored-index order.
    pub hashes: Vec<Hash>,
    pub records: Vec<Vec<u8>>,
}

impl TestLog {
    /// A log of `n` records, record i being `record_text(i)`.
    pub fn with_records(n: u64) -> TestLog {
        let mut log = TestLog::default();
        for i in 0..n {
            log.append(record_text(i).into_bytes());
        }
        log
    }

    pub fn append(&mut self, record: Vec<u8>) {
        let n = self.records.len() as u64;
        let new =
            stored_hashes_for_record(n, record_hash(&record), &mut self.hashes.as_slice()).unwrap();
        self.hashes.extend(new);
        self.records.push(record);
    }

    /// The tree head of the first `size` records.
    pub fn tree(&self, size: u64) -> Tree {
        Tree {
            size,
            root: tree_hash(size, &mut self.hashes.as_slice()).unwrap(),
        }
    }

    /// The head of the first `size` records, signed by `signer`.
    pub fn signed_by(&self, size: u64, signer: &Signer) -> Vec<u8> {
        sign(&self.tree(size).format(), &[signer]).unwrap()
    }

    /// The head of the first `size` records, signed with the test key and opened.
    pub fn head(&self, size: u64) -> SignedTree {
        SignedTree::open(&self.signed_by(size, &test_signer()), &test_verifiers()).unwrap()
    }

    /// A tile's bytes as the database serves them.
    pub fn tile(&self, tile: &Tile) -> anyhow::Result<Vec<u8>> {
        Ok(tile_bytes(tile, &mut self.hashes.as_slice())?)
    }

    /// A tile reader serving this log's tiles, logging each tile asked for.
    pub fn reader<'a>(
        &'a self,
        asked: &'a mut Vec<Tile>,
    ) -> impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + 'a {
        move |tiles: &[Tile]| {
            asked.extend_from_slice(tiles);
            tiles.iter().map(|t| self.tile(t)).collect()
        }
    }
}

/// One log of 70 000 records (past two tile levels), built once and shared by the tests.
pub fn big_log() -> &'static TestLog {
    static LOG: std::sync::OnceLock<TestLog> = std::sync::OnceLock::new();
    LOG.get_or_init(|| TestLog::with_records(70_000))
}

/// Record i's text, shaped like a real record.
pub fn record_text(i: u64) -> String {
    format!(
        "example.com/m{i} v1.0.0 h1:{}\nexample.com/m{i} v1.0.0/go.mod h1:{}\n",
        record_hash(format!("zip {i}").as_bytes()),
        record_hash(format!("mod {i}").as_bytes()),
    )
}

/// Proptest strategies shared by the parsers' tests.
pub mod strategies {
    use proptest::prelude::*;

    /// The default case count for this module's property tests: enough to find a slicing
    /// mistake, few enough to keep `cargo test` quick.
    pub fn config() -> ProptestConfig {
        ProptestConfig::with_cases(512)
    }

    /// `valid` with a few random edits: bytes replaced, inserted or removed, or a cut.
    pub fn mutated(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
        let edits =
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..4u8), 1..4);
        edits.prop_map(move |edits| {
            let mut bytes = valid.clone();
            for (at, byte, op) in edits {
                if bytes.is_empty() {
                    bytes.push(byte);
                    continue;
                }
                let i = at.index(bytes.len());
                match op {
                    0 => bytes[i] = byte,
                    1 => bytes.insert(i, byte),
                    2 => {
                        bytes.remove(i);
                    }
                    _ => bytes.truncate(i),
                }
            }
            bytes
        })
    }
}
