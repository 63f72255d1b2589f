//! The GOTOOLCHAIN grammar: `auto | path | MIN | MIN+auto | MIN+path`, MIN `local` or a
//! toolchain name, read exactly as Go's `toolchain.Select` reads it.

use crate::version::Version;

/// What a GOTOOLCHAIN value asks of selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoToolchain {
    /// `local`, `auto`, `path`, `local+auto`, `local+path` or empty: selection goes on as usual.
    NoEffect,
    /// A plain toolchain name: run exactly this, whatever the project files say (as Go does).
    Exact(Version),
    /// `goX+auto` or `goX+path`: the project's choice, raised to goX when older or missing.
    Floor(Version),
}

/// Parses a GOTOOLCHAIN value; the error says what is wrong with it.
pub fn parse(value: &str) -> Result<GoToolchain, String> {
    match value {
        "" | "local" | "auto" | "path" | "local+auto" | "local+path" => {
            return Ok(GoToolchain::NoEffect);
        }
        _ => {}
    }
    let (min, mode) = match value.split_once('+') {
        Some((min, mode)) => (min, Some(mode)),
        None => (value, None),
    };
    if let Some(mode) = mode
        && mode != "auto"
        && mode != "path"
    {
        return Err("only the suffixes +auto and +path are allowed".to_owned());
    }
    let version = Version::parse_toolchain(min).ok_or_else(|| {
        format!("{min:?} is not a toolchain name (expected e.g. go1.22.3, local or auto)")
    })?;
    if version.is_lang_only() {
        return Err(format!(
            "{min} is a language version, not a toolchain version (the first release is {})",
            version.first_release()
        ));
    }
    Ok(match mode {
        None => GoToolchain::Exact(version),
        Some(_) => GoToolchain::Floor(version),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_table() {
        let rows: &[(&str, Result<&str, &str>)] = &[
            ("", Ok("none")),
            ("local", Ok("none")),
            ("auto", Ok("none")),
            ("path", Ok("none")),
            ("local+auto", Ok("none")),
            ("local+path", Ok("none")),
            ("go1.22.10", Ok("exact go1.22.10")),
            ("go1.21rc2", Ok("exact go1.21rc2")),
            ("go1.20", Ok("exact go1.20")),
            ("go1.22.4-custom", Ok("exact go1.22.4-custom")),
            ("go1.23.0+auto", Ok("floor go1.23.0")),
            ("go1.23.0+path", Ok("floor go1.23.0")),
            ("go1.22", Err("go1.22 is a language version")),
            ("go1.22+auto", Err("go1.22 is a language version")),
            ("1.22.10", Err("\"1.22.10\" is not a toolchain name")),
            ("go1.22.10+always", Err("only the suffixes")),
            ("local+local", Err("only the suffixes")),
            ("go1.22.10+", Err("only the suffixes")),
            ("+auto", Err("\"\" is not a toolchain name")),
            ("go1.22.10/x", Err("is not a toolchain name")),
            ("Auto", Err("is not a toolchain name")),
        ];
        for &(value, want) in rows {
            let got = parse(value).map(|g| match g {
                GoToolchain::NoEffect => "none".to_owned(),
                GoToolchain::Exact(v) => format!("exact {v}"),
                GoToolchain::Floor(v) => format!("floor {v}"),
            });
            match (want, &got) {
                (Ok(want), Ok(got)) => assert_eq!(got, want, "{value:?}"),
                (Err(part), Err(message)) => {
                    assert!(message.contains(part), "{value:?}: {message}")
                }
                _ => panic!("{value:?}: got {got:?}, want {want:?}"),
            }
        }
    }
}
