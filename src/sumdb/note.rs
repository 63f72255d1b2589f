//! Signed notes (golang.org/x/mod's `note` format): how a checksum database signs its tree
//! heads. A note is UTF-8 text ending in a newline, a blank line, then signature lines
//! `— <name> <base64(4-byte key hash || Ed25519 signature)>` (an em dash, U+2014). A verifier
//! key is `<name>+<8 hex digits of key hash>+<base64(0x01 || 32-byte Ed25519 public key)>`,
//! the key hash being the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
//!
//! [`open`] accepts a note only if a known key signed it: signatures by unknown keys are kept
//! aside, unread; a signature that names a known key and does not verify is an error, because
//! it can only be a forgery or corruption. Signing is here too, for test databases and mirrors.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair as _, UnparsedPublicKey};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt;

/// The algorithm byte of Ed25519 keys, the only kind Go defines.
const ALG_ED25519: u8 = 1;

/// A signed note larger than this is refused before any parsing (a tree head is ~150 bytes;
/// Go's tree parser has the same bound).
pub const MAX_NOTE_SIZE: usize = 1_000_000;

/// More signatures than this and the note is refused (as Go: no spending forever on one note).
pub const MAX_SIGNATURES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("malformed verifier key {0:?}: expected <name>+<8 hex digits>+<base64 public key>")]
    Malformed(String),
    #[error("verifier key {0:?} uses an unknown algorithm (only Ed25519, 01, is defined)")]
    UnknownAlgorithm(String),
    #[error("verifier key {0:?} does not match its key hash (the key or the name was altered)")]
    HashMismatch(String),
    // Never echoes the key: it is secret.
    #[error("malformed signer key: expected PRIVATE+KEY+<name>+<8 hex digits>+<base64 seed>")]
    MalformedSigner,
    #[error("invalid server name {0:?}: it must be non-empty, without spaces or +")]
    InvalidName(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("malformed signed note: {0}")]
    Malformed(&'static str),
    #[error("signed note has no signature from a known key{}", signed_by(.signers))]
    Unverified { signers: Vec<String> },
    #[error("invalid signature for key {name}+{key_hash:08x} on the signed note")]
    InvalidSignature { name: String, key_hash: u32 },
    #[error("two known keys share the name and hash {name}+{key_hash:08x}")]
    AmbiguousKey { name: String, key_hash: u32 },
}

fn signed_by(signers: &[String]) -> String {
    if signers.is_empty() {
        String::new()
    } else {
        format!(" (signed by {})", signers.join(", "))
    }
}

