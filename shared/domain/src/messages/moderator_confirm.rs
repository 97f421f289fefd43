//! Texts of the moderator actions that ask first (`run`, `unpair @a`,
//! `remove @a`): the confirmation with its one button, what a second click
//! is told, and the DM a removed member gets. Buttons are plain text, where a
//! mention can't render, so they name people by their cached Slack real name.

use crate::action::{Action, ModeratorAction};
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::model::{Group, UnmatchedWhy};
use crate::surface::{Block, Button, Message};

/// The note `help` ends with.
pub const CONFIRM_NOTE: &str = "`run`, `unpair` and `remove` ask you to confirm with a button first; \
     if two moderators confirm the same thing, it is done once.";

/// Why someone was left unpaired, in words (never the engine's names).
pub fn unmatched_reason(why: UnmatchedWhy) -> &'static str {
    match why {
        UnmatchedWhy::OnlyEligibleMember => "the only person confirmed",
        UnmatchedWhy::NoAllowedPartner => {
            "everyone else is excluded for them or was their partner recently"
        }
        UnmatchedWhy::NoCompatibleGroup => "no group they could join as a third",
    }
}

/// The longest name a button shows (Slack cuts labels at 75 characters).
const BUTTON_NAME_CHARS: usize = 40;

/// A person on a button: their real name (shortened to fit), or a neutral
/// word when Slack gave none (never a raw id).
pub fn on_button(verb: &str, name: Option<&str>, fallback: &str) -> String {
    match name {
        Some(n) if n.chars().count() > BUTTON_NAME_CHARS => {
            let short: String = n.chars().take(BUTTON_NAME_CHARS - 1).collect();
            format!("{verb} {}…", short.trim_end())
        }
        Some(n) => format!("{verb} {n}"),
        None => fallback.to_string(),
    }
}

/// `/mentoring run`: one click pairs `round` now.
pub fn confirm_run(cfg: &ProgrammeConfig, round: RoundId, confirmed: usize) -> Message {
    let people = if confirmed == 1 {
        "1 person".to_string()
    } else {
        format!("{confirmed} people")
    };
    let text = format!(
        "Pair *{}* now? Everyone confirmed ({people} so far) is paired and told at once, and \
         the pairing lasts until {}. Nobody is paired until you click.",
        round.label(),
        super::round_start_text(cfg, round.next())
    );
    Message {
        text: format!("Pair {} now?", round.label()),
        blocks: vec![
            Block::Section(text),
            Block::Buttons(vec![
                Button::new(
                    Action::Moderator(ModeratorAction::ConfirmRun { round }),
                    &format!("Yes, pair {}", round.label()),
                )
                .danger(),
            ]),
        ],
    }
}

/// `run` when the live round is already paired: the next runs by itself.
pub fn already_paired(cfg: &ProgrammeConfig, live: RoundId, next: RoundId) -> Message {
    Message::plain(format!(
        "{} is already paired. The {} round runs by itself on {}; `preview` shows what it \
         would do.",
        live.label(),
        next.label(),
        super::round_start_text(cfg, next)
    ))
}

/// A run confirmation clicked after its round was paired (by the tick or
/// another moderator) or was over.
pub fn run_not_needed(round: RoundId) -> Message {
    Message::plain(format!(
        "{} is already paired (or over), so nothing was changed. `/mentoring stats` shows the \
         groups.",
        round.label()
    ))
}

/// `/mentoring unpair @a`: one click dissolves @a's group this round.
pub fn confirm_unpair(user: &UserId, group: &Group, name: Option<&str>) -> Message {
    let others: Vec<String> = group.partners_of(user).map(UserId::mention).collect();
    let text = format!(
        "End {}'s pairing with {} ({})? Everyone in the group is told; `/mentoring repair @a` \
         then finds them new partners.",
        user.mention(),
        others.join(" and "),
        group.round.label()
    );
    Message {
        text: format!("Unpair {}?", user.mention()),
        blocks: vec![
            Block::Section(text),
            Block::Buttons(vec![
                Button::new(
                    Action::Moderator(ModeratorAction::Unpair {
                        round: group.round,
                        group: group.number,
                        user: user.clone(),
                    }),
                    &on_button("Unpair", name, "Yes, unpair"),
                )
                .danger(),
            ]),
        ],
    }
}

/// `unpair @a` for someone with no live pairing this round.
pub fn not_paired_now(user: &UserId, round: RoundId) -> Message {
    Message::plain(format!(
        "{} isn't paired in {}, so there's nothing to unpair.",
        user.mention(),
        round.label()
    ))
}

/// An unpair confirmation clicked after the pairing already ended.
pub fn unpair_not_needed(user: &UserId) -> Message {
    Message::plain(format!(
        "{} is no longer in that pairing (another moderator or a departure ended it), so \
         nothing was changed.",
        user.mention()
    ))
}

