//! The module `golang.org/toolchain`: how a Go release and a platform name a module version
//! (`v0.0.1-go1.22.10.linux-amd64`), and reading a proxy's `@v/list` back into releases. Pure.
//!
//! A proxy is a stranger: every line of its list is checked before it can become a version, a
//! file name or a path (a toolchain name with no `/`, `\`, whitespace or control characters,
//! a platform of plain letters and digits).

use crate::platform::Platform;
use gopin_shim::Version;

/// The module path.
pub const MODULE: &str = "golang.org/toolchain";

/// `v0.0.1-go1.22.10.linux-amd64` for go1.22.10 on linux-amd64.
pub fn module_version(version: &Version, platform: &Platform) -> String {
    format!("v0.0.1-{version}.{}-{}", platform.os, platform.goarch())
}

/// A module version read back: the Go release and its `goos`, `goarch`. `None` for anything
/// that is not exactly that shape.
pub fn parse_module_version(text: &str) -> Option<(Version, String, String)> {
    let rest = text.strip_prefix("v0.0.1-")?;
    let (name, platform) = rest.rsplit_once('.')?;
    let (goos, goarch) = platform.split_once('-')?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    if !plain(goos) || !plain(goarch) {
        return None;
    }
    let version = Version::parse_toolchain(name)?;
    // Only official release names: a suffix would be a custom build no proxy may serve as Go's.
    if !version.suffix().is_empty() || version.to_string() != name {
        return None;
    }
    Some((version, goos.to_owned(), goarch.to_owned()))
}

/// The releases an `@v/list` body offers for `platform`, oldest first, each once; lines that
/// are not well-formed module versions are skipped.
pub fn releases_for(list: &str, platform: &Platform) -> Vec<Version> {
    let mut found: Vec<Version> = list
        .lines()
        .map(str::trim)
        .filter_map(parse_module_version)
        .filter(|(_, goos, goarch)| *goos == platform.os && goarch == platform.goarch())
        .map(|(version, _, _)| version)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Whether a release was built by cmd/distpack, whose module form is exactly its archive
/// rewritten ([`module_form_name`]): go1.21.0 and later. Older modules on the proxy were
/// backfilled from other builds, so their archives cannot be compared with the database.
pub fn built_by_distpack(version: &Version) -> bool {
    let first = Version::parse_toolchain("go1.21.0").expect("a valid version");
    version.go_cmp(&first) != std::cmp::Ordering::Less
}

/// The zip name that a file of a release archive has in the module form, as cmd/distpack makes
/// it, or `None` when the module form leaves it out. `relative` is the name below the archive's
/// `go/` folder (`src/go.mod`); the module form drops the top-level `api/`, `doc/`, `misc/` and
/// `test/` folders, renames every `go.mod` to `_go.mod` (a module may not hold other modules)
/// and puts `golang.org/toolchain@<module version>/` in front.
pub fn module_form_name(module_version: &str, relative: &str) -> Option<String> {
    let top = relative.split('/').next().unwrap_or("");
    if relative.len() > top.len() && matches!(top, "api" | "doc" | "misc" | "test") {
        return None;
    }
    let renamed = match relative.strip_suffix("go.mod") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{dir}_go.mod"),
        _ => relative.to_owned(),
    };
    Some(format!("{MODULE}@{module_version}/{renamed}"))
}

