//! The member's profile answers, shown back to them.

use chrono::{DateTime, Utc};

use super::next_round_line;
use crate::action::Action;
use crate::config::ProgrammeConfig;
use crate::model::Profile;
use crate::surface::{Block, Button, Message};

pub fn profile_summary(p: &Profile) -> String {
    format!(
        "• Time zone: {}\n• Topics: {}\n• Can offer: {}\n• Wants to grow in: {}\n• Experience: {}\n• Meets by: {}, {}",
        p.timezone,
        p.interests.join(", "),
        p.offers.join(", "),
        p.wants.join(", "),
        p.experience.label(),
        p.mode.label(),
        p.frequency.label(),
    )
}

pub fn profile_saved(
    cfg: &ProgrammeConfig,
    profile: &Profile,
    first_time: bool,
    now: DateTime<Utc>,
) -> Message {
    let headline = if first_time {
        "You're in! 🎉 Your profile is saved and you're confirmed for the next round."
    } else {
        "Your profile is updated."
    };
    Message {
        text: headline.into(),
        blocks: vec![
            Block::Section(headline.into()),
            Block::Section(profile_summary(profile)),
            Block::Section(next_round_line(cfg, now)),
            Block::Buttons(vec![Button::new(Action::OpenProfile, "Edit profile")]),
        ],
    }
}

/// `profile`: the answers, with a button to edit them.
pub fn profile_view(p: &Profile) -> Message {
    Message {
        text: "Your mentoring profile".into(),
        blocks: vec![
            Block::Section(format!("*Your profile*\n{}", profile_summary(p))),
            Block::Buttons(vec![
                Button::new(Action::OpenProfile, "Edit profile").primary(),
            ]),
        ],
    }
}

/// Shown on the form's time-zone field when storing the profile failed for
/// a reason that may pass (the store was busy): the answers stay in the form.
pub fn profile_save_failed() -> &'static str {
    "Sorry, something went wrong saving your profile. Please try again in a moment."
}
