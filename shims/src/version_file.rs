//! Readers for the files that hold a spec: `.go-version`, `.tool-versions` and the default.
//!
//! They are strict on purpose: a `.go-version` saying `1.22.x` is an error naming the file and
//! line, never a guess, because a guess would run a different toolchain on another machine.

use crate::spec::Spec;

/// A spec found in a file, with its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub spec: Spec,
    pub line: usize,
}

/// What is wrong with a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    /// The line that should hold a spec holds something else.
    BadSpec { line: usize, text: String },
    /// No line holds a spec at all.
    Empty,
}

/// `.go-version` (and the default file): the first line that is not blank and does not start
/// with `#` holds the spec; a leading `go`, CRLF line ends and a byte-order mark are accepted;
/// later lines are ignored.
pub fn parse_go_version(text: &str) -> Result<Found, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        return match Spec::parse(line) {
            Some(spec) => Ok(Found {
                spec,
                line: index + 1,
            }),
            None => Err(FileError::BadSpec {
                line: index + 1,
                text: line.to_owned(),
            }),
        };
    }
    Err(FileError::Empty)
}

/// `.tool-versions` (asdf, mise): the first `golang` or `go` line; its first version is the spec.
/// `Ok(None)` when no such line exists: then the file says nothing about Go.
pub fn parse_tool_versions(text: &str) -> Result<Option<Found>, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.split('\n').enumerate() {
        let content = raw.split_once('#').map_or(raw, |(before, _)| before);
        let mut words = content.split_whitespace();
        if !matches!(words.next(), Some("golang" | "go")) {
            continue;
        }
        let bad = || FileError::BadSpec {
            line: index + 1,
            text: raw.trim().to_owned(),
        };
        let word = words.next().ok_or_else(bad)?;
        let spec = Spec::parse(word).ok_or_else(bad)?;
        return Ok(Some(Found {
            spec,
            line: index + 1,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(result: Result<Found, FileError>) -> String {
        match result {
            Ok(found) => format!("{}@{}", found.spec, found.line),
            Err(FileError::BadSpec { line, text }) => format!("bad {text:?}@{line}"),
            Err(FileError::Empty) => "empty".to_owned(),
        }
    }

    #[test]
    fn go_version_files() {
        let rows = [
            ("1.22.10\n", "go1.22.10@1"),
            ("go1.22.10", "go1.22.10@1"),
            ("\u{feff}1.22.10\r\n", "go1.22.10@1"),
            ("# pinned for CI\n\n  1.21.13  \nignored\n", "go1.21.13@3"),
            ("1.22\n", "1.22@1"),
            ("latest", "latest@1"),
            ("system\n", "system@1"),
            ("1.20.0", "go1.20@1"),
            ("1.22.x\n", "bad \"1.22.x\"@1"),
            ("1.22.10 # comment\n", "bad \"1.22.10 # comment\"@1"),
            ("golang 1.22.10", "bad \"golang 1.22.10\"@1"),
            ("../../usr/local/go", "bad \"../../usr/local/go\"@1"),
            ("", "empty"),
            ("\n\n# only a comment\n", "empty"),
        ];
        for (text, want) in rows {
            assert_eq!(show(parse_go_version(text)), want, "{text:?}");
        }
    }

    #[test]
    fn tool_versions_files() {
        let rows = [
            ("nodejs 20.1.0\ngolang 1.22.10\n", Some("go1.22.10@2")),
            ("go 1.21.13 1.20.1  # fallback\n", Some("go1.21.13@1")),
            ("# golang 1.1\npython 3.12\n", None),
            ("golang system", Some("system@1")),
            ("golang\n", Some("bad \"golang\"@1")),
            ("golang ref:master\n", Some("bad \"golang ref:master\"@1")),
            ("golangci-lint 1.55.0\n", None),
        ];
        for (text, want) in rows {
            let got = parse_tool_versions(text).transpose().map(show);
            assert_eq!(got.as_deref(), want, "{text:?}");
        }
    }
}
