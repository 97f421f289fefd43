//! Texts for moderators: the slash command's answers, round summaries,
//! alerts and the export.

use chrono::{DateTime, Utc};
use mentor_matching::RoundPlan;

use crate::action::{Action, ModeratorAction};
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::model::{CheckinAnswer, Group, Member, MemberStatus, Round};
use crate::surface::{Block, Button, Message};

pub fn not_a_moderator(cfg: &ProgrammeConfig) -> Message {
    Message::plain(format!(
        "Sorry, `/mentoring` is for the programme's moderators. Mention me in #{} or DM me `help` to see what you can do.",
        cfg.channel_name
    ))
}

pub fn help() -> Message {
    Message::plain(format!(
        "*Moderator commands* (`/mentoring …`)\n\
         • `stats`: members by state, this round's pairs, check-ins, confirmation rate; per \
         round the share of pairs who met and the average rating; members' private notes\n\
         • `preview`: dry run of the next pairing (same seed as the real run)\n\
         • `run`: pair the current round now\n\
         • `pair @a @b`: pair two people by hand this round\n\
         • `repair @a`: find @a the best available partner (theirs left or went quiet)\n\
         • `unpair @a`: dissolve @a's pairing this round\n\
         • `remove @a`: take @a out of future rounds\n\
         • `exclude @a @b`: never pair these two\n\
         • `export`: CSV of members' states and this round's pairs, by DM\n\
         • `help`: this list\n{}",
        super::moderator_confirm::CONFIRM_NOTE
    ))
}

pub fn unknown(verb: &str) -> Message {
    let mut m = help();
    m.text = format!("I don't know `{verb}`. {}", m.text);
    m.blocks = vec![Block::Section(m.text.clone())];
    m
}

