//! Go's module settings, read the way the go command reads them, for toolchains fetched as the
//! module `golang.org/toolchain` (README: "Toolchains through a Go module proxy"): `GOPROXY`,
//! `GOSUMDB`, `GONOSUMDB`/`GOPRIVATE`, `GOPATH` and `GOMODCACHE`, each from the environment
//! when non-empty, then the user's `go env -w` file, then Go's defaults. Go keeps those
//! defaults in `$GOROOT/go.env`; gopin has no single GOROOT whose file it could read, so they
//! are written here.
//!
//! The parsers are pure and table-tested; [`GoSettings::read`] is the edge that reads the
//! environment and the file. Every bad value is an error naming the variable and where it came
//! from, because the go env file is easy to forget about.
//!
//! Go's other private-module switches do not apply to toolchains: `GONOPROXY` (Go would send a
//! matching module to its origin instead of GOPROXY) and `GOINSECURE` are not read at all, and
//! `GONOSUMDB`/`GOPRIVATE` matter only with a single `file://` GOPROXY, the one case where the
//! go command lets a toolchain skip the checksum database (PRODUCT.md section 9).

// Read by the goproxy source and the checksum database client (issue 10), which the install
// seam wires in; until then nothing outside the tests calls this.
#![allow(dead_code)]

use crate::error::user;
use crate::sumdb::note::Verifier;
use gopin_shim::Report;
use gopin_shim::goenv::{self, EnvFile, Origin};
use std::fmt;
use std::path::{Path, PathBuf};

/// The module the go command fetches toolchains as.
pub const TOOLCHAIN_MODULE: &str = "golang.org/toolchain";
/// `direct` for golang.org/toolchain: its origin (the go-import tag of golang.org/toolchain
/// says `mod`), which speaks the module proxy protocol.
pub const TOOLCHAIN_ORIGIN: &str = "https://go.dev/dl/mod";
pub const DEFAULT_GOPROXY: &str = "https://proxy.golang.org,direct";
pub const DEFAULT_GOSUMDB: &str = "sum.golang.org";
/// The one key Go knows by name (cmd/go/internal/modfetch/key.go).
pub const SUM_GOLANG_ORG_KEY: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
/// Go's alias for sum.golang.org reachable from mainland China: the same database (same name,
/// same key, same `latest`) at another URL.
const CHINA_ALIAS: &str = "sum.golang.google.cn";
const CHINA_URL: &str = "https://sum.golang.google.cn";

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Environment,
    /// The `go env -w` file and the 1-based line.
    File {
        path: PathBuf,
        line: usize,
    },
    /// Go's built-in default (or, for GONOSUMDB, nothing set).
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("the environment"),
            Source::File { path, line } => {
                write!(f, "the go env file {}:{line}", path.display())
            }
            Source::Default => f.write_str("Go's default"),
        }
    }
}

impl From<Origin> for Source {
    fn from(origin: Origin) -> Source {
        match origin {
            Origin::Environment => Source::Environment,
            Origin::File(path, line) => Source::File { path, line },
        }
    }
}

/// One variable: its parsed value, the text it was parsed from, and where that came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    /// The variable that gave the value (`GOPRIVATE` when it stands in for an unset
    /// `GONOSUMDB`).
    pub name: &'static str,
    pub raw: String,
    pub source: Source,
    pub value: T,
}

impl<T> Setting<T> {
    /// `GOSUMDB=off (from the environment)`: how messages name a setting.
    pub fn describe(&self) -> String {
        format!("{}={} (from {})", self.name, self.raw, self.source)
    }
}

/// One entry of GOPROXY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proxy {
    /// A module proxy, its trailing slash removed. `fall_back_on_error`: the entry was followed
    /// by `|`, so any error passes to the next entry; after `,` only "not found" (404, 410)
    /// does.
    Url {
        url: String,
        fall_back_on_error: bool,
    },
    /// The module's origin; ends the list.
    Direct,
    /// Fails every request; ends the list.
    Off,
}

impl Proxy {
    /// The base URL requests go to: for `direct`, golang.org/toolchain's origin.
    pub fn base_url(&self) -> Option<&str> {
        match self {
            Proxy::Url { url, .. } => Some(url),
            Proxy::Direct => Some(TOOLCHAIN_ORIGIN),
            Proxy::Off => None,
        }
    }

    /// Whether a failure other than "not found" may pass to the next entry.
    pub fn falls_back_on_error(&self) -> bool {
        matches!(
            self,
            Proxy::Url {
                fall_back_on_error: true,
                ..
            }
        )
    }
}

/// GOPROXY, parsed. Never empty: a list with no entry is `off`, as in Go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyList(pub Vec<Proxy>);

