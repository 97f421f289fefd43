//! The simulation's end-of-round feedback: members rate their round under
//! the last check-in (a fixed share of them, drawn from the seeded rng),
//! and each round's figures are computed by the same domain code as
//! `/mentoring stats`: the share of pairs who said they met and the
//! average rating.

use mentor_domain::action::Action;
use mentor_domain::feedback::{Rating, RoundOutcome};
use mentor_domain::feedback_form;
use mentor_domain::model::Group;
use mentor_domain::ports::{Members, Rounds};
use mentor_domain::profile_form::{FieldValue, FormValues};
use mentor_domain::surface::Message;
use mentor_domain::usecases::StoredNote;
use mentor_domain::{RoundId, UserId};

use super::{Community, Outcome, err};

/// Of the members asked for a rating, this share (percent) gives one.
pub(super) const RATES_PERCENT: usize = 70;
/// Of those who rate, this share (percent) also sends a private note.
pub(super) const NOTES_PERCENT: u64 = 10;

/// Stars members give, drawn evenly: mostly 4 and 5, now and then low.
const STARS: [u8; 10] = [5, 5, 5, 4, 4, 4, 3, 3, 2, 1];

impl Community {
    /// A rating under the last check-in, if this member gives one.
    pub(super) fn rate(&mut self, msg: &Message) -> Option<Action> {
        let (round, group) = msg.actions().into_iter().find_map(|a| match a {
            Action::Rate { round, group, .. } => Some((round, group)),
            _ => None,
        })?;
        self.rating_asked += 1;
        if self.rng.below(100) >= RATES_PERCENT {
            return None;
        }
        let rating = Rating::new(*self.rng.pick(&STARS))?;
        Some(Action::Rate {
            round,
            group,
            rating,
        })
    }

    /// Now and then a member who rated also writes a private note: the
    /// modal's submission, stored, then its confirmation over the bus.
    pub(super) async fn maybe_leave_a_note(
        &mut self,
        user: &UserId,
        rating: &Action,
    ) -> Result<(), String> {
        let Action::Rate { round, .. } = rating else {
            return Ok(());
        };
        if !self.rng.chance(NOTES_PERCENT) {
            return Ok(());
        }
        let note = "We met twice; thanks for the pairing.".to_string();
        let values: FormValues = [(
            feedback_form::NOTE.to_string(),
            FieldValue::Text(Some(note)),
        )]
        .into_iter()
        .collect();
        let stored = self
            .bot
            .store_feedback_note(user, &values, &round.to_string())
            .await
            .map_err(err)?;
        if let StoredNote::Saved(round) = stored {
            let view = format!("note-{user}-{round}");
            self.bot
                .accept_feedback_note_saved(user, round, &view)
                .await
                .map_err(err)?;
        }
        self.deliver_bus().await
    }

    /// The round's figures, as `/mentoring stats` computes them.
    pub(super) async fn round_outcome(
        &self,
        round: RoundId,
        groups: &[Group],
    ) -> Result<RoundOutcome, String> {
        let members = Members::list(&*self.store).await.map_err(err)?;
        let feedback = members.iter().filter_map(|m| m.feedback.get(&round));
        Ok(RoundOutcome::of(round, groups, feedback))
    }

    /// Adds a full round's figures to the closing ones.
    pub(super) async fn count_feedback(
        &self,
        round: RoundId,
        out: &mut Outcome,
    ) -> Result<(), String> {
        let groups = self.store.groups(round).await.map_err(err)?;
        let o = self.round_outcome(round, &groups).await?;
        out.feedback.pairs += o.pairs;
        out.feedback.met += o.met;
        out.feedback.ratings += o.ratings;
        out.feedback.rating_sum += o.rating_sum;
        out.feedback.notes += o.notes;
        Ok(())
    }
}

/// ` met=…% avg_rating=… ratings=…` for a printed line.
pub(super) fn fields(o: &RoundOutcome) -> String {
    let met = o
        .met_percent()
        .map_or("n/a".to_string(), |p| format!("{p}%"));
    let avg = o
        .average_rating()
        .map_or("n/a".to_string(), |a| format!("{a:.1}"));
    format!(
        " met={met} avg_rating={avg} ratings={} notes={}",
        o.ratings, o.notes
    )
}
