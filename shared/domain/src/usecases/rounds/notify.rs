//! Telling people: new groups, the unpaired, dissolved groups and the
//! moderators' summary.

use super::announce::{Held, still_wanted};
use crate::announcement::Step;
use crate::error::{Error, Result};
use crate::ids::{ChannelId, RoundId, UserId};
use crate::messages;
use crate::model::{Group, Member};
use crate::once_key::OnceKey;
use crate::usecases::Bot;

impl Bot {
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

    pub(super) async fn notify_group(&self, round: RoundId, number: u32) -> Result<()> {
        let Some(group) = self.group(round, number).await? else {
            tracing::warn!(round = %round, group = number, "notification for a missing group");
            return Ok(());
        };
        if group.dissolved && group.to_announce.is_some() {
            return self.announce_dissolved(&group).await;
        }
        // Out of the outbox: everyone was told (this is a repeated delivery
        // or a re-drive). One read, nothing written.
        if !group.is_live() || group.to_announce.is_none() {
            return Ok(());
        }
        let Some(mut held) = self.claim_announcement(group).await? else {
            return Ok(());
        };
        self.announce(&mut held).await
    }

    /// Sends what the group's announcement still lacks, recording each
    /// message as it goes. A send that fails releases the claim (the
    /// delivery is retried); a message sent but not recorded keeps it (a
    /// retry would repeat the message; the claim goes stale instead).
    async fn announce(&self, held: &mut Held) -> Result<()> {
        let mut group = held.group.clone();
        // Someone who left the group mid-round is not told about it again.
        let departed = group.departed.clone();
        group.members.retain(|m| !departed.contains(m));
        let members = self.members_of(&group).await?;
        let steps: Vec<Step> = group
            .announcement
            .remaining(&group.members)
            .into_iter()
            .filter(|s| match s {
                Step::Tell(u) => members.iter().any(|m| m.id == *u),
                Step::Intro(_) => true,
            })
            .collect();
        if steps.is_empty() {
            return self.record_announced(held, None, true).await.map(|_| ());
        }
        let mut group_dm = None;
        for (i, step) in steps.iter().enumerate() {
            // The group as last read (re-read after any write that raced
            // ours): someone who left or deleted their data meanwhile is
            // neither told nor named, and a group that ended stops here.
            if !held.group.is_live() {
                return self.end_announcement(held).await;
            }
            if !still_wanted(&held.group, step) {
                if i + 1 == steps.len() {
                    return self.record_announced(held, None, true).await.map(|_| ());
                }
                continue;
            }
            let now: Vec<Member> = members
                .iter()
                .filter(|m| held.group.active_members().any(|a| *a == m.id))
                .cloned()
                .collect();
            let sent = match step {
                Step::Intro(set) => self
                    .send_intro(&group, set.len())
                    .await
                    .map(|c| group_dm = c),
                Step::Tell(user) => {
                    if group_dm.is_none() {
                        // The intro went out before: conversations.open
                        // returns the same group DM every time.
                        group_dm = self.deps.slack.open_dm(&group.members).await.ok();
                    }
                    self.send_pairing_dm(&held.group, &now, user, group_dm.as_ref())
                        .await
                }
            };
            if let Err(e) = sent {
                self.release_announcement(held).await;
                return Err(e);
            }
            if !self
                .record_announced(held, Some(step), i + 1 == steps.len())
                .await?
            {
                tracing::warn!(round = %group.round, group = group.number, "announcement taken over");
                return Ok(());
            }
        }
        Ok(())
    }

    /// A group that ended while it was announced: a dissolved one keeps its
    /// outbox mark (its members are told it ended), any other is done.
    async fn end_announcement(&self, held: &mut Held) -> Result<()> {
        tracing::info!(round = %held.group.round, group = held.group.number, "group ended while announced");
        if held.group.dissolved {
            self.release_announcement(held).await;
            return Ok(());
        }
        self.record_announced(held, None, true).await.map(|_| ())
    }

    /// The member items of the group's members (a deleted member has none).
    async fn members_of(&self, group: &Group) -> Result<Vec<Member>> {
        let mut v = Vec::new();
        for id in &group.members {
            if let Some(m) = self.deps.members.get(id).await? {
                v.push(m);
            }
        }
        Ok(v)
    }

    /// The group DM's intro, to all `size` members; the channel, when this
    /// call opened it. A group DM Slack refuses for good is not retried.
    async fn send_intro(&self, group: &Group, size: usize) -> Result<Option<ChannelId>> {
        let (round, number) = (group.round, group.number);
        let intro = messages::rounds::group_intro(&self.cfg, group);
        let opened = std::sync::Mutex::new(None);
        let send = || async {
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
        };
        if group.announcement.markers {
            // Stored by a version that kept progress in once-markers only.
            let key = OnceKey::NotifyGroup {
                round,
                group: number,
                size,
            };
            self.once_or_retry(&key, send).await?;
        } else {
            send().await?;
        }
        Ok(opened.into_inner().unwrap_or_else(|e| e.into_inner()))
    }

    /// One member's pairing DM: who their partners are and why.
    async fn send_pairing_dm(
        &self,
        group: &Group,
        members: &[Member],
        user: &UserId,
        group_dm: Option<&ChannelId>,
    ) -> Result<()> {
        let Some(me) = members.iter().find(|m| m.id == *user) else {
            return Ok(());
        };
        let partners: Vec<&Member> = members.iter().filter(|m| m.id != me.id).collect();
        let msg =
            messages::rounds::pairing_dm(&self.cfg, group, me, &partners, group_dm, self.now());
        if group.announcement.markers {
            let key = OnceKey::Notify {
                round: group.round,
                group: group.number,
                user: me.id.clone(),
            };
            return self.dm_once(&key, &me.id, &msg).await.map(|_| ());
        }
        self.dm_or_mark_unreachable(&me.id, &msg).await
    }

    pub(super) async fn notify_unpaired(&self, round: RoundId, user: &UserId) -> Result<()> {
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

    pub(super) async fn send_summary(&self, round: RoundId) -> Result<()> {
        let Some(r) = self.deps.rounds.get(round).await? else {
            return Ok(());
        };
        let msg = messages::moderator::round_summary(&r);
        let msg = self.with_last_round_outcome(round, msg).await?;
        for m in self.cfg.moderators.clone() {
            let key = OnceKey::Summary {
                round,
                moderator: m.clone(),
            };
            self.dm_once(&key, &m, &msg).await?;
        }
        Ok(())
    }
}
