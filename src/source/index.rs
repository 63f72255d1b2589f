//! The `index` source: go.dev's JSON download index (`GOPIN_INDEX_URL`) for what exists and its
//! SHA-256, the archives from `GOPIN_DOWNLOAD_URL` (README: "How installs work").

use super::cross_check::CrossCheck;
use super::{Failure, Kind, Listed, Source};
use crate::archive::Format;
use crate::ctx::Ctx;
use crate::download::{self, Discard, Expected};
use crate::error::user;
use crate::install::{Options, StreamExtractor, archive_format, unpack_file};
use crate::output;
use crate::platform::Platform;
use crate::progress::Progress;
use crate::verification::Verification;
use gopin_shim::{Report, Version};
use std::path::Path;

pub struct IndexSource;

impl Source for IndexSource {
    fn describe(&self, ctx: &Ctx) -> String {
        format!(
            "{} ({}; archives from {})",
            Kind::Index.name(),
            ctx.config.index_urls.join(", "),
            ctx.config.download_urls.join(", ")
        )
    }

    fn list(
        &self,
        ctx: &Ctx,
        platform: &Platform,
        enough: &dyn Fn(&[Listed]) -> bool,
    ) -> Result<Vec<Listed>, Failure> {
        let index = ctx
            .index(&|index| enough(&listed(index, platform)))
            .map_err(Failure::Unavailable)?;
        Ok(listed(&index, platform))
    }

    fn fetch(
        &self,
        ctx: &Ctx,
        version: &Version,
        options: &Options,
        staging: &Path,
    ) -> Result<Verification, Failure> {
        let platform = &options.platform;
        let index = ctx
            .index(&|index| index.find(version, platform).is_some())
            .map_err(Failure::Unavailable)?;
        let Some(found) = index.find(version, platform) else {
            let listed = if index.lists(version) {
                " has no archive for"
            } else {
                " is not in the Go download index for"
            };
            return Err(Failure::Unavailable(user(
                Report::new(format!("{version}{listed} {platform}")).hint(format!(
                    "see the releases with `gopin list-remote {}.{}`",
                    version.major(),
                    version.minor()
                )),
            )));
        };
        let expected =
            Expected::from_index(found.archive, &index.origin).map_err(Failure::Unavailable)?;
        let format = archive_format(&expected.filename)?;
        let check = CrossCheck::begin(ctx, version, platform)?;
        let form = check.form();
        let cached = download::archive_path(ctx, &expected.filename);
        if cached.is_file() && download::matches(&cached, &expected) {
            output::info(format_args!(
                "using the verified archive {}",
                cached.display()
            ));
            let unpacked = unpack_file(format, &cached, staging, form)?;
            return check.finish(ctx, unpacked.form_h1, Some(&cached));
        }
        let _ = std::fs::remove_file(&cached);
        let progress = Progress::new(options.style, &expected.filename, expected.size);
        let fetched = match format {
            Format::TarGz => {
                let mut extractor =
                    StreamExtractor::new(staging.to_owned(), &expected.filename, form);
                download::fetch(ctx, &expected, &progress, &mut extractor)
                    .and_then(|_| extractor.finish())
            }
            Format::Zip => download::fetch(ctx, &expected, &progress, &mut Discard)
                .and_then(|path| unpack_file(format, &path, staging, form)),
        };
        let unpacked = fetched.map_err(Failure::of_download)?;
        let verification = check.finish(ctx, unpacked.form_h1, Some(&cached));
        if verification.is_err() {
            let _ = std::fs::remove_dir_all(staging);
        }
        verification
    }
}

/// The index's releases for a platform, as a source lists them.
fn listed(index: &crate::index::Index, platform: &Platform) -> Vec<Listed> {
    index
        .available(platform)
        .into_iter()
        .map(|a| Listed {
            version: a.version,
            stable: a.release.stable,
            file: Some(a.archive.clone()),
        })
        .collect()
}
