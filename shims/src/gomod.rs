//! The `go` and `toolchain` lines of go.mod and go.work, read the way the `go` command's quick
//! startup reader reads them, and the toolchain Go would switch to because of them.
//!
//! Go decides which toolchain to run before it parses go.mod properly, with a line scanner:
//! the first trimmed line starting with `go` (or `toolchain`) plus a space or tab, `//`
//! comments cut. Doing the same here, rather than a full parse, is what makes gopin agree with
//! Go on odd files and keeps the shim fast. Only the two values are validated, as x/mod does.

use crate::version::Version;

/// A line's value and its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub value: String,
}

/// The two lines that decide the toolchain, as found by Go's quick reader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directives {
    pub go: Option<Line>,
    pub toolchain: Option<Line>,
}

/// Which line decided the toolchain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decider {
    GoLine,
    ToolchainLine,
}

impl Decider {
    pub fn label(self) -> &'static str {
        match self {
            Decider::GoLine => "go line",
            Decider::ToolchainLine => "toolchain line",
        }
    }
}

/// What is wrong with a line: its number, its text and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub number: usize,
    pub text: String,
    pub problem: String,
}

/// Finds the `go` and `toolchain` lines. A repeated statement is an error, as in x/mod.
pub fn scan(text: &str) -> Result<Directives, LineError> {
    let mut found = Directives::default();
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        for (key, slot) in [("go", &mut found.go), ("toolchain", &mut found.toolchain)] {
            let Some(value) = value_after_key(line, key) else {
                continue;
            };
            if let Some(first) = slot {
                return Err(LineError {
                    number: index + 1,
                    text: line.to_owned(),
                    problem: format!("repeated {key} statement (first at line {})", first.number),
                });
            }
            *slot = Some(Line {
                number: index + 1,
                value: value.to_owned(),
            });
        }
    }
    Ok(found)
}

/// Go's `parseKey`: `key` then a space or tab, the value up to `//`, trimmed.
fn value_after_key<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let value = rest.split_once("//").map_or(rest, |(before, _)| before);
    Some(value.trim())
}

/// The toolchain Go itself would switch to on a machine whose own Go is older than both lines,
/// and which line said so. `None` when the file makes no requirement (no lines, or
/// `toolchain default`).
pub fn required_toolchain(
    found: &Directives,
) -> Result<Option<(Version, Decider, usize)>, LineError> {
    let go = match &found.go {
        Some(line) => Some((parse_go_line(line)?, line.number)),
        None => None,
    };
    let toolchain = match &found.toolchain {
        Some(line) if line.value == "default" => return Ok(None),
        Some(line) => Some((parse_toolchain_line(line)?, line.number)),
        None => None,
    };
    // Go takes the toolchain line, then lets a newer go line override it.
    Ok(match (toolchain, go) {
        (Some((tool, _)), Some((go, go_line)))
            if go.go_cmp(&tool) == std::cmp::Ordering::Greater =>
        {
            Some((go.first_release(), Decider::GoLine, go_line))
        }
        (Some((tool, tool_line)), _) => Some((tool, Decider::ToolchainLine, tool_line)),
        (None, Some((go, go_line))) => Some((go.first_release(), Decider::GoLine, go_line)),
        (None, None) => None,
    })
}

/// x/mod's rule for the go line: `1.N`, `1.N.P`, optionally a prerelease with its number.
fn parse_go_line(line: &Line) -> Result<Version, LineError> {
    let bad = |problem: &str| LineError {
        number: line.number,
        text: format!("go {}", line.value),
        problem: problem.to_owned(),
    };
    let v = Version::parse(&line.value)
        .ok_or_else(|| bad("not a Go version (expected e.g. 1.22 or 1.22.3)"))?;
    let has_bare_kind = v.is_prerelease() && !line.value.ends_with(|c: char| c.is_ascii_digit());
    if !v.has_minor() || v.major() == "0" || has_bare_kind {
        return Err(bad("not a Go version (expected e.g. 1.22 or 1.22.3)"));
    }
    Ok(v)
}

