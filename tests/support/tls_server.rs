//! A TLS-terminating loopback proxy in front of a [`TestServer`](super::http_server::TestServer).
//!
//! gopin's TLS behaviour (a clear, unretried error for an untrusted certificate, trusting a CA
//! named by `SSL_CERT_FILE`, refusing a redirect from https to http) must be tested without the
//! internet. This proxy gives the plain test server an https face: a fresh self-signed CA per
//! server, a certificate for `127.0.0.1` and `localhost` signed by it, and plaintext piped both
//! ways to the backend. The CA is trusted only where a test says so, through
//! [`TlsServer::write_ca_pem`].
//!
//! std threads only: one acceptor, and a thread pair per connection sharing the
//! `ServerConnection` behind a mutex. Socket reads happen outside the lock, so neither
//! direction can starve the other. The backend is dialled only after a successful handshake,
//! so a client that rejects the certificate never reaches it.

use rustls::ServerConnection;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The proxy; it stops accepting when dropped.
pub struct TlsServer {
    addr: SocketAddr,
    ca_pem: String,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl TlsServer {
    /// Generates a CA and a server certificate, listens on 127.0.0.1:0 and forwards every
    /// connection to 127.0.0.1:`backend_port` after the TLS handshake.
    pub fn start(backend_port: u16) -> TlsServer {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params.distinguished_name = rcgen::DistinguishedName::new();
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "gopin test CA");
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(names)
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let stopping = Arc::new(AtomicBool::new(false));
        let (config, flag) = (Arc::new(config), Arc::clone(&stopping));
        let acceptor = thread::spawn(move || {
            for client in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (config, flag) = (Arc::clone(&config), Arc::clone(&flag));
                // Errors mean a client went away or rejected us; only that connection ends.
                thread::spawn(move || proxy(client, config, backend_port, &flag));
            }
        });
        TlsServer {
            addr,
            ca_pem: ca_cert.pem(),
            stopping,
            acceptor: Some(acceptor),
        }
    }

    /// "https://127.0.0.1:PORT", without a trailing slash.
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Writes the CA certificate to `dir/ca.pem`, for `SSL_CERT_FILE`.
    pub fn write_ca_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write ca.pem");
        path
    }

    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // accept() has no timeout in std; a throwaway connection wakes it to see the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock(conn: &Mutex<ServerConnection>) -> MutexGuard<'_, ServerConnection> {
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn proxy(
    mut client: TcpStream,
    config: Arc<rustls::ServerConfig>,
    backend_port: u16,
    stopping: &AtomicBool,
) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(10)))?;
    client.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut conn = ServerConnection::new(config).map_err(io::Error::other)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut client)?;
    }
    let backend = TcpStream::connect(("127.0.0.1", backend_port))?;
    // A short timeout only so that an idle client read notices the server being dropped.
    client.set_read_timeout(Some(Duration::from_millis(200)))?;
    let conn = Arc::new(Mutex::new(conn));
    let downstream = {
        let (conn, client, backend) = (conn.clone(), client.try_clone()?, backend.try_clone()?);
        thread::spawn(move || pipe_downstream(&conn, client, backend))
    };
    let upstream = pipe_upstream(&conn, &mut client, &backend, stopping);
    // The client is gone (or broke the protocol): let the backend see EOF.
    let _ = backend.shutdown(Shutdown::Write);
    let _ = downstream.join();
    upstream
}

/// Backend to client; when the backend closes, close_notify and then FIN.
fn pipe_downstream(
    conn: &Mutex<ServerConnection>,
    mut client: TcpStream,
    mut backend: TcpStream,
) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = backend.read(&mut buf).unwrap_or(0);
        let mut conn = lock(conn);
        match n {
            0 => conn.send_close_notify(),
            n => conn.writer().write_all(&buf[..n])?,
        }
        while conn.wants_write() {
            conn.write_tls(&mut client)?;
        }
        if n == 0 {
            return client.shutdown(Shutdown::Write);
        }
    }
}

/// Client to backend until the client sends close_notify or closes the connection.
fn pipe_upstream(
    conn: &Mutex<ServerConnection>,
    client: &mut TcpStream,
    mut backend: &TcpStream,
    stopping: &AtomicBool,
) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    // The handshake may already have buffered the first request, so drain before reading.
    let mut n = 0;
    loop {
        let (plain, closed) = decrypt(&mut lock(conn), &buf[..n], client)?;
        backend.write_all(&plain)?;
        if closed {
            return Ok(());
        }
        n = match client.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                match stopping.load(Ordering::SeqCst) {
                    true => return Ok(()),
                    false => 0,
                }
            }
            Err(e) => return Err(e),
        };
    }
}

/// Feeds TLS bytes from the client and returns the plaintext now available, and whether the
/// client has sent close_notify.
fn decrypt(
    conn: &mut ServerConnection,
    mut tls: &[u8],
    client: &mut TcpStream,
) -> io::Result<(Vec<u8>, bool)> {
    while !tls.is_empty() {
        conn.read_tls(&mut tls)?;
        let state = conn.process_new_packets();
        // Send any alert a failure produced before giving up.
        while conn.wants_write() {
            conn.write_tls(client)?;
        }
        state.map_err(io::Error::other)?;
    }
    let (mut plain, mut chunk) = (Vec::new(), [0u8; 16 * 1024]);
    loop {
        match conn.reader().read(&mut chunk) {
            // Ok(0) is close_notify; WouldBlock, no more plaintext yet.
            Ok(0) => return Ok((plain, true)),
            Ok(got) => plain.extend_from_slice(&chunk[..got]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok((plain, false)),
            Err(e) => return Err(e),
        }
    }
}
