//! Tests of the module proxy and checksum database fixture (tests/support/goproxy.rs) before
//! any client meets it: its primitives against Go's own test vectors, and the whole tree
//! checked the way a careful client would, with a checker written here from the formats (a
//! verifier, a tile reader, a zip reader from the `zip` crate), not with the fixture's code:
//! hashes recompute, tiles hash up to the signed root, the note verifies with the printed
//! key, and each fault knob breaks exactly what it claims while the honest tree passes.
//! The real go command judges the same fixture in e2e/goproxy.sh.

mod support;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;

use support::fake_go::FakeRelease;
use support::goproxy::{
    self, GoFile, GoProxy, MOD_FILE, Options, SumDb, SumKey, Toolchain, ZipFault,
};
use support::harness::{Run, Scenario};
use support::http_server::TestServer;

type Files = BTreeMap<String, Vec<u8>>;

// ---- an independent checker -----------------------------------------------------------------

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn leaf(record: &[u8]) -> [u8; 32] {
    sha256(&[&[0], record])
}

fn node(l: &[u8], r: &[u8]) -> [u8; 32] {
    sha256(&[&[1], l, r])
}

/// The Merkle hash of a run of 2^k hashes (x/mod's tileHash).
fn merkle(hashes: &[u8]) -> [u8; 32] {
    assert!(hashes.len() >= 32 && (hashes.len() / 32).is_power_of_two());
    if hashes.len() == 32 {
        return hashes.try_into().unwrap();
    }
    let (l, r) = hashes.split_at(hashes.len() / 2);
    node(&merkle(l), &merkle(r))
}

/// A verifier key `<name>+<hex hash>+<base64(0x01 || key)>`, parsed and checked.
struct Verifier {
    name: String,
    hash: u32,
    key: Vec<u8>,
}

fn parse_vkey(vkey: &str) -> Verifier {
    let parts: Vec<&str> = vkey.splitn(3, '+').collect();
    assert_eq!(parts.len(), 3, "verifier key {vkey}");
    let key = B64.decode(parts[2]).expect("base64 key");
    assert_eq!(key.len(), 33);
    assert_eq!(key[0], 1, "algorithm byte");
    let hash = u32::from_str_radix(parts[1], 16).expect("hex key hash");
    assert_eq!(parts[1].len(), 8);
    let mut h = Sha256::new();
    h.update(parts[0].as_bytes());
    h.update(b"\n");
    h.update(&key);
    assert_eq!(h.finalize()[..4], hash.to_be_bytes(), "key hash of {vkey}");
    Verifier {
        name: parts[0].to_owned(),
        hash,
        key: key[1..].to_vec(),
    }
}

/// Opens a signed note: `Ok(text)` when a signature line by `v` verifies, `Err(why)` otherwise.
fn open_note(note: &[u8], v: &Verifier) -> Result<String, String> {
    let s = std::str::from_utf8(note).map_err(|_| "not UTF-8".to_owned())?;
    let split = s.rfind("\n\n").ok_or("no blank line")?;
    let (text, sigs) = (&s[..split + 1], &s[split + 2..]);
    if !sigs.ends_with('\n') {
        return Err("signatures do not end in a newline".into());
    }
    for line in sigs.lines() {
        let rest = line.strip_prefix("\u{2014} ").ok_or("no em dash")?;
        let (name, b64) = rest.split_once(' ').ok_or("no signature")?;
        let blob = B64.decode(b64).map_err(|e| e.to_string())?;
        if name != v.name || blob.len() != 68 || blob[..4] != v.hash.to_be_bytes() {
            continue;
        }
        let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &v.key);
        return key
            .verify(text.as_bytes(), &blob[4..])
            .map(|()| text.to_owned())
            .map_err(|_| "invalid signature".to_owned());
    }
    Err("no signature by the verifier's key".into())
}

/// `go.sum database tree\n<N>\n<root>\n` -> (N, root).
fn parse_tree(text: &str) -> (u64, [u8; 32]) {
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines[0], "go.sum database tree");
    let n: u64 = lines[1].parse().expect("tree size");
    let root = B64.decode(lines[2]).expect("base64 root");
    (n, root.try_into().expect("32-byte root"))
}

/// Tile paths, written apart from the fixture's: N's decimal digits in groups of three.
fn path_of_tile(level: &str, n: u64, w: u64) -> String {
    let digits = format!("{n:03}");
    let pad = (3 - digits.len() % 3) % 3;
    let digits = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<String> = digits
        .as_bytes()
        .chunks(3)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let last = groups.len() - 1;
    let mut out = format!("tile/8/{level}/");
    for (i, g) in groups.iter().enumerate() {
        if i < last {
            out.push_str(&format!("x{g}/"));
        } else {
            out.push_str(g);
        }
    }
    if w < 256 {
        out.push_str(&format!(".p/{w}"));
    }
    out
}

/// Reads the database under `base` (`sumdb/<name>/`) of a served tree, as a client would.
struct Db<'a> {
    files: &'a Files,
    base: String,
    size: u64,
}

