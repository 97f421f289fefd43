//! The round and its groups in the store: created on first touch, changed
//! with optimistic concurrency, and who is still waiting for a partner.

use super::UPDATE_ATTEMPTS;
use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
use crate::model::{Confirmation, Group, Member, MemberStatus, Round};
use crate::pairing;
use crate::ports::GroupWrite;
use crate::usecases::Bot;

impl Bot {
    /// The groups of `round` that are live (not dissolved, two or more left).
    pub(crate) async fn live_groups(&self, round: RoundId) -> Result<Vec<Group>> {
        let mut groups = self.deps.rounds.groups(round).await?;
        groups.retain(Group::is_live);
        Ok(groups)
    }

    /// The round item, created (with its seed) on first touch.
    pub async fn ensure_round(&self, id: RoundId) -> Result<Round> {
        if let Some(r) = self.deps.rounds.get(id).await? {
            return Ok(r);
        }
        let r = Round::new(id, pairing::seed_for(id), self.now());
        self.deps.rounds.create(&r).await?;
        self.deps
            .rounds
            .get(id)
            .await?
            .ok_or_else(|| Error::Store(format!("round {id} vanished")))
    }

    /// Applies `change` to the round with optimistic concurrency.
    pub(crate) async fn update_round(
        &self,
        id: RoundId,
        change: impl Fn(&mut Round),
    ) -> Result<Round> {
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.ensure_round(id).await?;
            let mut next = current.next_version();
            change(&mut next);
            if self.deps.rounds.update(&next).await? {
                return Ok(next);
            }
        }
        Err(Error::Conflict(format!("round {id}")))
    }

    /// Applies `change` to a group with optimistic concurrency; `None` if absent.
    pub(crate) async fn update_group(
        &self,
        round: RoundId,
        number: u32,
        change: impl Fn(&mut Group),
    ) -> Result<Option<Group>> {
        for _ in 0..UPDATE_ATTEMPTS {
            let Some(current) = self.group(round, number).await? else {
                return Ok(None);
            };
            let mut next = current.clone();
            next.version += 1;
            change(&mut next);
            let write = GroupWrite::update(current, next.clone());
            if self.deps.rounds.write_groups(&[write]).await? {
                return Ok(Some(next));
            }
        }
        Err(Error::Conflict(format!("group {round}/{number}")))
    }

    /// Groups of the past rounds the engine should know about.
    pub(crate) async fn past_groups(&self, round: RoundId) -> Result<Vec<Group>> {
        let mut out = Vec::new();
        let mut r = round.prev();
        for _ in 0..self.cfg.retention.history_rounds(pairing::HISTORY_ROUNDS) {
            out.extend(self.deps.rounds.groups(r).await?);
            r = r.prev();
        }
        Ok(out)
    }

    pub(crate) async fn group(&self, round: RoundId, number: u32) -> Result<Option<Group>> {
        self.deps.rounds.group(round, number).await
    }

    /// Whether `user` is waiting: active, signed up, in the channel and in no live group of `round`.
    pub(crate) async fn waiting_members(&self, round: RoundId) -> Result<Vec<Member>> {
        let paired_at = self.deps.rounds.get(round).await?.and_then(|r| r.paired_at);
        let groups = self.deps.rounds.groups(round).await?;
        let in_group = |u: &UserId| {
            groups
                .iter()
                .any(|g| g.is_live() && g.active_members().any(|m| m == u))
        };
        Ok(self
            .deps
            .members
            .list()
            .await?
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active && m.in_channel && m.profile.is_some())
            // Waiting means wanting a partner this round: confirmed for it,
            // or signed up after it was paired. Skippers and people who
            // never answered are not drafted in.
            .filter(|m| {
                m.is_confirmed_for(round)
                    || m.profile_saved_at
                        .zip(paired_at)
                        .is_some_and(|(saved, paired)| saved >= paired)
            })
            // An explicit Skip wins over a profile edit after pairing.
            .filter(|m| m.confirmations.get(&round) != Some(&Confirmation::Skip))
            .filter(|m| !in_group(&m.id))
            .collect())
    }

    /// Confirms `user` for `round` (used when someone joins late).
    pub(crate) async fn confirm(&self, user: &UserId, round: RoundId) -> Result<()> {
        self.update_member(user, |m| {
            m.confirmations.insert(round, Confirmation::Yes);
        })
        .await
        .map(|_| ())
    }
}
