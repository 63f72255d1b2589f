//! `gopin mirror --goproxy --to DIR SPEC...`: a static Go module proxy for
//! `golang.org/toolchain` with the checksum database's answers inside (README: "Air-gapped
//! sites and fleets"). Any static file server then serves DIR as `GOPROXY`, and both gopin
//! (`GOPIN_SOURCE=goproxy`) and the go command's own toolchain switching install from it,
//! verified, with no other network.
//!
//! For each version: the database's record is looked up and proven first (gopin's client, so
//! its kept head moves forward and a fork stops everything); then the module zip comes from
//! the first source in `GOPIN_SOURCE` that has it: from `goproxy` the proxy's zip, from `index`
//! the verified release archive rewritten into module form ([`module_form_zip`]); either way its
//! `h1:` must equal the record's before it is renamed into DIR. Then every lookup answer in DIR
//! is rewritten at one head, the newest known, with the tiles that head's proofs need
//! ([`sumdb_answers`]), each checked against the head's signed root before it is written.

pub mod goproxy_tree;
pub mod module_form_zip;
pub mod sumdb_answers;

use crate::archive::Limits;
use crate::ctx::Ctx;
use crate::dirhash::H1;
use crate::download::{self, Expected};
use crate::error::user;
use crate::gosettings::{Checking, GoSettings};
use crate::install::{archive_format, unpack_file};
use crate::output;
use crate::platform::Platform;
use crate::progress::Style;
use crate::source::toolchain_module::{
    MODULE, built_by_distpack, module_version, parse_module_version,
};
use crate::source::{self, Failure, Kind};
use crate::sumdb::client::{Client, Proven, SumdbError};
use crate::sumdb::database::Database;
use crate::sumdb::lookup;
use crate::sumdb::tree::SignedTree;
use anyhow::{Context, Result};
use gopin_shim::{Fuzzy, Report, Spec, Version};
use goproxy_tree::{ProxyTree, UNKNOWN_TIME, merge_list, release_time};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use sumdb_answers::{SumdbTree, rewrite_lookup, tiles_needed};

/// One module version published in the folder, and its proven record.
struct Published {
    id: u64,
    record: String,
    answer: Vec<u8>,
}

/// Mirrors `specs` for `platform` into `dir` as a module proxy with the database inside.
pub fn run(ctx: &Ctx, dir: &Path, specs: &[String], platform: &Platform) -> Result<()> {
    let settings = GoSettings::read()?;
    let config = match settings.toolchain_checking()? {
        Checking::Database(config) => config,
        Checking::Unchecked { why } => {
            return Err(user(
                Report::new("`gopin mirror --goproxy` needs the checksum database")
                    .detail(why)
                    .hint("set GOSUMDB to the database the folder should carry (`GOSUMDB=sum.golang.org`)"),
            ));
        }
    };
    let client = Client::new(
        ctx,
        Database::new(&config, &settings.goproxy.value),
        settings.gomodcache.value.as_deref(),
    );
    let name = client.database().name().to_owned();
    let sumdb = SumdbTree::new(dir, &name).ok_or_else(|| {
        user(
            Report::new(format!(
                "the checksum database name {} cannot name a folder",
                gopin_shim::text::escape(&name)
            ))
            .hint("check GOSUMDB (`go env GOSUMDB`)"),
        )
    })?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let proxy = ProxyTree::new(dir);
    let tmp = dir.join(format!(".gopin-tmp-{}", std::process::id()));
    let result = mirror_all(ctx, &client, &proxy, &sumdb, &tmp, specs, platform);
    let _ = std::fs::remove_dir_all(&tmp);
    let (count, head) = result?;
    output::info(format_args!(
        "{} serves {count} toolchain module version{} and the checksum database {name} at tree \
         size {}; serve the folder and set GOPROXY=<url> GOSUMDB={} (gopin: also GOPIN_SOURCE=goproxy)",
        dir.display(),
        if count == 1 { "" } else { "s" },
        head.size(),
        config.key.encode(),
    ));
    Ok(())
}

