//! "Find me a partner now": a member waiting in the live round is paired
//! with another waiting member, or joins a pair whose members are both open
//! to a third, or goes on the round's waiting list and the moderators are
//! told. Groups are written with the members' places as conditions, so two
//! waiting members clicking at once end up in one group, never two.

use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages::{self, pair_now};
use crate::model::{Confirmation, GroupOrigin, Member, MemberStatus};
use crate::once_key::OnceKey;
use crate::usecases::Bot;

/// How often to look again when the partner found was taken meanwhile.
const ATTEMPTS: usize = 3;

impl Bot {
    /// The button, clicked by `user` for `round`.
    pub(crate) async fn pair_me_now(&self, user: &UserId, round: RoundId) -> Result<()> {
        let live = self.current_round();
        if round != live {
            return self.dm(user, &pair_now::round_over(round)).await;
        }
        if !self.is_paired(live).await? {
            return self
                .dm(user, &pair_now::not_paired_yet(&self.cfg, live))
                .await;
        }
        if let Some(g) = self.group_of(user, live).await? {
            let partners: Vec<UserId> = g.partners_of(user).cloned().collect();
            return self.dm(user, &pair_now::already_paired(&partners)).await;
        }
        let taking_part = self.deps.members.get(user).await?.is_some_and(|m| {
            m.status == MemberStatus::Active && m.in_channel && m.profile.is_some()
        });
        if !taking_part {
            return self.dm(user, &pair_now::not_taking_part()).await;
        }
        // Asking is a Yes for this round (it overrides an earlier Skip).
        self.confirm(user, live).await?;
        if let Some(partner) = self.pair_with_waiting(user, live).await? {
            return self.leave_waiting_list(live, &[user, &partner]).await;
        }
        if self.group_of(user, live).await?.is_some() {
            // Placed by someone else's click at the same moment.
            return self.leave_waiting_list(live, &[user]).await;
        }
        if let Some(g) = self.join_as_third(user, live).await? {
            self.leave_waiting_list(live, &[user]).await?;
            self.note_moderators(&messages::moderator::late_trio(user, &g))
                .await;
            return Ok(());
        }
        self.put_on_waiting_list(user, live).await
    }

    /// Pairs `user` with the best waiting member; the partner when done.
    async fn pair_with_waiting(&self, user: &UserId, round: RoundId) -> Result<Option<UserId>> {
        for _ in 0..ATTEMPTS {
            let Some(partner) = self.best_waiting_partner(user, round).await? else {
                return Ok(None);
            };
            let members = vec![user.clone(), partner.clone()];
            if let Some(g) = self
                .create_group(members, GroupOrigin::LateJoin, None)
                .await?
            {
                tracing::info!(user = %user, group = g.number, "paired on demand");
                self.note_moderators(&pair_now::paired_note(user, &partner, g.number))
                    .await;
                return Ok(Some(partner));
            }
            if self.group_of(user, round).await?.is_some() {
                return Ok(None);
            }
        }
        Ok(None)
    }

    async fn leave_waiting_list(&self, round: RoundId, users: &[&UserId]) -> Result<()> {
        let listed = self
            .deps
            .rounds
            .get(round)
            .await?
            .is_some_and(|r| r.waiting.iter().any(|w| users.contains(&w)));
        if listed {
            self.update_round(round, |r| r.waiting.retain(|w| !users.contains(&w)))
                .await?;
        }
        Ok(())
    }

    async fn put_on_waiting_list(&self, user: &UserId, round: RoundId) -> Result<()> {
        let r = self
            .update_round(round, |r| {
                if !r.waiting.contains(user) {
                    r.waiting.push(user.clone());
                }
            })
            .await?;
        let position = r.waiting.iter().position(|w| w == user).unwrap_or(0) + 1;
        tracing::info!(user = %user, position, "on the waiting list");
        self.dm(user, &pair_now::on_waiting_list(round, position))
            .await?;
        let key = OnceKey::WaitingList {
            round,
            user: user.clone(),
        };
        let alert = pair_now::waiting_alert(user, round, &r.waiting);
        self.tell_moderators_once(&key, &alert).await.map(|_| ())
    }

    /// The round to offer "Find me a partner now" for: the live round when
    /// it is paired and `member` takes part, didn't skip it and has no group.
    pub(crate) async fn pair_now_offer(
        &self,
        member: &Member,
        live: RoundId,
    ) -> Result<Option<RoundId>> {
        let taking_part = member.status == MemberStatus::Active
            && member.in_channel
            && member.profile.is_some()
            && member.confirmations.get(&live) != Some(&Confirmation::Skip);
        if !taking_part || !self.is_paired(live).await? {
            return Ok(None);
        }
        Ok(self
            .group_of(&member.id, live)
            .await?
            .is_none()
            .then_some(live))
    }

    /// Who is on `round`'s waiting list and still without a group.
    pub(crate) async fn waiting_list(&self, round: RoundId) -> Result<Vec<UserId>> {
        let Some(r) = self.deps.rounds.get(round).await? else {
            return Ok(Vec::new());
        };
        if r.waiting.is_empty() {
            return Ok(Vec::new());
        }
        let groups = self.deps.rounds.groups(round).await?;
        let placed = |u: &UserId| groups.iter().any(|g| g.holders().contains(u));
        Ok(r.waiting.into_iter().filter(|u| !placed(u)).collect())
    }
}
