//! The App Home history: past partners by month, why the bot matched them,
//! the member's own check-in answers and goal, and a private "happy to be
//! paired again" mark per partner. Capped so the App Home stays well under
//! Slack's 100 blocks.

use crate::action::Action;
use crate::ids::UserId;
use crate::model::{Group, Member};
use crate::surface::{Block, Button};

/// Months shown in the App Home (two blocks each); older ones are in `my data`.
pub const MONTHS_SHOWN: usize = 6;

fn is_person(u: &UserId) -> bool {
    UserId::is_valid(u.as_str())
}

/// One month: who, why, the member's own check-ins and goal.
fn month_text(me: &Member, g: &Group) -> String {
    let partners: Vec<&UserId> = g.members.iter().filter(|m| **m != me.id).collect();
    let names: Vec<String> = partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = if is_person(p) {
                p.mention()
            } else {
                "a former member".into()
            };
            let mark = if me.happy_again.contains(p) {
                " ✓"
            } else {
                ""
            };
            if partners.len() > 1 {
                format!("({}) {name}{mark}", i + 1)
            } else {
                format!("{name}{mark}")
            }
        })
        .collect();
    let mut lines = vec![format!("*{}* · with {}", g.round.label(), names.join(", "))];
    let why = super::rounds::reasons_text(&g.current_reasons(), &me.id);
    if !why.is_empty() {
        lines.push(format!("Why: {}", why.join("; ")));
    }
    let mine: Vec<String> = g
        .checkins
        .iter()
        .filter_map(|(day, answers)| {
            answers
                .get(&me.id)
                .map(|a| format!("day {day}: {}", a.label()))
        })
        .collect();
    if !mine.is_empty() {
        lines.push(format!("Your check-ins: {}", mine.join(" · ")));
    }
    if let Some(goal) = me.goal_for(g.round) {
        let how = goal
            .outcome
            .map(|o| format!(" ({})", o.label()))
            .unwrap_or_default();
        lines.push(format!("Your goal: “{}”{how}", goal.text));
    }
    if let Some(f) = me.feedback.get(&g.round) {
        lines.push(super::feedback::history_line(f));
    }
    lines.join("\n")
}

/// A mark / unmark button per partner who is still a member.
fn happy_buttons(me: &Member, g: &Group) -> Vec<Button> {
    let partners: Vec<&UserId> = g.members.iter().filter(|m| **m != me.id).collect();
    let trio = partners.len() > 1;
    partners
        .iter()
        .enumerate()
        .filter(|(_, p)| is_person(p))
        .map(|(i, p)| {
            let marked = me.happy_again.contains(p);
            let whom = if trio {
                format!(" ({})", i + 1)
            } else {
                String::new()
            };
            let action = Action::HappyAgain {
                partner: (*p).clone(),
                on: !marked,
            };
            if marked {
                Button::new(action, &format!("✓ Happy to pair again{whom}: undo"))
            } else {
                Button::new(action, &format!("Happy to be paired again{whom}"))
            }
        })
        .collect()
}

/// The history section, newest month first, at most [`MONTHS_SHOWN`] months.
/// A button is unique per partner, so a partner met twice gets it once (on
/// the newest month).
pub fn home_blocks(me: &Member, groups: &[Group]) -> Vec<Block> {
    let mut past: Vec<&Group> = groups.iter().filter(|g| g.contains(&me.id)).collect();
    past.sort_by(|a, b| b.round.cmp(&a.round).then(b.number.cmp(&a.number)));
    let mut out = vec![Block::Section(
        "*Your pairings*\nMark a partner you'd happily be paired with again: it's private, and \
         only when you've both marked each other do I let you meet again sooner."
            .into(),
    )];
    if past.is_empty() {
        out.push(Block::Context(
            "No pairings yet: your first partner will appear here.".into(),
        ));
        return out;
    }
    let mut offered: Vec<UserId> = Vec::new();
    for g in past.iter().take(MONTHS_SHOWN) {
        out.push(Block::Section(month_text(me, g)));
        let buttons: Vec<Button> = happy_buttons(me, g)
            .into_iter()
            .filter(|b| match b.action() {
                Action::HappyAgain { partner, .. } if !offered.contains(&partner) => {
                    offered.push(partner);
                    true
                }
                _ => false,
            })
            .collect();
        if !buttons.is_empty() {
            out.push(Block::Buttons(buttons));
        }
    }
    if past.len() > MONTHS_SHOWN {
        out.push(Block::Context(format!(
            "{} earlier month(s) not shown: say `my data` for everything.",
            past.len() - MONTHS_SHOWN
        )));
    }
    out
}

pub fn not_your_partner() -> crate::surface::Message {
    crate::surface::Message::plain(
        "I can only note that for someone you've been paired with, so nothing changed.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GroupOrigin, Member};
    use chrono::TimeZone;

    fn me() -> Member {
        let now = chrono::Utc.with_ymd_and_hms(2027, 9, 1, 9, 0, 0).unwrap();
        Member::new_onboarding(UserId::new("U0ANA"), now)
    }

    fn month(m: u32, partner: &str) -> Group {
        Group::new(
            crate::ids::RoundId::new(2027, m).unwrap(),
            1,
            vec![UserId::new("U0ANA"), UserId::new(partner)],
            1,
            Vec::new(),
            GroupOrigin::Round,
        )
    }

    #[test]
    fn the_history_shows_the_newest_six_months_and_points_to_my_data_for_the_rest() {
        let groups: Vec<Group> = (1..=8).map(|m| month(m, &format!("U0P{m}"))).collect();
        let blocks = home_blocks(&me(), &groups);
        let text: Vec<String> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Section(t) | Block::Context(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        assert!(text[1].starts_with("*August 2027*"), "{text:?}");
        assert!(
            text.iter().all(|t| !t.contains("February 2027")),
            "{text:?}"
        );
        assert!(
            text.last().unwrap().contains("2 earlier month(s)"),
            "{text:?}"
        );
    }

    #[test]
    fn a_rated_month_shows_the_members_own_rating_and_that_a_note_went_to_the_moderators() {
        let mut me = me();
        let at = chrono::Utc.with_ymd_and_hms(2027, 8, 22, 9, 0, 0).unwrap();
        me.feedback.insert(
            crate::ids::RoundId::new(2027, 8).unwrap(),
            crate::feedback::Feedback {
                rating: crate::feedback::Rating::new(4),
                note: Some("secret words".into()),
                at,
            },
        );
        let text = format!(
            "{:?}",
            home_blocks(&me, &[month(8, "U0BEN"), month(7, "U0CY")])
        );
        assert!(
            text.contains("Your rating: ⭐⭐⭐⭐, and a private note to the moderators"),
            "{text}"
        );
        assert!(!text.contains("secret words"), "{text}");
        assert_eq!(text.matches("Your rating").count(), 1, "{text}");
    }

    #[test]
    fn a_partner_met_twice_gets_one_button_and_a_deleted_one_none() {
        let groups = vec![month(8, "U0BEN"), month(6, "U0BEN"), month(4, "deleted-1f")];
        let buttons: Vec<Action> = home_blocks(&me(), &groups)
            .iter()
            .flat_map(|b| match b {
                Block::Buttons(bs) => bs.iter().map(Button::action).collect(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(
            buttons,
            vec![Action::HappyAgain {
                partner: UserId::new("U0BEN"),
                on: true
            }]
        );
        let text = format!("{:?}", home_blocks(&me(), &groups));
        assert!(text.contains("a former member"), "{text}");
    }
}
