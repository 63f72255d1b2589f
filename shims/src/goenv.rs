//! The Go settings that change which toolchain runs (GOTOOLCHAIN, GOWORK), read where Go reads
//! them: the environment when non-empty, then the user's `go env -w` file.
//!
//! The toolchain's own `$GOROOT/go.env` is not read: release builds ship `GOTOOLCHAIN=auto`
//! there, which has no effect on selection, and the shim sets `GOTOOLCHAIN=local` anyway.

use std::path::{Path, PathBuf};

/// Where a setting's value came from, for the reason text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Environment,
    /// The go env file and the 1-based line.
    File(PathBuf, usize),
}

/// A setting's value and origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: Origin,
}

/// GOTOOLCHAIN and GOWORK as Go would see them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoSettings {
    pub gotoolchain: Option<Setting>,
    pub gowork: Option<Setting>,
}

/// Reads both settings, consulting the go env file only when the environment leaves one unset.
pub fn read(getenv: &dyn Fn(&str) -> Option<String>) -> GoSettings {
    let mut settings = GoSettings {
        gotoolchain: from_env(getenv, "GOTOOLCHAIN"),
        gowork: from_env(getenv, "GOWORK"),
    };
    let unset = settings.gotoolchain.is_none() || settings.gowork.is_none();
    if unset && let Some(file) = EnvFile::read(getenv) {
        if settings.gotoolchain.is_none() {
            settings.gotoolchain = file.get("GOTOOLCHAIN");
        }
        if settings.gowork.is_none() {
            settings.gowork = file.get("GOWORK");
        }
    }
    settings
}

/// A variable as Go's `cfg.Getenv` sees it: the environment when non-empty, then the go env
/// file (`file`, read once by the caller, `None` when there is none).
pub fn getenv(
    getenv: &dyn Fn(&str) -> Option<String>,
    file: Option<&EnvFile>,
    key: &str,
) -> Option<Setting> {
    from_env(getenv, key).or_else(|| file.and_then(|f| f.get(key)))
}

fn from_env(getenv: &dyn Fn(&str) -> Option<String>, key: &str) -> Option<Setting> {
    getenv(key).filter(|v| !v.is_empty()).map(|value| Setting {
        value,
        origin: Origin::Environment,
    })
}

/// The go env file's text, read once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFile {
    pub path: PathBuf,
    text: String,
}

/// The go env file is written by `go env -w` and holds a few short lines; anything larger is
/// not one (Go would read it whole; gopin ignores it, as Go ignores a file it cannot read).
const ENV_FILE_CAP: u64 = 1 << 20;

impl EnvFile {
    /// The user's go env file, when there is one that can be read (as in Go, a file that
    /// cannot be read counts as empty).
    pub fn read(getenv: &dyn Fn(&str) -> Option<String>) -> Option<EnvFile> {
        let path = env_file(getenv)?;
        let text = crate::small_file::read(&path, ENV_FILE_CAP).ok()??;
        Some(EnvFile { path, text })
    }

