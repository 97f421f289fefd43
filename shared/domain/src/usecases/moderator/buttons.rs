//! Moderator buttons: the App Home section and the Re-pair alerts.

use super::SlashReply;
use crate::action::ModeratorAction;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::surface::Block;
use crate::usecases::Bot;

impl Bot {
    /// Moderator section of the App Home.
    pub(crate) async fn moderator_home_blocks(&self) -> Result<Vec<Block>> {
        let stats = self.stats_message(false).await?.blocks;
        Ok(messages::moderator_replies::home_tools(stats))
    }

    /// Moderator buttons (App Home, partner-left DM).
    pub(crate) async fn moderator_button(
        &self,
        moderator: &UserId,
        action: &ModeratorAction,
        response_url: Option<&str>,
    ) -> Result<()> {
        let reply = match action {
            ModeratorAction::Preview => self.slash_command(moderator, "preview", None).await?,
            ModeratorAction::Run => self.slash_command(moderator, "run", response_url).await?,
            ModeratorAction::Stats => self.slash_command(moderator, "stats", None).await?,
            ModeratorAction::Repair { round, group, user } => {
                self.repair_from_alert(moderator, *round, *group, user)
                    .await?
            }
            ModeratorAction::ConfirmRun { .. }
            | ModeratorAction::Unpair { .. }
            | ModeratorAction::Remove { .. } => {
                return self
                    .confirmation_clicked(moderator, action, response_url)
                    .await;
            }
        };
        self.dm(moderator, &reply.message).await
    }

    /// A Re-pair alert's button: acts once, whoever clicks and whenever. The
    /// first click marks the alert handled on its group (a versioned write,
    /// so of two clicks at once exactly one wins) and re-pairs; later clicks
    /// are told who handled it. An alert from a round that is over changes
    /// nothing in the current one.
    async fn repair_from_alert(
        &self,
        moderator: &UserId,
        round: RoundId,
        group: u32,
        user: &UserId,
    ) -> Result<SlashReply> {
        if !self.cfg.is_moderator(moderator) {
            return Ok(SlashReply {
                message: messages::moderator::not_a_moderator(&self.cfg),
            });
        }
        if round != self.live_round() {
            return Ok(SlashReply {
                message: messages::moderator::alert_from_old_round(user, round),
            });
        }
        let won = std::sync::atomic::AtomicBool::new(false);
        let marked = self
            .update_group(round, group, |g| {
                let first = !g.alerts_handled.contains_key(user);
                if first {
                    g.alerts_handled.insert(user.clone(), moderator.clone());
                }
                won.store(first, std::sync::atomic::Ordering::SeqCst);
            })
            .await?;
        let Some(marked) = marked else {
            return Ok(SlashReply {
                message: messages::moderator::alert_from_old_round(user, round),
            });
        };
        if !won.load(std::sync::atomic::Ordering::SeqCst) {
            let by = marked.alerts_handled.get(user).unwrap_or(moderator);
            return Ok(SlashReply {
                message: messages::moderator::alert_already_handled(user, by),
            });
        }
        match self.repair(moderator, user).await {
            Ok(reply) => Ok(reply),
            Err(e) => {
                // Not done: the alert stays open for the next click.
                self.update_group(round, group, |g| {
                    if g.alerts_handled.get(user) == Some(moderator) {
                        g.alerts_handled.remove(user);
                    }
                })
                .await?;
                Err(e)
            }
        }
    }
}
