//! A group (pair or trio) in a round, with its check-ins and outbox mark.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::swap;
use crate::announcement::Announcement;
use crate::ids::{RoundId, UserId};
use mentor_matching::Reason;

/// How a check-in was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckinAnswer {
    Met,
    NotYet,
    Unresponsive,
    WantOut,
}

impl CheckinAnswer {
    pub fn label(self) -> &'static str {
        match self {
            CheckinAnswer::Met => "met",
            CheckinAnswer::NotYet => "not yet",
            CheckinAnswer::Unresponsive => "partner not responding",
            CheckinAnswer::WantOut => "wants out",
        }
    }
    pub const ALL: [CheckinAnswer; 4] = [
        CheckinAnswer::Met,
        CheckinAnswer::NotYet,
        CheckinAnswer::Unresponsive,
        CheckinAnswer::WantOut,
    ];
}

/// How a group came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupOrigin {
    #[default]
    Round,
    Manual,
    Repair,
    LateJoin,
}

/// A pair (or trio) in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub round: RoundId,
    pub number: u32,
    pub members: Vec<UserId>,
    pub score: i64,
    pub reasons: Vec<mentor_matching::Reason>,
    #[serde(default)]
    pub origin: GroupOrigin,
    /// Dissolved by a moderator (`unpair`) or because a member left.
    #[serde(default)]
    pub dissolved: bool,
    /// Members who left this group mid-round.
    #[serde(default)]
    pub departed: Vec<UserId>,
    /// Check-in answers: "day 7" → member → answer.
    #[serde(default)]
    pub checkins: BTreeMap<u32, BTreeMap<UserId, CheckinAnswer>>,
    /// When a member said their partner isn't responding (moderators are
    /// alerted once the configured delay has passed without a "met").
    #[serde(default)]
    pub unresponsive_reported: BTreeMap<UserId, DateTime<Utc>>,
    /// Optimistic-concurrency version, bumped on every write.
    #[serde(default)]
    pub version: u64,
    /// The outbox: set (to the time of the write) whenever the group is
    /// stored or gains a member, in the same write; cleared once everyone
    /// has been told. The tick re-publishes live groups still waiting.
    #[serde(default)]
    pub to_announce: Option<DateTime<Utc>>,
    /// Who joined this pair after pairing, making it a trio: the pair's
    /// group DM says who is joining and why.
    #[serde(default)]
    pub joined_late: Option<UserId>,
    /// Re-pair alerts about this group already acted on: the member the
    /// alert was about → the moderator who clicked first.
    #[serde(default)]
    pub alerts_handled: BTreeMap<UserId, UserId>,
    /// When the group was formed after the round's pairing (a late join, a
    /// manual pair, "Find me a partner now"); round groups use the round's
    /// `paired_at`.
    #[serde(default)]
    pub formed_at: Option<DateTime<Utc>>,
    /// The momentum nudge: whether it went out and what members answered.
    #[serde(default)]
    pub momentum: crate::momentum::Momentum,
    /// How far its announcement got (intro, pairing DMs) and who is
    /// sending it. Groups stored before this field kept that progress in
    /// once-markers, which their announcement still checks.
    #[serde(default = "Announcement::stored_before_progress")]
    pub announcement: Announcement,
}

impl Group {
    /// A group as it is first formed: live, version 0, nothing answered,
    /// announced or handled yet. Callers set what differs (`formed_at`,
    /// `to_announce`, …) with struct-update syntax.
    pub fn new(
        round: RoundId,
        number: u32,
        members: Vec<UserId>,
        score: i64,
        reasons: Vec<mentor_matching::Reason>,
        origin: GroupOrigin,
    ) -> Self {
        Self {
            round,
            number,
            members,
            score,
            reasons,
            origin,
            dissolved: false,
            departed: Vec::new(),
            checkins: BTreeMap::new(),
            unresponsive_reported: BTreeMap::new(),
            version: 0,
            to_announce: None,
            joined_late: None,
            alerts_handled: BTreeMap::new(),
            formed_at: None,
            momentum: Default::default(),
            announcement: Announcement::default(),
        }
    }

