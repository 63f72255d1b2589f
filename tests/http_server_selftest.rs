//! Tests of the loopback test server itself, with hand-written requests over raw TCP so a
//! bug in the server cannot be masked by a forgiving HTTP client.

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::http_server::{Fault, LAST_MODIFIED, TestServer, etag_of};

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> usize {
        self.header("content-length")
            .expect("Content-Length")
            .parse()
            .unwrap()
    }
}

fn connect(server: &TestServer) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads until EOF; a reset after some data counts as the end, like a short body.
fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return data,
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return data,
            Err(e) => panic!("read failed: {e}"),
        }
    }
}

fn parse(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of head");
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').expect("header line");
            (n.to_string(), v.trim().to_string())
        })
        .collect();
    Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn raw_request(server: &TestServer, request: &str) -> Response {
    let mut stream = connect(server);
    stream.write_all(request.as_bytes()).unwrap();
    parse(&read_all(&mut stream))
}

fn request(server: &TestServer, method: &str, target: &str, headers: &[(&str, &str)]) -> Response {
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    raw_request(server, &req)
}

fn get(server: &TestServer, target: &str, headers: &[(&str, &str)]) -> Response {
    request(server, "GET", target, headers)
}

/// 1000 bytes that differ at every offset modulo 251, so a misplaced range shows up.
fn sample() -> Vec<u8> {
    (0..1000u32).map(|i| (i % 251) as u8).collect()
}

fn server_with_sample() -> TestServer {
    let server = TestServer::start();
    server.add_file("/go.tar.gz", sample());
    server
}

#[test]
fn url_and_port_point_at_loopback() {
    let server = TestServer::start();
    assert_eq!(server.url(), format!("http://127.0.0.1:{}", server.port()));
    assert_eq!(
        server.url_for("/dl/"),
        format!("http://127.0.0.1:{}/dl/", server.port())
    );
}

#[test]
fn get_serves_body_with_validators() {
    let server = server_with_sample();
    let resp = get(&server, "/go.tar.gz", &[]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, sample());
    assert_eq!(resp.content_length(), 1000);
    assert_eq!(resp.header("connection"), Some("close"));
    assert_eq!(resp.header("accept-ranges"), Some("bytes"));
    assert_eq!(resp.header("last-modified"), Some(LAST_MODIFIED));
    let etag = resp.header("etag").unwrap();
    assert_eq!(etag, etag_of(&sample()));
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "{etag}"
    );
}

#[test]
fn head_sends_headers_without_body() {
    let server = server_with_sample();
    let resp = request(&server, "HEAD", "/go.tar.gz", &[]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_length(), 1000);
    assert!(resp.body.is_empty());
    assert_eq!(resp.header("etag").unwrap(), etag_of(&sample()));
}

#[test]
fn unknown_path_is_404_with_body() {
    let server = server_with_sample();
    let resp = get(&server, "/missing", &[]);
    assert_eq!(resp.status, 404);
    assert!(!resp.body.is_empty());
    assert_eq!(resp.content_length(), resp.body.len());
    assert_eq!(resp.header("connection"), Some("close"));
}

#[test]
fn other_methods_are_405() {
    let server = server_with_sample();
    let resp = request(&server, "DELETE", "/go.tar.gz", &[]);
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("allow"), Some("GET, HEAD"));
}

#[test]
fn query_string_is_part_of_the_match() {
    let server = TestServer::start();
    server.add_file("/dl/?mode=json&include=all", "[all]");
    server.add_file("/dl/?mode=json", "[stable]");
    assert_eq!(
        get(&server, "/dl/?mode=json&include=all", &[]).body,
        b"[all]"
    );
    assert_eq!(get(&server, "/dl/?mode=json", &[]).body, b"[stable]");
    assert_eq!(get(&server, "/dl/", &[]).status, 404);
}

