//! What the programme stores: members, rounds, groups and audit entries.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{RoundId, UserId};
use mentor_matching::{Experience, Frequency, Mode, Reason};

/// Where a member stands in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Said hello, has not saved a profile yet.
    Onboarding,
    /// Has a profile and takes part in rounds (if confirmed).
    Active,
    /// Skips rounds until `resume`.
    Paused,
    /// Left the programme by choice; keeps the profile so `opt in` is one word.
    OptedOut,
    /// Left the programme channel.
    Left,
    /// Slack said the account can't be reached (deactivated, not found).
    Unreachable,
}

impl MemberStatus {
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Onboarding => "signing up (profile not saved yet)",
            MemberStatus::Active => "active",
            MemberStatus::Paused => "paused",
            MemberStatus::OptedOut => "opted out",
            MemberStatus::Left => "left the channel",
            MemberStatus::Unreachable => "unreachable on Slack",
        }
    }

    pub const ALL: [MemberStatus; 6] = [
        MemberStatus::Onboarding,
        MemberStatus::Active,
        MemberStatus::Paused,
        MemberStatus::OptedOut,
        MemberStatus::Left,
        MemberStatus::Unreachable,
    ];
}

/// The answers a member gives in the profile form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// IANA time zone name, e.g. `Europe/Lisbon`.
    pub timezone: String,
    pub interests: Vec<String>,
    pub offers: Vec<String>,
    pub wants: Vec<String>,
    pub experience: Experience,
    pub mode: Mode,
    pub frequency: Frequency,
}

/// A member's answer to "stay in for next month?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    Yes,
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: UserId,
    pub status: MemberStatus,
    pub profile: Option<Profile>,
    /// Answers to the reconfirmation question, by round.
    #[serde(default)]
    pub confirmations: BTreeMap<RoundId, Confirmation>,
    /// Whether the member is in the programme channel, as last seen.
    #[serde(default = "yes")]
    pub in_channel: bool,
    pub joined_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Last time we sent a "join the programme" invitation (joined the channel).
    #[serde(default)]
    pub invited_at: Option<DateTime<Utc>>,
    /// Last time the profile was saved.
    #[serde(default)]
    pub profile_saved_at: Option<DateTime<Utc>>,
    /// Members this one must never be paired with (moderator `exclude`).
    #[serde(default)]
    pub excluded_with: Vec<UserId>,
    /// Counts the member's choices (stay in / skip / opt out / opt in), so a
    /// click on a *different* answer after a change is never mistaken for a
    /// double-click: the click guard's key includes it (last click wins).
    #[serde(default)]
    pub choices: u64,
    /// Optimistic-concurrency version: 0 when created, bumped on every write.
    #[serde(default)]
    pub version: u64,
    /// People this member asked never to be paired with (`block @x`): a
    /// hard rule for the engine, private (only on this member's own item).
    #[serde(default)]
    pub blocked: Vec<UserId>,
    /// Past partners this member would happily be paired with again; the
    /// repeat penalty drops only for pairs who both marked each other.
    #[serde(default)]
    pub happy_again: Vec<UserId>,
    /// The member's optional one-line goal for a round: shown only to their
    /// partner, asked about at the last check-in.
    #[serde(default)]
    pub goal: Option<Goal>,
    /// `pause until …`: the day (community time zone) the tick resumes
    /// the member; `None` for an open-ended pause (or none).
    #[serde(default)]
    pub paused_until: Option<NaiveDate>,
    /// Profile choice: happy for a third person to join their pair
    /// mid-month ("Find me a partner now", late joiners). Default yes.
    #[serde(default = "yes")]
    pub open_to_third: bool,
    /// Slack's real name, cached from `users.info` so moderators' buttons
    /// and texts can name people where a mention can't render; deleted
    /// with the member item, shown in `my data`.
    #[serde(default)]
    pub name: Option<String>,
}

/// A one-line goal for one round (free text, only on the member's own item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub round: RoundId,
    pub text: String,
    /// How it went, answered at the last check-in.
    #[serde(default)]
    pub outcome: Option<GoalOutcome>,
}

/// The answer to "how did your goal go?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalOutcome {
    Reached,
    Partly,
    NotThisTime,
}

impl GoalOutcome {
    pub fn label(self) -> &'static str {
        match self {
            GoalOutcome::Reached => "reached it",
            GoalOutcome::Partly => "partly",
            GoalOutcome::NotThisTime => "not this time",
        }
    }
}

fn yes() -> bool {
    true
}

impl Member {
    /// The member's goal, if it is the one set for `round`.
    pub fn goal_for(&self, round: RoundId) -> Option<&Goal> {
        self.goal.as_ref().filter(|g| g.round == round)
    }

