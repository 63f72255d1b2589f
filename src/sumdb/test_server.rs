//! A loopback HTTP server for the client's unit tests: canned answers by path (404 for
//! anything else), a log of the paths asked. 127.0.0.1 only, one thread per connection,
//! `Connection: close` on every answer.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct State {
    answers: HashMap<String, (u16, Vec<u8>)>,
    log: Vec<String>,
}

pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stopping: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let stopping = Arc::new(AtomicBool::new(false));
        let (shared, stop) = (state.clone(), stopping.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Server {
            addr,
            state,
            stopping,
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers `path` (starting with `/`) with 200 and `body`.
    pub fn put(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.answer(path, 200, body);
    }

    pub fn answer(&self, path: &str, status: u16, body: impl Into<Vec<u8>>) {
        let mut state = self.state.lock().unwrap();
        state.answers.insert(path.to_owned(), (status, body.into()));
    }

    pub fn remove(&self, path: &str) {
        self.state.lock().unwrap().answers.remove(path);
    }

    /// The paths asked, in order.
    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Skip the headers.
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = line.split(' ').nth(1).unwrap_or("").to_owned();
    let (status, body) = {
        let mut state = state.lock().unwrap();
        state.log.push(path.clone());
        state
            .answers
            .get(&path)
            .cloned()
            .unwrap_or((404, b"not found\n".to_vec()))
    };
    let mut out = &stream;
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(&body);
    let _ = out.flush();
}