    /// Forgets `user` (who deleted their data): their id becomes
    /// `replacement` everywhere, and every stored reason that came from their
    /// profile is dropped. What stays is only what names the remaining
    /// members (`CanHelp` / `ExperienceMix` between them, `MetBefore`); the
    /// unattributed reasons (shared interests, overlap, mode, frequency) were
    /// computed from the deleted member's answers too, so they go.
    pub fn anonymise(&mut self, user: &UserId, replacement: &UserId) {
        let had_user = self.members.contains(user) || self.departed.contains(user);
        if had_user {
            let me = mentor_matching::MemberId::from(user);
            self.reasons.retain(|r| match r {
                Reason::CanHelp { from, to, .. } => *from != me && *to != me,
                Reason::ExperienceMix { senior, junior, .. } => *senior != me && *junior != me,
                Reason::MetBefore { .. } => true,
                _ => false,
            });
        }
        for m in self.members.iter_mut().chain(self.departed.iter_mut()) {
            swap(m, user, replacement);
        }
        for answers in self.checkins.values_mut() {
            if let Some(a) = answers.remove(user) {
                answers.insert(replacement.clone(), a);
            }
        }
        if let Some(t) = self.unresponsive_reported.remove(user) {
            self.unresponsive_reported.insert(replacement.clone(), t);
        }
        if let Some(j) = self.joined_late.as_mut() {
            swap(j, user, replacement);
        }
        if let Some(by) = self.alerts_handled.remove(user) {
            self.alerts_handled.insert(replacement.clone(), by);
        }
        for by in self.alerts_handled.values_mut() {
            swap(by, user, replacement);
        }
        self.momentum.anonymise(user, replacement);
        self.announcement.anonymise(user, replacement);
    }

    /// The stored reasons that still hold: those naming someone who has left
    /// the group (or deleted their data) are not repeated to a newcomer.
    pub fn current_reasons(&self) -> Vec<Reason> {
        let active = |id: &mentor_matching::MemberId| {
            self.active_members().any(|m| m.as_str() == id.0.as_str())
        };
        self.reasons
            .iter()
            .filter(|r| match r {
                Reason::CanHelp { from, to, .. } => active(from) && active(to),
                Reason::ExperienceMix { senior, junior, .. } => active(senior) && active(junior),
                _ => true,
            })
            .cloned()
            .collect()
    }

    /// Whether `user` appears anywhere in the group (members, departed,
    /// check-ins, reports, reasons).
    pub fn mentions(&self, user: &UserId) -> bool {
        let me = mentor_matching::MemberId::from(user);
        self.members.contains(user)
            || self.departed.contains(user)
            || self.checkins.values().any(|a| a.contains_key(user))
            || self.unresponsive_reported.contains_key(user)
            || self.momentum.answers.contains_key(user)
            || self.announcement.mentions(user)
            || self.reasons.iter().any(|r| match r {
                Reason::CanHelp { from, to, .. } => *from == me || *to == me,
                Reason::ExperienceMix { senior, junior, .. } => *senior == me || *junior == me,
                _ => false,
            })
    }

    pub fn contains(&self, user: &UserId) -> bool {
        self.members.contains(user)
    }
    pub fn partners_of<'a>(&'a self, user: &'a UserId) -> impl Iterator<Item = &'a UserId> + 'a {
        self.members.iter().filter(move |m| *m != user)
    }
    /// Live: not dissolved and at least two members still in it.
    pub fn is_live(&self) -> bool {
        !self.dissolved && self.active_members().count() >= 2
    }
    pub fn active_members(&self) -> impl Iterator<Item = &UserId> {
        self.members.iter().filter(|m| !self.departed.contains(m))
    }
    /// Who holds a place in the round through this group: its active
    /// members while it is live, nobody otherwise.
    pub fn holders(&self) -> Vec<UserId> {
        if self.is_live() {
            self.active_members().cloned().collect()
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mentor_matching::MemberId;

    fn trio() -> Group {
        let id = |s: &str| MemberId(s.into());
        let reasons = vec![
            Reason::CanHelp {
                from: id("U0CAT"),
                to: id("U0ANA"),
                topics: vec!["Knitting".into()],
            },
            Reason::CanHelp {
                from: id("U0BEN"),
                to: id("U0ANA"),
                topics: vec!["Writing".into()],
            },
            Reason::SharedInterests(vec!["Research".into()]),
            Reason::MetBefore { rounds_ago: 3 },
        ];
        let members = ["U0ANA", "U0BEN", "U0CAT"].map(UserId::new).to_vec();
        Group {
            version: 1,
            ..Group::new(
                RoundId::new(2027, 1).unwrap(),
                1,
                members,
                10,
                reasons,
                GroupOrigin::Round,
            )
        }
    }

    #[test]
    fn a_newcomer_is_never_told_what_a_departed_member_could_help_with() {
        let mut g = trio();
        g.departed.push(UserId::new("U0CAT"));
        let kept = g.current_reasons();
        assert!(!serde_json::to_string(&kept).unwrap().contains("U0CAT"));
        assert_eq!(kept.len(), 3);
    }

    #[test]
    fn forgetting_a_member_drops_every_reason_their_profile_fed() {
        let mut g = trio();
        g.departed.push(UserId::new("U0CAT"));
        g.anonymise(&UserId::new("U0CAT"), &UserId::new("deleted-1"));
        let text = serde_json::to_string(&g).unwrap();
        assert!(
            !text.contains("U0CAT") && !text.contains("Knitting"),
            "{text}"
        );
        // What names only the others stays; unattributed reasons go.
        assert_eq!(g.reasons.len(), 2, "{:?}", g.reasons);
        assert!(g.departed.contains(&UserId::new("deleted-1")));
    }
}
