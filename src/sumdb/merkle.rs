//! Where each hash of the checksum database's Merkle tree lives, and how hashes combine into
//! roots and proofs (RFC 6962, as golang.org/x/mod's `tlog`).
//!
//! Every hash the log ever stores has a fixed "stored index" (Crosby and Wallach's dense order,
//! in which each hash is stored as soon as the record completing it is appended; see
//! [`stored_hash_index`]); tiles are slices of that order. The root of a tree of any size is built from at most 64 stored hashes,
//! the perfect subtrees that tile it left to right ([`tree_hash`]). Record and tree proofs
//! (RFC 6962 audit paths and consistency proofs) are here too: the database serves no proof
//! endpoint, but a proof read from authenticated tiles is the evidence a fork report carries.

use super::hash::{Hash, empty_tree_hash, node_hash};

/// The largest tree this code reasons about: Go stores sizes as int64.
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    #[error("record {id} is not in the checksum database tree of size {size}")]
    RecordNotInTree { id: u64, size: u64 },
    #[error("a tree of size {old} cannot be a prefix of a tree of size {new}")]
    PrefixTooLarge { old: u64, new: u64 },
    #[error("tree size {0} is larger than any checksum database can hold")]
    TreeTooLarge(u64),
    #[error("hash index {index} is not in the checksum database tree of size {size}")]
    IndexNotInTree { index: u64, size: u64 },
    #[error("the proof does not lead to the signed root hash")]
    ProofFailed,
    #[error("hash storage answered {got} hashes for {want} indexes")]
    WrongHashCount { got: usize, want: usize },
    #[error("cannot read checksum database tiles {tiles}")]
    ReadTiles {
        tiles: String,
        #[source]
        source: anyhow::Error,
    },
    #[error("the tile reader answered {got} tiles for {want} requested")]
    WrongTileCount { got: usize, want: usize },
    #[error("checksum database tile {tile} holds {got} bytes, expected {want}")]
    TileSize {
        tile: String,
        got: usize,
        want: usize,
    },
    /// The tiles do not hash up to the signed root: at least one is corrupt, or from another
    /// tree. Go reports this as "downloaded inconsistent tile".
    #[error(
        "checksum database tiles do not hash to the signed root of tree size {size} ({root}): \
         at least one tile is corrupt or from another tree"
    )]
    InconsistentTile { size: u64, root: Hash },
    #[error("record {id} does not hash to the leaf of the checksum database tree of size {size}")]
    RecordMismatch { id: u64, size: u64 },
    /// A bug in this module, reported rather than panicking.
    #[error("internal error in checksum database proofs: {0}")]
    Internal(&'static str),
}

/// Something that answers stored hashes by index: plain storage in tests, authenticated tiles
/// in the client.
pub trait HashReader {
    /// The hashes at `indexes`, in the same order.
    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, ProofError>;
}

/// Plain storage: the hashes in stored-index order.
impl HashReader for &[Hash] {
    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, ProofError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.get(i))
                    .copied()
                    .ok_or(ProofError::IndexNotInTree {
                        index: i,
                        size: self.len() as u64,
                    })
            })
            .collect()
    }
}

/// Reads `indexes` and checks the reader answered one hash for each.
fn read_exactly(reader: &mut dyn HashReader, indexes: &[u64]) -> Result<Vec<Hash>, ProofError> {
    let hashes = reader.read_hashes(indexes)?;
    if hashes.len() != indexes.len() {
        return Err(ProofError::WrongHashCount {
            got: hashes.len(),
            want: indexes.len(),
        });
    }
    Ok(hashes)
}

/// The stored index of the hash at `level` (0 = records) and position `n` within that level.
/// A subtree's hash is stored right after its last record's hash and those of the smaller
/// subtrees that record completes, so hashes appear in the order the log completes them:
/// r0, r1, (1,0), r2, r3, (1,1), (2,0), r4, ...
pub fn stored_hash_index(level: u32, n: u64) -> u64 {
    // Level L's n-th hash completes with record (n+1)·2^L − 1; count the hashes before it.
    let mut n = n;
    for _ in 0..level {
        n = 2 * n + 1;
    }
    // Record n is stored at n + n/2 + n/4 + ... (each completed subtree adds one hash).
    let mut index = 0;
    while n > 0 {
        index += n;
        n >>= 1;
    }
    index + u64::from(level)
}

