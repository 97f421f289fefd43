//! The moderator actions that ask first: `/mentoring run`, `unpair @a` and
//! `remove @a` answer with one confirmation button (inline, no Slack call:
//! a button names the person by their cached real name), and the click does
//! it in the scheduler. A click acts once, whoever clicks and however often:
//! each step is idempotent (claimed DMs, a versioned group write, the round's
//! state machine) and the state it checks first is the one the work changes
//! last, so a retried click finishes what a failed one started, and a second
//! moderator's click finds it done and is told so.

use super::SlashReply;
use crate::action::ModeratorAction;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages::moderator_confirm as text;
use crate::model::MemberStatus;
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
    /// A confirmation click from someone who isn't a moderator (a forged
    /// or forwarded button) does nothing.
    fn not_a_moderator(&self, user: &UserId) -> Option<SlashReply> {
        (!self.cfg.is_moderator(user)).then(|| SlashReply {
            message: crate::messages::moderator::not_a_moderator(&self.cfg),
        })
    }

    /// A confirmation's button: does what it confirms and answers where it
    /// was asked (the slash command's reply, or the DM an App Home click got).
    pub(super) async fn confirmation_clicked(
        &self,
        moderator: &UserId,
        action: &ModeratorAction,
        response_url: Option<&str>,
    ) -> Result<()> {
        let reply = match action {
            ModeratorAction::ConfirmRun { round } => {
                self.confirmed_run(moderator, *round, response_url).await?
            }
            ModeratorAction::Unpair { round, group, user } => {
                self.confirmed_unpair(moderator, *round, *group, user)
                    .await?
            }
            ModeratorAction::Remove { user } => self.confirmed_remove(moderator, user).await?,
            _ => return Ok(()),
        };
        self.reply_to_moderator(moderator, response_url, &reply.message)
            .await
    }

    /// `/mentoring run`: the confirmation, or why there's nothing to run.
    pub(super) async fn ask_run(&self) -> Result<SlashReply> {
        let round = self.round_to_run().await?;
        if round != self.live_round() {
            return Ok(SlashReply {
                message: text::already_paired(&self.cfg, self.live_round(), round),
            });
        }
        let confirmed = self
            .deps
            .members
            .list()
            .await?
            .iter()
            .filter(|m| m.is_eligible_for(round))
            .count();
        Ok(SlashReply {
            message: text::confirm_run(&self.cfg, round, confirmed),
        })
    }

    /// `/mentoring unpair @a`: the confirmation, or why there's nothing to do.
    pub(super) async fn ask_unpair(&self, user: &UserId) -> Result<SlashReply> {
        let round = self.live_round();
        let message = match self.group_of(user, round).await? {
            None => text::not_paired_now(user, round),
            Some(g) => text::confirm_unpair(user, &g, self.cached_name(user).await.as_deref()),
        };
        Ok(SlashReply { message })
    }

    /// `/mentoring remove @a`: the confirmation, or why there's nothing to do.
    pub(super) async fn ask_remove(&self, user: &UserId) -> Result<SlashReply> {
        let message = match self.deps.members.get(user).await? {
            None => {
                crate::surface::Message::plain(crate::messages::moderator::not_in_programme(user))
            }
            Some(m) if m.status == MemberStatus::OptedOut => text::already_out(user),
            Some(m) => text::confirm_remove(user, m.name.as_deref()),
        };
        Ok(SlashReply { message })
    }

    /// "Yes, pair …": runs the round it was asked for, if still unpaired.
    async fn confirmed_run(
        &self,
        moderator: &UserId,
        round: RoundId,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        if let Some(refused) = self.not_a_moderator(moderator) {
            return Ok(refused);
        }
        if round != self.live_round() || self.is_paired(round).await? {
            return Ok(SlashReply {
                message: text::run_not_needed(round),
            });
        }
        self.request_run(moderator, response_url).await
    }

    /// "Unpair …": tells each member (once), then dissolves the group, if
    /// `user` is still in that live group of the live round.
    pub(super) async fn confirmed_unpair(
        &self,
        moderator: &UserId,
        round: RoundId,
        number: u32,
        user: &UserId,
    ) -> Result<SlashReply> {
        if let Some(refused) = self.not_a_moderator(moderator) {
            return Ok(refused);
        }
        let not_needed = Ok(SlashReply {
            message: text::unpair_not_needed(user),
        });
        if round != self.live_round() {
            return not_needed;
        }
        let Some(g) = self.group(round, number).await? else {
            return not_needed;
        };
        if !g.is_live() || !g.active_members().any(|m| m == user) {
            return not_needed;
        }
        for m in g.active_members() {
            let key = OnceKey::UnpairedByModerator {
                round,
                group: number,
                user: m.clone(),
            };
            self.dm_once(&key, m, &crate::messages::moderator::unpaired_member())
                .await?;
        }
        self.update_group(round, number, |g| g.dissolved = true)
            .await?;
        self.audit(moderator, "unpair", &g.members, &format!("group {number}"))
            .await;
        Ok(SlashReply {
            message: text::unpaired(&g),
        })
    }

    /// "Remove …": DMs the member what happened and how to come back (once),
    /// ends their pairing (the partner-left flow), then marks them out.
    pub(super) async fn confirmed_remove(
        &self,
        moderator: &UserId,
        user: &UserId,
    ) -> Result<SlashReply> {
        if let Some(refused) = self.not_a_moderator(moderator) {
            return Ok(refused);
        }
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(SlashReply {
                message: crate::surface::Message::plain(
                    crate::messages::moderator::not_in_programme(user),
                ),
            });
        };
        if m.status == MemberStatus::OptedOut {
            return Ok(SlashReply {
                message: text::already_out(user),
            });
        }
        let key = OnceKey::RemovedByModerator {
            round: self.live_round(),
            user: user.clone(),
            version: m.version,
        };
        self.dm_once(&key, user, &text::removed_member(&self.cfg))
            .await?;
        self.member_departed(user).await?;
        self.update_member(user, |m| m.status = MemberStatus::OptedOut)
            .await?;
        self.audit(
            moderator,
            "remove",
            std::slice::from_ref(user),
            "opted out by moderator",
        )
        .await;
        Ok(SlashReply {
            message: text::removed(user),
        })
    }
}
