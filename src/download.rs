//! Fetching one archive, carefully (README: "How installs work").
//!
//! - Bytes go to a partial file named after the expected SHA-256 (so a stale partial of another
//!   file is never appended to) and through the hasher, and are handed to a [`Consumer`] (the
//!   extractor) as they arrive, so verifying and unpacking overlap the transfer.
//! - An interrupted transfer resumes with `Range`: the partial file is replayed through the
//!   hasher and the consumer, then only a `206` whose `Content-Range` starts where the file ends
//!   is appended; anything else (200, a wrong range, 416) starts over cleanly.
//! - Transient failures are retried on the same URL with backoff; a permanent one (404, a
//!   checksum mismatch) moves to the next `GOPIN_DOWNLOAD_URL` at once.
//! - Only when size and SHA-256 equal the index's is the file renamed to `downloads/<name>`.

use crate::ctx::Ctx;
use crate::error::user;
use crate::http;
use crate::pause;
use crate::progress::Progress;
use crate::retry::{self, Failure};
use anyhow::{Context, Result};
use gopin_shim::Report;
use reqwest::header::{CONTENT_RANGE, RANGE};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Size of one read from the network or the partial file.
const CHUNK: usize = 256 * 1024;

/// What the index promises about a file.
#[derive(Clone, Debug)]
pub struct Expected {
    pub filename: String,
    pub sha256: String,
    pub size: u64,
    /// `Some(cap)` for a file nothing vouches for in advance (a module zip: its `h1:` is checked
    /// once it is unpacked): no size or SHA-256 to compare, at most `cap` bytes.
    pub unverified_cap: Option<u64>,
}

impl Expected {
    /// The promise an index entry makes, checked before any of it becomes a path or a URL: a
    /// plain file name, 64 hex digits of SHA-256 and a size. The one place an index entry turns
    /// into something to fetch (install and mirror both ask here).
    pub fn from_index(file: &crate::index::File, origin: &str) -> Result<Expected> {
        let unusable = |what: String, detail: String| {
            user(
                Report::new(what)
                    .detail(format!("listed by the index at {origin}"))
                    .detail(detail)
                    .hint("gopin uses only entries it can verify and keep inside its folders; check GOPIN_INDEX_URL"),
            )
        };
        if let Some(problem) = crate::file_name::problem(&file.filename) {
            return Err(unusable(
                format!(
                    "unusable file name {:?} in the Go download index",
                    file.filename
                ),
                format!("{problem}; a file name must be one plain name"),
            ));
        }
        if file.sha256.is_empty() {
            return Err(user(
                Report::new(format!("the index gives no SHA-256 for {}", file.filename))
                    .detail(format!("listed by the index at {origin}"))
                    .detail("gopin installs only archives it can verify")
                    .hint(format!(
                        "if you have the file and its checksum: `gopin install --archive {} --sha256 HEX`",
                        gopin_shim::text::quote(&file.filename)
                    )),
            ));
        }
        if file.sha256.len() != 64 || !file.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(unusable(
                format!(
                    "invalid SHA-256 {:?} for {} in the Go download index",
                    file.sha256, file.filename
                ),
                "a SHA-256 is 64 hex digits".to_owned(),
            ));
        }
        if file.size == 0 {
            return Err(user(
                Report::new(format!("the index gives no size for {}", file.filename))
                    .detail(format!("listed by the index at {origin}"))
                    .detail("gopin downloads only archives whose size and SHA-256 it knows")
                    .hint(format!(
                        "if you have the file: `gopin install --archive {} --sha256 {}`",
                        gopin_shim::text::quote(&file.filename),
                        file.sha256.to_ascii_lowercase()
                    )),
            ));
        }
        Ok(Expected {
            filename: file.filename.clone(),
            sha256: file.sha256.to_ascii_lowercase(),
            size: file.size,
            unverified_cap: None,
        })
    }

    /// A file whose bytes are checked later by the caller (a module zip, against its `h1:`),
    /// stored as `downloads/<filename>`, at most `cap` bytes.
    pub fn checked_later(filename: &str, cap: u64) -> Expected {
        Expected {
            filename: filename.to_owned(),
            sha256: String::new(),
            size: 0,
            unverified_cap: Some(cap),
        }
    }

    /// The most bytes the file may have.
    fn limit(&self) -> u64 {
        self.unverified_cap.unwrap_or(self.size)
    }
}

