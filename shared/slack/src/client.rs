//! The Slack Web API client. Honours HTTP 429 `Retry-After` in full, paces
//! `chat.postMessage` per channel, retries transient failures with backoff,
//! classifies `ok:false` errors as permanent or transient, and never waits
//! past the invocation's [`deadline`](crate::deadline): what would not fit
//! fails at once as retryable (`deadline_exceeded`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use mentor_domain::ports::{Messenger, SlackResult, UserInfo};
use mentor_domain::surface::{Home, Message, Modal};
use mentor_domain::{ChannelId, SlackFailure, UserId};
use serde_json::{Value, json};

use crate::blocks;
use crate::deadline;

pub const DEFAULT_BASE_URL: &str = "https://slack.com/api";

/// Retry and pacing knobs (tests shrink the delays).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    /// Upper bound on one backoff wait (5xx, timeouts, transient errors).
    pub max_delay: Duration,
    /// `None` (production): a 429's `Retry-After` is waited in full whenever
    /// it fits before the deadline. Tools that simulate time cap it.
    pub retry_after_cap: Option<Duration>,
    /// Minimum gap between two `chat.postMessage` calls to the same channel.
    pub per_channel_gap: Duration,
    /// Upper bound on one HTTP request; the deadline may cut it shorter.
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            retry_after_cap: None,
            per_channel_gap: Duration::from_millis(1100),
            request_timeout: Duration::from_secs(10),
        }
    }
}

pub struct SlackClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
    policy: RetryPolicy,
    last_post: Mutex<HashMap<String, Instant>>,
}

/// Errors that mean "this won't work however often you try".
fn is_permanent(code: &str) -> bool {
    !matches!(
        code,
        "ratelimited"
            | "internal_error"
            | "fatal_error"
            | "service_unavailable"
            | "request_timeout"
            | "http_error"
            | "network_error"
            | "deadline_exceeded"
    )
}

fn failure(method: &str, code: impl Into<String>) -> SlackFailure {
    let code = code.into();
    SlackFailure {
        method: method.into(),
        permanent: is_permanent(&code),
        code,
    }
}

