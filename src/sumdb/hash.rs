//! The 32-byte hashes of the checksum database's Merkle tree (RFC 6962, section 2.1): a record's
//! hash is SHA-256(0x00 || record), an interior node's SHA-256(0x01 || left || right). The two
//! prefixes keep a record from ever passing for an interior node.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use std::fmt;

/// A hash of a record, a subtree or a whole tree.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

/// Bytes of one hash, as stored in tiles.
pub const HASH_SIZE: usize = 32;

impl Hash {
    /// Parses the base64 form used in tree heads (canonical, padded). `None` if it is anything
    /// else.
    pub fn parse(text: &str) -> Option<Hash> {
        let bytes = BASE64.decode(text).ok()?;
        Some(Hash(bytes.try_into().ok()?))
    }

    /// The hash at the start of `bytes`, if it holds that many.
    pub fn from_prefix(bytes: &[u8]) -> Option<Hash> {
        Some(Hash(bytes.get(..HASH_SIZE)?.try_into().ok()?))
    }
}

// Base64, the form Go prints and tree heads carry, so a hash in a message can be compared by eye.
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&BASE64.encode(self.0))
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The leaf hash of a record: SHA-256(0x00 || data).
pub fn record_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(data);
    Hash(hasher.finalize().into())
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.0);
    hasher.update(right.0);
    Hash(hasher.finalize().into())
}

/// The root of the empty tree: SHA-256 of nothing (RFC 6962).
pub fn empty_tree_hash() -> Hash {
    Hash(Sha256::digest([]).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_hash_matches_go() {
        // golang.org/x/mod sumdb/tlog/note_test.go: RecordHash("hello world") formats as this.
        assert_eq!(
            record_hash(b"hello world").to_string(),
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
        );
    }

    #[test]
    fn node_hash_is_prefixed_and_ordered() {
        let a = record_hash(b"a");
        let b = record_hash(b"b");
        let mut joined = vec![0x01];
        joined.extend_from_slice(&a.0);
        joined.extend_from_slice(&b.0);
        assert_eq!(node_hash(&a, &b), Hash(Sha256::digest(&joined).into()));
        assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
    }

    #[test]
    fn empty_tree_is_sha256_of_nothing() {
        assert_eq!(
            empty_tree_hash().to_string(),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }

    #[test]
    fn parse_is_strict() {
        let text = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
        assert_eq!(Hash::parse(text), Some(record_hash(b"hello world")));
        for bad in [
            "",
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0",
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=",
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=",
            "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw",
            " TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
            "TszzRgjTG6xce-z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
        ] {
            assert_eq!(Hash::parse(bad), None, "{bad:?}");
        }
    }
}