/// Receives the archive's bytes in order while they are downloaded.
pub trait Consumer {
    /// A pass over the archive from byte 0 begins (the first try, or a restart).
    fn begin(&mut self) -> Result<()>;
    /// The next bytes. An error stops the whole download (e.g. a refused archive entry).
    fn feed(&mut self, bytes: &[u8]) -> Result<()>;
    /// The pass broke off before the end; what was consumed is to be discarded.
    fn abort(&mut self);
}

/// A consumer that ignores the bytes (the download is all that is wanted).
pub struct Discard;

impl Consumer for Discard {
    fn begin(&mut self) -> Result<()> {
        Ok(())
    }
    fn feed(&mut self, _bytes: &[u8]) -> Result<()> {
        Ok(())
    }
    fn abort(&mut self) {}
}

/// The verified archive's place in `downloads/`.
pub fn archive_path(ctx: &Ctx, filename: &str) -> PathBuf {
    ctx.root.downloads().join(filename)
}

/// The partial file for an expected archive.
pub fn partial_path(ctx: &Ctx, expected: &Expected) -> PathBuf {
    let tag = match expected.unverified_cap {
        Some(_) => "unverified",
        None => expected.sha256.get(..16).unwrap_or(&expected.sha256),
    };
    ctx.root
        .downloads()
        .join(format!("{}.{tag}.part", expected.filename))
}

/// The verified archive for `expected`: the one kept in `downloads/` when it still matches,
/// else downloaded now (for the mirrors, which copy or rebuild it rather than unpack it).
pub fn kept_or_fetched(ctx: &Ctx, expected: &Expected) -> Result<PathBuf> {
    let kept = archive_path(ctx, &expected.filename);
    if matches(&kept, expected) {
        crate::output::info(format_args!(
            "using the verified archive {}",
            kept.display()
        ));
        return Ok(kept);
    }
    let style = crate::progress::Style::from_env(ctx.quiet);
    let progress = Progress::new(style, &expected.filename, expected.size);
    fetch(ctx, expected, &progress, &mut Discard)
}

/// Downloads `expected` from `GOPIN_DOWNLOAD_URL` into `downloads/`, feeding `consumer` on the
/// way; returns the verified archive's path.
pub fn fetch(
    ctx: &Ctx,
    expected: &Expected,
    progress: &Progress,
    consumer: &mut dyn Consumer,
) -> Result<PathBuf> {
    let urls: Vec<String> = ctx
        .config
        .download_urls
        .iter()
        .map(|base| join_url(base, &expected.filename))
        .collect();
    fetch_from(ctx, &urls, &|_, _| true, expected, progress, consumer)
}

