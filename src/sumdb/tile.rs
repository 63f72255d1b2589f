//! Tiles: how the checksum database serves its tree. A tile of height H at level L, number N,
//! holds W consecutive hashes of tree level H·L, starting at hash N·2^H of that level; its path
//! is `tile/H/L/NNN[.p/W]`. Go's databases use H = 8 (256 hashes of 32 bytes). A tile also
//! stands for the whole subtree of height H above its hashes, so any hash of levels H·L up to
//! H·L + H − 1 over its span can be computed from it.
//!
//! `tile/H/data/NNN` names the record texts of the level-0 tile N instead; the client never
//! needs those, but a path parser must know them.

use super::hash::{HASH_SIZE, Hash, node_hash};
use super::merkle::{
    HashReader, MAX_TREE_SIZE, ProofError, split_stored_hash_index, stored_hash_index,
};
use std::fmt;

/// The tile height of Go's checksum databases (sum.golang.org and every one Go's client reads).
pub const HEIGHT: u8 = 8;

/// A tile's coordinates. Fields are private so that every tile is well formed: height 1..=30,
/// level such that H·L < 64, width 1..=2^H.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    height: u8,
    level: u8,
    n: u64,
    width: u32,
    data: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed checksum database tile path {0:?}")]
pub struct TilePathError(pub String);

impl Tile {
    /// The hash tile (`height`, `level`, `n`, `width`), if those make one.
    pub fn new(height: u8, level: u8, n: u64, width: u32) -> Option<Tile> {
        let tile = Tile {
            height,
            level,
            n,
            width,
            data: false,
        };
        tile.is_valid().then_some(tile)
    }

    fn is_valid(&self) -> bool {
        let h = u32::from(self.height);
        (1..=30).contains(&h)
            && h * u32::from(self.level) < 64
            && (1..=1u32 << h).contains(&self.width)
            && (!self.data || self.level == 0)
            // The tile's first record must fit in a tree Go can describe; this also keeps
            // every later shift of `n` from overflowing.
            && shl(self.n, h * (u32::from(self.level) + 1)).is_some_and(|first| first <= MAX_TREE_SIZE)
    }

    pub fn height(&self) -> u8 {
        self.height
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    /// The tile's number within its level.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// How many hashes (or records, for a data tile) it holds.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Whether this is a `data` tile (record texts) rather than a hash tile.
    pub fn is_data(&self) -> bool {
        self.data
    }

    /// Whether it holds all 2^H entries.
    pub fn is_full(&self) -> bool {
        self.width == 1 << self.height
    }

    /// The full tile of the same coordinates (the database serves only that one once it
    /// completes; a partial tile's bytes are a prefix of it).
    pub fn full(&self) -> Tile {
        Tile {
            width: 1 << self.height,
            ..*self
        }
    }

    /// The data tile holding the record texts under this level-0 hash tile.
    pub fn data_tile(&self) -> Option<Tile> {
        (self.level == 0).then_some(Tile {
            data: true,
            ..*self
        })
    }

    /// The bytes of a hash tile: 32 per hash.
    pub fn byte_len(&self) -> usize {
        self.width as usize * HASH_SIZE
    }

    /// This tile's bytes cut from those of a wider tile of the same coordinates (a full tile
    /// read from a cache or served instead of a partial one). `None` if `wider` is too short.
    pub fn cut<'a>(&self, wider: &'a [u8]) -> Option<&'a [u8]> {
        if self.data {
            return None;
        }
        wider.get(..self.byte_len())
    }

    /// The tile's path, `tile/H/L/NNN[.p/W]`, N in groups of three digits, all but the last
    /// prefixed `x` (`x001/x234/067`), so no directory holds more than 3000 entries.
    pub fn path(&self) -> String {
        let mut groups = vec![format!("{:03}", self.n % 1000)];
        let mut n = self.n / 1000;
        while n > 0 {
            groups.push(format!("x{:03}", n % 1000));
            n /= 1000;
        }
        groups.reverse();
        let level = if self.data {
            "data".to_owned()
        } else {
            self.level.to_string()
        };
        let mut path = format!("tile/{}/{}/{}", self.height, level, groups.join("/"));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a tile path. Only the canonical form [`Tile::path`] writes is accepted, so a tile
    /// has one path and a path one tile.
    pub fn parse_path(path: &str) -> Result<Tile, TilePathError> {
        let bad = || TilePathError(path.to_owned());
        let mut parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 4 || parts[0] != "tile" {
            return Err(bad());
        }
        let height: u8 = small_number(parts[1]).ok_or_else(bad)?;
        if !(1..=30).contains(&height) {
            return Err(bad());
        }
        let data = parts[2] == "data";
        let level: u8 = if data {
            0
        } else {
            small_number(parts[2]).ok_or_else(bad)?
        };
        let mut width = 1u32 << height;
        if let [.., last_group, w] = parts.as_slice()
            && let Some(group) = last_group.strip_suffix(".p")
        {
            let w: u32 = small_number(w).ok_or_else(bad)?;
            if w == 0 || w >= width {
                return Err(bad());
            }
            width = w;
            let cut = parts.len() - 2;
            parts[cut] = group;
            parts.truncate(cut + 1);
        }
        let mut n: u64 = 0;
        for group in parts.get(3..).unwrap_or_default() {
            let digits = group.strip_prefix('x').unwrap_or(group);
            let value: u64 = small_number(digits).ok_or_else(bad)?;
            if value >= 1000 {
                return Err(bad());
            }
            n = n
                .checked_mul(1000)
                .and_then(|n| n.checked_add(value))
                .ok_or_else(bad)?;
        }
        let tile = Tile {
            height,
            level,
            n,
            width,
            data,
        };
        if !tile.is_valid() || tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }
}

