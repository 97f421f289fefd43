//! How far a group's announcement got: its group DM intro and each member's
//! pairing DM, recorded on the group item itself. Pure rules; the sending
//! lives in `usecases/rounds/announce.rs`.
//!
//! Why on the group and not one once-marker per message: a marker costs two
//! writes per message (claim, then done), three messages a pair, plus the
//! write that takes the group out of the outbox. On the group, one worker
//! claims the whole announcement (one write), and each message's "done" is
//! one write that also claims the next; the last also empties the outbox.
//! A pair costs four writes instead of seven, with the same guarantee: a
//! message is sent only while its sender holds the claim and it is not
//! recorded yet, and recorded before the next one is sent, so only a worker
//! killed between a send and its record can leave a message to be repeated
//! (by whoever takes over its stale claim), as with a marker.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// What a group's announcement has sent and who is sending it now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    /// Sizes of the group DMs whose intro went out, as stored before intros
    /// were kept by member set (read only: a size here counts as that
    /// intro sent).
    #[serde(default)]
    pub intros: Vec<usize>,
    /// Members whose pairing DM went out (or who could not be reached).
    #[serde(default)]
    pub told: Vec<UserId>,
    /// The worker announcing the group now, if any.
    #[serde(default)]
    pub claim: Option<AnnounceClaim>,
    /// The group was stored by a version that kept this progress in
    /// once-markers only: each message also checks its marker.
    #[serde(default)]
    pub markers: bool,
    /// The member sets (sorted) of the group DMs whose intro went out: a
    /// pair that becomes a trio gets a new group DM with all three, and so
    /// does a trio whose third left and another joined.
    #[serde(default)]
    pub intro_sets: Vec<Vec<UserId>>,
}

/// A worker's hold on a group's announcement. `version` is the group
/// version its claiming write produced: only one write can produce a given
/// version, so it identifies the claimant without a random token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnounceClaim {
    pub version: u64,
    pub since: DateTime<Utc>,
}

/// One message of an announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The group DM's intro, for a group DM of these people (sorted).
    Intro(Vec<UserId>),
    /// The member's personal pairing DM.
    Tell(UserId),
}

/// Whether a worker may claim an announcement at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimCheck {
    /// Nobody holds it: claim it.
    Free,
    /// Its holder started longer ago than `stale` allows and is presumed
    /// dead: take it over.
    Stale,
    /// Someone is announcing it now.
    InFlight,
}

impl Announcement {
    /// The progress of a group stored before progress was kept here.
    pub fn stored_before_progress() -> Self {
        Self {
            markers: true,
            ..Self::default()
        }
    }

    pub fn check_claim(&self, now: DateTime<Utc>, stale: Duration) -> ClaimCheck {
        match self.claim {
            None => ClaimCheck::Free,
            Some(c) if now - c.since > stale => ClaimCheck::Stale,
            Some(_) => ClaimCheck::InFlight,
        }
    }

    /// Whether the claim made at group version `version` still holds.
    pub fn held_by(&self, version: u64) -> bool {
        self.claim.is_some_and(|c| c.version == version)
    }

    /// The messages still to send to `members` (the group's active
    /// members), in order: the intro first, so the personal DMs can point at
    /// the group DM.
    pub fn remaining(&self, members: &[UserId]) -> Vec<Step> {
        let mut steps = Vec::new();
        let mut set = members.to_vec();
        set.sort();
        let intro = Step::Intro(set);
        if !self.is_done(&intro) {
            steps.push(intro);
        }
        steps.extend(
            members
                .iter()
                .filter(|m| !self.told.contains(m))
                .map(|m| Step::Tell(m.clone())),
        );
        steps
    }

    pub fn is_done(&self, step: &Step) -> bool {
        match step {
            Step::Intro(set) => self.intro_sets.contains(set) || self.intros.contains(&set.len()),
            Step::Tell(user) => self.told.contains(user),
        }
    }

    pub fn record(&mut self, step: &Step) {
        if self.is_done(step) {
            return;
        }
        match step {
            Step::Intro(set) => self.intro_sets.push(set.clone()),
            Step::Tell(user) => self.told.push(user.clone()),
        }
    }

