//! The two binaries under test. `cargo test` builds the `gopin` package's binaries only; the
//! shim belongs to the std-only `gopin-shim` package, so it is built here, once per test
//! process, and never used stale.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Once;

/// `gopin`, with a fresh `gopin-shim` beside it (where `gopin reshim` looks for it).
pub fn gopin() -> PathBuf {
    shim();
    let gopin = assert_cmd::cargo::cargo_bin("gopin");
    assert!(gopin.is_file(), "no gopin binary at {}", gopin.display());
    gopin
}

/// `gopin-shim`, built for this test process.
pub fn shim() -> PathBuf {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "gopin-shim",
                "--bin",
                "gopin-shim",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .output()
            .expect("cannot run cargo to build gopin-shim");
        assert!(
            output.status.success(),
            "cargo build -p gopin-shim failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    let shim = assert_cmd::cargo::cargo_bin("gopin-shim");
    assert!(shim.is_file(), "no shim binary at {}", shim.display());
    shim
}

/// The example binary `name` (`examples/<name>.rs`), built once per test process: `cargo test
/// --test X` alone does not build examples.
pub fn example(name: &str) -> PathBuf {
    static BUILD: Once = Once::new();
    BUILD.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        // Cargo sets these for the test process (the package's name, version, folder...);
        // ring's build script tracks them, so passing them on would rebuild ring and
        // everything above it here, then again in the next `cargo test`.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let per_crate = [
                "CARGO_MANIFEST_",
                "CARGO_PKG_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
            ]
            .iter()
            .any(|p| key.starts_with(p))
                || [
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "CARGO_RUSTC_CURRENT_DIR",
                ]
                .contains(&key.as_ref());
            if per_crate {
                cmd.env_remove(key.as_ref());
            }
        }
        let output = cmd
            .args(["build", "--quiet", "--examples"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .output()
            .expect("cannot run cargo to build the examples");
        assert!(
            output.status.success(),
            "cargo build --examples failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    // target/<profile>/deps/<test binary> -> target/<profile>/examples/<name>
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test binary sits in target/<profile>/deps");
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.is_file(), "no example binary at {}", path.display());
    path
}