/// The inverse of [`stored_hash_index`]: the level and position of a stored index.
pub fn split_stored_hash_index(index: u64) -> (u32, u64) {
    // stored_hash_index(0, n) < 2n, so the record stored at or before `index` is in
    // [index/2, index/2 + log2(index)].
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    loop {
        // Record n+1 follows record n and the 1 + trailing_zeros(n+1) hashes it completes...
        let next = index_n + 1 + u64::from((n + 1).trailing_zeros());
        if next > index {
            break;
        }
        n += 1;
        index_n = next;
    }
    // ...so `index` is one of the hashes record n completed: (0, n), (1, n/2), (2, n/4), ...
    let level = (index - index_n) as u32;
    (level, n >> level)
}

/// How many hashes a log of `n` records stores.
pub fn stored_hash_count(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let mut count = stored_hash_index(0, n - 1) + 1;
    // The subtrees the last record completes.
    let mut i = n - 1;
    while i & 1 != 0 {
        count += 1;
        i >>= 1;
    }
    count
}

/// The hashes a log stores when it appends record `n` with leaf hash `leaf`, reading the
/// hashes it combines with from `storage` (those of records 0..n, in stored-index order).
pub fn stored_hashes_for_record(
    n: u64,
    leaf: Hash,
    reader: &mut dyn HashReader,
) -> Result<Vec<Hash>, ProofError> {
    // Each trailing 1 bit of n completes a subtree, pairing with its left neighbour.
    let completed = (n + 1).trailing_zeros();
    let indexes: Vec<u64> = (0..completed)
        .rev()
        .map(|level| stored_hash_index(level, (n >> level) - 1))
        .collect();
    let left = read_exactly(reader, &indexes)?;
    let mut hashes = vec![leaf];
    let mut h = leaf;
    for sibling in left.iter().rev() {
        h = node_hash(sibling, &h);
        hashes.push(h);
    }
    Ok(hashes)
}

/// `(k, log2 k)` for the largest power of two k smaller than n (k = 1 for n ≤ 2): the split
/// point of RFC 6962's recursive definition.
fn split_point(n: u64) -> (u64, u32) {
    if n <= 2 {
        return (1, 0);
    }
    let level = 63 - (n - 1).leading_zeros();
    (1 << level, level)
}

/// Appends the stored indexes of the perfect subtrees that cover records `[lo, hi)`, left to
/// right.
fn subtree_indexes(mut lo: u64, hi: u64, need: &mut Vec<u64>) {
    while lo < hi {
        let (k, level) = split_point(hi - lo + 1);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
}

/// The hash of records `[lo, hi)` from the hashes [`subtree_indexes`] named, and the hashes
/// left over.
fn subtree_hash(mut lo: u64, hi: u64, hashes: &[Hash]) -> Result<(Hash, &[Hash]), ProofError> {
    let mut count = 0;
    while lo < hi {
        let (k, _) = split_point(hi - lo + 1);
        count += 1;
        lo += k;
    }
    if count == 0 || hashes.len() < count {
        return Err(ProofError::Internal("subtree hash without its hashes"));
    }
    let (mine, rest) = hashes.split_at(count);
    let mut iter = mine.iter().rev();
    let mut h = *iter
        .next()
        .ok_or(ProofError::Internal("subtree hash without its hashes"))?;
    for left in iter {
        h = node_hash(left, &h);
    }
    Ok((h, rest))
}

/// The stored indexes [`tree_hash`] reads for a tree of `n` records.
pub fn tree_hash_indexes(n: u64) -> Vec<u64> {
    let mut need = Vec::new();
    subtree_indexes(0, n, &mut need);
    need
}

/// The root hash of the tree of the first `n` records.
pub fn tree_hash(n: u64, reader: &mut dyn HashReader) -> Result<Hash, ProofError> {
    if n > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(n));
    }
    if n == 0 {
        return Ok(empty_tree_hash());
    }
    let indexes = tree_hash_indexes(n);
    let hashes = read_exactly(reader, &indexes)?;
    let (root, rest) = subtree_hash(0, n, &hashes)?;
    if !rest.is_empty() {
        return Err(ProofError::Internal("tree hash left hashes over"));
    }
    Ok(root)
}

/// An RFC 6962 audit path: the sibling hashes from a record up to the root, nearest first.
pub type RecordProof = Vec<Hash>;

/// An RFC 6962 consistency proof that a tree is a prefix of a larger one.
pub type TreeProof = Vec<Hash>;

fn leaf_proof_indexes(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if lo + 1 >= hi {
        return;
    }
    let (k, _) = split_point(hi - lo);
    if n < lo + k {
        leaf_proof_indexes(lo, lo + k, n, need);
        subtree_indexes(lo + k, hi, need);
    } else {
        subtree_indexes(lo, lo + k, need);
        leaf_proof_indexes(lo + k, hi, n, need);
    }
}

