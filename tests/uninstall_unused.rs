//! `gopin uninstall --unused`: never the default, never a version a listed folder uses; `.git`,
//! `vendor` and linked folders are not looked into; `--dry-run` lists only.

mod support;

use support::patched::World;

fn installed(world: &World) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(world.root().join("versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn only_versions_nothing_uses_are_listed_then_removed() {
    let world = World::new();
    for name in [
        "go1.21.13",
        "go1.22.4",
        "go1.22.10",
        "go1.23.9",
        "go1.24.2",
        "go1.25.1",
    ] {
        world.install_fake(name);
    }
    world.set_default("go1.24.2");
    world.write(
        "work/api/go.mod",
        "module api\n\ngo 1.22.1\n\ntoolchain go1.22.4\n",
    );
    world.write("work/web/.tool-versions", "nodejs 20.11.0\ngolang 1.23.9\n");
    world.write("work/lib/.go-version", "1.25\n");
    world.write("work/api/.git/go.mod", "module x\n\ngo 1.21.13\n");
    world.write("work/api/vendor/y/go.mod", "module y\n\ngo 1.22.10\n");
    world.write("elsewhere/.go-version", "1.21.13\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        world.path().join("elsewhere"),
        world.path().join("work/link"),
    )
    .unwrap();

    let run = world.run(
        "",
        &["uninstall", "--unused", "--keep-for", "work", "--dry-run"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "go1.21.13\ngo1.22.10\n");
    assert!(
        run.stderr.contains("keeping go1.24.2: the default"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("keeping go1.22.4: [T]/work/api/go.mod"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("keeping go1.25.1: [T]/work/lib/.go-version"),
        "{}",
        run.stderr
    );
    assert_eq!(installed(&world).len(), 6, "a dry run removes nothing");

    let run = world.run("", &["uninstall", "--unused", "--keep-for", "work"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "go1.21.13\ngo1.22.10\n");
    assert_eq!(
        installed(&world),
        ["go1.22.4", "go1.23.9", "go1.24.2", "go1.25.1"]
    );

    // Without --keep-for, the current folder: here only api's version and the default stay.
    let run = world.run("work/api", &["uninstall", "--unused"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "go1.23.9\ngo1.25.1\n");
    assert_eq!(installed(&world), ["go1.22.4", "go1.24.2"]);

    let run = world.run("work/api", &["uninstall", "--unused"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(run.stderr.contains("no unused versions"), "{}", run.stderr);
}

#[test]
fn several_folders_and_usage_errors() {
    let world = World::new();
    for name in ["go1.22.4", "go1.23.9", "go1.24.2"] {
        world.install_fake(name);
    }
    world.write("a/.go-version", "1.22.4\n");
    world.write("b/go.work", "go 1.23.9\n");
    let run = world.run("", &["uninstall", "--unused", "--keep-for", "a", "b"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "go1.24.2\n");
    assert_eq!(installed(&world), ["go1.22.4", "go1.23.9"]);

    assert_eq!(world.run("", &["uninstall", "--unused", "1.22"]).code, 2);
    assert_eq!(world.run("", &["uninstall", "--keep-for", "a"]).code, 2);
    assert_eq!(world.run("", &["uninstall", "--dry-run", "1.22"]).code, 2);
    let run = world.run("", &["uninstall", "--unused", "--keep-for", "missing"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("error: [T]/missing is not a folder"),
        "{}",
        run.stderr
    );
}
