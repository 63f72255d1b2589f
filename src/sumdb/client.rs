//! The checksum database client: the I/O around the pure core. Given a module version
//! (`golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`), it returns the `h1:` hashes the
//! database records, once they are proven (README: "Toolchains through a Go module proxy"):
//!
//! 1. the lookup answer, from gopin's cache, else Go's (read-only), else the database;
//! 2. its signed head reconciled with the head kept in `root/sumdb/<name>/latest` (a fork is
//!    [`SumdbError::Fork`], `SECURITY ERROR ...`, and nothing may fall back after it), and the
//!    kept head moved forward when the new one extends it;
//! 3. the record proven in that signed head from tiles (caches first, then the database, all
//!    that one step needs fetched in parallel); only authenticated tiles and verified answers
//!    are written to gopin's cache.
//!
//! The way to the database (a URL in GOSUMDB, a proxy that serves it, or `https://<name>`) is
//! decided only when a request is first needed, as Go does: an install served from the caches
//! never probes a proxy. With `GOPIN_OFFLINE=1` only the caches are read.

use super::database::{Database, Endpoint, Probe, Unreachable, choose_endpoint};
use super::fork::{ForkError, Timeline, TimelineError, reconcile};
use super::lookup::{self, Lookup, LookupError, ModuleHashes};
use super::merkle::ProofError;
use super::note::NoteError;
use super::proof::{check_record_text, prefix_root, tiles_for_prefix, tiles_for_record};
use super::remote::{FetchError, Fetcher};
use super::store::{Cached, LatestError, Store};
use super::tile::Tile;
use super::tree::{SignedTree, TreeError};
use crate::ctx::Ctx;
use crate::lock::Lock;
use crate::output;
use gopin_shim::Report;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// A lookup answer is a record of two lines and a signed head: a few hundred bytes. Go's
/// parser stops at 1 MB; so does this cap.
pub const MAX_LOOKUP_BYTES: u64 = 1 << 20;
/// A full tile of height 8 is 256 hashes of 32 bytes; a little slack for a server that sends
/// a full tile where a partial one was asked (the prefix is used).
pub const MAX_TILE_BYTES: u64 = 8 * 1024 + 1024;

/// Why no hashes could be had. [`SumdbError::Fork`] must stop every install from the database:
/// no other source may be tried after it.
#[derive(Clone, Debug)]
pub enum SumdbError {
    /// The database signed two histories: the kept head and a new one disagree.
    Fork {
        fork: Box<ForkError>,
        /// Where the kept head is.
        kept: PathBuf,
    },
    /// The database cannot be reached (or, offline, its answers are not cached).
    Unavailable {
        database: String,
        /// Each place tried, and what went wrong there.
        tried: Vec<String>,
        offline: bool,
        certificate: bool,
    },
    /// The database has no record of the module version (404/410 to the lookup).
    NotFound {
        database: String,
        module: String,
        version: String,
        url: String,
    },
    /// An answer or a tile that does not verify: a wrong key, a record without the module's
    /// line, a tile that does not hash to the signed root. Nothing was believed.
    Refused {
        database: String,
        module: String,
        version: String,
        /// Where the answer came from (a URL or a cache file).
        from: String,
        why: String,
        /// The tree head is not signed by GOSUMDB's key.
        wrong_key: bool,
    },
    /// The kept head cannot be read or verified, or cannot be written.
    State {
        database: String,
        path: PathBuf,
        why: String,
    },
}

impl SumdbError {
    /// A fork: a security failure, after which nothing may fall back to another source.
    pub fn is_fork(&self) -> bool {
        matches!(self, SumdbError::Fork { .. })
    }

    /// The database could not answer (unreachable, or offline without cached answers): a
    /// source may pass to the next one.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, SumdbError::Unavailable { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, SumdbError::NotFound { .. })
    }

    /// The report for a person: the database, where things went wrong, and what to do.
    pub fn report(&self) -> Report {
        match self {
            SumdbError::Fork { fork, kept } => {
                let mut report = Report::new(fork.to_string());
                for line in fork.evidence() {
                    for part in line.lines() {
                        report = report.detail(part.to_owned());
                    }
                }
                report
                    .detail(format!("the kept tree head is {}", kept.display()))
                    .detail(format!(
                        "nothing was installed, and nothing will be from {} while its history forks",
                        fork.database
                    ))
                    .hint(format!(
                        "keep this output: the two signed tree heads prove that {} showed \
                         different histories; report it to the database's operators \
                         (for sum.golang.org: https://go.dev/issue/new)",
                        fork.database
                    ))
            }
            SumdbError::Unavailable {
                database,
                tried,
                offline,
                certificate,
            } => {
                let mut report =
                    Report::new(format!("cannot reach the checksum database {database}"));
                for line in tried {
                    report = report.detail(line.clone());
                }
                report.hint(if *certificate {
                    crate::retry::CERTIFICATE_HINT.to_owned()
                } else if *offline {
                    "run the command once without GOPIN_OFFLINE: the database's answers for this \
                     version are then kept for offline use"
                        .to_owned()
                } else {
                    format!(
                        "check the network; a proxy in GOPROXY that serves the database \
                         (`<proxy>/sumdb/{database}/supported`) is used first, and from mainland \
                         China `go env -w GOSUMDB=sum.golang.google.cn` reaches sum.golang.org"
                    )
                })
            }
            SumdbError::NotFound {
                database,
                module,
                version,
                url,
            } => Report::new(format!(
                "the checksum database {database} has no record of {module}@{version}"
            ))
            .detail(format!("{url} answered \"not found\""))
            .hint("check that the version exists for this platform: `gopin list-remote`"),
            SumdbError::Refused {
                database,
                module,
                version,
                from,
                why,
                wrong_key,
            } => {
                let report = Report::new(format!(
                    "refused the checksum database {database}'s answer for {module}@{version}"
                ))
                .detail(format!("from {from}"))
                .detail(why.clone())
                .detail("nothing was installed");
                report.hint(if *wrong_key {
                    format!(
                        "the answer is not signed by the key GOSUMDB names for {database}; check \
                         GOSUMDB (`go env GOSUMDB`) and that GOPROXY's proxies serve the real \
                         {database}"
                    )
                } else {
                    "a proxy, the database or a cache gave data that does not verify; run the \
                     command again later, and report it to the proxy's operators if it persists"
                        .to_owned()
                })
            }
            SumdbError::State {
                database,
                path,
                why,
            } => Report::new(format!(
                "cannot use the kept tree head of the checksum database {database}"
            ))
            .detail(format!("{}: {why}", path.display()))
            .hint(format!(
                "if GOSUMDB's key for {database} was changed on purpose, remove {} (the \
                 database's next tree head is then trusted, as on first use)",
                path.display()
            )),
        }
    }
}

