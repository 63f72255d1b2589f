//! Which checksum database, and the way to it: a URL written in GOSUMDB is used directly;
//! otherwise the first proxy of GOPROXY that serves the database (its
//! `<proxy>/sumdb/<name>/supported` answers 200), and `https://<name>` when none does. Which
//! failures pass to the next proxy and which make the database unavailable follows the go
//! command (cmd/go/internal/modfetch/sumdb.go, `initBase`), as [`choose_endpoint`] spells out.

use super::note::{Verifier, Verifiers};
use crate::gosettings::{Proxy, ProxyList, SumdbConfig};
use std::fmt;

/// A checksum database: its name (also its folder under `root/sumdb/` and
/// `root/cache/sumdb/`), its key, and how it is reached.
#[derive(Clone, Debug)]
pub struct Database {
    name: String,
    key: Verifier,
    verifiers: Verifiers,
    route: Route,
}

/// How requests reach a database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The URL written in GOSUMDB, bypassing every proxy.
    Url(String),
    /// Through GOPROXY's proxies, else `https://<name>`.
    Proxies(Vec<Proxy>),
}

impl Database {
    /// The database GOSUMDB names, reached as GOSUMDB and GOPROXY say.
    pub fn new(config: &SumdbConfig, proxies: &ProxyList) -> Database {
        let route = match &config.url {
            Some(url) => Route::Url(url.clone()),
            None => Route::Proxies(proxies.entries().to_vec()),
        };
        Database::with_route(config, route)
    }

    pub fn with_route(config: &SumdbConfig, route: Route) -> Database {
        Database {
            name: config.name.clone(),
            key: config.key.clone(),
            verifiers: Verifiers::from(config.key.clone()),
            route,
        }
    }

    /// `sum.golang.org`: the name its tree heads are signed under.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key(&self) -> &Verifier {
        &self.key
    }

    /// The keys a tree head of this database must be signed by (just its own).
    pub fn verifiers(&self) -> &Verifiers {
        &self.verifiers
    }

    pub fn route(&self) -> &Route {
        &self.route
    }

    /// `https://<name>`: where the database answers when no proxy serves it.
    pub fn direct_url(&self) -> String {
        format!("https://{}", self.name)
    }
}

/// Where database requests go, and why there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Requests go to `<base>/lookup/...` and `<base>/tile/...`.
    pub base: String,
    pub via: Via,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// The URL in GOSUMDB.
    Gosumdb,
    /// A proxy of GOPROXY that serves the database.
    Proxy(String),
    /// `https://<name>`.
    Direct,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.via {
            Via::Gosumdb => write!(f, "{} (the URL in GOSUMDB)", self.base),
            Via::Proxy(proxy) => write!(f, "{} (through the proxy {proxy})", self.base),
            Via::Direct => write!(f, "{} (directly: no proxy in GOPROXY serves it)", self.base),
        }
    }
}

/// What a proxy said to `<proxy>/sumdb/<name>/supported`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// 200: the proxy serves the database; every request goes through it.
    Supported,
    /// 404 or 410 (or a missing file under a `file://` proxy).
    NotFound,
    /// Any other answer, or none.
    Failed(String),
}

/// No way to the database: each proxy asked and what it said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreachable {
    pub tried: Vec<(String, String)>,
}

/// `<proxy>/sumdb/<name>/supported`.
pub fn supported_url(proxy: &str, name: &str) -> String {
    format!("{proxy}/sumdb/{name}/supported")
}

