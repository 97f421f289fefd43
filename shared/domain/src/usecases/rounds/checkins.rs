//! T+d check-ins: fan-out, the DM and the answer buttons.

use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::CheckinAnswer;
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// T+d: fans out the check-ins of `round`.
    pub(super) async fn start_checkins(&self, round: RoundId, day: u32) -> Result<usize> {
        let events: Vec<BusEvent> = self
            .live_groups(round)
            .await?
            .into_iter()
            .map(|g| BusEvent::Checkin {
                round,
                group: g.number,
                day,
            })
            .collect();
        self.deps.bus.publish(&events).await?;
        self.update_round(round, |r| {
            if !r.checkins_sent.contains(&day) {
                r.checkins_sent.push(day);
            }
        })
        .await?;
        Ok(events.len())
    }

    pub(super) async fn send_checkin(&self, round: RoundId, number: u32, day: u32) -> Result<()> {
        let Some(group) = self.group(round, number).await? else {
            return Ok(());
        };
        if !group.is_live() {
            return Ok(());
        }
        // "Have you met?" is moot for a pair who said so on the nudge; the
        // last check-in (goal, rating) still goes out.
        let last = self.cfg.checkin_days.iter().max() == Some(&day);
        if !last && crate::momentum::met_on_nudge(&group) {
            tracing::info!(round = %round, group = number, day, "check-in skipped: the pair said they met");
            return Ok(());
        }
        for user in group.active_members() {
            let partners: Vec<UserId> = group.partners_of(user).cloned().collect();
            let msg = messages::rounds::checkin(&self.cfg, round, number, day, &partners);
            let msg = self.with_goal_question(user, round, day, msg).await?;
            let msg = self.with_rating_question(round, number, day, msg);
            let key = OnceKey::Checkin {
                round,
                day,
                user: user.clone(),
            };
            self.dm_once(&key, user, &msg).await?;
        }
        Ok(())
    }

    /// A check-in button: `answer` for group `number` of `round`, `day` days in.
    pub(crate) async fn answer_checkin(
        &self,
        user: &UserId,
        answer: CheckinAnswer,
        round: RoundId,
        number: u32,
        day: u32,
    ) -> Result<()> {
        let now = self.now();
        let updated = self
            .update_group(round, number, |g| {
                if g.contains(user) {
                    g.checkins
                        .entry(day)
                        .or_default()
                        .insert(user.clone(), answer);
                    match answer {
                        CheckinAnswer::Unresponsive => {
                            g.unresponsive_reported.entry(user.clone()).or_insert(now);
                        }
                        CheckinAnswer::Met => {
                            g.unresponsive_reported.remove(user);
                        }
                        _ => {}
                    }
                }
            })
            .await?;
        let Some(group) = updated.filter(|g| g.contains(user)) else {
            return self
                .dm(user, &messages::rounds::checkin_for_old_pairing())
                .await;
        };
        self.dm(
            user,
            &messages::rounds::checkin_thanks(&self.cfg, answer, self.cfg.unresponsive_alert_hours),
        )
        .await?;
        if answer == CheckinAnswer::WantOut {
            self.note_moderators(&messages::moderator::wants_out(user, &group))
                .await;
        }
        Ok(())
    }
}
