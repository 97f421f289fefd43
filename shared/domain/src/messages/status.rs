//! Where a member stands: the `status` DM and the App Home, with the
//! buttons that change it.

use super::{pair_now, profile_summary, resources_button, round_start_text, snooze};
use crate::action::{Action, ReconfirmAnswer};
use crate::config::ProgrammeConfig;
use crate::ids::{RoundId, UserId};
use crate::model::{Confirmation, Member, MemberStatus};
use crate::surface::{Block, Button, Home, Message};

/// A member's situation, for `status` and the App Home.
pub struct StatusView<'a> {
    pub member: &'a Member,
    pub partners: Vec<UserId>,
    pub current_round: RoundId,
    pub next_round: RoundId,
    /// The member's current answer to "stay in?" for `next_round`.
    pub answer_next: Option<Confirmation>,
    /// The live round, when the member is waiting in it without a partner
    /// after it was paired ("Find me a partner now" is offered).
    pub pair_now: Option<RoundId>,
}

fn status_lines(cfg: &ProgrammeConfig, s: &StatusView<'_>) -> String {
    let mut lines = vec![format!("*Status:* {}", s.member.status.label())];
    if s.partners.is_empty() {
        lines.push(format!(
            "*Partner for {}:* none this round",
            s.current_round.label()
        ));
    } else {
        let names: Vec<String> = s.partners.iter().map(UserId::mention).collect();
        lines.push(format!(
            "*Partner for {}:* {}",
            s.current_round.label(),
            names.join(" and ")
        ));
    }
    if let Some(until) = s.member.paused_until {
        lines.push(snooze::status_line(until));
    }
    let start = round_start_text(cfg, s.next_round);
    let confirmed = match s.member.status {
        MemberStatus::Active => match s.answer_next {
            Some(Confirmation::Yes) => "your answer: *yes, pair me* ✅",
            Some(Confirmation::Skip) => "your answer: *skip this one* ⏭️",
            None => "you haven't answered yet: I'll ask you a week before",
        },
        MemberStatus::Paused => "you're paused: say `resume` to take part",
        MemberStatus::OptedOut => "you've opted out: say `opt in` to come back",
        MemberStatus::Onboarding => "set up your profile to take part",
        MemberStatus::Left => "rejoin the channel to take part",
        MemberStatus::Unreachable => "I couldn't reach you last time",
    };
    lines.push(format!("*Next round:* {start}; {confirmed}"));
    lines.join("\n")
}

/// Buttons to change the answer for the next round (the one not chosen),
/// for active members; the answer can change until the round is paired.
fn answer_buttons(s: &StatusView<'_>) -> Vec<Button> {
    if s.member.status != MemberStatus::Active {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.answer_next != Some(Confirmation::Yes) {
        out.push(
            Button::new(
                Action::Reconfirm {
                    answer: ReconfirmAnswer::Yes,
                    round: s.next_round,
                },
                "Yes, pair me",
            )
            .primary(),
        );
    }
    if s.answer_next != Some(Confirmation::Skip) {
        out.push(Button::new(
            Action::Reconfirm {
                answer: ReconfirmAnswer::Skip,
                round: s.next_round,
            },
            "Skip next round",
        ));
    }
    out
}

pub fn status(cfg: &ProgrammeConfig, s: &StatusView<'_>) -> Message {
    let mut buttons: Vec<Button> = s.pair_now.map(pair_now::button).into_iter().collect();
    buttons.extend(answer_buttons(s));
    buttons.push(Button::new(Action::OpenProfile, "Edit profile"));
    buttons.extend(status_buttons(s.member.status));
    Message {
        text: format!("Your mentoring status: {}", s.member.status.label()),
        blocks: vec![
            Block::Section(status_lines(cfg, s)),
            Block::Buttons(buttons),
        ],
    }
}

fn status_buttons(status: MemberStatus) -> Vec<Button> {
    match status {
        MemberStatus::Active => vec![
            Button::new(Action::Pause, "Pause"),
            Button::new(Action::OptOut, "Opt out").danger(),
        ],
        MemberStatus::Paused => vec![
            Button::new(Action::Resume, "Resume").primary(),
            Button::new(Action::OptOut, "Opt out").danger(),
        ],
        MemberStatus::OptedOut | MemberStatus::Unreachable => {
            vec![Button::new(Action::OptIn, "Opt in").primary()]
        }
        MemberStatus::Onboarding | MemberStatus::Left => vec![],
    }
}

pub fn home(
    cfg: &ProgrammeConfig,
    s: Option<&StatusView<'_>>,
    moderator: Option<Vec<Block>>,
) -> Home {
    let mut blocks = vec![Block::Header("Peer mentoring".into())];
    match s {
        None => {
            blocks.push(Block::Section(format!(
                "Every month I pair members of #{} with a new partner with complementary skills. \
                 No fixed roles: you both learn.",
                cfg.channel_name
            )));
            blocks.push(Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Set up my profile").primary(),
                resources_button(cfg),
            ]));
        }
        Some(s) => {
            blocks.push(Block::Section(status_lines(cfg, s)));
            if let Some(p) = &s.member.profile {
                blocks.push(Block::Section(format!(
                    "*Your profile*\n{}",
                    profile_summary(p)
                )));
            }
            let mut buttons: Vec<Button> = s.pair_now.map(pair_now::button).into_iter().collect();
            buttons.extend(answer_buttons(s));
            buttons.push(Button::new(Action::OpenProfile, "Edit profile"));
            buttons.extend(status_buttons(s.member.status));
            buttons.push(Button::new(Action::MyData, "My data"));
            buttons.push(resources_button(cfg));
            blocks.push(Block::Buttons(buttons));
            if matches!(s.member.status, MemberStatus::Active | MemberStatus::Paused) {
                blocks.extend(snooze::picker(s.member.paused_until));
            }
            blocks.push(Block::Context(
                "Say `help` in a DM to see everything I can do.".into(),
            ));
        }
    }
    if let Some(m) = moderator {
        blocks.push(Block::Divider);
        blocks.extend(m);
    }
    Home { blocks }
}