#[test]
fn path_only_file_ignores_query_but_exact_targets_win() {
    let server = TestServer::start();
    server.add_file_path_only("/dl/", "any");
    server.add_file("/dl/?mode=json", "exact");
    assert_eq!(get(&server, "/dl/?x=1", &[]).body, b"any");
    assert_eq!(get(&server, "/dl/", &[]).body, b"any");
    assert_eq!(get(&server, "/dl/?mode=json", &[]).body, b"exact");
}

#[test]
fn add_file_replaces_body_and_etag() {
    let server = TestServer::start();
    server.add_file("/f", "one");
    let first = get(&server, "/f", &[]);
    server.add_file("/f", "two!");
    let second = get(&server, "/f", &[]);
    assert_eq!(second.body, b"two!");
    assert_eq!(second.content_length(), 4);
    assert_ne!(first.header("etag"), second.header("etag"));
}

#[test]
fn if_none_match_with_current_etag_is_304() {
    let server = server_with_sample();
    let etag = etag_of(&sample());
    let resp = get(&server, "/go.tar.gz", &[("If-None-Match", &etag)]);
    assert_eq!(resp.status, 304);
    assert!(resp.body.is_empty());
    assert_eq!(resp.header("etag"), Some(etag.as_str()));
    assert_eq!(resp.header("connection"), Some("close"));
    assert!(resp.header("content-length").is_some());

    let weak = format!("\"other\", W/{etag}");
    assert_eq!(
        get(&server, "/go.tar.gz", &[("if-none-match", &weak)]).status,
        304
    );
}

#[test]
fn if_none_match_with_stale_etag_is_200() {
    let server = server_with_sample();
    let resp = get(&server, "/go.tar.gz", &[("If-None-Match", "\"stale\"")]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, sample());
}

#[test]
fn if_modified_since_is_304_only_without_if_none_match() {
    let server = server_with_sample();
    let resp = get(
        &server,
        "/go.tar.gz",
        &[("If-Modified-Since", LAST_MODIFIED)],
    );
    assert_eq!(resp.status, 304);
    assert!(resp.body.is_empty());

    let other_date = get(
        &server,
        "/go.tar.gz",
        &[("If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT")],
    );
    assert_eq!(other_date.status, 200);

    let both = [
        ("If-None-Match", "\"stale\""),
        ("If-Modified-Since", LAST_MODIFIED),
    ];
    assert_eq!(get(&server, "/go.tar.gz", &both).status, 200);
}

#[test]
fn open_ended_range_is_206() {
    let server = server_with_sample();
    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=100-")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 100-999/1000"));
    assert_eq!(resp.content_length(), 900);
    assert_eq!(resp.body, &sample()[100..]);
}

#[test]
fn closed_range_is_206_and_clamped_to_the_end() {
    let server = server_with_sample();
    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=10-19")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 10-19/1000"));
    assert_eq!(resp.body, &sample()[10..20]);

    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=990-5000")]);
    assert_eq!(resp.header("content-range"), Some("bytes 990-999/1000"));
    assert_eq!(resp.body, &sample()[990..]);
}

#[test]
fn suffix_range_serves_the_tail() {
    let server = server_with_sample();
    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=-10")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 990-999/1000"));
    assert_eq!(resp.body, &sample()[990..]);
}

#[test]
fn range_starting_at_or_past_the_end_is_416() {
    let server = server_with_sample();
    for spec in ["bytes=1000-", "bytes=5000-6000"] {
        let resp = get(&server, "/go.tar.gz", &[("Range", spec)]);
        assert_eq!(resp.status, 416, "{spec}");
        assert_eq!(resp.header("content-range"), Some("bytes */1000"), "{spec}");
        assert!(resp.body.is_empty());
    }
}

#[test]
fn malformed_range_is_ignored() {
    let server = server_with_sample();
    for spec in [
        "bytes=abc-",
        "items=0-10",
        "bytes=20-10",
        "bytes=0-1,5-6",
        "bytes=-",
        "bytes=-0",
    ] {
        let resp = get(&server, "/go.tar.gz", &[("Range", spec)]);
        assert_eq!(resp.status, 200, "{spec}");
        assert_eq!(resp.body, sample(), "{spec}");
        assert_eq!(resp.header("content-range"), None, "{spec}");
    }
}

