//! The claim on a group's announcement and its progress, kept on the group
//! item (rules in [`crate::announcement`]): claimed in one write, each sent
//! message recorded in one write, the last one also emptying the outbox.

use chrono::{DateTime, Utc};

use super::UPDATE_ATTEMPTS;
use crate::announcement::{AnnounceClaim, ClaimCheck, Step};
use crate::error::{Error, Result};
use crate::ids::RoundId;
use crate::model::Group;
use crate::ports::GroupWrite;
use crate::usecases::{Bot, STALE_CLAIM_SECONDS};

/// How many times recording a sent message is tried before giving up: the
/// message cannot be unsent, so a transient store error is retried here.
const RECORD_ATTEMPTS: usize = 3;

/// A worker's hold on one group's announcement.
pub(super) struct Held {
    /// The group as this worker last wrote it.
    pub group: Group,
    /// The group version the claim wrote (the claim's identity).
    pub claim: u64,
    /// The outbox mark this announcement answers; cleared at the end only
    /// if nobody set a newer one meanwhile (a late joiner).
    pub announced: Option<DateTime<Utc>>,
}

/// Whether `step` still concerns `group` as last read: a pairing DM only
/// for a member who is still active in it.
pub(super) fn still_wanted(group: &Group, step: &Step) -> bool {
    match step {
        Step::Intro(_) => true,
        Step::Tell(u) => group.active_members().any(|m| m == u),
    }
}

impl Bot {
    /// Claims the announcement of `group` (as just read). `None` when there
    /// is nothing to announce any more; a conflict error while another
    /// worker is announcing it (the delivery is retried, as for a marker in
    /// flight); a claim whose holder is presumed dead is taken over.
    pub(super) async fn claim_announcement(&self, group: Group) -> Result<Option<Held>> {
        let (round, number) = (group.round, group.number);
        let mut current = Some(group);
        for _ in 0..UPDATE_ATTEMPTS {
            let Some(g) = current.take() else {
                return Ok(None);
            };
            if !g.is_live() || g.to_announce.is_none() {
                return Ok(None);
            }
            let now = self.now();
            let stale = chrono::Duration::seconds(STALE_CLAIM_SECONDS);
            match g.announcement.check_claim(now, stale) {
                ClaimCheck::InFlight => {
                    return Err(Error::Conflict(format!(
                        "announcement of group {round}/{number} is in flight"
                    )));
                }
                ClaimCheck::Stale => {
                    tracing::warn!(round = %round, group = number, "taking over a stale announcement");
                }
                ClaimCheck::Free => {}
            }
            let mut next = g.clone();
            next.version += 1;
            next.announcement.claim = Some(AnnounceClaim {
                version: next.version,
                since: now,
            });
            if self
                .deps
                .rounds
                .write_groups(&[GroupWrite::update(g.clone(), next.clone())])
                .await?
            {
                return Ok(Some(Held {
                    claim: next.version,
                    announced: next.to_announce,
                    group: next,
                }));
            }
            current = self.group(round, number).await?;
        }
        Err(Error::Conflict(format!("group {round}/{number}")))
    }

    /// Records that `step` went out (or, with `None`, nothing more) and,
    /// when `last`, ends the announcement: the claim is dropped and the
    /// group leaves the outbox unless it changed meanwhile and waits again.
    /// False when the claim was taken over (the taker finishes the work).
    pub(super) async fn record_announced(
        &self,
        held: &mut Held,
        step: Option<&Step>,
        last: bool,
    ) -> Result<bool> {
        let announced = held.announced;
        let mut failure = None;
        for _ in 0..RECORD_ATTEMPTS {
            match self
                .change_while_held(held, |g| {
                    // Someone who left (or deleted their data) meanwhile is
                    // not written back onto the group.
                    if let Some(s) = step.filter(|s| still_wanted(g, s)) {
                        g.announcement.record(s);
                    }
                    if last {
                        g.announcement.claim = None;
                        if g.to_announce == announced {
                            g.to_announce = None;
                        }
                    }
                })
                .await
            {
                Ok(still_held) => return Ok(still_held),
                Err(e) => {
                    tracing::warn!(error = %e, "recording an announcement step failed; retrying");
                    failure = Some(e);
                }
            }
        }
        Err(failure.unwrap_or_else(|| Error::Store("record announcement".into())))
    }

    /// Drops the claim after a failed send so a retry can carry on at once;
    /// if even that fails the claim goes stale and is taken over.
    pub(super) async fn release_announcement(&self, held: &mut Held) {
        let released = self
            .change_while_held(held, |g| g.announcement.claim = None)
            .await;
        if let Err(e) = released {
            tracing::error!(error = %e, "could not release an announcement claim");
        }
    }

    /// Applies `change` to the group while the claim still holds: a write
    /// conditional on the version last written, re-read after a concurrent
    /// change (a check-in click, a late joiner). False once the claim is gone.
    async fn change_while_held(
        &self,
        held: &mut Held,
        change: impl Fn(&mut Group),
    ) -> Result<bool> {
        let (round, number): (RoundId, u32) = (held.group.round, held.group.number);
        for _ in 0..UPDATE_ATTEMPTS {
            if !held.group.announcement.held_by(held.claim) {
                return Ok(false);
            }
            let mut next = held.group.clone();
            next.version += 1;
            change(&mut next);
            let write = GroupWrite::update(held.group.clone(), next.clone());
            if self.deps.rounds.write_groups(&[write]).await? {
                held.group = next;
                return Ok(true);
            }
            match self.group(round, number).await? {
                Some(g) => held.group = g,
                None => return Ok(false),
            }
        }
        Err(Error::Conflict(format!("group {round}/{number}")))
    }
}
