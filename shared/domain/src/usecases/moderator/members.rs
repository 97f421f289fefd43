//! Removing a member and exporting the programme.

use super::SlashReply;
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::MemberStatus;
use crate::usecases::Bot;

impl Bot {
    pub(super) async fn remove(&self, moderator: &UserId, user: &UserId) -> Result<SlashReply> {
        if self.deps.members.get(user).await?.is_none() {
            return Ok(SlashReply::text(format!(
                "{} isn't in the programme.",
                user.mention()
            )));
        }
        self.update_member(user, |m| m.status = MemberStatus::OptedOut)
            .await?;
        self.member_departed(user).await?;
        self.audit(
            moderator,
            "remove",
            std::slice::from_ref(user),
            "opted out by moderator",
        )
        .await;
        Ok(SlashReply::text(format!(
            "Removed {} from future rounds (their profile is kept; they can `opt in` again).",
            user.mention()
        )))
    }

    pub(super) async fn export(&self, moderator: &UserId) -> Result<SlashReply> {
        let members = self.deps.members.list().await?;
        let round = self.live_round();
        let groups = self.deps.rounds.groups(round).await?;
        let csv = messages::moderator::export_csv(&members, round, &groups);
        for part in messages::moderator::export_messages(round, &csv) {
            self.dm(moderator, &part).await?;
        }
        self.audit(
            moderator,
            "export",
            &[],
            &format!("{} members", members.len()),
        )
        .await;
        Ok(SlashReply::text("I've sent you the export by DM."))
    }
}
