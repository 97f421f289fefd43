//! Feedback at the end of a round: the rating question under the last
//! check-in, the rating click, the private note to the moderators (a
//! modal), and the per-round figures in `/mentoring stats`. Ratings and
//! notes live only on the member's own item (see `crate::feedback`); the
//! note and the rating are never logged.

use crate::error::{Error, Result};
use crate::feedback::{Feedback, Rating, RoundOutcome};
use crate::feedback_form;
use crate::ids::{RoundId, UserId};
use crate::messages::feedback as text;
use crate::model::Member;
use crate::profile_form::{FieldErrors, FormValues};
use crate::surface::{Block, Message};
use crate::usecases::Bot;

/// How many rounds `/mentoring stats` looks back over (the live one
/// included); `feedback_stats_blocks` reads exactly this many at once.
pub const STATS_ROUNDS: usize = 6;

/// What became of a submitted note form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredNote {
    /// Stored (or cleared) for this round.
    Saved(RoundId),
    /// Field errors to show in the modal; nothing was stored.
    Rejected(FieldErrors),
}

impl Bot {
    /// The last check-in of a round also asks for a rating (above its
    /// closing line of resources).
    pub(crate) fn with_rating_question(
        &self,
        round: RoundId,
        number: u32,
        day: u32,
        mut msg: Message,
    ) -> Message {
        if Some(&day) != self.cfg.checkin_days.iter().max() {
            return msg;
        }
        let at = msg.blocks.len().saturating_sub(1);
        for (i, b) in text::checkin_blocks(round, number).into_iter().enumerate() {
            msg.blocks.insert(at + i, b);
        }
        msg
    }

    /// A rating clicked: stored on the member's own item for `round`,
    /// replacing an earlier one, if they were in group `number` of it.
    pub(crate) async fn rate_round(
        &self,
        user: &UserId,
        round: RoundId,
        number: u32,
        rating: Rating,
    ) -> Result<()> {
        let in_group = self
            .group(round, number)
            .await?
            .is_some_and(|g| g.contains(user));
        let before = self.deps.members.get(user).await?;
        let Some(before) = before.filter(|_| in_group) else {
            return self.dm(user, &text::not_yours(round)).await;
        };
        let now = self.now();
        let oldest = self.oldest_kept_feedback();
        let updated = self
            .update_member(user, |m| {
                let f = m.feedback.entry(round).or_insert(Feedback {
                    rating: None,
                    note: None,
                    at: now,
                });
                f.rating = Some(rating);
                f.at = now;
                m.feedback.retain(|r, _| *r >= oldest);
            })
            .await?;
        let Some(updated) = updated else {
            return Ok(());
        };
        tracing::info!(user = %user, round = %round, "round rated");
        let replaced = before.feedback.get(&round).and_then(|f| f.rating);
        let has_note = updated
            .feedback
            .get(&round)
            .is_some_and(|f| f.note.is_some());
        self.dm(user, &text::rated(round, rating, replaced, has_note))
            .await
    }

    /// "Add a private note" clicked: opens the note modal (inline: the
    /// trigger is valid for 3 s), prefilled with the note already left.
    pub(crate) async fn open_feedback_note(
        &self,
        user: &UserId,
        round: RoundId,
        trigger: &str,
    ) -> Result<()> {
        let member = self.deps.members.get(user).await?;
        let current = member
            .as_ref()
            .and_then(|m| m.feedback.get(&round))
            .and_then(|f| f.note.as_deref());
        let modal = feedback_form::modal(round, current);
        self.deps.slack.open_modal(trigger, &modal).await?;
        Ok(())
    }

    /// The note modal was submitted (inline, no Slack calls): validates and
    /// stores or clears the note on the member's own item, for a round they
    /// were paired in.
    pub async fn store_feedback_note(
        &self,
        user: &UserId,
        values: &FormValues,
        private_metadata: &str,
    ) -> Result<StoredNote> {
        let Ok(round) = private_metadata.parse::<RoundId>() else {
            return Err(Error::Invalid("note form without a round".into()));
        };
        let note = match feedback_form::parse(values) {
            Ok(n) => n,
            Err(errors) => return Ok(StoredNote::Rejected(errors)),
        };
        if !self.was_paired_in(user, round).await? {
            let mut errors = FieldErrors::new();
            errors.insert(feedback_form::NOTE.into(), text::note_not_yours(round));
            return Ok(StoredNote::Rejected(errors));
        }
        let now = self.now();
        let oldest = self.oldest_kept_feedback();
        self.update_member(user, |m| {
            let f = m.feedback.entry(round).or_insert(Feedback {
                rating: None,
                note: None,
                at: now,
            });
            f.note = note.clone();
            f.at = now;
            if f.rating.is_none() && f.note.is_none() {
                m.feedback.remove(&round);
            }
            m.feedback.retain(|r, _| *r >= oldest);
        })
        .await?;
        tracing::info!(user = %user, round = %round, set = note.is_some(), "feedback note saved");
        Ok(StoredNote::Saved(round))
    }

    /// Hands the note's confirmation DM to the scheduler, once per submission.
    pub async fn accept_feedback_note_saved(
        &self,
        user: &UserId,
        round: RoundId,
        view_key: &str,
    ) -> Result<()> {
        let job = crate::ports::Job::FeedbackNoteSaved {
            user: user.clone(),
            round,
        };
        self.accept_submission(view_key, job).await
    }

