//! Names from outside (an index's `filename`, a proxy's version) that become paths.
//!
//! A mirror that lists `"filename": "../../.bashrc"` or `"/etc/passwd"` must not make gopin write,
//! or delete, anything outside the folder it meant: a name is used only when it is one plain
//! file name.

/// What makes `name` unusable as one file name inside a folder; `None` when it is fine.
pub fn problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("it is empty")
    } else if name.contains(['/', '\\']) {
        Some("it holds a path separator (`/` or `\\`)")
    } else if name == "." || name == ".." || name.starts_with("..") {
        Some("it starts with `..`")
    } else if name.chars().any(char::is_control) {
        Some("it holds control characters")
    } else if name.contains(':') && cfg!(windows) {
        Some("it holds `:` (a drive or stream name on Windows)")
    } else if name.len() > 200 {
        Some("it is longer than 200 bytes")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_only() {
        let good = [
            "go1.22.10.linux-amd64.tar.gz",
            "go1.21rc2.windows-amd64.zip",
            "go1.4.2.darwin-amd64-osx10.8.tar.gz",
            ".hidden.tar.gz",
        ];
        for name in good {
            assert_eq!(problem(name), None, "{name}");
        }
        let bad = [
            "",
            ".",
            "..",
            "../go1.22.10.linux-amd64.tar.gz",
            "..go1.22.tar.gz",
            "/etc/passwd",
            "sub/go.tar.gz",
            "C:\\evil.zip",
            "a\\..\\b.tar.gz",
            "go1.22.10\n.tar.gz",
            "go\x1b[2J.tar.gz",
        ];
        for name in bad {
            assert!(problem(name).is_some(), "{name:?} must be refused");
        }
        assert!(problem(&"x".repeat(201)).is_some());
    }
}