impl fmt::Display for SumdbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report().message)
    }
}

impl std::error::Error for SumdbError {}

/// A lookup proven: the hashes, and the record and answer they came from.
#[derive(Clone, Debug)]
pub struct Proven {
    pub hashes: ModuleHashes,
    /// The record's id in the log.
    pub id: u64,
    /// The record's text (its go.sum lines, final newline included).
    pub record: String,
    /// The lookup answer as the database (or a cache) gave it.
    pub answer: Vec<u8>,
}

/// What [`Client::head_tiles`] proved.
#[derive(Debug)]
pub struct HeadTiles {
    /// Every tile the proofs used, each authenticated against the head's root.
    pub tiles: Vec<(Tile, Vec<u8>)>,
    /// The root of each older size asked for.
    pub roots: Vec<super::hash::Hash>,
}

/// Tiles could not be had offline: not cached.
#[derive(Debug, thiserror::Error)]
#[error("{tiles}: not cached, and GOPIN_OFFLINE=1 forbids fetching")]
struct NotCached {
    tiles: String,
}

/// A client of one checksum database, for one command.
pub struct Client<'c> {
    ctx: &'c Ctx,
    db: Database,
    store: Store,
    fetcher: OnceCell<Result<Fetcher, SumdbError>>,
    endpoint: OnceCell<Result<Endpoint, SumdbError>>,
}

/// A lookup answer, parsed, and where it came from (a URL or a cache file, for messages).
struct Answer {
    bytes: Vec<u8>,
    lookup: Lookup,
    origin: Origin,
    from: String,
}

/// Where a lookup answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Cache(Cached),
    Remote,
}

