//! Minor releases ("lines": 1.22, 1.23) in the index: the newest patch of a version's line,
//! the newest stable release, and which lines Go still supports (the two newest), for
//! `gopin outdated`, `upgrade` and `doctor`.

use super::Index;
use crate::platform::Platform;
use gopin_shim::{Fuzzy, Spec, Version};

/// The fuzzy spec of a version's minor release (`1.22` for go1.22.4 and go1.22rc1); `None`
/// for a version without a minor number (`go1`).
pub fn line_of(version: &Version) -> Option<Fuzzy> {
    if !version.has_minor() {
        return None;
    }
    match Spec::parse(&format!("{}.{}", version.major(), version.minor())) {
        Some(Spec::Fuzzy(fuzzy)) => Some(fuzzy),
        _ => None,
    }
}

/// The newest stable release of the version's minor release with an archive for the platform.
pub fn newest_patch(index: &Index, version: &Version, platform: &Platform) -> Option<Version> {
    let line = line_of(version)?;
    index.newest(&line, platform).map(|a| a.version)
}

/// The newest stable release with an archive for the platform.
pub fn newest_stable(index: &Index, platform: &Platform) -> Option<Version> {
    index.newest(&Fuzzy::latest(), platform).map(|a| a.version)
}

/// True when the version's minor release is one of the two newest with a stable release.
pub fn supported(index: &Index, version: &Version, platform: &Platform) -> bool {
    let mut lines: Vec<Version> = index
        .available(platform)
        .into_iter()
        .filter(|a| a.release.stable && a.version.has_minor())
        .map(|a| a.version)
        .collect();
    lines.sort_by(|a, b| b.go_cmp(a));
    let mut newest: Vec<(String, String)> = Vec::new();
    for v in &lines {
        let key = (v.major().to_owned(), v.minor().to_owned());
        if !newest.contains(&key) {
            newest.push(key);
        }
        if newest.len() == 2 {
            break;
        }
    }
    newest.contains(&(version.major().to_owned(), version.minor().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL_2020: &[u8] = include_bytes!("../../tests/fixtures/go-dl-index-2020.json");

    fn v(name: &str) -> Version {
        Version::parse_toolchain(name).unwrap()
    }

    #[test]
    fn lines_of_the_real_2020_index() {
        let index = Index::parse(REAL_2020).unwrap();
        let linux = Platform::new("linux", "amd64");
        let patch = |name: &str| newest_patch(&index, &v(name), &linux).map(|v| v.to_string());
        assert_eq!(patch("go1.13.2").as_deref(), Some("go1.13.8"));
        assert_eq!(patch("go1.13").as_deref(), Some("go1.13.8"));
        assert_eq!(patch("go1.14rc1").as_deref(), Some("go1.14"));
        assert_eq!(patch("go1.12.17").as_deref(), Some("go1.12.17"));
        assert_eq!(patch("go1.15beta1"), None);
        assert_eq!(patch("go1"), None);
        assert_eq!(
            newest_stable(&index, &linux)
                .map(|v| v.to_string())
                .as_deref(),
            Some("go1.14")
        );
        for (name, want) in [
            ("go1.14", true),
            ("go1.13.2", true),
            ("go1.14rc1", true),
            ("go1.12.17", false),
            ("go1.15beta1", false),
        ] {
            assert_eq!(supported(&index, &v(name), &linux), want, "{name}");
        }
    }
}