/// [`fetch`] from these URLs in order; after URL `n` gave up, `pass_on(n, why)` says whether the
/// next one may be tried (a module proxy list decides by its separators).
pub fn fetch_from(
    ctx: &Ctx,
    urls: &[String],
    pass_on: &dyn Fn(usize, &retry::GaveUp) -> bool,
    expected: &Expected,
    progress: &Progress,
    consumer: &mut dyn Consumer,
) -> Result<PathBuf> {
    let downloads = ctx.root.downloads();
    std::fs::create_dir_all(&downloads)
        .with_context(|| format!("cannot create {}", downloads.display()))?;
    let part = partial_path(ctx, expected);
    let mut failures = Vec::new();
    let mut certificate = false;
    for (n, url) in urls.iter().enumerate() {
        // Errors that no other URL can fix (a full disk, a hostile archive) end everything.
        let mut fatal: Option<anyhow::Error> = None;
        let outcome = retry::run(
            ctx.config.retries,
            || {
                attempt(ctx, url, &part, expected, progress, consumer).map_err(|e| match e {
                    Stop::Retry(failure) => failure,
                    Stop::Fatal(error) => {
                        fatal = Some(error);
                        Failure::permanent("")
                    }
                })
            },
            |wait, failure| progress.retry(&failure.why, wait),
        );
        if let Some(error) = fatal {
            return Err(error);
        }
        match outcome {
            Ok(()) => {
                let done = archive_path(ctx, &expected.filename);
                std::fs::rename(&part, &done).with_context(|| {
                    format!("cannot rename {} to {}", part.display(), done.display())
                })?;
                return Ok(done);
            }
            Err(gave_up) => {
                certificate |= gave_up.failure.certificate;
                let next = n + 1 < urls.len() && pass_on(n, &gave_up);
                if next {
                    progress.message(format_args!(
                        "{url} failed ({gave_up}); trying the next download URL"
                    ));
                }
                failures.push(format!("{url}: {gave_up}"));
                if !next {
                    break;
                }
            }
        }
    }
    let mut report = Report::new(format!("cannot download {}", expected.filename));
    for failure in failures {
        report = report.detail(failure);
    }
    let kept = std::fs::metadata(&part).map_or(0, |m| m.len());
    if kept == 0 {
        // Nothing arrived: an empty partial file would only clutter downloads/.
        let _ = std::fs::remove_file(&part);
    } else {
        report = report.detail(format!(
            "kept {} of {} bytes in {} for next time",
            kept,
            expected.size,
            part.display()
        ));
    }
    Err(crate::error::unreachable(report.hint(if certificate {
        retry::CERTIFICATE_HINT
    } else {
        "run the command again to resume, or set GOPIN_DOWNLOAD_URL to a mirror (e.g. https://golang.google.cn/dl/)"
    })))
}

/// How one try ended when it did not succeed.
enum Stop {
    Retry(Failure),
    Fatal(anyhow::Error),
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Stop {
        Stop::Retry(failure)
    }
}

fn attempt(
    ctx: &Ctx,
    url: &str,
    part: &Path,
    expected: &Expected,
    progress: &Progress,
    consumer: &mut dyn Consumer,
) -> Result<(), Stop> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(part)
        .with_context(|| format!("cannot open {}", part.display()))
        .map_err(Stop::Fatal)?;
    let mut have = file.metadata().map_err(|e| Stop::Fatal(e.into()))?.len();
    if have > expected.limit() {
        have = restart_file(&mut file, part)?;
    }
    consumer.begin().map_err(Stop::Fatal)?;
    // A file checked later (a module zip, by its h1) needs no SHA-256 of its bytes.
    let mut hasher = Sum::new(expected.unverified_cap.is_none());
    if let Err(stop) = replay(&mut file, have, &mut hasher, consumer, part) {
        consumer.abort();
        return Err(stop);
    }
    if have < expected.size || expected.unverified_cap.is_some() {
        let result = transfer(
            ctx,
            url,
            &mut file,
            part,
            have,
            expected,
            &mut hasher,
            progress,
            consumer,
        );
        if let Err(stop) = result {
            consumer.abort();
            return Err(stop);
        }
    }
    let Some(computed) = hasher.finish() else {
        return Ok(());
    };
    if computed != expected.sha256.to_ascii_lowercase() {
        consumer.abort();
        drop(file);
        let _ = std::fs::remove_file(part);
        return Err(Stop::Retry(Failure::permanent(format!(
            "checksum mismatch: expected sha256 {}, computed sha256 {computed}; the damaged file was deleted",
            expected.sha256
        ))));
    }
    progress.verified(&computed);
    Ok(())
}

/// The SHA-256 of a transfer, when one is wanted.
struct Sum(Option<Sha256>);

impl Sum {
    fn new(wanted: bool) -> Sum {
        Sum(wanted.then(Sha256::new))
    }

    fn update(&mut self, bytes: &[u8]) {
        if let Some(sha) = &mut self.0 {
            sha.update(bytes);
        }
    }

    fn restart(&mut self) {
        if self.0.is_some() {
            self.0 = Some(Sha256::new());
        }
    }