/// x/mod's rule for the toolchain line (`default` or `go1...`), then Go's own startup checks.
fn parse_toolchain_line(line: &Line) -> Result<Version, LineError> {
    let value = &line.value;
    let bad = |problem: String| LineError {
        number: line.number,
        text: format!("toolchain {value}"),
        problem,
    };
    let go1 = value
        .strip_prefix("go1")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'));
    let v = Version::parse_toolchain(value)
        .filter(|_| go1)
        .ok_or_else(|| match crate::version::name_problem(value) {
            Some(problem) => bad(format!("not a toolchain name gopin accepts: {problem}")),
            None => bad("not a toolchain name (expected e.g. go1.22.3)".to_owned()),
        })?;
    if v.is_lang_only() {
        return Err(bad(format!(
            "{value} is a language version, not a toolchain version (the first release is {})",
            v.first_release()
        )));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required(text: &str) -> Result<Option<(String, Decider, usize)>, String> {
        let found = scan(text).map_err(|e| format!("{}: {}: {}", e.number, e.text, e.problem))?;
        required_toolchain(&found)
            .map(|r| r.map(|(v, d, n)| (v.to_string(), d, n)))
            .map_err(|e| format!("{}: {}: {}", e.number, e.text, e.problem))
    }

    #[test]
    fn quick_reader_finds_lines_like_go() {
        let text =
            "module x\n\ngodebug default=go1.21\n  go\t1.22 // comment\r\ntoolchain go1.22.4\n";
        let found = scan(text).unwrap();
        assert_eq!(
            found.go,
            Some(Line {
                number: 4,
                value: "1.22".into()
            })
        );
        assert_eq!(
            found.toolchain,
            Some(Line {
                number: 5,
                value: "go1.22.4".into()
            })
        );
        assert_eq!(
            scan("// go 1.22\ngopher 1\n").unwrap(),
            Directives::default()
        );
    }

    #[test]
    fn required_toolchain_table() {
        use Decider::*;
        type Want = Result<Option<(&'static str, Decider, usize)>, &'static str>;
        let rows: &[(&str, Want)] = &[
            (
                "go 1.22\ntoolchain go1.22.4",
                Ok(Some(("go1.22.4", ToolchainLine, 2))),
            ),
            ("go 1.22", Ok(Some(("go1.22.0", GoLine, 1)))),
            ("go 1.21", Ok(Some(("go1.21.0", GoLine, 1)))),
            ("go 1.20", Ok(Some(("go1.20", GoLine, 1)))),
            ("go 1.13", Ok(Some(("go1.13", GoLine, 1)))),
            ("go 1.22.3", Ok(Some(("go1.22.3", GoLine, 1)))),
            ("go 1.24rc1", Ok(Some(("go1.24rc1", GoLine, 1)))),
            (
                "go 1.23.1\ntoolchain go1.22.4",
                Ok(Some(("go1.23.1", GoLine, 1))),
            ),
            (
                "go 1.22\ntoolchain go1.22.0",
                Ok(Some(("go1.22.0", ToolchainLine, 2))),
            ),
            (
                "go 1.22\ntoolchain go1.22rc1",
                Ok(Some(("go1.22rc1", ToolchainLine, 2))),
            ),
            (
                "go 1.22.4\ntoolchain go1.22.4-custom",
                Ok(Some(("go1.22.4-custom", ToolchainLine, 2))),
            ),
            (
                "toolchain go1.21.3",
                Ok(Some(("go1.21.3", ToolchainLine, 1))),
            ),
            ("toolchain go1.20", Ok(Some(("go1.20", ToolchainLine, 1)))),
            ("go 1.22\ntoolchain default", Ok(None)),
            ("module x\n", Ok(None)),
            ("", Ok(None)),
            ("go 1.22 // go 1.99", Ok(Some(("go1.22.0", GoLine, 1)))),
            (
                "toolchain go1.22",
                Err("1: toolchain go1.22: go1.22 is a language version"),
            ),
            (
                "toolchain 1.22.3",
                Err("1: toolchain 1.22.3: not a toolchain name"),
            ),
            (
                "toolchain go1.22.x",
                Err("1: toolchain go1.22.x: not a toolchain name"),
            ),
            (
                "toolchain go1.22.4/evil",
                Err("1: toolchain go1.22.4/evil: not a toolchain name"),
            ),
            (
                "toolchain go2.0.0",
                Err("1: toolchain go2.0.0: not a toolchain name"),
            ),
            ("go 1.22.x", Err("1: go 1.22.x: not a Go version")),
            ("go 1", Err("1: go 1: not a Go version")),
            ("go 0.5", Err("1: go 0.5: not a Go version")),
            ("go 1.21rc", Err("1: go 1.21rc: not a Go version")),
            ("go \"1.22\"", Err("1: go \"1.22\": not a Go version")),
            (
                "go 1.22\ngo 1.23",
                Err("2: go 1.23: repeated go statement (first at line 1)"),
            ),
            (
                "toolchain go1.22.1\ntoolchain go1.22.2",
                Err("2: toolchain go1.22.2: repeated toolchain"),
            ),
        ];
        for (text, want) in rows {
            let got = required(text);
            match (want, &got) {
                (Ok(want), Ok(got)) => {
                    let got = got.as_ref().map(|(v, d, n)| (v.as_str(), *d, *n));
                    assert_eq!(got, *want, "{text:?}");
                }
                (Err(prefix), Err(message)) => {
                    assert!(
                        message.starts_with(prefix),
                        "{text:?}: {message:?} should start with {prefix:?}"
                    )
                }
                _ => panic!("{text:?}: got {got:?}, want {want:?}"),
            }
        }
    }
}
