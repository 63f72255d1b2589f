//! Go release names and their order, exactly as Go's own `internal/gover` sees them.
//!
//! Go does not use semver: `1.21` is a language version that sorts *before* `1.21rc1`, while
//! `1.20` is a release equal to `1.20.0`. Getting this wrong means picking the wrong toolchain,
//! so the grammar and ordering here follow Go's parser rule for rule (Go's `src/internal/gover`).
//! Numbers stay decimal strings so that `1.99999999999999999` never overflows.

use std::cmp::Ordering;
use std::fmt;

/// The longest toolchain name gopin accepts, in bytes. Go sets no limit, but a name becomes a
/// folder and a lock file (255 bytes at most on common file systems, with room for `.lock` and
/// a staging prefix) and travels through the cd hook's command line.
pub const MAX_NAME_LEN: usize = 128;

/// Why a toolchain name cannot be used as one, in words for an error; `None` when it can be.
/// Real names (`go1.22.4-custom`, `go1.21.0-bigcorp`) pass.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.contains(['/', '\\']) {
        Some("a toolchain name may not hold `/` or `\\` (it would name a path)")
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("a toolchain name may not hold spaces or control characters")
    } else if name.len() > MAX_NAME_LEN {
        Some("a toolchain name may be at most 128 bytes long")
    } else {
        None
    }
}

/// A parsed Go version such as `1.22.10`, `1.21rc2` or the toolchain name `go1.22.4-custom`.
///
/// The fields keep what was written (`minor`/`patch` are empty when absent), so a version prints
/// back exactly as it was named; comparison fills the gaps the way Go does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    major: String,
    minor: String,
    patch: String,
    kind: String,
    pre: String,
    /// A custom build's suffix including its separator (`-custom`); ignored by Go's ordering.
    suffix: String,
}

impl Version {
    /// Parses a version without the `go` prefix (`1.22.10`, `1.21rc1`). `None` when malformed.
    pub fn parse(text: &str) -> Option<Version> {
        if text.len() > MAX_NAME_LEN {
            return None;
        }
        let (major, rest) = cut_int(text)?;
        let mut v = Version {
            major: major.to_owned(),
            minor: String::new(),
            patch: String::new(),
            kind: String::new(),
            pre: String::new(),
            suffix: String::new(),
        };
        if rest.is_empty() {
            return Some(v);
        }
        let rest = rest.strip_prefix('.')?;
        let (minor, rest) = cut_int(rest)?;
        v.minor = minor.to_owned();
        if rest.is_empty() {
            return Some(v);
        }
        let rest = match rest.strip_prefix('.') {
            Some(after_dot) => {
                let (patch, rest) = cut_int(after_dot)?;
                v.patch = patch.to_owned();
                if rest.is_empty() {
                    return Some(v);
                }
                rest
            }
            None => rest,
        };
        let (kind, pre) = parse_prerelease(rest)?;
        v.kind = kind.to_owned();
        v.pre = pre.to_owned();
        Some(v)
    }

    /// Parses a toolchain name (`go1.22.10`, `go1.21.0-bigcorp`).
    ///
    /// As in Go's `FromToolchain`, anything after `-` is a suffix that does not take part in
    /// comparisons, and a name holding `/` or `\` is refused so a toolchain line can never name
    /// a path. Stricter than Go, on purpose: a name becomes a folder, a lock file, a shim and a
    /// line on the terminal, so whitespace, control characters and names over
    /// [`MAX_NAME_LEN`] bytes are refused too (see [`name_problem`]).
    pub fn parse_toolchain(name: &str) -> Option<Version> {
        if name_problem(name).is_some() {
            return None;
        }
        let body = name.strip_prefix("go")?;
        let cut = body.find('-').unwrap_or(body.len());
        let mut v = Version::parse(&body[..cut])?;
        v.suffix = body[cut..].to_owned();
        Some(v)
    }

    /// True for a language version from 1.21 on (`1.22`): two numbers and no prerelease. Such
    /// a name is not a release (the first release of 1.22 is `1.22.0`); before 1.21, `1.20`
    /// was itself a release.
    pub fn is_lang_only(&self) -> bool {
        !self.minor.is_empty()
            && self.patch.is_empty()
            && self.kind.is_empty()
            && cmp_int(&self.major, "1") != Ordering::Less
            && cmp_int(&self.minor, "21") != Ordering::Less
    }