    fn finish(self) -> Option<String> {
        self.0.map(|sha| hex(&sha.finalize()))
    }
}

/// Feeds the partial file's first `have` bytes through the hasher and the consumer.
fn replay(
    file: &mut File,
    have: u64,
    hasher: &mut Sum,
    consumer: &mut dyn Consumer,
    part: &Path,
) -> Result<(), Stop> {
    if have == 0 {
        return Ok(());
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Stop::Fatal(e.into()))?;
    let mut reader = (&mut *file).take(have);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = reader
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", part.display()))
            .map_err(Stop::Fatal)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buf[..n]);
        consumer.feed(&buf[..n]).map_err(Stop::Fatal)?;
    }
}

/// Requests the rest of the file from `have` on and appends it.
#[allow(clippy::too_many_arguments)]
fn transfer(
    ctx: &Ctx,
    url: &str,
    file: &mut File,
    part: &Path,
    have: u64,
    expected: &Expected,
    hasher: &mut Sum,
    progress: &Progress,
    consumer: &mut dyn Consumer,
) -> Result<(), Stop> {
    let (mut body, start) = open(ctx, url, have)?;
    let mut position = have;
    if start != have {
        // The server sent the whole file (it ignored the Range, or answered another range):
        // start over cleanly rather than splice.
        progress.message(format_args!(
            "{url} did not resume at byte {have}; starting over"
        ));
        position = restart_file(file, part)?;
        consumer.abort();
        consumer.begin().map_err(Stop::Fatal)?;
        hasher.restart();
    }
    file.seek(SeekFrom::Start(position))
        .map_err(|e| Stop::Fatal(e.into()))?;
    progress.start(position);
    // Where the test pause hook stops: halfway, or after the first chunk of a file of unknown size.
    let halfway = if expected.unverified_cap.is_some() {
        1
    } else {
        expected.size / 2
    };
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = file.flush();
                let failure = http::read_failure(&e);
                return Err(Stop::Retry(Failure::transient(format!(
                    "the transfer broke off at byte {position}: {}",
                    failure.why
                ))));
            }
        };
        if position + n as u64 > expected.limit() {
            restart_file(file, part)?;
            return Err(Stop::Retry(Failure::permanent(format!(
                "the server sent more than the {} bytes {}; the file was deleted",
                expected.limit(),
                if expected.unverified_cap.is_some() {
                    "a toolchain may have"
                } else {
                    "the index lists"
                }
            ))));
        }
        file.write_all(&buf[..n])
            .map_err(|e| Stop::Fatal(disk_error(e, part, ctx)))?;
        hasher.update(&buf[..n]);
        consumer.feed(&buf[..n]).map_err(Stop::Fatal)?;
        let before = position;
        position += n as u64;
        progress.set(position);
        if before < halfway && position >= halfway {
            let _ = file.flush();
            pause::point(&ctx.root, "download");
        }
    }
    file.flush()
        .map_err(|e| Stop::Fatal(disk_error(e, part, ctx)))?;
    if position < expected.size && expected.unverified_cap.is_none() {
        return Err(Stop::Retry(Failure::transient(format!(
            "the transfer ended at byte {position} of {}",
            expected.size
        ))));
    }
    Ok(())
}

/// Opens the file at `url` from `offset`; returns the body and the offset it really starts at.
fn open(ctx: &Ctx, url: &str, offset: u64) -> Result<(Box<dyn Read>, u64), Failure> {
    if url.starts_with("file://") {
        let path = http::file_url_path(url).map_err(Failure::permanent)?;
        let mut file = File::open(&path)
            .map_err(|e| Failure::permanent(format!("cannot open {}: {e}", path.display())))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| Failure::permanent(format!("cannot read {}: {e}", path.display())))?;
        return Ok((Box::new(file), offset));
    }
    let client = ctx
        .client()
        .map_err(|e| Failure::permanent(format!("{e:#}")))?;
    let mut request = client.get(url);
    if offset > 0 {
        request = request.header(RANGE, format!("bytes={offset}-"));
    }
    let response = request.send().map_err(|e| http::transport_failure(&e))?;
    let status = response.status().as_u16();
    match status {
        200 => Ok((Box::new(response), 0)),
        206 => {
            let range = response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_content_range);
            match range {
                // Only a range that starts where the partial file ends may be appended.
                Some(range) if range.start == offset => Ok((Box::new(response), offset)),
                _ => {
                    drop(response);
                    open(ctx, url, 0).map(|(body, _)| (body, 0))
                }
            }
        }
        // The partial file is not a prefix the server recognises: fetch it all again.
        416 if offset > 0 => open(ctx, url, 0),
        _ => Err(http::status_failure(&response)),
    }
}

