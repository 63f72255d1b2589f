//! The one list of variables a test's process must not inherit from the machine running the
//! tests: gopin's own settings, Go's, where the user's files live, TLS trust, proxies and the
//! shell. [`super::harness`] removes them all, then sets what the test means.
//! `harness_selftest` fails when gopin reads a `GOPIN_` variable missing here.

pub const VARIABLES: &[&str] = &[
    // gopin's own
    "GOPIN_OFFLINE",
    "GOPIN_RETRIES",
    "GOPIN_VULNDB_URL",
    "GOPIN_INDEX_TIMEOUT",
    "GOPIN_TOOLCHAIN",
    "GOPIN_AUTO_INSTALL",
    "GOPIN_CONNECT_TIMEOUT",
    "GOPIN_DOWNLOAD_URL",
    "GOPIN_HOME",
    "GOPIN_INDEX_URL",
    "GOPIN_PROGRESS",
    "GOPIN_READ_TIMEOUT",
    "GOPIN_SHELL_INTEGRATION",
    "GOPIN_SOURCE",
    "GOPIN_SUMDB_CHECK",
    "GOPIN_TEST_NO_RETRY_DELAY",
    "GOPIN_TEST_PAUSE",
    "GOPIN_UPDATE_COMPLETIONS",
    // Go's
    "GOTOOLCHAIN",
    "GOTOOLCHAIN_INTERNAL_SWITCH_VERSION",
    "GOWORK",
    "GOROOT",
    "GOPATH",
    "GOBIN",
    "GOMODCACHE",
    "GOCACHE",
    "GOPROXY",
    "GOSUMDB",
    "GONOSUMDB",
    "GONOPROXY",
    "GOPRIVATE",
    "GOINSECURE",
    "GOVCS",
    "GOENV",
    "GOFLAGS",
    "GODEBUG",
    "GOEXPERIMENT",
    "GOTELEMETRY",
    "GOOS",
    "GOARCH",
    // Where gopin and Go look for the user's files
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "LOCALAPPDATA",
    // TLS trust
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    // Proxies, in every case reqwest reads
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    // Set, it makes reqwest ignore HTTP_PROXY (the CGI rule)
    "REQUEST_METHOD",
    // The shell and the terminal
    "PWD",
    "OLDPWD",
    "SHELL",
    "ZDOTDIR",
    "NO_COLOR",
    // clap wraps help text to these
    "COLUMNS",
    "LINES",
    "CLICOLOR",
    "CLICOLOR_FORCE",
];
