//! OSV records, read for what gopin asks of them: which Go toolchains an advisory affects and
//! which releases fix it. Only the `stdlib` and `toolchain` modules count (an advisory about
//! golang.org/x/net that also names the standard library counts for its standard-library part).
//!
//! A version is affected as govulncheck decides it: within one range, events sorted by version
//! (`introduced: "0"` first, the beginning of time), affected from an `introduced` at or below it
//! until the next `fixed` above it. A record whose toolchain entries have no SEMVER range at all
//! affects every version, as in govulncheck.

use super::semver::SemVer;
use gopin_shim::Version;
use serde::Deserialize;

/// The module paths whose advisories concern the Go toolchain itself.
pub const MODULES: [&str; 2] = ["stdlib", "toolchain"];

/// An advisory about the Go toolchain, distilled from its OSV record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advisory {
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: String,
    /// The operating systems it is limited to; empty when it concerns every one.
    pub goos: Vec<String>,
    /// The SEMVER ranges of the stdlib/toolchain entries, each as sorted events.
    ranges: Vec<Vec<Event>>,
    /// True when some stdlib/toolchain entry has no SEMVER range: every version is affected.
    everything: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Event {
    /// `None` is `introduced: "0"`, the beginning of time.
    Introduced(Option<SemVer>),
    Fixed(SemVer),
    LastAffected(SemVer),
}

impl Event {
    fn at(&self) -> Option<&SemVer> {
        match self {
            Event::Introduced(v) => v.as_ref(),
            Event::Fixed(v) | Event::LastAffected(v) => Some(v),
        }
    }
}

/// What one advisory means for one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding<'a> {
    pub advisory: &'a Advisory,
    /// The first release of the version's own minor release that fixes it, when there is one.
    pub fixed_in_minor: Option<SemVer>,
}

#[derive(Deserialize)]
struct RawRecord {
    id: String,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    affected: Vec<RawAffected>,
}

#[derive(Deserialize)]
struct RawAffected {
    package: RawPackage,
    #[serde(default)]
    ranges: Vec<RawRange>,
    #[serde(default)]
    ecosystem_specific: Option<RawEcosystem>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
}

#[derive(Deserialize)]
struct RawRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
}

#[derive(Deserialize)]
struct RawEcosystem {
    #[serde(default)]
    imports: Vec<RawImport>,
}

#[derive(Deserialize)]
struct RawImport {
    #[serde(default)]
    goos: Vec<String>,
}

/// What reading a record gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Advisory(Advisory),
    /// Withdrawn, or about no toolchain module: not an advisory for gopin.
    Ignored,
}

/// Parses one OSV record fetched as `ID/<expected_id>.json`. `Err` says what is wrong with it.
pub fn parse(bytes: &[u8], expected_id: &str) -> Result<Parsed, String> {
    let raw: RawRecord =
        serde_json::from_slice(bytes).map_err(|e| format!("not an OSV record ({e})"))?;
    if raw.id != expected_id {
        return Err(format!("its id is {:?}, not {expected_id}", raw.id));
    }
    if raw.withdrawn.as_deref().is_some_and(|w| !w.is_empty()) {
        return Ok(Parsed::Ignored);
    }
    let mut ranges = Vec::new();
    let mut everything = false;
    let mut goos: Vec<String> = Vec::new();
    let mut every_os = false;
    let mut concerns_go = false;
    for affected in raw
        .affected
        .iter()
        .filter(|a| MODULES.contains(&a.package.name.as_str()))
    {
        concerns_go = true;
        let semver: Vec<&RawRange> = affected
            .ranges
            .iter()
            .filter(|r| r.kind == "SEMVER")
            .collect();
        if semver.is_empty() {
            everything = true;
        }
        for range in semver {
            ranges.push(events(range)?);
        }
        let imports = affected
            .ecosystem_specific
            .as_ref()
            .map_or(&[][..], |e| e.imports.as_slice());
        if imports.is_empty() || imports.iter().any(|i| i.goos.is_empty()) {
            every_os = true;
        }
        for name in imports.iter().flat_map(|i| &i.goos) {
            if !goos.contains(name) {
                goos.push(name.clone());
            }
        }
    }
    if !concerns_go {
        return Ok(Parsed::Ignored);
    }
    if every_os {
        goos.clear();
    }
    goos.sort();
    let summary = raw
        .summary
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            raw.details
                .map(|d| d.lines().next().unwrap_or("").to_owned())
        })
        .unwrap_or_default();
    Ok(Parsed::Advisory(Advisory {
        id: raw.id,
        aliases: raw.aliases,
        summary,
        goos,
        ranges,
        everything,
    }))
}

