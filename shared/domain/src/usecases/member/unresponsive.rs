//! "My partner isn't responding" and its withdrawal.

use chrono::Duration;

use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
    /// "My partner isn't responding" by DM, any time during a round. The
    /// moderators are alerted by the tick once the configured delay passes.
    pub(super) async fn report_unresponsive(&self, user: &UserId) -> Result<()> {
        let round = self.current_round();
        let Some(g) = self.group_of(user, round).await? else {
            return self
                .dm(user, &messages::rounds::no_partner_to_report())
                .await;
        };
        let now = self.now();
        self.update_group(round, g.number, |g| {
            g.unresponsive_reported.entry(user.clone()).or_insert(now);
        })
        .await?;
        let partners: Vec<UserId> = g.partners_of(user).cloned().collect();
        self.dm(
            user,
            &messages::rounds::unresponsive_noted(self.cfg.unresponsive_alert_hours, &partners),
        )
        .await
    }

    /// "We're talking now": withdraws a report; moderators who were alerted
    /// are told it was withdrawn.
    pub(super) async fn withdraw_unresponsive(&self, user: &UserId) -> Result<()> {
        let round = self.current_round();
        let Some(g) = self.group_of(user, round).await? else {
            return self
                .dm(user, &messages::rounds::nothing_to_withdraw())
                .await;
        };
        let Some(reported) = g.unresponsive_reported.get(user).copied() else {
            return self
                .dm(user, &messages::rounds::nothing_to_withdraw())
                .await;
        };
        self.update_group(round, g.number, |g| {
            g.unresponsive_reported.remove(user);
        })
        .await?;
        let delay = Duration::hours(self.cfg.unresponsive_alert_hours as i64);
        let alerted = self.now() - reported >= delay;
        if alerted {
            let key = OnceKey::AlertWithdrawn {
                round,
                group: g.number,
                user: user.clone(),
            };
            let msg = messages::moderator::unresponsive_withdrawn(user, &g);
            self.tell_moderators_once(&key, &msg).await?;
        }
        self.dm(user, &messages::rounds::unresponsive_withdrawn(alerted))
            .await
    }
}
