//! Re-pairing a member with the best waiting partner.

use super::SlashReply;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::GroupOrigin;
use crate::pairing;
use crate::usecases::Bot;

impl Bot {
    /// Finds `user` the best available waiting partner in the live round;
    /// their current pairing (if any) is dissolved only once someone is found.
    pub(super) async fn repair(&self, moderator: &UserId, user: &UserId) -> Result<SlashReply> {
        if let Some(r) = self.repair_refusal(user).await? {
            return Ok(r);
        }
        let round = self.live_round();
        let Some(partner) = self.best_waiting_partner(user, round).await? else {
            self.audit(
                moderator,
                "repair",
                std::slice::from_ref(user),
                "nobody available",
            )
            .await;
            return Ok(messages::moderator_replies::nobody_free(user).into());
        };
        // The old group is dissolved in the same write that stores the new one.
        let old = self.group_of(user, round).await?;
        let Some(g) = self
            .create_group(
                vec![user.clone(), partner.clone()],
                GroupOrigin::Repair,
                old.as_ref().map(|g| g.number),
            )
            .await?
        else {
            return Ok(SlashReply {
                message: messages::moderator::repair_raced(user, &partner),
            });
        };
        self.audit(
            moderator,
            "repair",
            &[user.clone(), partner.clone()],
            &format!("group {}", g.number),
        )
        .await;
        Ok(messages::moderator_replies::repaired(user, &partner).into())
    }

    /// The best waiting partner for `user` in `round`, by the engine's score.
    pub(crate) async fn best_waiting_partner(
        &self,
        user: &UserId,
        round: RoundId,
    ) -> Result<Option<UserId>> {
        let now = self.now();
        let Some(me) = self.deps.members.get(user).await? else {
            return Ok(None);
        };
        let Some(profile) = &me.profile else {
            return Ok(None);
        };
        let members = self.deps.members.list().await?;
        let pool: Vec<_> = self
            .waiting_members(round)
            .await?
            .into_iter()
            .filter(|m| m.id != *user)
            .filter_map(|m| {
                m.profile
                    .as_ref()
                    .map(|p| pairing::candidate(&m.id, p, now))
            })
            .collect();
        let past = self.past_groups(round).await?;
        let history = pairing::history(round, &past);
        // Anyone `user` was grouped with this round (still or before) is not "new".
        let mut exclusions = pairing::exclusions(&members);
        for g in self.deps.rounds.groups(round).await? {
            if g.contains(user) {
                for other in g.partners_of(user) {
                    exclusions.push((user.into(), other.into()));
                }
            }
        }
        Ok(mentor_matching::best_partner_for(
            &pairing::candidate(user, profile, now),
            &pool,
            &history,
            &exclusions,
            &self.cfg.matching,
        )
        .map(|(id, _)| UserId::from(&id)))
    }
}
