//! Momentum: one nudge in a new pair's group DM a few days after pairing,
//! unless the pair already said they have scheduled or met. Pure rules; the
//! tick and the bus handler live in `usecases/rounds/momentum.rs`.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use crate::action::MomentumAnswer;
use crate::ids::UserId;
use crate::model::{CheckinAnswer, Group};

/// After this many days past the nudge day, a group that was never nudged
/// (the feature was switched on late, the group is old) is left alone: a
/// "two days in" nudge in week three would be odd.
pub const NUDGE_WINDOW_DAYS: i64 = 3;

/// What a group said about getting started, and whether it was nudged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Momentum {
    /// "We've scheduled" / "We've met", by member (the furthest answer wins).
    #[serde(default)]
    pub answers: BTreeMap<UserId, MomentumAnswer>,
    /// The nudge went out (or was found unnecessary): the tick stops looking.
    #[serde(default)]
    pub nudged: bool,
}

impl Momentum {
    /// Records an answer; "met" is never taken back by a later "scheduled".
    pub fn record(&mut self, user: &UserId, answer: MomentumAnswer) {
        let a = self.answers.entry(user.clone()).or_insert(answer);
        *a = (*a).max(answer);
    }

    pub fn anonymise(&mut self, user: &UserId, replacement: &UserId) {
        if let Some(a) = self.answers.remove(user) {
            self.answers.insert(replacement.clone(), a);
        }
    }
}

/// Whether the nudge is due at `now` for a group formed at `formed`.
pub fn nudge_due(day: u32, formed: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let due = formed + Duration::days(i64::from(day));
    now >= due && now < due + Duration::days(NUDGE_WINDOW_DAYS)
}

/// Whether someone still in the group said "We've met" on the nudge: a
/// check-in before the last one would ask what they already said.
pub fn met_on_nudge(group: &Group) -> bool {
    group
        .active_members()
        .any(|u| group.momentum.answers.get(u) == Some(&MomentumAnswer::Met))
}

/// Whether someone still in the group already said they scheduled or met,
/// by the nudge's buttons or a check-in answer.
pub fn already_going(group: &Group) -> bool {
    let active: Vec<&UserId> = group.active_members().collect();
    let said = group.momentum.answers.keys().any(|u| active.contains(&u));
    let met = group
        .checkins
        .values()
        .flat_map(|a| a.iter())
        .any(|(u, a)| *a == CheckinAnswer::Met && active.contains(&u));
    said || met
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_nudge_is_due_from_its_day_for_a_few_days_only() {
        let formed = at("2027-03-01T09:00:00Z");
        assert!(!nudge_due(2, formed, at("2027-03-03T08:00:00Z")));
        assert!(nudge_due(2, formed, at("2027-03-03T09:00:00Z")));
        assert!(nudge_due(2, formed, at("2027-03-05T20:00:00Z")));
        assert!(!nudge_due(2, formed, at("2027-03-06T09:00:00Z")));
    }

    #[test]
    fn met_is_never_downgraded_to_scheduled() {
        let mut m = Momentum::default();
        let ana = UserId::new("U0ANA");
        m.record(&ana, MomentumAnswer::Met);
        m.record(&ana, MomentumAnswer::Scheduled);
        assert_eq!(m.answers[&ana], MomentumAnswer::Met);
    }
}
