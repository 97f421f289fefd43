//! `local-runner bench-round --members N`: one whole round at scale, end to
//! end: tick → plan → store → publish → notify, with the production adapters
//! (DynamoDB store and EventBridge bus, both on moto; the real Slack client)
//! against a mock Slack that enforces Slack's published rate limits.
//!
//! Time is simulated, so nothing sleeps for real: one clock is both the bot's
//! `Clock` and the mock Slack's. Every Slack call costs `--slack-ms`, every
//! DynamoDB call `--dynamodb-ms`; when the mock answers 429 it also moves the
//! clock by the wait the production client would take (`Retry-After`, in
//! full), and a post to a channel posted to less than the
//! client's pacing gap ago first waits out the gap, as the client does. The
//! bench's own client is configured never to sleep.
//!
//! Bus events are delivered to the scheduler code one at a time (its reserved
//! concurrency is 1), some of them twice (EventBridge delivers at least
//! once); an event whose handling fails is retried after 1 and then 2
//! minutes, as Lambda retries an asynchronous invocation, then counted as
//! dead-lettered.
//!
//! The last line is
//! `members=<n> plan_s=<x> writes_per_member=<w> slack_calls_per_member=<c> notify_minutes=<m> duplicates=<d>`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mentor_aws::bus::EventBridgeBus;
use mentor_aws::dynamo::DynamoStore;
use mentor_domain::memory::{FixedClock, RecordingMessenger};
use mentor_domain::ports::{BusEvent, Clock, EventBus, Members, Rounds};
use mentor_domain::usecases::{Deps, Origin, ProfileOutcome};
use mentor_domain::{Bot, ProgrammeConfig, RoundId, UserId};
use mentor_slack::client::{RetryPolicy, SlackClient};

use crate::simulate::{Rng, profile_values};

mod dynamo_counter;
mod mock_slack;

use dynamo_counter::{CountingInterceptor, DynamoCounter};
use mock_slack::{MockSlack, SlackState, start_mock_slack};

/// Knobs of one bench run.
pub struct Options {
    pub members: usize,
    pub seed: u64,
    /// moto (or DynamoDB + EventBridge) endpoint.
    pub endpoint: String,
    /// Simulated latency of one Slack Web API call.
    pub slack_ms: i64,
    /// Simulated latency of one DynamoDB call.
    pub dynamodb_ms: i64,
    /// Every n-th bus event is delivered twice (0: never).
    pub duplicate_every: usize,
}

/// Publishes to EventBridge (moto) and keeps a copy to deliver, as the bus
/// rule would, to the scheduler code.
struct TeeBus {
    inner: EventBridgeBus,
    queue: Mutex<Vec<BusEvent>>,
    entries: AtomicU64,
}

#[async_trait]
impl EventBus for TeeBus {
    async fn publish(&self, events: &[BusEvent]) -> mentor_domain::error::Result<()> {
        self.inner.publish(events).await?;
        self.entries
            .fetch_add(events.len() as u64, Ordering::Relaxed);
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(events);
        Ok(())
    }
}

