//! Fault injection: wrappers around the store, the bus and Slack that fail,
//! or stop the task (a Lambda killed mid-call: the future never finishes and
//! is dropped), at the n-th write or call; and that can yield before every
//! call so two use cases run at the same moment interleave step by step.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mentor_domain::error::{Error, Result, SlackFailure};
use mentor_domain::model::{AuditEntry, Group, Member, Round};
use mentor_domain::ports::{
    Audit, BusEvent, Claim, ClaimToken, EventBus, GroupWrite, Ledger, Members, Messenger, Rounds,
    SlackResult, UserInfo,
};
use mentor_domain::surface::{Home, Message, Modal};
use mentor_domain::{ChannelId, RoundId, UserId};
use tokio::sync::Notify;

/// What happens at the armed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The call returns a retryable error.
    Fail,
    /// The call never returns: the driver drops the task (Lambda killed).
    Stop,
}

/// Counts calls and fires a fault at the n-th one.
#[derive(Default)]
pub struct Injector {
    calls: AtomicUsize,
    armed: Mutex<Option<(usize, Fault)>>,
    yield_each: AtomicBool,
    stopped: Notify,
    /// The name of the call the armed fault fired at.
    fired_at: Mutex<Option<String>>,
    /// Calls whose name starts with this always fail (e.g. `audit.record`).
    failing: Mutex<Option<String>>,
}

impl Injector {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
    /// Fires `fault` at the `n`-th call from now (1-based).
    pub fn arm(&self, n: usize, fault: Fault) {
        self.calls.store(0, Ordering::SeqCst);
        *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = Some((n, fault));
    }
    pub fn disarm(&self) {
        *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
    /// Where the armed fault fired, if it did.
    pub fn fired_at(&self) -> Option<String> {
        self.fired_at
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
    /// Calls since the last `arm` or `reset`.
    pub fn count(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
    pub fn reset(&self) {
        self.calls.store(0, Ordering::SeqCst);
    }
    /// Makes every call named `prefix…` fail until `heal`.
    pub fn fail_every(&self, prefix: &str) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = Some(prefix.into());
    }
    pub fn heal(&self) {
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
    /// Yield to other tasks before every call, so concurrent use cases interleave.
    pub fn interleave(&self, on: bool) {
        self.yield_each.store(on, Ordering::SeqCst);
    }
    /// Resolves when a `Stop` fault fired: the driver then drops the task.
    pub async fn stopped(&self) {
        self.stopped.notified().await
    }

    /// Called before each counted call; `Err` is the injected failure.
    async fn gate(&self, what: &str) -> std::result::Result<(), ()> {
        if self.yield_each.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
        let failing = self
            .failing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|p| what.starts_with(p.as_str()));
        if failing {
            return Err(());
        }
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let fault = {
            let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
            match *armed {
                Some((at, f)) if at == n => {
                    *armed = None;
                    *self.fired_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(what.into());
                    Some(f)
                }
                _ => None,
            }
        };
        match fault {
            None => Ok(()),
            Some(Fault::Fail) => {
                let _ = (what, n);
                Err(())
            }
            Some(Fault::Stop) => {
                self.stopped.notify_one();
                std::future::pending::<()>().await;
                Err(())
            }
        }
    }

    async fn store_gate(&self, what: &str) -> Result<()> {
        self.gate(what)
            .await
            .map_err(|_| Error::Store(format!("injected failure at {what}")))
    }
}

/// Runs `work` unless the injector stops it; `None` when it was stopped
/// (its future dropped mid-call, as when Lambda kills an invocation).
pub async fn unless_stopped<T>(
    injectors: &[&Injector],
    work: impl std::future::Future<Output = T>,
) -> Option<T> {
    let stops = async {
        match injectors {
            [a] => a.stopped().await,
            [a, b, ..] => tokio::select! { _ = a.stopped() => {}, _ = b.stopped() => {} },
            [] => std::future::pending().await,
        }
    };
    tokio::select! {
        biased;
        out = work => Some(out),
        _ = stops => None,
    }
}

/// A store whose writes go through an [`Injector`] (reads pass through,
/// yielding too when interleaving).
pub struct FaultyStore<S> {
    pub inner: Arc<S>,
    pub faults: Arc<Injector>,
}

impl<S> FaultyStore<S> {
    pub fn new(inner: Arc<S>, faults: Arc<Injector>) -> Self {
        Self { inner, faults }
    }
    async fn read(&self) {
        if self.faults.yield_each.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
    }
}

#[async_trait]
impl<S: Members + 'static> Members for FaultyStore<S> {
    async fn get(&self, id: &UserId) -> Result<Option<Member>> {
        self.read().await;
        self.inner.get(id).await
    }
    async fn create(&self, member: &Member) -> Result<bool> {
        self.faults.store_gate("members.create").await?;
        self.inner.create(member).await
    }
    async fn update(&self, member: &Member) -> Result<bool> {
        self.faults.store_gate("members.update").await?;
        self.inner.update(member).await
    }
    async fn list(&self) -> Result<Vec<Member>> {
        self.read().await;
        self.inner.list().await
    }
    async fn delete(&self, id: &UserId) -> Result<()> {
        self.faults.store_gate("members.delete").await?;
        self.inner.delete(id).await
    }
}

#[async_trait]
impl<S: Rounds + 'static> Rounds for FaultyStore<S> {
    async fn get(&self, id: RoundId) -> Result<Option<Round>> {
        self.read().await;
        self.inner.get(id).await
    }
    async fn create(&self, round: &Round) -> Result<bool> {
        self.faults.store_gate("rounds.create").await?;
        self.inner.create(round).await
    }
    async fn update(&self, round: &Round) -> Result<bool> {
        self.faults.store_gate("rounds.update").await?;
        self.inner.update(round).await
    }
    async fn put_groups(&self, groups: &[Group]) -> Result<()> {
        self.faults.store_gate("rounds.put_groups").await?;
        self.inner.put_groups(groups).await
    }
    async fn write_groups(&self, writes: &[GroupWrite]) -> Result<bool> {
        // A write that records a sent announcement message is the group's
        // equivalent of `ledger.complete`: named apart for the fault matrix.
        let records_a_send = writes.iter().any(|w| {
            w.prev.as_ref().is_some_and(|p| {
                let (before, after) = (&p.announcement, &w.next.announcement);
                after.intro_sets.len() > before.intro_sets.len()
                    || after.told.len() > before.told.len()
            })
        });
        let name = if records_a_send {
            "rounds.record_announced"
        } else {
            "rounds.write_groups"
        };
        self.faults.store_gate(name).await?;
        self.inner.write_groups(writes).await
    }
    async fn groups(&self, id: RoundId) -> Result<Vec<Group>> {
        self.read().await;
        self.inner.groups(id).await
    }
    async fn group(&self, id: RoundId, number: u32) -> Result<Option<Group>> {
        self.read().await;
        self.inner.group(id, number).await
    }
    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>> {
        self.read().await;
        self.inner.groups_of(user).await
    }
}

