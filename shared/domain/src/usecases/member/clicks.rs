//! Button clicks: deduplicated and acknowledged first, then applied.

use super::{ActionOutcome, Click};
use crate::action::Action;
use crate::error::Result;
use crate::messages;
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
    /// What a click needs before any once-only work: the inline answer for
    /// the profile button (`views.open` must use the trigger within 3 s),
    /// nothing for link buttons and unknown actions, else its dedupe key.
    async fn click_kind(
        &self,
        click: &Click,
    ) -> Result<std::result::Result<OnceKey, ActionOutcome>> {
        let user = &click.user;
        match &click.action {
            // Opening a modal must work every time (the person may have closed it).
            Action::OpenProfile => {
                return match &click.trigger_id {
                    Some(t) => self
                        .open_profile(user, t)
                        .await
                        .map(|_| Err(ActionOutcome::Done)),
                    None => Ok(Err(ActionOutcome::Unknown)),
                };
            }
            Action::OpenGoal { round } => {
                return match &click.trigger_id {
                    Some(t) => self
                        .open_goal(user, *round, t)
                        .await
                        .map(|_| Err(ActionOutcome::Done)),
                    None => Ok(Err(ActionOutcome::Unknown)),
                };
            }
            Action::OpenFeedbackNote { round } => {
                return match &click.trigger_id {
                    Some(t) => self
                        .open_feedback_note(user, *round, t)
                        .await
                        .map(|_| Err(ActionOutcome::Done)),
                    None => Ok(Err(ActionOutcome::Unknown)),
                };
            }
            // Link buttons still call back; nothing to do.
            Action::Resources | Action::OpenGroupDm => return Ok(Err(ActionOutcome::Done)),
            Action::Unknown { action_id } => {
                tracing::debug!(action_id, "unknown action");
                return Ok(Err(ActionOutcome::Unknown));
            }
            _ => {}
        }
        // An answer to "stay in?" may change any number of times until
        // pairing: the key carries the member's choice count, so only a
        // repeat of the same click on the same state is a double-click.
        let target = if matches!(click.action, Action::Reconfirm { .. }) {
            let n = self.deps.members.get(user).await?.map_or(0, |m| m.choices);
            format!("{}~{n}", click.dedupe_key)
        } else {
            click.dedupe_key.clone()
        };
        let (action_id, value) = click.action.encode();
        Ok(Ok(OnceKey::Click {
            user: user.clone(),
            action_id: action_id.to_string(),
            value,
            target,
        }))
    }

    /// A button click, ack first: deduplicated and handed to the scheduler
    /// (only the profile button's `views.open` happens inline).
    pub async fn accept_action(&self, click: &Click) -> Result<ActionOutcome> {
        let key = match self.click_kind(click).await? {
            Ok(key) => key,
            Err(outcome) => return Ok(outcome),
        };
        let window = chrono::Duration::minutes(crate::usecases::CLICK_WINDOW_MINUTES);
        let (action_id, value) = click.action.encode();
        let job = crate::ports::Job::Click {
            user: click.user.clone(),
            action_id: action_id.to_string(),
            value,
            response_url: click.response_url.clone(),
            // No goal text on the bus: the scheduler renders it again.
            message: click.message.as_ref().map(|m| Box::new(m.for_the_bus())),
        };
        Ok(if self.accept(&key, window, job).await? {
            ActionOutcome::Done
        } else {
            ActionOutcome::Duplicate
        })
    }

    /// A button was clicked (all work inline: the simulation and unit tests).
    pub async fn on_action(&self, click: &Click) -> Result<ActionOutcome> {
        let user = &click.user;
        let key = match self.click_kind(click).await? {
            Ok(key) => key,
            Err(outcome) => return Ok(outcome),
        };
        let window = chrono::Duration::minutes(crate::usecases::CLICK_WINDOW_MINUTES);
        let did = self
            .once_within(&key, window, || self.apply_in_place(click))
            .await?;
        if did && !click.action.is_moderator() {
            self.refresh_home(user).await;
        }
        Ok(if did {
            ActionOutcome::Done
        } else {
            ActionOutcome::Duplicate
        })
    }

    pub(crate) async fn apply_action(&self, click: &Click) -> Result<()> {
        let user = &click.user;
        match &click.action {
            Action::Pause => self.pause(user).await,
            Action::Resume => self.resume(user).await,
            Action::OptOut => self.opt_out(user).await,
            Action::OptIn => self.opt_in(user).await,
            Action::DeleteConfirm => self.request_deletion(user).await,
            Action::DeleteCancel => self.dm(user, &messages::delete_cancelled()).await,
            Action::KeepMeIn => self.dm(user, &messages::kept_in()).await,
            Action::MyData => self.send_my_data(user).await,
            Action::PauseUntil { date } => self.pause_until_picked(user, *date).await,
            Action::PairMeNow { round } => self.pair_me_now(user, *round).await,
            Action::Momentum {
                answer,
                round,
                group,
            } => self.answer_momentum(user, *answer, *round, *group).await,
            Action::Reconfirm { answer, round } => {
                self.answer_reconfirm(user, *answer, *round).await
            }
            Action::Checkin {
                answer,
                round,
                group,
                day,
            } => {
                self.answer_checkin(user, *answer, *round, *group, *day)
                    .await
            }
            Action::Moderator(m) => {
                self.moderator_button(user, m, click.response_url.as_deref())
                    .await
            }
            Action::Unblock { user: who } => self.unblock(user, Some(who)).await,
            Action::HappyAgain { partner, on } => self.set_happy_again(user, partner, *on).await,
            Action::Block { user: who } => self.block(user, Some(who)).await,
            Action::GoalAnswer { round, outcome } => self.answer_goal(user, *round, *outcome).await,
            Action::Rate {
                round,
                group,
                rating,
            } => self.rate_round(user, *round, *group, *rating).await,
            Action::NameInHighlights { on } => self.set_named_in_highlights(user, *on).await,
            // Answered in `on_action` without a click marker.
            Action::OpenProfile
            | Action::OpenGoal { .. }
            | Action::OpenFeedbackNote { .. }
            | Action::Resources
            | Action::OpenGroupDm
            | Action::Unknown { .. } => Ok(()),
        }
    }
}
