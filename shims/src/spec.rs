//! What a user may ask for: an exact release, a fuzzy line (`1.22`, `latest`) or `system`.
//!
//! Specs come from the command line, `.go-version`, `.tool-versions`, `GOPIN_TOOLCHAIN` and the
//! default file, and all of them go through this one parser, so `1.22.x` is refused the same
//! way everywhere and never mistaken for a path.

use crate::version::Version;
use std::fmt;

/// A parsed spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// One release (`1.22.10`, `1.23rc1`, `1.20.0` = `go1.20`) or a custom build
    /// (`go1.22.4-custom`), always in the canonical name go.dev uses.
    Exact(Version),
    /// The newest stable release matching a prefix.
    Fuzzy(Fuzzy),
    /// The `go` found on PATH outside gopin.
    System,
}

/// One or two numbers, or `latest`: matches stable releases only, never a prerelease or a
/// custom build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fuzzy {
    /// `None` for `latest`.
    major: Option<String>,
    minor: Option<String>,
}

impl Spec {
    /// Parses a spec; `None` when it is not one (the caller names where it came from).
    pub fn parse(text: &str) -> Option<Spec> {
        match text {
            "latest" => return Some(Spec::Fuzzy(Fuzzy::latest())),
            "system" => return Some(Spec::System),
            _ => {}
        }
        let body = text.strip_prefix("go").unwrap_or(text);
        if body.contains('-') {
            // Only a complete release may carry a custom suffix (`go1.22.4-custom`).
            let v = Version::parse_toolchain(&format!("go{body}"))?;
            let core = v.without_suffix();
            let whole = core.has_patch() || core.is_prerelease() || !core.is_lang_only();
            let clean = !v.suffix()[1..].is_empty() && !v.suffix().contains([' ', '\t']);
            return (whole && clean && core.has_minor()).then_some(Spec::Exact(v));
        }
        let v = Version::parse(body)?;
        if v.has_patch() || v.is_prerelease() {
            return Some(Spec::Exact(v.canonical()));
        }
        Some(Spec::Fuzzy(Fuzzy {
            major: Some(v.major().to_owned()),
            minor: v.has_minor().then(|| v.minor().to_owned()),
        }))
    }

    /// The exact version, when this spec names one.
    pub fn exact(&self) -> Option<&Version> {
        match self {
            Spec::Exact(v) => Some(v),
            _ => None,
        }
    }
}

impl Fuzzy {
    pub fn latest() -> Fuzzy {
        Fuzzy {
            major: None,
            minor: None,
        }
    }

    /// True when `v` is a stable official release on this line.
    pub fn matches(&self, v: &Version) -> bool {
        !v.is_prerelease() && self.on_line(v)
    }

    /// True when `v` is an official release on this line, prereleases included (for listings
    /// that show them).
    pub fn on_line(&self, v: &Version) -> bool {
        let major_ok = self.major.as_deref().is_none_or(|m| m == v.major());
        let minor_ok = self.minor.as_deref().is_none_or(|m| m == v.minor());
        v.suffix().is_empty() && major_ok && minor_ok
    }

    /// The newest matching version from a list.
    pub fn newest<'a>(
        &self,
        versions: impl IntoIterator<Item = &'a Version>,
    ) -> Option<&'a Version> {
        versions
            .into_iter()
            .filter(|v| self.matches(v))
            .max_by(|a, b| a.go_cmp(b).then_with(|| a.cmp(b)))
    }
}

impl fmt::Display for Fuzzy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.major, &self.minor) {
            (None, _) => f.write_str("latest"),
            (Some(major), None) => f.write_str(major),
            (Some(major), Some(minor)) => write!(f, "{major}.{minor}"),
        }
    }
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spec::Exact(v) => v.fmt(f),
            Spec::Fuzzy(fuzzy) => fuzzy.fmt(f),
            Spec::System => f.write_str("system"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str) -> Version {
        Version::parse_toolchain(name).unwrap()
    }

    #[test]
    fn parses_every_documented_form() {
        let rows: &[(&str, &str, &str)] = &[
            // input, kind, printed
            ("1.22.10", "exact", "go1.22.10"),
            ("go1.22.10", "exact", "go1.22.10"),
            ("1.20.0", "exact", "go1.20"),
            ("go1.20.0", "exact", "go1.20"),
            ("1.21.0", "exact", "go1.21.0"),
            ("1.23rc1", "exact", "go1.23rc1"),
            ("go1.9beta1", "exact", "go1.9beta1"),
            ("1.9.2rc2", "exact", "go1.9.2rc2"),
            ("go1.22.4-custom", "exact", "go1.22.4-custom"),
            ("1.22.4-custom", "exact", "go1.22.4-custom"),
            ("go1.20-custom", "exact", "go1.20-custom"),
            ("1.22", "fuzzy", "1.22"),
            ("go1.22", "fuzzy", "1.22"),
            ("1", "fuzzy", "1"),
            ("go1.13", "fuzzy", "1.13"),
            ("latest", "fuzzy", "latest"),
            ("system", "system", "system"),
        ];
        for &(input, kind, printed) in rows {
            let spec = Spec::parse(input).unwrap_or_else(|| panic!("{input:?} should parse"));
            let got_kind = match spec {
                Spec::Exact(_) => "exact",
                Spec::Fuzzy(_) => "fuzzy",
                Spec::System => "system",
            };
            assert_eq!(
                (got_kind, spec.to_string().as_str()),
                (kind, printed),
                "{input:?}"
            );
        }
    }

    #[test]
    fn rejects_everything_else() {
        let bad = [
            "",
            "1.22.x",
            "x",
            "go",
            "v1.22",
            "1.22 ",
            " 1.22",
            "go1.22-custom",
            "1.22.4-",
            "1.2.3.4",
            "../go1.22",
            "go1.22.4/x",
            "LATEST",
            "golatest",
            "gosystem",
            "1.21.rc1",
            "1.21RC1",
            "~/go",
            "/usr/local/go",
            "1.22.4 -custom",
            "1.22.4-a b",
        ];
        for input in bad {
            assert_eq!(Spec::parse(input), None, "{input:?} should be rejected");
        }
    }

    #[test]
    fn fuzzy_matches_stable_releases_only() {
        let installed: Vec<Version> = [
            "go1.22.10",
            "go1.22.9",
            "go1.23rc1",
            "go1.22.11-custom",
            "go1.21.13",
            "go1.20",
            "go1.2.2",
        ]
        .iter()
        .map(|n| v(n))
        .collect();
        let rows = [
            ("1.22", Some("go1.22.10")),
            ("1.21", Some("go1.21.13")),
            ("1.20", Some("go1.20")),
            ("1.2", Some("go1.2.2")),
            ("1.23", None),
            ("1", Some("go1.22.10")),
            ("latest", Some("go1.22.10")),
            ("2", None),
        ];
        for (spec, want) in rows {
            let Some(Spec::Fuzzy(fuzzy)) = Spec::parse(spec) else {
                panic!("{spec} is fuzzy")
            };
            let got = fuzzy.newest(&installed).map(|v| v.to_string());
            assert_eq!(got.as_deref(), want, "{spec}");
        }
    }
}
