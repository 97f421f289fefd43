//! Members doing more than answering: a dated pause (`pause until …`),
//! *Find me a partner now* when they are left waiting, `block @x`, and the
//! momentum nudge answered in the pair's group DM, `name me` for the round
//! highlights. All through the public flows (a DM's text, a button click).
//! Checked at the end: no group formed after a block holds both people, and
//! every paired round has exactly one highlights post in the channel.

use chrono::{DateTime, Utc};
use mentor_domain::action::{Action, MomentumAnswer};
use mentor_domain::model::Group;
use mentor_domain::ports::Rounds;
use mentor_domain::surface::Message;
use mentor_domain::usecases::Origin;
use mentor_domain::{ChannelId, RoundId, UserId};

use super::{Community, err};

/// How often members did each, and the blocks the engine broke (must be 0).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub snoozes: usize,
    pub pair_me_now: usize,
    pub blocks: usize,
    pub momentum_answers: usize,
    pub blocked_pairs: usize,
    /// Highlights posts in the programme channel, and paired rounds that
    /// got none or more than one (must be 0).
    pub highlight_posts: usize,
    pub highlights_wrong: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.snoozes += o.snoozes;
        self.pair_me_now += o.pair_me_now;
        self.blocks += o.blocks;
        self.momentum_answers += o.momentum_answers;
        self.blocked_pairs += o.blocked_pairs;
        self.highlight_posts += o.highlight_posts;
        self.highlights_wrong += o.highlights_wrong;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "snoozes={} pair_me_now={} blocks={} momentum_answers={} blocked_pairs={} \
             highlight_posts={} highlights_wrong={}",
            self.snoozes,
            self.pair_me_now,
            self.blocks,
            self.momentum_answers,
            self.blocked_pairs,
            self.highlight_posts,
            self.highlights_wrong
        )
    }
}

/// Who blocked whom, and when (blocks are never undone here).
#[derive(Debug, Default)]
pub struct Blocks(Vec<(UserId, UserId, DateTime<Utc>)>);

impl Blocks {
    /// Whether `g` holds two people one of whom blocked the other before
    /// the group was formed (a round's groups: when the round was paired).
    fn broken_by(&self, g: &Group, paired_at: Option<DateTime<Utc>>) -> bool {
        let Some(formed) = g.formed_at.or(paired_at) else {
            return false;
        };
        self.0
            .iter()
            .any(|(a, b, at)| *at < formed && g.members.contains(a) && g.members.contains(b))
    }
}

impl Community {
    /// Once a day, now and then: a dated pause, a block, `name me`.
    pub(super) async fn more_life(&mut self) -> Result<(), String> {
        if self.rng.chance(10)
            && let Some(who) = self.someone()
        {
            self.bot
                .on_message(&who, Origin::Dm, "name me in the highlights")
                .await
                .map_err(err)?;
        }
        if self.rng.chance(15)
            && let Some(who) = self.someone()
        {
            let text = *self.rng.pick(&[
                "pause until next month",
                "pause for 2 months",
                "snooze for 3 weeks",
                "pause until next week",
            ]);
            self.bot
                .on_message(&who, Origin::Dm, text)
                .await
                .map_err(err)?;
            self.acts.snoozes += 1;
        }
        if self.rng.chance(15)
            && let (Some(who), Some(other)) = (self.someone(), self.someone())
            && who != other
        {
            let text = format!("block {}", other.mention());
            let now = self.clock_now();
            self.bot
                .on_message(&who, Origin::Dm, &text)
                .await
                .map_err(err)?;
            self.blocks.0.push((who, other, now));
            self.acts.blocks += 1;
        }
        Ok(())
    }

    /// A waiting member clicks *Find me a partner now* most of the time.
    pub(super) fn pair_me_now(&mut self, actions: &[Action]) -> Option<Action> {
        let offer = actions
            .iter()
            .find(|a| matches!(a, Action::PairMeNow { .. }))?;
        self.rng.chance(70).then(|| {
            self.acts.pair_me_now += 1;
            offer.clone()
        })
    }

