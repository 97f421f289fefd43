//! The member journey: onboarding, profile, self-service commands, App Home
//! and channel membership.

use chrono::Duration;

use super::Bot;
use crate::action::{Action, ReconfirmAnswer};
use crate::commands::Command;
use crate::error::Result;
use crate::ids::{ChannelId, RoundId, UserId};
use crate::messages::{self, StatusView};
use crate::model::{Confirmation, Member, MemberStatus};
use crate::once_key::OnceKey;
use crate::profile_form::{self, FieldErrors, FormValues};

/// Where a member spoke to the bot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A mention in a channel.
    Channel(ChannelId),
    /// A direct message.
    Dm,
}

/// A button click, as the interaction handler hands it over.
#[derive(Debug, Clone)]
pub struct Click {
    pub user: UserId,
    pub action: Action,
    pub trigger_id: Option<String>,
    /// Identifies this click's target (message or view) so a double-click is ignored.
    pub dedupe_key: String,
    pub response_url: Option<String>,
}

/// What became of a submitted profile form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOutcome {
    Saved,
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

/// What storing a submitted profile did, before its follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredProfile {
    /// Stored; `first_time` when it is the member's first profile.
    Saved { first_time: bool },
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

/// What the interaction handler should answer Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    Done,
    /// A repeat click: nothing done.
    Duplicate,
    /// Not an action we know.
    Unknown,
}

/// Profiles older than this are worth a second look on re-joining.
const OLD_PROFILE_DAYS: i64 = 180;
/// A channel invitation is not repeated within this time.
const INVITE_QUIET_DAYS: i64 = 1;

impl Bot {
    fn is_programme_channel(&self, channel: &ChannelId) -> bool {
        *channel == self.cfg.channel
    }

