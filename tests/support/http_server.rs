//! A loopback HTTP/1.1 server for integration tests.
//!
//! The index fetcher and the downloader talk to go.dev, but tests must not touch the
//! internet, and the behaviour worth testing (ETag/Last-Modified revalidation, resuming with
//! `Range`, surviving resets, stalls, short bodies and lying servers) needs a server that
//! misbehaves on demand. This one listens on 127.0.0.1 only, serves in-memory files the way
//! go.dev does, and applies queued [`Fault`]s one request at a time.
//!
//! It is std-only and deliberately plain: one thread per connection and `Connection: close`
//! on every response, so there is no keep-alive or chunked encoding to get wrong here and the
//! clients under test must cope with a closed connection anyway.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Every file claims this modification time, so `If-Modified-Since` tests can hard-code it.
pub const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// A misbehaviour applied to one request; see [`TestServer::add_fault`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Send the head and the first N body bytes, then close without a clean shutdown.
    /// std cannot set `SO_LINGER 0`, so the client usually sees a short body at EOF rather
    /// than a true RST; both must be treated as a broken transfer.
    ResetAfter(usize),
    /// Answer with this status, an optional `Retry-After` value and a short text body.
    Status {
        code: u16,
        retry_after: Option<String>,
    },
    /// Ignore any `Range` header and answer 200 with the full body.
    IgnoreRange,
    /// Serve normally (honouring `Range`) but invert the byte at this absolute file offset.
    CorruptByte(usize),
    /// Send the head and `after` body bytes, sleep `duration`, then send the rest.
    Stall { after: usize, duration: Duration },
    /// Declare the full `Content-Length` but send only N body bytes, then close cleanly (FIN).
    ShortBody(usize),
    /// Answer 206 with a `Content-Range` starting elsewhere than asked (0, or the middle of
    /// the file if 0 was asked) and the bytes of that wrong range.
    WrongContentRange,
    /// Answer with a redirect status (301, 302, 307...) to `location`.
    Redirect { code: u16, location: String },
}

/// One request as received; header names are lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header with this name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The strong ETag the server sends for `body`.
pub fn etag_of(body: &[u8]) -> String {
    // DefaultHasher::new() uses fixed keys, so the tag is stable for a given body.
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    format!("\"{:016x}\"", hasher.finish())
}

#[derive(Default)]
struct State {
    files: HashMap<String, Arc<[u8]>>,
    path_only_files: HashMap<String, Arc<[u8]>>,
    faults: HashMap<String, VecDeque<Fault>>,
    requests: Vec<Request>,
}

impl State {
    fn file(&self, target: &str) -> Option<Arc<[u8]>> {
        let found = self.files.get(target);
        found
            .or_else(|| self.path_only_files.get(path_of(target)))
            .cloned()
    }

    fn take_fault(&mut self, target: &str) -> Option<Fault> {
        [target, path_of(target)]
            .into_iter()
            .find_map(|key| self.faults.get_mut(key)?.pop_front())
    }
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    stopping: AtomicBool,
}

/// The server; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Mutex<Option<JoinHandle<()>>>,
}

