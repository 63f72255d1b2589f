//! Text from outside (file contents, index fields, paths, environment values) printed safely.
//!
//! A repository can ship a go.mod whose toolchain line holds `ESC ] 0 ; ... BEL`; printed raw, the
//! cd hook would retitle the terminal or clear the screen. Like git's `core.quotePath` and
//! ripgrep, every such character is shown as an escape (`\x1b`, `\u{202e}`) instead. Hints show
//! commands to paste, so what came from outside is quoted the way a POSIX shell (and fish) reads
//! it: a folder named `x;touch${IFS}PWNED;#` stays one argument.

use std::borrow::Cow;
use std::fmt::Write;

/// True for characters that must never reach a terminal raw: C0 and C1 controls, DEL, and the
/// bidirectional overrides that make text read differently from what it is ("trojan source").
fn is_unsafe(c: char, keep_lines: bool) -> bool {
    if keep_lines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_with(text: &str, keep_lines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c, keep_lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c, keep_lines) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// One line for a person: every control character escaped, newlines and tabs included, so a
/// value can neither drive the terminal nor forge a line of its own.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// Several lines for a person (a message, a script on stdout): newlines and tabs kept, every
/// other control character escaped.
pub fn escape_keeping_lines(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

/// At most `max` characters of `text`, with `…` and the count of what was left out when cut:
/// a 16 MiB go.mod line must not become a 16 MiB error message.
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text.len() - cut;
            Cow::Owned(format!("{}… ({rest} more bytes)", &text[..cut]))
        }
    }
}

/// One argument of a command shown in a hint, quoted as `sh`, bash, zsh and fish all read it:
/// left bare when made only of characters no shell treats specially, else single-quoted with
/// each `'` written `'\''`.
pub fn quote(arg: &str) -> Cow<'_, str> {
    let plain = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '_' | '-' | '.' | '/' | ',' | ':' | '+' | '=' | '@' | '%')
    };
    if !arg.is_empty() && arg.chars().all(plain) {
        return Cow::Borrowed(arg);
    }
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('\'');
    for c in arg.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    Cow::Owned(out)
}

/// A path as one quoted argument (lossy for names that are not UTF-8).
pub fn quote_path(path: &std::path::Path) -> String {
    quote(&path.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let rows = [
            ("go1.22.4", "go1.22.4"),
            ("go1.22.4-\x1b]0;pwned\x07", "go1.22.4-\\x1b]0;pwned\\x07"),
            ("a\nb\tc\r", "a\\x0ab\\x09c\\x0d"),
            ("del\x7f", "del\\x7f"),
            ("c1\u{9b}2J", "c1\\u{9b}2J"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("/home/ana/café", "/home/ana/café"),
        ];
        for (text, want) in rows {
            assert_eq!(escape(text), want, "{text:?}");
        }
        assert_eq!(escape_keeping_lines("a\n\tb\x1b[2J"), "a\n\tb\\x1b[2J");
    }

    #[test]
    fn shortens() {
        assert_eq!(shorten("go1.22.4", 10), "go1.22.4");
        assert_eq!(shorten("abcdefghijkl", 10), "abcdefghij… (2 more bytes)");
        assert_eq!(shorten("ééé", 2), "éé… (2 more bytes)");
    }

    #[test]
    fn quotes() {
        let rows = [
            ("1.22.10", "1.22.10"),
            ("/home/ana/api", "/home/ana/api"),
            ("", "''"),
            ("x;touch${IFS}PWNED;#", "'x;touch${IFS}PWNED;#'"),
            ("go1.22.4-$(rm -rf ~)", "'go1.22.4-$(rm -rf ~)'"),
            ("it's", "'it'\\''s'"),
            ("a b", "'a b'"),
            ("`id`", "'`id`'"),
            ("~/x", "'~/x'"),
            ("*", "'*'"),
        ];
        for (arg, want) in rows {
            assert_eq!(quote(arg), want, "{arg:?}");
        }
    }

    /// What a real shell makes of a quoted argument: exactly the argument, never a command.
    #[cfg(unix)]
    #[test]
    fn quoted_arguments_survive_sh() {
        for arg in [
            "x;touch${IFS}PWNED;#",
            "$(echo hi)",
            "it's",
            "a  b",
            "\\n",
            "`id`",
            "*",
        ] {
            let out = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(format!("printf %s {}", quote(arg)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), arg);
        }
    }
}
