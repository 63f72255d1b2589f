//! The `goproxy` source: toolchains as the module `golang.org/toolchain` from `GOPROXY`, each
//! checked against Go's checksum database (`GOSUMDB`) before it becomes visible, the way the go
//! command does it (README: "Toolchains through a Go module proxy").
//!
//! - `@v/list` gives the releases (every platform; filtered to this one);
//! - the database's record for the version gives the `h1:` the zip must have; it is fetched
//!   (and proven) before the zip, so a database that cannot vouch costs no download;
//! - the zip comes along the GOPROXY list with resume and retries into `downloads/` (one the go
//!   command already downloaded is used before any source: `modcache`);
//! - the zip is unpacked on every core into the staging folder while its `h1:` is computed,
//!   following the download when the proxy answers `Range` (its central directory is fetched
//!   first: `module_zip::overlap`), after it otherwise; a mismatch is fatal (no other proxy or
//!   source is tried) and the zip is deleted.

use super::toolchain_module::{MODULE, module_version, releases_for, zip_file_name};
use super::{Failure, Kind, Listed, Source};
use crate::archive::ArchiveError;
use crate::archive::Limits;
use crate::ctx::Ctx;
use crate::document;
use crate::download::{self, Consumer, Discard, Expected};
use crate::error::user;
use crate::gosettings::{Checking, GoSettings, Proxy};
use crate::install::Options;
use crate::module_zip::{
    self, Unpacked,
    overlap::{self, Overlap},
};
use crate::output;
use crate::platform::Platform;
use crate::progress::{Progress, Style};
use crate::sumdb::client::Client;
use crate::sumdb::database::Database;
use crate::verification::Verification;
use gopin_shim::{Report, Version};
use std::path::{Path, PathBuf};

/// The largest toolchain zip gopin downloads (Go's are about 70 MB).
const ZIP_CAP: u64 = 1 << 30;

pub struct GoproxySource;

impl Source for GoproxySource {
    fn describe(&self, _ctx: &Ctx) -> String {
        match GoSettings::read() {
            Ok(settings) => format!(
                "{} ({}; {})",
                Kind::Goproxy.name(),
                settings.goproxy.describe(),
                settings.gosumdb.describe()
            ),
            Err(_) => Kind::Goproxy.name().to_owned(),
        }
    }

    fn list(
        &self,
        ctx: &Ctx,
        platform: &Platform,
        _enough: &dyn Fn(&[Listed]) -> bool,
    ) -> Result<Vec<Listed>, Failure> {
        let settings = GoSettings::read().map_err(Failure::Unavailable)?;
        let body = along_proxies(ctx, &settings, &format!("{MODULE}/@v/list"))?;
        let text = String::from_utf8_lossy(&body);
        Ok(releases_for(&text, platform)
            .into_iter()
            .map(|version| Listed {
                stable: !version.is_prerelease(),
                version,
                file: None,
            })
            .collect())
    }

    fn fetch(
        &self,
        ctx: &Ctx,
        version: &Version,
        options: &Options,
        staging: &Path,
    ) -> Result<Verification, Failure> {
        let settings = GoSettings::read().map_err(Failure::Fatal)?;
        let module_version = module_version(version, &options.platform);
        let wanted = verified_hash(ctx, &settings, &module_version)?;
        // (GOMODCACHE's zip, when there is one, was tried before any source.)
        let (zip, unpacked) =
            download_and_unpack(ctx, &settings, &module_version, options.style, staging)?;
        check(&zip, &module_version, staging, wanted, false, &unpacked)
    }
}

/// Unpacks the zip into `staging` and compares its `h1:` with the database's (`wanted`, as
/// [`verified_hash`] found it); a mismatch removes the downloaded zip (never one in
/// GOMODCACHE) and ends everything. Returns `wanted`, now true of the unpacked tree.
pub fn unpack_checked(
    zip: &Path,
    module_version: &str,
    staging: &Path,
    wanted: Verification,
    in_modcache: bool,
) -> Result<Verification, Failure> {
    let unpacked = unpack(zip, module_version, staging)?;
    check(zip, module_version, staging, wanted, in_modcache, &unpacked)
}

/// Unpacks the zip on disk into a fresh `staging`.
fn unpack(zip: &Path, module_version: &str, staging: &Path) -> Result<Unpacked, Failure> {
    crate::install::fresh_dir(staging)?;
    let unpacked = module_zip::extract(zip, module_version, staging, &Limits::default());
    unpacked.map_err(|e| unpack_failure(e, zip, staging))
}

fn unpack_failure(error: ArchiveError, zip: &Path, staging: &Path) -> Failure {
    let _ = std::fs::remove_dir_all(staging);
    Failure::Fatal(crate::install::unpack_error(
        error,
        &zip.display().to_string(),
        staging,
    ))
}

