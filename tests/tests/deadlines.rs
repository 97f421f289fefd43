//! Slack calls under Lambda's real limits: every call and wait of a
//! scheduler invocation ends before its deadline, so a slow or rate-limited
//! Slack is handed back as a retryable failure with its claim released, and
//! Lambda's retry of the asynchronous invocation (1 minute, then 2 minutes
//! later) sends each DM exactly once. Stories on moto with a mock Slack that
//! hangs or answers 429.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use integration_tests::*;
use mentor_domain::ports::BusEvent;
use mentor_domain::usecases::STALE_CLAIM_SECONDS;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// The function timeout these stories give the scheduler (production: the
/// template's, 120 s), and the margin kept back for releasing claims.
const LAMBDA_TIMEOUT: Duration = Duration::from_secs(3);
const MARGIN: Duration = Duration::from_millis(500);

/// Seconds from a failed asynchronous invocation to Lambda's first retry,
/// and from that to the second (and last).
const RETRY_GAPS: [i64; 2] = [60, 120];

/// How one invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Done,
    /// Returned an error in time: Lambda retries it.
    Failed,
    /// Still running at the timeout: Lambda killed it (claims left in flight).
    Killed,
}

/// One invocation with the deadline the production main sets, killed at the
/// timeout as Lambda would. With `deadline: false` the Slack calls are not
/// bounded (a worker that overruns for any reason).
async fn invoke(h: &Harness, e: &BusEvent, deadline: bool) -> (Run, Duration) {
    let started = Instant::now();
    let input = bus_envelope(e);
    let outcome = if deadline {
        let until = started + LAMBDA_TIMEOUT - MARGIN;
        tokio::time::timeout(
            LAMBDA_TIMEOUT,
            scheduler::handle_until(&h.app, input, until),
        )
        .await
    } else {
        tokio::time::timeout(LAMBDA_TIMEOUT, scheduler::handle(&h.app, input)).await
    };
    let run = match outcome {
        Err(_) => Run::Killed,
        Ok(Ok(_)) => Run::Done,
        Ok(Err(_)) => Run::Failed,
    };
    (run, started.elapsed())
}

/// Lambda's asynchronous invocation: a first attempt, then up to two retries,
/// 1 and 2 minutes after a failure (the template's `MaximumRetryAttempts: 2`).
async fn invoke_async(h: &Harness, e: &BusEvent, deadline: bool) -> Vec<(Run, Duration)> {
    let mut runs = Vec::new();
    for gap in std::iter::once(0).chain(RETRY_GAPS) {
        h.clock.advance(chrono::Duration::seconds(gap));
        let run = invoke(h, e, deadline).await;
        runs.push(run);
        if run.0 == Run::Done {
            break;
        }
    }
    runs
}

/// Two members signed up in November and paired on 1 December; the tick's
/// bus events are returned undelivered.
async fn a_paired_round(h: &Harness) -> (Vec<String>, Vec<BusEvent>) {
    let users = vec!["U0ANA".to_string(), "U0BEN".to_string()];
    h.sign_up(&users[0], &["Research"], &["Writing"], "seven_plus")
        .await;
    h.sign_up(&users[1], &["Writing"], &["Research"], "new")
        .await;
    h.deliver().await;
    h.set_time("2026-12-01T09:05:00Z");
    scheduler::handle(&h.app, json!({"kind": "tick"}))
        .await
        .expect("tick");
    let events = h.bus.drain();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BusEvent::NotifyGroup { .. })),
        "the tick publishes the pairing notifications"
    );
    (users, events)
}

fn is_group_notice(e: &BusEvent) -> bool {
    matches!(e, BusEvent::NotifyGroup { .. })
}

/// Group-DM intros posted (channels `G…` in the mock).
async fn group_intros(h: &Harness) -> usize {
    h.slack_calls("chat.postMessage")
        .await
        .iter()
        .filter(|b| b["channel"].as_str().is_some_and(|c| c.starts_with('G')))
        .count()
}

