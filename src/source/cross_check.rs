//! The default route cross-checked against Go's checksum database (README: "The cross-check").
//!
//! A release archive from the index is trusted on the index's SHA-256, and whoever serves the
//! index and the archives can fix up both. For releases built by cmd/distpack (go1.21.0 and
//! later) the module `golang.org/toolchain` holds the same files, so while the archive unpacks
//! gopin hashes its module form ([`crate::form_hash`]) and asks the database, on a thread
//! beside the download, which `h1:` Go published for that version and platform.
//!
//! `GOPIN_SUMDB_CHECK`: `auto` checks whenever the database answers within one short try and
//! otherwise installs on the SHA-256 with one warning; `require` fails instead; `off` skips it.
//! A record that disagrees is refused in every mode but `off`.

use super::Failure;
use super::toolchain_module::{MODULE, built_by_distpack, module_version};
use crate::config::{Config, SumdbCheck};
use crate::ctx::Ctx;
use crate::dirhash::H1;
use crate::error::user;
use crate::gosettings::{GoSettings, Sumdb};
use crate::output;
use crate::platform::Platform;
use crate::sumdb::client::{Client, SumdbError};
use crate::sumdb::database::Database;
use crate::verification::Verification;
use gopin_shim::{Report, Version};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

/// The one try the database gets: it runs beside the download, and a slow database must not
/// hold up an install that `auto` would complete anyway.
const TRY_TIMEOUT: Duration = Duration::from_secs(10);

/// What the database said: the module zip's `h1:` and the tree head kept after the proof.
type Answer = Result<(H1, u64), SumdbError>;

/// One install's cross-check, from before the download to after the unpacking.
pub struct CrossCheck {
    version: Version,
    plan: Plan,
}

enum Plan {
    /// `GOPIN_SUMDB_CHECK=off`.
    Off,
    /// The SHA-256 alone; `warn`: say so once, as a warning (the check was wanted).
    Skip { why: String, warn: bool },
    /// The database is being asked.
    Ask {
        module_version: String,
        database: String,
        lookup: Option<JoinHandle<Answer>>,
    },
}

impl CrossCheck {
    /// Decides whether `version` for `platform` can be checked, and starts asking the database.
    /// With `require`, a version that cannot be checked is refused here, before any download.
    pub fn begin(ctx: &Ctx, version: &Version, platform: &Platform) -> Result<CrossCheck, Failure> {
        let mode = ctx.config.sumdb_check;
        let plan = if mode == SumdbCheck::Off {
            Plan::Off
        } else if !built_by_distpack(version) {
            Plan::Skip {
                why: format!(
                    "{version} was released before go1.21.0: its archive is not the form of \
                     its module, so the checksum database cannot vouch for it"
                ),
                warn: false,
            }
        } else {
            match GoSettings::read() {
                Err(e) => Plan::Skip {
                    why: crate::error::report_of(&e).message,
                    warn: true,
                },
                Ok(settings) => match &settings.gosumdb.value {
                    Sumdb::Off => Plan::Skip {
                        why: format!(
                            "{} turns the checksum database off",
                            settings.gosumdb.describe()
                        ),
                        warn: true,
                    },
                    Sumdb::Database(config) => {
                        let module_version = module_version(version, platform);
                        let database = Database::new(config, &settings.goproxy.value);
                        Plan::Ask {
                            database: config.name.clone(),
                            lookup: Some(ask(
                                ctx,
                                database,
                                settings.gomodcache.value.clone(),
                                &module_version,
                            )),
                            module_version,
                        }
                    }
                },
            }
        };
        if mode == SumdbCheck::Require
            && let Plan::Skip { why, .. } = &plan
        {
            return Err(Failure::Fatal(cannot_check(version, why)));
        }
        Ok(CrossCheck {
            version: version.clone(),
            plan,
        })
    }

    /// The module version whose form the unpacking must hash, when the database is asked.
    pub fn form(&self) -> Option<&str> {
        match &self.plan {
            Plan::Ask { module_version, .. } => Some(module_version),
            _ => None,
        }
    }