#[test]
fn if_range_with_another_version_serves_the_full_body() {
    let server = server_with_sample();
    let etag = etag_of(&sample());
    let matching = get(
        &server,
        "/go.tar.gz",
        &[("Range", "bytes=500-"), ("If-Range", &etag)],
    );
    assert_eq!(matching.status, 206);
    let stale = get(
        &server,
        "/go.tar.gz",
        &[("Range", "bytes=500-"), ("If-Range", "\"old\"")],
    );
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, sample());
}

#[test]
fn requests_are_recorded_in_order_with_lowercase_names() {
    let server = server_with_sample();
    get(&server, "/go.tar.gz", &[("X-Probe", "first")]);
    get(&server, "/other?q=1", &[]);
    request(&server, "HEAD", "/go.tar.gz", &[("Range", "bytes=1-")]);

    let all = server.requests();
    let targets: Vec<_> = all
        .iter()
        .map(|r| (r.method.as_str(), r.target.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            ("GET", "/go.tar.gz"),
            ("GET", "/other?q=1"),
            ("HEAD", "/go.tar.gz")
        ]
    );
    assert!(
        all[0]
            .headers
            .contains(&("x-probe".to_string(), "first".to_string()))
    );
    assert_eq!(all[0].header("X-PROBE"), Some("first"));
    assert_eq!(all[0].header("range"), None);

    let mine = server.requests_for("/go.tar.gz");
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[1].header("Range"), Some("bytes=1-"));
    assert!(server.requests_for("/other").is_empty());
}

#[test]
fn stop_makes_the_port_refuse_connections() {
    let server = server_with_sample();
    assert_eq!(get(&server, "/go.tar.gz", &[]).status, 200);
    server.stop();
    let err = TcpStream::connect(("127.0.0.1", server.port())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    server.stop(); // idempotent
}

#[test]
fn drop_makes_the_port_refuse_connections() {
    let port = TestServer::start().port();
    let err = TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn fault_reset_after_sends_a_prefix_then_closes() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::ResetAfter(100));
    let resp = get(&server, "/go.tar.gz", &[]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_length(), 1000);
    assert_eq!(resp.body, &sample()[..100]);
}

#[test]
fn fault_reset_after_applies_to_the_ranged_body() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::ResetAfter(50));
    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=600-")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 600-999/1000"));
    assert_eq!(resp.content_length(), 400);
    assert_eq!(resp.body, &sample()[600..650]);
}

#[test]
fn fault_status_with_and_without_retry_after() {
    let server = server_with_sample();
    server.add_fault(
        "/go.tar.gz",
        Fault::Status {
            code: 503,
            retry_after: Some("2".into()),
        },
    );
    server.add_fault(
        "/go.tar.gz",
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    );
    let first = get(&server, "/go.tar.gz", &[]);
    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("2"));
    assert_eq!(first.content_length(), first.body.len());
    assert!(!first.body.is_empty());
    let second = get(&server, "/go.tar.gz", &[]);
    assert_eq!(second.status, 500);
    assert_eq!(second.header("retry-after"), None);
}

#[test]
fn fault_status_works_for_paths_without_a_file() {
    let server = TestServer::start();
    server.add_fault(
        "/nothing",
        Fault::Status {
            code: 429,
            retry_after: Some("1".into()),
        },
    );
    assert_eq!(get(&server, "/nothing", &[]).status, 429);
    assert_eq!(get(&server, "/nothing", &[]).status, 404);
}

#[test]
fn fault_ignore_range_answers_200_with_everything() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::IgnoreRange);
    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=500-")]);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-range"), None);
    assert_eq!(resp.body, sample());
}

