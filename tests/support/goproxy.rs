//! A static Go module proxy for the module `golang.org/toolchain`, with a checksum database
//! inside it, built as a map `path -> bytes`: tests serve it with `TestServer::add_file`, the
//! real-Go end-to-end suite writes it to a folder (`examples/goproxy_fixture.rs`) and serves it
//! with `python3 -m http.server`, where the real go command must accept it before anything
//! gopin does against it means something.
//!
//! Everything here is written from the formats (cmd/distpack's module form, x/mod's dirhash,
//! tlog, tiles and signed notes), independently of gopin's own client in `src/`, so the client
//! and this fixture are never the same code judging itself.
//!
//! Layout of the map (paths relative to the proxy's base URL, no leading slash):
//! - `golang.org/toolchain/@v/list`, `@v/<v>.info`, `@v/<v>.mod`, `@v/<v>.zip`;
//! - `sumdb/<name>/supported` (empty), `sumdb/<name>/latest`,
//!   `sumdb/<name>/lookup/golang.org/toolchain@<v>`, `sumdb/<name>/tile/8/<L>/<N>[.p/<W>]` and
//!   `sumdb/<name>/tile/8/data/<N>[.p/<W>]`: every tile a client may ask for at the final tree
//!   size, partial ones at exactly that size's widths.
//!
//! Faults for client tests: [`ZipFault`] (a zip that differs from its record; entries outside
//! the prefix, `..`, a symlink, an absolute name, a duplicate name, each with an honest record
//! of the hostile zip so only the extraction guards can stop it), [`GoProxy::signed_by`] (notes
//! signed by another key), and database states made with [`SumDb::forked`],
//! [`SumDb::extended`] and [`SumDb::truncated`], served with [`GoProxy::with_db`].
#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;

/// The module Go's toolchains are published as.
pub const MODULE: &str = "golang.org/toolchain";
/// The `.mod` file of every toolchain version.
pub const MOD_FILE: &[u8] = b"module golang.org/toolchain\n";
/// Tile height of Go's checksum databases (sum.golang.org's, and the go command's client's).
pub const TILE_HEIGHT: u32 = 8;
const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// The module zip's time when a tree has no `VERSION` time line.
pub const DEFAULT_TIME: &str = "2024-01-01T00:00:00Z";

pub type Hash = [u8; 32];

// ---- toolchains -----------------------------------------------------------------------------

/// One file of a Go tree, by its path under `go/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub mode: u32,
}

impl GoFile {
    pub fn new(path: &str, bytes: impl Into<Vec<u8>>, mode: u32) -> GoFile {
        GoFile {
            path: path.to_owned(),
            bytes: bytes.into(),
            mode,
        }
    }
}

/// One release for one platform: `go1.22.10`, `linux`, `amd64` (go.dev's names: `armv6l` is
/// accepted and becomes `arm` in the module version), and the files of its `go/` tree.
#[derive(Clone, Debug)]
pub struct Toolchain {
    pub version: String,
    pub goos: String,
    pub goarch: String,
    pub files: Vec<GoFile>,
    /// RFC 3339, UTC: the `.info` Time and the zip entries' time (from `go/VERSION`).
    pub time: String,
}

impl Toolchain {
    pub fn new(version: &str, goos: &str, goarch: &str, files: Vec<GoFile>) -> Toolchain {
        let time = files
            .iter()
            .find(|f| f.path == "VERSION")
            .and_then(|f| version_time(&f.bytes))
            .unwrap_or_else(|| DEFAULT_TIME.to_owned());
        Toolchain {
            version: version.to_owned(),
            goos: goos.to_owned(),
            goarch: goarch.to_owned(),
            files,
            time,
        }
    }

