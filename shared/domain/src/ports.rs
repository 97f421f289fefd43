//! Ports: the small traits through which use cases reach the world. Each has
//! an in-memory implementation in [`crate::memory`] and a production one in
//! `mentor-aws` (store, bus) or `mentor-slack` (messenger).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Result, SlackFailure};
use crate::ids::{ChannelId, RoundId, UserId};
use crate::model::{AuditEntry, Group, Member, Round};
use crate::surface::{Home, Message, Modal};

#[async_trait]
pub trait Members: Send + Sync {
    async fn get(&self, id: &UserId) -> Result<Option<Member>>;
    /// Creates the member (at version 0) unless one exists; true when created.
    async fn create(&self, member: &Member) -> Result<bool>;
    /// Writes `member` only if it is stored at `member.version - 1`; false
    /// when someone changed (or deleted) it first: re-read and retry, so no
    /// change is lost and a deleted member is never written back.
    async fn update(&self, member: &Member) -> Result<bool>;
    async fn list(&self) -> Result<Vec<Member>>;
    /// Removes every item that belongs to the member (profile, lookups).
    async fn delete(&self, id: &UserId) -> Result<()>;
}

#[async_trait]
pub trait Rounds: Send + Sync {
    async fn get(&self, id: RoundId) -> Result<Option<Round>>;
    /// Creates the round unless it exists; true when created.
    async fn create(&self, round: &Round) -> Result<bool>;
    /// Writes `round` only if the stored version is `round.version - 1`;
    /// false when someone else changed it first (optimistic concurrency).
    async fn update(&self, round: &Round) -> Result<bool>;
    /// Stores the pairing run's groups (idempotent: same numbers overwrite)
    /// and sets each member's place in the round to the live group holding
    /// them; places that pointed at a rewritten group but are no longer
    /// held are cleared. Only the run, which owns the round, calls this.
    async fn put_groups(&self, groups: &[Group]) -> Result<()>;
    /// Writes groups and the members' places in the round all or nothing:
    /// each group only if its stored version is `prev.version` (absent when
    /// `prev` is `None`), each member joining a group only if they hold no
    /// place in the round, leaving or moving only from the place they hold
    /// (or none: groups stored before places existed have none).
    /// False when any condition fails (a concurrent change: re-read, retry).
    async fn write_groups(&self, writes: &[GroupWrite]) -> Result<bool>;
    async fn groups(&self, id: RoundId) -> Result<Vec<Group>>;
    /// One group of a round by its number: a single read, so notifying a
    /// round's groups one by one stays linear in the round's size.
    async fn group(&self, id: RoundId, number: u32) -> Result<Option<Group>>;
    /// Every kept group `user` was ever in (as a member or departed), found
    /// through a per-member index, never by scanning all groups.
    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>>;
}

/// One group in a [`Rounds::write_groups`] call: its new state and the
/// stored state it replaces (`None` for a new group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupWrite {
    pub next: Group,
    pub prev: Option<Group>,
}

impl GroupWrite {
    pub fn new_group(group: Group) -> Self {
        Self {
            next: group,
            prev: None,
        }
    }
    pub fn update(prev: Group, next: Group) -> Self {
        Self {
            next,
            prev: Some(prev),
        }
    }
}

/// How a write moves one member's place in a round: from the group they
/// held (if any) to the group they now hold (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceMove {
    pub user: UserId,
    pub from: Option<u32>,
    pub to: Option<u32>,
}

/// The place moves a set of group writes makes, one per member whose
/// place changes (a member leaving one group for another is one move).
pub fn place_moves(writes: &[GroupWrite]) -> Vec<PlaceMove> {
    fn entry(moves: &mut Vec<PlaceMove>, user: &UserId) -> usize {
        match moves.iter().position(|m| m.user == *user) {
            Some(i) => i,
            None => {
                moves.push(PlaceMove {
                    user: user.clone(),
                    from: None,
                    to: None,
                });
                moves.len() - 1
            }
        }
    }
    let mut moves: Vec<PlaceMove> = Vec::new();
    for w in writes {
        let before = w.prev.as_ref().map(Group::holders).unwrap_or_default();
        let after = w.next.holders();
        for u in before.iter().filter(|u| !after.contains(u)) {
            let i = entry(&mut moves, u);
            moves[i].from = Some(w.next.number);
        }
    }
    for w in writes {
        let before = w.prev.as_ref().map(Group::holders).unwrap_or_default();
        for u in w.next.holders().iter().filter(|u| !before.contains(u)) {
            let i = entry(&mut moves, u);
            moves[i].to = Some(w.next.number);
        }
    }
    moves
}

