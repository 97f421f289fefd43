//! Texts of the goal of the month: the button on "stay in?", the
//! confirmation, the partner's view in the pairing DM, and "how did it go?"
//! at the last check-in. Goals are free text: escaped before they reach
//! mrkdwn, so a goal can never mention or ping anyone.

use crate::action::Action;
use crate::ids::RoundId;
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
        "Your goal for {}: “{}” (only your partner will see it).",
        goal.round.label(),
        escape(&goal.text)
    ))
}

/// The partners' goals for `round`, for one member's pairing DM.
pub fn partner_goal_blocks(partners: &[&Member], round: RoundId) -> Vec<Block> {
    partners
        .iter()
        .filter_map(|p| {
            let goal = p.goal_for(round)?;
            Some(Block::Section(format!(
                "🎯 *{}'s goal this month:* “{}” Maybe your calls can help with it.",
                p.id.mention(),
                escape(&goal.text)
            )))
        })
        .collect()
}

/// "How did your goal go?" under the last check-in.
pub fn checkin_blocks(goal: &Goal) -> Vec<Block> {
    let answer = |outcome| Action::GoalAnswer {
        round: goal.round,
        outcome,
    };
    vec![
        Block::Section(format!(
            "🎯 *Your goal this month was* “{}”. How did it go?",
            escape(&goal.text)
        )),
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
}
