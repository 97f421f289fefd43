//! What a member types: mentions and DMs, parsed into commands, and the
//! welcome for someone who has not signed up yet.

use super::Origin;
use crate::action::ReconfirmAnswer;
use crate::commands::Command;
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::model::{Member, MemberStatus};
use crate::usecases::Bot;

impl Bot {
    /// A mention in a channel or a DM from a person (bots are filtered earlier).
    pub async fn on_message(&self, user: &UserId, origin: Origin, text: &str) -> Result<()> {
        self.on_command(user, origin, Command::parse(text)).await
    }

    /// A parsed mention or DM (what the events function hands over).
    pub async fn on_command(&self, user: &UserId, origin: Origin, command: Command) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let signed_up = member.as_ref().is_some_and(|m| m.profile.is_some());
        if !signed_up {
            return self.onboard(user, member, origin, command).await;
        }
        let Some(member) = member else { return Ok(()) };
        if let Origin::Channel(channel) = &origin {
            let ack = messages::answered_in_dm(&command);
            self.deps.slack.post_ephemeral(channel, user, &ack).await?;
        }
        match command {
            Command::Hello | Command::Status => {
                let view = self.status_of(&member).await?;
                self.dm(user, &messages::status(&self.cfg, &view)).await
            }
            Command::Unknown => self.dm(user, &messages::unknown_command(&self.cfg)).await,
            Command::Help => {
                self.dm(
                    user,
                    &messages::help(&self.cfg, self.cfg.is_moderator(user)),
                )
                .await
            }
            Command::Profile => match &member.profile {
                Some(p) => self.dm(user, &messages::profile_view(p)).await,
                None => Ok(()),
            },
            Command::Pause => self.pause(user).await,
            Command::PauseUntil(snooze) => self.pause_until(user, snooze).await,
            Command::Resume => self.resume(user).await,
            Command::OptOut if member.status == MemberStatus::OptedOut => {
                self.dm(user, &messages::no_change(messages::Already::OptedOut))
                    .await
            }
            Command::OptOut => self.dm(user, &messages::opt_out_confirm_request()).await,
            Command::OptIn => self.opt_in(user).await,
            Command::Skip => {
                let round = self.next_pairing_round().await?;
                self.answer_reconfirm(user, ReconfirmAnswer::Skip, round)
                    .await
            }
            Command::PartnerUnresponsive => self.report_unresponsive(user).await,
            Command::PartnerResponding => self.withdraw_unresponsive(user).await,
            Command::DeleteMyData => self.dm(user, &messages::delete_confirm_request()).await,
            Command::MyData => self.send_my_data(user).await,
            Command::Block(who) => self.block(user, who.as_ref()).await,
            Command::Unblock(who) => self.unblock(user, who.as_ref()).await,
            Command::NameInHighlights(on) => self.set_named_in_highlights(user, on).await,
        }
    }

    /// Someone without a profile spoke to the bot: welcome them (or handle
    /// the few commands that make sense before signing up).
    async fn onboard(
        &self,
        user: &UserId,
        member: Option<Member>,
        origin: Origin,
        command: Command,
    ) -> Result<()> {
        match command {
            Command::DeleteMyData if member.is_none() => {
                return self.dm(user, &messages::nothing_to_delete()).await;
            }
            Command::DeleteMyData => {
                return self.dm(user, &messages::delete_confirm_request()).await;
            }
            Command::MyData => return self.send_my_data(user).await,
            Command::Help => {
                return self
                    .dm(
                        user,
                        &messages::help(&self.cfg, self.cfg.is_moderator(user)),
                    )
                    .await;
            }
            _ => {}
        }
        let in_programme_channel =
            matches!(&origin, Origin::Channel(c) if self.is_programme_channel(c));
        if member.is_none() && !in_programme_channel && self.outside_channel(user).await {
            tracing::info!(user = %user, "sign-up from outside the programme channel");
            return self
                .dm(user, &messages::join_channel_first(&self.cfg))
                .await;
        }
        let now = self.now();
        let created = match member {
            Some(_) => false,
            None => {
                self.deps
                    .members
                    .create(&Member::new_onboarding(user.clone(), now))
                    .await?
            }
        };
        tracing::info!(user = %user, created, "onboarding");
        let welcome = if created {
            messages::welcome(&self.cfg, now)
        } else {
            messages::not_signed_up(&self.cfg, now)
        };
        self.dm(user, &welcome).await?;
        if let Origin::Channel(channel) = origin {
            let ack = messages::sign_up_sent_by_dm();
            self.deps.slack.post_ephemeral(&channel, user, &ack).await?;
        }
        Ok(())
    }
}
