//! Go's `h1:` hash of a module (golang.org/x/mod's dirhash `Hash1`): what the checksum database
//! records for each module zip and `.mod` file, so gopin can compare a toolchain zip (or a
//! release archive rewritten into module form) with the database's record.
//!
//! The hash covers file names and contents only: a summary line
//! `hex(sha256(content)) + "  " + name + "\n"` per file, sorted by name (byte order, as Go's
//! `slices.Sort`), then `h1:` + base64(sha256(summary)). Names are the full zip names, prefix
//! included. Pure: callers hash the files (in parallel, as they unpack) and feed the digests in.

// Wired into install by the goproxy source (issue 10).
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use std::fmt;

/// An `h1:` hash: SHA-256 over the sorted summary lines of a set of files.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct H1(pub [u8; 32]);

impl H1 {
    /// Parses the go.sum form `h1:<base64 of 32 bytes>` (canonical base64, padding included).
    pub fn parse(text: &str) -> Result<H1, DirhashError> {
        let malformed = || DirhashError::MalformedHash(text.to_owned());
        let encoded = text.strip_prefix("h1:").ok_or_else(malformed)?;
        let bytes = BASE64.decode(encoded).map_err(|_| malformed())?;
        let digest: [u8; 32] = bytes.try_into().map_err(|_| malformed())?;
        Ok(H1(digest))
    }
}

impl fmt::Display for H1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "h1:{}", BASE64.encode(self.0))
    }
}

// The go.sum form reads better in test failures than a byte array.
impl fmt::Debug for H1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirhashError {
    /// Go refuses such names: the summary line would be ambiguous.
    #[error("file name {0:?} holds a newline, which an h1 hash cannot cover")]
    NewlineInName(String),
    /// Go's module zips may not repeat a name; which copy would the hash cover?
    #[error("file name {0:?} appears more than once")]
    DuplicateName(String),
    #[error("malformed h1 hash {0:?}: expected h1: and the base64 of 32 bytes")]
    MalformedHash(String),
}

/// The `h1:` hash built up one file at a time, in any order: files may be hashed in parallel
/// and reported as they finish; [`Hash1::finish`] sorts them.
#[derive(Debug, Default, Clone)]
pub struct Hash1 {
    files: Vec<(String, [u8; 32])>,
}

impl Hash1 {
    pub fn new() -> Hash1 {
        Hash1::default()
    }

    /// Adds one file: its full name (the zip name, prefix included) and the SHA-256 of its
    /// content.
    pub fn add(&mut self, name: impl Into<String>, sha256: [u8; 32]) -> Result<(), DirhashError> {
        let name = name.into();
        if name.contains('\n') {
            return Err(DirhashError::NewlineInName(name));
        }
        self.files.push((name, sha256));
        Ok(())
    }

    /// The hash over every file added. A name added twice is an error rather than two lines
    /// (Go's module zips refuse duplicates before they are hashed).
    pub fn finish(mut self) -> Result<H1, DirhashError> {
        // Byte order on the names, as Go's `slices.Sort` on strings.
        self.files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(pair) = self.files.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(DirhashError::DuplicateName(pair[0].0.clone()));
        }
        Ok(summary_hash(&self.files))
    }
}

/// The hash of the summary lines of files already sorted, checked and unique.
fn summary_hash(files: &[(String, [u8; 32])]) -> H1 {
    let mut summary = Sha256::new();
    for (name, digest) in files {
        summary.update(hex(digest));
        summary.update(b"  ");
        summary.update(name.as_bytes());
        summary.update(b"\n");
    }
    H1(summary.finalize().into())
}

/// The `h1:` hash of files given with their contents (for small sets: tests, `.mod` files).
pub fn hash1<N, C>(files: impl IntoIterator<Item = (N, C)>) -> Result<H1, DirhashError>
where
    N: Into<String>,
    C: AsRef<[u8]>,
{
    let mut hash = Hash1::new();
    for (name, content) in files {
        hash.add(name, Sha256::digest(content.as_ref()).into())?;
    }
    hash.finish()
}

/// The hash go.sum records for a module's `.mod` file: `h1` over the single name `go.mod`.
pub fn go_mod_hash(content: &[u8]) -> H1 {
    summary_hash(&[("go.mod".to_owned(), Sha256::digest(content).into())])
}

