//! The module proxy half of a `gopin mirror --goproxy` folder: where the files of
//! `golang.org/toolchain` go (`golang.org/toolchain/@v/{list,<v>.info,<v>.mod,<v>.zip}`), what
//! the small ones say, and the `@v/list` kept merged across runs.
//!
//! Lines read back from a folder's `@v/list` are data from outside (the folder may have been
//! edited or copied from elsewhere): only well-formed module versions
//! ([`parse_module_version`]) survive, so nothing else ever becomes a path.

use crate::index::cache::write_atomic;
use crate::source::toolchain_module::{MODULE, parse_module_version};
use anyhow::{Context, Result};
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

/// The `.mod` file of every toolchain version.
pub const MOD_FILE: &[u8] = b"module golang.org/toolchain\n";

/// The `.info` time when the release's `VERSION` file has none (releases before go1.21): the
/// go command reads the field but decides nothing by it.
pub const UNKNOWN_TIME: &str = "2000-01-01T00:00:00Z";

/// The proxy files of one mirror folder.
pub struct ProxyTree {
    dir: PathBuf,
}

impl ProxyTree {
    pub fn new(dir: &Path) -> ProxyTree {
        ProxyTree {
            dir: dir.join(MODULE).join("@v"),
        }
    }

    /// `<dir>/golang.org/toolchain/@v/<module version>.<ext>`; the caller passes a module
    /// version that [`parse_module_version`] accepted.
    pub fn file(&self, module_version: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{module_version}.{ext}"))
    }

    pub fn list_path(&self) -> PathBuf {
        self.dir.join("list")
    }

    /// The module versions the folder's `@v/list` names (well-formed ones only).
    pub fn read_list(&self) -> Result<Vec<String>> {
        let path = self.list_path();
        match gopin_shim::small_file::read_bytes(&path, crate::document::MAX_BYTES) {
            Ok(Some(bytes)) => Ok(merge_list(&String::from_utf8_lossy(&bytes), &[])),
            Ok(None) => Ok(Vec::new()),
            Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
        }
    }

    /// Writes the `.info` and `.mod` of a module version (atomically each).
    pub fn write_info_and_mod(&self, module_version: &str, time: &str) -> Result<()> {
        self.write(
            &self.file(module_version, "info"),
            info_json(module_version, time).as_bytes(),
        )?;
        self.write(&self.file(module_version, "mod"), MOD_FILE)
    }

