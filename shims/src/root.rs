//! gopin's data folder and the layout under it (README: "Configuration", `GOPIN_HOME`).
//!
//! Everything gopin writes lives under one root so that CI caches one folder.

use crate::error::SelectError;
use std::path::{Path, PathBuf};

/// The root folder and the paths inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    path: PathBuf,
}

impl Root {
    pub fn new(path: impl Into<PathBuf>) -> Root {
        Root { path: path.into() }
    }

    /// `GOPIN_HOME` when set and not empty, else the platform's local data folder + `gopin`
    /// (`~/.local/share/gopin` on Linux).
    ///
    /// A relative `GOPIN_HOME` is made absolute against the current directory here, once, so a
    /// repository can never put its own `relhome/shims` on PATH by being the directory gopin
    /// happens to run in; one holding the PATH separator is refused, since it would split PATH.
    pub fn from_env(getenv: &dyn Fn(&str) -> Option<String>) -> Result<Root, SelectError> {
        match getenv("GOPIN_HOME").filter(|v| !v.is_empty()) {
            Some(home) => Root::from_home(&home, &|| std::env::current_dir()),
            None => dirs::data_local_dir()
                .filter(|dir| dir.is_absolute())
                .map(|dir| Root::new(dir.join("gopin")))
                .ok_or(SelectError::NoRoot),
        }
    }

    /// The root a `GOPIN_HOME` value names, made absolute against `cwd`.
    pub fn from_home(
        home: &str,
        cwd: &dyn Fn() -> std::io::Result<PathBuf>,
    ) -> Result<Root, SelectError> {
        let bad = |problem| SelectError::BadHome {
            value: home.to_owned(),
            problem,
        };
        let separator = if cfg!(windows) { ';' } else { ':' };
        if home.contains(separator) {
            return Err(bad(if cfg!(windows) {
                "it holds `;`, which would split PATH when its shims folder is added"
            } else {
                "it holds `:`, which would split PATH when its shims folder is added"
            }));
        }
        if home.chars().any(char::is_control) {
            return Err(bad("it holds control characters"));
        }
        let path = Path::new(home);
        if path.is_absolute() {
            return Ok(Root::new(path));
        }
        let cwd = cwd().map_err(|_| {
            bad("it is relative and the current directory cannot be read to make it absolute")
        })?;
        Ok(Root::new(cwd.join(path)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `versions/`: one complete, verified GOROOT per folder.
    pub fn versions(&self) -> PathBuf {
        self.path.join("versions")
    }

    /// The GOROOT of one version (`versions/go1.22.10`).
    pub fn version_dir(&self, name: &str) -> PathBuf {
        self.versions().join(name)
    }

    /// `shims/`: the links that go first on PATH.
    pub fn shims(&self) -> PathBuf {
        self.path.join("shims")
    }

    /// `downloads/`: verified archives and partial downloads.
    pub fn downloads(&self) -> PathBuf {
        self.path.join("downloads")
    }

    /// `cache/`: the download index last fetched, one file per index URL.
    pub fn cache(&self) -> PathBuf {
        self.path.join("cache")
    }

    /// `default`: the global default version.
    pub fn default_file(&self) -> PathBuf {
        self.path.join("default")
    }

    /// True when `dir` is the GOROOT of an installed version (Go's go.work search stops there).
    pub fn is_version_dir(&self, dir: &Path) -> bool {
        dir.parent() == Some(self.versions().as_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_location() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            }
        };
        let home = Root::from_env(&env(&[("GOPIN_HOME", "/g"), ("HOME", "/h")])).unwrap();
        assert_eq!(home.path(), Path::new("/g"));
        assert_eq!(
            home.version_dir("go1.22.10"),
            Path::new("/g/versions/go1.22.10")
        );
        assert!(home.is_version_dir(Path::new("/g/versions/go1.22.10")));
        assert!(!home.is_version_dir(Path::new("/g/versions/go1.22.10/src")));
        // Empty means unset: the platform's data folder, which is absolute.
        let empty = Root::from_env(&env(&[("GOPIN_HOME", "")]));
        if let Some(data) = dirs::data_local_dir() {
            assert_eq!(empty.unwrap().path(), data.join("gopin"));
        }
    }

    #[cfg(unix)]
    #[test]
    fn gopin_home_values() {
        let cwd = || Ok(PathBuf::from("/work/repo"));
        let gone = || Err(std::io::Error::from(std::io::ErrorKind::NotFound));
        let show = |home: &str, cwd: &dyn Fn() -> std::io::Result<PathBuf>| match Root::from_home(
            home, cwd,
        ) {
            Ok(root) => root.path().display().to_string(),
            Err(e) => format!("error: {}", e.report().details.join("; ")),
        };
        let rows = [
            ("/abs/gopin", "/abs/gopin"),
            ("relhome", "/work/repo/relhome"),
            ("./a/../b", "/work/repo/./a/../b"),
            (
                "/a:/b",
                "error: it holds `:`, which would split PATH when its shims folder is added",
            ),
            (
                "rel:x",
                "error: it holds `:`, which would split PATH when its shims folder is added",
            ),
            ("/a\nb", "error: it holds control characters"),
        ];
        for (home, want) in rows {
            assert_eq!(show(home, &cwd), want, "{home:?}");
        }
        assert!(show("rel", &gone).starts_with("error: it is relative"));
        assert_eq!(show("/abs", &gone), "/abs");
        for (home, _) in rows {
            assert!(
                Path::new(&show(home, &cwd)).is_absolute() || show(home, &cwd).starts_with("error")
            );
        }
    }
}
