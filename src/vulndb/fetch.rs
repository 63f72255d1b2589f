//! Getting the vulnerability database the way the index is got: each `GOPIN_VULNDB_URL` in
//! order; the cached copy (`cache/vulndb/`) when younger than an hour; otherwise `index/db.json`
//! asked with the cached copy's validators, and when it says the database changed,
//! `index/modules.json` and then only the toolchain records that are new or modified (a few
//! at a time). `file://` is read directly; `GOPIN_OFFLINE=1` reads the cache only; when every
//! URL fails, a stale cached copy is used with a warning. Every request of one load shares the
//! index's limits: 64 MiB in all and the `GOPIN_INDEX_TIMEOUT` deadline.

use super::{Database, DbInfo, Module, Snapshot, plain_id};
use crate::ctx::Ctx;
use crate::document::{self, Fetched, Limits};
use crate::error::user;
use crate::index::cache::{Entry, Meta, now_secs};
use crate::index::fetch::{FRESH_SECS, age_text};
use crate::output;
use crate::retry;
use anyhow::Result;
use gopin_shim::Report;
use gopin_shim::text as quote;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many records are fetched at once.
const PARALLEL: usize = 8;

/// Loads the database. `offline` (doctor's `--offline`) reads the cache only, as
/// `GOPIN_OFFLINE=1` does.
pub fn load(ctx: &Ctx, offline: bool) -> Result<Database> {
    let offline = offline || ctx.config.offline;
    let limits = Limits::new(&ctx.config);
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut certificate = false;
    let mut stale: Option<(Snapshot, Meta)> = None;
    for url in &ctx.config.vulndb_urls {
        let base = url.trim_end_matches('/');
        if url.starts_with("file://") {
            match read_local(base, &limits) {
                Ok(snapshot) => return Ok(Database::from_snapshot(&snapshot)),
                Err(why) => failures.push((url.clone(), why)),
            }
            continue;
        }
        let entry = Entry::in_dir(&ctx.root.cache().join("vulndb"), "vulndb", url);
        let cached = entry
            .load()
            .and_then(|(body, meta)| Some((serde_json::from_slice::<Snapshot>(&body).ok()?, meta)));
        if offline {
            match cached {
                Some((snapshot, _)) => return Ok(Database::from_snapshot(&snapshot)),
                None => failures.push((
                    url.clone(),
                    format!(
                        "no cached copy, and {} forbids fetching it",
                        if ctx.config.offline {
                            "GOPIN_OFFLINE=1"
                        } else {
                            "--offline"
                        }
                    ),
                )),
            }
            continue;
        }
        if let Some((snapshot, meta)) = &cached
            && meta.age_secs() < FRESH_SECS
        {
            return Ok(Database::from_snapshot(snapshot));
        }
        match refresh(ctx, base, cached.as_ref(), &limits) {
            Ok((snapshot, meta, changed)) => {
                let stored = if changed {
                    serde_json::to_vec(&snapshot)
                        .map_err(std::io::Error::other)
                        .and_then(|body| entry.store(&body, &meta))
                } else {
                    entry.store_meta(&meta)
                };
                if let Err(e) = stored {
                    output::warn(format_args!(
                        "cannot cache the vulnerability database under {}: {e}",
                        quote::escape(&ctx.root.cache().display().to_string())
                    ));
                }
                return Ok(Database::from_snapshot(&snapshot));
            }
            Err(Failed { why, cert }) => {
                certificate |= cert;
                failures.push((url.clone(), why));
            }
        }
        if stale.is_none() {
            stale = cached;
        }
    }
    if let Some((snapshot, meta)) = stale {
        let summary: Vec<String> = failures
            .iter()
            .map(|(url, why)| format!("{url}: {why}"))
            .collect();
        output::warn(format_args!(
            "using the vulnerability database cached {} ago from {}; fetching failed ({})",
            age_text(meta.age_secs()),
            quote::escape(&meta.url),
            quote::escape(&summary.join("; "))
        ));
        return Ok(Database::from_snapshot(&snapshot));
    }
    let mut report = Report::new("cannot get the Go vulnerability database");
    for (url, why) in failures {
        report = report.detail(quote::escape(&format!("{url}: {why}")));
    }
    Err(user(report.hint(if certificate {
        retry::CERTIFICATE_HINT
    } else if offline {
        "run once without GOPIN_OFFLINE (or doctor's --offline) to cache it, or point GOPIN_VULNDB_URL at a file:// copy"
    } else {
        "check the network and proxy settings, or set GOPIN_VULNDB_URL to a mirror of https://vuln.go.dev (file:// works)"
    })))
}

/// Why fetching from one URL failed.
struct Failed {
    why: String,
    cert: bool,
}

impl From<String> for Failed {
    fn from(why: String) -> Failed {
        Failed { why, cert: false }
    }
}

