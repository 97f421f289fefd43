//! `/mentoring`: answered at once when no Slack call is needed, else
//! accepted once and handed to the scheduler.

use super::{ModCommand, SlashPlan, SlashReply, mentioned_users};
use crate::error::Result;
use crate::ids::UserId;
use crate::messages;
use crate::once_key::OnceKey;
use crate::surface::{Block, Message};
use crate::usecases::Bot;

impl Bot {
    /// `/mentoring …`, all work inline (moderator buttons, which already
    /// run in the scheduler; unit tests).
    pub async fn slash_command(
        &self,
        user: &UserId,
        text: &str,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        match self.plan_slash(user, text, response_url).await? {
            SlashPlan::Reply(r) => Ok(r),
            SlashPlan::Later(cmd) => self.execute_mod_command(user, &cmd).await,
        }
    }

    /// `/mentoring …`, ack first: what needs no Slack call is answered now;
    /// the rest is accepted once per `request_key` (the command's trigger
    /// id) and handed to the scheduler, which replies by `response_url`.
    pub async fn accept_slash_command(
        &self,
        user: &UserId,
        text: &str,
        response_url: Option<&str>,
        request_key: &str,
    ) -> Result<SlashReply> {
        match self.plan_slash(user, text, response_url).await? {
            SlashPlan::Reply(r) => Ok(r),
            SlashPlan::Later(command) => {
                if let Some(refused) = self.refusal(&command).await? {
                    return Ok(refused);
                }
                let job = crate::ports::Job::Moderator {
                    user: user.clone(),
                    command,
                    response_url: response_url.map(str::to_string),
                };
                let key = OnceKey::Slash {
                    trigger: request_key.to_string(),
                };
                self.accept(&key, chrono::Duration::days(1), job).await?;
                Ok(SlashReply {
                    message: messages::moderator::working_on_it(),
                })
            }
        }
    }

    /// The scheduler's side of a deferred slash command.
    pub(crate) async fn run_mod_command(
        &self,
        moderator: &UserId,
        command: &ModCommand,
        response_url: Option<&str>,
    ) -> Result<()> {
        let reply = self.execute_mod_command(moderator, command).await?;
        self.reply_to_moderator(moderator, response_url, &reply.message)
            .await
    }

    async fn execute_mod_command(
        &self,
        moderator: &UserId,
        cmd: &ModCommand,
    ) -> Result<SlashReply> {
        match cmd {
            ModCommand::Pair { a, b } => self.manual_pair(moderator, a, b).await,
            ModCommand::Repair { user } => self.repair(moderator, user).await,
            // No longer sent (they ask first); kept for work already queued.
            ModCommand::Unpair { user } => {
                let round = self.live_round();
                match self.group_of(user, round).await? {
                    Some(g) => {
                        self.confirmed_unpair(moderator, round, g.number, user)
                            .await
                    }
                    None => Ok(self.ask_unpair(user).await?),
                }
            }
            ModCommand::Remove { user } => self.confirmed_remove(moderator, user).await,
            ModCommand::Exclude { a, b } => self.exclude(moderator, a, b).await,
            ModCommand::Export => self.export(moderator).await,
        }
    }

    async fn plan_slash(
        &self,
        user: &UserId,
        text: &str,
        response_url: Option<&str>,
    ) -> Result<SlashPlan> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (verb, args) = match words.split_first() {
            Some((v, rest)) => (v.to_ascii_lowercase(), rest.to_vec()),
            None => ("help".to_string(), Vec::new()),
        };
        if !self.cfg.is_moderator(user) {
            tracing::info!(user = %user, verb, "non-moderator used the slash command");
            return Ok(SlashPlan::Reply(SlashReply {
                message: messages::moderator::not_a_moderator(&self.cfg),
            }));
        }
        let users = match verb.as_str() {
            "pair" | "repair" | "unpair" | "remove" | "exclude" => match mentioned_users(&args) {
                Ok(u) => u,
                Err(e) => return Ok(SlashPlan::Reply(e.into())),
            },
            _ => Vec::new(),
        };
        let usage = |form: &str| SlashPlan::Reply(messages::moderator_replies::usage(form).into());
        let later = |c: ModCommand| Ok(SlashPlan::Later(c));
        match (verb.as_str(), users.as_slice()) {
            ("help", _) => Ok(SlashPlan::Reply(SlashReply {
                message: messages::moderator::help(),
            })),
            ("stats", _) => Ok(SlashPlan::Reply(SlashReply {
                message: self.stats_message(true).await?,
            })),
            ("preview", _) => self
                .request_preview(user, response_url)
                .await
                .map(SlashPlan::Reply),
            // `run`, `unpair @a` and `remove @a` ask first (see confirm.rs).
            ("run", _) => self.ask_run().await.map(SlashPlan::Reply),
            ("pair", [a, b]) => later(ModCommand::Pair {
                a: a.clone(),
                b: b.clone(),
            }),
            ("pair", _) => Ok(usage("pair @a @b")),
            ("repair", [u]) => later(ModCommand::Repair { user: u.clone() }),
            ("repair", _) => Ok(usage("repair @a")),
            ("unpair", [u]) => self.ask_unpair(u).await.map(SlashPlan::Reply),
            ("unpair", _) => Ok(usage("unpair @a")),
            ("remove", [u]) => self.ask_remove(u).await.map(SlashPlan::Reply),
            ("remove", _) => Ok(usage("remove @a")),
            ("exclude", [a, b]) => later(ModCommand::Exclude {
                a: a.clone(),
                b: b.clone(),
            }),
            ("exclude", _) => Ok(usage("exclude @a @b")),
            ("export", _) => later(ModCommand::Export),
            (other, _) => Ok(SlashPlan::Reply(SlashReply {
                message: messages::moderator::unknown(other),
            })),
        }
    }

    /// The stats; `with_notes` adds members' private notes (the ephemeral
    /// `/mentoring stats` only: the App Home is a lasting view).
    pub(super) async fn stats_message(&self, with_notes: bool) -> Result<Message> {
        let members = self.deps.members.list().await?;
        let round = self.live_round();
        let r = self.deps.rounds.get(round).await?;
        let groups = self.deps.rounds.groups(round).await?;
        let next = round.next();
        let mut msg =
            messages::moderator::stats(&self.cfg, &members, round, r.as_ref(), &groups, next);
        let waiting = self.waiting_list(round).await?;
        if let Some(line) = messages::pair_now::waiting_list_line(round, &waiting) {
            msg.blocks.push(Block::Section(line));
        }
        msg.blocks
            .extend(self.feedback_stats_blocks(&members, with_notes).await?);
        Ok(msg)
    }
}
