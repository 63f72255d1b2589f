//! Where toolchains come from, behind one seam (README: "Sources").
//!
//! A source lists the versions it has for a platform and fetches one version's archive,
//! verified, unpacked into a staging folder. `GOPIN_SOURCE` picks and orders them: `index`
//! (go.dev's JSON index plus `GOPIN_DOWNLOAD_URL`) and, next, `goproxy` (a Go module proxy checked
//! by Go's checksum database). A source that cannot answer passes to the next; an answer that
//! fails verification stops everything (no other source is tried after a mismatch).

pub mod cross_check;
pub mod goproxy;
pub mod index;
pub mod modcache;
pub mod toolchain_module;

use crate::ctx::Ctx;
use crate::error::user;
use crate::install::Options;
use crate::platform::Platform;
use crate::verification::Verification;
use anyhow::Result;
use gopin_shim::{Fuzzy, Report, Version};
use std::path::Path;

/// The names `GOPIN_SOURCE` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Index,
    Goproxy,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        match name {
            "index" => Some(Kind::Index),
            "goproxy" => Some(Kind::Goproxy),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Index => "index",
            Kind::Goproxy => "goproxy",
        }
    }

    /// Where this source reads from, as errors, `why` and `doctor` name it.
    pub fn describe(self, ctx: &Ctx) -> String {
        self.source().describe(ctx)
    }

    fn source(self) -> Box<dyn Source> {
        match self {
            Kind::Index => Box::new(index::IndexSource),
            Kind::Goproxy => Box::new(goproxy::GoproxySource),
        }
    }
}

/// One version a source has for a platform.
#[derive(Clone, Debug)]
pub struct Listed {
    pub version: Version,
    pub stable: bool,
    /// The index's entry, when the source is the index (for `list-remote --json`).
    pub file: Option<crate::index::File>,
}

/// How a source failed: it could not answer (the next source may), or its answer was wrong or
/// the machine cannot take it (nothing else is tried).
pub enum Failure {
    Unavailable(anyhow::Error),
    Fatal(anyhow::Error),
}

impl Failure {
    /// A failed download: unreachable servers leave the next source a chance; anything else
    /// (a mismatch, a full disk) does not.
    pub fn of_download(error: anyhow::Error) -> Failure {
        if error.downcast_ref::<crate::error::Unreachable>().is_some() {
            Failure::Unavailable(error)
        } else {
            Failure::Fatal(error)
        }
    }

    /// The error, whichever kind of failure carried it.
    pub fn into_error(self) -> anyhow::Error {
        match self {
            Failure::Unavailable(e) | Failure::Fatal(e) => e,
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure::Fatal(error)
    }
}

pub trait Source {
    /// Where it reads from, for errors, `why` and `doctor`.
    fn describe(&self, ctx: &Ctx) -> String;
    /// Every version with an archive for `platform`, oldest first. `enough` says whether a
    /// cached answer is sufficient (it is not when it lacks the version asked for).
    fn list(
        &self,
        ctx: &Ctx,
        platform: &Platform,
        enough: &dyn Fn(&[Listed]) -> bool,
    ) -> Result<Vec<Listed>, Failure>;
    /// Fetches `version`, verified, and unpacks it into `staging` (which it creates); says
    /// what it was verified against.
    fn fetch(
        &self,
        ctx: &Ctx,
        version: &Version,
        options: &Options,
        staging: &Path,
    ) -> Result<Verification, Failure>;
}

fn sources(ctx: &Ctx) -> Vec<Box<dyn Source>> {
    ctx.config.sources.iter().map(|k| k.source()).collect()
}

/// Each source in `GOPIN_SOURCE`'s order, described (for `why` and `doctor`).
pub fn describe_all(ctx: &Ctx) -> Vec<String> {
    sources(ctx).iter().map(|s| s.describe(ctx)).collect()
}

/// Runs `attempt` on each source in order until one answers; a fatal failure ends the search.
fn first_answer<T>(
    ctx: &Ctx,
    what: &str,
    mut attempt: impl FnMut(&dyn Source) -> Result<T, Failure>,
) -> Result<T> {
    let sources = sources(ctx);
    let mut failures: Vec<(String, anyhow::Error)> = Vec::new();
    for source in &sources {
        match attempt(source.as_ref()) {
            Ok(answer) => return Ok(answer),
            Err(Failure::Fatal(error)) => return Err(error),
            Err(Failure::Unavailable(error)) => {
                failures.push((source.describe(ctx), error));
            }
        }
    }
    // One source: its own error says it best.
    if failures.len() == 1 {
        return Err(failures.pop().expect("one").1);
    }
    let mut report = Report::new(format!("no source could {what}"));
    for (source, error) in &failures {
        let inner = crate::error::report_of(error);
        report = report.detail(format!("{source}: {}", inner.message));
        for line in inner.details {
            report = report.detail(format!("  {line}"));
        }
    }
    Err(user(report.hint(
        "check the network, or set GOPIN_SOURCE to the sources you can reach (index, goproxy)",
    )))
}

/// The versions for `platform` from the first source that answers.
pub fn list(
    ctx: &Ctx,
    platform: &Platform,
    enough: &dyn Fn(&[Listed]) -> bool,
) -> Result<Vec<Listed>> {
    first_answer(ctx, "list the Go releases", |source| {
        source.list(ctx, platform, enough)
    })
}

/// The newest stable version matching a fuzzy spec, from the first source that has one.
pub fn newest(ctx: &Ctx, fuzzy: &Fuzzy, platform: &Platform) -> Result<Option<Version>> {
    let pick = |listed: &[Listed]| {
        listed
            .iter()
            .filter(|l| l.stable && fuzzy.matches(&l.version))
            .max_by(|a, b| a.version.go_cmp(&b.version))
            .map(|l| l.version.clone())
    };
    let listed = list(ctx, platform, &|listed| pick(listed).is_some())?;
    Ok(pick(&listed))
}

/// True when some source lists exactly `version` for `platform`.
pub fn has(ctx: &Ctx, version: &Version, platform: &Platform) -> Result<bool> {
    let name = version.to_string();
    let found = |listed: &[Listed]| listed.iter().any(|l| l.version.to_string() == name);
    Ok(found(&list(ctx, platform, &found)?))
}

/// Fetches `version` into `staging` from the first source that has it.
pub fn fetch(
    ctx: &Ctx,
    version: &Version,
    options: &Options,
    staging: &Path,
) -> Result<Verification> {
    // Whatever the source, a toolchain the go command already downloaded comes first.
    match modcache::try_install(ctx, version, options, staging) {
        Some(Ok(verification)) => return Ok(verification),
        Some(Err(failure)) => return Err(failure.into_error()),
        None => {}
    }
    first_answer(ctx, &format!("provide {version}"), |source| {
        source.fetch(ctx, version, options, staging)
    })
}
