//! Proofs from tiles: what a client can believe about a signed tree, given tiles from an
//! untrusted proxy. A tile's bytes are used only where they hash up to the signed root:
//!
//! - the tiles at the tree's right edge (those holding the perfect subtrees that make up the
//!   root) are believed once the root recomputed from them equals the signed root;
//! - every other tile is full and is believed once its subtree hash equals the entry for it in
//!   its parent tile, itself already believed, up to one of the edge tiles.
//!
//! Go's `tlog.TileHashReader` had a hole here until x/mod v0.40.0 (CVE-2026-56865, Go issue
//! 80744): its loop over the second kind started at the wrong position and skipped up to two
//! tiles, so a proxy could forge the tile holding a record. Here every tile of the second kind is
//! checked, and the functions below take a [`SignedTree`], so no proof runs against an unsigned
//! root. The caller only moves bytes: a closure gets a list of tiles and returns their bytes
//! (from a cache or a proxy, in parallel if it likes), and gets back, with each result, the tiles
//! that proved it, now safe to cache.

use super::hash::{Hash, empty_tree_hash, node_hash, record_hash};
use super::merkle::{
    HashReader, MAX_TREE_SIZE, ProofError, TreeProof, prove_tree, stored_hash_index, tree_hash,
    tree_hash_indexes,
};
use super::tile::{HEIGHT, Tile, hash_from_tile, subtree_of_entries, tile_for_index, tile_parent};
use super::tree::SignedTree;
use std::collections::{BTreeMap, HashMap};

/// What the caller supplies: given tiles, their bytes (exactly `width × 32` each), from a cache
/// or a proxy. Asked once per proof step with every tile that step needs.
pub type ReadTiles<'a> = dyn FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + 'a;

/// A result proven from tiles that hash up to a signed root, and those tiles: the only bytes a
/// caller should write to a tile cache.
#[derive(Debug)]
pub struct Authenticated<T> {
    pub value: T,
    pub tiles: Vec<(Tile, Vec<u8>)>,
}

/// Which tiles prove a set of stored hashes in a tree, parents before children.
struct Plan {
    tiles: Vec<Tile>,
    /// The stored indexes of the root's perfect subtrees, and the tile holding each.
    edge: Vec<(u64, usize)>,
    /// How many of `tiles` are edge tiles (they come first).
    edge_tiles: usize,
    /// For each requested index, the tile to read it from.
    wanted: Vec<usize>,
}

fn plan(size: u64, height: u8, indexes: &[u64]) -> Result<Plan, ProofError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofError::TreeTooLarge(size));
    }
    let lost = || ProofError::Internal("a tile outside the tree");
    let mut tiles: Vec<Tile> = Vec::new();
    let mut order: HashMap<Tile, usize> = HashMap::new();
    // Plans a tile once; its position either way.
    fn add(tile: Tile, tiles: &mut Vec<Tile>, order: &mut HashMap<Tile, usize>) -> usize {
        *order.entry(tile).or_insert_with(|| {
            tiles.push(tile);
            tiles.len() - 1
        })
    }

    // The right edge: tiles holding the subtrees that make up the root.
    let mut edge = Vec::new();
    for index in tree_hash_indexes(size) {
        let (tile, _) = tile_for_index(height, index).ok_or_else(lost)?;
        let tile = tile_parent(&tile, 0, size).ok_or_else(lost)?;
        edge.push((index, add(tile, &mut tiles, &mut order)));
    }
    let edge_tiles = tiles.len();

    // Each wanted hash's tile, and the chain of full tiles from it up to one already planned.
    let end = stored_hash_index(0, size);
    let mut wanted = Vec::with_capacity(indexes.len());
    for &index in indexes {
        if index >= end {
            return Err(ProofError::IndexNotInTree { index, size });
        }
        let (tile, _) = tile_for_index(height, index).ok_or_else(lost)?;
        let mut chain = Vec::new();
        let mut k = 0;
        loop {
            let ancestor = tile_parent(&tile, k, size).ok_or_else(lost)?;
            if order.contains_key(&ancestor) {
                break;
            }
            // A tile below another is full, or the tiling math is wrong.
            if !ancestor.is_full() {
                return Err(ProofError::Internal("a partial tile below another"));
            }
            chain.push(ancestor);
            k += 1;
            if k > 64 {
                return Err(lost());
            }
        }
        // Parents first, so each tile's parent is checked before it.
        for ancestor in chain.into_iter().rev() {
            add(ancestor, &mut tiles, &mut order);
        }
        let own = tile_parent(&tile, 0, size).ok_or_else(lost)?;
        wanted.push(*order.get(&own).ok_or_else(lost)?);
    }
    Ok(Plan {
        tiles,
        edge,
        edge_tiles,
        wanted,
    })
}

