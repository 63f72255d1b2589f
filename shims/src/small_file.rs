//! The one reader for files a stranger may have written: `.go-version`, `.tool-versions`,
//! go.mod, go.work, the default and the `go env -w` file.
//!
//! A cloned repository can ship `.go-version -> /dev/zero` (the cd hook would eat memory without
//! end), `-> /dev/stdin` (it would swallow the user's next command) or a FIFO (the shim would hang
//! on `open`). So the file is opened without blocking, checked to be a regular file before a byte
//! is read, and read up to a cap; a larger file is an error, never silently cut short.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// `.go-version`, `.tool-versions` and the default: one short line is all they need.
pub const SPEC_FILE_CAP: u64 = 64 * 1024;
/// go.mod and go.work: Go's own modules stay far below this.
pub const MOD_FILE_CAP: u64 = 16 * 1024 * 1024;

/// Why a file that exists could not be used.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file (after links): what it is instead.
    NotRegular(&'static str),
    /// Larger than the cap (bytes).
    TooLarge(u64),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge(cap) => write!(f, "it is larger than {} KiB", cap / 1024),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

/// The file's text (lossy UTF-8), or `None` when nothing is there or it is a directory.
pub fn read(path: &Path, cap: u64) -> Result<Option<String>, ReadError> {
    Ok(
        read_bytes(path, cap)?.map(|bytes| match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }),
    )
}

/// The file's bytes, or `None` when nothing is there or it is a directory.
pub fn read_bytes(path: &Path, cap: u64) -> Result<Option<Vec<u8>>, ReadError> {
    // Where opening cannot be made non-blocking, look before opening.
    if O_NONBLOCK == 0 {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Ok(None),
            Ok(meta) => check(&meta, cap)?,
            Err(e) if absent(&e) => return Ok(None),
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    let file = match open(path) {
        Ok(file) => file,
        Err(e) if absent(&e) => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Ok(None);
    }
    check(&meta, cap)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte past the cap tells a file that grew since the check from one that fits.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(Some(bytes))
}

/// True when something other than a directory is at `path` (links followed): a project file
/// that takes part in selection, to be read with [`read`] (which refuses what is not regular).
pub fn exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_dir())
}

fn absent(e: &io::Error) -> bool {
    // ENOTDIR: a path component is a file, so this name cannot exist.
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(ENOTDIR)
}

fn check(meta: &Metadata, cap: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind(meta)));
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge(cap));
    }
    Ok(())
}

/// What a non-regular file is, in words for an error.
fn kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device (a terminal or a device such as /dev/zero)";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "not a regular file"
}

#[cfg(unix)]
fn open(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> io::Result<File> {
    File::open(path)
}

// O_NONBLOCK by platform (std has no constant and the shim links no libc crate). Where it is
// not known here (0), `read` stats before opening instead.
const O_NONBLOCK: i32 = if cfg!(all(
    target_os = "linux",
    any(
        target_arch = "x86_64",
        target_arch = "x86",
        target_arch = "aarch64",
        target_arch = "arm",
        target_arch = "riscv64",
        target_arch = "powerpc64",
        target_arch = "s390x",
        target_arch = "loongarch64"
    )
)) {
    0o4000
} else if cfg!(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)) {
    0x4
} else {
    0
};

const ENOTDIR: i32 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    fn show(result: Result<Option<String>, ReadError>) -> String {
        match result {
            Ok(Some(text)) => format!("text {text:?}"),
            Ok(None) => "absent".to_owned(),
            Err(ReadError::NotRegular(kind)) => format!("not regular: {kind}"),
            Err(ReadError::TooLarge(cap)) => format!("too large: {cap}"),
            Err(ReadError::Io(e)) => format!("io: {e}"),
        }
    }

    #[test]
    fn regular_files_absent_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".go-version");
        std::fs::write(&file, "1.22.10\n").unwrap();
        assert_eq!(show(read(&file, 64)), "text \"1.22.10\\n\"");
        assert_eq!(show(read(&dir.path().join("none"), 64)), "absent");
        assert_eq!(show(read(&file.join("below-a-file"), 64)), "absent");
        assert_eq!(show(read(dir.path(), 64)), "absent");
        assert_eq!(show(read(&file, 8)), "text \"1.22.10\\n\"");
        assert_eq!(show(read(&file, 7)), "too large: 7");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(show(read(&zero, SPEC_FILE_CAP)).starts_with("not regular: a character device"));
        assert!(show(read(Path::new("/dev/null"), SPEC_FILE_CAP)).starts_with("not regular"));
    }

    /// A FIFO with no writer would block `open` forever; it must come back at once, refused.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_refused_without_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join(".go-version");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(show(read(&fifo, SPEC_FILE_CAP))));
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO hung");
        assert_eq!(got, "not regular: a FIFO (named pipe)");
    }
}
