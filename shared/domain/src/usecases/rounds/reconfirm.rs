//! T−7 "Stay in?" and the T−2 reminder, fanned out one event per member.

use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{Member, MemberStatus};
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// T−7: asks every active member whether they stay in for `round`
    /// (paused members get a short "still paused" note instead).
    pub(super) async fn start_reconfirm(&self, round: RoundId) -> Result<usize> {
        self.ensure_round(round).await?;
        let sent = self
            .ask_members(
                |m| {
                    m.status == MemberStatus::Paused
                        || (m.status == MemberStatus::Active
                            && !m.confirmations.contains_key(&round))
                },
                |user| BusEvent::Reconfirm { round, user },
            )
            .await?;
        let now = self.now();
        self.update_round(round, |r| {
            r.reconfirm_sent_at.get_or_insert(now);
        })
        .await?;
        Ok(sent)
    }

    /// T−2 (configurable): one reminder to active members who haven't answered.
    pub(super) async fn start_reminders(&self, round: RoundId) -> Result<usize> {
        let sent = self
            .ask_members(
                |m| m.status == MemberStatus::Active && !m.confirmations.contains_key(&round),
                |user| BusEvent::Remind { round, user },
            )
            .await?;
        let now = self.now();
        self.update_round(round, |r| {
            r.reminder_sent_at.get_or_insert(now);
        })
        .await?;
        Ok(sent)
    }

    /// Publishes one event per member in the channel with a profile who
    /// `wanted`; returns how many.
    async fn ask_members(
        &self,
        wanted: impl Fn(&Member) -> bool,
        event: impl Fn(UserId) -> BusEvent,
    ) -> Result<usize> {
        let events: Vec<BusEvent> = self
            .deps
            .members
            .list()
            .await?
            .into_iter()
            .filter(|m| m.in_channel && m.profile.is_some() && wanted(m))
            .map(|m| event(m.id))
            .collect();
        self.deps.bus.publish(&events).await?;
        Ok(events.len())
    }

    pub(super) async fn send_reconfirm(&self, round: RoundId, user: &UserId) -> Result<()> {
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        let msg = match m.status {
            MemberStatus::Paused => match m.paused_until {
                Some(until) => messages::snooze::still_snoozed(
                    &self.cfg,
                    until,
                    round,
                    self.round_back(until) <= round,
                ),
                None => messages::still_paused(&self.cfg, round),
            },
            MemberStatus::Active if !m.confirmations.contains_key(&round) => {
                messages::rounds::reconfirm(&self.cfg, round)
            }
            _ => return Ok(()),
        };
        let key = OnceKey::Reconfirm {
            round,
            user: user.clone(),
        };
        self.dm_once(&key, user, &msg).await.map(|_| ())
    }

    pub(super) async fn send_reminder(&self, round: RoundId, user: &UserId) -> Result<()> {
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        if m.status != MemberStatus::Active || m.confirmations.contains_key(&round) {
            return Ok(());
        }
        let msg = messages::rounds::reminder(&self.cfg, round);
        let key = OnceKey::Remind {
            round,
            user: user.clone(),
        };
        self.dm_once(&key, user, &msg).await.map(|_| ())
    }
}
