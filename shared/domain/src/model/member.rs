//! A member: where they stand, their profile answers and their choices.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{RoundId, UserId};
use mentor_matching::{Experience, Frequency, Mode};

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
    /// End-of-round feedback by round: a 1–5 rating and an optional private
    /// note to the moderators (one entry per round; a new rating replaces
    /// the old). Only moderators read it; deleted with the member item.
    #[serde(default)]
    pub feedback: BTreeMap<RoundId, crate::feedback::Feedback>,
    /// Profile choice: named in the round highlights post in the programme
    /// channel (when the community has them). Default no.
    #[serde(default)]
    pub named_in_highlights: bool,
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
    /// Everyone this member is kept apart from: a moderator's `exclude`
    /// and their own private "never pair me with" are the same hard rule.
    pub fn kept_apart(&self) -> impl Iterator<Item = &UserId> {
        self.excluded_with.iter().chain(&self.blocked)
    }

    /// Whether this member's settings keep them apart from `other`.
    pub fn kept_apart_from(&self, other: &UserId) -> bool {
        self.kept_apart().any(|u| u == other)
    }

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
            feedback: BTreeMap::new(),
            named_in_highlights: false,
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
