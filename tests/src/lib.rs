//! Test harness: a fresh DynamoDB table and EventBridge bus in moto (started
//! by `tests/run.sh`, endpoint in `MOTO_ENDPOINT`), a mock Slack Web API
//! (wiremock) that records what the bot sent, an injected clock, and helpers
//! that build signed Slack requests for the real handlers.

pub mod faults;
pub mod limits;
pub mod scan;
pub mod world;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request};
use mentor_app::{App, AppBuilder, Store};
use mentor_aws::bus::EventBridgeBus;
use mentor_aws::dynamo::DynamoStore;
use mentor_domain::ProgrammeConfig;
use mentor_domain::memory::FixedClock;
use mentor_domain::ports::{BusEvent, EventBus};
use mentor_slack::client::{RetryPolicy, SlackClient};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request as MockRequest, Respond, ResponseTemplate};

pub const SECRET: &str = "test-signing-secret";
pub const CHANNEL: &str = "C0PROGRAM";
pub const MODERATOR: &str = "U0MODERATOR";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// Whether moto is there (`MOTO_ENDPOINT` set). Without it, says once per
/// test binary that the DynamoDB/EventBridge stories are skipped and how to
/// run them; the caller returns early (see [`moto_or_skip!`]).
pub fn moto_available() -> bool {
    if std::env::var_os("MOTO_ENDPOINT").is_some() {
        return true;
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        // One line per `cargo test` run (cargo is every test binary's parent).
        let marker = std::env::temp_dir().join(format!(
            "mentor-moto-skipped-{}",
            std::os::unix::process::parent_id()
        ));
        let first = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(marker)
            .is_ok();
        if first {
            // Straight to stderr: the test harness would swallow `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "moto tests skipped: MOTO_ENDPOINT is not set; `bash tests/run.sh` starts moto and runs them"
            );
        }
    });
    false
}

/// First line of every test that needs moto: returns early without it.
#[macro_export]
macro_rules! moto_or_skip {
    () => {
        if !$crate::moto_available() {
            return;
        }
    };
}

pub fn moto_endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTO_ENDPOINT is not set: run the tests with `bash tests/run.sh`, which starts moto"
        )
    })
}

pub fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc.timestamp_opt(0, 0).unwrap())
}

/// The real name the mock Slack gives a user id: `U0AAA` → "Aaa Example"
/// (never the id itself, so tests can tell a name from an id).
pub fn real_name(user: &str) -> String {
    let rest = user.strip_prefix("U0").unwrap_or(user).to_lowercase();
    let mut chars = rest.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{} Example", chars.as_str())
}

/// The mock Slack API's answers: `conversations.open` names the DM after its
/// users (`D<user>` / `G<u1>-<u2>`) so tests can tell who got what.
struct SlackResponder {
    /// How long every answer takes (a slow Slack).
    delay: Duration,
}

impl Respond for SlackResponder {
    fn respond(&self, req: &MockRequest) -> ResponseTemplate {
        self.answer(req).set_delay(self.delay)
    }
}

impl SlackResponder {
    fn answer(&self, req: &MockRequest) -> ResponseTemplate {
        // Write methods send JSON, read methods a form.
        let body: Value = serde_json::from_slice(&req.body).unwrap_or_else(|_| {
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&req.body).unwrap_or_default();
            Value::Object(
                form.into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        });
        let method = req.url.path().trim_start_matches('/').to_string();
        let ok = |extra: Value| {
            let mut v = json!({"ok": true});
            if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
                o.extend(e.clone());
            }
            ResponseTemplate::new(200).set_body_json(v)
        };
        match method.as_str() {
            "conversations.open" => {
                let users = body["users"].as_str().unwrap_or_default();
                let mut ids: Vec<&str> = users.split(',').collect();
                ids.sort_unstable();
                let id = if ids.len() == 1 {
                    format!("D{}", ids[0])
                } else {
                    format!("G{}", ids.join("-"))
                };
                ok(json!({"channel": {"id": id}}))
            }
            "users.info" => {
                let id = body["user"].as_str().unwrap_or_default();
                ok(
                    json!({"user": {"id": id, "tz": "Europe/Lisbon", "tz_offset": 0,
                    "real_name": real_name(id)}}),
                )
            }
            "conversations.members" => {
                ok(json!({"members": [], "response_metadata": {"next_cursor": ""}}))
            }
            _ => ok(json!({})),
        }
    }
}

