//! Late joiners: paired with someone waiting, or added to a pair as a third.

use super::LATE_TRIO_MIN_SCORE;
use crate::calendar;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{Group, GroupOrigin};
use crate::once_key::OnceKey;
use crate::pairing;
use crate::ports::{BusEvent, GroupWrite};
use crate::usecases::Bot;

impl Bot {
    /// Someone finished onboarding (or confirmed) after pairing: pair them now
    /// if more than half the round is left and someone is waiting.
    pub(crate) async fn late_joiner(&self, user: &UserId) -> Result<()> {
        let now = self.now();
        let round = self.live_round();
        let paired = self.is_paired(round).await?;
        if !paired || self.group_of(user, round).await?.is_some() {
            return Ok(());
        }
        if !calendar::more_than_half_left(&self.cfg, round, now) {
            return self
                .dm_once(
                    &OnceKey::Late {
                        round,
                        user: user.clone(),
                    },
                    user,
                    &messages::pair_now::offer(
                        messages::moderator::late_wait(&self.cfg, now),
                        round,
                    ),
                )
                .await
                .map(|_| ());
        }
        // A partner drafted by someone else at the same moment: look again.
        let mut paired = None;
        for _ in 0..3 {
            let Some(partner) = self.best_waiting_partner(user, round).await? else {
                break;
            };
            let group = self
                .create_group(
                    vec![user.clone(), partner.clone()],
                    GroupOrigin::LateJoin,
                    None,
                )
                .await?;
            if let Some(g) = group {
                paired = Some((partner, g));
                break;
            }
            if self.group_of(user, round).await?.is_some() {
                return Ok(()); // placed by a concurrent run of this very flow
            }
        }
        match paired {
            Some((partner, g)) => {
                self.note_moderators(&messages::moderator::late_paired(user, &partner, g.number))
                    .await;
            }
            None => match self.join_as_third(user, round).await? {
                Some(g) => {
                    self.note_moderators(&messages::moderator::late_trio(user, &g))
                        .await;
                }
                None => {
                    self.dm_once(
                        &OnceKey::Late {
                            round,
                            user: user.clone(),
                        },
                        user,
                        &messages::pair_now::offer(
                            messages::moderator::late_wait(&self.cfg, now),
                            round,
                        ),
                    )
                    .await?;
                    self.note_moderators(&messages::moderator::late_unpaired(user))
                        .await;
                }
            },
        }
        Ok(())
    }

    /// Adds a late joiner to the live pair they fit best, as a trio, when
    /// the fit is good (no repeat, a decent score); notifies the new trio.
    pub(crate) async fn join_as_third(
        &self,
        user: &UserId,
        round: RoundId,
    ) -> Result<Option<Group>> {
        match self.best_pair_for_third(user, round).await? {
            Some((number, fit)) => self.add_third(user, round, number, fit).await,
            None => Ok(None),
        }
    }

    /// The live pair (its number) that `user` fits best as a third, with
    /// the fit, when it is good enough: no repeat, a decent score.
    async fn best_pair_for_third(
        &self,
        user: &UserId,
        round: RoundId,
    ) -> Result<Option<(u32, mentor_matching::GroupFit)>> {
        let now = self.now();
        let Some(profile) = self.deps.members.get(user).await?.and_then(|m| m.profile) else {
            return Ok(None);
        };
        let members = self.deps.members.list().await?;
        let profile_of = |id: &UserId| {
            members
                .iter()
                .find(|m| m.id == *id)
                .and_then(|m| m.profile.as_ref())
                .map(|p| pairing::candidate(id, p, now))
        };
        let pairs: Vec<Group> = self
            .live_groups(round)
            .await?
            .into_iter()
            .filter(|g| g.active_members().count() == 2)
            .filter(|g| welcomes_a_third(g, &members))
            .collect();
        let candidates: Vec<Vec<mentor_matching::Candidate>> = pairs
            .iter()
            .map(|g| g.active_members().filter_map(profile_of).collect())
            .collect();
        let past = self.past_groups(round).await?;
        let fit = mentor_matching::best_group_for(
            &pairing::candidate(user, &profile, now),
            &candidates,
            &pairing::history(round, &past),
            &pairing::exclusions(&members),
            &self.cfg.matching,
        );
        Ok(fit
            .filter(|f| {
                f.score >= LATE_TRIO_MIN_SCORE
                    && !f
                        .reasons
                        .iter()
                        .any(|r| matches!(r, mentor_matching::Reason::MetBefore { .. }))
            })
            .map(|f| (pairs[f.index].number, f)))
    }

    /// Adds `user` to pair `number` and announces the trio. Joining takes
    /// the late joiner's place in the round and re-enters the group into
    /// the outbox, both in the group's conditional write; a pair that
    /// changed meanwhile (now a trio, dissolved) is left alone.
    async fn add_third(
        &self,
        user: &UserId,
        round: RoundId,
        number: u32,
        fit: mentor_matching::GroupFit,
    ) -> Result<Option<Group>> {
        let Some(current) = self.group(round, number).await? else {
            return Ok(None);
        };
        if !current.is_live() || current.active_members().count() != 2 {
            return Ok(None);
        }
        let mut joined = current.clone();
        joined.version += 1;
        joined.members.push(user.clone());
        joined.joined_late = Some(user.clone());
        joined.score += fit.score;
        joined.reasons.extend(fit.reasons);
        joined.to_announce = Some(self.now());
        let write = GroupWrite::update(current, joined.clone());
        if !self.deps.rounds.write_groups(&[write]).await? {
            return Ok(None);
        }
        self.confirm(user, round).await?;
        let event = BusEvent::NotifyGroup {
            round,
            group: number,
        };
        if let Err(e) = self.deps.bus.publish(&[event]).await {
            tracing::warn!(round = %round, group = number, error = %e, "publish failed; left to the outbox");
        }
        Ok(Some(joined))
    }
}

/// Whether a late joiner may join pair `g` as a third: both are still
/// taking part (in the channel and active: someone who left the channel
/// keeps their pair, but it isn't offered to newcomers) and both said a
/// third is welcome (the profile choice).
fn welcomes_a_third(g: &Group, members: &[crate::model::Member]) -> bool {
    g.active_members().all(|u| {
        members.iter().find(|m| m.id == *u).is_some_and(|m| {
            m.in_channel && m.status == crate::model::MemberStatus::Active && m.open_to_third
        })
    })
}
