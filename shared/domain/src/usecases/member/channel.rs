//! Programme channel membership: joining and leaving the channel.

use chrono::Duration;

use super::{INVITE_QUIET_DAYS, OLD_PROFILE_DAYS};
use crate::error::Result;
use crate::ids::{ChannelId, UserId};
use crate::messages;
use crate::model::{Confirmation, MemberStatus};
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
    pub(super) fn is_programme_channel(&self, channel: &ChannelId) -> bool {
        *channel == self.cfg.channel
    }

    /// Whether Slack says `user` is not in the programme channel. When Slack
    /// doesn't answer (or answers with an empty list: the bot itself is
    /// always a member, so that means it couldn't tell), nobody is turned
    /// away; the pairing run checks again.
    pub(super) async fn outside_channel(&self, user: &UserId) -> bool {
        match self.deps.slack.channel_members(&self.cfg.channel).await {
            Ok(list) if !list.is_empty() => !list.contains(user),
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "conversations.members failed; not checking sign-up");
                false
            }
        }
    }

    /// `member_joined_channel`.
    pub async fn on_member_joined(&self, user: &UserId, channel: &ChannelId) -> Result<()> {
        if !self.is_programme_channel(channel) {
            return Ok(());
        }
        let now = self.now();
        match self.deps.members.get(user).await? {
            Some(m) if m.profile.is_some() => {
                let was_left = m.status == MemberStatus::Left;
                let old = m
                    .profile_saved_at
                    .is_some_and(|t| now - t > Duration::days(OLD_PROFILE_DAYS));
                let rounds = self.rounds_to_confirm().await?;
                self.update_member(user, |m| {
                    m.in_channel = true;
                    if was_left {
                        m.status = MemberStatus::Active;
                        for r in &rounds {
                            m.confirmations.insert(*r, Confirmation::Yes);
                        }
                    }
                })
                .await?;
                if was_left {
                    self.dm(user, &messages::rejoined(&self.cfg, now, old))
                        .await?;
                }
                Ok(())
            }
            _ => {
                let key = OnceKey::Invite { user: user.clone() }.render();
                let claim = self
                    .deps
                    .ledger
                    .claim(&key, now, Duration::days(INVITE_QUIET_DAYS))
                    .await?;
                let crate::ports::Claim::New(token) = claim else {
                    return Ok(());
                };
                self.deps.ledger.complete(&key, &token).await?;
                let invite = messages::channel_invite(&self.cfg, now);
                self.deps
                    .slack
                    .post_ephemeral(channel, user, &invite)
                    .await?;
                Ok(())
            }
        }
    }

    /// `member_left_channel`.
    pub async fn on_member_left(&self, user: &UserId, channel: &ChannelId) -> Result<()> {
        if !self.is_programme_channel(channel) {
            return Ok(());
        }
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        let was_taking_part = matches!(m.status, MemberStatus::Active | MemberStatus::Paused);
        self.update_member(user, |m| {
            m.in_channel = false;
            if was_taking_part {
                m.status = MemberStatus::Left;
            }
        })
        .await?;
        if was_taking_part {
            // Only future rounds (DESIGN.md §8): the programme tells pairs who
            // want to keep going to leave the channel, so the current pair
            // carries on and the partner is told nothing.
            let partners: Vec<UserId> = self
                .group_of(user, self.current_round())
                .await?
                .map(|g| g.active_members().filter(|p| *p != user).cloned().collect())
                .unwrap_or_default();
            self.dm(user, &messages::left_channel(&self.cfg, &partners))
                .await?;
        }
        tracing::info!(user = %user, "member left the programme channel");
        Ok(())
    }
}