    /// A file with this text, for tests.
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> EnvFile {
        EnvFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The value the file gives `key`, if any and not empty.
    pub fn get(&self, key: &str) -> Option<Setting> {
        lookup(&self.text, key, &self.path)
    }
}

/// The `go env -w` file: `$GOENV` (unless `off`), else `<user config dir>/go/env`.
pub fn env_file(getenv: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    match getenv("GOENV").filter(|v| !v.is_empty()) {
        Some(off) if off == "off" => None,
        Some(file) => Some(PathBuf::from(file)),
        None => user_config_dir(getenv).map(|dir| dir.join("go").join("env")),
    }
}

/// Go's `os.UserConfigDir`. On Unix it refuses a relative `XDG_CONFIG_HOME` (an error in Go,
/// so no go env file at all) rather than falling back to `~/.config`: kept, so gopin finds the
/// file exactly when Go does.
fn user_config_dir(getenv: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let nonempty = |key: &str| getenv(key).filter(|v| !v.is_empty());
    if cfg!(windows) {
        return nonempty("AppData").map(PathBuf::from);
    }
    if cfg!(target_os = "macos") {
        return nonempty("HOME").map(|home| Path::new(&home).join("Library/Application Support"));
    }
    match nonempty("XDG_CONFIG_HOME") {
        Some(dir) if Path::new(&dir).is_absolute() => Some(PathBuf::from(dir)),
        Some(_) => None,
        None => nonempty("HOME").map(|home| Path::new(&home).join(".config")),
    }
}

/// Go's env-file reader: `KEY=value` lines, the value taken verbatim; lines not starting with
/// an uppercase letter or without `=` are skipped; a later line wins. A last value that is empty
/// counts as unset (Go would keep the empty value and so mask `$GOROOT/go.env`; gopin, which
/// hard-codes go.env's defaults instead, lets the default apply).
fn lookup(text: &str, key: &str, file: &Path) -> Option<Setting> {
    let mut found = None;
    for (index, line) in text.split('\n').enumerate() {
        if !line.starts_with(|c: char| c.is_ascii_uppercase()) {
            continue;
        }
        if let Some((k, value)) = line.split_once('=')
            && k == key
        {
            found = Some(Setting {
                value: value.to_owned(),
                origin: Origin::File(file.to_owned(), index + 1),
            });
        }
    }
    found.filter(|s| !s.value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn environment_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env");
        std::fs::write(
            &file,
            "GOPROXY=off\nGOTOOLCHAIN=go1.23.0+auto\nGOWORK=off\n",
        )
        .unwrap();
        let goenv = file.to_str().unwrap();

        let both = read(&env(&[("GOENV", goenv), ("GOTOOLCHAIN", "local")]));
        assert_eq!(
            both.gotoolchain.unwrap(),
            Setting {
                value: "local".into(),
                origin: Origin::Environment
            }
        );
        assert_eq!(
            both.gowork.unwrap(),
            Setting {
                value: "off".into(),
                origin: Origin::File(file.clone(), 3)
            }
        );

        // An empty variable falls through to the file, as in Go.
        let empty = read(&env(&[("GOENV", goenv), ("GOTOOLCHAIN", "")]));
        assert_eq!(
            empty.gotoolchain.unwrap().origin,
            Origin::File(file.clone(), 2)
        );

        let off = read(&env(&[("GOENV", "off")]));
        assert_eq!(off, GoSettings::default());
    }

    #[test]
    fn default_file_location_and_odd_lines() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join(".config/go/env");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(
            &file,
            "# comment\n gotoolchain=x\nGOTOOLCHAIN=go1.1\nGOTOOLCHAIN=go1.22.1\n",
        )
        .unwrap();
        let home_str = home.path().to_str().unwrap();
        let got = read(&env(&[("HOME", home_str)]));
        if cfg!(target_os = "linux") {
            assert_eq!(
                got.gotoolchain.unwrap(),
                Setting {
                    value: "go1.22.1".into(),
                    origin: Origin::File(file, 4)
                }
            );
        }
        let missing = read(&env(&[("HOME", "/nonexistent-gopin-home")]));
        assert_eq!(missing, GoSettings::default());
    }

    #[test]
    fn any_variable_from_the_environment_then_the_file() {
        let file = EnvFile::from_text(
            "/cfg/go/env",
            "GOPROXY=https://corp.example/proxy\nGOSUMDB=\nGOFLAGS=-mod=mod\n",
        );
        let get = env(&[("GOSUMDB", "off"), ("GOPROXY", "")]);
        assert_eq!(
            getenv(&get, Some(&file), "GOPROXY").unwrap(),
            Setting {
                value: "https://corp.example/proxy".into(),
                origin: Origin::File("/cfg/go/env".into(), 1)
            }
        );
        assert_eq!(
            getenv(&get, Some(&file), "GOSUMDB").unwrap().origin,
            Origin::Environment
        );
        // Empty in the file: unset.
        assert_eq!(getenv(&env(&[]), Some(&file), "GOSUMDB"), None);
        assert_eq!(getenv(&env(&[]), None, "GOPROXY"), None);
    }

    #[test]
    fn a_relative_xdg_config_home_means_no_file_as_in_go() {
        if cfg!(any(windows, target_os = "macos")) {
            return;
        }
        assert_eq!(
            env_file(&env(&[("XDG_CONFIG_HOME", "rel/cfg"), ("HOME", "/home/u")])),
            None
        );
        assert_eq!(
            env_file(&env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/x/go/env"))
        );
        assert_eq!(
            env_file(&env(&[("HOME", "/home/u")])),
            Some(PathBuf::from("/home/u/.config/go/env"))
        );
        assert_eq!(
            env_file(&env(&[("GOENV", "/etc/goenv"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/etc/goenv"))
        );
    }
}
