//! The hourly tick: what the calendar says is due, the outbox re-publish
//! and the alerts about unresponsive partners.

use chrono::Duration;

use super::{ANNOUNCE_RETRY_MINUTES, RunOutcome, TickReport};
use crate::calendar::{self, Due};
use crate::error::Result;
use crate::ids::RoundId;
use crate::messages;
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// The hourly tick: does whatever the calendar says is due.
    pub async fn tick(&self) -> Result<TickReport> {
        let now = self.now();
        let cur_id = calendar::current_round(&self.cfg, now);
        let cur = self.deps.rounds.get(cur_id).await?;
        let next = self.deps.rounds.get(cur_id.next()).await?;
        let due = calendar::due(&self.cfg, now, cur.as_ref(), next.as_ref());
        let mut report = TickReport {
            published: self.recover_from_slack_outage(cur_id).await?,
            ..TickReport::default()
        };
        // Before pairing: a snooze ending on a pairing day is back for it.
        report.published += self.end_snoozes().await?;
        for d in due {
            report.due.push(d.to_string());
            tracing::info!(due = %d, "due");
            report.published += match d {
                Due::Pair(r) => match self.run_round(r).await? {
                    RunOutcome::Paired(round) => {
                        (round.stats.groups + round.stats.unmatched + round.stats.not_confirmed)
                            as usize
                    }
                    _ => 0,
                },
                Due::Reconfirm(r) => self.start_reconfirm(r).await?,
                Due::Remind(r) => self.start_reminders(r).await?,
                Due::Checkin(r, day) => self.start_checkins(r, day).await?,
            };
        }
        report.published += self.alert_unresponsive(cur_id).await?;
        report.published += self.start_momentum(cur_id).await?;
        report.published += self.announce_pending(cur_id).await?;
        Ok(report)
    }

    /// The outbox: re-publishes the live groups of a paired round that were
    /// stored but not yet announced a while ago (the publish after storing
    /// failed, or its delivery never succeeded). The DMs are claimed one by
    /// one, so a group announced meanwhile is not announced twice.
    async fn announce_pending(&self, round: RoundId) -> Result<usize> {
        if !self.is_paired(round).await? {
            // A run in progress (or to resume) publishes its own groups.
            return Ok(0);
        }
        let now = self.now();
        let events: Vec<BusEvent> = self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .filter(|g| g.is_live() || g.dissolved)
            .filter(|g| {
                g.to_announce
                    .is_some_and(|t| now - t >= Duration::minutes(ANNOUNCE_RETRY_MINUTES))
            })
            .map(|g| BusEvent::NotifyGroup {
                round,
                group: g.number,
            })
            .collect();
        if !events.is_empty() {
            tracing::warn!(round = %round, groups = events.len(), "re-publishing unannounced groups");
            self.deps.bus.publish(&events).await?;
        }
        Ok(events.len())
    }

    /// Alerts moderators about "partner not responding" answers older than the configured delay.
    async fn alert_unresponsive(&self, round: RoundId) -> Result<usize> {
        let now = self.now();
        let delay = Duration::hours(self.cfg.unresponsive_alert_hours as i64);
        let mut sent = 0;
        for g in self.deps.rounds.groups(round).await? {
            if !g.is_live() {
                continue;
            }
            for (user, at) in &g.unresponsive_reported {
                if now - *at < delay {
                    continue;
                }
                let name = self.name_of(user).await;
                let msg = messages::moderator::unresponsive_alert(user, name.as_deref(), &g);
                let key = OnceKey::Alert {
                    round,
                    group: g.number,
                    user: user.clone(),
                };
                sent += usize::from(self.tell_moderators_once(&key, &msg).await?);
            }
        }
        Ok(sent)
    }
}
