//! Feedback at the end of a round: a member's one-click rating (1–5) of
//! their pairing and an optional private note to the moderators, asked at
//! the round's last check-in.
//!
//! Both live only on the member's own item, one entry per round (a second
//! rating replaces the first), so `delete my data` takes them along and no
//! other member can ever read them; moderators see them through
//! `/mentoring stats`. This module holds the stored types and the pure
//! per-round figures (share of pairs who met, average rating).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::RoundId;
use crate::model::{CheckinAnswer, Group};
use crate::momentum::MomentumAnswer;

/// A rating of one round's pairing: 1 (not useful) to 5 (great).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Rating(u8);

impl Rating {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 5;

    /// `None` outside 1–5.
    pub fn new(stars: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&stars)
            .then_some(Self(stars))
    }

    pub fn stars(self) -> u8 {
        self.0
    }

    /// Every rating, lowest first (the buttons' order).
    pub fn all() -> impl Iterator<Item = Rating> {
        (Self::MIN..=Self::MAX).map(Rating)
    }
}

impl TryFrom<u8> for Rating {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Rating::new(n).ok_or_else(|| format!("a rating is 1 to 5, not {n}"))
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

/// One member's feedback on one round (kept on their own item, by round).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The latest rating clicked; `None` when only a note was written.
    #[serde(default)]
    pub rating: Option<Rating>,
    /// The private note to the moderators (free text: never logged, never
    /// shown to another member).
    #[serde(default)]
    pub note: Option<String>,
    /// When it last changed.
    pub at: DateTime<Utc>,
}

/// Whether the group met, as its members told the bot: a "We've met"
/// check-in answer or the momentum nudge's "We've met", from anyone who
/// was in it (someone who left later may have met first).
pub fn group_met(g: &Group) -> bool {
    g.checkins
        .values()
        .flat_map(|answers| answers.values())
        .any(|a| *a == CheckinAnswer::Met)
        || g.momentum
            .answers
            .values()
            .any(|a| *a == MomentumAnswer::Met)
}

/// One round's figures for the moderators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundOutcome {
    pub round: Option<RoundId>,
    /// Pairs and trios formed that round (also those dissolved later).
    pub pairs: usize,
    /// Of those, how many said they met.
    pub met: usize,
    /// How many members rated it, and the sum of their ratings.
    pub ratings: usize,
    pub rating_sum: u32,
    /// How many private notes were left about it.
    pub notes: usize,
}

impl RoundOutcome {
    /// The round's figures from its groups and the feedback members left
    /// about it (one entry per member).
    pub fn of<'a>(
        round: RoundId,
        groups: &[Group],
        feedback: impl IntoIterator<Item = &'a Feedback>,
    ) -> Self {
        let mut o = RoundOutcome {
            round: Some(round),
            pairs: groups.len(),
            met: groups.iter().filter(|g| group_met(g)).count(),
            ..Default::default()
        };
        for f in feedback {
            if let Some(r) = f.rating {
                o.ratings += 1;
                o.rating_sum += u32::from(r.stars());
            }
            o.notes += usize::from(f.note.is_some());
        }
        o
    }

    /// Share of pairs who met, in whole percent (`None` without pairs).
    pub fn met_percent(&self) -> Option<usize> {
        (self.met * 100).checked_div(self.pairs)
    }

    /// Average rating, to one decimal (`None` without ratings).
    pub fn average_rating(&self) -> Option<f64> {
        if self.ratings == 0 {
            return None;
        }
        let avg = f64::from(self.rating_sum) / self.ratings as f64;
        Some((avg * 10.0).round() / 10.0)
    }

    /// Whether there is anything to say about the round.
    pub fn is_empty(&self) -> bool {
        self.pairs == 0 && self.ratings == 0 && self.notes == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;
    use crate::model::GroupOrigin;

    fn round() -> RoundId {
        "2026-12".parse().unwrap()
    }

    fn pair(n: u32) -> Group {
        let members = vec![
            UserId::new(format!("U0A{n}")),
            UserId::new(format!("U0B{n}")),
        ];
        Group::new(round(), n, members, 10, Vec::new(), GroupOrigin::Round)
    }

    fn rated(stars: u8, note: Option<&str>) -> Feedback {
        Feedback {
            rating: Rating::new(stars),
            note: note.map(str::to_string),
            at: "2026-12-22T10:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn a_rating_is_one_to_five_and_nothing_else_deserialises() {
        assert_eq!(
            Rating::all().map(Rating::stars).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        assert!(Rating::new(0).is_none() && Rating::new(6).is_none());
        assert!(serde_json::from_str::<Rating>("6").is_err());
        assert_eq!(serde_json::from_str::<Rating>("4").unwrap().stars(), 4);
    }

    #[test]
    fn a_pair_met_when_anyone_in_it_said_so_by_check_in_or_momentum_button() {
        let mut by_checkin = pair(1);
        by_checkin
            .checkins
            .entry(7)
            .or_default()
            .insert(UserId::new("U0A1"), CheckinAnswer::Met);
        let mut by_momentum = pair(2);
        by_momentum
            .momentum
            .record(&UserId::new("U0B2"), MomentumAnswer::Met);
        let mut not_yet = pair(3);
        not_yet
            .checkins
            .entry(7)
            .or_default()
            .insert(UserId::new("U0A3"), CheckinAnswer::NotYet);
        not_yet
            .momentum
            .record(&UserId::new("U0A3"), MomentumAnswer::Scheduled);
        assert!(group_met(&by_checkin) && group_met(&by_momentum));
        assert!(!group_met(&not_yet));
    }

    #[test]
    fn the_round_outcome_counts_pairs_met_ratings_and_notes() {
        let mut met = pair(1);
        met.momentum
            .record(&UserId::new("U0A1"), MomentumAnswer::Met);
        let groups = [met, pair(2), pair(3)];
        let fb = [
            rated(5, None),
            rated(4, Some("great")),
            rated(0, Some("hm")),
        ];
        let o = RoundOutcome::of(round(), &groups, &fb);
        assert_eq!((o.pairs, o.met, o.ratings, o.notes), (3, 1, 2, 2));
        assert_eq!(o.met_percent(), Some(33));
        assert_eq!(o.average_rating(), Some(4.5));
    }

    #[test]
    fn a_round_without_pairs_or_ratings_has_no_rates() {
        let o = RoundOutcome::of(round(), &[], &[]);
        assert!(o.is_empty());
        assert_eq!((o.met_percent(), o.average_rating()), (None, None));
    }
}