#[test]
fn fault_corrupt_byte_flips_the_absolute_offset() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::CorruptByte(700));
    server.add_fault("/go.tar.gz", Fault::CorruptByte(700));
    server.add_fault("/go.tar.gz", Fault::CorruptByte(10));

    let full = get(&server, "/go.tar.gz", &[]);
    let mut expected = sample();
    expected[700] = !expected[700];
    assert_eq!(full.body, expected);

    let ranged = get(&server, "/go.tar.gz", &[("Range", "bytes=600-")]);
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body, &expected[600..]);

    let outside = get(&server, "/go.tar.gz", &[("Range", "bytes=600-")]);
    assert_eq!(outside.body, &sample()[600..]);
}

#[test]
fn fault_stall_pauses_mid_body_then_completes() {
    let server = server_with_sample();
    let pause = Duration::from_millis(600);
    server.add_fault(
        "/go.tar.gz",
        Fault::Stall {
            after: 100,
            duration: pause,
        },
    );
    let mut stream = connect(&server);
    let started = Instant::now();
    stream
        .write_all(b"GET /go.tar.gz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();

    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed during the stall");
        data.extend_from_slice(&buf[..n]);
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n")
            && data.len() >= end + 4 + 100
        {
            break end + 4;
        }
    };
    assert!(
        started.elapsed() < pause,
        "prefix arrived only after the stall"
    );
    assert_eq!(
        data.len(),
        head_end + 100,
        "more than the prefix came before the stall"
    );

    data.extend(read_all(&mut stream));
    assert!(started.elapsed() >= pause);
    let resp = parse(&data);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, sample());
}

#[test]
fn stalled_connection_does_not_block_others() {
    let server = server_with_sample();
    server.add_fault(
        "/go.tar.gz",
        Fault::Stall {
            after: 0,
            duration: Duration::from_secs(3),
        },
    );
    let stalled = std::thread::spawn({
        let port = server.port();
        move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET /go.tar.gz HTTP/1.1\r\n\r\n").unwrap();
            parse(&read_all(&mut s)).body.len()
        }
    });
    while server.requests().is_empty() {
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = Instant::now();
    assert_eq!(get(&server, "/go.tar.gz", &[]).body, sample());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(stalled.join().unwrap(), 1000);
}

#[test]
fn fault_short_body_declares_full_length_and_ends_cleanly() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::ShortBody(300));
    let mut stream = connect(&server);
    stream
        .write_all(b"GET /go.tar.gz HTTP/1.1\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    // read_to_end fails on a reset, so this also proves the close was a FIN.
    stream.read_to_end(&mut raw).unwrap();
    let resp = parse(&raw);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.content_length(), 1000);
    assert_eq!(resp.body, &sample()[..300]);
}

#[test]
fn fault_wrong_content_range_starts_elsewhere() {
    let server = server_with_sample();
    server.add_fault("/go.tar.gz", Fault::WrongContentRange);
    server.add_fault("/go.tar.gz", Fault::WrongContentRange);

    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=400-")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 0-999/1000"));
    assert_eq!(resp.body, sample());

    let resp = get(&server, "/go.tar.gz", &[("Range", "bytes=0-")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.header("content-range"), Some("bytes 500-999/1000"));
    assert_eq!(resp.body, &sample()[500..]);
}

#[test]
fn fault_redirect_sends_location() {
    let server = server_with_sample();
    let location = server.url_for("/go.tar.gz");
    server.add_fault(
        "/dl/go.tar.gz",
        Fault::Redirect {
            code: 302,
            location: location.clone(),
        },
    );
    let resp = get(&server, "/dl/go.tar.gz", &[]);
    assert_eq!(resp.status, 302);
    assert_eq!(resp.header("location"), Some(location.as_str()));
    assert_eq!(resp.content_length(), resp.body.len());
}