/// Stored hashes of one signed tree, read from tiles and believed only once authenticated.
/// Tiles authenticated once are kept and not asked for again.
struct TileHashReader<'r> {
    size: u64,
    root: Hash,
    height: u8,
    read: &'r mut ReadTiles<'r>,
    believed: BTreeMap<Tile, Vec<u8>>,
}

impl<'r> TileHashReader<'r> {
    fn new(size: u64, root: Hash, height: u8, read: &'r mut ReadTiles<'r>) -> Self {
        TileHashReader {
            size,
            root,
            height,
            read,
            believed: BTreeMap::new(),
        }
    }

    /// The tiles read so far, every one authenticated.
    fn into_tiles(self) -> Vec<(Tile, Vec<u8>)> {
        self.believed.into_iter().collect()
    }

    /// The bytes of every planned tile: from those already believed, the rest from the reader;
    /// and for each, whether it was already believed.
    fn fetch(&mut self, tiles: &[Tile]) -> Result<(Vec<Vec<u8>>, Vec<bool>), ProofError> {
        let missing: Vec<Tile> = tiles
            .iter()
            .filter(|t| !self.believed.contains_key(t))
            .copied()
            .collect();
        let mut fresh: HashMap<Tile, Vec<u8>> = HashMap::new();
        if !missing.is_empty() {
            let data = (self.read)(&missing).map_err(|source| ProofError::ReadTiles {
                tiles: describe(&missing),
                source,
            })?;
            if data.len() != missing.len() {
                return Err(ProofError::WrongTileCount {
                    got: data.len(),
                    want: missing.len(),
                });
            }
            for (tile, bytes) in missing.into_iter().zip(data) {
                if bytes.len() != tile.byte_len() {
                    return Err(ProofError::TileSize {
                        tile: tile.path(),
                        got: bytes.len(),
                        want: tile.byte_len(),
                    });
                }
                fresh.insert(tile, bytes);
            }
        }
        let data = tiles
            .iter()
            .map(|tile| {
                self.believed
                    .get(tile)
                    .or_else(|| fresh.get(tile))
                    .cloned()
                    .ok_or(ProofError::Internal("a planned tile went missing"))
            })
            .collect::<Result<_, _>>()?;
        let believed = tiles
            .iter()
            .map(|t| self.believed.contains_key(t))
            .collect();
        Ok((data, believed))
    }

    /// Checks the planned tiles against the signed root (see the module header). Tiles
    /// `believed` were checked against this same root by an earlier read.
    fn authenticate(
        &self,
        plan: &Plan,
        data: &[Vec<u8>],
        believed: &[bool],
    ) -> Result<(), ProofError> {
        let inconsistent = || ProofError::InconsistentTile {
            size: self.size,
            root: self.root,
        };
        // The edge tiles: the root from their subtrees, right to left.
        if !believed.iter().take(plan.edge_tiles).all(|&b| b) {
            let mut root: Option<Hash> = None;
            for &(index, tile) in plan.edge.iter().rev() {
                let h = hash_from_tile(&plan.tiles[tile], &data[tile], index)?;
                root = Some(match root {
                    None => h,
                    Some(right) => node_hash(&h, &right),
                });
            }
            if root.unwrap_or_else(empty_tree_hash) != self.root {
                return Err(inconsistent());
            }
        }
        // Every other tile against its parent, planned (and so checked) before it.
        for (i, tile) in plan.tiles.iter().enumerate().skip(plan.edge_tiles) {
            if believed.get(i).copied().unwrap_or(false) {
                continue;
            }
            let parent = tile_parent(tile, 1, self.size)
                .ok_or(ProofError::Internal("a tile without a parent"))?;
            let p = plan
                .tiles
                .iter()
                .position(|t| *t == parent)
                .filter(|&p| p < i)
                .ok_or(ProofError::Internal("a tile planned before its parent"))?;
            let h = u32::from(parent.height());
            let entry = stored_hash_index(h * u32::from(parent.level()), tile.n());
            let expected = hash_from_tile(&parent, &data[p], entry)?;
            if subtree_of_entries(&data[i]) != Some(expected) {
                return Err(inconsistent());
            }
        }
        Ok(())
    }
}

