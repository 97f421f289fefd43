//! First contact: help, the welcome, and answers before signing up.

use chrono::{DateTime, Utc};

use super::{never_pair, next_round_line, resources_button};
use crate::action::Action;
use crate::commands::Command;
use crate::config::ProgrammeConfig;
use crate::surface::{Block, Button, Message};

const COMMANDS: &str = "• `status`: where you stand and who your partner is\n\
• `profile`: see and edit your answers\n\
• `skip`: skip the next round only\n\
• `pause` / `resume`: no pairing at all until you say `resume`\n\
• `pause until March` (or a date like 2027-03-01, or `pause for 2 months`): back automatically that day\n\
• `my partner isn't responding` (and `we're talking now` to take it back)\n\
• `block @name` / `unblock @name`: never be paired with someone (private: they're never told)\n\
• `opt out` / `opt in`: leave the programme, or come back\n\
• `my data`: everything I store about you, in a DM\n\
• `delete my data`: remove your profile for good\n\
• `help`: this list";

pub fn help(cfg: &ProgrammeConfig, is_moderator: bool) -> Message {
    let mut blocks = vec![Block::Section(format!(
        "*How peer mentoring works*\nEvery month I pair everyone who is in with a new partner from \
         #{channel}: someone whose strengths match what you want to grow in, and the other way \
         round. There are no fixed mentor or mentee roles: you both learn. A week before each \
         round I ask whether you want to stay in.",
        channel = cfg.channel_name
    ))];
    blocks.push(Block::Section(format!(
        "*Things you can say to me* (here or by mentioning me):\n{COMMANDS}"
    )));
    blocks.extend(super::highlights::help_line(cfg));
    if is_moderator {
        blocks.push(Block::Context(
            "You're a moderator: `/mentoring help` lists the moderator commands.".into(),
        ));
    }
    blocks.push(Block::Buttons(vec![
        Button::new(Action::OpenProfile, "Edit my profile"),
        resources_button(cfg),
    ]));
    Message {
        text: "Here's what I can do.".into(),
        blocks,
    }
}

pub fn unknown_command(cfg: &ProgrammeConfig) -> Message {
    let mut m = help(cfg, false);
    m.text = "Sorry, I didn't catch that. Here's what I understand.".into();
    m.blocks.insert(0, Block::Section(m.text.clone()));
    m
}

pub fn welcome(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    Message {
        text: "Welcome to peer mentoring! Set up your profile to be paired.".into(),
        blocks: vec![
            Block::Header("Welcome to peer mentoring 👋".into()),
            Block::Section(format!(
                "Every month I pair members of #{} with a new partner with complementary skills \
                 and experience. There are no fixed mentor or mentee roles: each of you brings \
                 something and takes something away.",
                cfg.channel_name
            )),
            Block::Section(format!(
                "To join, answer a few questions (two minutes). {}",
                next_round_line(cfg, now)
            )),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Set up my profile").primary(),
                resources_button(cfg),
            ]),
            Block::Context("Say `help` any time to see what I can do.".into()),
        ],
    }
}

pub fn not_signed_up(cfg: &ProgrammeConfig, now: DateTime<Utc>) -> Message {
    let mut m = welcome(cfg, now);
    m.text = "You haven't set up your mentoring profile yet.".into();
    m.blocks[0] = Block::Section(m.text.clone());
    m
}

/// The ephemeral answer to a signed-up member's mention in a channel: says
/// what was actually sent by DM.
pub fn answered_in_dm(command: &Command) -> Message {
    Message::plain(match command {
        Command::Hello | Command::Status => {
            "You're already signed up. I've sent you your status by DM. 👍"
        }
        Command::Help => "I've sent you the list of things I can do by DM. 👍",
        Command::Unknown => {
            "I didn't catch that, so I've sent you the list of things I understand by DM."
        }
        Command::Profile => "I've sent you your profile by DM, with a button to edit it.",
        Command::OptOut => "I've sent you a DM to confirm that you want to opt out.",
        Command::DeleteMyData => "I've sent you a DM to confirm deleting your data.",
        Command::MyData => "I've sent you what I store about you by DM.",
        Command::Block(_) | Command::Unblock(_) => never_pair::answered_in_dm(),
        Command::Pause
        | Command::PauseUntil(_)
        | Command::Resume
        | Command::OptIn
        | Command::Skip
        | Command::PartnerUnresponsive
        | Command::PartnerResponding
        | Command::NameInHighlights(_) => "Done: I've sent you the details by DM. 👍",
    })
}

/// The ephemeral answer to a mention from someone not signed up yet: the
/// form went to their DMs.
pub fn sign_up_sent_by_dm() -> Message {
    Message::plain("Hi! 👋 I've sent you a DM with a short form to join peer mentoring.")
}

/// When a request failed for a reason that may pass: nothing was done.
pub fn try_again_later() -> &'static str {
    "Sorry, that didn't work. Please try again in a moment."
}