#[tokio::test]
async fn a_hanging_slack_call_is_given_up_before_the_timeout_and_the_retry_sends_each_dm_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (users, events) = a_paired_round(&h).await;
    // Slack accepts the connection for the group DM and never answers.
    Mock::given(method("POST"))
        .and(path("/conversations.open"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&h.slack)
        .await;
    for e in &events {
        let runs = invoke_async(&h, e, true).await;
        if is_group_notice(e) {
            let (first, took) = runs[0];
            assert_eq!(first, Run::Failed, "handed back, not killed");
            assert!(took < LAMBDA_TIMEOUT, "answered in {took:?}");
        }
        assert_eq!(runs.last().map(|r| r.0), Some(Run::Done), "{e:?}: {runs:?}");
    }
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    assert_eq!(group_intros(&h).await, 1);
}

/// A Slack that rate-limits the DMs to one user: its first post gets a 429
/// with `Retry-After`, and any post to that user before the wait is over
/// gets another (and is counted as too early). Every other post succeeds.
struct RateLimitedUser {
    user: String,
    retry_after: u64,
    state: Mutex<Limit>,
}

#[derive(Default)]
struct Limit {
    limited: bool,
    until: Option<Instant>,
    too_early: usize,
    delivered: Vec<Value>,
}

impl RateLimitedUser {
    fn new(user: &str, retry_after: u64) -> Self {
        Self {
            user: user.into(),
            retry_after,
            state: Mutex::new(Limit::default()),
        }
    }
    fn lock(&self) -> std::sync::MutexGuard<'_, Limit> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Lambda's retry comes a minute later: the limit is over by then.
    fn a_minute_later(&self) {
        self.lock().until = None;
    }
    /// Posts Slack accepted to `user`'s DM (the user id or `D<user>`).
    fn delivered_to(&self, user: &str) -> Vec<Value> {
        let dm = format!("D{user}");
        self.lock()
            .delivered
            .iter()
            .filter(|b| b["channel"] == user || b["channel"] == dm.as_str())
            .cloned()
            .collect()
    }
    fn pairing_dms_to(&self, user: &str) -> usize {
        self.delivered_to(user)
            .iter()
            .filter(|m| {
                m["text"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Your partner for December 2026")
            })
            .count()
    }
}

impl Respond for RateLimitedUser {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let mut st = self.lock();
        if body["channel"] == self.user.as_str() {
            let now = Instant::now();
            let limit = ResponseTemplate::new(429)
                .insert_header("retry-after", self.retry_after.to_string());
            if !st.limited {
                st.limited = true;
                st.until = Some(now + Duration::from_secs(self.retry_after));
                return limit;
            }
            if st.until.is_some_and(|t| now < t) {
                st.too_early += 1;
                return limit;
            }
        }
        st.delivered.push(body);
        ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
    }
}

async fn rate_limit_posts_to(
    h: &Harness,
    user: &str,
    retry_after: u64,
) -> std::sync::Arc<RateLimitedUser> {
    let limiter = std::sync::Arc::new(RateLimitedUser::new(user, retry_after));
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(SharedResponder(limiter.clone()))
        .with_priority(1)
        .mount(&h.slack)
        .await;
    limiter
}

/// Lets the test keep a handle on a responder wiremock owns.
struct SharedResponder(std::sync::Arc<RateLimitedUser>);

impl Respond for SharedResponder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        self.0.respond(req)
    }
}

#[tokio::test]
async fn a_rate_limit_longer_than_the_time_left_is_handed_back_and_the_retry_sends_the_dm_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (users, events) = a_paired_round(&h).await;
    let limiter = rate_limit_posts_to(&h, &users[0], 30).await;
    for e in &events {
        let (first, took) = invoke(&h, e, true).await;
        if is_group_notice(e) {
            // 30 s of Retry-After don't fit in the 2.5 s left: no waiting,
            // no asking Slack again early; the claim is released.
            assert_eq!(first, Run::Failed);
            assert!(took < Duration::from_secs(1), "gave up in {took:?}");
            assert_eq!(limiter.lock().too_early, 0);
            limiter.a_minute_later();
            h.clock.advance(chrono::Duration::seconds(60));
            assert_eq!(invoke(&h, e, true).await.0, Run::Done);
        } else {
            assert_eq!(first, Run::Done, "{e:?}");
        }
    }
    for u in &users {
        assert_eq!(limiter.pairing_dms_to(u), 1, "{u}");
    }
    assert_eq!(limiter.lock().too_early, 0);
}

