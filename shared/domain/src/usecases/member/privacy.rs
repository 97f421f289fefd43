//! `delete my data` and "my data": what the bot stores about a member, shown
//! to them or removed. Deletion runs on the bus (the scheduler function), off
//! the click's 3 s, and finds the member's items through the per-member
//! group index, never by scanning the table.

use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::ports::BusEvent;
use crate::usecases::Bot;

/// Attempts at a version-conditional rewrite before giving up (the bus retries).
const REWRITE_ATTEMPTS: usize = 8;

impl Bot {
    /// The member confirmed `delete my data`: hand the work to the bus.
    pub(crate) async fn request_deletion(&self, user: &UserId) -> Result<()> {
        if self.deps.members.get(user).await?.is_none() {
            return self.dm(user, &messages::nothing_to_delete()).await;
        }
        let requested_at = self.now().timestamp_millis();
        self.deps
            .bus
            .publish(&[BusEvent::DeleteMember {
                user: user.clone(),
                requested_at,
            }])
            .await
    }

    /// Deletes everything stored about `user`: their pairing ends (the
    /// partner-left flow), every kept group, round and audit entry that names
    /// them is rewritten without them (version-conditional, so a concurrent
    /// write such as the partner's check-in click can never bring the id
    /// back), other members' exclusion lists drop them, and finally their
    /// member item and index entries go. Safe to rerun: the member item goes
    /// last, so a retry after a failure finds what is left.
    pub async fn delete_member_data(&self, user: &UserId, requested_at: i64) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        if member.is_some() {
            self.member_departed(user).await?;
        }
        // Derived from the request time only: an unkeyed hash of the id could
        // be recomputed from a list of Slack ids and link the tag back to them.
        let replacement = UserId(format!("deleted-{requested_at:x}"));
        for g in self.deps.rounds.groups_of(user).await? {
            self.update_group(g.round, g.number, |g| g.anonymise(user, &replacement))
                .await?;
        }
        for round in self.kept_rounds() {
            self.forget_in_round(round, user).await?;
        }
        self.deps.audit.anonymise(user, &replacement).await?;
        // `exclude` is written on both members, so their own list names everyone whose list names them.
        let excluded = member.map(|m| m.excluded_with).unwrap_or_default();
        for other in &excluded {
            self.update_member(other, |m| m.excluded_with.retain(|x| x != user))
                .await?;
        }
        self.forget_in_member_lists(user).await?;
        self.deps.members.delete(user).await?;
        tracing::info!(user = %user, "member data deleted");
        self.dm_once(
            &crate::OnceKey::Deleted {
                user: user.clone(),
                requested_at,
            },
            user,
            &messages::deleted(),
        )
        .await
        .map(|_| ())
    }

    /// `my data` (command or App Home button): DMs the member everything
    /// stored about them, found through the same index deletion uses.
    pub(crate) async fn send_my_data(&self, user: &UserId) -> Result<()> {
        let msg = match self.deps.members.get(user).await? {
            None => messages::privacy::my_data_none(),
            Some(member) => {
                let member = self.without_expired_feedback(member);
                let groups = self.deps.rounds.groups_of(user).await?;
                messages::privacy::my_data(&member, &groups, self.cfg.retention.months)
            }
        };
        tracing::info!(user = %user, "my data sent");
        self.dm(user, &msg).await
    }

    /// Every round whose items may still be stored: the next one and those
    /// the retention period keeps.
    fn kept_rounds(&self) -> Vec<RoundId> {
        let mut r = self.current_round().next();
        let mut out = Vec::new();
        for _ in 0..=self.cfg.retention.months.saturating_add(1) {
            out.push(r);
            r = r.prev();
        }
        out
    }

    async fn forget_in_round(&self, id: RoundId, user: &UserId) -> Result<()> {
        for _ in 0..REWRITE_ATTEMPTS {
            let Some(round) = self.deps.rounds.get(id).await? else {
                return Ok(());
            };
            if !round.mentions(user) {
                return Ok(());
            }
            let mut next = round.next_version();
            next.forget(user);
            if self.deps.rounds.update(&next).await? {
                return Ok(());
            }
        }
        Err(Error::Conflict(format!("round {id}")))
    }
}
