//! The profile form: opening it, validating and storing a submission,
//! and the confirmation that follows.

use super::{ProfileOutcome, StoredProfile};
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::{Confirmation, Member, MemberStatus};
use crate::once_key::OnceKey;
use crate::profile_form::{self, FormValues};
use crate::usecases::Bot;

impl Bot {
    /// The profile form was submitted: stores it, then confirms by DM (and
    /// pairs a late joiner) at most once per `view_key`. Field errors go back
    /// to the modal.
    pub async fn save_profile(
        &self,
        user: &UserId,
        values: &FormValues,
        view_key: &str,
    ) -> Result<ProfileOutcome> {
        let first_time = match self.store_profile(user, values).await? {
            StoredProfile::Saved { first_time } => first_time,
            StoredProfile::Rejected(errors) => return Ok(ProfileOutcome::Rejected(errors)),
        };
        let key = OnceKey::View {
            submission: view_key.to_string(),
        };
        self.once(&key, || self.profile_saved_follow_up(user, first_time))
            .await?;
        Ok(ProfileOutcome::Saved)
    }

    /// The inline part of a profile submission: validates and stores it
    /// (no Slack calls).
    pub async fn store_profile(&self, user: &UserId, values: &FormValues) -> Result<StoredProfile> {
        let goal = self.signup_goal(values).await?;
        let (profile, goal) = match (profile_form::validate(&self.cfg, values), goal) {
            (Ok(p), Ok(goal)) => (p, goal),
            (Err(mut errors), goal) => {
                errors.extend(goal.err().unwrap_or_default());
                return Ok(StoredProfile::Rejected(errors));
            }
            (Ok(_), Err(errors)) => return Ok(StoredProfile::Rejected(errors)),
        };
        let now = self.now();
        let rounds = self.rounds_to_confirm().await?;
        // Someone who never spoke to the bot first has no item yet.
        if self.deps.members.get(user).await?.is_none() {
            self.deps
                .members
                .create(&Member::new_onboarding(user.clone(), now))
                .await?;
        }
        let first_time = self
            .deps
            .members
            .get(user)
            .await?
            .is_none_or(|m| m.profile.is_none());
        let saved = self
            .update_member(user, |member| {
                member.profile = Some(profile.clone());
                member.profile_saved_at = Some(now);
                if let Some(open) = crate::open_to_third::read(values) {
                    member.open_to_third = open;
                }
                if let Some(named) = crate::named_in_highlights::read(values) {
                    member.named_in_highlights = named;
                }
                if member.status == MemberStatus::Onboarding {
                    member.status = MemberStatus::Active;
                }
                if first_time && goal.is_some() {
                    member.goal = goal.clone();
                }
                if first_time || member.status == MemberStatus::Active {
                    for r in &rounds {
                        member.confirmations.entry(*r).or_insert(Confirmation::Yes);
                    }
                }
            })
            .await?;
        if saved.is_none() {
            // Deleted while the form was open: nothing is brought back (and
            // the follow-up finds no profile, so sends nothing).
            tracing::info!(user = %user, "profile saved after deletion; ignored");
            return Ok(StoredProfile::Saved { first_time: false });
        }
        tracing::info!(user = %user, first_time, "profile saved");
        Ok(StoredProfile::Saved { first_time })
    }

    /// After a profile is stored: the name moderators will see (Slack's,
    /// cached), the confirmation DM, and a late join.
    pub async fn profile_saved_follow_up(&self, user: &UserId, first_time: bool) -> Result<()> {
        let Some(member) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        self.refresh_name(user).await;
        let Some(profile) = &member.profile else {
            return Ok(());
        };
        let mut saved = messages::profile_saved(&self.cfg, profile, first_time, self.now());
        if let Some(goal) = member.goal.as_ref().filter(|_| first_time) {
            let at = saved.blocks.len().min(2);
            saved.blocks.insert(at, messages::goal::signup_line(goal));
        }
        self.dm(user, &saved).await?;
        if first_time {
            self.late_joiner(user).await?;
        }
        Ok(())
    }

    /// Opens the profile form (button click with a trigger id).
    pub async fn open_profile(&self, user: &UserId, trigger_id: &str) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let profile = member.as_ref().and_then(|m| m.profile.as_ref());
        if profile.is_none() && self.outside_channel(user).await {
            return self
                .dm(user, &messages::join_channel_first(&self.cfg))
                .await;
        }
        let slack_tz = if profile.is_none() {
            // Prefill the time zone Slack knows; failing that, leave it empty.
            match self.deps.slack.user_info(user).await {
                Ok(info) => info.tz,
                Err(e) => {
                    tracing::warn!(user = %user, error = %e, "users.info failed");
                    None
                }
            }
        } else {
            None
        };
        let mut modal = profile_form::modal(&self.cfg, profile, slack_tz.as_deref());
        let open = member.as_ref().is_none_or(|m| m.open_to_third);
        modal.blocks.push(crate::open_to_third::field(open));
        if self.cfg.round_highlights {
            let named = member.as_ref().is_some_and(|m| m.named_in_highlights);
            modal.blocks.push(crate::named_in_highlights::field(named));
        }
        if profile.is_none() {
            self.add_signup_goal(&mut modal).await?;
        }
        self.deps.slack.open_modal(trigger_id, &modal).await?;
        Ok(())
    }
}