/// Which bytes of a file to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    /// The last N bytes (`Range: bytes=-N`).
    Last(u64),
    /// Bytes `[start, end)`.
    Between(u64, u64),
}

impl Span {
    /// The bytes `[start, end)` this span covers in a file of `total` bytes; `None` when it
    /// asks for bytes the file does not have.
    pub fn within(self, total: u64) -> Option<(u64, u64)> {
        match self {
            Span::Last(n) => Some((total.saturating_sub(n), total)),
            Span::Between(start, end) => (start < end && end <= total).then_some((start, end)),
        }
    }

    fn header(self) -> String {
        match self {
            Span::Last(n) => format!("bytes=-{n}"),
            Span::Between(start, end) => format!("bytes={start}-{}", end.saturating_sub(1)),
        }
    }
}

/// Some bytes of a file, where they start in it, and the file's length.
#[derive(Debug)]
pub struct Piece {
    pub bytes: Vec<u8>,
    pub start: u64,
    pub total: u64,
}

/// The answer to a Range request is usable only as a `206` whose `Content-Range` names a
/// known total and exactly the bytes asked for; returns them as `[start, end)`.
pub fn span_answer(span: Span, range: Option<ContentRange>) -> Option<(u64, u64)> {
    let range = range?;
    let (start, end) = span.within(range.total?)?;
    (range.start == start && range.end + 1 == end).then_some((start, end))
}

/// Fetches `span` of the file at `url` with one request and no retries, for a caller that can
/// do without it (unpacking a zip before all of it has arrived). A server that ignores
/// `Range`, answers another range or no total, or a span over `cap` bytes, is an error.
pub fn fetch_span(ctx: &Ctx, url: &str, span: Span, cap: u64) -> Result<Piece, String> {
    let too_big = |n: u64| format!("{n} bytes asked for, more than the {cap} allowed");
    if url.starts_with("file://") {
        let path = http::file_url_path(url)?;
        let mut file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let total = file
            .metadata()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
        let (start, end) = span.within(total).ok_or("no such bytes")?;
        if end - start > cap {
            return Err(too_big(end - start));
        }
        let mut bytes = vec![0u8; (end - start) as usize];
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(Piece {
            bytes,
            start,
            total,
        });
    }
    let client = ctx.client().map_err(|e| format!("{e:#}"))?;
    let response = client
        .get(url)
        .header(RANGE, span.header())
        .send()
        .map_err(|e| http::transport_failure(&e).why)?;
    if response.status().as_u16() != 206 {
        return Err(format!(
            "answered {} to a Range request",
            response.status().as_u16()
        ));
    }
    let range = response
        .headers()
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_content_range);
    let (start, end) = span_answer(span, range).ok_or("answered another range")?;
    if end - start > cap {
        return Err(too_big(end - start));
    }
    let mut bytes = Vec::with_capacity((end - start) as usize);
    response
        .take(end - start + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| http::read_failure(&e).why)?;
    if bytes.len() as u64 != end - start {
        return Err(format!(
            "sent {} bytes for a range of {}",
            bytes.len(),
            end - start
        ));
    }
    Ok(Piece {
        bytes,
        start,
        total: range.and_then(|r| r.total).unwrap_or(end),
    })
}

/// Empties the partial file; returns the new length (0).
fn restart_file(file: &mut File, part: &Path) -> Result<u64, Stop> {
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)).map(|_| ()))
        .with_context(|| format!("cannot truncate {}", part.display()))
        .map_err(Stop::Fatal)?;
    Ok(0)
}