    /// From a go.dev-shaped `.tar.gz` (entries under `go/`; folders skipped), such as
    /// `fake_go::FakeRelease::bytes`.
    pub fn from_tar_gz(
        version: &str,
        goos: &str,
        goarch: &str,
        tar_gz: &[u8],
    ) -> io::Result<Toolchain> {
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tar_gz));
        let mut files = Vec::new();
        for entry in archive.entries()? {
            let mut entry = entry?;
            let kind = entry.header().entry_type();
            if kind.is_dir() {
                continue;
            }
            let path = entry.path()?.to_string_lossy().into_owned();
            let Some(rel) = path.strip_prefix("go/") else {
                return Err(io::Error::other(format!("{path}: not under go/")));
            };
            if !kind.is_file() {
                return Err(io::Error::other(format!("{path}: not a regular file")));
            }
            let mode = entry.header().mode()?;
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            files.push(GoFile::new(rel, bytes, mode));
        }
        Ok(Toolchain::new(version, goos, goarch, files))
    }

    /// From an extracted Go tree on disk (`dir` is the `go` folder itself). Only regular files
    /// and folders are expected, as in Go's releases.
    pub fn from_dir(dir: &Path, version: &str, goos: &str, goarch: &str) -> io::Result<Toolchain> {
        let mut files = Vec::new();
        walk(dir, "", &mut files)?;
        Ok(Toolchain::new(version, goos, goarch, files))
    }

    /// `v0.0.1-go1.22.10.linux-amd64`.
    pub fn module_version(&self) -> String {
        module_version(&self.version, &self.goos, &self.goarch)
    }
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<GoFile>) -> io::Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<io::Result<_>>()?;
    names.sort();
    for name in names {
        let name = name
            .into_string()
            .map_err(|n| io::Error::other(format!("{}: not UTF-8", n.to_string_lossy())))?;
        let path = dir.join(&name);
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let meta = std::fs::symlink_metadata(&path)?;
        if meta.is_dir() {
            walk(&path, &rel, out)?;
        } else if meta.is_file() {
            out.push(GoFile::new(&rel, std::fs::read(&path)?, file_mode(&meta)));
        } else {
            return Err(io::Error::other(format!(
                "{}: neither a file nor a folder",
                path.display()
            )));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn file_mode(_: &std::fs::Metadata) -> u32 {
    0o644
}

/// The `time` line of a `go/VERSION` file.
fn version_time(version_file: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(version_file).ok()?;
    text.lines()
        .skip(1)
        .find_map(|l| l.strip_prefix("time "))
        .map(|t| t.trim().to_owned())
        .filter(|t| parse_time(t).is_some())
}

/// `v0.0.1-<version>.<goos>-<goarch>`, with go.dev's `armv6l` as Go's `arm`.
pub fn module_version(version: &str, goos: &str, goarch: &str) -> String {
    let goarch = if goarch == "armv6l" { "arm" } else { goarch };
    format!("v0.0.1-{version}.{goos}-{goarch}")
}

/// `golang.org/toolchain@<module version>/`, the prefix of every name in the module zip.
pub fn zip_prefix(module_version: &str) -> String {
    format!("{MODULE}@{module_version}/")
}

// ---- the module zip (cmd/distpack's module form) ------------------------------------------

/// One entry of a zip as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub kind: EntryKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File { bytes: Vec<u8>, mode: u32 },
    Symlink { target: String },
    Dir,
}

impl ZipEntry {
    pub fn file(name: &str, bytes: impl Into<Vec<u8>>, mode: u32) -> ZipEntry {
        ZipEntry {
            name: name.to_owned(),
            kind: EntryKind::File {
                bytes: bytes.into(),
                mode,
            },
        }
    }

    /// What Go's zip reader hands out for the entry: a file's bytes, a symlink's target, or
    /// nothing for a folder.
    pub fn content(&self) -> &[u8] {
        match &self.kind {
            EntryKind::File { bytes, .. } => bytes,
            EntryKind::Symlink { target } => target.as_bytes(),
            EntryKind::Dir => &[],
        }
    }
}

/// The module form of a release, as cmd/distpack makes it: the tree minus the top-level `api/`,
/// `doc/`, `misc/` and `test/` folders, every `go.mod` renamed `_go.mod`, every name prefixed
/// with `golang.org/toolchain@<module version>/`, sorted, modes as release packaging sets them
/// (nothing authenticates the modes; they are there to be ignored).
pub fn module_entries(toolchain: &Toolchain) -> Vec<ZipEntry> {
    let prefix = zip_prefix(&toolchain.module_version());
    let mut entries: Vec<ZipEntry> = toolchain
        .files
        .iter()
        .filter(|f| {
            let (top, rest) = f.path.split_once('/').unwrap_or((&f.path, ""));
            rest.is_empty() || !matches!(top, "api" | "doc" | "misc" | "test")
        })
        .map(|f| {
            let name = match f.path.strip_suffix("go.mod") {
                Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{dir}_go.mod"),
                _ => f.path.clone(),
            };
            ZipEntry::file(
                &format!("{prefix}{name}"),
                f.bytes.clone(),
                release_mode(&f.path),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// cmd/distpack's file modes, by the path under `go/`.
pub fn release_mode(path: &str) -> u32 {
    let base = path.rsplit('/').next().unwrap_or(path);
    let exec_wrapper = base
        .strip_prefix("go_")
        .and_then(|b| b.strip_suffix("_exec"))
        .is_some_and(|mid| mid.find('_').is_some_and(|i| i > 0 && i + 1 < mid.len()));
    let executable = path.starts_with("bin/")
        || path.starts_with("pkg/tool/")
        || [".bash", ".sh", ".pl", ".rc"]
            .iter()
            .any(|s| path.ends_with(s))
        || exec_wrapper;
    if executable { 0o755 } else { 0o644 }
}

/// A zip archive of `entries`, in order, exactly as given (duplicates, odd names and links
/// included: the fault knobs need a writer that checks nothing). Files are deflated, links
/// and folders stored; Unix modes go in the external attributes. No zip64: at most 65535
/// entries and 4 GiB, plenty for a Go release.
pub fn write_zip(entries: &[ZipEntry], time: &str) -> Vec<u8> {
    let (dos_time, dos_date) = dos_time_date(time);
    let packed = pack_all(entries);
    assert!(
        entries.len() < 0xffff,
        "too many zip entries for a zip without zip64"
    );
    let mut out = Vec::with_capacity(packed.iter().map(|p| p.data.len() + 100).sum());
    let mut central = Vec::new();
    for (entry, p) in entries.iter().zip(&packed) {
        let offset = u32::try_from(out.len()).expect("zip larger than 4 GiB");
        let name = entry.name.as_bytes();
        let flags: u16 = if entry.name.is_ascii() { 0 } else { 0x0800 };
        let csize = u32::try_from(p.data.len()).expect("entry larger than 4 GiB");
        let usize = u32::try_from(entry.content().len()).expect("entry larger than 4 GiB");
        let name_len = u16::try_from(name.len()).expect("entry name too long");
        // Local file header.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, 20);
        put16(&mut out, flags);
        put16(&mut out, p.method);
        put16(&mut out, dos_time);
        put16(&mut out, dos_date);
        put32(&mut out, p.crc);
        put32(&mut out, csize);
        put32(&mut out, usize);
        put16(&mut out, name_len);
        put16(&mut out, 0);
        out.extend_from_slice(name);
        out.extend_from_slice(&p.data);
        // Central directory header: made by Unix (3), spec 2.0.
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, 0x0314);
        put16(&mut central, 20);
        put16(&mut central, flags);
        put16(&mut central, p.method);
        put16(&mut central, dos_time);
        put16(&mut central, dos_date);
        put32(&mut central, p.crc);
        put32(&mut central, csize);
        put32(&mut central, usize);
        put16(&mut central, name_len);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, p.unix_mode << 16);
        put32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let cd_offset = u32::try_from(out.len()).expect("zip larger than 4 GiB");
    let cd_size = u32::try_from(central.len()).expect("central directory larger than 4 GiB");
    out.extend_from_slice(&central);
    let count = entries.len() as u16;
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, cd_size);
    put32(&mut out, cd_offset);
    put16(&mut out, 0);
    out
}

/// `zip` (as [`write_zip`] writes it: no comment, no zip64) with its central directory's local
/// header offsets rewritten by `lie`: a directory that lies about where its entries are.
pub fn with_offsets(zip: &[u8], lie: impl Fn(&mut [u32])) -> Vec<u8> {
    let u16_at = |b: &[u8], i: usize| usize::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let end = zip.len() - 22;
    assert_eq!(
        u32_at(zip, end),
        0x0605_4b50,
        "no end record where write_zip puts it"
    );
    let count = u16_at(zip, end + 10);
    let mut at = u32_at(zip, end + 16) as usize;
    let mut places = Vec::with_capacity(count);
    for _ in 0..count {
        places.push(at + 42);
        at += 46 + u16_at(zip, at + 28) + u16_at(zip, at + 30) + u16_at(zip, at + 32);
    }
    let mut offsets: Vec<u32> = places.iter().map(|&p| u32_at(zip, p)).collect();
    lie(&mut offsets);
    let mut out = zip.to_vec();
    for (place, offset) in places.into_iter().zip(offsets) {
        out[place..place + 4].copy_from_slice(&offset.to_le_bytes());
    }
    out
}

struct Packed {
    method: u16,
    crc: u32,
    unix_mode: u32,
    data: Vec<u8>,
}

/// Deflates the files on every core: a whole Go tree is ~230 MB.
fn pack_all(entries: &[ZipEntry]) -> Vec<Packed> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(entries.len().max(1));
    let mut slots: Vec<Option<Packed>> = (0..entries.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let chunk = entries.len().div_ceil(threads).max(1);
        for (es, out) in entries.chunks(chunk).zip(slots.chunks_mut(chunk)) {
            s.spawn(move || {
                for (e, o) in es.iter().zip(out) {
                    *o = Some(pack(e));
                }
            });
        }
    });
    slots.into_iter().map(|p| p.expect("packed")).collect()
}

fn pack(entry: &ZipEntry) -> Packed {
    let content = entry.content();
    let mut crc = flate2::Crc::new();
    crc.update(content);
    let (method, unix_mode, data) = match &entry.kind {
        EntryKind::File { bytes, mode } => {
            let mut enc =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(6));
            enc.write_all(bytes).expect("deflate into memory");
            (
                8,
                0o100000 | (mode & 0o7777),
                enc.finish().expect("deflate"),
            )
        }
        EntryKind::Symlink { target } => (0, 0o120777, target.as_bytes().to_vec()),
        EntryKind::Dir => (0, 0o040755, Vec::new()),
    };
    Packed {
        method,
        crc: crc.sum(),
        unix_mode,
        data,
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// `YYYY-MM-DDTHH:MM:SSZ` -> (year, month, day, hour, minute, second).
fn parse_time(t: &str) -> Option<(u32, u32, u32, u32, u32, u32)> {
    let b = t.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
    Some((
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    ))
}

fn dos_time_date(time: &str) -> (u16, u16) {
    let (y, mo, d, h, mi, s) = parse_time(time).unwrap_or((2024, 1, 1, 0, 0, 0));
    let y = y.clamp(1980, 2107);
    (
        ((h << 11) | (mi << 5) | (s / 2)) as u16,
        (((y - 1980) << 9) | (mo << 5) | d) as u16,
    )
}

// ---- dirhash ---------------------------------------------------------------------------------

/// x/mod's dirhash Hash1 over `(name, content)` pairs: the lines `<hex sha256>  <name>\n` in
/// byte order of the names, then `h1:` + base64 of their SHA-256.
pub fn h1<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> String {
    let mut lines: Vec<(String, String)> = files
        .into_iter()
        .map(|(name, content)| {
            assert!(
                !name.contains('\n'),
                "dirhash cannot hash a name with a newline"
            );
            (name.to_owned(), hex(&Sha256::digest(content)))
        })
        .collect();
    lines.sort();
    let mut h = Sha256::new();
    for (name, sum) in &lines {
        h.update(format!("{sum}  {name}\n"));
    }
    format!("h1:{}", B64.encode(h.finalize()))
}

/// The `h1:` the go command computes for a zip holding `entries` (its HashZip: every entry's
/// name; when a name repeats, every copy hashes the last one's content).
pub fn h1_of_entries(entries: &[ZipEntry]) -> String {
    let last: BTreeMap<&str, &[u8]> = entries
        .iter()
        .map(|e| (e.name.as_str(), e.content()))
        .collect();
    h1(entries
        .iter()
        .map(|e| (e.name.as_str(), last[e.name.as_str()])))
}

/// The `h1:` of a `.mod` file (`.../go.mod h1:` in go.sum).
pub fn mod_h1(mod_file: &[u8]) -> String {
    h1([("go.mod", mod_file)])
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- signed notes ----------------------------------------------------------------------------

/// An Ed25519 key of a checksum database: signs its tree heads.
#[derive(Clone)]
pub struct SumKey {
    pub name: String,
    seed: [u8; 32],
}

impl SumKey {
    pub fn new(name: &str, seed: [u8; 32]) -> SumKey {
        assert!(
            !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace),
            "invalid note signer name {name:?}"
        );
        SumKey {
            name: name.to_owned(),
            seed,
        }
    }

    /// The fixture's key for `name`: fixed, so a test's GOSUMDB value is stable.
    pub fn test(name: &str) -> SumKey {
        SumKey::new(
            name,
            Sha256::digest(format!("gopin test key\n{name}")).into(),
        )
    }

    /// Another key with the same name (a note signed by it does not verify with
    /// [`SumKey::test`]'s verifier key).
    pub fn other(name: &str) -> SumKey {
        SumKey::new(
            name,
            Sha256::digest(format!("gopin other key\n{name}")).into(),
        )
    }

    /// From Go's private key text, `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>` (x/mod's
    /// note.GenerateKey), so Go's test vectors can be checked.
    pub fn from_go_private_key(skey: &str) -> Option<SumKey> {
        let rest = skey.strip_prefix("PRIVATE+KEY+")?;
        let mut parts = rest.splitn(3, '+');
        let (name, hash, key) = (parts.next()?, parts.next()?, parts.next()?);
        let key = B64.decode(key).ok()?;
        if key.len() != 33 || key[0] != 1 {
            return None;
        }
        let k = SumKey::new(name, key[1..].try_into().ok()?);
        (format!("{:08x}", k.key_hash()) == hash).then_some(k)
    }

    fn pair(&self) -> ring::signature::Ed25519KeyPair {
        ring::signature::Ed25519KeyPair::from_seed_unchecked(&self.seed).expect("ed25519 seed")
    }

    pub fn public_key(&self) -> [u8; 32] {
        use ring::signature::KeyPair as _;
        self.pair()
            .public_key()
            .as_ref()
            .try_into()
            .expect("32-byte key")
    }

    /// The first four bytes of SHA-256(name + "\n" + 0x01 + public key), big-endian.
    pub fn key_hash(&self) -> u32 {
        let mut h = Sha256::new();
        h.update(self.name.as_bytes());
        h.update(b"\n\x01");
        h.update(self.public_key());
        let d = h.finalize();
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    }

    /// `<name>+<8 hex>+<base64(0x01 || public key)>`: the GOSUMDB value without a URL.
    pub fn verifier_key(&self) -> String {
        let mut key = vec![1u8];
        key.extend_from_slice(&self.public_key());
        format!("{}+{:08x}+{}", self.name, self.key_hash(), B64.encode(key))
    }

    /// `text` (ending in a newline), a blank line, and this key's signature line.
    pub fn sign_note(&self, text: &str) -> Vec<u8> {
        assert!(text.ends_with('\n'), "note text must end with a newline");
        let sig = self.pair().sign(text.as_bytes());
        let mut blob = self.key_hash().to_be_bytes().to_vec();
        blob.extend_from_slice(sig.as_ref());
        format!("{text}\n\u{2014} {} {}\n", self.name, B64.encode(blob)).into_bytes()
    }
}

// ---- the checksum database (a Go-style tlog) ------------------------------------------------

/// RFC 6962 leaf hash: SHA-256(0x00 || record).
pub fn record_hash(record: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(record);
    h.finalize().into()
}

/// RFC 6962 interior hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// `tile/8/<L>/<N>[.p/<W>]`; level -1 is `data`. N in groups of three digits, all but the last
/// prefixed `x` (`x001/234`).
pub fn tile_path(level: i32, n: u64, width: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    let level = if level < 0 {
        "data".to_owned()
    } else {
        level.to_string()
    };
    let partial = if width == TILE_WIDTH {
        String::new()
    } else {
        format!(".p/{width}")
    };
    format!("tile/{TILE_HEIGHT}/{level}/{}{partial}", groups.join("/"))
}

/// Every tile `(level, n, width)` a client may ask for in a tree of `size` records (x/mod's
/// NewTiles from 0): the full tiles of each level and the last one at its partial width.
pub fn tiles_for_size(size: u64) -> Vec<(u32, u64, u64)> {
    let mut tiles = Vec::new();
    let mut level = 0;
    while size >> (TILE_HEIGHT * level) > 0 {
        let count = size >> (TILE_HEIGHT * level);
        for n in 0..count / TILE_WIDTH {
            tiles.push((level, n, TILE_WIDTH));
        }
        if !count.is_multiple_of(TILE_WIDTH) {
            tiles.push((level, count / TILE_WIDTH, count % TILE_WIDTH));
        }
        level += 1;
    }
    tiles
}

/// The tiles x/mod's client (tileHashReader) reads to prove record `id` in a tree of `size`
/// records: the tiles of the tree's complete subtrees, then the record's own tile and its
/// parents up to the first tile already read.
pub fn proof_tiles(size: u64, id: u64) -> Vec<String> {
    assert!(id < size);
    let h = TILE_HEIGHT as u64;
    // x/mod's tileParent: tile (level, n) at this size, or None past the tree's end.
    let tile_at = |level: u64, n: u64| -> Option<(u64, u64, u64)> {
        let count = size >> (h * level);
        (n * TILE_WIDTH < count).then(|| (level, n, (count - n * TILE_WIDTH).min(TILE_WIDTH)))
    };
    let mut tiles: Vec<(u64, u64, u64)> = Vec::new();
    let mut lo = 0u64;
    for height in (0..64).rev() {
        if size & (1 << height) != 0 {
            let level = height / h;
            let first = (lo >> height) << (height % h); // index at the tile level
            let t = tile_at(level, first / TILE_WIDTH).expect("a subtree inside the tree");
            if !tiles.contains(&t) {
                tiles.push(t);
            }
            lo += 1 << height;
        }
    }
    let mut chain = Vec::new();
    for k in 0.. {
        let t = tile_at(k, id >> (h * (k + 1))).expect("the record's tiles end in a read one");
        if tiles.contains(&t) {
            break;
        }
        chain.push(t);
    }
    tiles.extend(chain.into_iter().rev());
    tiles
        .into_iter()
        .map(|(level, n, w)| tile_path(level as i32, n, w))
        .collect()
}

/// A checksum database's log: its records, in order. Tree heads, lookups and tiles are
/// computed from them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SumDb {
    records: Vec<Vec<u8>>,
}

impl SumDb {
    pub fn new() -> SumDb {
        SumDb::default()
    }

    /// Appends a record (text ending in a newline, no blank line, no control characters);
    /// returns its id.
    pub fn push(&mut self, record: impl Into<Vec<u8>>) -> u64 {
        let record = record.into();
        assert!(valid_record(&record), "invalid record text {record:?}");
        self.records.push(record);
        self.records.len() as u64 - 1
    }

    /// Appends `<path> <version> <h1>\n<path> <version>/go.mod <mod h1>\n`.
    pub fn push_module(&mut self, path: &str, version: &str, h1: &str, mod_h1: &str) -> u64 {
        self.push(format!(
            "{path} {version} {h1}\n{path} {version}/go.mod {mod_h1}\n"
        ))
    }

    /// Appends `n` records of made-up modules `example.com/filler<i>`, so trees span several
    /// tiles and levels.
    pub fn push_fillers(&mut self, n: usize) {
        for _ in 0..n {
            let i = self.records.len();
            let h = format!("h1:{}", B64.encode(Sha256::digest(format!("filler {i}"))));
            self.push_module(&format!("example.com/filler{i}"), "v1.0.0", &h, &h);
        }
    }

    pub fn records(&self) -> &[Vec<u8>] {
        &self.records
    }

    pub fn size(&self) -> u64 {
        self.records.len() as u64
    }

    /// The id of the record of `path@version`, from each record's first line.
    pub fn find(&self, path: &str, version: &str) -> Option<u64> {
        let want = format!("{path} {version} ");
        self.records
            .iter()
            .position(|r| r.starts_with(want.as_bytes()))
            .map(|i| i as u64)
    }

    /// The first `n` records: an earlier head of this log.
    pub fn truncated(&self, n: u64) -> SumDb {
        SumDb {
            records: self.records[..n as usize].to_vec(),
        }
    }

    /// This log grown honestly by `n` filler records.
    pub fn extended(&self, n: usize) -> SumDb {
        let mut db = self.clone();
        db.push_fillers(n);
        db
    }

    /// A fork: the same log with record `at` replaced by another one, so the same size has
    /// another root and every larger tree built on it has another prefix. A lookup of the
    /// module whose record was replaced is gone from the fork.
    pub fn forked(&self, at: u64) -> SumDb {
        let mut db = self.clone();
        let h = format!("h1:{}", B64.encode(Sha256::digest(format!("fork {at}"))));
        db.records[at as usize] =
            format!("example.com/fork{at} v1.0.0 {h}\nexample.com/fork{at} v1.0.0/go.mod {h}\n")
                .into_bytes();
        db
    }

    /// `levels[k][i]`: the hash of the complete subtree of height k holding records
    /// `i * 2^k .. (i + 1) * 2^k`.
    pub fn levels(&self) -> Vec<Vec<Hash>> {
        let mut levels = vec![
            self.records
                .iter()
                .map(|r| record_hash(r))
                .collect::<Vec<_>>(),
        ];
        while levels.last().unwrap().len() > 1 {
            let below = levels.last().unwrap();
            let up = below
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            levels.push(up);
        }
        levels
    }

    /// The root of the tree of the first `n` records (RFC 6962; `n` = 0 is the empty hash).
    pub fn root_at(&self, n: u64) -> Hash {
        assert!(n <= self.size());
        if n == 0 {
            return Sha256::digest(b"").into();
        }
        let levels = self.levels();
        // The complete subtrees left to right (the set bits of n, high to low), then folded
        // from the right.
        let mut subtrees = Vec::new();
        let mut lo = 0u64;
        for k in (0..64).rev() {
            if n & (1 << k) != 0 {
                subtrees.push(levels[k][(lo >> k) as usize]);
                lo += 1 << k;
            }
        }
        let mut h = subtrees.pop().unwrap();
        while let Some(left) = subtrees.pop() {
            h = node_hash(&left, &h);
        }
        h
    }

    pub fn root(&self) -> Hash {
        self.root_at(self.size())
    }

    /// `go.sum database tree\n<size>\n<base64 root>\n`.
    pub fn tree_text(&self) -> String {
        format!(
            "go.sum database tree\n{}\n{}\n",
            self.size(),
            B64.encode(self.root())
        )
    }

    /// The signed tree head: `/latest`.
    pub fn signed_tree(&self, key: &SumKey) -> Vec<u8> {
        key.sign_note(&self.tree_text())
    }

    /// The answer to `/lookup/<path>@<version>` for record `id`: the id, the record, a blank
    /// line, the signed tree head.
    pub fn lookup(&self, id: u64, key: &SumKey) -> Vec<u8> {
        self.lookup_with(id, &self.signed_tree(key))
    }

    fn lookup_with(&self, id: u64, signed_tree: &[u8]) -> Vec<u8> {
        let mut out = format!("{id}\n").into_bytes();
        out.extend_from_slice(&self.records[id as usize]);
        out.push(b'\n');
        out.extend_from_slice(signed_tree);
        out
    }

    /// Tile `(level, n, width)`: `width` hashes of height `8 * level`.
    pub fn tile(&self, level: u32, n: u64, width: u64) -> Vec<u8> {
        let levels = self.levels();
        self.tile_from(&levels, level, n, width)
    }

    fn tile_from(&self, levels: &[Vec<Hash>], level: u32, n: u64, width: u64) -> Vec<u8> {
        let row = &levels[(TILE_HEIGHT * level) as usize];
        let start = (n * TILE_WIDTH) as usize;
        row[start..start + width as usize].concat()
    }

    /// Data tile `(n, width)`: the records, each followed by a blank line.
    pub fn data_tile(&self, n: u64, width: u64) -> Vec<u8> {
        let start = (n * TILE_WIDTH) as usize;
        let mut out = Vec::new();
        for r in &self.records[start..start + width as usize] {
            out.extend_from_slice(r);
            out.push(b'\n');
        }
        out
    }

    /// This database's answers, by path under its base URL (`latest`, `lookup/...`,
    /// `tile/...`), signed by `key`.
    pub fn files(&self, key: &SumKey) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let signed = self.signed_tree(key);
        files.insert("latest".to_owned(), signed.clone());
        for (id, record) in self.records.iter().enumerate() {
            let first = record.split(|&b| b == b'\n').next().unwrap_or_default();
            let first = String::from_utf8_lossy(first);
            let mut words = first.split(' ');
            if let (Some(path), Some(version)) = (words.next(), words.next()) {
                let lookup = format!("lookup/{path}@{version}");
                files.insert(lookup, self.lookup_with(id as u64, &signed));
            }
        }
        let levels = self.levels();
        for (level, n, width) in tiles_for_size(self.size()) {
            let tile = self.tile_from(&levels, level, n, width);
            files.insert(tile_path(level as i32, n, width), tile);
            if level == 0 {
                files.insert(tile_path(-1, n, width), self.data_tile(n, width));
            }
        }
        files
    }
}

