//! The measurable rules of the layout (issue 9), checked on the sources:
//! exactly-once keys only from `OnceKey`, button ids only from `Action`,
//! every user-facing text in the domain's `messages/`, file and function
//! sizes, and the AWS and Slack adapter crates depending on the domain, not
//! on each other.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

/// Every `.rs` file under `dir`, skipping build output.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "target") {
                rust_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Production sources: the crates under `shared/` and `functions/`, without
/// their `tests/` folders, unit-test files and `#[cfg(test)]` tails.
fn production_sources() -> Vec<(String, String)> {
    crate_sources()
        .into_iter()
        .map(|(rel, text)| {
            let code = match text.find("#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text,
            };
            let code = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (rel, code)
        })
        .collect()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The quoted strings that follow `marker` in `text` (e.g. `f(&["` in once_key.rs).
fn quoted_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

const ONCE_KEY_MODULE: &str = "shared/domain/src/once_key/mod.rs";
const ACTION_MODULE: &str = "shared/domain/src/action.rs";

#[test]
fn once_keys_are_only_spelled_in_the_once_key_module() {
    let kinds = quoted_after(&read(ONCE_KEY_MODULE), "f(&[\"");
    assert!(kinds.len() >= 10, "found the key kinds: {kinds:?}");
    let mut offenders = Vec::new();
    for (file, code) in production_sources() {
        if file == ONCE_KEY_MODULE {
            continue;
        }
        for kind in &kinds {
            if code.contains(&format!("\"{kind}#")) {
                offenders.push(format!("{file}: \"{kind}#…\""));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "build these keys with OnceKey: {offenders:#?}"
    );
}

#[test]
fn button_ids_are_only_spelled_in_the_action_module() {
    let ids = quoted_after(&read(ACTION_MODULE), ": &str = \"");
    assert!(ids.len() >= 15, "found the action ids: {ids:?}");
    let mut offenders = Vec::new();
    for (file, code) in production_sources() {
        if file == ACTION_MODULE {
            continue;
        }
        for id in &ids {
            let literal = format!("\"{id}\"");
            // One-word ids ("pause") are also the typed commands; an id is
            // recognisable as one when it has an underscore, or sits next
            // to `action_id`.
            let as_id = code
                .lines()
                .any(|l| l.contains(&literal) && (id.contains('_') || l.contains("action_id")));
            if as_id {
                offenders.push(format!("{file}: {literal}"));
            }
        }
        if code.contains("starts_with(\"mod_") {
            offenders.push(format!("{file}: starts_with(\"mod_…\")"));
        }
    }
    assert!(
        offenders.is_empty(),
        "build and read buttons through Action: {offenders:#?}"
    );
}

#[test]
fn the_aws_and_slack_adapters_depend_on_the_domain_not_on_each_other() {
    let aws = read("shared/aws/Cargo.toml");
    let slack = read("shared/slack/Cargo.toml");
    assert!(
        !aws.contains("mentor-slack"),
        "shared/aws names the Slack crate"
    );
    assert!(
        !slack.contains("mentor-aws"),
        "shared/slack names the AWS crate"
    );
    assert!(aws.contains("mentor-domain") && slack.contains("mentor-domain"));
}

#[test]
fn nothing_outside_the_domain_reaches_into_the_bots_ports() {
    let offenders: Vec<String> = production_sources()
        .into_iter()
        .filter(|(file, _)| !file.starts_with("shared/domain/"))
        .filter(|(_, code)| code.contains("bot.deps") || code.contains("bot.cfg"))
        .map(|(file, _)| file)
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn the_bots_fields_stay_private_so_only_the_use_cases_reach_the_ports() {
    let text = read("shared/domain/src/usecases/mod.rs");
    let fields = text
        .split("pub struct Bot {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("Bot is a struct in usecases/mod.rs");
    let public: Vec<&str> = fields
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("pub"))
        .collect();
    assert!(fields.contains("deps"), "{fields}");
    assert!(
        public.is_empty(),
        "Bot's fields must stay private: {public:?}"
    );
}

#[test]
fn every_moto_story_skips_cleanly_without_moto() {
    let mut files = Vec::new();
    rust_files(&root().join("tests/tests"), &mut files);
    let mut offenders = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for test in text.split("#[tokio::test]").skip(1) {
            let body = test.split("\n}\n").next().unwrap_or_default();
            if body.contains("Harness::") && !body.contains("moto_or_skip!()") {
                let name = body.lines().nth(1).unwrap_or_default().trim().to_string();
                offenders.push(format!("{}: {name}", f.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "start these with moto_or_skip!(): {offenders:#?}"
    );
}

/// Every `.rs` file of the crates (not the test suites), with its text.
fn crate_sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["shared", "functions"] {
        rust_files(&root().join(dir), &mut files);
    }
    files
        .into_iter()
        .filter(|p| {
            !p.components().any(|c| c.as_os_str() == "tests")
                && p.file_name().is_some_and(|n| n != "tests.rs")
        })
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            let rel = p
                .strip_prefix(root())
                .unwrap_or(&p)
                .to_string_lossy()
                .into_owned();
            Some((rel, text))
        })
        .collect()
}

/// The exact matching solver is one algorithm, kept whole on purpose.
const SIZE_EXEMPT: &str = "shared/matching/src/blossom.rs";
const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

#[test]
fn no_source_file_is_over_600_lines() {
    let offenders: Vec<String> = crate_sources()
        .into_iter()
        .filter(|(file, _)| file != SIZE_EXEMPT)
        .filter(|(_, text)| text.lines().count() > MAX_FILE_LINES)
        .map(|(file, text)| format!("{file}: {} lines", text.lines().count()))
        .collect();
    assert!(
        offenders.is_empty(),
        "split these into smaller files inside their folder: {offenders:#?}"
    );
}

#[test]
fn no_function_is_over_80_lines() {
    let mut offenders = Vec::new();
    for (file, text) in crate_sources() {
        if file == SIZE_EXEMPT {
            continue;
        }
        let code = match text.find("#[cfg(test)]") {
            Some(i) => &text[..i],
            None => &text,
        };
        for f in integration_tests::scan::functions(code) {
            if f.lines > MAX_FN_LINES {
                offenders.push(format!("{file}:{} {}: {} lines", f.line, f.name, f.lines));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "split these into named steps: {offenders:#?}"
    );
}

/// Where a literal is not shown to anyone: logs, panics, error values.
const NOT_SHOWN: &[&str] = &[
    "tracing::",
    "info!",
    "warn!",
    "error!",
    "debug!",
    "trace!",
    "panic!",
    "unreachable!",
    "assert",
    "expect",
    "Error::",
    "eprintln!",
    "write!",
    "write_str",
];
/// Constructors whose text a member or moderator reads.
const SHOWN: &[&str] = &[
    "Message::plain",
    "Message",
    "SlashReply::text",
    "Block::Section",
    "Block::Header",
    "Block::Context",
    "Button::new",
    "no_change",
];

/// A literal someone would read: a sentence ("Pick two different people."),
/// or any words handed straight to a message, block or button constructor.
fn user_facing(lit: &integration_tests::scan::StrLit) -> bool {
    let words = lit.text.contains(' ') && lit.text.chars().any(char::is_alphabetic);
    let sentence = lit.text.starts_with(|c: char| c.is_ascii_uppercase())
        && lit.text.chars().any(|c| c.is_lowercase());
    let hidden = lit
        .within
        .iter()
        .any(|w| NOT_SHOWN.iter().any(|n| w.contains(n)));
    let shown = lit.within.iter().any(|w| {
        SHOWN
            .iter()
            .any(|s| w == s || w.ends_with(&format!("::{s}")))
    });
    words && !hidden && (sentence || shown)
}

/// Where words are allowed: the texts themselves, and places whose strings
/// nobody in Slack reads.
const TEXTS_ALLOWED: &[&str] = &[
    "shared/domain/src/messages/",
    // The operator's configuration errors and the default topic list.
    "shared/domain/src/config.rs",
    // Block Kit limit findings, for tests.
    "shared/domain/src/surface/limits",
    // DynamoDB expressions and AWS event names.
    "shared/aws/",
    // The developer tool's terminal output (simulation, benches).
    "functions/local-runner/",
];

#[test]
fn use_cases_and_handlers_hold_no_user_facing_text() {
    let mut offenders = Vec::new();
    for (file, text) in crate_sources() {
        if TEXTS_ALLOWED.iter().any(|a| file.starts_with(a)) || file.ends_with("tests.rs") {
            continue;
        }
        let code = match text.find("#[cfg(test)]") {
            Some(i) => &text[..i],
            None => &text,
        };
        for lit in integration_tests::scan::string_literals(code) {
            if user_facing(&lit) {
                offenders.push(format!("{file}:{} {:?}", lit.line, lit.text));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "move these texts into shared/domain/src/messages/: {offenders:#?}"
    );
}

#[test]
fn the_text_rule_catches_sentences_and_words_handed_to_messages_but_not_logs_or_keys() {
    let code = r#"
        fn f() {
            tracing::warn!(round = %r, "Publish failed; left to the outbox");
            let e = Error::Conflict(format!("Round {id} changed"));
            let k = format!("group {}", n);
            let a = SlashReply::text("Pick two different people.");
            let b = self.dm(user, &messages::no_change("opted out"));
            let c = Message::plain(format!("you're {what} now"));
        }
    "#;
    let caught: Vec<String> = integration_tests::scan::string_literals(code)
        .into_iter()
        .filter(user_facing)
        .map(|l| l.text)
        .collect();
    assert_eq!(
        caught,
        [
            "Pick two different people.",
            "opted out",
            "you're {what} now"
        ]
    );
}
