//! Monthly rounds: the tick, reconfirmation, the pairing run, notification
//! fan-out and consumption, and check-ins. Every send is guarded by a
//! once-only marker, and the round item is a small state machine, so a
//! duplicate tick, a Lambda retry or a crash halfway never pairs twice or DMs twice.

use chrono::Duration;

use super::Bot;
use crate::calendar::{self, Due};
use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{
    CheckinAnswer, Confirmation, Group, Ineligible, Member, MemberStatus, Round, RoundState,
};
use crate::once_key::OnceKey;
use crate::pairing;
use crate::ports::{BusEvent, GroupWrite};

/// What a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub due: Vec<String>,
    pub published: usize,
}

/// What asking for a pairing run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// This call paired the round.
    Paired(Round),
    /// The round was already paired.
    AlreadyPaired(Round),
    /// Another run is in progress.
    InProgress,
}

/// A pairing run older than this is presumed dead and may be resumed.
const STALE_RUN_MINUTES: i64 = 15;
/// A group stored this long ago and still not announced is re-published by
/// the tick (longer than a delivery and its retries normally take).
const ANNOUNCE_RETRY_MINUTES: i64 = 30;
/// How many times to retry an optimistic update before giving up.
const UPDATE_ATTEMPTS: usize = 8;

impl Bot {
    /// The hourly tick: does whatever the calendar says is due.
    pub async fn tick(&self) -> Result<TickReport> {
        let now = self.now();
        let cur_id = calendar::current_round(&self.cfg, now);
        let cur = self.deps.rounds.get(cur_id).await?;
        let next = self.deps.rounds.get(cur_id.next()).await?;
        let due = calendar::due(&self.cfg, now, cur.as_ref(), next.as_ref());
        let mut report = TickReport {
            published: self.recover_from_slack_outage(cur_id).await?,
            ..TickReport::default()
        };
        // Before pairing: a snooze ending on a pairing day is back for it.
        report.published += self.end_snoozes().await?;
        for d in due {
            report.due.push(d.to_string());
            tracing::info!(due = %d, "due");
            report.published += match d {
                Due::Pair(r) => match self.run_round(r).await? {
                    RunOutcome::Paired(round) => {
                        (round.stats.groups + round.stats.unmatched + round.stats.not_confirmed)
                            as usize
                    }
                    _ => 0,
                },
                Due::Reconfirm(r) => self.start_reconfirm(r).await?,
                Due::Remind(r) => self.start_reminders(r).await?,
                Due::Checkin(r, day) => self.start_checkins(r, day).await?,
            };
        }
        report.published += self.alert_unresponsive(cur_id).await?;
        report.published += self.start_momentum(cur_id).await?;
        report.published += self.announce_pending(cur_id).await?;
        Ok(report)
    }

    /// The outbox: re-publishes the live groups of a paired round that were
    /// stored but not yet announced a while ago (the publish after storing
    /// failed, or its delivery never succeeded). The DMs are claimed one by
    /// one, so a group announced meanwhile is not announced twice.
    async fn announce_pending(&self, round: RoundId) -> Result<usize> {
        if !self.is_paired(round).await? {
            // A run in progress (or to resume) publishes its own groups.
            return Ok(0);
        }
        let now = self.now();
        let events: Vec<BusEvent> = self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .filter(|g| g.is_live() || g.dissolved)
            .filter(|g| {
                g.to_announce
                    .is_some_and(|t| now - t >= Duration::minutes(ANNOUNCE_RETRY_MINUTES))
            })
            .map(|g| BusEvent::NotifyGroup {
                round,
                group: g.number,
            })
            .collect();
        if !events.is_empty() {
            tracing::warn!(round = %round, groups = events.len(), "re-publishing unannounced groups");
            self.deps.bus.publish(&events).await?;
        }
        Ok(events.len())
    }

