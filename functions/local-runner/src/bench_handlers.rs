//! `local-runner bench-handlers`: the latency of the three HTTP entry points
//! (Events API, interactivity, `/mentoring`) as Lambda runs them, on
//! in-memory ports: each request is signed and goes through the real
//! `handle` (verify → parse → claim → hand to the bus → answer).
//!
//! Two runs: one with a Slack that answers at once (p50/p99 per handler),
//! one with a Slack that takes `--slack-delay-ms` (4 s by default) per call:
//! the handlers answer as fast, because their Slack work goes via the bus.
//! The bus is drained between requests, outside the timed part, and never
//! delivered: what is measured is the answer Slack waits for.
//!
//! One line per handler and run, then
//! `handlers p50_us=<worst p50> p99_us=<worst p99> slow_slack_max_ms=<m> slack_calls_inline=<n>`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use lambda_http::Body;
use lambda_http::http::StatusCode;
use mentor_app::{App, AppBuilder, Store, local_settings};
use mentor_domain::action::Action;
use mentor_domain::memory::{FixedClock, MemoryBus, MemoryStore, RecordingMessenger};
use mentor_domain::ports::{Messenger, SlackResult, UserInfo};
use mentor_domain::surface::{Home, Message, Modal};
use mentor_domain::usecases::{Deps, Origin, ProfileOutcome};
use mentor_domain::{Bot, ChannelId, ProgrammeConfig, UserId};
use serde_json::json;
use tokio::time::Instant;

use crate::simulate::{Rng, profile_values};

const SECRET: &str = "bench-signing-secret";
const MEMBER: &str = "U0BENCH01";

/// Knobs of one bench run.
pub struct Options {
    /// Timed requests per handler with the instant Slack.
    pub requests: usize,
    /// Timed requests per handler with the slow Slack.
    pub slow_requests: usize,
    /// How long the slow Slack takes per call.
    pub slack_delay: StdDuration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            requests: 20_000,
            slow_requests: 20,
            slack_delay: StdDuration::from_secs(4),
        }
    }
}

/// A Slack that takes `delay` for every call (then answers like the
/// recording one), and counts the calls.
struct SlowSlack {
    delay: StdDuration,
    inner: RecordingMessenger,
    calls: AtomicU64,
}

impl SlowSlack {
    async fn wait(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
    }
}

#[async_trait]
impl Messenger for SlowSlack {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        self.wait().await;
        self.inner.open_dm(users).await
    }
    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        self.wait().await;
        self.inner.post(channel, message).await
    }
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        self.wait().await;
        self.inner.update(channel, ts, message).await
    }
    async fn post_ephemeral(&self, c: &ChannelId, u: &UserId, m: &Message) -> SlackResult<()> {
        self.wait().await;
        self.inner.post_ephemeral(c, u, m).await
    }
    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        self.wait().await;
        self.inner.open_modal(trigger_id, modal).await
    }
    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        self.wait().await;
        self.inner.publish_home(user, home).await
    }
    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        self.wait().await;
        self.inner.user_info(user).await
    }
    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        self.wait().await;
        self.inner.channel_members(channel).await
    }
    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        self.wait().await;
        self.inner.respond(response_url, message).await
    }
}

/// The app on in-memory ports, with one member signed up.
struct Rig {
    app: App,
    slack: Arc<SlowSlack>,
    bus: Arc<MemoryBus>,
    now: DateTime<Utc>,
}

impl Rig {
    async fn new(delay: StdDuration) -> Result<Self, String> {
        let cfg = ProgrammeConfig::example();
        let now = Utc
            .with_ymd_and_hms(2027, 1, 10, 12, 0, 0)
            .single()
            .ok_or("bad date")?;
        let clock = Arc::new(FixedClock::at(now));
        let store = Arc::new(MemoryStore::new());
        let bus = Arc::new(MemoryBus::new());
        sign_up(&cfg, store.clone(), clock.clone()).await?;
        let slack = Arc::new(SlowSlack {
            delay,
            inner: RecordingMessenger::new(),
            calls: AtomicU64::new(0),
        });
        let app = AppBuilder::new(local_settings(cfg, SECRET))
            .store(Store::Memory(store))
            .slack(slack.clone())
            .bus(bus.clone())
            .clock(clock)
            .build()
            .await
            .map_err(|e| e.to_string())?;
        Ok(Self {
            app,
            slack,
            bus,
            now,
        })
    }

