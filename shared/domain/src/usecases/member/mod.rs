//! The member journey: onboarding, profile, self-service commands, App Home
//! and channel membership, and what members choose for themselves: pausing
//! until a date, a partner now, blocks, goals, feedback, their data.

use crate::action::Action;
use crate::ids::{ChannelId, UserId};
use crate::profile_form::FieldErrors;

mod channel;
mod clicks;
mod commands;
mod feedback;
mod goal;
mod history;
mod home;
mod membership;
mod never_pair;
mod pair_now;
mod privacy;
mod profile;
mod reconfirm;
mod snooze;
mod unresponsive;

pub use feedback::StoredNote;
pub use goal::StoredGoal;

/// Where a member spoke to the bot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A mention in a channel.
    Channel(ChannelId),
    /// A direct message.
    Dm,
}

/// A button click, as the interaction handler hands it over.
#[derive(Debug, Clone)]
pub struct Click {
    pub user: UserId,
    pub action: Action,
    pub trigger_id: Option<String>,
    /// Identifies this click's target (message or view) so a double-click is ignored.
    pub dedupe_key: String,
    pub response_url: Option<String>,
    /// The message the button is on, when Slack sent it (not for App Home
    /// or ephemeral messages): the answer then updates it in place.
    pub message: Option<super::ClickedMessage>,
}

/// What became of a submitted profile form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOutcome {
    Saved,
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

/// What storing a submitted profile did, before its follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredProfile {
    /// Stored; `first_time` when it is the member's first profile.
    Saved { first_time: bool },
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

/// What the interaction handler should answer Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    Done,
    /// A repeat click: nothing done.
    Duplicate,
    /// Not an action we know.
    Unknown,
}

/// Profiles older than this are worth a second look on re-joining.
const OLD_PROFILE_DAYS: i64 = 180;
/// A channel invitation is not repeated within this time.
const INVITE_QUIET_DAYS: i64 = 1;

#[cfg(test)]
mod tests;
