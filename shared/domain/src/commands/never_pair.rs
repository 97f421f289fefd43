//! `block @x`, `unblock @x` and "never pair me with @x": the one member
//! command that names another person, so it reads the mention from the raw
//! text (normalising drops mentions).

use super::Command;
use crate::ids::UserId;

/// The command, when the words start with `block` / `unblock` or say
/// "never (or don't) pair me with". The person is the first user mention
/// after the bot's own (a channel mention starts with the bot's).
pub(super) fn parse(text: &str, words: &[String]) -> Option<Command> {
    let first = words.first().map(String::as_str);
    let joined = words.join(" ");
    let never = [
        "never pair me with",
        "dont pair me with",
        "do not pair me with",
    ]
    .iter()
    .any(|p| joined.starts_with(p));
    let who = || named_after_keyword(text);
    match first {
        Some("unblock") => Some(Command::Unblock(who())),
        Some("block") => Some(Command::Block(who())),
        _ if never => Some(Command::Block(who())),
        _ => None,
    }
}

/// The first `<@U…>` (or `<@U…|name>`) that comes after a plain word: the
/// bot's own mention, when present, comes first and is skipped.
fn named_after_keyword(text: &str) -> Option<UserId> {
    let mut seen_word = false;
    for raw in text.split_whitespace() {
        match raw.strip_prefix("<@") {
            Some(rest) if seen_word => {
                let id = rest.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
                let id = id.split('|').next().unwrap_or_default();
                return UserId::is_valid(id).then(|| UserId::new(id));
            }
            Some(_) => {}
            None => seen_word = true,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ben() -> Option<UserId> {
        Some(UserId::new("U0BEN"))
    }

    #[test]
    fn block_and_unblock_name_the_person_after_the_bots_mention() {
        assert_eq!(Command::parse("block <@U0BEN>"), Command::Block(ben()));
        assert_eq!(
            Command::parse("<@U0BOT> block <@U0BEN>"),
            Command::Block(ben())
        );
        assert_eq!(
            Command::parse("Block <@U0BEN|ben>, please"),
            Command::Block(ben())
        );
        assert_eq!(Command::parse("unblock <@U0BEN>"), Command::Unblock(ben()));
        assert_eq!(
            Command::parse("Never pair me with <@U0BEN>"),
            Command::Block(ben())
        );
        assert_eq!(
            Command::parse("don't pair me with <@U0BEN>"),
            Command::Block(ben())
        );
    }

    #[test]
    fn block_without_a_person_asks_who_and_questions_get_help() {
        assert_eq!(Command::parse("block"), Command::Block(None));
        assert_eq!(Command::parse("unblock ben"), Command::Unblock(None));
        assert_eq!(Command::parse("block <@C0CHAN>"), Command::Block(None));
        assert_eq!(Command::parse("how do I block someone?"), Command::Help);
        assert_eq!(Command::parse("blockchain"), Command::Unknown);
    }
}