/// Compares the unpacked zip's `h1:` with the database's.
fn check(
    zip: &Path,
    module_version: &str,
    staging: &Path,
    verification: Verification,
    in_modcache: bool,
    unpacked: &Unpacked,
) -> Result<Verification, Failure> {
    let wanted = match &verification {
        Verification::Database { h1, .. } => Some(h1),
        _ => None,
    };
    if let Some(wanted) = wanted
        && unpacked.h1 != *wanted
    {
        let _ = std::fs::remove_dir_all(staging);
        if !in_modcache {
            let _ = std::fs::remove_file(zip);
        }
        return Err(Failure::Fatal(user(
            Report::new(format!(
                "{MODULE}@{module_version} does not match the checksum database"
            ))
            .detail(format!("the database lists  {wanted}"))
            .detail(format!("the zip hashes to  {}", unpacked.h1))
            .detail(format!("from {}", zip.display()))
            .detail("nothing was installed; a proxy (or a cache) served a changed toolchain")
            .hint("report it to whoever runs the proxy; `gopin cache clean` removes the download"),
        )));
    }
    if wanted.is_some() {
        output::info(format_args!(
            "verified {MODULE}@{module_version}: {} ({} files) as the checksum database lists",
            unpacked.h1, unpacked.stats.files
        ));
    }
    Ok(verification)
}

/// The database's `h1:` for the zip, proven (a [`Verification::Database`]), or
/// [`Verification::Unchecked`] only where Go's own rules skip the check (a single `file://`
/// GOPROXY with GOSUMDB=off or a GONOSUMDB match), with a warning.
pub(super) fn verified_hash(
    ctx: &Ctx,
    settings: &GoSettings,
    module_version: &str,
) -> Result<Verification, Failure> {
    match settings.toolchain_checking().map_err(Failure::Fatal)? {
        Checking::Unchecked { why } => {
            output::warn(format_args!(
                "installing {MODULE}@{module_version} without the checksum database ({why})"
            ));
            Ok(Verification::Unchecked { why })
        }
        Checking::Database(config) => {
            let database = Database::new(&config, &settings.goproxy.value);
            let client = Client::new(ctx, database, settings.gomodcache.value.as_deref());
            let proven = client.lookup(MODULE, module_version).and_then(|hashes| {
                let tree = client.kept_head()?.map_or(0, |head| head.size());
                Ok((hashes, tree))
            });
            match proven {
                Ok((hashes, tree)) => Ok(Verification::Database {
                    database: config.name.clone(),
                    tree,
                    h1: hashes.zip,
                }),
                // The database could not answer, or has no such toolchain: another source may.
                Err(e) if e.is_unavailable() || e.is_not_found() => {
                    Err(Failure::Unavailable(anyhow::Error::new(e)))
                }
                // A fork, a refused answer, a broken kept head: nothing may fall back.
                Err(e) => Err(Failure::Fatal(anyhow::Error::new(e))),
            }
        }
    }
}

/// Downloads the zip along the GOPROXY list into `downloads/` and unpacks it into `staging`:
/// while it downloads when the first proxy serves its central directory by `Range`, after the
/// download otherwise (and whenever what was unpacked on the way is not provably the zip that
/// finished downloading).
fn download_and_unpack(
    ctx: &Ctx,
    settings: &GoSettings,
    module_version: &str,
    style: Style,
    staging: &Path,
) -> Result<(PathBuf, Unpacked), Failure> {
    let along = ZipUrls::new(settings, module_version)?;
    let mut overlap = start_overlap(
        ctx,
        &along.urls[0],
        &along.expected,
        module_version,
        staging,
    )?;
    let consumer: &mut dyn Consumer = match &mut overlap {
        Some(overlap) => overlap,
        None => &mut Discard,
    };
    let zip = match along.fetch(ctx, style, consumer) {
        Ok(zip) => zip,
        Err(failure) => {
            if overlap.take().is_some() {
                let _ = std::fs::remove_dir_all(staging);
            }
            return Err(failure);
        }
    };
    let unpacked = match overlap.and_then(|overlap| overlap.finish(&zip)) {
        Some(result) => result.map_err(|e| unpack_failure(e, &zip, staging))?,
        None => unpack(&zip, module_version, staging)?,
    };
    Ok((zip, unpacked))
}

/// Downloads the zip along the GOPROXY list into `downloads/`, unpacking nothing (for `mirror
/// --goproxy`, which checks it by its `h1:` before it keeps it).
pub(crate) fn download_zip(
    ctx: &Ctx,
    settings: &GoSettings,
    module_version: &str,
    style: Style,
) -> Result<PathBuf, Failure> {
    ZipUrls::new(settings, module_version)?.fetch(ctx, style, &mut Discard)
}

/// The zip's URL at each proxy GOPROXY allows, in order, and what it is expected to be.
struct ZipUrls {
    urls: Vec<String>,
    /// Each proxy, with whether any error passes on to the next (`|`).
    proxies: Vec<(String, bool)>,
    expected: Expected,
}

