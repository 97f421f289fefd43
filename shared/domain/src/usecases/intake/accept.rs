//! Ack first: an HTTP function verifies and parses a Slack request, takes
//! its once-only claim, hands the typed work to the bus and answers; the
//! scheduler function does the work (every Slack call) after the answer.

use chrono::Duration;

use crate::error::Result;
use crate::ids::UserId;
use crate::once_key::OnceKey;
use crate::ports::{BusEvent, Claim, Job};
use crate::usecases::{Action, Bot, Click};

impl Bot {
    /// Claims `key` for `ttl` and publishes `job` for the scheduler. True when
    /// accepted, false for a duplicate (already handed over). If the publish
    /// fails the claim is released and the error returned, so the caller
    /// answers 500 and Slack retries.
    pub async fn accept(&self, key: &OnceKey, ttl: Duration, job: Job) -> Result<bool> {
        let now = self.now();
        let rendered = key.render();
        let (token, since) = match self.deps.ledger.claim(&rendered, now, ttl).await? {
            Claim::Done => return Ok(false),
            Claim::New(token) => (Some(token), now),
            // An earlier attempt died between claiming and handing over (or
            // is handing over now): hand over again under the same work key;
            // the worker's own claim turns the two deliveries into one.
            Claim::InProgress(since) => (None, since),
        };
        let event = BusEvent::Accepted {
            key: format!("{rendered}@{}", since.timestamp_millis()),
            job,
        };
        if let Err(e) = self.deps.bus.publish(&[event]).await {
            if let Some(token) = &token
                && let Err(release) = self.deps.ledger.release(&rendered, token).await
            {
                tracing::error!(kind = key.kind(), error = %release, "could not release a claim");
            }
            return Err(e);
        }
        if let Some(token) = &token {
            self.deps.ledger.complete(&rendered, token).await?;
        }
        Ok(true)
    }

    /// Accepts a Slack event (Events API `event_id`).
    pub async fn accept_event(&self, event_id: &str, job: Job) -> Result<bool> {
        let key = OnceKey::Event {
            event_id: event_id.to_string(),
        };
        self.accept(&key, Duration::days(crate::usecases::MARKER_DAYS), job)
            .await
    }

    /// Hands over the follow-up of a stored profile (the confirmation DM, a
    /// late join) once per submitted view.
    pub async fn accept_profile_saved(
        &self,
        user: &UserId,
        first_time: bool,
        view_key: &str,
    ) -> Result<()> {
        let job = Job::ProfileSaved {
            user: user.clone(),
            first_time,
        };
        self.accept_submission(view_key, job).await
    }

    /// Hands over the follow-up of a submitted form (its confirmation DM)
    /// once per submitted view: Slack may deliver a submission twice.
    pub(crate) async fn accept_submission(&self, view_key: &str, job: Job) -> Result<()> {
        let key = OnceKey::View {
            submission: view_key.to_string(),
        };
        self.accept(&key, Duration::days(1), job).await.map(|_| ())
    }

    /// The scheduler's side: does accepted work once per work key. A claim
    /// still in flight fails so the platform retries it later.
    pub async fn run_accepted(&self, key: &str, job: &Job) -> Result<()> {
        let key = OnceKey::Work {
            accepted: key.to_string(),
        };
        self.once_or_retry(&key, || self.do_job(job))
            .await
            .map(|_| ())
    }

    async fn do_job(&self, job: &Job) -> Result<()> {
        match job {
            Job::Message {
                user,
                origin,
                command,
            } => self.on_command(user, origin.clone(), command.clone()).await,
            Job::Joined { user, channel } => self.on_member_joined(user, channel).await,
            Job::Left { user, channel } => self.on_member_left(user, channel).await,
            Job::HomeOpened { user } => self.on_home_opened(user).await,
            Job::Click {
                user,
                action_id,
                value,
                response_url,
                message,
            } => {
                let action = Action::decode(action_id, value);
                let message = match message.as_deref() {
                    Some(m) => Some(self.with_goals(user, &action, m.clone()).await?),
                    None => None,
                };
                let click = Click {
                    user: user.clone(),
                    action,
                    trigger_id: None,
                    dedupe_key: String::new(),
                    response_url: response_url.clone(),
                    message,
                };
                self.apply_in_place(&click).await?;
                if !click.action.is_moderator() {
                    self.refresh_home(user).await;
                }
                Ok(())
            }
            Job::ProfileSaved { user, first_time } => {
                self.profile_saved_follow_up(user, *first_time).await
            }
            Job::GoalSaved { user, round } => self.goal_saved_follow_up(user, *round).await,
            Job::FeedbackNoteSaved { user, round } => {
                self.feedback_note_follow_up(user, *round).await
            }
            Job::Moderator {
                user,
                command,
                response_url,
            } => {
                self.run_mod_command(user, command, response_url.as_deref())
                    .await
            }
        }
    }
}
