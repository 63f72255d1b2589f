//! The CLI as a user meets it: output, errors and exit codes of current, why, which, default,
//! pin and list, run as a real process against a temporary root and project trees. Help text
//! is product, so every `--help` is a snapshot.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::fake_go::{FakeRelease, index_json};
use support::harness::Scenario;

const INDEX_2020: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/go-dl-index-2020.json"
);

/// A temporary root and a folder for projects.
struct Sandbox {
    dir: tempfile::TempDir,
    index_url: String,
}

impl Sandbox {
    /// A sandbox reading the real 2020 index; downloads point at a local folder, so nothing
    /// can ever reach the internet.
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
            index_url: format!("file://{INDEX_2020}"),
        }
    }

    /// A sandbox whose index and downloads are a local mirror of fake releases.
    fn with_mirror(versions: &[&str]) -> Sandbox {
        let mut sb = Sandbox::new();
        let releases: Vec<FakeRelease> = versions
            .iter()
            .map(|v| FakeRelease::new(v, 3, 1000))
            .collect();
        std::fs::create_dir_all(sb.path().join("mirror")).unwrap();
        for release in &releases {
            std::fs::write(
                sb.path().join("mirror").join(&release.filename),
                &release.bytes,
            )
            .unwrap();
        }
        let refs: Vec<&FakeRelease> = releases.iter().collect();
        let index = sb.write("mirror/index.json", &index_json(&refs));
        sb.index_url = format!("file://{}", index.display());
        sb
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn root(&self) -> PathBuf {
        self.path().join("root")
    }

    /// Writes a file (creating folders) and returns its path.
    fn write(&self, relative: &str, content: &str) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// A fake installed toolchain whose go prints its version.
    fn install_fake(&self, name: &str) -> PathBuf {
        let goroot = self.root().join("versions").join(name);
        let go = goroot.join("bin/go");
        std::fs::create_dir_all(go.parent().unwrap()).unwrap();
        std::fs::write(
            &go,
            format!("#!/bin/sh\necho go version {name} linux/amd64\n"),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        std::fs::write(
            goroot.join("VERSION"),
            format!("{name}\ntime 2024-01-01T00:00:00Z\n"),
        )
        .unwrap();
        goroot
    }

    /// `gopin` run in `cwd` (relative).
    fn gopin(&self, cwd: &str, args: &[&str]) -> Command {
        let dir = self.path().join(cwd);
        std::fs::create_dir_all(&dir).unwrap();
        Scenario::new(self.root(), &dir)
            .env("GOPIN_INDEX_URL", &self.index_url)
            .env(
                "GOPIN_DOWNLOAD_URL",
                format!("file://{}/mirror/", self.path().display()),
            )
            .gopin(args)
    }

    /// Runs and returns (exit code, stdout, stderr) with the sandbox path replaced by `[T]`.
    fn run(&self, cwd: &str, args: &[&str]) -> (i32, String, String) {
        let out = self.gopin(cwd, args).output().unwrap();
        let clean = |bytes: &[u8]| {
            String::from_utf8_lossy(bytes).replace(self.path().to_str().unwrap(), "[T]")
        };
        (
            out.status.code().unwrap_or(-1),
            clean(&out.stdout),
            clean(&out.stderr),
        )
    }
}

const GO_MOD: &str = "module example.com/p\n\ngo 1.22\n\ntoolchain go1.22.4\n";

#[test]
fn current_json_follows_go_mod_go_work_and_gowork() {
    let sb = Sandbox::new();
    sb.write("ws/p/go.mod", GO_MOD);
    let json = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = sb.gopin("ws/p", args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let module = json(&["current", "--json"], &[]);
    assert_eq!(module["version"], "go1.22.4");
    assert_eq!(module["source"], "go.mod");
    assert_eq!(
        module["path"],
        sb.path().join("ws/p/go.mod").to_str().unwrap()
    );
    assert_eq!(module["line"], 5);
    assert_eq!(module["installed"], false);
    assert!(
        module["goroot"].is_null(),
        "unknown values are null, never absent"
    );

    sb.write("ws/go.work", "go 1.23.1\n\nuse ./p\n");
    let work = json(&["current", "--json"], &[]);
    assert_eq!(
        (
            work["version"].as_str(),
            work["source"].as_str(),
            work["line"].as_u64()
        ),
        (Some("go1.23.1"), Some("go.work"), Some(1))
    );
    assert_eq!(work["path"], sb.path().join("ws/go.work").to_str().unwrap());

    let off = json(&["current", "--json"], &[("GOWORK", "off")]);
    assert_eq!(
        (off["version"].as_str(), off["source"].as_str()),
        (Some("go1.22.4"), Some("go.mod"))
    );

    // The keys come in the documented order.
    let keys: Vec<&String> = off.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["version", "source", "path", "line", "installed", "goroot"]
    );
}

#[test]
fn current_text_and_a_malformed_go_version() {
    let sb = Sandbox::new();
    sb.write("p/go.mod", GO_MOD);
    let (code, out, err) = sb.run("p", &["current"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "go1.22.4 (toolchain line, [T]/p/go.mod:5)\n")
    );
    assert!(
        err.contains("go1.22.4 is not installed; run `gopin install 1.22.4`"),
        "{err}"
    );

    sb.write("p/.go-version", "1.22.x\n");
    let (code, out, err) = sb.run("p", &["current"]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err, @r#"
    error: invalid line in [T]/p/.go-version:1: "1.22.x"
      not a version: expected e.g. 1.22.10, 1.22, 1.23rc1, latest or system
    hint: fix that line, or rewrite the file with `cd [T]/p && gopin pin 1.22`
    "#);
}

#[test]
fn current_with_an_installed_version_and_nothing_selected() {
    let sb = Sandbox::new();
    let goroot = sb.install_fake("go1.22.4");
    sb.write("p/go.mod", GO_MOD);
    let out = sb.gopin("p", &["current", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["installed"], true);
    assert_eq!(json["goroot"], goroot.to_str().unwrap());
    assert!(out.stderr.is_empty(), "no note when installed");

    let (code, out, err) = sb.run("elsewhere", &["current"]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err, @r"
    error: no Go version is selected here
      no GOPIN_TOOLCHAIN, no project file above [T]/elsewhere, no default
    hint: run `gopin default 1.22` (for every directory) or `gopin pin 1.22` (for this one)
    ");
}

#[test]
fn fuzzy_spec_prefers_installed_then_the_index() {
    let sb = Sandbox::new();
    sb.write("p/.go-version", "1.13\n");
    // Nothing installed: the index decides (newest 1.13.x).
    let (code, out, _) = sb.run("p", &["current"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "go1.13.8 (.go-version, [T]/p/.go-version:1)\n")
    );
    // Installed wins, even when older than the index's newest.
    sb.install_fake("go1.13.2");
    let (code, out, _) = sb.run("p", &["current"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "go1.13.2 (.go-version, [T]/p/.go-version:1)\n")
    );
}

#[test]
fn which_prints_the_real_binary_or_fails_with_a_hint() {
    let sb = Sandbox::new();
    sb.write("p/go.mod", GO_MOD);
    let (code, out, err) = sb.run("p", &["which"]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err, @r"
    error: go1.22.4 is not installed
      selected by: toolchain line, [T]/p/go.mod:5
    hint: run `gopin install 1.22.4`
    ");

    let goroot = sb.install_fake("go1.22.4");
    let (code, out, _) = sb.run("p", &["which"]);
    assert_eq!(
        (code, out.trim()),
        (
            0,
            goroot
                .join("bin/go")
                .to_str()
                .unwrap()
                .replace(sb.path().to_str().unwrap(), "[T]")
                .as_str()
        )
    );
    let (code, _, err) = sb.run("p", &["which", "gofmt"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: go1.22.4 has no gofmt in "), "{err}");
    let (code, _, err) = sb.run("p", &["which", "../../bin/sh"]);
    assert_eq!(code, 1);
    assert!(err.contains("invalid tool name"), "{err}");
}

#[test]
fn pin_writes_an_exact_version_and_unset_removes_it() {
    let sb = Sandbox::new();
    let (code, _, err) = sb.run("p", &["pin", "1.13"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(sb.path().join("p/.go-version")).unwrap(),
        "1.13.8\n"
    );
    assert!(err.contains("pinned 1.13.8 in [T]/p/.go-version"), "{err}");

    // go1.14 is named without .0 but is pinned with it, so it reads back as exact.
    sb.run("p", &["pin", "go1.14"]);
    assert_eq!(
        std::fs::read_to_string(sb.path().join("p/.go-version")).unwrap(),
        "1.14.0\n"
    );
    let (_, out, _) = sb.run("p", &["current"]);
    assert_eq!(out, "go1.14 (.go-version, [T]/p/.go-version:1)\n");

    let (code, _, err) = sb.run("p", &["pin", "1.13.99"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("go1.13.99 is not in the Go download index"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(sb.path().join("p/.go-version")).unwrap(),
        "1.14.0\n",
        "a failed pin loses nothing"
    );

    let (code, _, _) = sb.run("p", &["pin", "--unset"]);
    assert_eq!(code, 0);
    assert!(!sb.path().join("p/.go-version").exists());
}

#[test]
fn bad_specs_exit_1_and_usage_errors_exit_2() {
    let sb = Sandbox::new();
    let (code, out, err) = sb.run("p", &["pin", "1.22.x"]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err, @r#"
    error: invalid version "1.22.x"
      expected an exact version (1.22.10, 1.23rc1), a line (1.22, 1), latest or system
    hint: see the releases with `gopin list-remote`
    "#);
    assert_eq!(sb.run("p", &["default", "../go"]).0, 1);
    assert_eq!(sb.run("p", &["pin"]).0, 2, "missing argument");
    assert_eq!(sb.run("p", &["frobnicate"]).0, 2);
    assert_eq!(sb.run("p", &["current", "--nope"]).0, 2);
}

#[test]
fn default_is_stored_exact_installed_and_used_where_no_file_decides() {
    let sb = Sandbox::with_mirror(&["go1.12.16", "go1.12.17", "go1.13.1"]);
    let (code, _, err) = sb.run("", &["default"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no default version is set") && err.contains("hint: "),
        "{err}"
    );

    let (code, _, err) = sb.run("", &["default", "1.12"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(sb.root().join("default")).unwrap(),
        "go1.12.17\n"
    );
    assert!(
        err.contains("installed go1.12.17"),
        "a missing default is installed: {err}"
    );
    assert!(sb.root().join("versions/go1.12.17/bin/go").is_file());
    assert_eq!(sb.run("", &["default"]).1, "go1.12.17\n");
    assert_eq!(
        sb.run("anywhere", &["current"]).1,
        "go1.12.17 (default, [T]/root/default)\n"
    );

    // A project file beats the default.
    sb.write("p/.go-version", "1.13.1\n");
    assert_eq!(
        sb.run("p", &["current"]).1,
        "go1.13.1 (.go-version, [T]/p/.go-version:1)\n"
    );

    // A default that cannot be installed is not stored.
    let (code, _, err) = sb.run("", &["default", "1.13.2"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("go1.13.2 is not in the Go download index"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(sb.root().join("default")).unwrap(),
        "go1.12.17\n"
    );
}

#[test]
fn gopin_toolchain_and_gotoolchain_in_current() {
    let sb = Sandbox::new();
    sb.write("p/go.mod", GO_MOD);
    let text = |env: (&str, &str)| {
        let out = sb
            .gopin("p", &["current"])
            .env(env.0, env.1)
            .output()
            .unwrap();
        let s = |b: &[u8]| String::from_utf8_lossy(b).replace(sb.path().to_str().unwrap(), "[T]");
        (out.status.code(), s(&out.stdout), s(&out.stderr))
    };
    assert_eq!(
        text(("GOPIN_TOOLCHAIN", "1.21.13")).1,
        "go1.21.13 (GOPIN_TOOLCHAIN=1.21.13 (environment))\n"
    );
    assert_eq!(
        text(("GOTOOLCHAIN", "go1.25.0+auto")).1,
        "go1.25.0 (GOTOOLCHAIN=go1.25.0+auto (environment))\n"
    );
    assert_eq!(
        text(("GOTOOLCHAIN", "local")).1,
        "go1.22.4 (toolchain line, [T]/p/go.mod:5)\n"
    );
    let (code, _, err) = text(("GOTOOLCHAIN", "go1.22"));
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: invalid GOTOOLCHAIN \"go1.22\" (environment)"),
        "{err}"
    );
}

#[test]
fn why_shows_each_rule_file_and_the_go_behaviour() {
    let sb = Sandbox::new();
    sb.install_fake("go1.23.1");
    sb.write("ws/p/go.mod", GO_MOD);
    sb.write("ws/go.work", "go 1.23.1\n");
    let (code, out, _) = sb.run("ws/p", &["why"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out, @r#"
    1. GOPIN_TOOLCHAIN: not set
    2. GOTOOLCHAIN: not set (environment or go env file)
    3. project files, walking up from [T]/ws/p
       [T]/ws/p/go.mod: governed by the workspace [T]/ws/go.work
       [T]/ws/go.work: go line 1: "1.23.1"; toolchain none
       go line wins: go1.23.1
    => go1.23.1 (go line, [T]/ws/go.work:1)
    then: the shim runs [T]/root/versions/go1.23.1/bin/go with GOROOT=[T]/root/versions/go1.23.1
          verified: no record (installed by an older gopin, or linked)
          and GOTOOLCHAIN=local, so go runs as is and never switches to another toolchain
    "#);
}

#[test]
fn list_marks_default_and_current() {
    let sb = Sandbox::new();
    let (code, out, err) = sb.run("p", &["list"]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(err.contains("no Go versions installed"), "{err}");

    for name in ["go1.22.4", "go1.21.13", "go1.22.10"] {
        sb.install_fake(name);
    }
    std::fs::write(sb.root().join("default"), "go1.22.10\n").unwrap();
    sb.write("p/go.mod", GO_MOD);
    let (code, out, _) = sb.run("p", &["ls"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out, @r"
      go1.21.13
    * go1.22.4 (current: toolchain line, [T]/p/go.mod:5)
      go1.22.10 (default)
    ");
    let out = sb.gopin("p", &["list", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[1]["version"], "go1.22.4");
    assert_eq!(json[1]["current"], true);
    assert_eq!(json[2]["default"], true);
    assert!(json[0]["reason"].is_null());

    // A broken project file does not break the listing.
    sb.write("p/.go-version", "nonsense\n");
    let (code, out, err) = sb.run("p", &["list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("go1.22.10 (default)") && !out.contains('*'),
        "{out}"
    );
    assert!(
        err.starts_with("warning: cannot tell which version is selected here"),
        "{err}"
    );
}

#[test]
fn version_flag() {
    let sb = Sandbox::new();
    let (code, out, _) = sb.run("", &["--version"]);
    assert_eq!(
        (code, out.as_str()),
        (0, concat!("gopin ", env!("CARGO_PKG_VERSION"), "\n"))
    );
}

#[test]
fn help_text_snapshots() {
    let sb = Sandbox::new();
    for args in [
        &["--help"][..],
        &["current", "--help"],
        &["why", "--help"],
        &["which", "--help"],
        &["default", "--help"],
        &["pin", "--help"],
        &["list", "--help"],
        &["list-remote", "--help"],
        &["install", "--help"],
        &["uninstall", "--help"],
        &["link", "--help"],
        &["cache", "--help"],
        &["exec", "--help"],
        &["env", "--help"],
        &["use", "--help"],
        &["init", "--help"],
        &["reshim", "--help"],
        &["completions", "--help"],
        &["mirror", "--help"],
        &["outdated", "--help"],
        &["upgrade", "--help"],
    ] {
        let (code, out, _) = sb.run("", args);
        assert_eq!(code, 0);
        let name = if args[0] == "--help" {
            "gopin"
        } else {
            args[0]
        };
        insta::assert_snapshot!(format!("help-{name}"), out);
    }
}

#[test]
fn why_names_a_go_env_file_gotoolchain_the_shim_overrides() {
    let sb = Sandbox::new();
    sb.install_fake("go1.22.4");
    sb.write("p/go.mod", GO_MOD);
    let goenv = sb.write("goenv", "GOPROXY=off\nGOTOOLCHAIN=go1.21.0+auto\n");
    let out = sb
        .gopin("p", &["why"])
        .env("GOENV", &goenv)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace(sb.path().to_str().unwrap(), "[T]");
    assert!(
        text.contains("2. GOTOOLCHAIN=go1.21.0+auto ([T]/goenv:2): at least go1.21.0"),
        "{text}"
    );
    assert!(
        text.contains("=> go1.22.4 (toolchain line, [T]/p/go.mod:5)"),
        "{text}"
    );
    assert!(
        text.contains("(GOTOOLCHAIN=go1.21.0+auto at [T]/goenv:2 is overridden by that)"),
        "{text}"
    );
}