    pub fn anonymise(&mut self, user: &UserId, replacement: &UserId) {
        let sets = self.intro_sets.iter_mut().flatten();
        for t in self.told.iter_mut().chain(sets) {
            if t == user {
                *t = replacement.clone();
            }
        }
    }

    pub fn mentions(&self, user: &UserId) -> bool {
        self.told.contains(user) || self.intro_sets.iter().any(|s| s.contains(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().expect("time")
    }
    fn u(s: &str) -> UserId {
        UserId::new(s)
    }

    #[test]
    fn a_fresh_pair_needs_its_intro_then_each_members_dm() {
        let a = Announcement::default();
        assert_eq!(
            a.remaining(&[u("U2"), u("U1")]),
            vec![
                Step::Intro(vec![u("U1"), u("U2")]),
                Step::Tell(u("U2")),
                Step::Tell(u("U1"))
            ]
        );
    }

    #[test]
    fn a_pair_that_became_a_trio_needs_a_new_intro_and_only_the_newcomers_dm() {
        let mut a = Announcement::default();
        for s in a.remaining(&[u("U1"), u("U2")]) {
            a.record(&s);
        }
        assert_eq!(
            a.remaining(&[u("U1"), u("U2"), u("U3")]),
            vec![
                Step::Intro(vec![u("U1"), u("U2"), u("U3")]),
                Step::Tell(u("U3"))
            ]
        );
        assert!(a.remaining(&[u("U1"), u("U2")]).is_empty());
    }

    #[test]
    fn a_trio_whose_third_left_and_another_joined_gets_a_new_intro_and_the_newcomer_is_told() {
        let mut a = Announcement::default();
        let (ana, ben, cai, dee) = (u("U0ANA"), u("U0BEN"), u("U0CAI"), u("U0DEE"));
        for members in [
            vec![ana.clone(), ben.clone()],
            vec![ana.clone(), ben.clone(), cai],
        ] {
            for s in a.remaining(&members) {
                a.record(&s);
            }
        }
        // Cai opted out; Dee joins as the third.
        assert_eq!(
            a.remaining(&[ana.clone(), ben.clone(), dee.clone()]),
            vec![Step::Intro(vec![ana, ben, dee.clone()]), Step::Tell(dee)]
        );
    }

    #[test]
    fn a_group_stored_with_intro_sizes_is_not_introduced_again() {
        let stored = r#"{"intros":[2],"told":["U1","U2"]}"#;
        let a: Announcement = serde_json::from_str(stored).expect("old form");
        assert!(a.remaining(&[u("U1"), u("U2")]).is_empty());
    }

    #[test]
    fn recording_a_step_twice_keeps_one_entry() {
        let mut a = Announcement::default();
        a.record(&Step::Tell(u("U1")));
        a.record(&Step::Tell(u("U1")));
        assert_eq!(a.told, vec![u("U1")]);
    }

    #[test]
    fn a_claim_is_in_flight_until_it_is_stale_then_it_can_be_taken_over() {
        let mut a = Announcement::default();
        let stale = Duration::seconds(150);
        assert_eq!(
            a.check_claim(at("2026-12-01T09:00:00Z"), stale),
            ClaimCheck::Free
        );
        a.claim = Some(AnnounceClaim {
            version: 3,
            since: at("2026-12-01T09:00:00Z"),
        });
        assert_eq!(
            a.check_claim(at("2026-12-01T09:02:30Z"), stale),
            ClaimCheck::InFlight
        );
        assert_eq!(
            a.check_claim(at("2026-12-01T09:02:31Z"), stale),
            ClaimCheck::Stale
        );
        assert!(a.held_by(3) && !a.held_by(4));
    }

    #[test]
    fn a_deleted_member_is_no_longer_named_in_who_was_told() {
        let mut a = Announcement::default();
        a.record(&Step::Tell(u("U1")));
        a.record(&Step::Tell(u("U2")));
        a.record(&Step::Intro(vec![u("U1"), u("U2")]));
        a.anonymise(&u("U1"), &u("deleted-1"));
        assert!(!a.mentions(&u("U1")));
        assert!(!serde_json::to_string(&a).expect("json").contains("U1"));
        assert_eq!(a.told, vec![u("deleted-1"), u("U2")]);
    }
}
