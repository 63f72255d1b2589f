//! The download index last fetched from each URL, with the validators (ETag, Last-Modified)
//! that let the next fetch be a cheap `304 Not Modified`.
//!
//! Stored as `cache/index-<hash of url>.json` plus a `.meta.json` beside it; both are written
//! to a temporary file and renamed, so a killed run never leaves a torn copy.

use gopin_shim::Root;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// What was stored with a cached index.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Meta {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Seconds since the Unix epoch when the copy was last confirmed current.
    pub fetched_at: u64,
}

impl Meta {
    /// Seconds since the copy was last confirmed current.
    pub fn age_secs(&self) -> u64 {
        now_secs().saturating_sub(self.fetched_at)
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The cache files of one index URL.
pub struct Entry {
    body: PathBuf,
    meta: PathBuf,
}

impl Entry {
    pub fn new(root: &Root, url: &str) -> Entry {
        Entry::in_dir(&root.cache(), "index", url)
    }

    /// The cache files of another document kept per URL: `<dir>/<prefix>-<hash of url>.json`.
    pub fn in_dir(dir: &Path, prefix: &str, url: &str) -> Entry {
        let stem = format!("{prefix}-{:016x}", fnv1a(url.as_bytes()));
        Entry {
            body: dir.join(format!("{stem}.json")),
            meta: dir.join(format!("{stem}.meta.json")),
        }
    }

    /// The cached body and its metadata, if both are there and readable.
    pub fn load(&self) -> Option<(Vec<u8>, Meta)> {
        let meta: Meta = serde_json::from_slice(&std::fs::read(&self.meta).ok()?).ok()?;
        let body = std::fs::read(&self.body).ok()?;
        Some((body, meta))
    }

    /// Stores a new body and its metadata.
    pub fn store(&self, body: &[u8], meta: &Meta) -> io::Result<()> {
        write_atomic(&self.body, body)?;
        self.store_meta(meta)
    }

    /// Records that the cached body was confirmed current (after a 304).
    pub fn store_meta(&self, meta: &Meta) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(meta).map_err(io::Error::other)?;
        write_atomic(&self.meta, &json)
    }
}

/// Every readable index under `cache/`, whichever URL it came from (doctor's fallbacks).
pub fn all_cached(root: &Root) -> Vec<super::Index> {
    let Ok(entries) = std::fs::read_dir(root.cache()) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.ends_with(".json") && !name.ends_with(".meta.json")
        })
        .filter_map(|entry| super::Index::parse(&std::fs::read(entry.path()).ok()?).ok())
        .collect()
}

/// Writes through a temporary file in the same folder and renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// FNV-1a: a stable file name per URL (std's hasher may change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_one_file_per_url() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path());
        let a = Entry::new(&root, "https://go.dev/dl/?mode=json&include=all");
        let b = Entry::new(&root, "https://golang.google.cn/dl/?mode=json&include=all");
        assert_ne!(a.body, b.body);
        assert!(a.load().is_none());
        let meta = Meta {
            url: "u".into(),
            etag: Some("\"x\"".into()),
            last_modified: None,
            fetched_at: now_secs(),
        };
        a.store(b"[]", &meta).unwrap();
        assert_eq!(a.load(), Some((b"[]".to_vec(), meta)));
        assert!(b.load().is_none());
        let names: Vec<_> = std::fs::read_dir(root.cache())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
    }
}
