//! The checksum database half of a `gopin mirror --goproxy` folder: `sumdb/<name>/supported`,
//! `latest`, one `lookup/golang.org/toolchain@<v>` answer per module version and the tiles a
//! client reads to believe them, so `GOSUMDB=<name>+<key>` with `GOPROXY=<the folder's URL>`
//! checks toolchains with no other network (the go command asks `<proxy>/sumdb/<name>/...`).
//!
//! Every lookup answer is the database's own record (id line, go.sum lines, blank line, byte
//! for byte) followed by one and the same signed tree head, the newest the mirror has: a
//! client keeps that head, and one head for every answer means no client ever needs a tile of
//! another tree. For that head the folder holds, for each record, the tiles proving it
//! (x/mod's `checkRecord`: the head's edge tiles, partial ones at exactly the head's width,
//! and the record's tile chain), and the tiles giving the root of every head an earlier run
//! published (a client that kept one checks that the new head extends it). The go command's
//! client reads no data tiles (`tile/8/data/...`) for a lookup, so none are written.

use crate::index::cache::write_atomic;
use crate::source::toolchain_module::MODULE;
use crate::sumdb::proof::{tiles_for_prefix, tiles_for_record};
use crate::sumdb::tile::Tile;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Earlier heads remembered (one size a line); more than this is not a history this folder
/// wrote, and the oldest are dropped.
const MAX_HISTORY: usize = 1000;

/// The `sumdb/<name>/` folder of a mirror.
pub struct SumdbTree {
    dir: PathBuf,
}

impl SumdbTree {
    /// `None` when the database's name cannot be a relative path of plain segments.
    pub fn new(mirror: &Path, name: &str) -> Option<SumdbTree> {
        let plain = name
            .split('/')
            .all(|segment| crate::file_name::problem(segment).is_none() && segment != ".");
        plain.then(|| SumdbTree {
            dir: mirror.join("sumdb").join(name),
        })
    }

    pub fn latest_path(&self) -> PathBuf {
        self.dir.join("latest")
    }

    /// The answer file for a module version (one [`parse_module_version`] accepted).
    ///
    /// [`parse_module_version`]: crate::source::toolchain_module::parse_module_version
    pub fn lookup_path(&self, module_version: &str) -> PathBuf {
        self.dir
            .join("lookup")
            .join(format!("{MODULE}@{module_version}"))
    }

    /// gopin's own note of the head sizes it published here before (not a database path).
    fn history_path(&self) -> PathBuf {
        self.dir.join(".gopin-heads")
    }

    /// The sizes of the heads earlier runs published (unreadable lines are skipped).
    pub fn read_history(&self) -> Vec<u64> {
        let text = gopin_shim::small_file::read_bytes(&self.history_path(), 1 << 20)
            .ok()
            .flatten()
            .unwrap_or_default();
        parse_history(&String::from_utf8_lossy(&text))
    }

    pub fn read(&self, path: &Path, cap: u64) -> Option<Vec<u8>> {
        gopin_shim::small_file::read_bytes(path, cap).ok().flatten()
    }

    /// Writes the answers for `head_note`: tiles first, then the lookups, then `latest` and
    /// `supported`, so a client reading meanwhile never meets an answer without its tiles.
    pub fn write(
        &self,
        tiles: &[(Tile, Vec<u8>)],
        lookups: &[(String, Vec<u8>)],
        head_note: &[u8],
        history: &[u64],
    ) -> Result<()> {
        for (tile, bytes) in tiles {
            self.write_file(&self.dir.join(tile.path()), bytes)?;
        }
        for (module_version, answer) in lookups {
            self.write_file(&self.lookup_path(module_version), answer)?;
        }
        self.write_file(&self.latest_path(), head_note)?;
        self.write_file(&self.history_path(), format_history(history).as_bytes())?;
        self.write_file(&self.dir.join("supported"), b"")
    }

    fn write_file(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// A lookup answer with its signed tree head replaced by `head_note`: the id line, the record
/// and the blank line after it exactly as the database sent them, then `head_note`. `None` when
/// `answer` has no blank line ending a record.
pub fn rewrite_lookup(answer: &[u8], head_note: &[u8]) -> Option<Vec<u8>> {
    let id_end = answer.iter().position(|&b| b == b'\n')?;
    let blank = answer[id_end..].windows(2).position(|w| w == b"\n\n")? + id_end;
    let mut out = answer[..blank + 2].to_vec();
    out.extend_from_slice(head_note);
    Some(out)
}

/// Every tile a client reads to check the records `ids` in the tree of `size` records, and to
/// check that the tree extends each tree of the `older` sizes: the tiles to publish.
pub fn tiles_needed(size: u64, ids: &[u64], older: &[u64]) -> BTreeSet<Tile> {
    let mut tiles = BTreeSet::new();
    for &id in ids {
        tiles.extend(tiles_for_record(size, id).unwrap_or_default());
    }
    for &old in older {
        if old < size {
            tiles.extend(tiles_for_prefix(size, old).unwrap_or_default());
        }
    }
    tiles
}

/// The published head sizes, from the history file: decimal lines, each once, ascending.
pub fn parse_history(text: &str) -> Vec<u64> {
    let mut sizes: Vec<u64> = text
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            (!l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) && l.len() < 20)
                .then(|| l.parse().ok())
                .flatten()
        })
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let drop = sizes.len().saturating_sub(MAX_HISTORY);
    sizes.drain(..drop);
    sizes
}