    /// The round item, created (with its seed) on first touch.
    pub async fn ensure_round(&self, id: RoundId) -> Result<Round> {
        if let Some(r) = self.deps.rounds.get(id).await? {
            return Ok(r);
        }
        let r = Round::new(id, pairing::seed_for(id), self.now());
        self.deps.rounds.create(&r).await?;
        self.deps
            .rounds
            .get(id)
            .await?
            .ok_or_else(|| Error::Store(format!("round {id} vanished")))
    }

    /// Applies `change` to the round with optimistic concurrency.
    pub(crate) async fn update_round(
        &self,
        id: RoundId,
        change: impl Fn(&mut Round),
    ) -> Result<Round> {
        for _ in 0..UPDATE_ATTEMPTS {
            let current = self.ensure_round(id).await?;
            let mut next = current.next_version();
            change(&mut next);
            if self.deps.rounds.update(&next).await? {
                return Ok(next);
            }
        }
        Err(Error::Conflict(format!("round {id}")))
    }

    /// Applies `change` to a group with optimistic concurrency; `None` if absent.
    pub(crate) async fn update_group(
        &self,
        round: RoundId,
        number: u32,
        change: impl Fn(&mut Group),
    ) -> Result<Option<Group>> {
        for _ in 0..UPDATE_ATTEMPTS {
            let Some(current) = self.group(round, number).await? else {
                return Ok(None);
            };
            let mut next = current.clone();
            next.version += 1;
            change(&mut next);
            let write = GroupWrite::update(current, next.clone());
            if self.deps.rounds.write_groups(&[write]).await? {
                return Ok(Some(next));
            }
        }
        Err(Error::Conflict(format!("group {round}/{number}")))
    }

    /// Groups of the past rounds the engine should know about.
    pub(crate) async fn past_groups(&self, round: RoundId) -> Result<Vec<Group>> {
        let mut out = Vec::new();
        let mut r = round.prev();
        for _ in 0..self.cfg.retention.history_rounds(pairing::HISTORY_ROUNDS) {
            out.extend(self.deps.rounds.groups(r).await?);
            r = r.prev();
        }
        Ok(out)
    }

    /// T−7: asks every active member whether they stay in for `round`
    /// (paused members get a short "still paused" note instead).
    async fn start_reconfirm(&self, round: RoundId) -> Result<usize> {
        self.ensure_round(round).await?;
        let sent = self
            .ask_members(
                |m| {
                    m.status == MemberStatus::Paused
                        || (m.status == MemberStatus::Active
                            && !m.confirmations.contains_key(&round))
                },
                |user| BusEvent::Reconfirm { round, user },
            )
            .await?;
        let now = self.now();
        self.update_round(round, |r| {
            r.reconfirm_sent_at.get_or_insert(now);
        })
        .await?;
        Ok(sent)
    }

    /// T−2 (configurable): one reminder to active members who haven't answered.
    async fn start_reminders(&self, round: RoundId) -> Result<usize> {
        let sent = self
            .ask_members(
                |m| m.status == MemberStatus::Active && !m.confirmations.contains_key(&round),
                |user| BusEvent::Remind { round, user },
            )
            .await?;
        let now = self.now();
        self.update_round(round, |r| {
            r.reminder_sent_at.get_or_insert(now);
        })
        .await?;
        Ok(sent)
    }

    /// Publishes one event per member in the channel with a profile who
    /// `wanted`; returns how many.
    async fn ask_members(
        &self,
        wanted: impl Fn(&Member) -> bool,
        event: impl Fn(UserId) -> BusEvent,
    ) -> Result<usize> {
        let events: Vec<BusEvent> = self
            .deps
            .members
            .list()
            .await?
            .into_iter()
            .filter(|m| m.in_channel && m.profile.is_some() && wanted(m))
            .map(|m| event(m.id))
            .collect();
        self.deps.bus.publish(&events).await?;
        Ok(events.len())
    }

