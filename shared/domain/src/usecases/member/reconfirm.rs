//! The answer to "Stay in?" (buttons or `skip`): the last answer before pairing wins.

use crate::action::ReconfirmAnswer;
use crate::error::Result;
use crate::ids::{RoundId, UserId};
use crate::messages;
use crate::model::{Confirmation, MemberStatus};
use crate::usecases::Bot;

impl Bot {
    /// The round `skip` and the status buttons answer for: the current
    /// round while the scheduler will still pair it, else the next one.
    pub(crate) async fn next_pairing_round(&self) -> Result<RoundId> {
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
                        &messages::no_change(messages::Already::NotTakingPartSayOptIn),
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
}