fn mirror_all(
    ctx: &Ctx,
    client: &Client,
    proxy: &ProxyTree,
    sumdb: &SumdbTree,
    tmp: &Path,
    specs: &[String],
    platform: &Platform,
) -> Result<(usize, SignedTree)> {
    let mut published: BTreeMap<String, Published> = BTreeMap::new();
    let linux_amd64 = Platform::new("linux", "amd64");
    for text in specs {
        let version = resolve(ctx, text, platform)?;
        refuse_unbuildable(ctx, &version)?;
        let mv = module_version(&version, platform);
        if parse_module_version(&mv).is_none() {
            return Err(user(
                Report::new(format!(
                    "{version} is not a release Go publishes as a module"
                ))
                .hint("name a release, e.g. `gopin mirror --goproxy --to DIR 1.23`"),
            ));
        }
        let proven = client
            .lookup_proven(MODULE, &mv)
            .map_err(|e| lookup_error(e, &version, platform))?;
        let zip = proxy.file(&mv, "zip");
        if present(&zip, &mv, &proven.hashes.zip) {
            output::info(format_args!("{MODULE}@{mv} is already in the mirror"));
        } else {
            std::fs::create_dir_all(tmp)
                .with_context(|| format!("cannot create {}", tmp.display()))?;
            fetch_zip(ctx, &version, platform, &mv, &proven, &zip, tmp)?;
        }
        let time = zip_release_time(&zip, &mv).unwrap_or_else(|| UNKNOWN_TIME.to_owned());
        proxy.write_info_and_mod(&mv, &time)?;
        // `go get toolchain@...` checks that a release exists by its linux-amd64 `.info`,
        // whatever the platform (cmd/go's toolchainRepo.Stat).
        let linux = module_version(&version, &linux_amd64);
        if linux != mv && !proxy.file(&linux, "info").is_file() {
            proxy.write_info_and_mod(&linux, &time)?;
        }
        published.insert(
            mv,
            Published {
                id: proven.id,
                record: proven.record,
                answer: proven.answer,
            },
        );
    }

    // The list: what earlier runs published and this one, wherever a zip is present.
    let new: Vec<String> = published.keys().cloned().collect();
    let existing = proxy.read_list()?.join("\n");
    let list: Vec<String> = merge_list(&existing, &new)
        .into_iter()
        .filter(|mv| proxy.file(mv, "zip").is_file())
        .collect();
    for mv in &list {
        if !published.contains_key(mv) {
            let earlier = earlier_answer(client, sumdb, mv)?;
            published.insert(mv.clone(), earlier);
        }
    }
    let head = write_answers(client, sumdb, &published)?;
    proxy.write_list(&list)?;
    Ok((list.len(), head))
}

/// A spec resolved by the sources (a fuzzy one: the newest stable release any source has).
fn resolve(ctx: &Ctx, text: &str, platform: &Platform) -> Result<Version> {
    resolve_spec(text, platform, "--goproxy --to DIR 1.23", |fuzzy| {
        source::newest(ctx, fuzzy, platform)
    })
}

/// A spec to mirror as one release: exact as given, fuzzy through `newest`; `system` refused.
/// `example` is a `gopin mirror` command line for the hint.
pub fn resolve_spec(
    text: &str,
    platform: &Platform,
    example: &str,
    newest: impl FnOnce(&Fuzzy) -> Result<Option<Version>>,
) -> Result<Version> {
    match crate::toolchain::parse_spec(text)? {
        Spec::Exact(version) => Ok(version),
        Spec::Fuzzy(fuzzy) => newest(&fuzzy)?.ok_or_else(|| {
            user(
                Report::new(format!(
                    "no stable Go release matches {fuzzy} for {platform}"
                ))
                .hint(format!("see the releases with `gopin list-remote {fuzzy}`")),
            )
        }),
        Spec::System => Err(user(
            Report::new("`system` cannot be mirrored")
                .hint(format!("name a release, e.g. `gopin mirror {example}`")),
        )),
    }
}

