//! Pause, resume, opt out and opt in, and "Stay in?" answers.

use chrono::{DateTime, Utc};

use super::{next_round_line, round_start_text};
use crate::action::Action;
use crate::config::ProgrammeConfig;
use crate::ids::RoundId;
use crate::surface::{Block, Button, Message};

/// `opt out` typed: one click to confirm.
pub fn opt_out_confirm_request() -> Message {
    Message {
        text: "Opt out of peer mentoring?".into(),
        blocks: vec![
            Block::Section(
                "*Opt out of peer mentoring?* You won't be paired again, and a current partner \
                 is told you've left. Your profile is kept so you can come back with `opt in`. \
                 Just want a break? `skip` skips one round, `pause` pauses until `resume`."
                    .into(),
            ),
            Block::Buttons(vec![
                Button::new(Action::OptOut, "Yes, opt me out").danger(),
                Button::new(Action::KeepMeIn, "Stay in"),
            ]),
        ],
    }
}

pub fn kept_in() -> Message {
    Message::plain("OK, you're still in. Nothing changed. 🙂")
}

/// At reconfirmation time, to a paused member: no silence, one click back.
pub fn still_paused(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    Message {
        text: format!("You're still paused: resume for {}?", round.label()),
        blocks: vec![
            Block::Section(format!(
                "You're still paused ⏸️, so I won't pair you for {} (pairing on {}). Want a \
                 partner again? Resume and you're in.",
                round.label(),
                round_start_text(cfg, round)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume").primary()]),
        ],
    }
}

pub fn paused(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: "Paused. I won't pair you until you say `resume`.".into(),
        blocks: vec![
            Block::Section(format!(
                "Paused ⏸️ I won't pair you in any round until you say `resume` (to skip just \
                 one round, say `skip`). Your current partner (if any) stays your partner this \
                 month. {}",
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![Button::new(Action::Resume, "Resume").primary()]),
        ],
    }
}

pub fn resumed(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message::plain(format!(
        "Welcome back! ▶️ You'll be paired again from the next round, and you're confirmed for it. {}",
        next_round_line(cfg, now)
    ))
}

pub fn opted_out(had_partner: bool) -> Message {
    let partner = if had_partner {
        " Please let your current partner know, so they aren't left waiting; the moderators can find them someone else."
    } else {
        ""
    };
    Message {
        text: "You've opted out of peer mentoring.".into(),
        blocks: vec![
            Block::Section(format!(
                "You've opted out, and won't be paired again.{partner} Your profile is kept so you \
                 can come back with one click; say `delete my data` to remove it."
            )),
            Block::Buttons(vec![Button::new(Action::OptIn, "Opt back in")]),
        ],
    }
}

pub fn opted_in(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message::plain(format!(
        "Welcome back! You're in again and confirmed for the next round. {}",
        next_round_line(cfg, now)
    ))
}

/// Where a member already is when they ask to go there again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Already {
    In,
    TakingPart,
    Paused,
    OptedOut,
    NotTakingPart,
    /// Not taking part, from a button whose round they left: says how back.
    NotTakingPartSayOptIn,
}

impl Already {
    pub const ALL: [Already; 6] = [
        Already::In,
        Already::TakingPart,
        Already::Paused,
        Already::OptedOut,
        Already::NotTakingPart,
        Already::NotTakingPartSayOptIn,
    ];
}

pub fn no_change(already: Already) -> Message {
    let what = match already {
        Already::In => "in",
        Already::TakingPart => "taking part",
        Already::Paused => "paused",
        Already::OptedOut => "opted out",
        Already::NotTakingPart => "not taking part",
        Already::NotTakingPartSayOptIn => "not taking part (say `opt in` to come back)",
    };
    Message::plain(format!("You're already {what}. Nothing changed."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_for_where_you_already_are_says_so_and_that_nothing_changed() {
        assert_eq!(
            no_change(Already::Paused).readable(),
            "You're already paused. Nothing changed."
        );
        assert!(
            no_change(Already::NotTakingPartSayOptIn)
                .readable()
                .contains("say `opt in` to come back")
        );
        for a in Already::ALL {
            let m = no_change(a);
            assert!(m.readable().ends_with("Nothing changed."), "{m:?}");
            assert_eq!(crate::surface::check_block_kit_limits(&m), Ok(()));
        }
    }
}
