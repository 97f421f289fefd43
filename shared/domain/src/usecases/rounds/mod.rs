//! Monthly rounds: the tick, reconfirmation, the pairing run, notification
//! fan-out and consumption, and check-ins. Every send is guarded by a
//! once-only marker (a group's announcement by its progress on the group
//! item, see `announce.rs`), and the round item is a small state machine, so
//! a duplicate tick, a Lambda retry or a crash halfway never pairs twice or
//! DMs twice.

use crate::model::Round;

mod announce;
#[cfg(test)]
mod announce_tests;
mod bus;
mod checkins;
mod highlights;
mod momentum;
mod notify;
mod outage;
mod reconfirm;
mod run;
mod state;
mod tick;

/// What a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub due: Vec<String>,
    pub published: usize,
}

/// What asking for a pairing run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// This call paired the round.
    Paired(Round),
    /// The round was already paired.
    AlreadyPaired(Round),
    /// Another run is in progress.
    InProgress,
}

/// A pairing run older than this is presumed dead and may be resumed.
const STALE_RUN_MINUTES: i64 = 15;
/// A group stored this long ago and still not announced is re-published by
/// the tick (longer than a delivery and its retries normally take).
const ANNOUNCE_RETRY_MINUTES: i64 = 30;
/// How many times to retry an optimistic update before giving up.
const UPDATE_ATTEMPTS: usize = 8;

#[cfg(test)]
mod tests;
