//! Ack first: with Slack's Web API answering in 4 s, every Slack request is
//! answered at once, and its work (every Slack call) is done by the scheduler
//! after the bus is drained. A worker killed mid-work loses nothing.

use std::time::{Duration, Instant};

use integration_tests::*;
use lambda_http::http::StatusCode;
use mentor_domain::UserId;
use mentor_domain::model::MemberStatus;
use mentor_domain::ports::{BusEvent, Members};
use serde_json::json;

const ANA: &str = "U0ANA";
const BEA: &str = "U0BEA";
const SLOW: Duration = Duration::from_secs(4);
/// Well under Slack's 3 s; the precise p99 is the benchmark's job.
const FAST: Duration = Duration::from_millis(900);

async fn status_of(h: &Harness, user: &str) -> MemberStatus {
    h.store
        .get(&UserId::new(user))
        .await
        .unwrap()
        .expect("member stored")
        .status
}

/// Runs a request, returns its answer and how long it took.
async fn timed<F: std::future::Future<Output = (StatusCode, String)>>(
    f: F,
) -> ((StatusCode, String), Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}

#[tokio::test]
async fn with_a_slow_slack_every_request_is_answered_at_once_and_the_work_done_after_the_bus() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.sign_up(ANA, &["Writing"], &["Research"], "new").await;
    h.sign_up(BEA, &["Research"], &["Writing"], "seven_plus")
        .await;
    h.slack_answering_in(SLOW).await;

    // A newcomer mentions the bot in the channel.
    let ((status, _), took) =
        timed(h.send_event_undelivered(&mention("Ev-new", "U0NEW", "hi"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < FAST, "mention answered in {took:?}");
    // Ana DMs "pause".
    let ((status, _), took) = timed(h.send_event_undelivered(&dm("Ev-pause", ANA, "pause"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < FAST, "DM command answered in {took:?}");
    // Bea leaves the channel.
    let left = event(
        "Ev-left",
        json!({"type": "member_left_channel", "user": BEA, "channel": CHANNEL}),
    );
    let ((status, _), took) = timed(h.send_event_undelivered(&left)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < FAST, "member_left_channel answered in {took:?}");
    // Ana clicks "Opt out" in her App Home.
    let ((status, _), took) =
        timed(h.send_interaction_undelivered(&click(ANA, "opt_out", "", "home-1"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < FAST, "button click answered in {took:?}");
    // A moderator asks for the export.
    let ((status, body), took) = timed(h.send_command_undelivered(MODERATOR, "export")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(took < FAST, "slash command answered in {took:?}");
    assert!(body.contains("On it"), "{body}");

    // Nothing was sent to Slack while answering.
    assert!(
        h.slack
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "Slack was called before answering"
    );
    assert_eq!(status_of(&h, ANA).await, MemberStatus::Active);

    // The bus delivers the work to the scheduler (Slack fast again so the test is quick).
    h.slack_answering_in(Duration::ZERO).await;
    h.deliver().await;
    let welcome = h.dms_to("U0NEW").await;
    assert_eq!(welcome.len(), 1, "one welcome DM");
    assert!(
        readable(&welcome[0]).contains("peer mentoring"),
        "{}",
        readable(&welcome[0])
    );
    assert_eq!(
        h.slack_calls("chat.postEphemeral").await.len(),
        1,
        "one channel ack"
    );
    assert_eq!(
        status_of(&h, ANA).await,
        MemberStatus::OptedOut,
        "paused, then opted out"
    );
    let ana: Vec<String> = h.dms_to(ANA).await.iter().map(readable).collect();
    assert!(ana.iter().any(|t| t.contains("Paused")), "{ana:?}");
    assert_eq!(status_of(&h, BEA).await, MemberStatus::Left);
    let export = h
        .slack_calls("response-url")
        .await
        .iter()
        .map(readable)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(export.contains("by DM"), "{export}");
    assert!(
        h.dms_to(MODERATOR)
            .await
            .iter()
            .any(|m| readable(m).contains("user_id,status")),
        "export DM sent"
    );
}

#[tokio::test]
async fn a_slack_retry_after_the_answer_hands_nothing_over_twice() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.send_event_undelivered(&dm("Ev-1", ANA, "hi")).await;
    h.send_event_undelivered(&dm("Ev-1", ANA, "hi")).await;
    let handed = h.bus.drain();
    assert_eq!(handed.len(), 1, "{handed:?}");
    for e in &handed {
        h.deliver_one(e).await.unwrap();
    }
    assert_eq!(h.dms_to(ANA).await.len(), 1);
}

#[tokio::test]
async fn a_failed_hand_over_answers_500_and_slacks_retry_is_done_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.bus.fail_next_publish();
    let (status, _) = h.send_event(&dm("Ev-2", ANA, "hi")).await;
    assert_eq!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "Slack must retry"
    );
    assert!(h.dms_to(ANA).await.is_empty());
    let (status, _) = h
        .send_event_with(&dm("Ev-2", ANA, "hi"), &[("x-slack-retry-num", "1")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.dms_to(ANA).await.len(), 1, "the retry did the work");
}

#[tokio::test]
async fn a_worker_killed_mid_work_loses_nothing_and_the_retry_does_it_once() {
    moto_or_skip!();
    let h = Harness::at("2026-11-20T10:00:00Z").await;
    h.sign_up(ANA, &["Writing"], &["Research"], "new").await;
    h.send_event_undelivered(&dm("Ev-pause", ANA, "pause"))
        .await;
    let handed = h.bus.drain();
    let [work @ BusEvent::Accepted { .. }] = handed.as_slice() else {
        panic!("one piece of work handed over: {handed:?}");
    };
    // The scheduler starts, Slack hangs, and the invocation is killed.
    h.slack_answering_in(SLOW).await;
    let killed = tokio::time::timeout(Duration::from_millis(500), h.deliver_one(work)).await;
    assert!(killed.is_err(), "the worker was cut off mid-work");
    // The platform's retry comes while the claim still looks alive: it fails
    // (and is retried again) rather than being dropped as done.
    h.slack_answering_in(Duration::ZERO).await;
    assert!(
        h.deliver_one(work).await.is_err(),
        "an in-flight claim is retried, not dropped"
    );
    // A later retry, once the dead worker's claim is stale, does the work.
    h.clock.advance(chrono::Duration::minutes(7));
    h.deliver_one(work)
        .await
        .expect("retry after the claim went stale");
    h.deliver_one(work)
        .await
        .expect("a duplicate delivery is a no-op");
    // The pause is not lost, and Ana is told she is paused (once).
    assert_eq!(status_of(&h, ANA).await, MemberStatus::Paused);
    let told: Vec<String> = h
        .dms_to(ANA)
        .await
        .iter()
        .map(readable)
        .filter(|t| t.to_lowercase().contains("paused"))
        .collect();
    assert_eq!(told.len(), 1, "{told:?}");
}
