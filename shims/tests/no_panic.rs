//! The parsers read files and variables that anyone can write: none of them may panic, whatever
//! the bytes. Property tests feed them arbitrary text and text built from the grammar's pieces.

use gopin_shim::{Spec, Version, gomod, gotoolchain, version, version_file};
use proptest::prelude::*;

/// Text made of the characters the grammars care about, so the tests reach deep paths.
fn grammar_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("go".to_owned()),
            Just("toolchain".to_owned()),
            Just("golang".to_owned()),
            Just("1.".to_owned()),
            Just("rc".to_owned()),
            Just("default".to_owned()),
            Just("//".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("\u{feff}".to_owned()),
            Just("+auto".to_owned()),
            Just("-".to_owned()),
            "[0-9]{1,3}",
            "[ \t.#a-z/\\\\]{1,3}",
            any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000)
}

fn exercise(text: &str) {
    if let Some(v) = Version::parse(text) {
        // Whatever parses must print back and compare consistently.
        assert_eq!(Version::parse(&v.bare()).as_ref(), Some(&v));
        let _ = (v.canonical(), v.first_release(), v.is_lang_only());
    }
    if let Some(v) = Version::parse_toolchain(text) {
        assert!(!v.to_string().contains('/'));
    }
    let _ = version::compare(text, "1.22.0");
    if let Some(spec) = Spec::parse(text) {
        let _ = spec.to_string();
    }
    if let Ok(found) = gomod::scan(text) {
        let _ = gomod::required_toolchain(&found);
    }
    let _ = version_file::parse_go_version(text);
    let _ = version_file::parse_tool_versions(text);
    let _ = gotoolchain::parse(text);
}

proptest! {
    // 4000 cases in the regular suite; `PROPTEST_CASES=2000000` for a long run.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn grammar_shaped_text_never_panics(text in grammar_text()) {
        exercise(&text);
    }

    #[test]
    fn ordering_is_antisymmetric(a in grammar_text(), b in grammar_text()) {
        prop_assert_eq!(version::compare(&a, &b), version::compare(&b, &a).reverse());
    }
}
