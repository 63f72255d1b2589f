//! gopin's data folder and the layout under it (PRODUCT.md section 2).
//!
//! Everything gopin writes lives under one root so that CI caches one folder.

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

    /// `GOPIN_HOME` when set, else the platform's local data folder + `gopin`.
    pub fn from_env(getenv: &dyn Fn(&str) -> Option<String>) -> Option<Root> {
        let nonempty = |key: &str| getenv(key).filter(|v| !v.is_empty());
        if let Some(home) = nonempty("GOPIN_HOME") {
            return Some(Root::new(home));
        }
        let data = if cfg!(windows) {
            nonempty("LOCALAPPDATA").map(PathBuf::from)
        } else if cfg!(target_os = "macos") {
            nonempty("HOME").map(|h| Path::new(&h).join("Library/Application Support"))
        } else {
            match nonempty("XDG_DATA_HOME") {
                Some(dir) if Path::new(&dir).is_absolute() => Some(PathBuf::from(dir)),
                _ => nonempty("HOME").map(|h| Path::new(&h).join(".local/share")),
            }
        };
        data.map(|dir| Root::new(dir.join("gopin")))
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
        if cfg!(target_os = "linux") {
            let xdg = Root::from_env(&env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])).unwrap();
            assert_eq!(xdg.path(), Path::new("/x/gopin"));
            let relative = Root::from_env(&env(&[("XDG_DATA_HOME", "x"), ("HOME", "/h")])).unwrap();
            assert_eq!(relative.path(), Path::new("/h/.local/share/gopin"));
            let empty = Root::from_env(&env(&[("GOPIN_HOME", ""), ("HOME", "/h")])).unwrap();
            assert_eq!(empty.path(), Path::new("/h/.local/share/gopin"));
        }
        assert_eq!(Root::from_env(&env(&[])), None);
    }
}
