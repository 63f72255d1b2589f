//! Doctor: Go module settings that break CI (informational): GOPROXY, GOPRIVATE/GONOSUMDB,
//! GOSUMDB, GOFLAGS and friends, from the environment and the `go env -w` file.

use super::{Check, Status};
use gopin_shim::goenv;

const GROUP: &str = "modules";

const SETTINGS: [(&str, &str); 8] = [
    (
        "GOPROXY",
        "where modules come from; `off` forbids downloads",
    ),
    (
        "GOPRIVATE",
        "modules fetched directly and not checked against the checksum database",
    ),
    (
        "GONOSUMDB",
        "modules not checked against the checksum database",
    ),
    ("GONOPROXY", "modules fetched directly, bypassing GOPROXY"),
    (
        "GOSUMDB",
        "the checksum database; `off` disables verification",
    ),
    ("GOFLAGS", "flags added to every go command"),
    ("GOINSECURE", "modules fetched over plain http"),
    ("GOTOOLCHAIN", "see PATH and environment above"),
];

pub fn check(checks: &mut Vec<Check>) {
    let file = goenv::env_file(&|key| std::env::var(key).ok());
    let file_text = file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let mut any = false;
    for (name, meaning) in SETTINGS.iter().filter(|(n, _)| *n != "GOTOOLCHAIN") {
        let from_env = std::env::var(name).ok().filter(|v| !v.is_empty());
        let from_file = file_text
            .lines()
            // As in Go's reader, a later line wins.
            .rev()
            .find_map(|line| line.strip_prefix(&format!("{name}=")).map(str::to_owned))
            .filter(|v| !v.is_empty());
        let (value, origin) = match (from_env, from_file) {
            (Some(v), _) => (v, "environment".to_owned()),
            (None, Some(v)) => (
                v,
                file.as_ref()
                    .map_or_else(String::new, |f| f.display().to_string()),
            ),
            (None, None) => continue,
        };
        any = true;
        let mut check = Check::new(
            GROUP,
            "modules.setting",
            Status::Info,
            format!("{name}={value} ({origin})"),
        )
        .evidence(*meaning);
        if matches!(*name, "GOSUMDB" | "GOPROXY") && value == "off" {
            check = check.evidence(
                "builds that need modules not already in the cache will fail or go unverified",
            );
        }
        checks.push(check);
    }
    if !any {
        checks.push(Check::new(GROUP, "modules.setting", Status::Info, "module settings are Go's defaults (GOPROXY=https://proxy.golang.org,direct, GOSUMDB=sum.golang.org)"));
    }
}
