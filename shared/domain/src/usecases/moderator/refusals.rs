//! Why a moderator command can't be done, found by reading only.

use super::{ModCommand, Pairable, SlashReply};
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::usecases::Bot;

impl Bot {
    /// Why a command can't be done, found by reading only: the slash
    /// command answers it at once instead of handing it over.
    pub(super) async fn refusal(&self, cmd: &ModCommand) -> Result<Option<SlashReply>> {
        match cmd {
            ModCommand::Pair { a, b } => self.pair_refusal(a, b).await,
            ModCommand::Repair { user } => self.repair_refusal(user).await,
            ModCommand::Unpair { user } => Ok(self
                .group_of(user, self.live_round())
                .await?
                .is_none()
                .then(|| messages::moderator_replies::no_partner_this_round(user).into())),
            ModCommand::Remove { user } => self.not_in_programme(&[user]).await,
            ModCommand::Exclude { a, b } if a == b => {
                Ok(Some(messages::moderator_replies::pick_two_people().into()))
            }
            ModCommand::Exclude { a, b } => self.not_in_programme(&[a, b]).await,
            ModCommand::Export => Ok(None),
        }
    }

    async fn not_in_programme(&self, users: &[&UserId]) -> Result<Option<SlashReply>> {
        for u in users {
            if self.deps.members.get(u).await?.is_none() {
                return Ok(Some(SlashReply::text(
                    messages::moderator::not_in_programme(u),
                )));
            }
        }
        Ok(None)
    }

    pub(super) async fn pair_refusal(&self, a: &UserId, b: &UserId) -> Result<Option<SlashReply>> {
        if a == b {
            return Ok(Some(messages::moderator_replies::pick_two_people().into()));
        }
        for u in [a, b] {
            if let Pairable::No(why) = self.pairable(u).await? {
                return Ok(Some(SlashReply::text(why)));
            }
            if self.group_of(u, self.live_round()).await?.is_some() {
                return Ok(Some(SlashReply {
                    message: messages::moderator::already_has_partner(u),
                }));
            }
        }
        if self.kept_apart(a, b).await? {
            return Ok(Some(messages::moderator_replies::kept_apart(a, b).into()));
        }
        self.not_paired_yet().await
    }

    /// A moderator's `exclude` or either member's private block, read both
    /// ways: the same hard rule the engine keeps.
    async fn kept_apart(&self, a: &UserId, b: &UserId) -> Result<bool> {
        for (x, y) in [(a, b), (b, a)] {
            if let Some(m) = self.deps.members.get(x).await?
                && m.kept_apart_from(y)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub(super) async fn repair_refusal(&self, user: &UserId) -> Result<Option<SlashReply>> {
        if let Pairable::No(why) = self.pairable(user).await? {
            return Ok(Some(SlashReply::text(why)));
        }
        self.not_paired_yet().await
    }
}