    fn signed(&self, path: &str, content_type: &str, body: String) -> lambda_http::Request {
        let ts = self.now.timestamp().to_string();
        let sig = mentor_slack::verify::sign(SECRET, &ts, body.as_bytes());
        lambda_http::http::Request::builder()
            .method("POST")
            .uri(format!("https://bench.local{path}"))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", sig)
            .body(Body::Text(body))
            .unwrap_or_default()
    }

    /// The `i`-th request of a kind, each distinct (no dedupe short cut).
    fn request(&self, kind: Kind, i: usize) -> lambda_http::Request {
        match kind {
            Kind::Events => {
                let body = json!({
                    "type": "event_callback",
                    "event_id": format!("EvBench{i}"),
                    "event_time": self.now.timestamp(),
                    "event": {"type": "app_mention", "user": MEMBER,
                              "text": "<@U0BOT> status", "channel": "C0PROGRAM", "ts": format!("{i}.1")},
                });
                self.signed("/slack/events", "application/json", body.to_string())
            }
            Kind::Interactions => {
                let (action_id, value) = Action::Pause.encode();
                let payload = json!({
                    "type": "block_actions",
                    "user": {"id": MEMBER},
                    "trigger_id": format!("trigger-{i}"),
                    "container": {"type": "message", "message_ts": format!("{i}.2")},
                    "actions": [{"action_id": action_id, "value": value, "action_ts": "9.9"}],
                    "response_url": "https://hooks.bench.local/response",
                });
                let body = form(&[("payload", payload.to_string())]);
                self.signed(
                    "/slack/interactions",
                    "application/x-www-form-urlencoded",
                    body,
                )
            }
            Kind::Commands => {
                let body = form(&[
                    ("command", "/mentoring".into()),
                    ("text", "stats".into()),
                    ("user_id", "U0MODERATOR".into()),
                    ("channel_id", "C0PROGRAM".into()),
                    ("response_url", "https://hooks.bench.local/response".into()),
                    ("trigger_id", format!("trigger-{i}")),
                ]);
                self.signed("/slack/commands", "application/x-www-form-urlencoded", body)
            }
        }
    }

    async fn send(&self, kind: Kind, req: lambda_http::Request) -> StatusCode {
        let resp = match kind {
            Kind::Events => slack_events::handle(&self.app, req).await,
            Kind::Interactions | Kind::Commands => slack_interactions::handle(&self.app, req).await,
        };
        resp.status()
    }
}

fn form(fields: &[(&str, String)]) -> String {
    serde_urlencoded::to_string(fields).unwrap_or_default()
}

/// Signs the bench member up (in the channel, profile saved).
async fn sign_up(
    cfg: &ProgrammeConfig,
    store: Arc<MemoryStore>,
    clock: Arc<FixedClock>,
) -> Result<(), String> {
    let slack = Arc::new(RecordingMessenger::new());
    let bus = Arc::new(MemoryBus::new());
    let deps = Deps::from_store(store, slack, bus, clock);
    let bot = Bot::new(deps, cfg.clone());
    let id = UserId::new(MEMBER);
    let values = profile_values(cfg, &mut Rng::new(1));
    bot.on_message(&id, Origin::Channel(cfg.channel.clone()), "hi")
        .await
        .map_err(|e| e.to_string())?;
    match bot.save_profile(&id, &values, "bench-signup").await {
        Ok(ProfileOutcome::Rejected(e)) => Err(format!("profile rejected: {e:?}")),
        Ok(_) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Events,
    Interactions,
    Commands,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Events, Kind::Interactions, Kind::Commands];

    fn name(self) -> &'static str {
        match self {
            Kind::Events => "events",
            Kind::Interactions => "interactions",
            Kind::Commands => "commands",
        }
    }
}

