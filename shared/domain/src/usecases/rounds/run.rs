//! T: the pairing run (exactly once) and the moderator preview.

use chrono::{DateTime, Duration, Utc};

use super::{RunOutcome, STALE_RUN_MINUTES};
use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
use crate::model::{Group, Ineligible, Member, MemberStatus, Round, RoundState, UnmatchedWhy};
use crate::pairing;
use crate::ports::BusEvent;
use crate::usecases::Bot;

/// The groups a run announces and who it could not pair.
struct RunPlan {
    groups: Vec<Group>,
    unmatched: Vec<(UserId, UnmatchedWhy)>,
}

impl Bot {
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
        if let Some(outcome) = Self::not_runnable(&round, now) {
            return Ok(outcome);
        }
        let Some(claim) = self.claim_run(&round, now).await? else {
            return Ok(RunOutcome::InProgress);
        };
        let members = self.members_in_channel(true).await?;
        let asked = claim.reconfirm_sent_at.is_some();
        let (eligible, not_confirmed) = Self::split_eligible(&members, id, asked);
        let plan = self
            .plan_or_resume(&claim, &eligible, &members, now)
            .await?;
        let stored = self
            .persist_run(&claim, &plan, eligible.len(), &not_confirmed)
            .await?;
        self.publish_run(&stored, &plan.groups).await?;
        self.finish_run(&stored).await.map(RunOutcome::Paired)
    }

    /// Why `round` must not be run now: already paired, or another run is
    /// still fresh. A stale run (its runner presumably died) is resumed.
    fn not_runnable(round: &Round, now: DateTime<Utc>) -> Option<RunOutcome> {
        match round.state {
            RoundState::Paired => Some(RunOutcome::AlreadyPaired(round.clone())),
            RoundState::Pairing => {
                let stale = round
                    .pairing_started_at
                    .is_none_or(|t| now - t > Duration::minutes(STALE_RUN_MINUTES));
                if !stale {
                    return Some(RunOutcome::InProgress);
                }
                tracing::warn!(round = %round.id, "resuming a pairing run that did not finish");
                None
            }
            RoundState::Open => None,
        }
    }

    /// Claims the run: only one claimant's conditional write succeeds.
    async fn claim_run(&self, round: &Round, now: DateTime<Utc>) -> Result<Option<Round>> {
        let mut claim = round.next_version();
        claim.state = RoundState::Pairing;
        claim.pairing_started_at = Some(now);
        Ok(self.deps.rounds.update(&claim).await?.then_some(claim))
    }

    /// Resuming after the plan was stored: keep its groups (some DMs may be
    /// out). Otherwise nothing was announced yet: plan afresh, overwrite
    /// whatever a crashed attempt half-wrote, and retire its extra groups.
    async fn plan_or_resume(
        &self,
        claim: &Round,
        eligible: &[&Member],
        members: &[Member],
        now: DateTime<Utc>,
    ) -> Result<RunPlan> {
        let id = claim.id;
        let groups = self.deps.rounds.groups(id).await?;
        if claim.plan_stored {
            return Ok(RunPlan {
                groups,
                unmatched: claim.unmatched.clone(),
            });
        }
        let past = self.past_groups(id).await?;
        let plan = pairing::plan(&self.cfg, id, eligible, members, &past, claim.seed, now);
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
        let unmatched = plan
            .unmatched
            .iter()
            .map(|u| (UserId::from(&u.member), u.reason))
            .collect();
        let mut writes = fresh.clone();
        writes.extend(leftovers);
        self.deps.rounds.put_groups(&writes).await?;
        Ok(RunPlan {
            groups: fresh,
            unmatched,
        })
    }

    /// Stores the outcome on the round (who is unmatched, who didn't
    /// confirm, the stats) and marks its plan stored.
    async fn persist_run(
        &self,
        claim: &Round,
        plan: &RunPlan,
        eligible: usize,
        not_confirmed: &[&Member],
    ) -> Result<Round> {
        let id = claim.id;
        let past = self.past_groups(id).await?;
        let groups = &plan.groups;
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
        stored.unmatched = plan.unmatched.clone();
        stored.plan_stored = true;
        stored.not_confirmed = not_confirmed_ids.clone();
        stored.stats = crate::model::RoundStats {
            eligible: eligible as u32,
            groups: groups.len() as u32,
            trios: groups.iter().filter(|g| g.members.len() == 3).count() as u32,
            unmatched: plan.unmatched.len() as u32,
            not_confirmed: not_confirmed_ids.len() as u32,
            repeats,
        };
        if !self.deps.rounds.update(&stored).await? {
            return Err(Error::Conflict(format!(
                "round {id} changed during the run"
            )));
        }
        Ok(stored)
    }

    /// Hands the notifications to the bus: each group, each unmatched or
    /// unconfirmed member, and the moderators' summary.
    async fn publish_run(&self, stored: &Round, groups: &[Group]) -> Result<()> {
        let id = stored.id;
        let mut events: Vec<BusEvent> = groups
            .iter()
            .map(|g| BusEvent::NotifyGroup {
                round: id,
                group: g.number,
            })
            .collect();
        events.extend(
            stored
                .unmatched
                .iter()
                .map(|(u, _)| u)
                .chain(stored.not_confirmed.iter())
                .map(|u| BusEvent::NotifyUnpaired {
                    round: id,
                    user: u.clone(),
                }),
        );
        events.push(BusEvent::ModeratorSummary { round: id });
        events.extend(self.highlights_event(id));
        self.deps.bus.publish(&events).await
    }

    /// Marks the round paired.
    async fn finish_run(&self, stored: &Round) -> Result<Round> {
        let id = stored.id;
        let mut done = stored.next_version();
        done.state = RoundState::Paired;
        done.paired_at = Some(self.now());
        if !self.deps.rounds.update(&done).await? {
            return Err(Error::Conflict(format!(
                "round {id} changed during the run"
            )));
        }
        tracing::info!(round = %id, groups = done.stats.groups, unmatched = done.stats.unmatched, "round paired");
        Ok(done)
    }
}
