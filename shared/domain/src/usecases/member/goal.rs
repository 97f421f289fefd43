//! The goal of the month: asked at sign-up and from the "stay in?"
//! question, shown only to the partner in the pairing DM, asked about at the
//! last check-in. The text lives only on the member's own item (deleted
//! with it) and is never logged.

use crate::error::Result;
use crate::goal_form;
use crate::ids::{RoundId, UserId};
use crate::messages::goal as text;
use crate::model::{Goal, GoalOutcome};
use crate::profile_form::{FieldErrors, FormValues};
use crate::surface::{Message, Modal};
use crate::usecases::Bot;

/// What became of a submitted goal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredGoal {
    /// Stored (or cleared) for this round.
    Saved(RoundId),
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

impl Bot {
    /// The goal field at the end of a new member's sign-up form, for the
    /// round they will first be paired in.
    pub(crate) async fn add_signup_goal(&self, modal: &mut Modal) -> Result<()> {
        let round = self.next_pairing_round().await?;
        modal.blocks.push(goal_form::input(round, None));
        Ok(())
    }

    /// The goal typed into the sign-up form, for the first round the member
    /// will be paired in (`Ok(None)`: left empty).
    pub(crate) async fn signup_goal(
        &self,
        values: &FormValues,
    ) -> Result<std::result::Result<Option<Goal>, FieldErrors>> {
        let text = match goal_form::parse(values) {
            Ok(t) => t,
            Err(errors) => return Ok(Err(errors)),
        };
        let Some(text) = text else {
            return Ok(Ok(None));
        };
        Ok(Ok(Some(Goal {
            round: self.next_pairing_round().await?,
            text,
            outcome: None,
        })))
    }

    /// "Add a goal" clicked: opens the goal modal (inline: the trigger is
    /// valid for 3 s), prefilled with the goal already set for `round`.
    pub(crate) async fn open_goal(
        &self,
        user: &UserId,
        round: RoundId,
        trigger: &str,
    ) -> Result<()> {
        if round < self.current_round() {
            return self.dm(user, &text::too_late(round)).await;
        }
        let member = self.deps.members.get(user).await?;
        let current = member
            .as_ref()
            .and_then(|m| m.goal_for(round))
            .map(|g| g.text.as_str());
        let modal = goal_form::modal(round, current);
        self.deps.slack.open_modal(trigger, &modal).await?;
        Ok(())
    }

    /// The goal modal was submitted (inline, no Slack calls): validates and
    /// stores or clears the goal on the member's own item.
    pub async fn store_goal(
        &self,
        user: &UserId,
        values: &FormValues,
        private_metadata: &str,
    ) -> Result<StoredGoal> {
        let Ok(round) = private_metadata.parse::<RoundId>() else {
            return Err(crate::error::Error::Invalid(
                "goal form without a round".into(),
            ));
        };
        let line = match goal_form::parse(values) {
            Ok(line) => line,
            Err(errors) => return Ok(StoredGoal::Rejected(errors)),
        };
        if round < self.current_round() {
            let mut errors = FieldErrors::new();
            errors.insert(goal_form::GOAL.into(), crate::messages::goal::over(round));
            return Ok(StoredGoal::Rejected(errors));
        }
        self.update_member(user, |m| match &line {
            Some(t) => {
                m.goal = Some(Goal {
                    round,
                    text: t.clone(),
                    outcome: None,
                })
            }
            None if m.goal_for(round).is_some() => m.goal = None,
            None => {}
        })
        .await?;
        tracing::info!(user = %user, round = %round, set = line.is_some(), "goal saved");
        Ok(StoredGoal::Saved(round))
    }

    /// Hands the goal's confirmation DM to the scheduler, once per submission.
    pub async fn accept_goal_saved(
        &self,
        user: &UserId,
        round: RoundId,
        view_key: &str,
    ) -> Result<()> {
        let job = crate::ports::Job::GoalSaved {
            user: user.clone(),
            round,
        };
        self.accept_submission(view_key, job).await
    }

    /// The confirmation DM (reads the stored goal: the bus never carries it).
    pub(crate) async fn goal_saved_follow_up(&self, user: &UserId, round: RoundId) -> Result<()> {
        let msg = match &self.goal_of(user, round).await? {
            Some(g) => text::saved(g),
            None => text::cleared(round),
        };
        self.dm(user, &msg).await
    }

    /// "How did your goal go?" answered.
    pub(crate) async fn answer_goal(
        &self,
        user: &UserId,
        round: RoundId,
        outcome: GoalOutcome,
    ) -> Result<()> {
        if self.goal_of(user, round).await?.is_none() {
            return self.dm(user, &text::no_goal_to_rate()).await;
        }
        self.update_member(user, |m| {
            if let Some(g) = m.goal.as_mut().filter(|g| g.round == round) {
                g.outcome = Some(outcome);
            }
        })
        .await?;
        self.dm(user, &text::outcome_noted(outcome)).await
    }

    /// The last check-in of a round also asks how the member's goal went.
    pub(crate) async fn with_goal_question(
        &self,
        user: &UserId,
        round: RoundId,
        day: u32,
        mut msg: Message,
    ) -> Result<Message> {
        if Some(&day) != self.cfg.checkin_days.iter().max() {
            return Ok(msg);
        }
        if let Some(g) = self.goal_of(user, round).await? {
            let at = msg.blocks.len().saturating_sub(1);
            for (i, b) in text::checkin_blocks(&g).into_iter().enumerate() {
                msg.blocks.insert(at + i, b);
            }
        }
        Ok(msg)
    }

    /// `user`'s stored goal for `round`, if they set one.
    async fn goal_of(&self, user: &UserId, round: RoundId) -> Result<Option<Goal>> {
        Ok(self
            .deps
            .members
            .get(user)
            .await?
            .and_then(|m| m.goal_for(round).cloned()))
    }
}
