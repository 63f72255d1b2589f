//! Getting the index: each `GOPIN_INDEX_URL` in order, the cache first when it is fresh (an
//! hour) and holds what is wanted, a conditional request otherwise, `file://` read directly,
//! and `GOPIN_OFFLINE=1` never touching the network. When every URL fails, a stale cached copy
//! is still better than nothing and is used with a warning; with no copy the error lists each
//! URL and why it failed.

use super::Index;
use super::cache::{Entry, Meta, now_secs};
use crate::ctx::Ctx;
use crate::error::user;
use crate::http;
use crate::output;
use crate::retry::{self, Failure, GaveUp};
use anyhow::Result;
use gopin_shim::Report;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use std::time::Instant;

/// How long a fetched index is trusted without asking the server again.
pub const FRESH_SECS: u64 = 3600;

/// The largest index body gopin reads (go.dev's whole index is a few MB).
pub const MAX_BYTES: u64 = 64 << 20;

/// Loads the index; `wants` says whether a fresh cached copy is enough (it is not when it lacks
/// the asked-for version).
pub fn load(ctx: &Ctx, wants: &dyn Fn(&Index) -> bool) -> Result<Index> {
    // One deadline for the whole fetch, every URL and retry included (GOPIN_INDEX_TIMEOUT).
    let deadline = Instant::now() + ctx.config.index_timeout;
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut certificate = false;
    let mut stale: Option<(Index, Meta)> = None;
    for url in &ctx.config.index_urls {
        if url.starts_with("file://") {
            match read_file_url(url) {
                Ok(index) => return Ok(index.from_origin(url)),
                Err(why) => failures.push((url.clone(), why)),
            }
            continue;
        }
        let entry = Entry::new(&ctx.root, url);
        let cached = entry
            .load()
            .and_then(|(body, meta)| Some((Index::parse(&body).ok()?.from_origin(url), meta)));
        if ctx.config.offline {
            match cached {
                Some((index, _)) => return Ok(index),
                None => failures.push((
                    url.clone(),
                    "no cached copy, and GOPIN_OFFLINE=1 forbids fetching it".to_owned(),
                )),
            }
            continue;
        }
        if let Some((index, meta)) = &cached
            && meta.age_secs() < FRESH_SECS
            && wants(index)
        {
            return Ok(index.clone());
        }
        match fetch_with_retries(ctx, url, cached.as_ref().map(|(_, meta)| meta), deadline) {
            Ok(Fetched::NotModified) => {
                if let Some((index, mut meta)) = cached {
                    meta.fetched_at = now_secs();
                    if let Err(e) = entry.store_meta(&meta) {
                        output::warn(format_args!(
                            "cannot update the index cache under {}: {e}",
                            ctx.root.cache().display()
                        ));
                    }
                    return Ok(index);
                }
                failures.push((
                    url.clone(),
                    "the server answered 304 Not Modified to a request without validators"
                        .to_owned(),
                ));
            }
            Ok(Fetched::Modified { body, meta }) => match Index::parse(&body) {
                Ok(index) => {
                    let index = index.from_origin(url);
                    if let Err(e) = entry.store(&body, &meta) {
                        output::warn(format_args!(
                            "cannot cache the index under {}: {e}",
                            ctx.root.cache().display()
                        ));
                    }
                    return Ok(index);
                }
                Err(e) => failures.push((url.clone(), format!("not a Go download index ({e})"))),
            },
            Err(gave_up) => {
                certificate |= gave_up.failure.certificate;
                failures.push((url.clone(), gave_up.to_string()));
            }
        }
        if stale.is_none() {
            stale = cached;
        }
    }
    if let Some((index, meta)) = stale {
        let summary: Vec<String> = failures
            .iter()
            .map(|(url, why)| format!("{url}: {why}"))
            .collect();
        output::warn(format_args!(
            "using the index cached {} ago from {}; fetching failed ({})",
            age_text(meta.age_secs()),
            meta.url,
            summary.join("; ")
        ));
        return Ok(index);
    }
    let mut report = Report::new("cannot get the Go download index");
    for (url, why) in failures {
        report = report.detail(format!("{url}: {why}"));
    }
    Err(user(report.hint(if certificate {
        retry::CERTIFICATE_HINT
    } else if ctx.config.offline {
        "run once without GOPIN_OFFLINE to cache the index, or point GOPIN_INDEX_URL at a file:// copy"
    } else {
        "check the network and proxy settings, or set GOPIN_INDEX_URL to a mirror (e.g. https://golang.google.cn/dl/?mode=json&include=all)"
    })))
}

enum Fetched {
    NotModified,
    Modified { body: Vec<u8>, meta: Meta },
}

/// Retries transient failures on the same URL with backoff; the final error says how many
/// tries over how long.
fn fetch_with_retries(
    ctx: &Ctx,
    url: &str,
    cached: Option<&Meta>,
    deadline: Instant,
) -> Result<Fetched, GaveUp> {
    retry::run(
        ctx.config.retries,
        || {
            if Instant::now() >= deadline {
                return Err(Failure::permanent(format!(
                    "gave up after GOPIN_INDEX_TIMEOUT={} s",
                    ctx.config.index_timeout.as_secs_f64()
                )));
            }
            fetch(ctx, url, cached, deadline).map_err(|mut failure| {
                if Instant::now() >= deadline {
                    failure.transient = false;
                }
                failure
            })
        },
        |wait, failure| {
            output::info(format_args!(
                "retrying the index from {url} in {:.1} s: {}",
                wait.as_secs_f64(),
                failure.why
            ))
        },
    )
}

fn fetch(
    ctx: &Ctx,
    url: &str,
    cached: Option<&Meta>,
    deadline: Instant,
) -> Result<Fetched, Failure> {
    let client = ctx
        .client()
        .map_err(|e| Failure::permanent(format!("{e:#}")))?;
    let mut request = client.get(url);
    if let Some(meta) = cached {
        if let Some(etag) = &meta.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &meta.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
    }
    let response = request.send().map_err(|e| http::transport_failure(&e))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(http::status_failure(&response));
    }
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let meta = Meta {
        url: url.to_owned(),
        etag: header(ETAG),
        last_modified: header(LAST_MODIFIED),
        fetched_at: now_secs(),
    };
    // Read through `Read`, where the blocking client applies the read timeout to each read;
    // `bytes()` would bound the whole transfer by it and fail a slow but healthy link. The cap
    // and the deadline bound the rest.
    let declared = response.content_length();
    let body =
        http::read_body(response, declared, MAX_BYTES, deadline).map_err(|mut failure| {
            if failure.why.contains("did not finish in time") {
                failure.why = format!(
                    "{} (GOPIN_INDEX_TIMEOUT={} s)",
                    failure.why,
                    ctx.config.index_timeout.as_secs_f64()
                );
            }
            failure
        })?;
    Ok(Fetched::Modified { body, meta })
}

fn read_file_url(url: &str) -> Result<Index, String> {
    let path = http::file_url_path(url)?;
    let bytes = gopin_shim::small_file::read_bytes(&path, MAX_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .ok_or_else(|| format!("{} does not exist", path.display()))?;
    Index::parse(&bytes).map_err(|e| format!("not a Go download index ({e})"))
}

fn age_text(secs: u64) -> String {
    match secs {
        0..120 => format!("{secs} s"),
        120..7200 => format!("{} min", secs / 60),
        7200..172_800 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}
