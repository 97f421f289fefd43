//! Texts of the momentum nudge in a pair's group DM, and the answers to
//! its buttons.

use crate::action::{Action, MomentumAnswer};
use crate::first_slot::{self, Slot};
use crate::ids::{RoundId, UserId};
use crate::surface::{Block, Button, Message};

/// One member of the group, with their time zone (IANA name).
pub struct Who<'a> {
    pub id: &'a UserId,
    pub timezone: &'a str,
}

fn slot_line(who: &[Who<'_>], slot: Option<Slot>) -> String {
    match slot {
        Some(s) => {
            let times: Vec<String> = who
                .iter()
                .map(|w| {
                    format!(
                        "*{}* for {} ({})",
                        first_slot::local_label(s.start, first_slot::zone(w.timezone)),
                        w.id.mention(),
                        w.timezone
                    )
                })
                .collect();
            format!(
                "A first slot that falls in everyone's working hours: {}. Half an hour is plenty \
                 for a first chat.",
                times.join(", ")
            )
        }
        None => {
            let zones: Vec<&str> = who.iter().map(|w| w.timezone).collect();
            format!(
                "Your working hours don't overlap on weekdays ({}), so a first exchange in \
                 writing or a voice note may be easiest, or pick an early or late time that \
                 suits you all.",
                zones.join(", ")
            )
        }
    }
}

/// The nudge, a few days after pairing, in the group DM.
pub fn nudge(round: RoundId, group: u32, who: &[Who<'_>], slot: Option<Slot>) -> Message {
    let names: Vec<String> = who.iter().map(|w| w.id.mention()).collect();
    let button = |answer, text| {
        Button::new(
            Action::Momentum {
                answer,
                round,
                group,
            },
            text,
        )
    };
    Message {
        text: "Have you found a time for your first chat?".into(),
        blocks: vec![
            Block::Section(format!(
                "Hi {}! 👋 Have you found a time for your first chat yet? {}",
                names.join(" and "),
                slot_line(who, slot)
            )),
            Block::Buttons(vec![
                button(MomentumAnswer::Scheduled, "We've scheduled").primary(),
                button(MomentumAnswer::Met, "We've met"),
            ]),
            Block::Context(
                "Just this one nudge: one click from either of you tells me you're on your way."
                    .into(),
            ),
        ],
    }
}

/// Posted in the group DM after a click, so everyone sees it.
pub fn noted(user: &UserId, answer: MomentumAnswer) -> Message {
    Message::plain(match answer {
        MomentumAnswer::Scheduled => format!(
            "📅 {} says your first chat is scheduled. Enjoy it! I'll check in later in the month.",
            user.mention()
        ),
        MomentumAnswer::Met => format!(
            "🎉 {} says you've met. Great start! I'll check in later in the month.",
            user.mention()
        ),
    })
}

/// A click by someone no longer in the group.
pub fn not_your_group() -> Message {
    Message::plain("That button is for a pairing you're no longer in, so nothing changed.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nudge_shows_the_slot_in_each_members_own_time_and_two_buttons() {
        let (ana, ben) = (UserId::new("U0ANA"), UserId::new("U0BEN"));
        let who = [
            Who {
                id: &ana,
                timezone: "Europe/Berlin",
            },
            Who {
                id: &ben,
                timezone: "America/New_York",
            },
        ];
        let slot = Slot {
            start: "2027-02-04T15:00:00Z".parse().unwrap(),
            shared_minutes: 120,
        };
        let r = RoundId::new(2027, 2).unwrap();
        let m = nudge(r, 3, &who, Some(slot));
        let text = m.readable();
        assert!(
            text.contains("*Thu 4 Feb, 16:00* for <@U0ANA> (Europe/Berlin)")
                && text.contains("*Thu 4 Feb, 10:00* for <@U0BEN> (America/New_York)"),
            "{text}"
        );
        assert_eq!(
            m.actions(),
            vec![
                Action::Momentum {
                    answer: MomentumAnswer::Scheduled,
                    round: r,
                    group: 3
                },
                Action::Momentum {
                    answer: MomentumAnswer::Met,
                    round: r,
                    group: 3
                }
            ]
        );
        let none = nudge(r, 3, &who, None).readable();
        assert!(none.contains("don't overlap"), "{none}");
    }

    #[test]
    fn every_momentum_text_fits_slacks_limits_for_a_trio() {
        use crate::surface::check_block_kit_limits as ok;
        let ids: Vec<UserId> = ["U0ANA", "U0BEN", "U0CAT"].map(UserId::new).to_vec();
        let who: Vec<Who<'_>> = ids
            .iter()
            .map(|id| Who {
                id,
                timezone: "America/Argentina/ComodRivadavia",
            })
            .collect();
        let r = RoundId::new(2027, 2).unwrap();
        let slot = Slot {
            start: "2027-02-04T15:00:00Z".parse().unwrap(),
            shared_minutes: 60,
        };
        ok(&nudge(r, u32::MAX, &who, Some(slot))).unwrap();
        ok(&nudge(r, u32::MAX, &who, None)).unwrap();
        for a in [MomentumAnswer::Scheduled, MomentumAnswer::Met] {
            ok(&noted(&ids[0], a)).unwrap();
        }
        ok(&not_your_group()).unwrap();
    }
}
