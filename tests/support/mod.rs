#![allow(dead_code)]

pub mod http_server;
pub mod tls_server;
