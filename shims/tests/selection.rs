//! The selection rules (PRODUCT.md section 3) as a table over real directory trees.
//!
//! Each case writes its files under a fresh temporary folder, builds the inputs the way the
//! process would (environment, go env file, root) and checks the chosen toolchain and the
//! reason, or the error text. `{t}` in a row stands for the temporary folder.

use gopin_shim::select::{Inputs, Trace, installed_versions, select};
use gopin_shim::{Choice, Root, goenv};
use std::collections::HashMap;
use std::path::Path;

struct Case {
    name: &'static str,
    /// Files to create, relative to the temporary folder.
    files: &'static [(&'static str, &'static str)],
    /// Directories under `{t}/root/versions` that look installed.
    installed: &'static [&'static str],
    /// Where selection runs, relative to the temporary folder.
    cwd: &'static str,
    /// Environment variables (`{t}` expanded). GOENV points at `{t}/goenv` unless set here.
    env: &'static [(&'static str, &'static str)],
    /// `go1.22.4 (toolchain line, {t}/p/go.mod:3)`, `index 1.22` when the index must decide, or
    /// `error: ...` followed by `|`-separated fragments of the rendered error.
    want: &'static str,
}

const GO_MOD_22_4: &str = "module example.com/p\n\ngo 1.22\n\ntoolchain go1.22.4\n";

