//! Texts of the goal of the month: the button on "stay in?", the
//! confirmation, the partner's view in the pairing DM, and "how did it go?"
//! at the last check-in. Goals are free text: escaped before they reach
//! mrkdwn, so a goal can never mention or ping anyone.

use crate::action::Action;
use crate::ids::{RoundId, UserId};
use crate::model::{Goal, GoalOutcome, Member};
use crate::surface::{Block, Button, Message};

/// Free text made inert for Slack mrkdwn (`<!channel>`, `<@U…>`, links).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// "Add a goal" on the "stay in?" question.
pub fn add_button(round: RoundId) -> Button {
    Button::new(Action::OpenGoal { round }, "Add a goal (optional)")
}

pub fn saved(goal: &Goal) -> Message {
    Message {
        text: format!("Your goal for {} is saved", goal.round.label()),
        blocks: vec![Block::Section(format!(
            "Got it ✍️ Your goal for {}: “{}”\nOnly your partner will see it, in the pairing \
             message, and I'll ask how it went at the last check-in. Change it any time from \
             the \"stay in?\" message.",
            goal.round.label(),
            escape(&goal.text)
        ))],
    }
}

pub fn cleared(round: RoundId) -> Message {
    Message::plain(format!(
        "OK, no goal for {}. You can add one any time before the pairing.",
        round.label()
    ))
}

/// Under the goal form's field when its round ended while it was open.
pub fn over(round: RoundId) -> String {
    format!("{} is over.", round.label())
}

pub fn too_late(round: RoundId) -> Message {
    Message::plain(format!(
        "{} is over, so that goal can't be changed any more.",
        round.label()
    ))
}

/// The line in the sign-up confirmation.
pub fn signup_line(goal: &Goal) -> Block {
    Block::Context(format!(
        "Your goal for {}: “{}” {SIGNUP_END}",
        goal.round.label(),
        escape(&goal.text)
    ))
}

const OWN_GOAL: &str = "🎯 *Your goal this month was* “";
const PARTNER_GOAL: &str = "'s goal this month:* “";
const SIGNUP_END: &str = "(only your partner will see it).";
/// Stands in a clicked message, on the bus, for a block with goal text.
const MARK: &str = "⟦goal:";

fn own_goal_block(goal: &Goal) -> Block {
    Block::Section(format!("{OWN_GOAL}{}”. How did it go?", escape(&goal.text)))
}

/// A block of a clicked message that shows someone's goal (free text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoalLine {
    /// "How did your goal go?" at the last check-in.
    Own,
    /// The line in the sign-up confirmation.
    Signup,
    /// A partner's goal in the pairing DM.
    Partner(UserId),
}

impl GoalLine {
    /// Which goal `block` shows, if it shows one.
    pub fn of(block: &Block) -> Option<Self> {
        match block {
            Block::Section(t) if t.starts_with(OWN_GOAL) => Some(Self::Own),
            Block::Section(t) if t.starts_with("🎯 *<@") && t.contains(PARTNER_GOAL) => {
                let id = t.strip_prefix("🎯 *<@")?.split('>').next()?;
                Some(Self::Partner(UserId::new(id)))
            }
            Block::Context(t) if t.starts_with("Your goal for ") && t.ends_with(SIGNUP_END) => {
                Some(Self::Signup)
            }
            _ => None,
        }
    }

    /// A block that says which goal stood here, without its text.
    pub fn marker(&self) -> Block {
        Block::Context(match self {
            Self::Own => format!("{MARK}own⟧"),
            Self::Signup => format!("{MARK}signup⟧"),
            Self::Partner(p) => format!("{MARK}{p}⟧"),
        })
    }

    /// The goal a [`Self::marker`] stands for.
    pub fn marked(block: &Block) -> Option<Self> {
        let Block::Context(t) = block else {
            return None;
        };
        let inner = t.strip_prefix(MARK)?.strip_suffix('⟧')?;
        Some(match inner {
            "own" => Self::Own,
            "signup" => Self::Signup,
            p => Self::Partner(UserId::new(p)),
        })
    }

