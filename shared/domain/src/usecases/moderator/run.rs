//! Moderator-requested dry runs and pairing runs, and replying to the
//! moderator where they asked.

use super::SlashReply;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::once_key::OnceKey;
use crate::ports::BusEvent;
use crate::surface::Message;
use crate::usecases::Bot;
use crate::usecases::rounds::RunOutcome;

impl Bot {
    /// Hands the dry run to the scheduler (a large round takes longer than
    /// Slack's 3 s); the result comes back by `response_url` or DM.
    pub(super) async fn request_preview(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        let round = self.round_to_run().await?;
        self.deps
            .bus
            .publish(&[BusEvent::Preview {
                round,
                requested_by: moderator.clone(),
                response_url: response_url.map(str::to_string),
            }])
            .await?;
        Ok(messages::moderator_replies::preview_coming(round).into())
    }

    /// The scheduler computes a preview a moderator asked for and sends it back.
    pub(crate) async fn moderator_preview(
        &self,
        round: RoundId,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<()> {
        let (_, plan) = self.preview_round(round).await?;
        let msg = messages::moderator::preview(&self.cfg, round, &plan);
        self.reply_to_moderator(moderator, response_url, &msg)
            .await?;
        self.audit(
            moderator,
            "preview",
            &[],
            &format!("{} groups", plan.groups.len()),
        )
        .await;
        Ok(())
    }

    /// The round `run`/`preview` act on: the current one if not yet paired, else the next.
    pub(super) async fn round_to_run(&self) -> Result<RoundId> {
        let cur = self.live_round();
        let paired = self.is_paired(cur).await?;
        Ok(if paired { cur.next() } else { cur })
    }

    pub(super) async fn request_run(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        let round = self.round_to_run().await?;
        if round != self.live_round() {
            return Ok(SlashReply {
                message: messages::moderator_confirm::already_paired(
                    &self.cfg,
                    self.live_round(),
                    round,
                ),
            });
        }
        self.deps
            .bus
            .publish(&[BusEvent::RunRound {
                round,
                requested_by: moderator.clone(),
                response_url: response_url.map(str::to_string),
            }])
            .await?;
        self.audit(moderator, "run", &[], &format!("requested {round}"))
            .await;
        Ok(messages::moderator_replies::pairing_now(round).into())
    }

    /// The scheduler runs a round a moderator asked for and reports back.
    pub(crate) async fn moderator_run(
        &self,
        round: RoundId,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<()> {
        let outcome = self.run_round(round).await?;
        let msg = match &outcome {
            RunOutcome::Paired(r) => messages::moderator::run_done(r),
            RunOutcome::AlreadyPaired(r) => {
                messages::moderator_replies::was_already_paired(r.id, r.stats.groups)
            }
            RunOutcome::InProgress => messages::moderator_replies::run_in_progress(round),
        };
        let key = OnceKey::RunReply {
            round,
            moderator: moderator.clone(),
            paired: matches!(outcome, RunOutcome::Paired(_)),
        };
        self.once(&key, || {
            self.reply_to_moderator(moderator, response_url, &msg)
        })
        .await
        .map(|_| ())
    }

    /// Answers a moderator where they asked: the slash command's
    /// `response_url`, or a DM when the request came from a button.
    pub(super) async fn reply_to_moderator(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
        msg: &Message,
    ) -> Result<()> {
        match response_url {
            Some(url) => Ok(self.deps.slack.respond(url, msg).await?),
            None => self.dm(moderator, msg).await,
        }
    }
}
