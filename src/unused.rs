//! Which installed versions are in use, for `gopin uninstall --unused`: the default, the
//! version selected here, and every version a `.go-version`, `.tool-versions`, go.mod or
//! go.work under the given folders selects (`.git`, `vendor` and gopin's own root skipped,
//! links to folders not followed).
//!
//! It errs on the side of keeping: a go.mod governed by a go.work keeps its own version too
//! (someone may build it with `GOWORK=off`), every version on a `.tool-versions` golang line
//! counts (asdf's fallbacks), and a fuzzy spec keeps the newest installed match, which is what
//! it selects.

use gopin_shim::small_file;
use gopin_shim::version_file;
use gopin_shim::{Spec, Version, gomod};
use std::path::{Path, PathBuf};

/// A version in use and where (a file, or a word such as `default`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub version: Version,
    pub by: String,
}

/// The files that name versions under `dir`, and the files that could not be read as such.
pub fn scan(
    dir: &Path,
    skip: &Path,
    installed: &[Version],
    uses: &mut Vec<Use>,
    problems: &mut Vec<String>,
) {
    let mut stack: Vec<PathBuf> = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            problems.push(format!("cannot read the folder {}", dir.display()));
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if name != ".git" && name != "vendor" && path != skip {
                    stack.push(path);
                }
                continue;
            }
            let Some(name) = name.to_str() else { continue };
            if !matches!(
                name,
                ".go-version" | ".tool-versions" | "go.mod" | "go.work"
            ) {
                continue;
            }
            match file_uses(&path, name, installed) {
                Ok(found) => uses.extend(found.into_iter().map(|version| Use {
                    version,
                    by: path.display().to_string(),
                })),
                Err(why) => problems.push(format!("{}: {why}", path.display())),
            }
        }
    }
}

/// The versions one file selects.
fn file_uses(path: &Path, name: &str, installed: &[Version]) -> Result<Vec<Version>, String> {
    // The one reader of version files: regular files only, opened without blocking, capped.
    let cap = if name.starts_with('.') {
        small_file::SPEC_FILE_CAP
    } else {
        small_file::MOD_FILE_CAP
    };
    let text = small_file::read(path, cap)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "not a file".to_owned())?;
    Ok(match name {
        ".go-version" => match version_file::parse_go_version(&text) {
            Ok(found) => resolve(&found.spec, installed).into_iter().collect(),
            Err(_) => return Err("not a .go-version".to_owned()),
        },
        ".tool-versions" => tool_versions(&text, installed),
        _ => {
            let lines =
                gomod::scan(&text).map_err(|e| format!("line {}: {}", e.number, e.problem))?;
            gomod::required_toolchain(&lines)
                .map_err(|e| format!("line {}: {}", e.number, e.problem))?
                .map(|(version, _, _)| version)
                .into_iter()
                .collect()
        }
    })
}

/// Every version on the golang line (the first, then asdf's fallbacks).
fn tool_versions(text: &str, installed: &[Version]) -> Vec<Version> {
    let Some(line) = text.lines().find(|line| {
        let code = line.split_once('#').map_or(*line, |(before, _)| before);
        matches!(code.split_whitespace().next(), Some("golang" | "go"))
    }) else {
        return Vec::new();
    };
    let code = line.split_once('#').map_or(line, |(before, _)| before);
    code.split_whitespace()
        .skip(1)
        .filter_map(Spec::parse)
        .filter_map(|spec| resolve(&spec, installed))
        .collect()
}

/// The installed version a spec selects: itself when exact, the newest match when fuzzy.
pub fn resolve(spec: &Spec, installed: &[Version]) -> Option<Version> {
    match spec {
        Spec::Exact(v) => Some(v.clone()),
        Spec::Fuzzy(fuzzy) => fuzzy.newest(installed).cloned(),
        Spec::System => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str) -> Version {
        Version::parse_toolchain(name).unwrap()
    }

    #[test]
    fn every_kind_of_file_under_a_tree() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("a/.go-version", "1.22.4\n");
        write("b/.tool-versions", "nodejs 20\ngolang 1.23.2 1.21.13\n");
        write("c/go.mod", "module c\n\ngo 1.22.1\n\ntoolchain go1.22.10\n");
        write("c/sub/go.mod", "module s\n\ngo 1.20\n");
        write("d/.go-version", "1.24\n");
        write("e/.git/go.mod", "module x\n\ngo 1.19.1\n");
        write("e/vendor/x/go.mod", "module y\n\ngo 1.18.1\n");
        write(
            "root/versions/go1.17.1/src/go.mod",
            "module std\n\ngo 1.17\n",
        );
        write("f/go.work", "go 1.25.0\ntoolchain go1.25.3\n");
        write("g/.go-version", "nonsense\n");
        let installed = [v("go1.24.1"), v("go1.24.5"), v("go1.23.2")];
        let (mut uses, mut problems) = (Vec::new(), Vec::new());
        scan(
            dir.path(),
            &dir.path().join("root"),
            &installed,
            &mut uses,
            &mut problems,
        );
        let mut names: Vec<String> = uses.iter().map(|u| u.version.to_string()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "go1.20",
                "go1.21.13",
                "go1.22.10",
                "go1.22.4",
                "go1.23.2",
                "go1.24.5",
                "go1.25.3"
            ]
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].ends_with("g/.go-version: not a .go-version"));
    }
}
