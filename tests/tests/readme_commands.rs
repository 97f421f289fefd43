//! README "Using it" lists every command: each phrase in its member table
//! is one the parser understands, every command the parser knows appears
//! there, and its moderator table lists exactly the `/mentoring` commands
//! of the moderators' `help` (which `moderator_confirm.rs` keeps in step
//! with the manifest's usage hint and the slash command's parser).

use std::collections::BTreeSet;

use mentor_domain::commands::Command;
use mentor_domain::messages;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md")
}

/// The backticked phrases in the first column of the table that follows
/// `heading` in the README.
fn first_column(readme: &str, heading: &str) -> Vec<String> {
    let at = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading}"));
    readme[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and its separator
        .flat_map(|row| {
            let cell = row.split('|').nth(1).unwrap_or_default();
            cell.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Which command a parse gave. The match names every `Command`: adding one
/// stops this compiling until it is named here and in [`EVERY`], and then
/// the test below wants it in the README.
fn kind(c: &Command) -> &'static str {
    match c {
        Command::Help => "help",
        Command::Status => "status",
        Command::Profile => "profile",
        Command::Pause => "pause",
        Command::PauseUntil(_) => "pause until",
        Command::Resume => "resume",
        Command::OptOut => "opt out",
        Command::OptIn => "opt in",
        Command::DeleteMyData => "delete my data",
        Command::MyData => "my data",
        Command::Skip => "skip",
        Command::PartnerUnresponsive => "partner unresponsive",
        Command::PartnerResponding => "partner responding",
        Command::Block(_) => "block",
        Command::Unblock(_) => "unblock",
        Command::NameInHighlights(_) => "name me",
        Command::Hello => "hello",
        Command::Unknown => "unknown",
    }
}

/// Every command a member can give (all but `Unknown`).
const EVERY: [&str; 17] = [
    "help",
    "status",
    "profile",
    "pause",
    "pause until",
    "resume",
    "opt out",
    "opt in",
    "delete my data",
    "my data",
    "skip",
    "partner unresponsive",
    "partner responding",
    "block",
    "unblock",
    "name me",
    "hello",
];

/// A README phrase as a member would type it: `@name` is a mention.
fn typed(phrase: &str) -> String {
    phrase.replace("@name", "<@U0BEN>")
}

#[test]
fn every_phrase_in_the_readme_member_table_is_a_command_the_bot_understands() {
    let phrases = first_column(&readme(), "**Member commands**");
    assert!(phrases.len() >= 20, "{phrases:?}");
    for p in &phrases {
        let c = Command::parse(&typed(p));
        assert_ne!(
            c,
            Command::Unknown,
            "the README lists `{p}`, the bot doesn't know it"
        );
        if let Command::Block(who) | Command::Unblock(who) = &c {
            assert!(who.is_some(), "`{p}` names nobody: {c:?}");
        }
    }
}

#[test]
fn every_command_the_parser_knows_is_in_the_readme_member_table() {
    let listed: BTreeSet<&str> = first_column(&readme(), "**Member commands**")
        .iter()
        .map(|p| kind(&Command::parse(&typed(p))))
        .collect();
    let every: BTreeSet<&str> = EVERY.into_iter().collect();
    let missing: Vec<_> = every.difference(&listed).collect();
    assert!(missing.is_empty(), "README \"Using it\" lacks {missing:?}");
    assert_eq!(kind(&Command::parse("tell me a joke")), "unknown");
}

#[test]
fn the_readme_moderator_table_lists_exactly_the_commands_of_the_moderators_help() {
    let listed: BTreeSet<String> = first_column(&readme(), "**Moderator commands**")
        .iter()
        .map(|c| {
            c.strip_prefix("/mentoring ")
                .unwrap_or_else(|| panic!("`{c}` is not a /mentoring command"))
                .to_string()
        })
        .collect();
    let help = messages::moderator::help().readable();
    let in_help: BTreeSet<String> = help
        .lines()
        .filter_map(|l| l.trim().strip_prefix("• `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    assert!(in_help.len() >= 10, "{help}");
    assert_eq!(listed, in_help);
}