/// A write error on the partial file, with what to do about it.
fn disk_error(error: std::io::Error, part: &Path, ctx: &Ctx) -> anyhow::Error {
    user(crate::error::write_failed(
        part,
        &error,
        "the partial download is kept and resumes next time",
        &ctx.root.downloads(),
    ))
}

/// `base` + `name`, with exactly one `/` between them.
pub fn join_url(base: &str, name: &str) -> String {
    format!("{}/{name}", base.trim_end_matches('/'))
}

/// A `Content-Range: bytes START-END/TOTAL` header (TOTAL may be `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentRange {
    pub start: u64,
    pub end: u64,
    pub total: Option<u64>,
}

/// Parses a `Content-Range` value; `None` for anything else (including `bytes */TOTAL`).
pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (start, end) = (number(start)?, number(end)?);
    let total = match total.trim() {
        "*" => None,
        t => Some(number(t)?),
    };
    if end < start || total.is_some_and(|t| end >= t) {
        return None;
    }
    Some(ContentRange { start, end, total })
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Size and SHA-256 of a file on disk equal what the index promises.
pub fn matches(path: &Path, expected: &Expected) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == expected.size)
        && sha256_file(path).is_ok_and(|sum| sum == expected.sha256)
}

/// The SHA-256 of a file on disk, streamed.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex(&hasher.finalize()));
        }
        hasher.update(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_table() {
        type Want = Option<(u64, u64, Option<u64>)>;
        let rows: &[(&str, Want)] = &[
            ("bytes 100-199/200", Some((100, 199, Some(200)))),
            ("bytes 0-0/1", Some((0, 0, Some(1)))),
            ("bytes 100-199/*", Some((100, 199, None))),
            ("  bytes  5-9/10 ", Some((5, 9, Some(10)))),
            ("bytes */200", None),
            ("bytes 100-99/200", None),
            ("bytes 100-200/200", None),
            ("bytes -5/10", None),
            ("bytes 5-/10", None),
            ("bytes +5-9/10", None),
            ("items 0-9/10", None),
            ("bytes 0-9", None),
            ("", None),
            ("bytes 99999999999999999999-1/2", None),
        ];
        for &(value, want) in rows {
            let got = parse_content_range(value).map(|r| (r.start, r.end, r.total));
            assert_eq!(got, want, "{value:?}");
        }
    }

    #[test]
    fn span_answer_table() {
        let range = |start, end, total| {
            Some(ContentRange {
                start,
                end,
                total: Some(total),
            })
        };
        let rows = [
            (Span::Last(10), range(90, 99, 100), Some((90, 100))),
            // A file shorter than the span asked for: all of it.
            (Span::Last(10), range(0, 4, 5), Some((0, 5))),
            (Span::Last(10), range(0, 99, 100), None),
            (Span::Last(10), range(89, 98, 100), None),
            (
                Span::Last(10),
                Some(ContentRange {
                    start: 90,
                    end: 99,
                    total: None,
                }),
                None,
            ),
            (Span::Last(10), None, None),
            (Span::Between(10, 20), range(10, 19, 100), Some((10, 20))),
            (Span::Between(10, 20), range(10, 18, 100), None),
            (Span::Between(10, 20), range(0, 19, 100), None),
            (Span::Between(10, 20), range(10, 14, 15), None),
            (Span::Between(20, 20), range(20, 20, 100), None),
        ];
        for (span, answer, want) in rows {
            assert_eq!(span_answer(span, answer), want, "{span:?} {answer:?}");
        }
        assert_eq!(Span::Last(10).header(), "bytes=-10");
        assert_eq!(Span::Between(10, 20).header(), "bytes=10-19");
    }

    #[test]
    fn urls_and_hex() {
        assert_eq!(
            join_url("https://dl.google.com/go/", "a.tar.gz"),
            "https://dl.google.com/go/a.tar.gz"
        );
        assert_eq!(
            join_url("http://127.0.0.1:1/m", "a.tar.gz"),
            "http://127.0.0.1:1/m/a.tar.gz"
        );
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
