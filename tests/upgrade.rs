//! `gopin upgrade` over real files: each kind of pin, CRLF, comments, a go.mod with only a go
//! line, a go.work governing a go.mod, the default, `--latest`, `--dry-run`, variables and
//! fuzzy pins that are not gopin's to rewrite, a read-only file, and a file edited while gopin
//! was upgrading it.

mod support;

use support::patched::World;

const GO_MOD: &str = "module example.com/p\n\ngo 1.22.1\n\ntoolchain go1.22.4 // pinned for the CI image\n\nrequire golang.org/x/net v0.25.0\n";

#[test]
fn a_toolchain_line_is_the_only_thing_rewritten() {
    let world = World::new();
    world.write("p/go.mod", GO_MOD);
    let run = world.run("p", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.22.4 → go1.22.12 (toolchain line, [T]/p/go.mod:5)\n"
    );
    assert!(
        run.stderr
            .contains("go1.22.12 installs on first use, or now with `gopin install`"),
        "{}",
        run.stderr
    );
    assert_eq!(
        world.read("p/go.mod"),
        GO_MOD.replace("toolchain go1.22.4", "toolchain go1.22.12")
    );
    // Again: nothing to do.
    let run = world.run("p", &["upgrade"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(
        run.stderr.contains(
            "go1.22.12 is already the newest patch of 1.22 (toolchain line, [T]/p/go.mod:5)"
        ),
        "{}",
        run.stderr
    );
    // --latest moves to the newest stable release.
    let run = world.run("p", &["upgrade", "--latest"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.22.12 → go1.26.6 (toolchain line, [T]/p/go.mod:5)\n"
    );
    assert!(
        world.read("p/go.mod").contains("\ngo 1.22.1\n"),
        "the go line stays"
    );
}

#[test]
fn go_version_and_tool_versions_keep_crlf_comments_and_other_tools() {
    let world = World::new();
    world.write("a/.go-version", "# the CI image\r\ngo1.21.5\r\n");
    let run = world.run("a", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.21.5 → go1.21.13 (.go-version, [T]/a/.go-version:2)\n"
    );
    assert_eq!(
        world.read("a/.go-version"),
        "# the CI image\r\ngo1.21.13\r\n"
    );

    world.write(
        "b/.tool-versions",
        "nodejs 20.11.0\ngolang 1.23.2 1.22.4 # fallback\npython 3.12.1\n",
    );
    let run = world.run("b", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.23.2 → go1.23.12 (golang line, [T]/b/.tool-versions:2)\n"
    );
    assert_eq!(
        world.read("b/.tool-versions"),
        "nodejs 20.11.0\ngolang 1.23.12 1.22.4 # fallback\npython 3.12.1\n"
    );
}

#[test]
fn a_go_line_alone_gets_a_toolchain_line_and_a_workspace_is_rewritten_not_its_module() {
    let world = World::new();
    world.write("m/go.mod", "module example.com/m\r\n\r\ngo 1.22\r\n");
    let run = world.run("m", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.22.0 → go1.22.12 (toolchain line added, [T]/m/go.mod:5)\n"
    );
    assert_eq!(
        world.read("m/go.mod"),
        "module example.com/m\r\n\r\ngo 1.22\r\n\r\ntoolchain go1.22.12\r\n"
    );
    // The result selects what was printed.
    let run = world.run("m", &["current"]);
    assert_eq!(run.stdout, "go1.22.12 (toolchain line, [T]/m/go.mod:5)\n");

    world.write("ws/go.work", "go 1.23.1\n\nuse ./api\n");
    world.write("ws/api/go.mod", GO_MOD);
    let run = world.run("ws/api", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.23.1 → go1.23.12 (toolchain line added, [T]/ws/go.work:3)\n"
    );
    assert_eq!(
        world.read("ws/go.work"),
        "go 1.23.1\n\ntoolchain go1.23.12\n\nuse ./api\n"
    );
    assert_eq!(
        world.read("ws/api/go.mod"),
        GO_MOD,
        "the module is not touched"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let world = World::new();
    world.write("p/go.mod", GO_MOD);
    let before = std::fs::metadata(world.path().join("p/go.mod"))
        .unwrap()
        .modified()
        .unwrap();
    let run = world.run("p", &["upgrade", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.22.4 → go1.22.12 (toolchain line, [T]/p/go.mod:5; dry run: nothing written)\n"
    );
    assert_eq!(world.read("p/go.mod"), GO_MOD);
    let after = std::fs::metadata(world.path().join("p/go.mod"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after);
    let names: Vec<_> = std::fs::read_dir(world.path().join("p"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file: {names:?}");
}

#[test]
fn the_default_is_rewritten_when_it_selected_the_version() {
    let world = World::new();
    world.set_default("go1.24.2");
    let run = world.run("anywhere", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "go1.24.2 → go1.24.13 (default, [T]/root/default:1)\n"
    );
    assert_eq!(
        std::fs::read_to_string(world.root().join("default")).unwrap(),
        "go1.24.13\n"
    );
}

#[test]
fn variables_are_refused_by_name_and_fuzzy_pins_are_left_alone() {
    let world = World::new();
    world.write("p/go.mod", GO_MOD);
    for (var, value) in [
        ("GOPIN_TOOLCHAIN", "1.22.4"),
        ("GOTOOLCHAIN", "go1.22.4"),
        ("GOTOOLCHAIN", "go1.23.0+auto"),
    ] {
        let run = world.run_with("p", &["upgrade"], &[(var, value)]);
        assert_eq!(run.code, 1, "{var}={value}");
        assert!(
            run.stderr.starts_with(&format!(
                "error: the version here is chosen by {var}, not by a file"
            )),
            "{var}={value}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("`unset {var}`")),
            "{}",
            run.stderr
        );
    }
    // A floor below the pin does not decide: the pin is upgraded.
    let run = world.run_with(
        "p",
        &["upgrade", "--dry-run"],
        &[("GOTOOLCHAIN", "go1.21.0+auto")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(world.read("p/go.mod"), GO_MOD);

    world.write("f/.go-version", "1.22\n");
    let run = world.run("f", &["upgrade"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(
        run.stderr.contains("asks for 1.22, not an exact version"),
        "{}",
        run.stderr
    );
    assert_eq!(world.read("f/.go-version"), "1.22\n");
}

#[cfg(unix)]
#[test]
fn a_read_only_pin_is_refused_and_kept() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::new();
    let path = world.write("p/.go-version", "1.22.4\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = world.run("p", &["upgrade"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("error: [T]/p/.go-version is read-only; nothing was written"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("chmod u+w [T]/p/.go-version"),
        "{}",
        run.stderr
    );
    assert_eq!(world.read("p/.go-version"), "1.22.4\n");
    // The file keeps its mode when it can be written.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(world.run("p", &["upgrade"]).code, 0);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(world.read("p/.go-version"), "1.22.12\n");
}

#[test]
fn an_edit_made_while_upgrading_is_never_lost() {
    let world = World::new();
    world.write("p/go.mod", GO_MOD);
    let child = world
        .command("p", &["upgrade"])
        .env("GOPIN_TEST_PAUSE", "upgrade-write")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let marker = world.root().join(".paused-upgrade-write");
    let started = std::time::Instant::now();
    while !marker.exists() {
        assert!(started.elapsed().as_secs() < 60, "gopin never paused");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let edited = GO_MOD.replace("v0.25.0", "v0.26.0");
    world.write("p/go.mod", &edited);
    std::fs::remove_file(&marker).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(world.path().to_str().unwrap(), "[T]");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "error: [T]/p/go.mod changed while gopin was upgrading it; nothing was written"
        ),
        "{stderr}"
    );
    assert_eq!(world.read("p/go.mod"), edited, "the user's edit is kept");
    let names: Vec<_> = std::fs::read_dir(world.path().join("p"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[cfg(unix)]
#[test]
fn a_linked_pin_is_written_through_the_link() {
    let world = World::new();
    world.write("shared/.go-version", "1.23.3\n");
    std::fs::create_dir_all(world.path().join("p")).unwrap();
    std::os::unix::fs::symlink("../shared/.go-version", world.path().join("p/.go-version"))
        .unwrap();
    let run = world.run("p", &["upgrade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::symlink_metadata(world.path().join("p/.go-version"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(world.read("shared/.go-version"), "1.23.12\n");
}
