//! Momentum: the tick hands each new pair's nudge to the bus once it is due;
//! the bus handler posts it in the group DM once (skipping pairs who already
//! said they scheduled or met); the buttons record the answer on the group.

use crate::action::MomentumAnswer;
use crate::error::Result;
use crate::first_slot::{self, DAYTIME};
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::messages::momentum::Who;
use crate::model::Member;
use crate::momentum::{already_going, nudge_due};
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// The tick: publishes the nudge of every live group of `round` whose
    /// day has come, that was not nudged yet and hasn't said it's going.
    pub(crate) async fn start_momentum(&self, round: RoundId) -> Result<usize> {
        let Some(day) = self.cfg.momentum_day else {
            return Ok(0);
        };
        let Some(paired_at) = self.deps.rounds.get(round).await?.and_then(|r| r.paired_at) else {
            return Ok(0);
        };
        let now = self.now();
        let events: Vec<BusEvent> = self
            .live_groups(round)
            .await?
            .into_iter()
            .filter(|g| !g.momentum.nudged && !already_going(g))
            .filter(|g| nudge_due(day, g.formed_at.unwrap_or(paired_at), now))
            .map(|g| BusEvent::Momentum {
                round,
                group: g.number,
            })
            .collect();
        self.deps.bus.publish(&events).await?;
        Ok(events.len())
    }

    /// The bus handler: the nudge in the group DM, at most once per group.
    pub(crate) async fn send_momentum(&self, round: RoundId, number: u32) -> Result<()> {
        let Some(group) = self.group(round, number).await? else {
            return Ok(());
        };
        if group.is_live() && !group.momentum.nudged && !already_going(&group) {
            let mut members: Vec<Member> = Vec::new();
            for id in group.active_members() {
                if let Some(m) = self.deps.members.get(id).await? {
                    members.push(m);
                }
            }
            let who: Vec<Who<'_>> = members
                .iter()
                .map(|m| Who {
                    id: &m.id,
                    timezone: m.profile.as_ref().map_or("UTC", |p| p.timezone.as_str()),
                })
                .collect();
            let zones: Vec<_> = who.iter().map(|w| first_slot::zone(w.timezone)).collect();
            let slot = first_slot::first_slot(&zones, self.now(), DAYTIME);
            let msg = messages::momentum::nudge(round, number, &who, slot);
            let ids: Vec<UserId> = members.iter().map(|m| m.id.clone()).collect();
            let key = OnceKey::Momentum {
                round,
                group: number,
            };
            self.once_or_retry(&key, || async {
                self.group_dm(&ids, &msg).await.map(|_| ())
            })
            .await?;
            tracing::info!(round = %round, group = number, "momentum nudge sent");
        }
        // Sent, or not needed: the tick stops looking at this group.
        self.update_group(round, number, |g| g.momentum.nudged = true)
            .await?;
        Ok(())
    }

    /// "We've scheduled" / "We've met": stored on the group and shown to
    /// everyone in the group DM.
    pub(crate) async fn answer_momentum(
        &self,
        user: &UserId,
        answer: MomentumAnswer,
        round: RoundId,
        number: u32,
    ) -> Result<()> {
        let updated = self
            .update_group(round, number, |g| {
                if g.active_members().any(|m| m == user) {
                    g.momentum.record(user, answer);
                }
            })
            .await?;
        let Some(group) = updated.filter(|g| g.is_live() && g.active_members().any(|m| m == user))
        else {
            return self.dm(user, &messages::momentum::not_your_group()).await;
        };
        let noted = messages::momentum::noted(user, answer);
        // Clicked on the nudge: the nudge itself now says it, for both.
        if let Some(done) = self.answer_group_in_place(user, &noted).await {
            return done;
        }
        let members: Vec<UserId> = group.active_members().cloned().collect();
        self.group_dm(&members, &noted).await.map(|_| ())
    }
}
