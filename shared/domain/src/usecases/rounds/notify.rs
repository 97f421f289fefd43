//! Telling people: new groups, the unpaired, dissolved groups and the
//! moderators' summary.

use crate::error::{Error, Result};
use crate::ids::{RoundId, UserId};
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
        let Some(mut group) = self.group(round, number).await? else {
            tracing::warn!(round = %round, group = number, "notification for a missing group");
            return Ok(());
        };
        if group.dissolved && group.to_announce.is_some() {
            return self.announce_dissolved(&group).await;
        }
        // Out of the outbox: everyone was told (this is a repeated delivery
        // or a re-drive). One read, no claims written.
        if !group.is_live() || group.to_announce.is_none() {
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