impl Db<'_> {
    /// Hashes at tile level `level` (height 8 * level) of a tree of `self.size` records.
    fn count(&self, level: u32) -> u64 {
        self.size >> (8 * level)
    }

    fn tile(&self, level: u32, n: u64) -> &[u8] {
        let count = self.count(level);
        let w = (count - n * 256).min(256);
        let path = format!("{}{}", self.base, path_of_tile(&level.to_string(), n, w));
        let data = self
            .files
            .get(&path)
            .unwrap_or_else(|| panic!("no tile {path}"));
        assert_eq!(data.len() as u64, w * 32, "{path}: length");
        data
    }

    /// The stored hash of the complete subtree of height `h` at index `i`, from tiles of
    /// this tree (x/mod's tileHashReader without its checks; the checks are the tests').
    fn hash(&self, h: u32, i: u64) -> [u8; 32] {
        let (level, r) = (h / 8, h % 8);
        let first = i << r; // index at the tile level
        let tile = self.tile(level, first / 256);
        let start = (first % 256) as usize * 32;
        merkle(&tile[start..start + (32usize << r)])
    }

    /// The root of the first `n` records, recomputed from this tree's tiles.
    fn root_at(&self, n: u64) -> [u8; 32] {
        let mut subtrees = Vec::new();
        let mut lo = 0;
        for h in (0..64).rev() {
            if n & (1 << h) != 0 {
                subtrees.push(self.hash(h, lo >> h));
                lo += 1 << h;
            }
        }
        let mut acc = subtrees.pop().expect("a non-empty tree");
        while let Some(l) = subtrees.pop() {
            acc = node(&l, &acc);
        }
        acc
    }
}

/// Everything a client can check about one database state in a served tree, given only the
/// files and the GOSUMDB key. Returns the tree (size, root) on success, or the first failure.
fn check_db(files: &Files, vkey: &str) -> Result<(u64, [u8; 32]), String> {
    let v = parse_vkey(vkey);
    let base = format!("sumdb/{}/", v.name);
    if files.get(&format!("{base}supported")) != Some(&Vec::new()) {
        return Err("no empty supported".into());
    }
    let latest = files.get(&format!("{base}latest")).ok_or("no latest")?;
    let text = open_note(latest, &v).map_err(|e| format!("latest: {e}"))?;
    let (size, root) = parse_tree(&text);
    let db = Db {
        files,
        base: base.clone(),
        size,
    };
    // Exactly the tiles a client may ask for at this size, nothing else.
    let mut want = Vec::new();
    for level in 0.. {
        let count = db.count(level);
        if count == 0 {
            break;
        }
        for n in 0..count.div_ceil(256) {
            let w = (count - n * 256).min(256);
            want.push(format!("{base}{}", path_of_tile(&level.to_string(), n, w)));
            if level == 0 {
                want.push(format!("{base}{}", path_of_tile("data", n, w)));
            }
        }
    }
    want.sort();
    let have: Vec<String> = files
        .keys()
        .filter(|p| p.starts_with(&format!("{base}tile/")))
        .cloned()
        .collect();
    if have != want {
        return Err(format!("tiles served {have:?}, a client needs {want:?}"));
    }
    // Every tile hashes up to the signed root: the partial ones (and the top) through the
    // root, every full one through its parent tile's entry.
    if db.root_at(size) != root {
        return Err("the tiles do not hash to the signed root".into());
    }
    for level in 1.. {
        let count = db.count(level);
        if count == 0 {
            break;
        }
        for i in 0..count {
            let parent = db.tile(level, i / 256);
            let entry = &parent[(i % 256) as usize * 32..][..32];
            if merkle(db.tile(level - 1, i)) != entry {
                return Err(format!(
                    "tile {}/{i} does not hash to its parent",
                    level - 1
                ));
            }
        }
    }
    // Data tiles hold the records the level-0 tiles hash.
    for n in 0..size.div_ceil(256) {
        let w = (size - n * 256).min(256);
        let data = &files[&format!("{base}{}", path_of_tile("data", n, w))];
        let text = std::str::from_utf8(data).map_err(|_| "data tile not UTF-8")?;
        let records: Vec<String> = text
            .strip_suffix("\n\n")
            .ok_or("data tile end")?
            .split("\n\n")
            .map(|r| format!("{r}\n"))
            .collect();
        if records.len() as u64 != w {
            return Err(format!(
                "data tile {n}: {} records for width {w}",
                records.len()
            ));
        }
        let hashes = db.tile(0, n);
        for (k, r) in records.iter().enumerate() {
            if leaf(r.as_bytes()) != hashes[k * 32..][..32] {
                return Err(format!(
                    "record {} differs from its leaf",
                    n * 256 + k as u64
                ));
            }
        }
    }
    // Every lookup: its record is the leaf at its id, and its note is a head of this tree.
    for (path, body) in files.range(format!("{base}lookup/")..) {
        if !path.starts_with(&format!("{base}lookup/")) {
            break;
        }
        let body = std::str::from_utf8(body).map_err(|_| "lookup not UTF-8")?;
        let (id, rest) = body.split_once('\n').ok_or("lookup: no id")?;
        let id: u64 = id.parse().map_err(|_| "lookup: bad id")?;
        let end = rest.find("\n\n").ok_or("lookup: no blank line")?;
        let (record, note) = (&rest[..end + 1], &rest[end + 2..]);
        let module = path.strip_prefix(&format!("{base}lookup/")).unwrap();
        let (m, ver) = module.split_once('@').unwrap();
        if !record.starts_with(&format!("{m} {ver} h1:")) {
            return Err(format!("{path}: record is not for {module}"));
        }
        if id >= size || db.hash(0, id) != leaf(record.as_bytes()) {
            return Err(format!("{path}: record not at leaf {id}"));
        }
        let ntext = open_note(note.as_bytes(), &v).map_err(|e| format!("{path}: {e}"))?;
        if parse_tree(&ntext) != (size, root) {
            return Err(format!("{path}: note of another tree"));
        }
    }
    Ok((size, root))
}

