//! Moderator tools: the `/mentoring` slash command, manual and repair pairing,
//! late joiners, the partner-left flow, stats and export. Every moderator
//! action checks the caller against the configured list and is audited.

use super::Bot;
use crate::ids::{RoundId, UserId};
use crate::model::AuditEntry;
use crate::surface::Message;

#[cfg(test)]
mod alert_tests;
mod buttons;
mod confirm;
mod departures;
mod groups;
mod late_joiners;
mod members;
mod names;
mod pair;
mod refusals;
mod repair;
mod run;
mod slash;

/// A late joiner joins an existing pair only if they fit at least this well
/// (sum of their scores with both; same time zone alone gives about 48).
const LATE_TRIO_MIN_SCORE: i64 = 40;

/// The immediate (ephemeral) answer to a slash command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashReply {
    pub message: Message,
}

impl SlashReply {
    fn text(s: impl Into<String>) -> Self {
        Self {
            message: Message::plain(s),
        }
    }
}

impl From<Message> for SlashReply {
    fn from(message: Message) -> Self {
        Self { message }
    }
}

/// A moderator command that changes state or DMs people: the slash command
/// answers at once and the scheduler does it, replying by `response_url`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "verb", rename_all = "snake_case")]
pub enum ModCommand {
    Pair { a: UserId, b: UserId },
    Repair { user: UserId },
    Unpair { user: UserId },
    Remove { user: UserId },
    Exclude { a: UserId, b: UserId },
    Export,
}

/// What a slash command asks for: an answer now (no Slack calls needed),
/// or work for after the answer.
enum SlashPlan {
    Reply(SlashReply),
    Later(ModCommand),
}

/// Extracts user ids from `<@U123>` / `<@U123|name>` / `U123` tokens.
fn mentioned_users(args: &[&str]) -> std::result::Result<Vec<UserId>, Message> {
    args.iter()
        .map(|a| {
            let inner = a
                .strip_prefix("<@")
                .and_then(|s| s.strip_suffix('>'))
                .map(|s| s.split('|').next().unwrap_or(s))
                .unwrap_or(a);
            if UserId::is_valid(inner) {
                Ok(UserId::new(inner))
            } else {
                Err(crate::messages::moderator_replies::not_a_person(a))
            }
        })
        .collect()
}

/// Whether someone can be paired by hand, and if not, why (for the moderator).
enum Pairable {
    Yes,
    No(String),
}

impl Bot {
    /// Records a moderator action. It runs after the action is done, so a
    /// failed write is logged (and alarmed on) but never undoes the reply.
    async fn audit(&self, moderator: &UserId, action: &str, targets: &[UserId], outcome: &str) {
        tracing::info!(moderator = %moderator, action, targets = ?targets, "moderator action");
        let entry = AuditEntry {
            at: self.now(),
            moderator: moderator.clone(),
            action: action.into(),
            targets: targets.to_vec(),
            outcome: outcome.into(),
        };
        if let Err(e) = self.deps.audit.record(&entry).await {
            tracing::error!(moderator = %moderator, action, error = %e, "audit write failed");
        }
    }

    /// The round moderators act on: the current one.
    fn live_round(&self) -> RoundId {
        self.current_round()
    }
}

#[cfg(test)]
mod tests;
