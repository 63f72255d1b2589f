//! Rewriting a pin in place for `gopin upgrade`: the version in a `.go-version` (or the default
//! file), the golang line of a `.tool-versions`, the `toolchain` line of a go.mod or go.work
//! (added after the `go` line when there is none, as `go get toolchain@...` does). Only the
//! version's own bytes change: comments, other lines, other tools, a `go` prefix and CRLF line
//! ends are kept, and a `go` line is never touched. Pure functions over the file's text.

use crate::toolchain::exact_text;
use gopin_shim::Version;

/// What an edit did: the new text and the version text it replaced (empty when a line was added).
#[derive(Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub old: String,
    /// The 1-based line that holds the new version.
    pub line: usize,
}

/// `.go-version` or the default file: the spec on line `line` becomes `new`, written the way
/// the old one was (with or without `go`).
pub fn go_version(text: &str, line: usize, new: &Version) -> Result<Edited, String> {
    edit_line(text, line, |content| {
        let start = content.len() - content.trim_start().len();
        let token = content.trim();
        if token.is_empty() {
            return None;
        }
        Some((start, start + token.len()))
    })
    .map(|(splice, old, line)| finish(splice, old, line, new))
}

/// `.tool-versions`: the first version of the golang line `line` becomes `new`; fallback
/// versions after it, the comment and other tools stay.
pub fn tool_versions(text: &str, line: usize, new: &Version) -> Result<Edited, String> {
    edit_line(text, line, |content| {
        let code = content
            .split_once('#')
            .map_or(content, |(before, _)| before);
        let mut words = words(code);
        let (_, tool) = words.next()?;
        if !matches!(tool, "golang" | "go") {
            return None;
        }
        let (start, word) = words.next()?;
        Some((start, start + word.len()))
    })
    .map(|(splice, old, line)| finish(splice, old, line, new))
}

/// go.mod or go.work: the `toolchain` line's value becomes `new`; with no toolchain line, one
/// is added after the `go` line (a blank line between, the file's line ends).
pub fn mod_toolchain(text: &str, new: &Version) -> Result<Edited, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let name = new.to_string();
    for (index, raw) in lines.iter().enumerate() {
        let content = raw.trim_end_matches(['\n', '\r']);
        if let Some((start, end)) = value_of(content, "toolchain") {
            // `toolchain default` is replaced like any other value.
            let old = content[start..end].to_owned();
            let mut out = String::with_capacity(text.len() + 8);
            lines[..index].iter().for_each(|l| out.push_str(l));
            out.push_str(&raw[..start]);
            out.push_str(&name);
            out.push_str(&raw[end..]);
            lines[index + 1..].iter().for_each(|l| out.push_str(l));
            return Ok(Edited {
                text: out,
                old,
                line: index + 1,
            });
        }
    }
    let Some(go_at) = lines
        .iter()
        .position(|raw| value_of(raw.trim_end_matches(['\n', '\r']), "go").is_some())
    else {
        return Err("it has no go line to put a toolchain line after".to_owned());
    };
    let eol = if lines[go_at].ends_with("\r\n") || text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::with_capacity(text.len() + 24);
    lines[..=go_at].iter().for_each(|l| out.push_str(l));
    if !lines[go_at].ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(eol);
    out.push_str(&format!("toolchain {name}{eol}"));
    lines[go_at + 1..].iter().for_each(|l| out.push_str(l));
    Ok(Edited {
        text: out,
        old: String::new(),
        line: go_at + 3,
    })
}

/// Go's quick reader: the trimmed line starts with `key` and a space or tab; the value runs
/// to `//`, trimmed. Returns its byte range within `content`.
fn value_of(content: &str, key: &str) -> Option<(usize, usize)> {
    let lead = content.len() - content.trim_start().len();
    let rest = content[lead..].strip_prefix(key)?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let after_key = lead + key.len();
    let value_end = content[after_key..]
        .find("//")
        .map_or(content.len(), |at| after_key + at);
    let value = &content[after_key..value_end];
    let start = after_key + (value.len() - value.trim_start().len());
    let end = after_key + value.trim_end().len();
    (start < end).then_some((start, end))
}

/// Whitespace-separated words with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| c.is_whitespace())
        .scan(0, |offset, word| {
            let at = *offset;
            *offset += word.len() + 1;
            Some((at, word))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// Finds the range `locate` picks in line `line` (1-based, as `split('\n')` counts) and cuts
/// the text around it: the text before and after, and the old token.
fn edit_line(
    text: &str,
    line: usize,
    locate: impl Fn(&str) -> Option<(usize, usize)>,
) -> Result<(Splice, String, usize), String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(raw) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return Err(format!("it has no line {line}"));
    };
    let mut content = raw.trim_end_matches(['\n', '\r']);
    // A byte-order mark before the first line is not part of the version.
    let bom = if line == 1 && content.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    content = &content[bom..];
    let (start, end) =
        locate(content).ok_or_else(|| format!("line {line} holds no version to replace"))?;
    let old = content[start..end].to_owned();
    let before: String = lines[..line - 1].concat() + &raw[..bom + start];
    let after: String = raw[bom + end..].to_owned() + &lines[line..].concat();
    Ok((Splice { before, after }, old, line))
}