    /// Compares the unpacked archive's module-form `h1:` with the database's answer. On a
    /// mismatch nothing else is tried, and a `downloaded` archive (in the downloads cache, not
    /// one the user gave) is deleted.
    pub fn finish(
        mut self,
        ctx: &Ctx,
        computed: Option<H1>,
        downloaded: Option<&Path>,
    ) -> Result<Verification, Failure> {
        let version = &self.version;
        match &mut self.plan {
            Plan::Off => Ok(Verification::Sha256 {
                why: "GOPIN_SUMDB_CHECK=off".to_owned(),
            }),
            Plan::Skip { why, warn } => {
                if *warn {
                    warn_sha256_alone(version, why);
                } else {
                    output::info(format_args!("{why}: checked by its SHA-256 alone"));
                }
                Ok(Verification::Sha256 { why: why.clone() })
            }
            Plan::Ask {
                module_version,
                database,
                lookup,
            } => {
                let answer = lookup.take().map_or_else(
                    || Err(anyhow::anyhow!("the lookup never started")),
                    |thread| {
                        thread
                            .join()
                            .map_err(|_| anyhow::anyhow!("the lookup thread panicked"))
                    },
                )?;
                match answer {
                    Ok((listed, tree)) => {
                        let Some(computed) = computed else {
                            return Err(Failure::Fatal(anyhow::anyhow!(
                                "the module form of {version} was not hashed"
                            )));
                        };
                        if computed != listed {
                            if let Some(file) = downloaded {
                                let _ = std::fs::remove_file(file);
                            }
                            return Err(Failure::Fatal(mismatch(
                                version,
                                module_version,
                                database,
                                &listed,
                                &computed,
                                downloaded,
                            )));
                        }
                        output::info(format_args!(
                            "cross-checked {version} against the checksum database {database}: \
                             {MODULE}@{module_version} {computed}"
                        ));
                        Ok(Verification::Database {
                            database: database.clone(),
                            tree,
                            h1: computed,
                        })
                    }
                    // A fork, a refused answer, a broken kept head: as serious as a mismatch.
                    Err(e) if !(e.is_unavailable() || e.is_not_found()) => {
                        Err(Failure::Fatal(anyhow::Error::new(e)))
                    }
                    Err(e) => {
                        let why = format!(
                            "the checksum database {database} could not be asked: {}",
                            e.report().message
                        );
                        if ctx.config.sumdb_check == SumdbCheck::Require {
                            let error = cannot_check(version, &why);
                            return Err(Failure::Fatal(error));
                        }
                        warn_sha256_alone(version, &why);
                        Ok(Verification::Sha256 { why })
                    }
                }
            }
        }
    }
}

impl Drop for CrossCheck {
    /// An install that stops early still waits for the lookup, so no thread writes the kept
    /// tree head behind the next source's back.
    fn drop(&mut self) {
        if let Plan::Ask { lookup, .. } = &mut self.plan
            && let Some(thread) = lookup.take()
        {
            let _ = thread.join();
        }
    }
}

/// Starts the lookup on its own thread, with its own HTTP client and a single short try.
fn ask(
    ctx: &Ctx,
    database: Database,
    gomodcache: Option<std::path::PathBuf>,
    module_version: &str,
) -> JoinHandle<Answer> {
    let config = Config {
        retries: 0,
        read_timeout: ctx.config.read_timeout.min(TRY_TIMEOUT),
        connect_timeout: ctx.config.connect_timeout.min(TRY_TIMEOUT),
        ..ctx.config.clone()
    };
    let own = ctx.with_config(config);
    let module_version = module_version.to_owned();
    std::thread::spawn(move || {
        let client = Client::new(&own, database, gomodcache.as_deref());
        let hashes = client.lookup(MODULE, &module_version)?;
        let tree = client.kept_head()?.map_or(0, |head| head.size());
        Ok((hashes.zip, tree))
    })
}

/// The one warning of `auto` when the check could not be made.
fn warn_sha256_alone(version: &Version, why: &str) {
    output::warn(format_args!(
        "installing {version} on its SHA-256 alone: {why} \
         (GOPIN_SUMDB_CHECK=require makes this an error)"
    ));
}

fn cannot_check(version: &Version, why: &str) -> anyhow::Error {
    user(
        Report::new(format!(
            "cannot cross-check {version} against Go's checksum database, and GOPIN_SUMDB_CHECK=require"
        ))
        .detail(why.to_owned())
        .detail("nothing was installed")
        .hint(format!(
            "install it through the module proxy (`GOPIN_SOURCE=goproxy gopin install {}`), \
             or accept the index's SHA-256 with `GOPIN_SUMDB_CHECK=auto`",
            version.shell_arg()
        )),
    )
}

fn mismatch(
    version: &Version,
    module_version: &str,
    database: &str,
    listed: &H1,
    computed: &H1,
    archive: Option<&Path>,
) -> anyhow::Error {
    let kept = match archive {
        Some(file) => format!("{} was deleted", file.display()),
        None => "the archive was left where it is".to_owned(),
    };
    user(
        Report::new(format!("this {version} is not the toolchain Go published"))
            .detail(format!(
                "the checksum database {database} lists  {MODULE}@{module_version} {listed}"
            ))
            .detail(format!("the archive's module form hashes to  {computed}"))
            .detail(format!(
                "nothing was installed and {kept}: it is a changed toolchain whose SHA-256 was \
             made to match"
            ))
            .hint(
                "check GOPIN_INDEX_URL and GOPIN_DOWNLOAD_URL, or install through the module proxy \
             with GOPIN_SOURCE=goproxy",
            ),
    )
}