/// Names of servers and keys: non-empty, no Unicode space, no `+` (Go's `isValidName`).
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// The key hash of a name and an encoded public key (algorithm byte first).
fn key_hash(name: &str, key: &[u8]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\n");
    hasher.update(key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Parses exactly eight hex digits.
fn parse_key_hash(text: &str) -> Option<u32> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// A public key that checks a server's signatures.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_hash: u32,
    public_key: [u8; 32],
}

impl Verifier {
    /// Parses a verifier key `<name>+<hash>+<key>`, checking the hash against name and key.
    pub fn parse(vkey: &str) -> Result<Verifier, KeyError> {
        let malformed = || KeyError::Malformed(vkey.to_owned());
        let (name, rest) = vkey.split_once('+').ok_or_else(malformed)?;
        let (hash16, key64) = rest.split_once('+').ok_or_else(malformed)?;
        let hash = parse_key_hash(hash16).ok_or_else(malformed)?;
        let key = BASE64.decode(key64).map_err(|_| malformed())?;
        if !is_valid_name(name) || key.is_empty() {
            return Err(malformed());
        }
        if hash != key_hash(name, &key) {
            return Err(KeyError::HashMismatch(vkey.to_owned()));
        }
        match key.split_first() {
            Some((&ALG_ED25519, public)) => Ok(Verifier {
                name: name.to_owned(),
                key_hash: hash,
                public_key: public.try_into().map_err(|_| malformed())?,
            }),
            _ => Err(KeyError::UnknownAlgorithm(vkey.to_owned())),
        }
    }

    /// The server name the key belongs to (`sum.golang.org`).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// Whether `signature` is this key's signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.public_key)
            .verify(message, signature)
            .is_ok()
    }

    /// The verifier key in its text form.
    pub fn encode(&self) -> String {
        let mut key = vec![ALG_ED25519];
        key.extend_from_slice(&self.public_key);
        format!("{}+{:08x}+{}", self.name, self.key_hash, BASE64.encode(key))
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// The keys a client trusts (for a checksum database: the one key of GOSUMDB).
#[derive(Debug, Clone, Default)]
pub struct Verifiers(Vec<Verifier>);

impl Verifiers {
    pub fn new(list: impl IntoIterator<Item = Verifier>) -> Verifiers {
        Verifiers(list.into_iter().collect())
    }

    /// The known key with this name and hash; two such keys are an error (someone tampered
    /// with the list).
    fn find(&self, name: &str, key_hash: u32) -> Result<Option<&Verifier>, NoteError> {
        let mut matches = self
            .0
            .iter()
            .filter(|v| v.name == name && v.key_hash == key_hash);
        let first = matches.next();
        if matches.next().is_some() {
            return Err(NoteError::AmbiguousKey {
                name: name.to_owned(),
                key_hash,
            });
        }
        Ok(first)
    }
}

impl From<Verifier> for Verifiers {
    fn from(verifier: Verifier) -> Verifiers {
        Verifiers(vec![verifier])
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub key_hash: u32,
    /// The signature as written: base64 of key hash and signature bytes.
    pub base64: String,
}

/// A note whose signature by a known key verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, final newline included.
    pub text: String,
    /// Signatures by known keys, each verified.
    pub verified: Vec<Signature>,
    /// Signatures by keys not known here, not checked.
    pub unverified: Vec<Signature>,
}

/// Parses a signed note and checks its signatures against `known`. At least one signature by
/// a known key must verify; a signature by a known key that fails is an error; signatures by
/// other keys are returned unchecked. Repeated signatures by one key count once (the first).
pub fn open(message: &[u8], known: &Verifiers) -> Result<Note, NoteError> {
    if message.len() > MAX_NOTE_SIZE {
        return Err(NoteError::Malformed("larger than 1 MB"));
    }
    let message =
        std::str::from_utf8(message).map_err(|_| NoteError::Malformed("not valid UTF-8"))?;
    if message.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed("holds a control character"));
    }
    // The text ends at the last blank line; the signatures follow it.
    let split = message
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let (text, signatures) = (&message[..split + 1], &message[split + 2..]);
    let Some(signatures) = signatures.strip_suffix('\n') else {
        return Err(NoteError::Malformed(
            "no signature line ending in a newline",
        ));
    };

    let mut note = Note {
        text: text.to_owned(),
        verified: Vec::new(),
        unverified: Vec::new(),
    };
    let mut seen_keys = HashSet::new();
    let mut seen_unknown = HashSet::new();
    for (count, line) in signatures.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(NoteError::Malformed("more than 100 signatures"));
        }
        let (name, key_hash, signature, encoded) = parse_signature_line(line)?;
        let Some(verifier) = known.find(name, key_hash)? else {
            if seen_unknown.insert(line) {
                note.unverified.push(Signature {
                    name: name.to_owned(),
                    key_hash,
                    base64: encoded.to_owned(),
                });
            }
            continue;
        };
        if !seen_keys.insert((name, key_hash)) {
            continue;
        }
        if !verifier.verify(text.as_bytes(), &signature) {
            return Err(NoteError::InvalidSignature {
                name: name.to_owned(),
                key_hash,
            });
        }
        note.verified.push(Signature {
            name: name.to_owned(),
            key_hash,
            base64: encoded.to_owned(),
        });
    }
    if note.verified.is_empty() {
        return Err(NoteError::Unverified {
            signers: note
                .unverified
                .iter()
                .map(|s| format!("{}+{:08x}", s.name, s.key_hash))
                .collect(),
        });
    }
    Ok(note)
}

/// `— <name> <base64>` split into name, key hash, signature bytes and the base64 as written.
fn parse_signature_line(line: &str) -> Result<(&str, u32, Vec<u8>, &str), NoteError> {
    let malformed = || NoteError::Malformed("a signature line is not \"— <name> <base64>\"");
    let rest = line.strip_prefix("— ").ok_or_else(malformed)?;
    let (name, encoded) = rest.split_once(' ').ok_or_else(malformed)?;
    let bytes = BASE64.decode(encoded).map_err(|_| malformed())?;
    if !is_valid_name(name) || bytes.len() < 5 {
        return Err(malformed());
    }
    let (hash, signature) = bytes.split_at(4);
    let key_hash = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]);
    Ok((name, key_hash, signature.to_vec(), encoded))
}

/// A private key that signs notes (for test databases and mirrors; never sum.golang.org's).
pub struct Signer {
    name: String,
    key_hash: u32,
    key_pair: Ed25519KeyPair,
}