impl TeeBus {
    fn drain(&self) -> Vec<BusEvent> {
        std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Signs `n` members up through the real use cases, in memory (fast), and
/// returns them as stored.
async fn sign_up(
    cfg: &ProgrammeConfig,
    n: usize,
    seed: u64,
    at: DateTime<Utc>,
) -> Result<Vec<mentor_domain::model::Member>, String> {
    let clock = Arc::new(FixedClock::at(at));
    let (deps, store, _bus) = Deps::in_memory(Arc::new(RecordingMessenger::new()), clock);
    let bot = Bot::new(deps, cfg.clone());
    let mut rng = Rng::new(seed);
    for i in 1..=n {
        let id = UserId(format!("U{i:07}"));
        let form = profile_values(cfg, &mut rng);
        bot.on_message(&id, Origin::Channel(cfg.channel.clone()), "hi")
            .await
            .map_err(err)?;
        let saved = bot
            .save_profile(&id, &form, &format!("signup-{id}"))
            .await
            .map_err(err)?;
        if let ProfileOutcome::Rejected(e) = saved {
            return Err(format!("profile rejected: {e:?}"));
        }
    }
    store.list().await.map_err(err)
}

/// One delivery of a bus event to the scheduler code.
struct Delivery {
    event: BusEvent,
    attempt: u32,
    ready: DateTime<Utc>,
}

/// Lambda's asynchronous retries: 2 more attempts, 1 and 2 minutes later.
const ASYNC_ATTEMPTS: u32 = 3;

/// The figures of the closing line (plus what the test checks).
#[derive(Debug)]
pub struct Outcome {
    pub members: usize,
    pub plan_s: f64,
    pub writes_per_member: f64,
    pub slack_calls_per_member: f64,
    pub notify_minutes: f64,
    pub duplicates: u32,
    pub unnotified: usize,
    pub dead_lettered: u64,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "members={} plan_s={:.2} writes_per_member={:.2} slack_calls_per_member={:.2} notify_minutes={:.1} duplicates={}",
            self.members,
            self.plan_s,
            self.writes_per_member,
            self.slack_calls_per_member,
            self.notify_minutes,
            self.duplicates
        )
    }
}

pub async fn run(opts: &Options) -> Result<(), String> {
    let outcome = bench(opts, true).await?;
    if outcome.unnotified > 0 || outcome.dead_lettered > 0 {
        println!(
            "NOT EVERYONE NOTIFIED: unnotified={} dead_lettered={}",
            outcome.unnotified, outcome.dead_lettered
        );
    }
    println!("{outcome}");
    Ok(())
}

/// Runs the round; prints the detail lines when `print`.
pub async fn bench(opts: &Options, print: bool) -> Result<Outcome, String> {
    let cfg = ProgrammeConfig::example();
    let round = RoundId::of_date(
        Utc.with_ymd_and_hms(2027, 1, 15, 0, 0, 0)
            .single()
            .ok_or("bad date")?
            .date_naive(),
    );
    let start = mentor_domain::calendar::round_start(&cfg, round);
    let t = Instant::now();
    let members = sign_up(&cfg, opts.members, opts.seed, start - Duration::days(10)).await?;
    if print {
        eprintln!(
            "signed up {} members in memory in {:.1} s",
            members.len(),
            t.elapsed().as_secs_f64()
        );
    }
    let run = Run::start(opts, &cfg, start, &members, print).await?;
    let plan_s = run.tick(round).await?;
    let first_delivery = run.clock.now();
    let deliveries = run.deliver_all(opts.duplicate_every).await;
    run.drop_table().await;
    Ok(run.outcome(&members, plan_s, first_delivery, &deliveries))
}

/// The production AWS adapters on moto, on a fresh table and bus.
struct Aws {
    sdk: aws_config::SdkConfig,
    table: String,
    store: Arc<DynamoStore>,
    bus: Arc<TeeBus>,
}

/// Creates the table and the bus on the endpoint; the store's DynamoDB
/// calls are counted (and their simulated latency charged) by `counter`.
async fn moto_adapters(
    opts: &Options,
    cfg: &ProgrammeConfig,
    counter: &Arc<DynamoCounter>,
) -> Result<Aws, String> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&opts.endpoint)
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "testing", "testing", None, None, "bench",
        ))
        .load()
        .await;
    let ddb_conf = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(CountingInterceptor(counter.clone()))
        .build();
    let ddb = aws_sdk_dynamodb::Client::from_conf(ddb_conf);
    let stamp = std::process::id();
    let table = format!("bench-round-{}-{stamp}", opts.members);
    mentor_aws::table::create_table(&ddb, &table)
        .await
        .map_err(err)?;
    let eb = aws_sdk_eventbridge::Client::new(&sdk);
    let bus_name = format!("bench-round-{stamp}");
    eb.create_event_bus()
        .name(&bus_name)
        .send()
        .await
        .map_err(|e| format!("creating the bus on {}: {e:?}", opts.endpoint))?;
    let store = Arc::new(DynamoStore::new(
        ddb,
        table.clone(),
        mentor_domain::Pseudonyms::local(),
        cfg.retention,
    ));
    let bus = Arc::new(TeeBus {
        inner: EventBridgeBus::new(eb, bus_name),
        queue: Mutex::new(Vec::new()),
        entries: AtomicU64::new(0),
    });
    Ok(Aws {
        sdk,
        table,
        store,
        bus,
    })
}