fn leaf_proof(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &[Hash],
) -> Result<(RecordProof, &[Hash]), ProofError> {
    if lo + 1 >= hi {
        // The leaf itself: the verifier knows its hash.
        return Ok((Vec::new(), hashes));
    }
    let (k, _) = split_point(hi - lo);
    let (mut proof, sibling, rest) = if n < lo + k {
        let (proof, rest) = leaf_proof(lo, lo + k, n, hashes)?;
        let (sibling, rest) = subtree_hash(lo + k, hi, rest)?;
        (proof, sibling, rest)
    } else {
        let (sibling, rest) = subtree_hash(lo, lo + k, hashes)?;
        let (proof, rest) = leaf_proof(lo + k, hi, n, rest)?;
        (proof, sibling, rest)
    };
    proof.push(sibling);
    Ok((proof, rest))
}

/// The proof that the tree of `size` records holds record `id`.
pub fn prove_record(
    size: u64,
    id: u64,
    reader: &mut dyn HashReader,
) -> Result<RecordProof, ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(size));
    }
    if id >= size {
        return Err(ProofError::RecordNotInTree { id, size });
    }
    let mut indexes = Vec::new();
    leaf_proof_indexes(0, size, id, &mut indexes);
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = read_exactly(reader, &indexes)?;
    let (proof, rest) = leaf_proof(0, size, id, &hashes)?;
    if !rest.is_empty() {
        return Err(ProofError::Internal("record proof left hashes over"));
    }
    Ok(proof)
}

/// Checks that `proof` shows the tree of `size` records with root `root` holds `leaf` as
/// record `id`.
pub fn check_record(
    proof: &[Hash],
    size: u64,
    root: &Hash,
    id: u64,
    leaf: &Hash,
) -> Result<(), ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(size));
    }
    if id >= size {
        return Err(ProofError::RecordNotInTree { id, size });
    }
    if run_record_proof(proof, 0, size, id, leaf)? == *root {
        Ok(())
    } else {
        Err(ProofError::ProofFailed)
    }
}

/// The root of records `[lo, hi)` implied by `proof` and the leaf hash of record `n`.
fn run_record_proof(
    proof: &[Hash],
    lo: u64,
    hi: u64,
    n: u64,
    leaf: &Hash,
) -> Result<Hash, ProofError> {
    if lo + 1 >= hi {
        // A proof with hashes to spare is no proof.
        return if proof.is_empty() {
            Ok(*leaf)
        } else {
            Err(ProofError::ProofFailed)
        };
    }
    let (last, inner) = proof.split_last().ok_or(ProofError::ProofFailed)?;
    let (k, _) = split_point(hi - lo);
    if n < lo + k {
        let left = run_record_proof(inner, lo, lo + k, n, leaf)?;
        Ok(node_hash(&left, last))
    } else {
        let right = run_record_proof(inner, lo + k, hi, n, leaf)?;
        Ok(node_hash(last, &right))
    }
}

fn tree_proof_indexes(lo: u64, hi: u64, n: u64, need: &mut Vec<u64>) {
    if n >= hi {
        if lo != 0 {
            subtree_indexes(lo, hi, need);
        }
        return;
    }
    let (k, _) = split_point(hi - lo);
    if n <= lo + k {
        tree_proof_indexes(lo, lo + k, n, need);
        subtree_indexes(lo + k, hi, need);
    } else {
        subtree_indexes(lo, lo + k, need);
        tree_proof_indexes(lo + k, hi, n, need);
    }
}

fn tree_proof(
    lo: u64,
    hi: u64,
    n: u64,
    hashes: &[Hash],
) -> Result<(TreeProof, &[Hash]), ProofError> {
    if n >= hi {
        if lo == 0 {
            // Exactly the old tree: the verifier knows its hash.
            return Ok((Vec::new(), hashes));
        }
        let (h, rest) = subtree_hash(lo, hi, hashes)?;
        return Ok((vec![h], rest));
    }
    let (k, _) = split_point(hi - lo);
    let (mut proof, other, rest) = if n <= lo + k {
        let (proof, rest) = tree_proof(lo, lo + k, n, hashes)?;
        let (other, rest) = subtree_hash(lo + k, hi, rest)?;
        (proof, other, rest)
    } else {
        let (other, rest) = subtree_hash(lo, lo + k, hashes)?;
        let (proof, rest) = tree_proof(lo + k, hi, n, rest)?;
        (proof, other, rest)
    };
    proof.push(other);
    Ok((proof, rest))
}

