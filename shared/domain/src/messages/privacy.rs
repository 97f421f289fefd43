//! Texts about a member's own data: the "my data" report.

use super::profile_summary;
use crate::ids::UserId;
use crate::model::{Confirmation, Group, Member};
use crate::surface::{Block, Message};

/// Nothing is stored about someone who never signed up (or deleted it all).
pub fn my_data_none() -> Message {
    Message::plain(
        "I don't store anything about you: no profile, no pairings. (Slack ids in a few \
         once-only markers are kept only as unreadable hashes and expire by themselves.)",
    )
}

/// Everything stored about `member`, readable: profile answers, status,
/// confirmations, past partners by month and their own check-in answers.
/// `groups` are the kept groups they were in, any order.
pub fn my_data(member: &Member, groups: &[Group], retention_months: u32) -> Message {
    let me = &member.id;
    let mut blocks = vec![Block::Header("What I store about you".into())];
    let profile = match &member.profile {
        Some(p) => profile_summary(p),
        None => "No profile saved.".into(),
    };
    blocks.push(Block::Section(format!("*Your profile answers*\n{profile}")));
    let mut status = format!(
        "*Status*\n• {}\n• In the programme channel: {}\n• Signed up: {}",
        member.status.label(),
        if member.in_channel { "yes" } else { "no" },
        member.joined_at.format("%-d %B %Y"),
    );
    if let Some(t) = member.profile_saved_at {
        status.push_str(&format!(
            "\n• Profile last saved: {}",
            t.format("%-d %B %Y")
        ));
    }
    if let Some(name) = &member.name {
        status.push_str(&format!(
            "\n• Your Slack name, copied so moderators' buttons can show it: {name}"
        ));
    }
    if !member.excluded_with.is_empty() {
        status.push_str(&format!(
            "\n• Pairing restrictions set by moderators: {}",
            member.excluded_with.len()
        ));
    }
    status.push_str(&super::never_pair::my_data_lines(member));
    status.push_str(&super::snooze::my_data_lines(member));
    status.push_str(&super::highlights::my_data_line(member));
    blocks.push(Block::Section(status));
    let confirmations: Vec<String> = member
        .confirmations
        .iter()
        .map(|(round, c)| {
            let answer = match c {
                Confirmation::Yes => "in",
                Confirmation::Skip => "skipping",
            };
            format!("• {}: {answer}", round.label())
        })
        .collect();
    blocks.push(Block::Section(format!(
        "*Your answers to \"stay in?\"*\n{}",
        if confirmations.is_empty() {
            "None yet.".to_string()
        } else {
            confirmations.join("\n")
        }
    )));
    let mut sorted: Vec<&Group> = groups.iter().collect();
    sorted.sort_by_key(|g| (g.round, g.number));
    let history: Vec<String> = sorted.iter().map(|g| group_line(g, me)).collect();
    blocks.push(Block::Section(format!(
        "*Your pairings and check-in answers*\n{}",
        if history.is_empty() {
            "None yet.".to_string()
        } else {
            history.join("\n")
        }
    )));
    blocks.extend(super::feedback::my_data_blocks(&member.feedback));
    blocks.push(Block::Context(format!(
        "Pairings and check-ins are kept {retention_months} months, then deleted \
         automatically. Say `delete my data` to remove everything now."
    )));
    Message {
        text: "Here is what I store about you.".into(),
        blocks,
    }
}

fn group_line(g: &Group, me: &UserId) -> String {
    let partners: Vec<String> = g
        .members
        .iter()
        .filter(|m| *m != me)
        .map(|m| {
            if UserId::is_valid(m.as_str()) {
                m.mention()
            } else {
                "a member who deleted their data".into()
            }
        })
        .collect();
    let mut line = format!(
        "• {}: with {}",
        g.round.label(),
        if partners.is_empty() {
            "nobody".to_string()
        } else {
            partners.join(", ")
        }
    );
    if g.departed.contains(me) {
        line.push_str(" (you left this pairing)");
    }
    let answers: Vec<String> = g
        .checkins
        .iter()
        .filter_map(|(day, a)| a.get(me).map(|a| format!("day {day}: {}", a.label())))
        .collect();
    if !answers.is_empty() {
        line.push_str(&format!("; your check-ins: {}", answers.join(", ")));
    }
    if g.unresponsive_reported.contains_key(me) {
        line.push_str("; you reported your partner as not responding");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::RoundId;
    use crate::model::{CheckinAnswer, GroupOrigin, MemberStatus};
    use chrono::{TimeZone, Utc};
    use std::collections::BTreeMap;

    #[test]
    fn my_data_reads_as_plain_sentences_by_month() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        let mut m = Member::new_onboarding(UserId::new("U0ANA"), t);
        m.status = MemberStatus::Active;
        let dec = RoundId::new(2026, 12).unwrap();
        m.confirmations.insert(dec, Confirmation::Yes);
        let g = Group {
            checkins: BTreeMap::from([(
                7,
                BTreeMap::from([(UserId::new("U0ANA"), CheckinAnswer::Met)]),
            )]),
            version: 1,
            ..Group::new(
                dec,
                1,
                vec![UserId::new("U0ANA"), UserId::new("deleted-00ff")],
                1,
                Vec::new(),
                GroupOrigin::Round,
            )
        };
        m.name = Some("Ana Lima".into());
        let text = my_data(&m, &[g], 24).readable();
        assert!(text.contains("December 2026: in"), "{text}");
        assert!(
            text.contains("Your Slack name, copied so moderators' buttons can show it: Ana Lima"),
            "{text}"
        );
        assert!(
            text.contains(
                "December 2026: with a member who deleted their data; your check-ins: day 7: met"
            ),
            "{text}"
        );
        assert!(text.contains("kept 24 months"), "{text}");
    }
}