impl ProxyList {
    /// Parses GOPROXY as cmd/go/internal/modfetch/proxy.go does: entries split at `,` and `|`,
    /// trimmed, empty ones skipped; `off` and `direct` end the list (what follows is not even
    /// read); a token with `.`, `:` or `/` but no `:/` that is not an absolute path gets
    /// `https://`; anything else must be an http, https or file URL.
    pub fn parse(raw: &str) -> Result<ProxyList, String> {
        let mut list = Vec::new();
        let mut rest = raw;
        while !rest.is_empty() {
            let (entry, fall_back_on_error) = match rest.find([',', '|']) {
                Some(i) => {
                    let separator = rest.as_bytes()[i];
                    let entry = &rest[..i];
                    rest = &rest[i + 1..];
                    (entry, separator == b'|')
                }
                None => (std::mem::take(&mut rest), false),
            };
            let entry = entry.trim();
            match entry {
                "" => continue,
                "off" => {
                    list.push(Proxy::Off);
                    break;
                }
                "direct" => {
                    list.push(Proxy::Direct);
                    break;
                }
                _ => {}
            }
            let url = if entry.contains(['.', ':', '/'])
                && !entry.contains(":/")
                && !entry.starts_with('/')
                && !Path::new(entry).is_absolute()
            {
                format!("https://{entry}")
            } else {
                entry.to_owned()
            };
            check_url(&url, "proxy").map_err(|why| format!("{entry:?}: {why}"))?;
            list.push(Proxy::Url {
                url: trim_slashes(&url),
                fall_back_on_error,
            });
        }
        if list.is_empty() {
            list.push(Proxy::Off);
        }
        Ok(ProxyList(list))
    }

    pub fn entries(&self) -> &[Proxy] {
        &self.0
    }
}

/// A URL Go would fetch from: http or https with a host, or a `file://` URL that is only an
/// absolute path (Go's newProxyRepo rule; GOSUMDB URLs get the same check here, where Go
/// would only fail later, at the first request).
fn check_url(url: &str, what: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        format!("not a URL (a {what} is https://host/path, http://host/path or file:///path)")
    })?;
    match parsed.scheme() {
        "https" | "http" => {
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err("the URL has no host".to_owned());
            }
            if parsed.query().is_some() || parsed.fragment().is_some() {
                return Err("the URL has a query or fragment".to_owned());
            }
            Ok(())
        }
        "file" => {
            let path_only = parsed.host_str().is_none_or(str::is_empty)
                && parsed.username().is_empty()
                && parsed.password().is_none()
                && parsed.query().is_none()
                && parsed.fragment().is_none();
            if !path_only {
                return Err(
                    "a file:// URL must be only a path (file:///srv/goproxy), without host, query or fragment"
                        .to_owned(),
                );
            }
            Ok(())
        }
        other => Err(format!(
            "the scheme {other:?} is not https, http or file (a {what} is https://host/path, http://host/path or file:///path)"
        )),
    }
}

/// GOSUMDB, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sumdb {
    Off,
    Database(SumdbConfig),
}

/// A checksum database: its name (`host[/path]`, also the name its notes are signed under),
/// its key, and the URL written in GOSUMDB, if any (used directly, bypassing every proxy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SumdbConfig {
    pub name: String,
    pub key: Verifier,
    pub url: Option<String>,
}

impl SumdbConfig {
    /// `https://<name>`: where the database answers when no proxy serves it.
    pub fn direct_url(&self) -> String {
        format!("https://{}", self.name)
    }
}

/// Parses GOSUMDB as cmd/go/internal/modfetch/sumdb.go does: exactly `sum.golang.google.cn`
/// is `sum.golang.org https://sum.golang.google.cn`; exactly `off` is off; otherwise one or two
/// space-separated fields, a key (or `sum.golang.org`, the one name with a known key) and a
/// URL.
pub fn parse_gosumdb(raw: &str) -> Result<Sumdb, String> {
    let value = if raw == CHINA_ALIAS {
        format!("{DEFAULT_GOSUMDB} {CHINA_URL}")
    } else {
        raw.to_owned()
    };
    if value == "off" {
        return Ok(Sumdb::Off);
    }
    let fields: Vec<&str> = value.split_whitespace().collect();
    let (key, url) = match fields.as_slice() {
        [] => return Err("it names no database".to_owned()),
        [key] => (*key, None),
        [key, url] => (*key, Some(*url)),
        _ => {
            return Err(
                "too many fields: expected NAME+KEY, optionally followed by one URL".to_owned(),
            );
        }
    };
    let key = if key == DEFAULT_GOSUMDB {
        SUM_GOLANG_ORG_KEY
    } else {
        key
    };
    let key = Verifier::parse(key).map_err(|e| {
        format!("{e} (only {DEFAULT_GOSUMDB} and {CHINA_ALIAS} may be written without their key)")
    })?;
    if let Some(problem) = sumdb_name_problem(key.name()) {
        return Err(format!(
            "invalid checksum database name {:?} (it must be host[/path]): {problem}",
            key.name()
        ));
    }
    let url = match url {
        Some(url) => {
            check_url(url, "checksum database URL").map_err(|why| format!("{url:?}: {why}"))?;
            Some(trim_slashes(url))
        }
        None => None,
    };
    Ok(Sumdb::Database(SumdbConfig {
        name: key.name().to_owned(),
        key,
        url,
    }))
}