/// The proof that the tree of `size` records holds the tree of `old` records as a prefix.
pub fn prove_tree(
    size: u64,
    old: u64,
    reader: &mut dyn HashReader,
) -> Result<TreeProof, ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(size));
    }
    if old == 0 || old > size {
        return Err(ProofError::PrefixTooLarge { old, new: size });
    }
    let mut indexes = Vec::new();
    tree_proof_indexes(0, size, old, &mut indexes);
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = read_exactly(reader, &indexes)?;
    let (proof, rest) = tree_proof(0, size, old, &hashes)?;
    if !rest.is_empty() {
        return Err(ProofError::Internal("tree proof left hashes over"));
    }
    Ok(proof)
}

/// Checks that `proof` shows the tree (`size`, `root`) holds the tree (`old`, `old_root`) as a
/// prefix.
pub fn check_tree(
    proof: &[Hash],
    size: u64,
    root: &Hash,
    old: u64,
    old_root: &Hash,
) -> Result<(), ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(size));
    }
    if old == 0 || old > size {
        return Err(ProofError::PrefixTooLarge { old, new: size });
    }
    let (old2, root2) = run_tree_proof(proof, 0, size, old, old_root)?;
    if old2 == *old_root && root2 == *root {
        Ok(())
    } else {
        Err(ProofError::ProofFailed)
    }
}

