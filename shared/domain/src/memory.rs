//! In-memory adapters for unit tests and the local demo. Never the only test
//! of a production path: the DynamoDB and Slack adapters have their own tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

use crate::error::{Result, SlackFailure};
use crate::ids::{ChannelId, RoundId, UserId};
use crate::model::{AuditEntry, Group, Member, Round};
use crate::ports::{
    Audit, BusEvent, Claim, ClaimToken, Clock, EventBus, GroupWrite, Ledger, Members, Messenger,
    Rounds, SlackResult, UserInfo, place_moves, round_place_key,
};
use crate::surface::{Home, Message, Modal};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another test thread panicked; the data is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Clone)]
struct LedgerEntry {
    token: ClaimToken,
    since: DateTime<Utc>,
    done: bool,
    expires: DateTime<Utc>,
}

#[derive(Default)]
struct StoreData {
    members: BTreeMap<UserId, Member>,
    rounds: BTreeMap<RoundId, Round>,
    groups: BTreeMap<(RoundId, u32), Group>,
    /// Each member's place in a round: (round, place key) → group number.
    places: BTreeMap<(RoundId, String), u32>,
    ledger: HashMap<String, LedgerEntry>,
    /// Source of claim tokens (unique within the store).
    tokens: u64,
    audit: Vec<AuditEntry>,
}

/// All store ports in one map, behind a mutex.
#[derive(Default)]
pub struct MemoryStore {
    data: Mutex<StoreData>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Claims taken and neither completed, released nor expired at `now`
    /// (what the fault-injection tests require to be none at the end).
    pub fn claims_in_flight(&self, now: DateTime<Utc>) -> Vec<String> {
        let d = lock(&self.data);
        let mut keys: Vec<String> = d
            .ledger
            .iter()
            .filter(|(_, e)| !e.done && e.expires > now)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }
}

