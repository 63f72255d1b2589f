//! OSV versions are SemVer, not Go versions: `1.21.0-rc.1` is Go's `go1.21rc1`, and
//! `1.22.0-0` sorts below every 1.22 prerelease. This module maps Go versions to SemVer the way
//! govulncheck does (`go1.22` is `1.22.0`, `go1.9.2rc2` is `1.9.2-rc.2`), compares by SemVer's
//! rules (semver.org section 11), and maps fixed versions back to Go names for people.
//! Pure functions with table tests.

use gopin_shim::Version;
use std::cmp::Ordering;
use std::fmt;

/// A SemVer version (build metadata, which never takes part in ordering, is dropped).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SemVer {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Vec<Ident>,
}

/// One dot-separated prerelease identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Ident {
    Number(u64),
    Text(String),
}

impl SemVer {
    /// Parses `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, with or without a leading `v`. Strict
    /// as semver.org: no leading zeros in numbers, no empty identifiers.
    pub fn parse(text: &str) -> Option<SemVer> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split_once('+').map_or(text, |(core, build)| {
            // Build metadata must still be well formed, or the whole string is not SemVer.
            if build.is_empty() || !build.split('.').all(valid_ident_chars) {
                ""
            } else {
                core
            }
        });
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let mut numbers = core.split('.');
        let major = number(numbers.next()?)?;
        let minor = number(numbers.next()?)?;
        let patch = number(numbers.next()?)?;
        if numbers.next().is_some() {
            return None;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => pre.split('.').map(ident).collect::<Option<Vec<_>>>()?,
        };
        Some(SemVer {
            major,
            minor,
            patch,
            pre,
        })
    }

    /// A Go version as govulncheck sees it: `go1.22.4` is `1.22.4`, `go1.22` and `go1.20` are
    /// `1.22.0` and `1.20.0`, `go1` is `1.0.0`, `go1.21rc1` is `1.21.0-rc.1`, `go1.9.2rc2` is
    /// `1.9.2-rc.2`. A custom build's suffix is ignored, as Go's ordering ignores it.
    pub fn from_go(version: &Version) -> Option<SemVer> {
        let bare = version.without_suffix().bare();
        let kind_at = bare.find(|c: char| c.is_ascii_lowercase());
        let (numbers, prerelease) = bare.split_at(kind_at.unwrap_or(bare.len()));
        let mut parts = numbers.split('.');
        let major = number(parts.next()?)?;
        let minor = parts.next().map_or(Some(0), number)?;
        let patch = parts.next().map_or(Some(0), number)?;
        let mut pre = Vec::new();
        if !prerelease.is_empty() {
            let digits_at = prerelease
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(prerelease.len());
            let (kind, n) = prerelease.split_at(digits_at);
            pre.push(Ident::Text(kind.to_owned()));
            if !n.is_empty() {
                pre.push(Ident::Number(number(n)?));
            }
        }
        Some(SemVer {
            major,
            minor,
            patch,
            pre,
        })
    }

    /// The Go release a fixed version names, for people: `1.22.4` is `go1.22.4`, `1.20.0` is
    /// `go1.20` (no `.0` before Go 1.21), `1.21.0-rc.4` is `go1.21rc4`. `1.21.0-0` (fixed
    /// before the first 1.21 prerelease: every 1.21 release has the fix) is `go1.21`, the
    /// language version, which Go orders before `go1.21rc1` just as SemVer orders `1.21.0-0`.
    /// Anything else keeps its SemVer form.
    pub fn to_go(&self) -> String {
        let line = if self.major == 1 && self.minor == 0 {
            "go1".to_owned()
        } else {
            format!("go{}.{}", self.major, self.minor)
        };
        let whole = |line: String| {
            if self.patch == 0 && self.major == 1 && self.minor < 21 {
                line
            } else {
                format!("{line}.{}", self.patch)
            }
        };
        match self.pre.as_slice() {
            [] => whole(line),
            [Ident::Number(0)] if self.patch == 0 => line,
            [Ident::Text(kind), Ident::Number(n)]
                if kind.bytes().all(|b| b.is_ascii_lowercase()) =>
            {
                if self.patch == 0 {
                    format!("{line}{kind}{n}")
                } else {
                    format!("{line}.{}{kind}{n}", self.patch)
                }
            }
            _ => self.to_string(),
        }
    }

    /// The major and minor numbers: a Go minor release (`1.22`).
    pub fn minor_release(&self) -> (u64, u64) {
        (self.major, self.minor)
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &SemVer) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A prerelease sorts below its release.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => cmp_pre(&self.pre, &other.pre),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &SemVer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Identifier by identifier: numbers numerically and below text, text in ASCII order; a
/// shorter list that is a prefix of the other sorts first.
fn cmp_pre(a: &[Ident], b: &[Ident]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Ident::Number(x), Ident::Number(y)) => x.cmp(y),
            (Ident::Number(_), Ident::Text(_)) => Ordering::Less,
            (Ident::Text(_), Ident::Number(_)) => Ordering::Greater,
            (Ident::Text(x), Ident::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, ident) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            match ident {
                Ident::Number(n) => write!(f, "{n}")?,
                Ident::Text(t) => f.write_str(t)?,
            }
        }
        Ok(())
    }
}