    /// Whether Slack says `user` is not in the programme channel. When Slack
    /// doesn't answer (or answers with an empty list: the bot itself is
    /// always a member, so that means it couldn't tell), nobody is turned
    /// away; the pairing run checks again.
    async fn outside_channel(&self, user: &UserId) -> bool {
        match self.deps.slack.channel_members(&self.cfg.channel).await {
            Ok(list) if !list.is_empty() => !list.contains(user),
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "conversations.members failed; not checking sign-up");
                false
            }
        }
    }

    /// What `status` and the App Home show.
    pub async fn status_of<'a>(&self, member: &'a Member) -> Result<StatusView<'a>> {
        let current = self.current_round();
        let next = current.next();
        let partners = self
            .group_of(&member.id, current)
            .await?
            .map(|g| {
                g.active_members()
                    .filter(|m| **m != member.id)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        Ok(StatusView {
            member,
            partners,
            current_round: current,
            next_round: next,
            answer_next: member.confirmations.get(&next).copied(),
            pair_now: self.pair_now_offer(member, current).await?,
        })
    }

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
                self.dm(user, &messages::no_change("opted out")).await
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
            let ack = crate::surface::Message::plain(
                "Hi! 👋 I've sent you a DM with a short form to join peer mentoring.",
            );
            self.deps.slack.post_ephemeral(&channel, user, &ack).await?;
        }
        Ok(())
    }

    async fn pause(&self, user: &UserId) -> Result<()> {
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
            Some(MemberStatus::Paused) => self.dm(user, &messages::no_change("paused")).await,
            _ => self.dm(user, &messages::no_change("not taking part")).await,
        }
    }

    /// Back in the programme and confirmed for the next round.
    async fn reactivate(&self, user: &UserId) -> Result<()> {
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

    async fn resume(&self, user: &UserId) -> Result<()> {
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
            _ => self.dm(user, &messages::no_change("taking part")).await,
        }
    }

    async fn opt_out(&self, user: &UserId) -> Result<()> {
        let before = self.deps.members.get(user).await?.map(|m| m.status);
        match before {
            Some(MemberStatus::OptedOut) => self.dm(user, &messages::no_change("opted out")).await,
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

    async fn opt_in(&self, user: &UserId) -> Result<()> {
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
            Some(MemberStatus::Active) => self.dm(user, &messages::no_change("in")).await,
            Some(MemberStatus::Onboarding) | None => {
                self.dm(user, &messages::not_signed_up(&self.cfg, self.now()))
                    .await
            }
        }
    }

    /// The last `n` round ids up to and including the current one.
    pub fn recent_rounds(&self, n: usize) -> Vec<RoundId> {
        let mut r = self.current_round();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(r);
            r = r.prev();
        }
        out
    }

    /// The profile form was submitted: stores it, then confirms by DM (and
    /// pairs a late joiner) at most once per `view_key`. Field errors go back
    /// to the modal.
    pub async fn save_profile(
        &self,
        user: &UserId,
        values: &FormValues,
        view_key: &str,
    ) -> Result<ProfileOutcome> {
        let first_time = match self.store_profile(user, values).await? {
            StoredProfile::Saved { first_time } => first_time,
            StoredProfile::Rejected(errors) => return Ok(ProfileOutcome::Rejected(errors)),
        };
        let key = OnceKey::View {
            submission: view_key.to_string(),
        };
        self.once(&key, || self.profile_saved_follow_up(user, first_time))
            .await?;
        Ok(ProfileOutcome::Saved)
    }

    /// The inline part of a profile submission: validates and stores it
    /// (no Slack calls).
    pub async fn store_profile(&self, user: &UserId, values: &FormValues) -> Result<StoredProfile> {
        let profile = match profile_form::validate(&self.cfg, values) {
            Ok(p) => p,
            Err(errors) => return Ok(StoredProfile::Rejected(errors)),
        };
        let now = self.now();
        let rounds = self.rounds_to_confirm().await?;
        // Someone who never spoke to the bot first has no item yet.
        if self.deps.members.get(user).await?.is_none() {
            self.deps
                .members
                .create(&Member::new_onboarding(user.clone(), now))
                .await?;
        }
        let first_time = self
            .deps
            .members
            .get(user)
            .await?
            .is_none_or(|m| m.profile.is_none());
        let saved = self
            .update_member(user, |member| {
                member.profile = Some(profile.clone());
                member.profile_saved_at = Some(now);
                if let Some(open) = crate::open_to_third::read(values) {
                    member.open_to_third = open;
                }
                if member.status == MemberStatus::Onboarding {
                    member.status = MemberStatus::Active;
                }
                if first_time || member.status == MemberStatus::Active {
                    for r in &rounds {
                        member.confirmations.entry(*r).or_insert(Confirmation::Yes);
                    }
                }
            })
            .await?;
        if saved.is_none() {
            // Deleted while the form was open: nothing is brought back (and
            // the follow-up finds no profile, so sends nothing).
            tracing::info!(user = %user, "profile saved after deletion; ignored");
            return Ok(StoredProfile::Saved { first_time: false });
        }
        tracing::info!(user = %user, first_time, "profile saved");
        Ok(StoredProfile::Saved { first_time })
    }

    /// After a profile is stored: the confirmation DM, and a late join.
    pub async fn profile_saved_follow_up(&self, user: &UserId, first_time: bool) -> Result<()> {
        let Some(profile) = self.deps.members.get(user).await?.and_then(|m| m.profile) else {
            return Ok(());
        };
        self.dm(
            user,
            &messages::profile_saved(&self.cfg, &profile, first_time, self.now()),
        )
        .await?;
        if first_time {
            self.late_joiner(user).await?;
        }
        Ok(())
    }

    /// Opens the profile form (button click with a trigger id).
    pub async fn open_profile(&self, user: &UserId, trigger_id: &str) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let profile = member.as_ref().and_then(|m| m.profile.as_ref());
        if profile.is_none() && self.outside_channel(user).await {
            return self
                .dm(user, &messages::join_channel_first(&self.cfg))
                .await;
        }
        let slack_tz = if profile.is_none() {
            // Prefill the time zone Slack knows; failing that, leave it empty.
            match self.deps.slack.user_info(user).await {
                Ok(info) => info.tz,
                Err(e) => {
                    tracing::warn!(user = %user, error = %e, "users.info failed");
                    None
                }
            }
        } else {
            None
        };
        let mut modal = profile_form::modal(&self.cfg, profile, slack_tz.as_deref());
        let open = member.as_ref().is_none_or(|m| m.open_to_third);
        modal.blocks.push(crate::open_to_third::field(open));
        self.deps.slack.open_modal(trigger_id, &modal).await?;
        Ok(())
    }

    /// What a click needs before any once-only work: the inline answer for
    /// the profile button (`views.open` must use the trigger within 3 s),
    /// nothing for link buttons and unknown actions, else its dedupe key.
    async fn click_kind(
        &self,
        click: &Click,
    ) -> Result<std::result::Result<OnceKey, ActionOutcome>> {
        let user = &click.user;
        match &click.action {
            // Opening a modal must work every time (the person may have closed it).
            Action::OpenProfile => {
                return match &click.trigger_id {
                    Some(t) => self
                        .open_profile(user, t)
                        .await
                        .map(|_| Err(ActionOutcome::Done)),
                    None => Ok(Err(ActionOutcome::Unknown)),
                };
            }
            // Link buttons still call back; nothing to do.
            Action::Resources | Action::OpenGroupDm => return Ok(Err(ActionOutcome::Done)),
            Action::Unknown { action_id } => {
                tracing::debug!(action_id, "unknown action");
                return Ok(Err(ActionOutcome::Unknown));
            }
            _ => {}
        }
        // An answer to "stay in?" may change any number of times until
        // pairing: the key carries the member's choice count, so only a
        // repeat of the same click on the same state is a double-click.
        let target = if matches!(click.action, Action::Reconfirm { .. }) {
            let n = self.deps.members.get(user).await?.map_or(0, |m| m.choices);
            format!("{}~{n}", click.dedupe_key)
        } else {
            click.dedupe_key.clone()
        };
        let (action_id, value) = click.action.encode();
        Ok(Ok(OnceKey::Click {
            user: user.clone(),
            action_id: action_id.to_string(),
            value,
            target,
        }))
    }

    /// A button click, ack first: deduplicated and handed to the scheduler
    /// (only the profile button's `views.open` happens inline).
    pub async fn accept_action(&self, click: &Click) -> Result<ActionOutcome> {
        let key = match self.click_kind(click).await? {
            Ok(key) => key,
            Err(outcome) => return Ok(outcome),
        };
        let window = chrono::Duration::minutes(super::CLICK_WINDOW_MINUTES);
        let (action_id, value) = click.action.encode();
        let job = crate::ports::Job::Click {
            user: click.user.clone(),
            action_id: action_id.to_string(),
            value,
            response_url: click.response_url.clone(),
        };
        Ok(if self.accept(&key, window, job).await? {
            ActionOutcome::Done
        } else {
            ActionOutcome::Duplicate
        })
    }

    /// A button was clicked (all work inline: the simulation and unit tests).
    pub async fn on_action(&self, click: &Click) -> Result<ActionOutcome> {
        let user = &click.user;
        let key = match self.click_kind(click).await? {
            Ok(key) => key,
            Err(outcome) => return Ok(outcome),
        };
        let window = chrono::Duration::minutes(super::CLICK_WINDOW_MINUTES);
        let did = self
            .once_within(&key, window, || self.apply_action(click))
            .await?;
        if did && !click.action.is_moderator() {
            self.refresh_home(user).await;
        }
        Ok(if did {
            ActionOutcome::Done
        } else {
            ActionOutcome::Duplicate
        })
    }

    pub(crate) async fn apply_action(&self, click: &Click) -> Result<()> {
        let user = &click.user;
        match &click.action {
            Action::Pause => self.pause(user).await,
            Action::Resume => self.resume(user).await,
            Action::OptOut => self.opt_out(user).await,
            Action::OptIn => self.opt_in(user).await,
            Action::DeleteConfirm => self.request_deletion(user).await,
            Action::DeleteCancel => self.dm(user, &messages::delete_cancelled()).await,
            Action::KeepMeIn => self.dm(user, &messages::kept_in()).await,
            Action::MyData => self.send_my_data(user).await,
            Action::PauseUntil { date } => self.pause_until_picked(user, *date).await,
            Action::PairMeNow { round } => self.pair_me_now(user, *round).await,
            Action::Momentum {
                answer,
                round,
                group,
            } => self.answer_momentum(user, *answer, *round, *group).await,
            Action::Reconfirm { answer, round } => {
                self.answer_reconfirm(user, *answer, *round).await
            }
            Action::Checkin {
                answer,
                round,
                group,
                day,
            } => {
                self.answer_checkin(user, *answer, *round, *group, *day)
                    .await
            }
            Action::Moderator(m) => {
                self.moderator_button(user, m, click.response_url.as_deref())
                    .await
            }
            Action::Unblock { user: who } => self.unblock(user, Some(who)).await,
            Action::HappyAgain { partner, on } => self.set_happy_again(user, partner, *on).await,
            // Answered in `on_action` without a click marker.
            Action::OpenProfile
            | Action::Resources
            | Action::OpenGroupDm
            | Action::Unknown { .. } => Ok(()),
        }
    }

    /// Republishes the App Home after a change; failures are only logged.
    pub async fn refresh_home(&self, user: &UserId) {
        if let Err(e) = self.on_home_opened(user).await {
            tracing::warn!(user = %user, error = %e, "home refresh failed");
        }
    }

    /// `app_home_opened`: publish the member's App Home.
    pub async fn on_home_opened(&self, user: &UserId) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let moderator = if self.cfg.is_moderator(user) {
            Some(self.moderator_home_blocks().await?)
        } else {
            None
        };
        let home = match member.as_ref().filter(|m| m.profile.is_some()) {
            Some(m) => {
                let view = self.status_of(m).await?;
                let mut home = messages::home(&self.cfg, Some(&view), moderator);
                self.add_member_choices_to_home(m, &mut home).await?;
                home
            }
            None => messages::home(&self.cfg, None, moderator),
        };
        self.deps.slack.publish_home(user, &home).await?;
        Ok(())
    }

    /// `member_joined_channel`.
    pub async fn on_member_joined(&self, user: &UserId, channel: &ChannelId) -> Result<()> {
        if !self.is_programme_channel(channel) {
            return Ok(());
        }
        let now = self.now();
        match self.deps.members.get(user).await? {
            Some(m) if m.profile.is_some() => {
                let was_left = m.status == MemberStatus::Left;
                let old = m
                    .profile_saved_at
                    .is_some_and(|t| now - t > Duration::days(OLD_PROFILE_DAYS));
                let rounds = self.rounds_to_confirm().await?;
                self.update_member(user, |m| {
                    m.in_channel = true;
                    if was_left {
                        m.status = MemberStatus::Active;
                        for r in &rounds {
                            m.confirmations.insert(*r, Confirmation::Yes);
                        }
                    }
                })
                .await?;
                if was_left {
                    self.dm(user, &messages::rejoined(&self.cfg, now, old))
                        .await?;
                }
                Ok(())
            }
            _ => {
                let key = OnceKey::Invite { user: user.clone() }.render();
                let claim = self
                    .deps
                    .ledger
                    .claim(&key, now, Duration::days(INVITE_QUIET_DAYS))
                    .await?;
                let crate::ports::Claim::New(token) = claim else {
                    return Ok(());
                };
                self.deps.ledger.complete(&key, &token).await?;
                let invite = messages::channel_invite(&self.cfg, now);
                self.deps
                    .slack
                    .post_ephemeral(channel, user, &invite)
                    .await?;
                Ok(())
            }
        }
    }

    /// `member_left_channel`.
    pub async fn on_member_left(&self, user: &UserId, channel: &ChannelId) -> Result<()> {
        if !self.is_programme_channel(channel) {
            return Ok(());
        }
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        let was_taking_part = matches!(m.status, MemberStatus::Active | MemberStatus::Paused);
        self.update_member(user, |m| {
            m.in_channel = false;
            if was_taking_part {
                m.status = MemberStatus::Left;
            }
        })
        .await?;
        if was_taking_part {
            // Only future rounds (DESIGN.md §8): the programme tells pairs who
            // want to keep going to leave the channel, so the current pair
            // carries on and the partner is told nothing.
            let partners: Vec<UserId> = self
                .group_of(user, self.current_round())
                .await?
                .map(|g| g.active_members().filter(|p| *p != user).cloned().collect())
                .unwrap_or_default();
            self.dm(user, &messages::left_channel(&self.cfg, &partners))
                .await?;
        }
        tracing::info!(user = %user, "member left the programme channel");
        Ok(())
    }

    /// The round `skip` and the status buttons answer for: the current
    /// round while the scheduler will still pair it, else the next one.
    async fn next_pairing_round(&self) -> Result<RoundId> {
        let current = self.current_round();
        let due = !self.is_paired(current).await?
            && crate::calendar::more_than_half_left(&self.cfg, current, self.now());
        Ok(if due { current } else { current.next() })
    }

    /// "Stay in?" answered (button, `skip`): the last answer before pairing wins.
    pub(crate) async fn answer_reconfirm(
        &self,
        user: &UserId,
        answer: ReconfirmAnswer,
        round: RoundId,
    ) -> Result<()> {
        let answer = match answer {
            ReconfirmAnswer::OptOut => return self.opt_out(user).await,
            ReconfirmAnswer::Yes => Confirmation::Yes,
            ReconfirmAnswer::Skip => Confirmation::Skip,
        };
        let Some(member) = self.deps.members.get(user).await? else {
            return self
                .dm(user, &messages::not_signed_up(&self.cfg, self.now()))
                .await;
        };
        // An old reminder's button: that round is over.
        if round < self.current_round() {
            return self
                .dm(user, &messages::rounds::reconfirm_too_late(round))
                .await;
        }
        match member.status {
            MemberStatus::Active | MemberStatus::Paused => {}
            // "Yes, pair me" after opting out opts back in, as the button says.
            MemberStatus::OptedOut | MemberStatus::Unreachable if answer == Confirmation::Yes => {
                self.reactivate(user).await?;
            }
            MemberStatus::Left => {
                return self
                    .dm(user, &messages::rejoin_channel_first(&self.cfg))
                    .await;
            }
            _ => {
                return self
                    .dm(
                        user,
                        &messages::no_change("not taking part (say `opt in` to come back)"),
                    )
                    .await;
            }
        }
        // A repeat of the answer already stored (a slow double-click) changes nothing.
        let unchanged = member.status == MemberStatus::Active
            && member.confirmations.get(&round) == Some(&answer);
        if unchanged {
            return Ok(());
        }
        let already_paired = self.is_paired(round).await?;
        self.update_member(user, |m| {
            m.confirmations.insert(round, answer);
            m.choices += 1;
            if answer == Confirmation::Yes && m.status == MemberStatus::Paused {
                m.status = MemberStatus::Active;
                m.paused_until = None;
            }
        })
        .await?;
        self.dm(
            user,
            &messages::rounds::reconfirm_answered(&self.cfg, round, answer, already_paired),
        )
        .await?;
        // A Yes that landed while the round was being paired: the run may
        // have read the members before it, so it counts as a late join.
        let paired_now = already_paired || self.is_paired(round).await?;
        if answer == Confirmation::Yes && paired_now && round == self.current_round() {
            self.late_joiner(user).await?;
        }
        Ok(())
    }

    /// "My partner isn't responding" by DM, any time during a round. The
    /// moderators are alerted by the tick once the configured delay passes.
    async fn report_unresponsive(&self, user: &UserId) -> Result<()> {
        let round = self.current_round();
        let Some(g) = self.group_of(user, round).await? else {
            return self
                .dm(user, &messages::rounds::no_partner_to_report())
                .await;
        };
        let now = self.now();
        self.update_group(round, g.number, |g| {
            g.unresponsive_reported.entry(user.clone()).or_insert(now);
        })
        .await?;
        let partners: Vec<UserId> = g.partners_of(user).cloned().collect();
        self.dm(
            user,
            &messages::rounds::unresponsive_noted(self.cfg.unresponsive_alert_hours, &partners),
        )
        .await
    }

    /// "We're talking now": withdraws a report; moderators who were alerted
    /// are told it was withdrawn.
    async fn withdraw_unresponsive(&self, user: &UserId) -> Result<()> {
        let round = self.current_round();
        let Some(g) = self.group_of(user, round).await? else {
            return self
                .dm(user, &messages::rounds::nothing_to_withdraw())
                .await;
        };
        let Some(reported) = g.unresponsive_reported.get(user).copied() else {
            return self
                .dm(user, &messages::rounds::nothing_to_withdraw())
                .await;
        };
        self.update_group(round, g.number, |g| {
            g.unresponsive_reported.remove(user);
        })
        .await?;
        let delay = Duration::hours(self.cfg.unresponsive_alert_hours as i64);
        let alerted = self.now() - reported >= delay;
        if alerted {
            let key = OnceKey::AlertWithdrawn {
                round,
                group: g.number,
                user: user.clone(),
            };
            let msg = messages::moderator::unresponsive_withdrawn(user, &g);
            self.tell_moderators_once(&key, &msg).await?;
        }
        self.dm(user, &messages::rounds::unresponsive_withdrawn(alerted))
            .await
    }
}

#[cfg(test)]
mod tests;