    /// The note's confirmation DM (reads the stored note: the bus never carries it).
    pub(crate) async fn feedback_note_follow_up(
        &self,
        user: &UserId,
        round: RoundId,
    ) -> Result<()> {
        let has_note = self
            .deps
            .members
            .get(user)
            .await?
            .is_some_and(|m| m.feedback.get(&round).is_some_and(|f| f.note.is_some()));
        let msg = if has_note {
            text::note_saved(round)
        } else {
            text::note_cleared(round)
        };
        self.dm(user, &msg).await
    }

    /// The moderators' per-round figures for the last [`STATS_ROUNDS`]
    /// rounds that exist (newest first), then, `with_notes`, the private notes.
    pub(crate) async fn feedback_stats_blocks(
        &self,
        members: &[Member],
        with_notes: bool,
    ) -> Result<Vec<Block>> {
        // The slash command answers inline: the rounds are read at once, not
        // one after the other.
        let mut r = [self.current_round(); STATS_ROUNDS];
        for i in 1..STATS_ROUNDS {
            r[i] = r[i - 1].prev();
        }
        let read = tokio::join!(
            self.outcome_of(r[0], members),
            self.outcome_of(r[1], members),
            self.outcome_of(r[2], members),
            self.outcome_of(r[3], members),
            self.outcome_of(r[4], members),
            self.outcome_of(r[5], members),
        );
        let mut outcomes = Vec::with_capacity(STATS_ROUNDS);
        for o in [read.0, read.1, read.2, read.3, read.4, read.5] {
            outcomes.extend(o?);
        }
        let mut blocks: Vec<Block> = text::outcome_lines(&outcomes).into_iter().collect();
        if !with_notes {
            return Ok(blocks);
        }
        let oldest = self.oldest_kept_feedback();
        let mut notes: Vec<text::NoteView<'_>> = members
            .iter()
            .flat_map(|m| {
                m.feedback.range(oldest..).filter_map(|(r, f)| {
                    Some(text::NoteView {
                        round: *r,
                        by: &m.id,
                        rating: f.rating,
                        note: f.note.as_deref()?,
                    })
                })
            })
            .collect();
        notes.sort_by(|a, b| b.round.cmp(&a.round).then(a.by.cmp(b.by)));
        blocks.extend(text::note_blocks(&notes));
        Ok(blocks)
    }

    /// The moderators' summary of a new round also says how the round
    /// before went (figures only: the notes stay in `/mentoring stats`).
    pub(crate) async fn with_last_round_outcome(
        &self,
        round: RoundId,
        mut msg: Message,
    ) -> Result<Message> {
        let members = self.deps.members.list().await?;
        let Some(last) = self.outcome_of(round.prev(), &members).await? else {
            return Ok(msg);
        };
        if last.pairs == 0 {
            return Ok(msg);
        }
        let line = text::summary_block(&last);
        let at = msg.blocks.len().saturating_sub(1);
        msg.blocks.insert(at, line);
        Ok(msg)
    }

    /// One round's figures (`None` when the round was never created).
    async fn outcome_of(&self, round: RoundId, members: &[Member]) -> Result<Option<RoundOutcome>> {
        if self.deps.rounds.get(round).await?.is_none() {
            return Ok(None);
        }
        let groups = self.deps.rounds.groups(round).await?;
        let kept = round >= self.oldest_kept_feedback();
        let feedback = members
            .iter()
            .filter_map(|m| m.feedback.get(&round).filter(|_| kept));
        Ok(Some(RoundOutcome::of(round, &groups, feedback)))
    }

    /// Whether `user` was in a group of `round` (their index of groups).
    async fn was_paired_in(&self, user: &UserId, round: RoundId) -> Result<bool> {
        Ok(self
            .deps
            .rounds
            .groups_of(user)
            .await?
            .iter()
            .any(|g| g.round == round && g.contains(user)))
    }

    /// `member` without feedback older than the retention period: it is
    /// dropped from the item only when the member next gives some, so every
    /// reader (stats, outcomes, my data, App Home) leaves it out before that.
    pub(crate) fn without_expired_feedback(&self, mut member: Member) -> Member {
        let oldest = self.oldest_kept_feedback();
        member.feedback.retain(|r, _| *r >= oldest);
        member
    }

    /// The daily sweep: removes feedback past the retention period from
    /// the items of members who hold some (most days, nobody: no write).
    pub(crate) async fn prune_expired_feedback(&self, members: &[Member]) -> Result<()> {
        let oldest = self.oldest_kept_feedback();
        for m in members {
            if m.feedback.keys().any(|r| *r < oldest) {
                self.update_member(&m.id, |m| m.feedback.retain(|r, _| *r >= oldest))
                    .await?;
                tracing::info!(user = %m.id, "expired feedback removed");
            }
        }
        Ok(())
    }

    /// Feedback older than the retention period is dropped when the member
    /// next gives some (like the groups it is about, which expire by TTL)
    /// and never shown after it.
    fn oldest_kept_feedback(&self) -> RoundId {
        let mut r = self.current_round();
        for _ in 0..self.cfg.retention.months {
            r = r.prev();
        }
        r
    }
}
