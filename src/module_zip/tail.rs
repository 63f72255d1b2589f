//! Finding a zip's central directory from its last bytes alone, so the directory can be read
//! before the rest of the zip has arrived (the overlap of download and unpacking) and so both
//! ways of unpacking count the entries the archive declares by one rule.
//!
//! Pure: a slice of the zip's tail, where that slice starts and how long the zip is, in; where
//! the directory is and how many entries it declares, or which earlier bytes are still needed,
//! out. Nothing here is trusted further than "the bytes say so": the unpacker checks every
//! entry against these bounds, and the `h1:` comparison is what authenticates.

/// How many of a zip's last bytes hold its end record for certain: the 22-byte record plus a
/// comment of at most 65,535 bytes, plus the zip64 locator (20) just before it.
pub const END_SEARCH: u64 = 22 + 65_535 + 20;

const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
const ZIP64_LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
const ZIP64_END: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];

/// Where a zip's central directory lies, as its end records declare it (it may start before
/// the slice read: whoever needs its bytes fetches `[start, tail_start)` too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directory {
    /// The entries the archive declares (a zip64 record's count when the classic one is full).
    pub entries: u64,
    /// Where the directory's bytes start: its end (the first end record) minus its declared
    /// size. With nothing prepended to the zip this is also the offset the records declare.
    pub start: u64,
    /// Where the directory's bytes end: the zip64 end record, or the classic one.
    pub end: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TailError {
    /// The bytes from this offset on are needed (a zip64 end record before the slice).
    NeedFrom(u64),
    /// No end record, or records that contradict each other or the zip's length.
    Invalid(&'static str),
}

/// Reads the end records in `tail`, the bytes `[tail_start, len)` of a zip of `len` bytes.
pub fn locate(tail: &[u8], tail_start: u64, len: u64) -> Result<Directory, TailError> {
    if tail_start.checked_add(tail.len() as u64) != Some(len) {
        return Err(TailError::Invalid(
            "the bytes given are not the zip's last bytes",
        ));
    }
    let at = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == END)
        .ok_or(TailError::Invalid("no end of central directory record"))?;
    let u16_at = |b: &[u8], i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at =
        |b: &[u8], i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let u64_at = |b: &[u8], i: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(word)
    };
    let end_at = tail_start + at as u64;
    let (entries, size, end) = if u16_at(tail, at + 10) != 0xffff
        && u32_at(tail, at + 12) != 0xffff_ffff
        && u32_at(tail, at + 16) != 0xffff_ffff
    {
        (u16_at(tail, at + 10), u32_at(tail, at + 12), end_at)
    } else {
        // Zip64: the locator sits just before the classic record and points at the zip64
        // record, which must come before the locator.
        let locator = at
            .checked_sub(20)
            .filter(|&l| tail[l..l + 4] == ZIP64_LOCATOR)
            .ok_or(TailError::Invalid(
                "a full end record without a zip64 locator",
            ))?;
        let record_at = u64_at(tail, locator + 8);
        if record_at.saturating_add(56) > tail_start + locator as u64 {
            return Err(TailError::Invalid(
                "the zip64 end record lies past its locator",
            ));
        }
        if record_at < tail_start {
            return Err(TailError::NeedFrom(record_at));
        }
        let r = (record_at - tail_start) as usize;
        if tail[r..r + 4] != ZIP64_END {
            return Err(TailError::Invalid(
                "no zip64 end record where its locator points",
            ));
        }
        (u64_at(tail, r + 32), u64_at(tail, r + 40), record_at)
    };
    let start = end.checked_sub(size).ok_or(TailError::Invalid(
        "the central directory is larger than the zip",
    ))?;
    Ok(Directory {
        entries,
        start,
        end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic end record declaring `entries`, a directory of `size` bytes at `offset`.
    fn end(entries: u16, size: u32, offset: u32, comment: &[u8]) -> Vec<u8> {
        let mut r = END.to_vec();
        r.extend_from_slice(&[0, 0, 0, 0]);
        r.extend_from_slice(&entries.to_le_bytes());
        r.extend_from_slice(&entries.to_le_bytes());
        r.extend_from_slice(&size.to_le_bytes());
        r.extend_from_slice(&offset.to_le_bytes());
        r.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        r.extend_from_slice(comment);
        r
    }

    /// A zip64 end record at `record_at`, its locator, and a saturated classic record.
    fn end64(entries: u64, size: u64, offset: u64, record_at: u64) -> Vec<u8> {
        let mut r = ZIP64_END.to_vec();
        r.extend_from_slice(&44u64.to_le_bytes());
        r.extend_from_slice(&[0; 4]); // versions
        r.extend_from_slice(&[0; 8]); // disks
        r.extend_from_slice(&entries.to_le_bytes());
        r.extend_from_slice(&entries.to_le_bytes());
        r.extend_from_slice(&size.to_le_bytes());
        r.extend_from_slice(&offset.to_le_bytes());
        r.extend_from_slice(&ZIP64_LOCATOR);
        r.extend_from_slice(&[0; 4]);
        r.extend_from_slice(&record_at.to_le_bytes());
        r.extend_from_slice(&1u32.to_le_bytes());
        r.extend(end(0xffff, 0xffff_ffff, 0xffff_ffff, b""));
        r
    }

    /// `body` bytes of filler, then `records`: the whole zip.
    fn zip(body: usize, records: Vec<u8>) -> Vec<u8> {
        let mut z = vec![0x11; body];
        z.extend(records);
        z
    }

    #[test]
    fn locate_table() {
        type Row = (&'static str, Vec<u8>, u64, Result<Directory, TailError>);
        let dir = |entries, start, end| {
            Ok(Directory {
                entries,
                start,
                end,
            })
        };
        let rows: Vec<Row> = vec![
            ("classic", zip(100, end(3, 40, 60, b"")), 0, dir(3, 60, 100)),
            (
                "classic, tail only",
                zip(100, end(3, 40, 60, b"")),
                50,
                dir(3, 60, 100),
            ),
            (
                // The caller sees that the slice does not hold the whole directory.
                "directory before the tail",
                zip(100, end(3, 40, 60, b"")),
                70,
                dir(3, 60, 100),
            ),
            (
                "a comment after the record",
                zip(100, end(1, 10, 90, b"hello")),
                0,
                dir(1, 90, 100),
            ),
            (
                // A signature inside the comment is found first, as every reader would.
                "a stray record in the comment",
                zip(100, end(1, 10, 90, &end(7, 5, 95, b""))),
                0,
                dir(7, 117, 122),
            ),
            (
                // Something prepended: the directory is where its size puts it.
                "offset lies, size places it",
                zip(100, end(2, 30, 10, b"")),
                0,
                dir(2, 70, 100),
            ),
            (
                "directory larger than the zip",
                zip(10, end(2, 30, 0, b"")),
                0,
                Err(TailError::Invalid(
                    "the central directory is larger than the zip",
                )),
            ),
            (
                "no end record",
                vec![0; 64],
                0,
                Err(TailError::Invalid("no end of central directory record")),
            ),
            (
                "record cut short",
                END.to_vec(),
                0,
                Err(TailError::Invalid("no end of central directory record")),
            ),
            (
                "zip64",
                zip(200, end64(70_000, 50, 150, 200)),
                0,
                dir(70_000, 150, 200),
            ),
            (
                "zip64 record before the tail",
                zip(200, end64(70_000, 50, 150, 200)),
                201,
                Err(TailError::NeedFrom(200)),
            ),
            (
                "zip64 record past its locator",
                zip(200, end64(70_000, 50, 150, 250)),
                0,
                Err(TailError::Invalid(
                    "the zip64 end record lies past its locator",
                )),
            ),
            (
                "zip64 locator pointing at garbage",
                zip(200, end64(70_000, 50, 150, 100)),
                0,
                Err(TailError::Invalid(
                    "no zip64 end record where its locator points",
                )),
            ),
            (
                "saturated record without a locator",
                zip(100, end(0xffff, 10, 90, b"")),
                0,
                Err(TailError::Invalid(
                    "a full end record without a zip64 locator",
                )),
            ),
            (
                "saturated record at the very start",
                end(0xffff, 0, 0, b""),
                0,
                Err(TailError::Invalid(
                    "a full end record without a zip64 locator",
                )),
            ),
        ];
        for (what, zip, tail_start, want) in rows {
            let len = zip.len() as u64;
            let got = locate(&zip[tail_start as usize..], tail_start, len);
            assert_eq!(got, want, "{what}");
        }
    }

    #[test]
    fn slice_must_be_the_tail() {
        let z = zip(100, end(3, 40, 60, b""));
        assert_eq!(
            locate(&z[..50], 0, z.len() as u64),
            Err(TailError::Invalid(
                "the bytes given are not the zip's last bytes"
            ))
        );
    }

    #[test]
    fn a_real_zip() {
        let mut bytes = std::io::Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut bytes);
        for name in ["a", "b/", "b/c"] {
            if name.ends_with('/') {
                writer
                    .add_directory(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
            } else {
                writer
                    .start_file(name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                std::io::Write::write_all(&mut writer, b"data").unwrap();
            }
        }
        writer.finish().unwrap();
        let bytes = bytes.into_inner();
        let len = bytes.len() as u64;
        let found = locate(&bytes, 0, len).unwrap();
        assert_eq!(found.entries, 3);
        let archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(found.start, archive.central_directory_start());
    }
}