    pub fn new_onboarding(id: UserId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            status: MemberStatus::Onboarding,
            profile: None,
            confirmations: BTreeMap::new(),
            in_channel: true,
            joined_at: now,
            updated_at: now,
            invited_at: None,
            profile_saved_at: None,
            excluded_with: Vec::new(),
            choices: 0,
            version: 0,
            blocked: Vec::new(),
            happy_again: Vec::new(),
            goal: None,
            paused_until: None,
            open_to_third: true,
            name: None,
        }
    }

    pub fn is_confirmed_for(&self, round: RoundId) -> bool {
        self.confirmations.get(&round) == Some(&Confirmation::Yes)
    }

    /// Eligible for pairing in `round`: active, has a profile, in the channel, said yes.
    pub fn is_eligible_for(&self, round: RoundId) -> bool {
        self.status == MemberStatus::Active
            && self.profile.is_some()
            && self.in_channel
            && self.is_confirmed_for(round)
    }

    /// Why this member is not eligible for `round`, if not.
    pub fn ineligibility(&self, round: RoundId) -> Option<Ineligible> {
        if self.status != MemberStatus::Active || self.profile.is_none() {
            return Some(Ineligible::NotActive);
        }
        if !self.in_channel {
            return Some(Ineligible::NotInChannel);
        }
        match self.confirmations.get(&round) {
            Some(Confirmation::Yes) => None,
            Some(Confirmation::Skip) => Some(Ineligible::Skipping),
            None => Some(Ineligible::DidNotConfirm),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    NotActive,
    NotInChannel,
    Skipping,
    DidNotConfirm,
}

/// A round's life, in order. Transitions only go forward, one step at a time,
/// guarded by a conditional write, so two runners never both pair a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Created; reconfirmation DMs may be going out.
    Open,
    /// Someone claimed the pairing run (at `pairing_started_at`).
    Pairing,
    /// Groups are stored; notifications are (being) fanned out.
    Paired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub state: RoundState,
    /// Seed for tie-breaks, so a preview equals the run.
    pub seed: u64,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub paired_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub pairing_started_at: Option<DateTime<Utc>>,
    /// The run's groups and unmatched list are stored; from here on a
    /// resumed run re-announces them instead of planning again.
    #[serde(default)]
    pub plan_stored: bool,
    /// Counters for the moderators' summary.
    #[serde(default)]
    pub stats: RoundStats,
    /// Members left unpaired, with why.
    #[serde(default)]
    pub unmatched: Vec<(UserId, UnmatchedWhy)>,
    /// Members who did not confirm (or skipped), told so at pairing time.
    #[serde(default)]
    pub not_confirmed: Vec<UserId>,
    /// When the "stay in?" DMs were fanned out.
    #[serde(default)]
    pub reconfirm_sent_at: Option<DateTime<Utc>>,
    /// When the "you haven't answered yet" reminders were fanned out.
    #[serde(default)]
    pub reminder_sent_at: Option<DateTime<Utc>>,
    /// Check-in days already fanned out.
    #[serde(default)]
    pub checkins_sent: Vec<u32>,
    /// Slack refused the bot's own token during this round's work: since
    /// when, and its error code. The tick re-drives the round's messages
    /// once Slack works again.
    #[serde(default)]
    pub slack_outage: Option<(DateTime<Utc>, String)>,
    /// Optimistic-concurrency version, bumped on every update.
    #[serde(default)]
    pub version: u64,
    /// Members who asked for a partner now and found nobody free: the
    /// waiting list the moderators see, in the order they asked.
    #[serde(default)]
    pub waiting: Vec<UserId>,
}

impl Round {
    pub fn new(id: RoundId, seed: u64, now: DateTime<Utc>) -> Self {
        Self {
            id,
            state: RoundState::Open,
            seed,
            created_at: now,
            paired_at: None,
            pairing_started_at: None,
            plan_stored: false,
            stats: RoundStats::default(),
            unmatched: Vec::new(),
            not_confirmed: Vec::new(),
            reconfirm_sent_at: None,
            reminder_sent_at: None,
            checkins_sent: Vec::new(),
            slack_outage: None,
            version: 0,
            waiting: Vec::new(),
        }
    }

    /// Whether the round's lists name `user`.
    pub fn mentions(&self, user: &UserId) -> bool {
        self.unmatched.iter().any(|(u, _)| u == user)
            || self.not_confirmed.contains(user)
            || self.waiting.contains(user)
    }

    /// Removes `user` from the round's lists (the counters stay): nothing
    /// else refers to those entries, so a deleted member's place goes entirely.
    pub fn forget(&mut self, user: &UserId) {
        self.unmatched.retain(|(u, _)| u != user);
        self.not_confirmed.retain(|u| u != user);
        self.waiting.retain(|u| u != user);
    }

    /// A copy ready to be written with [`crate::ports::Rounds::update`].
    pub fn next_version(&self) -> Self {
        let mut r = self.clone();
        r.version += 1;
        r
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundStats {
    pub eligible: u32,
    pub groups: u32,
    pub trios: u32,
    pub unmatched: u32,
    pub not_confirmed: u32,
    pub repeats: u32,
}

pub use mentor_matching::UnmatchedReason as UnmatchedWhy;

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
}

fn swap(id: &mut UserId, user: &UserId, replacement: &UserId) {
    if id == user {
        *id = replacement.clone();
    }
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

/// One moderator action, kept for accountability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub moderator: UserId,
    pub action: String,
    pub targets: Vec<UserId>,
    pub outcome: String,
}

impl AuditEntry {
    pub fn anonymise(&mut self, user: &UserId, replacement: &UserId) {
        swap(&mut self.moderator, user, replacement);
        for t in self.targets.iter_mut() {
            swap(t, user, replacement);
        }
        self.outcome = self
            .outcome
            .replace(&user.mention(), &replacement.mention());
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