impl HashReader for TileHashReader<'_> {
    fn read_hashes(&mut self, indexes: &[u64]) -> Result<Vec<Hash>, ProofError> {
        let plan = plan(self.size, self.height, indexes)?;
        let (data, believed) = self.fetch(&plan.tiles)?;
        self.authenticate(&plan, &data, &believed)?;
        let hashes = indexes
            .iter()
            .zip(&plan.wanted)
            .map(|(&index, &tile)| hash_from_tile(&plan.tiles[tile], &data[tile], index))
            .collect::<Result<Vec<Hash>, ProofError>>()?;
        for (tile, bytes) in plan.tiles.into_iter().zip(data) {
            self.believed.entry(tile).or_insert(bytes);
        }
        Ok(hashes)
    }
}

/// "tile/8/0/000, tile/8/1/000.p/3": the tiles a failed read asked for.
fn describe(tiles: &[Tile]) -> String {
    tiles.iter().map(Tile::path).collect::<Vec<_>>().join(", ")
}

/// The tiles that prove record `id` in the tree of `size` records (for prefetching; the proof
/// functions ask for the same ones).
pub fn tiles_for_record(size: u64, id: u64) -> Result<Vec<Tile>, ProofError> {
    if id >= size {
        return Err(ProofError::RecordNotInTree { id, size });
    }
    Ok(plan(size, HEIGHT, &[stored_hash_index(0, id)])?.tiles)
}

/// The tiles that give the root of the first `old` records from the tree of `size` records.
pub fn tiles_for_prefix(size: u64, old: u64) -> Result<Vec<Tile>, ProofError> {
    if old > size {
        return Err(ProofError::PrefixTooLarge { old, new: size });
    }
    Ok(plan(size, HEIGHT, &tree_hash_indexes(old))?.tiles)
}

/// The leaf hash of record `id` in the signed tree.
pub fn record_leaf(
    tree: &SignedTree,
    id: u64,
    mut read: impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>>,
) -> Result<Authenticated<Hash>, ProofError> {
    record_leaf_at(tree.size(), tree.root(), HEIGHT, id, &mut read)
}

fn record_leaf_at(
    size: u64,
    root: Hash,
    height: u8,
    id: u64,
    read: &mut ReadTiles<'_>,
) -> Result<Authenticated<Hash>, ProofError> {
    if id >= size {
        return Err(ProofError::RecordNotInTree { id, size });
    }
    let mut reader = TileHashReader::new(size, root, height, read);
    let hashes = reader.read_hashes(&[stored_hash_index(0, id)])?;
    let value = *hashes
        .first()
        .ok_or(ProofError::Internal("no hash for the record"))?;
    Ok(Authenticated {
        value,
        tiles: reader.into_tiles(),
    })
}

/// Proves that record `id` of the signed tree is `text` (the record's lines, final newline
/// included: the bytes a lookup answer holds between its id line and its blank line).
pub fn check_record_text(
    tree: &SignedTree,
    id: u64,
    text: &[u8],
    read: impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>>,
) -> Result<Authenticated<()>, ProofError> {
    let leaf = record_leaf(tree, id, read)?;
    if leaf.value != record_hash(text) {
        return Err(ProofError::RecordMismatch {
            id,
            size: tree.size(),
        });
    }
    Ok(Authenticated {
        value: (),
        tiles: leaf.tiles,
    })
}

/// The root of the first `old` records, computed from the signed tree's tiles: an older head
/// of `old` records is a prefix of this tree exactly when its root equals this.
pub fn prefix_root(
    tree: &SignedTree,
    old: u64,
    mut read: impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>>,
) -> Result<Authenticated<Hash>, ProofError> {
    let (value, _, tiles) =
        prefix_root_at(tree.size(), tree.root(), HEIGHT, old, false, &mut read)?;
    Ok(Authenticated { value, tiles })
}