/// A bus that publishes to EventBridge (moto) and keeps what it published, so
/// tests can deliver the events to the scheduler handler as the bus rule would.
pub struct RecordingBus {
    inner: EventBridgeBus,
    published: Mutex<Vec<BusEvent>>,
    /// When set, the next publish fails (a crash between storing and notifying).
    fail_next: std::sync::atomic::AtomicBool,
}

impl RecordingBus {
    pub fn fail_next_publish(&self) {
        self.fail_next.store(true, Ordering::SeqCst);
    }

    pub fn drain(&self) -> Vec<BusEvent> {
        std::mem::take(&mut *self.published.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[async_trait]
impl EventBus for RecordingBus {
    async fn publish(&self, events: &[BusEvent]) -> mentor_domain::error::Result<()> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(mentor_domain::Error::Bus("injected failure".into()));
        }
        self.inner.publish(events).await?;
        self.published
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(events);
        Ok(())
    }
}

pub struct Harness {
    pub app: App,
    pub slack: MockServer,
    pub clock: Arc<FixedClock>,
    pub bus: Arc<RecordingBus>,
    pub store: Arc<DynamoStore>,
    pub dynamo: aws_sdk_dynamodb::Client,
    pub table: String,
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(200),
        retry_after_cap: None,
        per_channel_gap: Duration::from_millis(1),
        request_timeout: Duration::from_secs(5),
    }
}

impl Harness {
    pub async fn new() -> Self {
        Self::with(ProgrammeConfig::example(), utc("2026-11-25T12:00:00Z")).await
    }

    pub async fn at(now: &str) -> Self {
        Self::with(ProgrammeConfig::example(), utc(now)).await
    }