/// The sort key of a member's place in a round (`ROUND#<id>` / this): the
/// item that makes "at most one live group per member and round" a write
/// condition. `who` is the member's keyed pseudonym
/// ([`crate::privacy::Pseudonyms::user`]) in a stored table, never the id;
/// the in-memory store, which nothing persists, passes the id itself.
pub fn round_place_key(who: &str) -> String {
    format!("PLACE#{who}")
}

/// Proof of holding a claim. Only its holder may `complete` or `release`
/// the claim, so a worker whose claim was taken over (it was presumed dead)
/// can neither finish nor drop the claim of the worker that took over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimToken(pub String);

/// What a claim on a once-only piece of work found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours: do the work, then `complete` (or `release` on failure) with the token.
    New(ClaimToken),
    /// Someone already did it.
    Done,
    /// Someone started it at this time and has not finished.
    InProgress(DateTime<Utc>),
}

/// Once-only markers: processed Slack events, sent notifications.
///
/// Contract: `claim` hands out a fresh token; `steal` replaces the token of
/// an in-progress claim (so the old holder loses it); `complete` and
/// `release` act only while the token still holds the claim and report
/// whether they did. `complete` never creates a marker.
#[async_trait]
pub trait Ledger: Send + Sync {
    /// Claims `key`; the marker expires `ttl` after `now` (an expired marker
    /// counts as absent even before DynamoDB's TTL sweep removes it).
    async fn claim(&self, key: &str, now: DateTime<Utc>, ttl: chrono::Duration) -> Result<Claim>;
    /// Takes over an in-progress claim made at `since` whose claimant is
    /// presumed dead; the new token when taken.
    async fn steal(
        &self,
        key: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ClaimToken>>;
    /// Marks the claim done if `token` still holds it; false otherwise.
    async fn complete(&self, key: &str, token: &ClaimToken) -> Result<bool>;
    /// Drops the claim if `token` still holds it; false otherwise.
    async fn release(&self, key: &str, token: &ClaimToken) -> Result<bool>;
}

#[async_trait]
pub trait Audit: Send + Sync {
    async fn record(&self, entry: &AuditEntry) -> Result<()>;
    async fn recent(&self, limit: usize) -> Result<Vec<AuditEntry>>;
    /// Replaces `user` by `replacement` in every kept audit entry.
    async fn anonymise(&self, user: &UserId, replacement: &UserId) -> Result<()>;
}

/// What Slack tells us about a user.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UserInfo {
    pub tz: Option<String>,
    pub tz_offset_seconds: Option<i32>,
    pub is_bot: bool,
    pub deleted: bool,
    /// The person's real name, for moderator texts (cached on the member).
    pub real_name: Option<String>,
}

pub type SlackResult<T> = std::result::Result<T, SlackFailure>;

/// The Slack Web API, as the domain needs it.
#[async_trait]
pub trait Messenger: Send + Sync {
    /// `conversations.open`: a DM for one user, a group DM for 2–8.
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId>;
    /// `chat.postMessage`.
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()>;
    /// A one-to-one DM. Slack delivers a `chat.postMessage` to a user id
    /// (`channel: U…`) into the app's DM with that user, so the Web API
    /// client needs no `conversations.open` (Tier 3, about 50 a minute);
    /// this default opens the DM first, for messengers that can't.
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        let channel = self.open_dm(std::slice::from_ref(user)).await?;
        self.post(&channel, message).await
    }
    /// `chat.update`: replaces the bot's message `ts` in `channel` (a
    /// clicked message answered in place).
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()>;
    /// `chat.postEphemeral`.
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()>;
    /// `views.open`.
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()>;
    /// `views.publish`.
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()>;
    /// `users.info`.
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo>;
    /// `conversations.members`, all pages.
    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>>;
    /// `auth.test`: whether Slack accepts the bot's token (again).
    async fn auth_test(&self) -> SlackResult<()> {
        Ok(())
    }
    /// Posts to a slash command's `response_url`.
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()>;
}