fn hex(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, byte) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(byte >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(byte & 0x0f)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently (Python's hashlib and base64) from the rows of
    // golang.org/x/mod's sumdb/dirhash/hash_test.go, plus the real go.mod record of every
    // golang.org/toolchain version on sum.golang.org.
    #[test]
    fn hash1_matches_go_rows() {
        let rows: &[(&[(&str, &str)], &str)] = &[
            (
                &[("xyz", "data for xyz"), ("abc", "data for abc")],
                "h1:EP6WfDoQTSk9klnxcjriWJOGztueJUywHNmWeq+efB8=",
            ),
            (
                &[
                    ("prefix/xyz", "data for xyz"),
                    ("prefix/abc", "data for abc"),
                ],
                "h1:rLyfpGMAgqOnGE2aKOY5Xb6cOc0/YQhPjHBHBwkblhs=",
            ),
            (&[], "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
        ];
        for (files, want) in rows {
            let got = hash1(files.iter().copied()).unwrap();
            assert_eq!(got.to_string(), *want, "files {files:?}");
        }
    }

    #[test]
    fn go_mod_hash_matches_the_real_toolchain_record() {
        assert_eq!(
            go_mod_hash(b"module golang.org/toolchain\n").to_string(),
            "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0="
        );
        assert_eq!(
            go_mod_hash(b"module golang.org/toolchain\n"),
            hash1([("go.mod", "module golang.org/toolchain\n")]).unwrap()
        );
    }

    #[test]
    fn order_of_adding_does_not_matter() {
        let files = [
            ("b/x", "1"),
            ("a", "2"),
            ("b", "3"),
            ("a/b", "4"),
            ("B", "5"),
        ];
        let forward = hash1(files).unwrap();
        let mut reversed = files;
        reversed.reverse();
        assert_eq!(hash1(reversed).unwrap(), forward);
        // Another content changes the hash, so the comparison above means something.
        assert_ne!(hash1([("b/x", "1"), ("a", "2")]).unwrap(), forward);
    }

    #[test]
    fn names_sort_by_bytes_not_by_path_parts() {
        // "a.b" (0x2e) sorts before "a/b" (0x2f), and "a/b" before "a0" (0x30): byte order.
        let ab = |name: &str| {
            let digest = hex(&Sha256::digest(name).into());
            format!("{}  {name}\n", String::from_utf8_lossy(&digest))
        };
        let summary = format!("{}{}{}", ab("a.b"), ab("a/b"), ab("a0"));
        let want = H1(Sha256::digest(summary.as_bytes()).into());
        let got = hash1([("a0", "a0"), ("a/b", "a/b"), ("a.b", "a.b")]).unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn newline_in_a_name_is_refused() {
        let mut hash = Hash1::new();
        assert_eq!(
            hash.add("a\nbc", [0; 32]),
            Err(DirhashError::NewlineInName("a\nbc".into()))
        );
        assert!(hash1([("xyz", "x"), ("a\nbc", "y")]).is_err());
    }

    #[test]
    fn duplicate_names_are_refused() {
        assert_eq!(
            hash1([("a", "1"), ("b", "2"), ("a", "1")]),
            Err(DirhashError::DuplicateName("a".into()))
        );
    }

    #[test]
    fn parse_round_trips_and_refuses_malformed() {
        let text = "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=";
        assert_eq!(H1::parse(text).unwrap().to_string(), text);
        for bad in [
            "",
            "h1:",
            "h2:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=",
            "8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=",
            "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0",
            "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS1=",
            "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLe==",
            "h1:AAAA",
            "h1: 8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=",
        ] {
            assert_eq!(
                H1::parse(bad),
                Err(DirhashError::MalformedHash(bad.into())),
                "{bad:?}"
            );
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn parse_never_panics_and_round_trips(text in "(h1:)?[A-Za-z0-9+/=]{0,50}") {
                if let Ok(h) = H1::parse(&text) {
                    prop_assert_eq!(h.to_string(), text);
                }
            }

            #[test]
            fn order_never_matters(mut files in prop::collection::btree_map("[a-z/.]{1,8}", any::<u8>(), 0..8)
                .prop_map(|m| m.into_iter().collect::<Vec<_>>())) {
                let forward = hash1(files.iter().map(|(n, c)| (n.clone(), [*c]))).unwrap();
                files.reverse();
                prop_assert_eq!(hash1(files.iter().map(|(n, c)| (n.clone(), [*c]))).unwrap(), forward);
            }
        }
    }
}
