//! Moderator tools: the `/mentoring` slash command, manual and repair pairing,
//! late joiners, the partner-left flow, stats and export. Every moderator
//! action checks the caller against the configured list and is audited.

use super::Bot;
use super::rounds::RunOutcome;
use crate::action::{Action, ModeratorAction};
use crate::calendar;
use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{AuditEntry, Group, GroupOrigin, MemberStatus};
use crate::once_key::OnceKey;
use crate::pairing;
use crate::ports::{BusEvent, GroupWrite};
use crate::surface::{Block, Button, Message};

/// A late joiner joins an existing pair only if they fit at least this well
/// (sum of their scores with both; same time zone alone gives about 48).
const LATE_TRIO_MIN_SCORE: i64 = 40;

/// The immediate (ephemeral) answer to a slash command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashReply {
    pub message: Message,
}

impl SlashReply {
    fn text(s: impl Into<String>) -> Self {
        Self {
            message: Message::plain(s),
        }
    }
}

/// A moderator command that changes state or DMs people: the slash command
/// answers at once and the scheduler does it, replying by `response_url`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "verb", rename_all = "snake_case")]
pub enum ModCommand {
    Pair { a: UserId, b: UserId },
    Repair { user: UserId },
    Unpair { user: UserId },
    Remove { user: UserId },
    Exclude { a: UserId, b: UserId },
    Export,
}

/// What a slash command asks for: an answer now (no Slack calls needed),
/// or work for after the answer.
enum SlashPlan {
    Reply(SlashReply),
    Later(ModCommand),
}

/// Extracts user ids from `<@U123>` / `<@U123|name>` / `U123` tokens.
fn mentioned_users(args: &[&str]) -> std::result::Result<Vec<UserId>, String> {
    args.iter()
        .map(|a| {
            let inner = a
                .strip_prefix("<@")
                .and_then(|s| s.strip_suffix('>'))
                .map(|s| s.split('|').next().unwrap_or(s))
                .unwrap_or(a);
            if UserId::is_valid(inner) {
                Ok(UserId::new(inner))
            } else {
                Err(format!("`{a}` isn't a person: mention them like @name."))
            }
        })
        .collect()
}

/// Whether someone can be paired by hand, and if not, why (for the moderator).
enum Pairable {
    Yes,
    No(String),
}

impl Bot {
    /// Records a moderator action. It runs after the action is done, so a
    /// failed write is logged (and alarmed on) but never undoes the reply.
    async fn audit(&self, moderator: &UserId, action: &str, targets: &[UserId], outcome: &str) {
        tracing::info!(moderator = %moderator, action, targets = ?targets, "moderator action");
        let entry = AuditEntry {
            at: self.now(),
            moderator: moderator.clone(),
            action: action.into(),
            targets: targets.to_vec(),
            outcome: outcome.into(),
        };
        if let Err(e) = self.deps.audit.record(&entry).await {
            tracing::error!(moderator = %moderator, action, error = %e, "audit write failed");
        }
    }

