//! go.dev's JSON download index: its schema, oddities included, and the questions gopin asks
//! of it (which releases exist for a platform, which archive to fetch, the newest match).
//!
//! The schema is kept loose where go.dev's data is loose: `kind`, `os` and `arch` are open
//! sets, `sha256` may be empty (go1.2.2 to go1.5.2) and `size` zero; a release named `go1`
//! holds bootstrap tarballs for os `4`. Nothing here refuses such entries: the installer
//! refuses an archive without a checksum when it is asked to install it.

pub mod cache;
pub mod fetch;
pub mod lines;

use crate::platform::Platform;
use gopin_shim::{Fuzzy, Version};
use serde::{Deserialize, Serialize};

/// One release as go.dev lists it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    #[serde(default)]
    pub stable: bool,
    #[serde(default)]
    pub files: Vec<File>,
}

/// One downloadable file of a release.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct File {
    pub filename: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub arch: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub size: u64,
    /// `archive`, `installer` or `source`; other values are kept and ignored.
    #[serde(default)]
    pub kind: String,
}

/// The parsed index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    pub releases: Vec<Release>,
    /// Where it came from (a URL, or a cached copy of one), for errors about its entries.
    pub origin: String,
}

/// A release that has an archive for the platform, with its parsed version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Available<'a> {
    pub version: Version,
    pub release: &'a Release,
    pub archive: &'a File,
}

impl Index {
    /// Parses the index JSON.
    pub fn parse(bytes: &[u8]) -> Result<Index, serde_json::Error> {
        Ok(Index {
            releases: serde_json::from_slice(bytes)?,
            origin: String::new(),
        })
    }

    /// The same index, saying where it came from.
    pub fn with_origin(mut self, origin: &str) -> Index {
        self.origin = origin.to_owned();
        self
    }

    /// Releases with an archive for `platform`, oldest first. Releases whose name is not a Go
    /// version are skipped.
    pub fn available(&self, platform: &Platform) -> Vec<Available<'_>> {
        let mut out: Vec<Available<'_>> = self
            .releases
            .iter()
            .filter_map(|release| {
                let version = Version::parse_toolchain(&release.version)?;
                let archive = archive_for(release, platform)?;
                Some(Available {
                    version,
                    release,
                    archive,
                })
            })
            .collect();
        out.sort_by(|a, b| a.version.cmp(&b.version));
        out
    }

    /// The newest stable release matching a fuzzy spec.
    pub fn newest<'a>(&'a self, fuzzy: &Fuzzy, platform: &Platform) -> Option<Available<'a>> {
        self.available(platform)
            .into_iter()
            .filter(|a| a.release.stable && fuzzy.matches(&a.version))
            .max_by(|a, b| a.version.go_cmp(&b.version))
    }

    /// The release with exactly this name, if it has an archive for the platform.
    pub fn find<'a>(&'a self, version: &Version, platform: &Platform) -> Option<Available<'a>> {
        let name = version.to_string();
        self.available(platform)
            .into_iter()
            .find(|a| a.release.version == name)
    }

    /// True when the index lists the release at all (any platform).
    pub fn lists(&self, version: &Version) -> bool {
        let name = version.to_string();
        self.releases.iter().any(|r| r.version == name)
    }
}

/// The archive of a release for a platform. Where go.dev lists several (darwin's `osx10.6` and
/// `osx10.8` builds), the name that sorts last is the newest build target.
pub fn archive_for<'a>(release: &'a Release, platform: &Platform) -> Option<&'a File> {
    release
        .files
        .iter()
        .filter(|f| f.kind == "archive" && f.os == platform.os && f.arch == platform.arch)
        .filter(|f| f.filename.ends_with(platform.archive_suffix()))
        .max_by(|a, b| a.filename.cmp(&b.filename))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopin_shim::Spec;

    const REAL_2020: &[u8] = include_bytes!("../../tests/fixtures/go-dl-index-2020.json");

    fn fuzzy(text: &str) -> Fuzzy {
        match Spec::parse(text) {
            Some(Spec::Fuzzy(f)) => f,
            other => panic!("{text} is not fuzzy: {other:?}"),
        }
    }

    #[test]
    fn parses_every_release_and_file_of_the_real_2020_index() {
        let index = Index::parse(REAL_2020).unwrap();
        assert_eq!(index.releases.len(), 93);
        assert_eq!(
            index.releases.iter().map(|r| r.files.len()).sum::<usize>(),
            1337
        );
        // The oddities are all there and parsed, not dropped.
        let go1 = index.releases.iter().find(|r| r.version == "go1").unwrap();
        assert!(
            go1.files
                .iter()
                .all(|f| f.os == "4" && f.arch == "bootstrap")
        );
        let no_sum = index
            .releases
            .iter()
            .flat_map(|r| &r.files)
            .filter(|f| f.sha256.is_empty())
            .count();
        assert!(no_sum > 0, "go1.2.2 to go1.5.2 have no sha256");
        let zero_size = index
            .releases
            .iter()
            .flat_map(|r| &r.files)
            .filter(|f| f.size == 0)
            .count();
        assert!(zero_size > 0, "go1.2.2 to go1.4.2 have size 0");
        // Every release name but the bootstrap pseudo-release is a Go version.
        for release in &index.releases {
            assert!(
                Version::parse_toolchain(&release.version).is_some(),
                "{}",
                release.version
            );
        }
    }

    #[test]
    fn platform_archives() {
        let index = Index::parse(REAL_2020).unwrap();
        let linux = Platform::new("linux", "amd64");
        let names: Vec<String> = index
            .available(&linux)
            .iter()
            .map(|a| a.version.to_string())
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("go1.2.2"));
        assert_eq!(names.last().map(String::as_str), Some("go1.14"));
        assert!(
            !names.contains(&"go1".to_owned()),
            "bootstrap tarballs are not installable"
        );

        let arm = Platform::new("linux", "arm");
        let file = index
            .find(&Version::parse_toolchain("go1.14").unwrap(), &arm)
            .unwrap()
            .archive;
        assert_eq!(file.filename, "go1.14.linux-armv6l.tar.gz");

        let windows = Platform::new("windows", "amd64");
        let file = index
            .find(&Version::parse_toolchain("go1.14").unwrap(), &windows)
            .unwrap()
            .archive;
        assert_eq!(file.filename, "go1.14.windows-amd64.zip");

        let mac = Platform::new("darwin", "amd64");
        let file = index
            .find(&Version::parse_toolchain("go1.4.2").unwrap(), &mac)
            .unwrap()
            .archive;
        assert_eq!(file.filename, "go1.4.2.darwin-amd64-osx10.8.tar.gz");
    }

    #[test]
    fn newest_stable_match() {
        let index = Index::parse(REAL_2020).unwrap();
        let linux = Platform::new("linux", "amd64");
        let newest = |spec: &str| {
            index
                .newest(&fuzzy(spec), &linux)
                .map(|a| a.version.to_string())
        };
        assert_eq!(newest("1.13").as_deref(), Some("go1.13.8"));
        assert_eq!(newest("latest").as_deref(), Some("go1.14"));
        assert_eq!(newest("1.12").as_deref(), Some("go1.12.17"));
        assert_eq!(newest("1.15"), None);
        assert_eq!(newest("2"), None);
    }

    #[test]
    fn malformed_index_is_an_error() {
        assert!(Index::parse(b"<html>not json</html>").is_err());
        assert!(Index::parse(br#"{"version":"go1.22.0"}"#).is_err());
        let minimal = Index::parse(br#"[{"version":"go1.22.0"}]"#).unwrap();
        assert_eq!(minimal.releases[0].files, vec![]);
    }
}