#[async_trait]
impl Members for MemoryStore {
    async fn get(&self, id: &UserId) -> Result<Option<Member>> {
        Ok(lock(&self.data).members.get(id).cloned())
    }
    async fn create(&self, member: &Member) -> Result<bool> {
        let mut d = lock(&self.data);
        if d.members.contains_key(&member.id) {
            return Ok(false);
        }
        let mut m = member.clone();
        m.version = 0;
        d.members.insert(member.id.clone(), m);
        Ok(true)
    }
    async fn update(&self, member: &Member) -> Result<bool> {
        let mut d = lock(&self.data);
        match d.members.get(&member.id) {
            Some(m) if m.version + 1 == member.version => {
                d.members.insert(member.id.clone(), member.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn list(&self) -> Result<Vec<Member>> {
        Ok(lock(&self.data).members.values().cloned().collect())
    }
    async fn delete(&self, id: &UserId) -> Result<()> {
        lock(&self.data).members.remove(id);
        Ok(())
    }
}

#[async_trait]
impl Rounds for MemoryStore {
    async fn get(&self, id: RoundId) -> Result<Option<Round>> {
        Ok(lock(&self.data).rounds.get(&id).cloned())
    }
    async fn create(&self, round: &Round) -> Result<bool> {
        let mut d = lock(&self.data);
        if d.rounds.contains_key(&round.id) {
            return Ok(false);
        }
        d.rounds.insert(round.id, round.clone());
        Ok(true)
    }
    async fn update(&self, round: &Round) -> Result<bool> {
        let mut d = lock(&self.data);
        match d.rounds.get(&round.id) {
            Some(r) if r.version + 1 == round.version => {
                d.rounds.insert(round.id, round.clone());
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn put_groups(&self, groups: &[Group]) -> Result<()> {
        let mut d = lock(&self.data);
        let Some(round) = groups.first().map(|g| g.round) else {
            return Ok(());
        };
        let numbers: Vec<u32> = groups.iter().map(|g| g.number).collect();
        d.places
            .retain(|(r, _), n| *r != round || !numbers.contains(n));
        for g in groups {
            d.groups.insert((g.round, g.number), g.clone());
            for u in g.holders() {
                d.places
                    .insert((g.round, round_place_key(u.as_str())), g.number);
            }
        }
        Ok(())
    }
    async fn write_groups(&self, writes: &[GroupWrite]) -> Result<bool> {
        let mut d = lock(&self.data);
        // Check every condition first: all or nothing, like a transaction.
        for w in writes {
            let stored = d.groups.get(&(w.next.round, w.next.number));
            let ok = match (&w.prev, stored) {
                (None, None) => true,
                (Some(p), Some(g)) => g.version == p.version,
                _ => false,
            };
            if !ok {
                return Ok(false);
            }
        }
        let Some(round) = writes.first().map(|w| w.next.round) else {
            return Ok(true);
        };
        let moves = place_moves(writes);
        for m in &moves {
            let held = d
                .places
                .get(&(round, round_place_key(m.user.as_str())))
                .copied();
            // Leaving a group whose place was never written (data from before
            // places existed) is fine; taking someone else's place is not.
            if held.is_some() && held != m.from {
                return Ok(false);
            }
        }
        for w in writes {
            d.groups
                .insert((w.next.round, w.next.number), w.next.clone());
        }
        for m in moves {
            let key = (round, round_place_key(m.user.as_str()));
            match m.to {
                Some(n) => d.places.insert(key, n),
                None => d.places.remove(&key),
            };
        }
        Ok(true)
    }
    async fn groups(&self, id: RoundId) -> Result<Vec<Group>> {
        Ok(lock(&self.data)
            .groups
            .range((id, 0)..=(id, u32::MAX))
            .map(|(_, g)| g.clone())
            .collect())
    }
    async fn group(&self, id: RoundId, number: u32) -> Result<Option<Group>> {
        Ok(lock(&self.data).groups.get(&(id, number)).cloned())
    }
    async fn groups_of(&self, user: &UserId) -> Result<Vec<Group>> {
        Ok(lock(&self.data)
            .groups
            .values()
            .filter(|g| g.members.contains(user) || g.departed.contains(user))
            .cloned()
            .collect())
    }
}

impl StoreData {
    fn fresh_token(&mut self) -> ClaimToken {
        self.tokens += 1;
        ClaimToken(format!("mem-{}", self.tokens))
    }
}

#[async_trait]
impl Ledger for MemoryStore {
    async fn claim(&self, key: &str, now: DateTime<Utc>, ttl: Duration) -> Result<Claim> {
        let mut d = lock(&self.data);
        match d.ledger.get(key) {
            Some(e) if e.expires > now && e.done => Ok(Claim::Done),
            Some(e) if e.expires > now => Ok(Claim::InProgress(e.since)),
            _ => {
                let token = d.fresh_token();
                d.ledger.insert(
                    key.to_string(),
                    LedgerEntry {
                        token: token.clone(),
                        since: now,
                        done: false,
                        expires: now + ttl,
                    },
                );
                Ok(Claim::New(token))
            }
        }
    }
    async fn steal(
        &self,
        key: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ClaimToken>> {
        let mut d = lock(&self.data);
        let token = d.fresh_token();
        match d.ledger.get_mut(key) {
            Some(e) if !e.done && e.since == since => {
                e.since = now;
                e.token = token.clone();
                Ok(Some(token))
            }
            _ => Ok(None),
        }
    }
    async fn complete(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        match lock(&self.data).ledger.get_mut(key) {
            Some(e) if e.token == *token && !e.done => {
                e.done = true;
                Ok(true)
            }
            _ => Ok(false),
        }
    }
    async fn release(&self, key: &str, token: &ClaimToken) -> Result<bool> {
        let mut d = lock(&self.data);
        match d.ledger.get(key) {
            Some(e) if e.token == *token && !e.done => {
                d.ledger.remove(key);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[async_trait]
impl Audit for MemoryStore {
    async fn record(&self, entry: &AuditEntry) -> Result<()> {
        lock(&self.data).audit.push(entry.clone());
        Ok(())
    }
    async fn recent(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let d = lock(&self.data);
        Ok(d.audit.iter().rev().take(limit).cloned().collect())
    }
    async fn anonymise(&self, user: &UserId, replacement: &UserId) -> Result<()> {
        lock(&self.data)
            .audit
            .iter_mut()
            .for_each(|a| a.anonymise(user, replacement));
        Ok(())
    }
}

/// One call the bot made to Slack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlackCall {
    OpenDm(Vec<UserId>),
    Post(ChannelId, Message),
    Ephemeral(ChannelId, UserId, Message),
    OpenModal(String, Modal),
    PublishHome(UserId, Home),
    Respond(String, Message),
    /// `chat.update`: channel, message ts, the new content.
    Update(ChannelId, String, Message),
}

/// A messenger that records what it was asked to send. DM channels are
/// named `D<user>` (or `G<u1>-<u2>` for group DMs) so tests can tell who got what.
#[derive(Default)]
pub struct RecordingMessenger {
    calls: Mutex<Vec<SlackCall>>,
    failures: Mutex<HashMap<UserId, String>>,
    channel_members: Mutex<Vec<UserId>>,
    timezones: Mutex<HashMap<UserId, String>>,
    real_names: Mutex<HashMap<UserId, String>>,
}

impl RecordingMessenger {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn calls(&self) -> Vec<SlackCall> {
        lock(&self.calls).clone()
    }
    pub fn take(&self) -> Vec<SlackCall> {
        std::mem::take(&mut *lock(&self.calls))
    }
    /// Makes every DM to `user` fail with a permanent Slack error `code`.
    pub fn fail_user(&self, user: &UserId, code: &str) {
        lock(&self.failures).insert(user.clone(), code.into());
    }
    /// Lets DMs to `user` through again (after [`Self::fail_user`]).
    pub fn heal_user(&self, user: &UserId) {
        lock(&self.failures).remove(user);
    }
    pub fn set_channel_members(&self, users: Vec<UserId>) {
        *lock(&self.channel_members) = users;
    }
    pub fn set_timezone(&self, user: &UserId, tz: &str) {
        lock(&self.timezones).insert(user.clone(), tz.into());
    }
    pub fn set_real_name(&self, user: &UserId, name: &str) {
        lock(&self.real_names).insert(user.clone(), name.into());
    }
    /// Messages posted to the DM of `user` (one-to-one DMs only).
    pub fn dms_to(&self, user: &UserId) -> Vec<Message> {
        let dm = dm_channel(std::slice::from_ref(user));
        lock(&self.calls)
            .iter()
            .filter_map(|c| match c {
                SlackCall::Post(ch, m) if *ch == dm => Some(m.clone()),
                _ => None,
            })
            .collect()
    }
    /// Messages posted to group DMs that include `user`.
    pub fn group_dms_with(&self, user: &UserId) -> Vec<Message> {
        lock(&self.calls)
            .iter()
            .filter_map(|c| match c {
                SlackCall::Post(ch, m)
                    if ch.0.starts_with('G') && ch.0[1..].split('-').any(|u| u == user.0) =>
                {
                    Some(m.clone())
                }
                _ => None,
            })
            .collect()
    }
}

/// The recording messenger is a test double: a surface Slack would refuse
/// (or truncate) fails the test that built it, naming the broken limit.
fn within_limits<S: crate::surface::limits::Surface>(method: &str, surface: &S) {
    if let Err(problems) = crate::surface::check_block_kit_limits(surface) {
        panic!("{method}: breaks Slack's Block Kit limits: {problems:?}");
    }
}

/// The fake DM channel id for a set of users.
pub fn dm_channel(users: &[UserId]) -> ChannelId {
    if users.len() == 1 {
        ChannelId(format!("D{}", users[0]))
    } else {
        let mut ids: Vec<&str> = users.iter().map(|u| u.as_str()).collect();
        ids.sort_unstable();
        ChannelId(format!("G{}", ids.join("-")))
    }
}

#[async_trait]
impl Messenger for RecordingMessenger {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        if let Some(code) = users
            .iter()
            .find_map(|u| lock(&self.failures).get(u).cloned())
        {
            return Err(SlackFailure {
                method: "conversations.open".into(),
                code,
                permanent: true,
            });
        }
        lock(&self.calls).push(SlackCall::OpenDm(users.to_vec()));
        Ok(dm_channel(users))
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        within_limits("chat.postMessage", message);
        lock(&self.calls).push(SlackCall::Post(channel.clone(), message.clone()));
        Ok(())
    }
    /// Like Slack: a post to the user id lands in their DM (`D<user>`),
    /// and no `conversations.open` is made.
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        if let Some(code) = lock(&self.failures).get(user).cloned() {
            return Err(SlackFailure {
                method: "chat.postMessage".into(),
                code,
                permanent: true,
            });
        }
        let dm = dm_channel(std::slice::from_ref(user));
        lock(&self.calls).push(SlackCall::Post(dm, message.clone()));
        Ok(())
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        within_limits("chat.update", message);
        lock(&self.calls).push(SlackCall::Update(
            channel.clone(),
            ts.into(),
            message.clone(),
        ));
        Ok(())
    }
    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        within_limits("chat.postEphemeral", message);
        lock(&self.calls).push(SlackCall::Ephemeral(
            channel.clone(),
            user.clone(),
            message.clone(),
        ));
        Ok(())
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        within_limits("views.open", modal);
        lock(&self.calls).push(SlackCall::OpenModal(trigger_id.into(), modal.clone()));
        Ok(())
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        within_limits("views.publish", home);
        lock(&self.calls).push(SlackCall::PublishHome(user.clone(), home.clone()));
        Ok(())
    }
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        let tz = lock(&self.timezones).get(user).cloned();
        Ok(UserInfo {
            tz_offset_seconds: tz.as_ref().map(|_| 0),
            tz,
            is_bot: false,
            deleted: false,
            real_name: lock(&self.real_names).get(user).cloned(),
        })
    }
    async fn channel_members(&self, _channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        Ok(lock(&self.channel_members).clone())
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        within_limits("response_url", message);
        lock(&self.calls).push(SlackCall::Respond(response_url.into(), message.clone()));
        Ok(())
    }
}

/// A bus that keeps events in a queue; `drain` hands them to whoever consumes them.
#[derive(Default)]
pub struct MemoryBus {
    queue: Mutex<Vec<BusEvent>>,
}

impl MemoryBus {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn drain(&self) -> Vec<BusEvent> {
        std::mem::take(&mut *lock(&self.queue))
    }
}

#[async_trait]
impl EventBus for MemoryBus {
    async fn publish(&self, events: &[BusEvent]) -> Result<()> {
        lock(&self.queue).extend_from_slice(events);
        Ok(())
    }
}

/// A clock that only moves when told to.
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }
    pub fn set(&self, now: DateTime<Utc>) {
        *lock(&self.now) = now;
    }
    pub fn advance(&self, by: Duration) {
        let mut n = lock(&self.now);
        *n += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *lock(&self.now)
    }
}