struct Splice {
    before: String,
    after: String,
}

/// Puts the new version where the old one was, keeping a `go` prefix if it had one.
fn finish(splice: Splice, old: String, line: usize, new: &Version) -> Edited {
    let prefix = if old.starts_with("go") { "go" } else { "" };
    Edited {
        text: format!(
            "{}{prefix}{}{}",
            splice.before,
            exact_text(new),
            splice.after
        ),
        old,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str) -> Version {
        Version::parse_toolchain(name).unwrap()
    }

    #[test]
    fn go_version_files_keep_everything_but_the_version() {
        let rows = [
            ("1.22.4\n", 1, "1.22.12\n"),
            ("go1.22.4", 1, "go1.22.12"),
            ("\u{feff}1.22.4\r\n", 1, "\u{feff}1.22.12\r\n"),
            (
                "# pinned for CI\r\n\r\n  1.22.4  \r\nignored 1.22.4\r\n",
                3,
                "# pinned for CI\r\n\r\n  1.22.12  \r\nignored 1.22.4\r\n",
            ),
        ];
        for (text, line, want) in rows {
            let edited = go_version(text, line, &v("go1.22.12")).unwrap();
            assert_eq!(edited.text, want, "{text:?}");
            assert_eq!(edited.line, line);
        }
        // go1.20 is written 1.20.0 so it stays exact.
        assert_eq!(
            go_version("1.19.13\n", 1, &v("go1.20")).unwrap().text,
            "1.20.0\n"
        );
        assert!(go_version("1.22.4\n", 2, &v("go1.22.12")).is_err());
    }

    #[test]
    fn tool_versions_keep_other_tools_fallbacks_and_comments() {
        let text = "nodejs 20.1.0\r\ngolang  1.22.4 1.21.0 # go 1.22.4 here\r\npython 3.12\r\n";
        let edited = tool_versions(text, 2, &v("go1.22.12")).unwrap();
        assert_eq!(
            edited.text,
            "nodejs 20.1.0\r\ngolang  1.22.12 1.21.0 # go 1.22.4 here\r\npython 3.12\r\n"
        );
        assert_eq!(edited.old, "1.22.4");
        let edited = tool_versions("\tgo go1.22.4", 1, &v("go1.23.1")).unwrap();
        assert_eq!(edited.text, "\tgo go1.23.1");
        assert!(tool_versions("nodejs 20\n", 1, &v("go1.23.1")).is_err());
    }

    #[test]
    fn toolchain_lines_are_rewritten_or_added_never_go_lines() {
        let rows: &[(&str, &str, &str, usize)] = &[
            (
                "module m\n\ngo 1.22.1\n\ntoolchain go1.22.4 // pinned\n",
                "module m\n\ngo 1.22.1\n\ntoolchain go1.22.12 // pinned\n",
                "go1.22.4",
                5,
            ),
            (
                "module m\r\n\r\ngo 1.22.1\r\n\r\nrequire x v1.0.0\r\n",
                "module m\r\n\r\ngo 1.22.1\r\n\r\ntoolchain go1.22.12\r\n\r\nrequire x v1.0.0\r\n",
                "",
                5,
            ),
            (
                "module m\ngo 1.22",
                "module m\ngo 1.22\n\ntoolchain go1.22.12\n",
                "",
                4,
            ),
            (
                "go 1.22.1\n\nuse ./a\n",
                "go 1.22.1\n\ntoolchain go1.22.12\n\nuse ./a\n",
                "",
                3,
            ),
            (
                "go 1.22\ntoolchain\tdefault\n",
                "go 1.22\ntoolchain\tgo1.22.12\n",
                "default",
                2,
            ),
            (
                "// toolchain go1.21.0\ngodebug x=1\ngo 1.22.1\n  toolchain  go1.22.4  \n",
                "// toolchain go1.21.0\ngodebug x=1\ngo 1.22.1\n  toolchain  go1.22.12  \n",
                "go1.22.4",
                4,
            ),
        ];
        for (text, want, old, line) in rows {
            let edited = mod_toolchain(text, &v("go1.22.12")).unwrap();
            assert_eq!(edited.text, *want, "{text:?}");
            assert_eq!(
                (edited.old.as_str(), edited.line),
                (*old, *line),
                "{text:?}"
            );
        }
        assert!(mod_toolchain("module m\n", &v("go1.22.12")).is_err());
    }
}