/// Writes the signed-up members to DynamoDB, eight writers at a time.
async fn store_members(
    store: &Arc<DynamoStore>,
    members: &[mentor_domain::model::Member],
    print: bool,
) -> Result<(), String> {
    let t = Instant::now();
    let mut puts = tokio::task::JoinSet::new();
    for chunk in members.chunks(members.len().div_ceil(8).max(1)) {
        let store = store.clone();
        let chunk = chunk.to_vec();
        puts.spawn(async move {
            for m in &chunk {
                Members::create(&*store, m).await?;
            }
            Ok::<(), mentor_domain::Error>(())
        });
    }
    while let Some(r) = puts.join_next().await {
        r.map_err(err)?.map_err(err)?;
    }
    if print {
        eprintln!(
            "stored them in DynamoDB (moto) in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The mock Slack on the simulated clock, and the production client
/// pointed at it, told never to sleep: the mock moves the simulated clock
/// by the waits the default policy would take.
async fn slack_on_mock(
    opts: &Options,
    clock: &Arc<FixedClock>,
    members: &[mentor_domain::model::Member],
) -> Result<(Arc<MockSlack>, Arc<SlackClient>), String> {
    let mock = Arc::new(MockSlack {
        clock: clock.clone(),
        state: Mutex::new(SlackState::default()),
        members: members.iter().map(|m| m.id.to_string()).collect(),
        latency: Duration::milliseconds(opts.slack_ms),
        client: RetryPolicy::default(),
    });
    let addr = start_mock_slack(mock.clone()).await?;
    let policy = RetryPolicy {
        base_delay: std::time::Duration::ZERO,
        max_delay: std::time::Duration::ZERO,
        retry_after_cap: Some(std::time::Duration::ZERO),
        per_channel_gap: std::time::Duration::ZERO,
        ..RetryPolicy::default()
    };
    let slack = Arc::new(SlackClient::new(
        &format!("http://{addr}"),
        "xoxb-bench",
        policy,
    ));
    Ok((mock, slack))
}

/// What the bus deliveries took.
#[derive(Default)]
struct Deliveries {
    invocations: u64,
    retried: u64,
    dead: u64,
    longest: Duration,
    busy: Duration,
    wall_s: f64,
}

/// Bus deliveries waiting for the scheduler code, some duplicated.
struct DeliveryQueue {
    items: VecDeque<Delivery>,
    seq: usize,
    duplicate_every: usize,
}

impl DeliveryQueue {
    /// Queues `events` as first attempts ready `at`; every
    /// `duplicate_every`-th is delivered twice (at least once).
    fn push_events(&mut self, events: Vec<BusEvent>, at: DateTime<Utc>) {
        for e in events {
            self.seq += 1;
            let twice = self.duplicate_every > 0 && self.seq.is_multiple_of(self.duplicate_every);
            for _ in 0..if twice { 2 } else { 1 } {
                self.items.push_back(Delivery {
                    event: e.clone(),
                    attempt: 1,
                    ready: at,
                });
            }
        }
    }

    /// Earliest ready first (retries wait their turn).
    fn next(&mut self) -> Option<Delivery> {
        let i = (0..self.items.len()).min_by_key(|&i| self.items[i].ready);
        i.and_then(|i| self.items.remove(i))
    }
}

/// One bench run after sign-up: the bot on the production adapters.
struct Run {
    print: bool,
    n: usize,
    clock: Arc<FixedClock>,
    counter: Arc<DynamoCounter>,
    aws: Aws,
    mock: Arc<MockSlack>,
    bot: Bot,
}

impl Run {
    async fn start(
        opts: &Options,
        cfg: &ProgrammeConfig,
        start: DateTime<Utc>,
        members: &[mentor_domain::model::Member],
        print: bool,
    ) -> Result<Run, String> {
        let clock = Arc::new(FixedClock::at(start));
        let counter = Arc::new(DynamoCounter::new(
            clock.clone(),
            Duration::milliseconds(opts.dynamodb_ms),
        ));
        let aws = moto_adapters(opts, cfg, &counter).await?;
        store_members(&aws.store, members, print).await?;
        let (mock, slack) = slack_on_mock(opts, &clock, members).await?;
        let deps = Deps::from_store(aws.store.clone(), slack, aws.bus.clone(), clock.clone());
        let bot = Bot::new(deps, cfg.clone());
        counter.reset();
        Ok(Run {
            print,
            n: opts.members,
            clock,
            counter,
            aws,
            mock,
            bot,
        })
    }

    fn say(&self, line: String) {
        if self.print {
            println!("{line}");
        }
    }

    /// Tick → plan → store → publish; the wall time of the tick.
    async fn tick(&self, round: RoundId) -> Result<f64, String> {
        let t = Instant::now();
        let began = self.clock.now();
        let report = self.bot.tick().await.map_err(err)?;
        let plan_s = t.elapsed().as_secs_f64();
        // The tick's DynamoDB calls at the simulated latency: what its I/O
        // would take on DynamoDB, apart from moto's own slowness.
        let io_s = (self.clock.now() - began).num_milliseconds() as f64 / 1000.0;
        let tick_calls = self.counter.calls.load(Ordering::Relaxed);
        let tick_writes = self.counter.writes.load(Ordering::Relaxed);
        let stored = Rounds::get(&*self.aws.store, round).await.map_err(err)?;
        let stats = stored.map(|r| r.stats).unwrap_or_default();
        self.say(format!(
            "tick: due={:?} published={} eligible={} groups={} trios={} unmatched={} wall_s={plan_s:.2} dynamodb_writes={tick_writes} dynamodb_calls={tick_calls} simulated_io_s={io_s:.1}",
            report.due, report.published, stats.eligible, stats.groups, stats.trios, stats.unmatched
        ));
        Ok(plan_s)
    }

    /// Notify: the bus delivers to the scheduler code one event at a time,
    /// failed deliveries retried as Lambda retries asynchronous invocations.
    async fn deliver_all(&self, duplicate_every: usize) -> Deliveries {
        let mut queue = DeliveryQueue {
            items: VecDeque::new(),
            seq: 0,
            duplicate_every,
        };
        queue.push_events(self.aws.bus.drain(), self.clock.now());
        let mut done = Deliveries::default();
        let t = Instant::now();
        while let Some(d) = queue.next() {
            if d.ready > self.clock.now() {
                self.clock.set(d.ready);
            }
            done.invocations += 1;
            let began = self.clock.now();
            let outcome = self.bot.on_bus_event(&d.event).await;
            done.longest = done.longest.max(self.clock.now() - began);
            done.busy += self.clock.now() - began;
            if let Err(e) = outcome {
                tracing::warn!(error = %e, attempt = d.attempt, "bus event failed");
                if d.attempt < ASYNC_ATTEMPTS {
                    done.retried += 1;
                    queue.items.push_back(Delivery {
                        ready: self.clock.now() + Duration::minutes(d.attempt as i64),
                        attempt: d.attempt + 1,
                        event: d.event,
                    });
                } else {
                    done.dead += 1;
                }
            }
            queue.push_events(self.aws.bus.drain(), self.clock.now());
        }
        done.wall_s = t.elapsed().as_secs_f64();
        done
    }

    /// Not counted: a client without the counter.
    async fn drop_table(&self) {
        let _ = aws_sdk_dynamodb::Client::new(&self.aws.sdk)
            .delete_table()
            .table_name(&self.aws.table)
            .send()
            .await;
    }

    /// Prints the detail lines and returns the closing figures.
    fn outcome(
        &self,
        members: &[mentor_domain::model::Member],
        plan_s: f64,
        first_delivery: DateTime<Utc>,
        d: &Deliveries,
    ) -> Outcome {
        let st = self.mock.lock();
        let slack_calls: u64 = st.calls.values().sum();
        let duplicates: u32 = st.posts.values().map(|c| c.saturating_sub(1)).sum();
        let unnotified = members
            .iter()
            .filter(|m| {
                !st.dmed.contains(m.id.as_str()) && !st.dmed.contains(&format!("D{}", m.id))
            })
            .count();
        let notify_minutes = st
            .last_dm_at
            .map(|t| (t - first_delivery).num_milliseconds() as f64 / 60_000.0)
            .unwrap_or(0.0);
        let counter = &self.counter;
        let writes = counter.writes.load(Ordering::Relaxed);
        let per = |x: u64| x as f64 / self.n.max(1) as f64;
        self.say(format!(
            "notify: invocations={} retried={} dead_lettered={} longest_invocation_s={:.1} busy_s={:.0} wall_s={:.1}",
            d.invocations,
            d.retried,
            d.dead,
            d.longest.num_milliseconds() as f64 / 1000.0,
            d.busy.num_milliseconds() as f64 / 1000.0,
            d.wall_s
        ));
        self.say(format!(
            "slack: {} rate_limited={} paced_s={:.0} waited_s={:.0} unnotified={unnotified}",
            st.calls
                .iter()
                .map(|(m, c)| format!("{m}={c}"))
                .collect::<Vec<_>>()
                .join(" "),
            st.rate_limited,
            st.paced_ms as f64 / 1000.0,
            st.waited_ms as f64 / 1000.0,
        ));
        self.say(format!(
            "dynamodb: writes={writes} (transact items {}) write_units={} reads={} read_units={:.0} calls={} eventbridge_entries={}",
            counter.transact_items.load(Ordering::Relaxed),
            counter.write_units.load(Ordering::Relaxed),
            counter.reads.load(Ordering::Relaxed),
            counter.read_half_units.load(Ordering::Relaxed) as f64 / 2.0,
            counter.calls.load(Ordering::Relaxed),
            self.aws.bus.entries.load(Ordering::Relaxed),
        ));
        self.say(format!("dynamodb writes by item: {}", counter.kinds_line()));
        Outcome {
            members: self.n,
            plan_s,
            writes_per_member: per(writes),
            slack_calls_per_member: per(slack_calls),
            notify_minutes,
            duplicates,
            unnotified,
            dead_lettered: d.dead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_round_of_sixty_members_notifies_everyone_exactly_once() {
        // Needs moto (tests/run.sh sets MOTO_ENDPOINT); skipped without it.
        let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
            eprintln!("bench-round test skipped: MOTO_ENDPOINT is not set");
            return;
        };
        let o = bench(
            &Options {
                members: 60,
                seed: 3,
                endpoint,
                slack_ms: 100,
                dynamodb_ms: 10,
                duplicate_every: 5,
            },
            false,
        )
        .await
        .unwrap();
        assert_eq!((o.duplicates, o.unnotified, o.dead_lettered), (0, 0, 0));
        // 3.63 measured: a pair costs 7 writes (the group and two places,
        // which are also the index; then on the group its announcement's
        // claim, the intro and the two pairing DMs, the last one emptying the
        // outbox), 3.5 per member, plus the round's 4 writes and the
        // moderator summary's marker (8 / 60); repeated deliveries write
        // nothing. The target is 5 (issue 14); the bound catches a write
        // per pair creeping back in (3.5 + 0.13 + 0.5 would exceed it).
        assert!(
            o.writes_per_member > 3.0 && o.writes_per_member <= 3.8,
            "{o}"
        );
        assert!(o.slack_calls_per_member > 0.0, "{o}");
    }
}
