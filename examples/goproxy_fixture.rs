//! Writes a static Go module proxy for `golang.org/toolchain`, with a checksum database inside
//! it, from extracted Go trees: the fixture of `tests/support/goproxy.rs` as a folder, for the
//! real-Go end-to-end suite (`e2e/goproxy.sh`) to serve on 127.0.0.1 and let the real go
//! command judge.
//!
//! ```text
//! cargo run --example goproxy_fixture -- --tree DIR [--version go1.22.10] [--goos linux]
//!     [--goarch amd64] [--tree DIR ...] --out DIR [--name sumdb.test] [--fillers N]
//!     [--modcache DIR]
//! ```
//! `--tree` is a Go tree's `go` folder; the `--version`, `--goos`, `--goarch` after it describe
//! it (defaults: the first line of its VERSION file, linux, amd64). `--fillers N` puts N made-up
//! records before the toolchains' so the log spans several tiles. `--modcache DIR` also writes
//! what the go command's module cache holds after downloading each toolchain through the tree
//! (`GoProxy::write_modcache`). Prints the GOSUMDB value
//! (`<name>+<hash>+<key>`) on stdout; a summary goes to stderr.

// The file allows dead code itself: the example uses only part of it.
#[path = "../tests/support/goproxy.rs"]
mod goproxy;

use goproxy::{GoProxy, Options, Toolchain};
use std::path::PathBuf;
use std::process::ExitCode;

struct TreeArg {
    dir: PathBuf,
    version: Option<String>,
    goos: String,
    goarch: String,
}

const USAGE: &str = "usage: goproxy_fixture --tree DIR [--version V] [--goos OS] [--goarch ARCH] \
                     [--tree ...] --out DIR [--name NAME] [--fillers N] [--modcache DIR]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("goproxy_fixture: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut trees: Vec<TreeArg> = Vec::new();
    let mut out = None;
    let mut modcache: Option<PathBuf> = None;
    let mut options = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--tree" => trees.push(TreeArg {
                dir: PathBuf::from(value()?),
                version: None,
                goos: "linux".to_owned(),
                goarch: "amd64".to_owned(),
            }),
            "--version" | "--goos" | "--goarch" => {
                let v = value()?;
                let t = trees
                    .last_mut()
                    .ok_or_else(|| format!("{flag} before any --tree\n{USAGE}"))?;
                match flag.as_str() {
                    "--version" => t.version = Some(v),
                    "--goos" => t.goos = v,
                    _ => t.goarch = v,
                }
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--modcache" => modcache = Some(PathBuf::from(value()?)),
            "--name" => options.name = value()?,
            "--fillers" => {
                options.fillers_before = value()?.parse().map_err(|e| format!("--fillers: {e}"))?
            }
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    if trees.is_empty() {
        return Err(format!("at least one --tree is required\n{USAGE}"));
    }
    let mut toolchains = Vec::new();
    for t in &trees {
        let version = match &t.version {
            Some(v) => v.clone(),
            None => {
                let file = t.dir.join("VERSION");
                let text = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e} (or give --version)", file.display()))?;
                text.lines().next().unwrap_or_default().trim().to_owned()
            }
        };
        let tc = Toolchain::from_dir(&t.dir, &version, &t.goos, &t.goarch)
            .map_err(|e| format!("reading {}: {e}", t.dir.display()))?;
        toolchains.push(tc);
    }
    let proxy = GoProxy::build(&toolchains, &options);
    proxy
        .write_to(&out)
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    for p in &proxy.published {
        if let Some(dir) = &modcache {
            proxy
                .write_modcache(dir, &p.module_version)
                .map_err(|e| format!("writing {}: {e}", dir.display()))?;
        }
        eprintln!(
            "{} {} ({} bytes) record {}",
            p.module_version,
            p.h1,
            proxy.zip(&p.module_version).len(),
            p.record_id
        );
    }
    eprintln!(
        "wrote {} files to {}; tree size {}",
        proxy.files.len(),
        out.display(),
        proxy.db.size()
    );
    #[allow(clippy::print_stdout)]
    {
        println!("{}", proxy.gosumdb());
    }
    Ok(())
}
