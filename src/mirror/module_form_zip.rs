//! The module zip of a release, built from its unpacked, verified archive the way
//! cmd/distpack builds it (go1.21.0 and later): every file of the `go/` tree but the top-level
//! `api/`, `doc/`, `misc/` and `test/` folders, each `go.mod` named `_go.mod`, names prefixed
//! `golang.org/toolchain@<module version>/` ([`module_form_name`]), contents byte for byte,
//! deflated, in distpack's name order. Its `h1:` is computed from the bytes written, so it can
//! be compared with the checksum database's record before the zip is published.
//!
//! Modes go in as Go's release packaging sets them; nothing authenticates them (h1 covers
//! names and bytes) and the go command ignores them.

use crate::dirhash::{H1, Hash1};
use crate::module_zip::is_executable;
use crate::source::toolchain_module::module_form_name;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// cmd/distpack's order of archive names: byte order, except that `/` sorts before every other
/// byte, so a folder's files stay together (`foo/bar/baz` before `foo/bar.go`).
pub fn name_order(a: &str, b: &str) -> Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            return match (x, y) {
                (b'/', _) => Ordering::Less,
                (_, b'/') => Ordering::Greater,
                _ => x.cmp(&y),
            };
        }
    }
    a.len().cmp(&b.len())
}

/// One file of the module form: its zip name and where its bytes are.
struct Member {
    name: String,
    source: PathBuf,
    executable: bool,
}

/// Writes the module zip of the release tree `tree` (the unpacked archive's `go` folder
/// contents: `tree/bin/go`, `tree/src/...`) to `out`; returns its `h1:` and file count.
pub fn build(tree: &Path, module_version: &str, out: &Path) -> Result<(H1, usize)> {
    let mut members = Vec::new();
    collect(tree, "", module_version, &mut members)?;
    members.sort_by(|a, b| name_order(&a.name, &b.name));
    let file =
        std::fs::File::create(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));
    let mut hash = Hash1::new();
    let mut buffer = vec![0u8; 1 << 16];
    for member in &members {
        let mode = if member.executable { 0o755 } else { 0o644 };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(mode)
            .large_file(false);
        zip.start_file(member.name.as_str(), options)
            .with_context(|| format!("cannot write {} into {}", member.name, out.display()))?;
        let mut input = std::fs::File::open(&member.source)
            .with_context(|| format!("cannot read {}", member.source.display()))?;
        let mut hasher = Sha256::new();
        loop {
            let n = input
                .read(&mut buffer)
                .with_context(|| format!("cannot read {}", member.source.display()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            zip.write_all(&buffer[..n])
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
        hash.add(member.name.clone(), hasher.finalize().into())?;
    }
    let mut writer = zip
        .finish()
        .with_context(|| format!("cannot write {}", out.display()))?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", out.display()))?;
    writer
        .get_ref()
        .sync_all()
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok((hash.finish()?, members.len()))
}

/// The files under `dir` (named `relative` below the tree) in module form. An unpacked release
/// holds only files and folders; anything else is refused.
fn collect(dir: &Path, relative: &str, module_version: &str, out: &mut Vec<Member>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().into_string().map_err(|n| {
            anyhow::anyhow!("{}: a file name that is not text ({n:?})", dir.display())
        })?;
        let rel = if relative.is_empty() {
            name
        } else {
            format!("{relative}/{name}")
        };
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", path.display()))?;
        if kind.is_dir() {
            collect(&path, &rel, module_version, out)?;
        } else if kind.is_file() {
            if let Some(name) = module_form_name(module_version, &rel) {
                out.push(Member {
                    name,
                    executable: is_executable(&rel),
                    source: path,
                });
            }
        } else {
            anyhow::bail!(
                "{}: neither a file nor a folder, which a Go release never holds",
                path.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distpack_name_order() {
        let rows = [
            ("foo/bar/baz", "foo/bar.go", Ordering::Less),
            ("foo/bar.go", "foo/bar/baz", Ordering::Greater),
            ("a", "b", Ordering::Less),
            ("a", "a", Ordering::Equal),
            ("a", "a/b", Ordering::Less),
            ("src/go.mod", "src/go/ast", Ordering::Greater),
            ("A", "a", Ordering::Less),
            ("bin/go", "bin/gofmt", Ordering::Less),
            ("x/_go.mod", "x/a.go", Ordering::Less),
        ];
        for (a, b, want) in rows {
            assert_eq!(name_order(a, b), want, "{a} vs {b}");
        }
        let mut names = vec!["src/a.go", "src/a/b.go", "src/a-b/c", "src", "bin/go"];
        names.sort_by(|a, b| name_order(a, b));
        assert_eq!(
            names,
            ["bin/go", "src", "src/a/b.go", "src/a-b/c", "src/a.go"]
        );
    }

    #[test]
    fn builds_the_module_form_and_its_h1() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("go");
        let files: &[(&str, &[u8])] = &[
            ("VERSION", b"go1.22.10\ntime 2024-12-03T17:56:37Z\n"),
            ("bin/go", b"#!/bin/sh\necho go\n"),
            ("src/go.mod", b"module std\n"),
            ("src/cmd/go.mod", b"module cmd\n"),
            ("src/fmt/print.go", b"package fmt\n"),
            ("api/go1.txt", b"pkg fmt\n"),
            ("doc/go_spec.html", b"<html>\n"),
            ("misc/wasm/x.js", b"js\n"),
            ("test/a.go", b"package a\n"),
            ("pkg/tool/linux_amd64/compile", b"ELF"),
        ];
        for (name, bytes) in files {
            let path = tree.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let mv = "v0.0.1-go1.22.10.linux-amd64";
        let out = dir.path().join("m.zip");
        let (h1, count) = build(&tree, mv, &out).unwrap();
        let p = format!("golang.org/toolchain@{mv}/");
        let kept: Vec<(String, &[u8])> = vec![
            (format!("{p}VERSION"), files[0].1),
            (format!("{p}bin/go"), files[1].1),
            (format!("{p}src/_go.mod"), files[2].1),
            (format!("{p}src/cmd/_go.mod"), files[3].1),
            (format!("{p}src/fmt/print.go"), files[4].1),
            (format!("{p}pkg/tool/linux_amd64/compile"), files[9].1),
        ];
        assert_eq!(count, kept.len());
        assert_eq!(h1, crate::dirhash::hash1(kept.clone()).unwrap());
        // What the zip holds is what was hashed, in distpack's order: the proxy path's own
        // check (module_zip::hash) agrees.
        assert_eq!(
            crate::module_zip::hash(&out, mv, &crate::archive::Limits::default()).unwrap(),
            h1
        );
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
        let names: Vec<String> = (0..archive.len())
            .map(|i| {
                archive
                    .by_index_raw(i)
                    .unwrap()
                    .name()
                    .unwrap()
                    .into_owned()
            })
            .collect();
        let mut want: Vec<String> = kept.iter().map(|(n, _)| n.clone()).collect();
        want.sort_by(|a, b| name_order(a, b));
        assert_eq!(names, want);
    }
}
