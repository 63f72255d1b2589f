//! Text from outside (advisory summaries, file contents, paths) printed safely: control
//! characters escaped so a hostile string cannot move the cursor or retitle the terminal, and
//! hints quoted as a POSIX shell needs them so pasting a command runs exactly that command.

use std::fmt::Write;

/// `text` with every control character written as an escape (`\x1b`, `\n`, `\u{85}`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A path, escaped for printing.
pub fn path(path: &std::path::Path) -> String {
    escape(&path.display().to_string())
}

/// One word for a POSIX shell: as is when it holds only safe characters, otherwise in single
/// quotes (a `'` inside written `'\''`). Control characters are escaped first: such a word
/// cannot be pasted faithfully anyway, and must never reach the terminal raw.
pub fn shell(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"%+,-./:=@_".contains(&b));
    if safe {
        return word.to_owned();
    }
    format!("'{}'", escape(word).replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let rows = [
            ("plain text, ünïcode", "plain text, ünïcode"),
            ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
            ("a\nb\r\tc", "a\\nb\\r\\tc"),
            ("del\x7f", "del\\x7f"),
            ("c1\u{85}", "c1\\u{85}"),
        ];
        for (text, want) in rows {
            assert_eq!(escape(text), want, "{text:?}");
        }
    }

    #[test]
    fn shell_words() {
        let rows = [
            ("1.22.10", "1.22.10"),
            ("/home/ana/api", "/home/ana/api"),
            ("/tmp/my project", "'/tmp/my project'"),
            ("it's", "'it'\\''s'"),
            ("$(rm -rf ~)", "'$(rm -rf ~)'"),
            ("", "''"),
            ("a\x1bb", "'a\\x1bb'"),
        ];
        for (word, want) in rows {
            assert_eq!(shell(word), want, "{word:?}");
        }
    }
}
