//! Staying in or stepping out: pause, resume, opt out and opt in.

use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::{Confirmation, MemberStatus};
use crate::usecases::Bot;

impl Bot {
    pub(super) async fn pause(&self, user: &UserId) -> Result<()> {
        let before = self.deps.members.get(user).await?;
        let snoozed = before.as_ref().is_some_and(|m| m.paused_until.is_some());
        match before.map(|m| m.status) {
            // Plain `pause` during a dated pause makes it open-ended.
            Some(MemberStatus::Active) | Some(MemberStatus::Paused) if snoozed => {
                self.update_member(user, |m| m.paused_until = None).await?;
                self.dm(user, &messages::paused(&self.cfg, self.now()))
                    .await
            }
            Some(MemberStatus::Active) => {
                self.update_member(user, |m| m.status = MemberStatus::Paused)
                    .await?;
                self.dm(user, &messages::paused(&self.cfg, self.now()))
                    .await
            }
            Some(MemberStatus::Paused) => {
                self.dm(user, &messages::no_change(messages::Already::Paused))
                    .await
            }
            _ => {
                self.dm(user, &messages::no_change(messages::Already::NotTakingPart))
                    .await
            }
        }
    }

    /// Back in the programme and confirmed for the next round.
    pub(super) async fn reactivate(&self, user: &UserId) -> Result<()> {
        let rounds = self.rounds_to_confirm().await?;
        self.update_member(user, |m| {
            m.status = MemberStatus::Active;
            m.paused_until = None;
            m.choices += 1;
            for r in &rounds {
                m.confirmations.insert(*r, Confirmation::Yes);
            }
        })
        .await
        .map(|_| ())
    }

    pub(super) async fn resume(&self, user: &UserId) -> Result<()> {
        let before = self.deps.members.get(user).await?.map(|m| m.status);
        match before {
            Some(MemberStatus::Paused) => {
                self.reactivate(user).await?;
                self.dm(user, &messages::resumed(&self.cfg, self.now()))
                    .await
            }
            Some(MemberStatus::OptedOut)
            | Some(MemberStatus::Unreachable)
            | Some(MemberStatus::Left) => self.opt_in(user).await,
            _ => {
                self.dm(user, &messages::no_change(messages::Already::TakingPart))
                    .await
            }
        }
    }

    pub(super) async fn opt_out(&self, user: &UserId) -> Result<()> {
        let before = self.deps.members.get(user).await?.map(|m| m.status);
        match before {
            Some(MemberStatus::OptedOut) => {
                self.dm(user, &messages::no_change(messages::Already::OptedOut))
                    .await
            }
            Some(_) => {
                self.update_member(user, |m| {
                    m.status = MemberStatus::OptedOut;
                    m.choices += 1;
                })
                .await?;
                let had_partner = self.member_departed(user).await?;
                self.dm(user, &messages::opted_out(had_partner)).await
            }
            None => self.dm(user, &messages::nothing_to_delete()).await,
        }
    }

    pub(super) async fn opt_in(&self, user: &UserId) -> Result<()> {
        let before = self.deps.members.get(user).await?;
        match before.as_ref().map(|m| m.status) {
            Some(MemberStatus::Left) => {
                self.dm(user, &messages::rejoin_channel_first(&self.cfg))
                    .await
            }
            Some(MemberStatus::OptedOut) | Some(MemberStatus::Unreachable) => {
                self.reactivate(user).await?;
                self.dm(user, &messages::opted_in(&self.cfg, self.now()))
                    .await
            }
            Some(MemberStatus::Paused) => {
                self.reactivate(user).await?;
                self.dm(user, &messages::resumed(&self.cfg, self.now()))
                    .await
            }
            Some(MemberStatus::Active) => {
                self.dm(user, &messages::no_change(messages::Already::In))
                    .await
            }
            Some(MemberStatus::Onboarding) | None => {
                self.dm(user, &messages::not_signed_up(&self.cfg, self.now()))
                    .await
            }
        }
    }
}
