//! "Never pair me with": `block @x` / `unblock @x` by DM or mention, and the
//! App Home's *Unblock* buttons. The list lives only on the member's own item;
//! the engine reads it as a hard rule (see [`crate::pairing::exclusions`]),
//! and the other person is never told.

use crate::error::Result;
use crate::ids::UserId;
use crate::messages::never_pair as text;
use crate::usecases::Bot;

impl Bot {
    /// `block @x`: adds `who` to the member's list (private, takes effect
    /// from the next pairing, late join or re-pair).
    pub(crate) async fn block(&self, user: &UserId, who: Option<&UserId>) -> Result<()> {
        let Some(who) = who else {
            return self.dm(user, &text::name_someone(false)).await;
        };
        if who == user {
            return self.dm(user, &text::not_yourself()).await;
        }
        let Some(member) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        if member.blocked.contains(who) {
            return self.dm(user, &text::already_blocked(who)).await;
        }
        if member.blocked.len() >= text::MAX_BLOCKED {
            return self.dm(user, &text::too_many()).await;
        }
        self.update_member(user, |m| {
            if !m.blocked.contains(who) {
                m.blocked.push(who.clone());
            }
        })
        .await?;
        tracing::info!(user = %user, "never-pair list grew");
        let partner_now = self
            .group_of(user, self.current_round())
            .await?
            .is_some_and(|g| g.active_members().any(|m| m == who));
        self.dm(user, &text::blocked(who, partner_now)).await?;
        self.refresh_home(user).await;
        Ok(())
    }

    /// `unblock @x` or the *Unblock* button: `who` may be paired with the
    /// member again.
    pub(crate) async fn unblock(&self, user: &UserId, who: Option<&UserId>) -> Result<()> {
        let Some(who) = who else {
            return self.dm(user, &text::name_someone(true)).await;
        };
        let listed = self
            .deps
            .members
            .get(user)
            .await?
            .is_some_and(|m| m.blocked.contains(who));
        if !listed {
            return self.dm(user, &text::not_blocked(who)).await;
        }
        self.update_member(user, |m| m.blocked.retain(|x| x != who))
            .await?;
        tracing::info!(user = %user, "never-pair list shrank");
        self.dm(user, &text::unblocked(who)).await?;
        self.refresh_home(user).await;
        Ok(())
    }

    /// Deletion of `user`'s data: nobody's list may keep their id. Lists are
    /// private to their owners, so they are found by reading the members.
    pub(crate) async fn forget_in_member_lists(&self, user: &UserId) -> Result<()> {
        for m in self.deps.members.list().await? {
            if m.id != *user && (m.blocked.contains(user) || m.happy_again.contains(user)) {
                self.update_member(&m.id, |m| {
                    m.blocked.retain(|x| x != user);
                    m.happy_again.retain(|x| x != user);
                })
                .await?;
            }
        }
        Ok(())
    }
}
