//! The `h1:` of a release archive's module form, gathered while the archive unpacks (README:
//! "The cross-check"). Whoever writes a file hashes its bytes and reports them here, from any
//! thread; the files the module form leaves out are never hashed.

use crate::dirhash::{DirhashError, H1, Hash1};
use crate::source::toolchain_module::module_form_name;
use std::sync::Mutex;

/// The files of one module form, as they are written.
pub struct FormHash {
    module_version: String,
    files: Mutex<Hash1>,
}

impl FormHash {
    /// For the module `golang.org/toolchain@<module_version>`.
    pub fn new(module_version: &str) -> FormHash {
        FormHash {
            module_version: module_version.to_owned(),
            files: Mutex::new(Hash1::new()),
        }
    }

    /// The zip name of an archive file (`relative` below `go/`, `/`-separated) in the module
    /// form, or `None` when the module form leaves it out (then it needs no hash).
    pub fn name_of(&self, relative: &str) -> Option<String> {
        module_form_name(&self.module_version, relative)
    }

    /// One file of the module form: its zip name and the SHA-256 of its bytes.
    pub fn add(&self, name: String, sha256: [u8; 32]) -> Result<(), DirhashError> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .add(name, sha256)
    }

    /// The `h1:` over every file added.
    pub fn finish(self) -> Result<H1, DirhashError> {
        self.files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dirhash::hash1;
    use sha2::{Digest, Sha256};

    fn form_of(files: &[(&str, &[u8])]) -> H1 {
        let form = FormHash::new("v0.0.1-go1.22.10.linux-amd64");
        // In any order, as threads finish.
        for (relative, content) in files.iter().rev() {
            if let Some(name) = form.name_of(relative) {
                form.add(name, Sha256::digest(content).into()).unwrap();
            }
        }
        form.finish().unwrap()
    }

    #[test]
    fn hashes_the_module_form() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let files: &[(&str, &[u8])] = &[
            ("VERSION", b"go1.22.10\n"),
            ("bin/go", &big),
            ("src/go.mod", b"module std\n"),
            ("api/go1.txt", b"pkg x\n"),
            ("test/run.go", b"package main\n"),
            ("empty", b""),
        ];
        let p = "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/";
        let want = hash1([
            (format!("{p}VERSION"), b"go1.22.10\n".as_slice()),
            (format!("{p}bin/go"), big.as_slice()),
            (format!("{p}src/_go.mod"), b"module std\n".as_slice()),
            (format!("{p}empty"), b"".as_slice()),
        ])
        .unwrap();
        assert_eq!(form_of(files), want);
        // Another byte is another hash; so is a left-out file moved in.
        assert_ne!(form_of(&[("VERSION", b"go1.22.11\n")]), want);
        let mut moved = files.to_vec();
        moved[3] = ("src/go1.txt", b"pkg x\n");
        assert_ne!(form_of(&moved), want);
    }
}
