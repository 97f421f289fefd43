//! What a member sees of their own state: `status` and the App Home.

use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages::{self, StatusView};
use crate::model::Member;
use crate::usecases::Bot;

impl Bot {
    /// What `status` and the App Home show.
    pub async fn status_of<'a>(&self, member: &'a Member) -> Result<StatusView<'a>> {
        let current = self.current_round();
        let next = current.next();
        let partners = self
            .group_of(&member.id, current)
            .await?
            .map(|g| {
                g.active_members()
                    .filter(|m| **m != member.id)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        Ok(StatusView {
            member,
            partners,
            current_round: current,
            next_round: next,
            answer_next: member.confirmations.get(&next).copied(),
            pair_now: self.pair_now_offer(member, current).await?,
        })
    }

    /// The last `n` round ids up to and including the current one.
    pub fn recent_rounds(&self, n: usize) -> Vec<RoundId> {
        let mut r = self.current_round();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(r);
            r = r.prev();
        }
        out
    }

    /// Republishes the App Home after a change; failures are only logged.
    pub async fn refresh_home(&self, user: &UserId) {
        if let Err(e) = self.on_home_opened(user).await {
            tracing::warn!(user = %user, error = %e, "home refresh failed");
        }
    }

    /// `app_home_opened`: publish the member's App Home.
    pub async fn on_home_opened(&self, user: &UserId) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let moderator = if self.cfg.is_moderator(user) {
            Some(self.moderator_home_blocks().await?)
        } else {
            None
        };
        let home = match member.as_ref().filter(|m| m.profile.is_some()) {
            Some(m) => {
                let view = self.status_of(m).await?;
                let mut home = messages::home(&self.cfg, Some(&view), moderator);
                self.add_member_choices_to_home(m, &mut home).await?;
                home
            }
            None => messages::home(&self.cfg, None, moderator),
        };
        self.deps.slack.publish_home(user, &home).await?;
        Ok(())
    }
}
