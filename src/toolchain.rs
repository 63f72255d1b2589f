//! From the selection to a concrete toolchain: a fuzzy spec resolves to the newest installed
//! match and only then to the index, and the answer says whether it is installed and where.

use crate::ctx::Ctx;
use crate::error::user;
use crate::system_go;
use anyhow::Result;
use gopin_shim::select::{self, Inputs, Trace};
use gopin_shim::{Choice, Chosen, Fuzzy, Report, Selection, Spec, Version, installed_versions};
use std::path::PathBuf;

/// The toolchain that runs here.
pub struct Active {
    pub selection: Selection,
    pub chosen: Chosen,
    /// The GOROOT when the toolchain is present (installed, or the system go found).
    pub goroot: Option<PathBuf>,
}

impl Active {
    pub fn version(&self) -> Option<&Version> {
        match &self.chosen.choice {
            Choice::Version(v) => Some(v),
            Choice::System => None,
        }
    }

    /// `go1.22.10` or `system`.
    pub fn name(&self) -> String {
        match &self.chosen.choice {
            Choice::Version(v) => v.to_string(),
            Choice::System => "system".to_owned(),
        }
    }
}

/// The selection inputs for this process, with the root the context uses.
pub fn inputs(ctx: &Ctx) -> Result<Inputs> {
    let mut inputs = Inputs::from_process()?;
    inputs.root = ctx.root.clone();
    Ok(inputs)
}

/// Selects and resolves the toolchain for the current directory.
pub fn active(ctx: &Ctx, trace: &mut Trace) -> Result<Active> {
    let inputs = inputs(ctx)?;
    let selection = select::select(&inputs, trace)?;
    let chosen = match selection.resolve(|| installed_versions(&ctx.root)) {
        Ok(chosen) => chosen,
        Err(fuzzy) => selection.with_version(newest_available(ctx, &fuzzy)?),
    };
    let goroot = match &chosen.choice {
        Choice::Version(v) => installed_goroot(ctx, v),
        Choice::System => system_go::find(&ctx.root, "go").and_then(|go| system_go::goroot_of(&go)),
    };
    Ok(Active {
        selection,
        chosen,
        goroot,
    })
}

/// The GOROOT of an installed version, if complete.
pub fn installed_goroot(ctx: &Ctx, version: &Version) -> Option<PathBuf> {
    let dir = ctx.root.version_dir(&version.to_string());
    let go = dir
        .join("bin")
        .join(format!("go{}", std::env::consts::EXE_SUFFIX));
    go.is_file().then_some(dir)
}

/// The newest release the sources have matching a fuzzy spec.
pub fn newest_available(ctx: &Ctx, fuzzy: &Fuzzy) -> Result<Version> {
    match crate::source::newest(ctx, fuzzy, &ctx.platform)? {
        Some(version) => Ok(version),
        None => Err(user(
            Report::new(format!(
                "no stable Go release matches {fuzzy} for {}",
                ctx.platform
            ))
            .hint(format!(
                "see what there is with `gopin list-remote {fuzzy}`"
            )),
        )),
    }
}

/// Resolves a spec typed by the user to an exact version, against the index for a fuzzy spec
/// (newest available), checking an exact one is installed or listed.
pub fn resolve_spec(ctx: &Ctx, spec: &Spec) -> Result<Option<Version>> {
    match spec {
        Spec::System => Ok(None),
        Spec::Fuzzy(fuzzy) => newest_available(ctx, fuzzy).map(Some),
        Spec::Exact(version) => {
            if installed_goroot(ctx, version).is_some() {
                return Ok(Some(version.clone()));
            }
            if !version.suffix().is_empty() {
                return Err(user(
                    Report::new(format!("{version} is not installed"))
                        .detail("a custom build is known only once it is registered")
                        .hint(format!(
                            "register it with `gopin link {} /path/to/go`",
                            gopin_shim::text::quote(&version.to_string())
                        )),
                ));
            }
            if !crate::source::has(ctx, version, &ctx.platform)? {
                return Err(user(
                    Report::new(format!(
                        "{version} is not in the Go download index for {}",
                        ctx.platform
                    ))
                    .hint(format!(
                        "see the releases with `gopin list-remote {}`",
                        line_of(version)
                    )),
                ));
            }
            Ok(Some(version.clone()))
        }
    }
}

fn line_of(version: &Version) -> String {
    if version.has_minor() {
        format!("{}.{}", version.major(), version.minor())
    } else {
        version.major().to_owned()
    }
}

/// Parses a spec typed on the command line; a bad one is an error quoting it.
pub fn parse_spec(text: &str) -> Result<Spec> {
    Spec::parse(text).ok_or_else(|| {
        user(
            Report::new(format!("invalid version {text:?}"))
                .detail("expected an exact version (1.22.10, 1.23rc1), a line (1.22, 1), latest or system")
                .hint("see the releases with `gopin list-remote`"),
        )
    })
}

/// The exact form for `.go-version` and `GOPIN_TOOLCHAIN`: three numbers even for releases
/// named without `.0` (`go1.20` is written `1.20.0`, since `1.20` would read as "newest
/// 1.20.x"). A custom build keeps its registered name, which is already exact.
pub fn exact_text(version: &Version) -> String {
    let bare = version.bare();
    if version.suffix().is_empty()
        && version.has_minor()
        && !version.has_patch()
        && !version.is_prerelease()
    {
        return format!("{bare}.0");
    }
    bare
}

/// The default version, when one is set and readable (listings and guards; selection itself
/// reports a broken default file as an error).
pub fn default_version(ctx: &Ctx) -> Option<Version> {
    gopin_shim::select::read_default(&ctx.root)
        .ok()??
        .exact()
        .cloned()
}