    /// Writes `@v/list`: one module version a line.
    pub fn write_list(&self, versions: &[String]) -> Result<()> {
        let mut text = String::new();
        for v in versions {
            text.push_str(v);
            text.push('\n');
        }
        self.write(&self.list_path(), text.as_bytes())
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// `@v/list` after a run: the well-formed lines of the existing list and the new module
/// versions, each once, ordered by Go release (oldest first), then platform.
pub fn merge_list(existing: &str, new: &[String]) -> Vec<String> {
    let mut parsed: Vec<_> = existing
        .lines()
        .map(str::trim)
        .chain(new.iter().map(String::as_str))
        .filter_map(|line| parse_module_version(line).map(|p| (line.to_owned(), p)))
        .collect();
    parsed.sort_by(|(_, (va, osa, archa)), (_, (vb, osb, archb))| {
        va.go_cmp(vb)
            .then_with(|| osa.cmp(osb))
            .then_with(|| archa.cmp(archb))
    });
    parsed.dedup_by(|a, b| {
        a.1.0.go_cmp(&b.1.0) == Ordering::Equal && a.1.1 == b.1.1 && a.1.2 == b.1.2
    });
    parsed.into_iter().map(|(line, _)| line).collect()
}

/// The `.info` of a module version, as Go's proxies write it.
pub fn info_json(module_version: &str, time: &str) -> String {
    format!("{{\"Version\":\"{module_version}\",\"Time\":\"{time}\"}}\n")
}

/// The release time from a `go/VERSION` file (`go1.22.10\ntime 2024-12-03T17:56:37Z\n`), in
/// the one form `.info` files use (`YYYY-MM-DDTHH:MM:SSZ`); `None` without a well-formed one.
pub fn release_time(version_file: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(version_file).ok()?;
    let time = text
        .lines()
        .skip(1)
        .find_map(|l| l.strip_prefix("time "))?
        .trim();
    is_utc_time(time).then(|| time.to_owned())
}

/// `YYYY-MM-DDTHH:MM:SSZ` with plausible fields.
fn is_utc_time(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 20 {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let number = |range: std::ops::Range<usize>| -> u32 { text[range].parse().unwrap_or(u32::MAX) };
    digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'Z'
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
        && number(11..13) < 24
        && number(14..16) < 60
        && number(17..19) < 61
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_merge_sorted_and_once() {
        let rows: &[(&str, &[&str], &[&str])] = &[
            ("", &[], &[]),
            (
                "",
                &[
                    "v0.0.1-go1.22.10.linux-amd64",
                    "v0.0.1-go1.21.13.linux-amd64",
                ],
                &[
                    "v0.0.1-go1.21.13.linux-amd64",
                    "v0.0.1-go1.22.10.linux-amd64",
                ],
            ),
            // Go's order, not byte order: go1.9 < go1.10, rc before the release.
            (
                "v0.0.1-go1.10.linux-amd64\nv0.0.1-go1.21.0.linux-amd64\n",
                &["v0.0.1-go1.9.linux-amd64", "v0.0.1-go1.21rc2.linux-amd64"],
                &[
                    "v0.0.1-go1.9.linux-amd64",
                    "v0.0.1-go1.10.linux-amd64",
                    "v0.0.1-go1.21rc2.linux-amd64",
                    "v0.0.1-go1.21.0.linux-amd64",
                ],
            ),
            // Platforms of one release side by side; duplicates once.
            (
                "v0.0.1-go1.22.10.linux-amd64\nv0.0.1-go1.22.10.darwin-arm64\n",
                &["v0.0.1-go1.22.10.linux-amd64", "v0.0.1-go1.22.10.linux-arm"],
                &[
                    "v0.0.1-go1.22.10.darwin-arm64",
                    "v0.0.1-go1.22.10.linux-amd64",
                    "v0.0.1-go1.22.10.linux-arm",
                ],
            ),
            // Whatever else a list holds is dropped: it would become a path.
            (
                "garbage\nv0.0.1-go1.22.10.linux-../../x\n\n  v0.0.1-go1.22.10.linux-amd64  \n",
                &["../evil"],
                &["v0.0.1-go1.22.10.linux-amd64"],
            ),
        ];
        for (existing, new, want) in rows {
            let new: Vec<String> = new.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(merge_list(existing, &new), *want, "{existing:?} + {new:?}");
        }
    }

    #[test]
    fn info_and_times() {
        assert_eq!(
            info_json("v0.0.1-go1.22.10.linux-amd64", "2024-12-03T17:56:37Z"),
            "{\"Version\":\"v0.0.1-go1.22.10.linux-amd64\",\"Time\":\"2024-12-03T17:56:37Z\"}\n"
        );
        let rows: &[(&[u8], Option<&str>)] = &[
            (
                b"go1.22.10\ntime 2024-12-03T17:56:37Z\n",
                Some("2024-12-03T17:56:37Z"),
            ),
            (
                b"go1.23.9\ntime 2025-05-06T18:27:56Z",
                Some("2025-05-06T18:27:56Z"),
            ),
            (b"go1.20.14", None),
            (b"go1.22.10\ntime 2024-12-03 17:56:37\n", None),
            (b"go1.22.10\ntime 2024-13-03T17:56:37Z\n", None),
            (b"go1.22.10\ntime 2024-12-03T17:56:37Z\"\n", None),
            (b"time 2024-12-03T17:56:37Z\n", None),
            (b"\xff\ntime 2024-12-03T17:56:37Z\n", None),
        ];
        for (file, want) in rows {
            assert_eq!(
                release_time(file).as_deref(),
                *want,
                "{:?}",
                String::from_utf8_lossy(file)
            );
        }
        assert!(is_utc_time(UNKNOWN_TIME));
    }
}