    /// All members, with channel membership checked against Slack
    /// (`conversations.members`) in case a leave event was missed. Members
    /// no longer in the channel are taken out (and stored so when `persist`).
    /// An empty or failed answer changes nothing: the bot itself is always a
    /// member, so an empty list means Slack didn't tell us.
    async fn members_in_channel(&self, persist: bool) -> Result<Vec<Member>> {
        let mut members = self.deps.members.list().await?;
        let in_channel = match self.deps.slack.channel_members(&self.cfg.channel).await {
            Ok(list) if !list.is_empty() => list,
            Ok(_) => return Ok(members),
            Err(e) => {
                tracing::warn!(error = %e, "conversations.members failed; using stored membership");
                return Ok(members);
            }
        };
        let present: std::collections::HashSet<&UserId> = in_channel.iter().collect();
        let take_out = |m: &mut Member| {
            m.in_channel = false;
            if matches!(m.status, MemberStatus::Active | MemberStatus::Paused) {
                m.status = MemberStatus::Left;
            }
        };
        for m in members.iter_mut() {
            if m.in_channel && !present.contains(&m.id) {
                take_out(m);
                if persist {
                    tracing::info!(user = %m.id, "not in the channel any more; taken out");
                    // A versioned update of the fresh item: a click that landed
                    // since the list was read is kept, not overwritten.
                    if let Some(fresh) = self.update_member(&m.id.clone(), take_out).await? {
                        *m = fresh;
                    }
                }
            }
        }
        Ok(members)
    }

    /// Members of the programme who are paired in `round`, and those who
    /// will be told they are not because they skipped it or did not answer
    /// "stay in?". Nobody is told they didn't confirm a round they were never
    /// asked about (`asked`: the round's reminders went out).
    fn split_eligible(
        members: &[Member],
        round: RoundId,
        asked: bool,
    ) -> (Vec<&Member>, Vec<&Member>) {
        let eligible = members
            .iter()
            .filter(|m| m.is_eligible_for(round))
            .collect();
        let not_confirmed = members
            .iter()
            .filter(|m| match m.ineligibility(round) {
                Some(Ineligible::Skipping) => true,
                Some(Ineligible::DidNotConfirm) => asked,
                _ => false,
            })
            .collect();
        (eligible, not_confirmed)
    }

    /// Computes the plan for `round` without storing anything (moderator preview).
    pub async fn preview_round(
        &self,
        round: RoundId,
    ) -> Result<(Round, mentor_matching::RoundPlan)> {
        let r = self.ensure_round(round).await?;
        let members = self.members_in_channel(false).await?;
        let (eligible, _) = Self::split_eligible(&members, round, false);
        let past = self.past_groups(round).await?;
        let plan = pairing::plan(
            &self.cfg,
            round,
            &eligible,
            &members,
            &past,
            r.seed,
            self.now(),
        );
        Ok((r, plan))
    }