/// Work handed from a quick handler (or the pairing run) to the scheduler function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BusEvent {
    /// Send the pairing DMs of one group.
    NotifyGroup { round: RoundId, group: u32 },
    /// Tell a member they were not paired this round, and why.
    NotifyUnpaired { round: RoundId, user: UserId },
    /// Ask a member whether they stay in for `round` (a paused member gets
    /// a "still paused, resume?" note instead).
    Reconfirm { round: RoundId, user: UserId },
    /// Remind a member who hasn't answered for `round`.
    Remind { round: RoundId, user: UserId },
    /// Send a check-in to a group.
    Checkin {
        round: RoundId,
        group: u32,
        day: u32,
    },
    /// Send the moderators the round summary.
    ModeratorSummary { round: RoundId },
    /// A member confirmed `delete my data`: done here, off the click's 3 s.
    DeleteMember { user: UserId, requested_at: i64 },
    /// A moderator asked for a dry run of the next pairing.
    Preview {
        round: RoundId,
        requested_by: UserId,
        response_url: Option<String>,
    },
    /// A moderator asked to run a round now.
    RunRound {
        round: RoundId,
        requested_by: UserId,
        response_url: Option<String>,
    },
    /// A Slack request an HTTP function accepted and already answered; the
    /// scheduler does its work once per `key` (the acceptance claim).
    Accepted { key: String, job: Job },
    /// Welcome back a member whose `pause until` ended on `until`.
    SnoozeEnded {
        user: UserId,
        until: chrono::NaiveDate,
    },
    /// The momentum nudge in one group's group DM.
    Momentum { round: RoundId, group: u32 },
    /// The round's highlights post in the programme channel (when the
    /// community turned them on).
    Highlights { round: RoundId },
}

/// What a member or moderator asked for, parsed and typed by the HTTP
/// function: Slack ids, command enums and button ids, never message text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// A mention or DM, as a parsed command.
    Message {
        user: UserId,
        origin: crate::usecases::Origin,
        command: crate::commands::Command,
    },
    /// `member_joined_channel`.
    Joined { user: UserId, channel: ChannelId },
    /// `member_left_channel`.
    Left { user: UserId, channel: ChannelId },
    /// `app_home_opened`.
    HomeOpened { user: UserId },
    /// A button click (already deduplicated).
    Click {
        user: UserId,
        action_id: String,
        value: String,
        response_url: Option<String>,
        /// The clicked message, answered in place.
        #[serde(default)]
        message: Option<Box<crate::usecases::ClickedMessage>>,
    },
    /// The profile form was saved: the confirmation DM and a late join.
    ProfileSaved { user: UserId, first_time: bool },
    /// The goal form was saved: the confirmation DM (the text stays on the
    /// member's item; the bus never carries it).
    GoalSaved {
        user: UserId,
        round: crate::ids::RoundId,
    },
    /// The private feedback note was saved: the confirmation DM (the note
    /// stays on the member's item; the bus never carries it).
    FeedbackNoteSaved {
        user: UserId,
        round: crate::ids::RoundId,
    },
    /// A moderator's slash command that changes state or DMs people.
    Moderator {
        user: UserId,
        command: crate::usecases::ModCommand,
        response_url: Option<String>,
    },
}

impl BusEvent {
    /// The EventBridge `detail-type`.
    pub fn detail_type(&self) -> &'static str {
        match self {
            BusEvent::NotifyGroup { .. } => "notify-group",
            BusEvent::NotifyUnpaired { .. } => "notify-unpaired",
            BusEvent::Reconfirm { .. } => "reconfirm",
            BusEvent::Remind { .. } => "remind",
            BusEvent::Checkin { .. } => "checkin",
            BusEvent::ModeratorSummary { .. } => "moderator-summary",
            BusEvent::DeleteMember { .. } => "delete-member",
            BusEvent::Preview { .. } => "preview",
            BusEvent::RunRound { .. } => "run-round",
            BusEvent::Accepted { .. } => "accepted",
            BusEvent::SnoozeEnded { .. } => "snooze-ended",
            BusEvent::Momentum { .. } => "momentum",
            BusEvent::Highlights { .. } => "round-highlights",
        }
    }
}

#[async_trait]
pub trait EventBus: Send + Sync {
    /// Publishes all events or fails (partial failures are retried inside).
    async fn publish(&self, events: &[BusEvent]) -> Result<()>;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock, for production adapters only.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