/// Latencies of one handler in one run.
#[derive(Debug, Clone)]
pub struct Figures {
    pub kind: Kind,
    pub slack_delay_ms: u128,
    pub requests: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    /// Answers other than 200.
    pub failed: usize,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "handler={} slack_delay_ms={} requests={} p50_us={:.1} p99_us={:.1} max_us={:.0} non_200={}",
            self.kind.name(),
            self.slack_delay_ms,
            self.requests,
            self.p50_us,
            self.p99_us,
            self.max_us,
            self.failed
        )
    }
}

/// The `q`-quantile (0–1) of sorted samples, in microseconds.
fn quantile(sorted: &[StdDuration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e6
}

/// Times `requests` requests of `kind` (after a short warm-up).
async fn time_handler(rig: &Rig, kind: Kind, requests: usize, offset: usize) -> Figures {
    let warm = (requests / 10).min(1000);
    let mut samples = Vec::with_capacity(requests);
    let mut failed = 0;
    for i in 0..warm + requests {
        let req = rig.request(kind, offset + i);
        let t = Instant::now();
        let status = rig.send(kind, req).await;
        let took = t.elapsed();
        rig.bus.drain();
        if i >= warm {
            samples.push(took);
            failed += usize::from(status != StatusCode::OK);
        }
    }
    samples.sort();
    Figures {
        kind,
        slack_delay_ms: rig.slack.delay.as_millis(),
        requests,
        p50_us: quantile(&samples, 0.50),
        p99_us: quantile(&samples, 0.99),
        max_us: quantile(&samples, 1.0),
        failed,
    }
}

/// Both runs; the fast one first. Also returns the Slack calls the slow
/// run's handlers made before answering (should be none).
pub async fn bench(opts: &Options) -> Result<(Vec<Figures>, u64), String> {
    let mut out = Vec::new();
    let fast = Rig::new(StdDuration::ZERO).await?;
    for (n, kind) in Kind::ALL.into_iter().enumerate() {
        out.push(time_handler(&fast, kind, opts.requests, n * 10_000_000).await);
    }
    let slow = Rig::new(opts.slack_delay).await?;
    for (n, kind) in Kind::ALL.into_iter().enumerate() {
        out.push(time_handler(&slow, kind, opts.slow_requests, n * 10_000_000).await);
    }
    Ok((out, slow.slack.calls.load(Ordering::Relaxed)))
}

pub async fn run(opts: &Options) -> Result<(), String> {
    let (figures, inline_calls) = bench(opts).await?;
    for f in &figures {
        println!("{f}");
    }
    let fast = figures.iter().filter(|f| f.slack_delay_ms == 0);
    let worst = |g: fn(&Figures) -> f64| fast.clone().map(g).fold(0.0, f64::max);
    let slow_max_ms = figures
        .iter()
        .filter(|f| f.slack_delay_ms > 0)
        .map(|f| f.max_us / 1000.0)
        .fold(0.0, f64::max);
    println!(
        "handlers p50_us={:.1} p99_us={:.1} slow_slack_max_ms={slow_max_ms:.1} slack_calls_inline={inline_calls}",
        worst(|f| f.p50_us),
        worst(|f| f.p99_us),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_handler_answers_a_signed_request_without_waiting_for_a_slow_slack() {
        let (figures, inline_calls) = bench(&Options {
            requests: 20,
            slow_requests: 3,
            slack_delay: StdDuration::from_secs(4),
        })
        .await
        .unwrap();
        assert_eq!(figures.len(), 6);
        for f in &figures {
            assert_eq!(
                (f.requests, f.failed),
                (if f.slack_delay_ms > 0 { 3 } else { 20 }, 0),
                "{f}"
            );
        }
        // A handler that waited for the 4 s Slack would take 4 s here.
        for f in figures.iter().filter(|f| f.slack_delay_ms > 0) {
            assert!(f.max_us < 1_000_000.0, "answered only after Slack: {f}");
        }
        assert_eq!(inline_calls, 0, "a handler called Slack before answering");
    }

    #[test]
    fn quantiles_pick_the_sample_at_or_above_the_rank() {
        let s: Vec<StdDuration> = (1..=100).map(StdDuration::from_micros).collect();
        assert_eq!(quantile(&s, 0.5), 50.0);
        assert_eq!(quantile(&s, 0.99), 99.0);
        assert_eq!(quantile(&s, 1.0), 100.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
