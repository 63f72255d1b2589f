//! `gopin outdated` against a loopback vulnerability database built from real OSV records
//! (every stdlib/toolchain record of a golang/vulndb snapshot) and an index of many releases.
//! Advisory sets are compared whole with `tests/fixtures/vulndb/expected.json`, which a small
//! independent Python reading of the same records wrote.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::patched::{VULNDB, World};

/// version → advisory id → first fix in the same minor release (None: only a newer one).
fn expected() -> BTreeMap<String, BTreeMap<String, Option<String>>> {
    let text = std::fs::read_to_string(format!("{VULNDB}/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The same shape, from one row of `outdated --json`.
fn advisories_of(row: &Value) -> BTreeMap<String, Option<String>> {
    row["advisories"]
        .as_array()
        .unwrap_or_else(|| panic!("no advisories in {row}"))
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["fixed_in_minor"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn row<'a>(json: &'a Value, version: &str) -> &'a Value {
    json.as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == version)
        .unwrap_or_else(|| panic!("no row for {version} in {json:#}"))
}

#[test]
fn installed_versions_get_exactly_the_real_advisories_that_affect_them() {
    let world = World::new();
    for name in ["go1.21.13", "go1.22.10", "go1.23.9"] {
        world.install_fake(name);
    }
    let run = world.run("", &["outdated", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json.as_array().unwrap().len(), 3);
    let want = expected();
    for (version, patch, supported) in [
        ("go1.21.13", "go1.21.13", false),
        ("go1.22.10", "go1.22.12", false),
        ("go1.23.9", "go1.23.12", false),
    ] {
        let row = row(&json, version);
        assert_eq!(advisories_of(row), want[version], "{version}");
        assert_eq!(row["newest_patch"], patch, "{version}");
        assert_eq!(row["newest_stable"], "go1.26.6");
        assert_eq!(row["supported"], supported);
        assert_eq!(row["installed"], true);
        assert_eq!(row["used_by"], serde_json::json!([]));
        let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "version",
                "installed",
                "used_by",
                "newest_patch",
                "newest_stable",
                "supported",
                "advisories"
            ]
        );
    }
    // One advisory in full: GO-2025-3447 affects go1.22.10; fixed in go1.22.12, go1.23.6 and
    // go1.24rc3 (SemVer 1.24.0-rc.3).
    let a = row(&json, "go1.22.10")["advisories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "GO-2025-3447")
        .unwrap()
        .clone();
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{VULNDB}/ID/GO-2025-3447.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(a["aliases"], record["aliases"]);
    assert_eq!(a["summary"], record["summary"]);
    assert_eq!(a["fixed_in_minor"], "go1.22.12");
    assert_eq!(
        a["fixed"],
        serde_json::json!(["go1.22.12", "go1.23.6", "go1.24rc3"])
    );

    // Only the toolchain modules' records were fetched, each once.
    let requests = world.vulndb_requests();
    assert_eq!(requests[0], "/vulndb/index/db.json");
    assert_eq!(requests[1], "/vulndb/index/modules.json");
    assert_eq!(requests.len(), 2 + 199, "{requests:?}");

    // The human lines: one a version, the count, the command.
    let run = world.run("", &["outdated"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    go1.21.13 (installed): newest patch; 1.21 is no longer supported (newest go1.26.6); 69 advisories, none fixed in 1.21; run `gopin install latest`
    go1.22.10 (installed): go1.22.12 is out; 1.22 is no longer supported (newest go1.26.6); 66 advisories, 3 fixed in a newer patch; run `gopin install 1.22`
    go1.23.9 (installed): go1.23.12 is out; 1.23 is no longer supported (newest go1.26.6); 60 advisories, 5 fixed in a newer patch; run `gopin install 1.23`
    ");
}

#[test]
fn advisory_sets_before_at_and_between_fixes_a_prerelease_and_an_old_line() {
    let world = World::new();
    // go1.22.3 is before GO-2024-2887's fix, go1.22.4 at it; go1.23rc1 is a prerelease;
    // go1.20's advisories since 1.21 are fixed only in newer minor releases; go1.26.6 is clean.
    for name in ["go1.20", "go1.22.3", "go1.22.4", "go1.23rc1", "go1.26.6"] {
        world.install_fake(name);
    }
    let json = world.run("", &["outdated", "--json"]).json();
    let want = expected();
    for version in ["go1.20", "go1.22.3", "go1.22.4", "go1.23rc1", "go1.26.6"] {
        assert_eq!(
            advisories_of(row(&json, version)),
            want[version],
            "{version}"
        );
    }
    let fixed_in = |version: &str, id: &str| {
        advisories_of(row(&json, version))
            .get(id)
            .cloned()
            .map(|f| f.unwrap_or_else(|| "null".to_owned()))
    };
    assert_eq!(
        fixed_in("go1.22.3", "GO-2024-2887").as_deref(),
        Some("go1.22.4")
    );
    assert_eq!(
        fixed_in("go1.22.4", "GO-2024-2887"),
        None,
        "fixed at go1.22.4"
    );
    assert_eq!(fixed_in("go1.20", "GO-2024-2887").as_deref(), Some("null"));
    assert_eq!(
        fixed_in("go1.23rc1", "GO-2024-3105").as_deref(),
        Some("go1.23.1")
    );
    let rc = row(&json, "go1.23rc1");
    assert_eq!(rc["newest_patch"], "go1.23.12");
    let clean = row(&json, "go1.26.6");
    assert_eq!(clean["advisories"], serde_json::json!([]));
    assert_eq!(clean["supported"], true);
    assert_eq!(row(&json, "go1.20")["newest_patch"], "go1.20.14");

    // An advisory limited to some systems says which.
    let limited: Vec<&Value> = rc["advisories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| !a["goos"].is_null())
        .collect();
    assert!(!limited.is_empty());
    for a in limited {
        assert!(
            a["goos"].as_array().unwrap().iter().all(|g| g.is_string()),
            "{a}"
        );
    }
}

#[test]
fn rows_say_who_uses_each_version_and_exit_code_fails_on_a_patchable_one() {
    let world = World::new();
    world.install_fake("go1.21.13");
    world.set_default("go1.26.6");
    world.write("p/go.mod", "module m\n\ngo 1.22.1\n\ntoolchain go1.22.10\n");
    let run = world.run("p", &["outdated"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!(run.stdout, @r"
    go1.21.13 (installed): newest patch; 1.21 is no longer supported (newest go1.26.6); 69 advisories, none fixed in 1.21; run `gopin install latest`
    go1.22.10 (here: toolchain line, [T]/p/go.mod:5; not installed): go1.22.12 is out; 1.22 is no longer supported (newest go1.26.6); 66 advisories, 3 fixed in a newer patch; run `gopin upgrade`
    go1.26.6 (default; not installed): newest patch; no advisories
    ");
    let json = world.run("p", &["outdated", "--json"]).json();
    assert_eq!(
        row(&json, "go1.22.10")["used_by"],
        serde_json::json!([{"kind": "here", "reason": "toolchain line, [T]/p/go.mod:5"}])
    );
    assert_eq!(row(&json, "go1.26.6")["used_by"][0]["kind"], "default");

    let run = world.run("p", &["outdated", "--exit-code"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("error: 1 version(s) have advisories fixed in a newer patch"),
        "{}",
        run.stderr
    );
    // Elsewhere only go1.21.13 (nothing fixed in 1.21) and the clean default: exit 0.
    let run = world.run("elsewhere", &["outdated", "--exit-code"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_cache_is_fresh_for_an_hour_then_revalidated_and_serves_offline() {
    let world = World::new();
    world.install_fake("go1.22.10");
    let first = world.run("", &["outdated", "--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let fetched = world.vulndb_requests().len();

    // Fresh: no request at all.
    let again = world.run("", &["outdated", "--json"]);
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(world.vulndb_requests().len(), fetched);

    // Stale: db.json is asked with its validators, answered 304, nothing else fetched.
    let cache = world.root().join("cache/vulndb");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.to_str().unwrap().ends_with(".meta.json") {
            let mut meta: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            meta["fetched_at"] = 0.into();
            std::fs::write(&path, meta.to_string()).unwrap();
        }
    }
    let stale = world.run("", &["outdated", "--json"]);
    assert_eq!(stale.stdout, first.stdout);
    let requests = world.server.requests();
    let last = requests
        .iter()
        .rfind(|r| r.target.starts_with("/vulndb/"))
        .unwrap();
    assert_eq!(last.target, "/vulndb/index/db.json");
    assert!(last.header("if-none-match").is_some(), "{last:?}");
    assert_eq!(world.vulndb_requests().len(), fetched + 1);

    // Offline, with the server gone: the cache answers.
    world.server.stop();
    let offline = world.run_with("", &["outdated", "--json"], &[("GOPIN_OFFLINE", "1")]);
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    assert_eq!(offline.stdout, first.stdout);
}

#[test]
fn a_changed_database_refetches_only_the_changed_records() {
    let world = World::new();
    world.install_fake("go1.22.10");
    assert_eq!(world.run("", &["outdated"]).code, 0);
    let before = world.vulndb_requests().len();
    // A new db.json and one record marked modified in modules.json.
    world.server.add_file(
        "/vulndb/index/db.json",
        r#"{"modified":"2026-09-01T00:00:00Z"}"#,
    );
    let modules = std::fs::read_to_string(format!("{VULNDB}/index/modules.json")).unwrap();
    let modules = modules.replacen(
        r#"{"id":"GO-2024-2887","modified":"0001-01-01T00:00:00Z""#,
        r#"{"id":"GO-2024-2887","modified":"2026-09-01T00:00:00Z""#,
        1,
    );
    world.server.add_file("/vulndb/index/modules.json", modules);
    let run = world.run_with("", &["outdated"], &[("GOPIN_INDEX_TIMEOUT", "30")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The cache is still fresh: age it so the change is seen.
    let cache = world.root().join("cache/vulndb");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.to_str().unwrap().ends_with(".meta.json") {
            let mut meta: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            meta["fetched_at"] = 0.into();
            std::fs::write(&path, meta.to_string()).unwrap();
        }
    }
    assert_eq!(world.run("", &["outdated"]).code, 0);
    let after: Vec<String> = world.vulndb_requests()[before..].to_vec();
    assert_eq!(
        after,
        [
            "/vulndb/index/db.json",
            "/vulndb/index/modules.json",
            "/vulndb/ID/GO-2024-2887.json"
        ]
    );
}

#[test]
fn a_malformed_record_is_named_and_skipped_and_odd_index_entries_are_not_fetched() {
    let world = World::with_vulndb(|files| {
        for (path, bytes) in files.iter_mut() {
            if path == "ID/GO-2025-3447.json" {
                *bytes = b"{\"id\": \"GO-2025-3447\", \"affected\": 42}".to_vec();
            }
            if path == "index/modules.json" {
                let mut modules: Value = serde_json::from_slice(bytes).unwrap();
                let list = modules.as_array_mut().unwrap();
                list.push(serde_json::json!({"path": "golang.org/x/text",
                    "vulns": [{"id": "GO-2099-0001", "modified": "2026-01-01T00:00:00Z"}]}));
                let stdlib = list.iter_mut().find(|m| m["path"] == "stdlib").unwrap();
                stdlib["vulns"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"id": "../../\u{1b}[31mevil", "modified": "2026-01-01T00:00:00Z"}));
                stdlib["vulns"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!(
                    {"id": "GO-2099-0002", "modified": "2026-01-01T00:00:00Z"}));
                *bytes = serde_json::to_vec(&modules).unwrap();
            }
        }
        // A withdrawn record that would affect everything.
        files.push((
            "ID/GO-2099-0002.json".to_owned(),
            br#"{"id":"GO-2099-0002","withdrawn":"2026-01-02T00:00:00Z","summary":"withdrawn","affected":[{"package":{"name":"stdlib"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#.to_vec(),
        ));
    });
    world.install_fake("go1.22.10");
    let run = world.run("", &["outdated", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: skipped the advisory GO-2025-3447: not an OSV record (invalid type: integer `42`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: skipped the advisory ../../\\x1b[31mevil: index/modules.json names it, but it is not an advisory id"),
        "{}",
        run.stderr
    );
    let mut want = expected()["go1.22.10"].clone();
    want.remove("GO-2025-3447");
    assert_eq!(advisories_of(&run.json()[0]), want);
    let requests = world.vulndb_requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.contains("GO-2099-0001") || r.contains("evil"))
    );
    assert!(requests.contains(&"/vulndb/ID/GO-2099-0002.json".to_owned()));
    // The warning comes back on every use of the cached copy.
    let again = world.run("", &["outdated"]);
    assert!(again.stderr.contains("GO-2025-3447"), "{}", again.stderr);
}

#[test]
fn file_urls_work_and_an_unreachable_database_still_prints_the_patches() {
    let world = World::new();
    world.install_fake("go1.22.10");
    let file = format!("file://{VULNDB}");
    let run = world.run_with("", &["outdated", "--json"], &[("GOPIN_VULNDB_URL", &file)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(advisories_of(&run.json()[0]), expected()["go1.22.10"]);

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/vulndb", listener.local_addr().unwrap())
    };
    let run = world.run_with("", &["outdated"], &[("GOPIN_VULNDB_URL", &closed)]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "go1.22.10 (installed): go1.22.12 is out; 1.22 is no longer supported (newest go1.26.6); advisories unknown; run `gopin install 1.22`\n"
    );
    assert!(
        run.stderr
            .contains("error: cannot get the Go vulnerability database"),
        "{}",
        run.stderr
    );
    let run = world.run_with(
        "",
        &["outdated", "--json"],
        &[("GOPIN_VULNDB_URL", &closed)],
    );
    assert_eq!(run.code, 1);
    assert!(run.json()[0]["advisories"].is_null());
    assert_eq!(run.json()[0]["newest_patch"], "go1.22.12");

    // Offline with nothing cached for that URL: the same, and the error says why.
    let run = world.run_with(
        "",
        &["outdated"],
        &[("GOPIN_VULNDB_URL", &closed), ("GOPIN_OFFLINE", "1")],
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("GOPIN_OFFLINE=1"), "{}", run.stderr);
}

#[test]
fn a_stalled_database_fails_at_the_deadline() {
    let world = World::new();
    world.install_fake("go1.22.10");
    world.server.add_fault(
        "/vulndb/index/modules.json",
        support::http_server::Fault::Stall {
            after: 10,
            duration: std::time::Duration::from_secs(3),
        },
    );
    let run = world.run_with("", &["outdated"], &[("GOPIN_INDEX_TIMEOUT", "1")]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("GOPIN_INDEX_TIMEOUT"), "{}", run.stderr);

    // The index obeys the same deadline: its fields are unknown, the advisories still listed.
    std::fs::remove_dir_all(world.root().join("cache")).unwrap();
    world.server.add_fault(
        "/index.json",
        support::http_server::Fault::Stall {
            after: 10,
            duration: std::time::Duration::from_secs(3),
        },
    );
    let run = world.run_with("", &["outdated", "--json"], &[("GOPIN_INDEX_TIMEOUT", "1")]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot get the Go download index")
            && run.stderr.contains("GOPIN_INDEX_TIMEOUT"),
        "{}",
        run.stderr
    );
    let row = &run.json()[0];
    assert!(row["newest_patch"].is_null() && row["supported"].is_null());
    assert_eq!(advisories_of(row), expected()["go1.22.10"]);
}

#[test]
fn doctor_warns_about_advisories_fixed_in_a_newer_patch() {
    let world = World::new();
    world.install_fake("go1.22.10");
    world.write("p/go.mod", "module m\n\ngo 1.22.1\n\ntoolchain go1.22.10\n");
    let check = |cwd: &str, extra: &[&str]| {
        let mut args = vec!["doctor", "--json"];
        args.extend_from_slice(extra);
        let json = world.run(cwd, &args).json();
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "selection.advisories")
            .cloned()
            .unwrap_or_else(|| panic!("no selection.advisories in {json:#}"))
    };
    let warn = check("p", &[]);
    assert_eq!(warn["status"], "warn", "{warn:#}");
    assert_eq!(
        warn["summary"],
        "go1.22.10 has 3 known vulnerabilities fixed in a newer patch (all by go1.22.12)"
    );
    assert!(warn["hint"].as_str().unwrap().contains("`gopin upgrade`"));
    assert_eq!(warn["evidence"].as_array().unwrap().len(), 66);
    assert!(
        warn["evidence"].as_array().unwrap().iter().any(|e| e
            .as_str()
            .unwrap()
            .starts_with("GO-2025-3447 (CVE-2025-22866): ")
            && e.as_str().unwrap().ends_with("; fixed in go1.22.12")),
        "{warn:#}"
    );

    // Fixed only in newer minor releases: a note. Up to date: a pass.
    world.write("old/.go-version", "1.21.13\n");
    assert_eq!(check("old", &[])["status"], "info");
    world.write("new/.go-version", "1.26.6\n");
    let pass = check("new", &[]);
    assert_eq!(pass["status"], "pass");
    assert_eq!(pass["summary"], "no known vulnerabilities in go1.26.6");

    // --offline reads the cache; with none for the URL, a note says the check was not made.
    assert_eq!(check("p", &["--offline"])["status"], "warn");
    let none = world.run_with(
        "p",
        &["doctor", "--json", "--offline"],
        &[("GOPIN_VULNDB_URL", "http://127.0.0.1:9/elsewhere")],
    );
    let json = none.json();
    let note = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "selection.advisories")
        .unwrap();
    assert_eq!(note["status"], "info");
    assert!(
        note["summary"]
            .as_str()
            .unwrap()
            .starts_with("known vulnerabilities of go1.22.10 not checked"),
        "{note:#}"
    );
}
