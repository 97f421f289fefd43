//! A bot over any store (in memory or DynamoDB in moto) with a recording
//! Slack, an in-memory bus and an injected clock, every port behind a fault
//! injector; and the checks the exactly-once stories end with.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use mentor_domain::memory::{FixedClock, MemoryBus, RecordingMessenger, SlackCall};
use mentor_domain::ports::{Audit, BusEvent, Clock, Ledger, Members, Rounds};
use mentor_domain::profile_form::{FieldValue, FormValues};
use mentor_domain::usecases::{Click, Deps, ProfileOutcome};
use mentor_domain::{Bot, ProgrammeConfig, RoundId, UserId};

use crate::faults::{FaultyBus, FaultySlack, FaultyStore, Injector, unless_stopped};

/// The pairing DM's headline (one per member and group).
pub const PAIRING_DM: &str = "Your peer-mentoring partner for";
/// The group DM's headline (one per group).
pub const GROUP_INTRO: &str = "you're peer-mentoring partners for";

/// Claims left in flight (taken, not completed or released, not expired).
#[async_trait::async_trait]
pub trait ClaimsInFlight {
    async fn claims_in_flight(&self, now: DateTime<Utc>) -> Vec<String>;
}

#[async_trait::async_trait]
impl ClaimsInFlight for mentor_domain::memory::MemoryStore {
    async fn claims_in_flight(&self, now: DateTime<Utc>) -> Vec<String> {
        mentor_domain::memory::MemoryStore::claims_in_flight(self, now)
    }
}

#[async_trait::async_trait]
impl ClaimsInFlight for mentor_aws::dynamo::DynamoStore {
    async fn claims_in_flight(&self, now: DateTime<Utc>) -> Vec<String> {
        use aws_sdk_dynamodb::types::AttributeValue;
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client()
                .scan()
                .table_name(self.table())
                .filter_expression("#st = :ip AND expires_at > :now")
                .expression_attribute_names("#st", "state")
                .expression_attribute_values(":ip", AttributeValue::S("in_progress".into()))
                .expression_attribute_values(":now", AttributeValue::N(now.timestamp().to_string()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .expect("scan ledger");
            for item in page.items.unwrap_or_default() {
                if let Some(AttributeValue::S(pk)) = item.get("PK") {
                    out.push(pk.clone());
                }
            }
            match page.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return out,
            }
        }
    }
}

pub struct World<S> {
    pub bot: Bot,
    pub store: Arc<S>,
    pub slack: Arc<RecordingMessenger>,
    pub bus: Arc<MemoryBus>,
    pub clock: Arc<FixedClock>,
    /// Store writes and bus publishes.
    pub writes: Arc<Injector>,
    /// Slack calls.
    pub calls: Arc<Injector>,
    /// Bus events a failed or stopped delivery left for the platform to retry.
    pub retry_queue: std::sync::Mutex<Vec<BusEvent>>,
}

pub fn form(offers: &str, wants: &str, experience: &str) -> FormValues {
    let mut v = FormValues::new();
    v.insert(
        "timezone".into(),
        FieldValue::Text(Some("Europe/Lisbon".into())),
    );
    v.insert(
        "interests".into(),
        FieldValue::Many(vec!["Research".into()]),
    );
    v.insert("offers".into(), FieldValue::Many(vec![offers.into()]));
    v.insert("wants".into(), FieldValue::Many(vec![wants.into()]));
    v.insert(
        "experience".into(),
        FieldValue::One(Some(experience.into())),
    );
    v.insert("mode".into(), FieldValue::One(Some("video".into())));
    v.insert("frequency".into(), FieldValue::One(Some("weekly".into())));
    v
}

const TOPICS: [&str; 6] = [
    "Writing",
    "Research",
    "Accessibility",
    "Frontend",
    "Backend",
    "Data",
];
const LEVELS: [&str; 4] = ["new", "one_to_three", "three_to_seven", "seven_plus"];

pub fn member(i: usize) -> UserId {
    UserId::new(format!("U0W{i:03}"))
}