pub fn stats(
    cfg: &ProgrammeConfig,
    members: &[Member],
    round: RoundId,
    r: Option<&Round>,
    groups: &[Group],
    next: RoundId,
) -> Message {
    let count = |s: MemberStatus| members.iter().filter(|m| m.status == s).count();
    let by_state: Vec<String> = MemberStatus::ALL
        .iter()
        .map(|s| format!("{}: {}", s.label(), count(*s)))
        .collect();
    let live: Vec<&Group> = groups.iter().filter(|g| g.is_live()).collect();
    let mut answers = std::collections::BTreeMap::new();
    for g in groups {
        for day in g.checkins.values() {
            for a in day.values() {
                *answers.entry(a.label()).or_insert(0) += 1;
            }
        }
    }
    let checkins = if answers.is_empty() {
        "no answers yet".to_string()
    } else {
        CheckinAnswer::ALL
            .iter()
            .map(|a| format!("{}: {}", a.label(), answers.get(a.label()).unwrap_or(&0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let active = members
        .iter()
        .filter(|m| m.status == MemberStatus::Active)
        .count();
    let confirmed = members
        .iter()
        .filter(|m| m.status == MemberStatus::Active && m.is_confirmed_for(next))
        .count();
    let rate = (confirmed * 100)
        .checked_div(active)
        .map_or("n/a".to_string(), |r| format!("{r}%"));
    let state = r
        .map(|r| format!("{:?}", r.state).to_lowercase())
        .unwrap_or("not started".into());
    let text = format!(
        "*Programme stats*\n• Members: {} ({})\n• {}: {state}, {} live groups ({} trios)\n• Check-ins: {checkins}\n• Confirmed for {}: {confirmed} of {active} active ({rate})\n• Next round starts {}",
        members.len(),
        by_state.join(", "),
        round.label(),
        live.len(),
        live.iter().filter(|g| g.members.len() == 3).count(),
        next.label(),
        super::round_start_text(cfg, next),
    );
    Message {
        text: "Programme stats".into(),
        blocks: vec![Block::Section(text)],
    }
}

fn group_line(members: &[String], score: i64) -> String {
    format!("• {} (score {score})", members.join(" + "))
}

pub fn preview(cfg: &ProgrammeConfig, round: RoundId, plan: &RoundPlan) -> Message {
    let lines: Vec<String> = plan
        .groups
        .iter()
        .map(|g| {
            let names: Vec<String> = g.members.iter().map(|m| format!("<@{}>", m.0)).collect();
            group_line(&names, g.score)
        })
        .collect();
    // Who would be unmatched, grouped by why, in words.
    let mut unmatched: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for u in &plan.unmatched {
        let why = super::moderator_confirm::unmatched_reason(u.reason);
        unmatched
            .entry(why)
            .or_default()
            .push(format!("<@{}>", u.member.0));
    }
    let unmatched: Vec<String> = unmatched
        .iter()
        .map(|(why, who)| format!("• Unmatched ({why}): {}", first_few(who)))
        .collect();
    let when = super::round_start_text(cfg, round);
    let head = format!(
        "*Preview of {}* (runs {when}): {} groups, {} unmatched. The real run uses the same seed, so it gives these groups unless members change.",
        round.label(),
        plan.groups.len(),
        plan.unmatched.len()
    );
    let mut blocks = vec![Block::Section(head.clone())];
    for chunk in lines.chunks(40) {
        blocks.push(Block::Section(chunk.join("\n")));
    }
    if !unmatched.is_empty() {
        blocks.push(Block::Section(unmatched.join("\n")));
    }
    Message { text: head, blocks }
}

pub fn run_done(r: &Round) -> Message {
    Message::plain(format!(
        "✅ {} is paired: {} groups ({} trios), {} unmatched, {} didn't confirm. Everyone is being told now.",
        r.id.label(),
        r.stats.groups,
        r.stats.trios,
        r.stats.unmatched,
        r.stats.not_confirmed
    ))
}

pub fn round_summary(r: &Round) -> Message {
    let mut text = format!(
        "*{} is paired.* {} eligible → {} groups ({} trios), {} unmatched, {} repeats.",
        r.id.label(),
        r.stats.eligible,
        r.stats.groups,
        r.stats.trios,
        r.stats.unmatched,
        r.stats.repeats
    );
    // Grouped by why, in words (never the engine's names).
    let mut unmatched: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for (u, why) in &r.unmatched {
        let why = super::moderator_confirm::unmatched_reason(*why);
        unmatched.entry(why).or_default().push(u.mention());
    }
    for (why, who) in &unmatched {
        text.push_str(&format!("\nUnmatched ({why}): {}", first_few(who)));
    }
    if !r.not_confirmed.is_empty() {
        let who: Vec<String> = r.not_confirmed.iter().map(UserId::mention).collect();
        text.push_str(&format!("\nDidn't confirm or skipped: {}", first_few(&who)));
    }
    Message {
        text: format!("{} is paired", r.id.label()),
        blocks: vec![
            Block::Section(text),
            Block::Context(
                "`/mentoring stats` any time; `/mentoring pair @a @b` for late joiners.".into(),
            ),
        ],
    }
}

/// Names in a summary: the first few, then how many more, so a large
/// round's summary still fits one Slack section (3,000 characters).
fn first_few(names: &[String]) -> String {
    const SHOWN: usize = 30;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!(
        "{} and {} more (`/mentoring export` lists everyone)",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}

/// Why a member can't be paired by hand.
pub fn not_in_programme(user: &UserId) -> String {
    format!("{} isn't in the programme.", user.mention())
}

pub fn profile_unfinished(user: &UserId) -> String {
    format!("{} hasn't finished their profile yet.", user.mention())
}

pub fn not_pairable(user: &UserId, status: MemberStatus) -> String {
    format!("{} is {}.", user.mention(), status.label())
}

/// The alert's button names its round and group, so it acts once and an
/// alert from an old round changes nothing. Its label names the person by
/// their real name (a button can't show a mention), never by id.
fn repair_button(user: &UserId, name: Option<&str>, group: &Group) -> Block {
    let label = super::moderator_confirm::on_button("Re-pair", name, "Find them a new partner");
    Block::Buttons(vec![
        Button::new(
            Action::Moderator(ModeratorAction::Repair {
                round: group.round,
                group: group.number,
                user: user.clone(),
            }),
            &label,
        )
        .primary(),
    ])
}

pub fn wants_out(user: &UserId, group: &Group) -> Message {
    Message::plain(format!(
        "{} said \"I want out\" at a check-in (group {} of {}). You may want to reach out, or `/mentoring unpair {}`.",
        user.mention(),
        group.number,
        group.round.label(),
        user.mention()
    ))
}

pub fn unresponsive_alert(user: &UserId, name: Option<&str>, group: &Group) -> Message {
    let partners: Vec<String> = group.partners_of(user).map(UserId::mention).collect();
    let text = format!(
        "⚠️ {} reported that {} isn't responding (group {} of {}), and nothing has changed since.",
        user.mention(),
        partners.join(" and "),
        group.number,
        group.round.label()
    );
    Message {
        text: text.clone(),
        blocks: vec![Block::Section(text), repair_button(user, name, group)],
    }
}

/// A second click on a Re-pair alert (by anyone, whenever).
pub fn alert_already_handled(user: &UserId, by: &UserId) -> Message {
    Message::plain(format!(
        "That alert about {} was already handled by {}; nothing was changed.",
        user.mention(),
        by.mention()
    ))
}

/// A Re-pair alert from a round that is over.
pub fn alert_from_old_round(user: &UserId, round: RoundId) -> Message {
    Message::plain(format!(
        "That alert about {} is from {}, which is over; nothing was changed. `/mentoring repair {}` works on this round.",
        user.mention(),
        round.label(),
        user.mention()
    ))
}

pub fn already_has_partner(user: &UserId) -> Message {
    Message::plain(format!(
        "{} already has a partner this round. `/mentoring unpair {}` first.",
        user.mention(),
        user.mention()
    ))
}

/// `repair` found a partner, but someone else paired one of them first.
pub fn repair_raced(user: &UserId, partner: &UserId) -> Message {
    Message::plain(format!(
        "{} or {} was paired by someone else at the same moment; nothing was changed. Try `/mentoring repair {}` again.",
        user.mention(),
        partner.mention(),
        user.mention()
    ))
}

pub fn unresponsive_withdrawn(user: &UserId, group: &Group) -> Message {
    let partners: Vec<String> = group.partners_of(user).map(UserId::mention).collect();
    Message::plain(format!(
        "✅ {} withdrew their report: they're talking with {} now (group {} of {}). Nothing to do.",
        user.mention(),
        partners.join(" and "),
        group.number,
        group.round.label()
    ))
}

pub fn unpaired_member() -> Message {
    Message::plain(
        "A moderator has ended your pairing for this round. They may pair you with someone else; otherwise you'll be paired again next round.",
    )
}

pub fn partner_left(cfg: &ProgrammeConfig, still_paired: bool) -> Message {
    Message::plain(if still_paired {
        "One of your group has left the programme. The two of you carry on as a pair. 🙂"
            .to_string()
    } else {
        format!(
            "Your partner has left the programme this month. Sorry about that! I've told the moderators, who can pair you with someone else. Questions? Ask in #{}.",
            cfg.channel_name
        )
    })
}

pub fn partner_left_alert(
    left: &UserId,
    remaining: &UserId,
    name: Option<&str>,
    group: &Group,
) -> Message {
    let text = format!(
        "{} left the programme mid-round, so {} has no partner now.",
        left.mention(),
        remaining.mention()
    );
    Message {
        text: text.clone(),
        blocks: vec![Block::Section(text), repair_button(remaining, name, group)],
    }
}

pub fn late_wait(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message::plain(format!(
        "This month's pairs are already made, so you'll be paired in the next round. {}",
        super::next_round_line(cfg, now)
    ))
}

pub fn late_paired(user: &UserId, partner: &UserId, group: u32) -> Message {
    Message::plain(format!(
        "Late joiner {} was paired automatically with {} (group {group}).",
        user.mention(),
        partner.mention()
    ))
}

pub fn late_trio(user: &UserId, group: &Group) -> Message {
    let others: Vec<String> = group.partners_of(user).map(UserId::mention).collect();
    Message::plain(format!(
        "Late joiner {} joined {} as a trio (group {}), nobody else was waiting.",
        user.mention(),
        others.join(" and "),
        group.number
    ))
}

pub fn late_unpaired(user: &UserId) -> Message {
    Message::plain(format!(
        "Late joiner {} is waiting: nobody was free to pair with them. `/mentoring pair` them by hand if someone turns up.",
        user.mention()
    ))
}

/// CSV of members' states and this round's groups. No profile answers.
pub fn export_csv(members: &[Member], round: RoundId, groups: &[Group]) -> String {
    let mut out =
        String::from("user_id,status,in_channel,confirmed_next,round,group,partners,checkins\n");
    for m in members {
        let g = groups.iter().find(|g| g.is_live() && g.contains(&m.id));
        let partners = g
            .map(|g| {
                g.partners_of(&m.id)
                    .map(|u| u.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let checkins = g
            .map(|g| {
                g.checkins
                    .iter()
                    .filter_map(|(day, a)| a.get(&m.id).map(|a| format!("day{day}={}", a.label())))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            m.id,
            m.status.label(),
            m.in_channel,
            m.is_confirmed_for(round.next()),
            round,
            g.map(|g| g.number.to_string()).unwrap_or_default(),
            partners,
            checkins
        ));
    }
    out
}

/// The export as one or more DMs: the CSV in code blocks of at most 2,800
/// characters, at most 40 blocks per message (Slack takes 50), so a large
/// community's export arrives whole, in numbered parts.
pub fn export_messages(round: RoundId, csv: &str) -> Vec<Message> {
    const BLOCKS_PER_MESSAGE: usize = 40;
    let mut chunks: Vec<String> = Vec::new();
    let mut chunk = String::new();
    for line in csv.lines() {
        if chunk.len() + line.len() > 2800 {
            chunks.push(std::mem::take(&mut chunk));
        }
        chunk.push_str(line);
        chunk.push('\n');
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    let parts: Vec<&[String]> = chunks.chunks(BLOCKS_PER_MESSAGE).collect();
    let total = parts.len().max(1);
    (0..total)
        .map(|i| {
            let title = if total == 1 {
                format!("Export for {}", round.label())
            } else {
                format!("Export for {} (part {} of {total})", round.label(), i + 1)
            };
            let mut blocks = vec![Block::Section(format!("*{title}* (CSV):"))];
            for c in parts.get(i).copied().unwrap_or_default() {
                blocks.push(Block::Section(format!("```{c}```")));
            }
            Message {
                text: title,
                blocks,
            }
        })
        .collect()
}

/// To the moderators once Slack accepts the bot's token again.
pub fn slack_back(code: &str, since: DateTime<Utc>, redriven: usize) -> Message {
    Message::plain(format!(
        "Slack works again. From {} UTC it refused the bot's token (`{code}`), so I stopped \
         sending and marked nobody. {redriven} pieces of work are now being re-sent; \
         everyone gets each message once.",
        since.format("%Y-%m-%d %H:%M")
    ))
}

/// The slash command's immediate answer when the work happens after it.
pub fn working_on_it() -> Message {
    Message::plain("On it: I'll reply here in a moment.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moderator_is_told_why_someone_cannot_be_paired_by_hand() {
        let u = UserId::from("U0ANA");
        assert_eq!(not_in_programme(&u), "<@U0ANA> isn't in the programme.");
        assert_eq!(
            profile_unfinished(&u),
            "<@U0ANA> hasn't finished their profile yet."
        );
        assert_eq!(
            not_pairable(&u, MemberStatus::OptedOut),
            format!("<@U0ANA> is {}.", MemberStatus::OptedOut.label())
        );
    }
}
