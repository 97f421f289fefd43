//! The Slack Web API client. Honours HTTP 429 `Retry-After`, paces
//! `chat.postMessage` per channel, retries transient failures with backoff,
//! and classifies `ok:false` errors as permanent or transient.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use mentor_domain::ports::{Messenger, SlackResult, UserInfo};
use mentor_domain::surface::{Home, Message, Modal};
use mentor_domain::{ChannelId, SlackFailure, UserId};
use serde_json::{Value, json};

use crate::blocks;

pub const DEFAULT_BASE_URL: &str = "https://slack.com/api";

/// Retry and pacing knobs (tests shrink the delays).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    /// Upper bound on a single wait, whatever `Retry-After` says.
    pub max_delay: Duration,
    /// Minimum gap between two `chat.postMessage` calls to the same channel.
    pub per_channel_gap: Duration,
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            // Bounds one call to about 2.5 minutes, well inside a claim's
            // presumed lifetime (see `Bot::once`).
            max_delay: Duration::from_secs(30),
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

    /// Waits so two posts to one channel are at least `per_channel_gap` apart.
    async fn pace(&self, channel: &str) {
        let wait = {
            let mut last = self.last_post.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let next_free = last
                .get(channel)
                .map(|t| *t + self.policy.per_channel_gap)
                .unwrap_or(now);
            let start = next_free.max(now);
            last.insert(channel.to_string(), start);
            start - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// POSTs to `url` (a Web API method or a response_url), retrying
    /// 429 and transient failures. Returns the parsed body when `ok` is true.
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
            let mut req = match body {
                Payload::Json(v) => self.http.post(url).json(v),
                Payload::Form(f) => self.http.post(url).form(f),
            };
            if auth {
                req = req.bearer_auth(&self.token);
            }
            let outcome = req.send().await;
            let retry_in = match outcome {
                Err(e) => {
                    tracing::warn!(
                        method,
                        attempt,
                        timeout = e.is_timeout(),
                        "slack request failed"
                    );
                    self.backoff(attempt)
                }
                Ok(resp) => {
                    let status = resp.status();
                    if status.as_u16() == 429 {
                        let secs = resp
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.trim().parse::<u64>().ok())
                            .unwrap_or(1);
                        tracing::info!(method, attempt, retry_after = secs, "slack rate limited");
                        Duration::from_secs(secs).min(self.policy.max_delay)
                    } else if status.is_server_error() {
                        tracing::warn!(
                            method,
                            attempt,
                            status = status.as_u16(),
                            "slack server error"
                        );
                        self.backoff(attempt)
                    } else if !status.is_success() {
                        return Err(failure(method, format!("http_{}", status.as_u16())));
                    } else {
                        let text = resp.text().await.unwrap_or_default();
                        if !auth {
                            // response_url answers plain "ok".
                            return Ok(Value::Null);
                        }
                        let v: Value = serde_json::from_str(&text)
                            .map_err(|_| failure(method, "invalid_response"))?;
                        if v.get("ok").and_then(Value::as_bool) == Some(true) {
                            return Ok(v);
                        }
                        let code = v
                            .get("error")
                            .and_then(Value::as_str)
                            .unwrap_or("unknown_error")
                            .to_string();
                        if is_permanent(&code) {
                            return Err(failure(method, code));
                        }
                        self.backoff(attempt)
                    }
                }
            };
            if attempt >= self.policy.max_attempts {
                return Err(failure(method, "retries_exhausted").transient());
            }
            tokio::time::sleep(retry_in).await;
        }
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
        self.pace(channel.as_str()).await;
        let mut body = blocks::message(message);
        body["channel"] = json!(channel.as_str());
        self.call("chat.postMessage", body).await.map(|_| ())
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
mod tests {
    use super::*;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn fast() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(50),
            per_channel_gap: Duration::from_millis(1),
            request_timeout: Duration::from_secs(2),
        }
    }

    #[tokio::test]
    async fn a_post_sends_the_token_channel_and_blocks() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat.postMessage"))
            .and(header("authorization", "Bearer xoxb-test"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1)
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "xoxb-test", fast());
        c.post(&ChannelId::new("D1"), &Message::plain("hello"))
            .await
            .unwrap();
        let req = &server.received_requests().await.unwrap()[0];
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        assert_eq!(body["channel"], "D1");
        assert_eq!(body["text"], "hello");
        assert_eq!(body["blocks"][0]["type"], "section");
    }

    #[tokio::test]
    async fn a_dm_is_one_post_to_the_user_id_without_conversations_open() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        c.post_dm(&UserId::new("U1"), &Message::plain("hi"))
            .await
            .unwrap();
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(reqs.len(), 1, "one call, no conversations.open");
        assert_eq!(reqs[0].url.path(), "/chat.postMessage");
        let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
        assert_eq!(body["channel"], "U1");
    }

    #[tokio::test]
    async fn a_user_id_refused_as_a_channel_falls_back_to_opening_the_dm() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .and(wiremock::matchers::body_partial_json(
                json!({"channel": "U1"}),
            ))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
            )
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/conversations.open"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": true, "channel": {"id": "D1"}})),
            )
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        c.post_dm(&UserId::new("U1"), &Message::plain("hi"))
            .await
            .unwrap();
        let paths: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| r.url.path().to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "/chat.postMessage",
                "/conversations.open",
                "/chat.postMessage"
            ]
        );
    }

    #[tokio::test]
    async fn a_429_is_retried_after_the_given_delay() {
        let server = MockServer::start().await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
            .up_to_n_times(2)
            .mount(&server)
            .await;
        Mock::given(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        c.post(&ChannelId::new("D1"), &Message::plain("x"))
            .await
            .unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn server_errors_are_retried_then_reported_as_transient() {
        let server = MockServer::start().await;
        Mock::given(path("/users.info"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        let e = c.user_info(&UserId::new("U1")).await.unwrap_err();
        assert!(!e.permanent);
        assert_eq!(server.received_requests().await.unwrap().len(), 4);
    }

    #[tokio::test]
    async fn account_inactive_is_about_the_bot_and_not_retried_here() {
        let server = MockServer::start().await;
        Mock::given(path("/conversations.open"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"ok": false, "error": "account_inactive"})),
            )
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        let e = c.open_dm(&[UserId::new("U1")]).await.unwrap_err();
        assert!(e.permanent);
        assert!(e.is_bot_error() && !e.means_unreachable());
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn read_methods_send_form_arguments() {
        let server = MockServer::start().await;
        Mock::given(path("/users.info"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(wiremock::matchers::body_string("user=U1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"ok": true, "user": {"tz": "Europe/Lisbon", "tz_offset": 0}}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        let info = c.user_info(&UserId::new("U1")).await.unwrap();
        assert_eq!(info.tz.as_deref(), Some("Europe/Lisbon"));
    }

    #[tokio::test]
    async fn channel_members_follows_cursors() {
        let server = MockServer::start().await;
        Mock::given(path("/conversations.members"))
            .and(wiremock::matchers::body_string_contains("cursor=next"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"ok": true, "members": ["U3"]})),
            )
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path("/conversations.members"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"ok": true, "members": ["U1", "U2"], "response_metadata": {"next_cursor": "next"}}),
            ))
            .mount(&server)
            .await;
        let c = SlackClient::new(&server.uri(), "t", fast());
        let ms = c.channel_members(&ChannelId::new("C1")).await.unwrap();
        assert_eq!(
            ms,
            vec![UserId::new("U1"), UserId::new("U2"), UserId::new("U3")]
        );
    }
}