/// Why a database name is not `host[/path]`. Go's rule (the name must survive as the host and
/// path of `https://<name>` unchanged) plus what makes it safe as folders under
/// `root/sumdb/` and `root/cache/sumdb/`: plain segments, no `.` or `..`, no escapes.
pub fn sumdb_name_problem(name: &str) -> Option<&'static str> {
    let (host, path) = match name.split_once('/') {
        Some((host, path)) => (host, Some(path)),
        None => (name, None),
    };
    if host.is_empty() {
        return Some("the host is empty");
    }
    let host_ok = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':'))
        && !host.starts_with(['.', '-', ':'])
        && host.split(':').count() <= 2
        && host
            .split_once(':')
            .is_none_or(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()));
    if !host_ok {
        return Some("the host holds characters a host name cannot");
    }
    if host.contains(':') && cfg!(windows) {
        return Some("a port in the name cannot become a folder name on Windows");
    }
    if let Some(path) = path {
        if path.is_empty() || path.ends_with('/') {
            return Some("it ends with `/`");
        }
        for segment in path.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Some("its path has an empty, `.` or `..` element");
            }
            if !segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~'))
            {
                return Some("its path holds characters other than letters, digits and .-_~");
            }
        }
    }
    if name.len() > 200 {
        return Some("it is longer than 200 bytes");
    }
    None
}

/// Whether `target` has a path prefix matching one of the comma-separated globs: Go's
/// `module.MatchPrefixPatterns` (GOPRIVATE, GONOSUMDB). Empty and malformed globs match
/// nothing; a trailing `/` on a glob is ignored.
pub fn match_prefix_patterns(globs: &str, target: &str) -> bool {
    for glob in globs.split(',') {
        let glob = glob.strip_suffix('/').unwrap_or(glob);
        if glob.is_empty() {
            continue;
        }
        // A glob of N+1 elements is matched against the first N+1 elements of the target.
        let mut slashes = glob.matches('/').count();
        let mut prefix = target;
        for (i, b) in target.bytes().enumerate() {
            if b == b'/' {
                if slashes == 0 {
                    prefix = &target[..i];
                    break;
                }
                slashes -= 1;
            }
        }
        if slashes > 0 {
            continue;
        }
        if path_match(glob, prefix) == Ok(true) {
            return true;
        }
    }
    false
}

/// A malformed glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `path.Match`: `*` any run of non-`/` characters, `?` one non-`/` character, `[...]`
/// a class (ranges, `^` to negate), `\` escapes. A malformed pattern is an error even when the
/// name fails to match before reaching the malformed part.
pub fn path_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let mut pattern: &[char] = &pattern;
    let mut name: &[char] = &name;
    'chunks: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            // A trailing star matches the rest, unless it holds a slash.
            return Ok(!name.contains(&'/'));
        }
        // A match here, unless this is the last chunk and the name is not used up.
        let here = match_chunk(chunk, name)?;
        if let Some(t) = here
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        if star {
            // Try skipping 1, 2, ... characters, never past a slash.
            let mut i = 0;
            while i < name.len() && name[i] != '/' {
                if let Some(t) = match_chunk(chunk, &name[i + 1..])?
                    && (!pattern.is_empty() || t.is_empty())
                {
                    name = t;
                    continue 'chunks;
                }
                i += 1;
            }
        }
        // No match: the rest of the pattern must still be well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, &[])?;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off leading stars and the chunk up to the next star outside a class.
