//! What gopin keeps about a checksum database on disk:
//!
//! - `root/sumdb/<name>/latest`: the newest signed tree head verified, the security state every
//!   later head must extend (never under `cache/`, so `gopin cache clean` leaves it);
//! - `root/cache/sumdb/<name>/{lookup,tile}/...`: lookup answers and authenticated tiles, laid
//!   out as Go lays out its own, so a verified version reinstalls offline;
//! - Go's own cache, `GOMODCACHE/cache/download/sumdb/<name>/...`, read but never written.
//!
//! Nothing read from a cache is believed as such: answers are verified again, tiles
//! authenticated again against a signed head, exactly as if they came from the network.

use super::note::{MAX_NOTE_SIZE, Verifiers};
use super::tree::SignedTree;
use gopin_shim::Root;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Which cache a file came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cached {
    /// `root/cache/sumdb/`.
    Ours,
    /// `GOMODCACHE/cache/download/sumdb/`.
    Go,
}

/// A kept head that exists but cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestError {
    pub path: PathBuf,
    pub why: String,
}

pub struct Store {
    latest: PathBuf,
    cache: PathBuf,
    go_cache: Option<PathBuf>,
}

impl Store {
    /// The store of database `name` (already checked to be `host[/path]` with plain
    /// segments: it becomes folders).
    pub fn new(root: &Root, name: &str, gomodcache: Option<&Path>) -> Store {
        let under = |base: PathBuf| join_relative(base, name);
        Store {
            latest: under(root.path().join("sumdb")).join("latest"),
            cache: under(root.cache().join("sumdb")),
            go_cache: gomodcache.map(|dir| under(dir.join("cache").join("download").join("sumdb"))),
        }
    }

    /// `root/sumdb/<name>/latest`.
    pub fn latest_path(&self) -> &Path {
        &self.latest
    }

    /// `root/cache/sumdb/<name>`.
    pub fn cache_dir(&self) -> &Path {
        &self.cache
    }

    /// The kept head, verified against the database's key. Absent (or empty, as Go treats
    /// it) is `None`: the first head seen will be kept.
    pub fn read_latest(&self, verifiers: &Verifiers) -> Result<Option<SignedTree>, LatestError> {
        let bad = |why: String| LatestError {
            path: self.latest.clone(),
            why,
        };
        let bytes = match gopin_shim::small_file::read_bytes(&self.latest, MAX_NOTE_SIZE as u64) {
            Ok(Some(bytes)) if !bytes.is_empty() => bytes,
            Ok(_) => return Ok(None),
            Err(e) => return Err(bad(format!("cannot read it: {e}"))),
        };
        SignedTree::open(&bytes, verifiers)
            .map(Some)
            .map_err(|e| bad(e.to_string()))
    }

    /// Replaces the kept head, atomically (a reader sees the old head or the new, whole).
    /// The caller has checked that `head` extends the one kept.
    pub fn write_latest(&self, head: &SignedTree) -> io::Result<()> {
        write_atomic(&self.latest, head.note())
    }

    /// A cached file (`lookup/...` or `tile/...`), from gopin's cache, else Go's. An empty
    /// file counts as absent, as in Go (its writer creates the file before filling it).
    pub fn read_cached(&self, rel: &str, cap: u64) -> Option<(Vec<u8>, Cached)> {
        [
            (Some(&self.cache), Cached::Ours),
            (self.go_cache.as_ref(), Cached::Go),
        ]
        .into_iter()
        .find_map(|(dir, which)| {
            let path = join_relative(dir?.clone(), rel);
            match gopin_shim::small_file::read_bytes(&path, cap) {
                Ok(Some(bytes)) if !bytes.is_empty() => Some((bytes, which)),
                _ => None,
            }
        })
    }

    /// Writes a verified answer or an authenticated tile into gopin's cache (never Go's).
    pub fn write_cache(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        write_atomic(&join_relative(self.cache.clone(), rel), bytes)
    }
}

/// `base` joined with a `/`-separated relative path whose segments are plain names (database
/// names, tile paths and escaped module paths are checked before they get here).
fn join_relative(base: PathBuf, rel: &str) -> PathBuf {
    rel.split('/')
        .filter(|s| !s.is_empty())
        .fold(base, |path, segment| path.join(segment))
}

/// Writes `bytes` to a temporary file beside `path`, flushes it and renames it into place.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{TestLog, other_signer, test_verifiers};
    use super::super::note::Verifiers;
    use super::*;

    #[test]
    fn the_kept_head_round_trips_and_must_verify() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path());
        let store = Store::new(&root, "corp.example/sumdb", None);
        assert_eq!(
            store.latest_path(),
            dir.path().join("sumdb/corp.example/sumdb/latest")
        );
        assert_eq!(store.read_latest(&test_verifiers()), Ok(None));
        let log = TestLog::with_records(10);
        let head = log.head(10);
        store.write_latest(&head).unwrap();
        let read = store.read_latest(&test_verifiers()).unwrap().unwrap();
        assert_eq!(read.note(), head.note());
        // Under another key, the kept head is an error, never silently replaced.
        let other = Verifiers::from(other_signer().verifier());
        let err = store.read_latest(&other).unwrap_err();
        assert_eq!(err.path, store.latest_path());
        // Nothing but the head is left behind.
        let files: Vec<_> = std::fs::read_dir(store.latest_path().parent().unwrap())
            .unwrap()
            .collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn caches_ours_first_then_gos_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path().join("root"));
        let gomodcache = dir.path().join("gomodcache");
        let store = Store::new(&root, "sum.test.example", Some(&gomodcache));
        let go_file = gomodcache.join("cache/download/sumdb/sum.test.example/tile/8/0/000.p/3");
        std::fs::create_dir_all(go_file.parent().unwrap()).unwrap();
        std::fs::write(&go_file, b"go's").unwrap();
        assert_eq!(
            store.read_cached("tile/8/0/000.p/3", 100),
            Some((b"go's".to_vec(), Cached::Go))
        );
        store.write_cache("tile/8/0/000.p/3", b"ours").unwrap();
        assert_eq!(
            store.read_cached("tile/8/0/000.p/3", 100),
            Some((b"ours".to_vec(), Cached::Ours))
        );
        assert_eq!(std::fs::read(&go_file).unwrap(), b"go's");
        assert!(
            dir.path()
                .join("root/cache/sumdb/sum.test.example/tile/8/0/000.p/3")
                .is_file()
        );
        // Empty files are absent; so are files over the cap.
        store.write_cache("lookup/x@v1", b"").unwrap();
        assert_eq!(store.read_cached("lookup/x@v1", 100), None);
        assert_eq!(store.read_cached("tile/8/0/000.p/3", 2), None);
    }
}