/// The hashes of records `[lo, hi)` in the old tree (of `n` records) and in the new one,
/// implied by `proof`.
fn run_tree_proof(
    proof: &[Hash],
    lo: u64,
    hi: u64,
    n: u64,
    old: &Hash,
) -> Result<(Hash, Hash), ProofError> {
    if n >= hi {
        if lo == 0 {
            return if proof.is_empty() {
                Ok((*old, *old))
            } else {
                Err(ProofError::ProofFailed)
            };
        }
        return match proof {
            [h] => Ok((*h, *h)),
            _ => Err(ProofError::ProofFailed),
        };
    }
    let (last, inner) = proof.split_last().ok_or(ProofError::ProofFailed)?;
    let (k, _) = split_point(hi - lo);
    if n <= lo + k {
        let (old_hash, new_hash) = run_tree_proof(inner, lo, lo + k, n, old)?;
        Ok((old_hash, node_hash(&new_hash, last)))
    } else {
        let (old_hash, new_hash) = run_tree_proof(inner, lo + k, hi, n, old)?;
        Ok((node_hash(last, &old_hash), node_hash(last, &new_hash)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::hash::record_hash;
    use super::*;

    /// A log in memory: every stored hash, appended the way a database appends.
    fn build(records: u64) -> (Vec<Hash>, Vec<Hash>, Vec<Hash>) {
        let mut storage: Vec<Hash> = Vec::new();
        let mut leaves = Vec::new();
        let mut roots = Vec::new();
        for i in 0..records {
            let leaf = record_hash(format!("leaf {i}").as_bytes());
            let new = stored_hashes_for_record(i, leaf, &mut storage.as_slice()).unwrap();
            storage.extend(new);
            assert_eq!(stored_hash_count(i + 1), storage.len() as u64, "record {i}");
            leaves.push(leaf);
            roots.push(tree_hash(i + 1, &mut storage.as_slice()).unwrap());
        }
        (storage, leaves, roots)
    }

    #[test]
    fn stored_index_table() {
        // Records and the subtrees they complete, in order: r0, r1, (1,0), r2, r3, (1,1),
        // (2,0), r4, ...
        let rows = [
            ((0, 0), 0),
            ((0, 1), 1),
            ((1, 0), 2),
            ((0, 2), 3),
            ((0, 3), 4),
            ((1, 1), 5),
            ((2, 0), 6),
            ((0, 4), 7),
            ((0, 5), 8),
            ((1, 2), 9),
            ((3, 0), 14),
        ];
        for ((level, n), index) in rows {
            assert_eq!(stored_hash_index(level, n), index, "({level}, {n})");
            assert_eq!(split_stored_hash_index(index), (level, n), "{index}");
        }
    }

    // golang.org/x/mod tlog_test.go TestSplitStoredHashIndex, and a few far-out values.
    #[test]
    fn split_inverts_stored_index() {
        for level in 0..10 {
            for n in 0..100 {
                let x = stored_hash_index(level, n);
                assert_eq!(split_stored_hash_index(x), (level, n));
            }
        }
        for (level, n) in [(0, 28_905_452), (8, 112_911), (16, 441), (0, 1 << 40)] {
            let x = stored_hash_index(level, n);
            assert_eq!(split_stored_hash_index(x), (level, n));
        }
    }

    #[test]
    fn split_point_table() {
        for (n, want) in [
            (0, (1, 0)),
            (1, (1, 0)),
            (2, (1, 0)),
            (3, (2, 1)),
            (4, (2, 1)),
            (5, (4, 2)),
            (8, (4, 2)),
            (9, (8, 3)),
            (MAX_TREE_SIZE + 1, (1 << 62, 62)),
            (u64::MAX, (1 << 63, 63)),
        ] {
            assert_eq!(split_point(n), want, "{n}");
        }
    }

    #[test]
    fn empty_tree_hash_needs_no_storage() {
        let mut none: &[Hash] = &[];
        assert_eq!(tree_hash(0, &mut none).unwrap(), empty_tree_hash());
    }

    #[test]
    fn roots_match_the_rfc_6962_definition() {
        // The recursive definition, computed directly from the leaves.
        fn mth(leaves: &[Hash]) -> Hash {
            match leaves.len() {
                0 => empty_tree_hash(),
                1 => leaves[0],
                n => {
                    let (k, _) = split_point(n as u64);
                    let (l, r) = leaves.split_at(k as usize);
                    node_hash(&mth(l), &mth(r))
                }
            }
        }
        let (_, leaves, roots) = build(70);
        for (i, root) in roots.iter().enumerate() {
            assert_eq!(*root, mth(&leaves[..=i]), "size {}", i + 1);
        }
    }

    // golang.org/x/mod tlog_test.go TestTree's proof part: every record in every tree size,
    // every prefix of every size, and every single-bit corruption of each proof refused.
    #[test]
    fn record_and_tree_proofs_check_and_corruptions_fail() {
        let (storage, leaves, roots) = build(100);
        let mut reader = storage.as_slice();
        for size in 1..=100u64 {
            let root = roots[size as usize - 1];
            for id in 0..size {
                let mut proof = prove_record(size, id, &mut reader).unwrap();
                let leaf = leaves[id as usize];
                check_record(&proof, size, &root, id, &leaf).unwrap();
                for k in 0..proof.len() {
                    proof[k].0[0] ^= 1;
                    assert!(check_record(&proof, size, &root, id, &leaf).is_err());
                    proof[k].0[0] ^= 1;
                }
                // Another record's leaf, or the right leaf at another position, fails.
                let other = leaves[((id + 1) % size) as usize];
                if size > 1 {
                    assert!(check_record(&proof, size, &root, id, &other).is_err());
                }
            }
            for old in 1..=size {
                let old_root = roots[old as usize - 1];
                let mut proof = prove_tree(size, old, &mut reader).unwrap();
                check_tree(&proof, size, &root, old, &old_root).unwrap();
                for k in 0..proof.len() {
                    proof[k].0[0] ^= 1;
                    assert!(check_tree(&proof, size, &root, old, &old_root).is_err());
                    proof[k].0[0] ^= 1;
                }
                if old > 1 {
                    let wrong = roots[old as usize - 2];
                    assert!(check_tree(&proof, size, &root, old, &wrong).is_err());
                }
            }
        }
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let (storage, leaves, roots) = build(5);
        let mut reader = storage.as_slice();
        assert!(matches!(
            prove_record(5, 5, &mut reader),
            Err(ProofError::RecordNotInTree { id: 5, size: 5 })
        ));
        assert!(matches!(
            prove_tree(5, 6, &mut reader),
            Err(ProofError::PrefixTooLarge { old: 6, new: 5 })
        ));
        assert!(matches!(
            prove_tree(5, 0, &mut reader),
            Err(ProofError::PrefixTooLarge { .. })
        ));
        assert!(matches!(
            tree_hash(u64::MAX, &mut reader),
            Err(ProofError::TreeTooLarge(_))
        ));
        // A tree larger than the storage: the storage says which index is missing.
        assert!(matches!(
            tree_hash(7, &mut reader),
            Err(ProofError::IndexNotInTree { .. })
        ));
        assert!(check_record(&[], 5, &roots[4], 9, &leaves[0]).is_err());
        assert!(check_record(&[], 5, &roots[4], 0, &leaves[0]).is_err());
        assert!(check_tree(&[roots[0]; 70], 5, &roots[4], 3, &roots[2]).is_err());
        assert!(check_tree(&[], 5, &roots[4], 0, &roots[2]).is_err());
    }
}