/// Releases before go1.21.0 have no module form to build from their archive: with the index
/// as the only source, say so before asking anything.
fn refuse_unbuildable(ctx: &Ctx, version: &Version) -> Result<()> {
    if built_by_distpack(version) || ctx.config.sources.contains(&Kind::Goproxy) {
        return Ok(());
    }
    Err(user(pre_distpack(version)))
}

fn pre_distpack(version: &Version) -> Report {
    Report::new(format!(
        "{version} cannot be mirrored as a module from the go.dev index"
    ))
    .detail(
        "its module zip was not built from its release archive (only go1.21.0 and later are), \
         so the archive cannot be checked against the checksum database",
    )
    .hint(format!(
        "take it from a module proxy: `GOPIN_SOURCE=goproxy gopin mirror --goproxy --to DIR {}`",
        version.bare()
    ))
}

fn lookup_error(error: SumdbError, version: &Version, platform: &Platform) -> anyhow::Error {
    match error {
        SumdbError::NotFound { .. } => user(error.report().hint(format!(
            "check that {version} exists for {platform}: `gopin list-remote`"
        ))),
        other => anyhow::Error::new(other),
    }
}

/// True when `zip` is there and hashes to `wanted` (a folder from an earlier run).
fn present(zip: &Path, module_version: &str, wanted: &H1) -> bool {
    zip.is_file()
        && crate::module_zip::hash(zip, module_version, &Limits::default())
            .is_ok_and(|h1| h1 == *wanted)
}

/// Puts the verified module zip at `target` from the first source that has it.
fn fetch_zip(
    ctx: &Ctx,
    version: &Version,
    platform: &Platform,
    module_version: &str,
    proven: &Proven,
    target: &Path,
    tmp: &Path,
) -> Result<()> {
    let mut failures: Vec<(Kind, anyhow::Error)> = Vec::new();
    for kind in &ctx.config.sources {
        let attempt = match kind {
            Kind::Index => from_index(ctx, version, platform, module_version, proven, tmp),
            Kind::Goproxy => from_goproxy(ctx, module_version, proven, tmp),
        };
        match attempt {
            Ok(built) => {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create {}", parent.display()))?;
                }
                std::fs::rename(&built, target).with_context(|| {
                    format!("cannot rename {} to {}", built.display(), target.display())
                })?;
                output::info(format_args!(
                    "mirrored {MODULE}@{module_version} ({}, record {} of the checksum database)",
                    proven.hashes.zip, proven.id
                ));
                return Ok(());
            }
            Err(Failure::Fatal(e)) => return Err(e),
            Err(Failure::Unavailable(e)) => failures.push((*kind, e)),
        }
    }
    if failures.len() == 1 {
        return Err(failures.pop().expect("one").1);
    }
    let mut report = Report::new(format!("no source could provide {version}"));
    for (kind, error) in &failures {
        report = report.detail(format!(
            "{}: {}",
            kind.describe(ctx),
            crate::error::report_of(error).message
        ));
    }
    Err(user(report.hint(
        "check the network, or set GOPIN_SOURCE to the sources you can reach (index, goproxy)",
    )))
}

/// The proxy's zip, copied into the folder's temporary space and checked there: the bytes
/// checked are the bytes published.
fn from_goproxy(
    ctx: &Ctx,
    module_version: &str,
    proven: &Proven,
    tmp: &Path,
) -> Result<PathBuf, Failure> {
    let settings = GoSettings::read().map_err(Failure::Fatal)?;
    let downloaded =
        source::goproxy::download_zip(ctx, &settings, module_version, Style::from_env(ctx.quiet))?;
    let copy = tmp.join(format!("{module_version}.zip"));
    std::fs::copy(&downloaded, &copy)
        .with_context(|| format!("cannot copy {} to {}", downloaded.display(), copy.display()))?;
    let h1 = crate::module_zip::hash(&copy, module_version, &Limits::default()).map_err(|e| {
        let _ = std::fs::remove_file(&downloaded);
        Failure::Fatal(user(
            Report::new(format!(
                "refused the proxy's zip of {MODULE}@{module_version}"
            ))
            .detail(e.to_string())
            .hint("report it to whoever runs the proxy"),
        ))
    })?;
    if h1 != proven.hashes.zip {
        let _ = std::fs::remove_file(&downloaded);
        return Err(Failure::Fatal(mismatch(
            &format!("the proxy's zip of {MODULE}@{module_version}"),
            proven,
            &h1,
            "the zip hashes to",
            "a proxy served a changed toolchain; the download was deleted",
        )));
    }
    Ok(copy)
}

