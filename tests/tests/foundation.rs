//! The walking skeleton: signed requests through the events handler, the
//! member stored in DynamoDB (moto), exactly one DM on the mock Slack API.

use integration_tests::*;
use lambda_http::http::StatusCode;
use mentor_domain::UserId;
use mentor_domain::model::MemberStatus;
use mentor_domain::ports::Members;
use serde_json::json;

#[tokio::test]
async fn url_verification_echoes_the_challenge() {
    moto_or_skip!();
    let h = Harness::new().await;
    let (status, body) = h
        .send_event(&json!({"token": "x", "challenge": "abc123", "type": "url_verification"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["challenge"],
        "abc123"
    );
}

#[tokio::test]
async fn a_mention_from_someone_new_stores_them_and_sends_one_welcome_dm() {
    moto_or_skip!();
    let h = Harness::new().await;
    let (status, _) = h.send_event(&mention("Ev001", "U0ANA", "hi!")).await;
    assert_eq!(status, StatusCode::OK);

    let member = h
        .store
        .get(&UserId::new("U0ANA"))
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(member.status, MemberStatus::Onboarding);

    let dms = h.dms_to("U0ANA").await;
    assert_eq!(dms.len(), 1, "exactly one DM");
    assert!(readable(&dms[0]).contains("Welcome to peer mentoring"));
    assert_eq!(action_ids(&dms[0])[0], "open_profile");
    // Posted to the user id (Slack delivers it into the app's DM): one
    // call, no conversations.open (Tier 3, about 50 a minute).
    assert_eq!(dms[0]["channel"], "U0ANA");
    assert!(h.slack_calls("conversations.open").await.is_empty());
}

#[tokio::test]
async fn a_slack_retry_of_the_same_event_sends_no_second_dm() {
    moto_or_skip!();
    let h = Harness::new().await;
    let ev = mention("Ev002", "U0BEN", "hello");
    h.send_event(&ev).await;
    let (status, _) = h
        .send_event_with(
            &ev,
            &[
                ("x-slack-retry-num", "1"),
                ("x-slack-retry-reason", "http_timeout"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.dms_to("U0BEN").await.len(), 1);
}

#[tokio::test]
async fn a_tampered_request_gets_401_and_writes_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    let mut req = h.event_request(&mention("Ev003", "U0EVE", "hi"), &[]);
    *req.body_mut() = lambda_http::Body::Text(mention("Ev003", "U0MAL", "hi").to_string());
    let resp = slack_events::handle(&h.app, req).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(h.scan_all().await.is_empty(), "nothing stored");
    assert!(h.slack_calls("chat.postMessage").await.is_empty());
}

#[tokio::test]
async fn a_stale_signature_gets_401() {
    moto_or_skip!();
    let h = Harness::new().await;
    let req = h.event_request(&mention("Ev004", "U0EVE", "hi"), &[]);
    h.clock.advance(chrono::Duration::seconds(301));
    let resp = slack_events::handle(&h.app, req).await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(h.scan_all().await.is_empty());
}

#[tokio::test]
async fn a_malformed_body_gets_400() {
    moto_or_skip!();
    let h = Harness::new().await;
    let req = h.raw_signed("{not json");
    assert_eq!(
        slack_events::handle(&h.app, req).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn unknown_event_types_get_200_and_do_nothing() {
    moto_or_skip!();
    let h = Harness::new().await;
    let (status, _) = h
        .send_event(&event(
            "Ev005",
            json!({"type": "reaction_added", "user": "U0ANA"}),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = h
        .send_event(&json!({"type": "app_rate_limited", "minute_rate_limited": 1}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(h.scan_all().await.is_empty());
}

#[tokio::test]
async fn bot_messages_are_ignored() {
    moto_or_skip!();
    let h = Harness::new().await;
    let ev = event(
        "Ev006",
        json!({"type": "message", "channel_type": "im", "bot_id": "B0BOT", "text": "I am a bot", "channel": "D1"}),
    );
    assert_eq!(h.send_event(&ev).await.0, StatusCode::OK);
    assert!(h.slack_calls("chat.postMessage").await.is_empty());
    assert!(h.scan_all().await.is_empty());
}

#[tokio::test]
async fn the_set_up_profile_button_opens_the_modal_with_the_slack_time_zone() {
    moto_or_skip!();
    let h = Harness::new().await;
    h.send_event(&dm("Ev007", "U0CAT", "hi")).await;
    let (status, _) = h
        .send_interaction(&click("U0CAT", "open_profile", "", "1.5"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let opened = h.slack_calls("views.open").await;
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0]["trigger_id"], "trigger-1.5");
    let view = &opened[0]["view"];
    assert_eq!(view["callback_id"], "profile_form");
    let tz = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["block_id"] == "timezone")
        .unwrap();
    assert_eq!(tz["element"]["initial_value"], "Europe/Lisbon");
}

#[tokio::test]
async fn a_scheduler_tick_loads_config_and_reports_what_is_due() {
    moto_or_skip!();
    // 24 November 09:00 UTC is reconfirmation time for the December round.
    let h = Harness::at("2026-11-24T09:30:00Z").await;
    let out = scheduler::handle(&h.app, json!({"kind": "tick"}))
        .await
        .unwrap();
    assert_eq!(out["due"], json!(["reconfirm 2026-12"]));
}