impl TestServer {
    /// Binds 127.0.0.1 on a free port and serves on a background thread.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("listener address");
        let shared = Arc::new(Shared::default());
        let acceptor = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || accept_loop(listener, shared))
        };
        TestServer {
            addr,
            shared,
            acceptor: Mutex::new(Some(acceptor)),
        }
    }

    /// "http://127.0.0.1:PORT", without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `url()` followed by `path`.
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{path}", self.url())
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Serves `body` at exactly this request target, query string included.
    pub fn add_file(&self, path: &str, body: impl Into<Vec<u8>>) {
        lock(&self.shared.state)
            .files
            .insert(path.to_string(), body.into().into());
    }

    /// Serves `body` at this path whatever the query string; exact targets win.
    pub fn add_file_path_only(&self, path: &str, body: impl Into<Vec<u8>>) {
        let body = body.into().into();
        lock(&self.shared.state)
            .path_only_files
            .insert(path_of(path).to_string(), body);
    }

    /// Queues a fault for the next request to `path`. A key with a query string matches
    /// that exact target; a key without one also matches the path with any query string.
    pub fn add_fault(&self, path: &str, fault: Fault) {
        let mut state = lock(&self.shared.state);
        state
            .faults
            .entry(path.to_string())
            .or_default()
            .push_back(fault);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.shared.state).requests.clone()
    }

    /// The requests whose target is exactly `path`.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        let state = lock(&self.shared.state);
        state
            .requests
            .iter()
            .filter(|r| r.target == path)
            .cloned()
            .collect()
    }

    /// Closes the listener so the port refuses connections. Connections already accepted
    /// are finished by their own threads.
    pub fn stop(&self) {
        let Some(acceptor) = lock(&self.acceptor).take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // accept() has no timeout in std; a throwaway connection wakes it to see the flag.
        let _ = TcpStream::connect(self.addr);
        let _ = acceptor.join();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A test that panicked while holding the lock must not cascade into every other request.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn path_of(target: &str) -> &str {
    target.split_once('?').map_or(target, |(path, _)| path)
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let shared = Arc::clone(&shared);
        // Errors only mean the client went away or misbehaved; the connection is dropped.
        thread::spawn(move || {
            let _ = handle(&stream, &shared);
        });
    }
}

fn handle(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    // Bound how long a silent client can pin a thread; Stall sleeps, which is unaffected.
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let req = read_request(&mut reader)?;
    // Closing with unread input makes the kernel send RST, which can destroy the response
    // before the client reads it, so a declared body is read and discarded.
    if let Some(len) = req.header("content-length").and_then(|v| v.parse().ok()) {
        io::copy(&mut (&mut reader).take(len), &mut io::sink())?;
    }
    let fault = {
        let mut state = lock(&shared.state);
        state.requests.push(req.clone());
        state.take_fault(&req.target)
    };
    let abrupt = matches!(fault, Some(Fault::ResetAfter(_)));
    respond(stream, shared, &req, fault)?;
    if abrupt {
        return Ok(());
    }
    // Lingering close: FIN first, then wait for the client's FIN so late input cannot
    // turn into a reset either.
    stream.shutdown(Shutdown::Write)?;
    io::copy(&mut reader, &mut io::sink()).map(drop)
}

/// Reads the head up to the blank line; a malformed one drops the connection.
fn read_request(reader: &mut impl BufRead) -> io::Result<Request> {
    let malformed = || io::Error::from(io::ErrorKind::InvalidData);
    let mut lines = Vec::new();
    loop {
        let mut raw = Vec::new();
        if reader.read_until(b'\n', &mut raw)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        match line.is_empty() {
            // RFC 9112 §2.2: ignore empty lines before the request line.
            true if lines.is_empty() => continue,
            true => break,
            false => lines.push(line.to_string()),
        }
    }
    let words: Vec<&str> = lines[0].split_whitespace().collect();
    let [method, target, version] = words[..] else {
        return Err(malformed());
    };
    if !version.starts_with("HTTP/1.") {
        return Err(malformed());
    }
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let (name, value) = line.split_once(':').ok_or_else(malformed)?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Ok(Request {
        method: method.into(),
        target: target.into(),
        headers,
    })
}

enum Range {
    Full,
    /// Inclusive bounds, both inside the file.
    Part(usize, usize),
    Unsatisfiable,
}