/// After the click: the group is dissolved.
pub fn unpaired(group: &Group) -> Message {
    let who: Vec<String> = group.members.iter().map(UserId::mention).collect();
    Message::plain(format!(
        "Unpaired group {} ({}); each of them was told. `/mentoring repair @someone` finds \
         them new partners.",
        group.number,
        who.join(", ")
    ))
}

/// `/mentoring remove @a`: one click takes @a out of future rounds.
pub fn confirm_remove(user: &UserId, name: Option<&str>) -> Message {
    let text = format!(
        "Take {} out of future rounds? Their pairing this month ends (their partner is told), \
         they get a DM saying so and how to come back, and their profile is kept.",
        user.mention()
    );
    Message {
        text: format!("Remove {}?", user.mention()),
        blocks: vec![
            Block::Section(text),
            Block::Buttons(vec![
                Button::new(
                    Action::Moderator(ModeratorAction::Remove { user: user.clone() }),
                    &on_button("Remove", name, "Yes, remove"),
                )
                .danger(),
            ]),
        ],
    }
}

/// After the click: the member is out.
pub fn removed(user: &UserId) -> Message {
    Message::plain(format!(
        "Removed {} from future rounds and told them. Their profile is kept, so they can \
         `opt in` again.",
        user.mention()
    ))
}

/// A remove confirmation clicked when the member was already out.
pub fn already_out(user: &UserId) -> Message {
    Message::plain(format!(
        "{} was already out of the programme (removed or opted out), so nothing was changed.",
        user.mention()
    ))
}

/// To the member a moderator removed: what happened and how to come back.
pub fn removed_member(cfg: &ProgrammeConfig) -> Message {
    Message {
        text: "A moderator has taken you out of peer mentoring".into(),
        blocks: vec![
            Block::Section(
                "A moderator has taken you out of peer mentoring, so you won't be paired in \
                 future rounds; if you had a partner this month, that pairing has ended and \
                 they've been told. Your profile is kept."
                    .into(),
            ),
            Block::Context(format!(
                "Want to come back? Say `opt in` here, or ask the moderators in #{} if you'd \
                 like to know why.",
                cfg.channel_name
            )),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::check_block_kit_limits;

    /// A live pair (the optional fields are left to their defaults).
    fn group() -> Group {
        serde_json::from_value(serde_json::json!({
            "round": "2026-12", "number": 3, "members": ["U0AAA", "U0BBB"],
            "score": 50, "reasons": []
        }))
        .unwrap()
    }

    #[test]
    fn confirmations_name_people_on_buttons_and_never_show_ids() {
        let cfg = ProgrammeConfig::example();
        let a = UserId::new("U0AAA");
        let msgs = [
            confirm_run(&cfg, "2026-11".parse().unwrap(), 9),
            confirm_unpair(&a, &group(), Some("Ana Lima")),
            confirm_remove(&a, Some("Ana Lima")),
            confirm_remove(&a, None),
        ];
        for m in &msgs {
            check_block_kit_limits(m).unwrap();
            for b in m.blocks.iter().filter_map(|b| match b {
                Block::Buttons(bs) => Some(bs),
                _ => None,
            }) {
                for button in b {
                    assert!(!button.text.contains("U0AAA"), "{}", button.text);
                }
            }
        }
        assert!(msgs[0].readable().contains("9 people"));
        assert!(msgs[1].readable().contains("Unpair Ana Lima"));
        assert!(msgs[3].readable().contains("Yes, remove"));
        let long = "Maria Fernanda de los Ángeles Rodríguez-Villanueva";
        let label = on_button("Re-pair", Some(long), "Find them a new partner");
        assert!(
            label.starts_with("Re-pair Maria") && label.ends_with('…'),
            "{label}"
        );
        assert!(label.chars().count() <= 75);
    }

    #[test]
    fn replies_and_the_removed_members_dm_are_within_block_kit_limits() {
        let cfg = ProgrammeConfig::example();
        let a = UserId::new("U0AAA");
        for m in [
            run_not_needed("2026-11".parse().unwrap()),
            not_paired_now(&a, "2026-12".parse().unwrap()),
            unpair_not_needed(&a),
            unpaired(&group()),
            removed(&a),
            already_out(&a),
            removed_member(&cfg),
        ] {
            check_block_kit_limits(&m).unwrap();
        }
        assert!(removed_member(&cfg).readable().contains("`opt in`"));
    }

    #[test]
    fn every_unmatched_reason_is_words() {
        for why in [
            UnmatchedWhy::OnlyEligibleMember,
            UnmatchedWhy::NoAllowedPartner,
            UnmatchedWhy::NoCompatibleGroup,
        ] {
            let s = unmatched_reason(why);
            assert!(s.contains(' ') && !s.contains(&format!("{why:?}")), "{s}");
        }
    }
}