impl Signer {
    /// A signer from a name and a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Signer, KeyError> {
        if !is_valid_name(name) {
            return Err(KeyError::InvalidName(name.to_owned()));
        }
        let key_pair =
            Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| KeyError::MalformedSigner)?;
        let mut public = vec![ALG_ED25519];
        public.extend_from_slice(key_pair.public_key().as_ref());
        Ok(Signer {
            name: name.to_owned(),
            key_hash: key_hash(name, &public),
            key_pair,
        })
    }

    /// Parses Go's signer key `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`, checking
    /// the hash against the public key derived from the seed.
    pub fn parse(skey: &str) -> Result<Signer, KeyError> {
        let parts = (|| {
            let rest = skey.strip_prefix("PRIVATE+KEY+")?;
            let (name, rest) = rest.split_once('+')?;
            let (hash16, key64) = rest.split_once('+')?;
            Some((name, parse_key_hash(hash16)?, BASE64.decode(key64).ok()?))
        })();
        let (name, hash, key) = parts.ok_or(KeyError::MalformedSigner)?;
        let Some((&ALG_ED25519, seed)) = key.split_first() else {
            return Err(KeyError::MalformedSigner);
        };
        let seed: &[u8; 32] = seed.try_into().map_err(|_| KeyError::MalformedSigner)?;
        let signer = Signer::from_seed(name, seed).map_err(|_| KeyError::MalformedSigner)?;
        if signer.key_hash != hash {
            return Err(KeyError::MalformedSigner);
        }
        Ok(signer)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Verifier {
        let mut public_key = [0; 32];
        public_key.copy_from_slice(self.key_pair.public_key().as_ref());
        Verifier {
            name: self.name.clone(),
            key_hash: self.key_hash,
            public_key,
        }
    }

    /// The signature line for `text`.
    fn signature_line(&self, text: &str) -> String {
        let mut bytes = self.key_hash.to_be_bytes().to_vec();
        bytes.extend_from_slice(self.key_pair.sign(text.as_bytes()).as_ref());
        format!("— {} {}\n", self.name, BASE64.encode(bytes))
    }
}