/// Chooses where database requests go, probing proxies in GOPROXY's order:
///
/// - a proxy whose probe answers 200 is used for every request, never falling back;
/// - 404/410 passes to the next entry, and so does any other failure of an entry followed by
///   `|`; any other failure after `,` stops the walk: the database is unavailable;
/// - `direct` means `https://<name>`, whatever failed before it;
/// - `off`, or the end of the list, means `https://<name>` too, unless some proxy failed
///   with something other than 404/410 on the way (then that failure stands: Go keeps the
///   most telling error, and a "not found" never outranks a real failure).
pub fn choose_endpoint(
    db: &Database,
    mut probe: impl FnMut(&str) -> Probe,
) -> Result<Endpoint, Unreachable> {
    let direct = Endpoint {
        base: db.direct_url(),
        via: Via::Direct,
    };
    let proxies = match db.route() {
        Route::Url(url) => {
            return Ok(Endpoint {
                base: url.clone(),
                via: Via::Gosumdb,
            });
        }
        Route::Proxies(proxies) => proxies,
    };
    let mut tried = Vec::new();
    let mut failed = false;
    for proxy in proxies {
        match proxy {
            Proxy::Direct => return Ok(direct),
            Proxy::Off => break,
            Proxy::Url { url, .. } => {
                let asked = supported_url(url, db.name());
                match probe(&asked) {
                    Probe::Supported => {
                        return Ok(Endpoint {
                            base: format!("{url}/sumdb/{}", db.name()),
                            via: Via::Proxy(url.clone()),
                        });
                    }
                    Probe::NotFound => tried.push((asked, "not found".to_owned())),
                    Probe::Failed(why) => {
                        tried.push((asked, why));
                        failed = true;
                        if !proxy.falls_back_on_error() {
                            return Err(Unreachable { tried });
                        }
                    }
                }
            }
        }
    }
    if failed {
        Err(Unreachable { tried })
    } else {
        Ok(direct)
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::test_signer;
    use super::*;

    fn db(goproxy: &str) -> Database {
        let config = SumdbConfig {
            name: "sum.test.example".to_owned(),
            key: test_signer().verifier(),
            url: None,
        };
        Database::new(&config, &ProxyList::parse(goproxy).unwrap())
    }

    /// Runs the choice with canned probe answers (by proxy host), returning the endpoint
    /// base (or "unavailable") and the proxies asked.
    fn choose(goproxy: &str, answers: &[(&str, Probe)]) -> (String, Vec<String>) {
        let mut asked = Vec::new();
        let got = choose_endpoint(&db(goproxy), |url| {
            let host = url
                .trim_start_matches("https://")
                .split('/')
                .next()
                .unwrap()
                .to_owned();
            asked.push(host.clone());
            answers
                .iter()
                .find(|(h, _)| *h == host)
                .map(|(_, p)| p.clone())
                .unwrap_or(Probe::NotFound)
        });
        let got = match got {
            Ok(endpoint) => endpoint.base,
            Err(_) => "unavailable".to_owned(),
        };
        (got, asked)
    }

    #[test]
    fn which_failures_pass_on_as_in_go() {
        let ok = Probe::Supported;
        let fail = || Probe::Failed("HTTP 500".to_owned());
        let direct = "https://sum.test.example";
        // GOPROXY, the probes' answers by host, the endpoint chosen, the hosts asked.
        type Row<'a> = (&'a str, Vec<(&'a str, Probe)>, &'a str, Vec<&'a str>);
        let rows: Vec<Row> = vec![
            // The default: proxy.golang.org serves sum.golang.org's name here too.
            (
                "https://a,direct",
                vec![("a", ok.clone())],
                "https://a/sumdb/sum.test.example",
                vec!["a"],
            ),
            // 404 passes on, after `,` or `|`.
            (
                "https://a,https://b",
                vec![("b", ok.clone())],
                "https://b/sumdb/sum.test.example",
                vec!["a", "b"],
            ),
            ("https://a,direct", vec![], direct, vec!["a"]),
            ("https://a", vec![], direct, vec!["a"]),
            ("https://a,https://b", vec![], direct, vec!["a", "b"]),
            // Another failure passes on only after `|`.
            (
                "https://a|https://b",
                vec![("a", fail()), ("b", ok.clone())],
                "https://b/sumdb/sum.test.example",
                vec!["a", "b"],
            ),
            (
                "https://a,https://b",
                vec![("a", fail()), ("b", ok.clone())],
                "unavailable",
                vec!["a"],
            ),
            ("https://a|direct", vec![("a", fail())], direct, vec!["a"]),
            (
                "https://a,direct",
                vec![("a", fail())],
                "unavailable",
                vec!["a"],
            ),
            // Reaching the end, or off, after a real failure: that failure stands.
            (
                "https://a|https://b",
                vec![("a", fail())],
                "unavailable",
                vec!["a", "b"],
            ),
            (
                "https://a|off",
                vec![("a", fail())],
                "unavailable",
                vec!["a"],
            ),
            ("https://a|off", vec![], direct, vec!["a"]),
            // direct and off ask nothing.
            ("direct", vec![], direct, vec![]),
            ("off", vec![], direct, vec![]),
            (
                "https://a|https://b|direct",
                vec![("a", fail()), ("b", fail())],
                direct,
                vec!["a", "b"],
            ),
        ];
        for (goproxy, answers, want, want_asked) in rows {
            let (got, asked) = choose(goproxy, &answers);
            assert_eq!(got, want, "{goproxy} {answers:?}");
            assert_eq!(asked, want_asked, "{goproxy} {answers:?}");
        }
    }

    #[test]
    fn a_url_in_gosumdb_bypasses_proxies() {
        let config = SumdbConfig {
            name: "sum.test.example".to_owned(),
            key: test_signer().verifier(),
            url: Some("http://127.0.0.1:9/db".to_owned()),
        };
        let db = Database::new(&config, &ProxyList::parse("https://a").unwrap());
        let got = choose_endpoint(&db, |_| panic!("no proxy may be asked")).unwrap();
        assert_eq!(
            got,
            Endpoint {
                base: "http://127.0.0.1:9/db".to_owned(),
                via: Via::Gosumdb
            }
        );
    }
}
