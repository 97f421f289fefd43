//! When Slack refuses the bot's token: remember it, and re-drive the
//! round's messages once Slack works again.

use crate::error::Result;
use crate::ids::RoundId;
use crate::messages;
use crate::model::{MemberStatus, Round, RoundState};
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    pub(super) async fn note_slack_outage(&self, round: RoundId, code: &str) {
        let now = self.now();
        let noted = self
            .update_round(round, |r| {
                if r.slack_outage.is_none() {
                    r.slack_outage = Some((now, code.to_string()));
                }
            })
            .await;
        if let Err(e) = noted {
            tracing::error!(error = %e, "could not record the Slack outage");
        }
    }

    /// After the bot's token failed: once `auth.test` passes again, every
    /// message of the round (and the next round's reminders) is published
    /// again; each is claimed per person, so only what was not delivered
    /// goes out. The moderators are told once. While Slack still refuses
    /// the token, the tick stops here with that error (the alarm).
    pub(super) async fn recover_from_slack_outage(&self, current: RoundId) -> Result<usize> {
        let mut published = 0;
        for id in [current.prev(), current] {
            let Some(round) = self.deps.rounds.get(id).await? else {
                continue;
            };
            let Some((since, code)) = round.slack_outage.clone() else {
                continue;
            };
            self.deps.slack.auth_test().await?;
            let events = self.redrive_events(&round).await?;
            self.deps.bus.publish(&events).await?;
            published += events.len();
            self.update_round(id, |r| r.slack_outage = None).await?;
            tracing::warn!(round = %id, code, republished = events.len(), "Slack works again; messages re-driven");
            let key = OnceKey::SlackBack {
                since: since.timestamp_millis(),
            };
            let msg = messages::moderator::slack_back(&code, since, events.len());
            self.tell_moderators_once(&key, &msg).await?;
        }
        Ok(published)
    }

    /// Every message a round may have sent so far (each guarded per person).
    async fn redrive_events(&self, round: &Round) -> Result<Vec<BusEvent>> {
        let id = round.id;
        let mut events = Vec::new();
        if round.state == RoundState::Paired {
            for g in self.deps.rounds.groups(id).await? {
                if !g.is_live() {
                    continue;
                }
                events.push(BusEvent::NotifyGroup {
                    round: id,
                    group: g.number,
                });
                for day in &round.checkins_sent {
                    events.push(BusEvent::Checkin {
                        round: id,
                        group: g.number,
                        day: *day,
                    });
                }
            }
            events.extend(
                round
                    .unmatched
                    .iter()
                    .map(|(u, _)| u)
                    .chain(round.not_confirmed.iter())
                    .map(|u| BusEvent::NotifyUnpaired {
                        round: id,
                        user: u.clone(),
                    }),
            );
            events.push(BusEvent::ModeratorSummary { round: id });
        }
        let next = id.next();
        if self
            .deps
            .rounds
            .get(next)
            .await?
            .is_some_and(|r| r.reconfirm_sent_at.is_some())
        {
            events.extend(
                self.deps
                    .members
                    .list()
                    .await?
                    .into_iter()
                    .filter(|m| m.status == MemberStatus::Active && m.in_channel)
                    .filter(|m| !m.confirmations.contains_key(&next))
                    .map(|m| BusEvent::Reconfirm {
                        round: next,
                        user: m.id,
                    }),
            );
        }
        Ok(events)
    }
}
