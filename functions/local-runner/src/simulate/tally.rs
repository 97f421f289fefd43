//! The closing figures: repeats, unnotified members and duplicate pairing
//! DMs per round, printed per round.

use std::collections::HashMap;

use mentor_domain::model::{MemberStatus, RoundState};
use mentor_domain::ports::{Members, Rounds};
use mentor_domain::{RoundId, UserId};

use super::{Community, Outcome, err};

impl Community {
    /// Counts repeats, unnotified members and duplicate DMs per round.
    pub(super) async fn tally(
        &self,
        first: RoundId,
        last: RoundId,
        print: bool,
    ) -> Result<Outcome, String> {
        let mut out = Outcome {
            members: self.all.len(),
            rating_asked: self.rating_asked,
            acts: self.acts,
            ..Outcome::default()
        };
        out.told_unasked_not_confirmed = self
            .not_confirmed
            .iter()
            .filter(|(label, user)| {
                !self
                    .asked
                    .iter()
                    .any(|(u, r)| u == user && r.label() == *label)
            })
            .count();
        let mut seen: HashMap<(UserId, UserId), RoundId> = HashMap::new();
        let mut round = first;
        loop {
            self.tally_round(round, &mut seen, &mut out, print).await?;
            out.acts.blocked_pairs += self.blocked_pairs(round).await?;
            out.acts.highlights_wrong += self.highlights_wrong(round).await?;
            if round != first && round != last {
                self.count_messages(round, &mut out).await?;
            }
            if round != last {
                self.count_feedback(round, &mut out).await?;
            }
            if round == last {
                return Ok(out);
            }
            round = round.next();
        }
    }

    async fn tally_round(
        &self,
        round: RoundId,
        seen: &mut HashMap<(UserId, UserId), RoundId>,
        out: &mut Outcome,
        print: bool,
    ) -> Result<(), String> {
        let r = Rounds::get(&*self.store, round).await.map_err(err)?;
        let groups = self.store.groups(round).await.map_err(err)?;
        let mut repeats = 0;
        for g in &groups {
            for (i, a) in g.members.iter().enumerate() {
                for b in &g.members[i + 1..] {
                    let key = if a < b {
                        (a.clone(), b.clone())
                    } else {
                        (b.clone(), a.clone())
                    };
                    if seen.insert(key, round).is_some_and(|prev| prev != round) {
                        repeats += 1;
                    }
                }
            }
            for m in &g.members {
                self.tally_member(round, m, out).await?;
            }
        }
        let scores: Vec<i64> = groups.iter().map(|g| g.score).collect();
        let avg = if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<i64>() as f64 / scores.len() as f64
        };
        let paired = r.as_ref().is_some_and(|r| r.state == RoundState::Paired);
        if print {
            let s = r.map(|r| r.stats).unwrap_or_default();
            let feedback = super::feedback::fields(&self.round_outcome(round, &groups).await?);
            println!(
                "round={round} eligible={} paired={} trios={} unmatched={} late_or_manual={} repeats={repeats} avg_score={avg:.1}{feedback}",
                s.eligible,
                groups.iter().map(|g| g.members.len()).sum::<usize>(),
                s.trios,
                s.unmatched,
                groups.len().saturating_sub(s.groups as usize),
            );
        }
        out.repeats += repeats;
        out.rounds += usize::from(paired && !groups.is_empty());
        Ok(())
    }

    /// A member re-paired mid-round (partner left) rightly gets a second,
    /// different DM; the same DM twice is a duplicate.
    async fn tally_member(
        &self,
        round: RoundId,
        m: &UserId,
        out: &mut Outcome,
    ) -> Result<(), String> {
        let sent = self.pairing_dms.get(&(round.label(), m.clone()));
        let n = sent.map(|s| s.len()).unwrap_or(0);
        let dups: usize = sent
            .map(|s| s.values().map(|c| c.saturating_sub(1)).sum())
            .unwrap_or(0);
        let unreachable = Members::get(&*self.store, m)
            .await
            .map_err(err)?
            .is_some_and(|m| m.status == MemberStatus::Unreachable);
        if n == 0 && !unreachable {
            out.unnotified += 1;
        }
        out.duplicate_dms += dups;
        Ok(())
    }
}
