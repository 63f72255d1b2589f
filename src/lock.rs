//! One installer per version at a time, across processes (parallel CI jobs, an IDE and a
//! terminal): an exclusive lock on `root/locks/<version>.lock`. The second process waits, then
//! finds the version installed. Locks live outside `downloads/` so `gopin cache clean` can never
//! delete a lock file that someone holds.

use anyhow::{Context, Result};
use gopin_shim::Root;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

/// Held until dropped; the operating system releases it if the process dies.
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock for `name`, calling `on_wait` once if another process holds it.
    pub fn acquire(root: &Root, name: &str, on_wait: impl FnOnce()) -> Result<Lock> {
        if let Some(problem) = crate::file_name::problem(name) {
            anyhow::bail!("cannot lock {name:?}: {problem}");
        }
        let path = lock_path(root, name);
        let dir = path.parent().unwrap_or(root.path());
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait();
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        Ok(Lock { _file: file })
    }

    /// Takes the lock only if it is free right now.
    pub fn try_acquire(root: &Root, name: &str) -> Option<Lock> {
        if crate::file_name::problem(name).is_some() {
            return None;
        }
        let path = lock_path(root, name);
        std::fs::create_dir_all(path.parent()?).ok()?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .ok()?;
        file.try_lock().ok()?;
        Some(Lock { _file: file })
    }
}

/// `locks/<name>.lock`. Names are toolchain names, which the version grammar keeps to one
/// plain, short file name; anything else is refused rather than turned into a path.
fn lock_path(root: &Root, name: &str) -> PathBuf {
    root.path().join("locks").join(format!("{name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::new(dir.path());
        let first = Lock::acquire(&root, "go1.22.10", || panic!("nobody holds it yet")).unwrap();
        assert!(Lock::try_acquire(&root, "go1.22.10").is_none(), "held");
        assert!(
            Lock::try_acquire(&root, "go1.21.13").is_some(),
            "other versions are free"
        );
        let root2 = root.clone();
        let waiter = std::thread::spawn(move || {
            let mut waited = false;
            let _lock = Lock::acquire(&root2, "go1.22.10", || waited = true).unwrap();
            waited
        });
        std::thread::sleep(std::time::Duration::from_millis(200));
        drop(first);
        assert!(
            waiter.join().unwrap(),
            "the second caller was told it had to wait"
        );
    }
}
