//! The programme channel: invitations, leaving and rejoining.

use chrono::{DateTime, Utc};

use super::{next_round_line, resources_button};
use crate::action::Action;
use crate::config::ProgrammeConfig;
use crate::ids::UserId;
use crate::surface::{Block, Button, Message};

pub fn channel_invite(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: format!(
            "Welcome to #{}! Want a mentoring partner?",
            cfg.channel_name
        ),
        blocks: vec![
            Block::Section(format!(
                "Welcome to #{}! 👋 Every month I pair members with a peer partner with \
                 complementary skills. {}",
                cfg.channel_name,
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Sign me up").primary(),
                resources_button(cfg),
            ]),
        ],
    }
}

/// A link to the programme channel that opens it in Slack.
fn channel_link(cfg: &ProgrammeConfig) -> String {
    format!("<#{}|{}>", cfg.channel, cfg.channel_name)
}

/// The one DM a member gets on leaving the channel: their current pairing
/// (if any) carries on; only future rounds are affected.
pub fn left_channel(cfg: &ProgrammeConfig, partners: &[UserId]) -> Message {
    let current = if partners.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = partners.iter().map(UserId::mention).collect();
        format!(
            " Your current pairing with {} carries on as before: nobody has been told anything.",
            names.join(" and ")
        )
    };
    Message::plain(format!(
        "You've left #{}, so I won't pair you in future rounds.{current} To take part again, \
         rejoin {}.",
        cfg.channel_name,
        channel_link(cfg)
    ))
}

/// Someone outside the programme channel tried to sign up.
pub fn join_channel_first(cfg: &ProgrammeConfig) -> Message {
    Message {
        text: format!(
            "Join #{} first to take part in peer mentoring.",
            cfg.channel_name
        ),
        blocks: vec![
            Block::Section(format!(
                "Hi! 👋 Peer mentoring is for members of {}. Join the channel first, then say \
                 `hi` to me again and I'll sign you up.",
                channel_link(cfg)
            )),
            Block::Buttons(vec![
                Button::new(Action::Resources, "Open the channel").link(&format!(
                    "https://slack.com/app_redirect?channel={}",
                    cfg.channel
                )),
            ]),
        ],
    }
}

/// `opt in` from someone who left the channel.
pub fn rejoin_channel_first(cfg: &ProgrammeConfig) -> Message {
    Message::plain(format!(
        "You left #{}, so to take part again please rejoin {}: I'll welcome you back and you'll \
         be in the next round.",
        cfg.channel_name,
        channel_link(cfg)
    ))
}

pub fn rejoined(cfg: &ProgrammeConfig, now: DateTime<Utc>, profile_is_old: bool) -> Message {
    let check = if profile_is_old {
        " Your profile is a few months old: have a quick look that it's still right."
    } else {
        ""
    };
    Message {
        text: "Welcome back to the programme!".into(),
        blocks: vec![
            Block::Section(format!(
                "Welcome back to #{}! You're in again and confirmed for the next round.{check} {}",
                cfg.channel_name,
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![Button::new(Action::OpenProfile, "Review profile")]),
        ],
    }
}