#[test]
fn faults_are_consumed_in_order_then_service_is_normal() {
    let server = server_with_sample();
    server.add_fault(
        "/go.tar.gz",
        Fault::Status {
            code: 503,
            retry_after: None,
        },
    );
    server.add_fault("/go.tar.gz", Fault::ShortBody(10));
    get(&server, "/other", &[]); // faults belong to their path only
    assert_eq!(get(&server, "/go.tar.gz", &[]).status, 503);
    assert_eq!(get(&server, "/go.tar.gz", &[]).body.len(), 10);
    assert_eq!(get(&server, "/go.tar.gz", &[]).body, sample());
    assert_eq!(get(&server, "/go.tar.gz", &[]).body, sample());
}

#[test]
fn fault_key_without_query_matches_any_query() {
    let server = TestServer::start();
    server.add_file("/dl/?mode=json", "[]");
    server.add_fault(
        "/dl/",
        Fault::Status {
            code: 500,
            retry_after: None,
        },
    );
    server.add_fault(
        "/dl/?mode=json&include=all",
        Fault::Status {
            code: 502,
            retry_after: None,
        },
    );
    assert_eq!(get(&server, "/dl/?mode=json", &[]).status, 500);
    assert_eq!(get(&server, "/dl/?mode=json", &[]).status, 200);
    assert_eq!(get(&server, "/dl/?mode=json&include=all", &[]).status, 502);
}

#[test]
fn early_disconnects_do_not_break_the_server() {
    let server = TestServer::start();
    server.add_file("/big", vec![7u8; 8 << 20]);
    drop(connect(&server));
    connect(&server).write_all(b"GET /big HT").unwrap();
    {
        let mut s = connect(&server);
        s.write_all(b"GET /big HTTP/1.1\r\n\r\n").unwrap();
        let mut buf = [0u8; 16];
        s.read_exact(&mut buf).unwrap();
    }
    {
        server.add_fault(
            "/big",
            Fault::Stall {
                after: 10,
                duration: Duration::from_millis(200),
            },
        );
        let mut s = connect(&server);
        s.write_all(b"GET /big HTTP/1.1\r\n\r\n").unwrap();
        let mut buf = [0u8; 16];
        s.read_exact(&mut buf).unwrap();
    }
    std::thread::sleep(Duration::from_millis(400));
    let resp = get(&server, "/big", &[("Range", "bytes=-3")]);
    assert_eq!(resp.status, 206);
    assert_eq!(resp.body, [7, 7, 7]);
}

#[test]
fn request_head_split_across_writes_and_bodies_are_handled() {
    let server = server_with_sample();
    let mut s = connect(&server);
    for part in [
        "\r\nGET /go.t",
        "ar.gz HTTP/1.1\r\nRan",
        "ge: bytes=1-2\r\nContent-Length: 5\r\n",
        "\r\nhello",
    ] {
        s.write_all(part.as_bytes()).unwrap();
        s.flush().unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    let resp = parse(&read_all(&mut s));
    assert_eq!(resp.status, 206);
    assert_eq!(resp.body, &sample()[1..3]);
    assert_eq!(server.requests()[0].header("content-length"), Some("5"));
}

#[test]
fn malformed_request_is_dropped_without_killing_the_server() {
    let server = server_with_sample();
    let mut s = connect(&server);
    s.write_all(b"NONSENSE\r\n\r\n").unwrap();
    assert!(read_all(&mut s).is_empty());
    assert!(server.requests().is_empty());
    assert_eq!(get(&server, "/go.tar.gz", &[]).status, 200);
}

#[test]
fn bare_lf_line_endings_are_accepted() {
    let server = server_with_sample();
    let resp = raw_request(&server, "GET /go.tar.gz HTTP/1.0\nRange: bytes=5-9\n\n");
    assert_eq!(resp.status, 206);
    assert_eq!(resp.body, &sample()[5..10]);
}

#[test]
fn late_client_input_does_not_reset_the_response() {
    let server = TestServer::start();
    server.add_file("/big", vec![7u8; 8 << 20]);
    let mut s = connect(&server);
    s.write_all(b"GET /big HTTP/1.1\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    // Unread input at close would make the kernel reset the connection and drop the tail.
    s.write_all(b"stray bytes after the request").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    assert_eq!(parse(&raw).body.len(), 8 << 20);
}