/// A range's events, parsed and sorted as govulncheck sorts them.
fn events(range: &RawRange) -> Result<Vec<Event>, String> {
    let version = |text: &str| {
        SemVer::parse(text).ok_or_else(|| format!("{text:?} in a SEMVER range is not SemVer"))
    };
    let mut out = Vec::new();
    for event in &range.events {
        let parsed = match (&event.introduced, &event.fixed, &event.last_affected) {
            (Some(v), None, None) if v == "0" => Event::Introduced(None),
            (Some(v), None, None) => Event::Introduced(Some(version(v)?)),
            (None, Some(v), None) => Event::Fixed(version(v)?),
            (None, None, Some(v)) => Event::LastAffected(version(v)?),
            // `limit` and unknown events say nothing about which versions are affected.
            (None, None, None) => continue,
            _ => {
                return Err(
                    "an event holds more than one of introduced, fixed, last_affected".to_owned(),
                );
            }
        };
        out.push(parsed);
    }
    // Stable: equal versions keep their order in the record.
    out.sort_by(|a, b| match (a.at(), b.at()) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    });
    Ok(out)
}

impl Advisory {
    /// True when the version is affected.
    pub fn affects(&self, version: &SemVer) -> bool {
        self.everything || self.ranges.iter().any(|r| in_range(r, version))
    }

    /// Every version named as fixing it, oldest first, without repeats.
    pub fn fixed(&self) -> Vec<SemVer> {
        let mut out: Vec<SemVer> = self
            .ranges
            .iter()
            .flatten()
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// What it means for `version`: `None` when not affected; otherwise the first fixed version
    /// of the same minor release above it that is itself unaffected, if any.
    pub fn finding(&self, version: &SemVer) -> Option<Finding<'_>> {
        if !self.affects(version) {
            return None;
        }
        let fixed_in_minor = self
            .fixed()
            .into_iter()
            .filter(|f| f.minor_release() == version.minor_release() && f > version)
            .find(|f| !self.affects(f));
        Some(Finding {
            advisory: self,
            fixed_in_minor,
        })
    }
}

fn in_range(events: &[Event], version: &SemVer) -> bool {
    let mut affected = false;
    for event in events {
        match event {
            Event::Introduced(None) if !affected => affected = true,
            Event::Introduced(Some(at)) if !affected => affected = version >= at,
            Event::Fixed(at) if affected => affected = version < at,
            Event::LastAffected(at) if affected => affected = version <= at,
            _ => {}
        }
    }
    affected
}

