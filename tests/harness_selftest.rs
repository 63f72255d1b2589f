//! The harness every suite starts its processes with (`tests/support/harness.rs`): a child
//! sees none of the scrubbed variables of the test process's environment, sees Go's network
//! turned off unless the test says otherwise, and the scrub list keeps up with the variables
//! gopin reads. The parent's environment is passed in, so no test edits its own process's.

mod support;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::Path;
use support::harness::{Run, Scenario};

/// A machine's environment at its worst: proxies, another trust store, Go's network on,
/// gopin's own settings, plus what the tests need (PATH) and a bystander (KEPT).
fn hostile_parent() -> Vec<(OsString, OsString)> {
    [
        ("PATH", "/usr/bin:/bin"),
        ("KEPT", "yes"),
        ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ("https_proxy", "http://127.0.0.1:9"),
        ("ALL_PROXY", "socks5://127.0.0.1:9"),
        ("NO_PROXY", "*"),
        ("SSL_CERT_FILE", "/nonexistent/ca.pem"),
        ("GOPROXY", "https://proxy.golang.org,direct"),
        ("GOSUMDB", "sum.golang.org"),
        ("GOENV", "/nonexistent/go/env"),
        ("GOFLAGS", "-mod=mod"),
        ("GOTOOLCHAIN", "go1.99.0"),
        ("GOPIN_OFFLINE", "1"),
        ("GOPIN_TOOLCHAIN", "1.21.0"),
        ("GOPIN_HOME", "/nonexistent/gopin"),
        ("PWD", "/nonexistent/pwd"),
        ("COLUMNS", "20"),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into()))
    .collect()
}

/// What `env` prints when started by `scenario` under `parent`: the environment the child
/// really got.
fn child_environment(
    scenario: &Scenario,
    parent: Vec<(OsString, OsString)>,
) -> BTreeMap<String, String> {
    let mut cmd = scenario.command_with_parent("env", parent);
    let run = Run::of(&mut cmd);
    run.assert_code(0);
    run.stdout
        .lines()
        .map(|line| {
            let (k, v) = line.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

#[test]
fn a_child_sees_no_scrubbed_variable_and_go_network_off() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("gopin");
    let env = child_environment(&Scenario::new(&home, dir.path()), hostile_parent());

    for scrubbed in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "GOFLAGS",
        "GOTOOLCHAIN",
        "GOPIN_OFFLINE",
        "GOPIN_TOOLCHAIN",
        "COLUMNS",
    ] {
        assert_eq!(env.get(scrubbed), None, "{scrubbed} leaked: {env:#?}");
    }
    for (key, value) in [
        ("GOPROXY", "off"),
        ("GOSUMDB", "off"),
        ("GOENV", "off"),
        ("GOPIN_HOME", home.to_str().unwrap()),
        ("PWD", dir.path().to_str().unwrap()),
        ("PATH", "/usr/bin:/bin"),
        ("KEPT", "yes"),
    ] {
        assert_eq!(env.get(key).map(String::as_str), Some(value), "{env:#?}");
    }
}

#[test]
fn the_test_s_own_settings_win_over_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Scenario::new(dir.path(), dir.path())
        .env("GOPROXY", "http://127.0.0.1:1/")
        .env_remove("GOSUMDB")
        .env("HTTPS_PROXY", "http://127.0.0.1:2/");
    let env = child_environment(&scenario, hostile_parent());
    assert_eq!(env["GOPROXY"], "http://127.0.0.1:1/");
    assert_eq!(env.get("GOSUMDB"), None, "removed, not defaulted");
    assert_eq!(env["GOENV"], "off");
    assert_eq!(env["HTTPS_PROXY"], "http://127.0.0.1:2/");
}

#[test]
fn a_hermetic_child_gets_only_the_harness_s_and_the_test_s_variables() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Scenario::hermetic(dir.path(), dir.path()).env("PATH", "/usr/bin:/bin");
    let env = child_environment(&scenario, hostile_parent());
    let keys: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "GOENV",
            "GOPIN_HOME",
            "GOPIN_PROGRESS",
            "GOPIN_TEST_NO_RETRY_DELAY",
            "GOPROXY",
            "GOSUMDB",
            "PATH",
            "PWD"
        ]
    );
}

/// Every `"GO..."` name in gopin's and the shim's sources (the variables gopin reads, Go's it
/// passes on or reports) is on the scrub list, so a variable added to gopin cannot leak from
/// the machine into the tests.
#[test]
fn the_scrub_list_names_every_go_variable_gopin_reads() {
    let mut names = BTreeMap::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["src", "shims/src"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for name in quoted_go_names(&text) {
                names.entry(name).or_insert_with(|| file.clone());
            }
        }
    }
    assert!(
        names.contains_key("GOPIN_HOME") && names.contains_key("GOTOOLCHAIN"),
        "the scan finds nothing: {names:?}"
    );
    let missing: Vec<String> = names
        .iter()
        .filter(|(name, _)| !support::scrubbed::VARIABLES.contains(&name.as_str()))
        .map(|(name, file)| format!("{name} (read in {})", file.display()))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "add these to tests/support/scrubbed.rs"
    );
}

/// The `"GO[A-Z0-9_]*"` string literals in `text`.
fn quoted_go_names(text: &str) -> Vec<String> {
    text.match_indices("\"GO")
        .filter_map(|(at, _)| {
            let rest = &text[at + 1..];
            let len =
                rest.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))?;
            (len > 2 && rest[len..].starts_with('"')).then(|| rest[..len].to_owned())
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn quoted_go_names_finds_literals_only() {
    assert_eq!(
        quoted_go_names(r#"var_os("GOPIN_X") + "GO" + "go1.2" + "GOOD news" + x("GOROOT")"#),
        ["GOPIN_X", "GOROOT"]
    );
}