#[async_trait]
impl<S: Ledger + 'static> Ledger for FaultyStore<S> {
    async fn claim(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> Result<Claim> {
        self.faults.store_gate("ledger.claim").await?;
        self.inner.claim(key, now, ttl).await
    }
    async fn steal(
        &self,
        key: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ClaimToken>> {
        self.faults.store_gate("ledger.steal").await?;
        self.inner.steal(key, since, now).await
    }
    async fn complete(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        self.faults.store_gate("ledger.complete").await?;
        self.inner.complete(key, token).await
    }
    async fn release(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        self.faults.store_gate("ledger.release").await?;
        self.inner.release(key, token).await
    }
}

#[async_trait]
impl<S: Audit + 'static> Audit for FaultyStore<S> {
    async fn record(&self, entry: &AuditEntry) -> Result<()> {
        self.faults.store_gate("audit.record").await?;
        self.inner.record(entry).await
    }
    async fn recent(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read().await;
        self.inner.recent(limit).await
    }
    async fn anonymise(&self, user: &UserId, replacement: &UserId) -> Result<()> {
        self.faults.store_gate("audit.anonymise").await?;
        self.inner.anonymise(user, replacement).await
    }
}

/// A bus whose publishes count as store writes of the same injector.
pub struct FaultyBus<B> {
    pub inner: Arc<B>,
    pub faults: Arc<Injector>,
}

#[async_trait]
impl<B: EventBus + 'static> EventBus for FaultyBus<B> {
    async fn publish(&self, events: &[BusEvent]) -> Result<()> {
        self.faults
            .gate("bus.publish")
            .await
            .map_err(|_| Error::Bus("injected failure at bus.publish".into()))?;
        self.inner.publish(events).await
    }
}

/// A Slack whose every call goes through an [`Injector`]; a failure is a
/// transient Slack error (as a 500 after the client's retries).
pub struct FaultySlack<M> {
    pub inner: Arc<M>,
    pub faults: Arc<Injector>,
}

impl<M> FaultySlack<M> {
    async fn gate(&self, method: &str) -> SlackResult<()> {
        self.faults.gate(method).await.map_err(|_| SlackFailure {
            method: method.into(),
            code: "internal_error".into(),
            permanent: false,
        })
    }
}

#[async_trait]
impl<M: Messenger + 'static> Messenger for FaultySlack<M> {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        self.gate("conversations.open").await?;
        self.inner.open_dm(users).await
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        self.gate("chat.postMessage").await?;
        self.inner.post(channel, message).await
    }
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        self.gate("chat.postMessage").await?;
        self.inner.post_dm(user, message).await
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        self.gate("chat.update").await?;
        self.inner.update(channel, ts, message).await
    }
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        self.gate("chat.postEphemeral").await?;
        self.inner.post_ephemeral(channel, user, message).await
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        self.gate("views.open").await?;
        self.inner.open_modal(trigger_id, modal).await
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        self.gate("views.publish").await?;
        self.inner.publish_home(user, home).await
    }
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        self.gate("users.info").await?;
        self.inner.user_info(user).await
    }
    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        self.gate("conversations.members").await?;
        self.inner.channel_members(channel).await
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        self.gate("response_url").await?;
        self.inner.respond(response_url, message).await
    }
}