    /// True for betas, release candidates and other prereleases.
    pub fn is_prerelease(&self) -> bool {
        !self.kind.is_empty()
    }

    /// The custom suffix (`-custom`), empty for official releases.
    pub fn suffix(&self) -> &str {
        &self.suffix
    }

    /// True when the version was written with all three numbers (`1.22.10`).
    pub fn has_patch(&self) -> bool {
        !self.patch.is_empty()
    }

    /// True when the version was written with at least `major.minor`.
    pub fn has_minor(&self) -> bool {
        !self.minor.is_empty()
    }

    pub fn major(&self) -> &str {
        &self.major
    }

    pub fn minor(&self) -> &str {
        &self.minor
    }

    /// The name go.dev uses for this release. Before Go 1.21 the first release of a line had no
    /// `.0` (`go1.20`), so `1.20.0` is named `go1.20`; from 1.21 on the `.0` is part of the name.
    pub fn canonical(&self) -> Version {
        let mut v = self.clone();
        if v.patch == "0"
            && v.kind.is_empty()
            && v.major == "1"
            && cmp_int(&v.minor, "21") == Ordering::Less
        {
            v.patch.clear();
        }
        v
    }

    /// The version with a language version turned into its first release, as Go does when a
    /// go line asks for it: `1.22` becomes `1.22.0`; `1.20` stays `1.20` (that is a release).
    pub fn first_release(&self) -> Version {
        let mut v = self.clone();
        if self.is_lang_only() {
            v.patch = "0".to_owned();
        }
        v
    }

    /// The version without the custom suffix.
    pub fn without_suffix(&self) -> Version {
        let mut v = self.clone();
        v.suffix.clear();
        v
    }

    /// Go's ordering, ignoring the custom suffix (`go1.21.0-bigcorp` equals `go1.21.0`).
    pub fn go_cmp(&self, other: &Version) -> Ordering {
        let (a_minor, a_patch) = self.filled();
        let (b_minor, b_patch) = other.filled();
        cmp_int(&self.major, &other.major)
            .then_with(|| cmp_int(a_minor, b_minor))
            .then_with(|| cmp_int(a_patch, b_patch))
            .then_with(|| {
                let by_kind = self.kind.cmp(&other.kind);
                // Among patch releases a prerelease comes before the release (1.9.2rc2 < 1.9.2);
                // without a patch, "" (the language version) sorts first (1.21 < 1.21rc1).
                if by_kind != Ordering::Equal && !a_patch.is_empty() {
                    if self.kind.is_empty() {
                        return Ordering::Greater;
                    }
                    if other.kind.is_empty() {
                        return Ordering::Less;
                    }
                }
                by_kind
            })
            .then_with(|| cmp_int(&self.pre, &other.pre))
    }

    /// Minor and patch as Go compares them: `1` is `1.0.0`; before 1.21 a missing patch is `0`.
    fn filled(&self) -> (&str, &str) {
        if self.minor.is_empty() {
            return ("0", "0");
        }
        if self.patch.is_empty()
            && self.kind.is_empty()
            && cmp_int(&self.minor, "21") == Ordering::Less
        {
            return (&self.minor, "0");
        }
        (&self.minor, &self.patch)
    }

    /// The bare number form without `go` (`1.22.10`), as `.go-version` files hold it.
    pub fn bare(&self) -> String {
        let mut out = self.major.clone();
        if !self.minor.is_empty() {
            out.push('.');
            out.push_str(&self.minor);
        }
        if !self.patch.is_empty() {
            out.push('.');
            out.push_str(&self.patch);
        }
        out.push_str(&self.kind);
        out.push_str(&self.pre);
        out.push_str(&self.suffix);
        out
    }

    /// The name as one argument of a command shown in a hint: [`Version::bare`], quoted when
    /// a custom suffix holds characters a shell would act on (`go1.22.4-$(x)`).
    pub fn shell_arg(&self) -> String {
        crate::text::quote(&self.bare()).into_owned()
    }
}

/// A total order for sorting lists: Go's order, then the suffix so distinct builds stay apart.
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.go_cmp(other)
            .then_with(|| self.suffix.cmp(&other.suffix))
            // Equal under Go's order but written differently (`1.20` and `1.20.0`).
            .then_with(|| self.bare().cmp(&other.bare()))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Prints the toolchain name, `go` prefix included: `go1.22.10`, `go1.21rc2`, `go1.22.4-custom`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go{}", self.bare())
    }
}

