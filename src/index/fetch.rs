//! Getting the index: each `GOPIN_INDEX_URL` in order, the cache first when it is fresh (an
//! hour) and holds what is wanted, a conditional request otherwise, `file://` read directly,
//! and `GOPIN_OFFLINE=1` never touching the network. When every URL fails, a stale cached copy
//! is still better than nothing and is used with a warning; with no copy the error lists each
//! URL and why it failed.

use super::Index;
use super::cache::{Entry, Meta, now_secs};
use crate::ctx::Ctx;
use crate::document::{self, Fetched, Limits};
use crate::error::user;
use crate::output;
use crate::retry;
use anyhow::Result;
use gopin_shim::Report;

/// How long a fetched index is trusted without asking the server again.
pub const FRESH_SECS: u64 = 3600;

/// Loads the index; `wants` says whether a fresh cached copy is enough (it is not when it lacks
/// the asked-for version).
pub fn load(ctx: &Ctx, wants: &dyn Fn(&Index) -> bool) -> Result<Index> {
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut certificate = false;
    let mut stale: Option<(Index, Meta)> = None;
    let limits = Limits::new(&ctx.config);
    for url in &ctx.config.index_urls {
        if url.starts_with("file://") {
            match read_file_url(url, &limits) {
                Ok(index) => return Ok(index.with_origin(url)),
                Err(why) => failures.push((url.clone(), why)),
            }
            continue;
        }
        let entry = Entry::new(&ctx.root, url);
        let cached = entry
            .load()
            .and_then(|(body, meta)| Some((Index::parse(&body).ok()?.with_origin(url), meta)));
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
        let client = ctx.client()?;
        let validators = cached.as_ref().map(|(_, meta)| meta);
        match document::get_with_retries(
            client,
            ctx.config.retries,
            "the index",
            url,
            validators,
            &limits,
        ) {
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
                    let index = index.with_origin(url);
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

fn read_file_url(url: &str, limits: &Limits) -> Result<Index, String> {
    let path = document::file_path(url)?;
    let bytes = document::read_file(&path, limits)?;
    Index::parse(&bytes).map_err(|e| format!("not a Go download index ({e})"))
}

pub fn age_text(secs: u64) -> String {
    match secs {
        0..120 => format!("{secs} s"),
        120..7200 => format!("{} min", secs / 60),
        7200..172_800 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}