/// `h1:` of a zip, read with the `zip` crate (every entry's name and bytes).
fn h1_of_zip(zip: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut lines = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        lines.push(format!(
            "{}  {}\n",
            support::fake_go::hex(&Sha256::digest(&bytes)),
            f.name().unwrap()
        ));
    }
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    format!("h1:{}", B64.encode(Sha256::digest(lines.concat())))
}

/// The record's line for `module_version` in its lookup answer: `golang.org/toolchain <v> h1:`.
fn record_h1(files: &Files, name: &str, mv: &str) -> String {
    let body = &files[&format!("sumdb/{name}/lookup/golang.org/toolchain@{mv}")];
    let body = String::from_utf8(body.clone()).unwrap();
    let record = body.split("\n\n").next().unwrap();
    let prefix = format!("golang.org/toolchain {mv} ");
    record
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no line for {mv} in {record}"))
        .to_owned()
}

/// The central directory of a zip, read by hand (the `zip` crate refuses some hostile ones):
/// (name, Unix mode).
fn central_directory(zip: &[u8]) -> Vec<(String, u32)> {
    let le16 = |b: &[u8]| u16::from_le_bytes([b[0], b[1]]) as usize;
    let le32 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let eocd = zip.len() - 22;
    assert_eq!(le32(&zip[eocd..]), 0x0605_4b50, "end of central directory");
    let count = le16(&zip[eocd + 10..]);
    let mut at = le32(&zip[eocd + 16..]) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(le32(&zip[at..]), 0x0201_4b50);
        let name_len = le16(&zip[at + 28..]);
        let extra = le16(&zip[at + 30..]);
        let comment = le16(&zip[at + 32..]);
        let mode = le32(&zip[at + 38..]) >> 16;
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
        out.push((name, mode));
        at += 46 + name_len + extra + comment;
    }
    out
}

// ---- building trees ---------------------------------------------------------------------------

const NAME: &str = "sumdb.test";

fn fake(version: &str) -> Toolchain {
    let rel = FakeRelease::new(version, 12, 3000);
    let mut tc = Toolchain::from_tar_gz(version, "linux", "amd64", &rel.bytes).unwrap();
    // What distpack's module form changes: top-level folders dropped, go.mod files renamed.
    for (path, body) in [
        ("api/go1.txt", &b"pkg fmt\n"[..]),
        ("doc/go_spec.html", b"<html>\n"),
        ("misc/wasm/wasm_exec.js", b"//\n"),
        ("test/run.go", b"package main\n"),
        ("src/go.mod", b"module std\n"),
        ("src/cmd/go.mod", b"module cmd\n"),
        ("src/cmd/api/testdata/go.mod", b"module x\n"),
        ("src/api/keep.go", b"package api\n"),
        ("misc.txt", b"a file, not the misc folder\n"),
        ("lib/time/mkzip.bash", b"#!/bin/bash\n"),
        ("pkg/tool/linux_amd64/compile", b"\x7fELF"),
        ("misc/wasm/go_js_wasm_exec", b"#!/bin/sh\n"),
    ] {
        tc.files.push(GoFile::new(path, body, 0o644));
    }
    tc
}

fn honest() -> GoProxy {
    let options = Options {
        fillers_before: 300,
        fillers_after: 5,
        ..Options::default()
    };
    GoProxy::build(&[fake("go1.22.10"), fake("go1.23.9")], &options)
}

const MV: &str = "v0.0.1-go1.22.10.linux-amd64";

// ---- the primitives against Go's test vectors -------------------------------------------------

