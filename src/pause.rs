//! A test hook that makes kill tests deterministic: with `GOPIN_TEST_PAUSE=<step>`, gopin stops
//! at that step, writes `<root>/.paused-<step>` so the test knows, and sleeps until killed.
//! Steps: `download` (half the archive written), `extract` (archive verified and unpacked into
//! the staging folder), `rename` (tree checked, just before it becomes visible).

use gopin_shim::Root;

///
/// Compiled into debug builds only (the ones `cargo test` runs): a release binary ignores
/// `GOPIN_TEST_PAUSE`, so a stray variable can never hang a user's install.
#[cfg(debug_assertions)]
pub fn point(root: &Root, step: &str) {
    if std::env::var_os("GOPIN_TEST_PAUSE").is_none_or(|wanted| wanted != step) {
        return;
    }
    let _ = std::fs::write(
        root.path().join(format!(".paused-{step}")),
        std::process::id().to_string(),
    );
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// Release builds: no pause hook at all.
#[cfg(not(debug_assertions))]
pub fn point(_root: &Root, _step: &str) {}