    /// T: pairs `round` exactly once, then fans out the notifications.
    pub async fn run_round(&self, id: RoundId) -> Result<RunOutcome> {
        let now = self.now();
        let round = self.ensure_round(id).await?;
        match round.state {
            RoundState::Paired => return Ok(RunOutcome::AlreadyPaired(round)),
            RoundState::Pairing => {
                let stale = round
                    .pairing_started_at
                    .is_none_or(|t| now - t > Duration::minutes(STALE_RUN_MINUTES));
                if !stale {
                    return Ok(RunOutcome::InProgress);
                }
                tracing::warn!(round = %id, "resuming a pairing run that did not finish");
            }
            RoundState::Open => {}
        }
        // Claim the run: only one claimant's conditional write succeeds.
        let mut claim = round.next_version();
        claim.state = RoundState::Pairing;
        claim.pairing_started_at = Some(now);
        if !self.deps.rounds.update(&claim).await? {
            return Ok(RunOutcome::InProgress);
        }
        let members = self.members_in_channel(true).await?;
        let asked = claim.reconfirm_sent_at.is_some();
        let (eligible, not_confirmed) = Self::split_eligible(&members, id, asked);
        // Resuming after the plan was stored: keep its groups (some DMs may be
        // out). Otherwise nothing was announced yet: plan afresh, overwrite
        // whatever a crashed attempt half-wrote, and retire its extra groups.
        let mut groups = self.deps.rounds.groups(id).await?;
        let mut unmatched = claim.unmatched.clone();
        if !claim.plan_stored {
            let past = self.past_groups(id).await?;
            let plan = pairing::plan(&self.cfg, id, &eligible, &members, &past, claim.seed, now);
            let mut fresh = pairing::groups_of(id, &plan, 1);
            // The outbox: each group waits to be announced from the moment it is stored.
            fresh.iter_mut().for_each(|g| g.to_announce = Some(now));
            let planned = fresh.len();
            let leftovers: Vec<Group> = groups
                .into_iter()
                .filter(|g| g.number as usize > planned)
                .map(|mut g| {
                    g.dissolved = true;
                    g
                })
                .collect();
            groups = fresh;
            unmatched = plan
                .unmatched
                .iter()
                .map(|u| (UserId::from(&u.member), u.reason))
                .collect();
            let mut writes = groups.clone();
            writes.extend(leftovers);
            self.deps.rounds.put_groups(&writes).await?;
        }
        let past = self.past_groups(id).await?;
        let repeats = groups
            .iter()
            .filter(|g| {
                past.iter()
                    .any(|p| g.members.iter().filter(|m| p.members.contains(m)).count() >= 2)
            })
            .count() as u32;
        let not_confirmed_ids: Vec<UserId> = not_confirmed.iter().map(|m| m.id.clone()).collect();
        let mut stored = claim.clone();
        stored.version += 1;
        stored.unmatched = unmatched.clone();
        stored.plan_stored = true;
        stored.not_confirmed = not_confirmed_ids.clone();
        stored.stats = crate::model::RoundStats {
            eligible: eligible.len() as u32,
            groups: groups.len() as u32,
            trios: groups.iter().filter(|g| g.members.len() == 3).count() as u32,
            unmatched: unmatched.len() as u32,
            not_confirmed: not_confirmed_ids.len() as u32,
            repeats,
        };
        if !self.deps.rounds.update(&stored).await? {
            return Err(Error::Conflict(format!(
                "round {id} changed during the run"
            )));
        }
        let mut events: Vec<BusEvent> = groups
            .iter()
            .map(|g| BusEvent::NotifyGroup {
                round: id,
                group: g.number,
            })
            .collect();
        events.extend(
            unmatched
                .iter()
                .map(|(u, _)| u)
                .chain(not_confirmed_ids.iter())
                .map(|u| BusEvent::NotifyUnpaired {
                    round: id,
                    user: u.clone(),
                }),
        );
        events.push(BusEvent::ModeratorSummary { round: id });
        self.deps.bus.publish(&events).await?;
        let mut done = stored.next_version();
        done.state = RoundState::Paired;
        done.paired_at = Some(self.now());
        if !self.deps.rounds.update(&done).await? {
            return Err(Error::Conflict(format!(
                "round {id} changed during the run"
            )));
        }
        tracing::info!(round = %id, groups = done.stats.groups, unmatched = done.stats.unmatched, "round paired");
        Ok(RunOutcome::Paired(done))
    }

    /// T+d: fans out the check-ins of `round`.
    async fn start_checkins(&self, round: RoundId, day: u32) -> Result<usize> {
        let events: Vec<BusEvent> = self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .filter(|g| g.is_live())
            .map(|g| BusEvent::Checkin {
                round,
                group: g.number,
                day,
            })
            .collect();
        self.deps.bus.publish(&events).await?;
        self.update_round(round, |r| {
            if !r.checkins_sent.contains(&day) {
                r.checkins_sent.push(day);
            }
        })
        .await?;
        Ok(events.len())
    }

    /// Consumes one piece of hand-off work from the bus. When Slack refuses
    /// the bot's own token the work stops unmarked (the error is returned so
    /// it stays retryable) and the round remembers the outage, so the tick
    /// re-drives its messages once Slack works again.
    pub async fn on_bus_event(&self, event: &BusEvent) -> Result<()> {
        let result = self.handle_bus_event(event).await;
        if let Some(code) = result.as_ref().err().and_then(Error::bot_error_code) {
            tracing::error!(
                code,
                kind = event.detail_type(),
                "Slack refused the bot's token; work kept for retry"
            );
            self.note_slack_outage(self.current_round(), code).await;
        }
        result
    }