    pub async fn with(cfg: ProgrammeConfig, now: DateTime<Utc>) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let table = format!("mp-test-{}-{n}", std::process::id());
        let sdk = mentor_aws::secrets::aws_config(Some(&moto_endpoint())).await;
        let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
        mentor_aws::table::create_table(&dynamo, &table)
            .await
            .expect("create table in moto");
        let events = aws_sdk_eventbridge::Client::new(&sdk);
        let bus_name = format!("{table}-bus");
        events
            .create_event_bus()
            .name(&bus_name)
            .send()
            .await
            .expect("create bus in moto");
        let slack = MockServer::start().await;
        Mock::given(wiremock::matchers::method("POST"))
            .respond_with(SlackResponder {
                delay: Duration::ZERO,
            })
            .with_priority(u8::MAX)
            .mount(&slack)
            .await;
        let clock = Arc::new(FixedClock::at(now));
        let retention = cfg.retention;
        let store = Arc::new(DynamoStore::new(
            dynamo.clone(),
            table.clone(),
            mentor_domain::Pseudonyms::local(),
            retention,
        ));
        let bus = Arc::new(RecordingBus {
            inner: EventBridgeBus::new(events, bus_name),
            published: Mutex::new(Vec::new()),
            fail_next: std::sync::atomic::AtomicBool::new(false),
        });
        let app = AppBuilder::new(mentor_app::local_settings(cfg, SECRET))
            .store(Store::Dynamo(store.clone()))
            .slack(Arc::new(limits::LimitChecked(Arc::new(SlackClient::new(
                &slack.uri(),
                "xoxb-test",
                fast_retries(),
            )))))
            .bus(bus.clone())
            .clock(clock.clone())
            .build()
            .await
            .expect("build the app");
        Self {
            app,
            slack,
            clock,
            bus,
            store,
            dynamo,
            table,
        }
    }

    fn now_ts(&self) -> String {
        use mentor_domain::ports::Clock;
        self.clock.now().timestamp().to_string()
    }

    fn signed(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Request {
        let ts = self.now_ts();
        let sig = mentor_slack::verify::sign(SECRET, &ts, body.as_bytes());
        let mut b = lambda_http::http::Request::builder()
            .method("POST")
            .uri(format!("https://example.test{path}"))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts)
            .header("x-slack-signature", sig);
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        b.body(Body::Text(body.to_string())).expect("request")
    }

    /// A request with any body, signed (for malformed-body tests).
    pub fn raw_signed(&self, body: &str) -> Request {
        self.signed("/slack/any", "application/octet-stream", body, &[])
    }

    /// A signed Events API request.
    pub fn event_request(&self, body: &Value, extra: &[(&str, &str)]) -> Request {
        self.signed(
            "/slack/events",
            "application/json",
            &body.to_string(),
            extra,
        )
    }

    /// A signed interactivity request (`payload=` form).
    pub fn interaction_request(&self, payload: &Value) -> Request {
        let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
        self.signed(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &body,
            &[],
        )
    }

    /// A signed slash command.
    pub fn command_request(&self, user: &str, text: &str) -> Request {
        let body = serde_urlencoded::to_string([
            ("command", "/mentoring"),
            ("text", text),
            ("user_id", user),
            ("channel_id", CHANNEL),
            (
                "response_url",
                &format!("{}/response-url", self.slack.uri()),
            ),
            (
                "trigger_id",
                &format!("trigger-{}", COUNTER.fetch_add(1, Ordering::SeqCst)),
            ),
        ])
        .expect("form");
        self.signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            &body,
            &[],
        )
    }

    pub async fn send_event(&self, body: &Value) -> (StatusCode, String) {
        self.send_event_with(body, &[]).await
    }

    pub async fn send_event_with(
        &self,
        body: &Value,
        extra: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let resp = slack_events::handle(&self.app, self.event_request(body, extra)).await;
        self.deliver().await;
        split(resp)
    }

    /// Sends a click or a view submission, then delivers the work it handed
    /// to the bus (as the bus rule would, after the answer).
    pub async fn send_interaction(&self, payload: &Value) -> (StatusCode, String) {
        let resp = slack_interactions::handle(&self.app, self.interaction_request(payload)).await;
        self.deliver().await;
        split(resp)
    }

    /// Sends a slash command and delivers the work it handed over. The body
    /// is the immediate answer with the replies the work then posted to the
    /// command's `response_url` appended to its text (what the moderator reads).
    pub async fn send_command(&self, user: &str, text: &str) -> (StatusCode, String) {
        let before = self.slack_calls("response-url").await.len();
        let resp = slack_interactions::handle(&self.app, self.command_request(user, text)).await;
        self.deliver().await;
        let (status, body) = split(resp);
        let later: Vec<String> = self
            .slack_calls("response-url")
            .await
            .iter()
            .skip(before)
            .map(readable)
            .collect();
        let Ok(mut v) = serde_json::from_str::<Value>(&body) else {
            return (status, body);
        };
        if !later.is_empty() {
            let text = v["text"].as_str().unwrap_or_default().to_string();
            v["text"] = Value::String(format!("{text}\n{}", later.join("\n")));
        }
        (status, v.to_string())
    }

    /// A click on a button of a slash command's ephemeral reply: Slack gives
    /// it the command's `response_url` (here the mock's), where the answer
    /// replaces the reply. Sent and delivered like [`Self::send_interaction`].
    pub async fn click_on_reply(
        &self,
        user: &str,
        action_id: &str,
        value: &str,
        message_ts: &str,
    ) -> (StatusCode, String) {
        let mut payload = click(user, action_id, value, message_ts);
        payload["response_url"] = json!(format!("{}/response-url", self.slack.uri()));
        self.send_interaction(&payload).await
    }

    /// Only the HTTP answer: the work handed to the bus is left there.
    pub async fn send_event_undelivered(&self, body: &Value) -> (StatusCode, String) {
        split(slack_events::handle(&self.app, self.event_request(body, &[])).await)
    }

    /// Only the HTTP answer to a click or submission (nothing delivered).
    pub async fn send_interaction_undelivered(&self, payload: &Value) -> (StatusCode, String) {
        split(slack_interactions::handle(&self.app, self.interaction_request(payload)).await)
    }

    /// Only the HTTP answer to a slash command (nothing delivered).
    pub async fn send_command_undelivered(&self, user: &str, text: &str) -> (StatusCode, String) {
        split(slack_interactions::handle(&self.app, self.command_request(user, text)).await)
    }

    /// Runs the scheduler with a tick, then delivers every published event.
    pub async fn tick(&self) {
        scheduler::handle(&self.app, json!({"kind": "tick"}))
            .await
            .expect("tick");
        self.deliver().await;
    }

    /// Sets the clock.
    pub fn set_time(&self, now: &str) {
        self.clock.set(utc(now));
    }

    /// Signs up `user` the real way: a DM, then the profile form.
    pub async fn sign_up(&self, user: &str, offers: &[&str], wants: &[&str], experience: &str) {
        self.send_event(&dm(&format!("Ev-signup-{user}"), user, "hi"))
            .await;
        let (status, body) = self
            .send_interaction(&profile_submission(
                user,
                "Europe/Lisbon",
                offers,
                wants,
                experience,
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.is_empty(), "profile rejected: {body}");
    }

    /// Pairing DMs (the personal one) sent to `user` for a round label like "December 2026".
    pub async fn pairing_dms(&self, user: &str, round_label: &str) -> usize {
        let prefix = format!("Your partner for {round_label}");
        self.dms_to(user)
            .await
            .iter()
            .filter(|m| m["text"].as_str().unwrap_or_default().starts_with(&prefix))
            .count()
    }

    /// Delivers published bus events to the scheduler, as the bus rule does.
    pub async fn deliver(&self) {
        for _ in 0..100 {
            let events = self.bus.drain();
            if events.is_empty() {
                return;
            }
            for e in events {
                self.deliver_one(&e).await.expect("bus event");
            }
        }
    }

    /// Bodies of the calls made to one Slack method, in order.
    pub async fn slack_calls(&self, method: &str) -> Vec<Value> {
        self.slack
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == format!("/{method}"))
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }

    /// Messages posted to `user`'s one-to-one DM: to the user id (where
    /// Slack delivers into the app's DM) or to the DM channel `D<user>`.
    pub async fn dms_to(&self, user: &str) -> Vec<Value> {
        let ch = format!("D{user}");
        self.slack_calls("chat.postMessage")
            .await
            .into_iter()
            .filter(|b| b["channel"] == ch.as_str() || b["channel"] == user)
            .collect()
    }

    /// `chat.update` calls (messages answered in place), in order.
    pub async fn updates(&self) -> Vec<Value> {
        self.slack_calls("chat.update").await
    }

    /// Forgets the Slack calls seen so far.
    pub async fn reset_slack(&self) {
        self.slack_answering_in(Duration::ZERO).await;
    }

    /// Forgets the Slack calls seen so far; from now on every Slack answer
    /// takes `delay`.
    pub async fn slack_answering_in(&self, delay: Duration) {
        self.slack.reset().await;
        Mock::given(wiremock::matchers::method("POST"))
            .respond_with(SlackResponder { delay })
            .with_priority(u8::MAX)
            .mount(&self.slack)
            .await;
    }

    /// Delivers one bus event to the scheduler handler, as the bus rule does.
    pub async fn deliver_one(&self, e: &BusEvent) -> Result<Value, scheduler::SchedulerError> {
        scheduler::handle(&self.app, bus_envelope(e)).await
    }

    /// Every item in the table, as JSON text (for "nothing stored" checks).
    pub async fn scan_all(&self) -> Vec<String> {
        let out = self
            .dynamo
            .scan()
            .table_name(&self.table)
            .send()
            .await
            .expect("scan");
        out.items
            .unwrap_or_default()
            .iter()
            .map(|item| {
                // HashMap order is random: sort the attributes for stable comparisons.
                let sorted: std::collections::BTreeMap<_, _> = item.iter().collect();
                format!("{sorted:?}")
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    }
}

/// The EventBridge envelope the bus rule hands the scheduler function.
pub fn bus_envelope(e: &BusEvent) -> Value {
    json!({
        "source": "mentor-pairing",
        "detail-type": e.detail_type(),
        "detail": serde_json::to_value(e).expect("event json"),
    })
}

fn split(resp: lambda_http::Response<Body>) -> (StatusCode, String) {
    let status = resp.status();
    let body = String::from_utf8_lossy(mentor_app::web::body_bytes_of(resp.body())).to_string();
    (status, body)
}

/// The text a person would read in a posted message (text + all block texts).
pub fn readable(msg: &Value) -> String {
    let mut out = msg["text"].as_str().unwrap_or_default().to_string();
    collect_text(&msg["blocks"], &mut out);
    out
}

fn collect_text(v: &Value, out: &mut String) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(t)) = o.get("text") {
                out.push('\n');
                out.push_str(t);
            }
            // A `text` that is an object (plain_text / mrkdwn) holds the string one level down.
            for (k, x) in o {
                if k != "text" || x.is_object() {
                    collect_text(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_text(x, out)),
        _ => {}
    }
}

