//! Variables a test's gopin must not inherit from the machine running the tests: gopin's own
//! settings, Go's, TLS trust and proxies. Each suite removes them, then sets what it means.

pub const VARIABLES: &[&str] = &[
    "GOPIN_OFFLINE",
    "GOPIN_RETRIES",
    "GOPIN_VULNDB_URL",
    "GOPIN_INDEX_TIMEOUT",
    "GOPIN_TOOLCHAIN",
    "GOPIN_AUTO_INSTALL",
    "GOTOOLCHAIN",
    "GOWORK",
    "GOROOT",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];
