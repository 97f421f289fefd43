//! How a clicked message looks once answered: what it said, without its
//! buttons, with the choice shown and the bot's answer underneath. It
//! replaces the message in place (`chat.update`) instead of a new DM.

use crate::action::Action;
use crate::ids::UserId;
use crate::surface::limits::MAX_MESSAGE_BLOCKS;
use crate::surface::{Block, Button, ButtonStyle, Message};

/// What was clicked and how the message should look after it.
pub struct Clicked<'a> {
    /// The message as posted.
    pub original: &'a [Block],
    /// The clicked button's id and label.
    pub action_id: &'a str,
    pub choice: &'a str,
    /// Set when others can see the message (a group DM): the choice is
    /// then said in the third person and the reply, written to the
    /// clicker, is not put there (it goes by DM).
    pub chosen_by: Option<&'a UserId>,
    /// The answer can still change (stay in?): the other buttons stay.
    pub keep_alternatives: bool,
}

/// The answered message: the original without its buttons (or, when the
/// answer can change, with its whole row and the choice marked), the
/// choice, then `reply`. Changing an answer replaces the earlier choice
/// line and reply instead of adding to them.
pub fn answered(c: &Clicked<'_>, reply: Option<&Message>) -> Message {
    let (choice, chosen_by) = (c.choice, c.chosen_by);
    let original = if c.keep_alternatives {
        without_earlier_answer(c.original, c.action_id)
    } else {
        c.original.to_vec()
    };
    let mut blocks: Vec<Block> = original
        .iter()
        .filter_map(|b| match b {
            Block::Buttons(bs)
                if own_question(bs) && !bs.iter().any(|x| x.action_id == c.action_id) =>
            {
                Some(b.clone())
            }
            Block::Buttons(bs) if c.keep_alternatives && has(bs, c.action_id) => {
                Some(Block::Buttons(marked(bs, c.action_id)))
            }
            Block::Buttons(bs) if c.keep_alternatives => {
                let rest: Vec<_> = bs.iter().filter(|x| x.url.is_none()).cloned().collect();
                (!rest.is_empty()).then_some(Block::Buttons(rest))
            }
            Block::Buttons(_) => None,
            other => Some(other.clone()),
        })
        .collect();
    let said = match (chosen_by, choice.trim()) {
        (_, "") => None,
        (None, c) => Some(format!("✅ You chose *{c}*")),
        (Some(u), c) => Some(format!("✅ {} chose *{c}*", u.mention())),
    };
    if let Some(s) = &said {
        blocks.push(Block::Context(s.clone()));
    }
    let Some(reply) = reply else {
        let text = said.unwrap_or_else(|| "Answered".into());
        return Message { text, blocks };
    };
    // A button the reply offers again (an earlier answer's "Add a note")
    // appears once, in the reply: Slack wants action ids unique.
    let offered: Vec<&str> = reply
        .blocks
        .iter()
        .flat_map(|b| match b {
            Block::Buttons(bs) => bs.iter().map(|x| x.action_id.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    let mut blocks: Vec<Block> = blocks
        .into_iter()
        .filter_map(|b| match b {
            Block::Buttons(bs) => {
                let rest: Vec<_> = bs
                    .into_iter()
                    .filter(|x| !offered.contains(&x.action_id.as_str()))
                    .collect();
                (!rest.is_empty()).then_some(Block::Buttons(rest))
            }
            other => Some(other),
        })
        .collect();
    if blocks.len() + reply.blocks.len() > MAX_MESSAGE_BLOCKS {
        // Too long to keep both: the answer alone, which says the choice.
        return reply.clone();
    }
    blocks.extend(reply.blocks.iter().cloned());
    Message {
        text: reply.text.clone(),
        blocks,
    }
}

fn has(row: &[Button], action_id: &str) -> bool {
    row.iter().any(|x| x.action_id == action_id)
}

/// The whole row with the clicked button marked as the current answer
/// (primary) and no other button marked.
fn marked(row: &[Button], action_id: &str) -> Vec<Button> {
    row.iter()
        .map(|x| {
            let mut x = x.clone();
            if x.action_id == action_id {
                x.style = ButtonStyle::Primary;
            } else if x.style == ButtonStyle::Primary {
                x.style = ButtonStyle::Default;
            }
            x
        })
        .collect()
}

/// Whether `text` is a choice line ("✅ … chose *label*"), for any label
/// when `labels` is empty.
fn is_choice_line(text: &str, labels: &[&str]) -> bool {
    text.starts_with("✅ ")
        && text.contains(" chose *")
        && (labels.is_empty()
            || labels
                .iter()
                .any(|l| text.ends_with(&format!(" chose *{}*", l.trim()))))
}

/// The message without the earlier answer to the clicked row's question:
/// its choice line (one naming a label of that row) and the reply that
/// followed it, up to the next choice line.
fn without_earlier_answer(original: &[Block], action_id: &str) -> Vec<Block> {
    let labels: Vec<&str> = original
        .iter()
        .find_map(|b| match b {
            Block::Buttons(bs) if has(bs, action_id) => {
                Some(bs.iter().map(|x| x.text.as_str()).collect())
            }
            _ => None,
        })
        .unwrap_or_default();
    if labels.is_empty() {
        return original.to_vec();
    }
    let line =
        |b: &Block, labels: &[&str]| matches!(b, Block::Context(t) if is_choice_line(t, labels));
    let Some(start) = original.iter().position(|b| line(b, &labels)) else {
        return original.to_vec();
    };
    let end = original[start + 1..]
        .iter()
        .position(|b| line(b, &[]))
        .map_or(original.len(), |i| start + 1 + i);
    original[..start]
        .iter()
        .chain(&original[end..])
        .cloned()
        .collect()
}

/// A row of buttons that asks its own question, answered independently of
/// the other rows of its message: the last check-in asks "have you met?",
/// how the goal went and a rating, and answering one leaves the others.
fn own_question(row: &[Button]) -> bool {
    row.iter().all(|b| {
        matches!(
            b.action(),
            Action::Checkin { .. } | Action::GoalAnswer { .. } | Action::Rate { .. }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::surface::{Button, check_block_kit_limits};

    fn question() -> Vec<Block> {
        vec![
            Block::Section("Have you met your partner yet?".into()),
            Block::Buttons(vec![
                Button::new(Action::Pause, "Met"),
                Button::new(Action::Resume, "Not yet"),
            ]),
        ]
    }

    fn clicked<'a>(original: &'a [Block], by: Option<&'a UserId>, keep: bool) -> Clicked<'a> {
        Clicked {
            original,
            action_id: "pause",
            choice: "Met",
            chosen_by: by,
            keep_alternatives: keep,
        }
    }

    #[test]
    fn the_answered_message_keeps_the_question_shows_the_choice_and_drops_the_buttons() {
        let q = question();
        let m = answered(&clicked(&q, None, false), Some(&Message::plain("Thanks!")));
        assert_eq!(
            m.readable(),
            "Thanks!\nHave you met your partner yet?\n✅ You chose *Met*\nThanks!"
        );
        assert!(m.actions().is_empty());
        assert_eq!(check_block_kit_limits(&m), Ok(()));
    }

    #[test]
    fn in_a_group_dm_it_says_who_chose_and_leaves_the_reply_out() {
        let ana = UserId::new("U0ANA");
        let q = question();
        let m = answered(&clicked(&q, Some(&ana), false), None);
        assert!(m.readable().contains("✅ <@U0ANA> chose *Met*"));
        assert!(m.actions().is_empty());
    }

    #[test]
    fn a_reply_that_would_not_fit_replaces_the_message() {
        let long = vec![Block::Section("x".into()); 45];
        let reply = Message {
            text: "Done".into(),
            blocks: vec![Block::Section("Done".into()); 10],
        };
        let m = answered(&clicked(&long, None, false), Some(&reply));
        assert_eq!(m, reply);
    }

    #[test]
    fn answering_one_question_of_the_last_check_in_leaves_the_others_to_answer() {
        let round = "2026-12".parse().unwrap();
        let checkin = crate::messages::rounds::checkin(
            &crate::config::ProgrammeConfig::example(),
            round,
            1,
            21,
            &[UserId::new("U0BEN")],
        );
        let mut original = checkin.blocks.clone();
        original.extend(crate::messages::feedback::checkin_blocks(round, 1));
        let met = Clicked {
            original: &original,
            action_id: "checkin_met",
            choice: "We've met",
            chosen_by: None,
            keep_alternatives: false,
        };
        let m = answered(&met, None);
        let actions = m.actions();
        assert_eq!(actions.len(), 5, "{actions:?}");
        assert!(actions.iter().all(|a| matches!(a, Action::Rate { .. })));
        let rate = Clicked {
            action_id: "rate.4",
            choice: "⭐⭐⭐⭐",
            keep_alternatives: true,
            ..met
        };
        let m = answered(&rate, None);
        assert_eq!(
            m.actions().len(),
            4 + 5,
            "the check-in answers and every rating"
        );
        // Rating again: the reply's note button is not repeated.
        let four = crate::feedback::Rating::new(4).unwrap();
        let thanks = crate::messages::feedback::rated(round, four, None, false);
        let once = answered(&rate, Some(&thanks));
        let again = Clicked {
            original: &once.blocks,
            action_id: "rate.2",
            choice: "⭐⭐",
            ..rate
        };
        let twice = answered(&again, Some(&thanks));
        check_block_kit_limits(&twice).unwrap();
        // Changing the rating keeps every star and only the latest answer.
        let text = twice.readable();
        assert_eq!(text.matches("✅ You chose").count(), 1, "{text}");
        assert!(text.contains("✅ You chose *⭐⭐*"), "{text}");
        assert_eq!(twice.blocks.len(), once.blocks.len(), "{text}");
        let rates = twice
            .actions()
            .into_iter()
            .filter(|a| matches!(a, Action::Rate { .. }))
            .count();
        assert_eq!(rates, 5);
        let notes = twice
            .actions()
            .into_iter()
            .filter(|a| matches!(a, Action::OpenFeedbackNote { .. }))
            .count();
        assert_eq!(notes, 1);
    }

    #[test]
    fn an_answer_that_can_change_keeps_its_row_marks_the_choice_and_replaces_the_earlier_one() {
        let q = question();
        let m = answered(&clicked(&q, None, true), None);
        assert_eq!(m.actions(), vec![Action::Pause, Action::Resume]);
        let Block::Buttons(row) = &m.blocks[1] else {
            panic!("{m:?}")
        };
        assert_eq!(row[0].style, ButtonStyle::Primary, "the choice is marked");
        // Changing it: the row stays, one choice line, the latest.
        let changed = Clicked {
            original: &m.blocks,
            action_id: "resume",
            choice: "Not yet",
            chosen_by: None,
            keep_alternatives: true,
        };
        let m = answered(&changed, Some(&Message::plain("Noted")));
        assert_eq!(m.actions(), vec![Action::Pause, Action::Resume]);
        assert_eq!(
            m.readable(),
            "Noted\nHave you met your partner yet?\n[Met] [Not yet]\n✅ You chose *Not yet*\nNoted"
        );
    }
}