    async fn note_slack_outage(&self, round: RoundId, code: &str) {
        let now = self.now();
        let noted = self
            .update_round(round, |r| {
                if r.slack_outage.is_none() {
                    r.slack_outage = Some((now, code.to_string()));
                }
            })
            .await;
        if let Err(e) = noted {
            tracing::error!(error = %e, "could not record the Slack outage");
        }
    }

    /// After the bot's token failed: once `auth.test` passes again, every
    /// message of the round (and the next round's reminders) is published
    /// again; each is claimed per person, so only what was not delivered
    /// goes out. The moderators are told once. While Slack still refuses
    /// the token, the tick stops here with that error (the alarm).
    async fn recover_from_slack_outage(&self, current: RoundId) -> Result<usize> {
        let mut published = 0;
        for id in [current.prev(), current] {
            let Some(round) = self.deps.rounds.get(id).await? else {
                continue;
            };
            let Some((since, code)) = round.slack_outage.clone() else {
                continue;
            };
            self.deps.slack.auth_test().await?;
            let events = self.redrive_events(&round).await?;
            self.deps.bus.publish(&events).await?;
            published += events.len();
            self.update_round(id, |r| r.slack_outage = None).await?;
            tracing::warn!(round = %id, code, republished = events.len(), "Slack works again; messages re-driven");
            let key = OnceKey::SlackBack {
                since: since.timestamp_millis(),
            };
            let msg = messages::moderator::slack_back(&code, since, events.len());
            self.tell_moderators_once(&key, &msg).await?;
        }
        Ok(published)
    }

    /// Every message a round may have sent so far (each guarded per person).
    async fn redrive_events(&self, round: &Round) -> Result<Vec<BusEvent>> {
        let id = round.id;
        let mut events = Vec::new();
        if round.state == RoundState::Paired {
            for g in self.deps.rounds.groups(id).await? {
                if !g.is_live() {
                    continue;
                }
                events.push(BusEvent::NotifyGroup {
                    round: id,
                    group: g.number,
                });
                for day in &round.checkins_sent {
                    events.push(BusEvent::Checkin {
                        round: id,
                        group: g.number,
                        day: *day,
                    });
                }
            }
            events.extend(
                round
                    .unmatched
                    .iter()
                    .map(|(u, _)| u)
                    .chain(round.not_confirmed.iter())
                    .map(|u| BusEvent::NotifyUnpaired {
                        round: id,
                        user: u.clone(),
                    }),
            );
            events.push(BusEvent::ModeratorSummary { round: id });
        }
        let next = id.next();
        if self
            .deps
            .rounds
            .get(next)
            .await?
            .is_some_and(|r| r.reconfirm_sent_at.is_some())
        {
            events.extend(
                self.deps
                    .members
                    .list()
                    .await?
                    .into_iter()
                    .filter(|m| m.status == MemberStatus::Active && m.in_channel)
                    .filter(|m| !m.confirmations.contains_key(&next))
                    .map(|m| BusEvent::Reconfirm {
                        round: next,
                        user: m.id,
                    }),
            );
        }
        Ok(events)
    }