fn respond(
    stream: &TcpStream,
    shared: &Shared,
    req: &Request,
    fault: Option<Fault>,
) -> io::Result<()> {
    let head_only = req.method == "HEAD";
    if req.method != "GET" && !head_only {
        let allow = [("Allow", "GET, HEAD".to_string())];
        return send(stream, 405, &allow, b"method not allowed\n", false);
    }
    match &fault {
        Some(Fault::Status { code, retry_after }) => {
            let extra: Vec<_> = retry_after
                .iter()
                .map(|v| ("Retry-After", v.clone()))
                .collect();
            return send(stream, *code, &extra, b"injected fault\n", head_only);
        }
        Some(Fault::Redirect { code, location }) => {
            let extra = [("Location", location.clone())];
            return send(stream, *code, &extra, b"redirecting\n", head_only);
        }
        _ => {}
    }
    let Some(file) = lock(&shared.state).file(&req.target) else {
        return send(stream, 404, &[], b"not found\n", head_only);
    };
    let total = file.len();
    let etag = etag_of(&file);
    let mut extra = vec![
        ("ETag", etag.clone()),
        ("Last-Modified", LAST_MODIFIED.to_string()),
        ("Accept-Ranges", "bytes".to_string()),
    ];
    if not_modified(req, &etag) {
        // RFC 9110 §8.6 lets a 304 state the length a 200 would have; no body follows.
        return write_head(stream, 304, total, &extra);
    }
    let mut range = requested_range(req, &etag, total);
    match fault {
        Some(Fault::IgnoreRange) => range = Range::Full,
        Some(Fault::WrongContentRange) if total > 0 => {
            let asked_nonzero = matches!(range, Range::Part(start, _) if start > 0);
            range = Range::Part(if asked_nonzero { 0 } else { total / 2 }, total - 1);
        }
        _ => {}
    }
    let (status, start, end) = match range {
        Range::Full => (200, 0, total),
        Range::Part(first, last) => {
            extra.push(("Content-Range", format!("bytes {first}-{last}/{total}")));
            (206, first, last + 1)
        }
        Range::Unsatisfiable => {
            extra.push(("Content-Range", format!("bytes */{total}")));
            return send(stream, 416, &extra, b"", head_only);
        }
    };
    let mut body = file[start..end].to_vec();
    if let Some(Fault::CorruptByte(at)) = fault
        && (start..end).contains(&at)
    {
        body[at - start] = !body[at - start];
    }
    write_head(stream, status, body.len(), &extra)?;
    if head_only {
        return Ok(());
    }
    let mut out = stream;
    match fault {
        Some(Fault::ResetAfter(n) | Fault::ShortBody(n)) => {
            out.write_all(&body[..n.min(body.len())])
        }
        Some(Fault::Stall { after, duration }) => {
            let (now, later) = body.split_at(after.min(body.len()));
            out.write_all(now)?;
            thread::sleep(duration);
            out.write_all(later)
        }
        _ => out.write_all(&body),
    }
}

/// If-None-Match uses weak comparison and, when present, overrides If-Modified-Since.
fn not_modified(req: &Request, etag: &str) -> bool {
    match req.header("if-none-match") {
        Some(tags) => tags
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == etag),
        None => req.header("if-modified-since") == Some(LAST_MODIFIED),
    }
}

/// Single ranges only; anything else is ignored (full 200), which RFC 9110 permits.
fn requested_range(req: &Request, etag: &str, total: usize) -> Range {
    let Some(spec) = req.header("range") else {
        return Range::Full;
    };
    // A resume validated against another version of the file must restart from scratch.
    if req
        .header("if-range")
        .is_some_and(|v| v != etag && v != LAST_MODIFIED)
    {
        return Range::Full;
    }
    let Some((first, last)) = spec.strip_prefix("bytes=").and_then(|s| s.split_once('-')) else {
        return Range::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    let (start, end) = match (first.parse::<usize>(), last.parse::<usize>()) {
        (Ok(start), _) if last.is_empty() => (start, usize::MAX),
        (Ok(start), Ok(end)) if end >= start => (start, end),
        // "bytes=-N": the last N bytes.
        (_, Ok(n)) if first.is_empty() && n > 0 => (total.saturating_sub(n), usize::MAX),
        _ => return Range::Full,
    };
    if start >= total {
        return Range::Unsatisfiable;
    }
    Range::Part(start, end.min(total - 1))
}

fn send(
    mut stream: &TcpStream,
    code: u16,
    extra: &[(&str, String)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    write_head(stream, code, body.len(), extra)?;
    stream.write_all(if head_only { b"" } else { body })
}

fn write_head(
    mut stream: &TcpStream,
    code: u16,
    len: usize,
    extra: &[(&str, String)],
) -> io::Result<()> {
    let reason = match code {
        200 => "OK",
        206 => "Partial Content",
        304 => "Not Modified",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        // Clients ignore the reason phrase, so injected statuses need no exact one.
        _ => "Test Server",
    };
    let mut head =
        format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {len}\r\nConnection: close\r\n");
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())
}