/// The file name a downloaded module zip is kept under in `downloads/` (one plain name).
pub fn zip_file_name(module_version: &str) -> String {
    format!("golang.org-toolchain@{module_version}.zip")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse_toolchain(text).unwrap()
    }

    #[test]
    fn module_versions() {
        let linux = Platform::new("linux", "amd64");
        assert_eq!(
            module_version(&v("go1.22.10"), &linux),
            "v0.0.1-go1.22.10.linux-amd64"
        );
        let arm = Platform::new("linux", "arm");
        assert_eq!(
            module_version(&v("go1.21rc2"), &arm),
            "v0.0.1-go1.21rc2.linux-arm"
        );
        assert_eq!(
            module_version(&v("go1.20"), &linux),
            "v0.0.1-go1.20.linux-amd64"
        );
        let rows = [
            (
                "v0.0.1-go1.22.10.linux-amd64",
                Some(("go1.22.10", "linux", "amd64")),
            ),
            (
                "v0.0.1-go1.21rc2.windows-arm64",
                Some(("go1.21rc2", "windows", "arm64")),
            ),
            (
                "v0.0.1-go1.20.darwin-amd64",
                Some(("go1.20", "darwin", "amd64")),
            ),
            ("v0.0.1-go1.22.10.linux-amd64 ", None),
            ("v0.0.2-go1.22.10.linux-amd64", None),
            ("v0.0.1-go1.22.10-custom.linux-amd64", None),
            ("v0.0.1-go1.22.10.linux-../../x", None),
            ("v0.0.1-go1.22.10.linux/amd64", None),
            ("v0.0.1-go1.22.10.LINUX-amd64", None),
            ("v0.0.1-go1.22.x.linux-amd64", None),
            ("v0.0.1-go1.22.10.linux-amd64\u{1b}", None),
            ("", None),
        ];
        for (text, want) in rows {
            let got = parse_module_version(text).map(|(v, os, arch)| (v.to_string(), os, arch));
            let want = want.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn module_form_of_release_files() {
        let mv = "v0.0.1-go1.22.10.linux-amd64";
        let p = "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/";
        let rows: &[(&str, Option<&str>)] = &[
            ("VERSION", Some("VERSION")),
            ("bin/go", Some("bin/go")),
            ("go.mod", Some("_go.mod")),
            ("src/go.mod", Some("src/_go.mod")),
            ("src/cmd/go.mod", Some("src/cmd/_go.mod")),
            ("src/go.mod.txt", Some("src/go.mod.txt")),
            ("src/notgo.mod", Some("src/notgo.mod")),
            (
                "src/cmd/go/testdata/x_go.mod",
                Some("src/cmd/go/testdata/x_go.mod"),
            ),
            ("api/go1.txt", None),
            ("doc/go_spec.html", None),
            ("misc/wasm/go_js_wasm_exec", None),
            ("test/fixedbugs/go.mod", None),
            ("test/a/b/c.go", None),
            // Only the top-level folders go, and only as folders.
            ("src/test/x.go", Some("src/test/x.go")),
            ("src/cmd/api/main.go", Some("src/cmd/api/main.go")),
            ("api", Some("api")),
            ("apis/x", Some("apis/x")),
            ("lib/time/zoneinfo.zip", Some("lib/time/zoneinfo.zip")),
        ];
        for (relative, want) in rows {
            let got = module_form_name(mv, relative);
            assert_eq!(got, want.map(|w| format!("{p}{w}")), "{relative}");
        }
        let distpack = |name: &str| built_by_distpack(&v(name));
        assert!(distpack("go1.21.0"));
        assert!(distpack("go1.22.10"));
        assert!(distpack("go1.23rc1"));
        assert!(!distpack("go1.21rc2"));
        assert!(!distpack("go1.20.14"));
        assert!(!distpack("go1.9"));
    }

    #[test]
    fn lists_filter_to_the_platform() {
        let list = "v0.0.1-go1.22.10.linux-amd64\nv0.0.1-go1.22.10.darwin-arm64\nv0.0.1-go1.21.13.linux-amd64\n\
                    garbage\nv0.0.1-go1.23rc1.linux-amd64\nv0.0.1-go1.22.10.linux-amd64\nv0.0.1-go1.21.13.linux-arm\n";
        let names: Vec<String> = releases_for(list, &Platform::new("linux", "amd64"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, ["go1.21.13", "go1.22.10", "go1.23rc1"]);
        let arm: Vec<String> = releases_for(list, &Platform::new("linux", "arm"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(arm, ["go1.21.13"]);
        assert_eq!(
            zip_file_name("v0.0.1-go1.22.10.linux-amd64"),
            "golang.org-toolchain@v0.0.1-go1.22.10.linux-amd64.zip"
        );
        assert!(
            crate::file_name::problem(&zip_file_name("v0.0.1-go1.22.10.linux-amd64")).is_none()
        );
    }
}