    async fn handle_bus_event(&self, event: &BusEvent) -> Result<()> {
        match event {
            BusEvent::NotifyGroup { round, group } => self.notify_group(*round, *group).await,
            BusEvent::NotifyUnpaired { round, user } => self.notify_unpaired(*round, user).await,
            BusEvent::Reconfirm { round, user } => self.send_reconfirm(*round, user).await,
            BusEvent::Remind { round, user } => self.send_reminder(*round, user).await,
            BusEvent::Checkin { round, group, day } => {
                self.send_checkin(*round, *group, *day).await
            }
            BusEvent::ModeratorSummary { round } => self.send_summary(*round).await,
            BusEvent::DeleteMember { user, requested_at } => {
                self.delete_member_data(user, *requested_at).await
            }
            BusEvent::Preview {
                round,
                requested_by,
                response_url,
            } => {
                self.moderator_preview(*round, requested_by, response_url.as_deref())
                    .await
            }
            BusEvent::RunRound {
                round,
                requested_by,
                response_url,
            } => {
                self.moderator_run(*round, requested_by, response_url.as_deref())
                    .await
            }
            BusEvent::Accepted { key, job } => self.run_accepted(key, job).await,
            BusEvent::SnoozeEnded { user, until } => self.snooze_ended(user, *until).await,
            BusEvent::Momentum { round, group } => self.send_momentum(*round, *group).await,
        }
    }

    /// Sends one DM at most once; a permanent "can't reach" marks the member
    /// unreachable instead of failing (retrying would not help).
    pub(crate) async fn dm_once(
        &self,
        key: &OnceKey,
        user: &UserId,
        message: &crate::surface::Message,
    ) -> Result<bool> {
        self.once_or_retry(key, || async {
            match self.dm(user, message).await {
                Err(Error::Slack(f)) if f.permanent && f.means_unreachable() => {
                    self.mark_unreachable(user, &f.code).await
                }
                other => other,
            }
        })
        .await
    }

    /// The outbox for a group a moderator's `repair` dissolved: its members
    /// who are not in another live group now are told their pairing ended.
    async fn announce_dissolved(&self, group: &Group) -> Result<()> {
        let round = group.round;
        for user in group.active_members() {
            if self.group_of(user, round).await?.is_some() {
                continue;
            }
            let key = OnceKey::UnpairedByModerator {
                round,
                group: group.number,
                user: user.clone(),
            };
            self.dm_once(&key, user, &messages::moderator::unpaired_member())
                .await?;
        }
        let announced = group.to_announce;
        self.update_group(round, group.number, |g| {
            if g.to_announce == announced {
                g.to_announce = None;
            }
        })
        .await?;
        Ok(())
    }

    pub(crate) async fn group(&self, round: RoundId, number: u32) -> Result<Option<Group>> {
        Ok(self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .find(|g| g.number == number))
    }

