//! A round: its state machine, seed, counters and lists.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{RoundId, UserId};

/// A round's life, in order. Transitions only go forward, one step at a time,
/// guarded by a conditional write, so two runners never both pair a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Created; reconfirmation DMs may be going out.
    Open,
    /// Someone claimed the pairing run (at `pairing_started_at`).
    Pairing,
    /// Groups are stored; notifications are (being) fanned out.
    Paired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub state: RoundState,
    /// Seed for tie-breaks, so a preview equals the run.
    pub seed: u64,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub paired_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub pairing_started_at: Option<DateTime<Utc>>,
    /// The run's groups and unmatched list are stored; from here on a
    /// resumed run re-announces them instead of planning again.
    #[serde(default)]
    pub plan_stored: bool,
    /// Counters for the moderators' summary.
    #[serde(default)]
    pub stats: RoundStats,
    /// Members left unpaired, with why.
    #[serde(default)]
    pub unmatched: Vec<(UserId, UnmatchedWhy)>,
    /// Members who did not confirm (or skipped), told so at pairing time.
    #[serde(default)]
    pub not_confirmed: Vec<UserId>,
    /// When the "stay in?" DMs were fanned out.
    #[serde(default)]
    pub reconfirm_sent_at: Option<DateTime<Utc>>,
    /// When the "you haven't answered yet" reminders were fanned out.
    #[serde(default)]
    pub reminder_sent_at: Option<DateTime<Utc>>,
    /// Check-in days already fanned out.
    #[serde(default)]
    pub checkins_sent: Vec<u32>,
    /// Slack refused the bot's own token during this round's work: since
    /// when, and its error code. The tick re-drives the round's messages
    /// once Slack works again.
    #[serde(default)]
    pub slack_outage: Option<(DateTime<Utc>, String)>,
    /// Optimistic-concurrency version, bumped on every update.
    #[serde(default)]
    pub version: u64,
    /// Members who asked for a partner now and found nobody free: the
    /// waiting list the moderators see, in the order they asked.
    #[serde(default)]
    pub waiting: Vec<UserId>,
}

impl Round {
    pub fn new(id: RoundId, seed: u64, now: DateTime<Utc>) -> Self {
        Self {
            id,
            state: RoundState::Open,
            seed,
            created_at: now,
            paired_at: None,
            pairing_started_at: None,
            plan_stored: false,
            stats: RoundStats::default(),
            unmatched: Vec::new(),
            not_confirmed: Vec::new(),
            reconfirm_sent_at: None,
            reminder_sent_at: None,
            checkins_sent: Vec::new(),
            slack_outage: None,
            version: 0,
            waiting: Vec::new(),
        }
    }

    /// Whether the round's lists name `user`.
    pub fn mentions(&self, user: &UserId) -> bool {
        self.unmatched.iter().any(|(u, _)| u == user)
            || self.not_confirmed.contains(user)
            || self.waiting.contains(user)
    }

    /// Removes `user` from the round's lists (the counters stay): nothing
    /// else refers to those entries, so a deleted member's place goes entirely.
    pub fn forget(&mut self, user: &UserId) {
        self.unmatched.retain(|(u, _)| u != user);
        self.not_confirmed.retain(|u| u != user);
        self.waiting.retain(|u| u != user);
    }

    /// A copy ready to be written with [`crate::ports::Rounds::update`].
    pub fn next_version(&self) -> Self {
        let mut r = self.clone();
        r.version += 1;
        r
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundStats {
    pub eligible: u32,
    pub groups: u32,
    pub trios: u32,
    pub unmatched: u32,
    pub not_confirmed: u32,
    pub repeats: u32,
}

pub use mentor_matching::UnmatchedReason as UnmatchedWhy;