/// A signed note: `text` (which must end in a newline and hold no control character but
/// newlines), a blank line, and one signature line per signer.
pub fn sign(text: &str, signers: &[&Signer]) -> Result<Vec<u8>, NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("text does not end in a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::Malformed("holds a control character"));
    }
    let mut out = format!("{text}\n");
    for signer in signers {
        out.push_str(&signer.signature_line(text));
    }
    Ok(out.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{REAL_HEADS, SUM_GOLANG_ORG};
    use super::*;

    // The keys and signatures of golang.org/x/mod sumdb/note/note_test.go.
    const PETER_KEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const ENOCH_KEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                        then you don't know what your problem is.\n";
    const PETER_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_SIG: &str = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    fn peter() -> Verifier {
        Verifier::parse(PETER_KEY).unwrap()
    }

    fn enoch() -> Verifier {
        Verifier::parse(ENOCH_KEY).unwrap()
    }

    fn sig(name: &str, key_hash: u32, line: &str) -> Signature {
        let base64 = line.trim_end().rsplit(' ').next().unwrap().to_owned();
        Signature {
            name: name.into(),
            key_hash,
            base64,
        }
    }

    #[test]
    fn verifier_keys_parse() {
        let v = peter();
        assert_eq!(v.name(), "PeterNeumann");
        assert_eq!(v.key_hash(), 0xc74f20a3);
        assert_eq!(v.encode(), PETER_KEY);
        let sum = Verifier::parse(SUM_GOLANG_ORG).unwrap();
        assert_eq!(sum.name(), "sum.golang.org");
        assert_eq!(sum.key_hash(), 0x033de0ae);
    }

    // note_test.go TestNewVerifier: every proper substring and every one-byte change fails.
    #[test]
    fn mangled_verifier_keys_fail() {
        let b = PETER_KEY.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if i == 0 && j == b.len() {
                    continue;
                }
                let k = String::from_utf8_lossy(&b[i..j]);
                assert!(Verifier::parse(&k).is_err(), "{k:?}");
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] += 1;
            let k = String::from_utf8(m).unwrap();
            assert!(Verifier::parse(&k).is_err(), "{k:?}");
        }
        // A key of the wrong length and an unknown algorithm, each with a matching hash.
        let wrong_length =
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==";
        assert_eq!(
            Verifier::parse(wrong_length),
            Err(KeyError::Malformed(wrong_length.into()))
        );
        let unknown_alg = "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        assert_eq!(
            Verifier::parse(unknown_alg),
            Err(KeyError::UnknownAlgorithm(unknown_alg.into()))
        );
        let wrong_hash = "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        assert_eq!(
            Verifier::parse(wrong_hash),
            Err(KeyError::HashMismatch(wrong_hash.into()))
        );
    }

    #[test]
    fn names_follow_go() {
        for good in [
            "sum.golang.org",
            "a",
            "example.com/path",
            "PeterNeumann",
            "é",
        ] {
            assert!(is_valid_name(good), "{good:?}");
        }
        for bad in [
            "",
            "a b",
            "a+b",
            "a\tb",
            "a\u{a0}b",
            "a\u{2003}b",
            "a\u{85}",
            "+",
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
        }
    }

    // note_test.go TestNewSigner and TestSign: the known-good signature is reproduced.
    #[test]
    fn signer_reproduces_gos_signature() {
        let signer = Signer::parse(PETER_SKEY).unwrap();
        assert_eq!(signer.name(), "PeterNeumann");
        assert_eq!(signer.key_hash(), 0xc74f20a3);
        assert_eq!(signer.verifier(), peter());
        let msg = sign(TEXT, &[&signer]).unwrap();
        assert_eq!(
            String::from_utf8(msg).unwrap(),
            format!("{TEXT}\n{PETER_SIG}")
        );
        assert!(matches!(
            sign("abc", &[&signer]),
            Err(NoteError::Malformed(_))
        ));
    }

    #[test]
    fn mangled_signer_keys_fail() {
        let b = PETER_SKEY.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if i == 0 && j == b.len() {
                    continue;
                }
                let k = String::from_utf8_lossy(&b[i..j]);
                assert!(Signer::parse(&k).is_err(), "{k:?}");
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] += 1;
            let k = String::from_utf8(m).unwrap();
            assert!(Signer::parse(&k).is_err(), "{k:?}");
        }
    }

    // note_test.go TestOpen.
    #[test]
    fn open_one_verified_one_unknown() {
        let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        let note = open(msg.as_bytes(), &Verifiers::from(peter())).unwrap();
        assert_eq!(note.text, TEXT);
        assert_eq!(note.verified, [sig("PeterNeumann", 0xc74f20a3, PETER_SIG)]);
        assert_eq!(note.unverified, [sig("EnochRoot", 0xaf0cfe78, ENOCH_SIG)]);
    }

    #[test]
    fn open_both_verified() {
        let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        let note = open(msg.as_bytes(), &Verifiers::new([peter(), enoch()])).unwrap();
        assert_eq!(
            note.verified,
            [
                sig("PeterNeumann", 0xc74f20a3, PETER_SIG),
                sig("EnochRoot", 0xaf0cfe78, ENOCH_SIG)
            ]
        );
        assert!(note.unverified.is_empty());
    }

    #[test]
    fn open_with_no_known_key_fails() {
        let msg = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
        let err = open(msg.as_bytes(), &Verifiers::default()).unwrap_err();
        assert_eq!(
            err,
            NoteError::Unverified {
                signers: vec!["PeterNeumann+c74f20a3".into(), "EnochRoot+af0cfe78".into()]
            }
        );
        assert_eq!(
            err.to_string(),
            "signed note has no signature from a known key \
             (signed by PeterNeumann+c74f20a3, EnochRoot+af0cfe78)"
        );
        // Signed by another key only: Enoch's note offered to a Peter-only client.
        let msg = format!("{TEXT}\n{ENOCH_SIG}");
        assert!(matches!(
            open(msg.as_bytes(), &Verifiers::from(peter())),
            Err(NoteError::Unverified { .. })
        ));
    }

    #[test]
    fn ambiguous_known_keys_fail_only_when_used() {
        let list = Verifiers::new([enoch(), peter(), enoch()]);
        let msg = format!("{TEXT}\n{ENOCH_SIG}");
        assert_eq!(
            open(msg.as_bytes(), &list),
            Err(NoteError::AmbiguousKey {
                name: "EnochRoot".into(),
                key_hash: 0xaf0cfe78
            })
        );
        let msg = format!("{TEXT}\n{PETER_SIG}");
        assert!(open(msg.as_bytes(), &list).is_ok());
    }

    #[test]
    fn too_many_signatures_fail() {
        let msg = format!("{TEXT}\n{}", PETER_SIG.repeat(101));
        for known in [Verifiers::from(peter()), Verifiers::default()] {
            assert!(matches!(
                open(msg.as_bytes(), &known),
                Err(NoteError::Malformed(_))
            ));
        }
        let msg = format!("{TEXT}\n{}", PETER_SIG.repeat(100));
        assert!(open(msg.as_bytes(), &Verifiers::from(peter())).is_ok());
    }

    #[test]
    fn bad_signature_by_a_known_key_fails() {
        let bad = format!("{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
        let msg = format!("{TEXT}\n{bad}");
        let err = open(msg.as_bytes(), &Verifiers::from(peter())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid signature for key PeterNeumann+c74f20a3 on the signed note"
        );
        // The right signature on another text.
        let msg = format!("{}\n{PETER_SIG}", TEXT.replace("answer", "ANSWER"));
        assert!(matches!(
            open(msg.as_bytes(), &Verifiers::from(peter())),
            Err(NoteError::InvalidSignature { .. })
        ));
    }

    #[test]
    fn duplicates_count_once() {
        let enoch_bad = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
        let msg = format!("{TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}{enoch_bad}");
        let note = open(msg.as_bytes(), &Verifiers::from(peter())).unwrap();
        assert_eq!(note.verified, [sig("PeterNeumann", 0xc74f20a3, PETER_SIG)]);
        assert_eq!(
            note.unverified,
            [
                sig("EnochRoot", 0xaf0cfe78, ENOCH_SIG),
                sig("EnochRoot", 0xaf0cfe78, &enoch_bad)
            ]
        );
    }

    #[test]
    fn malformed_notes_fail() {
        let bad_name = "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";
        let rows: Vec<Vec<u8>> = vec![
            TEXT.into(),
            format!("{TEXT}\n").into(),
            format!("{TEXT}\n{}", PETER_SIG.trim_end()).into(),
            format!("\x01{TEXT}\n{PETER_SIG}").into(),
            [
                b"\xff".as_slice(),
                format!("{TEXT}\n{PETER_SIG}").as_bytes(),
            ]
            .concat(),
            format!("{TEXT}\n{bad_name}").into(),
            format!("{TEXT}\n{PETER_SIG}Unexpected line.\n").into(),
            format!("{TEXT}\n{}", PETER_SIG.replace('—', "-")).into(),
            format!("{TEXT}\n{}", PETER_SIG.replace("=\n", "\n")).into(),
            format!("{TEXT}\n— PeterNeumann \n").into(),
            format!("{TEXT}\n— PeterNeumann AAAA\n").into(),
            format!("{TEXT}\r\n{PETER_SIG}").into(),
            format!("{TEXT}\n{PETER_SIG}\n").into(),
            vec![b'a'; MAX_NOTE_SIZE + 1],
        ];
        for msg in rows {
            let got = open(&msg, &Verifiers::from(peter()));
            assert!(
                matches!(got, Err(NoteError::Malformed(_))),
                "{:?}: {got:?}",
                String::from_utf8_lossy(&msg)
            );
        }
    }

    #[test]
    fn real_sum_golang_org_heads_verify() {
        let known = Verifiers::from(Verifier::parse(SUM_GOLANG_ORG).unwrap());
        for (size, root, signature) in REAL_HEADS {
            let msg =
                format!("go.sum database tree\n{size}\n{root}\n\n— sum.golang.org {signature}\n");
            let note = open(msg.as_bytes(), &known).unwrap();
            assert_eq!(note.verified.len(), 1);
            // One changed digit of the size breaks the signature.
            let forged = msg.replacen(&size.to_string(), &(size + 1).to_string(), 1);
            assert!(matches!(
                open(forged.as_bytes(), &known),
                Err(NoteError::InvalidSignature { .. })
            ));
        }
    }

    mod properties {
        use super::super::super::fixtures::strategies::{config, mutated};
        use super::*;
        use proptest::prelude::*;

        fn valid() -> Vec<u8> {
            format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}").into_bytes()
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn open_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
                let _ = open(&bytes, &Verifiers::from(peter()));
            }

            #[test]
            fn open_of_arbitrary_text_never_panics(text in "(\\PC|\n|—| ){0,200}") {
                let _ = open(text.as_bytes(), &Verifiers::from(peter()));
            }

            // A mutated note opens only if its text is still the signed one.
            #[test]
            fn mutated_notes_open_only_with_the_signed_text(bytes in mutated(valid())) {
                if let Ok(note) = open(&bytes, &Verifiers::from(peter())) {
                    prop_assert_eq!(note.text, TEXT);
                }
            }

            #[test]
            fn verifier_keys_never_panic(key in "(\\PC|\\+){0,90}") {
                let _ = Verifier::parse(&key);
                let _ = Signer::parse(&key);
            }

            #[test]
            fn mutated_verifier_keys_parse_only_unchanged(bytes in mutated(PETER_KEY.into())) {
                if let Ok(key) = std::str::from_utf8(&bytes) && let Ok(v) = Verifier::parse(key) {
                    prop_assert_eq!(v.encode(), PETER_KEY);
                }
            }
        }
    }
}
