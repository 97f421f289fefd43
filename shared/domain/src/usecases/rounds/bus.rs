//! Consuming hand-off work from the bus, and the once-only DM.

use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::usecases::Bot;

impl Bot {
    /// Consumes one piece of hand-off work from the bus. When Slack refuses
    /// the bot's own token the work stops unmarked (the error is returned so
    /// it stays retryable) and the round remembers the outage, so the tick
    /// re-drives its messages once Slack works again.
    pub async fn on_bus_event(&self, event: &BusEvent) -> Result<()> {
        let result = self.handle_bus_event(event).await;
        if let Some(code) = result.as_ref().err().and_then(Error::bot_error_code) {
            tracing::error!(
                code,
                kind = event.detail_type(),
                "Slack refused the bot's token; work kept for retry"
            );
            self.note_slack_outage(self.current_round(), code).await;
        }
        result
    }

    async fn handle_bus_event(&self, event: &BusEvent) -> Result<()> {
        match event {
            BusEvent::NotifyGroup { round, group } => self.notify_group(*round, *group).await,
            BusEvent::NotifyUnpaired { round, user } => self.notify_unpaired(*round, user).await,
            BusEvent::Reconfirm { round, user } => self.send_reconfirm(*round, user).await,
            BusEvent::Remind { round, user } => self.send_reminder(*round, user).await,
            BusEvent::Checkin { round, group, day } => {
                self.send_checkin(*round, *group, *day).await
            }
            BusEvent::ModeratorSummary { round } => self.send_summary(*round).await,
            BusEvent::DeleteMember { user, requested_at } => {
                self.delete_member_data(user, *requested_at).await
            }
            BusEvent::Preview {
                round,
                requested_by,
                response_url,
            } => {
                self.moderator_preview(*round, requested_by, response_url.as_deref())
                    .await
            }
            BusEvent::RunRound {
                round,
                requested_by,
                response_url,
            } => {
                self.moderator_run(*round, requested_by, response_url.as_deref())
                    .await
            }
            BusEvent::Accepted { key, job } => self.run_accepted(key, job).await,
            BusEvent::SnoozeEnded { user, until } => self.snooze_ended(user, *until).await,
            BusEvent::Momentum { round, group } => self.send_momentum(*round, *group).await,
            BusEvent::Highlights { round } => self.post_highlights(*round).await,
        }
    }

    /// Sends one DM at most once; a permanent "can't reach" marks the member
    /// unreachable instead of failing (retrying would not help).
    pub(crate) async fn dm_once(
        &self,
        key: &OnceKey,
        user: &UserId,
        message: &crate::surface::Message,
    ) -> Result<bool> {
        self.once_or_retry(key, || self.dm_or_mark_unreachable(user, message))
            .await
    }

    /// Sends one DM; a permanent "can't reach" marks the member unreachable
    /// instead of failing (retrying would not help).
    pub(crate) async fn dm_or_mark_unreachable(
        &self,
        user: &UserId,
        message: &crate::surface::Message,
    ) -> Result<()> {
        match self.dm(user, message).await {
            Err(Error::Slack(f)) if f.permanent && f.means_unreachable() => {
                self.mark_unreachable(user, &f.code).await
            }
            other => other,
        }
    }
}
