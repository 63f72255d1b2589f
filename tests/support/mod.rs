#![allow(dead_code)]

pub mod binaries;
pub mod fake_go;
pub mod goproxy;
pub mod harness;
pub mod http_server;
pub mod patched;
pub mod scrubbed;
pub mod tls_server;