/// x/mod tlog's rule for record text: UTF-8, no control characters but newlines, no blank
/// line, ending in a newline.
fn valid_record(text: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(text) else {
        return false;
    };
    s.ends_with('\n')
        && !s.contains("\n\n")
        && !s.starts_with('\n')
        && !s.chars().any(|c| c < ' ' && c != '\n')
}

// ---- the proxy tree ----------------------------------------------------------------------------

/// A fault in one toolchain's zip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipFault {
    /// The zip served differs from the one the database's record was made from: one file
    /// (`<prefix>VERSION`, or the first) has a line appended.
    Tampered,
    /// An extra file `golang.org/toolchain/evil.txt`, outside the prefix. The database's record
    /// is the honest hash of this hostile zip, as for the faults below: only the extraction
    /// guards can stop it.
    OutsidePrefix,
    /// An extra file `<prefix>../../evil.txt`.
    DotDot,
    /// An extra symlink `<prefix><name>` pointing to `target`.
    Symlink { name: String, target: String },
    /// An extra file whose name is this absolute path (tests use a path in their temp folder).
    AbsoluteName(String),
    /// A second entry named like the first file, with the same bytes (so every way of hashing
    /// duplicates agrees and only the duplicate-name check can stop it).
    DuplicateName,
}

/// How to build the tree.
#[derive(Clone)]
pub struct Options {
    /// The database's name (`sumdb.test`); its key is `SumKey::test(name)` unless `key` is set.
    pub name: String,
    pub key: Option<SumKey>,
    /// Filler records before and after the toolchains' records, so trees span tiles and levels.
    pub fillers_before: usize,
    pub fillers_after: usize,
    /// Faults by module version (`v0.0.1-go1.22.10.linux-amd64`).
    pub zip_faults: Vec<(String, ZipFault)>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            name: "sumdb.test".to_owned(),
            key: None,
            fillers_before: 0,
            fillers_after: 0,
            zip_faults: Vec::new(),
        }
    }
}

