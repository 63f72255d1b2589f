//! Fake Go releases for tests: a `go1.X.Y.<os>-<arch>.tar.gz` holding `go/VERSION`, an
//! executable `go/bin/go` that prints `go version go1.X.Y <os>/<arch>`, `go/bin/gofmt` and
//! some source files, plus a go.dev-shaped index listing such archives with their SHA-256.

use sha2::{Digest, Sha256};
use std::io::Write;

/// go.dev's os and arch names for the machine running the tests.
pub fn platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        other => other,
    };
    (os, arch)
}

/// One fake release archive.
pub struct FakeRelease {
    pub version: String,
    pub filename: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl FakeRelease {
    /// A release of `version` (`go1.22.4`) with `extra_files` source files of `file_size` bytes,
    /// so tests can make archives big enough to interrupt halfway.
    pub fn new(version: &str, extra_files: usize, file_size: usize) -> FakeRelease {
        let (os, arch) = platform();
        let mut tar = tar::Builder::new(Vec::new());
        let mut add = |path: &str, data: &[u8], mode: u32| {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(mode);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut header, path, data).unwrap();
        };
        add(
            "go/VERSION",
            format!("{version}\ntime 2024-01-01T00:00:00Z\n").as_bytes(),
            0o644,
        );
        add(
            "go/bin/go",
            format!("#!/bin/sh\necho go version {version} {os}/{arch}\n").as_bytes(),
            0o755,
        );
        add("go/bin/gofmt", b"#!/bin/sh\necho gofmt\n", 0o755);
        // Pseudo-random but deterministic content, so gzip cannot shrink it away.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ version.len() as u64;
        for i in 0..extra_files {
            let data: Vec<u8> = (0..file_size)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            add(&format!("go/src/pkg{}/file{i}.go", i % 7), &data, 0o644);
        }
        let tar_bytes = tar.into_inner().unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar_bytes).unwrap();
        let bytes = gz.finish().unwrap();
        let sha256 = hex(&Sha256::digest(&bytes));
        FakeRelease {
            version: version.to_owned(),
            filename: format!("{version}.{os}-{arch}.tar.gz"),
            bytes,
            sha256,
        }
    }

    /// This release's tree as a toolchain for the module proxy fixture (`goproxy.rs`), for
    /// this machine's platform.
    /// The release archive of a toolchain's tree, as go.dev ships it: a `.tar.gz` of `go/...`,
    /// or for `goos` windows a `.zip` (with Unix modes, so that its `bin/go` script runs here).
    /// `edit` may change the files first (a tampered release whose index SHA-256 matches).
    pub fn of_toolchain(
        toolchain: &super::goproxy::Toolchain,
        edit: impl FnOnce(&mut [super::goproxy::GoFile]),
    ) -> FakeRelease {
        let mut files = toolchain.files.clone();
        edit(&mut files);
        let platform = format!("{}-{}", toolchain.goos, toolchain.goarch);
        let (bytes, filename) = if toolchain.goos == "windows" {
            let entries: Vec<super::goproxy::ZipEntry> = files
                .iter()
                .map(|f| {
                    super::goproxy::ZipEntry::file(
                        &format!("go/{}", f.path),
                        f.bytes.clone(),
                        f.mode,
                    )
                })
                .collect();
            let zip = super::goproxy::write_zip(&entries, &toolchain.time);
            (zip, format!("{}.{platform}.zip", toolchain.version))
        } else {
            let mut tar = tar::Builder::new(Vec::new());
            for f in &files {
                let mut header = tar::Header::new_gnu();
                header.set_size(f.bytes.len() as u64);
                header.set_mode(f.mode);
                header.set_entry_type(tar::EntryType::Regular);
                tar.append_data(&mut header, format!("go/{}", f.path), f.bytes.as_slice())
                    .unwrap();
            }
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&tar.into_inner().unwrap()).unwrap();
            (
                gz.finish().unwrap(),
                format!("{}.{platform}.tar.gz", toolchain.version),
            )
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        FakeRelease {
            version: toolchain.version.clone(),
            filename,
            bytes,
            sha256,
        }
    }

    pub fn toolchain(&self) -> super::goproxy::Toolchain {
        let (os, arch) = platform();
        super::goproxy::Toolchain::from_tar_gz(&self.version, os, arch, &self.bytes)
            .expect("a fake release's own archive")
    }

    /// This release's entry in a go.dev-shaped index.
    pub fn index_entry(&self) -> serde_json::Value {
        let (os, arch) = platform();
        let stable = !self.version.contains("rc") && !self.version.contains("beta");
        serde_json::json!({
            "version": self.version,
            "stable": stable,
            "files": [{
                "filename": self.filename,
                "os": os,
                "arch": arch,
                "version": self.version,
                "sha256": self.sha256,
                "size": self.bytes.len(),
                "kind": "archive",
            }],
        })
    }
}

/// An index listing `releases`, newest first as go.dev does.
pub fn index_json(releases: &[&FakeRelease]) -> String {
    let mut entries: Vec<serde_json::Value> = releases.iter().map(|r| r.index_entry()).collect();
    entries.reverse();
    serde_json::to_string_pretty(&entries).unwrap()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
