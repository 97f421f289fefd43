//! Round highlights (opt-in per community): one short post in the programme
//! channel after a round is paired, the member's choice to be named in it,
//! and its App Home section.

use crate::action::Action;
use crate::calendar;
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::surface::{Block, Button, Message};

/// The profile modal's field (only when the community posts highlights).
pub const FIELD: super::forms::FieldText = super::forms::FieldText {
    label: "Name me in the round highlights?",
    hint: Some(
        "After each pairing a short post in the programme channel counts who takes part; \
         it names only those who say yes.",
    ),
};
pub const FIELD_NO: &str = "No, just count me";
pub const FIELD_YES: &str = "Yes, name me";

/// At most this many people are named; the rest are counted.
pub const MAX_NAMED: usize = 40;

/// What the post says about a freshly paired round.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub pairs: usize,
    pub trios: usize,
    /// Everyone in a group this round.
    pub people: usize,
    /// Paired for the first time.
    pub newcomers: usize,
    /// Paired this round and chose to be named, in a stable order.
    pub named: Vec<UserId>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The post in the programme channel.
pub fn post(cfg: &ProgrammeConfig, round: RoundId, f: &Figures) -> Message {
    let mut groups = vec![plural(f.pairs, "pair", "pairs")];
    if f.trios > 0 {
        groups.push(plural(f.trios, "trio", "trios"));
    }
    let newcomers = match f.newcomers {
        0 => String::new(),
        1 => ", one of them new to the programme".into(),
        n => format!(", {n} of them new to the programme"),
    };
    let text = format!(
        "🎉 *{} is paired:* {}, {} in all{newcomers}.",
        round.label(),
        groups.join(" and "),
        plural(f.people, "person", "people"),
    );
    let mut blocks = vec![Block::Section(text.clone())];
    if !f.named.is_empty() {
        let shown: Vec<String> = f
            .named
            .iter()
            .take(MAX_NAMED)
            .map(|u| u.mention())
            .collect();
        let more = f.named.len().saturating_sub(MAX_NAMED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        blocks.push(Block::Section(format!(
            "Taking part this month: {}{more}. Have a great month!",
            shown.join(", ")
        )));
    }
    let next = calendar::round_start(cfg, round.next()).with_timezone(&cfg.timezone);
    blocks.push(Block::Context(format!(
        "Want a partner too? Mention me here or send me a DM to sign up: the next round is \
         paired on {}. Only people who chose to be named are listed (`name me` / `don't name \
         me` in a DM to me).",
        next.format("%A %-d %B")
    )));
    Message { text, blocks }
}

/// To the moderators when Slack refused the post for good.
pub fn not_posted(cfg: &ProgrammeConfig, round: RoundId, code: &str) -> Message {
    Message::plain(format!(
        "⚠️ I couldn't post the {} round highlights in #{} (Slack said `{code}`). If I'm not \
         in the channel, invite me (`/invite @` followed by my name) and the next round's \
         highlights will go out; this round's are skipped.",
        round.label(),
        cfg.channel_name
    ))
}

/// The answer to `name me` / `don't name me` (or the App Home buttons).
pub fn choice_saved(cfg: &ProgrammeConfig, on: bool) -> Message {
    let said = if on {
        format!(
            "Done: I'll name you in the round highlights I post in #{} after each pairing. \
             Say `don't name me` to undo it.",
            cfg.channel_name
        )
    } else {
        "Done: you won't be named in the round highlights. Say `name me` if you change your mind."
            .to_string()
    };
    let note = if cfg.round_highlights {
        ""
    } else {
        " (This community doesn't post highlights at the moment; your choice is kept for when it does.)"
    };
    Message::plain(format!("{said}{note}"))
}

/// The App Home section: only when the community posts highlights.
pub fn home_blocks(cfg: &ProgrammeConfig, named: bool) -> Vec<Block> {
    if !cfg.round_highlights {
        return Vec::new();
    }
    let (state, button) = if named {
        (
            "You're named in it.",
            Button::new(Action::NameInHighlights { on: false }, "Don't name me"),
        )
    } else {
        (
            "You're not named in it (only counted).",
            Button::new(Action::NameInHighlights { on: true }, "Name me").primary(),
        )
    };
    vec![
        Block::Section(format!(
            "*Round highlights*\nAfter each pairing I post a short note in #{}: how many pairs, \
             how many newcomers. {state}",
            cfg.channel_name
        )),
        Block::Buttons(vec![button]),
    ]
}

/// What `my data` shows of the choice.
pub fn my_data_line(member: &crate::model::Member) -> String {
    format!(
        "\n• Named in the round highlights: {}",
        if member.named_in_highlights {
            "yes"
        } else {
            "no"
        }
    )
}

/// One line for `help` when the community posts highlights.
pub fn help_line(cfg: &ProgrammeConfig) -> Option<Block> {
    cfg.round_highlights.then(|| {
        Block::Context(format!(
            "`name me` / `don't name me`: whether the round highlights in #{} name you \
             (default: only counted)",
            cfg.channel_name
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::check_block_kit_limits;

    fn cfg() -> ProgrammeConfig {
        let mut c = ProgrammeConfig::example();
        c.round_highlights = true;
        c
    }

    fn december() -> RoundId {
        "2026-12".parse().unwrap()
    }

    #[test]
    fn the_post_counts_pairs_trios_and_newcomers_names_only_the_named_and_says_how_to_join() {
        let f = Figures {
            pairs: 3,
            trios: 1,
            people: 9,
            newcomers: 2,
            named: vec![UserId::new("U0ANA"), UserId::new("U0BEN")],
        };
        let m = post(&cfg(), december(), &f);
        let text = m.readable();
        assert!(
            text.contains(
                "December 2026 is paired:* 3 pairs and 1 trio, 9 people in all, 2 of them new"
            ),
            "{text}"
        );
        assert!(
            text.contains("Taking part this month: <@U0ANA>, <@U0BEN>."),
            "{text}"
        );
        assert!(text.contains("Mention me here or send me a DM"), "{text}");
        assert!(text.contains("Friday 1 January"), "{text}");
        assert!(m.actions().is_empty());
        assert_eq!(check_block_kit_limits(&m), Ok(()));
    }

    #[test]
    fn with_nobody_named_the_post_names_nobody_and_a_long_list_is_cut() {
        let f = Figures {
            pairs: 1,
            people: 2,
            ..Figures::default()
        };
        let text = post(&cfg(), december(), &f).readable();
        assert!(!text.contains("<@"), "{text}");
        assert!(text.contains("1 pair, 2 people in all."), "{text}");

        let many: Vec<UserId> = (0..10_000)
            .map(|i| UserId::new(format!("U{i:010}")))
            .collect();
        let f = Figures {
            pairs: 5_000,
            people: 10_000,
            newcomers: 10_000,
            named: many,
            ..Figures::default()
        };
        let m = post(&cfg(), december(), &f);
        assert!(m.readable().contains("and 9960 more"));
        assert_eq!(check_block_kit_limits(&m), Ok(()));
    }

    #[test]
    fn the_choice_answers_and_the_help_with_its_line_fit_slacks_limits() {
        for c in [cfg(), ProgrammeConfig::example()] {
            for on in [true, false] {
                assert_eq!(check_block_kit_limits(&choice_saved(&c, on)), Ok(()));
            }
        }
        let note = not_posted(&cfg(), december(), "not_in_channel");
        assert!(
            note.readable()
                .contains("December 2026 round highlights in #peer-mentorship")
        );
        assert_eq!(check_block_kit_limits(&note), Ok(()));
        let help = crate::messages::help(&cfg(), true);
        assert!(help.readable().contains("`name me` / `don't name me`"));
        assert_eq!(check_block_kit_limits(&help), Ok(()));
        assert!(
            !crate::messages::help(&ProgrammeConfig::example(), false)
                .readable()
                .contains("name me")
        );
    }

    #[test]
    fn the_home_section_shows_the_choice_and_the_button_that_changes_it() {
        let off = home_blocks(&cfg(), false);
        let on = home_blocks(&cfg(), true);
        let actions = |b: &[Block]| {
            Message {
                text: String::new(),
                blocks: b.to_vec(),
            }
            .actions()
        };
        assert_eq!(actions(&off), vec![Action::NameInHighlights { on: true }]);
        assert_eq!(actions(&on), vec![Action::NameInHighlights { on: false }]);
        assert!(home_blocks(&ProgrammeConfig::example(), true).is_empty());
    }
}
