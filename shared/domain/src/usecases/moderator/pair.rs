//! Manual pairing and "never pair these two" (unpairing asks first: confirm.rs).

use super::SlashReply;
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::GroupOrigin;
use crate::usecases::Bot;

impl Bot {
    pub(super) async fn manual_pair(
        &self,
        moderator: &UserId,
        a: &UserId,
        b: &UserId,
    ) -> Result<SlashReply> {
        if let Some(r) = self.pair_refusal(a, b).await? {
            return Ok(r);
        }
        let Some(g) = self
            .create_group(vec![a.clone(), b.clone()], GroupOrigin::Manual, None)
            .await?
        else {
            // Someone paired one of them at the same moment.
            let taken = match self.group_of(a, self.live_round()).await? {
                Some(_) => a,
                None => b,
            };
            return Ok(SlashReply {
                message: messages::moderator::already_has_partner(taken),
            });
        };
        self.audit(
            moderator,
            "pair",
            &[a.clone(), b.clone()],
            &format!("group {}", g.number),
        )
        .await;
        Ok(messages::moderator_replies::paired_by_hand(a, b, g.round).into())
    }

    pub(super) async fn exclude(
        &self,
        moderator: &UserId,
        a: &UserId,
        b: &UserId,
    ) -> Result<SlashReply> {
        if a == b {
            return Ok(messages::moderator_replies::pick_two_people().into());
        }
        for u in [a, b] {
            if self.deps.members.get(u).await?.is_none() {
                return Ok(SlashReply::text(messages::moderator::not_in_programme(u)));
            }
        }
        for (x, y) in [(a, b), (b, a)] {
            self.update_member(x, |m| {
                if !m.excluded_with.contains(y) {
                    m.excluded_with.push(y.clone());
                }
            })
            .await?;
        }
        self.audit(moderator, "exclude", &[a.clone(), b.clone()], "never pair")
            .await;
        Ok(messages::moderator_replies::never_together(a, b).into())
    }
}
