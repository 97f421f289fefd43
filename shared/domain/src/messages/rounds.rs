//! Texts of the monthly round: reconfirmation, pairing DMs, unpaired notes,
//! check-ins.

use chrono::{DateTime, Utc};
use mentor_matching::Reason;

use super::{next_round_line, resources_button};
use crate::action::{Action, ReconfirmAnswer};
use crate::config::ProgrammeConfig;
use crate::ids::{ChannelId, RoundId, UserId};
use crate::model::{CheckinAnswer, Confirmation, Group, Member, UnmatchedWhy};
use crate::surface::{Block, Button, Message};

fn name(id: &mentor_matching::MemberId, me: &UserId) -> String {
    if id.0 == me.0 {
        "you".into()
    } else {
        format!("<@{}>", id.0)
    }
}

/// Why this group was matched, in plain words, from `me`'s point of view.
pub fn reasons_text(reasons: &[Reason], me: &UserId) -> Vec<String> {
    let mut out = Vec::new();
    for r in reasons {
        let line = match r {
            Reason::SharedInterests(topics) => {
                Some(format!("you both care about {}", topics.join(", ")))
            }
            Reason::CanHelp { from, to, topics } => Some(format!(
                "{} can help {} with {}",
                capitalise(&name(from, me)),
                name(to, me),
                topics.join(", ")
            )),
            Reason::DaytimeOverlap { hours } => Some(format!("{hours} h of overlapping daytime")),
            Reason::ExperienceMix { .. } => {
                Some("different amounts of experience to learn from".into())
            }
            Reason::SameMode(mode) => Some(format!("you both like {}", mode.label())),
            Reason::SameFrequency(f) => Some(format!("you both prefer meeting {}", f.label())),
            Reason::MetBefore { rounds_ago } => Some(format!(
                "you were paired {rounds_ago} round{} ago: nobody else fitted this time",
                if *rounds_ago == 1 { "" } else { "s" }
            )),
            Reason::HappyAgain { rounds_ago } => Some(format!(
                "you were paired {rounds_ago} round{} ago and both said you'd happily pair again",
                if *rounds_ago == 1 { "" } else { "s" }
            )),
            #[allow(unreachable_patterns)]
            _ => None,
        };
        if let Some(l) = line.filter(|l| !out.contains(l)) {
            out.push(l);
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub fn reconfirm(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    let when = super::round_start_text(cfg, round);
    let answer = |answer| Action::Reconfirm { answer, round };
    Message {
        text: format!("Stay in peer mentoring for {}?", round.label()),
        blocks: vec![
            Block::Section(format!(
                "*Stay in for {}?* The next round pairs on {when}. Only people who confirm are paired, \
                 so everyone gets a partner who's ready.",
                round.label()
            )),
            Block::Buttons(vec![
                Button::new(answer(ReconfirmAnswer::Yes), "Yes, pair me").primary(),
                Button::new(answer(ReconfirmAnswer::Skip), "Skip next month"),
                Button::new(answer(ReconfirmAnswer::OptOut), "Opt out").danger(),
                super::goal::add_button(round),
            ]),
            Block::Context(format!(
                "Changed your mind? Click another button any time before {when}."
            )),
        ],
    }
}

pub fn reconfirm_answered(
    cfg: &ProgrammeConfig,
    round: RoundId,
    answer: Confirmation,
    already_paired: bool,
) -> Message {
    let when = super::round_start_text(cfg, round);
    Message::plain(match (answer, already_paired) {
        (Confirmation::Yes, false) => format!(
            "Great, you're in for {}! I'll introduce you to your partner on {when}.",
            round.label()
        ),
        (Confirmation::Yes, true) => format!(
            "Thanks! {} has already been paired; I'll try to find you a partner now, or the moderators will.",
            round.label()
        ),
        (Confirmation::Skip, _) => format!(
            "OK, you'll skip {}. I'll ask again before the round after.",
            round.label()
        ),
    })
}

/// Two days before the round, to those who haven't answered "stay in?".
pub fn reminder(cfg: &ProgrammeConfig, round: RoundId) -> Message {
    let mut m = reconfirm(cfg, round);
    m.text = format!(
        "Reminder: stay in peer mentoring for {}? You haven't answered yet.",
        round.label()
    );
    m.blocks.insert(
        0,
        Block::Section(format!(
            "⏰ *Reminder:* you haven't answered yet, so right now you won't be paired for {}.",
            round.label()
        )),
    );
    m
}

/// "My partner isn't responding" by DM: noted, with how to withdraw it.
pub fn unresponsive_noted(alert_hours: u32, partners: &[UserId]) -> Message {
    let who: Vec<String> = partners.iter().map(UserId::mention).collect();
    Message::plain(format!(
        "Sorry to hear {} isn't responding. Give them a nudge; if you still haven't heard back \
         in {alert_hours} hours, I'll let the moderators know so they can help. If you do get \
         talking, tell me `we're talking now` and I'll take it back.",
        who.join(" and ")
    ))
}

pub fn no_partner_to_report() -> Message {
    Message::plain(
        "You don't have a partner this round, so there's nobody to report. Say `status` to see \
         when the next round pairs.",
    )
}

pub fn unresponsive_withdrawn(moderators_told: bool) -> Message {
    Message::plain(if moderators_told {
        "Great news! 🙌 I've taken back your report and told the moderators you're talking now."
    } else {
        "Great news! 🙌 I've taken back your report; the moderators won't be bothered."
    })
}

pub fn nothing_to_withdraw() -> Message {
    Message::plain("Good to hear! You hadn't reported anything, so nothing changed.")
}

pub fn reconfirm_too_late(round: RoundId) -> Message {
    Message::plain(format!(
        "That question was about {}, which is over now. I'll ask again before the next round.",
        round.label()
    ))
}

fn mode_line(m: &Member) -> Option<String> {
    m.profile.as_ref().map(|p| {
        format!(
            "{} likes {}, {}, and can offer {}.",
            m.id.mention(),
            p.mode.label(),
            p.frequency.label(),
            p.offers.join(", ")
        )
    })
}

/// Paired more than two days after the round's start (a first launch late in
/// the month, a late moderator `run`, a late joiner): the pairing is shorter
/// than a month, so the DM says when it ends.
fn paired_late(cfg: &ProgrammeConfig, round: RoundId, now: DateTime<Utc>) -> bool {
    now - crate::calendar::round_start(cfg, round) > chrono::Duration::days(2)
}

/// The personal DM telling `me` who their partner is and why.
pub fn pairing_dm(
    cfg: &ProgrammeConfig,
    group: &Group,
    me: &Member,
    partners: &[&Member],
    group_dm: Option<&ChannelId>,
    now: DateTime<Utc>,
) -> Message {
    let names: Vec<String> = partners.iter().map(|p| p.id.mention()).collect();
    let who = names.join(" and ");
    let reasons = reasons_text(&group.current_reasons(), &me.id);
    let why = if reasons.is_empty() {
        "you're the best fit we could find this round".to_string()
    } else {
        reasons.join("; ")
    };
    let mut blocks = vec![Block::Section(format!(
        "🎉 *Your peer-mentoring partner for {} is {who}!*",
        group.round.label()
    ))];
    if group.joined_late.as_ref() == Some(&me.id) {
        blocks.push(Block::Section(format!(
            "You're joining an existing pair: {who} were paired when the round started, and \
             you join them as a third partner because you fit them best. I've told them you're \
             coming in your group DM."
        )));
    }
    blocks.push(Block::Section(format!("*Why you two:* {why}.")));
    blocks.extend(super::goal::partner_goal_blocks(partners, group.round));
    let details: Vec<String> = partners.iter().filter_map(|p| mode_line(p)).collect();
    if !details.is_empty() {
        blocks.push(Block::Section(details.join("\n")));
    }
    blocks.push(Block::Section(format!(
        "*A suggested agenda:* {}.",
        super::agenda::agenda_text(&group.current_reasons(), &me.id)
    )));
    blocks.push(Block::Section(
        "*First steps:* say hello in your group DM, agree how and when to meet, and share one \
         thing you'd like to learn and one you could help with. Neither of you is \"the mentor\": \
         take turns."
            .into(),
    ));
    let mut buttons = Vec::new();
    if let Some(ch) = group_dm {
        buttons.push(
            Button::new(Action::OpenGroupDm, "Open our group DM")
                .primary()
                .link(&format!("https://slack.com/app_redirect?channel={ch}")),
        );
    }
    buttons.push(resources_button(cfg));
    blocks.push(Block::Buttons(buttons));
    if paired_late(cfg, group.round, now) {
        blocks.push(Block::Section(format!(
            "This round was paired late, so your pairing lasts until *{}*, when the next round pairs.",
            super::round_start_text(cfg, group.round.next())
        )));
    }
    blocks.push(Block::Context(format!(
        "Plans change: say `opt out` or `pause` any time. {}",
        next_round_line(cfg, now)
    )));
    Message {
        text: format!("Your partner for {} is {who}", group.round.label()),
        blocks,
    }
}

/// The first message in the pair's (or trio's) group DM.
pub fn group_intro(cfg: &ProgrammeConfig, group: &Group) -> Message {
    let names: Vec<String> = group.members.iter().map(UserId::mention).collect();
    let reasons = reasons_text(&group.current_reasons(), &UserId::new(""));
    let late = group.joined_late.as_ref().filter(|j| group.contains(j));
    let mut text = match late {
        // The original pair already has its own DM: say who is joining and why.
        Some(j) => {
            let pair: Vec<String> = group.partners_of(j).map(UserId::mention).collect();
            format!(
                "👋 {}: you're peer-mentoring partners for {}! {} is joining {} as a third: \
                 they signed up after this month's pairs were made, and yours is the pair they \
                 fit best.",
                names.join(", "),
                group.round.label(),
                j.mention(),
                pair.join(" and ")
            )
        }
        None => format!(
            "👋 {}: you're peer-mentoring partners for {}!",
            names.join(", "),
            group.round.label()
        ),
    };
    if !reasons.is_empty() {
        text.push_str(&format!("\nWhy you: {}.", reasons.join("; ")));
    }
    Message {
        text: text.clone(),
        blocks: vec![
            Block::Section(text),
            Block::Section(format!(
                "Suggested first step: pick a time for a first chat this week. I'll check in \
                 on how it's going in a week.\n*A suggested agenda:* {}.",
                super::agenda::agenda_text(&group.current_reasons(), &UserId::new(""))
            )),
            Block::Buttons(vec![resources_button(cfg)]),
        ],
    }
}

pub fn unmatched(
    cfg: &ProgrammeConfig,
    round: RoundId,
    why: UnmatchedWhy,
    now: DateTime<Utc>,
) -> Message {
    let reason = match why {
        UnmatchedWhy::OnlyEligibleMember => "you were the only person confirmed this round",
        #[allow(unreachable_patterns)]
        _ => "we couldn't find anyone you could be paired with this round",
    };
    Message::plain(format!(
        "I couldn't pair you for {}: {reason}. Sorry! The moderators know and may pair you by hand. {}",
        round.label(),
        next_round_line(cfg, now)
    ))
}

pub fn not_confirmed(cfg: &ProgrammeConfig, round: RoundId, now: DateTime<Utc>) -> Message {
    Message {
        text: format!("You're not paired for {}", round.label()),
        blocks: vec![
            Block::Section(format!(
                "You're not paired for {} because you didn't confirm (or chose to skip). No \
                 problem: you're still a member. {}",
                round.label(),
                next_round_line(cfg, now)
            )),
            Block::Context(
                "Want a partner this month after all? Ask a moderator in the channel.".into(),
            ),
        ],
    }
}

pub fn checkin(
    cfg: &ProgrammeConfig,
    round: RoundId,
    group: u32,
    day: u32,
    partners: &[UserId],
) -> Message {
    let answer = |answer| Action::Checkin {
        answer,
        round,
        group,
        day,
    };
    let who: Vec<String> = partners.iter().map(UserId::mention).collect();
    Message {
        text: "How's your mentoring pairing going?".into(),
        blocks: vec![
            Block::Section(format!(
                "*Check-in:* how's it going with {}?",
                who.join(" and ")
            )),
            Block::Buttons(vec![
                Button::new(answer(CheckinAnswer::Met), "We've met").primary(),
                Button::new(answer(CheckinAnswer::NotYet), "Not yet"),
                Button::new(
                    answer(CheckinAnswer::Unresponsive),
                    "My partner isn't responding",
                ),
                Button::new(answer(CheckinAnswer::WantOut), "I want out").danger(),
            ]),
            Block::Context(format!("Ideas for your next chat: {}", cfg.resources_url)),
        ],
    }
}

pub fn checkin_thanks(cfg: &ProgrammeConfig, answer: CheckinAnswer, alert_hours: u32) -> Message {
    Message::plain(match answer {
        CheckinAnswer::Met => format!("Wonderful! 🙌 Keep it going. Resources for your next chat: {}", cfg.resources_url),
        CheckinAnswer::NotYet => "Thanks! A short first call is enough: try suggesting two times that suit you.".into(),
        CheckinAnswer::Unresponsive => format!(
            "Sorry to hear that. Give them a nudge; if you still haven't heard back in {alert_hours} hours, I'll let the moderators know so they can help."
        ),
        CheckinAnswer::WantOut => "Understood. I've told the moderators, who'll be in touch. If you'd rather leave the programme, say `opt out`.".into(),
    })
}

pub fn member_unreachable(user: &UserId, code: &str) -> Message {
    Message::plain(format!(
        "⚠️ I couldn't reach {} on Slack (`{code}`), so I've marked them inactive. They won't be paired until they opt in again.",
        user.mention()
    ))
}

/// A check-in button clicked after the member's group ended or they left it.
pub fn checkin_for_old_pairing() -> Message {
    Message::plain("That check-in is for a pairing you're no longer in.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reminder_says_there_is_no_answer_yet_and_offers_every_choice() {
        let m = reminder(&ProgrammeConfig::example(), "2026-12".parse().unwrap());
        assert!(m.readable().contains("you haven't answered yet"));
        assert_eq!(
            m.actions()
                .iter()
                .map(|a| a.encode().0.to_string())
                .collect::<Vec<_>>(),
            vec![
                "reconfirm_yes",
                "reconfirm_skip",
                "reconfirm_opt_out",
                "open_goal"
            ]
        );
    }

    #[test]
    fn an_unresponsive_report_says_how_to_take_it_back() {
        let t = unresponsive_noted(24, &[UserId::new("U0BEA")]).readable();
        assert!(t.contains("<@U0BEA> isn't responding") && t.contains("we're talking now"));
        assert!(
            unresponsive_withdrawn(true)
                .readable()
                .contains("told the moderators")
        );
        assert!(
            no_partner_to_report()
                .readable()
                .contains("don't have a partner")
        );
        assert!(nothing_to_withdraw().readable().contains("nothing changed"));
    }
}