/// One toolchain as published in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub version: String,
    pub module_version: String,
    /// The record's hash: the zip's own `h1:`, except for [`ZipFault::Tampered`].
    pub h1: String,
    pub mod_h1: String,
    pub record_id: u64,
}

/// The tree: `files` (path -> bytes), the database state behind it, and its key.
#[derive(Clone)]
pub struct GoProxy {
    pub name: String,
    pub key: SumKey,
    pub db: SumDb,
    pub published: Vec<Published>,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl GoProxy {
    /// Builds the module proxy files for `toolchains` (in this order in `@v/list` and in the
    /// database) and the database's answers.
    pub fn build(toolchains: &[Toolchain], options: &Options) -> GoProxy {
        let key = options
            .key
            .clone()
            .unwrap_or_else(|| SumKey::test(&options.name));
        assert_eq!(
            key.name, options.name,
            "the key must carry the database's name"
        );
        let mut files = BTreeMap::new();
        let mut db = SumDb::new();
        db.push_fillers(options.fillers_before);
        let mut published = Vec::new();
        let mut list = String::new();
        let mod_h1 = mod_h1(MOD_FILE);
        for tc in toolchains {
            let mv = tc.module_version();
            let v = format!("{MODULE}/@v/{mv}");
            list.push_str(&mv);
            list.push('\n');
            let mut entries = module_entries(tc);
            let faults = options.zip_faults.iter().filter(|(m, _)| *m == mv);
            let mut tamper = false;
            for (_, fault) in faults {
                if *fault == ZipFault::Tampered {
                    tamper = true;
                } else {
                    add_fault(&mut entries, &mv, fault);
                }
            }
            let h1 = h1_of_entries(&entries);
            if tamper {
                tamper_with(&mut entries);
            }
            let record_id = db.push_module(MODULE, &mv, &h1, &mod_h1);
            files.insert(
                format!("{v}.info"),
                format!("{{\"Version\":\"{mv}\",\"Time\":\"{}\"}}\n", tc.time).into_bytes(),
            );
            files.insert(format!("{v}.mod"), MOD_FILE.to_vec());
            files.insert(format!("{v}.zip"), write_zip(&entries, &tc.time));
            published.push(Published {
                version: tc.version.clone(),
                module_version: mv,
                h1,
                mod_h1: mod_h1.clone(),
                record_id,
            });
        }
        db.push_fillers(options.fillers_after);
        files.insert(format!("{MODULE}/@v/list"), list.into_bytes());
        files.insert(format!("sumdb/{}/supported", options.name), Vec::new());
        let proxy = GoProxy {
            name: options.name.clone(),
            key,
            db: SumDb::new(),
            published,
            files,
        };
        proxy.with_db(&db)
    }

    /// The GOSUMDB value reaching the database through the proxy (`<name>+<hash>+<key>`).
    pub fn gosumdb(&self) -> String {
        self.key.verifier_key()
    }

    /// The GOSUMDB value naming the database's URL when the proxy is served at `proxy_url`
    /// (no trailing slash): `<key> <proxy_url>/sumdb/<name>`.
    pub fn gosumdb_with_url(&self, proxy_url: &str) -> String {
        format!("{} {proxy_url}/{}", self.gosumdb(), self.sumdb_dir())
    }

    /// `sumdb/<name>`: the database's base, relative to the proxy's.
    pub fn sumdb_dir(&self) -> String {
        format!("sumdb/{}", self.name)
    }

    /// `golang.org/toolchain/@v/<module version>.<ext>` (ext: `info`, `mod`, `zip`).
    pub fn module_file(&self, module_version: &str, ext: &str) -> String {
        format!("{MODULE}/@v/{module_version}.{ext}")
    }

    /// The zip of `version` (`go1.22.10`) or of a module version.
    pub fn zip(&self, version: &str) -> &[u8] {
        let p = self
            .published
            .iter()
            .find(|p| p.version == version || p.module_version == version)
            .unwrap_or_else(|| panic!("{version} is not in the proxy"));
        &self.files[&self.module_file(&p.module_version, "zip")]
    }

    /// The same proxy with the database's answers (`sumdb/<name>/...` but `supported`) taken
    /// from `db`, signed by this proxy's key: an earlier head, an honest extension, a fork.
    pub fn with_db(&self, db: &SumDb) -> GoProxy {
        self.with_db_signed(db, &self.key.clone())
    }

    /// The same answers with every note signed by `key` instead (GOSUMDB still names
    /// this proxy's own key).
    pub fn signed_by(&self, key: &SumKey) -> GoProxy {
        self.with_db_signed(&self.db.clone(), key)
    }

    fn with_db_signed(&self, db: &SumDb, key: &SumKey) -> GoProxy {
        let dir = format!("{}/", self.sumdb_dir());
        let supported = format!("{dir}supported");
        let mut files: BTreeMap<String, Vec<u8>> = self
            .files
            .iter()
            .filter(|(p, _)| !p.starts_with(&dir) || **p == supported)
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        for (p, b) in db.files(key) {
            files.insert(format!("{dir}{p}"), b);
        }
        GoProxy {
            name: self.name.clone(),
            key: self.key.clone(),
            db: db.clone(),
            published: self.published.clone(),
            files,
        }
    }

    /// Hands every file to `add` as (`<base>/<path>`, bytes): with `base` "" and
    /// `|p, b| server.add_file(&p, b)` a `TestServer` serves the proxy at its root (GOPROXY is
    /// `server.url()`); with `base` "/mod" at `server.url_for("/mod")`.
    pub fn for_each_file(&self, base: &str, mut add: impl FnMut(String, Vec<u8>)) {
        let base = base.trim_end_matches('/');
        for (path, bytes) in &self.files {
            add(format!("{base}/{path}"), bytes.clone());
        }
    }

    /// Writes what the go command keeps in its module cache after downloading toolchain
    /// `version` (`go1.22.10` or a module version) through this proxy: under
    /// `<gomodcache>/cache/download/`, the zip, its `.ziphash` (the record's `h1:`, no
    /// newline), an empty `.lock`, and under `sumdb/<name>/` the lookup answer and exactly the
    /// tiles Go's client reads to prove that record at this tree's size. Not the unpacked
    /// `golang.org/toolchain@<v>/` folder, and not `$GOPATH/pkg/sumdb/<name>/latest` (that is
    /// `files["sumdb/<name>/latest"]`). e2e/goproxy.sh compares it with a real go's cache.
    pub fn write_modcache(&self, gomodcache: &Path, version: &str) -> io::Result<()> {
        let p = self
            .published
            .iter()
            .find(|p| p.version == version || p.module_version == version)
            .unwrap_or_else(|| panic!("{version} is not in the proxy"));
        let download = gomodcache.join("cache/download");
        let mv = &p.module_version;
        let mut out: Vec<(String, Vec<u8>)> = vec![
            (
                self.module_file(mv, "zip"),
                self.files[&self.module_file(mv, "zip")].clone(),
            ),
            (self.module_file(mv, "ziphash"), p.h1.clone().into_bytes()),
            (self.module_file(mv, "lock"), Vec::new()),
        ];
        let dir = self.sumdb_dir();
        let lookup = format!("lookup/{MODULE}@{mv}");
        if let Some(body) = self.files.get(&format!("{dir}/{lookup}")) {
            out.push((format!("{dir}/{lookup}"), body.clone()));
            for tile in proof_tiles(self.db.size(), p.record_id) {
                let path = format!("{dir}/{tile}");
                let bytes = self.files.get(&path).expect("a served tile").clone();
                out.push((path, bytes));
            }
        }
        for (path, bytes) in out {
            let target = download.join(path);
            std::fs::create_dir_all(target.parent().expect("a parent"))?;
            std::fs::write(&target, bytes)?;
        }
        Ok(())
    }

    /// Writes the tree under `dir` (for a static file server).
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        for (path, bytes) in &self.files {
            let safe = !path.starts_with('/')
                && path
                    .split('/')
                    .all(|c| !c.is_empty() && c != "." && c != "..");
            if !safe {
                return Err(io::Error::other(format!("unsafe path in the tree: {path}")));
            }
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("a parent"))?;
            std::fs::write(&target, bytes)?;
        }
        Ok(())
    }
}

