//! Use cases: what the bot does in answer to Slack, the scheduler and moderators.
//! They reach the world only through the ports in [`Deps`].

mod intake;
mod member;
mod member_records;
mod moderator;
mod once;
mod rounds;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::config::ProgrammeConfig;
use crate::error::Result;
use crate::ids::{ChannelId, RoundId, UserId};
use crate::model::{Group, Member, MemberStatus};
use crate::once_key::OnceKey;
use crate::ports::{Audit, Clock, EventBus, Ledger, Members, Messenger, Rounds};
use crate::surface::Message;

use member_records::MemberRecords;
use once::{InFlight, Once};

pub use crate::action::Action;
pub use intake::ClickedMessage;
pub use member::{
    ActionOutcome, Click, Origin, ProfileOutcome, StoredGoal, StoredNote, StoredProfile,
};
pub use moderator::{ModCommand, SlashReply};
pub use rounds::TickReport;

/// The ports a use case may use.
#[derive(Clone)]
pub struct Deps {
    pub members: Arc<dyn Members>,
    pub rounds: Arc<dyn Rounds>,
    pub ledger: Arc<dyn Ledger>,
    pub audit: Arc<dyn Audit>,
    pub slack: Arc<dyn Messenger>,
    pub bus: Arc<dyn EventBus>,
    pub clock: Arc<dyn Clock>,
}

impl Deps {
    /// Ports from one store that implements all the store traits.
    pub fn from_store<S>(
        store: Arc<S>,
        slack: Arc<dyn Messenger>,
        bus: Arc<dyn EventBus>,
        clock: Arc<dyn Clock>,
    ) -> Self
    where
        S: Members + Rounds + Ledger + Audit + 'static,
    {
        Self {
            members: store.clone(),
            rounds: store.clone(),
            ledger: store.clone(),
            audit: store,
            slack,
            bus,
            clock,
        }
    }

    /// Everything in memory, for tests and the local demo.
    pub fn in_memory(
        slack: Arc<dyn Messenger>,
        clock: Arc<dyn Clock>,
    ) -> (
        Self,
        Arc<crate::memory::MemoryStore>,
        Arc<crate::memory::MemoryBus>,
    ) {
        let store = Arc::new(crate::memory::MemoryStore::new());
        let bus = Arc::new(crate::memory::MemoryBus::new());
        (
            Self::from_store(store.clone(), slack, bus.clone(), clock),
            store,
            bus,
        )
    }
}

/// The bot: configuration plus ports.
#[derive(Clone)]
pub struct Bot {
    deps: Deps,
    cfg: Arc<ProgrammeConfig>,
    /// Exactly-once work, over the ledger and the clock only.
    once: Once,
    /// Member changes, over the member store and the clock only.
    records: MemberRecords,
}

/// How long once-only markers (Slack events, clicks, notifications) are
/// kept: longer than a round plus its re-runs, so a notification marker
/// outlives every moment its round could be resumed or re-notified.
pub(crate) const MARKER_DAYS: i64 = 62;
/// A second click on the same button within this time is taken as a
/// double-click and ignored; a deliberate click later still counts.
pub(crate) const CLICK_WINDOW_MINUTES: i64 = 2;
/// How long a claimed-but-unfinished piece of work is presumed in flight
/// before another worker takes it over. Two bounds fix it (README,
/// "Deadlines and the scheduler's timing"):
/// - longer than any function runs (the scheduler's timeout, 120 s), so a
///   live worker's claim is never taken from it;
/// - shorter than the 3 minutes from a failed asynchronous invocation to
///   Lambda's last retry (1 minute, then 2), so when a worker dies holding
///   a claim (killed at its timeout, out of memory) the last retry takes the
///   claim over instead of finding it "in flight" and dead-lettering the work.
///
/// A worker that merely runs out of time never gets here: its Slack calls
/// stop at the deadline and it releases its claims.
pub const STALE_CLAIM_SECONDS: i64 = 150;
/// How many times marking finished work done is tried before giving up.
pub(crate) const COMPLETE_ATTEMPTS: usize = 3;