/// The release archive from the index (verified by SHA-256, the downloads cache reused),
/// unpacked and rewritten into module form.
fn from_index(
    ctx: &Ctx,
    version: &Version,
    platform: &Platform,
    module_version: &str,
    proven: &Proven,
    tmp: &Path,
) -> Result<PathBuf, Failure> {
    if !built_by_distpack(version) {
        return Err(Failure::Unavailable(user(pre_distpack(version))));
    }
    let index = ctx
        .index(&|index| index.find(version, platform).is_some())
        .map_err(Failure::Unavailable)?;
    let Some(found) = index.find(version, platform) else {
        return Err(Failure::Unavailable(user(
            Report::new(format!(
                "{version} has no archive for {platform} in the Go download index"
            ))
            .hint(format!(
                "see the releases with `gopin list-remote --os {} --arch {}`",
                platform.os, platform.arch
            )),
        )));
    };
    let expected =
        Expected::from_index(found.archive, &index.origin).map_err(Failure::Unavailable)?;
    let format = archive_format(&expected.filename)?;
    let archive = download::kept_or_fetched(ctx, &expected).map_err(Failure::of_download)?;
    let tree = tmp.join("tree");
    unpack_file(format, &archive, &tree, None)?;
    let zip = tmp.join(format!("{module_version}.zip"));
    let built = module_form_zip::build(&tree, module_version, &zip);
    let _ = std::fs::remove_dir_all(&tree);
    let (h1, files) = built?;
    if h1 != proven.hashes.zip {
        let _ = std::fs::remove_file(&zip);
        let _ = std::fs::remove_file(&archive);
        return Err(Failure::Fatal(mismatch(
            &format!("the module form of {}", expected.filename),
            proven,
            &h1,
            "the archive gives",
            "the archive matches the index's SHA-256 but is not the release Go published; it \
             was deleted from the downloads cache",
        )));
    }
    output::info(format_args!(
        "built {MODULE}@{module_version} from {} ({files} files)",
        expected.filename
    ));
    Ok(zip)
}

fn mismatch(what: &str, proven: &Proven, got: &H1, got_label: &str, why: &str) -> anyhow::Error {
    user(
        Report::new(format!("{what} does not match the checksum database"))
            .detail(format!(
                "the database lists  {} (record {})",
                proven.hashes.zip, proven.id
            ))
            .detail(format!("{got_label:<19} {got}"))
            .detail(why.to_owned())
            .detail("nothing was written to the mirror")
            .hint(
                "check GOPIN_INDEX_URL, GOPIN_DOWNLOAD_URL and GOPROXY: one of them serves a \
                 changed toolchain",
            ),
    )
}

/// `time` from the zip's `VERSION` file.
fn zip_release_time(zip: &Path, module_version: &str) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(zip).ok()?;
    let mut archive = zip::ZipArchive::new(file).ok()?;
    let entry = archive
        .by_name(&format!("{MODULE}@{module_version}/VERSION"))
        .ok()?;
    let mut bytes = Vec::new();
    entry.take(4096).read_to_end(&mut bytes).ok()?;
    release_time(&bytes)
}

