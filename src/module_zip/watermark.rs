//! How far a zip that is still downloading may be read: the download raises the mark after
//! each write to the partial file, and unpacking threads wait until the bytes they want lie
//! below it. The download also says when it has ended (no byte beyond the mark will come) or
//! when what was written can no longer be trusted (abandoned: every reader stops).

use std::io;
use std::sync::{Condvar, Mutex, MutexGuard};

/// The download's progress as readers see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Level {
    /// Bytes `[0, written)` of the partial file are final.
    pub written: u64,
    /// No more bytes will come.
    pub ended: bool,
    /// The bytes may change or vanish: readers must stop.
    pub abandoned: bool,
}

/// What a reader at `position` may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Read, up to this offset.
    Ready(u64),
    /// Wait for the download.
    Wait,
    /// The zip ends before `position`.
    End,
    Abandoned,
}

pub fn readiness(level: Level, position: u64) -> Readiness {
    if level.abandoned {
        Readiness::Abandoned
    } else if level.written > position {
        Readiness::Ready(level.written)
    } else if level.ended {
        Readiness::End
    } else {
        Readiness::Wait
    }
}

const ABANDONED: &str = "the download started over; unpacking waits for the whole zip";

#[derive(Default)]
pub struct Watermark {
    level: Mutex<Level>,
    moved: Condvar,
}

impl Watermark {
    fn lock(&self) -> MutexGuard<'_, Level> {
        // A reader that panicked holding the lock left the level intact (it only reads it).
        self.level
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn change(&self, f: impl FnOnce(&mut Level)) {
        f(&mut self.lock());
        self.moved.notify_all();
    }

    /// Bytes `[0, written)` are on disk (the mark never goes down).
    pub fn raise(&self, written: u64) {
        let mut level = self.lock();
        if written > level.written {
            level.written = written;
            drop(level);
            self.moved.notify_all();
        }
    }

    pub fn end(&self) {
        self.change(|level| level.ended = true);
    }

    pub fn abandon(&self) {
        self.change(|level| level.abandoned = true);
    }

    pub fn level(&self) -> Level {
        *self.lock()
    }

    /// Waits until the byte at `position` is readable; returns how far reading may go, or
    /// `None` when the zip ends before `position`.
    pub fn wait_past(&self, position: u64) -> io::Result<Option<u64>> {
        let mut level = self.lock();
        loop {
            match readiness(*level, position) {
                Readiness::Ready(end) => return Ok(Some(end)),
                Readiness::End => return Ok(None),
                Readiness::Abandoned => {
                    // Not `Interrupted`: `read_exact` would retry that forever.
                    return Err(io::Error::other(ABANDONED));
                }
                Readiness::Wait => {
                    level = self
                        .moved
                        .wait(level)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn readiness_table() {
        let level = |written, ended, abandoned| Level {
            written,
            ended,
            abandoned,
        };
        let rows = [
            (level(0, false, false), 0, Readiness::Wait),
            (level(10, false, false), 0, Readiness::Ready(10)),
            (level(10, false, false), 9, Readiness::Ready(10)),
            (level(10, false, false), 10, Readiness::Wait),
            (level(10, true, false), 9, Readiness::Ready(10)),
            (level(10, true, false), 10, Readiness::End),
            (level(10, true, false), 500, Readiness::End),
            (level(10, false, true), 0, Readiness::Abandoned),
            (level(10, true, true), 0, Readiness::Abandoned),
        ];
        for (level, position, want) in rows {
            assert_eq!(readiness(level, position), want, "{level:?} at {position}");
        }
    }

    #[test]
    fn the_mark_only_rises() {
        let mark = Watermark::default();
        mark.raise(10);
        mark.raise(5);
        assert_eq!(mark.level().written, 10);
    }

    #[test]
    fn waiters_wake_on_each_change() {
        let mark = Arc::new(Watermark::default());
        let reader = {
            let mark = mark.clone();
            std::thread::spawn(move || {
                let first = mark.wait_past(99).unwrap();
                let second = mark.wait_past(1_000).unwrap();
                (first, second)
            })
        };
        mark.raise(50);
        mark.raise(100);
        std::thread::sleep(std::time::Duration::from_millis(20));
        mark.end();
        assert_eq!(reader.join().unwrap(), (Some(100), None));
        mark.abandon();
        let error = mark.wait_past(0).unwrap_err();
        assert_eq!(error.to_string(), ABANDONED);
    }
}