    async fn notify_group(&self, round: RoundId, number: u32) -> Result<()> {
        let Some(mut group) = self.group(round, number).await? else {
            tracing::warn!(round = %round, group = number, "notification for a missing group");
            return Ok(());
        };
        if group.dissolved && group.to_announce.is_some() {
            return self.announce_dissolved(&group).await;
        }
        if !group.is_live() {
            return Ok(());
        }
        // Someone who left the group mid-round is not told about it again.
        let departed = group.departed.clone();
        group.members.retain(|m| !departed.contains(m));
        let members: Vec<Member> = {
            let mut v = Vec::new();
            for id in &group.members {
                if let Some(m) = self.deps.members.get(id).await? {
                    v.push(m);
                }
            }
            v
        };
        // The group DM first, so the personal DMs can point at it.
        let intro = messages::rounds::group_intro(&self.cfg, &group);
        // Keyed by size too: a late joiner turning the pair into a trio gets a
        // new group DM with all three.
        let key = OnceKey::NotifyGroup {
            round,
            group: number,
            size: group.members.len(),
        };
        let opened = std::sync::Mutex::new(None);
        self.once_or_retry(&key, || async {
                match self.group_dm(&group.members, &intro).await {
                    Ok(channel) => {
                        *opened.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
                        Ok(())
                    }
                    Err(Error::Slack(f)) if f.permanent && f.means_unreachable() => {
                        tracing::warn!(round = %round, group = number, code = %f.code, "group DM failed");
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            })
            .await?;
        // Link the personal DMs to the group DM. Only a retry, whose group DM
        // went out before, asks Slack for it again (conversations.open returns
        // the same one every time; it is Tier 3, about 50 a minute).
        let opened = opened.into_inner().unwrap_or_else(|e| e.into_inner());
        let group_dm = match opened {
            Some(channel) => Some(channel),
            None => self.deps.slack.open_dm(&group.members).await.ok(),
        };
        for me in &members {
            let partners: Vec<&Member> = members.iter().filter(|m| m.id != me.id).collect();
            let msg = messages::rounds::pairing_dm(
                &self.cfg,
                &group,
                me,
                &partners,
                group_dm.as_ref(),
                self.now(),
            );
            let key = OnceKey::Notify {
                round,
                group: number,
                user: me.id.clone(),
            };
            self.dm_once(&key, &me.id, &msg).await?;
        }
        // Everyone is told: take the group out of the outbox, unless it
        // changed meanwhile (a late joiner made it a trio) and waits again.
        let announced = group.to_announce;
        if announced.is_some() {
            self.update_group(round, number, |g| {
                if g.to_announce == announced {
                    g.to_announce = None;
                }
            })
            .await?;
        }
        Ok(())
    }

    async fn notify_unpaired(&self, round: RoundId, user: &UserId) -> Result<()> {
        let Some(r) = self.deps.rounds.get(round).await? else {
            return Ok(());
        };
        let why = r.unmatched.iter().find(|(u, _)| u == user).map(|(_, w)| *w);
        if why.is_none() {
            // Listed as not confirmed when the run read the members; a Yes
            // that landed while it was pairing makes them a late joiner.
            let confirmed_since = self
                .deps
                .members
                .get(user)
                .await?
                .is_some_and(|m| m.is_confirmed_for(round));
            if confirmed_since {
                tracing::info!(user = %user, round = %round, "confirmed during pairing; late joiner");
                return if round == self.current_round() {
                    self.late_joiner(user).await
                } else {
                    Ok(())
                };
            }
        }
        let msg = match why {
            Some(w) if round == self.current_round() => messages::pair_now::offer(
                messages::rounds::unmatched(&self.cfg, round, w, self.now()),
                round,
            ),
            Some(w) => messages::rounds::unmatched(&self.cfg, round, w, self.now()),
            None => messages::rounds::not_confirmed(&self.cfg, round, self.now()),
        };
        let key = OnceKey::Unpaired {
            round,
            user: user.clone(),
        };
        self.dm_once(&key, user, &msg).await.map(|_| ())
    }

    async fn send_reconfirm(&self, round: RoundId, user: &UserId) -> Result<()> {
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        let msg = match m.status {
            MemberStatus::Paused => messages::still_paused(&self.cfg, round),
            MemberStatus::Active if !m.confirmations.contains_key(&round) => {
                messages::rounds::reconfirm(&self.cfg, round)
            }
            _ => return Ok(()),
        };
        let key = OnceKey::Reconfirm {
            round,
            user: user.clone(),
        };
        self.dm_once(&key, user, &msg).await.map(|_| ())
    }

    async fn send_reminder(&self, round: RoundId, user: &UserId) -> Result<()> {
        let Some(m) = self.deps.members.get(user).await? else {
            return Ok(());
        };
        if m.status != MemberStatus::Active || m.confirmations.contains_key(&round) {
            return Ok(());
        }
        let msg = messages::rounds::reminder(&self.cfg, round);
        let key = OnceKey::Remind {
            round,
            user: user.clone(),
        };
        self.dm_once(&key, user, &msg).await.map(|_| ())
    }

    async fn send_checkin(&self, round: RoundId, number: u32, day: u32) -> Result<()> {
        let Some(group) = self.group(round, number).await? else {
            return Ok(());
        };
        if !group.is_live() {
            return Ok(());
        }
        for user in group.active_members() {
            let partners: Vec<UserId> = group.partners_of(user).cloned().collect();
            let msg = messages::rounds::checkin(&self.cfg, round, number, day, &partners);
            let key = OnceKey::Checkin {
                round,
                day,
                user: user.clone(),
            };
            self.dm_once(&key, user, &msg).await?;
        }
        Ok(())
    }

    async fn send_summary(&self, round: RoundId) -> Result<()> {
        let Some(r) = self.deps.rounds.get(round).await? else {
            return Ok(());
        };
        let msg = messages::moderator::round_summary(&r);
        for m in self.cfg.moderators.clone() {
            let key = OnceKey::Summary {
                round,
                moderator: m.clone(),
            };
            self.dm_once(&key, &m, &msg).await?;
        }
        Ok(())
    }

    /// A check-in button: `answer` for group `number` of `round`, `day` days in.
    pub(crate) async fn answer_checkin(
        &self,
        user: &UserId,
        answer: CheckinAnswer,
        round: RoundId,
        number: u32,
        day: u32,
    ) -> Result<()> {
        let now = self.now();
        let updated = self
            .update_group(round, number, |g| {
                if g.contains(user) {
                    g.checkins
                        .entry(day)
                        .or_default()
                        .insert(user.clone(), answer);
                    match answer {
                        CheckinAnswer::Unresponsive => {
                            g.unresponsive_reported.entry(user.clone()).or_insert(now);
                        }
                        CheckinAnswer::Met => {
                            g.unresponsive_reported.remove(user);
                        }
                        _ => {}
                    }
                }
            })
            .await?;
        let Some(group) = updated.filter(|g| g.contains(user)) else {
            return self
                .dm(
                    user,
                    &crate::surface::Message::plain(
                        "That check-in is for a pairing you're no longer in.",
                    ),
                )
                .await;
        };
        self.dm(
            user,
            &messages::rounds::checkin_thanks(&self.cfg, answer, self.cfg.unresponsive_alert_hours),
        )
        .await?;
        if answer == CheckinAnswer::WantOut {
            self.note_moderators(&messages::moderator::wants_out(user, &group))
                .await;
        }
        Ok(())
    }

    /// Alerts moderators about "partner not responding" answers older than the configured delay.
    async fn alert_unresponsive(&self, round: RoundId) -> Result<usize> {
        let now = self.now();
        let delay = Duration::hours(self.cfg.unresponsive_alert_hours as i64);
        let mut sent = 0;
        for g in self.deps.rounds.groups(round).await? {
            if !g.is_live() {
                continue;
            }
            for (user, at) in &g.unresponsive_reported {
                if now - *at < delay {
                    continue;
                }
                let msg = messages::moderator::unresponsive_alert(user, &g);
                let key = OnceKey::Alert {
                    round,
                    group: g.number,
                    user: user.clone(),
                };
                sent += usize::from(self.tell_moderators_once(&key, &msg).await?);
            }
        }
        Ok(sent)
    }

    /// Whether `user` is waiting: active, signed up, in the channel and in no live group of `round`.
    pub(crate) async fn waiting_members(&self, round: RoundId) -> Result<Vec<Member>> {
        let paired_at = self.deps.rounds.get(round).await?.and_then(|r| r.paired_at);
        let groups = self.deps.rounds.groups(round).await?;
        let in_group = |u: &UserId| {
            groups
                .iter()
                .any(|g| g.is_live() && g.active_members().any(|m| m == u))
        };
        Ok(self
            .deps
            .members
            .list()
            .await?
            .into_iter()
            .filter(|m| m.status == MemberStatus::Active && m.in_channel && m.profile.is_some())
            // Waiting means wanting a partner this round: confirmed for it,
            // or signed up after it was paired. Skippers and people who
            // never answered are not drafted in.
            .filter(|m| {
                m.is_confirmed_for(round)
                    || m.profile_saved_at
                        .zip(paired_at)
                        .is_some_and(|(saved, paired)| saved >= paired)
            })
            // An explicit Skip wins over a profile edit after pairing.
            .filter(|m| m.confirmations.get(&round) != Some(&Confirmation::Skip))
            .filter(|m| !in_group(&m.id))
            .collect())
    }

    /// Confirms `user` for `round` (used when someone joins late).
    pub(crate) async fn confirm(&self, user: &UserId, round: RoundId) -> Result<()> {
        self.update_member(user, |m| {
            m.confirmations.insert(round, Confirmation::Yes);
        })
        .await
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests;