impl<S> World<S>
where
    S: Members + Rounds + Ledger + Audit + 'static,
{
    pub fn new(store: Arc<S>, now: DateTime<Utc>) -> Self {
        let writes = Injector::new();
        let calls = Injector::new();
        let slack = Arc::new(RecordingMessenger::new());
        let bus = Arc::new(MemoryBus::new());
        let clock = Arc::new(FixedClock::at(now));
        let faulty = Arc::new(FaultyStore::new(store.clone(), writes.clone()));
        let deps = Deps {
            members: faulty.clone(),
            rounds: faulty.clone(),
            ledger: faulty.clone(),
            audit: faulty,
            slack: Arc::new(FaultySlack {
                inner: slack.clone(),
                faults: calls.clone(),
            }),
            bus: Arc::new(FaultyBus {
                inner: bus.clone(),
                faults: writes.clone(),
            }),
            clock: clock.clone(),
        };
        Self {
            bot: Bot::new(deps, ProgrammeConfig::example()),
            store,
            slack,
            bus,
            clock,
            writes,
            calls,
            retry_queue: Default::default(),
        }
    }

    /// `i` signs up through the profile form (varied profiles).
    pub async fn sign_up(&self, i: usize) {
        let form = form(TOPICS[i % 6], TOPICS[(i + 2) % 6], LEVELS[i % 4]);
        let outcome = self
            .bot
            .save_profile(&member(i), &form, &format!("V{i}"))
            .await
            .expect("sign-up");
        assert_eq!(outcome, ProfileOutcome::Saved, "valid form");
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// `moderator` types `/mentoring <text>`; when the answer asks first
    /// (`run`, `unpair @a`, `remove @a` have one confirmation button), they
    /// click it. Returns the answer the moderator read.
    pub async fn moderator_says(
        &self,
        moderator: &UserId,
        text: &str,
    ) -> mentor_domain::error::Result<String> {
        let reply = self.bot.slash_command(moderator, text, None).await?;
        for (i, action) in reply.message.actions().into_iter().enumerate() {
            let click = Click {
                user: moderator.clone(),
                action,
                trigger_id: None,
                dedupe_key: format!("confirm-{i}-{text}"),
                response_url: None,
                message: None,
            };
            self.bot.on_action(&click).await?;
        }
        Ok(reply.message.readable())
    }

    /// Runs `work` as one Lambda invocation would: `None` if a fault
    /// stopped it (the invocation was killed and its future dropped).
    pub async fn invoke<T>(&self, work: impl std::future::Future<Output = T>) -> Option<T> {
        unless_stopped(&[&self.writes, &self.calls], work).await
    }

    /// Delivers the bus's events to the scheduler use case, as the bus rule
    /// does; a failed or stopped delivery goes to the retry queue.
    pub async fn deliver_once(&self) {
        let mut events = self.bus.drain();
        events.extend(std::mem::take(
            &mut *self.retry_queue.lock().unwrap_or_else(|e| e.into_inner()),
        ));
        for e in events {
            let ok = matches!(self.invoke(self.bot.on_bus_event(&e)).await, Some(Ok(())));
            if !ok {
                self.retry_queue
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(e);
            }
        }
    }

    /// Re-drives everything the way the platform would after a fault:
    /// retried deliveries (after the stale-claim time, so claims of killed
    /// invocations are taken over), and hourly ticks.
    pub async fn settle(&self) {
        for _ in 0..3 {
            self.deliver_once().await;
            self.deliver_once().await;
            self.advance(Duration::minutes(20));
            let _ = self.invoke(self.bot.tick()).await;
            self.deliver_once().await;
        }
        self.advance(Duration::minutes(61));
        let _ = self.invoke(self.bot.tick()).await;
        for _ in 0..3 {
            self.deliver_once().await;
        }
    }

    /// Everyone in a live group of `round`, with how many live groups.
    pub async fn live_places(&self, round: RoundId) -> BTreeMap<UserId, usize> {
        let mut out = BTreeMap::new();
        for g in self.store.groups(round).await.expect("groups") {
            if g.is_live() {
                for u in g.active_members() {
                    *out.entry(u.clone()).or_insert(0) += 1;
                }
            }
        }
        out
    }

    /// Pairing DMs `user` got that name one of `partners`.
    pub fn pairing_dms(&self, user: &UserId, partners: &[UserId]) -> usize {
        self.slack
            .dms_to(user)
            .iter()
            .map(|m| m.readable())
            .filter(|t| t.contains(PAIRING_DM))
            .filter(|t| partners.iter().any(|p| t.contains(&p.mention())))
            .count()
    }

    /// Group intros posted in each group DM channel.
    pub fn group_intros(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for c in self.slack.calls() {
            if let SlackCall::Post(ch, m) = c
                && m.readable().contains(GROUP_INTRO)
            {
                *out.entry(ch.0.clone()).or_insert(0) += 1;
            }
        }
        out
    }

    /// The end state every exactly-once story must reach: nobody in two
    /// live groups, no group larger than three, every live group announced
    /// exactly once, every member of one exactly one pairing DM for it.
    /// Returns a description of what is wrong, if anything.
    pub async fn check(&self, round: RoundId) -> Vec<String>
    where
        S: ClaimsInFlight,
    {
        let mut problems = Vec::new();
        for key in self.store.claims_in_flight(self.clock.now()).await {
            problems.push(format!("claim {key} left in flight"));
        }
        for (u, n) in self.live_places(round).await {
            if n > 1 {
                problems.push(format!("{u} is in {n} live groups"));
            }
        }
        let intros = self.group_intros();
        for g in self.store.groups(round).await.expect("groups") {
            if g.to_announce.is_some() {
                problems.push(format!("group {} still waits in the outbox", g.number));
            }
            if g.announcement.claim.is_some() {
                problems.push(format!("group {}'s announcement left in flight", g.number));
            }
            if !g.is_live() {
                continue;
            }
            let active: Vec<UserId> = g.active_members().cloned().collect();
            if g.members.len() > 3 {
                problems.push(format!(
                    "group {} has {} members",
                    g.number,
                    g.members.len()
                ));
            }
            let channel = mentor_domain::memory::dm_channel(&active).0;
            let n = intros.get(&channel).copied().unwrap_or(0);
            if n != 1 {
                problems.push(format!("group {} announced {n} times", g.number));
            }

            for u in &active {
                let partners: Vec<UserId> = active.iter().filter(|p| *p != u).cloned().collect();
                let dms = self.pairing_dms(u, &partners);
                if dms != 1 {
                    problems.push(format!("{u} got {dms} pairing DMs"));
                }
            }
        }
        problems
    }
}
