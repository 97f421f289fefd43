//! The moderator's short answers to `/mentoring` and its buttons: what was
//! done (and what happens next), or why nothing was.

use crate::action::{Action, ModeratorAction};
use crate::ids::{RoundId, UserId};
use crate::surface::{Block, Button, Message};

/// A command typed without the people it needs.
pub fn usage(form: &str) -> Message {
    Message::plain(format!("Usage: `/mentoring {form}`"))
}

/// An argument that should have been a mention.
pub fn not_a_person(word: &str) -> Message {
    Message::plain(format!("`{word}` isn't a person: mention them like @name."))
}

/// `pair` / `exclude` naming the same person twice.
pub fn pick_two_people() -> Message {
    Message::plain("Pick two different people.")
}

pub fn no_partner_this_round(user: &UserId) -> Message {
    Message::plain(format!("{} has no partner this round.", user.mention()))
}

/// Hand-made groups wait until the engine has paired the round.
pub fn not_paired_yet(round: RoundId) -> Message {
    Message::plain(format!(
        "{} hasn't been paired yet. `/mentoring run` pairs it now; then `pair` and `repair` adjust it.",
        round.label()
    ))
}

pub fn nobody_free(user: &UserId) -> Message {
    Message::plain(format!(
        "Nobody is free to pair with {} right now. They'll be paired in the next round, or use `/mentoring pair` when someone joins.",
        user.mention()
    ))
}

pub fn repaired(user: &UserId, partner: &UserId) -> Message {
    Message::plain(format!(
        "Re-paired {} with {}. Both get their DMs in a moment.",
        user.mention(),
        partner.mention()
    ))
}

pub fn paired_by_hand(a: &UserId, b: &UserId, round: RoundId) -> Message {
    Message::plain(format!(
        "Paired {} and {} for {}. They'll get their DMs in a moment.",
        a.mention(),
        b.mention(),
        round.label()
    ))
}

pub fn never_together(a: &UserId, b: &UserId) -> Message {
    Message::plain(format!(
        "{} and {} will never be paired together.",
        a.mention(),
        b.mention()
    ))
}

/// `pair @a @b` for two people kept apart (a moderator's `exclude`, or one
/// member's private "never pair me with": which one is not said, so a
/// member's block stays private).
pub fn kept_apart(a: &UserId, b: &UserId) -> Message {
    Message::plain(format!(
        "{} and {} can't be paired with each other. Pick another partner for one of them.",
        a.mention(),
        b.mention()
    ))
}

pub fn export_sent() -> Message {
    Message::plain("I've sent you the export by DM.")
}

pub fn preview_coming(round: RoundId) -> Message {
    Message::plain(format!(
        "Working out a preview of {}: it will appear here in a moment.",
        round.label()
    ))
}

pub fn pairing_now(round: RoundId) -> Message {
    Message::plain(format!(
        "Pairing {} now. I'll report back here when it's done.",
        round.label()
    ))
}

/// A requested run found the round paired by an earlier run.
pub fn was_already_paired(round: RoundId, groups: u32) -> Message {
    Message::plain(format!(
        "{} was already paired ({groups} groups); nothing was changed.",
        round.label()
    ))
}

pub fn run_in_progress(round: RoundId) -> Message {
    Message::plain(format!(
        "A pairing run for {} is already in progress.",
        round.label()
    ))
}

/// The App Home's moderator section around the stats blocks.
pub fn home_tools(stats: Vec<Block>) -> Vec<Block> {
    let mut blocks = vec![Block::Header("Moderator tools".into())];
    blocks.extend(stats);
    blocks.push(Block::Buttons(vec![
        Button::new(
            Action::Moderator(ModeratorAction::Preview),
            "Preview next pairing",
        ),
        Button::new(Action::Moderator(ModeratorAction::Run), "Run the round now").danger(),
    ]));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::check_block_kit_limits;

    fn ana() -> UserId {
        UserId::new("U0ANA")
    }
    fn ben() -> UserId {
        UserId::new("U0BEN")
    }
    fn round() -> RoundId {
        RoundId::new(2027, 3).unwrap()
    }

    #[test]
    fn every_reply_names_the_people_and_round_and_fits_slacks_limits() {
        let replies = [
            (usage("pair @a @b"), "Usage: `/mentoring pair @a @b`"),
            (not_a_person("bob"), "`bob` isn't a person"),
            (pick_two_people(), "Pick two different people."),
            (no_partner_this_round(&ana()), "<@U0ANA> has no partner"),
            (not_paired_yet(round()), "`/mentoring run` pairs it now"),
            (nobody_free(&ana()), "Nobody is free to pair with <@U0ANA>"),
            (repaired(&ana(), &ben()), "Re-paired <@U0ANA> with <@U0BEN>"),
            (
                paired_by_hand(&ana(), &ben(), round()),
                "Paired <@U0ANA> and <@U0BEN> for",
            ),
            (
                kept_apart(&ana(), &ben()),
                "<@U0ANA> and <@U0BEN> can't be paired with each other",
            ),
            (
                never_together(&ana(), &ben()),
                "will never be paired together",
            ),
            (export_sent(), "export by DM"),
            (preview_coming(round()), "Working out a preview of"),
            (pairing_now(round()), "I'll report back here"),
            (
                was_already_paired(round(), 12),
                "(12 groups); nothing was changed",
            ),
            (run_in_progress(round()), "already in progress"),
        ];
        for (message, expected) in replies {
            assert!(message.readable().contains(expected), "{message:?}");
            assert_eq!(check_block_kit_limits(&message), Ok(()), "{message:?}");
        }
        for message in [not_paired_yet(round()), preview_coming(round())] {
            assert!(message.readable().contains(&round().label()), "{message:?}");
        }
    }

    #[test]
    fn the_home_tools_wrap_the_stats_with_preview_and_run_buttons() {
        let blocks = home_tools(vec![Block::Section("stats".into())]);
        assert_eq!(blocks[0], Block::Header("Moderator tools".into()));
        assert_eq!(blocks[1], Block::Section("stats".into()));
        let Block::Buttons(buttons) = &blocks[2] else {
            panic!("{blocks:?}")
        };
        let labels: Vec<&str> = buttons.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(labels, ["Preview next pairing", "Run the round now"]);
    }
}
