//! A member leaving mid-round: their group, partner and moderators are told.

use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
    /// A member left the programme mid-round (opted out, left the channel, was
    /// removed): records it on their group, tells the partner and moderators.
    /// Returns whether they had a partner.
    pub(crate) async fn member_departed(&self, user: &UserId) -> Result<bool> {
        let round = self.live_round();
        let Some(g) = self.group_of(user, round).await? else {
            return Ok(false);
        };
        let Some(updated) = self
            .update_group(round, g.number, |g| {
                if !g.departed.contains(user) {
                    g.departed.push(user.clone());
                }
            })
            .await?
        else {
            return Ok(false);
        };
        let remaining: Vec<UserId> = updated.active_members().cloned().collect();
        for r in &remaining {
            let key = OnceKey::PartnerLeft {
                round,
                group: g.number,
                departed: user.clone(),
                recipient: r.clone(),
            };
            let still_paired = remaining.len() >= 2;
            let mut msg = messages::moderator::partner_left(&self.cfg, still_paired);
            if !still_paired {
                msg = messages::pair_now::offer(msg, round);
            }
            self.dm_once(&key, r, &msg).await?;
        }
        if remaining.len() == 1 {
            let key = OnceKey::PartnerLeftModerators {
                round,
                group: g.number,
                departed: user.clone(),
            };
            let name = self.name_of(&remaining[0]).await;
            let msg = messages::moderator::partner_left_alert(
                user,
                &remaining[0],
                name.as_deref(),
                &updated,
            );
            self.tell_moderators_once(&key, &msg).await?;
        }
        Ok(true)
    }
}