#[test]
fn note_signature_matches_x_mod_test_vector() {
    // x/mod sumdb/note TestSign and TestNewVerifier.
    let key = SumKey::from_go_private_key(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    )
    .expect("Go's test private key");
    assert_eq!(
        key.verifier_key(),
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    );
    let text = "If you think cryptography is the answer to your problem,\n\
                then you don't know what your problem is.\n";
    let want = "If you think cryptography is the answer to your problem,\n\
                then you don't know what your problem is.\n\
                \n\
                \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    assert_eq!(String::from_utf8(key.sign_note(text)).unwrap(), want);
    assert!(
        SumKey::from_go_private_key(
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
        )
        .is_none()
    );
}

#[test]
fn the_checker_verifies_real_sum_golang_org_heads() {
    // From go-facts.md: two tree heads signed by sum.golang.org.
    let v = parse_vkey("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
    let heads = [
        (
            28905453,
            "f3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=",
            "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=",
        ),
        (
            28891140,
            "++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=",
            "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
        ),
    ];
    for (n, root, sig) in heads {
        let note = format!("go.sum database tree\n{n}\n{root}\n\n\u{2014} sum.golang.org {sig}\n");
        let text = open_note(note.as_bytes(), &v).expect("a real head verifies");
        assert_eq!(parse_tree(&text).0, n);
        let tampered = note.replace(&n.to_string(), &(n + 1).to_string());
        assert!(open_note(tampered.as_bytes(), &v).is_err());
    }
}

#[test]
fn hashes_match_go_test_vectors() {
    // x/mod tlog TestFormatTree: RecordHash("hello world").
    assert_eq!(
        B64.encode(goproxy::record_hash(b"hello world")),
        "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="
    );
    // x/mod dirhash TestHash1.
    let h = |s: &str| support::fake_go::hex(&Sha256::digest(s));
    let want = format!(
        "h1:{}",
        B64.encode(Sha256::digest(format!(
            "{}  abc\n{}  xyz\n",
            h("data for abc"),
            h("data for xyz")
        )))
    );
    assert_eq!(
        goproxy::h1([("xyz", &b"data for xyz"[..]), ("abc", &b"data for abc"[..])]),
        want
    );
    // sum.golang.org's record for every toolchain's .mod (go-facts.md).
    assert_eq!(
        goproxy::mod_h1(MOD_FILE),
        "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0="
    );
}

#[test]
fn tree_roots_match_rfc6962_test_vectors() {
    // The certificate-transparency reference vectors: eight leaves, roots of sizes 1 to 8.
    let leaves: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    // Record texts must end in a newline, so the vectors go through the hash functions,
    // then the same tree shape is checked through SumDb with real records.
    let hashes: Vec<[u8; 32]> = leaves.iter().map(|l| goproxy::record_hash(l)).collect();
    for (n, want) in roots.iter().enumerate() {
        assert_eq!(
            support::fake_go::hex(&rfc_root(&hashes[..=n])),
            *want,
            "size {}",
            n + 1
        );
    }
    let mut db = SumDb::new();
    db.push_fillers(300);
    let all: Vec<[u8; 32]> = db.records().iter().map(|r| leaf(r)).collect();
    for n in [1, 2, 3, 7, 8, 255, 256, 257, 299, 300] {
        assert_eq!(db.root_at(n), rfc_root(&all[..n as usize]), "size {n}");
    }
}

/// RFC 6962's definition, recursively: split at the largest power of two below n.
fn rfc_root(leaves: &[[u8; 32]]) -> [u8; 32] {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let mut k = 1;
    while k * 2 < leaves.len() {
        k *= 2;
    }
    node(&rfc_root(&leaves[..k]), &rfc_root(&leaves[k..]))
}

#[test]
fn tile_paths_and_sets_match_x_mod() {
    assert_eq!(goproxy::tile_path(0, 1, 256), "tile/8/0/001");
    assert_eq!(goproxy::tile_path(0, 1, 5), "tile/8/0/001.p/5");
    assert_eq!(
        goproxy::tile_path(5, 123_456_078, 256),
        "tile/8/5/x123/x456/078"
    );
    assert_eq!(
        goproxy::tile_path(-1, 3_057_500, 2),
        "tile/8/data/x003/x057/500.p/2"
    );
    assert_eq!(goproxy::tile_path(2, 1000, 256), "tile/8/2/x001/000");
    for (n, path) in [
        (0, "000"),
        (999, "999"),
        (1000, "x001/000"),
        (1_234_567, "x001/x234/567"),
    ] {
        assert_eq!(path_of_tile("0", n, 256), format!("tile/8/0/{path}"));
    }
    // x/mod NewTiles(h, 0, n) at height 8.
    assert_eq!(goproxy::tiles_for_size(1), vec![(0, 0, 1)]);
    assert_eq!(
        goproxy::tiles_for_size(301),
        vec![(0, 0, 256), (0, 1, 45), (1, 0, 1)]
    );
    assert_eq!(
        goproxy::tiles_for_size(65536),
        [
            (0..256).map(|n| (0, n, 256)).collect::<Vec<_>>(),
            vec![(1, 0, 256), (2, 0, 1)]
        ]
        .concat()
    );
}

// ---- the honest tree ----------------------------------------------------------------------------

#[test]
fn honest_tree_passes_every_check() {
    let proxy = honest();
    let (size, root) = check_db(&proxy.files, &proxy.gosumdb()).expect("the honest tree passes");
    assert_eq!((size, root), (proxy.db.size(), proxy.db.root()));
    assert_eq!(size, 300 + 2 + 5);
    assert_eq!(
        proxy.files["golang.org/toolchain/@v/list"],
        format!("{MV}\nv0.0.1-go1.23.9.linux-amd64\n").into_bytes()
    );
    for (p, id) in proxy.published.iter().zip([300, 301]) {
        assert_eq!(p.record_id, id);
        let mv = &p.module_version;
        let v = format!("golang.org/toolchain/@v/{mv}");
        assert_eq!(proxy.files[&format!("{v}.mod")], MOD_FILE);
        let info: serde_json::Value =
            serde_json::from_slice(&proxy.files[&format!("{v}.info")]).unwrap();
        assert_eq!(info["Version"], mv.as_str());
        assert_eq!(
            info["Time"], "2024-01-01T00:00:00Z",
            "from the fake VERSION file"
        );
        // The zip's h1, recomputed from its bytes by another zip reader, is the record's.
        let zip = &proxy.files[&format!("{v}.zip")];
        assert_eq!(h1_of_zip(zip), record_h1(&proxy.files, NAME, mv));
        assert_eq!(h1_of_zip(zip), p.h1);
        let body = String::from_utf8(
            proxy.files[&format!("sumdb/{NAME}/lookup/golang.org/toolchain@{mv}")].clone(),
        )
        .unwrap();
        assert!(body.starts_with(&format!(
            "{id}\ngolang.org/toolchain {mv} {}\ngolang.org/toolchain {mv}/go.mod h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=\n\n",
            p.h1
        )));
    }
    // The GOSUMDB values.
    assert_eq!(proxy.gosumdb(), SumKey::test(NAME).verifier_key());
    assert!(proxy.gosumdb().starts_with("sumdb.test+"));
    assert_eq!(
        proxy.gosumdb_with_url("http://127.0.0.1:1"),
        format!("{} http://127.0.0.1:1/sumdb/sumdb.test", proxy.gosumdb())
    );
    // Small trees too: one record, one partial tile per level.
    let one = GoProxy::build(&[fake("go1.21.13")], &Options::default());
    assert_eq!(check_db(&one.files, &one.gosumdb()).unwrap().0, 1);
}

#[test]
fn the_zip_is_distpacks_module_form() {
    let proxy = honest();
    let zip = proxy.zip("go1.22.10");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut names = BTreeMap::new();
    for i in 0..archive.len() {
        let f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        assert_eq!(f.compression(), zip::CompressionMethod::Deflated, "{name}");
        names.insert(name, f.unix_mode().unwrap() & 0o777);
    }
    let prefix = format!("golang.org/toolchain@{MV}/");
    assert!(names.keys().all(|n| n.starts_with(&prefix)), "{names:?}");
    let rel: BTreeMap<&str, u32> = names
        .iter()
        .map(|(n, m)| (&n[prefix.len()..], *m))
        .collect();
    for gone in [
        "api/go1.txt",
        "doc/go_spec.html",
        "misc/wasm/wasm_exec.js",
        "test/run.go",
    ] {
        assert!(!rel.contains_key(gone), "{gone} kept");
    }
    for (kept, mode) in [
        ("VERSION", 0o644),
        ("bin/go", 0o755),
        ("bin/gofmt", 0o755),
        ("src/_go.mod", 0o644),
        ("src/cmd/_go.mod", 0o644),
        ("src/cmd/api/testdata/_go.mod", 0o644),
        ("src/api/keep.go", 0o644),
        ("misc.txt", 0o644),
        ("lib/time/mkzip.bash", 0o755),
        ("pkg/tool/linux_amd64/compile", 0o755),
    ] {
        assert_eq!(rel.get(kept), Some(&mode), "{kept}");
    }
    assert!(!rel.keys().any(|n| n.ends_with("/go.mod") || *n == "go.mod"));
    assert!(
        !rel.contains_key("misc/wasm/go_js_wasm_exec"),
        "under misc/, dropped"
    );
    assert_eq!(goproxy::release_mode("misc/wasm/go_js_wasm_exec"), 0o755);
    assert_eq!(
        goproxy::release_mode("lib/go_x_exec"),
        0o644,
        "needs two parts"
    );
    // Content survives: bin/go is the fake release's script.
    let mut go = String::new();
    archive
        .by_name(&format!("{prefix}bin/go"))
        .unwrap()
        .read_to_string(&mut go)
        .unwrap();
    assert!(go.contains("echo go version go1.22.10"), "{go}");
    // A fake release for this machine, as client tests will use it.
    let (os, arch) = support::fake_go::platform();
    let tc = FakeRelease::new("go1.22.10", 1, 10).toolchain();
    assert_eq!(
        tc.module_version(),
        goproxy::module_version("go1.22.10", os, arch)
    );
    assert!(
        tc.files
            .iter()
            .any(|f| f.path == "bin/go" && f.mode == 0o755)
    );
    // armv6l is arm in module versions.
    assert_eq!(
        goproxy::module_version("go1.22.10", "linux", "armv6l"),
        "v0.0.1-go1.22.10.linux-arm"
    );
}

// ---- the fault knobs -----------------------------------------------------------------------------

#[test]
fn tampered_zip_differs_from_its_record_only() {
    let proxy = GoProxy::build(
        &[fake("go1.22.10"), fake("go1.23.9")],
        &Options {
            zip_faults: vec![(MV.to_owned(), ZipFault::Tampered)],
            ..Options::default()
        },
    );
    check_db(&proxy.files, &proxy.gosumdb()).expect("the database itself is honest");
    let zip = proxy.zip("go1.22.10");
    assert_ne!(h1_of_zip(zip), record_h1(&proxy.files, NAME, MV));
    let honest = GoProxy::build(&[fake("go1.22.10")], &Options::default());
    assert_eq!(
        record_h1(&proxy.files, NAME, MV),
        record_h1(&honest.files, NAME, MV),
        "the record is the honest zip's"
    );
    let other = proxy.zip("go1.23.9");
    assert_eq!(
        h1_of_zip(other),
        record_h1(&proxy.files, NAME, "v0.0.1-go1.23.9.linux-amd64")
    );
}

#[test]
fn notes_signed_by_another_key_fail_the_printed_key() {
    let proxy = honest();
    let other = SumKey::other(NAME);
    let forged = proxy.signed_by(&other);
    assert_eq!(
        forged.gosumdb(),
        proxy.gosumdb(),
        "GOSUMDB still names the real key"
    );
    let err = check_db(&forged.files, &forged.gosumdb()).unwrap_err();
    assert!(err.contains("latest"), "{err}");
    // The same answers verify with the other key: only the signature changed.
    assert!(check_db(&forged.files, &other.verifier_key()).is_ok());
    assert_ne!(other.verifier_key(), proxy.gosumdb());
    let lookup = format!("sumdb/{NAME}/lookup/golang.org/toolchain@{MV}");
    let body = String::from_utf8(forged.files[&lookup].clone()).unwrap();
    let note = body.split_once("\n\n").unwrap().1;
    assert!(open_note(note.as_bytes(), &parse_vkey(&proxy.gosumdb())).is_err());
}

#[test]
fn forks_do_not_contain_the_earlier_head_while_honest_growth_does() {
    let proxy = honest();
    let old = check_db(&proxy.files, &proxy.gosumdb()).unwrap();

    // Honest growth: the new tree's tiles give back the old root.
    let grown = proxy.with_db(&proxy.db.extended(600));
    let new = check_db(&grown.files, &grown.gosumdb()).expect("a grown tree is consistent");
    assert_eq!(new.0, old.0 + 600);
    assert_eq!(tiles_root_at(&grown, old.0), old.1);

    // Same size, another root (record 7, a filler, replaced): self-consistent, but a fork.
    let fork = proxy.with_db(&proxy.db.forked(7));
    let f = check_db(&fork.files, &fork.gosumdb()).expect("a fork is self-consistent");
    assert_eq!(f.0, old.0);
    assert_ne!(f.1, old.1);
    assert_eq!(
        record_h1(&fork.files, NAME, MV),
        record_h1(&proxy.files, NAME, MV)
    );

    // Larger, with a prefix that differs: the old root cannot be recomputed from it.
    let fork = proxy.with_db(&proxy.db.forked(7).extended(300));
    let f = check_db(&fork.files, &fork.gosumdb()).expect("a fork is self-consistent");
    assert_eq!(f.0, old.0 + 300);
    assert_ne!(tiles_root_at(&fork, old.0), old.1);

    // An earlier head of the same log: it is a prefix of the honest tree.
    let early = proxy.with_db(&proxy.db.truncated(301));
    let e = check_db(&early.files, &early.gosumdb()).unwrap();
    assert_eq!(e.0, 301);
    assert_eq!(tiles_root_at(&proxy, 301), e.1);
    assert!(
        early
            .files
            .contains_key(&format!("sumdb/{NAME}/lookup/golang.org/toolchain@{MV}"))
    );
    assert!(!early.files.contains_key(&format!(
        "sumdb/{NAME}/lookup/golang.org/toolchain@v0.0.1-go1.23.9.linux-amd64"
    )));
}

fn tiles_root_at(proxy: &GoProxy, n: u64) -> [u8; 32] {
    let db = Db {
        files: &proxy.files,
        base: format!("sumdb/{NAME}/"),
        size: proxy.db.size(),
    };
    db.root_at(n)
}

#[test]
fn hostile_zips_hold_what_they_claim_with_honest_records() {
    let prefix = format!("golang.org/toolchain@{MV}/");
    let cases = [
        (
            ZipFault::OutsidePrefix,
            "golang.org/toolchain/evil.txt".to_owned(),
            0o100644,
        ),
        (
            ZipFault::DotDot,
            format!("{prefix}../../evil.txt"),
            0o100644,
        ),
        (
            ZipFault::Symlink {
                name: "bin/link".into(),
                target: "../../../../etc/passwd".into(),
            },
            format!("{prefix}bin/link"),
            0o120777,
        ),
        (
            ZipFault::AbsoluteName("/tmp/gopin-test-absolute/evil.txt".into()),
            "/tmp/gopin-test-absolute/evil.txt".to_owned(),
            0o100644,
        ),
        (
            ZipFault::DuplicateName,
            format!("{prefix}VERSION"),
            0o100644,
        ),
    ];
    let honest_names: Vec<String> =
        central_directory(GoProxy::build(&[fake("go1.22.10")], &Options::default()).zip(MV))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
    for (fault, name, mode) in cases {
        let proxy = GoProxy::build(
            &[fake("go1.22.10")],
            &Options {
                zip_faults: vec![(MV.to_owned(), fault.clone())],
                ..Options::default()
            },
        );
        check_db(&proxy.files, &proxy.gosumdb()).unwrap();
        let entries = central_directory(proxy.zip(MV));
        assert_eq!(
            entries.len(),
            honest_names.len() + 1,
            "{fault:?}: one entry more"
        );
        let hits: Vec<&(String, u32)> = entries.iter().filter(|(n, _)| *n == name).collect();
        let want = if fault == ZipFault::DuplicateName {
            2
        } else {
            1
        };
        assert_eq!(hits.len(), want, "{fault:?}: {name} in {entries:?}");
        assert!(
            hits.iter().all(|(_, m)| *m == mode),
            "{fault:?}: mode {hits:?}"
        );
        // The record is the hostile zip's own hash: only the extraction guards can stop it.
        let entries_h1 = hostile_h1(proxy.zip(MV));
        assert_eq!(entries_h1, record_h1(&proxy.files, NAME, MV), "{fault:?}");
    }
}

/// Go's HashZip over a zip the `zip` crate may refuse: names from the central directory, each
/// content from its local header (stored or deflated).
fn hostile_h1(zip: &[u8]) -> String {
    let le16 = |b: &[u8]| u16::from_le_bytes([b[0], b[1]]) as usize;
    let le32 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let mut files = Vec::new();
    let mut at = 0;
    while le32(&zip[at..]) == 0x0403_4b50 {
        let method = le16(&zip[at + 8..]);
        let csize = le32(&zip[at + 18..]);
        let name_len = le16(&zip[at + 26..]);
        let extra = le16(&zip[at + 28..]);
        let name = String::from_utf8(zip[at + 30..at + 30 + name_len].to_vec()).unwrap();
        let data = &zip[at + 30 + name_len + extra..][..csize];
        let content = match method {
            0 => data.to_vec(),
            8 => {
                let mut out = Vec::new();
                flate2::read::DeflateDecoder::new(data)
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            m => panic!("method {m}"),
        };
        files.push((name, content));
        at += 30 + name_len + extra + csize;
    }
    let mut lines: Vec<String> = files
        .iter()
        .map(|(n, c)| format!("{}  {n}\n", support::fake_go::hex(&Sha256::digest(c))))
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    format!("h1:{}", B64.encode(Sha256::digest(lines.concat())))
}

// ---- the example binary ----------------------------------------------------------------------------

#[test]
fn example_writes_the_same_tree_from_a_go_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let tc = fake("go1.22.10");
    let go = tmp.path().join("tree/go");
    for f in &tc.files {
        let p = go.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &f.bytes).unwrap();
    }
    let out = tmp.path().join("out");
    let example = support::binaries::example("goproxy_fixture");
    let scenario = Scenario::hermetic(tmp.path().join("home"), tmp.path());
    let mut cmd = scenario.command(&example);
    cmd.args(["--tree"])
        .arg(&go)
        .args([
            "--goos",
            "linux",
            "--goarch",
            "amd64",
            "--fillers",
            "300",
            "--out",
        ])
        .arg(&out);
    let run = Run::of(&mut cmd);
    run.assert_code(0);
    let want = GoProxy::build(
        &[Toolchain::new(
            "go1.22.10",
            "linux",
            "amd64",
            tc.files.clone(),
        )],
        &Options {
            fillers_before: 300,
            ..Options::default()
        },
    );
    assert_eq!(run.stdout.trim_end(), want.gosumdb());
    let mut written = Files::new();
    read_tree(&out, "", &mut written);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        want.files.keys().collect::<Vec<_>>()
    );
    assert!(
        written == want.files,
        "the written files differ from the generator's"
    );
    check_db(&written, run.stdout.trim_end()).expect("the written tree passes");

    // No --tree: a usage error on stderr, nothing on stdout.
    let mut cmd = scenario.command(&example);
    cmd.args(["--out"]).arg(tmp.path().join("other"));
    let run = Run::of(&mut cmd);
    run.assert_code(2);
    assert!(run.stderr.contains("--tree"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

fn read_tree(dir: &std::path::Path, rel: &str, out: &mut Files) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if e.file_type().unwrap().is_dir() {
            read_tree(&e.path(), &rel, out);
        } else {
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
}

// ---- served over HTTP -------------------------------------------------------------------------

/// A plain GET over raw TCP: (status, body).
fn get(server: &TestServer, path: &str) -> (u16, Vec<u8>) {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, response[end + 4..].to_vec())
}

#[test]
fn the_loopback_server_serves_the_tree_at_the_paths_go_asks_for() {
    let proxy = honest();
    let server = TestServer::start();
    proxy.for_each_file("/mod/", |p, b| server.add_file(&p, b));
    // The paths the real go asked for in e2e/goproxy.sh, under this base.
    for path in [
        format!("golang.org/toolchain/@v/{MV}.zip"),
        "golang.org/toolchain/@v/list".to_owned(),
        format!("sumdb/{NAME}/supported"),
        format!("sumdb/{NAME}/lookup/golang.org/toolchain@{MV}"),
        format!("sumdb/{NAME}/tile/8/0/001.p/51"),
        format!("sumdb/{NAME}/tile/8/1/000.p/1"),
    ] {
        let (status, body) = get(&server, &format!("/mod/{path}"));
        assert_eq!(status, 200, "{path}");
        assert_eq!(body, proxy.files[&path], "{path}");
    }
    assert_eq!(
        get(
            &server,
            "/mod/golang.org/toolchain/@v/v0.0.1-go1.9.linux-amd64.zip"
        )
        .0,
        404
    );
    assert_eq!(
        proxy.gosumdb_with_url(&server.url_for("/mod")),
        format!("{} {}/mod/sumdb/{NAME}", proxy.gosumdb(), server.url())
    );
}

// ---- Go's module cache ----------------------------------------------------------------------------

#[test]
fn proof_tiles_are_exactly_what_a_record_proof_reads() {
    // What the real go read and cached for record 300 of 301 (e2e/goproxy.sh).
    assert_eq!(
        goproxy::proof_tiles(301, 300),
        ["tile/8/1/000.p/1", "tile/8/0/001.p/45"]
    );
    assert_eq!(goproxy::proof_tiles(1, 0), ["tile/8/0/000.p/1"]);
    // A record in a full tile below a partial top: its tile and the parent chain are read.
    assert_eq!(
        goproxy::proof_tiles(600, 5),
        ["tile/8/1/000.p/2", "tile/8/0/002.p/88", "tile/8/0/000"]
    );
    // Enough to prove, for every record of a few trees: the checker reading only these tiles
    // gets the signed root and the record's leaf.
    for fillers in [0, 255, 300, 700] {
        let proxy = GoProxy::build(
            &[fake("go1.22.10")],
            &Options {
                fillers_before: fillers,
                fillers_after: 3,
                ..Options::default()
            },
        );
        let size = proxy.db.size();
        for id in [0, fillers as u64, size - 1] {
            let base = format!("sumdb/{NAME}/");
            let only: Files = goproxy::proof_tiles(size, id)
                .into_iter()
                .map(|t| {
                    let path = format!("{base}{t}");
                    let bytes = proxy.files[&path].clone();
                    (path, bytes)
                })
                .collect();
            let db = Db {
                files: &only,
                base,
                size,
            };
            assert_eq!(db.root_at(size), proxy.db.root(), "size {size}, id {id}");
            let record = &proxy.db.records()[id as usize];
            assert_eq!(db.hash(0, id), leaf(record), "size {size}, id {id}");
        }
    }
}

#[test]
fn write_modcache_lays_out_what_go_keeps() {
    let proxy = honest();
    let tmp = tempfile::tempdir().unwrap();
    proxy.write_modcache(tmp.path(), "go1.22.10").unwrap();
    let mut written = Files::new();
    read_tree(tmp.path(), "", &mut written);
    let v = format!("cache/download/golang.org/toolchain/@v/{MV}");
    let db = format!("cache/download/sumdb/{NAME}");
    let mut want: Vec<String> = vec![
        format!("{v}.zip"),
        format!("{v}.ziphash"),
        format!("{v}.lock"),
        format!("{db}/lookup/golang.org/toolchain@{MV}"),
        format!("{db}/tile/8/0/001.p/51"),
        format!("{db}/tile/8/1/000.p/1"),
    ];
    want.sort();
    assert_eq!(written.keys().cloned().collect::<Vec<_>>(), want);
    assert_eq!(written[&format!("{v}.zip")], proxy.zip(MV));
    assert_eq!(
        String::from_utf8(written[&format!("{v}.ziphash")].clone()).unwrap(),
        record_h1(&proxy.files, NAME, MV)
    );
    assert!(written[&format!("{v}.lock")].is_empty());
}