/// A decimal number of at most a few digits, digits only (no sign, no spaces).
fn small_number<T: std::str::FromStr>(text: &str) -> Option<T> {
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

impl fmt::Debug for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// `x << shift`, `None` when bits would be lost.
fn shl(x: u64, shift: u32) -> Option<u64> {
    if shift >= 64 {
        return (x == 0).then_some(0);
    }
    x.checked_mul(1 << shift)
}

/// `x >> shift`, 0 when the shift is 64 or more (as Go).
fn shr(x: u64, shift: u32) -> u64 {
    x.checked_shr(shift).unwrap_or(0)
}

/// The narrowest tile of `height` holding the stored hash `index`, and the byte range of the
/// tile's entries that hash to it.
pub fn tile_for_index(height: u8, index: u64) -> Option<(Tile, std::ops::Range<usize>)> {
    let h = u32::from(height);
    let (level, n) = split_stored_hash_index(index);
    let tile_level = level / h;
    let level_in_tile = level - tile_level * h;
    // The tile's number, and the hash's position among the tile's entries (level H·L).
    let tile_n = shr(shl(n, level_in_tile)?, h);
    let first = shl(n, level_in_tile)? - shl(tile_n, h)?;
    let last = shl(n + 1, level_in_tile)?;
    let last = last - shl(tile_n, h)?;
    let tile = Tile::new(
        height,
        u8::try_from(tile_level).ok()?,
        tile_n,
        u32::try_from(last).ok()?,
    )?;
    let range = usize::try_from(first).ok()? * HASH_SIZE..usize::try_from(last).ok()? * HASH_SIZE;
    Some((tile, range))
}

/// The stored hash `index` computed from `tile`'s bytes; `tile` must be the tile
/// [`tile_for_index`] names or a wider one of the same coordinates.
pub fn hash_from_tile(tile: &Tile, data: &[u8], index: u64) -> Result<Hash, ProofError> {
    if tile.data {
        return Err(ProofError::Internal("hash read from a data tile"));
    }
    if data.len() < tile.byte_len() {
        return Err(ProofError::TileSize {
            tile: tile.path(),
            got: data.len(),
            want: tile.byte_len(),
        });
    }
    let (needed, range) = tile_for_index(tile.height, index)
        .ok_or(ProofError::Internal("hash index beyond any tile"))?;
    if needed.level != tile.level || needed.n != tile.n || needed.width > tile.width {
        return Err(ProofError::Internal("hash index outside the tile"));
    }
    let entries = data
        .get(range)
        .ok_or(ProofError::Internal("hash index outside the tile"))?;
    subtree_of_entries(entries).ok_or(ProofError::Internal("tile range not a power of two"))
}

/// The hash of the perfect subtree whose leaves are the 2^k hashes in `entries`.
pub fn subtree_of_entries(entries: &[u8]) -> Option<Hash> {
    if entries.len() == HASH_SIZE {
        return Hash::from_prefix(entries);
    }
    let count = entries.len() / HASH_SIZE;
    if !entries.len().is_multiple_of(HASH_SIZE) || !count.is_power_of_two() {
        return None;
    }
    let (left, right) = entries.split_at(entries.len() / 2);
    Some(node_hash(
        &subtree_of_entries(left)?,
        &subtree_of_entries(right)?,
    ))
}

/// `tile`'s `k`-th ancestor in the tiling of a tree of `size` records (k = 0: the tile itself,
/// widened to what that tree holds), or `None` if the tree does not reach it.
pub fn tile_parent(tile: &Tile, k: u32, size: u64) -> Option<Tile> {
    let h = u32::from(tile.height);
    let level = u32::from(tile.level) + k;
    let n = shr(tile.n, k * h);
    // Hashes of this tile's level the tree holds.
    let available = shr(size, level * h);
    let start = shl(n, h)?;
    if start >= available {
        return None;
    }
    let width = (available - start).min(1 << h);
    Tile::new(
        tile.height,
        u8::try_from(level).ok()?,
        n,
        u32::try_from(width).ok()?,
    )
}

/// The tiles a database publishes when it grows from `old` to `new` records.
pub fn new_tiles(height: u8, old: u64, new: u64) -> Vec<Tile> {
    let h = u32::from(height);
    let mut tiles = Vec::new();
    let mut level = 0u32;
    while level * h < 64 && shr(new, level * h) > 0 {
        let old_n = shr(old, level * h);
        let new_n = shr(new, level * h);
        if old_n != new_n {
            let Ok(tile_level) = u8::try_from(level) else {
                break;
            };
            for n in shr(old_n, h)..shr(new_n, h) {
                tiles.extend(Tile::new(height, tile_level, n, 1 << h));
            }
            let n = shr(new_n, h);
            let width = new_n - shl(n, h).unwrap_or(new_n);
            if width > 0 {
                tiles.extend(Tile::new(height, tile_level, n, width as u32));
            }
        }
        level += 1;
    }
    tiles
}

/// A hash tile's bytes read from stored hashes (how a database or a test builds its tiles).
pub fn tile_bytes(tile: &Tile, reader: &mut dyn HashReader) -> Result<Vec<u8>, ProofError> {
    let h = u32::from(tile.height);
    let level = h * u32::from(tile.level);
    let start = shl(tile.n, h).ok_or(ProofError::Internal("tile beyond any tree"))?;
    let indexes: Vec<u64> = (0..u64::from(tile.width))
        .map(|i| stored_hash_index(level, start + i))
        .collect();
    let hashes = reader.read_hashes(&indexes)?;
    Ok(hashes.iter().flat_map(|h| h.0).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(height: u8, level: u8, n: u64, width: u32) -> Tile {
        Tile::new(height, level, n, width).unwrap()
    }

    // golang.org/x/mod sumdb/tlog/tlog_test.go, tilePaths.
    #[test]
    fn paths_match_go() {
        let data = Tile {
            data: true,
            ..tile(1, 0, 3_057_500, 2)
        };
        let rows: &[(&str, Option<Tile>)] = &[
            ("tile/4/0/001", Some(tile(4, 0, 1, 16))),
            ("tile/4/0/001.p/5", Some(tile(4, 0, 1, 5))),
            ("tile/3/5/x123/x456/078", Some(tile(3, 5, 123_456_078, 8))),
            (
                "tile/3/5/x123/x456/078.p/2",
                Some(tile(3, 5, 123_456_078, 2)),
            ),
            ("tile/1/0/x003/x057/500", Some(tile(1, 0, 3_057_500, 2))),
            ("tile/3/5/123/456/078", None),
            ("tile/3/-1/123/456/078", None),
            ("tile/1/data/x003/x057/500", Some(data)),
        ];
        for (path, want) in rows {
            match want {
                Some(want) => {
                    assert_eq!(want.path(), *path);
                    assert_eq!(Tile::parse_path(path), Ok(*want), "{path}");
                }
                None => assert!(Tile::parse_path(path).is_err(), "{path}"),
            }
        }
    }

    #[test]
    fn sumdb_paths() {
        let rows = [
            (tile(8, 0, 0, 256), "tile/8/0/000"),
            (tile(8, 0, 1234, 256), "tile/8/0/x001/234"),
            (tile(8, 1, 441, 37), "tile/8/1/441.p/37"),
            (tile(8, 2, 1_000_000, 1), "tile/8/2/x001/x000/000.p/1"),
        ];
        for (tile, path) in rows {
            assert_eq!(tile.path(), path);
            assert_eq!(Tile::parse_path(path), Ok(tile));
        }
        let data = tile(8, 0, 1234, 256).data_tile().unwrap();
        assert_eq!(data.path(), "tile/8/data/x001/234");
        assert_eq!(Tile::parse_path("tile/8/data/x001/234"), Ok(data));
        assert_eq!(tile(8, 1, 0, 256).data_tile(), None);
    }

    #[test]
    fn non_canonical_paths_are_refused() {
        for path in [
            "",
            "tile",
            "tile/8/0",
            "tile/8/0/",
            "tile/8/0/1",
            "tile/8/0/0001",
            "tile/8/0/x000/001",
            "tile/8/0/001/234",
            "tile/8/0/x001/x234",
            "tile/8/0/x1000/000",
            "tile/8/0/000.p/256",
            "tile/8/0/000.p/0",
            "tile/8/0/000.p/007",
            "tile/8/0/000.p/",
            "tile/8/0/000.p",
            "tile/8/0/000.p/5/6",
            "tile/8/0.p/5",
            "tile/08/0/000",
            "tile/+8/0/000",
            "tile/0/0/000",
            "tile/31/0/000",
            "tile/8/8/000",
            "tile/8/00/000",
            "tile/8/-1/000",
            "tile/8/0/-01",
            "tile/8/0/+01",
            "tile/8/0/x+01/000",
            "tile/8/Data/000",
            "tiles/8/0/000",
            "/tile/8/0/000",
            "tile/8/0/000/",
            // u64::MAX: a valid number, but no tree holds that tile.
            "tile/8/0/x018/x446/x744/x073/x709/x551/615",
            "tile/8/0/x036/x028/x797/x018/x963/968",
            "tile/8/0/x999/x999/x999/x999/x999/x999/x999/999",
        ] {
            assert!(Tile::parse_path(path).is_err(), "{path:?}");
        }
    }

    #[test]
    fn tiles_are_validated() {
        // The last level-0 tile of the largest tree, and one past it.
        let last = MAX_TREE_SIZE >> 8;
        assert_eq!(last, 36_028_797_018_963_967);
        assert!(Tile::new(8, 0, last, 256).is_some());
        assert!(Tile::new(8, 0, last + 1, 256).is_none());
        assert!(Tile::new(8, 7, 0, 1).is_some());
        assert!(Tile::new(0, 0, 0, 1).is_none());
        assert!(Tile::new(31, 0, 0, 1).is_none());
        assert!(Tile::new(8, 0, 0, 0).is_none());
        assert!(Tile::new(8, 0, 0, 257).is_none());
        assert!(Tile::new(8, 8, 0, 1).is_none());
        assert!(Tile::new(8, 7, 0, 1).is_some());
    }

    #[test]
    fn cut_takes_a_prefix_of_a_wider_tile() {
        let partial = tile(8, 0, 3, 5);
        assert_eq!(partial.full(), tile(8, 0, 3, 256));
        let full: Vec<u8> = (0..256 * 32).map(|i| i as u8).collect();
        assert_eq!(partial.cut(&full), Some(&full[..160]));
        assert_eq!(partial.cut(&full[..100]), None);
    }

    // golang.org/x/mod sumdb/tlog/tile_test.go TestNewTilesForSize (height 10).
    #[test]
    fn new_tiles_counts_match_go() {
        for (old, new, want) in [
            (1, 1, 0),
            (100, 101, 1),
            (1023, 1025, 3),
            (1024, 1030, 1),
            (1030, 2000, 1),
            (1030, 10000, 10),
            (49_516_517, 49_516_586, 3),
        ] {
            assert_eq!(new_tiles(10, old, new).len(), want, "{old}-{new}");
        }
    }

    #[test]
    fn tile_for_index_table() {
        // Record 0, record 255, record 256, and the level-8 hash over records 0..256.
        let rows = [
            (stored_hash_index(0, 0), tile(8, 0, 0, 1), 0..32),
            (
                stored_hash_index(0, 255),
                tile(8, 0, 0, 256),
                255 * 32..256 * 32,
            ),
            (stored_hash_index(0, 256), tile(8, 0, 1, 1), 0..32),
            // Level 3 hash 1 covers entries 8..16 of tile 0.
            (stored_hash_index(3, 1), tile(8, 0, 0, 16), 8 * 32..16 * 32),
            (stored_hash_index(8, 0), tile(8, 1, 0, 1), 0..32),
            (stored_hash_index(9, 1), tile(8, 1, 0, 4), 2 * 32..4 * 32),
            (stored_hash_index(16, 3), tile(8, 2, 0, 4), 3 * 32..4 * 32),
        ];
        for (index, want, range) in rows {
            assert_eq!(tile_for_index(8, index), Some((want, range)), "{index}");
        }
    }

    #[test]
    fn tile_parent_table() {
        let leaf = tile(8, 0, 300, 256);
        // In a tree of 100 000 records: level 1 holds 390 hashes, level 2 one.
        assert_eq!(tile_parent(&leaf, 0, 100_000), Some(tile(8, 0, 300, 256)));
        assert_eq!(tile_parent(&leaf, 1, 100_000), Some(tile(8, 1, 1, 134)));
        assert_eq!(tile_parent(&leaf, 2, 100_000), Some(tile(8, 2, 0, 1)));
        assert_eq!(tile_parent(&leaf, 3, 100_000), None);
        // The last, partial leaf tile.
        let last = tile(8, 0, 390, 1);
        assert_eq!(tile_parent(&last, 0, 100_000), Some(tile(8, 0, 390, 160)));
        assert_eq!(tile_parent(&last, 0, 99_840), None);
        assert_eq!(tile_parent(&leaf, 40, 100_000), None);
    }

    #[test]
    fn subtree_of_entries_needs_a_power_of_two() {
        assert_eq!(subtree_of_entries(&[]), None);
        assert_eq!(subtree_of_entries(&[0; 31]), None);
        assert_eq!(subtree_of_entries(&[0; 96]), None);
        assert_eq!(subtree_of_entries(&[7; 32]), Some(Hash([7; 32])));
        assert_eq!(
            subtree_of_entries(&[[1; 32], [2; 32]].concat()),
            Some(node_hash(&Hash([1; 32]), &Hash([2; 32])))
        );
    }

    mod properties {
        use super::super::super::fixtures::strategies::config;
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn parse_path_never_panics(path in "\\PC{0,60}") {
                let _ = Tile::parse_path(&path);
            }

            // Path-shaped input: whatever parses is canonical.
            #[test]
            fn parsed_paths_are_canonical(
                path in "tile/[0-9+-]{1,3}/(data|[0-9-]{1,3})(/x?[0-9]{1,4}){1,8}(\\.p/[0-9]{1,4})?/?"
            ) {
                if let Ok(tile) = Tile::parse_path(&path) {
                    prop_assert_eq!(tile.path(), path);
                }
            }

            #[test]
            fn paths_round_trip(height in 1..=30u8, level in 0..64u8, n in any::<u64>(), width in 1..=1u32 << 30) {
                if let Some(tile) = Tile::new(height, level, n >> (u32::from(level) % 64), width) {
                    prop_assert_eq!(Tile::parse_path(&tile.path()), Ok(tile));
                }
            }

            #[test]
            fn tile_math_never_panics(height in 1..=30u8, index in any::<u64>(), size in 0..=MAX_TREE_SIZE) {
                if let Some((tile, range)) = tile_for_index(height, index) {
                    prop_assert!(range.end <= tile.byte_len());
                    let _ = tile_parent(&tile, 1, size);
                }
            }
        }
    }
}