fn add_fault(entries: &mut Vec<ZipEntry>, module_version: &str, fault: &ZipFault) {
    let prefix = zip_prefix(module_version);
    let evil = b"evil\n".to_vec();
    match fault {
        ZipFault::Tampered => unreachable!("applied after hashing"),
        ZipFault::OutsidePrefix => {
            entries.push(ZipEntry::file(&format!("{MODULE}/evil.txt"), evil, 0o644))
        }
        ZipFault::DotDot => entries.push(ZipEntry::file(
            &format!("{prefix}../../evil.txt"),
            evil,
            0o644,
        )),
        ZipFault::Symlink { name, target } => entries.push(ZipEntry {
            name: format!("{prefix}{name}"),
            kind: EntryKind::Symlink {
                target: target.clone(),
            },
        }),
        ZipFault::AbsoluteName(path) => {
            assert!(path.starts_with('/'), "not an absolute name: {path}");
            entries.push(ZipEntry::file(path, evil, 0o644))
        }
        ZipFault::DuplicateName => {
            let first = entries
                .iter()
                .find(|e| matches!(e.kind, EntryKind::File { .. }))
                .expect("a file to duplicate")
                .clone();
            entries.push(first);
        }
    }
}

fn tamper_with(entries: &mut [ZipEntry]) {
    let i = entries
        .iter()
        .position(|e| e.name.ends_with("/VERSION"))
        .or_else(|| {
            entries
                .iter()
                .position(|e| matches!(e.kind, EntryKind::File { .. }))
        })
        .expect("a file to tamper with");
    if let EntryKind::File { bytes, .. } = &mut entries[i].kind {
        bytes.extend_from_slice(b"tampered\n");
    }
}