/// The advisories that affect a Go version, each with its fix in the same minor release.
pub fn findings<'a>(advisories: &'a [Advisory], version: &Version) -> Vec<Finding<'a>> {
    let Some(semver) = SemVer::from_go(version) else {
        return Vec::new();
    };
    advisories
        .iter()
        .filter_map(|a| a.finding(&semver))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_2024_2887: &str = include_str!("../../tests/fixtures/vulndb/ID/GO-2024-2887.json");

    fn advisory(json: &str, id: &str) -> Advisory {
        match parse(json.as_bytes(), id) {
            Ok(Parsed::Advisory(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    fn v(name: &str) -> SemVer {
        SemVer::from_go(&Version::parse_toolchain(name).unwrap()).unwrap()
    }

    #[test]
    fn a_real_record_before_at_and_between_fixes() {
        let a = advisory(GO_2024_2887, "GO-2024-2887");
        assert_eq!(a.aliases, ["CVE-2024-24790"]);
        assert!(a.goos.is_empty());
        let rows = [
            ("go1.20", Some(None)),
            ("go1.21.10", Some(Some("go1.21.11"))),
            ("go1.21.11", None),
            ("go1.21.13", None),
            ("go1.22rc1", Some(Some("go1.22.4"))),
            ("go1.22.0", Some(Some("go1.22.4"))),
            ("go1.22.3", Some(Some("go1.22.4"))),
            ("go1.22.4", None),
            ("go1.23.0", None),
        ];
        for (name, want) in rows {
            let got = a
                .finding(&v(name))
                .map(|f| f.fixed_in_minor.map(|s| s.to_go()));
            assert_eq!(got, want.map(|w| w.map(str::to_owned)), "{name}");
        }
        assert_eq!(
            a.fixed().iter().map(SemVer::to_go).collect::<Vec<_>>(),
            ["go1.21.11", "go1.22.4"]
        );
    }

    #[test]
    fn ranges_goos_withdrawn_and_other_modules() {
        let record = |affected: &str, extra: &str| {
            format!(r#"{{"id":"GO-1","summary":"s","affected":[{affected}]{extra}}}"#)
        };
        let range = |events: &str| format!(r#""ranges":[{{"type":"SEMVER","events":[{events}]}}]"#);
        // Events out of order are sorted; last_affected is inclusive.
        let a = advisory(
            &record(
                &format!(
                    r#"{{"package":{{"name":"toolchain"}},{}}}"#,
                    range(
                        r#"{"fixed":"1.22.4"},{"introduced":"1.22.0-0"},{"introduced":"1.23.0"},{"last_affected":"1.23.2"}"#
                    )
                ),
                "",
            ),
            "GO-1",
        );
        let affected = |name: &str| a.affects(&v(name));
        assert!(!affected("go1.21.13"));
        assert!(affected("go1.22rc1") && affected("go1.22.3") && !affected("go1.22.4"));
        assert!(affected("go1.23.0") && affected("go1.23.2") && !affected("go1.23.3"));

        // Limited to some systems only when every import names them.
        let imports = |list: &str| {
            format!(
                r#"{{"package":{{"name":"stdlib"}},{},"ecosystem_specific":{{"imports":[{list}]}}}}"#,
                range(r#"{"introduced":"0"}"#)
            )
        };
        let windows = advisory(
            &record(
                &imports(
                    r#"{"path":"os","goos":["windows"]},{"path":"path/filepath","goos":["windows","plan9"]}"#,
                ),
                "",
            ),
            "GO-1",
        );
        assert_eq!(windows.goos, ["plan9", "windows"]);
        let all = advisory(
            &record(
                &imports(r#"{"path":"os","goos":["windows"]},{"path":"net"}"#),
                "",
            ),
            "GO-1",
        );
        assert!(all.goos.is_empty());
        assert!(all.affects(&v("go1.25.0")), "introduced 0, never fixed");

        // No SEMVER range at all: every version, as govulncheck reads it.
        let rangeless = advisory(&record(r#"{"package":{"name":"stdlib"}}"#, ""), "GO-1");
        assert!(rangeless.affects(&v("go1.22.4")));

        let withdrawn = record(
            &imports(r#"{"path":"os"}"#),
            r#","withdrawn":"2024-01-01T00:00:00Z""#,
        );
        assert_eq!(parse(withdrawn.as_bytes(), "GO-1"), Ok(Parsed::Ignored));
        let other = record(
            &format!(
                r#"{{"package":{{"name":"golang.org/x/net"}},{}}}"#,
                range(r#"{"introduced":"0"}"#)
            ),
            "",
        );
        assert_eq!(parse(other.as_bytes(), "GO-1"), Ok(Parsed::Ignored));
    }

    #[test]
    fn malformed_records_say_what_is_wrong() {
        let rows = [
            ("<html>", "GO-1", "not an OSV record"),
            (r#"{"id":"GO-2"}"#, "GO-1", "its id is \"GO-2\", not GO-1"),
            (
                r#"{"id":"GO-1","affected":[{"package":{"name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"fixed":"1.22"}]}]}]}"#,
                "GO-1",
                "\"1.22\" in a SEMVER range is not SemVer",
            ),
            (
                r#"{"id":"GO-1","affected":[{"package":{"name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1.22.1"}]}]}]}"#,
                "GO-1",
                "more than one",
            ),
        ];
        for (json, id, want) in rows {
            let err = parse(json.as_bytes(), id).unwrap_err();
            assert!(err.contains(want), "{json}: {err}");
        }
        // A range of another type is not read at all, so its versions need not be SemVer.
        let git = r#"{"id":"GO-1","affected":[{"package":{"name":"stdlib"},"ranges":[{"type":"GIT","events":[{"fixed":"abc"}]},{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]}"#;
        assert!(matches!(
            parse(git.as_bytes(), "GO-1"),
            Ok(Parsed::Advisory(_))
        ));
    }
}
