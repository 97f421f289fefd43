//! Exporting the programme (removing a member asks first: confirm.rs).

use super::SlashReply;
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::usecases::Bot;

impl Bot {
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
        Ok(messages::moderator_replies::export_sent().into())
    }
}