/// The prefix root and, when `with_proof`, the RFC 6962 consistency proof for it (evidence for
/// a fork report, built from the same tiles).
pub(super) fn prefix_root_with_proof(
    tree: &SignedTree,
    old: u64,
    read: &mut ReadTiles<'_>,
) -> Result<Authenticated<(Hash, TreeProof)>, ProofError> {
    let (root, proof, tiles) = prefix_root_at(tree.size(), tree.root(), HEIGHT, old, true, read)?;
    Ok(Authenticated {
        value: (root, proof),
        tiles,
    })
}

type PrefixResult = (Hash, TreeProof, Vec<(Tile, Vec<u8>)>);

fn prefix_root_at(
    size: u64,
    root: Hash,
    height: u8,
    old: u64,
    with_proof: bool,
    read: &mut ReadTiles<'_>,
) -> Result<PrefixResult, ProofError> {
    if old > size {
        return Err(ProofError::PrefixTooLarge { old, new: size });
    }
    let mut reader = TileHashReader::new(size, root, height, read);
    let old_root = tree_hash(old, &mut reader)?;
    let proof = if with_proof && old > 0 {
        prove_tree(size, old, &mut reader)?
    } else {
        Vec::new()
    };
    Ok((old_root, proof, reader.into_tiles()))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{TestLog, big_log};
    use super::super::merkle::{check_record, check_tree, prove_record};
    use super::*;

    fn serve(log: &TestLog) -> impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + '_ {
        |tiles: &[Tile]| tiles.iter().map(|t| log.tile(t)).collect()
    }

    /// A reader that serves `log` but alters the bytes of one tile.
    fn serve_altered<'a>(
        log: &'a TestLog,
        target: Tile,
        alter: impl Fn(&mut Vec<u8>) + 'a,
    ) -> impl FnMut(&[Tile]) -> anyhow::Result<Vec<Vec<u8>>> + 'a {
        move |tiles: &[Tile]| {
            tiles
                .iter()
                .map(|t| {
                    let mut bytes = log.tile(t)?;
                    if *t == target {
                        alter(&mut bytes);
                    }
                    Ok(bytes)
                })
                .collect()
        }
    }

    // golang.org/x/mod tlog_test.go TestTree, the tile part, at height 2 so that 100 records
    // make four tile levels: every record and every prefix of every size, read from tiles.
    #[test]
    fn small_height_every_record_and_prefix() {
        let log = TestLog::with_records(100);
        for size in 1..=100u64 {
            let tree = log.tree(size);
            let mut read = serve(&log);
            let mut reader = TileHashReader::new(size, tree.root, 2, &mut read);
            for id in 0..size {
                let leaf = reader.read_hashes(&[stored_hash_index(0, id)]).unwrap();
                assert_eq!(leaf, [record_hash(&log.records[id as usize])]);
                // A proof built from tile hashes checks against the signed root.
                let proof = prove_record(size, id, &mut reader).unwrap();
                check_record(&proof, size, &tree.root, id, &leaf[0]).unwrap();
            }
            for old in 0..=size {
                let want = log.tree(old).root;
                assert_eq!(
                    tree_hash(old, &mut reader).unwrap(),
                    want,
                    "{old} in {size}"
                );
                if old > 0 {
                    let proof = prove_tree(size, old, &mut reader).unwrap();
                    check_tree(&proof, size, &tree.root, old, &want).unwrap();
                }
            }
            // An index past the tree is refused.
            assert!(matches!(
                reader.read_hashes(&[stored_hash_index(0, size)]),
                Err(ProofError::IndexNotInTree { .. })
            ));
        }
    }

    #[test]
    fn small_height_every_tile_corruption_is_caught() {
        let log = TestLog::with_records(45);
        for size in [5, 16, 17, 33, 45] {
            let tree = log.tree(size);
            for id in 0..size {
                let tiles = plan(size, 2, &[stored_hash_index(0, id)]).unwrap().tiles;
                for target in tiles {
                    for byte in [0, 31, target.byte_len() - 1] {
                        let mut read = serve_altered(&log, target, move |b| b[byte] ^= 0x40);
                        let mut reader = TileHashReader::new(size, tree.root, 2, &mut read);
                        let got = reader.read_hashes(&[stored_hash_index(0, id)]);
                        assert!(
                            matches!(got, Err(ProofError::InconsistentTile { .. })),
                            "size {size}, record {id}, {target} byte {byte}: {got:?}"
                        );
                    }
                }
            }
        }
    }

    /// The boundary records of a tree of `size` records.
    fn interesting_ids(size: u64) -> Vec<u64> {
        let mut ids: Vec<u64> = [0, 1, 254, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537]
            .into_iter()
            .chain([size / 2, size.saturating_sub(2), size - 1])
            .filter(|&id| id < size)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    #[test]
    fn records_at_tile_boundaries_prove_in_many_tree_sizes() {
        let log = big_log();
        for size in [
            1, 2, 255, 256, 257, 300, 1000, 65_535, 65_536, 65_537, 65_540,
        ] {
            let head = log.head(size);
            for id in interesting_ids(size) {
                let text = &log.records[id as usize];
                let got = check_record_text(&head, id, text, serve(log))
                    .unwrap_or_else(|e| panic!("record {id} in {size}: {e}"));
                // The tiles handed back are the planned ones, with the log's bytes.
                let planned = tiles_for_record(size, id).unwrap();
                assert_eq!(got.tiles.len(), planned.len());
                for (tile, bytes) in &got.tiles {
                    assert!(planned.contains(tile));
                    assert_eq!(*bytes, log.tile(tile).unwrap());
                }
                // Another record's text at this id is refused.
                let other = &log.records[((id + 1) % size) as usize];
                if size > 1 {
                    assert!(matches!(
                        check_record_text(&head, id, other, serve(log)),
                        Err(ProofError::RecordMismatch { .. })
                    ));
                }
            }
            assert!(matches!(
                check_record_text(&head, size, b"x\n", serve(log)),
                Err(ProofError::RecordNotInTree { .. })
            ));
        }
    }

    #[test]
    fn prefixes_between_sizes() {
        let log = big_log();
        let sizes = [1, 255, 256, 257, 1000, 65_535, 65_536, 65_537, 65_540];
        for (i, &size) in sizes.iter().enumerate() {
            let head = log.head(size);
            for &old in &sizes[..=i] {
                let got = prefix_root(&head, old, serve(log)).unwrap();
                assert_eq!(got.value, log.tree(old).root, "{old} in {size}");
                let planned = tiles_for_prefix(size, old).unwrap();
                assert_eq!(got.tiles.len(), planned.len());
            }
            assert_eq!(
                prefix_root(&head, 0, serve(log)).unwrap().value,
                super::super::hash::empty_tree_hash()
            );
            assert!(matches!(
                prefix_root(&head, size + 1, serve(log)),
                Err(ProofError::PrefixTooLarge { .. })
            ));
        }
    }

    #[test]
    fn one_flipped_byte_in_any_tile_is_refused() {
        let log = big_log();
        for (size, id) in [(65_540, 5), (65_540, 65_539), (65_537, 300), (1000, 999)] {
            let head = log.head(size);
            let text = &log.records[id as usize];
            for target in tiles_for_record(size, id).unwrap() {
                // A byte in the middle and the last byte, whatever the tile's width.
                for pick in [|len: usize| 77 % len, |len: usize| len - 1] {
                    let read = serve_altered(log, target, move |b| {
                        let at = pick(b.len());
                        b[at] ^= 1;
                    });
                    let got = check_record_text(&head, id, text, read);
                    assert!(
                        matches!(got, Err(ProofError::InconsistentTile { .. })),
                        "{target}: {got:?}"
                    );
                }
            }
            // The honest tiles, in the same setup, prove it.
            check_record_text(&head, id, text, serve(log)).unwrap();
        }
    }

    // The Go hole (CVE-2026-56865): in a tree of 300 records, the root is made of four
    // subtrees held by two tiles, and record 5 lives in the full tile tile/8/0/000 below them.
    // A forged tile/8/0/000 claiming another record 5 must be refused.
    #[test]
    fn forged_full_tile_under_a_shared_edge_tile_is_refused() {
        let log = TestLog::with_records(300);
        let head = log.head(300);
        let forged_text = b"golang.org/toolchain v0.0.1-go1.99.0.linux-amd64 h1:forged\n";
        let target = Tile::new(8, 0, 0, 256).unwrap();
        let plan = plan(300, 8, &[stored_hash_index(0, 5)]).unwrap();
        assert_eq!(plan.edge.len(), 4);
        assert_eq!(plan.edge_tiles, 2);
        assert_eq!(plan.tiles[2], target);
        let read = serve_altered(&log, target, |b| {
            b[5 * 32..6 * 32].copy_from_slice(&record_hash(forged_text).0)
        });
        assert!(matches!(
            check_record_text(&head, 5, forged_text, read),
            Err(ProofError::InconsistentTile { .. })
        ));
        check_record_text(&head, 5, &log.records[5], serve(&log)).unwrap();
    }

    #[test]
    fn tiles_valid_for_a_different_tree_are_refused() {
        // Two logs that share nothing: each one's tiles are refused for the other's head.
        let log = TestLog::with_records(1000);
        let mut other = TestLog::default();
        for i in 0..1000 {
            other.append(format!("other {i}\n").into_bytes());
        }
        let head = log.head(1000);
        let got = check_record_text(&head, 700, &log.records[700], serve(&other));
        assert!(matches!(got, Err(ProofError::InconsistentTile { .. })));
        // Same log, larger tree: tiles of the 1000-record tree are not those of a 600-record
        // head (different widths), and a reader answering them is caught by their size.
        let small = log.head(600);
        let wide = |tiles: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> {
            tiles
                .iter()
                .map(|t| log.tile(&tile_parent(t, 0, 1000).unwrap()))
                .collect()
        };
        assert!(matches!(
            check_record_text(&small, 599, &log.records[599], wide),
            Err(ProofError::TileSize { .. })
        ));
        check_record_text(&head, 700, &log.records[700], serve(&log)).unwrap();
    }

    #[test]
    fn reader_failures_are_reported() {
        let log = TestLog::with_records(10);
        let head = log.head(10);
        let failing = |_: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> { anyhow::bail!("proxy down") };
        let err = check_record_text(&head, 3, &log.records[3], failing).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read checksum database tiles tile/8/0/000.p/10"
        );
        let short = |tiles: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> {
            Ok(tiles.iter().map(|_| vec![0; 31]).collect())
        };
        assert!(matches!(
            check_record_text(&head, 3, &log.records[3], short),
            Err(ProofError::TileSize {
                got: 31,
                want: 320,
                ..
            })
        ));
        let none = |_: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> { Ok(Vec::new()) };
        assert!(matches!(
            check_record_text(&head, 3, &log.records[3], none),
            Err(ProofError::WrongTileCount { got: 0, want: 1 })
        ));
    }

    #[test]
    fn tiles_needed_for_the_real_lookup() {
        // Record 24929362 in tree 28905453 (spec/go-facts.md): its leaf tile and level-1 tile
        // hang below the level-2 edge tile.
        let tiles = tiles_for_record(28_905_453, 24_929_362).unwrap();
        let paths: Vec<String> = tiles.iter().map(Tile::path).collect();
        assert_eq!(
            paths,
            [
                "tile/8/3/000.p/1",
                "tile/8/2/001.p/185",
                "tile/8/1/441.p/15",
                "tile/8/0/x112/911.p/237",
                "tile/8/1/380",
                "tile/8/0/x097/380",
            ]
        );
    }

    mod properties {
        use super::super::super::fixtures::strategies::config;
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(config())]

            // Tiles of random bytes (of the right sizes) never prove anything, and never panic.
            #[test]
            fn random_tiles_prove_nothing(seed in any::<u64>(), size in 1..600u64, id in any::<prop::sample::Index>()) {
                let log = TestLog::with_records(size);
                let head = log.head(size);
                let id = id.index(size as usize) as u64;
                let mut state = seed;
                let random = |tiles: &[Tile]| -> anyhow::Result<Vec<Vec<u8>>> {
                    Ok(tiles.iter().map(|t| {
                        (0..t.byte_len()).map(|_| {
                            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                            (state >> 56) as u8
                        }).collect()
                    }).collect())
                };
                let got = check_record_text(&head, id, &log.records[id as usize], random);
                prop_assert!(matches!(got, Err(ProofError::InconsistentTile { .. })), "{:?}", got);
            }
        }
    }
}