/// A decimal number without leading zeros (`0` alone is fine), not overflowing.
fn number(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = text.len() > 1 && text.starts_with('0');
    if !digits || leading_zero {
        return None;
    }
    text.parse().ok()
}

fn valid_ident_chars(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn ident(text: &str) -> Option<Ident> {
    if !valid_ident_chars(text) {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return number(text).map(Ident::Number);
    }
    Some(Ident::Text(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> SemVer {
        SemVer::parse(text).unwrap_or_else(|| panic!("{text:?} should parse"))
    }

    fn go(name: &str) -> Option<String> {
        SemVer::from_go(&Version::parse_toolchain(name).unwrap()).map(|v| v.to_string())
    }

    #[test]
    fn go_versions_map_as_govulncheck_maps_them() {
        let rows = [
            ("go1.22.4", "1.22.4"),
            ("go1.22.10", "1.22.10"),
            ("go1.22", "1.22.0"),
            ("go1.22.0", "1.22.0"),
            ("go1.20", "1.20.0"),
            ("go1", "1.0.0"),
            ("go1.21rc1", "1.21.0-rc.1"),
            ("go1.18beta2", "1.18.0-beta.2"),
            ("go1.9.2rc2", "1.9.2-rc.2"),
            ("go1.21rc", "1.21.0-rc"),
            ("go1.22.4-custom", "1.22.4"),
            ("go1.99999999999", "1.99999999999.0"),
        ];
        for (name, want) in rows {
            assert_eq!(go(name).as_deref(), Some(want), "{name}");
        }
        // A number past u64 is no SemVer we can compare: refused, never wrapped.
        assert_eq!(go("go1.99999999999999999999"), None);
    }

    #[test]
    fn parse_accepts_semver_and_nothing_else() {
        for ok in [
            "1.22.4",
            "v1.22.4",
            "0.0.0",
            "1.22.0-0",
            "1.21.0-rc.4",
            "1.0.0-alpha-1.x",
            "1.2.3+build.7",
        ] {
            assert!(SemVer::parse(ok).is_some(), "{ok:?}");
        }
        for bad in [
            "",
            "0",
            "1",
            "1.22",
            "1.22.4.1",
            "01.2.3",
            "1.02.3",
            "1.2.03",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3-rc..1",
            "1.2.3-rc.1+",
            "1.2.3-r\u{e9}",
            "go1.22.4",
            "1.22.4 ",
            "99999999999999999999.0.0",
        ] {
            assert_eq!(SemVer::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ordering_follows_semver() {
        // Each row is strictly below the next (semver.org's own example among them).
        let ascending = [
            "0.0.0",
            "1.0.0-0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.9.2-rc.2",
            "1.9.2",
            "1.21.0-0",
            "1.21.0-rc.1",
            "1.21.0-rc.4",
            "1.21.0",
            "1.21.11",
            "1.22.0-0",
            "1.22.0-rc.1",
            "1.22.0",
            "1.22.4",
            "1.22.10",
            "2.0.0",
        ];
        for pair in ascending.windows(2) {
            assert!(s(pair[0]) < s(pair[1]), "{} < {}", pair[0], pair[1]);
            assert!(s(pair[1]) > s(pair[0]), "{} > {}", pair[1], pair[0]);
        }
        assert_eq!(s("v1.2.3").cmp(&s("1.2.3+build")), Ordering::Equal);
    }

    #[test]
    fn fixed_versions_read_back_as_go_names() {
        let rows = [
            ("1.22.4", "go1.22.4"),
            ("1.21.0", "go1.21.0"),
            ("1.20.0", "go1.20"),
            ("1.0.0", "go1"),
            ("1.1.0", "go1.1"),
            ("1.21.0-rc.4", "go1.21rc4"),
            ("1.24.0-rc.2", "go1.24rc2"),
            ("1.9.2-rc.2", "go1.9.2rc2"),
            ("1.21.0-0", "go1.21"),
            ("1.21.0-rc.4.1", "1.21.0-rc.4.1"),
        ];
        for (semver, name) in rows {
            assert_eq!(s(semver).to_go(), name, "{semver}");
            // And back: the Go name maps to the same SemVer (the marker `-0` has no Go name).
            if !semver.ends_with("-0") && !semver.ends_with(".1") {
                let back = Version::parse_toolchain(name).and_then(|v| SemVer::from_go(&v));
                assert_eq!(back, Some(s(semver)), "{name}");
            }
        }
    }
}