/// Action ids of the buttons in a posted message.
pub fn action_ids(msg: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for b in msg["blocks"].as_array().into_iter().flatten() {
        for e in b["elements"].as_array().into_iter().flatten() {
            if let Some(id) = e["action_id"].as_str() {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// Four members of the moderator stories: A and B complement each other
/// (Writing / Research), as do C and D (Data / Frontend).
pub const A: &str = "U0AAA";
pub const B: &str = "U0BBB";
pub const C: &str = "U0CCC";
pub const D: &str = "U0DDD";

/// Signs up [`A`], [`B`], [`C`] and [`D`].
pub async fn four_members(h: &Harness) {
    members_a_and_b(h).await;
    members_c_and_d(h).await;
}

/// A (Writing → Research, new) and B (the other way round, seven plus
/// years): the first two of [`four_members`].
pub async fn members_a_and_b(h: &Harness) {
    h.sign_up(A, &["Writing"], &["Research"], "new").await;
    h.sign_up(B, &["Research"], &["Writing"], "seven_plus")
        .await;
}

/// C (Data → Frontend) and D (the other way round): the last two of
/// [`four_members`], often the ones who join late.
pub async fn members_c_and_d(h: &Harness) {
    h.sign_up(C, &["Data"], &["Frontend"], "one_to_three").await;
    h.sign_up(D, &["Frontend"], &["Data"], "three_to_seven")
        .await;
}

/// Ana can help with Accessibility and wants Writing; Ben the other way round.
pub async fn ana_and_ben(h: &Harness) {
    h.sign_up("U0ANA", &["Accessibility"], &["Writing"], "new")
        .await;
    h.sign_up("U0BEN", &["Writing"], &["Accessibility"], "seven_plus")
        .await;
}

const MANY_TOPICS: [&str; 8] = [
    "Writing",
    "Research",
    "Accessibility",
    "Frontend",
    "Backend",
    "Data",
    "Leadership",
    "Interviewing",
];
const MANY_LEVELS: [&str; 4] = ["new", "one_to_three", "three_to_seven", "seven_plus"];

/// Signs up `n` members `{prefix}000`, `{prefix}001`, … with varied
/// profiles: member i offers topic i, wants topic i + 3 (of eight), at
/// level i mod 4.
pub async fn sign_up_many(h: &Harness, prefix: &str, n: usize) -> Vec<String> {
    let mut users = Vec::new();
    for i in 0..n {
        let u = format!("{prefix}{i:03}");
        h.sign_up(
            &u,
            &[MANY_TOPICS[i % 8]],
            &[MANY_TOPICS[(i + 3) % 8]],
            MANY_LEVELS[i % 4],
        )
        .await;
        users.push(u);
    }
    users
}

/// The value of button `action` in `msg`.
pub fn value_of(msg: &Value, action: &str) -> String {
    msg["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == action)
        .and_then(|e| e["value"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("no {action} in {msg}"))
}

/// The newest DM to `user` with a button `action`.
pub async fn message_with(h: &Harness, user: &str, action: &str) -> Value {
    h.dms_to(user)
        .await
        .into_iter()
        .rev()
        .find(|m| action_ids(m).iter().any(|a| a == action))
        .unwrap_or_else(|| panic!("{user} got no {action} button"))
}

/// The value of button `action` in the newest DM to `user` that has it.
pub async fn button_value(h: &Harness, user: &str, action: &str) -> String {
    value_of(&message_with(h, user, action).await, action)
}

/// `user`'s member item as stored (panics when there is none).
pub async fn member(h: &Harness, user: &str) -> mentor_domain::model::Member {
    use mentor_domain::ports::Members;
    h.store
        .get(&mentor_domain::UserId::new(user))
        .await
        .expect("the store answers")
        .expect("member stored")
}

/// An `event_callback` envelope.
pub fn event(event_id: &str, event: Value) -> Value {
    json!({
        "token": "ignored",
        "team_id": "T0TEAM",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_764_072_000,
        "event": event,
    })
}

pub fn mention(event_id: &str, user: &str, text: &str) -> Value {
    event(
        event_id,
        json!({"type": "app_mention", "user": user, "text": format!("<@U0BOT> {text}"), "channel": CHANNEL, "ts": "1.1"}),
    )
}

pub fn dm(event_id: &str, user: &str, text: &str) -> Value {
    event(
        event_id,
        json!({"type": "message", "channel_type": "im", "user": user, "text": text, "channel": format!("D{user}"), "ts": "1.2"}),
    )
}

/// A `block_actions` payload for a button click on a message.
pub fn click(user: &str, action_id: &str, value: &str, message_ts: &str) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": format!("trigger-{message_ts}"),
        "container": {"type": "message", "message_ts": message_ts},
        "actions": [{"action_id": action_id, "value": value, "action_ts": "9.9"}],
        "response_url": "https://hooks.example.test/response",
    })
}

/// A click on a button of a posted message, as Slack sends it from a DM or
/// group DM: the container names the message's channel (a one-to-one DM is
/// `D<user>`) and `ts`, the payload carries the message and the button's
/// label. Panics if `msg` has no button `action_id`.
pub fn click_on(user: &str, msg: &Value, action_id: &str, message_ts: &str) -> Value {
    let button = msg["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == action_id)
        .unwrap_or_else(|| panic!("no {action_id} button in {msg}"));
    let posted_to = msg["channel"].as_str().unwrap_or_default();
    let channel = if posted_to.starts_with('U') || posted_to.starts_with('D') {
        format!("D{user}")
    } else {
        posted_to.to_string()
    };
    json!({
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": format!("trigger-{message_ts}"),
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": false},
        "channel": {"id": channel},
        "message": {"type": "message", "ts": message_ts, "text": msg["text"], "blocks": msg["blocks"]},
        "actions": [{"action_id": action_id, "value": button["value"], "text": button["text"], "action_ts": "9.9"}],
        "response_url": "https://hooks.example.test/response",
    })
}

/// A submission of a one-field text modal (`callback_id`, field `field`)
/// about `round`; `n` makes its view id and hash unique.
pub fn text_submission(
    user: &str,
    callback_id: &str,
    field: &str,
    round: &str,
    text: &str,
    n: u32,
) -> Value {
    json!({
        "type": "view_submission",
        "user": {"id": user},
        "view": {
            "id": format!("V{callback_id}{n}"),
            "hash": format!("h{callback_id}-{n}"),
            "callback_id": callback_id,
            "private_metadata": round,
            "state": {"values": {field: {field: {"type": "plain_text_input", "value": text}}}}
        }
    })
}

/// The App Home last published for `user`.
pub async fn latest_home(h: &Harness, user: &str) -> Value {
    h.slack_calls("views.publish")
        .await
        .into_iter()
        .rev()
        .find(|c| c["user_id"] == user)
        .map(|c| c["view"].clone())
        .unwrap_or_else(|| panic!("no App Home for {user}"))
}

/// A profile form submission with sensible answers.
pub fn profile_submission(
    user: &str,
    tz: &str,
    offers: &[&str],
    wants: &[&str],
    experience: &str,
) -> Value {
    let many = |xs: &[&str]| json!({"type": "multi_static_select", "selected_options": xs.iter().map(|x| json!({"value": x})).collect::<Vec<_>>()});
    let one = |x: &str| json!({"type": "static_select", "selected_option": {"value": x}});
    json!({
        "type": "view_submission",
        "user": {"id": user},
        "view": {
            "id": format!("V{user}"),
            "hash": format!("h-{user}"),
            "callback_id": "profile_form",
            "private_metadata": "new",
            "state": {"values": {
                "timezone": {"timezone": {"type": "plain_text_input", "value": tz}},
                "interests": {"interests": many(&["Research", "Writing"])},
                "offers": {"offers": many(offers)},
                "wants": {"wants": many(wants)},
                "experience": {"experience": one(experience)},
                "mode": {"mode": one("video")},
                "frequency": {"frequency": one("fortnightly")},
            }}
        }
    })
}
