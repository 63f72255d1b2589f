//! A test hook that makes kill and race tests deterministic: with `GOPIN_TEST_PAUSE=<step>`,
//! gopin stops at that step and writes `<root>/.paused-<step>` so the test knows; it goes on
//! when the test deletes that file, or stays until killed.
//! Steps: `download` (half the archive written), `extract` (archive verified and unpacked into
//! the staging folder), `rename` (tree checked, just before it becomes visible).
//!
//! Compiled into debug builds only (the ones `cargo test` runs): a release binary ignores
//! `GOPIN_TEST_PAUSE`, so a stray variable can never hang a user's install.

use gopin_shim::Root;

#[cfg(debug_assertions)]
pub fn point(root: &Root, step: &str) {
    if std::env::var_os("GOPIN_TEST_PAUSE").is_none_or(|wanted| wanted != step) {
        return;
    }
    let marker = root.path().join(format!(".paused-{step}"));
    let _ = std::fs::write(&marker, std::process::id().to_string());
    while marker.exists() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Release builds: no pause hook at all.
#[cfg(not(debug_assertions))]
pub fn point(_root: &Root, _step: &str) {}