impl ZipUrls {
    fn new(settings: &GoSettings, module_version: &str) -> Result<ZipUrls, Failure> {
        let proxies = usable(settings.goproxy.value.entries());
        if proxies.is_empty() {
            return Err(Failure::Unavailable(off_error(settings)));
        }
        Ok(ZipUrls {
            urls: proxies
                .iter()
                .map(|(base, _)| format!("{base}/{MODULE}/@v/{module_version}.zip"))
                .collect(),
            proxies,
            expected: Expected::checked_later(&zip_file_name(module_version), ZIP_CAP),
        })
    }

    /// Downloads along the list, passing on as GOPROXY's separators say (and on 404/410).
    fn fetch(
        &self,
        ctx: &Ctx,
        style: Style,
        consumer: &mut dyn Consumer,
    ) -> Result<PathBuf, Failure> {
        let pass_on = |n: usize, gave_up: &crate::retry::GaveUp| {
            self.proxies.get(n).is_some_and(|(_, any)| *any)
                || matches!(gave_up.failure.status, Some(404 | 410))
        };
        let progress = Progress::new(style, &self.expected.filename, 0);
        download::fetch_from(
            ctx,
            &self.urls,
            &pass_on,
            &self.expected,
            &progress,
            consumer,
        )
        .map_err(Failure::of_download)
    }
}

/// Fetches the zip's central directory from `url` and starts unpacking into a fresh `staging`
/// as the zip arrives; `None` when the proxy cannot serve the directory by itself.
fn start_overlap(
    ctx: &Ctx,
    url: &str,
    expected: &Expected,
    module_version: &str,
    staging: &Path,
) -> Result<Option<Overlap>, Failure> {
    let mut fetch = |span, cap| download::fetch_span(ctx, url, span, cap);
    let tail = match overlap::fetch_tail(&mut fetch) {
        Ok(tail) if tail.len <= ZIP_CAP => tail,
        _ => return Ok(None),
    };
    crate::install::fresh_dir(staging)?;
    let part = download::partial_path(ctx, expected);
    std::fs::create_dir_all(ctx.root.downloads())
        .and_then(|()| Overlap::start(&part, tail, module_version, staging))
        .map(Some)
        .map_err(|e| {
            Failure::Fatal(anyhow::Error::new(e).context(format!("cannot open {}", part.display())))
        })
}

/// The proxies requests may go to, in order, each with whether any error passes on (`|`);
/// the list ends at `off` (nothing after it is tried).
fn usable(entries: &[Proxy]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for entry in entries {
        match entry.base_url() {
            Some(base) => out.push((
                base.trim_end_matches('/').to_owned(),
                entry.falls_back_on_error(),
            )),
            None => break,
        }
    }
    out
}

fn off_error(settings: &GoSettings) -> anyhow::Error {
    user(
        Report::new(format!("{} allows no module proxy", settings.goproxy.describe()))
            .hint("set GOPROXY to a proxy (`go env -w GOPROXY=https://proxy.golang.org,direct`), or use GOPIN_SOURCE=index"),
    )
}

/// GETs `path` from the first proxy that answers, passing on as GOPROXY's separators say.
fn along_proxies(ctx: &Ctx, settings: &GoSettings, path: &str) -> Result<Vec<u8>, Failure> {
    let entries = settings.goproxy.value.entries();
    let proxies = usable(entries);
    if proxies.is_empty() {
        return Err(Failure::Unavailable(off_error(settings)));
    }
    let limits = document::Limits::new(&ctx.config);
    let mut failures = Vec::new();
    for (base, any_error) in &proxies {
        let url = format!("{base}/{path}");
        let got = if url.starts_with("file://") {
            document::file_path(&url)
                .and_then(|p| document::read_file(&p, &limits))
                .map_err(crate::retry::Failure::permanent)
        } else {
            let client = ctx.client().map_err(Failure::Fatal)?;
            document::get_with_retries(
                client,
                ctx.config.retries,
                "the module list",
                &url,
                None,
                &limits,
            )
            .map_err(|gave_up| gave_up.failure)
            .and_then(|fetched| match fetched {
                document::Fetched::Modified { body, .. } => Ok(body),
                document::Fetched::NotModified => Err(crate::retry::Failure::permanent(
                    "304 to a request without validators",
                )),
            })
        };
        match got {
            Ok(body) => return Ok(body),
            Err(failure) => {
                let not_found = matches!(failure.status, Some(404 | 410))
                    || failure.why.contains("does not exist");
                failures.push(format!("{url}: {}", failure.why));
                if !(not_found || *any_error) {
                    break;
                }
            }
        }
    }
    let mut report = Report::new(format!("no module proxy answered for {MODULE}"));
    for failure in failures {
        report = report.detail(failure);
    }
    Err(Failure::Unavailable(user(report.hint(format!(
        "check {} and the network",
        settings.goproxy.describe()
    )))))
}