fn scan_chunk(pattern: &[char]) -> (bool, &[char], &[char]) {
    let mut pattern = pattern;
    let mut star = false;
    while pattern.first() == Some(&'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // A lone trailing backslash is caught by match_chunk.
            '\\' if i + 1 < pattern.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches `chunk` (no stars) at the start of `s`: the rest of `s` on a match. After a
/// mismatch the chunk is still read to the end, to report a malformed one.
fn match_chunk<'a>(chunk: &[char], s: &'a [char]) -> Result<Option<&'a [char]>, BadPattern> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while let Some(&c) = chunk.first() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let r = if failed {
                    None
                } else {
                    let r = s[0];
                    s = &s[1..];
                    Some(r)
                };
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = class_char(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = class_char(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if r.is_some_and(|r| lo <= r && r <= hi) {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            _ => {
                let literal = if c == '\\' {
                    chunk = &chunk[1..];
                    *chunk.first().ok_or(BadPattern)?
                } else {
                    c
                };
                if !failed {
                    if literal != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One character of a class, `\` escapes allowed; the class must go on after it.
fn class_char(chunk: &[char]) -> Result<(char, &[char]), BadPattern> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some('-') | Some(']') => return Err(BadPattern),
        Some('\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        _ => {}
    }
    let c = chunk[0];
    let rest = &chunk[1..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

/// Whether toolchains are checked against a checksum database, and which.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checking {
    Database(SumdbConfig),
    /// Only with a single `file://` GOPROXY: why nothing is checked (for the warning).
    Unchecked {
        why: String,
    },
}

/// The settings, each with its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoSettings {
    pub goproxy: Setting<ProxyList>,
    pub gosumdb: Setting<Sumdb>,
    /// GONOSUMDB, or GOPRIVATE when GONOSUMDB is unset (Go's default), as glob patterns.
    pub gonosumdb: Setting<String>,
    /// GOPATH's first entry, when there is one.
    pub gopath: Setting<Option<PathBuf>>,
    /// The go command's module cache, when there is one (`$GOPATH/pkg/mod` by default).
    pub gomodcache: Setting<Option<PathBuf>>,
}

/// A bad value, before it knows its variable.
type Why = String;

impl GoSettings {
    /// Reads the environment and the user's go env file.
    pub fn read() -> anyhow::Result<GoSettings> {
        let getenv = |key: &str| std::env::var(key).ok();
        let file = EnvFile::read(&getenv);
        GoSettings::resolve(&getenv, file.as_ref())
    }

    /// The settings from an environment and a go env file's text (pure).
    pub fn resolve(
        getenv: &dyn Fn(&str) -> Option<String>,
        file: Option<&EnvFile>,
    ) -> anyhow::Result<GoSettings> {
        let get = |name: &'static str| goenv::getenv(getenv, file, name);
        let goproxy = parse_setting(get("GOPROXY"), "GOPROXY", DEFAULT_GOPROXY, ProxyList::parse)?;
        let gosumdb = parse_setting(get("GOSUMDB"), "GOSUMDB", DEFAULT_GOSUMDB, parse_gosumdb)?;
        let gonosumdb = match get("GONOSUMDB").or_else(|| get("GOPRIVATE")) {
            Some(s) => {
                let name = if get("GONOSUMDB").is_some() {
                    "GONOSUMDB"
                } else {
                    "GOPRIVATE"
                };
                Setting {
                    name,
                    raw: s.value.clone(),
                    source: Source::from(s.origin),
                    value: s.value,
                }
            }
            None => Setting {
                name: "GONOSUMDB",
                raw: String::new(),
                source: Source::Default,
                value: String::new(),
            },
        };

        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let gopath = match get("GOPATH") {
            Some(s) => {
                let source = Source::from(s.origin);
                match parse_gopath(&s.value) {
                    Ok(value) => Setting {
                        name: "GOPATH",
                        raw: s.value,
                        source,
                        value,
                    },
                    Err(why) => return Err(bad_setting("GOPATH", &s.value, &source, &why)),
                }
            }
            None => {
                let value = default_gopath(getenv(home_var).as_deref());
                Setting {
                    name: "GOPATH",
                    raw: value
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    source: Source::Default,
                    value,
                }
            }
        };
        let gomodcache = match get("GOMODCACHE") {
            Some(s) => {
                let source = Source::from(s.origin);
                if !Path::new(&s.value).is_absolute() {
                    return Err(bad_setting(
                        "GOMODCACHE",
                        &s.value,
                        &source,
                        "it is a relative path; it must be absolute, as Go requires",
                    ));
                }
                Setting {
                    name: "GOMODCACHE",
                    value: Some(PathBuf::from(&s.value)),
                    raw: s.value,
                    source,
                }
            }
            None => {
                let value = gopath.value.as_ref().map(|p| p.join("pkg").join("mod"));
                Setting {
                    name: "GOMODCACHE",
                    raw: value
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    source: Source::Default,
                    value,
                }
            }
        };
        Ok(GoSettings {
            goproxy,
            gosumdb,
            gonosumdb,
            gopath,
            gomodcache,
        })
    }

    /// Go's exception for toolchains: GOPROXY is exactly one `file://` URL (the raw value, as
    /// Go tests it: it starts with `file://` and holds no `,` or `|`).
    pub fn single_file_goproxy(&self) -> bool {
        let raw = &self.goproxy.raw;
        raw.starts_with("file://") && !raw.contains([',', '|'])
    }

    /// Whether toolchains are checked, and against which database. The database is mandatory,
    /// as in Go: `GOSUMDB=off` is an error, and GONOSUMDB/GOPRIVATE are ignored, except with a
    /// single `file://` GOPROXY, where Go's ordinary rules let either skip the check.
    pub fn toolchain_checking(&self) -> anyhow::Result<Checking> {
        let exempt = self.single_file_goproxy();
        match &self.gosumdb.value {
            Sumdb::Off if exempt => Ok(Checking::Unchecked {
                why: format!(
                    "{} with the single file:// GOPROXY {}",
                    self.gosumdb.describe(),
                    self.goproxy.raw
                ),
            }),
            Sumdb::Off => Err(user(
                Report::new(format!(
                    "{} cannot be used for Go toolchains",
                    self.gosumdb.describe()
                ))
                .detail(
                    "a toolchain is installed from a module proxy only once Go's checksum database \
                     vouches for it, as the go command requires; GOSUMDB=off is honoured only with \
                     a single file:// GOPROXY",
                )
                .hint(restore_hint(
                    "GOSUMDB",
                    &self.gosumdb.source,
                    DEFAULT_GOSUMDB,
                )),
            )),
            Sumdb::Database(_) if exempt && self.nosumdb_matches() => Ok(Checking::Unchecked {
                why: format!(
                    "{} matches {TOOLCHAIN_MODULE}, with the single file:// GOPROXY {}",
                    self.gonosumdb.describe(),
                    self.goproxy.raw
                ),
            }),
            Sumdb::Database(config) => Ok(Checking::Database(config.clone())),
        }
    }

    fn nosumdb_matches(&self) -> bool {
        match_prefix_patterns(&self.gonosumdb.value, TOOLCHAIN_MODULE)
    }
}

/// A variable with a default, parsed; a bad value names the variable and its source.
fn parse_setting<T>(
    found: Option<goenv::Setting>,
    name: &'static str,
    default: &str,
    parse: impl Fn(&str) -> Result<T, Why>,
) -> anyhow::Result<Setting<T>> {
    let (raw, source) = match found {
        Some(s) => (s.value, Source::from(s.origin)),
        None => (default.to_owned(), Source::Default),
    };
    match parse(&raw) {
        Ok(value) => Ok(Setting {
            name,
            raw,
            source,
            value,
        }),
        Err(why) => Err(bad_setting(name, &raw, &source, &why)),
    }
}

/// `url` without its trailing slashes (requests append `/path`), keeping `file://` whole.
fn trim_slashes(url: &str) -> String {
    let mut url = url;
    while url.ends_with('/') && !url.ends_with("://") {
        url = &url[..url.len() - 1];
    }
    url.to_owned()
}

/// GOPATH as set: every non-empty entry absolute and not starting with `~` (Go refuses both);
/// the first entry is the one used, and an empty first entry means none (Go's gopathDir).
pub fn parse_gopath(raw: &str) -> Result<Option<PathBuf>, Why> {
    let entries: Vec<PathBuf> = std::env::split_paths(raw).collect();
    for entry in &entries {
        let text = entry.to_string_lossy();
        if text.is_empty() {
            continue;
        }
        if text.starts_with('~') {
            return Err(format!(
                "the entry {text:?} starts with `~`, which only a shell expands; write the absolute path"
            ));
        }
        if !entry.is_absolute() {
            return Err(format!(
                "the entry {text:?} is relative; it must be absolute, as Go requires"
            ));
        }
    }
    Ok(entries
        .into_iter()
        .next()
        .filter(|first| !first.as_os_str().is_empty()))
}

/// Go's default GOPATH, `$HOME/go`; none without a home, or with a relative one (Go then drops
/// the inferred GOPATH instead of failing).
pub fn default_gopath(home: Option<&str>) -> Option<PathBuf> {
    let home = Path::new(home.filter(|h| !h.is_empty())?);
    home.is_absolute().then(|| home.join("go"))
}

/// The error for a bad value: the variable, the value, where it came from, why, and how to
/// get back to Go's default.
fn bad_setting(name: &str, raw: &str, source: &Source, why: &str) -> anyhow::Error {
    let default = match name {
        "GOPROXY" => DEFAULT_GOPROXY,
        "GOSUMDB" => DEFAULT_GOSUMDB,
        _ => "",
    };
    user(
        Report::new(format!("invalid {name} {raw:?} (from {source})"))
            .detail(why.to_owned())
            .hint(restore_hint(name, source, default)),
    )
}

/// How to undo a setting where it was made.
fn restore_hint(name: &str, source: &Source, default: &str) -> String {
    let to_default = if default.is_empty() {
        "to use Go's default".to_owned()
    } else {
        format!("to use Go's default ({default})")
    };
    match source {
        Source::File { path, .. } => format!(
            "fix it with `go env -w {name}=...`, or run `go env -u {name}` {to_default} (it is set in {})",
            path.display()
        ),
        Source::Environment | Source::Default => {
            format!("fix it, or run `unset {name}` {to_default}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn url(url: &str, fall_back_on_error: bool) -> Proxy {
        Proxy::Url {
            url: url.to_owned(),
            fall_back_on_error,
        }
    }

    #[test]
    fn goproxy_lists_as_go_parses_them() {
        use Proxy::{Direct, Off};
        let rows: Vec<(&str, Vec<Proxy>)> = vec![
            (
                DEFAULT_GOPROXY,
                vec![url("https://proxy.golang.org", false), Direct],
            ),
            ("direct", vec![Direct]),
            ("off", vec![Off]),
            // Empty entries are skipped; a list of nothing is off, as Go's TryProxies.
            ("", vec![Off]),
            (" , | ", vec![Off]),
            // `,` and `|` set the fall-through of the entry before them.
            (
                "https://a.example|https://b.example,https://c.example",
                vec![
                    url("https://a.example", true),
                    url("https://b.example", false),
                    url("https://c.example", false),
                ],
            ),
            (
                " https://a.example/ , direct",
                vec![url("https://a.example", false), Direct],
            ),
            // direct and off end the list: what follows is not even read.
            ("direct,https://a.example", vec![Direct]),
            ("off|not a url at all", vec![Off]),
            (
                "https://a.example|off,https://b.example",
                vec![url("https://a.example", true), Off],
            ),
            // Bare hosts get https://.
            (
                "goproxy.cn,direct",
                vec![url("https://goproxy.cn", false), Direct],
            ),
            (
                "localhost:8080|corp.example/go/",
                vec![
                    url("https://localhost:8080", true),
                    url("https://corp.example/go", false),
                ],
            ),
            (
                "http://127.0.0.1:3000/proxy",
                vec![url("http://127.0.0.1:3000/proxy", false)],
            ),
            (
                "file:///srv/goproxy",
                vec![url("file:///srv/goproxy", false)],
            ),
            (
                "https://user:secret@corp.example/go",
                vec![url("https://user:secret@corp.example/go", false)],
            ),
        ];
        for (raw, want) in rows {
            assert_eq!(ProxyList::parse(raw), Ok(ProxyList(want)), "{raw:?}");
        }
    }

    #[test]
    fn bad_goproxy_entries() {
        for raw in [
            // A single word is reserved for Go's keywords.
            "noproxy",
            "proxy",
            "Direct",
            // An absolute path is not a URL.
            "/srv/goproxy",
            "ftp://corp.example/go",
            "file://host/srv/goproxy",
            "file:///srv/goproxy?x=1",
            "https://",
            "https://a.example,gopher://b.example",
        ] {
            assert!(ProxyList::parse(raw).is_err(), "{raw:?} must be refused");
        }
    }

    fn database(name: &str, url: Option<&str>) -> Sumdb {
        let key = if name == DEFAULT_GOSUMDB {
            SUM_GOLANG_ORG_KEY.to_owned()
        } else {
            test_key(name)
        };
        Sumdb::Database(SumdbConfig {
            name: name.to_owned(),
            key: Verifier::parse(&key).unwrap(),
            url: url.map(str::to_owned),
        })
    }

    fn test_key(name: &str) -> String {
        crate::sumdb::note::Signer::from_seed(name, &[3; 32])
            .unwrap()
            .verifier()
            .encode()
    }

    #[test]
    fn every_gosumdb_form() {
        let corp = test_key("sum.corp.example");
        let with_path = test_key("corp.example/sumdb");
        let with_port = test_key("localhost:8443");
        let rows: Vec<(String, Sumdb)> = vec![
            ("off".into(), Sumdb::Off),
            (DEFAULT_GOSUMDB.into(), database(DEFAULT_GOSUMDB, None)),
            (SUM_GOLANG_ORG_KEY.into(), database(DEFAULT_GOSUMDB, None)),
            // Go's alias: the database named sum.golang.org, at another URL.
            (
                "sum.golang.google.cn".into(),
                database(DEFAULT_GOSUMDB, Some("https://sum.golang.google.cn")),
            ),
            (
                "sum.golang.org https://sum.golang.google.cn/".into(),
                database(DEFAULT_GOSUMDB, Some("https://sum.golang.google.cn")),
            ),
            (corp.clone(), database("sum.corp.example", None)),
            (
                format!("  {corp}\thttp://127.0.0.1:9/db  "),
                database("sum.corp.example", Some("http://127.0.0.1:9/db")),
            ),
            (
                format!("{corp} file:///srv/sumdb"),
                database("sum.corp.example", Some("file:///srv/sumdb")),
            ),
            (with_path, database("corp.example/sumdb", None)),
        ];
        for (raw, want) in rows {
            assert_eq!(parse_gosumdb(&raw), Ok(want), "{raw:?}");
        }
        if !cfg!(windows) {
            assert_eq!(
                parse_gosumdb(&with_port),
                Ok(database("localhost:8443", None))
            );
        }
    }

    #[test]
    fn bad_gosumdb_values() {
        let corp = test_key("sum.corp.example");
        let rows: Vec<(String, &str)> = vec![
            (String::new(), "names no database"),
            ("   ".into(), "names no database"),
            // Exact matches only, as in Go.
            (" off".into(), "malformed verifier key"),
            ("OFF".into(), "malformed verifier key"),
            ("sum.golang.google.cn https://x.example".into(), "malformed"),
            // A name Go has no key for.
            ("sum.corp.example".into(), "without their key"),
            (
                format!("{corp} https://a.example https://b.example"),
                "too many fields",
            ),
            (format!("{corp} sum.corp.example"), "not a URL"),
            (format!("{corp} ftp://sum.corp.example"), "scheme"),
            // The key hash does not match the name.
            (corp.replacen("sum.corp", "sun.corp", 1), "does not match"),
            (test_key("corp.example/a/../../etc"), "host[/path]"),
            (test_key("corp.example/"), "host[/path]"),
            (test_key("corp.example//x"), "host[/path]"),
            (test_key("/x"), "host[/path]"),
            (test_key("user@corp.example"), "host[/path]"),
            (test_key("corp.example?x"), "host[/path]"),
            (test_key("corp.example/a%2fb"), "host[/path]"),
        ];
        for (raw, want) in rows {
            let got = parse_gosumdb(&raw).unwrap_err();
            assert!(got.contains(want), "{raw:?}: {got}");
        }
    }

    #[test]
    fn gopath_and_its_entries() {
        if cfg!(windows) {
            return;
        }
        assert_eq!(parse_gopath("/home/u/go"), Ok(Some("/home/u/go".into())));
        assert_eq!(
            parse_gopath("/home/u/go:/opt/go"),
            Ok(Some("/home/u/go".into()))
        );
        // An empty first entry: no GOPATH directory, as Go's gopathDir.
        assert_eq!(parse_gopath(":/opt/go"), Ok(None));
        assert!(parse_gopath("go").unwrap_err().contains("relative"));
        assert!(parse_gopath("/a:rel").unwrap_err().contains("relative"));
        assert!(parse_gopath("~/go").unwrap_err().contains("`~`"));
        assert_eq!(default_gopath(Some("/home/u")), Some("/home/u/go".into()));
        assert_eq!(default_gopath(Some("relative")), None);
        assert_eq!(default_gopath(Some("")), None);
        assert_eq!(default_gopath(None), None);
    }

    // Go's path.Match test table (path/match_test.go), and MatchPrefixPatterns on top of it.
    #[test]
    fn path_match_as_go() {
        let err = Err(BadPattern);
        let rows: Vec<(&str, &str, Result<bool, BadPattern>)> = vec![
            ("abc", "abc", Ok(true)),
            ("*", "abc", Ok(true)),
            ("*c", "abc", Ok(true)),
            ("a*", "a", Ok(true)),
            ("a*", "abc", Ok(true)),
            ("a*", "ab/c", Ok(false)),
            ("a*/b", "abc/b", Ok(true)),
            ("a*/b", "a/c/b", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", Ok(true)),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", Ok(false)),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", Ok(false)),
            ("a*b?c*x", "abxbbxdbxebxczzx", Ok(true)),
            ("a*b?c*x", "abxbbxdbxebxczzy", Ok(false)),
            ("ab[c]", "abc", Ok(true)),
            ("ab[b-d]", "abc", Ok(true)),
            ("ab[e-g]", "abc", Ok(false)),
            ("ab[^c]", "abc", Ok(false)),
            ("ab[^b-d]", "abc", Ok(false)),
            ("ab[^e-g]", "abc", Ok(true)),
            ("a\\*b", "a*b", Ok(true)),
            ("a\\*b", "ab", Ok(false)),
            ("a?b", "a☺b", Ok(true)),
            ("a[^a]b", "a☺b", Ok(true)),
            ("a???b", "a☺b", Ok(false)),
            ("a[^a][^a][^a]b", "a☺b", Ok(false)),
            ("[a-ζ]*", "α", Ok(true)),
            ("*[a-ζ]", "A", Ok(false)),
            ("a?b", "a/b", Ok(false)),
            ("a*b", "a/b", Ok(false)),
            ("[\\]a]", "]", Ok(true)),
            ("[\\-]", "-", Ok(true)),
            ("[x\\-]", "x", Ok(true)),
            ("[x\\-]", "-", Ok(true)),
            ("[x\\-]", "z", Ok(false)),
            ("[\\-x]", "x", Ok(true)),
            ("[\\-x]", "-", Ok(true)),
            ("[\\-x]", "a", Ok(false)),
            ("[]a]", "]", err),
            ("[-]", "-", err),
            ("[x-]", "x", err),
            ("[x-]", "-", err),
            ("[x-]", "z", err),
            ("[-x]", "x", err),
            ("[-x]", "-", err),
            ("[-x]", "a", err),
            ("\\", "a", err),
            ("[a-b-c]", "a", err),
            ("[", "a", err),
            ("[^", "a", err),
            ("[^bc", "a", err),
            ("a[", "a", err),
            ("a[", "ab", err),
            ("a[", "x", err),
            ("a/b[", "x", err),
            ("*x", "xxx", Ok(true)),
        ];
        for (pattern, name, want) in rows {
            assert_eq!(path_match(pattern, name), want, "{pattern:?} {name:?}");
        }
    }

    #[test]
    fn prefix_patterns_as_gonosumdb() {
        let target = TOOLCHAIN_MODULE;
        for (globs, want) in [
            ("", false),
            ("golang.org", true),
            ("golang.org/", true),
            ("*.org", true),
            ("golang.org/toolchain", true),
            ("golang.org/toolchain/extra", false),
            ("golang.org/tool*", true),
            ("*", true),
            ("*/*", true),
            ("*/*/*", false),
            ("example.com,,golang.org", true),
            ("example.com, golang.org", false),
            ("golang.org/x", false),
            ("golang.*/[s-u]oolchain", true),
            ("[", false),
            ("[,golang.org", true),
        ] {
            assert_eq!(match_prefix_patterns(globs, target), want, "{globs:?}");
        }
    }

    fn resolve(env: &[(&str, &str)], file: &str) -> anyhow::Result<GoSettings> {
        let map: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let file = EnvFile::from_text("/home/u/.config/go/env", file);
        GoSettings::resolve(&move |key| map.get(key).cloned(), Some(&file))
    }

    #[test]
    fn environment_then_file_then_defaults() {
        if cfg!(windows) {
            return;
        }
        let s = resolve(&[("HOME", "/home/u")], "").unwrap();
        assert_eq!(s.goproxy.raw, DEFAULT_GOPROXY);
        assert_eq!(s.goproxy.source, Source::Default);
        assert_eq!(s.gosumdb.value, database(DEFAULT_GOSUMDB, None));
        assert_eq!(s.gopath.value, Some("/home/u/go".into()));
        assert_eq!(s.gomodcache.value, Some("/home/u/go/pkg/mod".into()));
        assert_eq!(s.gonosumdb.value, "");

        let file = "GOPROXY=https://corp.example/go\nGOSUMDB=sum.golang.google.cn\n\
                    GOPATH=/srv/gopath:/other\nGOPRIVATE=*.corp.example\n";
        let s = resolve(&[("HOME", "/home/u"), ("GOPROXY", "")], file).unwrap();
        assert_eq!(
            s.goproxy.value,
            ProxyList(vec![url("https://corp.example/go", false)])
        );
        assert_eq!(
            s.goproxy.source,
            Source::File {
                path: "/home/u/.config/go/env".into(),
                line: 1
            }
        );
        assert_eq!(
            s.gosumdb.value,
            database(DEFAULT_GOSUMDB, Some("https://sum.golang.google.cn"))
        );
        assert_eq!(s.gopath.value, Some("/srv/gopath".into()));
        assert_eq!(s.gomodcache.value, Some("/srv/gopath/pkg/mod".into()));
        assert_eq!(
            (s.gonosumdb.name, s.gonosumdb.value.as_str()),
            ("GOPRIVATE", "*.corp.example")
        );

        let s = resolve(
            &[
                ("HOME", "/home/u"),
                ("GOPROXY", "off"),
                ("GOMODCACHE", "/cache/mod"),
                ("GONOSUMDB", "x.example"),
            ],
            file,
        )
        .unwrap();
        assert_eq!(s.goproxy.value, ProxyList(vec![Proxy::Off]));
        assert_eq!(s.goproxy.source, Source::Environment);
        assert_eq!(s.gomodcache.value, Some("/cache/mod".into()));
        assert_eq!(s.gomodcache.source, Source::Environment);
        assert_eq!(s.gonosumdb.name, "GONOSUMDB");

        // No home and no GOPATH: no module cache to reuse, which is no error.
        let s = resolve(&[], "").unwrap();
        assert_eq!((s.gopath.value, s.gomodcache.value), (None, None));
    }

    #[test]
    fn bad_values_name_the_variable_and_where_it_was_set() {
        // The environment, the go env file, the message, a part of the hint.
        type Row<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str, &'a str);
        let rows: Vec<Row> = vec![
            (
                vec![("GOPROXY", "proxy")],
                "",
                "invalid GOPROXY \"proxy\" (from the environment)",
                "`unset GOPROXY`",
            ),
            (
                vec![],
                "GOFLAGS=-mod=mod\nGOSUMDB=sum.corp.example\n",
                "invalid GOSUMDB \"sum.corp.example\" (from the go env file /home/u/.config/go/env:2)",
                "`go env -u GOSUMDB`",
            ),
            (
                vec![("GOMODCACHE", "mod")],
                "",
                "invalid GOMODCACHE \"mod\" (from the environment)",
                "unset GOMODCACHE",
            ),
            (
                vec![],
                "GOPATH=~/go\n",
                "invalid GOPATH \"~/go\" (from the go env file /home/u/.config/go/env:1)",
                "go env -u GOPATH",
            ),
        ];
        for (env, file, message, hint) in rows {
            let report = crate::error::report_of(&resolve(&env, file).unwrap_err());
            assert_eq!(report.message, message);
            assert!(report.hint.as_deref().unwrap().contains(hint), "{report}");
        }
    }

    #[test]
    fn toolchains_need_the_database_unless_goproxy_is_one_file_url() {
        let checking = |env: &[(&str, &str)]| resolve(env, "").map(|s| s.toolchain_checking());

        let got = checking(&[]).unwrap().unwrap();
        assert_eq!(
            got,
            Checking::Database(match database(DEFAULT_GOSUMDB, None) {
                Sumdb::Database(c) => c,
                Sumdb::Off => unreachable!(),
            })
        );
        // GOSUMDB=off: refused, naming GOSUMDB and where it was set.
        let err = checking(&[("GOSUMDB", "off")]).unwrap().unwrap_err();
        let report = crate::error::report_of(&err);
        assert_eq!(
            report.message,
            "GOSUMDB=off (from the environment) cannot be used for Go toolchains"
        );
        assert!(report.hint.unwrap().contains("unset GOSUMDB"));
        // GONOSUMDB and GOPRIVATE do not exempt toolchains...
        for var in ["GONOSUMDB", "GOPRIVATE"] {
            let got = checking(&[(var, "golang.org")]).unwrap().unwrap();
            assert!(matches!(got, Checking::Database(_)), "{var}");
        }
        // ...nor does a file:// GOPROXY in a list.
        let got = checking(&[("GOSUMDB", "off"), ("GOPROXY", "file:///srv/p,direct")]).unwrap();
        assert!(got.is_err());
        // With a single file:// GOPROXY, Go's ordinary rules apply.
        let single = ("GOPROXY", "file:///srv/p");
        let got = checking(&[("GOSUMDB", "off"), single]).unwrap().unwrap();
        assert!(
            matches!(&got, Checking::Unchecked { why } if why.contains("GOSUMDB=off")),
            "{got:?}"
        );
        let got = checking(&[("GOPRIVATE", "*.org"), single])
            .unwrap()
            .unwrap();
        assert!(
            matches!(&got, Checking::Unchecked { why } if why.contains("GOPRIVATE=*.org")),
            "{got:?}"
        );
        let got = checking(&[("GOPRIVATE", "corp.example"), single])
            .unwrap()
            .unwrap();
        assert!(matches!(got, Checking::Database(_)));
        // Go tests the raw value: a leading space is not "file://".
        let got = checking(&[("GOSUMDB", "off"), ("GOPROXY", " file:///srv/p")]).unwrap();
        assert!(got.is_err());
    }
}