    /// The block again, with `goal` (its owner's).
    pub fn render(&self, goal: &Goal) -> Block {
        match self {
            Self::Own => own_goal_block(goal),
            Self::Signup => signup_line(goal),
            Self::Partner(p) => partner_goal_block(p, goal),
        }
    }
}

/// The partners' goals for `round`, for one member's pairing DM.
pub fn partner_goal_blocks(partners: &[&Member], round: RoundId) -> Vec<Block> {
    partners
        .iter()
        .filter_map(|p| Some(partner_goal_block(&p.id, p.goal_for(round)?)))
        .collect()
}

fn partner_goal_block(partner: &UserId, goal: &Goal) -> Block {
    Block::Section(format!(
        "🎯 *{}{PARTNER_GOAL}{}” Maybe your calls can help with it.",
        partner.mention(),
        escape(&goal.text)
    ))
}

/// "How did your goal go?" under the last check-in.
pub fn checkin_blocks(goal: &Goal) -> Vec<Block> {
    let answer = |outcome| Action::GoalAnswer {
        round: goal.round,
        outcome,
    };
    vec![
        own_goal_block(goal),
        Block::Buttons(vec![
            Button::new(answer(GoalOutcome::Reached), "Reached it").primary(),
            Button::new(answer(GoalOutcome::Partly), "Partly"),
            Button::new(answer(GoalOutcome::NotThisTime), "Not this time"),
        ]),
    ]
}

pub fn outcome_noted(outcome: GoalOutcome) -> Message {
    Message::plain(match outcome {
        GoalOutcome::Reached => "Congratulations! 🎉 Noted that you reached your goal.",
        GoalOutcome::Partly => "Progress counts! 👏 Noted: partly there.",
        GoalOutcome::NotThisTime => {
            "Thanks for being honest: noted. Plenty of months ahead; maybe try it again next round."
        }
    })
}

pub fn no_goal_to_rate() -> Message {
    Message::plain("I don't have a goal for you for that month, so nothing changed.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goal_can_never_ping_or_mention_anyone() {
        assert_eq!(
            escape("<!channel> & <@U1>"),
            "&lt;!channel&gt; &amp; &lt;@U1&gt;"
        );
    }

    #[test]
    fn the_last_check_in_asks_how_the_goal_went_with_three_answers() {
        let goal = Goal {
            round: "2026-12".parse().unwrap(),
            text: "give a talk".into(),
            outcome: None,
        };
        let blocks = checkin_blocks(&goal);
        let m = Message {
            text: String::new(),
            blocks,
        };
        assert!(m.readable().contains("“give a talk”. How did it go?"));
        assert_eq!(m.actions().len(), 3);
    }

    #[test]
    fn every_block_with_goal_text_is_recognised_and_rendered_again_from_its_marker() {
        let round: RoundId = "2026-12".parse().unwrap();
        let goal = Goal {
            round,
            text: "Ship <my> talk".into(),
            outcome: None,
        };
        let mut ben = Member::new_onboarding(UserId::new("U0BEN"), chrono::Utc::now());
        ben.goal = Some(goal.clone());
        let blocks = [
            checkin_blocks(&goal).remove(0),
            signup_line(&goal),
            partner_goal_blocks(&[&ben], round).remove(0),
        ];
        for b in blocks {
            let line = GoalLine::of(&b).unwrap_or_else(|| panic!("not recognised: {b:?}"));
            let marker = line.marker();
            assert!(!format!("{marker:?}").contains("Ship"), "{marker:?}");
            assert_eq!(GoalLine::marked(&marker), Some(line.clone()));
            assert_eq!(line.render(&goal), b);
        }
        assert_eq!(GoalLine::of(&Block::Section("🎯 Goals".into())), None);
    }
}