/// Asks the server whether the database changed and brings the copy up to date. Returns the
/// snapshot, the validators of `db.json`, and whether the snapshot changed.
fn refresh(
    ctx: &Ctx,
    base: &str,
    cached: Option<&(Snapshot, Meta)>,
    limits: &Limits,
) -> Result<(Snapshot, Meta, bool), Failed> {
    let client = ctx.client().map_err(|e| format!("{e:#}"))?;
    let retries = ctx.config.retries;
    let get = |path: &str, validators: Option<&Meta>| {
        document::get_with_retries(
            client,
            retries,
            "the vulnerability database",
            &format!("{base}/{path}"),
            validators,
            limits,
        )
        .map_err(|gave_up| Failed {
            why: format!("{path}: {gave_up}"),
            cert: gave_up.failure.certificate,
        })
    };
    let (body, meta) = match get("index/db.json", cached.map(|(_, meta)| meta))? {
        Fetched::NotModified => match cached {
            Some((snapshot, meta)) => {
                let meta = Meta {
                    fetched_at: now_secs(),
                    ..meta.clone()
                };
                return Ok((snapshot.clone(), meta, false));
            }
            None => {
                return Err(Failed::from(
                    "index/db.json: the server answered 304 Not Modified to a request without validators"
                        .to_owned(),
                ));
            }
        },
        Fetched::Modified { body, meta } => (body, meta),
    };
    let modified = db_modified(&body)?;
    if let Some((snapshot, _)) = cached
        && snapshot.modified == modified
    {
        return Ok((snapshot.clone(), meta, false));
    }
    let fetch_one = |path: &str| match get(path, None)? {
        Fetched::Modified { body, .. } => Ok(body),
        Fetched::NotModified => Err(Failed::from(format!(
            "{path}: the server answered 304 Not Modified to a request without validators"
        ))),
    };
    let snapshot = update(modified, cached.map(|(s, _)| s), &fetch_one)?;
    Ok((snapshot, meta, true))
}

/// A `file://` database, read whole each time (like a `file://` index, it is not cached).
fn read_local(base: &str, limits: &Limits) -> Result<Snapshot, String> {
    let dir = document::file_path(base)?;
    let read = |path: &str| document::read_file(&dir.join(path), limits);
    let modified = db_modified(&read("index/db.json")?).map_err(|f| f.why)?;
    update(modified, None, &|path| read(path).map_err(Failed::from)).map_err(|f| f.why)
}

fn db_modified(body: &[u8]) -> Result<String, Failed> {
    serde_json::from_slice::<DbInfo>(body)
        .map(|info| info.modified)
        .map_err(|e| {
            Failed::from(format!(
                "index/db.json is not a Go vulnerability database index ({e})"
            ))
        })
}

/// Reads `index/modules.json`, keeps the records of the toolchain modules that `previous`
/// already holds unchanged, and fetches the others.
fn update(
    modified: String,
    previous: Option<&Snapshot>,
    fetch: &(dyn Fn(&str) -> Result<Vec<u8>, Failed> + Sync),
) -> Result<Snapshot, Failed> {
    let modules: Vec<Module> =
        serde_json::from_slice(&fetch("index/modules.json")?).map_err(|e| {
            Failed::from(format!(
                "index/modules.json is not a Go vulnerability database index ({e})"
            ))
        })?;
    let mut snapshot = Snapshot {
        modified,
        ..Snapshot::default()
    };
    for module in modules
        .iter()
        .filter(|m| super::osv::MODULES.contains(&m.path.as_str()))
    {
        for vuln in &module.vulns {
            if plain_id(&vuln.id) {
                snapshot
                    .entries
                    .insert(vuln.id.clone(), vuln.modified.clone());
            } else if !snapshot.skipped.iter().any(|(id, _)| *id == vuln.id) {
                snapshot.skipped.push((
                    vuln.id.clone(),
                    "index/modules.json names it, but it is not an advisory id (GO-YYYY-NNNN)"
                        .to_owned(),
                ));
            }
        }
    }
    let mut wanted: Vec<String> = Vec::new();
    for (id, modified) in &snapshot.entries {
        let kept = previous.and_then(|p| {
            (p.entries.get(id) == Some(modified))
                .then(|| p.records.get(id))
                .flatten()
        });
        match kept {
            Some(text) => {
                snapshot.records.insert(id.clone(), text.clone());
            }
            None => wanted.push(id.clone()),
        }
    }
    for (id, body) in fetch_all(&wanted, fetch)? {
        snapshot
            .records
            .insert(id, String::from_utf8_lossy(&body).into_owned());
    }
    Ok(snapshot)
}

/// Fetches `ID/<id>.json` for each id, a few at a time; the first failure stops the rest.
fn fetch_all(
    ids: &[String],
    fetch: &(dyn Fn(&str) -> Result<Vec<u8>, Failed> + Sync),
) -> Result<BTreeMap<String, Vec<u8>>, Failed> {
    let queue = Mutex::new(ids.iter());
    let results = Mutex::new(BTreeMap::new());
    let failure: Mutex<Option<Failed>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL.min(ids.len()) {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let Some(id) = lock(&queue).next() else { break };
                    match fetch(&format!("ID/{id}.json")) {
                        Ok(body) => {
                            lock(&results).insert(id.clone(), body);
                        }
                        Err(failed) => {
                            stop.store(true, Ordering::Relaxed);
                            lock(&failure).get_or_insert(failed);
                        }
                    }
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(failed) => Err(failed),
        None => Ok(results.into_inner().unwrap_or_else(|p| p.into_inner())),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}
