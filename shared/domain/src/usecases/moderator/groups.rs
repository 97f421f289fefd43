//! Hand-made groups: who can be paired, and storing a group with its places.

use super::{Pairable, SlashReply};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::messages;
use crate::model::{Group, GroupOrigin, MemberStatus};
use crate::pairing;
use crate::ports::{BusEvent, GroupWrite};
use crate::usecases::Bot;

impl Bot {
    /// Checks a user can be paired by hand: in the programme, not opted out.
    pub(super) async fn pairable(&self, user: &UserId) -> Result<Pairable> {
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
        let (score, reasons) = self.score_members(&members, round, now).await?;
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
                to_announce: Some(now),
                formed_at: Some(now),
                ..Group::new(
                    round,
                    number,
                    members.clone(),
                    score,
                    reasons.clone(),
                    origin,
                )
            };
            let writes = self.new_group_writes(&group, &existing, replacing);
            if self.deps.rounds.write_groups(&writes).await? {
                self.announce_new_group(&group, &writes).await?;
                return Ok(Some(group));
            }
        }
        Err(Error::Conflict("new group number".into()))
    }

    /// The group's score and reasons: every pair inside it, scored as the
    /// engine would (with the round's history, so a repeat says so).
    async fn score_members(
        &self,
        members: &[UserId],
        round: crate::ids::RoundId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(i64, Vec<mentor_matching::Reason>)> {
        let mut profiles = Vec::new();
        for u in members {
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
        Ok((score, reasons))
    }

    /// The new group's write, and the dissolution of the group it replaces
    /// (if still live) in the same conditional write.
    fn new_group_writes(
        &self,
        group: &Group,
        existing: &[Group],
        replacing: Option<u32>,
    ) -> Vec<GroupWrite> {
        let mut writes = vec![GroupWrite::new_group(group.clone())];
        if let Some(old) = existing
            .iter()
            .find(|g| Some(g.number) == replacing && g.is_live())
        {
            let mut dissolved = old.clone();
            dissolved.version += 1;
            dissolved.dissolved = true;
            // Its other members are told by the outbox, like a new group.
            dissolved.to_announce = group.formed_at;
            writes.push(GroupWrite::update(old.clone(), dissolved));
        }
        writes
    }

    /// After the write: its members are confirmed for the round, and every
    /// written group is published for announcement. Stored with its outbox
    /// mark: if this publish fails the tick announces it, so the action
    /// itself has succeeded.
    async fn announce_new_group(&self, group: &Group, writes: &[GroupWrite]) -> Result<()> {
        let round = group.round;
        for u in &group.members {
            self.confirm(u, round).await?;
        }
        let events: Vec<BusEvent> = writes
            .iter()
            .map(|w| BusEvent::NotifyGroup {
                round,
                group: w.next.number,
            })
            .collect();
        if let Err(e) = self.deps.bus.publish(&events).await {
            tracing::warn!(round = %round, group = group.number, error = %e, "publish failed; left to the outbox");
        }
        Ok(())
    }

    /// Hand-made groups only go into a round the engine has already paired:
    /// before that, the run would take them for a half-finished run of its own.
    pub(super) async fn not_paired_yet(&self) -> Result<Option<SlashReply>> {
        let round = self.live_round();
        let paired = self.is_paired(round).await?;
        Ok((!paired).then(|| messages::moderator_replies::not_paired_yet(round).into()))
    }
}