/// The record of a version an earlier run published: from its answer in the folder when that
/// still parses under GOSUMDB's key (it is proven again in the new head below), else asked anew.
fn earlier_answer(client: &Client, sumdb: &SumdbTree, mv: &str) -> Result<Published> {
    let path = sumdb.lookup_path(mv);
    if let Some(answer) = sumdb.read(&path, crate::sumdb::client::MAX_LOOKUP_BYTES)
        && let Ok(parsed) = lookup::parse(&answer, MODULE, mv, client.database().verifiers())
    {
        return Ok(Published {
            id: parsed.id(),
            record: parsed.record().to_owned(),
            answer,
        });
    }
    let proven = client
        .lookup_proven(MODULE, mv)
        .map_err(anyhow::Error::new)?;
    Ok(Published {
        id: proven.id,
        record: proven.record,
        answer: proven.answer,
    })
}

/// Rewrites every answer at the newest head known (gopin's kept head, or the folder's when an
/// earlier run from elsewhere got further), with the tiles it needs; returns that head.
fn write_answers(
    client: &Client,
    sumdb: &SumdbTree,
    published: &BTreeMap<String, Published>,
) -> Result<SignedTree> {
    let verifiers = client.database().verifiers();
    let kept = client
        .kept_head()
        .map_err(anyhow::Error::new)?
        .context("no tree head was kept after the lookups")?;
    let latest_path = sumdb.latest_path();
    let previous = match sumdb.read(&latest_path, crate::sumdb::client::MAX_LOOKUP_BYTES) {
        None => None,
        Some(note) => Some(SignedTree::open(&note, verifiers).map_err(|e| {
            user(
                Report::new(format!(
                    "{} is not a tree head signed by GOSUMDB's key",
                    latest_path.display()
                ))
                .detail(e.to_string())
                .hint("mirror into another folder, or remove the folder's sumdb/ and run again"),
            )
        })?),
    };
    // The newer of the two is the head; the other must be a prefix of it.
    let (head, other) = match previous {
        Some(prev) if prev.size() > kept.size() => (prev, Some(kept)),
        prev => (kept, prev),
    };
    let mut older: Vec<u64> = sumdb.read_history();
    older.retain(|&s| s < head.size());
    let check = other.filter(|o| o.size() <= head.size());
    if let Some(o) = &check {
        older.insert(0, o.size());
    }
    let records: Vec<(u64, &[u8])> = published
        .values()
        .map(|p| (p.id, p.record.as_bytes()))
        .collect();
    let proven = client
        .head_tiles(&head, &records, &older)
        .map_err(anyhow::Error::new)?;
    if let Some(o) = &check
        && proven.roots.first() != Some(&o.root())
    {
        let mut report = Report::new(format!(
            "SECURITY ERROR: the checksum database {} signed two histories",
            head.database()
        ))
        .detail(format!(
            "the tree of size {} has root {}",
            o.size(),
            o.root()
        ))
        .detail(format!(
            "but the tree of size {} says its first {} records have root {}",
            head.size(),
            o.size(),
            proven.roots[0]
        ));
        for note in [o.note(), head.note()] {
            for line in String::from_utf8_lossy(note).lines() {
                report = report.detail(line.to_owned());
            }
        }
        return Err(user(report.hint(
            "keep this output and report it to the database's operators; the folder's database answers were left as they were",
        )));
    }
    // Every tile a client needs was authenticated above.
    let ids: Vec<u64> = published.values().map(|p| p.id).collect();
    let have: std::collections::BTreeSet<_> = proven.tiles.iter().map(|(t, _)| *t).collect();
    if let Some(missing) = tiles_needed(head.size(), &ids, &older)
        .into_iter()
        .find(|t| !have.contains(t))
    {
        anyhow::bail!("internal error: tile {} was not proven", missing.path());
    }
    let mut lookups = Vec::with_capacity(published.len());
    for (mv, p) in published {
        let answer = rewrite_lookup(&p.answer, head.note())
            .with_context(|| format!("the answer for {MODULE}@{mv} holds no record"))?;
        lookups.push((mv.clone(), answer));
    }
    let mut history = older;
    history.push(head.size());
    sumdb.write(&proven.tiles, &lookups, head.note(), &history)?;
    Ok(head)
}