impl SlackClient {
    pub fn new(base_url: &str, token: &str, policy: RetryPolicy) -> Self {
        let http = reqwest::Client::builder()
            .timeout(policy.request_timeout)
            .build()
            .unwrap_or_default();
        Self {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            token: token.to_string(),
            policy,
            last_post: Mutex::new(HashMap::new()),
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let d = self.policy.base_delay.saturating_mul(1 << attempt.min(10));
        d.min(self.policy.max_delay)
    }

    /// Waits so two posts to one channel are at least `per_channel_gap`
    /// apart; fails (retryable) when that wait would pass the deadline.
    async fn pace(&self, channel: &str) -> SlackResult<()> {
        let wait = {
            let mut last = self.last_post.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let next_free = last
                .get(channel)
                .map(|t| *t + self.policy.per_channel_gap)
                .unwrap_or(now);
            let start = next_free.max(now);
            if !deadline::fits(start - now) {
                return Err(out_of_time("chat.postMessage"));
            }
            last.insert(channel.to_string(), start);
            start - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// POSTs to `url` (a Web API method or a response_url), retrying
    /// 429 and transient failures while they fit before the deadline.
    /// Returns the parsed body when `ok` is true.
    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Payload<'_>,
        auth: bool,
    ) -> SlackResult<Value> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let timeout = match deadline::remaining() {
                Some(left) if left < deadline::MIN_CALL => return Err(out_of_time(method)),
                Some(left) => left.min(self.policy.request_timeout),
                None => self.policy.request_timeout,
            };
            let wait = match self.attempt(method, url, body, auth, timeout).await {
                Attempt::Done(v) => return Ok(v),
                Attempt::Failed(f) => return Err(f),
                Attempt::Backoff => self.backoff(attempt),
                Attempt::RetryAfter(wait) => wait,
            };
            if attempt >= self.policy.max_attempts {
                return Err(failure(method, "retries_exhausted").transient());
            }
            if !deadline::fits(wait) {
                // Handed back: the caller releases its claim and the
                // platform's retry, with a fresh deadline, does the call.
                tracing::warn!(
                    method,
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "slack retry does not fit before the deadline"
                );
                return Err(out_of_time(method));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One HTTP request and what to do next.
    async fn attempt(
        &self,
        method: &str,
        url: &str,
        body: Payload<'_>,
        auth: bool,
        timeout: Duration,
    ) -> Attempt {
        let mut req = match body {
            Payload::Json(v) => self.http.post(url).json(v),
            Payload::Form(f) => self.http.post(url).form(f),
        };
        if auth {
            req = req.bearer_auth(&self.token);
        }
        let resp = match req.timeout(timeout).send().await {
            Ok(resp) => resp,
            Err(e) => {
                tracing::warn!(method, timeout = e.is_timeout(), "slack request failed");
                return Attempt::Backoff;
            }
        };
        let status = resp.status();
        if status.as_u16() == 429 {
            let secs = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(1);
            tracing::info!(method, retry_after = secs, "slack rate limited");
            let wait = Duration::from_secs(secs);
            return Attempt::RetryAfter(
                self.policy
                    .retry_after_cap
                    .map_or(wait, |cap| wait.min(cap)),
            );
        }
        if status.is_server_error() {
            tracing::warn!(method, status = status.as_u16(), "slack server error");
            return Attempt::Backoff;
        }
        if !status.is_success() {
            return Attempt::Failed(failure(method, format!("http_{}", status.as_u16())));
        }
        let text = resp.text().await.unwrap_or_default();
        if !auth {
            // response_url answers plain "ok".
            return Attempt::Done(Value::Null);
        }
        let Ok(v) = serde_json::from_str::<Value>(&text) else {
            return Attempt::Failed(failure(method, "invalid_response"));
        };
        if v.get("ok").and_then(Value::as_bool) == Some(true) {
            return Attempt::Done(v);
        }
        let code = v
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown_error");
        if is_permanent(code) {
            return Attempt::Failed(failure(method, code));
        }
        Attempt::Backoff
    }

    /// A write method: arguments as a JSON body.
    async fn call(&self, method: &str, body: Value) -> SlackResult<Value> {
        let url = format!("{}/{}", self.base_url, method);
        self.send(method, &url, Payload::Json(&body), true).await
    }

    /// A read method (`users.info`, `conversations.members`): Slack only
    /// reads their arguments from a form or query string, not from JSON.
    async fn read(&self, method: &str, args: &[(&str, String)]) -> SlackResult<Value> {
        let url = format!("{}/{}", self.base_url, method);
        let form: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        self.send(method, &url, Payload::Form(&form), true).await
    }
}

/// What one HTTP request came to.
enum Attempt {
    Done(Value),
    Failed(SlackFailure),
    /// A transient failure: retry after the backoff.
    Backoff,
    /// HTTP 429: retry after this long (`Retry-After`).
    RetryAfter(Duration),
}

/// Out of time before the invocation's deadline: retryable, so the caller
/// releases its claim and a later delivery does the call.
fn out_of_time(method: &str) -> SlackFailure {
    failure(method, "deadline_exceeded")
}

/// How a request's arguments are encoded.
#[derive(Clone, Copy)]
enum Payload<'a> {
    Json(&'a Value),
    Form(&'a [(String, String)]),
}

trait Transient {
    fn transient(self) -> Self;
}

impl Transient for SlackFailure {
    fn transient(mut self) -> Self {
        self.permanent = false;
        self
    }
}

#[async_trait]
impl Messenger for SlackClient {
    async fn open_dm(&self, users: &[UserId]) -> SlackResult<ChannelId> {
        let ids: Vec<&str> = users.iter().map(UserId::as_str).collect();
        let v = self
            .call("conversations.open", json!({"users": ids.join(",")}))
            .await?;
        v.pointer("/channel/id")
            .and_then(Value::as_str)
            .map(ChannelId::new)
            .ok_or_else(|| failure("conversations.open", "invalid_response"))
    }

    async fn post(&self, channel: &ChannelId, message: &Message) -> SlackResult<()> {
        self.pace(channel.as_str()).await?;
        let mut body = blocks::message(message);
        body["channel"] = json!(channel.as_str());
        self.call("chat.postMessage", body).await.map(|_| ())
    }

    /// `chat.update` (covered by `chat:write`); paced like posts, since it
    /// shares their per-channel limit.
    async fn update(&self, channel: &ChannelId, ts: &str, message: &Message) -> SlackResult<()> {
        self.pace(channel.as_str()).await?;
        let mut body = blocks::message(message);
        body["channel"] = json!(channel.as_str());
        body["ts"] = json!(ts);
        self.call("chat.update", body).await.map(|_| ())
    }

    /// `chat.postMessage` with `channel: <user id>`: Slack puts it in the
    /// app's DM with the user, one call instead of two. Should Slack refuse
    /// the user id as a channel, the DM is opened the classic way, which
    /// also reports the member's own error (`user_not_found`, …) exactly.
    async fn post_dm(&self, user: &UserId, message: &Message) -> SlackResult<()> {
        match self.post(&ChannelId::new(user.as_str()), message).await {
            Err(f) if f.code == "channel_not_found" => {
                tracing::info!(user = %user, "post to a user id refused; opening the DM");
                let channel = self.open_dm(std::slice::from_ref(user)).await?;
                self.post(&channel, message).await
            }
            other => other,
        }
    }

    async fn post_ephemeral(
        &self,
        channel: &ChannelId,
        user: &UserId,
        message: &Message,
    ) -> SlackResult<()> {
        let mut body = blocks::message(message);
        body["channel"] = json!(channel.as_str());
        body["user"] = json!(user.as_str());
        self.call("chat.postEphemeral", body).await.map(|_| ())
    }

    async fn open_modal(&self, trigger_id: &str, modal: &Modal) -> SlackResult<()> {
        self.call(
            "views.open",
            json!({"trigger_id": trigger_id, "view": blocks::modal(modal)}),
        )
        .await
        .map(|_| ())
    }

    async fn publish_home(&self, user: &UserId, home: &Home) -> SlackResult<()> {
        self.call(
            "views.publish",
            json!({"user_id": user.as_str(), "view": blocks::home(home)}),
        )
        .await
        .map(|_| ())
    }

    async fn user_info(&self, user: &UserId) -> SlackResult<UserInfo> {
        let v = self
            .read("users.info", &[("user", user.to_string())])
            .await?;
        let u = v.get("user").cloned().unwrap_or(Value::Null);
        Ok(UserInfo {
            tz: u.get("tz").and_then(Value::as_str).map(str::to_string),
            tz_offset_seconds: u.get("tz_offset").and_then(Value::as_i64).map(|o| o as i32),
            is_bot: u.get("is_bot").and_then(Value::as_bool).unwrap_or(false),
            deleted: u.get("deleted").and_then(Value::as_bool).unwrap_or(false),
            real_name: u
                .get("real_name")
                .or_else(|| u.get("profile").and_then(|p| p.get("real_name")))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        })
    }

    async fn channel_members(&self, channel: &ChannelId) -> SlackResult<Vec<UserId>> {
        let mut out = Vec::new();
        let mut cursor = String::new();
        for _ in 0..1000 {
            let mut args = vec![
                ("channel", channel.to_string()),
                ("limit", "1000".to_string()),
            ];
            if !cursor.is_empty() {
                args.push(("cursor", cursor.clone()));
            }
            let v = self.read("conversations.members", &args).await?;
            if let Some(ms) = v.get("members").and_then(Value::as_array) {
                out.extend(ms.iter().filter_map(Value::as_str).map(UserId::new));
            }
            cursor = v
                .pointer("/response_metadata/next_cursor")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(out)
    }

    async fn auth_test(&self) -> SlackResult<()> {
        self.call("auth.test", json!({})).await.map(|_| ())
    }

    async fn respond(&self, response_url: &str, message: &Message) -> SlackResult<()> {
        let mut body = blocks::message(message);
        body["response_type"] = json!("ephemeral");
        body["replace_original"] = json!(false);
        self.send("response_url", response_url, Payload::Json(&body), false)
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests;