fn format_history(sizes: &[u64]) -> String {
    let mut sizes = sizes.to_vec();
    sizes.sort_unstable();
    sizes.dedup();
    let drop = sizes.len().saturating_sub(MAX_HISTORY);
    sizes.iter().skip(drop).map(|s| format!("{s}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(tiles: &BTreeSet<Tile>) -> Vec<String> {
        let mut out: Vec<String> = tiles.iter().map(Tile::path).collect();
        out.sort();
        out
    }

    #[test]
    fn lookup_answers_get_the_final_head() {
        let record = "1234\ngolang.org/toolchain v0.0.1-go1.22.10.linux-amd64 h1:AAA=\n\
                      golang.org/toolchain v0.0.1-go1.22.10.linux-amd64/go.mod h1:BBB=\n\n";
        let old_note = "go.sum database tree\n2000\nROOT=\n\n— sumdb.test abc\n";
        let new_note = b"go.sum database tree\n3000\nNEW=\n\n\xe2\x80\x94 sumdb.test def\n";
        let answer = format!("{record}{old_note}");
        let mut want = record.as_bytes().to_vec();
        want.extend_from_slice(new_note);
        assert_eq!(rewrite_lookup(answer.as_bytes(), new_note).unwrap(), want);
        // Twice is the same as once.
        let again = rewrite_lookup(&want, new_note).unwrap();
        assert_eq!(again, want);
        // No record, or no blank line after it: nothing to rewrite.
        assert_eq!(rewrite_lookup(b"", new_note), None);
        assert_eq!(rewrite_lookup(b"12\nline\n", new_note), None);
        assert_eq!(rewrite_lookup(b"12", new_note), None);
    }

    #[test]
    fn tiles_a_head_needs() {
        // Record 300 in a tree of 600 (as the client's own test asks for them).
        /// (tree size, record ids, older sizes, the tiles).
        type Row<'a> = (u64, &'a [u64], &'a [u64], &'a [&'a str]);
        let rows: &[Row] = &[
            (
                600,
                &[300],
                &[],
                &["tile/8/0/001", "tile/8/0/002.p/88", "tile/8/1/000.p/2"],
            ),
            // A tree of one tile: just the partial tile at the head's width.
            (45, &[0, 44], &[], &["tile/8/0/000.p/45"]),
            // Records in full tiles add their own tile; the edge is shared.
            (
                600,
                &[10, 300, 599],
                &[],
                &[
                    "tile/8/0/000",
                    "tile/8/0/001",
                    "tile/8/0/002.p/88",
                    "tile/8/1/000.p/2",
                ],
            ),
            // A client that kept the head of 300 checks it against the tree of 600.
            (
                600,
                &[],
                &[300],
                &["tile/8/0/001", "tile/8/0/002.p/88", "tile/8/1/000.p/2"],
            ),
            (
                600,
                &[],
                &[301],
                &["tile/8/0/001", "tile/8/0/002.p/88", "tile/8/1/000.p/2"],
            ),
            // The same size, or larger, needs nothing more.
            (600, &[], &[600, 700], &[]),
            // Level 2 appears past 65536 records.
            (
                70000,
                &[69999],
                &[],
                &[
                    "tile/8/0/273.p/112",
                    "tile/8/1/001.p/17",
                    "tile/8/2/000.p/1",
                ],
            ),
        ];
        for (size, ids, older, want) in rows {
            let mut want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
            want.sort();
            assert_eq!(
                paths(&tiles_needed(*size, ids, older)),
                want,
                "{size} {ids:?} {older:?}"
            );
        }
    }

    #[test]
    fn history_round_trips() {
        assert_eq!(parse_history(""), Vec::<u64>::new());
        assert_eq!(
            parse_history("600\n300\n600\n x\n-1\n\n45\n"),
            [45, 300, 600]
        );
        assert_eq!(format_history(&[600, 45, 600]), "45\n600\n");
        let many: Vec<u64> = (0..1500).collect();
        let kept = parse_history(&format_history(&many));
        assert_eq!(kept.len(), MAX_HISTORY);
        assert_eq!(kept[0], 500);
    }
}