#[tokio::test]
async fn a_rate_limit_that_fits_is_waited_in_full_and_the_dm_goes_out_once_in_the_same_invocation()
{
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (users, events) = a_paired_round(&h).await;
    let limiter = rate_limit_posts_to(&h, &users[0], 1).await;
    for e in &events {
        let (first, took) = invoke(&h, e, true).await;
        assert_eq!(first, Run::Done, "{e:?}");
        if is_group_notice(e) {
            assert!(took >= Duration::from_secs(1), "waited {took:?}");
            // EventBridge delivers at least once: a duplicate sends nothing.
            assert_eq!(invoke(&h, e, true).await.0, Run::Done);
        }
    }
    for u in &users {
        assert_eq!(limiter.pairing_dms_to(u), 1, "{u}");
    }
    assert_eq!(
        limiter.lock().too_early,
        0,
        "Slack was asked again too early"
    );
}

#[tokio::test]
async fn a_worker_killed_holding_a_claim_is_taken_over_by_lambdas_last_retry() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    let (users, events) = a_paired_round(&h).await;
    Mock::given(method("POST"))
        .and(path("/conversations.open"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&h.slack)
        .await;
    for e in &events {
        // No deadline: the worker overruns and is killed holding its claim.
        let runs: Vec<Run> = invoke_async(&h, e, false)
            .await
            .iter()
            .map(|r| r.0)
            .collect();
        if is_group_notice(e) {
            // The first retry (1 minute on) finds the claim in flight; the
            // last (3 minutes on, past STALE_CLAIM_SECONDS) takes it over.
            assert_eq!(runs, [Run::Killed, Run::Failed, Run::Done]);
        } else {
            assert_eq!(runs, [Run::Done], "{e:?}");
        }
    }
    for u in &users {
        assert_eq!(h.pairing_dms(u, "December 2026").await, 1, "{u}");
    }
    assert_eq!(group_intros(&h).await, 1);
}

/// The number after `key: ` on the first line at or after `section` that has it.
fn template_number(template: &str, section: &str, key: &str) -> i64 {
    let start = template
        .find(section)
        .unwrap_or_else(|| panic!("{section} in the template"));
    template[start..]
        .lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} under {section}"))
}

#[test]
fn a_stale_claim_outlives_the_scheduler_timeout_and_is_taken_over_before_lambdas_last_retry() {
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../infra/template.yaml"
    ))
    .expect("infra/template.yaml");
    let timeout = template_number(&template, "\n  SchedulerFunction:\n", "Timeout");
    let retries = template_number(&template, "EventInvokeConfig:", "MaximumRetryAttempts");
    // A live worker's claim is never taken from it ...
    assert!(
        STALE_CLAIM_SECONDS > timeout,
        "stale after {STALE_CLAIM_SECONDS} s but the scheduler runs up to {timeout} s"
    );
    // ... and a dead worker's claim is taken over by Lambda's last retry,
    // which comes at least 1 + 2 minutes after the failed attempt.
    assert_eq!(retries, 2, "Lambda's maximum: two retries");
    let last_retry: i64 = RETRY_GAPS.iter().sum();
    assert!(
        STALE_CLAIM_SECONDS < last_retry,
        "stale after {STALE_CLAIM_SECONDS} s but Lambda's last retry comes {last_retry} s on"
    );
}

#[tokio::test]
async fn the_profile_button_with_a_hanging_slack_is_answered_within_slacks_3_seconds() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.sign_up("U0ANA", &["Research"], &["Writing"], "new").await;
    // views.open is the one Slack call made before answering a click.
    h.slack_answering_in(Duration::from_secs(10)).await;
    let started = Instant::now();
    let _ = h
        .send_interaction_undelivered(&click("U0ANA", "open_profile", "", "home-1"))
        .await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "answered in {took:?}");
    // Slack is quick again: the next click opens the form.
    h.reset_slack().await;
    let (status, _) = h
        .send_interaction_undelivered(&click("U0ANA", "open_profile", "", "home-2"))
        .await;
    assert_eq!(status, lambda_http::http::StatusCode::OK);
    assert_eq!(h.slack_calls("views.open").await.len(), 1);
}