impl Bot {
    pub fn new(deps: Deps, cfg: ProgrammeConfig) -> Self {
        Self {
            once: Once::new(deps.ledger.clone(), deps.clock.clone()),
            records: MemberRecords::new(deps.members.clone(), deps.clock.clone()),
            deps,
            cfg: Arc::new(cfg),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.deps.clock.now()
    }

    pub fn current_round(&self) -> RoundId {
        crate::calendar::current_round(&self.cfg, self.now())
    }

    pub fn next_round(&self) -> RoundId {
        crate::calendar::next_round(&self.cfg, self.now())
    }

    /// Posts `message` in the app's DM with `user`: one `chat.postMessage`
    /// to the user id, no `conversations.open` (see [`Messenger::post_dm`]).
    /// A DM to `user`; during their click on one of our messages, the first
    /// one answers in that message instead (see `in_place.rs`).
    pub async fn dm(&self, user: &UserId, message: &Message) -> Result<()> {
        if let Some(done) = self.answer_in_place(user, message).await {
            return done;
        }
        self.deps.slack.post_dm(user, message).await?;
        Ok(())
    }

    /// Opens a group DM and posts there; returns the channel.
    pub async fn group_dm(&self, users: &[UserId], message: &Message) -> Result<ChannelId> {
        let channel = self.deps.slack.open_dm(users).await?;
        self.deps.slack.post(&channel, message).await?;
        Ok(channel)
    }

    /// DMs every moderator; a failure for one does not stop the others.
    /// Returns how many received it, or the last failure when none did.
    pub async fn tell_moderators(&self, message: &Message) -> Result<usize> {
        let mut received = 0;
        let mut last = None;
        for m in &self.cfg.moderators {
            match self.dm(m, message).await {
                Ok(()) => received += 1,
                Err(e) => {
                    tracing::warn!(moderator = %m, error = %e, "moderator DM failed");
                    last = Some(e);
                }
            }
        }
        match last {
            Some(e) if received == 0 => Err(e),
            _ => Ok(received),
        }
    }

    /// Best-effort note to the moderators (a failure is logged, not retried).
    pub async fn note_moderators(&self, message: &Message) {
        if let Err(e) = self.tell_moderators(message).await {
            tracing::warn!(error = %e, "no moderator received a note");
        }
    }

    /// Runs `work` at most once for `key` (a Slack event id, a click, a
    /// notification). A failed `work` releases the key so a retry can redo it.
    /// Returns `Ok(false)` when the work was already done or is in flight.
    pub async fn once<F, Fut>(&self, key: &OnceKey, work: F) -> Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        self.once
            .run(
                key,
                InFlight::Skip,
                chrono::Duration::days(MARKER_DAYS),
                work,
            )
            .await
    }

    /// Like [`Bot::once`] with a marker that lasts only `ttl` (button clicks).
    pub async fn once_within<F, Fut>(
        &self,
        key: &OnceKey,
        ttl: chrono::Duration,
        work: F,
    ) -> Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        self.once.run(key, InFlight::Skip, ttl, work).await
    }

    /// Like [`Bot::once`], for bus work: a claim still in flight is an error,
    /// so the delivery is retried (and lands in the DLQ if it never clears)
    /// instead of being dropped as done.
    pub async fn once_or_retry<F, Fut>(&self, key: &OnceKey, work: F) -> Result<bool>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        self.once
            .run(
                key,
                InFlight::Retry,
                chrono::Duration::days(MARKER_DAYS),
                work,
            )
            .await
    }

    /// DMs the moderators about something at most once per `key`; true when sent now.
    pub async fn tell_moderators_once(&self, key: &OnceKey, message: &Message) -> Result<bool> {
        // Done only when at least one moderator received it; else retried.
        self.once_or_retry(key, || async {
            self.tell_moderators(message).await.map(|_| ())
        })
        .await
    }

    /// Whether `round` has been paired (its groups are the real ones).
    pub async fn is_paired(&self, round: RoundId) -> Result<bool> {
        Ok(self
            .deps
            .rounds
            .get(round)
            .await?
            .is_some_and(|r| r.state == crate::model::RoundState::Paired))
    }

    /// The rounds someone who signs up, opts in, resumes or rejoins now is
    /// confirmed for (DESIGN.md §8): every round ahead that is not paired yet,
    /// which is the next one, and the current one while it is unpaired (on
    /// any day of the month: a moderator's `run` pairs it late).
    pub async fn rounds_to_confirm(&self) -> Result<Vec<RoundId>> {
        let current = self.current_round();
        let mut out = vec![current.next()];
        if !self.is_paired(current).await? {
            out.push(current);
        }
        Ok(out)
    }

    /// The member's live group in `round`, if any.
    pub async fn group_of(&self, user: &UserId, round: RoundId) -> Result<Option<Group>> {
        Ok(self
            .deps
            .rounds
            .groups(round)
            .await?
            .into_iter()
            .find(|g| g.is_live() && g.active_members().any(|m| m == user)))
    }

    /// Loads a member, applies `change` and stores it with optimistic
    /// concurrency (see [`MemberRecords::update`]); `None` when the member
    /// does not exist.
    pub(crate) async fn update_member(
        &self,
        user: &UserId,
        change: impl Fn(&mut Member),
    ) -> Result<Option<Member>> {
        self.records.update(user, change).await
    }

    /// Marks a member unreachable after a permanent Slack failure and tells the moderators.
    pub async fn mark_unreachable(&self, user: &UserId, code: &str) -> Result<()> {
        let changed = self
            .update_member(user, |m| m.status = MemberStatus::Unreachable)
            .await?;
        if changed.is_some() {
            tracing::warn!(user = %user, code, "member unreachable; marked inactive");
            self.note_moderators(&crate::messages::rounds::member_unreachable(user, code))
                .await;
        }
        Ok(())
    }
}
