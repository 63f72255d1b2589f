//! The os/arch pair whose archives gopin installs, in go.dev's names.
//!
//! go.dev publishes GOARCH `arm` as `armv6l` and ships `.zip` archives for Windows; the rest of
//! the names are Go's GOOS/GOARCH. `--os` and `--arch` override the running machine.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
}

impl Platform {
    /// The machine gopin runs on.
    pub fn current() -> Platform {
        Platform::new(go_os(std::env::consts::OS), go_arch(std::env::consts::ARCH))
    }

    /// A platform from Go names; `arm` becomes go.dev's `armv6l`.
    pub fn new(os: &str, arch: &str) -> Platform {
        let arch = if arch == "arm" { "armv6l" } else { arch };
        Platform {
            os: os.to_owned(),
            arch: arch.to_owned(),
        }
    }

    /// The current platform with either part replaced.
    pub fn with_overrides(os: Option<&str>, arch: Option<&str>) -> Platform {
        let here = Platform::current();
        Platform::new(os.unwrap_or(&here.os), arch.unwrap_or(&here.arch))
    }

    /// `.zip` on Windows, `.tar.gz` elsewhere.
    /// GOARCH as Go itself names it (`arm`, not go.dev's `armv6l`): module versions use it.
    pub fn goarch(&self) -> &str {
        if self.arch == "armv6l" {
            "arm"
        } else {
            &self.arch
        }
    }

    pub fn archive_suffix(&self) -> &'static str {
        if self.os == "windows" {
            ".zip"
        } else {
            ".tar.gz"
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.os, self.arch)
    }
}

fn go_os(rust: &str) -> &str {
    match rust {
        "macos" => "darwin",
        other => other,
    }
}

fn go_arch(rust: &str) -> &str {
    match rust {
        "x86_64" => "amd64",
        "x86" => "386",
        "aarch64" => "arm64",
        "arm" => "armv6l",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "loongarch64" => "loong64",
        "mips64" if cfg!(target_endian = "little") => "mips64le",
        "mips" if cfg!(target_endian = "little") => "mipsle",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_go_dev() {
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_arch("aarch64"), "arm64");
        assert_eq!(go_arch("arm"), "armv6l");
        assert_eq!(go_os("macos"), "darwin");
        assert_eq!(Platform::new("linux", "arm").arch, "armv6l");
        assert_eq!(Platform::new("windows", "amd64").archive_suffix(), ".zip");
        assert_eq!(Platform::new("linux", "amd64").to_string(), "linux-amd64");
    }
}