    /// The momentum nudge in a group DM: one of the pair answers it, now
    /// and then.
    pub(super) async fn answer_group(
        &mut self,
        ch: &ChannelId,
        msg: &Message,
    ) -> Result<(), String> {
        let nudge = msg.actions().into_iter().find_map(|a| match a {
            Action::Momentum { round, group, .. } => Some((round, group)),
            _ => None,
        });
        let Some((round, group)) = nudge else {
            return Ok(());
        };
        if !self.rng.chance(60) {
            return Ok(());
        }
        let members: Vec<UserId> = ch
            .as_str()
            .trim_start_matches('G')
            .split('-')
            .map(UserId::new)
            .collect();
        let who = self.rng.pick(&members).clone();
        let answer = *self
            .rng
            .pick(&[MomentumAnswer::Met, MomentumAnswer::Scheduled]);
        let action = Action::Momentum {
            answer,
            round,
            group,
        };
        let on = self.clicked(ch, msg, &action);
        self.acts.momentum_answers += 1;
        self.click_on(&who, action, on).await
    }

    /// A post in the programme channel: counts the round highlights by
    /// round ("🎉 *January 2027 is paired:* …").
    pub(super) fn note_channel_post(&mut self, ch: &ChannelId, msg: &Message) {
        if *ch != self.cfg.channel {
            return;
        }
        let label = msg
            .text
            .strip_prefix("🎉 *")
            .and_then(|t| t.split(" is paired").next());
        if let Some(label) = label {
            *self.highlights.entry(label.to_string()).or_default() += 1;
            self.acts.highlight_posts += 1;
        }
    }

    /// 1 when `round` was paired with groups but has no highlights post or
    /// more than one.
    pub(super) async fn highlights_wrong(&self, round: RoundId) -> Result<usize, String> {
        let groups = self.store.groups(round).await.map_err(err)?;
        if !groups.iter().any(|g| g.is_live()) {
            return Ok(0);
        }
        let posts = self.highlights.get(&round.label()).copied().unwrap_or(0);
        Ok(usize::from(posts != 1))
    }

    /// Groups of `round` that hold two people one blocked before.
    pub(super) async fn blocked_pairs(&self, round: RoundId) -> Result<usize, String> {
        let groups = self.store.groups(round).await.map_err(err)?;
        let paired_at = Rounds::get(&*self.store, round)
            .await
            .map_err(err)?
            .and_then(|r| r.paired_at);
        Ok(groups
            .iter()
            .filter(|g| self.blocks.broken_by(g, paired_at))
            .count())
    }

    fn clock_now(&self) -> DateTime<Utc> {
        use mentor_domain::ports::Clock;
        self.clock.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use mentor_domain::model::GroupOrigin;

    #[test]
    fn a_group_formed_after_a_block_between_its_members_is_caught_one_formed_before_is_not() {
        let at = |d| Utc.with_ymd_and_hms(2027, 1, d, 9, 0, 0).unwrap();
        let (ana, ben) = (UserId::new("U0ANA"), UserId::new("U0BEN"));
        let round = RoundId::new(2027, 1).unwrap();
        let g = Group::new(
            round,
            1,
            vec![ana.clone(), ben.clone()],
            0,
            vec![],
            GroupOrigin::Round,
        );
        let blocks = Blocks(vec![(ana, ben, at(10))]);
        // A round paired on the 1st, before the block: fine.
        assert!(!blocks.broken_by(&g, Some(at(1))));
        // Paired (or re-paired) after it: broken.
        assert!(blocks.broken_by(&g, Some(at(11))));
        let late = Group {
            formed_at: Some(at(12)),
            ..g
        };
        assert!(blocks.broken_by(&late, Some(at(1))));
    }
}