const CASES: &[Case] = &[
    Case {
        name: "toolchain line wins over an older go line",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "a go.work in the parent governs the go.mod",
        files: &[
            ("p/go.mod", GO_MOD_22_4),
            ("go.work", "go 1.23.1\n\nuse ./p\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.23.1 (go line, {t}/go.work:1)",
    },
    Case {
        name: "GOWORK=off hides the go.work",
        files: &[("p/go.mod", GO_MOD_22_4), ("go.work", "go 1.23.1\n")],
        installed: &[],
        cwd: "p",
        env: &[("GOWORK", "off")],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "GOWORK=off from the go env file",
        files: &[
            ("p/go.mod", GO_MOD_22_4),
            ("go.work", "go 1.23.1\n"),
            ("goenv", "GOWORK=off\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "GOWORK=auto searches as usual",
        files: &[("p/go.mod", GO_MOD_22_4), ("go.work", "go 1.23.1\n")],
        installed: &[],
        cwd: "p",
        env: &[("GOWORK", "auto")],
        want: "go1.23.1 (go line, {t}/go.work:1)",
    },
    Case {
        name: "absolute GOWORK names the workspace file",
        files: &[("p/go.mod", GO_MOD_22_4), ("ws/main.work", "go 1.24.0\n")],
        installed: &[],
        cwd: "p",
        env: &[("GOWORK", "{t}/ws/main.work")],
        want: "go1.24.0 (go line, {t}/ws/main.work:1)",
    },
    Case {
        name: "absolute GOWORK that does not exist means no workspace",
        files: &[("p/go.mod", GO_MOD_22_4), ("go.work", "go 1.23.1\n")],
        installed: &[],
        cwd: "p",
        env: &[("GOWORK", "{t}/missing.work")],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "relative GOWORK is an error naming GOWORK",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[("GOWORK", "ws/go.work")],
        want: "error: invalid GOWORK \"ws/go.work\"|not an absolute path",
    },
    Case {
        name: "a .go-version holding 1.22.x names the file, line and text",
        files: &[("p/.go-version", "1.22.x\n"), ("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/p/.go-version:1: \"1.22.x\"|hint: ",
    },
    Case {
        name: "go 1.22 means go1.22.0, never the newest patch",
        files: &[("p/go.mod", "module m\ngo 1.22\n")],
        installed: &["go1.22.10"],
        cwd: "p",
        env: &[],
        want: "go1.22.0 (go line, {t}/p/go.mod:2)",
    },
    Case {
        name: "go 1.21 means go1.21.0",
        files: &[("p/go.mod", "module m\ngo 1.21\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.0 (go line, {t}/p/go.mod:2)",
    },
    Case {
        name: "go 1.20 is itself a release",
        files: &[("p/go.mod", "module m\ngo 1.20\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.20 (go line, {t}/p/go.mod:2)",
    },
    Case {
        name: "a prerelease go line is kept",
        files: &[("p/go.mod", "module m\ngo 1.24rc1\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.24rc1 (go line, {t}/p/go.mod:2)",
    },
    Case {
        name: "a go line newer than the toolchain line wins",
        files: &[("p/go.mod", "module m\ngo 1.23.1\ntoolchain go1.22.4\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.23.1 (go line, {t}/p/go.mod:2)",
    },
    Case {
        name: "toolchain default is no requirement: the default decides",
        files: &[
            ("p/go.mod", "module m\ngo 1.22\ntoolchain default\n"),
            ("root/default", "go1.21.13\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (default, {t}/root/default)",
    },
    Case {
        name: "a go.mod with neither line: the default decides",
        files: &[
            ("p/go.mod", "module m\n"),
            ("root/default", "go1.21.13\n"),
            (".go-version", "1.20.1"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (default, {t}/root/default)",
    },
    Case {
        name: "toolchain go1.22 is a language version: an error, as in Go",
        files: &[("p/go.mod", "module m\ngo 1.22\ntoolchain go1.22\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/p/go.mod:3: \"toolchain go1.22\"|language version|toolchain go1.22.0",
    },
    Case {
        name: "a custom toolchain is selected by its full name",
        files: &[(
            "p/go.mod",
            "module m\ngo 1.22.4\ntoolchain go1.22.4-custom\n",
        )],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4-custom (toolchain line, {t}/p/go.mod:3)",
    },
    Case {
        name: "a toolchain line naming a path is refused",
        files: &[("p/go.mod", "module m\ntoolchain go1.22.4/../../evil\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/p/go.mod:2|not a toolchain name",
    },
    Case {
        name: "a repeated go line is an error naming the second line",
        files: &[("p/go.mod", "module m\ngo 1.22\ngo 1.23\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/p/go.mod:3: \"go 1.23\"|repeated go statement",
    },
    Case {
        name: "a malformed go line in a go.work is an error",
        files: &[("p/go.mod", GO_MOD_22_4), ("go.work", "go 1.23.x\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/go.work:1: \"go 1.23.x\"",
    },
    Case {
        name: ".go-version beats go.mod in the same directory",
        files: &[("p/go.mod", GO_MOD_22_4), ("p/.go-version", "1.21.13\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (.go-version, {t}/p/.go-version:1)",
    },
    Case {
        name: "the nearest directory decides: go.mod below a .go-version",
        files: &[("p/go.mod", GO_MOD_22_4), (".go-version", "1.21.13\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "the nearest directory decides: .go-version below a go.mod",
        files: &[("go.mod", GO_MOD_22_4), ("sub/.go-version", "1.21.13\n")],
        installed: &[],
        cwd: "sub",
        env: &[],
        want: "go1.21.13 (.go-version, {t}/sub/.go-version:1)",
    },
    Case {
        name: "an ancestor go.work governs a go.mod even past a .go-version",
        files: &[
            ("a/b/c/go.mod", GO_MOD_22_4),
            ("a/b/.go-version", "1.21.13\n"),
            ("a/go.work", "go 1.23.1\n"),
        ],
        installed: &[],
        cwd: "a/b/c",
        env: &[],
        want: "go1.23.1 (go line, {t}/a/go.work:1)",
    },
    Case {
        name: "a subdirectory without files uses the module above",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p/internal/x",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: ".tool-versions golang line",
        files: &[
            ("p/.tool-versions", "nodejs 20.0.0\ngolang 1.21.13\n"),
            ("p/go.mod", GO_MOD_22_4),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (golang line, {t}/p/.tool-versions:2)",
    },
    Case {
        name: ".tool-versions without a Go line is skipped",
        files: &[
            ("p/.tool-versions", "nodejs 20.0.0\n"),
            ("p/go.mod", GO_MOD_22_4),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: ".go-version beats .tool-versions",
        files: &[
            ("p/.tool-versions", "golang 1.21.13\n"),
            ("p/.go-version", "1.20.1\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.20.1 (.go-version, {t}/p/.go-version:1)",
    },
    Case {
        name: "a malformed .tool-versions golang line is an error",
        files: &[("p/.tool-versions", "golang ref:master\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: invalid line in {t}/p/.tool-versions:1: \"golang ref:master\"",
    },
    Case {
        name: "go.work beats go.mod in the same directory",
        files: &[
            ("p/go.mod", GO_MOD_22_4),
            ("p/go.work", "go 1.23.1\ntoolchain go1.23.4\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.23.4 (toolchain line, {t}/p/go.work:2)",
    },
    Case {
        name: "a go.work with no lines is no requirement",
        files: &[
            ("p/go.mod", GO_MOD_22_4),
            ("go.work", "use ./p\n"),
            ("root/default", "1.21.13"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (default, {t}/root/default)",
    },
    Case {
        name: "GOPIN_TOOLCHAIN beats everything",
        files: &[("p/go.mod", GO_MOD_22_4), ("p/.go-version", "1.20.1")],
        installed: &[],
        cwd: "p",
        env: &[("GOPIN_TOOLCHAIN", "1.21.13"), ("GOTOOLCHAIN", "go1.22.10")],
        want: "go1.21.13 (GOPIN_TOOLCHAIN=1.21.13 (environment))",
    },
    Case {
        name: "a bad GOPIN_TOOLCHAIN is an error quoting it",
        files: &[],
        installed: &[],
        cwd: "",
        env: &[("GOPIN_TOOLCHAIN", "1.22.x")],
        want: "error: invalid version \"1.22.x\" in GOPIN_TOOLCHAIN",
    },
    Case {
        name: "GOPIN_TOOLCHAIN fuzzy resolves to the newest installed",
        files: &[],
        installed: &["go1.22.9", "go1.22.10", "go1.23rc1", "go1.21.13"],
        cwd: "",
        env: &[("GOPIN_TOOLCHAIN", "1.22")],
        want: "go1.22.10 (GOPIN_TOOLCHAIN=1.22 (environment))",
    },
    Case {
        name: "GOPIN_TOOLCHAIN=latest with nothing installed needs the index",
        files: &[],
        installed: &[],
        cwd: "",
        env: &[("GOPIN_TOOLCHAIN", "latest")],
        want: "index latest",
    },
    Case {
        name: "a plain GOTOOLCHAIN name ignores the project files",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[("GOTOOLCHAIN", "go1.22.10")],
        want: "go1.22.10 (GOTOOLCHAIN=go1.22.10 (environment))",
    },
    Case {
        name: "GOTOOLCHAIN from the go env file, with its line",
        files: &[
            ("p/go.mod", GO_MOD_22_4),
            ("goenv", "GOPROXY=direct\nGOTOOLCHAIN=go1.21.13\n"),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.21.13 (GOTOOLCHAIN=go1.21.13, {t}/goenv:2)",
    },
    Case {
        name: "GOTOOLCHAIN in the environment beats the go env file",
        files: &[("goenv", "GOTOOLCHAIN=go1.21.13\n")],
        installed: &[],
        cwd: "",
        env: &[("GOTOOLCHAIN", "go1.20.1")],
        want: "go1.20.1 (GOTOOLCHAIN=go1.20.1 (environment))",
    },
    Case {
        name: "a +auto floor raises an older project version",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[("GOTOOLCHAIN", "go1.25.0+auto")],
        want: "go1.25.0 (GOTOOLCHAIN=go1.25.0+auto (environment))",
    },
    Case {
        name: "a +path floor below the project version has no effect",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[("GOTOOLCHAIN", "go1.21.0+path")],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "a floor with nothing else selected is the selection",
        files: &[],
        installed: &[],
        cwd: "",
        env: &[("GOTOOLCHAIN", "go1.23.0+auto")],
        want: "go1.23.0 (GOTOOLCHAIN=go1.23.0+auto (environment))",
    },
    Case {
        name: "a floor applies after a fuzzy spec resolves",
        files: &[("p/.go-version", "1.21\n")],
        installed: &["go1.21.13"],
        cwd: "p",
        env: &[("GOTOOLCHAIN", "go1.22.0+auto")],
        want: "go1.22.0 (GOTOOLCHAIN=go1.22.0+auto (environment))",
    },
    Case {
        name: "GOTOOLCHAIN=local has no effect",
        files: &[("p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "p",
        env: &[("GOTOOLCHAIN", "local")],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "GOTOOLCHAIN=auto in the go env file has no effect",
        files: &[("p/go.mod", GO_MOD_22_4), ("goenv", "GOTOOLCHAIN=auto\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/p/go.mod:5)",
    },
    Case {
        name: "GOTOOLCHAIN=go1.22 is a language version: an error",
        files: &[],
        installed: &[],
        cwd: "",
        env: &[("GOTOOLCHAIN", "go1.22")],
        want: "error: invalid GOTOOLCHAIN \"go1.22\" (environment)|language version|hint: ",
    },
    Case {
        name: "an invalid GOTOOLCHAIN in the go env file names the file",
        files: &[("goenv", "GOTOOLCHAIN=newest\n")],
        installed: &[],
        cwd: "",
        env: &[],
        want: "error: invalid GOTOOLCHAIN \"newest\" ({t}/goenv:1)|go env -u GOTOOLCHAIN",
    },
    Case {
        name: "a go.mod directly in the system temp folder is ignored",
        files: &[
            ("systmp/go.mod", GO_MOD_22_4),
            ("root/default", "1.21.13\n"),
        ],
        installed: &[],
        cwd: "systmp",
        env: &[],
        want: "go1.21.13 (default, {t}/root/default)",
    },
    Case {
        name: "a go.mod in the temp folder hides one above it too, as in Go",
        files: &[
            ("systmp/go.mod", GO_MOD_22_4),
            ("go.mod", "module up\ngo 1.23.1\n"),
            ("root/default", "1.21.13\n"),
        ],
        installed: &[],
        cwd: "systmp",
        env: &[],
        want: "go1.21.13 (default, {t}/root/default)",
    },
    Case {
        name: "a go.work above the temp folder still governs its go.mod",
        files: &[("systmp/go.mod", GO_MOD_22_4), ("go.work", "go 1.23.1\n")],
        installed: &[],
        cwd: "systmp",
        env: &[],
        want: "go1.23.1 (go line, {t}/go.work:1)",
    },
    Case {
        name: "a go.mod below the temp folder counts",
        files: &[("systmp/p/go.mod", GO_MOD_22_4)],
        installed: &[],
        cwd: "systmp/p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/systmp/p/go.mod:5)",
    },
    Case {
        name: "nothing selected is an error with both fixes",
        files: &[],
        installed: &[],
        cwd: "",
        env: &[],
        want: "error: no Go version is selected here|gopin default 1.22|gopin pin 1.22",
    },
    Case {
        name: "a malformed default names the default file",
        files: &[("root/default", "one point twenty two\n")],
        installed: &[],
        cwd: "",
        env: &[],
        want: "error: invalid line in {t}/root/default:1: \"one point twenty two\"",
    },
    Case {
        name: "a fuzzy .go-version resolves to the newest installed",
        files: &[("p/.go-version", "1.22\n")],
        installed: &["go1.22.9", "go1.22.10", "go1.22.11-custom", "go1.23rc1"],
        cwd: "p",
        env: &[],
        want: "go1.22.10 (.go-version, {t}/p/.go-version:1)",
    },
    Case {
        name: "a fuzzy .go-version with nothing installed needs the index",
        files: &[("p/.go-version", "go1.22\n")],
        installed: &["go1.21.13"],
        cwd: "p",
        env: &[],
        want: "index 1.22",
    },
    Case {
        name: "latest picks the newest stable installed",
        files: &[("p/.go-version", "latest\n")],
        installed: &["go1.22.10", "go1.23rc1", "go1.21.13"],
        cwd: "p",
        env: &[],
        want: "go1.22.10 (.go-version, {t}/p/.go-version:1)",
    },
    Case {
        name: "an empty .go-version is an error",
        files: &[("p/.go-version", "\n# nothing\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "error: {t}/p/.go-version holds no version",
    },
    Case {
        name: "a .go-version with BOM, CRLF, comments and a go prefix",
        files: &[(
            "p/.go-version",
            "\u{feff}# team pin\r\n\r\ngo1.20.0\r\nignored\r\n",
        )],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.20 (.go-version, {t}/p/.go-version:3)",
    },
    Case {
        name: ".go-version system",
        files: &[("p/.go-version", "system\n")],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "system (.go-version, {t}/p/.go-version:1)",
    },
    Case {
        name: "a directory named .go-version or go.mod is not a file",
        files: &[
            ("p/.go-version/x", ""),
            ("p/go.mod/x", ""),
            ("go.mod", GO_MOD_22_4),
        ],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.4 (toolchain line, {t}/go.mod:5)",
    },
    Case {
        name: "the go.work search does not climb out of a GOROOT",
        files: &[
            (
                "root/versions/go1.22.10/src/go.mod",
                "module std\ngo 1.22\n",
            ),
            ("root/go.work", "go 1.25.0\n"),
        ],
        installed: &[],
        cwd: "root/versions/go1.22.10/src/net",
        env: &[],
        want: "go1.22.0 (go line, {t}/root/versions/go1.22.10/src/go.mod:2)",
    },
    Case {
        name: "a go line with a comment and odd spacing, godebug not mistaken for go",
        files: &[(
            "p/go.mod",
            "module m\n\ngodebug default=go1.21\n\t go\t1.22.3 // pinned\r\n",
        )],
        installed: &[],
        cwd: "p",
        env: &[],
        want: "go1.22.3 (go line, {t}/p/go.mod:4)",
    },
];

fn run(case: &Case) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().to_str().unwrap().to_owned();
    for (path, content) in case.files {
        let path = tmp.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if path.file_name().unwrap() == "x" {
            continue; // only the folder was wanted
        }
        std::fs::write(&path, content).unwrap();
    }
    let root = Root::new(tmp.path().join("root"));
    for name in case.installed {
        std::fs::create_dir_all(root.version_dir(name).join("bin")).unwrap();
    }
    let cwd = tmp.path().join(case.cwd);
    std::fs::create_dir_all(&cwd).unwrap();

    let mut env: HashMap<String, String> =
        HashMap::from([("GOENV".to_owned(), format!("{t}/goenv"))]);
    for (key, value) in case.env {
        env.insert(key.to_string(), value.replace("{t}", &t));
    }
    let getenv = |key: &str| env.get(key).cloned();
    let inputs = Inputs {
        cwd_error: None,
        cwd,
        root: root.clone(),
        gopin_toolchain: getenv("GOPIN_TOOLCHAIN"),
        go: goenv::read(&getenv),
        temp_dir: tmp.path().join("systmp"),
    };
    let outcome = match select(&inputs, &mut Trace::off()) {
        Err(error) => error.report().to_string(),
        Ok(selection) => match selection.resolve(|| installed_versions(&root)) {
            Err(fuzzy) => format!("index {fuzzy}"),
            Ok(chosen) => {
                let name = match chosen.choice {
                    Choice::Version(v) => v.to_string(),
                    Choice::System => "system".to_owned(),
                };
                format!("{name} ({})", chosen.reason)
            }
        },
    };
    outcome.replace(&t, "{t}")
}

#[test]
fn selection_table() {
    assert!(CASES.len() >= 40, "the issue asks for at least 40 cases");
    let mut failures = Vec::new();
    for case in CASES {
        let got = run(case);
        let ok = match case.want.strip_prefix("error: ") {
            Some(fragments) => {
                got.starts_with("error: ")
                    && fragments.split('|').all(|fragment| got.contains(fragment))
            }
            None => got == case.want,
        };
        if !ok {
            failures.push(format!(
                "{}\n    want: {}\n    got:  {}",
                case.name,
                case.want,
                got.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn trace_lists_each_rule_and_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("p")).unwrap();
    std::fs::write(tmp.path().join("p/go.mod"), GO_MOD_22_4).unwrap();
    let inputs = Inputs {
        cwd_error: None,
        cwd: tmp.path().join("p"),
        root: Root::new(tmp.path().join("root")),
        gopin_toolchain: None,
        go: Default::default(),
        temp_dir: Path::new("/nonexistent").to_owned(),
    };
    let mut trace = gopin_shim::Trace::on();
    select(&inputs, &mut trace).unwrap();
    let text = trace.into_lines().join("\n");
    for fragment in [
        "1. GOPIN_TOOLCHAIN: not set",
        "2. GOTOOLCHAIN: not set",
        "go.mod: go line 3: \"1.22\"; toolchain line 5: \"go1.22.4\"",
        "toolchain line wins: go1.22.4",
    ] {
        assert!(text.contains(fragment), "trace lacks {fragment:?}:\n{text}");
    }
}
