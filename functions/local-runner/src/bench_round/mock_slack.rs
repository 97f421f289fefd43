//! The mock Slack of `bench-round`: Slack's published rate limits on the
//! simulated clock, and a record of what was sent.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use mentor_domain::memory::FixedClock;
use mentor_domain::ports::Clock;
use mentor_slack::client::RetryPolicy;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// Slack's published limits, per method (requests per minute, per workspace)
/// and `chat.postMessage`'s one message per second per channel.
fn per_minute_limit(method: &str) -> Option<usize> {
    match method {
        // Tier 2
        "conversations.members" => Some(20),
        // Tier 3
        "conversations.open" | "chat.postEphemeral" => Some(50),
        // Tier 4
        "users.info" | "views.publish" | "views.open" => Some(100),
        _ => None,
    }
}

const POST_GAP_MS: i64 = 1000;

/// The mock Slack's state: what was sent, when, and the rate-limit windows.
#[derive(Default)]
pub(super) struct SlackState {
    pub(super) windows: HashMap<String, VecDeque<DateTime<Utc>>>,
    pub(super) last_post: HashMap<String, DateTime<Utc>>,
    pub(super) calls: BTreeMap<String, u64>,
    pub(super) rate_limited: u64,
    /// (conversation, text) → how many times it was posted.
    pub(super) posts: HashMap<(String, String), u32>,
    /// Users who got a DM (their own conversation), and when the last one went out.
    pub(super) dmed: HashSet<String>,
    pub(super) last_dm_at: Option<DateTime<Utc>>,
    pub(super) paced_ms: i64,
    pub(super) waited_ms: i64,
}

pub(super) struct MockSlack {
    pub(super) clock: Arc<FixedClock>,
    pub(super) state: Mutex<SlackState>,
    pub(super) members: Vec<String>,
    pub(super) latency: Duration,
    /// What the production client does, mirrored on the simulated clock.
    pub(super) client: RetryPolicy,
}

/// A DM conversation is named after its user however it was addressed
/// (`D…` from `conversations.open`, or the user id itself).
fn conversation(channel: &str) -> String {
    match channel.strip_prefix('D') {
        Some(user) => user.to_string(),
        None => channel.to_string(),
    }
}

impl MockSlack {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, SlackState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Answers one Web API call: `Err(retry_after_s)` when over the limit.
    fn answer(&self, method: &str, args: &Value) -> Result<Value, u64> {
        self.clock.advance(self.latency);
        let mut st = self.lock();
        *st.calls.entry(method.to_string()).or_default() += 1;
        let now = self.clock.now();
        if let Some(limit) = per_minute_limit(method) {
            let window = st.windows.entry(method.to_string()).or_default();
            while window
                .front()
                .is_some_and(|t| now - *t >= Duration::minutes(1))
            {
                window.pop_front();
            }
            if window.len() >= limit {
                let oldest = window.front().copied().unwrap_or(now);
                let wait = (oldest + Duration::minutes(1) - now).num_seconds().max(1);
                return self.limited(st, wait as u64);
            }
            window.push_back(now);
        }
        let arg = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or_default();
        match method {
            "conversations.open" => {
                let users: Vec<&str> = arg("users").split(',').collect();
                let id = if users.len() == 1 {
                    format!("D{}", users[0])
                } else {
                    format!("G{}", users.join("-"))
                };
                Ok(json!({"ok": true, "channel": {"id": id}}))
            }
            "chat.postMessage" => {
                let conv = conversation(arg("channel"));
                // The client paces posts per channel; mirror its wait.
                let gap = Duration::from_std(self.client.per_channel_gap)
                    .unwrap_or(Duration::milliseconds(POST_GAP_MS));
                if let Some(last) = st.last_post.get(&conv).copied() {
                    let free = last + gap;
                    if free > now {
                        st.paced_ms += (free - now).num_milliseconds();
                        self.clock.set(free);
                    }
                }
                let now = self.clock.now();
                if st
                    .last_post
                    .get(&conv)
                    .is_some_and(|t| now - *t < Duration::milliseconds(POST_GAP_MS))
                {
                    return self.limited(st, 1);
                }
                st.last_post.insert(conv.clone(), now);
                let text = arg("text").to_string();
                *st.posts.entry((conv.clone(), text)).or_default() += 1;
                if conv.starts_with('U') {
                    st.dmed.insert(conv);
                    st.last_dm_at = Some(now);
                }
                Ok(json!({"ok": true}))
            }
            "conversations.members" => {
                let from: usize = arg("cursor").parse().unwrap_or(0);
                let limit: usize = arg("limit").parse().unwrap_or(100).clamp(1, 1000);
                let to = (from + limit).min(self.members.len());
                let next = if to < self.members.len() {
                    to.to_string()
                } else {
                    String::new()
                };
                Ok(json!({"ok": true, "members": &self.members[from..to],
                          "response_metadata": {"next_cursor": next}}))
            }
            "users.info" => {
                Ok(json!({"ok": true, "user": {"tz": "Europe/London", "tz_offset": 0}}))
            }
            _ => Ok(json!({"ok": true})),
        }
    }

    /// A 429; the client will wait `Retry-After` before retrying.
    fn limited(
        &self,
        mut st: std::sync::MutexGuard<'_, SlackState>,
        secs: u64,
    ) -> Result<Value, u64> {
        st.rate_limited += 1;
        let full = std::time::Duration::from_secs(secs);
        let wait = self
            .client
            .retry_after_cap
            .map_or(full, |cap| full.min(cap));
        st.waited_ms += wait.as_millis() as i64;
        drop(st);
        self.clock
            .advance(Duration::from_std(wait).unwrap_or(Duration::zero()));
        Err(secs)
    }
}

type Resp = hyper::Response<Full<Bytes>>;

async fn slack_route(
    slack: Arc<MockSlack>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<Resp, std::convert::Infallible> {
    let method = req.uri().path().trim_start_matches('/').to_string();
    let form = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let args: Value = if form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let resp = match slack.answer(&method, &args) {
        Ok(v) => hyper::Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(v.to_string()))),
        Err(secs) => hyper::Response::builder()
            .status(429)
            .header("retry-after", secs.to_string())
            .body(Full::new(Bytes::new())),
    };
    Ok(resp.unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()))))
}

pub(super) async fn start_mock_slack(slack: Arc<MockSlack>) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let slack = slack.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| slack_route(slack.clone(), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Ok(addr)
}