    /// The round moderators act on: the current one.
    fn live_round(&self) -> RoundId {
        self.current_round()
    }

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
            ModCommand::Unpair { user } => self.unpair(moderator, user).await,
            ModCommand::Remove { user } => self.remove(moderator, user).await,
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
                Err(e) => return Ok(SlashPlan::Reply(SlashReply::text(e))),
            },
            _ => Vec::new(),
        };
        let usage = |usage: &str| {
            SlashPlan::Reply(SlashReply::text(format!("Usage: `/mentoring {usage}`")))
        };
        let later = |c: ModCommand| Ok(SlashPlan::Later(c));
        match (verb.as_str(), users.as_slice()) {
            ("help", _) => Ok(SlashPlan::Reply(SlashReply {
                message: messages::moderator::help(),
            })),
            ("stats", _) => Ok(SlashPlan::Reply(SlashReply {
                message: self.stats_message().await?,
            })),
            ("preview", _) => self
                .request_preview(user, response_url)
                .await
                .map(SlashPlan::Reply),
            ("run", _) => self
                .request_run(user, response_url)
                .await
                .map(SlashPlan::Reply),
            ("pair", [a, b]) => later(ModCommand::Pair {
                a: a.clone(),
                b: b.clone(),
            }),
            ("pair", _) => Ok(usage("pair @a @b")),
            ("repair", [u]) => later(ModCommand::Repair { user: u.clone() }),
            ("repair", _) => Ok(usage("repair @a")),
            ("unpair", [u]) => later(ModCommand::Unpair { user: u.clone() }),
            ("unpair", _) => Ok(usage("unpair @a")),
            ("remove", [u]) => later(ModCommand::Remove { user: u.clone() }),
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

    async fn stats_message(&self) -> Result<Message> {
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
        Ok(msg)
    }

    /// Moderator section of the App Home.
    pub(crate) async fn moderator_home_blocks(&self) -> Result<Vec<Block>> {
        let mut blocks = vec![Block::Header("Moderator tools".into())];
        blocks.extend(self.stats_message().await?.blocks);
        blocks.push(Block::Buttons(vec![
            Button::new(
                Action::Moderator(ModeratorAction::Preview),
                "Preview next pairing",
            ),
            Button::new(Action::Moderator(ModeratorAction::Run), "Run the round now").danger(),
        ]));
        Ok(blocks)
    }

    /// Moderator buttons (App Home, partner-left DM).
    pub(crate) async fn moderator_button(
        &self,
        moderator: &UserId,
        action: &ModeratorAction,
        response_url: Option<&str>,
    ) -> Result<()> {
        let reply = match action {
            ModeratorAction::Preview => self.slash_command(moderator, "preview", None).await?,
            ModeratorAction::Run => self.slash_command(moderator, "run", response_url).await?,
            ModeratorAction::Stats => self.slash_command(moderator, "stats", None).await?,
            ModeratorAction::Repair { round, group, user } => {
                self.repair_from_alert(moderator, *round, *group, user)
                    .await?
            }
        };
        self.dm(moderator, &reply.message).await
    }

    /// A Re-pair alert's button: acts once, whoever clicks and whenever. The
    /// first click marks the alert handled on its group (a versioned write,
    /// so of two clicks at once exactly one wins) and re-pairs; later clicks
    /// are told who handled it. An alert from a round that is over changes
    /// nothing in the current one.
    async fn repair_from_alert(
        &self,
        moderator: &UserId,
        round: RoundId,
        group: u32,
        user: &UserId,
    ) -> Result<SlashReply> {
        if !self.cfg.is_moderator(moderator) {
            return Ok(SlashReply {
                message: messages::moderator::not_a_moderator(&self.cfg),
            });
        }
        if round != self.live_round() {
            return Ok(SlashReply {
                message: messages::moderator::alert_from_old_round(user, round),
            });
        }
        let won = std::sync::atomic::AtomicBool::new(false);
        let marked = self
            .update_group(round, group, |g| {
                let first = !g.alerts_handled.contains_key(user);
                if first {
                    g.alerts_handled.insert(user.clone(), moderator.clone());
                }
                won.store(first, std::sync::atomic::Ordering::SeqCst);
            })
            .await?;
        let Some(marked) = marked else {
            return Ok(SlashReply {
                message: messages::moderator::alert_from_old_round(user, round),
            });
        };
        if !won.load(std::sync::atomic::Ordering::SeqCst) {
            let by = marked.alerts_handled.get(user).unwrap_or(moderator);
            return Ok(SlashReply {
                message: messages::moderator::alert_already_handled(user, by),
            });
        }
        match self.repair(moderator, user).await {
            Ok(reply) => Ok(reply),
            Err(e) => {
                // Not done: the alert stays open for the next click.
                self.update_group(round, group, |g| {
                    if g.alerts_handled.get(user) == Some(moderator) {
                        g.alerts_handled.remove(user);
                    }
                })
                .await?;
                Err(e)
            }
        }
    }

    /// Hands the dry run to the scheduler (a large round takes longer than
    /// Slack's 3 s); the result comes back by `response_url` or DM.
    async fn request_preview(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        let round = self.round_to_run().await?;
        self.deps
            .bus
            .publish(&[BusEvent::Preview {
                round,
                requested_by: moderator.clone(),
                response_url: response_url.map(str::to_string),
            }])
            .await?;
        Ok(SlashReply::text(format!(
            "Working out a preview of {}: it will appear here in a moment.",
            round.label()
        )))
    }

    /// The scheduler computes a preview a moderator asked for and sends it back.
    pub(crate) async fn moderator_preview(
        &self,
        round: RoundId,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<()> {
        let (_, plan) = self.preview_round(round).await?;
        let msg = messages::moderator::preview(&self.cfg, round, &plan);
        self.reply_to_moderator(moderator, response_url, &msg)
            .await?;
        self.audit(
            moderator,
            "preview",
            &[],
            &format!("{} groups", plan.groups.len()),
        )
        .await;
        Ok(())
    }

    /// The round `run`/`preview` act on: the current one if not yet paired, else the next.
    async fn round_to_run(&self) -> Result<RoundId> {
        let cur = self.live_round();
        let paired = self.is_paired(cur).await?;
        Ok(if paired { cur.next() } else { cur })
    }

    async fn request_run(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<SlashReply> {
        let round = self.round_to_run().await?;
        if round != self.live_round() {
            return Ok(SlashReply::text(format!(
                "{} is already paired. The {} round runs by itself on {}; `preview` shows what it would do.",
                self.live_round().label(),
                round.label(),
                messages::round_start_text(&self.cfg, round)
            )));
        }
        self.deps
            .bus
            .publish(&[BusEvent::RunRound {
                round,
                requested_by: moderator.clone(),
                response_url: response_url.map(str::to_string),
            }])
            .await?;
        self.audit(moderator, "run", &[], &format!("requested {round}"))
            .await;
        Ok(SlashReply::text(format!(
            "Pairing {} now. I'll report back here when it's done.",
            round.label()
        )))
    }

    /// The scheduler runs a round a moderator asked for and reports back.
    pub(crate) async fn moderator_run(
        &self,
        round: RoundId,
        moderator: &UserId,
        response_url: Option<&str>,
    ) -> Result<()> {
        let outcome = self.run_round(round).await?;
        let msg = match &outcome {
            RunOutcome::Paired(r) => messages::moderator::run_done(r),
            RunOutcome::AlreadyPaired(r) => Message::plain(format!(
                "{} was already paired ({} groups); nothing was changed.",
                r.id.label(),
                r.stats.groups
            )),
            RunOutcome::InProgress => Message::plain(format!(
                "A pairing run for {} is already in progress.",
                round.label()
            )),
        };
        let key = OnceKey::RunReply {
            round,
            moderator: moderator.clone(),
            paired: matches!(outcome, RunOutcome::Paired(_)),
        };
        self.once(&key, || {
            self.reply_to_moderator(moderator, response_url, &msg)
        })
        .await
        .map(|_| ())
    }

    /// Answers a moderator where they asked: the slash command's
    /// `response_url`, or a DM when the request came from a button.
    async fn reply_to_moderator(
        &self,
        moderator: &UserId,
        response_url: Option<&str>,
        msg: &Message,
    ) -> Result<()> {
        match response_url {
            Some(url) => Ok(self.deps.slack.respond(url, msg).await?),
            None => self.dm(moderator, msg).await,
        }
    }

    /// Checks a user can be paired by hand: in the programme, not opted out.
    async fn pairable(&self, user: &UserId) -> Result<Pairable> {
        use messages::moderator as text;
        Ok(match self.deps.members.get(user).await? {
            None => Pairable::No(text::not_in_programme(user)),
            Some(m) if m.profile.is_none() => Pairable::No(text::profile_unfinished(user)),
            Some(m)
                if matches!(
                    m.status,
                    MemberStatus::OptedOut | MemberStatus::Left | MemberStatus::Unreachable
                ) =>
            {
                Pairable::No(text::not_pairable(user, m.status))
            }
            Some(_) => Pairable::Yes,
        })
    }

    /// Stores a new group in the live round (dissolving `replacing`, the
    /// group one of them leaves, in the same write) and hands it to the
    /// outbox to be announced like a normal round. `None` when one of
    /// `members` already holds a place in another live group: the places
    /// are write conditions, so two of these racing can never put someone
    /// in two live groups.
    pub(crate) async fn create_group(
        &self,
        members: Vec<UserId>,
        origin: GroupOrigin,
        replacing: Option<u32>,
    ) -> Result<Option<Group>> {
        let round = self.live_round();
        let now = self.now();
        let mut profiles = Vec::new();
        for u in &members {
            if let Some(p) = self.deps.members.get(u).await?.and_then(|m| m.profile) {
                profiles.push(pairing::candidate(u, &p, now));
            }
        }
        let past = self.past_groups(round).await?;
        let history = pairing::history(round, &past);
        let rules = mentor_matching::PairRules::new(&history, &[], &self.cfg.matching);
        let mut score = 0;
        let mut reasons = Vec::new();
        for (i, a) in profiles.iter().enumerate() {
            for b in &profiles[i + 1..] {
                if let Some(s) =
                    mentor_matching::score_pair(a, b, &rules, &self.cfg.matching.weights)
                {
                    score += s.score;
                    reasons.extend(s.reasons);
                }
            }
        }
        for _ in 0..8 {
            let existing = self.deps.rounds.groups(round).await?;
            let taken = existing.iter().any(|g| {
                Some(g.number) != replacing && g.holders().iter().any(|u| members.contains(u))
            });
            if taken {
                return Ok(None);
            }
            let number = existing.iter().map(|g| g.number).max().unwrap_or(0) + 1;
            let group = Group {
                round,
                number,
                members: members.clone(),
                score,
                reasons: reasons.clone(),
                origin,
                dissolved: false,
                departed: Vec::new(),
                checkins: Default::default(),
                unresponsive_reported: Default::default(),
                version: 0,
                to_announce: Some(now),
                joined_late: None,
                alerts_handled: Default::default(),
                formed_at: Some(now),
                momentum: Default::default(),
            };
            let mut writes = vec![GroupWrite::new_group(group.clone())];
            if let Some(old) = existing
                .iter()
                .find(|g| Some(g.number) == replacing && g.is_live())
            {
                let mut dissolved = old.clone();
                dissolved.version += 1;
                dissolved.dissolved = true;
                // Its other members are told by the outbox, like a new group.
                dissolved.to_announce = Some(now);
                writes.push(GroupWrite::update(old.clone(), dissolved));
            }
            if self.deps.rounds.write_groups(&writes).await? {
                for u in &members {
                    self.confirm(u, round).await?;
                }
                // Stored with its outbox mark: if this publish fails the tick
                // announces it, so the action itself has succeeded.
                let events: Vec<BusEvent> = writes
                    .iter()
                    .map(|w| BusEvent::NotifyGroup {
                        round,
                        group: w.next.number,
                    })
                    .collect();
                if let Err(e) = self.deps.bus.publish(&events).await {
                    tracing::warn!(round = %round, group = number, error = %e, "publish failed; left to the outbox");
                }
                return Ok(Some(group));
            }
        }
        Err(Error::Conflict("new group number".into()))
    }

    /// Hand-made groups only go into a round the engine has already paired:
    /// before that, the run would take them for a half-finished run of its own.
    async fn not_paired_yet(&self) -> Result<Option<SlashReply>> {
        let round = self.live_round();
        let paired = self.is_paired(round).await?;
        Ok((!paired).then(|| {
            SlashReply::text(format!(
                "{} hasn't been paired yet. `/mentoring run` pairs it now; then `pair` and `repair` adjust it.",
                round.label()
            ))
        }))
    }

    /// Why a command can't be done, found by reading only: the slash
    /// command answers it at once instead of handing it over.
    async fn refusal(&self, cmd: &ModCommand) -> Result<Option<SlashReply>> {
        match cmd {
            ModCommand::Pair { a, b } => self.pair_refusal(a, b).await,
            ModCommand::Repair { user } => self.repair_refusal(user).await,
            ModCommand::Unpair { user } => Ok(self
                .group_of(user, self.live_round())
                .await?
                .is_none()
                .then(|| {
                    SlashReply::text(format!("{} has no partner this round.", user.mention()))
                })),
            ModCommand::Remove { user } => self.not_in_programme(&[user]).await,
            ModCommand::Exclude { a, b } if a == b => {
                Ok(Some(SlashReply::text("Pick two different people.")))
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

    async fn pair_refusal(&self, a: &UserId, b: &UserId) -> Result<Option<SlashReply>> {
        if a == b {
            return Ok(Some(SlashReply::text("Pick two different people.")));
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
        self.not_paired_yet().await
    }

    async fn repair_refusal(&self, user: &UserId) -> Result<Option<SlashReply>> {
        if let Pairable::No(why) = self.pairable(user).await? {
            return Ok(Some(SlashReply::text(why)));
        }
        self.not_paired_yet().await
    }

    async fn manual_pair(&self, moderator: &UserId, a: &UserId, b: &UserId) -> Result<SlashReply> {
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
        Ok(SlashReply::text(format!(
            "Paired {} and {} for {}. They'll get their DMs in a moment.",
            a.mention(),
            b.mention(),
            g.round.label()
        )))
    }

    /// Finds `user` the best available waiting partner in the live round;
    /// their current pairing (if any) is dissolved only once someone is found.
    async fn repair(&self, moderator: &UserId, user: &UserId) -> Result<SlashReply> {
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
            return Ok(SlashReply::text(format!(
                "Nobody is free to pair with {} right now. They'll be paired in the next round, or use `/mentoring pair` when someone joins.",
                user.mention()
            )));
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
        Ok(SlashReply::text(format!(
            "Re-paired {} with {}. Both get their DMs in a moment.",
            user.mention(),
            partner.mention()
        )))
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

    async fn unpair(&self, moderator: &UserId, user: &UserId) -> Result<SlashReply> {
        let round = self.live_round();
        let Some(g) = self.group_of(user, round).await? else {
            return Ok(SlashReply::text(format!(
                "{} has no partner this round.",
                user.mention()
            )));
        };
        self.update_group(round, g.number, |g| g.dissolved = true)
            .await?;
        for m in g.active_members() {
            let key = OnceKey::UnpairedByModerator {
                round,
                group: g.number,
                user: m.clone(),
            };
            self.dm_once(&key, m, &messages::moderator::unpaired_member())
                .await?;
        }
        self.audit(
            moderator,
            "unpair",
            &g.members,
            &format!("group {}", g.number),
        )
        .await;
        Ok(SlashReply::text(format!(
            "Unpaired group {} ({}). `/mentoring repair @someone` finds them new partners.",
            g.number,
            g.members
                .iter()
                .map(UserId::mention)
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }

    async fn remove(&self, moderator: &UserId, user: &UserId) -> Result<SlashReply> {
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

    async fn exclude(&self, moderator: &UserId, a: &UserId, b: &UserId) -> Result<SlashReply> {
        if a == b {
            return Ok(SlashReply::text("Pick two different people."));
        }
        for u in [a, b] {
            if self.deps.members.get(u).await?.is_none() {
                return Ok(SlashReply::text(format!(
                    "{} isn't in the programme.",
                    u.mention()
                )));
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
        Ok(SlashReply::text(format!(
            "{} and {} will never be paired together.",
            a.mention(),
            b.mention()
        )))
    }

    async fn export(&self, moderator: &UserId) -> Result<SlashReply> {
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
            let msg = messages::moderator::partner_left_alert(user, &remaining[0], &updated);
            self.tell_moderators_once(&key, &msg).await?;
        }
        Ok(true)
    }

    /// Someone finished onboarding (or confirmed) after pairing: pair them now
    /// if more than half the round is left and someone is waiting.
    pub(crate) async fn late_joiner(&self, user: &UserId) -> Result<()> {
        let now = self.now();
        let round = self.live_round();
        let paired = self.is_paired(round).await?;
        if !paired || self.group_of(user, round).await?.is_some() {
            return Ok(());
        }
        if !calendar::more_than_half_left(&self.cfg, round, now) {
            return self
                .dm_once(
                    &OnceKey::Late {
                        round,
                        user: user.clone(),
                    },
                    user,
                    &messages::pair_now::offer(
                        messages::moderator::late_wait(&self.cfg, now),
                        round,
                    ),
                )
                .await
                .map(|_| ());
        }
        // A partner drafted by someone else at the same moment: look again.
        let mut paired = None;
        for _ in 0..3 {
            let Some(partner) = self.best_waiting_partner(user, round).await? else {
                break;
            };
            let group = self
                .create_group(
                    vec![user.clone(), partner.clone()],
                    GroupOrigin::LateJoin,
                    None,
                )
                .await?;
            if let Some(g) = group {
                paired = Some((partner, g));
                break;
            }
            if self.group_of(user, round).await?.is_some() {
                return Ok(()); // placed by a concurrent run of this very flow
            }
        }
        match paired {
            Some((partner, g)) => {
                self.note_moderators(&messages::moderator::late_paired(user, &partner, g.number))
                    .await;
            }
            None => match self.join_as_third(user, round).await? {
                Some(g) => {
                    self.note_moderators(&messages::moderator::late_trio(user, &g))
                        .await;
                }
                None => {
                    self.dm_once(
                        &OnceKey::Late {
                            round,
                            user: user.clone(),
                        },
                        user,
                        &messages::pair_now::offer(
                            messages::moderator::late_wait(&self.cfg, now),
                            round,
                        ),
                    )
                    .await?;
                    self.note_moderators(&messages::moderator::late_unpaired(user))
                        .await;
                }
            },
        }
        Ok(())
    }

    /// Adds a late joiner to the live pair they fit best, as a trio, when
    /// the fit is good (no repeat, a decent score); notifies the new trio.
    pub(crate) async fn join_as_third(
        &self,
        user: &UserId,
        round: RoundId,
    ) -> Result<Option<Group>> {
        let now = self.now();
        let Some(profile) = self.deps.members.get(user).await?.and_then(|m| m.profile) else {
            return Ok(None);
        };
        let members = self.deps.members.list().await?;
        let profile_of = |id: &UserId| {
            members
                .iter()
                .find(|m| m.id == *id)
                .and_then(|m| m.profile.as_ref())
                .map(|p| pairing::candidate(id, p, now))
        };
        let pairs: Vec<Group> = self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .filter(|g| g.is_live() && g.active_members().count() == 2)
            // Only pairs who both said a third is welcome (the profile choice).
            .filter(|g| {
                g.active_members().all(|u| {
                    members
                        .iter()
                        .find(|m| m.id == *u)
                        .is_none_or(|m| m.open_to_third)
                })
            })
            .collect();
        let candidates: Vec<Vec<mentor_matching::Candidate>> = pairs
            .iter()
            .map(|g| g.active_members().filter_map(profile_of).collect())
            .collect();
        let past = self.past_groups(round).await?;
        let fit = mentor_matching::best_group_for(
            &pairing::candidate(user, &profile, now),
            &candidates,
            &pairing::history(round, &past),
            &pairing::exclusions(&members),
            &self.cfg.matching,
        );
        let Some(fit) = fit.filter(|f| {
            f.score >= LATE_TRIO_MIN_SCORE
                && !f
                    .reasons
                    .iter()
                    .any(|r| matches!(r, mentor_matching::Reason::MetBefore { .. }))
        }) else {
            return Ok(None);
        };
        let number = pairs[fit.index].number;
        // Joining takes the late joiner's place in the round and re-enters
        // the group into the outbox, both in the group's conditional write;
        // a pair that changed meanwhile (now a trio, dissolved) is left alone.
        let Some(current) = self.group(round, number).await? else {
            return Ok(None);
        };
        if !current.is_live() || current.active_members().count() != 2 {
            return Ok(None);
        }
        let mut joined = current.clone();
        joined.version += 1;
        joined.members.push(user.clone());
        joined.joined_late = Some(user.clone());
        joined.score += fit.score;
        joined.reasons.extend(fit.reasons.iter().cloned());
        joined.to_announce = Some(now);
        let write = GroupWrite::update(current, joined.clone());
        if !self.deps.rounds.write_groups(&[write]).await? {
            return Ok(None);
        }
        self.confirm(user, round).await?;
        let event = BusEvent::NotifyGroup {
            round,
            group: number,
        };
        if let Err(e) = self.deps.bus.publish(&[event]).await {
            tracing::warn!(round = %round, group = number, error = %e, "publish failed; left to the outbox");
        }
        Ok(Some(joined))
    }
}

#[cfg(test)]
mod tests;
