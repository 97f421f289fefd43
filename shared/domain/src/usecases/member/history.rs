//! The member's own App Home sections (pairing history, "never pair me
//! with") and the "happy to be paired again" mark.

use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::Member;
use crate::surface::{Block, Home};
use crate::usecases::Bot;

impl Bot {
    /// Adds the member's history and never-pair list to their App Home,
    /// before the moderator section.
    pub(crate) async fn add_member_choices_to_home(
        &self,
        member: &Member,
        home: &mut Home,
    ) -> Result<()> {
        let groups = self.deps.rounds.groups_of(&member.id).await?;
        let mut extra = vec![Block::Divider];
        let kept = self.without_expired_feedback(member.clone());
        extra.extend(messages::history::home_blocks(&kept, &groups));
        extra.push(Block::Divider);
        extra.extend(messages::never_pair::home_blocks(&member.blocked));
        let highlights = messages::highlights::home_blocks(&self.cfg, member.named_in_highlights);
        if !highlights.is_empty() {
            extra.push(Block::Divider);
            extra.extend(highlights);
        }
        messages::never_pair::insert_into_home(home, extra);
        Ok(())
    }

    /// "Happy to be paired again" (or its undo) from the App Home history:
    /// only for someone the member was actually paired with. Private: the
    /// partner is not told; the engine uses it only when both marked.
    pub(crate) async fn set_happy_again(
        &self,
        user: &UserId,
        partner: &UserId,
        on: bool,
    ) -> Result<()> {
        let was_partner = self
            .deps
            .rounds
            .groups_of(user)
            .await?
            .iter()
            .any(|g| g.contains(user) && g.contains(partner));
        if !was_partner || partner == user {
            return self.dm(user, &messages::history::not_your_partner()).await;
        }
        self.update_member(user, |m| {
            m.happy_again.retain(|x| x != partner);
            if on {
                m.happy_again.push(partner.clone());
            }
        })
        .await?;
        tracing::info!(user = %user, on, "happy-again mark changed");
        Ok(())
    }
}