/// Go's `gover.Compare` on raw strings without the `go` prefix: malformed versions sort below
/// every valid one and equal to each other.
pub fn compare(x: &str, y: &str) -> Ordering {
    match (Version::parse(x), Version::parse(y)) {
        (Some(a), Some(b)) => a.go_cmp(&b),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

/// Compares decimal strings without converting them: longer is larger, then lexical.
fn cmp_int(x: &str, y: &str) -> Ordering {
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

/// Splits a leading decimal number (no needless leading zero) from the rest.
fn cut_int(x: &str) -> Option<(&str, &str)> {
    let digits = x.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits > 1 && x.starts_with('0')) {
        return None;
    }
    Some(x.split_at(digits))
}

/// `rc1`, `beta2`, `rc`: lowercase letters, then an optional number and nothing else.
fn parse_prerelease(x: &str) -> Option<(&str, &str)> {
    let letters = x.bytes().take_while(|b| !b.is_ascii_digit()).count();
    let (kind, rest) = x.split_at(letters);
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if rest.is_empty() {
        return Some((kind, rest));
    }
    let (pre, tail) = cut_int(rest)?;
    tail.is_empty().then_some((kind, pre))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn compare_matches_go_tables() {
        // Rows from Go's internal/gover and go/version tests.
        let rows: &[(&str, &str, Ordering)] = &[
            ("", "", Equal),
            ("x", "x", Equal),
            ("", "x", Equal),
            ("1", "1.1", Less),
            ("1.5", "1.6", Less),
            ("1.5", "1.10", Less),
            ("1.6", "1.6.1", Less),
            ("1.19", "1.19.0", Equal),
            ("1.19rc1", "1.19", Less),
            ("1.20", "1.20.0", Equal),
            ("1.20rc1", "1.20", Less),
            ("1.21", "1.21.0", Less),
            ("1.21", "1.21rc1", Less),
            ("1.21rc1", "1.21rc2", Less),
            ("1.21rc2", "1.21.0", Less),
            ("1.21.0", "1.21.1", Less),
            ("1.21rc1", "1.21.0", Less),
            ("1.18beta1", "1.18beta2", Less),
            ("1.18beta2", "1.18rc1", Less),
            ("1.18rc1", "1.18", Less),
            ("1.6", "1.19", Less),
            ("1.19", "1.19.1", Less),
            ("1.21.9", "1.22", Less),
            ("1.21rc", "1.21rc1", Less),
            ("1.21rc", "1.21", Greater),
            ("1.16rc9", "1.16rc10", Less),
            ("1.99999999999999998", "1.99999999999999999", Less),
            ("1.9.2rc2", "1.9.2", Less),
            ("1.9.2beta2", "1.9.2rc3", Less),
            ("1.9.2", "1.9.2rc2", Greater),
            ("1.21.0", "1.21.0", Equal),
            ("1.21alpha1", "1.21beta1", Less),
            ("1.21beta1", "1.21pre1", Less),
            ("1.21pre1", "1.21rc1", Less),
            ("1.21", "1.21", Equal),
            ("1.21", "x", Greater),
            ("x", "1.21", Less),
            ("1.21.rc1", "1.2", Less),
        ];
        for &(x, y, want) in rows {
            assert_eq!(compare(x, y), want, "compare({x:?}, {y:?})");
            assert_eq!(compare(y, x), want.reverse(), "compare({y:?}, {x:?})");
        }
    }

    #[test]
    fn rejects_malformed_versions() {
        let bad = [
            "",
            "x",
            "1.21.rc1",
            "1.21-rc1",
            "1.21RC1",
            "01.21",
            "1.021",
            "1.21.00",
            "1.",
            "1..2",
            "1.21.0.1",
            "1.21.0 ",
            " 1.21",
            "1.9.2+rc2",
            "go1.21",
            "1.21rc01",
            "1.21rc1x",
            "-1",
            "1.2.3.",
            "1.21.0-rc1",
        ];
        for text in bad {
            assert!(
                Version::parse(text).is_none(),
                "{text:?} should be rejected"
            );
        }
    }

    #[test]
    fn accepts_valid_versions() {
        let good = [
            "1",
            "0",
            "1.0",
            "1.21",
            "1.21.0",
            "1.21rc1",
            "1.21rc",
            "1.9.2rc2",
            "1.18beta1",
            "2.0.0",
            "1.99999999999999999",
            "1.21alpha",
            "1.21.10",
        ];
        for text in good {
            let v = Version::parse(text).unwrap_or_else(|| panic!("{text:?} should parse"));
            assert_eq!(v.bare(), text, "prints back as written");
        }
    }

    #[test]
    fn toolchain_names() {
        let rows: &[(&str, Option<(&str, &str)>)] = &[
            ("go1.22.10", Some(("go1.22.10", ""))),
            ("go1.21.0-bigcorp", Some(("go1.21.0-bigcorp", "-bigcorp"))),
            ("go1.22.4-café", Some(("go1.22.4-café", "-café"))),
            // Stricter than Go: these would become odd folders and terminal escapes.
            ("go1.21.0 extra", None),
            ("go1.21.0\tx", None),
            ("go1.22.4-\x1b]0;pwned\x07", None),
            ("go1.22.4-\u{9b}2J", None),
            ("go1.22.4-\n", None),
            ("go1.21rc2", Some(("go1.21rc2", ""))),
            ("go1", Some(("go1", ""))),
            ("1.21.0", None),
            ("go", None),
            ("go1.21.x", None),
            ("go1.21.0/../x", None),
            ("go1.21.0-a/b", None),
            ("go1.21.0-a\\b", None),
            ("gox", None),
        ];
        for &(name, want) in rows {
            let got = Version::parse_toolchain(name);
            match want {
                None => assert!(got.is_none(), "{name:?} should be rejected"),
                Some((display, suffix)) => {
                    let v = got.unwrap_or_else(|| panic!("{name:?} should parse"));
                    assert_eq!(v.to_string(), display);
                    assert_eq!(v.suffix(), suffix);
                }
            }
        }
        let longest = format!("go1.22.4-{}", "x".repeat(MAX_NAME_LEN - 9));
        assert!(Version::parse_toolchain(&longest).is_some());
        assert!(Version::parse_toolchain(&format!("{longest}x")).is_none());
        assert!(Version::parse(&format!("1.{}", "9".repeat(MAX_NAME_LEN))).is_none());
        let custom = Version::parse_toolchain("go1.21.0-bigcorp").unwrap();
        let plain = Version::parse_toolchain("go1.21.0").unwrap();
        assert_eq!(custom.go_cmp(&plain), Equal);
        assert_ne!(
            custom.cmp(&plain),
            Equal,
            "sorting keeps distinct builds apart"
        );
    }

    #[test]
    fn language_versions_and_first_releases() {
        let rows = [
            ("1.22", true, "1.22.0", "1.22"),
            ("1.21", true, "1.21.0", "1.21"),
            ("1.20", false, "1.20", "1.20"),
            ("1.20.0", false, "1.20.0", "1.20"),
            ("1.21.0", false, "1.21.0", "1.21.0"),
            ("1.24rc1", false, "1.24rc1", "1.24rc1"),
            ("1.9", false, "1.9", "1.9"),
            ("1", false, "1", "1"),
            ("2.1", false, "2.1", "2.1"),
            ("1.30", true, "1.30.0", "1.30"),
        ];
        for (text, lang_only, first, canonical) in rows {
            let v = Version::parse(text).unwrap();
            assert_eq!(v.is_lang_only(), lang_only, "{text} is_lang_only");
            assert_eq!(v.first_release().bare(), first, "{text} first_release");
            assert_eq!(v.canonical().bare(), canonical, "{text} canonical");
        }
    }

    #[test]
    fn sorting_a_release_list() {
        let mut names = vec![
            "1.21.0", "1.20", "1.21rc2", "1.9", "1.10", "1.20.1", "1.21rc1", "1.20rc1", "1.22.10",
            "1.22.9",
        ];
        names.sort_by(|a, b| Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap()));
        assert_eq!(
            names,
            [
                "1.9", "1.10", "1.20rc1", "1.20", "1.20.1", "1.21rc1", "1.21rc2", "1.21.0",
                "1.22.9", "1.22.10"
            ]
        );
    }
}