impl<'c> Client<'c> {
    /// `gomodcache`: the go command's module cache, whose sumdb answers are read (never
    /// written) when present.
    pub fn new(ctx: &'c Ctx, db: Database, gomodcache: Option<&Path>) -> Client<'c> {
        let store = Store::new(&ctx.root, db.name(), gomodcache);
        Client {
            ctx,
            db,
            store,
            fetcher: OnceCell::new(),
            endpoint: OnceCell::new(),
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// `root/sumdb/<name>/latest`.
    pub fn latest_path(&self) -> &Path {
        self.store.latest_path()
    }

    /// The kept tree head, if any (for `doctor`).
    pub fn kept_head(&self) -> Result<Option<SignedTree>, SumdbError> {
        self.store
            .read_latest(self.db.verifiers())
            .map_err(|e| self.state_error(e))
    }

    /// Where database requests go, probing GOPROXY's proxies the first time (for `doctor`,
    /// which times it; lookups call it only when the caches fall short).
    pub fn endpoint(&self) -> Result<Endpoint, SumdbError> {
        self.endpoint
            .get_or_init(|| {
                if self.ctx.config.offline {
                    return Err(self.unavailable(
                        vec!["GOPIN_OFFLINE=1 forbids reaching it".to_owned()],
                        false,
                    ));
                }
                let fetcher = self.fetcher()?;
                let mut certificate = false;
                choose_endpoint(&self.db, |url| match fetcher.get(url, MAX_LOOKUP_BYTES) {
                    Ok(_) => Probe::Supported,
                    Err(e) if e.is_not_found() => Probe::NotFound,
                    Err(e) => {
                        certificate |= matches!(
                            e,
                            FetchError::Failed {
                                certificate: true,
                                ..
                            }
                        );
                        Probe::Failed(match e {
                            FetchError::Failed { why, .. } | FetchError::NotFound { why, .. } => {
                                why
                            }
                        })
                    }
                })
                .map_err(|Unreachable { tried }| {
                    self.unavailable(
                        tried
                            .into_iter()
                            .map(|(url, why)| format!("{url}: {why}"))
                            .collect(),
                        certificate,
                    )
                })
            })
            .clone()
    }

    /// The verified hashes the database records for `module@version`.
    pub fn lookup(&self, module: &str, version: &str) -> Result<ModuleHashes, SumdbError> {
        self.lookup_proven(module, version).map(|p| p.hashes)
    }

    /// [`Client::lookup`], with the proven record itself and the answer it came in, for
    /// republishing it (`gopin mirror --goproxy`).
    pub fn lookup_proven(&self, module: &str, version: &str) -> Result<Proven, SumdbError> {
        let key = lookup_key(module, version).ok_or_else(|| SumdbError::Refused {
            database: self.db.name().to_owned(),
            module: module.to_owned(),
            version: version.to_owned(),
            from: "the request".to_owned(),
            why: "not a module path and version gopin can ask for".to_owned(),
            wrong_key: false,
        })?;
        let used_cache = Cell::new(false);
        let first = self.lookup_with(module, version, &key, true, &used_cache);
        match first {
            // A damaged or stale cache must not stand in the way: once more from the
            // database alone. A fork stands whatever its source: its evidence is signed.
            Err(SumdbError::Refused { .. } | SumdbError::Unavailable { .. })
                if used_cache.get() && !self.ctx.config.offline =>
            {
                self.lookup_with(module, version, &key, false, &Cell::new(false))
            }
            other => other,
        }
    }

    fn lookup_with(
        &self,
        module: &str,
        version: &str,
        key: &str,
        use_cache: bool,
        used_cache: &Cell<bool>,
    ) -> Result<Proven, SumdbError> {
        let kept = self.kept_head()?;
        let rel = format!("lookup/{key}");
        let Answer {
            bytes: answer,
            lookup,
            origin,
            from,
        } = self.lookup_answer(module, version, &rel, use_cache)?;
        if matches!(origin, Origin::Cache(_)) {
            used_cache.set(true);
        }
        let refused = |why: String| SumdbError::Refused {
            database: self.db.name().to_owned(),
            module: module.to_owned(),
            version: version.to_owned(),
            from: from.clone(),
            why,
            wrong_key: false,
        };
        let tiles = TileReader::new(self, use_cache);

        // Every tile the proofs below will ask for, fetched at once.
        let head = lookup.tree();
        let mut wanted: BTreeSet<Tile> = BTreeSet::new();
        if let Ok(list) = tiles_for_record(head.size(), lookup.id()) {
            wanted.extend(list);
        }
        if let Some(kept) = &kept
            && kept.size() != head.size()
        {
            let (larger, smaller) = if kept.size() > head.size() {
                (kept.size(), head.size())
            } else {
                (head.size(), kept.size())
            };
            if let Ok(list) = tiles_for_prefix(larger, smaller) {
                wanted.extend(list);
            }
        }
        tiles.prefetch(&wanted.into_iter().collect::<Vec<_>>());

        let mut proven: Vec<(Tile, Vec<u8>)> = Vec::new();
        let forward = match &kept {
            None => true,
            Some(kept) => {
                let agreed = reconcile(kept, head, |t: &[Tile]| tiles.read(t))
                    .map_err(|e| self.timeline_error(e, &refused))?;
                proven.extend(agreed.tiles);
                agreed.value == Timeline::Newer
            }
        };
        if forward {
            self.advance(kept.as_ref(), head, &tiles)?;
        }
        let verified = lookup
            .verify(head, |t: &[Tile]| tiles.read(t))
            .map_err(|e| match e {
                LookupError::Proof { source, .. } => self.proof_error(source, &refused),
                other => refused(chain(&other)),
            })?;
        proven.extend(verified.tiles);
        if tiles.used_cache.get() {
            used_cache.set(true);
        }

        // Only now is anything worth keeping.
        tiles.keep(&proven);
        if origin != Origin::Cache(Cached::Ours)
            && let Err(e) = self.store.write_cache(&rel, &answer)
        {
            output::warn(format_args!(
                "cannot cache the checksum database answer under {}: {e}",
                self.store.cache_dir().display()
            ));
        }
        Ok(Proven {
            hashes: verified.value,
            id: lookup.id(),
            record: lookup.record().to_owned(),
            answer,
        })
    }

    /// Tiles of the signed tree `head` that prove each record (`id`, text) in it and give the
    /// root of each older size, read from the caches or the database and returned only once
    /// they hash up to `head`'s root; with the root of each older size, in order. For
    /// `gopin mirror --goproxy`, which republishes exactly the tiles a client will ask for.
    pub fn head_tiles(
        &self,
        head: &SignedTree,
        records: &[(u64, &[u8])],
        older: &[u64],
    ) -> Result<HeadTiles, SumdbError> {
        let refused = |why: String| SumdbError::Refused {
            database: self.db.name().to_owned(),
            module: String::new(),
            version: String::new(),
            from: format!("the tiles of the tree of size {}", head.size()),
            why,
            wrong_key: false,
        };
        let tiles = TileReader::new(self, true);
        let mut wanted: BTreeSet<Tile> = BTreeSet::new();
        for &(id, _) in records {
            if let Ok(list) = tiles_for_record(head.size(), id) {
                wanted.extend(list);
            }
        }
        for &size in older {
            if let Ok(list) = tiles_for_prefix(head.size(), size) {
                wanted.extend(list);
            }
        }
        tiles.prefetch(&wanted.into_iter().collect::<Vec<_>>());
        let mut proven: BTreeMap<Tile, Vec<u8>> = BTreeMap::new();
        for &(id, text) in records {
            let checked = check_record_text(head, id, text, |t: &[Tile]| tiles.read(t))
                .map_err(|e| self.proof_error(e, &refused))?;
            proven.extend(checked.tiles);
        }
        let mut roots = Vec::with_capacity(older.len());
        for &size in older {
            let root = prefix_root(head, size, |t: &[Tile]| tiles.read(t))
                .map_err(|e| self.proof_error(e, &refused))?;
            proven.extend(root.tiles);
            roots.push(root.value);
        }
        let proven: Vec<(Tile, Vec<u8>)> = proven.into_iter().collect();
        tiles.keep(&proven);
        Ok(HeadTiles {
            tiles: proven,
            roots,
        })
    }

    /// The lookup answer, parsed (its head's signature checked): from a cache when one
    /// parses, else from the database.
    fn lookup_answer(
        &self,
        module: &str,
        version: &str,
        rel: &str,
        use_cache: bool,
    ) -> Result<Answer, SumdbError> {
        if use_cache && let Some((bytes, which)) = self.store.read_cached(rel, MAX_LOOKUP_BYTES) {
            // A cached answer that no longer parses (another key, a damaged file) is skipped.
            if let Ok(lookup) = lookup::parse(&bytes, module, version, self.db.verifiers()) {
                let from = format!("the cached answer {rel} ({which:?} cache)");
                return Ok(Answer {
                    bytes,
                    lookup,
                    origin: Origin::Cache(which),
                    from,
                });
            }
        }
        if self.ctx.config.offline {
            return Err(self.unavailable(
                vec![format!(
                    "no cached answer for {module}@{version}, and GOPIN_OFFLINE=1 forbids asking"
                )],
                false,
            ));
        }
        let endpoint = self.endpoint()?;
        let url = format!("{}/{rel}", endpoint.base);
        let bytes = self
            .fetcher()?
            .get(&url, MAX_LOOKUP_BYTES)
            .map_err(|e| match e {
                FetchError::NotFound { url, .. } => SumdbError::NotFound {
                    database: self.db.name().to_owned(),
                    module: module.to_owned(),
                    version: version.to_owned(),
                    url,
                },
                failed => self.fetch_unavailable(failed),
            })?;
        let lookup = lookup::parse(&bytes, module, version, self.db.verifiers()).map_err(|e| {
            SumdbError::Refused {
                database: self.db.name().to_owned(),
                module: module.to_owned(),
                version: version.to_owned(),
                from: url.clone(),
                wrong_key: matches!(
                    e,
                    LookupError::Tree {
                        source: TreeError::Note(NoteError::Unverified { .. }),
                        ..
                    }
                ),
                why: chain(&e),
            }
        })?;
        Ok(Answer {
            bytes,
            lookup,
            origin: Origin::Remote,
            from: url,
        })
    }

    /// Keeps `head` as the newest head, under a lock, re-reading the kept one first: another
    /// gopin may have moved it meanwhile, and the kept head only ever moves forward.
    fn advance(
        &self,
        read_before: Option<&SignedTree>,
        head: &SignedTree,
        tiles: &TileReader,
    ) -> Result<(), SumdbError> {
        let lock_name = format!("sumdb-{}", self.db.name().replace(['/', ':'], "_"));
        let _lock = Lock::acquire(&self.ctx.root, &lock_name, || {
            output::info("waiting for another gopin to update the checksum database's tree head")
        })
        .map_err(|e| SumdbError::State {
            database: self.db.name().to_owned(),
            path: self.latest_path().to_owned(),
            why: format!("{e:#}"),
        })?;
        let current = self.kept_head()?;
        let write = match (&current, read_before) {
            (None, _) => true,
            (Some(now), Some(before)) if now.note() == before.note() => true,
            (Some(now), _) => {
                let agreed = reconcile(now, head, |t: &[Tile]| tiles.read(t)).map_err(|e| {
                    self.timeline_error(e, &|why: String| SumdbError::Refused {
                        database: self.db.name().to_owned(),
                        module: String::new(),
                        version: String::new(),
                        from: self.latest_path().display().to_string(),
                        why,
                        wrong_key: false,
                    })
                })?;
                tiles.keep(&agreed.tiles);
                agreed.value == Timeline::Newer
            }
        };
        if write {
            self.store
                .write_latest(head)
                .map_err(|e| SumdbError::State {
                    database: self.db.name().to_owned(),
                    path: self.latest_path().to_owned(),
                    why: format!("cannot write it: {e}"),
                })?;
        }
        Ok(())
    }

    fn fetcher(&self) -> Result<&Fetcher, SumdbError> {
        self.fetcher
            .get_or_init(|| {
                let client = self
                    .ctx
                    .client()
                    .map_err(|e| self.unavailable(vec![format!("{e:#}")], false))?;
                Ok(Fetcher {
                    client: client.clone(),
                    retries: self.ctx.config.retries,
                    deadline: self.ctx.config.read_timeout,
                })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn unavailable(&self, tried: Vec<String>, certificate: bool) -> SumdbError {
        SumdbError::Unavailable {
            database: self.db.name().to_owned(),
            tried,
            offline: self.ctx.config.offline,
            certificate,
        }
    }

    fn fetch_unavailable(&self, e: FetchError) -> SumdbError {
        let certificate = matches!(
            e,
            FetchError::Failed {
                certificate: true,
                ..
            }
        );
        self.unavailable(vec![e.to_string()], certificate)
    }

    fn state_error(&self, e: LatestError) -> SumdbError {
        SumdbError::State {
            database: self.db.name().to_owned(),
            path: e.path,
            why: e.why,
        }
    }

    fn timeline_error(
        &self,
        e: TimelineError,
        refused: &dyn Fn(String) -> SumdbError,
    ) -> SumdbError {
        match e {
            TimelineError::Fork(fork) => SumdbError::Fork {
                fork,
                kept: self.latest_path().to_owned(),
            },
            TimelineError::Proof(proof) => self.proof_error(proof, refused),
            other => refused(chain(&other)),
        }
    }

    /// Tiles that could not be read make the database unavailable; tiles that do not
    /// authenticate are refused.
    fn proof_error(&self, e: ProofError, refused: &dyn Fn(String) -> SumdbError) -> SumdbError {
        if let ProofError::ReadTiles { source, .. } = &e {
            if let Some(fetch) = source.downcast_ref::<FetchError>() {
                return self.fetch_unavailable(fetch.clone());
            }
            if let Some(missing) = source.downcast_ref::<NotCached>() {
                return self.unavailable(vec![missing.to_string()], false);
            }
            if let Some(unavailable) = source.downcast_ref::<SumdbError>() {
                return unavailable.clone();
            }
        }
        refused(chain(&e))
    }
}

/// `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`, escaped as Go escapes module paths
/// and versions (`!` before a lowercased capital), or `None` for anything that should not
/// become a URL path and cache file: segments of letters, digits and `-._~` (and `+` in a
/// version), no `.` or `..` segment, no `!`.
pub fn lookup_key(module: &str, version: &str) -> Option<String> {
    fn escape(text: &str, extra: &[char]) -> Option<String> {
        let mut out = String::with_capacity(text.len() + 4);
        for c in text.chars() {
            if c.is_ascii_uppercase() {
                out.push('!');
                out.push(c.to_ascii_lowercase());
            } else if c.is_ascii_alphanumeric() || "-._~".contains(c) || extra.contains(&c) {
                out.push(c);
            } else {
                return None;
            }
        }
        Some(out)
    }
    let plain = |segment: &str| !segment.is_empty() && segment != "." && segment != "..";
    if module.len() > 500 || version.len() > 200 || !module.split('/').all(plain) || !plain(version)
    {
        return None;
    }
    if module.starts_with('-') || version.starts_with('-') {
        return None;
    }
    Some(format!(
        "{}@{}",
        escape(module, &['/'])?,
        escape(version, &['+'])?
    ))
}

/// An error and its causes on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

type TileBytes = (Vec<u8>, Option<Cached>);

/// Tile bytes for the proofs: remembered once read, from gopin's cache, Go's cache, or the
/// database (in parallel). Nothing here is believed: the proofs authenticate what they use,
/// and [`TileReader::keep`] writes only what they returned as authenticated.
struct TileReader<'a, 'c> {
    client: &'a Client<'c>,
    use_cache: bool,
    /// Each tile's bytes and the cache they came from (`None`: the database).
    read: RefCell<HashMap<Tile, TileBytes>>,
    failed: RefCell<HashMap<Tile, FetchError>>,
    used_cache: Cell<bool>,
}

impl<'a, 'c> TileReader<'a, 'c> {
    fn new(client: &'a Client<'c>, use_cache: bool) -> Self {
        TileReader {
            client,
            use_cache,
            read: RefCell::new(HashMap::new()),
            failed: RefCell::new(HashMap::new()),
            used_cache: Cell::new(false),
        }
    }

    /// Reads ahead what the proofs will ask for; failures are remembered and reported when
    /// a proof asks.
    fn prefetch(&self, tiles: &[Tile]) {
        let _ = self.read(tiles);
    }

    fn read(&self, tiles: &[Tile]) -> anyhow::Result<Vec<Vec<u8>>> {
        let mut missing = Vec::new();
        for tile in tiles {
            if self.read.borrow().contains_key(tile) {
                continue;
            }
            if let Some(e) = self.failed.borrow().get(tile) {
                return Err(anyhow::Error::new(e.clone()));
            }
            match self.cached(tile) {
                Some((bytes, which)) => {
                    self.used_cache.set(true);
                    self.read.borrow_mut().insert(*tile, (bytes, Some(which)));
                }
                None => missing.push(*tile),
            }
        }
        if !missing.is_empty() {
            if self.client.ctx.config.offline {
                let tiles: Vec<String> = missing.iter().map(Tile::path).collect();
                return Err(anyhow::Error::new(NotCached {
                    tiles: tiles.join(", "),
                }));
            }
            let endpoint = self.client.endpoint()?;
            let fetcher = self.client.fetcher()?;
            let fetched = fetch_tiles(fetcher, &endpoint.base, &missing);
            let mut first_error = None;
            for (tile, result) in missing.iter().zip(fetched) {
                match result {
                    Ok(bytes) => {
                        self.read.borrow_mut().insert(*tile, (bytes, None));
                    }
                    Err(e) => {
                        self.failed.borrow_mut().insert(*tile, e.clone());
                        first_error.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = first_error {
                return Err(anyhow::Error::new(e));
            }
        }
        let read = self.read.borrow();
        Ok(tiles
            .iter()
            .map(|t| {
                read.get(t)
                    .map(|(bytes, _)| bytes.clone())
                    .unwrap_or_default()
            })
            .collect())
    }

    /// A tile from a cache: its own file, else the full tile's prefix (only authenticated
    /// tiles are cached, so the prefix of one is authenticated as well).
    fn cached(&self, tile: &Tile) -> Option<(Vec<u8>, Cached)> {
        if !self.use_cache {
            return None;
        }
        let store = &self.client.store;
        if let Some((bytes, which)) = store.read_cached(&tile.path(), MAX_TILE_BYTES)
            && bytes.len() == tile.byte_len()
        {
            return Some((bytes, which));
        }
        let full = tile.full();
        if full != *tile
            && let Some((bytes, which)) = store.read_cached(&full.path(), MAX_TILE_BYTES)
            && let Some(prefix) = tile.cut(&bytes)
        {
            return Some((prefix.to_vec(), which));
        }
        None
    }

    /// Writes authenticated tiles to gopin's cache, except those read from it.
    fn keep(&self, proven: &[(Tile, Vec<u8>)]) {
        let read = self.read.borrow();
        for (tile, bytes) in proven {
            if matches!(read.get(tile), Some((_, Some(Cached::Ours)))) {
                continue;
            }
            if let Err(e) = self.client.store.write_cache(&tile.path(), bytes) {
                output::warn(format_args!(
                    "cannot cache checksum database tiles under {}: {e}",
                    self.client.store.cache_dir().display()
                ));
                return;
            }
        }
    }
}

/// Fetches tiles in parallel, each its own file first, then, if that fails, the full tile's
/// prefix (a database serves only the full tile once it is complete). A body longer than the
/// tile is cut to it; a shorter one is left for the proof to refuse.
fn fetch_tiles(fetcher: &Fetcher, base: &str, tiles: &[Tile]) -> Vec<Result<Vec<u8>, FetchError>> {
    let one = |tile: &Tile| {
        let url = format!("{base}/{}", tile.path());
        let result = fetcher.get(&url, MAX_TILE_BYTES);
        let full = tile.full();
        let result = match result {
            Err(e) if full != *tile => fetcher
                .get(&format!("{base}/{}", full.path()), MAX_TILE_BYTES)
                .ok()
                .and_then(|bytes| tile.cut(&bytes).map(<[u8]>::to_vec))
                .ok_or(e),
            other => other,
        };
        result.map(|mut bytes| {
            bytes.truncate(tile.byte_len());
            bytes
        })
    };
    if tiles.len() == 1 {
        return vec![one(&tiles[0])];
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = tiles
            .iter()
            .map(|tile| scope.spawn(move || one(tile)))
            .collect();
        handles
            .into_iter()
            .zip(tiles)
            .map(|(handle, tile)| {
                handle.join().unwrap_or_else(|_| {
                    Err(FetchError::Failed {
                        url: format!("{base}/{}", tile.path()),
                        why: "the fetching thread panicked".to_owned(),
                        certificate: false,
                    })
                })
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{TEST_DB, TestLog, other_signer, record_text, test_signer};
    use super::super::note::{Signer, sign};
    use super::super::test_server::Server;
    use super::super::tree::Tree;
    use super::*;
    use crate::config::Config;
    use crate::gosettings::{ProxyList, SumdbConfig};
    use gopin_shim::Root;

    const MODULE: &str = "golang.org/toolchain";
    const VERSION: &str = "v0.0.1-go1.22.10.linux-amd64";
    const ZIP: &str = "h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=";
    const MOD: &str = "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=";
    /// The toolchain's record is record 300 of the test log.
    const ID: u64 = 300;

    fn toolchain_record(version: &str) -> String {
        format!("{MODULE} {version} {ZIP}\n{MODULE} {version}/go.mod {MOD}\n")
    }

    /// A log of `size` records whose record 300 is the toolchain's; records past `common`
    /// differ from the honest log's (a fork) when `common < size`.
    fn log(size: u64, common: u64) -> TestLog {
        let mut log = TestLog::default();
        for i in 0..size {
            let text = if i == ID {
                toolchain_record(VERSION)
            } else if i < common {
                record_text(i)
            } else {
                format!("example.com/evil{i} v1.0.0 h1:x\n")
            };
            log.append(text.into_bytes());
        }
        log
    }

    fn honest(size: u64) -> TestLog {
        log(size, size)
    }

    /// Every tile of the tree of `size` records, by path.
    fn tiles(log: &TestLog, size: u64) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut level = 0u8;
        while size >> (8 * u32::from(level)) > 0 {
            let count = size >> (8 * u32::from(level));
            for n in 0..count.div_ceil(256) {
                let width = (count - n * 256).min(256) as u32;
                let tile = Tile::new(8, level, n, width).unwrap();
                out.push((tile.path(), log.tile(&tile).unwrap()));
            }
            level += 1;
        }
        out
    }

    fn answer(log: &TestLog, size: u64, signer: &Signer) -> Vec<u8> {
        let note = sign(&log.tree(size).format(), &[signer]).unwrap();
        let record = String::from_utf8(log.records[ID as usize].clone()).unwrap();
        [format!("{ID}\n{record}\n").into_bytes(), note].concat()
    }

    /// Serves `log`'s head of `size` (lookup and tiles) under `prefix` on `server`.
    fn serve(server: &Server, prefix: &str, log: &TestLog, size: u64, signer: &Signer) {
        server.put(
            &format!("{prefix}/lookup/{MODULE}@{VERSION}"),
            answer(log, size, signer),
        );
        for (path, bytes) in tiles(log, size) {
            server.put(&format!("{prefix}/{path}"), bytes);
        }
    }

    struct Setup {
        home: tempfile::TempDir,
        ctx: Ctx,
    }

    fn fresh(offline: bool) -> Setup {
        let home = tempfile::tempdir().unwrap();
        let ctx = ctx_in(home.path(), offline);
        Setup { home, ctx }
    }

    fn ctx_in(home: &Path, offline: bool) -> Ctx {
        let config = Config::from_lookup(&|key| match key {
            "GOPIN_RETRIES" => Some("0".to_owned()),
            "GOPIN_READ_TIMEOUT" => Some("10".to_owned()),
            "GOPIN_OFFLINE" if offline => Some("1".to_owned()),
            _ => None,
        })
        .unwrap();
        Ctx::for_tests(Root::new(home.join("root")), config)
    }

    fn config(url: Option<String>) -> SumdbConfig {
        SumdbConfig {
            name: TEST_DB.to_owned(),
            key: test_signer().verifier(),
            url,
        }
    }

    fn database(url: &str) -> Database {
        Database::new(
            &config(Some(url.to_owned())),
            &ProxyList::parse("off").unwrap(),
        )
    }

    fn check_hashes(hashes: &ModuleHashes) {
        assert_eq!(hashes.zip.to_string(), ZIP);
        assert_eq!(hashes.go_mod.unwrap().to_string(), MOD);
    }

    fn kept(setup: &Setup) -> Option<Tree> {
        let store = Store::new(&setup.ctx.root, TEST_DB, None);
        store
            .read_latest(&test_verifiers())
            .unwrap()
            .map(|h| h.tree())
    }

    use super::super::fixtures::test_verifiers;

    fn cached_lookup(setup: &Setup) -> PathBuf {
        setup.home.path().join(format!(
            "root/cache/sumdb/{TEST_DB}/lookup/{MODULE}@{VERSION}"
        ))
    }

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.path().is_dir() {
                    stack.push(entry.path());
                } else {
                    out.push(entry.path());
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn honest_lookup_passes_caches_and_reinstalls_offline() {
        let server = Server::start();
        let log = honest(600);
        serve(&server, "/db", &log, 600, &test_signer());
        let setup = fresh(false);
        let db = database(&format!("{}/db", server.url()));
        let client = Client::new(&setup.ctx, db.clone(), None);
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        assert_eq!(kept(&setup), Some(log.tree(600)));
        assert!(cached_lookup(&setup).is_file());
        // One lookup, then the tiles proving record 300 in the tree of 600, nothing else.
        let asked = server.log();
        assert_eq!(asked[0], format!("/db/lookup/{MODULE}@{VERSION}"));
        let mut tile_paths: Vec<&str> = asked[1..].iter().map(String::as_str).collect();
        tile_paths.sort_unstable();
        assert_eq!(
            tile_paths,
            [
                "/db/tile/8/0/001",
                "/db/tile/8/0/002.p/88",
                "/db/tile/8/1/000.p/2"
            ]
        );

        // The same client again, and a fresh one offline: all from the cache.
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        let offline = ctx_in(setup.home.path(), true);
        let client = Client::new(&offline, db, None);
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        assert_eq!(server.log().len(), asked.len());
    }

    #[test]
    fn offline_without_a_cached_answer_is_unavailable() {
        let setup = fresh(true);
        let client = Client::new(&setup.ctx, database("http://127.0.0.1:9/db"), None);
        let err = client.lookup(MODULE, VERSION).unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
        let report = err.report();
        assert!(report.details[0].contains("GOPIN_OFFLINE=1"), "{report}");
        assert!(report.hint.unwrap().contains("without GOPIN_OFFLINE"));
    }

    #[test]
    fn a_file_tree_serves_as_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let log = honest(600);
        let write = |rel: &str, bytes: &[u8]| {
            let path = dir.path().join("db").join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write(
            &format!("lookup/{MODULE}@{VERSION}"),
            &answer(&log, 600, &test_signer()),
        );
        for (path, bytes) in tiles(&log, 600) {
            write(&path, &bytes);
        }
        let url = reqwest::Url::from_directory_path(dir.path().join("db"))
            .unwrap()
            .to_string();
        let setup = fresh(false);
        let db = Database::new(
            &config(Some(url.trim_end_matches('/').to_owned())),
            &ProxyList::parse("off").unwrap(),
        );
        let client = Client::new(&setup.ctx, db, None);
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        assert_eq!(kept(&setup), Some(log.tree(600)));
        // A version the tree has no lookup for: not found.
        let err = client
            .lookup(MODULE, "v0.0.1-go1.22.10.linux-arm64")
            .unwrap_err();
        assert!(err.is_not_found(), "{err:?}");
    }

    #[test]
    fn a_head_signed_by_another_key_is_refused_and_nothing_is_kept() {
        let server = Server::start();
        let log = honest(600);
        serve(&server, "/db", &log, 600, &other_signer());
        let setup = fresh(false);
        let client = Client::new(&setup.ctx, database(&format!("{}/db", server.url())), None);
        let err = client.lookup(MODULE, VERSION).unwrap_err();
        let SumdbError::Refused { wrong_key, .. } = &err else {
            panic!("expected a refusal, got {err:?}");
        };
        assert!(wrong_key);
        let report = err.report();
        assert!(report.hint.unwrap().contains("GOSUMDB"), "{}", err.report());
        assert_eq!(kept(&setup), None);
        assert!(!cached_lookup(&setup).exists());
        // No tile was even asked for.
        assert_eq!(server.log().len(), 1);
    }

    #[test]
    fn a_record_without_the_module_line_fails_closed() {
        let server = Server::start();
        let log = honest(600);
        serve(&server, "/db", &log, 600, &test_signer());
        // The arm64 version is asked, and the answer holds the amd64 record.
        let other = "v0.0.1-go1.22.10.linux-arm64";
        server.put(
            &format!("/db/lookup/{MODULE}@{other}"),
            answer(&log, 600, &test_signer()),
        );
        let setup = fresh(false);
        let client = Client::new(&setup.ctx, database(&format!("{}/db", server.url())), None);
        let err = client.lookup(MODULE, other).unwrap_err();
        let SumdbError::Refused { why, .. } = &err else {
            panic!("expected a refusal, got {err:?}");
        };
        assert!(why.contains("has no line for it"), "{why}");
        assert_eq!(kept(&setup), None);
    }

    #[test]
    fn a_fork_from_the_kept_head_is_a_security_error_and_the_head_stays() {
        let server = Server::start();
        // The kept head: the honest log at 500. The database now shows a log that agrees on
        // the first 400 records only.
        let setup = fresh(false);
        let store = Store::new(&setup.ctx.root, TEST_DB, None);
        store.write_latest(&honest(500).head(500)).unwrap();
        let before = std::fs::read(store.latest_path()).unwrap();
        let forked = log(600, 400);
        serve(&server, "/db", &forked, 600, &test_signer());
        let client = Client::new(&setup.ctx, database(&format!("{}/db", server.url())), None);
        let err = client.lookup(MODULE, VERSION).unwrap_err();
        assert!(err.is_fork(), "{err:?}");
        let report = err.report();
        assert!(report.message.starts_with("SECURITY ERROR"), "{report}");
        assert!(report.message.contains("size 500"), "{report}");
        assert!(report.message.contains("size 600"), "{report}");
        assert!(report.details.iter().all(|d| !d.contains('\n')));
        // Kept typed through anyhow, it still renders as its report.
        let rendered = crate::error::report_of(&anyhow::Error::new(err.clone())).to_string();
        assert!(rendered.starts_with("error: SECURITY ERROR"), "{rendered}");
        assert_eq!(std::fs::read(store.latest_path()).unwrap(), before);
        assert!(!cached_lookup(&setup).exists());
    }

    #[test]
    fn the_kept_head_only_moves_forward() {
        let server = Server::start();
        let log = honest(600);
        let setup = fresh(false);
        let store = Store::new(&setup.ctx.root, TEST_DB, None);
        store.write_latest(&log.head(400)).unwrap();
        serve(&server, "/db", &log, 600, &test_signer());
        let db = database(&format!("{}/db", server.url()));
        check_hashes(
            &Client::new(&setup.ctx, db.clone(), None)
                .lookup(MODULE, VERSION)
                .unwrap(),
        );
        assert_eq!(kept(&setup), Some(log.tree(600)));

        // A lagging database (its head at 500): believed, and the kept head stays at 600.
        std::fs::remove_dir_all(setup.home.path().join("root/cache")).unwrap();
        serve(&server, "/db", &log, 500, &test_signer());
        for (path, bytes) in tiles(&log, 600) {
            server.put(&format!("/db/{path}"), bytes);
        }
        check_hashes(
            &Client::new(&setup.ctx, db, None)
                .lookup(MODULE, VERSION)
                .unwrap(),
        );
        assert_eq!(kept(&setup), Some(log.tree(600)));
    }

    #[test]
    fn proxies_that_serve_the_database_are_used_in_order() {
        let log = honest(600);
        let (a, b) = (Server::start(), Server::start());
        let supported = format!("/sumdb/{TEST_DB}/supported");
        serve(&b, &format!("/sumdb/{TEST_DB}"), &log, 600, &test_signer());
        b.put(&supported, "");

        // a answers 404: on to b, which serves every request.
        let setup = fresh(false);
        let goproxy = format!("{},{}", a.url(), b.url());
        let db = Database::new(&config(None), &ProxyList::parse(&goproxy).unwrap());
        let client = Client::new(&setup.ctx, db.clone(), None);
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        assert_eq!(a.log(), std::slice::from_ref(&supported));
        assert_eq!(b.log()[0], supported);
        assert!(
            b.log()[1..]
                .iter()
                .all(|p| p.starts_with(&format!("/sumdb/{TEST_DB}/")))
        );
        let endpoint = client.endpoint().unwrap();
        assert_eq!(endpoint.via, super::super::database::Via::Proxy(b.url()));

        // a fails with 500: after `,` the database is unavailable and b is never asked...
        a.answer(&supported, 500, "down");
        let b_before = b.log().len();
        let setup = fresh(false);
        let client = Client::new(&setup.ctx, db, None);
        let err = client.lookup(MODULE, VERSION).unwrap_err();
        assert!(err.is_unavailable(), "{err:?}");
        assert!(
            err.report().details[0].contains("HTTP 500"),
            "{}",
            err.report()
        );
        assert_eq!(b.log().len(), b_before);

        // ...after `|`, b is asked.
        let goproxy = format!("{}|{}", a.url(), b.url());
        let db = Database::new(&config(None), &ProxyList::parse(&goproxy).unwrap());
        let setup = fresh(false);
        check_hashes(
            &Client::new(&setup.ctx, db, None)
                .lookup(MODULE, VERSION)
                .unwrap(),
        );
    }

    #[test]
    fn gos_cache_serves_offline_and_is_never_written() {
        let log = honest(600);
        let gomodcache = tempfile::tempdir().unwrap();
        let go_dir = gomodcache
            .path()
            .join(format!("cache/download/sumdb/{TEST_DB}"));
        let write = |rel: &str, bytes: &[u8]| {
            let path = go_dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        write(
            &format!("lookup/{MODULE}@{VERSION}"),
            &answer(&log, 600, &test_signer()),
        );
        for (path, bytes) in tiles(&log, 600) {
            write(&path, &bytes);
        }
        let before: Vec<_> = files_under(gomodcache.path())
            .into_iter()
            .map(|p| (std::fs::read(&p).unwrap(), p))
            .collect();
        let setup = fresh(true);
        let client = Client::new(
            &setup.ctx,
            database("http://127.0.0.1:9/db"),
            Some(gomodcache.path()),
        );
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        let after: Vec<_> = files_under(gomodcache.path())
            .into_iter()
            .map(|p| (std::fs::read(&p).unwrap(), p))
            .collect();
        assert_eq!(before, after);
        // gopin's own cache now holds what was proven.
        assert!(cached_lookup(&setup).is_file());
        assert_eq!(kept(&setup), Some(log.tree(600)));
    }

    #[test]
    fn a_completed_tile_is_read_in_place_of_its_partial() {
        // The database has moved on to 1000 records; the head in the answer is at 600, whose
        // partial tile 0/002.p/88 is gone: only the full tile is served, and its prefix used.
        let server = Server::start();
        let log = honest(1000);
        serve(&server, "/db", &log, 600, &test_signer());
        server.remove("/db/tile/8/0/002.p/88");
        let full = Tile::new(8, 0, 2, 256).unwrap();
        server.put("/db/tile/8/0/002", log.tile(&full).unwrap());
        let setup = fresh(false);
        let client = Client::new(&setup.ctx, database(&format!("{}/db", server.url())), None);
        check_hashes(&client.lookup(MODULE, VERSION).unwrap());
        assert!(server.log().contains(&"/db/tile/8/0/002".to_owned()));
        // The prefix is cached under the partial tile's name.
        let cached = setup
            .home
            .path()
            .join(format!("root/cache/sumdb/{TEST_DB}/tile/8/0/002.p/88"));
        assert_eq!(std::fs::read(cached).unwrap().len(), 88 * 32);
    }

    #[test]
    fn a_tile_that_does_not_authenticate_is_refused_not_a_fork() {
        let server = Server::start();
        let log = honest(600);
        serve(&server, "/db", &log, 600, &test_signer());
        let mut bad = log.tile(&Tile::new(8, 0, 1, 256).unwrap()).unwrap();
        bad[0] ^= 1;
        server.put("/db/tile/8/0/001", bad);
        let setup = fresh(false);
        let client = Client::new(&setup.ctx, database(&format!("{}/db", server.url())), None);
        let err = client.lookup(MODULE, VERSION).unwrap_err();
        let SumdbError::Refused { why, .. } = &err else {
            panic!("expected a refusal, got {err:?}");
        };
        assert!(
            why.contains("inconsistent") || why.contains("hash"),
            "{why}"
        );
        // The head itself was signed and is kept (as Go does); nothing else is.
        assert!(!cached_lookup(&setup).exists());
        let tile_cache = setup
            .home
            .path()
            .join(format!("root/cache/sumdb/{TEST_DB}/tile"));
        assert!(files_under(&tile_cache).is_empty());
    }

    #[test]
    fn a_damaged_cache_is_bypassed_online() {
        let server = Server::start();
        let log = honest(600);
        serve(&server, "/db", &log, 600, &test_signer());
        let setup = fresh(false);
        let db = database(&format!("{}/db", server.url()));
        check_hashes(
            &Client::new(&setup.ctx, db.clone(), None)
                .lookup(MODULE, VERSION)
                .unwrap(),
        );
        let tile = setup
            .home
            .path()
            .join(format!("root/cache/sumdb/{TEST_DB}/tile/8/0/001"));
        let good = std::fs::read(&tile).unwrap();
        let mut damaged = good.clone();
        damaged[5] ^= 0x40;
        std::fs::write(&tile, &damaged).unwrap();
        check_hashes(
            &Client::new(&setup.ctx, db.clone(), None)
                .lookup(MODULE, VERSION)
                .unwrap(),
        );
        assert_eq!(std::fs::read(&tile).unwrap(), good);
        // Offline, the damage (once more) is an error, not a fork.
        std::fs::write(&tile, &damaged).unwrap();
        let offline = ctx_in(setup.home.path(), true);
        let err = Client::new(&offline, db, None)
            .lookup(MODULE, VERSION)
            .unwrap_err();
        assert!(matches!(err, SumdbError::Refused { .. }), "{err:?}");
    }

    #[test]
    fn lookup_keys_are_escaped_and_checked() {
        assert_eq!(
            lookup_key(MODULE, VERSION).unwrap(),
            "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64"
        );
        assert_eq!(
            lookup_key("github.com/Azure/x", "v1.0.0+incompatible").unwrap(),
            "github.com/!azure/x@v1.0.0+incompatible"
        );
        for (module, version) in [
            ("golang.org/../etc", VERSION),
            ("/golang.org", VERSION),
            ("golang.org//x", VERSION),
            (MODULE, "../v1"),
            (MODULE, "v1/x"),
            (MODULE, "v1 x"),
            ("golang.org/!x", VERSION),
            (MODULE, ""),
            (MODULE, ".."),
            ("-x", VERSION),
        ] {
            assert_eq!(lookup_key(module, version), None, "{module:?} {version:?}");
        }
    }
}
